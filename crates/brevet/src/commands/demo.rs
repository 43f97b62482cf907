//! `brevet demo`: the main job end to end.

use std::process::ExitCode;

use super::{Failure, Status, WithStatus};
use crate::cli::DemoArgs;

pub(crate) fn run(_args: &DemoArgs) -> Result<ExitCode, Failure> {
    Err(anyhow::anyhow!("demo is not wired yet")).or_exit(Status::Unreadable)
}
