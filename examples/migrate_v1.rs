//! One endpoint that accepts webhook v1 and v2 while a store migrates, with no web framework:
//! v2 is verified by its signature and handled, v1 (unsigned: anyone can send it) is only
//! queued for confirmation through StepPay's API.
//!
//! ```text
//! cargo run --example migrate_v1
//! ```
//!
//! Feeds the receiver StepPay's own v1 examples (as JSON and as form data), a v2 delivery
//! signed now, a forged one and a broken v1 body, and prints what it answers to each.

use steppay_webhook::legacy::{detect_version, parse_legacy, LegacyWebhook, WebhookVersion};
use steppay_webhook::{receive, sign, Payment, WebhookHandler, WebhookMeta, WebhookVerifier};

const V1_ORDER: &[u8] =
    include_bytes!("../tests/fixtures/legacy/steppay-devdocs-webhook-v1-order.json");
const V1_SUBSCRIPTION: &[u8] =
    include_bytes!("../tests/fixtures/legacy/steppay-devdocs-webhook-v1-subscription.json");
const V1_SELF_PAYMENT: &[u8] =
    include_bytes!("../tests/fixtures/legacy/steppay-devdocs-webhook-v1-self-payment.json");
const V2_PAYMENT_COMPLETED: &[u8] = include_bytes!("../tests/fixtures/payment.completed.json");

const JSON: Option<&str> = Some("application/json");
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

/// Handles the signed v2 events.
struct Shop;

impl WebhookHandler for Shop {
    type Error = std::io::Error;

    fn on_payment_completed(
        &self,
        _: WebhookMeta<'_>,
        payment: &Payment,
    ) -> Result<(), Self::Error> {
        println!("    v2 handler: mark order {:?} paid", payment.order_id);
        Ok(())
    }
}

/// One endpoint for both versions: the HTTP status to answer and why.
fn on_request(
    body: &[u8],
    content_type: Option<&str>,
    signature: Option<&str>,
    verifier: &WebhookVerifier,
) -> (u16, String) {
    match detect_version(body, content_type) {
        WebhookVersion::V2 => {
            let outcome = receive(body, signature, verifier, &Shop);
            (outcome.status(), format!("v2: {}", outcome.reason()))
        }
        // Nothing in a v1 body can be verified: take the id, and ask StepPay's API what
        // happened (in a real receiver, a job that calls the API before touching anything).
        WebhookVersion::V1 => match parse_legacy(body, content_type) {
            Ok(LegacyWebhook::Subscription(n)) => (
                200,
                format!(
                    "v1: confirm subscription {} through the API",
                    n.subscription_id
                ),
            ),
            Ok(notification) => (
                200,
                format!(
                    "v1: confirm order {} through the API ({} notification)",
                    notification.order_id().unwrap_or_default(),
                    notification
                        .webhook_type()
                        .map(|t| t.as_str())
                        .unwrap_or_default()
                ),
            ),
            Err(error) => (400, error.to_string()),
        },
    }
}

/// One request to the endpoint.
struct Request<'a> {
    what: &'a str,
    body: &'a [u8],
    content_type: Option<&'a str>,
    signature: Option<String>,
}

impl<'a> Request<'a> {
    fn new(what: &'a str, body: &'a [u8], content_type: Option<&'a str>) -> Self {
        Self {
            what,
            body,
            content_type,
            signature: None,
        }
    }

    fn signed(mut self, header: String) -> Self {
        self.signature = Some(header);
        self
    }
}

fn main() {
    // In a real receiver: the key from the webhook's page in the StepPay portal.
    let secret = "whsec_example_only";
    let verifier = WebhookVerifier::new(secret);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        });
    let self_payment_form = b"webHookType=PAYMENT&orderId=1&idKey=16057932413479698c8vqQG0kMix9";
    let v2 = V2_PAYMENT_COMPLETED;

    let requests = [
        Request::new("v1 order, JSON", V1_ORDER, JSON),
        Request::new("v1 subscription, JSON", V1_SUBSCRIPTION, JSON),
        Request::new("v1 self-payment, JSON", V1_SELF_PAYMENT, JSON),
        Request::new("v1 self-payment, form data", self_payment_form, FORM),
        Request::new("v2 payment.completed, signed", v2, JSON).signed(sign(secret, now, v2)),
        Request::new("v2 payment.completed, forged", v2, JSON).signed(sign(
            "a guessed key",
            now,
            v2,
        )),
        Request::new("v2 payment.completed, unsigned", v2, JSON),
        Request::new("v1 subscription, no status", b"id=1", FORM),
    ];
    for request in &requests {
        println!("{}", request.what);
        let (status, why) = on_request(
            request.body,
            request.content_type,
            request.signature.as_deref(),
            &verifier,
        );
        println!("    -> {status} {why}");
    }
}
