//! A kit for testing your webhook handlers (feature `testing`): realistic bodies for every
//! event type with a fresh timestamp ([`sample`]), typed samples to change in a test
//! ([`sample_payment`], [`sample_webhook`], ...), signatures made with the current time
//! ([`sign_now`]) and a signed `http::Request` for your router ([`signed_request`]).
//!
//! Enable it for your tests only:
//!
//! ```toml
//! [dev-dependencies]
//! steppay-webhook = { version = "0.1", features = ["testing"] }
//! ```
//!
//! The samples are the crate's own fixtures: one realistic delivery per event type (Korean
//! names and addresses, KRW amounts, realistic ids and statuses), each with its envelope
//! `timestamp` set to now, so that a receiver's replay window accepts it. To test the window
//! itself, fix the clock: [`sample_at`] and [`sign`] take a timestamp, and
//! [`receive_at`](crate::receive_at),
//! [`WebhookReceiver::receive_at`](crate::WebhookReceiver::receive_at) and
//! [`WebhookVerifier::verify_at`](crate::WebhookVerifier::verify_at) take "now".
//!
//! # Examples
//!
//! A test a merchant would write for a handler that records failed payments:
//!
//! ```
//! use std::sync::Mutex;
//!
//! use steppay_webhook::testing::{sample, sample_payment, sign_now, webhook};
//! use steppay_webhook::{
//!     Event, EventType, Payment, WebhookHandler, WebhookMeta, WebhookReceiver, WebhookVerifier,
//! };
//!
//! // Your handler.
//! #[derive(Default)]
//! struct Shop {
//!     failed_orders: Mutex<Vec<String>>, // your database here
//! }
//!
//! impl WebhookHandler for Shop {
//!     type Error = std::convert::Infallible;
//!
//!     fn on_payment_failed(&self, _: WebhookMeta<'_>, payment: &Payment) -> Result<(), Self::Error> {
//!         if let Some(order) = &payment.order_id {
//!             self.failed_orders.lock().unwrap().push(order.clone());
//!         }
//!         Ok(())
//!     }
//! }
//!
//! // Your test (`#[test] fn failed_payments_are_recorded()`):
//! let receiver = WebhookReceiver::new(WebhookVerifier::new("whsec_test"), Shop::default());
//!
//! // A realistic `payment.failed` delivery, sent now and signed now.
//! let body = sample(EventType::PaymentFailed);
//! let outcome = receiver.receive(&body, Some(&sign_now("whsec_test", &body)));
//! assert_eq!(outcome.status(), 200);
//!
//! // The same event with the values your test needs: change a typed sample.
//! let mut payment = sample_payment();
//! payment.order_id = Some("ORDER-2024-0001".into());
//! let body = serde_json::to_vec(&webhook(Event::PaymentFailed(Box::new(payment))))?;
//! assert_eq!(receiver.receive(&body, Some(&sign_now("whsec_test", &body))).status(), 200);
//!
//! // A forged delivery never reaches the handler.
//! assert_eq!(receiver.receive(&body, Some(&sign_now("wrong key", &body))).status(), 401);
//!
//! let recorded = receiver.handler().failed_orders.lock().unwrap().clone();
//! assert_eq!(recorded, ["358390", "ORDER-2024-0001"]);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! The replay window, with an injected clock:
//!
//! ```
//! use steppay_webhook::testing::sample_at;
//! use steppay_webhook::{receive_at, sign, EventType, WebhookHandler, WebhookVerifier};
//!
//! struct Shop;
//! impl WebhookHandler for Shop {
//!     type Error = std::convert::Infallible;
//! }
//!
//! let sent = 1_795_046_400;
//! let body = sample_at(EventType::SubscriptionUpdated, sent);
//! let header = sign("whsec_test", sent, &body);
//! let verifier = WebhookVerifier::new("whsec_test"); // 300 s either way
//!
//! assert_eq!(receive_at(&body, Some(&header), &verifier, &Shop, sent + 299).status(), 200);
//! assert_eq!(receive_at(&body, Some(&header), &verifier, &Shop, sent + 301).status(), 401);
//! ```
//!
//! Through your axum router (feature `axum`), with [`signed_request`] and tower's
//! `ServiceExt::oneshot` (`tower = { version = "0.5", features = ["util"] }`):
//!
//! ```
//! # #[cfg(feature = "axum")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use axum::body::Body;
//! use http::Uri;
//! use steppay_webhook::testing::{sample, signed_request};
//! use steppay_webhook::{axum::webhook_router, AsyncWebhookHandler, EventType, WebhookVerifier};
//! use tower::ServiceExt as _;
//!
//! struct Shop;
//! impl AsyncWebhookHandler for Shop {
//!     type Error = std::convert::Infallible;
//! }
//!
//! let app: axum::Router = axum::Router::new()
//!     .nest("/webhooks/steppay", webhook_router(WebhookVerifier::new("whsec_test"), Shop));
//!
//! let mut request = signed_request("whsec_test", sample(EventType::PaymentFailed));
//! *request.uri_mut() = Uri::from_static("/webhooks/steppay");
//! let response = app.oneshot(request.map(Body::from)).await?;
//! assert_eq!(response.status(), 200); // unhandled by `Shop`, but acknowledged
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "axum"))]
//! # fn main() {}
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::value::RawValue;

use crate::event::for_each_event;
use crate::{
    parse_webhook, sign, Cover, Customer, Event, EventType, Invoice, Order, Payment, Price,
    Product, Subscription, Usage, Webhook, SIGNATURE_HEADER,
};

macro_rules! define_fixtures {
    ($( ($variant:ident, $wire:literal, $payload:ident, $method:ident, $doc:literal), )+) => {
        /// The bundled body of `event`: `tests/fixtures/<event type>.json`, one per event
        /// type (a new event type without a fixture does not compile).
        fn fixture(event: EventType) -> &'static [u8] {
            match event {
                $(EventType::$variant => {
                    include_bytes!(concat!("../tests/fixtures/", $wire, ".json"))
                })+
            }
        }
    };
}

for_each_event!(define_fixtures);

/// The current Unix time in seconds.
fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A realistic body of `event`, as StepPay would send it now: the crate's sample of that
/// event type with its envelope `timestamp` set to the current time. Everything else is the
/// sample's text, byte for byte.
///
/// ```
/// use steppay_webhook::testing::sample;
/// use steppay_webhook::{parse_webhook, Event, EventType};
///
/// let body = sample(EventType::OrderPaymentCompleted);
/// let webhook = parse_webhook(&body)?;
/// assert_eq!(webhook.event_type(), Some(EventType::OrderPaymentCompleted));
/// assert!((chrono::Utc::now().timestamp() - webhook.timestamp).abs() <= 1);
/// # Ok::<(), steppay_webhook::Error>(())
/// ```
pub fn sample(event: EventType) -> Vec<u8> {
    sample_at(event, unix_now())
}

/// [`sample`] with the envelope `timestamp` you give (Unix seconds), for tests with a fixed
/// clock.
pub fn sample_at(event: EventType, timestamp: i64) -> Vec<u8> {
    set_member(fixture(event), "timestamp", &timestamp.to_string())
        .expect("the bundled samples are JSON objects")
}

/// `body` with its top-level `isTest` flag (StepPay's test mode) set to `is_test`: the
/// value replaced if present, the member added at the end of the object otherwise. The rest
/// of the text stays byte for byte as it was.
///
/// # Errors
///
/// The JSON parser's error when `body` is not a JSON object.
///
/// ```
/// use steppay_webhook::testing::{sample, set_is_test};
/// use steppay_webhook::EventType;
///
/// let body = set_is_test(&sample(EventType::PaymentCompleted), true)?;
/// let json: serde_json::Value = serde_json::from_slice(&body)?;
/// assert_eq!(json["isTest"], true);
/// assert_eq!(json["event"], "payment.completed");
///
/// assert!(set_is_test(b"[1, 2]", true).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn set_is_test(body: &[u8], is_test: bool) -> Result<Vec<u8>, serde_json::Error> {
    set_member(body, "isTest", if is_test { "true" } else { "false" })
}

/// `body` (a JSON object) with the top-level member `key` set to the JSON text `value`:
/// replaced where it is (the last one, if repeated), or added after the last member, in the
/// layout of the first one. The rest of the text is kept byte for byte.
fn set_member(body: &[u8], key: &str, value: &str) -> Result<Vec<u8>, serde_json::Error> {
    let members: BTreeMap<Cow<'_, str>, &RawValue> = serde_json::from_slice(body)?;
    // A borrowed `RawValue` is a slice of `body`: its offset is where the value starts.
    let span = |raw: &RawValue| {
        let start = raw.get().as_ptr() as usize - body.as_ptr() as usize;
        start..start + raw.get().len()
    };
    let mut out = Vec::with_capacity(body.len() + key.len() + value.len() + 8);
    if let Some(existing) = members.get(key) {
        let span = span(existing);
        out.extend_from_slice(&body[..span.start]);
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(&body[span.end..]);
        return Ok(out);
    }
    let key = serde_json::to_string(key)?;
    match members
        .values()
        .map(|raw| span(raw))
        .max_by_key(|span| span.end)
    {
        Some(last) => {
            // The whitespace between `{` and the first key, and around the first colon,
            // give the layout of the new member.
            let first = members
                .values()
                .map(|raw| span(raw))
                .min_by_key(|span| span.start)
                .unwrap_or(last.clone());
            let open = body.iter().position(|&b| b == b'{').unwrap_or(0);
            let head = &body[open + 1..first.start];
            let indent_len = head
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(0);
            let colon = if head.ends_with(b": ") { ": " } else { ":" };
            out.extend_from_slice(&body[..last.end]);
            out.push(b',');
            out.extend_from_slice(&head[..indent_len]);
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(colon.as_bytes());
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(&body[last.end..]);
        }
        None => {
            let open = body.iter().position(|&b| b == b'{').unwrap_or(0);
            out.extend_from_slice(&body[..=open]);
            out.extend_from_slice(key.as_bytes());
            out.push(b':');
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(&body[open + 1..]);
        }
    }
    Ok(out)
}

/// The sample of `event` parsed: a [`Webhook`] sent now, to change and serialize
/// (`serde_json::to_vec(&webhook)` gives the wire JSON back).
///
/// ```
/// use steppay_webhook::testing::sample_webhook;
/// use steppay_webhook::{Event, EventType, SubscriptionStatus};
///
/// let mut webhook = sample_webhook(EventType::SubscriptionUpdated);
/// if let Event::SubscriptionUpdated(sub) = &mut webhook.event {
///     sub.status = SubscriptionStatus::Unpaid;
/// }
/// let body = serde_json::to_vec(&webhook).unwrap();
/// assert!(String::from_utf8(body).unwrap().contains(r#""status":"UNPAID""#));
/// ```
pub fn sample_webhook(event: EventType) -> Webhook {
    parse_webhook(&sample(event)).expect("the bundled samples parse")
}

/// A [`Webhook`] carrying `event`, sent now, of version `v1` (what StepPay sends), to
/// serialize into a body with `serde_json::to_vec`.
///
/// ```
/// use steppay_webhook::testing::{sample_customer, webhook};
/// use steppay_webhook::{parse_webhook, Event};
///
/// let mut customer = sample_customer();
/// customer.id = 7;
/// let body = serde_json::to_vec(&webhook(Event::CustomerDeleted(Box::new(customer)))).unwrap();
///
/// let parsed = parse_webhook(&body).unwrap();
/// assert_eq!(parsed.event_name(), "customer.deleted");
/// assert!(matches!(parsed.event, Event::CustomerDeleted(c) if c.id == 7));
/// ```
pub fn webhook(event: Event) -> Webhook {
    // Start from a sample, so that every envelope field has its usual value.
    let mut webhook = sample_webhook(EventType::CustomerCreated);
    webhook.event = event;
    webhook
}

macro_rules! typed_samples {
    ($( $(#[$doc:meta])* $name:ident -> $payload:ident = $variant:ident; )+) => {
        $(
            $(#[$doc])*
            pub fn $name() -> $payload {
                match sample_webhook(EventType::$variant).event {
                    Event::$variant(data) => *data,
                    _ => unreachable!("the sample of an event type holds that event type"),
                }
            }
        )+
    };
}

typed_samples! {
    /// The [`Order`] of the `order.created` sample: a paid subscription order with items.
    sample_order -> Order = OrderCreated;
    /// The [`Subscription`] of the `subscription.created` sample.
    sample_subscription -> Subscription = SubscriptionCreated;
    /// The [`Usage`] of the `subscription.usage.added` sample.
    sample_usage -> Usage = SubscriptionUsageAdded;
    /// The [`Invoice`] of the `invoice.created` sample.
    sample_invoice -> Invoice = InvoiceCreated;
    /// The [`Payment`] of the `payment.completed` sample: a completed card payment.
    ///
    /// ```
    /// use steppay_webhook::testing::sample_payment;
    /// use steppay_webhook::{Decimal, PaymentStatus};
    ///
    /// let mut payment = sample_payment();
    /// assert_eq!(payment.status, PaymentStatus::Complete);
    /// payment.paid_amount = Some(Decimal::new(12_900, 0)); // change what your test needs
    /// ```
    sample_payment -> Payment = PaymentCompleted;
    /// The [`Customer`] of the `customer.created` sample.
    sample_customer -> Customer = CustomerCreated;
    /// The [`Product`] of the `product.created` sample, with its prices.
    sample_product -> Product = ProductCreated;
    /// The [`Price`] of the `product.price.created` sample.
    sample_price -> Price = ProductPriceCreated;
    /// The [`Cover`] of the `cover.sent_message` sample (the StepCover add-on).
    sample_cover -> Cover = CoverSentMessage;
}

/// A `Steppay-Signature` header value for `body`, signed with `secret` at the current time:
/// what StepPay would send with it now. [`sign`] takes the time instead.
///
/// ```
/// use steppay_webhook::testing::{sample, sign_now};
/// use steppay_webhook::{EventType, WebhookVerifier};
///
/// let body = sample(EventType::InvoiceUpdated);
/// let header = sign_now("whsec_test", &body);
/// assert_eq!(WebhookVerifier::new("whsec_test").verify(&header, &body), Ok(()));
/// ```
pub fn sign_now(secret: impl AsRef<[u8]>, body: &[u8]) -> String {
    sign(secret, unix_now(), body)
}

/// A request as StepPay sends it: `POST /`, `Content-Type: application/json`, and a
/// `Steppay-Signature` header for `body` signed with `secret` now ([`sign_now`]).
///
/// The URI is `/`, where [`axum::router`](crate::axum::router) answers; for a receiver
/// mounted elsewhere, set it: `*request.uri_mut() = Uri::from_static("/webhooks/steppay")`.
/// Turn the body into your framework's type with `request.map(...)`.
///
/// ```
/// use steppay_webhook::testing::{sample, signed_request};
/// use steppay_webhook::{EventType, WebhookVerifier, SIGNATURE_HEADER};
///
/// let request = signed_request("whsec_test", sample(EventType::PaymentStandby));
/// assert_eq!(request.method(), http::Method::POST);
/// assert_eq!(request.headers()["content-type"], "application/json");
///
/// let verifier = WebhookVerifier::new("whsec_test");
/// assert_eq!(verifier.verify_headers(request.headers(), request.body()), Ok(()));
/// assert!(request.headers().contains_key(SIGNATURE_HEADER));
/// ```
pub fn signed_request(
    secret: impl AsRef<[u8]>,
    body: impl Into<Vec<u8>>,
) -> http::Request<Vec<u8>> {
    let body = body.into();
    let signature = sign_now(secret, &body);
    http::Request::builder()
        .method(http::Method::POST)
        .uri("/")
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature)
        .body(body)
        .expect("a POST to / with a base64 signature header is a valid request")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_member_replaces_in_place() {
        let body = br#"{ "timestamp" : 12 , "event":"x"}"#;
        assert_eq!(
            set_member(body, "timestamp", "1795046400").unwrap(),
            br#"{ "timestamp" : 1795046400 , "event":"x"}"#
        );
    }

    #[test]
    fn set_member_adds_in_the_layout_of_the_first_member() {
        let pretty = b"{\n  \"event\": \"x\",\n  \"data\": {}\n}\n";
        assert_eq!(
            set_member(pretty, "isTest", "true").unwrap(),
            b"{\n  \"event\": \"x\",\n  \"data\": {},\n  \"isTest\": true\n}\n"
        );
        let compact = br#"{"event":"x","data":{"a":1}}"#;
        assert_eq!(
            set_member(compact, "isTest", "false").unwrap(),
            br#"{"event":"x","data":{"a":1},"isTest":false}"#
        );
        assert_eq!(
            set_member(b" {} ", "isTest", "true").unwrap(),
            br#" {"isTest":true} "#
        );
    }

    #[test]
    fn set_member_refuses_what_is_not_an_object() {
        for body in [&b"[]"[..], b"12", b"", b"{\"a\":", b"{} x"] {
            assert!(set_member(body, "isTest", "true").is_err(), "{body:?}");
        }
    }
}
