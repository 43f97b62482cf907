//! Store errors: not found, conflict (a unique constraint), configuration, and backend failures.

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Backend(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Turns a unique violation into [`StoreError::Conflict`] naming `what`.
    pub fn conflict_on(error: sqlx::Error, what: &str) -> StoreError {
        if crate::is_unique_violation(&error) {
            StoreError::Conflict(what.to_owned())
        } else {
            StoreError::Backend(error)
        }
    }
}
