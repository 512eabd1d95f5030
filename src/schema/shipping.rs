//! [`Shipping`]: a delivery address, used by orders and customers.

use serde::{Deserialize, Serialize};

/// A delivery address and recipient.
///
/// Every field is optional: an address with a part missing must not cost the order or
/// customer event it came with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shipping {
    /// Recipient name.
    pub name: Option<String>,
    /// Recipient phone number.
    pub phone: Option<String>,
    /// Postcode (e.g. `06236`).
    pub postcode: Option<String>,
    /// Street address.
    pub address1: Option<String>,
    /// Detailed address (building, floor, unit).
    pub address2: Option<String>,
    /// State or province, where used.
    pub state: Option<String>,
    /// City, where used.
    pub city: Option<String>,
    /// Country code (e.g. `KR`).
    pub country_code: Option<String>,
}
