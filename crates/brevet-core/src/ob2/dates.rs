//! Open Badges 2.0 `DateTime` values: ISO 8601 with a timezone (as XSD `dateTimeStamp`), or
//! without one (read as UTC), or a date alone (midnight UTC), or, as Open Badges 1.x wrote them,
//! integer seconds since 1970.

use serde_json::Value;
use time::format_description::well_known::Iso8601;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

use crate::datetime::DateTimeStamp;

/// Reads a `DateTime` value; the error says why it is not one.
pub fn parse(value: &Value) -> Result<OffsetDateTime, String> {
    match value {
        Value::String(text) => parse_text(text),
        Value::Number(number) => number
            .as_i64()
            .filter(|seconds| (0..=253_402_300_799).contains(seconds))
            .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok())
            .ok_or_else(|| format!("{number} is not a time in seconds since 1970")),
        other => Err(format!("{other} is not a date")),
    }
}

fn parse_text(text: &str) -> Result<OffsetDateTime, String> {
    if text.len() > 64 {
        return Err("the date is longer than 64 characters".to_owned());
    }
    if let Ok(stamp) = DateTimeStamp::parse(text) {
        return Ok(stamp.instant());
    }
    if let Ok(with_offset) = OffsetDateTime::parse(text, &Iso8601::DEFAULT) {
        return Ok(with_offset);
    }
    if let Ok(local) = PrimitiveDateTime::parse(text, &Iso8601::DEFAULT) {
        return Ok(local.assume_utc());
    }
    if let Ok(date) = Date::parse(text, &Iso8601::DEFAULT) {
        return Ok(date.midnight().assume_utc());
    }
    Err(format!("{text:?} is not an ISO 8601 date"))
}
