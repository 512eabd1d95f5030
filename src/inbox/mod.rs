//! The durable inbox (feature `inbox`): never lose a delivery, never apply one twice.
//!
//! StepPay sends no event id, may send an event more than once (a resend from its portal),
//! does not guarantee order, and documents no automatic retries. A receiver that answers 200
//! and then fails, crashes, or meets a body it cannot read has lost that event. The inbox
//! closes those gaps:
//!
//! 1. **Store first.** [`Inbox::accept`] verifies the signature, then writes a [`Delivery`]
//!    record (the raw body byte for byte, the signature timestamp, when it arrived, the event
//!    name, `isTest`, the [`fingerprint`], the [`Resource`] and its as-of time) before any
//!    handler runs. Unverified requests are never stored.
//! 2. **Deduplicate.** The fingerprint (event name + exact `data` bytes) is unique: a
//!    duplicate is acknowledged (200), counted on the original, traced, and never processed
//!    again.
//! 3. **Apply only the newest.** Per resource (`Subscription 90210`), the inbox remembers the
//!    newest as-of time applied; an older delivery is recorded `stale` and, by default
//!    ([`StalePolicy::Skip`]), not applied. Ties are applied. At most one delivery per
//!    resource is processed at a time, the oldest as-of first, so that check cannot race.
//! 4. **Retry, then keep.** A failed handler is retried with exponential backoff and jitter up
//!    to [`InboxConfig::max_attempts`], then the delivery is `dead`. A body this version of the
//!    crate cannot parse is stored as `unreadable` and acknowledged. Both can be replayed
//!    ([`Deliveries::replay`]) once the handler or the crate is fixed.
//!
//! # Processing modes
//!
//! - [`ProcessingMode::Deferred`] (default): store, answer 200 at once, and a background
//!   [worker](Inbox::spawn_worker) processes the delivery.
//! - [`ProcessingMode::Inline`]: store, process in the request, answer with the result (500
//!   when the handler failed; the worker retries it later).
//!
//! Both need a running worker for retries and for deliveries whose process died.
//!
//! # Guarantees
//!
//! - A delivery acknowledged with 2xx is durably stored (with SQLite or PostgreSQL).
//! - Each delivery is processed by one worker at a time: a worker holds a lease
//!   ([`InboxConfig::lease`]); a process that dies mid-handler leaves the delivery to be
//!   claimed again once the lease ends. With PostgreSQL, any number of receiver processes
//!   share the work (claims lock rows with `FOR UPDATE SKIP LOCKED`).
//! - **Effectively once, at least once on a crash.** After the handler succeeds, the delivery
//!   is marked processed. If the process dies between the two, or the handler outlives its
//!   lease, the handler runs again. Make handlers idempotent (e.g. key your own writes on
//!   [`DeliveryContext::id`] or the payment id) to be exactly-once end to end.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use chrono::Utc;
//! use steppay_webhook::inbox::{Dispatch, Inbox, InboxConfig, MemoryStore, ProcessingMode};
//! use steppay_webhook::{sign, AsyncWebhookHandler, Payment, WebhookMeta, WebhookVerifier};
//!
//! struct Shop;
//! impl AsyncWebhookHandler for Shop {
//!     type Error = String;
//!     async fn on_payment_completed(&self, _: WebhookMeta<'_>, p: &Payment) -> Result<(), String> {
//!         println!("payment {} completed", p.payment_id);
//!         Ok(())
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let inbox = Inbox::new(MemoryStore::new(), WebhookVerifier::new("whsec_test"), Dispatch(Shop))
//!     .with_config(InboxConfig::default().mode(ProcessingMode::Inline));
//!
//! let body = br#"{"timestamp":1795046400,"version":"v1","event":"payment.completed","data":{
//!   "paymentId":781204,"idKey":"k","status":"COMPLETE","paymentGateway":"TOSS","paymentMethod":"CARD"}}"#;
//! let header = sign("whsec_test", Utc::now().timestamp(), body);
//! let first = inbox.accept(Some(&header), body, Utc::now()).await;
//! assert_eq!((first.status(), first.reason().as_str()), (200, "processed payment.completed"));
//! let again = inbox.accept(Some(&header), body, Utc::now()).await;
//! assert_eq!((again.status(), again.reason().as_str()), (200, "duplicate of delivery 1"));
//! # }
//! ```

mod memory;
mod record;
mod store;
mod worker;

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::fmt;
use std::future::Future;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
pub use record::{
    fingerprint, is_test, safe_error_text, Classification, Delivery, DeliveryId, DeliveryStatus,
    NewDelivery, UnknownStatus, MAX_ERROR_LEN,
};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use store::{
    ClaimRequest, Claimed, Completion, DeliveryFilter, InboxStore, Inserted, StoreError,
    StoreFuture,
};
pub use worker::WorkerHandle;

use crate::{
    dispatch_async, AsyncWebhookHandler, Resource, SignatureError, Webhook, WebhookVerifier,
};

/// What the inbox does with a delivery older than data already applied to its resource.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum StalePolicy {
    /// Record it `stale` and do not call the handler (default): an older
    /// `subscription.updated` UNPAID must not overwrite a newer ACTIVE.
    #[default]
    Skip,
    /// Call the handler anyway, with [`DeliveryContext::is_stale`] set; the resource's applied
    /// as-of time does not move back. For handlers that do their own ordering.
    Apply,
}

/// When a delivery is processed: in the request, or by a background worker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProcessingMode {
    /// Store, answer 200 at once; the worker processes it (default).
    #[default]
    Deferred,
    /// Store, process in the request, answer with the result.
    Inline,
}

/// How an [`Inbox`] behaves. Every field has a documented default.
///
/// ```
/// use std::time::Duration;
/// use steppay_webhook::inbox::{InboxConfig, ProcessingMode, StalePolicy};
///
/// let config = InboxConfig::default()
///     .mode(ProcessingMode::Inline)
///     .max_attempts(5)
///     .retry_delays(Duration::from_secs(30), Duration::from_secs(3600))
///     .stale_policy(StalePolicy::Skip);
/// assert_eq!(config.max_attempts, 5);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InboxConfig {
    /// Inline or deferred (default deferred).
    pub mode: ProcessingMode,
    /// What to do with stale deliveries (default [`StalePolicy::Skip`]).
    pub stale_policy: StalePolicy,
    /// Attempts before a delivery is dead (default 10).
    pub max_attempts: u32,
    /// The delay before the first retry; each further retry doubles it (default 10 s).
    pub retry_base: Duration,
    /// The longest delay between retries (default 1 hour). With the defaults, a delivery
    /// is retried for about 2.4 hours before it is dead.
    pub retry_max: Duration,
    /// How long a worker may hold a delivery before another may take it over, assuming the
    /// first died (default 5 minutes). Handlers must finish well within it.
    pub lease: Duration,
    /// How often an idle worker looks for due work (default 1 s). Deliveries stored by the
    /// same process wake it at once; this bounds the delay for retries and for deliveries
    /// stored by other processes.
    pub poll_interval: Duration,
    /// How many deliveries one worker processes at a time (default 8).
    pub concurrency: u32,
    /// The HTTP status answered for an authentic body that cannot be parsed (default 200:
    /// it is safely stored as `unreadable`, and a 4xx or 5xx would only make StepPay's
    /// portal show a failure that resending cannot fix).
    pub unreadable_status: u16,
}

impl Default for InboxConfig {
    fn default() -> Self {
        Self {
            mode: ProcessingMode::Deferred,
            stale_policy: StalePolicy::Skip,
            max_attempts: 10,
            retry_base: Duration::from_secs(10),
            retry_max: Duration::from_secs(3600),
            lease: Duration::from_secs(300),
            poll_interval: Duration::from_secs(1),
            concurrency: 8,
            unreadable_status: 200,
        }
    }
}

impl InboxConfig {
    /// Sets [`InboxConfig::mode`].
    pub fn mode(mut self, mode: ProcessingMode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets [`InboxConfig::stale_policy`].
    pub fn stale_policy(mut self, policy: StalePolicy) -> Self {
        self.stale_policy = policy;
        self
    }

    /// Sets [`InboxConfig::max_attempts`] (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets [`InboxConfig::retry_base`] and [`InboxConfig::retry_max`].
    pub fn retry_delays(mut self, base: Duration, max: Duration) -> Self {
        self.retry_base = base;
        self.retry_max = max.max(base);
        self
    }

    /// Sets [`InboxConfig::lease`].
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets [`InboxConfig::poll_interval`].
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// Sets [`InboxConfig::concurrency`] (at least 1).
    pub fn concurrency(mut self, concurrency: u32) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Sets [`InboxConfig::unreadable_status`].
    pub fn unreadable_status(mut self, status: u16) -> Self {
        self.unreadable_status = status;
        self
    }

    /// The delay before retry number `attempt` (the attempt that just failed, from 1):
    /// `retry_base * 2^(attempt - 1)`, at most `retry_max`, then jittered to between half and
    /// all of it so that retries of a burst spread out.
    pub fn retry_delay(&self, attempt: u32, jitter_seed: u64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(31);
        let full = self
            .retry_base
            .saturating_mul(1u32 << exponent)
            .min(self.retry_max);
        let half = full / 2;
        let spread = half.as_micros() as u64;
        let extra = if spread == 0 {
            0
        } else {
            jitter_seed % (spread + 1)
        };
        half + Duration::from_micros(extra)
    }
}

/// What a handler learns about the delivery it processes, beyond the webhook itself.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct DeliveryContext {
    /// The stored delivery's id: a good idempotency key for your own writes.
    pub id: DeliveryId,
    /// Which attempt this is, from 1 (a replay starts again from 1).
    pub attempt: u32,
    /// Whether an operator replayed this delivery (its signature and clock were checked on
    /// arrival, not now).
    pub is_replay: bool,
    /// Whether newer data was already applied to the resource (only with
    /// [`StalePolicy::Apply`]).
    pub is_stale: bool,
    /// What the event is about.
    pub resource: Option<Resource>,
    /// How fresh its data is.
    pub as_of: Option<DateTime<Utc>>,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// The envelope's `isTest` flag.
    pub is_test: Option<bool>,
}

impl DeliveryContext {
    /// Whether this is a retry after a failed (or interrupted) attempt.
    pub fn is_retry(&self) -> bool {
        self.attempt > 1
    }
}

/// The code an [`Inbox`] runs for each delivery.
///
/// Most receivers wrap their [`AsyncWebhookHandler`] in [`Dispatch`]; implement this trait
/// directly to see the [`DeliveryContext`] (attempt number, replay flag).
///
/// ```
/// use steppay_webhook::inbox::{DeliveryContext, InboxHandler};
/// use steppay_webhook::{dispatch_async, AsyncWebhookHandler, Webhook};
///
/// struct Audited<H>(H);
///
/// impl<H: AsyncWebhookHandler + Send + 'static> InboxHandler for Audited<H>
/// where
///     H::Error: std::fmt::Display + Send,
/// {
///     type Error = H::Error;
///
///     async fn handle(&self, context: &DeliveryContext, webhook: &Webhook) -> Result<(), H::Error> {
///         if context.is_replay {
///             println!("replaying delivery {} ({})", context.id, webhook.event_name());
///         }
///         dispatch_async(webhook, &self.0).await.map(|_| ())
///     }
/// }
/// ```
pub trait InboxHandler: Send + Sync + 'static {
    /// The handler's error. Its `Display` text is stored as the delivery's last error,
    /// bounded and with quoted values redacted ([`safe_error_text`]); keep personal data out
    /// of it all the same.
    type Error: fmt::Display + Send;

    /// Processes one delivery. `Err` means "try again later".
    fn handle(
        &self,
        context: &DeliveryContext,
        webhook: &Webhook,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// Runs an [`AsyncWebhookHandler`] as an [`InboxHandler`]: each delivery goes to its
/// method for the event type ([`dispatch_async`]).
#[derive(Clone, Debug, Default)]
pub struct Dispatch<H>(pub H);

impl<H> InboxHandler for Dispatch<H>
where
    H: AsyncWebhookHandler + Send + 'static,
    H::Error: fmt::Display + Send,
{
    type Error = H::Error;

    async fn handle(&self, _context: &DeliveryContext, webhook: &Webhook) -> Result<(), H::Error> {
        dispatch_async(webhook, &self.0).await.map(|_| ())
    }
}

impl<S: InboxStore + ?Sized> InboxStore for Arc<S> {
    fn insert(&self, delivery: NewDelivery) -> StoreFuture<'_, Inserted> {
        (**self).insert(delivery)
    }
    fn claim(&self, request: ClaimRequest) -> StoreFuture<'_, Vec<Claimed>> {
        (**self).claim(request)
    }
    fn finish(
        &self,
        id: DeliveryId,
        token: i64,
        now: DateTime<Utc>,
        completion: Completion,
    ) -> StoreFuture<'_, bool> {
        (**self).finish(id, token, now, completion)
    }
    fn get(&self, id: DeliveryId) -> StoreFuture<'_, Option<Delivery>> {
        (**self).get(id)
    }
    fn list<'a>(&'a self, filter: &'a DeliveryFilter) -> StoreFuture<'a, Vec<Delivery>> {
        (**self).list(filter)
    }
    fn requeue(
        &self,
        id: DeliveryId,
        now: DateTime<Utc>,
        reclassified: Option<Classification>,
    ) -> StoreFuture<'_, Option<DeliveryStatus>> {
        (**self).requeue(id, now, reclassified)
    }
    fn purge_processed(&self, before: DateTime<Utc>) -> StoreFuture<'_, u64> {
        (**self).purge_processed(before)
    }
    fn applied_as_of<'a>(
        &'a self,
        resource: &'a Resource,
    ) -> StoreFuture<'a, Option<DateTime<Utc>>> {
        (**self).applied_as_of(resource)
    }
    fn count_by_status(&self) -> StoreFuture<'_, Vec<(DeliveryStatus, u64)>> {
        (**self).count_by_status()
    }
}

/// Opens the store a URL names: `sqlite:PATH` or `sqlite://PATH` (feature `sqlite`; the file
/// is created if missing), `postgres://...` or `postgresql://...` (feature `postgres`), or
/// `memory:` (nothing kept). Runs the migrations the crate ships.
///
/// # Errors
///
/// [`StoreError::UnsupportedUrl`] for a scheme this build does not support; otherwise
/// connection and migration errors.
pub async fn connect(url: &str) -> Result<Arc<dyn InboxStore>, StoreError> {
    let scheme = url.split(':').next().unwrap_or_default();
    match scheme {
        "memory" => Ok(Arc::new(MemoryStore::new())),
        #[cfg(feature = "sqlite")]
        "sqlite" => {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            Ok(Arc::new(SqliteStore::open(path).await?))
        }
        #[cfg(feature = "postgres")]
        "postgres" | "postgresql" => Ok(Arc::new(PostgresStore::connect(url).await?)),
        other => Err(StoreError::UnsupportedUrl {
            scheme: other.chars().take(32).collect(),
            supported: SUPPORTED_SCHEMES,
        }),
    }
}

const SUPPORTED_SCHEMES: &str = if cfg!(all(feature = "sqlite", feature = "postgres")) {
    "memory, sqlite, postgres"
} else if cfg!(feature = "sqlite") {
    "memory, sqlite"
} else if cfg!(feature = "postgres") {
    "memory, postgres"
} else {
    "memory"
};

/// What became of one request to [`Inbox::accept`], and the HTTP status to answer with.
///
/// | outcome | status | why |
/// |---|---|---|
/// | [`Stored`](InboxOutcome::Stored) | 200 | deferred mode: stored; the worker processes it |
/// | [`Processed`](InboxOutcome::Processed) | 200 | inline mode: the handler succeeded |
/// | [`Stale`](InboxOutcome::Stale) | 200 | inline mode: older than data already applied; recorded, not applied |
/// | [`Queued`](InboxOutcome::Queued) | 200 | inline mode, but another delivery of the same resource goes first: stored; the worker processes it |
/// | [`Duplicate`](InboxOutcome::Duplicate) | 200 | the same delivery was stored before; not processed again |
/// | [`Unreadable`](InboxOutcome::Unreadable) | [`InboxConfig::unreadable_status`] (200) | authentic but unparseable: stored for replay |
/// | [`Failed`](InboxOutcome::Failed) | 500 | inline mode: the handler failed; the worker retries it |
/// | [`StoreFailed`](InboxOutcome::StoreFailed) | 500 | not stored: StepPay should send it again |
/// | [`MissingSignature`](InboxOutcome::MissingSignature) | 400 | no `Steppay-Signature` header |
/// | [`InvalidSignature`](InboxOutcome::InvalidSignature) | 401 | forged, altered or outside the replay window; not stored |
#[derive(Debug)]
#[non_exhaustive]
pub enum InboxOutcome {
    /// Stored; a worker will process it.
    Stored {
        /// The new delivery.
        id: DeliveryId,
        /// Its event name.
        event_name: String,
    },
    /// Stored and processed in the request.
    Processed {
        /// The new delivery.
        id: DeliveryId,
        /// Its event name.
        event_name: String,
    },
    /// Stored and recorded stale in the request.
    Stale {
        /// The new delivery.
        id: DeliveryId,
        /// Its event name.
        event_name: String,
    },
    /// Stored; another delivery of its resource is in flight or goes first.
    Queued {
        /// The new delivery.
        id: DeliveryId,
        /// Its event name.
        event_name: String,
    },
    /// Stored, and the handler failed in the request.
    Failed {
        /// The new delivery.
        id: DeliveryId,
        /// Its event name.
        event_name: String,
        /// The handler's error, bounded and redacted.
        error: String,
        /// When the worker retries it, or `None` when it is dead already.
        retry_at: Option<DateTime<Utc>>,
    },
    /// Already stored: acknowledged, not processed again.
    Duplicate {
        /// The delivery stored first.
        original: DeliveryId,
        /// Its status.
        status: DeliveryStatus,
    },
    /// Authentic but unparseable: stored as `unreadable`.
    Unreadable {
        /// The new delivery.
        id: DeliveryId,
        /// The parse error, bounded and redacted.
        error: String,
        /// The answer configured for it.
        status: u16,
    },
    /// Verified, but the store failed: nothing was stored.
    StoreFailed(StoreError),
    /// No `Steppay-Signature` header, or an empty one.
    MissingSignature,
    /// The signature did not verify.
    InvalidSignature(SignatureError),
}

impl InboxOutcome {
    /// The HTTP status to answer with (see the table on [`InboxOutcome`]).
    pub fn status(&self) -> u16 {
        match self {
            InboxOutcome::Stored { .. }
            | InboxOutcome::Processed { .. }
            | InboxOutcome::Stale { .. }
            | InboxOutcome::Queued { .. }
            | InboxOutcome::Duplicate { .. } => 200,
            InboxOutcome::Unreadable { status, .. } => *status,
            InboxOutcome::Failed { .. } | InboxOutcome::StoreFailed(_) => 500,
            InboxOutcome::MissingSignature => 400,
            InboxOutcome::InvalidSignature(_) => 401,
        }
    }

    /// Whether StepPay is told the delivery succeeded (a 2xx status).
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status())
    }

    /// The stored delivery this outcome is about (the original, for a duplicate).
    pub fn delivery_id(&self) -> Option<DeliveryId> {
        match self {
            InboxOutcome::Stored { id, .. }
            | InboxOutcome::Processed { id, .. }
            | InboxOutcome::Stale { id, .. }
            | InboxOutcome::Queued { id, .. }
            | InboxOutcome::Failed { id, .. }
            | InboxOutcome::Unreadable { id, .. } => Some(*id),
            InboxOutcome::Duplicate { original, .. } => Some(*original),
            InboxOutcome::StoreFailed(_)
            | InboxOutcome::MissingSignature
            | InboxOutcome::InvalidSignature(_) => None,
        }
    }

    /// A short plain-text reason for the response body; never a body value or a handler's
    /// error.
    pub fn reason(&self) -> String {
        match self {
            InboxOutcome::Stored { event_name, .. } => format!("stored {event_name}"),
            InboxOutcome::Processed { event_name, .. } => format!("processed {event_name}"),
            InboxOutcome::Stale { event_name, .. } => {
                format!("stale {event_name}: newer data already applied")
            }
            InboxOutcome::Queued { event_name, .. } => format!("queued {event_name}"),
            InboxOutcome::Failed { event_name, .. } => format!("handler failed for {event_name}"),
            InboxOutcome::Duplicate { original, .. } => format!("duplicate of delivery {original}"),
            InboxOutcome::Unreadable { id, .. } => {
                format!("stored unreadable body as delivery {id}")
            }
            InboxOutcome::StoreFailed(_) => "could not store the delivery".to_owned(),
            InboxOutcome::MissingSignature => {
                format!("missing {} header", crate::SIGNATURE_HEADER)
            }
            InboxOutcome::InvalidSignature(error) => format!("invalid signature: {error}"),
        }
    }
}

impl fmt::Display for InboxOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason())
    }
}

/// The durable inbox: verifies, stores, deduplicates, orders and processes deliveries with
/// `H`, on any [`InboxStore`]. Cheap to clone (all clones share one inbox).
///
/// See the [module documentation](self) for what it guarantees.
pub struct Inbox<H> {
    shared: Arc<Shared<H>>,
}

struct Shared<H> {
    store: Arc<dyn InboxStore>,
    verifier: WebhookVerifier,
    handler: H,
    config: InboxConfig,
    wake: Arc<Notify>,
    counter: AtomicU64,
    random: std::hash::RandomState,
}

impl<H> Clone for Inbox<H> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<H> fmt::Debug for Inbox<H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbox")
            .field("verifier", &self.shared.verifier)
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl<H: InboxHandler> Inbox<H> {
    /// An inbox on `store` that verifies with `verifier` and processes with `handler`, with
    /// the default [`InboxConfig`]. Pass an `Arc<dyn InboxStore>` (from [`connect`]) to choose
    /// the backend at run time.
    pub fn new(store: impl InboxStore, verifier: WebhookVerifier, handler: H) -> Self {
        Self {
            shared: Arc::new(Shared {
                store: Arc::new(store),
                verifier,
                handler,
                config: InboxConfig::default(),
                wake: Arc::new(Notify::new()),
                counter: AtomicU64::new(0),
                random: std::hash::RandomState::new(),
            }),
        }
    }

    /// The same inbox with `config`. Call it before cloning the inbox or starting a worker.
    pub fn with_config(self, config: InboxConfig) -> Self {
        let shared = match Arc::try_unwrap(self.shared) {
            Ok(shared) => shared,
            Err(_) => panic!("Inbox::with_config must be called before the inbox is shared"),
        };
        Self {
            shared: Arc::new(Shared { config, ..shared }),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &InboxConfig {
        &self.shared.config
    }

    /// The handler.
    pub fn handler(&self) -> &H {
        &self.shared.handler
    }

    /// Operations on the stored deliveries (list, show, replay, purge).
    pub fn deliveries(&self) -> Deliveries {
        Deliveries {
            store: Arc::clone(&self.shared.store),
            wake: Some(Arc::clone(&self.shared.wake)),
        }
    }

    /// The entry point for one HTTP request: verifies `body` against `signature_header` (the
    /// `Steppay-Signature` value, if the request had one) at time `now`, stores it, and in
    /// inline mode processes it. Answer StepPay with [`InboxOutcome::status`].
    ///
    /// Nothing is stored unless the signature verifies. Inline processing runs in its own
    /// task: if the request is cancelled (StepPay disconnects), processing still completes.
    pub async fn accept(
        &self,
        signature_header: Option<&str>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> InboxOutcome {
        let header = match signature_header.map(str::trim) {
            None | Some("") => return InboxOutcome::MissingSignature,
            Some(header) => header,
        };
        if let Err(error) = self
            .shared
            .verifier
            .verify_at(header, body, now.timestamp())
        {
            return InboxOutcome::InvalidSignature(error);
        }
        let (class, _) = Classification::of(body, now);
        let new = NewDelivery {
            fingerprint: fingerprint(body),
            event_name: class.event_name.clone(),
            is_test: is_test(body),
            signature_timestamp: header_timestamp(header).unwrap_or_default(),
            received_at: now,
            resource: class.resource.clone(),
            as_of: class.as_of,
            status: if class.error.is_some() {
                DeliveryStatus::Unreadable
            } else {
                DeliveryStatus::Pending
            },
            last_error: class.error.clone(),
            body: body.to_vec(),
        };
        let event_name = class.event_name.clone().unwrap_or_default();
        let resource = display_resource(class.resource.as_ref());
        let id = match self.shared.store.insert(new).await {
            Err(error) => {
                tracing::error!(event = %event_name, %error, "inbox: could not store a verified delivery");
                return InboxOutcome::StoreFailed(error);
            }
            Ok(Inserted::Duplicate { original, status }) => {
                tracing::info!(event = %event_name, delivery = %original, resource = %resource, status = %status, "inbox: duplicate delivery acknowledged, not processed again");
                return InboxOutcome::Duplicate { original, status };
            }
            Ok(Inserted::New(id)) => id,
        };
        if let Some(error) = class.error {
            tracing::warn!(event = %event_name, delivery = %id, %error, "inbox: stored unreadable delivery");
            return InboxOutcome::Unreadable {
                id,
                error,
                status: self.shared.config.unreadable_status,
            };
        }
        tracing::info!(event = %event_name, delivery = %id, resource = %resource, "inbox: stored delivery");
        match self.shared.config.mode {
            ProcessingMode::Deferred => {
                self.shared.wake.notify_one();
                InboxOutcome::Stored { id, event_name }
            }
            ProcessingMode::Inline => self.process_inline(id, event_name).await,
        }
    }

    async fn process_inline(&self, id: DeliveryId, event_name: String) -> InboxOutcome {
        let now = Utc::now();
        let request = self.claim_request(now, 1).only(id);
        let claimed = match self.shared.store.claim(request).await {
            Ok(mut claimed) => claimed.pop(),
            Err(error) => {
                tracing::warn!(event = %event_name, delivery = %id, %error, "inbox: could not claim for inline processing; the worker will");
                None
            }
        };
        let Some(claimed) = claimed else {
            self.shared.wake.notify_one();
            return InboxOutcome::Queued { id, event_name };
        };
        let token = request.token;
        let inbox = self.clone();
        let task = tokio::spawn(async move { inbox.process(claimed, token).await });
        let attempt = match task.await {
            Ok(attempt) => attempt,
            Err(_) => self.after_panic(id, token, 1).await,
        };
        match attempt {
            Attempt::Processed => InboxOutcome::Processed { id, event_name },
            Attempt::Stale => InboxOutcome::Stale { id, event_name },
            Attempt::Retry { error, at } => InboxOutcome::Failed {
                id,
                event_name,
                error,
                retry_at: Some(at),
            },
            Attempt::Dead { error } => InboxOutcome::Failed {
                id,
                event_name,
                error,
                retry_at: None,
            },
            Attempt::Unreadable { error } => InboxOutcome::Unreadable {
                id,
                error,
                status: self.shared.config.unreadable_status,
            },
            // The store failed or the lease was lost: the delivery is stored and will be
            // processed by a worker.
            Attempt::Interrupted => InboxOutcome::Queued { id, event_name },
        }
    }

    /// Claims and processes one batch of due deliveries (up to
    /// [`InboxConfig::concurrency`]), concurrently, and returns how many were processed. The
    /// worker does this in a loop; call it yourself to drive processing from a scheduler or a
    /// test.
    pub async fn process_due(&self) -> Result<usize, StoreError> {
        let now = Utc::now();
        let request = self.claim_request(now, self.shared.config.concurrency);
        let claimed = self.shared.store.claim(request).await?;
        let count = claimed.len();
        let mut tasks = tokio::task::JoinSet::new();
        for claimed in claimed {
            let inbox = self.clone();
            let id = claimed.delivery.id;
            let attempt = claimed.delivery.attempts;
            tasks.spawn(async move {
                let task = tokio::spawn({
                    let inbox = inbox.clone();
                    async move { inbox.process(claimed, request.token).await }
                });
                if task.await.is_err() {
                    inbox.after_panic(id, request.token, attempt).await;
                }
            });
        }
        while tasks.join_next().await.is_some() {}
        Ok(count)
    }

    /// Starts a background worker on the current tokio runtime: it processes due deliveries
    /// until [`WorkerHandle::shutdown`]. Start one per process (more add nothing but
    /// concurrency, which [`InboxConfig::concurrency`] sets).
    pub fn spawn_worker(&self) -> WorkerHandle {
        worker::spawn(self.clone())
    }

    fn claim_request(&self, now: DateTime<Utc>, limit: u32) -> ClaimRequest {
        let lease =
            chrono::Duration::from_std(self.shared.config.lease).unwrap_or(chrono::Duration::MAX);
        let lease_until = now
            .checked_add_signed(lease)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        ClaimRequest::new(now, lease_until, self.random_i64(), limit)
    }

    fn random_i64(&self) -> i64 {
        let n = self.shared.counter.fetch_add(1, Ordering::Relaxed);
        let nanos = Utc::now().timestamp_subsec_nanos();
        self.shared.random.hash_one((n, nanos, std::process::id())) as i64
    }

    /// A handler panicked: count it as a failed attempt.
    async fn after_panic(&self, id: DeliveryId, token: i64, attempt: u32) -> Attempt {
        tracing::error!(delivery = %id, attempt, "inbox: handler panicked");
        self.fail(id, token, attempt, "handler panicked".to_owned(), "", "")
            .await
    }

    /// Processes one claimed delivery: freshness check, handler, and the store update.
    async fn process(&self, claimed: Claimed, token: i64) -> Attempt {
        let config = &self.shared.config;
        let store = &self.shared.store;
        let delivery = claimed.delivery;
        let id = delivery.id;
        let attempt = delivery.attempts;
        let event = delivery.event_name.clone().unwrap_or_default();
        let resource = display_resource(delivery.resource.as_ref());

        let finish = |completion: Completion| async move {
            match store.finish(id, token, Utc::now(), completion).await {
                Ok(true) => true,
                Ok(false) => {
                    tracing::warn!(delivery = %id, "inbox: lease lost before the result was recorded; another worker may process it again");
                    false
                }
                Err(error) => {
                    tracing::error!(delivery = %id, %error, "inbox: could not record the result; the delivery will be processed again after its lease");
                    false
                }
            }
        };

        if attempt > config.max_attempts {
            // Earlier attempts started but never finished: their process died each time.
            let error = format!("gave up after {} interrupted attempts", attempt - 1);
            tracing::error!(event = %event, delivery = %id, resource = %resource, attempt, "inbox: dead delivery: {error}");
            return if finish(Completion::Dead {
                error: error.clone(),
            })
            .await
            {
                Attempt::Dead { error }
            } else {
                Attempt::Interrupted
            };
        }

        let webhook = match crate::parse_webhook(&delivery.body) {
            Ok(webhook) => webhook,
            Err(error) => {
                let error = safe_error_text(&error.to_string());
                tracing::warn!(event = %event, delivery = %id, %error, "inbox: unreadable delivery");
                return if finish(Completion::Unreadable {
                    error: error.clone(),
                })
                .await
                {
                    Attempt::Unreadable { error }
                } else {
                    Attempt::Interrupted
                };
            }
        };

        let is_stale = match (delivery.as_of, claimed.applied_as_of) {
            (Some(as_of), Some(applied)) => as_of < applied,
            _ => false,
        };
        if is_stale && config.stale_policy == StalePolicy::Skip {
            tracing::info!(event = %event, delivery = %id, resource = %resource, attempt, "inbox: stale delivery recorded, not applied (newer data already applied)");
            return if finish(Completion::Stale).await {
                Attempt::Stale
            } else {
                Attempt::Interrupted
            };
        }

        let context = DeliveryContext {
            id,
            attempt,
            is_replay: delivery.replays > 0,
            is_stale,
            resource: delivery.resource.clone(),
            as_of: delivery.as_of,
            received_at: delivery.received_at,
            is_test: delivery.is_test,
        };
        match self.shared.handler.handle(&context, &webhook).await {
            Ok(()) => {
                if is_stale {
                    tracing::info!(event = %event, delivery = %id, resource = %resource, attempt, "inbox: stale delivery applied (StalePolicy::Apply)");
                }
                if finish(Completion::Processed).await {
                    tracing::info!(event = %event, delivery = %id, resource = %resource, attempt, replay = context.is_replay, "inbox: processed delivery");
                    Attempt::Processed
                } else {
                    Attempt::Interrupted
                }
            }
            Err(error) => {
                let error = safe_error_text(&error.to_string());
                self.fail(id, token, attempt, error, &event, &resource)
                    .await
            }
        }
    }

    /// Records a failed attempt: a retry with backoff, or dead after the last attempt.
    async fn fail(
        &self,
        id: DeliveryId,
        token: i64,
        attempt: u32,
        error: String,
        event: &str,
        resource: &str,
    ) -> Attempt {
        let config = &self.shared.config;
        let now = Utc::now();
        let (completion, result) = if attempt >= config.max_attempts {
            tracing::error!(event = %event, delivery = %id, resource = %resource, attempt, %error, "inbox: dead delivery: the handler failed on the last allowed attempt");
            (
                Completion::Dead {
                    error: error.clone(),
                },
                Attempt::Dead { error },
            )
        } else {
            let delay = config.retry_delay(attempt, self.random_i64() as u64);
            let at = now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX);
            tracing::warn!(event = %event, delivery = %id, resource = %resource, attempt, %error, retry_in_ms = delay.as_millis() as u64, "inbox: handler failed; retry scheduled");
            (
                Completion::Retry {
                    at,
                    error: error.clone(),
                },
                Attempt::Retry { error, at },
            )
        };
        match self.shared.store.finish(id, token, now, completion).await {
            Ok(true) => result,
            Ok(false) => Attempt::Interrupted,
            Err(error) => {
                tracing::error!(delivery = %id, %error, "inbox: could not record a failed attempt; the delivery will be processed again after its lease");
                Attempt::Interrupted
            }
        }
    }
}

/// How one attempt ended, for inline answers.
enum Attempt {
    Processed,
    Stale,
    Retry {
        error: String,
        at: DateTime<Utc>,
    },
    Dead {
        error: String,
    },
    Unreadable {
        error: String,
    },
    /// The result could not be recorded (store error or lease lost).
    Interrupted,
}

fn display_resource(resource: Option<&Resource>) -> String {
    resource.map(Resource::to_string).unwrap_or_default()
}

/// The `timestamp` part of a verified `Steppay-Signature` header.
fn header_timestamp(header: &str) -> Option<i64> {
    header.split(',').find_map(|part| {
        let (name, value) = part.split_once('=')?;
        (name.trim() == "timestamp")
            .then(|| value.trim().parse().ok())
            .flatten()
    })
}

/// Which stored deliveries [`Deliveries::replay_all`] replays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplaySelection {
    /// Every dead delivery.
    Dead,
    /// Every unreadable delivery (each is parsed again first).
    Unreadable,
}

/// What [`Deliveries::replay`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Replay {
    /// Pending again: a worker processes it, telling the handler it is a replay.
    Requeued,
    /// An unreadable delivery this version of the crate still cannot parse; left unreadable
    /// with the new error.
    StillUnreadable {
        /// The parse error, bounded and redacted.
        error: String,
    },
    /// It is pending already (waiting or in flight).
    AlreadyPending,
    /// No delivery has this id.
    NotFound,
}

/// What [`Deliveries::replay_all`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplaySummary {
    /// How many were made pending again.
    pub requeued: u64,
    /// How many unreadable ones still cannot be parsed.
    pub still_unreadable: u64,
}

/// Operations on stored deliveries, for people and tools: list, show, replay, purge.
///
/// Get one from [`Inbox::deliveries`] (replays then wake that inbox's worker at once) or
/// build one on a store with [`Deliveries::new`] (a running receiver's worker picks replays
/// up within its poll interval).
#[derive(Clone)]
pub struct Deliveries {
    store: Arc<dyn InboxStore>,
    wake: Option<Arc<Notify>>,
}

impl fmt::Debug for Deliveries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deliveries").finish_non_exhaustive()
    }
}

impl Deliveries {
    /// Operations on `store`.
    pub fn new(store: impl InboxStore) -> Self {
        Self {
            store: Arc::new(store),
            wake: None,
        }
    }

    /// The store.
    pub fn store(&self) -> &dyn InboxStore {
        &*self.store
    }

    /// One delivery, with its body.
    pub async fn get(&self, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        self.store.get(id).await
    }

    /// Deliveries matching `filter`, newest first.
    pub async fn list(&self, filter: &DeliveryFilter) -> Result<Vec<Delivery>, StoreError> {
        self.store.list(filter).await
    }

    /// How many deliveries have each status.
    pub async fn count_by_status(&self) -> Result<Vec<(DeliveryStatus, u64)>, StoreError> {
        self.store.count_by_status().await
    }

    /// The newest as-of time applied to `resource`.
    pub async fn applied_as_of(
        &self,
        resource: &Resource,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.store.applied_as_of(resource).await
    }

    /// Makes one delivery that is not pending (dead, unreadable, processed or stale) pending
    /// again, so that a worker processes it with [`DeliveryContext::is_replay`] set. Its
    /// signature and clock are not checked again: they were on arrival. An unreadable one is
    /// parsed again first, with this version of the crate.
    ///
    /// A replayed delivery still goes through the freshness check: if newer data was applied
    /// to its resource meanwhile, it ends `stale` under [`StalePolicy::Skip`].
    pub async fn replay(&self, id: DeliveryId) -> Result<Replay, StoreError> {
        let Some(delivery) = self.store.get(id).await? else {
            return Ok(Replay::NotFound);
        };
        let reclassified = (delivery.status == DeliveryStatus::Unreadable)
            .then(|| Classification::of(&delivery.body, delivery.received_at).0);
        let event = delivery.event_name.clone().unwrap_or_default();
        let result = match self.store.requeue(id, Utc::now(), reclassified).await? {
            None if delivery.status == DeliveryStatus::Pending => Replay::AlreadyPending,
            None => match self.store.get(id).await? {
                None => Replay::NotFound,
                Some(_) => Replay::AlreadyPending,
            },
            Some(DeliveryStatus::Unreadable) => {
                let error = self
                    .store
                    .get(id)
                    .await?
                    .and_then(|d| d.last_error)
                    .unwrap_or_default();
                tracing::warn!(event = %event, delivery = %id, %error, "inbox: replayed delivery is still unreadable");
                Replay::StillUnreadable { error }
            }
            Some(_) => {
                tracing::info!(event = %event, delivery = %id, from = %delivery.status, "inbox: delivery replayed");
                if let Some(wake) = &self.wake {
                    wake.notify_one();
                }
                Replay::Requeued
            }
        };
        Ok(result)
    }

    /// Replays every dead or every unreadable delivery ([`Deliveries::replay`] each), oldest
    /// as-of time first: a worker may start on the first before the last is requeued, and
    /// this order keeps an older delivery from being found stale behind a newer one of the same
    /// resource that was replayed before it.
    pub async fn replay_all(
        &self,
        selection: ReplaySelection,
    ) -> Result<ReplaySummary, StoreError> {
        let status = match selection {
            ReplaySelection::Dead => DeliveryStatus::Dead,
            ReplaySelection::Unreadable => DeliveryStatus::Unreadable,
        };
        let mut targets = Vec::new();
        let mut filter = DeliveryFilter::new().status(status).limit(500);
        loop {
            let page = self.store.list(&filter).await?;
            let Some(last) = page.last() else { break };
            filter.before = Some(last.id);
            targets.extend(page.into_iter().map(|d| {
                let as_of = match d.status {
                    // The as-of time an unreadable delivery will have once parsed.
                    DeliveryStatus::Unreadable => {
                        Classification::of(&d.body, d.received_at).0.as_of
                    }
                    _ => d.as_of,
                };
                (as_of.unwrap_or(d.received_at), d.id)
            }));
        }
        targets.sort();
        let mut summary = ReplaySummary::default();
        for (_, id) in targets {
            match self.replay(id).await? {
                Replay::Requeued => summary.requeued += 1,
                Replay::StillUnreadable { .. } => summary.still_unreadable += 1,
                Replay::AlreadyPending | Replay::NotFound => {}
            }
        }
        Ok(summary)
    }

    /// Deletes processed and stale deliveries processed more than `older_than` ago; returns
    /// how many. Dead, unreadable and pending ones are never purged.
    ///
    /// A purged delivery's fingerprint is gone: if StepPay sends it again later, it is stored
    /// anew (and, being older than data already applied to its resource, usually recorded
    /// stale). Keep processed deliveries as long as StepPay may resend them (30 days is a
    /// sensible floor).
    pub async fn purge_processed(&self, older_than: Duration) -> Result<u64, StoreError> {
        let age = chrono::Duration::from_std(older_than).unwrap_or(chrono::Duration::MAX);
        let before = Utc::now()
            .checked_sub_signed(age)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let purged = self.store.purge_processed(before).await?;
        tracing::info!(
            purged,
            older_than_s = older_than.as_secs(),
            "inbox: purged processed deliveries"
        );
        Ok(purged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_grow_and_stay_within_bounds() {
        let config =
            InboxConfig::default().retry_delays(Duration::from_secs(10), Duration::from_secs(60));
        for seed in [0, 1, 7, u64::MAX] {
            let first = config.retry_delay(1, seed);
            assert!(first >= Duration::from_secs(5) && first <= Duration::from_secs(10));
            let third = config.retry_delay(3, seed);
            assert!(third >= Duration::from_secs(20) && third <= Duration::from_secs(40));
            let capped = config.retry_delay(30, seed);
            assert!(capped >= Duration::from_secs(30) && capped <= Duration::from_secs(60));
        }
        assert_ne!(config.retry_delay(2, 1), config.retry_delay(2, 9_999_999));
    }

    #[test]
    fn header_timestamp_reads_the_verified_header() {
        assert_eq!(
            header_timestamp("timestamp=1690943620,v0=abc="),
            Some(1690943620)
        );
        assert_eq!(header_timestamp(" key=a , timestamp = 17 "), Some(17));
        assert_eq!(header_timestamp("key=a"), None);
    }
}
