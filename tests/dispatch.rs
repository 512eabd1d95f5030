//! Dispatch to `WebhookHandler` / `AsyncWebhookHandler`, and the `receive` outcomes.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use steppay_webhook::{
    dispatch, dispatch_async, parse_webhook, receive, receive_async, sign, AsyncWebhookHandler,
    Cover, Customer, Event, Invoice, Order, Outcome, Payment, Price, Product, SignatureError,
    Subscription, Usage, Webhook, WebhookHandler, WebhookMeta, WebhookVerifier,
};

const SECRET: &str = "whsec_dispatch_test_4c1f9a";
const UNKNOWN_EVENT: &str = "subscription.renewal_reminded";

// ---------------------------------------------------------------------------------------
// Key values: one from the typed payload, one read independently from the raw JSON.
// ---------------------------------------------------------------------------------------

/// A short identifying value of a typed payload (ids and codes).
trait KeyValue {
    fn key_value(&self) -> String;
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "null".to_owned(), T::to_string)
}

impl KeyValue for Order {
    fn key_value(&self) -> String {
        format!("{}|{}", self.id, self.code)
    }
}
impl KeyValue for Subscription {
    fn key_value(&self) -> String {
        format!("{}|{}", self.subscription_id, opt(&self.order_id))
    }
}
impl KeyValue for Usage {
    fn key_value(&self) -> String {
        format!("{}|{}", self.id, self.subscription_item_id)
    }
}
impl KeyValue for Invoice {
    fn key_value(&self) -> String {
        format!("{}|{}", opt(&self.id), opt(&self.order_id))
    }
}
impl KeyValue for Payment {
    fn key_value(&self) -> String {
        format!("{}|{}", self.payment_id, self.id_key)
    }
}
impl KeyValue for Customer {
    fn key_value(&self) -> String {
        format!("{}|{}", self.id, opt(&self.code))
    }
}
impl KeyValue for Product {
    fn key_value(&self) -> String {
        self.code.clone()
    }
}
impl KeyValue for Price {
    fn key_value(&self) -> String {
        self.price_code.clone()
    }
}
impl KeyValue for Cover {
    fn key_value(&self) -> String {
        format!("{}|{}", self.id, self.subscription_id)
    }
}

/// The same key value, read from the fixture's raw `data` with serde_json only.
fn expected_key_value(event: &str, data: &Value) -> String {
    let fields: &[&str] = if event == "subscription.usage.added" {
        &["id", "subscriptionItemId"]
    } else if event.starts_with("subscription.") {
        &["subscriptionId", "orderId"]
    } else if event.starts_with("order.") {
        &["id", "code"]
    } else if event.starts_with("invoice.") {
        &["id", "orderId"]
    } else if event.starts_with("payment.") {
        &["paymentId", "idKey"]
    } else if event.starts_with("customer.") {
        &["id", "code"]
    } else if event.starts_with("product.price.") {
        &["priceCode"]
    } else if event.starts_with("product.") {
        &["code"]
    } else if event.starts_with("cover.") {
        &["id", "subscriptionId"]
    } else {
        panic!("no key fields for {event}")
    };
    fields
        .iter()
        .map(|field| match &data[*field] {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Null => "null".to_owned(),
            other => panic!("{event}: unexpected {field} = {other}"),
        })
        .collect::<Vec<_>>()
        .join("|")
}

// ---------------------------------------------------------------------------------------
// Recording handlers.
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
struct Record {
    method: &'static str,
    event: String,
    timestamp: i64,
    version: String,
    key: String,
    /// The typed payload as the handler saw it, rebuilt into an `Event`.
    typed: Option<Event>,
    /// The raw data, for `on_unknown`.
    raw: Option<Value>,
}

#[derive(Default)]
struct Log {
    records: Mutex<Vec<Record>>,
}

impl Log {
    fn push(&self, record: Record) {
        self.records.lock().expect("log lock").push(record);
    }

    fn take(&self) -> Vec<Record> {
        std::mem::take(&mut *self.records.lock().expect("log lock"))
    }

    fn len(&self) -> usize {
        self.records.lock().expect("log lock").len()
    }
}

fn typed_record(method: &'static str, meta: WebhookMeta<'_>, key: String, typed: Event) -> Record {
    Record {
        method,
        event: meta.event.to_owned(),
        timestamp: meta.timestamp,
        version: meta.version.to_owned(),
        key,
        typed: Some(typed),
        raw: None,
    }
}

fn unknown_record(meta: WebhookMeta<'_>, data: &Value) -> Record {
    Record {
        method: "on_unknown",
        event: meta.event.to_owned(),
        timestamp: meta.timestamp,
        version: meta.version.to_owned(),
        key: String::new(),
        typed: None,
        raw: Some(data.clone()),
    }
}

/// Every known handler method: (method, Event variant, payload type).
macro_rules! every_method {
    ($callback:ident) => {
        $callback! {
            (on_order_created, OrderCreated, Order),
            (on_order_updated, OrderUpdated, Order),
            (on_order_payment_completed, OrderPaymentCompleted, Order),
            (on_subscription_created, SubscriptionCreated, Subscription),
            (on_subscription_updated, SubscriptionUpdated, Subscription),
            (on_subscription_payment_due_notification, SubscriptionPaymentDueNotification, Subscription),
            (on_subscription_usage_added, SubscriptionUsageAdded, Usage),
            (on_invoice_created, InvoiceCreated, Invoice),
            (on_invoice_updated, InvoiceUpdated, Invoice),
            (on_invoice_deleted, InvoiceDeleted, Invoice),
            (on_payment_completed, PaymentCompleted, Payment),
            (on_payment_failed, PaymentFailed, Payment),
            (on_payment_canceled, PaymentCanceled, Payment),
            (on_payment_standby, PaymentStandby, Payment),
            (on_customer_created, CustomerCreated, Customer),
            (on_customer_updated, CustomerUpdated, Customer),
            (on_customer_deleted, CustomerDeleted, Customer),
            (on_product_created, ProductCreated, Product),
            (on_product_updated, ProductUpdated, Product),
            (on_product_deleted, ProductDeleted, Product),
            (on_product_price_created, ProductPriceCreated, Price),
            (on_product_price_updated, ProductPriceUpdated, Price),
            (on_product_price_deleted, ProductPriceDeleted, Price),
            (on_cover_sent_message, CoverSentMessage, Cover),
            (on_cover_delayed_message, CoverDelayedMessage, Cover),
            (on_cover_changed_payment_date, CoverChangedPaymentDate, Cover),
            (on_cover_paused, CoverPaused, Cover),
        }
    };
}

macro_rules! count_methods {
    ($( ($method:ident, $variant:ident, $payload:ident), )+) => {
        [$(stringify!($method)),+]
    };
}

/// Implements every `WebhookHandler` method by recording what it was given.
#[derive(Default)]
struct SyncRecorder {
    log: Log,
}

macro_rules! sync_methods {
    ($( ($method:ident, $variant:ident, $payload:ident), )+) => {
        impl WebhookHandler for SyncRecorder {
            type Error = String;

            $(
                fn $method(&self, meta: WebhookMeta<'_>, data: &$payload) -> Result<(), String> {
                    self.log.push(typed_record(
                        stringify!($method),
                        meta,
                        data.key_value(),
                        Event::$variant(Box::new(data.clone())),
                    ));
                    Ok(())
                }
            )+

            fn on_unknown(&self, meta: WebhookMeta<'_>, data: &Value) -> Result<(), String> {
                self.log.push(unknown_record(meta, data));
                Ok(())
            }
        }
    };
}
every_method!(sync_methods);

/// Implements every `AsyncWebhookHandler` method (as `async fn`) by recording.
#[derive(Default)]
struct AsyncRecorder {
    log: Log,
}

macro_rules! async_methods {
    ($( ($method:ident, $variant:ident, $payload:ident), )+) => {
        impl AsyncWebhookHandler for AsyncRecorder {
            type Error = String;

            $(
                async fn $method(&self, meta: WebhookMeta<'_>, data: &$payload) -> Result<(), String> {
                    tokio::task::yield_now().await;
                    self.log.push(typed_record(
                        stringify!($method),
                        meta,
                        data.key_value(),
                        Event::$variant(Box::new(data.clone())),
                    ));
                    Ok(())
                }
            )+

            async fn on_unknown(&self, meta: WebhookMeta<'_>, data: &Value) -> Result<(), String> {
                tokio::task::yield_now().await;
                self.log.push(unknown_record(meta, data));
                Ok(())
            }
        }
    };
}
every_method!(async_methods);

// ---------------------------------------------------------------------------------------
// Fixture helpers.
// ---------------------------------------------------------------------------------------

struct Expected {
    file: String,
    body: Vec<u8>,
    webhook: Webhook,
    record: Record,
}

/// Every event fixture with the record its dispatch must produce, computed from the raw
/// JSON (and the separately parsed `Webhook` for the typed value).
fn expectations() -> Vec<Expected> {
    let fixtures = common::event_fixtures();
    assert_eq!(fixtures.len(), 27);
    fixtures
        .into_iter()
        .map(|(file, body)| {
            let json: Value = serde_json::from_slice(&body).expect("fixture is JSON");
            let event = json["event"].as_str().expect("event").to_owned();
            assert_eq!(file, format!("{event}.json"));
            let webhook = parse_webhook(&body).unwrap_or_else(|e| panic!("{file}: {e}"));
            let method: &'static str =
                Box::leak(format!("on_{}", event.replace('.', "_")).into_boxed_str());
            let record = Record {
                method,
                key: expected_key_value(&event, &json["data"]),
                timestamp: json["timestamp"].as_i64().expect("timestamp"),
                version: json["version"].as_str().expect("version").to_owned(),
                event,
                typed: Some(webhook.event.clone()),
                raw: None,
            };
            Expected {
                file,
                body,
                webhook,
                record,
            }
        })
        .collect()
}

fn unknown_fixture() -> (Vec<u8>, Webhook, Record) {
    let (_, body) = common::json_files("edge")
        .into_iter()
        .find(|(name, _)| name == "unknown-event.json")
        .expect("edge/unknown-event.json");
    let json: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(json["event"], UNKNOWN_EVENT);
    let webhook = parse_webhook(&body).expect("unknown event parses");
    assert!(webhook.event.is_unknown());
    let record = Record {
        method: "on_unknown",
        event: UNKNOWN_EVENT.to_owned(),
        timestamp: json["timestamp"].as_i64().expect("timestamp"),
        version: json["version"].as_str().expect("version").to_owned(),
        key: String::new(),
        typed: None,
        raw: Some(json["data"].clone()),
    };
    (body, webhook, record)
}

fn now_unix() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    i64::try_from(secs).expect("fits i64")
}

fn all_method_names() -> BTreeSet<&'static str> {
    let names: BTreeSet<&'static str> = every_method!(count_methods).into_iter().collect();
    assert_eq!(names.len(), 27);
    names
}

// ---------------------------------------------------------------------------------------
// dispatch
// ---------------------------------------------------------------------------------------

#[test]
fn dispatch_calls_exactly_the_named_method_with_meta_and_data() {
    let handler = SyncRecorder::default();
    let mut methods_seen = BTreeSet::new();
    let mut checked = 0;
    for expected in expectations() {
        assert_eq!(dispatch(&expected.webhook, &handler), Ok(()));
        let records = handler.log.take();
        assert_eq!(records, vec![expected.record.clone()], "{}", expected.file);
        assert!(methods_seen.insert(records[0].method), "{}", expected.file);
        checked += 1;
    }
    assert_eq!(checked, 27);
    assert_eq!(methods_seen, all_method_names());
}

#[test]
fn dispatch_sends_unknown_events_to_on_unknown_with_raw_data() {
    let handler = SyncRecorder::default();
    let (_, webhook, expected) = unknown_fixture();
    assert_eq!(dispatch(&webhook, &handler), Ok(()));
    let records = handler.log.take();
    assert_eq!(records, vec![expected]);
    assert_eq!(
        records[0].raw.as_ref().expect("raw")["reminderType"],
        "RENEWAL_D3"
    );
}

#[tokio::test]
async fn dispatch_async_calls_exactly_the_named_method_with_meta_and_data() {
    let handler = AsyncRecorder::default();
    let mut methods_seen = BTreeSet::new();
    let mut checked = 0;
    for expected in expectations() {
        assert_eq!(dispatch_async(&expected.webhook, &handler).await, Ok(()));
        let records = handler.log.take();
        assert_eq!(records, vec![expected.record.clone()], "{}", expected.file);
        assert!(methods_seen.insert(records[0].method), "{}", expected.file);
        checked += 1;
    }
    assert_eq!(checked, 27);
    assert_eq!(methods_seen, all_method_names());
}

#[tokio::test]
async fn dispatch_async_sends_unknown_events_to_on_unknown_with_raw_data() {
    let handler = AsyncRecorder::default();
    let (_, webhook, expected) = unknown_fixture();
    assert_eq!(dispatch_async(&webhook, &handler).await, Ok(()));
    assert_eq!(handler.log.take(), vec![expected]);
}

#[test]
fn dispatch_passes_the_envelope_of_an_inline_body() {
    let body = br#"{"timestamp":1700000123,"version":"v9","event":"cover.paused",
        "data":{"id":5,"customerId":"C-1","orderId":"O-2","subscriptionId":"S-3"}}"#;
    let handler = SyncRecorder::default();
    assert_eq!(
        dispatch(&parse_webhook(body).expect("parses"), &handler),
        Ok(())
    );
    let records = handler.log.take();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].method, "on_cover_paused");
    assert_eq!(records[0].event, "cover.paused");
    assert_eq!(records[0].timestamp, 1700000123);
    assert_eq!(records[0].version, "v9");
    assert_eq!(records[0].key, "5|S-3");
}

// ---------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------

/// Overrides only `on_customer_created`.
#[derive(Default)]
struct OnlyCustomerCreated {
    calls: AtomicUsize,
    last_id: Mutex<Option<i64>>,
}

impl WebhookHandler for OnlyCustomerCreated {
    type Error = String;

    fn on_customer_created(&self, _: WebhookMeta<'_>, data: &Customer) -> Result<(), String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        *self.last_id.lock().expect("lock") = Some(data.id);
        Ok(())
    }
}

impl AsyncWebhookHandler for OnlyCustomerCreated {
    type Error = String;

    async fn on_customer_created(&self, _: WebhookMeta<'_>, data: &Customer) -> Result<(), String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        *self.last_id.lock().expect("lock") = Some(data.id);
        Ok(())
    }
}

#[test]
fn default_methods_do_nothing_and_succeed() {
    let handler = OnlyCustomerCreated::default();
    let mut dispatched = 0;
    for expected in expectations() {
        let before = handler.calls.load(Ordering::SeqCst);
        assert_eq!(
            dispatch(&expected.webhook, &handler),
            Ok(()),
            "{}",
            expected.file
        );
        let after = handler.calls.load(Ordering::SeqCst);
        let want = usize::from(expected.record.event == "customer.created");
        assert_eq!(after - before, want, "{}", expected.file);
        dispatched += 1;
    }
    let (_, unknown, _) = unknown_fixture();
    assert_eq!(dispatch(&unknown, &handler), Ok(()));
    assert_eq!(dispatched, 27);
    assert_eq!(handler.calls.load(Ordering::SeqCst), 1);
    assert_eq!(*handler.last_id.lock().expect("lock"), Some(208112));

    // And through `receive`: 200 for everything.
    let verifier = WebhookVerifier::new(SECRET);
    let now = now_unix();
    for expected in expectations() {
        let header = sign(SECRET, now, &expected.body);
        let outcome = receive(&expected.body, Some(&header), &verifier, &handler);
        assert_eq!(outcome.status(), 200, "{}: {outcome:?}", expected.file);
    }
    assert_eq!(handler.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn default_async_methods_do_nothing_and_succeed() {
    let handler = OnlyCustomerCreated::default();
    let mut dispatched = 0;
    for expected in expectations() {
        let before = handler.calls.load(Ordering::SeqCst);
        assert_eq!(
            dispatch_async(&expected.webhook, &handler).await,
            Ok(()),
            "{}",
            expected.file
        );
        let after = handler.calls.load(Ordering::SeqCst);
        let want = usize::from(expected.record.event == "customer.created");
        assert_eq!(after - before, want, "{}", expected.file);
        dispatched += 1;
    }
    let (_, unknown, _) = unknown_fixture();
    assert_eq!(dispatch_async(&unknown, &handler).await, Ok(()));
    assert_eq!(dispatched, 27);
    assert_eq!(handler.calls.load(Ordering::SeqCst), 1);
    assert_eq!(*handler.last_id.lock().expect("lock"), Some(208112));
}

/// Implements nothing at all.
struct Nothing;
impl WebhookHandler for Nothing {
    type Error = std::convert::Infallible;
}
impl AsyncWebhookHandler for Nothing {
    type Error = std::convert::Infallible;
}

#[tokio::test]
async fn a_handler_with_no_methods_handles_everything() {
    let verifier = WebhookVerifier::new(SECRET);
    let now = now_unix();
    let mut handled = 0;
    for expected in expectations() {
        let header = sign(SECRET, now, &expected.body);
        let outcome = receive(&expected.body, Some(&header), &verifier, &Nothing);
        assert!(
            matches!(&outcome, Outcome::Handled { event } if *event == expected.record.event),
            "{outcome:?}"
        );
        let outcome = receive_async(&expected.body, Some(&header), &verifier, &Nothing).await;
        assert!(
            matches!(&outcome, Outcome::Handled { event } if *event == expected.record.event),
            "{outcome:?}"
        );
        handled += 1;
    }
    assert_eq!(handled, 27);
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// Fails for `payment.failed` and for unknown events, records the rest.
#[derive(Default)]
struct Failing {
    ok_calls: AtomicUsize,
}

impl WebhookHandler for Failing {
    type Error = String;

    fn on_payment_failed(&self, _: WebhookMeta<'_>, p: &Payment) -> Result<(), String> {
        Err(format!("cannot record payment {}", p.payment_id))
    }

    fn on_payment_completed(&self, _: WebhookMeta<'_>, _: &Payment) -> Result<(), String> {
        self.ok_calls.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn on_unknown(&self, meta: WebhookMeta<'_>, _: &Value) -> Result<(), String> {
        Err(format!("refusing {}", meta.event))
    }
}

impl AsyncWebhookHandler for Failing {
    type Error = String;

    async fn on_payment_failed(&self, _: WebhookMeta<'_>, p: &Payment) -> Result<(), String> {
        tokio::task::yield_now().await;
        Err(format!("cannot record payment {}", p.payment_id))
    }

    async fn on_payment_completed(&self, _: WebhookMeta<'_>, _: &Payment) -> Result<(), String> {
        self.ok_calls.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    async fn on_unknown(&self, meta: WebhookMeta<'_>, _: &Value) -> Result<(), String> {
        Err(format!("refusing {}", meta.event))
    }
}

fn fixture(event: &str) -> Vec<u8> {
    common::event_fixtures()
        .into_iter()
        .find(|(name, _)| *name == format!("{event}.json"))
        .unwrap_or_else(|| panic!("no fixture for {event}"))
        .1
}

#[test]
fn handler_errors_propagate_from_dispatch() {
    let handler = Failing::default();
    let failed = parse_webhook(&fixture("payment.failed")).expect("parses");
    assert_eq!(
        dispatch(&failed, &handler),
        Err("cannot record payment 781377".to_owned())
    );
    let completed = parse_webhook(&fixture("payment.completed")).expect("parses");
    assert_eq!(dispatch(&completed, &handler), Ok(()));
    assert_eq!(handler.ok_calls.load(Ordering::SeqCst), 1);
    let (_, unknown, _) = unknown_fixture();
    assert_eq!(
        dispatch(&unknown, &handler),
        Err(format!("refusing {UNKNOWN_EVENT}"))
    );
}

#[tokio::test]
async fn handler_errors_propagate_from_dispatch_async() {
    let handler = Failing::default();
    let failed = parse_webhook(&fixture("payment.failed")).expect("parses");
    assert_eq!(
        dispatch_async(&failed, &handler).await,
        Err("cannot record payment 781377".to_owned())
    );
    let completed = parse_webhook(&fixture("payment.completed")).expect("parses");
    assert_eq!(dispatch_async(&completed, &handler).await, Ok(()));
    assert_eq!(handler.ok_calls.load(Ordering::SeqCst), 1);
    let (_, unknown, _) = unknown_fixture();
    assert_eq!(
        dispatch_async(&unknown, &handler).await,
        Err(format!("refusing {UNKNOWN_EVENT}"))
    );
}

fn assert_handler_failed(outcome: Outcome<String>, event: &str, error: &str) {
    assert_eq!(outcome.status(), 500);
    assert!(!outcome.is_success());
    assert_eq!(outcome.event(), Some(event));
    assert_eq!(outcome.reason(), format!("handler failed for {event}"));
    assert_eq!(
        outcome.to_string(),
        format!("handler failed for {event}: {error}")
    );
    match outcome {
        Outcome::HandlerFailed {
            event: got_event,
            error: got_error,
        } => {
            assert_eq!(got_event, event);
            assert_eq!(got_error, error);
        }
        other => panic!("expected HandlerFailed, got {other:?}"),
    }
}

#[test]
fn receive_reports_handler_failure_as_500() {
    let verifier = WebhookVerifier::new(SECRET);
    let body = fixture("payment.failed");
    let header = sign(SECRET, now_unix(), &body);
    let outcome = receive(&body, Some(&header), &verifier, &Failing::default());
    assert_handler_failed(outcome, "payment.failed", "cannot record payment 781377");

    // A failing on_unknown is a failure too, not "ignored".
    let (unknown, _, _) = unknown_fixture();
    let header = sign(SECRET, now_unix(), &unknown);
    let outcome = receive(&unknown, Some(&header), &verifier, &Failing::default());
    assert_handler_failed(outcome, UNKNOWN_EVENT, &format!("refusing {UNKNOWN_EVENT}"));
}

#[tokio::test]
async fn receive_async_reports_handler_failure_as_500() {
    let verifier = WebhookVerifier::new(SECRET);
    let body = fixture("payment.failed");
    let header = sign(SECRET, now_unix(), &body);
    let outcome = receive_async(&body, Some(&header), &verifier, &Failing::default()).await;
    assert_handler_failed(outcome, "payment.failed", "cannot record payment 781377");

    let (unknown, _, _) = unknown_fixture();
    let header = sign(SECRET, now_unix(), &unknown);
    let outcome = receive_async(&unknown, Some(&header), &verifier, &Failing::default()).await;
    assert_handler_failed(outcome, UNKNOWN_EVENT, &format!("refusing {UNKNOWN_EVENT}"));
}

// ---------------------------------------------------------------------------------------
// receive / receive_async statuses
// ---------------------------------------------------------------------------------------

fn not_json_body() -> Vec<u8> {
    let path = common::fixtures_dir().join("edge/invalid/not-json.txt");
    let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    body
}

/// What `receive` / `receive_async` must answer for the failure cases, checked by one closure
/// so the sync and async paths run the very same list.
fn failure_cases(now: i64) -> Vec<(&'static str, Vec<u8>, Option<String>, u16)> {
    let body = fixture("payment.completed");
    let mut tampered = body.clone();
    let position = tampered
        .windows(5)
        .position(|w| w == b"39600")
        .expect("paidAmount in fixture");
    tampered[position] = b'9';
    vec![
        ("no header", body.clone(), None, 400),
        ("empty header", body.clone(), Some(String::new()), 400),
        ("blank header", body.clone(), Some("   ".to_owned()), 400),
        (
            "signed non-JSON body",
            not_json_body(),
            Some(sign(SECRET, now, &not_json_body())),
            400,
        ),
        (
            "signed with another secret",
            body.clone(),
            Some(sign("whsec_someone_else", now, &body)),
            401,
        ),
        (
            "tampered body",
            tampered,
            Some(sign(SECRET, now, &body)),
            401,
        ),
        (
            "stale timestamp",
            body.clone(),
            Some(sign(SECRET, now - 3600, &body)),
            401,
        ),
        (
            "garbage header",
            body.clone(),
            Some("timestamp=abc,key=AAAA".to_owned()),
            401,
        ),
    ]
}

fn check_failure_outcome(case: &str, outcome: &Outcome<String>, status: u16) {
    assert_eq!(outcome.status(), status, "{case}: {outcome:?}");
    assert!(!outcome.is_success(), "{case}");
    match (case, outcome) {
        ("no header" | "empty header" | "blank header", Outcome::MissingSignature) => {
            assert_eq!(outcome.reason(), "missing Steppay-Signature header");
            assert_eq!(outcome.event(), None);
        }
        ("signed non-JSON body", Outcome::InvalidBody(_)) => {
            assert!(
                outcome.reason().starts_with("invalid webhook body: "),
                "{}",
                outcome.reason()
            );
        }
        (
            "signed with another secret" | "tampered body",
            Outcome::InvalidSignature(SignatureError::NoMatch),
        ) => {
            assert_eq!(
                outcome.reason(),
                "invalid signature: no signature matches the body"
            );
            assert_eq!(outcome.event(), None);
        }
        (
            "stale timestamp",
            Outcome::InvalidSignature(SignatureError::TimestampTooOld { age, tolerance }),
        ) => {
            // The clock may tick between signing and verifying.
            assert!(
                (3600..=3602).contains(&age.as_secs()),
                "{case}: age {age:?}"
            );
            assert_eq!(*tolerance, Duration::from_secs(300));
            assert!(outcome
                .reason()
                .starts_with("invalid signature: the timestamp is 36"));
        }
        (
            "garbage header",
            Outcome::InvalidSignature(SignatureError::InvalidTimestamp { value }),
        ) => assert_eq!(value, "abc"),
        (case, other) => panic!("{case}: unexpected outcome {other:?}"),
    }
}

#[test]
fn receive_statuses() {
    let verifier = WebhookVerifier::new(SECRET);
    let handler = SyncRecorder::default();
    let now = now_unix();

    // 200 Handled, for all 27 event types.
    let mut handled = 0;
    for expected in expectations() {
        let header = sign(SECRET, now, &expected.body);
        let outcome = receive(&expected.body, Some(&header), &verifier, &handler);
        assert_eq!(outcome.status(), 200, "{}: {outcome:?}", expected.file);
        assert!(outcome.is_success());
        assert_eq!(outcome.event(), Some(expected.record.event.as_str()));
        assert_eq!(
            outcome.reason(),
            format!("handled {}", expected.record.event)
        );
        assert!(
            matches!(&outcome, Outcome::Handled { event } if *event == expected.record.event),
            "{outcome:?}"
        );
        assert_eq!(handler.log.take(), vec![expected.record]);
        handled += 1;
    }
    assert_eq!(handled, 27);

    // 200 Ignored for an unknown event type, after on_unknown ran.
    let (body, _, record) = unknown_fixture();
    let header = sign(SECRET, now, &body);
    let outcome = receive(&body, Some(&header), &verifier, &handler);
    assert_eq!(outcome.status(), 200);
    assert!(outcome.is_success());
    assert!(
        matches!(&outcome, Outcome::Ignored { event } if event == UNKNOWN_EVENT),
        "{outcome:?}"
    );
    assert_eq!(
        outcome.reason(),
        format!("ignored unknown event type {UNKNOWN_EVENT}")
    );
    assert_eq!(handler.log.take(), vec![record]);

    // Failures: the handler never runs.
    let cases = failure_cases(now);
    assert_eq!(cases.len(), 8);
    for (case, body, header, status) in cases {
        let outcome = receive(&body, header.as_deref(), &verifier, &handler);
        check_failure_outcome(case, &outcome, status);
        assert_eq!(handler.log.len(), 0, "{case}: handler ran");
    }
}

#[tokio::test]
async fn receive_async_statuses() {
    let verifier = WebhookVerifier::new(SECRET);
    let handler = AsyncRecorder::default();
    let now = now_unix();

    let mut handled = 0;
    for expected in expectations() {
        let header = sign(SECRET, now, &expected.body);
        let outcome = receive_async(&expected.body, Some(&header), &verifier, &handler).await;
        assert_eq!(outcome.status(), 200, "{}: {outcome:?}", expected.file);
        assert!(
            matches!(&outcome, Outcome::Handled { event } if *event == expected.record.event),
            "{outcome:?}"
        );
        assert_eq!(handler.log.take(), vec![expected.record]);
        handled += 1;
    }
    assert_eq!(handled, 27);

    let (body, _, record) = unknown_fixture();
    let header = sign(SECRET, now, &body);
    let outcome = receive_async(&body, Some(&header), &verifier, &handler).await;
    assert_eq!(outcome.status(), 200);
    assert!(
        matches!(&outcome, Outcome::Ignored { event } if event == UNKNOWN_EVENT),
        "{outcome:?}"
    );
    assert_eq!(handler.log.take(), vec![record]);

    let cases = failure_cases(now);
    assert_eq!(cases.len(), 8);
    for (case, body, header, status) in cases {
        let outcome = receive_async(&body, header.as_deref(), &verifier, &handler).await;
        check_failure_outcome(case, &outcome, status);
        assert_eq!(handler.log.len(), 0, "{case}: handler ran");
    }
}

#[test]
fn receive_accepts_a_header_with_surrounding_whitespace() {
    let verifier = WebhookVerifier::new(SECRET);
    let handler = SyncRecorder::default();
    let body = fixture("order.created");
    let header = format!("  {}  ", sign(SECRET, now_unix(), &body));
    let outcome = receive(&body, Some(&header), &verifier, &handler);
    assert_eq!(outcome.status(), 200, "{outcome:?}");
    assert_eq!(handler.log.take().len(), 1);
}

// ---------------------------------------------------------------------------------------
// Send futures
// ---------------------------------------------------------------------------------------

fn assert_send<T: Send>(_: &T) {}

/// A Send + Sync handler whose error type is not Send.
struct RcError;
impl AsyncWebhookHandler for RcError {
    type Error = std::rc::Rc<str>;
}

#[tokio::test]
async fn async_futures_are_send() {
    let verifier = WebhookVerifier::new(SECRET);
    let body = fixture("payment.completed");
    let header = sign(SECRET, now_unix(), &body);
    let webhook = parse_webhook(&body).expect("parses");

    let handler = AsyncRecorder::default();
    let future = dispatch_async(&webhook, &handler);
    assert_send(&future);
    assert_eq!(future.await, Ok(()));
    let future = receive_async(&body, Some(&header), &verifier, &handler);
    assert_send(&future);
    assert_eq!(future.await.status(), 200);
    assert_eq!(handler.log.take().len(), 2);

    let future = dispatch_async(&webhook, &Nothing);
    assert_send(&future);
    assert_eq!(future.await, Ok(()));

    // The future stays Send even when the handler's error type is not.
    let future = dispatch_async(&webhook, &RcError);
    assert_send(&future);
    assert!(future.await.is_ok());
    let future = receive_async(&body, Some(&header), &verifier, &RcError);
    assert_send(&future);
    assert_eq!(future.await.status(), 200);

    // And it really runs on another worker thread.
    let handler = std::sync::Arc::new(AsyncRecorder::default());
    let task_handler = handler.clone();
    let status = tokio::spawn(async move {
        receive_async(&body, Some(&header), &verifier, &*task_handler)
            .await
            .status()
    })
    .await
    .expect("task");
    assert_eq!(status, 200);
    assert_eq!(handler.log.take().len(), 1);
}
