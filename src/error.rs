//! [`Error`]: why a body is not a StepPay webhook, naming the event type and JSON path, with
//! its cause printed once.

use std::fmt;

use serde_json::value::RawValue;

/// Why [`parse_webhook`](crate::parse_webhook) rejected a body.
///
/// Messages name what was wrong: the event type when known and the JSON path of the
/// offending field, e.g.
/// `order.updated: data.items[1].paidAmount: invalid type: string "abc", expected a decimal`.
/// A wrapped cause (the JSON parser's error) is returned by
/// [`source`](std::error::Error::source), not repeated in the message.
///
/// When only `data` is wrong ([`Error::InvalidData`]), the event name and the raw `data`
/// stay reachable ([`Error::event_name`], [`Error::raw_data`]) so that a receiver can store
/// the delivery; `Debug` never prints the raw data, which may hold personal data.
///
/// # Examples
///
/// ```
/// use steppay_webhook::{parse_webhook, Error};
///
/// let body = br#"{"timestamp":1795046400,"version":"v1","event":"order.updated",
///   "data":{"id":1,"code":"A","type":"ONE_TIME","paidAmount":"abc"}}"#;
/// let err = parse_webhook(body).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"order.updated: data.paidAmount: invalid type: string "abc", expected a decimal"#
/// );
/// assert_eq!(err.event_name(), Some("order.updated"));
/// assert_eq!(err.path(), Some("data.paidAmount"));
/// assert!(err.raw_data().unwrap().contains("\"abc\""));
/// assert!(!format!("{err:?}").contains("\"abc\""));
/// assert!(matches!(err, Error::InvalidData { .. }));
/// ```
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The body is not JSON at all (or not UTF-8, or truncated); the parser's error, with
    /// line and column, is the [`source`](std::error::Error::source).
    #[error("body is not valid JSON")]
    #[non_exhaustive]
    InvalidJson {
        /// The JSON parser's error, with line and column in the body.
        source: serde_json::Error,
    },

    /// The body is JSON but not an object.
    #[error("body is not a JSON object: found {found}")]
    #[non_exhaustive]
    NotAnObject {
        /// What was found instead: `"an array"`, `"a string"`, ...
        found: &'static str,
    },

    /// An envelope field (`timestamp`, `version`, `event`, `data`) is missing or has the
    /// wrong type, or `isTest` is neither a boolean nor `null`.
    #[error("envelope: {}{message}", path_prefix(.path))]
    #[non_exhaustive]
    InvalidEnvelope {
        /// The JSON path of the field (`"timestamp"`), or empty when the field is missing.
        path: String,
        /// What was wrong.
        message: String,
    },

    /// `data` does not match the schema of the event type. The envelope was readable, so
    /// its fields are kept too.
    #[error("{event_name}: {path}: {message}")]
    #[non_exhaustive]
    InvalidData {
        /// The event type's wire name as sent.
        event_name: String,
        /// The JSON path of the offending field, starting at `data`
        /// (`"data.items[1].paidAmount"`).
        path: String,
        /// What was wrong.
        message: String,
        /// The `data` object exactly as sent (never printed by `Debug`).
        data: Box<RawValue>,
        /// The envelope `timestamp` as sent.
        timestamp: i64,
        /// The envelope `version` as sent.
        version: String,
        /// The envelope `isTest` as sent (`None` when absent or `null`).
        is_test: Option<bool>,
    },
}

fn path_prefix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

impl fmt::Debug for Error {
    /// Like a derived `Debug`, except that the raw `data` of [`Error::InvalidData`] shows
    /// only its length: it may hold personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidJson { source } => f
                .debug_struct("InvalidJson")
                .field("source", source)
                .finish(),
            Error::NotAnObject { found } => {
                f.debug_struct("NotAnObject").field("found", found).finish()
            }
            Error::InvalidEnvelope { path, message } => f
                .debug_struct("InvalidEnvelope")
                .field("path", path)
                .field("message", message)
                .finish(),
            Error::InvalidData {
                event_name,
                path,
                message,
                data,
                timestamp,
                version,
                is_test,
            } => f
                .debug_struct("InvalidData")
                .field("event_name", event_name)
                .field("path", path)
                .field("message", message)
                .field(
                    "data",
                    &format_args!("<{} bytes, redacted>", data.get().len()),
                )
                .field("timestamp", timestamp)
                .field("version", version)
                .field("is_test", is_test)
                .finish(),
        }
    }
}

impl Error {
    /// The event type's wire name, when the envelope was readable.
    pub fn event_name(&self) -> Option<&str> {
        match self {
            Error::InvalidData { event_name, .. } => Some(event_name),
            _ => None,
        }
    }

    /// The JSON path of the offending field, when one field was at fault.
    pub fn path(&self) -> Option<&str> {
        match self {
            Error::InvalidEnvelope { path, .. } | Error::InvalidData { path, .. }
                if !path.is_empty() =>
            {
                Some(path)
            }
            _ => None,
        }
    }

    /// What was wrong, without the event name and path: the JSON parser's message for
    /// [`Error::InvalidJson`], the field's problem otherwise.
    pub fn message(&self) -> String {
        match self {
            Error::InvalidJson { source } => source.to_string(),
            Error::NotAnObject { found } => format!("found {found}, expected a JSON object"),
            Error::InvalidEnvelope { message, .. } | Error::InvalidData { message, .. } => {
                message.clone()
            }
        }
    }

    /// The raw `data` JSON text, when the envelope was readable but `data` was not.
    pub fn raw_data(&self) -> Option<&str> {
        match self {
            Error::InvalidData { data, .. } => Some(data.get()),
            _ => None,
        }
    }
}

/// The message of a serde_json error without its " at line L column C" suffix, which is
/// meaningless once the error is reported by JSON path.
pub(crate) fn message_without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&suffix) {
        Some(stripped) => stripped.to_owned(),
        None => message,
    }
}

/// A serde_path_to_error path as a string, relative to `root` (`"data"`).
pub(crate) fn join_path(root: &str, path: &serde_path_to_error::Path) -> String {
    let path = path.to_string();
    match path.as_str() {
        "." | "" => root.to_owned(),
        p if p.starts_with('[') || root.is_empty() => format!("{root}{p}"),
        p => format!("{root}.{p}"),
    }
}
