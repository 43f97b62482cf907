//! `brevet bench`: single-thread throughput figures.

use std::process::ExitCode;

use super::{Failure, Status, WithStatus};
use crate::cli::BenchArgs;

pub(crate) fn run(_args: &BenchArgs) -> Result<ExitCode, Failure> {
    Err(anyhow::anyhow!("bench is not wired yet")).or_exit(Status::Unreadable)
}
