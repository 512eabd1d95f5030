//! [`Customer`] (events `customer.*`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Shipping;
use crate::personal::{self, debug_redacted};
use crate::serde_util::id;
use crate::DateTime;

/// A customer of the merchant's store.
///
/// # Required fields
///
/// Only `id`, the customer's identifier. Everything else reads as `None` (or an empty list or
/// map) when StepPay leaves it out or sends `null`.
///
/// # Personal data
///
/// `Debug` masks the login name (often an e-mail address), e-mail address, phone number, the
/// values of `attributes` (merchant-defined: they may hold anything) and the extra recipients'
/// addresses; the name, the code and the attribute keys stay. [`Shipping`] masks its own.
/// Errors about these fields name the JSON type that was wrong, never the value.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// Customer number (required).
    pub id: i64,
    /// Login name (personal data: often an e-mail address).
    #[serde(default, deserialize_with = "personal::option")]
    pub username: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// E-mail address (personal data).
    #[serde(default, deserialize_with = "personal::option")]
    pub email: Option<String>,
    /// Phone number (personal data).
    #[serde(default, deserialize_with = "personal::option")]
    pub phone: Option<String>,
    /// Default delivery address.
    pub shipping: Option<Shipping>,
    /// Customer code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub code: Option<String>,
    /// Merchant-defined extra data (empty when absent or `null`; a key sent twice is an
    /// error; values are personal data).
    #[serde(default, deserialize_with = "personal::map")]
    pub attributes: BTreeMap<String, String>,
    /// When the customer was created.
    pub created_at: Option<DateTime>,
    /// Extra e-mail recipients (empty when absent or `null`; personal data).
    #[serde(default, deserialize_with = "personal::list")]
    pub additional_recipients: Vec<String>,
}

debug_redacted!(Customer {
    id,
    username [redacted],
    name,
    email [redacted],
    phone [redacted],
    shipping,
    code,
    attributes [redacted],
    created_at,
    additional_recipients [redacted],
});
