//! The `brevet` command line: one binary for every role. Parses arguments (`cli`), runs the
//! command (`commands`), and turns the outcome into an exit status: 0 success, 1 refused or
//! invalid, 2 unreadable input or something that could not be checked.

mod cli;
mod cli_server;
mod clock;
mod commands;
mod contexts;
mod input;
mod report;
mod sample;
mod sources;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: signing and verifying allocate many small strings and maps (JSON-LD values, RDF
/// terms); it is markedly faster than the system allocator for that pattern.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("brevet: {:#}", failure.error);
            ExitCode::from(failure.status as u8)
        }
    }
}
