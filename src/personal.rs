//! Personal data (e-mail addresses, phone numbers, address lines, account and registration
//! numbers, merchant-defined attributes) kept out of `Debug` and error messages.
//!
//! One mechanism for every schema type that holds some:
//!
//! - [`debug_redacted!`] writes the type's `Debug`, showing the fields marked `[redacted]` as
//!   `<redacted>` (a list or map keeps its shape: `["<redacted>"]`, `{"vip": <redacted>}`);
//!   it destructures the type in full, so a field added later must be listed to compile;
//! - the deserializers of this module read those fields without ever quoting the value in an
//!   error (a number where an e-mail address belongs is "invalid type: integer, expected a
//!   string", not the number).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};

use crate::error::excerpt;

/// What a redacted value shows in `Debug`.
const MASK: &str = "<redacted>";

/// A value whose `Debug` hides the personal data in it.
pub(crate) trait Redact {
    /// Writes the value with its personal data masked.
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl Redact for String {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl<T: Redact> Redact for Option<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            None => f.write_str("None"),
            Some(value) => f.debug_tuple("Some").field(&Redacted(value)).finish(),
        }
    }
}

impl<T: Redact> Redact for Vec<T> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(Redacted)).finish()
    }
}

/// Keys stay (they are the merchant's names for the values); values are masked.
impl<V: Redact> Redact for BTreeMap<String, V> {
    fn fmt_redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(key, value)| (key, Redacted(value))))
            .finish()
    }
}

/// `Debug` through [`Redact`].
pub(crate) struct Redacted<'a, T: ?Sized>(pub(crate) &'a T);

impl<T: Redact + ?Sized> fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_redacted(f)
    }
}

/// `Debug` for a struct with personal data: every field listed in declaration order, those
/// marked `[redacted]` masked.
///
/// ```text
/// debug_redacted!(Payer { user_name, email [redacted], phone [redacted] });
/// ```
macro_rules! debug_redacted {
    ($ty:ident { $($field:ident $([$redacted:ident])?),+ $(,)? }) => {
        impl ::std::fmt::Debug for $ty {
            /// Personal data (see the type's documentation) shows as `<redacted>`.
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                // Destructured in full: a field added to the type must be listed here.
                let Self { $($field),+ } = self;
                let mut s = f.debug_struct(stringify!($ty));
                $( $crate::personal::debug_redacted!(@field s, $field $($redacted)?); )+
                s.finish()
            }
        }
    };
    (@field $s:ident, $field:ident) => {
        $s.field(stringify!($field), $field);
    };
    (@field $s:ident, $field:ident redacted) => {
        $s.field(stringify!($field), &$crate::personal::Redacted($field));
    };
}
pub(crate) use debug_redacted;

/// What kind of JSON value a visitor was given, never the value itself.
fn kind_only<E: de::Error>(kind: &'static str, expected: &dyn de::Expected) -> E {
    E::invalid_type(Unexpected::Other(kind), expected)
}

/// Reads a string of personal data; any other JSON type is an error that names the type only.
struct PersonalString;

impl<'de> Visitor<'de> for PersonalString {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<String, E> {
        Err(kind_only("boolean", &self))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<String, E> {
        Err(kind_only("integer", &self))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<String, E> {
        Err(kind_only("integer", &self))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<String, E> {
        Err(kind_only("floating point", &self))
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Err(kind_only("null", &self))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(kind_only("sequence", &self))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(kind_only("map", &self))
    }
}

impl<'de> DeserializeSeed<'de> for PersonalString {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// An optional personal string (`null` or absent is `None`): `#[serde(default,
/// deserialize_with = "personal::option")]`.
pub(crate) fn option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    struct OptionVisitor;

    impl<'de> Visitor<'de> for OptionVisitor {
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            PersonalString.deserialize(d).map(Some)
        }
    }

    deserializer.deserialize_option(OptionVisitor)
}

/// A list of personal strings (`null` or absent is empty): `#[serde(default,
/// deserialize_with = "personal::list")]`.
pub(crate) fn list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    struct ListVisitor;

    impl<'de> Visitor<'de> for ListVisitor {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of strings or null")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(value) = seq.next_element_seed(PersonalString)? {
                out.push(value);
            }
            Ok(out)
        }
    }

    deserializer.deserialize_option(ListVisitor)
}

/// A map of personal strings by the merchant's keys (`null` or absent is empty), refusing a
/// key that comes twice (the body would otherwise say two things and the last would win):
/// `#[serde(default, deserialize_with = "personal::map")]`.
pub(crate) fn map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    struct MapVisitor;

    impl<'de> Visitor<'de> for MapVisitor {
        type Value = BTreeMap<String, String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map of strings or null")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.contains_key(&key) {
                    return Err(de::Error::custom(format!(
                        "duplicate key `{}`",
                        excerpt(&key)
                    )));
                }
                let value = map.next_value_seed(PersonalString)?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }

    deserializer.deserialize_option(MapVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Sample {
        #[serde(default, deserialize_with = "option")]
        email: Option<String>,
        #[serde(default, deserialize_with = "list")]
        recipients: Vec<String>,
        #[serde(default, deserialize_with = "map")]
        attributes: BTreeMap<String, String>,
    }

    fn error(json: &str) -> String {
        match serde_json::from_str::<Sample>(json) {
            Ok(_) => panic!("{json} parsed"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn wrong_types_never_quote_the_value() {
        let message = error(r#"{"email":1012345678}"#);
        assert!(
            message.starts_with("invalid type: integer, expected a string"),
            "{message}"
        );
        let message = error(r#"{"recipients":["a@example.kr",true]}"#);
        assert!(
            message.starts_with("invalid type: boolean, expected a string"),
            "{message}"
        );
        let message = error(r#"{"attributes":{"vip":1.5}}"#);
        assert!(
            message.starts_with("invalid type: floating point, expected a string"),
            "{message}"
        );
    }

    #[test]
    fn null_and_absent_read_empty_and_duplicates_are_refused() {
        let sample: Sample =
            serde_json::from_str(r#"{"email":null,"recipients":null,"attributes":null}"#).unwrap();
        assert_eq!(
            (
                sample.email,
                sample.recipients.len(),
                sample.attributes.len()
            ),
            (None, 0, 0)
        );
        let message = error(r#"{"attributes":{"vip":"Y","vip":"N"}}"#);
        assert!(message.starts_with("duplicate key `vip`"), "{message}");
    }

    #[test]
    fn redacted_debug_keeps_the_shape() {
        let map = BTreeMap::from([("vip".to_owned(), "Y".to_owned())]);
        assert_eq!(format!("{:?}", Redacted(&map)), r#"{"vip": <redacted>}"#);
        let list = vec!["a@example.kr".to_owned()];
        assert_eq!(format!("{:?}", Redacted(&list)), "[<redacted>]");
        assert_eq!(
            format!("{:?}", Redacted(&Some("x".to_owned()))),
            "Some(<redacted>)"
        );
        assert_eq!(format!("{:?}", Redacted(&None::<String>)), "None");
    }
}
