//! How a command ends, and the exit status that says so (documented in `--help` and the
//! README).

use std::process::ExitCode;

/// The exit statuses, as `--help` shows them.
pub const EXIT_CODES_HELP: &str = "\
Exit status:
  0  done: the body was read, the delivery was answered 2xx, the signature verifies, the
     inbox command did what it says
  1  done, and the answer is no: not a StepPay webhook, a delivery answered other than 2xx,
     a signature that does not verify, no delivery with that id, a delivery to replay that
     is pending already
  2  usage: bad arguments, no key to sign or verify with, no inbox database
  3  unavailable: a file, the network, the address or the database could not be used";

/// A command that ran to its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    /// Status 0.
    Yes,
    /// Status 1: the command ran, and its answer is no.
    No,
}

/// A command that could not run.
#[derive(Debug)]
pub enum Failure {
    /// Status 2: bad arguments, no key, no inbox database.
    Usage(String),
    /// Status 3: a file, the network, the address or the database could not be used.
    Unavailable(String),
}

impl Failure {
    fn code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Unavailable(_) => 3,
        }
    }
}

/// The exit status of a command's result; a failure's message goes to standard error.
pub fn finish(result: Result<Done, Failure>) -> ExitCode {
    match result {
        Ok(Done::Yes) => ExitCode::SUCCESS,
        Ok(Done::No) => ExitCode::from(1),
        Err(failure) => {
            let (Failure::Usage(message) | Failure::Unavailable(message)) = &failure;
            crate::output::error(message);
            ExitCode::from(failure.code())
        }
    }
}
