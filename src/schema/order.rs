//! [`Order`] (events `order.*`) and its items.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{
    DateUnitType, OrderItemStatus, OrderItemType, OrderType, PriceOptionType, ProductType, Shipping,
};
use crate::serde_util::{self, decimal, id};
use crate::DateTime;

/// An order: the data of `order.created`, `order.updated` and `order.payment_completed`.
///
/// # Required fields
///
/// - `id` and `code`: the order's two identifiers (StepPay's API takes either,
///   `GET /api/v1/orders/{orderIdOrCode}`, and every StepPay example carries both, under one
///   name or the other);
/// - `type`: what the order is. A `PAYMENT_METHOD` order buys nothing, a `RECURRING` one
///   renews a subscription; acting on an order without knowing which is guesswork;
/// - `paid_amount`, `returned_amount`, `left_amount`: the order's money, what the events are
///   about (`left` = paid minus refunded).
///
/// Everything else reads as `None` (or an empty list) when StepPay leaves it out or sends
/// `null`: StepPay's own order-list response has no `discountedAmount`, for one.
///
/// # Both spellings
///
/// StepPay's order API writes `orderId` / `orderCode` (its create response has no `id` at all);
/// they read into `id` / `code`. A body may carry both names (the detail response does); they
/// must then agree. `currency`, `exchange_rate` and `region` come from the API's form of an
/// order. Serializing writes the webhook page's names (`id`, `code`).
///
/// # Examples
///
/// ```
/// use steppay_webhook::{parse_webhook, Event, OrderType};
///
/// let body = r#"{"timestamp":1795046400,"version":"v1","event":"order.created","data":{
///   "id":481516,"code":"20261112-00000123","type":"ONE_TIME","paidAmount":29000,
///   "returnedAmount":0,"leftAmount":29000,"discountedAmount":0,"productName":"프리미엄 원두"}}"#.as_bytes();
/// let Event::OrderCreated(order) = parse_webhook(body)?.event else { unreachable!() };
/// assert_eq!(order.code, "20261112-00000123");
/// assert_eq!(order.r#type, OrderType::OneTime);
/// assert_eq!(order.paid_amount.to_string(), "29000");
/// assert!(order.items.is_empty());
///
/// // The API's spelling: `orderId` / `orderCode`.
/// let body = r#"{"timestamp":1795046400,"version":"v1","event":"order.created","data":{
///   "orderId":481517,"orderCode":"20261112-00000124","type":"ONE_TIME",
///   "paidAmount":0,"returnedAmount":0,"leftAmount":0}}"#.as_bytes();
/// let Event::OrderCreated(order) = parse_webhook(body)?.event else { unreachable!() };
/// assert_eq!((order.id, order.code.as_str()), (481517, "20261112-00000124"));
/// # Ok::<(), steppay_webhook::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "OrderWire")]
pub struct Order {
    /// Order number (required; also read from `orderId`).
    pub id: i64,
    /// Order code (required; also read from `orderCode`).
    pub code: String,
    /// Why the order exists: renewal, one-time purchase, payment-method change, ... (required).
    pub r#type: OrderType,
    /// Amount paid (required).
    #[serde(with = "decimal")]
    pub paid_amount: Decimal,
    /// Amount refunded (required).
    #[serde(with = "decimal")]
    pub returned_amount: Decimal,
    /// Amount left, paid minus refunded (required).
    #[serde(with = "decimal")]
    pub left_amount: Decimal,
    /// Discount applied.
    #[serde(with = "decimal::option")]
    pub discounted_amount: Option<Decimal>,
    /// Product name shown for the order.
    pub product_name: Option<String>,
    /// When the order was paid.
    pub payment_date: Option<DateTime>,
    /// When payment is due.
    pub payment_due_date: Option<DateTime>,
    /// When the order was created.
    pub created_at: Option<DateTime>,
    /// When the order last changed.
    pub modified_at: Option<DateTime>,
    /// Deadline for paying the order.
    pub purchase_deadline: Option<DateTime>,
    /// Key for looking the payment up.
    pub id_key: Option<String>,
    /// Customer number.
    pub customer_id: Option<i64>,
    /// Delivery address.
    pub shipping: Option<Shipping>,
    /// Order lines (empty when absent or `null`).
    pub items: Vec<OrderItem>,
    /// Related subscription numbers (empty when absent or `null`).
    pub subscriptions: Vec<i64>,
    /// Invoice number, when the order came from an invoice.
    pub invoice_id: Option<i64>,
    /// Currency code (e.g. `KRW`; from StepPay's order API).
    pub currency: Option<String>,
    /// Exchange rate to the store's base currency, exact as sent (`1.0000000000`; from
    /// StepPay's order API).
    #[serde(with = "decimal::option")]
    pub exchange_rate: Option<Decimal>,
    /// Sales region (from StepPay's order API).
    pub region: Option<Region>,
}

/// The wire form of [`Order`]: every field of it, with `id` and `code` optional because they
/// may come as `orderId` / `orderCode` instead. Plain serde aliases cannot do this: StepPay's
/// order-detail response carries both names, which serde rejects as a duplicate field.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderWire {
    #[serde(default, deserialize_with = "serde_util::some")]
    id: Option<i64>,
    #[serde(default)]
    order_id: Option<i64>,
    #[serde(default, deserialize_with = "id::some")]
    code: Option<String>,
    #[serde(default, deserialize_with = "id::option::deserialize")]
    order_code: Option<String>,
    r#type: OrderType,
    #[serde(with = "decimal")]
    paid_amount: Decimal,
    #[serde(with = "decimal")]
    returned_amount: Decimal,
    #[serde(with = "decimal")]
    left_amount: Decimal,
    #[serde(default, with = "decimal::option")]
    discounted_amount: Option<Decimal>,
    #[serde(default)]
    product_name: Option<String>,
    #[serde(default)]
    payment_date: Option<DateTime>,
    #[serde(default)]
    payment_due_date: Option<DateTime>,
    #[serde(default)]
    created_at: Option<DateTime>,
    #[serde(default)]
    modified_at: Option<DateTime>,
    #[serde(default)]
    purchase_deadline: Option<DateTime>,
    #[serde(default, deserialize_with = "id::option::deserialize")]
    id_key: Option<String>,
    #[serde(default)]
    customer_id: Option<i64>,
    #[serde(default)]
    shipping: Option<Shipping>,
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    items: Vec<OrderItem>,
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    subscriptions: Vec<i64>,
    #[serde(default)]
    invoice_id: Option<i64>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default, with = "decimal::option")]
    exchange_rate: Option<Decimal>,
    #[serde(default)]
    region: Option<Region>,
}

impl TryFrom<OrderWire> for Order {
    type Error = String;

    fn try_from(wire: OrderWire) -> Result<Self, String> {
        // Destructured in full so that a field added to one struct and not the other does not
        // compile.
        let OrderWire {
            id,
            order_id,
            code,
            order_code,
            r#type,
            paid_amount,
            returned_amount,
            left_amount,
            discounted_amount,
            product_name,
            payment_date,
            payment_due_date,
            created_at,
            modified_at,
            purchase_deadline,
            id_key,
            customer_id,
            shipping,
            items,
            subscriptions,
            invoice_id,
            currency,
            exchange_rate,
            region,
        } = wire;
        Ok(Order {
            id: serde_util::one_of("id", id, "orderId", order_id)?,
            code: serde_util::one_of("code", code, "orderCode", order_code)?,
            r#type,
            paid_amount,
            returned_amount,
            left_amount,
            discounted_amount,
            product_name,
            payment_date,
            payment_due_date,
            created_at,
            modified_at,
            purchase_deadline,
            id_key,
            customer_id,
            shipping,
            items,
            subscriptions,
            invoice_id,
            currency,
            exchange_rate,
            region,
        })
    }
}

/// The sales region of an [`Order`], as StepPay's order API writes it.
///
/// StepPay's examples show two forms: `{code, currency, ...}` (order detail) and
/// `{name, currencies: [...], ...}` (order create); both read, every field optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    /// Region code (e.g. `KR`).
    pub code: Option<String>,
    /// Region name (e.g. `KR`).
    pub name: Option<String>,
    /// Country name (e.g. `South Korea`).
    pub country: Option<String>,
    /// Country code (e.g. `KR`).
    pub country_code: Option<String>,
    /// State or province, where used.
    pub state: Option<String>,
    /// Language code (e.g. `ko`).
    pub language: Option<String>,
    /// Currency code (e.g. `KRW`).
    pub currency: Option<String>,
    /// Currency codes (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub currencies: Vec<String>,
}

/// One line of an [`Order`].
///
/// # Required fields
///
/// `id`, `status` and `paid_amount`: which line it is, where it stands, and its amount (the
/// lines add up to the order's paid amount, so a line without one cannot be reconciled).
/// Everything else reads as `None` (or an empty list) when absent or `null`.
///
/// # Both spellings
///
/// StepPay's order API writes `orderedProductName`, `orderedProductType` and `orderedPlanName`
/// for the webhook page's `productName`, `productType` and `planName`; both read, and
/// serializing writes the page's names. (A body with both names of one field is rejected as a
/// duplicate field; StepPay does not send that.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderItem {
    /// Order item number (required).
    pub id: i64,
    /// Order item code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub code: Option<String>,
    /// What the line is (product, discount, fee, ...).
    pub r#type: Option<OrderItemType>,
    /// Payment, delivery, exchange or return state (required).
    pub status: OrderItemStatus,
    /// When the item was created.
    pub created_at: Option<DateTime>,
    /// When the item last changed.
    pub modified_at: Option<DateTime>,
    /// When the item was canceled.
    pub canceled_date_time: Option<DateTime>,
    /// Amount paid for this line (required).
    #[serde(with = "decimal")]
    pub paid_amount: Decimal,
    /// Currency code (e.g. `KRW`).
    pub currency: Option<String>,
    /// Quantity.
    pub quantity: Option<i32>,
    /// Price plan code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub price_code: Option<String>,
    /// Product code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub product_code: Option<String>,
    /// Product type at order time (also read from `orderedProductType`).
    #[serde(alias = "orderedProductType")]
    pub product_type: Option<ProductType>,
    /// Product name at order time (also read from `orderedProductName`).
    #[serde(alias = "orderedProductName")]
    pub product_name: Option<String>,
    /// Product image URL.
    pub featured_image_url: Option<String>,
    /// Label of the selected product options.
    pub selected_product_option_label: Option<String>,
    /// Selected product option ids (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub selected_product_option_ids: Vec<i64>,
    /// Price plan name at order time (also read from `orderedPlanName`).
    #[serde(alias = "orderedPlanName")]
    pub plan_name: Option<String>,
    /// Discount name (`DISCOUNT` lines).
    pub discount_name: Option<String>,
    /// The item a discount applies to (`DISCOUNT` lines).
    pub related_order_item_id: Option<i64>,
    /// The subscription item this line bills (from StepPay's order API).
    pub related_subscription_item_id: Option<i64>,
    /// Setup-fee kind (setup-fee lines).
    pub price_setup_type: Option<PriceOptionType>,
    /// Free trial applied to this line.
    pub demo_cycle: Option<DemoCycle>,
    /// Minimum quantity.
    pub minimum_quantity: Option<i32>,
    /// Code of the bundle parent item.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub parent_order_item_code: Option<String>,
}

/// A free-trial length applied to an order item. Both fields optional: a detail of the line,
/// never a reason to lose the order event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoCycle {
    /// How many units.
    pub num: Option<i32>,
    /// Which unit.
    pub r#type: Option<DateUnitType>,
}
