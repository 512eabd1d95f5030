//! `steppay-webhook inbox` (features `cli` and `sqlite`/`postgres`), run as built, against a
//! real SQLite file in a temp dir and the test PostgreSQL (`STEPPAY_TEST_POSTGRES_URL`: skipped
//! locally without it, a failure in CI). Test names say the backend.
//!
//! Each inbox is filled through the crate, as a merchant's receiver fills it: a
//! `WebhookReceiver` with an inline inbox receives signed deliveries (processed ones, one its
//! handler fails on every attempt, an authentic body this version cannot read), and the public
//! store API adds one processed 45 days ago. Everything the tool prints here is piped, so it
//! must be plain text.
#![cfg(all(feature = "cli", feature = "sqlite"))]

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use steppay_webhook::inbox::{
    fingerprint, is_test, ClaimRequest, Classification, Completion, Delivery, DeliveryFilter,
    DeliveryId, DeliveryStatus, Inbox, InboxConfig, InboxStore, Inserted, NewDelivery,
    ProcessingMode, SqliteStore,
};
use steppay_webhook::testing::set_is_test;
use steppay_webhook::{
    sign, AsyncWebhookHandler, Order, Payment, Subscription, WebhookMeta, WebhookReceiver,
    WebhookVerifier,
};

use crate::support::tool::{assert_no_escape_codes, run, run_command, tool, Run};
use crate::support::{fixture, unreadable_body, PERSONAL_DATA};

const SECRET: &str = "whsec_cli_inbox_5d21";
/// What the handler answers for `payment.failed` while the merchant's ledger is down.
const LEDGER_DOWN: &str = "장부 서버 응답 없음: connection timed out after 30 s";
/// Personal data in `payment.failed.json` that only `show --body` prints.
const PAYER_DATA: [&str; 2] = ["yujin.choi@example.com", "010-5678-9012"];

// ---------------------------------------------------------------------------------------
// The merchant's handler and a filled inbox.
// ---------------------------------------------------------------------------------------

/// Handles orders, payments and subscriptions; `payment.failed` fails while the ledger is
/// down, and counts the replays it processes once it is back.
#[derive(Default)]
struct Shop {
    ledger_down: AtomicBool,
    replays_processed: AtomicU32,
}

impl AsyncWebhookHandler for Shop {
    type Error = String;

    async fn on_order_created(&self, _: WebhookMeta<'_>, _: &Order) -> Result<(), String> {
        Ok(())
    }

    async fn on_payment_completed(&self, _: WebhookMeta<'_>, _: &Payment) -> Result<(), String> {
        Ok(())
    }

    async fn on_subscription_updated(
        &self,
        _: WebhookMeta<'_>,
        _: &Subscription,
    ) -> Result<(), String> {
        Ok(())
    }

    async fn on_payment_failed(&self, meta: WebhookMeta<'_>, _: &Payment) -> Result<(), String> {
        if self.ledger_down.load(Ordering::SeqCst) {
            return Err(LEDGER_DOWN.to_owned());
        }
        if meta.is_replay() {
            self.replays_processed.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }
}

/// The ids of the deliveries in a filled inbox, oldest first.
#[derive(Clone, Copy, Debug)]
struct Ids {
    /// `invoice.created`, received and processed 45 days ago.
    old_invoice: DeliveryId,
    /// `order.created`, processed.
    order: DeliveryId,
    /// `payment.completed`, processed.
    payment: DeliveryId,
    /// `payment.failed`, dead: the handler failed on its only attempt.
    dead: DeliveryId,
    /// `payment.completed` without `paymentId`: unreadable.
    unreadable: DeliveryId,
    /// `subscription.updated` in StepPay's test mode, processed.
    test_subscription: DeliveryId,
}

/// A filled inbox: the URL the tool opens it with, the store and the handler.
struct Filled {
    url: String,
    store: Arc<dyn InboxStore>,
    shop: Arc<Shop>,
    ids: Ids,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool, String),
}

impl Filled {
    /// An inbox in a fresh SQLite file.
    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("steppay-inbox.sqlite");
        let store = SqliteStore::open(&path).await.expect("sqlite");
        let url = format!("sqlite:{}", path.display());
        Self::fill(url, Arc::new(store), Cleanup::Sqlite(dir)).await
    }

    /// An inbox in a schema of its own in the test PostgreSQL, or `None` when there is none.
    #[cfg(feature = "postgres")]
    async fn postgres(test: &str) -> Option<Self> {
        use crate::support::postgres;
        let url = postgres::test_url(test)?;
        let schema = postgres::unique_schema(test);
        let store = steppay_webhook::inbox::PostgresStore::connect_in_schema(&url, &schema)
            .await
            .expect("postgres");
        let pool = store.pool().clone();
        // The tool opens the same schema, as a receiver configured so would.
        let separator = if url.contains('?') { '&' } else { '?' };
        let tool_url = format!("{url}{separator}options[search_path]={schema}");
        Some(Self::fill(tool_url, Arc::new(store), Cleanup::Postgres(pool, schema)).await)
    }

    async fn fill(url: String, store: Arc<dyn InboxStore>, cleanup: Cleanup) -> Self {
        let old_invoice = store_processed_long_ago(&*store, &fixture("invoice.created")).await;

        let shop = Arc::new(Shop::default());
        shop.ledger_down.store(true, Ordering::SeqCst);
        let inbox = Inbox::new(Arc::clone(&store)).with_config(
            InboxConfig::default()
                .mode(ProcessingMode::Inline)
                .max_attempts(1),
        );
        let receiver =
            WebhookReceiver::new(WebhookVerifier::new(SECRET), Arc::clone(&shop)).with_inbox(inbox);
        let test_subscription =
            set_is_test(&fixture("subscription.updated"), true).expect("test mode");
        let mut ids = Vec::new();
        for (body, answer) in [
            (fixture("order.created"), "handled order.created"),
            (fixture("payment.completed"), "handled payment.completed"),
            (
                fixture("payment.failed"),
                "handler failed for payment.failed; delivery",
            ),
            (
                unreadable_body(),
                "stored unreadable webhook body as delivery",
            ),
            (test_subscription, "handled subscription.updated"),
        ] {
            let header = sign(SECRET, Utc::now().timestamp(), &body);
            let outcome = receiver.receive_async(&body, Some(&header)).await;
            let reason = outcome.reason();
            assert!(reason.starts_with(answer), "{reason}");
            let newest = store
                .list(&DeliveryFilter::new().limit(1))
                .await
                .expect("list")
                .remove(0);
            ids.push(newest.id);
        }
        let [order, payment, dead, unreadable, test_subscription] = ids[..] else {
            panic!("{ids:?}")
        };
        let ids = Ids {
            old_invoice,
            order,
            payment,
            dead,
            unreadable,
            test_subscription,
        };
        let filled = Self {
            url,
            store,
            shop,
            ids,
            cleanup,
        };
        use DeliveryStatus::*;
        for (id, status) in [
            (old_invoice, Processed),
            (order, Processed),
            (payment, Processed),
            (dead, Dead),
            (unreadable, Unreadable),
            (test_subscription, Processed),
        ] {
            assert_eq!(filled.get(id).await.status, status, "{id}");
        }
        filled
    }

    async fn get(&self, id: DeliveryId) -> Delivery {
        self.store.get(id).await.expect("get").expect("stored")
    }

    /// Runs `steppay-webhook inbox ARGS --db URL`; piped, so it must print plain text.
    async fn tool(&self, args: &[&str]) -> Run {
        let mut all = vec!["inbox"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--db", &self.url]);
        let out = run(&all, None).await;
        assert_no_escape_codes(&out);
        out
    }

    async fn clean_up(self) {
        match self.cleanup {
            Cleanup::Sqlite(_) => {}
            #[cfg(feature = "postgres")]
            Cleanup::Postgres(pool, schema) => {
                let sql = format!("DROP SCHEMA {schema} CASCADE");
                let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await;
            }
        }
    }
}

/// Two tests of `scenario` on a filled inbox: `sqlite_test` on a SQLite file, `postgres_test`
/// on the test PostgreSQL.
macro_rules! on_sqlite_and_postgres {
    ($scenario:ident: $sqlite_test:ident, $postgres_test:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite_test() {
            let inbox = Filled::sqlite().await;
            $scenario(&inbox).await;
            inbox.clean_up().await;
        }

        #[cfg(feature = "postgres")]
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $postgres_test() {
            let Some(inbox) = Filled::postgres(stringify!($scenario)).await else {
                return;
            };
            $scenario(&inbox).await;
            inbox.clean_up().await;
        }
    };
}

/// Stores `body` through the public store API as a delivery received and processed 45 days
/// ago.
async fn store_processed_long_ago(store: &dyn InboxStore, body: &[u8]) -> DeliveryId {
    let then = Utc::now() - chrono::Duration::days(45);
    let (class, _) = Classification::of(body, then);
    assert_eq!(class.error, None);
    let mut delivery = NewDelivery::pending(fingerprint(body), body.to_vec(), then);
    delivery.event_name = class.event_name;
    delivery.resource = class.resource;
    delivery.as_of = class.as_of;
    delivery.is_test = is_test(body);
    let Inserted::New(id) = store.insert(delivery).await.expect("insert") else {
        panic!("a new delivery")
    };
    let lease = ClaimRequest::new(then, then + chrono::Duration::seconds(30), 4501, 1).only(id);
    assert_eq!(store.claim(lease).await.expect("claim").len(), 1);
    let processed = then + chrono::Duration::seconds(1);
    assert!(store
        .finish(id, 4501, processed, Completion::Processed)
        .await
        .expect("finish"));
    id
}

// ---------------------------------------------------------------------------------------
// Reading the output.
// ---------------------------------------------------------------------------------------

/// The cells of a table line: columns are separated by two spaces or more.
fn cells(line: &str) -> Vec<String> {
    line.split("  ")
        .map(str::trim)
        .filter(|cell| !cell.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The rows of a `list`, without its heading and footer.
fn rows(out: &Run) -> Vec<Vec<String>> {
    let mut lines = out.stdout.lines();
    let heading = lines.next().expect("a heading");
    assert_eq!(
        cells(heading),
        [
            "ID",
            "STATUS",
            "EVENT",
            "RESOURCE",
            "RECEIVED (UTC)",
            "TRIES",
            "LAST ERROR"
        ],
        "{}",
        out.stdout
    );
    let lines: Vec<&str> = lines.collect();
    let (footer, rows) = lines.split_last().expect("a footer");
    assert!(footer.contains("newest first"), "{footer}");
    rows.iter().map(|line| cells(line)).collect()
}

/// The ids in a `list`, in order.
fn listed_ids(out: &Run) -> Vec<i64> {
    rows(out)
        .iter()
        .map(|row| row[0].parse().expect("an id"))
        .collect()
}

/// The value of the row labelled `label` in a two-column table.
fn value<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find_map(|line| {
            let rest = line.strip_prefix(label)?;
            rest.starts_with("  ").then(|| rest.trim())
        })
        .unwrap_or_else(|| panic!("no row {label:?} in:\n{text}"))
}

/// `text` without the terminal's colour escape sequences (`ESC [ ... m`).
fn without_colour(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// list
// ---------------------------------------------------------------------------------------

async fn list_filters_and_plain_output(inbox: &Filled) {
    let ids = inbox.ids;
    let all = inbox.tool(&["list"]).await;
    assert_eq!((all.code, all.stderr.as_str()), (0, ""), "{all:?}");
    let table = rows(&all);
    let expected = [
        (
            ids.test_subscription,
            "processed",
            "subscription.updated (test)",
            "Subscription 109842",
        ),
        (ids.unreadable, "unreadable", "payment.completed", "-"),
        (ids.dead, "dead", "payment.failed", "Payment 781377"),
        (
            ids.payment,
            "processed",
            "payment.completed",
            "Payment 781204",
        ),
        (ids.order, "processed", "order.created", "Order 348215"),
        (
            ids.old_invoice,
            "processed",
            "invoice.created",
            "Invoice 41266",
        ),
    ];
    assert_eq!(table.len(), expected.len(), "{}", all.stdout);
    for (row, (id, status, event, resource)) in table.iter().zip(expected) {
        let stored = inbox.get(id).await;
        let received = stored.received_at.format("%Y-%m-%d %H:%M:%S").to_string();
        assert_eq!(
            row[..6],
            [
                id.to_string(),
                status.to_owned(),
                event.to_owned(),
                resource.to_owned(),
                received,
                stored.attempts.to_string(),
            ],
            "{}",
            all.stdout
        );
    }
    assert_eq!(table[2][6], LEDGER_DOWN, "the handler's error, whole");
    assert!(
        table[1][6].starts_with("payment.completed: data: missing field `paymentId`"),
        "{:?}",
        table[1]
    );
    assert!(
        table[1][6].chars().count() <= 72,
        "shortened: {:?}",
        table[1]
    );
    assert_eq!(table[0].len(), 6, "no error, no cell: {:?}", table[0]);
    assert!(
        all.stdout.ends_with("6 deliveries, newest first\n"),
        "{}",
        all.stdout
    );
    for personal in PERSONAL_DATA.iter().chain(&PAYER_DATA) {
        assert!(
            !all.stdout.contains(personal),
            "{personal} in {}",
            all.stdout
        );
    }

    // Columns line up: every row's status starts where the heading's does.
    let status_at = all
        .stdout
        .lines()
        .next()
        .expect("heading")
        .find("STATUS")
        .expect("STATUS");
    for line in all.stdout.lines().skip(1).take(6) {
        let status = line.get(status_at..).expect("long enough");
        assert!(
            !status.starts_with(' ') && line.get(status_at - 2..status_at) == Some("  "),
            "{line:?}"
        );
    }

    let only = |filters: &[&str]| {
        let mut args = vec!["list"];
        args.extend_from_slice(filters);
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    for (filters, expected) in [
        (only(&["--status", "dead"]), vec![ids.dead]),
        (only(&["--status", "unreadable"]), vec![ids.unreadable]),
        (
            only(&["--event", "payment.completed"]),
            vec![ids.unreadable, ids.payment],
        ),
        (only(&["--resource", "Payment:781204"]), vec![ids.payment]),
        // The kind in any case, and the form `list` shows.
        (only(&["--resource", "payment:781377"]), vec![ids.dead]),
        (
            only(&["--resource", "Subscription 109842"]),
            vec![ids.test_subscription],
        ),
        (
            only(&["--status", "processed", "--event", "order.created"]),
            vec![ids.order],
        ),
    ] {
        let args: Vec<&str> = filters.iter().map(String::as_str).collect();
        let out = inbox.tool(&args).await;
        assert_eq!(out.code, 0, "{out:?}");
        let listed = listed_ids(&out);
        let expected: Vec<i64> = expected.iter().map(|id| id.0).collect();
        assert_eq!(listed, expected, "{filters:?}: {}", out.stdout);
    }

    let two = inbox.tool(&["list", "--limit", "2"]).await;
    assert_eq!(
        listed_ids(&two),
        [ids.test_subscription.0, ids.unreadable.0]
    );
    assert!(
        two.stdout
            .ends_with("2 deliveries, newest first; more may match: raise --limit (2)\n"),
        "{}",
        two.stdout
    );

    let none = inbox.tool(&["list", "--resource", "Customer:203371"]).await;
    assert_eq!(
        (none.code, none.stdout.as_str()),
        (0, "no deliveries match\n")
    );
    let typo = inbox.tool(&["list", "--event", "payment.faild"]).await;
    assert_eq!(
        (typo.code, typo.stdout.as_str()),
        (0, "no deliveries match\n")
    );
    assert!(
        typo.stderr
            .starts_with("warning: \"payment.faild\" is not one of the 27 event types"),
        "{}",
        typo.stderr
    );

    // Bad filters: usage errors, with what is accepted.
    let status = inbox.tool(&["list", "--status", "failed"]).await;
    assert_eq!(status.code, 2, "{status:?}");
    assert!(
        status
            .stderr
            .contains("[possible values: pending, processed, stale, dead, unreadable]"),
        "{}",
        status.stderr
    );
    let kind = inbox.tool(&["list", "--resource", "Refund:12"]).await;
    assert_eq!(kind.code, 2, "{kind:?}");
    assert!(
        kind.stderr
            .contains("unknown resource kind \"Refund\" (one of Order, Subscription"),
        "{}",
        kind.stderr
    );
    let limit = inbox.tool(&["list", "--limit", "0"]).await;
    assert_eq!(limit.code, 2, "{limit:?}");

    // Colour only when asked for (or on a terminal), and the same text under it.
    let coloured = run(
        &["--color", "always", "inbox", "list", "--db", &inbox.url],
        None,
    )
    .await;
    assert_eq!(coloured.code, 0);
    assert!(
        coloured.stdout.contains("\u{1b}["),
        "no colour: {coloured:?}"
    );
    assert_eq!(without_colour(&coloured.stdout), all.stdout);
}

on_sqlite_and_postgres!(
    list_filters_and_plain_output:
    sqlite_inbox_list_filters_and_plain_output,
    postgres_inbox_list_filters_and_plain_output
);

// ---------------------------------------------------------------------------------------
// show, stats
// ---------------------------------------------------------------------------------------

async fn show_and_stats(inbox: &Filled) {
    let ids = inbox.ids;
    let dead = inbox.tool(&["show", &ids.dead.to_string()]).await;
    assert_eq!((dead.code, dead.stderr.as_str()), (0, ""), "{dead:?}");
    let stored = inbox.get(ids.dead).await;
    let (record, body) = dead
        .stdout
        .split_once("\nwhat the body holds, read by this version\n")
        .expect("two tables");
    for (label, expected) in [
        ("delivery", ids.dead.to_string()),
        ("status", "dead".to_owned()),
        ("event", "payment.failed".to_owned()),
        ("resource", "Payment 781377".to_owned()),
        (
            "received",
            stored
                .received_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ),
        ("attempts", "1".to_owned()),
        ("duplicates", "0".to_owned()),
        ("replays", "0".to_owned()),
        ("last error", LEDGER_DOWN.to_owned()),
        ("fingerprint", stored.fingerprint.clone()),
        (
            "body",
            format!(
                "{} bytes (--body prints them; they hold personal data)",
                stored.body.len()
            ),
        ),
    ] {
        assert_eq!(value(record, label), expected, "{label}");
    }
    assert_eq!(
        value(record, "signed at"),
        format!(
            "{} (timestamp {})",
            chrono::DateTime::from_timestamp(stored.signature_timestamp, 0)
                .expect("time")
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            stored.signature_timestamp
        )
    );
    assert!(
        !record.contains("next attempt"),
        "only for pending ones: {record}"
    );
    // The body, as `inspect` describes it.
    assert_eq!(value(body, "event"), "payment.failed (Payment)");
    assert_eq!(
        value(body, "payment"),
        "#781377 [FAILED] via KSNET / CARD_BILL"
    );
    assert_eq!(value(body, "error"), "[3021] 잔액이 부족합니다. (한도초과)");
    for personal in PAYER_DATA {
        assert!(
            !dead.stdout.contains(personal),
            "{personal} shown:\n{}",
            dead.stdout
        );
    }

    // An unreadable body: why, with no value from it.
    let unreadable = inbox.tool(&["show", &ids.unreadable.to_string()]).await;
    assert_eq!(unreadable.code, 0, "{unreadable:?}");
    assert_eq!(value(&unreadable.stdout, "status"), "unreadable");
    assert_eq!(value(&unreadable.stdout, "resource"), "-");
    assert!(
        value(&unreadable.stdout, "unreadable").starts_with(
            "not a StepPay webhook: payment.completed: data: missing field `paymentId`"
        ),
        "{}",
        unreadable.stdout
    );
    for personal in PERSONAL_DATA {
        assert!(
            !unreadable.stdout.contains(personal),
            "{personal} shown:\n{}",
            unreadable.stdout
        );
    }

    // Test mode shows in the record and in the body.
    let test = inbox
        .tool(&["show", &ids.test_subscription.to_string()])
        .await;
    assert_eq!(value(&test.stdout, "event"), "subscription.updated (test)");
    assert_eq!(value(&test.stdout, "mode"), "test (isTest: true)");

    // --body: the raw body only, byte for byte, personal data and all.
    let raw = inbox.tool(&["show", &ids.dead.to_string(), "--body"]).await;
    assert_eq!(raw.code, 0);
    assert_eq!(raw.stdout.as_bytes(), fixture("payment.failed"));
    let raw = inbox
        .tool(&["show", &ids.unreadable.to_string(), "--body"])
        .await;
    assert_eq!(raw.stdout.as_bytes(), unreadable_body());

    let missing = inbox.tool(&["show", "987654"]).await;
    assert_eq!(
        (
            missing.code,
            missing.stdout.as_str(),
            missing.stderr.as_str()
        ),
        (1, "", "error: no delivery 987654 in this inbox\n")
    );
    let not_an_id = inbox.tool(&["show", "payment.failed"]).await;
    assert_eq!(not_an_id.code, 2, "{not_an_id:?}");

    let stats = inbox.tool(&["stats"]).await;
    assert_eq!(stats.code, 0, "{stats:?}");
    let counted: Vec<Vec<String>> = stats.stdout.lines().map(cells).collect();
    assert_eq!(
        counted,
        [
            ["STATUS", "DELIVERIES"],
            ["pending", "0"],
            ["processed", "4"],
            ["stale", "0"],
            ["dead", "1"],
            ["unreadable", "1"],
            ["total", "6"],
        ]
    );
}

on_sqlite_and_postgres!(
    show_and_stats:
    sqlite_inbox_show_and_stats,
    postgres_inbox_show_and_stats
);

// ---------------------------------------------------------------------------------------
// replay
// ---------------------------------------------------------------------------------------

async fn replay_then_process(inbox: &Filled) {
    let ids = inbox.ids;
    let dead = inbox.tool(&["replay", "--dead"]).await;
    assert_eq!((dead.code, dead.stderr.as_str()), (0, ""), "{dead:?}");
    let mut lines = dead.stdout.lines();
    assert_eq!(
        lines.next(),
        Some(
            "requeued 1 dead delivery, oldest first; a running receiver's worker processes \
             each as a replay, within its poll interval:"
        )
    );
    let requeued: Vec<Vec<String>> = lines.map(cells).collect();
    assert_eq!(
        requeued,
        [
            vec!["ID", "EVENT", "RESOURCE", "NOTE"],
            vec![
                ids.dead.to_string().as_str(),
                "payment.failed",
                "Payment 781377"
            ],
        ]
    );
    let requeued = inbox.get(ids.dead).await;
    assert_eq!(
        (requeued.status, requeued.attempts, requeued.replays),
        (DeliveryStatus::Pending, 0, 1)
    );

    let again = inbox.tool(&["replay", &ids.dead.to_string()]).await;
    assert_eq!(again.code, 1, "{again:?}");
    assert_eq!(
        again.stderr,
        format!(
            "error: delivery {} (payment.failed, Payment 781377) is pending already (waiting \
             or in flight): nothing to replay\n",
            ids.dead
        )
    );
    let none = inbox.tool(&["replay", "--dead"]).await;
    assert_eq!(
        (none.code, none.stdout.as_str()),
        (0, "no dead deliveries to replay\n")
    );

    let unreadable = inbox.tool(&["replay", "--unreadable"]).await;
    assert_eq!(unreadable.code, 0, "{unreadable:?}");
    assert!(
        unreadable
            .stdout
            .starts_with("requeued 1 unreadable delivery, oldest first;"),
        "{}",
        unreadable.stdout
    );
    let row = unreadable
        .stdout
        .lines()
        .find(|line| line.trim_start().starts_with(&ids.unreadable.to_string()))
        .expect("its row");
    assert!(
        row.contains("payment.completed")
            && row.contains("this version still cannot read it: payment.completed: data: missing field `paymentId`"),
        "{row}"
    );
    assert!(
        unreadable
            .stdout
            .contains("1 of them this version still cannot read"),
        "{}",
        unreadable.stdout
    );
    assert_eq!(
        inbox.get(ids.unreadable).await.status,
        DeliveryStatus::Pending
    );

    // The ledger is back: a receiver's worker processes what the tool requeued.
    inbox.shop.ledger_down.store(false, Ordering::SeqCst);
    let worker_inbox = Inbox::new(Arc::clone(&inbox.store));
    while worker_inbox
        .process_due(&Arc::clone(&inbox.shop))
        .await
        .expect("process")
        > 0
    {}
    assert_eq!(inbox.shop.replays_processed.load(Ordering::SeqCst), 1);
    let shown = inbox.tool(&["show", &ids.dead.to_string()]).await;
    assert_eq!(value(&shown.stdout, "status"), "processed");
    assert_eq!(value(&shown.stdout, "replays"), "1");
    assert_eq!(value(&shown.stdout, "attempts"), "1");
    // Still unreadable by this version: kept again.
    assert_eq!(
        inbox.get(ids.unreadable).await.status,
        DeliveryStatus::Unreadable
    );

    let one = inbox.tool(&["replay", &ids.unreadable.to_string()]).await;
    assert_eq!(one.code, 0, "{one:?}");
    assert!(
        one.stdout.starts_with(&format!(
            "delivery {} (payment.completed, -) was unreadable; it is pending again, but this \
             version still cannot read it (payment.completed: data: missing field `paymentId`",
            ids.unreadable
        )),
        "{}",
        one.stdout
    );
    let processed = inbox.tool(&["replay", &ids.order.to_string()]).await;
    assert_eq!(
        (processed.code, processed.stdout.clone()),
        (
            0,
            format!(
                "delivery {} (order.created, Order 348215) was processed; it is pending again: \
                 a running receiver's worker processes it as a replay, within its poll interval\n",
                ids.order
            )
        )
    );

    let missing = inbox.tool(&["replay", "987654"]).await;
    assert_eq!(
        (missing.code, missing.stderr.as_str()),
        (1, "error: no delivery 987654 in this inbox\n")
    );
    for usage in [
        &["replay"][..],
        &["replay", "--dead", "--unreadable"],
        &["replay", &ids.dead.to_string(), "--dead"],
    ] {
        let out = inbox.tool(usage).await;
        assert_eq!(out.code, 2, "{usage:?}: {out:?}");
    }
}

on_sqlite_and_postgres!(
    replay_then_process:
    sqlite_inbox_replay_then_process,
    postgres_inbox_replay_then_process
);

// ---------------------------------------------------------------------------------------
// purge
// ---------------------------------------------------------------------------------------

async fn purge_by_age(inbox: &Filled) {
    let ids = inbox.ids;
    // Without --yes: how many, and nothing deleted.
    let asked = inbox.tool(&["purge", "--older-than", "30d"]).await;
    assert_eq!(
        (asked.code, asked.stdout.as_str(), asked.stderr.as_str()),
        (
            0,
            "would purge 1 processed or stale delivery processed more than 30 days ago; \
             nothing deleted: run again with --yes to delete it\n",
            ""
        )
    );
    assert_eq!(listed_ids(&inbox.tool(&["list"]).await).len(), 6);

    let month = inbox.tool(&["purge", "--older-than", "30d", "--yes"]).await;
    assert_eq!(
        (month.code, month.stdout.as_str(), month.stderr.as_str()),
        (
            0,
            "purged 1 processed or stale delivery processed more than 30 days ago\n",
            ""
        )
    );
    assert!(inbox
        .store
        .get(ids.old_invoice)
        .await
        .expect("get")
        .is_none());
    let again = inbox.tool(&["purge", "--older-than", "30d", "--yes"]).await;
    assert_eq!(
        again.stdout,
        "purged 0 processed or stale deliveries processed more than 30 days ago\n"
    );

    // Under 30 days: a warning, asked or done.
    let hour = inbox.tool(&["purge", "--older-than", "1h", "--yes"]).await;
    assert_eq!(hour.code, 0);
    assert_eq!(
        hour.stdout,
        "purged 0 processed or stale deliveries processed more than 1 hour ago\n"
    );
    assert_eq!(
        hour.stderr,
        "warning: keeping processed deliveries only 1 hour: StepPay may send one again, and \
         a purged delivery sent again is stored and processed anew (30 days is a sensible \
         floor)\n"
    );

    // Everything processed, but never a dead or unreadable one.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let asked = inbox.tool(&["purge", "--older-than", "0s"]).await;
    assert!(
        asked.stdout.starts_with(
            "would purge 3 processed or stale deliveries processed more than 0 seconds ago; \
             nothing deleted: run again with --yes to delete them\n"
        ),
        "{asked:?}"
    );
    assert!(asked.stderr.starts_with("warning: "), "{asked:?}");
    assert_eq!(listed_ids(&inbox.tool(&["list"]).await).len(), 5);
    let all = inbox.tool(&["purge", "--older-than", "0s", "--yes"]).await;
    assert_eq!(
        all.stdout,
        "purged 3 processed or stale deliveries processed more than 0 seconds ago\n"
    );
    let left = inbox.tool(&["list"]).await;
    assert_eq!(listed_ids(&left), [ids.unreadable.0, ids.dead.0]);

    for (age, message) in [
        ("30", "not an age: \"30\""),
        ("30y", "not an age: \"30y\""),
        ("d", "not an age: \"d\""),
        ("99999999999999999999d", "not an age"),
        ("999999999999999d", "is too long an age"),
    ] {
        let out = inbox.tool(&["purge", "--older-than", age, "--yes"]).await;
        assert_eq!(out.code, 2, "{age}: {out:?}");
        assert!(out.stderr.contains(message), "{age}: {}", out.stderr);
    }
    let bare = inbox.tool(&["purge", "--yes"]).await;
    assert_eq!(bare.code, 2, "purge needs --older-than: {bare:?}");
    assert_eq!(listed_ids(&inbox.tool(&["list"]).await).len(), 2);
}

on_sqlite_and_postgres!(
    purge_by_age:
    sqlite_inbox_purge_by_age,
    postgres_inbox_purge_by_age
);

// ---------------------------------------------------------------------------------------
// The database: --db, STEPPAY_INBOX_DB, and databases that cannot be used.
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_inbox_database_from_the_environment() {
    let inbox = Filled::sqlite().await;
    let mut command = tool();
    command.env("STEPPAY_INBOX_DB", &inbox.url);
    let stats = run_command(command, &["inbox", "stats"], None).await;
    assert_eq!(stats.code, 0, "{stats:?}");
    assert_eq!(
        stats.stdout.lines().last().map(cells),
        Some(vec!["total".to_owned(), "6".to_owned()]),
        "{}",
        stats.stdout
    );

    // --db wins, before or after the subcommand.
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("typo.sqlite");
    let missing_url = format!("sqlite:{}", missing.display());
    for args in [
        ["inbox", "--db", &missing_url, "stats"],
        ["inbox", "stats", "--db", &missing_url],
    ] {
        let mut command = tool();
        command.env("STEPPAY_INBOX_DB", &inbox.url);
        let out = run_command(command, &args, None).await;
        assert_eq!(out.code, 3, "{out:?}");
        assert_eq!(
            out.stderr,
            format!(
                "error: no inbox at {missing_url}: no such file (a receiver's store creates it \
                 when it starts; nothing was created)\n"
            )
        );
    }
    assert!(!missing.exists(), "the tool created an inbox");
    inbox.clean_up().await;
}

/// An existing SQLite file that is not an inbox (here a shop's own database) is refused and
/// left as it was: no inbox tables added, its journal mode unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_database_without_an_inbox_is_left_untouched() {
    use sqlx::{Connection as _, SqliteConnection};

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("shop.sqlite");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let mut shop = SqliteConnection::connect_with(&options)
        .await
        .expect("shop db");
    for sql in [
        "CREATE TABLE orders (order_code TEXT PRIMARY KEY, buyer TEXT, amount INTEGER)",
        "INSERT INTO orders VALUES ('20261127-00000418', '김민지', 34000)",
    ] {
        sqlx::query(sql).execute(&mut shop).await.expect(sql);
    }
    shop.close().await.expect("close");

    let url = format!("sqlite:{}", path.display());
    for command in [&["stats"][..], &["list"], &["replay", "--dead"]] {
        let args = [&["inbox"][..], command, &["--db", &url]].concat();
        let out = run(&args, None).await;
        assert_eq!(out.code, 3, "{command:?}: {out:?}");
        assert_eq!(
            out.stderr,
            format!(
                "error: no inbox at {url}: no inbox tables (a receiver's store creates it when \
                 it starts; nothing was created)\n"
            ),
            "{command:?}"
        );
    }

    let mut shop = SqliteConnection::connect_with(&options)
        .await
        .expect("shop db");
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&mut shop)
            .await
            .expect("tables");
    assert_eq!(tables, ["orders"]);
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut shop)
        .await
        .expect("journal mode");
    assert_eq!(
        journal, "delete",
        "the shop's database was switched to another journal"
    );
    shop.close().await.expect("close");
}

/// A PostgreSQL schema without the inbox's tables is refused, and none are created in it.
#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_database_without_an_inbox_is_left_untouched() {
    use crate::support::postgres;
    let Some(url) = postgres::test_url("postgres_database_without_an_inbox_is_left_untouched")
    else {
        return;
    };
    let schema = postgres::unique_schema("no_inbox");
    let admin = sqlx::PgPool::connect(&url).await.expect("postgres");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await
        .expect("schema");

    let separator = if url.contains('?') { '&' } else { '?' };
    let tool_url = format!("{url}{separator}options[search_path]={schema}");
    let out = run(&["inbox", "stats", "--db", &tool_url], None).await;
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.starts_with("error: no inbox at postgres://")
            && out.stderr.ends_with(
                ": no inbox tables (a receiver's store creates it when it starts; nothing was \
                 created)\n"
            ),
        "{}",
        out.stderr
    );
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1",
    )
    .bind(&schema)
    .fetch_one(&admin)
    .await
    .expect("tables");
    assert_eq!(tables, 0, "the tool created tables in {schema}");
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
        .execute(&admin)
        .await
        .expect("drop");
}

#[tokio::test]
async fn inbox_without_a_usable_database_says_why() {
    let none = run(&["inbox", "list"], None).await;
    assert_eq!(none.code, 2, "{none:?}");
    assert_eq!(
        none.stderr,
        "error: no inbox database: pass --db URL or set STEPPAY_INBOX_DB (sqlite:PATH, or \
         postgres://user:password@host/database)\n"
    );
    for (url, code, message) in [
        (
            "memory:",
            2,
            "error: memory: is an inbox that lives in one process and keeps nothing",
        ),
        (
            "steppay-inbox.sqlite",
            2,
            "error: --db takes a URL, not steppay-inbox.sqlite",
        ),
        (
            "mysql://shop@127.0.0.1/shop",
            2,
            "error: inbox store: unsupported database URL scheme \"mysql\"",
        ),
    ] {
        let out = run(&["inbox", "stats", "--db", url], None).await;
        assert_eq!(out.code, code, "{url}: {out:?}");
        assert!(out.stderr.starts_with(message), "{url}: {}", out.stderr);
        assert_no_escape_codes(&out);
    }

    // A PostgreSQL where nothing listens: unavailable, and the password is never printed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("postgres://steppay:s3cr3t-pw@127.0.0.1:{port}/shop");
    let out = run(&["inbox", "stats", "--db", &url], None).await;
    if cfg!(feature = "postgres") {
        assert_eq!(out.code, 3, "{out:?}");
        assert!(
            out.stderr.starts_with(&format!(
                "error: cannot open the inbox at postgres://steppay:***@127.0.0.1:{port}/shop: "
            )),
            "{}",
            out.stderr
        );
    } else {
        assert_eq!(out.code, 2, "{out:?}");
    }
    assert!(!out.raw().contains("s3cr3t-pw"), "{out:?}");

    // Help: the subcommands and the variable, never its value.
    let mut command = tool();
    command.env("STEPPAY_INBOX_DB", &url);
    let help = run_command(command, &["inbox", "--help"], None).await;
    assert_eq!(help.code, 0, "{help:?}");
    for word in [
        "list",
        "show",
        "stats",
        "replay",
        "purge",
        "STEPPAY_INBOX_DB",
        "Exit status:",
    ] {
        assert!(help.stdout.contains(word), "{word}: {}", help.stdout);
    }
    assert!(!help.raw().contains("s3cr3t-pw"), "{}", help.stdout);
    let top = run(&["--help"], None).await;
    assert!(top.stdout.contains("inbox"), "{}", top.stdout);
}
