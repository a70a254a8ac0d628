//! Flota's first screen (issue 13: "all vehicles and customers decrypted, ~130 ms; ≤ 20 ms
//! first screen"): a page from the search index with only its rows opened
//! (`Store::fleet_page`), beside what the panel did before (open every vehicle and every
//! customer, work out every vehicle's alerts, sort by plate), interleaved round by round.

use super::demo_cache::{PASSWORD, demo_store};
use super::{Samples, env_usize, ms};
use motordesk::store::{FLEET_PAGE, Store};
use motordesk_core::{Customer, Vehicle, alerts};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// What Flota did on every open and after every change before pages.
fn load_everything(store: &Store, today: chrono::NaiveDate) -> usize {
    let vehicles = store.list::<Vehicle>().expect("vehicles");
    let owners: HashMap<uuid::Uuid, (String, String)> = store
        .list::<Customer>()
        .expect("customers")
        .into_iter()
        .map(|c| (c.data.id, (c.data.name, c.data.doc.number)))
        .collect();
    let mut rows: Vec<_> = vehicles
        .into_iter()
        .map(|v| {
            let a = alerts(&v.data, today);
            let owner = v.data.owner_id.and_then(|o| owners.get(&o).cloned());
            (v.data, owner, a)
        })
        .collect();
    rows.sort_by(|a, b| a.0.plate.cmp(&b.0.plate));
    rows.len()
}

pub fn fleet_bench(dir: &Path) {
    let docs = env_usize("MD_BENCH_LIST_DOCS", 20_000);
    let rounds = env_usize("MD_BENCH_LIST_ROUNDS", 20);
    let (path, how) = demo_store(dir, docs);
    let t = Instant::now();
    let store = Store::unlock(&path, "admin", PASSWORD).expect("unlock");
    let unlock = t.elapsed();
    let stats = store.search_stats();
    let built = t.elapsed() - unlock;
    let today = (chrono::Utc::now() - chrono::Duration::hours(5)).date_naive();
    println!(
        "\n## Flota's first screen, {docs} documents: {} vehicles, {} customers (store {how}), {rounds} rounds\n",
        stats.vehicles, stats.customers
    );
    println!(
        "unlock {:.0} ms; the search index was built behind it in {:.0} ms (all shelves, on its thread)\n",
        ms(unlock),
        ms(built)
    );
    let (mut page, mut alerts_page, mut query, mut old) = (
        Samples::new(),
        Samples::new(),
        Samples::new(),
        Samples::new(),
    );
    let opened0 = store.fleet_rows_opened();
    let mut total = 0;
    for _ in 0..rounds {
        let p = page.time(|| {
            store
                .fleet_page("", false, today, 0, FLEET_PAGE)
                .expect("page")
        });
        total = p.total;
        alerts_page.time(|| {
            store
                .fleet_page("", true, today, 0, FLEET_PAGE)
                .expect("alerts page")
        });
        query.time(|| {
            store
                .fleet_page("toyota", false, today, 0, FLEET_PAGE)
                .expect("query page")
        });
        let n = old.time(|| load_everything(&store, today));
        assert_eq!(n, total, "the page counts the fleet the old load opened");
    }
    let opened = (store.fleet_rows_opened() - opened0) as f64 / (3 * rounds) as f64;
    println!("| what | mean | max | vehicles opened |");
    println!("|---|---|---|---|");
    let row = |what: &str, s: &Samples, opened: String| {
        println!(
            "| {what} | {:.2} ms | {:.2} ms | {opened} |",
            ms(s.mean()),
            ms(s.max())
        );
    };
    row(
        &format!("first screen: page of {FLEET_PAGE} of {total} from the index"),
        &page,
        format!("{opened:.0} per page"),
    );
    row(
        "first screen, Solo con alertas",
        &alerts_page,
        "≤ page".into(),
    );
    row("first screen, query \"toyota\"", &query, "≤ page".into());
    row(
        "anchor: the load it replaced (every vehicle and customer, alerts, sort)",
        &old,
        format!("{total} + {} customers", stats.customers),
    );
}
