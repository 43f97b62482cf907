//! `brevet verify`: runs the verifier and prints the report (human or JSON); the exit status
//! follows the verdict (0 verified, 1 invalid, 2 could not check or unreadable).

use std::process::ExitCode;

use anyhow::Context;
use brevet_core::linked_data::LinkedData;
use brevet_core::verify::{Verdict, VerificationReport, VerifyEnv, verify};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Failure, Status, WithStatus};
use crate::cli::VerifyArgs;
use crate::input::{parse_json, read_text};
use crate::report::render;
use crate::sources::CliSources;

pub(crate) fn run(args: &VerifyArgs) -> Result<ExitCode, Failure> {
    let now = match &args.at {
        Some(text) => OffsetDateTime::parse(text, &Rfc3339)
            .with_context(|| format!("--at {text:?} is not an RFC 3339 date-time with a timezone"))
            .or_exit(Status::Unreadable)?,
        None => crate::clock::now(),
    };
    let sources = CliSources::new(&args.did_docs, &args.status_lists, args.offline)
        .or_exit(Status::Unreadable)?;
    let contexts = crate::contexts::operator_contexts(&args.contexts)
        .and_then(|contexts| crate::contexts::linked_data(&contexts))
        .or_exit(Status::Unreadable)?;
    let credential = read_credential(args.input.as_deref()).or_exit(Status::Unreadable)?;
    let env = VerifyEnv {
        now,
        ld: contexts.as_deref().unwrap_or_else(|| LinkedData::shared()),
        dids: &sources,
        status_lists: &sources,
    };
    let report = verify(&credential, &env);
    print_report(&report, args.json).or_exit(Status::Unreadable)?;
    Ok(exit_status(&report).into())
}

pub(crate) fn print_report(report: &VerificationReport, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        print!("{}", render(report));
    }
    Ok(())
}

pub(crate) fn exit_status(report: &VerificationReport) -> Status {
    match report.verdict() {
        Verdict::Verified => Status::Success,
        Verdict::Invalid => Status::Invalid,
        Verdict::Indeterminate => Status::Unreadable,
    }
}

/// Reads the credential: JSON, or a compact JWS (a VC-JWT), which is handed to the verifier as
/// a string so that the report says what it is.
fn read_credential(path: Option<&std::path::Path>) -> anyhow::Result<serde_json::Value> {
    let text = read_text(path)?;
    let trimmed = text.trim();
    let is_compact_jws = trimmed.split('.').count() == 3
        && trimmed
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_'));
    if is_compact_jws {
        return Ok(serde_json::Value::from(trimmed));
    }
    parse_json(&text, "the credential")
}
