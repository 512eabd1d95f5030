//! [`Webhook`] (the envelope), [`parse_webhook`] and serialization back to the wire form.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{excerpt, join_path, join_paths, message_without_position, InvalidData};
use crate::event::EventData;
use crate::one_pass;
use crate::strict::{self, Violation};
use crate::{Error, Event, EventType, RawJson};

/// One StepPay webhook delivery: the envelope and its typed event.
///
/// Serializing a `Webhook` gives back the wire JSON
/// (`{"timestamp", "version", "event", "data"}`, then `"isTest"` when the delivery had it).
///
/// # Examples
///
/// ```
/// use steppay_webhook::{parse_webhook, Event};
///
/// let body = r#"{"timestamp":1795046400,"version":"v1","event":"customer.created",
///   "data":{"id":42,"name":"홍길동","email":"gildong@example.kr"}}"#.as_bytes();
/// let webhook = parse_webhook(body)?;
/// assert_eq!(webhook.timestamp, 1795046400);
/// assert_eq!(webhook.sent_at().unwrap().to_rfc3339(), "2026-11-19T00:00:00+00:00");
/// if let Event::CustomerCreated(customer) = &webhook.event {
///     assert_eq!(customer.name.as_deref(), Some("홍길동"));
/// }
///
/// let json = serde_json::to_value(&webhook).unwrap();
/// assert_eq!(json["event"], "customer.created");
/// assert_eq!(json["data"]["email"], "gildong@example.kr");
/// # Ok::<(), steppay_webhook::Error>(())
/// ```
///
/// `Debug` shows the typed data with its personal data masked, unknown data only by its
/// length, and at most 40 characters of the version and an unknown event name.
///
/// # Storing a `Webhook`
///
/// `Webhook` also implements `Deserialize`, reading back what `Serialize` writes, so a
/// parsed webhook can be cached or queued in any self-describing serde format: JSON
/// (numbers exact), CBOR, MessagePack with field names (`rmp_serde::to_vec_named`; the
/// positional form cannot tell the two spellings some fields read apart). Amounts stay exact
/// in every one (binary formats carry them as decimal text); the data of an unknown event
/// type is kept byte for byte. Outside JSON, `event` must come before `data`, as
/// `Serialize` writes it.
///
/// Read a body received from StepPay with [`parse_webhook`], not `Deserialize`: it applies
/// the rules every body follows (UTF-8 throughout, no key twice anywhere, no lone surrogate)
/// and reports errors with their JSON path.
///
/// ```
/// # let body = br#"{"timestamp":1795046400,"version":"v1","event":"order.updated",
/// #   "data":{"id":1,"code":"A","type":"ONE_TIME","paidAmount":29000.50,"returnedAmount":0,"leftAmount":29000.50}}"#;
/// let webhook = steppay_webhook::parse_webhook(body)?;
/// let stored = serde_json::to_string(&webhook)?;
/// let read: steppay_webhook::Webhook = serde_json::from_str(&stored)?;
/// assert_eq!(read, webhook);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Webhook {
    /// When the event was sent, as sent: usually Unix seconds. See [`Webhook::sent_at`].
    pub timestamp: i64,
    /// API version of the `data` schema, e.g. `"v1"`.
    pub version: String,
    /// The event type and its typed data.
    pub event: Event,
    /// StepPay's test-mode flag, the envelope's `isTest`, as sent: `Some(true)` for a
    /// delivery from test mode, `Some(false)` for a live one, `None` when the body did not
    /// have the field (or had `null`). Serializing writes it back only when it is `Some`.
    /// [`Webhook::is_test`] reads it as a plain `bool`.
    pub is_test: Option<bool>,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("timestamp", &self.timestamp)
            .field("version", &excerpt(&self.version))
            .field("event", &self.event)
            .finish()
    }
}

impl Webhook {
    /// The envelope timestamp as a UTC date-time. 13-digit values (and longer) are read as
    /// milliseconds, shorter ones as seconds. `None` if out of range.
    ///
    /// ```
    /// # use steppay_webhook::{Webhook, Event};
    /// # let mut webhook = Webhook { timestamp: 1688697915, version: "v1".into(),
    /// #     event: Event::Unknown { event_name: "x".into(), data: "null".parse().unwrap() },
    /// #     is_test: None };
    /// assert_eq!(webhook.sent_at().unwrap().to_rfc3339(), "2023-07-07T02:45:15+00:00");
    /// webhook.timestamp = 1688697915123;
    /// assert_eq!(webhook.sent_at().unwrap().to_rfc3339(), "2023-07-07T02:45:15.123+00:00");
    /// ```
    pub fn sent_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        sent_at(self.timestamp)
    }

    /// Whether StepPay sent this delivery in test mode (`"isTest": true`). `false` when the
    /// field says `false`, and when it is absent or `null`: StepPay's webhook page does not
    /// document the field (its published live delivery carries it), so a body without it is
    /// taken for a live one.
    ///
    /// Skip test deliveries in production with it (or with
    /// [`WebhookMeta::is_test`](crate::WebhookMeta::is_test) in a handler).
    ///
    /// ```
    /// use steppay_webhook::parse_webhook;
    ///
    /// let body = br#"{"timestamp":1690943620,"version":"v1","event":"customer.deleted","data":{"id":7},"isTest":true}"#;
    /// let webhook = parse_webhook(body)?;
    /// assert!(webhook.is_test());
    /// assert_eq!(webhook.is_test, Some(true));
    ///
    /// let body = br#"{"timestamp":1690943620,"version":"v1","event":"customer.deleted","data":{"id":7}}"#;
    /// let webhook = parse_webhook(body)?;
    /// assert!(!webhook.is_test());
    /// assert_eq!(webhook.is_test, None);
    /// # Ok::<(), steppay_webhook::Error>(())
    /// ```
    pub fn is_test(&self) -> bool {
        self.is_test == Some(true)
    }

    /// The event's wire name (`"order.created"`), unknown event types included.
    pub fn event_name(&self) -> &str {
        self.event.event_name()
    }

    /// The event's type, or `None` for an event type the crate does not know.
    pub fn event_type(&self) -> Option<EventType> {
        self.event.event_type()
    }
}

/// An envelope `timestamp` as a UTC date-time: 13-digit values (and longer) are read as
/// milliseconds, shorter ones as seconds; `None` if out of range.
pub(crate) fn sent_at(timestamp: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    const MILLIS_THRESHOLD: i64 = 1_000_000_000_000; // the smallest 13-digit number
    if timestamp.unsigned_abs() >= MILLIS_THRESHOLD as u64 {
        chrono::DateTime::from_timestamp_millis(timestamp)
    } else {
        chrono::DateTime::from_timestamp(timestamp, 0)
    }
}

impl Serialize for Webhook {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = 4 + usize::from(self.is_test.is_some());
        let mut s = serializer.serialize_struct("Webhook", fields)?;
        s.serialize_field("timestamp", &self.timestamp)?;
        s.serialize_field("version", &self.version)?;
        s.serialize_field("event", self.event.event_name())?;
        s.serialize_field("data", &EventData(&self.event))?;
        // After `data`, as StepPay sends it; absent stays absent.
        match self.is_test {
            Some(is_test) => s.serialize_field("isTest", &is_test)?,
            None => s.skip_field("isTest")?,
        }
        s.end()
    }
}

/// The envelope with `data` left unparsed until the event type is known, so that key order
/// does not matter and the body is read once.
///
/// Read by a hand-written visitor rather than a derive so that no key can come twice and no
/// ignored field escapes the body's rules: a derive would skip unknown keys unseen.
struct RawEnvelope<'a> {
    timestamp: i64,
    version: String,
    event: Cow<'a, str>,
    data: &'a RawValue,
    /// StepPay's test-mode flag, as sent (`isTest`, after `data` in real deliveries).
    /// Absent and `null` both read as `None`.
    is_test: Option<bool>,
    /// The first ignored field that breaks the body's rules ([`strict`]): its key and why.
    violation: Option<(String, Violation)>,
}

impl<'de> Deserialize<'de> for RawEnvelope<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EnvelopeVisitor)
    }
}

struct EnvelopeVisitor;

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = RawEnvelope<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a StepPay webhook envelope")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        fn once<T, E: de::Error>(slot: &Option<T>, name: &'static str) -> Result<(), E> {
            match slot {
                Some(_) => Err(E::duplicate_field(name)),
                None => Ok(()),
            }
        }
        let mut timestamp = None;
        let mut version = None;
        let mut event: Option<Cow<'de, str>> = None;
        let mut data: Option<&'de RawValue> = None;
        let mut is_test: Option<Option<bool>> = None;
        let mut ignored: HashSet<Cow<'de, str>> = HashSet::new();
        let mut violation = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.0.as_ref() {
                "timestamp" => {
                    once(&timestamp, "timestamp")?;
                    timestamp = Some(map.next_value::<i64>()?);
                }
                "version" => {
                    once(&version, "version")?;
                    version = Some(map.next_value::<String>()?);
                }
                "event" => {
                    once(&event, "event")?;
                    event = Some(map.next_value::<Key<'de>>()?.0);
                }
                "data" => {
                    once(&data, "data")?;
                    data = Some(map.next_value::<&'de RawValue>()?);
                }
                "isTest" => {
                    once(&is_test, "isTest")?;
                    is_test = Some(map.next_value::<Option<bool>>()?);
                }
                _ => {
                    // A field this crate does not read: still one key, and by the rules.
                    if ignored.contains(&key.0) {
                        return Err(de::Error::custom(format!(
                            "duplicate key `{}`",
                            excerpt(&key.0)
                        )));
                    }
                    let value = map.next_value::<&'de RawValue>()?;
                    if violation.is_none() {
                        if let Err(found) = strict::check(value.get()) {
                            violation = Some((excerpt(&key.0).into_owned(), found));
                        }
                    }
                    ignored.insert(key.0);
                }
            }
        }
        Ok(RawEnvelope {
            timestamp: timestamp.ok_or_else(|| de::Error::missing_field("timestamp"))?,
            version: version.ok_or_else(|| de::Error::missing_field("version"))?,
            event: event.ok_or_else(|| de::Error::missing_field("event"))?,
            data: data.ok_or_else(|| de::Error::missing_field("data"))?,
            is_test: is_test.flatten(),
            violation,
        })
    }
}

/// A key or string, borrowed from the body when it has no escapes.
pub(crate) struct Key<'a>(pub(crate) Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Parses a raw webhook request body into a typed [`Webhook`].
///
/// Pass the body bytes exactly as received. Event types the crate does not know parse into
/// [`Event::Unknown`]; undocumented enumeration values parse into the enumeration's
/// `Unknown` variant; unknown fields are ignored. This does **not** check the signature:
/// verify untrusted input first with [`WebhookVerifier`](crate::WebhookVerifier), or let
/// [`receive`](crate::receive) or a ready receiver do both.
///
/// # Errors
///
/// [`Error::InvalidJson`] when the body is not JSON, [`Error::NotAnObject`] when it is not an
/// object, [`Error::InvalidEnvelope`] when `timestamp`, `version`, `event` or `data` is missing
/// or of the wrong type, or `isTest` is neither a boolean nor `null`, and [`Error::InvalidData`] when `data` does not match the event
/// type's schema (with the JSON path of the field).
///
/// # Examples
///
/// ```
/// use steppay_webhook::{parse_webhook, Event};
///
/// let body = br#"{"data":{"id":1,"subscriptionItemId":9,"accumulatedRecord":30,"recordQuotas":[]},
///   "event":"subscription.usage.added","version":"v1","timestamp":1688697915}"#;
/// match parse_webhook(body)?.event {
///     Event::SubscriptionUsageAdded(usage) => assert_eq!(usage.accumulated_record, 30),
///     other => println!("not handled: {}", other.event_name()),
/// }
/// # Ok::<(), steppay_webhook::Error>(())
/// ```
pub fn parse_webhook(body: &[u8]) -> Result<Webhook, Error> {
    // UTF-8 is checked once, for the whole body: serde_json checks only the strings it reads,
    // and the parsers below read text without checking it again.
    let text = match simdutf8::basic::from_utf8(body) {
        Ok(text) => text,
        // std's check, only to say where the first invalid byte is.
        Err(_) => std::str::from_utf8(body).map_err(|source| Error::InvalidUtf8 { source })?,
    };
    // One pass, no path tracking: every body that is as it should be.
    if let Some(webhook) = one_pass::parse_well_formed(text) {
        return Ok(webhook);
    }
    // Anything else is read again, tracking the JSON path, for the exact error.
    parse_tracked(text)
}

/// The body read with path tracking: `data` kept raw until the event type is known, then
/// read with serde_path_to_error. Gives the error of a body that [`parse_webhook`]'s one
/// pass refused (and the same `Webhook` for the rare well-formed body it left to this).
pub(crate) fn parse_tracked(text: &str) -> Result<Webhook, Error> {
    let envelope = parse_envelope(text)?;
    if envelope.event.is_empty() {
        return Err(Error::EmptyEventName);
    }
    let data = envelope.data.get();
    let event = match envelope.event.parse::<EventType>() {
        // Every schema is an object; serde would otherwise also read a positional array.
        Ok(kind) if !data.starts_with('{') => {
            let message = format!(
                "invalid type: {}, expected a JSON object ({})",
                json_kind(data),
                kind.schema_name()
            );
            return Err(invalid_data(&envelope, "data".to_owned(), message));
        }
        Ok(kind) => Event::parse_known(kind, data).map_err(|error| {
            let path = join_path("data", error.path());
            invalid_data(&envelope, path, message_without_position(error.inner()))
        })?,
        // Kept as sent, byte for byte: but by the same rules as any body.
        Err(_) => match strict::check(data) {
            Ok(()) => Event::Unknown {
                event_name: envelope.event.into_owned(),
                data: RawJson::from(envelope.data.to_owned()),
            },
            Err(violation) => {
                let path = join_paths("data", &violation.path);
                return Err(invalid_data(&envelope, path, violation.message));
            }
        },
    };
    Ok(Webhook {
        timestamp: envelope.timestamp,
        version: envelope.version,
        event,
        is_test: envelope.is_test,
    })
}

/// An [`Error::InvalidData`] for `envelope`, keeping its fields and raw `data`.
fn invalid_data(envelope: &RawEnvelope<'_>, path: String, message: String) -> Error {
    Error::InvalidData(Box::new(InvalidData {
        event_name: envelope.event.clone().into_owned(),
        path,
        message,
        data: envelope.data.to_owned(),
        timestamp: envelope.timestamp,
        version: envelope.version.clone(),
        is_test: envelope.is_test,
    }))
}

fn parse_envelope(body: &str) -> Result<RawEnvelope<'_>, Error> {
    let first = body.bytes().find(|b| !b.is_ascii_whitespace());
    if first != Some(b'{') {
        // Not an object: say whether it is JSON at all.
        serde_json::from_str::<IgnoredAny>(body).map_err(|source| Error::InvalidJson { source })?;
        return Err(Error::NotAnObject {
            found: json_kind_of(first),
        });
    }
    let mut de = serde_json::Deserializer::from_str(body);
    let envelope =
        serde_path_to_error::deserialize::<_, RawEnvelope<'_>>(&mut de).map_err(|error| {
            let inner = error.inner();
            if inner.is_syntax() || inner.is_eof() || inner.is_io() {
                return Error::InvalidJson {
                    source: error.into_inner(),
                };
            }
            // A body that is not JSON at all is reported as such, even when an envelope field
            // error came first (`{} trailing`).
            if let Err(source) = serde_json::from_str::<IgnoredAny>(body) {
                return Error::InvalidJson { source };
            }
            Error::InvalidEnvelope {
                path: join_path("", error.path()),
                message: message_without_position(inner),
            }
        })?;
    // Trailing characters after the object.
    de.end().map_err(|source| Error::InvalidJson { source })?;
    if let Some((key, violation)) = &envelope.violation {
        return Err(Error::InvalidEnvelope {
            path: join_paths(key, &violation.path),
            message: violation.message.clone(),
        });
    }
    Ok(envelope)
}

/// What kind of JSON value `text` (valid JSON, leading whitespace skipped) is.
fn json_kind(text: &str) -> &'static str {
    json_kind_of(text.bytes().find(|b| !b.is_ascii_whitespace()))
}

/// What kind of JSON value starts with the byte `first` (`None`: nothing; anything unknown
/// reads as a number).
pub(crate) fn json_kind_of(first: Option<u8>) -> &'static str {
    match first {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}
