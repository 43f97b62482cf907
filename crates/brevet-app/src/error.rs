//! Application errors: each kind maps to one HTTP status in the server and one exit code in the
//! CLI; the `code` is a stable machine-readable name (W3C error codes where one exists).

use brevet_store::StoreError;

/// What went wrong in a use case.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The object does not exist, or belongs to another organisation (no existence oracle).
    #[error("not found")]
    NotFound,
    /// No valid credentials were presented.
    #[error("authentication required: {0}")]
    Unauthorized(String),
    /// Authenticated, but the role does not allow this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The request itself is malformed (400).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// The request is well-formed but its content is invalid (422).
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// The request conflicts with the current state (409).
    #[error("{0}")]
    Conflict(String),
    /// The request is too large (413).
    #[error("{0}")]
    TooLarge(String),
    /// Something the use case needs is unavailable right now (503).
    #[error("{0}")]
    Unavailable(String),
    /// A bug or an unexpected backend failure (500); the detail is logged, not shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn invalid(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Invalid {
            code,
            message: message.into(),
        }
    }

    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "NOT_FOUND",
            AppError::Unauthorized(_) => "UNAUTHORIZED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::BadRequest { code, .. } | AppError::Invalid { code, .. } => code,
            AppError::Conflict(_) => "CONFLICT",
            AppError::TooLarge(_) => "TOO_LARGE",
            AppError::Unavailable(_) => "UNAVAILABLE",
            AppError::Internal(_) => "INTERNAL_ERROR",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(what) => AppError::Conflict(what),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<crate::master_key::MasterKeyError> for AppError {
    fn from(error: crate::master_key::MasterKeyError) -> Self {
        AppError::Internal(error.to_string())
    }
}
