//! What a merchant does with the public API in their own code and tests: build values,
//! serialize them, sign them, and feed them back through the crate.

use serde_json::json;
use steppay_webhook::{
    dispatch, parse_webhook, sign, Cover, CoverMessageType, DateTime, Decimal, Event, EventType,
    Order, OrderType, Webhook, WebhookHandler, WebhookMeta, WebhookVerifier,
};

#[test]
fn schemas_deserialize_from_a_json_value_exactly() {
    // Users build test data with serde_json::json!; amounts stay exact through a Value too.
    let order: Order = serde_json::from_value(json!({
        "id": 348215, "code": "20261119-00000123", "type": "RECURRING_INITIAL",
        "paidAmount": 12.5, "returnedAmount": 0, "leftAmount": 10000.0, "discountedAmount": 0,
        "productName": "프리미엄 원두 정기배송", "items": null,
        "createdAt": "2026-11-19T01:12:31.50896"
    }))
    .expect("an order");
    assert_eq!(order.r#type, OrderType::RecurringInitial);
    assert_eq!(order.paid_amount.to_string(), "12.5");
    assert_eq!(order.left_amount.to_string(), "10000.0");
    assert!(order.items.is_empty());
    assert_eq!(
        order.created_at.map(|at| at.to_string()).as_deref(),
        Some("2026-11-19T01:12:31.50896")
    );
}

#[test]
fn a_webhook_built_by_hand_serializes_signs_verifies_and_parses_back() {
    let cover = Cover {
        id: 530117,
        customer_id: "203371".into(),
        order_id: "355642".into(),
        subscription_id: "109842".into(),
        next_retry_datetime: Some(
            "2026-11-30T10:00:00"
                .parse::<DateTime>()
                .expect("date-time"),
        ),
        message_type: Some(CoverMessageType::Remind),
        message_sent_step: Some(2),
    };
    let webhook = Webhook {
        timestamp: 1795836611,
        version: "v1".into(),
        event: Event::CoverSentMessage(Box::new(cover)),
        is_test: None,
    };
    let body = serde_json::to_vec(&webhook).expect("serializes");
    let expected = json!({
        "timestamp": 1795836611, "version": "v1", "event": "cover.sent_message",
        "data": {"id": 530117, "customerId": "203371", "orderId": "355642", "subscriptionId": "109842",
                 "nextRetryDatetime": "2026-11-30T10:00:00", "messageType": "REMIND", "messageSentStep": 2}
    });
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&body).expect("json"),
        expected
    );

    let header = sign("whsec_test", webhook.timestamp, &body);
    WebhookVerifier::new("whsec_test")
        .verify_at(&header, &body, webhook.timestamp + 1)
        .expect("verifies");
    let verified = parse_webhook(&body).expect("parses");
    assert_eq!(verified, webhook);
    assert_eq!(verified.event_type(), Some(EventType::CoverSentMessage));
}

#[test]
fn handler_methods_can_be_called_directly_with_hand_made_metadata() {
    struct Count(std::cell::Cell<i64>);
    impl WebhookHandler for Count {
        type Error = String;
        fn on_cover_paused(&self, meta: WebhookMeta<'_>, cover: &Cover) -> Result<(), String> {
            self.0.set(meta.timestamp + cover.id);
            Ok(())
        }
    }
    let handler = Count(std::cell::Cell::new(0));
    let cover: Cover = serde_json::from_value(
        json!({"id": 5, "customerId": 1, "orderId": 2, "subscriptionId": 3}),
    )
    .expect("a cover");
    assert_eq!(cover.customer_id, "1");
    handler
        .on_cover_paused(WebhookMeta::new(100, "v1", "cover.paused"), &cover)
        .expect("handled");
    assert_eq!(handler.0.get(), 105);

    // The same through dispatch.
    let webhook = Webhook {
        timestamp: 200,
        version: "v1".into(),
        event: Event::CoverPaused(Box::new(cover)),
        is_test: None,
    };
    dispatch(&webhook, &handler).expect("handled");
    assert_eq!(handler.0.get(), 205);
}

#[test]
fn decimal_is_the_crates_money_type() {
    let body =
        br#"{"timestamp":1,"version":"v1","event":"invoice.updated","data":{"discount":11000.0}}"#;
    let Event::InvoiceUpdated(invoice) = parse_webhook(body).expect("parses").event else {
        panic!("wrong variant")
    };
    assert_eq!(invoice.discount, Some(Decimal::new(110000, 1)));
    assert_eq!(invoice.discount.map(|d| d.scale()), Some(1));
}
