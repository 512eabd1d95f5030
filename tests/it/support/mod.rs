//! Helpers shared by the integration tests.
#![allow(dead_code)]

#[cfg(any(feature = "axum", feature = "actix-web"))]
pub mod http;
pub mod logs;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod recorder;
#[cfg(any(feature = "axum", feature = "actix-web"))]
pub mod servers;
#[cfg(feature = "cli")]
pub mod tool;

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// The event type of `edge/unknown-event.json`, one this crate does not know.
pub const UNKNOWN_EVENT: &str = "subscription.renewal_reminded";

/// `tests/fixtures`, whatever the working directory.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The bytes of one fixture file, by its path relative to `tests/fixtures`
/// (`edge/invalid/missing-required.json`).
pub fn read_fixture(path: &str) -> Vec<u8> {
    let path = fixtures_dir().join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Every `*.json` file directly in `dir` (relative to `tests/fixtures`), sorted by name,
/// as (file name, bytes).
pub fn json_files(dir: &str) -> Vec<(String, Vec<u8>)> {
    let dir = fixtures_dir().join(dir);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {name}: {e}"));
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

/// The 27 realistic bodies, one per event type.
pub fn event_fixtures() -> Vec<(String, Vec<u8>)> {
    let files = json_files("");
    assert_eq!(files.len(), 27, "expected one fixture per event type");
    files
}

/// Every body that must parse: the 27 realistic ones, the minimal ones and the edge cases.
pub fn all_valid_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut files = event_fixtures();
    for dir in ["minimal", "edge"] {
        let more = json_files(dir);
        assert!(!more.is_empty(), "no fixtures in {dir}");
        files.extend(
            more.into_iter()
                .map(|(name, bytes)| (format!("{dir}/{name}"), bytes)),
        );
    }
    files
}

/// Every body in `edge/invalid` (the `*.json` files and `not-json.txt`), as
/// (`edge/invalid/<file name>`, bytes).
pub fn invalid_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = json_files("edge/invalid")
        .into_iter()
        .map(|(name, bytes)| (format!("edge/invalid/{name}"), bytes))
        .collect();
    assert!(!files.is_empty(), "no fixtures in edge/invalid");
    files.push(("edge/invalid/not-json.txt".to_owned(), not_json_body()));
    files
}

/// StepPay's own webhook v1 bodies in `legacy/` (see its PROVENANCE.md), as
/// (file name, bytes): `steppay-devdocs-webhook-v1-{order,self-payment,subscription}.json`.
pub fn legacy_fixtures() -> Vec<(String, Vec<u8>)> {
    let files = json_files("legacy");
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "steppay-devdocs-webhook-v1-order.json",
            "steppay-devdocs-webhook-v1-self-payment.json",
            "steppay-devdocs-webhook-v1-subscription.json",
        ]
    );
    files
}

/// One of StepPay's v1 bodies by kind: `order`, `self-payment` or `subscription`.
pub fn legacy_fixture(kind: &str) -> Vec<u8> {
    legacy_fixtures()
        .into_iter()
        .find(|(name, _)| *name == format!("steppay-devdocs-webhook-v1-{kind}.json"))
        .unwrap_or_else(|| panic!("no v1 fixture {kind}"))
        .1
}

/// The realistic body of one event type, by its wire name (`payment.completed`).
pub fn fixture(event: &str) -> Vec<u8> {
    let body = read_fixture(&format!("{event}.json"));
    assert_eq!(event_of(&body), event);
    body
}

/// `edge/unknown-event.json`: a well-formed body of the event type [`UNKNOWN_EVENT`].
pub fn unknown_event_body() -> Vec<u8> {
    let body = read_fixture("edge/unknown-event.json");
    assert_eq!(event_of(&body), UNKNOWN_EVENT);
    body
}

/// The envelope `timestamp` of [`capture_body`], and of the `Steppay-Signature` header of the
/// delivery StepPay published (2023-08-02T02:33:40Z).
pub const CAPTURE_TIMESTAMP: i64 = 1_690_943_620;

/// `edge/capture-payment-completed.json`: a `payment.completed` in the shape of the delivery
/// StepPay captured on webhook.site and published (spec section 9): compact JSON on one line,
/// null fields left out, `orderId` a string, `customerId` a number, `cancel` on a completed
/// payment, and `"isTest":false` after `data`.
pub fn capture_body() -> Vec<u8> {
    let body = read_fixture("edge/capture-payment-completed.json");
    assert!(!body.contains(&b'\n'), "compact, on one line");
    assert!(body.ends_with(br#"},"isTest":false}"#), "isTest after data");
    let json: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(json["timestamp"], CAPTURE_TIMESTAMP);
    assert_eq!(json["event"], "payment.completed");
    body
}

/// `edge/invalid/not-json.txt`, checked not to be JSON.
pub fn not_json_body() -> Vec<u8> {
    let body = read_fixture("edge/invalid/not-json.txt");
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    body
}

/// `edge/invalid/missing-required.json`: an authentic-looking `payment.completed` whose
/// `data` lacks `paymentId` (so the crate cannot read it), with a NiceCms account.
pub fn unreadable_body() -> Vec<u8> {
    let body = read_fixture("edge/invalid/missing-required.json");
    assert_eq!(event_of(&body), "payment.completed");
    assert!(String::from_utf8_lossy(&body).contains(NICE_CMS_ACCOUNT));
    body
}

/// Personal data in the `payment.*` fixtures and [`unreadable_body`] that must never reach
/// a log: the NiceCms account number and registration number, the payer's e-mail and phone.
pub const NICE_CMS_ACCOUNT: &str = "110-***-***789";
pub const PERSONAL_DATA: [&str; 4] = [
    NICE_CMS_ACCOUNT,
    "617-81-12345",
    "jihoon.park@example.co.kr",
    "010-4567-8901",
];

/// The `event` field of a JSON body, read with serde_json only.
pub fn event_of(body: &[u8]) -> String {
    let json: Value = serde_json::from_slice(body).expect("JSON");
    json["event"].as_str().expect("event").to_owned()
}

/// The current Unix time in seconds, for signing.
pub fn now_unix() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    i64::try_from(secs).expect("fits i64")
}
