//! [`DateTime`]: StepPay's date-time values, kept exactly as they came over the wire.

use std::fmt;
use std::str::FromStr;

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Korea Standard Time, UTC+9, for explicit use only.
///
/// Nothing in this crate applies it on its own: offset-less values are read as UTC (see
/// [`DateTime`]). Pass it where you mean it: [`DateTime::to_utc_assuming`]`(KST)` for a store
/// whose StepPay time-zone setting is Seoul, or `instant.with_timezone(&KST)` to show an
/// instant on a Korean clock.
///
/// ```
/// use steppay_webhook::{DateTime, KST};
///
/// let paid_at: DateTime = "2023-08-02T02:33:39".parse()?;
/// // The instant (read as UTC by default), shown on a Korean clock.
/// assert_eq!(paid_at.to_utc().with_timezone(&KST).to_rfc3339(), "2023-08-02T11:33:39+09:00");
/// # Ok::<(), steppay_webhook::DateTimeParseError>(())
/// ```
pub const KST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    None => unreachable!(),
};

/// UTC as a fixed offset: what offset-less values are read in by default.
const UTC_OFFSET: FixedOffset = match FixedOffset::east_opt(0) {
    Some(offset) => offset,
    None => unreachable!(),
};

/// A date-time read from a StepPay webhook.
///
/// StepPay usually sends date-times with no offset and a variable number of fractional
/// digits (`2023-09-13T09:07:55`, `2023-09-13T08:39:53.50896`), sometimes with `Z`
/// (`2023-08-01T15:00:00Z`), and uses `9999-01-01T00:00:00` as a "never" sentinel. This type
/// accepts all of those plus an explicit offset (`+09:00`), keeps the wall-clock value, the
/// offset as sent and the number of fractional digits, and writes the same text back when
/// serialized.
///
/// # Time zone
///
/// StepPay does not document the zone of offset-less values. The evidence says **UTC**, so
/// that is the default of [`to_utc`](Self::to_utc) and [`to_fixed_offset`](Self::to_fixed_offset):
///
/// - StepPay's envelope example has `timestamp` 1688697915 (2023-07-07T02:45:15Z) and goes
///   with its Usage example recorded at `2023-07-07T02:38:47`: six minutes before sending if
///   that is UTC, nine hours before if it were KST.
/// - The objects in StepPay's developer-guide API examples were created on 2023-06-19
///   between `01:45:42` and `06:19:55`: 10:45 to 15:19 in Seoul if that is UTC, but between
///   01:45 and 06:19 at night if it were KST.
/// - The StepPay portal has a per-store time-zone setting, so no single zone can be assumed.
///
/// If your store's setting is not UTC, say so on each call:
/// [`to_utc_assuming`](Self::to_utc_assuming) and [`assume_offset`](Self::assume_offset) read
/// offset-less values at the offset you give. Values that carry `Z` or an offset always use
/// their own. [`naive`](Self::naive) gives the wall-clock value with no assumption. Nothing in
/// this crate assumes +09:00.
///
/// Equality compares the wall-clock value and the offset as sent, not how many fractional
/// digits were written: `09:00:00` equals `09:00:00.000`.
///
/// # Examples
///
/// ```
/// use steppay_webhook::{DateTime, KST};
///
/// let recorded: DateTime = "2023-07-07T02:38:47".parse()?;
/// assert_eq!(recorded.to_string(), "2023-07-07T02:38:47");
/// // Offset-less: UTC by default.
/// assert_eq!(recorded.to_utc().to_rfc3339(), "2023-07-07T02:38:47+00:00");
/// // A store whose time-zone setting is Seoul: the same wall-clock value is 9 hours earlier.
/// assert_eq!(recorded.to_utc_assuming(KST).to_rfc3339(), "2023-07-06T17:38:47+00:00");
/// assert_eq!(recorded.assume_offset(KST).to_rfc3339(), "2023-07-07T02:38:47+09:00");
///
/// // An explicit offset always wins.
/// let sent: DateTime = "2023-08-01T15:00:00Z".parse()?;
/// assert_eq!(sent.to_utc_assuming(KST).to_rfc3339(), "2023-08-01T15:00:00+00:00");
///
/// let never: DateTime = "9999-01-01T00:00:00".parse()?;
/// assert!(never.is_never());
/// # Ok::<(), steppay_webhook::DateTimeParseError>(())
/// ```
#[derive(Clone, Copy)]
pub struct DateTime {
    naive: NaiveDateTime,
    offset: WireOffset,
    fraction_digits: u8,
}

/// How the offset was written on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum WireOffset {
    /// No offset: a local date-time (StepPay's usual form).
    None,
    /// `Z`.
    Utc,
    /// `+HH:MM` / `-HH:MM`.
    Fixed(FixedOffset),
}

/// The error returned when a string is not a date-time StepPay sends.
///
/// # Examples
///
/// ```
/// use steppay_webhook::DateTime;
///
/// let err = "2026-13-45T99:00:00".parse::<DateTime>().unwrap_err();
/// assert!(err.to_string().contains("2026-13-45T99:00:00"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date-time {input:?}: {reason}")]
pub struct DateTimeParseError {
    input: String,
    reason: &'static str,
}

impl DateTimeParseError {
    fn new(input: &str, reason: &'static str) -> Self {
        // Keep error messages short even for garbage input.
        let input = input.chars().take(64).collect();
        Self { input, reason }
    }
}

impl DateTime {
    /// A date-time with no offset, written without fractional digits unless it has
    /// sub-second precision (then with as many digits as needed).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use steppay_webhook::DateTime;
    ///
    /// let naive = NaiveDate::from_ymd_opt(2026, 11, 12).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// assert_eq!(DateTime::from_naive(naive).to_string(), "2026-11-12T09:00:00");
    /// ```
    pub fn from_naive(naive: NaiveDateTime) -> Self {
        Self {
            naive,
            offset: WireOffset::None,
            fraction_digits: minimal_fraction_digits(naive.and_utc().timestamp_subsec_nanos()),
        }
    }

    /// A date-time with an explicit offset (written `Z` when the offset is zero).
    pub fn from_fixed_offset(value: chrono::DateTime<FixedOffset>) -> Self {
        let offset = if value.offset().local_minus_utc() == 0 {
            WireOffset::Utc
        } else {
            WireOffset::Fixed(*value.offset())
        };
        let naive = value.naive_local();
        Self {
            naive,
            offset,
            fraction_digits: minimal_fraction_digits(naive.and_utc().timestamp_subsec_nanos()),
        }
    }

    /// The wall-clock value as sent, without any time-zone assumption.
    pub fn naive(&self) -> NaiveDateTime {
        self.naive
    }

    /// The offset written on the wire, or `None` for StepPay's usual offset-less form.
    /// `Z` reads as an offset of zero.
    pub fn offset(&self) -> Option<FixedOffset> {
        match self.offset {
            WireOffset::None => None,
            WireOffset::Utc => FixedOffset::east_opt(0),
            WireOffset::Fixed(offset) => Some(offset),
        }
    }

    /// The value with its offset: the one sent, or UTC (`+00:00`) when none was sent.
    ///
    /// Same as [`assume_offset`](Self::assume_offset) with an offset of zero.
    pub fn to_fixed_offset(&self) -> chrono::DateTime<FixedOffset> {
        self.assume_offset(UTC_OFFSET)
    }

    /// The value with its offset: the one sent, or `offset` when none was sent.
    ///
    /// Use it when your store's StepPay time-zone setting is not UTC: offset-less values are
    /// then wall-clock times at that offset. Values sent with `Z` or an offset keep theirs.
    ///
    /// ```
    /// use chrono::FixedOffset;
    /// use steppay_webhook::DateTime;
    ///
    /// let due: DateTime = "2026-12-12T09:00:00".parse()?;
    /// let seoul = FixedOffset::east_opt(9 * 3600).unwrap();
    /// assert_eq!(due.assume_offset(seoul).to_rfc3339(), "2026-12-12T09:00:00+09:00");
    /// # Ok::<(), steppay_webhook::DateTimeParseError>(())
    /// ```
    pub fn assume_offset(&self, offset: FixedOffset) -> chrono::DateTime<FixedOffset> {
        let offset = self.offset().unwrap_or(offset);
        offset.from_utc_datetime(&(self.naive - offset))
    }

    /// The same instant in UTC. Offset-less values are read as UTC (see the
    /// [type's documentation](Self#time-zone) for why).
    ///
    /// ```
    /// use steppay_webhook::DateTime;
    ///
    /// let recorded: DateTime = "2023-07-07T02:38:47".parse()?;
    /// assert_eq!(recorded.to_utc().to_rfc3339(), "2023-07-07T02:38:47+00:00");
    /// # Ok::<(), steppay_webhook::DateTimeParseError>(())
    /// ```
    pub fn to_utc(&self) -> chrono::DateTime<Utc> {
        self.to_fixed_offset().with_timezone(&Utc)
    }

    /// The same instant in UTC, reading an offset-less value as a wall-clock time at
    /// `offset` (values sent with `Z` or an offset keep theirs).
    ///
    /// ```
    /// use steppay_webhook::{DateTime, KST};
    ///
    /// let recorded: DateTime = "2023-07-07T02:38:47".parse()?;
    /// assert_eq!(recorded.to_utc_assuming(KST).to_rfc3339(), "2023-07-06T17:38:47+00:00");
    /// # Ok::<(), steppay_webhook::DateTimeParseError>(())
    /// ```
    pub fn to_utc_assuming(&self, offset: FixedOffset) -> chrono::DateTime<Utc> {
        self.assume_offset(offset).with_timezone(&Utc)
    }

    /// Whether this is StepPay's "never" sentinel (`9999-01-01T00:00:00` and later).
    pub fn is_never(&self) -> bool {
        use chrono::Datelike;
        self.naive.year() >= 9999
    }

    /// How many fractional-second digits the value was written with (0 to 9).
    pub fn fraction_digits(&self) -> u8 {
        self.fraction_digits
    }

    fn parse_wire(input: &str) -> Result<Self, DateTimeParseError> {
        let err = |reason| DateTimeParseError::new(input, reason);
        let bytes = input.as_bytes();
        // `YYYY-MM-DDTHH:MM:SS` is 19 ASCII bytes; check ASCII before slicing so that
        // multi-byte input can never split a character.
        if bytes.len() < 19 || !bytes[..19].is_ascii() {
            return Err(err("expected YYYY-MM-DDTHH:MM:SS"));
        }
        if bytes[4] != b'-' || bytes[7] != b'-' || bytes[13] != b':' || bytes[16] != b':' {
            return Err(err("expected YYYY-MM-DDTHH:MM:SS"));
        }
        if bytes[10] != b'T' && bytes[10] != b't' {
            return Err(err("expected a `T` between date and time"));
        }
        let number = |range: std::ops::Range<usize>| -> Result<u32, DateTimeParseError> {
            let part = &input[range];
            if part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().map_err(|_| err("expected digits"))
            } else {
                Err(err("expected digits"))
            }
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
        let date =
            NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(|| err("no such date"))?;

        let mut rest = &input[19..];
        let mut nanos = 0u32;
        let mut fraction_digits = 0u8;
        if let Some(after_dot) = rest.strip_prefix('.') {
            let digits = after_dot.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 9 {
                return Err(err("expected 1 to 9 fractional digits"));
            }
            let value: u32 = after_dot[..digits]
                .parse()
                .map_err(|_| err("expected digits"))?;
            nanos = value * 10u32.pow(9 - digits as u32);
            fraction_digits = digits as u8;
            rest = &after_dot[digits..];
        }
        let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
            .ok_or_else(|| err("no such time of day"))?;

        let offset = match rest {
            "" => WireOffset::None,
            "Z" | "z" => WireOffset::Utc,
            _ => WireOffset::Fixed(parse_offset(rest).ok_or_else(|| err("invalid offset"))?),
        };
        Ok(Self {
            naive: date.and_time(time),
            offset,
            fraction_digits,
        })
    }
}

/// `+HH:MM`, `-HH:MM` or `+HHMM`.
fn parse_offset(text: &str) -> Option<FixedOffset> {
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits = &text[1..];
    let (hours, minutes) = match digits.len() {
        5 if digits.as_bytes()[2] == b':' => (&digits[..2], &digits[3..]),
        4 => (&digits[..2], &digits[2..]),
        _ => return None,
    };
    if !hours
        .bytes()
        .chain(minutes.bytes())
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let hours: i32 = hours.parse().ok()?;
    let minutes: i32 = minutes.parse().ok()?;
    if minutes >= 60 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

fn minimal_fraction_digits(nanos: u32) -> u8 {
    if nanos == 0 {
        return 0;
    }
    let mut digits = 9;
    let mut n = nanos;
    while n.is_multiple_of(10) {
        n /= 10;
        digits -= 1;
    }
    digits
}

impl FromStr for DateTime {
    type Err = DateTimeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_wire(s)
    }
}

impl fmt::Display for DateTime {
    /// Writes the value exactly as StepPay sent it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.naive.format("%Y-%m-%dT%H:%M:%S"))?;
        if self.fraction_digits > 0 {
            let nanos = self.naive.and_utc().timestamp_subsec_nanos();
            let scaled = nanos / 10u32.pow(9 - u32::from(self.fraction_digits));
            write!(
                f,
                ".{:0width$}",
                scaled,
                width = usize::from(self.fraction_digits)
            )?;
        }
        match self.offset {
            WireOffset::None => Ok(()),
            WireOffset::Utc => f.write_str("Z"),
            WireOffset::Fixed(offset) => {
                let secs = offset.local_minus_utc();
                let sign = if secs < 0 { '-' } else { '+' };
                let secs = secs.abs();
                write!(f, "{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60)
            }
        }
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({self})")
    }
}

impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.naive == other.naive && self.offset == other.offset
    }
}

impl Eq for DateTime {}

impl std::hash::Hash for DateTime {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.naive.hash(state);
        self.offset.hash(state);
    }
}

impl From<NaiveDateTime> for DateTime {
    fn from(naive: NaiveDateTime) -> Self {
        Self::from_naive(naive)
    }
}

impl From<chrono::DateTime<FixedOffset>> for DateTime {
    fn from(value: chrono::DateTime<FixedOffset>) -> Self {
        Self::from_fixed_offset(value)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl de::Visitor<'_> for Visitor {
            type Value = DateTime;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date-time like \"2023-09-13T09:07:55.50896\"")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime, E> {
                DateTime::parse_wire(v).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> DateTime {
        let value: DateTime = text.parse().expect(text);
        assert_eq!(value.to_string(), text);
        value
    }

    #[test]
    fn every_wire_form_round_trips() {
        for text in [
            "2023-09-13T09:07:55",
            "2023-09-13T08:39:53.50896",
            "2023-09-13T09:09:31.038268",
            "2023-09-13T09:09:31.0",
            "2023-09-13T09:09:31.123456789",
            "2023-08-01T15:00:00Z",
            "2023-08-01T15:00:00.5+09:00",
            "2023-08-01T15:00:00-03:30",
            "9999-01-01T00:00:00",
            "9999-01-01T00:00:00.000000",
        ] {
            round_trip(text);
        }
    }

    #[test]
    fn offset_less_values_are_utc_by_default() {
        // StepPay's Usage example (section 9 of the spec): recorded six minutes before the
        // envelope timestamp 1688697915 when read as UTC.
        let value = round_trip("2023-07-07T02:38:47");
        assert_eq!(value.offset(), None);
        assert_eq!(value.to_utc().to_rfc3339(), "2023-07-07T02:38:47+00:00");
        assert_eq!(
            value.to_fixed_offset().to_rfc3339(),
            "2023-07-07T02:38:47+00:00"
        );
        let sent = chrono::DateTime::from_timestamp(1688697915, 0).unwrap();
        assert_eq!((sent - value.to_utc()).num_seconds(), 6 * 60 + 28);
    }

    #[test]
    fn an_explicit_offset_is_chosen_per_call() {
        let value = round_trip("2023-07-07T02:38:47");
        assert_eq!(
            value.to_utc_assuming(KST).to_rfc3339(),
            "2023-07-06T17:38:47+00:00"
        );
        assert_eq!(
            value.assume_offset(KST).to_rfc3339(),
            "2023-07-07T02:38:47+09:00"
        );
        let minus_3_30 = FixedOffset::west_opt(3 * 3600 + 1800).unwrap();
        assert_eq!(
            value.to_utc_assuming(minus_3_30).to_rfc3339(),
            "2023-07-07T06:08:47+00:00"
        );
        // The choice does not stick: the default is still UTC.
        assert_eq!(value.to_utc().to_rfc3339(), "2023-07-07T02:38:47+00:00");
        assert_eq!(value.naive().to_string(), "2023-07-07 02:38:47");
    }

    #[test]
    fn explicit_offsets_are_respected() {
        let z = round_trip("2023-08-01T15:00:00Z");
        assert_eq!(z.offset(), FixedOffset::east_opt(0));
        assert_eq!(z.to_utc().to_rfc3339(), "2023-08-01T15:00:00+00:00");
        assert_eq!(
            z.to_utc().with_timezone(&KST).to_rfc3339(),
            "2023-08-02T00:00:00+09:00"
        );
        let plus9 = round_trip("2023-08-02T00:00:00+09:00");
        assert_eq!(plus9.to_utc(), z.to_utc());
        assert_ne!(plus9, z, "equality keeps the offset as sent");
        // An offset on the wire wins over the one assumed for offset-less values.
        let west = FixedOffset::west_opt(5 * 3600).unwrap();
        assert_eq!(z.to_utc_assuming(west), z.to_utc());
        assert_eq!(plus9.to_utc_assuming(west), z.to_utc());
        assert_eq!(
            plus9.assume_offset(west).to_rfc3339(),
            "2023-08-02T00:00:00+09:00"
        );
    }

    #[test]
    fn precision_is_kept() {
        let value = round_trip("2023-09-13T09:09:31.123456789");
        assert_eq!(
            value.naive().and_utc().timestamp_subsec_nanos(),
            123_456_789
        );
        assert_eq!(value.fraction_digits(), 9);
        let six = round_trip("2023-09-13T09:09:31.038268");
        assert_eq!(six.naive().and_utc().timestamp_subsec_nanos(), 38_268_000);
    }

    #[test]
    fn equality_ignores_written_precision() {
        let a: DateTime = "9999-01-01T00:00:00".parse().unwrap();
        let b: DateTime = "9999-01-01T00:00:00.000000".parse().unwrap();
        assert_eq!(a, b);
        assert!(a.is_never() && b.is_never());
    }

    #[test]
    fn constructors_write_minimal_digits() {
        let naive = NaiveDate::from_ymd_opt(2026, 1, 2)
            .unwrap()
            .and_hms_milli_opt(3, 4, 5, 600)
            .unwrap();
        assert_eq!(DateTime::from(naive).to_string(), "2026-01-02T03:04:05.6");
        let fixed = KST.from_local_datetime(&naive).unwrap();
        assert_eq!(
            DateTime::from(fixed).to_string(),
            "2026-01-02T03:04:05.6+09:00"
        );
    }

    #[test]
    fn bad_values_are_errors() {
        for text in [
            "",
            "2023-09-13",
            "2023-09-13 09:07:55",
            "2023-13-13T09:07:55",
            "2023-02-30T09:07:55",
            "2023-09-13T25:07:55",
            "2023-09-13T09:07:55.",
            "2023-09-13T09:07:55.1234567890",
            "2023-09-13T09:07:55+9",
            "2023-09-13T09:07:55+09:60",
            "2023-09-13T09:07:55 extra",
            "２０２３-09-13T09:07:55",
            "+2023-09-13T09:07:5",
        ] {
            assert!(
                text.parse::<DateTime>().is_err(),
                "{text:?} should not parse"
            );
        }
    }
}
