//! [`Shipping`]: a delivery address, used by orders and customers.

use serde::{Deserialize, Serialize};

use crate::personal::{self, debug_redacted};

/// A delivery address and recipient.
///
/// Every field is optional: an address with a part missing must not cost the order or
/// customer event it came with.
///
/// `Debug` masks the phone number, postcode and address lines (personal data); the name, state,
/// city and country stay.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shipping {
    /// Recipient name.
    pub name: Option<String>,
    /// Recipient phone number (personal data).
    #[serde(default, deserialize_with = "personal::option")]
    pub phone: Option<String>,
    /// Postcode (e.g. `06236`; personal data).
    #[serde(default, deserialize_with = "personal::option")]
    pub postcode: Option<String>,
    /// Street address (personal data).
    #[serde(default, deserialize_with = "personal::option")]
    pub address1: Option<String>,
    /// Detailed address (building, floor, unit; personal data).
    #[serde(default, deserialize_with = "personal::option")]
    pub address2: Option<String>,
    /// State or province, where used.
    pub state: Option<String>,
    /// City, where used.
    pub city: Option<String>,
    /// Country code (e.g. `KR`).
    pub country_code: Option<String>,
}

debug_redacted!(Shipping {
    name,
    phone [redacted],
    postcode [redacted],
    address1 [redacted],
    address2 [redacted],
    state,
    city,
    country_code,
});
