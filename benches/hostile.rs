//! Time of `parse_webhook` on the worst shapes of hostile input (deep nesting, many keys, huge
//! strings) at three sizes each: linear time means the same cost per byte at every size.
//!
//! ```text
//! cargo bench --bench hostile                    # criterion: throughput per shape and size
//! benches/hostile-callgrind.sh                   # instruction counts per byte (repeatable)
//! hostile-<hash> --count-instructions SHAPE SIZE # one parse, for callgrind (the script)
//! ```
//!
//! The instruction counts are what the README quotes: unlike wall-clock times they do not
//! swing with the machine's load.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // a benchmark: fixed inputs, failing loudly is the point

use std::hint::black_box;
use std::process::ExitCode;

use criterion::{BenchmarkId, Criterion, Throughput};
use steppay_webhook::parse_webhook;

/// An envelope around `data`.
fn env(event: &str, data: &str) -> Vec<u8> {
    format!(r#"{{"timestamp":1795046400,"version":"v1","event":"{event}","data":{data}}}"#)
        .into_bytes()
}

fn keys(count: usize, value: &str) -> String {
    let members: Vec<String> = (0..count).map(|i| format!(r#""k{i}":{value}"#)).collect();
    format!("{{{}}}", members.join(","))
}

type Make = fn(usize) -> Vec<u8>;

/// The shapes: a short name and a body of about `size` bytes.
const SHAPES: [(&str, Make); 7] = [
    ("deep-arrays-unknown", |n| {
        env(
            "x.y",
            &format!("{}{}", "[".repeat(n / 2), "]".repeat(n / 2)),
        )
    }),
    ("deep-objects-unknown", |n| {
        env(
            "x.y",
            &format!("{}1{}", r#"{"a":"#.repeat(n / 6), "}".repeat(n / 6)),
        )
    }),
    ("many-keys-unknown", |n| env("x.y", &keys(n / 10, "0"))),
    ("many-attributes", |n| {
        env(
            "customer.created",
            &format!(r#"{{"id":1,"attributes":{}}}"#, keys(n / 12, r#""Y""#)),
        )
    }),
    ("many-ignored-fields", |n| {
        let members = keys(n / 10, "0");
        env(
            "customer.created",
            &format!(r#"{{"id":1,{}"#, &members[1..]),
        )
    }),
    ("huge-string", |n| {
        env(
            "customer.created",
            &format!(r#"{{"id":1,"name":"{}"}}"#, "가".repeat(n / 3)),
        )
    }),
    ("huge-string-wrong-type", |n| {
        env(
            "customer.created",
            &format!(r#"{{"id":"{}"}}"#, "가".repeat(n / 3)),
        )
    }),
];

const SIZES: [usize; 3] = [100_000, 1_000_000, 10_000_000];

/// One parse, never inlined: callgrind's `--toggle-collect` finds it by name.
#[inline(never)]
fn measured_parse(body: &[u8]) {
    let _ = black_box(parse_webhook(black_box(body)));
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--count-instructions") {
        let (Some(shape), Some(size)) = (args.get(at + 1), args.get(at + 2)) else {
            eprintln!("usage: --count-instructions SHAPE SIZE");
            return ExitCode::from(2);
        };
        let Some((_, make)) = SHAPES.iter().find(|(name, _)| name == shape) else {
            eprintln!("unknown shape {shape}");
            return ExitCode::from(2);
        };
        let body = make(size.parse().expect("a size"));
        // Two calls (the first pays one-time costs); the script divides by two.
        measured_parse(&body);
        measured_parse(&body);
        println!("bytes={} calls=2", body.len());
        return ExitCode::SUCCESS;
    }
    let mut criterion = Criterion::default().configure_from_args().sample_size(10);
    for (name, make) in SHAPES {
        let mut group = criterion.benchmark_group(name);
        for size in SIZES {
            let body = make(size);
            group.throughput(Throughput::Bytes(body.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(size), &body, |b, body| {
                b.iter(|| measured_parse(body))
            });
        }
        group.finish();
    }
    criterion.final_summary();
    ExitCode::SUCCESS
}
