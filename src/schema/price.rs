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
/// read as exact decimals too, so `10000` and `10000.0` both read; every amount keeps the scale
/// it was written with (`10000.000` stays `10000.000`).
///
/// # Required fields
///
/// Only `price_code` (the plan's identifier) and `price` (the amount the plan is about).
/// Everything else reads as `None` (or an empty list) when StepPay leaves it out or sends
/// `null`.
///
/// # Both spellings
///
/// StepPay's price API writes `code` for `priceCode`, `enabledFirstSalePrice` for
/// `firstSaleEnabled` and `recurring: {interval, intervalCount, ...}` for `{unit, count}`
/// (see [`Interval`]); both read, and serializing writes the webhook page's names. The API's
/// numeric `id` is kept in [`id`](Self::id). (A body with both names of one field is rejected as
/// a duplicate field; StepPay does not send that.)
///
/// # Examples
///
/// ```
/// use steppay_webhook::{parse_webhook, DateUnitType, Event};
///
/// // The API's spelling, as in StepPay's price examples.
/// let body = br#"{"timestamp":1694596075,"version":"v1","event":"product.price.created","data":{
///   "id":12652,"code":"price_5uykUL11C","price":10000.000,"enabledFirstSalePrice":true,
///   "recurring":{"id":17373,"intervalCount":1,"aggregateUsageType":"SUM","interval":"MONTH","usageType":"LICENSED"}}}"#;
/// let Event::ProductPriceCreated(price) = parse_webhook(body)?.event else { unreachable!() };
/// assert_eq!(price.price_code, "price_5uykUL11C");
/// assert_eq!(price.id, Some(12652));
/// assert_eq!(price.price.to_string(), "10000.000");
/// assert_eq!(price.first_sale_enabled, Some(true));
/// let recurring = price.recurring.as_ref().unwrap();
/// assert_eq!((recurring.unit.clone(), recurring.count), (Some(DateUnitType::Month), Some(1)));
///
/// // Written back in the webhook page's spelling.
/// let json = serde_json::to_value(&*price).unwrap();
/// assert_eq!(json["priceCode"], "price_5uykUL11C");
/// assert_eq!(json["firstSaleEnabled"], true);
/// assert_eq!(json["recurring"]["unit"], "MONTH");
/// # Ok::<(), steppay_webhook::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Price {
    /// Price plan code (required; also read from `code`).
    #[serde(alias = "code", deserialize_with = "id::deserialize")]
    pub price_code: String,
    /// The plan's numeric id, as StepPay's price API writes it (`id`).
    pub id: Option<i64>,
    /// Price (required).
    #[serde(with = "decimal")]
    pub price: Decimal,
    /// Unit name (e.g. "명", "GB").
    pub unit: Option<String>,
    /// How the price charges.
    pub r#type: Option<PriceType>,
    /// Subscription term length.
    pub membership_expiration_date: Option<i32>,
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
    /// Whether a first-sale price applies (also read from `enabledFirstSalePrice`).
    #[serde(alias = "enabledFirstSalePrice")]
    pub first_sale_enabled: Option<bool>,
    /// First-sale price.
    #[serde(default, with = "decimal::option")]
    pub first_sale_price: Option<Decimal>,
    /// Billing schedule.
    pub claim: Option<Claim>,
    /// Included quantity for seat or usage plans.
    pub basic_serving: Option<i32>,
    /// Prices in a bundle (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub bundle_prices: Vec<PriceBundle>,
    /// One-time price of the bundle.
    #[serde(default, with = "decimal::option")]
    pub onetime_bundle_price: Option<Decimal>,
}

/// A setup fee. `id` is required (its identifier); the rest reads as `None` when absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupOption {
    /// Setup option number (required).
    pub id: i64,
    /// Name.
    pub name: Option<String>,
    /// Charged once or every period.
    pub r#type: Option<PriceOptionType>,
    /// Amount.
    #[serde(default, with = "decimal::option")]
    pub price: Option<Decimal>,
    /// Prepaid or postpaid.
    pub claim_method_type: Option<ClaimMethodType>,
}

/// An option of a price plan (from StepPay's API specification). `id` is required (its
/// identifier); the rest reads as `None` when absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceOption {
    /// Option number (required).
    pub id: i64,
    /// Amount.
    #[serde(default, with = "decimal::option")]
    pub price: Option<Decimal>,
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

/// Tiered usage billing of a price plan. `id` is required (its identifier); the rest reads
/// as `None` (or no tiers) when absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceAdditionalBilling {
    /// Number (required).
    pub id: i64,
    /// How tiers are priced.
    pub r#type: Option<AdditionalBillingType>,
    /// Tiers (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub ranges: Vec<PriceAdditionalBillingRange>,
}

/// One tier of [`PriceAdditionalBilling`]. Every field is optional (StepPay's page marks them
/// all nullable).
///
/// The last tier has no upper bound: StepPay writes `"until": -1` for it (and the field may be
/// absent). [`upper_bound`](Self::upper_bound) reads both as `None`; `until` keeps what was sent.
///
/// ```
/// use steppay_webhook::PriceAdditionalBillingRange;
///
/// // The last tier of StepPay's usage-calculation example.
/// let last: PriceAdditionalBillingRange =
///     serde_json::from_str(r#"{"id":1749,"until":-1,"price":80000.0000}"#).unwrap();
/// assert_eq!(last.until, Some(-1));
/// assert_eq!(last.upper_bound(), None);
/// assert_eq!(last.price.unwrap().to_string(), "80000.0000");
///
/// let first: PriceAdditionalBillingRange =
///     serde_json::from_str(r#"{"id":1745,"until":1000,"price":0.0000}"#).unwrap();
/// assert_eq!(first.upper_bound(), Some(1000));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceAdditionalBillingRange {
    /// Number.
    pub id: Option<i64>,
    /// Upper bound of the tier as sent; `-1` means "no upper bound" (see
    /// [`upper_bound`](Self::upper_bound)).
    pub until: Option<i64>,
    /// Price of the tier.
    #[serde(default, with = "decimal::option")]
    pub price: Option<Decimal>,
}

impl PriceAdditionalBillingRange {
    /// StepPay's marker for "no upper bound" in [`until`](Self::until).
    pub const NO_UPPER_BOUND: i64 = -1;

    /// The tier's upper bound, or `None` when it has none (`until` is `-1` or absent).
    pub fn upper_bound(&self) -> Option<i64> {
        self.until.filter(|&until| until != Self::NO_UPPER_BOUND)
    }
}

/// A billing interval. Every field is optional.
///
/// The webhook page writes `{unit, count}`; StepPay's price API writes
/// `{id, intervalCount, interval, aggregateUsageType, usageType}`. Both read: `interval` into
/// `unit`, `intervalCount` into `count`, and the API's other fields into their own. Serializing
/// writes the page's `unit` and `count`, and the API's three fields (`null` when absent).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Interval {
    /// Unit (also read from `interval`).
    #[serde(alias = "interval")]
    pub unit: Option<DateUnitType>,
    /// Count (also read from `intervalCount`).
    #[serde(alias = "intervalCount")]
    pub count: Option<i32>,
    /// The interval's numeric id (StepPay's price API).
    pub id: Option<i64>,
    /// How usage is aggregated, e.g. `SUM` (StepPay's price API; values undocumented, so kept
    /// as text).
    pub aggregate_usage_type: Option<String>,
    /// Usage type, e.g. `LICENSED` (StepPay's price API; values undocumented, so kept as text).
    pub usage_type: Option<String>,
}

/// Names and visibility of a price plan. Every field is optional: a detail of the plan, never
/// a reason to lose the event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Name shown to customers.
    pub name: Option<String>,
    /// Short description.
    pub description: Option<String>,
    /// Long description.
    pub detail_description: Option<String>,
    /// Whether the plan is hidden from the shop.
    pub is_hidden_from_shop: Option<bool>,
    /// Name shown to the merchant's staff.
    pub admin_name: Option<String>,
}

/// When a price plan bills. Every field is optional: a detail of the plan, never a reason to
/// lose the event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claim {
    /// Prepaid or postpaid.
    pub method_type: Option<ClaimMethodType>,
    /// From the first payment or on a fixed day.
    pub when_to_claim_type: Option<WhenToClaimType>,
    /// Billing day of the next month.
    pub billing_date: Option<i32>,
    /// Day the service starts.
    pub provide_start_day: Option<i32>,
}

/// A price included in a bundle. Both fields optional (StepPay's page marks them nullable).
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
