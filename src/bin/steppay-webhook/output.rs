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

#[cfg(any(feature = "sqlite", feature = "postgres"))]
/// A column of a [`columns`] table.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub heading: &'static str,
    /// Numbers are right-aligned.
    pub right_aligned: bool,
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
impl Column {
    pub const fn left(heading: &'static str) -> Self {
        Self {
            heading,
            right_aligned: false,
        }
    }

    pub const fn right(heading: &'static str) -> Self {
        Self {
            heading,
            right_aligned: true,
        }
    }
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
/// Rows under a line of headings, each column padded to its widest value: headings bold,
/// values in their tone, control characters shown escaped. The padding is outside the
/// styles and lines end without spaces, so piped output is plain, aligned text.
pub fn columns(columns: &[Column], rows: Vec<Vec<(String, Tone)>>) -> String {
    let rows: Vec<Vec<(String, Tone)>> = rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|(text, tone)| (crate::report::printable(text), tone))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            rows.iter()
                .filter_map(|row| row.get(index))
                .map(|(text, _)| text.chars().count())
                .chain([column.heading.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = line(
        columns,
        &widths,
        columns.iter().map(|column| (column.heading, HEADING)),
    );
    for row in &rows {
        out.push_str(&line(
            columns,
            &widths,
            row.iter().map(|(text, tone)| (text.as_str(), style(*tone))),
        ));
    }
    out
}

#[cfg(any(feature = "sqlite", feature = "postgres"))]
/// One line of a [`columns`] table.
fn line<'a>(
    columns: &[Column],
    widths: &[usize],
    cells: impl Iterator<Item = (&'a str, Style)>,
) -> String {
    let mut out = String::new();
    for (index, ((column, width), (text, style))) in
        columns.iter().zip(widths).zip(cells).enumerate()
    {
        if index > 0 {
            out.push_str("  ");
        }
        let padding = " ".repeat(width.saturating_sub(text.chars().count()));
        let text = if text.is_empty() {
            String::new()
        } else {
            paint(text, style)
        };
        if column.right_aligned {
            out.push_str(&padding);
            out.push_str(&text);
        } else {
            out.push_str(&text);
            out.push_str(&padding);
        }
    }
    let end = out.trim_end().len();
    out.truncate(end);
    out.push('\n');
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
