//! brevet-server's integration tests: one binary, one module per area.

mod e2e;
