//! [`Event`] (one variant per StepPay event type, plus `Unknown`) and [`EventType`].

use serde::ser::{Serialize, Serializer};

use strum::{EnumCount, IntoEnumIterator, VariantArray};

use crate::schema::{
    Cover, Customer, Invoice, Order, Payment, Price, Product, Subscription, Usage,
};
use crate::RawJson;

/// The table of every event type this crate knows, one row per event type: variant, wire
/// name, payload type, handler method, and the doc line every generated item carries. Every
/// per-event list in the crate ([`Event`], [`EventType`], the handler traits, `dispatch`) is
/// generated from it, so the lists cannot drift apart.
///
/// `for_each_event!(callback)` expands to `callback! { (Variant, "wire.name", Payload,
/// on_method, "Doc line."), ... }`; `for_each_event!(callback tokens...)` puts the tokens
/// before the rows. Import it by path: `use crate::event::for_each_event;`.
macro_rules! for_each_event {
    ($callback:ident $($prefix:tt)*) => {
        $callback! {
            $($prefix)*
            (OrderCreated, "order.created", Order, on_order_created,
                "An order was created."),
            (OrderUpdated, "order.updated", Order, on_order_updated,
                "An order changed."),
            (OrderPaymentCompleted, "order.payment_completed", Order, on_order_payment_completed,
                "An order was paid successfully."),
            (SubscriptionCreated, "subscription.created", Subscription, on_subscription_created,
                "A subscription was created."),
            (SubscriptionUpdated, "subscription.updated", Subscription, on_subscription_updated,
                "A subscription changed (its status, for example)."),
            (SubscriptionPaymentDueNotification, "subscription.payment_due_notification", Subscription, on_subscription_payment_due_notification,
                "Advance notice of a subscription's upcoming payment."),
            (SubscriptionUsageAdded, "subscription.usage.added", Usage, on_subscription_usage_added,
                "Usage was recorded on a usage-based subscription item."),
            (InvoiceCreated, "invoice.created", Invoice, on_invoice_created,
                "An invoice was created."),
            (InvoiceUpdated, "invoice.updated", Invoice, on_invoice_updated,
                "An invoice changed."),
            (InvoiceDeleted, "invoice.deleted", Invoice, on_invoice_deleted,
                "An invoice was deleted."),
            (PaymentCompleted, "payment.completed", Payment, on_payment_completed,
                "A payment succeeded."),
            (PaymentFailed, "payment.failed", Payment, on_payment_failed,
                "A payment failed."),
            (PaymentCanceled, "payment.canceled", Payment, on_payment_canceled,
                "A payment was canceled."),
            (PaymentStandby, "payment.standby", Payment, on_payment_standby,
                "A payment is pending (waiting for a bank deposit, for example)."),
            (CustomerCreated, "customer.created", Customer, on_customer_created,
                "A customer was created."),
            (CustomerUpdated, "customer.updated", Customer, on_customer_updated,
                "A customer's details changed."),
            (CustomerDeleted, "customer.deleted", Customer, on_customer_deleted,
                "A customer was deleted."),
            (ProductCreated, "product.created", Product, on_product_created,
                "A product was created."),
            (ProductUpdated, "product.updated", Product, on_product_updated,
                "A product changed."),
            (ProductDeleted, "product.deleted", Product, on_product_deleted,
                "A product was deleted."),
            (ProductPriceCreated, "product.price.created", Price, on_product_price_created,
                "A price plan was created."),
            (ProductPriceUpdated, "product.price.updated", Price, on_product_price_updated,
                "A price plan changed."),
            (ProductPriceDeleted, "product.price.deleted", Price, on_product_price_deleted,
                "A price plan was deleted."),
            (CoverSentMessage, "cover.sent_message", Cover, on_cover_sent_message,
                "StepCover add-on: a dunning message was sent."),
            (CoverDelayedMessage, "cover.delayed_message", Cover, on_cover_delayed_message,
                "StepCover add-on: the customer asked to be reminded later."),
            (CoverChangedPaymentDate, "cover.changed_payment_date", Cover, on_cover_changed_payment_date,
                "StepCover add-on: the payment date was changed."),
            (CoverPaused, "cover.paused", Cover, on_cover_paused,
                "StepCover add-on: the cover expired or ended."),
        }
    };
}
pub(crate) use for_each_event;

macro_rules! define_events {
    ($( ($variant:ident, $wire:literal, $payload:ident, $method:ident, $doc:literal), )+) => {
        /// A webhook's event: its type and its typed data.
        ///
        /// Event types this crate does not know yet (StepPay adds them over time) read as
        /// [`Event::Unknown`] with the data kept as it came, so a receiver never fails on
        /// them. Payloads are boxed to keep the enum small.
        ///
        /// # Examples
        ///
        /// ```
        /// use steppay_webhook::{parse_webhook, Event, EventType};
        ///
        /// let body = br#"{"timestamp":1795046400,"version":"v1","event":"cover.paused",
        ///   "data":{"id":5,"customerId":"C-100","orderId":"O-200","subscriptionId":"S-300"}}"#;
        /// let event = parse_webhook(body)?.event;
        /// assert_eq!(event.event_type(), Some(EventType::CoverPaused));
        /// assert_eq!(event.event_name(), "cover.paused");
        /// match event {
        ///     Event::CoverPaused(cover) => assert_eq!(cover.subscription_id, "S-300"),
        ///     other => panic!("unexpected {}", other.event_name()),
        /// }
        /// # Ok::<(), steppay_webhook::Error>(())
        /// ```
        ///
        /// `Debug` shows the typed data (personal data masked by each schema type), and for
        /// [`Event::Unknown`] at most 40 characters of the name and only the data's length.
        #[derive(Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            $(
                #[doc = concat!("`", $wire, "`: ", $doc, " Data: [`", stringify!($payload), "`].")]
                $variant(Box<$payload>),
            )+
            /// An event type this crate does not know, with its data as sent.
            Unknown {
                /// The event type's wire name as sent (e.g. `"subscription.renewal_reminded"`).
                event_name: String,
                /// The `data` exactly as sent, byte for byte ([`RawJson::to_value`] gives a
                /// `serde_json::Value` when you want one).
                data: RawJson,
            },
        }

        /// The event types this crate knows (27).
        ///
        /// Converts to and from the wire name the same way as every wire enumeration of this
        /// crate (strum's derives, serde as the wire string): [`std::str::FromStr`] (an
        /// unknown name is an error: [`Event::Unknown`] keeps those),
        /// [`std::fmt::Display`], [`EventType::as_str`]; [`EventType::iter`] and
        /// [`EventType::COUNT`] list them.
        ///
        /// # Examples
        ///
        /// ```
        /// use steppay_webhook::EventType;
        ///
        /// let kind: EventType = "product.price.created".parse().unwrap();
        /// assert_eq!(kind, EventType::ProductPriceCreated);
        /// assert_eq!(kind.to_string(), "product.price.created");
        /// assert_eq!(EventType::COUNT, 27);
        /// assert_eq!(EventType::iter().count(), 27);
        /// assert!("subscription.renewal_reminded".parse::<EventType>().is_err());
        /// ```
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            strum::EnumString, strum::Display, strum::AsRefStr, strum::IntoStaticStr,
            strum::EnumIter, strum::EnumCount, strum::VariantArray,
        )]
        #[non_exhaustive]
        pub enum EventType {
            $(
                #[doc = concat!("`", $wire, "`: ", $doc)]
                #[strum(serialize = $wire)]
                $variant,
            )+
        }

        impl EventType {
            /// The wire name, e.g. `"order.payment_completed"`.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// The name of the schema this event type's data follows, e.g. `"Order"`.
            pub fn schema_name(self) -> &'static str {
                match self {
                    $(EventType::$variant => stringify!($payload),)+
                }
            }
        }

        impl std::fmt::Debug for Event {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $(Event::$variant(data) => f.debug_tuple(stringify!($variant)).field(data).finish(),)+
                    Event::Unknown { event_name, data } => f
                        .debug_struct("Unknown")
                        .field("event_name", &crate::error::excerpt(event_name))
                        .field("data", data)
                        .finish(),
                }
            }
        }

        impl Event {
            /// The event's type, or `None` for [`Event::Unknown`].
            pub fn event_type(&self) -> Option<EventType> {
                match self {
                    $(Event::$variant(_) => Some(EventType::$variant),)+
                    Event::Unknown { .. } => None,
                }
            }

            /// The wire name of the event type, for every event, unknown ones included.
            pub fn event_name(&self) -> &str {
                match self {
                    $(Event::$variant(_) => $wire,)+
                    Event::Unknown { event_name, .. } => event_name,
                }
            }

            /// Reads the data of a known event type from the entries of its object, in any
            /// serde format (no path tracking: the one-pass parse and `Deserialize`).
            pub(crate) fn from_map<'de, A: serde::de::MapAccess<'de>>(
                kind: EventType,
                map: A,
            ) -> Result<Event, A::Error> {
                let data = serde::de::value::MapAccessDeserializer::new(map);
                Ok(match kind {
                    $(EventType::$variant => Event::$variant(serde::Deserialize::deserialize(data)?),)+
                })
            }

            /// Parses `data` for a known event type, tracking the JSON path of any error.
            pub(crate) fn parse_known(
                kind: EventType,
                data: &str,
            ) -> Result<Event, serde_path_to_error::Error<serde_json::Error>> {
                let mut de = serde_json::Deserializer::from_str(data);
                Ok(match kind {
                    $(EventType::$variant => Event::$variant(serde_path_to_error::deserialize(&mut de)?),)+
                })
            }
        }

        impl Serialize for EventData<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self.0 {
                    $(Event::$variant(data) => data.serialize(serializer),)+
                    Event::Unknown { data, .. } => data.serialize(serializer),
                }
            }
        }
    };
}

for_each_event!(define_events);

/// Serializes an event's data the way it goes on the wire.
pub(crate) struct EventData<'a>(pub(crate) &'a Event);

impl Event {
    /// Whether this is an event type the crate does not know.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Event::Unknown { .. })
    }
}

impl EventType {
    /// Every known event type, in the order of StepPay's documentation.
    pub const ALL: &'static [EventType] = <EventType as VariantArray>::VARIANTS;

    /// How many event types the crate knows.
    pub const COUNT: usize = <EventType as EnumCount>::COUNT;

    /// Iterates over every known event type.
    pub fn iter() -> impl Iterator<Item = EventType> {
        <EventType as IntoEnumIterator>::iter()
    }
}

crate::wire_enum::wire_serde!(EventType, "a StepPay event type");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_and_are_distinct() {
        let mut names = std::collections::BTreeSet::new();
        for kind in EventType::iter() {
            let name = kind.as_str();
            assert_eq!(name.parse::<EventType>(), Ok(kind));
            assert_eq!(kind.to_string(), name);
            assert_eq!(kind.as_ref(), name);
            assert!(names.insert(name), "{name} listed twice");
        }
        assert_eq!(names.len(), 27);
        assert_eq!(EventType::COUNT, 27);
        assert_eq!(EventType::ALL.len(), 27);
    }

    #[test]
    fn serde_uses_the_wire_name() {
        let json = serde_json::to_string(&EventType::OrderPaymentCompleted).unwrap();
        assert_eq!(json, r#""order.payment_completed""#);
        assert_eq!(
            serde_json::from_str::<EventType>(&json).unwrap(),
            EventType::OrderPaymentCompleted
        );
        let error = serde_json::from_str::<EventType>(r#""order.exploded""#).unwrap_err();
        assert!(error.to_string().contains("order.exploded"), "{error}");
    }

    #[test]
    fn schema_names_follow_the_spec() {
        assert_eq!(EventType::SubscriptionUsageAdded.schema_name(), "Usage");
        assert_eq!(EventType::ProductPriceDeleted.schema_name(), "Price");
        assert_eq!(EventType::CoverPaused.schema_name(), "Cover");
        assert_eq!(EventType::OrderPaymentCompleted.schema_name(), "Order");
    }
}
