//! parse → serialize → parse: whatever parses, serializes to a body that parses to an equal
//! value (and serializes to the same bytes again).
#![no_main]

use libfuzzer_sys::fuzz_target;
use steppay_webhook::parse_webhook;

fuzz_target!(|body: &[u8]| {
    let Ok(first) = parse_webhook(body) else {
        return;
    };
    let written = serde_json::to_vec(&first).expect("a parsed webhook serializes");
    let second = match parse_webhook(&written) {
        Ok(second) => second,
        Err(error) => panic!(
            "serialized form does not parse: {error}\n{}",
            String::from_utf8_lossy(&written)
        ),
    };
    assert_eq!(first, second);
    let again = serde_json::to_vec(&second).expect("serializes");
    assert_eq!(written, again);
});
