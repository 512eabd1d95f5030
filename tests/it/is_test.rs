//! StepPay's test-mode flag, the envelope's fifth field `isTest` (spec section 9): read as
//! sent, written back only when sent and after `data`, a wrong type named, and handed to
//! handlers (`WebhookMeta::is_test`), `on_unreadable` and the log.

use std::sync::Mutex;

use serde_json::Value;
use steppay_webhook::{
    dispatch, dispatch_async, parse_webhook, receive, sign_with_label, AsyncWebhookHandler,
    Dispatched, Error, Event, Outcome, Payment, UnreadableData, WebhookHandler, WebhookMeta,
    WebhookVerifier,
};

use crate::support::logs::Capture;
use crate::support::{capture_body, CAPTURE_TIMESTAMP};

const SECRET: &str = "whsec_test_mode_3c9a71";

/// The captured delivery's body with its `"isTest":false` tail replaced by `tail`
/// (`,"isTest":true}`, `}` for none, ...).
fn with_tail(tail: &str) -> Vec<u8> {
    let body = String::from_utf8(capture_body()).expect("UTF-8");
    let head = body
        .strip_suffix(r#","isTest":false}"#)
        .expect("the capture ends with isTest");
    format!("{head}{tail}").into_bytes()
}

/// The three forms a delivery can take: `isTest` true, false, absent.
fn three_forms() -> [(&'static str, Vec<u8>, Option<bool>); 3] {
    [
        ("true", with_tail(r#","isTest":true}"#), Some(true)),
        ("false", capture_body(), Some(false)),
        ("absent", with_tail("}"), None),
    ]
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("UTF-8")
}

// ---------------------------------------------------------------------------------------
// Parse and serialize
// ---------------------------------------------------------------------------------------

#[test]
fn is_test_reads_true_false_and_absent() {
    for (name, body, expected) in three_forms() {
        let webhook = parse_webhook(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(webhook.is_test, expected, "{name}");
        assert_eq!(webhook.is_test(), expected == Some(true), "{name}");
        // The rest of the envelope is unaffected.
        assert_eq!(webhook.timestamp, CAPTURE_TIMESTAMP, "{name}");
        assert_eq!(webhook.event_name(), "payment.completed", "{name}");
    }
}

#[test]
fn is_test_null_reads_as_absent() {
    let webhook = parse_webhook(&with_tail(r#","isTest":null}"#)).expect("parses");
    assert_eq!(webhook.is_test, None);
    assert!(!webhook.is_test());
    let out = serde_json::to_vec(&webhook).expect("serializes");
    assert!(!text(&out).contains("isTest"), "{}", text(&out));
}

#[test]
fn is_test_round_trips_as_sent_after_data() {
    for (name, body, expected) in three_forms() {
        let webhook = parse_webhook(&body).expect("parses");
        let out = serde_json::to_vec(&webhook).expect("serializes");
        let out_text = text(&out);

        // The field's bytes: `,"isTest":<value>}` closing the object right after `data`,
        // exactly as in the input; or no `isTest` at all.
        let field = |bytes: &[u8]| {
            let t = text(bytes);
            t.find(r#""isTest""#).map(|at| t[at..].to_owned())
        };
        assert_eq!(field(&out), field(&body), "{name}: {out_text}");
        match expected {
            Some(value) => {
                assert!(
                    out_text.ends_with(&format!(r#"}},"isTest":{value}}}"#)),
                    "{name}: {out_text}"
                );
                assert_eq!(out_text.matches("isTest").count(), 1, "{name}");
            }
            None => assert!(!out_text.contains("isTest"), "{name}: {out_text}"),
        }
        // Key order of the envelope: timestamp, version, event, data, then isTest.
        let at = |key: &str| out_text.find(&format!(r#""{key}":"#)).expect(key);
        assert!(at("timestamp") < at("version") && at("version") < at("event"));
        assert!(at("event") < at("data"), "{name}");

        // Parsing what was written gives the same webhook back.
        let again = parse_webhook(&out).expect("reparses");
        assert_eq!(again, webhook, "{name}");
        assert_eq!(again.is_test, expected, "{name}");
    }
}

#[test]
fn is_test_before_data_reads_the_same() {
    let body = br#"{"isTest":true,"data":{"id":42},"event":"customer.deleted","version":"v1","timestamp":1690943620}"#;
    let webhook = parse_webhook(body).expect("parses");
    assert_eq!(webhook.is_test, Some(true));
    // Written back in StepPay's order.
    let out = serde_json::to_string(&webhook).expect("serializes");
    assert!(
        out.starts_with(
            r#"{"timestamp":1690943620,"version":"v1","event":"customer.deleted","data":{"#
        ),
        "{out}"
    );
    assert!(out.ends_with(r#"},"isTest":true}"#), "{out}");
}

#[test]
fn a_wrong_type_is_an_envelope_error_naming_is_test() {
    let cases = [
        (
            r#""yes""#,
            r#"invalid type: string "yes", expected a boolean"#,
        ),
        (
            r#""false""#,
            r#"invalid type: string "false", expected a boolean"#,
        ),
        ("1", "invalid type: integer `1`, expected a boolean"),
        ("0", "invalid type: integer `0`, expected a boolean"),
        ("[]", "invalid type: sequence, expected a boolean"),
        ("{}", "invalid type: map, expected a boolean"),
    ];
    for (value, message) in cases {
        let body = with_tail(&format!(r#","isTest":{value}}}"#));
        let error = parse_webhook(&body).expect_err(value);
        match &error {
            Error::InvalidEnvelope {
                path, message: got, ..
            } => {
                assert_eq!(path, "isTest", "{value}");
                assert_eq!(got, message, "{value}");
            }
            other => panic!("{value}: expected InvalidEnvelope, got {other:?}"),
        }
        assert_eq!(error.path(), Some("isTest"));
        assert_eq!(error.to_string(), format!("envelope: isTest: {message}"));
    }
}

#[test]
fn a_repeated_is_test_is_an_envelope_error() {
    let body = with_tail(r#","isTest":false,"isTest":true}"#);
    let error = parse_webhook(&body).expect_err("two isTest");
    assert!(
        matches!(&error, Error::InvalidEnvelope { message, .. } if message == "duplicate field `isTest`"),
        "{error:?}"
    );
}

#[test]
fn unreadable_data_keeps_is_test() {
    // `paymentId` removed: the envelope is read, `data` is not.
    for (name, body, expected) in three_forms() {
        let body = text(&body).replace(r#""paymentId":418802,"#, "");
        let error = parse_webhook(body.as_bytes()).expect_err(name);
        match &error {
            Error::InvalidData(invalid) => {
                assert_eq!(invalid.is_test_as_sent(), expected, "{name}");
                assert_eq!(invalid.is_test(), expected == Some(true), "{name}");
                assert_eq!(invalid.path(), "data", "{name}");
            }
            other => panic!("{name}: expected InvalidData, got {other:?}"),
        }
        assert!(format!("{error:?}").contains(&format!("is_test: {expected:?}")));
    }
}

// ---------------------------------------------------------------------------------------
// WebhookMeta and the handlers
// ---------------------------------------------------------------------------------------

#[test]
fn meta_is_test_is_false_unless_the_delivery_said_true() {
    for (name, body, expected) in three_forms() {
        let webhook = parse_webhook(&body).expect("parses");
        assert_eq!(
            WebhookMeta::of(&webhook).is_test,
            expected == Some(true),
            "{name}"
        );
    }
    let meta = WebhookMeta::new(CAPTURE_TIMESTAMP, "v1", "payment.completed");
    assert!(!meta.is_test);
    let test_mode = meta.with_is_test(true);
    assert!(test_mode.is_test);
    assert_ne!(meta, test_mode);
    assert_eq!(test_mode.with_is_test(false), meta);
    assert!(format!("{test_mode:?}").contains("is_test: true"));
}

/// What each handler call saw: (method, `meta.is_test`, payment id or unreadable path).
#[derive(Default)]
struct Seen(Mutex<Vec<(&'static str, bool, String)>>);

impl Seen {
    fn push(&self, method: &'static str, meta: WebhookMeta<'_>, what: String) {
        self.0
            .lock()
            .expect("lock")
            .push((method, meta.is_test, what));
    }

    fn take(&self) -> Vec<(&'static str, bool, String)> {
        std::mem::take(&mut *self.0.lock().expect("lock"))
    }
}

impl WebhookHandler for Seen {
    type Error = String;

    fn on_payment_completed(&self, meta: WebhookMeta<'_>, p: &Payment) -> Result<(), String> {
        self.push("on_payment_completed", meta, p.payment_id.to_string());
        Ok(())
    }

    fn on_unreadable(&self, meta: WebhookMeta<'_>, d: &UnreadableData<'_>) -> Result<(), String> {
        self.push("on_unreadable", meta, d.path().to_owned());
        Ok(())
    }
}

impl AsyncWebhookHandler for Seen {
    type Error = String;

    async fn on_payment_completed(&self, meta: WebhookMeta<'_>, p: &Payment) -> Result<(), String> {
        self.push("on_payment_completed", meta, p.payment_id.to_string());
        Ok(())
    }

    async fn on_unreadable(
        &self,
        meta: WebhookMeta<'_>,
        d: &UnreadableData<'_>,
    ) -> Result<(), String> {
        self.push("on_unreadable", meta, d.path().to_owned());
        Ok(())
    }
}

#[tokio::test]
async fn handlers_see_is_test_in_meta() {
    let seen = Seen::default();
    for (name, body, expected) in three_forms() {
        let webhook = parse_webhook(&body).expect("parses");
        let is_test = expected == Some(true);
        assert_eq!(dispatch(&webhook, &seen), Ok(Dispatched::Handled));
        assert_eq!(
            dispatch_async(&webhook, &seen).await,
            Ok(Dispatched::Handled)
        );
        let payment = ("on_payment_completed", is_test, "418802".to_owned());
        assert_eq!(seen.take(), [payment.clone(), payment], "{name}");
    }
}

#[test]
fn on_unreadable_sees_is_test_in_meta() {
    let verifier = WebhookVerifier::new(SECRET).without_timestamp_check();
    let seen = Seen::default();
    for (name, body, expected) in three_forms() {
        let body = text(&body).replace(r#""paymentId":418802,"#, "");
        let header = sign_with_label(SECRET, CAPTURE_TIMESTAMP, body.as_bytes(), "v0");
        let outcome = receive(body.as_bytes(), Some(&header), &verifier, &seen);
        assert!(
            matches!(outcome, Outcome::UnreadableAcknowledged { .. }),
            "{name}: {outcome:?}"
        );
        let is_test = expected == Some(true);
        assert_eq!(seen.take(), [("on_unreadable", is_test, "data".to_owned())]);
    }
}

/// The documented way to skip StepPay's test deliveries in production: check
/// `meta.is_test` first and acknowledge.
struct Production {
    recorded: Mutex<Vec<i64>>,
}

impl WebhookHandler for Production {
    type Error = String;

    fn on_payment_completed(&self, meta: WebhookMeta<'_>, p: &Payment) -> Result<(), String> {
        if meta.is_test {
            return Ok(());
        }
        self.recorded.lock().expect("lock").push(p.payment_id);
        Ok(())
    }
}

#[test]
fn a_production_handler_acknowledges_test_deliveries_without_acting() {
    let verifier = WebhookVerifier::new(SECRET).without_timestamp_check();
    let shop = Production {
        recorded: Mutex::new(Vec::new()),
    };
    for (name, body, expected) in three_forms() {
        let header = sign_with_label(SECRET, CAPTURE_TIMESTAMP, &body, "v0");
        let outcome = receive(&body, Some(&header), &verifier, &shop);
        assert_eq!(outcome.status(), 200, "{name}");
        assert!(matches!(outcome, Outcome::Handled { .. }), "{name}");
        let recorded = std::mem::take(&mut *shop.recorded.lock().expect("lock"));
        let acted = if expected == Some(true) {
            vec![]
        } else {
            vec![418802]
        };
        assert_eq!(recorded, acted, "{name}");
    }
}

// ---------------------------------------------------------------------------------------
// The log
// ---------------------------------------------------------------------------------------

#[test]
fn receive_logs_is_test_whenever_the_envelope_was_read() {
    let verifier = WebhookVerifier::new(SECRET).without_timestamp_check();
    let capture = Capture::new();
    let seen = Seen::default();
    let _in_capture = capture.span().entered();

    let sign = |body: &[u8]| sign_with_label(SECRET, CAPTURE_TIMESTAMP, body, "v0");
    for (name, body, expected) in three_forms() {
        let outcome = receive(&body, Some(&sign(&body)), &verifier, &seen);
        assert_eq!(outcome.status(), 200, "{name}");
        let records = capture.take();
        assert_eq!(records.len(), 1, "{name}: {records:?}");
        let logged = (expected == Some(true)).to_string();
        assert_eq!(records[0].field("is_test"), Some(logged.as_str()), "{name}");
        assert_eq!(records[0].field("outcome"), Some("handled"), "{name}");
    }

    // An unreadable body that nobody acknowledges: its envelope was read.
    struct Nothing;
    impl WebhookHandler for Nothing {
        type Error = String;
    }
    let unreadable = text(&with_tail(r#","isTest":true}"#)).replace(r#""paymentId":418802,"#, "");
    let outcome = receive(
        unreadable.as_bytes(),
        Some(&sign(unreadable.as_bytes())),
        &verifier,
        &Nothing,
    );
    assert_eq!(outcome.status(), 400);
    let records = capture.take();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].field("outcome"), Some("rejected"));
    assert_eq!(records[0].field("is_test"), Some("true"));

    // Refused before the body was read: no is_test field at all.
    let body = with_tail(r#","isTest":true}"#);
    for header in [None, Some("timestamp=1690943620,v0=AAAA")] {
        let outcome = receive(&body, header, &verifier, &seen);
        assert!(!outcome.is_success());
        let records = capture.take();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].field("is_test"), None, "{header:?}");
    }
    // A body whose isTest is of the wrong type is refused as unreadable, without the field.
    let bad = with_tail(r#","isTest":"yes"}"#);
    let outcome = receive(&bad, Some(&sign(&bad)), &verifier, &seen);
    assert_eq!(outcome.status(), 400);
    let records = capture.take();
    assert_eq!(records[0].field("is_test"), None);
    assert_eq!(records[0].field("path"), Some("isTest"));
    assert_eq!(seen.take().len(), 3);
}

#[test]
fn the_typed_event_is_the_same_whatever_is_test_says() {
    let events: Vec<Event> = three_forms()
        .into_iter()
        .map(|(_, body, _)| parse_webhook(&body).expect("parses").event)
        .collect();
    assert_eq!(events[0], events[1]);
    assert_eq!(events[1], events[2]);
    let json: Value = serde_json::from_slice(&capture_body()).expect("JSON");
    assert_eq!(json["isTest"], Value::Bool(false));
}
