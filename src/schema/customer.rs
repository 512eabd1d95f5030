//! [`Customer`] (events `customer.*`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Shipping;
use crate::serde_util::{self, id};
use crate::DateTime;

/// A customer of the merchant's store.
///
/// # Required fields
///
/// Only `id`, the customer's identifier. Everything else reads as `None` (or an empty list or
/// map) when StepPay leaves it out or sends `null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// Customer number (required).
    pub id: i64,
    /// Login name.
    pub username: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Default delivery address.
    pub shipping: Option<Shipping>,
    /// Customer code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub code: Option<String>,
    /// Merchant-defined extra data (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub attributes: BTreeMap<String, String>,
    /// When the customer was created.
    pub created_at: Option<DateTime>,
    /// Extra e-mail recipients (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub additional_recipients: Vec<String>,
}
