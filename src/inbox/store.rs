//! [`InboxStore`]: what a storage backend provides, and the values it exchanges.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};

use super::record::{Classification, Delivery, DeliveryId, DeliveryStatus, NewDelivery};
use crate::Resource;

/// The future every [`InboxStore`] method returns: boxed, so that the trait stays
/// object-safe and an [`Inbox`](super::Inbox) can hold any backend chosen at run time
/// (`Arc<dyn InboxStore>`). One allocation per call is nothing beside a database round trip.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A storage backend failed.
///
/// Its message names the operation and the driver's error; it never holds a body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database failed (connection, query, constraint).
    #[error("inbox store: {operation}: {source}")]
    Database {
        /// What the store was doing (`"insert"`, `"claim"`, ...).
        operation: &'static str,
        /// The driver's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The schema could not be created or upgraded.
    #[error("inbox store: migrations: {0}")]
    Migration(Box<dyn std::error::Error + Send + Sync>),
    /// A stored value could not be read back (e.g. an unknown status written by a newer
    /// version).
    #[error("inbox store: corrupt row {id}: {reason}")]
    Corrupt {
        /// The delivery's id.
        id: DeliveryId,
        /// What was wrong.
        reason: String,
    },
    /// [`connect_existing`](super::connect_existing) found no inbox to open: the SQLite file
    /// does not exist, or the database has no inbox tables. Nothing was created.
    #[error("inbox store: no inbox there ({what}); a receiver's store creates it when it opens")]
    NoInbox {
        /// Why: `"no such file"`, `"no inbox tables"`, or, for `memory:`, that such an inbox
        /// lives in one process.
        what: &'static str,
    },
    /// The database URL names no backend this build has (see [`connect`](super::connect)).
    #[error("inbox store: unsupported database URL scheme {scheme:?} (this build supports: {supported})")]
    UnsupportedUrl {
        /// The URL's scheme.
        scheme: String,
        /// The schemes this build supports.
        supported: &'static str,
    },
}

impl StoreError {
    /// A database error during `operation`.
    pub fn database(
        operation: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        StoreError::Database {
            operation,
            source: source.into(),
        }
    }
}

/// What [`InboxStore::insert`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Inserted {
    /// Stored as a new delivery.
    New(DeliveryId),
    /// A delivery with the same fingerprint was already stored: nothing new was stored, and the
    /// original's duplicate count went up.
    Duplicate {
        /// The delivery stored first.
        original: DeliveryId,
        /// Its status now.
        status: DeliveryStatus,
    },
}

/// A request for due deliveries ([`InboxStore::claim`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClaimRequest {
    /// The current time: deliveries due at or before it, leases ended at or before it.
    pub now: DateTime<Utc>,
    /// The end of the lease given to what is claimed.
    pub lease_until: DateTime<Utc>,
    /// The token that proves the lease when finishing.
    pub token: i64,
    /// At most this many deliveries.
    pub limit: u32,
    /// Only this delivery (inline processing of a delivery just stored), even if it is not
    /// due yet ([`NewDelivery::next_attempt_at`](super::NewDelivery::next_attempt_at)).
    pub only: Option<DeliveryId>,
}

impl ClaimRequest {
    /// A request for up to `limit` deliveries.
    pub fn new(now: DateTime<Utc>, lease_until: DateTime<Utc>, token: i64, limit: u32) -> Self {
        Self {
            now,
            lease_until,
            token,
            limit,
            only: None,
        }
    }

    /// The same request, for `id` only.
    pub fn only(mut self, id: DeliveryId) -> Self {
        self.only = Some(id);
        self.limit = 1;
        self
    }
}

/// A delivery leased to one worker ([`InboxStore::claim`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Claimed {
    /// The delivery, with `attempts` already counting this attempt and `locked_until` set.
    pub delivery: Delivery,
    /// The newest as-of time applied to its resource so far, read under the lease.
    pub applied_as_of: Option<DateTime<Utc>>,
}

impl Claimed {
    /// A claimed delivery.
    pub fn new(delivery: Delivery, applied_as_of: Option<DateTime<Utc>>) -> Self {
        Self {
            delivery,
            applied_as_of,
        }
    }
}

/// How an attempt ended ([`InboxStore::finish`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Completion {
    /// The handler succeeded: mark it processed and, in the same transaction, raise its
    /// resource's applied as-of time to the delivery's (never lower it).
    Processed,
    /// Not applied because older data than already applied: mark it stale.
    Stale,
    /// The handler failed: pending again, due at `at`.
    Retry {
        /// When to try again.
        at: DateTime<Utc>,
        /// The failure, bounded and redacted.
        error: String,
    },
    /// The handler failed on the last allowed attempt.
    Dead {
        /// The failure, bounded and redacted.
        error: String,
    },
    /// This version of the crate cannot parse the body.
    Unreadable {
        /// The parse error, bounded and redacted.
        error: String,
    },
}

/// Which deliveries [`InboxStore::list`] returns, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryFilter {
    /// Only this status.
    pub status: Option<DeliveryStatus>,
    /// Only this event name.
    pub event_name: Option<String>,
    /// Only this resource.
    pub resource: Option<Resource>,
    /// Only ids below this one (paging, newest first).
    pub before: Option<DeliveryId>,
    /// At most this many (default 100).
    pub limit: Option<u32>,
}

impl DeliveryFilter {
    /// Every delivery (up to the default limit of 100).
    pub fn new() -> Self {
        Self::default()
    }

    /// Only deliveries with `status`.
    pub fn status(mut self, status: DeliveryStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only deliveries of event type `event_name` (wire name).
    pub fn event_name(mut self, event_name: impl Into<String>) -> Self {
        self.event_name = Some(event_name.into());
        self
    }

    /// Only deliveries about `resource`.
    pub fn resource(mut self, resource: Resource) -> Self {
        self.resource = Some(resource);
        self
    }

    /// Only deliveries with an id below `id`.
    pub fn before(mut self, id: DeliveryId) -> Self {
        self.before = Some(id);
        self
    }

    /// At most `limit` deliveries.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// The limit in force.
    pub fn effective_limit(&self) -> u32 {
        self.limit.unwrap_or(100)
    }
}

/// Storage for the durable inbox. The crate provides [`MemoryStore`](super::MemoryStore),
/// `SqliteStore` (feature `sqlite`) and `PostgresStore` (feature `postgres`).
///
/// The trait is object-safe (methods return a boxed [`StoreFuture`]) so that an
/// [`Inbox`](super::Inbox) holds `Arc<dyn InboxStore>` and the backend can be chosen from
/// configuration at run time.
///
/// # The contract an implementation must keep
///
/// - **One row per fingerprint.** `insert` stores a delivery unless one with the same
///   fingerprint exists; then it counts a duplicate on the original and stores nothing.
/// - **At most one delivery per resource in flight, the oldest first.** `claim` leases only the
///   *head* of each resource's queue: the pending delivery with the smallest `(as_of, id)` of
///   its resource, and only when no lease on that resource is running. Deliveries without a
///   resource are leased one by one. Only due deliveries (`next_attempt_at <= now`) are
///   leased, except the one a request names ([`ClaimRequest::only`]); a lease that ended
///   (`locked_until <= now`) counts as no lease: its holder died.
///   Claiming is atomic: two concurrent claims never lease the same resource or delivery.
/// - **Fenced finishing.** `finish` applies only while the lease's token still holds the
///   delivery (and its resource); otherwise it changes nothing and returns `false`.
///   Marking processed and raising the resource's applied as-of time happen in one
///   transaction.
pub trait InboxStore: Send + Sync + 'static {
    /// Stores a new delivery, or counts a duplicate (see the contract above).
    fn insert(&self, delivery: NewDelivery) -> StoreFuture<'_, Inserted>;

    /// Leases due deliveries (see the contract above): each gets `attempts + 1`,
    /// `locked_until = request.lease_until` and the request's token.
    fn claim(&self, request: ClaimRequest) -> StoreFuture<'_, Vec<Claimed>>;

    /// Ends the attempt that holds the lease `token` on delivery `id` and releases the lease.
    /// Returns `false` (and changes nothing) when that lease no longer holds it.
    fn finish(
        &self,
        id: DeliveryId,
        token: i64,
        now: DateTime<Utc>,
        completion: Completion,
    ) -> StoreFuture<'_, bool>;

    /// One delivery, with its body.
    fn get(&self, id: DeliveryId) -> StoreFuture<'_, Option<Delivery>>;

    /// Deliveries matching `filter`, newest (highest id) first, with their bodies.
    fn list<'a>(&'a self, filter: &'a DeliveryFilter) -> StoreFuture<'a, Vec<Delivery>>;

    /// Makes a delivery that is not pending pending again, due at `now`, with `attempts`
    /// reset to 0 and `replays` counted. With `reclassified`, also replaces the fields that
    /// depend on the parser (event name, resource, as-of) and, when it carries a parse error,
    /// records it as the last error. Returns the delivery's status afterwards
    /// ([`DeliveryStatus::Pending`]), or `None` when no such delivery exists or it is pending
    /// already.
    fn requeue(
        &self,
        id: DeliveryId,
        now: DateTime<Utc>,
        reclassified: Option<Classification>,
    ) -> StoreFuture<'_, Option<DeliveryStatus>>;

    /// Deletes processed and stale deliveries processed before `before`; returns how many.
    /// Resources keep their applied as-of time.
    fn purge_processed(&self, before: DateTime<Utc>) -> StoreFuture<'_, u64>;

    /// The newest as-of time applied to `resource`, if any.
    fn applied_as_of<'a>(
        &'a self,
        resource: &'a Resource,
    ) -> StoreFuture<'a, Option<DateTime<Utc>>>;

    /// How many deliveries have each status (statuses with none are left out).
    fn count_by_status(&self) -> StoreFuture<'_, Vec<(DeliveryStatus, u64)>>;
}
