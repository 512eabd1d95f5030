//! The durable inbox against a real SQLite file in a temp dir and a real PostgreSQL, over real
//! HTTP on 127.0.0.1. Test names say the backend.
//!
//! PostgreSQL comes from `STEPPAY_TEST_POSTGRES_URL` (`.ci/run` starts a server and sets it);
//! each test works in a schema of its own, so tests run in parallel. Without the variable the
//! PostgreSQL tests say "skipped" and return, unless `CI` is set: then they fail.
//!
//! "Receiver processes" are real OS processes: the test binary runs itself again
//! (`child_receiver`, selected with `--exact` and configured through
//! `STEPPAY_INBOX_CHILD`), serving an axum route that calls `Inbox::accept`, with its own pool
//! and worker. The handler used everywhere ([`Recorder`]) records each call in the same
//! database (`test_calls`) and applies the delivery's state naively (`test_state`: the last
//! applied delivery per resource wins), so the assertions see what really happened, across
//! processes and crashes.
#![cfg(all(feature = "sqlite", feature = "postgres"))]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};
use steppay_webhook::inbox::{
    fingerprint, ClaimRequest, Completion, DeliveryContext, DeliveryFilter, DeliveryId,
    DeliveryStatus, Inbox, InboxConfig, InboxHandler, InboxStore, Inserted, MemoryStore,
    NewDelivery, PostgresStore, ProcessingMode, Replay, ReplaySelection, SqliteStore,
};
use steppay_webhook::{sign, Webhook, WebhookVerifier, SIGNATURE_HEADER};

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

/// An open test database: the inbox store and a pool for the recorder's tables.
#[derive(Clone)]
enum Db {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl DbSpec {
    async fn open(&self) -> Db {
        let db = match self {
            DbSpec::Sqlite { path } => Db::Sqlite(SqliteStore::open(path).await.expect("sqlite")),
            DbSpec::Postgres { url, schema } => Db::Postgres(
                PostgresStore::connect_in_schema(url, schema)
                    .await
                    .expect("postgres"),
            ),
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
    let Ok(url) = std::env::var("STEPPAY_TEST_POSTGRES_URL") else {
        if std::env::var_os("CI").is_some() {
            panic!("STEPPAY_TEST_POSTGRES_URL is not set, but CI is: the PostgreSQL tests must run in CI");
        }
        println!("skipped: STEPPAY_TEST_POSTGRES_URL not set ({test})");
        return None;
    };
    let unique = std::process::id() as u64 * 1_000_003 + Utc::now().timestamp_subsec_nanos() as u64;
    Some(DbSpec::Postgres {
        url,
        schema: format!("t_{test}_{unique:x}"),
    })
}

impl Db {
    fn store(&self) -> Arc<dyn InboxStore> {
        match self {
            Db::Sqlite(store) => Arc::new(store.clone()),
            Db::Postgres(store) => Arc::new(store.clone()),
        }
    }

    async fn create_recorder_tables(&self) {
        let statements = [
            "CREATE TABLE IF NOT EXISTS test_calls (delivery BIGINT NOT NULL, fingerprint TEXT NOT NULL, \
             resource TEXT NOT NULL, as_of BIGINT, phase TEXT NOT NULL, attempt INTEGER NOT NULL, \
             replay BOOLEAN NOT NULL, pid BIGINT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS test_state (resource TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, \
             as_of BIGINT)",
        ];
        for sql in statements {
            match self {
                Db::Sqlite(s) => sqlx::query(sql).execute(s.pool()).await.map(drop),
                Db::Postgres(s) => sqlx::query(sql).execute(s.pool()).await.map(drop),
            }
            .expect("recorder tables");
        }
    }

    /// Records one handler call; on success also applies the delivery's state.
    async fn record(&self, call: &Call) -> Result<(), sqlx::Error> {
        let as_of = call.as_of.map(|t| t.timestamp_micros());
        match self {
            Db::Sqlite(s) => {
                let mut tx = s.pool().begin().await?;
                sqlx::query("INSERT INTO test_calls VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                    .bind(call.delivery.0)
                    .bind(&call.fingerprint)
                    .bind(&call.resource)
                    .bind(as_of)
                    .bind(call.phase)
                    .bind(call.attempt as i64)
                    .bind(call.replay)
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
            Db::Postgres(s) => {
                let mut tx = s.pool().begin().await?;
                sqlx::query("INSERT INTO test_calls VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(call.delivery.0)
                    .bind(&call.fingerprint)
                    .bind(&call.resource)
                    .bind(as_of)
                    .bind(call.phase)
                    .bind(call.attempt as i32)
                    .bind(call.replay)
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

    /// Every recorded call: (fingerprint, phase, attempt, replay, pid).
    async fn calls(&self) -> Vec<(String, String, i64, bool, i64)> {
        let sql = "SELECT fingerprint, phase, CAST(attempt AS BIGINT), replay, pid FROM test_calls";
        match self {
            Db::Sqlite(s) => sqlx::query_as(sql).fetch_all(s.pool()).await,
            Db::Postgres(s) => sqlx::query_as(sql).fetch_all(s.pool()).await,
        }
        .expect("calls")
    }

    /// The state applied per resource: resource → fingerprint.
    async fn state(&self) -> HashMap<String, String> {
        let sql = "SELECT resource, fingerprint FROM test_state";
        let rows: Vec<(String, String)> = match self {
            Db::Sqlite(s) => sqlx::query_as(sql).fetch_all(s.pool()).await,
            Db::Postgres(s) => sqlx::query_as(sql).fetch_all(s.pool()).await,
        }
        .expect("state");
        rows.into_iter().collect()
    }

    /// Replaces a stored body (the unreadable-body test's simulated upgrade; see there).
    async fn rewrite_body(&self, id: DeliveryId, body: &[u8]) {
        let result = match self {
            Db::Sqlite(s) => {
                sqlx::query("UPDATE steppay_inbox_deliveries SET body = ? WHERE id = ?")
                    .bind(body)
                    .bind(id.0)
                    .execute(s.pool())
                    .await
                    .map(|r| r.rows_affected())
            }
            Db::Postgres(s) => {
                sqlx::query("UPDATE steppay_inbox_deliveries SET body = $1 WHERE id = $2")
                    .bind(body)
                    .bind(id.0)
                    .execute(s.pool())
                    .await
                    .map(|r| r.rows_affected())
            }
        };
        assert_eq!(result.expect("rewrite"), 1);
    }

    async fn drop_schema(&self, spec: &DbSpec) {
        if let (Db::Postgres(s), DbSpec::Postgres { schema, .. }) = (self, spec) {
            let sql = format!("DROP SCHEMA {schema} CASCADE");
            let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(s.pool())
                .await;
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
}

/// Records every call in the database; fails a share of calls at random, or all of them, or
/// hangs forever (to be killed mid-handler).
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
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl InboxHandler for Recorder {
    type Error = String;

    async fn handle(&self, context: &DeliveryContext, webhook: &Webhook) -> Result<(), String> {
        let body = serde_json::to_vec(webhook).map_err(|e| e.to_string())?;
        let mut call = Call {
            delivery: context.id,
            // The fingerprint of the webhook as the handler sees it (key order and number
            // forms of the re-serialization do not matter: the test compares with the
            // fingerprint of the same re-serialization of what it sent).
            fingerprint: fingerprint(&body),
            resource: context
                .resource
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            as_of: context.as_of,
            phase: "ok",
            attempt: context.attempt,
            replay: context.is_replay,
        };
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

/// The fingerprint the handler records for a body the test sent.
fn seen_fingerprint(body: &[u8]) -> String {
    let webhook = steppay_webhook::parse_webhook(body).expect("test bodies parse");
    fingerprint(&serde_json::to_vec(&webhook).expect("serialize"))
}

// ---------------------------------------------------------------------------------------
// Receivers.
// ---------------------------------------------------------------------------------------

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(SECRET).with_tolerance(TOLERANCE)
}

/// Short leases and backoffs, so that the suite runs in seconds.
fn fast_config(mode: ProcessingMode) -> InboxConfig {
    InboxConfig::default()
        .mode(mode)
        .lease(Duration::from_secs(2))
        .retry_delays(Duration::from_millis(5), Duration::from_millis(50))
        .poll_interval(Duration::from_millis(20))
        .concurrency(8)
}

/// The route a receiver serves: `POST /webhooks/steppay` → `Inbox::accept`.
fn app<H: InboxHandler>(inbox: Inbox<H>) -> Router {
    async fn receive<H: InboxHandler>(
        State(inbox): State<Inbox<H>>,
        headers: HeaderMap,
        body: Bytes,
    ) -> (StatusCode, String) {
        let header = headers
            .get(SIGNATURE_HEADER)
            .and_then(|value| value.to_str().ok());
        let outcome = inbox.accept(header, &body, Utc::now()).await;
        let status = StatusCode::from_u16(outcome.status()).expect("status");
        (status, outcome.reason())
    }
    Router::new()
        .route("/webhooks/steppay", post(receive::<H>))
        .with_state(inbox)
}

/// Serves `inbox` on 127.0.0.1:0; returns the URL.
async fn serve<H: InboxHandler>(inbox: Inbox<H>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(listener, app(inbox)).await.expect("serve");
    });
    format!("http://{addr}/webhooks/steppay")
}

#[derive(serde::Serialize, serde::Deserialize)]
struct ChildConfig {
    db: DbSpec,
    inline: bool,
    hang: bool,
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
        let inbox = Inbox::new(db.store(), verifier(), recorder).with_config(fast_config(mode));
        let worker = inbox.spawn_worker();
        let url = serve(inbox).await;
        println!("READY {url}");
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

async fn thousand_deliveries(spec: DbSpec, receivers: usize, inline: bool, label: &str) {
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

    let config = ChildConfig {
        db: spec.clone(),
        inline,
        hang: false,
    };
    let children: Vec<ChildReceiver> = (0..receivers)
        .map(|_| ChildReceiver::start(&config))
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
         receiver process(es) over {shared} resources in {:.1}s: {processed} processed, {stale} \
         stale, 0 dead, lost 0",
        elapsed.as_secs_f64()
    );
    db.drop_schema(&spec).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_thousand_deliveries_one_process_inline() {
    let (spec, _dir) = sqlite_spec();
    thousand_deliveries(spec, 1, true, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_thousand_deliveries_two_processes_deferred() {
    let Some(spec) = postgres_spec("thousand") else {
        return;
    };
    thousand_deliveries(spec, 2, false, "postgres").await;
}

// ---------------------------------------------------------------------------------------
// Scenario: a handler failing 20% of attempts at random.
// ---------------------------------------------------------------------------------------

async fn flaky_handler(spec: DbSpec, mode: ProcessingMode, label: &str) {
    const N: usize = 200;
    let db = spec.open().await;
    let inbox = Inbox::new(
        db.store(),
        verifier(),
        Recorder::new(db.clone()).failing(20),
    )
    .with_config(fast_config(mode).max_attempts(40));
    let worker = inbox.spawn_worker();
    let url = serve(inbox.clone()).await;
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
         500 inline), {processed} processed, {stale} stale, 0 dead, lost 0"
    );
    db.drop_schema(&spec).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_flaky_handler_deferred_every_delivery_processed_once() {
    let (spec, _dir) = sqlite_spec();
    flaky_handler(spec, ProcessingMode::Deferred, "sqlite flaky").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_flaky_handler_inline_every_delivery_processed_once() {
    let Some(spec) = postgres_spec("flaky") else {
        return;
    };
    flaky_handler(spec, ProcessingMode::Inline, "postgres flaky").await;
}

// ---------------------------------------------------------------------------------------
// Scenario: a handler that always fails: dead letters, then replay after the fix.
// ---------------------------------------------------------------------------------------

async fn dead_letters_then_replay(spec: DbSpec, label: &str) {
    const N: usize = 30;
    const MAX_ATTEMPTS: u32 = 3;
    let db = spec.open().await;
    let recorder = Recorder::new(db.clone());
    recorder.always_fail.store(true, Ordering::SeqCst);
    let inbox = Inbox::new(db.store(), verifier(), recorder)
        .with_config(fast_config(ProcessingMode::Deferred).max_attempts(MAX_ATTEMPTS));
    let worker = inbox.spawn_worker();
    let url = serve(inbox.clone()).await;
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
    inbox.handler().always_fail.store(false, Ordering::SeqCst);
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
    });
    let (status, reason) = send_one(&hanging.url, &g.body, &g.header).await;
    assert_eq!(
        (status, reason.as_str()),
        (200, format!("stored {}", g.event).as_str())
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
    });
    let counts = settle(&*store, Duration::from_secs(30)).await;
    drop(restarted);
    assert_eq!(count(&counts, DeliveryStatus::Processed), 1, "{counts:?}");
    let calls = db.calls().await;
    let phases: Vec<(&str, i64)> = calls.iter().map(|c| (c.1.as_str(), c.2)).collect();
    assert_eq!(phases, [("started", 1), ("ok", 2)]);
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
/// (correctly signed), but today's parser rejects it, and will in every version (an amount is
/// never read from display text). That is the point of the test: it must be stored, not lost.
///
/// **What "the parser is made to accept it" simulates, honestly.** A crate upgrade changes the
/// parser, not the stored bytes, but one test binary cannot hold two versions of the crate.
/// So the test changes the other side of the same equation: it rewrites the stored body, in
/// the database, to the bytes today's parser reads as an upgraded parser would read the
/// original (`39600`). Everything after that is the real code path of a replay after an
/// upgrade: `replay` re-reads the stored body with the parser of the running crate, gives it
/// its event name and resource, makes it pending, and the worker processes it once, telling
/// the handler it is a replay. What this does not prove: anything about a future parser.
async fn unreadable_body(spec: DbSpec, label: &str) {
    let db = spec.open().await;
    let inbox = Inbox::new(db.store(), verifier(), Recorder::new(db.clone()))
        .with_config(fast_config(ProcessingMode::Deferred));
    let worker = inbox.spawn_worker();
    let url = serve(inbox.clone()).await;

    let mut envelope: Value =
        serde_json::from_slice(&fixture("payment.completed")).expect("fixture");
    envelope["timestamp"] = json!(Utc::now().timestamp());
    envelope["data"]["paidAmount"] = json!("39,600원");
    let (body, header) = sign_body(&envelope);
    let (status, reason) = send_one(&url, &body, &header).await;
    assert_eq!(status, 200, "acknowledged: it is safely stored");
    assert!(
        reason.starts_with("stored unreadable body as delivery "),
        "{reason}"
    );

    // Listed, with what went wrong but not the value.
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
    let error = stored.last_error.as_deref().expect("error");
    assert!(
        error.starts_with("payment.completed: data.paidAmount: "),
        "{error}"
    );
    assert!(!error.contains("39,600"), "{error}");
    // The same body again is a duplicate, not a second unreadable delivery.
    let (status, reason) = send_one(&url, &body, &header).await;
    assert_eq!(
        (status, reason),
        (200, format!("duplicate of delivery {}", stored.id))
    );

    // Replayed with today's parser: still unreadable, still kept.
    match deliveries.replay(stored.id).await.expect("replay") {
        Replay::StillUnreadable { error } => assert!(error.contains("data.paidAmount"), "{error}"),
        other => panic!("expected still unreadable, got {other:?}"),
    }
    assert!(db.calls().await.is_empty());

    // The simulated upgrade (see the doc above), then replay.
    let mut fixed = envelope.clone();
    fixed["data"]["paidAmount"] = json!(39600);
    let fixed_body = serde_json::to_vec(&fixed).expect("body");
    db.rewrite_body(stored.id, &fixed_body).await;
    assert_eq!(
        deliveries
            .replay_all(ReplaySelection::Unreadable)
            .await
            .expect("replay"),
        {
            let mut summary = steppay_webhook::inbox::ReplaySummary::default();
            summary.requeued = 1;
            summary
        }
    );
    let counts = settle(&*db.store(), Duration::from_secs(30)).await;
    worker.shutdown().await;
    assert_eq!(count(&counts, DeliveryStatus::Processed), 1, "{counts:?}");
    let after = deliveries
        .get(stored.id)
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(
        after.resource.map(|r| r.to_string()),
        Some(format!("Payment {}", envelope["data"]["paymentId"]))
    );
    let calls = db.calls().await;
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].1.as_str(), calls[0].2, calls[0].3),
        ("ok", 1, true)
    );
    println!("{label}: unreadable body stored, acknowledged, listed, processed once after replay");
    db.drop_schema(&spec).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_unreadable_body_is_kept_and_replayed() {
    let (spec, _dir) = sqlite_spec();
    unreadable_body(spec, "sqlite unreadable").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_unreadable_body_is_kept_and_replayed() {
    let Some(spec) = postgres_spec("unreadable") else {
        return;
    };
    unreadable_body(spec, "postgres unreadable").await;
}

// ---------------------------------------------------------------------------------------
// Scenario: out of order.
// ---------------------------------------------------------------------------------------

/// A newer `subscription.updated` (ACTIVE) arrives first, then an older one (UNPAID): the
/// older is recorded stale and not applied; a delivery as new as the applied one (a tie) is
/// applied.
async fn out_of_order(spec: DbSpec, label: &str) {
    let db = spec.open().await;
    let inbox = Inbox::new(db.store(), verifier(), Recorder::new(db.clone()))
        .with_config(fast_config(ProcessingMode::Inline));
    let url = serve(inbox.clone()).await;
    let now = Utc::now().timestamp();
    let update = |status: &str, timestamp: i64, payment: &str| {
        let mut envelope: Value =
            serde_json::from_slice(&fixture("subscription.updated")).expect("fixture");
        envelope["timestamp"] = json!(timestamp);
        envelope["data"]["subscriptionId"] = json!(90210);
        envelope["data"]["status"] = json!(status);
        envelope["data"]["lastPaymentDate"] = json!(payment);
        sign_body(&envelope)
    };
    let (newer, newer_header) = update("ACTIVE", now - 10, "2026-11-18T00:01:12Z");
    let (older, older_header) = update("UNPAID", now - 70, "2026-10-18T00:01:12Z");
    let (tie, tie_header) = update("PENDING_CANCEL", now - 10, "2026-11-18T00:01:12Z");

    assert_eq!(
        send_one(&url, &newer, &newer_header).await,
        (200, "processed subscription.updated".to_owned())
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
        (200, "processed subscription.updated".to_owned()),
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
    println!("{label}: older subscription.updated after a newer one recorded stale, not applied");
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
    let inbox = Inbox::new(db.store(), verifier(), Recorder::new(db.clone()))
        .with_config(fast_config(ProcessingMode::Inline));
    let url = serve(inbox.clone()).await;
    let g = generate(1, 0x5E).remove(0);
    let forged = sign("whsec_someone_else", g.as_of.timestamp(), &g.body);
    let (status, reason) = send_one(&url, &g.body, &forged).await;
    assert_eq!(
        (status, reason.as_str()),
        (401, "invalid signature: no signature matches the body")
    );
    let stale_header = sign(SECRET, Utc::now().timestamp() - 5 * 3600, &g.body);
    assert_eq!(send_one(&url, &g.body, &stale_header).await.0, 401);
    assert!(
        all_deliveries(&*db.store()).await.is_empty(),
        "nothing unverified stored"
    );

    assert_eq!(send_one(&url, &g.body, &g.header).await.0, 200);
    let deliveries = inbox.deliveries();
    assert_eq!(
        deliveries
            .purge_processed(Duration::from_secs(3600))
            .await
            .expect("purge"),
        0
    );
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        deliveries
            .purge_processed(Duration::from_millis(1))
            .await
            .expect("purge"),
        1
    );
    assert!(all_deliveries(&*db.store()).await.is_empty());
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
