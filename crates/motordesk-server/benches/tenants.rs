//! What a chain of shops costs (docs/deployment.md, "Tenants"), on both backends, in
//! process through `ServerDb`/`Shops`:
//!
//! - a push of 10 customers and a pull of one page into a tenant shop, beside the same
//!   into the default shop measured in the same run (the anchor), interleaved so both
//!   see the same noise: on PostgreSQL a tenant's transaction starts with one more
//!   statement (`SET LOCAL search_path`);
//! - adding shops up to `MAX_SHOPS`, and opening them all as a server start does;
//! - what an empty shop takes on disk.
//!
//! `cargo bench -p motordesk-server --bench tenants`; TENANT_PUSHES changes the 300
//! pushes per shop. The PostgreSQL cluster is the tests' throwaway one (fsync off): the
//! comparison is between shops, not against the disk.

#[path = "../tests/support/mod.rs"]
mod support;

use motordesk_core::protocol::Mutation;
use motordesk_server::shops::{MAX_SHOPS, ShopId, Shops, new_shop};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::customer;
use support::postgres::{Backend, Store};
use uuid::Uuid;

const RUC: &str = "20100070970";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn run(backend: Backend, pushes: usize) {
    let store = Store::new(backend);
    let shops = Shops::new(Arc::new(store.open()));
    let registry = shops.registry().clone();
    let first = registry
        .add_shop(new_shop(RUC, "0001", "Taller Norte").unwrap())
        .unwrap();
    let mut kiosks = Vec::new();
    for shop in [ShopId::DEFAULT, first.id] {
        let db = shops.get(shop).unwrap().unwrap();
        let (device, _) = shops.register(shop, Uuid::now_v7(), "caja").unwrap();
        let (reader, _) = shops.register(shop, Uuid::now_v7(), "lector").unwrap();
        kiosks.push((db, device, reader));
    }
    let mut push_times = [Vec::new(), Vec::new()];
    let mut pull_times = [Vec::new(), Vec::new()];
    for round in 0..pushes {
        for (i, (db, device, reader)) in kiosks.iter().enumerate() {
            let batch: Vec<Mutation> = (0..10)
                .map(|n| customer(device.device_id, round * 10 + n))
                .collect();
            let t = Instant::now();
            db.apply(device, &batch).unwrap();
            push_times[i].push(t.elapsed());
            let t = Instant::now();
            let page = db.changes(reader.device_id, 0, 200).unwrap();
            pull_times[i].push(t.elapsed());
            assert!(!page.changes.is_empty());
        }
    }
    println!("{backend:?}, {pushes} pushes of 10 customers per shop, then a 200-change pull:");
    for (i, name) in ["default shop (anchor)", "tenant shop 1"]
        .iter()
        .enumerate()
    {
        push_times[i].sort();
        pull_times[i].sort();
        println!(
            "  {name:<22} push p50 {:>6.2} ms  p99 {:>6.2} ms   pull p50 {:>6.2} ms",
            ms(percentile(&push_times[i], 0.5)),
            ms(percentile(&push_times[i], 0.99)),
            ms(percentile(&pull_times[i], 0.5)),
        );
    }

    // Up to MAX_SHOPS, then every store opened as a server start does.
    let t = Instant::now();
    for n in 2..=MAX_SHOPS {
        registry
            .add_shop(new_shop(RUC, &format!("{n:04}"), &format!("Local {n}")).unwrap())
            .unwrap();
    }
    let per_add = t.elapsed() / (MAX_SHOPS - 1);
    drop(kiosks);
    drop(shops);
    let fresh = Shops::new(registry.clone());
    let t = Instant::now();
    let all = fresh.all().unwrap();
    let open_all = t.elapsed();
    assert_eq!(all.len(), MAX_SHOPS as usize + 1);
    let t = Instant::now();
    let again = fresh.all().unwrap();
    let lookup_all = t.elapsed();
    assert_eq!(again.len(), all.len());
    println!(
        "  shop add: {:.1} ms each; opening all {} shops at start: {:.0} ms; asking for them again (open): {:.2} ms",
        ms(per_add),
        MAX_SHOPS + 1,
        ms(open_all),
        ms(lookup_all)
    );
    let empty = match backend {
        Backend::Redb => {
            let file = store
                .redb_path()
                .parent()
                .unwrap()
                .join("shops")
                .join(MAX_SHOPS.to_string())
                .join("server.redb");
            format!(
                "{} KiB redb file",
                std::fs::metadata(file).unwrap().len() / 1024
            )
        }
        Backend::Postgres => {
            let row = store
                .client()
                .query_one(
                    "SELECT count(*), sum(pg_total_relation_size(c.oid))::bigint
                     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = $1 AND c.relkind = 'r'",
                    &[&format!("shop_{MAX_SHOPS}")],
                )
                .unwrap();
            let (tables, bytes): (i64, i64) = (row.get(0), row.get(1));
            format!("{tables} tables, {} KiB in PostgreSQL", bytes / 1024)
        }
    };
    println!("  an empty shop: {empty}");
}

fn main() {
    let pushes: usize = std::env::var("TENANT_PUSHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    for backend in Backend::all() {
        run(backend, pushes);
    }
}
