//! Dispatch to `WebhookHandler` / `AsyncWebhookHandler`, and the `receive` outcomes.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use crate::support::recorder::{Record, Recorder, METHODS};
use crate::support::{fixture, not_json_body, now_unix, UNKNOWN_EVENT};
use serde_json::Value;
use steppay_webhook::{
    dispatch, dispatch_async, parse_webhook, receive, receive_async, sign, AsyncWebhookHandler,
    Customer, Dispatched, Outcome, Payment, SignatureError, Webhook, WebhookHandler, WebhookMeta,
    WebhookRejection, WebhookVerifier,
};

const SECRET: &str = "whsec_dispatch_test_4c1f9a";

// ---------------------------------------------------------------------------------------
// Fixture helpers.
// ---------------------------------------------------------------------------------------

/// The recorder's key value (`crate::support::recorder::KeyValue`, read from the typed payload),
/// read independently from the fixture's raw `data` with serde_json only.
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

struct Expected {
    file: String,
    body: Vec<u8>,
    webhook: Webhook,
    record: Record,
}

/// Every event fixture with the record its dispatch must produce, computed from the raw
/// JSON (and the separately parsed `Webhook` for the typed value).
fn expectations() -> Vec<Expected> {
    let fixtures = crate::support::event_fixtures();
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
    let body = crate::support::unknown_event_body();
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

fn all_method_names() -> BTreeSet<&'static str> {
    let names: BTreeSet<&'static str> = METHODS.into_iter().collect();
    assert_eq!(names.len(), 27);
    names
}

// ---------------------------------------------------------------------------------------
// dispatch
// ---------------------------------------------------------------------------------------

/// Each dispatch of the 27 events, as (result, the calls it recorded), made exactly one call
/// of its own method, and together they called every method once.
#[track_caller]
fn check_dispatches(
    expectations: &[Expected],
    dispatches: Vec<(Result<Dispatched, String>, Vec<Record>)>,
) {
    assert_eq!(dispatches.len(), 27);
    let mut methods_seen = BTreeSet::new();
    for (expected, (result, records)) in expectations.iter().zip(dispatches) {
        assert_eq!(result, Ok(Dispatched::Handled), "{}", expected.file);
        assert_eq!(records, vec![expected.record.clone()], "{}", expected.file);
        assert!(methods_seen.insert(records[0].method), "{}", expected.file);
    }
    assert_eq!(methods_seen, all_method_names());
}

#[test]
fn dispatch_calls_exactly_the_named_method_with_meta_and_data() {
    let handler = Recorder::default();
    let events = expectations();
    let dispatches = events
        .iter()
        .map(|expected| (dispatch(&expected.webhook, &handler), handler.take()))
        .collect();
    check_dispatches(&events, dispatches);
}

#[test]
fn dispatch_sends_unknown_events_to_on_unknown_with_raw_data() {
    let handler = Recorder::default();
    let (_, webhook, expected) = unknown_fixture();
    assert_eq!(dispatch(&webhook, &handler), Ok(Dispatched::Handled));
    let records = handler.take();
    assert_eq!(records, vec![expected]);
    assert_eq!(
        records[0].raw.as_ref().expect("raw")["reminderType"],
        "RENEWAL_D3"
    );
}

#[tokio::test]
async fn dispatch_async_calls_exactly_the_named_method_with_meta_and_data() {
    let handler = Recorder::default();
    let events = expectations();
    let mut dispatches = Vec::new();
    for expected in &events {
        let result = dispatch_async(&expected.webhook, &handler).await;
        dispatches.push((result, handler.take()));
    }
    check_dispatches(&events, dispatches);
}

#[tokio::test]
async fn dispatch_async_sends_unknown_events_to_on_unknown_with_raw_data() {
    let handler = Recorder::default();
    let (_, webhook, expected) = unknown_fixture();
    assert_eq!(
        dispatch_async(&webhook, &handler).await,
        Ok(Dispatched::Handled)
    );
    assert_eq!(handler.take(), vec![expected]);
}

#[test]
fn dispatch_passes_the_envelope_of_an_inline_body() {
    let body = br#"{"timestamp":1700000123,"version":"v9","event":"cover.paused",
        "data":{"id":5,"customerId":"C-1","orderId":"O-2","subscriptionId":"S-3"}}"#;
    let handler = Recorder::default();
    assert_eq!(
        dispatch(&parse_webhook(body).expect("parses"), &handler),
        Ok(Dispatched::Handled)
    );
    let records = handler.take();
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

impl OnlyCustomerCreated {
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// After the 27 events and the unknown one: only `on_customer_created` ran, once.
    fn check_only_customer_created_ran(&self) {
        assert_eq!(self.calls(), 1);
        assert_eq!(*self.last_id.lock().expect("lock"), Some(208112));
    }
}

/// Each dispatch of the 27 events, as (result, how many calls it made), made one call for
/// `customer.created` (handled) and none for the others (unhandled: only defaults ran).
#[track_caller]
fn check_default_dispatches(
    expectations: &[Expected],
    dispatches: Vec<(Result<Dispatched, String>, usize)>,
) {
    assert_eq!(dispatches.len(), 27);
    for (expected, (result, calls)) in expectations.iter().zip(dispatches) {
        let handled = expected.record.event == "customer.created";
        let want = if handled {
            Dispatched::Handled
        } else {
            Dispatched::Unhandled
        };
        assert_eq!(result, Ok(want), "{}", expected.file);
        assert_eq!(calls, usize::from(handled), "{}", expected.file);
    }
}

#[test]
fn default_methods_do_nothing_and_report_unhandled() {
    let handler = OnlyCustomerCreated::default();
    let events = expectations();
    let dispatches = events
        .iter()
        .map(|expected| {
            let before = handler.calls();
            (
                dispatch(&expected.webhook, &handler),
                handler.calls() - before,
            )
        })
        .collect();
    check_default_dispatches(&events, dispatches);
    let (_, unknown, _) = unknown_fixture();
    assert_eq!(dispatch(&unknown, &handler), Ok(Dispatched::Unhandled));
    handler.check_only_customer_created_ran();

    // And through `receive`: 200 for everything, Unhandled where only a default ran.
    let verifier = WebhookVerifier::new(SECRET);
    let now = now_unix();
    for expected in expectations() {
        let header = sign(SECRET, now, &expected.body);
        let outcome = receive(&expected.body, Some(&header), &verifier, &handler);
        assert_eq!(outcome.status(), 200, "{}: {outcome:?}", expected.file);
        let event_name = expected.record.event;
        let reason = if event_name == "customer.created" {
            assert!(matches!(outcome, Outcome::Handled { .. }), "{outcome:?}");
            format!("handled {event_name}")
        } else {
            assert!(matches!(outcome, Outcome::Unhandled { .. }), "{outcome:?}");
            format!("unhandled {event_name}: no handler method for it")
        };
        assert_eq!(outcome.reason(), reason);
    }
    assert_eq!(handler.calls(), 2);
}

#[tokio::test]
async fn default_async_methods_do_nothing_and_report_unhandled() {
    let handler = OnlyCustomerCreated::default();
    let events = expectations();
    let mut dispatches = Vec::new();
    for expected in &events {
        let before = handler.calls();
        let result = dispatch_async(&expected.webhook, &handler).await;
        dispatches.push((result, handler.calls() - before));
    }
    check_default_dispatches(&events, dispatches);
    let (_, unknown, _) = unknown_fixture();
    assert_eq!(
        dispatch_async(&unknown, &handler).await,
        Ok(Dispatched::Unhandled)
    );
    handler.check_only_customer_created_ran();
}

/// Implements nothing at all.
struct Nothing;
impl WebhookHandler for Nothing {
    type Error = std::convert::Infallible;
}
impl AsyncWebhookHandler for Nothing {
    type Error = std::convert::Infallible;
}

#[track_caller]
fn assert_unhandled(outcome: &Outcome<std::convert::Infallible>, event: &str) {
    assert!(
        matches!(outcome, Outcome::Unhandled { event_name } if event_name == event),
        "{outcome:?}"
    );
    assert_eq!(outcome.status(), 200);
}

#[tokio::test]
async fn a_handler_with_no_methods_leaves_everything_unhandled() {
    let verifier = WebhookVerifier::new(SECRET);
    let now = now_unix();
    let mut unhandled = 0;
    for expected in expectations() {
        let header = sign(SECRET, now, &expected.body);
        let outcome = receive(&expected.body, Some(&header), &verifier, &Nothing);
        assert_unhandled(&outcome, &expected.record.event);
        let outcome = receive_async(&expected.body, Some(&header), &verifier, &Nothing).await;
        assert_unhandled(&outcome, &expected.record.event);
        unhandled += 1;
    }
    assert_eq!(unhandled, 27);

    let (body, _, _) = unknown_fixture();
    let header = sign(SECRET, now, &body);
    let outcome = receive(&body, Some(&header), &verifier, &Nothing);
    assert_unhandled(&outcome, UNKNOWN_EVENT);
    assert_eq!(
        outcome.reason(),
        format!("unhandled unknown event type {UNKNOWN_EVENT}: no handler method for it")
    );
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
        Err(format!("refusing {}", meta.event_name))
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
        Err(format!("refusing {}", meta.event_name))
    }
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
    assert_eq!(dispatch(&completed, &handler), Ok(Dispatched::Handled));
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
    assert_eq!(
        dispatch_async(&completed, &handler).await,
        Ok(Dispatched::Handled)
    );
    assert_eq!(handler.ok_calls.load(Ordering::SeqCst), 1);
    let (_, unknown, _) = unknown_fixture();
    assert_eq!(
        dispatch_async(&unknown, &handler).await,
        Err(format!("refusing {UNKNOWN_EVENT}"))
    );
}

#[track_caller]
fn assert_handler_failed(outcome: Outcome<String>, event: &str, error: &str) {
    assert_eq!(outcome.status(), 500);
    assert!(!outcome.is_success());
    assert_eq!(outcome.event_name(), Some(event));
    assert_eq!(outcome.reason(), format!("handler failed for {event}"));
    assert_eq!(
        outcome.to_string(),
        format!("handler failed for {event}: {error}")
    );
    match outcome {
        Outcome::HandlerFailed {
            event_name: got_event,
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

    // A failing on_unknown is a failure too.
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
    let cases = vec![
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
    ];
    assert_eq!(cases.len(), 8);
    cases
}

/// The outcome of a failure case: its status and reason, and the handler never ran.
#[track_caller]
fn check_failure_outcome(case: &str, outcome: &Outcome<String>, status: u16, handler: &Recorder) {
    assert_eq!(handler.records().len(), 0, "{case}: handler ran");
    assert_eq!(outcome.status(), status, "{case}: {outcome:?}");
    assert!(!outcome.is_success(), "{case}");
    let Outcome::Rejected(rejection) = outcome else {
        panic!("{case}: expected a rejection, got {outcome:?}");
    };
    assert_eq!(rejection.status(), status, "{case}");
    assert_eq!(rejection.reason(), outcome.reason(), "{case}");
    match (case, rejection) {
        (
            "no header" | "empty header" | "blank header",
            WebhookRejection::Signature(SignatureError::MissingHeader),
        ) => {
            assert_eq!(outcome.reason(), "missing Steppay-Signature header");
            assert_eq!(outcome.event_name(), None);
        }
        ("signed non-JSON body", WebhookRejection::Unreadable(_)) => {
            assert!(
                outcome.reason().starts_with("invalid webhook body: "),
                "{}",
                outcome.reason()
            );
        }
        (
            "signed with another secret" | "tampered body",
            WebhookRejection::Signature(SignatureError::NoMatch),
        ) => {
            assert_eq!(
                outcome.reason(),
                "invalid signature: no signature matches the body"
            );
            assert_eq!(outcome.event_name(), None);
        }
        (
            "stale timestamp",
            WebhookRejection::Signature(SignatureError::TimestampTooOld { age, tolerance }),
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
            WebhookRejection::Signature(SignatureError::InvalidTimestamp { value }),
        ) => assert_eq!(value, "abc"),
        (case, other) => panic!("{case}: unexpected outcome {other:?}"),
    }
}

/// The outcome of receiving a correctly signed body: 200 Handled, after exactly the
/// expected handler call (`record`).
#[track_caller]
fn check_handled(outcome: &Outcome<String>, record: Record, handler: &Recorder) {
    let event = record.event.clone();
    assert_eq!(outcome.status(), 200, "{event}: {outcome:?}");
    assert!(outcome.is_success());
    assert_eq!(outcome.event_name(), Some(event.as_str()));
    assert_eq!(outcome.reason(), format!("handled {event}"));
    assert!(
        matches!(outcome, Outcome::Handled { event_name } if *event_name == event),
        "{outcome:?}"
    );
    assert_eq!(handler.take(), vec![record]);
}

/// What `receive` / `receive_async` must answer for one body: handled, after exactly this
/// handler call, or one of [`failure_cases`].
enum Expect {
    Handled(Record),
    Failure(&'static str, u16),
}

/// Every body the status tests send, with its header: the 27 events, the unknown one (the
/// recorder's own `on_unknown` handles it) and the failure cases. The sync and async tests
/// run the very same list.
fn status_cases() -> Vec<(Vec<u8>, Option<String>, Expect)> {
    let now = now_unix();
    let mut cases: Vec<_> = expectations()
        .into_iter()
        .map(|e| (sign(SECRET, now, &e.body), e.body, e.record))
        .chain(std::iter::once({
            let (body, _, record) = unknown_fixture();
            (sign(SECRET, now, &body), body, record)
        }))
        .map(|(header, body, record)| (body, Some(header), Expect::Handled(record)))
        .collect();
    assert_eq!(cases.len(), 28);
    for (case, body, header, status) in failure_cases(now) {
        cases.push((body, header, Expect::Failure(case, status)));
    }
    cases
}

#[track_caller]
fn check_outcome(outcome: &Outcome<String>, expect: Expect, handler: &Recorder) {
    match expect {
        Expect::Handled(record) => check_handled(outcome, record, handler),
        Expect::Failure(case, status) => check_failure_outcome(case, outcome, status, handler),
    }
}

#[test]
fn receive_statuses() {
    let (verifier, handler) = (WebhookVerifier::new(SECRET), Recorder::default());
    for (body, header, expect) in status_cases() {
        let outcome = receive(&body, header.as_deref(), &verifier, &handler);
        check_outcome(&outcome, expect, &handler);
    }
}

#[tokio::test]
async fn receive_async_statuses() {
    let (verifier, handler) = (WebhookVerifier::new(SECRET), Recorder::default());
    for (body, header, expect) in status_cases() {
        let outcome = receive_async(&body, header.as_deref(), &verifier, &handler).await;
        check_outcome(&outcome, expect, &handler);
    }
}

#[test]
fn receive_accepts_a_header_with_surrounding_whitespace() {
    let verifier = WebhookVerifier::new(SECRET);
    let handler = Recorder::default();
    let body = fixture("order.created");
    let header = format!("  {}  ", sign(SECRET, now_unix(), &body));
    let outcome = receive(&body, Some(&header), &verifier, &handler);
    assert_eq!(outcome.status(), 200, "{outcome:?}");
    assert_eq!(handler.take().len(), 1);
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

    let handler = Recorder::default();
    let future = dispatch_async(&webhook, &handler);
    assert_send(&future);
    assert_eq!(future.await, Ok(Dispatched::Handled));
    let future = receive_async(&body, Some(&header), &verifier, &handler);
    assert_send(&future);
    assert_eq!(future.await.status(), 200);
    assert_eq!(handler.take().len(), 2);

    let future = dispatch_async(&webhook, &Nothing);
    assert_send(&future);
    assert_eq!(future.await, Ok(Dispatched::Unhandled));

    // The future stays Send even when the handler's error type is not.
    let future = dispatch_async(&webhook, &RcError);
    assert_send(&future);
    assert!(future.await.is_ok());
    let future = receive_async(&body, Some(&header), &verifier, &RcError);
    assert_send(&future);
    assert_eq!(future.await.status(), 200);

    // And it really runs on another worker thread.
    let handler = std::sync::Arc::new(Recorder::default());
    let task_handler = handler.clone();
    let status = tokio::spawn(async move {
        receive_async(&body, Some(&header), &verifier, &*task_handler)
            .await
            .status()
    })
    .await
    .expect("task");
    assert_eq!(status, 200);
    assert_eq!(handler.take().len(), 1);
}
