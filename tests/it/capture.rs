//! The delivery StepPay captured and published (spec section 9), end to end: its body shape
//! (`edge/capture-payment-completed.json`), its `v0=` signature label, and its lower-case
//! `steppay-signature` header name, through `receive`, `receive_async` and both ready
//! receivers on real servers, with header names written on the wire in several cases.

use std::sync::{Arc, Mutex};

use rust_decimal::Decimal;
use steppay_webhook::{
    parse_webhook, receive, receive_async, sign_with_label, AsyncWebhookHandler, Event, Outcome,
    Payment, PaymentStatus, SignatureError, WebhookHandler, WebhookMeta, WebhookRejection,
    WebhookVerifier,
};

use crate::support::{capture_body, CAPTURE_TIMESTAMP};

const SECRET: &str = "whsec_capture_test_52e0b7";

/// What a handler saw of the captured payment: the envelope fields and the values
/// that the capture shows (ids of both JSON types, amounts, `cancel` on a completed payment).
#[derive(Clone, Debug, PartialEq)]
struct SeenPayment {
    timestamp: i64,
    is_test: bool,
    payment_id: i64,
    id_key: String,
    order_id: Option<String>,
    customer_id: Option<String>,
    paid_amount: Option<Decimal>,
    status: PaymentStatus,
    canceled_amount: Option<Decimal>,
    /// `errorMessage`, `vBank`, `niceCms` and `payer`, left out of the body, read as absent.
    omitted_are_none: bool,
}

impl SeenPayment {
    fn of(meta: WebhookMeta<'_>, p: &Payment) -> Self {
        SeenPayment {
            timestamp: meta.timestamp,
            is_test: meta.is_test,
            payment_id: p.payment_id,
            id_key: p.id_key.clone(),
            order_id: p.order_id.clone(),
            customer_id: p.customer_id.clone(),
            paid_amount: p.paid_amount,
            status: p.status.clone(),
            canceled_amount: p.cancel.as_ref().map(|c| c.canceled_amount),
            omitted_are_none: p.error_message.is_none()
                && p.v_bank.is_none()
                && p.nice_cms.is_none()
                && p.payer.is_none(),
        }
    }

    /// The values of `edge/capture-payment-completed.json`.
    fn expected() -> Self {
        SeenPayment {
            timestamp: CAPTURE_TIMESTAMP,
            is_test: false,
            payment_id: 418802,
            id_key: "1690943618342sW3nQ7vK1pZ8xYb4".to_owned(),
            order_id: Some("172931".to_owned()),
            customer_id: Some("95207".to_owned()),
            paid_amount: Some(Decimal::new(32000, 0)),
            status: PaymentStatus::Complete,
            canceled_amount: Some(Decimal::ZERO),
            omitted_are_none: true,
        }
    }
}

/// Records every `payment.completed` it is given; shared between server workers.
#[derive(Clone, Default)]
struct Shop(Arc<Mutex<Vec<SeenPayment>>>);

impl Shop {
    fn take(&self) -> Vec<SeenPayment> {
        std::mem::take(&mut *self.0.lock().expect("lock"))
    }
}

impl WebhookHandler for Shop {
    type Error = String;

    fn on_payment_completed(&self, meta: WebhookMeta<'_>, p: &Payment) -> Result<(), String> {
        self.0.lock().expect("lock").push(SeenPayment::of(meta, p));
        Ok(())
    }
}

impl AsyncWebhookHandler for Shop {
    type Error = String;

    async fn on_payment_completed(&self, meta: WebhookMeta<'_>, p: &Payment) -> Result<(), String> {
        self.0.lock().expect("lock").push(SeenPayment::of(meta, p));
        Ok(())
    }
}

/// The header as StepPay sent it in the capture: `timestamp=<t>,v0=<signature>`.
fn captured_header(timestamp: i64, body: &[u8]) -> String {
    sign_with_label(SECRET, timestamp, body, "v0")
}

// ---------------------------------------------------------------------------------------
// The body
// ---------------------------------------------------------------------------------------

#[test]
fn the_capture_shaped_body_parses_with_every_value() {
    let body = capture_body();
    let webhook = parse_webhook(&body).expect("parses");
    assert_eq!(webhook.timestamp, CAPTURE_TIMESTAMP);
    assert_eq!(webhook.version, "v1");
    assert_eq!(webhook.is_test, Some(false));
    let Event::PaymentCompleted(payment) = &webhook.event else {
        panic!("expected payment.completed, got {}", webhook.event_name());
    };
    let meta = WebhookMeta::of(&webhook);
    assert_eq!(SeenPayment::of(meta, payment), SeenPayment::expected());
    assert_eq!(
        payment.product_name.as_deref(),
        Some("제주 감귤 정기배송 (5kg)")
    );
    assert_eq!(payment.payment_only, Some(false));
    assert_eq!(
        payment.paid_at.as_ref().map(ToString::to_string).as_deref(),
        Some("2023-08-02T02:33:39.184527")
    );
}

// ---------------------------------------------------------------------------------------
// receive and receive_async
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn receive_handles_the_captured_form() {
    let body = capture_body();
    // The header timestamp equals the body's, as in the capture; replaying a stored delivery
    // needs the clock check off.
    let header = captured_header(CAPTURE_TIMESTAMP, &body);
    assert!(header.starts_with("timestamp=1690943620,v0="), "{header}");
    let verifier = WebhookVerifier::new(SECRET).without_timestamp_check();
    let shop = Shop::default();

    let outcome = receive(&body, Some(&header), &verifier, &shop);
    assert!(
        matches!(&outcome, Outcome::Handled { event_name } if event_name == "payment.completed")
    );
    assert_eq!(outcome.status(), 200);
    let outcome = receive_async(&body, Some(&header), &verifier, &shop).await;
    assert_eq!(outcome.status(), 200, "{}", outcome.reason());
    assert_eq!(
        shop.take(),
        [SeenPayment::expected(), SeenPayment::expected()]
    );

    // With the clock on, the 2023 timestamp is a replay: the label is accepted, the
    // window still applies.
    let outcome = receive(&body, Some(&header), &WebhookVerifier::new(SECRET), &shop);
    assert!(
        matches!(
            outcome,
            Outcome::Rejected(WebhookRejection::Signature(
                SignatureError::TimestampTooOld { .. }
            ))
        ),
        "{outcome:?}"
    );
    // Another key: 401, nothing handled.
    let forged = sign_with_label("whsec_not_the_key", CAPTURE_TIMESTAMP, &body, "v0");
    assert_eq!(
        receive(&body, Some(&forged), &verifier, &shop).status(),
        401
    );
    assert!(shop.take().is_empty());
}

// ---------------------------------------------------------------------------------------
// Both ready receivers, on real servers
// ---------------------------------------------------------------------------------------

/// The header names to write on the wire: the capture's lower case, the documented form, and
/// two more.
#[cfg(any(feature = "axum", feature = "actix-web"))]
const HEADER_NAMES: [&str; 4] = [
    "steppay-signature",
    "Steppay-Signature",
    "STEPPAY-SIGNATURE",
    "StepPay-Signature",
];

#[cfg(any(feature = "axum", feature = "actix-web"))]
mod servers {
    use std::net::SocketAddr;

    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    use super::*;
    use crate::support::http::TEST_TIMEOUT;
    use crate::support::now_unix;

    pub const MOUNT: &str = "/webhooks/steppay";
    pub const EXTRACT: &str = "/extract";

    /// POSTs `body` to `path` over a plain TCP connection, writing the request line and
    /// headers byte for byte (so the header name's case is what the server receives), with
    /// the headers StepPay's Java sender sent in the capture. Returns (status, body).
    pub async fn post_raw(
        addr: SocketAddr,
        path: &str,
        signature: Option<(&str, &str)>,
        body: &[u8],
    ) -> (u16, String) {
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\
             content-type: application/json\r\ncontent-length: {}\r\n\
             accept: text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2\r\n",
            body.len()
        );
        if let Some((name, value)) = signature {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("write head");
        stream.write_all(body).await.expect("write body");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.expect("read");
        let response = String::from_utf8(response).expect("UTF-8 response");
        let (head, body) = response.split_once("\r\n\r\n").expect("head and body");
        assert!(
            !head.to_ascii_lowercase().contains("transfer-encoding"),
            "{head}"
        );
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("status line: {head}"));
        (status, body.to_owned())
    }

    /// Sends the capture-shaped body to the ready receiver and to the extractor route at
    /// `addr`, under every header name case, with a `v0=` header signed now: 200 each, and
    /// the handler saw the captured values. Then the refusals.
    pub async fn assert_captured_form_is_received(addr: SocketAddr, shop: &Shop) {
        tokio::time::timeout(TEST_TIMEOUT, async {
            let body = capture_body();
            for name in HEADER_NAMES {
                // Signed now: the servers check the clock (the body keeps its own timestamp).
                let header = captured_header(now_unix(), &body);
                assert!(header.contains(",v0="));
                let signature = Some((name, header.as_str()));

                let (status, reply) = post_raw(addr, MOUNT, signature, &body).await;
                assert_eq!(
                    (status, reply.as_str()),
                    (200, "handled payment.completed"),
                    "{name}"
                );
                assert_eq!(shop.take(), [SeenPayment::expected()], "{name}");

                let (status, reply) = post_raw(addr, EXTRACT, signature, &body).await;
                assert_eq!(
                    (status, reply.as_str()),
                    (200, "payment.completed is_test=false"),
                    "{name}"
                );
            }

            // The same in lower case, refused: another key (401), a misspelled header name
            // (400, no header), a header whose only signature part is empty (401).
            let forged = sign_with_label("whsec_not_the_key", now_unix(), &body, "v0");
            let empty = format!("timestamp={},v0=", now_unix());
            let refusals = [
                (
                    ("steppay-signature", forged.as_str()),
                    401,
                    "invalid signature: no signature matches the body",
                ),
                (
                    ("steppay-signatures", forged.as_str()),
                    400,
                    "missing Steppay-Signature header",
                ),
                (
                    ("steppay-signature", empty.as_str()),
                    401,
                    "invalid signature: the Steppay-Signature header has no signature",
                ),
            ];
            for (signature, status, reason) in refusals {
                for path in [MOUNT, EXTRACT] {
                    let reply = post_raw(addr, path, Some(signature), &body).await;
                    assert_eq!(reply, (status, reason.to_owned()), "{path} {signature:?}");
                }
            }
            assert!(shop.take().is_empty());
        })
        .await
        .expect("test timed out");
    }
}

#[cfg(feature = "axum")]
mod axum_server {
    use axum::routing::post;
    use axum::Router;
    use steppay_webhook::axum::{webhook_router, VerifiedWebhook};

    use super::servers::{assert_captured_form_is_received, EXTRACT, MOUNT};
    use super::*;
    use crate::support::servers::serve_axum;

    #[tokio::test]
    async fn router_and_extractor_receive_the_captured_form() {
        let shop = Shop::default();
        let verifier = WebhookVerifier::new(SECRET);
        let app = Router::new()
            .route(
                EXTRACT,
                post(|VerifiedWebhook(w): VerifiedWebhook| async move {
                    format!("{} is_test={}", w.event_name(), w.is_test())
                }),
            )
            .nest(MOUNT, webhook_router(verifier.clone(), shop.clone()))
            .with_state(verifier);
        let addr = serve_axum(app, tracing::Span::none()).await;
        assert_captured_form_is_received(addr, &shop).await;
    }
}

#[cfg(feature = "actix-web")]
mod actix_server {
    use actix_web::web;
    use steppay_webhook::actix::{webhook_resource, VerifiedWebhook};

    use super::servers::{assert_captured_form_is_received, EXTRACT, MOUNT};
    use super::*;
    use crate::support::servers::serve_actix;

    async fn extract(VerifiedWebhook(w): VerifiedWebhook) -> String {
        format!("{} is_test={}", w.event_name(), w.is_test())
    }

    #[actix_web::test]
    async fn resource_and_extractor_receive_the_captured_form() {
        let shop = Shop::default();
        let handler = shop.clone();
        let (addr, handle) = serve_actix(
            move |config| {
                let verifier = WebhookVerifier::new(SECRET);
                config
                    .app_data(web::Data::new(verifier.clone()))
                    .route(EXTRACT, web::post().to(extract))
                    .service(webhook_resource(MOUNT, verifier, handler.clone()));
            },
            tracing::Span::none(),
        );
        assert_captured_form_is_received(addr, &shop).await;
        handle.stop(true).await;
    }
}
