//! Differential test of `parse_webhook`: a corpus of valid and mutated bodies, generated
//! deterministically from `tests/fixtures`, parsed, and each outcome compared with the one
//! recorded in `tests/data/differential.snapshot.gz` (issue #11).
//!
//! The snapshot was recorded with the implementation before the optimisation of issue #11, so
//! this test holds the optimised parser to the same output on every body: the same `Webhook`
//! (its serialized JSON, compared by length and hash), or the same error (variant, `Display`
//! text, path, event name, message, and the raw `data` by length and hash).
//!
//! The corpus: every valid fixture (the 27 event types, `minimal/`, `edge/`) as it is,
//! compacted, with `event` before `data` and with `data` before `event`; then on the compact
//! bodies (and a share of them with `data` first): every value replaced by values of the wrong
//! type, strings by odd date-times, enumeration values, escapes and lone surrogates, numbers
//! by huge, tiny, inexact and out-of-range ones; every member removed; every object duplicated
//! a key of (same and other value, escaped), read as a positional array, given an unknown key
//! twice; truncations; invalid UTF-8 in strings, keys and multi-byte characters; `isTest`
//! variants and places; event names empty, escaped, unknown, of the wrong type; unknown events
//! with the same mutations of their raw data; envelope fields missing, doubled, of the wrong
//! type, trailing bytes; bodies that are not objects.
//!
//! To record the snapshot again (only for a deliberate change of behaviour, in a commit of its
//! own that says why):
//!
//! ```text
//! STEPPAY_WRITE_DIFFERENTIAL_SNAPSHOT=1 cargo test --test it differential
//! ```

use std::io::{Read, Write};
use std::path::PathBuf;

use steppay_webhook::parse_webhook;

use crate::support::{all_valid_fixtures, fixtures_dir, invalid_fixtures, UNKNOWN_EVENT};

/// Set to record the snapshot instead of comparing with it.
const WRITE_VAR: &str = "STEPPAY_WRITE_DIFFERENTIAL_SNAPSHOT";

fn snapshot_path() -> PathBuf {
    fixtures_dir()
        .parent()
        .expect("tests/")
        .join("data/differential.snapshot.gz")
}

#[test]
fn parse_webhook_gives_the_recorded_outcome_on_every_body() {
    let corpus = corpus();
    assert!(corpus.len() > 20_000, "corpus too small: {}", corpus.len());
    let lines: Vec<String> = corpus
        .iter()
        .map(|case| format!("{}\t{}", case.name, outcome(&case.body)))
        .collect();

    if std::env::var_os(WRITE_VAR).is_some() {
        let mut text = String::new();
        for line in &lines {
            text.push_str(line);
            text.push('\n');
        }
        let file = std::fs::File::create(snapshot_path()).expect("snapshot file");
        let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::best());
        encoder.write_all(text.as_bytes()).expect("write snapshot");
        encoder.finish().expect("finish snapshot");
        eprintln!("recorded {} outcomes", lines.len());
        return;
    }

    let mut text = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(snapshot_path()).expect("the snapshot (see the module docs)"),
    )
    .read_to_string(&mut text)
    .expect("snapshot is gzipped UTF-8");
    let recorded: Vec<&str> = text.lines().collect();

    let mut differences = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let expected = recorded.get(index).copied().unwrap_or("<missing>");
        if expected != line {
            differences.push(format!(
                "body {index}: {}\n  recorded: {expected}\n  now:      {line}",
                excerpt(&corpus[index].body)
            ));
        }
    }
    assert_eq!(
        recorded.len(),
        lines.len(),
        "the corpus changed size: the snapshot has {} outcomes, the corpus {} bodies",
        recorded.len(),
        lines.len()
    );
    assert!(
        differences.is_empty(),
        "{} of {} bodies differ from the snapshot; the first:\n{}",
        differences.len(),
        lines.len(),
        differences
            .iter()
            .take(12)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The body, shortened for a failure message.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let short: String = text.chars().take(300).collect();
    format!("{short:?} ({} bytes)", body.len())
}

/// What `parse_webhook` gives for `body`, on one line.
fn outcome(body: &[u8]) -> String {
    match parse_webhook(body) {
        Ok(webhook) => {
            let json = serde_json::to_string(&webhook).expect("a parsed webhook serializes");
            format!(
                "ok {:?} json={}:{:08x}",
                webhook.event_name(),
                json.len(),
                hash32(json.as_bytes())
            )
        }
        Err(error) => {
            let debug = format!("{error:?}");
            let variant = debug
                .split([' ', '{', '('])
                .next()
                .unwrap_or_default()
                .to_owned();
            // The raw data is most often the body's `data` exactly: said so, else hashed.
            let raw = match error.raw_data() {
                None => "-".to_owned(),
                Some(raw) if data_text(body) == Some(raw.as_bytes()) => "data".to_owned(),
                Some(raw) => format!("{}:{:08x}", raw.len(), hash32(raw.as_bytes())),
            };
            format!(
                "err {variant} {:?} path={:?} event={:?} message={:?} raw={raw}",
                error.to_string(),
                error.path(),
                error.event_name(),
                error.message(),
            )
        }
    }
}

/// FNV-1a (64 bits, folded to 32): the same on every machine and Rust version. 32 bits keep
/// the snapshot small; a changed output goes unnoticed with a chance of one in four billion.
fn hash32(bytes: &[u8]) -> u32 {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash >> 32) as u32 ^ hash as u32
}

/// The text of the root member `data` of `body`, when the body is JSON with one.
fn data_text(body: &[u8]) -> Option<&[u8]> {
    let Kind::Object(members) = parse(body)?.kind else {
        return None;
    };
    members
        .iter()
        .rev()
        .find(|m| key_is(body, m, "data"))
        .map(|m| &body[m.value.start..m.value.end])
}

// ---------------------------------------------------------------------------------------
// The corpus

/// One body and how it was made.
struct Case {
    name: String,
    body: Vec<u8>,
}

#[derive(Default)]
struct Corpus {
    cases: Vec<Case>,
    /// A counter that picks, in turn, which of several variants a mutation gets.
    turn: usize,
}

impl Corpus {
    fn push(&mut self, name: String, body: Vec<u8>) {
        self.cases.push(Case { name, body });
    }

    /// The next `n` of `choices`, in turn.
    fn some_of<'a>(&mut self, choices: &'a [&'a str], n: usize) -> Vec<&'a str> {
        let picked = (0..n)
            .map(|i| choices[(self.turn + i) % choices.len()])
            .collect();
        self.turn += n;
        picked
    }
}

/// Values of every JSON type, put in place of each value.
const WRONG_TYPES: [&str; 7] = ["null", "true", "\"x\"", "0", "-1.5", "[]", "{}"];

/// Numbers at and beyond every limit the schemas have, and in every notation.
const NUMBERS: [&str; 18] = [
    "1e400",
    "-1e400",
    "123456789012345678901234567890",
    "79228162514264337593543950335",
    "79228162514264337593543950336",
    "0.1000000000000000000000000001",
    "1e-28",
    "1e-29",
    "18446744073709551616",
    "-9223372036854775809",
    "9223372036854775807",
    "2147483648",
    "1.50e1",
    "-0",
    "1E+2",
    "29000.00",
    "0.0",
    "1.0000000000",
];

/// Strings: date-times valid and not, enumeration values, identifiers, escapes, surrogates.
const STRINGS: [&str; 16] = [
    r#""""#,
    r#""2023-02-30T09:07:55""#,
    r#""2023-09-13T09:07:55.1234567890""#,
    r#""9999-01-01T00:00:00""#,
    r#""2023-09-13T09:07:55.5+09:00""#,
    r#""2023-09-13t09:07:55Z""#,
    r#""2023-09-13T09:07:55-03:30""#,
    r#""2023-09-13T09:07:55 ""#,
    r#""UNKNOWN_VALUE""#,
    r#""\u00e9\ud83d\ude00""#,
    r#""\ud800""#,
    r#""a\"b\\c\n""#,
    r#""12345""#,
    r#""ACTIVE""#,
    r#""가나다라마바사아자차카타파하가나다라마바사아자차카타파하가나다라마바사아자차카타파하가나다""#,
    r#""2026-11-19T01:12:31.50896""#,
];

/// `isTest` values.
const IS_TEST: [&str; 6] = ["true", "false", "null", "\"true\"", "1", "[]"];

/// The whole corpus, in a fixed order.
fn corpus() -> Vec<Case> {
    let mut corpus = Corpus::default();
    let mut bases = all_valid_fixtures();
    // Unknown event types: the edge fixture, and a few known bodies renamed.
    for event in ["order.updated", "payment.completed", "subscription.created"] {
        let body = std::fs::read(fixtures_dir().join(format!("{event}.json"))).expect("fixture");
        let compact = compact(&body);
        let renamed = set_member(&compact, "event", &format!("\"{UNKNOWN_EVENT}.{event}\""));
        bases.push((format!("{event} renamed unknown"), renamed));
    }
    for (name, body) in &bases {
        whole_body_forms(&mut corpus, name, body);
        let compact = compact(body);
        let event_first = move_before(&compact, "event", "data");
        let data_first = move_before(&compact, "data", "event");
        value_mutations(&mut corpus, name, &event_first, &data_first);
        truncations(&mut corpus, name, &event_first, &data_first, body);
        invalid_utf8(&mut corpus, name, &event_first, &data_first);
        envelope_mutations(&mut corpus, name, &event_first, &data_first);
    }
    for (name, body) in invalid_fixtures() {
        corpus.push(format!("{name}|as is"), body.clone());
        if parse(&body).is_some() {
            let compact = compact(&body);
            corpus.push(format!("{name}|compact"), compact.clone());
            if has_member(&compact, "data") && has_member(&compact, "event") {
                corpus.push(
                    format!("{name}|data first"),
                    move_before(&compact, "data", "event"),
                );
            }
        }
    }
    not_objects(&mut corpus, &bases[0].1);
    corpus.cases
}

/// The body as it is, compacted, and in both key orders.
fn whole_body_forms(corpus: &mut Corpus, name: &str, body: &[u8]) {
    corpus.push(format!("{name}|as is"), body.to_vec());
    let compact = compact(body);
    corpus.push(format!("{name}|compact"), compact.clone());
    corpus.push(
        format!("{name}|event first"),
        move_before(&compact, "event", "data"),
    );
    corpus.push(
        format!("{name}|data first"),
        move_before(&compact, "data", "event"),
    );
    // Pretty-printed with `data` first: the event name is found past whitespace.
    if let Some(pretty) = move_before_pretty(body) {
        corpus.push(format!("{name}|as is, data first"), pretty);
    }
}

/// Every value of the body replaced (wrong types, odd strings and numbers), every member
/// removed, every object given duplicate keys or read as a positional array. Each on the
/// event-first body; a share also on the data-first body.
fn value_mutations(corpus: &mut Corpus, name: &str, event_first: &[u8], data_first: &[u8]) {
    let nodes = nodes(event_first);
    for (index, (path, node)) in nodes.iter().enumerate() {
        if path.is_empty() {
            continue;
        }
        let own = &event_first[node.start..node.end];
        let also_data_first = index % 3 == 0;
        let mut replacements: Vec<String> = WRONG_TYPES
            .iter()
            .filter(|r| r.as_bytes() != own)
            .map(|r| (*r).to_owned())
            .collect();
        match node.kind {
            Kind::Number => {
                replacements.extend(corpus.some_of(&NUMBERS, 6).into_iter().map(str::to_owned))
            }
            Kind::String => {
                replacements.extend(corpus.some_of(&STRINGS, 5).into_iter().map(str::to_owned))
            }
            _ => {}
        }
        if let Kind::Object(members) = &node.kind {
            if let Some(first) = members.first() {
                let key = &event_first[first.key.0..first.key.1];
                let value = &event_first[first.value.start..first.value.end];
                let key_text = String::from_utf8_lossy(&key[1..key.len() - 1]).into_owned();
                let insert_at = node.end - 1;
                let mut same = b",".to_vec();
                same.extend_from_slice(key);
                same.push(b':');
                same.extend_from_slice(value);
                let dup_same = splice(event_first, insert_at, insert_at, &same);
                corpus.push(format!("{name}|duplicate key {path}.{key_text}"), dup_same);
                let mut other = b",".to_vec();
                other.extend_from_slice(key);
                other.extend_from_slice(b":null");
                let dup_other = splice(event_first, insert_at, insert_at, &other);
                corpus.push(
                    format!("{name}|duplicate key {path}.{key_text}=null"),
                    dup_other,
                );
                // The same key escaped: `"\u0069d"` for `"id"`.
                if let Some(escaped) = escape_first_char(key) {
                    let mut dup = b",".to_vec();
                    dup.extend_from_slice(&escaped);
                    dup.push(b':');
                    dup.extend_from_slice(value);
                    corpus.push(
                        format!("{name}|duplicate escaped key {path}.{key_text}"),
                        splice(event_first, insert_at, insert_at, &dup),
                    );
                    corpus.push(
                        format!("{name}|escaped key {path}.{key_text}"),
                        splice(event_first, first.key.0, first.key.1, &escaped),
                    );
                }
                let unknown_twice = if members.is_empty() {
                    b"\"zz\":1,\"zz\":2".to_vec()
                } else {
                    b",\"zz\":1,\"zz\":2".to_vec()
                };
                corpus.push(
                    format!("{name}|unknown key twice in {path}"),
                    splice(event_first, insert_at, insert_at, &unknown_twice),
                );
                corpus.push(
                    format!("{name}|unknown object with duplicates in {path}"),
                    splice(
                        event_first,
                        insert_at,
                        insert_at,
                        b",\"zz\":{\"a\":[1,{\"b\":1,\"b\":2}]}",
                    ),
                );
            }
            // A positional array of the object's values.
            let values: Vec<&[u8]> = members
                .iter()
                .map(|m| &event_first[m.value.start..m.value.end])
                .collect();
            let array = join(b'[', &values, b']');
            let positional = splice(event_first, node.start, node.end, &array);
            corpus.push(format!("{name}|positional {path}"), positional.clone());
            if also_data_first {
                corpus.push(
                    format!("{name}|positional {path}, data first"),
                    move_before(&positional, "data", "event"),
                );
            }
            // Every member removed in turn.
            for (i, member) in members.iter().enumerate() {
                let (start, end) = if i > 0 {
                    (members[i - 1].value.end, member.value.end)
                } else if let Some(next) = members.get(1) {
                    (member.key.0, next.key.0)
                } else {
                    (member.key.0, member.value.end)
                };
                let key = String::from_utf8_lossy(&event_first[member.key.0 + 1..member.key.1 - 1]);
                let removed = splice(event_first, start, end, b"");
                if i % 2 == 0 && has_member(&removed, "data") && has_member(&removed, "event") {
                    corpus.push(
                        format!("{name}|remove {path}.{key}, data first"),
                        move_before(&removed, "data", "event"),
                    );
                }
                corpus.push(format!("{name}|remove {path}.{key}"), removed);
            }
        }
        for (i, replacement) in replacements.iter().enumerate() {
            let body = splice(event_first, node.start, node.end, replacement.as_bytes());
            if also_data_first && i % 2 == 0 {
                corpus.push(
                    format!("{name}|set {path}={replacement}, data first"),
                    move_before(&body, "data", "event"),
                );
            }
            corpus.push(format!("{name}|set {path}={replacement}"), body);
        }
    }
    // Values of `data` replaced in the data-first body directly (its own offsets).
    for (index, (path, node)) in nodes_of(data_first).iter().enumerate() {
        if !path.starts_with("data.") || index % 5 != 0 {
            continue;
        }
        for replacement in corpus.some_of(&WRONG_TYPES, 2) {
            corpus.push(
                format!("{name}|data first, set {path}={replacement}"),
                splice(data_first, node.start, node.end, replacement.as_bytes()),
            );
        }
    }
}

/// The body cut short at 23 places (and the data-first and pretty bodies at a few).
fn truncations(
    corpus: &mut Corpus,
    name: &str,
    event_first: &[u8],
    data_first: &[u8],
    pretty: &[u8],
) {
    for (form, body, parts) in [
        ("event first", event_first, 24),
        ("data first", data_first, 8),
        ("as is", pretty, 6),
    ] {
        for k in 1..parts {
            let at = body.len() * k / parts;
            corpus.push(
                format!("{name}|{form}, truncated at {at}"),
                body[..at].to_vec(),
            );
        }
        corpus.push(
            format!("{name}|{form}, without the last byte"),
            body[..body.len() - 1].to_vec(),
        );
    }
}

/// Invalid UTF-8: a byte that never starts a character in strings and keys, an overlong
/// encoding, a multi-byte character cut short, a byte in the whitespace.
fn invalid_utf8(corpus: &mut Corpus, name: &str, event_first: &[u8], data_first: &[u8]) {
    for (form, body) in [("event first", event_first), ("data first", data_first)] {
        let nodes = nodes_of(body);
        let strings: Vec<&(String, Node)> = nodes
            .iter()
            .filter(|(_, node)| matches!(node.kind, Kind::String))
            .collect();
        let count = strings.len();
        for (i, (path, node)) in strings.into_iter().enumerate() {
            if i >= 4 && i + 2 < count && i % 7 != 0 {
                continue;
            }
            let bad: &[u8] = if i % 2 == 0 { b"\xff" } else { b"\xc0\x80" };
            corpus.push(
                format!("{name}|{form}, invalid UTF-8 in {path}"),
                splice(body, node.start + 1, node.start + 1, bad),
            );
        }
        // In the first key of data.
        if let Some((_, data)) = nodes.iter().find(|(path, _)| path == "data") {
            if let Kind::Object(members) = &data.kind {
                if let Some(first) = members.first() {
                    corpus.push(
                        format!("{name}|{form}, invalid UTF-8 in a key of data"),
                        splice(body, first.key.0 + 1, first.key.0 + 1, b"\xfe"),
                    );
                }
            }
        }
        // The first multi-byte character cut short.
        if let Some(at) = body.iter().position(|&b| b >= 0xc0) {
            corpus.push(
                format!("{name}|{form}, multi-byte character cut short at {at}"),
                splice(body, at + 1, at + 2, b""),
            );
        }
        // Outside any string, after the object.
        let mut trailing = body.to_vec();
        trailing.push(0xff);
        corpus.push(
            format!("{name}|{form}, invalid UTF-8 after the object"),
            trailing,
        );
    }
}

/// `event`, `isTest`, `timestamp`, `version` and unknown envelope fields: values, places,
/// duplicates; bytes after the object.
fn envelope_mutations(corpus: &mut Corpus, name: &str, event_first: &[u8], data_first: &[u8]) {
    let event = member_text(event_first, "event").unwrap_or_default();
    let escaped_event = event.replacen('.', "\\u002e", 1);
    let upper = event.to_uppercase();
    let spaced = event.replacen('"', " \"", 2).replacen(" \"", "\"", 1);
    let event_values = [
        "\"\"".to_owned(),
        escaped_event,
        upper,
        spaced,
        "\"order.created\"".to_owned(),
        "\"payment.completed\"".to_owned(),
        format!("\"{UNKNOWN_EVENT}\""),
        "1".to_owned(),
        "null".to_owned(),
        "{}".to_owned(),
        "[\"order.created\"]".to_owned(),
    ];
    for (form, body) in [("event first", event_first), ("data first", data_first)] {
        for value in &event_values {
            corpus.push(
                format!("{name}|{form}, event={value}"),
                set_member(body, "event", value),
            );
        }
        // The key `event` escaped.
        corpus.push(
            format!("{name}|{form}, key event escaped"),
            replace_key(body, "event", "\"\\u0065vent\""),
        );
        for value in IS_TEST {
            corpus.push(
                format!("{name}|{form}, isTest={value} last"),
                set_member(&remove_member(body, "isTest"), "isTest", value),
            );
            let first = prepend_member(&remove_member(body, "isTest"), "isTest", value);
            corpus.push(format!("{name}|{form}, isTest={value} first"), first);
        }
        corpus.push(
            format!("{name}|{form}, isTest twice"),
            append_member(
                &append_member(&remove_member(body, "isTest"), "isTest", "true"),
                "isTest",
                "false",
            ),
        );
        for (key, value) in [
            ("timestamp", "\"1795046400\""),
            ("timestamp", "1795046400123"),
            ("timestamp", "1.5"),
            ("timestamp", "1e3"),
            ("timestamp", "99999999999999999999"),
            ("timestamp", "-1"),
            ("version", "1"),
            ("version", "null"),
            ("version", "\"v2\""),
            ("data", "null"),
            ("data", "[]"),
            ("data", "\"x\""),
            ("data", "{}"),
        ] {
            corpus.push(
                format!("{name}|{form}, {key}={value}"),
                set_member(body, key, value),
            );
        }
        for (key, value) in [
            ("extra", "{\"a\":1,\"a\":2}"),
            ("extra", "\"\\ud800\""),
            ("extra", "[1,{\"b\":[]}]"),
            ("\"\\ud800\"", "1"),
            ("meta", "{\"event\":\"payment.completed\"}"),
            ("meta", "{\"event\":\"order.created\",\"data\":{}}"),
            ("timestamp", "1"),
            ("event", "\"order.created\""),
            ("data", "{}"),
        ] {
            let key = if key.starts_with('"') {
                key.to_owned()
            } else {
                format!("\"{key}\"")
            };
            let mut extra = body[..body.len() - 1].to_vec();
            extra.extend_from_slice(format!(",{key}:{value}}}").as_bytes());
            corpus.push(format!("{name}|{form}, extra {key}:{value} last"), extra);
        }
        let mut doubled_extra = body[..body.len() - 1].to_vec();
        doubled_extra.extend_from_slice(b",\"extra\":1,\"extra\":1}");
        corpus.push(format!("{name}|{form}, extra twice"), doubled_extra);
        for (what, tail) in [
            ("trailing garbage", &b"x"[..]),
            ("trailing whitespace", b" \n"),
            ("a second object", b"{}"),
            ("trailing comma", b","),
        ] {
            let mut body = body.to_vec();
            body.extend_from_slice(tail);
            corpus.push(format!("{name}|{form}, {what}"), body);
        }
        let mut leading = b" \n\t".to_vec();
        leading.extend_from_slice(body);
        corpus.push(format!("{name}|{form}, leading whitespace"), leading);
        let mut bom = "\u{feff}".as_bytes().to_vec();
        bom.extend_from_slice(body);
        corpus.push(format!("{name}|{form}, byte-order mark"), bom);
    }
}

/// Bodies that are not JSON objects, or barely.
fn not_objects(corpus: &mut Corpus, some_body: &[u8]) {
    let compact = compact(some_body);
    let mut in_array = b"[".to_vec();
    in_array.extend_from_slice(&compact);
    in_array.push(b']');
    for (what, body) in [
        ("empty", b"".to_vec()),
        ("whitespace", b" \n".to_vec()),
        ("array", b"[]".to_vec()),
        ("null", b"null".to_vec()),
        ("string", b"\"x\"".to_vec()),
        ("number", b"1".to_vec()),
        ("true", b"true".to_vec()),
        ("empty object", b"{}".to_vec()),
        ("open brace", b"{".to_vec()),
        ("unknown keys only", b"{\"a\":1}".to_vec()),
        ("body in an array", in_array),
        ("invalid UTF-8 only", b"\xff".to_vec()),
        ("not JSON", b"timestamp=1&event=order.created".to_vec()),
    ] {
        corpus.push(format!("not an object|{what}"), body);
    }
}

// ---------------------------------------------------------------------------------------
// Spans of JSON text

/// A JSON value's span in a text, and its members or elements.
#[derive(Clone)]
struct Node {
    start: usize,
    end: usize,
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    Object(Vec<Member>),
    Array(Vec<Node>),
    String,
    Number,
    Other,
}

#[derive(Clone)]
struct Member {
    /// The span of the key, quotes included.
    key: (usize, usize),
    value: Node,
}

/// The value that is the whole of `text` (whitespace around it allowed), or `None` when it
/// is not JSON this simple reader understands.
fn parse(text: &[u8]) -> Option<Node> {
    if serde_json::from_slice::<serde::de::IgnoredAny>(text).is_err() {
        return None;
    }
    let mut at = 0;
    let node = value(text, &mut at);
    skip_ws(text, &mut at);
    (at == text.len()).then_some(node)
}

fn skip_ws(text: &[u8], at: &mut usize) {
    while matches!(text.get(*at), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        *at += 1;
    }
}

fn string_end(text: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    loop {
        match text[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
}

fn value(text: &[u8], at: &mut usize) -> Node {
    skip_ws(text, at);
    let start = *at;
    let kind = match text[*at] {
        b'{' => {
            *at += 1;
            let mut members = Vec::new();
            skip_ws(text, at);
            if text[*at] == b'}' {
                *at += 1;
            } else {
                loop {
                    skip_ws(text, at);
                    let key_start = *at;
                    let key_end = string_end(text, key_start);
                    *at = key_end;
                    skip_ws(text, at);
                    assert_eq!(text[*at], b':');
                    *at += 1;
                    let value = value(text, at);
                    members.push(Member {
                        key: (key_start, key_end),
                        value,
                    });
                    skip_ws(text, at);
                    let separator = text[*at];
                    *at += 1;
                    if separator == b'}' {
                        break;
                    }
                }
            }
            Kind::Object(members)
        }
        b'[' => {
            *at += 1;
            let mut elements = Vec::new();
            skip_ws(text, at);
            if text[*at] == b']' {
                *at += 1;
            } else {
                loop {
                    elements.push(value(text, at));
                    skip_ws(text, at);
                    let separator = text[*at];
                    *at += 1;
                    if separator == b']' {
                        break;
                    }
                }
            }
            Kind::Array(elements)
        }
        b'"' => {
            *at = string_end(text, start);
            Kind::String
        }
        b't' | b'n' => {
            *at += 4;
            Kind::Other
        }
        b'f' => {
            *at += 5;
            Kind::Other
        }
        _ => {
            while matches!(
                text.get(*at),
                Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
            ) {
                *at += 1;
            }
            Kind::Number
        }
    };
    Node {
        start,
        end: *at,
        kind,
    }
}

/// Every value of `text` with its JSON path (`""` for the root), in document order.
fn nodes(text: &[u8]) -> Vec<(String, Node)> {
    nodes_of(text)
}

fn nodes_of(text: &[u8]) -> Vec<(String, Node)> {
    fn walk(text: &[u8], path: String, node: &Node, out: &mut Vec<(String, Node)>) {
        out.push((path.clone(), node.clone()));
        match &node.kind {
            Kind::Object(members) => {
                for member in members {
                    let key = String::from_utf8_lossy(&text[member.key.0 + 1..member.key.1 - 1]);
                    let child = if path.is_empty() {
                        key.into_owned()
                    } else {
                        format!("{path}.{key}")
                    };
                    walk(text, child, &member.value, out);
                }
            }
            Kind::Array(elements) => {
                for (i, element) in elements.iter().enumerate() {
                    walk(text, format!("{path}[{i}]"), element, out);
                }
            }
            _ => {}
        }
    }
    let root = parse(text).expect("JSON the span reader understands");
    let mut out = Vec::new();
    walk(text, String::new(), &root, &mut out);
    out
}

fn splice(text: &[u8], start: usize, end: usize, replacement: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + replacement.len());
    out.extend_from_slice(&text[..start]);
    out.extend_from_slice(replacement);
    out.extend_from_slice(&text[end..]);
    out
}

fn join(open: u8, parts: &[&[u8]], close: u8) -> Vec<u8> {
    let mut out = vec![open];
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(part);
    }
    out.push(close);
    out
}

/// `json` without the whitespace between tokens; strings and numbers byte for byte.
fn compact(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
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

/// The members of the root object of `text`.
fn root_members(text: &[u8]) -> Vec<Member> {
    match parse(text).map(|node| node.kind) {
        Some(Kind::Object(members)) => members,
        _ => panic!("not an object: {}", excerpt(text)),
    }
}

fn key_is(text: &[u8], member: &Member, key: &str) -> bool {
    &text[member.key.0..member.key.1] == format!("\"{key}\"").as_bytes()
}

fn has_member(text: &[u8], key: &str) -> bool {
    parse(text).is_some_and(|node| match node.kind {
        Kind::Object(members) => members.iter().any(|m| key_is(text, m, key)),
        _ => false,
    })
}

/// The text of the root member `key`'s value.
fn member_text(text: &[u8], key: &str) -> Option<String> {
    root_members(text)
        .iter()
        .find(|m| key_is(text, m, key))
        .map(|m| String::from_utf8_lossy(&text[m.value.start..m.value.end]).into_owned())
}

/// A compact object rebuilt from its members' texts.
fn rebuild(text: &[u8], members: &[&Member]) -> Vec<u8> {
    let parts: Vec<&[u8]> = members
        .iter()
        .map(|m| &text[m.key.0..m.value.end])
        .collect();
    join(b'{', &parts, b'}')
}

/// The compact object `text` with its member `key` moved just before `before` (unchanged
/// when either is missing or it is already before it).
fn move_before(text: &[u8], key: &str, before: &str) -> Vec<u8> {
    let members = root_members(text);
    let (Some(from), Some(to)) = (
        members.iter().position(|m| key_is(text, m, key)),
        members.iter().position(|m| key_is(text, m, before)),
    ) else {
        return text.to_vec();
    };
    if from < to {
        return text.to_vec();
    }
    let mut order: Vec<&Member> = members.iter().collect();
    let moved = order.remove(from);
    order.insert(to, moved);
    rebuild(text, &order)
}

/// The pretty-printed fixture with `data` moved before `event` (whitespace kept inside each
/// member), or `None` when it already is.
fn move_before_pretty(text: &[u8]) -> Option<Vec<u8>> {
    let members = root_members(text);
    let from = members.iter().position(|m| key_is(text, m, "data"))?;
    let to = members.iter().position(|m| key_is(text, m, "event"))?;
    if from < to {
        return None;
    }
    let mut order: Vec<&Member> = members.iter().collect();
    let moved = order.remove(from);
    order.insert(to, moved);
    let parts: Vec<&[u8]> = order.iter().map(|m| &text[m.key.0..m.value.end]).collect();
    let mut out = b"{\n  ".to_vec();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n  ");
        }
        out.extend_from_slice(part);
    }
    out.extend_from_slice(b"\n}\n");
    Some(out)
}

/// The compact object with the value of its member `key` replaced (appended when absent).
fn set_member(text: &[u8], key: &str, value: &str) -> Vec<u8> {
    let members = root_members(text);
    match members.iter().find(|m| key_is(text, m, key)) {
        Some(m) => splice(text, m.value.start, m.value.end, value.as_bytes()),
        None => append_member(text, key, value),
    }
}

fn append_member(text: &[u8], key: &str, value: &str) -> Vec<u8> {
    let empty = root_members(text).is_empty();
    let mut out = text[..text.len() - 1].to_vec();
    if !empty {
        out.push(b',');
    }
    out.extend_from_slice(format!("\"{key}\":{value}}}").as_bytes());
    out
}

fn prepend_member(text: &[u8], key: &str, value: &str) -> Vec<u8> {
    let empty = root_members(text).is_empty();
    let mut out = format!("{{\"{key}\":{value}").into_bytes();
    if !empty {
        out.push(b',');
    }
    out.extend_from_slice(&text[1..]);
    out
}

/// The compact object without its member `key` (unchanged when absent).
fn remove_member(text: &[u8], key: &str) -> Vec<u8> {
    let members = root_members(text);
    let kept: Vec<&Member> = members.iter().filter(|m| !key_is(text, m, key)).collect();
    if kept.len() == members.len() {
        return text.to_vec();
    }
    rebuild(text, &kept)
}

/// The compact object with the key of its member `key` written as `replacement`.
fn replace_key(text: &[u8], key: &str, replacement: &str) -> Vec<u8> {
    let members = root_members(text);
    match members.iter().find(|m| key_is(text, m, key)) {
        Some(m) => splice(text, m.key.0, m.key.1, replacement.as_bytes()),
        None => text.to_vec(),
    }
}

/// A quoted key with its first character written as a `\u` escape (`"id"` → `"\u0069d"`), or
/// `None` when it starts with an escape or a non-ASCII character.
fn escape_first_char(key: &[u8]) -> Option<Vec<u8>> {
    let first = *key.get(1)?;
    if first == b'\\' || first == b'"' || !first.is_ascii() {
        return None;
    }
    let mut out = b"\"".to_vec();
    out.extend_from_slice(format!("\\u{:04x}", first).as_bytes());
    out.extend_from_slice(&key[2..]);
    Some(out)
}
