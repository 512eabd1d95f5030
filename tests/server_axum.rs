//! The axum integration against a real server on 127.0.0.1.
#![cfg(feature = "axum")]

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::FromRef;
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use steppay_webhook::axum::{webhook_router, VerifiedWebhook};
use steppay_webhook::{
    parse_webhook, sign, AsyncWebhookHandler, Cover, Customer, Event, Invoice, Order, Payment,
    Price, Product, Subscription, Usage, WebhookMeta, WebhookVerifier, SIGNATURE_HEADER,
};

const SECRET: &str = "whsec_axum_server_test_8d2e";
const MOUNT: &str = "/webhooks/steppay";
const UNKNOWN_EVENT: &str = "subscription.renewal_reminded";
/// Every test body runs under this bound, so a hang fails instead of blocking.
const TEST_TIMEOUT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------
// A recording async handler.
// ---------------------------------------------------------------------------------------

#[derive(Default)]
struct Seen {
    /// (event name, the typed event as the handler got it).
    events: Mutex<Vec<(String, Event)>>,
    /// (event name, raw data) for unknown event types.
    unknown: Mutex<Vec<(String, Value)>>,
    calls: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// When set, `payment.failed` returns an error.
    fail_payment_failed: AtomicBool,
    /// When set, every call sleeps a little, so that concurrent requests overlap.
    slow: AtomicBool,
}

impl Seen {
    fn events(&self) -> Vec<(String, Event)> {
        self.events.lock().expect("lock").clone()
    }
}

/// Cheap to clone; `webhook_router` takes the handler by value.
#[derive(Clone, Default)]
struct Recorder(Arc<Seen>);

impl Recorder {
    async fn record(&self, meta: WebhookMeta<'_>, event: Event) -> Result<(), String> {
        let seen = &self.0;
        let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        seen.max_in_flight.fetch_max(now, Ordering::SeqCst);
        if seen.slow.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        seen.in_flight.fetch_sub(1, Ordering::SeqCst);
        if meta.event == "payment.failed" && seen.fail_payment_failed.load(Ordering::SeqCst) {
            return Err("database unavailable".to_owned());
        }
        seen.calls.fetch_add(1, Ordering::SeqCst);
        seen.events
            .lock()
            .expect("lock")
            .push((meta.event.to_owned(), event));
        Ok(())
    }
}

macro_rules! recorder_methods {
    ($( ($method:ident, $variant:ident, $payload:ident), )+) => {
        impl AsyncWebhookHandler for Recorder {
            type Error = String;

            $(
                async fn $method(&self, meta: WebhookMeta<'_>, data: &$payload) -> Result<(), String> {
                    self.record(meta, Event::$variant(Box::new(data.clone()))).await
                }
            )+

            async fn on_unknown(&self, meta: WebhookMeta<'_>, data: &Value) -> Result<(), String> {
                self.0.calls.fetch_add(1, Ordering::SeqCst);
                self.0
                    .unknown
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

/// Serves `app` on an ephemeral 127.0.0.1 port; the task ends with the test's runtime.
async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    assert!(addr.ip().is_loopback());
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("server");
    });
    addr
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

async fn post_signed(client: &reqwest::Client, url: &str, body: &[u8]) -> Reply {
    let header = sign(SECRET, now_unix(), body);
    send(client, url, Some(&header), body.to_vec()).await
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

async fn receiver() -> (Recorder, String) {
    let recorder = Recorder::default();
    let app = Router::new().nest(
        MOUNT,
        webhook_router(WebhookVerifier::new(SECRET), recorder.clone()),
    );
    let addr = serve(app).await;
    (recorder, format!("http://{addr}{MOUNT}"))
}

// ---------------------------------------------------------------------------------------
// webhook_router
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn router_handles_every_event_type() {
    tokio::time::timeout(TEST_TIMEOUT, async {
        let (recorder, url) = receiver().await;
        let client = client();

        let fixtures = common::event_fixtures();
        let mut expected = Vec::new();
        for (file, body) in &fixtures {
            let event = event_of(body);
            let reply = post_signed(&client, &url, body).await;
            assert_eq!(reply.status, 200, "{file}: {}", reply.body);
            assert_eq!(reply.body, format!("handled {event}"), "{file}");
            assert!(
                reply.content_type.starts_with("text/plain"),
                "{file}: {}",
                reply.content_type
            );
            // Parsed independently of the server: the typed value the handler must have seen.
            let webhook = parse_webhook(body).expect("parses");
            assert_eq!(webhook.event_name(), event);
            expected.push((event, webhook.event));
        }
        assert_eq!(expected.len(), 27);
        assert_eq!(recorder.0.events(), expected);
        assert_eq!(recorder.0.calls.load(Ordering::SeqCst), 27);

        // An unknown event type: 200, acknowledged, on_unknown saw the raw data.
        let body = unknown_fixture();
        let reply = post_signed(&client, &url, &body).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(
            reply.body,
            format!("ignored unknown event type {UNKNOWN_EVENT}")
        );
        let raw: Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(
            *recorder.0.unknown.lock().expect("lock"),
            vec![(UNKNOWN_EVENT.to_owned(), raw["data"].clone())]
        );
        assert_eq!(recorder.0.calls.load(Ordering::SeqCst), 28);
    })
    .await
    .expect("test timed out");
}

#[tokio::test]
async fn router_rejects_bad_requests_with_plain_text_reasons() {
    tokio::time::timeout(TEST_TIMEOUT, async {
        let (recorder, url) = receiver().await;
        let client = client();
        let body = fixture("payment.completed");
        let now = now_unix();

        // Signed with another secret.
        let header = sign("whsec_not_the_secret", now, &body);
        let reply = send(&client, &url, Some(&header), body.clone()).await;
        assert_eq!(reply.status, 401);
        assert_eq!(
            reply.body,
            "invalid signature: no signature matches the body"
        );
        assert!(reply.content_type.starts_with("text/plain"));

        // Altered body.
        let header = sign(SECRET, now, &body);
        let mut altered = body.clone();
        altered.extend_from_slice(b" ");
        let reply = send(&client, &url, Some(&header), altered).await;
        assert_eq!(reply.status, 401);
        assert!(reply.body.contains("invalid signature"), "{}", reply.body);

        // A correct signature, one hour old.
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
        assert!(
            reply
                .body
                .ends_with("beyond the 300s tolerance (a replay?)"),
            "{}",
            reply.body
        );

        // A signed body that is not JSON.
        let not_json = not_json_body();
        let header = sign(SECRET, now, &not_json);
        let reply = send(&client, &url, Some(&header), not_json).await;
        assert_eq!(reply.status, 400);
        assert!(
            reply.body.starts_with("invalid webhook body: "),
            "{}",
            reply.body
        );

        // No header, and an empty one.
        let reply = send(&client, &url, None, body.clone()).await;
        assert_eq!(reply.status, 400);
        assert_eq!(reply.body, "missing Steppay-Signature header");
        let reply = send(&client, &url, Some(""), body.clone()).await;
        assert_eq!(reply.status, 400);
        assert_eq!(reply.body, "missing Steppay-Signature header");

        // Not POST.
        let response = client.get(&url).send().await.expect("GET sent");
        assert_eq!(response.status().as_u16(), 405);

        // None of these reached the handler.
        assert_eq!(recorder.0.calls.load(Ordering::SeqCst), 0);
        assert!(recorder.0.events().is_empty());

        // The handler fails: 500, and the reason does not leak the handler's error.
        recorder.0.fail_payment_failed.store(true, Ordering::SeqCst);
        let failing = fixture("payment.failed");
        let reply = post_signed(&client, &url, &failing).await;
        assert_eq!(reply.status, 500);
        assert_eq!(reply.body, "handler failed for payment.failed");
        assert!(!reply.body.contains("database unavailable"));
        assert_eq!(recorder.0.calls.load(Ordering::SeqCst), 0);

        // Other events still succeed meanwhile, and payment.failed does once the flag clears.
        let reply = post_signed(&client, &url, &body).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        recorder
            .0
            .fail_payment_failed
            .store(false, Ordering::SeqCst);
        let reply = post_signed(&client, &url, &failing).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body, "handled payment.failed");
        let seen: Vec<String> = recorder.0.events().into_iter().map(|(e, _)| e).collect();
        assert_eq!(seen, ["payment.completed", "payment.failed"]);
    })
    .await
    .expect("test timed out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn router_serves_200_concurrent_deliveries() {
    const REQUESTS: usize = 200;
    tokio::time::timeout(TEST_TIMEOUT, async {
        let (recorder, url) = receiver().await;
        recorder.0.slow.store(true, Ordering::SeqCst);
        let client = client();
        let fixtures = Arc::new(common::event_fixtures());
        assert_eq!(fixtures.len(), 27);

        let tasks: Vec<_> = (0..REQUESTS)
            .map(|i| {
                let client = client.clone();
                let url = url.clone();
                let fixtures = fixtures.clone();
                tokio::spawn(async move {
                    let (_, body) = &fixtures[i % fixtures.len()];
                    let reply = post_signed(&client, &url, body).await;
                    (i, reply.status, reply.body)
                })
            })
            .collect();
        assert_eq!(tasks.len(), REQUESTS);

        let mut ok = 0;
        for task in tasks {
            let (i, status, body) = task.await.expect("request task");
            let event = event_of(&fixtures[i % fixtures.len()].1);
            assert_eq!(status, 200, "request {i}: {body}");
            assert_eq!(body, format!("handled {event}"), "request {i}");
            ok += 1;
        }
        assert_eq!(ok, REQUESTS);
        assert_eq!(recorder.0.calls.load(Ordering::SeqCst), REQUESTS);
        assert_eq!(recorder.0.in_flight.load(Ordering::SeqCst), 0);
        let max = recorder.0.max_in_flight.load(Ordering::SeqCst);
        assert!(
            max > 1,
            "requests were never handled concurrently (max {max})"
        );

        // Each event type was seen as often as it was sent, with the right value.
        let events = recorder.0.events();
        assert_eq!(events.len(), REQUESTS);
        for (index, (_, body)) in fixtures.iter().enumerate() {
            let want = parse_webhook(body).expect("parses").event;
            let sent = (0..REQUESTS)
                .filter(|i| i % fixtures.len() == index)
                .count();
            let got = events.iter().filter(|(_, event)| *event == want).count();
            assert_eq!(got, sent, "{}", want.event_name());
        }
    })
    .await
    .expect("test timed out");
}

// ---------------------------------------------------------------------------------------
// The VerifiedWebhook extractor on its own.
// ---------------------------------------------------------------------------------------

async fn event_name(VerifiedWebhook(webhook): VerifiedWebhook) -> String {
    webhook.event_name().to_owned()
}

#[tokio::test]
async fn extractor_with_the_verifier_as_state() {
    tokio::time::timeout(TEST_TIMEOUT, async {
        let app = Router::new()
            .route(
                "/hook",
                post(
                    |VerifiedWebhook(w): VerifiedWebhook| async move { w.event_name().to_owned() },
                ),
            )
            .with_state(WebhookVerifier::new(SECRET));
        let url = format!("http://{}/hook", serve(app).await);
        let client = client();

        let mut ok = 0;
        for (file, body) in common::event_fixtures() {
            let reply = post_signed(&client, &url, &body).await;
            assert_eq!(reply.status, 200, "{file}: {}", reply.body);
            assert_eq!(reply.body, event_of(&body), "{file}");
            ok += 1;
        }
        assert_eq!(ok, 27);
        let reply = post_signed(&client, &url, &unknown_fixture()).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, UNKNOWN_EVENT);

        let body = fixture("order.created");
        let header = sign("whsec_wrong", now_unix(), &body);
        let reply = send(&client, &url, Some(&header), body.clone()).await;
        assert_eq!(reply.status, 401);
        assert_eq!(
            reply.body,
            "invalid signature: no signature matches the body"
        );

        let header = sign(SECRET, now_unix() - 3600, &body);
        let reply = send(&client, &url, Some(&header), body.clone()).await;
        assert_eq!(reply.status, 401);
        assert!(reply.body.contains("invalid signature"), "{}", reply.body);

        let reply = send(&client, &url, None, body).await;
        assert_eq!(reply.status, 400);
        assert_eq!(reply.body, "missing Steppay-Signature header");

        let not_json = not_json_body();
        let header = sign(SECRET, now_unix(), &not_json);
        let reply = send(&client, &url, Some(&header), not_json).await;
        assert_eq!(reply.status, 400);
        assert!(
            reply.body.starts_with("invalid webhook body: "),
            "{}",
            reply.body
        );
    })
    .await
    .expect("test timed out");
}

/// An application state that holds the verifier among other things.
#[derive(Clone)]
struct AppState {
    verifier: WebhookVerifier,
    name: &'static str,
}

impl FromRef<AppState> for WebhookVerifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

#[tokio::test]
async fn extractor_with_the_verifier_inside_app_state() {
    tokio::time::timeout(TEST_TIMEOUT, async {
        let state = AppState {
            verifier: WebhookVerifier::new(SECRET),
            name: "shop",
        };
        let app = Router::new()
            .route("/hook", post(event_name))
            .route(
                "/named",
                post(
                    |axum::extract::State(state): axum::extract::State<AppState>,
                     VerifiedWebhook(w): VerifiedWebhook| async move {
                        format!("{}:{}", state.name, w.event_name())
                    },
                ),
            )
            .with_state(state);
        let addr = serve(app).await;
        let client = client();
        let body = fixture("cover.paused");

        let reply = post_signed(&client, &format!("http://{addr}/hook"), &body).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body, "cover.paused");
        let reply = post_signed(&client, &format!("http://{addr}/named"), &body).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body, "shop:cover.paused");

        let header = sign("whsec_wrong", now_unix(), &body);
        let reply = send(
            &client,
            &format!("http://{addr}/named"),
            Some(&header),
            body,
        )
        .await;
        assert_eq!(reply.status, 401);
        assert_eq!(
            reply.body,
            "invalid signature: no signature matches the body"
        );
    })
    .await
    .expect("test timed out");
}
