//! `verify`: whether a captured delivery verifies, and exactly why not.

use std::time::Duration;

use steppay_webhook::{SignatureError, WebhookVerifier, SIGNATURE_HEADER};

use crate::args::VerifyArgs;
use crate::exit::{Done, Failure};
use crate::output;
use crate::report::{describe, read_source, utc, Report, Tone};

pub fn run(args: VerifyArgs) -> Result<Done, Failure> {
    let secret = args.key.resolve("verify")?;
    let header = header_value(&args.header);
    let file = args.file.to_string_lossy();
    let (source, body) = read_source(&file).map_err(Failure::Unavailable)?;
    let now = args.at.unwrap_or_else(|| chrono::Utc::now().timestamp());

    let verifier = WebhookVerifier::new(&secret);
    let verifier = if args.no_timestamp_check {
        verifier.without_timestamp_check()
    } else {
        verifier.with_tolerance(Duration::from_secs(args.tolerance))
    };
    let result = verifier.verify_at(header, &body, now);

    let mut report = Report::new();
    report.row("body", format!("{source} ({} bytes)", body.len()));
    match describe(&body, Some("application/json")) {
        Ok(described) => {
            if let Some(event) = described.rows.into_iter().find(|row| row.label == "event") {
                report.toned("event", event.value, event.tone);
            }
        }
        Err(error) => {
            report.toned("event", error, Tone::Dim);
        }
    }
    report.row("timestamp", timestamp_row(header, now, &verifier));
    match &result {
        Ok(()) => {
            report.toned("result", "verifies", Tone::Good);
        }
        Err(error) => {
            report.toned("result", format!("does not verify: {error}"), Tone::Bad);
            report.row("why", explain(error, header, &body, &secret));
        }
    }
    output::print(&output::table(&report));
    Ok(if result.is_ok() { Done::Yes } else { Done::No })
}

/// The header's value, from a value or a whole `Steppay-Signature: ...` line.
fn header_value(text: &str) -> &str {
    let text = text.trim();
    match text.split_once(':') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case(SIGNATURE_HEADER) => value.trim(),
        _ => text,
    }
}

/// The header's `timestamp` part as Unix seconds, for display (the verifier reads it for
/// the check itself).
fn header_timestamp(header: &str) -> Option<i64> {
    header.split(',').find_map(|part| {
        let (name, value) = part.split_once('=')?;
        (name.trim() == "timestamp").then(|| value.trim().parse().ok())?
    })
}

/// When the header says the delivery was signed, and how that stands against the window.
fn timestamp_row(header: &str, now: i64, verifier: &WebhookVerifier) -> String {
    let Some(timestamp) = header_timestamp(header) else {
        return "-".to_owned();
    };
    let at = chrono::DateTime::from_timestamp(timestamp, 0).map_or_else(|| "?".to_owned(), utc);
    let age = now - timestamp;
    let age = if age >= 0 {
        format!("{age} s before the check")
    } else {
        format!("{} s after the check", -age)
    };
    let window = match verifier.tolerance() {
        Some(tolerance) => format!("window {} s", tolerance.as_secs()),
        None => "not checked".to_owned(),
    };
    format!("{timestamp} ({at}), {age}; {window}")
}

/// What to do about a signature that does not verify.
fn explain(error: &SignatureError, header: &str, body: &[u8], secret: &str) -> String {
    match error {
        SignatureError::NoMatch => {
            // The commonest capture mistake: a line break added or lost at the end.
            let signature_only = WebhookVerifier::new(secret).without_timestamp_check();
            let matches = |body: &[u8]| signature_only.verify(header, body).is_ok();
            let trimmed = body
                .strip_suffix(b"\r\n")
                .or_else(|| body.strip_suffix(b"\n"));
            if trimmed.is_some_and(matches) {
                return "the signature matches the body without its final line break: the \
                        file gained one (editors and `echo` add it); use the body byte for byte"
                    .to_owned();
            }
            if matches(&[body, b"\n"].concat()) {
                return "the signature matches the body with a final line break, which the \
                        file lost; use the body byte for byte"
                    .to_owned();
            }
            "the key or the body differs from what was signed: check that the key is this \
             webhook's key from the StepPay portal, and that the body is byte for byte as \
             received (re-formatted JSON does not verify)"
                .to_owned()
        }
        SignatureError::TimestampTooOld { .. } => {
            "the signature matches, but the delivery is older than the replay window: for a \
             delivery captured earlier, check the signature alone with --no-timestamp-check"
                .to_owned()
        }
        SignatureError::TimestampInFuture { .. } => {
            "the signature matches, but its time is ahead of this machine's clock: check the \
             clock, or check as of another time with --at"
                .to_owned()
        }
        SignatureError::MissingHeader => {
            "--header is empty: pass the Steppay-Signature header's value".to_owned()
        }
        _ => "--header takes the Steppay-Signature header's value: \
              timestamp=<unix seconds>,key=<base64 signature>"
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_header_line_gives_its_value() {
        assert_eq!(
            header_value(" Steppay-Signature: timestamp=1,key=a= "),
            "timestamp=1,key=a="
        );
        assert_eq!(
            header_value("steppay-signature:timestamp=1,key=a="),
            "timestamp=1,key=a="
        );
        assert_eq!(header_value("timestamp=1,key=a="), "timestamp=1,key=a=");
    }

    #[test]
    fn the_timestamp_is_read_for_display() {
        assert_eq!(
            header_timestamp("timestamp=1795046400,key=abc="),
            Some(1795046400)
        );
        assert_eq!(header_timestamp("key=abc=, timestamp = 17"), Some(17));
        assert_eq!(header_timestamp("key=abc="), None);
        assert_eq!(header_timestamp("timestamp=soon,key=abc="), None);
    }
}
