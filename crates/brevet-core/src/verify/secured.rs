//! Verifying a Data Integrity-secured credential: the six checks in order.
//!
//! The context check runs first: when it fails, nothing is given to the JSON-LD processor (no
//! proof check) and nothing is fetched (no status check). Validity is always evaluated, apart
//! from the proof (DATE-03). The status list is only fetched for a credential whose proof and
//! issuer binding did not fail.

use serde_json::Value;

use super::VerifyEnv;
use super::context::{ContextPolicy, check_contexts_with};
use super::proofs::check_proofs;
use super::report::{CheckName, CheckResult, Outcome, VerificationReport};
use super::status::check_credential_status;
use super::validity::check_validity;
use crate::model::{CredentialInfo, VcVersion, check_credential};
use crate::proof::Cryptosuite;

/// Runs every check on a JSON-LD credential with embedded proofs.
pub(super) fn verify_data_integrity(document: &Value, env: &VerifyEnv<'_>) -> VerificationReport {
    let context = match check_contexts_with(document, env.ld, context_policy(document)) {
        Ok(urls) => CheckResult::passed(
            CheckName::Context,
            format!("{} pinned context(s): {}", urls.len(), urls.join(", ")),
        ),
        Err(error) => CheckResult::failed(CheckName::Context, format!("INVALID_CONTEXT: {error}")),
    };
    let syntax = match check_credential(document) {
        Ok(info) => CheckResult::passed(CheckName::Syntax, describe_credential(&info)),
        Err(errors) => {
            CheckResult::failed(CheckName::Syntax, format!("{}: {errors}", errors.code()))
        }
    };
    let context_ok = context.outcome == Outcome::Passed;
    let (proof, issuer_key) = if context_ok {
        let findings = check_proofs(document, env);
        (findings.proof, findings.issuer_key)
    } else {
        let reason = "not checked: the credential's contexts were refused";
        (
            CheckResult::could_not_check(CheckName::Proof, reason),
            CheckResult::could_not_check(CheckName::IssuerKey, reason),
        )
    };
    let validity = check_validity(document, env.now);
    let blocker = [&syntax, &context, &proof, &issuer_key]
        .into_iter()
        .find(|check| check.outcome == Outcome::Failed);
    let status = match blocker {
        Some(failed) => CheckResult::could_not_check(
            CheckName::Status,
            format!(
                "not checked: the {} check failed, so no status list is fetched",
                failed.check
            ),
        ),
        None => check_credential_status(document, env),
    };
    VerificationReport::from_checks(vec![syntax, context, proof, issuer_key, validity, status])
}

fn describe_credential(info: &CredentialInfo) -> String {
    let model = match info.version {
        VcVersion::V2 => "VC Data Model 2.0",
        VcVersion::V1_1 => "VC Data Model 1.1",
    };
    let rules = if info.is_open_badge {
        " and the Open Badges 3.0 rules"
    } else {
        ""
    };
    format!(
        "{} issued by {}: follows the {model}{rules}",
        info.types.join(", "),
        info.issuer_id
    )
}

/// Any inline context is acceptable when every proof is eddsa-jcs-2022 (see
/// [`ContextPolicy::AllowInline`]); otherwise only self-describing ones
/// ([`ContextPolicy::SelfDescribingInline`]).
pub(super) fn context_policy(document: &Value) -> ContextPolicy {
    let proofs = crate::proof::list_proofs(document);
    let all_jcs = !proofs.is_empty()
        && proofs.iter().all(|proof| {
            proof.get("type").and_then(Value::as_str) == Some(crate::proof::DATA_INTEGRITY_PROOF)
                && proof.get("cryptosuite").and_then(Value::as_str)
                    == Some(Cryptosuite::EddsaJcs2022.name())
        });
    if all_jcs {
        ContextPolicy::AllowInline
    } else {
        ContextPolicy::SelfDescribingInline
    }
}
