//! The actix-web integration: `webhook_resource` on a real `HttpServer` bound to 127.0.0.1,
//! and the `VerifiedWebhook` extractor through `actix_web::test`.
#![cfg(feature = "actix-web")]

use std::sync::Arc;

use crate::support::http::{
    assert_accepts_a_2500_item_order, assert_handler_failure_answers_500,
    assert_handles_every_event, assert_rejects_bad_requests, client, send_signed, Reply,
    TEST_TIMEOUT,
};
use crate::support::recorder::Recorder;
use crate::support::servers::serve_actix;
use crate::support::{event_of, fixture, not_json_body, now_unix};
use actix_web::{test, web, App};
use steppay_webhook::actix::{webhook_resource, VerifiedWebhook};
use steppay_webhook::{sign, WebhookVerifier, SIGNATURE_HEADER};

const SECRET: &str = "whsec_actix_server_test_3b7a";
const PATH: &str = "/webhooks/steppay";

// ---------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------

async fn post_signed(client: &reqwest::Client, url: &str, body: &[u8]) -> Reply {
    send_signed(client, url, SECRET, body).await
}

/// Runs a real `HttpServer` with `webhook_resource` on an ephemeral 127.0.0.1 port, with a
/// fresh recorder as the handler: (recorder, the resource's URL, the server's handle).
fn start_server() -> (Recorder, String, actix_web::dev::ServerHandle) {
    let recorder = Recorder::default();
    let handler = Arc::new(recorder.clone());
    let verifier = WebhookVerifier::new(SECRET);
    let (addr, handle) = serve_actix(
        move |config| {
            config.service(webhook_resource(PATH, verifier.clone(), handler.clone()));
        },
        tracing::Span::none(),
    );
    (recorder, format!("http://{addr}{PATH}"), handle)
}

// ---------------------------------------------------------------------------------------
// webhook_resource on a real server
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn resource_handles_every_event_and_rejects_bad_requests() {
    let (recorder, url, handle) = start_server();

    let result = tokio::time::timeout(TEST_TIMEOUT, async {
        let client = client();

        // Every event type, then an unknown one: 200, and the handler saw what was sent.
        assert_handles_every_event(&client, &url, SECRET, &recorder).await;

        assert_rejects_bad_requests(&client, &url, SECRET, &fixture("payment.completed")).await;

        // None of the rejected requests reached the handler.
        assert_eq!(recorder.calls(), 28);

        assert_handler_failure_answers_500(&client, &url, SECRET, &recorder).await;
        assert_eq!(recorder.calls(), 30);

        // The resource's 8 MiB limit, not actix-web's 256 KiB default, applies.
        assert_accepts_a_2500_item_order(&client, &url, SECRET, &recorder).await;
    })
    .await;
    handle.stop(true).await;
    result.expect("test timed out");
}

#[actix_web::test]
async fn resource_serves_concurrent_deliveries() {
    const REQUESTS: usize = 100;
    let (recorder, url, handle) = start_server();

    let result = tokio::time::timeout(TEST_TIMEOUT, async {
        let client = client();
        let fixtures = Arc::new(crate::support::event_fixtures());
        let tasks: Vec<_> = (0..REQUESTS)
            .map(|i| {
                let client = client.clone();
                let url = url.clone();
                let fixtures = fixtures.clone();
                actix_web::rt::spawn(async move {
                    let body = &fixtures[i % fixtures.len()].1;
                    post_signed(&client, &url, body).await.status
                })
            })
            .collect();
        let mut ok = 0;
        for task in tasks {
            assert_eq!(task.await.expect("request task"), 200);
            ok += 1;
        }
        assert_eq!(ok, REQUESTS);
        assert_eq!(recorder.calls(), REQUESTS);
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

/// Calls the test `$app` with [`request`]`($body, $header)`: (status, response body).
/// A macro because the request type (`actix_http::Request`) cannot be named here.
macro_rules! call {
    ($app:expr, $body:expr, $header:expr) => {{
        let response = test::call_service($app, request($body, $header).to_request()).await;
        let status = response.status().as_u16();
        (status, test::read_body(response).await)
    }};
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
    for (file, body) in crate::support::event_fixtures() {
        let header = sign(SECRET, now_unix(), &body);
        let (status, text) = call!(&app, &body, Some(&header));
        assert_eq!(status, 200, "{file}");
        assert_eq!(text, event_of(&body).as_bytes(), "{file}");
        ok += 1;
    }
    assert_eq!(ok, 27);

    let body = fixture("invoice.created");

    let header = sign("whsec_wrong", now_unix(), &body);
    let (status, text) = call!(&app, &body, Some(&header));
    assert_eq!(status, 401);
    assert_eq!(text, "invalid signature: no signature matches the body");

    let header = sign(SECRET, now_unix() - 3600, &body);
    let (status, text) = call!(&app, &body, Some(&header));
    assert_eq!(status, 401);
    assert!(
        text.starts_with(b"invalid signature: the timestamp is 36"),
        "{text:?}"
    );

    let (status, text) = call!(&app, &body, None);
    assert_eq!(status, 400);
    assert_eq!(text, "missing Steppay-Signature header");

    let not_json = not_json_body();
    let header = sign(SECRET, now_unix(), &not_json);
    let (status, text) = call!(&app, &not_json, Some(&header));
    assert_eq!(status, 400);
    assert!(text.starts_with(b"invalid webhook body: "), "{text:?}");
}

#[actix_web::test]
async fn extractor_without_a_registered_verifier_answers_500() {
    let app = test::init_service(App::new().route("/hook", web::post().to(event_name))).await;
    let body = fixture("invoice.created");
    let header = sign(SECRET, now_unix(), &body);
    let (status, text) = call!(&app, &body, Some(&header));
    assert_eq!(status, 500);
    assert_eq!(text, "no web::Data<WebhookVerifier> registered as app data");

    // A bare `WebhookVerifier` (not wrapped in web::Data) does not count either.
    let app = test::init_service(
        App::new()
            .app_data(WebhookVerifier::new(SECRET))
            .route("/hook", web::post().to(event_name)),
    )
    .await;
    let (status, _) = call!(&app, &body, Some(&header));
    assert_eq!(status, 500);
}
