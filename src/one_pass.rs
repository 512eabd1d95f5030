//! A webhook read in one pass: the envelope visitor that reads `data` straight into the
//! schema of its event type, with no path tracking.
//!
//! Two users:
//!
//! - [`parse_well_formed`], `parse_webhook`'s fast path: a body as StepPay sends it, read by
//!   the body's rules (what the envelope ignores is checked by [`strict`]). Anything not as
//!   expected makes it give up (`None`): `parse_webhook` then parses again with path tracking
//!   (webhook.rs), which gives the exact error. So this path only has to be right about the
//!   bodies it accepts, and it accepts exactly those the tracked parse accepts, with the same
//!   value (`tests/it/differential.rs` holds it to that on 40,000 bodies).
//! - `Webhook`'s `Deserialize`: what `Webhook`'s `Serialize` writes, in any serde format.
//!
//! When `event` comes before `data` (as StepPay and `Serialize` write it), `data` is read
//! straight into its schema. When `data` comes first, the fast path finds the event name in
//! the text (the last `"event"` key), reads `data` into that schema, and gives up if the real
//! `event` field says otherwise; without a name found there, or in `Deserialize`, `data` is
//! kept as raw JSON and read once the event type is known.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::excerpt;
use crate::webhook::Key;
use crate::{strict, Event, EventType, RawJson, Webhook};

/// `body` (UTF-8 already checked) read in one pass, or `None` when it is not a body that
/// `parse_webhook` accepts, or one this path leaves to the tracked parse.
pub(crate) fn parse_well_formed(body: &str) -> Option<Webhook> {
    let mut de = serde_json::Deserializer::from_str(body);
    let webhook = (&mut de)
        .deserialize_map(EnvelopeVisitor { body: Some(body) })
        .ok()?;
    // Nothing but whitespace after the object.
    de.end().ok()?;
    Some(webhook)
}

impl<'de> Deserialize<'de> for Webhook {
    /// Reads what [`Serialize`](serde::Serialize) writes (`timestamp`, `version`, `event`,
    /// `data`, `isTest`), in any self-describing serde format. See the type's documentation.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(EnvelopeVisitor { body: None })
    }
}

/// Reads the envelope. With `body`, by the rules of a body (`parse_webhook`'s fast path);
/// without, as `Deserialize` in any format.
struct EnvelopeVisitor<'b> {
    /// The whole body, when reading one: the fields the envelope ignores are checked by the
    /// body's rules, and the event name of a body that sends `data` first is looked up in it.
    body: Option<&'b str>,
}

/// `data`, as read so far.
enum Data {
    /// Read into the schema of this event type (named by `event`, or found in the text when
    /// `data` came first: then still to be confirmed by `event`).
    Typed(EventType, Event),
    /// Kept as sent: the data of an unknown event type, or of any when `data` came first
    /// and the event name was not found in the text.
    Raw(RawJson),
}

/// The error when `event` names another type than the one `data` was read as: the fast path
/// gives up (the tracked parse reads such a body right).
const GUESSED_WRONG: &str = "`data` came first and was read for another event type";

impl<'de> Visitor<'de> for EnvelopeVisitor<'_> {
    type Value = Webhook;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a StepPay webhook envelope")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Webhook, A::Error> {
        fn once<T, E: de::Error>(slot: &Option<T>, name: &'static str) -> Result<(), E> {
            match slot {
                Some(_) => Err(E::duplicate_field(name)),
                None => Ok(()),
            }
        }
        let mut timestamp = None;
        let mut version = None;
        let mut event: Option<Cow<'de, str>> = None;
        let mut data: Option<Data> = None;
        let mut is_test: Option<Option<bool>> = None;
        // The keys of fields the envelope ignores (rarely any), so that none comes twice.
        let mut ignored: Option<HashSet<Cow<'de, str>>> = None;
        while let Some(field) = map.next_key::<Field<'de>>()? {
            match field {
                Field::Timestamp => {
                    once(&timestamp, "timestamp")?;
                    timestamp = Some(map.next_value::<i64>()?);
                }
                Field::Version => {
                    once(&version, "version")?;
                    version = Some(map.next_value::<String>()?);
                }
                Field::Event => {
                    once(&event, "event")?;
                    let name = map.next_value::<Key<'de>>()?.0;
                    if let Some(Data::Typed(kind, _)) = &data {
                        if name.parse::<EventType>() != Ok(*kind) {
                            return Err(de::Error::custom(GUESSED_WRONG));
                        }
                    }
                    event = Some(name);
                }
                Field::Data => {
                    once(&data, "data")?;
                    let kind = match &event {
                        Some(name) => name.parse::<EventType>().ok(),
                        None => self.body.and_then(event_type_in_text),
                    };
                    data = Some(match kind {
                        Some(kind) => Data::Typed(kind, map.next_value_seed(Schema(kind))?),
                        None => Data::Raw(map.next_value::<RawJson>()?),
                    });
                }
                Field::IsTest => {
                    once(&is_test, "isTest")?;
                    is_test = Some(map.next_value::<Option<bool>>()?);
                }
                Field::Other(key) => {
                    let seen = ignored.get_or_insert_with(HashSet::new);
                    if seen.contains(&key) {
                        return Err(de::Error::custom(format!(
                            "duplicate key `{}`",
                            excerpt(&key)
                        )));
                    }
                    if self.body.is_some() {
                        let value = map.next_value::<&'de RawValue>()?;
                        if let Err(violation) = strict::check(value.get()) {
                            return Err(de::Error::custom(violation.message));
                        }
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                    seen.insert(key);
                }
            }
        }
        let timestamp = timestamp.ok_or_else(|| de::Error::missing_field("timestamp"))?;
        let version = version.ok_or_else(|| de::Error::missing_field("version"))?;
        let event_name = event.ok_or_else(|| de::Error::missing_field("event"))?;
        let data = data.ok_or_else(|| de::Error::missing_field("data"))?;
        if event_name.is_empty() {
            return Err(de::Error::custom("event: the event name is empty"));
        }
        let event = match data {
            // `event` named this type, or confirmed it above.
            Data::Typed(_, event) => event,
            Data::Raw(raw) => match event_name.parse::<EventType>() {
                Ok(kind) => Schema(kind)
                    .deserialize(&mut serde_json::Deserializer::from_str(raw.get()))
                    .map_err(de::Error::custom)?,
                Err(_) => {
                    if self.body.is_some() {
                        if let Err(violation) = strict::check(raw.get()) {
                            return Err(de::Error::custom(violation.message));
                        }
                    }
                    Event::Unknown {
                        event_name: event_name.into_owned(),
                        data: raw,
                    }
                }
            },
        };
        Ok(Webhook {
            timestamp,
            version,
            event,
            is_test: is_test.flatten(),
        })
    }
}

/// An envelope key: one of the five the envelope reads, or another (borrowed from the body
/// when it has no escapes).
enum Field<'a> {
    Timestamp,
    Version,
    Event,
    Data,
    IsTest,
    Other(Cow<'a, str>),
}

impl<'de> Deserialize<'de> for Field<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;

        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = Field<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Field<'de>, E> {
                Ok(Field::known(v).unwrap_or(Field::Other(Cow::Borrowed(v))))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Field<'de>, E> {
                Ok(Field::known(v).unwrap_or_else(|| Field::Other(Cow::Owned(v.to_owned()))))
            }
        }

        deserializer.deserialize_identifier(FieldVisitor)
    }
}

impl Field<'_> {
    fn known(key: &str) -> Option<Self> {
        Some(match key {
            "timestamp" => Field::Timestamp,
            "version" => Field::Version,
            "event" => Field::Event,
            "data" => Field::Data,
            "isTest" => Field::IsTest,
            _ => return None,
        })
    }
}

/// Reads `data` into the schema of one event type: a map (a positional array is refused,
/// as every schema is an object).
struct Schema(EventType);

impl<'de> DeserializeSeed<'de> for Schema {
    type Value = Event;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Event, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Schema {
    type Value = Event;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object ({})", self.0.schema_name())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Event, A::Error> {
        Event::from_map(self.0, map)
    }
}

/// The event type a body names, found in its text without parsing it: the value of the last
/// `"event"` key, when that is a string without escapes naming a known type. A guess (the
/// text could belong to another member), which the real `event` field confirms.
fn event_type_in_text(body: &str) -> Option<EventType> {
    const KEY: &[u8] = b"\"event\"";
    let bytes = body.as_bytes();
    let at = memchr::memmem::rfind(bytes, KEY)?;
    let rest = bytes.get(at + KEY.len()..)?.trim_ascii_start();
    let rest = rest.strip_prefix(b":")?.trim_ascii_start();
    let rest = rest.strip_prefix(b"\"")?;
    let end = memchr::memchr2(b'"', b'\\', rest)?;
    if rest.get(end) != Some(&b'"') {
        return None;
    }
    std::str::from_utf8(rest.get(..end)?).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_name_is_found_in_the_text() {
        let find = |text: &str| event_type_in_text(text);
        assert_eq!(
            find(r#"{"data":{"id":1},"event":"order.created"}"#),
            Some(EventType::OrderCreated)
        );
        assert_eq!(
            find("{\"data\":{},\n  \"event\" :\t \"cover.paused\"\n}"),
            Some(EventType::CoverPaused)
        );
        // The last one counts; escapes, unknown names and other types give no guess.
        assert_eq!(
            find(r#"{"event":"order.created","x":{"event":"payment.failed"}}"#),
            Some(EventType::PaymentFailed)
        );
        assert_eq!(find(r#"{"data":{},"event":"order\u002ecreated"}"#), None);
        assert_eq!(find(r#"{"data":{},"event":"order.exploded"}"#), None);
        assert_eq!(find(r#"{"data":{},"event":1}"#), None);
        assert_eq!(find(r#"{"data":{},"event""#), None);
        assert_eq!(find(r#"{"data":{}}"#), None);
    }

    /// Every valid fixture (the 27 event types, `minimal/`, `edge/`), as sent and with
    /// `data` moved before `event`: read by the one pass, not left to the tracked parse (which
    /// would be right, only slower), and to the same `Webhook`.
    #[test]
    fn every_fixture_takes_the_one_pass_in_either_key_order() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut seen = 0;
        for dir in [root.clone(), root.join("minimal"), root.join("edge")] {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().and_then(|e| e.to_str()) != Some("json") {
                    continue;
                }
                let body = std::fs::read_to_string(&path).unwrap();
                let tracked = crate::webhook::parse_tracked(&body).unwrap();
                let one_pass = parse_well_formed(&body);
                assert_eq!(one_pass.as_ref(), Some(&tracked), "{}", path.display());

                // `data` first: the same members, each as sent, in the order of their keys
                // (`data`, `event`, `isTest`, `timestamp`, `version`).
                let members: std::collections::BTreeMap<String, &RawValue> =
                    serde_json::from_str(&body).unwrap();
                let members: Vec<String> = members
                    .iter()
                    .map(|(key, value)| format!("{key:?}:{}", value.get()))
                    .collect();
                let data_first = format!("{{{}}}", members.join(","));
                assert!(data_first.starts_with("{\"data\":{"), "{data_first}");
                let one_pass = parse_well_formed(&data_first);
                assert_eq!(
                    one_pass.as_ref(),
                    Some(&tracked),
                    "{} data first",
                    path.display()
                );
                seen += 1;
            }
        }
        assert!(seen > 40, "{seen} fixtures");
    }

    #[test]
    fn a_wrong_guess_gives_up() {
        // `data` first, a later member holding another `"event"`: read as a payment, then
        // `event` says order: the fast path gives up (parse_webhook reads it right).
        let body = r#"{"timestamp":1,"version":"v1","data":{"paymentId":1,"idKey":"k","status":"COMPLETE"},"event":"payment.completed","x":{"event":"order.created"}}"#;
        assert!(parse_well_formed(body).is_none());
        let webhook = crate::parse_webhook(body.as_bytes()).unwrap();
        assert_eq!(webhook.event_type(), Some(EventType::PaymentCompleted));
        let body = r#"{"timestamp":1,"version":"v1","data":{"paymentId":1,"idKey":"k","status":"COMPLETE"},"event":"payment.completed"}"#;
        let webhook = parse_well_formed(body).unwrap();
        assert_eq!(webhook.event_type(), Some(EventType::PaymentCompleted));
        assert_eq!(crate::parse_webhook(body.as_bytes()).unwrap(), webhook);
    }
}
