//! Sending deliveries: URLs, the HTTP client, and what the receiver answered.

use std::time::Duration;

use steppay_webhook::SIGNATURE_HEADER;

use crate::exit::Failure;
use crate::report::with_causes;

/// How long to wait for a receiver's answer.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The most of an answer's body shown.
const SHOWN_ANSWER: usize = 300;

/// `text` as a URL to send to (`option` names it in errors). Plain HTTP only: the tool
/// talks to receivers on your machine and leaves TLS out.
pub fn parse_url(text: &str, option: &str) -> Result<reqwest::Url, Failure> {
    let url = reqwest::Url::parse(text)
        .map_err(|e| Failure::Usage(format!("{option} {text:?} is not a URL: {e}")))?;
    match url.scheme() {
        "http" => Ok(url),
        "https" => Err(Failure::Usage(format!(
            "{option} {text:?}: https is not supported; this tool sends plain HTTP to a \
             receiver on your machine (for a remote server, use a local tunnel or port \
             forward)"
        ))),
        other => Err(Failure::Usage(format!(
            "{option} {text:?}: expected an http:// URL, not {other}:"
        ))),
    }
}

/// A client for receivers on this machine: no proxy, a timeout.
pub fn client() -> Result<reqwest::Client, Failure> {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(TIMEOUT)
        .build()
        .map_err(|e| Failure::Unavailable(format!("cannot start an HTTP client: {e}")))
}

/// What a receiver answered.
pub struct Answer {
    pub status: reqwest::StatusCode,
    /// The body, as text, cut to a few hundred characters.
    pub text: String,
}

impl Answer {
    /// `200 OK: handled payment.failed`.
    pub fn summary(&self) -> String {
        if self.text.is_empty() {
            self.status.to_string()
        } else {
            format!("{}: {}", self.status, self.text)
        }
    }
}

/// POSTs `body` to `url` with `content_type` and, if given, a `Steppay-Signature` header;
/// the error says why no answer came.
pub async fn post(
    client: &reqwest::Client,
    url: &reqwest::Url,
    content_type: &str,
    signature: Option<&str>,
    body: Vec<u8>,
) -> Result<Answer, String> {
    let mut request = client
        .post(url.clone())
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body);
    if let Some(signature) = signature {
        request = request.header(SIGNATURE_HEADER, signature);
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("no answer from {url}: {}", with_causes(&e)))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| format!("the answer from {url} broke off: {}", with_causes(&e)))?;
    let mut text = text.trim().to_owned();
    if let Some((cut, _)) = text.char_indices().nth(SHOWN_ANSWER) {
        text.truncate(cut);
        text.push_str("...");
    }
    Ok(Answer { status, text })
}
