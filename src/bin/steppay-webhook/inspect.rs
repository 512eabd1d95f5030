//! `inspect`: what a webhook body holds (the same code as the `inspect` example).

use crate::args::InspectArgs;
use crate::exit::{Done, Failure};
use crate::output;
use crate::report::{inspect, InspectError};

pub fn run(args: InspectArgs) -> Result<Done, Failure> {
    match inspect(args.file.as_deref()) {
        Ok(report) => {
            output::print(&output::table(&report));
            Ok(Done::Yes)
        }
        Err(InspectError::Unreadable(message)) => Err(Failure::Unavailable(message)),
        Err(InspectError::NotAWebhook(message)) => {
            output::error(&message);
            Ok(Done::No)
        }
    }
}
