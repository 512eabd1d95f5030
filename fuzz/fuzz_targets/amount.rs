//! Amounts in any notation, read through a small envelope (`invoice.created`'s `discount`):
//! never a panic, and an amount that parses has exactly the value of its text (checked
//! against the text itself, digit by digit: no rounding, whatever the notation).
#![no_main]

use libfuzzer_sys::fuzz_target;
use steppay_webhook::{parse_webhook, Event};

fuzz_target!(|text: &str| {
    let body = format!(
        r#"{{"timestamp":1795046400,"version":"v1","event":"invoice.created","data":{{"discount":{text}}}}}"#
    );
    let Ok(webhook) = parse_webhook(body.as_bytes()) else {
        return;
    };
    let Event::InvoiceCreated(invoice) = webhook.event else {
        panic!("not an invoice");
    };
    let Some(discount) = invoice.discount else {
        return; // `null`
    };
    let number = text.trim_matches(|c: char| c.is_ascii_whitespace());
    if !number.bytes().all(|b| b"0123456789+-.eE".contains(&b)) {
        return; // more than one number (`1,"id":2`): parsed above for panics only
    }
    assert_eq!(
        normalized(number),
        normalized(&discount.to_string()),
        "{number} read as {discount}"
    );
});

/// The value of a decimal number's text as (negative, significant digits, exponent of the
/// last digit), with leading and trailing zeros removed: two texts of the same value give the
/// same triple.
fn normalized(text: &str) -> (bool, String, i128) {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i128>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = format!("{int}{fraction}");
    let mut exponent = exponent - fraction.len() as i128;
    let trimmed = digits.trim_start_matches('0');
    let without_trailing = trimmed.trim_end_matches('0');
    exponent += (trimmed.len() - without_trailing.len()) as i128;
    if without_trailing.is_empty() {
        return (false, String::new(), 0);
    }
    (negative, without_trailing.to_owned(), exponent)
}
