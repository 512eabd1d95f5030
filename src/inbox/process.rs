//! The inbox's two jobs around a handler: receiving (verify, store, answer; in inline mode
//! also process) and processing one claimed delivery (freshness check, the handler, the
//! result recorded under the lease).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tracing::Instrument as _;

use super::record::{fingerprint, safe_error_text, Classification, NewDelivery};
use super::store::{Claimed, Completion, Inserted};
use super::{DeliveryId, DeliveryStatus, Inbox, ProcessingMode, StalePolicy};
use crate::dispatch::{dispatch_async_as, dispatch_unreadable_async, DeliveryFacts, Dispatched};
use crate::receive::{envelope_is_test, verify_and_parse};
use crate::{
    parse_webhook, AsyncWebhookHandler, Error, Outcome, Resource, WebhookMeta, WebhookRejection,
    WebhookVerifier,
};

/// A boxed processing future, `'static` so that it can run in a task of its own.
pub(crate) type Processing = Pin<Box<dyn Future<Output = Attempt> + Send>>;

/// A handler, with its type erased: what the worker and inline processing run. Erasing it
/// lets a [`WebhookReceiver`](crate::WebhookReceiver) keep its own bounds (the handler must
/// be `Send + 'static` only where an inbox is added) and keeps the handler's error type out
/// of the tasks: errors become stored text as soon as the handler returns.
pub(crate) trait Processor: Send + Sync {
    fn process(&self, inbox: Inbox, claimed: Claimed, token: i64) -> Processing;
}

/// The [`Processor`] of an [`AsyncWebhookHandler`].
pub(crate) struct HandlerProcessor<H: ?Sized>(pub(crate) Arc<H>);

impl<H: AsyncWebhookHandler + Send + ?Sized + 'static> Processor for HandlerProcessor<H> {
    fn process(&self, inbox: Inbox, claimed: Claimed, token: i64) -> Processing {
        let handler = Arc::clone(&self.0);
        Box::pin(async move { inbox.process(&*handler, claimed, token).await })
    }
}

/// A receiver's inbox, with the receiver's handler for inline processing.
#[derive(Clone)]
pub(crate) struct InboxLink {
    inbox: Inbox,
    processor: Arc<dyn Processor>,
}

impl InboxLink {
    pub(crate) fn new<H: AsyncWebhookHandler + Send + ?Sized + 'static>(
        inbox: Inbox,
        handler: Arc<H>,
    ) -> Self {
        Self {
            inbox,
            processor: Arc::new(HandlerProcessor(handler)),
        }
    }

    pub(crate) fn inbox(&self) -> &Inbox {
        &self.inbox
    }

    /// Receives into the inbox; `now_unix_seconds: None` reads the system clock.
    pub(crate) async fn receive<E: fmt::Display>(
        &self,
        body: &[u8],
        signature_header: Option<&str>,
        verifier: &WebhookVerifier,
        now_unix_seconds: Option<i64>,
    ) -> Outcome<E> {
        let processor = &self.processor;
        let now = now_unix_seconds;
        self.inbox
            .receive_with(body, signature_header, verifier, processor, now)
            .await
    }
}

/// How long a delivery stored in inline mode waits for its own request to claim it before a
/// worker may: the claim comes right after the insert, so this only matters when the
/// request cannot claim it (another delivery of its resource goes first) or dies.
const INLINE_HOLD: chrono::Duration = chrono::Duration::seconds(1);

/// How one attempt ended.
pub(crate) enum Attempt {
    /// The handler succeeded (a method you wrote, or only a default one).
    Processed(Dispatched),
    /// Older than data already applied; recorded stale, not applied.
    Stale,
    /// The handler failed; tried again at `at`.
    Retry { error: String, at: DateTime<Utc> },
    /// The handler failed on the last allowed attempt (or every attempt was interrupted).
    Dead { error: String },
    /// Still unreadable, and `on_unreadable` did not handle it.
    Unreadable,
    /// The result could not be recorded (store error or lease lost): it stays pending and is
    /// processed again once its lease ends.
    Interrupted,
}

fn display_resource(resource: Option<&Resource>) -> String {
    resource.map(Resource::to_string).unwrap_or_default()
}

/// The `timestamp` part of a verified `Steppay-Signature` header.
pub(super) fn header_timestamp(header: &str) -> Option<i64> {
    header.split(',').find_map(|part| {
        let (name, value) = part.split_once('=')?;
        (name.trim() == "timestamp")
            .then(|| value.trim().parse().ok())
            .flatten()
    })
}

impl Inbox {
    /// Verifies, stores, answers; in inline mode processes with `processor` first.
    /// `now_unix_seconds` is the clock the signature is checked against and the time of
    /// arrival (`None`: the system clock).
    pub(super) async fn receive_with<E: fmt::Display>(
        &self,
        body: &[u8],
        signature_header: Option<&str>,
        verifier: &WebhookVerifier,
        processor: &Arc<dyn Processor>,
        now_unix_seconds: Option<i64>,
    ) -> Outcome<E> {
        let now = now_unix_seconds
            .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
            .unwrap_or_else(Utc::now);
        let verified = verify_and_parse(body, signature_header, verifier, now_unix_seconds);
        let (parse_error, is_test) = match verified {
            Ok(webhook) => (
                Err(Classification::of_webhook(&webhook, now)),
                Some(webhook.is_test()),
            ),
            Err(WebhookRejection::Unreadable(error)) => {
                let is_test = envelope_is_test(&error);
                (Ok(error), is_test)
            }
            Err(rejection) => return Outcome::Rejected(rejection).logged(None),
        };
        let (class, parse_error) = match parse_error {
            Err(class) => (class, None),
            Ok(error) => (Classification::of_error(body, &error), Some(error)),
        };
        let event_name = class.event_name.clone().unwrap_or_default();
        let new = NewDelivery {
            fingerprint: fingerprint(body),
            event_name: class.event_name.clone(),
            is_test: super::record::is_test(body),
            signature_timestamp: signature_header
                .and_then(header_timestamp)
                .unwrap_or_default(),
            received_at: now,
            // Inline: held for this request a moment, so that a worker does not take it
            // first (the claim below asks for it by id).
            next_attempt_at: (self.shared.config.mode == ProcessingMode::Inline)
                .then(|| now + INLINE_HOLD),
            resource: class.resource,
            as_of: class.as_of,
            status: DeliveryStatus::Pending,
            last_error: class.error,
            body: body.to_vec(),
        };
        let delivery = match self.shared.store.insert(new).await {
            Err(error) => {
                let event_name = class.event_name;
                return Outcome::StoreFailed { event_name, error }.logged(is_test);
            }
            Ok(Inserted::Duplicate { original, status }) => {
                let event_name = class.event_name;
                return Outcome::Duplicate {
                    original,
                    status,
                    event_name,
                }
                .logged(is_test);
            }
            Ok(Inserted::New(id)) => id,
        };
        let outcome = match self.shared.config.mode {
            ProcessingMode::Deferred => {
                self.wake_worker();
                self.stored(delivery, event_name, parse_error)
            }
            ProcessingMode::Inline => {
                self.process_inline(delivery, event_name, parse_error, processor)
                    .await
            }
        };
        outcome.logged(is_test)
    }

    /// The outcome of a delivery stored for a worker to process.
    fn stored<E>(
        &self,
        delivery: DeliveryId,
        event_name: String,
        parse_error: Option<Error>,
    ) -> Outcome<E> {
        match parse_error {
            None => Outcome::Stored {
                delivery,
                event_name,
            },
            Some(error) => Outcome::UnreadableStored {
                delivery,
                error,
                acknowledged: self.shared.config.acknowledge_unreadable,
            },
        }
    }

    /// Wakes this process's worker, and says once if there is none.
    fn wake_worker(&self) {
        self.shared.wake.notify_one();
        if self.shared.workers.load(Ordering::Relaxed) == 0
            && !self.shared.warned_no_worker.swap(true, Ordering::Relaxed)
        {
            tracing::warn!(
                "inbox: a delivery was stored for later, but no worker runs in this process \
                 (Inbox::spawn_worker); it waits for a worker in another process"
            );
        }
    }

    async fn process_inline<E>(
        &self,
        delivery: DeliveryId,
        event_name: String,
        parse_error: Option<Error>,
        processor: &Arc<dyn Processor>,
    ) -> Outcome<E> {
        let request = self.claim_request(Utc::now(), 1).only(delivery);
        let claimed = match self.shared.store.claim(request).await {
            Ok(mut claimed) => claimed.pop(),
            Err(error) => {
                tracing::warn!(event_name = event_name.as_str(), delivery = delivery.0, %error, "inbox: could not claim a delivery for inline processing; the worker will process it");
                None
            }
        };
        let Some(claimed) = claimed else {
            // Another delivery of its resource is in flight or goes first.
            self.wake_worker();
            return self.stored(delivery, event_name, parse_error);
        };
        let attempt = claimed.delivery.attempts;
        // Its own task: if the request is cancelled (StepPay disconnects), processing still
        // completes and is recorded.
        let task = tokio::spawn(
            processor
                .process(self.clone(), claimed, request.token)
                .in_current_span(),
        );
        let result = match task.await {
            Ok(result) => result,
            Err(_) => self.after_panic(delivery, request.token, attempt).await,
        };
        match (result, parse_error) {
            (Attempt::Processed(Dispatched::Handled), Some(error)) => {
                Outcome::UnreadableAcknowledged { error }
            }
            (Attempt::Processed(Dispatched::Handled), None) => Outcome::Handled { event_name },
            (Attempt::Processed(_), _) => Outcome::Unhandled { event_name },
            (Attempt::Stale, _) => Outcome::Stale {
                delivery,
                event_name,
            },
            (Attempt::Retry { error, at }, _) => Outcome::RetryScheduled {
                delivery,
                event_name,
                error,
                retry_at: at,
            },
            (Attempt::Dead { error }, _) => Outcome::Dead {
                delivery,
                event_name,
                error,
            },
            (Attempt::Unreadable | Attempt::Interrupted, parse_error) => {
                self.stored(delivery, event_name, parse_error)
            }
        }
    }

    /// A handler panicked: count it as a failed attempt.
    pub(super) async fn after_panic(&self, id: DeliveryId, token: i64, attempt: u32) -> Attempt {
        tracing::error!(delivery = id.0, attempt, "inbox: handler panicked");
        self.fail(id, token, attempt, "handler panicked".to_owned(), "", "")
            .await
    }

    /// Records the end of an attempt under its lease; `false` when that failed.
    async fn finish(&self, id: DeliveryId, token: i64, completion: Completion) -> bool {
        match self
            .shared
            .store
            .finish(id, token, Utc::now(), completion)
            .await
        {
            Ok(true) => true,
            Ok(false) => {
                tracing::warn!(
                    delivery = id.0,
                    "inbox: lease lost before the result was recorded; another worker may process it again"
                );
                false
            }
            Err(error) => {
                tracing::error!(delivery = id.0, %error, "inbox: could not record the result; the delivery will be processed again after its lease");
                false
            }
        }
    }

    /// Processes one claimed delivery: freshness check, the handler, and the store update.
    pub(super) async fn process<H: AsyncWebhookHandler + ?Sized>(
        &self,
        handler: &H,
        claimed: Claimed,
        token: i64,
    ) -> Attempt {
        let config = &self.shared.config;
        let delivery = claimed.delivery;
        let id = delivery.id;
        let attempt = delivery.attempts;
        let event = delivery.event_name.clone().unwrap_or_default();
        let event = event.as_str();
        let resource = display_resource(delivery.resource.as_ref());
        let resource = resource.as_str();
        let replay = delivery.replays > 0;

        if attempt > config.max_attempts {
            // Earlier attempts started but never finished: their process died each time.
            let error = format!("gave up after {} interrupted attempts", attempt - 1);
            tracing::error!(
                event_name = event,
                delivery = id.0,
                resource,
                attempt,
                error = error.as_str(),
                "inbox: dead delivery {id}: every attempt was interrupted"
            );
            return if self
                .finish(
                    id,
                    token,
                    Completion::Dead {
                        error: error.clone(),
                    },
                )
                .await
            {
                Attempt::Dead { error }
            } else {
                Attempt::Interrupted
            };
        }

        let mut facts = DeliveryFacts {
            id: id.0,
            attempt,
            replay,
            stale: false,
        };
        let webhook = match parse_webhook(&delivery.body) {
            Ok(webhook) => webhook,
            Err(error) => {
                // The handler's `on_unreadable` has its say; the error becomes text at once,
                // so that no future holds it.
                let result = dispatch_unreadable_async(&error, handler, Some(facts))
                    .await
                    .map(|result| result.map_err(|e| safe_error_text(&e.to_string())));
                let parse_error = safe_error_text(&error.to_string());
                return match result {
                    Some(Ok(Dispatched::Handled)) => {
                        if self.finish(id, token, Completion::Processed).await {
                            tracing::info!(event_name = event, delivery = id.0, attempt, replay, "inbox: processed unreadable delivery {id}: on_unreadable handled it");
                            Attempt::Processed(Dispatched::Handled)
                        } else {
                            Attempt::Interrupted
                        }
                    }
                    Some(Err(error)) => self.fail(id, token, attempt, error, event, resource).await,
                    Some(Ok(_)) | None => {
                        let completion = Completion::Unreadable {
                            error: parse_error.clone(),
                        };
                        if self.finish(id, token, completion).await {
                            tracing::warn!(
                                event_name = event,
                                delivery = id.0,
                                attempt,
                                replay,
                                error = parse_error.as_str(),
                                "inbox: unreadable delivery {id} kept for replay"
                            );
                            Attempt::Unreadable
                        } else {
                            Attempt::Interrupted
                        }
                    }
                };
            }
        };

        facts.stale = match (delivery.as_of, claimed.applied_as_of) {
            (Some(as_of), Some(applied)) => as_of < applied,
            _ => false,
        };
        if facts.stale && config.stale_policy == StalePolicy::Skip {
            return if self.finish(id, token, Completion::Stale).await {
                tracing::info!(event_name = event, delivery = id.0, resource, attempt, replay, "inbox: stale delivery {id} recorded, not applied: newer data of {resource} was applied");
                Attempt::Stale
            } else {
                Attempt::Interrupted
            };
        }

        let meta = WebhookMeta::of(&webhook).with_delivery(facts);
        let result = dispatch_async_as(&webhook, handler, meta)
            .await
            .map_err(|e| safe_error_text(&e.to_string()));
        match result {
            Ok(dispatched) => {
                if !self.finish(id, token, Completion::Processed).await {
                    return Attempt::Interrupted;
                }
                let handled = dispatched == Dispatched::Handled;
                let stale = facts.stale;
                tracing::info!(
                    event_name = event,
                    delivery = id.0,
                    resource,
                    attempt,
                    replay,
                    stale,
                    handled,
                    "inbox: processed delivery {id}"
                );
                Attempt::Processed(dispatched)
            }
            Err(error) => self.fail(id, token, attempt, error, event, resource).await,
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
            tracing::error!(
                event_name = event,
                delivery = id.0,
                resource,
                attempt,
                error = error.as_str(),
                "inbox: dead delivery {id}: the handler failed on the last allowed attempt"
            );
            (
                Completion::Dead {
                    error: error.clone(),
                },
                Attempt::Dead { error },
            )
        } else {
            let delay = config.retry_delay(attempt, self.random_u64());
            let at = chrono::Duration::from_std(delay)
                .ok()
                .and_then(|delay| now.checked_add_signed(delay))
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
            let retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
            tracing::warn!(
                event_name = event,
                delivery = id.0,
                resource,
                attempt,
                error = error.as_str(),
                retry_in_ms,
                "inbox: handler failed on delivery {id}; retry scheduled"
            );
            (
                Completion::Retry {
                    at,
                    error: error.clone(),
                },
                Attempt::Retry { error, at },
            )
        };
        if self.finish(id, token, completion).await {
            result
        } else {
            Attempt::Interrupted
        }
    }
}

#[cfg(test)]
mod tests {
    use super::header_timestamp;

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
