//! The last step of a delivery, and the only module that knows HTTP statuses: [`receive`]
//! (verify, parse, dispatch, decide the answer), [`WebhookReceiver`] (the same with a body
//! limit, taken by the ready receivers), [`Outcome`] and [`WebhookRejection`].
//!
//! Every outcome is logged through `tracing`: one event per delivery, target
//! `steppay_webhook::receive`, its message the reason answered to StepPay, with the fields
//! `outcome` (`handled`, `unhandled`, `unreadable_acknowledged`, `rejected`,
//! `handler_failed`, or `verified` from an extractor), `event_name`, `status`, and where they
//! apply `is_test` (StepPay's test-mode flag, whenever the envelope was read: `true` only for
//! `"isTest": true`), `error` (the handler's error through `Display`, or what was wrong with
//! an unreadable body), `path` (the JSON path in an unreadable body) and `limit` (the body
//! limit). Level:
//! `info` when handled, `warn` when unhandled or refused by the signature check, `error` when
//! a handler failed or an authentic delivery was refused. Never a key, a signature or the
//! body's data.

use std::fmt;
use std::sync::Arc;

use crate::dispatch::{dispatch_unreadable, dispatch_unreadable_async, Dispatched};
use crate::error::excerpt;
#[cfg(feature = "inbox")]
use crate::inbox::{DeliveryId, DeliveryStatus, Inbox, InboxLink, StoreError};
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
/// With the durable inbox (feature `inbox`, [`WebhookReceiver::with_inbox`]), a verified
/// delivery is stored before any handler runs, and these outcomes join the ones above
/// (inline mode answers `Handled`, `Unhandled` and `UnreadableAcknowledged` as well):
///
/// | outcome | status | why |
/// |---|---|---|
/// | `Stored` | 200 | stored; a worker processes it (deferred mode, or inline when another delivery of its resource goes first) |
/// | `Duplicate` | 200 | the same delivery (event name and `data`) was stored before: not processed again |
/// | `Stale` | 200 | inline: older than data already applied to its resource; recorded, not applied |
/// | `UnreadableStored` | 200 (400 if the inbox is told not to acknowledge) | authentic but unreadable, and `on_unreadable` did not handle it: kept for replay |
/// | `RetryScheduled` | 500 | inline: your handler failed; the worker retries it |
/// | `Dead` | 500 | inline: your handler failed on the last allowed attempt; kept as a dead letter for replay |
/// | `StoreFailed` | 500 | verified, but the inbox could not store it: nothing was kept |
///
/// StepPay documents no automatic retries: a failed delivery (any status but 2xx) stays
/// failed in the portal's delivery history, from where it can be sent again.
///
/// `Debug` quotes an event name up to 40 characters, like [`Outcome::reason`].
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
    /// Stored in the durable inbox; a worker processes it: in deferred mode, or in inline
    /// mode when another delivery of the same resource is in flight or goes first.
    #[cfg(feature = "inbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
    Stored {
        /// The stored delivery.
        delivery: DeliveryId,
        /// The event type's wire name.
        event_name: String,
    },
    /// The same delivery (same event name and `data` bytes) was stored before:
    /// acknowledged, not processed again.
    #[cfg(feature = "inbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
    Duplicate {
        /// The delivery stored first.
        original: DeliveryId,
        /// Its status now.
        status: DeliveryStatus,
        /// The event type's wire name, when the body was read that far.
        event_name: Option<String>,
    },
    /// Inline mode: older than data already applied to its resource; recorded `stale` and,
    /// by the default stale policy, not applied.
    #[cfg(feature = "inbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
    Stale {
        /// The stored delivery.
        delivery: DeliveryId,
        /// The event type's wire name.
        event_name: String,
    },
    /// Authentic but unreadable, stored in the durable inbox to be replayed once the crate
    /// or your `on_unreadable` can deal with it: your `on_unreadable` did not handle it
    /// (inline mode), or has yet to see it (deferred mode, where the worker hands it over).
    #[cfg(feature = "inbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
    UnreadableStored {
        /// The stored delivery.
        delivery: DeliveryId,
        /// What could not be read.
        error: Error,
        /// Whether it is acknowledged (200, the default) or answered 400 (see
        /// `InboxConfig::acknowledge_unreadable`).
        acknowledged: bool,
    },
    /// Inline mode: your handler failed; the delivery is stored and the worker tries again
    /// at `retry_at`.
    #[cfg(feature = "inbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
    RetryScheduled {
        /// The stored delivery.
        delivery: DeliveryId,
        /// The event type's wire name.
        event_name: String,
        /// The handler's error, as stored: bounded, quoted values redacted.
        error: String,
        /// When the worker tries again.
        retry_at: chrono::DateTime<chrono::Utc>,
    },
    /// Inline mode: your handler failed on the last allowed attempt; the delivery is kept as
    /// a dead letter, to be replayed once fixed.
    #[cfg(feature = "inbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
    Dead {
        /// The stored delivery.
        delivery: DeliveryId,
        /// The event type's wire name.
        event_name: String,
        /// The handler's error, as stored: bounded, quoted values redacted.
        error: String,
    },
    /// Verified, but the durable inbox could not store it: nothing was kept, and the answer
    /// (500) leaves it failed in StepPay's portal, from where it can be sent again.
    #[cfg(feature = "inbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
    StoreFailed {
        /// The event type's wire name, when the body was read that far.
        event_name: Option<String>,
        /// What the store said.
        error: StoreError,
    },
}

impl<E: fmt::Debug> fmt::Debug for Outcome<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Handled { event_name } => f
                .debug_struct("Handled")
                .field("event_name", &excerpt(event_name))
                .finish(),
            Outcome::Unhandled { event_name } => f
                .debug_struct("Unhandled")
                .field("event_name", &excerpt(event_name))
                .finish(),
            Outcome::UnreadableAcknowledged { error } => f
                .debug_struct("UnreadableAcknowledged")
                .field("error", error)
                .finish(),
            Outcome::Rejected(rejection) => f.debug_tuple("Rejected").field(rejection).finish(),
            Outcome::HandlerFailed { event_name, error } => f
                .debug_struct("HandlerFailed")
                .field("event_name", &excerpt(event_name))
                .field("error", error)
                .finish(),
            #[cfg(feature = "inbox")]
            Outcome::Stored {
                delivery,
                event_name,
            } => f
                .debug_struct("Stored")
                .field("delivery", delivery)
                .field("event_name", &excerpt(event_name))
                .finish(),
            #[cfg(feature = "inbox")]
            Outcome::Duplicate {
                original,
                status,
                event_name,
            } => f
                .debug_struct("Duplicate")
                .field("original", original)
                .field("status", status)
                .field("event_name", &event_name.as_deref().map(excerpt))
                .finish(),
            #[cfg(feature = "inbox")]
            Outcome::Stale {
                delivery,
                event_name,
            } => f
                .debug_struct("Stale")
                .field("delivery", delivery)
                .field("event_name", &excerpt(event_name))
                .finish(),
            #[cfg(feature = "inbox")]
            Outcome::UnreadableStored {
                delivery,
                error,
                acknowledged,
            } => f
                .debug_struct("UnreadableStored")
                .field("delivery", delivery)
                .field("error", error)
                .field("acknowledged", acknowledged)
                .finish(),
            #[cfg(feature = "inbox")]
            Outcome::RetryScheduled {
                delivery,
                event_name,
                error,
                retry_at,
            } => f
                .debug_struct("RetryScheduled")
                .field("delivery", delivery)
                .field("event_name", &excerpt(event_name))
                .field("error", &excerpt(error))
                .field("retry_at", retry_at)
                .finish(),
            #[cfg(feature = "inbox")]
            Outcome::Dead {
                delivery,
                event_name,
                error,
            } => f
                .debug_struct("Dead")
                .field("delivery", delivery)
                .field("event_name", &excerpt(event_name))
                .field("error", &excerpt(error))
                .finish(),
            #[cfg(feature = "inbox")]
            Outcome::StoreFailed { event_name, error } => f
                .debug_struct("StoreFailed")
                .field("event_name", &event_name.as_deref().map(excerpt))
                .field("error", error)
                .finish(),
        }
    }
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
            #[cfg(feature = "inbox")]
            Outcome::Stored { .. } | Outcome::Duplicate { .. } | Outcome::Stale { .. } => 200,
            // The same 400 as an unreadable body refused without an inbox.
            #[cfg(feature = "inbox")]
            Outcome::UnreadableStored { acknowledged, .. } => {
                if *acknowledged {
                    200
                } else {
                    400
                }
            }
            #[cfg(feature = "inbox")]
            Outcome::RetryScheduled { .. } | Outcome::Dead { .. } | Outcome::StoreFailed { .. } => {
                500
            }
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
            #[cfg(feature = "inbox")]
            Outcome::Stored { event_name, .. }
            | Outcome::Stale { event_name, .. }
            | Outcome::RetryScheduled { event_name, .. }
            | Outcome::Dead { event_name, .. } => Some(event_name),
            #[cfg(feature = "inbox")]
            Outcome::Duplicate { event_name, .. } | Outcome::StoreFailed { event_name, .. } => {
                event_name.as_deref()
            }
            #[cfg(feature = "inbox")]
            Outcome::UnreadableStored { error, .. } => error.event_name(),
        }
    }

    /// The durable inbox's delivery this outcome is about (the original, for a duplicate);
    /// `None` without an inbox, when nothing was stored, or for an outcome that does not
    /// name it (`Handled`, `Unhandled`, `UnreadableAcknowledged`: the log of the inbox's
    /// processing has it).
    #[cfg(feature = "inbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
    pub fn delivery_id(&self) -> Option<DeliveryId> {
        match self {
            Outcome::Stored { delivery, .. }
            | Outcome::Stale { delivery, .. }
            | Outcome::UnreadableStored { delivery, .. }
            | Outcome::RetryScheduled { delivery, .. }
            | Outcome::Dead { delivery, .. } => Some(*delivery),
            Outcome::Duplicate { original, .. } => Some(*original),
            _ => None,
        }
    }

    /// A short plain-text reason for the response body. Unlike `Display`, it leaves out the
    /// handler's error, which may hold internal details (it is logged instead). An event
    /// name is quoted up to 40 characters (then `…` and its length), however long it was.
    pub fn reason(&self) -> String {
        match self {
            Outcome::Handled { event_name } => format!("handled {}", excerpt(event_name)),
            Outcome::Unhandled { event_name } if event_name.parse::<EventType>().is_err() => {
                format!(
                    "unhandled unknown event type {}: no handler method for it",
                    excerpt(event_name)
                )
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
            Outcome::HandlerFailed { event_name, .. } => {
                format!("handler failed for {}", excerpt(event_name))
            }
            #[cfg(feature = "inbox")]
            Outcome::Stored {
                delivery,
                event_name,
            } => format!("stored {} as delivery {delivery}", excerpt(event_name)),
            #[cfg(feature = "inbox")]
            Outcome::Duplicate { original, .. } => format!("duplicate of delivery {original}"),
            #[cfg(feature = "inbox")]
            Outcome::Stale { event_name, .. } => {
                format!("stale {}: newer data already applied", excerpt(event_name))
            }
            #[cfg(feature = "inbox")]
            Outcome::UnreadableStored {
                delivery, error, ..
            } => format!(
                "stored unreadable webhook body as delivery {delivery}: {}",
                with_causes(error)
            ),
            #[cfg(feature = "inbox")]
            Outcome::RetryScheduled {
                delivery,
                event_name,
                ..
            } => format!(
                "handler failed for {}; delivery {delivery} will be retried",
                excerpt(event_name)
            ),
            #[cfg(feature = "inbox")]
            Outcome::Dead {
                delivery,
                event_name,
                ..
            } => format!(
                "handler failed for {}; delivery {delivery} is kept as a dead letter",
                excerpt(event_name)
            ),
            #[cfg(feature = "inbox")]
            Outcome::StoreFailed { .. } => "could not store the delivery".to_owned(),
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
            #[cfg(feature = "inbox")]
            Outcome::Stored { .. } => "stored",
            #[cfg(feature = "inbox")]
            Outcome::Duplicate { .. } => "duplicate",
            #[cfg(feature = "inbox")]
            Outcome::Stale { .. } => "stale",
            #[cfg(feature = "inbox")]
            Outcome::UnreadableStored { .. } => "unreadable_stored",
            #[cfg(feature = "inbox")]
            Outcome::RetryScheduled { .. } => "retry_scheduled",
            #[cfg(feature = "inbox")]
            Outcome::Dead { .. } => "dead",
            #[cfg(feature = "inbox")]
            Outcome::StoreFailed { .. } => "store_failed",
        }
    }
}

impl<E: fmt::Display> fmt::Display for Outcome<E> {
    /// [`Outcome::reason`], plus the handler's (or the store's) error when it failed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::HandlerFailed { error, .. } => write!(f, "{}: {error}", self.reason()),
            #[cfg(feature = "inbox")]
            Outcome::RetryScheduled { error, .. } | Outcome::Dead { error, .. } => {
                write!(f, "{}: {error}", self.reason())
            }
            #[cfg(feature = "inbox")]
            Outcome::StoreFailed { error, .. } => write!(f, "{}: {error}", self.reason()),
            _ => f.write_str(&self.reason()),
        }
    }
}

impl<E: fmt::Display> Outcome<E> {
    /// Emits the one `tracing` event of this delivery and gives the outcome back. `is_test`
    /// is the delivery's [`Webhook::is_test`], or `None` when its envelope was not read (the
    /// field is then left out of the record).
    pub(crate) fn logged(self, is_test: Option<bool>) -> Self {
        let status = self.status();
        let outcome = self.kind();
        let event_name = &*excerpt(self.event_name().unwrap_or_default());
        let reason = self.reason();
        match &self {
            Outcome::Handled { .. } => {
                tracing::info!(outcome, event_name, status, is_test, "{reason}");
            }
            Outcome::Unhandled { .. } => {
                tracing::warn!(outcome, event_name, status, is_test, "{reason}");
            }
            Outcome::UnreadableAcknowledged { error } => {
                let (path, error) = (error.path().unwrap_or_default(), error.message());
                tracing::warn!(outcome, event_name, status, is_test, path, error, "{reason}");
            }
            Outcome::HandlerFailed { error, .. } => {
                tracing::error!(outcome, event_name, status, is_test, error = %error, "{reason}");
            }
            Outcome::Rejected(rejection) => log_rejection(rejection),
            #[cfg(feature = "inbox")]
            Outcome::Stored { delivery, .. } | Outcome::Stale { delivery, .. } => {
                let delivery = delivery.0;
                tracing::info!(outcome, event_name, status, is_test, delivery, "{reason}");
            }
            #[cfg(feature = "inbox")]
            Outcome::Duplicate {
                original,
                status: stored_status,
                ..
            } => {
                let stored_status = stored_status.as_str();
                tracing::info!(
                    outcome,
                    event_name,
                    status,
                    is_test,
                    delivery = original.0,
                    stored_status,
                    "{reason}"
                );
            }
            #[cfg(feature = "inbox")]
            Outcome::UnreadableStored {
                delivery, error, ..
            } => {
                let (path, error) = (error.path().unwrap_or_default(), error.message());
                tracing::warn!(
                    outcome,
                    event_name,
                    status,
                    is_test,
                    delivery = delivery.0,
                    path,
                    error,
                    "{reason}"
                );
            }
            #[cfg(feature = "inbox")]
            Outcome::RetryScheduled {
                delivery, error, ..
            }
            | Outcome::Dead {
                delivery, error, ..
            } => {
                let error = error.as_str();
                tracing::error!(
                    outcome,
                    event_name,
                    status,
                    is_test,
                    delivery = delivery.0,
                    error,
                    "{reason}"
                );
            }
            #[cfg(feature = "inbox")]
            Outcome::StoreFailed { error, .. } => {
                tracing::error!(outcome, event_name, status, is_test, error = %error, "{reason}");
            }
        }
        self
    }
}

/// Whether an unreadable body's envelope said `"isTest": true`, or `None` when the envelope
/// itself was not read.
pub(crate) fn envelope_is_test(error: &Error) -> Option<bool> {
    match error {
        Error::InvalidData(invalid) => Some(invalid.is_test()),
        _ => None,
    }
}

/// Logs a rejection: the one event of a delivery refused before any handler ran.
fn log_rejection(rejection: &WebhookRejection) {
    let outcome = "rejected";
    let status = rejection.status();
    let reason = rejection.to_string();
    match rejection {
        WebhookRejection::Unreadable(error) => {
            let event_name = &*excerpt(error.event_name().unwrap_or_default());
            let is_test = envelope_is_test(error);
            let path = error.path().unwrap_or_default();
            tracing::error!(
                outcome,
                event_name,
                status,
                is_test,
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
/// parse" of the crate: [`receive`], the extractors and the durable inbox share it.
///
/// `now_unix_seconds` is the time to check the timestamp against; `None` reads the system
/// clock.
pub(crate) fn verify_and_parse(
    body: &[u8],
    signature_header: Option<&str>,
    verifier: &WebhookVerifier,
    now_unix_seconds: Option<i64>,
) -> Result<Webhook, WebhookRejection> {
    let header = signature_header.unwrap_or_default();
    match now_unix_seconds {
        Some(now) => verifier.verify_at(header, body, now)?,
        None => verifier.verify(header, body)?,
    }
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
    match verify_and_parse(body, signature_header, verifier, None) {
        Ok(webhook) => {
            let event_name = &*excerpt(webhook.event_name());
            let is_test = webhook.is_test();
            tracing::info!(
                outcome = "verified",
                event_name,
                is_test,
                "verified {event_name}"
            );
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
    receive_with_clock(body, signature_header, verifier, handler, None)
}

/// [`receive`] with an injected clock: `now_unix_seconds` is the current Unix time, which
/// the signature's timestamp must be within the verifier's replay window of. For tests
/// (and replays) that must not depend on the system clock.
///
/// # Examples
///
/// ```
/// use steppay_webhook::{receive_at, sign, WebhookHandler, WebhookVerifier};
///
/// struct Shop;
/// impl WebhookHandler for Shop {
///     type Error = std::convert::Infallible;
/// }
///
/// let verifier = WebhookVerifier::new("whsec_test"); // 300 s window
/// let body = br#"{"timestamp":1795046400,"version":"v1","event":"customer.deleted","data":{"id":7}}"#;
/// let header = sign("whsec_test", 1795046400, body);
///
/// assert_eq!(receive_at(body, Some(&header), &verifier, &Shop, 1795046400 + 300).status(), 200);
/// assert_eq!(receive_at(body, Some(&header), &verifier, &Shop, 1795046400 + 301).status(), 401);
/// ```
pub fn receive_at<H: WebhookHandler + ?Sized>(
    body: &[u8],
    signature_header: Option<&str>,
    verifier: &WebhookVerifier,
    handler: &H,
    now_unix_seconds: i64,
) -> Outcome<H::Error> {
    receive_with_clock(
        body,
        signature_header,
        verifier,
        handler,
        Some(now_unix_seconds),
    )
}

fn receive_with_clock<H: WebhookHandler + ?Sized>(
    body: &[u8],
    signature_header: Option<&str>,
    verifier: &WebhookVerifier,
    handler: &H,
    now_unix_seconds: Option<i64>,
) -> Outcome<H::Error> {
    let (outcome, is_test) =
        match verify_and_parse(body, signature_header, verifier, now_unix_seconds) {
            Ok(webhook) => {
                let result = dispatch(&webhook, handler);
                (handled(&webhook, result), Some(webhook.is_test()))
            }
            Err(WebhookRejection::Unreadable(error)) => {
                let is_test = envelope_is_test(&error);
                let result = dispatch_unreadable(&error, handler);
                (unreadable(error, result), is_test)
            }
            Err(rejection) => (Outcome::Rejected(rejection), None),
        };
    outcome.logged(is_test)
}

/// The async twin of [`receive`].
pub async fn receive_async<H: AsyncWebhookHandler + ?Sized>(
    body: &[u8],
    signature_header: Option<&str>,
    verifier: &WebhookVerifier,
    handler: &H,
) -> Outcome<H::Error> {
    receive_async_with_clock(body, signature_header, verifier, handler, None).await
}

/// The async twin of [`receive_at`]: [`receive_async`] with an injected clock.
pub async fn receive_async_at<H: AsyncWebhookHandler + ?Sized>(
    body: &[u8],
    signature_header: Option<&str>,
    verifier: &WebhookVerifier,
    handler: &H,
    now_unix_seconds: i64,
) -> Outcome<H::Error> {
    let now = Some(now_unix_seconds);
    receive_async_with_clock(body, signature_header, verifier, handler, now).await
}

async fn receive_async_with_clock<H: AsyncWebhookHandler + ?Sized>(
    body: &[u8],
    signature_header: Option<&str>,
    verifier: &WebhookVerifier,
    handler: &H,
    now_unix_seconds: Option<i64>,
) -> Outcome<H::Error> {
    // Every `H::Error` is made after the last await, so that the future holds none (it
    // need not be `Send`).
    let (outcome, is_test) =
        match verify_and_parse(body, signature_header, verifier, now_unix_seconds) {
            Ok(webhook) => {
                let result = dispatch_async(&webhook, handler).await;
                (handled(&webhook, result), Some(webhook.is_test()))
            }
            Err(WebhookRejection::Unreadable(error)) => {
                let is_test = envelope_is_test(&error);
                let result = dispatch_unreadable_async(&error, handler, None).await;
                (unreadable(error, result), is_test)
            }
            Err(rejection) => (Outcome::Rejected(rejection), None),
        };
    outcome.logged(is_test)
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
///
/// Cloning a receiver is cheap, whatever the handler: clones share it.
pub struct WebhookReceiver<H> {
    verifier: WebhookVerifier,
    handler: Arc<H>,
    body_limit: usize,
    /// The durable inbox every verified delivery is stored in first, if any.
    #[cfg(feature = "inbox")]
    inbox: Option<InboxLink>,
}

impl<H> Clone for WebhookReceiver<H> {
    fn clone(&self) -> Self {
        Self {
            verifier: self.verifier.clone(),
            handler: Arc::clone(&self.handler),
            body_limit: self.body_limit,
            #[cfg(feature = "inbox")]
            inbox: self.inbox.clone(),
        }
    }
}

impl<H: fmt::Debug> fmt::Debug for WebhookReceiver<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("WebhookReceiver");
        debug
            .field("verifier", &self.verifier)
            .field("handler", &self.handler)
            .field("body_limit", &self.body_limit);
        #[cfg(feature = "inbox")]
        debug.field("inbox", &self.inbox.as_ref().map(InboxLink::inbox));
        debug.finish()
    }
}

impl<H> WebhookReceiver<H> {
    /// A receiver that verifies with `verifier`, hands deliveries to `handler`, and accepts
    /// bodies up to [`DEFAULT_BODY_LIMIT`].
    pub fn new(verifier: WebhookVerifier, handler: H) -> Self {
        Self {
            verifier,
            handler: Arc::new(handler),
            body_limit: DEFAULT_BODY_LIMIT,
            #[cfg(feature = "inbox")]
            inbox: None,
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

    /// The durable inbox deliveries are stored in, if the receiver has one
    /// ([`WebhookReceiver::with_inbox`]).
    #[cfg(feature = "inbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
    pub fn inbox(&self) -> Option<&Inbox> {
        self.inbox.as_ref().map(InboxLink::inbox)
    }

    /// The rejection of a body over the limit, logged, or `None`.
    fn over_limit<E: fmt::Display>(&self, body: &[u8]) -> Option<Outcome<E>> {
        (body.len() > self.body_limit).then(|| {
            let limit = Some(self.body_limit);
            Outcome::Rejected(WebhookRejection::BodyTooLarge { limit }).logged(None)
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
        receive(body, signature_header, &self.verifier, &*self.handler)
    }

    /// [`WebhookReceiver::receive`] with an injected clock (see [`receive_at`]).
    pub fn receive_at(
        &self,
        body: &[u8],
        signature_header: Option<&str>,
        now_unix_seconds: i64,
    ) -> Outcome<H::Error> {
        if let Some(outcome) = self.over_limit(body) {
            return outcome;
        }
        let (verifier, handler) = (&self.verifier, &*self.handler);
        receive_at(body, signature_header, verifier, handler, now_unix_seconds)
    }
}

impl<H: AsyncWebhookHandler> WebhookReceiver<H> {
    /// [`receive_async`] with this receiver's verifier and handler, answering 413 for a
    /// body over the limit. With an inbox ([`WebhookReceiver::with_inbox`]), every verified
    /// delivery is stored before any handler runs, and processed in the request or by a
    /// worker, as the inbox's mode says.
    pub async fn receive_async(
        &self,
        body: &[u8],
        signature_header: Option<&str>,
    ) -> Outcome<H::Error> {
        if let Some(outcome) = self.over_limit(body) {
            return outcome;
        }
        self.receive_read_body(body, signature_header).await
    }

    /// [`WebhookReceiver::receive_async`] with an injected clock (see [`receive_at`]).
    pub async fn receive_async_at(
        &self,
        body: &[u8],
        signature_header: Option<&str>,
        now_unix_seconds: i64,
    ) -> Outcome<H::Error> {
        if let Some(outcome) = self.over_limit(body) {
            return outcome;
        }
        let now = Some(now_unix_seconds);
        self.receive_with_clock(body, signature_header, now).await
    }

    /// For the ready receivers, whose framework already enforced the limit while reading.
    pub(crate) async fn receive_read_body(
        &self,
        body: &[u8],
        signature_header: Option<&str>,
    ) -> Outcome<H::Error> {
        self.receive_with_clock(body, signature_header, None).await
    }

    /// Into the inbox if there is one, else [`receive_async`]; `now_unix_seconds: None` reads
    /// the system clock.
    async fn receive_with_clock(
        &self,
        body: &[u8],
        signature_header: Option<&str>,
        now_unix_seconds: Option<i64>,
    ) -> Outcome<H::Error> {
        #[cfg(feature = "inbox")]
        if let Some(link) = &self.inbox {
            return link
                .receive(body, signature_header, &self.verifier, now_unix_seconds)
                .await;
        }
        let (verifier, handler) = (&self.verifier, &*self.handler);
        receive_async_with_clock(body, signature_header, verifier, handler, now_unix_seconds).await
    }
}

#[cfg(feature = "inbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
impl<H: AsyncWebhookHandler + Send + 'static> WebhookReceiver<H> {
    /// The same receiver, storing every verified delivery in the durable `inbox` before any
    /// handler runs: [`axum::router`](crate::axum::router),
    /// [`actix::resource`](crate::actix::resource) and [`WebhookReceiver::receive_async`]
    /// then answer from the inbox's outcome (`Stored`, `Duplicate`, ... in [`Outcome`]'s
    /// table). In inline mode this receiver's handler processes each delivery in the
    /// request; in deferred mode the inbox's worker does
    /// ([`Inbox::spawn_worker`](crate::inbox::Inbox::spawn_worker), given the same handler).
    ///
    /// The blocking [`WebhookReceiver::receive`] does not use the inbox.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use steppay_webhook::inbox::{Inbox, MemoryStore};
    /// use steppay_webhook::{sign, AsyncWebhookHandler, Outcome, WebhookReceiver, WebhookVerifier};
    ///
    /// struct Shop;
    /// impl AsyncWebhookHandler for Shop {
    ///     type Error = std::io::Error;
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let shop = Arc::new(Shop);
    /// let inbox = Inbox::new(MemoryStore::new()); // SqliteStore or PostgresStore in production
    /// let worker = inbox.spawn_worker(shop.clone());
    /// let receiver = WebhookReceiver::new(WebhookVerifier::new("whsec_test"), shop).with_inbox(inbox);
    ///
    /// let body = br#"{"timestamp":1795046400,"version":"v1","event":"customer.deleted","data":{"id":7}}"#;
    /// let header = sign("whsec_test", chrono::Utc::now().timestamp(), body);
    /// let first = receiver.receive_async(body, Some(&header)).await;
    /// assert!(matches!(first, Outcome::Stored { .. }));
    /// assert_eq!(first.status(), 200);
    /// let again = receiver.receive_async(body, Some(&header)).await;
    /// assert_eq!(again.reason(), "duplicate of delivery 1");
    /// worker.shutdown().await;
    /// # }
    /// ```
    pub fn with_inbox(mut self, inbox: Inbox) -> Self {
        self.inbox = Some(InboxLink::new(inbox, Arc::clone(&self.handler)));
        self
    }
}
