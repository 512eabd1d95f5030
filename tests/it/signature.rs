//! Integration tests for `Steppay-Signature` verification: known-answer vectors (`key=` and
//! `v0=` forms), every `SignatureError` cause, every label, the replay window, key rotation,
//! attacks on the comparison, robustness against garbage headers, and the verified parse.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use http::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;
use serde::Deserialize;
use steppay_webhook::{
    compute_signature, parse_webhook, receive, sign, sign_with_label, Error, Event, Outcome,
    SignatureError, WebhookHandler, WebhookRejection, WebhookVerifier, MAX_SIGNATURES,
    SIGNATURE_HEADER,
};

use crate::support::{capture_body, fixture, CAPTURE_TIMESTAMP};

const SECRET: &str = "whsec_test_5f2b8c1d9e";
const OTHER_SECRET: &str = "whsec_live_8a7c6e5d4f";
const T: i64 = 1_795_046_400;
const BODY: &[u8] = br#"{"timestamp":1795046400,"version":"v1","event":"payment.completed","data":{"paymentId":7,"idKey":"1605793241","status":"COMPLETE","paymentGateway":"TOSS","paymentMethod":"CARD","paidAmount":9900}}"#;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct Vectors {
    algorithm: String,
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    secret: String,
    body: String,
    header: String,
    now: i64,
    valid: bool,
    expected_signature: String,
}

/// The known-answer vectors; fails loudly when the file is empty or truncated.
fn vectors() -> Vectors {
    let vectors: Vectors = serde_json::from_str(include_str!("../data/signature-vectors.json"))
        .expect("tests/data/signature-vectors.json is valid JSON of the expected shape");
    assert!(
        vectors.cases.len() >= 8,
        "expected at least 8 signature vectors, found {}",
        vectors.cases.len()
    );
    assert!(
        vectors.algorithm.contains("hmac_sha256"),
        "unexpected algorithm description: {}",
        vectors.algorithm
    );
    vectors
}

/// The `timestamp` value of a header, read independently of the crate's parser.
fn header_timestamp(header: &str) -> i64 {
    header
        .split(',')
        .find_map(|part| part.trim().strip_prefix("timestamp="))
        .expect("vector header has a timestamp part")
        .parse()
        .expect("vector header timestamp is a number")
}

/// The (label, value) of every part of a header but `timestamp`, read independently of the
/// crate's parser.
fn labelled_parts(header: &str) -> Vec<(&str, &str)> {
    header
        .split(',')
        .filter_map(|part| part.trim().split_once('='))
        .filter(|(label, _)| *label != "timestamp")
        .collect()
}

/// The `key` value of a header produced by `sign` (a single signature).
fn signature_of(header: &str) -> &str {
    header
        .split_once(",key=")
        .expect("signed header has a key part")
        .1
}

fn header_with(timestamp: impl std::fmt::Display, key: &str) -> String {
    format!("timestamp={timestamp},key={key}")
}

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(SECRET)
}

/// The signature of `BODY` at `T` under `SECRET`.
fn good_signature() -> String {
    signature_of(&sign(SECRET, T, BODY)).to_owned()
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn too_old(age: u64, tolerance: u64) -> Result<(), SignatureError> {
    Err(SignatureError::TimestampTooOld {
        age: secs(age),
        tolerance: secs(tolerance),
    })
}

fn in_future(ahead: u64, tolerance: u64) -> Result<(), SignatureError> {
    Err(SignatureError::TimestampInFuture {
        ahead: secs(ahead),
        tolerance: secs(tolerance),
    })
}

fn assert_malformed(result: Result<(), SignatureError>, header_desc: &str) {
    match result {
        Err(SignatureError::MalformedHeader { reason }) => {
            assert!(!reason.is_empty(), "{header_desc}: empty reason")
        }
        other => panic!("{header_desc}: expected MalformedHeader, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Known-answer vectors
// ---------------------------------------------------------------------------------------

#[test]
fn vectors_verify_exactly_as_labelled() {
    for case in vectors().cases {
        let result = WebhookVerifier::new(&case.secret).verify_at(
            &case.header,
            case.body.as_bytes(),
            case.now,
        );
        if case.valid {
            assert_eq!(result, Ok(()), "vector {:?} should verify", case.name);
        } else {
            assert_eq!(
                result,
                Err(SignatureError::NoMatch),
                "vector {:?} should be NoMatch",
                case.name
            );
        }
    }
}

#[test]
fn vectors_sign_matches_independent_hmac() {
    for case in vectors().cases {
        let ts = header_timestamp(&case.header);
        let body = case.body.as_bytes();
        let expected = &case.expected_signature;
        assert_eq!(
            compute_signature(&case.secret, ts, body),
            *expected,
            "vector {:?}",
            case.name
        );
        assert_eq!(
            sign(&case.secret, ts, body),
            format!("timestamp={ts},key={expected}"),
            "vector {:?}",
            case.name
        );
        // The header's own label, written back by `sign_with_label`.
        let (label, _) = labelled_parts(&case.header)[0];
        assert_eq!(
            sign_with_label(&case.secret, ts, body, label),
            format!("timestamp={ts},{label}={expected}"),
            "vector {:?}",
            case.name
        );
    }
}

#[test]
fn vectors_include_the_v0_form_steppay_really_sends() {
    let cases = vectors().cases;
    let with_label = |label: &str| {
        cases
            .iter()
            .filter(|c| labelled_parts(&c.header).iter().any(|(l, _)| *l == label))
            .collect::<Vec<_>>()
    };
    let v0 = with_label("v0");
    assert!(v0.len() >= 4, "{} v0 vectors", v0.len());
    assert!(v0.iter().filter(|c| c.valid).count() >= 2);
    assert!(v0.iter().filter(|c| !c.valid).count() >= 2);
    assert!(!with_label("key").is_empty());
    assert!(!with_label("v1").is_empty());
    // The captured delivery's form: exactly `timestamp=...,v0=...`, the body's own timestamp.
    let capture = v0
        .iter()
        .find(|c| c.body.as_bytes() == capture_body())
        .expect("a vector over the captured delivery's shape");
    assert!(capture.header.starts_with("timestamp=1690943620,v0="));
    assert!(capture.valid);
}

#[test]
fn vectors_are_self_consistent() {
    // Guards the data file itself: a case is valid exactly when its expected signature is
    // one of the header's `;`-separated signatures, byte for byte.
    let cases = vectors().cases;
    let valid = cases.iter().filter(|c| c.valid).count();
    assert!(valid >= 3, "need valid vectors too, found {valid}");
    assert!(cases.len() - valid >= 3, "need invalid vectors too");
    for case in &cases {
        let parts = labelled_parts(&case.header);
        assert!(
            !parts.is_empty(),
            "vector {:?} has no signature part",
            case.name
        );
        let listed = parts
            .iter()
            .flat_map(|(_, value)| value.split(';'))
            .any(|s| s == case.expected_signature);
        assert_eq!(listed, case.valid, "vector {:?}", case.name);
        assert_eq!(
            B64.decode(&case.expected_signature).map(|s| s.len()),
            Ok(32),
            "vector {:?}: expected_signature is not base64 of 32 bytes",
            case.name
        );
    }
}

#[test]
fn signature_header_name() {
    assert_eq!(SIGNATURE_HEADER, "Steppay-Signature");
}

// ---------------------------------------------------------------------------------------
// Every SignatureError cause
// ---------------------------------------------------------------------------------------

#[test]
fn missing_header_when_empty_or_blank() {
    for header in ["", "   ", "\t \r\n "] {
        assert_eq!(
            verifier().verify_at(header, BODY, T),
            Err(SignatureError::MissingHeader),
            "header {header:?}"
        );
    }
}

#[test]
fn malformed_header_part_without_equals() {
    let sig = good_signature();
    for header in [
        format!("timestamp={T},key={sig},garbage"),
        format!("garbage,timestamp={T},key={sig}"),
        "timestamp".to_owned(),
        "hello world".to_owned(),
    ] {
        assert_malformed(verifier().verify_at(&header, BODY, T), &header);
    }
}

#[test]
fn malformed_header_two_timestamps() {
    let sig = good_signature();
    for header in [
        format!("timestamp={T},timestamp={T},key={sig}"),
        format!("timestamp={T},key={sig},timestamp={}", T + 1),
        format!("timestamp=,timestamp={T},key={sig}"),
    ] {
        assert_malformed(verifier().verify_at(&header, BODY, T), &header);
    }
}

#[test]
fn malformed_header_longer_than_8_kib() {
    let sig = good_signature();
    let valid = header_with(T, &sig);
    // Pad with another labelled part (one candidate that does not match) to an exact total
    // length.
    let padded = |len: usize| {
        let filler = len - valid.len() - ",x=".len();
        format!("{valid},x={}", "A".repeat(filler))
    };

    let at_limit = padded(8 * 1024);
    assert_eq!(at_limit.len(), 8192);
    assert_eq!(verifier().verify_at(&at_limit, BODY, T), Ok(()));

    let over = padded(8 * 1024 + 1);
    assert_eq!(over.len(), 8193);
    assert_malformed(verifier().verify_at(&over, BODY, T), "8193-byte header");

    let huge = format!("timestamp={T},key={}", "A".repeat(1 << 20));
    assert_malformed(verifier().verify_at(&huge, BODY, T), "1 MiB header");
}

#[test]
fn missing_timestamp() {
    let sig = good_signature();
    for header in [
        format!("key={sig}"),
        format!("ts={T},key={sig}"),
        format!("key={sig},v1=abc"),
    ] {
        assert_eq!(
            verifier().verify_at(&header, BODY, T),
            Err(SignatureError::MissingTimestamp),
            "header {header:?}"
        );
    }
}

#[test]
fn invalid_timestamp_reports_the_value() {
    let sig = good_signature();
    let cases: [(&str, &str); 9] = [
        ("abc", "abc"),
        ("-5", "-5"),
        ("99999999999999999999999", "99999999999999999999999"),
        ("9223372036854775808", "9223372036854775808"), // i64::MAX + 1
        ("", ""),
        ("+5", "+5"),
        ("1.5", "1.5"),
        ("1e9", "1e9"),
        ("١٢٣", "١٢٣"), // Arabic-Indic digits are not ASCII digits
    ];
    for (sent, reported) in cases {
        let header = header_with(sent, &sig);
        assert_eq!(
            verifier().verify_at(&header, BODY, T),
            Err(SignatureError::InvalidTimestamp {
                value: reported.to_owned()
            }),
            "header {header:?}"
        );
    }
}

#[test]
fn invalid_timestamp_value_is_capped_at_32_characters() {
    let long = "가".repeat(50);
    let header = header_with(&long, &good_signature());
    assert_eq!(
        verifier().verify_at(&header, BODY, T),
        Err(SignatureError::InvalidTimestamp {
            value: "가".repeat(32)
        })
    );
}

#[test]
fn missing_signature() {
    for header in [
        "timestamp=1,",
        "timestamp=1,key=",
        "timestamp=1,key=;;",
        "timestamp=1",
        "timestamp=1,key= ; ; ",
        "timestamp=1,key=,key=",
        "timestamp=1,v0=",
        "v0=,timestamp=1",
        "timestamp=1,v0= ;; ",
        "timestamp=1,v0=,v1=,key=",
        "timestamp=1,=",
    ] {
        assert_eq!(
            verifier().verify_at(header, BODY, 1),
            Err(SignatureError::NoSignature),
            "header {header:?}"
        );
    }
}

#[test]
fn timestamp_too_old_reports_age_and_tolerance() {
    let header = sign(SECRET, T, BODY);
    assert_eq!(
        verifier().verify_at(&header, BODY, T + 301),
        too_old(301, 300)
    );
    assert_eq!(
        verifier().verify_at(&header, BODY, T + 3600),
        too_old(3600, 300)
    );
}

#[test]
fn timestamp_in_future_reports_ahead_and_tolerance() {
    let header = sign(SECRET, T, BODY);
    assert_eq!(
        verifier().verify_at(&header, BODY, T - 301),
        in_future(301, 300)
    );
    assert_eq!(
        verifier().verify_at(&header, BODY, T - 86_400),
        in_future(86_400, 300)
    );
}

#[test]
fn no_match_for_wrong_secret_or_body() {
    assert_eq!(
        verifier().verify_at(&sign(OTHER_SECRET, T, BODY), BODY, T),
        Err(SignatureError::NoMatch)
    );
    assert_eq!(
        verifier().verify_at(&sign(SECRET, T, BODY), b"{}", T),
        Err(SignatureError::NoMatch)
    );
    assert_eq!(
        verifier().verify_at(&header_with(T, "not base64!"), BODY, T),
        Err(SignatureError::NoMatch)
    );
}

#[test]
fn error_messages_and_debug_contain_no_secret_material() {
    let sig = good_signature();
    let errors = [
        verifier().verify_at(&header_with(T, "AAAA"), BODY, T),
        verifier().verify_at(&sign(SECRET, T, BODY), BODY, T + 1000),
        verifier().verify_at(&sign(SECRET, T, BODY), BODY, T - 1000),
        verifier().verify_at(&header_with("abc", &sig), BODY, T),
    ];
    for result in errors {
        let error = result.expect_err("each of these headers fails");
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains(SECRET), "{text}");
            assert!(!text.contains(&sig), "{text}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Replay window
// ---------------------------------------------------------------------------------------

#[test]
fn default_tolerance_is_300_seconds() {
    assert_eq!(verifier().tolerance(), Some(secs(300)));
    assert_eq!(
        verifier().with_tolerance(secs(60)).tolerance(),
        Some(secs(60))
    );
    assert_eq!(verifier().without_timestamp_check().tolerance(), None);
}

#[test]
fn default_window_edges() {
    let header = sign(SECRET, T, BODY);
    let v = verifier();
    // Old side.
    assert_eq!(v.verify_at(&header, BODY, T), Ok(()));
    assert_eq!(v.verify_at(&header, BODY, T + 299), Ok(()));
    assert_eq!(v.verify_at(&header, BODY, T + 300), Ok(()));
    assert_eq!(v.verify_at(&header, BODY, T + 301), too_old(301, 300));
    // Future side.
    assert_eq!(v.verify_at(&header, BODY, T - 299), Ok(()));
    assert_eq!(v.verify_at(&header, BODY, T - 300), Ok(()));
    assert_eq!(v.verify_at(&header, BODY, T - 301), in_future(301, 300));
}

#[test]
fn custom_window_edges() {
    let header = sign(SECRET, T, BODY);
    let v = verifier().with_tolerance(secs(60));
    assert_eq!(v.verify_at(&header, BODY, T + 59), Ok(()));
    assert_eq!(v.verify_at(&header, BODY, T + 60), Ok(()));
    assert_eq!(v.verify_at(&header, BODY, T + 61), too_old(61, 60));
    assert_eq!(v.verify_at(&header, BODY, T - 59), Ok(()));
    assert_eq!(v.verify_at(&header, BODY, T - 60), Ok(()));
    assert_eq!(v.verify_at(&header, BODY, T - 61), in_future(61, 60));
}

#[test]
fn zero_tolerance_accepts_only_the_same_second() {
    let header = sign(SECRET, T, BODY);
    let v = verifier().with_tolerance(Duration::ZERO);
    assert_eq!(v.verify_at(&header, BODY, T), Ok(()));
    assert_eq!(v.verify_at(&header, BODY, T + 1), too_old(1, 0));
    assert_eq!(v.verify_at(&header, BODY, T - 1), in_future(1, 0));
}

#[test]
fn sub_second_tolerance_is_truncated() {
    let header = sign(SECRET, T, BODY);
    let v = verifier().with_tolerance(Duration::from_millis(60_999));
    assert_eq!(v.verify_at(&header, BODY, T + 60), Ok(()));
    assert_eq!(v.verify_at(&header, BODY, T + 61), too_old(61, 60));
    assert_eq!(v.verify_at(&header, BODY, T - 61), in_future(61, 60));
}

#[test]
fn without_timestamp_check_accepts_any_age_but_not_a_bad_signature() {
    let ten_years = 10 * 365 * 86_400;
    let old = T - ten_years;
    let header = sign(SECRET, old, BODY);
    let v = verifier().without_timestamp_check();
    assert_eq!(v.verify_at(&header, BODY, T), Ok(()));
    assert_eq!(
        v.verify_at(&sign(SECRET, T + ten_years, BODY), BODY, T),
        Ok(())
    );
    assert_eq!(
        v.verify_at(&sign(OTHER_SECRET, old, BODY), BODY, T),
        Err(SignatureError::NoMatch)
    );
    assert_eq!(
        v.verify_at(&header, b"{\"tampered\":true}", T),
        Err(SignatureError::NoMatch)
    );
    // The header itself is still checked.
    assert_eq!(v.verify_at("", BODY, T), Err(SignatureError::MissingHeader));
    // Turning the check back on.
    assert_eq!(
        v.with_tolerance(secs(300)).verify_at(&header, BODY, T),
        too_old(ten_years as u64, 300)
    );
}

#[test]
fn signature_is_checked_before_the_timestamp() {
    // A stale or future header with a bad signature says NoMatch, not "too old": the
    // timestamp errors are only reported for authentic signatures.
    let forged = sign(OTHER_SECRET, T, BODY);
    assert_eq!(
        verifier().verify_at(&forged, BODY, T + 10_000),
        Err(SignatureError::NoMatch)
    );
    assert_eq!(
        verifier().verify_at(&forged, BODY, T - 10_000),
        Err(SignatureError::NoMatch)
    );
}

#[test]
fn extreme_timestamps_do_not_overflow() {
    let v = verifier();
    let max = sign(SECRET, i64::MAX, BODY);
    assert_eq!(
        max,
        format!("timestamp={},key={}", i64::MAX, signature_of(&max))
    );
    assert_eq!(v.verify_at(&max, BODY, i64::MAX), Ok(()));
    assert_eq!(v.verify_at(&max, BODY, 0), in_future(i64::MAX as u64, 300));
    assert_eq!(v.verify_at(&max, BODY, i64::MIN), in_future(u64::MAX, 300));

    let zero = sign(SECRET, 0, BODY);
    assert_eq!(v.verify_at(&zero, BODY, 0), Ok(()));
    assert_eq!(
        v.verify_at(&zero, BODY, i64::MAX),
        too_old(i64::MAX as u64, 300)
    );
    assert_eq!(v.verify_at(&zero, BODY, i64::MIN), in_future(1 << 63, 300));

    assert_eq!(
        v.clone()
            .with_tolerance(Duration::MAX)
            .verify_at(&zero, BODY, i64::MAX),
        Ok(())
    );
}

#[test]
fn verify_uses_the_system_clock() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64;
    assert_eq!(verifier().verify(&sign(SECRET, now, BODY), BODY), Ok(()));
    match verifier().verify(&sign(SECRET, now - 3600, BODY), BODY) {
        Err(SignatureError::TimestampTooOld { age, tolerance }) => {
            assert!(age >= secs(3600) && age <= secs(3660), "age {age:?}");
            assert_eq!(tolerance, secs(300));
        }
        other => panic!("expected TimestampTooOld, got {other:?}"),
    }
    assert_eq!(
        verifier().verify(&sign(OTHER_SECRET, now, BODY), BODY),
        Err(SignatureError::NoMatch)
    );
}

// ---------------------------------------------------------------------------------------
// Key rotation and header layout
// ---------------------------------------------------------------------------------------

#[test]
fn rotation_accepts_either_secret_and_rejects_a_third() {
    let v = WebhookVerifier::new(SECRET).with_additional_secret(OTHER_SECRET);
    assert_eq!(v.verify_at(&sign(SECRET, T, BODY), BODY, T), Ok(()));
    assert_eq!(v.verify_at(&sign(OTHER_SECRET, T, BODY), BODY, T), Ok(()));
    assert_eq!(
        v.verify_at(&sign("whsec_third", T, BODY), BODY, T),
        Err(SignatureError::NoMatch)
    );
    // Order of configuration does not matter.
    let reversed = WebhookVerifier::new(OTHER_SECRET).with_additional_secret(SECRET);
    assert_eq!(reversed.verify_at(&sign(SECRET, T, BODY), BODY, T), Ok(()));
    // A single-key verifier rejects the other key.
    assert_eq!(
        WebhookVerifier::new(OTHER_SECRET).verify_at(&sign(SECRET, T, BODY), BODY, T),
        Err(SignatureError::NoMatch)
    );
}

#[test]
fn empty_secret_is_never_a_key() {
    let empty_signed = sign("", T, BODY);
    assert_eq!(
        WebhookVerifier::new("").verify_at(&empty_signed, BODY, T),
        Err(SignatureError::NoMatch)
    );
    let v = WebhookVerifier::new("")
        .with_additional_secret(SECRET)
        .with_additional_secret("");
    assert_eq!(v.verify_at(&sign(SECRET, T, BODY), BODY, T), Ok(()));
    assert_eq!(
        v.verify_at(&empty_signed, BODY, T),
        Err(SignatureError::NoMatch)
    );
}

#[test]
fn secret_is_used_as_raw_bytes() {
    let bytes: &[u8] = &[0x00, 0xff, 0x10, 0x80];
    let v = WebhookVerifier::new(bytes);
    assert_eq!(v.verify_at(&sign(bytes, T, BODY), BODY, T), Ok(()));
    let korean = "비밀키-회전";
    assert_eq!(
        WebhookVerifier::new(korean).verify_at(&sign(korean.as_bytes(), T, BODY), BODY, T),
        Ok(())
    );
    assert_eq!(
        WebhookVerifier::new(String::from(SECRET)).verify_at(&sign(SECRET, T, BODY), BODY, T),
        Ok(())
    );
}

#[test]
fn several_signatures_where_only_one_matches() {
    let good = good_signature();
    let bad1 = signature_of(&sign(OTHER_SECRET, T, BODY)).to_owned();
    let bad2 = signature_of(&sign(SECRET, T + 1, BODY)).to_owned();
    let v = verifier();
    for key in [
        format!("{bad1};{bad2};{good}"),
        format!("{good};{bad1};{bad2}"),
        format!("{bad1};{good};{bad2}"),
        format!("{bad1} ; {bad2} ; {good} "),
        format!(";;{bad1};;{good};;"),
        format!("not-base64!;{good}"),
    ] {
        assert_eq!(
            v.verify_at(&header_with(T, &key), BODY, T),
            Ok(()),
            "key {key:?}"
        );
    }
    assert_eq!(
        v.verify_at(&header_with(T, &format!("{bad1};{bad2}")), BODY, T),
        Err(SignatureError::NoMatch)
    );
}

#[test]
fn several_key_parts_are_all_considered() {
    let good = good_signature();
    let bad = signature_of(&sign(OTHER_SECRET, T, BODY)).to_owned();
    let header = format!("timestamp={T},key={bad},key={good}");
    assert_eq!(verifier().verify_at(&header, BODY, T), Ok(()));
}

#[test]
fn part_order_whitespace_and_unknown_parts() {
    let sig = good_signature();
    let v = verifier();
    for header in [
        format!("key={sig},timestamp={T}"),
        format!(" timestamp={T} , key={sig} "),
        format!("timestamp = {T} ,\tkey = {sig}"),
        format!("\n timestamp={T},key={sig}\r\n"),
        format!("timestamp={T},,key={sig},"),
        format!("timestamp={T},v0=future-extension,key={sig}"),
    ] {
        assert_eq!(v.verify_at(&header, BODY, T), Ok(()), "header {header:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Labels: `key` (documented), `v0` (StepPay's captured delivery), any other
// ---------------------------------------------------------------------------------------

/// A signature of `BODY` at `T` that does not verify under `SECRET`.
fn bad_signature(secret: &str) -> String {
    compute_signature(secret, T, BODY)
}

#[test]
fn compute_signature_is_the_value_after_the_label() {
    assert_eq!(compute_signature(SECRET, T, BODY), good_signature());
    assert_eq!(
        B64.decode(compute_signature(SECRET, T, BODY))
            .map(|s| s.len()),
        Ok(32)
    );
}

#[test]
fn sign_writes_key_and_sign_with_label_writes_the_label() {
    let sig = good_signature();
    assert_eq!(sign(SECRET, T, BODY), format!("timestamp={T},key={sig}"));
    for label in ["key", "v0", "v1"] {
        assert_eq!(
            sign_with_label(SECRET, T, BODY, label),
            format!("timestamp={T},{label}={sig}")
        );
    }
}

#[test]
fn every_label_verifies() {
    let v = verifier();
    for label in ["key", "v0", "v1", "V0", "sig", "x-steppay-next", "서명"] {
        let header = sign_with_label(SECRET, T, BODY, label);
        assert_eq!(v.verify_at(&header, BODY, T), Ok(()), "{header}");
        assert_eq!(
            v.verify_at(&header, b"{}", T),
            Err(SignatureError::NoMatch),
            "{header}"
        );
        let forged = sign_with_label(OTHER_SECRET, T, BODY, label);
        assert_eq!(
            v.verify_at(&forged, BODY, T),
            Err(SignatureError::NoMatch),
            "{forged}"
        );
        // The replay window applies whatever the label.
        assert_eq!(v.verify_at(&header, BODY, T + 301), too_old(301, 300));
    }
}

#[test]
fn several_signatures_in_a_v0_part() {
    let good = good_signature();
    let (bad1, bad2) = (bad_signature(OTHER_SECRET), bad_signature("whsec_third"));
    let v = verifier();
    for value in [
        format!("{bad1};{good}"),
        format!("{good};{bad1}"),
        format!("{bad1};{bad2};{good}"),
        format!(" {bad1} ; {good} "),
        format!(";{bad1};;{good};"),
    ] {
        let header = format!("timestamp={T},v0={value}");
        assert_eq!(v.verify_at(&header, BODY, T), Ok(()), "{header}");
    }
    let header = format!("timestamp={T},v0={bad1};{bad2}");
    assert_eq!(v.verify_at(&header, BODY, T), Err(SignatureError::NoMatch));
}

#[test]
fn the_right_signature_only_in_the_second_label() {
    let good = good_signature();
    let (bad1, bad2) = (bad_signature(OTHER_SECRET), bad_signature("whsec_third"));
    let v = verifier();
    for header in [
        format!("timestamp={T},key={bad1},v0={good}"),
        format!("timestamp={T},v0={bad1};{bad2},v1={good}"),
        format!("v1={good},v0={bad1},timestamp={T}"),
        format!("timestamp={T},key={bad1},v0={bad2},v1={good}"),
        format!("timestamp={T},v0={bad1},key={good};{bad2}"),
    ] {
        assert_eq!(v.verify_at(&header, BODY, T), Ok(()), "{header}");
    }
    assert_eq!(
        v.verify_at(&format!("timestamp={T},key={bad1},v0={bad2}"), BODY, T),
        Err(SignatureError::NoMatch)
    );
}

#[test]
fn rotation_works_across_labels() {
    // Old key under `key`, new key under `v0`: a verifier with either key accepts it.
    let body = BODY;
    let header = format!(
        "timestamp={T},key={},v0={}",
        compute_signature(OTHER_SECRET, T, body),
        compute_signature(SECRET, T, body)
    );
    for v in [
        WebhookVerifier::new(SECRET),
        WebhookVerifier::new(OTHER_SECRET),
        WebhookVerifier::new("whsec_third").with_additional_secret(SECRET),
    ] {
        assert_eq!(v.verify_at(&header, body, T), Ok(()), "{v:?}");
    }
    assert_eq!(
        WebhookVerifier::new("whsec_third").verify_at(&header, body, T),
        Err(SignatureError::NoMatch)
    );
}

#[test]
fn only_the_lower_case_timestamp_part_is_the_timestamp() {
    // Any other spelling is a label like `v0`: its value is a candidate signature, and the
    // header has no timestamp.
    let sig = good_signature();
    for header in [
        format!("Timestamp={T},v0={sig}"),
        format!("TIMESTAMP={T},key={sig}"),
    ] {
        assert_eq!(
            verifier().verify_at(&header, BODY, T),
            Err(SignatureError::MissingTimestamp),
            "{header}"
        );
    }
}

#[test]
fn at_most_max_signatures_per_header() {
    assert_eq!(MAX_SIGNATURES, 16);
    let good = good_signature();
    let bad: Vec<String> = (0..MAX_SIGNATURES)
        .map(|i| compute_signature(OTHER_SECRET, T + i as i64, BODY))
        .collect();
    let v = verifier();

    // 16 signatures, the right one last: verifies, in one part or spread over labels.
    let fifteen = bad[..15].join(";");
    let at_limit = [
        format!("timestamp={T},v0={fifteen};{good}"),
        format!(
            "timestamp={T},key={},v0={},v1={good}",
            bad[..7].join(";"),
            bad[7..15].join(";")
        ),
        // Blank entries are not signatures and do not count.
        format!("timestamp={T},v0={fifteen};;;;{good};;;,v1=,key= ; "),
    ];
    for header in &at_limit {
        assert_eq!(v.verify_at(header, BODY, T), Ok(()), "{header}");
    }

    // 17: malformed before any comparison, even with the right signature among them.
    let over = [
        format!("timestamp={T},v0={};{good}", bad.join(";")),
        format!("timestamp={T},v0={good},v1={}", bad.join(";")),
        format!(
            "timestamp={T},key={},v0={};{good}",
            bad[..8].join(";"),
            bad[8..].join(";")
        ),
    ];
    for header in &over {
        match v.verify_at(header, BODY, T) {
            Err(SignatureError::MalformedHeader { reason }) => {
                assert_eq!(reason, "more than 16 signatures", "{header}")
            }
            other => panic!("{header}: expected MalformedHeader, got {other:?}"),
        }
    }
}

#[test]
fn the_captured_delivery_form_verifies_with_its_own_timestamp() {
    // StepPay's published capture: `timestamp=1690943620,v0=...`, equal to the body's
    // `timestamp`, the header name in lower case.
    let body = capture_body();
    let header = sign_with_label(SECRET, CAPTURE_TIMESTAMP, &body, "v0");
    assert!(header.starts_with("timestamp=1690943620,v0="), "{header}");
    let v = verifier();
    assert_eq!(v.verify_at(&header, &body, CAPTURE_TIMESTAMP + 1), Ok(()));
    assert_eq!(
        v.verify_at(&header, &body, CAPTURE_TIMESTAMP + 301),
        too_old(301, 300)
    );
    let map = headers("steppay-signature", header.as_bytes());
    assert_eq!(
        v.verify_headers_at(&map, &body, CAPTURE_TIMESTAMP + 1),
        Ok(())
    );
    // `isTest` is part of the signed bytes like everything else.
    let flipped = String::from_utf8(body.clone())
        .expect("UTF-8")
        .replace(r#""isTest":false"#, r#""isTest":true"#)
        .into_bytes();
    assert_ne!(flipped, body);
    assert_eq!(
        v.verify_at(&header, &flipped, CAPTURE_TIMESTAMP + 1),
        Err(SignatureError::NoMatch)
    );
}

// ---------------------------------------------------------------------------------------
// Attacks on the comparison
// ---------------------------------------------------------------------------------------

#[test]
fn signature_embedded_in_a_longer_string() {
    let sig = good_signature();
    for key in [
        format!("XX{sig}XX"),
        format!("AAAA{sig}"),
        format!("{sig}AAAA"),
        format!("{sig}{sig}"),
        format!("{sig}="),
        format!("={sig}"),
    ] {
        assert_eq!(
            verifier().verify_at(&header_with(T, &key), BODY, T),
            Err(SignatureError::NoMatch),
            "key {key:?}"
        );
    }
}

#[test]
fn truncated_signature_prefixes() {
    let sig = good_signature();
    assert_eq!(sig.len(), 44);
    for len in [1, 4, 20, 40, 42, 43] {
        let key = &sig[..len];
        assert_eq!(
            verifier().verify_at(&header_with(T, key), BODY, T),
            Err(SignatureError::NoMatch),
            "prefix {key:?}"
        );
    }
}

#[test]
fn signature_with_changed_case() {
    let sig = good_signature();
    let swapped: String = sig
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    for key in [sig.to_lowercase(), sig.to_uppercase(), swapped] {
        assert_ne!(key, sig);
        assert_eq!(
            verifier().verify_at(&header_with(T, &key), BODY, T),
            Err(SignatureError::NoMatch),
            "key {key:?}"
        );
    }
}

#[test]
fn body_changed_by_one_byte_anywhere() {
    let header = sign(SECRET, T, BODY);
    for i in 0..BODY.len() {
        let mut body = BODY.to_vec();
        body[i] ^= 0x01;
        assert_eq!(
            verifier().verify_at(&header, &body, T),
            Err(SignatureError::NoMatch),
            "byte {i} flipped"
        );
    }
    let mut appended = BODY.to_vec();
    appended.push(b'\n');
    assert_eq!(
        verifier().verify_at(&header, &appended, T),
        Err(SignatureError::NoMatch)
    );
    assert_eq!(
        verifier().verify_at(&header, &BODY[..BODY.len() - 1], T),
        Err(SignatureError::NoMatch)
    );
    assert_eq!(
        verifier().verify_at(&header, b"", T),
        Err(SignatureError::NoMatch)
    );
}

#[test]
fn timestamp_in_header_changed() {
    let sig = good_signature();
    let v = verifier();
    assert_eq!(v.verify_at(&header_with(T, &sig), BODY, T), Ok(()));
    for ts in [T + 1, T - 1] {
        assert_eq!(
            v.verify_at(&header_with(ts, &sig), BODY, T),
            Err(SignatureError::NoMatch),
            "timestamp {ts}"
        );
    }
    // Same number, different text: the signed message is the timestamp as sent.
    assert_eq!(
        v.verify_at(&header_with(format!("0{T}"), &sig), BODY, T),
        Err(SignatureError::NoMatch)
    );
}

#[test]
fn signature_of_the_wrong_decoded_length() {
    let raw = B64.decode(good_signature()).expect("sign emits base64");
    assert_eq!(raw.len(), 32);
    let candidates: Vec<Vec<u8>> = vec![
        raw[..31].to_vec(),
        raw[..16].to_vec(),
        [raw.as_slice(), &[0]].concat(),
        [raw.as_slice(), raw.as_slice()].concat(),
        vec![0; 32 * 3],
        vec![0x42],
    ];
    for bytes in candidates {
        let key = B64.encode(&bytes);
        assert_eq!(
            verifier().verify_at(&header_with(T, &key), BODY, T),
            Err(SignatureError::NoMatch),
            "{} decoded bytes",
            bytes.len()
        );
    }
    // Right length, wrong bytes.
    assert_eq!(
        verifier().verify_at(&header_with(T, &B64.encode([0u8; 32])), BODY, T),
        Err(SignatureError::NoMatch)
    );
}

#[test]
fn non_canonical_base64_of_the_right_bytes_is_rejected() {
    // The spec demands an exact match with the standard, padded encoding.
    let case = &vectors().cases[0];
    let sig = &case.expected_signature;
    assert_eq!(sig, "3tBT9pIdSR+U9Dt6peiHl3ywdlEWxOPVrwTx/3chf6Q=");
    let v = WebhookVerifier::new(&case.secret);
    let body = case.body.as_bytes();
    let ts = header_timestamp(&case.header);
    assert_eq!(v.verify_at(&header_with(ts, sig), body, ts), Ok(()));

    let unpadded = sig.trim_end_matches('=').to_owned();
    let url_safe = sig.replace('+', "-").replace('/', "_");
    // `Q` (0b010000) -> `R` (0b010001): same 32 bytes if trailing bits were ignored.
    let trailing_bits = sig.replace("f6Q=", "f6R=");
    let inner_space = format!("{} {}", &sig[..20], &sig[20..]);
    for key in [unpadded, url_safe, trailing_bits, inner_space] {
        assert_ne!(&key, sig);
        assert_eq!(
            v.verify_at(&header_with(ts, &key), body, ts),
            Err(SignatureError::NoMatch),
            "key {key:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Robustness
// ---------------------------------------------------------------------------------------

/// Deterministic pseudo-random bytes (xorshift64*), so failures reproduce.
fn pseudo_random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

#[test]
fn garbage_headers_never_panic_and_fail() {
    let mut headers: Vec<String> = vec![
        "=".into(),
        "==".into(),
        ",,,,".into(),
        ";;;;".into(),
        "key=====".into(),
        "timestamp=====".into(),
        "timestamp=1,key=====".into(),
        "timestamp=1,key===;==;=".into(),
        "timestamp=1,key=@@@@".into(),
        "🔑=🕐,timestamp=🕐".into(),
        "timestamp=１２３,key=abc".into(), // full-width digits
        "타임스탬프=1,키=abc".into(),
        "\u{0}\u{0}\u{0}".into(),
        "timestamp=1\u{0},key=abc".into(),
        "\u{feff}timestamp=1,key=abc".into(),
        ",".repeat(100_000),
        "=".repeat(100_000),
        format!("timestamp=1,key={}", "A".repeat(1_000_000)),
        format!("timestamp=1,key={}", "QUFB".repeat(2000)), // long but under 8 KiB
        format!("timestamp={},key=abc", "9".repeat(5000)),
        format!("timestamp=1,key={}", ";".repeat(8000)),
        "timestamp=1,key=abc".repeat(1000),
    ];
    for seed in 0..200u64 {
        let bytes = pseudo_random_bytes(seed, (seed as usize * 37) % 600);
        headers.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    let v = WebhookVerifier::new(SECRET).with_additional_secret(OTHER_SECRET);
    for header in &headers {
        let result = v.verify_at(header, BODY, 1);
        assert!(
            result.is_err(),
            "garbage header verified: {:?}",
            header.chars().take(80).collect::<String>()
        );
        // Same with the clock check off.
        assert!(v
            .clone()
            .without_timestamp_check()
            .verify_at(header, BODY, 1)
            .is_err());
    }
}

#[test]
fn garbage_headers_report_the_expected_cause() {
    let v = verifier();
    assert_eq!(
        v.verify_at("=", BODY, 1),
        Err(SignatureError::MissingTimestamp)
    );
    assert_eq!(
        v.verify_at(",,,,", BODY, 1),
        Err(SignatureError::MissingTimestamp)
    );
    assert_eq!(
        v.verify_at("key=====", BODY, 1),
        Err(SignatureError::MissingTimestamp)
    );
    assert_eq!(
        v.verify_at("timestamp=1,key=====", BODY, 1),
        Err(SignatureError::NoMatch)
    );
    assert_eq!(
        v.verify_at("timestamp=１２３,key=abc", BODY, 1),
        Err(SignatureError::InvalidTimestamp {
            value: "１２３".to_owned()
        })
    );
    assert_malformed(v.verify_at(&",".repeat(100_000), BODY, 1), "100k commas");
    assert_malformed(
        v.verify_at(
            &format!("timestamp=1,key={}", "A".repeat(1_000_000)),
            BODY,
            1,
        ),
        "1 MB base64",
    );
    assert_eq!(
        v.verify_at(&format!("timestamp=1,key={}", "QUFB".repeat(2000)), BODY, 1),
        Err(SignatureError::NoMatch)
    );
}

proptest! {
    #[test]
    fn arbitrary_headers_never_panic(header in ".{0,300}") {
        let signed = sign(SECRET, T, BODY);
        let result = verifier().verify_at(&header, BODY, T);
        if header == signed {
            prop_assert_eq!(result, Ok(()));
        } else {
            prop_assert!(result.is_err(), "verified: {:?}", header);
        }
    }

    #[test]
    fn any_label_signs_and_verifies(
        label in "[A-Za-z0-9_.-]{1,16}",
        body in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        prop_assume!(label != "timestamp");
        let header = sign_with_label(SECRET, T, &body, &label);
        prop_assert_eq!(verifier().verify_at(&header, &body, T), Ok(()));
        prop_assert_eq!(
            WebhookVerifier::new(OTHER_SECRET).verify_at(&header, &body, T),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn sign_then_verify_round_trips(
        secret in proptest::collection::vec(any::<u8>(), 1..64),
        body in proptest::collection::vec(any::<u8>(), 0..512),
        timestamp in 0..i64::MAX,
        flip in any::<prop::sample::Index>(),
    ) {
        let header = sign(&secret, timestamp, &body);
        let prefix = format!("timestamp={timestamp},key=");
        prop_assert!(header.starts_with(&prefix), "{}", header);
        prop_assert_eq!(B64.decode(&header[prefix.len()..]).map(|s| s.len()), Ok(32));

        let v = WebhookVerifier::new(&secret);
        prop_assert_eq!(v.verify_at(&header, &body, timestamp), Ok(()));

        let mut tampered = body.clone();
        if tampered.is_empty() {
            tampered.push(0);
        } else {
            let i = flip.index(tampered.len());
            tampered[i] ^= 0x80;
        }
        prop_assert_eq!(v.verify_at(&header, &tampered, timestamp), Err(SignatureError::NoMatch));
    }
}

// ---------------------------------------------------------------------------------------
// Debug
// ---------------------------------------------------------------------------------------

#[test]
fn debug_does_not_reveal_secrets() {
    let first = "whsec_super_secret_value_123";
    let second = "회전용-두번째-비밀키";
    let v = WebhookVerifier::new(first)
        .with_additional_secret(second)
        .with_tolerance(secs(60));
    for debug in [
        format!("{v:?}"),
        format!("{v:#?}"),
        format!("{:?}", v.clone()),
    ] {
        assert!(!debug.contains(first), "{debug}");
        assert!(!debug.contains("super_secret"), "{debug}");
        assert!(!debug.contains(second), "{debug}");
        assert!(debug.contains("WebhookVerifier"), "{debug}");
    }
}

// ---------------------------------------------------------------------------------------
// Verify, then parse
// ---------------------------------------------------------------------------------------

#[test]
fn a_verified_body_parses_into_the_typed_webhook() {
    let body = fixture("payment.completed");
    let header = sign(SECRET, T, &body);
    assert_eq!(verifier().verify_at(&header, &body, T + 1), Ok(()));
    let webhook = parse_webhook(&body).expect("signed fixture parses");
    assert_eq!(webhook.event_name(), "payment.completed");
    assert_eq!(webhook.timestamp, 1_795_479_623);
    assert_eq!(webhook.version, "v1");
    match &webhook.event {
        Event::PaymentCompleted(payment) => {
            assert_eq!(payment.payment_id, 781_204);
            assert_eq!(payment.id_key, "17959308214458a1Ye2Wq9TuRjK0c");
        }
        other => panic!("expected PaymentCompleted, got {}", other.event_name()),
    }
}

/// Implements nothing: for `receive`, whose verify-then-parse order is checked here.
struct Nothing;
impl WebhookHandler for Nothing {
    type Error = std::convert::Infallible;
}

/// The rejection `receive` gives `body` with `header`, checked to come with `status`.
#[track_caller]
fn rejection(body: &[u8], header: &str, status: u16) -> WebhookRejection {
    let v = verifier().without_timestamp_check();
    match receive(body, Some(header), &v, &Nothing) {
        Outcome::Rejected(rejection) => {
            assert_eq!(rejection.status(), status, "{rejection}");
            rejection
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn signature_errors_come_before_parsing() {
    // Invalid JSON with a bad signature: the signature error wins.
    let garbage = b"not json at all";
    let cases = [
        (sign(OTHER_SECRET, T, garbage), SignatureError::NoMatch, 401),
        (String::new(), SignatureError::MissingHeader, 400),
        ("   ".to_owned(), SignatureError::MissingHeader, 400),
    ];
    for (header, error, status) in cases {
        match rejection(garbage, &header, status) {
            WebhookRejection::Signature(got) => assert_eq!(got, error, "{header:?}"),
            other => panic!("{header:?}: expected a signature rejection, got {other:?}"),
        }
    }

    // A stale but authentic delivery is a signature error too.
    let stale = verifier().verify_at(&sign(SECRET, T, BODY), BODY, T + 301);
    assert_eq!(stale, too_old(301, 300));
}

#[test]
fn a_correctly_signed_body_that_is_not_json_is_unreadable() {
    for body in [
        &b"not json at all"[..],
        b"{\"timestamp\":",
        b"",
        b"\xff\xfe",
    ] {
        let header = sign(SECRET, T, body);
        assert_eq!(verifier().verify_at(&header, body, T), Ok(()));
        match rejection(body, &header, 400) {
            WebhookRejection::Unreadable(error @ Error::InvalidJson { .. }) => {
                assert_eq!(error.to_string(), "body is not valid JSON");
                let source = std::error::Error::source(&error).expect("the parser's error");
                assert!(source.to_string().contains("line 1"), "{source}");
            }
            other => panic!("body {body:?}: {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Verifying from a request's headers
// ---------------------------------------------------------------------------------------

fn headers(name: &str, value: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        HeaderName::from_bytes(name.as_bytes()).expect("header name"),
        HeaderValue::from_bytes(value).expect("header value"),
    );
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers
}

#[test]
fn verify_headers_finds_the_header_in_any_case() {
    for header in [
        sign(SECRET, T, BODY),
        sign_with_label(SECRET, T, BODY, "v0"),
    ] {
        for name in [
            "steppay-signature",
            "Steppay-Signature",
            "STEPPAY-SIGNATURE",
            "StepPay-Signature",
            "sTePpAy-sIgNaTuRe",
        ] {
            let map = headers(name, header.as_bytes());
            assert_eq!(
                verifier().verify_headers_at(&map, BODY, T),
                Ok(()),
                "{name}: {header}"
            );
            assert_eq!(
                verifier().verify_headers_at(&map, b"{}", T),
                Err(SignatureError::NoMatch),
                "{name}: {header}"
            );
        }
    }
    let header = sign(SECRET, T, BODY);
    // The system-clock variant reads the same header (the signature is stale by now).
    let map = headers("steppay-signature", header.as_bytes());
    assert!(matches!(
        verifier().verify_headers(&map, BODY),
        Err(SignatureError::TimestampTooOld { .. })
    ));
}

#[test]
fn verify_headers_without_the_header_is_missing_header() {
    let header = sign(SECRET, T, BODY);
    for map in [
        HeaderMap::new(),
        headers("x-steppay-signature", header.as_bytes()),
        headers("steppay-signature", b""),
    ] {
        assert_eq!(
            verifier().verify_headers_at(&map, BODY, T),
            Err(SignatureError::MissingHeader),
            "{map:?}"
        );
    }
    // A value that is not UTF-8 does not verify (nor panic).
    let map = headers(SIGNATURE_HEADER, b"timestamp=1795046400,key=\xff\xfe");
    assert_eq!(
        verifier().verify_headers_at(&map, BODY, T),
        Err(SignatureError::NoMatch)
    );
}

// ---------------------------------------------------------------------------------------
// Every fixture body
// ---------------------------------------------------------------------------------------

#[test]
fn every_fixture_round_trips_and_reserialized_json_does_not_verify() {
    let fixtures = crate::support::event_fixtures();
    let v = verifier();
    let mut reserialized_differs = 0;
    for (name, body) in &fixtures {
        let header = sign(SECRET, T, body);
        assert_eq!(v.verify_at(&header, body, T + 1), Ok(()), "{name}");

        let value: serde_json::Value = serde_json::from_slice(body).expect("fixture is valid JSON");
        let reserialized = serde_json::to_vec(&value).expect("serializable");
        if reserialized != *body {
            reserialized_differs += 1;
            assert_eq!(
                v.verify_at(&header, &reserialized, T + 1),
                Err(SignatureError::NoMatch),
                "re-serialized {name}"
            );
        }
    }
    assert!(
        reserialized_differs > 0,
        "no fixture changed on re-serialization; the check above proved nothing"
    );
}
