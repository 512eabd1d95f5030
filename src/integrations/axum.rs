//! axum integration (feature `axum`): the [`VerifiedWebhook`] extractor and a ready
//! [`webhook_router`].
//!
//! # Examples
//!
//! ```no_run
//! use axum::{routing::post, Router};
//! use steppay_webhook::axum::VerifiedWebhook;
//! use steppay_webhook::{Event, WebhookVerifier};
//!
//! async fn steppay(VerifiedWebhook(webhook): VerifiedWebhook) -> &'static str {
//!     if let Event::PaymentCompleted(payment) = &webhook.event {
//!         println!("paid: {:?}", payment.order_id);
//!     }
//!     "ok"
//! }
//!
//! # async fn run() {
//! let verifier = WebhookVerifier::new(std::env::var("STEPPAY_WEBHOOK_SECRET").unwrap());
//! let app: Router = Router::new().route("/webhooks/steppay", post(steppay)).with_state(verifier);
//! # }
//! ```

use std::sync::Arc;

use ::axum::body::Bytes;
use ::axum::extract::{FromRef, FromRequest, Request, State};
use ::axum::http::{HeaderMap, StatusCode};
use ::axum::response::{IntoResponse, Response};
use ::axum::routing::post;
use ::axum::Router;

use crate::handler::extract;
#[cfg(doc)]
use crate::Outcome;
use crate::{
    receive_async, AsyncWebhookHandler, Webhook, WebhookRejection, WebhookVerifier,
    SIGNATURE_HEADER,
};

/// An extractor that reads the raw body and the `Steppay-Signature` header, verifies them
/// with the [`WebhookVerifier`] in the router state (directly or through [`FromRef`]), and
/// yields the parsed [`Webhook`].
///
/// Put it last among a handler's extractors (it consumes the body). On failure the request
/// is answered with the status from [`Outcome`]'s table (400 missing header or unreadable
/// body, 401 bad signature) and a short plain-text reason.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedWebhook(pub Webhook);

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        (status_code(self.status()), self.reason().to_owned()).into_response()
    }
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn signature_header(headers: &HeaderMap) -> Option<&[u8]> {
    headers.get(SIGNATURE_HEADER).map(|value| value.as_bytes())
}

impl<S> FromRequest<S> for VerifiedWebhook
where
    S: Send + Sync,
    WebhookVerifier: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let header = signature_header(request.headers()).map(<[u8]>::to_vec);
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                WebhookRejection::new(rejection.status().as_u16(), rejection.body_text())
            })?;
        let verifier = WebhookVerifier::from_ref(state);
        extract(&body, header.as_deref(), &verifier).map(VerifiedWebhook)
    }
}

/// A router that answers `POST /` with the whole job: verify with `verifier`, parse, call
/// `handler`, and answer with the status from [`Outcome`]'s table and a plain-text reason.
/// Mount it where StepPay should deliver: `Router::new().nest("/webhooks/steppay", router)`.
///
/// ```no_run
/// use steppay_webhook::{axum::webhook_router, AsyncWebhookHandler, Payment, WebhookMeta, WebhookVerifier};
///
/// struct Shop;
/// impl AsyncWebhookHandler for Shop {
///     type Error = std::io::Error;
///     async fn on_payment_completed(&self, _: WebhookMeta<'_>, p: &Payment) -> Result<(), Self::Error> {
///         println!("mark order {:?} paid", p.order_id);
///         Ok(())
///     }
/// }
///
/// # async fn run() -> std::io::Result<()> {
/// let app = axum::Router::new().nest("/webhooks/steppay", webhook_router(WebhookVerifier::new("secret"), Shop));
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// axum::serve(listener, app).await
/// # }
/// ```
pub fn webhook_router<H>(verifier: WebhookVerifier, handler: H) -> Router
where
    H: AsyncWebhookHandler + Send + Sync + 'static,
{
    let state = Arc::new(ReceiverState { verifier, handler });
    Router::new()
        .route("/", post(receive_route::<H>))
        .with_state(state)
}

struct ReceiverState<H> {
    verifier: WebhookVerifier,
    handler: H,
}

async fn receive_route<H>(
    State(state): State<Arc<ReceiverState<H>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response
where
    H: AsyncWebhookHandler + Send + Sync + 'static,
{
    let header = signature_header(&headers).map(String::from_utf8_lossy);
    let outcome = receive_async(&body, header.as_deref(), &state.verifier, &state.handler).await;
    (status_code(outcome.status()), outcome.reason()).into_response()
}
