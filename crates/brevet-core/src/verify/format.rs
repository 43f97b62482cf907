//! Which kind of credential an input is: a Data Integrity-secured JSON-LD credential, a VC-JWT
//! (a compact JWS given as a JSON string), or an Open Badges 2.0 assertion (verified with its
//! issuer's documents, which the caller fetches: `crate::ob2`).

use serde_json::Value;

/// The input formats the verifier knows about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputFormat {
    /// A JSON-LD verifiable credential (VC 2.0 or 1.1) with embedded Data Integrity proofs (or none).
    DataIntegrity,
    /// A compact JWS (`header.payload.signature`) given as a JSON string: a VC-JWT.
    Jwt,
    /// An Open Badges 2.0 assertion.
    OpenBadges2,
}

impl InputFormat {
    /// A plural noun phrase for messages.
    pub fn describe(self) -> &'static str {
        match self {
            InputFormat::DataIntegrity => "Data Integrity credentials",
            InputFormat::Jwt => "JWT-secured credentials (VC-JWT)",
            InputFormat::OpenBadges2 => "Open Badges 2.0 assertions",
        }
    }
}

const OPEN_BADGES_2_CONTEXT: &str = "https://w3id.org/openbadges/v2";

/// Tells the format of an input, or why it is not a credential at all.
pub fn detect_format(input: &Value) -> Result<InputFormat, String> {
    match input {
        Value::String(text) if crate::jose::looks_like_compact_jws(text) => Ok(InputFormat::Jwt),
        Value::Object(object) => {
            let contexts: Vec<&str> = match object.get("@context") {
                Some(Value::Array(entries)) => entries.iter().filter_map(Value::as_str).collect(),
                Some(Value::String(single)) => vec![single.as_str()],
                _ => Vec::new(),
            };
            if contexts.contains(&OPEN_BADGES_2_CONTEXT) {
                Ok(InputFormat::OpenBadges2)
            } else {
                Ok(InputFormat::DataIntegrity)
            }
        }
        Value::String(_) => Err("the input is a JSON string, not a credential".to_owned()),
        Value::Array(_) => Err(
            "the input is a JSON array, not a credential (verify one credential at a time)"
                .to_owned(),
        ),
        _ => Err("the input is not a JSON object".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tells_the_formats_apart() {
        assert_eq!(
            detect_format(&json!({"@context": ["https://www.w3.org/ns/credentials/v2"]})),
            Ok(InputFormat::DataIntegrity)
        );
        assert_eq!(
            detect_format(&json!("eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln")),
            Ok(InputFormat::Jwt)
        );
        assert_eq!(
            detect_format(
                &json!({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"})
            ),
            Ok(InputFormat::OpenBadges2)
        );
        assert!(detect_format(&json!([1, 2])).is_err());
        assert!(detect_format(&json!(42)).is_err());
        assert!(detect_format(&json!("hello")).is_err());
    }
}
