//! A complete StepPay webhook receiver on actix-web.
//!
//! ```text
//! STEPPAY_WEBHOOK_SECRET=... cargo run --features actix-web --example actix_receiver [ADDR]
//! ```
//!
//! Listens on `127.0.0.1:3000` (or `ADDR`, or `STEPPAY_WEBHOOK_ADDR`) and answers
//! `POST /webhooks/steppay`. Try it with `cargo run --example trigger`.

use std::convert::Infallible;
use std::sync::Arc;

use actix_web::{App, HttpServer};
use steppay_webhook::actix::webhook_resource;
use steppay_webhook::{
    AsyncWebhookHandler, Order, Payment, Subscription, WebhookMeta, WebhookVerifier,
};

/// DEVELOPMENT ONLY: the key used when `STEPPAY_WEBHOOK_SECRET` is not set.
const DEVELOPMENT_SECRET: &str = "whsec_development_only_not_a_real_key";

/// Logs each event it handles in one line.
struct LoggingHandler;

impl AsyncWebhookHandler for LoggingHandler {
    type Error = Infallible;

    async fn on_order_payment_completed(
        &self,
        meta: WebhookMeta<'_>,
        order: &Order,
    ) -> Result<(), Infallible> {
        println!(
            "{} order {} paid {} KRW",
            meta.event, order.code, order.paid_amount
        );
        Ok(())
    }

    async fn on_subscription_updated(
        &self,
        meta: WebhookMeta<'_>,
        sub: &Subscription,
    ) -> Result<(), Infallible> {
        println!(
            "{} subscription {} is {}",
            meta.event, sub.subscription_id, sub.status
        );
        Ok(())
    }

    async fn on_payment_completed(
        &self,
        meta: WebhookMeta<'_>,
        payment: &Payment,
    ) -> Result<(), Infallible> {
        println!(
            "{} payment {} for order {} ({} KRW)",
            meta.event,
            payment.payment_id,
            payment.order_id.as_deref().unwrap_or("-"),
            payment.paid_amount.unwrap_or_default()
        );
        Ok(())
    }

    async fn on_unknown(
        &self,
        meta: WebhookMeta<'_>,
        _data: &serde_json::Value,
    ) -> Result<(), Infallible> {
        println!("{} (unknown event type, acknowledged)", meta.event);
        Ok(())
    }
}

fn secret() -> String {
    std::env::var("STEPPAY_WEBHOOK_SECRET").unwrap_or_else(|_| {
        eprintln!("warning: STEPPAY_WEBHOOK_SECRET is not set; using the DEVELOPMENT-ONLY key {DEVELOPMENT_SECRET:?}");
        DEVELOPMENT_SECRET.to_owned()
    })
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("STEPPAY_WEBHOOK_ADDR").ok())
        .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let verifier = WebhookVerifier::new(secret());
    let handler = Arc::new(LoggingHandler);

    let server = HttpServer::new(move || {
        App::new().service(webhook_resource(
            "/webhooks/steppay",
            verifier.clone(),
            handler.clone(),
        ))
    })
    .workers(2)
    .bind(&addr)?;
    for bound in server.addrs() {
        println!("listening on http://{bound}/webhooks/steppay");
    }
    server.run().await
}
