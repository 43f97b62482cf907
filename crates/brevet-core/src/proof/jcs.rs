//! The JSON Canonicalization Scheme (RFC 8785) over `serde_json::Value`, written directly into
//! one buffer (signing and verifying hash it from a per-thread buffer, see [`sha256_of`]).
//! Object keys are sorted by UTF-16 code units, strings get JSON's minimal escapes (exactly what
//! serde_json writes; strings without a character to escape are copied as they are), integers
//! up to 2^53 are written as digits. Other numbers are formatted by `serde_json_canonicalizer`
//! (ECMAScript number serialization), so no float formatting is hand-written here.

use std::cmp::Ordering;

use serde_json::{Number, Value};
use sha2::{Digest, Sha256};

use super::ProofError;

/// Largest integer an IEEE-754 double holds exactly.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Objects with up to this many entries are sorted on the stack.
const STACK_ENTRIES: usize = 12;

/// Buffers larger than this are not kept for the next document.
const KEPT_BUFFER: usize = 1 << 20;

thread_local! {
    /// The buffer canonical JSON is written into before hashing, reused by every proof of a
    /// thread (a fresh multi-kilobyte allocation per document costs more than the writing).
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// SHA-256 of what `write` writes.
pub(super) fn sha256_of(
    write: impl FnOnce(&mut Vec<u8>) -> Result<(), ProofError>,
) -> Result<[u8; 32], ProofError> {
    let hash_of = |buffer: &mut Vec<u8>| -> Result<[u8; 32], ProofError> {
        buffer.clear();
        write(buffer)?;
        Ok(Sha256::digest(buffer.as_slice()).into())
    };
    BUFFER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffer) => {
            let hash = hash_of(&mut buffer);
            if buffer.capacity() > KEPT_BUFFER {
                *buffer = Vec::new();
            }
            hash
        }
        // Not reentered in practice; a fresh buffer keeps it correct if it ever is.
        Err(_) => hash_of(&mut Vec::new()),
    })
}

fn utf16_order(left: &str, right: &str) -> Ordering {
    if left.is_ascii() && right.is_ascii() {
        left.cmp(right)
    } else {
        left.encode_utf16().cmp(right.encode_utf16())
    }
}

/// Whether JSON writes this byte of a string escaped (control characters, `"` and `\`).
fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Whether some byte of `text` needs an escape, eight bytes at a time (exact: a word is
/// flagged only when one of its bytes is below 0x20, `"` or `\`).
fn needs_escaping(text: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    // Whether some byte of `word` is below `limit` (exact for limit <= 0x80).
    let has_less = |word: u64, limit: u64| word.wrapping_sub(ONES * limit) & !word & HIGH_BITS != 0;
    let flagged = |chunk: &[u8]| {
        let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
            return true;
        };
        let word = u64::from_le_bytes(bytes);
        has_less(word, 0x20)
            || has_less(word ^ (ONES * u64::from(b'"')), 1)
            || has_less(word ^ (ONES * u64::from(b'\\')), 1)
    };
    let bytes = text.as_bytes();
    if bytes.len() < 8 {
        return bytes.iter().any(|byte| needs_escape(*byte));
    }
    let mut chunks = bytes.chunks_exact(8);
    if chunks.any(flagged) {
        return true;
    }
    // The last bytes, as one word that overlaps the last whole chunk.
    !chunks.remainder().is_empty() && flagged(&bytes[bytes.len() - 8..])
}

fn write_string(out: &mut Vec<u8>, text: &str) -> Result<(), ProofError> {
    if !needs_escaping(text) {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
        return Ok(());
    }
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
    static NULL: Value = Value::Null;
    let mut stack: [(&str, &Value); STACK_ENTRIES] = [("", &NULL); STACK_ENTRIES];
    let mut heap: Vec<(&str, &Value)> = Vec::new();
    let mut count = 0;
    for entry in entries {
        if count < STACK_ENTRIES {
            stack[count] = entry;
        } else {
            if heap.is_empty() {
                heap.extend_from_slice(&stack);
            }
            heap.push(entry);
        }
        count += 1;
    }
    let sorted: &mut [(&str, &Value)] = if count <= STACK_ENTRIES {
        &mut stack[..count]
    } else {
        &mut heap
    };
    if sorted.iter().all(|(key, _)| key.is_ascii()) {
        // Keys usually differ in their first byte: compare that before the bytes (a call).
        sorted.sort_unstable_by(|(left, _), (right, _)| {
            left.as_bytes()
                .first()
                .cmp(&right.as_bytes().first())
                .then_with(|| left.cmp(right))
        });
    } else {
        sorted.sort_unstable_by(|(left, _), (right, _)| utf16_order(left, right));
    }
    out.push(b'{');
    for (index, (key, value)) in sorted.iter().enumerate() {
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

    fn samples() -> Vec<Value> {
        let many: serde_json::Map<String, Value> = (0..60)
            .rev()
            .map(|index| (format!("k{index:02}\u{e9}"), json!(index)))
            .collect();
        let long = "x\"y\\z\n".repeat(600);
        vec![
            json!({"b": 1, "a": [true, false, null], "c": {"z": "x", "é": 1, "\u{1F600}": 2, "\u{FB33}": 3}}),
            json!({"numbers": [0, -0.0, 1.0, -1, 1e21, 1e-7, 0.1, 123456789012345678u64, -9007199254740993i64, 9007199254740991u64, 2.71, 1.5e300, 5e-324]}),
            json!({"escapes": "\u{0} \u{1f} \" \\ / \u{7f} \u{2028} \n\t\r\u{8}\u{c} é 😀"}),
            json!([]),
            json!({}),
            json!("plain"),
            json!({"\u{80}": 1, "\u{7f}": 2, "a\u{0}": 3, "a": 4, "": 5}),
            Value::Object(many),
            json!({"long": long, "nested": [{"long": "a".repeat(5000)}]}),
        ]
    }

    #[test]
    fn matches_the_reference_canonicalizer() {
        for sample in samples() {
            assert_eq!(
                canonical_json(&sample).unwrap(),
                serde_json_canonicalizer::to_string(&sample).unwrap(),
                "{sample}"
            );
        }
    }

    #[test]
    fn hashed_buffer_hashes_the_canonical_text() {
        for sample in samples() {
            let hash = sha256_of(|out| write_value(out, &sample)).unwrap();
            let text = canonical_json(&sample).unwrap();
            assert_eq!(hash, <[u8; 32]>::from(Sha256::digest(text)));
        }
    }

    #[test]
    fn escape_detection_matches_a_byte_by_byte_scan() {
        let interesting: Vec<char> = (0u8..0x80)
            .map(char::from)
            .chain(['\u{80}', 'é', '\u{2028}', '\u{FFFF}', '😀'])
            .collect();
        for length in 0..20 {
            for position in 0..length.max(1) {
                for special in &interesting {
                    let text: String = (0..length)
                        .map(|index| if index == position { *special } else { 'a' })
                        .collect();
                    assert_eq!(
                        needs_escaping(&text),
                        text.bytes().any(needs_escape),
                        "{text:?}"
                    );
                }
            }
        }
    }
}
