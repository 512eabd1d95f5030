//! Reads a StepPay webhook body (v2, or an unsigned v1 notification) and prints its event
//! type and its ids, amounts and statuses.
//!
//! ```text
//! cargo run --example inspect                          # a bundled sample
//! cargo run --example inspect -- body.json             # a file
//! curl -s ... | cargo run --example inspect -- -       # standard input
//! ```
//!
//! Exits with status 1 and a clear message when the body is not a StepPay webhook. The
//! installable tool does the same (`steppay-webhook inspect`, feature `cli`), with the same
//! code: this example includes the tool's `report` module.

#[allow(dead_code)] // the tool uses more of it than this example
#[path = "../src/bin/steppay-webhook/report.rs"]
mod report;

use std::process::ExitCode;

fn main() -> ExitCode {
    let arg = std::env::args().nth(1);
    if let Some("-h" | "--help") = arg.as_deref() {
        eprintln!("usage: inspect [FILE | -]  (no argument: bundled sample)");
        return ExitCode::FAILURE;
    }
    match report::inspect(arg.as_deref()) {
        Ok(report) => {
            print!("{}", report.plain());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
