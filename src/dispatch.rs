//! Step three of a delivery, handing a parsed webhook to your code: [`WebhookMeta`], the
//! handler traits [`WebhookHandler`] and [`AsyncWebhookHandler`], [`dispatch`] and
//! [`dispatch_async`], which tell a delivery your code handled from one that only reached a
//! default method ([`Dispatched`]).

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::event::for_each_event;
use crate::schema::{
    Cover, Customer, Invoice, Order, Payment, Price, Product, Subscription, Usage,
};
use crate::{Error, Event, RawJson, Webhook};

/// The envelope fields of a delivery, passed to every handler method.
///
/// # Examples
///
/// ```
/// use steppay_webhook::WebhookMeta;
///
/// let meta = WebhookMeta::new(1795046400, "v1", "payment.completed");
/// assert_eq!(meta.event_name, "payment.completed");
/// assert_eq!(meta.sent_at().unwrap().to_rfc3339(), "2026-11-19T00:00:00+00:00");
/// assert!(!meta.is_test);
/// assert!(meta.with_is_test(true).is_test);
/// ```
///
/// Skipping StepPay's test deliveries in production, in one handler method:
///
/// ```
/// use steppay_webhook::{Payment, WebhookHandler, WebhookMeta};
///
/// struct Shop { production: bool }
///
/// impl WebhookHandler for Shop {
///     type Error = std::convert::Infallible;
///
///     fn on_payment_completed(&self, meta: WebhookMeta<'_>, payment: &Payment) -> Result<(), Self::Error> {
///         if meta.is_test && self.production {
///             return Ok(()); // acknowledged (200), nothing recorded
///         }
///         println!("order {:?} paid", payment.order_id);
///         Ok(())
///     }
/// }
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct WebhookMeta<'a> {
    /// The envelope `timestamp` as sent (see [`WebhookMeta::sent_at`]).
    pub timestamp: i64,
    /// The schema version, e.g. `"v1"`.
    pub version: &'a str,
    /// The event type's wire name, e.g. `"payment.completed"`.
    pub event_name: &'a str,
    /// Whether StepPay sent the delivery in test mode: the envelope's `"isTest": true`.
    /// `false` when it said `false` or did not have the field; [`Webhook::is_test`] keeps
    /// the difference.
    pub is_test: bool,
    /// Set by the default handler methods, so that [`dispatch`] can tell a delivery your
    /// code handled from one it did not.
    unhandled: Option<&'a AtomicBool>,
    /// What the durable inbox knows about this delivery (`None` without an inbox).
    delivery: Option<DeliveryFacts>,
}

/// What the durable inbox tells a handler about the delivery it processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DeliveryFacts {
    /// The stored delivery's id.
    pub(crate) id: i64,
    /// Which attempt this is, from 1.
    pub(crate) attempt: u32,
    /// Whether an operator replayed it.
    pub(crate) replay: bool,
    /// Whether newer data was already applied to its resource.
    pub(crate) stale: bool,
}

impl<'a> WebhookMeta<'a> {
    /// Metadata built by hand, for calling a handler method directly in your own tests: a
    /// live delivery (`is_test` false; see [`WebhookMeta::with_is_test`]).
    pub fn new(timestamp: i64, version: &'a str, event_name: &'a str) -> Self {
        Self {
            timestamp,
            version,
            event_name,
            is_test: false,
            unhandled: None,
            delivery: None,
        }
    }

    /// The same metadata, with `is_test` set: `WebhookMeta::new(..).with_is_test(true)` is a
    /// test-mode delivery.
    pub fn with_is_test(self, is_test: bool) -> Self {
        Self { is_test, ..self }
    }

    /// The metadata of `webhook`.
    pub fn of(webhook: &'a Webhook) -> Self {
        Self::new(webhook.timestamp, &webhook.version, webhook.event_name())
            .with_is_test(webhook.is_test())
    }

    /// The envelope timestamp as a UTC date-time (13-digit values read as milliseconds),
    /// `None` if out of range; the same as [`Webhook::sent_at`].
    pub fn sent_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        crate::webhook::sent_at(self.timestamp)
    }

    /// Which attempt at processing this delivery this is, from 1. Always 1 without the durable
    /// inbox; with it, 2 and more mean earlier attempts failed or were interrupted (a crash,
    /// a lost lease), so work they did may be done already. A replay counts from 1 again.
    ///
    /// ```
    /// use steppay_webhook::WebhookMeta;
    ///
    /// let meta = WebhookMeta::new(1795046400, "v1", "payment.completed");
    /// assert_eq!((meta.attempt(), meta.is_retry(), meta.is_replay(), meta.is_stale()), (1, false, false, false));
    /// ```
    pub fn attempt(&self) -> u32 {
        self.delivery.map_or(1, |facts| facts.attempt)
    }

    /// Whether this is a retry: an earlier attempt at the same delivery failed or was
    /// interrupted ([`attempt`](Self::attempt) is 2 or more). Never without the durable inbox.
    pub fn is_retry(&self) -> bool {
        self.attempt() > 1
    }

    /// Whether an operator replayed this delivery from the durable inbox (a dead letter, an
    /// unreadable body, or one processed before). Its signature and clock were checked when it
    /// arrived, not now. Never without the inbox.
    pub fn is_replay(&self) -> bool {
        self.delivery.is_some_and(|facts| facts.replay)
    }

    /// Whether newer data was already applied to the resource this delivery is about. Only
    /// ever `true` when the inbox's stale policy is `StalePolicy::Apply` (the default skips
    /// stale deliveries without calling the handler).
    pub fn is_stale(&self) -> bool {
        self.delivery.is_some_and(|facts| facts.stale)
    }

    /// The id the durable inbox gave this delivery: a good idempotency key for your own
    /// writes. `None` without the inbox.
    #[cfg(feature = "inbox")]
    #[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
    pub fn delivery_id(&self) -> Option<crate::inbox::DeliveryId> {
        self.delivery
            .map(|facts| crate::inbox::DeliveryId(facts.id))
    }

    /// The same metadata, for a delivery processed from the durable inbox.
    #[cfg_attr(not(feature = "inbox"), allow(dead_code))]
    pub(crate) fn with_delivery(self, facts: DeliveryFacts) -> Self {
        Self {
            delivery: Some(facts),
            ..self
        }
    }

    /// The metadata of the readable envelope of an [`Error::InvalidData`].
    fn of_invalid_data(error: &'a Error) -> Option<Self> {
        match error {
            Error::InvalidData(invalid) => Some(
                Self::new(invalid.timestamp(), invalid.version(), invalid.event_name())
                    .with_is_test(invalid.is_test()),
            ),
            _ => None,
        }
    }

    fn reporting_to(self, unhandled: &'a AtomicBool) -> Self {
        Self {
            unhandled: Some(unhandled),
            ..self
        }
    }

    /// Records that a default handler method ran: nothing of the merchant's saw the event.
    fn mark_unhandled(&self) {
        if let Some(unhandled) = self.unhandled {
            unhandled.store(true, Ordering::Relaxed);
        }
    }
}

impl PartialEq for WebhookMeta<'_> {
    /// Compares the envelope fields.
    fn eq(&self, other: &Self) -> bool {
        (self.timestamp, self.version, self.event_name, self.is_test)
            == (
                other.timestamp,
                other.version,
                other.event_name,
                other.is_test,
            )
    }
}

impl Eq for WebhookMeta<'_> {}

impl fmt::Debug for WebhookMeta<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("WebhookMeta");
        debug
            .field("timestamp", &self.timestamp)
            .field("version", &self.version)
            .field("event_name", &self.event_name)
            .field("is_test", &self.is_test);
        if let Some(facts) = &self.delivery {
            debug.field("delivery", facts);
        }
        debug.finish()
    }
}

/// The `data` of an authentic delivery that this crate could not read, given to
/// [`WebhookHandler::on_unreadable`]: the JSON path and message of the first problem, and the
/// raw `data` exactly as sent, so that you can store it and process it later.
///
/// `Debug` shows the path and message, never the raw data (it may hold personal data).
#[derive(Clone, Copy)]
pub struct UnreadableData<'a> {
    /// Always an [`Error::InvalidData`].
    error: &'a Error,
}

impl<'a> UnreadableData<'a> {
    /// The JSON path of the offending field, starting at `data` (`"data.items[1].paidAmount"`).
    pub fn path(&self) -> &'a str {
        self.error.path().unwrap_or("data")
    }

    /// What was wrong with that field.
    pub fn message(&self) -> &'a str {
        match self.error {
            Error::InvalidData(invalid) => invalid.message(),
            _ => "",
        }
    }

    /// The `data` object's JSON text exactly as sent.
    pub fn raw_data(&self) -> &'a str {
        self.error.raw_data().unwrap_or_default()
    }

    /// The whole error, as [`parse_webhook`](crate::parse_webhook) returned it.
    pub fn error(&self) -> &'a Error {
        self.error
    }
}

impl fmt::Debug for UnreadableData<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnreadableData")
            .field("path", &self.path())
            .field("message", &self.message())
            .field(
                "raw_data",
                &format_args!("<{} bytes, redacted>", self.raw_data().len()),
            )
            .finish()
    }
}

/// Whether a handler method of yours ran for a delivery, or only a default one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Dispatched {
    /// A method you wrote ran and returned `Ok`.
    Handled,
    /// Only a default method ran: your handler does not handle this event type.
    Unhandled,
}

macro_rules! define_handlers {
    ($( ($variant:ident, $wire:literal, $payload:ident, $method:ident, $doc:literal), )+) => {
        /// Code to run per event type. Override only the methods you need: the others are
        /// defaults that return `Ok(())` and mark the delivery *unhandled* ([`Dispatched`],
        /// [`Outcome::Unhandled`](crate::Outcome::Unhandled)), so that an event type you
        /// subscribed to but do not handle shows up in the outcome and the log.
        ///
        /// Methods take `&self` because one handler serves concurrent requests; keep state in
        /// something shareable (a database pool, `Mutex`, atomics). Returning `Err` makes
        /// [`receive`](crate::receive) answer 500; its `Display` goes to the log. StepPay
        /// documents no automatic retries: a failed delivery stays failed in the portal's
        /// delivery history, where it can be sent again.
        ///
        /// Implemented for `&H`, `Box<H>` and `Arc<H>` too, so a shared handler can be
        /// passed as it is.
        ///
        /// # Examples
        ///
        /// ```
        /// use std::sync::atomic::{AtomicUsize, Ordering};
        /// use steppay_webhook::{dispatch, parse_webhook, Dispatched, Subscription, SubscriptionStatus, WebhookHandler, WebhookMeta};
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
        /// assert_eq!(dispatch(&parse_webhook(body)?, &handler), Ok(Dispatched::Handled));
        /// assert_eq!(handler.locked.load(Ordering::SeqCst), 1);
        ///
        /// let body = br#"{"timestamp":1795046400,"version":"v1","event":"customer.deleted","data":{"id":7}}"#;
        /// assert_eq!(dispatch(&parse_webhook(body)?, &handler), Ok(Dispatched::Unhandled));
        /// # Ok::<(), steppay_webhook::Error>(())
        /// ```
        pub trait WebhookHandler {
            /// What a handler method returns on failure; its `Display` is logged.
            type Error: fmt::Display;

            $(
                #[doc = concat!("Called for `", $wire, "`: ", $doc)]
                fn $method(&self, meta: WebhookMeta<'_>, data: &$payload) -> Result<(), Self::Error> {
                    let _ = data;
                    meta.mark_unhandled();
                    Ok(())
                }
            )+

            /// Called for an event type this crate does not know, with its `data` exactly as
            /// sent ([`RawJson::get`]; [`RawJson::to_value`] for a `serde_json::Value`).
            fn on_unknown(&self, meta: WebhookMeta<'_>, data: &RawJson) -> Result<(), Self::Error> {
                let _ = data;
                meta.mark_unhandled();
                Ok(())
            }

            /// Called for an authentic delivery whose `data` this crate cannot read (a field
            /// of an unexpected type, say): `meta` is its envelope, `data` the JSON path,
            /// message and raw data. Return `Ok(())` to acknowledge it (200), typically
            /// after storing the raw data to process once the crate can read it; return
            /// `Err` if storing failed (500).
            ///
            /// **The default does not acknowledge it**: the answer is 400, so the delivery
            /// stays failed and visible in StepPay's delivery history, which can send it
            /// again once you have upgraded. StepPay documents no automatic retries, so
            /// acknowledging without storing would lose the event for good.
            fn on_unreadable(&self, meta: WebhookMeta<'_>, data: &UnreadableData<'_>) -> Result<(), Self::Error> {
                let _ = data;
                meta.mark_unhandled();
                Ok(())
            }
        }

        /// The async twin of [`WebhookHandler`], for tokio-based servers: the same methods
        /// and defaults, returning `Send` futures. Implement the methods with `async fn`.
        ///
        /// Implemented for `&H`, `Box<H>` and `Arc<H>` too.
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
        ///         println!("{}: order {:?} paid", meta.event_name, payment.order_id);
        ///         Ok(())
        ///     }
        /// }
        /// ```
        pub trait AsyncWebhookHandler: Sync {
            /// What a handler method returns on failure; its `Display` is logged.
            type Error: fmt::Display;

            $(
                #[doc = concat!("Called for `", $wire, "`: ", $doc)]
                fn $method(
                    &self,
                    meta: WebhookMeta<'_>,
                    data: &$payload,
                ) -> impl Future<Output = Result<(), Self::Error>> + Send {
                    let _ = data;
                    meta.mark_unhandled();
                    async { Ok(()) }
                }
            )+

            /// Called for an event type this crate does not know, with its raw `data`.
            fn on_unknown(
                &self,
                meta: WebhookMeta<'_>,
                data: &RawJson,
            ) -> impl Future<Output = Result<(), Self::Error>> + Send {
                let _ = data;
                meta.mark_unhandled();
                async { Ok(()) }
            }

            /// Called for an authentic delivery whose `data` this crate cannot read; see
            /// [`WebhookHandler::on_unreadable`]. The default does not acknowledge it (400).
            fn on_unreadable(
                &self,
                meta: WebhookMeta<'_>,
                data: &UnreadableData<'_>,
            ) -> impl Future<Output = Result<(), Self::Error>> + Send {
                let _ = data;
                meta.mark_unhandled();
                async { Ok(()) }
            }
        }

        /// Calls the `handler` method for `webhook`'s event type (`on_unknown` for unknown
        /// ones) and says whether a method of yours ran ([`Dispatched::Handled`]) or only a
        /// default one ([`Dispatched::Unhandled`]); or returns the method's error.
        pub fn dispatch<H: WebhookHandler + ?Sized>(
            webhook: &Webhook,
            handler: &H,
        ) -> Result<Dispatched, H::Error> {
            let unhandled = AtomicBool::new(false);
            let meta = WebhookMeta::of(webhook).reporting_to(&unhandled);
            match &webhook.event {
                $(Event::$variant(data) => handler.$method(meta, data),)+
                Event::Unknown { data, .. } => handler.on_unknown(meta, data),
            }?;
            Ok(dispatched(&unhandled))
        }

        /// The async twin of [`dispatch`].
        pub async fn dispatch_async<H: AsyncWebhookHandler + ?Sized>(
            webhook: &Webhook,
            handler: &H,
        ) -> Result<Dispatched, H::Error> {
            dispatch_async_as(webhook, handler, WebhookMeta::of(webhook)).await
        }

        /// [`dispatch_async`] with the given metadata (the durable inbox adds what it knows
        /// about the delivery).
        #[cfg_attr(not(feature = "inbox"), allow(dead_code))]
        pub(crate) async fn dispatch_async_as<H: AsyncWebhookHandler + ?Sized>(
            webhook: &Webhook,
            handler: &H,
            meta: WebhookMeta<'_>,
        ) -> Result<Dispatched, H::Error> {
            let unhandled = AtomicBool::new(false);
            let meta = meta.reporting_to(&unhandled);
            match &webhook.event {
                $(Event::$variant(data) => handler.$method(meta, data).await,)+
                Event::Unknown { data, .. } => handler.on_unknown(meta, data).await,
            }?;
            Ok(dispatched(&unhandled))
        }
    };
}

for_each_event!(define_handlers);

/// Forwards both handler traits through a pointer type (`$wrapper`, naming `H`), requiring
/// `$($async_bound)*` of `H` for the async trait.
macro_rules! forward_handlers {
    ($wrapper:ty, [$($async_bound:tt)*]; $( ($variant:ident, $wire:literal, $payload:ident, $method:ident, $doc:literal), )+) => {
        impl<H: WebhookHandler + ?Sized> WebhookHandler for $wrapper {
            type Error = H::Error;

            $(
                fn $method(&self, meta: WebhookMeta<'_>, data: &$payload) -> Result<(), Self::Error> {
                    (**self).$method(meta, data)
                }
            )+

            fn on_unknown(&self, meta: WebhookMeta<'_>, data: &RawJson) -> Result<(), Self::Error> {
                (**self).on_unknown(meta, data)
            }

            fn on_unreadable(&self, meta: WebhookMeta<'_>, data: &UnreadableData<'_>) -> Result<(), Self::Error> {
                (**self).on_unreadable(meta, data)
            }
        }

        impl<H: AsyncWebhookHandler + ?Sized $($async_bound)*> AsyncWebhookHandler for $wrapper {
            type Error = H::Error;

            $(
                fn $method(
                    &self,
                    meta: WebhookMeta<'_>,
                    data: &$payload,
                ) -> impl Future<Output = Result<(), Self::Error>> + Send {
                    (**self).$method(meta, data)
                }
            )+

            fn on_unknown(
                &self,
                meta: WebhookMeta<'_>,
                data: &RawJson,
            ) -> impl Future<Output = Result<(), Self::Error>> + Send {
                (**self).on_unknown(meta, data)
            }

            fn on_unreadable(
                &self,
                meta: WebhookMeta<'_>,
                data: &UnreadableData<'_>,
            ) -> impl Future<Output = Result<(), Self::Error>> + Send {
                (**self).on_unreadable(meta, data)
            }
        }
    };
}

for_each_event!(forward_handlers &H, [];);
for_each_event!(forward_handlers Box<H>, [];);
for_each_event!(forward_handlers Arc<H>, [+ Send];);

fn dispatched(unhandled: &AtomicBool) -> Dispatched {
    if unhandled.load(Ordering::Relaxed) {
        Dispatched::Unhandled
    } else {
        Dispatched::Handled
    }
}

/// Calls `handler.on_unreadable` for an [`Error::InvalidData`]; `None` for any other error
/// (no readable envelope: nothing to hand over).
pub(crate) fn dispatch_unreadable<H: WebhookHandler + ?Sized>(
    error: &Error,
    handler: &H,
) -> Option<Result<Dispatched, H::Error>> {
    let unhandled = AtomicBool::new(false);
    let meta = WebhookMeta::of_invalid_data(error)?.reporting_to(&unhandled);
    let data = UnreadableData { error };
    Some(
        handler
            .on_unreadable(meta, &data)
            .map(|()| dispatched(&unhandled)),
    )
}

/// The async twin of [`dispatch_unreadable`]; `delivery` is what the durable inbox knows
/// about the delivery, if it comes from one.
pub(crate) async fn dispatch_unreadable_async<H: AsyncWebhookHandler + ?Sized>(
    error: &Error,
    handler: &H,
    delivery: Option<DeliveryFacts>,
) -> Option<Result<Dispatched, H::Error>> {
    let unhandled = AtomicBool::new(false);
    let mut meta = WebhookMeta::of_invalid_data(error)?;
    if let Some(facts) = delivery {
        meta = meta.with_delivery(facts);
    }
    let meta = meta.reporting_to(&unhandled);
    let data = UnreadableData { error };
    Some(
        handler
            .on_unreadable(meta, &data)
            .await
            .map(|()| dispatched(&unhandled)),
    )
}
