//! `DateTime` from any text: never a panic; a parsed value is written back in a form that
//! parses to the same value, and that form is stable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use steppay_webhook::DateTime;

fuzz_target!(|text: &str| {
    match text.parse::<DateTime>() {
        Ok(value) => {
            let written = value.to_string();
            let again: DateTime = written.parse().expect("written form parses");
            assert_eq!(again, value);
            assert_eq!(again.to_string(), written);
            assert_eq!(again.fraction_digits(), value.fraction_digits());
            let _ = value.to_utc();
        }
        Err(error) => assert!(error.to_string().chars().count() <= 200, "{error}"),
    }
});
