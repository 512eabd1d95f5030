//! `steppay-webhook`, the command-line tool (feature `cli`):
//!
//! ```text
//! steppay-webhook inspect [FILE|-]
//! steppay-webhook trigger <EVENT_TYPE> [--url URL] [--secret KEY | --dev-key] [--print] [--test]
//! steppay-webhook trigger --list
//! steppay-webhook listen [--addr ADDR] [--path PATH] [--secret KEY | --dev-key]
//!                        [--forward-to URL] [--forward-secret KEY]
//! steppay-webhook verify --header HEADER [--secret KEY | --dev-key] [FILE|-]
//! ```
//!
//! Each subcommand is a module with a `run` function returning a [`exit::Done`] or an
//! [`exit::Failure`]; `main` only parses the command line and turns the result into the exit
//! status. Subcommands for the durable inbox (`inbox list|show|replay|purge`) will join
//! `args::Command` behind the inbox features.

mod args;
mod exit;
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
