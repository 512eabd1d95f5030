//! Header verification with any header, body and clock: never a panic; a header made by
//! `sign` always verifies at its own time, and no other header verifies without the key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use steppay_webhook::{sign, SignatureError, WebhookVerifier};

const SECRET: &str = "whsec_fuzz_5f2b8c1d9e";

// (header, body, the verifier's clock, a timestamp to sign with)
fuzz_target!(|input: (&str, &[u8], i64, i64)| {
    let (header, body, now, timestamp) = input;
    // Unix seconds: `sign` writes a negative timestamp with its sign, which the header grammar
    // (digits only) refuses (found by this target; see tests/it/hostile.rs).
    let timestamp = timestamp & i64::MAX;
    let verifier = WebhookVerifier::new(SECRET);
    let result = verifier.verify_at(header, body, now);
    // Nothing the fuzzer writes can carry a valid signature unless it reproduced HMAC.
    assert_ne!(result, Ok(()), "verified without the key: {header:?}");
    if let Err(error) = result {
        assert!(error.to_string().chars().count() <= 500, "{error}");
    }
    // A header StepPay would send verifies at its own timestamp, and fails once the body
    // changes.
    let header = sign(SECRET, timestamp, body);
    assert_eq!(verifier.verify_at(&header, body, timestamp), Ok(()));
    let mut other = body.to_vec();
    other.push(b' ');
    assert_eq!(
        verifier.verify_at(&header, &other, timestamp),
        Err(SignatureError::NoMatch)
    );
});
