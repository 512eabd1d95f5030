//! `trigger`: a realistic delivery of any event type, sent now and signed now, POSTed to a
//! receiver (or printed).

use steppay_webhook::{sign, testing, EventType, SIGNATURE_HEADER};

use crate::args::TriggerArgs;
use crate::exit::{Done, Failure};
use crate::report::{describe, Report, Tone};
use crate::{net, output};

pub async fn run(args: TriggerArgs) -> Result<Done, Failure> {
    let Some(event) = args.event_type() else {
        output::print(&list());
        return Ok(Done::Yes);
    };
    let url = net::parse_url(&args.url, "--url")?;
    let secret = args.key.resolve("sign")?;

    // One clock reading for the envelope and the header, as StepPay sends them.
    let now = chrono::Utc::now().timestamp();
    let mut body = testing::sample_at(event, now);
    if args.test {
        body = testing::set_is_test(&body, true)
            .map_err(|e| Failure::Usage(format!("cannot mark the sample as a test: {e}")))?;
    }
    let signature = sign(&secret, now, &body);

    if args.print {
        output::print(&request_text(&url, &signature, &body));
        return Ok(Done::Yes);
    }

    let mut report = Report::new();
    report.row("POST", url.to_string());
    if let Ok(described) = describe(&body, Some("application/json")) {
        // The envelope only: `inspect` shows a sample's values.
        let envelope = ["event", "sent at", "mode"];
        report.extend(Report {
            rows: (described.rows.into_iter())
                .filter(|row| envelope.contains(&row.label))
                .collect(),
        });
    }
    report.toned("signature", signature.clone(), Tone::Dim);

    let client = net::client()?;
    let answer = net::post(&client, &url, "application/json", Some(&signature), body).await;
    let answer = match answer {
        Ok(answer) => answer,
        Err(message) => {
            output::print(&output::table(&report));
            return Err(Failure::Unavailable(message));
        }
    };
    let tone = if answer.status.is_success() {
        Tone::Good
    } else {
        Tone::Bad
    };
    report.toned("answer", answer.summary(), tone);
    output::print(&output::table(&report));
    Ok(if answer.status.is_success() {
        Done::Yes
    } else {
        Done::No
    })
}

/// The request as HTTP/1.1 text: request line, headers, a blank line, and the body byte
/// for byte.
fn request_text(url: &reqwest::Url, signature: &str, body: &[u8]) -> String {
    let host = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => String::new(),
    };
    let target = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let name = |name: &str| output::heading(name);
    format!(
        "POST {target} HTTP/1.1\n{}: {host}\n{}: application/json\n{}: {}\n{}: {signature}\n\n{}",
        name("Host"),
        name("Content-Type"),
        name("Content-Length"),
        body.len(),
        name(SIGNATURE_HEADER),
        String::from_utf8_lossy(body),
    )
}

/// The event types and the schema of the data each carries.
fn list() -> String {
    let width = EventType::iter()
        .map(|kind| kind.as_str().len())
        .max()
        .unwrap_or(0);
    let mut out = format!(
        "{}\n",
        output::heading(&format!("{:<width$}  data", "event type"))
    );
    for kind in EventType::iter() {
        let name = output::toned(&format!("{:<width$}", kind.as_str()), Tone::Event);
        out.push_str(&format!("{name}  {}\n", kind.schema_name()));
    }
    out
}
