//! Parses every fixture under `tests/fixtures` (the 27 event types, the minimal bodies and
//! the edge cases) and checks the typed values against what the fixture files contain.
//!
//! Each schema has an expectation table (`PaymentFacts`, `OrderFacts`, ...) holding every
//! value a test checks, and one `#[track_caller]` checker that compares a parsed value with it
//! field by field, so a failure names the field and points at the test's table.

use std::collections::BTreeMap;
use std::fmt::{Debug, Display};

use chrono::{FixedOffset, Utc};
use serde::Serialize;
use serde_json::Value;
use steppay_webhook::{
    parse_webhook, Actor, AdditionalBillingType, BankCode, ClaimMethodType, CmsStatus, Cover,
    CoverMessageType, Customer, DateTime, DateUnitType, Decimal, Event, EventType, Invoice,
    InvoicePublishMethod, InvoicePublishType, InvoiceStatus, Order, OrderItem, OrderItemStatus,
    OrderItemType, OrderType, Payment, PaymentGateway, PaymentMethod, PaymentStatus, Period, Price,
    PriceOptionType, PriceType, Product, ProductStatus, ProductType, Shipping, Subscription,
    SubscriptionItem, SubscriptionStatus, Usage, Webhook, WhenToClaimType, KST,
};

// ---------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------

/// Parses a fixture body, panicking with the fixture name and the crate's error.
fn parse(name: &str, body: &[u8]) -> Webhook {
    parse_webhook(body).unwrap_or_else(|error| panic!("{name} does not parse: {error}"))
}

/// Parses `tests/fixtures/<name>`, embedded at compile time.
macro_rules! load {
    ($name:literal) => {
        parse($name, include_bytes!(concat!("../fixtures/", $name)))
    };
}

/// Borrows the payload of the expected `Event` variant, or panics naming what came instead.
macro_rules! payload {
    ($webhook:expr, $variant:ident) => {
        match &$webhook.event {
            Event::$variant(data) => &**data,
            other => panic!(
                "expected Event::{}, got {:?}",
                stringify!($variant),
                other.event_name()
            ),
        }
    };
}

// ---------------------------------------------------------------------------------------
// Generic checks
// ---------------------------------------------------------------------------------------

/// `fields! { checker "label" => actual, expected; ... }`: one checker call per line
/// ([`check`], [`check_amount`], [`check_at`] or another `#[track_caller]` checker taking
/// `(&str, actual, expected)`), so the tables below stay one field a line.
macro_rules! fields {
    ($($checker:ident $label:expr => $actual:expr, $expected:expr;)+) => {
        $( $checker(&$label, $actual, $expected); )+
    };
}

/// One field: `actual` equals `expected`, or the failure names `what`.
#[track_caller]
fn check<T: PartialEq + Debug>(what: &str, actual: T, expected: T) {
    assert_eq!(actual, expected, "{what}");
}

/// The text of an optional value as written (decimals keep their scale, date-times their
/// digits), for exact comparison.
fn text<T: Display>(value: Option<&T>) -> Option<String> {
    value.map(ToString::to_string)
}

/// An amount: its exact text as written (so the scale is checked too).
#[track_caller]
fn check_amount(what: &str, actual: Option<&Decimal>, expected: Option<&str>) {
    check(what, text(actual).as_deref(), expected);
}

/// Checks the envelope: timestamp, version and that the timestamp reads as Unix seconds.
#[track_caller]
fn check_envelope(webhook: &Webhook, timestamp: i64, version: &str) {
    check("timestamp", webhook.timestamp, timestamp);
    check("version", webhook.version.as_str(), version);
    check(
        "sent_at of a 10-digit timestamp is Unix seconds",
        webhook.sent_at(),
        chrono::DateTime::from_timestamp(timestamp, 0),
    );
}

/// A UTC instant written in RFC 3339.
fn utc(rfc3339: &str) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|error| panic!("bad expected instant {rfc3339}: {error}"))
        .with_timezone(&Utc)
}

/// An expected date-time: its wire text and, where a test pins it, the instant it is when
/// the store's time zone is chosen as KST (UTC+9).
#[derive(Clone, Copy, Debug)]
struct At {
    wire: &'static str,
    kst: Option<&'static str>,
}

/// A date-time expected with this wire text.
fn at(wire: &'static str) -> Option<At> {
    Some(At { wire, kst: None })
}

/// A date-time expected with this wire text and this instant when read as KST.
fn at_kst(wire: &'static str, kst_instant: &'static str) -> Option<At> {
    Some(At {
        wire,
        kst: Some(kst_instant),
    })
}

/// A date-time: written back exactly as on the wire; read as UTC by default (an offset on
/// the wire is kept); and, when given, the expected instant under an explicit KST.
#[track_caller]
fn check_at(what: &str, actual: Option<&DateTime>, expected: Option<At>) {
    let (actual, expected) = match (actual, expected) {
        (None, None) => return,
        (Some(actual), Some(expected)) => (actual, expected),
        (actual, expected) => panic!("{what}: got {actual:?}, expected {expected:?}"),
    };
    check(what, actual.to_string().as_str(), expected.wire);
    let default_instant = match actual.offset() {
        None => utc(&format!("{}Z", expected.wire)),
        Some(_) => utc(expected.wire),
    };
    check(
        &format!("{what}: UTC instant"),
        actual.to_utc(),
        default_instant,
    );
    if let Some(kst) = expected.kst {
        check(
            &format!("{what}: instant read as KST"),
            actual.to_utc_assuming(KST),
            utc(kst),
        );
    }
}

/// Checks that an enum value is what was expected and serializes back to the wire string.
#[track_caller]
fn assert_wire<T: Serialize + Debug + PartialEq>(value: &T, expected: &T, wire: &str) {
    assert_eq!(value, expected);
    let json = serde_json::to_value(value).unwrap_or_else(|e| panic!("{wire}: {e}"));
    assert_eq!(json, Value::String(wire.to_owned()), "serialized back");
}

/// `assert_unknown!(value, Enum::Unknown("WIRE"))`: the value is the enum's `Unknown` variant
/// with the exact wire string, and serializes back to it (also through `Some(...)`).
macro_rules! assert_unknown {
    ($value:expr, Some($enum:ident :: Unknown($wire:literal))) => {
        assert_wire(&$value, &Some($enum::Unknown($wire.to_owned())), $wire)
    };
    ($value:expr, $enum:ident :: Unknown($wire:literal)) => {
        assert_wire(&$value, &$enum::Unknown($wire.to_owned()), $wire)
    };
}

/// A `String -> String` map from pairs.
fn string_map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A shipping address as name, phone, postcode, address1, address2, state, city, country.
type ShippingFacts = [&'static str; 8];

#[track_caller]
fn check_shipping(what: &str, shipping: Option<&Shipping>, expected: Option<ShippingFacts>) {
    let actual = shipping.map(|s| {
        [
            &s.name,
            &s.phone,
            &s.postcode,
            &s.address1,
            &s.address2,
            &s.state,
            &s.city,
            &s.country_code,
        ]
        .map(|field| field.as_deref())
    });
    check(what, actual, expected.map(|fields| fields.map(Some)));
}

// ---------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------

/// Everything the tests check of an [`Order`].
struct OrderFacts {
    id: i64,
    code: &'static str,
    r#type: OrderType,
    paid: &'static str,
    returned: &'static str,
    left: &'static str,
    discounted: Option<&'static str>,
    product_name: Option<&'static str>,
    payment_date: Option<At>,
    payment_due_date: Option<At>,
    created_at: Option<At>,
    modified_at: Option<At>,
    purchase_deadline: Option<At>,
    id_key: Option<&'static str>,
    customer_id: Option<i64>,
    shipping: Option<ShippingFacts>,
    subscriptions: &'static [i64],
    invoice_id: Option<i64>,
    items: Vec<ItemFacts>,
    /// Whether the item amounts add up to the order's paid amount (not after a refund).
    items_add_up: bool,
}

/// Everything the tests check of an [`OrderItem`]. `Default` only fills the table: every
/// field is compared, so a default the fixture does not match fails.
#[derive(Clone, Debug)]
struct ItemFacts {
    id: i64,
    code: Option<&'static str>,
    r#type: Option<OrderItemType>,
    status: OrderItemStatus,
    paid: &'static str,
    currency: Option<&'static str>,
    quantity: Option<i32>,
    price_code: Option<&'static str>,
    product_code: Option<&'static str>,
    product_type: Option<ProductType>,
    product_name: Option<&'static str>,
    image: Option<&'static str>,
    option_label: Option<&'static str>,
    option_ids: &'static [i64],
    plan_name: Option<&'static str>,
    discount_name: Option<&'static str>,
    related_item: Option<i64>,
    setup: Option<PriceOptionType>,
    demo: Option<(i32, DateUnitType)>,
    minimum_quantity: Option<i32>,
    parent: Option<&'static str>,
    created_at: Option<At>,
    modified_at: Option<At>,
    canceled: Option<At>,
}

impl Default for ItemFacts {
    fn default() -> Self {
        Self {
            id: 0,
            code: None,
            r#type: None,
            status: OrderItemStatus::Created,
            paid: "0",
            currency: Some("KRW"),
            quantity: Some(1),
            price_code: None,
            product_code: None,
            product_type: Some(ProductType::Box),
            product_name: None,
            image: None,
            option_label: None,
            option_ids: &[],
            plan_name: None,
            discount_name: None,
            related_item: None,
            setup: None,
            demo: None,
            minimum_quantity: None,
            parent: None,
            created_at: None,
            modified_at: None,
            canceled: None,
        }
    }
}

#[track_caller]
fn check_order(order: &Order, expected: &OrderFacts) {
    let (o, e) = (order, expected);
    #[rustfmt::skip]
    fields! {
        check "id" => o.id, e.id;
        check "code" => o.code.as_str(), e.code;
        check "type" => &o.r#type, &e.r#type;
        check_amount "paidAmount" => Some(&o.paid_amount), Some(e.paid);
        check_amount "returnedAmount" => Some(&o.returned_amount), Some(e.returned);
        check_amount "leftAmount" => Some(&o.left_amount), Some(e.left);
        check_amount "discountedAmount" => o.discounted_amount.as_ref(), e.discounted;
        check "productName" => o.product_name.as_deref(), e.product_name;
        check_at "paymentDate" => o.payment_date.as_ref(), e.payment_date;
        check_at "paymentDueDate" => o.payment_due_date.as_ref(), e.payment_due_date;
        check_at "createdAt" => o.created_at.as_ref(), e.created_at;
        check_at "modifiedAt" => o.modified_at.as_ref(), e.modified_at;
        check_at "purchaseDeadline" => o.purchase_deadline.as_ref(), e.purchase_deadline;
        check "idKey" => o.id_key.as_deref(), e.id_key;
        check "customerId" => o.customer_id, e.customer_id;
        check_shipping "shipping" => o.shipping.as_ref(), e.shipping;
        check "subscriptions" => o.subscriptions.as_slice(), e.subscriptions;
        check "invoiceId" => o.invoice_id, e.invoice_id;
        // Fields of StepPay's order API, never in these webhook fixtures.
        check "currency" => o.currency.as_deref(), None;
        check "exchangeRate" => o.exchange_rate, None;
        check "region" => o.region.as_ref(), None;
        check "number of items" => o.items.len(), e.items.len();
    }
    for (item, facts) in o.items.iter().zip(&e.items) {
        check_item(item, facts);
    }
    if e.items_add_up {
        let sum: Decimal = o.items.iter().map(|item| item.paid_amount).sum();
        check("items add up to paidAmount", sum, o.paid_amount);
    }
}

#[track_caller]
fn check_item(item: &OrderItem, expected: &ItemFacts) {
    let (i, e) = (item, expected);
    let what = |field: &str| format!("item {}: {field}", e.id);
    let demo = i.demo_cycle.as_ref().map(|d| (d.num, d.r#type.clone()));
    let expected_demo = e.demo.clone().map(|(n, unit)| (Some(n), Some(unit)));
    #[rustfmt::skip]
    fields! {
        check what("id") => i.id, e.id;
        check what("code") => i.code.as_deref(), e.code;
        check what("type") => &i.r#type, &e.r#type;
        check what("status") => &i.status, &e.status;
        check_amount what("paidAmount") => Some(&i.paid_amount), Some(e.paid);
        check what("currency") => i.currency.as_deref(), e.currency;
        check what("quantity") => i.quantity, e.quantity;
        check what("priceCode") => i.price_code.as_deref(), e.price_code;
        check what("productCode") => i.product_code.as_deref(), e.product_code;
        check what("productType") => &i.product_type, &e.product_type;
        check what("productName") => i.product_name.as_deref(), e.product_name;
        check what("featuredImageUrl") => i.featured_image_url.as_deref(), e.image;
        check what("selectedProductOptionLabel") => i.selected_product_option_label.as_deref(), e.option_label;
        check what("selectedProductOptionIds") => i.selected_product_option_ids.as_slice(), e.option_ids;
        check what("planName") => i.plan_name.as_deref(), e.plan_name;
        check what("discountName") => i.discount_name.as_deref(), e.discount_name;
        check what("relatedOrderItemId") => i.related_order_item_id, e.related_item;
        check what("relatedSubscriptionItemId") => i.related_subscription_item_id, None;
        check what("priceSetupType") => &i.price_setup_type, &e.setup;
        check what("demoCycle") => demo, expected_demo;
        check what("minimumQuantity") => i.minimum_quantity, e.minimum_quantity;
        check what("parentOrderItemCode") => i.parent_order_item_code.as_deref(), e.parent;
        check_at what("createdAt") => i.created_at.as_ref(), e.created_at;
        check_at what("modifiedAt") => i.modified_at.as_ref(), e.modified_at;
        check_at what("canceledDateTime") => i.canceled_date_time.as_ref(), e.canceled;
    }
}

#[test]
fn order_created() {
    let webhook = load!("order.created.json");
    check_envelope(&webhook, 1795050754, "v1");
    check(
        "sent_at",
        webhook.sent_at(),
        Some(utc("2026-11-19T01:12:34Z")),
    );
    let order = payload!(webhook, OrderCreated);
    check(
        "paidAmount value",
        order.paid_amount,
        Decimal::new(34000, 0),
    );

    let base = ItemFacts {
        created_at: at("2026-11-19T01:12:31.50896"),
        modified_at: at("2026-11-19T01:12:31.50896"),
        ..ItemFacts::default()
    };
    let beans = ItemFacts {
        price_code: Some("price_Vb7Qw2LkXe"),
        product_code: Some("product_Ht3NzR8pYa"),
        product_name: Some("프리미엄 원두 정기배송"),
        plan_name: Some("월간 구독 (200g)"),
        ..base.clone()
    };
    check_order(
        order,
        &OrderFacts {
            id: 348215,
            code: "20261119-00000123",
            r#type: OrderType::RecurringInitial,
            paid: "34000",
            returned: "0",
            left: "34000",
            discounted: Some("3000"),
            product_name: Some("프리미엄 원두 정기배송"),
            payment_date: None,
            payment_due_date: at_kst("2026-11-19T01:42:31", "2026-11-18T16:42:31Z"),
            created_at: at_kst(
                "2026-11-19T01:12:31.50896",
                "2026-11-18T16:12:31.50896Z",
            ),
            modified_at: at("2026-11-19T01:12:31.50896"),
            purchase_deadline: at("2026-11-26T01:12:31"),
            id_key: Some("17950543513479698c8vqQG0kMix9"),
            customer_id: Some(204518),
            shipping: Some([
                "홍길동",
                "010-1234-5678",
                "06236",
                "서울특별시 강남구 테헤란로 123",
                "4층",
                "서울특별시",
                "강남구",
                "KR",
            ]),
            subscriptions: &[],
            invoice_id: None,
            items_add_up: true,
            items: vec![
                ItemFacts {
                    id: 912301,
                    code: Some("oi_Kq8ZfP2mLx7Rt"),
                    r#type: Some(OrderItemType::Sku),
                    paid: "29000",
                    image: Some(
                        "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Ht3NzR8pYa/main.jpg",
                    ),
                    option_label: Some("분쇄도: 핸드드립용 / 용량: 200g"),
                    option_ids: &[10231, 10236],
                    demo: Some((14, DateUnitType::Day)),
                    minimum_quantity: Some(1),
                    ..beans.clone()
                },
                ItemFacts {
                    id: 912302,
                    code: Some("oi_Kq8ZfP2mLx7Ru"),
                    r#type: Some(OrderItemType::Fee),
                    paid: "5000",
                    option_label: Some("가입비"),
                    setup: Some(PriceOptionType::Initially),
                    parent: Some("oi_Kq8ZfP2mLx7Rt"),
                    ..beans.clone()
                },
                ItemFacts {
                    id: 912303,
                    code: Some("oi_Kq8ZfP2mLx7Rv"),
                    r#type: Some(OrderItemType::Shipping),
                    paid: "3000",
                    product_name: Some("배송비"),
                    plan_name: Some("기본 배송비"),
                    ..base.clone()
                },
                ItemFacts {
                    id: 912304,
                    code: Some("oi_Kq8ZfP2mLx7Rw"),
                    r#type: Some(OrderItemType::Discount),
                    paid: "-3000",
                    discount_name: Some("첫 구독 3,000원 할인 쿠폰"),
                    related_item: Some(912301),
                    ..beans
                },
            ],
        },
    );
}

/// The items of `order.updated.json` and of `edge/extra-fields.json` (the same order lines
/// with other ids), by their ids.
fn fruit_order_items(ids: [i64; 5]) -> Vec<ItemFacts> {
    let base = ItemFacts {
        created_at: at("2026-11-18T23:45:02.1"),
        modified_at: at("2026-11-20T02:10:09.33"),
        status: OrderItemStatus::OrderDeliveryOnTheWay,
        ..ItemFacts::default()
    };
    let fruit = ItemFacts {
        price_code: Some("price_Fr5Lm8QzTa"),
        product_code: Some("product_Pq7Yx3VbNc"),
        product_name: Some("유기농 제철 과일 선물세트"),
        plan_name: Some("단품 구매"),
        ..base.clone()
    };
    vec![
        ItemFacts {
            id: ids[0],
            code: Some("oi_Tb2WcX9nHq4Ae"),
            r#type: Some(OrderItemType::Sku),
            // 99000.0 keeps its scale.
            paid: "99000.0",
            image: Some(
                "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Pq7Yx3VbNc/main.png",
            ),
            option_label: Some("구성: 사과+배 (5kg)"),
            option_ids: &[20417],
            minimum_quantity: Some(1),
            ..fruit.clone()
        },
        ItemFacts {
            id: ids[1],
            code: Some("oi_Tb2WcX9nHq4Af"),
            r#type: Some(OrderItemType::Sku),
            status: OrderItemStatus::CancellationRefunded,
            paid: "25000",
            quantity: Some(2),
            price_code: Some("price_Gs6Mn9RaUb"),
            product_code: Some("product_Rs8Zy4WcOd"),
            product_name: Some("수제 딸기잼 (500g)"),
            plan_name: Some("단품 구매"),
            image: Some(
                "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Rs8Zy4WcOd/main.png",
            ),
            modified_at: at("2026-11-20T05:31:44.712"),
            canceled: at_kst("2026-11-20T05:31:44.712", "2026-11-19T20:31:44.712Z"),
            ..base.clone()
        },
        ItemFacts {
            id: ids[2],
            code: Some("oi_Tb2WcX9nHq4Ag"),
            r#type: Some(OrderItemType::Fee),
            paid: "4000",
            option_label: Some("선물 포장비"),
            setup: Some(PriceOptionType::Periodic),
            parent: Some("oi_Tb2WcX9nHq4Ae"),
            ..fruit.clone()
        },
        ItemFacts {
            id: ids[3],
            code: Some("oi_Tb2WcX9nHq4Ah"),
            r#type: Some(OrderItemType::Shipping),
            paid: "3000",
            product_name: Some("배송비"),
            plan_name: Some("기본 배송비"),
            demo: Some((1, DateUnitType::Week)),
            ..base
        },
        ItemFacts {
            id: ids[4],
            code: Some("oi_Tb2WcX9nHq4Ai"),
            r#type: Some(OrderItemType::Discount),
            paid: "-11000",
            discount_name: Some("연말 감사 10% 할인"),
            related_item: Some(ids[0]),
            ..fruit
        },
    ]
}

#[test]
fn order_updated() {
    let webhook = load!("order.updated.json");
    check_envelope(&webhook, 1795152706, "v1");
    let order = payload!(webhook, OrderUpdated);
    check(
        "left = paid - returned",
        order.left_amount,
        order.paid_amount - order.returned_amount,
    );
    check(
        "99000.0 value",
        order.items[0].paid_amount,
        Decimal::new(99000, 0),
    );
    check("99000.0 scale", order.items[0].paid_amount.scale(), 1);

    check_order(
        order,
        &OrderFacts {
            id: 351907,
            code: "20261120-00000457",
            r#type: OrderType::OneTime,
            paid: "110000",
            returned: "25000",
            left: "85000",
            discounted: Some("11000"),
            product_name: Some("유기농 제철 과일 선물세트 외 1건"),
            payment_date: at_kst("2026-11-18T23:47:12.038268", "2026-11-18T14:47:12.038268Z"),
            payment_due_date: None,
            created_at: at("2026-11-18T23:45:02.1"),
            modified_at: at("2026-11-20T05:31:44.712"),
            purchase_deadline: at("2026-11-25T23:45:02"),
            id_key: Some("1795045502612f3Tz8KdLmQp0wXa2"),
            customer_id: Some(204733),
            shipping: Some([
                "김서연",
                "010-2345-6789",
                "04524",
                "서울특별시 중구 세종대로 110",
                "서울시청 별관 2층",
                "서울특별시",
                "중구",
                "KR",
            ]),
            subscriptions: &[],
            invoice_id: Some(40817),
            items: fruit_order_items([918840, 918841, 918842, 918843, 918844]),
            items_add_up: false,
        },
    );
}

#[test]
fn order_payment_completed() {
    let webhook = load!("order.payment_completed.json");
    check_envelope(&webhook, 1795219519, "v1");
    let order = payload!(webhook, OrderPaymentCompleted);

    let base = ItemFacts {
        status: OrderItemStatus::Paid,
        created_at: at("2026-11-21T00:00:03.207"),
        modified_at: at("2026-11-21T00:05:17.4"),
        ..ItemFacts::default()
    };
    let yogurt = ItemFacts {
        price_code: Some("price_Hk2Pq6TwZc"),
        product_code: Some("product_Jm4Rs7UxAd"),
        product_name: Some("그릭요거트 주간 정기배송"),
        plan_name: Some("주간 구독 (450g x 2)"),
        ..base.clone()
    };
    check_order(
        order,
        &OrderFacts {
            id: 355642,
            code: "20261121-00000789",
            r#type: OrderType::Recurring,
            paid: "47800",
            returned: "0.0",
            left: "47800",
            discounted: Some("2000"),
            product_name: Some("그릭요거트 주간 정기배송"),
            payment_date: at_kst("2026-11-21T00:05:17.4", "2026-11-20T15:05:17.4Z"),
            payment_due_date: at_kst("2026-11-21T00:00:00", "2026-11-20T15:00:00Z"),
            created_at: at("2026-11-21T00:00:03.207"),
            modified_at: at("2026-11-21T00:05:17.4"),
            purchase_deadline: None,
            id_key: Some("17956872032065c1dRw7YhN3pVkE8"),
            customer_id: Some(205104),
            shipping: Some([
                "이민준",
                "010-3456-7890",
                "13529",
                "경기도 성남시 분당구 판교역로 235",
                "에이치스퀘어 N동 7층",
                "경기도",
                "성남시 분당구",
                "KR",
            ]),
            subscriptions: &[118204],
            invoice_id: None,
            items_add_up: true,
            items: vec![
                ItemFacts {
                    id: 925517,
                    code: Some("oi_Ye5RdV1sKj3Mb"),
                    r#type: Some(OrderItemType::Sku),
                    paid: "39800",
                    quantity: Some(2),
                    image: Some(
                        "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Jm4Rs7UxAd/main.jpg",
                    ),
                    option_label: Some("맛: 플레인 / 용량: 450g"),
                    option_ids: &[30112, 30118],
                    minimum_quantity: Some(2),
                    ..yogurt.clone()
                },
                ItemFacts {
                    id: 925518,
                    code: Some("oi_Ye5RdV1sKj3Mc"),
                    r#type: Some(OrderItemType::Fee),
                    paid: "7000",
                    option_label: Some("보냉 포장비"),
                    setup: Some(PriceOptionType::Periodic),
                    parent: Some("oi_Ye5RdV1sKj3Mb"),
                    ..yogurt.clone()
                },
                ItemFacts {
                    id: 925519,
                    code: Some("oi_Ye5RdV1sKj3Md"),
                    r#type: Some(OrderItemType::Shipping),
                    paid: "3000",
                    product_name: Some("배송비"),
                    plan_name: Some("신선 배송비"),
                    ..base
                },
                ItemFacts {
                    id: 925520,
                    code: Some("oi_Ye5RdV1sKj3Me"),
                    r#type: Some(OrderItemType::Discount),
                    paid: "-2000",
                    discount_name: Some("장기 구독 회원 할인"),
                    related_item: Some(925517),
                    demo: Some((1, DateUnitType::Month)),
                    ..yogurt
                },
            ],
        },
    );
}

// ---------------------------------------------------------------------------------------
// Subscriptions and usage
// ---------------------------------------------------------------------------------------

/// A period as the wire text of its start and end.
type PeriodFacts = (&'static str, &'static str);

/// Everything the tests check of a [`Subscription`].
struct SubscriptionFacts {
    subscription_id: i64,
    status: SubscriptionStatus,
    created_at: Option<At>,
    trial_period: Option<PeriodFacts>,
    last_payment_date: Option<At>,
    next_payment_date: Option<At>,
    origin_next_payment_date: Option<At>,
    end_date: Option<At>,
    paused_date_time: Option<At>,
    order_id: Option<i64>,
    order_code: Option<&'static str>,
    customer_id: Option<i64>,
    interval_unit: Option<DateUnitType>,
    interval_count: Option<i32>,
    payment_method: Option<(Option<PaymentGateway>, Option<&'static str>)>,
    current_period: Option<PeriodFacts>,
    noti_before_payment_date: Option<At>,
    items: Vec<SubscriptionItemFacts>,
}

/// Everything the tests check of a [`SubscriptionItem`]. `Default` only fills the table:
/// every field is compared.
#[derive(Clone, Debug)]
struct SubscriptionItemFacts {
    id: i64,
    product_name: Option<&'static str>,
    image: Option<&'static str>,
    option_ids: &'static [i64],
    price: &'static str,
    quantity: Option<i32>,
    is_additional: Option<bool>,
    keep_when_renew: Option<bool>,
    maximum_purchase_quantity: Option<i32>,
    product_code: Option<&'static str>,
    price_code: Option<&'static str>,
    r#type: Option<OrderItemType>,
    claim_method_type: Option<ClaimMethodType>,
    price_type: Option<PriceType>,
    selected_options: &'static [i64],
}

impl Default for SubscriptionItemFacts {
    fn default() -> Self {
        Self {
            id: 0,
            product_name: None,
            image: None,
            option_ids: &[],
            price: "0",
            quantity: Some(1),
            is_additional: Some(false),
            keep_when_renew: Some(true),
            maximum_purchase_quantity: None,
            product_code: None,
            price_code: None,
            r#type: Some(OrderItemType::Sku),
            claim_method_type: Some(ClaimMethodType::Pre),
            price_type: Some(PriceType::Flat),
            selected_options: &[],
        }
    }
}

#[track_caller]
fn check_period(what: &str, period: Option<&Period>, expected: Option<PeriodFacts>) {
    let actual = period.map(|p| {
        (
            text(p.start_date_time.as_ref()),
            text(p.end_date_time.as_ref()),
        )
    });
    let expected = expected.map(|(start, end)| (Some(start.to_owned()), Some(end.to_owned())));
    check(what, actual, expected);
}

#[track_caller]
fn check_subscription(subscription: &Subscription, expected: &SubscriptionFacts) {
    let (s, e) = (subscription, expected);
    let method = s
        .payment_method
        .as_ref()
        .map(|m| (m.payment_gateway.clone(), m.payment_info.as_deref()));
    #[rustfmt::skip]
    fields! {
        check "subscriptionId" => s.subscription_id, e.subscription_id;
        check "status" => &s.status, &e.status;
        check_at "createdAt" => s.created_at.as_ref(), e.created_at;
        check_period "trialPeriod" => s.trial_period.as_ref(), e.trial_period;
        check_at "lastPaymentDate" => s.last_payment_date.as_ref(), e.last_payment_date;
        check_at "nextPaymentDate" => s.next_payment_date.as_ref(), e.next_payment_date;
        check_at "originNextPaymentDate" => s.origin_next_payment_date.as_ref(), e.origin_next_payment_date;
        check_at "endDate" => s.end_date.as_ref(), e.end_date;
        check_at "pausedDateTime" => s.paused_date_time.as_ref(), e.paused_date_time;
        check "orderId" => s.order_id, e.order_id;
        check "orderCode" => s.order_code.as_deref(), e.order_code;
        check "customerId" => s.customer_id, e.customer_id;
        check "intervalUnit" => &s.interval_unit, &e.interval_unit;
        check "intervalCount" => s.interval_count, e.interval_count;
        check "paymentMethod" => method, e.payment_method.clone();
        check_period "currentPeriod" => s.current_period.as_ref(), e.current_period;
        check_at "notiBeforePaymentDate" => s.noti_before_payment_date.as_ref(), e.noti_before_payment_date;
        check "number of items" => s.items.len(), e.items.len();
    }
    for (item, facts) in s.items.iter().zip(&e.items) {
        check_subscription_item(item, facts);
    }
}

#[track_caller]
fn check_subscription_item(item: &SubscriptionItem, expected: &SubscriptionItemFacts) {
    let (i, e) = (item, expected);
    let what = |field: &str| format!("item {}: {field}", e.id);
    #[rustfmt::skip]
    fields! {
        check what("subscriptionItemId") => i.subscription_item_id, e.id;
        check what("productName") => i.product_name.as_deref(), e.product_name;
        check what("featuredImageUrl") => i.featured_image_url.as_deref(), e.image;
        check what("selectedProductOptionIds") => i.selected_product_option_ids.as_slice(), e.option_ids;
        check_amount what("price") => i.price.as_ref(), Some(e.price);
        check what("quantity") => i.quantity, e.quantity;
        check what("isAdditional") => i.is_additional, e.is_additional;
        check what("keepWhenRenew") => i.keep_when_renew, e.keep_when_renew;
        check what("maximumPurchaseQuantity") => i.maximum_purchase_quantity, e.maximum_purchase_quantity;
        check what("productCode") => i.product_code.as_deref(), e.product_code;
        check what("priceCode") => i.price_code.as_deref(), e.price_code;
        check what("type") => &i.r#type, &e.r#type;
        check what("claimMethodType") => &i.claim_method_type, &e.claim_method_type;
        check what("priceType") => &i.price_type, &e.price_type;
        check what("selectedOptions") => i.selected_options.as_slice(), e.selected_options;
    }
}

#[test]
fn subscription_created() {
    let webhook = load!("subscription.created.json");
    check_envelope(&webhook, 1795227250, "v1");
    let subscription = payload!(webhook, SubscriptionCreated);
    check(
        "originNextPaymentDate = nextPaymentDate",
        &subscription.origin_next_payment_date,
        &subscription.next_payment_date,
    );
    let sampler = &subscription.items[1];
    check("12000.0 value", sampler.price, Some(Decimal::new(12000, 0)));
    check("12000.0 scale", sampler.price.map(|p| p.scale()), Some(1));

    let beans = SubscriptionItemFacts {
        product_name: Some("프리미엄 원두 정기배송"),
        product_code: Some("product_Ht3NzR8pYa"),
        price_code: Some("price_Vb7Qw2LkXe"),
        ..SubscriptionItemFacts::default()
    };
    check_subscription(
        subscription,
        &SubscriptionFacts {
            subscription_id: 118377,
            status: SubscriptionStatus::Active,
            created_at: at_kst(
                "2026-11-21T02:14:08.50896",
                "2026-11-20T17:14:08.50896Z",
            ),
            trial_period: Some(("2026-11-21T02:14:08", "2026-12-05T02:14:08")),
            last_payment_date: None,
            next_payment_date: at_kst("2026-12-05T02:14:08", "2026-12-04T17:14:08Z"),
            origin_next_payment_date: at("2026-12-05T02:14:08"),
            end_date: None,
            paused_date_time: None,
            order_id: Some(356013),
            order_code: Some("20261121-00000812"),
            customer_id: Some(205277),
            interval_unit: Some(DateUnitType::Month),
            interval_count: Some(1),
            payment_method: Some((
                Some(PaymentGateway::NiceV2),
                Some("신한카드 4518-42**-****-123*"),
            )),
            current_period: Some(("2026-11-21T02:14:08", "2026-12-05T02:14:08")),
            noti_before_payment_date: at_kst("2026-12-02T02:14:08", "2026-12-01T17:14:08Z"),
            items: vec![
                SubscriptionItemFacts {
                    id: 241190,
                    image: Some(
                        "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Ht3NzR8pYa/main.jpg",
                    ),
                    option_ids: &[10232, 10237],
                    price: "29000",
                    maximum_purchase_quantity: Some(5),
                    selected_options: &[10232, 10237],
                    ..beans.clone()
                },
                SubscriptionItemFacts {
                    id: 241191,
                    product_name: Some("드립백 샘플러 (10입)"),
                    image: Some(
                        "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Kx9Sd2FgHe/main.jpg",
                    ),
                    price: "12000.0",
                    is_additional: Some(true),
                    keep_when_renew: Some(false),
                    product_code: Some("product_Kx9Sd2FgHe"),
                    price_code: Some("price_Lz3Ta5GhJf"),
                    price_type: Some(PriceType::OneTime),
                    ..SubscriptionItemFacts::default()
                },
                SubscriptionItemFacts {
                    id: 241192,
                    price: "5000",
                    keep_when_renew: Some(false),
                    maximum_purchase_quantity: Some(1),
                    r#type: Some(OrderItemType::Fee),
                    claim_method_type: None,
                    ..beans
                },
            ],
        },
    );
}

#[test]
fn subscription_updated() {
    let webhook = load!("subscription.updated.json");
    check_envelope(&webhook, 1795322418, "v1");
    check_subscription(
        payload!(webhook, SubscriptionUpdated),
        &SubscriptionFacts {
            subscription_id: 109842,
            status: SubscriptionStatus::PendingCancel,
            created_at: at("2026-05-03T07:22:41.038268"),
            trial_period: None,
            last_payment_date: at_kst("2026-11-03T00:01:12.55", "2026-11-02T15:01:12.55Z"),
            next_payment_date: None,
            origin_next_payment_date: at_kst("2026-12-03T07:22:41", "2026-12-02T22:22:41Z"),
            end_date: at_kst("2026-12-03T07:22:41", "2026-12-02T22:22:41Z"),
            paused_date_time: None,
            order_id: Some(287511),
            order_code: Some("20260503-00000046"),
            customer_id: Some(198420),
            interval_unit: Some(DateUnitType::Month),
            interval_count: Some(1),
            payment_method: Some((
                Some(PaymentGateway::Toss),
                Some("현대카드 5433-33**-****-902*"),
            )),
            current_period: Some(("2026-11-03T07:22:41", "2026-12-03T07:22:41")),
            noti_before_payment_date: None,
            items: vec![
                SubscriptionItemFacts {
                    id: 221734,
                    product_name: Some("온라인 영어 회화 멤버십"),
                    image: Some(
                        "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Nb6Vc1XzQw/main.png",
                    ),
                    option_ids: &[40551],
                    price: "59000",
                    maximum_purchase_quantity: Some(1),
                    product_code: Some("product_Nb6Vc1XzQw"),
                    price_code: Some("price_Mw8Ub4KjRs"),
                    selected_options: &[40551],
                    ..SubscriptionItemFacts::default()
                },
                SubscriptionItemFacts {
                    id: 221735,
                    product_name: Some("1:1 화상 수업 추가권"),
                    price: "15000",
                    quantity: Some(3),
                    is_additional: Some(true),
                    maximum_purchase_quantity: Some(10),
                    product_code: Some("product_Nb6Vc1XzQw"),
                    price_code: Some("price_Pv2Xe7LkTu"),
                    claim_method_type: Some(ClaimMethodType::Post),
                    price_type: Some(PriceType::UnitBased),
                    ..SubscriptionItemFacts::default()
                },
            ],
        },
    );
}

#[test]
fn subscription_payment_due_notification() {
    let webhook = load!("subscription.payment_due_notification.json");
    check_envelope(&webhook, 1795737605, "v1");
    let subscription = payload!(webhook, SubscriptionPaymentDueNotification);
    check(
        "originNextPaymentDate = nextPaymentDate",
        &subscription.origin_next_payment_date,
        &subscription.next_payment_date,
    );
    check_subscription(
        subscription,
        &SubscriptionFacts {
            subscription_id: 112650,
            status: SubscriptionStatus::Active,
            created_at: at("2026-08-24T09:07:55"),
            trial_period: Some(("2026-08-24T09:07:55", "2026-08-31T09:07:55")),
            last_payment_date: at_kst(
                "2026-10-31T00:00:41.2871",
                "2026-10-30T15:00:41.2871Z",
            ),
            next_payment_date: at_kst("2026-11-30T00:00:00", "2026-11-29T15:00:00Z"),
            origin_next_payment_date: at("2026-11-30T00:00:00"),
            end_date: None,
            paused_date_time: None,
            order_id: Some(312908),
            order_code: Some("20260824-00000391"),
            customer_id: Some(201966),
            interval_unit: Some(DateUnitType::Month),
            interval_count: Some(1),
            payment_method: Some((
                Some(PaymentGateway::Kg),
                Some("KB국민카드 9411-22**-****-555*"),
            )),
            current_period: Some(("2026-10-31T00:00:00", "2026-11-30T00:00:00")),
            noti_before_payment_date: at_kst("2026-11-27T00:00:00", "2026-11-26T15:00:00Z"),
            items: vec![
                SubscriptionItemFacts {
                    id: 230455,
                    product_name: Some("반려견 수제 간식 박스"),
                    image: Some(
                        "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Qd1Wf5ZxCv/main.jpg",
                    ),
                    option_ids: &[50203],
                    price: "32900",
                    maximum_purchase_quantity: Some(3),
                    product_code: Some("product_Qd1Wf5ZxCv"),
                    price_code: Some("price_Rx6Yg9AbDw"),
                    selected_options: &[50203],
                    ..SubscriptionItemFacts::default()
                },
                SubscriptionItemFacts {
                    id: 230456,
                    product_name: Some("배송비"),
                    price: "3500",
                    r#type: Some(OrderItemType::Shipping),
                    ..SubscriptionItemFacts::default()
                },
            ],
        },
    );
}

/// One usage record as (id, (deltaQuota, deltaRecord, accumulateQuota, accumulateRecord),
/// influxDate as written, via).
type RecordFacts = (
    i64,
    (Option<i64>, i64, Option<i64>, i64),
    Option<&'static str>,
    Option<Actor>,
);

#[track_caller]
fn check_usage(
    usage: &Usage,
    (id, item, quota, record): (i64, i64, Option<i64>, i64),
    records: &[RecordFacts],
) {
    check("id", usage.id, id);
    check("subscriptionItemId", usage.subscription_item_id, item);
    check("accumulatedQuota", usage.accumulated_quota, quota);
    check("accumulatedRecord", usage.accumulated_record, record);
    let actual: Vec<_> = usage
        .record_quotas
        .iter()
        .map(|r| {
            let amounts = (
                r.delta_quota,
                r.delta_record,
                r.accumulate_quota,
                r.accumulate_record,
            );
            (r.id, amounts, text(r.influx_date.as_ref()), r.via.clone())
        })
        .collect();
    let expected: Vec<_> = records
        .iter()
        .map(|(id, amounts, date, via)| (*id, *amounts, date.map(str::to_owned), via.clone()))
        .collect();
    check("recordQuotas", actual, expected);
}

#[test]
fn subscription_usage_added() {
    let webhook = load!("subscription.usage.added.json");
    check_envelope(&webhook, 1795334631, "v1");
    let usage = payload!(webhook, SubscriptionUsageAdded);
    check_usage(
        usage,
        (77315, 236602, Some(10000), 4350),
        &[
            (
                402118,
                (Some(10000), 0, Some(10000), 0),
                Some("2026-11-01T00:00:12"),
                Some(Actor::System),
            ),
            (
                402987,
                (Some(0), 3200, Some(10000), 3200),
                Some("2026-11-15T06:21:07.118"),
                Some(Actor::V1),
            ),
            (
                403544,
                (Some(0), 1150, Some(10000), 4350),
                Some("2026-11-22T08:03:49.902114"),
                Some(Actor::Customer),
            ),
        ],
    );
    let first = usage
        .record_quotas
        .first()
        .and_then(|r| r.influx_date.as_ref());
    check_at(
        "first influxDate",
        first,
        at_kst("2026-11-01T00:00:12", "2026-10-31T15:00:12Z"),
    );
    let last = usage.record_quotas.last().expect("record quotas");
    check(
        "last record is the total",
        last.accumulate_record,
        usage.accumulated_record,
    );
}

// ---------------------------------------------------------------------------------------
// Invoices
// ---------------------------------------------------------------------------------------

/// Everything the tests check of an [`Invoice`].
struct InvoiceFacts {
    id: Option<i64>,
    status: Option<InvoiceStatus>,
    publish_type: Option<InvoicePublishType>,
    purchase_deadline: Option<At>,
    reservation_at: Option<At>,
    deleted_at: Option<At>,
    publish_method: Vec<InvoicePublishMethod>,
    discount: Option<&'static str>,
    memo_to_customer: Option<&'static str>,
    order_id: Option<i64>,
    order_code: Option<&'static str>,
    customer_id: Option<i64>,
}

#[track_caller]
fn check_invoice(invoice: &Invoice, expected: &InvoiceFacts) {
    let (i, e) = (invoice, expected);
    #[rustfmt::skip]
    fields! {
        check "id" => i.id, e.id;
        check "status" => &i.status, &e.status;
        check "publishType" => &i.publish_type, &e.publish_type;
        check_at "purchaseDeadline" => i.purchase_deadline.as_ref(), e.purchase_deadline;
        check_at "reservationAt" => i.reservation_at.as_ref(), e.reservation_at;
        check_at "deletedAt" => i.deleted_at.as_ref(), e.deleted_at;
        check "publishMethod" => &i.publish_method, &e.publish_method;
        check_amount "discount" => i.discount.as_ref(), e.discount;
        check "memoToCustomer" => i.memo_to_customer.as_deref(), e.memo_to_customer;
        check "orderId" => i.order_id, e.order_id;
        check "orderCode" => i.order_code.as_deref(), e.order_code;
        check "customerId" => i.customer_id, e.customer_id;
    }
}

#[test]
fn invoice_created() {
    let webhook = load!("invoice.created.json");
    check_envelope(&webhook, 1795340402, "v1");
    check_invoice(
        payload!(webhook, InvoiceCreated),
        &InvoiceFacts {
            id: Some(41266),
            status: Some(InvoiceStatus::Reservation),
            publish_type: Some(InvoicePublishType::Reservation),
            purchase_deadline: at_kst("2026-12-07T14:59:59", "2026-12-07T05:59:59Z"),
            reservation_at: at_kst("2026-11-24T00:00:00", "2026-11-23T15:00:00Z"),
            deleted_at: None,
            publish_method: vec![InvoicePublishMethod::Kakao, InvoicePublishMethod::Email],
            discount: Some("5000"),
            memo_to_customer: Some(
                "12월 정기 교육 세미나 참가비 청구서입니다. 기한 내 결제 부탁드립니다.",
            ),
            order_id: Some(357320),
            order_code: Some("20261122-00000955"),
            customer_id: Some(206011),
        },
    );
}

#[test]
fn invoice_updated() {
    let webhook = load!("invoice.updated.json");
    check_envelope(&webhook, 1795342365, "v1");
    check_invoice(
        payload!(webhook, InvoiceUpdated),
        &InvoiceFacts {
            id: Some(40817),
            status: Some(InvoiceStatus::Paid),
            publish_type: Some(InvoicePublishType::Now),
            purchase_deadline: at_kst("2026-11-25T23:45:02", "2026-11-25T14:45:02Z"),
            reservation_at: None,
            deleted_at: None,
            publish_method: vec![InvoicePublishMethod::Sms],
            discount: Some("11000.0"),
            memo_to_customer: Some(
                "김서연 고객님, 주문해 주셔서 감사합니다. 결제가 확인되었습니다.",
            ),
            order_id: Some(351907),
            order_code: Some("20261120-00000457"),
            customer_id: Some(204733),
        },
    );
}

#[test]
fn invoice_deleted() {
    let webhook = load!("invoice.deleted.json");
    check_envelope(&webhook, 1795403908, "v1");
    use InvoicePublishMethod::{Email, Kakao, Sms};
    check_invoice(
        payload!(webhook, InvoiceDeleted),
        &InvoiceFacts {
            id: Some(41302),
            status: Some(InvoiceStatus::Temporary),
            publish_type: Some(InvoicePublishType::Now),
            purchase_deadline: at("2026-11-30T14:59:59"),
            reservation_at: None,
            deleted_at: at_kst("2026-11-23T03:18:26.67412", "2026-11-22T18:18:26.67412Z"),
            publish_method: vec![Kakao, Sms, Email],
            discount: Some("0"),
            memo_to_customer: Some("사무실 인테리어 시공 잔금 청구서 (임시저장)"),
            order_id: Some(357611),
            order_code: Some("20261123-00000012"),
            customer_id: Some(199587),
        },
    );
}

// ---------------------------------------------------------------------------------------
// Payments
// ---------------------------------------------------------------------------------------

/// Everything the tests check of a [`Payment`].
struct PaymentFacts {
    payment_id: i64,
    id_key: &'static str,
    order_id: Option<&'static str>,
    customer_id: Option<&'static str>,
    /// userName, email, phone.
    payer: Option<[&'static str; 3]>,
    product_name: Option<&'static str>,
    paid_amount: Option<&'static str>,
    paid_at: Option<At>,
    status: PaymentStatus,
    gateway: Option<PaymentGateway>,
    method: Option<PaymentMethod>,
    payment_only: Option<bool>,
    error_message: Option<&'static str>,
    /// canceledAmount as written, lastCanceledDate.
    cancel: Option<(&'static str, Option<At>)>,
    v_bank: Option<VBankFacts>,
    nice_cms: Option<NiceCmsFacts>,
}

struct VBankFacts {
    bank_code: Option<&'static str>,
    bank_name: Option<&'static str>,
    account_number: Option<&'static str>,
    account_name: Option<&'static str>,
    bank_date: Option<At>,
}

struct NiceCmsFacts {
    corporate_manager: Option<&'static str>,
    company_name: Option<&'static str>,
    company_registration_number: Option<&'static str>,
    account_holder_social_security_number: Option<&'static str>,
    bank_code: Option<BankCode>,
    bank_account: Option<&'static str>,
    date: Option<At>,
    status: Option<CmsStatus>,
    error_return: Option<&'static str>,
}

#[track_caller]
fn check_payment(payment: &Payment, expected: &PaymentFacts) {
    let (p, e) = (payment, expected);
    let payer = p
        .payer
        .as_ref()
        .map(|payer| [&payer.user_name, &payer.email, &payer.phone].map(|field| field.as_deref()));
    #[rustfmt::skip]
    fields! {
        check "paymentId" => p.payment_id, e.payment_id;
        check "idKey" => p.id_key.as_str(), e.id_key;
        check "orderId" => p.order_id.as_deref(), e.order_id;
        check "customerId" => p.customer_id.as_deref(), e.customer_id;
        check "payer" => payer, e.payer.map(|fields| fields.map(Some));
        check "productName" => p.product_name.as_deref(), e.product_name;
        check_amount "paidAmount" => p.paid_amount.as_ref(), e.paid_amount;
        check_at "paidAt" => p.paid_at.as_ref(), e.paid_at;
        check "status" => &p.status, &e.status;
        check "paymentGateway" => &p.payment_gateway, &e.gateway;
        check "paymentMethod" => &p.payment_method, &e.method;
        check "paymentOnly" => p.payment_only, e.payment_only;
        check "errorMessage" => p.error_message.as_deref(), e.error_message;
        check "cancel present" => p.cancel.is_some(), e.cancel.is_some();
        check "vBank present" => p.v_bank.is_some(), e.v_bank.is_some();
        check "niceCms present" => p.nice_cms.is_some(), e.nice_cms.is_some();
    }
    if let (Some(cancel), Some((amount, last))) = (&p.cancel, e.cancel) {
        #[rustfmt::skip]
        fields! {
            check_amount "canceledAmount" => Some(&cancel.canceled_amount), Some(amount);
            check_at "lastCanceledDate" => cancel.last_canceled_date.as_ref(), last;
        }
    }
    if let (Some(v), Some(f)) = (&p.v_bank, &e.v_bank) {
        #[rustfmt::skip]
        fields! {
            check "vBank.bankCode" => v.bank_code.as_deref(), f.bank_code;
            check "vBank.bankName" => v.bank_name.as_deref(), f.bank_name;
            check "vBank.accountNumber" => v.account_number.as_deref(), f.account_number;
            check "vBank.accountName" => v.account_name.as_deref(), f.account_name;
            check_at "vBank.bankDate" => v.bank_date.as_ref(), f.bank_date;
        }
    }
    if let (Some(c), Some(f)) = (&p.nice_cms, &e.nice_cms) {
        #[rustfmt::skip]
        fields! {
            check "niceCms.corporateManager" => c.corporate_manager.as_deref(), f.corporate_manager;
            check "niceCms.companyName" => c.company_name.as_deref(), f.company_name;
            check "niceCms.companyRegistrationNumber" => c.company_registration_number.as_deref(), f.company_registration_number;
            check "niceCms.accountHolderSocialSecurityNumber" => c.account_holder_social_security_number.as_deref(), f.account_holder_social_security_number;
            check "niceCms.bankCode" => &c.bank_code, &f.bank_code;
            check "niceCms.bankAccount" => c.bank_account.as_deref(), f.bank_account;
            check_at "niceCms.date" => c.date.as_ref(), f.date;
            check "niceCms.status" => &c.status, &f.status;
            check "niceCms.errorReturn" => c.error_return.as_deref(), f.error_return;
        }
    }
}

#[test]
fn payment_completed() {
    let webhook = load!("payment.completed.json");
    check_envelope(&webhook, 1795479623, "v1");
    let payment = payload!(webhook, PaymentCompleted);
    check(
        "paidAmount value",
        payment.paid_amount,
        Some(Decimal::new(39600, 0)),
    );
    check_payment(
        payment,
        &PaymentFacts {
            payment_id: 781204,
            id_key: "17959308214458a1Ye2Wq9TuRjK0c",
            order_id: Some("358102"),
            customer_id: Some("207345"),
            payer: Some(["박지훈", "jihoon.park@example.co.kr", "010-4567-8901"]),
            product_name: Some("사무실 생수 정기배송 (2L x 24병)"),
            paid_amount: Some("39600"),
            paid_at: at_kst("2026-11-24T00:20:21.38", "2026-11-23T15:20:21.38Z"),
            status: PaymentStatus::Complete,
            gateway: Some(PaymentGateway::Nice),
            method: Some(PaymentMethod::CmsBill),
            payment_only: Some(false),
            error_message: None,
            cancel: None,
            v_bank: None,
            nice_cms: Some(NiceCmsFacts {
                corporate_manager: Some("박지훈"),
                company_name: Some("주식회사 해운대랩스"),
                company_registration_number: Some("617-81-12345"),
                account_holder_social_security_number: Some("880315-1******"),
                bank_code: Some(BankCode::ShinhanUnified),
                bank_account: Some("110-***-***789"),
                date: at_kst("2026-11-24T00:20:21.38", "2026-11-23T15:20:21.38Z"),
                status: Some(CmsStatus::WithdrawSuccess),
                error_return: None,
            }),
        },
    );
}

#[test]
fn payment_failed() {
    let webhook = load!("payment.failed.json");
    check_envelope(&webhook, 1795564806, "v1");
    check_payment(
        payload!(webhook, PaymentFailed),
        &PaymentFacts {
            payment_id: 781377,
            id_key: "1795960803951b7Pq3Xc8ZmLw1NeR",
            order_id: Some("358390"),
            customer_id: Some("201143"),
            payer: Some(["최유진", "yujin.choi@example.com", "010-5678-9012"]),
            product_name: Some("필라테스 온라인 클래스 월 구독"),
            paid_amount: Some("0"),
            // The fixture has no date: paidAt is null.
            paid_at: None,
            status: PaymentStatus::Failed,
            gateway: Some(PaymentGateway::Ksnet),
            method: Some(PaymentMethod::CardBill),
            payment_only: Some(false),
            error_message: Some("[3021] 잔액이 부족합니다. (한도초과)"),
            cancel: None,
            v_bank: None,
            nice_cms: None,
        },
    );
}

#[test]
fn payment_canceled() {
    let webhook = load!("payment.canceled.json");
    check_envelope(&webhook, 1795502732, "v1");
    let payment = payload!(webhook, PaymentCanceled);
    let cancel = payment.cancel.as_ref().expect("cancel");
    check(
        "all of it canceled",
        Some(cancel.canceled_amount),
        payment.paid_amount,
    );
    check_payment(
        payment,
        &PaymentFacts {
            payment_id: 779958,
            id_key: "1795612349087c3Hs5Vb0NkQy7TaW",
            order_id: Some("352004"),
            customer_id: Some("204990"),
            payer: Some(["강도윤", "doyoon.kang@example.kr", "010-7890-1234"]),
            product_name: Some("무선 블루투스 이어폰 (화이트)"),
            paid_amount: Some("89000"),
            paid_at: at_kst("2026-11-20T02:32:14.9", "2026-11-19T17:32:14.9Z"),
            status: PaymentStatus::Canceled,
            gateway: Some(PaymentGateway::Toss),
            method: Some(PaymentMethod::Card),
            payment_only: Some(false),
            error_message: None,
            cancel: Some((
                "89000",
                at_kst("2026-11-24T06:45:30.112233", "2026-11-23T21:45:30.112233Z"),
            )),
            v_bank: None,
            nice_cms: None,
        },
    );
}

#[test]
fn payment_standby() {
    let webhook = load!("payment.standby.json");
    check_envelope(&webhook, 1795585657, "v1");
    check_payment(
        payload!(webhook, PaymentStandby),
        &PaymentFacts {
            payment_id: 782011,
            id_key: "1796020455718d4Kt6Wc1OlRz8UbX",
            order_id: Some("CAFE-2026-1125-0042"),
            customer_id: Some("yoon_seojun"),
            payer: Some(["윤서준", "seojun.yoon@example.com", "010-8901-2345"]),
            product_name: Some("바리스타 자격증 대비반 수강료"),
            paid_amount: Some("450000"),
            paid_at: None,
            status: PaymentStatus::VirtualBankStandby,
            gateway: Some(PaymentGateway::Kg),
            method: Some(PaymentMethod::Vbank),
            payment_only: Some(true),
            error_message: None,
            cancel: None,
            v_bank: Some(VBankFacts {
                bank_code: Some("004"),
                bank_name: Some("KB국민은행"),
                account_number: Some("56210204718832"),
                account_name: Some("(주)스텝커피아카데미"),
                bank_date: at_kst("2026-11-28T23:59:59", "2026-11-28T14:59:59Z"),
            }),
            nice_cms: None,
        },
    );
}

// ---------------------------------------------------------------------------------------
// Customers
// ---------------------------------------------------------------------------------------

/// Everything the tests check of a [`Customer`].
struct CustomerFacts {
    id: i64,
    username: Option<&'static str>,
    name: Option<&'static str>,
    email: Option<&'static str>,
    phone: Option<&'static str>,
    shipping: Option<ShippingFacts>,
    code: Option<&'static str>,
    attributes: &'static [(&'static str, &'static str)],
    created_at: Option<At>,
    additional_recipients: &'static [&'static str],
}

#[track_caller]
fn check_customer(customer: &Customer, expected: &CustomerFacts) {
    let (c, e) = (customer, expected);
    let recipients: Vec<String> = e
        .additional_recipients
        .iter()
        .map(|r| r.to_string())
        .collect();
    #[rustfmt::skip]
    fields! {
        check "id" => c.id, e.id;
        check "username" => c.username.as_deref(), e.username;
        check "name" => c.name.as_deref(), e.name;
        check "email" => c.email.as_deref(), e.email;
        check "phone" => c.phone.as_deref(), e.phone;
        check_shipping "shipping" => c.shipping.as_ref(), e.shipping;
        check "code" => c.code.as_deref(), e.code;
        check "attributes" => &c.attributes, &string_map(e.attributes);
        check_at "createdAt" => c.created_at.as_ref(), e.created_at;
        check "additionalRecipients" => &c.additional_recipients, &recipients;
    }
}

#[test]
fn customer_created() {
    let webhook = load!("customer.created.json");
    check_envelope(&webhook, 1795568609, "v1");
    check_customer(
        payload!(webhook, CustomerCreated),
        &CustomerFacts {
            id: 208112,
            username: Some("seoyeon.kim"),
            name: Some("김서연"),
            email: Some("seoyeon.kim@example.co.kr"),
            phone: Some("010-2345-6789"),
            shipping: Some([
                "김서연",
                "010-2345-6789",
                "04524",
                "서울특별시 중구 세종대로 110",
                "서울시청 별관 2층",
                "서울특별시",
                "중구",
                "KR",
            ]),
            code: Some("customer_Wn4Hb7QpZs"),
            attributes: &[
                ("memberGrade", "VIP"),
                ("marketingAgree", "Y"),
                ("referrer", "인스타그램 광고"),
            ],
            created_at: at_kst("2026-11-25T01:03:27.5", "2026-11-24T16:03:27.5Z"),
            additional_recipients: &["finance@seoyeon-studio.kr", "seoyeon.assistant@example.com"],
        },
    );
}

#[test]
fn customer_updated() {
    let webhook = load!("customer.updated.json");
    check_envelope(&webhook, 1795591142, "v1");
    check_customer(
        payload!(webhook, CustomerUpdated),
        &CustomerFacts {
            id: 203371,
            username: Some("jungha_eun"),
            name: Some("정하은"),
            email: Some("haeun.jung@example.com"),
            phone: Some("010-6789-0123"),
            shipping: Some([
                "정하은",
                "010-6789-0123",
                "61945",
                "광주광역시 서구 상무중앙로 110",
                "3층 301호",
                "광주광역시",
                "서구",
                "KR",
            ]),
            code: Some("customer_Xo5Ic8RqAt"),
            attributes: &[
                ("memberGrade", "GOLD"),
                ("birthday", "1994-03-15"),
                ("preferredDeliveryTime", "오전"),
            ],
            created_at: at_kst("2026-06-11T11:40:09.038268", "2026-06-11T02:40:09.038268Z"),
            additional_recipients: &["haeun.work@example.co.kr"],
        },
    );
}

#[test]
fn customer_deleted() {
    let webhook = load!("customer.deleted.json");
    check_envelope(&webhook, 1795661500, "v1");
    check_customer(
        payload!(webhook, CustomerDeleted),
        &CustomerFacts {
            id: 196054,
            username: Some("lim.sua"),
            name: Some("임수아"),
            email: Some("sua.lim@example.kr"),
            phone: Some("010-9012-3456"),
            shipping: Some([
                "임수아",
                "010-9012-3456",
                "63122",
                "제주특별자치도 제주시 첨단로 242",
                "스페이스닷원 B동 5층",
                "제주특별자치도",
                "제주시",
                "KR",
            ]),
            code: Some("customer_Yp6Jd9SrBu"),
            attributes: &[("withdrawReason", "서비스 이용 빈도 낮음")],
            created_at: at_kst("2025-12-30T05:14:51", "2025-12-29T20:14:51Z"),
            additional_recipients: &[],
        },
    );
}

// ---------------------------------------------------------------------------------------
// Products and prices
// ---------------------------------------------------------------------------------------

/// Everything the tests check of a [`Product`] (its prices with [`PriceFacts`]).
struct ProductFacts {
    code: &'static str,
    r#type: Option<ProductType>,
    status: Option<ProductStatus>,
    name: Option<&'static str>,
    sub_title: Option<&'static str>,
    featured_image_url: Option<&'static str>,
    description: Option<&'static str>,
    image_urls: Vec<String>,
    quantity: Option<i32>,
    option_groups: Vec<OptionGroupFacts>,
    categories: &'static [(i64, &'static str)],
    created_at: Option<At>,
    modified_at: Option<At>,
    enabled_demo: Option<bool>,
    demo_period: Option<i32>,
    demo_period_unit: Option<DateUnitType>,
    prices: Vec<PriceFacts>,
}

/// An option group as (id, name, [(option id, name, quantity, price as written)]).
type OptionGroupFacts = (i64, &'static str, Vec<OptionFacts>);
type OptionFacts = (i64, &'static str, Option<i32>, &'static str);

#[track_caller]
fn check_product(product: &Product, expected: &ProductFacts) {
    let (p, e) = (product, expected);
    let groups: Vec<_> = p
        .option_groups
        .iter()
        .map(|group| {
            let options = group.options.iter().map(|o| {
                let price = text(o.price.as_ref());
                (o.id, o.name.clone(), o.quantity, price)
            });
            (group.id, group.name.clone(), options.collect::<Vec<_>>())
        })
        .collect();
    let expected_groups: Vec<_> = e
        .option_groups
        .iter()
        .map(|(id, name, options)| {
            let options = options.iter().map(|(id, name, quantity, price)| {
                let price = Some(price.to_string());
                (*id, Some(name.to_string()), *quantity, price)
            });
            (*id, Some(name.to_string()), options.collect::<Vec<_>>())
        })
        .collect();
    let categories: Vec<_> = p
        .categories
        .iter()
        .map(|c| (c.category_id, c.name.as_deref()))
        .collect();
    let expected_categories: Vec<_> = e
        .categories
        .iter()
        .map(|(id, name)| (*id, Some(*name)))
        .collect();
    #[rustfmt::skip]
    fields! {
        check "code" => p.code.as_str(), e.code;
        check "type" => &p.r#type, &e.r#type;
        check "status" => &p.status, &e.status;
        check "name" => p.name.as_deref(), e.name;
        check "subTitle" => p.sub_title.as_deref(), e.sub_title;
        check "featuredImageUrl" => p.featured_image_url.as_deref(), e.featured_image_url;
        check "description" => p.description.as_deref(), e.description;
        check "imageUrls" => &p.image_urls, &e.image_urls;
        check "quantity" => p.quantity, e.quantity;
        check "optionGroups" => groups, expected_groups;
        check "categories" => categories, expected_categories;
        check_at "createdAt" => p.created_at.as_ref(), e.created_at;
        check_at "modifiedAt" => p.modified_at.as_ref(), e.modified_at;
        check "enabledDemo" => p.enabled_demo, e.enabled_demo;
        check "demoPeriod" => p.demo_period, e.demo_period;
        check "demoPeriodUnit" => &p.demo_period_unit, &e.demo_period_unit;
        check "number of prices" => p.prices.len(), e.prices.len();
    }
    for (price, facts) in p.prices.iter().zip(&e.prices) {
        check_price(price, facts);
    }
}

/// Everything the tests check of a [`Price`]. `Default` only fills the table: every field is
/// compared.
#[derive(Clone, Debug, Default)]
struct PriceFacts {
    price_code: &'static str,
    id: Option<i64>,
    price: &'static str,
    unit: Option<&'static str>,
    r#type: Option<PriceType>,
    membership_expiration_date: Option<i32>,
    membership_expiration_date_type: Option<DateUnitType>,
    /// id, name, type, price as written, claimMethodType.
    setup_option: Option<SetupFacts>,
    options: Vec<PriceOptionFacts>,
    /// id, type, tiers as (id, until, price as written).
    additional_billing: Option<BillingFacts>,
    /// unit, count.
    recurring: Option<(Option<DateUnitType>, Option<i32>)>,
    created_at: Option<At>,
    modified_at: Option<At>,
    /// name, description, detailDescription, isHiddenFromShop, adminName.
    plan: Option<PlanFacts>,
    first_sale_enabled: Option<bool>,
    first_sale_price: Option<&'static str>,
    /// methodType, whenToClaimType, billingDate, provideStartDay.
    claim: Option<ClaimFacts>,
    basic_serving: Option<i32>,
    /// (productCode, priceCode) of each bundle entry.
    bundle_prices: Vec<(Option<&'static str>, Option<&'static str>)>,
    onetime_bundle_price: Option<&'static str>,
}

type SetupFacts = (
    i64,
    Option<&'static str>,
    Option<PriceOptionType>,
    Option<&'static str>,
    Option<ClaimMethodType>,
);
type BillingFacts = (
    i64,
    Option<AdditionalBillingType>,
    Vec<(Option<i64>, Option<i64>, Option<&'static str>)>,
);
type PlanFacts = (
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<bool>,
    Option<&'static str>,
);
type ClaimFacts = (
    Option<ClaimMethodType>,
    Option<WhenToClaimType>,
    Option<i32>,
    Option<i32>,
);

/// A price option: id, name, productCode, priceCode, priceName, type, productType, price.
#[derive(Clone, Debug, PartialEq)]
struct PriceOptionFacts {
    id: i64,
    name: Option<&'static str>,
    product_code: Option<&'static str>,
    price_code: Option<&'static str>,
    price_name: Option<&'static str>,
    r#type: Option<PriceOptionType>,
    product_type: Option<ProductType>,
    price: Option<&'static str>,
}

#[track_caller]
fn check_price(price: &Price, expected: &PriceFacts) {
    let (p, e) = (price, expected);
    let what = |field: &str| format!("price {}: {field}", e.price_code);
    let setup = p.setup_option.as_ref().map(|s| {
        let amount = text(s.price.as_ref());
        (
            s.id,
            s.name.as_deref(),
            s.r#type.clone(),
            amount,
            s.claim_method_type.clone(),
        )
    });
    let expected_setup = e
        .setup_option
        .clone()
        .map(|(id, name, ty, amount, claim)| (id, name, ty, amount.map(str::to_owned), claim));
    let options: Vec<_> = p
        .options
        .iter()
        .map(|o| {
            let codes = (
                o.product_code.as_deref(),
                o.price_code.as_deref(),
                o.price_name.as_deref(),
            );
            let kinds = (o.r#type.clone(), o.product_type.clone());
            (
                o.id,
                o.name.as_deref(),
                codes,
                kinds,
                text(o.price.as_ref()),
            )
        })
        .collect();
    let expected_options: Vec<_> = e
        .options
        .iter()
        .map(|o| {
            let codes = (o.product_code, o.price_code, o.price_name);
            let kinds = (o.r#type.clone(), o.product_type.clone());
            (o.id, o.name, codes, kinds, o.price.map(str::to_owned))
        })
        .collect();
    let billing = p.additional_billing.as_ref().map(|b| {
        let ranges = b
            .ranges
            .iter()
            .map(|r| (r.id, r.until, text(r.price.as_ref())));
        (b.id, b.r#type.clone(), ranges.collect::<Vec<_>>())
    });
    let expected_billing = e.additional_billing.clone().map(|(id, ty, ranges)| {
        let ranges = ranges
            .into_iter()
            .map(|(id, until, amount)| (id, until, amount.map(str::to_owned)));
        (id, ty, ranges.collect::<Vec<_>>())
    });
    // Webhook bodies carry none of the API's extra interval fields.
    let recurring = p.recurring.as_ref().map(|r| {
        let api = (
            r.id,
            r.aggregate_usage_type.as_deref(),
            r.usage_type.as_deref(),
        );
        (r.unit.clone(), r.count, api)
    });
    let expected_recurring = e
        .recurring
        .clone()
        .map(|(unit, count)| (unit, count, (None, None, None)));
    let plan = p.plan.as_ref().map(|plan| {
        let names = (
            plan.name.as_deref(),
            plan.description.as_deref(),
            plan.detail_description.as_deref(),
        );
        (
            names.0,
            names.1,
            names.2,
            plan.is_hidden_from_shop,
            plan.admin_name.as_deref(),
        )
    });
    let claim = p.claim.as_ref().map(|c| {
        (
            c.method_type.clone(),
            c.when_to_claim_type.clone(),
            c.billing_date,
            c.provide_start_day,
        )
    });
    let bundles: Vec<_> = p
        .bundle_prices
        .iter()
        .map(|b| (b.product_code.as_deref(), b.price_code.as_deref()))
        .collect();
    #[rustfmt::skip]
    fields! {
        check what("priceCode") => p.price_code.as_str(), e.price_code;
        check what("id") => p.id, e.id;
        check_amount what("price") => Some(&p.price), Some(e.price);
        check what("unit") => p.unit.as_deref(), e.unit;
        check what("type") => &p.r#type, &e.r#type;
        check what("membershipExpirationDate") => p.membership_expiration_date, e.membership_expiration_date;
        check what("membershipExpirationDateType") => &p.membership_expiration_date_type, &e.membership_expiration_date_type;
        check what("setupOption") => setup, expected_setup;
        check what("options") => options, expected_options;
        check what("additionalBilling") => billing, expected_billing;
        check what("recurring") => recurring, expected_recurring;
        check_at what("createdAt") => p.created_at.as_ref(), e.created_at;
        check_at what("modifiedAt") => p.modified_at.as_ref(), e.modified_at;
        check what("plan") => plan, e.plan;
        check what("firstSaleEnabled") => p.first_sale_enabled, e.first_sale_enabled;
        check_amount what("firstSalePrice") => p.first_sale_price.as_ref(), e.first_sale_price;
        check what("claim") => claim, e.claim.clone();
        check what("basicServing") => p.basic_serving, e.basic_serving;
        check what("bundlePrices") => bundles, e.bundle_prices.clone();
        check_amount what("onetimeBundlePrice") => p.onetime_bundle_price.as_ref(), e.onetime_bundle_price;
    }
}

#[test]
fn product_created() {
    let webhook = load!("product.created.json");
    check_envelope(&webhook, 1795666062, "v1");
    let base = "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Ht3NzR8pYa";
    check_product(
        payload!(webhook, ProductCreated),
        &ProductFacts {
            code: "product_Ht3NzR8pYa",
            r#type: Some(ProductType::Box),
            status: Some(ProductStatus::Sale),
            name: Some("프리미엄 원두 정기배송"),
            sub_title: Some("매달 새로 볶은 스페셜티 원두"),
            featured_image_url: Some(
                "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Ht3NzR8pYa/main.jpg",
            ),
            description: Some(
                "<p>에티오피아, 콜롬비아 등 산지별 스페셜티 원두를 로스팅 후 3일 이내에 보내드립니다.</p>",
            ),
            image_urls: (1..=3).map(|n| format!("{base}/detail-{n}.jpg")).collect(),
            quantity: Some(500),
            option_groups: vec![
                (
                    3301,
                    "분쇄도",
                    vec![
                        (10231, "홀빈 (분쇄 안 함)", None, "0"),
                        (10232, "핸드드립용", None, "0"),
                        (10233, "에스프레소용", Some(120), "1000"),
                    ],
                ),
                (
                    3302,
                    "용량",
                    vec![
                        (10236, "200g", Some(300), "0"),
                        (10237, "500g", Some(80), "15000.0"),
                    ],
                ),
            ],
            categories: &[(1201, "커피"), (1207, "정기배송")],
            created_at: at_kst(
                "2026-11-26T04:05:10.50896",
                "2026-11-25T19:05:10.50896Z",
            ),
            modified_at: at("2026-11-26T04:07:40.91"),
            enabled_demo: Some(true),
            demo_period: Some(14),
            demo_period_unit: Some(DateUnitType::Day),
            prices: vec![
                PriceFacts {
                    price_code: "price_Vb7Qw2LkXe",
                    price: "29000",
                    unit: Some("원"),
                    r#type: Some(PriceType::Flat),
                    membership_expiration_date: Some(12),
                    membership_expiration_date_type: Some(DateUnitType::Month),
                    setup_option: Some((
                        6012,
                        Some("가입비"),
                        Some(PriceOptionType::Initially),
                        Some("5000"),
                        Some(ClaimMethodType::Pre),
                    )),
                    options: vec![PriceOptionFacts {
                        id: 7101,
                        name: Some("원두 추가 (100g)"),
                        product_code: Some("product_Ht3NzR8pYa"),
                        price_code: Some("price_Vb7Qw2LkXe"),
                        price_name: Some("월간 구독 (200g)"),
                        r#type: Some(PriceOptionType::Periodic),
                        product_type: Some(ProductType::Box),
                        price: Some("8000"),
                    }],
                    additional_billing: None,
                    recurring: Some((Some(DateUnitType::Month), Some(1))),
                    created_at: at("2026-11-26T04:05:11.2"),
                    modified_at: at("2026-11-26T04:05:11.2"),
                    plan: Some((
                        Some("월간 구독 (200g)"),
                        Some("매월 200g 원두를 로스팅 후 3일 이내 발송합니다."),
                        Some("싱글 오리진 원두를 매월 바꿔 보내드립니다. 분쇄도 선택 가능."),
                        Some(false),
                        Some("원두-월간-200"),
                    )),
                    first_sale_enabled: Some(true),
                    first_sale_price: Some("19900"),
                    claim: Some((
                        Some(ClaimMethodType::Pre),
                        Some(WhenToClaimType::FirstPayment),
                        Some(1),
                        None,
                    )),
                    basic_serving: Some(1),
                    bundle_prices: vec![],
                    onetime_bundle_price: Some("0"),
                    ..PriceFacts::default()
                },
                PriceFacts {
                    price_code: "price_Wc8Rx3MlYf",
                    price: "54000",
                    unit: Some("원"),
                    r#type: Some(PriceType::Flat),
                    membership_expiration_date: Some(6),
                    membership_expiration_date_type: Some(DateUnitType::Month),
                    setup_option: None,
                    options: vec![],
                    recurring: Some((Some(DateUnitType::Week), Some(2))),
                    created_at: at("2026-11-26T04:07:40.91"),
                    modified_at: at("2026-11-26T04:07:40.91"),
                    plan: Some((
                        Some("격주 구독 (500g)"),
                        Some("2주마다 500g 원두를 보내드립니다."),
                        None,
                        Some(false),
                        None,
                    )),
                    first_sale_enabled: Some(false),
                    first_sale_price: None,
                    claim: Some((
                        Some(ClaimMethodType::Pre),
                        Some(WhenToClaimType::FirstPayment),
                        Some(1),
                        Some(3),
                    )),
                    basic_serving: Some(1),
                    onetime_bundle_price: Some("0.0"),
                    ..PriceFacts::default()
                },
            ],
        },
    );
}

#[test]
fn product_updated() {
    let webhook = load!("product.updated.json");
    check_envelope(&webhook, 1795756953, "v1");
    let product = payload!(webhook, ProductUpdated);
    check(
        "price modifiedAt = product modifiedAt",
        &product.prices[0].modified_at,
        &product.modified_at,
    );
    check_product(
        product,
        &ProductFacts {
            code: "product_Pq7Yx3VbNc",
            r#type: Some(ProductType::Box),
            status: Some(ProductStatus::OutOfStock),
            name: Some("유기농 제철 과일 선물세트"),
            sub_title: Some("산지 직송 유기농 과일"),
            featured_image_url: Some(
                "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Pq7Yx3VbNc/main.png",
            ),
            description: Some("경북 청송 사과와 나주 배를 산지에서 바로 보내드립니다. (재고 소진)"),
            image_urls: vec![
                "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Pq7Yx3VbNc/detail-1.png"
                    .to_owned(),
            ],
            quantity: Some(0),
            option_groups: vec![(
                3410,
                "구성",
                vec![
                    (20417, "사과+배 (5kg)", Some(0), "0"),
                    (20418, "사과+배+한라봉 (7kg)", Some(0), "29000"),
                ],
            )],
            categories: &[(1305, "과일·채소")],
            created_at: at("2026-10-05T02:58:44.2"),
            modified_at: at_kst("2026-11-27T05:22:31.038268", "2026-11-26T20:22:31.038268Z"),
            enabled_demo: Some(false),
            demo_period: None,
            demo_period_unit: None,
            prices: vec![PriceFacts {
                price_code: "price_Fr5Lm8QzTa",
                price: "99000",
                unit: Some("박스"),
                r#type: Some(PriceType::OneTime),
                membership_expiration_date: Some(0),
                membership_expiration_date_type: None,
                setup_option: None,
                options: vec![PriceOptionFacts {
                    id: 7410,
                    name: Some("선물 포장"),
                    product_code: Some("product_Pq7Yx3VbNc"),
                    price_code: Some("price_Fr5Lm8QzTa"),
                    price_name: Some("단품 구매"),
                    r#type: Some(PriceOptionType::Initially),
                    product_type: Some(ProductType::Box),
                    price: Some("4000"),
                }],
                recurring: None,
                created_at: at("2026-10-05T03:00:00"),
                modified_at: at("2026-11-27T05:22:31.038268"),
                plan: Some((
                    Some("단품 구매"),
                    Some("한 번만 구매합니다."),
                    None,
                    Some(false),
                    Some("과일세트-단품"),
                )),
                first_sale_enabled: Some(false),
                claim: None,
                basic_serving: Some(0),
                onetime_bundle_price: Some("0"),
                ..PriceFacts::default()
            }],
        },
    );
}

#[test]
fn product_deleted() {
    let webhook = load!("product.deleted.json");
    check_envelope(&webhook, 1795827725, "v1");
    check_product(
        payload!(webhook, ProductDeleted),
        &ProductFacts {
            code: "product_Nb6Vc1XzQw",
            r#type: Some(ProductType::Software),
            status: Some(ProductStatus::Unsold),
            name: Some("온라인 영어 회화 멤버십"),
            sub_title: Some("원어민과 1:1 화상 수업"),
            featured_image_url: Some(
                "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Nb6Vc1XzQw/main.png",
            ),
            description: Some("판매 종료된 상품입니다."),
            image_urls: vec![],
            quantity: None,
            option_groups: vec![(
                3520,
                "수업 시간",
                vec![
                    (40551, "평일 저녁 (19-22시)", None, "0"),
                    (40552, "주말 오전 (9-12시)", None, "10000"),
                ],
            )],
            categories: &[(1410, "교육")],
            created_at: at_kst("2026-04-20T08:14:31", "2026-04-19T23:14:31Z"),
            modified_at: at("2026-11-28T01:02:03.456"),
            enabled_demo: Some(true),
            demo_period: Some(1),
            demo_period_unit: Some(DateUnitType::Week),
            prices: vec![PriceFacts {
                price_code: "price_Mw8Ub4KjRs",
                price: "59000",
                unit: Some("원"),
                r#type: Some(PriceType::Flat),
                membership_expiration_date: Some(12),
                membership_expiration_date_type: Some(DateUnitType::Month),
                recurring: Some((Some(DateUnitType::Month), Some(1))),
                created_at: at("2026-04-20T08:15:00"),
                modified_at: at("2026-11-28T01:02:03.456"),
                plan: Some((
                    Some("월간 멤버십"),
                    Some("원어민 1:1 화상 회화 주 2회"),
                    None,
                    Some(true),
                    Some("영어회화-월간"),
                )),
                first_sale_enabled: Some(false),
                claim: Some((
                    Some(ClaimMethodType::Pre),
                    Some(WhenToClaimType::FirstPayment),
                    Some(1),
                    None,
                )),
                basic_serving: Some(1),
                onetime_bundle_price: Some("0"),
                ..PriceFacts::default()
            }],
        },
    );
}

#[test]
fn product_price_created() {
    let webhook = load!("product.price.created.json");
    check_envelope(&webhook, 1795674604, "v1");
    let price = payload!(webhook, ProductPriceCreated);
    check("price value", price.price, Decimal::new(19900, 0));
    check(
        "modifiedAt = createdAt",
        &price.modified_at,
        &price.created_at,
    );
    let option = |id, name, ty, price| PriceOptionFacts {
        id,
        name: Some(name),
        product_code: Some("product_Tb4Le9WoRf"),
        price_code: Some("price_Sa3Kd8VnQe"),
        price_name: Some("스탠다드 월간"),
        r#type: Some(ty),
        product_type: Some(ProductType::Software),
        price: Some(price),
    };
    check_price(
        price,
        &PriceFacts {
            price_code: "price_Sa3Kd8VnQe",
            price: "19900",
            unit: Some("원"),
            r#type: Some(PriceType::Flat),
            membership_expiration_date: Some(12),
            membership_expiration_date_type: Some(DateUnitType::Month),
            setup_option: Some((
                6107,
                Some("초기 세팅비"),
                Some(PriceOptionType::Initially),
                Some("30000"),
                Some(ClaimMethodType::Pre),
            )),
            options: vec![
                option(7230, "추가 계정 1개", PriceOptionType::Periodic, "5000"),
                option(7231, "온보딩 교육", PriceOptionType::Initially, "50000"),
            ],
            recurring: Some((Some(DateUnitType::Month), Some(1))),
            created_at: at_kst("2026-11-26T06:30:02.338", "2026-11-25T21:30:02.338Z"),
            modified_at: at("2026-11-26T06:30:02.338"),
            plan: Some((
                Some("스탠다드 월간"),
                Some("소규모 매장을 위한 예약 관리 솔루션"),
                Some("예약 알림톡 월 500건, 직원 계정 3개 포함"),
                Some(false),
                Some("예약관리-STD-M"),
            )),
            first_sale_enabled: Some(true),
            first_sale_price: Some("9900"),
            claim: Some((
                Some(ClaimMethodType::Pre),
                Some(WhenToClaimType::Date),
                Some(10),
                Some(1),
            )),
            basic_serving: Some(3),
            bundle_prices: vec![(Some("product_Uc5Mf0XpSg"), Some("price_Tb9Le4WoRh"))],
            onetime_bundle_price: Some("0"),
            ..PriceFacts::default()
        },
    );
}

#[test]
fn product_price_updated() {
    let webhook = load!("product.price.updated.json");
    check_envelope(&webhook, 1795682661, "v1");
    let price = payload!(webhook, ProductPriceUpdated);
    let billing = price
        .additional_billing
        .as_ref()
        .expect("additionalBilling");
    check(
        "8.5 value",
        billing.ranges[1].price,
        Some(Decimal::new(85, 1)),
    );
    // The last tier has `until: null`: no upper bound.
    let bounds: Vec<_> = billing.ranges.iter().map(|r| r.upper_bound()).collect();
    check("upper bounds", bounds, vec![Some(10000), Some(50000), None]);
    check_price(
        price,
        &PriceFacts {
            price_code: "price_Ud6Mg1YqTh",
            price: "50000.0",
            unit: Some("건"),
            r#type: Some(PriceType::UsageBased),
            membership_expiration_date: Some(0),
            membership_expiration_date_type: Some(DateUnitType::Year),
            setup_option: Some((
                6115,
                Some("API 연동 설정비"),
                Some(PriceOptionType::Initially),
                Some("110000"),
                Some(ClaimMethodType::Post),
            )),
            options: vec![PriceOptionFacts {
                id: 7302,
                name: Some("전용 발신번호"),
                product_code: Some("product_Vd7Nh2ZrUi"),
                price_code: Some("price_Ud6Mg1YqTh"),
                price_name: Some("알림톡 종량제"),
                r#type: Some(PriceOptionType::Periodic),
                product_type: Some(ProductType::Software),
                price: Some("3300"),
            }],
            additional_billing: Some((
                8841,
                Some(AdditionalBillingType::UsageBasedWithRange),
                vec![
                    (Some(99101), Some(10000), Some("9")),
                    (Some(99102), Some(50000), Some("8.5")),
                    (Some(99103), None, Some("7.5")),
                ],
            )),
            recurring: Some((Some(DateUnitType::Month), Some(1))),
            created_at: at_kst("2026-03-02T01:00:00", "2026-03-01T16:00:00Z"),
            modified_at: at("2026-11-26T08:44:19.50896"),
            plan: Some((
                Some("알림톡 종량제"),
                Some("기본 5,000건 포함, 초과분은 구간별 단가로 후불 청구"),
                Some("10,000건까지 건당 9원, 50,000건까지 8.5원, 이후 7.5원"),
                Some(true),
                Some("알림톡-종량-v3"),
            )),
            first_sale_enabled: Some(false),
            first_sale_price: None,
            claim: Some((
                Some(ClaimMethodType::Post),
                Some(WhenToClaimType::Date),
                Some(5),
                None,
            )),
            basic_serving: Some(5000),
            onetime_bundle_price: Some("0"),
            ..PriceFacts::default()
        },
    );
}

#[test]
fn product_price_deleted() {
    let webhook = load!("product.price.deleted.json");
    check_envelope(&webhook, 1795745467, "v1");
    check_price(
        payload!(webhook, ProductPriceDeleted),
        &PriceFacts {
            price_code: "price_Xf9Pj4BtWk",
            price: "69000",
            unit: Some("세트"),
            r#type: Some(PriceType::Bundle),
            membership_expiration_date: Some(3),
            membership_expiration_date_type: Some(DateUnitType::Month),
            setup_option: Some((
                6120,
                Some("보냉백 보증금"),
                Some(PriceOptionType::Initially),
                Some("10000"),
                Some(ClaimMethodType::Pre),
            )),
            options: vec![],
            additional_billing: Some((
                8850,
                Some(AdditionalBillingType::UsageBasedWithRangeAndFixedPrice),
                vec![
                    (Some(99150), Some(3), Some("0")),
                    (Some(99151), Some(6), Some("15000")),
                    (Some(99152), Some(10), Some("25000.0")),
                ],
            )),
            recurring: Some((Some(DateUnitType::Week), Some(1))),
            created_at: at("2026-09-01T00:30:00.1"),
            modified_at: at_kst("2026-11-27T02:11:05.4413", "2026-11-26T17:11:05.4413Z"),
            plan: Some((
                Some("한식 반찬 3종 주간 세트"),
                Some("매주 월요일 반찬 3종을 새벽 배송합니다."),
                None,
                Some(false),
                Some("반찬-번들-주간"),
            )),
            first_sale_enabled: Some(false),
            first_sale_price: None,
            claim: Some((
                Some(ClaimMethodType::Pre),
                Some(WhenToClaimType::FirstPayment),
                Some(1),
                Some(2),
            )),
            basic_serving: Some(1),
            bundle_prices: vec![
                (Some("product_Yg0Qk5CuXl"), Some("price_Yg1Qk6CuXm")),
                (Some("product_Zh1Rl6DvYm"), Some("price_Zh2Rl7DvYn")),
                (Some("product_Ai2Sm7EwZn"), None),
            ],
            onetime_bundle_price: Some("75000"),
            ..PriceFacts::default()
        },
    );
}

// ---------------------------------------------------------------------------------------
// StepCover
// ---------------------------------------------------------------------------------------

/// Everything the tests check of a [`Cover`]: id, customerId, orderId, subscriptionId,
/// nextRetryDatetime, messageType, messageSentStep.
type CoverFacts = (
    i64,
    &'static str,
    &'static str,
    &'static str,
    Option<At>,
    Option<CoverMessageType>,
    Option<i32>,
);

#[track_caller]
fn check_cover(cover: &Cover, expected: CoverFacts) {
    let (c, (id, customer, order, subscription, retry, message_type, step)) = (cover, expected);
    #[rustfmt::skip]
    fields! {
        check "id" => c.id, id;
        check "customerId" => c.customer_id.as_str(), customer;
        check "orderId" => c.order_id.as_str(), order;
        check "subscriptionId" => c.subscription_id.as_str(), subscription;
        check_at "nextRetryDatetime" => c.next_retry_datetime.as_ref(), retry;
        check "messageType" => &c.message_type, &message_type;
        check "messageSentStep" => c.message_sent_step, step;
    }
}

#[test]
fn cover_events() {
    use CoverMessageType::{DateChanged, Paused, Remind};
    let cases: [(&str, &[u8], i64, CoverFacts); 4] = [
        (
            "cover.sent_message",
            include_bytes!("../fixtures/cover.sent_message.json"),
            1795836611,
            // The fixture has no date: nextRetryDatetime is null.
            (
                530117,
                "203371",
                "359842",
                "112650",
                None,
                Some(Remind),
                Some(2),
            ),
        ),
        (
            "cover.delayed_message",
            include_bytes!("../fixtures/cover.delayed_message.json"),
            1795845767,
            (
                530204,
                "201143",
                "358390",
                "110987",
                at_kst("2026-11-30T01:00:00", "2026-11-29T16:00:00Z"),
                Some(Remind),
                Some(1),
            ),
        ),
        (
            "cover.changed_payment_date",
            include_bytes!("../fixtures/cover.changed_payment_date.json"),
            1795918536,
            (
                530266,
                "cust-0091",
                "ORD-2026-11-0733",
                "SUB-88120",
                at_kst("2026-12-05T00:00:00.5", "2026-12-04T15:00:00.5Z"),
                Some(DateChanged),
                Some(3),
            ),
        ),
        (
            "cover.paused",
            include_bytes!("../fixtures/cover.paused.json"),
            1795945200,
            (
                529880,
                "198420",
                "357002",
                "109842",
                None,
                Some(Paused),
                Some(5),
            ),
        ),
    ];
    for (event, body, timestamp, facts) in cases {
        let webhook = parse(event, body);
        check_envelope(&webhook, timestamp, "v1");
        let kind: EventType = event.parse().expect("a known event type");
        check("variant", is_expected_variant(kind, &webhook.event), true);
        let (Event::CoverSentMessage(cover)
        | Event::CoverDelayedMessage(cover)
        | Event::CoverChangedPaymentDate(cover)
        | Event::CoverPaused(cover)) = &webhook.event
        else {
            panic!("{event}: not a cover event: {:?}", webhook.event_name());
        };
        check_cover(cover, facts);
    }
}

// ---------------------------------------------------------------------------------------
// Every event type
// ---------------------------------------------------------------------------------------

/// Whether `event` is the variant that `kind` must parse into: written out by hand so that
/// a wrong mapping in the crate fails.
fn is_expected_variant(kind: EventType, event: &Event) -> bool {
    match kind {
        EventType::OrderCreated => matches!(event, Event::OrderCreated(_)),
        EventType::OrderUpdated => matches!(event, Event::OrderUpdated(_)),
        EventType::OrderPaymentCompleted => matches!(event, Event::OrderPaymentCompleted(_)),
        EventType::SubscriptionCreated => matches!(event, Event::SubscriptionCreated(_)),
        EventType::SubscriptionUpdated => matches!(event, Event::SubscriptionUpdated(_)),
        EventType::SubscriptionPaymentDueNotification => {
            matches!(event, Event::SubscriptionPaymentDueNotification(_))
        }
        EventType::SubscriptionUsageAdded => matches!(event, Event::SubscriptionUsageAdded(_)),
        EventType::InvoiceCreated => matches!(event, Event::InvoiceCreated(_)),
        EventType::InvoiceUpdated => matches!(event, Event::InvoiceUpdated(_)),
        EventType::InvoiceDeleted => matches!(event, Event::InvoiceDeleted(_)),
        EventType::PaymentCompleted => matches!(event, Event::PaymentCompleted(_)),
        EventType::PaymentFailed => matches!(event, Event::PaymentFailed(_)),
        EventType::PaymentCanceled => matches!(event, Event::PaymentCanceled(_)),
        EventType::PaymentStandby => matches!(event, Event::PaymentStandby(_)),
        EventType::CustomerCreated => matches!(event, Event::CustomerCreated(_)),
        EventType::CustomerUpdated => matches!(event, Event::CustomerUpdated(_)),
        EventType::CustomerDeleted => matches!(event, Event::CustomerDeleted(_)),
        EventType::ProductCreated => matches!(event, Event::ProductCreated(_)),
        EventType::ProductUpdated => matches!(event, Event::ProductUpdated(_)),
        EventType::ProductDeleted => matches!(event, Event::ProductDeleted(_)),
        EventType::ProductPriceCreated => matches!(event, Event::ProductPriceCreated(_)),
        EventType::ProductPriceUpdated => matches!(event, Event::ProductPriceUpdated(_)),
        EventType::ProductPriceDeleted => matches!(event, Event::ProductPriceDeleted(_)),
        EventType::CoverSentMessage => matches!(event, Event::CoverSentMessage(_)),
        EventType::CoverDelayedMessage => matches!(event, Event::CoverDelayedMessage(_)),
        EventType::CoverChangedPaymentDate => matches!(event, Event::CoverChangedPaymentDate(_)),
        EventType::CoverPaused => matches!(event, Event::CoverPaused(_)),
        other => panic!("no expected variant written for {other:?}: add it to this test"),
    }
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");

#[test]
fn every_event_type_has_a_fixture_that_parses_into_its_variant() {
    let mut checked = 0;
    for kind in EventType::iter() {
        let path = format!("{FIXTURES}{kind}.json");
        let body = std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
        let webhook = parse(&path, &body);
        assert_eq!(webhook.event.event_type(), Some(kind), "{path}");
        assert_eq!(webhook.event_type(), Some(kind), "{path}");
        assert_eq!(webhook.event.event_name(), kind.as_str(), "{path}");
        assert!(!webhook.event.is_unknown(), "{path}");
        assert!(
            is_expected_variant(kind, &webhook.event),
            "{path}: parsed into the wrong variant for {kind:?}"
        );
        checked += 1;
    }
    assert_eq!(checked, 27, "StepPay documents 27 event types");
}

#[test]
fn every_top_level_fixture_is_a_known_event_type() {
    let entries = std::fs::read_dir(FIXTURES).unwrap_or_else(|e| panic!("{FIXTURES}: {e}"));
    let mut names = Vec::new();
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|ext| ext == "json") {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("UTF-8 name");
            let kind = stem.parse::<EventType>();
            assert!(
                kind.is_ok(),
                "{} is not named after an event type",
                path.display()
            );
            names.push(stem.to_owned());
        }
    }
    assert_eq!(
        names.len(),
        27,
        "one main fixture per event type: {names:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Minimal bodies: required fields only
// ---------------------------------------------------------------------------------------

#[test]
fn minimal_order_created() {
    let webhook = load!("minimal/order.created.json");
    check_envelope(&webhook, 1795950000, "v1");
    check_order(
        payload!(webhook, OrderCreated),
        &OrderFacts {
            id: 360001,
            code: "20261129-00000001",
            r#type: OrderType::OneTime,
            paid: "9900",
            returned: "0",
            left: "9900",
            discounted: Some("0"),
            product_name: Some("핸드드립 입문 키트"),
            payment_date: None,
            payment_due_date: None,
            created_at: None,
            modified_at: None,
            purchase_deadline: None,
            id_key: None,
            customer_id: None,
            shipping: None,
            subscriptions: &[],
            invoice_id: None,
            items: vec![],
            items_add_up: false,
        },
    );
}

#[test]
fn minimal_subscription_created() {
    let webhook = load!("minimal/subscription.created.json");
    check_envelope(&webhook, 1795950010, "v1");
    check_subscription(
        payload!(webhook, SubscriptionCreated),
        &SubscriptionFacts {
            subscription_id: 119001,
            status: SubscriptionStatus::Incomplete,
            created_at: None,
            trial_period: None,
            last_payment_date: None,
            next_payment_date: None,
            origin_next_payment_date: None,
            end_date: None,
            paused_date_time: None,
            order_id: None,
            order_code: None,
            customer_id: None,
            interval_unit: None,
            interval_count: None,
            payment_method: None,
            current_period: None,
            noti_before_payment_date: None,
            items: vec![],
        },
    );
}

#[test]
fn minimal_subscription_usage_added() {
    let webhook = load!("minimal/subscription.usage.added.json");
    check_envelope(&webhook, 1795950020, "v1");
    let usage = payload!(webhook, SubscriptionUsageAdded);
    check_usage(
        usage,
        (77401, 242001, None, 120),
        &[(
            404001,
            (None, 120, None, 120),
            Some("2026-11-29T10:59:58"),
            Some(Actor::V1),
        )],
    );
    check_at(
        "influxDate",
        usage.record_quotas[0].influx_date.as_ref(),
        at_kst("2026-11-29T10:59:58", "2026-11-29T01:59:58Z"),
    );
}

#[test]
fn minimal_invoice_created_is_all_empty() {
    let webhook = load!("minimal/invoice.created.json");
    check_envelope(&webhook, 1795950030, "v1");
    let invoice = payload!(webhook, InvoiceCreated);
    check("the default invoice", invoice, &Invoice::default());
    check_invoice(
        invoice,
        &InvoiceFacts {
            id: None,
            status: None,
            publish_type: None,
            purchase_deadline: None,
            reservation_at: None,
            deleted_at: None,
            publish_method: vec![],
            discount: None,
            memo_to_customer: None,
            order_id: None,
            order_code: None,
            customer_id: None,
        },
    );
}

#[test]
fn minimal_payment_completed() {
    let webhook = load!("minimal/payment.completed.json");
    check_envelope(&webhook, 1795950040, "v1");
    check_payment(
        payload!(webhook, PaymentCompleted),
        &PaymentFacts {
            payment_id: 783001,
            id_key: "1796036440110e5Lu7Xd2PmSa9VcY",
            order_id: None,
            customer_id: None,
            payer: None,
            product_name: None,
            paid_amount: None,
            paid_at: None,
            status: PaymentStatus::Complete,
            gateway: Some(PaymentGateway::Kakao),
            method: Some(PaymentMethod::SimplePay),
            payment_only: None,
            error_message: None,
            cancel: None,
            v_bank: None,
            nice_cms: None,
        },
    );
}

#[test]
fn minimal_customer_created() {
    let webhook = load!("minimal/customer.created.json");
    check_envelope(&webhook, 1795950050, "v1");
    check_customer(
        payload!(webhook, CustomerCreated),
        &CustomerFacts {
            id: 209001,
            username: None,
            name: None,
            email: None,
            phone: None,
            shipping: None,
            code: None,
            attributes: &[],
            created_at: None,
            additional_recipients: &[],
        },
    );
}

#[test]
fn minimal_product_created() {
    let webhook = load!("minimal/product.created.json");
    check_envelope(&webhook, 1795950060, "v1");
    check_product(
        payload!(webhook, ProductCreated),
        &ProductFacts {
            code: "product_Bj3Tn8FxAo",
            r#type: None,
            status: None,
            name: None,
            sub_title: None,
            featured_image_url: None,
            description: None,
            image_urls: vec![],
            quantity: None,
            option_groups: vec![],
            categories: &[],
            created_at: None,
            modified_at: None,
            enabled_demo: None,
            demo_period: None,
            demo_period_unit: None,
            prices: vec![],
        },
    );
}

#[test]
fn minimal_product_price_created() {
    let webhook = load!("minimal/product.price.created.json");
    check_envelope(&webhook, 1795950070, "v1");
    check_price(
        payload!(webhook, ProductPriceCreated),
        &PriceFacts {
            price_code: "price_Ck4Uo9GyBp",
            price: "15000",
            membership_expiration_date: Some(0),
            basic_serving: Some(0),
            onetime_bundle_price: Some("0"),
            options: vec![PriceOptionFacts {
                id: 7501,
                name: None,
                product_code: None,
                price_code: None,
                price_name: None,
                r#type: None,
                product_type: None,
                price: Some("2000"),
            }],
            // `bundlePrices: [{}]`: one entry with both codes absent.
            bundle_prices: vec![(None, None)],
            ..PriceFacts::default()
        },
    );
}

#[test]
fn minimal_cover_sent_message() {
    let webhook = load!("minimal/cover.sent_message.json");
    check_envelope(&webhook, 1795950080, "v1");
    check_cover(
        payload!(webhook, CoverSentMessage),
        (531001, "209001", "360001", "119001", None, None, None),
    );
}

// ---------------------------------------------------------------------------------------
// Edge cases
// ---------------------------------------------------------------------------------------

#[test]
fn usage_official_example() {
    let webhook = load!("edge/usage-official-example.json");
    check_envelope(&webhook, 1688697915, "v1");
    check(
        "sent_at",
        webhook.sent_at(),
        Some(utc("2023-07-07T02:45:15Z")),
    );
    let usage = payload!(webhook, SubscriptionUsageAdded);
    check_usage(
        usage,
        (1, 1, None, 1000),
        &[
            (
                1,
                (None, 0, None, 0),
                Some("2023-07-07T01:35:42"),
                Some(Actor::System),
            ),
            (
                2,
                (None, 1000, None, 1000),
                Some("2023-07-07T02:38:47"),
                Some(Actor::Manager),
            ),
        ],
    );
    let [first, second] = &usage.record_quotas[..] else {
        panic!("expected 2 record quotas");
    };
    check_at(
        "first influxDate",
        first.influx_date.as_ref(),
        at_kst("2023-07-07T01:35:42", "2023-07-06T16:35:42Z"),
    );
    check_at(
        "second influxDate",
        second.influx_date.as_ref(),
        at_kst("2023-07-07T02:38:47", "2023-07-06T17:38:47Z"),
    );
    // Read as UTC (the default), the usage was recorded 6 min 28 s before the delivery.
    let recorded = second.influx_date.as_ref().expect("influxDate").to_utc();
    let sent = webhook.sent_at().expect("sent_at");
    check(
        "recorded before sending",
        (sent - recorded).num_seconds(),
        388,
    );
}

#[test]
fn unknown_event_type_keeps_name_and_data() {
    const BODY: &[u8] = include_bytes!("../fixtures/edge/unknown-event.json");
    let webhook = parse("edge/unknown-event.json", BODY);
    let raw: Value = serde_json::from_slice(BODY).expect("fixture is JSON");
    check_envelope(&webhook, 1795824007, "v1");

    assert_eq!(webhook.event.event_type(), None);
    assert_eq!(webhook.event_type(), None);
    assert_eq!(webhook.event.event_name(), "subscription.renewal_reminded");
    assert!(webhook.event.is_unknown());
    let Event::Unknown { event_name, data } = &webhook.event else {
        panic!("expected Event::Unknown, got {}", webhook.event_name());
    };
    assert_eq!(event_name, "subscription.renewal_reminded");
    assert!(raw["data"].is_object(), "the fixture's data is an object");
    assert_eq!(data, &raw["data"]);
    // Spot checks, so that the comparison above cannot pass on two empty values.
    assert_eq!(data["reminderType"], "RENEWAL_D3");
    assert_eq!(data["subscriptionId"], 112650);
    assert_eq!(data["channels"].as_array().map(Vec::len), Some(2));
    assert_eq!(data["channels"][1]["errorCode"], 550);
    assert_eq!(data["amount"].as_f64(), Some(36400.0));
}

#[test]
fn unknown_enum_values_in_a_payment() {
    let webhook = load!("edge/unknown-enum-values.json");
    check_envelope(&webhook, 1795953612, "v1");
    let payment = payload!(webhook, PaymentCompleted);

    assert_unknown!(payment.status, PaymentStatus::Unknown("REFUND_PENDING"));
    assert_unknown!(
        payment.payment_gateway,
        Some(PaymentGateway::Unknown("KAKAOPAY_V2"))
    );
    assert_unknown!(
        payment.payment_method,
        Some(PaymentMethod::Unknown("POINT"))
    );
    let cms = payment.nice_cms.as_ref().expect("niceCms");
    assert_unknown!(cms.bank_code, Some(BankCode::Unknown("SUHYUP")));
    assert_unknown!(cms.status, Some(CmsStatus::Unknown("ACCOUNT_REREGISTERED")));
    assert!(payment.status.is_unknown());
    check(
        "gateway text",
        payment.payment_gateway.as_ref().map(|g| g.as_str()),
        Some("KAKAOPAY_V2"),
    );

    // Everything else still reads.
    check_payment(
        payment,
        &PaymentFacts {
            payment_id: 783555,
            id_key: "1796040012345f6Mv8Ye3QnTb0WdZ",
            order_id: Some("360220"),
            customer_id: Some("206611"),
            payer: Some(["한지민", "jimin.han@example.com", "010-1357-2468"]),
            product_name: Some("건강즙 정기배송 (30포)"),
            paid_amount: Some("52000"),
            paid_at: at("2026-11-29T12:00:10.77"),
            status: PaymentStatus::Unknown("REFUND_PENDING".to_owned()),
            gateway: Some(PaymentGateway::Unknown("KAKAOPAY_V2".to_owned())),
            method: Some(PaymentMethod::Unknown("POINT".to_owned())),
            payment_only: Some(false),
            error_message: None,
            cancel: None,
            v_bank: None,
            nice_cms: Some(NiceCmsFacts {
                corporate_manager: Some("한지민"),
                company_name: Some("한결 한의원"),
                company_registration_number: Some("211-90-54321"),
                account_holder_social_security_number: Some("900712-2******"),
                bank_code: Some(BankCode::Unknown("SUHYUP".to_owned())),
                bank_account: Some("1010-****-5566"),
                date: at("2026-11-29T12:00:09"),
                status: Some(CmsStatus::Unknown("ACCOUNT_REREGISTERED".to_owned())),
                error_return: None,
            }),
        },
    );
}

#[test]
fn unknown_enum_values_in_a_subscription() {
    let webhook = load!("edge/unknown-enum-values-subscription.json");
    check_envelope(&webhook, 1795953900, "v1");
    let subscription = payload!(webhook, SubscriptionUpdated);

    assert_unknown!(
        subscription.status,
        SubscriptionStatus::Unknown("SUSPENDED")
    );
    assert_unknown!(
        subscription.interval_unit,
        Some(DateUnitType::Unknown("QUARTER"))
    );
    let method = subscription.payment_method.as_ref().expect("paymentMethod");
    assert_unknown!(
        method.payment_gateway,
        Some(PaymentGateway::Unknown("NAVERPAY"))
    );
    let [known, gift] = &subscription.items[..] else {
        panic!("expected 2 items, got {}", subscription.items.len());
    };
    assert_unknown!(gift.r#type, Some(OrderItemType::Unknown("GIFT")));
    assert_unknown!(
        gift.claim_method_type,
        Some(ClaimMethodType::Unknown("MIXED"))
    );
    assert_unknown!(gift.price_type, Some(PriceType::Unknown("TIERED")));
    // Documented values next to them still read as known variants.
    assert_wire(&known.r#type, &Some(OrderItemType::Sku), "SKU");
    assert_wire(&known.claim_method_type, &Some(ClaimMethodType::Pre), "PRE");
    assert_wire(&known.price_type, &Some(PriceType::Flat), "FLAT");
    assert!(known.r#type.as_ref().is_some_and(|t| !t.is_unknown()));

    check_subscription(
        subscription,
        &SubscriptionFacts {
            subscription_id: 113999,
            status: SubscriptionStatus::Unknown("SUSPENDED".to_owned()),
            created_at: at("2026-05-03T07:22:41.038268"),
            trial_period: None,
            last_payment_date: at("2026-11-03T00:01:12.55"),
            next_payment_date: None,
            origin_next_payment_date: at("2026-12-03T07:22:41"),
            end_date: None,
            paused_date_time: None,
            order_id: Some(330145),
            order_code: Some("20260915-00000220"),
            customer_id: Some(206702),
            interval_unit: Some(DateUnitType::Unknown("QUARTER".to_owned())),
            interval_count: Some(1),
            payment_method: Some((
                Some(PaymentGateway::Unknown("NAVERPAY".to_owned())),
                Some("네이버페이 포인트/머니"),
            )),
            current_period: Some(("2026-11-03T07:22:41", "2026-12-03T07:22:41")),
            noti_before_payment_date: None,
            items: vec![
                SubscriptionItemFacts {
                    id: 238879,
                    product_name: Some("제철 수산물 분기 박스"),
                    image: Some(
                        "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Nb6Vc1XzQw/main.png",
                    ),
                    option_ids: &[40551],
                    price: "129000",
                    maximum_purchase_quantity: Some(1),
                    product_code: Some("product_Em6Wq1IaDr"),
                    price_code: Some("price_Fn7Xr2JbEs"),
                    selected_options: &[40551],
                    ..SubscriptionItemFacts::default()
                },
                SubscriptionItemFacts {
                    id: 238880,
                    product_name: Some("분기 구독 감사 사은품"),
                    price: "0",
                    is_additional: Some(true),
                    maximum_purchase_quantity: Some(10),
                    product_code: Some("product_Em6Wq1IaDr"),
                    price_code: Some("price_Dl5Vp0HzCq"),
                    r#type: Some(OrderItemType::Unknown("GIFT".to_owned())),
                    claim_method_type: Some(ClaimMethodType::Unknown("MIXED".to_owned())),
                    price_type: Some(PriceType::Unknown("TIERED".to_owned())),
                    ..SubscriptionItemFacts::default()
                },
            ],
        },
    );
}

#[test]
fn extra_fields_are_ignored() {
    let webhook = load!("edge/extra-fields.json");
    check_envelope(&webhook, 1795154401, "v1");
    let mut items = fruit_order_items([919100, 919101, 919102, 919103, 919104]);
    // This body's first line carries a demoCycle (with extra fields of its own).
    items[0].demo = Some((3, DateUnitType::Day));
    check_order(
        payload!(webhook, OrderUpdated),
        &OrderFacts {
            id: 352288,
            code: "20261120-00000466",
            r#type: OrderType::OneTime,
            paid: "110000",
            returned: "25000",
            left: "85000",
            discounted: Some("11000"),
            product_name: Some("유기농 제철 과일 선물세트 외 1건"),
            payment_date: at_kst("2026-11-18T23:47:12.038268", "2026-11-18T14:47:12.038268Z"),
            payment_due_date: None,
            created_at: at("2026-11-18T23:45:02.1"),
            modified_at: at("2026-11-20T05:31:44.712"),
            purchase_deadline: at("2026-11-25T23:45:02"),
            id_key: Some("1795045502612f3Tz8KdLmQp0wXa2"),
            customer_id: Some(204999),
            shipping: Some([
                "강도윤",
                "010-7890-1234",
                "03925",
                "서울특별시 마포구 월드컵북로 396",
                "누리꿈스퀘어 비즈니스타워 15층",
                "서울특별시",
                "마포구",
                "KR",
            ]),
            subscriptions: &[],
            invoice_id: None,
            items,
            items_add_up: false,
        },
    );
}

#[test]
fn odd_forms_in_a_payment() {
    let webhook = load!("edge/odd-forms.json");
    // `data` comes first in this body: key order does not matter.
    check_envelope(&webhook, 1795068000, "v1");
    check("event", webhook.event_name(), "payment.canceled");
    let payment = payload!(webhook, PaymentCanceled);

    let paid_amount = payment.paid_amount.expect("paidAmount");
    check("10000.0 value", paid_amount, Decimal::new(10000, 0));
    let cancel = payment.cancel.as_ref().expect("cancel");
    assert!(cancel.canceled_amount.is_zero());

    // `Z`: an explicit zero offset.
    let paid_at = payment.paid_at.as_ref().expect("paidAt");
    check("paidAt offset", paid_at.offset(), FixedOffset::east_opt(0));
    check("paidAt", paid_at.to_utc(), utc("2026-11-12T06:00:00Z"));
    check(
        "paidAt in KST",
        paid_at.to_utc().with_timezone(&KST).to_rfc3339(),
        "2026-11-12T15:00:00+09:00".to_owned(),
    );
    // An explicit offset wins over the one chosen for offset-less values.
    check(
        "paidAt, KST chosen",
        paid_at.to_utc_assuming(KST),
        paid_at.to_utc(),
    );

    // Nine fractional digits and `+09:00`.
    let canceled = cancel
        .last_canceled_date
        .as_ref()
        .expect("lastCanceledDate");
    check(
        "lastCanceledDate offset",
        canceled.offset(),
        FixedOffset::east_opt(9 * 3600),
    );
    check(
        "nanoseconds",
        canceled.naive().and_utc().timestamp_subsec_nanos(),
        123_456_789,
    );
    check("fraction digits", canceled.fraction_digits(), 9);
    check(
        "lastCanceledDate",
        canceled.to_utc(),
        utc("2026-11-12T06:00:00.123456789Z"),
    );

    check_payment(
        payment,
        &PaymentFacts {
            payment_id: 780412,
            id_key: "1795591200456a9Bc2De4Fg6Hi8Jk",
            // Numeric identifiers read as their decimal text.
            order_id: Some("12345"),
            customer_id: Some("67890"),
            payer: Some(["오승현", "seunghyun.oh@example.com", "010-2468-1357"]),
            product_name: Some("캠핑 의자 2개 세트"),
            paid_amount: Some("10000.0"),
            paid_at: at("2026-11-12T06:00:00Z"),
            status: PaymentStatus::PartialCanceled,
            gateway: Some(PaymentGateway::Bluewalnut),
            method: Some(PaymentMethod::Card),
            payment_only: Some(true),
            error_message: None,
            cancel: Some(("0.0", at("2026-11-12T15:00:00.123456789+09:00"))),
            v_bank: None,
            nice_cms: None,
        },
    );
}

#[test]
fn odd_forms_in_an_order() {
    let webhook = load!("edge/odd-forms-order.json");
    check_envelope(&webhook, 1795078802, "v1");
    let order = payload!(webhook, OrderCreated);
    check("12.5 value", order.paid_amount, Decimal::new(125, 1));

    let due = order.payment_due_date.as_ref().expect("paymentDueDate");
    let deadline = order.purchase_deadline.as_ref().expect("purchaseDeadline");
    assert!(due.is_never());
    assert!(deadline.is_never());
    check("both sentinels are the same instant", due, deadline);
    let created = order.created_at.as_ref().expect("createdAt");
    assert!(!created.is_never());

    check_order(
        order,
        &OrderFacts {
            id: 346677,
            code: "20261112-00000077",
            r#type: OrderType::AddUsage,
            paid: "12.5",
            returned: "0.0",
            left: "10000.0",
            discounted: Some("110000"),
            product_name: Some("알림톡 종량제 추가 사용분"),
            payment_date: None,
            payment_due_date: at("9999-01-01T00:00:00.000000"),
            created_at: at_kst("2026-11-12T09:00:00.5", "2026-11-12T00:00:00.5Z"),
            modified_at: at("2026-11-12T09:00:00.5"),
            purchase_deadline: at("9999-01-01T00:00:00"),
            id_key: Some("17949312005003d7Ef9Gh1Ij3Kl5M"),
            customer_id: Some(200145),
            shipping: None,
            // `items: null` and no `subscriptions` read as empty lists.
            subscriptions: &[],
            invoice_id: None,
            items: vec![],
            items_add_up: false,
        },
    );
}

#[test]
fn millisecond_timestamp() {
    let webhook = load!("edge/millis-timestamp.json");
    check("timestamp", webhook.timestamp, 1795046400123);
    check("version", webhook.version.as_str(), "v1");
    let sent_at = webhook.sent_at().expect("timestamp in range");
    check("sent_at", sent_at, utc("2026-11-19T00:00:00.123Z"));
    check("millis", sent_at.timestamp_subsec_millis(), 123);

    check_customer(
        payload!(webhook, CustomerUpdated),
        &CustomerFacts {
            id: 207880,
            username: Some("seo.yerin"),
            name: Some("서예린"),
            email: Some("yerin.seo@example.co.kr"),
            phone: Some("010-3579-2468"),
            shipping: Some([
                "서예린",
                "010-3579-2468",
                "16490",
                "경기도 수원시 팔달구 효원로 241",
                "2층",
                "경기도",
                "수원시 팔달구",
                "KR",
            ]),
            code: Some("customer_Zs8Lf1UtDw"),
            attributes: &[("memberGrade", "SILVER")],
            created_at: at_kst("2026-09-09T09:09:09.09", "2026-09-09T00:09:09.09Z"),
            // `additionalRecipients: null` reads as empty.
            additional_recipients: &[],
        },
    );
}

/// `NiceCms` fields became optional; its `Debug` output still masks the personal numbers.
#[test]
fn nice_cms_debug_still_masks_personal_numbers() {
    let webhook = load!("payment.completed.json");
    let cms = payload!(webhook, PaymentCompleted)
        .nice_cms
        .as_ref()
        .expect("niceCms");
    let debug = format!("{cms:?}");
    for secret in ["617-81-12345", "880315-1******", "110-***-***789"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    assert_eq!(debug.matches("<redacted>").count(), 3, "{debug}");
    assert!(debug.contains("WithdrawSuccess"), "{debug}");
    // Absent numbers show as absent, not as a mask.
    let empty = format!("{:?}", steppay_webhook::NiceCms::default());
    assert!(!empty.contains("<redacted>"), "{empty}");
}
