//! [`Price`] (events `product.price.*`, and `Product::prices`).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{
    AdditionalBillingType, ClaimMethodType, DateUnitType, PriceOptionType, PriceType, ProductType,
    WhenToClaimType,
};
use crate::serde_util::{self, decimal, id};
use crate::DateTime;

/// A price plan of a product.
///
/// Amounts StepPay documents as `Long` (`first_sale_price`, setup-fee and option prices) are
/// read as exact decimals too, so `10000` and `10000.0` both read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Price {
    /// Price plan code.
    #[serde(deserialize_with = "id::deserialize")]
    pub price_code: String,
    /// Price.
    #[serde(with = "decimal")]
    pub price: Decimal,
    /// Unit name (e.g. "명", "GB").
    pub unit: Option<String>,
    /// How the price charges.
    pub r#type: Option<PriceType>,
    /// Subscription term length.
    pub membership_expiration_date: i32,
    /// Subscription term length unit.
    pub membership_expiration_date_type: Option<DateUnitType>,
    /// Setup fee.
    pub setup_option: Option<SetupOption>,
    /// Options (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub options: Vec<PriceOption>,
    /// Tiered usage billing.
    pub additional_billing: Option<PriceAdditionalBilling>,
    /// Billing interval.
    pub recurring: Option<Interval>,
    /// When the plan was created.
    pub created_at: Option<DateTime>,
    /// When the plan last changed.
    pub modified_at: Option<DateTime>,
    /// Plan names and visibility.
    pub plan: Option<Plan>,
    /// Whether a first-sale price applies.
    pub first_sale_enabled: Option<bool>,
    /// First-sale price.
    #[serde(default, with = "decimal::option")]
    pub first_sale_price: Option<Decimal>,
    /// Billing schedule.
    pub claim: Option<Claim>,
    /// Included quantity for seat or usage plans.
    pub basic_serving: i32,
    /// Prices in a bundle (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub bundle_prices: Vec<PriceBundle>,
    /// One-time price of the bundle.
    #[serde(with = "decimal")]
    pub onetime_bundle_price: Decimal,
}

/// A setup fee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupOption {
    /// Setup option number.
    pub id: i64,
    /// Name.
    pub name: Option<String>,
    /// Charged once or every period.
    pub r#type: Option<PriceOptionType>,
    /// Amount.
    #[serde(with = "decimal")]
    pub price: Decimal,
    /// Prepaid or postpaid.
    pub claim_method_type: ClaimMethodType,
}

/// An option of a price plan (from StepPay's API specification).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceOption {
    /// Option number.
    pub id: i64,
    /// Amount.
    #[serde(with = "decimal")]
    pub price: Decimal,
    /// Name.
    pub name: Option<String>,
    /// Product code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub product_code: Option<String>,
    /// Price plan code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub price_code: Option<String>,
    /// Price plan name.
    pub price_name: Option<String>,
    /// Charged once or every period.
    pub r#type: Option<PriceOptionType>,
    /// Product type.
    pub product_type: Option<ProductType>,
}

/// Tiered usage billing of a price plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceAdditionalBilling {
    /// Number.
    pub id: i64,
    /// How tiers are priced.
    pub r#type: AdditionalBillingType,
    /// Tiers (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub ranges: Vec<PriceAdditionalBillingRange>,
}

/// One tier of [`PriceAdditionalBilling`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceAdditionalBillingRange {
    /// Number.
    pub id: Option<i64>,
    /// Upper bound of the tier.
    pub until: Option<i64>,
    /// Price of the tier.
    #[serde(default, with = "decimal::option")]
    pub price: Option<Decimal>,
}

/// A billing interval.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Interval {
    /// Unit.
    pub unit: Option<DateUnitType>,
    /// Count.
    pub count: Option<i32>,
}

/// Names and visibility of a price plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Name shown to customers.
    pub name: String,
    /// Short description.
    pub description: String,
    /// Long description.
    pub detail_description: Option<String>,
    /// Whether the plan is hidden from the shop.
    pub is_hidden_from_shop: bool,
    /// Name shown to the merchant's staff.
    pub admin_name: Option<String>,
}

/// When a price plan bills.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    /// Prepaid or postpaid.
    pub method_type: ClaimMethodType,
    /// From the first payment or on a fixed day.
    pub when_to_claim_type: WhenToClaimType,
    /// Billing day of the next month.
    pub billing_date: i32,
    /// Day the service starts.
    pub provide_start_day: Option<i32>,
}

/// A price included in a bundle.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceBundle {
    /// Product code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub product_code: Option<String>,
    /// Price plan code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub price_code: Option<String>,
}
