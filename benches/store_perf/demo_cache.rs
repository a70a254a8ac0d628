//! The demo stores the list, Flota and RSS parts run on, generated once and kept beside
//! the bench binary (`target/release/bench-cache/`): 100,000 documents take minutes to
//! generate (127 s in an earlier release run) and every part wants the same store. Each
//! use gets its own copy, so a part that sells into it leaves the cached file as it was.
//! The name carries the document count, seed and schema version; delete the folder after
//! changing what `demo::generate` makes.

use motordesk::store::{SCHEMA_VERSION, Store};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The password of the demo stores.
pub const PASSWORD: &str = "motordesk";

fn cache_dir() -> PathBuf {
    // target/<profile>/deps/store_perf-… → target/<profile>/bench-cache
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent()?.parent().map(Path::to_path_buf))
        .unwrap_or_else(std::env::temp_dir)
        .join("bench-cache")
}

/// A fresh copy, in `dir`, of the demo store with `docs` documents (seed 11), and how it
/// came: "cached" or the time it took to generate.
pub fn demo_store(dir: &Path, docs: usize) -> (PathBuf, String) {
    let cache = cache_dir();
    std::fs::create_dir_all(&cache).expect("bench cache dir");
    let cached = cache.join(format!("demo-{docs}-seed11-schema{SCHEMA_VERSION}.redb"));
    let how = if cached.exists() {
        format!("cached in {}", cache.display())
    } else {
        let tmp = cache.join(format!("demo-{docs}.redb.generating"));
        let _ = std::fs::remove_file(&tmp);
        let t = Instant::now();
        {
            let store = Store::create(&tmp, "admin", PASSWORD, "Admin").expect("create");
            motordesk::demo::generate(&store, docs, 11).expect("demo");
        }
        std::fs::rename(&tmp, &cached).expect("cache the demo store");
        format!(
            "generated in {:.0} s, cached in {}",
            t.elapsed().as_secs_f64(),
            cache.display()
        )
    };
    let copy = dir.join(format!("demo-{docs}-{}.redb", uuid::Uuid::now_v7()));
    std::fs::copy(&cached, &copy).expect("copy the demo store");
    (copy, how)
}
