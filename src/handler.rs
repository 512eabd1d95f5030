//! Handling events: [`WebhookHandler`], [`AsyncWebhookHandler`], [`dispatch`], and the
//! framework-agnostic [`receive`] that verifies, parses, dispatches and picks the HTTP status.

use std::fmt;
use std::future::Future;

use crate::schema::{
    Cover, Customer, Invoice, Order, Payment, Price, Product, Subscription, Usage,
};
use crate::{Error, Event, SignatureError, Webhook, WebhookVerifier};

/// The envelope fields of a delivery, passed to every handler method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookMeta<'a> {
    /// The envelope `timestamp` as sent (see [`Webhook::sent_at`]).
    pub timestamp: i64,
    /// The schema version, e.g. `"v1"`.
    pub version: &'a str,
    /// The event type's wire name, e.g. `"payment.completed"`.
    pub event: &'a str,
}

impl<'a> WebhookMeta<'a> {
    /// Metadata built by hand, for calling a handler method directly in your own tests.
    ///
    /// ```
    /// use steppay_webhook::WebhookMeta;
    ///
    /// let meta = WebhookMeta::new(1795046400, "v1", "payment.completed");
    /// assert_eq!(meta.event, "payment.completed");
    /// ```
    pub fn new(timestamp: i64, version: &'a str, event: &'a str) -> Self {
        Self {
            timestamp,
            version,
            event,
        }
    }

    /// The metadata of `webhook`.
    pub fn of(webhook: &'a Webhook) -> Self {
        Self {
            timestamp: webhook.timestamp,
            version: &webhook.version,
            event: webhook.event.event_name(),
        }
    }
}

macro_rules! define_handlers {
    ($( ($variant:ident, $wire:tt, $payload:ident, $method:ident), )+) => {
        /// Code to run per event type. Override only the methods you need: every method has a
        /// default that does nothing and returns `Ok(())`.
        ///
        /// Methods take `&self` because one handler serves concurrent requests; keep state in
        /// something shareable (a database pool, `Mutex`, atomics). Returning `Err` makes
        /// [`receive`] answer 500, so StepPay delivers the event again.
        ///
        /// # Examples
        ///
        /// ```
        /// use std::sync::atomic::{AtomicUsize, Ordering};
        /// use steppay_webhook::{dispatch, parse_webhook, Subscription, SubscriptionStatus, WebhookHandler, WebhookMeta};
        ///
        /// #[derive(Default)]
        /// struct LockUnpaid { locked: AtomicUsize }
        ///
        /// impl WebhookHandler for LockUnpaid {
        ///     type Error = std::convert::Infallible;
        ///
        ///     fn on_subscription_updated(&self, _meta: WebhookMeta<'_>, sub: &Subscription) -> Result<(), Self::Error> {
        ///         if sub.status == SubscriptionStatus::Unpaid {
        ///             self.locked.fetch_add(1, Ordering::SeqCst); // lock the account here
        ///         }
        ///         Ok(())
        ///     }
        /// }
        ///
        /// let body = br#"{"timestamp":1795046400,"version":"v1","event":"subscription.updated",
        ///   "data":{"subscriptionId":90210,"status":"UNPAID"}}"#;
        /// let handler = LockUnpaid::default();
        /// dispatch(&parse_webhook(body)?, &handler).unwrap();
        /// assert_eq!(handler.locked.load(Ordering::SeqCst), 1);
        /// # Ok::<(), steppay_webhook::Error>(())
        /// ```
        pub trait WebhookHandler {
            /// What a handler method returns on failure.
            type Error;

            $(
                #[doc = concat!("Called for `", $wire, "`.")]
                fn $method(&self, meta: WebhookMeta<'_>, data: &$payload) -> Result<(), Self::Error> {
                    let _ = (meta, data);
                    Ok(())
                }
            )+

            /// Called for an event type this crate does not know, with its raw `data`.
            fn on_unknown(&self, meta: WebhookMeta<'_>, data: &serde_json::Value) -> Result<(), Self::Error> {
                let _ = (meta, data);
                Ok(())
            }
        }

        /// The async twin of [`WebhookHandler`], for tokio-based servers: the same methods,
        /// returning `Send` futures. Implement the methods with `async fn`.
        ///
        /// # Examples
        ///
        /// ```
        /// use steppay_webhook::{AsyncWebhookHandler, Payment, WebhookMeta};
        ///
        /// struct MarkPaid;
        ///
        /// impl AsyncWebhookHandler for MarkPaid {
        ///     type Error = String;
        ///
        ///     async fn on_payment_completed(&self, meta: WebhookMeta<'_>, payment: &Payment) -> Result<(), String> {
        ///         println!("{}: order {:?} paid", meta.event, payment.order_id);
        ///         Ok(())
        ///     }
        /// }
        /// ```
        pub trait AsyncWebhookHandler: Sync {
            /// What a handler method returns on failure.
            type Error;

            $(
                #[doc = concat!("Called for `", $wire, "`.")]
                fn $method(
                    &self,
                    meta: WebhookMeta<'_>,
                    data: &$payload,
                ) -> impl Future<Output = Result<(), Self::Error>> + Send {
                    let _ = (meta, data);
                    async { Ok(()) }
                }
            )+

            /// Called for an event type this crate does not know, with its raw `data`.
            fn on_unknown(
                &self,
                meta: WebhookMeta<'_>,
                data: &serde_json::Value,
            ) -> impl Future<Output = Result<(), Self::Error>> + Send {
                let _ = (meta, data);
                async { Ok(()) }
            }
        }

        /// Calls the `handler` method for `webhook`'s event type (`on_unknown` for unknown ones)
        /// and returns its result.
        pub fn dispatch<H: WebhookHandler + ?Sized>(webhook: &Webhook, handler: &H) -> Result<(), H::Error> {
            let meta = WebhookMeta::of(webhook);
            match &webhook.event {
                $(Event::$variant(data) => handler.$method(meta, data),)+
                Event::Unknown { data, .. } => handler.on_unknown(meta, data),
            }
        }

        /// The async twin of [`dispatch`].
        pub async fn dispatch_async<H: AsyncWebhookHandler + ?Sized>(
            webhook: &Webhook,
            handler: &H,
        ) -> Result<(), H::Error> {
            let meta = WebhookMeta::of(webhook);
            match &webhook.event {
                $(Event::$variant(data) => handler.$method(meta, data).await,)+
                Event::Unknown { data, .. } => handler.on_unknown(meta, data).await,
            }
        }
    };
}

for_each_event!(define_handlers);

/// What became of one delivery, and the HTTP status to answer StepPay with.
///
/// | outcome | status | why |
/// |---|---|---|
/// | [`Handled`](Outcome::Handled) | 200 | done; StepPay stops delivering it |
/// | [`Ignored`](Outcome::Ignored) | 200 | an event type this crate does not know: retrying would not help, so acknowledge it (after `on_unknown` ran) |
/// | [`MissingSignature`](Outcome::MissingSignature) | 400 | no `Steppay-Signature` header: not a StepPay delivery |
/// | [`InvalidBody`](Outcome::InvalidBody) | 400 | authentic but not a webhook body this crate can read; the error names the field |
/// | [`InvalidSignature`](Outcome::InvalidSignature) | 401 | forged, altered, or replayed outside the window |
/// | [`HandlerFailed`](Outcome::HandlerFailed) | 500 | your handler failed: StepPay should try again later |
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome<E> {
    /// The event was verified, parsed and handled.
    Handled {
        /// The event type's wire name.
        event: String,
    },
    /// The event type is unknown to this crate; `on_unknown` ran and succeeded.
    Ignored {
        /// The event type's wire name.
        event: String,
    },
    /// The request had no `Steppay-Signature` header (or an empty one).
    MissingSignature,
    /// The signature did not verify.
    InvalidSignature(SignatureError),
    /// The body was signed but is not a StepPay webhook this crate can parse.
    InvalidBody(Error),
    /// The handler returned an error.
    HandlerFailed {
        /// The event type's wire name.
        event: String,
        /// The handler's error.
        error: E,
    },
}

impl<E> Outcome<E> {
    /// The HTTP status to answer with (see the table on [`Outcome`]).
    pub fn status(&self) -> u16 {
        match self {
            Outcome::Handled { .. } | Outcome::Ignored { .. } => 200,
            Outcome::MissingSignature | Outcome::InvalidBody(_) => 400,
            Outcome::InvalidSignature(_) => 401,
            Outcome::HandlerFailed { .. } => 500,
        }
    }

    /// Whether StepPay should be told the delivery succeeded (a 2xx status).
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status())
    }

    /// The event type's wire name, when the body was read that far.
    pub fn event(&self) -> Option<&str> {
        match self {
            Outcome::Handled { event }
            | Outcome::Ignored { event }
            | Outcome::HandlerFailed { event, .. } => Some(event),
            Outcome::InvalidBody(error) => error.event_name(),
            Outcome::MissingSignature | Outcome::InvalidSignature(_) => None,
        }
    }
}

impl<E> Outcome<E> {
    /// A short plain-text reason for the response body. Unlike `Display`, it leaves out the
    /// handler's error, which may hold internal details: log that inside your handler.
    pub fn reason(&self) -> String {
        match self {
            Outcome::HandlerFailed { event, .. } => format!("handler failed for {event}"),
            Outcome::Handled { event } => format!("handled {event}"),
            Outcome::Ignored { event } => format!("ignored unknown event type {event}"),
            Outcome::MissingSignature => format!("missing {} header", crate::SIGNATURE_HEADER),
            Outcome::InvalidSignature(error) => format!("invalid signature: {error}"),
            Outcome::InvalidBody(error) => format!("invalid webhook body: {error}"),
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

/// A request rejected before any handler ran: the HTTP status and a short plain-text reason.
///
/// The framework integrations answer with it (`IntoResponse` for axum, `ResponseError` for
/// actix-web); it comes from an [`Outcome`] that is not a success.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookRejection {
    status: u16,
    reason: String,
}

impl WebhookRejection {
    /// A rejection with this HTTP status and reason.
    pub fn new(status: u16, reason: impl Into<String>) -> Self {
        Self {
            status,
            reason: reason.into(),
        }
    }

    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The plain-text reason to send as the response body.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.reason)
    }
}

impl std::error::Error for WebhookRejection {}

impl<E> From<Outcome<E>> for WebhookRejection {
    fn from(outcome: Outcome<E>) -> Self {
        Self::new(outcome.status(), outcome.reason())
    }
}

/// Verifies and parses for an extractor: the webhook, or the rejection to answer with.
/// `signature_header` holds the header's raw bytes, if the request had the header.
#[cfg_attr(not(any(feature = "axum", feature = "actix-web")), allow(dead_code))]
pub(crate) fn extract(
    body: &[u8],
    signature_header: Option<&[u8]>,
    verifier: &WebhookVerifier,
) -> Result<Webhook, WebhookRejection> {
    let header = signature_header.map(String::from_utf8_lossy);
    verify_and_parse::<std::convert::Infallible>(body, header.as_deref(), verifier)
        .map_err(WebhookRejection::from)
}

/// Verifies a raw delivery, parses it, and hands it to `handler`, returning
/// what happened and the HTTP status to answer with.
///
/// `signature_header` is the value of the `Steppay-Signature` header, if the request had one.
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
/// ```
pub fn receive<H: WebhookHandler + ?Sized>(
    body: &[u8],
    signature_header: Option<&str>,
    verifier: &WebhookVerifier,
    handler: &H,
) -> Outcome<H::Error> {
    match verify_and_parse(body, signature_header, verifier) {
        Ok(webhook) => finish(&webhook, dispatch(&webhook, handler)),
        Err(outcome) => outcome,
    }
}

/// The async twin of [`receive`].
pub async fn receive_async<H: AsyncWebhookHandler + ?Sized>(
    body: &[u8],
    signature_header: Option<&str>,
    verifier: &WebhookVerifier,
    handler: &H,
) -> Outcome<H::Error> {
    // Bound before the await so that the future holds no `H::Error` (it need not be `Send`).
    let webhook = match verify_and_parse(body, signature_header, verifier) {
        Ok(webhook) => webhook,
        Err(outcome) => return outcome,
    };
    let result = dispatch_async(&webhook, handler).await;
    finish(&webhook, result)
}

/// Verifies and parses, or says which failure outcome applies.
pub(crate) fn verify_and_parse<E>(
    body: &[u8],
    signature_header: Option<&str>,
    verifier: &WebhookVerifier,
) -> Result<Webhook, Outcome<E>> {
    let header = match signature_header.map(str::trim) {
        None | Some("") => return Err(Outcome::MissingSignature),
        Some(header) => header,
    };
    match verifier.parse(header, body) {
        Ok(webhook) => Ok(webhook),
        Err(Error::Signature(error)) => Err(Outcome::InvalidSignature(error)),
        Err(error) => Err(Outcome::InvalidBody(error)),
    }
}

fn finish<E>(webhook: &Webhook, result: Result<(), E>) -> Outcome<E> {
    let event = webhook.event_name().to_owned();
    match result {
        Err(error) => Outcome::HandlerFailed { event, error },
        Ok(()) if webhook.event.is_unknown() => Outcome::Ignored { event },
        Ok(()) => Outcome::Handled { event },
    }
}
