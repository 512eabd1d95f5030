//! [`Invoice`] (events `invoice.*`).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{InvoicePublishMethod, InvoicePublishType, InvoiceStatus};
use crate::serde_util::{self, decimal, id};
use crate::DateTime;

/// An invoice (a payment request sent to a customer).
///
/// # Required fields
///
/// None. StepPay's page marks every Invoice field nullable, `id` included, so each reads as
/// `None` (or an empty list) when StepPay leaves it out or sends `null`; an invoice event with
/// no id still tells you that an invoice of an order or customer changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    /// Invoice number.
    pub id: Option<i64>,
    /// Current state.
    pub status: Option<InvoiceStatus>,
    /// Sent now or scheduled.
    pub publish_type: Option<InvoicePublishType>,
    /// Deadline for paying.
    pub purchase_deadline: Option<DateTime>,
    /// Scheduled send time.
    pub reservation_at: Option<DateTime>,
    /// When the invoice was deleted.
    pub deleted_at: Option<DateTime>,
    /// How the invoice is sent (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub publish_method: Vec<InvoicePublishMethod>,
    /// Discount.
    #[serde(default, with = "decimal::option")]
    pub discount: Option<Decimal>,
    /// Message to the customer.
    pub memo_to_customer: Option<String>,
    /// Order number.
    pub order_id: Option<i64>,
    /// Order code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub order_code: Option<String>,
    /// Customer number.
    pub customer_id: Option<i64>,
}
