//! The credential endpoint: a Bearer access token from the token endpoint, a credential request
//! for `OpenBadgeCredential` with one `jwt` key proof (`aud` the issuer, `nonce` a fresh
//! `c_nonce`), and the answer `{"credentials": [{"credential": {...}}]}`: a wallet copy of the
//! award, a credential of its own (new id and page, new status entries) with the award's claims,
//! `credentialSubject.id` the holder's DID, signed by the organisation's current key through the
//! issuance code, and linked to the award in `wallet_copies`.
//!
//! Errors are those of OpenID4VCI §8.3.1: `invalid_token` (401) for the token, and
//! `invalid_credential_request`, `unknown_credential_configuration`,
//! `unknown_credential_identifier`, `invalid_proof`, `invalid_nonce`,
//! `invalid_encryption_parameters` and `credential_request_denied` (400) for the request.

use brevet_core::key_proof::{ProofExpectations, verify_jwt_key_proof};
use brevet_core::proof::Cryptosuite;
use brevet_store::credentials::{self, CredentialRecord};
use brevet_store::oid4vci::{self, OfferRecord, WalletCopyRecord};
use brevet_store::orgs::OrgRecord;
use brevet_store::{StoreError, status};
use serde_json::{Map, Value, json};

use super::token::credential_identifier_of;
use super::{CONFIGURATION_ID, NONCE_SECONDS, Oid4vciError};
use crate::{App, AppError, ids};

/// How far in the future a proof's `iat` may be (clock skew).
const PROOF_SKEW_SECONDS: i64 = 60;

/// The one proof of a credential request and the requested dataset, once the shape is checked.
struct CredentialAsk {
    proof_jwt: String,
}

impl App {
    /// Answers a credential request. `authorization` is the `Authorization` header, `body` the
    /// request body (JSON).
    pub async fn oid4vci_credential(
        &self,
        slug: &str,
        authorization: Option<&str>,
        body: &[u8],
    ) -> Result<Value, Oid4vciError> {
        let token = authorization
            .and_then(|value| value.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|token| !token.is_empty())
            .ok_or_else(|| {
                Oid4vciError::InvalidToken("send the access token as Authorization: Bearer".into())
            })?;
        let org = self.oid4vci_org(slug).await?;
        let now = self.now_unix();
        let offer = {
            let mut conn = self.store().read().await?;
            oid4vci::offer_by_token(&mut conn, &org.id, &ids::sha256_hex(token))
                .await?
                .ok_or_else(|| Oid4vciError::InvalidToken("the access token is unknown".into()))?
        };
        if offer.token_expires_at.is_none_or(|at| at < now) {
            return Err(Oid4vciError::InvalidToken(
                "the access token has expired".into(),
            ));
        }
        if offer.wallet_copy_id.is_some() {
            return Err(Oid4vciError::InvalidToken(
                "the access token has been used for its credential".into(),
            ));
        }
        let ask = parse_request(body, &offer.award_id)?;
        let issuer = self.credential_issuer_id(&org.slug);
        let proof = verify_jwt_key_proof(
            &ask.proof_jwt,
            &ProofExpectations {
                audience: &issuer,
                now,
                max_age_seconds: NONCE_SECONDS,
                max_skew_seconds: PROOF_SKEW_SECONDS,
            },
        )
        .map_err(|error| Oid4vciError::bad("invalid_proof", error.to_string()))?;
        let nonce = proof.nonce.as_deref().ok_or_else(|| {
            Oid4vciError::bad(
                "invalid_proof",
                "the proof has no nonce: get a c_nonce from the nonce endpoint",
            )
        })?;
        let nonce_expires_at = self
            .c_nonce_expiry(&org.id, nonce)
            .filter(|at| *at >= now)
            .ok_or_else(|| {
                Oid4vciError::bad(
                    "invalid_nonce",
                    "the proof's nonce is not a current c_nonce of this issuer: get a new one",
                )
            })?;
        let copy = self
            .issue_wallet_copy(
                &org,
                &offer,
                &proof.holder_did,
                (&ids::sha256_hex(nonce), nonce_expires_at),
            )
            .await?;
        Ok(json!({"credentials": [{"credential": copy}]}))
    }

    /// Issues the wallet copy in one transaction: the nonce spent, the award's status read under
    /// the locks a revocation takes, the copy signed and stored, linked, and the token spent.
    async fn issue_wallet_copy(
        &self,
        org: &OrgRecord,
        offer: &OfferRecord,
        holder_did: &str,
        (nonce_hash, nonce_expires_at): (&str, i64),
    ) -> Result<Value, Oid4vciError> {
        let now = self.clock().now();
        let public_id = ids::new_id();
        let page_url = self.credential_page_url(&public_id);
        let mut tx = self.store().begin().await?;
        if !oid4vci::use_nonce(&mut tx, nonce_hash, nonce_expires_at).await? {
            return Err(Oid4vciError::bad(
                "invalid_nonce",
                "the proof's nonce has been used: get a new c_nonce",
            ));
        }
        oid4vci::forget_expired_nonces(&mut tx, now.unix_timestamp()).await?;
        oid4vci::lock_status_lists_of(&mut tx, &offer.award_id).await?;
        let award = credentials::get_in_org(&mut tx, &org.id, &offer.award_id).await?;
        let award_status = status::entries_for_credential(&mut tx, &award.id).await?;
        if let Some(entry) = award_status.iter().find(|entry| entry.is_set != 0) {
            return Err(Oid4vciError::bad(
                "credential_request_denied",
                format!("the credential is under {}", entry.purpose),
            ));
        }
        let mut document = brevet_core::json::parse_strict(&award.json)
            .map_err(|error| AppError::Internal(format!("stored credential: {error}")))?;
        let mut entries = Vec::new();
        for purpose in crate::status::PURPOSES {
            entries.push(
                self.allocate_status(&mut tx, org, purpose, &public_id)
                    .await?,
            );
        }
        bind_copy(&mut document, &page_url, holder_did, entries)?;
        let signed = self
            .sign(&mut tx, org, &document, Cryptosuite::EddsaRdfc2022, now)
            .await?;
        let json_text =
            serde_json::to_string(&signed).map_err(|e| AppError::Internal(e.to_string()))?;
        let record = CredentialRecord {
            id: public_id.clone(),
            org_id: org.id.clone(),
            achievement_id: award.achievement_id.clone(),
            credential_uri: page_url,
            achievement_name: award.achievement_name.clone(),
            recipient_name: award.recipient_name.clone(),
            recipient_email: None,
            recipient_did: Some(holder_did.to_owned()),
            json: json_text,
            issued_at: now.unix_timestamp(),
            valid_from: award.valid_from,
            valid_until: award.valid_until,
            supersedes: None,
            superseded_by: None,
            source: "oid4vci".to_owned(),
        };
        credentials::insert(&mut tx, &record).await?;
        oid4vci::insert_wallet_copy(
            &mut tx,
            &WalletCopyRecord {
                credential_id: public_id.clone(),
                award_id: award.id.clone(),
                holder_did: holder_did.to_owned(),
                created_at: now.unix_timestamp(),
            },
        )
        .await?;
        if !oid4vci::spend_token(&mut tx, &offer.code_hash, &public_id).await? {
            return Err(Oid4vciError::InvalidToken(
                "the access token has been used for its credential".into(),
            ));
        }
        self.audit(
            &mut tx,
            Some(&org.id),
            "oid4vci:wallet",
            "credential.wallet_copy",
            Some(&public_id),
            Some(&format!("copy of {}", award.id)),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.events().award();
        Ok(signed)
    }
}

/// Checks the request's shape and returns its one `jwt` proof.
fn parse_request(body: &[u8], award_id: &str) -> Result<CredentialAsk, Oid4vciError> {
    let malformed = |why: &str| Oid4vciError::bad("invalid_credential_request", why.to_owned());
    let text = std::str::from_utf8(body).map_err(|_| malformed("the body is not UTF-8"))?;
    let request = match brevet_core::json::parse_strict(text) {
        Ok(Value::Object(request)) => request,
        _ => return Err(malformed("the body must be a JSON object")),
    };
    if request.contains_key("credential_response_encryption") {
        return Err(Oid4vciError::bad(
            "invalid_encryption_parameters",
            "encrypted credential responses are not supported",
        ));
    }
    match (
        request.get("credential_configuration_id"),
        request.get("credential_identifier"),
    ) {
        (Some(Value::String(id)), None) => {
            if id != CONFIGURATION_ID {
                return Err(Oid4vciError::bad(
                    "unknown_credential_configuration",
                    format!("the only credential configuration is {CONFIGURATION_ID}"),
                ));
            }
        }
        (None, Some(Value::String(id))) => {
            if *id != credential_identifier_of(award_id) {
                return Err(Oid4vciError::bad(
                    "unknown_credential_identifier",
                    "this access token is not for that credential identifier",
                ));
            }
        }
        _ => {
            return Err(malformed(
                "give exactly one of credential_configuration_id and credential_identifier",
            ));
        }
    }
    let jwts: Vec<&Value> = match (request.get("proofs"), request.get("proof")) {
        (Some(Value::Object(proofs)), None) => {
            if proofs.len() != 1 {
                return Err(Oid4vciError::bad(
                    "invalid_proof",
                    "proofs must hold exactly one proof type (jwt)",
                ));
            }
            match proofs.get("jwt") {
                Some(Value::Array(jwts)) => jwts.iter().collect(),
                _ => {
                    return Err(Oid4vciError::bad(
                        "invalid_proof",
                        "the only proof type supported is jwt, an array of JWTs",
                    ));
                }
            }
        }
        // The single `proof` of the drafts before 1.0.
        (None, Some(Value::Object(proof))) if proof.get("proof_type") == Some(&json!("jwt")) => {
            proof.get("jwt").into_iter().collect()
        }
        (None, None) => {
            return Err(Oid4vciError::bad(
                "invalid_proof",
                "a jwt key proof is required (proofs.jwt)",
            ));
        }
        _ => return Err(Oid4vciError::bad("invalid_proof", "proofs is malformed")),
    };
    match jwts.as_slice() {
        [Value::String(jwt)] => Ok(CredentialAsk {
            proof_jwt: jwt.clone(),
        }),
        [_] | [] => Err(Oid4vciError::bad(
            "invalid_proof",
            "proofs.jwt must hold one JWT string",
        )),
        _ => Err(malformed(
            "batch issuance is not supported: send exactly one proof",
        )),
    }
}

/// Turns the award's signed document into the copy's unsigned one: no proof, the copy's own
/// `id` and status entries, and the holder's DID as `credentialSubject.id`.
fn bind_copy(
    document: &mut Value,
    page_url: &str,
    holder_did: &str,
    entries: Vec<Value>,
) -> Result<(), AppError> {
    let object = document
        .as_object_mut()
        .ok_or_else(|| AppError::Internal("stored credential is not an object".into()))?;
    object.remove("proof");
    object.insert("id".into(), json!(page_url));
    object.insert("credentialStatus".into(), Value::Array(entries));
    let subject = object
        .get_mut("credentialSubject")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| AppError::Internal("stored credential has no subject".into()))?;
    let mut bound = Map::with_capacity(subject.len() + 1);
    bound.insert("id".into(), json!(holder_did));
    for (key, value) in std::mem::take(subject) {
        if key != "id" {
            bound.insert(key, value);
        }
    }
    *subject = bound;
    Ok(())
}
