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
/// # Ok::<(), steppay_webhook::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// Order number.
    pub id: i64,
    /// Order code.
    #[serde(deserialize_with = "id::deserialize")]
    pub code: String,
    /// Why the order exists (renewal, one-time purchase, ...).
    pub r#type: OrderType,
    /// Amount paid.
    #[serde(with = "decimal")]
    pub paid_amount: Decimal,
    /// Amount refunded.
    #[serde(with = "decimal")]
    pub returned_amount: Decimal,
    /// Amount left (paid minus refunded).
    #[serde(with = "decimal")]
    pub left_amount: Decimal,
    /// Discount applied.
    #[serde(with = "decimal")]
    pub discounted_amount: Decimal,
    /// Product name shown for the order.
    pub product_name: String,
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
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub id_key: Option<String>,
    /// Customer number.
    pub customer_id: Option<i64>,
    /// Delivery address.
    pub shipping: Option<Shipping>,
    /// Order lines (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub items: Vec<OrderItem>,
    /// Related subscription numbers (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub subscriptions: Vec<i64>,
    /// Invoice number, when the order came from an invoice.
    pub invoice_id: Option<i64>,
}

/// One line of an [`Order`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderItem {
    /// Order item number.
    pub id: i64,
    /// Order item code.
    #[serde(deserialize_with = "id::deserialize")]
    pub code: String,
    /// What the line is (product, discount, fee, ...).
    pub r#type: Option<OrderItemType>,
    /// Payment, delivery, exchange or return state.
    pub status: OrderItemStatus,
    /// When the item was created.
    pub created_at: Option<DateTime>,
    /// When the item last changed.
    pub modified_at: Option<DateTime>,
    /// When the item was canceled.
    pub canceled_date_time: Option<DateTime>,
    /// Amount paid for this line.
    #[serde(with = "decimal")]
    pub paid_amount: Decimal,
    /// Currency code (e.g. `KRW`).
    pub currency: String,
    /// Quantity.
    pub quantity: i32,
    /// Price plan code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub price_code: Option<String>,
    /// Product code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub product_code: Option<String>,
    /// Product type at order time.
    pub product_type: ProductType,
    /// Product name at order time.
    pub product_name: String,
    /// Product image URL.
    pub featured_image_url: Option<String>,
    /// Label of the selected product options.
    pub selected_product_option_label: Option<String>,
    /// Selected product option ids (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub selected_product_option_ids: Vec<i64>,
    /// Price plan name at order time.
    pub plan_name: String,
    /// Discount name (`DISCOUNT` lines).
    pub discount_name: Option<String>,
    /// The item a discount applies to (`DISCOUNT` lines).
    pub related_order_item_id: Option<i64>,
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

/// A free-trial length applied to an order item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoCycle {
    /// How many units.
    pub num: i32,
    /// Which unit.
    pub r#type: DateUnitType,
}
