//! `parse_webhook` on any bytes: never a panic, and every error message bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use steppay_webhook::{parse_webhook, Event};

fuzz_target!(|body: &[u8]| {
    match parse_webhook(body) {
        Ok(webhook) => {
            // Debug never prints unknown data, whatever its size.
            if let Event::Unknown { data, .. } = &webhook.event {
                let debug = format!("{data:?}");
                assert!(debug.len() < 64, "{debug}");
            }
        }
        Err(error) => {
            // Each quoted value is at most 40 characters plus its length: a message grows with
            // the path and the field names, never with the input.
            let message = error.to_string();
            assert!(message.chars().count() <= 600, "{} chars", message.chars().count());
            let debug = format!("{error:?}");
            if let Some(raw) = error.raw_data() {
                if raw.len() > 64 {
                    assert!(!debug.contains(raw), "raw data in Debug");
                }
            }
        }
    }
});
