//! One recording handler for the dispatch and server tests: it implements both
//! `WebhookHandler` and `AsyncWebhookHandler` and records what each method was given.
//!
//! The table of the 27 handler methods below is written out by hand, on purpose: it is
//! what checks the crate's own event table (method name, `Event` variant and payload type
//! for every event type), so it must not be generated from the crate's code.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use steppay_webhook::{
    AsyncWebhookHandler, Cover, Customer, Event, Invoice, Order, Payment, Price, Product, RawJson,
    Subscription, UnreadableData, Usage, WebhookHandler, WebhookMeta,
};

/// The error of a handler call made to fail with [`Recorder::fail_on`].
pub const HANDLER_ERROR: &str = "database unavailable";

// ---------------------------------------------------------------------------------------
// Key values of the typed payloads.
// ---------------------------------------------------------------------------------------

/// A short identifying value of a typed payload (ids and codes), recorded with each call
/// so that a test can compare it with the same fields read from the raw JSON.
pub trait KeyValue {
    /// The fields joined with `|`, `null` for a missing one.
    fn key_value(&self) -> String;
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "null".to_owned(), T::to_string)
}

macro_rules! key_values {
    ($( $payload:ty => |$data:ident| $key:expr; )+) => {
        $(
            impl KeyValue for $payload {
                fn key_value(&self) -> String {
                    let $data = self;
                    $key
                }
            }
        )+
    };
}

key_values! {
    Order => |o| format!("{}|{}", o.id, o.code);
    Subscription => |s| format!("{}|{}", s.subscription_id, opt(&s.order_id));
    Usage => |u| format!("{}|{}", u.id, u.subscription_item_id);
    Invoice => |i| format!("{}|{}", opt(&i.id), opt(&i.order_id));
    Payment => |p| format!("{}|{}", p.payment_id, p.id_key);
    Customer => |c| format!("{}|{}", c.id, opt(&c.code));
    Product => |p| p.code.clone();
    Price => |p| p.price_code.clone();
    Cover => |c| format!("{}|{}", c.id, c.subscription_id);
}

// ---------------------------------------------------------------------------------------
// Records.
// ---------------------------------------------------------------------------------------

/// One handler call as the handler saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The handler method that ran (`on_payment_completed`, `on_unknown`).
    pub method: &'static str,
    /// `meta.event_name`.
    pub event: String,
    /// `meta.timestamp`.
    pub timestamp: i64,
    /// `meta.version`.
    pub version: String,
    /// The payload's [`KeyValue`]; empty for `on_unknown`, `path: message` for
    /// `on_unreadable`.
    pub key: String,
    /// The typed payload as the handler saw it, rebuilt into an `Event`.
    pub typed: Option<Event>,
    /// The raw data, for `on_unknown` and `on_unreadable`.
    pub raw: Option<Value>,
}

impl Record {
    fn typed(method: &'static str, meta: WebhookMeta<'_>, key: String, typed: Event) -> Self {
        Record {
            method,
            event: meta.event_name.to_owned(),
            timestamp: meta.timestamp,
            version: meta.version.to_owned(),
            key,
            typed: Some(typed),
            raw: None,
        }
    }

    fn unknown(meta: WebhookMeta<'_>, data: &RawJson) -> Self {
        Record {
            method: "on_unknown",
            event: meta.event_name.to_owned(),
            timestamp: meta.timestamp,
            version: meta.version.to_owned(),
            key: String::new(),
            typed: None,
            raw: Some(data.to_value().expect("test data fits a Value")),
        }
    }

    fn unreadable(meta: WebhookMeta<'_>, data: &UnreadableData<'_>) -> Self {
        Record {
            method: "on_unreadable",
            event: meta.event_name.to_owned(),
            timestamp: meta.timestamp,
            version: meta.version.to_owned(),
            key: format!("{}: {}", data.path(), data.message()),
            typed: None,
            raw: Some(serde_json::from_str(data.raw_data()).expect("raw data is JSON")),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The recorder.
// ---------------------------------------------------------------------------------------

#[derive(Default)]
struct State {
    records: Mutex<Vec<Record>>,
    /// Successful calls, never reset.
    calls: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    /// The event type whose calls fail, if any.
    failing: Mutex<Option<String>>,
    /// When set, every async call sleeps a little, so that concurrent requests overlap.
    slow: AtomicBool,
}

/// Records every call of every handler method, sync or async; cheap to clone (clones share
/// the records), since `webhook_router` takes the handler by value.
#[derive(Clone, Default)]
pub struct Recorder(Arc<State>);

impl Recorder {
    /// Every recorded call so far, oldest first.
    pub fn records(&self) -> Vec<Record> {
        self.0.records.lock().expect("records lock").clone()
    }

    /// Removes and returns the recorded calls (the call counter keeps counting).
    pub fn take(&self) -> Vec<Record> {
        std::mem::take(&mut *self.0.records.lock().expect("records lock"))
    }

    /// (event name, typed event) of every recorded typed call.
    pub fn events(&self) -> Vec<(String, Event)> {
        self.records()
            .into_iter()
            .filter_map(|r| r.typed.map(|typed| (r.event, typed)))
            .collect()
    }

    /// (event name, raw data) of every recorded `on_unknown` call.
    pub fn unknown(&self) -> Vec<(String, Value)> {
        self.records()
            .into_iter()
            .filter(|r| r.method == "on_unknown")
            .filter_map(|r| r.raw.map(|raw| (r.event, raw)))
            .collect()
    }

    /// How many calls succeeded since the recorder was made.
    pub fn calls(&self) -> usize {
        self.0.calls.load(Ordering::SeqCst)
    }

    /// How many async calls are running now.
    pub fn in_flight(&self) -> usize {
        self.0.in_flight.load(Ordering::SeqCst)
    }

    /// The most async calls that ever ran at once.
    pub fn max_in_flight(&self) -> usize {
        self.0.max_in_flight.load(Ordering::SeqCst)
    }

    /// From now on, calls for `event` (none if `None`) fail with [`HANDLER_ERROR`], and are
    /// neither recorded nor counted.
    pub fn fail_on(&self, event: Option<&str>) {
        *self.0.failing.lock().expect("failing lock") = event.map(str::to_owned);
    }

    /// Makes every async call sleep 20 ms (or not), so that concurrent requests overlap.
    pub fn set_slow(&self, slow: bool) {
        self.0.slow.store(slow, Ordering::SeqCst);
    }

    fn finish(&self, record: Record) -> Result<(), String> {
        let state = &self.0;
        if state.failing.lock().expect("failing lock").as_deref() == Some(record.event.as_str()) {
            return Err(HANDLER_ERROR.to_owned());
        }
        state.calls.fetch_add(1, Ordering::SeqCst);
        state.records.lock().expect("records lock").push(record);
        Ok(())
    }

    async fn finish_async(&self, record: Record) -> Result<(), String> {
        let state = &self.0;
        let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        state.max_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::task::yield_now().await;
        if state.slow.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        state.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.finish(record)
    }
}

/// Implements every method of both handler traits by recording, and lists the method names.
macro_rules! recorder_methods {
    ($( ($method:ident, $variant:ident, $payload:ident), )+) => {
        /// The name of every typed handler method.
        pub const METHODS: [&str; 27] = [$(stringify!($method)),+];

        impl WebhookHandler for Recorder {
            type Error = String;

            $(
                fn $method(&self, meta: WebhookMeta<'_>, data: &$payload) -> Result<(), String> {
                    let typed = Event::$variant(Box::new(data.clone()));
                    self.finish(Record::typed(stringify!($method), meta, data.key_value(), typed))
                }
            )+

            fn on_unknown(&self, meta: WebhookMeta<'_>, data: &RawJson) -> Result<(), String> {
                self.finish(Record::unknown(meta, data))
            }

            fn on_unreadable(&self, meta: WebhookMeta<'_>, data: &UnreadableData<'_>) -> Result<(), String> {
                self.finish(Record::unreadable(meta, data))
            }
        }

        impl AsyncWebhookHandler for Recorder {
            type Error = String;

            $(
                async fn $method(&self, meta: WebhookMeta<'_>, data: &$payload) -> Result<(), String> {
                    let typed = Event::$variant(Box::new(data.clone()));
                    let record = Record::typed(stringify!($method), meta, data.key_value(), typed);
                    self.finish_async(record).await
                }
            )+

            async fn on_unknown(&self, meta: WebhookMeta<'_>, data: &RawJson) -> Result<(), String> {
                self.finish_async(Record::unknown(meta, data)).await
            }

            async fn on_unreadable(&self, meta: WebhookMeta<'_>, data: &UnreadableData<'_>) -> Result<(), String> {
                self.finish_async(Record::unreadable(meta, data)).await
            }
        }
    };
}

/// Calls `$callback!` with the table of the 27 typed handler methods:
/// `(method, Event variant, payload type)` for every known event type. Other test handlers
/// (the inbox tests' database recorder) implement the handler traits from the same table.
macro_rules! with_handler_methods {
    ($callback:ident) => {
        $callback! {
            (on_order_created, OrderCreated, Order),
            (on_order_updated, OrderUpdated, Order),
            (on_order_payment_completed, OrderPaymentCompleted, Order),
            (on_subscription_created, SubscriptionCreated, Subscription),
            (on_subscription_updated, SubscriptionUpdated, Subscription),
            (on_subscription_payment_due_notification, SubscriptionPaymentDueNotification, Subscription),
            (on_subscription_usage_added, SubscriptionUsageAdded, Usage),
            (on_invoice_created, InvoiceCreated, Invoice),
            (on_invoice_updated, InvoiceUpdated, Invoice),
            (on_invoice_deleted, InvoiceDeleted, Invoice),
            (on_payment_completed, PaymentCompleted, Payment),
            (on_payment_failed, PaymentFailed, Payment),
            (on_payment_canceled, PaymentCanceled, Payment),
            (on_payment_standby, PaymentStandby, Payment),
            (on_customer_created, CustomerCreated, Customer),
            (on_customer_updated, CustomerUpdated, Customer),
            (on_customer_deleted, CustomerDeleted, Customer),
            (on_product_created, ProductCreated, Product),
            (on_product_updated, ProductUpdated, Product),
            (on_product_deleted, ProductDeleted, Product),
            (on_product_price_created, ProductPriceCreated, Price),
            (on_product_price_updated, ProductPriceUpdated, Price),
            (on_product_price_deleted, ProductPriceDeleted, Price),
            (on_cover_sent_message, CoverSentMessage, Cover),
            (on_cover_delayed_message, CoverDelayedMessage, Cover),
            (on_cover_changed_payment_date, CoverChangedPaymentDate, Cover),
            (on_cover_paused, CoverPaused, Cover),
        }
    };
}
#[cfg(all(
    feature = "sqlite",
    feature = "postgres",
    feature = "axum",
    feature = "actix-web"
))]
pub(crate) use with_handler_methods;

with_handler_methods!(recorder_methods);
