//! Sends a signed StepPay webhook to a receiver, the way StepPay would, and prints the
//! answer.
//!
//! ```text
//! STEPPAY_WEBHOOK_SECRET=... cargo run --example trigger [FILE] [URL]
//! cargo run --example trigger -- --dev-key [FILE] [URL]    # the receivers' development key
//! ```
//!
//! `FILE` defaults to a bundled `payment.completed` body, `URL` to
//! `http://127.0.0.1:3000/webhooks/steppay`. The key comes from `STEPPAY_WEBHOOK_SECRET`, or
//! is the development-only key when asked for; without either, it refuses.

mod common;

use std::process::ExitCode;

use steppay_webhook::{sign, SIGNATURE_HEADER};

const SAMPLE: &[u8] = include_bytes!("../tests/fixtures/payment.completed.json");

#[tokio::main]
async fn main() -> ExitCode {
    let secret = common::secret_or_exit();
    let mut args = common::positional_args().into_iter();
    let body = match args.next() {
        Some(path) => match std::fs::read(&path) {
            Ok(body) => body,
            Err(e) => {
                eprintln!("error: cannot read {path}: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => SAMPLE.to_vec(),
    };
    let url = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:3000/webhooks/steppay".to_owned());
    let now = chrono::Utc::now().timestamp();
    let header = sign(&secret, now, &body);

    println!("POST {url}\n{SIGNATURE_HEADER}: {header}");
    let response = reqwest::Client::new()
        .post(&url)
        .header("Content-Type", "application/json")
        .header(SIGNATURE_HEADER, &header)
        .body(body)
        .send()
        .await;
    match response {
        Ok(response) => {
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            println!("-> {status}: {text}");
            if status.is_success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: request failed: {e}");
            ExitCode::FAILURE
        }
    }
}
