//! [`Shipping`]: a delivery address, used by orders and customers.

use serde::{Deserialize, Serialize};

/// A delivery address and recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shipping {
    /// Recipient name.
    pub name: String,
    /// Recipient phone number.
    pub phone: String,
    /// Postcode (e.g. `06236`).
    pub postcode: String,
    /// Street address.
    pub address1: String,
    /// Detailed address (building, floor, unit).
    pub address2: String,
    /// State or province, where used.
    pub state: Option<String>,
    /// City, where used.
    pub city: Option<String>,
    /// Country code (e.g. `KR`).
    pub country_code: Option<String>,
}
