//! [`Error`]: why a body is not a StepPay webhook, naming the event type and JSON path, with
//! its cause printed once.

use std::borrow::Cow;
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
/// stay reachable ([`Error::event_name`], [`Error::raw_data`], and the whole envelope in
/// [`InvalidData`]) so that a receiver can store the delivery; `Debug` never prints the raw
/// data, which may hold personal data.
///
/// `Error` is small (48 bytes on 64-bit targets; the details of [`Error::InvalidData`] are
/// boxed), so functions returning `Result<_, Error>` do not trip clippy's
/// `result_large_err`.
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
/// let Error::InvalidData(invalid) = &err else { unreachable!() };
/// assert_eq!((invalid.timestamp(), invalid.version()), (1795046400, "v1"));
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

    /// The body is not UTF-8 text (JSON must be): checked once for the whole body, so invalid
    /// bytes are refused wherever they are, even in a field this crate ignores. Where the
    /// first invalid byte is: the [`source`](std::error::Error::source).
    #[error("body is not valid UTF-8")]
    #[non_exhaustive]
    InvalidUtf8 {
        /// Where the first invalid byte is (`valid_up_to`).
        source: std::str::Utf8Error,
    },

    /// The body is JSON but not an object.
    #[error("body is not a JSON object: found {found}")]
    #[non_exhaustive]
    NotAnObject {
        /// What was found instead: `"an array"`, `"a string"`, ...
        found: &'static str,
    },

    /// An envelope field (`timestamp`, `version`, `event`, `data`) is missing or has the
    /// wrong type, `isTest` is neither a boolean nor `null`, or the envelope breaks a rule
    /// every body must follow (two equal keys in one object, a string escaping half of a
    /// surrogate pair).
    #[error("envelope: {}{message}", path_prefix(.path))]
    #[non_exhaustive]
    InvalidEnvelope {
        /// The JSON path of the field (`"timestamp"`), or empty when the field is missing.
        path: String,
        /// What was wrong.
        message: String,
    },

    /// The envelope's `event` is the empty string: no event type at all, so the delivery is
    /// refused rather than acknowledged as an unknown event type.
    #[error("envelope: event: the event name is empty")]
    #[non_exhaustive]
    EmptyEventName,

    /// `data` does not match the schema of the event type. The envelope was readable, so
    /// its fields are kept too, with the raw `data`: see [`InvalidData`].
    #[error("{0}")]
    InvalidData(Box<InvalidData>),
}

/// The details of an [`Error::InvalidData`]: the envelope, which was readable, the raw
/// `data` exactly as sent, which was not, and where and why.
///
/// `Display` is the error's message (`order.updated: data.paidAmount: invalid type: ...`);
/// `Debug` shows the raw data only by its length (it may hold personal data).
///
/// # Examples
///
/// ```
/// use steppay_webhook::{parse_webhook, Error};
///
/// let body = br#"{"timestamp":1795046400,"version":"v1","event":"payment.completed",
///   "data":{"idKey":"k","status":"COMPLETE"},"isTest":true}"#;
/// let Err(Error::InvalidData(invalid)) = parse_webhook(body) else { unreachable!() };
/// assert_eq!(invalid.event_name(), "payment.completed");
/// assert_eq!(invalid.path(), "data");
/// assert_eq!(invalid.message(), "missing field `paymentId`");
/// assert_eq!(invalid.raw_data(), r#"{"idKey":"k","status":"COMPLETE"}"#);
/// assert_eq!(invalid.timestamp(), 1795046400);
/// assert_eq!(invalid.version(), "v1");
/// assert!(invalid.is_test());
/// ```
#[derive(Clone)]
pub struct InvalidData {
    pub(crate) event_name: String,
    pub(crate) path: String,
    pub(crate) message: String,
    pub(crate) data: Box<RawValue>,
    pub(crate) timestamp: i64,
    pub(crate) version: String,
    pub(crate) is_test: Option<bool>,
}

impl InvalidData {
    /// The event type's wire name as sent.
    pub fn event_name(&self) -> &str {
        &self.event_name
    }

    /// The JSON path of the offending field, starting at `data`
    /// (`"data.items[1].paidAmount"`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong with that field.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The `data` JSON text exactly as sent.
    pub fn raw_data(&self) -> &str {
        self.data.get()
    }

    /// The envelope `timestamp` as sent.
    pub fn timestamp(&self) -> i64 {
        self.timestamp
    }

    /// The envelope `version` as sent.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Whether the envelope said `"isTest": true` (as [`Webhook::is_test`]).
    ///
    /// [`Webhook::is_test`]: crate::Webhook::is_test
    pub fn is_test(&self) -> bool {
        self.is_test == Some(true)
    }

    /// The envelope `isTest` as sent (`None` when absent or `null`).
    pub fn is_test_as_sent(&self) -> Option<bool> {
        self.is_test
    }
}

impl fmt::Display for InvalidData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            excerpt(&self.event_name),
            self.path,
            self.message
        )
    }
}

impl fmt::Debug for InvalidData {
    /// Like a derived `Debug`, except that the raw `data` shows only its length: it may hold
    /// personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            event_name,
            path,
            message,
            data,
            timestamp,
            version,
            is_test,
        } = self;
        f.debug_struct("InvalidData")
            .field("event_name", &excerpt(event_name))
            .field("path", path)
            .field("message", message)
            .field(
                "data",
                &format_args!("<{} bytes, redacted>", data.get().len()),
            )
            .field("timestamp", timestamp)
            .field("version", &excerpt(version))
            .field("is_test", is_test)
            .finish()
    }
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
            Error::InvalidUtf8 { source } => f
                .debug_struct("InvalidUtf8")
                .field("source", source)
                .finish(),
            Error::NotAnObject { found } => {
                f.debug_struct("NotAnObject").field("found", found).finish()
            }
            Error::EmptyEventName => f.write_str("EmptyEventName"),
            Error::InvalidEnvelope { path, message } => f
                .debug_struct("InvalidEnvelope")
                .field("path", path)
                .field("message", message)
                .finish(),
            Error::InvalidData(invalid) => fmt::Debug::fmt(invalid, f),
        }
    }
}

impl Error {
    /// The event type's wire name, when the envelope was readable.
    pub fn event_name(&self) -> Option<&str> {
        match self {
            Error::InvalidData(invalid) => Some(&invalid.event_name),
            _ => None,
        }
    }

    /// The JSON path of the offending field, when one field was at fault.
    pub fn path(&self) -> Option<&str> {
        let path = match self {
            Error::InvalidEnvelope { path, .. } => path,
            Error::InvalidData(invalid) => &invalid.path,
            _ => return None,
        };
        (!path.is_empty()).then_some(path.as_str())
    }

    /// What was wrong, without the event name and path: the JSON parser's message for
    /// [`Error::InvalidJson`], the field's problem otherwise.
    pub fn message(&self) -> String {
        match self {
            Error::InvalidJson { source } => source.to_string(),
            Error::InvalidUtf8 { source } => source.to_string(),
            Error::NotAnObject { found } => format!("found {found}, expected a JSON object"),
            Error::EmptyEventName => "the event name is empty".to_owned(),
            Error::InvalidEnvelope { message, .. } => message.clone(),
            Error::InvalidData(invalid) => invalid.message.clone(),
        }
    }

    /// The raw `data` JSON text, when the envelope was readable but `data` was not.
    pub fn raw_data(&self) -> Option<&str> {
        match self {
            Error::InvalidData(invalid) => Some(invalid.raw_data()),
            _ => None,
        }
    }
}

/// How many characters of an offending value a message quotes at most.
pub(crate) const EXCERPT_CHARS: usize = 40;

/// `value` when it is short, otherwise its first [`EXCERPT_CHARS`] characters, `…` and its
/// total length: `"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA… (10485760 chars)"`. Every value this
/// crate quotes in a message, a response body or a log field goes through it.
pub(crate) fn excerpt(value: &str) -> Cow<'_, str> {
    match value.char_indices().nth(EXCERPT_CHARS) {
        None => Cow::Borrowed(value),
        Some((cut, _)) => Cow::Owned(format!(
            "{}… ({} chars)",
            value.get(..cut).unwrap_or_default(),
            value.chars().count()
        )),
    }
}

/// Like [`excerpt`], for a value written with Rust's escapes (control characters as
/// `\u{18}`, quotes as `\"`): the escaped text is cut at [`EXCERPT_CHARS`] characters, so
/// escaping cannot make the message longer. For messages that quote the value between `"`.
pub(crate) fn escaped_excerpt(value: &str) -> String {
    let escaped: String = value
        .chars()
        .take(EXCERPT_CHARS + 1)
        .flat_map(char::escape_debug)
        .take(EXCERPT_CHARS + 1)
        .collect();
    let total = value.chars().count();
    if escaped.chars().count() <= EXCERPT_CHARS && total <= EXCERPT_CHARS {
        return escaped;
    }
    let shown: String = escaped.chars().take(EXCERPT_CHARS).collect();
    format!("{shown}… ({total} chars)")
}

/// The message of a serde_json error, as the crate reports it: without its " at line L
/// column C" suffix (meaningless once the error is reported by JSON path), and with every
/// quoted value shortened to an [`excerpt`] (serde quotes whole strings: a 10 MB value in the
/// wrong place would otherwise make a 10 MB message). The one place the crate turns a
/// serde_json error into a message.
pub(crate) fn message_without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = message.strip_suffix(&suffix).unwrap_or(&message);
    bound_quotes(message)
}

/// `message` with the content of each quoted part (`"..."` with backslash escapes, as serde
/// writes strings, or `` `...` ``) shortened to an [`excerpt`].
pub(crate) fn bound_quotes(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(256));
    let mut rest = message;
    while let Some(open) = rest.find(['"', '`']) {
        let (before, from_quote) = rest.split_at(open);
        out.push_str(before);
        let mut chars = from_quote.chars();
        let quote = chars.next().unwrap_or('"');
        let inner = chars.as_str();
        // The closing quote: the next unescaped one (only `"..."` has escapes).
        let mut close = None;
        let mut escaped = false;
        for (at, c) in inner.char_indices() {
            match c {
                '\\' if quote == '"' && !escaped => escaped = true,
                c if c == quote && !escaped => {
                    close = Some(at);
                    break;
                }
                _ => escaped = false,
            }
        }
        let (content, after) = match close {
            Some(at) => inner.split_at(at),
            None => (inner, ""),
        };
        out.push(quote);
        if is_excerpt(content) {
            // Already shortened where it was made (and escaped): kept as it is.
            out.push_str(content);
        } else {
            out.push_str(&excerpt(content));
        }
        match after.strip_prefix(quote) {
            Some(after) => {
                out.push(quote);
                rest = after;
            }
            None => rest = after,
        }
    }
    out.push_str(rest);
    out
}

/// How many characters of a JSON path a message quotes at most: paths into data nested
/// thousands of levels deep are shortened in the middle.
const PATH_CHARS: usize = 160;

/// `path` when it is short, otherwise its first and last 80 characters around `…` and its
/// total length: `data[0][0][0]…[0].id (30012 chars)`.
fn bounded_path(path: String) -> String {
    let total = path.chars().count();
    if total <= PATH_CHARS {
        return path;
    }
    let half = PATH_CHARS / 2;
    let head: String = path.chars().take(half).collect();
    let tail: String = path.chars().skip(total - half).collect();
    format!("{head}…{tail} ({total} chars)")
}

/// Whether `text` ends the way [`excerpt`] ends what it shortened (`… (N chars)`).
fn is_excerpt(text: &str) -> bool {
    text.strip_suffix(" chars)")
        .and_then(|rest| rest.rsplit_once("… ("))
        .is_some_and(|(_, count)| !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()))
}

/// A serde_path_to_error path as a string, relative to `root` (`"data"`), each key shortened
/// to an [`excerpt`].
pub(crate) fn join_path(root: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = root.to_owned();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&excerpt(key));
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    bounded_path(out)
}

/// `root` and `path` joined as one JSON path (`data` + `items[1]` = `data.items[1]`).
pub(crate) fn join_paths(root: &str, path: &str) -> String {
    bounded_path(match (root.is_empty(), path.is_empty()) {
        (_, true) => root.to_owned(),
        (true, false) => path.to_owned(),
        (false, false) if path.starts_with('[') => format!("{root}{path}"),
        (false, false) => format!("{root}.{path}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn errors_are_small() {
        // Below clippy's `result_large_err` threshold (128 bytes) with room to spare: the
        // largest variant is `InvalidEnvelope`'s two strings.
        assert!(
            std::mem::size_of::<Error>() <= 48,
            "{}",
            std::mem::size_of::<Error>()
        );
        assert!(std::mem::size_of::<crate::WebhookRejection>() <= 64);
    }

    #[test]
    fn excerpts_are_short_and_say_so() {
        assert_eq!(excerpt("order.created"), "order.created");
        let long = "가".repeat(100);
        let short = excerpt(&long);
        assert_eq!(short, format!("{}… (100 chars)", "가".repeat(40)));
        assert_eq!(excerpt(&"x".repeat(40)), "x".repeat(40));
    }

    #[test]
    fn long_paths_are_shortened_in_the_middle() {
        let deep = format!("data{}.id", "[0]".repeat(1000));
        let short = join_paths("", &deep);
        assert!(short.starts_with("data[0][0]"), "{short}");
        assert!(short.ends_with("[0].id (3007 chars)"), "{short}");
        assert!(short.contains('…'));
        assert!(short.chars().count() < 200);
        assert_eq!(join_paths("data", "items[1]"), "data.items[1]");
    }

    #[test]
    fn escaped_excerpts_stay_short() {
        assert_eq!(escaped_excerpt("a\"b"), "a\\\"b");
        let control = "\u{18}".repeat(45);
        let shown = escaped_excerpt(&control);
        assert!(shown.ends_with("… (45 chars)"), "{shown}");
        assert!(shown.chars().count() <= EXCERPT_CHARS + 13, "{shown}");
    }

    #[test]
    fn quotes_in_messages_are_bounded() {
        let long = "a".repeat(1000);
        let message = format!(r#"invalid type: string "{long}", expected i64"#);
        assert_eq!(
            bound_quotes(&message),
            format!(
                r#"invalid type: string "{}… (1000 chars)", expected i64"#,
                "a".repeat(40)
            )
        );
        assert_eq!(
            bound_quotes(r#"invalid value: string "a\"b", expected `x`"#),
            r#"invalid value: string "a\"b", expected `x`"#
        );
        assert_eq!(bound_quotes("unterminated \"abc"), "unterminated \"abc");
        assert_eq!(bound_quotes("no quotes"), "no quotes");
    }
}
