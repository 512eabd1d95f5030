//! A complete StepPay webhook receiver on axum, nested in an app with its own state.
//!
//! ```text
//! STEPPAY_WEBHOOK_SECRET=... cargo run --features axum --example axum_receiver [ADDR]
//! cargo run --features axum --example axum_receiver -- --dev-key    # a development key
//! ```
//!
//! Listens on `127.0.0.1:3000` (or `ADDR`, or `STEPPAY_WEBHOOK_ADDR`), answers
//! `POST /webhooks/steppay` and `GET /paid` (orders paid so far), and logs every request.
//! Refuses to start without a key. Try it with `cargo run --example trigger -- --dev-key`.

mod common;

use std::process::ExitCode;
use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use steppay_webhook::axum::webhook_router;
use steppay_webhook::WebhookVerifier;

use common::Shop;

#[tokio::main]
async fn main() -> ExitCode {
    common::init_logging();
    let secret = common::secret_or_exit();
    let shop = Arc::new(Shop::default());
    let app = Router::new()
        .route(
            "/paid",
            get(|State(shop): State<Arc<Shop>>| async move { shop.paid_orders().to_string() }),
        )
        .nest(
            "/webhooks/steppay",
            webhook_router(WebhookVerifier::new(secret), shop.clone()),
        )
        .with_state(shop);

    let result = async {
        let listener = tokio::net::TcpListener::bind(common::listen_addr()).await?;
        let addr = listener.local_addr()?;
        tracing::info!("listening on http://{addr}/webhooks/steppay");
        axum::serve(listener, app).await
    };
    common::exit_code(result.await)
}
