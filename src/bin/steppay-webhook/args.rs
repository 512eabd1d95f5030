//! The command line: every subcommand, option and default, and the help text.

use std::path::PathBuf;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
use std::time::Duration;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
use steppay_webhook::inbox::{DeliveryId, DeliveryStatus};
use steppay_webhook::EventType;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
use steppay_webhook::{Resource, ResourceKind};

use crate::exit::EXIT_CODES_HELP;

/// Where `trigger` sends and `listen` receives unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";
pub const DEFAULT_PATH: &str = "/webhooks/steppay";
pub const DEFAULT_URL: &str = "http://127.0.0.1:3000/webhooks/steppay";

/// StepPay webhooks on your machine: send realistic signed deliveries to your receiver,
/// receive and show them, check captured ones.
#[derive(Debug, Parser)]
#[command(name = "steppay-webhook", version, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// When to use colour: `auto` (where a terminal is attached and NO_COLOR is not set),
    /// `always` or `never`.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorWhen,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what a webhook body holds: event, ids, amounts, statuses (v2, or v1).
    #[command(after_help = EXIT_CODES_HELP)]
    Inspect(InspectArgs),
    /// Send a realistic, freshly signed delivery of any event type to a receiver.
    #[command(after_help = EXIT_CODES_HELP)]
    Trigger(TriggerArgs),
    /// Receive deliveries locally: verify each, show it, and optionally forward it.
    #[command(after_help = EXIT_CODES_HELP)]
    Listen(ListenArgs),
    /// Check whether a captured delivery verifies, and exactly why not.
    #[command(after_help = EXIT_CODES_HELP)]
    Verify(VerifyArgs),
    /// Operate your receivers' durable inbox: list, show, count, replay and purge stored
    /// deliveries.
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    #[command(after_help = EXIT_CODES_HELP)]
    Inbox(InboxArgs),
    /// Not in this build: says how to install a tool with the inbox.
    #[cfg(not(any(feature = "sqlite", feature = "postgres")))]
    #[command(hide = true, disable_help_flag = true)]
    Inbox(NoInboxArgs),
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The body: a file, or `-` for standard input. Without it, piped standard input, or a
    /// bundled `order.created` sample.
    #[arg(value_name = "FILE|-")]
    pub file: Option<String>,
}

/// The key to sign or verify with.
#[derive(Debug, Args)]
pub struct KeyArgs {
    /// The webhook's verification key, from its page in the StepPay portal. Default: the
    /// STEPPAY_WEBHOOK_SECRET environment variable (safer: a key on the command line is
    /// kept in your shell history).
    #[arg(long, value_name = "KEY", conflicts_with = "dev_key")]
    pub secret: Option<String>,

    /// Use the development-only key that the crate's example receivers accept with their
    /// own `--dev-key`. It is published: never use it in production.
    #[arg(long)]
    pub dev_key: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["event", "list"]))]
pub struct TriggerArgs {
    /// The event type to send, e.g. `payment.failed` (`--list` shows all 27).
    #[arg(
        value_name = "EVENT_TYPE",
        value_parser = event_type_parser(),
        hide_possible_values = true
    )]
    pub event: Option<String>,

    /// List the event types and the data each carries, and exit.
    #[arg(long)]
    pub list: bool,

    /// Where to POST the delivery (plain HTTP).
    #[arg(long, value_name = "URL", default_value = DEFAULT_URL)]
    pub url: String,

    #[command(flatten)]
    pub key: KeyArgs,

    /// Print the request (headers and body) instead of sending it.
    #[arg(long)]
    pub print: bool,

    /// Mark the delivery as one of StepPay's test mode (`"isTest": true`).
    #[arg(long)]
    pub test: bool,
}

impl TriggerArgs {
    /// The event type asked for (clap accepts only the 27 wire names).
    pub fn event_type(&self) -> Option<EventType> {
        self.event.as_deref().and_then(|name| name.parse().ok())
    }
}

fn event_type_parser() -> PossibleValuesParser {
    PossibleValuesParser::new(EventType::iter().map(EventType::as_str))
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// The address to listen on; port 0 picks a free port (the first line printed is the
    /// URL).
    #[arg(long, value_name = "ADDR", default_value = DEFAULT_ADDR)]
    pub addr: String,

    /// The path to receive deliveries on.
    #[arg(long, value_name = "PATH", default_value = DEFAULT_PATH)]
    pub path: String,

    #[command(flatten)]
    pub key: KeyArgs,

    /// Forward each verified delivery, signed afresh, to your receiver at this URL (plain
    /// HTTP), and answer with its answer. v1 bodies are forwarded as they came.
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,

    /// The key to sign forwarded deliveries with. Default: the key deliveries are verified
    /// with.
    #[arg(long, value_name = "KEY", requires = "forward_to")]
    pub forward_secret: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The `Steppay-Signature` header's value (`timestamp=...,key=...`), or the whole
    /// header line.
    #[arg(long, value_name = "HEADER")]
    pub header: String,

    #[command(flatten)]
    pub key: KeyArgs,

    /// The body exactly as received: a file, or `-` for standard input.
    #[arg(value_name = "FILE|-", default_value = "-")]
    pub file: PathBuf,

    /// The replay window in seconds, either way.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 300,
        conflicts_with = "no_timestamp_check"
    )]
    pub tolerance: u64,

    /// Check the signature only, not the timestamp's age (for a delivery captured earlier).
    #[arg(long)]
    pub no_timestamp_check: bool,

    /// Check as of this Unix time instead of now.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub at: Option<i64>,
}

/// The environment variable that names the inbox's database.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub const INBOX_DB_ENV: &str = "STEPPAY_INBOX_DB";

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[derive(Debug, Args)]
pub struct InboxArgs {
    /// The inbox's database, as your receivers open it: `sqlite:PATH` (an existing file), or
    /// `postgres://user:password@host/database` (with `?options[search_path]=SCHEMA` when
    /// its tables are in a schema of their own). Default: the STEPPAY_INBOX_DB environment
    /// variable (safer for a password: a URL on the command line is kept in your shell
    /// history).
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = INBOX_DB_ENV,
        hide_env_values = true
    )]
    pub db: Option<String>,

    #[command(subcommand)]
    pub command: InboxCommand,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[derive(Debug, Subcommand)]
pub enum InboxCommand {
    /// List stored deliveries, newest first: id, status, event, resource, when received,
    /// attempts and last error.
    #[command(after_help = EXIT_CODES_HELP)]
    List(InboxListArgs),
    /// Show one delivery: where it stands, and what its body holds (no personal data; the
    /// raw body only with --body).
    #[command(after_help = EXIT_CODES_HELP)]
    Show(InboxShowArgs),
    /// How many deliveries have each status.
    #[command(after_help = EXIT_CODES_HELP)]
    Stats,
    /// Make deliveries pending again, for your receivers' workers to process as replays
    /// (without checking the signature or the clock again: both were checked on arrival).
    #[command(after_help = EXIT_CODES_HELP)]
    Replay(InboxReplayArgs),
    /// Delete processed and stale deliveries processed longer ago than an age (never
    /// pending, dead or unreadable ones): without --yes, only say how many it would delete.
    #[command(after_help = EXIT_CODES_HELP)]
    Purge(InboxPurgeArgs),
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[derive(Debug, Args)]
pub struct InboxListArgs {
    /// Only deliveries with this status.
    #[arg(long, value_name = "STATUS", value_parser = status_parser())]
    pub status: Option<DeliveryStatus>,

    /// Only deliveries of this event type (its wire name, e.g. `payment.failed`).
    #[arg(long, value_name = "EVENT_TYPE")]
    pub event: Option<String>,

    /// Only deliveries about this resource: `KIND:ID`, e.g. `Subscription:90210`,
    /// `Payment:781204`, `Product:product_2Xb8` (kinds: Order, Subscription,
    /// SubscriptionItem, Invoice, Payment, Customer, Product, Price, Cover).
    #[arg(long, value_name = "KIND:ID", value_parser = parse_resource)]
    pub resource: Option<Resource>,

    /// At most this many deliveries.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 100,
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub limit: u32,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[derive(Debug, Args)]
pub struct InboxShowArgs {
    /// The delivery's id (the first column of `inbox list`).
    #[arg(value_name = "ID")]
    pub id: DeliveryId,

    /// Print the raw body instead, byte for byte as received (it holds personal data): pipe
    /// it to a file, or to `steppay-webhook inspect -`.
    #[arg(long)]
    pub body: bool,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["id", "dead", "unreadable"]))]
pub struct InboxReplayArgs {
    /// The delivery to replay: dead, unreadable, processed or stale (not pending).
    #[arg(value_name = "ID")]
    pub id: Option<DeliveryId>,

    /// Every dead delivery (its handler failed on every allowed attempt), oldest first.
    #[arg(long)]
    pub dead: bool,

    /// Every unreadable delivery, each read again by this version of the crate first.
    #[arg(long)]
    pub unreadable: bool,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[derive(Debug, Args)]
pub struct InboxPurgeArgs {
    /// How long ago a delivery must have been processed to be deleted: a number and `d`,
    /// `h`, `m` or `s` (`30d`, `12h`). Keep them as long as StepPay may send them again:
    /// a purged delivery sent again is stored anew.
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    pub older_than: Duration,

    /// Delete them. Without it, purge deletes nothing and says how many it would delete.
    #[arg(long)]
    pub yes: bool,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
fn status_parser() -> impl clap::builder::TypedValueParser<Value = DeliveryStatus> {
    use clap::builder::TypedValueParser as _;
    PossibleValuesParser::new(DeliveryStatus::ALL.map(DeliveryStatus::as_str))
        .try_map(|name| name.parse::<DeliveryStatus>())
}

/// The kinds of resource `--resource` takes, as `ResourceKind` names them.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub const RESOURCE_KINDS: [&str; 9] = [
    "Order",
    "Subscription",
    "SubscriptionItem",
    "Invoice",
    "Payment",
    "Customer",
    "Product",
    "Price",
    "Cover",
];

/// `KIND:ID` (or `KIND ID`, as `inbox list` shows it), the kind in any case.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub fn parse_resource(text: &str) -> Result<Resource, String> {
    let (kind, id) = text
        .split_once(':')
        .or_else(|| text.split_once(' '))
        .ok_or_else(|| {
            format!("{text:?} is not KIND:ID (e.g. Subscription:90210, Payment:781204)")
        })?;
    let (kind, id) = (kind.trim(), id.trim());
    let kind = RESOURCE_KINDS
        .iter()
        .find(|name| name.eq_ignore_ascii_case(kind))
        .ok_or_else(|| {
            format!(
                "unknown resource kind {kind:?} (one of {})",
                RESOURCE_KINDS.join(", ")
            )
        })?;
    if id.is_empty() {
        return Err(format!("{text:?} has no id after the kind"));
    }
    let kind: ResourceKind = kind.parse().unwrap_or_else(|never| match never {});
    Ok(Resource::new(kind, id))
}

/// `30d`, `12h`, `45m`, `90s`.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub fn parse_age(text: &str) -> Result<Duration, String> {
    let error = || format!("not an age: {text:?} (a number and d, h, m or s: 30d, 12h, 45m)");
    let unit_at = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(error)?;
    let (number, unit) = text.split_at_checked(unit_at).ok_or_else(error)?;
    let number: u64 = number.parse().map_err(|_| error())?;
    let seconds: u64 = match unit {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        _ => return Err(error()),
    };
    number
        .checked_mul(seconds)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("{text:?} is too long an age"))
}

/// Whatever follows `inbox` in a build without the inbox.
#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
#[derive(Debug, Args)]
pub struct NoInboxArgs {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    pub rest: Vec<String>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_event_type_is_accepted_and_only_those() {
        for kind in EventType::iter() {
            let cli = Cli::try_parse_from(["steppay-webhook", "trigger", kind.as_str()]).unwrap();
            let Command::Trigger(args) = cli.command else {
                panic!("not trigger")
            };
            assert_eq!(args.event_type(), Some(kind));
        }
        let error = Cli::try_parse_from(["steppay-webhook", "trigger", "payment.faild"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("payment.failed"), "no suggestion: {error}");
    }

    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    #[test]
    fn resources_are_kind_and_id_and_every_kind_is_known() {
        for kind in RESOURCE_KINDS {
            let parsed: ResourceKind = kind.parse().unwrap();
            assert!(!matches!(parsed, ResourceKind::Other(_)), "{kind}");
            assert_eq!(parsed.as_str(), kind);
        }
        let payment = Resource::new(ResourceKind::Payment, "781204");
        assert_eq!(parse_resource("Payment:781204"), Ok(payment.clone()));
        assert_eq!(parse_resource("payment:781204"), Ok(payment.clone()));
        assert_eq!(parse_resource("Payment 781204"), Ok(payment));
        assert_eq!(
            parse_resource("SubscriptionItem:3301"),
            Ok(Resource::new(ResourceKind::SubscriptionItem, "3301"))
        );
        assert_eq!(
            parse_resource("Product:product_2Xb8:v2"),
            Ok(Resource::new(ResourceKind::Product, "product_2Xb8:v2"))
        );
        assert!(parse_resource("781204")
            .unwrap_err()
            .contains("not KIND:ID"));
        assert!(parse_resource("Payment:").unwrap_err().contains("no id"));
        assert!(parse_resource("Refund:1")
            .unwrap_err()
            .starts_with("unknown resource kind \"Refund\""));
    }

    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    #[test]
    fn ages_are_a_number_and_a_unit() {
        assert_eq!(parse_age("30d"), Ok(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse_age("12h"), Ok(Duration::from_secs(12 * 3_600)));
        assert_eq!(parse_age("45m"), Ok(Duration::from_secs(45 * 60)));
        assert_eq!(parse_age("0s"), Ok(Duration::ZERO));
        for bad in [
            "", "30", "d", "30 d", "-1d", "1.5d", "30D", "30days", "3０d",
        ] {
            assert!(parse_age(bad).is_err(), "{bad:?}");
        }
        assert!(parse_age("999999999999999d")
            .unwrap_err()
            .contains("too long"));
    }

    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    #[test]
    fn replay_takes_exactly_one_target() {
        let parse = |args: &[&str]| {
            Cli::try_parse_from(["steppay-webhook", "inbox", "replay"].iter().chain(args))
        };
        assert!(parse(&["7"]).is_ok());
        assert!(parse(&["--dead"]).is_ok());
        assert!(parse(&["--unreadable"]).is_ok());
        assert!(parse(&[]).is_err());
        assert!(parse(&["7", "--dead"]).is_err());
        assert!(parse(&["--dead", "--unreadable"]).is_err());
    }

    #[test]
    fn trigger_needs_an_event_type_or_list() {
        assert!(Cli::try_parse_from(["steppay-webhook", "trigger"]).is_err());
        assert!(Cli::try_parse_from(["steppay-webhook", "trigger", "--list"]).is_ok());
        assert!(Cli::try_parse_from([
            "steppay-webhook",
            "trigger",
            "--secret",
            "k",
            "--dev-key",
            "order.created"
        ])
        .is_err());
    }
}
