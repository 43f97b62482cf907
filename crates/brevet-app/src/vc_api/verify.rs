//! VC-API verification: `/credentials/verify` and `/presentations/verify`. The answer carries
//! the VC-API result (`verified`, `checks` passed, `warnings`, `errors` naming W3C codes,
//! `problemDetails`) and Brevet's full report; its [`Verdict`] decides the HTTP status (200 only
//! when verified; the W3C test suites judge by status code).

use std::collections::HashMap;

use brevet_core::verify::presentation::{
    PresentationExpectations, PresentationReport, check_presentation, embedded_credentials,
};
use brevet_core::verify::{
    DidSource, NoSources, Outcome, SourceError, Verdict, VerificationReport, VerifyEnv,
};
use serde_json::{Map, Value, json};

use super::{object_fields, one_or_many};
use crate::{App, AppError};

/// Options of a verify request that Brevet reads or knowingly accepts.
const CREDENTIAL_OPTIONS: &[&str] = &["checks", "expectedProofPurpose", "challenge", "domain"];

/// The outcome of a VC-API verification.
#[derive(Debug, Clone)]
pub struct VcApiVerification {
    /// Verified (200), invalid (a check failed: 400) or indeterminate (could not check: 422).
    pub verdict: Verdict,
    /// The error code for a problem+json answer (the first error's).
    pub code: String,
    /// One sentence for a problem+json answer.
    pub summary: String,
    /// The VC-API result object.
    pub body: Map<String, Value>,
}

/// One error as the VC-API result lists it.
struct ResultError {
    check: String,
    code: String,
    message: String,
}

impl App {
    /// `POST /credentials/verify` `{verifiableCredential, options}`.
    pub async fn vc_api_verify_credential(
        &self,
        body: &Value,
    ) -> Result<VcApiVerification, AppError> {
        let body = object_fields(
            body,
            "the request",
            &["verifiableCredential", "options", "@context"],
        )?;
        let credential = match body.get("verifiableCredential") {
            Some(credential @ Value::Object(_)) => credential,
            Some(_) => {
                return Err(AppError::bad_request(
                    "INVALID_REQUEST",
                    "verifiableCredential must be a JSON object (a secured credential)",
                ));
            }
            None => {
                return Err(AppError::bad_request(
                    "INVALID_REQUEST",
                    "the request has no verifiableCredential",
                ));
            }
        };
        let warnings = option_warnings(body.get("options"), CREDENTIAL_OPTIONS)?;
        if let Some(purpose) = options_str(body.get("options"), "expectedProofPurpose")?
            && purpose != "assertionMethod"
        {
            return Err(AppError::bad_request(
                "INVALID_REQUEST",
                "a credential's proof purpose is assertionMethod; expectedProofPurpose cannot be another",
            ));
        }
        let report = self.verify(credential).await;
        let errors = credential_errors("", &report);
        let checks: Vec<Value> = report
            .checks
            .iter()
            .filter(|check| check.outcome == Outcome::Passed)
            .map(|check| json!(check.check.as_str()))
            .collect();
        let mut result = Map::new();
        result.insert("verified".into(), json!(report.verified));
        result.insert("checks".into(), Value::Array(checks));
        result.insert("results".into(), json!(report.checks));
        Ok(answer(report.verdict(), result, warnings, &errors))
    }

    /// `POST /presentations/verify` `{verifiablePresentation, options: {challenge, domain}}`:
    /// the presentation's own proof (when it has one; required when a challenge or domain is
    /// asked for) and every credential it carries.
    pub async fn vc_api_verify_presentation(
        &self,
        body: &Value,
    ) -> Result<VcApiVerification, AppError> {
        let body = object_fields(
            body,
            "the request",
            &["verifiablePresentation", "options", "@context"],
        )?;
        let presentation = match body.get("verifiablePresentation") {
            Some(presentation @ Value::Object(_)) => presentation,
            Some(_) => {
                return Err(AppError::bad_request(
                    "INVALID_REQUEST",
                    "verifiablePresentation must be a JSON object",
                ));
            }
            None => {
                return Err(AppError::bad_request(
                    "INVALID_REQUEST",
                    "the request has no verifiablePresentation",
                ));
            }
        };
        let options = body.get("options");
        let warnings = option_warnings(options, &["challenge", "domain", "checks"])?;
        let expected = PresentationExpectations {
            challenge: options_str(options, "challenge")?,
            domain: options_str(options, "domain")?,
        };
        let own = self.presentation_report(presentation, &expected).await;
        let mut errors: Vec<ResultError> = own
            .checks
            .iter()
            .filter(|check| !matches!(check.outcome, Outcome::Passed | Outcome::NotApplicable))
            .map(|check| ResultError {
                check: format!("presentation {}", check.check.as_str()),
                code: code_of(check.check.as_str(), &check.detail),
                message: check.detail.clone(),
            })
            .collect();
        let mut verdicts = vec![presentation_verdict(&own)];
        let mut credential_results = Vec::new();
        for (position, credential) in embedded_credentials(presentation).into_iter().enumerate() {
            let report = self.verify(credential).await;
            errors.extend(credential_errors(
                &format!("credential {} ", position + 1),
                &report,
            ));
            verdicts.push(report.verdict());
            credential_results.push(json!({
                "verified": report.verified,
                "results": report.checks,
            }));
        }
        let verdict = if verdicts.contains(&Verdict::Invalid) {
            Verdict::Invalid
        } else if verdicts.contains(&Verdict::Indeterminate) {
            Verdict::Indeterminate
        } else {
            Verdict::Verified
        };
        let mut result = Map::new();
        result.insert("verified".into(), json!(verdict == Verdict::Verified));
        result.insert("presentationResult".into(), json!(own));
        result.insert("credentialResults".into(), Value::Array(credential_results));
        Ok(answer(verdict, result, warnings, &errors))
    }

    /// The presentation's own checks, with the DID documents its proofs name (did:key resolves
    /// in the core; Brevet's own did:web from the store; others through the guarded client).
    async fn presentation_report(
        &self,
        presentation: &Value,
        expected: &PresentationExpectations<'_>,
    ) -> PresentationReport {
        let mut dids = FetchedDids::default();
        for proof in one_or_many(presentation.get("proof")).into_iter().take(4) {
            if let Some(method) = proof.get("verificationMethod").and_then(Value::as_str) {
                let did = brevet_core::did::did_of_url(method);
                if did.starts_with("did:")
                    && !did.starts_with("did:key:")
                    && !dids.0.contains_key(did)
                {
                    let document = self.fetch_did(did).await;
                    dids.0.insert(did.to_owned(), document);
                }
            }
        }
        let env = VerifyEnv {
            now: self.clock().now(),
            ld: self.linked_data(),
            dids: &dids,
            status_lists: &NoSources,
        };
        check_presentation(presentation, expected, &env)
    }
}

/// DID documents fetched before the (synchronous) core runs.
#[derive(Default)]
struct FetchedDids(HashMap<String, Result<Value, SourceError>>);

impl DidSource for FetchedDids {
    fn did_document(&self, did: &str) -> Result<Value, SourceError> {
        self.0
            .get(did)
            .cloned()
            .unwrap_or_else(|| Err(SourceError::Unavailable(format!("{did} was not fetched"))))
    }
}

fn presentation_verdict(report: &PresentationReport) -> Verdict {
    if report
        .checks
        .iter()
        .any(|check| check.outcome == Outcome::Failed)
    {
        Verdict::Invalid
    } else if report.verified {
        Verdict::Verified
    } else {
        Verdict::Indeterminate
    }
}

/// Every check of a credential report that did not pass, as VC-API errors.
fn credential_errors(prefix: &str, report: &VerificationReport) -> Vec<ResultError> {
    report
        .checks
        .iter()
        .filter(|check| !matches!(check.outcome, Outcome::Passed | Outcome::NotApplicable))
        .map(|check| ResultError {
            check: format!("{prefix}{}", check.check.as_str()),
            code: code_of(check.check.as_str(), &check.detail),
            message: check.detail.clone(),
        })
        .collect()
}

/// The W3C error code a detail starts with (`PROOF_VERIFICATION_ERROR: …`), else the one that
/// fits the check; a set status bit is named `REVOKED` or `SUSPENDED`.
fn code_of(check: &str, detail: &str) -> String {
    if let Some((prefix, _)) = detail.split_once(':')
        && prefix.len() >= 3
        && prefix.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
    {
        return prefix.to_owned();
    }
    if detail.starts_with("not checked") {
        return "NOT_CHECKED".to_owned();
    }
    let code = match check {
        "status" if detail.starts_with("revoked") => "REVOKED",
        "status" if detail.starts_with("suspended") => "SUSPENDED",
        "status" => "STATUS_VERIFICATION_ERROR",
        "syntax" => "MALFORMED_VALUE_ERROR",
        "validity" => "RANGE_ERROR",
        "context" => "INVALID_CONTEXT",
        "proof" | "issuer-key" | "holder-key" => "PROOF_VERIFICATION_ERROR",
        _ => "VERIFICATION_ERROR",
    };
    code.to_owned()
}

fn answer(
    verdict: Verdict,
    mut result: Map<String, Value>,
    warnings: Vec<Value>,
    errors: &[ResultError],
) -> VcApiVerification {
    // Errors that only say "not checked because something else failed" follow the real ones.
    let mut ordered: Vec<&ResultError> =
        errors.iter().filter(|e| e.code != "NOT_CHECKED").collect();
    ordered.extend(errors.iter().filter(|e| e.code == "NOT_CHECKED"));
    result.insert("warnings".into(), Value::Array(warnings));
    result.insert(
        "errors".into(),
        ordered
            .iter()
            .map(
                |error| json!({"check": error.check, "code": error.code, "message": error.message}),
            )
            .collect(),
    );
    result.insert(
        "problemDetails".into(),
        ordered
            .iter()
            .map(|error| {
                json!({
                    "type": format!("https://www.w3.org/TR/vc-data-model#{}", error.code),
                    "code": error.code,
                    "title": error.check,
                    "detail": error.message,
                })
            })
            .collect(),
    );
    let (code, summary) = match (verdict, ordered.first()) {
        (Verdict::Verified, _) => ("VERIFIED".to_owned(), "verified".to_owned()),
        (_, Some(first)) => (
            first.code.clone(),
            format!("not verified: {}: {}", first.check, first.message),
        ),
        (_, None) => ("NOT_VERIFIED".to_owned(), "not verified".to_owned()),
    };
    VcApiVerification {
        verdict,
        code,
        summary,
        body: result,
    }
}

/// Options must be an object; unknown ones are accepted with a warning (Brevet always runs
/// every check, so a `checks` list cannot switch one off).
fn option_warnings(options: Option<&Value>, known: &[&str]) -> Result<Vec<Value>, AppError> {
    let options = match options {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(options)) => options,
        Some(_) => {
            return Err(AppError::bad_request(
                "INVALID_REQUEST",
                "options must be a JSON object",
            ));
        }
    };
    Ok(options
        .keys()
        .filter(|key| !known.contains(&key.as_str()))
        .map(|key| json!({"code": "UNSUPPORTED_OPTION", "message": format!("option {key:?} is not used by Brevet")}))
        .collect())
}

/// A string option, if present (anything else is a 400).
fn options_str<'a>(options: Option<&'a Value>, name: &str) -> Result<Option<&'a str>, AppError> {
    match options.and_then(|options| options.get(name)) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.as_str())),
        Some(_) => Err(AppError::bad_request(
            "INVALID_REQUEST",
            format!("options.{name} must be a string"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_come_from_the_detail_or_the_check() {
        assert_eq!(
            code_of(
                "proof",
                "PROOF_VERIFICATION_ERROR: signature does not verify"
            ),
            "PROOF_VERIFICATION_ERROR"
        );
        assert_eq!(
            code_of("status", "revoked: the revocation list x has entry 3 set"),
            "REVOKED"
        );
        assert_eq!(code_of("status", "suspended (on hold): …"), "SUSPENDED");
        assert_eq!(
            code_of("validity", "expired: validUntil was …"),
            "RANGE_ERROR"
        );
        assert_eq!(
            code_of("status", "not checked: the proof check failed"),
            "NOT_CHECKED"
        );
        assert_eq!(
            code_of("issuer-key", "issuer x does not control y"),
            "PROOF_VERIFICATION_ERROR"
        );
    }

    #[test]
    fn options_are_checked() {
        assert!(option_warnings(Some(&json!("x")), &[]).is_err());
        let warnings =
            option_warnings(Some(&json!({"checks": [], "foo": 1})), &["checks"]).unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(options_str(Some(&json!({"challenge": 1})), "challenge").is_err());
        assert_eq!(
            options_str(Some(&json!({"challenge": "c"})), "challenge").unwrap(),
            Some("c")
        );
    }
}
