//! The JSON Canonicalization Scheme (RFC 8785) over `serde_json::Value`, written directly into
//! one buffer: object keys sorted by UTF-16 code units, strings with JSON's minimal escapes
//! (exactly what serde_json writes), integers up to 2^53 as digits. Other numbers are formatted
//! by `serde_json_canonicalizer` (ECMAScript number serialization), so no float formatting is
//! hand-written here.

use std::cmp::Ordering;

use serde_json::{Number, Value};

use super::ProofError;

/// Largest integer an IEEE-754 double holds exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

fn utf16_order(left: &str, right: &str) -> Ordering {
    if left.is_ascii() && right.is_ascii() {
        left.cmp(right)
    } else {
        left.encode_utf16().cmp(right.encode_utf16())
    }
}

fn write_string(out: &mut Vec<u8>, text: &str) -> Result<(), ProofError> {
    serde_json::to_writer(out, text)
        .map_err(|error| ProofError::Transformation(format!("JCS: {error}")))
}

fn write_number(out: &mut Vec<u8>, number: &Number) -> Result<(), ProofError> {
    if let Some(integer) = number.as_u64().filter(|value| *value <= MAX_SAFE_INTEGER) {
        out.extend_from_slice(integer.to_string().as_bytes());
        return Ok(());
    }
    if let Some(integer) = number
        .as_i64()
        .filter(|value| value.unsigned_abs() <= MAX_SAFE_INTEGER)
    {
        out.extend_from_slice(integer.to_string().as_bytes());
        return Ok(());
    }
    let text = serde_json_canonicalizer::to_string(number)
        .map_err(|error| ProofError::Transformation(format!("JCS: {error}")))?;
    out.extend_from_slice(text.as_bytes());
    Ok(())
}

/// Writes an object from its entries (in any order; they are sorted here).
pub(super) fn write_object<'a>(
    out: &mut Vec<u8>,
    entries: impl Iterator<Item = (&'a str, &'a Value)>,
) -> Result<(), ProofError> {
    let mut sorted: Vec<(&str, &Value)> = entries.collect();
    sorted.sort_unstable_by(|(left, _), (right, _)| utf16_order(left, right));
    out.push(b'{');
    for (index, (key, value)) in sorted.into_iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        write_string(out, key)?;
        out.push(b':');
        write_value(out, value)?;
    }
    out.push(b'}');
    Ok(())
}

/// Writes one value canonically.
pub(super) fn write_value(out: &mut Vec<u8>, value: &Value) -> Result<(), ProofError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(number) => write_number(out, number)?,
        Value::String(text) => write_string(out, text)?,
        Value::Array(items) => {
            out.push(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                write_value(out, item)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            write_object(out, map.iter().map(|(key, value)| (key.as_str(), value)))?
        }
    }
    Ok(())
}

/// Converts a buffer of canonical JSON to a string.
pub(super) fn into_string(out: Vec<u8>) -> Result<String, ProofError> {
    String::from_utf8(out)
        .map_err(|_| ProofError::Transformation("JCS produced invalid UTF-8".to_owned()))
}

/// The RFC 8785 canonical form of a value.
pub fn canonical_json(value: &Value) -> Result<String, ProofError> {
    let mut out = Vec::with_capacity(1024);
    write_value(&mut out, value)?;
    into_string(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn matches_the_reference_canonicalizer() {
        let samples = [
            json!({"b": 1, "a": [true, false, null], "c": {"z": "x", "é": 1, "\u{1F600}": 2, "\u{FB33}": 3}}),
            json!({"numbers": [0, -0.0, 1.0, -1, 1e21, 1e-7, 0.1, 123456789012345678u64, -9007199254740993i64, 9007199254740991u64, 2.71, 1.5e300, 5e-324]}),
            json!({"escapes": "\u{0} \u{1f} \" \\ / \u{7f} \u{2028} \n\t\r\u{8}\u{c} é 😀"}),
            json!([]),
            json!({}),
            json!("plain"),
            json!({"\u{80}": 1, "\u{7f}": 2, "a\u{0}": 3, "a": 4, "": 5}),
        ];
        for sample in samples {
            assert_eq!(
                canonical_json(&sample).unwrap(),
                serde_json_canonicalizer::to_string(&sample).unwrap(),
                "{sample}"
            );
        }
    }
}
