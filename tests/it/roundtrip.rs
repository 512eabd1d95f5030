//! Parse, serialize, compare with the input JSON, parse again: for every fixture.

use rust_decimal::Decimal;
use serde_json::{Map, Value};
use steppay_webhook::parse_webhook;

/// Compares `output` (what the crate serialized) with `input` (the fixture) and returns the
/// differences as JSON paths. Equivalences, all deliberate choices of the crate:
/// - `null` and an absent key are equal;
/// - an absent/`null` list or map equals an empty one (they read as empty);
/// - numbers compare by exact decimal value (`10000` = `10000.0`);
/// - a numeric identifier equals its decimal text (`12345` = `"12345"`).
///
/// When `ignore_dropped` is set, keys present in the input but not in the output are
/// skipped (unknown fields, which the crate ignores by design).
fn differences(
    input: &Value,
    output: &Value,
    path: &str,
    ignore_dropped: bool,
    out: &mut Vec<String>,
) {
    match (input, output) {
        (Value::Object(a), Value::Object(b)) => {
            let empty = Value::Null;
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                if ignore_dropped && !b.contains_key(key) {
                    continue;
                }
                let left = a.get(key).unwrap_or(&empty);
                let right = b.get(key).unwrap_or(&empty);
                differences(left, right, &format!("{path}.{key}"), ignore_dropped, out);
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (left, right)) in a.iter().zip(b).enumerate() {
                differences(left, right, &format!("{path}[{i}]"), ignore_dropped, out);
            }
        }
        (Value::Null, Value::Array(b)) | (Value::Array(b), Value::Null) if b.is_empty() => {}
        (Value::Null, Value::Object(b)) | (Value::Object(b), Value::Null) if b.is_empty() => {}
        (Value::Number(a), Value::Number(b)) => {
            if decimal(a) != decimal(b) {
                out.push(format!("{path}: {a} != {b}"));
            }
        }
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n))
            if n.is_i64() || n.is_u64() =>
        {
            if n.to_string() != *s {
                out.push(format!("{path}: {n} != {s:?}"));
            }
        }
        (left, right) => {
            if left != right {
                out.push(format!("{path}: {left} != {right}"));
            }
        }
    }
}

fn decimal(n: &serde_json::Number) -> Decimal {
    let text = n.to_string();
    text.parse()
        .or_else(|_| Decimal::from_scientific(&text))
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn round_trip(name: &str, body: &[u8], ignore_dropped: bool) -> Value {
    let webhook = parse_webhook(body).unwrap_or_else(|e| panic!("{name}: {e}"));
    let input: Value = serde_json::from_slice(body).expect("fixture is JSON");
    let output = serde_json::to_value(&webhook).expect("serializes");

    let mut diffs = Vec::new();
    differences(&input, &output, "", ignore_dropped, &mut diffs);
    assert!(
        diffs.is_empty(),
        "{name}: serialized form differs from the input:\n{}",
        diffs.join("\n")
    );

    let bytes = serde_json::to_vec(&webhook).expect("serializes");
    let again = parse_webhook(&bytes).unwrap_or_else(|e| panic!("{name}: re-parse: {e}"));
    assert_eq!(again, webhook, "{name}: parse(serialize(x)) != x");
    output
}

#[test]
fn every_fixture_round_trips() {
    let fixtures = crate::support::all_valid_fixtures();
    assert!(
        fixtures.len() >= 27 + 9 + 8,
        "fixtures missing: {}",
        fixtures.len()
    );
    let mut checked = 0;
    for (name, body) in &fixtures {
        if name == "edge/extra-fields.json" {
            continue; // unknown fields are dropped by design: see the next test
        }
        round_trip(name, body, false);
        checked += 1;
    }
    assert_eq!(checked, fixtures.len() - 1);
}

#[test]
fn unknown_fields_are_dropped_and_the_rest_round_trips() {
    let body = include_bytes!("../fixtures/edge/extra-fields.json");
    let output = round_trip("extra-fields", body, true);
    let input: Value = serde_json::from_slice(body).expect("fixture is JSON");
    // The envelope's unknown keys are gone, the known ones are all there.
    let keys: Vec<&String> = output.as_object().map(Map::keys).expect("object").collect();
    assert_eq!(keys, ["data", "event", "timestamp", "version"]);
    assert!(
        input.get("deliveryId").is_some(),
        "the fixture should carry an unknown key"
    );
    // Every known field of data survived.
    let data = input["data"].as_object().expect("data object");
    for key in ["id", "code", "paidAmount", "items", "shipping"] {
        assert!(data.contains_key(key));
        assert!(output["data"].get(key).is_some(), "{key} lost");
    }
}

#[test]
fn exact_wire_forms_survive_serialization() {
    let body = include_bytes!("../fixtures/edge/odd-forms.json");
    let text = serde_json::to_string(&parse_webhook(body).expect("parses")).expect("serializes");
    // Decimal scale and date-time precision and offsets are written back as they came.
    assert!(text.contains(r#""paidAmount":10000.0"#), "{text}");
    assert!(text.contains(r#""canceledAmount":0.0"#), "{text}");
    assert!(
        text.contains(r#""paidAt":"2026-11-12T06:00:00Z""#),
        "{text}"
    );
    assert!(
        text.contains(r#""lastCanceledDate":"2026-11-12T15:00:00.123456789+09:00""#),
        "{text}"
    );
    // Numeric identifiers come back as the strings they are typed as.
    assert!(text.contains(r#""orderId":"12345""#), "{text}");
}

#[test]
fn unknown_enum_values_are_written_back_unchanged() {
    let body = include_bytes!("../fixtures/edge/unknown-enum-values.json");
    let output = round_trip("unknown-enum-values", body, false);
    assert_eq!(output["data"]["status"], "REFUND_PENDING");
    assert_eq!(output["data"]["paymentGateway"], "KAKAOPAY_V2");
    assert_eq!(output["data"]["paymentMethod"], "POINT");
}

#[test]
fn the_comparison_itself_catches_differences() {
    // Guard against a comparator that accepts everything.
    let cases = [
        (r#"{"a":1}"#, r#"{"a":2}"#),
        (r#"{"a":"x"}"#, r#"{"a":"y"}"#),
        (r#"{"a":[1]}"#, r#"{"a":[]}"#),
        (r#"{"a":12.5}"#, r#"{"a":12.50001}"#),
        (r#"{"a":12345}"#, r#"{"a":"12346"}"#),
        (r#"{"a":null}"#, r#"{"a":0}"#),
        (r#"{}"#, r#"{"b":"new"}"#),
    ];
    for (left, right) in cases {
        let mut diffs = Vec::new();
        let left: Value = serde_json::from_str(left).expect("json");
        let right: Value = serde_json::from_str(right).expect("json");
        differences(&left, &right, "", false, &mut diffs);
        assert_eq!(diffs.len(), 1, "{left} vs {right}: {diffs:?}");
    }
}
