//! Brevet server integration tests: one binary, one module per area, each running the real
//! router over SQLite and PostgreSQL through brevet-test-support.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod achievements;
mod auth;
mod certificate;
mod e2e;
mod import;
mod interop;
mod oid4vci;
mod pages;
mod setup;
mod vcapi;
mod wallet;
