//! brevet-server's integration tests: one module per area, each running the real router over
//! SQLite and PostgreSQL through brevet-test-support.

mod achievements;
