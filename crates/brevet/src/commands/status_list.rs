//! `brevet status-list create`: a signed Bitstring Status List credential, ready to publish.

use std::process::ExitCode;

use anyhow::Context;
use brevet_core::datetime::format_now_like;
use brevet_core::issue::sign_credential_with_method;
use brevet_core::linked_data::LinkedData;
use brevet_core::statuslist::{Bitstring, ListValidity, build_status_list_credential};
use serde_json::Value;

use super::sign::{cryptosuite, read_key_file};
use super::{Failure, Status, WithStatus};
use crate::cli::StatusListCreateArgs;

/// Entries in a new list: the minimum the specification allows (herd privacy).
const LIST_ENTRIES: usize = 131_072;

pub(crate) fn create(args: &StatusListCreateArgs) -> Result<ExitCode, Failure> {
    let key_file = read_key_file(&args.key).or_exit(Status::Unreadable)?;
    let mut bits = Bitstring::new(LIST_ENTRIES);
    for index in &args.set {
        let position = usize::try_from(*index)
            .ok()
            .filter(|position| *position < bits.len())
            .with_context(|| format!("--set {index}: the list has {} entries", bits.len()))
            .or_exit(Status::Invalid)?;
        bits.set(position, true)
            .context("setting an entry")
            .or_exit(Status::Invalid)?;
    }
    let now = format_now_like(crate::clock::now());
    let validity = ListValidity {
        valid_from: Some(now.clone()),
        ..ListValidity::default()
    };
    let unsigned = build_status_list_credential(
        &args.url,
        &Value::from(key_file.controller.as_str()),
        &args.purpose,
        &bits,
        &validity,
    );
    let signed = sign_credential_with_method(
        &unsigned,
        key_file.key_pair(),
        &key_file.id,
        cryptosuite(args.suite),
        &now,
        LinkedData::shared(),
    )
    .context("refused to sign the status list")
    .or_exit(Status::Invalid)?;
    let text = serde_json::to_string_pretty(&signed)
        .context("writing the list")
        .or_exit(Status::Unreadable)?;
    println!("{text}");
    Ok(Status::Success.into())
}
