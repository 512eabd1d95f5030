//! The durable inbox (feature `inbox`): never lose a delivery, never apply one twice.
//!
//! StepPay sends no event id, may send an event more than once (a resend from its portal),
//! does not guarantee order, and documents no automatic retries. A receiver that answers 200
//! and then fails, crashes, or meets a body it cannot read has lost that event. The inbox
//! closes those gaps:
//!
//! 1. **Store first.** A [`WebhookReceiver`] given an inbox
//!    ([`WebhookReceiver::with_inbox`]) verifies the signature, then writes a [`Delivery`]
//!    record (the raw body byte for byte, the signature timestamp, when it arrived, the event
//!    name, `isTest`, the [`fingerprint`], the [`Resource`] and its as-of time) before any
//!    handler runs. Unverified requests are never stored.
//! 2. **Deduplicate.** The fingerprint (event name + exact `data` bytes) is unique: a
//!    duplicate is acknowledged (200), counted on the original, logged, and never processed
//!    again.
//! 3. **Apply only the newest.** Per resource (`Subscription 90210`), the inbox remembers the
//!    newest as-of time applied; an older delivery is recorded `stale` and, by default
//!    ([`StalePolicy::Skip`]), not applied. Ties are applied. At most one delivery per
//!    resource is processed at a time, the oldest as-of first, so that check cannot race.
//! 4. **Retry, then keep.** A failed handler is retried with exponential backoff and jitter up
//!    to [`InboxConfig::max_attempts`], then the delivery is `dead`. A body this version of the
//!    crate cannot parse goes to your handler's `on_unreadable`; unless that handles it, it
//!    is kept as `unreadable`. Both can be replayed ([`Deliveries::replay`]) once the handler
//!    or the crate is fixed.
//!
//! Your handler is the crate's ordinary [`AsyncWebhookHandler`], with or without an inbox;
//! [`WebhookMeta`](crate::WebhookMeta) tells it the attempt number
//! ([`attempt`](crate::WebhookMeta::attempt), [`is_retry`](crate::WebhookMeta::is_retry)),
//! whether an operator replayed the delivery ([`is_replay`](crate::WebhookMeta::is_replay)),
//! the delivery id ([`delivery_id`](crate::WebhookMeta::delivery_id)) and, under
//! [`StalePolicy::Apply`], whether it is stale ([`is_stale`](crate::WebhookMeta::is_stale)).
//!
//! # Processing modes
//!
//! - [`ProcessingMode::Deferred`] (default): store, answer 200 at once
//!   ([`Outcome::Stored`]), and a background
//!   [worker](Inbox::spawn_worker) processes the delivery.
//! - [`ProcessingMode::Inline`]: store, process in the request, answer with the result (500
//!   when the handler failed: [`Outcome::RetryScheduled`];
//!   the worker retries it).
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
//!   lease, the handler runs again (with [`WebhookMeta::is_retry`](crate::WebhookMeta::is_retry)
//!   set). Make handlers idempotent (key your own writes on
//!   [`WebhookMeta::delivery_id`](crate::WebhookMeta::delivery_id) or the payment id) to be
//!   exactly-once end to end.
//!
//! # Logging
//!
//! Besides the one event per request of [`receive`](crate::receive) (target
//! `steppay_webhook::receive`, with `outcome` `stored`, `duplicate`, `stale`,
//! `unreadable_stored`, `retry_scheduled`, `dead` or `store_failed` and the `delivery` id),
//! the inbox logs each step of processing under the target `steppay_webhook::inbox`:
//! processed (`info`), stale (`info`), retry scheduled (`warn`), unreadable kept (`warn`),
//! dead (`error`), replayed (`info`), with `event_name`, `delivery`, `resource`, `attempt`
//! and `replay`; never a body, a key or a signature.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use steppay_webhook::inbox::{Inbox, InboxConfig, MemoryStore, ProcessingMode};
//! use steppay_webhook::{sign, AsyncWebhookHandler, Payment, WebhookMeta, WebhookReceiver, WebhookVerifier};
//!
//! struct Shop;
//! impl AsyncWebhookHandler for Shop {
//!     type Error = String;
//!     async fn on_payment_completed(&self, meta: WebhookMeta<'_>, p: &Payment) -> Result<(), String> {
//!         println!("payment {} completed (attempt {})", p.payment_id, meta.attempt());
//!         Ok(())
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let shop = Arc::new(Shop);
//! let inbox = Inbox::new(MemoryStore::new()).with_config(InboxConfig::default().mode(ProcessingMode::Inline));
//! let worker = inbox.spawn_worker(shop.clone()); // retries, and takes over from crashed attempts
//! let receiver = WebhookReceiver::new(WebhookVerifier::new("whsec_test"), shop).with_inbox(inbox);
//!
//! let body = br#"{"timestamp":1795046400,"version":"v1","event":"payment.completed","data":{
//!   "paymentId":781204,"idKey":"k","status":"COMPLETE","paymentGateway":"TOSS","paymentMethod":"CARD"}}"#;
//! let header = sign("whsec_test", chrono::Utc::now().timestamp(), body);
//! let first = receiver.receive_async(body, Some(&header)).await;
//! assert_eq!((first.status(), first.reason().as_str()), (200, "handled payment.completed"));
//! let again = receiver.receive_async(body, Some(&header)).await;
//! assert_eq!((again.status(), again.reason().as_str()), (200, "duplicate of delivery 1"));
//! worker.shutdown().await;
//! # }
//! ```

mod config;
mod memory;
mod operations;
mod process;
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
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tracing::Instrument as _;

pub use config::{InboxConfig, ProcessingMode, StalePolicy};
pub use memory::MemoryStore;
pub use operations::{Deliveries, Replay, ReplaySelection, ReplaySummary};
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
pub(crate) use process::InboxLink;
pub use record::{
    fingerprint, is_test, safe_error_text, Classification, Delivery, DeliveryId, DeliveryStatus,
    NewDelivery, UnknownStatus, MAX_ERROR_LEN,
};
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteDurability, SqliteStore};
pub use store::{
    ClaimRequest, Claimed, Completion, DeliveryFilter, InboxStore, Inserted, StoreError,
    StoreFuture,
};
pub use worker::WorkerHandle;

#[cfg(doc)]
use crate::WebhookReceiver;
use crate::{AsyncWebhookHandler, Outcome, Resource, WebhookVerifier};
use process::{HandlerProcessor, Processor};

/// The durable inbox: a store and how to use it ([`InboxConfig`]). Give it to a
/// [`WebhookReceiver`] ([`WebhookReceiver::with_inbox`]) so that the ready receivers store
/// every verified delivery before any handler runs, and start its worker
/// ([`Inbox::spawn_worker`]) to process them. Cheap to clone: clones share the store and wake
/// the same workers.
///
/// See the [module documentation](self) for what it guarantees.
#[derive(Clone)]
pub struct Inbox {
    shared: Arc<Shared>,
}

struct Shared {
    store: Arc<dyn InboxStore>,
    config: InboxConfig,
    /// Wakes this process's workers: a delivery was stored or replayed.
    wake: Arc<Notify>,
    /// How many workers of this inbox run in this process.
    workers: Arc<AtomicUsize>,
    warned_no_worker: Arc<AtomicBool>,
    counter: AtomicU64,
    random: std::hash::RandomState,
}

impl fmt::Debug for Inbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbox")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl Inbox {
    /// An inbox on `store` with the default [`InboxConfig`]. Pass an `Arc<dyn InboxStore>`
    /// (from [`connect`]) to choose the backend at run time.
    pub fn new(store: impl InboxStore) -> Self {
        Self {
            shared: Arc::new(Shared {
                store: Arc::new(store),
                config: InboxConfig::default(),
                wake: Arc::new(Notify::new()),
                workers: Arc::new(AtomicUsize::new(0)),
                warned_no_worker: Arc::new(AtomicBool::new(false)),
                counter: AtomicU64::new(0),
                random: std::hash::RandomState::new(),
            }),
        }
    }

    /// The same inbox with `config` (it shares the store and the workers' wake-ups with
    /// `self`; a worker keeps the configuration it was started with).
    pub fn with_config(self, config: InboxConfig) -> Self {
        let shared = &self.shared;
        Self {
            shared: Arc::new(Shared {
                store: Arc::clone(&shared.store),
                config,
                wake: Arc::clone(&shared.wake),
                workers: Arc::clone(&shared.workers),
                warned_no_worker: Arc::clone(&shared.warned_no_worker),
                counter: AtomicU64::new(0),
                random: std::hash::RandomState::new(),
            }),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &InboxConfig {
        &self.shared.config
    }

    /// Operations on the stored deliveries (list, show, replay, purge); replays wake this
    /// inbox's worker at once.
    pub fn deliveries(&self) -> Deliveries {
        Deliveries::of_inbox(
            Arc::clone(&self.shared.store),
            Arc::clone(&self.shared.wake),
        )
    }

    /// Starts a background worker on the current tokio runtime that processes due
    /// deliveries with `handler` (the receiver's handler, typically an `Arc` of it), until
    /// [`WorkerHandle::shutdown`]: deliveries stored in deferred mode, retries, and
    /// deliveries whose process died mid-handler once their lease ends. Start one per
    /// process; [`InboxConfig::concurrency`] sets how many deliveries it processes at once.
    ///
    /// The worker inherits the current `tracing` span.
    pub fn spawn_worker<H>(&self, handler: H) -> WorkerHandle
    where
        H: AsyncWebhookHandler + Send + 'static,
    {
        worker::spawn(self.clone(), Arc::new(HandlerProcessor(Arc::new(handler))))
    }

    /// Claims and processes one batch of due deliveries (up to
    /// [`InboxConfig::concurrency`]) with `handler`, concurrently, and returns how many were
    /// processed. The worker does this in a loop; call it yourself to drive processing from a
    /// scheduler or a test.
    pub async fn process_due<H>(&self, handler: &H) -> Result<usize, StoreError>
    where
        H: AsyncWebhookHandler + Clone + Send + 'static,
    {
        let processor: Arc<dyn Processor> = Arc::new(HandlerProcessor(Arc::new(handler.clone())));
        let now = Utc::now();
        let request = self.claim_request(now, self.shared.config.concurrency);
        let claimed = self.shared.store.claim(request).await?;
        let count = claimed.len();
        let mut tasks = tokio::task::JoinSet::new();
        for claimed in claimed {
            let (id, attempt) = (claimed.delivery.id, claimed.delivery.attempts);
            let processing = processor.process(self.clone(), claimed, request.token);
            let inbox = self.clone();
            tasks.spawn(
                async move {
                    // A task of its own, so that a panicking handler is recorded as a
                    // failed attempt.
                    if tokio::spawn(processing.in_current_span()).await.is_err() {
                        inbox.after_panic(id, request.token, attempt).await;
                    }
                }
                .in_current_span(),
            );
        }
        while tasks.join_next().await.is_some() {}
        Ok(count)
    }

    /// Receives one delivery into the inbox without a [`WebhookReceiver`]: verifies `body`
    /// against `signature_header` (the `Steppay-Signature` value, if the request had one),
    /// stores it, and in inline mode processes it with `handler`; logs and returns the
    /// [`Outcome`] to answer with. The inbox variant of [`receive_async`](crate::receive_async).
    ///
    /// Nothing is stored unless the signature verifies. Inline processing runs in a task of
    /// its own: if the request is cancelled (StepPay disconnects), processing still completes.
    pub async fn receive<H>(
        &self,
        body: &[u8],
        signature_header: Option<&str>,
        verifier: &WebhookVerifier,
        handler: &H,
    ) -> Outcome<H::Error>
    where
        H: AsyncWebhookHandler + Clone + Send + 'static,
    {
        let processor: Arc<dyn Processor> = Arc::new(HandlerProcessor(Arc::new(handler.clone())));
        self.receive_with(body, signature_header, verifier, &processor, None)
            .await
    }

    fn claim_request(&self, now: DateTime<Utc>, limit: u32) -> ClaimRequest {
        let lease =
            chrono::Duration::from_std(self.shared.config.lease).unwrap_or(chrono::Duration::MAX);
        let lease_until = now
            .checked_add_signed(lease)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        ClaimRequest::new(now, lease_until, self.random_i64(), limit)
    }

    fn random_u64(&self) -> u64 {
        let n = self.shared.counter.fetch_add(1, Ordering::Relaxed);
        let nanos = Utc::now().timestamp_subsec_nanos();
        self.shared.random.hash_one((n, nanos, std::process::id()))
    }

    /// A random lease token.
    fn random_i64(&self) -> i64 {
        i64::from_ne_bytes(self.random_u64().to_ne_bytes())
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
    open_url(url, false).await
}

/// Opens the inbox a URL names, as [`connect`] does, but only one that is already there: a
/// SQLite file that does not exist, or a database without the inbox's tables, is
/// [`StoreError::NoInbox`] and nothing is created (a mistyped path or the wrong database in an
/// operator's command stays untouched). An inbox made by an older version of the crate is
/// still upgraded, as a receiver of this version would upgrade it. `memory:` has nothing to
/// open and is `NoInbox` too.
///
/// ```no_run
/// use steppay_webhook::inbox::{connect_existing, Deliveries, StoreError};
///
/// # async fn run() -> Result<(), StoreError> {
/// match connect_existing("sqlite:steppay-inbox.sqlite").await {
///     Ok(store) => {
///         for (status, count) in Deliveries::new(store).count_by_status().await? {
///             println!("{status}: {count}");
///         }
///     }
///     Err(StoreError::NoInbox { what }) => println!("no inbox yet: {what}"),
///     Err(error) => return Err(error),
/// }
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// [`StoreError::NoInbox`] as above, [`StoreError::UnsupportedUrl`], and connection and
/// migration errors.
pub async fn connect_existing(url: &str) -> Result<Arc<dyn InboxStore>, StoreError> {
    open_url(url, true).await
}

/// [`connect`] (`existing` false) or [`connect_existing`].
async fn open_url(url: &str, existing: bool) -> Result<Arc<dyn InboxStore>, StoreError> {
    let scheme = url.split(':').next().unwrap_or_default();
    match scheme {
        "memory" if existing => Err(StoreError::NoInbox {
            what: "a memory: inbox lives in one process",
        }),
        "memory" => Ok(Arc::new(MemoryStore::new())),
        #[cfg(feature = "sqlite")]
        "sqlite" => {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            let store = if existing {
                SqliteStore::open_existing(path).await?
            } else {
                SqliteStore::open(path).await?
            };
            Ok(Arc::new(store))
        }
        #[cfg(feature = "postgres")]
        "postgres" | "postgresql" => {
            let store = if existing {
                PostgresStore::connect_existing(url).await?
            } else {
                PostgresStore::connect(url).await?
            };
            Ok(Arc::new(store))
        }
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
