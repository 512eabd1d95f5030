//! `inbox`: operations on the durable inbox of your receivers (features `sqlite`,
//! `postgres`), through the library's public API only (`inbox::connect_existing`,
//! `inbox::Deliveries`): `list`, `show`, `stats`, `replay`, `purge`.
//!
//! The tool never runs a handler: a replayed delivery is made pending again, and a running
//! receiver's worker processes it (at once in that process, or within its poll interval).
//! Bodies hold personal data: `show` describes one with the report code of `inspect` (no
//! e-mail, phone, address or account number) and prints the raw bytes only with `--body`.

use std::io::{IsTerminal as _, Write as _};
use std::time::Duration;

use chrono::{DateTime, Utc};
use steppay_webhook::inbox::{
    connect_existing, safe_error_text, Deliveries, Delivery, DeliveryFilter, DeliveryId,
    DeliveryStatus, Replay, ReplaySelection, StoreError,
};
use steppay_webhook::EventType;

use crate::args::{
    InboxArgs, InboxCommand, InboxListArgs, InboxPurgeArgs, InboxReplayArgs, InboxShowArgs,
    INBOX_DB_ENV,
};
use crate::exit::{Done, Failure};
use crate::output::{self, Column};
use crate::report::{describe, utc, Report, Tone};

/// The most characters of a last error shown in `list` (`show` shows all of it).
const LIST_ERROR_CHARS: usize = 72;

/// How long processed deliveries should be kept at least (StepPay may send one again).
const PURGE_FLOOR: Duration = Duration::from_secs(30 * 86_400);

pub async fn run(args: InboxArgs) -> Result<Done, Failure> {
    let url = database_url(args.db)?;
    let deliveries = open(&url).await?;
    match args.command {
        InboxCommand::List(list_args) => list(&deliveries, list_args).await,
        InboxCommand::Show(show_args) => show(&deliveries, show_args).await,
        InboxCommand::Stats => stats(&deliveries).await,
        InboxCommand::Replay(replay_args) => replay(&deliveries, replay_args).await,
        InboxCommand::Purge(purge_args) => purge(&deliveries, purge_args).await,
    }
}

/// `--db`, else `STEPPAY_INBOX_DB` (clap reads both).
fn database_url(db: Option<String>) -> Result<String, Failure> {
    match db {
        Some(url) if !url.trim().is_empty() => Ok(url.trim().to_owned()),
        _ => Err(Failure::Usage(format!(
            "no inbox database: pass --db URL or set {INBOX_DB_ENV} (sqlite:PATH, or \
             postgres://user:password@host/database)"
        ))),
    }
}

/// Opens the inbox `url` names, as a receiver would, but never creates one
/// (`inbox::connect_existing`): a SQLite path that does not exist, or a database without the
/// inbox's tables, is a mistake in the command, not a new inbox.
async fn open(url: &str) -> Result<Deliveries, Failure> {
    match url.split_once(':').map(|(scheme, _)| scheme) {
        None => {
            return Err(Failure::Usage(format!(
                "--db takes a URL, not {}: sqlite:PATH or postgres://user:password@host/database",
                shown_url(url)
            )))
        }
        Some("memory") => {
            return Err(Failure::Usage(
                "memory: is an inbox that lives in one process and keeps nothing: give the \
                 database your receivers use (sqlite:PATH or postgres://...)"
                    .to_owned(),
            ))
        }
        Some(_) => {}
    }
    match connect_existing(url).await {
        Ok(store) => Ok(Deliveries::new(store)),
        Err(error @ StoreError::UnsupportedUrl { .. }) => Err(Failure::Usage(format!(
            "{error}; install the tool with the feature of your database: cargo install \
             steppay-webhook --features cli,sqlite (or cli,postgres)"
        ))),
        Err(StoreError::NoInbox { what }) => Err(Failure::Unavailable(format!(
            "no inbox at {}: {what} (a receiver's store creates it when it starts; nothing \
             was created)",
            shown_url(url)
        ))),
        Err(error) => Err(Failure::Unavailable(format!(
            "cannot open the inbox at {}: {error}",
            shown_url(url)
        ))),
    }
}

/// A database URL fit to print: its password replaced by `***`, and nothing of a value
/// that is not a URL but may hold one.
fn shown_url(url: &str) -> String {
    if let Ok(mut parsed) = reqwest::Url::parse(url) {
        if parsed.password().is_none() && !parsed.cannot_be_a_base() {
            return url.to_owned();
        }
        if parsed.password().is_some() && parsed.set_password(Some("***")).is_ok() {
            return parsed.to_string();
        }
    }
    if url.contains('@') {
        "the database URL".to_owned()
    } else {
        url.to_owned()
    }
}

fn store_failed(error: StoreError) -> Failure {
    Failure::Unavailable(error.to_string())
}

// ---------------------------------------------------------------------------------------
// list, stats
// ---------------------------------------------------------------------------------------

async fn list(deliveries: &Deliveries, args: InboxListArgs) -> Result<Done, Failure> {
    let mut filter = DeliveryFilter::new().limit(args.limit);
    if let Some(status) = args.status {
        filter = filter.status(status);
    }
    if let Some(event) = args.event {
        if event.parse::<EventType>().is_err() {
            output::warning(&format!(
                "{event:?} is not one of the 27 event types this version knows (`trigger \
                 --list` shows them); listing deliveries of that name anyway"
            ));
        }
        filter = filter.event_name(event);
    }
    if let Some(resource) = args.resource {
        filter = filter.resource(resource);
    }
    let found = deliveries.list(&filter).await.map_err(store_failed)?;
    if found.is_empty() {
        output::print(&output::toned("no deliveries match\n", Tone::Dim));
        return Ok(Done::Yes);
    }
    let now = Utc::now();
    let rows = found
        .iter()
        .map(|delivery| {
            let (status, tone) = status_of(delivery, now);
            vec![
                (delivery.id.to_string(), Tone::Plain),
                (status, tone),
                (event_of(delivery), Tone::Event),
                (resource_of(delivery), Tone::Plain),
                (
                    delivery.received_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    Tone::Plain,
                ),
                (delivery.attempts.to_string(), Tone::Plain),
                (
                    delivery
                        .last_error
                        .as_deref()
                        .map(|error| shortened(error, LIST_ERROR_CHARS))
                        .unwrap_or_default(),
                    error_tone(delivery.status),
                ),
            ]
        })
        .collect();
    let table = output::columns(
        &[
            Column::right("ID"),
            Column::left("STATUS"),
            Column::left("EVENT"),
            Column::left("RESOURCE"),
            Column::left("RECEIVED (UTC)"),
            Column::right("TRIES"),
            Column::left("LAST ERROR"),
        ],
        rows,
    );
    let count = found.len();
    let more = if u32::try_from(count).is_ok_and(|count| count >= args.limit) {
        format!("; more may match: raise --limit ({})", args.limit)
    } else {
        String::new()
    };
    let footer = output::toned(
        &format!("{count} {}, newest first{more}", noun(count as u64)),
        Tone::Dim,
    );
    output::print(&format!("{table}{footer}\n"));
    Ok(Done::Yes)
}

async fn stats(deliveries: &Deliveries) -> Result<Done, Failure> {
    let counts = deliveries.count_by_status().await.map_err(store_failed)?;
    let count_of = |status: DeliveryStatus| {
        counts
            .iter()
            .find(|(counted, _)| *counted == status)
            .map_or(0, |(_, count)| *count)
    };
    let mut rows: Vec<Vec<(String, Tone)>> = DeliveryStatus::ALL
        .iter()
        .map(|&status| {
            let count = count_of(status);
            let tone = if count == 0 {
                Tone::Dim
            } else {
                status_tone(status)
            };
            vec![(status.to_string(), tone), (count.to_string(), tone)]
        })
        .collect();
    let total: u64 = counts.iter().map(|(_, count)| count).sum();
    rows.push(vec![
        ("total".to_owned(), Tone::Plain),
        (total.to_string(), Tone::Plain),
    ]);
    output::print(&output::columns(
        &[Column::left("STATUS"), Column::right("DELIVERIES")],
        rows,
    ));
    Ok(Done::Yes)
}

/// The status as shown, and its tone: a pending delivery whose lease runs is "in flight".
fn status_of(delivery: &Delivery, now: DateTime<Utc>) -> (String, Tone) {
    match (delivery.status, delivery.locked_until) {
        (DeliveryStatus::Pending, Some(until)) if until > now => {
            ("in flight".to_owned(), Tone::Event)
        }
        (status, _) => (status.to_string(), status_tone(status)),
    }
}

fn status_tone(status: DeliveryStatus) -> Tone {
    match status {
        DeliveryStatus::Processed => Tone::Good,
        DeliveryStatus::Stale => Tone::Dim,
        DeliveryStatus::Dead => Tone::Bad,
        DeliveryStatus::Unreadable => Tone::Warn,
        _ => Tone::Plain,
    }
}

/// The last error's tone: an error still standing (dead, unreadable, a retry to come) stands
/// out; one a later attempt got past (processed, stale) is history.
fn error_tone(status: DeliveryStatus) -> Tone {
    match status {
        DeliveryStatus::Dead => Tone::Bad,
        DeliveryStatus::Processed | DeliveryStatus::Stale => Tone::Dim,
        _ => Tone::Warn,
    }
}

/// The event name, marked when StepPay sent it in test mode.
fn event_of(delivery: &Delivery) -> String {
    let name = delivery.event_name.as_deref().unwrap_or("-");
    if delivery.is_test == Some(true) {
        format!("{name} (test)")
    } else {
        name.to_owned()
    }
}

fn resource_of(delivery: &Delivery) -> String {
    delivery
        .resource
        .as_ref()
        .map_or_else(|| "-".to_owned(), ToString::to_string)
}

/// `text` cut to `max` characters, with `…` when cut.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

fn time(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(|| "-".to_owned(), utc)
}

// ---------------------------------------------------------------------------------------
// show
// ---------------------------------------------------------------------------------------

async fn show(deliveries: &Deliveries, args: InboxShowArgs) -> Result<Done, Failure> {
    let Some(delivery) = deliveries.get(args.id).await.map_err(store_failed)? else {
        output::error(&format!("no delivery {} in this inbox", args.id));
        return Ok(Done::No);
    };
    if args.body {
        print_body(&delivery.body);
        return Ok(Done::Yes);
    }
    let now = Utc::now();
    let mut record = Report::new();
    record.row("delivery", delivery.id.to_string());
    let (status, tone) = status_of(&delivery, now);
    record.toned("status", status, tone);
    record.toned("event", event_of(&delivery), Tone::Event);
    record.row("resource", resource_of(&delivery));
    record.row("as of", time(delivery.as_of));
    record.row("received", utc(delivery.received_at));
    let signed = DateTime::from_timestamp(delivery.signature_timestamp, 0)
        .map_or_else(|| "out of range".to_owned(), utc);
    record.row(
        "signed at",
        format!("{signed} (timestamp {})", delivery.signature_timestamp),
    );
    record.row("attempts", delivery.attempts.to_string());
    if delivery.status == DeliveryStatus::Pending {
        record.row("next attempt", time(delivery.next_attempt_at));
        record.row("leased until", time(delivery.locked_until));
    }
    record.row("processed", time(delivery.processed_at));
    record.row("duplicates", delivery.duplicates.to_string());
    record.row("replays", delivery.replays.to_string());
    if let Some(error) = &delivery.last_error {
        record.toned("last error", error.clone(), error_tone(delivery.status));
    }
    record.toned("fingerprint", delivery.fingerprint.clone(), Tone::Dim);
    record.row(
        "body",
        format!(
            "{} bytes (--body prints them; they hold personal data)",
            delivery.body.len()
        ),
    );

    let mut out = output::table(&record);
    out.push('\n');
    out.push_str(&output::heading(
        "what the body holds, read by this version",
    ));
    out.push('\n');
    match describe(&delivery.body, Some("application/json")) {
        Ok(body) => out.push_str(&output::table(&body)),
        Err(error) => {
            let mut unreadable = Report::new();
            unreadable.toned("unreadable", safe_error_text(&error), Tone::Warn);
            out.push_str(&output::table(&unreadable));
        }
    }
    output::print(&out);
    Ok(Done::Yes)
}

/// The raw body: byte for byte where standard output is piped (to a file, to `inspect -`);
/// on a terminal, with control characters other than line breaks and tabs escaped, so that
/// the bytes cannot drive the terminal.
fn print_body(body: &[u8]) {
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let mut out = stdout.lock();
    // Nothing sensible is left to do when standard output is gone.
    if terminal {
        let text: String = String::from_utf8_lossy(body)
            .chars()
            .map(|c| match c {
                '\n' | '\t' => c.to_string(),
                c if c.is_control() => c.escape_default().to_string(),
                c => c.to_string(),
            })
            .collect();
        let _ = writeln!(out, "{}", text.trim_end_matches('\n'));
    } else {
        let _ = out.write_all(body);
    }
    let _ = out.flush();
}

// ---------------------------------------------------------------------------------------
// replay
// ---------------------------------------------------------------------------------------

/// Where a replayed delivery goes.
const REPLAY_NEXT: &str = "a running receiver's worker processes it as a replay, within its \
                           poll interval";
/// Where replayed deliveries go.
const REPLAY_ALL_NEXT: &str = "a running receiver's worker processes each as a replay, \
                               within its poll interval";

async fn replay(deliveries: &Deliveries, args: InboxReplayArgs) -> Result<Done, Failure> {
    let selection = match (args.id, args.dead, args.unreadable) {
        (Some(id), _, _) => return replay_one(deliveries, id).await,
        (None, true, _) => ReplaySelection::Dead,
        (None, false, true) => ReplaySelection::Unreadable,
        (None, false, false) => {
            return Err(Failure::Usage(
                "replay takes an ID, --dead or --unreadable".to_owned(),
            ))
        }
    };
    let which = match selection {
        ReplaySelection::Dead => "dead",
        _ => "unreadable",
    };
    let summary = deliveries
        .replay_all(selection)
        .await
        .map_err(store_failed)?;
    if summary.replayed.is_empty() {
        output::print(&format!("no {which} deliveries to replay\n"));
        return Ok(Done::Yes);
    }
    let mut rows = Vec::new();
    for (id, outcome) in &summary.replayed {
        let delivery = deliveries.get(*id).await.map_err(store_failed)?;
        let (event, resource) = delivery.as_ref().map_or_else(
            || ("-".to_owned(), "-".to_owned()),
            |delivery| (event_of(delivery), resource_of(delivery)),
        );
        let note = match outcome {
            Replay::RequeuedUnreadable { error } => (
                format!(
                    "this version still cannot read it: {}",
                    shortened(error, LIST_ERROR_CHARS)
                ),
                Tone::Warn,
            ),
            _ => (String::new(), Tone::Plain),
        };
        rows.push(vec![
            (id.to_string(), Tone::Plain),
            (event, Tone::Event),
            (resource, Tone::Plain),
            note,
        ]);
    }
    let count = summary.replayed.len();
    let mut out = format!(
        "requeued {count} {which} {}, oldest first; {REPLAY_ALL_NEXT}:\n",
        noun(count as u64)
    );
    out.push_str(&output::columns(
        &[
            Column::right("ID"),
            Column::left("EVENT"),
            Column::left("RESOURCE"),
            Column::left("NOTE"),
        ],
        rows,
    ));
    if summary.still_unreadable > 0 {
        out.push_str(&output::toned(
            &format!(
                "{} of them this version still cannot read: the handler's on_unreadable gets \
                 them again, and unless it handles them they end unreadable again\n",
                summary.still_unreadable
            ),
            Tone::Warn,
        ));
    }
    output::print(&out);
    Ok(Done::Yes)
}

async fn replay_one(deliveries: &Deliveries, id: DeliveryId) -> Result<Done, Failure> {
    let Some(before) = deliveries.get(id).await.map_err(store_failed)? else {
        output::error(&format!("no delivery {id} in this inbox"));
        return Ok(Done::No);
    };
    let what = format!(
        "delivery {id} ({}, {})",
        event_of(&before),
        resource_of(&before)
    );
    match deliveries.replay(id).await.map_err(store_failed)? {
        Replay::Requeued => {
            output::print(&format!(
                "{what} was {}; it is pending again: {REPLAY_NEXT}\n",
                before.status
            ));
            Ok(Done::Yes)
        }
        Replay::RequeuedUnreadable { error } => {
            output::print(&format!(
                "{what} was {}; it is pending again, but this version still cannot read it \
                 ({error}): the handler's on_unreadable gets it again, and unless it handles \
                 it, it ends unreadable again\n",
                before.status
            ));
            Ok(Done::Yes)
        }
        Replay::AlreadyPending => {
            output::error(&format!(
                "{what} is pending already (waiting or in flight): nothing to replay"
            ));
            Ok(Done::No)
        }
        Replay::NotFound => {
            output::error(&format!("no delivery {id} in this inbox"));
            Ok(Done::No)
        }
        other => {
            output::print(&format!("{what}: {other:?}\n"));
            Ok(Done::Yes)
        }
    }
}

// ---------------------------------------------------------------------------------------
// purge
// ---------------------------------------------------------------------------------------

async fn purge(deliveries: &Deliveries, args: InboxPurgeArgs) -> Result<Done, Failure> {
    let age = spoken_age(args.older_than);
    if args.older_than < PURGE_FLOOR {
        output::warning(&format!(
            "keeping processed deliveries only {age}: StepPay may send one again, and a \
             purged delivery sent again is stored and processed anew (30 days is a sensible \
             floor)"
        ));
    }
    if !args.yes {
        let count = deliveries
            .count_purgeable(args.older_than)
            .await
            .map_err(store_failed)?;
        let them = if count == 1 { "it" } else { "them" };
        output::print(&format!(
            "would purge {count} processed or stale {} processed more than {age} ago; nothing \
             deleted: run again with --yes to delete {them}\n",
            noun(count)
        ));
        return Ok(Done::Yes);
    }
    let purged = deliveries
        .purge_processed(args.older_than)
        .await
        .map_err(store_failed)?;
    output::print(&format!(
        "purged {purged} processed or stale {} processed more than {age} ago\n",
        noun(purged)
    ));
    Ok(Done::Yes)
}

/// "delivery" or "deliveries", for `count` of them.
fn noun(count: u64) -> &'static str {
    if count == 1 {
        "delivery"
    } else {
        "deliveries"
    }
}

/// `30 days`, `12 hours`, `90 seconds`: the largest unit that divides the age.
fn spoken_age(age: Duration) -> String {
    let seconds = age.as_secs();
    let (count, unit) = [(86_400, "day"), (3_600, "hour"), (60, "minute")]
        .into_iter()
        .find(|(size, _)| seconds >= *size && seconds.is_multiple_of(*size))
        .map_or((seconds, "second"), |(size, unit)| (seconds / size, unit));
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_are_spoken_in_their_largest_unit() {
        assert_eq!(spoken_age(Duration::from_secs(30 * 86_400)), "30 days");
        assert_eq!(spoken_age(Duration::from_secs(86_400)), "1 day");
        assert_eq!(spoken_age(Duration::from_secs(36 * 3_600)), "36 hours");
        assert_eq!(spoken_age(Duration::from_secs(90)), "90 seconds");
        assert_eq!(spoken_age(Duration::from_secs(120)), "2 minutes");
        assert_eq!(spoken_age(Duration::ZERO), "0 seconds");
    }

    #[test]
    fn passwords_never_appear_in_a_shown_url() {
        assert_eq!(
            shown_url("postgres://steppay:s3cr3t@db.internal:5432/shop"),
            "postgres://steppay:***@db.internal:5432/shop"
        );
        assert_eq!(
            shown_url("postgres://steppay@db.internal/shop"),
            "postgres://steppay@db.internal/shop"
        );
        assert_eq!(
            shown_url("sqlite:/var/lib/shop/inbox.sqlite"),
            "sqlite:/var/lib/shop/inbox.sqlite"
        );
        assert_eq!(shown_url("inbox.sqlite"), "inbox.sqlite");
        // Not a URL with a host, but it may hold a password.
        assert_eq!(shown_url("steppay:s3cr3t@db.internal"), "the database URL");
        assert_eq!(shown_url("steppay@db.internal"), "the database URL");
    }

    #[test]
    fn long_errors_are_shortened_on_a_character_boundary() {
        assert_eq!(shortened("잔액이 부족합니다", 4), "잔액이…");
        assert_eq!(shortened("timeout", 7), "timeout");
    }
}
