//! Webhook v1: StepPay's older, **unsigned** notifications, and telling them from v2.
//!
//! Merchants that have not switched their webhook to v2 in the StepPay portal still receive
//! v1 bodies, with no envelope and no signature:
//!
//! | notification | body | Rust |
//! |---|---|---|
//! | order (after a successful renewal payment) | `{"webHookType": "PAYMENT", "orderId": 1}` | [`LegacyWebhook::Order`] |
//! | subscription (created, or its status changed) | `{"id": 1, "status": "ACTIVE"}` | [`LegacyWebhook::Subscription`] |
//! | self-managed payment | `{"webHookType": "PAYMENT", "orderId": 1, "idKey": "..."}` | [`LegacyWebhook::SelfPayment`] |
//!
//! Each arrives as JSON or as `application/x-www-form-urlencoded` form data;
//! [`parse_legacy`] reads both.
//!
//! # v1 is unsigned: confirm through StepPay's API
//!
//! A v1 request carries no signature, so **anyone who knows your URL can send one**. StepPay
//! tells v1 receivers to confirm every v1 notification through its API before acting on it.
//! Take only the identifier from the body (the order id, or the subscription id), look the
//! order or subscription up through StepPay's API (for orders,
//! `GET /api/v1/orders/{orderIdOrCode}`), and act on what the API says, never on the
//! `webHookType` or `status` in the body alone.
//!
//! # Accepting v1 and v2 on one endpoint
//!
//! While you migrate, one URL can take both: [`detect_version`] tells them apart cheaply,
//! v2 goes through signature verification ([`receive`](crate::receive) or
//! [`WebhookVerifier`](crate::WebhookVerifier)), v1 through [`parse_legacy`] and a
//! confirmation through the API.
//!
//! ```
//! use steppay_webhook::legacy::{detect_version, parse_legacy, LegacyWebhook, WebhookVersion};
//! use steppay_webhook::{receive, sign, Payment, WebhookHandler, WebhookMeta, WebhookVerifier};
//!
//! /// Handles the signed v2 events.
//! struct Shop;
//!
//! impl WebhookHandler for Shop {
//!     type Error = std::io::Error;
//!
//!     fn on_payment_completed(&self, _: WebhookMeta<'_>, payment: &Payment) -> Result<(), Self::Error> {
//!         println!("mark order {:?} paid", payment.order_id); // your database call here
//!         Ok(())
//!     }
//! }
//!
//! /// What to look up through StepPay's API before acting on a v1 notification.
//! #[derive(Debug, PartialEq)]
//! enum Confirm {
//!     Order(String),
//!     Subscription(String),
//! }
//!
//! /// One endpoint for both versions: the HTTP status to answer with.
//! fn on_request(
//!     body: &[u8],
//!     content_type: Option<&str>,     // the Content-Type header
//!     signature: Option<&str>,        // the Steppay-Signature header
//!     verifier: &WebhookVerifier,
//!     to_confirm: &mut Vec<Confirm>,  // in a real receiver: a job queue
//! ) -> u16 {
//!     match detect_version(body, content_type) {
//!         // Signed: verified, parsed and handed to `Shop`.
//!         WebhookVersion::V2 => receive(body, signature, verifier, &Shop).status(),
//!         // Unsigned: anyone can send this. Keep only the id and ask StepPay's API.
//!         WebhookVersion::V1 => match parse_legacy(body, content_type) {
//!             Ok(notification) => {
//!                 to_confirm.push(match notification {
//!                     LegacyWebhook::Order(n) => Confirm::Order(n.order_id),
//!                     LegacyWebhook::SelfPayment(n) => Confirm::Order(n.order_id),
//!                     LegacyWebhook::Subscription(n) => Confirm::Subscription(n.subscription_id),
//!                 });
//!                 200
//!             }
//!             Err(_) => 400,
//!         },
//!     }
//! }
//!
//! let verifier = WebhookVerifier::new("whsec_current_key").without_timestamp_check();
//! let mut to_confirm = Vec::new();
//!
//! // v1, as JSON and as form data: accepted, and queued for confirmation.
//! let json = Some("application/json");
//! let form = Some("application/x-www-form-urlencoded");
//! assert_eq!(on_request(br#"{"webHookType":"PAYMENT","orderId":3180}"#, json, None, &verifier, &mut to_confirm), 200);
//! assert_eq!(on_request(b"id=90210&status=UNPAID", form, None, &verifier, &mut to_confirm), 200);
//! assert_eq!(
//!     to_confirm,
//!     [Confirm::Order("3180".into()), Confirm::Subscription("90210".into())]
//! );
//!
//! // v2: only with a valid signature.
//! let v2 = br#"{"timestamp":1795046400,"version":"v1","event":"payment.completed","data":{
//!   "paymentId":7,"idKey":"1605793241","status":"COMPLETE","paymentGateway":"TOSS",
//!   "paymentMethod":"CARD","paidAmount":9900,"orderId":3180}}"#;
//! let header = sign("whsec_current_key", 1795046400, v2);
//! assert_eq!(on_request(v2, json, Some(&header), &verifier, &mut to_confirm), 200);
//! assert_eq!(on_request(v2, json, None, &verifier, &mut to_confirm), 400);
//! assert_eq!(on_request(v2, json, Some("timestamp=1795046400,key=AAAA"), &verifier, &mut to_confirm), 401);
//! ```

use std::cell::Cell;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::wire_enum::wire_enum;
use crate::SubscriptionStatus;

wire_enum! {
    /// What a v1 payment notification reports: its `webHookType` field.
    WebhookType {
        /// A payment (the order notification sent after a successful renewal payment
        /// carries this value).
        Payment = "PAYMENT",
        /// A virtual account was issued for the payment.
        Vbank = "VBANK",
        /// The payment was canceled.
        Canceled = "CANCELED",
        /// The customer closed the payment window.
        UserCanceled = "USER_CANCELED",
        /// The payment failed.
        Failed = "FAILED",
        /// The first payment by CMS (account debit).
        Cms = "CMS",
        /// Deprecated by StepPay: a zero-amount payment, being replaced by `PAYMENT`.
        Billkey = "BILLKEY",
    }
}

/// A v1 notification, as [`parse_legacy`] reads it.
///
/// **Unsigned**: anyone can send one. Confirm it through StepPay's API before acting (see the
/// [module docs](self)).
///
/// # Telling the bodies apart
///
/// - `webHookType`, `orderId` or `idKey` present: a payment notification. With `idKey` it is
///   a [`SelfPayment`](LegacyWebhook::SelfPayment) notification, without it an
///   [`Order`](LegacyWebhook::Order) notification. `webHookType` and `orderId` are then
///   required.
/// - Otherwise `id` and `status`: a [`Subscription`](LegacyWebhook::Subscription)
///   notification.
///
/// A field sent as `null` counts as absent. Other fields are ignored.
///
/// # Examples
///
/// ```
/// use steppay_webhook::legacy::{parse_legacy, LegacyWebhook, WebhookType};
///
/// let body = br#"{"webHookType":"PAYMENT","orderId":3180,"idKey":"16057932413479698c8vqQG0kMix9"}"#;
/// match parse_legacy(body, Some("application/json"))? {
///     LegacyWebhook::SelfPayment(payment) => {
///         assert_eq!(payment.webhook_type, WebhookType::Payment);
///         assert_eq!(payment.order_id, "3180");
///         assert_eq!(payment.id_key, "16057932413479698c8vqQG0kMix9");
///     }
///     other => panic!("not a self-payment notification: {other:?}"),
/// }
/// # Ok::<(), steppay_webhook::legacy::LegacyError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LegacyWebhook {
    /// `{"webHookType": "PAYMENT", "orderId": 1}`: sent after a successful renewal payment.
    Order(OrderNotification),
    /// `{"id": 1, "status": "ACTIVE"}`: a subscription was created or its status changed.
    Subscription(SubscriptionNotification),
    /// `{"webHookType": "PAYMENT", "orderId": 1, "idKey": "..."}`: a self-managed payment.
    SelfPayment(SelfPaymentNotification),
}

impl LegacyWebhook {
    /// The order to look up: the `orderId` of an order or self-payment notification.
    ///
    /// ```
    /// use steppay_webhook::legacy::parse_legacy;
    ///
    /// let order = parse_legacy(b"webHookType=PAYMENT&orderId=3180", None)?;
    /// assert_eq!(order.order_id(), Some("3180"));
    /// assert_eq!(order.subscription_id(), None);
    /// # Ok::<(), steppay_webhook::legacy::LegacyError>(())
    /// ```
    pub fn order_id(&self) -> Option<&str> {
        match self {
            LegacyWebhook::Order(n) => Some(&n.order_id),
            LegacyWebhook::SelfPayment(n) => Some(&n.order_id),
            LegacyWebhook::Subscription(_) => None,
        }
    }

    /// The subscription to look up: the `id` of a subscription notification.
    pub fn subscription_id(&self) -> Option<&str> {
        match self {
            LegacyWebhook::Subscription(n) => Some(&n.subscription_id),
            LegacyWebhook::Order(_) | LegacyWebhook::SelfPayment(_) => None,
        }
    }

    /// The `webHookType` of an order or self-payment notification.
    pub fn webhook_type(&self) -> Option<&WebhookType> {
        match self {
            LegacyWebhook::Order(n) => Some(&n.webhook_type),
            LegacyWebhook::SelfPayment(n) => Some(&n.webhook_type),
            LegacyWebhook::Subscription(_) => None,
        }
    }
}

/// The v1 order notification: `{"webHookType": "PAYMENT", "orderId": 1}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderNotification {
    /// What happened (wire name `webHookType`).
    pub webhook_type: WebhookType,
    /// The order (wire name `orderId`; a JSON number or string, read as text).
    pub order_id: String,
}

/// The v1 subscription notification: `{"id": 1, "status": "ACTIVE"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionNotification {
    /// The subscription (wire name `id`; a JSON number or string, read as text).
    pub subscription_id: String,
    /// The subscription's status as sent.
    pub status: SubscriptionStatus,
}

/// The v1 self-managed payment notification:
/// `{"webHookType": "PAYMENT", "orderId": 1, "idKey": "..."}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelfPaymentNotification {
    /// What happened (wire name `webHookType`).
    pub webhook_type: WebhookType,
    /// The order (wire name `orderId`; a JSON number or string, read as text).
    pub order_id: String,
    /// The payment's key (wire name `idKey`).
    pub id_key: String,
}

/// Why [`parse_legacy`] rejected a body.
///
/// Messages are short, name the field at fault, and never repeat a value from the body.
///
/// ```
/// use steppay_webhook::legacy::{parse_legacy, LegacyError};
///
/// let err = parse_legacy(br#"{"webHookType":"PAYMENT","orderId":true}"#, None).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "v1 webhook: orderId: expected an identifier (string or integer), found a boolean"
/// );
/// assert_eq!(err.field(), Some("orderId"));
///
/// let err = parse_legacy(b"id=90210", Some("application/x-www-form-urlencoded")).unwrap_err();
/// assert_eq!(err.to_string(), "v1 webhook: status: missing");
/// assert!(matches!(err, LegacyError::MissingField { field: "status", .. }));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LegacyError {
    /// The content type is neither JSON nor form data.
    #[error(
        "v1 webhook: unsupported content type `{content_type}` \
         (expected application/json or application/x-www-form-urlencoded)"
    )]
    #[non_exhaustive]
    UnsupportedContentType {
        /// The media type as sent, without parameters, cut to 64 characters.
        content_type: String,
    },

    /// The body is empty (or only whitespace).
    #[error("v1 webhook: empty body")]
    EmptyBody,

    /// The body should be JSON but is not (or is truncated, or not UTF-8).
    #[error("v1 webhook: body is not valid JSON: {source}")]
    #[non_exhaustive]
    InvalidJson {
        /// The JSON parser's error, with line and column in the body.
        source: serde_json::Error,
    },

    /// The body is JSON but not an object.
    #[error("v1 webhook: body is not a JSON object: found {found}")]
    #[non_exhaustive]
    NotAnObject {
        /// What was found instead: `"an array"`, `"a string"`, ...
        found: &'static str,
    },

    /// The body should be form data but cannot be decoded.
    #[error("v1 webhook: body is not valid form data: {reason}")]
    #[non_exhaustive]
    InvalidForm {
        /// What was wrong, e.g. `not UTF-8 once percent-decoded`.
        reason: String,
    },

    /// A field the notification needs is absent (or `null`).
    #[error("v1 webhook: {field}: missing")]
    #[non_exhaustive]
    MissingField {
        /// The field's wire name (`"orderId"`).
        field: &'static str,
    },

    /// A field has the wrong type, is empty, or appears twice.
    #[error("v1 webhook: {field}: {message}")]
    #[non_exhaustive]
    InvalidField {
        /// The field's wire name (`"orderId"`).
        field: &'static str,
        /// What was wrong.
        message: String,
    },

    /// The body has none of the fields of a v1 notification.
    #[error(
        "v1 webhook: not a v1 notification (expected webHookType and orderId, or id and status)"
    )]
    NotANotification,
}

impl LegacyError {
    /// The wire name of the field at fault, when one field was.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            LegacyError::MissingField { field } | LegacyError::InvalidField { field, .. } => {
                Some(field)
            }
            _ => None,
        }
    }
}

/// Which webhook version a request body is: see [`detect_version`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WebhookVersion {
    /// An unsigned v1 notification: read it with [`parse_legacy`].
    V1,
    /// A signed v2 envelope: verify and read it with
    /// [`WebhookVerifier`](crate::WebhookVerifier) or [`receive`](crate::receive).
    V2,
}

/// Tells a v1 body from a v2 body, so that one endpoint can accept both during a migration.
///
/// Cheap: it reads the top-level keys of a JSON body until the first one that decides,
/// skipping values without building anything, and leaves the rest unread. Every envelope
/// key is a v2 key, so a StepPay v2 delivery is decided by its first key (whatever the key
/// order) and costs a few bytes of scanning, not a parse.
///
/// The rule, in order:
///
/// 1. `application/x-www-form-urlencoded` is v1 (v2 is only ever JSON). With no content type
///    (or an empty or unrecognized one), a body whose first non-whitespace byte is not `{`
///    is taken to be form data: v1.
/// 2. A JSON object is read key by key, in the order sent: the first key that belongs to
///    one version decides. `timestamp`, `version`, `event`, `data` and `isTest` are v2;
///    `webHookType`, `orderId`, `idKey`, `id` and `status` are v1.
/// 3. Anything else (JSON that is not an object, invalid JSON before a deciding key, an
///    object with none of those keys) is v2, so that it goes through signature
///    verification, which rejects it.
///
/// # Examples
///
/// ```
/// use steppay_webhook::legacy::{detect_version, WebhookVersion};
///
/// let json = Some("application/json; charset=UTF-8");
/// let v2 = br#"{"timestamp":1795046400,"version":"v1","event":"order.created","data":{"id":1}}"#;
/// assert_eq!(detect_version(v2, json), WebhookVersion::V2);
/// assert_eq!(detect_version(br#"{"id":90210,"status":"ACTIVE"}"#, json), WebhookVersion::V1);
/// assert_eq!(detect_version(b"webHookType=PAYMENT&orderId=3180", None), WebhookVersion::V1);
/// ```
pub fn detect_version(body: &[u8], content_type: Option<&str>) -> WebhookVersion {
    let json = match media_type(content_type) {
        Some(media) if is_form(media) => false,
        Some(media) if is_json(media) => true,
        _ => first_non_whitespace(body) == Some(b'{'),
    };
    if !json {
        return WebhookVersion::V1;
    }
    let decided = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(body);
    // The scan stops at the deciding key and leaves the rest of the object unread, so
    // serde_json reports an error afterwards: expected, and ignored. The answer is in
    // `decided`.
    let _ = de.deserialize_map(FirstDecidingKey(&decided));
    decided.get().unwrap_or(WebhookVersion::V2)
}

/// Parses a webhook v1 body into a typed [`LegacyWebhook`].
///
/// `content_type` is the request's `Content-Type` header: `application/json` (or any
/// `+json` type) reads JSON, `application/x-www-form-urlencoded` reads form data;
/// parameters such as `charset` are ignored. With `None` (or an empty value) the body
/// decides: JSON when its first non-whitespace byte is `{`, form data otherwise.
///
/// Identifiers (`orderId`, `id`, `idKey`) are read as text whether sent as a JSON number or
/// a string; `webHookType` and `status` keep values this crate does not know
/// (`Unknown`). See [`LegacyWebhook`] for how the three notifications are told apart.
///
/// **v1 is unsigned**: confirm every notification through StepPay's API before acting (see
/// the [module docs](self)).
///
/// # Errors
///
/// A [`LegacyError`] naming what was wrong: an unsupported content type, an empty body,
/// invalid JSON or form data, a missing field, a field of the wrong type (or empty, or
/// repeated), or a body that is no v1 notification at all.
///
/// # Examples
///
/// ```
/// use steppay_webhook::legacy::{parse_legacy, LegacyWebhook, WebhookType};
/// use steppay_webhook::SubscriptionStatus;
///
/// let order = parse_legacy(br#"{"webHookType":"PAYMENT","orderId":3180}"#, Some("application/json"))?;
/// assert_eq!(order.webhook_type(), Some(&WebhookType::Payment));
/// assert_eq!(order.order_id(), Some("3180"));
///
/// let form = Some("application/x-www-form-urlencoded");
/// match parse_legacy(b"id=90210&status=PENDING_PAUSE", form)? {
///     LegacyWebhook::Subscription(sub) => {
///         assert_eq!(sub.subscription_id, "90210");
///         assert_eq!(sub.status, SubscriptionStatus::PendingPause);
///     }
///     other => panic!("not a subscription notification: {other:?}"),
/// }
/// # Ok::<(), steppay_webhook::legacy::LegacyError>(())
/// ```
pub fn parse_legacy(body: &[u8], content_type: Option<&str>) -> Result<LegacyWebhook, LegacyError> {
    let json = match media_type(content_type) {
        None => first_non_whitespace(body) == Some(b'{'),
        Some(media) if is_json(media) => true,
        Some(media) if is_form(media) => false,
        Some(media) => {
            return Err(LegacyError::UnsupportedContentType {
                content_type: shorten(media),
            })
        }
    };
    if first_non_whitespace(body).is_none() {
        return Err(LegacyError::EmptyBody);
    }
    let fields = if json {
        fields_from_json(body)?
    } else {
        fields_from_form(body)?
    };
    fields.into_webhook()
}

// --- Content type ---------------------------------------------------------------------------

/// The media type without parameters, or `None` when there is none.
fn media_type(content_type: Option<&str>) -> Option<&str> {
    let content_type = content_type?;
    let media = content_type
        .split_once(';')
        .map_or(content_type, |(media, _)| media)
        .trim();
    (!media.is_empty()).then_some(media)
}

fn is_json(media: &str) -> bool {
    media.eq_ignore_ascii_case("application/json")
        || media
            .len()
            .checked_sub(5)
            .and_then(|start| media.get(start..))
            .is_some_and(|suffix| suffix.eq_ignore_ascii_case("+json"))
}

fn is_form(media: &str) -> bool {
    media.eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

/// At most 64 characters of a header value for an error message, control characters
/// replaced.
fn shorten(value: &str) -> String {
    const MAX: usize = 64;
    let mut shown: String = value
        .chars()
        .take(MAX)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if value.chars().nth(MAX).is_some() {
        shown.push('…');
    }
    shown
}

fn first_non_whitespace(body: &[u8]) -> Option<u8> {
    body.iter().copied().find(|b| !b.is_ascii_whitespace())
}

// --- Decoding -------------------------------------------------------------------------------

fn fields_from_json(body: &[u8]) -> Result<Fields, LegacyError> {
    let first = first_non_whitespace(body);
    if first != Some(b'{') {
        // Not an object: say whether it is JSON at all.
        serde_json::from_slice::<IgnoredAny>(body)
            .map_err(|source| LegacyError::InvalidJson { source })?;
        return Err(LegacyError::NotAnObject {
            found: crate::webhook::json_kind_of(first),
        });
    }
    // Every value is accepted while reading (types are checked afterwards, field by field),
    // so the only errors here are syntax errors.
    let mut de = serde_json::Deserializer::from_slice(body);
    let fields =
        Fields::deserialize(&mut de).map_err(|source| LegacyError::InvalidJson { source })?;
    de.end()
        .map_err(|source| LegacyError::InvalidJson { source })?;
    Ok(fields)
}

fn fields_from_form(body: &[u8]) -> Result<Fields, LegacyError> {
    // A line break or spaces after the last value are not part of it (form data writes them
    // percent-encoded): `echo 'id=5&status=ACTIVE' | ...` must read status `ACTIVE`.
    let body = body.trim_ascii_end();
    // serde_urlencoded replaces bytes that are not UTF-8 with U+FFFD; a changed identifier
    // must be an error, not a silently different value.
    if percent_encoding::percent_decode(body)
        .decode_utf8()
        .is_err()
    {
        return Err(LegacyError::InvalidForm {
            reason: "not UTF-8 once percent-decoded".to_owned(),
        });
    }
    serde_urlencoded::from_bytes(body).map_err(|error| LegacyError::InvalidForm {
        reason: shorten(&error.to_string()),
    })
}

/// The top-level keys either version uses.
#[derive(serde::Deserialize)]
#[serde(field_identifier)]
enum FieldName {
    #[serde(rename = "webHookType")]
    WebhookType,
    #[serde(rename = "orderId")]
    OrderId,
    #[serde(rename = "idKey")]
    IdKey,
    #[serde(rename = "id")]
    Id,
    #[serde(rename = "status")]
    Status,
    #[serde(rename = "timestamp")]
    Timestamp,
    #[serde(rename = "version")]
    Version,
    #[serde(rename = "event")]
    Event,
    #[serde(rename = "data")]
    Data,
    #[serde(rename = "isTest")]
    IsTest,
    #[serde(other)]
    Other,
}

impl FieldName {
    fn version(&self) -> Option<WebhookVersion> {
        match self {
            FieldName::WebhookType
            | FieldName::OrderId
            | FieldName::IdKey
            | FieldName::Id
            | FieldName::Status => Some(WebhookVersion::V1),
            FieldName::Timestamp
            | FieldName::Version
            | FieldName::Event
            | FieldName::Data
            | FieldName::IsTest => Some(WebhookVersion::V2),
            FieldName::Other => None,
        }
    }
}

/// Reads top-level keys until one decides the version, and records it.
struct FirstDecidingKey<'a>(&'a Cell<Option<WebhookVersion>>);

impl<'de> Visitor<'de> for FirstDecidingKey<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<FieldName>()? {
            if let Some(version) = key.version() {
                self.0.set(Some(version));
                return Ok(());
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// A field's value as read, whatever its type: checked once the whole body is read, so
/// that errors can name the field and never repeat the value.
enum Value {
    Null,
    Text(String),
    Integer(String),
    /// Any other JSON type, by name (`"a boolean"`).
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Text(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Text(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Integer(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Integer(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(Value::Integer(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Integer(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Value, E> {
        Ok(Value::Other(
            "a number with a fraction or exponent, or out of range",
        ))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Value, E> {
        Ok(Value::Other("a boolean"))
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Value, E> {
        Ok(Value::Other("bytes"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Other("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Value::Other("an object"))
    }
}

/// One v1 field: how often it was sent and its last value.
#[derive(Default)]
struct Slot {
    times: u8,
    value: Option<Value>,
}

impl Slot {
    fn set(&mut self, value: Value) {
        self.times = self.times.saturating_add(1);
        self.value = Some(value);
    }

    /// Sent with a value other than `null`.
    fn is_present(&self) -> bool {
        !matches!(self.value, None | Some(Value::Null))
    }

    /// The value as text: a string, not empty. `None` when absent or `null`.
    fn text(self, field: &'static str) -> Result<Option<String>, LegacyError> {
        self.read(field, "a string", false)
    }

    /// The value as an identifier: a non-empty string or an integer, read as text.
    fn identifier(self, field: &'static str) -> Result<Option<String>, LegacyError> {
        self.read(field, "an identifier (string or integer)", true)
    }

    fn read(
        self,
        field: &'static str,
        expected: &str,
        integer_allowed: bool,
    ) -> Result<Option<String>, LegacyError> {
        let invalid = |message: String| LegacyError::InvalidField { field, message };
        if self.times > 1 {
            return Err(invalid("sent more than once".to_owned()));
        }
        match self.value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Text(text)) if text.is_empty() => Err(invalid("empty".to_owned())),
            Some(Value::Text(text)) => Ok(Some(text)),
            Some(Value::Integer(number)) if integer_allowed => Ok(Some(number)),
            Some(Value::Integer(_)) => {
                Err(invalid(format!("expected {expected}, found an integer")))
            }
            Some(Value::Other(found)) => {
                Err(invalid(format!("expected {expected}, found {found}")))
            }
        }
    }
}

fn required(field: &'static str, value: Option<String>) -> Result<String, LegacyError> {
    value.ok_or(LegacyError::MissingField { field })
}

/// The v1 fields of a body (JSON or form data), read in one pass.
#[derive(Default)]
struct Fields {
    webhook_type: Slot,
    order_id: Slot,
    id_key: Slot,
    id: Slot,
    status: Slot,
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FieldsVisitor)
    }
}

struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a v1 webhook object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut fields = Fields::default();
        while let Some(key) = map.next_key::<FieldName>()? {
            let slot = match key {
                FieldName::WebhookType => &mut fields.webhook_type,
                FieldName::OrderId => &mut fields.order_id,
                FieldName::IdKey => &mut fields.id_key,
                FieldName::Id => &mut fields.id,
                FieldName::Status => &mut fields.status,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            slot.set(map.next_value::<Value>()?);
        }
        Ok(fields)
    }
}

impl Fields {
    fn into_webhook(self) -> Result<LegacyWebhook, LegacyError> {
        let Fields {
            webhook_type,
            order_id,
            id_key,
            id,
            status,
        } = self;
        if webhook_type.is_present() || order_id.is_present() || id_key.is_present() {
            let webhook_type =
                WebhookType::from(required("webHookType", webhook_type.text("webHookType")?)?);
            let order_id = required("orderId", order_id.identifier("orderId")?)?;
            return Ok(match id_key.identifier("idKey")? {
                Some(id_key) => LegacyWebhook::SelfPayment(SelfPaymentNotification {
                    webhook_type,
                    order_id,
                    id_key,
                }),
                None => LegacyWebhook::Order(OrderNotification {
                    webhook_type,
                    order_id,
                }),
            });
        }
        if id.is_present() || status.is_present() {
            let subscription_id = required("id", id.identifier("id")?)?;
            let status = SubscriptionStatus::from(required("status", status.text("status")?)?);
            return Ok(LegacyWebhook::Subscription(SubscriptionNotification {
                subscription_id,
                status,
            }));
        }
        Err(LegacyError::NotANotification)
    }
}
