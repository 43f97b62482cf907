//! The Open Badges 2.0 verifier: the six checks of every report, by the 2.0 rules (see the
//! module above for the rules themselves).

use serde_json::Value;
use time::OffsetDateTime;

use super::policy::check_hosted_scope;
use super::recipient::Recipient;
use super::{CONTEXT, DocumentSource, MAX_ISSUER_KEYS, Ob2Kind, has_type, is_http_url};
use crate::jose::{CompactJws, JwsPublicKey};
use crate::verify::{CheckName, CheckResult, Outcome, SourceError, VerificationReport};

/// The fields of a hosted assertion that the fetched copy must repeat exactly.
const MATCHED_FIELDS: [&str; 8] = [
    "@context",
    "type",
    "id",
    "recipient",
    "badge",
    "verification",
    "issuedOn",
    "expires",
];

/// What is verified.
#[derive(Clone, Copy, Debug)]
pub enum Ob2Input<'a> {
    /// A hosted assertion as given (pasted, baked, or fetched from its URL).
    Hosted(&'a Value),
    /// A signed assertion: the JWS, its payload the assertion.
    Signed(&'a CompactJws),
}

/// The outcome: the report, and the documents read (for display).
#[derive(Clone, Debug)]
pub struct Ob2Verification {
    pub kind: Ob2Kind,
    pub report: VerificationReport,
    /// The authoritative assertion: the hosted copy (when it could be had), or the JWS payload.
    pub assertion: Value,
    pub badge_class: Option<Value>,
    pub issuer: Option<Value>,
}

type Finding = Result<String, (Outcome, String)>;

fn failed<T>(reason: impl Into<String>) -> Result<T, (Outcome, String)> {
    Err((Outcome::Failed, reason.into()))
}

fn to_check(name: CheckName, finding: Finding) -> CheckResult {
    match finding {
        Ok(detail) => CheckResult::passed(name, detail),
        Err((outcome, detail)) => CheckResult::new(name, outcome, detail),
    }
}

/// Verifies an Open Badges 2.0 assertion at `now`.
pub fn verify(
    input: Ob2Input<'_>,
    source: &dyn DocumentSource,
    now: OffsetDateTime,
) -> Ob2Verification {
    let (kind, given) = match input {
        Ob2Input::Hosted(assertion) => (Ob2Kind::Hosted, assertion.clone()),
        Ob2Input::Signed(jws) => (Ob2Kind::Signed, jws.payload().clone()),
    };
    let label = kind.label();
    let syntax = check_syntax(&given, kind).map(|summary| format!("{label} assertion: {summary}"));
    let context = check_context(&given);
    if let Err((_, reason)) = &syntax {
        let syntax = CheckResult::failed(CheckName::Syntax, format!("{label}: {reason}"));
        let not_checked =
            "not checked: the assertion is not a well-formed Open Badges 2.0 assertion";
        let mut checks = vec![syntax, to_check(CheckName::Context, context)];
        checks.extend(
            CheckName::ALL[2..]
                .iter()
                .map(|&name| CheckResult::could_not_check(name, not_checked)),
        );
        return Ob2Verification {
            kind,
            report: VerificationReport::from_checks(checks),
            assertion: given,
            badge_class: None,
            issuer: None,
        };
    }
    let mut chain = Chain {
        source,
        kind,
        assertion: given.clone(),
        badge_class: None,
        issuer: None,
    };
    let (proof, issuer_key) = match input {
        Ob2Input::Hosted(_) => chain.hosted(&given),
        Ob2Input::Signed(jws) => chain.signed(jws),
    };
    let validity = check_validity(&chain.assertion, now);
    let blocker = [&syntax, &context, &proof, &issuer_key]
        .into_iter()
        .find_map(|finding| match finding {
            Err((Outcome::Failed, _)) => Some("an earlier check failed"),
            _ => None,
        });
    let status = match blocker {
        Some(reason) => Err((
            Outcome::CouldNotCheck,
            format!("not checked: {reason}, so no revocation list is fetched"),
        )),
        None => chain.status(),
    };
    let checks = vec![
        to_check(CheckName::Syntax, syntax),
        to_check(CheckName::Context, context),
        to_check(CheckName::Proof, proof),
        to_check(CheckName::IssuerKey, issuer_key),
        to_check(CheckName::Validity, validity),
        to_check(CheckName::Status, status),
    ];
    Ob2Verification {
        kind,
        report: VerificationReport::from_checks(checks),
        assertion: chain.assertion,
        badge_class: chain.badge_class,
        issuer: chain.issuer,
    }
}

/// The assertion's shape.
fn check_syntax(assertion: &Value, kind: Ob2Kind) -> Finding {
    if !assertion.is_object() {
        return failed("the assertion is not a JSON object");
    }
    if !has_type(assertion, &["Assertion"]) {
        return failed("its type is not Assertion");
    }
    let Some(id) = assertion.get("id").and_then(Value::as_str) else {
        return failed("it has no id");
    };
    match kind {
        Ob2Kind::Hosted if !is_http_url(id) => {
            return failed(format!(
                "a hosted assertion's id must be the http(s) URL it is hosted at, not {id:?}"
            ));
        }
        _ if !crate::model::is_absolute_url(id) => {
            return failed(format!("its id {id:?} is not an absolute IRI"));
        }
        _ => {}
    }
    match super::verification_kind(assertion) {
        Ok(declared) if declared == kind => {}
        Ok(declared) => {
            return failed(format!(
                "it declares {} verification but was given as {}",
                declared.label(),
                kind.label()
            ));
        }
        Err(reason) => return failed(reason),
    }
    let recipient = Recipient::of_assertion(assertion).or_else(failed)?;
    let badge = match assertion.get("badge") {
        Some(Value::String(url)) if is_http_url(url) => url.clone(),
        Some(Value::Object(badge)) => badge
            .get("name")
            .and_then(Value::as_str)
            .map_or("an embedded BadgeClass".to_owned(), |name| {
                format!("the embedded BadgeClass {name:?}")
            }),
        _ => return failed("its badge is neither an http(s) URL nor a BadgeClass object"),
    };
    let issued = assertion
        .get("issuedOn")
        .ok_or("it has no issuedOn".to_owned())
        .and_then(|value| super::dates::parse(value).map_err(|error| format!("issuedOn: {error}")))
        .or_else(failed)?;
    if let Some(expires) = assertion.get("expires") {
        super::dates::parse(expires)
            .map_err(|error| format!("expires: {error}"))
            .or_else(failed)?;
    }
    if let Some(revoked) = assertion.get("revoked")
        && !revoked.is_boolean()
    {
        return failed("revoked is not a boolean");
    }
    Ok(format!(
        "{id}, awarded to {} on {}, for {badge}",
        recipient.describe(),
        crate::datetime::format_now_like(issued)
    ))
}

/// `@context` must be the Open Badges 2.0 context alone: it is never fetched, and nothing else
/// would be understood.
fn check_context(assertion: &Value) -> Finding {
    let only_ob2 = match assertion.get("@context") {
        Some(Value::String(context)) => context == CONTEXT,
        Some(Value::Array(entries)) => {
            !entries.is_empty() && entries.iter().all(|entry| entry.as_str() == Some(CONTEXT))
        }
        _ => false,
    };
    if only_ob2 {
        Ok(format!(
            "the Open Badges 2.0 context {CONTEXT} (not fetched)"
        ))
    } else {
        failed(format!(
            "INVALID_CONTEXT: an Open Badges 2.0 assertion's @context is {CONTEXT} alone"
        ))
    }
}

fn check_validity(assertion: &Value, now: OffsetDateTime) -> Finding {
    let now_text = crate::datetime::format_now_like(now);
    let read = |field: &str| {
        assertion
            .get(field)
            .map(|value| {
                super::dates::parse(value)
                    .map_err(|error| (Outcome::Failed, format!("{field}: {error}")))
            })
            .transpose()
    };
    let issued = read("issuedOn")?;
    let expires = read("expires")?;
    if let Some(issued) = issued
        && now < issued
    {
        return failed(format!(
            "not yet valid: issuedOn is {}, the time is {now_text}",
            crate::datetime::format_now_like(issued)
        ));
    }
    match expires {
        Some(expires) if now > expires => failed(format!(
            "expired: expires was {}, the time is {now_text}",
            crate::datetime::format_now_like(expires)
        )),
        Some(expires) => Ok(format!(
            "valid until {}; checked at {now_text}",
            crate::datetime::format_now_like(expires)
        )),
        None => Ok(format!("no expiry date; checked at {now_text}")),
    }
}

/// The documents read while verifying.
struct Chain<'a> {
    source: &'a dyn DocumentSource,
    kind: Ob2Kind,
    assertion: Value,
    badge_class: Option<Value>,
    issuer: Option<Value>,
}

impl Chain<'_> {
    /// Reads `url`: the document's id must be the URL and its type one of `types`.
    fn fetch(&self, url: &str, what: &str, types: &[&str]) -> Result<Value, (Outcome, String)> {
        if !is_http_url(url) {
            return failed(format!("the {what} {url:?} is not an http(s) URL"));
        }
        let document = self.source.document(url).map_err(|error| match error {
            SourceError::Unavailable(reason) => (
                Outcome::CouldNotCheck,
                format!("the {what} at {url} could not be had: {reason}"),
            ),
            SourceError::Invalid(reason) => (
                Outcome::Failed,
                format!("the {what} at {url} is not acceptable: {reason}"),
            ),
        })?;
        let id = document.get("id").and_then(Value::as_str);
        if id != Some(url) {
            return failed(format!(
                "the {what} fetched from {url} has the id {}, not its URL",
                id.unwrap_or("(none)")
            ));
        }
        if !has_type(&document, types) {
            return failed(format!(
                "the document at {url} is not a {} (its type is {})",
                types.join(" or "),
                document.get("type").unwrap_or(&Value::Null)
            ));
        }
        Ok(document)
    }

    /// The BadgeClass (embedded, or fetched) and the issuer Profile (always fetched by its id).
    fn badge_and_issuer(&mut self) -> Result<Value, (Outcome, String)> {
        let badge = match self.assertion.get("badge") {
            Some(Value::String(url)) => {
                let url = url.clone();
                self.fetch(&url, "BadgeClass", &["BadgeClass"])?
            }
            Some(embedded @ Value::Object(_)) => embedded.clone(),
            _ => return failed("the assertion has no badge"),
        };
        self.badge_class = Some(badge.clone());
        let issuer_id = match badge.get("issuer") {
            Some(Value::String(id)) => id.clone(),
            Some(Value::Object(issuer)) => issuer
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            _ => return failed("the BadgeClass names no issuer"),
        };
        let issuer = self.fetch(&issuer_id, "issuer Profile", &["Issuer", "Profile"])?;
        self.issuer = Some(issuer.clone());
        Ok(issuer)
    }

    /// Hosted: the copy at the id matches and is authoritative; the id is in the issuer's scope.
    fn hosted(&mut self, given: &Value) -> (Finding, Finding) {
        let not_checked =
            |reason: &str| Err((Outcome::CouldNotCheck, format!("not checked: {reason}")));
        let id = given
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let hosted = match self.fetch(&id, "hosted assertion", &["Assertion"]) {
            Ok(hosted) => hosted,
            Err(finding) => {
                return (
                    Err(finding),
                    not_checked("the hosted assertion could not be read"),
                );
            }
        };
        if let Some(field) = MATCHED_FIELDS
            .iter()
            .find(|field| hosted.get(**field) != given.get(**field))
        {
            self.assertion = hosted;
            return (
                failed(format!(
                    "the assertion hosted at {id} differs from the one given ({field}): it was altered, or the issuer changed it"
                )),
                not_checked("the hosted copy does not match"),
            );
        }
        self.assertion = hosted;
        let proof = Ok(format!(
            "the assertion is hosted at its id {id} and matches the one given"
        ));
        let issuer = match self.badge_and_issuer() {
            Ok(issuer) => issuer,
            Err(finding) => return (proof, Err(finding)),
        };
        let scope = check_hosted_scope(&id, &issuer)
            .map(|allowed| {
                format!("{allowed}; the BadgeClass's issuer Profile was read from its id")
            })
            .or_else(failed);
        (proof, scope)
    }

    /// Signed: the key is the issuer's; the signature holds with it.
    fn signed(&mut self, jws: &CompactJws) -> (Finding, Finding) {
        let not_checked =
            |reason: String| Err((Outcome::CouldNotCheck, format!("not checked: {reason}")));
        let issuer = match self.badge_and_issuer() {
            Ok(issuer) => issuer,
            Err(finding) => {
                return (
                    not_checked("the issuer's keys could not be had".to_owned()),
                    Err(finding),
                );
            }
        };
        let issuer_id = issuer
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let listed = listed_keys(&issuer);
        let creator = self
            .assertion
            .get("verification")
            .and_then(|verification| verification.get("creator"))
            .cloned();
        let candidates: Vec<Value> = match creator {
            Some(Value::String(creator)) => {
                if !listed
                    .iter()
                    .any(|key| key_id(key) == Some(creator.as_str()))
                {
                    return (
                        not_checked(format!("the key {creator} is not the issuer's")),
                        failed(format!(
                            "JWT-03: the assertion was signed with {creator}, a key the issuer Profile {issuer_id} does not list under publicKey"
                        )),
                    );
                }
                match self.fetch(&creator, "signing key", &["CryptographicKey"]) {
                    Ok(key) => vec![key],
                    Err(finding) => {
                        return (
                            not_checked(format!("the key {creator} could not be read")),
                            Err(finding),
                        );
                    }
                }
            }
            Some(_) => {
                return (
                    not_checked("verification.creator is not a URL".to_owned()),
                    failed("verification.creator is not a URL"),
                );
            }
            None => {
                let mut keys = Vec::new();
                for entry in listed.iter().take(MAX_ISSUER_KEYS) {
                    match entry {
                        Value::String(url) => {
                            match self.fetch(url, "signing key", &["CryptographicKey"]) {
                                Ok(key) => keys.push(key),
                                Err(finding) => {
                                    return (
                                        not_checked(format!("the key {url} could not be read")),
                                        Err(finding),
                                    );
                                }
                            }
                        }
                        key @ Value::Object(_) => keys.push(key.clone()),
                        _ => {}
                    }
                }
                if keys.is_empty() {
                    return (
                        not_checked("the issuer publishes no key".to_owned()),
                        failed(format!(
                            "the issuer Profile {issuer_id} lists no publicKey to check a signed assertion with"
                        )),
                    );
                }
                keys
            }
        };
        let mut errors = Vec::new();
        for key in &candidates {
            let id = key_id(key).unwrap_or("(an embedded key)").to_owned();
            if let Some(owner) = key.get("owner").and_then(Value::as_str)
                && owner != issuer_id
            {
                errors.push(format!(
                    "JWT-03: the key {id} is owned by {owner}, not by the issuer {issuer_id}"
                ));
                continue;
            }
            let Some(pem) = key.get("publicKeyPem").and_then(Value::as_str) else {
                errors.push(format!("the key {id} has no publicKeyPem"));
                continue;
            };
            let public = match JwsPublicKey::from_pem(pem) {
                Ok(public) => public,
                Err(error) => {
                    errors.push(format!("the key {id}: {error}"));
                    continue;
                }
            };
            return match jws.verify_with(&public) {
                Ok(()) => (
                    Ok(format!(
                        "{} JWS signature verifies with {id}",
                        public.algorithm()
                    )),
                    Ok(format!(
                        "{id} is listed by the issuer Profile {issuer_id} under publicKey"
                    )),
                ),
                Err(error) => (
                    failed(format!("PROOF_VERIFICATION_ERROR: {error}")),
                    Ok(format!(
                        "{id} is listed by the issuer Profile {issuer_id} under publicKey"
                    )),
                ),
            };
        }
        (
            not_checked("no usable key of the issuer".to_owned()),
            failed(errors.join("; ")),
        )
    }

    /// `revoked` on the assertion, then the issuer's revocation list.
    fn status(&self) -> Finding {
        let id = self
            .assertion
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if self.assertion.get("revoked") == Some(&Value::Bool(true)) {
            return failed(revoked_message(
                "the issuer marked the assertion revoked",
                self.assertion.get("revocationReason"),
            ));
        }
        let Some(issuer) = &self.issuer else {
            return Err((
                Outcome::CouldNotCheck,
                "not checked: the issuer Profile could not be read".to_owned(),
            ));
        };
        let list_url = match issuer.get("revocationList") {
            None | Some(Value::Null) => {
                return Ok(match self.kind {
                    Ob2Kind::Hosted => "not revoked: the hosted assertion is not marked revoked, and the issuer publishes no revocation list".to_owned(),
                    Ob2Kind::Signed => "not revoked: the issuer publishes no revocation list".to_owned(),
                });
            }
            Some(Value::String(url)) => url.clone(),
            Some(_) => return failed("the issuer's revocationList is not a URL"),
        };
        let list = self.fetch(&list_url, "revocation list", &["RevocationList"])?;
        let entries = match list.get("revokedAssertions") {
            None => Vec::new(),
            Some(Value::Array(entries)) => entries.iter().collect(),
            Some(_) => {
                return failed(format!(
                    "the revocation list {list_url} has no revokedAssertions list"
                ));
            }
        };
        let entry = entries.into_iter().find(|entry| match entry {
            Value::String(revoked) => revoked == id,
            Value::Object(record) => {
                record.get("id").and_then(Value::as_str) == Some(id)
                    || record.get("uid").and_then(Value::as_str) == Some(id)
            }
            _ => false,
        });
        match entry {
            Some(entry) => failed(revoked_message(
                &format!("the issuer's revocation list {list_url} revokes the assertion"),
                entry.get("revocationReason"),
            )),
            None => Ok(format!(
                "not revoked: the assertion is not in the issuer's revocation list {list_url}"
            )),
        }
    }
}

fn revoked_message(what: &str, reason: Option<&Value>) -> String {
    match reason.and_then(Value::as_str) {
        Some(reason) => format!("revoked: {what}; reason given: {reason}"),
        None => format!("revoked: {what}"),
    }
}

/// The issuer's `publicKey` entries (URLs or embedded keys).
fn listed_keys(issuer: &Value) -> Vec<Value> {
    match issuer.get("publicKey") {
        Some(Value::Array(entries)) => entries.clone(),
        Some(single @ (Value::String(_) | Value::Object(_))) => vec![single.clone()],
        _ => Vec::new(),
    }
}

fn key_id(key: &Value) -> Option<&str> {
    match key {
        Value::String(id) => Some(id),
        Value::Object(key) => key.get("id").and_then(Value::as_str),
        _ => None,
    }
}
