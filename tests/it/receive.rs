//! `receive` beyond the happy path: authentic bodies the crate cannot read reach
//! `on_unreadable`, handlers given through pointers, and `WebhookReceiver`'s body limit.

use std::sync::Arc;

use serde_json::Value;
use steppay_webhook::{
    dispatch, parse_webhook, receive, receive_async, sign, Dispatched, Error, Outcome,
    WebhookHandler, WebhookReceiver, WebhookRejection, WebhookVerifier, DEFAULT_BODY_LIMIT,
};

use crate::support::recorder::{Recorder, HANDLER_ERROR};
use crate::support::{fixture, now_unix, read_fixture, unreadable_body};

const SECRET: &str = "whsec_receive_test_2a9e4b";

/// Implements nothing: every method is a default.
struct Nothing;
impl WebhookHandler for Nothing {
    type Error = std::convert::Infallible;
}

fn signed(body: &[u8]) -> String {
    sign(SECRET, now_unix(), body)
}

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(SECRET)
}

// ---------------------------------------------------------------------------------------
// Authentic but unreadable
// ---------------------------------------------------------------------------------------

#[test]
fn an_unreadable_body_is_not_acknowledged_by_default() {
    let body = unreadable_body();
    let outcome = receive(&body, Some(&signed(&body)), &verifier(), &Nothing);
    assert_eq!(outcome.status(), 400);
    assert!(!outcome.is_success());
    assert_eq!(outcome.event_name(), Some("payment.completed"));
    assert_eq!(
        outcome.reason(),
        "invalid webhook body: payment.completed: data: missing field `paymentId`"
    );
    match outcome {
        Outcome::Rejected(WebhookRejection::Unreadable(Error::InvalidData(invalid))) => {
            assert_eq!(invalid.path(), "data");
        }
        other => panic!("expected an unreadable rejection, got {other:?}"),
    }
}

/// The `on_unreadable` call `recorder` recorded for `body`: the envelope, the path and
/// message, and the raw data equal to the body's `data`.
#[track_caller]
fn assert_unreadable_recorded(recorder: &Recorder, body: &[u8]) {
    let records = recorder.take();
    assert_eq!(records.len(), 1, "{records:?}");
    let record = &records[0];
    let sent: Value = serde_json::from_slice(body).expect("JSON");
    assert_eq!(record.method, "on_unreadable");
    assert_eq!(record.event, "payment.completed");
    assert_eq!(
        record.timestamp,
        sent["timestamp"].as_i64().expect("timestamp")
    );
    assert_eq!(record.version, "v1");
    assert_eq!(record.key, "data: missing field `paymentId`");
    assert_eq!(record.raw.as_ref(), Some(&sent["data"]));
}

#[track_caller]
fn assert_acknowledged(outcome: &Outcome<String>) {
    assert_eq!(outcome.status(), 200, "{outcome:?}");
    assert!(
        matches!(outcome, Outcome::UnreadableAcknowledged { error } if error.event_name() == Some("payment.completed")),
        "{outcome:?}"
    );
    assert_eq!(
        outcome.reason(),
        "acknowledged unreadable webhook body: payment.completed: data: missing field `paymentId`"
    );
}

#[tokio::test]
async fn an_override_of_on_unreadable_gets_the_raw_data_and_acknowledges() {
    let recorder = Recorder::default();
    let body = unreadable_body();
    let header = signed(&body);

    let outcome = receive(&body, Some(&header), &verifier(), &recorder);
    assert_acknowledged(&outcome);
    assert_unreadable_recorded(&recorder, &body);

    let outcome = receive_async(&body, Some(&header), &verifier(), &recorder).await;
    assert_acknowledged(&outcome);
    assert_unreadable_recorded(&recorder, &body);
}

#[tokio::test]
async fn a_failing_on_unreadable_answers_500() {
    let recorder = Recorder::default();
    recorder.fail_on(Some("payment.completed"));
    let body = unreadable_body();
    let header = signed(&body);
    let outcomes = [
        receive(&body, Some(&header), &verifier(), &recorder),
        receive_async(&body, Some(&header), &verifier(), &recorder).await,
    ];
    for outcome in outcomes {
        assert_eq!(outcome.status(), 500);
        assert_eq!(
            outcome.to_string(),
            format!("handler failed for payment.completed: {HANDLER_ERROR}")
        );
    }
    assert!(recorder.take().is_empty());
}

#[test]
fn an_unreadable_envelope_reaches_no_handler() {
    let recorder = Recorder::default();
    for path in [
        "edge/invalid/missing-event.json",
        "edge/invalid/array-body.json",
    ] {
        let body = read_fixture(path);
        let outcome = receive(&body, Some(&signed(&body)), &verifier(), &recorder);
        assert_eq!(outcome.status(), 400, "{path}");
        assert!(
            matches!(outcome, Outcome::Rejected(WebhookRejection::Unreadable(_))),
            "{path}: {outcome:?}"
        );
    }
    assert!(recorder.take().is_empty());
}

// ---------------------------------------------------------------------------------------
// Handlers through pointers
// ---------------------------------------------------------------------------------------

#[test]
fn handlers_work_through_arc_box_and_references() {
    let recorder = Recorder::default();
    let body = fixture("payment.completed");
    let header = signed(&body);
    let webhook = parse_webhook(&body).expect("parses");
    let v = verifier();

    let shared = Arc::new(recorder.clone());
    let boxed: Box<Recorder> = Box::new(recorder.clone());
    let dynamic: Box<dyn WebhookHandler<Error = String>> = Box::new(recorder.clone());
    let outcomes = [
        ("Arc", receive(&body, Some(&header), &v, &shared)),
        ("Box", receive(&body, Some(&header), &v, &boxed)),
        ("&", receive(&body, Some(&header), &v, &&recorder)),
        ("Box<dyn>", receive(&body, Some(&header), &v, &dynamic)),
    ];
    for (pointer, outcome) in outcomes {
        assert!(
            matches!(outcome, Outcome::Handled { .. }),
            "{pointer}: {outcome:?}"
        );
    }
    assert_eq!(recorder.take().len(), 4);

    // A default reached through a pointer is still reported unhandled.
    assert_eq!(
        dispatch(&webhook, &Arc::new(Nothing)),
        Ok(Dispatched::Unhandled)
    );
    assert_eq!(
        dispatch(&webhook, &Box::new(&Nothing)),
        Ok(Dispatched::Unhandled)
    );
}

// ---------------------------------------------------------------------------------------
// WebhookReceiver
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_receiver_answers_413_over_its_limit() {
    let body = fixture("payment.completed");
    let header = signed(&body);
    let receiver = WebhookReceiver::new(verifier(), Recorder::default());
    assert_eq!(receiver.body_limit(), DEFAULT_BODY_LIMIT);
    assert_eq!(receiver.receive(&body, Some(&header)).status(), 200);

    for limit in [body.len(), body.len() - 1] {
        let receiver = WebhookReceiver::new(verifier(), Recorder::default()).with_body_limit(limit);
        let outcomes = [
            receiver.receive(&body, Some(&header)),
            receiver.receive_async(&body, Some(&header)).await,
        ];
        for outcome in outcomes {
            if limit == body.len() {
                assert_eq!(outcome.status(), 200, "limit {limit}: {outcome:?}");
                continue;
            }
            assert_eq!(outcome.status(), 413, "limit {limit}");
            assert!(matches!(
                outcome,
                Outcome::Rejected(WebhookRejection::BodyTooLarge { limit: Some(l) }) if l == limit
            ));
        }
        let calls = if limit == body.len() { 2 } else { 0 };
        assert_eq!(receiver.handler().calls(), calls, "limit {limit}");
    }
}
