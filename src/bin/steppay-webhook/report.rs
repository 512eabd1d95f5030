//! What a webhook body holds, as the rows of a two-column table: the event, its ids,
//! amounts and statuses. Webhook v2 and v1 bodies both.
//!
//! Shared by the `steppay-webhook` tool (`inspect`, `listen`, `trigger`, `verify`) and the
//! `inspect` example, which includes this file with `#[path]`: so it uses nothing but the
//! library, its dependencies and std, and works with no feature enabled.
//!
//! Personal data stays out: no e-mail, phone, address or account number is shown.

use std::io::{IsTerminal, Read};

use steppay_webhook::legacy::{detect_version, parse_legacy, LegacyWebhook, WebhookVersion};
use steppay_webhook::{parse_webhook, Event, Webhook};

/// The body `inspect` shows when given no input.
const BUNDLED_SAMPLE: &[u8] = include_bytes!("../../../tests/fixtures/order.created.json");

/// How a value is shown where colour is on (plain text otherwise).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Ordinary text.
    Plain,
    /// The event's name.
    Event,
    /// Success: a verified signature, a 2xx answer.
    Good,
    /// Attention: an unsigned v1 body, test mode, a development key.
    Warn,
    /// Failure: a refused delivery, a signature that does not verify.
    Bad,
    /// Secondary detail.
    Dim,
}

/// One row: a short label and its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub label: &'static str,
    pub value: String,
    pub tone: Tone,
}

/// Rows of a two-column table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub rows: Vec<Row>,
}

impl Report {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a plain row.
    pub fn row(&mut self, label: &'static str, value: impl Into<String>) -> &mut Self {
        self.toned(label, value, Tone::Plain)
    }

    /// Adds a row shown in `tone`. Control characters in `value` (line breaks, terminal
    /// escape sequences from a body) are shown escaped, so that a value stays on its line
    /// and cannot drive the terminal.
    pub fn toned(
        &mut self,
        label: &'static str,
        value: impl Into<String>,
        tone: Tone,
    ) -> &mut Self {
        let value = printable(value.into());
        self.rows.push(Row { label, value, tone });
        self
    }

    /// Adds the rows of `other`.
    pub fn extend(&mut self, other: Report) -> &mut Self {
        self.rows.extend(other.rows);
        self
    }

    /// The width of the label column.
    pub fn label_width(&self) -> usize {
        self.rows
            .iter()
            .map(|row| row.label.len())
            .max()
            .unwrap_or(0)
    }

    /// The table as plain text, one row a line, labels padded to one width (the `inspect`
    /// example's output; the tool styles its tables).
    #[allow(dead_code)]
    pub fn plain(&self) -> String {
        let width = self.label_width();
        let mut out = String::new();
        for row in &self.rows {
            out.push_str(&format!("{:<width$}  {}\n", row.label, row.value));
        }
        out
    }
}

/// `value` with its control characters (line breaks, terminal escape sequences from a body)
/// shown escaped, so that it stays on its line and cannot drive the terminal.
pub fn printable(value: String) -> String {
    if !value.chars().any(char::is_control) {
        return value;
    }
    value
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Why `inspect` shows nothing.
#[derive(Debug)]
pub enum InspectError {
    /// The input could not be read.
    Unreadable(String),
    /// It was read, and is not a StepPay webhook.
    NotAWebhook(String),
}

impl std::fmt::Display for InspectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InspectError::Unreadable(message) | InspectError::NotAWebhook(message) => {
                f.write_str(message)
            }
        }
    }
}

/// `inspect [FILE|-]`: reads the body from `arg` (a path, or `-` for standard input), or
/// from piped standard input, or takes the bundled sample when there is no input at all,
/// and describes it, its source first.
pub fn inspect(arg: Option<&str>) -> Result<Report, InspectError> {
    let (source, body) = match arg {
        Some(arg) => read_source(arg).map_err(InspectError::Unreadable)?,
        None if std::io::stdin().is_terminal() => bundled_sample(),
        None => match read_stdin().map_err(InspectError::Unreadable)? {
            body if body.iter().all(u8::is_ascii_whitespace) => bundled_sample(),
            body => ("standard input".to_owned(), body),
        },
    };
    let mut report = Report::new();
    report.row("source", source.clone());
    let described = describe(&body, None)
        .map_err(|error| InspectError::NotAWebhook(format!("{source}: {error}")))?;
    report.extend(described);
    Ok(report)
}

fn bundled_sample() -> (String, Vec<u8>) {
    (
        "bundled sample (order.created)".to_owned(),
        BUNDLED_SAMPLE.to_vec(),
    )
}

/// The bytes of `arg`: the file at that path, or standard input for `-`; with a name for
/// messages.
pub fn read_source(arg: &str) -> Result<(String, Vec<u8>), String> {
    if arg == "-" {
        return read_stdin().map(|body| ("standard input".to_owned(), body));
    }
    std::fs::read(arg)
        .map(|body| (arg.to_owned(), body))
        .map_err(|e| format!("cannot read {arg}: {e}"))
}

fn read_stdin() -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    Ok(body)
}

/// Describes a body of either webhook version (`content_type` as for [`detect_version`]),
/// or says why it is not a StepPay webhook.
pub fn describe(body: &[u8], content_type: Option<&str>) -> Result<Report, String> {
    match detect_version(body, content_type) {
        WebhookVersion::V2 => parse_webhook(body)
            .map(|webhook| describe_webhook(&webhook, test_mode(body)))
            .map_err(|error| format!("not a StepPay webhook: {}", with_causes(&error))),
        WebhookVersion::V1 => match parse_legacy(body, content_type) {
            Ok(notification) => Ok(describe_legacy(&notification)),
            // Not a v1 body either: say what is wrong with it as v2, the current version.
            Err(legacy) => match parse_webhook(body) {
                Ok(webhook) => Ok(describe_webhook(&webhook, test_mode(body))),
                Err(error) => Err(format!(
                    "not a StepPay webhook: {} (nor webhook v1: {legacy})",
                    with_causes(&error)
                )),
            },
        },
    }
}

/// The envelope's `isTest` flag, read from the JSON (StepPay's test mode).
fn test_mode(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|json| json.get("isTest")?.as_bool())
        .unwrap_or(false)
}

/// An error's message followed by those of its sources.
pub fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A webhook's date-time for display: UTC, to the second.
pub fn utc(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A value shown in a table: the value itself, or `-` when it is absent. Implemented for
/// each type shown and for `Option` of it, so that a field becoming optional changes
/// nothing here.
trait Show {
    fn show(&self) -> String;
}

impl<T: Show> Show for Option<T> {
    fn show(&self) -> String {
        self.as_ref().map_or_else(|| "-".to_owned(), Show::show)
    }
}

macro_rules! show_with_display {
    ($($type:ty),+ $(,)?) => {
        $(impl Show for $type {
            fn show(&self) -> String {
                self.to_string()
            }
        })+
    };
}

show_with_display!(
    String,
    i64,
    i32,
    steppay_webhook::Decimal,
    steppay_webhook::DateTime,
    steppay_webhook::SubscriptionStatus,
    steppay_webhook::DateUnitType,
    steppay_webhook::PaymentGateway,
    steppay_webhook::PaymentMethod,
    steppay_webhook::PaymentStatus,
    steppay_webhook::PriceType,
    steppay_webhook::InvoiceStatus,
    steppay_webhook::OrderType,
    steppay_webhook::OrderItemStatus,
    steppay_webhook::ProductStatus,
    steppay_webhook::CoverMessageType,
    steppay_webhook::legacy::WebhookType,
);

fn show(value: &impl Show) -> String {
    value.show()
}

/// The rows of a v2 webhook: event, time, then the event's ids, amounts and statuses.
pub fn describe_webhook(webhook: &Webhook, test_mode: bool) -> Report {
    let mut report = Report::new();
    let kind = match webhook.event_type() {
        Some(kind) => kind.schema_name(),
        None => "unknown event type",
    };
    report.toned(
        "event",
        format!("{} ({kind})", webhook.event_name()),
        Tone::Event,
    );
    let sent = webhook
        .sent_at()
        .map_or_else(|| "out of range".to_owned(), utc);
    report.row(
        "sent at",
        format!(
            "{sent} (timestamp {}, version {})",
            webhook.timestamp, webhook.version
        ),
    );
    if test_mode {
        report.toned("mode", "test (isTest: true)", Tone::Warn);
    }
    report.extend(describe_event(&webhook.event));
    report
}

fn describe_event(event: &Event) -> Report {
    let mut report = Report::new();
    match event {
        Event::OrderCreated(order)
        | Event::OrderUpdated(order)
        | Event::OrderPaymentCompleted(order) => {
            report.row(
                "order",
                format!(
                    "{} (#{}), {}: {}",
                    show(&order.code),
                    show(&order.id),
                    show(&order.r#type),
                    show(&order.product_name)
                ),
            );
            report.row(
                "amounts",
                format!(
                    "paid {} KRW, refunded {}, left {}, discount {}",
                    show(&order.paid_amount),
                    show(&order.returned_amount),
                    show(&order.left_amount),
                    show(&order.discounted_amount)
                ),
            );
            report.row(
                "customer",
                format!(
                    "{}, paid at {}",
                    show(&order.customer_id),
                    show(&order.payment_date)
                ),
            );
            for item in &order.items {
                report.row(
                    "item",
                    format!(
                        "{} {} x{} {} {} [{}]",
                        show(&item.code),
                        show(&item.product_name),
                        show(&item.quantity),
                        show(&item.paid_amount),
                        show(&item.currency),
                        show(&item.status)
                    ),
                );
            }
        }
        Event::SubscriptionCreated(sub)
        | Event::SubscriptionUpdated(sub)
        | Event::SubscriptionPaymentDueNotification(sub) => {
            report.row(
                "subscription",
                format!(
                    "#{} [{}], customer {}",
                    show(&sub.subscription_id),
                    show(&sub.status),
                    show(&sub.customer_id)
                ),
            );
            report.row(
                "cycle",
                format!(
                    "every {} {}, next payment {}",
                    show(&sub.interval_count),
                    show(&sub.interval_unit),
                    show(&sub.next_payment_date)
                ),
            );
            for item in &sub.items {
                report.row(
                    "item",
                    format!(
                        "{} x{} {} KRW ({})",
                        show(&item.product_name),
                        show(&item.quantity),
                        show(&item.price),
                        show(&item.price_type)
                    ),
                );
            }
        }
        Event::SubscriptionUsageAdded(usage) => {
            report.row(
                "usage",
                format!(
                    "#{} on subscription item {}",
                    show(&usage.id),
                    show(&usage.subscription_item_id)
                ),
            );
            report.row(
                "records",
                format!(
                    "accumulated {}, quota {}, {} records",
                    show(&usage.accumulated_record),
                    show(&usage.accumulated_quota),
                    usage.record_quotas.len()
                ),
            );
        }
        Event::InvoiceCreated(invoice)
        | Event::InvoiceUpdated(invoice)
        | Event::InvoiceDeleted(invoice) => {
            report.row(
                "invoice",
                format!(
                    "#{} [{}], order {}",
                    show(&invoice.id),
                    show(&invoice.status),
                    show(&invoice.order_code)
                ),
            );
            report.row(
                "amounts",
                format!(
                    "discount {}, deadline {}",
                    show(&invoice.discount),
                    show(&invoice.purchase_deadline)
                ),
            );
        }
        Event::PaymentCompleted(payment)
        | Event::PaymentFailed(payment)
        | Event::PaymentCanceled(payment)
        | Event::PaymentStandby(payment) => {
            report.row(
                "payment",
                format!(
                    "#{} [{}] via {} / {}",
                    show(&payment.payment_id),
                    show(&payment.status),
                    show(&payment.payment_gateway),
                    show(&payment.payment_method)
                ),
            );
            report.row(
                "amounts",
                format!(
                    "{} KRW, order {}, paid at {}",
                    show(&payment.paid_amount),
                    show(&payment.order_id),
                    show(&payment.paid_at)
                ),
            );
            if let Some(message) = &payment.error_message {
                report.toned("error", message.clone(), Tone::Bad);
            }
            if let Some(cancel) = &payment.cancel {
                report.row("canceled", format!("{} KRW", show(&cancel.canceled_amount)));
            }
            if let Some(vbank) = &payment.v_bank {
                report.row(
                    "deposit",
                    format!(
                        "virtual account at {}, by {}",
                        show(&vbank.bank_name),
                        show(&vbank.bank_date)
                    ),
                );
            }
        }
        Event::CustomerCreated(customer)
        | Event::CustomerUpdated(customer)
        | Event::CustomerDeleted(customer) => {
            report.row(
                "customer",
                format!(
                    "#{} {}, code {}, {} attributes",
                    show(&customer.id),
                    show(&customer.name),
                    show(&customer.code),
                    customer.attributes.len()
                ),
            );
        }
        Event::ProductCreated(product)
        | Event::ProductUpdated(product)
        | Event::ProductDeleted(product) => {
            report.row(
                "product",
                format!(
                    "{} {} [{}]",
                    show(&product.code),
                    show(&product.name),
                    show(&product.status)
                ),
            );
            for price in &product.prices {
                report.row(
                    "price",
                    format!(
                        "{} {} KRW ({})",
                        show(&price.price_code),
                        show(&price.price),
                        show(&price.r#type)
                    ),
                );
            }
        }
        Event::ProductPriceCreated(price)
        | Event::ProductPriceUpdated(price)
        | Event::ProductPriceDeleted(price) => {
            let plan = price.plan.as_ref().map(|plan| show(&plan.name));
            report.row(
                "price",
                format!(
                    "{} {} KRW ({}), plan {}",
                    show(&price.price_code),
                    show(&price.price),
                    show(&price.r#type),
                    plan.unwrap_or_else(|| "-".to_owned())
                ),
            );
        }
        Event::CoverSentMessage(cover)
        | Event::CoverDelayedMessage(cover)
        | Event::CoverChangedPaymentDate(cover)
        | Event::CoverPaused(cover) => {
            report.row(
                "cover",
                format!(
                    "#{} for subscription {} [{}], step {}, next retry {}",
                    show(&cover.id),
                    show(&cover.subscription_id),
                    show(&cover.message_type),
                    show(&cover.message_sent_step),
                    show(&cover.next_retry_datetime)
                ),
            );
        }
        Event::Unknown { data, .. } => {
            // The values may hold personal data: only the field names.
            // Only the top-level keys are read; the values stay raw.
            let keys = data
                .deserialize::<std::collections::BTreeMap<String, &serde_json::value::RawValue>>();
            let fields = match keys {
                Ok(object) => object.into_keys().collect::<Vec<_>>().join(", "),
                Err(_) => "(data is not an object)".to_owned(),
            };
            report.toned("data", format!("kept as JSON; fields: {fields}"), Tone::Dim);
        }
        _ => {
            report.toned(
                "data",
                "(an event type newer than this tool: update steppay-webhook)",
                Tone::Dim,
            );
        }
    }
    report
}

/// The rows of a v1 notification, with the warning that it is unsigned.
pub fn describe_legacy(notification: &LegacyWebhook) -> Report {
    let mut report = Report::new();
    let kind = match notification {
        LegacyWebhook::Order(_) => "order",
        LegacyWebhook::Subscription(_) => "subscription",
        LegacyWebhook::SelfPayment(_) => "self-payment",
    };
    report.toned(
        "event",
        format!("webhook v1 {kind} notification"),
        Tone::Event,
    );
    report.toned(
        "signature",
        "none: v1 is unsigned; confirm it through StepPay's API before acting",
        Tone::Warn,
    );
    match notification {
        LegacyWebhook::Order(order) => {
            report.row("type", show(&order.webhook_type));
            report.row("order", show(&order.order_id));
        }
        LegacyWebhook::SelfPayment(payment) => {
            report.row("type", show(&payment.webhook_type));
            report.row("order", show(&payment.order_id));
            report.row("idKey", show(&payment.id_key));
        }
        LegacyWebhook::Subscription(sub) => {
            report.row(
                "subscription",
                format!("#{} [{}]", show(&sub.subscription_id), show(&sub.status)),
            );
        }
    }
    report
}
