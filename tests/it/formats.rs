//! Parsed webhooks stored in other serde formats and read back (issue #11): every fixture's
//! `Webhook` through CBOR (ciborium), MessagePack with field names (rmp-serde), JSON text and
//! `serde_json::Value`, and each schema type on its own. Amounts and date-times must come
//! back with the text they were sent with, not only an equal value.

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;
use steppay_webhook::{parse_webhook, Event, Webhook};

use crate::support::all_valid_fixtures;

fn to_cbor<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).expect("writes CBOR");
    bytes
}

fn from_cbor<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    ciborium::from_reader(bytes).map_err(|e| e.to_string())
}

/// The JSON text of a value: what tells `10000.0` from `10000` (the types' `==` does not).
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("serializes")
}

/// Every valid fixture, parsed.
fn webhooks() -> Vec<(String, Webhook)> {
    let fixtures = all_valid_fixtures();
    assert!(fixtures.len() > 40, "{}", fixtures.len());
    fixtures
        .into_iter()
        .map(|(name, body)| {
            let webhook = parse_webhook(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, webhook)
        })
        .collect()
}

#[test]
fn every_webhook_round_trips_through_cbor() {
    for (name, webhook) in webhooks() {
        let back: Webhook = from_cbor(&to_cbor(&webhook)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back, webhook, "{name}");
        assert_eq!(json(&back), json(&webhook), "{name}");
    }
}

#[test]
fn every_webhook_round_trips_through_message_pack() {
    for (name, webhook) in webhooks() {
        let bytes = rmp_serde::to_vec_named(&webhook).expect("writes MessagePack");
        let back: Webhook = rmp_serde::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back, webhook, "{name}");
        assert_eq!(json(&back), json(&webhook), "{name}");
    }
}

#[test]
fn every_webhook_round_trips_through_json_text_and_value() {
    for (name, webhook) in webhooks() {
        let text = json(&webhook);
        let back: Webhook = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back, webhook, "{name}");
        assert_eq!(json(&back), text, "{name}");
        // What `Deserialize` reads, `parse_webhook` reads the same.
        assert_eq!(parse_webhook(text.as_bytes()).unwrap(), webhook, "{name}");

        // A `Value` holds numbers as f64 (without serde_json's arbitrary_precision): equal
        // values, the scale of an amount may differ (`1.0000000000` comes back as `1.0`).
        let value = serde_json::to_value(&webhook).expect("to Value");
        let back: Webhook = serde_json::from_value(value).unwrap_or_else(|e| panic!("{name}: {e}"));
        match (&back.event, &webhook.event) {
            // Unknown data is kept as text; a `Value` has no layout and sorts keys, so the
            // text differs: the JSON it holds does not.
            (
                Event::Unknown { event_name, data },
                Event::Unknown {
                    event_name: sent_name,
                    data: sent,
                },
            ) => {
                assert_eq!(event_name, sent_name, "{name}");
                let parsed = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
                assert_eq!(parsed(data.get()), parsed(sent.get()), "{name}");
                assert_eq!(
                    (back.timestamp, &back.version, back.is_test),
                    (webhook.timestamp, &webhook.version, webhook.is_test),
                    "{name}"
                );
            }
            _ => assert_eq!(back, webhook, "{name}"),
        }
    }
}

#[test]
fn json_deserialize_reads_data_before_event() {
    let webhook = webhooks()
        .into_iter()
        .find(|(name, _)| name == "order.updated.json")
        .expect("order.updated")
        .1;
    let mut value: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&json(&webhook)).unwrap();
    let data = value.remove("data").unwrap();
    // `Map` keeps keys sorted: `data` comes first in the text below.
    let text = format!(
        r#"{{"data":{},"event":"order.updated","timestamp":{},"version":"v1"}}"#,
        serde_json::to_string(&data).unwrap(),
        webhook.timestamp
    );
    assert!(text.starts_with(r#"{"data":"#));
    let back: Webhook = serde_json::from_str(&text).unwrap();
    assert_eq!(back, webhook);
}

/// `value` through CBOR and MessagePack alone (not inside a `Webhook`), unchanged.
fn each_format<T: Serialize + DeserializeOwned + PartialEq + Debug>(name: &str, value: &T) {
    let back: T = from_cbor(&to_cbor(value)).unwrap_or_else(|e| panic!("{name} CBOR: {e}"));
    assert_eq!(&back, value, "{name}");
    assert_eq!(json(&back), json(value), "{name}");
    let bytes = rmp_serde::to_vec_named(value).expect("writes MessagePack");
    let back: T =
        rmp_serde::from_slice(&bytes).unwrap_or_else(|e| panic!("{name} MessagePack: {e}"));
    assert_eq!(&back, value, "{name}");
    assert_eq!(json(&back), json(value), "{name}");
}

#[test]
fn every_schema_type_round_trips_on_its_own() {
    let mut seen = std::collections::BTreeSet::new();
    for (name, webhook) in webhooks() {
        let schema = match &webhook.event {
            Event::OrderCreated(data)
            | Event::OrderUpdated(data)
            | Event::OrderPaymentCompleted(data) => {
                each_format(&name, data.as_ref());
                for item in &data.items {
                    each_format(&name, item);
                }
                "Order"
            }
            Event::SubscriptionCreated(data)
            | Event::SubscriptionUpdated(data)
            | Event::SubscriptionPaymentDueNotification(data) => {
                each_format(&name, data.as_ref());
                "Subscription"
            }
            Event::SubscriptionUsageAdded(data) => {
                each_format(&name, data.as_ref());
                "Usage"
            }
            Event::InvoiceCreated(data)
            | Event::InvoiceUpdated(data)
            | Event::InvoiceDeleted(data) => {
                each_format(&name, data.as_ref());
                "Invoice"
            }
            Event::PaymentCompleted(data)
            | Event::PaymentFailed(data)
            | Event::PaymentCanceled(data)
            | Event::PaymentStandby(data) => {
                each_format(&name, data.as_ref());
                "Payment"
            }
            Event::CustomerCreated(data)
            | Event::CustomerUpdated(data)
            | Event::CustomerDeleted(data) => {
                each_format(&name, data.as_ref());
                "Customer"
            }
            Event::ProductCreated(data)
            | Event::ProductUpdated(data)
            | Event::ProductDeleted(data) => {
                each_format(&name, data.as_ref());
                "Product"
            }
            Event::ProductPriceCreated(data)
            | Event::ProductPriceUpdated(data)
            | Event::ProductPriceDeleted(data) => {
                each_format(&name, data.as_ref());
                "Price"
            }
            Event::CoverSentMessage(data)
            | Event::CoverDelayedMessage(data)
            | Event::CoverChangedPaymentDate(data)
            | Event::CoverPaused(data) => {
                each_format(&name, data.as_ref());
                "Cover"
            }
            Event::Unknown { data, .. } => {
                let back: steppay_webhook::RawJson =
                    from_cbor(&to_cbor(data)).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(back.get(), data.get(), "{name}");
                "unknown"
            }
            other => panic!("{name}: an event type this test does not list: {other:?}"),
        };
        seen.insert(schema);
    }
    assert_eq!(seen.len(), 10, "every schema and unknown data: {seen:?}");
}

#[test]
fn amounts_are_exact_in_binary_formats_and_never_floats() {
    let body = br#"{"timestamp":1795046400,"version":"v1","event":"order.updated","data":{
        "id":1,"code":"A","type":"ONE_TIME","paidAmount":0.1000000000000000000000000001,
        "returnedAmount":1e-28,"leftAmount":10000.000,"exchangeRate":1.0000000000}}"#;
    let webhook = parse_webhook(body).unwrap();
    let Event::OrderUpdated(order) = &webhook.event else {
        panic!("{webhook:?}")
    };
    // CBOR carries each amount as its decimal text.
    let value: ciborium::Value = ciborium::from_reader(to_cbor(order.as_ref()).as_slice()).unwrap();
    let field = |key: &str| {
        value
            .as_map()
            .unwrap()
            .iter()
            .find(|(k, _)| k.as_text() == Some(key))
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(
        field("paidAmount").as_text(),
        Some("0.1000000000000000000000000001")
    );
    assert_eq!(field("leftAmount").as_text(), Some("10000.000"));
    let back: steppay_webhook::Order = from_cbor(&to_cbor(order.as_ref())).unwrap();
    assert_eq!(back.exchange_rate.unwrap().to_string(), "1.0000000000");

    // A float where an amount belongs is refused, even a whole one; an integer is exact.
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Amounts<T> {
        id: i64,
        code: &'static str,
        r#type: &'static str,
        paid_amount: T,
        returned_amount: u32,
        left_amount: i64,
    }
    fn amounts<T>(paid_amount: T) -> Amounts<T> {
        Amounts {
            id: 1,
            code: "A",
            r#type: "ONE_TIME",
            paid_amount,
            returned_amount: 0,
            left_amount: -5,
        }
    }
    let error = from_cbor::<steppay_webhook::Order>(&to_cbor(&amounts(0.1))).unwrap_err();
    assert!(error.contains("a float would be rounded"), "{error}");
    let bytes = rmp_serde::to_vec_named(&amounts(29000.0)).unwrap();
    let error = rmp_serde::from_slice::<steppay_webhook::Order>(&bytes).unwrap_err();
    assert!(
        error.to_string().contains("a float would be rounded"),
        "{error}"
    );
    let order: steppay_webhook::Order = from_cbor(&to_cbor(&amounts(29000_u64))).unwrap();
    assert_eq!(order.paid_amount.to_string(), "29000");
    assert_eq!(order.left_amount.to_string(), "-5");
}
