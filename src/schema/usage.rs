//! [`Usage`] (event `subscription.usage.added`).

use serde::{Deserialize, Serialize};

use super::Actor;
use crate::serde_util;
use crate::DateTime;

/// Usage recorded on a usage-based subscription item.
///
/// # Required fields
///
/// `id`, `subscription_item_id` and `accumulated_record`: which usage, on which item, and the
/// usage total the event is about. Everything else reads as `None` (or an empty list) when
/// StepPay leaves it out or sends `null`; StepPay's own example (below) leaves out
/// `accumulatedQuota`, `deltaQuota` and `accumulateQuota`.
///
/// # Examples
///
/// ```
/// use steppay_webhook::{parse_webhook, Actor, Event};
///
/// // StepPay's official example.
/// let body = br#"{"timestamp":1688697915,"version":"v1","event":"subscription.usage.added",
///   "data":{"id":1,"subscriptionItemId":1,"accumulatedRecord":1000,"recordQuotas":[
///   {"id":1,"deltaRecord":0,"influxDate":"2023-07-07T01:35:42","accumulateRecord":0,"via":"SYSTEM"},
///   {"id":2,"deltaRecord":1000,"influxDate":"2023-07-07T02:38:47","accumulateRecord":1000,"via":"MANAGER"}]}}"#;
/// let Event::SubscriptionUsageAdded(usage) = parse_webhook(body)?.event else { unreachable!() };
/// assert_eq!(usage.accumulated_record, 1000);
/// assert_eq!(usage.accumulated_quota, None);
/// assert_eq!(usage.record_quotas[1].via, Some(Actor::Manager));
/// // Offset-less times are UTC: recorded 6 minutes 28 seconds before the envelope timestamp.
/// let recorded = usage.record_quotas[1].influx_date.as_ref().unwrap().to_utc();
/// assert_eq!(recorded.to_rfc3339(), "2023-07-07T02:38:47+00:00");
/// # Ok::<(), steppay_webhook::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    /// Usage number (required).
    pub id: i64,
    /// Subscription item the usage belongs to (required).
    pub subscription_item_id: i64,
    /// Last accumulated quota; `None` for postpaid items.
    pub accumulated_quota: Option<i64>,
    /// Last accumulated record (required).
    pub accumulated_record: i64,
    /// Usage records (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub record_quotas: Vec<RecordQuota>,
}

/// One usage record.
///
/// `id`, `delta_record` and `accumulate_record` are required: which record, and the usage it
/// adds and totals (what is billed). `influx_date`, `via` and the quota fields read as `None`
/// when absent or `null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordQuota {
    /// Record number (required).
    pub id: i64,
    /// Quota change (left out in StepPay's own example).
    pub delta_quota: Option<i64>,
    /// Record change (required).
    pub delta_record: i64,
    /// Accumulated quota; `None` for postpaid items.
    pub accumulate_quota: Option<i64>,
    /// Accumulated record (required).
    pub accumulate_record: i64,
    /// When the usage was recorded.
    pub influx_date: Option<DateTime>,
    /// Who recorded it.
    pub via: Option<Actor>,
}
