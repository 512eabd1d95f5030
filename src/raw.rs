//! [`RawJson`]: JSON text kept exactly as it came, for the data of event types this crate does
//! not know.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// JSON text kept byte for byte as StepPay sent it: the `data` of an
/// [`Event::Unknown`](crate::Event::Unknown).
///
/// Nothing is lost: numbers keep every digit (`1e-28`, `12345678901234567890123`,
/// `1e400`), nesting of any depth stays, and serializing writes the same bytes back.
/// [`get`](Self::get) gives the text; [`to_value`](Self::to_value) and
/// [`deserialize`](Self::deserialize) read it into a `serde_json::Value` or a type of
/// your own when you want one.
///
/// `Debug` shows only the length: the data may hold personal data.
///
/// # Examples
///
/// ```
/// use steppay_webhook::{parse_webhook, Event};
///
/// let body = br#"{"timestamp":1795046400,"version":"v1","event":"subscription.renewal_reminded",
///   "data":{"subscriptionId":90210,"rate":1e-28,"big":123456789012345678901234567890}}"#;
/// let Event::Unknown { event_name, data } = parse_webhook(body)?.event else { unreachable!() };
/// assert_eq!(event_name, "subscription.renewal_reminded");
/// assert_eq!(data.get(), r#"{"subscriptionId":90210,"rate":1e-28,"big":123456789012345678901234567890}"#);
///
/// // A `Value` when you want one (numbers become f64, i64 or u64).
/// let value = data.to_value()?;
/// assert_eq!(value["subscriptionId"], 90210);
/// assert_eq!(format!("{data:?}"), "RawJson(<74 bytes, redacted>)");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// The JSON text exactly as sent.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// The text as a `serde_json::Value`.
    ///
    /// # Errors
    ///
    /// A `Value` cannot hold every JSON text that [`RawJson`] keeps, so this can fail where
    /// [`get`](Self::get) cannot: a number beyond `f64`'s range (`1e400`), or nesting deeper
    /// than serde_json's limit of 128 levels. Numbers that fit are read as `i64`, `u64` or
    /// `f64`, so digits beyond `f64`'s precision (`1e-28` stays, but
    /// `0.1234567890123456789` does not) are rounded: use [`get`](Self::get) for an exact
    /// copy.
    pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(self.get())
    }

    /// Reads the text into a type of your own (`T: Deserialize`), as `serde_json::from_str`
    /// would.
    ///
    /// ```
    /// # use steppay_webhook::RawJson;
    /// #[derive(serde::Deserialize)]
    /// #[serde(rename_all = "camelCase")]
    /// struct Reminder { subscription_id: i64 }
    ///
    /// let data: RawJson = r#"{"subscriptionId":90210}"#.parse()?;
    /// assert_eq!(data.deserialize::<Reminder>()?.subscription_id, 90210);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// When the text does not match `T`.
    pub fn deserialize<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.get())
    }

    /// The serde_json raw value.
    pub fn into_raw_value(self) -> Box<RawValue> {
        self.0
    }
}

impl From<Box<RawValue>> for RawJson {
    fn from(raw: Box<RawValue>) -> Self {
        Self(raw)
    }
}

impl FromStr for RawJson {
    type Err = serde_json::Error;

    /// Keeps `text` as it is, once checked to be one JSON value (surrounding whitespace is
    /// not allowed).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        RawValue::from_string(text.to_owned()).map(Self)
    }
}

impl fmt::Debug for RawJson {
    /// Only the length: the data may hold personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawJson(<{} bytes, redacted>)", self.get().len())
    }
}

impl PartialEq for RawJson {
    /// Equal when the texts are equal, byte for byte.
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for RawJson {}

impl std::hash::Hash for RawJson {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.get().hash(state);
    }
}

impl Serialize for RawJson {
    /// Writes the text as it is: in JSON as the JSON it is, in a binary format (CBOR,
    /// MessagePack, ...) as a string holding the JSON text.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            self.0.serialize(serializer)
        } else {
            serializer.serialize_str(self.get())
        }
    }
}

impl<'de> Deserialize<'de> for RawJson {
    /// Reads what [`Serialize`] writes: the JSON itself from serde_json, a string holding
    /// JSON text from a binary format (checked to be JSON).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            <Box<RawValue>>::deserialize(deserializer).map(Self)
        } else {
            let text = String::deserialize(deserializer)?;
            RawValue::from_string(text)
                .map(Self)
                .map_err(serde::de::Error::custom)
        }
    }
}
