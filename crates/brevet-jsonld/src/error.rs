//! JSON-LD errors, carrying the error codes the JSON-LD 1.1 API defines.

/// A JSON-LD 1.1 error code (https://www.w3.org/TR/json-ld11-api/#jsonlderrorcode), plus
/// `safe mode: …` codes for data that safe mode refuses to drop silently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorCode(pub &'static str);

impl ErrorCode {
    pub const COLLIDING_KEYWORDS: ErrorCode = ErrorCode("colliding keywords");
    pub const CONTEXT_OVERFLOW: ErrorCode = ErrorCode("context overflow");
    pub const CYCLIC_IRI_MAPPING: ErrorCode = ErrorCode("cyclic IRI mapping");
    pub const INVALID_BASE_DIRECTION: ErrorCode = ErrorCode("invalid base direction");
    pub const INVALID_BASE_IRI: ErrorCode = ErrorCode("invalid base IRI");
    pub const INVALID_CONTAINER_MAPPING: ErrorCode = ErrorCode("invalid container mapping");
    pub const INVALID_CONTEXT_ENTRY: ErrorCode = ErrorCode("invalid context entry");
    pub const INVALID_CONTEXT_NULLIFICATION: ErrorCode = ErrorCode("invalid context nullification");
    pub const INVALID_DEFAULT_LANGUAGE: ErrorCode = ErrorCode("invalid default language");
    pub const INVALID_ID_VALUE: ErrorCode = ErrorCode("invalid @id value");
    pub const INVALID_IMPORT_VALUE: ErrorCode = ErrorCode("invalid @import value");
    pub const INVALID_INCLUDED_VALUE: ErrorCode = ErrorCode("invalid @included value");
    pub const INVALID_INDEX_VALUE: ErrorCode = ErrorCode("invalid @index value");
    pub const INVALID_IRI_MAPPING: ErrorCode = ErrorCode("invalid IRI mapping");
    pub const INVALID_JSON_LITERAL: ErrorCode = ErrorCode("invalid JSON literal");
    pub const INVALID_KEYWORD_ALIAS: ErrorCode = ErrorCode("invalid keyword alias");
    pub const INVALID_LANGUAGE_MAP_VALUE: ErrorCode = ErrorCode("invalid language map value");
    pub const INVALID_LANGUAGE_MAPPING: ErrorCode = ErrorCode("invalid language mapping");
    pub const INVALID_LANGUAGE_TAGGED_STRING: ErrorCode =
        ErrorCode("invalid language-tagged string");
    pub const INVALID_LANGUAGE_TAGGED_VALUE: ErrorCode = ErrorCode("invalid language-tagged value");
    pub const INVALID_LOCAL_CONTEXT: ErrorCode = ErrorCode("invalid local context");
    pub const INVALID_NEST_VALUE: ErrorCode = ErrorCode("invalid @nest value");
    pub const INVALID_PREFIX_VALUE: ErrorCode = ErrorCode("invalid @prefix value");
    pub const INVALID_PROPAGATE_VALUE: ErrorCode = ErrorCode("invalid @propagate value");
    pub const INVALID_PROTECTED_VALUE: ErrorCode = ErrorCode("invalid @protected value");
    pub const INVALID_REMOTE_CONTEXT: ErrorCode = ErrorCode("invalid remote context");
    pub const INVALID_REVERSE_PROPERTY: ErrorCode = ErrorCode("invalid reverse property");
    pub const INVALID_REVERSE_PROPERTY_MAP: ErrorCode = ErrorCode("invalid reverse property map");
    pub const INVALID_REVERSE_PROPERTY_VALUE: ErrorCode =
        ErrorCode("invalid reverse property value");
    pub const INVALID_REVERSE_VALUE: ErrorCode = ErrorCode("invalid @reverse value");
    pub const INVALID_SCOPED_CONTEXT: ErrorCode = ErrorCode("invalid scoped context");
    pub const INVALID_SET_OR_LIST_OBJECT: ErrorCode = ErrorCode("invalid set or list object");
    pub const INVALID_TERM_DEFINITION: ErrorCode = ErrorCode("invalid term definition");
    pub const INVALID_TYPE_MAPPING: ErrorCode = ErrorCode("invalid type mapping");
    pub const INVALID_TYPE_VALUE: ErrorCode = ErrorCode("invalid type value");
    pub const INVALID_TYPED_VALUE: ErrorCode = ErrorCode("invalid typed value");
    pub const INVALID_VALUE_OBJECT: ErrorCode = ErrorCode("invalid value object");
    pub const INVALID_VALUE_OBJECT_VALUE: ErrorCode = ErrorCode("invalid value object value");
    pub const INVALID_VERSION_VALUE: ErrorCode = ErrorCode("invalid @version value");
    pub const INVALID_VOCAB_MAPPING: ErrorCode = ErrorCode("invalid vocab mapping");
    pub const IRI_CONFUSED_WITH_PREFIX: ErrorCode = ErrorCode("IRI confused with prefix");
    pub const KEYWORD_REDEFINITION: ErrorCode = ErrorCode("keyword redefinition");
    pub const LOADING_DOCUMENT_FAILED: ErrorCode = ErrorCode("loading document failed");
    pub const LOADING_REMOTE_CONTEXT_FAILED: ErrorCode = ErrorCode("loading remote context failed");
    pub const PROCESSING_MODE_CONFLICT: ErrorCode = ErrorCode("processing mode conflict");
    pub const PROTECTED_TERM_REDEFINITION: ErrorCode = ErrorCode("protected term redefinition");
    /// Not a JSON-LD code: the document nests arrays / objects too deeply to expand safely.
    pub const NESTING_TOO_DEEP: ErrorCode = ErrorCode("nesting too deep");
    pub const RECURSIVE_CONTEXT_INCLUSION: ErrorCode = ErrorCode("recursive context inclusion");

    // Safe mode (jsonld.js `safe: true` event names): data expansion would drop or leave relative.
    pub const SAFE_INVALID_PROPERTY: ErrorCode = ErrorCode("safe mode: invalid property");
    pub const SAFE_RELATIVE_ID: ErrorCode = ErrorCode("safe mode: relative @id reference");
    pub const SAFE_RELATIVE_TYPE: ErrorCode = ErrorCode("safe mode: relative @type reference");
    pub const SAFE_RELATIVE_VOCAB: ErrorCode = ErrorCode("safe mode: relative @vocab reference");
    pub const SAFE_INVALID_LANGUAGE: ErrorCode = ErrorCode("safe mode: invalid @language value");
    pub const SAFE_RESERVED_ID: ErrorCode = ErrorCode("safe mode: reserved @id value");
    pub const SAFE_RESERVED_TERM: ErrorCode = ErrorCode("safe mode: reserved term");
    pub const SAFE_NULL_VALUE: ErrorCode = ErrorCode("safe mode: null @value value");
    pub const SAFE_DROPPED_OBJECT: ErrorCode = ErrorCode("safe mode: dropped free-floating value");
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{}: {message}", code.0)]
pub struct JsonLdError {
    pub code: ErrorCode,
    pub message: String,
}

impl JsonLdError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        JsonLdError {
            code,
            message: message.into(),
        }
    }
}

/// Shorthand for building an `Err(JsonLdError)`.
pub(crate) fn fail<T>(code: ErrorCode, message: impl Into<String>) -> Result<T, JsonLdError> {
    Err(JsonLdError::new(code, message))
}
