//! What an event is about and how fresh its data is: [`Resource`], [`ResourceKind`],
//! [`Event::resource`], [`Event::as_of`] and [`Webhook::as_of`].
//!
//! StepPay does not guarantee delivery order (spec sections 1 and 9): an older
//! `subscription.updated` can arrive after a newer one. To tell which of two deliveries about
//! the same thing is newer, a receiver needs to know *what thing* (the resource) and *as of
//! when* its data is. The durable inbox uses both to apply only the newest state.

use std::fmt;
use std::str::FromStr;

use chrono::Utc;

use crate::{DateTime, Event, Webhook};

/// The kind of StepPay object an event describes.
///
/// Unknown event types have no resource ([`Event::resource`] returns `None`), so this enum
/// needs no variant for them. [`ResourceKind::Other`] holds a kind name this version of the
/// crate does not know, read back from storage written by a newer version.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ResourceKind {
    /// An order (`order.*` events), by its `id`.
    Order,
    /// A subscription (`subscription.created`, `.updated`, `.payment_due_notification`), by
    /// its `subscriptionId`.
    Subscription,
    /// A usage-based subscription item (`subscription.usage.added`), by its
    /// `subscriptionItemId`: the event carries the item's accumulated usage.
    SubscriptionItem,
    /// An invoice (`invoice.*`), by its `id`.
    Invoice,
    /// A payment (`payment.*`), by its `paymentId`.
    Payment,
    /// A customer (`customer.*`), by its `id`.
    Customer,
    /// A product (`product.created`, `.updated`, `.deleted`), by its `code`.
    Product,
    /// A price plan (`product.price.*`), by its price code.
    Price,
    /// A StepCover record (`cover.*`), by its `id`.
    Cover,
    /// A kind this version of the crate does not know (read from storage).
    Other(String),
}

impl ResourceKind {
    /// The kind's name as stored and shown: `"Subscription"`, `"SubscriptionItem"`, ...
    ///
    /// ```
    /// use steppay_webhook::ResourceKind;
    ///
    /// assert_eq!(ResourceKind::Payment.as_str(), "Payment");
    /// assert_eq!("Payment".parse::<ResourceKind>(), Ok(ResourceKind::Payment));
    /// assert_eq!("Refund".parse::<ResourceKind>(), Ok(ResourceKind::Other("Refund".into())));
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            ResourceKind::Order => "Order",
            ResourceKind::Subscription => "Subscription",
            ResourceKind::SubscriptionItem => "SubscriptionItem",
            ResourceKind::Invoice => "Invoice",
            ResourceKind::Payment => "Payment",
            ResourceKind::Customer => "Customer",
            ResourceKind::Product => "Product",
            ResourceKind::Price => "Price",
            ResourceKind::Cover => "Cover",
            ResourceKind::Other(name) => name,
        }
    }
}

impl FromStr for ResourceKind {
    type Err = std::convert::Infallible;

    /// Never fails: a name this crate does not know reads as [`ResourceKind::Other`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "Order" => ResourceKind::Order,
            "Subscription" => ResourceKind::Subscription,
            "SubscriptionItem" => ResourceKind::SubscriptionItem,
            "Invoice" => ResourceKind::Invoice,
            "Payment" => ResourceKind::Payment,
            "Customer" => ResourceKind::Customer,
            "Product" => ResourceKind::Product,
            "Price" => ResourceKind::Price,
            "Cover" => ResourceKind::Cover,
            other => ResourceKind::Other(other.to_owned()),
        })
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The StepPay object an event is about: its kind and identifier, shown as
/// `Subscription 90210`.
///
/// Identifiers are kept as text: numeric ids in decimal, product and price codes as sent.
///
/// # Examples
///
/// ```
/// use steppay_webhook::{parse_webhook, Resource, ResourceKind};
///
/// let body = br#"{"timestamp":1795046400,"version":"v1","event":"subscription.updated",
///   "data":{"subscriptionId":90210,"status":"ACTIVE"}}"#;
/// let resource = parse_webhook(body)?.event.resource().unwrap();
/// assert_eq!(resource, Resource::new(ResourceKind::Subscription, "90210"));
/// assert_eq!(resource.to_string(), "Subscription 90210");
/// # Ok::<(), steppay_webhook::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Resource {
    /// What kind of object.
    pub kind: ResourceKind,
    /// Its identifier.
    pub id: String,
}

impl Resource {
    /// A resource of `kind` with identifier `id`.
    pub fn new(kind: ResourceKind, id: impl Into<String>) -> Self {
        Self {
            kind,
            id: id.into(),
        }
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.id)
    }
}

/// A time as a UTC instant, unless it is StepPay's year-9999 "never" sentinel.
fn instant(value: &DateTime) -> Option<chrono::DateTime<Utc>> {
    (!value.is_never()).then(|| value.to_utc())
}

/// The latest of some optional times, sentinels left out.
fn latest<'a>(
    values: impl IntoIterator<Item = Option<&'a DateTime>>,
) -> Option<chrono::DateTime<Utc>> {
    values.into_iter().flatten().filter_map(instant).max()
}

impl Event {
    /// The object this event is about, or `None` when the event names none: an unknown event
    /// type, or an invoice event without an `id`.
    ///
    /// | events | resource | identifier |
    /// |---|---|---|
    /// | `order.*` | [`Order`](ResourceKind::Order) | `id` |
    /// | `subscription.created`, `.updated`, `.payment_due_notification` | [`Subscription`](ResourceKind::Subscription) | `subscriptionId` |
    /// | `subscription.usage.added` | [`SubscriptionItem`](ResourceKind::SubscriptionItem) | `subscriptionItemId` |
    /// | `invoice.*` | [`Invoice`](ResourceKind::Invoice) | `id` |
    /// | `payment.*` | [`Payment`](ResourceKind::Payment) | `paymentId` |
    /// | `customer.*` | [`Customer`](ResourceKind::Customer) | `id` |
    /// | `product.created`, `.updated`, `.deleted` | [`Product`](ResourceKind::Product) | `code` |
    /// | `product.price.*` | [`Price`](ResourceKind::Price) | price code |
    /// | `cover.*` | [`Cover`](ResourceKind::Cover) | `id` |
    pub fn resource(&self) -> Option<Resource> {
        use ResourceKind as K;
        let (kind, id) = match self {
            Event::OrderCreated(o) | Event::OrderUpdated(o) | Event::OrderPaymentCompleted(o) => {
                (K::Order, o.id.to_string())
            }
            Event::SubscriptionCreated(s)
            | Event::SubscriptionUpdated(s)
            | Event::SubscriptionPaymentDueNotification(s) => {
                (K::Subscription, s.subscription_id.to_string())
            }
            Event::SubscriptionUsageAdded(u) => {
                (K::SubscriptionItem, u.subscription_item_id.to_string())
            }
            Event::InvoiceCreated(i) | Event::InvoiceUpdated(i) | Event::InvoiceDeleted(i) => {
                (K::Invoice, i.id?.to_string())
            }
            Event::PaymentCompleted(p)
            | Event::PaymentFailed(p)
            | Event::PaymentCanceled(p)
            | Event::PaymentStandby(p) => (K::Payment, p.payment_id.to_string()),
            Event::CustomerCreated(c) | Event::CustomerUpdated(c) | Event::CustomerDeleted(c) => {
                (K::Customer, c.id.to_string())
            }
            Event::ProductCreated(p) | Event::ProductUpdated(p) | Event::ProductDeleted(p) => {
                (K::Product, p.code.clone())
            }
            Event::ProductPriceCreated(p)
            | Event::ProductPriceUpdated(p)
            | Event::ProductPriceDeleted(p) => (K::Price, p.price_code.clone()),
            Event::CoverSentMessage(c)
            | Event::CoverDelayedMessage(c)
            | Event::CoverChangedPaymentDate(c)
            | Event::CoverPaused(c) => (K::Cover, c.id.to_string()),
            Event::Unknown { .. } => return None,
        };
        Some(Resource::new(kind, id))
    }

    /// The time the event's data says it is "as of", as a UTC instant, when the data carries
    /// one; [`Webhook::as_of`] falls back to the envelope timestamp.
    ///
    /// Offset-less StepPay times are read by [`DateTime::to_utc`]; StepPay's year-9999
    /// "never" sentinel is not a time and is skipped.
    ///
    /// | schema | as of |
    /// |---|---|
    /// | Order | `modifiedAt` |
    /// | Product, Price | `modifiedAt` |
    /// | Payment | the latest of `paidAt`, `cancel.lastCanceledDate` and `niceCms.date` (when the CMS status happened) |
    /// | Usage | the newest record's `influxDate` |
    /// | Invoice | `deletedAt` (set on deleted invoices) |
    /// | Subscription, Customer, Cover | none: their data carries no change time (`nextPaymentDate` or `nextRetryDatetime` lie in the future, `createdAt` never moves) |
    ///
    /// Times that describe the future or a schedule (`paymentDueDate`, `purchaseDeadline`,
    /// `vBank.bankDate`, `reservationAt`) are not "as of" times and are never used.
    pub fn as_of(&self) -> Option<chrono::DateTime<Utc>> {
        match self {
            Event::OrderCreated(o) | Event::OrderUpdated(o) | Event::OrderPaymentCompleted(o) => {
                latest([o.modified_at.as_ref()])
            }
            Event::ProductCreated(p) | Event::ProductUpdated(p) | Event::ProductDeleted(p) => {
                latest([p.modified_at.as_ref()])
            }
            Event::ProductPriceCreated(p)
            | Event::ProductPriceUpdated(p)
            | Event::ProductPriceDeleted(p) => latest([p.modified_at.as_ref()]),
            Event::PaymentCompleted(p)
            | Event::PaymentFailed(p)
            | Event::PaymentCanceled(p)
            | Event::PaymentStandby(p) => latest([
                p.paid_at.as_ref(),
                p.cancel
                    .as_ref()
                    .and_then(|c| c.last_canceled_date.as_ref()),
                p.nice_cms.as_ref().and_then(|cms| cms.date.as_ref()),
            ]),
            Event::SubscriptionUsageAdded(u) => {
                latest(u.record_quotas.iter().map(|r| r.influx_date.as_ref()))
            }
            Event::InvoiceCreated(i) | Event::InvoiceUpdated(i) | Event::InvoiceDeleted(i) => {
                latest([i.deleted_at.as_ref()])
            }
            Event::SubscriptionCreated(_)
            | Event::SubscriptionUpdated(_)
            | Event::SubscriptionPaymentDueNotification(_)
            | Event::CustomerCreated(_)
            | Event::CustomerUpdated(_)
            | Event::CustomerDeleted(_)
            | Event::CoverSentMessage(_)
            | Event::CoverDelayedMessage(_)
            | Event::CoverChangedPaymentDate(_)
            | Event::CoverPaused(_)
            | Event::Unknown { .. } => None,
        }
    }
}

impl Webhook {
    /// The best "as of" time of this delivery: [`Event::as_of`] when the data carries one,
    /// else the envelope timestamp ([`Webhook::sent_at`]), else `None` (a timestamp out of
    /// range).
    ///
    /// The envelope timestamp is when StepPay sent the event, at whole seconds: several events
    /// share one second, and a delivery resent by hand from the StepPay portal carries the time
    /// of the resend. It is the fallback, not the first choice.
    ///
    /// ```
    /// use steppay_webhook::parse_webhook;
    ///
    /// let body = r#"{"timestamp":1795046400,"version":"v1","event":"order.updated",
    ///   "data":{"id":7,"code":"20261119A7","type":"ONE_TIME","paidAmount":39600,"returnedAmount":0,
    ///   "leftAmount":0,"discountedAmount":0,"productName":"월간 커피 구독",
    ///   "modifiedAt":"2026-11-18T23:59:30Z"}}"#;
    /// let webhook = parse_webhook(body.as_bytes())?;
    /// assert_eq!(webhook.as_of().unwrap().to_rfc3339(), "2026-11-18T23:59:30+00:00");
    /// # Ok::<(), steppay_webhook::Error>(())
    /// ```
    pub fn as_of(&self) -> Option<chrono::DateTime<Utc>> {
        self.event.as_of().or_else(|| self.sent_at())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_webhook;

    fn webhook(event: &str, data: &str) -> Webhook {
        let body =
            format!(r#"{{"timestamp":1795046400,"version":"v1","event":"{event}","data":{data}}}"#);
        parse_webhook(body.as_bytes()).expect("parses")
    }

    const PAYMENT: &str = r#""paymentId":781204,"idKey":"k","status":"COMPLETE","paymentGateway":"TOSS","paymentMethod":"CARD""#;

    #[test]
    fn payment_as_of_is_the_latest_of_its_times() {
        let paid = webhook(
            "payment.canceled",
            &format!(
                r#"{{{PAYMENT},"paidAt":"2026-11-18T10:00:00Z",
                "cancel":{{"canceledAmount":39600,"lastCanceledDate":"2026-11-18T11:30:00Z"}}}}"#
            ),
        );
        assert_eq!(
            paid.event.resource(),
            Some(Resource::new(ResourceKind::Payment, "781204"))
        );
        assert_eq!(
            paid.as_of().map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-11-18T11:30:00+00:00")
        );
    }

    #[test]
    fn missing_times_fall_back_to_the_envelope() {
        let standby = webhook("payment.standby", &format!("{{{PAYMENT}}}"));
        assert_eq!(standby.event.as_of(), None);
        assert_eq!(standby.as_of(), standby.sent_at());
        let sub = webhook(
            "subscription.updated",
            r#"{"subscriptionId":90210,"status":"UNPAID","nextPaymentDate":"2026-12-18T00:00:00Z"}"#,
        );
        assert_eq!(sub.event.as_of(), None, "a future payment date is no as-of");
        assert_eq!(sub.as_of(), sub.sent_at());
    }

    #[test]
    fn the_never_sentinel_is_not_a_time() {
        let order = webhook(
            "order.updated",
            r#"{"id":7,"code":"A","type":"ONE_TIME","paidAmount":0,"returnedAmount":0,"leftAmount":0,
                "discountedAmount":0,"productName":"p","modifiedAt":"9999-01-01T00:00:00"}"#,
        );
        assert_eq!(order.event.as_of(), None);
    }

    #[test]
    fn usage_as_of_is_the_newest_record() {
        let usage = webhook(
            "subscription.usage.added",
            r#"{"id":1,"subscriptionItemId":3301,"accumulatedRecord":1000,"recordQuotas":[
              {"id":2,"deltaRecord":1000,"influxDate":"2026-11-18T02:38:47Z","accumulateRecord":1000,"via":"MANAGER"},
              {"id":1,"deltaRecord":0,"influxDate":"2026-11-18T01:35:42Z","accumulateRecord":0,"via":"SYSTEM"}]}"#,
        );
        assert_eq!(
            usage.event.resource().map(|r| r.to_string()).as_deref(),
            Some("SubscriptionItem 3301")
        );
        assert_eq!(
            usage.as_of().map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-11-18T02:38:47+00:00")
        );
    }

    #[test]
    fn unknown_events_and_invoices_without_id_have_no_resource() {
        assert_eq!(
            webhook("refund.created", r#"{"id":1}"#).event.resource(),
            None
        );
        assert_eq!(webhook("invoice.updated", "{}").event.resource(), None);
        assert_eq!(
            webhook("invoice.updated", r#"{"id":55}"#).event.resource(),
            Some(Resource::new(ResourceKind::Invoice, "55"))
        );
    }

    #[test]
    fn kind_names_round_trip() {
        for kind in [
            ResourceKind::Order,
            ResourceKind::Subscription,
            ResourceKind::SubscriptionItem,
            ResourceKind::Invoice,
            ResourceKind::Payment,
            ResourceKind::Customer,
            ResourceKind::Product,
            ResourceKind::Price,
            ResourceKind::Cover,
            ResourceKind::Other("Refund".into()),
        ] {
            assert_eq!(kind.as_str().parse::<ResourceKind>(), Ok(kind.clone()));
        }
    }
}
