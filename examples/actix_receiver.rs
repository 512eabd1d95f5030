//! A complete StepPay webhook receiver on actix-web.
//!
//! ```text
//! STEPPAY_WEBHOOK_SECRET=... cargo run --features actix-web --example actix_receiver [ADDR]
//! cargo run --features actix-web --example actix_receiver -- --dev-key    # a development key
//! ```
//!
//! Listens on `127.0.0.1:3000` (or `ADDR`, or `STEPPAY_WEBHOOK_ADDR`), answers
//! `POST /webhooks/steppay`, and logs every request. Refuses to start without a key. Try it
//! with `cargo run --example trigger -- --dev-key`.

mod common;

use std::process::ExitCode;
use std::sync::Arc;

use actix_web::{App, HttpServer};
use steppay_webhook::actix::webhook_resource;
use steppay_webhook::WebhookVerifier;

use common::Shop;

#[actix_web::main]
async fn main() -> ExitCode {
    common::init_logging();
    let verifier = WebhookVerifier::new(common::secret_or_exit());
    let shop = Arc::new(Shop::default());
    let server = HttpServer::new(move || {
        App::new().service(webhook_resource(
            "/webhooks/steppay",
            verifier.clone(),
            shop.clone(),
        ))
    })
    .workers(2)
    .bind(common::listen_addr());
    let server = match server {
        Ok(server) => server,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    for bound in server.addrs() {
        tracing::info!("listening on http://{bound}/webhooks/steppay");
    }
    common::exit_code(server.run().await)
}
