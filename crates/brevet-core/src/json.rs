//! Strict JSON parsing for every document Brevet reads: duplicate object keys are an error (never
//! last-wins), as are a byte-order mark, lone surrogates, `NaN`, trailing commas, trailing
//! garbage and numbers that are not finite IEEE-754 doubles (security catalogue JWT-06). The
//! input size is capped before parsing and serde_json's recursion limit (128 levels) stays on
//! (DOS-01).
//!
//! `serde_json::Value` silently keeps the last of duplicate keys, so the document is built by a
//! custom visitor that tracks the JSON path and refuses a key it has already seen.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Default cap on the size of one JSON document, in bytes (1 MiB). Checked before parsing.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// Why a document was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JsonError {
    #[error("document is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("document starts with a byte-order mark (U+FEFF), which strict JSON does not allow")]
    ByteOrderMark,
    #[error("document is not valid UTF-8 (invalid byte at offset {offset})")]
    InvalidUtf8 { offset: usize },
    /// Syntax errors, duplicate keys, lone surrogates, out-of-range numbers, too deep nesting:
    /// the message names the problem and the line and column (and the JSON path where known).
    #[error("invalid JSON: {0}")]
    Syntax(String),
}

/// Parses `text` strictly with the default size cap [`MAX_DOCUMENT_BYTES`].
pub fn parse_strict(text: &str) -> Result<Value, JsonError> {
    parse_strict_with_limit(text, MAX_DOCUMENT_BYTES)
}

/// Parses `text` strictly, refusing documents longer than `max_bytes`.
pub fn parse_strict_with_limit(text: &str, max_bytes: usize) -> Result<Value, JsonError> {
    if text.len() > max_bytes {
        return Err(JsonError::TooLarge {
            size: text.len(),
            limit: max_bytes,
        });
    }
    if text.starts_with('\u{feff}') {
        return Err(JsonError::ByteOrderMark);
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = StrictSeed {
        path: &PathNode::Root,
    }
    .deserialize(&mut deserializer)
    .map_err(|error| JsonError::Syntax(error.to_string()))?;
    deserializer
        .end()
        .map_err(|error| JsonError::Syntax(error.to_string()))?;
    Ok(value)
}

/// Parses raw bytes strictly: checks the size cap, a BOM and UTF-8 validity first.
pub fn parse_strict_bytes(bytes: &[u8]) -> Result<Value, JsonError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(JsonError::TooLarge {
            size: bytes.len(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(JsonError::ByteOrderMark);
    }
    let text = std::str::from_utf8(bytes).map_err(|error| JsonError::InvalidUtf8 {
        offset: error.valid_up_to(),
    })?;
    parse_strict(text)
}

/// A JSON path, built on the stack while descending: `$`, `$.issuer`, `$.proof[0]`.
enum PathNode<'a> {
    Root,
    Key(&'a PathNode<'a>, &'a str),
    Index(&'a PathNode<'a>, usize),
}

impl fmt::Display for PathNode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathNode::Root => f.write_str("$"),
            PathNode::Key(parent, key) => {
                write!(f, "{parent}")?;
                write_path_key(f, key)
            }
            PathNode::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// Writes `.key` for identifier-like keys, `["key"]` (JSON-escaped) otherwise.
pub(crate) fn write_path_key(f: &mut impl fmt::Write, key: &str) -> fmt::Result {
    let simple = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    if simple {
        write!(f, ".{key}")
    } else {
        write!(f, "[{}]", Value::String(key.to_owned()))
    }
}

struct StrictSeed<'p> {
    path: &'p PathNode<'p>,
}

impl<'de> DeserializeSeed<'de> for StrictSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(StrictVisitor { path: self.path })
    }
}

struct StrictVisitor<'p> {
    path: &'p PathNode<'p>,
}

impl<'de> Visitor<'de> for StrictVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        Number::from_f64(value).map(Value::Number).ok_or_else(|| {
            E::custom(format_args!(
                "number at {} is not a finite double",
                self.path
            ))
        })
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let path = PathNode::Index(self.path, items.len());
            match seq.next_element_seed(StrictSeed { path: &path })? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                let quoted = Value::String(key);
                return Err(de::Error::custom(format_args!(
                    "duplicate key {quoted} at {}",
                    self.path
                )));
            }
            let path = PathNode::Key(self.path, &key);
            let value = map.next_value_seed(StrictSeed { path: &path })?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax_error(text: &str) -> String {
        match parse_strict(text) {
            Err(JsonError::Syntax(message)) => message,
            other => panic!("expected a syntax error for {text:?}, got {other:?}"),
        }
    }

    #[test]
    fn parses_a_plain_document_in_order() {
        let value = parse_strict(r#"{"b": [1, 2.5, "x", null, true], "a": {"c": -3}}"#).unwrap();
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(value["b"][1], serde_json::json!(2.5));
        assert_eq!(value["a"]["c"], serde_json::json!(-3));
    }

    #[test]
    fn refuses_a_duplicate_key_at_the_top() {
        let text = r#"{"issuer":"did:web:acme.example","x":1,"issuer":"did:web:evil.example"}"#;
        let message = syntax_error(text);
        assert!(
            message.contains(r#"duplicate key "issuer" at $"#),
            "{message}"
        );
        assert!(message.contains("line 1"), "{message}");
    }

    #[test]
    fn refuses_a_nested_duplicate_key_and_names_the_path() {
        let text = r#"{"credentialSubject": {"achievement": [{}, {"name": 1, "name": 2}]}}"#;
        let message = syntax_error(text);
        assert!(
            message.contains(r#"duplicate key "name" at $.credentialSubject.achievement[1]"#),
            "{message}"
        );
        let message = syntax_error(r#"{"@context": {"a": 1, "a": 1}}"#);
        assert!(
            message.contains(r#"duplicate key "a" at $["@context"]"#),
            "{message}"
        );
        let message = syntax_error(r#"{"@context": 1, "@context": 1}"#);
        assert!(
            message.contains(r#"duplicate key "@context" at $"#),
            "{message}"
        );
    }

    #[test]
    fn refuses_a_duplicate_key_spelled_with_an_escape() {
        let message = syntax_error(r#"{"issuer": 1, "\u0069ssuer": 2}"#);
        assert!(message.contains(r#"duplicate key "issuer" at $"#), "{message}");
    }

    #[test]
    fn refuses_a_byte_order_mark() {
        assert_eq!(parse_strict("\u{feff}{}"), Err(JsonError::ByteOrderMark));
        assert_eq!(
            parse_strict_bytes(b"\xEF\xBB\xBF{}"),
            Err(JsonError::ByteOrderMark)
        );
    }

    #[test]
    fn refuses_invalid_utf8() {
        assert_eq!(
            parse_strict_bytes(b"{\"a\": \"\xff\"}"),
            Err(JsonError::InvalidUtf8 { offset: 7 })
        );
    }

    #[test]
    fn refuses_lone_surrogates() {
        for text in [
            r#"{"a": "\ud800"}"#,
            r#"{"a": "\udc00x"}"#,
            r#"["\ud800\u0041"]"#,
            r#"{"\udfff": 1}"#,
        ] {
            let message = syntax_error(text);
            assert!(
                message.contains("surrogate") || message.contains("hex escape"),
                "{message}"
            );
        }
        // A proper pair is fine.
        assert_eq!(
            parse_strict(r#""\ud83d\ude00""#).unwrap(),
            Value::String("😀".into())
        );
    }

    #[test]
    fn refuses_nan_infinity_and_out_of_range_numbers() {
        for text in [
            "NaN",
            "[Infinity]",
            "[-Infinity]",
            "[1e400]",
            "[-1e309]",
            "{\"a\": 1E999}",
        ] {
            assert!(
                matches!(parse_strict(text), Err(JsonError::Syntax(_))),
                "{text}"
            );
        }
        // Very large integers become (finite) doubles.
        let value = parse_strict("[123456789012345678901234567890]").unwrap();
        assert!(value[0].as_f64().unwrap().is_finite());
    }

    #[test]
    fn refuses_trailing_commas_and_garbage() {
        for text in [
            "[1,]",
            r#"{"a":1,}"#,
            "{} x",
            "{}{}",
            "[1] ]",
            "",
            "   ",
            "{'a': 1}",
            "01",
        ] {
            assert!(
                matches!(parse_strict(text), Err(JsonError::Syntax(_))),
                "{text:?}"
            );
        }
        assert!(parse_strict("  {}  \n").is_ok());
    }

    #[test]
    fn refuses_deep_nesting_without_overflowing_the_stack() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let message = syntax_error(&deep);
        assert!(message.contains("recursion limit"), "{message}");
        let nested_objects = "{\"a\":".repeat(200) + "1" + &"}".repeat(200);
        assert!(syntax_error(&nested_objects).contains("recursion limit"));
        let ok = "[".repeat(100) + &"]".repeat(100);
        assert!(parse_strict(&ok).is_ok());
    }

    #[test]
    fn checks_the_size_cap_first() {
        let big = format!("\"{}\"", "a".repeat(MAX_DOCUMENT_BYTES));
        assert_eq!(
            parse_strict(&big),
            Err(JsonError::TooLarge {
                size: MAX_DOCUMENT_BYTES + 2,
                limit: MAX_DOCUMENT_BYTES
            })
        );
        assert!(matches!(
            parse_strict_with_limit("[1, 2]", 3),
            Err(JsonError::TooLarge { .. })
        ));
        assert!(parse_strict_with_limit("[1, 2]", 6).is_ok());
    }
}
