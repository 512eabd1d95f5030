//! The last step of a delivery, and the only module that knows HTTP statuses: [`receive`]
//! (verify, parse, dispatch, decide the answer), [`WebhookReceiver`] (the same with a body
//! limit, taken by the ready receivers), [`Outcome`] and [`WebhookRejection`].
//!
//! Every outcome is logged through `tracing`: one event per delivery, target
//! `steppay_webhook::receive`, its message the reason answered to StepPay, with the fields
//! `outcome` (`handled`, `unhandled`, `unreadable_acknowledged`, `rejected`,
//! `handler_failed`, or `verified` from an extractor), `event_name`, `status`, and where they
//! apply `error` (the handler's error through `Display`, or what was wrong with an unreadable
//! body), `path` (the JSON path in an unreadable body) and `limit` (the body limit). Level:
//! `info` when handled, `warn` when unhandled or refused by the signature check, `error` when
//! a handler failed or an authentic delivery was refused. Never a key, a signature or the
//! body's data.

use std::fmt;

use crate::dispatch::{dispatch_unreadable, dispatch_unreadable_async, Dispatched};
use crate::{
    dispatch, dispatch_async, parse_webhook, AsyncWebhookHandler, Error, EventType, SignatureError,
    Webhook, WebhookHandler, WebhookVerifier, SIGNATURE_HEADER,
};

/// The largest body the ready receivers accept unless told otherwise
/// ([`WebhookReceiver::with_body_limit`]): 8 MiB. A larger body is answered 413 and logged.
///
/// StepPay's bodies are small (a few kB), but an order or a product lists every item or
/// price: at about 1 kB per order item, an order of 2,000 items is near 2 MB, so the limit
/// leaves room for four times that. It bounds the memory one request can take.
pub const DEFAULT_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Why a delivery was refused before any handler ran, and the HTTP status that says so.
///
/// The extractors of the framework integrations reject with it (`IntoResponse` for axum,
/// `ResponseError` for actix-web), and [`Outcome::Rejected`] carries it, so both answer the
/// same status ([`WebhookRejection::status`]) and plain-text reason (`Display`, the cause
/// included: this error has no separate `source`).
///
/// | rejection | status | why |
/// |---|---|---|
/// | [`Signature`](Self::Signature)`(`[`MissingHeader`](SignatureError::MissingHeader)`)` | 400 | no `Steppay-Signature` header: not a StepPay delivery |
/// | [`Signature`](Self::Signature) (any other) | 401 | forged, altered, or replayed outside the window |
/// | [`Unreadable`](Self::Unreadable) | 400 | authentic, but not a webhook this crate can read, and not acknowledged |
/// | [`BodyTooLarge`](Self::BodyTooLarge) | 413 | larger than the body limit |
/// | [`BodyNotReceived`](Self::BodyNotReceived) | 400 | the body could not be read (connection closed, ...) |
/// | [`Misconfigured`](Self::Misconfigured) | 500 | the app is missing something the receiver needs |
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The `Steppay-Signature` header is missing or did not verify.
    Signature(SignatureError),
    /// The body was signed, but it is not a StepPay webhook this crate can read (and no
    /// handler acknowledged it: see [`WebhookHandler::on_unreadable`]).
    Unreadable(Error),
    /// The body is larger than the limit.
    BodyTooLarge {
        /// The limit in bytes, when the receiver knows it.
        limit: Option<usize>,
    },
    /// The body could not be read.
    BodyNotReceived {
        /// What the web framework said.
        reason: String,
    },
    /// The app lacks something the receiver needs (a programming error, not StepPay's).
    Misconfigured {
        /// What is missing.
        reason: &'static str,
    },
}

impl WebhookRejection {
    /// The HTTP status to answer with (see the table above). This function decides the
    /// status of every failure before a handler runs.
    pub fn status(&self) -> u16 {
        match self {
            WebhookRejection::Signature(SignatureError::MissingHeader) => 400,
            WebhookRejection::Signature(_) => 401,
            WebhookRejection::Unreadable(_) | WebhookRejection::BodyNotReceived { .. } => 400,
            WebhookRejection::BodyTooLarge { .. } => 413,
            WebhookRejection::Misconfigured { .. } => 500,
        }
    }

    /// The plain-text reason to send as the response body (the same as `Display`).
    pub fn reason(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookRejection::Signature(SignatureError::MissingHeader) => {
                write!(f, "missing {SIGNATURE_HEADER} header")
            }
            WebhookRejection::Signature(error) => write!(f, "invalid signature: {error}"),
            WebhookRejection::Unreadable(error) => {
                write!(f, "invalid webhook body: {}", with_causes(error))
            }
            WebhookRejection::BodyTooLarge { limit: Some(limit) } => {
                write!(f, "body larger than the limit of {limit} bytes")
            }
            WebhookRejection::BodyTooLarge { limit: None } => f.write_str("body too large"),
            WebhookRejection::BodyNotReceived { reason } => {
                write!(f, "could not read the body: {reason}")
            }
            WebhookRejection::Misconfigured { reason } => f.write_str(reason),
        }
    }
}

impl std::error::Error for WebhookRejection {}

impl From<SignatureError> for WebhookRejection {
    fn from(error: SignatureError) -> Self {
        WebhookRejection::Signature(error)
    }
}

/// An error's message followed by those of its sources, joined with `": "`.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// What became of one delivery, and the HTTP status to answer StepPay with.
///
/// | outcome | status | why |
/// |---|---|---|
/// | [`Handled`](Outcome::Handled) | 200 | a handler method of yours ran and succeeded |
/// | [`Unhandled`](Outcome::Unhandled) | 200 | only a default method ran (an event type, or an unknown one, your handler does not handle): acknowledged, and logged as a warning so that it is noticed |
/// | [`UnreadableAcknowledged`](Outcome::UnreadableAcknowledged) | 200 | authentic but unreadable; your `on_unreadable` acknowledged it |
/// | [`Rejected`](Outcome::Rejected) | 400, 401, 413, 500 | refused before any handler ran, or unreadable and not acknowledged: see [`WebhookRejection`] |
/// | [`HandlerFailed`](Outcome::HandlerFailed) | 500 | your handler returned `Err`: the delivery stays failed in StepPay's portal |
///
/// StepPay documents no automatic retries: a failed delivery (any status but 2xx) stays
/// failed in the portal's delivery history, from where it can be sent again.
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome<E> {
    /// Verified, parsed, and handled by a method you wrote.
    Handled {
        /// The event type's wire name.
        event_name: String,
    },
    /// Verified and parsed, but only a default handler method ran.
    Unhandled {
        /// The event type's wire name.
        event_name: String,
    },
    /// Authentic but unreadable; your [`WebhookHandler::on_unreadable`] acknowledged it.
    UnreadableAcknowledged {
        /// What could not be read.
        error: Error,
    },
    /// Refused: no handler ran, or `on_unreadable` did not acknowledge the body.
    Rejected(WebhookRejection),
    /// The handler returned an error.
    HandlerFailed {
        /// The event type's wire name.
        event_name: String,
        /// The handler's error.
        error: E,
    },
}

impl<E> Outcome<E> {
    /// The HTTP status to answer with (see the table on [`Outcome`]).
    pub fn status(&self) -> u16 {
        match self {
            Outcome::Handled { .. }
            | Outcome::Unhandled { .. }
            | Outcome::UnreadableAcknowledged { .. } => 200,
            Outcome::Rejected(rejection) => rejection.status(),
            Outcome::HandlerFailed { .. } => 500,
        }
    }

    /// Whether StepPay should be told the delivery succeeded (a 2xx status).
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status())
    }

    /// The event type's wire name, when the body was read that far.
    pub fn event_name(&self) -> Option<&str> {
        match self {
            Outcome::Handled { event_name }
            | Outcome::Unhandled { event_name }
            | Outcome::HandlerFailed { event_name, .. } => Some(event_name),
            Outcome::UnreadableAcknowledged { error }
            | Outcome::Rejected(WebhookRejection::Unreadable(error)) => error.event_name(),
            Outcome::Rejected(_) => None,
        }
    }

    /// A short plain-text reason for the response body. Unlike `Display`, it leaves out the
    /// handler's error, which may hold internal details (it is logged instead).
    pub fn reason(&self) -> String {
        match self {
            Outcome::Handled { event_name } => format!("handled {event_name}"),
            Outcome::Unhandled { event_name } if event_name.parse::<EventType>().is_err() => {
                format!("unhandled unknown event type {event_name}: no handler method for it")
            }
            Outcome::Unhandled { event_name } => {
                format!("unhandled {event_name}: no handler method for it")
            }
            Outcome::UnreadableAcknowledged { error } => {
                format!(
                    "acknowledged unreadable webhook body: {}",
                    with_causes(error)
                )
            }
            Outcome::Rejected(rejection) => rejection.to_string(),
            Outcome::HandlerFailed { event_name, .. } => format!("handler failed for {event_name}"),
        }
    }

    /// A short name of the kind of outcome, for logs.
    fn kind(&self) -> &'static str {
        match self {
            Outcome::Handled { .. } => "handled",
            Outcome::Unhandled { .. } => "unhandled",
            Outcome::UnreadableAcknowledged { .. } => "unreadable_acknowledged",
            Outcome::Rejected(_) => "rejected",
            Outcome::HandlerFailed { .. } => "handler_failed",
        }
    }
}

impl<E: fmt::Display> fmt::Display for Outcome<E> {
    /// [`Outcome::reason`], plus the handler's error when it failed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::HandlerFailed { error, .. } => write!(f, "{}: {error}", self.reason()),
            _ => f.write_str(&self.reason()),
        }
    }
}

impl<E: fmt::Display> Outcome<E> {
    /// Emits the one `tracing` event of this delivery and gives the outcome back.
    pub(crate) fn logged(self) -> Self {
        let status = self.status();
        let outcome = self.kind();
        let event_name = self.event_name().unwrap_or_default();
        let reason = self.reason();
        match &self {
            Outcome::Handled { .. } => {
                tracing::info!(outcome, event_name, status, "{reason}");
            }
            Outcome::Unhandled { .. } => {
                tracing::warn!(outcome, event_name, status, "{reason}");
            }
            Outcome::UnreadableAcknowledged { error } => {
                let (path, error) = (error.path().unwrap_or_default(), error.message());
                tracing::warn!(outcome, event_name, status, path, error, "{reason}");
            }
            Outcome::HandlerFailed { error, .. } => {
                tracing::error!(outcome, event_name, status, error = %error, "{reason}");
            }
            Outcome::Rejected(rejection) => log_rejection(rejection),
        }
        self
    }
}

/// Logs a rejection: the one event of a delivery refused before any handler ran.
fn log_rejection(rejection: &WebhookRejection) {
    let outcome = "rejected";
    let status = rejection.status();
    let reason = rejection.to_string();
    match rejection {
        WebhookRejection::Unreadable(error) => {
            let event_name = error.event_name().unwrap_or_default();
            let path = error.path().unwrap_or_default();
            tracing::error!(
                outcome,
                event_name,
                status,
                path,
                error = error.message(),
                "{reason}"
            );
        }
        WebhookRejection::BodyTooLarge { limit } => {
            tracing::error!(
                outcome,
                status,
                limit = limit.unwrap_or_default(),
                "{reason}"
            );
        }
        WebhookRejection::Misconfigured { .. } => {
            tracing::error!(outcome, status, "{reason}");
        }
        WebhookRejection::Signature(_) | WebhookRejection::BodyNotReceived { .. } => {
            tracing::warn!(outcome, status, "{reason}");
        }
    }
}

/// Logs a rejection and gives it back: for the extractors and the ready receivers, which
/// refuse some requests before `receive` runs.
#[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
pub(crate) fn rejected(rejection: WebhookRejection) -> WebhookRejection {
    log_rejection(&rejection);
    rejection
}

/// Verifies a delivery and parses it, or says why it is refused. The one "verify, then
/// parse" of the crate: [`receive`] and the extractors share it.
fn verify_and_parse(
    body: &[u8],
    signature_header: Option<&str>,
    verifier: &WebhookVerifier,
) -> Result<Webhook, WebhookRejection> {
    verifier.verify(signature_header.unwrap_or_default(), body)?;
    parse_webhook(body).map_err(WebhookRejection::Unreadable)
}

/// For the extractors: verifies and parses, logging the result (an `info` event naming the
/// verified event, or the rejection).
#[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
pub(crate) fn extract(
    body: &[u8],
    signature_header: Option<&str>,
    verifier: &WebhookVerifier,
) -> Result<Webhook, WebhookRejection> {
    match verify_and_parse(body, signature_header, verifier) {
        Ok(webhook) => {
            let event_name = webhook.event_name();
            tracing::info!(outcome = "verified", event_name, "verified {event_name}");
            Ok(webhook)
        }
        Err(rejection) => Err(rejected(rejection)),
    }
}

/// Verifies a raw delivery, parses it, hands it to `handler`, logs what happened and
/// returns it, with the HTTP status to answer.
///
/// `signature_header` is the value of the `Steppay-Signature` header, if the request had
/// one. An authentic body whose `data` cannot be read goes to
/// [`on_unreadable`](WebhookHandler::on_unreadable). This function reads no body itself, so
/// it applies no size limit: [`WebhookReceiver::receive`] does.
///
/// # Examples
///
/// ```
/// use steppay_webhook::{receive, sign, Outcome, Payment, WebhookHandler, WebhookMeta, WebhookVerifier};
///
/// struct Shop;
/// impl WebhookHandler for Shop {
///     type Error = String;
///     fn on_payment_failed(&self, _: WebhookMeta<'_>, p: &Payment) -> Result<(), String> {
///         Err(format!("could not record failed payment {}", p.payment_id))
///     }
/// }
///
/// let verifier = WebhookVerifier::new("whsec_test").without_timestamp_check();
/// let body = br#"{"timestamp":1795046400,"version":"v1","event":"payment.failed","data":{
///   "paymentId":7,"idKey":"k","status":"FAILED","paymentGateway":"TOSS","paymentMethod":"CARD"}}"#;
/// let header = sign("whsec_test", 1795046400, body);
///
/// let outcome = receive(body, Some(&header), &verifier, &Shop);
/// assert_eq!(outcome.status(), 500);
/// assert_eq!(receive(body, None, &verifier, &Shop).status(), 400);
/// assert_eq!(receive(body, Some("timestamp=1,key=AAAA"), &verifier, &Shop).status(), 401);
///
/// let body = br#"{"timestamp":1795046400,"version":"v1","event":"customer.deleted","data":{"id":7}}"#;
/// let header = sign("whsec_test", 1795046400, body);
/// let outcome = receive(body, Some(&header), &verifier, &Shop);
/// assert!(matches!(outcome, Outcome::Unhandled { .. }));
/// assert_eq!(outcome.status(), 200);
/// ```
pub fn receive<H: WebhookHandler + ?Sized>(
    body: &[u8],
    signature_header: Option<&str>,
    verifier: &WebhookVerifier,
    handler: &H,
) -> Outcome<H::Error> {
    let outcome = match verify_and_parse(body, signature_header, verifier) {
        Ok(webhook) => handled(&webhook, dispatch(&webhook, handler)),
        Err(WebhookRejection::Unreadable(error)) => {
            let result = dispatch_unreadable(&error, handler);
            unreadable(error, result)
        }
        Err(rejection) => Outcome::Rejected(rejection),
    };
    outcome.logged()
}

/// The async twin of [`receive`].
pub async fn receive_async<H: AsyncWebhookHandler + ?Sized>(
    body: &[u8],
    signature_header: Option<&str>,
    verifier: &WebhookVerifier,
    handler: &H,
) -> Outcome<H::Error> {
    // Every `H::Error` is made after the last await, so that the future holds none (it
    // need not be `Send`).
    let outcome = match verify_and_parse(body, signature_header, verifier) {
        Ok(webhook) => {
            let result = dispatch_async(&webhook, handler).await;
            handled(&webhook, result)
        }
        Err(WebhookRejection::Unreadable(error)) => {
            let result = dispatch_unreadable_async(&error, handler).await;
            unreadable(error, result)
        }
        Err(rejection) => Outcome::Rejected(rejection),
    };
    outcome.logged()
}

fn handled<E>(webhook: &Webhook, result: Result<Dispatched, E>) -> Outcome<E> {
    let event_name = webhook.event_name().to_owned();
    match result {
        Ok(Dispatched::Handled) => Outcome::Handled { event_name },
        Ok(Dispatched::Unhandled) => Outcome::Unhandled { event_name },
        Err(error) => Outcome::HandlerFailed { event_name, error },
    }
}

/// The outcome of an authentic body that could not be read, after `on_unreadable` ran
/// (`result`), or without it when the envelope itself was unreadable (`None`).
fn unreadable<E>(error: Error, result: Option<Result<Dispatched, E>>) -> Outcome<E> {
    match result {
        Some(Ok(Dispatched::Handled)) => Outcome::UnreadableAcknowledged { error },
        Some(Ok(Dispatched::Unhandled)) | None => {
            Outcome::Rejected(WebhookRejection::Unreadable(error))
        }
        Some(Err(handler_error)) => Outcome::HandlerFailed {
            event_name: error.event_name().unwrap_or_default().to_owned(),
            error: handler_error,
        },
    }
}

/// A verifier, a handler and a body limit: everything needed to receive deliveries, in one
/// value that the ready receivers take ([`axum::router`](crate::axum::router),
/// [`actix::resource`](crate::actix::resource)) and that code without a web framework can
/// call ([`WebhookReceiver::receive`], [`WebhookReceiver::receive_async`]).
///
/// # Examples
///
/// ```
/// use steppay_webhook::{sign, WebhookHandler, WebhookReceiver, WebhookVerifier, DEFAULT_BODY_LIMIT};
///
/// struct Shop;
/// impl WebhookHandler for Shop {
///     type Error = std::convert::Infallible;
/// }
///
/// let receiver = WebhookReceiver::new(WebhookVerifier::new("whsec_test"), Shop)
///     .with_body_limit(16 * 1024 * 1024);
/// assert_eq!(receiver.body_limit(), 16 * 1024 * 1024);
/// assert_eq!(DEFAULT_BODY_LIMIT, 8 * 1024 * 1024);
///
/// let body = vec![b' '; 16 * 1024 * 1024 + 1];
/// assert_eq!(receiver.receive(&body, Some(&sign("whsec_test", 0, &body))).status(), 413);
/// ```
#[derive(Clone, Debug)]
pub struct WebhookReceiver<H> {
    verifier: WebhookVerifier,
    handler: H,
    body_limit: usize,
}

impl<H> WebhookReceiver<H> {
    /// A receiver that verifies with `verifier`, hands deliveries to `handler`, and accepts
    /// bodies up to [`DEFAULT_BODY_LIMIT`].
    pub fn new(verifier: WebhookVerifier, handler: H) -> Self {
        Self {
            verifier,
            handler,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// Sets the largest body accepted, in bytes; a larger one is answered 413 and logged.
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The largest body accepted, in bytes.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// The verifier.
    pub fn verifier(&self) -> &WebhookVerifier {
        &self.verifier
    }

    /// The handler.
    pub fn handler(&self) -> &H {
        &self.handler
    }

    /// The rejection of a body over the limit, logged, or `None`.
    fn over_limit<E: fmt::Display>(&self, body: &[u8]) -> Option<Outcome<E>> {
        (body.len() > self.body_limit).then(|| {
            let limit = Some(self.body_limit);
            Outcome::Rejected(WebhookRejection::BodyTooLarge { limit }).logged()
        })
    }
}

impl<H: WebhookHandler> WebhookReceiver<H> {
    /// [`receive`] with this receiver's verifier and handler, answering 413 for a body over
    /// the limit.
    pub fn receive(&self, body: &[u8], signature_header: Option<&str>) -> Outcome<H::Error> {
        if let Some(outcome) = self.over_limit(body) {
            return outcome;
        }
        receive(body, signature_header, &self.verifier, &self.handler)
    }
}

impl<H: AsyncWebhookHandler> WebhookReceiver<H> {
    /// [`receive_async`] with this receiver's verifier and handler, answering 413 for a
    /// body over the limit.
    pub async fn receive_async(
        &self,
        body: &[u8],
        signature_header: Option<&str>,
    ) -> Outcome<H::Error> {
        if let Some(outcome) = self.over_limit(body) {
            return outcome;
        }
        receive_async(body, signature_header, &self.verifier, &self.handler).await
    }

    /// For the ready receivers, whose framework already enforced the limit while reading.
    #[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
    pub(crate) async fn receive_read_body(
        &self,
        body: &[u8],
        signature_header: Option<&str>,
    ) -> Outcome<H::Error> {
        receive_async(body, signature_header, &self.verifier, &self.handler).await
    }
}
