//! The background worker: claims due deliveries and processes them, a few at a time.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

use super::{DeliveryId, Inbox, InboxHandler};

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

pub(super) fn spawn<H: InboxHandler>(inbox: Inbox<H>) -> WorkerHandle {
    let stop = Arc::new(Notify::new());
    let task = tokio::spawn(run(inbox, Arc::clone(&stop)));
    WorkerHandle { task, stop }
}

async fn run<H: InboxHandler>(inbox: Inbox<H>, stop: Arc<Notify>) {
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
        let free = config.concurrency.saturating_sub(tasks.len() as u32);
        let mut full_batch = false;
        if !stopping && free > 0 {
            let request = inbox.claim_request(Utc::now(), free);
            match inbox.shared.store.claim(request).await {
                Ok(claimed) => {
                    full_batch = claimed.len() as u32 == free;
                    for claimed in claimed {
                        let key = (
                            claimed.delivery.id,
                            request.token,
                            claimed.delivery.attempts,
                        );
                        let inbox = inbox.clone();
                        let handle = tasks.spawn(async move {
                            inbox.process(claimed, request.token).await;
                        });
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
        if full_batch && (tasks.len() as u32) < config.concurrency {
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

async fn reap<H: InboxHandler>(
    inbox: &Inbox<H>,
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
