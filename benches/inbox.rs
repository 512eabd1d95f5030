//! The durable inbox under load, over real HTTP on 127.0.0.1: deliveries per second stored
//! (acknowledged) and processed, and the time to acknowledge, for SQLite and PostgreSQL,
//! beside the same receiver with no inbox, measured in the same run.
//!
//! ```text
//! cargo bench --bench inbox --features sqlite,postgres,axum
//! ```
//!
//! PostgreSQL comes from `STEPPAY_BENCH_POSTGRES_URL` (else `STEPPAY_TEST_POSTGRES_URL`);
//! without either, its rows are skipped. Each receiver is a process of its own (this binary
//! started again), serving `axum::router(WebhookReceiver::new(..).with_inbox(..))` with its
//! worker; this process is the load: `CLIENTS` concurrent clients with keep-alive connections.
//! Each scenario gets a fresh database.
//!
//! Two runs per scenario:
//! - **throughput**: 4,000 distinct signed `payment.completed` deliveries (one resource
//!   each), `CLIENTS` at a time, as fast as they are answered: stored/s is deliveries over the
//!   time until the last answer, processed/s over the time until none is pending;
//! - **latency**: deliveries sent at a fixed rate (`RATE` per second, whatever the answers) for
//!   3 seconds: the time to acknowledge at p50, p99 and max, and the processing
//!   lag (from the last answer until none is pending). A receiver that cannot keep up shows
//!   it here as a growing queue.
//!
//! The inbox runs with its default configuration; `STEPPAY_BENCH_CONCURRENCY=N` sets the
//! worker's concurrency, `STEPPAY_BENCH_ONLY=TEXT` runs only the scenarios whose name holds
//! `TEXT`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)] // a benchmark: fixed inputs, failing loudly is the point

#[cfg(all(feature = "sqlite", feature = "postgres", feature = "axum"))]
mod bench {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Child, ChildStdin, Command, Stdio};
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use serde_json::{json, Value};
    use steppay_webhook::inbox::{
        Inbox, InboxConfig, InboxStore, PostgresStore, ProcessingMode, SqliteDurability,
        SqliteStore,
    };
    use steppay_webhook::{
        sign, AsyncWebhookHandler, Payment, WebhookMeta, WebhookReceiver, WebhookVerifier,
        SIGNATURE_HEADER,
    };

    const SECRET: &str = "whsec_inbox_bench_5d1e";
    const CHILD_ENV: &str = "STEPPAY_INBOX_BENCH_CHILD";
    const PATH: &str = "/webhooks/steppay";
    const CLIENTS: usize = 32;
    const RATE: u64 = 1000;

    /// How much each scenario sends.
    #[derive(Clone, Copy)]
    struct Load {
        /// Deliveries of the throughput run.
        deliveries: usize,
        /// Milliseconds of the fixed-rate run.
        rate_ms: u64,
    }

    /// `cargo bench`: the real measurement.
    const FULL: Load = Load {
        deliveries: 4000,
        rate_ms: 3000,
    };

    /// `cargo test --benches` (no `--bench` argument): a check that it runs, not a
    /// measurement.
    const CHECK: Load = Load {
        deliveries: 200,
        rate_ms: 100,
    };
    const PAYMENT: &[u8] = include_bytes!("../tests/fixtures/payment.completed.json");

    /// Where a receiver keeps its inbox.
    #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    enum Db {
        /// No inbox: the plain receiver.
        None,
        Sqlite {
            path: String,
            normal: bool,
        },
        Postgres {
            url: String,
            schema: String,
        },
    }

    impl Db {
        async fn store(&self) -> Option<Arc<dyn InboxStore>> {
            Some(match self {
                Db::None => return None,
                Db::Sqlite { path, normal } => {
                    let durability = if *normal {
                        SqliteDurability::Normal
                    } else {
                        SqliteDurability::Full
                    };
                    Arc::new(
                        SqliteStore::open_with(path, durability)
                            .await
                            .expect("sqlite"),
                    )
                }
                Db::Postgres { url, schema } => Arc::new(
                    PostgresStore::connect_in_schema(url, schema)
                        .await
                        .expect("postgres"),
                ),
            })
        }
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    struct ChildConfig {
        db: Db,
        inline: bool,
    }

    /// What the receivers run: a handler that records the payment (a counter), so that the
    /// figures are the inbox's and the HTTP stack's, not a handler's.
    #[derive(Default)]
    struct Ledger {
        booked: AtomicU64,
    }

    impl AsyncWebhookHandler for Ledger {
        type Error = std::io::Error;

        async fn on_payment_completed(
            &self,
            _meta: WebhookMeta<'_>,
            _payment: &Payment,
        ) -> Result<(), Self::Error> {
            self.booked.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
    }

    /// A receiver process: this binary again, in child mode.
    struct Receiver {
        child: Child,
        stdin: Option<ChildStdin>,
        url: String,
    }

    impl Receiver {
        fn start(config: &ChildConfig) -> Self {
            let mut child = Command::new(std::env::current_exe().expect("bench binary"))
                .env(CHILD_ENV, serde_json::to_string(config).expect("config"))
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("start a receiver");
            let stdin = child.stdin.take();
            let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
            let url = loop {
                let line = lines
                    .next()
                    .expect("receiver exited before it was ready")
                    .expect("receiver output");
                if let Some(url) = line.strip_prefix("READY ") {
                    break url.trim().to_owned();
                }
            };
            std::thread::spawn(move || for _ in lines.by_ref() {});
            Self { child, stdin, url }
        }
    }

    impl Drop for Receiver {
        fn drop(&mut self) {
            drop(self.stdin.take());
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    /// Child mode: serve until stdin closes.
    fn child(config: &str) {
        let config: ChildConfig = serde_json::from_str(config).expect("child config");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let ledger = Arc::new(Ledger::default());
            let verifier = WebhookVerifier::new(SECRET);
            let mut receiver = WebhookReceiver::new(verifier, Arc::clone(&ledger));
            let mut worker = None;
            if let Some(store) = config.db.store().await {
                let mode = if config.inline {
                    ProcessingMode::Inline
                } else {
                    ProcessingMode::Deferred
                };
                let mut config = InboxConfig::default().mode(mode);
                if let Some(n) = std::env::var("STEPPAY_BENCH_CONCURRENCY")
                    .ok()
                    .and_then(|n| n.parse().ok())
                {
                    config = config.concurrency(n);
                }
                let inbox = Inbox::new(store).with_config(config);
                worker = Some(inbox.spawn_worker(Arc::clone(&ledger)));
                receiver = receiver.with_inbox(inbox);
            }
            let app = axum::Router::new().nest(PATH, steppay_webhook::axum::router(receiver));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("addr");
            tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
            println!("READY http://{addr}{PATH}");
            std::io::stdout().flush().expect("flush");
            tokio::task::spawn_blocking(|| {
                let mut sink = String::new();
                while std::io::stdin()
                    .read_line(&mut sink)
                    .map(|n| n > 0)
                    .unwrap_or(false)
                {}
            })
            .await
            .expect("stdin watcher");
            if let Some(worker) = worker {
                worker.shutdown().await;
            }
        });
    }

    /// `count` distinct signed deliveries, one payment each, signed now.
    fn deliveries(count: usize, first_id: u64) -> Vec<(Vec<u8>, String)> {
        let template: Value = serde_json::from_slice(PAYMENT).expect("fixture");
        let now = chrono::Utc::now().timestamp();
        (0..count as u64)
            .map(|i| {
                let mut envelope = template.clone();
                envelope["timestamp"] = json!(now);
                envelope["data"]["paymentId"] = json!(first_id + i);
                envelope["data"]["idKey"] = json!(format!("bench_{:x}", first_id + i));
                let body = serde_json::to_vec(&envelope).expect("body");
                let header = sign(SECRET, now, &body);
                (body, header)
            })
            .collect()
    }

    fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(CLIENTS)
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client")
    }

    async fn post(client: &reqwest::Client, url: &str, body: Vec<u8>, header: String) -> u16 {
        let response = client
            .post(url)
            .header(SIGNATURE_HEADER, header)
            .body(body)
            .send()
            .await
            .expect("sent");
        let status = response.status().as_u16();
        let _ = response.bytes().await;
        status
    }

    /// Waits until nothing is pending; returns when.
    async fn processed(store: Option<&dyn InboxStore>, expected: u64) -> Instant {
        let Some(store) = store else {
            return Instant::now();
        };
        loop {
            let counts = store.count_by_status().await.expect("counts");
            let pending = counts
                .iter()
                .filter(|(status, _)| status.as_str() == "pending")
                .map(|(_, n)| *n)
                .sum::<u64>();
            let done: u64 = counts.iter().map(|(_, n)| *n).sum::<u64>() - pending;
            if pending == 0 && done >= expected {
                return Instant::now();
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    fn percentile(sorted: &[Duration], p: f64) -> Duration {
        let rank = ((sorted.len() as f64) * p).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    struct Figures {
        stored_per_s: f64,
        processed_per_s: f64,
        ack_p50: Duration,
        ack_p99: Duration,
        rate_p50: Duration,
        rate_p99: Duration,
        rate_max: Duration,
        /// At the fixed rate: from the last answer until none is pending.
        lag: Duration,
    }

    /// Both runs against the receivers at `urls`, whose inbox (if any) is `store`.
    async fn measure(urls: &[String], store: Option<&dyn InboxStore>, load: Load) -> Figures {
        let deliveries_count = load.deliveries;
        let client = client();
        // Warm up: connections and the database's first pages.
        for (i, (body, header)) in deliveries(CLIENTS, 9_000_000).into_iter().enumerate() {
            let status = post(&client, &urls[i % urls.len()], body, header).await;
            assert_eq!(status, 200, "warm-up delivery answered {status}");
        }
        let warm = CLIENTS as u64;
        processed(store, warm).await;

        // Throughput: closed loop.
        let work = Arc::new(deliveries(deliveries_count, 1_000_000));
        let next = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for c in 0..CLIENTS {
            let (client, work, next) = (client.clone(), Arc::clone(&work), Arc::clone(&next));
            let url = urls[c % urls.len()].clone();
            tasks.spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((body, header)) = work.get(i) else {
                        return latencies;
                    };
                    let sent = Instant::now();
                    let status = post(&client, &url, body.clone(), header.clone()).await;
                    assert_eq!(status, 200, "delivery answered {status}");
                    latencies.push(sent.elapsed());
                }
            });
        }
        let mut latencies = Vec::with_capacity(deliveries_count);
        while let Some(done) = tasks.join_next().await {
            latencies.extend(done.expect("client task"));
        }
        let acknowledged = started.elapsed();
        let done = processed(store, warm + deliveries_count as u64).await;
        let processing = done.duration_since(started).max(acknowledged);
        latencies.sort();
        let (ack_p50, ack_p99) = (percentile(&latencies, 0.50), percentile(&latencies, 0.99));

        // Latency: open loop at RATE per second.
        let count = usize::try_from(RATE * load.rate_ms / 1000).unwrap_or(usize::MAX);
        let work = deliveries(count, 2_000_000);
        let interval = Duration::from_secs(1) / RATE as u32;
        let start = tokio::time::Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for (i, (body, header)) in work.into_iter().enumerate() {
            tokio::time::sleep_until(start + interval * i as u32).await;
            let client = client.clone();
            let url = urls[i % urls.len()].clone();
            tasks.spawn(async move {
                let sent = Instant::now();
                let status = post(&client, &url, body, header).await;
                assert_eq!(status, 200, "delivery answered {status}");
                sent.elapsed()
            });
        }
        let mut rate = Vec::with_capacity(count);
        while let Some(done) = tasks.join_next().await {
            rate.push(done.expect("client task"));
        }
        let answered = Instant::now();
        let lag = processed(store, warm + (deliveries_count + count) as u64)
            .await
            .duration_since(answered);
        rate.sort();

        Figures {
            stored_per_s: deliveries_count as f64 / acknowledged.as_secs_f64(),
            processed_per_s: deliveries_count as f64 / processing.as_secs_f64(),
            ack_p50,
            ack_p99,
            rate_p50: percentile(&rate, 0.50),
            rate_p99: percentile(&rate, 0.99),
            rate_max: *rate.last().expect("latencies"),
            lag,
        }
    }

    struct Scenario {
        name: String,
        db: Db,
        inline: bool,
        receivers: usize,
    }

    fn ms(d: Duration) -> String {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }

    pub fn main() {
        if let Ok(config) = std::env::var(CHILD_ENV) {
            return child(&config);
        }
        let load = if std::env::args().any(|arg| arg == "--bench") {
            FULL
        } else {
            println!(
                "not run by cargo bench: a short check that the benchmark runs, not a measurement"
            );
            CHECK
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let sqlite = |name: &str, normal: bool| Db::Sqlite {
            path: dir
                .path()
                .join(format!("{name}.sqlite"))
                .to_string_lossy()
                .into_owned(),
            normal,
        };
        let postgres = std::env::var("STEPPAY_BENCH_POSTGRES_URL")
            .or_else(|_| std::env::var("STEPPAY_TEST_POSTGRES_URL"))
            .ok();
        let pg = |name: &str| {
            postgres.as_ref().map(|url| Db::Postgres {
                url: url.clone(),
                schema: format!("bench_{name}_{}", std::process::id()),
            })
        };
        let mut scenarios = vec![Scenario {
            name: "no inbox".into(),
            db: Db::None,
            inline: true,
            receivers: 1,
        }];
        for (normal, label) in [(false, "FULL"), (true, "NORMAL")] {
            for inline in [false, true] {
                let mode = if inline { "inline" } else { "deferred" };
                scenarios.push(Scenario {
                    name: format!("SQLite {label}, {mode}"),
                    db: sqlite(&format!("{label}_{mode}"), normal),
                    inline,
                    receivers: 1,
                });
            }
        }
        for (receivers, inline) in [(1, false), (2, false), (2, true)] {
            let mode = if inline { "inline" } else { "deferred" };
            match pg(&format!("{receivers}_{mode}")) {
                Some(db) => scenarios.push(Scenario {
                    name: format!("PostgreSQL, {mode}, {receivers} receiver(s)"),
                    db,
                    inline,
                    receivers,
                }),
                None => println!(
                    "skipped PostgreSQL, {mode}, {receivers} receiver(s): set STEPPAY_BENCH_POSTGRES_URL"
                ),
            }
        }

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        println!(
            "{} deliveries with {CLIENTS} concurrent clients, then {} at {RATE}/s; \
             receivers in processes of their own, on this machine ({} cores)",
            load.deliveries,
            RATE * load.rate_ms / 1000,
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        let only = std::env::var("STEPPAY_BENCH_ONLY").unwrap_or_default();
        let mut rows = Vec::new();
        for scenario in scenarios.iter().filter(|s| s.name.contains(only.as_str())) {
            let config = ChildConfig {
                db: scenario.db.clone(),
                inline: scenario.inline,
            };
            let receivers: Vec<Receiver> = (0..scenario.receivers)
                .map(|_| Receiver::start(&config))
                .collect();
            let urls: Vec<String> = receivers.iter().map(|r| r.url.clone()).collect();
            let figures = runtime.block_on(async {
                let store = scenario.db.store().await;
                measure(&urls, store.as_deref(), load).await
            });
            drop(receivers);
            if let Db::Postgres { url, schema } = &scenario.db {
                runtime.block_on(async {
                    let store = PostgresStore::connect(url).await.expect("postgres");
                    let drop = format!("DROP SCHEMA {schema} CASCADE");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(drop))
                        .execute(store.pool())
                        .await;
                });
            }
            let row = format!(
                "| {} | {:.0} | {:.0} | {} | {} | {} | {} | {} | {} |",
                scenario.name,
                figures.stored_per_s,
                figures.processed_per_s,
                ms(figures.ack_p50),
                ms(figures.ack_p99),
                ms(figures.rate_p50),
                ms(figures.rate_p99),
                ms(figures.rate_max),
                ms(figures.lag),
            );
            println!("{row}");
            rows.push(row);
        }
        println!();
        println!(
            "| receiver | stored/s | processed/s | ack p50 | ack p99 | at {RATE}/s: ack p50 | p99 | max | processing lag |"
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for row in rows {
            println!("{row}");
        }
    }
}

fn main() {
    #[cfg(all(feature = "sqlite", feature = "postgres", feature = "axum"))]
    bench::main();
    #[cfg(not(all(feature = "sqlite", feature = "postgres", feature = "axum")))]
    eprintln!(
        "benches/inbox.rs measures the durable inbox: run it with --features sqlite,postgres,axum"
    );
}
