//! brevet-server's integration tests: the real router on an ephemeral port over SQLite and
//! PostgreSQL (brevet-test-support), one module per area.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod pages;
