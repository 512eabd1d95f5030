//! The background worker: claims due deliveries and processes them, a few at a time.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::Utc;
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};
use tracing::Instrument as _;

use super::process::Processor;
use super::{DeliveryId, Inbox};

/// A running worker ([`Inbox::spawn_worker`]).
///
/// Dropping the handle leaves the worker running; stop it with [`WorkerHandle::shutdown`]
/// (graceful) or [`WorkerHandle::abort`].
#[derive(Debug)]
pub struct WorkerHandle {
    task: JoinHandle<()>,
    stop: Arc<Notify>,
}

impl WorkerHandle {
    /// Stops claiming new deliveries and waits until those in flight are finished.
    pub async fn shutdown(self) {
        self.stop.notify_one();
        let _ = self.task.await;
    }

    /// Stops at once, abandoning deliveries in flight mid-handler, as a crash would: they stay
    /// leased and are claimed again once their lease ends.
    pub fn abort(self) {
        self.task.abort();
    }

    /// Whether the worker has stopped.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

pub(super) fn spawn(inbox: Inbox, processor: Arc<dyn Processor>) -> WorkerHandle {
    let stop = Arc::new(Notify::new());
    let running = Running::start(Arc::clone(&inbox.shared.workers));
    let task = tokio::spawn(run(inbox, processor, Arc::clone(&stop), running).in_current_span());
    WorkerHandle { task, stop }
}

/// Counts a running worker for as long as it lives (an aborted worker's future is dropped,
/// which ends the count too).
struct Running(Arc<AtomicUsize>);

impl Running {
    fn start(workers: Arc<AtomicUsize>) -> Self {
        workers.fetch_add(1, Ordering::Relaxed);
        Self(workers)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

async fn run(inbox: Inbox, processor: Arc<dyn Processor>, stop: Arc<Notify>, _running: Running) {
    let config = inbox.shared.config.clone();
    let wake = Arc::clone(&inbox.shared.wake);
    // Each delivery runs in a task of this set; aborting the worker drops the set, which
    // aborts them all (what a crash does).
    let mut tasks: JoinSet<()> = JoinSet::new();
    // Which delivery each task processes, to record a panic as a failed attempt.
    let mut running: HashMap<tokio::task::Id, (DeliveryId, i64, u32)> = HashMap::new();
    let mut stopping = false;
    tracing::debug!("inbox: worker started");
    loop {
        while let Some(joined) = tasks.try_join_next_with_id() {
            reap(&inbox, &mut running, joined).await;
        }
        let in_flight = u32::try_from(tasks.len()).unwrap_or(u32::MAX);
        let free = config.concurrency.saturating_sub(in_flight);
        // Claims in batches: each claim is a transaction, so wait until half the slots are
        // free (or all are) rather than claiming one delivery per finished one.
        let refill = free > 0 && (free >= (config.concurrency / 2).max(1) || tasks.is_empty());
        let mut full_batch = false;
        if !stopping && refill {
            let request = inbox.claim_request(Utc::now(), free);
            match inbox.shared.store.claim(request).await {
                Ok(claimed) => {
                    full_batch = u32::try_from(claimed.len()).is_ok_and(|n| n == free);
                    for claimed in claimed {
                        let key = (
                            claimed.delivery.id,
                            request.token,
                            claimed.delivery.attempts,
                        );
                        let processing = processor.process(inbox.clone(), claimed, request.token);
                        let handle = tasks.spawn(
                            async move {
                                processing.await;
                            }
                            .in_current_span(),
                        );
                        running.insert(handle.id(), key);
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "inbox: worker could not claim deliveries");
                }
            }
        }
        if stopping && tasks.is_empty() {
            break;
        }
        if full_batch && u32::try_from(tasks.len()).is_ok_and(|n| n < config.concurrency) {
            continue;
        }
        tokio::select! {
            () = wake.notified(), if !stopping => {}
            () = tokio::time::sleep(config.poll_interval), if !stopping => {}
            () = stop.notified() => stopping = true,
            Some(joined) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                reap(&inbox, &mut running, joined).await;
            }
        }
    }
    tracing::debug!("inbox: worker stopped");
}

async fn reap(
    inbox: &Inbox,
    running: &mut HashMap<tokio::task::Id, (DeliveryId, i64, u32)>,
    joined: Result<(tokio::task::Id, ()), tokio::task::JoinError>,
) {
    match joined {
        Ok((task, ())) => {
            running.remove(&task);
        }
        Err(error) => {
            if let Some((id, token, attempt)) = running.remove(&error.id()) {
                if error.is_panic() {
                    inbox.after_panic(id, token, attempt).await;
                }
            }
        }
    }
}
