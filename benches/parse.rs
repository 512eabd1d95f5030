//! Parsing cost against baselines measured in the same run (see `BENCHMARKS.md`).
//!
//! Corpora (`support/corpus.rs`): the 27 event fixtures compacted with `event` before `data`
//! and with `data` before `event`, the fixtures pretty-printed as they are, a generated
//! `order.updated` with 200 items, and the compact fixtures with one wrong value. On each:
//!
//! - `parse_webhook`: the crate.
//! - `serde_json_value`: `serde_json::from_slice::<Value>`, the baseline a hand-rolled receiver
//!   pays.
//! - `naive_enum`: a derived `#[serde(tag = "event", content = "data")]` enum over the crate's
//!   schema types, where it can parse (it cannot when `data` comes first and holds a
//!   fractional amount).
//!
//! and on the compact bodies with one wrong value each, what `parse_webhook`'s error costs.
//!
//! Plus verify + parse of a ~2 KB body and parse + dispatch to a handler overriding every
//! method.
//!
//! The binary runs, in this order:
//!
//! 1. criterion's benchmarks (one iteration = one pass over a corpus; throughput in MB/s);
//! 2. an interleaved measurement printing per-call times, MB/s and ratios (medians of
//!    per-round ratios, so that drift hits both sides of a ratio alike).
//!
//! `STEPPAY_BENCH_QUICK=1` shortens both; `STEPPAY_BENCH_PART=criterion` or `=interleaved`
//! runs one of them. `parse --count-instructions ...` is the mode `benches/callgrind.sh` runs
//! under callgrind (`support/instructions.rs`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // a benchmark: fixed inputs, failing loudly is the point

mod support;

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use steppay_webhook::{dispatch, parse_webhook, sign, WebhookVerifier};

use support::corpus::{Corpora, Corpus};
use support::{instructions, interleaved, Contestant, EveryEvent, NOW, SECRET};

/// Runs `op` once per body of `bodies`.
fn pass(bodies: &[&[u8]], op: fn(&[u8])) {
    for body in bodies {
        op(black_box(body));
    }
}

/// `parse/<corpus>/<contestant>`.
fn parse_benches(c: &mut Criterion, corpora: &Corpora) {
    for corpus in corpora.all() {
        let mut group = c.benchmark_group(format!("parse/{}", corpus.id));
        group.throughput(Throughput::BytesDecimal(corpus.bytes() as u64));
        let bodies = corpus.slices();
        for contestant in Contestant::ALL {
            if let Some(reason) = contestant.not_measured(corpus) {
                println!("parse/{}/{}: {reason}", corpus.id, contestant.id());
                continue;
            }
            let op = contestant.op();
            group.bench_function(contestant.id(), |b| b.iter(|| pass(&bodies, op)));
        }
        group.finish();
    }
}

/// `verify/2kb/*`: verification beside parsing, on the ~2 KB body.
fn verify_benches(c: &mut Criterion, corpora: &Corpora) {
    let body = corpora.two_kb.bytes.as_slice();
    let header = sign(SECRET, NOW, body);
    let verifier = WebhookVerifier::new(SECRET);
    let mut group = c.benchmark_group("verify/2kb");
    group.throughput(Throughput::BytesDecimal(body.len() as u64));
    group.bench_function("parse_webhook", |b| {
        b.iter(|| parse_webhook(black_box(body)).expect("parses"))
    });
    group.bench_function("verify_at", |b| {
        b.iter(|| {
            verifier
                .verify_at(black_box(&header), black_box(body), NOW)
                .expect("verifies")
        })
    });
    group.bench_function("verify_at+parse_webhook", |b| {
        b.iter(|| {
            verifier
                .verify_at(black_box(&header), black_box(body), NOW)
                .expect("verifies");
            parse_webhook(black_box(body)).expect("parses")
        })
    });
    // The floor of verification: one HMAC-SHA256 over the signed payload.
    let signed_prefix = format!("{NOW}.");
    group.bench_function("hmac_only", |b| {
        b.iter(|| {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
            mac.update(signed_prefix.as_bytes());
            mac.update(black_box(body));
            mac.finalize().into_bytes()
        })
    });
    group.finish();
}

/// `dispatch/compact-event-first/*`: parse alone, parse + dispatch, dispatch alone.
fn dispatch_benches(c: &mut Criterion, corpora: &Corpora) {
    let corpus: &Corpus = &corpora.compact_event_first;
    let bodies = corpus.slices();
    let parsed: Vec<_> = bodies
        .iter()
        .map(|body| parse_webhook(body).expect("parses"))
        .collect();
    let handler = EveryEvent::default();
    let mut group = c.benchmark_group(format!("dispatch/{}", corpus.id));
    group.throughput(Throughput::BytesDecimal(corpus.bytes() as u64));
    group.bench_function("parse_webhook", |b| {
        b.iter(|| pass(&bodies, Contestant::Typed.op()))
    });
    group.bench_function("parse_webhook+dispatch", |b| {
        b.iter(|| {
            for body in &bodies {
                let webhook = parse_webhook(black_box(body)).expect("parses");
                dispatch(&webhook, &handler).expect("never fails");
            }
        })
    });
    group.bench_function("dispatch_only", |b| {
        b.iter(|| {
            for webhook in &parsed {
                dispatch(black_box(webhook), &handler).expect("never fails");
            }
        })
    });
    group.finish();
    assert!(handler.calls() > 0, "dispatch reached the handler");
}

/// Whether cargo asked for a measurement (`cargo bench`) rather than a check that the
/// benchmarks run (`cargo test --benches`, `--list`).
fn measuring(args: &[String]) -> bool {
    let has = |flag: &str| args.iter().any(|arg| arg == flag);
    has("--bench") && !has("--test") && !has("--list")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(instructions::FLAG) {
        return instructions::run(&args[2..]);
    }
    let quick = std::env::var_os("STEPPAY_BENCH_QUICK").is_some_and(|v| v != "0");
    let part = std::env::var("STEPPAY_BENCH_PART").unwrap_or_default();
    let corpora = Corpora::build();

    if part != "interleaved" {
        let (warm_up, measurement, samples) = if quick {
            (Duration::from_millis(200), Duration::from_millis(500), 10)
        } else {
            (Duration::from_millis(500), Duration::from_millis(1500), 30)
        };
        let mut c = Criterion::default()
            .warm_up_time(warm_up)
            .measurement_time(measurement)
            .sample_size(samples)
            .nresamples(10_000)
            .configure_from_args();
        parse_benches(&mut c, &corpora);
        verify_benches(&mut c, &corpora);
        dispatch_benches(&mut c, &corpora);
        c.final_summary();
    }

    if part != "criterion" {
        let measuring = measuring(&args);
        let settings = interleaved::Settings {
            rounds: match (measuring, quick) {
                (false, _) => 1,
                (true, true) => 41,
                (true, false) => 301,
            },
            batch: Duration::from_millis(2),
            smoke: !measuring,
        };
        interleaved::run(&corpora, settings);
    }
    ExitCode::SUCCESS
}
