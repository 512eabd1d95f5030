//! Sends a signed StepPay webhook to a receiver, the way StepPay would, and prints the
//! answer.
//!
//! ```text
//! cargo run --example trigger [FILE] [URL]
//! ```
//!
//! `FILE` defaults to a bundled `payment.completed` body, `URL` to
//! `http://127.0.0.1:3000/webhooks/steppay`. The key comes from `STEPPAY_WEBHOOK_SECRET`
//! (default: the receivers' development-only key).

use std::process::ExitCode;

use steppay_webhook::{sign, SIGNATURE_HEADER};

const SAMPLE: &[u8] = include_bytes!("../tests/fixtures/payment.completed.json");
const DEVELOPMENT_SECRET: &str = "whsec_development_only_not_a_real_key";

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
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
    let secret =
        std::env::var("STEPPAY_WEBHOOK_SECRET").unwrap_or_else(|_| DEVELOPMENT_SECRET.to_owned());
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
