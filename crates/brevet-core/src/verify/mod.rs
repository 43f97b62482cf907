//! The verifier: one function, [`verify`], that runs every check on a credential and returns a
//! [`VerificationReport`] with one entry per check (`syntax`, `context`, `proof`, `issuer-key`,
//! `validity`, `status`) for Data Integrity credentials and VC-JWTs ([`jwt`]). It fails closed: the credential is verified only when no check failed
//! and every check could be made.
//!
//! The core does no IO: DID documents (other than did:key, resolved locally) and status list
//! credentials come from the caller through [`DidSource`] and [`StatusListSource`], and the time
//! through [`VerifyEnv::now`]. Contexts are never fetched.

mod context;
mod format;
pub mod jwt;
pub mod presentation;
mod proofs;
mod report;
mod secured;
mod sources;
mod status;
mod validity;

use serde_json::Value;
use time::OffsetDateTime;

use crate::linked_data::LinkedData;

pub use context::{ContextPolicy, ContextRuleError, check_contexts, check_contexts_with};
pub use format::{InputFormat, detect_format};
pub use report::{CheckName, CheckResult, Outcome, Verdict, VerificationReport};
pub use sources::{DidSource, NoSources, SourceError, StaticSources, StatusListSource};
pub use validity::check_validity;

/// Everything the verifier needs from the outside world.
#[derive(Clone, Copy)]
pub struct VerifyEnv<'a> {
    /// The verification time (an injected clock, or `--at`).
    pub now: OffsetDateTime,
    /// JSON-LD processing over the pinned contexts (plus any extra documents it serves).
    pub ld: &'a LinkedData,
    /// DID documents for DID methods other than did:key.
    pub dids: &'a dyn DidSource,
    /// Status list credentials, by URL.
    pub status_lists: &'a dyn StatusListSource,
}

/// Verifies a credential and reports every check.
pub fn verify(input: &Value, env: &VerifyEnv<'_>) -> VerificationReport {
    match detect_format(input) {
        Ok(InputFormat::DataIntegrity) => secured::verify_data_integrity(input, env),
        Ok(InputFormat::Jwt) => match input.as_str() {
            Some(token) if carries_open_badges_2(token) => unsupported_format(
                "the JWS carries an Open Badges 2.0 assertion: it is verified against its issuer's published documents (the server's verify page and API, which fetch them)",
            ),
            Some(token) => jwt::verify_jwt(token, env),
            None => unsupported_format("the input is not a JWT"),
        },
        Ok(unsupported) => {
            unsupported_format(&format!("{} are not supported yet", unsupported.describe()))
        }
        Err(reason) => unsupported_format(&reason),
    }
}

/// Whether a compact JWS's payload is an Open Badges 2.0 assertion (a signed badge).
fn carries_open_badges_2(token: &str) -> bool {
    crate::jose::CompactJws::parse(token).is_ok_and(|jws| crate::ob2::is_assertion(jws.payload()))
}

/// A report where `check` failed for `reason` and nothing else could be checked (`not_checked`
/// says why): a token refused before it was read, an input that is not a credential.
pub fn refused_report(check: CheckName, reason: &str, not_checked: &str) -> VerificationReport {
    let checks = CheckName::ALL
        .iter()
        .map(|&name| {
            if name == check {
                CheckResult::failed(name, reason)
            } else {
                CheckResult::could_not_check(name, not_checked)
            }
        })
        .collect();
    VerificationReport::from_checks(checks)
}

/// A report for input the verifier cannot read: syntax fails, nothing else is checked.
fn unsupported_format(reason: &str) -> VerificationReport {
    let mut checks = vec![CheckResult::failed(CheckName::Syntax, reason)];
    checks.extend(CheckName::ALL.iter().skip(1).map(|&name| {
        CheckResult::could_not_check(
            name,
            "not checked: the input is not a credential Brevet reads",
        )
    }));
    VerificationReport::from_checks(checks)
}

#[cfg(test)]
mod tests;
