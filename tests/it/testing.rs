//! The testing kit (feature `testing`): samples, typed samples, `sign_now`,
//! `signed_request`, and receiving with an injected clock.
#![cfg(feature = "testing")]

use serde_json::Value;
use steppay_webhook::testing::{
    sample, sample_at, sample_cover, sample_customer, sample_invoice, sample_order, sample_payment,
    sample_price, sample_product, sample_subscription, sample_usage, sample_webhook, set_is_test,
    sign_now, signed_request, webhook,
};
use steppay_webhook::{
    parse_webhook, receive_async_at, receive_at, sign, Event, EventType, Outcome, SignatureError,
    WebhookReceiver, WebhookRejection, WebhookVerifier, DEFAULT_TOLERANCE, SIGNATURE_HEADER,
};

use crate::support::recorder::Recorder;
use crate::support::{fixture, now_unix};

const SECRET: &str = "whsec_testing_kit_3f9a";

/// The JSON of `body` without its envelope `timestamp`.
fn without_timestamp(body: &[u8]) -> Value {
    let mut json: Value = serde_json::from_slice(body).expect("JSON");
    json.as_object_mut().expect("object").remove("timestamp");
    json
}

fn timestamp_of(body: &[u8]) -> i64 {
    let json: Value = serde_json::from_slice(body).expect("JSON");
    json["timestamp"].as_i64().expect("timestamp")
}

// ---------------------------------------------------------------------------------------
// Samples
// ---------------------------------------------------------------------------------------

#[test]
fn every_sample_is_its_own_event_type_sent_now() {
    for kind in EventType::iter() {
        let before = now_unix();
        let body = sample(kind);
        let after = now_unix();

        let webhook = parse_webhook(&body).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(webhook.event_type(), Some(kind), "{kind}");
        assert!(
            (before..=after).contains(&webhook.timestamp),
            "{kind}: timestamp {} not in {before}..={after}",
            webhook.timestamp
        );
        // Everything but the timestamp is the fixture's.
        let fixture = fixture(kind.as_str());
        assert_eq!(
            without_timestamp(&body),
            without_timestamp(&fixture),
            "{kind}"
        );
    }
}

#[test]
fn sample_at_changes_only_the_timestamp_text() {
    for kind in EventType::iter() {
        let fixture = fixture(kind.as_str());
        let original = timestamp_of(&fixture);
        // With the fixture's own timestamp, the fixture byte for byte.
        assert_eq!(sample_at(kind, original), fixture, "{kind}");

        let body = sample_at(kind, 1_800_000_000);
        assert_eq!(timestamp_of(&body), 1_800_000_000, "{kind}");
        let text = String::from_utf8(body).expect("UTF-8");
        let expected = String::from_utf8(fixture.clone()).expect("UTF-8").replacen(
            &format!("\"timestamp\": {original}"),
            "\"timestamp\": 1800000000",
            1,
        );
        assert_eq!(text, expected, "{kind}");
    }
}

#[test]
fn set_is_test_adds_or_replaces_the_flag_and_keeps_the_rest() {
    for kind in EventType::iter() {
        let body = sample_at(kind, 1_795_046_400);
        let marked = set_is_test(&body, true).expect("an object");

        let json: Value = serde_json::from_slice(&marked).expect("JSON");
        assert_eq!(json["isTest"], Value::Bool(true), "{kind}");
        assert_eq!(
            parse_webhook(&marked).expect("parses").event_type(),
            Some(kind)
        );
        // The flag is added after the last member, in the fixture's layout; the rest of
        // the text is unchanged.
        let text = String::from_utf8(marked.clone()).expect("UTF-8");
        let original = String::from_utf8(body.clone()).expect("UTF-8");
        assert_eq!(
            text.replacen(",\n  \"isTest\": true", "", 1),
            original,
            "{kind}"
        );

        // Present already: replaced in place.
        let unmarked = set_is_test(&marked, false).expect("an object");
        assert_eq!(
            String::from_utf8(unmarked).expect("UTF-8"),
            text.replacen("\"isTest\": true", "\"isTest\": false", 1)
        );
    }
}

#[test]
fn set_is_test_refuses_what_is_not_a_json_object() {
    for body in [&b"[1]"[..], b"not json", b"", b"\"text\""] {
        assert!(set_is_test(body, true).is_err(), "{body:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Typed samples
// ---------------------------------------------------------------------------------------

/// The typed data of the fixture of `kind`, parsed independently of the kit.
fn fixture_event(kind: EventType) -> Event {
    parse_webhook(&fixture(kind.as_str()))
        .expect("fixture parses")
        .event
}

#[test]
fn typed_samples_are_the_data_of_their_fixture() {
    use EventType as T;
    let cases: Vec<(EventType, Event)> = vec![
        (
            T::OrderCreated,
            Event::OrderCreated(Box::new(sample_order())),
        ),
        (
            T::SubscriptionCreated,
            Event::SubscriptionCreated(Box::new(sample_subscription())),
        ),
        (
            T::SubscriptionUsageAdded,
            Event::SubscriptionUsageAdded(Box::new(sample_usage())),
        ),
        (
            T::InvoiceCreated,
            Event::InvoiceCreated(Box::new(sample_invoice())),
        ),
        (
            T::PaymentCompleted,
            Event::PaymentCompleted(Box::new(sample_payment())),
        ),
        (
            T::CustomerCreated,
            Event::CustomerCreated(Box::new(sample_customer())),
        ),
        (
            T::ProductCreated,
            Event::ProductCreated(Box::new(sample_product())),
        ),
        (
            T::ProductPriceCreated,
            Event::ProductPriceCreated(Box::new(sample_price())),
        ),
        (
            T::CoverSentMessage,
            Event::CoverSentMessage(Box::new(sample_cover())),
        ),
    ];
    for (kind, event) in cases {
        assert_eq!(event, fixture_event(kind), "{kind}");
    }
    // A few values, so that an empty sample cannot pass.
    let payment = sample_payment();
    assert_eq!(payment.payment_id, 781_204);
    assert_eq!(payment.order_id.as_deref(), Some("358102"));
    assert_eq!(sample_order().code, "20261119-00000123");
}

#[test]
fn sample_webhook_and_webhook_serialize_into_bodies_that_parse_back() {
    let mut payment = sample_payment();
    payment.order_id = Some("ORDER-2024-0001".into());
    payment.paid_amount = Some(steppay_webhook::Decimal::new(12_900, 0));
    let event = Event::PaymentFailed(Box::new(payment));

    let before = now_unix();
    let made = webhook(event.clone());
    assert!((before..=now_unix()).contains(&made.timestamp));
    assert_eq!(made.version, "v1");

    let body = serde_json::to_vec(&made).expect("serializes");
    let parsed = parse_webhook(&body).expect("parses");
    assert_eq!(parsed.event, event);
    assert_eq!(parsed.event_name(), "payment.failed");

    let sampled = sample_webhook(EventType::InvoiceDeleted);
    assert_eq!(sampled.event, fixture_event(EventType::InvoiceDeleted));
    let body = serde_json::to_vec(&sampled).expect("serializes");
    assert_eq!(parse_webhook(&body).expect("parses"), sampled);
}

// ---------------------------------------------------------------------------------------
// Signatures and requests
// ---------------------------------------------------------------------------------------

#[test]
fn sign_now_verifies_under_the_default_window() {
    let verifier = WebhookVerifier::new(SECRET);
    assert_eq!(verifier.tolerance(), Some(DEFAULT_TOLERANCE));
    for kind in EventType::iter() {
        let body = sample(kind);
        let before = now_unix();
        let header = sign_now(SECRET, &body);
        let after = now_unix();
        assert_eq!(verifier.verify(&header, &body), Ok(()), "{kind}");
        assert_eq!(
            WebhookVerifier::new("another key").verify(&header, &body),
            Err(SignatureError::NoMatch)
        );

        // Signed now: 301 s later it is too old, 301 s earlier it is in the future.
        assert!(matches!(
            verifier.verify_at(&header, &body, after + 301),
            Err(SignatureError::TimestampTooOld { .. })
        ));
        assert!(matches!(
            verifier.verify_at(&header, &body, before - 301),
            Err(SignatureError::TimestampInFuture { .. })
        ));
    }
}

#[test]
fn signed_request_is_what_steppay_sends() {
    let body = sample(EventType::PaymentStandby);
    let request = signed_request(SECRET, body.clone());
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri(), "/");
    assert_eq!(request.headers()["content-type"], "application/json");
    assert_eq!(request.body(), &body);
    let header = request.headers()[SIGNATURE_HEADER].to_str().expect("ASCII");
    assert!(header.starts_with("timestamp="), "{header}");
    let verifier = WebhookVerifier::new(SECRET);
    assert_eq!(
        verifier.verify_headers(request.headers(), request.body()),
        Ok(())
    );
}

/// The request builder through the crate's axum router, as a merchant's test would call it
/// (tower's `oneshot`): every event type reaches the handler; a wrong key does not.
#[cfg(feature = "axum")]
#[tokio::test]
async fn signed_requests_go_through_the_axum_router() {
    use axum::body::{to_bytes, Body};
    use steppay_webhook::axum::webhook_router;
    use tower::ServiceExt as _;

    let recorder = Recorder::default();
    let app: axum::Router = axum::Router::new().nest(
        "/webhooks/steppay",
        webhook_router(WebhookVerifier::new(SECRET), recorder.clone()),
    );
    for kind in EventType::iter() {
        let mut request = signed_request(SECRET, sample(kind));
        *request.uri_mut() = http::Uri::from_static("/webhooks/steppay");
        let response = app
            .clone()
            .oneshot(request.map(Body::from))
            .await
            .expect("infallible");
        assert_eq!(response.status(), 200, "{kind}");
        let text = to_bytes(response.into_body(), 1024).await.expect("body");
        assert_eq!(text, format!("handled {kind}").as_bytes());
    }
    let seen: Vec<String> = recorder
        .events()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let all: Vec<String> = EventType::iter().map(|kind| kind.to_string()).collect();
    assert_eq!(seen, all);

    let mut forged = signed_request("not the key", sample(EventType::PaymentCompleted));
    *forged.uri_mut() = http::Uri::from_static("/webhooks/steppay");
    let response = app
        .oneshot(forged.map(Body::from))
        .await
        .expect("infallible");
    assert_eq!(response.status(), 401);
    assert_eq!(recorder.calls(), 27);
}

// ---------------------------------------------------------------------------------------
// Receiving with an injected clock
// ---------------------------------------------------------------------------------------

const SENT: i64 = 1_795_046_400;

fn rejection<E>(outcome: &Outcome<E>) -> Option<&SignatureError> {
    match outcome {
        Outcome::Rejected(WebhookRejection::Signature(error)) => Some(error),
        _ => None,
    }
}

#[test]
fn receive_at_accepts_inside_the_window_and_rejects_outside() {
    let body = sample_at(EventType::OrderPaymentCompleted, SENT);
    let header = sign(SECRET, SENT, &body);
    let verifier = WebhookVerifier::new(SECRET);
    let recorder = Recorder::default();
    let receiver = WebhookReceiver::new(verifier.clone(), recorder.clone());

    for now in [SENT - 300, SENT, SENT + 300] {
        let outcome = receive_at(&body, Some(&header), &verifier, &recorder, now);
        assert!(
            matches!(outcome, Outcome::Handled { .. }),
            "at {now}: {outcome:?}"
        );
        let outcome = receiver.receive_at(&body, Some(&header), now);
        assert!(
            matches!(outcome, Outcome::Handled { .. }),
            "at {now}: {outcome:?}"
        );
    }
    assert_eq!(recorder.calls(), 6);

    for (now, too_old) in [(SENT + 301, true), (SENT - 301, false)] {
        for outcome in [
            receive_at(&body, Some(&header), &verifier, &recorder, now),
            receiver.receive_at(&body, Some(&header), now),
        ] {
            assert_eq!(outcome.status(), 401);
            let error = rejection(&outcome).expect("a signature rejection");
            if too_old {
                assert!(
                    matches!(error, SignatureError::TimestampTooOld { .. }),
                    "{error}"
                );
            } else {
                assert!(
                    matches!(error, SignatureError::TimestampInFuture { .. }),
                    "{error}"
                );
            }
        }
    }
    assert_eq!(recorder.calls(), 6, "no handler ran outside the window");
}

#[tokio::test]
async fn receive_async_at_accepts_inside_the_window_and_rejects_outside() {
    let body = sample_at(EventType::CustomerUpdated, SENT);
    let header = sign(SECRET, SENT, &body);
    let verifier = WebhookVerifier::new(SECRET);
    let recorder = Recorder::default();
    let receiver = WebhookReceiver::new(verifier.clone(), recorder.clone());

    let inside = receive_async_at(&body, Some(&header), &verifier, &recorder, SENT + 300).await;
    assert!(matches!(inside, Outcome::Handled { .. }), "{inside:?}");
    let inside = receiver
        .receive_async_at(&body, Some(&header), SENT - 300)
        .await;
    assert!(matches!(inside, Outcome::Handled { .. }), "{inside:?}");

    let outside = receive_async_at(&body, Some(&header), &verifier, &recorder, SENT + 301).await;
    assert!(matches!(
        rejection(&outside),
        Some(SignatureError::TimestampTooOld { .. })
    ));
    let outside = receiver
        .receive_async_at(&body, Some(&header), SENT - 301)
        .await;
    assert!(matches!(
        rejection(&outside),
        Some(SignatureError::TimestampInFuture { .. })
    ));
    assert_eq!(recorder.calls(), 2);
    assert_eq!(recorder.events()[0].0, "customer.updated");
}

#[test]
fn receive_at_keeps_the_body_limit() {
    let body = sample_at(EventType::ProductCreated, SENT);
    let header = sign(SECRET, SENT, &body);
    let receiver =
        WebhookReceiver::new(WebhookVerifier::new(SECRET), Recorder::default()).with_body_limit(64);
    assert_eq!(
        receiver.receive_at(&body, Some(&header), SENT).status(),
        413
    );
}
