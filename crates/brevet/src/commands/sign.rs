//! `brevet sign`: adds a Data Integrity proof to an unsigned credential.

use std::process::ExitCode;

use super::{Failure, Status, WithStatus};
use crate::cli::SignArgs;

pub(crate) fn run(_args: &SignArgs) -> Result<ExitCode, Failure> {
    Err(anyhow::anyhow!("signing is not wired yet")).or_exit(Status::Unreadable)
}
