//! The delivery record and what is computed from a raw body before it is stored: the
//! fingerprint, the event name, `isTest`, the resource and its as-of time.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::{parse_webhook, Error, Resource, Webhook};

/// The identifier the store gave a delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeliveryId(pub i64);

impl fmt::Display for DeliveryId {
    /// The number, honouring width and alignment (`{:>8}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for DeliveryId {
    type Err = std::num::ParseIntError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim().parse().map(DeliveryId)
    }
}

/// Where a stored delivery stands.
///
/// | status | meaning | next |
/// |---|---|---|
/// | `pending` | waiting for its first attempt, a retry, or in flight (see [`Delivery::locked_until`]) | processed, stale, dead |
/// | `processed` | the handler succeeded | final ([`purge`](crate::inbox::Deliveries::purge_processed) after a while) |
/// | `stale` | older than data already applied for its resource; not applied by [`StalePolicy::Skip`](crate::inbox::StalePolicy::Skip) | final |
/// | `dead` | the handler failed on every allowed attempt | [`replay`](crate::inbox::Deliveries::replay) |
/// | `unreadable` | authentic, but this version of the crate cannot parse it | [`replay`](crate::inbox::Deliveries::replay) after an upgrade |
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DeliveryStatus {
    /// Waiting to be processed, or being processed.
    Pending,
    /// Processed: the handler succeeded.
    Processed,
    /// Not applied: its resource already had newer data applied.
    Stale,
    /// Failed on every allowed attempt; kept for replay.
    Dead,
    /// Verified, but not a body this version of the crate can parse; kept for replay.
    Unreadable,
}

impl DeliveryStatus {
    /// Every status, in the order of the table above.
    pub const ALL: [DeliveryStatus; 5] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Processed,
        DeliveryStatus::Stale,
        DeliveryStatus::Dead,
        DeliveryStatus::Unreadable,
    ];

    /// The name stored and shown: `"pending"`, `"processed"`, `"stale"`, `"dead"`,
    /// `"unreadable"`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Processed => "processed",
            DeliveryStatus::Stale => "stale",
            DeliveryStatus::Dead => "dead",
            DeliveryStatus::Unreadable => "unreadable",
        }
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a status name that is not one of [`DeliveryStatus::as_str`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown delivery status {0:?} (expected pending, processed, stale, dead or unreadable)")]
pub struct UnknownStatus(String);

impl FromStr for DeliveryStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DeliveryStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.chars().take(32).collect()))
    }
}

/// One stored delivery, as [`Deliveries::get`](crate::inbox::Deliveries::get) and
/// [`Deliveries::list`](crate::inbox::Deliveries::list) return it.
///
/// `Debug` shows the body's length, never its bytes: bodies hold personal data.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery {
    /// The store's identifier.
    pub id: DeliveryId,
    /// The duplicate key: see [`fingerprint`].
    pub fingerprint: String,
    /// The event type's wire name, when the body was readable that far.
    pub event_name: Option<String>,
    /// The envelope's `isTest` flag as sent (`None` when absent).
    pub is_test: Option<bool>,
    /// The `timestamp` of the `Steppay-Signature` header that verified the body.
    pub signature_timestamp: i64,
    /// When this receiver stored it.
    pub received_at: DateTime<Utc>,
    /// What the event is about ([`Event::resource`](crate::Event::resource)).
    pub resource: Option<Resource>,
    /// How fresh its data is ([`Webhook::as_of`]); set whenever `resource` is. The SQL stores
    /// keep times to the microsecond.
    pub as_of: Option<DateTime<Utc>>,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// How many times processing started (a replay starts again from 0).
    pub attempts: u32,
    /// When a pending delivery is due.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// While a worker processes it: when that worker's lease ends.
    pub locked_until: Option<DateTime<Utc>>,
    /// The last failure (handler error or parse error), bounded, quoted values redacted.
    pub last_error: Option<String>,
    /// When it was processed or found stale.
    pub processed_at: Option<DateTime<Utc>>,
    /// How many more times the same delivery arrived (and was acknowledged unprocessed).
    pub duplicates: u32,
    /// How many times an operator replayed it.
    pub replays: u32,
    /// The raw request body, byte for byte as received.
    pub body: Vec<u8>,
}

impl fmt::Debug for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("id", &self.id)
            .field("event_name", &self.event_name)
            .field("status", &self.status)
            .field("resource", &self.resource)
            .field("as_of", &self.as_of)
            .field("attempts", &self.attempts)
            .field("next_attempt_at", &self.next_attempt_at)
            .field("locked_until", &self.locked_until)
            .field("last_error", &self.last_error)
            .field("duplicates", &self.duplicates)
            .field("replays", &self.replays)
            .field("is_test", &self.is_test)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish_non_exhaustive()
    }
}

/// A delivery about to be stored (see [`InboxStore::insert`](crate::inbox::InboxStore::insert)).
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct NewDelivery {
    /// See [`Delivery::fingerprint`].
    pub fingerprint: String,
    /// See [`Delivery::event_name`].
    pub event_name: Option<String>,
    /// See [`Delivery::is_test`].
    pub is_test: Option<bool>,
    /// See [`Delivery::signature_timestamp`].
    pub signature_timestamp: i64,
    /// See [`Delivery::received_at`].
    pub received_at: DateTime<Utc>,
    /// When a pending delivery is first due (`None`: at `received_at`). Inline processing
    /// holds a new delivery for its request a moment, so that a worker does not take it
    /// first; a claim for that one delivery ([`ClaimRequest::only`](crate::inbox::ClaimRequest::only))
    /// takes it before it is due.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// See [`Delivery::resource`].
    pub resource: Option<Resource>,
    /// See [`Delivery::as_of`].
    pub as_of: Option<DateTime<Utc>>,
    /// [`DeliveryStatus::Pending`] or [`DeliveryStatus::Unreadable`].
    pub status: DeliveryStatus,
    /// The parse error of an unreadable body.
    pub last_error: Option<String>,
    /// See [`Delivery::body`].
    pub body: Vec<u8>,
}

impl NewDelivery {
    /// A pending delivery of `body` received at `received_at`, with no event name, resource
    /// or as-of time yet (set the public fields). The inbox builds these itself when it
    /// receives a delivery; this is for testing a store of your own.
    pub fn pending(fingerprint: String, body: Vec<u8>, received_at: DateTime<Utc>) -> Self {
        Self {
            fingerprint,
            event_name: None,
            is_test: None,
            signature_timestamp: received_at.timestamp(),
            received_at,
            next_attempt_at: None,
            resource: None,
            as_of: None,
            status: DeliveryStatus::Pending,
            last_error: None,
            body,
        }
    }
}

impl fmt::Debug for NewDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewDelivery")
            .field("event_name", &self.event_name)
            .field("status", &self.status)
            .field("resource", &self.resource)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish_non_exhaustive()
    }
}

/// What reading a body with this version of the crate tells about it: the fields of the
/// delivery record that depend on the parser. Computed on arrival, and again when an
/// unreadable delivery is replayed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Classification {
    /// See [`Delivery::event_name`].
    pub event_name: Option<String>,
    /// See [`Delivery::resource`].
    pub resource: Option<Resource>,
    /// See [`Delivery::as_of`].
    pub as_of: Option<DateTime<Utc>>,
    /// `None` when the body parses; else the parse error, bounded and redacted.
    pub error: Option<String>,
}

impl Classification {
    /// Reads `body` with [`parse_webhook`]. `received_at` stands in for the as-of time of a
    /// delivery whose envelope timestamp is out of range.
    pub fn of(body: &[u8], received_at: DateTime<Utc>) -> (Self, Option<Webhook>) {
        match parse_webhook(body) {
            Ok(webhook) => (Self::of_webhook(&webhook, received_at), Some(webhook)),
            Err(error) => (Self::of_error(body, &error), None),
        }
    }

    pub(crate) fn of_webhook(webhook: &Webhook, received_at: DateTime<Utc>) -> Self {
        let resource = webhook.event.resource();
        let as_of = resource
            .as_ref()
            .map(|_| webhook.as_of().unwrap_or(received_at));
        Self {
            event_name: Some(webhook.event_name().to_owned()),
            resource,
            as_of,
            error: None,
        }
    }

    pub(crate) fn of_error(body: &[u8], error: &Error) -> Self {
        let event_name = error
            .event_name()
            .map(str::to_owned)
            .or_else(|| LenientEnvelope::read(body).and_then(|e| e.event.map(Cow::into_owned)));
        Self {
            event_name: event_name.map(|name| bounded(&name, MAX_EVENT_NAME)),
            resource: None,
            as_of: None,
            error: Some(safe_error_text(&error.to_string())),
        }
    }
}

const MAX_EVENT_NAME: usize = 100;

/// The most characters of an error kept in [`Delivery::last_error`].
pub const MAX_ERROR_LEN: usize = 300;

/// The envelope fields read without validating anything else, so that even an unreadable
/// body gets its fingerprint and `isTest` flag.
#[derive(Deserialize)]
struct LenientEnvelope<'a> {
    #[serde(borrow, default)]
    event: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(borrow, default, rename = "isTest")]
    is_test: Option<&'a RawValue>,
}

impl<'a> LenientEnvelope<'a> {
    fn read(body: &'a [u8]) -> Option<Self> {
        serde_json::from_slice(body).ok()
    }
}

/// The envelope's `isTest` flag, read from the raw body: `Some(true)` / `Some(false)` when it
/// is a JSON boolean at the top level, `None` when absent, `null` or anything else.
///
/// ```
/// use steppay_webhook::inbox::is_test;
///
/// assert_eq!(is_test(br#"{"event":"x","data":{},"isTest":true}"#), Some(true));
/// assert_eq!(is_test(br#"{"event":"x","data":{"isTest":true}}"#), None);
/// ```
pub fn is_test(body: &[u8]) -> Option<bool> {
    let envelope = LenientEnvelope::read(body)?;
    match envelope.is_test?.get() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// The duplicate key of a delivery: lowercase hex SHA-256 of the event name, a NUL byte,
/// and the `data` value's bytes exactly as sent.
///
/// **What counts as the same delivery.** StepPay sends no event id. When it sends an event
/// again (a retry from its portal), it signs it anew with a new envelope `timestamp`, but the
/// event type and `data` are the same. So two bodies with the same event name and
/// byte-identical `data` are the same delivery, whatever their envelope `timestamp`,
/// signature, `version` or key order outside `data`.
///
/// **Test mode is apart.** A delivery with `"isTest": true` is never the same as a live one
/// (absent or `false`), even with the same data, so a test delivery cannot make a live
/// delivery look like a duplicate and leave it unprocessed.
///
/// **Why not `timestamp`.** The envelope `timestamp` is whole seconds and is not an event id:
/// one payment produces `order.updated`, `payment.completed` and `invoice.updated` in the
/// same second (spec section 9), and a resend carries a new one. Keying on it would both
/// drop distinct events and miss resent duplicates.
///
/// Two events whose `data` is identical byte for byte describe the same state of the same
/// object, so applying the second changes nothing a careful handler should do again; this is
/// what keeps one `payment.completed` delivered three times from being booked three times.
///
/// A body whose envelope cannot be read (not JSON, no `event` or `data`) is keyed by the
/// SHA-256 of the whole body under a distinct prefix, so it is still stored once.
///
/// ```
/// use steppay_webhook::inbox::fingerprint;
///
/// let first = br#"{"timestamp":1795046400,"version":"v1","event":"payment.completed","data":{"paymentId":7}}"#;
/// let resent = br#"{"event":"payment.completed","data":{"paymentId":7},"timestamp":1795046999,"version":"v1"}"#;
/// let other = br#"{"timestamp":1795046400,"version":"v1","event":"payment.failed","data":{"paymentId":7}}"#;
/// assert_eq!(fingerprint(first), fingerprint(resent));
/// assert_ne!(fingerprint(first), fingerprint(other));
/// assert_eq!(fingerprint(first).len(), 64);
///
/// let test_mode = br#"{"timestamp":1795046400,"version":"v1","event":"payment.completed","data":{"paymentId":7},"isTest":true}"#;
/// assert_ne!(fingerprint(first), fingerprint(test_mode));
/// ```
pub fn fingerprint(body: &[u8]) -> String {
    let mut hash = Sha256::new();
    match LenientEnvelope::read(body) {
        Some(LenientEnvelope {
            event: Some(event),
            data: Some(data),
            is_test,
        }) => {
            if is_test.is_some_and(|flag| flag.get() == "true") {
                hash.update(b"\0steppay-webhook test mode\0");
            }
            hash.update(event.as_bytes());
            hash.update([0]);
            hash.update(data.get().as_bytes());
        }
        _ => {
            hash.update(b"\0steppay-webhook unreadable body\0");
            hash.update(body);
        }
    }
    hex(&hash.finalize())
}

fn hex(bytes: &[u8]) -> String {
    use fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// `text` cut to `max` characters (with `…` when cut).
pub(crate) fn bounded(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// An error message fit to store and log: every quoted value (`"..."` or `` `...` ``)
/// replaced by `…`, then bounded to [`MAX_ERROR_LEN`] characters. Parser messages quote the
/// offending value (`invalid type: string "gildong@example.kr"`), and values may be personal
/// data; the JSON path and the expectation stay.
///
/// ```
/// use steppay_webhook::inbox::safe_error_text;
///
/// assert_eq!(
///     safe_error_text(r#"payment.completed: data.payer.email: invalid type: string "gildong@example.kr", expected x"#),
///     r#"payment.completed: data.payer.email: invalid type: string "…", expected x"#
/// );
/// ```
pub fn safe_error_text(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MAX_ERROR_LEN * 4));
    let mut quote: Option<char> = None;
    // serde names schema fields (`missing field `timestamp``): names, not values, kept.
    let mut keep = false;
    for c in message.chars() {
        match quote {
            Some(open) if c == open => {
                if !keep {
                    out.push('…');
                }
                out.push(c);
                quote = None;
            }
            Some(_) if keep => out.push(c),
            Some(_) => {}
            None if c == '"' || c == '`' => {
                keep = c == '`' && out.ends_with("field ");
                out.push(c);
                quote = Some(c);
            }
            None => out.push(c),
        }
        if out.len() > MAX_ERROR_LEN * 4 {
            break;
        }
    }
    if quote.is_some() {
        out.push('…');
    }
    bounded(&out, MAX_ERROR_LEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_everything_outside_event_and_data() {
        let a = br#"{"timestamp":1,"version":"v1","event":"order.updated","data":{"id":1},"isTest":false}"#;
        let b = br#"{"data":{"id":1},"timestamp":2,"event":"order.updated"}"#;
        assert_eq!(fingerprint(a), fingerprint(b));
        // Whitespace inside data is part of the bytes as sent.
        let c = br#"{"timestamp":1,"version":"v1","event":"order.updated","data":{"id": 1}}"#;
        assert_ne!(fingerprint(a), fingerprint(c));
    }

    #[test]
    fn test_mode_deliveries_are_never_duplicates_of_live_ones() {
        let live = br#"{"timestamp":1,"event":"order.updated","data":{"id":1}}"#;
        let live_false =
            br#"{"timestamp":2,"event":"order.updated","data":{"id":1},"isTest":false}"#;
        let test = br#"{"timestamp":1,"event":"order.updated","data":{"id":1},"isTest":true}"#;
        let test_resent =
            br#"{"isTest":true,"timestamp":9,"event":"order.updated","data":{"id":1}}"#;
        assert_eq!(fingerprint(live), fingerprint(live_false));
        assert_ne!(fingerprint(live), fingerprint(test));
        assert_eq!(fingerprint(test), fingerprint(test_resent));
    }

    #[test]
    fn unreadable_bodies_still_get_a_fingerprint() {
        let a = fingerprint(b"not json");
        assert_eq!(a.len(), 64);
        assert_ne!(a, fingerprint(b"not json either"));
        assert_eq!(a, fingerprint(b"not json"));
    }

    #[test]
    fn errors_are_redacted_and_bounded() {
        assert_eq!(
            safe_error_text("bad `123-45-678` and \"unterminated"),
            "bad `…` and \"…"
        );
        assert_eq!(
            safe_error_text("envelope: missing field `timestamp`"),
            "envelope: missing field `timestamp`"
        );
        let long = "x".repeat(1000);
        assert_eq!(safe_error_text(&long).chars().count(), MAX_ERROR_LEN);
    }

    #[test]
    fn unreadable_classification_keeps_the_event_name_and_no_values() {
        let body = r#"{"timestamp":1795046400,"version":"v1","event":"payment.completed",
            "data":{"paymentId":"781204번","idKey":"k","status":"COMPLETE","paymentGateway":"TOSS","paymentMethod":"CARD"}}"#;
        let (class, webhook) = Classification::of(body.as_bytes(), Utc::now());
        assert!(webhook.is_none());
        assert_eq!(class.event_name.as_deref(), Some("payment.completed"));
        let error = class.error.expect("error");
        assert!(
            error.starts_with("payment.completed: data.paymentId: "),
            "{error}"
        );
        assert!(!error.contains("781204"), "{error}");
    }

    #[test]
    fn status_names_round_trip() {
        for status in DeliveryStatus::ALL {
            assert_eq!(status.as_str().parse::<DeliveryStatus>(), Ok(status));
        }
        assert!("done".parse::<DeliveryStatus>().is_err());
    }
}
