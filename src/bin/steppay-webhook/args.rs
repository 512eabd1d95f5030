//! The command line: every subcommand, option and default, and the help text.

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use steppay_webhook::EventType;

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
