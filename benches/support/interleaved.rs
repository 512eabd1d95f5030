//! Ratios measured interleaved: every contestant on every corpus runs a short batch in each
//! round, in a shuffled order, and a ratio is the median over rounds of the ratio of two
//! batches of the same round. Drift (other builds on the machine, frequency changes) hits
//! both sides of a ratio alike, which criterion's one-benchmark-after-another cannot give.
//!
//! On Linux a batch during which the thread was switched out (another process took the core)
//! is run again, up to [`MAX_RETRIES`] times: on a shared machine those batches measure the
//! other process, not the parser. The table says how many batches were repeated.

use std::hint::black_box;
use std::time::{Duration, Instant};

use steppay_webhook::{dispatch, parse_webhook, sign, WebhookVerifier};

use super::corpus::{Body, Corpora, Corpus};
use super::{Contestant, EveryEvent, NOW, SECRET};

/// How long and how often to measure.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Rounds; each runs one batch of every task.
    pub rounds: usize,
    /// The aimed-at duration of one batch.
    pub batch: Duration,
    /// A run that only checks that everything executes (`cargo test --benches`).
    pub smoke: bool,
}

/// How often a batch is repeated when the thread was switched out during it.
const MAX_RETRIES: u32 = 20;

/// The thread's context switches so far (voluntary and not), or `None` where
/// `/proc/thread-self/status` does not exist.
fn context_switches() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/thread-self/status").ok()?;
    let mut total = 0;
    for line in status.lines() {
        if let Some((key, value)) = line.split_once(':') {
            if key.ends_with("ctxt_switches") {
                total += value.trim().parse::<u64>().ok()?;
            }
        }
    }
    Some(total)
}

/// Runs `task`'s batch until one runs without a context switch (or [`MAX_RETRIES`] retries
/// ran out); nanoseconds per pass and the number of repeats.
fn undisturbed_batch(task: &Task<'_>) -> (f64, u32) {
    let mut retries = 0;
    loop {
        let before = context_switches();
        let sample = task.batch();
        let after = context_switches();
        if before == after || retries == MAX_RETRIES {
            return (sample, retries);
        }
        retries += 1;
    }
}

/// What a task runs on each body.
type Op<'a> = Box<dyn Fn(&[u8]) + 'a>;

/// One measured thing: an operation over a set of bodies.
struct Task<'a> {
    bodies: Vec<&'a [u8]>,
    bytes: usize,
    op: Op<'a>,
    /// Passes over `bodies` per batch.
    passes: u32,
    /// Nanoseconds per pass, one per round.
    samples: Vec<f64>,
}

impl<'a> Task<'a> {
    fn new(bodies: Vec<&'a [u8]>, op: impl Fn(&[u8]) + 'a) -> Self {
        Task {
            bytes: bodies.iter().map(|body| body.len()).sum(),
            bodies,
            op: Box::new(op),
            passes: 1,
            samples: Vec::new(),
        }
    }

    /// Runs one batch; nanoseconds per pass.
    fn batch(&self) -> f64 {
        let start = Instant::now();
        for _ in 0..self.passes {
            for body in &self.bodies {
                (self.op)(black_box(body));
            }
        }
        start.elapsed().as_nanos() as f64 / f64::from(self.passes)
    }

    /// Sets `passes` so that a batch takes about `target`, from the fastest of a few
    /// undisturbed single passes (one slow pass here would make every batch of the run too
    /// short, and the cold first pass of each batch weigh too much).
    fn calibrate(&mut self, target: Duration) {
        self.passes = 1;
        self.batch(); // warm up caches and the allocator
        let one = (0..5)
            .map(|_| undisturbed_batch(self).0)
            .fold(f64::INFINITY, f64::min)
            .max(1.0);
        self.passes = (target.as_nanos() as f64 / one).clamp(1.0, 1e6) as u32;
    }

    fn median(&self) -> f64 {
        quantiles(self.samples.clone()).1
    }
}

/// (first quartile, median, third quartile).
fn quantiles(mut values: Vec<f64>) -> (f64, f64, f64) {
    assert!(!values.is_empty(), "no samples");
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    (at(0.25), at(0.5), at(0.75))
}

/// The per-round ratio `a / b`: (first quartile, median, third quartile).
fn ratio(a: &Task<'_>, b: &Task<'_>) -> (f64, f64, f64) {
    quantiles(
        a.samples
            .iter()
            .zip(&b.samples)
            .map(|(a, b)| a / b)
            .collect(),
    )
}

/// A tiny deterministic generator for the round order.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, (self.next() % (i as u64 + 1)) as usize);
        }
    }
}

/// Contestant tasks for one corpus, by [`Contestant`].
struct CorpusTasks<'c> {
    corpus: &'c Corpus,
    value: usize,
    typed: usize,
    naive: NaiveTasks,
}

enum NaiveTasks {
    /// The naive enum parses every body.
    All(usize),
    /// It is not measured on the whole corpus, for `reason`; `subset` is (naive, Value, body
    /// count) over the bodies it parses, if any.
    Not {
        reason: String,
        subset: Option<(usize, usize, usize)>,
    },
}

/// The target for `parse_webhook` / Value on `corpus`.
fn target(corpus: &Corpus) -> &'static str {
    match corpus.id {
        "compact-event-first" => "<= 0.50x",
        "compact-data-first" | "pretty" => "<= 0.55x",
        "order-200" => "<= 0.40x",
        "compact-invalid" => "<= 2x today",
        _ => "",
    }
}

/// Adds `task`; its index.
fn add<'a>(tasks: &mut Vec<Task<'a>>, task: Task<'a>) -> usize {
    tasks.push(task);
    tasks.len() - 1
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// Runs the interleaved measurement and prints its table.
pub fn run(corpora: &Corpora, settings: Settings) {
    let started = Instant::now();
    let load_before = load_average();
    let two_kb: &Body = &corpora.two_kb;
    let header = sign(SECRET, NOW, &two_kb.bytes);
    let verifier = WebhookVerifier::new(SECRET);
    let handler = EveryEvent::default();
    let mut tasks: Vec<Task<'_>> = Vec::new();

    let mut table = Vec::new();
    for corpus in corpora.all() {
        let slices = corpus.slices();
        let value = add(
            &mut tasks,
            Task::new(slices.clone(), Contestant::Value.op()),
        );
        let typed = add(
            &mut tasks,
            Task::new(slices.clone(), Contestant::Typed.op()),
        );
        let naive = match Contestant::Naive.not_measured(corpus) {
            None => NaiveTasks::All(add(&mut tasks, Task::new(slices, Contestant::Naive.op()))),
            Some(reason) => {
                let parsed: Vec<&[u8]> = corpus
                    .bodies
                    .iter()
                    .filter(|body| !corpus.invalid && Contestant::Naive.parses(&body.bytes))
                    .map(|body| body.bytes.as_slice())
                    .collect();
                let subset = (!parsed.is_empty()).then(|| {
                    let count = parsed.len();
                    let naive = add(
                        &mut tasks,
                        Task::new(parsed.clone(), Contestant::Naive.op()),
                    );
                    let value = add(&mut tasks, Task::new(parsed, Contestant::Value.op()));
                    (naive, value, count)
                });
                NaiveTasks::Not { reason, subset }
            }
        };
        table.push(CorpusTasks {
            corpus,
            value,
            typed,
            naive,
        });
    }

    let parse_2kb = add(
        &mut tasks,
        Task::new(vec![two_kb.bytes.as_slice()], Contestant::Typed.op()),
    );
    let verify_parse_2kb = add(
        &mut tasks,
        Task::new(vec![two_kb.bytes.as_slice()], |body| {
            verifier
                .verify_at(black_box(&header), body, NOW)
                .expect("the signature verifies");
            black_box(parse_webhook(body).expect("the 2 KB body parses"));
        }),
    );

    let event_first: &Corpus = &corpora.compact_event_first;
    let parse_dispatch = add(
        &mut tasks,
        Task::new(event_first.slices(), |body| {
            let webhook = parse_webhook(body).expect("the corpus parses");
            dispatch(&webhook, &handler).expect("the handler never fails");
        }),
    );

    if !settings.smoke {
        for task in &mut tasks {
            task.calibrate(settings.batch);
        }
    }
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    let mut rng = XorShift(0x5EED_1234_ABCD_0001);
    let (mut repeated, mut batches) = (0u64, 0u64);
    for _ in 0..settings.rounds {
        rng.shuffle(&mut order);
        for &index in &order {
            let (sample, retries) = undisturbed_batch(&tasks[index]);
            tasks[index].samples.push(sample);
            repeated += u64::from(retries);
            batches += 1 + u64::from(retries);
        }
    }
    assert!(handler.calls() > 0, "dispatch reached the handler");
    let load_after = load_average();

    // The table.
    println!();
    if settings.smoke {
        println!(
            "interleaved: smoke run (1 round of 1 pass): every task executes; not a measurement"
        );
    }
    println!(
        "interleaved measurement: {} round(s), batches of ~{} ms, {} tasks in a shuffled order each round ({:.1} s; load average {} before, {} after)",
        settings.rounds,
        settings.batch.as_millis(),
        tasks.len(),
        started.elapsed().as_secs_f64(),
        load_before,
        load_after,
    );
    println!(
        "{repeated} of {batches} batches ({:.1}%) were switched out and repeated{}",
        repeated as f64 * 100.0 / batches as f64,
        if context_switches().is_some() {
            ""
        } else {
            " (cannot tell here: no /proc/thread-self/status)"
        }
    );
    println!("per call = one body; MB/s = 10^6 bytes per second; ratio = median of the per-round ratio to serde_json::Value on the same bodies [quartiles]");
    println!();
    println!(
        "{:<22} {:<18} {:>10} {:>8} {:>22} {:>12}",
        "corpus", "parser", "us/call", "MB/s", "ratio to Value", "target"
    );
    let row = |corpus: &str, name: &str, task: &Task<'_>, base: Option<&Task<'_>>, target: &str| {
        let per_pass = task.median();
        let per_call_us = per_pass / task.bodies.len() as f64 / 1000.0;
        let mb_per_s = task.bytes as f64 / per_pass * 1000.0;
        let ratio = match base {
            Some(base) => {
                let (q1, median, q3) = ratio(task, base);
                format!("{median:.2}x [{q1:.2}-{q3:.2}]")
            }
            None => "1.00x".to_owned(),
        };
        println!(
            "{corpus:<22} {name:<18} {per_call_us:>10.2} {mb_per_s:>8.1} {ratio:>22} {target:>12}"
        );
    };
    for row_tasks in &table {
        let corpus = row_tasks.corpus;
        let value = &tasks[row_tasks.value];
        row(corpus.title, "serde_json::Value", value, None, "");
        let typed = if corpus.invalid {
            "parse_webhook: Err"
        } else {
            "parse_webhook"
        };
        let typed_task = &tasks[row_tasks.typed];
        row("", typed, typed_task, Some(value), target(corpus));
        match &row_tasks.naive {
            NaiveTasks::All(naive) => row("", "naive enum", &tasks[*naive], Some(value), ""),
            NaiveTasks::Not { reason, subset } => {
                println!("{:<22} {:<18} {reason}", "", "naive enum");
                if let Some((naive, value, count)) = subset {
                    let title = format!("  ({count} it parses)");
                    row("", &title, &tasks[*naive], Some(&tasks[*value]), "");
                }
            }
        }
    }
    println!();
    let other = |name: &str, a: usize, b: usize, target: &str| {
        let (q1, median, q3) = ratio(&tasks[a], &tasks[b]);
        println!(
            "{name:<60} {:>22} {target:>12}",
            format!("{median:.2}x [{q1:.2}-{q3:.2}]")
        );
    };
    let typed = |id: &str| {
        table
            .iter()
            .find(|row| row.corpus.id == id)
            .map(|row| row.typed)
            .expect("the corpus is measured")
    };
    other(
        "parse_webhook: compact data first / compact event first",
        typed("compact-data-first"),
        typed("compact-event-first"),
        "<= 1.10x",
    );
    other(
        "verify_at + parse_webhook / parse_webhook, 2 KB body",
        verify_parse_2kb,
        parse_2kb,
        "<= 1.50x",
    );
    other(
        "parse_webhook + dispatch / parse_webhook, compact event first",
        parse_dispatch,
        typed("compact-event-first"),
        "",
    );
    let per_call = |task: usize| tasks[task].median() / tasks[task].bodies.len() as f64 / 1000.0;
    println!(
        "(2 KB body = {}, {} bytes: parse_webhook {:.2} us, verify_at + parse_webhook {:.2} us)",
        two_kb.name,
        two_kb.bytes.len(),
        per_call(parse_2kb),
        per_call(verify_parse_2kb)
    );
}
