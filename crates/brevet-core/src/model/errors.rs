//! Validation errors: each names the field as a JSON path, carries the W3C error code where one
//! exists, and says specifically what is wrong.

use std::fmt;

/// The W3C VC Data Model 2.0 error code that best describes a model error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `PARSING_ERROR`: the document is not well-formed (not JSON, not an object).
    Parsing,
    /// `MALFORMED_VALUE_ERROR`: a required value is missing or a value has the wrong form.
    MalformedValue,
    /// `RANGE_ERROR`: a value lies outside the range it must respect (validFrom after
    /// validUntil).
    Range,
}

impl ErrorCode {
    /// The code as the W3C specifications write it, e.g. `MALFORMED_VALUE_ERROR`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Parsing => "PARSING_ERROR",
            ErrorCode::MalformedValue => "MALFORMED_VALUE_ERROR",
            ErrorCode::Range => "RANGE_ERROR",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with a credential: where (`$.credentialSubject.achievement.criteria`), which
/// rule set found it, and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message} [{code}]")]
pub struct ModelError {
    /// JSON path of the offending field, `$` for the document itself.
    pub path: String,
    pub code: ErrorCode,
    pub message: String,
}

impl ModelError {
    pub fn malformed(path: impl Into<String>, message: impl Into<String>) -> Self {
        ModelError {
            path: path.into(),
            code: ErrorCode::MalformedValue,
            message: message.into(),
        }
    }
}

/// Every problem found in one document (never empty when returned as an error).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModelErrors(pub Vec<ModelError>);

impl ModelErrors {
    pub fn iter(&self) -> impl Iterator<Item = &ModelError> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The most specific W3C code: the first error's.
    pub fn code(&self) -> ErrorCode {
        self.0
            .first()
            .map_or(ErrorCode::MalformedValue, |error| error.code)
    }

    /// Whether some error concerns `path` or a field below it.
    pub fn mentions(&self, path: &str) -> bool {
        self.0.iter().any(|error| {
            error.path == path
                || error
                    .path
                    .strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        })
    }
}

impl fmt::Display for ModelErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ModelErrors {}

/// Collects errors while walking a document.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    pub(crate) errors: Vec<ModelError>,
}

impl Findings {
    pub(crate) fn malformed(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(ModelError::malformed(path, message));
    }

    /// Records a malformed value at a lazily built path.
    pub(crate) fn malformed_at(&mut self, path: &JsonPath<'_>, message: impl Into<String>) {
        self.errors
            .push(ModelError::malformed(path.to_string(), message));
    }

    pub(crate) fn push(&mut self, path: &str, code: ErrorCode, message: impl Into<String>) {
        self.errors.push(ModelError {
            path: path.to_owned(),
            code,
            message: message.into(),
        });
    }
}

/// A JSON path built on the stack while walking a document, written out only when an error
/// needs it: `$`, `$.issuer`, `$.proof[0]`, `$["@context"]`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum JsonPath<'a> {
    Root,
    Key(&'a JsonPath<'a>, &'a str),
    Index(&'a JsonPath<'a>, usize),
}

impl<'a> JsonPath<'a> {
    pub(crate) fn key(&'a self, key: &'a str) -> JsonPath<'a> {
        JsonPath::Key(self, key)
    }

    pub(crate) fn index(&'a self, index: usize) -> JsonPath<'a> {
        JsonPath::Index(self, index)
    }
}

impl std::fmt::Display for JsonPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonPath::Root => f.write_str("$"),
            JsonPath::Key(parent, key) => {
                write!(f, "{parent}")?;
                crate::json::write_path_key(f, key)
            }
            JsonPath::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_display() {
        let root = JsonPath::Root;
        assert_eq!(root.key("issuer").to_string(), "$.issuer");
        assert_eq!(root.key("@context").to_string(), "$[\"@context\"]");
        assert_eq!(root.key("proof").index(2).to_string(), "$.proof[2]");
        let errors = ModelErrors(vec![ModelError::malformed("$.issuer", "is required")]);
        assert_eq!(
            errors.to_string(),
            "$.issuer: is required [MALFORMED_VALUE_ERROR]"
        );
        assert!(errors.mentions("$.issuer"));
        assert!(errors.mentions("$"));
        assert!(!errors.mentions("$.iss"));
        let context = root.key("@context");
        assert_eq!(
            context.index(1).key("term").to_string(),
            "$[\"@context\"][1].term"
        );
    }
}
