//! OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow, format `ldp_vc`:
//! an award to an email recipient becomes a credential offer; a wallet app exchanges the offer's
//! pre-authorized code for an access token, gets a `c_nonce`, proves possession of its key with
//! a `jwt` key proof, and receives a credential of its own (own id, own status entries) with
//! the award's claims, bound to its DID and linked to the award (revoking the award revokes it).
//!
//! Every organisation is its own Credential Issuer and Authorization Server, with the issuer
//! identifier `{base_url}/{slug}` (metadata at `/.well-known/openid-credential-issuer/{slug}` and
//! `/.well-known/oauth-authorization-server/{slug}`, the well-known strings inserted between host
//! and path as the specifications say) and its endpoints under `{base_url}/oid4vci/{slug}/`.
//!
//! Decisions: no transaction code (`tx_code`): the offer is shown only to the earner, on the page
//! their claim link signed them in to, so a code shown beside it adds nothing; the protection is
//! a short-lived (10 minutes), single-use pre-authorized code stored only as SHA-256, and a token
//! good for one credential. `c_nonce` values are sealed with the master key (stateless,
//! unpredictable, bound to the organisation, 5 minutes) and single use (recorded when used).
//!
//! Modules: [`token`] (the token endpoint), [`credential`] (the credential endpoint and the
//! wallet copy); this file has the offers, metadata and nonces.

pub mod credential;
pub mod token;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use brevet_core::contexts::{CREDENTIALS_V2, OB_V3P0};
use brevet_store::credentials;
use brevet_store::oid4vci::{self, OfferRecord};
use brevet_store::orgs::{self, OrgRecord};
use brevet_store::{StoreError, status};
use serde::Serialize;
use serde_json::{Value, json};

use crate::{App, AppError, Principal, ids};

/// The grant type of the pre-authorized code flow.
pub const PRE_AUTHORIZED_GRANT: &str = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
/// The one credential configuration every organisation offers.
pub const CONFIGURATION_ID: &str = "OpenBadgeCredential";
/// How long a pre-authorized code works.
pub const CODE_SECONDS: i64 = 600;
/// How long an access token works.
pub const TOKEN_SECONDS: i64 = 300;
/// How long a `c_nonce` works.
pub const NONCE_SECONDS: i64 = 300;
/// The URI scheme wallets register for credential offers.
pub const OFFER_SCHEME: &str = "openid-credential-offer://";

/// A refusal by an OpenID4VCI endpoint, in the shape the specifications give it.
#[derive(Debug, thiserror::Error)]
pub enum Oid4vciError {
    /// An OAuth 2.0 / OpenID4VCI error response: HTTP status, `error`, `error_description`.
    #[error("{error}: {description}")]
    Request {
        status: u16,
        error: &'static str,
        description: String,
    },
    /// The access token is missing, unknown, expired or spent (RFC 6750 `invalid_token`, 401).
    #[error("invalid_token: {0}")]
    InvalidToken(String),
    /// No such organisation or offer.
    #[error("not found")]
    NotFound,
    /// Anything else (a storage failure, a signing failure).
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for Oid4vciError {
    fn from(error: StoreError) -> Self {
        Oid4vciError::App(error.into())
    }
}

impl Oid4vciError {
    /// A 400 error response with `error` and `description`.
    pub fn bad(error: &'static str, description: impl Into<String>) -> Oid4vciError {
        Oid4vciError::Request {
            status: 400,
            error,
            description: description.into(),
        }
    }
}

/// A credential offer made for an award.
#[derive(Debug, Clone, Serialize)]
pub struct CredentialOffer {
    /// The public id of the award offered.
    pub credential_id: String,
    /// The deep link a wallet opens (`openid-credential-offer://?credential_offer_uri=…`): the
    /// offer by reference, which keeps the QR code small.
    pub offer_uri: String,
    /// The same offer by value (`openid-credential-offer://?credential_offer=…`).
    pub offer_by_value_uri: String,
    /// Where the offer object is served (`credential_offer_uri`).
    pub credential_offer_uri: String,
    /// The offer object itself.
    pub credential_offer: Value,
    /// When the pre-authorized code stops working (unix seconds).
    pub expires_at: i64,
    pub expires_in: i64,
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl App {
    /// The Credential Issuer Identifier (also the Authorization Server issuer) of an organisation.
    pub fn credential_issuer_id(&self, slug: &str) -> String {
        format!("{}/{slug}", self.config().base_url)
    }

    /// The URL of one of an organisation's OpenID4VCI endpoints (`token`, `nonce`, ...).
    pub fn oid4vci_endpoint(&self, slug: &str, endpoint: &str) -> String {
        format!("{}/oid4vci/{slug}/{endpoint}", self.config().base_url)
    }

    /// The slug named by the path after a well-known prefix: the base URL's path (if any) and
    /// then the slug, as the well-known insertion rule makes it.
    pub fn slug_of_well_known_path<'a>(&self, path: &'a str) -> Option<&'a str> {
        let base = self.config().base_url.as_str();
        let base_path = base
            .split_once("://")
            .map_or("", |(_, rest)| rest.find('/').map_or("", |at| &rest[at..]))
            .trim_matches('/');
        let path = path.trim_start_matches('/');
        let slug = if base_path.is_empty() {
            path
        } else {
            path.strip_prefix(base_path)?.strip_prefix('/')?
        };
        crate::orgs::check_slug(slug).is_ok().then_some(slug)
    }

    pub(crate) async fn oid4vci_org(&self, slug: &str) -> Result<OrgRecord, Oid4vciError> {
        let mut conn = self.store().read().await?;
        match orgs::get_by_slug(&mut conn, slug).await {
            Ok(org) => Ok(org),
            Err(StoreError::NotFound) => Err(Oid4vciError::NotFound),
            Err(other) => Err(other.into()),
        }
    }

    /// The Credential Issuer Metadata of an organisation.
    pub async fn credential_issuer_metadata(&self, slug: &str) -> Result<Value, Oid4vciError> {
        let org = self.oid4vci_org(slug).await?;
        let mut display = json!({"name": org.name, "locale": "en"});
        if let Some(logo) = &org.logo_image_id {
            display["logo"] =
                json!({"uri": self.image_url(logo), "alt_text": format!("{} logo", org.name)});
        }
        Ok(json!({
            "credential_issuer": self.credential_issuer_id(&org.slug),
            "credential_endpoint": self.oid4vci_endpoint(&org.slug, "credential"),
            "nonce_endpoint": self.oid4vci_endpoint(&org.slug, "nonce"),
            "display": [display],
            "credential_configurations_supported": {
                CONFIGURATION_ID: {
                    "format": "ldp_vc",
                    "cryptographic_binding_methods_supported": ["did:key", "did:jwk"],
                    "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
                    "proof_types_supported": {
                        "jwt": {"proof_signing_alg_values_supported": brevet_core::key_proof::PROOF_ALGS}
                    },
                    "credential_definition": {
                        "@context": [CREDENTIALS_V2, OB_V3P0],
                        "type": ["VerifiableCredential", "OpenBadgeCredential"]
                    },
                    "credential_metadata": {
                        "display": [{
                            "name": "Open Badge",
                            "locale": "en",
                            "description": format!("An Open Badges 3.0 credential issued by {}", org.name)
                        }]
                    }
                }
            }
        }))
    }

    /// The OAuth 2.0 Authorization Server Metadata (RFC 8414) of an organisation.
    pub async fn authorization_server_metadata(&self, slug: &str) -> Result<Value, Oid4vciError> {
        let org = self.oid4vci_org(slug).await?;
        Ok(json!({
            "issuer": self.credential_issuer_id(&org.slug),
            "token_endpoint": self.oid4vci_endpoint(&org.slug, "token"),
            "grant_types_supported": [PRE_AUTHORIZED_GRANT],
            "token_endpoint_auth_methods_supported": ["none"],
            "pre-authorized_grant_anonymous_access_supported": true,
            "authorization_details_types_supported": ["openid_credential"]
        }))
    }

    /// Makes a credential offer for an award of the principal's organisation (issuers only).
    pub async fn create_credential_offer(
        &self,
        principal: &Principal,
        credential_id: &str,
    ) -> Result<CredentialOffer, AppError> {
        principal.require_issuer()?;
        self.offer_for_credential(&principal.org_id, credential_id, &principal.actor)
            .await
    }

    /// Makes a credential offer for an award of organisation `org_id`, for a caller whose right
    /// to the credential is already established (the earner's claim page, signed in by its
    /// claim link). Another organisation's credential is not found; a credential that is not an
    /// award to an email recipient, or is revoked, suspended or expired, is refused (422).
    pub async fn offer_for_credential(
        &self,
        org_id: &str,
        credential_id: &str,
        actor: &str,
    ) -> Result<CredentialOffer, AppError> {
        let now = self.now_unix();
        let (org, record, entries, is_copy) = {
            let mut conn = self.store().read().await?;
            let org = orgs::get(&mut conn, org_id).await?;
            let record = credentials::get_in_org(&mut conn, org_id, credential_id).await?;
            let entries = status::entries_for_credential(&mut conn, &record.id).await?;
            let is_copy = oid4vci::award_of_copy(&mut conn, &record.id)
                .await?
                .is_some();
            (org, record, entries, is_copy)
        };
        if record.source != "award" || is_copy || record.recipient_email.is_none() {
            return Err(AppError::invalid(
                "NOT_OFFERABLE",
                "only awards to an email recipient can be offered to a wallet",
            ));
        }
        if let Some(entry) = entries.iter().find(|entry| entry.is_set != 0) {
            return Err(AppError::invalid(
                "CREDENTIAL_NOT_ACTIVE",
                format!(
                    "the credential is under {} and cannot be offered",
                    entry.purpose
                ),
            ));
        }
        if record.valid_until.is_some_and(|until| until < now) {
            return Err(AppError::invalid(
                "CREDENTIAL_EXPIRED",
                "the credential has expired and cannot be offered",
            ));
        }
        let code = ids::new_secret("brv_pac");
        let offer = OfferRecord {
            code_hash: ids::sha256_hex(&code),
            org_id: org.id.clone(),
            award_id: record.id.clone(),
            created_at: now,
            expires_at: now + CODE_SECONDS,
            redeemed_at: None,
            token_hash: None,
            token_expires_at: None,
            wallet_copy_id: None,
        };
        let mut tx = self.store().begin().await?;
        oid4vci::delete_unredeemed_before(&mut tx, now - 86_400).await?;
        oid4vci::insert_offer(&mut tx, &offer).await?;
        self.audit(
            &mut tx,
            Some(&org.id),
            actor,
            "credential.offer",
            Some(&record.id),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;

        let credential_offer = self.offer_object(&org.slug, &code);
        let credential_offer_uri = self.oid4vci_endpoint(&org.slug, &format!("offers/{code}"));
        Ok(CredentialOffer {
            credential_id: record.id,
            offer_uri: format!(
                "{OFFER_SCHEME}?credential_offer_uri={}",
                percent_encode(&credential_offer_uri)
            ),
            offer_by_value_uri: format!(
                "{OFFER_SCHEME}?credential_offer={}",
                percent_encode(&credential_offer.to_string())
            ),
            credential_offer_uri,
            credential_offer,
            expires_at: offer.expires_at,
            expires_in: CODE_SECONDS,
        })
    }

    fn offer_object(&self, slug: &str, code: &str) -> Value {
        json!({
            "credential_issuer": self.credential_issuer_id(slug),
            "credential_configuration_ids": [CONFIGURATION_ID],
            "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": code}}
        })
    }

    /// The offer object served at its `credential_offer_uri`, while its code is unused and
    /// unexpired (else not found).
    pub async fn credential_offer_by_code(
        &self,
        slug: &str,
        code: &str,
    ) -> Result<Value, Oid4vciError> {
        let org = self.oid4vci_org(slug).await?;
        let mut conn = self.store().read().await?;
        let offer = oid4vci::offer_by_code(&mut conn, &org.id, &ids::sha256_hex(code))
            .await?
            .ok_or(Oid4vciError::NotFound)?;
        if offer.redeemed_at.is_some() || offer.expires_at < self.now_unix() {
            return Err(Oid4vciError::NotFound);
        }
        Ok(self.offer_object(&org.slug, code))
    }

    /// A fresh `c_nonce` for an organisation's key proofs.
    pub async fn new_c_nonce(&self, slug: &str) -> Result<String, Oid4vciError> {
        let org = self.oid4vci_org(slug).await?;
        let expires_at = self.now_unix() + NONCE_SECONDS;
        let sealed = self
            .master()
            .seal(&expires_at.to_be_bytes(), &nonce_context(&org.id))
            .map_err(AppError::from)?;
        Ok(URL_SAFE_NO_PAD.encode(sealed))
    }

    /// When a `c_nonce` this server made for `org_id` expires, if it is one.
    pub(crate) fn c_nonce_expiry(&self, org_id: &str, nonce: &str) -> Option<i64> {
        let sealed = URL_SAFE_NO_PAD.decode(nonce).ok()?;
        let opened = self.master().open(&sealed, &nonce_context(org_id)).ok()?;
        Some(i64::from_be_bytes(opened.as_slice().try_into().ok()?))
    }
}

fn nonce_context(org_id: &str) -> String {
    format!("oid4vci-c-nonce:{org_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        assert_eq!(
            percent_encode("https://a.example/x?y=1&z={\"k\"}~"),
            "https%3A%2F%2Fa.example%2Fx%3Fy%3D1%26z%3D%7B%22k%22%7D~"
        );
    }
}
