//! [`Cover`] (StepCover add-on, events `cover.*`).

use serde::{Deserialize, Serialize};

use super::CoverMessageType;
use crate::serde_util::id;
use crate::DateTime;

/// A StepCover dunning record.
///
/// The three identifiers are the merchant's own when the merchant uses StepCover alone, so
/// they are strings (numbers on the wire read as their decimal text).
///
/// # Required fields
///
/// `id` and the three identifiers `customer_id`, `order_id` and `subscription_id`: a cover
/// record says nothing beyond which customer, order and subscription it is about, and a
/// merchant using StepCover alone has no StepPay record to look them up from. The message
/// fields read as `None` when StepPay leaves them out or sends `null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cover {
    /// Cover number (required).
    pub id: i64,
    /// Customer identifier (required).
    #[serde(deserialize_with = "id::deserialize")]
    pub customer_id: String,
    /// Order identifier (required).
    #[serde(deserialize_with = "id::deserialize")]
    pub order_id: String,
    /// Subscription identifier (required).
    #[serde(deserialize_with = "id::deserialize")]
    pub subscription_id: String,
    /// Next retry, set when the payment date changed.
    pub next_retry_datetime: Option<DateTime>,
    /// Kind of message.
    pub message_type: Option<CoverMessageType>,
    /// How many messages were sent so far.
    pub message_sent_step: Option<i32>,
}
