//! The `status` check: each `BitstringStatusListEntry` of `credentialStatus`.
//!
//! For each entry: the list credential comes from the caller's source (cannot be had →
//! could-not-check, `STATUS_RETRIEVAL_ERROR`; STS-02); the list credential is verified in turn
//! (pinned contexts, every proof, its key bound to its issuer, its validity) and its issuer must be
//! the credential's issuer (else failed, `STATUS_VERIFICATION_ERROR`; STS-01); its id must be the
//! URL and its purpose the entry's (STS-03); then the bit: set → failed, naming the purpose
//! (revoked, suspended). Every entry is reported; any failure fails the check.

use serde_json::Value;

use super::VerifyEnv;
use super::context::check_contexts_with;
use super::proofs::{check_proofs, issuer_id};
use super::report::{CheckName, CheckResult, Outcome};
use super::secured::context_policy;
use super::sources::SourceError;
use super::validity::check_validity;
use crate::statuslist::{StatusEntry, check_status};

const ENTRY_TYPE: &str = "BitstringStatusListEntry";
const VERIFICATION_ERROR: &str = "STATUS_VERIFICATION_ERROR";
const RETRIEVAL_ERROR: &str = "STATUS_RETRIEVAL_ERROR";

/// Runs the status check on a credential whose proof and issuer binding did not fail.
pub(crate) fn check_credential_status(document: &Value, env: &VerifyEnv<'_>) -> CheckResult {
    let entries: Vec<&Value> = match document.get("credentialStatus") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(entries)) => entries.iter().collect(),
        Some(single) => vec![single],
    };
    if entries.is_empty() {
        return CheckResult::not_applicable(
            CheckName::Status,
            "no credentialStatus: the issuer offers no revocation or suspension",
        );
    }
    let issuer = issuer_id(document);
    let findings: Vec<(Outcome, String)> = entries
        .iter()
        .map(|entry| check_entry(entry, issuer, env))
        .collect();
    for wanted in [Outcome::Failed, Outcome::CouldNotCheck] {
        let reasons: Vec<&str> = findings
            .iter()
            .filter(|(outcome, _)| *outcome == wanted)
            .map(|(_, reason)| reason.as_str())
            .collect();
        if !reasons.is_empty() {
            return CheckResult::new(CheckName::Status, wanted, reasons.join("; "));
        }
    }
    let summaries: Vec<&str> = findings.iter().map(|(_, reason)| reason.as_str()).collect();
    CheckResult::passed(CheckName::Status, summaries.join("; "))
}

fn check_entry(entry: &Value, issuer: Option<&str>, env: &VerifyEnv<'_>) -> (Outcome, String) {
    let entry_type = entry.get("type");
    let is_bitstring = match entry_type {
        Some(Value::String(name)) => name == ENTRY_TYPE,
        Some(Value::Array(names)) => names.iter().any(|name| name == ENTRY_TYPE),
        _ => false,
    };
    if !is_bitstring {
        let shown = entry_type.map_or_else(|| "(none)".to_owned(), Value::to_string);
        return (
            Outcome::CouldNotCheck,
            format!("status entry type {shown} is not supported (only {ENTRY_TYPE})"),
        );
    }
    let entry = match StatusEntry::parse(entry) {
        Ok(entry) => entry,
        Err(error) => return (Outcome::Failed, format!("{}: {error}", error.code())),
    };
    let url = entry.status_list_credential.as_str();
    let list = match env.status_lists.status_list_credential(url) {
        Ok(list) => list,
        Err(SourceError::Unavailable(reason) | SourceError::Invalid(reason)) => {
            return (
                Outcome::CouldNotCheck,
                format!(
                    "{RETRIEVAL_ERROR}: the {} list {url} could not be had: {reason}",
                    entry.status_purpose
                ),
            );
        }
    };
    if let Some(finding) = verify_list_credential(&list, url, issuer, env) {
        return finding;
    }
    match check_status(&entry, &list) {
        Ok(outcome) if outcome.set => {
            let state = match outcome.purpose.as_str() {
                "revocation" => "revoked".to_owned(),
                "suspension" => "suspended".to_owned(),
                other => format!("{other} status set"),
            };
            let message = outcome
                .message
                .map(|message| format!(" ({message})"))
                .unwrap_or_default();
            (
                Outcome::Failed,
                format!(
                    "{state}{message}: the {} list {url} has entry {} set",
                    outcome.purpose, outcome.index
                ),
            )
        }
        Ok(outcome) => {
            let state = match outcome.purpose.as_str() {
                "revocation" => "not revoked".to_owned(),
                "suspension" => "not suspended".to_owned(),
                other => format!("{other} status not set"),
            };
            (
                Outcome::Passed,
                format!("{state} (entry {} of {url})", outcome.index),
            )
        }
        Err(error) if error.code() == RETRIEVAL_ERROR => (
            Outcome::CouldNotCheck,
            format!("{RETRIEVAL_ERROR}: {error}"),
        ),
        Err(error) => (Outcome::Failed, format!("{}: {error}", error.code())),
    }
}

/// Verifies the list credential itself; `None` when it is acceptable.
fn verify_list_credential(
    list: &Value,
    url: &str,
    issuer: Option<&str>,
    env: &VerifyEnv<'_>,
) -> Option<(Outcome, String)> {
    let refuse = |reason: String| {
        Some((
            Outcome::Failed,
            format!("{VERIFICATION_ERROR}: the status list {url} {reason}"),
        ))
    };
    if let Err(error) = check_contexts_with(list, env.ld, context_policy(list)) {
        return refuse(format!("is refused: {error}"));
    }
    let list_issuer = issuer_id(list);
    if list_issuer.is_none() || list_issuer != issuer {
        return refuse(format!(
            "is issued by {}, not by the credential's issuer {}",
            list_issuer.unwrap_or("nobody"),
            issuer.unwrap_or("(none)")
        ));
    }
    let findings = check_proofs(list, env);
    for (name, result) in [("proof", &findings.proof), ("key", &findings.issuer_key)] {
        match result.outcome {
            Outcome::Passed | Outcome::NotApplicable => {}
            Outcome::Failed => {
                return refuse(format!("does not verify ({name}): {}", result.detail));
            }
            Outcome::CouldNotCheck => {
                return Some((
                    Outcome::CouldNotCheck,
                    format!(
                        "the status list {url} could not be verified ({name}): {}",
                        result.detail
                    ),
                ));
            }
        }
    }
    let validity = check_validity(list, env.now);
    if validity.outcome == Outcome::Failed {
        return refuse(format!("is not valid now: {}", validity.detail));
    }
    None
}
