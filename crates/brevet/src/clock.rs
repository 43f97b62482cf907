//! The clock: the one place the binary reads the current time (the core never does; it is given
//! the time as a parameter).

use time::OffsetDateTime;

/// The current time, UTC.
#[allow(clippy::disallowed_methods)]
pub(crate) fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}
