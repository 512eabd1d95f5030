//! The bodies the benchmarks parse, built from `tests/fixtures` once at start-up.
//!
//! - **compact, event first**: the 27 event fixtures with the whitespace between tokens
//!   removed; keys in the fixtures' order (`timestamp`, `version`, `event`, `data`). Every byte
//!   of every string and number is kept as written.
//! - **compact, data first**: the same bodies with the `data` member moved before `event`
//!   (the bytes of `data` unchanged): `timestamp`, `version`, `data`, `event`.
//! - **pretty**: the fixtures as they are in the repository (two-space indentation).
//! - **200-item order**: one `order.updated` with 200 items, made from the order fixture's
//!   first item with varying ids, codes, products, quantities and amounts.
//! - **compact, one wrong value**: the compact event-first bodies with one value of `data`
//!   replaced by `true` where the schema wants something else: the last member of `data`
//!   for which that makes `parse_webhook` fail, so the whole of `data` is read before the
//!   error (what an invalid body costs). Still valid JSON.
//!
//! Plus the ~2 KB body for verify + parse: `subscription.created`, compacted (2,039 bytes).

use steppay_webhook::{parse_webhook, EventType};

/// `[(name, bytes)]` of the fixtures `tests/fixtures/<name>.json`.
macro_rules! fixtures {
    ($($name:literal),+ $(,)?) => {
        [$(($name, include_bytes!(concat!("../../tests/fixtures/", $name, ".json")) as &[u8])),+]
    };
}

/// The event fixtures, one per event type (checked against [`EventType::iter`]).
const FIXTURES: [(&str, &[u8]); 27] = fixtures![
    "order.created",
    "order.updated",
    "order.payment_completed",
    "subscription.created",
    "subscription.updated",
    "subscription.payment_due_notification",
    "subscription.usage.added",
    "invoice.created",
    "invoice.updated",
    "invoice.deleted",
    "payment.completed",
    "payment.failed",
    "payment.canceled",
    "payment.standby",
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "product.created",
    "product.updated",
    "product.deleted",
    "product.price.created",
    "product.price.updated",
    "product.price.deleted",
    "cover.sent_message",
    "cover.delayed_message",
    "cover.changed_payment_date",
    "cover.paused",
];

/// The fixture whose compacted form is the ~2 KB body of the verify + parse measurement.
const TWO_KB_FIXTURE: &str = "subscription.created";

/// How many items the generated order holds.
pub const ORDER_ITEMS: usize = 200;

/// One request body.
pub struct Body {
    /// The event type's wire name (or a description, for generated bodies).
    pub name: String,
    /// The bytes as a receiver gets them.
    pub bytes: Vec<u8>,
}

/// A set of bodies measured together: one pass parses each body once.
pub struct Corpus {
    /// Short identifier, used in benchmark ids and on the command line.
    pub id: &'static str,
    /// What the table calls it.
    pub title: &'static str,
    /// The bodies, in fixture order.
    pub bodies: Vec<Body>,
    /// Whether every body is one `parse_webhook` must reject (with `Error::InvalidData`).
    pub invalid: bool,
}

impl Corpus {
    /// Total bytes of one pass.
    pub fn bytes(&self) -> usize {
        self.bodies.iter().map(|body| body.bytes.len()).sum()
    }

    /// The bodies as slices, for the measuring loops.
    pub fn slices(&self) -> Vec<&[u8]> {
        self.bodies
            .iter()
            .map(|body| body.bytes.as_slice())
            .collect()
    }
}

/// Every corpus, built and checked.
pub struct Corpora {
    /// The 27 fixtures compacted, `event` before `data`.
    pub compact_event_first: Corpus,
    /// The 27 fixtures compacted, `data` before `event`.
    pub compact_data_first: Corpus,
    /// The 27 fixtures as they are (pretty-printed).
    pub pretty: Corpus,
    /// One generated `order.updated` with [`ORDER_ITEMS`] items, compacted.
    pub order_200: Corpus,
    /// The compact event-first bodies with one wrong value each.
    pub invalid: Corpus,
    /// The ~2 KB body for verify + parse.
    pub two_kb: Body,
}

impl Corpora {
    /// Builds every corpus and checks that each body parses to the same `Webhook` as the
    /// fixture it came from (panics otherwise: a benchmark over wrong bodies is worthless).
    pub fn build() -> Corpora {
        let known: Vec<&str> = EventType::iter().map(EventType::as_str).collect();
        for (name, _) in FIXTURES {
            assert!(known.contains(&name), "{name} is not an event type");
        }
        assert_eq!(known.len(), FIXTURES.len(), "one fixture per event type");

        let pretty: Vec<Body> = FIXTURES
            .iter()
            .map(|(name, bytes)| Body {
                name: (*name).to_owned(),
                bytes: bytes.to_vec(),
            })
            .collect();
        let event_first: Vec<Body> = pretty
            .iter()
            .map(|body| Body {
                name: body.name.clone(),
                bytes: compact(&body.bytes),
            })
            .collect();
        let data_first: Vec<Body> = event_first
            .iter()
            .map(|body| Body {
                name: body.name.clone(),
                bytes: data_before_event(&body.bytes),
            })
            .collect();
        for ((pretty, event_first), data_first) in pretty.iter().zip(&event_first).zip(&data_first)
        {
            let expected = parse_webhook(&pretty.bytes).expect("fixture parses");
            assert_eq!(expected.event_name(), pretty.name, "fixture's event name");
            for body in [event_first, data_first] {
                let reparsed = parse_webhook(&body.bytes).expect("rewritten fixture parses");
                assert_eq!(
                    reparsed, expected,
                    "{}: rewriting changed the body",
                    body.name
                );
            }
        }

        let order = generated_order(ORDER_ITEMS);
        let parsed = parse_webhook(&order).expect("the generated order parses");
        match parsed.event {
            steppay_webhook::Event::OrderUpdated(order) => {
                assert_eq!(order.items.len(), ORDER_ITEMS, "generated order's items")
            }
            other => panic!("generated order parsed as {}", other.event_name()),
        }

        let invalid: Vec<Body> = event_first
            .iter()
            .map(|body| Body {
                name: body.name.clone(),
                bytes: with_one_wrong_value(&body.bytes),
            })
            .collect();
        for body in &invalid {
            serde_json::from_slice::<serde_json::Value>(&body.bytes)
                .expect("a body with a wrong value is still JSON");
        }

        let two_kb = event_first
            .iter()
            .find(|body| body.name == TWO_KB_FIXTURE)
            .map(|body| Body {
                name: format!("{} (compact)", body.name),
                bytes: body.bytes.clone(),
            })
            .expect("the 2 KB fixture is listed");

        Corpora {
            compact_event_first: Corpus {
                id: "compact-event-first",
                title: "compact, event first",
                bodies: event_first,
                invalid: false,
            },
            compact_data_first: Corpus {
                id: "compact-data-first",
                title: "compact, data first",
                bodies: data_first,
                invalid: false,
            },
            pretty: Corpus {
                id: "pretty",
                title: "pretty-printed",
                bodies: pretty,
                invalid: false,
            },
            order_200: Corpus {
                id: "order-200",
                title: "200-item order",
                bodies: vec![Body {
                    name: format!("order.updated, {ORDER_ITEMS} items"),
                    bytes: order,
                }],
                invalid: false,
            },
            invalid: Corpus {
                id: "compact-invalid",
                title: "compact, 1 wrong value",
                bodies: invalid,
                invalid: true,
            },
            two_kb,
        }
    }

    /// The corpora of the parse measurements, in table order.
    pub fn all(&self) -> [&Corpus; 5] {
        [
            &self.compact_event_first,
            &self.compact_data_first,
            &self.pretty,
            &self.order_200,
            &self.invalid,
        ]
    }

    /// The corpus named `id` (see [`Corpus::id`]).
    pub fn get(&self, id: &str) -> Option<&Corpus> {
        self.all().into_iter().find(|corpus| corpus.id == id)
    }
}

/// `json` without the whitespace between tokens; strings (and so keys) and numbers are copied
/// byte for byte, key order is kept.
pub fn compact(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for &byte in json {
        if in_string {
            out.push(byte);
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
        } else if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            out.push(byte);
            in_string = byte == b'"';
        }
    }
    out
}

/// The members of a compact JSON object, or the elements of a compact JSON array: the text
/// between the top-level commas.
fn split_top_level(container: &[u8]) -> Vec<&[u8]> {
    assert!(
        matches!(
            (container.first(), container.last()),
            (Some(b'{'), Some(b'}')) | (Some(b'['), Some(b']'))
        ),
        "not a compact object or array"
    );
    let inner = &container[1..container.len() - 1];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for (i, &byte) in inner.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            b',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if !inner.is_empty() {
        parts.push(&inner[start..]);
    }
    parts
}

/// Whether `member` (`"key":value`) has the key `key` (keys here hold no escapes).
fn has_key(member: &[u8], key: &str) -> bool {
    member.len() > key.len() + 2
        && member[0] == b'"'
        && &member[1..=key.len()] == key.as_bytes()
        && member[key.len() + 1] == b'"'
        && member[key.len() + 2] == b':'
}

/// The value text of `object`'s member `key`.
fn member_value<'a>(object: &'a [u8], key: &str) -> &'a [u8] {
    let member = split_top_level(object)
        .into_iter()
        .find(|member| has_key(member, key))
        .unwrap_or_else(|| panic!("no member {key}"));
    &member[key.len() + 3..]
}

/// `object` with the value of its member `key` replaced by `value` (JSON text), in place.
fn with_member(object: &[u8], key: &str, value: &str) -> Vec<u8> {
    let mut found = false;
    let members: Vec<Vec<u8>> = split_top_level(object)
        .into_iter()
        .map(|member| {
            if has_key(member, key) {
                found = true;
                format!("\"{key}\":{value}").into_bytes()
            } else {
                member.to_vec()
            }
        })
        .collect();
    assert!(found, "no member {key}");
    join(b'{', &members, b'}')
}

fn join(open: u8, parts: &[impl AsRef<[u8]>], close: u8) -> Vec<u8> {
    let mut out = vec![open];
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(part.as_ref());
    }
    out.push(close);
    out
}

/// A compact envelope with its `data` member moved to just before `event`.
pub fn data_before_event(envelope: &[u8]) -> Vec<u8> {
    let mut members = split_top_level(envelope);
    let data = members
        .iter()
        .position(|member| has_key(member, "data"))
        .expect("a data member");
    let data = members.remove(data);
    let event = members
        .iter()
        .position(|member| has_key(member, "event"))
        .expect("an event member");
    members.insert(event, data);
    join(b'{', &members, b'}')
}

/// `envelope` (compact) with the value of the last member of `data` that `parse_webhook`
/// rejects when it is `true` replaced by `true`.
fn with_one_wrong_value(envelope: &[u8]) -> Vec<u8> {
    let data = member_value(envelope, "data");
    split_top_level(data)
        .into_iter()
        .rev()
        .find_map(|member| {
            let key = std::str::from_utf8(&member[1..]).ok()?.split('"').next()?;
            let data = with_member(data, key, "true");
            let body = with_member(
                envelope,
                "data",
                std::str::from_utf8(&data).expect("UTF-8 data"),
            );
            let error = parse_webhook(&body).err()?;
            error.raw_data().is_some().then_some(body)
        })
        .expect("some value of data can be made wrong")
}

/// A product the generated order's items are drawn from: name, option label, product code,
/// price code, unit price (KRW).
const CATALOGUE: [(&str, &str, &str, &str, u64); 8] = [
    (
        "유기농 제철 과일 선물세트",
        "구성: 사과+배 (5kg)",
        "product_Pq7Yx3VbNc",
        "price_Fr5Lm8QzTa",
        99000,
    ),
    (
        "제주 감귤 10kg",
        "크기: 로얄과",
        "product_Jk2Hs9WeRt",
        "price_Ab3Cd4Ef5G",
        32900,
    ),
    (
        "국산 콩 두부 4입",
        "포장: 냉장",
        "product_Mn4Bv6CxZa",
        "price_Hi6Jk7Lm8N",
        8900,
    ),
    (
        "프리미엄 원두 1kg",
        "분쇄: 홀빈",
        "product_Qw8Er2TyUi",
        "price_Op9Qr1St2U",
        29000,
    ),
    (
        "무항생제 유정란 30구",
        "등급: 1+",
        "product_As5Df7GhJk",
        "price_Vw3Xy4Za5B",
        12500,
    ),
    (
        "완도 전복 1kg (10~12미)",
        "손질: 손질 안 함",
        "product_Zx1Cv3BnMl",
        "price_Cd6Ef7Gh8I",
        54000,
    ),
    (
        "햇 찹쌀 4kg",
        "도정일: 주문 후 도정",
        "product_Po9Iu8YtRe",
        "price_Jk9Lm1No2P",
        21800,
    ),
    (
        "강원도 감자 5kg",
        "크기: 특",
        "product_Lk4Jh5Gf6D",
        "price_Qr3St4Uv5W",
        15900,
    ),
];

/// Item statuses cycled through the generated order.
const ITEM_STATUSES: [&str; 4] = [
    "PAID",
    "ORDER_DELIVERY_PREPARING",
    "ORDER_DELIVERY_ON_THE_WAY",
    "ORDER_DELIVERY_COMPLETED",
];

/// A 14-character alphanumeric code derived from `seed`, like StepPay's `oi_...` codes.
fn code(seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    (0..14)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ALPHABET[(state % ALPHABET.len() as u64) as usize] as char
        })
        .collect()
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// The `order.updated` fixture, compacted, with `items` replaced by `count` items made from
/// its first item, and the order's amounts and product name made to match.
pub fn generated_order(count: usize) -> Vec<u8> {
    let (_, fixture) = FIXTURES
        .iter()
        .find(|(name, _)| *name == "order.updated")
        .expect("the order.updated fixture");
    let envelope = compact(fixture);
    let data = member_value(&envelope, "data");
    let template = split_top_level(member_value(data, "items"))[0];
    let first_id: u64 = 918_840;

    let mut total = 0u64;
    let items: Vec<Vec<u8>> = (0..count as u64)
        .map(|i| {
            let (name, option, product_code, price_code, unit_price) =
                CATALOGUE[i as usize % CATALOGUE.len()];
            let quantity = 1 + i % 3;
            let amount = unit_price * quantity;
            total += amount;
            let image =
                format!("https://cdn.steppay.co.kr/store/8f3a2c/products/{product_code}/main.png");
            let fields = [
                ("id", (first_id + i).to_string()),
                ("code", json_string(&format!("oi_{}", code(i)))),
                (
                    "status",
                    json_string(ITEM_STATUSES[i as usize % ITEM_STATUSES.len()]),
                ),
                ("paidAmount", format!("{amount}.0")),
                ("quantity", quantity.to_string()),
                ("priceCode", json_string(price_code)),
                ("productCode", json_string(product_code)),
                ("productName", json_string(name)),
                ("featuredImageUrl", json_string(&image)),
                ("selectedProductOptionLabel", json_string(option)),
                ("selectedProductOptionIds", format!("[{}]", 20_417 + i)),
            ];
            fields.iter().fold(template.to_vec(), |item, (key, value)| {
                with_member(&item, key, value)
            })
        })
        .collect();

    let product_name = format!("{} 외 {}건", CATALOGUE[0].0, count - 1);
    let fields = [
        ("paidAmount", total.to_string()),
        ("returnedAmount", "0".to_owned()),
        ("leftAmount", total.to_string()),
        ("discountedAmount", "0".to_owned()),
        ("productName", json_string(&product_name)),
        (
            "items",
            String::from_utf8(join(b'[', &items, b']')).expect("UTF-8 items"),
        ),
    ];
    let data = fields.iter().fold(data.to_vec(), |data, (key, value)| {
        with_member(&data, key, value)
    });
    with_member(
        &envelope,
        "data",
        std::str::from_utf8(&data).expect("UTF-8 data"),
    )
}
