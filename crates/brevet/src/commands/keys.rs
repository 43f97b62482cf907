//! `brevet keys generate`: a new Ed25519 key as Multikey JSON with a did:key controller.

use std::path::Path;
use std::process::ExitCode;

use super::{Failure, Status, WithStatus};

pub(crate) fn generate(_out: Option<&Path>) -> Result<ExitCode, Failure> {
    Err(anyhow::anyhow!("key generation is not wired yet")).or_exit(Status::Unreadable)
}
