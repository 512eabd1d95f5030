//! Bad input gets a typed error that names the event type and the JSON path, never a panic.

use proptest::prelude::*;
use steppay_webhook::{parse_webhook, Error};

use crate::support::read_fixture;

fn error_for(body: &[u8]) -> Error {
    match parse_webhook(body) {
        Ok(webhook) => panic!("expected an error, parsed {}", webhook.event_name()),
        Err(error) => error,
    }
}

fn body(event: &str, data: &str) -> String {
    format!(r#"{{"timestamp":1795046400,"version":"v1","event":"{event}","data":{data}}}"#)
}

// --- Body is not JSON / not an object -------------------------------------------------------

#[test]
fn truncated_json_is_invalid_json() {
    let error = error_for(&read_fixture("edge/invalid/not-json.txt"));
    assert!(matches!(error, Error::InvalidJson { .. }), "{error:?}");
    // The cause is printed once: by the source, not again in the message.
    assert_eq!(error.to_string(), "body is not valid JSON");
    let source = std::error::Error::source(&error).expect("the parser's error");
    assert!(
        source.to_string().contains("line"),
        "position missing: {source}"
    );
    assert_eq!(error.message(), source.to_string());
    assert!(std::error::Error::source(source).is_none());
}

#[test]
fn other_non_json_bodies_are_invalid_json() {
    for body in [
        &b""[..],
        b"   ",
        b"{",
        b"{\"timestamp\":",
        b"hello",
        b"{} trailing",
        b"{\"a\":1}}",
    ] {
        let error = error_for(body);
        assert!(
            matches!(error, Error::InvalidJson { .. }),
            "{:?}: {error:?}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn a_body_that_is_not_utf8_is_refused_as_such() {
    for (body, at) in [(&b"\xff\xfe{}"[..], 0), (b"{\"a\":\"\xc3\x28\"}", 6)] {
        let error = error_for(body);
        assert!(matches!(error, Error::InvalidUtf8 { .. }), "{error:?}");
        assert_eq!(error.to_string(), "body is not valid UTF-8");
        let source = std::error::Error::source(&error).expect("where");
        assert!(
            source.to_string().ends_with(&format!("from index {at}")),
            "{source}"
        );
    }
}

#[test]
fn json_that_is_not_an_object_says_what_it_is() {
    let error = error_for(&read_fixture("edge/invalid/array-body.json"));
    assert_eq!(
        error.to_string(),
        "body is not a JSON object: found an array"
    );
    for (body, found) in [
        (&b"\"order.created\""[..], "a string"),
        (b" 42", "a number"),
        (b"null", "null"),
        (b"true", "a boolean"),
    ] {
        match error_for(body) {
            Error::NotAnObject { found: f, .. } => assert_eq!(f, found),
            other => panic!("{other:?}"),
        }
    }
}

// --- Envelope field missing or of the wrong type --------------------------------------------

#[test]
fn missing_envelope_field_is_named() {
    let error = error_for(&read_fixture("edge/invalid/missing-event.json"));
    assert_eq!(error.to_string(), "envelope: missing field `event`");
    assert!(matches!(error, Error::InvalidEnvelope { .. }));
    for field in ["timestamp", "version", "data"] {
        let mut value: serde_json::Value =
            serde_json::from_slice(&read_fixture("cover.paused.json")).expect("json");
        value.as_object_mut().expect("object").remove(field);
        let error = error_for(&serde_json::to_vec(&value).expect("json"));
        assert_eq!(
            error.to_string(),
            format!("envelope: missing field `{field}`")
        );
    }
}

#[test]
fn wrong_envelope_type_names_the_path() {
    let error = error_for(&read_fixture("edge/invalid/timestamp-string.json"));
    assert_eq!(
        error.to_string(),
        r#"envelope: timestamp: invalid type: string "yesterday", expected i64"#
    );
    assert_eq!(error.path(), Some("timestamp"));

    let error = error_for(br#"{"timestamp":1,"version":"v1","event":7,"data":{}}"#);
    assert_eq!(error.path(), Some("event"), "{error}");
    let error = error_for(br#"{"timestamp":1.5,"version":"v1","event":"x","data":{}}"#);
    assert_eq!(
        error.to_string(),
        "envelope: timestamp: invalid type: floating point `1.5`, expected i64"
    );
    let error = error_for(br#"{"timestamp":1,"version":null,"event":"x","data":{}}"#);
    assert_eq!(error.path(), Some("version"), "{error}");
}

// --- data does not match the event's schema -------------------------------------------------

#[test]
fn wrong_type_deep_in_data_names_event_and_path() {
    let body = &read_fixture("edge/invalid/data-wrong-type.json");
    let error = error_for(body);
    assert_eq!(
        error.to_string(),
        r#"order.updated: data.items[1].paidAmount: invalid type: string "abc", expected a decimal"#
    );
    assert_eq!(error.event_name(), Some("order.updated"));
    assert_eq!(error.path(), Some("data.items[1].paidAmount"));
    // The raw data stays reachable for logging, byte for byte.
    let sent: serde_json::Value = serde_json::from_slice(body).expect("json");
    let kept: serde_json::Value =
        serde_json::from_str(error.raw_data().expect("raw data")).expect("json");
    assert_eq!(kept, sent["data"]);
    assert_eq!(
        error.message(),
        r#"invalid type: string "abc", expected a decimal"#
    );
}

#[test]
fn debug_of_an_error_never_prints_the_raw_data() {
    let body = read_fixture("edge/invalid/missing-required.json");
    let error = error_for(&body);
    let raw = error.raw_data().expect("raw data");
    assert!(
        raw.contains("110-***-***789"),
        "the fixture has an account number"
    );
    for debug in [format!("{error:?}"), format!("{error:#?}")] {
        for personal in [
            "110-***-***789",
            "617-81-12345",
            "jihoon.park@example.co.kr",
            "박지훈",
        ] {
            assert!(!debug.contains(personal), "{debug}");
        }
        assert!(debug.contains("InvalidData"), "{debug}");
        assert!(debug.contains("missing field `paymentId`"), "{debug}");
        assert!(
            debug.contains(&format!("<{} bytes, redacted>", raw.len())),
            "{debug}"
        );
    }
    match error {
        Error::InvalidData(invalid) => assert_eq!(
            (invalid.event_name(), invalid.timestamp(), invalid.version()),
            ("payment.completed", 1795479623, "v1")
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_required_field_is_named() {
    let error = error_for(&read_fixture("edge/invalid/missing-required.json"));
    assert_eq!(
        error.to_string(),
        "payment.completed: data: missing field `paymentId`"
    );
    assert_eq!(error.path(), Some("data"));
}

#[test]
fn bad_date_names_path_and_value() {
    let error = error_for(&read_fixture("edge/invalid/bad-date.json"));
    assert_eq!(
        error.to_string(),
        r#"subscription.created: data.nextPaymentDate: invalid date-time "2026-13-45T99:00:00": no such date"#
    );
}

#[test]
fn enum_of_the_wrong_json_type_is_an_error() {
    let error = error_for(&read_fixture("edge/invalid/bad-enum-type.json"));
    assert_eq!(
        error.to_string(),
        "order.created: data.type: invalid type: integer `3`, expected OrderType as a string"
    );
}

#[test]
fn data_that_is_not_an_object() {
    let error = error_for(body("customer.created", "[]").as_bytes());
    assert_eq!(
        error.to_string(),
        "customer.created: data: invalid type: an array, expected a JSON object (Customer)"
    );
    let error = error_for(body("invoice.created", "null").as_bytes());
    assert_eq!(error.path(), Some("data"));
}

#[test]
fn amounts_are_never_rounded_or_overflowed() {
    let cases = [
        (
            "1e40",
            "invalid value: number 1e40, expected a decimal within ±79228162514264337593543950335",
        ),
        (
            "123456789012345678901234567890",
            "invalid value: number 123456789012345678901234567890, expected a decimal within ±79228162514264337593543950335",
        ),
        // 32 fractional digits would be silently rounded by the decimal type: rejected instead.
        (
            "0.12345678901234567890123456789012",
            "invalid value: number 0.12345678901234567890123456789012, expected a decimal of at most 28 fractional digits (this one would be rounded)",
        ),
        // Whatever the notation.
        (
            "0.12345678901234567890123456789e0",
            "invalid value: number 0.12345678901234567890123456789e0, expected a decimal of at most 28 fractional digits (this one would be rounded)",
        ),
        ("true", "invalid type: boolean `true`, expected a decimal"),
        ("{}", "invalid type: map, expected a decimal"),
    ];
    for (amount, message) in cases {
        let error =
            error_for(body("invoice.created", &format!(r#"{{"discount":{amount}}}"#)).as_bytes());
        assert_eq!(
            error.to_string(),
            format!("invoice.created: data.discount: {message}")
        );
    }
}

#[test]
fn unknown_event_data_that_a_json_value_cannot_hold_is_kept_as_sent() {
    let webhook =
        parse_webhook(body("subscription.renewal_reminded", r#"{"amount":1e400}"#).as_bytes())
            .expect("kept raw");
    let steppay_webhook::Event::Unknown { data, .. } = webhook.event else {
        panic!("expected an unknown event");
    };
    assert_eq!(data.get(), r#"{"amount":1e400}"#);
    // Only the conversion to a `Value` fails, and says why.
    let error = data.to_value().expect_err("1e400 is beyond f64");
    assert!(error.to_string().contains("number out of range"), "{error}");
}

#[test]
fn integer_overflow_is_an_error() {
    let error = error_for(
        body(
            "cover.paused",
            r#"{"id":9223372036854775808,"customerId":"1","orderId":"2","subscriptionId":"3"}"#,
        )
        .as_bytes(),
    );
    assert_eq!(error.path(), Some("data.id"), "{error}");
    let error = error_for(
        body(
            "subscription.created",
            r#"{"subscriptionId":1,"status":"ACTIVE","intervalCount":3000000000}"#,
        )
        .as_bytes(),
    );
    assert_eq!(error.path(), Some("data.intervalCount"), "{error}");
}

#[test]
fn deep_paths_in_nested_lists() {
    let data = r#"{"code":"p","prices":[{"priceCode":"a","price":1,"membershipExpirationDate":1,"basicServing":0,"onetimeBundlePrice":0,
        "additionalBilling":{"id":1,"type":"USAGE_BASED_WITH_RANGE","ranges":[{"price":1},{"price":"x"}]}}]}"#;
    let error = error_for(body("product.updated", data).as_bytes());
    assert_eq!(
        error.path(),
        Some("data.prices[0].additionalBilling.ranges[1].price"),
        "{error}"
    );
}

#[test]
fn every_invalid_fixture_is_rejected() {
    let files = crate::support::json_files("edge/invalid");
    assert_eq!(files.len(), 7);
    for (name, body) in files {
        assert!(parse_webhook(&body).is_err(), "{name} parsed");
    }
}

// --- Never a panic ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse_webhook(&body);
    }

    /// Corrupting one byte of a real body either still parses or gives an error whose
    /// message is not empty: never a panic.
    #[test]
    fn corrupted_fixtures_never_panic(index in 0usize..27, position in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let fixtures = crate::support::event_fixtures();
        let mut body = fixtures[index].1.clone();
        let at = position.index(body.len());
        body[at] = byte;
        if let Err(error) = parse_webhook(&body) {
            prop_assert!(!error.to_string().is_empty());
        }
    }

    /// Any JSON value in place of a data field gives a value or a path-naming error.
    #[test]
    fn arbitrary_values_in_fields_name_the_field(field in "(paidAmount|createdAt|type|items|shipping|id|code)", value in "(null|true|-1|1\\.5|\"x\"|\\[\\]|\\{\\}|\\[1\\])") {
        let mut data: serde_json::Value = serde_json::from_slice(&read_fixture("order.created.json")).expect("json");
        data["data"][&field] = serde_json::from_str(&value).expect("json");
        if let Err(error) = parse_webhook(&serde_json::to_vec(&data).expect("json")) {
            let path = error.path().unwrap_or_default().to_owned();
            prop_assert!(path.starts_with(&format!("data.{field}")), "{} -> {}", value, error);
        }
    }
}
