//! [`Deliveries`]: operations on stored deliveries for people and tools (list, show, replay,
//! purge), the same calls for a receiver's code and the `steppay-webhook inbox` command.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use super::record::{Classification, Delivery, DeliveryId, DeliveryStatus};
use super::store::{DeliveryFilter, InboxStore, StoreError};
use crate::Resource;

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
    /// Pending again: a worker processes it, and the handler sees
    /// [`WebhookMeta::is_replay`](crate::WebhookMeta::is_replay).
    Requeued,
    /// Pending again, but this version of the crate still cannot parse it: the worker hands
    /// it to your handler's `on_unreadable` again, and unless that handles it, it ends
    /// `unreadable` again.
    RequeuedUnreadable {
        /// The parse error, bounded and redacted.
        error: String,
    },
    /// It is pending already (waiting or in flight).
    AlreadyPending,
    /// No delivery has this id.
    NotFound,
}

/// What [`Deliveries::replay_all`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplaySummary {
    /// How many were made pending again.
    pub requeued: u64,
    /// How many of those this version of the crate still cannot parse
    /// ([`Replay::RequeuedUnreadable`]).
    pub still_unreadable: u64,
    /// Each delivery made pending again, in the order it was requeued, with what
    /// [`Deliveries::replay`] said of it ([`Replay::Requeued`] or
    /// [`Replay::RequeuedUnreadable`]): what a tool shows an operator.
    pub replayed: Vec<(DeliveryId, Replay)>,
}

/// Operations on stored deliveries, for people and tools: list, show, count, replay, purge.
///
/// Get one from [`Inbox::deliveries`](super::Inbox::deliveries) (replays then wake that
/// inbox's worker at once) or build one on a store with [`Deliveries::new`], as a terminal
/// tool does (a running receiver's worker picks replays up within its poll interval).
///
/// ```
/// use steppay_webhook::inbox::{connect, Deliveries, DeliveryFilter, DeliveryStatus, ReplaySelection};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let deliveries = Deliveries::new(connect("memory:").await?); // or sqlite:PATH, postgres://...
/// for delivery in deliveries.list(&DeliveryFilter::new().status(DeliveryStatus::Dead)).await? {
///     println!("{} {:?} {:?}", delivery.id, delivery.event_name, delivery.last_error);
/// }
/// let summary = deliveries.replay_all(ReplaySelection::Dead).await?;
/// assert_eq!(summary.requeued, 0);
/// # Ok(()) }
/// ```
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
    /// Operations on `store` (an `Arc<dyn InboxStore>` from [`connect`](super::connect), or
    /// any store).
    pub fn new(store: impl InboxStore) -> Self {
        Self {
            store: Arc::new(store),
            wake: None,
        }
    }

    /// Operations on an inbox's store that wake its worker after a replay.
    pub(super) fn of_inbox(store: Arc<dyn InboxStore>, wake: Arc<Notify>) -> Self {
        Self {
            store,
            wake: Some(wake),
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
    /// again, so that a worker processes it with
    /// [`WebhookMeta::is_replay`](crate::WebhookMeta::is_replay) set and its attempts counted
    /// from 1 again. Its signature and clock are not checked again: they were on arrival.
    ///
    /// The body is read again with this version of the crate first, so an unreadable
    /// delivery that an upgrade can now parse gets its event name, resource and as-of time;
    /// one it still cannot parse goes to the handler's `on_unreadable` again
    /// ([`Replay::RequeuedUnreadable`]).
    ///
    /// A replayed delivery still goes through the freshness check: if newer data was applied
    /// to its resource meanwhile, it ends `stale` under
    /// [`StalePolicy::Skip`](super::StalePolicy::Skip).
    pub async fn replay(&self, id: DeliveryId) -> Result<Replay, StoreError> {
        let Some(delivery) = self.store.get(id).await? else {
            return Ok(Replay::NotFound);
        };
        if delivery.status == DeliveryStatus::Pending {
            return Ok(Replay::AlreadyPending);
        }
        let (class, _) = Classification::of(&delivery.body, delivery.received_at);
        let unreadable = class.error.clone();
        let event = class.event_name.clone().unwrap_or_default();
        if self
            .store
            .requeue(id, Utc::now(), Some(class))
            .await?
            .is_none()
        {
            // Replayed or deleted by someone else meanwhile.
            return Ok(match self.store.get(id).await? {
                None => Replay::NotFound,
                Some(_) => Replay::AlreadyPending,
            });
        }
        tracing::info!(
            event_name = event.as_str(),
            delivery = id.0,
            from = delivery.status.as_str(),
            readable = unreadable.is_none(),
            "inbox: delivery {id} replayed"
        );
        if let Some(wake) = &self.wake {
            wake.notify_one();
        }
        Ok(match unreadable {
            None => Replay::Requeued,
            Some(error) => Replay::RequeuedUnreadable { error },
        })
    }

    /// Replays every dead or every unreadable delivery ([`Deliveries::replay`] each), oldest
    /// as-of time first: a worker may start on the first before the last is requeued, and
    /// this order keeps an older delivery from being found stale behind a newer one of the
    /// same resource that was replayed before it.
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
            let replay = self.replay(id).await?;
            match replay {
                Replay::Requeued => summary.requeued += 1,
                Replay::RequeuedUnreadable { .. } => {
                    summary.requeued += 1;
                    summary.still_unreadable += 1;
                }
                Replay::AlreadyPending | Replay::NotFound => continue,
            }
            summary.replayed.push((id, replay));
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
        let purged = self.store.purge_processed(purge_cutoff(older_than)).await?;
        tracing::info!(
            purged,
            older_than_s = older_than.as_secs(),
            "inbox: purged {purged} processed deliveries"
        );
        Ok(purged)
    }

    /// How many deliveries [`Deliveries::purge_processed`] with the same `older_than` would
    /// delete now, deleting none: what a tool shows before an operator confirms a purge.
    ///
    /// It reads every processed and stale delivery, a page at a time, so it suits a command
    /// an operator runs, not a receiver's hot path.
    pub async fn count_purgeable(&self, older_than: Duration) -> Result<u64, StoreError> {
        let before = purge_cutoff(older_than);
        let mut count = 0;
        for status in [DeliveryStatus::Processed, DeliveryStatus::Stale] {
            let mut filter = DeliveryFilter::new().status(status).limit(500);
            loop {
                let page = self.store.list(&filter).await?;
                let Some(last) = page.last() else { break };
                filter.before = Some(last.id);
                count += page
                    .iter()
                    .filter(|d| d.processed_at.is_some_and(|at| at < before))
                    .count() as u64;
            }
        }
        Ok(count)
    }
}

/// The processed time before which [`Deliveries::purge_processed`] deletes deliveries.
fn purge_cutoff(older_than: Duration) -> DateTime<Utc> {
    let age = chrono::Duration::from_std(older_than).unwrap_or(chrono::Duration::MAX);
    Utc::now()
        .checked_sub_signed(age)
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}
