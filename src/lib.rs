// The README is the crate documentation, and its examples are doctests. Its receiver example
// needs the `axum` feature and its testing example the `testing` feature, so doctests collect
// it only when both are on (`cargo test --all-features`, which CI runs).
#![cfg_attr(
    any(not(doctest), all(feature = "axum", feature = "testing")),
    doc = include_str!("../README.md")
)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

// Modules in the order a delivery flows through them (each a job of its own).
// Parse: the envelope and `parse_webhook`,
mod webhook;
// the one pass that reads a well-formed body (and `Webhook`'s `Deserialize`),
mod one_pass;
// the event table, `Event` and `EventType`,
mod event;
// the data of each event type and the wire enumerations,
mod schema;
// StepPay's date-times,
mod datetime;
// and why a body cannot be read.
mod error;
// JSON kept as sent (the data of unknown event types),
mod raw;
// and the rules every body follows beyond JSON's grammar (no duplicate keys).
mod strict;
// Verify: the `Steppay-Signature` header.
mod signature;
// Dispatch: the handler traits.
mod dispatch;
// Receive: the outcome and HTTP status of a delivery.
mod receive;
// What an event is about, and how fresh its data is (the inbox orders by it).
mod resource;
// The durable inbox.
#[cfg(feature = "inbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "inbox")))]
pub mod inbox;
// The web framework integrations.
#[cfg(feature = "actix-web")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix-web")))]
pub mod actix;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
// Webhook v1 bodies, for receivers that still get them.
pub mod legacy;
// Samples, signatures and requests for testing handlers.
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
// Helpers: serde adapters, personal data kept out of Debug and messages, and the
// wire-enumeration mechanism.
mod personal;
mod serde_util;
mod wire_enum;

pub use datetime::{DateTime, DateTimeParseError, KST};
pub use dispatch::{
    dispatch, dispatch_async, AsyncWebhookHandler, Dispatched, UnreadableData, WebhookHandler,
    WebhookMeta,
};
pub use error::{Error, InvalidData};
pub use event::{Event, EventType};
pub use legacy::{detect_version, parse_legacy, LegacyError, LegacyWebhook, WebhookVersion};
pub use raw::RawJson;
pub use receive::{
    receive, receive_async, Outcome, WebhookReceiver, WebhookRejection, DEFAULT_BODY_LIMIT,
};
pub use receive::{receive_async_at, receive_at};
pub use resource::{Resource, ResourceKind};
pub use schema::*;
pub use signature::{
    compute_signature, sign, sign_with_label, SignatureError, WebhookVerifier, DEFAULT_TOLERANCE,
    MAX_SIGNATURES, SIGNATURE_HEADER,
};
pub use webhook::{parse_webhook, Webhook};

/// Re-exported so that users name the same decimal type the crate uses for money.
pub use rust_decimal::Decimal;
