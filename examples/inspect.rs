//! Reads a StepPay webhook body and prints its event type and a short summary of the typed
//! data.
//!
//! ```text
//! cargo run --example inspect                          # a bundled sample
//! cargo run --example inspect -- body.json             # a file
//! curl -s ... | cargo run --example inspect -- -       # standard input
//! ```
//!
//! Exits with status 1 and a clear message when the body is not a StepPay webhook.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use steppay_webhook::{parse_webhook, Event, Webhook};

const SAMPLE: &[u8] = include_bytes!("../tests/fixtures/order.created.json");

fn main() -> ExitCode {
    let (source, body) = match read_input() {
        Ok(input) => input,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    match parse_webhook(&body) {
        Ok(webhook) => {
            println!("source:  {source}");
            print!("{}", describe(&webhook));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {source} is not a StepPay webhook: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The body from the path given as the first argument, `-` or piped standard input, or the
/// bundled sample when there is no input at all.
fn read_input() -> Result<(String, Vec<u8>), String> {
    let arg = std::env::args().nth(1);
    match arg.as_deref() {
        Some("-h" | "--help") => {
            Err("usage: inspect [FILE | -]  (no argument: bundled sample)".into())
        }
        Some("-") => read_stdin().map(|body| ("standard input".into(), body)),
        Some(path) => std::fs::read(path)
            .map(|body| (path.to_owned(), body))
            .map_err(|e| format!("cannot read {path}: {e}")),
        None if std::io::stdin().is_terminal() => {
            Ok(("bundled sample (order.created)".into(), SAMPLE.to_vec()))
        }
        None => match read_stdin()? {
            body if body.iter().all(u8::is_ascii_whitespace) => {
                Ok(("bundled sample (order.created)".into(), SAMPLE.to_vec()))
            }
            body => Ok(("standard input".into(), body)),
        },
    }
}

fn read_stdin() -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    Ok(body)
}

fn describe(webhook: &Webhook) -> String {
    let sent = webhook
        .sent_at()
        .map(|at| at.with_timezone(&steppay_webhook::KST).to_rfc3339())
        .unwrap_or_else(|| "out of range".into());
    let mut out = format!(
        "event:   {} ({})\nsent at: {sent} (timestamp {}, version {})\n",
        webhook.event_name(),
        match webhook.event_type() {
            Some(kind) => kind.schema_name(),
            None => "unknown event type",
        },
        webhook.timestamp,
        webhook.version,
    );
    for line in summary(&webhook.event) {
        out.push_str("  ");
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn opt<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string)
}

fn summary(event: &Event) -> Vec<String> {
    match event {
        Event::OrderCreated(order)
        | Event::OrderUpdated(order)
        | Event::OrderPaymentCompleted(order) => {
            let mut lines = vec![
                format!(
                    "order {} (#{}), {}: {}",
                    order.code,
                    order.id,
                    order.r#type,
                    opt(&order.product_name)
                ),
                format!(
                    "paid {} KRW, refunded {}, left {}, discount {}",
                    order.paid_amount,
                    order.returned_amount,
                    order.left_amount,
                    opt(&order.discounted_amount)
                ),
                format!(
                    "customer {}, paid at {}",
                    opt(&order.customer_id),
                    opt(&order.payment_date)
                ),
            ];
            for item in &order.items {
                lines.push(format!(
                    "- item {} {} x{} {} {} [{}]",
                    opt(&item.code),
                    opt(&item.product_name),
                    opt(&item.quantity),
                    item.paid_amount,
                    opt(&item.currency),
                    item.status
                ));
            }
            lines
        }
        Event::SubscriptionCreated(sub)
        | Event::SubscriptionUpdated(sub)
        | Event::SubscriptionPaymentDueNotification(sub) => {
            let mut lines = vec![
                format!(
                    "subscription #{} [{}], customer {}",
                    sub.subscription_id,
                    sub.status,
                    opt(&sub.customer_id)
                ),
                format!(
                    "every {} {}, next payment {}",
                    opt(&sub.interval_count),
                    opt(&sub.interval_unit),
                    opt(&sub.next_payment_date)
                ),
            ];
            for item in &sub.items {
                lines.push(format!(
                    "- {} x{} {} KRW ({})",
                    opt(&item.product_name),
                    opt(&item.quantity),
                    opt(&item.price),
                    opt(&item.price_type)
                ));
            }
            lines
        }
        Event::SubscriptionUsageAdded(usage) => vec![
            format!(
                "usage #{} on subscription item {}",
                usage.id, usage.subscription_item_id
            ),
            format!(
                "accumulated record {}, quota {}, {} records",
                usage.accumulated_record,
                opt(&usage.accumulated_quota),
                usage.record_quotas.len()
            ),
        ],
        Event::InvoiceCreated(invoice)
        | Event::InvoiceUpdated(invoice)
        | Event::InvoiceDeleted(invoice) => vec![
            format!(
                "invoice #{} [{}], order {}",
                opt(&invoice.id),
                opt(&invoice.status),
                opt(&invoice.order_code)
            ),
            format!(
                "discount {}, deadline {}",
                opt(&invoice.discount),
                opt(&invoice.purchase_deadline)
            ),
        ],
        Event::PaymentCompleted(payment)
        | Event::PaymentFailed(payment)
        | Event::PaymentCanceled(payment)
        | Event::PaymentStandby(payment) => {
            let mut lines = vec![
                format!(
                    "payment #{} [{}] via {} / {}",
                    payment.payment_id,
                    payment.status,
                    opt(&payment.payment_gateway),
                    opt(&payment.payment_method)
                ),
                format!(
                    "order {}, amount {} KRW, paid at {}",
                    opt(&payment.order_id),
                    opt(&payment.paid_amount),
                    opt(&payment.paid_at)
                ),
            ];
            if let Some(message) = &payment.error_message {
                lines.push(format!("error: {message}"));
            }
            if let Some(cancel) = &payment.cancel {
                lines.push(format!("canceled {} KRW", cancel.canceled_amount));
            }
            if let Some(vbank) = &payment.v_bank {
                lines.push(format!(
                    "deposit to {} {} by {}",
                    opt(&vbank.bank_name),
                    opt(&vbank.account_number),
                    opt(&vbank.bank_date)
                ));
            }
            lines
        }
        Event::CustomerCreated(customer)
        | Event::CustomerUpdated(customer)
        | Event::CustomerDeleted(customer) => vec![
            format!(
                "customer #{} {} <{}>",
                customer.id,
                opt(&customer.name),
                opt(&customer.email)
            ),
            format!(
                "code {}, {} attributes",
                opt(&customer.code),
                customer.attributes.len()
            ),
        ],
        Event::ProductCreated(product)
        | Event::ProductUpdated(product)
        | Event::ProductDeleted(product) => {
            let mut lines = vec![format!(
                "product {} {} [{}]",
                product.code,
                opt(&product.name),
                opt(&product.status)
            )];
            for price in &product.prices {
                lines.push(format!(
                    "- price {} {} KRW ({})",
                    price.price_code,
                    price.price,
                    opt(&price.r#type)
                ));
            }
            lines
        }
        Event::ProductPriceCreated(price)
        | Event::ProductPriceUpdated(price)
        | Event::ProductPriceDeleted(price) => vec![format!(
            "price {} {} KRW ({}), plan {}",
            price.price_code,
            price.price,
            opt(&price.r#type),
            price
                .plan
                .as_ref()
                .and_then(|plan| plan.name.as_deref())
                .unwrap_or("-")
        )],
        Event::CoverSentMessage(cover)
        | Event::CoverDelayedMessage(cover)
        | Event::CoverChangedPaymentDate(cover)
        | Event::CoverPaused(cover) => vec![format!(
            "cover #{} for subscription {} [{}], step {}, next retry {}",
            cover.id,
            cover.subscription_id,
            opt(&cover.message_type),
            opt(&cover.message_sent_step),
            opt(&cover.next_retry_datetime)
        )],
        Event::Unknown { data, .. } => {
            vec![format!("unknown event type; data kept as JSON: {data}")]
        }
        _ => vec!["(an event type added after this example was written)".to_owned()],
    }
}
