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

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use ::actix_web::dev::Payload;
use ::actix_web::http::StatusCode;
use ::actix_web::web::{self, Bytes};
use ::actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};

use crate::handler::extract;
#[cfg(doc)]
use crate::Outcome;
use crate::{
    receive_async, AsyncWebhookHandler, Webhook, WebhookRejection, WebhookVerifier,
    SIGNATURE_HEADER,
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

impl ResponseError for WebhookRejection {
    fn status_code(&self) -> StatusCode {
        status_code(self.status())
    }

    fn error_response(&self) -> HttpResponse {
        plain_text(self.status(), self.reason().to_owned())
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

fn signature_header(request: &HttpRequest) -> Option<&[u8]> {
    request
        .headers()
        .get(SIGNATURE_HEADER)
        .map(|value| value.as_bytes())
}

impl FromRequest for VerifiedWebhook {
    type Error = WebhookRejection;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let verifier = request.app_data::<web::Data<WebhookVerifier>>().cloned();
        let header = signature_header(request).map(<[u8]>::to_vec);
        let body = Bytes::from_request(request, payload);
        Box::pin(async move {
            let body = body.await.map_err(|error| {
                WebhookRejection::new(
                    error.as_response_error().status_code().as_u16(),
                    error.to_string(),
                )
            })?;
            let Some(verifier) = verifier else {
                return Err(WebhookRejection::new(
                    500,
                    "no web::Data<WebhookVerifier> registered as app data",
                ));
            };
            extract(&body, header.as_deref(), &verifier).map(VerifiedWebhook)
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
    let header = signature_header(&request).map(String::from_utf8_lossy);
    let outcome = receive_async(&body, header.as_deref(), &state.verifier, &*state.handler).await;
    plain_text(outcome.status(), outcome.reason())
}
