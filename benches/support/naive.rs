//! What a user might write instead of `parse_webhook`: serde's adjacently tagged enum over the
//! crate's schema types, derived, nothing else.
//!
//! It reads `event` first and then `data` straight into the schema type. When `data` comes
//! first, serde buffers it into its private `Content` tree, where a number is already an
//! integer or an `f64`: the schema types' exact decimals read an integer from it but refuse a
//! float (its exact text is gone), so it fails on every data-first body with a fractional
//! amount. It also has no room for event types it does not know, and it skips `timestamp` and
//! `version`.

use serde::Deserialize;
use steppay_webhook::{
    Cover, Customer, Invoice, Order, Payment, Price, Product, Subscription, Usage,
};

/// A webhook body as the naive enum sees it.
#[derive(Debug, Deserialize)]
#[serde(tag = "event", content = "data")]
#[expect(
    dead_code,
    reason = "the payloads are parsed to be measured, never read"
)]
pub enum NaiveEvent {
    #[serde(rename = "order.created")]
    OrderCreated(Order),
    #[serde(rename = "order.updated")]
    OrderUpdated(Order),
    #[serde(rename = "order.payment_completed")]
    OrderPaymentCompleted(Order),
    #[serde(rename = "subscription.created")]
    SubscriptionCreated(Subscription),
    #[serde(rename = "subscription.updated")]
    SubscriptionUpdated(Subscription),
    #[serde(rename = "subscription.payment_due_notification")]
    SubscriptionPaymentDueNotification(Subscription),
    #[serde(rename = "subscription.usage.added")]
    SubscriptionUsageAdded(Usage),
    #[serde(rename = "invoice.created")]
    InvoiceCreated(Invoice),
    #[serde(rename = "invoice.updated")]
    InvoiceUpdated(Invoice),
    #[serde(rename = "invoice.deleted")]
    InvoiceDeleted(Invoice),
    #[serde(rename = "payment.completed")]
    PaymentCompleted(Payment),
    #[serde(rename = "payment.failed")]
    PaymentFailed(Payment),
    #[serde(rename = "payment.canceled")]
    PaymentCanceled(Payment),
    #[serde(rename = "payment.standby")]
    PaymentStandby(Payment),
    #[serde(rename = "customer.created")]
    CustomerCreated(Customer),
    #[serde(rename = "customer.updated")]
    CustomerUpdated(Customer),
    #[serde(rename = "customer.deleted")]
    CustomerDeleted(Customer),
    #[serde(rename = "product.created")]
    ProductCreated(Product),
    #[serde(rename = "product.updated")]
    ProductUpdated(Product),
    #[serde(rename = "product.deleted")]
    ProductDeleted(Product),
    #[serde(rename = "product.price.created")]
    ProductPriceCreated(Price),
    #[serde(rename = "product.price.updated")]
    ProductPriceUpdated(Price),
    #[serde(rename = "product.price.deleted")]
    ProductPriceDeleted(Price),
    #[serde(rename = "cover.sent_message")]
    CoverSentMessage(Cover),
    #[serde(rename = "cover.delayed_message")]
    CoverDelayedMessage(Cover),
    #[serde(rename = "cover.changed_payment_date")]
    CoverChangedPaymentDate(Cover),
    #[serde(rename = "cover.paused")]
    CoverPaused(Cover),
}

/// Parses `body` with the naive enum.
pub fn parse(body: &[u8]) -> Result<NaiveEvent, serde_json::Error> {
    serde_json::from_slice(body)
}

/// Whether the naive enum parses `body`.
pub fn parses(body: &[u8]) -> bool {
    parse(body).is_ok()
}
