//! [`MemoryStore`]: the inbox in process memory, for tests and trying things out.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use super::record::{Classification, Delivery, DeliveryId, DeliveryStatus, NewDelivery};
use super::store::{
    ClaimRequest, Claimed, Completion, DeliveryFilter, InboxStore, Inserted, StoreFuture,
};
use crate::Resource;

/// An [`InboxStore`] in process memory: everything is lost when the process ends, so it
/// keeps none of the inbox's promises across a crash. Use it in tests and to try the inbox
/// out; use `SqliteStore` or `PostgresStore` in production.
///
/// Every operation runs under one lock, so it is trivially atomic.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    next_id: i64,
    deliveries: BTreeMap<DeliveryId, Stored>,
    by_fingerprint: HashMap<String, DeliveryId>,
    resources: HashMap<Resource, ResourceState>,
}

#[derive(Debug)]
struct Stored {
    delivery: Delivery,
    token: Option<i64>,
}

#[derive(Debug, Default)]
struct ResourceState {
    applied_as_of: Option<DateTime<Utc>>,
    locked_until: Option<DateTime<Utc>>,
    token: Option<i64>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent data (every change is made after
        // all checks), so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn ready<T: Send + 'static>(value: T) -> StoreFuture<'static, T> {
    Box::pin(std::future::ready(Ok(value)))
}

impl State {
    fn leased(until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        until.is_some_and(|until| until > now)
    }

    /// Whether `d` is the first pending delivery of its resource by `(as_of, id)`.
    fn is_head(&self, d: &Delivery) -> bool {
        let key = (d.as_of, d.id);
        !self.deliveries.values().any(|other| {
            other.delivery.status == DeliveryStatus::Pending
                && other.delivery.resource == d.resource
                && (other.delivery.as_of, other.delivery.id) < key
        })
    }

    /// Whether `d` can be leased now; `only` (it is the one delivery asked for) lets it be
    /// leased before it is due.
    fn claimable(&self, d: &Delivery, now: DateTime<Utc>, only: bool) -> bool {
        let due = only || d.next_attempt_at.is_none_or(|at| at <= now);
        if d.status != DeliveryStatus::Pending || !due {
            return false;
        }
        match &d.resource {
            None => !Self::leased(d.locked_until, now),
            Some(resource) => {
                let lease = self.resources.get(resource).and_then(|r| r.locked_until);
                !Self::leased(lease, now) && self.is_head(d)
            }
        }
    }
}

impl InboxStore for MemoryStore {
    fn insert(&self, new: NewDelivery) -> StoreFuture<'_, Inserted> {
        let mut state = self.state();
        if let Some(&original) = state.by_fingerprint.get(&new.fingerprint) {
            let stored = state.deliveries.get_mut(&original).map(|s| &mut s.delivery);
            let status = match stored {
                Some(delivery) => {
                    delivery.duplicates += 1;
                    delivery.status
                }
                None => DeliveryStatus::Processed,
            };
            return ready(Inserted::Duplicate { original, status });
        }
        state.next_id += 1;
        let id = DeliveryId(state.next_id);
        if let Some(resource) = &new.resource {
            state.resources.entry(resource.clone()).or_default();
        }
        let next_attempt_at = (new.status == DeliveryStatus::Pending)
            .then(|| new.next_attempt_at.unwrap_or(new.received_at));
        let delivery = Delivery {
            id,
            fingerprint: new.fingerprint.clone(),
            event_name: new.event_name,
            is_test: new.is_test,
            signature_timestamp: new.signature_timestamp,
            received_at: new.received_at,
            resource: new.resource,
            as_of: new.as_of,
            status: new.status,
            attempts: 0,
            next_attempt_at,
            locked_until: None,
            last_error: new.last_error,
            processed_at: None,
            duplicates: 0,
            replays: 0,
            body: new.body,
        };
        state.by_fingerprint.insert(new.fingerprint, id);
        state.deliveries.insert(
            id,
            Stored {
                delivery,
                token: None,
            },
        );
        ready(Inserted::New(id))
    }

    fn claim(&self, request: ClaimRequest) -> StoreFuture<'_, Vec<Claimed>> {
        let mut state = self.state();
        let now = request.now;
        let mut due: Vec<(Option<DateTime<Utc>>, DeliveryId)> = state
            .deliveries
            .values()
            .filter(|s| request.only.is_none_or(|only| only == s.delivery.id))
            .filter(|s| state.claimable(&s.delivery, now, request.only.is_some()))
            .map(|s| (s.delivery.next_attempt_at, s.delivery.id))
            .collect();
        due.sort();
        let mut claimed = Vec::new();
        for (_, id) in due.into_iter().take(request.limit as usize) {
            let Some(resource) = state
                .deliveries
                .get(&id)
                .map(|s| s.delivery.resource.clone())
            else {
                continue;
            };
            let applied_as_of = match &resource {
                Some(resource) => {
                    let r = state.resources.entry(resource.clone()).or_default();
                    r.locked_until = Some(request.lease_until);
                    r.token = Some(request.token);
                    r.applied_as_of
                }
                None => None,
            };
            let Some(stored) = state.deliveries.get_mut(&id) else {
                continue;
            };
            stored.delivery.attempts += 1;
            stored.delivery.locked_until = Some(request.lease_until);
            stored.token = Some(request.token);
            claimed.push(Claimed::new(stored.delivery.clone(), applied_as_of));
        }
        ready(claimed)
    }

    fn finish(
        &self,
        id: DeliveryId,
        token: i64,
        now: DateTime<Utc>,
        completion: Completion,
    ) -> StoreFuture<'_, bool> {
        let mut state = self.state();
        let Some(stored) = state.deliveries.get(&id) else {
            return ready(false);
        };
        if stored.token != Some(token) || stored.delivery.status != DeliveryStatus::Pending {
            return ready(false);
        }
        let resource = stored.delivery.resource.clone();
        let as_of = stored.delivery.as_of;
        if let Some(resource) = &resource {
            let Some(r) = state.resources.get_mut(resource) else {
                return ready(false);
            };
            if r.token != Some(token) {
                return ready(false);
            }
            if completion == Completion::Processed && as_of > r.applied_as_of {
                r.applied_as_of = as_of;
            }
            r.locked_until = None;
            r.token = None;
        }
        let Some(stored) = state.deliveries.get_mut(&id) else {
            return ready(false);
        };
        stored.token = None;
        let d = &mut stored.delivery;
        d.locked_until = None;
        match completion {
            Completion::Processed | Completion::Stale => {
                d.status = if completion == Completion::Processed {
                    DeliveryStatus::Processed
                } else {
                    DeliveryStatus::Stale
                };
                d.processed_at = Some(now);
                d.next_attempt_at = None;
            }
            Completion::Retry { at, error } => {
                d.next_attempt_at = Some(at);
                d.last_error = Some(error);
            }
            Completion::Dead { error } => {
                d.status = DeliveryStatus::Dead;
                d.next_attempt_at = None;
                d.last_error = Some(error);
            }
            Completion::Unreadable { error } => {
                d.status = DeliveryStatus::Unreadable;
                d.next_attempt_at = None;
                d.last_error = Some(error);
            }
        }
        ready(true)
    }

    fn get(&self, id: DeliveryId) -> StoreFuture<'_, Option<Delivery>> {
        let state = self.state();
        ready(state.deliveries.get(&id).map(|s| s.delivery.clone()))
    }

    fn list<'a>(&'a self, filter: &'a DeliveryFilter) -> StoreFuture<'a, Vec<Delivery>> {
        let state = self.state();
        let list = state
            .deliveries
            .values()
            .rev()
            .map(|s| &s.delivery)
            .filter(|d| filter.status.is_none_or(|s| s == d.status))
            .filter(|d| {
                filter
                    .event_name
                    .as_ref()
                    .is_none_or(|e| d.event_name.as_ref() == Some(e))
            })
            .filter(|d| {
                filter
                    .resource
                    .as_ref()
                    .is_none_or(|r| d.resource.as_ref() == Some(r))
            })
            .filter(|d| filter.before.is_none_or(|before| d.id < before))
            .take(filter.effective_limit() as usize)
            .cloned()
            .collect();
        ready(list)
    }

    fn requeue(
        &self,
        id: DeliveryId,
        now: DateTime<Utc>,
        reclassified: Option<Classification>,
    ) -> StoreFuture<'_, Option<DeliveryStatus>> {
        let mut state = self.state();
        let new_resource = reclassified.as_ref().and_then(|c| c.resource.clone());
        let Some(stored) = state.deliveries.get_mut(&id) else {
            return ready(None);
        };
        let d = &mut stored.delivery;
        if d.status == DeliveryStatus::Pending {
            return ready(None);
        }
        d.replays += 1;
        if let Some(class) = reclassified {
            d.event_name = class.event_name;
            d.resource = class.resource;
            d.as_of = class.as_of;
            if class.error.is_some() {
                d.last_error = class.error;
            }
        }
        d.status = DeliveryStatus::Pending;
        d.attempts = 0;
        d.next_attempt_at = Some(now);
        d.locked_until = None;
        d.processed_at = None;
        stored.token = None;
        if let Some(resource) = new_resource {
            state.resources.entry(resource).or_default();
        }
        ready(Some(DeliveryStatus::Pending))
    }

    fn purge_processed(&self, before: DateTime<Utc>) -> StoreFuture<'_, u64> {
        let mut state = self.state();
        let doomed: Vec<(DeliveryId, String)> = state
            .deliveries
            .values()
            .map(|s| &s.delivery)
            .filter(|d| matches!(d.status, DeliveryStatus::Processed | DeliveryStatus::Stale))
            .filter(|d| d.processed_at.is_some_and(|at| at < before))
            .map(|d| (d.id, d.fingerprint.clone()))
            .collect();
        for (id, fingerprint) in &doomed {
            state.deliveries.remove(id);
            state.by_fingerprint.remove(fingerprint);
        }
        ready(doomed.len() as u64)
    }

    fn applied_as_of<'a>(
        &'a self,
        resource: &'a Resource,
    ) -> StoreFuture<'a, Option<DateTime<Utc>>> {
        let state = self.state();
        ready(state.resources.get(resource).and_then(|r| r.applied_as_of))
    }

    fn count_by_status(&self) -> StoreFuture<'_, Vec<(DeliveryStatus, u64)>> {
        let state = self.state();
        let mut counts: BTreeMap<DeliveryStatus, u64> = BTreeMap::new();
        for stored in state.deliveries.values() {
            *counts.entry(stored.delivery.status).or_default() += 1;
        }
        ready(counts.into_iter().collect())
    }
}
