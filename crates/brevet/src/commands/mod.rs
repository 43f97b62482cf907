//! One module per command; each returns the exit status it succeeded with, or a [`Failure`]
//! carrying the status to exit with and the error to print.

mod backup;
mod bake;
mod bench;
mod config;
mod demo;
mod keys;
mod master_key;
mod org;
mod serve;
mod server_setup;
mod sign;
mod status_list;
mod unbake;
mod verify;

use std::process::ExitCode;

use crate::cli::{Cli, Command, KeysCommand, StatusListCommand};

/// Exit statuses shared by every command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Status {
    /// Done: signed, verified.
    Success = 0,
    /// Refused (the credential is invalid) or invalid (a check failed).
    Invalid = 1,
    /// Unreadable input or key, or something could not be checked.
    Unreadable = 2,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(status as u8)
    }
}

/// A command that did not succeed: the status to exit with and what to tell the user.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) status: Status,
    pub(crate) error: anyhow::Error,
}

/// Attaches an exit status to an error.
pub(crate) trait WithStatus<T> {
    fn or_exit(self, status: Status) -> Result<T, Failure>;
}

impl<T, E: Into<anyhow::Error>> WithStatus<T> for Result<T, E> {
    fn or_exit(self, status: Status) -> Result<T, Failure> {
        self.map_err(|error| Failure {
            status,
            error: error.into(),
        })
    }
}

/// Runs the parsed command.
pub(crate) fn run(cli: Cli) -> Result<ExitCode, Failure> {
    brevet_core::contexts::verify_integrity()
        .map_err(|error| {
            anyhow::anyhow!("the embedded contexts are damaged, refusing to run: {error}")
        })
        .or_exit(Status::Unreadable)?;
    match cli.command {
        Command::Keys(KeysCommand::Generate { out }) => keys::generate(out.as_deref()),
        Command::Sign(args) => sign::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::StatusList(StatusListCommand::Create(args)) => status_list::create(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Org(crate::cli_server::OrgCommand::Create(args)) => org::create(&args),
        Command::Backup(args) => backup::backup(&args),
        Command::Restore(args) => backup::restore(&args),
        Command::MasterKey(crate::cli_server::MasterKeyCommand::Rotate(args)) => {
            master_key::rotate(&args)
        }
        Command::Bake(args) => bake::run(&args),
        Command::Unbake(args) => unbake::run(&args),
    }
}
