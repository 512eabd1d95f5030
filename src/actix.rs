//! actix-web integration (feature `actix-web`): a ready [`resource`] (or
//! [`webhook_resource`]), and the [`VerifiedWebhook`] extractor for routes of your own.
//!
//! Both log every request through `tracing` (see [`receive`](crate::receive)).
//!
//! # Examples
//!
//! ```no_run
//! use actix_web::{web, App, HttpServer};
//! use steppay_webhook::actix::VerifiedWebhook;
//! use steppay_webhook::WebhookVerifier;
//!
//! async fn steppay(VerifiedWebhook(webhook): VerifiedWebhook) -> &'static str {
//!     println!("{} received", webhook.event_name());
//!     "ok"
//! }
//!
//! # async fn run() -> std::io::Result<()> {
//! let verifier = web::Data::new(WebhookVerifier::new("whsec_..."));
//! HttpServer::new(move || {
//!     App::new().app_data(verifier.clone()).route("/webhooks/steppay", web::post().to(steppay))
//! })
//! .bind(("127.0.0.1", 3000))?
//! .run()
//! .await
//! # }
//! ```

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::web::{self, Bytes};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};

use crate::receive::{extract, rejected};
use crate::{
    AsyncWebhookHandler, Webhook, WebhookReceiver, WebhookRejection, WebhookVerifier,
    SIGNATURE_HEADER,
};

/// An extractor that reads the raw body and the `Steppay-Signature` header, verifies them
/// with the `web::Data<WebhookVerifier>` registered as app data, and yields the parsed
/// [`Webhook`].
///
/// On failure the request is answered with a [`WebhookRejection`] (its status and a short
/// plain-text reason; 500 if no verifier was registered) and logged. The body limit is the
/// app's: actix-web's `web::PayloadConfig` (256 kB unless you set it;
/// `web::PayloadConfig::new(`[`DEFAULT_BODY_LIMIT`](crate::DEFAULT_BODY_LIMIT)`)` matches the
/// ready resource).
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedWebhook(pub Webhook);

impl ResponseError for WebhookRejection {
    fn status_code(&self) -> StatusCode {
        status_code(self.status())
    }

    fn error_response(&self) -> HttpResponse {
        plain_text(self.status(), self.reason())
    }
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn plain_text(status: u16, body: String) -> HttpResponse {
    HttpResponse::build(status_code(status))
        .content_type("text/plain; charset=utf-8")
        .body(body)
}

/// The `Steppay-Signature` header (actix-web's own header map, looked up
/// case-insensitively).
fn signature_header(request: &HttpRequest) -> Option<String> {
    request
        .headers()
        .get(SIGNATURE_HEADER)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// The rejection for a body actix-web could not read.
fn body_rejection(error: &actix_web::Error, limit: Option<usize>) -> WebhookRejection {
    if error.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
        WebhookRejection::BodyTooLarge { limit }
    } else {
        WebhookRejection::BodyNotReceived {
            reason: error.to_string(),
        }
    }
}

impl FromRequest for VerifiedWebhook {
    type Error = WebhookRejection;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verifier = request.app_data::<web::Data<WebhookVerifier>>().cloned();
        let header = signature_header(request);
        let body = Bytes::from_request(request, payload);
        Box::pin(async move {
            let body = body
                .await
                .map_err(|error| rejected(body_rejection(&error, None)))?;
            let Some(verifier) = verifier else {
                return Err(rejected(WebhookRejection::Misconfigured {
                    reason: "no web::Data<WebhookVerifier> registered as app data",
                }));
            };
            extract(&body, header.as_deref(), &verifier).map(VerifiedWebhook)
        })
    }
}

/// A resource at `path` that answers `POST` with the whole job: a body up to the receiver's
/// limit, verified, parsed, handed to the handler, logged, and answered with the status from
/// [`Outcome`](crate::Outcome)'s table and a plain-text reason.
///
/// actix-web builds the app once per worker thread, so give each a clone of the receiver
/// (cheap: clones share the handler and, with
/// [`with_inbox`](crate::WebhookReceiver::with_inbox), the inbox).
///
/// ```no_run
/// use std::sync::Arc;
/// use actix_web::{App, HttpServer};
/// use steppay_webhook::{actix::resource, AsyncWebhookHandler, WebhookReceiver, WebhookVerifier};
///
/// struct Shop;
/// impl AsyncWebhookHandler for Shop {
///     type Error = std::io::Error;
/// }
///
/// # async fn run() -> std::io::Result<()> {
/// let receiver = WebhookReceiver::new(WebhookVerifier::new("whsec_..."), Arc::new(Shop))
///     .with_body_limit(16 * 1024 * 1024);
/// HttpServer::new(move || App::new().service(resource("/webhooks/steppay", receiver.clone())))
///     .bind(("127.0.0.1", 3000))?
///     .run()
///     .await
/// # }
/// ```
pub fn resource<H>(path: &str, receiver: WebhookReceiver<H>) -> actix_web::Resource
where
    H: AsyncWebhookHandler + Send + 'static,
{
    let payload = web::PayloadConfig::new(receiver.body_limit());
    web::resource(path)
        .app_data(payload)
        .app_data(web::Data::new(receiver))
        .route(web::post().to(receive_route::<H>))
}

/// [`resource`] for `WebhookReceiver::new(verifier, handler)`: the default body limit
/// ([`DEFAULT_BODY_LIMIT`](crate::DEFAULT_BODY_LIMIT)).
pub fn webhook_resource<H>(path: &str, verifier: WebhookVerifier, handler: H) -> actix_web::Resource
where
    H: AsyncWebhookHandler + Send + 'static,
{
    resource(path, WebhookReceiver::new(verifier, handler))
}

async fn receive_route<H>(
    receiver: web::Data<WebhookReceiver<H>>,
    request: HttpRequest,
    body: Result<Bytes, actix_web::Error>,
) -> HttpResponse
where
    H: AsyncWebhookHandler + Send + 'static,
{
    let body = match body {
        Ok(body) => body,
        Err(error) => {
            let rejection = rejected(body_rejection(&error, Some(receiver.body_limit())));
            return plain_text(rejection.status(), rejection.reason());
        }
    };
    let header = signature_header(&request);
    let outcome = receiver.receive_read_body(&body, header.as_deref()).await;
    plain_text(outcome.status(), outcome.reason())
}
