//! A reqwest client for the real-server tests (axum and actix-web), and the checks of the
//! rejections both integrations must answer the same way.

use std::time::Duration;

use serde_json::Value;
use steppay_webhook::{parse_webhook, sign, SIGNATURE_HEADER};

use super::recorder::{Recorder, HANDLER_ERROR};
use super::{
    event_fixtures, event_of, fixture, not_json_body, now_unix, unknown_event_body, UNKNOWN_EVENT,
};

/// Every server test body runs under this bound, so a hang fails instead of blocking.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A client that talks to 127.0.0.1 directly, whatever the proxy settings.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// What the server answered.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

/// POSTs `body` to `url`, with `header` as the `Steppay-Signature` header if given.
pub async fn send(
    client: &reqwest::Client,
    url: &str,
    header: Option<&str>,
    body: Vec<u8>,
) -> Reply {
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

/// POSTs `body` signed now with `secret`.
pub async fn send_signed(client: &reqwest::Client, url: &str, secret: &str, body: &[u8]) -> Reply {
    let header = sign(secret, now_unix(), body);
    send(client, url, Some(&header), body.to_vec()).await
}

/// POSTs every event fixture, then the unknown event, each signed with `secret`, to a
/// fresh receiver whose handler is `recorder`: 200 with a plain-text reason each, and the
/// handler saw the typed values (parsed here independently of the server), in order, then
/// the unknown event's raw data.
pub async fn assert_handles_every_event(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    recorder: &Recorder,
) {
    let mut expected = Vec::new();
    for (file, body) in event_fixtures() {
        let event = event_of(&body);
        let reply = send_signed(client, url, secret, &body).await;
        assert_eq!(reply.status, 200, "{file}: {}", reply.body);
        assert_eq!(reply.body, format!("handled {event}"), "{file}");
        assert_eq!(reply.content_type, "text/plain; charset=utf-8", "{file}");
        // The typed value the handler must have seen.
        let webhook = parse_webhook(&body).expect("parses");
        assert_eq!(webhook.event_name(), event);
        expected.push((event, webhook.event));
    }
    assert_eq!(expected.len(), 27);
    assert_eq!(recorder.events(), expected);
    assert_eq!(recorder.calls(), 27);

    // An unknown event type: 200, handled by on_unknown, which saw the raw data.
    let body = unknown_event_body();
    let reply = send_signed(client, url, secret, &body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, format!("handled {UNKNOWN_EVENT}"));
    let raw: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(
        recorder.unknown(),
        vec![(UNKNOWN_EVENT.to_owned(), raw["data"].clone())]
    );
    assert_eq!(recorder.calls(), 28);
}

/// POSTs `body` signed with `wrong_secret`: 401, no signature matches.
pub async fn assert_rejects_wrong_secret(
    client: &reqwest::Client,
    url: &str,
    wrong_secret: &str,
    now: i64,
    body: &[u8],
) -> Reply {
    let header = sign(wrong_secret, now, body);
    let reply = send(client, url, Some(&header), body.to_vec()).await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.body,
        "invalid signature: no signature matches the body"
    );
    reply
}

/// POSTs `body` with a correct signature made one hour before `now`: 401, a replay.
async fn assert_rejects_stale_signature(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    now: i64,
    body: &[u8],
) -> Reply {
    let header = sign(secret, now - 3600, body);
    let reply = send(client, url, Some(&header), body.to_vec()).await;
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
    reply
}

/// POSTs a body that is not JSON, correctly signed with `secret`: 400, invalid body.
async fn assert_rejects_signed_non_json(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    now: i64,
) -> Reply {
    let not_json = not_json_body();
    let header = sign(secret, now, &not_json);
    let reply = send(client, url, Some(&header), not_json).await;
    assert_eq!(reply.status, 400);
    assert!(
        reply.body.starts_with("invalid webhook body: "),
        "{}",
        reply.body
    );
    reply
}

/// POSTs `body` without a `Steppay-Signature` header, then with an empty one: 400 both.
async fn assert_rejects_missing_header(client: &reqwest::Client, url: &str, body: &[u8]) {
    for header in [None, Some("")] {
        let reply = send(client, url, header, body.to_vec()).await;
        assert_eq!(reply.status, 400, "header {header:?}");
        assert_eq!(
            reply.body, "missing Steppay-Signature header",
            "header {header:?}"
        );
    }
}

/// The bad requests a receiver at `url` (verifying with `secret`) must reject before its
/// handler runs, built from the valid `body`: another secret, an altered body, a stale
/// signature, a signed body that is not JSON, no or an empty header (each with a plain-text
/// reason), and a GET.
pub async fn assert_rejects_bad_requests(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    body: &[u8],
) {
    let now = now_unix();

    let reply = assert_rejects_wrong_secret(client, url, "whsec_not_the_secret", now, body).await;
    assert_eq!(reply.content_type, "text/plain; charset=utf-8");

    // Altered body.
    let header = sign(secret, now, body);
    let mut altered = body.to_vec();
    altered.extend_from_slice(b" ");
    let reply = send(client, url, Some(&header), altered).await;
    assert_eq!(reply.status, 401);
    assert!(reply.body.contains("invalid signature"), "{}", reply.body);

    assert_rejects_stale_signature(client, url, secret, now, body).await;
    assert_rejects_signed_non_json(client, url, secret, now).await;
    assert_rejects_missing_header(client, url, body).await;

    // Only POST is routed.
    let response = client.get(url).send().await.expect("GET sent");
    assert_eq!(response.status().as_u16(), 405);
}

/// While `recorder` fails `payment.failed`: 500, and the reason does not leak the handler's
/// error, nothing recorded; other events still succeed meanwhile, and `payment.failed` does
/// once the failure is switched off.
pub async fn assert_handler_failure_answers_500(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    recorder: &Recorder,
) {
    let calls = recorder.calls();
    let events = recorder.events().len();

    recorder.fail_on(Some("payment.failed"));
    let failing = fixture("payment.failed");
    let reply = send_signed(client, url, secret, &failing).await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.body, "handler failed for payment.failed");
    assert!(!reply.body.contains(HANDLER_ERROR));
    assert_eq!(recorder.calls(), calls);

    let reply = send_signed(client, url, secret, &fixture("payment.completed")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    recorder.fail_on(None);
    let reply = send_signed(client, url, secret, &failing).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, "handled payment.failed");
    assert_eq!(recorder.calls(), calls + 2);
    let seen: Vec<String> = recorder.events()[events..]
        .iter()
        .map(|(event, _)| event.clone())
        .collect();
    assert_eq!(seen, ["payment.completed", "payment.failed"]);
}

/// An `order.created` body with 2,500 items (copies of the fixture's items, each with its
/// own id), pretty-printed: larger than axum's own 2 MiB default body limit and actix-web's
/// 256 KiB, smaller than the crate's `DEFAULT_BODY_LIMIT`.
pub fn large_order_body() -> Vec<u8> {
    let mut order: Value = serde_json::from_slice(&fixture("order.created")).expect("JSON");
    let items = order["data"]["items"].as_array().expect("items").clone();
    let many: Vec<Value> = (0..2500)
        .map(|i| {
            let mut item = items[i % items.len()].clone();
            item["id"] = Value::from(9_000_000 + i);
            item
        })
        .collect();
    order["data"]["items"] = Value::Array(many);
    let body = serde_json::to_vec_pretty(&order).expect("JSON");
    assert!(body.len() > 2 * 1024 * 1024, "{} bytes", body.len());
    assert!(body.len() < steppay_webhook::DEFAULT_BODY_LIMIT);
    body
}

/// POSTs [`large_order_body`] signed with `secret`: handled, all 2,500 items seen.
pub async fn assert_accepts_a_2500_item_order(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    recorder: &Recorder,
) {
    let body = large_order_body();
    let reply = send_signed(client, url, secret, &body).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, "handled order.created");
    let events = recorder.events();
    let Some((_, steppay_webhook::Event::OrderCreated(order))) = events.last() else {
        panic!("no order.created recorded: {events:?}");
    };
    assert_eq!(order.items.len(), 2500);
}
