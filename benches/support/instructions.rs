//! The bench binary's instruction-count mode, run under callgrind by `benches/callgrind.sh`:
//!
//! ```text
//! parse-<hash> --count-instructions <typed|value|naive> <corpus> <passes>
//! ```
//!
//! builds the corpora, parses the corpus once to warm up, then calls [`measured_passes`]
//! (the only function the script collects instructions in) for `passes` passes, and prints
//! `bodies=<n> bytes=<n> passes=<n>` so that the script can divide.

use std::hint::black_box;
use std::process::ExitCode;

use super::corpus::Corpora;
use super::Contestant;

/// The argument that selects this mode.
pub const FLAG: &str = "--count-instructions";

/// `passes` passes of `op` over `bodies`. Never inlined: callgrind's `--toggle-collect`
/// finds it by name.
#[inline(never)]
pub fn measured_passes(op: fn(&[u8]), bodies: &[&[u8]], passes: u32) {
    for _ in 0..passes {
        for body in bodies {
            op(black_box(body));
        }
    }
}

const USAGE: &str = "usage: --count-instructions <typed|value|naive> <compact-event-first|compact-data-first|pretty|order-200|compact-invalid> <passes>";

/// Runs the mode with the arguments after [`FLAG`]. Exit status 2 for bad arguments, 3 when
/// the contestant is not measured on the corpus (see [`Contestant::not_measured`]).
pub fn run(args: &[String]) -> ExitCode {
    let [contestant, corpus, passes] = args else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let Some(contestant) = Contestant::ALL
        .into_iter()
        .find(|c| c.short() == contestant)
    else {
        eprintln!("unknown parser {contestant:?}; {USAGE}");
        return ExitCode::from(2);
    };
    let Ok(passes) = passes.parse::<u32>() else {
        eprintln!("passes must be a number; {USAGE}");
        return ExitCode::from(2);
    };
    let corpora = Corpora::build();
    let Some(corpus) = corpora.get(corpus) else {
        eprintln!("unknown corpus {corpus:?}; {USAGE}");
        return ExitCode::from(2);
    };
    if let Some(reason) = contestant.not_measured(corpus) {
        println!("{}: {reason}", contestant.id());
        return ExitCode::from(3);
    }
    let bodies = corpus.slices();
    warm_up(contestant.op(), &bodies);
    measured_passes(contestant.op(), &bodies, passes);
    println!(
        "bodies={} bytes={} passes={passes}",
        bodies.len(),
        corpus.bytes()
    );
    ExitCode::SUCCESS
}

/// One pass outside the collected function: first-use costs (allocator growth, lazy
/// statics) stay out of the count.
fn warm_up(op: fn(&[u8]), bodies: &[&[u8]]) {
    for body in bodies {
        op(black_box(body));
    }
}
