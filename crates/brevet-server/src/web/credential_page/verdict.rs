//! The verdict a page states above the checks, and the checks in words. The verdict names what
//! went wrong in the terms a reader needs (DATE-03): an intact credential past its end date is
//! "Expired", one whose issuer withdrew it "Revoked" (with the issuer's reason), never
//! "invalid signature"; only a failed integrity check (format, contexts, signature, issuer key)
//! makes it "Invalid".

use brevet_app::status::CredentialStatusView;
use brevet_core::verify::{CheckName, CheckResult, Outcome, VerificationReport};
use serde::Serialize;

use crate::web::inert;

/// The overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum VerdictKind {
    Verified,
    Revoked,
    Suspended,
    Expired,
    NotYetValid,
    CouldNotCheck,
    Invalid,
}

impl VerdictKind {
    /// The words shown.
    pub fn label(self) -> &'static str {
        match self {
            VerdictKind::Verified => "Verified",
            VerdictKind::Revoked => "Revoked",
            VerdictKind::Suspended => "Suspended",
            VerdictKind::Expired => "Expired",
            VerdictKind::NotYetValid => "Not yet valid",
            VerdictKind::CouldNotCheck => "Could not be checked",
            VerdictKind::Invalid => "Invalid",
        }
    }

    /// The style: `ok`, `bad` or `unknown`.
    pub fn class(self) -> &'static str {
        match self {
            VerdictKind::Verified => "ok",
            VerdictKind::CouldNotCheck => "unknown",
            _ => "bad",
        }
    }

    fn explanation(self) -> &'static str {
        match self {
            VerdictKind::Verified => {
                "The signature is intact, the issuer's key is confirmed, the credential is within \
                 its validity period and has not been revoked or suspended."
            }
            VerdictKind::Revoked => {
                "The issuer has revoked this credential: it is no longer valid."
            }
            VerdictKind::Suspended => {
                "The issuer has suspended this credential: it is not valid while suspended."
            }
            VerdictKind::Expired => {
                "The credential is authentic but its validity period has ended."
            }
            VerdictKind::NotYetValid => {
                "The credential is authentic but its validity period has not begun yet."
            }
            VerdictKind::CouldNotCheck => {
                "Nothing is known to be wrong, but not every check could be made, so the \
                 credential cannot be confirmed."
            }
            VerdictKind::Invalid => {
                "The credential failed a check: it may have been altered, or it was not issued \
                 as it claims."
            }
        }
    }
}

/// The verdict as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct VerdictDisplay {
    pub kind: VerdictKind,
    pub label: &'static str,
    pub class: &'static str,
    pub explanation: &'static str,
    /// The issuer's reason for a revocation or suspension, when it gave one.
    pub reason: Option<String>,
}

/// One check as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CheckRow {
    /// The check's report name (`proof`, `issuer-key`, ...).
    pub check: &'static str,
    /// What it checks, in words.
    pub label: &'static str,
    /// The outcome's report name (`passed`, `could-not-check`, ...), for styling.
    pub outcome: &'static str,
    pub outcome_label: &'static str,
    /// What the verifier found (may quote the credential: inert).
    pub detail: String,
}

/// The checks of `report`, in its order, in words.
pub fn check_rows(report: &VerificationReport) -> Vec<CheckRow> {
    report.checks.iter().map(check_row).collect()
}

fn check_row(result: &CheckResult) -> CheckRow {
    let label = match result.check {
        CheckName::Syntax => "Format: follows the credential data model",
        CheckName::Context => "Vocabulary: only known contexts",
        CheckName::Proof => "Signature: the content is as signed",
        CheckName::IssuerKey => "Issuer: the signing key belongs to the issuer",
        CheckName::Validity => "Dates: within the validity period",
        CheckName::Status => "Status: not revoked or suspended",
    };
    let outcome_label = match result.outcome {
        Outcome::Passed => "Passed",
        Outcome::Failed => "Failed",
        Outcome::CouldNotCheck => "Could not check",
        Outcome::NotApplicable => "Not applicable",
    };
    CheckRow {
        check: result.check.as_str(),
        label,
        outcome: result.outcome.as_str(),
        outcome_label,
        detail: inert(&result.detail),
    }
}

/// The verdict of `report`. `recorded` is the status this server recorded for a credential it
/// issued (where the reason comes from); `None` for any other credential.
pub fn verdict_of(
    report: &VerificationReport,
    recorded: Option<&[CredentialStatusView]>,
) -> VerdictDisplay {
    let kind = verdict_kind(report);
    let reason = match kind {
        VerdictKind::Revoked => recorded_reason(recorded, "revocation"),
        VerdictKind::Suspended => recorded_reason(recorded, "suspension"),
        _ => None,
    };
    VerdictDisplay {
        kind,
        label: kind.label(),
        class: kind.class(),
        explanation: kind.explanation(),
        reason,
    }
}

fn verdict_kind(report: &VerificationReport) -> VerdictKind {
    if report.verified {
        return VerdictKind::Verified;
    }
    let failed = |name: CheckName| report.outcome(name) == Some(Outcome::Failed);
    let integrity = [
        CheckName::Syntax,
        CheckName::Context,
        CheckName::Proof,
        CheckName::IssuerKey,
    ];
    if integrity.into_iter().any(failed) {
        return VerdictKind::Invalid;
    }
    if failed(CheckName::Status) {
        let detail = detail_of(report, CheckName::Status);
        // The status check names each finding "revoked (…): …" / "suspended (…): …",
        // joined with "; ".
        let findings: Vec<&str> = detail.split("; ").map(str::trim_start).collect();
        if findings
            .iter()
            .any(|finding| finding.starts_with("revoked"))
        {
            return VerdictKind::Revoked;
        }
        if findings
            .iter()
            .any(|finding| finding.starts_with("suspended"))
        {
            return VerdictKind::Suspended;
        }
        return VerdictKind::Invalid;
    }
    if failed(CheckName::Validity) {
        let detail = detail_of(report, CheckName::Validity);
        return if detail.starts_with("expired") {
            VerdictKind::Expired
        } else if detail.starts_with("not yet valid") {
            VerdictKind::NotYetValid
        } else {
            VerdictKind::Invalid
        };
    }
    if report
        .checks
        .iter()
        .any(|check| check.outcome == Outcome::CouldNotCheck)
    {
        return VerdictKind::CouldNotCheck;
    }
    // Not verified, yet nothing failed and everything was checked: an empty report.
    VerdictKind::Invalid
}

fn detail_of(report: &VerificationReport, name: CheckName) -> &str {
    report.check(name).map_or("", |check| check.detail.as_str())
}

fn recorded_reason(recorded: Option<&[CredentialStatusView]>, purpose: &str) -> Option<String> {
    recorded?
        .iter()
        .find(|status| status.purpose == purpose && status.set)
        .and_then(|status| status.reason.as_deref())
        .map(inert)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(outcomes: [(Outcome, &str); 6]) -> VerificationReport {
        VerificationReport::from_checks(
            CheckName::ALL
                .iter()
                .zip(outcomes)
                .map(|(&name, (outcome, detail))| CheckResult::new(name, outcome, detail))
                .collect(),
        )
    }

    const OK: (Outcome, &str) = (Outcome::Passed, "ok");

    #[test]
    fn all_passed_is_verified() {
        let verdict = verdict_of(&report([OK; 6]), None);
        assert_eq!(verdict.kind, VerdictKind::Verified);
        assert_eq!(verdict.class, "ok");
    }

    #[test]
    fn an_expired_intact_credential_is_expired_not_invalid() {
        let mut checks = [OK; 6];
        checks[4] = (
            Outcome::Failed,
            "expired: validUntil was 2020-01-01T00:00:00Z",
        );
        assert_eq!(verdict_of(&report(checks), None).kind, VerdictKind::Expired);
        checks[4] = (
            Outcome::Failed,
            "not yet valid: validFrom is 2999-01-01T00:00:00Z",
        );
        assert_eq!(
            verdict_of(&report(checks), None).kind,
            VerdictKind::NotYetValid
        );
        checks[4] = (Outcome::Failed, "validFrom is after validUntil");
        assert_eq!(verdict_of(&report(checks), None).kind, VerdictKind::Invalid);
    }

    #[test]
    fn a_broken_signature_outranks_expiry_and_revocation() {
        let mut checks = [OK; 6];
        checks[2] = (Outcome::Failed, "the signature does not verify");
        checks[4] = (
            Outcome::Failed,
            "expired: validUntil was 2020-01-01T00:00:00Z",
        );
        checks[5] = (Outcome::CouldNotCheck, "not checked");
        assert_eq!(verdict_of(&report(checks), None).kind, VerdictKind::Invalid);
    }

    #[test]
    fn revocation_takes_the_recorded_reason() {
        let mut checks = [OK; 6];
        checks[5] = (
            Outcome::Failed,
            "revoked: the revocation list https://x/status/1 has entry 5 set",
        );
        let recorded = [
            CredentialStatusView {
                purpose: "revocation".into(),
                set: true,
                reason: Some("issued in error \u{202E}".into()),
                changed_at: Some(1),
            },
            CredentialStatusView {
                purpose: "suspension".into(),
                set: false,
                reason: Some("old".into()),
                changed_at: Some(1),
            },
        ];
        let verdict = verdict_of(&report(checks), Some(&recorded));
        assert_eq!(verdict.kind, VerdictKind::Revoked);
        assert_eq!(verdict.reason.as_deref(), Some("issued in error \u{FFFD}"));
        assert_eq!(verdict_of(&report(checks), None).reason, None);
    }

    #[test]
    fn suspension_and_other_status_failures() {
        let mut checks = [OK; 6];
        checks[5] = (
            Outcome::Failed,
            "suspended: the suspension list x has entry 1 set",
        );
        assert_eq!(
            verdict_of(&report(checks), None).kind,
            VerdictKind::Suspended
        );
        checks[5] = (
            Outcome::Failed,
            "STATUS_VERIFICATION_ERROR: the list is not signed by the issuer",
        );
        assert_eq!(verdict_of(&report(checks), None).kind, VerdictKind::Invalid);
    }

    #[test]
    fn could_not_check_is_not_verified() {
        let mut checks = [OK; 6];
        checks[5] = (Outcome::CouldNotCheck, "STATUS_RETRIEVAL_ERROR: offline");
        let verdict = verdict_of(&report(checks), None);
        assert_eq!(verdict.kind, VerdictKind::CouldNotCheck);
        assert_eq!(verdict.label, "Could not be checked");
    }

    #[test]
    fn rows_are_in_report_order_with_inert_details() {
        let mut checks = [OK; 6];
        checks[0] = (Outcome::Failed, "bad \u{202E}name");
        let rows = check_rows(&report(checks));
        let names: Vec<&str> = rows.iter().map(|row| row.check).collect();
        assert_eq!(
            names,
            [
                "syntax",
                "context",
                "proof",
                "issuer-key",
                "validity",
                "status"
            ]
        );
        assert_eq!(rows[0].detail, "bad \u{FFFD}name");
        assert_eq!(rows[0].outcome_label, "Failed");
    }
}
