//! Strict `xsd:dateTimeStamp` values for `validFrom`, `validUntil`, `issuanceDate`,
//! `expirationDate` and proof `created`/`expires` (VC Data Model 2.0 §Representing Time;
//! security catalogue DATE-01).
//!
//! Accepted: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)`, exactly as the XSD 1.1
//! `dateTimeStamp` lexical space, with these documented choices:
//! - a timezone is required; a value without one is never read in local time;
//! - the date must exist (no month 13, no 30 February; leap years per the Gregorian calendar);
//! - **leap seconds are rejected**: XSD's lexical space has no second `60`, so
//!   `2016-12-31T23:59:60Z` is refused, consistently, everywhere;
//! - **years are four digits, 0001 to 9999**: longer years (`+275760-…`, `10000-…`), a sign and
//!   year 0000 are refused (RFC 3339 and most verifiers stop at 9999 too), and so is an
//!   instant that falls outside those years in UTC (`9999-12-31T23:00:00-05:00`);
//! - `24:00:00` (XSD's end-of-day form) is refused; hours run 00 to 23;
//! - any number of fractional-second digits is allowed; digits past nanoseconds are ignored
//!   for comparison (the lexical form is kept as written);
//! - offsets run from `-14:00` to `+14:00`; `-00:00` is the same instant as `Z` (XSD
//!   semantics, not RFC 3339's "unknown offset");
//! - `T` and `Z` must be upper case.
//!
//! [`DateTimeStamp`] keeps the original text and compares by instant, never by string.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use time::{Date, Month, OffsetDateTime, Time, UtcOffset};

/// Why a value is not a valid `dateTimeStamp`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateTimeError {
    #[error(
        "{value:?} is not an XSD dateTimeStamp (expected YYYY-MM-DDTHH:MM:SS[.fff]Z or ±hh:mm): {reason}"
    )]
    Syntax { value: String, reason: &'static str },
    #[error("{value:?} has no timezone; a dateTimeStamp needs Z or ±hh:mm")]
    MissingTimezone { value: String },
    #[error("{value:?} is not a real date or time: {reason}")]
    Impossible { value: String, reason: String },
    #[error("{value:?} is a leap second (second 60), which Brevet refuses")]
    LeapSecond { value: String },
    #[error("{value:?} has a year outside 0001-9999, which Brevet refuses")]
    YearOutOfRange { value: String },
}

/// A parsed `xsd:dateTimeStamp`: the instant plus the text it was written as.
#[derive(Debug, Clone)]
pub struct DateTimeStamp {
    instant: OffsetDateTime,
    lexical: String,
}

impl DateTimeStamp {
    /// Parses `value` strictly (see the module documentation for the rules).
    pub fn parse(value: &str) -> Result<Self, DateTimeError> {
        let instant = parse_instant(value)?;
        Ok(DateTimeStamp {
            instant,
            lexical: value.to_owned(),
        })
    }

    /// A stamp for `instant`, written as `YYYY-MM-DDTHH:MM:SSZ` (see [`format_now_like`]);
    /// fractions of a second are dropped. Fails for instants outside the years 0001-9999 (UTC).
    pub fn from_instant(instant: OffsetDateTime) -> Result<Self, DateTimeError> {
        DateTimeStamp::parse(&format_now_like(instant))
    }

    /// The instant, in the offset it was written with.
    pub fn instant(&self) -> OffsetDateTime {
        self.instant
    }

    /// The text exactly as written.
    pub fn as_str(&self) -> &str {
        &self.lexical
    }
}

impl fmt::Display for DateTimeStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lexical)
    }
}

impl PartialEq for DateTimeStamp {
    fn eq(&self, other: &Self) -> bool {
        self.instant == other.instant
    }
}

impl Eq for DateTimeStamp {}

impl PartialOrd for DateTimeStamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTimeStamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant.cmp(&other.instant)
    }
}

impl Hash for DateTimeStamp {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.instant.unix_timestamp_nanos().hash(state);
    }
}

impl std::str::FromStr for DateTimeStamp {
    type Err = DateTimeError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        DateTimeStamp::parse(value)
    }
}

impl serde::Serialize for DateTimeStamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.lexical)
    }
}

impl<'de> serde::Deserialize<'de> for DateTimeStamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DateTimeStamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// `instant` in UTC at whole-second precision: `YYYY-MM-DDTHH:MM:SSZ`, the form Brevet writes in
/// proofs (`created`) and `validFrom`. (An instant whose UTC year falls outside `time`'s ±9999
/// range, which no clock gives, is written in its own offset rather than panicking.)
pub fn format_now_like(instant: OffsetDateTime) -> String {
    let (utc, zone) = match instant.checked_to_offset(UtcOffset::UTC) {
        Some(utc) => (utc, "Z".to_owned()),
        None => {
            let offset = instant.offset();
            let sign = if offset.is_negative() { '-' } else { '+' };
            let zone = format!(
                "{sign}{:02}:{:02}",
                offset.whole_hours().unsigned_abs(),
                offset.minutes_past_hour().unsigned_abs()
            );
            (instant, zone)
        }
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    )
}

/// Reads exactly `count` ASCII digits at `*at` as a number and advances.
fn digits(bytes: &[u8], at: &mut usize, count: usize) -> Option<u32> {
    let slice = bytes.get(*at..*at + count)?;
    if !slice.iter().all(u8::is_ascii_digit) {
        return None;
    }
    *at += count;
    Some(
        slice
            .iter()
            .fold(0, |acc, digit| acc * 10 + u32::from(digit - b'0')),
    )
}

fn expect(bytes: &[u8], at: &mut usize, wanted: u8) -> bool {
    if bytes.get(*at) == Some(&wanted) {
        *at += 1;
        true
    } else {
        false
    }
}

fn parse_instant(value: &str) -> Result<OffsetDateTime, DateTimeError> {
    let syntax = |reason| DateTimeError::Syntax {
        value: value.to_owned(),
        reason,
    };
    let impossible = |reason: String| DateTimeError::Impossible {
        value: value.to_owned(),
        reason,
    };
    let bytes = value.as_bytes();
    let mut at = 0;

    if bytes.first().is_some_and(|b| *b == b'+' || *b == b'-') {
        return Err(DateTimeError::YearOutOfRange {
            value: value.to_owned(),
        });
    }
    let year = digits(bytes, &mut at, 4).ok_or_else(|| syntax("the year must be four digits"))?;
    if bytes.get(at).is_some_and(u8::is_ascii_digit) {
        return Err(DateTimeError::YearOutOfRange {
            value: value.to_owned(),
        });
    }
    if !expect(bytes, &mut at, b'-') {
        return Err(syntax("expected '-' after the year"));
    }
    let month = digits(bytes, &mut at, 2).ok_or_else(|| syntax("the month must be two digits"))?;
    if !expect(bytes, &mut at, b'-') {
        return Err(syntax("expected '-' after the month"));
    }
    let day = digits(bytes, &mut at, 2).ok_or_else(|| syntax("the day must be two digits"))?;
    if at == bytes.len() {
        return Err(syntax(
            "a date alone is not a dateTimeStamp; the time and timezone are missing",
        ));
    }
    if !expect(bytes, &mut at, b'T') {
        return Err(syntax(
            "expected an upper-case 'T' between the date and the time",
        ));
    }
    let hour = digits(bytes, &mut at, 2).ok_or_else(|| syntax("the hour must be two digits"))?;
    if !expect(bytes, &mut at, b':') {
        return Err(syntax("expected ':' after the hour"));
    }
    let minute =
        digits(bytes, &mut at, 2).ok_or_else(|| syntax("the minute must be two digits"))?;
    if !expect(bytes, &mut at, b':') {
        return Err(syntax("expected ':' after the minute"));
    }
    let second =
        digits(bytes, &mut at, 2).ok_or_else(|| syntax("the second must be two digits"))?;
    let mut nanosecond = 0u32;
    if expect(bytes, &mut at, b'.') {
        let start = at;
        while bytes.get(at).is_some_and(u8::is_ascii_digit) {
            if at - start < 9 {
                nanosecond = nanosecond * 10 + u32::from(bytes[at] - b'0');
            }
            at += 1;
        }
        let count = at - start;
        if count == 0 {
            return Err(syntax("a '.' must be followed by fractional-second digits"));
        }
        for _ in count..9 {
            nanosecond *= 10;
        }
    }
    let offset_seconds: i32 = match bytes.get(at) {
        None => {
            return Err(DateTimeError::MissingTimezone {
                value: value.to_owned(),
            });
        }
        Some(b'Z') => {
            at += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            let negative = *sign == b'-';
            at += 1;
            let offset_hour = digits(bytes, &mut at, 2)
                .ok_or_else(|| syntax("the timezone hour must be two digits"))?;
            if !expect(bytes, &mut at, b':') {
                return Err(syntax("the timezone must be written ±hh:mm"));
            }
            let offset_minute = digits(bytes, &mut at, 2)
                .ok_or_else(|| syntax("the timezone minute must be two digits"))?;
            if offset_minute > 59 || offset_hour > 14 || (offset_hour == 14 && offset_minute > 0) {
                return Err(impossible(
                    "the timezone must lie between -14:00 and +14:00".into(),
                ));
            }
            let magnitude = (offset_hour * 3600 + offset_minute * 60) as i32;
            if negative { -magnitude } else { magnitude }
        }
        Some(_) => return Err(syntax("expected Z or ±hh:mm after the time")),
    };
    if at != bytes.len() {
        return Err(syntax("unexpected text after the timezone"));
    }

    if year == 0 {
        return Err(DateTimeError::YearOutOfRange {
            value: value.to_owned(),
        });
    }
    if second == 60 {
        return Err(DateTimeError::LeapSecond {
            value: value.to_owned(),
        });
    }
    let month_value = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok());
    let month_value =
        month_value.ok_or_else(|| impossible(format!("there is no month {month:02}")))?;
    let date = Date::from_calendar_date(year as i32, month_value, day as u8)
        .map_err(|_| impossible(format!("{month_value} {year:04} has no day {day:02}")))?;
    let time =
        Time::from_hms_nano(hour as u8, minute as u8, second as u8, nanosecond).map_err(|_| {
            impossible(format!(
                "{hour:02}:{minute:02}:{second:02} is not a time of day"
            ))
        })?;
    let offset = UtcOffset::from_whole_seconds(offset_seconds)
        .map_err(|_| impossible("the timezone is out of range".into()))?;
    let instant = date.with_time(time).assume_offset(offset);
    // The instant itself must lie in 0001-9999 too (UTC), so that it can always be written
    // back as a four-digit-year dateTimeStamp.
    match instant.checked_to_offset(UtcOffset::UTC) {
        Some(utc) if (1..=9999).contains(&utc.year()) => Ok(instant),
        _ => Err(DateTimeError::YearOutOfRange {
            value: value.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Result<DateTimeStamp, DateTimeError> {
        DateTimeStamp::parse(value)
    }

    #[test]
    fn accepts_the_usual_forms() {
        for value in [
            "2026-01-01T00:00:00Z",
            "2023-02-26T01:02:58.447Z",
            "2023-02-25T19:10:39-06:00",
            "4023-02-26T01:02:58.447Z",
            "2024-02-29T23:59:59.999999999999Z",
            "0001-01-01T00:00:00-14:00",
            "9999-12-31T23:59:59+14:00",
        ] {
            let stamp = parse(value).unwrap_or_else(|e| panic!("{value}: {e}"));
            assert_eq!(stamp.as_str(), value);
        }
    }

    #[test]
    fn date01_no_timezone_is_refused() {
        assert_eq!(
            parse("2026-01-01T00:00:00"),
            Err(DateTimeError::MissingTimezone {
                value: "2026-01-01T00:00:00".into()
            })
        );
        assert!(matches!(
            parse("2026-01-01T00:00:00.5"),
            Err(DateTimeError::MissingTimezone { .. })
        ));
    }

    #[test]
    fn date01_date_only_is_refused() {
        let error = parse("2026-01-01").unwrap_err();
        assert!(matches!(error, DateTimeError::Syntax { .. }));
        assert!(error.to_string().contains("date alone"), "{error}");
    }

    #[test]
    fn date01_impossible_dates_are_refused() {
        let error = parse("2026-13-01T00:00:00Z").unwrap_err();
        assert!(error.to_string().contains("no month 13"), "{error}");
        let error = parse("2026-02-30T00:00:00Z").unwrap_err();
        assert!(error.to_string().contains("no day 30"), "{error}");
        assert!(matches!(
            parse("2025-02-29T00:00:00Z"),
            Err(DateTimeError::Impossible { .. })
        ));
        assert!(parse("2000-02-29T00:00:00Z").is_ok());
        assert!(matches!(
            parse("1900-02-29T00:00:00Z"),
            Err(DateTimeError::Impossible { .. })
        ));
        assert!(matches!(
            parse("2026-00-10T00:00:00Z"),
            Err(DateTimeError::Impossible { .. })
        ));
        assert!(matches!(
            parse("2026-01-00T00:00:00Z"),
            Err(DateTimeError::Impossible { .. })
        ));
        assert!(matches!(
            parse("2026-01-01T24:00:00Z"),
            Err(DateTimeError::Impossible { .. })
        ));
        assert!(matches!(
            parse("2026-01-01T23:60:00Z"),
            Err(DateTimeError::Impossible { .. })
        ));
    }

    #[test]
    fn date01_leap_second_is_refused_consistently() {
        assert_eq!(
            parse("2016-12-31T23:59:60Z"),
            Err(DateTimeError::LeapSecond {
                value: "2016-12-31T23:59:60Z".into()
            })
        );
        assert!(matches!(
            parse("2016-12-31T12:00:60+01:00"),
            Err(DateTimeError::LeapSecond { .. })
        ));
    }

    #[test]
    fn date01_extended_years_are_refused() {
        for value in [
            "+275760-09-13T00:00:00Z",
            "-0001-01-01T00:00:00Z",
            "10000-01-01T00:00:00Z",
            "0000-01-01T00:00:00Z",
        ] {
            assert!(
                matches!(parse(value), Err(DateTimeError::YearOutOfRange { .. })),
                "{value}"
            );
        }
    }

    #[test]
    fn instants_outside_the_years_in_utc_are_refused_and_never_panic() {
        for value in ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"] {
            assert!(
                matches!(parse(value), Err(DateTimeError::YearOutOfRange { .. })),
                "{value}"
            );
        }
        let edge = parse("9999-12-31T23:59:59Z").unwrap();
        assert_eq!(format_now_like(edge.instant()), "9999-12-31T23:59:59Z");
        let far = time::Date::from_calendar_date(9999, Month::December, 31)
            .unwrap()
            .with_hms(23, 0, 0)
            .unwrap()
            .assume_offset(UtcOffset::from_hms(-5, 0, 0).unwrap());
        assert_eq!(format_now_like(far), "9999-12-31T23:00:00-05:00");
        assert!(DateTimeStamp::from_instant(far).is_err());
    }

    #[test]
    fn date01_negative_zero_offset_is_utc() {
        let stamp = parse("2026-01-01T00:00:00-00:00").unwrap();
        assert_eq!(stamp, parse("2026-01-01T00:00:00Z").unwrap());
        assert_eq!(stamp.as_str(), "2026-01-01T00:00:00-00:00");
    }

    #[test]
    fn other_malformed_values_are_refused() {
        for value in [
            "",
            "Sun, 26 Feb 2023 01:22:14 +0000",
            "2026-01-01t00:00:00Z",
            "2026-01-01T00:00:00z",
            "2026-01-01 00:00:00Z",
            "2026-1-01T00:00:00Z",
            "2026-01-01T00:00Z",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00+0100",
            "2026-01-01T00:00:00+01",
            "2026-01-01T00:00:00+15:00",
            "2026-01-01T00:00:00+14:30",
            "2026-01-01T00:00:00+01:60",
            "2026-01-01T00:00:00Z ",
            " 2026-01-01T00:00:00Z",
            "２０２６-01-01T00:00:00Z",
        ] {
            assert!(parse(value).is_err(), "{value:?} was accepted");
        }
    }

    #[test]
    fn comparison_is_temporal_not_lexical() {
        let later_text_earlier_time = parse("2023-02-25T19:21:29-06:00").unwrap();
        let earlier = parse("2023-02-26T01:21:23Z").unwrap();
        assert!(earlier < later_text_earlier_time);
        assert!(
            parse("2023-02-26T01:20:18.477Z").unwrap() > parse("2023-02-26T01:20:18Z").unwrap()
        );
        assert_eq!(
            parse("2023-02-26T01:20:18.5Z").unwrap(),
            parse("2023-02-26T02:20:18.500+01:00").unwrap()
        );
    }

    #[test]
    fn formats_now_like_in_utc_seconds() {
        let stamp = parse("2023-02-25T19:10:39.987-06:00").unwrap();
        assert_eq!(format_now_like(stamp.instant()), "2023-02-26T01:10:39Z");
        let made = DateTimeStamp::from_instant(stamp.instant()).unwrap();
        assert_eq!(made.as_str(), "2023-02-26T01:10:39Z");
        assert_eq!(made, parse("2023-02-26T01:10:39Z").unwrap());
        assert!(parse(made.as_str()).is_ok());
    }

    #[test]
    fn serde_round_trip_keeps_the_lexical_form() {
        let stamp: DateTimeStamp = serde_json::from_str("\"2023-02-25T19:10:39-06:00\"").unwrap();
        assert_eq!(
            serde_json::to_string(&stamp).unwrap(),
            "\"2023-02-25T19:10:39-06:00\""
        );
        assert!(serde_json::from_str::<DateTimeStamp>("\"2023-02-25T19:10:39\"").is_err());
    }
}
