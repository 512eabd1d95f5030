//! The few custom (de)serializers the schemas need: exact decimals, lenient identifiers,
//! lists that may be `null` and required fields that may arrive under another name.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Unexpected};
use serde::Serializer;

/// Exact decimal money amounts read from and written as JSON numbers.
///
/// The number's text is taken as written (through `serde_json`'s raw values), so `12.5`
/// stays `12.5` and `10000.0` keeps its scale; no binary floating point is involved.
pub(crate) mod decimal {
    use super::*;
    use rust_decimal::Decimal;
    use serde_json::value::RawValue;

    pub(crate) fn serialize<S: Serializer>(
        value: &Decimal,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        // A raw value makes serde_json write the decimal's exact text as a JSON number.
        let raw = RawValue::from_string(value.to_string()).map_err(serde::ser::Error::custom)?;
        serde::Serialize::serialize(&raw, serializer)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Decimal, D::Error> {
        // Boxed rather than borrowed so that deserializing from a `serde_json::Value`
        // (users building test data with `json!`) works too.
        let raw = <Box<RawValue>>::deserialize(deserializer)?;
        from_raw(raw.get())
    }

    pub(crate) fn from_raw<E: de::Error>(text: &str) -> Result<Decimal, E> {
        const EXPECTED: &str = "a decimal";
        match text.as_bytes().first() {
            Some(b'-' | b'0'..=b'9') => {
                let invalid =
                    || E::invalid_value(Unexpected::Other(&format!("number {text}")), &EXPECTED);
                if text.contains(['e', 'E']) {
                    return Decimal::from_scientific(text).map_err(|_| invalid());
                }
                let parsed = text.parse::<Decimal>().map_err(|_| invalid())?;
                // rust_decimal rounds digits it cannot hold; an amount must never be rounded.
                let fraction_digits = text.split_once('.').map_or(0, |(_, f)| f.len());
                if parsed.scale() as usize != fraction_digits {
                    return Err(invalid());
                }
                Ok(parsed)
            }
            _ => {
                // Not a number: report what it was, as serde does for other types.
                let value: serde_json::Value = serde_json::from_str(text).map_err(E::custom)?;
                let unexpected = match &value {
                    serde_json::Value::Null => Unexpected::Unit,
                    serde_json::Value::Bool(b) => Unexpected::Bool(*b),
                    serde_json::Value::String(s) => Unexpected::Str(s),
                    serde_json::Value::Array(_) => Unexpected::Seq,
                    serde_json::Value::Object(_) => Unexpected::Map,
                    serde_json::Value::Number(_) => Unexpected::Other("number"),
                };
                Err(E::invalid_type(unexpected, &EXPECTED))
            }
        }
    }

    /// The same for `Option<Decimal>`: `null` or absent is `None`.
    pub(crate) mod option {
        use super::*;

        pub(crate) fn serialize<S: Serializer>(
            value: &Option<Decimal>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(value) => super::serialize(value, serializer),
                None => serializer.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Decimal>, D::Error> {
            match <Option<Box<RawValue>>>::deserialize(deserializer)? {
                Some(raw) => from_raw(raw.get()).map(Some),
                None => Ok(None),
            }
        }
    }
}

/// Identifiers the documentation types as String but StepPay sometimes sends as a number:
/// both read as the same `String` (`12345` reads as `"12345"`).
pub(crate) mod id {
    use super::*;

    struct IdVisitor;

    impl de::Visitor<'_> for IdVisitor {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an identifier (string or integer)")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<String, D::Error> {
        deserializer.deserialize_any(IdVisitor)
    }

    /// The same for an identifier that may be absent (`#[serde(default)]` gives `None`) but
    /// not `null`: `null` is an error at the field's path, as for any required field.
    pub(crate) fn some<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        deserialize(deserializer).map(Some)
    }

    /// The same for `Option<String>`.
    pub(crate) mod option {
        use super::*;

        struct OptionVisitor;

        impl<'de> de::Visitor<'de> for OptionVisitor {
            type Value = Option<String>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an identifier (string or integer) or null")
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                super::deserialize(d).map(Some)
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<String>, D::Error> {
            deserializer.deserialize_option(OptionVisitor)
        }
    }
}

/// Lists and maps that StepPay may send as `null` (or leave out): read as empty.
pub(crate) fn null_as_empty<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A value that may be absent (`#[serde(default)]` gives `None`) but not `null`: `null` is an
/// error at the field's path, as for any required field. For required fields that StepPay may
/// send under another name (the other name is a separate optional field; the schema's
/// `TryFrom` takes whichever came).
pub(crate) fn some<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// The value of a required field that StepPay sends as `name` or as `other_name`: whichever
/// came, and the same value if both came.
///
/// The message is serde's own "missing field" when neither came, and names both fields when
/// they disagree.
pub(crate) fn one_of<T: PartialEq + fmt::Display>(
    name: &'static str,
    value: Option<T>,
    other_name: &'static str,
    other: Option<T>,
) -> Result<T, String> {
    // Keep the message short whatever the values are.
    let short = |value: &T| value.to_string().chars().take(40).collect::<String>();
    match (value, other) {
        (Some(value), Some(other)) if value != other => Err(format!(
            "`{name}` ({}) and `{other_name}` ({}) disagree",
            short(&value),
            short(&other)
        )),
        (Some(value), _) | (None, Some(value)) => Ok(value),
        (None, None) => Err(format!("missing field `{name}`")),
    }
}
