//! The few custom (de)serializers the schemas need: exact decimals, lenient identifiers,
//! lists that may be `null` and required fields that may arrive under another name.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Unexpected};
use serde::Serializer;

use crate::error::excerpt;

/// Exact decimal money amounts, in every serde format, without an allocation per amount.
///
/// - **JSON** (serde_json's deserializer and `Value`, and every human-readable format that
///   knows serde_json's raw values): read from the number's text as written (serde_json hands
///   it over borrowed, through its raw-value protocol), so `12.5` stays `12.5` and `10000.0`
///   keeps its scale; no binary floating point is involved. Written back as that number.
/// - **Binary formats** (CBOR, MessagePack, ...: not human-readable): written as the exact
///   decimal text (`"10000.0"`), read back from it; an integer is read too.
/// - Anything else that has no raw values (another human-readable format, serde's buffered
///   content): integers are read exactly; a float is refused, never rounded into money.
pub(crate) mod decimal {
    use std::borrow::Cow;

    use super::*;
    use rust_decimal::Decimal;
    use serde::de::{MapAccess, Visitor};
    use serde::ser::SerializeStruct;

    /// serde_json's private name for its raw values (`serde_json::value::RawValue`), through
    /// which it hands a number's text over as written, and writes a text as a number. The
    /// unit test `serde_json_raw_value_token_is_still_this` fails loudly if serde_json ever
    /// renames it.
    pub(crate) const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

    /// A decimal's text on the stack: rust_decimal writes at most 31 characters
    /// (`-0.0000000000000000000000000001`, 29 digits with sign and point).
    struct Text {
        bytes: [u8; 48],
        len: usize,
    }

    impl Text {
        fn of(value: &Decimal) -> Option<Text> {
            use std::fmt::Write;
            let mut text = Text {
                bytes: [0; 48],
                len: 0,
            };
            write!(text, "{value}").ok()?;
            Some(text)
        }

        fn as_str(&self) -> &str {
            std::str::from_utf8(self.bytes.get(..self.len).unwrap_or_default()).unwrap_or_default()
        }
    }

    impl fmt::Write for Text {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let end = self.len.checked_add(s.len()).ok_or(fmt::Error)?;
            self.bytes
                .get_mut(self.len..end)
                .ok_or(fmt::Error)?
                .copy_from_slice(s.as_bytes());
            self.len = end;
            Ok(())
        }
    }

    pub(crate) fn serialize<S: Serializer>(
        value: &Decimal,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match Text::of(value) {
            Some(text) => write_text(text.as_str(), serializer),
            // Never: 48 bytes hold every decimal. Kept correct all the same.
            None => write_text(&value.to_string(), serializer),
        }
    }

    fn write_text<S: Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            // serde_json (and its `Value`) writes the field of this struct as a raw number.
            let mut raw = serializer.serialize_struct(RAW_VALUE_TOKEN, 1)?;
            raw.serialize_field(RAW_VALUE_TOKEN, text)?;
            raw.end()
        } else {
            serializer.serialize_str(text)
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Decimal, D::Error> {
        if deserializer.is_human_readable() {
            deserializer
                .deserialize_newtype_struct(RAW_VALUE_TOKEN, DecimalVisitor { binary: false })
        } else {
            // Self-describing binary formats (CBOR, MessagePack): the text this writes, or an
            // integer from another writer.
            deserializer.deserialize_any(DecimalVisitor { binary: true })
        }
    }

    /// Reads a decimal from what the format gives: serde_json's raw number text, a decimal
    /// text (binary formats only), an integer.
    struct DecimalVisitor {
        /// Whether the format is a binary one, where decimals are written as text.
        binary: bool,
    }

    impl<'de> Visitor<'de> for DecimalVisitor {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal")
        }

        /// serde_json's raw value: one entry, the token and the value's text as written.
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
            if map.next_key::<RawValueKey>()?.is_none() {
                return Err(de::Error::invalid_type(Unexpected::Map, &self));
            }
            let text = map.next_value::<RawText<'de>>()?;
            // Read after the map is done: an error is the field's, not the token's.
            from_raw(&text.0)
        }

        /// A human-readable format that does not know serde_json's raw values.
        fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Decimal, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            if !self.binary {
                // In JSON-like formats a decimal is a number; a string is refused there.
                return Err(E::invalid_type(Unexpected::Str(&excerpt(v)), &self));
            }
            parse_exact(v).map_err(|reason| {
                E::invalid_value(Unexpected::Str(&excerpt(v)), &reason.expected())
            })
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        fn visit_u128<E: de::Error>(self, v: u128) -> Result<Decimal, E> {
            let out_of_range = || {
                E::invalid_value(
                    Unexpected::Other("a 128-bit integer"),
                    &DecimalError::OutOfRange.expected(),
                )
            };
            let v = i128::try_from(v).map_err(|_| out_of_range())?;
            Decimal::try_from_i128_with_scale(v, 0).map_err(|_| out_of_range())
        }

        fn visit_i128<E: de::Error>(self, v: i128) -> Result<Decimal, E> {
            Decimal::try_from_i128_with_scale(v, 0).map_err(|_| {
                E::invalid_value(
                    Unexpected::Other("a 128-bit integer"),
                    &DecimalError::OutOfRange.expected(),
                )
            })
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            // Money is never read from binary floating point: its exact value is lost.
            Err(E::invalid_type(
                Unexpected::Float(v),
                &"a decimal written exactly (a float would be rounded)",
            ))
        }
    }

    /// The key of serde_json's raw-value map; any other key is not a decimal.
    struct RawValueKey;

    impl<'de> Deserialize<'de> for RawValueKey {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct KeyVisitor;

            impl Visitor<'_> for KeyVisitor {
                type Value = RawValueKey;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a decimal")
                }

                fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValueKey, E> {
                    if v == RAW_VALUE_TOKEN {
                        Ok(RawValueKey)
                    } else {
                        Err(E::invalid_type(Unexpected::Map, &self))
                    }
                }
            }

            deserializer.deserialize_identifier(KeyVisitor)
        }
    }

    /// A raw value's text: borrowed from the body when serde_json can (always, for a body
    /// read from a `&str` or `&[u8]`), so no amount costs an allocation.
    struct RawText<'de>(Cow<'de, str>);

    impl<'de> Deserialize<'de> for RawText<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct TextVisitor;

            impl<'de> Visitor<'de> for TextVisitor {
                type Value = RawText<'de>;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a decimal")
                }

                fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                    Ok(RawText(Cow::Borrowed(v)))
                }

                fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                    Ok(RawText(Cow::Owned(v.to_owned())))
                }

                fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                    Ok(RawText(Cow::Owned(v)))
                }
            }

            deserializer.deserialize_str(TextVisitor)
        }
    }

    pub(crate) fn from_raw<E: de::Error>(text: &str) -> Result<Decimal, E> {
        match text.as_bytes().first() {
            Some(b'-' | b'0'..=b'9') => parse_exact(text).map_err(|reason| {
                let number = format!("number {}", excerpt(text));
                E::invalid_value(Unexpected::Other(&number), &reason.expected())
            }),
            // Not a number: say what it was, as serde does for other types (a string is
            // quoted, shortened).
            Some(b'"') => {
                let value: String = serde_json::from_str(text).map_err(E::custom)?;
                Err(E::invalid_type(
                    Unexpected::Str(&excerpt(&value)),
                    &"a decimal",
                ))
            }
            Some(b't') => Err(E::invalid_type(Unexpected::Bool(true), &"a decimal")),
            Some(b'f') => Err(E::invalid_type(Unexpected::Bool(false), &"a decimal")),
            Some(b'n') => Err(E::invalid_type(Unexpected::Unit, &"a decimal")),
            Some(b'[') => Err(E::invalid_type(Unexpected::Seq, &"a decimal")),
            _ => Err(E::invalid_type(Unexpected::Map, &"a decimal")),
        }
    }

    /// Why a number's text is not an exact [`Decimal`].
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum DecimalError {
        /// Not a JSON number at all.
        NotANumber,
        /// More than 28 fractional digits that are not all zeros: the value would be rounded.
        NeedsRounding,
        /// Beyond ±79228162514264337593543950335.
        OutOfRange,
    }

    impl DecimalError {
        /// What was expected instead, for serde's `invalid value` message.
        pub(crate) fn expected(self) -> &'static str {
            match self {
                DecimalError::NotANumber => "a decimal",
                DecimalError::NeedsRounding => {
                    "a decimal of at most 28 fractional digits (this one would be rounded)"
                }
                DecimalError::OutOfRange => "a decimal within ±79228162514264337593543950335",
            }
        }
    }

    /// The exact value of a JSON number's text, in any notation (`12.50`, `-3`, `1.5e1`,
    /// `125e-2`), with the scale it was written with (`10000.000` keeps three fractional
    /// digits; `1.50e1` is `15.0`), or why it has none: a value that would need rounding (more
    /// than 28 significant fractional digits) or is out of range is an error, never a nearby
    /// value. Fractional zeros beyond the 28th are dropped (the value is unchanged).
    ///
    /// Time and memory are linear in the text, whatever the exponent (`1e-1000000000000`).
    pub(crate) fn parse_exact(text: &str) -> Result<Decimal, DecimalError> {
        /// The largest scale and the most digits a `Decimal` holds.
        const MAX_SCALE: i128 = 28;
        const MAX_DIGITS: usize = 29;

        let bytes = text.as_bytes();
        let (negative, unsigned) = match bytes.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, bytes),
        };
        let int_len = unsigned.iter().take_while(|b| b.is_ascii_digit()).count();
        let (int, rest) = unsigned
            .split_at_checked(int_len)
            .ok_or(DecimalError::NotANumber)?;
        // JSON: one zero or a non-zero first digit.
        if int.is_empty() || (int.len() > 1 && int.first() == Some(&b'0')) {
            return Err(DecimalError::NotANumber);
        }
        let (fraction, rest) = match rest.split_first() {
            Some((b'.', after)) => {
                let len = after.iter().take_while(|b| b.is_ascii_digit()).count();
                let split = after
                    .split_at_checked(len)
                    .ok_or(DecimalError::NotANumber)?;
                if split.0.is_empty() {
                    return Err(DecimalError::NotANumber);
                }
                split
            }
            _ => (&[][..], rest),
        };
        let exponent: i128 = match rest.split_first() {
            None => 0,
            Some((b'e' | b'E', after)) => {
                let (sign, digits) = match after.split_first() {
                    Some((b'-', d)) => (-1, d),
                    Some((b'+', d)) => (1, d),
                    _ => (1, after),
                };
                if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                    return Err(DecimalError::NotANumber);
                }
                // Saturates: an exponent of more than 30 digits is as good as infinite here.
                let value = digits.iter().try_fold(0i128, |value, &d| {
                    value.checked_mul(10)?.checked_add(i128::from(d - b'0'))
                });
                sign * value.unwrap_or(i128::from(u64::MAX))
            }
            Some(_) => return Err(DecimalError::NotANumber),
        };

        // The significant digits (leading zeros dropped), without copying them:
        // value = digits × 10^-scale.
        let digits = || int.iter().chain(fraction).skip_while(|&&d| d == b'0');
        let significant = digits().count();
        let mut scale = i128::try_from(fraction.len()).unwrap_or(i128::MAX) - exponent;
        if significant == 0 {
            // Zero, in any notation: exact, with the scale written where a Decimal can hold it.
            let scale = u32::try_from(scale.clamp(0, MAX_SCALE)).unwrap_or(0);
            return Ok(Decimal::new(0, scale));
        }
        // Fractional zeros a Decimal cannot hold: dropping them leaves the value unchanged.
        let trailing_zeros = i128::try_from(
            int.iter()
                .chain(fraction)
                .rev()
                .take_while(|&&d| d == b'0')
                .count(),
        )
        .unwrap_or(0);
        let dropped = trailing_zeros.min((scale - MAX_SCALE).max(0));
        scale -= dropped;
        if scale > MAX_SCALE {
            return Err(DecimalError::NeedsRounding);
        }
        let kept = significant - usize::try_from(dropped).unwrap_or(0);
        // A positive exponent beyond the fraction: that many zeros after the digits.
        let zeros = usize::try_from((-scale).max(0)).unwrap_or(usize::MAX);
        if kept > MAX_DIGITS || zeros > MAX_DIGITS || kept + zeros > MAX_DIGITS {
            return Err(DecimalError::OutOfRange);
        }
        let mantissa = digits()
            .take(kept)
            .chain(std::iter::repeat_n(&b'0', zeros))
            .fold(0i128, |value, &d| value * 10 + i128::from(d - b'0'));
        let mantissa = if negative { -mantissa } else { mantissa };
        let scale = u32::try_from(scale.max(0)).map_err(|_| DecimalError::OutOfRange)?;
        Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| DecimalError::OutOfRange)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn exact(text: &str) -> String {
            parse_exact(text)
                .map(|d| d.to_string())
                .unwrap_or_else(|e| format!("{e:?}"))
        }

        #[test]
        fn serde_json_raw_value_token_is_still_this() {
            /// A deserializer that fails with the name of the newtype struct it is asked for.
            struct Spy;

            impl<'de> Deserializer<'de> for Spy {
                type Error = de::value::Error;

                fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
                    Err(de::Error::custom("asked for something else"))
                }

                fn deserialize_newtype_struct<V: Visitor<'de>>(
                    self,
                    name: &'static str,
                    _: V,
                ) -> Result<V::Value, Self::Error> {
                    Err(de::Error::custom(name))
                }

                serde::forward_to_deserialize_any! {
                    bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
                    bytes byte_buf option unit unit_struct seq tuple tuple_struct map struct
                    enum identifier ignored_any
                }
            }

            let asked = <Box<serde_json::value::RawValue>>::deserialize(Spy).unwrap_err();
            assert_eq!(
                asked.to_string(),
                RAW_VALUE_TOKEN,
                "serde_json renamed the private token of its raw values: exact decimals \
                 (serde_util::decimal) read and write numbers through it; follow the rename"
            );

            // Through serde_json itself, both ways: a text no f64 holds stays exact.
            let text = "0.1000000000000000000000000001";
            let value = deserialize(&mut serde_json::Deserializer::from_str(text)).unwrap();
            assert_eq!(value.to_string(), text);
            let mut written = Vec::new();
            serialize(&value, &mut serde_json::Serializer::new(&mut written)).unwrap();
            assert_eq!(String::from_utf8(written).unwrap(), text);
            let value = deserialize(serde_json::Value::from(12)).unwrap();
            assert_eq!(value, Decimal::from(12));
        }

        #[test]
        fn binary_formats_write_the_exact_text() {
            // `Content`-like deserializers and binary formats: integers exact, floats refused.
            use serde::de::value::{Error, F64Deserializer, StrDeserializer, U64Deserializer};
            assert_eq!(
                DecimalVisitor { binary: true }
                    .visit_str::<Error>("10000.000")
                    .unwrap()
                    .to_string(),
                "10000.000"
            );
            assert!(DecimalVisitor { binary: false }
                .visit_str::<Error>("1")
                .unwrap_err()
                .to_string()
                .contains("invalid type: string"));
            let d = U64Deserializer::<Error>::new(29000);
            assert_eq!(
                DecimalVisitor { binary: false }
                    .visit_newtype_struct(d)
                    .unwrap(),
                Decimal::from(29000)
            );
            let d = F64Deserializer::<Error>::new(0.1);
            assert!(DecimalVisitor { binary: false }
                .visit_newtype_struct(d)
                .is_err());
            let d = StrDeserializer::<Error>::new("12.50");
            assert!(DecimalVisitor { binary: false }
                .visit_newtype_struct(d)
                .is_err());
        }

        #[test]
        fn every_notation_reads_exactly() {
            for (text, value) in [
                ("0", "0"),
                ("-0", "0"),
                ("12.5", "12.5"),
                ("10000.000", "10000.000"),
                ("1.0000000000", "1.0000000000"),
                ("1.5e1", "15"),
                ("1.50e1", "15.0"),
                ("15E0", "15"),
                ("125e-2", "1.25"),
                ("-125E+1", "-1250"),
                ("1e-28", "0.0000000000000000000000000001"),
                ("0e400", "0"),
                (
                    "0.0e-99999999999999999999999999999999",
                    "0.0000000000000000000000000000",
                ),
                (
                    "79228162514264337593543950335",
                    "79228162514264337593543950335",
                ),
                (
                    "7.9228162514264337593543950335e28",
                    "79228162514264337593543950335",
                ),
                (
                    "0.1000000000000000000000000000000000",
                    "0.1000000000000000000000000000",
                ),
            ] {
                assert_eq!(exact(text), value, "{text}");
            }
        }

        #[test]
        fn values_that_would_be_rounded_or_overflow_are_errors() {
            for (text, error) in [
                ("0.12345678901234567890123456789e0", "NeedsRounding"),
                ("0.12345678901234567890123456789", "NeedsRounding"),
                ("1e-29", "NeedsRounding"),
                ("1e-30", "NeedsRounding"),
                ("1e-99999999999999999999999999999999999999", "NeedsRounding"),
                ("79228162514264337593543950336", "OutOfRange"),
                ("1e29", "OutOfRange"),
                ("1e400", "OutOfRange"),
                ("1e99999999999999999999999999999999999999", "OutOfRange"),
                ("123456789012345678901234567890", "OutOfRange"),
                ("", "NotANumber"),
                ("-", "NotANumber"),
                ("01", "NotANumber"),
                ("1.", "NotANumber"),
                (".5", "NotANumber"),
                ("1e", "NotANumber"),
                ("1e+", "NotANumber"),
                ("1x", "NotANumber"),
                ("１", "NotANumber"),
            ] {
                assert_eq!(exact(text), error, "{text}");
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
            struct OptionVisitor;

            impl<'de> Visitor<'de> for OptionVisitor {
                type Value = Option<Decimal>;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a decimal or null")
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

            deserializer.deserialize_option(OptionVisitor)
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
    let short = |value: &T| crate::error::excerpt(&value.to_string()).into_owned();
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
