//! What the example programs share: the verification key (never a silent fallback to a
//! published one), the listening address, logging, and a shop that handles a few events.
#![allow(dead_code)] // each example uses a part of it

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use steppay_webhook::{AsyncWebhookHandler, Order, Payment, Subscription, WebhookMeta};

/// DEVELOPMENT ONLY, published in this source: used only when asked for explicitly.
pub const DEV_KEY: &str = "whsec_development_only_not_a_real_key";

/// The flag that selects [`DEV_KEY`].
const DEV_KEY_FLAG: &str = "--dev-key";

/// The verification key: `STEPPAY_WEBHOOK_SECRET`, or [`DEV_KEY`] when asked for with
/// `--dev-key` or `STEPPAY_WEBHOOK_DEV_KEY=1`. Without either, says how on standard error and
/// exits with status 1.
pub fn secret_or_exit() -> String {
    secret().unwrap_or_else(|message| {
        eprintln!("error: {message}");
        std::process::exit(1)
    })
}

/// The verification key, or an error that says how to give one (see [`secret_or_exit`]).
fn secret() -> Result<String, String> {
    let asked_for_dev_key = std::env::args().any(|arg| arg == DEV_KEY_FLAG)
        || std::env::var("STEPPAY_WEBHOOK_DEV_KEY").is_ok_and(|value| value == "1");
    match std::env::var("STEPPAY_WEBHOOK_SECRET") {
        Ok(secret) if !secret.trim().is_empty() => Ok(secret),
        _ if asked_for_dev_key => {
            eprintln!("warning: using the DEVELOPMENT-ONLY key {DEV_KEY:?}; never in production");
            Ok(DEV_KEY.to_owned())
        }
        _ => Err(format!(
            "STEPPAY_WEBHOOK_SECRET is not set: set it to the key from the webhook's page in the \
             StepPay portal, or pass {DEV_KEY_FLAG} (or STEPPAY_WEBHOOK_DEV_KEY=1) to use the \
             development-only key"
        )),
    }
}

/// The command-line arguments that are not flags.
pub fn positional_args() -> Vec<String> {
    std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect()
}

/// Where to listen: the first argument, else `STEPPAY_WEBHOOK_ADDR`, else `127.0.0.1:3000`.
pub fn listen_addr() -> String {
    positional_args()
        .into_iter()
        .next()
        .or_else(|| std::env::var("STEPPAY_WEBHOOK_ADDR").ok())
        .unwrap_or_else(|| "127.0.0.1:3000".to_owned())
}

/// The exit status of a program that ended with `result`, printing the error if there is one.
pub fn exit_code(result: Result<(), impl std::fmt::Display>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Turns on logging to standard error: the receivers log every request (`info` and above).
pub fn init_logging() {
    tracing_subscriber::fmt::init();
}

/// A shop that records paid orders and logs the events it handles (ids and amounts only,
/// never personal data); every other event type is left to the default methods, which the
/// receiver logs as unhandled.
#[derive(Default)]
pub struct Shop {
    paid_orders: AtomicU64,
}

impl Shop {
    /// How many orders were paid since the start.
    pub fn paid_orders(&self) -> u64 {
        self.paid_orders.load(Ordering::Relaxed)
    }
}

impl AsyncWebhookHandler for Shop {
    type Error = std::convert::Infallible;

    async fn on_order_payment_completed(
        &self,
        meta: WebhookMeta<'_>,
        order: &Order,
    ) -> Result<(), Self::Error> {
        self.paid_orders.fetch_add(1, Ordering::Relaxed);
        let (event_name, code) = (meta.event_name, &order.code);
        tracing::info!(event_name, code, amount = %order.paid_amount, "order paid");
        Ok(())
    }

    async fn on_subscription_updated(
        &self,
        meta: WebhookMeta<'_>,
        sub: &Subscription,
    ) -> Result<(), Self::Error> {
        let (event_name, id) = (meta.event_name, sub.subscription_id);
        tracing::info!(event_name, id, status = %sub.status, "subscription changed");
        Ok(())
    }

    async fn on_payment_completed(
        &self,
        meta: WebhookMeta<'_>,
        payment: &Payment,
    ) -> Result<(), Self::Error> {
        let (event_name, id) = (meta.event_name, payment.payment_id);
        let amount = payment.paid_amount.unwrap_or_default();
        tracing::info!(event_name, id, amount = %amount, "payment completed");
        Ok(())
    }
}
