//! Parse, serialize, compare with the input JSON, parse again: for every fixture. Then
//! StepPay's API spellings (read, and written back in the webhook page's spelling) and
//! decimals of every scale StepPay writes.

use rust_decimal::Decimal;
use serde_json::{Map, Value};
use steppay_webhook::{parse_webhook, Event};

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

// ---------------------------------------------------------------------------------------
// StepPay's API spelling: read, and written back in the webhook page's spelling
// ---------------------------------------------------------------------------------------

/// A body of `event` around `data`.
fn body(event: &str, data: &str) -> Vec<u8> {
    format!(r#"{{"timestamp":1795046400,"version":"v1","event":"{event}","data":{data}}}"#)
        .into_bytes()
}

/// Parses `data` as `event`, serializes, and returns the serialized `data` after checking
/// that it parses back to the same value.
fn written_data(event: &str, data: &str) -> Value {
    let webhook = parse_webhook(&body(event, data)).unwrap_or_else(|e| panic!("{event}: {e}"));
    let bytes = serde_json::to_vec(&webhook).expect("serializes");
    let again = parse_webhook(&bytes).unwrap_or_else(|e| panic!("{event}: re-parse: {e}"));
    assert_eq!(again, webhook, "{event}: parse(serialize(x)) != x");
    let json: Value = serde_json::from_slice(&bytes).expect("JSON");
    json["data"].clone()
}

#[test]
fn api_spellings_are_written_in_the_webhook_page_spelling() {
    // Price: `code`, `enabledFirstSalePrice`, `recurring: {interval, intervalCount, ...}`.
    let price = written_data(
        "product.price.created",
        r#"{"id":12652,"code":"price_5uykUL11C","price":8900,"enabledFirstSalePrice":true,
            "recurring":{"id":17373,"intervalCount":1,"aggregateUsageType":"SUM","interval":"MONTH","usageType":"LICENSED"}}"#,
    );
    assert_eq!(price["priceCode"], "price_5uykUL11C");
    assert_eq!(price["id"], 12652);
    assert_eq!(price["firstSaleEnabled"], true);
    assert_eq!(price["recurring"]["unit"], "MONTH");
    assert_eq!(price["recurring"]["count"], 1);
    assert_eq!(price["recurring"]["id"], 17373);
    assert_eq!(price["recurring"]["aggregateUsageType"], "SUM");
    assert_eq!(price["recurring"]["usageType"], "LICENSED");
    for api_name in ["code", "enabledFirstSalePrice"] {
        assert!(price.get(api_name).is_none(), "{api_name} written");
    }
    for api_name in ["interval", "intervalCount"] {
        assert!(
            price["recurring"].get(api_name).is_none(),
            "{api_name} written"
        );
    }

    // Payment: `vbank`.
    let payment = written_data(
        "payment.standby",
        r#"{"paymentId":782011,"idKey":"1796020455718d4Kt6Wc1OlRz8UbX","status":"VIRTUAL_BANK_STANDBY",
            "vbank":{"bankCode":"004","bankName":"KB국민은행","accountNumber":"56210204718832",
            "accountName":"(주)스텝커피아카데미","bankDate":"2026-11-28T23:59:59"}}"#,
    );
    assert_eq!(payment["vBank"]["accountNumber"], "56210204718832");
    assert_eq!(payment["vBank"]["bankDate"], "2026-11-28T23:59:59");
    assert!(payment.get("vbank").is_none());

    // Order: `orderId` / `orderCode`; OrderItem: `ordered*`.
    let order = written_data(
        "order.created",
        r#"{"orderId":183682,"orderCode":"order_15XqwcM1f","type":"ONE_TIME","paidAmount":0,
            "returnedAmount":0,"leftAmount":0,"items":[{"id":208679,"code":"order_item_ve2dE7xEm",
            "status":"CREATED","paidAmount":0,"orderedProductType":"SOFTWARE",
            "orderedProductName":"[API]TEST_PRODUCT","orderedPlanName":"[API]BASIC_PLAN"}]}"#,
    );
    assert_eq!(
        (order["id"].as_i64(), order["code"].as_str()),
        (Some(183682), Some("order_15XqwcM1f"))
    );
    let item = &order["items"][0];
    assert_eq!(item["productType"], "SOFTWARE");
    assert_eq!(item["productName"], "[API]TEST_PRODUCT");
    assert_eq!(item["planName"], "[API]BASIC_PLAN");
    for api_name in ["orderId", "orderCode"] {
        assert!(order.get(api_name).is_none(), "{api_name} written");
    }
    for api_name in [
        "orderedProductType",
        "orderedProductName",
        "orderedPlanName",
    ] {
        assert!(item.get(api_name).is_none(), "{api_name} written");
    }

    // SubscriptionItem: `id`.
    let subscription = written_data(
        "subscription.updated",
        r#"{"subscriptionId":109842,"status":"ACTIVE","items":[{"id":221734,"price":59000}]}"#,
    );
    assert_eq!(subscription["items"][0]["subscriptionItemId"], 221734);
    assert!(subscription["items"][0].get("id").is_none());
}

#[test]
fn both_spellings_of_one_field_in_one_body_is_an_error_naming_it() {
    // StepPay does not send this; serde rejects it rather than pick one silently.
    let cases = [
        (
            "product.price.updated",
            r#"{"priceCode":"price_A","code":"price_B","price":1}"#,
            "product.price.updated: data: duplicate field `priceCode`",
        ),
        (
            "payment.standby",
            r#"{"paymentId":1,"idKey":"k","status":"STANDBY","vBank":null,"vbank":null}"#,
            "payment.standby: data: duplicate field `vBank`",
        ),
        (
            "subscription.updated",
            r#"{"subscriptionId":1,"status":"ACTIVE","items":[{"subscriptionItemId":1,"id":1}]}"#,
            "subscription.updated: data.items[0]: duplicate field `subscriptionItemId`",
        ),
    ];
    for (event, data, message) in cases {
        let error = parse_webhook(&body(event, data)).expect_err(data);
        assert_eq!(error.to_string(), message);
    }
}

#[test]
fn order_id_and_order_id_must_agree_when_both_come() {
    let order = |data: &str| parse_webhook(&body("order.updated", data));
    let amounts = r#""type":"ONE_TIME","paidAmount":0,"returnedAmount":0,"leftAmount":0"#;

    // Both names, same value (StepPay's order-detail response): fine.
    let same = order(&format!(
        r#"{{"id":1,"orderId":1,"code":"order_A","orderCode":"order_A",{amounts}}}"#
    ));
    assert!(same.is_ok(), "{same:?}");

    let error = order(&format!(
        r#"{{"id":1,"orderId":2,"code":"order_A",{amounts}}}"#
    ))
    .expect_err("disagreeing ids");
    assert_eq!(
        error.to_string(),
        "order.updated: data: `id` (1) and `orderId` (2) disagree"
    );
    let error = order(&format!(
        r#"{{"id":1,"code":"order_A","orderCode":"order_B",{amounts}}}"#
    ))
    .expect_err("disagreeing codes");
    assert_eq!(
        error.to_string(),
        "order.updated: data: `code` (order_A) and `orderCode` (order_B) disagree"
    );

    // Neither name: the required field is missing, named as serde names it.
    let error = order(&format!(r#"{{"code":"order_A",{amounts}}}"#)).expect_err("no id");
    assert_eq!(error.to_string(), "order.updated: data: missing field `id`");
    let error = order(&format!(r#"{{"orderId":1,{amounts}}}"#)).expect_err("no code");
    assert_eq!(
        error.to_string(),
        "order.updated: data: missing field `code`"
    );
    // `null` for a required field is an error at the field, as everywhere.
    let error =
        order(&format!(r#"{{"id":null,"code":"order_A",{amounts}}}"#)).expect_err("null id");
    assert_eq!(error.path(), Some("data.id"), "{error}");
}

// ---------------------------------------------------------------------------------------
// Decimals of any scale
// ---------------------------------------------------------------------------------------

#[test]
fn every_decimal_scale_is_written_back_as_sent() {
    // The scales in StepPay's API examples, in the fields that carry them there.
    for amount in [
        "10000.000",
        "0.00",
        "0.0000",
        "20000.0000",
        "1.0000000000",
        "10000",
        "10000.0",
        "-3000",
        "8.5",
    ] {
        let data = format!(
            r#"{{"id":1,"code":"order_A","type":"ONE_TIME","paidAmount":{amount},"returnedAmount":{amount},
                "leftAmount":{amount},"discountedAmount":{amount},"exchangeRate":{amount}}}"#
        );
        let webhook = parse_webhook(&body("order.updated", &data)).expect(amount);
        let Event::OrderUpdated(order) = &webhook.event else {
            panic!("not an order");
        };
        assert_eq!(order.paid_amount.to_string(), amount);
        assert_eq!(
            order.exchange_rate.map(|r| r.to_string()).as_deref(),
            Some(amount)
        );
        let text = serde_json::to_string(&webhook).expect("serializes");
        for field in [
            "paidAmount",
            "returnedAmount",
            "leftAmount",
            "discountedAmount",
            "exchangeRate",
        ] {
            assert!(
                text.contains(&format!(r#""{field}":{amount},"#))
                    || text.contains(&format!(r#""{field}":{amount}}}"#)),
                "{field} {amount}: {text}"
            );
        }
    }
}
