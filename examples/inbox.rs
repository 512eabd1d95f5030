//! Operate a durable inbox from a terminal: list, show, replay and purge stored deliveries.
//!
//! ```text
//! cargo run --features sqlite,postgres --example inbox -- --db URL COMMAND
//!
//! URL:  sqlite:PATH  |  postgres://user:password@host/database  |  memory:
//!
//! COMMAND:
//!   list [--status pending|processed|stale|dead|unreadable] [--event NAME]
//!        [--resource KIND:ID] [--limit N]
//!   show ID [--body]                    one delivery (--body: also print its raw body)
//!   stats                               how many deliveries per status
//!   replay ID | --dead | --unreadable   make them pending again for the receivers' workers
//!   purge --older-than AGE              delete processed/stale ones older than AGE (30d, 12h, 45m)
//! ```
//!
//! Replays are picked up by the running receivers' workers (within their poll interval);
//! this tool never runs a handler itself. Everything it does is public API
//! (`inbox::connect`, `inbox::Deliveries`), so a tool of your own can do the same. Bodies hold personal data: `show` prints one only
//! when asked with `--body`.

use std::process::ExitCode;
use std::time::Duration;

use steppay_webhook::inbox::{
    connect, Deliveries, Delivery, DeliveryFilter, DeliveryId, DeliveryStatus, Replay,
    ReplaySelection,
};
use steppay_webhook::{Resource, ResourceKind};

const USAGE: &str =
    "usage: inbox --db URL (list [--status S] [--event NAME] [--resource KIND:ID] [--limit N] \
| show ID [--body] | stats | replay ID|--dead|--unreadable | purge --older-than AGE)";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &[String]) -> Result<(), String> {
    let [flag, url, command @ ..] = args else {
        return Err(USAGE.to_owned());
    };
    if flag != "--db" {
        return Err(USAGE.to_owned());
    }
    let store = connect(url).await.map_err(|e| e.to_string())?;
    let deliveries = Deliveries::new(store);
    match command {
        [cmd, options @ ..] if cmd == "list" => list(&deliveries, options).await,
        [cmd, id, options @ ..] if cmd == "show" => show(&deliveries, id, options).await,
        [cmd] if cmd == "stats" => stats(&deliveries).await,
        [cmd, what] if cmd == "replay" => replay(&deliveries, what).await,
        [cmd, flag, age] if cmd == "purge" && flag == "--older-than" => {
            let age = parse_age(age)?;
            let purged = deliveries
                .purge_processed(age)
                .await
                .map_err(|e| e.to_string())?;
            println!("purged {purged} processed or stale deliveries older than {age:?}");
            Ok(())
        }
        _ => Err(USAGE.to_owned()),
    }
}

async fn list(deliveries: &Deliveries, options: &[String]) -> Result<(), String> {
    let mut filter = DeliveryFilter::new();
    let mut options = options.iter();
    while let Some(option) = options.next() {
        let value = options
            .next()
            .ok_or_else(|| format!("{option} needs a value\n{USAGE}"))?;
        filter = match option.as_str() {
            "--status" => filter.status(value.parse().map_err(|e| format!("{e}"))?),
            "--event" => filter.event_name(value.clone()),
            "--resource" => {
                let (kind, id) = value
                    .split_once(':')
                    .ok_or("--resource takes KIND:ID, e.g. Subscription:90210")?;
                let kind: ResourceKind = kind.parse().unwrap_or_else(|never| match never {});
                filter.resource(Resource::new(kind, id))
            }
            "--limit" => filter.limit(value.parse().map_err(|_| "--limit takes a number")?),
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        };
    }
    let list = deliveries.list(&filter).await.map_err(|e| e.to_string())?;
    println!(
        "{:>8}  {:<10}  {:<38}  {:<28}  {:<20}  {:>3}  LAST ERROR",
        "ID", "STATUS", "EVENT", "RESOURCE", "AS OF", "TRY"
    );
    for d in &list {
        println!(
            "{:>8}  {:<10}  {:<38}  {:<28}  {:<20}  {:>3}  {}",
            d.id,
            status_of(d),
            d.event_name.as_deref().unwrap_or("-"),
            d.resource
                .as_ref()
                .map_or("-".to_owned(), ToString::to_string),
            d.as_of.map_or("-".to_owned(), |t| t
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()),
            d.attempts,
            d.last_error.as_deref().unwrap_or("")
        );
    }
    println!("({} shown)", list.len());
    Ok(())
}

/// The status, with "in flight" for a pending delivery a worker holds.
fn status_of(d: &Delivery) -> String {
    match (d.status, d.locked_until) {
        (DeliveryStatus::Pending, Some(until)) if until > chrono::Utc::now() => {
            "in flight".to_owned()
        }
        (status, _) => status.to_string(),
    }
}

async fn show(deliveries: &Deliveries, id: &str, options: &[String]) -> Result<(), String> {
    let id: DeliveryId = id.parse().map_err(|_| format!("not a delivery id: {id}"))?;
    let d = deliveries
        .get(id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no delivery {id}"))?;
    let time =
        |t: Option<chrono::DateTime<chrono::Utc>>| t.map_or("-".to_owned(), |t| t.to_rfc3339());
    println!("delivery            {}", d.id);
    println!("status              {}", status_of(&d));
    println!(
        "event               {}",
        d.event_name.as_deref().unwrap_or("-")
    );
    println!(
        "test delivery       {}",
        d.is_test.map_or("-".to_owned(), |t| t.to_string())
    );
    println!(
        "resource            {}",
        d.resource
            .as_ref()
            .map_or("-".to_owned(), ToString::to_string)
    );
    println!("as of               {}", time(d.as_of));
    println!("received            {}", d.received_at.to_rfc3339());
    println!("signature timestamp {}", d.signature_timestamp);
    println!("attempts            {}", d.attempts);
    println!("next attempt        {}", time(d.next_attempt_at));
    println!("leased until        {}", time(d.locked_until));
    println!("processed           {}", time(d.processed_at));
    println!("duplicates          {}", d.duplicates);
    println!("replays             {}", d.replays);
    println!(
        "last error          {}",
        d.last_error.as_deref().unwrap_or("-")
    );
    println!("fingerprint         {}", d.fingerprint);
    println!("body                {} bytes", d.body.len());
    if options.iter().any(|o| o == "--body") {
        println!("{}", String::from_utf8_lossy(&d.body));
    }
    Ok(())
}

async fn stats(deliveries: &Deliveries) -> Result<(), String> {
    let counts = deliveries
        .count_by_status()
        .await
        .map_err(|e| e.to_string())?;
    for status in DeliveryStatus::ALL {
        let n = counts
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |(_, n)| *n);
        println!("{:<10} {n}", status.as_str());
    }
    Ok(())
}

async fn replay(deliveries: &Deliveries, what: &str) -> Result<(), String> {
    let selection = match what {
        "--dead" => Some(ReplaySelection::Dead),
        "--unreadable" => Some(ReplaySelection::Unreadable),
        _ => None,
    };
    if let Some(selection) = selection {
        let summary = deliveries
            .replay_all(selection)
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "requeued {} (of which this version still cannot read {})",
            summary.requeued, summary.still_unreadable
        );
        return Ok(());
    }
    let id: DeliveryId = what
        .parse()
        .map_err(|_| format!("replay takes an id, --dead or --unreadable, not {what}"))?;
    match deliveries.replay(id).await.map_err(|e| e.to_string())? {
        Replay::Requeued => println!("delivery {id} is pending again"),
        Replay::RequeuedUnreadable { error } => println!(
            "delivery {id} is pending again; this version still cannot read it ({error}): \
             the handler's on_unreadable gets it again"
        ),
        Replay::AlreadyPending => println!("delivery {id} is pending already"),
        Replay::NotFound => return Err(format!("no delivery {id}")),
        other => println!("delivery {id}: {other:?}"),
    }
    Ok(())
}

/// `30d`, `12h`, `45m`, `10s`.
fn parse_age(text: &str) -> Result<Duration, String> {
    let error = || format!("not an age: {text} (use e.g. 30d, 12h, 45m, 10s)");
    let split = text.len().checked_sub(1).ok_or_else(error)?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| error())?;
    let seconds = match unit {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        _ => return Err(error()),
    };
    Ok(Duration::from_secs(number * seconds))
}
