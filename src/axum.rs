//! axum integration (feature `axum`): a ready [`router`] (or [`webhook_router`]) that nests
//! into your app, and the [`VerifiedWebhook`] extractor for routes of your own.
//!
//! Both log every request through `tracing` (see [`receive`](crate::receive)).
//!
//! # Examples
//!
//! The ready router, nested into an app with its own state, and a body limit:
//!
//! ```no_run
//! use std::sync::Arc;
//! use axum::{extract::State, routing::get, Router};
//! use steppay_webhook::{axum::router, AsyncWebhookHandler, Payment, WebhookMeta, WebhookReceiver, WebhookVerifier};
//!
//! struct Shop { name: String }
//!
//! impl AsyncWebhookHandler for Shop {
//!     type Error = std::io::Error;
//!     async fn on_payment_completed(&self, _: WebhookMeta<'_>, p: &Payment) -> Result<(), Self::Error> {
//!         println!("{}: order {:?} paid", self.name, p.order_id);
//!         Ok(())
//!     }
//! }
//!
//! # async fn run() -> std::io::Result<()> {
//! let shop = Arc::new(Shop { name: "커피 정기배송".into() });
//! let receiver = WebhookReceiver::new(WebhookVerifier::new("whsec_..."), shop.clone())
//!     .with_body_limit(16 * 1024 * 1024);
//! let app = Router::new()
//!     .route("/name", get(|State(shop): State<Arc<Shop>>| async move { shop.name.clone() }))
//!     .nest("/webhooks/steppay", router(receiver))
//!     .with_state(shop);
//! axum::serve(tokio::net::TcpListener::bind("127.0.0.1:3000").await?, app).await
//! # }
//! ```
//!
//! The extractor, in an app whose state holds the verifier (the state gives it through
//! [`FromRef`]; without that impl, axum reports that the route is not a `Handler`):
//!
//! ```no_run
//! use axum::extract::FromRef;
//! use axum::{routing::post, Router};
//! use steppay_webhook::axum::VerifiedWebhook;
//! use steppay_webhook::{Event, WebhookVerifier};
//!
//! #[derive(Clone)]
//! struct AppState {
//!     verifier: WebhookVerifier,
//! }
//!
//! impl FromRef<AppState> for WebhookVerifier {
//!     fn from_ref(state: &AppState) -> Self {
//!         state.verifier.clone()
//!     }
//! }
//!
//! async fn steppay(VerifiedWebhook(webhook): VerifiedWebhook) -> &'static str {
//!     if let Event::PaymentCompleted(payment) = &webhook.event {
//!         println!("paid: {:?}", payment.order_id);
//!     }
//!     "ok"
//! }
//!
//! let state = AppState { verifier: WebhookVerifier::new("whsec_...") };
//! let app: Router = Router::new().route("/webhooks/steppay", post(steppay)).with_state(state);
//! ```

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRef, FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

use crate::receive::{extract, rejected};
use crate::{
    AsyncWebhookHandler, Outcome, Webhook, WebhookReceiver, WebhookRejection, WebhookVerifier,
    SIGNATURE_HEADER,
};

/// An extractor that reads the raw body and the `Steppay-Signature` header, verifies them
/// with the [`WebhookVerifier`] in the router state (directly or through [`FromRef`]), and
/// yields the parsed [`Webhook`].
///
/// Put it last among a handler's extractors (it consumes the body). On failure the request
/// is answered with a [`WebhookRejection`] (its status and a short plain-text reason) and
/// logged. The body limit is the app's: axum's `DefaultBodyLimit` (2 MB unless you set it;
/// `DefaultBodyLimit::max(`[`DEFAULT_BODY_LIMIT`](crate::DEFAULT_BODY_LIMIT)`)` matches the
/// ready router).
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedWebhook(pub Webhook);

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        (status_code(self.status()), self.reason()).into_response()
    }
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The `Steppay-Signature` header (http's header map, looked up case-insensitively: StepPay's
/// deliveries have arrived as `steppay-signature`).
fn signature_header(headers: &HeaderMap) -> Option<String> {
    headers
        .get(SIGNATURE_HEADER)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// The rejection for a body axum could not read.
fn body_rejection(rejection: BytesRejection, limit: Option<usize>) -> WebhookRejection {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        WebhookRejection::BodyTooLarge { limit }
    } else {
        WebhookRejection::BodyNotReceived {
            reason: rejection.body_text(),
        }
    }
}

impl<S> FromRequest<S> for VerifiedWebhook
where
    S: Send + Sync,
    WebhookVerifier: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let header = signature_header(request.headers());
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| rejected(body_rejection(rejection, None)))?;
        let verifier = WebhookVerifier::from_ref(state);
        extract(&body, header.as_deref(), &verifier).map(VerifiedWebhook)
    }
}

/// A router that answers `POST /` with the whole job: a body up to the receiver's limit,
/// verified, parsed, handed to the handler, logged, and answered with the status from
/// [`Outcome`]'s table and a plain-text reason. Mount it where StepPay should deliver; it
/// takes on your app's state type `S`:
/// `Router::new().nest("/webhooks/steppay", router(receiver)).with_state(app_state)`.
///
/// See the [module documentation](self) for an example.
pub fn router<S, H>(receiver: WebhookReceiver<H>) -> Router<S>
where
    H: AsyncWebhookHandler + Send + 'static,
    S: Clone + Send + Sync + 'static,
{
    let limit = receiver.body_limit();
    Router::new()
        .route("/", post(receive_route::<H>))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(Arc::new(receiver))
}

/// [`router`] for `WebhookReceiver::new(verifier, handler)`: the default body limit
/// ([`DEFAULT_BODY_LIMIT`](crate::DEFAULT_BODY_LIMIT)).
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
/// let app: axum::Router = axum::Router::new()
///     .nest("/webhooks/steppay", webhook_router(WebhookVerifier::new("whsec_..."), Shop));
/// axum::serve(tokio::net::TcpListener::bind("127.0.0.1:3000").await?, app).await
/// # }
/// ```
pub fn webhook_router<S, H>(verifier: WebhookVerifier, handler: H) -> Router<S>
where
    H: AsyncWebhookHandler + Send + 'static,
    S: Clone + Send + Sync + 'static,
{
    router(WebhookReceiver::new(verifier, handler))
}

async fn receive_route<H>(
    State(receiver): State<Arc<WebhookReceiver<H>>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response
where
    H: AsyncWebhookHandler + Send + 'static,
{
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let limit = Some(receiver.body_limit());
            return rejected(body_rejection(rejection, limit)).into_response();
        }
    };
    let header = signature_header(&headers);
    let outcome = receiver.receive_read_body(&body, header.as_deref()).await;
    respond(&outcome)
}

fn respond<E>(outcome: &Outcome<E>) -> Response {
    (status_code(outcome.status()), outcome.reason()).into_response()
}
