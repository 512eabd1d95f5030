//! [`Subscription`] (events `subscription.created`, `.updated`, `.payment_due_notification`).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{
    ClaimMethodType, DateUnitType, OrderItemType, PaymentGateway, PriceType, SubscriptionStatus,
};
use crate::serde_util::{self, decimal, id};
use crate::DateTime;

/// A subscription.
///
/// # Required fields
///
/// Only `subscription_id` and `status`: which subscription, and where it stands. Everything
/// else reads as `None` (or an empty list) when StepPay leaves it out or sends `null`.
///
/// # Examples
///
/// ```
/// use steppay_webhook::{parse_webhook, Event, SubscriptionStatus};
///
/// let body = br#"{"timestamp":1795046400,"version":"v1","event":"subscription.updated",
///   "data":{"subscriptionId":90210,"status":"UNPAID","nextPaymentDate":"2026-12-12T09:00:00"}}"#;
/// if let Event::SubscriptionUpdated(subscription) = parse_webhook(body)?.event {
///     assert_eq!(subscription.status, SubscriptionStatus::Unpaid);
///     let next = subscription.next_payment_date.unwrap();
///     assert_eq!(next.to_utc().to_rfc3339(), "2026-12-12T09:00:00+00:00");
/// }
/// # Ok::<(), steppay_webhook::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// Subscription number (required).
    pub subscription_id: i64,
    /// Current state (required).
    pub status: SubscriptionStatus,
    /// When the subscription was created.
    pub created_at: Option<DateTime>,
    /// Free-trial period.
    pub trial_period: Option<Period>,
    /// Most recent payment.
    pub last_payment_date: Option<DateTime>,
    /// Next payment.
    pub next_payment_date: Option<DateTime>,
    /// Next payment as first scheduled, before any change.
    pub origin_next_payment_date: Option<DateTime>,
    /// When the subscription ends.
    pub end_date: Option<DateTime>,
    /// When the subscription was paused.
    pub paused_date_time: Option<DateTime>,
    /// Order that created the subscription.
    pub order_id: Option<i64>,
    /// Code of the order that created the subscription.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub order_code: Option<String>,
    /// Subscribed items (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub items: Vec<SubscriptionItem>,
    /// Customer number.
    pub customer_id: Option<i64>,
    /// Billing interval unit.
    pub interval_unit: Option<DateUnitType>,
    /// Billing interval count.
    pub interval_count: Option<i32>,
    /// Payment method on file.
    pub payment_method: Option<SubscriptionPaymentMethod>,
    /// Current billing period.
    pub current_period: Option<Period>,
    /// When the upcoming-payment notice goes out.
    pub noti_before_payment_date: Option<DateTime>,
}

/// The payment method a subscription bills. Both fields optional (StepPay's page marks them
/// nullable).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionPaymentMethod {
    /// Payment gateway.
    pub payment_gateway: Option<PaymentGateway>,
    /// Payment details for display, e.g. a masked card number.
    pub payment_info: Option<String>,
}

/// One item of a [`Subscription`].
///
/// # Required fields
///
/// Only `subscription_item_id`, the item's identifier (StepPay's internal form names it `id`;
/// both read, and serializing writes `subscriptionItemId`). Everything else reads as `None`
/// (or an empty list) when absent or `null`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionItem {
    /// Subscription item number (required; also read from `id`).
    #[serde(alias = "id")]
    pub subscription_item_id: i64,
    /// Product name.
    pub product_name: Option<String>,
    /// Product image URL.
    pub featured_image_url: Option<String>,
    /// Selected product option ids (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub selected_product_option_ids: Vec<i64>,
    /// Price per period.
    #[serde(default, with = "decimal::option")]
    pub price: Option<Decimal>,
    /// Quantity.
    pub quantity: Option<i32>,
    /// Whether the item was added to the subscription later.
    pub is_additional: Option<bool>,
    /// Whether the item stays when the subscription renews.
    pub keep_when_renew: Option<bool>,
    /// Maximum quantity that can be bought.
    pub maximum_purchase_quantity: Option<i32>,
    /// Product code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub product_code: Option<String>,
    /// Price plan code.
    #[serde(default, deserialize_with = "id::option::deserialize")]
    pub price_code: Option<String>,
    /// What the item is.
    pub r#type: Option<OrderItemType>,
    /// Prepaid or postpaid.
    pub claim_method_type: Option<ClaimMethodType>,
    /// How the price charges.
    pub price_type: Option<PriceType>,
    /// Selected options (empty when absent or `null`).
    #[serde(default, deserialize_with = "serde_util::null_as_empty")]
    pub selected_options: Vec<i64>,
}

/// A span of time (trial or billing period). Both ends optional: a detail of the
/// subscription, never a reason to lose the event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Period {
    /// Start.
    pub start_date_time: Option<DateTime>,
    /// End.
    pub end_date_time: Option<DateTime>,
}
