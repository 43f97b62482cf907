//! The verification report: one entry per check, in a fixed order, each with an outcome and a
//! human-readable detail. Serializes exactly as the CLI contract states:
//! `{"verified": bool, "checks": [{"check": NAME, "outcome": OUTCOME, "detail": TEXT}]}`.

use serde::{Deserialize, Serialize};

/// The checks, in the order the report lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckName {
    /// The data model: VC 2.0 / VC 1.1 rules, plus the Open Badges 3.0 rules for OB credentials.
    Syntax,
    /// Every `@context` entry is a pinned, known context URL.
    Context,
    /// Every proof of the proof set verifies.
    Proof,
    /// The issuer controls the verification method, listed under `assertionMethod`.
    IssuerKey,
    /// The credential's validity window and each proof's window contain the verification time.
    Validity,
    /// Revocation and suspension, from Bitstring Status List entries.
    Status,
}

impl CheckName {
    /// Every check, in report order.
    pub const ALL: [CheckName; 6] = [
        CheckName::Syntax,
        CheckName::Context,
        CheckName::Proof,
        CheckName::IssuerKey,
        CheckName::Validity,
        CheckName::Status,
    ];

    /// The name used in the report (`issuer-key`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            CheckName::Syntax => "syntax",
            CheckName::Context => "context",
            CheckName::Proof => "proof",
            CheckName::IssuerKey => "issuer-key",
            CheckName::Validity => "validity",
            CheckName::Status => "status",
        }
    }
}

impl std::fmt::Display for CheckName {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// What one check concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The check was made and the credential satisfies it.
    Passed,
    /// The check was made and the credential does not satisfy it (invalid).
    Failed,
    /// The check could not be made (a document could not be had, an earlier check failed):
    /// never treated as passed.
    CouldNotCheck,
    /// The check does not apply to this credential (no `credentialStatus`, say).
    NotApplicable,
}

impl Outcome {
    /// The name used in the report (`could-not-check`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::CouldNotCheck => "could-not-check",
            Outcome::NotApplicable => "not-applicable",
        }
    }
}

/// The result of one check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub check: CheckName,
    pub outcome: Outcome,
    /// What was found, for a person; a failure starts with the W3C error code where one exists.
    pub detail: String,
}

impl CheckResult {
    pub fn new(check: CheckName, outcome: Outcome, detail: impl Into<String>) -> Self {
        CheckResult {
            check,
            outcome,
            detail: detail.into(),
        }
    }

    pub fn passed(check: CheckName, detail: impl Into<String>) -> Self {
        CheckResult::new(check, Outcome::Passed, detail)
    }

    pub fn failed(check: CheckName, detail: impl Into<String>) -> Self {
        CheckResult::new(check, Outcome::Failed, detail)
    }

    pub fn could_not_check(check: CheckName, detail: impl Into<String>) -> Self {
        CheckResult::new(check, Outcome::CouldNotCheck, detail)
    }

    pub fn not_applicable(check: CheckName, detail: impl Into<String>) -> Self {
        CheckResult::new(check, Outcome::NotApplicable, detail)
    }
}

/// The overall verdict, from which the CLI derives its exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No check failed and every check was made (exit 0).
    Verified,
    /// At least one check failed (exit 1); a failure outranks everything else.
    Invalid,
    /// Nothing failed, but something could not be checked (exit 2).
    Indeterminate,
}

/// One entry per check, in [`CheckName::ALL`] order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationReport {
    /// True only when no check failed and none could not be checked (fail closed).
    pub verified: bool,
    pub checks: Vec<CheckResult>,
}

impl VerificationReport {
    /// Builds the report and derives `verified` from the checks.
    pub fn from_checks(checks: Vec<CheckResult>) -> Self {
        let verified = !checks.is_empty()
            && checks
                .iter()
                .all(|check| matches!(check.outcome, Outcome::Passed | Outcome::NotApplicable));
        VerificationReport { verified, checks }
    }

    /// The result of one check, if the report has it.
    pub fn check(&self, name: CheckName) -> Option<&CheckResult> {
        self.checks.iter().find(|check| check.check == name)
    }

    /// The outcome of one check, if the report has it.
    pub fn outcome(&self, name: CheckName) -> Option<Outcome> {
        self.check(name).map(|check| check.outcome)
    }

    /// Failure outranks could-not-check, which outranks verified.
    pub fn verdict(&self) -> Verdict {
        if self
            .checks
            .iter()
            .any(|check| check.outcome == Outcome::Failed)
        {
            Verdict::Invalid
        } else if self.verified {
            Verdict::Verified
        } else {
            Verdict::Indeterminate
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_in_the_contract_shape() {
        let report = VerificationReport::from_checks(vec![
            CheckResult::passed(CheckName::IssuerKey, "ok"),
            CheckResult::could_not_check(CheckName::Status, "offline"),
        ]);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"verified": false, "checks": [
                {"check": "issuer-key", "outcome": "passed", "detail": "ok"},
                {"check": "status", "outcome": "could-not-check", "detail": "offline"}
            ]})
        );
        assert_eq!(report.verdict(), Verdict::Indeterminate);
    }

    #[test]
    fn failure_outranks_could_not_check() {
        let report = VerificationReport::from_checks(vec![
            CheckResult::could_not_check(CheckName::Status, "offline"),
            CheckResult::failed(CheckName::Proof, "bad"),
        ]);
        assert_eq!(report.verdict(), Verdict::Invalid);
        let passing = VerificationReport::from_checks(vec![
            CheckResult::passed(CheckName::Proof, "ok"),
            CheckResult::not_applicable(CheckName::Status, "none"),
        ]);
        assert!(passing.verified);
        assert_eq!(passing.verdict(), Verdict::Verified);
    }
}
