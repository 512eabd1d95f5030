//! The ready receivers of both integrations on real servers, nested in an app of their own,
//! log one `tracing` record per delivery with the right fields, and never a key, a
//! signature or personal data.
#![cfg(any(feature = "axum", feature = "actix-web"))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tracing::Level;

use crate::support::http::{client, send, Reply, TEST_TIMEOUT};
use crate::support::logs::{Capture, LogRecord};
use crate::support::{
    capture_body, fixture, not_json_body, now_unix, unknown_event_body, unreadable_body,
    PERSONAL_DATA, UNKNOWN_EVENT,
};
use steppay_webhook::{
    sign, AsyncWebhookHandler, Payment, WebhookMeta, WebhookReceiver, WebhookVerifier,
};

const SECRET: &str = "whsec_logging_test_6f1d0c";
const MOUNT: &str = "/webhooks/steppay";
/// A small limit, so that the 413 case sends little.
const LIMIT: usize = 64 * 1024;

/// A shop that handles `payment.completed`, fails `payment.failed` and leaves every other
/// event type to the default methods.
#[derive(Default)]
struct Shop {
    paid: AtomicUsize,
}

impl AsyncWebhookHandler for Shop {
    type Error = String;

    async fn on_payment_completed(&self, _: WebhookMeta<'_>, _: &Payment) -> Result<(), String> {
        self.paid.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    async fn on_payment_failed(&self, _: WebhookMeta<'_>, p: &Payment) -> Result<(), String> {
        Err(format!("database unavailable: payment {}", p.payment_id))
    }
}

/// The receiver both servers use: the shop as an `Arc<Shop>`, the small limit.
fn receiver(shop: &Arc<Shop>) -> WebhookReceiver<Arc<Shop>> {
    WebhookReceiver::new(WebhookVerifier::new(SECRET), shop.clone()).with_body_limit(LIMIT)
}

/// One request and the one log record it must produce.
struct Case {
    name: &'static str,
    body: Vec<u8>,
    /// `None`: no `Steppay-Signature` header; `Some(secret)`: signed now with it.
    signed_with: Option<&'static str>,
    status: u16,
    level: Level,
    /// Fields the record must have, with their values. A case that does not list `is_test`
    /// must not have it (the body was refused before its envelope was read).
    fields: Vec<(&'static str, String)>,
}

fn case(
    name: &'static str,
    body: Vec<u8>,
    signed_with: Option<&'static str>,
    status: u16,
    level: Level,
    fields: &[(&'static str, &str)],
) -> Case {
    let fields = fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    Case {
        name,
        body,
        signed_with,
        status,
        level,
        fields,
    }
}

fn cases() -> Vec<Case> {
    use Level as L;
    let too_large = vec![b' '; LIMIT + 1];
    let test_mode = String::from_utf8(capture_body())
        .expect("UTF-8")
        .replace(r#""isTest":false"#, r#""isTest":true"#)
        .into_bytes();
    vec![
        case(
            "handled",
            fixture("payment.completed"),
            Some(SECRET),
            200,
            L::INFO,
            &[
                ("outcome", "handled"),
                ("event_name", "payment.completed"),
                ("status", "200"),
                ("is_test", "false"),
                ("message", "handled payment.completed"),
            ],
        ),
        case(
            "handled, test mode",
            test_mode,
            Some(SECRET),
            200,
            L::INFO,
            &[
                ("outcome", "handled"),
                ("event_name", "payment.completed"),
                ("status", "200"),
                ("is_test", "true"),
                ("message", "handled payment.completed"),
            ],
        ),
        case(
            "unhandled",
            fixture("cover.paused"),
            Some(SECRET),
            200,
            L::WARN,
            &[
                ("outcome", "unhandled"),
                ("event_name", "cover.paused"),
                ("status", "200"),
                ("is_test", "false"),
                (
                    "message",
                    "unhandled cover.paused: no handler method for it",
                ),
            ],
        ),
        case(
            "unknown event type",
            unknown_event_body(),
            Some(SECRET),
            200,
            L::WARN,
            &[
                ("outcome", "unhandled"),
                ("event_name", UNKNOWN_EVENT),
                ("status", "200"),
                ("is_test", "false"),
            ],
        ),
        case(
            "handler failed",
            fixture("payment.failed"),
            Some(SECRET),
            500,
            L::ERROR,
            &[
                ("outcome", "handler_failed"),
                ("event_name", "payment.failed"),
                ("status", "500"),
                ("is_test", "false"),
                ("error", "database unavailable: payment 781377"),
                ("message", "handler failed for payment.failed"),
            ],
        ),
        case(
            "unreadable data",
            unreadable_body(),
            Some(SECRET),
            400,
            L::ERROR,
            &[
                ("outcome", "rejected"),
                ("event_name", "payment.completed"),
                ("status", "400"),
                ("is_test", "false"),
                ("path", "data"),
                ("error", "missing field `paymentId`"),
                (
                    "message",
                    "invalid webhook body: payment.completed: data: missing field `paymentId`",
                ),
            ],
        ),
        case(
            "not JSON",
            not_json_body(),
            Some(SECRET),
            400,
            L::ERROR,
            &[
                ("outcome", "rejected"),
                ("event_name", ""),
                ("status", "400"),
                ("path", ""),
            ],
        ),
        case(
            "wrong secret",
            fixture("payment.completed"),
            Some("whsec_not_the_secret"),
            401,
            L::WARN,
            &[
                ("outcome", "rejected"),
                ("status", "401"),
                (
                    "message",
                    "invalid signature: no signature matches the body",
                ),
            ],
        ),
        case(
            "no header",
            fixture("payment.completed"),
            None,
            400,
            L::WARN,
            &[
                ("outcome", "rejected"),
                ("status", "400"),
                ("message", "missing Steppay-Signature header"),
            ],
        ),
        case(
            "too large",
            too_large,
            Some(SECRET),
            413,
            L::ERROR,
            &[
                ("outcome", "rejected"),
                ("status", "413"),
                ("limit", "65536"),
                ("message", "body larger than the limit of 65536 bytes"),
            ],
        ),
    ]
}

/// Sends every case to `url` and checks its answer and its one log record; then that no
/// record holds the secret, a signature or personal data.
async fn assert_one_record_per_outcome(url: &str, capture: &Capture, shop: &Shop) {
    let client = client();
    let mut all = Vec::new();
    let mut signatures = Vec::new();
    for case in cases() {
        let header = case
            .signed_with
            .map(|secret| sign(secret, now_unix(), &case.body));
        let reply: Reply = send(&client, url, header.as_deref(), case.body).await;
        assert_eq!(reply.status, case.status, "{}: {}", case.name, reply.body);

        let records = capture.take();
        assert_eq!(records.len(), 1, "{}: {records:#?}", case.name);
        let record = &records[0];
        assert_eq!(record.level, case.level, "{}", case.name);
        assert!(
            record.target.starts_with("steppay_webhook"),
            "{}",
            case.name
        );
        for (field, value) in &case.fields {
            assert_eq!(
                record.field(field),
                Some(value.as_str()),
                "{}: {field}",
                case.name
            );
        }
        if !case.fields.iter().any(|(field, _)| *field == "is_test") {
            assert_eq!(record.field("is_test"), None, "{}", case.name);
        }
        // The record's message is the reason StepPay was answered.
        assert_eq!(
            record.field("message"),
            Some(reply.body.as_str()),
            "{}",
            case.name
        );
        signatures.extend(
            header
                .iter()
                .map(|h| h.split(",key=").nth(1).expect("key").to_owned()),
        );
        all.extend(records);
    }
    // The live delivery and the test-mode one (this shop does not skip test deliveries).
    assert_eq!(shop.paid.load(Ordering::SeqCst), 2);
    assert_no_secrets(&all, &signatures);
}

/// No record holds the secret, one of `signatures`, or personal data.
#[track_caller]
fn assert_no_secrets(records: &[LogRecord], signatures: &[String]) {
    assert!(!signatures.is_empty());
    for record in records {
        let text = record.text();
        let forbidden = PERSONAL_DATA.iter().copied().chain([SECRET]);
        for secret in forbidden.chain(signatures.iter().map(String::as_str)) {
            assert!(!text.contains(secret), "{secret} logged: {text}");
        }
    }
}

#[cfg(feature = "axum")]
mod axum_receiver {
    use super::*;
    use crate::support::servers::serve_axum;
    use axum::extract::{FromRef, State};
    use axum::routing::{get, post};
    use axum::Router;
    use steppay_webhook::axum::{router, VerifiedWebhook};

    /// The app's own state: a name, and the verifier for the extractor route.
    #[derive(Clone)]
    struct AppState {
        name: &'static str,
        verifier: WebhookVerifier,
    }

    impl FromRef<AppState> for WebhookVerifier {
        fn from_ref(state: &AppState) -> Self {
            state.verifier.clone()
        }
    }

    /// The ready router nested into a stateful app, beside routes of the app's own.
    async fn app(shop: &Arc<Shop>, capture: &Capture) -> String {
        let state = AppState {
            name: "해운대 생수",
            verifier: WebhookVerifier::new(SECRET),
        };
        let app = Router::new()
            .route(
                "/name",
                get(|State(s): State<AppState>| async move { s.name }),
            )
            .route(
                "/extract",
                post(
                    |VerifiedWebhook(w): VerifiedWebhook| async move { w.event_name().to_owned() },
                ),
            )
            .nest(MOUNT, router(receiver(shop)))
            .with_state(state);
        let addr = serve_axum(app, capture.span()).await;
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn router_in_a_stateful_app_logs_one_record_per_outcome() {
        tokio::time::timeout(TEST_TIMEOUT, async {
            let capture = Capture::new();
            let shop = Arc::new(Shop::default());
            let base = app(&shop, &capture).await;

            // The app's own route still works beside the nested router.
            let name = client()
                .get(format!("{base}/name"))
                .send()
                .await
                .expect("GET");
            assert_eq!(name.text().await.expect("body"), "해운대 생수");

            assert_one_record_per_outcome(&format!("{base}{MOUNT}"), &capture, &shop).await;
        })
        .await
        .expect("test timed out");
    }

    #[tokio::test]
    async fn extractor_logs_what_it_verified_or_rejected() {
        tokio::time::timeout(TEST_TIMEOUT, async {
            let capture = Capture::new();
            let base = app(&Arc::new(Shop::default()), &capture).await;
            let url = format!("{base}/extract");
            let client = client();
            let body = fixture("payment.completed");

            let header = sign(SECRET, now_unix(), &body);
            let reply = send(&client, &url, Some(&header), body.clone()).await;
            assert_eq!(
                (reply.status, reply.body.as_str()),
                (200, "payment.completed")
            );
            let wrong = sign("whsec_wrong", now_unix(), &body);
            let reply = send(&client, &url, Some(&wrong), body).await;
            assert_eq!(reply.status, 401);

            let records = capture.take();
            let summary: Vec<_> = records
                .iter()
                .map(|r| {
                    (
                        r.level,
                        r.field("outcome"),
                        r.field("event_name"),
                        r.field("status"),
                        r.field("is_test"),
                    )
                })
                .collect();
            assert_eq!(
                summary,
                [
                    (
                        Level::INFO,
                        Some("verified"),
                        Some("payment.completed"),
                        None,
                        Some("false"),
                    ),
                    (Level::WARN, Some("rejected"), None, Some("401"), None),
                ]
            );
            assert_no_secrets(&records, &[header, wrong]);
        })
        .await
        .expect("test timed out");
    }
}

#[cfg(feature = "actix-web")]
mod actix_receiver {
    use super::*;
    use crate::support::servers::serve_actix;
    use steppay_webhook::actix::resource;

    #[actix_web::test]
    async fn resource_logs_one_record_per_outcome() {
        let capture = Capture::new();
        let shop = Arc::new(Shop::default());
        let receiver = receiver(&shop);
        let (addr, handle) = serve_actix(
            move |config| {
                config.service(resource(MOUNT, receiver.clone()));
            },
            capture.span(),
        );
        let url = format!("http://{addr}{MOUNT}");
        let result = tokio::time::timeout(
            TEST_TIMEOUT,
            assert_one_record_per_outcome(&url, &capture, &shop),
        )
        .await;
        handle.stop(true).await;
        result.expect("test timed out");
    }
}
