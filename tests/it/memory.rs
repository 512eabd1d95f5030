//! Peak memory of `parse_webhook` stays linear in the body's size for the worst shapes of
//! hostile input: deep nesting, many keys, huge strings (kept or refused), at three sizes each.
//!
//! A counting global allocator (`peakmem-alloc`) measures the peak of bytes allocated during
//! one parse. Other tests of this binary allocate on other threads at the same time, so the
//! measurement runs in a child process of this same test binary that runs only
//! [`measure_in_child`]: the parent starts it, reads its figures and asserts the bounds.
//! (Time is measured in instruction counts, not here: see the README, "What the types
//! promise".)

use std::process::Command;

use peakmem_alloc::{PeakMemAlloc, PeakMemAllocTrait, INSTRUMENTED_SYSTEM};
use steppay_webhook::parse_webhook;

#[global_allocator]
static ALLOCATOR: &PeakMemAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// Set in the child process's environment.
const CHILD: &str = "STEPPAY_WEBHOOK_MEMORY_CHILD";

/// The most bytes one parse may take at its peak, per byte of body, for any shape and size.
const BYTES_PER_BODY_BYTE: f64 = 20.0;

/// An envelope around `data`.
fn env(event: &str, data: &str) -> Vec<u8> {
    format!(r#"{{"timestamp":1795046400,"version":"v1","event":"{event}","data":{data}}}"#)
        .into_bytes()
}

fn keys(count: usize, value: &str) -> String {
    let members: Vec<String> = (0..count).map(|i| format!(r#""k{i}":{value}"#)).collect();
    format!("{{{}}}", members.join(","))
}

/// Makes a body of about the given size.
type Make = fn(usize) -> Vec<u8>;

/// The shapes measured: a name and a body of about `size` bytes.
fn shapes() -> Vec<(&'static str, Make)> {
    vec![
        ("deep arrays in unknown data (kept)", |n| {
            env(
                "x.y",
                &format!("{}{}", "[".repeat(n / 2), "]".repeat(n / 2)),
            )
        }),
        ("deep objects in unknown data (kept)", |n| {
            env(
                "x.y",
                &format!("{}1{}", r#"{"a":"#.repeat(n / 6), "}".repeat(n / 6)),
            )
        }),
        ("deep arrays in an ignored field of typed data", |n| {
            env(
                "customer.created",
                &format!(
                    r#"{{"id":1,"x":{}{}}}"#,
                    "[".repeat(n / 2),
                    "]".repeat(n / 2)
                ),
            )
        }),
        ("many keys in unknown data (kept)", |n| {
            env("x.y", &keys(n / 10, "0"))
        }),
        ("many keys in an ignored envelope field", |n| {
            let mut body = env("customer.deleted", r#"{"id":7}"#);
            body.pop();
            body.extend_from_slice(format!(r#","x":{}}}"#, keys(n / 10, "0")).as_bytes());
            body
        }),
        ("many attributes (typed map)", |n| {
            env(
                "customer.created",
                &format!(r#"{{"id":1,"attributes":{}}}"#, keys(n / 12, r#""Y""#)),
            )
        }),
        ("many unknown fields in typed data", |n| {
            let members = keys(n / 10, "0");
            env(
                "customer.created",
                &format!(r#"{{"id":1,{}"#, &members[1..]),
            )
        }),
        ("a huge string in a typed field", |n| {
            env(
                "customer.created",
                &format!(r#"{{"id":1,"name":"{}"}}"#, "가".repeat(n / 3)),
            )
        }),
        ("a huge string of the wrong type (refused)", |n| {
            env(
                "customer.created",
                &format!(r#"{{"id":"{}"}}"#, "가".repeat(n / 3)),
            )
        }),
        ("a huge amount (refused)", |n| {
            env(
                "invoice.created",
                &format!(r#"{{"discount":{}}}"#, "9".repeat(n)),
            )
        }),
        ("a huge event name (kept)", |n| env(&"e".repeat(n), "{}")),
    ]
}

const SIZES: [usize; 3] = [100_000, 1_000_000, 10_000_000];

/// The child's half: measures every shape at every size and prints one line each,
/// `MEMORY <shape index> <body bytes> <peak bytes>`. Does nothing unless started by
/// [`peak_memory_is_linear_in_the_body_size`].
#[test]
fn measure_in_child() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    for (index, (_, make)) in shapes().into_iter().enumerate() {
        for size in SIZES {
            let body = make(size);
            ALLOCATOR.reset_peak_memory();
            let result = parse_webhook(&body);
            let peak = ALLOCATOR.get_peak_memory();
            drop(result);
            println!("MEMORY {index} {} {peak}", body.len());
        }
    }
}

#[test]
fn peak_memory_is_linear_in_the_body_size() {
    let output = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "memory::measure_in_child",
            "--exact",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .expect("the child runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let shapes = shapes();
    let mut figures = vec![Vec::new(); shapes.len()];
    // (The first line follows the test harness's "test ... " on the same line.)
    for line in stdout
        .lines()
        .filter_map(|l| l.split_once("MEMORY ").map(|(_, f)| f))
    {
        let numbers: Vec<usize> = line
            .split(' ')
            .map(|n| n.parse().expect("a number"))
            .collect();
        figures[numbers[0]].push((numbers[1], numbers[2]));
    }
    let mut report = String::new();
    for ((name, _), measured) in shapes.iter().zip(&figures) {
        assert_eq!(measured.len(), SIZES.len(), "{name}: {stdout}");
        report.push_str(&format!("{name}:"));
        for (body, peak) in measured {
            report.push_str(&format!(
                " {body} B → {peak} B ({:.2}×);",
                *peak as f64 / *body as f64
            ));
        }
        report.push('\n');
    }
    eprintln!("{report}");
    for ((name, _), measured) in shapes.iter().zip(&figures) {
        for &(body, peak) in measured {
            let ratio = peak as f64 / body as f64;
            assert!(
                ratio <= BYTES_PER_BODY_BYTE,
                "{name}: {peak} bytes at the peak for a body of {body} bytes\n{report}"
            );
        }
        // Linear, not worse: a body 100 times larger takes at most about 100 times the memory
        // (and a little constant overhead at the smallest size).
        let (small_body, small_peak) = measured[0];
        let (large_body, large_peak) = measured[2];
        let growth = large_peak as f64 / (small_peak.max(1) as f64);
        let size_growth = large_body as f64 / small_body as f64;
        assert!(
            growth <= size_growth * 1.5,
            "{name}: peak grew {growth:.0}× for a body {size_growth:.0}× larger\n{report}"
        );
    }
}
