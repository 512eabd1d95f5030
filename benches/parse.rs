//! Parsing and verification throughput, with ratios against baselines measured in the same
//! run:
//!
//! - `parse/*/serde_json_value` parses the same body into an untyped `serde_json::Value`: the
//!   floor a typed parser is compared against (criterion prints both; the ratio is the
//!   crate's overhead for types, paths and exact decimals).
//! - `verify/*/hmac_only` computes the bare HMAC-SHA256 over the same bytes: the floor for
//!   signature verification.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // a benchmark: fixed inputs, failing loudly is the point

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::hint::black_box;
use steppay_webhook::{parse_webhook, sign, WebhookVerifier};

const BODIES: &[(&str, &[u8])] = &[
    (
        "order.updated",
        include_bytes!("../tests/fixtures/order.updated.json"),
    ),
    (
        "product.created",
        include_bytes!("../tests/fixtures/product.created.json"),
    ),
    (
        "payment.completed",
        include_bytes!("../tests/fixtures/payment.completed.json"),
    ),
    (
        "cover.paused",
        include_bytes!("../tests/fixtures/cover.paused.json"),
    ),
];

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for (name, body) in BODIES {
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(BenchmarkId::new(*name, "parse_webhook"), body, |b, body| {
            b.iter(|| parse_webhook(black_box(body)).expect("parses"))
        });
        group.bench_with_input(
            BenchmarkId::new(*name, "serde_json_value"),
            body,
            |b, body| {
                b.iter(|| {
                    serde_json::from_slice::<serde_json::Value>(black_box(body)).expect("parses")
                })
            },
        );
    }
    group.finish();
}

fn verify(c: &mut Criterion) {
    const SECRET: &str = "whsec_bench_5f2b8c1d9e";
    const NOW: i64 = 1795046400;
    let verifier = WebhookVerifier::new(SECRET);
    let mut group = c.benchmark_group("verify");
    for (name, body) in BODIES {
        let header = sign(SECRET, NOW, body);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(BenchmarkId::new(*name, "verify_at"), body, |b, body| {
            b.iter(|| {
                verifier
                    .verify_at(black_box(&header), black_box(body), NOW)
                    .expect("verifies")
            })
        });
        group.bench_with_input(BenchmarkId::new(*name, "hmac_only"), body, |b, body| {
            b.iter(|| {
                let mut mac =
                    Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
                mac.update(b"1795046400.");
                mac.update(black_box(body));
                mac.finalize().into_bytes()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parse, verify);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    print_ratios();
}

/// Prints each measurement as a ratio to its same-run baseline, from criterion's estimates.
fn print_ratios() {
    let dir = std::env::var_os("CRITERION_HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            let target = std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into());
            std::path::PathBuf::from(target).join("criterion")
        });
    let mean_ns = |group: &str, name: &str, id: &str| -> Option<f64> {
        let path = dir
            .join(group)
            .join(name)
            .join(id)
            .join("new/estimates.json");
        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
        json["mean"]["point_estimate"].as_f64()
    };
    println!("\nratios to the same-run baseline (mean time; lower is better):");
    for (group, measured, baseline) in [
        ("parse", "parse_webhook", "serde_json_value"),
        ("verify", "verify_at", "hmac_only"),
    ] {
        for (name, body) in BODIES {
            match (mean_ns(group, name, measured), mean_ns(group, name, baseline)) {
                (Some(m), Some(b)) => println!(
                    "  {group:6} {name:18} {measured} {:8.2} us = {:.2} x {baseline} ({:.2} us, {} bytes)",
                    m / 1000.0,
                    m / b,
                    b / 1000.0,
                    body.len()
                ),
                _ => println!("  {group:6} {name:18} (not measured in this run)"),
            }
        }
    }
}
