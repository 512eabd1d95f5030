//! How an [`Inbox`](super::Inbox) behaves: [`InboxConfig`], [`ProcessingMode`],
//! [`StalePolicy`].

use std::time::Duration;

/// What the inbox does with a delivery older than data already applied to its resource.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum StalePolicy {
    /// Record it `stale` and do not call the handler (default): an older
    /// `subscription.updated` UNPAID must not overwrite a newer ACTIVE.
    #[default]
    Skip,
    /// Call the handler anyway, with [`WebhookMeta::is_stale`](crate::WebhookMeta::is_stale)
    /// set; the resource's applied as-of time does not move back. For handlers that do their
    /// own ordering.
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

/// How an [`Inbox`](super::Inbox) behaves. Every field has a documented default.
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
    /// How many deliveries one worker processes at a time (default 32). It claims them in
    /// batches of at least half this many, one transaction per batch, so this also bounds
    /// how many deliveries per second a worker records: with a handler that takes no time,
    /// 8 processed 785 deliveries/s on SQLite and 305/s on PostgreSQL where 32 processed
    /// 1,786/s and 1,113/s (`BENCHMARKS.md`). Lower it if your handler must not run that
    /// often at once.
    pub concurrency: u32,
    /// Whether an authentic body the crate cannot read is acknowledged once stored (default
    /// `true`: 200). It is kept as `unreadable` and can be replayed after an upgrade; a 400
    /// (`false`, the answer without an inbox) would only make StepPay's portal show a failure
    /// that resending cannot fix. Your handler's `on_unreadable` still sees it first: when
    /// it handles it (returns `Ok` from a method you wrote), the delivery is processed.
    pub acknowledge_unreadable: bool,
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
            concurrency: 32,
            acknowledge_unreadable: true,
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

    /// Sets [`InboxConfig::acknowledge_unreadable`].
    pub fn acknowledge_unreadable(mut self, acknowledge: bool) -> Self {
        self.acknowledge_unreadable = acknowledge;
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
        let spread = u64::try_from(half.as_micros()).unwrap_or(u64::MAX);
        let extra = if spread == 0 {
            0
        } else {
            jitter_seed % (spread + 1)
        };
        half + Duration::from_micros(extra)
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
}
