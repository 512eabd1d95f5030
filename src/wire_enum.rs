//! The one mechanism behind every enumeration read off the wire as a string: the 22 schema
//! enumerations ([`wire_enum!`]) and [`EventType`](crate::EventType).
//!
//! - Conversions come from strum's derives: `EnumString` (`FromStr`, and `From<&str>` when
//!   an `Unknown(String)` variant is marked `#[strum(default)]`), `Display` and `AsRefStr`,
//!   with each variant's wire value in `#[strum(serialize = "...")]`.
//! - serde reads and writes the wire string through those same conversions
//!   ([`wire_serde!`]), so serde and `FromStr`/`Display` cannot disagree.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

/// Reads a wire string with the type's `FromStr`; a value `FromStr` refuses is an
/// `invalid value` error that quotes it.
pub(crate) struct WireNameVisitor<T> {
    expecting: &'static str,
    target: PhantomData<fn() -> T>,
}

impl<T> WireNameVisitor<T> {
    pub(crate) fn new(expecting: &'static str) -> Self {
        Self {
            expecting,
            target: PhantomData,
        }
    }
}

impl<T: FromStr> serde::de::Visitor<'_> for WireNameVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        value
            .parse()
            .map_err(|_| E::invalid_value(serde::de::Unexpected::Str(value), &self.expecting))
    }
}

/// `Serialize` and `Deserialize` as the wire string, through the type's `AsRef<str>` and
/// `FromStr` (strum's derives). `$expecting` describes the value in serde's errors.
macro_rules! wire_serde {
    ($name:ident, $expecting:expr) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_ref())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str($crate::wire_enum::WireNameVisitor::new($expecting))
            }
        }
    };
}
pub(crate) use wire_serde;

/// Defines a schema enumeration: one variant per documented wire value, and
/// `Unknown(String)` keeping any other value (strum's `#[strum(default)]`), with `From` both
/// ways, `FromStr`, `Display`, `AsRef<str>`, serde as the wire string, [`KNOWN`] and
/// `is_unknown`.
///
/// [`KNOWN`]: crate::SubscriptionStatus::KNOWN
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        ///
        /// Values StepPay sends that this crate does not know yet read as `Unknown` and are
        /// written back unchanged.
        #[derive(
            Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            strum::EnumString, strum::Display, strum::AsRefStr,
        )]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[doc = concat!("\n\nWire value `", $wire, "`.")]
                #[strum(serialize = $wire)]
                $variant,
            )+
            /// A value this crate does not know, kept exactly as sent.
            #[strum(default, transparent)]
            Unknown(String),
        }

        impl $name {
            /// Every value this crate knows: the webhook page's in its order, then those seen in
            /// StepPay's API material (each variant's documentation names its source).
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The wire value (`Unknown` gives back the value as sent).
            pub fn as_str(&self) -> &str {
                self.as_ref()
            }

            /// Whether this is a value the crate does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match $name::from(value.as_str()) {
                    $name::Unknown(_) => $name::Unknown(value),
                    known => known,
                }
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                match value {
                    $name::Unknown(value) => value,
                    known => known.as_str().to_owned(),
                }
            }
        }

        $crate::wire_enum::wire_serde!($name, concat!(stringify!($name), " as a string"));
    };
}
pub(crate) use wire_enum;
