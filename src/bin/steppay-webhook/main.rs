//! `steppay-webhook`, the command-line tool (feature `cli`):
//!
//! ```text
//! steppay-webhook inspect [FILE|-]
//! steppay-webhook trigger <EVENT_TYPE> [--url URL] [--secret KEY | --dev-key] [--print] [--test]
//! steppay-webhook trigger --list
//! steppay-webhook listen [--addr ADDR] [--path PATH] [--secret KEY | --dev-key]
//!                        [--forward-to URL] [--forward-secret KEY]
//! steppay-webhook verify --header HEADER [--secret KEY | --dev-key] [FILE|-]
//!
//! # built with the inbox (`--features cli,sqlite` and/or `cli,postgres`):
//! steppay-webhook inbox list [--status S] [--event EVENT_TYPE] [--resource KIND:ID] [--limit N]
//! steppay-webhook inbox show ID [--body]
//! steppay-webhook inbox stats
//! steppay-webhook inbox replay ID | --dead | --unreadable
//! steppay-webhook inbox purge --older-than AGE [--yes]
//! #   each with --db URL, or STEPPAY_INBOX_DB in the environment
//! ```
//!
//! Each subcommand is a module with a `run` function returning a [`exit::Done`] or an
//! [`exit::Failure`]; `main` only parses the command line and turns the result into the exit
//! status. Without the inbox features, `inbox` says how to install a tool that has it.

mod args;
mod exit;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod inbox;
mod inspect;
mod keys;
mod listen;
mod net;
mod output;
mod report;
mod trigger;
mod verify;

use std::future::Future;
use std::process::ExitCode;

use clap::Parser as _;

use crate::args::{Cli, Command};
use crate::exit::{Done, Failure};

fn main() -> ExitCode {
    let cli = Cli::parse();
    output::set_color(cli.color);
    let result = match cli.command {
        Command::Inspect(args) => inspect::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Trigger(args) => block_on(trigger::run(args)),
        Command::Listen(args) => block_on(listen::run(args)),
        #[cfg(any(feature = "sqlite", feature = "postgres"))]
        Command::Inbox(args) => block_on(inbox::run(args)),
        #[cfg(not(any(feature = "sqlite", feature = "postgres")))]
        Command::Inbox(_) => Err(Failure::Usage(
            "this steppay-webhook was built without the inbox: install it with `cargo install \
             steppay-webhook --features cli,sqlite` (SQLite) or `--features cli,postgres` \
             (PostgreSQL)"
                .to_owned(),
        )),
    };
    exit::finish(result)
}

/// Runs a command that needs the network on a single-threaded tokio runtime.
fn block_on(command: impl Future<Output = Result<Done, Failure>>) -> Result<Done, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Unavailable(format!("cannot start the async runtime: {e}")))?
        .block_on(command)
}
