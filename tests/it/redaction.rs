//! Personal data (e-mail, phone, postcode and address lines, account, registration and card
//! numbers, merchant-defined attributes) never reaches `Debug` or an error message; names stay.

use steppay_webhook::{parse_webhook, Event, Webhook};

use crate::support::fixture;

fn parse(body: &[u8]) -> Webhook {
    parse_webhook(body).expect("parses")
}

/// `Debug` (plain and pretty) of a fixture event holds none of `hidden`; the plain one holds all
/// of `shown`.
fn assert_debug(event: &str, hidden: &[&str], shown: &[&str]) {
    let webhook = parse(&fixture(event));
    let plain = format!("{webhook:?}");
    for debug in [&plain, &format!("{webhook:#?}")] {
        for value in hidden {
            assert!(!debug.contains(value), "{event}: {value} in {debug}");
        }
        assert!(debug.contains("<redacted>"), "{event}");
    }
    for value in shown {
        assert!(
            plain.contains(value),
            "{event}: {value} missing from {plain}"
        );
    }
}

#[test]
fn customer_debug_masks_contact_details_attributes_and_recipients() {
    assert_debug(
        "customer.created",
        &[
            "seoyeon.kim@example.co.kr",
            "seoyeon.kim\"",
            "010-2345-6789",
            "04524",
            "세종대로 110",
            "별관 2층",
            "인스타그램 광고",
            "\"VIP\"",
            "finance@seoyeon-studio.kr",
            "seoyeon.assistant@example.com",
        ],
        // Names, the customer's code, the attribute keys and the coarse address stay.
        &[
            "김서연",
            "customer_Wn4Hb7QpZs",
            "memberGrade",
            "referrer",
            "서울특별시",
            "중구",
            "KR",
            "additional_recipients: [<redacted>, <redacted>]",
        ],
    );
}

#[test]
fn payment_debug_masks_the_payer_account_and_cms_numbers() {
    assert_debug(
        "payment.standby",
        &["seojun.yoon@example.com", "010-8901-2345", "56210204718832"],
        &[
            "윤서준",
            "KB국민은행",
            "(주)스텝커피아카데미",
            "account_number: Some(<redacted>)",
        ],
    );
    assert_debug(
        "payment.completed",
        &["617-81-12345", "880315-1******", "110-***-***789"],
        &["박지훈", "주식회사 해운대랩스", "WithdrawSuccess"],
    );
}

#[test]
fn order_debug_masks_the_shipping_address() {
    assert_debug(
        "order.created",
        &["010-1234-5678", "06236", "테헤란로 123", "\"4층\""],
        &["홍길동", "강남구"],
    );
}

#[test]
fn subscription_debug_masks_the_card_details() {
    assert_debug(
        "subscription.created",
        &["4518-42**-****-123*"],
        &["payment_info: Some(<redacted>)"],
    );
}

#[test]
fn unknown_data_is_never_in_debug() {
    let body = br#"{"timestamp":1795046400,"version":"v1","event":"customer.merged",
        "data":{"email":"jimin.lee@example.kr","phone":"010-5555-0101"}}"#;
    let webhook = parse(body);
    let debug = format!("{webhook:?}");
    assert!(!debug.contains("jimin.lee"), "{debug}");
    assert!(!debug.contains("010-5555-0101"), "{debug}");
    let Event::Unknown { data, .. } = &webhook.event else {
        panic!("unknown")
    };
    assert!(
        debug.contains(&format!("<{} bytes, redacted>", data.get().len())),
        "{debug}"
    );
    assert!(data.get().contains("jimin.lee@example.kr"));
}

/// A wrong-typed personal field: the error names the field and the JSON type, never the value
/// (the value stays reachable through `raw_data`).
#[test]
fn errors_about_personal_fields_never_quote_the_value() {
    let cases = [
        (
            "customer.created",
            r#"{"id":1,"email":10123456789}"#,
            "data.email",
            "integer",
        ),
        (
            "customer.created",
            r#"{"id":1,"phone":1012345678.5}"#,
            "data.phone",
            "floating point",
        ),
        (
            "customer.created",
            r#"{"id":1,"username":true}"#,
            "data.username",
            "boolean",
        ),
        (
            "customer.created",
            r#"{"id":1,"attributes":{"residentNumber":8803151234567}}"#,
            "data.attributes.residentNumber",
            "integer",
        ),
        (
            "customer.created",
            r#"{"id":1,"additionalRecipients":["a@example.kr",40404040404]}"#,
            "data.additionalRecipients[1]",
            "integer",
        ),
        (
            "customer.created",
            r#"{"id":1,"shipping":{"postcode":6236}}"#,
            "data.shipping.postcode",
            "integer",
        ),
        (
            "payment.completed",
            r#"{"paymentId":1,"idKey":"k","status":"COMPLETE","vBank":{"accountNumber":56210204718832}}"#,
            "data.vBank.accountNumber",
            "integer",
        ),
        (
            "payment.completed",
            r#"{"paymentId":1,"idKey":"k","status":"COMPLETE","payer":{"email":false}}"#,
            "data.payer.email",
            "boolean",
        ),
        (
            "payment.completed",
            r#"{"paymentId":1,"idKey":"k","status":"COMPLETE","niceCms":{"bankAccount":110123456789}}"#,
            "data.niceCms.bankAccount",
            "integer",
        ),
        (
            "subscription.created",
            r#"{"subscriptionId":1,"status":"ACTIVE","paymentMethod":{"paymentInfo":4518420000001234}}"#,
            "data.paymentMethod.paymentInfo",
            "integer",
        ),
    ];
    for (event, data, path, kind) in cases {
        let body =
            format!(r#"{{"timestamp":1795046400,"version":"v1","event":"{event}","data":{data}}}"#);
        let error = parse_webhook(body.as_bytes()).expect_err(data);
        assert_eq!(error.path(), Some(path), "{error}");
        assert_eq!(
            error.message(),
            format!("invalid type: {kind}, expected a string"),
            "{error}"
        );
        let text = format!("{error} {error:?}");
        for value in [
            "10123456789",
            "1012345678",
            "8803151234567",
            "40404040404",
            "6236",
            "56210204718832",
            "110123456789",
            "4518420000001234",
        ] {
            assert!(!text.contains(value), "{value} in {text}");
        }
        assert_eq!(error.raw_data(), Some(data));
    }
}
