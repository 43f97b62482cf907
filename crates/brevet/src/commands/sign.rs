//! `brevet sign`: adds a Data Integrity proof to an unsigned credential and prints it. `created`
//! is the current time in UTC, whole seconds.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use brevet_core::datetime::format_now_like;
use brevet_core::issue::sign_credential_with_method;
use brevet_core::linked_data::LinkedData;
use brevet_core::multikey::KeyFile;
use brevet_core::proof::Cryptosuite;

use super::{Failure, Status, WithStatus};
use crate::cli::{SignArgs, SuiteArg};
use crate::input::{read_json, read_text};

pub(crate) fn run(args: &SignArgs) -> Result<ExitCode, Failure> {
    let key_file = read_key_file(&args.key).or_exit(Status::Unreadable)?;
    let unsigned =
        read_json(args.input.as_deref(), "the credential").or_exit(Status::Unreadable)?;
    let contexts = crate::contexts::operator_contexts(&args.contexts)
        .and_then(|contexts| crate::contexts::linked_data(&contexts))
        .or_exit(Status::Unreadable)?;
    let created = format_now_like(crate::clock::now());
    let signed = sign_credential_with_method(
        &unsigned,
        key_file.key_pair(),
        &key_file.id,
        cryptosuite(args.suite),
        &created,
        contexts.as_deref().unwrap_or_else(|| LinkedData::shared()),
    )
    .context("refused to sign")
    .or_exit(Status::Invalid)?;
    let text = serde_json::to_string_pretty(&signed)
        .context("writing the signed credential")
        .or_exit(Status::Unreadable)?;
    println!("{text}");
    Ok(Status::Success.into())
}

/// Reads and checks a key file.
pub(crate) fn read_key_file(path: &Path) -> anyhow::Result<KeyFile> {
    let text = read_text(Some(path))?;
    KeyFile::parse(&text).with_context(|| format!("the key file {} is not usable", path.display()))
}

pub(crate) fn cryptosuite(suite: SuiteArg) -> Cryptosuite {
    match suite {
        SuiteArg::EddsaRdfc2022 => Cryptosuite::EddsaRdfc2022,
        SuiteArg::EddsaJcs2022 => Cryptosuite::EddsaJcs2022,
    }
}
