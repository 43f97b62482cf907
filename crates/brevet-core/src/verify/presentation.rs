//! Verifiable presentations: the presentation's own checks, apart from the credentials it
//! carries (each of which the caller verifies with [`verify`](super::verify)).
//!
//! [`check_presentation`] reports `syntax` (a VC 2.0 / 1.1 presentation: base context first,
//! `type` includes `VerifiablePresentation`, `holder` and `id` are URLs, every embedded
//! credential is an object), `context` (pinned contexts, and top-level inline context objects:
//! see [`PRESENTATION_CONTEXTS`]), `proof` (each
//! Data Integrity proof verifies with purpose `authentication`, its `challenge` and `domain` are
//! the ones the verifier asked for (`INVALID_CHALLENGE_ERROR`, `INVALID_DOMAIN_ERROR`), and
//! `created <= now <= expires`) and `holder-key` (the proof's key is listed under
//! `authentication` in the DID document of its controller, which must be the `holder` when there
//! is one). A presentation without a proof proves nothing about who presents it: it passes only
//! when the verifier asked for no challenge and no domain (the proof check is then
//! not-applicable); when one was asked for, the missing proof fails.
//!
//! Pure: DID documents other than did:key come from the caller's [`DidSource`](super::DidSource)
//! and the time from [`VerifyEnv::now`].

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use super::VerifyEnv;
use super::context::{ContextPolicy, check_contexts_with};
use super::report::Outcome;
use super::sources::SourceError;
use crate::did::{did_of_url, resolve_did_key, resolve_verification_key};
use crate::model::iri::is_absolute_url;
use crate::proof::{self, ProofError};

/// The proof purpose of a presentation proof.
pub const AUTHENTICATION: &str = "authentication";
/// The type every presentation has.
pub const VERIFIABLE_PRESENTATION: &str = "VerifiablePresentation";

const INVALID_CHALLENGE: &str = "INVALID_CHALLENGE_ERROR";
const INVALID_DOMAIN: &str = "INVALID_DOMAIN_ERROR";
const MALFORMED: &str = "MALFORMED_VALUE_ERROR";

/// What the verifier expects the presentation's proof to be bound to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PresentationExpectations<'a> {
    /// The challenge the verifier issued; the proof's `challenge` must equal it.
    pub challenge: Option<&'a str>,
    /// The verifier's domain; the proof's `domain` must equal it (or list it).
    pub domain: Option<&'a str>,
}

/// The checks of a presentation, in report order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PresentationCheckName {
    Syntax,
    Context,
    Proof,
    HolderKey,
}

impl PresentationCheckName {
    pub fn as_str(self) -> &'static str {
        match self {
            PresentationCheckName::Syntax => "syntax",
            PresentationCheckName::Context => "context",
            PresentationCheckName::Proof => "proof",
            PresentationCheckName::HolderKey => "holder-key",
        }
    }
}

/// The result of one presentation check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentationCheck {
    pub check: PresentationCheckName,
    pub outcome: Outcome,
    /// What was found; a failure starts with the W3C error code where one exists.
    pub detail: String,
}

impl PresentationCheck {
    fn new(check: PresentationCheckName, outcome: Outcome, detail: impl Into<String>) -> Self {
        PresentationCheck {
            check,
            outcome,
            detail: detail.into(),
        }
    }
}

/// The presentation's own checks (not its credentials').
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentationReport {
    /// True only when no check failed and every check could be made.
    pub verified: bool,
    pub checks: Vec<PresentationCheck>,
}

impl PresentationReport {
    fn from_checks(checks: Vec<PresentationCheck>) -> Self {
        let verified = checks
            .iter()
            .all(|check| matches!(check.outcome, Outcome::Passed | Outcome::NotApplicable));
        PresentationReport { verified, checks }
    }

    /// The outcome of one check.
    pub fn outcome(&self, name: PresentationCheckName) -> Option<Outcome> {
        self.checks
            .iter()
            .find(|check| check.check == name)
            .map(|check| check.outcome)
    }
}

/// The credentials a presentation carries (`verifiableCredential`: one object or a list), in
/// order; entries that are not objects are left out (the `syntax` check fails on them).
pub fn embedded_credentials(presentation: &Value) -> Vec<&Value> {
    one_or_many(presentation.get("verifiableCredential"))
        .into_iter()
        .filter(|credential| credential.is_object())
        .collect()
}

/// Runs the presentation's own checks.
pub fn check_presentation(
    presentation: &Value,
    expected: &PresentationExpectations<'_>,
    env: &VerifyEnv<'_>,
) -> PresentationReport {
    use PresentationCheckName as Name;
    let syntax = match check_syntax(presentation) {
        Ok(summary) => PresentationCheck::new(Name::Syntax, Outcome::Passed, summary),
        Err(reason) => PresentationCheck::new(
            Name::Syntax,
            Outcome::Failed,
            format!("{MALFORMED}: {reason}"),
        ),
    };
    let context = match check_contexts_with(presentation, env.ld, PRESENTATION_CONTEXTS) {
        Ok(urls) => PresentationCheck::new(
            Name::Context,
            Outcome::Passed,
            format!("{} pinned context(s): {}", urls.len(), urls.join(", ")),
        ),
        Err(error) => PresentationCheck::new(
            Name::Context,
            Outcome::Failed,
            format!("INVALID_CONTEXT: {error}"),
        ),
    };
    let (proof, holder_key) = if context.outcome != Outcome::Passed {
        let reason = "not checked: the presentation's contexts were refused";
        (
            PresentationCheck::new(Name::Proof, Outcome::CouldNotCheck, reason),
            PresentationCheck::new(Name::HolderKey, Outcome::CouldNotCheck, reason),
        )
    } else {
        check_proofs(presentation, expected, env)
    };
    PresentationReport::from_checks(vec![syntax, context, proof, holder_key])
}

fn check_syntax(presentation: &Value) -> Result<String, String> {
    let object = presentation
        .as_object()
        .ok_or("the presentation is not a JSON object")?;
    let types: Vec<&str> = match object.get("type") {
        Some(Value::String(single)) => vec![single.as_str()],
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().ok_or("type entries must be strings"))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("type must be a string or a list of strings".to_owned()),
        None => return Err("the presentation has no type".to_owned()),
    };
    if !types.contains(&VERIFIABLE_PRESENTATION) {
        return Err(format!("type must include {VERIFIABLE_PRESENTATION}"));
    }
    if let Some(id) = object.get("id")
        && !id.as_str().is_some_and(is_absolute_url)
    {
        return Err("id must be a URL".to_owned());
    }
    let holder = match object.get("holder") {
        None => None,
        Some(Value::String(holder)) if is_absolute_url(holder) => Some(holder.as_str()),
        Some(Value::Object(holder)) => match holder.get("id") {
            Some(Value::String(id)) if is_absolute_url(id) => Some(id.as_str()),
            _ => return Err("holder.id must be a URL".to_owned()),
        },
        Some(_) => return Err("holder must be a URL or an object with a URL id".to_owned()),
    };
    let entries = one_or_many(object.get("verifiableCredential"));
    if let Some(position) = entries.iter().position(|entry| !entry.is_object()) {
        return Err(format!(
            "verifiableCredential entry {} is not an object (a credential, or an enveloped credential)",
            position + 1
        ));
    }
    let mut summary = format!(
        "a {} carrying {} credential(s)",
        types.join(", "),
        entries.len()
    );
    if let Some(holder) = holder {
        summary.push_str(&format!(", held by {holder}"));
    }
    Ok(summary)
}

/// A presentation may carry top-level inline context objects under either suite, unlike a
/// credential. The swap that makes an inline context dangerous under RDFC (relabel two terms and
/// their JSON keys together: same RDF, different reading, catalogue DI-05) cannot reach what
/// Brevet reads from a presentation: `type`, `holder`, `verifiableCredential` and the proof's
/// options are protected terms of the base context, which no later context may redefine, and
/// the holder's own extra terms are neither shown nor used. The credentials inside keep the
/// credential rules: their `@context`s (nested here) must be pinned, and each is verified on its
/// own. (The W3C VC 2.0 suite presents such presentations, signed with eddsa-rdfc-2022.)
const PRESENTATION_CONTEXTS: ContextPolicy = ContextPolicy::AllowInline;

/// The holder's id: `holder` when a string, else `holder.id`.
fn holder_id(presentation: &Value) -> Option<&str> {
    match presentation.get("holder") {
        Some(Value::String(id)) => Some(id),
        Some(Value::Object(holder)) => holder.get("id").and_then(Value::as_str),
        _ => None,
    }
}

type Finding = Result<String, (Outcome, String)>;

fn check_proofs(
    presentation: &Value,
    expected: &PresentationExpectations<'_>,
    env: &VerifyEnv<'_>,
) -> (PresentationCheck, PresentationCheck) {
    use PresentationCheckName as Name;
    let proofs = proof::list_proofs(presentation);
    if proofs.is_empty() {
        if expected.challenge.is_some() || expected.domain.is_some() {
            let asked = if expected.challenge.is_some() {
                INVALID_CHALLENGE
            } else {
                INVALID_DOMAIN
            };
            return (
                PresentationCheck::new(
                    Name::Proof,
                    Outcome::Failed,
                    format!(
                        "{asked}: the presentation is not signed, so it cannot answer the challenge or domain asked for"
                    ),
                ),
                PresentationCheck::new(
                    Name::HolderKey,
                    Outcome::NotApplicable,
                    "the presentation is not signed",
                ),
            );
        }
        let unsigned = "the presentation is not signed: it shows nothing about who presents it";
        return (
            PresentationCheck::new(Name::Proof, Outcome::NotApplicable, unsigned),
            PresentationCheck::new(Name::HolderKey, Outcome::NotApplicable, unsigned),
        );
    }
    let holder = holder_id(presentation);
    let mut proof_findings = Vec::new();
    let mut key_findings = Vec::new();
    for (position, proof) in proofs.iter().enumerate() {
        let label = if proofs.len() == 1 {
            String::new()
        } else {
            format!("proof {}: ", position + 1)
        };
        let (proof_finding, key_finding) = check_one(presentation, proof, holder, expected, env);
        proof_findings.push(prefixed(&label, proof_finding));
        key_findings.push(prefixed(&label, key_finding));
    }
    (
        combine(Name::Proof, proof_findings),
        combine(Name::HolderKey, key_findings),
    )
}

fn prefixed(label: &str, finding: Finding) -> Finding {
    match finding {
        Ok(text) => Ok(format!("{label}{text}")),
        Err((outcome, text)) => Err((outcome, format!("{label}{text}"))),
    }
}

fn check_one(
    presentation: &Value,
    proof: &Value,
    holder: Option<&str>,
    expected: &PresentationExpectations<'_>,
    env: &VerifyEnv<'_>,
) -> (Finding, Finding) {
    let failed = |error: ProofError| (Outcome::Failed, format!("{}: {error}", error.code()));
    let not_checked = |why: &str| Err((Outcome::CouldNotCheck, format!("not checked: {why}")));
    if let Err(error) = proof::check_proof_shape(proof)
        .and_then(|_| proof::check_proof_purpose(proof, AUTHENTICATION))
    {
        return (Err(failed(error)), not_checked("the proof is malformed"));
    }
    if let Err(reason) = check_binding(proof, expected) {
        return (
            Err((Outcome::Failed, reason)),
            not_checked("the proof is not bound to this verifier's challenge and domain"),
        );
    }
    if let Err(reason) = check_window(proof, env.now) {
        return (
            Err((Outcome::Failed, reason)),
            not_checked("the proof is outside its time window"),
        );
    }
    let method = proof
        .get("verificationMethod")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let method = did_key_method(method);
    let did = did_of_url(&method);
    let key = holder_key(did, &method, holder, env);
    let key_finding = match &key {
        Ok(_) => Ok(format!(
            "{method} is listed under authentication in the DID document of {did}"
        )),
        Err(finding) => Err(finding.clone()),
    };
    let proof_finding = match key {
        Ok(key) => match proof::verify_proof(presentation, proof, &key, env.ld) {
            Ok(()) => Ok(describe(proof)),
            Err(error) => Err(failed(error)),
        },
        Err((_, reason)) => Err((
            Outcome::CouldNotCheck,
            format!("not checked: no key for {method} ({reason})"),
        )),
    };
    (proof_finding, key_finding)
}

/// The proof's `challenge` and `domain` against what the verifier asked for.
fn check_binding(proof: &Value, expected: &PresentationExpectations<'_>) -> Result<(), String> {
    if let Some(challenge) = expected.challenge {
        match proof.get("challenge") {
            Some(Value::String(found)) if found == challenge => {}
            Some(Value::String(found)) => {
                return Err(format!(
                    "{INVALID_CHALLENGE}: the proof's challenge {found:?} is not the one asked for"
                ));
            }
            _ => {
                return Err(format!(
                    "{INVALID_CHALLENGE}: the proof has no challenge, but one was asked for"
                ));
            }
        }
    }
    if let Some(domain) = expected.domain {
        let matches = match proof.get("domain") {
            Some(Value::String(found)) => found == domain,
            Some(Value::Array(found)) => found.iter().any(|item| item.as_str() == Some(domain)),
            _ => false,
        };
        if !matches {
            return Err(format!(
                "{INVALID_DOMAIN}: the proof's domain is not {domain:?}"
            ));
        }
    }
    Ok(())
}

/// `created <= now <= expires`, inclusive.
fn check_window(proof: &Value, now: OffsetDateTime) -> Result<(), String> {
    let (created, expires) =
        proof::proof_time_window(proof).map_err(|error| format!("{}: {error}", error.code()))?;
    if created.is_some_and(|created| created > now) {
        return Err("PROOF_VERIFICATION_ERROR: the proof was created in the future".to_owned());
    }
    if expires.is_some_and(|expires| now > expires) {
        return Err("PROOF_VERIFICATION_ERROR: the proof has expired".to_owned());
    }
    Ok(())
}

/// A bare `did:key:z6Mk…` method means `did:key:z6Mk…#z6Mk…`.
fn did_key_method(method: &str) -> String {
    match method.strip_prefix("did:key:") {
        Some(key) if !method.contains('#') && !key.is_empty() => format!("{method}#{key}"),
        _ => method.to_owned(),
    }
}

/// The key of `method`, bound to the holder (when there is one) under `authentication`.
fn holder_key(
    did: &str,
    method: &str,
    holder: Option<&str>,
    env: &VerifyEnv<'_>,
) -> Result<VerifyingKey, (Outcome, String)> {
    if let Some(holder) = holder
        && holder != did
    {
        return Err((
            Outcome::Failed,
            format!("the holder {holder} does not control verification method {method}"),
        ));
    }
    if !did.starts_with("did:") {
        return Err((
            Outcome::CouldNotCheck,
            format!("{method} is not a DID URL; Brevet resolves the keys of DIDs only"),
        ));
    }
    let document = if did.starts_with("did:key:") {
        resolve_did_key(did).map_err(|error| {
            (
                Outcome::Failed,
                format!("{did} is not a valid did:key: {error}"),
            )
        })?
    } else {
        env.dids.did_document(did).map_err(|error| match error {
            SourceError::Unavailable(reason) => (
                Outcome::CouldNotCheck,
                format!("the DID document of {did} could not be had: {reason}"),
            ),
            SourceError::Invalid(reason) => (
                Outcome::Failed,
                format!("the DID document of {did} is not acceptable: {reason}"),
            ),
        })?
    };
    resolve_verification_key(&document, did, method, AUTHENTICATION)
        .map_err(|error| (Outcome::Failed, error.to_string()))
}

fn describe(proof: &Value) -> String {
    let suite = proof
        .get("cryptosuite")
        .or_else(|| proof.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("proof");
    format!("{suite} authentication proof verifies")
}

/// Failed if any failed, else could-not-check if any could not be checked, else passed.
fn combine(name: PresentationCheckName, findings: Vec<Finding>) -> PresentationCheck {
    for wanted in [Outcome::Failed, Outcome::CouldNotCheck] {
        let reasons: Vec<&str> = findings
            .iter()
            .filter_map(|finding| match finding {
                Err((outcome, reason)) if *outcome == wanted => Some(reason.as_str()),
                _ => None,
            })
            .collect();
        if !reasons.is_empty() {
            return PresentationCheck::new(name, wanted, reasons.join("; "));
        }
    }
    let passed: Vec<&str> = findings
        .iter()
        .filter_map(|finding| finding.as_ref().ok().map(String::as_str))
        .collect();
    PresentationCheck::new(name, Outcome::Passed, passed.join("; "))
}

fn one_or_many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
    }
}

#[cfg(test)]
mod tests;
