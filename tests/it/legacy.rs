//! Webhook v1: StepPay's own example bodies in both encodings, every `webHookType`, unknown
//! values kept, identifiers as numbers and strings, bad bodies with their exact messages, and
//! v1/v2 detection on every fixture.

use proptest::prelude::*;
use serde_json::Value;
use steppay_webhook::legacy::{
    detect_version, parse_legacy, LegacyError, LegacyWebhook, OrderNotification,
    SelfPaymentNotification, SubscriptionNotification, WebhookType, WebhookVersion,
};
use steppay_webhook::{parse_webhook, SubscriptionStatus};

use crate::support::{
    all_valid_fixtures, invalid_fixtures, legacy_fixture, legacy_fixtures, UNKNOWN_EVENT,
};

const JSON: Option<&str> = Some("application/json");
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

/// The idKey in StepPay's self-payment example.
const STEPPAY_ID_KEY: &str = "16057932413479698c8vqQG0kMix9";

/// A JSON v1 body as StepPay's form-encoded delivery of the same fields: every value as its
/// text (`"orderId": 1` becomes `orderId=1`).
fn form_of(json_body: &[u8]) -> String {
    let object: serde_json::Map<String, Value> =
        serde_json::from_slice(json_body).expect("a JSON object");
    let pairs: Vec<(String, String)> = object
        .into_iter()
        .map(|(key, value)| {
            let text = match value {
                Value::String(text) => text,
                Value::Number(number) => number.to_string(),
                other => panic!("{key}: not a string or number: {other}"),
            };
            (key, text)
        })
        .collect();
    serde_urlencoded::to_string(pairs).expect("form-encodable")
}

fn parsed(body: &[u8], content_type: Option<&str>) -> LegacyWebhook {
    parse_legacy(body, content_type).unwrap_or_else(|error| {
        panic!(
            "{:?} ({content_type:?}): {error}",
            String::from_utf8_lossy(body)
        )
    })
}

fn error_for(body: &[u8], content_type: Option<&str>) -> LegacyError {
    match parse_legacy(body, content_type) {
        Ok(webhook) => panic!(
            "{:?} ({content_type:?}) parsed as {webhook:?}",
            String::from_utf8_lossy(body)
        ),
        Err(error) => error,
    }
}

fn message_for(body: &[u8], content_type: Option<&str>) -> String {
    error_for(body, content_type).to_string()
}

/// `body` read as JSON and as form data, each with its content type and sniffed: the same
/// value all four ways.
fn parsed_both_ways(json_body: &[u8]) -> LegacyWebhook {
    let form = form_of(json_body);
    let from_json = parsed(json_body, JSON);
    assert_eq!(parsed(json_body, None), from_json, "sniffed JSON");
    assert_eq!(parsed(form.as_bytes(), FORM), from_json, "form: {form}");
    assert_eq!(
        parsed(form.as_bytes(), None),
        from_json,
        "sniffed form: {form}"
    );
    from_json
}

// --- StepPay's own examples -----------------------------------------------------------------

#[test]
fn steppay_order_example_in_both_encodings() {
    let body = legacy_fixture("order");
    assert_eq!(form_of(&body), "orderId=1&webHookType=PAYMENT");
    let webhook = parsed_both_ways(&body);
    assert_eq!(
        webhook,
        LegacyWebhook::Order(OrderNotification {
            webhook_type: WebhookType::Payment,
            order_id: "1".to_owned(),
        })
    );
    assert_eq!(webhook.order_id(), Some("1"));
    assert_eq!(webhook.subscription_id(), None);
    assert_eq!(webhook.webhook_type(), Some(&WebhookType::Payment));
}

#[test]
fn steppay_subscription_example_in_both_encodings() {
    let body = legacy_fixture("subscription");
    assert_eq!(form_of(&body), "id=1&status=ACTIVE");
    let webhook = parsed_both_ways(&body);
    assert_eq!(
        webhook,
        LegacyWebhook::Subscription(SubscriptionNotification {
            subscription_id: "1".to_owned(),
            status: SubscriptionStatus::Active,
        })
    );
    assert_eq!(webhook.subscription_id(), Some("1"));
    assert_eq!(webhook.order_id(), None);
    assert_eq!(webhook.webhook_type(), None);
}

#[test]
fn steppay_self_payment_example_in_both_encodings() {
    let body = legacy_fixture("self-payment");
    assert_eq!(
        form_of(&body),
        format!("idKey={STEPPAY_ID_KEY}&orderId=1&webHookType=PAYMENT")
    );
    let webhook = parsed_both_ways(&body);
    assert_eq!(
        webhook,
        LegacyWebhook::SelfPayment(SelfPaymentNotification {
            webhook_type: WebhookType::Payment,
            order_id: "1".to_owned(),
            id_key: STEPPAY_ID_KEY.to_owned(),
        })
    );
    assert_eq!(webhook.order_id(), Some("1"));
    assert_eq!(webhook.webhook_type(), Some(&WebhookType::Payment));
}

#[test]
fn content_type_parameters_and_case_do_not_matter() {
    let json = legacy_fixture("self-payment");
    let form = form_of(&json);
    let expected = parsed(&json, JSON);
    for content_type in [
        "application/json; charset=UTF-8",
        "Application/JSON",
        " application/json ;charset=utf-8",
        "application/vnd.steppay.webhook+json",
    ] {
        assert_eq!(
            parsed(&json, Some(content_type)),
            expected,
            "{content_type}"
        );
    }
    for content_type in [
        "application/x-www-form-urlencoded; charset=UTF-8",
        "APPLICATION/X-WWW-FORM-URLENCODED",
    ] {
        assert_eq!(
            parsed(form.as_bytes(), Some(content_type)),
            expected,
            "{content_type}"
        );
    }
    // An empty header is no header: the body decides.
    assert_eq!(parsed(&json, Some("")), expected);
    assert_eq!(parsed(form.as_bytes(), Some(" ; charset=utf-8")), expected);
}

#[test]
fn form_values_are_percent_decoded() {
    let body = b"webHookType=PAYMENT&orderId=20261120-00000466&idKey=k%2Bv+%EC%A3%BC%EB%AC%B8%3D1";
    assert_eq!(
        parsed(body, FORM),
        LegacyWebhook::SelfPayment(SelfPaymentNotification {
            webhook_type: WebhookType::Payment,
            order_id: "20261120-00000466".to_owned(),
            id_key: "k+v 주문=1".to_owned(),
        })
    );
}

#[test]
fn a_line_break_after_form_data_is_not_part_of_the_last_value() {
    // What `echo 'id=48213&status=UNPAID' | steppay-webhook inspect` sends.
    let expected = LegacyWebhook::Subscription(SubscriptionNotification {
        subscription_id: "48213".to_owned(),
        status: SubscriptionStatus::Unpaid,
    });
    for body in [
        &b"id=48213&status=UNPAID\n"[..],
        b"id=48213&status=UNPAID\r\n  ",
    ] {
        assert_eq!(parsed(body, FORM), expected);
        assert_eq!(parsed(body, None), expected);
    }
    // An encoded line break is data, and stays in the value.
    match parsed(b"id=48213&status=UNPAID%0A", FORM) {
        LegacyWebhook::Subscription(sub) => {
            assert_eq!(
                sub.status,
                SubscriptionStatus::Unknown("UNPAID\n".to_owned())
            )
        }
        other => panic!("not a subscription notification: {other:?}"),
    }
}

#[test]
fn whitespace_around_a_json_body_is_allowed() {
    let body = b"\r\n  {\"id\": 48213, \"status\": \"UNPAID\"}\n";
    let expected = LegacyWebhook::Subscription(SubscriptionNotification {
        subscription_id: "48213".to_owned(),
        status: SubscriptionStatus::Unpaid,
    });
    assert_eq!(parsed(body, JSON), expected);
    assert_eq!(parsed(body, None), expected);
}

// --- Every value, and values StepPay adds later ---------------------------------------------

#[test]
fn every_documented_webhook_type_in_both_encodings() {
    let wire: Vec<&str> = WebhookType::KNOWN.iter().map(WebhookType::as_str).collect();
    assert_eq!(
        wire,
        [
            "PAYMENT",
            "VBANK",
            "CANCELED",
            "USER_CANCELED",
            "FAILED",
            "CMS",
            "BILLKEY"
        ]
    );
    for webhook_type in WebhookType::KNOWN {
        assert!(!webhook_type.is_unknown());
        let name = webhook_type.as_str();

        let order = format!(r#"{{"webHookType":"{name}","orderId":352288}}"#);
        assert_eq!(
            parsed_both_ways(order.as_bytes()),
            LegacyWebhook::Order(OrderNotification {
                webhook_type: webhook_type.clone(),
                order_id: "352288".to_owned(),
            }),
            "{name}"
        );

        let self_payment =
            format!(r#"{{"webHookType":"{name}","orderId":352288,"idKey":"{STEPPAY_ID_KEY}"}}"#);
        assert_eq!(
            parsed_both_ways(self_payment.as_bytes()),
            LegacyWebhook::SelfPayment(SelfPaymentNotification {
                webhook_type: webhook_type.clone(),
                order_id: "352288".to_owned(),
                id_key: STEPPAY_ID_KEY.to_owned(),
            }),
            "{name}"
        );
    }
}

#[test]
fn webhook_type_enumeration_converts_both_ways() {
    for (webhook_type, name) in [
        (WebhookType::Payment, "PAYMENT"),
        (WebhookType::Vbank, "VBANK"),
        (WebhookType::Canceled, "CANCELED"),
        (WebhookType::UserCanceled, "USER_CANCELED"),
        (WebhookType::Failed, "FAILED"),
        (WebhookType::Cms, "CMS"),
        (WebhookType::Billkey, "BILLKEY"),
    ] {
        assert_eq!(WebhookType::from(name), webhook_type);
        assert_eq!(webhook_type.to_string(), name);
        assert_eq!(String::from(webhook_type.clone()), name);
        assert_eq!(
            serde_json::to_string(&webhook_type).unwrap(),
            format!("\"{name}\"")
        );
        assert_eq!(
            serde_json::from_str::<WebhookType>(&format!("\"{name}\"")).unwrap(),
            webhook_type
        );
    }
    // Case matters: a different spelling is not silently mapped.
    assert_eq!(
        WebhookType::from("payment"),
        WebhookType::Unknown("payment".to_owned())
    );
}

#[test]
fn unknown_webhook_type_is_kept_in_both_encodings() {
    let body = br#"{"webHookType":"PARTIAL_CANCELED","orderId":352288}"#;
    let webhook = parsed_both_ways(body);
    let expected = WebhookType::Unknown("PARTIAL_CANCELED".to_owned());
    assert_eq!(
        webhook,
        LegacyWebhook::Order(OrderNotification {
            webhook_type: expected.clone(),
            order_id: "352288".to_owned(),
        })
    );
    let webhook_type = webhook.webhook_type().unwrap();
    assert!(webhook_type.is_unknown());
    assert_eq!(webhook_type.as_str(), "PARTIAL_CANCELED");
    assert_eq!(
        serde_json::to_string(webhook_type).unwrap(),
        "\"PARTIAL_CANCELED\""
    );
}

#[test]
fn every_subscription_status_and_an_unknown_one_in_both_encodings() {
    let unknown = SubscriptionStatus::Unknown("SUSPENDED".to_owned());
    for status in SubscriptionStatus::KNOWN.iter().chain([&unknown]) {
        let body = format!(r#"{{"id":48213,"status":"{status}"}}"#);
        assert_eq!(
            parsed_both_ways(body.as_bytes()),
            LegacyWebhook::Subscription(SubscriptionNotification {
                subscription_id: "48213".to_owned(),
                status: status.clone(),
            }),
            "{status}"
        );
    }
}

// --- Identifiers as numbers and as strings --------------------------------------------------

#[test]
fn identifiers_read_the_same_as_numbers_and_as_strings() {
    for (number, string) in [
        (
            r#"{"webHookType":"VBANK","orderId":352288}"#,
            r#"{"webHookType":"VBANK","orderId":"352288"}"#,
        ),
        (
            r#"{"id":48213,"status":"PAUSE"}"#,
            r#"{"id":"48213","status":"PAUSE"}"#,
        ),
        (
            r#"{"webHookType":"CMS","orderId":352288,"idKey":1605793241}"#,
            r#"{"webHookType":"CMS","orderId":"352288","idKey":"1605793241"}"#,
        ),
    ] {
        assert_eq!(
            parsed(number.as_bytes(), JSON),
            parsed(string.as_bytes(), JSON)
        );
    }
    assert_eq!(
        parsed(
            br#"{"webHookType":"CMS","orderId":352288,"idKey":1605793241}"#,
            JSON
        ),
        LegacyWebhook::SelfPayment(SelfPaymentNotification {
            webhook_type: WebhookType::Cms,
            order_id: "352288".to_owned(),
            id_key: "1605793241".to_owned(),
        })
    );
}

#[test]
fn identifiers_keep_their_text_exactly() {
    for (json_id, id) in [
        ("18446744073709551615", "18446744073709551615"), // u64::MAX, no float involved
        ("-1", "-1"),
        (r#""20261120-00000466""#, "20261120-00000466"),
        (r#""000123""#, "000123"),
    ] {
        let body = format!(r#"{{"webHookType":"PAYMENT","orderId":{json_id}}}"#);
        assert_eq!(
            parsed(body.as_bytes(), JSON).order_id(),
            Some(id),
            "{json_id}"
        );
    }
}

// --- What tells the notifications apart -----------------------------------------------------

#[test]
fn id_key_makes_a_self_payment_and_null_is_absent() {
    let order = LegacyWebhook::Order(OrderNotification {
        webhook_type: WebhookType::Failed,
        order_id: "352288".to_owned(),
    });
    assert_eq!(
        parsed(
            br#"{"webHookType":"FAILED","orderId":352288,"idKey":null}"#,
            JSON
        ),
        order
    );
    assert!(matches!(
        parsed(br#"{"idKey":"k1","orderId":352288,"webHookType":"FAILED"}"#, JSON),
        LegacyWebhook::SelfPayment(SelfPaymentNotification { ref id_key, .. }) if id_key == "k1"
    ));
}

#[test]
fn key_order_and_extra_fields_do_not_matter() {
    let body = r#"{"note":{"memo":"정기결제","tags":["a",1]},"status":"EXPIRED","extra":[true],"id":48213}"#;
    assert_eq!(
        parsed(body.as_bytes(), JSON),
        LegacyWebhook::Subscription(SubscriptionNotification {
            subscription_id: "48213".to_owned(),
            status: SubscriptionStatus::Expired,
        })
    );
    assert_eq!(
        parsed(
            b"memo=%EC%A0%95%EA%B8%B0&orderId=352288&webHookType=USER_CANCELED",
            FORM
        ),
        LegacyWebhook::Order(OrderNotification {
            webhook_type: WebhookType::UserCanceled,
            order_id: "352288".to_owned(),
        })
    );
}

#[test]
fn payment_fields_take_precedence_over_subscription_fields() {
    let body = br#"{"id":48213,"status":"ACTIVE","webHookType":"PAYMENT","orderId":352288}"#;
    assert_eq!(
        parsed(body, JSON),
        LegacyWebhook::Order(OrderNotification {
            webhook_type: WebhookType::Payment,
            order_id: "352288".to_owned(),
        })
    );
}

// --- Bad bodies: exact messages -------------------------------------------------------------

#[test]
fn empty_body_is_named_in_every_encoding() {
    for body in [&b""[..], b"  \r\n\t"] {
        for content_type in [JSON, FORM, None] {
            let error = error_for(body, content_type);
            assert!(matches!(error, LegacyError::EmptyBody), "{error:?}");
            assert_eq!(error.to_string(), "v1 webhook: empty body");
        }
    }
}

#[test]
fn truncated_json_is_invalid_json_with_its_position() {
    let body = legacy_fixture("self-payment");
    let cut = &body[..body.len() / 2];
    let error = error_for(cut, JSON);
    assert!(
        matches!(error, LegacyError::InvalidJson { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "v1 webhook: body is not valid JSON: EOF while parsing a value at line 3 column 15"
    );
    assert_eq!(
        message_for(br#"{"id":48213,"status":"ACTIVE""#, None),
        "v1 webhook: body is not valid JSON: EOF while parsing an object at line 1 column 29"
    );
    assert_eq!(
        message_for(br#"{"id":48213,"status":"ACTIVE"} {}"#, JSON),
        "v1 webhook: body is not valid JSON: trailing characters at line 1 column 32"
    );
    assert_eq!(
        message_for(b"webHookType=PAYMENT&orderId=1", JSON),
        "v1 webhook: body is not valid JSON: expected value at line 1 column 1"
    );
}

#[test]
fn json_that_is_not_an_object_says_what_it_is() {
    for (body, found) in [
        (&b"[1, 2, 3]"[..], "an array"),
        (br#""PAYMENT""#, "a string"),
        (b" 352288", "a number"),
        (b"null", "null"),
        (b"true", "a boolean"),
    ] {
        let error = error_for(body, JSON);
        assert!(
            matches!(error, LegacyError::NotAnObject { found: f, .. } if f == found),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!("v1 webhook: body is not a JSON object: found {found}")
        );
    }
}

#[test]
fn non_utf8_bodies_are_rejected_not_mangled() {
    let message = "v1 webhook: body is not valid form data: not UTF-8 once percent-decoded";
    for body in [
        &b"webHookType=PAYMENT&orderId=1&idKey=%FF%FE"[..],
        b"webHookType=PAYMENT&orderId=1&idKey=\xc3\x28",
        b"id=48213&status=%C3",
    ] {
        for content_type in [FORM, None] {
            let error = error_for(body, content_type);
            assert!(
                matches!(error, LegacyError::InvalidForm { .. }),
                "{error:?}"
            );
            assert_eq!(error.to_string(), message);
        }
    }
    // The same bytes in JSON.
    assert_eq!(
        message_for(b"{\"webHookType\":\"PAYMENT\",\"orderId\":\"\xff\"}", JSON),
        "v1 webhook: body is not valid JSON: invalid unicode code point at line 1 column 37"
    );
}

#[test]
fn wrong_types_name_the_field_and_never_the_value() {
    for (body, message) in [
        (
            r#"{"webHookType":"PAYMENT","orderId":true}"#,
            "orderId: expected an identifier (string or integer), found a boolean",
        ),
        (
            r#"{"webHookType":"PAYMENT","orderId":3180.5}"#,
            "orderId: expected an identifier (string or integer), found a number with a fraction or exponent, or out of range",
        ),
        (
            r#"{"webHookType":"PAYMENT","orderId":1e300}"#,
            "orderId: expected an identifier (string or integer), found a number with a fraction or exponent, or out of range",
        ),
        (
            r#"{"webHookType":"PAYMENT","orderId":{"id":1}}"#,
            "orderId: expected an identifier (string or integer), found an object",
        ),
        (
            r#"{"webHookType":"PAYMENT","orderId":[1]}"#,
            "orderId: expected an identifier (string or integer), found an array",
        ),
        (
            r#"{"webHookType":1,"orderId":352288}"#,
            "webHookType: expected a string, found an integer",
        ),
        (
            r#"{"webHookType":["PAYMENT"],"orderId":352288}"#,
            "webHookType: expected a string, found an array",
        ),
        (
            r#"{"webHookType":"PAYMENT","orderId":352288,"idKey":false}"#,
            "idKey: expected an identifier (string or integer), found a boolean",
        ),
        (
            r#"{"id":48213,"status":3}"#,
            "status: expected a string, found an integer",
        ),
        (
            r#"{"id":{"subscriptionId":48213},"status":"ACTIVE"}"#,
            "id: expected an identifier (string or integer), found an object",
        ),
    ] {
        let error = error_for(body.as_bytes(), JSON);
        assert!(matches!(error, LegacyError::InvalidField { .. }), "{error:?}");
        assert_eq!(error.to_string(), format!("v1 webhook: {message}"), "{body}");
        assert_eq!(error.field(), message.split(':').next());
    }
}

#[test]
fn a_long_value_is_never_echoed() {
    let long = "가".repeat(10_000);
    for body in [
        format!(r#"{{"webHookType":"PAYMENT","orderId":["{long}"]}}"#),
        format!(r#"{{"webHookType":{{"{long}":1}},"orderId":1}}"#),
        format!(r#"{{"id":48213,"status":{{"value":"{long}"}}}}"#),
        format!(r#"{{"{long}":1}}"#),
    ] {
        let message = message_for(body.as_bytes(), JSON);
        assert!(!message.contains('가'), "{message}");
        assert!(message.len() < 120, "{message}");
    }
}

#[test]
fn missing_and_null_fields_are_named() {
    for (body, field) in [
        (r#"{"webHookType":"PAYMENT"}"#, "orderId"),
        (r#"{"orderId":352288}"#, "webHookType"),
        (r#"{"webHookType":null,"orderId":352288}"#, "webHookType"),
        (r#"{"webHookType":"PAYMENT","orderId":null}"#, "orderId"),
        (
            r#"{"idKey":"16057932413479698c8vqQG0kMix9"}"#,
            "webHookType",
        ),
        (r#"{"id":48213}"#, "status"),
        (r#"{"id":48213,"status":null}"#, "status"),
        (r#"{"status":"ACTIVE"}"#, "id"),
    ] {
        let error = error_for(body.as_bytes(), JSON);
        assert!(
            matches!(error, LegacyError::MissingField { field: f, .. } if f == field),
            "{body}: {error:?}"
        );
        assert_eq!(error.to_string(), format!("v1 webhook: {field}: missing"));
        assert_eq!(error.field(), Some(field));
    }
    assert_eq!(
        message_for(b"webHookType=PAYMENT", FORM),
        "v1 webhook: orderId: missing"
    );
    assert_eq!(
        message_for(b"status=ACTIVE", FORM),
        "v1 webhook: id: missing"
    );
}

#[test]
fn empty_and_repeated_fields_are_named() {
    for (body, content_type, message) in [
        (
            &br#"{"webHookType":"","orderId":352288}"#[..],
            JSON,
            "webHookType: empty",
        ),
        (b"webHookType=PAYMENT&orderId=", FORM, "orderId: empty"),
        (
            b"webHookType=PAYMENT&orderId=1&idKey=",
            FORM,
            "idKey: empty",
        ),
        (b"id=&status=ACTIVE", FORM, "id: empty"),
        (b"id=48213&status=", FORM, "status: empty"),
        (
            br#"{"webHookType":"PAYMENT","orderId":1,"orderId":2}"#,
            JSON,
            "orderId: sent more than once",
        ),
        (
            b"webHookType=PAYMENT&webHookType=FAILED&orderId=1",
            FORM,
            "webHookType: sent more than once",
        ),
        (
            b"id=1&status=ACTIVE&status=PAUSE",
            FORM,
            "status: sent more than once",
        ),
    ] {
        let error = error_for(body, content_type);
        assert!(
            matches!(error, LegacyError::InvalidField { .. }),
            "{error:?}"
        );
        assert_eq!(error.to_string(), format!("v1 webhook: {message}"));
    }
}

#[test]
fn bodies_with_no_v1_fields_are_not_notifications() {
    let message =
        "v1 webhook: not a v1 notification (expected webHookType and orderId, or id and status)";
    let v2 = crate::support::fixture("payment.completed");
    for (body, content_type) in [
        (&b"{}"[..], JSON),
        (br#"{"orderID":352288,"webhookType":"PAYMENT"}"#, JSON),
        (br#"{"id":null,"status":null}"#, JSON),
        (b"orderid=352288&type=PAYMENT", FORM),
        (b"hello", None),
        // JSON sent as form data reads as one key with no value.
        (br#"{"id":48213,"status":"ACTIVE"}"#, FORM),
        (&v2, JSON),
    ] {
        let error = error_for(body, content_type);
        assert!(matches!(error, LegacyError::NotANotification), "{error:?}");
        assert_eq!(error.to_string(), message);
    }
}

#[test]
fn unsupported_content_type_is_named_briefly() {
    let body = legacy_fixture("order");
    let error = error_for(&body, Some("text/plain; charset=utf-8"));
    assert!(
        matches!(error, LegacyError::UnsupportedContentType { ref content_type, .. } if content_type == "text/plain"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "v1 webhook: unsupported content type `text/plain` \
         (expected application/json or application/x-www-form-urlencoded)"
    );
    let long = format!("application/{}", "x".repeat(500));
    assert_eq!(
        message_for(&body, Some(&long)),
        format!(
            "v1 webhook: unsupported content type `application/{}…` \
             (expected application/json or application/x-www-form-urlencoded)",
            "x".repeat(52)
        )
    );
    assert_eq!(
        message_for(&body, Some("multipart/\u{7}form-data")),
        "v1 webhook: unsupported content type `multipart/?form-data` \
         (expected application/json or application/x-www-form-urlencoded)"
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_and_errors_stay_short(
        body in proptest::collection::vec(any::<u8>(), 0..200),
        content_type in prop::sample::select(vec![JSON, FORM, None, Some("text/plain")]),
    ) {
        let _ = detect_version(&body, content_type);
        if let Err(error) = parse_legacy(&body, content_type) {
            let message = error.to_string();
            prop_assert!(message.len() <= 160, "{}", message);
        }
    }

    #[test]
    fn any_identifier_text_round_trips_through_form_encoding(order_id in "\\PC{1,40}") {
        let form = serde_urlencoded::to_string([("webHookType", "PAYMENT"), ("orderId", &order_id)]).unwrap();
        let webhook = parse_legacy(form.as_bytes(), FORM).unwrap();
        prop_assert_eq!(webhook.order_id(), Some(order_id.as_str()));
    }
}

// --- v1 / v2 detection ----------------------------------------------------------------------

#[test]
fn every_v2_fixture_is_detected_as_v2() {
    let fixtures = all_valid_fixtures();
    // 27 event types, 9 minimal bodies, 8 edge cases.
    assert!(fixtures.len() >= 44, "{} fixtures", fixtures.len());
    for (name, body) in &fixtures {
        for content_type in [JSON, Some("application/json; charset=utf-8"), None] {
            assert_eq!(
                detect_version(body, content_type),
                WebhookVersion::V2,
                "{name} ({content_type:?})"
            );
        }
        // Detection agrees with the parsers.
        let webhook = parse_webhook(body).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!webhook.event_name().is_empty());
        assert!(
            matches!(parse_legacy(body, JSON), Err(LegacyError::NotANotification)),
            "{name}"
        );
    }
    assert!(fixtures
        .iter()
        .any(|(name, _)| name == "edge/unknown-event.json"));
    assert!(fixtures
        .iter()
        .any(|(name, _)| name.starts_with("minimal/")));
    let unknown = fixtures
        .iter()
        .find(|(name, _)| name == "edge/unknown-event.json")
        .unwrap();
    assert_eq!(
        parse_webhook(&unknown.1).unwrap().event_name(),
        UNKNOWN_EVENT
    );
}

#[test]
fn every_invalid_v2_fixture_is_detected_as_v2() {
    let fixtures = invalid_fixtures();
    assert_eq!(fixtures.len(), 8);
    for (name, body) in &fixtures {
        assert_eq!(detect_version(body, JSON), WebhookVersion::V2, "{name}");
        assert!(parse_webhook(body).is_err(), "{name} should not parse");
    }
    // Without a content type, a body that is not a JSON object is taken for form data (v1);
    // every other invalid body still reads as v2.
    for (name, body) in &fixtures {
        let expected = if name == "edge/invalid/array-body.json" {
            WebhookVersion::V1
        } else {
            WebhookVersion::V2
        };
        assert_eq!(detect_version(body, None), expected, "{name}");
    }
}

#[test]
fn every_v1_fixture_is_detected_as_v1_in_both_encodings() {
    for (name, body) in legacy_fixtures() {
        let form = form_of(&body);
        for (bytes, content_type) in [
            (&body[..], JSON),
            (&body[..], None),
            (&body[..], Some("application/json; charset=UTF-8")),
            (form.as_bytes(), FORM),
            (form.as_bytes(), None),
            (
                form.as_bytes(),
                Some("application/x-www-form-urlencoded; charset=UTF-8"),
            ),
        ] {
            assert_eq!(
                detect_version(bytes, content_type),
                WebhookVersion::V1,
                "{name} ({content_type:?})"
            );
            // Detection agrees with the parsers.
            parsed(bytes, content_type);
            assert!(parse_webhook(bytes).is_err(), "{name}");
        }
    }
}

#[test]
fn detection_decides_on_the_first_deciding_key() {
    for (body, content_type, expected) in [
        // Unknown keys before the deciding one are skipped, whatever they hold.
        (
            &br#"{"meta":{"webHookType":"PAYMENT","id":1},"id":48213,"status":"ACTIVE"}"#[..],
            JSON,
            WebhookVersion::V1,
        ),
        (
            br#"{"deliveryId":"whd_01JDX4K7","data":{"id":48213,"status":"ACTIVE"},"event":"x"}"#,
            JSON,
            WebhookVersion::V2,
        ),
        (br#"{"isTest":true}"#, JSON, WebhookVersion::V2),
        (br#"{"idKey":"k"}"#, JSON, WebhookVersion::V1),
        // The first deciding key wins over later ones.
        (
            br#"{"id":48213,"status":"ACTIVE","event":"payment.completed","data":{}}"#,
            JSON,
            WebhookVersion::V1,
        ),
        (
            br#"{"event":"payment.completed","webHookType":"PAYMENT","orderId":1}"#,
            JSON,
            WebhookVersion::V2,
        ),
        // What follows the deciding key may be anything: it is not read.
        (
            br#"{"timestamp":1795046400, this is never read"#,
            JSON,
            WebhookVersion::V2,
        ),
        (
            br#"{"orderId":352288 this is never read"#,
            None,
            WebhookVersion::V1,
        ),
        // Nothing that decides: v2, so signature verification rejects it.
        (b"{}", JSON, WebhookVersion::V2),
        (br#"{"unrelated":1}"#, None, WebhookVersion::V2),
        (b"{\"i", JSON, WebhookVersion::V2),
        // A deciding key decides even when the body breaks off right after it.
        (b"{\"id\"", JSON, WebhookVersion::V1),
        (b"", JSON, WebhookVersion::V2),
        (b"[]", JSON, WebhookVersion::V2),
        // Form data is always v1; so is a body that is not JSON when no content type says.
        (b"", FORM, WebhookVersion::V1),
        (b"{\"timestamp\":1}", FORM, WebhookVersion::V1),
        (b"", None, WebhookVersion::V1),
        (
            b"orderId=352288&webHookType=PAYMENT",
            Some("text/plain"),
            WebhookVersion::V1,
        ),
        (
            br#"{"timestamp":1}"#,
            Some("text/plain"),
            WebhookVersion::V2,
        ),
    ] {
        assert_eq!(
            detect_version(body, content_type),
            expected,
            "{:?} ({content_type:?})",
            String::from_utf8_lossy(body)
        );
    }
}
