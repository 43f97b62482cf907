//! Issuing: awards of an organisation's achievements (API and dashboard) and VC-API issue of
//! any VC 2.0 credential. Each issue is one transaction: status entries drawn, credential
//! signed with eddsa-rdfc-2022, stored byte for byte, audit-logged. `Idempotency-Key` replays
//! the first response; a reissue revokes the old credential with the reason "superseded". An
//! award to an email address is then announced to its recipient (see [`crate::receiving`]).

use brevet_core::contexts::{CREDENTIALS_V2, OB_V3P0};
use brevet_core::issue::{IssueError, sign_credential_with_method};
use brevet_core::model::{IdentityObject, random_salt};
use brevet_core::proof::Cryptosuite;
use brevet_store::achievements::{self, AchievementRecord};
use brevet_store::credentials::CredentialRecord;
use brevet_store::idempotency::{self, IdempotencyRecord};
use brevet_store::orgs::{self, OrgRecord};
use brevet_store::{AnyConnection, StoreError};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::earners::{CLAIM_TTL_SECS, PURPOSE_CLAIM};
use crate::{App, AppError, Principal, clock, ids};

mod storing;

/// The recipient of an award: an email (hashed into the credential with a fresh salt) and a
/// name, or a DID.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    pub email: Option<String>,
    pub name: Option<String>,
    pub did: Option<String>,
}

/// One piece of evidence.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceInput {
    /// A URL where the evidence can be seen (https).
    pub url: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub narrative: Option<String>,
}

/// An award request. Unknown fields are refused, so server-controlled fields (organisation,
/// issuer, key, status index, proof) can never be set by the caller.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardRequest {
    pub achievement_id: String,
    pub recipient: Recipient,
    #[serde(default)]
    pub evidence: Vec<EvidenceInput>,
    /// OB 3.0 `Result` objects (`type` is added); checked by the OB 3.0 rules when signing.
    #[serde(default)]
    pub results: Vec<Value>,
    /// RFC 3339 with a timezone; default now.
    pub valid_from: Option<String>,
    /// RFC 3339 with a timezone; default from the achievement's validity period.
    pub valid_until: Option<String>,
    /// The public id of a credential this one replaces (it is revoked as "superseded").
    pub supersedes: Option<String>,
}

/// The result of an issue: the HTTP status and body to answer with (replayed byte for byte for
/// a retried `Idempotency-Key`) and the new credential's public id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueResponse {
    pub status: u16,
    pub body: String,
    pub credential_id: Option<String>,
}

/// A request still pending after this long died before finishing (an award takes
/// milliseconds): a retry with its key runs it again.
pub const ABANDONED_AFTER_SECONDS: i64 = 120;

/// A retried request's key and fingerprint.
#[derive(Debug, Clone)]
pub struct Idempotency {
    pub key: String,
    /// SHA-256 of what identifies the request (route and body).
    pub request_hash: String,
}

impl App {
    /// The public page of a credential.
    pub fn credential_page_url(&self, public_id: &str) -> String {
        format!("{}/c/{public_id}", self.config().base_url)
    }

    /// The URI of an achievement.
    pub fn achievement_url(&self, achievement_id: &str) -> String {
        format!("{}/achievements/{achievement_id}", self.config().base_url)
    }

    /// Awards an achievement; answers `201` with `{id, url, credential}`.
    pub async fn award(
        &self,
        principal: &Principal,
        request: &AwardRequest,
        idempotency: Option<&Idempotency>,
    ) -> Result<IssueResponse, AppError> {
        principal.require_issuer()?;
        self.idempotent(principal, idempotency, || {
            self.award_once(principal, request)
        })
        .await
    }

    async fn award_once(
        &self,
        principal: &Principal,
        request: &AwardRequest,
    ) -> Result<IssueResponse, AppError> {
        let now = self.clock().now();
        let (org, achievement) = {
            let mut conn = self.store().read().await?;
            let org = orgs::get(&mut conn, &principal.org_id).await?;
            let achievement =
                achievements::get_in_org(&mut conn, &org.id, &request.achievement_id).await?;
            (org, achievement)
        };
        if achievement.archived_at.is_some() {
            return Err(AppError::invalid(
                "ACHIEVEMENT_ARCHIVED",
                "this achievement is archived and can no longer be awarded",
            ));
        }
        let recipient = check_recipient(&request.recipient)?;
        let valid_from = match &request.valid_from {
            Some(text) => parse_instant("valid_from", text)?,
            None => now,
        };
        let valid_until = match &request.valid_until {
            Some(text) => Some(parse_instant("valid_until", text)?),
            None => achievement
                .validity_days
                .filter(|days| *days > 0)
                .map(|days| valid_from + time::Duration::days(days)),
        };
        if valid_until.is_some_and(|until| until < valid_from) {
            return Err(AppError::invalid(
                "INVALID_VALIDITY",
                "valid_until is before valid_from",
            ));
        }
        let public_id = ids::new_id();
        let page_url = self.credential_page_url(&public_id);
        let unsigned = self.award_document(
            &org,
            &achievement,
            &recipient,
            request,
            &page_url,
            valid_from,
            valid_until,
        )?;

        let record = CredentialRecord {
            id: public_id.clone(),
            org_id: org.id.clone(),
            achievement_id: Some(achievement.id.clone()),
            credential_uri: page_url.clone(),
            achievement_name: achievement.name.clone(),
            recipient_name: recipient.name.clone(),
            recipient_email: recipient.email.clone(),
            recipient_did: recipient.did.clone(),
            json: String::new(),
            issued_at: now.unix_timestamp(),
            valid_from: Some(valid_from.unix_timestamp()),
            valid_until: valid_until.map(OffsetDateTime::unix_timestamp),
            supersedes: request.supersedes.clone(),
            superseded_by: None,
            source: "award".to_owned(),
        };
        // The claim link the award mail carries is stored with the award (no write of its own).
        let claim = match (&recipient.email, self.mailer()) {
            (Some(email), Some(_)) => Some(self.new_wallet_token(
                PURPOSE_CLAIM,
                email,
                None,
                Some(&public_id),
                CLAIM_TTL_SECS,
            )),
            _ => None,
        };
        let claim_record = claim.as_ref().map(|(_, record)| record);
        let grouped = match &request.supersedes {
            None => {
                self.award_grouped(principal, &org, &unsigned, &record, claim_record, now)
                    .await?
            }
            // A reissue revokes the old credential in the same transaction.
            Some(_) => None,
        };
        let signed = match grouped {
            Some(signed) => signed,
            None => {
                self.award_in_transaction(principal, &org, unsigned, record, claim_record, now)
                    .await?
            }
        };
        self.events().award();
        if let Some((token, _)) = claim {
            // After the commit, in the background: mail never delays or fails an award.
            self.announce_award(&public_id, token);
        }
        if request.supersedes.is_some() {
            self.events().status_change("revocation", true);
        }
        let body = json!({
            "id": public_id,
            "url": page_url,
            "credential": signed,
        });
        Ok(IssueResponse {
            status: 201,
            body: body.to_string(),
            credential_id: Some(public_id),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn award_document(
        &self,
        org: &OrgRecord,
        achievement: &AchievementRecord,
        recipient: &Recipient,
        request: &AwardRequest,
        page_url: &str,
        valid_from: OffsetDateTime,
        valid_until: Option<OffsetDateTime>,
    ) -> Result<Value, AppError> {
        let mut achievement_json = json!({
            "id": self.achievement_url(&achievement.id),
            "type": ["Achievement"],
            "achievementType": achievement.achievement_type,
            "name": achievement.name,
            "description": achievement.description,
            "criteria": {"narrative": achievement.criteria},
        });
        if let Some(object) = achievement_json.as_object_mut() {
            if let Some(image) = &achievement.image_id {
                object.insert(
                    "image".into(),
                    json!({"id": self.image_url(image), "type": "Image"}),
                );
            }
            let alignments: Vec<Value> = serde_json::from_str(&achievement.alignments_json)
                .map_err(|e| AppError::Internal(format!("stored alignments: {e}")))?;
            if !alignments.is_empty() {
                object.insert("alignment".into(), Value::Array(alignments));
            }
        }
        let mut identifiers = Vec::new();
        if let Some(email) = &recipient.email {
            identifiers.push(
                serde_json::to_value(IdentityObject::hashed_email(email, &random_salt()))
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            );
        }
        if let Some(name) = &recipient.name {
            identifiers.push(json!({
                "type": "IdentityObject",
                "identityHash": name,
                "identityType": "name",
                "hashed": false,
            }));
        }
        let mut subject = Map::new();
        if let Some(did) = &recipient.did {
            subject.insert("id".into(), json!(did));
        }
        subject.insert("type".into(), json!(["AchievementSubject"]));
        if !identifiers.is_empty() {
            subject.insert("identifier".into(), Value::Array(identifiers));
        }
        subject.insert("achievement".into(), achievement_json);
        if !request.results.is_empty() {
            let results: Vec<Value> = request
                .results
                .iter()
                .map(|result| {
                    let mut result = result.clone();
                    if let Some(object) = result.as_object_mut() {
                        object.entry("type").or_insert_with(|| json!(["Result"]));
                    }
                    result
                })
                .collect();
            subject.insert("result".into(), Value::Array(results));
        }
        let mut document = Map::new();
        document.insert("@context".into(), json!([CREDENTIALS_V2, OB_V3P0]));
        document.insert("id".into(), json!(page_url));
        document.insert(
            "type".into(),
            json!(["VerifiableCredential", "OpenBadgeCredential"]),
        );
        document.insert("name".into(), json!(achievement.name));
        document.insert("issuer".into(), self.issuer_profile(org)?);
        document.insert("validFrom".into(), json!(clock::stamp(valid_from)));
        if let Some(until) = valid_until {
            document.insert("validUntil".into(), json!(clock::stamp(until)));
        }
        document.insert("credentialSubject".into(), Value::Object(subject));
        if !request.evidence.is_empty() {
            let evidence = request
                .evidence
                .iter()
                .map(evidence_json)
                .collect::<Result<Vec<_>, _>>()?;
            document.insert("evidence".into(), Value::Array(evidence));
        }
        Ok(Value::Object(document))
    }

    /// Signs `unsigned` with the organisation's active key.
    pub(crate) async fn sign(
        &self,
        conn: &mut AnyConnection,
        org: &OrgRecord,
        unsigned: &Value,
        suite: Cryptosuite,
        now: OffsetDateTime,
    ) -> Result<Value, AppError> {
        let key = self.active_key(conn, org).await?;
        sign_credential_with_method(
            unsigned,
            &key.key_pair,
            &key.verification_method,
            suite,
            &clock::stamp(now),
            self.linked_data(),
        )
        .map_err(issue_error)
    }

    /// Runs `run` at most once per idempotency key: a retry with the same request gets the
    /// first response byte for byte; the same key with another request is a 422; a retry while
    /// the first is still running is a 409.
    pub async fn idempotent<F, Fut>(
        &self,
        principal: &Principal,
        idempotency: Option<&Idempotency>,
        run: F,
    ) -> Result<IssueResponse, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<IssueResponse, AppError>>,
    {
        let Some(idempotency) = idempotency else {
            return run().await;
        };
        if idempotency.key.is_empty() || idempotency.key.len() > 255 {
            return Err(AppError::bad_request(
                "INVALID_IDEMPOTENCY_KEY",
                "Idempotency-Key must be 1 to 255 characters",
            ));
        }
        let claim = IdempotencyRecord {
            org_id: principal.org_id.clone(),
            idem_key: idempotency.key.clone(),
            request_hash: idempotency.request_hash.clone(),
            state: "pending".to_owned(),
            status_code: None,
            response: None,
            created_at: self.now_unix(),
        };
        // Claim the key; a key released meanwhile, or abandoned by a request that died, is
        // claimed again (once).
        let mut retried = false;
        loop {
            let claimed = {
                let mut tx = self.store().begin().await?;
                let claimed = idempotency::try_claim(&mut tx, &claim).await?;
                tx.commit().await.map_err(StoreError::from)?;
                claimed
            };
            if claimed {
                break;
            }
            let existing = {
                let mut conn = self.store().read().await?;
                idempotency::get(&mut conn, &principal.org_id, &idempotency.key).await
            };
            let existing = match existing {
                Ok(existing) => existing,
                Err(StoreError::NotFound) if !retried => {
                    retried = true;
                    continue;
                }
                Err(other) => return Err(other.into()),
            };
            if existing.request_hash != idempotency.request_hash {
                return Err(AppError::invalid(
                    "IDEMPOTENCY_KEY_REUSED",
                    "this Idempotency-Key was used with a different request",
                ));
            }
            match (
                existing.state.as_str(),
                existing.status_code,
                existing.response,
            ) {
                ("done", Some(status), Some(body)) => {
                    return Ok(IssueResponse {
                        status: u16::try_from(status).unwrap_or(200),
                        body,
                        credential_id: None,
                    });
                }
                ("pending", _, _)
                    if !retried
                        && self.now_unix() - existing.created_at > ABANDONED_AFTER_SECONDS =>
                {
                    retried = true;
                    let mut tx = self.store().begin().await?;
                    idempotency::release_abandoned(
                        &mut tx,
                        &principal.org_id,
                        &idempotency.key,
                        existing.created_at,
                    )
                    .await?;
                    tx.commit().await.map_err(StoreError::from)?;
                }
                _ => {
                    return Err(AppError::Conflict(
                        "a request with this Idempotency-Key is still in progress".to_owned(),
                    ));
                }
            }
        }
        let outcome = run().await;
        let mut tx = self.store().begin().await?;
        match &outcome {
            Ok(response) => {
                idempotency::complete(
                    &mut tx,
                    &principal.org_id,
                    &idempotency.key,
                    i64::from(response.status),
                    &response.body,
                )
                .await?
            }
            Err(_) => idempotency::release(&mut tx, &principal.org_id, &idempotency.key).await?,
        }
        tx.commit().await.map_err(StoreError::from)?;
        outcome
    }
}

/// Turns a signing refusal into a 422 naming the problem (W3C code where one exists).
pub fn issue_error(error: IssueError) -> AppError {
    let code = error.code();
    match error {
        IssueError::IssuerMismatch { .. } => AppError::bad_request(code, error.to_string()),
        other => AppError::invalid(code, other.to_string()),
    }
}

fn check_recipient(recipient: &Recipient) -> Result<Recipient, AppError> {
    let email = recipient
        .email
        .as_deref()
        .map(crate::orgs::check_email)
        .transpose()?;
    let name = recipient
        .name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned);
    if name.as_ref().is_some_and(|name| name.chars().count() > 200) {
        return Err(AppError::invalid(
            "INVALID_RECIPIENT",
            "the recipient name is longer than 200 characters",
        ));
    }
    let did = recipient
        .did
        .as_deref()
        .map(str::trim)
        .filter(|did| !did.is_empty())
        .map(str::to_owned);
    if let Some(did) = &did
        && (!did.starts_with("did:") || did.len() > 500 || did.contains(char::is_whitespace))
    {
        return Err(AppError::invalid(
            "INVALID_RECIPIENT",
            "recipient.did must be a DID (did:method:...)",
        ));
    }
    if email.is_none() && did.is_none() {
        return Err(AppError::invalid(
            "INVALID_RECIPIENT",
            "the recipient needs an email or a DID",
        ));
    }
    Ok(Recipient { email, name, did })
}

fn evidence_json(evidence: &EvidenceInput) -> Result<Value, AppError> {
    let mut object = Map::new();
    if let Some(url) = &evidence.url {
        if !url.starts_with("https://") || url.len() > 2000 {
            return Err(AppError::invalid(
                "INVALID_EVIDENCE",
                "evidence.url must be an https:// URL",
            ));
        }
        object.insert("id".into(), json!(url));
    }
    object.insert("type".into(), json!(["Evidence"]));
    for (key, value) in [
        ("name", &evidence.name),
        ("description", &evidence.description),
        ("narrative", &evidence.narrative),
    ] {
        if let Some(text) = value.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            object.insert(key.into(), json!(text));
        }
    }
    if object.len() == 1 {
        return Err(AppError::invalid(
            "INVALID_EVIDENCE",
            "evidence needs at least a url, name, description or narrative",
        ));
    }
    Ok(Value::Object(object))
}

/// Parses an RFC 3339 date-time that has a timezone (DATE-01).
pub fn parse_instant(field: &str, text: &str) -> Result<OffsetDateTime, AppError> {
    brevet_core::datetime::DateTimeStamp::parse(text)
        .map(|stamp| stamp.instant())
        .map_err(|error| AppError::invalid("INVALID_DATE", format!("{field}: {error}")))
}
