//! The durable inbox against a real SQLite file in a temp dir and a real PostgreSQL, over real
//! HTTP on 127.0.0.1. Test names say the backend.
//!
//! PostgreSQL comes from `STEPPAY_TEST_POSTGRES_URL` (`.ci/run` starts a server and sets it);
//! each test works in a schema of its own, so tests run in parallel. Without the variable the
//! PostgreSQL tests say "skipped" and return, unless `CI` is set: then they fail.
//!
//! Receivers are the crate's ready receivers, `axum::router` and `actix::resource`, given an
//! inbox (`WebhookReceiver::with_inbox`). "Receiver processes" are real OS processes: the
//! test binary runs itself again (`child_receiver`, selected with `--exact` and configured
//! through `STEPPAY_INBOX_CHILD`), serving one of them with its own pool and worker. The
//! handler used everywhere ([`Recorder`], an ordinary `AsyncWebhookHandler`) records each
//! call in the same database (`test_calls`, with what `WebhookMeta` told it: delivery id,
//! attempt, replay, stale) and applies the delivery's state naively (`test_state`: the last
//! applied delivery per resource wins), so the assertions see what really happened, across
//! processes and crashes.
#![cfg(all(
    feature = "sqlite",
    feature = "postgres",
    feature = "axum",
    feature = "actix-web"
))]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};
use steppay_webhook::inbox::{
    connect, connect_existing, fingerprint, ClaimRequest, Completion, DeliveryFilter, DeliveryId,
    DeliveryStatus, Inbox, InboxConfig, InboxStore, Inserted, MemoryStore, NewDelivery,
    PostgresStore, ProcessingMode, Replay, ReplaySelection, SqliteStore, StalePolicy, StoreError,
};
use steppay_webhook::{
    sign, AsyncWebhookHandler, Cover, Customer, Event, Invoice, Order, Payment, Price, Product,
    Subscription, UnreadableData, Usage, WebhookMeta, WebhookReceiver, WebhookVerifier,
    SIGNATURE_HEADER,
};

use crate::support::logs::Capture;
use crate::support::postgres;
use crate::support::recorder::with_handler_methods;
use crate::support::{event_fixtures, fixture};

const SECRET: &str = "whsec_inbox_test_3c9f1a";
/// Generated deliveries carry as-of times up to ~3 hours back; the receivers accept them.
const TOLERANCE: Duration = Duration::from_secs(4 * 3600);
const CHILD_ENV: &str = "STEPPAY_INBOX_CHILD";
const CHILD_TEST: &str = "inbox::child_receiver";

// ---------------------------------------------------------------------------------------
// Databases.
// ---------------------------------------------------------------------------------------

/// Where a test's inbox lives.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum DbSpec {
    Sqlite { path: String },
    Postgres { url: String, schema: String },
}

/// An open test database: the inbox store, and a pool of the recorder's own for its tables
/// (as a merchant's handler has its own).
#[derive(Clone)]
enum Db {
    Sqlite(SqliteStore, sqlx::SqlitePool),
    Postgres(PostgresStore, sqlx::PgPool),
}

impl DbSpec {
    async fn open(&self) -> Db {
        let db = match self {
            DbSpec::Sqlite { path } => {
                let store = SqliteStore::open(path).await.expect("sqlite");
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(path)
                    .busy_timeout(Duration::from_secs(30));
                let pool = sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await
                    .expect("recorder pool");
                Db::Sqlite(store, pool)
            }
            DbSpec::Postgres { url, schema } => {
                let store = PostgresStore::connect_in_schema(url, schema)
                    .await
                    .expect("postgres");
                let options = url
                    .parse::<sqlx::postgres::PgConnectOptions>()
                    .expect("url")
                    .options([("search_path", schema.as_str())]);
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await
                    .expect("recorder pool");
                Db::Postgres(store, pool)
            }
        };
        db.create_recorder_tables().await;
        db
    }
}

/// A fresh SQLite file in a temp dir (kept alive by the returned guard).
fn sqlite_spec() -> (DbSpec, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("inbox.sqlite");
    (
        DbSpec::Sqlite {
            path: path.to_string_lossy().into_owned(),
        },
        dir,
    )
}

/// A fresh schema in the test PostgreSQL, or `None` (after saying so) when there is none.
fn postgres_spec(test: &str) -> Option<DbSpec> {
    Some(DbSpec::Postgres {
        url: postgres::test_url(test)?,
        schema: postgres::unique_schema(test),
    })
}

impl Db {
    fn store(&self) -> Arc<dyn InboxStore> {
        match self {
            Db::Sqlite(store, _) => Arc::new(store.clone()),
            Db::Postgres(store, _) => Arc::new(store.clone()),
        }
    }

    async fn create_recorder_tables(&self) {
        let statements = [
            "CREATE TABLE IF NOT EXISTS test_calls (delivery BIGINT NOT NULL, fingerprint TEXT NOT NULL, \
             resource TEXT NOT NULL, as_of BIGINT, phase TEXT NOT NULL, attempt INTEGER NOT NULL, \
             replay BOOLEAN NOT NULL, stale BOOLEAN NOT NULL, pid BIGINT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS test_state (resource TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, \
             as_of BIGINT)",
        ];
        for sql in statements {
            match self {
                Db::Sqlite(_, s) => sqlx::query(sql).execute(s).await.map(drop),
                Db::Postgres(_, s) => sqlx::query(sql).execute(s).await.map(drop),
            }
            .expect("recorder tables");
        }
    }

    /// Records one handler call; on success also applies the delivery's state.
    async fn record(&self, call: &Call) -> Result<(), sqlx::Error> {
        let as_of = call.as_of.map(|t| t.timestamp_micros());
        match self {
            Db::Sqlite(_, s) => {
                let mut tx = s.begin().await?;
                sqlx::query("INSERT INTO test_calls VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .bind(call.delivery.0)
                    .bind(&call.fingerprint)
                    .bind(&call.resource)
                    .bind(as_of)
                    .bind(call.phase)
                    .bind(call.attempt as i64)
                    .bind(call.replay)
                    .bind(call.stale)
                    .bind(std::process::id() as i64)
                    .execute(&mut *tx)
                    .await?;
                if call.phase == "ok" {
                    sqlx::query(
                        "INSERT INTO test_state VALUES (?, ?, ?) ON CONFLICT (resource) DO UPDATE \
                         SET fingerprint = excluded.fingerprint, as_of = excluded.as_of",
                    )
                    .bind(&call.resource)
                    .bind(&call.fingerprint)
                    .bind(as_of)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await
            }
            Db::Postgres(_, s) => {
                let mut tx = s.begin().await?;
                sqlx::query("INSERT INTO test_calls VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                    .bind(call.delivery.0)
                    .bind(&call.fingerprint)
                    .bind(&call.resource)
                    .bind(as_of)
                    .bind(call.phase)
                    .bind(call.attempt as i32)
                    .bind(call.replay)
                    .bind(call.stale)
                    .bind(std::process::id() as i64)
                    .execute(&mut *tx)
                    .await?;
                if call.phase == "ok" {
                    sqlx::query(
                        "INSERT INTO test_state VALUES ($1, $2, $3) ON CONFLICT (resource) DO UPDATE \
                         SET fingerprint = excluded.fingerprint, as_of = excluded.as_of",
                    )
                    .bind(&call.resource)
                    .bind(&call.fingerprint)
                    .bind(as_of)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await
            }
        }
    }

    /// Every recorded call: (fingerprint, phase, attempt, replay, pid), in the order made.
    async fn calls(&self) -> Vec<(String, String, i64, bool, i64)> {
        let sql = "SELECT fingerprint, phase, CAST(attempt AS BIGINT), replay, pid FROM test_calls";
        match self {
            Db::Sqlite(_, s) => sqlx::query_as(sql).fetch_all(s).await,
            Db::Postgres(_, s) => sqlx::query_as(sql).fetch_all(s).await,
        }
        .expect("calls")
    }

    /// The state applied per resource: resource → fingerprint.
    async fn state(&self) -> HashMap<String, String> {
        let sql = "SELECT resource, fingerprint FROM test_state";
        let rows: Vec<(String, String)> = match self {
            Db::Sqlite(_, s) => sqlx::query_as(sql).fetch_all(s).await,
            Db::Postgres(_, s) => sqlx::query_as(sql).fetch_all(s).await,
        }
        .expect("state");
        rows.into_iter().collect()
    }

    /// (fingerprint, stale) of every successful call.
    async fn stale_flags(&self) -> Vec<(String, bool)> {
        let sql = "SELECT fingerprint, stale FROM test_calls WHERE phase = 'ok'";
        match self {
            Db::Sqlite(_, s) => sqlx::query_as(sql).fetch_all(s).await,
            Db::Postgres(_, s) => sqlx::query_as(sql).fetch_all(s).await,
        }
        .expect("stale flags")
    }

    async fn drop_schema(&self, spec: &DbSpec) {
        if let (Db::Postgres(_, s), DbSpec::Postgres { schema, .. }) = (self, spec) {
            let sql = format!("DROP SCHEMA {schema} CASCADE");
            let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(s).await;
        }
    }
}

// ---------------------------------------------------------------------------------------
// The handler.
// ---------------------------------------------------------------------------------------

struct Call {
    delivery: DeliveryId,
    fingerprint: String,
    resource: String,
    as_of: Option<DateTime<Utc>>,
    phase: &'static str,
    attempt: u32,
    replay: bool,
    stale: bool,
}

/// Records every call in the database; fails a share of calls at random, or all of them, or
/// hangs forever (to be killed mid-handler). An ordinary `AsyncWebhookHandler`: what it
/// knows of the delivery beyond the webhook comes from `WebhookMeta`.
struct Recorder {
    db: Db,
    fail_percent: u64,
    always_fail: AtomicBool,
    hang: bool,
    rng: AtomicU64,
}

impl Recorder {
    fn new(db: Db) -> Self {
        Self {
            db,
            fail_percent: 0,
            always_fail: AtomicBool::new(false),
            hang: false,
            rng: AtomicU64::new(0x9E37_79B9_7F4A_7C15),
        }
    }

    fn failing(mut self, percent: u64) -> Self {
        self.fail_percent = percent;
        self
    }

    /// A pseudo-random number (splitmix64 over a shared counter).
    fn random(&self) -> u64 {
        splitmix(self.rng.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed))
    }

    /// What every handler method does with its event (and its data, serialized).
    async fn handle(&self, meta: WebhookMeta<'_>, event: Event, data: Value) -> Result<(), String> {
        let mut call = Call {
            delivery: meta
                .delivery_id()
                .ok_or("a delivery from the inbox has an id")?,
            // The fingerprint of the data as the handler sees it (key order and number forms
            // of the re-serialization do not matter: the test compares it with the
            // fingerprint of the same re-serialization of what it sent).
            fingerprint: seen(meta.event_name, data),
            resource: event.resource().map(|r| r.to_string()).unwrap_or_default(),
            as_of: event.as_of().or_else(|| meta.sent_at()),
            phase: "ok",
            attempt: meta.attempt(),
            replay: meta.is_replay(),
            stale: meta.is_stale(),
        };
        assert_eq!(meta.is_retry(), call.attempt > 1);
        if self.hang {
            call.phase = "started";
            self.db.record(&call).await.map_err(|e| e.to_string())?;
            std::future::pending::<()>().await;
        }
        let fail = self.always_fail.load(Ordering::SeqCst)
            || (self.fail_percent > 0 && self.random() % 100 < self.fail_percent);
        if fail {
            call.phase = "failed";
            self.db.record(&call).await.map_err(|e| e.to_string())?;
            return Err(format!("ledger unavailable for {}", call.resource));
        }
        self.db.record(&call).await.map_err(|e| e.to_string())
    }
}

/// The same recorder after an upgrade of the merchant's code: its `on_unreadable` reads
/// `payment.completed` bodies whose amount StepPay wrote as display text (`"39,600원"`),
/// and processes them like any other payment. The default `on_unreadable` of [`Recorder`]
/// leaves them unhandled.
struct Upgraded(Arc<Recorder>);

macro_rules! database_recorder_methods {
    ($( ($method:ident, $variant:ident, $payload:ident), )+) => {
        impl AsyncWebhookHandler for Recorder {
            type Error = String;

            $(
                async fn $method(&self, meta: WebhookMeta<'_>, data: &$payload) -> Result<(), String> {
                    let value = serde_json::to_value(data).map_err(|e| e.to_string())?;
                    self.handle(meta, Event::$variant(Box::new(data.clone())), value).await
                }
            )+
        }

        impl AsyncWebhookHandler for Upgraded {
            type Error = String;

            $(
                async fn $method(&self, meta: WebhookMeta<'_>, data: &$payload) -> Result<(), String> {
                    let value = serde_json::to_value(data).map_err(|e| e.to_string())?;
                    self.0.handle(meta, Event::$variant(Box::new(data.clone())), value).await
                }
            )+

            async fn on_unreadable(&self, meta: WebhookMeta<'_>, data: &UnreadableData<'_>) -> Result<(), String> {
                if meta.event_name != "payment.completed" || data.path() != "data.paidAmount" {
                    return Err(format!("cannot read {} at {}", meta.event_name, data.path()));
                }
                let mut raw: Value = serde_json::from_str(data.raw_data()).map_err(|e| e.to_string())?;
                let shown = raw["paidAmount"].as_str().ok_or("paidAmount is not text")?;
                let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
                raw["paidAmount"] = json!(digits.parse::<u64>().map_err(|e| e.to_string())?);
                let payment: Payment = serde_json::from_value(raw).map_err(|e| e.to_string())?;
                let value = serde_json::to_value(&payment).map_err(|e| e.to_string())?;
                self.0.handle(meta, Event::PaymentCompleted(Box::new(payment)), value).await
            }
        }
    };
}

with_handler_methods!(database_recorder_methods);

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The fingerprint of an event's data as re-serialized by the test (see `Recorder::handle`).
fn seen(event_name: &str, data: Value) -> String {
    let body = json!({ "event": event_name, "data": data });
    fingerprint(&serde_json::to_vec(&body).expect("serialize"))
}

/// The fingerprint the handler records for a body the test sent.
fn seen_fingerprint(body: &[u8]) -> String {
    let webhook = steppay_webhook::parse_webhook(body).expect("test bodies parse");
    let data = serde_json::to_value(&webhook).expect("serialize")["data"].take();
    seen(webhook.event_name(), data)
}

// ---------------------------------------------------------------------------------------
// Receivers.
// ---------------------------------------------------------------------------------------

const PATH: &str = "/webhooks/steppay";

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(SECRET).with_tolerance(TOLERANCE)
}

/// Short backoffs, so that the suite runs in seconds; a lease long enough that no handler
/// outlives it on a busy machine (which would let a second worker take the delivery over:
/// at least once, as documented, but not what these tests count).
fn fast_config(mode: ProcessingMode) -> InboxConfig {
    InboxConfig::default()
        .mode(mode)
        .lease(Duration::from_secs(20))
        .retry_delays(Duration::from_millis(5), Duration::from_millis(50))
        .poll_interval(Duration::from_millis(20))
        .concurrency(8)
}

/// Which ready receiver serves the inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum Framework {
    /// `steppay_webhook::axum::router`.
    Axum,
    /// `steppay_webhook::actix::resource`.
    Actix,
}

/// A ready receiver serving on 127.0.0.1.
struct Served {
    url: String,
    actix: Option<actix_web::dev::ServerHandle>,
}

impl Served {
    /// Stops an actix-web server (an axum one ends with the test's runtime).
    async fn stop(self) {
        if let Some(handle) = self.actix {
            handle.stop(true).await;
        }
    }
}

/// Serves `receiver` with `framework`'s ready receiver at `PATH` on 127.0.0.1:0, each
/// request inside `span`.
async fn serve<H>(receiver: WebhookReceiver<H>, framework: Framework, span: tracing::Span) -> Served
where
    H: AsyncWebhookHandler + Send + Sync + 'static,
{
    match framework {
        Framework::Axum => {
            let app = axum::Router::new().nest(PATH, steppay_webhook::axum::router(receiver));
            let addr = crate::support::servers::serve_axum(app, span).await;
            Served {
                url: format!("http://{addr}{PATH}"),
                actix: None,
            }
        }
        Framework::Actix => {
            use actix_web::dev::Service as _;
            use tracing::Instrument as _;

            // actix-web runs its own runtime: a system of its own, on a thread of its own.
            let (ready, address) = tokio::sync::oneshot::channel();
            std::thread::spawn(move || {
                actix_web::rt::System::new().block_on(async move {
                    let server = actix_web::HttpServer::new(move || {
                        let span = span.clone();
                        actix_web::App::new()
                            .wrap_fn(move |request, service| {
                                service.call(request).instrument(span.clone())
                            })
                            .service(steppay_webhook::actix::resource(PATH, receiver.clone()))
                    })
                    .workers(2)
                    .disable_signals()
                    .shutdown_timeout(1)
                    .bind(("127.0.0.1", 0))
                    .expect("bind 127.0.0.1:0");
                    let addr = server.addrs()[0];
                    let server = server.run();
                    ready
                        .send((addr, server.handle()))
                        .expect("test waiting for the server");
                    server.await.expect("actix-web server");
                });
            });
            let (addr, handle) = address.await.expect("actix-web server started");
            Served {
                url: format!("http://{addr}{PATH}"),
                actix: Some(handle),
            }
        }
    }
}

/// A receiver with an inbox on `db`, handler `recorder`, and `config`; its worker; and where
/// it serves.
async fn start_receiver<H>(
    db: &Db,
    handler: Arc<H>,
    config: InboxConfig,
    framework: Framework,
) -> (Inbox, steppay_webhook::inbox::WorkerHandle, Served)
where
    H: AsyncWebhookHandler + Send + Sync + 'static,
{
    let inbox = Inbox::new(db.store()).with_config(config);
    let worker = inbox.spawn_worker(Arc::clone(&handler));
    let receiver = WebhookReceiver::new(verifier(), handler).with_inbox(inbox.clone());
    let served = serve(receiver, framework, tracing::Span::current()).await;
    (inbox, worker, served)
}

#[derive(serde::Serialize, serde::Deserialize)]
struct ChildConfig {
    db: DbSpec,
    inline: bool,
    hang: bool,
    framework: Framework,
    /// The lease, when not [`fast_config`]'s.
    lease_ms: Option<u64>,
}

/// A receiver in another OS process: this test binary, running [`child_receiver`].
struct ChildReceiver {
    child: Child,
    stdin: Option<ChildStdin>,
    url: String,
}

impl ChildReceiver {
    fn start(config: &ChildConfig) -> Self {
        let exe = std::env::current_exe().expect("test binary");
        let mut child = Command::new(exe)
            .args([CHILD_TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, serde_json::to_string(config).expect("config"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the child receiver");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("child receiver exited before it was ready")
                .expect("child output");
            // libtest may print its "test ... " prefix on the same line.
            if let Some((_, url)) = line.split_once("READY ") {
                break url.trim().to_owned();
            }
        };
        // Keep draining its output so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.by_ref() {});
        Self { child, stdin, url }
    }

    /// Ends the process at once (SIGKILL), mid-handler if it is in one.
    fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }
}

impl Drop for ChildReceiver {
    fn drop(&mut self) {
        // Closing stdin asks the child to stop; kill it if it does not.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
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

/// Not a test of its own: the receiver process the multi-process tests start. Run directly
/// (without `STEPPAY_INBOX_CHILD`) it has nothing to do and returns.
#[test]
fn child_receiver() {
    let Ok(config) = std::env::var(CHILD_ENV) else {
        return;
    };
    let config: ChildConfig = serde_json::from_str(&config).expect("child config");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let db = config.db.open().await;
        let mut recorder = Recorder::new(db.clone());
        recorder.hang = config.hang;
        let mode = if config.inline {
            ProcessingMode::Inline
        } else {
            ProcessingMode::Deferred
        };
        let mut inbox_config = fast_config(mode);
        if let Some(ms) = config.lease_ms {
            inbox_config = inbox_config.lease(Duration::from_millis(ms));
        }
        let (_inbox, worker, served) =
            start_receiver(&db, Arc::new(recorder), inbox_config, config.framework).await;
        println!("READY {}", served.url);
        std::io::stdout().flush().expect("flush");
        // Serve until the parent closes stdin (or kills this process).
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
        worker.shutdown().await;
        served.stop().await;
    });
}

// ---------------------------------------------------------------------------------------
// Deliveries.
// ---------------------------------------------------------------------------------------

/// One generated delivery.
#[derive(Clone, Debug)]
struct Generated {
    body: Vec<u8>,
    header: String,
    event: String,
    resource: String,
    as_of: DateTime<Utc>,
    /// The fingerprint of the stored body.
    fingerprint: String,
    /// The fingerprint the handler records for it.
    seen: String,
}

fn wire_time(t: DateTime<Utc>) -> Value {
    json!(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

fn sign_body(envelope: &Value) -> (Vec<u8>, String) {
    let body = serde_json::to_vec(envelope).expect("body");
    let timestamp = envelope["timestamp"].as_i64().expect("timestamp");
    let header = sign(SECRET, timestamp, &body);
    (body, header)
}

/// `count` distinct deliveries over the 27 event types, each from its realistic fixture with
/// fresh ids: about two deliveries per resource, each with its own as-of time (10 s apart),
/// carried where the schema has one (`modifiedAt`, `paidAt`, `influxDate`, ...) and always as
/// the envelope timestamp.
fn generate(count: usize, seed: u64) -> Vec<Generated> {
    let fixtures = event_fixtures();
    let start = Utc::now().timestamp() - 10 * count as i64 - 100;
    let mut seen_fingerprints = HashSet::new();
    let mut out = Vec::with_capacity(count);
    let mut fresh = 0u64;
    for i in 0..count {
        let (_, bytes) = &fixtures[i % fixtures.len()];
        let envelope: Value = serde_json::from_slice(bytes).expect("fixture");
        let event = envelope["event"].as_str().expect("event").to_owned();
        let as_of = Utc
            .timestamp_opt(start + 10 * i as i64, 0)
            .single()
            .expect("time");
        // Resources of one kind share ids from a pool half the size of the kind's deliveries.
        let per_kind = count / 27 + 1;
        let mut pick = splitmix(seed ^ i as u64) % (per_kind as u64 / 2 + 1);
        let body = loop {
            let id = 700_000 + pick as i64;
            let mut e = envelope.clone();
            let resource = personalize(&mut e, &event, id, as_of, i);
            e["timestamp"] = json!(as_of.timestamp());
            let (body, header) = sign_body(&e);
            let fp = fingerprint(&body);
            if seen_fingerprints.insert(fp.clone()) {
                break Generated {
                    seen: seen_fingerprint(&body),
                    body,
                    header,
                    event: event.clone(),
                    resource,
                    as_of,
                    fingerprint: fp,
                };
            }
            // The same event with the same data for this resource exists already: use a
            // resource of its own instead.
            fresh += 1;
            pick = 100_000 + fresh;
        };
        out.push(body);
    }
    out
}

/// Gives the fixture `data` the resource id `id` and the as-of time `as_of` where its schema
/// carries one; returns the resource as the inbox names it.
fn personalize(
    envelope: &mut Value,
    event: &str,
    id: i64,
    as_of: DateTime<Utc>,
    n: usize,
) -> String {
    let data = &mut envelope["data"];
    let schema = event.split('.').next().expect("schema");
    match event {
        e if e.starts_with("product.price.") => {
            data["priceCode"] = json!(format!("price_{id:x}"));
            data["modifiedAt"] = wire_time(as_of);
            format!("Price price_{id:x}")
        }
        "subscription.usage.added" => {
            data["subscriptionItemId"] = json!(id);
            data["id"] = json!(900_000 + n);
            if let Some(records) = data["recordQuotas"].as_array_mut() {
                for record in records {
                    record["influxDate"] = wire_time(as_of);
                }
            }
            format!("SubscriptionItem {id}")
        }
        _ => match schema {
            "order" => {
                data["id"] = json!(id);
                data["modifiedAt"] = wire_time(as_of);
                format!("Order {id}")
            }
            "subscription" => {
                data["subscriptionId"] = json!(id);
                let statuses = ["ACTIVE", "UNPAID", "PENDING_CANCEL", "PAUSE"];
                data["status"] = json!(statuses[n % statuses.len()]);
                data["lastPaymentDate"] = wire_time(as_of - chrono::Duration::days(n as i64 % 27));
                format!("Subscription {id}")
            }
            "invoice" => {
                data["id"] = json!(id);
                if event == "invoice.deleted" {
                    data["deletedAt"] = wire_time(as_of);
                }
                format!("Invoice {id}")
            }
            "payment" => {
                data["paymentId"] = json!(id);
                if !data["paidAt"].is_null() {
                    data["paidAt"] = wire_time(as_of);
                }
                if data["cancel"].is_object() {
                    data["cancel"]["lastCanceledDate"] = wire_time(as_of);
                }
                if data["niceCms"].is_object() {
                    data["niceCms"]["date"] = wire_time(as_of);
                }
                format!("Payment {id}")
            }
            "customer" => {
                data["id"] = json!(id);
                format!("Customer {id}")
            }
            "product" => {
                data["code"] = json!(format!("product_{id:x}"));
                data["modifiedAt"] = wire_time(as_of);
                format!("Product product_{id:x}")
            }
            "cover" => {
                data["id"] = json!(id);
                data["messageSentStep"] = json!(n % 5 + 1);
                format!("Cover {id}")
            }
            other => panic!("no resource for {other}"),
        },
    }
}

/// The same delivery sent again by StepPay: a new envelope timestamp (5 s later, so it never
/// reorders two distinct deliveries of a resource) and a new signature; `data` unchanged.
fn resent(generated: &Generated) -> (Vec<u8>, String) {
    let mut envelope: Value = serde_json::from_slice(&generated.body).expect("body");
    envelope["timestamp"] = json!(envelope["timestamp"].as_i64().expect("ts") + 5);
    sign_body(&envelope)
}

/// A request to send.
struct Request {
    body: Vec<u8>,
    header: String,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// Sends every request concurrently (at most 32 in flight), each to a receiver picked at
/// random; returns (status, reason) per request.
async fn send_all(urls: &[String], requests: Vec<Request>, seed: u64) -> Vec<(u16, String)> {
    let client = client();
    let permits = Arc::new(tokio::sync::Semaphore::new(32));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, request) in requests.into_iter().enumerate() {
        let url = urls[(splitmix(seed ^ (i as u64) << 1) % urls.len() as u64) as usize].clone();
        let client = client.clone();
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("permit");
            let response = client
                .post(&url)
                .header(SIGNATURE_HEADER, &request.header)
                .body(request.body)
                .send()
                .await
                .expect("sent");
            let status = response.status().as_u16();
            (status, response.text().await.expect("reply"))
        });
    }
    let mut replies = Vec::new();
    while let Some(reply) = tasks.join_next().await {
        replies.push(reply.expect("request task"));
    }
    replies
}

async fn send_one(url: &str, body: &[u8], header: &str) -> (u16, String) {
    let response = client()
        .post(url)
        .header(SIGNATURE_HEADER, header)
        .body(body.to_vec())
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.text().await.expect("reply"))
}

/// Shuffles in place (Fisher-Yates over splitmix).
fn shuffle<T>(items: &mut [T], seed: u64) {
    for i in (1..items.len()).rev() {
        let j = (splitmix(seed.wrapping_add(i as u64)) % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// Waits until no delivery is pending; returns the counts per status.
async fn settle(store: &dyn InboxStore, within: Duration) -> BTreeMap<DeliveryStatus, u64> {
    let deadline = Instant::now() + within;
    loop {
        let counts: BTreeMap<_, _> = store
            .count_by_status()
            .await
            .expect("counts")
            .into_iter()
            .collect();
        if !counts.contains_key(&DeliveryStatus::Pending) {
            return counts;
        }
        assert!(
            Instant::now() < deadline,
            "deliveries still pending after {within:?}: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn all_deliveries(store: &dyn InboxStore) -> Vec<steppay_webhook::inbox::Delivery> {
    store
        .list(&DeliveryFilter::new().limit(100_000))
        .await
        .expect("list")
}

fn count(counts: &BTreeMap<DeliveryStatus, u64>, status: DeliveryStatus) -> u64 {
    counts.get(&status).copied().unwrap_or(0)
}

// ---------------------------------------------------------------------------------------
// Scenario: 1,000 deliveries, 30% duplicated, shuffled, concurrent, to receiver processes.
// ---------------------------------------------------------------------------------------

/// Sends the deliveries to one receiver process per entry of `frameworks`.
async fn thousand_deliveries(spec: DbSpec, frameworks: &[Framework], inline: bool, label: &str) {
    let receivers = frameworks.len();
    const DISTINCT: usize = 1000;
    let db = spec.open().await;
    let store = db.store();
    let generated = generate(DISTINCT, 0xC0FFEE);
    assert_eq!(
        generated
            .iter()
            .map(|g| &g.event)
            .collect::<HashSet<_>>()
            .len(),
        27
    );

    // 30% sent twice: two thirds byte-identical, one third resent with a new timestamp and
    // signature.
    let mut requests: Vec<Request> = generated
        .iter()
        .map(|g| Request {
            body: g.body.clone(),
            header: g.header.clone(),
        })
        .collect();
    let mut order: Vec<usize> = (0..DISTINCT).collect();
    shuffle(&mut order, 7);
    for (k, &i) in order.iter().take(DISTINCT * 3 / 10).enumerate() {
        let g = &generated[i];
        let (body, header) = if k % 3 == 0 {
            resent(g)
        } else {
            (g.body.clone(), g.header.clone())
        };
        requests.push(Request { body, header });
    }
    shuffle(&mut requests, 11);
    let sent = requests.len();

    let children: Vec<ChildReceiver> = frameworks
        .iter()
        .map(|&framework| {
            ChildReceiver::start(&ChildConfig {
                db: spec.clone(),
                inline,
                hang: false,
                framework,
                lease_ms: None,
            })
        })
        .collect();
    let urls: Vec<String> = children.iter().map(|c| c.url.clone()).collect();
    let started = Instant::now();
    let replies = send_all(&urls, requests, 3).await;
    let counts = settle(&*store, Duration::from_secs(120)).await;
    let elapsed = started.elapsed();
    drop(children);

    // Every request acknowledged; exactly the resent ones reported as duplicates.
    let not_ok: Vec<_> = replies
        .iter()
        .filter(|(status, _)| *status != 200)
        .collect();
    assert!(
        not_ok.is_empty(),
        "{} answers were not 200: {:?}",
        not_ok.len(),
        &not_ok[..not_ok.len().min(3)]
    );
    let duplicates = replies
        .iter()
        .filter(|(_, reason)| reason.starts_with("duplicate of delivery "))
        .count();
    assert_eq!(duplicates, 300);

    // Every distinct delivery stored once, processed or found stale, nothing lost.
    let stored = all_deliveries(&*store).await;
    assert_eq!(stored.len(), DISTINCT);
    let stored_fps: HashSet<&str> = stored.iter().map(|d| d.fingerprint.as_str()).collect();
    for g in &generated {
        assert!(
            stored_fps.contains(g.fingerprint.as_str()),
            "lost {}",
            g.event
        );
    }
    assert_eq!(
        stored.iter().map(|d| u64::from(d.duplicates)).sum::<u64>(),
        300
    );
    let processed = count(&counts, DeliveryStatus::Processed);
    let stale = count(&counts, DeliveryStatus::Stale);
    assert_eq!(processed + stale, DISTINCT as u64, "{counts:?}");

    // The handler ran exactly once for every processed delivery and never for a stale one.
    let calls = db.calls().await;
    let mut per_fingerprint: HashMap<&str, usize> = HashMap::new();
    for (fp, phase, _, _, _) in &calls {
        assert_eq!(phase, "ok");
        *per_fingerprint.entry(fp).or_default() += 1;
    }
    let twice: Vec<_> = per_fingerprint.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "processed more than once: {twice:?}");
    assert_eq!(calls.len() as u64, processed);
    let seen_of: HashMap<&str, &str> = generated
        .iter()
        .map(|g| (g.fingerprint.as_str(), g.seen.as_str()))
        .collect();
    for d in &stored {
        let seen = seen_of[d.fingerprint.as_str()];
        let called = per_fingerprint.get(seen).copied().unwrap_or(0);
        match d.status {
            DeliveryStatus::Processed => assert_eq!(called, 1, "delivery {}", d.id),
            DeliveryStatus::Stale => assert_eq!(called, 0, "stale delivery {} applied", d.id),
            other => panic!("delivery {} ended {other}", d.id),
        }
    }
    if receivers > 1 {
        let pids: HashSet<i64> = calls.iter().map(|c| c.4).collect();
        assert_eq!(pids.len(), receivers, "every receiver process did work");
    }

    // Per resource, the state applied last is the newest delivery.
    let mut newest: HashMap<&str, &Generated> = HashMap::new();
    for g in &generated {
        let entry = newest.entry(g.resource.as_str()).or_insert(g);
        if g.as_of > entry.as_of {
            *entry = g;
        }
    }
    let state = db.state().await;
    assert_eq!(state.len(), newest.len(), "one state per resource");
    for (resource, g) in &newest {
        assert_eq!(
            state.get(*resource).map(String::as_str),
            Some(g.seen.as_str()),
            "{resource}: the newest delivery ({}) is not the state applied",
            g.event
        );
    }
    let shared = newest.len();
    println!(
        "{label}: {DISTINCT} distinct deliveries ({sent} requests, 300 duplicates) to {receivers} \
         receiver process(es) ({frameworks:?}) over {shared} resources in {:.1}s: {processed} \
         processed, {stale} stale, 0 dead, lost 0",
        elapsed.as_secs_f64()
    );
    db.drop_schema(&spec).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_thousand_deliveries_one_process_inline() {
    let (spec, _dir) = sqlite_spec();
    thousand_deliveries(spec, &[Framework::Axum], true, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_thousand_deliveries_two_processes_axum_and_actix_deferred() {
    let Some(spec) = postgres_spec("thousand") else {
        return;
    };
    thousand_deliveries(
        spec,
        &[Framework::Axum, Framework::Actix],
        false,
        "postgres",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Scenario: a handler failing 20% of attempts at random.
// ---------------------------------------------------------------------------------------

async fn flaky_handler(spec: DbSpec, mode: ProcessingMode, framework: Framework, label: &str) {
    const N: usize = 200;
    let db = spec.open().await;
    let recorder = Arc::new(Recorder::new(db.clone()).failing(20));
    let config = fast_config(mode).max_attempts(40);
    let (_inbox, worker, served) = start_receiver(&db, recorder, config, framework).await;
    let url = served.url.clone();
    let generated = generate(N, 0xF1A4);
    let requests = generated
        .iter()
        .map(|g| Request {
            body: g.body.clone(),
            header: g.header.clone(),
        })
        .collect();
    let replies = send_all(std::slice::from_ref(&url), requests, 5).await;
    let counts = settle(&*db.store(), Duration::from_secs(60)).await;
    worker.shutdown().await;
    served.stop().await;
    // A fresh pool: PostgreSQL connections the handler opened on actix-web's worker runtimes
    // ended with them.
    let db = spec.open().await;

    let inline_failures = replies.iter().filter(|(status, _)| *status == 500).count();
    assert!(replies
        .iter()
        .all(|(status, _)| *status == 200 || *status == 500));
    if mode == ProcessingMode::Deferred {
        assert_eq!(inline_failures, 0);
    }
    assert_eq!(count(&counts, DeliveryStatus::Dead), 0, "{counts:?}");
    let processed = count(&counts, DeliveryStatus::Processed);
    let stale = count(&counts, DeliveryStatus::Stale);
    assert_eq!(processed + stale, N as u64);

    let calls = db.calls().await;
    let failures = calls.iter().filter(|c| c.1 == "failed").count();
    let mut ok: HashMap<&str, usize> = HashMap::new();
    for (fp, phase, _, _, _) in &calls {
        if phase == "ok" {
            *ok.entry(fp).or_default() += 1;
        }
    }
    assert!(ok.values().all(|n| *n == 1), "a delivery succeeded twice");
    assert_eq!(ok.len() as u64, processed);
    // After its success, a delivery is never called again: its successful call is its last
    // attempt.
    let mut last: HashMap<&str, (i64, &str)> = HashMap::new();
    for (fp, phase, attempt, _, _) in &calls {
        let entry = last.entry(fp).or_insert((*attempt, phase));
        if *attempt > entry.0 {
            *entry = (*attempt, phase);
        }
    }
    assert!(last.values().all(|(_, phase)| *phase == "ok"));
    // The handler saw each retry as one: a delivery's calls are attempts 1, 2, ... n, in that
    // order, all failed but the last.
    let mut per_delivery: HashMap<&str, Vec<(i64, &str)>> = HashMap::new();
    for (fp, phase, attempt, _, _) in &calls {
        per_delivery.entry(fp).or_default().push((*attempt, phase));
    }
    let mut retried = 0;
    for attempts in per_delivery.values_mut() {
        attempts.sort();
        let numbers: Vec<i64> = attempts.iter().map(|a| a.0).collect();
        assert_eq!(numbers, (1..=attempts.len() as i64).collect::<Vec<_>>());
        assert!(attempts[..attempts.len() - 1]
            .iter()
            .all(|a| a.1 == "failed"));
        if attempts.len() > 1 {
            retried += 1;
        }
    }
    assert!(retried > 0, "some deliveries were retried");
    let attempts: u64 = all_deliveries(&*db.store())
        .await
        .iter()
        .filter(|d| d.status == DeliveryStatus::Processed)
        .map(|d| u64::from(d.attempts))
        .sum();
    assert_eq!(attempts, calls.len() as u64, "every attempt is one call");
    assert!(
        failures > N / 10,
        "the handler failed about 20% of calls ({failures})"
    );
    println!(
        "{label}: {N} deliveries, {failures} failed attempts retried ({inline_failures} answered \
         500 inline; {retried} deliveries seen as retries by the handler), {processed} \
         processed, {stale} stale, 0 dead, lost 0"
    );
    db.drop_schema(&spec).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_flaky_handler_deferred_every_delivery_processed_once() {
    let (spec, _dir) = sqlite_spec();
    flaky_handler(
        spec,
        ProcessingMode::Deferred,
        Framework::Axum,
        "sqlite flaky",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_flaky_handler_inline_actix_every_delivery_processed_once() {
    let Some(spec) = postgres_spec("flaky") else {
        return;
    };
    flaky_handler(
        spec,
        ProcessingMode::Inline,
        Framework::Actix,
        "postgres flaky (actix-web)",
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Scenario: a handler that always fails: dead letters, then replay after the fix.
// ---------------------------------------------------------------------------------------

async fn dead_letters_then_replay(spec: DbSpec, label: &str) {
    const N: usize = 30;
    const MAX_ATTEMPTS: u32 = 3;
    let db = spec.open().await;
    let recorder = Arc::new(Recorder::new(db.clone()));
    recorder.always_fail.store(true, Ordering::SeqCst);
    let config = fast_config(ProcessingMode::Deferred).max_attempts(MAX_ATTEMPTS);
    let (inbox, worker, served) =
        start_receiver(&db, Arc::clone(&recorder), config, Framework::Axum).await;
    let url = served.url.clone();
    let generated = generate(N, 0xDEAD);
    let requests = generated
        .iter()
        .map(|g| Request {
            body: g.body.clone(),
            header: g.header.clone(),
        })
        .collect();
    let replies = send_all(std::slice::from_ref(&url), requests, 9).await;
    assert!(replies.iter().all(|(status, _)| *status == 200));
    let counts = settle(&*db.store(), Duration::from_secs(60)).await;
    assert_eq!(count(&counts, DeliveryStatus::Dead), N as u64, "{counts:?}");

    let deliveries = inbox.deliveries();
    let dead = deliveries
        .list(
            &DeliveryFilter::new()
                .status(DeliveryStatus::Dead)
                .limit(1000),
        )
        .await
        .expect("list");
    assert_eq!(dead.len(), N);
    for d in &dead {
        assert_eq!(d.attempts, MAX_ATTEMPTS);
        let error = d.last_error.as_deref().expect("last error");
        assert!(error.starts_with("ledger unavailable for "), "{error}");
    }
    let calls = db.calls().await;
    assert_eq!(calls.len(), N * MAX_ATTEMPTS as usize);
    assert!(calls.iter().all(|c| c.1 == "failed" && !c.3));

    // The fix, then replay every dead letter.
    recorder.always_fail.store(false, Ordering::SeqCst);
    let summary = deliveries
        .replay_all(ReplaySelection::Dead)
        .await
        .expect("replay");
    assert_eq!(summary.requeued, N as u64);
    let counts = settle(&*db.store(), Duration::from_secs(60)).await;
    worker.shutdown().await;
    assert_eq!(
        count(&counts, DeliveryStatus::Processed),
        N as u64,
        "{counts:?}"
    );
    let calls = db.calls().await;
    let ok: Vec<_> = calls.iter().filter(|c| c.1 == "ok").collect();
    assert_eq!(ok.len(), N);
    assert!(
        ok.iter().all(|c| c.3 && c.2 == 1),
        "replays say so, attempt 1"
    );
    assert_eq!(
        ok.iter().map(|c| &c.0).collect::<HashSet<_>>().len(),
        N,
        "each once"
    );
    for d in all_deliveries(&*db.store()).await {
        assert_eq!((d.replays, d.attempts), (1, 1));
    }
    println!(
        "{label}: {N} dead letters after {MAX_ATTEMPTS} attempts each ({} failed calls), all \
         {N} processed once after replay",
        N * MAX_ATTEMPTS as usize
    );
    db.drop_schema(&spec).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_dead_letters_then_replay_after_fix() {
    let (spec, _dir) = sqlite_spec();
    dead_letters_then_replay(spec, "sqlite dead letters").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_dead_letters_then_replay_after_fix() {
    let Some(spec) = postgres_spec("dead") else {
        return;
    };
    dead_letters_then_replay(spec, "postgres dead letters").await;
}

// ---------------------------------------------------------------------------------------
// Scenario: a receiver process killed mid-handler.
// ---------------------------------------------------------------------------------------

async fn killed_mid_handler(spec: DbSpec, label: &str) {
    let db = spec.open().await;
    let store = db.store();
    let g = generate(1, 0xB00).remove(0);

    // A receiver whose handler hangs: it records that it started, then never returns.
    let hanging = ChildReceiver::start(&ChildConfig {
        db: spec.clone(),
        inline: false,
        hang: true,
        framework: Framework::Axum,
        lease_ms: Some(2000),
    });
    let (status, reason) = send_one(&hanging.url, &g.body, &g.header).await;
    assert_eq!(
        (status, reason.as_str()),
        (200, format!("stored {} as delivery 1", g.event).as_str())
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !db.calls().await.iter().any(|c| c.1 == "started") {
        assert!(Instant::now() < deadline, "the handler never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    hanging.kill();

    let delivery = all_deliveries(&*store).await.remove(0);
    assert_eq!(delivery.status, DeliveryStatus::Pending);
    assert_eq!(delivery.attempts, 1);
    assert!(
        delivery.locked_until.is_some(),
        "still leased by the dead process"
    );

    // A new receiver takes it over once the lease (2 s) ends, and processes it once.
    let restarted = ChildReceiver::start(&ChildConfig {
        db: spec.clone(),
        inline: false,
        hang: false,
        framework: Framework::Axum,
        lease_ms: Some(2000),
    });
    let counts = settle(&*store, Duration::from_secs(30)).await;
    drop(restarted);
    assert_eq!(count(&counts, DeliveryStatus::Processed), 1, "{counts:?}");
    let calls = db.calls().await;
    let phases: Vec<(&str, i64)> = calls.iter().map(|c| (c.1.as_str(), c.2)).collect();
    assert_eq!(
        phases,
        [("started", 1), ("ok", 2)],
        "the handler saw the second call as attempt 2, a retry"
    );
    assert_ne!(calls[0].4, calls[1].4, "two different processes");
    let delivery = store.get(delivery.id).await.expect("get").expect("stored");
    assert_eq!(delivery.attempts, 2);
    assert_eq!(delivery.locked_until, None);
    println!("{label}: killed mid-handler, processed once by the next process (attempt 2)");
    db.drop_schema(&spec).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_receiver_killed_mid_handler_processes_after_restart_once() {
    let (spec, _dir) = sqlite_spec();
    killed_mid_handler(spec, "sqlite kill").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_receiver_killed_mid_handler_processes_after_restart_once() {
    let Some(spec) = postgres_spec("kill") else {
        return;
    };
    killed_mid_handler(spec, "postgres kill").await;
}

// ---------------------------------------------------------------------------------------
// Scenario: an authentic body the crate cannot read.
// ---------------------------------------------------------------------------------------

/// A `payment.completed` whose amount StepPay wrote as display text (`"39,600원"`): authentic
/// (correctly signed), but the crate's parser rejects it, and will in every version (an
/// amount is never read from display text). That is the point of the test: it must be
/// stored, not lost.
///
/// **The change that makes it readable** is the merchant's: the receiver is redeployed with
/// a handler whose `on_unreadable` reads such amounts ([`Upgraded`]). Before, the handler's
/// default `on_unreadable` leaves the delivery unhandled: it is kept `unreadable`. After the
/// redeploy, an operator replays the unreadable deliveries; the new worker hands the stored
/// body to the new `on_unreadable`, which processes it once, told it is a replay. (A crate
/// upgrade whose parser reads the body takes the same replay path, through the typed method
/// instead; one test binary cannot hold two versions of the crate.)
async fn unreadable_body(spec: DbSpec, framework: Framework, label: &str) {
    let db = spec.open().await;
    let recorder = Arc::new(Recorder::new(db.clone()));
    let config = fast_config(ProcessingMode::Deferred);
    let (inbox, worker, served) =
        start_receiver(&db, Arc::clone(&recorder), config.clone(), framework).await;

    let mut envelope: Value =
        serde_json::from_slice(&fixture("payment.completed")).expect("fixture");
    envelope["timestamp"] = json!(Utc::now().timestamp());
    envelope["data"]["paidAmount"] = json!("39,600원");
    let (body, header) = sign_body(&envelope);
    let (status, reason) = send_one(&served.url, &body, &header).await;
    assert_eq!(status, 200, "acknowledged: it is safely stored");
    assert!(
        reason.starts_with(
            "stored unreadable webhook body as delivery 1: payment.completed: data.paidAmount: "
        ),
        "{reason}"
    );
    // The same body again is a duplicate, not a second unreadable delivery.
    let (status, reason) = send_one(&served.url, &body, &header).await;
    assert_eq!((status, reason.as_str()), (200, "duplicate of delivery 1"));

    // The worker gives it to the handler's default on_unreadable, which does not handle it:
    // kept unreadable, listed with what went wrong but not the value.
    let counts = settle(&*db.store(), Duration::from_secs(30)).await;
    assert_eq!(count(&counts, DeliveryStatus::Unreadable), 1, "{counts:?}");
    let deliveries = inbox.deliveries();
    let unreadable = deliveries
        .list(&DeliveryFilter::new().status(DeliveryStatus::Unreadable))
        .await
        .expect("list");
    assert_eq!(unreadable.len(), 1);
    let stored = &unreadable[0];
    assert_eq!(stored.body, body, "kept byte for byte");
    assert_eq!(stored.event_name.as_deref(), Some("payment.completed"));
    assert_eq!(stored.resource, None);
    assert_eq!(stored.duplicates, 1);
    let error = stored.last_error.as_deref().expect("error");
    assert!(
        error.starts_with("payment.completed: data.paidAmount: "),
        "{error}"
    );
    assert!(!error.contains("39,600"), "{error}");
    assert!(db.calls().await.is_empty());

    // Replayed with the same handler: still unreadable, still kept.
    match deliveries.replay(stored.id).await.expect("replay") {
        Replay::RequeuedUnreadable { error } => {
            assert!(error.contains("data.paidAmount"), "{error}")
        }
        other => panic!("expected requeued unreadable, got {other:?}"),
    }
    let counts = settle(&*db.store(), Duration::from_secs(30)).await;
    assert_eq!(count(&counts, DeliveryStatus::Unreadable), 1, "{counts:?}");
    assert!(db.calls().await.is_empty());

    // The redeploy with the upgraded handler, then replay.
    worker.shutdown().await;
    served.stop().await;
    let upgraded = Arc::new(Upgraded(Arc::clone(&recorder)));
    let (_inbox, worker, served) = start_receiver(&db, upgraded, config, framework).await;
    let summary = deliveries
        .replay_all(ReplaySelection::Unreadable)
        .await
        .expect("replay");
    assert_eq!((summary.requeued, summary.still_unreadable), (1, 1));
    let counts = settle(&*db.store(), Duration::from_secs(30)).await;
    worker.shutdown().await;
    served.stop().await;
    assert_eq!(count(&counts, DeliveryStatus::Processed), 1, "{counts:?}");
    let after = deliveries
        .get(stored.id)
        .await
        .expect("get")
        .expect("stored");
    assert_eq!((after.replays, after.attempts), (2, 1));
    let calls = db.calls().await;
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].1.as_str(), calls[0].2, calls[0].3),
        ("ok", 1, true),
        "processed once, attempt 1 of the replay, told it is a replay"
    );
    let mut readable = envelope.clone();
    readable["data"]["paidAmount"] = json!(39600);
    assert_eq!(
        calls[0].0,
        seen_fingerprint(&serde_json::to_vec(&readable).expect("body")),
        "the handler saw the amount 39600"
    );
    println!(
        "{label}: unreadable body stored, acknowledged, listed, kept by the default handler, \
         processed once after the handler change and a replay"
    );
    db.drop_schema(&spec).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_unreadable_body_is_kept_and_replayed_actix() {
    let (spec, _dir) = sqlite_spec();
    unreadable_body(spec, Framework::Actix, "sqlite unreadable (actix-web)").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_unreadable_body_is_kept_and_replayed() {
    let Some(spec) = postgres_spec("unreadable") else {
        return;
    };
    unreadable_body(spec, Framework::Axum, "postgres unreadable").await;
}

// ---------------------------------------------------------------------------------------
// Scenario: out of order.
// ---------------------------------------------------------------------------------------

/// A newer `subscription.updated` (ACTIVE) arrives first, then an older one (UNPAID): the
/// older is recorded stale and not applied; a delivery as new as the applied one (a tie) is
/// applied. With `StalePolicy::Apply`, a stale one reaches the handler, which is told so.
async fn out_of_order(spec: DbSpec, label: &str) {
    let db = spec.open().await;
    let recorder = Arc::new(Recorder::new(db.clone()));
    let (inbox, worker, served) = start_receiver(
        &db,
        Arc::clone(&recorder),
        fast_config(ProcessingMode::Inline),
        Framework::Axum,
    )
    .await;
    let url = served.url.clone();
    let now = Utc::now().timestamp();
    let update = |id: i64, status: &str, timestamp: i64, payment: &str| {
        let mut envelope: Value =
            serde_json::from_slice(&fixture("subscription.updated")).expect("fixture");
        envelope["timestamp"] = json!(timestamp);
        envelope["data"]["subscriptionId"] = json!(id);
        envelope["data"]["status"] = json!(status);
        envelope["data"]["lastPaymentDate"] = json!(payment);
        sign_body(&envelope)
    };
    let (newer, newer_header) = update(90210, "ACTIVE", now - 10, "2026-11-18T00:01:12Z");
    let (older, older_header) = update(90210, "UNPAID", now - 70, "2026-10-18T00:01:12Z");
    let (tie, tie_header) = update(90210, "PENDING_CANCEL", now - 10, "2026-11-18T00:01:12Z");

    assert_eq!(
        send_one(&url, &newer, &newer_header).await,
        (200, "handled subscription.updated".to_owned())
    );
    assert_eq!(
        send_one(&url, &older, &older_header).await,
        (
            200,
            "stale subscription.updated: newer data already applied".to_owned()
        )
    );
    let state = db.state().await;
    assert_eq!(
        state["Subscription 90210"],
        seen_fingerprint(&newer),
        "ACTIVE stays"
    );
    let stale = inbox
        .deliveries()
        .list(&DeliveryFilter::new().status(DeliveryStatus::Stale))
        .await
        .expect("list");
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].fingerprint, fingerprint(&older));
    assert_eq!(
        stale[0]
            .resource
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("Subscription 90210")
    );
    assert_eq!(
        db.calls().await.len(),
        1,
        "the stale one never reached the handler"
    );

    assert_eq!(
        send_one(&url, &tie, &tie_header).await,
        (200, "handled subscription.updated".to_owned()),
        "ties are applied"
    );
    assert_eq!(
        db.state().await["Subscription 90210"],
        seen_fingerprint(&tie)
    );
    let applied = inbox
        .deliveries()
        .applied_as_of(&steppay_webhook::Resource::new(
            steppay_webhook::ResourceKind::Subscription,
            "90210",
        ))
        .await
        .expect("as of");
    assert_eq!(applied.map(|t| t.timestamp()), Some(now - 10));
    worker.shutdown().await;
    served.stop().await;

    // The merchant's handler does its own ordering: StalePolicy::Apply hands it stale
    // deliveries too, with WebhookMeta::is_stale set; the applied as-of time stays.
    let config = fast_config(ProcessingMode::Inline).stale_policy(StalePolicy::Apply);
    let (inbox, worker, served) = start_receiver(&db, recorder, config, Framework::Axum).await;
    let (newer, newer_header) = update(90211, "ACTIVE", now - 10, "2026-11-18T00:01:12Z");
    let (older, older_header) = update(90211, "UNPAID", now - 70, "2026-10-18T00:01:12Z");
    for (body, header) in [(&newer, &newer_header), (&older, &older_header)] {
        assert_eq!(
            send_one(&served.url, body, header).await,
            (200, "handled subscription.updated".to_owned())
        );
    }
    let flags: HashMap<String, bool> = db.stale_flags().await.into_iter().collect();
    assert!(!flags[&seen_fingerprint(&newer)]);
    assert!(flags[&seen_fingerprint(&older)], "told it is stale");
    let applied = inbox
        .deliveries()
        .applied_as_of(&steppay_webhook::Resource::new(
            steppay_webhook::ResourceKind::Subscription,
            "90211",
        ))
        .await
        .expect("as of");
    assert_eq!(applied.map(|t| t.timestamp()), Some(now - 10));
    worker.shutdown().await;
    served.stop().await;
    println!(
        "{label}: older subscription.updated after a newer one recorded stale, not applied; \
         applied and flagged stale under StalePolicy::Apply"
    );
    db.drop_schema(&spec).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_older_update_after_newer_is_stale_and_not_applied() {
    let (spec, _dir) = sqlite_spec();
    out_of_order(spec, "sqlite out of order").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_older_update_after_newer_is_stale_and_not_applied() {
    let Some(spec) = postgres_spec("order") else {
        return;
    };
    out_of_order(spec, "postgres out of order").await;
}

// ---------------------------------------------------------------------------------------
// Operations and rejections.
// ---------------------------------------------------------------------------------------

/// Unverified requests are never stored; purge removes only processed deliveries.
async fn rejections_and_purge(spec: DbSpec) {
    let db = spec.open().await;
    let recorder = Arc::new(Recorder::new(db.clone()));
    let (inbox, worker, served) = start_receiver(
        &db,
        recorder,
        fast_config(ProcessingMode::Inline),
        Framework::Axum,
    )
    .await;
    let url = served.url.clone();
    let g = generate(1, 0x5E).remove(0);
    let forged = sign("whsec_someone_else", g.as_of.timestamp(), &g.body);
    let (status, reason) = send_one(&url, &g.body, &forged).await;
    assert_eq!(
        (status, reason.as_str()),
        (401, "invalid signature: no signature matches the body")
    );
    let stale_header = sign(SECRET, Utc::now().timestamp() - 5 * 3600, &g.body);
    assert_eq!(send_one(&url, &g.body, &stale_header).await.0, 401);
    let response = client()
        .post(&url)
        .body(g.body.clone())
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 400, "no signature header");
    assert!(
        all_deliveries(&*db.store()).await.is_empty(),
        "nothing unverified stored"
    );

    assert_eq!(send_one(&url, &g.body, &g.header).await.0, 200);
    let deliveries = inbox.deliveries();
    let hour = Duration::from_secs(3600);
    assert_eq!(deliveries.count_purgeable(hour).await.expect("count"), 0);
    assert_eq!(deliveries.purge_processed(hour).await.expect("purge"), 0);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let moment = Duration::from_millis(1);
    assert_eq!(deliveries.count_purgeable(moment).await.expect("count"), 1);
    assert_eq!(
        all_deliveries(&*db.store()).await.len(),
        1,
        "counted, not deleted"
    );
    assert_eq!(deliveries.purge_processed(moment).await.expect("purge"), 1);
    assert!(all_deliveries(&*db.store()).await.is_empty());
    worker.shutdown().await;
    served.stop().await;
    db.drop_schema(&spec).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_rejects_unverified_and_purges_processed() {
    let (spec, _dir) = sqlite_spec();
    rejections_and_purge(spec).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_rejects_unverified_and_purges_processed() {
    let Some(spec) = postgres_spec("purge") else {
        return;
    };
    rejections_and_purge(spec).await;
}

// ---------------------------------------------------------------------------------------
// Logging: every step of a delivery, never its data.
// ---------------------------------------------------------------------------------------

/// A customer's delivery stored, sent again, failed until dead, replayed and processed; then
/// an older subscription update found stale: each step logged once, with the delivery id
/// and no key, signature or personal data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_every_step_of_a_delivery_is_logged() {
    use tracing::Instrument as _;

    let capture = Capture::new();
    let (spec, _dir) = sqlite_spec();
    let mut customer: Value =
        serde_json::from_slice(&fixture("customer.created")).expect("fixture");
    customer["timestamp"] = json!(Utc::now().timestamp() - 60);
    let (body, header) = sign_body(&customer);
    let signature = header
        .split(',')
        .find_map(|part| {
            part.strip_prefix("v0=")
                .or_else(|| part.strip_prefix("key="))
        })
        .unwrap_or(&header)
        .to_owned();
    async {
        let db = spec.open().await;
        let recorder = Arc::new(Recorder::new(db.clone()));
        recorder.always_fail.store(true, Ordering::SeqCst);
        let config = fast_config(ProcessingMode::Deferred).max_attempts(2);
        let (inbox, worker, served) =
            start_receiver(&db, Arc::clone(&recorder), config, Framework::Axum).await;
        assert_eq!(send_one(&served.url, &body, &header).await.0, 200);
        assert_eq!(send_one(&served.url, &body, &header).await.0, 200);
        let counts = settle(&*db.store(), Duration::from_secs(30)).await;
        assert_eq!(count(&counts, DeliveryStatus::Dead), 1, "{counts:?}");
        recorder.always_fail.store(false, Ordering::SeqCst);
        let summary = inbox
            .deliveries()
            .replay_all(ReplaySelection::Dead)
            .await
            .expect("replay");
        assert_eq!(summary.requeued, 1);
        settle(&*db.store(), Duration::from_secs(30)).await;

        let now = Utc::now().timestamp();
        for (status, timestamp) in [("ACTIVE", now - 10), ("UNPAID", now - 70)] {
            let mut update: Value =
                serde_json::from_slice(&fixture("subscription.updated")).expect("fixture");
            update["timestamp"] = json!(timestamp);
            update["data"]["status"] = json!(status);
            let (body, header) = sign_body(&update);
            assert_eq!(send_one(&served.url, &body, &header).await.0, 200);
            settle(&*db.store(), Duration::from_secs(30)).await;
        }
        worker.shutdown().await;
    }
    .instrument(capture.span())
    .await;

    let records = capture.take();
    let find = |target: &str, needle: &str| -> Vec<&crate::support::logs::LogRecord> {
        records
            .iter()
            .filter(|r| r.target.starts_with(target))
            .filter(|r| r.field("message").is_some_and(|m| m.contains(needle)))
            .collect()
    };
    let one = |target: &str, needle: &str| {
        let found = find(target, needle);
        assert_eq!(found.len(), 1, "{needle:?} logged once: {records:#?}");
        found[0].clone()
    };
    let stored = one(
        "steppay_webhook::receive",
        "stored customer.created as delivery 1",
    );
    assert_eq!(
        (
            stored.level,
            stored.field("outcome"),
            stored.field("delivery"),
            stored.field("status")
        ),
        (tracing::Level::INFO, Some("stored"), Some("1"), Some("200"))
    );
    let duplicate = one("steppay_webhook::receive", "duplicate of delivery 1");
    assert_eq!(
        (duplicate.field("outcome"), duplicate.field("event_name")),
        (Some("duplicate"), Some("customer.created"))
    );
    let retried = one("steppay_webhook::inbox", "retry scheduled");
    assert_eq!(
        (
            retried.level,
            retried.field("attempt"),
            retried.field("resource")
        ),
        (tracing::Level::WARN, Some("1"), Some("Customer 208112"))
    );
    assert_eq!(
        retried.field("error"),
        Some("ledger unavailable for Customer 208112")
    );
    let dead = one("steppay_webhook::inbox", "dead delivery 1");
    assert_eq!(
        (dead.level, dead.field("attempt")),
        (tracing::Level::ERROR, Some("2"))
    );
    let replayed = one("steppay_webhook::inbox", "delivery 1 replayed");
    assert_eq!(replayed.field("from"), Some("dead"));
    let processed = one("steppay_webhook::inbox", "processed delivery 1");
    assert_eq!(
        (
            processed.field("replay"),
            processed.field("attempt"),
            processed.field("handled")
        ),
        (Some("true"), Some("1"), Some("true"))
    );
    let stale = one("steppay_webhook::inbox", "stale delivery");
    assert_eq!(stale.field("resource"), Some("Subscription 109842"));
    for record in &records {
        let text = record.text();
        for secret in [
            SECRET,
            signature.as_str(),
            "김서연",
            "seoyeon.kim",
            "010-2345-6789",
            "세종대로",
            "finance@seoyeon-studio.kr",
        ] {
            assert!(!text.contains(secret), "{secret:?} logged: {text}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// The store contract, on each backend: head of queue, one lease per resource, fencing.
// ---------------------------------------------------------------------------------------

fn new_delivery(fp: &str, resource: &str, as_of: DateTime<Utc>) -> NewDelivery {
    let (kind, id) = resource.split_once(' ').expect("kind id");
    let mut new = NewDelivery::pending(
        fp.to_owned(),
        format!(r#"{{"event":"subscription.updated","data":{{"n":"{fp}"}}}}"#).into_bytes(),
        as_of,
    );
    new.event_name = Some("subscription.updated".to_owned());
    new.resource = Some(steppay_webhook::Resource::new(
        kind.parse().unwrap_or_else(|never| match never {}),
        id,
    ));
    new.as_of = Some(as_of);
    new
}

async fn store_contract(store: &dyn InboxStore) {
    // Whole seconds: the stores keep times to the microsecond.
    let t0 = Utc
        .timestamp_opt(Utc::now().timestamp() - 60, 0)
        .single()
        .expect("time");
    let t = |s: i64| t0 + chrono::Duration::seconds(s);
    let lease = |now: DateTime<Utc>, token: i64| {
        ClaimRequest::new(now, now + chrono::Duration::seconds(30), token, 10)
    };
    // Two deliveries of one resource, the newer stored first, and one of another resource.
    let Inserted::New(newer) = store
        .insert(new_delivery("f-newer", "Subscription 1", t(20)))
        .await
        .expect("insert")
    else {
        panic!("new")
    };
    let Inserted::New(older) = store
        .insert(new_delivery("f-older", "Subscription 1", t(10)))
        .await
        .expect("insert")
    else {
        panic!("new")
    };
    let Inserted::New(other) = store
        .insert(new_delivery("f-other", "Subscription 2", t(5)))
        .await
        .expect("insert")
    else {
        panic!("new")
    };
    assert_eq!(
        store
            .insert(new_delivery("f-older", "Subscription 1", t(10)))
            .await
            .expect("insert"),
        Inserted::Duplicate {
            original: older,
            status: DeliveryStatus::Pending
        }
    );

    // One claim: the head of each resource only (the older one of Subscription 1).
    let now = t(60);
    let first = store.claim(lease(now, 1)).await.expect("claim");
    let mut ids: Vec<DeliveryId> = first.iter().map(|c| c.delivery.id).collect();
    ids.sort();
    assert_eq!(ids, {
        let mut v = vec![older, other];
        v.sort();
        v
    });
    assert!(first.iter().all(|c| c.delivery.attempts == 1));
    // Nothing more while those leases run: the newer one waits behind its resource's lease.
    assert!(store.claim(lease(now, 2)).await.expect("claim").is_empty());
    // Finishing needs the lease's token.
    assert!(!store
        .finish(older, 99, now, Completion::Processed)
        .await
        .expect("finish"));
    assert!(store
        .finish(older, 1, now, Completion::Processed)
        .await
        .expect("finish"));
    let resource = steppay_webhook::Resource::new(steppay_webhook::ResourceKind::Subscription, "1");
    assert_eq!(
        store.applied_as_of(&resource).await.expect("as of"),
        Some(t(10))
    );
    // Now the newer one; its lease ends unfinished (its worker died) and it is claimed again.
    let second = store.claim(lease(now, 3)).await.expect("claim");
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].delivery.id, newer);
    assert_eq!(second[0].applied_as_of, Some(t(10)));
    let later = now + chrono::Duration::seconds(31);
    let third = store.claim(lease(later, 4)).await.expect("claim");
    let retaken: Vec<_> = third.iter().filter(|c| c.delivery.id == newer).collect();
    assert_eq!(retaken.len(), 1);
    assert_eq!(retaken[0].delivery.attempts, 2);
    // The dead worker's late result is refused; the new holder's is recorded.
    assert!(!store
        .finish(newer, 3, later, Completion::Processed)
        .await
        .expect("finish"));
    assert!(store
        .finish(newer, 4, later, Completion::Processed)
        .await
        .expect("finish"));
    assert_eq!(
        store.applied_as_of(&resource).await.expect("as of"),
        Some(t(20))
    );
    let d = store.get(newer).await.expect("get").expect("stored");
    assert_eq!(
        (d.status, d.attempts, d.locked_until),
        (DeliveryStatus::Processed, 2, None)
    );

    // A delivery held for the request that stored it (inline mode): not due for a worker's
    // claim, but claimed at once when asked for by id.
    let mut held = new_delivery("f-held", "Subscription 3", t(30));
    held.next_attempt_at = Some(later + chrono::Duration::seconds(60));
    let Inserted::New(held_id) = store.insert(held).await.expect("insert") else {
        panic!("new")
    };
    let workers = store.claim(lease(later, 5)).await.expect("claim");
    assert!(workers.iter().all(|c| c.delivery.id != held_id));
    let mine = store
        .claim(lease(later, 6).only(held_id))
        .await
        .expect("claim");
    assert_eq!(
        mine.iter().map(|c| c.delivery.id).collect::<Vec<_>>(),
        [held_id]
    );
}

#[tokio::test]
async fn memory_store_keeps_the_contract() {
    store_contract(&MemoryStore::new()).await;
}

#[tokio::test]
async fn sqlite_store_keeps_the_contract() {
    let (spec, _dir) = sqlite_spec();
    store_contract(&*spec.open().await.store()).await;
}

#[tokio::test]
async fn postgres_store_keeps_the_contract() {
    let Some(spec) = postgres_spec("contract") else {
        return;
    };
    let db = spec.open().await;
    store_contract(&*db.store()).await;
    db.drop_schema(&spec).await;
}

// ---------------------------------------------------------------------------------------
// connect_existing: opens the inbox that is there, creates none.
// ---------------------------------------------------------------------------------------

/// Asserts that `connect_existing(url)` finds no inbox, for the reason `what`.
async fn assert_no_inbox(url: &str, what: &str) {
    match connect_existing(url).await {
        Err(StoreError::NoInbox { what: found }) => assert_eq!(found, what, "{url}"),
        other => panic!(
            "{url}: expected NoInbox, got {:?}",
            other.map(|_| "a store")
        ),
    }
}

/// Stores one delivery through `receiver_store`, then reads it back through
/// `connect_existing(url)`.
async fn assert_existing_inbox_opens(url: &str, receiver_store: Arc<dyn InboxStore>) {
    let sent = Utc.timestamp_opt(1_795_776_174, 0).single().expect("time");
    let Inserted::New(id) = receiver_store
        .insert(new_delivery("f-existing", "Subscription 90210", sent))
        .await
        .expect("insert")
    else {
        panic!("the first delivery was not new");
    };
    let opened = connect_existing(url).await.expect("the existing inbox");
    let stored = opened
        .get(id)
        .await
        .expect("get")
        .expect("the stored delivery");
    assert_eq!(stored.fingerprint, "f-existing");
    assert_eq!(stored.as_of, Some(sent));
}

#[tokio::test]
async fn memory_connect_existing_has_nothing_to_open() {
    assert_no_inbox("memory:", "a memory: inbox lives in one process").await;
}

#[tokio::test]
async fn sqlite_connect_existing_creates_nothing_then_opens_the_inbox() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("steppay-inbox.sqlite");
    let url = format!("sqlite:{}", path.display());
    assert_no_inbox(&url, "no such file").await;
    assert!(
        !path.exists(),
        "connect_existing created {}",
        path.display()
    );
    assert_existing_inbox_opens(&url, connect(&url).await.expect("connect")).await;
}

#[tokio::test]
async fn postgres_connect_existing_creates_nothing_then_opens_the_inbox() {
    let Some(DbSpec::Postgres { url, schema }) = postgres_spec("existing") else {
        return;
    };
    let separator = if url.contains('?') { '&' } else { '?' };
    let in_schema = format!("{url}{separator}options[search_path]={schema}");
    assert_no_inbox(&in_schema, "no inbox tables").await;
    let store = PostgresStore::connect_in_schema(&url, &schema)
        .await
        .expect("connect");
    let pool = store.pool().clone();
    assert_existing_inbox_opens(&in_schema, Arc::new(store)).await;
    let sql = format!("DROP SCHEMA {schema} CASCADE");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&pool)
        .await
        .expect("drop schema");
}
