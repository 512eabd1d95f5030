//! The axum integration against a real server on 127.0.0.1.
#![cfg(feature = "axum")]

use std::net::SocketAddr;
use std::sync::Arc;

use crate::support::http::{
    assert_accepts_a_2500_item_order, assert_handler_failure_answers_500,
    assert_handles_every_event, assert_rejects_bad_requests, assert_rejects_wrong_secret, client,
    send_signed, Reply, TEST_TIMEOUT,
};
use crate::support::recorder::Recorder;
use crate::support::servers::serve_axum;
use crate::support::{event_of, fixture, now_unix, unknown_event_body, UNKNOWN_EVENT};
use axum::extract::FromRef;
use axum::routing::post;
use axum::Router;
use steppay_webhook::axum::{webhook_router, VerifiedWebhook};
use steppay_webhook::{parse_webhook, WebhookVerifier};

const SECRET: &str = "whsec_axum_server_test_8d2e";
const MOUNT: &str = "/webhooks/steppay";

// ---------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------

async fn serve(app: Router) -> SocketAddr {
    serve_axum(app, tracing::Span::none()).await
}

async fn post_signed(client: &reqwest::Client, url: &str, body: &[u8]) -> Reply {
    send_signed(client, url, SECRET, body).await
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

        assert_handles_every_event(&client, &url, SECRET, &recorder).await;
    })
    .await
    .expect("test timed out");
}

#[tokio::test]
async fn router_rejects_bad_requests_with_plain_text_reasons() {
    tokio::time::timeout(TEST_TIMEOUT, async {
        let (recorder, url) = receiver().await;
        let client = client();
        assert_rejects_bad_requests(&client, &url, SECRET, &fixture("payment.completed")).await;

        // None of these reached the handler.
        assert_eq!(recorder.calls(), 0);
        assert!(recorder.events().is_empty());

        assert_handler_failure_answers_500(&client, &url, SECRET, &recorder).await;
    })
    .await
    .expect("test timed out");
}

#[tokio::test]
async fn router_accepts_a_2500_item_order_under_the_default_limit() {
    tokio::time::timeout(TEST_TIMEOUT, async {
        let (recorder, url) = receiver().await;
        assert_accepts_a_2500_item_order(&client(), &url, SECRET, &recorder).await;
    })
    .await
    .expect("test timed out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn router_serves_200_concurrent_deliveries() {
    const REQUESTS: usize = 200;
    tokio::time::timeout(TEST_TIMEOUT, async {
        let (recorder, url) = receiver().await;
        recorder.set_slow(true);
        let client = client();
        let fixtures = Arc::new(crate::support::event_fixtures());
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
        assert_eq!(recorder.calls(), REQUESTS);
        assert_eq!(recorder.in_flight(), 0);
        let max = recorder.max_in_flight();
        assert!(
            max > 1,
            "requests were never handled concurrently (max {max})"
        );

        // Each event type was seen as often as it was sent, with the right value.
        let events = recorder.events();
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
        for (file, body) in crate::support::event_fixtures() {
            let reply = post_signed(&client, &url, &body).await;
            assert_eq!(reply.status, 200, "{file}: {}", reply.body);
            assert_eq!(reply.body, event_of(&body), "{file}");
            ok += 1;
        }
        assert_eq!(ok, 27);
        let reply = post_signed(&client, &url, &unknown_event_body()).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, UNKNOWN_EVENT);

        assert_rejects_bad_requests(&client, &url, SECRET, &fixture("order.created")).await;
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

        let url = format!("http://{addr}/named");
        assert_rejects_wrong_secret(&client, &url, "whsec_wrong", now_unix(), &body).await;
    })
    .await
    .expect("test timed out");
}
