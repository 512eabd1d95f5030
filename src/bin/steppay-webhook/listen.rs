//! `listen`: a local receiver built on the crate's own axum router. Each delivery is
//! verified and answered as a receiver built with this crate would answer it, shown (event,
//! ids, amounts, statuses, outcome; v1 bodies too), and optionally forwarded, signed
//! afresh, to your own receiver, whose answer is then the answer.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use steppay_webhook::legacy::{detect_version, parse_legacy, WebhookVersion};
use steppay_webhook::{
    sign, AsyncWebhookHandler, Cover, Customer, Invoice, Order, Payment, Price, Product,
    Subscription, Usage, WebhookMeta, WebhookReceiver, WebhookRejection, WebhookVerifier,
    DEFAULT_BODY_LIMIT,
};

use crate::args::ListenArgs;
use crate::exit::{Done, Failure};
use crate::report::{describe, describe_legacy, Report, Tone};
use crate::{net, output};

/// The most of an answer read back from the receiver to show (its reasons are short).
const ANSWER_LIMIT: usize = 64 * 1024;

/// Handles every event type, so that a verified, readable delivery is answered
/// `200 handled <event>`; an unreadable one keeps the default answer (400), as in a
/// receiver of yours.
struct AcceptEvery;

macro_rules! accept_every_event {
    ($($method:ident: $payload:ty),+ $(,)?) => {
        impl AsyncWebhookHandler for AcceptEvery {
            type Error = Infallible;

            $(async fn $method(&self, _: WebhookMeta<'_>, _: &$payload) -> Result<(), Infallible> {
                Ok(())
            })+

            async fn on_unknown(
                &self,
                _: WebhookMeta<'_>,
                _: &serde_json::Value,
            ) -> Result<(), Infallible> {
                Ok(())
            }
        }
    };
}

accept_every_event! {
    on_order_created: Order,
    on_order_updated: Order,
    on_order_payment_completed: Order,
    on_subscription_created: Subscription,
    on_subscription_updated: Subscription,
    on_subscription_payment_due_notification: Subscription,
    on_subscription_usage_added: Usage,
    on_invoice_created: Invoice,
    on_invoice_updated: Invoice,
    on_invoice_deleted: Invoice,
    on_payment_completed: Payment,
    on_payment_failed: Payment,
    on_payment_canceled: Payment,
    on_payment_standby: Payment,
    on_customer_created: Customer,
    on_customer_updated: Customer,
    on_customer_deleted: Customer,
    on_product_created: Product,
    on_product_updated: Product,
    on_product_deleted: Product,
    on_product_price_created: Price,
    on_product_price_updated: Price,
    on_product_price_deleted: Price,
    on_cover_sent_message: Cover,
    on_cover_delayed_message: Cover,
    on_cover_changed_payment_date: Cover,
    on_cover_paused: Cover,
}

/// Where to forward verified deliveries.
struct Forward {
    url: reqwest::Url,
    secret: String,
    client: reqwest::Client,
}

/// What the middleware around the receiver needs.
struct Listener {
    path: String,
    forward: Option<Forward>,
}

pub async fn run(args: ListenArgs) -> Result<Done, Failure> {
    let key = args.key.resolve("verify")?;
    let path = normalize_path(&args.path)?;
    let forward = match &args.forward_to {
        Some(url) => Some(Forward {
            url: net::parse_url(url, "--forward-to")?,
            secret: args.forward_secret.clone().unwrap_or_else(|| key.clone()),
            client: net::client()?,
        }),
        None => None,
    };
    let forwarding = forward.as_ref().map(|forward| forward.url.to_string());

    let receiver = WebhookReceiver::new(WebhookVerifier::new(&key), AcceptEvery);
    let webhooks: Router = steppay_webhook::axum::router(receiver);
    let app = if path == "/" {
        webhooks
    } else {
        Router::new().nest(&path, webhooks)
    };
    let state = Arc::new(Listener { path, forward });
    let app = app
        .layer(middleware::from_fn_with_state(
            state.clone(),
            show_and_forward,
        ))
        .layer(DefaultBodyLimit::max(DEFAULT_BODY_LIMIT));

    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .map_err(|e| Failure::Unavailable(format!("cannot listen on {}: {e}", args.addr)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::Unavailable(format!("cannot listen on {}: {e}", args.addr)))?;
    // The first line is the URL, plain, for scripts and tests to read.
    let mut banner = format!("listening on http://{addr}{}\n", state.path);
    let forwarding = match forwarding {
        Some(url) => format!("verified deliveries are forwarded, signed afresh, to {url}"),
        None => "deliveries are verified, answered and shown here".to_owned(),
    };
    banner.push_str(&output::toned(
        &format!("{forwarding}; Ctrl-C stops\n"),
        Tone::Dim,
    ));
    output::print(&banner);

    axum::serve(listener, app)
        .await
        .map_err(|e| Failure::Unavailable(format!("the server stopped: {e}")))?;
    Ok(Done::Yes)
}

/// `--path` as a route: starting with `/`, without a trailing one, with no route
/// parameters.
fn normalize_path(path: &str) -> Result<String, Failure> {
    let trimmed = path.trim_end_matches('/');
    let valid = path.starts_with('/')
        && !path.contains(|c: char| c.is_whitespace() || matches!(c, '{' | '}' | '*' | '?' | '#'));
    if !valid {
        return Err(Failure::Usage(format!(
            "--path {path:?}: expected a path such as /webhooks/steppay"
        )));
    }
    Ok(if trimmed.is_empty() { "/" } else { trimmed }.to_owned())
}

/// The middleware around the crate's router: reads the body, answers v1 bodies itself,
/// lets the router answer v2 ones, shows each delivery, and forwards verified ones.
async fn show_and_forward(
    State(listener): State<Arc<Listener>>,
    request: Request,
    next: Next,
) -> Response {
    let heading = format!(
        "{}  {} {}",
        chrono::Local::now().format("%H:%M:%S"),
        request.method(),
        request.uri().path()
    );
    let mut report = Report::new();
    let (response, report) = if request.method() != Method::POST
        || request.uri().path().trim_end_matches('/') != listener.path.trim_end_matches('/')
    {
        let response = next.run(request).await;
        let answer = format!(
            "{} (deliveries go to POST {})",
            response.status(),
            listener.path
        );
        report.toned("answer", answer, Tone::Bad);
        (response, report)
    } else {
        deliver(&listener, request, next, report).await
    };
    output::print(&format!(
        "\n{}\n{}",
        output::heading(&heading),
        output::table(&report)
    ));
    response
}

async fn deliver(
    listener: &Listener,
    request: Request,
    next: Next,
    mut report: Report,
) -> (Response, Report) {
    let (parts, body) = request.into_parts();
    let body = match Bytes::from_request(Request::from_parts(parts.clone(), body), &()).await {
        Ok(body) => body,
        Err(rejection) => {
            let rejection = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                WebhookRejection::BodyTooLarge {
                    limit: Some(DEFAULT_BODY_LIMIT),
                }
            } else {
                WebhookRejection::BodyNotReceived {
                    reason: rejection.body_text(),
                }
            };
            let response = rejection.into_response();
            let answer = format!("{}", response.status());
            report.toned("answer", answer, Tone::Bad);
            return (response, report);
        }
    };
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);

    let (status, text, signature) = match detect_version(&body, content_type.as_deref()) {
        WebhookVersion::V1 => {
            // Unsigned: nothing to verify. Answered here, as a receiver that accepts v1
            // during a migration would.
            match parse_legacy(&body, content_type.as_deref()) {
                Ok(notification) => {
                    report.extend(describe_legacy(&notification));
                    (StatusCode::OK, "received v1 notification".to_owned(), None)
                }
                Err(error) => {
                    report.toned("body", error.to_string(), Tone::Bad);
                    (StatusCode::BAD_REQUEST, error.to_string(), None)
                }
            }
        }
        WebhookVersion::V2 => {
            let request = Request::from_parts(parts, Body::from(body.clone()));
            let response = next.run(request).await;
            let status = response.status();
            let text = match to_bytes(response.into_body(), ANSWER_LIMIT).await {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) => format!("(the answer could not be read: {e})"),
            };
            let described = describe(&body, content_type.as_deref());
            if status.is_success() {
                if let Ok(described) = described {
                    report.extend(described);
                }
                report.toned("signature", "valid", Tone::Good);
            } else if let Ok(described) = described {
                // Not verified (or not readable): only what it claims to be.
                if let Some(event) = described.rows.into_iter().find(|row| row.label == "event") {
                    report.row("event", format!("{} (not verified)", event.value));
                }
            }
            let signed_afresh = status.is_success().then_some(());
            (status, text, signed_afresh)
        }
    };

    let tone = if status.is_success() {
        Tone::Good
    } else {
        Tone::Bad
    };
    report.toned("outcome", answer_text(status, &text), tone);

    let Some(forward) = listener.forward.as_ref().filter(|_| status.is_success()) else {
        return ((status, text).into_response(), report);
    };
    // v2 deliveries are signed afresh with the forwarding key; v1 ones go as they came.
    let (content_type, signature) = match signature {
        Some(()) => {
            let now = chrono::Utc::now().timestamp();
            let signature = sign(&forward.secret, now, &body);
            ("application/json".to_owned(), Some(signature))
        }
        None => (
            content_type.unwrap_or_else(|| "application/x-www-form-urlencoded".to_owned()),
            None,
        ),
    };
    let answer = net::post(
        &forward.client,
        &forward.url,
        &content_type,
        signature.as_deref(),
        body.to_vec(),
    )
    .await;
    match answer {
        Ok(answer) => {
            let tone = if answer.status.is_success() {
                Tone::Good
            } else {
                Tone::Bad
            };
            report.toned(
                "forwarded",
                format!("{} -> {}", forward.url, answer.summary()),
                tone,
            );
            let status = StatusCode::from_u16(answer.status.as_u16())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            ((status, answer.text).into_response(), report)
        }
        Err(message) => {
            report.toned("forwarded", message.clone(), Tone::Bad);
            ((StatusCode::BAD_GATEWAY, message).into_response(), report)
        }
    }
}

/// `200 OK: handled payment.failed`.
fn answer_text(status: StatusCode, text: &str) -> String {
    if text.is_empty() {
        status.to_string()
    } else {
        format!("{status}: {text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_or_refused() {
        assert_eq!(
            normalize_path("/webhooks/steppay/").unwrap(),
            "/webhooks/steppay"
        );
        assert_eq!(normalize_path("/").unwrap(), "/");
        assert_eq!(normalize_path("//").unwrap(), "/");
        for bad in ["webhooks", "", "/a/{id}", "/a b", "/*rest"] {
            assert!(normalize_path(bad).is_err(), "{bad}");
        }
    }
}
