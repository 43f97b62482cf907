//! The W3C VC Data Model rules (2.0, and 1.1 for credentials with the v1 context), checked on
//! the JSON before any JSON-LD processing. Each rule is the one a test of the VC Data Model 2.0
//! suite exercises (`vcdm2-inputs/*`), or a MUST of the 1.1 specification.

use serde_json::{Map, Value};

use super::errors::{ErrorCode, Findings, JsonPath};
use super::iri::is_absolute_url;
use super::lookup::Fields;
use super::{
    CREDENTIALS_V1_CONTEXT, CREDENTIALS_V2_CONTEXT, CredentialInfo, ModelErrors, VcVersion,
    ob3_rules,
};
use crate::datetime::DateTimeStamp;

/// Why the credential is checked: issuance adds Brevet's own requirements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    Verify,
    Issue,
}

/// Properties whose objects must each carry a `type` (VC 2.0 §Data Schemas, §Status,
/// §Evidence, §Refreshing, §Terms of Use), and whether an `id` is required too (by version).
const TYPED_PROPERTIES: &[(&str, bool, bool)] = &[
    // (property, id required in 2.0, id required in 1.1)
    ("credentialStatus", false, true),
    ("credentialSchema", true, true),
    ("evidence", false, false),
    ("refreshService", false, true),
    ("termsOfUse", false, false),
];

/// What validation learned, borrowed from the document (see [`CredentialInfo`] for the
/// owned form).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CheckedCredential<'a> {
    credential: &'a Map<String, Value>,
    pub(crate) version: VcVersion,
    id: Option<&'a str>,
    types: Vec<&'a str>,
    pub(crate) issuer_id: &'a str,
    valid_from: Option<DateTimeStamp>,
    valid_until: Option<DateTimeStamp>,
    is_open_badge: bool,
    subject_ids: Vec<&'a str>,
}

impl CheckedCredential<'_> {
    pub(crate) fn into_info(self) -> CredentialInfo {
        CredentialInfo {
            version: self.version,
            id: self.id.map(str::to_owned),
            types: self.types.into_iter().map(str::to_owned).collect(),
            issuer_id: self.issuer_id.to_owned(),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            credential_status: as_list(self.credential.field("credentialStatus")),
            is_open_badge: self.is_open_badge,
            proofs: as_list(self.credential.field("proof")),
            subject_ids: self.subject_ids.into_iter().map(str::to_owned).collect(),
        }
    }
}

pub(crate) fn check(doc: &Value, purpose: Purpose) -> Result<CheckedCredential<'_>, ModelErrors> {
    let mut findings = Findings::default();
    let Some(credential) = doc.as_object() else {
        findings.push(
            "$",
            ErrorCode::Parsing,
            "a credential must be a JSON object",
        );
        return Err(ModelErrors(findings.errors));
    };

    let version = check_context(credential, &mut findings);
    let types = check_types(credential, &mut findings);
    let id = check_optional_url(credential, &JsonPath::Root, "id", &mut findings);
    let issuer_id = check_issuer(credential, &mut findings);
    let subject_ids = check_subjects(credential, &mut findings);
    let (valid_from, valid_until) = check_validity(credential, version, &mut findings);
    for (property, id_required_v2, id_required_v1) in TYPED_PROPERTIES {
        let id_required = match version {
            Some(VcVersion::V1_1) => *id_required_v1,
            _ => *id_required_v2,
        };
        check_typed_objects(credential, property, id_required, &mut findings);
    }
    super::related_resources::check_related_resources(credential, &mut findings);
    check_proofs(credential, &mut findings);
    check_language_strings(credential, &mut findings);

    let is_open_badge = types
        .iter()
        .any(|kind| *kind == "OpenBadgeCredential" || *kind == "AchievementCredential");
    let has_achievement_subject = has_achievement_subject(credential);
    if has_achievement_subject && !is_open_badge && !types.is_empty() {
        findings.malformed(
            "$.type",
            "the credential subject is an AchievementSubject, so type must include OpenBadgeCredential or AchievementCredential",
        );
    }
    if is_open_badge || has_achievement_subject {
        let version = version.unwrap_or(VcVersion::V2);
        ob3_rules::check(doc, version, &mut findings);
        if purpose == Purpose::Issue {
            check_recipient_for_issuance(credential, &mut findings);
        }
        if purpose == Purpose::Issue && credential.field("issuer").is_some_and(Value::is_string) {
            findings.malformed(
                "$.issuer",
                "an Open Badges issuer must be a Profile object (id, type [\"Profile\"], name), not a bare string",
            );
        }
    }

    if !findings.errors.is_empty() {
        return Err(ModelErrors(findings.errors));
    }
    let (Some(version), Some(issuer_id)) = (version, issuer_id) else {
        // Unreachable in practice: a missing version or issuer always records an error.
        return Err(ModelErrors(vec![super::ModelError::malformed(
            "$",
            "incomplete credential",
        )]));
    };
    Ok(CheckedCredential {
        credential,
        version,
        id,
        types,
        issuer_id,
        valid_from,
        valid_until,
        is_open_badge,
        subject_ids,
    })
}

/// Brevet issues an Open Badge to a named recipient: the subject has an `id` or at least one
/// `identifier` (an IdentityObject, e.g. a hashed email).
fn check_recipient_for_issuance(credential: &Map<String, Value>, findings: &mut Findings) {
    let Some(Value::Object(subject)) = credential.field("credentialSubject") else {
        return;
    };
    let has_identifier = subject
        .get("identifier")
        .and_then(Value::as_array)
        .is_some_and(|identifiers| !identifiers.is_empty());
    if !subject.has_field("id") && !has_identifier {
        findings.malformed(
            "$.credentialSubject",
            "an Open Badge names its recipient: give the subject an id or an identifier (IdentityObject)",
        );
    }
}

/// Whether some credential subject declares the OB 3.0 class `AchievementSubject`: such a
/// credential is an Open Badge whatever its `type` says, and is checked as one.
fn has_achievement_subject(credential: &Map<String, Value>) -> bool {
    let is_achievement_subject = |subject: &Value| match subject.get("type") {
        Some(Value::String(kind)) => kind == "AchievementSubject",
        Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == "AchievementSubject"),
        _ => false,
    };
    match credential.field("credentialSubject") {
        Some(Value::Array(subjects)) => subjects.iter().any(is_achievement_subject),
        Some(subject) => is_achievement_subject(subject),
        None => false,
    }
}

fn as_list(value: Option<&Value>) -> Vec<Value> {
    match value {
        None => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(single) => vec![single.clone()],
    }
}

/// `@context`: present, first entry the v1 or v2 credentials context, every other entry a URL
/// or an inline context object whose term definitions map to absolute IRIs.
fn check_context(credential: &Map<String, Value>, findings: &mut Findings) -> Option<VcVersion> {
    let root = JsonPath::Root;
    let path = root.key("@context");
    let entries: &[Value] = match credential.field("@context") {
        None => {
            findings.malformed("$", "@context is required");
            return None;
        }
        Some(Value::Array(items)) => items,
        Some(single @ Value::String(_)) => std::slice::from_ref(single),
        Some(_) => {
            findings.malformed_at(
                &path,
                "@context must be a URL or a list of URLs and objects",
            );
            return None;
        }
    };
    let version = match entries.first().and_then(|first| first.as_str()) {
        Some(CREDENTIALS_V2_CONTEXT) => Some(VcVersion::V2),
        Some(CREDENTIALS_V1_CONTEXT) => Some(VcVersion::V1_1),
        _ => {
            findings.malformed_at(
                &path.index(0),
                format!(
                    "the first @context entry must be {CREDENTIALS_V2_CONTEXT} (or {CREDENTIALS_V1_CONTEXT} for VC 1.1)"
                ),
            );
            None
        }
    };
    for (index, entry) in entries.iter().enumerate() {
        let entry_path = path.index(index);
        match entry {
            Value::String(url) if !is_absolute_url(url) => {
                findings.malformed_at(&entry_path, format!("context {url:?} is not a URL"));
            }
            Value::String(_) => {}
            Value::Object(definitions) => check_inline_context(definitions, &entry_path, findings),
            _ => findings.malformed_at(&entry_path, "a context entry must be a URL or an object"),
        }
    }
    version
}

/// Term definitions of an inline context that map a term to an IRI must use an absolute IRI
/// (or a compact IRI / keyword, which JSON-LD resolves); `https ://…` is refused here already.
fn check_inline_context(
    definitions: &Map<String, Value>,
    path: &JsonPath<'_>,
    findings: &mut Findings,
) {
    for (term, definition) in definitions {
        if term.starts_with('@') {
            continue;
        }
        let iri = match definition {
            Value::String(iri) => Some(iri.as_str()),
            Value::Object(expanded) => expanded.field("@id").and_then(Value::as_str),
            _ => None,
        };
        if let Some(iri) = iri
            && iri.contains(':')
            && !iri.starts_with('@')
            && !is_absolute_url(iri)
        {
            findings.malformed_at(
                &path.key(term),
                format!("term {term:?} maps to {iri:?}, which is not an absolute IRI"),
            );
        }
    }
}

/// `type`: present, a string or a list of non-empty strings, including `VerifiableCredential`.
fn check_types<'a>(credential: &'a Map<String, Value>, findings: &mut Findings) -> Vec<&'a str> {
    let path = "$.type";
    let types: Vec<&str> = match credential.field("type") {
        None => {
            findings.malformed(
                "$",
                "type is required and must include VerifiableCredential",
            );
            return Vec::new();
        }
        Some(Value::String(kind)) => vec![kind.as_str()],
        Some(Value::Array(items)) => {
            let mut types = Vec::new();
            for (index, kind) in items.iter().enumerate() {
                match kind.as_str() {
                    Some(kind) if !kind.is_empty() => types.push(kind),
                    _ => findings.malformed(
                        &format!("{path}[{index}]"),
                        "a type must be a non-empty string",
                    ),
                }
            }
            types
        }
        Some(_) => {
            findings.malformed(path, "type must be a string or a list of strings");
            return Vec::new();
        }
    };
    if !types.contains(&"VerifiableCredential") {
        findings.malformed(path, "type must include VerifiableCredential");
    }
    types
}

/// An optional `key` of `object` that, when present, must be a URL string.
fn check_optional_url<'a>(
    object: &'a Map<String, Value>,
    parent: &JsonPath<'_>,
    key: &str,
    findings: &mut Findings,
) -> Option<&'a str> {
    let value = object.field(key)?;
    match value {
        Value::String(url) if is_absolute_url(url) => Some(url),
        Value::String(url) => {
            findings.malformed_at(&parent.key(key), format!("{key} {url:?} is not a URL"));
            None
        }
        _ => {
            findings.malformed_at(
                &parent.key(key),
                format!("{key} must be a single URL string"),
            );
            None
        }
    }
}

/// `issuer`: required; a URL, or an object whose `id` is a URL.
fn check_issuer<'a>(
    credential: &'a Map<String, Value>,
    findings: &mut Findings,
) -> Option<&'a str> {
    let root = JsonPath::Root;
    let path = root.key("issuer");
    match credential.field("issuer") {
        None => {
            findings.malformed("$", "issuer is required");
            None
        }
        Some(Value::String(url)) if is_absolute_url(url) => Some(url),
        Some(Value::String(url)) => {
            findings.malformed_at(&path, format!("issuer {url:?} is not a URL"));
            None
        }
        Some(Value::Object(issuer)) => {
            if !issuer.has_field("id") {
                findings.malformed_at(&path, "an issuer object must have an id (a URL)");
            }
            check_optional_url(issuer, &path, "id", findings)
        }
        Some(_) => {
            findings.malformed_at(&path, "issuer must be a URL or an object with an id");
            None
        }
    }
}

/// `credentialSubject`: required; one non-empty object or a non-empty list of them; any `id`
/// a single URL. Returns the subject ids.
fn check_subjects<'a>(credential: &'a Map<String, Value>, findings: &mut Findings) -> Vec<&'a str> {
    let root = JsonPath::Root;
    let path = root.key("credentialSubject");
    let mut ids = Vec::new();
    let mut check_one = |subject: &'a Value, subject_path: &JsonPath<'_>| match subject {
        Value::Object(claims) if claims.is_empty() => findings.malformed_at(
            subject_path,
            "a credential subject must make at least one claim (it is an empty object)",
        ),
        Value::Object(claims) => {
            ids.extend(check_optional_url(claims, subject_path, "id", findings));
        }
        _ => findings.malformed_at(subject_path, "a credential subject must be an object"),
    };
    match credential.field("credentialSubject") {
        None => findings.malformed("$", "credentialSubject is required"),
        Some(Value::Array(items)) if items.is_empty() => {
            findings.malformed_at(&path, "credentialSubject must not be an empty list");
        }
        Some(Value::Array(items)) => {
            for (index, subject) in items.iter().enumerate() {
                check_one(subject, &path.index(index));
            }
        }
        Some(single) => check_one(single, &path),
    }
    ids
}

/// `validFrom`/`validUntil` (2.0) or `issuanceDate` (required) / `expirationDate` (1.1): each a
/// dateTimeStamp, the start not after the end.
fn check_validity(
    credential: &Map<String, Value>,
    version: Option<VcVersion>,
    findings: &mut Findings,
) -> (Option<DateTimeStamp>, Option<DateTimeStamp>) {
    let (from_key, until_key) = match version {
        Some(VcVersion::V1_1) => ("issuanceDate", "expirationDate"),
        _ => ("validFrom", "validUntil"),
    };
    if version == Some(VcVersion::V1_1) && !credential.has_field(from_key) {
        findings.malformed("$", "issuanceDate is required in a VC 1.1 credential");
    }
    let root = JsonPath::Root;
    let from = read_stamp(credential, &root, from_key, findings);
    let until = read_stamp(credential, &root, until_key, findings);
    if let (Some(from), Some(until)) = (&from, &until)
        && from > until
    {
        findings.push(
            &root.key(until_key).to_string(),
            ErrorCode::Range,
            format!("{until_key} {until} is before {from_key} {from}"),
        );
    }
    (from, until)
}

/// Reads an optional dateTimeStamp property.
pub(crate) fn read_stamp(
    object: &Map<String, Value>,
    parent: &JsonPath<'_>,
    key: &str,
    findings: &mut Findings,
) -> Option<DateTimeStamp> {
    let value = object.field(key)?;
    match value.as_str().map(DateTimeStamp::parse) {
        Some(Ok(stamp)) => Some(stamp),
        Some(Err(error)) => {
            findings.malformed_at(&parent.key(key), error.to_string());
            None
        }
        None => {
            findings.malformed_at(
                &parent.key(key),
                format!("{key} must be a dateTimeStamp string"),
            );
            None
        }
    }
}

/// Each object of `property` (one object or a list) must have a `type`; its `id`, if present
/// (or when required), must be a URL.
fn check_typed_objects(
    credential: &Map<String, Value>,
    property: &str,
    id_required: bool,
    findings: &mut Findings,
) {
    let root = JsonPath::Root;
    let path = root.key(property);
    let mut check_one = |entry: &Value, entry_path: &JsonPath<'_>| {
        let Some(object) = entry.as_object() else {
            findings.malformed_at(entry_path, format!("each {property} must be an object"));
            return;
        };
        match object.field("type") {
            None => findings.malformed_at(entry_path, format!("{property} needs a type")),
            Some(Value::String(kind)) if !kind.is_empty() => {}
            Some(Value::Array(kinds))
                if !kinds.is_empty()
                    && kinds
                        .iter()
                        .all(|kind| kind.as_str().is_some_and(|k| !k.is_empty())) => {}
            Some(_) => findings.malformed_at(
                &entry_path.key("type"),
                "type must be a non-empty string or list of strings",
            ),
        }
        if id_required && !object.has_field("id") {
            findings.malformed_at(entry_path, format!("{property} needs an id (a URL)"));
        }
        check_optional_url(object, entry_path, "id", findings);
    };
    match credential.field(property) {
        None => {}
        Some(Value::Array(items)) => {
            for (index, entry) in items.iter().enumerate() {
                check_one(entry, &path.index(index));
            }
        }
        Some(single) => check_one(single, &path),
    }
}

/// `proof`: one object or a list of objects, each with a `type`; `created`/`expires`, when
/// present, dateTimeStamps.
fn check_proofs(credential: &Map<String, Value>, findings: &mut Findings) {
    let root = JsonPath::Root;
    let path = root.key("proof");
    let mut check_one = |proof: &Value, proof_path: &JsonPath<'_>| {
        let Some(object) = proof.as_object() else {
            findings.malformed_at(proof_path, "a proof must be an object");
            return;
        };
        if !object.field("type").is_some_and(Value::is_string) {
            findings.malformed_at(proof_path, "a proof needs a type (a string)");
        }
        read_stamp(object, proof_path, "created", findings);
        read_stamp(object, proof_path, "expires", findings);
    };
    match credential.field("proof") {
        None => {}
        Some(Value::Array(proofs)) => {
            for (index, proof) in proofs.iter().enumerate() {
                check_one(proof, &path.index(index));
            }
        }
        Some(single) => check_one(single, &path),
    }
}

/// `name` and `description`: a string, a language value object (`@value`), or a list of those.
fn check_language_strings(credential: &Map<String, Value>, findings: &mut Findings) {
    for key in ["name", "description"] {
        let Some(value) = credential.field(key) else {
            continue;
        };
        let values = match value {
            Value::Array(items) => items.as_slice(),
            single => std::slice::from_ref(single),
        };
        let ok = values.iter().all(|value| match value {
            Value::String(_) => true,
            Value::Object(object) => object.field("@value").is_some_and(Value::is_string),
            _ => false,
        });
        if !ok {
            findings.malformed_at(
                &JsonPath::Root.key(key),
                format!("{key} must be a string or a language value object with @value"),
            );
        }
    }
}
