#![doc = include_str!("crate_docs.md")]
#![forbid(unsafe_code)]

#[macro_use]
mod wire_enum;
#[macro_use]
mod event;

mod datetime;
mod error;
mod handler;
mod resource;
mod schema;
mod serde_util;
mod signature;
mod webhook;

#[cfg(feature = "inbox")]
pub mod inbox;

#[cfg(feature = "actix-web")]
#[path = "integrations/actix.rs"]
pub mod actix;
#[cfg(feature = "axum")]
#[path = "integrations/axum.rs"]
pub mod axum;

pub use datetime::{DateTime, DateTimeParseError, KST};
pub use error::Error;
pub use event::{Event, EventType};
pub use handler::{
    dispatch, dispatch_async, receive, receive_async, AsyncWebhookHandler, Outcome, WebhookHandler,
    WebhookMeta, WebhookRejection,
};
pub use resource::{Resource, ResourceKind};
pub use schema::*;
pub use signature::{sign, SignatureError, WebhookVerifier, DEFAULT_TOLERANCE, SIGNATURE_HEADER};
pub use webhook::{parse_webhook, Webhook};

/// Re-exported so that users name the same decimal type the crate uses for money.
pub use rust_decimal::Decimal;
