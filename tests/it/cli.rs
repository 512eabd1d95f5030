//! The `steppay-webhook` tool (feature `cli`), run as built, against real servers on
//! 127.0.0.1: `trigger`, `listen`, `verify`, `inspect`, help, exit statuses, colour.
#![cfg(feature = "cli")]

use std::process::Stdio;
use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::middleware::Next;
use axum::Router;
use serde_json::Value;
use steppay_webhook::axum::webhook_router;
use steppay_webhook::{parse_webhook, EventType, WebhookVerifier, SIGNATURE_HEADER};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::ChildStdout;

use crate::support::http::{client, TEST_TIMEOUT};
use crate::support::recorder::Recorder;
use crate::support::servers::serve_axum;
use crate::support::tool::{assert_holds_all, assert_no_escape_codes, run, tool};
use crate::support::{fixture, legacy_fixture, now_unix, read_fixture};

const SECRET: &str = "whsec_cli_test_7c41";
const MERCHANT_SECRET: &str = "whsec_cli_merchant_2b90";
/// The development-only key, as the tool and the example receivers know it.
const DEV_KEY: &str = "whsec_development_only_not_a_real_key";
const MOUNT: &str = "/webhooks/steppay";

/// Personal data in `payment.failed.json` that the tool never shows.
const PAYER_DATA: [&str; 2] = ["yujin.choi@example.com", "010-5678-9012"];

// ---------------------------------------------------------------------------------------
// Running the tool (`support::tool` runs it to its end).
// ---------------------------------------------------------------------------------------

/// A running `listen`: its URL and the lines it prints.
struct Listening {
    url: String,
    lines: Lines<BufReader<ChildStdout>>,
    seen: Vec<String>,
    _child: tokio::process::Child,
}

impl Listening {
    /// Starts `listen --addr 127.0.0.1:0` with `args`, and reads its URL from the first line.
    async fn start(args: &[&str]) -> Self {
        let mut child = tool()
            .args(["listen", "--addr", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("listen starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = lines
            .next_line()
            .await
            .expect("read")
            .expect("a first line");
        let url = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {first:?}"))
            .to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        assert!(url.ends_with(MOUNT), "{url}");
        Self {
            url,
            lines,
            seen: vec![first],
            _child: child,
        }
    }

    /// The lines printed for the next delivery: up to and including the next line that
    /// starts with `last` (`outcome`, `forwarded`).
    async fn delivery(&mut self, last: &str) -> String {
        let mut block = Vec::new();
        loop {
            let line = self
                .lines
                .next_line()
                .await
                .expect("read")
                .expect("listen is still running");
            self.seen.push(line.clone());
            let done = line.starts_with(last);
            block.push(line);
            if done {
                return block.join("\n");
            }
        }
    }
}

/// A receiver built with the crate (verifying with `secret`, default window) that records
/// what its handler saw and every `Steppay-Signature` header it received.
async fn merchant_receiver(secret: &str) -> (String, Recorder, Arc<Mutex<Vec<String>>>) {
    let recorder = Recorder::default();
    let headers = Arc::new(Mutex::new(Vec::new()));
    let captured = headers.clone();
    let app = Router::new()
        .nest(
            MOUNT,
            webhook_router(WebhookVerifier::new(secret), recorder.clone()),
        )
        .layer(axum::middleware::from_fn(
            move |request: Request, next: Next| {
                let header = request
                    .headers()
                    .get(SIGNATURE_HEADER)
                    .map(|value| value.to_str().expect("ASCII").to_owned());
                captured.lock().expect("lock").extend(header);
                next.run(request)
            },
        ));
    let addr = serve_axum(app, tracing::Span::none()).await;
    (format!("http://{addr}{MOUNT}"), recorder, headers)
}

/// The `timestamp` part of a `Steppay-Signature` header.
fn header_timestamp(header: &str) -> i64 {
    header
        .split(',')
        .find_map(|part| part.trim().strip_prefix("timestamp="))
        .expect("a timestamp part")
        .parse()
        .expect("a number")
}

async fn within_timeout<F: std::future::Future>(test: F) -> F::Output {
    tokio::time::timeout(TEST_TIMEOUT, test)
        .await
        .expect("test timed out")
}

// ---------------------------------------------------------------------------------------
// Help and exit statuses.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn help_lists_the_commands_and_the_exit_statuses() {
    let help = run(&["--help"], None).await;
    assert_eq!(help.code, 0, "{help:?}");
    assert_holds_all(
        &help.stdout,
        &["inspect", "trigger", "listen", "verify", "Exit status:"],
    );
    assert_holds_all(
        &help.stdout,
        &[
            "  0  done",
            "  1  done, and the answer is no",
            "  2  usage",
            "  3  unavailable",
        ],
    );
    let trigger = run(&["trigger", "--help"], None).await;
    assert_eq!(trigger.code, 0);
    assert_holds_all(
        &trigger.stdout,
        &[
            "--url",
            "--secret",
            "--dev-key",
            "--print",
            "--test",
            "--list",
        ],
    );
    let listen = run(&["listen", "--help"], None).await;
    assert!(listen.stdout.contains("--forward-to"), "{}", listen.stdout);

    let usage = run(&["trigger"], None).await;
    assert_eq!(usage.code, 2, "{usage:?}");
    let typo = run(&["trigger", "payment.faild", "--dev-key"], None).await;
    assert_eq!(typo.code, 2, "{typo:?}");
    assert!(typo.stderr.contains("'payment.failed'"), "{}", typo.stderr);
}

#[tokio::test]
async fn trigger_list_shows_the_27_event_types() {
    let list = run(&["trigger", "--list"], None).await;
    assert_eq!(list.code, 0);
    let rows: Vec<&str> = list.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 27, "{}", list.stdout);
    for (row, kind) in rows.iter().zip(EventType::iter()) {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells, [kind.as_str(), kind.schema_name()]);
    }
}

// ---------------------------------------------------------------------------------------
// trigger
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn trigger_gets_200_for_every_event_type() {
    within_timeout(async {
        let (url, recorder, headers) = merchant_receiver(SECRET).await;
        for kind in EventType::iter() {
            let before = now_unix();
            let out = run(
                &["trigger", kind.as_str(), "--url", &url, "--secret", SECRET],
                None,
            )
            .await;
            assert_eq!(out.code, 0, "{kind}: {out:?}");
            assert!(
                out.stdout.contains(&format!("200 OK: handled {kind}")),
                "{kind}: {}",
                out.stdout
            );
            // Sent now: the envelope and the header carry the same, fresh timestamp.
            let (event_name, timestamp) = {
                let record = recorder.records().pop().expect("a record");
                (record.event, record.timestamp)
            };
            assert_eq!(event_name, kind.as_str());
            assert!(
                (before..=now_unix()).contains(&timestamp),
                "{kind}: {timestamp}"
            );
            let header = headers.lock().expect("lock").pop().expect("a header");
            assert_eq!(header_timestamp(&header), timestamp, "{kind}");
        }
        // The handler saw each sample's typed data, in order.
        let events = recorder.events();
        assert_eq!(events.len(), 27);
        for ((name, event), kind) in events.iter().zip(EventType::iter()) {
            assert_eq!(name, kind.as_str());
            let expected = parse_webhook(&fixture(kind.as_str()))
                .expect("fixture")
                .event;
            assert_eq!(event, &expected, "{kind}");
        }
    })
    .await;
}

#[tokio::test]
async fn trigger_with_the_wrong_key_is_refused_and_exits_1() {
    within_timeout(async {
        let (url, recorder, _) = merchant_receiver(SECRET).await;
        let out = run(
            &[
                "trigger",
                "payment.completed",
                "--url",
                &url,
                "--secret",
                "whsec_wrong",
            ],
            None,
        )
        .await;
        assert_eq!(out.code, 1, "{out:?}");
        assert!(
            out.stdout
                .contains("401 Unauthorized: invalid signature: no signature matches the body"),
            "{}",
            out.stdout
        );
        assert_eq!(recorder.calls(), 0);
    })
    .await;
}

#[tokio::test]
async fn trigger_refuses_to_sign_without_a_key() {
    within_timeout(async {
        let (url, recorder, headers) = merchant_receiver(DEV_KEY).await;
        let out = run(&["trigger", "payment.failed", "--url", &url], None).await;
        assert_eq!(out.code, 2, "{out:?}");
        assert!(out.stderr.contains("no key to sign with"), "{}", out.stderr);
        assert!(
            out.stderr.contains("STEPPAY_WEBHOOK_SECRET"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("--dev-key"), "{}", out.stderr);
        assert!(
            headers.lock().expect("lock").is_empty(),
            "something was sent"
        );

        // Asked for by name, the development key signs, with a warning.
        let out = run(
            &["trigger", "payment.failed", "--url", &url, "--dev-key"],
            None,
        )
        .await;
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stderr.contains("DEVELOPMENT-ONLY"), "{}", out.stderr);
        assert_eq!(recorder.calls(), 1);

        // The key from the environment.
        let mut command = tool();
        command
            .args(["trigger", "payment.failed", "--url", &url])
            .env("STEPPAY_WEBHOOK_SECRET", DEV_KEY)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let status = command.status().await.expect("runs");
        assert_eq!(status.code(), Some(0));
        assert_eq!(recorder.calls(), 2);
    })
    .await;
}

#[tokio::test]
async fn trigger_without_a_receiver_exits_3() {
    // A port that was free a moment ago: nothing answers there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("http://127.0.0.1:{port}/webhooks/steppay");
    let out = run(
        &[
            "trigger",
            "order.created",
            "--url",
            &url,
            "--secret",
            SECRET,
        ],
        None,
    )
    .await;
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("no answer from"), "{}", out.stderr);

    let https = run(
        &[
            "trigger",
            "order.created",
            "--url",
            "https://example.com/",
            "--secret",
            SECRET,
        ],
        None,
    )
    .await;
    https.assert_stderr(2, "https is not supported");
}

/// `trigger --print`: a request whose body and header `verify` accepts.
#[tokio::test]
async fn trigger_print_output_verifies_with_verify() {
    for test_mode in [false, true] {
        let mut args = vec!["trigger", "payment.failed", "--print", "--secret", SECRET];
        if test_mode {
            args.push("--test");
        }
        let before = now_unix();
        let printed = run(&args, None).await;
        assert_eq!(printed.code, 0, "{printed:?}");
        assert_no_escape_codes(&printed);

        let (head, body) = printed.stdout.split_once("\n\n").expect("a blank line");
        let mut lines = head.lines();
        assert_eq!(lines.next(), Some("POST /webhooks/steppay HTTP/1.1"));
        let headers: Vec<(&str, &str)> = lines
            .map(|line| line.split_once(": ").expect("a header line"))
            .collect();
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| *n == name)
                .unwrap_or_else(|| panic!("no {name}: {head}"))
                .1
        };
        assert_eq!(header("Host"), "127.0.0.1:3000");
        assert_eq!(header("Content-Type"), "application/json");
        assert_eq!(header("Content-Length"), body.len().to_string());
        let signature = header(SIGNATURE_HEADER);

        let webhook = parse_webhook(body.as_bytes()).expect("the body parses");
        assert_eq!(webhook.event_name(), "payment.failed");
        assert!((before..=now_unix()).contains(&webhook.timestamp));
        assert_eq!(header_timestamp(signature), webhook.timestamp);
        let json: Value = serde_json::from_str(body).expect("JSON");
        assert_eq!(json.get("isTest"), test_mode.then_some(&Value::Bool(true)));

        let verified = run(
            &["verify", "--secret", SECRET, "--header", signature, "-"],
            Some(body.as_bytes()),
        )
        .await;
        verified.assert_stdout(0, "result     verifies");
        assert!(
            verified.stdout.contains("payment.failed (Payment)"),
            "{}",
            verified.stdout
        );

        // The whole header line is accepted too.
        let line = format!("{SIGNATURE_HEADER}: {signature}");
        let verified = run(
            &["verify", "--secret", SECRET, "--header", &line],
            Some(body.as_bytes()),
        )
        .await;
        assert_eq!(verified.code, 0, "{verified:?}");
    }
}

// ---------------------------------------------------------------------------------------
// verify
// ---------------------------------------------------------------------------------------

/// A body and the header that signs it with [`SECRET`] at `timestamp`.
fn signed_capture(timestamp: i64) -> (Vec<u8>, String) {
    let body =
        br#"{"timestamp":1795046400,"version":"v1","event":"customer.created","data":{"id":42}}"#;
    (
        body.to_vec(),
        steppay_webhook::sign(SECRET, timestamp, body),
    )
}

#[tokio::test]
async fn verify_says_why_a_delivery_does_not_verify() {
    let dir = std::env::temp_dir().join(format!("steppay-webhook-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let sent = 1_795_046_400;
    let (body, header) = signed_capture(sent);
    let at = (sent + 10).to_string();
    let file = dir.join("capture.json");
    std::fs::write(&file, &body).expect("write");
    let file = file.to_str().expect("UTF-8 path");

    let good = run(
        &[
            "verify", "--secret", SECRET, "--header", &header, "--at", &at, file,
        ],
        None,
    )
    .await;
    good.assert_stdout(0, "10 s before the check; window 300 s");

    // The wrong key.
    let wrong = run(
        &[
            "verify",
            "--secret",
            "whsec_other",
            "--header",
            &header,
            "--at",
            &at,
            file,
        ],
        None,
    )
    .await;
    assert_eq!(wrong.code, 1, "{wrong:?}");
    assert!(
        wrong
            .stdout
            .contains("does not verify: no signature matches the body"),
        "{}",
        wrong.stdout
    );
    assert!(
        wrong
            .stdout
            .contains("check that the key is this webhook's key"),
        "{}",
        wrong.stdout
    );
    assert_no_escape_codes(&wrong);

    // A line break added to the capture.
    let with_newline = dir.join("capture-newline.json");
    std::fs::write(&with_newline, [&body[..], b"\n"].concat()).expect("write");
    let newline = run(
        &[
            "verify",
            "--secret",
            SECRET,
            "--header",
            &header,
            "--at",
            &at,
            with_newline.to_str().expect("UTF-8"),
        ],
        None,
    )
    .await;
    newline.assert_stdout(1, "without its final line break");

    // Captured long ago: the signature matches, the window does not.
    let late = (sent + 3600).to_string();
    let stale = run(
        &[
            "verify", "--secret", SECRET, "--header", &header, "--at", &late, file,
        ],
        None,
    )
    .await;
    assert_eq!(stale.code, 1, "{stale:?}");
    assert!(
        stale
            .stdout
            .contains("the timestamp is 3600s old, beyond the 300s tolerance"),
        "{}",
        stale.stdout
    );
    assert!(
        stale.stdout.contains("--no-timestamp-check"),
        "{}",
        stale.stdout
    );
    let unchecked = run(
        &[
            "verify",
            "--secret",
            SECRET,
            "--header",
            &header,
            "--at",
            &late,
            "--no-timestamp-check",
            file,
        ],
        None,
    )
    .await;
    assert_eq!(unchecked.code, 0, "{unchecked:?}");

    // A header that is not one.
    let malformed = run(
        &["verify", "--secret", SECRET, "--header", "abc", file],
        None,
    )
    .await;
    assert_eq!(malformed.code, 1, "{malformed:?}");
    assert!(
        malformed
            .stdout
            .contains("malformed Steppay-Signature header"),
        "{}",
        malformed.stdout
    );

    // No key, no file.
    let no_key = run(&["verify", "--header", &header, file], None).await;
    no_key.assert_stderr(2, "no key to verify with");
    let missing = dir.join("missing.json");
    let no_file = run(
        &[
            "verify",
            "--secret",
            SECRET,
            "--header",
            &header,
            missing.to_str().expect("UTF-8"),
        ],
        None,
    )
    .await;
    assert_eq!(no_file.code, 3, "{no_file:?}");
    assert!(no_file.stderr.contains("cannot read"), "{}", no_file.stderr);

    std::fs::remove_dir_all(&dir).expect("clean up");
}

// ---------------------------------------------------------------------------------------
// inspect
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn inspect_shows_v2_and_v1_bodies_and_refuses_others() {
    let path = crate::support::fixtures_dir().join("payment.failed.json");
    let shown = run(&["inspect", path.to_str().expect("UTF-8")], None).await;
    assert_eq!(shown.code, 0, "{shown:?}");
    assert_holds_all(
        &shown.stdout,
        &[
            "event    payment.failed (Payment)",
            "payment  #781377 [FAILED] via KSNET / CARD_BILL",
            "amounts  0 KRW, order 358390, paid at -",
            "error    [3021] 잔액이 부족합니다. (한도초과)",
        ],
    );
    for personal in PAYER_DATA {
        assert!(!shown.stdout.contains(personal), "{personal} shown");
    }

    let v1 = run(&["inspect", "-"], Some(&legacy_fixture("subscription"))).await;
    v1.assert_stdout(0, "webhook v1 subscription notification");
    assert!(v1.stdout.contains("#1 [ACTIVE]"), "{}", v1.stdout);

    let bundled = run(&["inspect"], None).await;
    bundled.assert_stdout(0, "bundled sample (order.created)");

    let invalid = run(
        &["inspect", "-"],
        Some(&read_fixture("edge/invalid/not-json.txt")),
    )
    .await;
    invalid.assert_stderr(1, "not a StepPay webhook");

    let missing = run(&["inspect", "/nonexistent/body.json"], None).await;
    assert_eq!(missing.code, 3, "{missing:?}");
}

// ---------------------------------------------------------------------------------------
// listen
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn listen_receives_and_shows_a_trigger() {
    within_timeout(async {
        let mut listen = Listening::start(&["--secret", SECRET]).await;

        let sent = run(
            &[
                "trigger",
                "payment.failed",
                "--url",
                &listen.url,
                "--secret",
                SECRET,
            ],
            None,
        )
        .await;
        sent.assert_stdout(0, "200 OK: handled payment.failed");

        let shown = listen.delivery("outcome").await;
        assert_holds_all(
            &shown,
            &[
                "POST /webhooks/steppay",
                "event      payment.failed (Payment)",
                "payment    #781377 [FAILED] via KSNET / CARD_BILL",
                "amounts    0 KRW, order 358390, paid at -",
                "signature  valid",
                "outcome    200 OK: handled payment.failed",
            ],
        );
        for personal in PAYER_DATA {
            assert!(!shown.contains(personal), "{personal} shown");
        }

        // Signed with another key: refused, and shown as such.
        let refused = run(
            &[
                "trigger",
                "order.created",
                "--url",
                &listen.url,
                "--secret",
                "whsec_other",
            ],
            None,
        )
        .await;
        assert_eq!(refused.code, 1, "{refused:?}");
        let shown = listen.delivery("outcome").await;
        assert!(
            shown.contains("order.created (Order) (not verified)"),
            "{shown}"
        );
        assert!(
            shown.contains(
                "outcome  401 Unauthorized: invalid signature: no signature matches the body"
            ),
            "{shown}"
        );
        assert!(
            !shown.contains("20261119-00000123"),
            "unverified data shown: {shown}"
        );

        // A v1 body, as form data.
        let reply = client()
            .post(&listen.url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("webHookType=PAYMENT&orderId=3180")
            .send()
            .await
            .expect("sent");
        assert_eq!(reply.status(), 200);
        let shown = listen.delivery("outcome").await;
        assert!(shown.contains("webhook v1 order notification"), "{shown}");
        assert!(shown.contains("v1 is unsigned"), "{shown}");
        assert!(shown.contains("order      3180"), "{shown}");

        let all = listen.seen.join("\n");
        assert!(!all.contains('\u{1b}'), "escape codes in piped output");
    })
    .await;
}

/// Every event type is answered `handled` by listen (its handler lists the 27 methods by
/// hand: this catches one left out).
#[tokio::test]
async fn listen_handles_every_event_type() {
    within_timeout(async {
        let mut listen = Listening::start(&["--secret", SECRET]).await;
        for kind in EventType::iter() {
            let sent = run(
                &[
                    "trigger",
                    kind.as_str(),
                    "--url",
                    &listen.url,
                    "--secret",
                    SECRET,
                ],
                None,
            )
            .await;
            let answer = format!("200 OK: handled {kind}");
            assert_eq!(sent.code, 0, "{kind}: {sent:?}");
            assert!(sent.stdout.contains(&answer), "{kind}: {}", sent.stdout);
            let shown = listen.delivery("outcome").await;
            assert!(shown.contains(&format!("{kind} (")), "{kind}: {shown}");
            assert!(shown.contains(&answer), "{kind}: {shown}");
        }
    })
    .await;
}

#[tokio::test]
async fn listen_forwards_each_verified_delivery_signed_afresh() {
    within_timeout(async {
        let (merchant, recorder, headers) = merchant_receiver(MERCHANT_SECRET).await;
        let mut listen = Listening::start(&[
            "--secret",
            SECRET,
            "--forward-to",
            &merchant,
            "--forward-secret",
            MERCHANT_SECRET,
        ])
        .await;

        let before = now_unix();
        let sent = run(
            &[
                "trigger",
                "subscription.updated",
                "--test",
                "--url",
                &listen.url,
                "--secret",
                SECRET,
            ],
            None,
        )
        .await;
        // The answer is the merchant's.
        sent.assert_stdout(0, "200 OK: handled subscription.updated");

        // The merchant's receiver verified it with its own key and the default window:
        // the delivery was signed afresh, now.
        let events = recorder.events();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].0, "subscription.updated");
        let expected = parse_webhook(&fixture("subscription.updated"))
            .expect("fixture")
            .event;
        assert_eq!(events[0].1, expected);
        let header = headers.lock().expect("lock").pop().expect("a header");
        assert!(
            (before..=now_unix()).contains(&header_timestamp(&header)),
            "{header}"
        );

        let shown = listen.delivery("forwarded").await;
        assert!(
            shown.contains("mode          test (isTest: true)"),
            "{shown}"
        );
        assert!(
            shown.contains("outcome       200 OK: handled subscription.updated"),
            "{shown}"
        );
        assert!(
            shown.contains(&format!(
                "forwarded     {merchant} -> 200 OK: handled subscription.updated"
            )),
            "{shown}"
        );

        // A delivery listen refuses is not forwarded.
        let refused = run(
            &[
                "trigger",
                "payment.completed",
                "--url",
                &listen.url,
                "--secret",
                MERCHANT_SECRET,
            ],
            None,
        )
        .await;
        assert_eq!(refused.code, 1, "{refused:?}");
        let shown = listen.delivery("outcome").await;
        assert!(shown.contains("401 Unauthorized"), "{shown}");
        assert_eq!(recorder.calls(), 1, "a refused delivery was forwarded");
    })
    .await;
}

#[tokio::test]
async fn listen_without_a_key_refuses_to_start() {
    let out = run(&["listen", "--addr", "127.0.0.1:0"], None).await;
    out.assert_stderr(2, "no key to verify with");
}

// ---------------------------------------------------------------------------------------
// Colour
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn piped_output_has_no_colour_unless_asked_for() {
    let path = crate::support::fixtures_dir().join("order.created.json");
    let path = path.to_str().expect("UTF-8");
    for args in [
        vec!["inspect", path],
        vec!["trigger", "--list"],
        vec!["trigger", "order.created"], // an error on standard error
    ] {
        let piped = run(&args, None).await;
        assert_no_escape_codes(&piped);

        // The same with colour forced: the check above would see it.
        let mut forced = vec!["--color", "always"];
        forced.extend(&args);
        let coloured = run(&forced, None).await;
        assert!(coloured.raw().contains("\u{1b}["), "{args:?}: {coloured:?}");
    }
}
