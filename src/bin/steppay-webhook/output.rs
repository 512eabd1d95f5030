//! Writing to the terminal: tables and messages styled with `anstyle`, written through
//! `anstream`, which drops the styles where no terminal is attached (piped output, a file),
//! where `NO_COLOR` is set, or with `--color never`.

use std::io::Write as _;

use anstyle::{AnsiColor, Style};

use crate::args::ColorWhen;
use crate::report::{Report, Tone};

/// Applies `--color` to every stream written through `anstream`.
pub fn set_color(when: ColorWhen) {
    let choice = match when {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

const LABEL: Style = Style::new().dimmed();
const HEADING: Style = Style::new().bold();

fn style(tone: Tone) -> Style {
    match tone {
        Tone::Plain => Style::new(),
        Tone::Event => Style::new().bold().fg_color(Some(AnsiColor::Cyan.into())),
        Tone::Good => Style::new().fg_color(Some(AnsiColor::Green.into())),
        Tone::Warn => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        Tone::Bad => Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
        Tone::Dim => Style::new().dimmed(),
    }
}

/// `text` in `style` (the escape codes are dropped on the way out where colour is off).
pub fn paint(text: &str, style: Style) -> String {
    format!("{style}{text}{style:#}")
}

/// `text` in the style of `tone`.
pub fn toned(text: &str, tone: Tone) -> String {
    paint(text, style(tone))
}

/// `text` as a heading.
pub fn heading(text: &str) -> String {
    paint(text, HEADING)
}

/// The report as a table: labels dimmed and padded to one width, values in their tone.
pub fn table(report: &Report) -> String {
    let width = report.label_width();
    let mut out = String::new();
    for row in &report.rows {
        let label = format!("{:<width$}", row.label);
        out.push_str(&format!(
            "{}  {}\n",
            paint(&label, LABEL),
            toned(&row.value, row.tone)
        ));
    }
    out
}

/// Writes `text` to standard output at once (so that concurrent deliveries do not mix
/// their lines) and flushes it.
pub fn print(text: &str) {
    let mut out = anstream::stdout().lock();
    // Nothing sensible is left to do when standard output is gone.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// `error: message` on standard error.
pub fn error(message: &str) {
    let mut err = anstream::stderr().lock();
    let label = paint("error:", style(Tone::Bad));
    let _ = writeln!(err, "{label} {message}");
}

/// `warning: message` on standard error.
pub fn warning(message: &str) {
    let mut err = anstream::stderr().lock();
    let label = paint("warning:", style(Tone::Warn));
    let _ = writeln!(err, "{label} {message}");
}
