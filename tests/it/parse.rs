//! Parses every fixture under `tests/fixtures` (the 27 event types, the minimal bodies and
//! the edge cases) and checks the typed values against what the fixture files contain.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::str::FromStr;

use chrono::{FixedOffset, Utc};
use serde::Serialize;
use serde_json::Value;
use steppay_webhook::{
    parse_webhook, Actor, AdditionalBillingType, BankCode, ClaimMethodType, CmsStatus,
    CoverMessageType, DateTime, DateUnitType, Decimal, Event, EventType, Invoice,
    InvoicePublishMethod, InvoicePublishType, InvoiceStatus, Order, OrderItemStatus, OrderItemType,
    OrderType, PaymentGateway, PaymentMethod, PaymentStatus, Period, Price, PriceBundle,
    PriceOptionType, PriceType, Product, ProductStatus, ProductType, Shipping, Subscription,
    SubscriptionStatus, Webhook, WhenToClaimType, KST,
};

// ---------------------------------------------------------------------------------------
// Helpers
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

/// Checks the envelope: timestamp, version and that the timestamp reads as Unix seconds.
fn assert_envelope(webhook: &Webhook, timestamp: i64, version: &str) {
    assert_eq!(webhook.timestamp, timestamp, "timestamp");
    assert_eq!(webhook.version, version, "version");
    assert_eq!(
        webhook.sent_at(),
        chrono::DateTime::from_timestamp(timestamp, 0),
        "sent_at of a 10-digit timestamp is Unix seconds"
    );
}

/// A UTC instant written in RFC 3339.
fn utc(rfc3339: &str) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|error| panic!("bad expected instant {rfc3339}: {error}"))
        .with_timezone(&Utc)
}

/// Checks a date-time: present, written back exactly as on the wire, read as UTC by
/// default, and `kst_instant` when the store's time zone is chosen as KST (UTC+9).
fn assert_date(value: Option<&DateTime>, wire: &str, kst_instant: &str) {
    let value = value.unwrap_or_else(|| panic!("date {wire} is missing"));
    assert_eq!(value.to_string(), wire, "wire text");
    assert_eq!(
        value.to_utc(),
        utc(&format!("{wire}Z")),
        "UTC instant of {wire}"
    );
    assert_eq!(
        value.to_utc_assuming(KST),
        utc(kst_instant),
        "instant of {wire} read as KST"
    );
}

/// The wire text of an optional value (date-time, decimal), for exact comparison.
fn text<T: ToString>(value: &Option<T>) -> Option<String> {
    value.as_ref().map(ToString::to_string)
}

/// An exact decimal from its text.
fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_else(|error| panic!("bad expected decimal {text}: {error}"))
}

/// Checks a shipping address field by field.
fn assert_shipping(shipping: Option<&Shipping>, expected: [&str; 8]) {
    let shipping = shipping.expect("shipping is present");
    let [name, phone, postcode, address1, address2, state, city, country] = expected;
    assert_eq!(shipping.name, name);
    assert_eq!(shipping.phone, phone);
    assert_eq!(shipping.postcode, postcode);
    assert_eq!(shipping.address1, address1);
    assert_eq!(shipping.address2, address2);
    assert_eq!(shipping.state.as_deref(), Some(state));
    assert_eq!(shipping.city.as_deref(), Some(city));
    assert_eq!(shipping.country_code.as_deref(), Some(country));
}

/// One order item as (id, code, type, status, paidAmount as written).
type ItemLine = (i64, String, Option<OrderItemType>, OrderItemStatus, String);

fn item_lines(order: &Order) -> Vec<ItemLine> {
    order
        .items
        .iter()
        .map(|item| {
            let (id, code, paid) = (item.id, item.code.clone(), item.paid_amount.to_string());
            (id, code, item.r#type.clone(), item.status.clone(), paid)
        })
        .collect()
}

/// Builds an [`ItemLine`] from the fixture's values.
fn line(id: i64, code: &str, ty: OrderItemType, status: OrderItemStatus, paid: &str) -> ItemLine {
    (id, code.to_owned(), Some(ty), status, paid.to_owned())
}

/// The item amounts add up to the order's paid amount.
fn assert_items_sum_to_paid_amount(order: &Order) {
    let sum: Decimal = order.items.iter().map(|item| item.paid_amount).sum();
    assert_eq!(sum, order.paid_amount, "items add up to paidAmount");
}

/// One subscription item as (id, price as written, quantity, type, claimMethodType, priceType).
type SubscriptionLine = (
    i64,
    String,
    i32,
    OrderItemType,
    Option<ClaimMethodType>,
    PriceType,
);

fn subscription_lines(subscription: &Subscription) -> Vec<SubscriptionLine> {
    subscription
        .items
        .iter()
        .map(|item| {
            let (id, price, quantity) = (
                item.subscription_item_id,
                item.price.to_string(),
                item.quantity,
            );
            let kinds = (
                item.r#type.clone(),
                item.claim_method_type.clone(),
                item.price_type.clone(),
            );
            (id, price, quantity, kinds.0, kinds.1, kinds.2)
        })
        .collect()
}

/// Checks a subscription's two periods (`None` = the period is `null`).
fn assert_period(period: Option<&Period>, start: &str, end: &str) {
    let period = period.expect("period is present");
    assert_eq!(period.start_date_time.to_string(), start);
    assert_eq!(period.end_date_time.to_string(), end);
}

/// The price's additional-billing tiers as (id, until, price as written).
fn ranges(price: &Price) -> Vec<(Option<i64>, Option<i64>, Option<String>)> {
    let billing = price
        .additional_billing
        .as_ref()
        .expect("additionalBilling");
    billing
        .ranges
        .iter()
        .map(|r| (r.id, r.until, text(&r.price)))
        .collect()
}

/// The price's bundle entries as (productCode, priceCode).
fn bundles(price: &Price) -> Vec<(Option<&str>, Option<&str>)> {
    fn pair(bundle: &PriceBundle) -> (Option<&str>, Option<&str>) {
        (bundle.product_code.as_deref(), bundle.price_code.as_deref())
    }
    price.bundle_prices.iter().map(pair).collect()
}

/// The product's option groups as (group id, group name, [(option id, name, quantity, price)]).
type OptionGroupLine = (i64, String, Vec<(i64, String, Option<i32>, String)>);

fn option_groups(product: &Product) -> Vec<OptionGroupLine> {
    product
        .option_groups
        .iter()
        .map(|group| {
            let options = group.options.iter();
            let options = options.map(|o| (o.id, o.name.clone(), o.quantity, o.price.to_string()));
            (group.id, group.name.clone(), options.collect())
        })
        .collect()
}

/// The product's categories as (id, name).
fn categories(product: &Product) -> Vec<(i64, &str)> {
    product
        .categories
        .iter()
        .map(|c| (c.category_id, c.name.as_str()))
        .collect()
}

/// A `String -> String` map from pairs.
fn string_map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Checks that an enum value is what was expected and serializes back to the wire string.
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

// ---------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------

#[test]
fn order_created() {
    let webhook = load!("order.created.json");
    assert_envelope(&webhook, 1795050754, "v1");
    assert_eq!(webhook.sent_at(), Some(utc("2026-11-19T01:12:34Z")));
    let order = payload!(webhook, OrderCreated);

    assert_eq!(order.id, 348215);
    assert_eq!(order.code, "20261119-00000123");
    assert_eq!(order.r#type, OrderType::RecurringInitial);
    assert_eq!(order.paid_amount, Decimal::new(34000, 0));
    assert_eq!(order.paid_amount.to_string(), "34000");
    assert_eq!(order.returned_amount.to_string(), "0");
    assert_eq!(order.left_amount.to_string(), "34000");
    assert_eq!(order.discounted_amount.to_string(), "3000");
    assert_eq!(order.product_name, "프리미엄 원두 정기배송");
    assert_eq!(order.payment_date, None);
    let due = order.payment_due_date.as_ref();
    assert_date(due, "2026-11-19T01:42:31", "2026-11-18T16:42:31Z");
    let created = order.created_at.as_ref();
    assert_date(
        created,
        "2026-11-19T01:12:31.50896",
        "2026-11-18T16:12:31.50896Z",
    );
    assert_eq!(
        text(&order.modified_at).as_deref(),
        Some("2026-11-19T01:12:31.50896")
    );
    assert_eq!(
        text(&order.purchase_deadline).as_deref(),
        Some("2026-11-26T01:12:31")
    );
    assert_eq!(
        order.id_key.as_deref(),
        Some("17950543513479698c8vqQG0kMix9")
    );
    assert_eq!(order.customer_id, Some(204518));
    assert_shipping(
        order.shipping.as_ref(),
        [
            "홍길동",
            "010-1234-5678",
            "06236",
            "서울특별시 강남구 테헤란로 123",
            "4층",
            "서울특별시",
            "강남구",
            "KR",
        ],
    );
    assert!(order.subscriptions.is_empty());
    assert_eq!(order.invoice_id, None);

    use OrderItemStatus::Created;
    assert_eq!(
        item_lines(order),
        vec![
            line(
                912301,
                "oi_Kq8ZfP2mLx7Rt",
                OrderItemType::Sku,
                Created,
                "29000"
            ),
            line(
                912302,
                "oi_Kq8ZfP2mLx7Ru",
                OrderItemType::Fee,
                Created,
                "5000"
            ),
            line(
                912303,
                "oi_Kq8ZfP2mLx7Rv",
                OrderItemType::Shipping,
                Created,
                "3000"
            ),
            line(
                912304,
                "oi_Kq8ZfP2mLx7Rw",
                OrderItemType::Discount,
                Created,
                "-3000"
            ),
        ]
    );
    assert_items_sum_to_paid_amount(order);

    let [sku, fee, shipping, discount] = &order.items[..] else {
        panic!("expected 4 items, got {}", order.items.len());
    };
    assert_eq!(sku.currency, "KRW");
    assert_eq!(sku.quantity, 1);
    assert_eq!(sku.price_code.as_deref(), Some("price_Vb7Qw2LkXe"));
    assert_eq!(sku.product_code.as_deref(), Some("product_Ht3NzR8pYa"));
    assert_eq!(sku.product_type, ProductType::Box);
    assert_eq!(sku.product_name, "프리미엄 원두 정기배송");
    assert_eq!(
        sku.featured_image_url.as_deref(),
        Some("https://cdn.steppay.co.kr/store/8f3a2c/products/product_Ht3NzR8pYa/main.jpg")
    );
    assert_eq!(
        sku.selected_product_option_label.as_deref(),
        Some("분쇄도: 핸드드립용 / 용량: 200g")
    );
    assert_eq!(sku.selected_product_option_ids, vec![10231, 10236]);
    assert_eq!(sku.plan_name, "월간 구독 (200g)");
    assert_eq!(sku.canceled_date_time, None);
    assert_eq!(
        text(&sku.created_at).as_deref(),
        Some("2026-11-19T01:12:31.50896")
    );
    let demo = sku.demo_cycle.as_ref().expect("SKU demoCycle");
    assert_eq!((demo.num, &demo.r#type), (14, &DateUnitType::Day));
    assert_eq!(sku.minimum_quantity, Some(1));
    assert_eq!(sku.parent_order_item_code, None);

    assert_eq!(fee.price_setup_type, Some(PriceOptionType::Initially));
    assert_eq!(fee.selected_product_option_label.as_deref(), Some("가입비"));
    assert_eq!(
        fee.parent_order_item_code.as_deref(),
        Some("oi_Kq8ZfP2mLx7Rt")
    );
    assert_eq!(fee.demo_cycle, None);
    assert!(fee.selected_product_option_ids.is_empty());

    assert_eq!(shipping.price_code, None);
    assert_eq!(shipping.product_code, None);
    assert_eq!(shipping.product_name, "배송비");
    assert_eq!(shipping.plan_name, "기본 배송비");

    assert_eq!(
        discount.discount_name.as_deref(),
        Some("첫 구독 3,000원 할인 쿠폰")
    );
    assert_eq!(discount.related_order_item_id, Some(sku.id));
    assert_eq!(discount.paid_amount, dec("-3000"));
}

#[test]
fn order_updated() {
    let webhook = load!("order.updated.json");
    assert_envelope(&webhook, 1795152706, "v1");
    let order = payload!(webhook, OrderUpdated);

    assert_eq!(order.id, 351907);
    assert_eq!(order.code, "20261120-00000457");
    assert_eq!(order.r#type, OrderType::OneTime);
    assert_eq!(order.paid_amount.to_string(), "110000");
    assert_eq!(order.returned_amount.to_string(), "25000");
    assert_eq!(order.left_amount.to_string(), "85000");
    assert_eq!(order.discounted_amount.to_string(), "11000");
    assert_eq!(order.left_amount, order.paid_amount - order.returned_amount);
    assert_eq!(order.product_name, "유기농 제철 과일 선물세트 외 1건");
    let paid = order.payment_date.as_ref();
    assert_date(
        paid,
        "2026-11-18T23:47:12.038268",
        "2026-11-18T14:47:12.038268Z",
    );
    assert_eq!(order.payment_due_date, None);
    assert_eq!(
        text(&order.created_at).as_deref(),
        Some("2026-11-18T23:45:02.1")
    );
    assert_eq!(
        text(&order.modified_at).as_deref(),
        Some("2026-11-20T05:31:44.712")
    );
    assert_eq!(
        text(&order.purchase_deadline).as_deref(),
        Some("2026-11-25T23:45:02")
    );
    assert_eq!(
        order.id_key.as_deref(),
        Some("1795045502612f3Tz8KdLmQp0wXa2")
    );
    assert_eq!(order.customer_id, Some(204733));
    assert_shipping(
        order.shipping.as_ref(),
        [
            "김서연",
            "010-2345-6789",
            "04524",
            "서울특별시 중구 세종대로 110",
            "서울시청 별관 2층",
            "서울특별시",
            "중구",
            "KR",
        ],
    );
    assert!(order.subscriptions.is_empty());
    assert_eq!(order.invoice_id, Some(40817));

    use OrderItemStatus::{CancellationRefunded, OrderDeliveryOnTheWay as OnTheWay};
    use OrderItemType::{Discount, Fee, Shipping, Sku};
    assert_eq!(
        item_lines(order),
        vec![
            line(918840, "oi_Tb2WcX9nHq4Ae", Sku, OnTheWay, "99000.0"),
            line(
                918841,
                "oi_Tb2WcX9nHq4Af",
                Sku,
                CancellationRefunded,
                "25000"
            ),
            line(918842, "oi_Tb2WcX9nHq4Ag", Fee, OnTheWay, "4000"),
            line(918843, "oi_Tb2WcX9nHq4Ah", Shipping, OnTheWay, "3000"),
            line(918844, "oi_Tb2WcX9nHq4Ai", Discount, OnTheWay, "-11000"),
        ]
    );

    let [fruit, jam, wrap, delivery, discount] = &order.items[..] else {
        panic!("expected 5 items, got {}", order.items.len());
    };
    // 99000.0 keeps its scale.
    assert_eq!(fruit.paid_amount, dec("99000"));
    assert_eq!(fruit.paid_amount.scale(), 1);
    assert_eq!(fruit.selected_product_option_ids, vec![20417]);
    assert_eq!(
        fruit.selected_product_option_label.as_deref(),
        Some("구성: 사과+배 (5kg)")
    );
    assert_eq!(fruit.minimum_quantity, Some(1));
    assert_eq!(
        text(&fruit.modified_at).as_deref(),
        Some("2026-11-20T02:10:09.33")
    );

    assert_eq!(jam.quantity, 2);
    assert_eq!(jam.product_name, "수제 딸기잼 (500g)");
    assert_eq!(jam.price_code.as_deref(), Some("price_Gs6Mn9RaUb"));
    let canceled = jam.canceled_date_time.as_ref();
    assert_date(
        canceled,
        "2026-11-20T05:31:44.712",
        "2026-11-19T20:31:44.712Z",
    );

    assert_eq!(wrap.price_setup_type, Some(PriceOptionType::Periodic));
    assert_eq!(
        wrap.parent_order_item_code.as_deref(),
        Some("oi_Tb2WcX9nHq4Ae")
    );

    let demo = delivery.demo_cycle.as_ref().expect("shipping demoCycle");
    assert_eq!((demo.num, &demo.r#type), (1, &DateUnitType::Week));

    assert_eq!(
        discount.discount_name.as_deref(),
        Some("연말 감사 10% 할인")
    );
    assert_eq!(discount.related_order_item_id, Some(fruit.id));
}

#[test]
fn order_payment_completed() {
    let webhook = load!("order.payment_completed.json");
    assert_envelope(&webhook, 1795219519, "v1");
    let order = payload!(webhook, OrderPaymentCompleted);

    assert_eq!(order.id, 355642);
    assert_eq!(order.code, "20261121-00000789");
    assert_eq!(order.r#type, OrderType::Recurring);
    assert_eq!(order.paid_amount.to_string(), "47800");
    assert_eq!(order.returned_amount.to_string(), "0.0");
    assert_eq!(order.left_amount.to_string(), "47800");
    assert_eq!(order.discounted_amount.to_string(), "2000");
    assert_eq!(order.product_name, "그릭요거트 주간 정기배송");
    let paid = order.payment_date.as_ref();
    assert_date(paid, "2026-11-21T00:05:17.4", "2026-11-20T15:05:17.4Z");
    let due = order.payment_due_date.as_ref();
    assert_date(due, "2026-11-21T00:00:00", "2026-11-20T15:00:00Z");
    assert_eq!(
        text(&order.created_at).as_deref(),
        Some("2026-11-21T00:00:03.207")
    );
    assert_eq!(
        text(&order.modified_at).as_deref(),
        Some("2026-11-21T00:05:17.4")
    );
    assert_eq!(order.purchase_deadline, None);
    assert_eq!(
        order.id_key.as_deref(),
        Some("17956872032065c1dRw7YhN3pVkE8")
    );
    assert_eq!(order.customer_id, Some(205104));
    assert_shipping(
        order.shipping.as_ref(),
        [
            "이민준",
            "010-3456-7890",
            "13529",
            "경기도 성남시 분당구 판교역로 235",
            "에이치스퀘어 N동 7층",
            "경기도",
            "성남시 분당구",
            "KR",
        ],
    );
    assert_eq!(order.subscriptions, vec![118204]);
    assert_eq!(order.invoice_id, None);

    use OrderItemStatus::Paid;
    use OrderItemType::{Discount, Fee, Shipping, Sku};
    assert_eq!(
        item_lines(order),
        vec![
            line(925517, "oi_Ye5RdV1sKj3Mb", Sku, Paid, "39800"),
            line(925518, "oi_Ye5RdV1sKj3Mc", Fee, Paid, "7000"),
            line(925519, "oi_Ye5RdV1sKj3Md", Shipping, Paid, "3000"),
            line(925520, "oi_Ye5RdV1sKj3Me", Discount, Paid, "-2000"),
        ]
    );
    assert_items_sum_to_paid_amount(order);

    let [yogurt, packing, _delivery, discount] = &order.items[..] else {
        panic!("expected 4 items, got {}", order.items.len());
    };
    assert_eq!(yogurt.quantity, 2);
    assert_eq!(yogurt.minimum_quantity, Some(2));
    assert_eq!(yogurt.selected_product_option_ids, vec![30112, 30118]);
    assert_eq!(yogurt.plan_name, "주간 구독 (450g x 2)");
    assert_eq!(packing.price_setup_type, Some(PriceOptionType::Periodic));
    assert_eq!(
        packing.selected_product_option_label.as_deref(),
        Some("보냉 포장비")
    );
    assert_eq!(
        packing.parent_order_item_code.as_deref(),
        Some("oi_Ye5RdV1sKj3Mb")
    );
    assert_eq!(discount.related_order_item_id, Some(yogurt.id));
    assert_eq!(
        discount.discount_name.as_deref(),
        Some("장기 구독 회원 할인")
    );
    let demo = discount.demo_cycle.as_ref().expect("discount demoCycle");
    assert_eq!((demo.num, &demo.r#type), (1, &DateUnitType::Month));
}

// ---------------------------------------------------------------------------------------
// Subscriptions and usage
// ---------------------------------------------------------------------------------------

#[test]
fn subscription_created() {
    let webhook = load!("subscription.created.json");
    assert_envelope(&webhook, 1795227250, "v1");
    let subscription = payload!(webhook, SubscriptionCreated);

    assert_eq!(subscription.subscription_id, 118377);
    assert_eq!(subscription.status, SubscriptionStatus::Active);
    let created = subscription.created_at.as_ref();
    assert_date(
        created,
        "2026-11-21T02:14:08.50896",
        "2026-11-20T17:14:08.50896Z",
    );
    let trial = subscription.trial_period.as_ref();
    assert_period(trial, "2026-11-21T02:14:08", "2026-12-05T02:14:08");
    assert_eq!(subscription.last_payment_date, None);
    let next = subscription.next_payment_date.as_ref();
    assert_date(next, "2026-12-05T02:14:08", "2026-12-04T17:14:08Z");
    assert_eq!(
        subscription.origin_next_payment_date,
        subscription.next_payment_date
    );
    assert_eq!(subscription.end_date, None);
    assert_eq!(subscription.paused_date_time, None);
    assert_eq!(subscription.order_id, Some(356013));
    assert_eq!(
        subscription.order_code.as_deref(),
        Some("20261121-00000812")
    );
    assert_eq!(subscription.customer_id, Some(205277));
    assert_eq!(subscription.interval_unit, Some(DateUnitType::Month));
    assert_eq!(subscription.interval_count, Some(1));
    let method = subscription.payment_method.as_ref().expect("paymentMethod");
    assert_eq!(method.payment_gateway, Some(PaymentGateway::NiceV2));
    assert_eq!(
        method.payment_info.as_deref(),
        Some("신한카드 4518-42**-****-123*")
    );
    let current = subscription.current_period.as_ref();
    assert_period(current, "2026-11-21T02:14:08", "2026-12-05T02:14:08");
    let noti = subscription.noti_before_payment_date.as_ref();
    assert_date(noti, "2026-12-02T02:14:08", "2026-12-01T17:14:08Z");

    use ClaimMethodType::Pre;
    use OrderItemType::{Fee, Sku};
    use PriceType::{Flat, OneTime};
    assert_eq!(
        subscription_lines(subscription),
        vec![
            (241190, "29000".to_owned(), 1, Sku, Some(Pre), Flat),
            (241191, "12000.0".to_owned(), 1, Sku, Some(Pre), OneTime),
            (241192, "5000".to_owned(), 1, Fee, None, Flat),
        ]
    );
    let [beans, sampler, fee] = &subscription.items[..] else {
        panic!("expected 3 items, got {}", subscription.items.len());
    };
    assert_eq!(beans.product_name, "프리미엄 원두 정기배송");
    assert_eq!(beans.selected_product_option_ids, vec![10232, 10237]);
    assert_eq!(beans.selected_options, vec![10232, 10237]);
    assert!(!beans.is_additional);
    assert!(beans.keep_when_renew);
    assert_eq!(beans.maximum_purchase_quantity, Some(5));
    assert_eq!(beans.product_code.as_deref(), Some("product_Ht3NzR8pYa"));
    assert_eq!(beans.price_code.as_deref(), Some("price_Vb7Qw2LkXe"));
    assert_eq!(
        beans.featured_image_url.as_deref(),
        Some("https://cdn.steppay.co.kr/store/8f3a2c/products/product_Ht3NzR8pYa/main.jpg")
    );
    assert_eq!(sampler.product_name, "드립백 샘플러 (10입)");
    assert_eq!(sampler.price, dec("12000"));
    assert_eq!(sampler.price.scale(), 1);
    assert!(sampler.is_additional);
    assert!(!sampler.keep_when_renew);
    assert_eq!(sampler.maximum_purchase_quantity, None);
    assert_eq!(sampler.price_code.as_deref(), Some("price_Lz3Ta5GhJf"));
    assert!(sampler.selected_options.is_empty());
    assert_eq!(fee.featured_image_url, None);
    assert_eq!(fee.maximum_purchase_quantity, Some(1));
}

#[test]
fn subscription_updated() {
    let webhook = load!("subscription.updated.json");
    assert_envelope(&webhook, 1795322418, "v1");
    let subscription = payload!(webhook, SubscriptionUpdated);

    assert_eq!(subscription.subscription_id, 109842);
    assert_eq!(subscription.status, SubscriptionStatus::PendingCancel);
    assert_eq!(
        text(&subscription.created_at).as_deref(),
        Some("2026-05-03T07:22:41.038268")
    );
    assert_eq!(subscription.trial_period, None);
    let last = subscription.last_payment_date.as_ref();
    assert_date(last, "2026-11-03T00:01:12.55", "2026-11-02T15:01:12.55Z");
    assert_eq!(subscription.next_payment_date, None);
    let origin = subscription.origin_next_payment_date.as_ref();
    assert_date(origin, "2026-12-03T07:22:41", "2026-12-02T22:22:41Z");
    let end = subscription.end_date.as_ref();
    assert_date(end, "2026-12-03T07:22:41", "2026-12-02T22:22:41Z");
    assert_eq!(subscription.paused_date_time, None);
    assert_eq!(subscription.order_id, Some(287511));
    assert_eq!(
        subscription.order_code.as_deref(),
        Some("20260503-00000046")
    );
    assert_eq!(subscription.customer_id, Some(198420));
    assert_eq!(subscription.interval_unit, Some(DateUnitType::Month));
    assert_eq!(subscription.interval_count, Some(1));
    let method = subscription.payment_method.as_ref().expect("paymentMethod");
    assert_eq!(method.payment_gateway, Some(PaymentGateway::Toss));
    assert_eq!(
        method.payment_info.as_deref(),
        Some("현대카드 5433-33**-****-902*")
    );
    let current = subscription.current_period.as_ref();
    assert_period(current, "2026-11-03T07:22:41", "2026-12-03T07:22:41");
    assert_eq!(subscription.noti_before_payment_date, None);

    use ClaimMethodType::{Post, Pre};
    use PriceType::{Flat, UnitBased};
    assert_eq!(
        subscription_lines(subscription),
        vec![
            (
                221734,
                "59000".to_owned(),
                1,
                OrderItemType::Sku,
                Some(Pre),
                Flat
            ),
            (
                221735,
                "15000".to_owned(),
                3,
                OrderItemType::Sku,
                Some(Post),
                UnitBased
            ),
        ]
    );
    let [membership, extra] = &subscription.items[..] else {
        panic!("expected 2 items, got {}", subscription.items.len());
    };
    assert_eq!(membership.product_name, "온라인 영어 회화 멤버십");
    assert_eq!(membership.selected_options, vec![40551]);
    assert_eq!(extra.product_name, "1:1 화상 수업 추가권");
    assert!(extra.is_additional);
    assert!(extra.keep_when_renew);
    assert_eq!(extra.maximum_purchase_quantity, Some(10));
    assert_eq!(extra.price_code.as_deref(), Some("price_Pv2Xe7LkTu"));
}

#[test]
fn subscription_payment_due_notification() {
    let webhook = load!("subscription.payment_due_notification.json");
    assert_envelope(&webhook, 1795737605, "v1");
    let subscription = payload!(webhook, SubscriptionPaymentDueNotification);

    assert_eq!(subscription.subscription_id, 112650);
    assert_eq!(subscription.status, SubscriptionStatus::Active);
    assert_eq!(
        text(&subscription.created_at).as_deref(),
        Some("2026-08-24T09:07:55")
    );
    let trial = subscription.trial_period.as_ref();
    assert_period(trial, "2026-08-24T09:07:55", "2026-08-31T09:07:55");
    let last = subscription.last_payment_date.as_ref();
    assert_date(
        last,
        "2026-10-31T00:00:41.2871",
        "2026-10-30T15:00:41.2871Z",
    );
    let next = subscription.next_payment_date.as_ref();
    assert_date(next, "2026-11-30T00:00:00", "2026-11-29T15:00:00Z");
    assert_eq!(
        subscription.origin_next_payment_date,
        subscription.next_payment_date
    );
    assert_eq!(subscription.end_date, None);
    assert_eq!(subscription.paused_date_time, None);
    assert_eq!(subscription.order_id, Some(312908));
    assert_eq!(
        subscription.order_code.as_deref(),
        Some("20260824-00000391")
    );
    assert_eq!(subscription.customer_id, Some(201966));
    assert_eq!(subscription.interval_unit, Some(DateUnitType::Month));
    assert_eq!(subscription.interval_count, Some(1));
    let method = subscription.payment_method.as_ref().expect("paymentMethod");
    assert_eq!(method.payment_gateway, Some(PaymentGateway::Kg));
    assert_eq!(
        method.payment_info.as_deref(),
        Some("KB국민카드 9411-22**-****-555*")
    );
    let current = subscription.current_period.as_ref();
    assert_period(current, "2026-10-31T00:00:00", "2026-11-30T00:00:00");
    let noti = subscription.noti_before_payment_date.as_ref();
    assert_date(noti, "2026-11-27T00:00:00", "2026-11-26T15:00:00Z");

    use ClaimMethodType::Pre;
    use OrderItemType::{Shipping, Sku};
    use PriceType::Flat;
    assert_eq!(
        subscription_lines(subscription),
        vec![
            (230455, "32900".to_owned(), 1, Sku, Some(Pre), Flat),
            (230456, "3500".to_owned(), 1, Shipping, Some(Pre), Flat),
        ]
    );
    let [snacks, delivery] = &subscription.items[..] else {
        panic!("expected 2 items, got {}", subscription.items.len());
    };
    assert_eq!(snacks.product_name, "반려견 수제 간식 박스");
    assert_eq!(snacks.selected_product_option_ids, vec![50203]);
    assert_eq!(snacks.maximum_purchase_quantity, Some(3));
    assert_eq!(snacks.product_code.as_deref(), Some("product_Qd1Wf5ZxCv"));
    assert_eq!(delivery.product_name, "배송비");
    assert_eq!(delivery.product_code, None);
    assert_eq!(delivery.price_code, None);
    assert_eq!(delivery.maximum_purchase_quantity, None);
}

#[test]
fn subscription_usage_added() {
    let webhook = load!("subscription.usage.added.json");
    assert_envelope(&webhook, 1795334631, "v1");
    let usage = payload!(webhook, SubscriptionUsageAdded);

    assert_eq!(usage.id, 77315);
    assert_eq!(usage.subscription_item_id, 236602);
    assert_eq!(usage.accumulated_quota, Some(10000));
    assert_eq!(usage.accumulated_record, 4350);
    let records: Vec<_> = usage
        .record_quotas
        .iter()
        .map(|r| {
            let amounts = (
                r.delta_quota,
                r.delta_record,
                r.accumulate_quota,
                r.accumulate_record,
            );
            (r.id, amounts, r.influx_date.to_string(), r.via.clone())
        })
        .collect();
    assert_eq!(
        records,
        vec![
            (
                402118,
                (Some(10000), 0, Some(10000), 0),
                "2026-11-01T00:00:12".to_owned(),
                Actor::System
            ),
            (
                402987,
                (Some(0), 3200, Some(10000), 3200),
                "2026-11-15T06:21:07.118".to_owned(),
                Actor::V1
            ),
            (
                403544,
                (Some(0), 1150, Some(10000), 4350),
                "2026-11-22T08:03:49.902114".to_owned(),
                Actor::Customer
            ),
        ]
    );
    let first = usage.record_quotas.first().map(|r| &r.influx_date);
    assert_date(first, "2026-11-01T00:00:12", "2026-10-31T15:00:12Z");
    let last = usage.record_quotas.last().expect("record quotas");
    assert_eq!(last.accumulate_record, usage.accumulated_record);
}

// ---------------------------------------------------------------------------------------
// Invoices
// ---------------------------------------------------------------------------------------

#[test]
fn invoice_created() {
    let webhook = load!("invoice.created.json");
    assert_envelope(&webhook, 1795340402, "v1");
    let invoice = payload!(webhook, InvoiceCreated);

    assert_eq!(invoice.id, Some(41266));
    assert_eq!(invoice.status, Some(InvoiceStatus::Reservation));
    assert_eq!(invoice.publish_type, Some(InvoicePublishType::Reservation));
    let deadline = invoice.purchase_deadline.as_ref();
    assert_date(deadline, "2026-12-07T14:59:59", "2026-12-07T05:59:59Z");
    let reservation = invoice.reservation_at.as_ref();
    assert_date(reservation, "2026-11-24T00:00:00", "2026-11-23T15:00:00Z");
    assert_eq!(invoice.deleted_at, None);
    assert_eq!(
        invoice.publish_method,
        vec![InvoicePublishMethod::Kakao, InvoicePublishMethod::Email]
    );
    assert_eq!(text(&invoice.discount).as_deref(), Some("5000"));
    assert_eq!(
        invoice.memo_to_customer.as_deref(),
        Some("12월 정기 교육 세미나 참가비 청구서입니다. 기한 내 결제 부탁드립니다.")
    );
    assert_eq!(invoice.order_id, Some(357320));
    assert_eq!(invoice.order_code.as_deref(), Some("20261122-00000955"));
    assert_eq!(invoice.customer_id, Some(206011));
}

#[test]
fn invoice_updated() {
    let webhook = load!("invoice.updated.json");
    assert_envelope(&webhook, 1795342365, "v1");
    let invoice = payload!(webhook, InvoiceUpdated);

    assert_eq!(invoice.id, Some(40817));
    assert_eq!(invoice.status, Some(InvoiceStatus::Paid));
    assert_eq!(invoice.publish_type, Some(InvoicePublishType::Now));
    let deadline = invoice.purchase_deadline.as_ref();
    assert_date(deadline, "2026-11-25T23:45:02", "2026-11-25T14:45:02Z");
    assert_eq!(invoice.reservation_at, None);
    assert_eq!(invoice.deleted_at, None);
    assert_eq!(invoice.publish_method, vec![InvoicePublishMethod::Sms]);
    assert_eq!(text(&invoice.discount).as_deref(), Some("11000.0"));
    assert_eq!(
        invoice.memo_to_customer.as_deref(),
        Some("김서연 고객님, 주문해 주셔서 감사합니다. 결제가 확인되었습니다.")
    );
    assert_eq!(invoice.order_id, Some(351907));
    assert_eq!(invoice.order_code.as_deref(), Some("20261120-00000457"));
    assert_eq!(invoice.customer_id, Some(204733));
}

#[test]
fn invoice_deleted() {
    let webhook = load!("invoice.deleted.json");
    assert_envelope(&webhook, 1795403908, "v1");
    let invoice = payload!(webhook, InvoiceDeleted);

    assert_eq!(invoice.id, Some(41302));
    assert_eq!(invoice.status, Some(InvoiceStatus::Temporary));
    assert_eq!(invoice.publish_type, Some(InvoicePublishType::Now));
    assert_eq!(
        text(&invoice.purchase_deadline).as_deref(),
        Some("2026-11-30T14:59:59")
    );
    assert_eq!(invoice.reservation_at, None);
    let deleted = invoice.deleted_at.as_ref();
    assert_date(
        deleted,
        "2026-11-23T03:18:26.67412",
        "2026-11-22T18:18:26.67412Z",
    );
    use InvoicePublishMethod::{Email, Kakao, Sms};
    assert_eq!(invoice.publish_method, vec![Kakao, Sms, Email]);
    assert_eq!(text(&invoice.discount).as_deref(), Some("0"));
    assert_eq!(
        invoice.memo_to_customer.as_deref(),
        Some("사무실 인테리어 시공 잔금 청구서 (임시저장)")
    );
    assert_eq!(invoice.order_id, Some(357611));
    assert_eq!(invoice.order_code.as_deref(), Some("20261123-00000012"));
    assert_eq!(invoice.customer_id, Some(199587));
}

// ---------------------------------------------------------------------------------------
// Payments
// ---------------------------------------------------------------------------------------

#[test]
fn payment_completed() {
    let webhook = load!("payment.completed.json");
    assert_envelope(&webhook, 1795479623, "v1");
    let payment = payload!(webhook, PaymentCompleted);

    assert_eq!(payment.payment_id, 781204);
    assert_eq!(payment.id_key, "17959308214458a1Ye2Wq9TuRjK0c");
    assert_eq!(payment.order_id.as_deref(), Some("358102"));
    assert_eq!(payment.customer_id.as_deref(), Some("207345"));
    let payer = payment.payer.as_ref().expect("payer");
    assert_eq!(payer.user_name.as_deref(), Some("박지훈"));
    assert_eq!(payer.email.as_deref(), Some("jihoon.park@example.co.kr"));
    assert_eq!(payer.phone.as_deref(), Some("010-4567-8901"));
    assert_eq!(
        payment.product_name.as_deref(),
        Some("사무실 생수 정기배송 (2L x 24병)")
    );
    assert_eq!(payment.paid_amount, Some(Decimal::new(39600, 0)));
    assert_eq!(text(&payment.paid_amount).as_deref(), Some("39600"));
    let paid = payment.paid_at.as_ref();
    assert_date(paid, "2026-11-24T00:20:21.38", "2026-11-23T15:20:21.38Z");
    assert_eq!(payment.status, PaymentStatus::Complete);
    assert_eq!(payment.payment_gateway, PaymentGateway::Nice);
    assert_eq!(payment.payment_method, PaymentMethod::CmsBill);
    assert_eq!(payment.payment_only, Some(false));
    assert_eq!(payment.error_message, None);
    assert_eq!(payment.cancel, None);
    assert_eq!(payment.v_bank, None);

    let cms = payment.nice_cms.as_ref().expect("niceCms");
    assert_eq!(cms.corporate_manager, "박지훈");
    assert_eq!(cms.company_name, "주식회사 해운대랩스");
    assert_eq!(
        cms.company_registration_number.as_deref(),
        Some("617-81-12345")
    );
    assert_eq!(cms.account_holder_social_security_number, "880315-1******");
    assert_eq!(cms.bank_code, BankCode::ShinhanUnified);
    assert_eq!(cms.bank_account, "110-***-***789");
    assert_date(
        Some(&cms.date),
        "2026-11-24T00:20:21.38",
        "2026-11-23T15:20:21.38Z",
    );
    assert_eq!(cms.status, CmsStatus::WithdrawSuccess);
    assert_eq!(cms.error_return, None);
}

#[test]
fn payment_failed() {
    let webhook = load!("payment.failed.json");
    assert_envelope(&webhook, 1795564806, "v1");
    let payment = payload!(webhook, PaymentFailed);

    assert_eq!(payment.payment_id, 781377);
    assert_eq!(payment.id_key, "1795960803951b7Pq3Xc8ZmLw1NeR");
    assert_eq!(payment.order_id.as_deref(), Some("358390"));
    assert_eq!(payment.customer_id.as_deref(), Some("201143"));
    let payer = payment.payer.as_ref().expect("payer");
    assert_eq!(payer.user_name.as_deref(), Some("최유진"));
    assert_eq!(payer.email.as_deref(), Some("yujin.choi@example.com"));
    assert_eq!(payer.phone.as_deref(), Some("010-5678-9012"));
    assert_eq!(
        payment.product_name.as_deref(),
        Some("필라테스 온라인 클래스 월 구독")
    );
    assert_eq!(text(&payment.paid_amount).as_deref(), Some("0"));
    // The fixture has no date: paidAt is null.
    assert_eq!(payment.paid_at, None);
    assert_eq!(payment.status, PaymentStatus::Failed);
    assert_eq!(payment.payment_gateway, PaymentGateway::Ksnet);
    assert_eq!(payment.payment_method, PaymentMethod::CardBill);
    assert_eq!(payment.payment_only, Some(false));
    assert_eq!(
        payment.error_message.as_deref(),
        Some("[3021] 잔액이 부족합니다. (한도초과)")
    );
    assert_eq!(payment.cancel, None);
    assert_eq!(payment.v_bank, None);
    assert_eq!(payment.nice_cms, None);
}

#[test]
fn payment_canceled() {
    let webhook = load!("payment.canceled.json");
    assert_envelope(&webhook, 1795502732, "v1");
    let payment = payload!(webhook, PaymentCanceled);

    assert_eq!(payment.payment_id, 779958);
    assert_eq!(payment.id_key, "1795612349087c3Hs5Vb0NkQy7TaW");
    assert_eq!(payment.order_id.as_deref(), Some("352004"));
    assert_eq!(payment.customer_id.as_deref(), Some("204990"));
    let payer = payment.payer.as_ref().expect("payer");
    assert_eq!(payer.user_name.as_deref(), Some("강도윤"));
    assert_eq!(payer.email.as_deref(), Some("doyoon.kang@example.kr"));
    assert_eq!(payer.phone.as_deref(), Some("010-7890-1234"));
    assert_eq!(
        payment.product_name.as_deref(),
        Some("무선 블루투스 이어폰 (화이트)")
    );
    assert_eq!(text(&payment.paid_amount).as_deref(), Some("89000"));
    let paid = payment.paid_at.as_ref();
    assert_date(paid, "2026-11-20T02:32:14.9", "2026-11-19T17:32:14.9Z");
    assert_eq!(payment.status, PaymentStatus::Canceled);
    assert_eq!(payment.payment_gateway, PaymentGateway::Toss);
    assert_eq!(payment.payment_method, PaymentMethod::Card);
    assert_eq!(payment.payment_only, Some(false));
    assert_eq!(payment.error_message, None);
    let cancel = payment.cancel.as_ref().expect("cancel");
    assert_eq!(cancel.canceled_amount.to_string(), "89000");
    assert_eq!(Some(cancel.canceled_amount), payment.paid_amount);
    let last = cancel.last_canceled_date.as_ref();
    assert_date(
        last,
        "2026-11-24T06:45:30.112233",
        "2026-11-23T21:45:30.112233Z",
    );
    assert_eq!(payment.v_bank, None);
    assert_eq!(payment.nice_cms, None);
}

#[test]
fn payment_standby() {
    let webhook = load!("payment.standby.json");
    assert_envelope(&webhook, 1795585657, "v1");
    let payment = payload!(webhook, PaymentStandby);

    assert_eq!(payment.payment_id, 782011);
    assert_eq!(payment.id_key, "1796020455718d4Kt6Wc1OlRz8UbX");
    assert_eq!(payment.order_id.as_deref(), Some("CAFE-2026-1125-0042"));
    assert_eq!(payment.customer_id.as_deref(), Some("yoon_seojun"));
    let payer = payment.payer.as_ref().expect("payer");
    assert_eq!(payer.user_name.as_deref(), Some("윤서준"));
    assert_eq!(payer.email.as_deref(), Some("seojun.yoon@example.com"));
    assert_eq!(payer.phone.as_deref(), Some("010-8901-2345"));
    assert_eq!(
        payment.product_name.as_deref(),
        Some("바리스타 자격증 대비반 수강료")
    );
    assert_eq!(text(&payment.paid_amount).as_deref(), Some("450000"));
    assert_eq!(payment.paid_at, None);
    assert_eq!(payment.status, PaymentStatus::VirtualBankStandby);
    assert_eq!(payment.payment_gateway, PaymentGateway::Kg);
    assert_eq!(payment.payment_method, PaymentMethod::Vbank);
    assert_eq!(payment.payment_only, Some(true));
    assert_eq!(payment.error_message, None);
    assert_eq!(payment.cancel, None);
    assert_eq!(payment.nice_cms, None);

    let vbank = payment.v_bank.as_ref().expect("vBank");
    assert_eq!(vbank.bank_code.as_deref(), Some("004"));
    assert_eq!(vbank.bank_name, "KB국민은행");
    assert_eq!(vbank.account_number, "56210204718832");
    assert_eq!(vbank.account_name, "(주)스텝커피아카데미");
    assert_date(
        Some(&vbank.bank_date),
        "2026-11-28T23:59:59",
        "2026-11-28T14:59:59Z",
    );
}

// ---------------------------------------------------------------------------------------
// Customers
// ---------------------------------------------------------------------------------------

#[test]
fn customer_created() {
    let webhook = load!("customer.created.json");
    assert_envelope(&webhook, 1795568609, "v1");
    let customer = payload!(webhook, CustomerCreated);

    assert_eq!(customer.id, 208112);
    assert_eq!(customer.username.as_deref(), Some("seoyeon.kim"));
    assert_eq!(customer.name.as_deref(), Some("김서연"));
    assert_eq!(customer.email.as_deref(), Some("seoyeon.kim@example.co.kr"));
    assert_eq!(customer.phone.as_deref(), Some("010-2345-6789"));
    assert_shipping(
        customer.shipping.as_ref(),
        [
            "김서연",
            "010-2345-6789",
            "04524",
            "서울특별시 중구 세종대로 110",
            "서울시청 별관 2층",
            "서울특별시",
            "중구",
            "KR",
        ],
    );
    assert_eq!(customer.code.as_deref(), Some("customer_Wn4Hb7QpZs"));
    assert_eq!(
        customer.attributes,
        string_map(&[
            ("memberGrade", "VIP"),
            ("marketingAgree", "Y"),
            ("referrer", "인스타그램 광고"),
        ])
    );
    let created = customer.created_at.as_ref();
    assert_date(created, "2026-11-25T01:03:27.5", "2026-11-24T16:03:27.5Z");
    assert_eq!(
        customer.additional_recipients,
        vec!["finance@seoyeon-studio.kr", "seoyeon.assistant@example.com"]
    );
}

#[test]
fn customer_updated() {
    let webhook = load!("customer.updated.json");
    assert_envelope(&webhook, 1795591142, "v1");
    let customer = payload!(webhook, CustomerUpdated);

    assert_eq!(customer.id, 203371);
    assert_eq!(customer.username.as_deref(), Some("jungha_eun"));
    assert_eq!(customer.name.as_deref(), Some("정하은"));
    assert_eq!(customer.email.as_deref(), Some("haeun.jung@example.com"));
    assert_eq!(customer.phone.as_deref(), Some("010-6789-0123"));
    assert_shipping(
        customer.shipping.as_ref(),
        [
            "정하은",
            "010-6789-0123",
            "61945",
            "광주광역시 서구 상무중앙로 110",
            "3층 301호",
            "광주광역시",
            "서구",
            "KR",
        ],
    );
    assert_eq!(customer.code.as_deref(), Some("customer_Xo5Ic8RqAt"));
    assert_eq!(
        customer.attributes,
        string_map(&[
            ("memberGrade", "GOLD"),
            ("birthday", "1994-03-15"),
            ("preferredDeliveryTime", "오전"),
        ])
    );
    let created = customer.created_at.as_ref();
    assert_date(
        created,
        "2026-06-11T11:40:09.038268",
        "2026-06-11T02:40:09.038268Z",
    );
    assert_eq!(
        customer.additional_recipients,
        vec!["haeun.work@example.co.kr"]
    );
}

#[test]
fn customer_deleted() {
    let webhook = load!("customer.deleted.json");
    assert_envelope(&webhook, 1795661500, "v1");
    let customer = payload!(webhook, CustomerDeleted);

    assert_eq!(customer.id, 196054);
    assert_eq!(customer.username.as_deref(), Some("lim.sua"));
    assert_eq!(customer.name.as_deref(), Some("임수아"));
    assert_eq!(customer.email.as_deref(), Some("sua.lim@example.kr"));
    assert_eq!(customer.phone.as_deref(), Some("010-9012-3456"));
    assert_shipping(
        customer.shipping.as_ref(),
        [
            "임수아",
            "010-9012-3456",
            "63122",
            "제주특별자치도 제주시 첨단로 242",
            "스페이스닷원 B동 5층",
            "제주특별자치도",
            "제주시",
            "KR",
        ],
    );
    assert_eq!(customer.code.as_deref(), Some("customer_Yp6Jd9SrBu"));
    assert_eq!(
        customer.attributes,
        string_map(&[("withdrawReason", "서비스 이용 빈도 낮음")])
    );
    let created = customer.created_at.as_ref();
    assert_date(created, "2025-12-30T05:14:51", "2025-12-29T20:14:51Z");
    assert!(customer.additional_recipients.is_empty());
}

// ---------------------------------------------------------------------------------------
// Products and prices
// ---------------------------------------------------------------------------------------

#[test]
fn product_created() {
    let webhook = load!("product.created.json");
    assert_envelope(&webhook, 1795666062, "v1");
    let product = payload!(webhook, ProductCreated);

    assert_eq!(product.code, "product_Ht3NzR8pYa");
    assert_eq!(product.r#type, Some(ProductType::Box));
    assert_eq!(product.status, Some(ProductStatus::Sale));
    assert_eq!(product.name.as_deref(), Some("프리미엄 원두 정기배송"));
    assert_eq!(
        product.sub_title.as_deref(),
        Some("매달 새로 볶은 스페셜티 원두")
    );
    assert_eq!(
        product.featured_image_url.as_deref(),
        Some("https://cdn.steppay.co.kr/store/8f3a2c/products/product_Ht3NzR8pYa/main.jpg")
    );
    assert_eq!(
        product.description.as_deref(),
        Some("<p>에티오피아, 콜롬비아 등 산지별 스페셜티 원두를 로스팅 후 3일 이내에 보내드립니다.</p>")
    );
    let base = "https://cdn.steppay.co.kr/store/8f3a2c/products/product_Ht3NzR8pYa";
    assert_eq!(
        product.image_urls,
        (1..=3)
            .map(|n| format!("{base}/detail-{n}.jpg"))
            .collect::<Vec<_>>()
    );
    assert_eq!(product.quantity, Some(500));
    let option =
        |id, name: &str, quantity, price: &str| (id, name.to_owned(), quantity, price.to_owned());
    assert_eq!(
        option_groups(product),
        vec![
            (
                3301,
                "분쇄도".to_owned(),
                vec![
                    option(10231, "홀빈 (분쇄 안 함)", None, "0"),
                    option(10232, "핸드드립용", None, "0"),
                    option(10233, "에스프레소용", Some(120), "1000"),
                ]
            ),
            (
                3302,
                "용량".to_owned(),
                vec![
                    option(10236, "200g", Some(300), "0"),
                    option(10237, "500g", Some(80), "15000.0"),
                ]
            ),
        ]
    );
    assert_eq!(
        categories(product),
        vec![(1201, "커피"), (1207, "정기배송")]
    );
    let created = product.created_at.as_ref();
    assert_date(
        created,
        "2026-11-26T04:05:10.50896",
        "2026-11-25T19:05:10.50896Z",
    );
    assert_eq!(
        text(&product.modified_at).as_deref(),
        Some("2026-11-26T04:07:40.91")
    );
    assert_eq!(product.enabled_demo, Some(true));
    assert_eq!(product.demo_period, Some(14));
    assert_eq!(product.demo_period_unit, Some(DateUnitType::Day));

    let [monthly, biweekly] = &product.prices[..] else {
        panic!("expected 2 prices, got {}", product.prices.len());
    };
    assert_eq!(monthly.price_code, "price_Vb7Qw2LkXe");
    assert_eq!(monthly.price.to_string(), "29000");
    assert_eq!(monthly.unit.as_deref(), Some("원"));
    assert_eq!(monthly.r#type, Some(PriceType::Flat));
    assert_eq!(monthly.membership_expiration_date, 12);
    assert_eq!(
        monthly.membership_expiration_date_type,
        Some(DateUnitType::Month)
    );
    let setup = monthly.setup_option.as_ref().expect("setupOption");
    assert_eq!(setup.id, 6012);
    assert_eq!(setup.name.as_deref(), Some("가입비"));
    assert_eq!(setup.r#type, Some(PriceOptionType::Initially));
    assert_eq!(setup.price.to_string(), "5000");
    assert_eq!(setup.claim_method_type, ClaimMethodType::Pre);
    let [extra_beans] = &monthly.options[..] else {
        panic!("expected 1 price option, got {}", monthly.options.len());
    };
    assert_eq!(extra_beans.id, 7101);
    assert_eq!(extra_beans.name.as_deref(), Some("원두 추가 (100g)"));
    assert_eq!(
        extra_beans.product_code.as_deref(),
        Some("product_Ht3NzR8pYa")
    );
    assert_eq!(extra_beans.price_code.as_deref(), Some("price_Vb7Qw2LkXe"));
    assert_eq!(extra_beans.price_name.as_deref(), Some("월간 구독 (200g)"));
    assert_eq!(extra_beans.r#type, Some(PriceOptionType::Periodic));
    assert_eq!(extra_beans.product_type, Some(ProductType::Box));
    assert_eq!(extra_beans.price.to_string(), "8000");
    assert_eq!(monthly.additional_billing, None);
    let recurring = monthly.recurring.as_ref().expect("recurring");
    assert_eq!(
        (&recurring.unit, recurring.count),
        (&Some(DateUnitType::Month), Some(1))
    );
    assert_eq!(
        text(&monthly.created_at).as_deref(),
        Some("2026-11-26T04:05:11.2")
    );
    assert_eq!(
        text(&monthly.modified_at).as_deref(),
        Some("2026-11-26T04:05:11.2")
    );
    let plan = monthly.plan.as_ref().expect("plan");
    assert_eq!(plan.name, "월간 구독 (200g)");
    assert_eq!(
        plan.description,
        "매월 200g 원두를 로스팅 후 3일 이내 발송합니다."
    );
    assert_eq!(
        plan.detail_description.as_deref(),
        Some("싱글 오리진 원두를 매월 바꿔 보내드립니다. 분쇄도 선택 가능.")
    );
    assert!(!plan.is_hidden_from_shop);
    assert_eq!(plan.admin_name.as_deref(), Some("원두-월간-200"));
    assert_eq!(monthly.first_sale_enabled, Some(true));
    assert_eq!(text(&monthly.first_sale_price).as_deref(), Some("19900"));
    let claim = monthly.claim.as_ref().expect("claim");
    assert_eq!(claim.method_type, ClaimMethodType::Pre);
    assert_eq!(claim.when_to_claim_type, WhenToClaimType::FirstPayment);
    assert_eq!(claim.billing_date, 1);
    assert_eq!(claim.provide_start_day, None);
    assert_eq!(monthly.basic_serving, 1);
    assert!(monthly.bundle_prices.is_empty());
    assert_eq!(monthly.onetime_bundle_price.to_string(), "0");

    assert_eq!(biweekly.price_code, "price_Wc8Rx3MlYf");
    assert_eq!(biweekly.price.to_string(), "54000");
    assert_eq!(biweekly.membership_expiration_date, 6);
    assert_eq!(biweekly.setup_option, None);
    assert!(biweekly.options.is_empty());
    let recurring = biweekly.recurring.as_ref().expect("recurring");
    assert_eq!(
        (&recurring.unit, recurring.count),
        (&Some(DateUnitType::Week), Some(2))
    );
    let plan = biweekly.plan.as_ref().expect("plan");
    assert_eq!(plan.name, "격주 구독 (500g)");
    assert_eq!(plan.detail_description, None);
    assert_eq!(plan.admin_name, None);
    assert_eq!(biweekly.first_sale_enabled, Some(false));
    assert_eq!(biweekly.first_sale_price, None);
    let claim = biweekly.claim.as_ref().expect("claim");
    assert_eq!(claim.provide_start_day, Some(3));
    assert_eq!(biweekly.onetime_bundle_price.to_string(), "0.0");
}

#[test]
fn product_updated() {
    let webhook = load!("product.updated.json");
    assert_envelope(&webhook, 1795756953, "v1");
    let product = payload!(webhook, ProductUpdated);

    assert_eq!(product.code, "product_Pq7Yx3VbNc");
    assert_eq!(product.r#type, Some(ProductType::Box));
    assert_eq!(product.status, Some(ProductStatus::OutOfStock));
    assert_eq!(product.name.as_deref(), Some("유기농 제철 과일 선물세트"));
    assert_eq!(product.sub_title.as_deref(), Some("산지 직송 유기농 과일"));
    assert_eq!(
        product.description.as_deref(),
        Some("경북 청송 사과와 나주 배를 산지에서 바로 보내드립니다. (재고 소진)")
    );
    assert_eq!(
        product.image_urls,
        vec!["https://cdn.steppay.co.kr/store/8f3a2c/products/product_Pq7Yx3VbNc/detail-1.png"]
    );
    assert_eq!(product.quantity, Some(0));
    assert_eq!(
        option_groups(product),
        vec![(
            3410,
            "구성".to_owned(),
            vec![
                (20417, "사과+배 (5kg)".to_owned(), Some(0), "0".to_owned()),
                (
                    20418,
                    "사과+배+한라봉 (7kg)".to_owned(),
                    Some(0),
                    "29000".to_owned()
                ),
            ]
        )]
    );
    assert_eq!(categories(product), vec![(1305, "과일·채소")]);
    assert_eq!(
        text(&product.created_at).as_deref(),
        Some("2026-10-05T02:58:44.2")
    );
    let modified = product.modified_at.as_ref();
    assert_date(
        modified,
        "2026-11-27T05:22:31.038268",
        "2026-11-26T20:22:31.038268Z",
    );
    assert_eq!(product.enabled_demo, Some(false));
    assert_eq!(product.demo_period, None);
    assert_eq!(product.demo_period_unit, None);

    let [single] = &product.prices[..] else {
        panic!("expected 1 price, got {}", product.prices.len());
    };
    assert_eq!(single.price_code, "price_Fr5Lm8QzTa");
    assert_eq!(single.price.to_string(), "99000");
    assert_eq!(single.unit.as_deref(), Some("박스"));
    assert_eq!(single.r#type, Some(PriceType::OneTime));
    assert_eq!(single.membership_expiration_date, 0);
    assert_eq!(single.membership_expiration_date_type, None);
    assert_eq!(single.setup_option, None);
    let [wrapping] = &single.options[..] else {
        panic!("expected 1 price option, got {}", single.options.len());
    };
    assert_eq!(wrapping.id, 7410);
    assert_eq!(wrapping.name.as_deref(), Some("선물 포장"));
    assert_eq!(wrapping.price_name.as_deref(), Some("단품 구매"));
    assert_eq!(wrapping.r#type, Some(PriceOptionType::Initially));
    assert_eq!(wrapping.price.to_string(), "4000");
    assert_eq!(single.additional_billing, None);
    assert_eq!(single.recurring, None);
    assert_eq!(
        text(&single.created_at).as_deref(),
        Some("2026-10-05T03:00:00")
    );
    assert_eq!(single.modified_at, product.modified_at);
    let plan = single.plan.as_ref().expect("plan");
    assert_eq!(plan.name, "단품 구매");
    assert_eq!(plan.description, "한 번만 구매합니다.");
    assert_eq!(plan.admin_name.as_deref(), Some("과일세트-단품"));
    assert_eq!(single.claim, None);
    assert_eq!(single.basic_serving, 0);
    assert!(single.bundle_prices.is_empty());
    assert_eq!(single.onetime_bundle_price.to_string(), "0");
}

#[test]
fn product_deleted() {
    let webhook = load!("product.deleted.json");
    assert_envelope(&webhook, 1795827725, "v1");
    let product = payload!(webhook, ProductDeleted);

    assert_eq!(product.code, "product_Nb6Vc1XzQw");
    assert_eq!(product.r#type, Some(ProductType::Software));
    assert_eq!(product.status, Some(ProductStatus::Unsold));
    assert_eq!(product.name.as_deref(), Some("온라인 영어 회화 멤버십"));
    assert_eq!(product.sub_title.as_deref(), Some("원어민과 1:1 화상 수업"));
    assert_eq!(
        product.description.as_deref(),
        Some("판매 종료된 상품입니다.")
    );
    assert!(product.image_urls.is_empty());
    assert_eq!(product.quantity, None);
    assert_eq!(
        option_groups(product),
        vec![(
            3520,
            "수업 시간".to_owned(),
            vec![
                (
                    40551,
                    "평일 저녁 (19-22시)".to_owned(),
                    None,
                    "0".to_owned()
                ),
                (
                    40552,
                    "주말 오전 (9-12시)".to_owned(),
                    None,
                    "10000".to_owned()
                ),
            ]
        )]
    );
    assert_eq!(categories(product), vec![(1410, "교육")]);
    let created = product.created_at.as_ref();
    assert_date(created, "2026-04-20T08:14:31", "2026-04-19T23:14:31Z");
    assert_eq!(
        text(&product.modified_at).as_deref(),
        Some("2026-11-28T01:02:03.456")
    );
    assert_eq!(product.enabled_demo, Some(true));
    assert_eq!(product.demo_period, Some(1));
    assert_eq!(product.demo_period_unit, Some(DateUnitType::Week));

    let [membership] = &product.prices[..] else {
        panic!("expected 1 price, got {}", product.prices.len());
    };
    assert_eq!(membership.price_code, "price_Mw8Ub4KjRs");
    assert_eq!(membership.price.to_string(), "59000");
    assert_eq!(membership.r#type, Some(PriceType::Flat));
    assert_eq!(membership.membership_expiration_date, 12);
    assert_eq!(
        membership.membership_expiration_date_type,
        Some(DateUnitType::Month)
    );
    assert!(membership.options.is_empty());
    let recurring = membership.recurring.as_ref().expect("recurring");
    assert_eq!(
        (&recurring.unit, recurring.count),
        (&Some(DateUnitType::Month), Some(1))
    );
    assert_eq!(
        text(&membership.created_at).as_deref(),
        Some("2026-04-20T08:15:00")
    );
    let plan = membership.plan.as_ref().expect("plan");
    assert_eq!(plan.name, "월간 멤버십");
    assert_eq!(plan.description, "원어민 1:1 화상 회화 주 2회");
    assert!(plan.is_hidden_from_shop);
    assert_eq!(plan.admin_name.as_deref(), Some("영어회화-월간"));
    let claim = membership.claim.as_ref().expect("claim");
    assert_eq!(claim.method_type, ClaimMethodType::Pre);
    assert_eq!(claim.when_to_claim_type, WhenToClaimType::FirstPayment);
    assert_eq!(claim.billing_date, 1);
    assert_eq!(membership.basic_serving, 1);
    assert_eq!(membership.onetime_bundle_price.to_string(), "0");
}

#[test]
fn product_price_created() {
    let webhook = load!("product.price.created.json");
    assert_envelope(&webhook, 1795674604, "v1");
    let price = payload!(webhook, ProductPriceCreated);

    assert_eq!(price.price_code, "price_Sa3Kd8VnQe");
    assert_eq!(price.price, Decimal::new(19900, 0));
    assert_eq!(price.price.to_string(), "19900");
    assert_eq!(price.unit.as_deref(), Some("원"));
    assert_eq!(price.r#type, Some(PriceType::Flat));
    assert_eq!(price.membership_expiration_date, 12);
    assert_eq!(
        price.membership_expiration_date_type,
        Some(DateUnitType::Month)
    );
    let setup = price.setup_option.as_ref().expect("setupOption");
    assert_eq!(setup.id, 6107);
    assert_eq!(setup.name.as_deref(), Some("초기 세팅비"));
    assert_eq!(setup.r#type, Some(PriceOptionType::Initially));
    assert_eq!(setup.price.to_string(), "30000");
    assert_eq!(setup.claim_method_type, ClaimMethodType::Pre);
    let [seat, onboarding] = &price.options[..] else {
        panic!("expected 2 price options, got {}", price.options.len());
    };
    assert_eq!(seat.id, 7230);
    assert_eq!(seat.name.as_deref(), Some("추가 계정 1개"));
    assert_eq!(seat.product_code.as_deref(), Some("product_Tb4Le9WoRf"));
    assert_eq!(seat.price_code.as_deref(), Some("price_Sa3Kd8VnQe"));
    assert_eq!(seat.price_name.as_deref(), Some("스탠다드 월간"));
    assert_eq!(seat.r#type, Some(PriceOptionType::Periodic));
    assert_eq!(seat.product_type, Some(ProductType::Software));
    assert_eq!(seat.price.to_string(), "5000");
    assert_eq!(onboarding.id, 7231);
    assert_eq!(onboarding.name.as_deref(), Some("온보딩 교육"));
    assert_eq!(onboarding.r#type, Some(PriceOptionType::Initially));
    assert_eq!(onboarding.price.to_string(), "50000");
    assert_eq!(price.additional_billing, None);
    let recurring = price.recurring.as_ref().expect("recurring");
    assert_eq!(
        (&recurring.unit, recurring.count),
        (&Some(DateUnitType::Month), Some(1))
    );
    let created = price.created_at.as_ref();
    assert_date(
        created,
        "2026-11-26T06:30:02.338",
        "2026-11-25T21:30:02.338Z",
    );
    assert_eq!(price.modified_at, price.created_at);
    let plan = price.plan.as_ref().expect("plan");
    assert_eq!(plan.name, "스탠다드 월간");
    assert_eq!(plan.description, "소규모 매장을 위한 예약 관리 솔루션");
    assert_eq!(
        plan.detail_description.as_deref(),
        Some("예약 알림톡 월 500건, 직원 계정 3개 포함")
    );
    assert!(!plan.is_hidden_from_shop);
    assert_eq!(plan.admin_name.as_deref(), Some("예약관리-STD-M"));
    assert_eq!(price.first_sale_enabled, Some(true));
    assert_eq!(text(&price.first_sale_price).as_deref(), Some("9900"));
    let claim = price.claim.as_ref().expect("claim");
    assert_eq!(claim.method_type, ClaimMethodType::Pre);
    assert_eq!(claim.when_to_claim_type, WhenToClaimType::Date);
    assert_eq!(claim.billing_date, 10);
    assert_eq!(claim.provide_start_day, Some(1));
    assert_eq!(price.basic_serving, 3);
    assert_eq!(
        bundles(price),
        vec![(Some("product_Uc5Mf0XpSg"), Some("price_Tb9Le4WoRh"))]
    );
    assert_eq!(price.onetime_bundle_price.to_string(), "0");
}

#[test]
fn product_price_updated() {
    let webhook = load!("product.price.updated.json");
    assert_envelope(&webhook, 1795682661, "v1");
    let price = payload!(webhook, ProductPriceUpdated);

    assert_eq!(price.price_code, "price_Ud6Mg1YqTh");
    assert_eq!(price.price.to_string(), "50000.0");
    assert_eq!(price.unit.as_deref(), Some("건"));
    assert_eq!(price.r#type, Some(PriceType::UsageBased));
    assert_eq!(price.membership_expiration_date, 0);
    assert_eq!(
        price.membership_expiration_date_type,
        Some(DateUnitType::Year)
    );
    let setup = price.setup_option.as_ref().expect("setupOption");
    assert_eq!(setup.id, 6115);
    assert_eq!(setup.name.as_deref(), Some("API 연동 설정비"));
    assert_eq!(setup.price.to_string(), "110000");
    assert_eq!(setup.claim_method_type, ClaimMethodType::Post);
    let [sender] = &price.options[..] else {
        panic!("expected 1 price option, got {}", price.options.len());
    };
    assert_eq!(sender.id, 7302);
    assert_eq!(sender.name.as_deref(), Some("전용 발신번호"));
    assert_eq!(sender.product_code.as_deref(), Some("product_Vd7Nh2ZrUi"));
    assert_eq!(sender.price_name.as_deref(), Some("알림톡 종량제"));
    assert_eq!(sender.product_type, Some(ProductType::Software));
    assert_eq!(sender.price.to_string(), "3300");

    let billing = price
        .additional_billing
        .as_ref()
        .expect("additionalBilling");
    assert_eq!(billing.id, 8841);
    assert_eq!(billing.r#type, AdditionalBillingType::UsageBasedWithRange);
    assert_eq!(
        ranges(price),
        vec![
            (Some(99101), Some(10000), Some("9".to_owned())),
            (Some(99102), Some(50000), Some("8.5".to_owned())),
            (Some(99103), None, Some("7.5".to_owned())),
        ]
    );
    assert_eq!(billing.ranges[1].price, Some(Decimal::new(85, 1)));

    let recurring = price.recurring.as_ref().expect("recurring");
    assert_eq!(
        (&recurring.unit, recurring.count),
        (&Some(DateUnitType::Month), Some(1))
    );
    let created = price.created_at.as_ref();
    assert_date(created, "2026-03-02T01:00:00", "2026-03-01T16:00:00Z");
    assert_eq!(
        text(&price.modified_at).as_deref(),
        Some("2026-11-26T08:44:19.50896")
    );
    let plan = price.plan.as_ref().expect("plan");
    assert_eq!(plan.name, "알림톡 종량제");
    assert_eq!(
        plan.description,
        "기본 5,000건 포함, 초과분은 구간별 단가로 후불 청구"
    );
    assert_eq!(
        plan.detail_description.as_deref(),
        Some("10,000건까지 건당 9원, 50,000건까지 8.5원, 이후 7.5원")
    );
    assert!(plan.is_hidden_from_shop);
    assert_eq!(plan.admin_name.as_deref(), Some("알림톡-종량-v3"));
    assert_eq!(price.first_sale_enabled, Some(false));
    assert_eq!(price.first_sale_price, None);
    let claim = price.claim.as_ref().expect("claim");
    assert_eq!(claim.method_type, ClaimMethodType::Post);
    assert_eq!(claim.when_to_claim_type, WhenToClaimType::Date);
    assert_eq!(claim.billing_date, 5);
    assert_eq!(claim.provide_start_day, None);
    assert_eq!(price.basic_serving, 5000);
    assert!(price.bundle_prices.is_empty());
    assert_eq!(price.onetime_bundle_price.to_string(), "0");
}

#[test]
fn product_price_deleted() {
    let webhook = load!("product.price.deleted.json");
    assert_envelope(&webhook, 1795745467, "v1");
    let price = payload!(webhook, ProductPriceDeleted);

    assert_eq!(price.price_code, "price_Xf9Pj4BtWk");
    assert_eq!(price.price.to_string(), "69000");
    assert_eq!(price.unit.as_deref(), Some("세트"));
    assert_eq!(price.r#type, Some(PriceType::Bundle));
    assert_eq!(price.membership_expiration_date, 3);
    assert_eq!(
        price.membership_expiration_date_type,
        Some(DateUnitType::Month)
    );
    let setup = price.setup_option.as_ref().expect("setupOption");
    assert_eq!(setup.id, 6120);
    assert_eq!(setup.name.as_deref(), Some("보냉백 보증금"));
    assert_eq!(setup.r#type, Some(PriceOptionType::Initially));
    assert_eq!(setup.price.to_string(), "10000");
    assert_eq!(setup.claim_method_type, ClaimMethodType::Pre);
    assert!(price.options.is_empty());

    let billing = price
        .additional_billing
        .as_ref()
        .expect("additionalBilling");
    assert_eq!(billing.id, 8850);
    assert_eq!(
        billing.r#type,
        AdditionalBillingType::UsageBasedWithRangeAndFixedPrice
    );
    assert_eq!(
        ranges(price),
        vec![
            (Some(99150), Some(3), Some("0".to_owned())),
            (Some(99151), Some(6), Some("15000".to_owned())),
            (Some(99152), Some(10), Some("25000.0".to_owned())),
        ]
    );

    let recurring = price.recurring.as_ref().expect("recurring");
    assert_eq!(
        (&recurring.unit, recurring.count),
        (&Some(DateUnitType::Week), Some(1))
    );
    assert_eq!(
        text(&price.created_at).as_deref(),
        Some("2026-09-01T00:30:00.1")
    );
    let modified = price.modified_at.as_ref();
    assert_date(
        modified,
        "2026-11-27T02:11:05.4413",
        "2026-11-26T17:11:05.4413Z",
    );
    let plan = price.plan.as_ref().expect("plan");
    assert_eq!(plan.name, "한식 반찬 3종 주간 세트");
    assert_eq!(plan.description, "매주 월요일 반찬 3종을 새벽 배송합니다.");
    assert_eq!(plan.detail_description, None);
    assert!(!plan.is_hidden_from_shop);
    assert_eq!(plan.admin_name.as_deref(), Some("반찬-번들-주간"));
    assert_eq!(price.first_sale_enabled, Some(false));
    assert_eq!(price.first_sale_price, None);
    let claim = price.claim.as_ref().expect("claim");
    assert_eq!(claim.when_to_claim_type, WhenToClaimType::FirstPayment);
    assert_eq!(claim.billing_date, 1);
    assert_eq!(claim.provide_start_day, Some(2));
    assert_eq!(price.basic_serving, 1);
    assert_eq!(
        bundles(price),
        vec![
            (Some("product_Yg0Qk5CuXl"), Some("price_Yg1Qk6CuXm")),
            (Some("product_Zh1Rl6DvYm"), Some("price_Zh2Rl7DvYn")),
            (Some("product_Ai2Sm7EwZn"), None),
        ]
    );
    assert_eq!(price.onetime_bundle_price.to_string(), "75000");
}

// ---------------------------------------------------------------------------------------
// StepCover
// ---------------------------------------------------------------------------------------

#[test]
fn cover_sent_message() {
    let webhook = load!("cover.sent_message.json");
    assert_envelope(&webhook, 1795836611, "v1");
    let cover = payload!(webhook, CoverSentMessage);

    assert_eq!(cover.id, 530117);
    assert_eq!(cover.customer_id, "203371");
    assert_eq!(cover.order_id, "359842");
    assert_eq!(cover.subscription_id, "112650");
    // The fixture has no date: nextRetryDatetime is null.
    assert_eq!(cover.next_retry_datetime, None);
    assert_eq!(cover.message_type, Some(CoverMessageType::Remind));
    assert_eq!(cover.message_sent_step, Some(2));
}

#[test]
fn cover_delayed_message() {
    let webhook = load!("cover.delayed_message.json");
    assert_envelope(&webhook, 1795845767, "v1");
    let cover = payload!(webhook, CoverDelayedMessage);

    assert_eq!(cover.id, 530204);
    assert_eq!(cover.customer_id, "201143");
    assert_eq!(cover.order_id, "358390");
    assert_eq!(cover.subscription_id, "110987");
    let retry = cover.next_retry_datetime.as_ref();
    assert_date(retry, "2026-11-30T01:00:00", "2026-11-29T16:00:00Z");
    assert_eq!(cover.message_type, Some(CoverMessageType::Remind));
    assert_eq!(cover.message_sent_step, Some(1));
}

#[test]
fn cover_changed_payment_date() {
    let webhook = load!("cover.changed_payment_date.json");
    assert_envelope(&webhook, 1795918536, "v1");
    let cover = payload!(webhook, CoverChangedPaymentDate);

    assert_eq!(cover.id, 530266);
    assert_eq!(cover.customer_id, "cust-0091");
    assert_eq!(cover.order_id, "ORD-2026-11-0733");
    assert_eq!(cover.subscription_id, "SUB-88120");
    let retry = cover.next_retry_datetime.as_ref();
    assert_date(retry, "2026-12-05T00:00:00.5", "2026-12-04T15:00:00.5Z");
    assert_eq!(cover.message_type, Some(CoverMessageType::DateChanged));
    assert_eq!(cover.message_sent_step, Some(3));
}

#[test]
fn cover_paused() {
    let webhook = load!("cover.paused.json");
    assert_envelope(&webhook, 1795945200, "v1");
    let cover = payload!(webhook, CoverPaused);

    assert_eq!(cover.id, 529880);
    assert_eq!(cover.customer_id, "198420");
    assert_eq!(cover.order_id, "357002");
    assert_eq!(cover.subscription_id, "109842");
    assert_eq!(cover.next_retry_datetime, None);
    assert_eq!(cover.message_type, Some(CoverMessageType::Paused));
    assert_eq!(cover.message_sent_step, Some(5));
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
    assert_envelope(&webhook, 1795950000, "v1");
    let order = payload!(webhook, OrderCreated);

    assert_eq!(order.id, 360001);
    assert_eq!(order.code, "20261129-00000001");
    assert_eq!(order.r#type, OrderType::OneTime);
    assert_eq!(order.paid_amount.to_string(), "9900");
    assert_eq!(order.returned_amount.to_string(), "0");
    assert_eq!(order.left_amount.to_string(), "9900");
    assert_eq!(order.discounted_amount.to_string(), "0");
    assert_eq!(order.product_name, "핸드드립 입문 키트");
    assert_eq!(order.payment_date, None);
    assert_eq!(order.payment_due_date, None);
    assert_eq!(order.created_at, None);
    assert_eq!(order.modified_at, None);
    assert_eq!(order.purchase_deadline, None);
    assert_eq!(order.id_key, None);
    assert_eq!(order.customer_id, None);
    assert_eq!(order.shipping, None);
    assert!(order.items.is_empty());
    assert!(order.subscriptions.is_empty());
    assert_eq!(order.invoice_id, None);
}

#[test]
fn minimal_subscription_created() {
    let webhook = load!("minimal/subscription.created.json");
    assert_envelope(&webhook, 1795950010, "v1");
    let subscription = payload!(webhook, SubscriptionCreated);

    assert_eq!(subscription.subscription_id, 119001);
    assert_eq!(subscription.status, SubscriptionStatus::Incomplete);
    assert_eq!(subscription.created_at, None);
    assert_eq!(subscription.trial_period, None);
    assert_eq!(subscription.last_payment_date, None);
    assert_eq!(subscription.next_payment_date, None);
    assert_eq!(subscription.origin_next_payment_date, None);
    assert_eq!(subscription.end_date, None);
    assert_eq!(subscription.paused_date_time, None);
    assert_eq!(subscription.order_id, None);
    assert_eq!(subscription.order_code, None);
    assert!(subscription.items.is_empty());
    assert_eq!(subscription.customer_id, None);
    assert_eq!(subscription.interval_unit, None);
    assert_eq!(subscription.interval_count, None);
    assert_eq!(subscription.payment_method, None);
    assert_eq!(subscription.current_period, None);
    assert_eq!(subscription.noti_before_payment_date, None);
}

#[test]
fn minimal_subscription_usage_added() {
    let webhook = load!("minimal/subscription.usage.added.json");
    assert_envelope(&webhook, 1795950020, "v1");
    let usage = payload!(webhook, SubscriptionUsageAdded);

    assert_eq!(usage.id, 77401);
    assert_eq!(usage.subscription_item_id, 242001);
    assert_eq!(usage.accumulated_quota, None);
    assert_eq!(usage.accumulated_record, 120);
    let [record] = &usage.record_quotas[..] else {
        panic!("expected 1 record quota, got {}", usage.record_quotas.len());
    };
    assert_eq!(record.id, 404001);
    assert_eq!(record.delta_quota, None);
    assert_eq!(record.delta_record, 120);
    assert_eq!(record.accumulate_quota, None);
    assert_eq!(record.accumulate_record, 120);
    assert_date(
        Some(&record.influx_date),
        "2026-11-29T10:59:58",
        "2026-11-29T01:59:58Z",
    );
    assert_eq!(record.via, Actor::V1);
}

#[test]
fn minimal_invoice_created_is_all_empty() {
    let webhook = load!("minimal/invoice.created.json");
    assert_envelope(&webhook, 1795950030, "v1");
    let invoice = payload!(webhook, InvoiceCreated);

    assert_eq!(*invoice, Invoice::default());
    assert_eq!(invoice.id, None);
    assert_eq!(invoice.status, None);
    assert_eq!(invoice.discount, None);
    assert!(invoice.publish_method.is_empty());
}

#[test]
fn minimal_payment_completed() {
    let webhook = load!("minimal/payment.completed.json");
    assert_envelope(&webhook, 1795950040, "v1");
    let payment = payload!(webhook, PaymentCompleted);

    assert_eq!(payment.payment_id, 783001);
    assert_eq!(payment.id_key, "1796036440110e5Lu7Xd2PmSa9VcY");
    assert_eq!(payment.status, PaymentStatus::Complete);
    assert_eq!(payment.payment_gateway, PaymentGateway::Kakao);
    assert_eq!(payment.payment_method, PaymentMethod::SimplePay);
    assert_eq!(payment.order_id, None);
    assert_eq!(payment.customer_id, None);
    assert_eq!(payment.payer, None);
    assert_eq!(payment.product_name, None);
    assert_eq!(payment.paid_amount, None);
    assert_eq!(payment.paid_at, None);
    assert_eq!(payment.payment_only, None);
    assert_eq!(payment.error_message, None);
    assert_eq!(payment.cancel, None);
    assert_eq!(payment.v_bank, None);
    assert_eq!(payment.nice_cms, None);
}

#[test]
fn minimal_customer_created() {
    let webhook = load!("minimal/customer.created.json");
    assert_envelope(&webhook, 1795950050, "v1");
    let customer = payload!(webhook, CustomerCreated);

    assert_eq!(customer.id, 209001);
    assert_eq!(customer.username, None);
    assert_eq!(customer.name, None);
    assert_eq!(customer.email, None);
    assert_eq!(customer.phone, None);
    assert_eq!(customer.shipping, None);
    assert_eq!(customer.code, None);
    assert!(customer.attributes.is_empty());
    assert_eq!(customer.created_at, None);
    assert!(customer.additional_recipients.is_empty());
}

#[test]
fn minimal_product_created() {
    let webhook = load!("minimal/product.created.json");
    assert_envelope(&webhook, 1795950060, "v1");
    let product = payload!(webhook, ProductCreated);

    assert_eq!(product.code, "product_Bj3Tn8FxAo");
    assert_eq!(product.r#type, None);
    assert_eq!(product.status, None);
    assert_eq!(product.name, None);
    assert_eq!(product.sub_title, None);
    assert_eq!(product.featured_image_url, None);
    assert_eq!(product.description, None);
    assert!(product.image_urls.is_empty());
    assert_eq!(product.quantity, None);
    assert!(product.option_groups.is_empty());
    assert!(product.prices.is_empty());
    assert!(product.categories.is_empty());
    assert_eq!(product.created_at, None);
    assert_eq!(product.modified_at, None);
    assert_eq!(product.enabled_demo, None);
    assert_eq!(product.demo_period, None);
    assert_eq!(product.demo_period_unit, None);
}

#[test]
fn minimal_product_price_created() {
    let webhook = load!("minimal/product.price.created.json");
    assert_envelope(&webhook, 1795950070, "v1");
    let price = payload!(webhook, ProductPriceCreated);

    assert_eq!(price.price_code, "price_Ck4Uo9GyBp");
    assert_eq!(price.price.to_string(), "15000");
    assert_eq!(price.membership_expiration_date, 0);
    assert_eq!(price.basic_serving, 0);
    assert_eq!(price.onetime_bundle_price.to_string(), "0");
    let [option] = &price.options[..] else {
        panic!("expected 1 price option, got {}", price.options.len());
    };
    assert_eq!(option.id, 7501);
    assert_eq!(option.price.to_string(), "2000");
    assert_eq!(option.name, None);
    assert_eq!(option.product_code, None);
    assert_eq!(option.price_code, None);
    assert_eq!(option.price_name, None);
    assert_eq!(option.r#type, None);
    assert_eq!(option.product_type, None);
    // `bundlePrices: [{}]`: one entry with both codes absent.
    assert_eq!(bundles(price), vec![(None, None)]);

    assert_eq!(price.unit, None);
    assert_eq!(price.r#type, None);
    assert_eq!(price.membership_expiration_date_type, None);
    assert_eq!(price.setup_option, None);
    assert_eq!(price.additional_billing, None);
    assert_eq!(price.recurring, None);
    assert_eq!(price.created_at, None);
    assert_eq!(price.modified_at, None);
    assert_eq!(price.plan, None);
    assert_eq!(price.first_sale_enabled, None);
    assert_eq!(price.first_sale_price, None);
    assert_eq!(price.claim, None);
}

#[test]
fn minimal_cover_sent_message() {
    let webhook = load!("minimal/cover.sent_message.json");
    assert_envelope(&webhook, 1795950080, "v1");
    let cover = payload!(webhook, CoverSentMessage);

    assert_eq!(cover.id, 531001);
    assert_eq!(cover.customer_id, "209001");
    assert_eq!(cover.order_id, "360001");
    assert_eq!(cover.subscription_id, "119001");
    assert_eq!(cover.next_retry_datetime, None);
    assert_eq!(cover.message_type, None);
    assert_eq!(cover.message_sent_step, None);
}

// ---------------------------------------------------------------------------------------
// Edge cases
// ---------------------------------------------------------------------------------------

#[test]
fn usage_official_example() {
    let webhook = load!("edge/usage-official-example.json");
    assert_envelope(&webhook, 1688697915, "v1");
    assert_eq!(webhook.sent_at(), Some(utc("2023-07-07T02:45:15Z")));
    let usage = payload!(webhook, SubscriptionUsageAdded);

    assert_eq!(usage.id, 1);
    assert_eq!(usage.subscription_item_id, 1);
    assert_eq!(usage.accumulated_quota, None);
    assert_eq!(usage.accumulated_record, 1000);
    let [first, second] = &usage.record_quotas[..] else {
        panic!(
            "expected 2 record quotas, got {}",
            usage.record_quotas.len()
        );
    };
    assert_eq!(first.id, 1);
    assert_eq!(first.delta_quota, None);
    assert_eq!(first.delta_record, 0);
    assert_eq!(first.accumulate_quota, None);
    assert_eq!(first.accumulate_record, 0);
    assert_date(
        Some(&first.influx_date),
        "2023-07-07T01:35:42",
        "2023-07-06T16:35:42Z",
    );
    assert_eq!(first.via, Actor::System);
    assert_eq!(second.id, 2);
    assert_eq!(second.delta_quota, None);
    assert_eq!(second.delta_record, 1000);
    assert_eq!(second.accumulate_quota, None);
    assert_eq!(second.accumulate_record, 1000);
    assert_date(
        Some(&second.influx_date),
        "2023-07-07T02:38:47",
        "2023-07-06T17:38:47Z",
    );
    assert_eq!(second.via, Actor::Manager);
}

#[test]
fn unknown_event_type_keeps_name_and_data() {
    const BODY: &[u8] = include_bytes!("../fixtures/edge/unknown-event.json");
    let webhook = parse("edge/unknown-event.json", BODY);
    let raw: Value = serde_json::from_slice(BODY).expect("fixture is JSON");
    assert_envelope(&webhook, 1795824007, "v1");

    assert_eq!(webhook.event.event_type(), None);
    assert_eq!(webhook.event_type(), None);
    assert_eq!(webhook.event.event_name(), "subscription.renewal_reminded");
    assert!(webhook.event.is_unknown());
    let Event::Unknown { event, data } = &webhook.event else {
        panic!("expected Event::Unknown, got {}", webhook.event_name());
    };
    assert_eq!(event, "subscription.renewal_reminded");
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
    assert_envelope(&webhook, 1795953612, "v1");
    let payment = payload!(webhook, PaymentCompleted);

    assert_unknown!(payment.status, PaymentStatus::Unknown("REFUND_PENDING"));
    assert_unknown!(
        payment.payment_gateway,
        PaymentGateway::Unknown("KAKAOPAY_V2")
    );
    assert_unknown!(payment.payment_method, PaymentMethod::Unknown("POINT"));
    let cms = payment.nice_cms.as_ref().expect("niceCms");
    assert_unknown!(cms.bank_code, BankCode::Unknown("SUHYUP"));
    assert_unknown!(cms.status, CmsStatus::Unknown("ACCOUNT_REREGISTERED"));
    assert!(payment.status.is_unknown());
    assert_eq!(payment.payment_gateway.as_str(), "KAKAOPAY_V2");

    // Everything else still reads.
    assert_eq!(payment.payment_id, 783555);
    assert_eq!(payment.id_key, "1796040012345f6Mv8Ye3QnTb0WdZ");
    assert_eq!(payment.order_id.as_deref(), Some("360220"));
    assert_eq!(payment.customer_id.as_deref(), Some("206611"));
    let payer = payment.payer.as_ref().expect("payer");
    assert_eq!(payer.user_name.as_deref(), Some("한지민"));
    assert_eq!(
        payment.product_name.as_deref(),
        Some("건강즙 정기배송 (30포)")
    );
    assert_eq!(text(&payment.paid_amount).as_deref(), Some("52000"));
    assert_eq!(
        text(&payment.paid_at).as_deref(),
        Some("2026-11-29T12:00:10.77")
    );
    assert_eq!(payment.payment_only, Some(false));
    assert_eq!(cms.company_name, "한결 한의원");
    assert_eq!(
        cms.company_registration_number.as_deref(),
        Some("211-90-54321")
    );
    assert_eq!(cms.bank_account, "1010-****-5566");
    assert_eq!(cms.date.to_string(), "2026-11-29T12:00:09");
    assert_eq!(cms.error_return, None);
}

#[test]
fn unknown_enum_values_in_a_subscription() {
    let webhook = load!("edge/unknown-enum-values-subscription.json");
    assert_envelope(&webhook, 1795953900, "v1");
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
    assert_eq!(
        method.payment_info.as_deref(),
        Some("네이버페이 포인트/머니")
    );

    let [known, gift] = &subscription.items[..] else {
        panic!("expected 2 items, got {}", subscription.items.len());
    };
    assert_unknown!(gift.r#type, OrderItemType::Unknown("GIFT"));
    assert_unknown!(
        gift.claim_method_type,
        Some(ClaimMethodType::Unknown("MIXED"))
    );
    assert_unknown!(gift.price_type, PriceType::Unknown("TIERED"));
    assert_eq!(gift.subscription_item_id, 238880);
    assert_eq!(gift.price.to_string(), "0");

    // Documented values next to them still read as known variants.
    assert_wire(&known.r#type, &OrderItemType::Sku, "SKU");
    assert_wire(&known.claim_method_type, &Some(ClaimMethodType::Pre), "PRE");
    assert_wire(&known.price_type, &PriceType::Flat, "FLAT");
    assert!(!known.r#type.is_unknown());
    assert_eq!(known.subscription_item_id, 238879);
    assert_eq!(known.price.to_string(), "129000");

    assert_eq!(subscription.subscription_id, 113999);
    assert_eq!(subscription.order_id, Some(330145));
    assert_eq!(subscription.customer_id, Some(206702));
    assert_eq!(subscription.interval_count, Some(1));
    let current = subscription.current_period.as_ref();
    assert_period(current, "2026-11-03T07:22:41", "2026-12-03T07:22:41");
}

#[test]
fn extra_fields_are_ignored() {
    let webhook = load!("edge/extra-fields.json");
    assert_envelope(&webhook, 1795154401, "v1");
    let order = payload!(webhook, OrderUpdated);

    assert_eq!(order.id, 352288);
    assert_eq!(order.code, "20261120-00000466");
    assert_eq!(order.r#type, OrderType::OneTime);
    assert_eq!(order.paid_amount.to_string(), "110000");
    assert_eq!(order.returned_amount.to_string(), "25000");
    assert_eq!(order.left_amount.to_string(), "85000");
    assert_eq!(order.discounted_amount.to_string(), "11000");
    let paid = order.payment_date.as_ref();
    assert_date(
        paid,
        "2026-11-18T23:47:12.038268",
        "2026-11-18T14:47:12.038268Z",
    );
    assert_eq!(order.customer_id, Some(204999));
    assert_shipping(
        order.shipping.as_ref(),
        [
            "강도윤",
            "010-7890-1234",
            "03925",
            "서울특별시 마포구 월드컵북로 396",
            "누리꿈스퀘어 비즈니스타워 15층",
            "서울특별시",
            "마포구",
            "KR",
        ],
    );
    assert!(order.subscriptions.is_empty());
    assert_eq!(order.invoice_id, None);

    use OrderItemStatus::{CancellationRefunded, OrderDeliveryOnTheWay as OnTheWay};
    use OrderItemType::{Discount, Fee, Shipping, Sku};
    assert_eq!(
        item_lines(order),
        vec![
            line(919100, "oi_Tb2WcX9nHq4Ae", Sku, OnTheWay, "99000.0"),
            line(
                919101,
                "oi_Tb2WcX9nHq4Af",
                Sku,
                CancellationRefunded,
                "25000"
            ),
            line(919102, "oi_Tb2WcX9nHq4Ag", Fee, OnTheWay, "4000"),
            line(919103, "oi_Tb2WcX9nHq4Ah", Shipping, OnTheWay, "3000"),
            line(919104, "oi_Tb2WcX9nHq4Ai", Discount, OnTheWay, "-11000"),
        ]
    );
    let [fruit, jam, wrap, delivery, discount] = &order.items[..] else {
        panic!("expected 5 items, got {}", order.items.len());
    };
    let demo = fruit
        .demo_cycle
        .as_ref()
        .expect("demoCycle with extra fields");
    assert_eq!((demo.num, &demo.r#type), (3, &DateUnitType::Day));
    assert_eq!(fruit.minimum_quantity, Some(1));
    assert_eq!(fruit.selected_product_option_ids, vec![20417]);
    let canceled = jam.canceled_date_time.as_ref();
    assert_date(
        canceled,
        "2026-11-20T05:31:44.712",
        "2026-11-19T20:31:44.712Z",
    );
    assert_eq!(
        wrap.parent_order_item_code.as_deref(),
        Some("oi_Tb2WcX9nHq4Ae")
    );
    assert_eq!(wrap.price_setup_type, Some(PriceOptionType::Periodic));
    let demo = delivery
        .demo_cycle
        .as_ref()
        .expect("demoCycle with extra fields");
    assert_eq!((demo.num, &demo.r#type), (1, &DateUnitType::Week));
    assert_eq!(discount.related_order_item_id, Some(919100));
}

#[test]
fn odd_forms_in_a_payment() {
    let webhook = load!("edge/odd-forms.json");
    // `data` comes first in this body: key order does not matter.
    assert_envelope(&webhook, 1795068000, "v1");
    assert_eq!(webhook.event_name(), "payment.canceled");
    let payment = payload!(webhook, PaymentCanceled);

    assert_eq!(payment.payment_id, 780412);
    assert_eq!(payment.id_key, "1795591200456a9Bc2De4Fg6Hi8Jk");
    // Numeric identifiers read as their decimal text.
    assert_eq!(payment.order_id.as_deref(), Some("12345"));
    assert_eq!(payment.customer_id.as_deref(), Some("67890"));
    assert_eq!(payment.status, PaymentStatus::PartialCanceled);
    assert_eq!(payment.payment_gateway, PaymentGateway::Bluewalnut);
    assert_eq!(payment.payment_method, PaymentMethod::Card);
    assert_eq!(payment.payment_only, Some(true));
    let payer = payment.payer.as_ref().expect("payer");
    assert_eq!(payer.user_name.as_deref(), Some("오승현"));
    assert_eq!(payment.product_name.as_deref(), Some("캠핑 의자 2개 세트"));

    let paid_amount = payment.paid_amount.expect("paidAmount");
    assert_eq!(paid_amount.to_string(), "10000.0");
    assert_eq!(paid_amount, Decimal::new(10000, 0));
    let cancel = payment.cancel.as_ref().expect("cancel");
    assert_eq!(cancel.canceled_amount.to_string(), "0.0");
    assert!(cancel.canceled_amount.is_zero());

    // `Z`: an explicit zero offset.
    let paid_at = payment.paid_at.as_ref().expect("paidAt");
    assert_eq!(paid_at.to_string(), "2026-11-12T06:00:00Z");
    assert_eq!(paid_at.offset(), FixedOffset::east_opt(0));
    assert_eq!(paid_at.to_utc(), utc("2026-11-12T06:00:00Z"));
    assert_eq!(
        paid_at.to_utc().with_timezone(&KST).to_rfc3339(),
        "2026-11-12T15:00:00+09:00"
    );

    // Nine fractional digits and `+09:00`.
    let canceled = cancel
        .last_canceled_date
        .as_ref()
        .expect("lastCanceledDate");
    assert_eq!(canceled.to_string(), "2026-11-12T15:00:00.123456789+09:00");
    assert_eq!(canceled.offset(), FixedOffset::east_opt(9 * 3600));
    assert_eq!(
        canceled.naive().and_utc().timestamp_subsec_nanos(),
        123_456_789
    );
    assert_eq!(canceled.fraction_digits(), 9);
    assert_eq!(canceled.to_utc(), utc("2026-11-12T06:00:00.123456789Z"));
    assert_eq!(payment.v_bank, None);
    assert_eq!(payment.nice_cms, None);
}

#[test]
fn odd_forms_in_an_order() {
    let webhook = load!("edge/odd-forms-order.json");
    assert_envelope(&webhook, 1795078802, "v1");
    let order = payload!(webhook, OrderCreated);

    assert_eq!(order.id, 346677);
    assert_eq!(order.code, "20261112-00000077");
    assert_eq!(order.r#type, OrderType::AddUsage);
    // `items: null` and no `subscriptions` read as empty lists.
    assert!(order.items.is_empty());
    assert!(order.subscriptions.is_empty());
    assert_eq!(order.shipping, None);
    assert_eq!(order.invoice_id, None);
    assert_eq!(order.payment_date, None);
    assert_eq!(order.customer_id, Some(200145));
    assert_eq!(
        order.id_key.as_deref(),
        Some("17949312005003d7Ef9Gh1Ij3Kl5M")
    );

    assert_eq!(order.paid_amount, Decimal::new(125, 1));
    assert_eq!(order.paid_amount.to_string(), "12.5");
    assert_eq!(order.returned_amount.to_string(), "0.0");
    assert_eq!(order.left_amount.to_string(), "10000.0");
    assert_eq!(order.discounted_amount.to_string(), "110000");

    let due = order.payment_due_date.as_ref().expect("paymentDueDate");
    let deadline = order.purchase_deadline.as_ref().expect("purchaseDeadline");
    assert_eq!(due.to_string(), "9999-01-01T00:00:00.000000");
    assert_eq!(deadline.to_string(), "9999-01-01T00:00:00");
    assert!(due.is_never());
    assert!(deadline.is_never());
    assert_eq!(due, deadline, "both sentinels are the same instant");
    let created = order.created_at.as_ref().expect("createdAt");
    assert!(!created.is_never());
    assert_date(
        Some(created),
        "2026-11-12T09:00:00.5",
        "2026-11-12T00:00:00.5Z",
    );
}

#[test]
fn millisecond_timestamp() {
    let webhook = load!("edge/millis-timestamp.json");
    assert_eq!(webhook.timestamp, 1795046400123);
    assert_eq!(webhook.version, "v1");
    let sent_at = webhook.sent_at().expect("timestamp in range");
    assert_eq!(sent_at, utc("2026-11-19T00:00:00.123Z"));
    assert_eq!(sent_at.timestamp_subsec_millis(), 123);

    let customer = payload!(webhook, CustomerUpdated);
    assert_eq!(customer.id, 207880);
    assert_eq!(customer.name.as_deref(), Some("서예린"));
    assert_eq!(customer.code.as_deref(), Some("customer_Zs8Lf1UtDw"));
    assert_eq!(
        customer.attributes,
        string_map(&[("memberGrade", "SILVER")])
    );
    let created = customer.created_at.as_ref();
    assert_date(created, "2026-09-09T09:09:09.09", "2026-09-09T00:09:09.09Z");
    // `additionalRecipients: null` reads as empty.
    assert!(customer.additional_recipients.is_empty());
    let shipping = customer.shipping.as_ref().expect("shipping");
    assert_eq!(shipping.postcode, "16490");
    assert_eq!(shipping.city.as_deref(), Some("수원시 팔달구"));
}
