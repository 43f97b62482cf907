//! The W3C CCG VC-API: issue any VC 2.0 credential as the caller's organisation
//! (`/credentials/issue`), set a credential's status (`/credentials/status`), republish a status
//! list, and verify credentials and presentations ([`verify`]).
//!
//! Issuing (VC 2.0, and VC 1.1 with `issuanceDate`): the issuer must be absent (it becomes the organisation's `Profile`) or the
//! organisation's did:web (anything else is refused: Brevet signs only as the caller's
//! organisation); `validFrom` defaults to now and `id` to the credential's public page. A VC 2.0
//! credential gets a revocation `BitstringStatusListEntry` like any award, and a suspension entry
//! when `options.credentialStatus` asks for one (a VC 1.1 credential gets entries only when asked:
//! see `IssueRequest::purposes`); it is signed (eddsa-rdfc-2022, or eddsa-jcs-2022
//! when `options.cryptosuite` says so) with every data-model and Open Badges rule of
//! [`brevet_core::issue`], and stored with its status entries in one transaction.

pub mod verify;

use brevet_core::contexts::{CREDENTIALS_V1, CREDENTIALS_V2, DATA_INTEGRITY_V2};
use brevet_core::proof::Cryptosuite;
use brevet_store::credentials::{self, CredentialRecord};
use brevet_store::{StoreError, orgs};
use serde_json::{Map, Value, json};

use crate::issuance::{Idempotency, IssueResponse, parse_instant};
use crate::status::{CredentialStatusView, PURPOSES, StatusChange};
use crate::{App, AppError, Principal, clock, ids};

/// The status list entry type Brevet issues and sets.
pub const BITSTRING_ENTRY: &str = "BitstringStatusListEntry";

/// A checked `/credentials/issue` request.
#[derive(Debug, Clone)]
struct IssueRequest {
    credential: Map<String, Value>,
    suite: Cryptosuite,
    /// Purposes `options.credentialStatus` asks for, in the order asked.
    requested_purposes: Vec<&'static str>,
}

impl IssueRequest {
    fn parse(body: &Value) -> Result<IssueRequest, AppError> {
        let body = object_fields(body, "the request", &["credential", "options", "@context"])?;
        let credential = match body.get("credential") {
            Some(Value::Object(credential)) => credential.clone(),
            Some(_) => return Err(bad("INVALID_REQUEST", "credential must be a JSON object")),
            None => return Err(bad("INVALID_REQUEST", "the request has no credential")),
        };
        let mut request = IssueRequest {
            credential,
            suite: Cryptosuite::EddsaRdfc2022,
            requested_purposes: Vec::new(),
        };
        let options = match body.get("options") {
            None | Some(Value::Null) => return Ok(request),
            Some(options) => object_fields(
                options,
                "options",
                &["cryptosuite", "type", "credentialStatus"],
            )?,
        };
        if let Some(proof_type) = options.get("type")
            && proof_type.as_str() != Some(brevet_core::proof::DATA_INTEGRITY_PROOF)
        {
            return Err(bad(
                "UNSUPPORTED_OPTION",
                "options.type must be \"DataIntegrityProof\" (the only proof type Brevet makes)",
            ));
        }
        if let Some(suite) = options.get("cryptosuite") {
            request.suite = suite
                .as_str()
                .and_then(Cryptosuite::from_name)
                .ok_or_else(|| {
                    bad(
                        "UNSUPPORTED_CRYPTOSUITE",
                        format!(
                            "options.cryptosuite must be \"eddsa-rdfc-2022\" or \"eddsa-jcs-2022\", not {suite}"
                        ),
                    )
                })?;
        }
        for entry in one_or_many(options.get("credentialStatus")) {
            let purpose = requested_purpose(entry)?;
            if !request.requested_purposes.contains(&purpose) {
                request.requested_purposes.push(purpose);
            }
        }
        Ok(request)
    }

    /// The status entries the credential gets, revocation first. A VC 2.0 credential always has
    /// a revocation entry, like any award. A VC 1.1 credential has entries only when
    /// `options.credentialStatus` asks: the VC 1.1 context does not define
    /// `BitstringStatusListEntry`, and the context that does (status/v1) is one that verifiers
    /// of VC 1.1 credentials often cannot load offline, so it is added only on request.
    fn purposes(&self, version: ModelVersion) -> Vec<&'static str> {
        if version == ModelVersion::V1_1 && self.requested_purposes.is_empty() {
            return Vec::new();
        }
        let mut purposes = vec!["revocation"];
        for purpose in &self.requested_purposes {
            if !purposes.contains(purpose) {
                purposes.push(purpose);
            }
        }
        purposes
    }
}

/// One `{type: BitstringStatusListEntry, statusPurpose}` asked for in `options.credentialStatus`.
fn requested_purpose(entry: &Value) -> Result<&'static str, AppError> {
    let entry = object_fields(
        entry,
        "options.credentialStatus",
        &["type", "statusPurpose"],
    )?;
    if let Some(entry_type) = entry.get("type")
        && entry_type.as_str() != Some(BITSTRING_ENTRY)
    {
        return Err(bad(
            "UNSUPPORTED_STATUS_TYPE",
            format!("credentialStatus.type must be \"{BITSTRING_ENTRY}\", not {entry_type}"),
        ));
    }
    let purpose = entry
        .get("statusPurpose")
        .and_then(Value::as_str)
        .unwrap_or("revocation");
    PURPOSES
        .iter()
        .find(|known| **known == purpose)
        .copied()
        .ok_or_else(|| {
            bad(
                "INVALID_STATUS_PURPOSE",
                format!("statusPurpose must be \"revocation\" or \"suspension\", not {purpose:?}"),
            )
        })
}

impl App {
    /// `POST /credentials/issue`: answers `201 {"verifiableCredential": …}`.
    pub async fn vc_api_issue(
        &self,
        principal: &Principal,
        body: &Value,
        idempotency: Option<&Idempotency>,
    ) -> Result<IssueResponse, AppError> {
        principal.require_issuer()?;
        let request = IssueRequest::parse(body)?;
        self.idempotent(principal, idempotency, || {
            self.vc_api_issue_once(principal, &request)
        })
        .await
    }

    async fn vc_api_issue_once(
        &self,
        principal: &Principal,
        request: &IssueRequest,
    ) -> Result<IssueResponse, AppError> {
        let now = self.clock().now();
        let org = {
            let mut conn = self.store().read().await?;
            orgs::get(&mut conn, &principal.org_id).await?
        };
        let mut credential = request.credential.clone();
        let version = model_version(&credential)?;
        if credential.contains_key("proof") {
            return Err(AppError::invalid(
                "CREDENTIAL_ALREADY_SIGNED",
                "the credential already has a proof: send it unsigned and Brevet signs it",
            ));
        }
        let own_lists = format!("{}/status/", self.config().base_url);
        if one_or_many(credential.get("credentialStatus"))
            .iter()
            .any(|entry| {
                entry
                    .get("statusListCredential")
                    .and_then(Value::as_str)
                    .is_some_and(|url| url.starts_with(&own_lists))
            })
        {
            return Err(AppError::invalid(
                "MALFORMED_VALUE_ERROR",
                "credentialStatus names one of this server's status lists: Brevet allocates those entries itself (ask for them with options.credentialStatus)",
            ));
        }
        let own_did = self.org_did(&org)?;
        match credential.get("issuer") {
            None => {
                let profile = if uses_open_badges_context(&credential) {
                    self.issuer_profile(&org)?
                } else if version == ModelVersion::V1_1 {
                    json!(own_did)
                } else {
                    plain_issuer(&own_did, &org)
                };
                credential.insert("issuer".into(), profile);
            }
            Some(issuer) => check_issuer(issuer, &own_did)?,
        }
        let public_id = ids::new_id();
        let credential_uri = match credential.get("id") {
            None => {
                let url = self.credential_page_url(&public_id);
                credential.insert("id".into(), json!(url));
                url
            }
            Some(Value::String(id)) => id.clone(),
            Some(_) => {
                return Err(AppError::invalid(
                    "MALFORMED_VALUE_ERROR",
                    "id must be a URL string",
                ));
            }
        };
        let purposes = request.purposes(version);
        let (from_field, until_field) = match version {
            ModelVersion::V2 => ("validFrom", "validUntil"),
            ModelVersion::V1_1 => {
                add_v1_contexts(&mut credential, !purposes.is_empty());
                ("issuanceDate", "expirationDate")
            }
        };
        if !credential.contains_key(from_field) {
            credential.insert(from_field.into(), json!(clock::stamp(now)));
        }
        let valid_from = instant_field(&credential, from_field)?;
        let valid_until = instant_field(&credential, until_field)?;

        let mut tx = self.store().begin().await?;
        let mut entries = Vec::with_capacity(purposes.len());
        for purpose in &purposes {
            entries.push(
                self.allocate_status(&mut tx, &org, purpose, &public_id)
                    .await?,
            );
        }
        add_status_entries(&mut credential, entries);
        let unsigned = Value::Object(credential);
        let signed = self
            .sign(&mut tx, &org, &unsigned, request.suite, now)
            .await?;
        let json_text =
            serde_json::to_string(&signed).map_err(|e| AppError::Internal(e.to_string()))?;
        let record = CredentialRecord {
            id: public_id.clone(),
            org_id: org.id.clone(),
            achievement_id: None,
            credential_uri,
            achievement_name: display_name(&signed),
            recipient_name: None,
            recipient_email: None,
            recipient_did: subject_did(&signed),
            json: json_text,
            issued_at: now.unix_timestamp(),
            valid_from,
            valid_until,
            supersedes: None,
            superseded_by: None,
            source: "vc-api".to_owned(),
        };
        credentials::insert(&mut tx, &record)
            .await
            .map_err(|error| match error {
                StoreError::Conflict(_) => AppError::Conflict(
                    "a credential with this id has already been issued: give each credential its own id"
                        .to_owned(),
                ),
                other => other.into(),
            })?;
        self.audit(
            &mut tx,
            Some(&org.id),
            &principal.actor,
            "credential.issue",
            Some(&public_id),
            Some("vc-api"),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(IssueResponse {
            status: 201,
            body: json!({ "verifiableCredential": signed }).to_string(),
            credential_id: Some(public_id),
        })
    }

    /// `POST /credentials/status` `{credentialId, credentialStatus: {type, statusPurpose},
    /// status?, reason?}`: sets (`status` true, the default) or clears the bit and republishes
    /// the list at once. Answers the credential's recorded status.
    pub async fn vc_api_set_status(
        &self,
        principal: &Principal,
        body: &Value,
    ) -> Result<Value, AppError> {
        principal.require_issuer()?;
        let body = object_fields(
            body,
            "the request",
            &["credentialId", "credentialStatus", "status", "reason"],
        )?;
        let credential = match body.get("credentialId") {
            Some(Value::String(id)) if !id.is_empty() => id.clone(),
            _ => {
                return Err(bad(
                    "INVALID_REQUEST",
                    "credentialId must be the credential's id (its URL) or its public id",
                ));
            }
        };
        let entry = match body.get("credentialStatus") {
            Some(entry @ Value::Object(_)) => entry,
            _ => {
                return Err(bad(
                    "INVALID_REQUEST",
                    "credentialStatus must be {\"type\": \"BitstringStatusListEntry\", \"statusPurpose\": …}",
                ));
            }
        };
        if entry.get("statusPurpose").is_none() {
            return Err(bad(
                "INVALID_REQUEST",
                "credentialStatus.statusPurpose is required (\"revocation\" or \"suspension\")",
            ));
        }
        let purpose = requested_purpose(entry)?;
        let set = match body.get("status") {
            None | Some(Value::Null) => true,
            Some(Value::Bool(set)) => *set,
            Some(_) => return Err(bad("INVALID_REQUEST", "status must be true or false")),
        };
        let reason = match body.get("reason") {
            None | Some(Value::Null) => None,
            Some(Value::String(reason)) => Some(reason.clone()),
            Some(_) => return Err(bad("INVALID_REQUEST", "reason must be a string")),
        };
        let views: Vec<CredentialStatusView> = self
            .set_status(
                principal,
                &StatusChange {
                    credential: credential.clone(),
                    purpose: purpose.to_owned(),
                    set,
                    reason,
                },
            )
            .await?;
        Ok(json!({ "credentialId": credential, "status": views }))
    }
}

/// The data model version of a credential to issue, from its first context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ModelVersion {
    V2,
    /// VC 1.1: `issuanceDate` instead of `validFrom`, and the Data Integrity and Bitstring
    /// Status List terms come from their own contexts.
    V1_1,
}

/// VC-API issue signs VC 2.0 credentials (and VC 1.1 ones, which many wallets still use).
fn model_version(credential: &Map<String, Value>) -> Result<ModelVersion, AppError> {
    match one_or_many(credential.get("@context")).first() {
        Some(Value::String(url)) if url == CREDENTIALS_V2 => Ok(ModelVersion::V2),
        Some(Value::String(url)) if url == CREDENTIALS_V1 => Ok(ModelVersion::V1_1),
        _ => Err(AppError::invalid(
            "INVALID_CONTEXT",
            format!(
                "the credential's first @context must be {CREDENTIALS_V2} (VC 2.0) or {CREDENTIALS_V1} (VC 1.1)"
            ),
        )),
    }
}

/// A VC 1.1 credential needs the contexts that define the proof and, when it gets status
/// entries, the status entry (the VC 2.0 context defines both itself): appended when missing,
/// as the reference issuers do.
fn add_v1_contexts(credential: &mut Map<String, Value>, with_status: bool) {
    let mut contexts: Vec<Value> = one_or_many(credential.get("@context"))
        .into_iter()
        .cloned()
        .collect();
    let needed: &[&str] = if with_status {
        &[DATA_INTEGRITY_V2, BITSTRING_STATUS_V1]
    } else {
        &[DATA_INTEGRITY_V2]
    };
    for &needed in needed {
        if !contexts
            .iter()
            .any(|context| context.as_str() == Some(needed))
        {
            contexts.push(json!(needed));
        }
    }
    credential.insert("@context".into(), Value::Array(contexts));
}

const BITSTRING_STATUS_V1: &str = "https://www.w3.org/ns/credentials/status/v1";

/// Whether the credential uses an Open Badges 3.0 context (which defines `Profile`).
fn uses_open_badges_context(credential: &Map<String, Value>) -> bool {
    one_or_many(credential.get("@context"))
        .into_iter()
        .filter_map(Value::as_str)
        .any(|url| url.starts_with(OB_CONTEXT_PREFIX))
}

const OB_CONTEXT_PREFIX: &str = "https://purl.imsglobal.org/spec/ob/v3p0/";

/// The issuer of a credential without the Open Badges context: the organisation's DID with the
/// terms the VC 2.0 context defines for it (`name`, `description`), nothing that context would
/// leave undefined.
fn plain_issuer(own_did: &str, org: &brevet_store::orgs::OrgRecord) -> Value {
    let mut issuer = Map::new();
    issuer.insert("id".into(), json!(own_did));
    issuer.insert("name".into(), json!(org.name));
    if let Some(description) = &org.description {
        issuer.insert("description".into(), json!(description));
    }
    Value::Object(issuer)
}

/// The issuer, when given, must be the organisation (as a string or a Profile with that `id`).
fn check_issuer(issuer: &Value, own_did: &str) -> Result<(), AppError> {
    let id = match issuer {
        Value::String(id) => id.as_str(),
        Value::Object(profile) => match profile.get("id") {
            Some(Value::String(id)) => id.as_str(),
            _ => {
                return Err(AppError::invalid(
                    "MALFORMED_VALUE_ERROR",
                    "issuer.id must be the organisation's DID",
                ));
            }
        },
        _ => {
            return Err(AppError::invalid(
                "MALFORMED_VALUE_ERROR",
                "issuer must be the organisation's DID or a Profile object with that id (or absent)",
            ));
        }
    };
    if id == own_did {
        Ok(())
    } else {
        Err(bad(
            "ISSUER_MISMATCH",
            format!(
                "this API key signs only as its organisation {own_did}, not as {id}; leave issuer out to have it filled in"
            ),
        ))
    }
}

/// Adds Brevet's entries after any the caller gave: one entry stays an object, more make a list.
fn add_status_entries(credential: &mut Map<String, Value>, entries: Vec<Value>) {
    if entries.is_empty() {
        return;
    }
    let mut all = one_or_many(credential.get("credentialStatus"))
        .into_iter()
        .cloned()
        .collect::<Vec<_>>();
    all.extend(entries);
    let value = if all.len() == 1 {
        all.remove(0)
    } else {
        Value::Array(all)
    };
    credential.insert("credentialStatus".into(), value);
}

/// A date field as unix seconds (a malformed one is refused here, naming it).
fn instant_field(credential: &Map<String, Value>, field: &str) -> Result<Option<i64>, AppError> {
    match credential.get(field) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(parse_instant(field, text)?.unix_timestamp())),
        Some(_) => Err(AppError::invalid(
            "MALFORMED_VALUE_ERROR",
            format!("{field} must be a dateTimeStamp string"),
        )),
    }
}

/// What lists and pages call the credential: its `name`, its achievement's, or its type.
fn display_name(credential: &Value) -> String {
    let text = |value: Option<&Value>| {
        value
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(|text| text.chars().take(200).collect::<String>())
    };
    let subject = one_or_many(credential.get("credentialSubject"))
        .first()
        .copied();
    text(credential.get("name"))
        .or_else(|| text(subject.and_then(|s| s.get("achievement")?.get("name"))))
        .or_else(|| {
            one_or_many(credential.get("type"))
                .into_iter()
                .filter_map(Value::as_str)
                .find(|name| *name != "VerifiableCredential")
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "Verifiable credential".to_owned())
}

/// The first subject's id when it is a DID.
fn subject_did(credential: &Value) -> Option<String> {
    one_or_many(credential.get("credentialSubject"))
        .first()
        .and_then(|subject| subject.get("id"))
        .and_then(Value::as_str)
        .filter(|id| id.starts_with("did:") && id.len() <= 500)
        .map(str::to_owned)
}

/// A JSON object whose keys are all in `allowed` (anything else is a 400 naming it).
pub(crate) fn object_fields<'a>(
    value: &'a Value,
    what: &str,
    allowed: &[&str],
) -> Result<&'a Map<String, Value>, AppError> {
    let object = value
        .as_object()
        .ok_or_else(|| bad("INVALID_REQUEST", format!("{what} must be a JSON object")))?;
    if let Some(unknown) = object.keys().find(|key| !allowed.contains(&key.as_str())) {
        return Err(bad(
            "INVALID_REQUEST",
            format!(
                "{what} has an unknown field {unknown:?} (expected {})",
                allowed.join(", ")
            ),
        ));
    }
    Ok(object)
}

fn bad(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::bad_request(code, message)
}

pub(crate) fn one_or_many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
    }
}

#[cfg(test)]
mod tests;
