//! The actix-web integration: `webhook_resource` on a real `HttpServer` bound to 127.0.0.1,
//! and the `VerifiedWebhook` extractor through `actix_web::test`.
#![cfg(feature = "actix-web")]

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::{test, web, App, HttpServer};
use serde_json::Value;
use steppay_webhook::actix::{webhook_resource, VerifiedWebhook};
use steppay_webhook::{
    parse_webhook, sign, AsyncWebhookHandler, Cover, Customer, Event, Invoice, Order, Payment,
    Price, Product, Subscription, Usage, WebhookMeta, WebhookVerifier, SIGNATURE_HEADER,
};

const SECRET: &str = "whsec_actix_server_test_3b7a";
const PATH: &str = "/webhooks/steppay";
const UNKNOWN_EVENT: &str = "subscription.renewal_reminded";
/// Every test body runs under this bound, so a hang fails instead of blocking.
const TEST_TIMEOUT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------
// A recording async handler.
// ---------------------------------------------------------------------------------------

#[derive(Default)]
struct Recorder {
    /// (event name, the typed event as the handler got it).
    events: Mutex<Vec<(String, Event)>>,
    /// (event name, raw data) for unknown event types.
    unknown: Mutex<Vec<(String, Value)>>,
    calls: AtomicUsize,
    /// When set, `payment.failed` returns an error.
    fail_payment_failed: AtomicBool,
}

impl Recorder {
    fn record(&self, meta: WebhookMeta<'_>, event: Event) -> Result<(), String> {
        if meta.event == "payment.failed" && self.fail_payment_failed.load(Ordering::SeqCst) {
            return Err("database unavailable".to_owned());
        }
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.events
            .lock()
            .expect("lock")
            .push((meta.event.to_owned(), event));
        Ok(())
    }

    fn events(&self) -> Vec<(String, Event)> {
        self.events.lock().expect("lock").clone()
    }
}

macro_rules! recorder_methods {
    ($( ($method:ident, $variant:ident, $payload:ident), )+) => {
        impl AsyncWebhookHandler for Recorder {
            type Error = String;

            $(
                async fn $method(&self, meta: WebhookMeta<'_>, data: &$payload) -> Result<(), String> {
                    self.record(meta, Event::$variant(Box::new(data.clone())))
                }
            )+

            async fn on_unknown(&self, meta: WebhookMeta<'_>, data: &Value) -> Result<(), String> {
                self.calls.fetch_add(1, Ordering::SeqCst);
                self.unknown
                    .lock()
                    .expect("lock")
                    .push((meta.event.to_owned(), data.clone()));
                Ok(())
            }
        }
    };
}

recorder_methods! {
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

// ---------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------

fn now_unix() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    i64::try_from(secs).expect("fits i64")
}

fn event_of(body: &[u8]) -> String {
    let json: Value = serde_json::from_slice(body).expect("JSON");
    json["event"].as_str().expect("event").to_owned()
}

fn fixture(event: &str) -> Vec<u8> {
    common::event_fixtures()
        .into_iter()
        .find(|(name, _)| *name == format!("{event}.json"))
        .unwrap_or_else(|| panic!("no fixture for {event}"))
        .1
}

fn unknown_fixture() -> Vec<u8> {
    common::json_files("edge")
        .into_iter()
        .find(|(name, _)| name == "unknown-event.json")
        .expect("edge/unknown-event.json")
        .1
}

fn not_json_body() -> Vec<u8> {
    let path = common::fixtures_dir().join("edge/invalid/not-json.txt");
    let body = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    body
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

struct Reply {
    status: u16,
    content_type: String,
    body: String,
}

async fn send(client: &reqwest::Client, url: &str, header: Option<&str>, body: Vec<u8>) -> Reply {
    let mut request = client.post(url).body(body);
    if let Some(header) = header {
        request = request.header(SIGNATURE_HEADER, header);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().expect("ascii").to_owned())
        .unwrap_or_default();
    let body = response.text().await.expect("response body");
    Reply {
        status,
        content_type,
        body,
    }
}

async fn send_signed(client: &reqwest::Client, url: &str, body: &[u8]) -> Reply {
    let header = sign(SECRET, now_unix(), body);
    send(client, url, Some(&header), body.to_vec()).await
}

/// Runs a real `HttpServer` with `webhook_resource` on an ephemeral 127.0.0.1 port.
fn start_server(recorder: Arc<Recorder>) -> (SocketAddr, actix_web::dev::ServerHandle) {
    let verifier = WebhookVerifier::new(SECRET);
    let server = HttpServer::new(move || {
        App::new().service(webhook_resource(PATH, verifier.clone(), recorder.clone()))
    })
    .workers(2)
    .disable_signals()
    .shutdown_timeout(1)
    .bind(("127.0.0.1", 0))
    .expect("bind 127.0.0.1:0");
    let addrs = server.addrs();
    assert_eq!(addrs.len(), 1);
    let addr = addrs[0];
    assert!(addr.ip().is_loopback());
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (addr, handle)
}

// ---------------------------------------------------------------------------------------
// webhook_resource on a real server
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn resource_handles_every_event_and_rejects_bad_requests() {
    let recorder = Arc::new(Recorder::default());
    let (addr, handle) = start_server(recorder.clone());
    let url = format!("http://{addr}{PATH}");

    let result = tokio::time::timeout(TEST_TIMEOUT, async {
        let client = client();

        // Every event type: 200 and the handler saw the typed value.
        let mut expected = Vec::new();
        for (file, body) in common::event_fixtures() {
            let event = event_of(&body);
            let reply = send_signed(&client, &url, &body).await;
            assert_eq!(reply.status, 200, "{file}: {}", reply.body);
            assert_eq!(reply.body, format!("handled {event}"), "{file}");
            assert_eq!(reply.content_type, "text/plain; charset=utf-8");
            let webhook = parse_webhook(&body).expect("parses");
            assert_eq!(webhook.event_name(), event);
            expected.push((event, webhook.event));
        }
        assert_eq!(expected.len(), 27);
        assert_eq!(recorder.events(), expected);
        assert_eq!(recorder.calls.load(Ordering::SeqCst), 27);

        // An unknown event type: acknowledged after on_unknown saw the raw data.
        let body = unknown_fixture();
        let reply = send_signed(&client, &url, &body).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(
            reply.body,
            format!("ignored unknown event type {UNKNOWN_EVENT}")
        );
        let raw: Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(
            *recorder.unknown.lock().expect("lock"),
            vec![(UNKNOWN_EVENT.to_owned(), raw["data"].clone())]
        );
        assert_eq!(recorder.calls.load(Ordering::SeqCst), 28);

        let body = fixture("payment.completed");
        let now = now_unix();

        // Bad signature.
        let header = sign("whsec_not_the_secret", now, &body);
        let reply = send(&client, &url, Some(&header), body.clone()).await;
        assert_eq!(reply.status, 401);
        assert_eq!(
            reply.body,
            "invalid signature: no signature matches the body"
        );
        assert_eq!(reply.content_type, "text/plain; charset=utf-8");

        // Stale timestamp.
        let header = sign(SECRET, now - 3600, &body);
        let reply = send(&client, &url, Some(&header), body.clone()).await;
        assert_eq!(reply.status, 401);
        assert!(
            reply
                .body
                .starts_with("invalid signature: the timestamp is 36"),
            "{}",
            reply.body
        );

        // Signed, not JSON.
        let not_json = not_json_body();
        let header = sign(SECRET, now, &not_json);
        let reply = send(&client, &url, Some(&header), not_json).await;
        assert_eq!(reply.status, 400);
        assert!(
            reply.body.starts_with("invalid webhook body: "),
            "{}",
            reply.body
        );

        // Missing or empty header.
        let reply = send(&client, &url, None, body.clone()).await;
        assert_eq!(reply.status, 400);
        assert_eq!(reply.body, "missing Steppay-Signature header");
        let reply = send(&client, &url, Some(""), body.clone()).await;
        assert_eq!(reply.status, 400);
        assert_eq!(reply.body, "missing Steppay-Signature header");

        // Only POST is routed.
        let response = client.get(&url).send().await.expect("GET sent");
        assert_eq!(response.status().as_u16(), 405);

        // None of the rejected requests reached the handler.
        assert_eq!(recorder.calls.load(Ordering::SeqCst), 28);

        // Handler failure: 500, without the handler's error in the body.
        recorder.fail_payment_failed.store(true, Ordering::SeqCst);
        let failing = fixture("payment.failed");
        let reply = send_signed(&client, &url, &failing).await;
        assert_eq!(reply.status, 500);
        assert_eq!(reply.body, "handler failed for payment.failed");
        assert!(!reply.body.contains("database unavailable"));
        assert_eq!(recorder.calls.load(Ordering::SeqCst), 28);

        recorder.fail_payment_failed.store(false, Ordering::SeqCst);
        let reply = send_signed(&client, &url, &failing).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(recorder.calls.load(Ordering::SeqCst), 29);
    })
    .await;
    handle.stop(true).await;
    result.expect("test timed out");
}

#[actix_web::test]
async fn resource_serves_concurrent_deliveries() {
    const REQUESTS: usize = 100;
    let recorder = Arc::new(Recorder::default());
    let (addr, handle) = start_server(recorder.clone());
    let url = format!("http://{addr}{PATH}");

    let result = tokio::time::timeout(TEST_TIMEOUT, async {
        let client = client();
        let fixtures = Arc::new(common::event_fixtures());
        let tasks: Vec<_> = (0..REQUESTS)
            .map(|i| {
                let client = client.clone();
                let url = url.clone();
                let fixtures = fixtures.clone();
                actix_web::rt::spawn(async move {
                    let body = &fixtures[i % fixtures.len()].1;
                    send_signed(&client, &url, body).await.status
                })
            })
            .collect();
        let mut ok = 0;
        for task in tasks {
            assert_eq!(task.await.expect("request task"), 200);
            ok += 1;
        }
        assert_eq!(ok, REQUESTS);
        assert_eq!(recorder.calls.load(Ordering::SeqCst), REQUESTS);
        assert_eq!(recorder.events().len(), REQUESTS);
    })
    .await;
    handle.stop(true).await;
    result.expect("test timed out");
}

// ---------------------------------------------------------------------------------------
// The VerifiedWebhook extractor (actix_web::test)
// ---------------------------------------------------------------------------------------

async fn event_name(VerifiedWebhook(webhook): VerifiedWebhook) -> String {
    webhook.event_name().to_owned()
}

fn request(body: &[u8], header: Option<&str>) -> test::TestRequest {
    let mut request = test::TestRequest::post().uri("/hook");
    if let Some(header) = header {
        request = request.insert_header((SIGNATURE_HEADER, header));
    }
    request.set_payload(body.to_vec())
}

#[actix_web::test]
async fn extractor_verifies_with_the_registered_verifier() {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(WebhookVerifier::new(SECRET)))
            .route("/hook", web::post().to(event_name)),
    )
    .await;

    let mut ok = 0;
    for (file, body) in common::event_fixtures() {
        let header = sign(SECRET, now_unix(), &body);
        let response = test::call_service(&app, request(&body, Some(&header)).to_request()).await;
        assert_eq!(response.status().as_u16(), 200, "{file}");
        let text = test::read_body(response).await;
        assert_eq!(text, event_of(&body).as_bytes(), "{file}");
        ok += 1;
    }
    assert_eq!(ok, 27);

    let body = fixture("invoice.created");

    let header = sign("whsec_wrong", now_unix(), &body);
    let response = test::call_service(&app, request(&body, Some(&header)).to_request()).await;
    assert_eq!(response.status().as_u16(), 401);
    let text = test::read_body(response).await;
    assert_eq!(
        text,
        "invalid signature: no signature matches the body".as_bytes()
    );

    let header = sign(SECRET, now_unix() - 3600, &body);
    let response = test::call_service(&app, request(&body, Some(&header)).to_request()).await;
    assert_eq!(response.status().as_u16(), 401);

    let response = test::call_service(&app, request(&body, None).to_request()).await;
    assert_eq!(response.status().as_u16(), 400);
    let text = test::read_body(response).await;
    assert_eq!(text, "missing Steppay-Signature header".as_bytes());

    let not_json = not_json_body();
    let header = sign(SECRET, now_unix(), &not_json);
    let response = test::call_service(&app, request(&not_json, Some(&header)).to_request()).await;
    assert_eq!(response.status().as_u16(), 400);
    let text = test::read_body(response).await;
    assert!(text.starts_with(b"invalid webhook body: "), "{text:?}");
}

#[actix_web::test]
async fn extractor_without_a_registered_verifier_answers_500() {
    let app = test::init_service(App::new().route("/hook", web::post().to(event_name))).await;
    let body = fixture("invoice.created");
    let header = sign(SECRET, now_unix(), &body);
    let response = test::call_service(&app, request(&body, Some(&header)).to_request()).await;
    assert_eq!(response.status().as_u16(), 500);
    let text = test::read_body(response).await;
    assert_eq!(
        text,
        "no web::Data<WebhookVerifier> registered as app data".as_bytes()
    );

    // A bare `WebhookVerifier` (not wrapped in web::Data) does not count either.
    let app = test::init_service(
        App::new()
            .app_data(WebhookVerifier::new(SECRET))
            .route("/hook", web::post().to(event_name)),
    )
    .await;
    let response = test::call_service(&app, request(&body, Some(&header)).to_request()).await;
    assert_eq!(response.status().as_u16(), 500);
}
