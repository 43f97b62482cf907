//! JSON-LD errors, carrying the error codes the JSON-LD 1.1 API defines.

/// A JSON-LD 1.1 error code (https://www.w3.org/TR/json-ld11-api/#jsonlderrorcode), plus
/// `SafeMode` for data that safe mode refuses to drop silently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorCode(pub &'static str);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{}: {message}", code.0)]
pub struct JsonLdError {
    pub code: ErrorCode,
    pub message: String,
}
