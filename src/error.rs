//! [`Error`]: why a body is not a StepPay webhook, naming the event type and JSON path.

use serde_json::value::RawValue;

/// Why [`parse_webhook`](crate::parse_webhook) (or a verified parse) rejected a body.
///
/// Messages name what was wrong: the event type when known and the JSON path of the
/// offending field, e.g.
/// `order.updated: data.items[1].paidAmount: invalid type: string "abc", expected a decimal`.
///
/// When only `data` is wrong ([`Error::InvalidData`]), the event name and the raw `data`
/// stay reachable ([`Error::event_name`], [`Error::raw_data`]) so a receiver can log the
/// delivery and still acknowledge it.
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
/// assert!(matches!(err, Error::InvalidData { .. }));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The body is not JSON at all (or not UTF-8, or truncated).
    #[error("body is not valid JSON: {source}")]
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
    /// wrong type.
    #[error("envelope: {}{message}", path_prefix(.path))]
    #[non_exhaustive]
    InvalidEnvelope {
        /// The JSON path of the field (`"timestamp"`), or empty when the field is missing.
        path: String,
        /// What was wrong.
        message: String,
    },

    /// `data` does not match the schema of the event type.
    #[error("{event}: {path}: {message}")]
    #[non_exhaustive]
    InvalidData {
        /// The event type as sent.
        event: String,
        /// The JSON path of the offending field, starting at `data`
        /// (`"data.items[1].paidAmount"`).
        path: String,
        /// What was wrong.
        message: String,
        /// The `data` object exactly as sent.
        data: Box<RawValue>,
    },

    /// The `Steppay-Signature` header did not verify.
    #[error("signature: {0}")]
    Signature(#[from] crate::SignatureError),
}

fn path_prefix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

impl Error {
    /// The event type named by the body, when the envelope was readable.
    pub fn event_name(&self) -> Option<&str> {
        match self {
            Error::InvalidData { event, .. } => Some(event),
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

    /// The raw `data` JSON text, when the envelope was readable but `data` was not.
    pub fn raw_data(&self) -> Option<&str> {
        match self {
            Error::InvalidData { data, .. } => Some(data.get()),
            _ => None,
        }
    }

    /// Whether the body failed signature verification (as opposed to being malformed).
    pub fn is_signature(&self) -> bool {
        matches!(self, Error::Signature(_))
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
