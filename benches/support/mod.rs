//! What the parse benchmark's three measurements share: the corpora, the contestants, the
//! naive enum and a handler that overrides every method.

pub mod corpus;
pub mod instructions;
pub mod interleaved;
pub mod naive;

use std::cell::Cell;
use std::convert::Infallible;
use std::hint::black_box;

use steppay_webhook::{
    parse_webhook, Cover, Customer, Invoice, Order, Payment, Price, Product, Subscription, Usage,
    WebhookHandler, WebhookMeta,
};

/// One way of parsing a body, timed against the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contestant {
    /// `steppay_webhook::parse_webhook`.
    Typed,
    /// `serde_json::from_slice::<serde_json::Value>`: the baseline.
    Value,
    /// The derived adjacently tagged enum of [`naive`].
    Naive,
}

impl Contestant {
    /// Every contestant, in table order.
    pub const ALL: [Contestant; 3] = [Contestant::Value, Contestant::Typed, Contestant::Naive];

    /// The name in benchmark ids and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Contestant::Typed => "parse_webhook",
            Contestant::Value => "serde_json_value",
            Contestant::Naive => "naive_enum",
        }
    }

    /// The name in `benches/callgrind.sh`'s arguments.
    pub fn short(self) -> &'static str {
        match self {
            Contestant::Typed => "typed",
            Contestant::Value => "value",
            Contestant::Naive => "naive",
        }
    }

    /// Parses one body and drops the result. `parse_webhook`'s errors are measured too (the
    /// corpora are checked to parse, or to fail, when they are built); the others panic on
    /// a body they cannot parse.
    pub fn op(self) -> fn(&[u8]) {
        match self {
            Contestant::Typed => parse_typed,
            Contestant::Value => parse_value,
            Contestant::Naive => parse_naive,
        }
    }

    /// Whether this contestant parses `body`.
    pub fn parses(self, body: &[u8]) -> bool {
        match self {
            Contestant::Typed => parse_webhook(body).is_ok(),
            Contestant::Value => serde_json::from_slice::<serde_json::Value>(body).is_ok(),
            Contestant::Naive => naive::parses(body),
        }
    }

    /// Why this contestant is not measured on `corpus`, if it is not: the naive enum where it
    /// cannot parse a body, or on the invalid bodies (its errors are no comparison).
    pub fn not_measured(self, corpus: &corpus::Corpus) -> Option<String> {
        if self != Contestant::Naive {
            return None;
        }
        if corpus.invalid {
            return Some("not measured on invalid bodies".to_owned());
        }
        let failed = failures(self, &corpus.bodies).len();
        (failed > 0).then(|| {
            format!(
                "cannot parse: fails on {failed} of {} bodies",
                corpus.bodies.len()
            )
        })
    }
}

fn parse_typed(body: &[u8]) {
    drop(black_box(parse_webhook(black_box(body))));
}

fn parse_value(body: &[u8]) {
    black_box(serde_json::from_slice::<serde_json::Value>(black_box(body)).expect("JSON parses"));
}

fn parse_naive(body: &[u8]) {
    black_box(naive::parse(black_box(body)).expect("the naive enum parses this body"));
}

/// The bodies of `bodies` that `contestant` cannot parse, by name.
pub fn failures(contestant: Contestant, bodies: &[corpus::Body]) -> Vec<&corpus::Body> {
    bodies
        .iter()
        .filter(|body| !contestant.parses(&body.bytes))
        .collect()
}

/// A handler overriding every method with a call counter, so that dispatch is measured
/// through real trait calls.
#[derive(Default)]
pub struct EveryEvent {
    calls: Cell<u64>,
}

impl EveryEvent {
    /// How many handler methods ran.
    pub fn calls(&self) -> u64 {
        self.calls.get()
    }

    fn called<T: ?Sized>(&self, data: &T) -> Result<(), Infallible> {
        black_box(data);
        self.calls.set(self.calls.get() + 1);
        Ok(())
    }
}

macro_rules! every_event_handler {
    ($($method:ident: $payload:ty,)+) => {
        impl WebhookHandler for EveryEvent {
            type Error = Infallible;
            $(
                fn $method(&self, _meta: WebhookMeta<'_>, data: &$payload) -> Result<(), Infallible> {
                    self.called(data)
                }
            )+
        }
    };
}

every_event_handler! {
    on_order_created: Order,
    on_order_updated: Order,
    on_order_payment_completed: Order,
    on_subscription_created: Subscription,
    on_subscription_updated: Subscription,
    on_subscription_payment_due_notification: Subscription,
    on_subscription_usage_added: Usage,
    on_invoice_created: Invoice,
    on_invoice_updated: Invoice,
    on_invoice_deleted: Invoice,
    on_payment_completed: Payment,
    on_payment_failed: Payment,
    on_payment_canceled: Payment,
    on_payment_standby: Payment,
    on_customer_created: Customer,
    on_customer_updated: Customer,
    on_customer_deleted: Customer,
    on_product_created: Product,
    on_product_updated: Product,
    on_product_deleted: Product,
    on_product_price_created: Price,
    on_product_price_updated: Price,
    on_product_price_deleted: Price,
    on_cover_sent_message: Cover,
    on_cover_delayed_message: Cover,
    on_cover_changed_payment_date: Cover,
    on_cover_paused: Cover,
    on_unknown: serde_json::Value,
}

/// The key and clock of the verify + parse measurements.
pub const SECRET: &str = "whsec_bench_5f2b8c1d9e";
/// The Unix time the bodies are signed at and verified at.
pub const NOW: i64 = 1_795_046_400;
