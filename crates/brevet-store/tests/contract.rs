//! Store contract tests: every query function of every store module, run against SQLite (a
//! temporary directory) and PostgreSQL (a fresh database per test). PostgreSQL is at
//! `BREVET_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`); when it
//! does not answer, its half of each test prints SKIPPED, unless `BREVET_REQUIRE_POSTGRES=1`,
//! which makes it fail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "contract/harness.rs"]
mod harness;

#[path = "contract/achievements_images.rs"]
mod achievements_images;
#[path = "contract/certificate_designs.rs"]
mod certificate_designs;
#[path = "contract/credentials.rs"]
mod credentials;
#[path = "contract/idempotency_audit.rs"]
mod idempotency_audit;
#[path = "contract/keys.rs"]
mod keys;
#[path = "contract/orgs_users.rs"]
mod orgs_users;
#[path = "contract/status.rs"]
mod status;
#[path = "contract/wallet.rs"]
mod wallet;
#[path = "contract/wallet_imported.rs"]
mod wallet_imported;
