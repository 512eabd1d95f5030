//! Step two of a delivery, verifying the `Steppay-Signature` header: [`WebhookVerifier`],
//! [`sign`], [`SignatureError`].
//!
//! StepPay signs each delivery with HMAC-SHA256 over `<timestamp>.<raw body>`, keyed with the
//! webhook's verification key, and sends `timestamp=<unix seconds>,<label>=<base64>[;<base64>...]`.
//! Its documentation names the label `key`; a real delivery it published used `v0`
//! (`steppay-signature: timestamp=1690943620,v0=QlE+...`), and its own sample code takes
//! every part but `timestamp` as signatures. So does this module: see
//! [`WebhookVerifier`] for the exact rules.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The name of the HTTP header that carries StepPay's signature.
pub const SIGNATURE_HEADER: &str = "Steppay-Signature";

/// The default replay window: 300 seconds either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Headers longer than this are rejected before any work is done.
const MAX_HEADER_LEN: usize = 8 * 1024;

/// The most signatures one header may carry, over all its labelled parts; a header with more
/// is rejected as malformed before any HMAC is computed. StepPay sends one; a key rotation or a
/// new scheme beside the old one may add a few.
pub const MAX_SIGNATURES: usize = 16;

/// Checks `Steppay-Signature` headers against one or more verification keys.
///
/// Safe by default: signatures are compared in constant time against the exact expected
/// value, and timestamps more than 300 seconds old or in the future are rejected (replay
/// protection).
///
/// **What a header may look like.** Comma-separated `name=value` parts, in any order, with
/// whitespace around names and values ignored:
///
/// - exactly one `timestamp` part (the name spelled in lower case), the Unix seconds that are
///   signed;
/// - every other part, whatever its label (`key` as StepPay's documentation says, `v0` as
///   its real deliveries have shown, `v1`, anything), holds one or more `;`-separated
///   Base64 signatures. At most [`MAX_SIGNATURES`] in all, and at most 8 KiB of header.
///
/// The delivery verifies when any one signature, under any label, equals the expected value
/// under any configured key. Every candidate is compared with every key, with no early
/// exit, so the time taken does not tell which one matched.
///
/// **Verify the raw body bytes exactly as received.** JSON that was parsed and serialized
/// again (re-ordered keys, changed whitespace or number formatting) will not verify. Read
/// the body as bytes before any JSON extractor touches it, verify, then
/// [`parse_webhook`](crate::parse_webhook). [`receive`](crate::receive) and the ready
/// receivers do all of it.
///
/// # Examples
///
/// ```
/// use steppay_webhook::{sign, Event, WebhookVerifier};
///
/// let secret = "whsec_test_5f2b8c1d9e";
/// let body = br#"{"timestamp":1795046400,"version":"v1","event":"payment.completed","data":{
///   "paymentId":7,"idKey":"1605793241","status":"COMPLETE","paymentGateway":"TOSS",
///   "paymentMethod":"CARD","paidAmount":9900}}"#;
/// let header = sign(secret, 1795046400, body); // what StepPay sends
///
/// let verifier = WebhookVerifier::new(secret);
/// verifier.verify_at(&header, body, 1795046410)?; // 10 s later
/// assert!(verifier.verify_at(&header, b"{}", 1795046410).is_err());
/// # Ok::<(), steppay_webhook::SignatureError>(())
/// ```
#[derive(Clone)]
pub struct WebhookVerifier {
    keys: Vec<HmacSha256>,
    tolerance: Option<Duration>,
}

impl WebhookVerifier {
    /// A verifier for one verification key (the key from the webhook's page in the StepPay
    /// portal, used as its UTF-8 bytes).
    ///
    /// An empty key matches no signature, so a missing configuration value cannot turn
    /// verification into "anyone who signs with an empty key".
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        Self {
            keys: Vec::new(),
            tolerance: Some(DEFAULT_TOLERANCE),
        }
        .with_additional_secret(secret)
    }

    /// Accepts a further key as well as the ones already given (it replaces none). During a
    /// key rotation, give both the old and the new key: a delivery signed with either
    /// verifies.
    ///
    /// ```
    /// use steppay_webhook::{sign, WebhookVerifier};
    ///
    /// let verifier = WebhookVerifier::new("old-key").with_additional_secret("new-key");
    /// let body = b"{}";
    /// assert!(verifier.verify_at(&sign("old-key", 100, body), body, 100).is_ok());
    /// assert!(verifier.verify_at(&sign("new-key", 100, body), body, 100).is_ok());
    /// assert!(verifier.verify_at(&sign("other", 100, body), body, 100).is_err());
    /// ```
    pub fn with_additional_secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        let secret = secret.as_ref();
        if !secret.is_empty() {
            // HMAC accepts keys of any length, so this cannot fail.
            if let Ok(key) = HmacSha256::new_from_slice(secret) {
                self.keys.push(key);
            }
        }
        self
    }

    /// Sets the replay window (default 300 seconds). A timestamp older than `now - tolerance`
    /// or newer than `now + tolerance` is rejected; exactly `tolerance` away still passes.
    /// Sub-second parts are ignored (timestamps are whole seconds).
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// Turns the timestamp check off: any age verifies. Meant for replaying stored
    /// deliveries in tests and tools, never for a live receiver.
    pub fn without_timestamp_check(mut self) -> Self {
        self.tolerance = None;
        self
    }

    /// The replay window, or `None` when the timestamp check is off.
    pub fn tolerance(&self) -> Option<Duration> {
        self.tolerance
    }

    /// Verifies `header` (the `Steppay-Signature` value) for `body` (the raw request body)
    /// against the system clock. An empty or blank `header` (the request had none) fails with
    /// [`SignatureError::MissingHeader`].
    pub fn verify(&self, header: &str, body: &[u8]) -> Result<(), SignatureError> {
        self.verify_at(header, body, unix_now())
    }

    /// Verifies with an injected clock: `now_unix_seconds` is the current Unix time.
    pub fn verify_at(
        &self,
        header: &str,
        body: &[u8],
        now_unix_seconds: i64,
    ) -> Result<(), SignatureError> {
        let parsed = ParsedHeader::parse(header)?;
        if !self.any_signature_matches(&parsed, body) {
            return Err(SignatureError::NoMatch);
        }
        self.check_timestamp(parsed.timestamp, now_unix_seconds)
    }

    /// Verifies the `Steppay-Signature` header found in `headers` (looked up
    /// case-insensitively, as HTTP header names are: StepPay's deliveries have arrived as
    /// `steppay-signature`) for `body`, against the system clock. A request without the
    /// header fails with [`SignatureError::MissingHeader`].
    ///
    /// ```
    /// use http::{HeaderMap, HeaderValue};
    /// use steppay_webhook::{sign, SignatureError, WebhookVerifier};
    ///
    /// let body = br#"{"timestamp":1795046400,"version":"v1","event":"customer.created","data":{"id":42}}"#;
    /// let mut headers = HeaderMap::new();
    /// let header = sign("whsec_test", 1795046400, body);
    /// headers.insert("steppay-signature", HeaderValue::from_str(&header).unwrap());
    ///
    /// let verifier = WebhookVerifier::new("whsec_test");
    /// assert_eq!(verifier.verify_headers_at(&headers, body, 1795046410), Ok(()));
    /// assert_eq!(
    ///     verifier.verify_headers_at(&HeaderMap::new(), body, 1795046410),
    ///     Err(SignatureError::MissingHeader)
    /// );
    /// ```
    pub fn verify_headers(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<(), SignatureError> {
        self.verify_headers_at(headers, body, unix_now())
    }

    /// [`WebhookVerifier::verify_headers`] with an injected clock.
    pub fn verify_headers_at(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
        now_unix_seconds: i64,
    ) -> Result<(), SignatureError> {
        let header = headers
            .get(SIGNATURE_HEADER)
            .map(|value| String::from_utf8_lossy(value.as_bytes()));
        self.verify_at(
            header.as_deref().unwrap_or_default(),
            body,
            now_unix_seconds,
        )
    }

    /// Whether any signature of any labelled part matches under any key. The parser has
    /// already bounded the candidates to [`MAX_SIGNATURES`], so the work is at most that many
    /// comparisons per key, after one HMAC of the body per key.
    fn any_signature_matches(&self, header: &ParsedHeader<'_>, body: &[u8]) -> bool {
        let candidates: Vec<Vec<u8>> = header
            .signatures()
            .filter_map(|signature| {
                base64::engine::general_purpose::STANDARD
                    .decode(signature)
                    .ok()
            })
            .collect();
        let mut matched = false;
        for key in &self.keys {
            let mut mac = key.clone();
            mac.update(header.timestamp_text.as_bytes());
            mac.update(b".");
            mac.update(body);
            for candidate in &candidates {
                // Constant-time comparison; a candidate of the wrong length does not match.
                // No early exit, so timing does not reveal which key or signature matched.
                matched |= mac.clone().verify_slice(candidate).is_ok();
            }
        }
        matched
    }

    fn check_timestamp(&self, timestamp: i64, now: i64) -> Result<(), SignatureError> {
        let Some(tolerance) = self.tolerance else {
            return Ok(());
        };
        let tolerance = tolerance.as_secs();
        let skew = i128::from(now) - i128::from(timestamp);
        let distance = u64::try_from(skew.unsigned_abs()).unwrap_or(u64::MAX);
        if distance <= tolerance {
            Ok(())
        } else if skew > 0 {
            Err(SignatureError::TimestampTooOld {
                age: Duration::from_secs(distance),
                tolerance: Duration::from_secs(tolerance),
            })
        } else {
            Err(SignatureError::TimestampInFuture {
                ahead: Duration::from_secs(distance),
                tolerance: Duration::from_secs(tolerance),
            })
        }
    }
}

impl fmt::Debug for WebhookVerifier {
    /// Never prints a key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("keys", &format_args!("[{} redacted]", self.keys.len()))
            .field("tolerance", &self.tolerance)
            .finish()
    }
}

fn unix_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// Signs `body` the way StepPay does and returns a complete `Steppay-Signature` header value
/// in the documented form, `timestamp=...,key=...`. For tests and local tooling;
/// [`sign_with_label`] writes another label (`v0`, as real deliveries have carried).
///
/// ```
/// use steppay_webhook::sign;
///
/// let header = sign("whsec_test_5f2b8c1d9e", 1706002316, br#"{"event":"x"}"#);
/// assert!(header.starts_with("timestamp=1706002316,key="));
/// ```
pub fn sign(secret: impl AsRef<[u8]>, timestamp: i64, body: &[u8]) -> String {
    sign_with_label(secret, timestamp, body, "key")
}

/// [`sign`], with `label` in place of `key`: `sign_with_label(secret, t, body, "v0")` gives
/// `timestamp=<t>,v0=<base64>`, the form of the `payment.completed` delivery StepPay
/// published. For testing a receiver against every form StepPay may send.
///
/// `label` is written as given: a bare name such as `v0` or `v1`. One containing `,`, `=`
/// or `;`, or `timestamp` itself, makes a header that does not verify.
///
/// ```
/// use steppay_webhook::{sign_with_label, WebhookVerifier};
///
/// let body = br#"{"event":"x"}"#;
/// let header = sign_with_label("whsec_test_5f2b8c1d9e", 1690943620, body, "v0");
/// assert!(header.starts_with("timestamp=1690943620,v0="));
/// let verifier = WebhookVerifier::new("whsec_test_5f2b8c1d9e");
/// assert_eq!(verifier.verify_at(&header, body, 1690943620), Ok(()));
/// ```
pub fn sign_with_label(
    secret: impl AsRef<[u8]>,
    timestamp: i64,
    body: &[u8],
    label: &str,
) -> String {
    let signature = compute_signature(secret, timestamp, body);
    format!("timestamp={timestamp},{label}={signature}")
}

/// The signature alone: `Base64(HMAC-SHA256(secret, "<timestamp>.<body>"))`, standard
/// alphabet with padding, the value that follows the label in a header. For building
/// headers of any shape in tests (several signatures, several labels).
///
/// ```
/// use steppay_webhook::{compute_signature, WebhookVerifier};
///
/// let body = b"{}";
/// let good = compute_signature("new-key", 100, body);
/// let old = compute_signature("old-key", 100, body);
/// let header = format!("timestamp=100,v0={old};{good}");
/// assert_eq!(WebhookVerifier::new("new-key").verify_at(&header, body, 100), Ok(()));
/// ```
pub fn compute_signature(secret: impl AsRef<[u8]>, timestamp: i64, body: &[u8]) -> String {
    let Ok(mut mac) = HmacSha256::new_from_slice(secret.as_ref()) else {
        unreachable!("HMAC accepts keys of any length")
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Why a `Steppay-Signature` header did not verify.
///
/// Contains nothing secret: neither the keys nor the expected signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// No `Steppay-Signature` header, or an empty one.
    #[error("the Steppay-Signature header is missing or empty")]
    MissingHeader,

    /// The header is not `timestamp=...,<label>=...` (a part without `=`, two timestamps),
    /// is longer than 8 KiB, or carries more than [`MAX_SIGNATURES`] signatures.
    #[error("malformed Steppay-Signature header: {reason}")]
    MalformedHeader {
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The header has no `timestamp` part.
    #[error("the Steppay-Signature header has no timestamp")]
    MissingTimestamp,

    /// The `timestamp` part is not a whole number of seconds.
    #[error("the Steppay-Signature timestamp {value:?} is not a number")]
    InvalidTimestamp {
        /// The value as sent (at most 32 characters of it).
        value: String,
    },

    /// The header has no part besides `timestamp`, or those parts hold no signature (empty
    /// values).
    #[error("the Steppay-Signature header has no signature")]
    NoSignature,

    /// The signature is valid but the timestamp is older than the replay window.
    #[error("the timestamp is {}s old, beyond the {}s tolerance (a replay?)", .age.as_secs(), .tolerance.as_secs())]
    TimestampTooOld {
        /// How old the timestamp is.
        age: Duration,
        /// The replay window in force.
        tolerance: Duration,
    },

    /// The signature is valid but the timestamp is further in the future than the replay
    /// window allows (check the clock).
    #[error("the timestamp is {}s in the future, beyond the {}s tolerance", .ahead.as_secs(), .tolerance.as_secs())]
    TimestampInFuture {
        /// How far ahead the timestamp is.
        ahead: Duration,
        /// The replay window in force.
        tolerance: Duration,
    },

    /// No signature in the header matches the body under any configured key.
    #[error("no signature matches the body")]
    NoMatch,
}

/// The parts of a `Steppay-Signature` header.
struct ParsedHeader<'a> {
    timestamp: i64,
    timestamp_text: &'a str,
    /// The values of every part but `timestamp`, whatever their labels.
    signature_parts: Vec<&'a str>,
}

impl<'a> ParsedHeader<'a> {
    fn parse(header: &'a str) -> Result<Self, SignatureError> {
        let header = header.trim();
        if header.is_empty() {
            return Err(SignatureError::MissingHeader);
        }
        if header.len() > MAX_HEADER_LEN {
            return Err(SignatureError::MalformedHeader { reason: "too long" });
        }
        let mut timestamp_text = None;
        let mut signature_parts = Vec::new();
        for part in header.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            // Split at the first `=` only: base64 values end in `=` padding.
            let Some((name, value)) = part.split_once('=') else {
                return Err(SignatureError::MalformedHeader {
                    reason: "expected name=value parts separated by commas",
                });
            };
            match name.trim() {
                "timestamp" if timestamp_text.is_some() => {
                    return Err(SignatureError::MalformedHeader {
                        reason: "more than one timestamp",
                    });
                }
                "timestamp" => timestamp_text = Some(value.trim()),
                // `key`, `v0`, `v1`, any label: StepPay's own sample code reads them all.
                _ => signature_parts.push(value.trim()),
            }
        }
        let timestamp_text = timestamp_text.ok_or(SignatureError::MissingTimestamp)?;
        let timestamp =
            parse_timestamp(timestamp_text).ok_or_else(|| SignatureError::InvalidTimestamp {
                value: timestamp_text.chars().take(32).collect(),
            })?;
        let parsed = Self {
            timestamp,
            timestamp_text,
            signature_parts,
        };
        match parsed.signatures().take(MAX_SIGNATURES + 1).count() {
            0 => Err(SignatureError::NoSignature),
            n if n > MAX_SIGNATURES => Err(SignatureError::MalformedHeader {
                reason: "more than 16 signatures",
            }),
            _ => Ok(parsed),
        }
    }

    /// Every signature in every labelled part (`;`-separated), blanks skipped.
    fn signatures(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.signature_parts
            .iter()
            .flat_map(|part| part.split(';'))
            .map(str::trim)
            .filter(|signature| !signature.is_empty())
    }
}

fn parse_timestamp(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let verifier = WebhookVerifier::new("whsec_super_secret_value")
            .with_additional_secret("second-secret");
        let debug = format!("{verifier:?}");
        assert!(!debug.contains("super_secret"), "{debug}");
        assert!(!debug.contains("second-secret"), "{debug}");
        assert!(debug.contains("2 redacted"), "{debug}");
    }

    #[test]
    fn empty_secret_matches_nothing() {
        let body = b"{}";
        let header = sign("", 100, body);
        assert_eq!(
            WebhookVerifier::new("").verify_at(&header, body, 100),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn header_parts_parse_in_any_order() {
        let parsed = ParsedHeader::parse(" key = a= ; b== , timestamp = 17 ").unwrap();
        assert_eq!(parsed.timestamp, 17);
        assert_eq!(parsed.signatures().collect::<Vec<_>>(), ["a=", "b=="]);
    }

    #[test]
    fn every_label_but_timestamp_holds_signatures() {
        let parsed = ParsedHeader::parse("v0=a;b,timestamp=17,key=c,v1=,x-new = d ").unwrap();
        assert_eq!(parsed.timestamp_text, "17");
        assert_eq!(
            parsed.signatures().collect::<Vec<_>>(),
            ["a", "b", "c", "d"]
        );
    }

    #[test]
    fn the_reason_names_the_signature_limit() {
        assert_eq!(MAX_SIGNATURES, 16);
        let too_many = format!("timestamp=1,v0={}", ["AAAA"; 17].join(";"));
        assert!(matches!(
            ParsedHeader::parse(&too_many),
            Err(SignatureError::MalformedHeader { reason }) if reason.contains("16")
        ));
    }
}
