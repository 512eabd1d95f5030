//! actix-web integration (feature `actix-web`): the [`VerifiedWebhook`] extractor and a
//! ready [`webhook_resource`].
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
//! let verifier = web::Data::new(WebhookVerifier::new("secret"));
//! HttpServer::new(move || {
//!     App::new().app_data(verifier.clone()).route("/webhooks/steppay", web::post().to(steppay))
//! })
//! .bind(("127.0.0.1", 3000))?
//! .run()
//! .await
//! # }
//! ```

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use ::actix_web::dev::Payload;
use ::actix_web::http::StatusCode;
use ::actix_web::web::{self, Bytes};
use ::actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};

use crate::handler::verify_and_parse;
use crate::{
    receive_async, AsyncWebhookHandler, Outcome, Webhook, WebhookVerifier, SIGNATURE_HEADER,
};

/// An extractor that reads the raw body and the `Steppay-Signature` header, verifies them
/// with the `web::Data<WebhookVerifier>` registered as app data, and yields the parsed
/// [`Webhook`].
///
/// On failure the request is answered with the status from [`Outcome`]'s table (400
/// missing header or unreadable body, 401 bad signature; 500 if no verifier was
/// registered) and a short plain-text reason.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedWebhook(pub Webhook);

/// Why [`VerifiedWebhook`] rejected a request; answers with its status and a plain-text
/// reason.
#[derive(Debug)]
pub struct WebhookRejection {
    status: StatusCode,
    reason: String,
}

impl WebhookRejection {
    /// The HTTP status the rejection answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The plain-text reason sent as the response body.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.reason)
    }
}

impl ResponseError for WebhookRejection {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status)
            .content_type("text/plain; charset=utf-8")
            .body(self.reason.clone())
    }
}

impl<E> From<Outcome<E>> for WebhookRejection {
    fn from(outcome: Outcome<E>) -> Self {
        Self {
            status: status_of(&outcome),
            reason: outcome.reason(),
        }
    }
}

fn status_of<E>(outcome: &Outcome<E>) -> StatusCode {
    StatusCode::from_u16(outcome.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn signature_header(request: &HttpRequest) -> Option<String> {
    request
        .headers()
        .get(SIGNATURE_HEADER)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

impl FromRequest for VerifiedWebhook {
    type Error = WebhookRejection;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verifier = request.app_data::<web::Data<WebhookVerifier>>().cloned();
        let header = signature_header(request);
        let body = Bytes::from_request(request, payload);
        Box::pin(async move {
            let body = body.await.map_err(|error| WebhookRejection {
                status: error.as_response_error().status_code(),
                reason: error.to_string(),
            })?;
            let Some(verifier) = verifier else {
                return Err(WebhookRejection {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    reason: "no web::Data<WebhookVerifier> registered as app data".to_owned(),
                });
            };
            verify_and_parse::<Infallible>(&body, header.as_deref(), &verifier)
                .map(VerifiedWebhook)
                .map_err(WebhookRejection::from)
        })
    }
}

/// A resource at `path` that answers `POST` with the whole job: verify with `verifier`,
/// parse, call `handler`, and answer with the status from [`Outcome`]'s table and a
/// plain-text reason.
///
/// ```no_run
/// use actix_web::{App, HttpServer};
/// use steppay_webhook::{actix::webhook_resource, AsyncWebhookHandler, WebhookVerifier};
///
/// struct Shop;
/// impl AsyncWebhookHandler for Shop {
///     type Error = std::io::Error;
/// }
///
/// # async fn run() -> std::io::Result<()> {
/// let shop = std::sync::Arc::new(Shop);
/// let verifier = WebhookVerifier::new("secret");
/// HttpServer::new(move || App::new().service(webhook_resource("/webhooks/steppay", verifier.clone(), shop.clone())))
///     .bind(("127.0.0.1", 3000))?
///     .run()
///     .await
/// # }
/// ```
pub fn webhook_resource<H>(
    path: &str,
    verifier: WebhookVerifier,
    handler: Arc<H>,
) -> actix_web::Resource
where
    H: AsyncWebhookHandler + Send + Sync + 'static,
{
    let state = web::Data::new(ReceiverState { verifier, handler });
    web::resource(path)
        .app_data(state)
        .route(web::post().to(receive_route::<H>))
}

struct ReceiverState<H> {
    verifier: WebhookVerifier,
    handler: Arc<H>,
}

async fn receive_route<H>(
    state: web::Data<ReceiverState<H>>,
    request: HttpRequest,
    body: Bytes,
) -> HttpResponse
where
    H: AsyncWebhookHandler + Send + Sync + 'static,
{
    let header = signature_header(&request);
    let outcome = receive_async(&body, header.as_deref(), &state.verifier, &*state.handler).await;
    HttpResponse::build(status_of(&outcome))
        .content_type("text/plain; charset=utf-8")
        .body(outcome.reason())
}
