//! The token endpoint of the pre-authorized code flow: `grant_type=urn:ietf:params:oauth:
//! grant-type:pre-authorized_code` and `pre-authorized_code` give a Bearer access token good for
//! one credential. Anonymous (no client authentication). Errors as RFC 6749 §5.2 with the
//! clarifications of OpenID4VCI §6.3: a wrong, used or expired code is `invalid_grant`; a
//! transaction code is `invalid_request`, since none is ever asked for. A code presented a second
//! time also revokes the token of its first use, unless that token has got its credential.

use brevet_store::StoreError;
use brevet_store::oid4vci;
use serde::Serialize;
use serde_json::{Value, json};

use super::{CONFIGURATION_ID, Oid4vciError, PRE_AUTHORIZED_GRANT, TOKEN_SECONDS};
use crate::{App, ids};

/// A successful token response.
#[derive(Debug, Clone, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_details: Option<Value>,
}

/// The `credential_identifier` a token response names when `authorization_details` were asked
/// for (the award's public id: the dataset is that award).
pub fn credential_identifier_of(award_id: &str) -> String {
    format!("{CONFIGURATION_ID}:{award_id}")
}

impl App {
    /// Exchanges a pre-authorized code for an access token. `form` is the decoded form body,
    /// in order (a repeated parameter is refused).
    pub async fn oid4vci_token(
        &self,
        slug: &str,
        form: &[(String, String)],
    ) -> Result<TokenResponse, Oid4vciError> {
        let mut seen = std::collections::HashSet::new();
        if let Some((name, _)) = form.iter().find(|(name, _)| !seen.insert(name.as_str())) {
            return Err(Oid4vciError::bad(
                "invalid_request",
                format!("the parameter {name:?} is repeated"),
            ));
        }
        let field = |name: &str| {
            form.iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        match field("grant_type") {
            None => {
                return Err(Oid4vciError::bad(
                    "invalid_request",
                    "grant_type is required",
                ));
            }
            Some(PRE_AUTHORIZED_GRANT) => {}
            Some(_) => {
                return Err(Oid4vciError::bad(
                    "unsupported_grant_type",
                    "only the pre-authorized code grant is supported",
                ));
            }
        }
        let code = field("pre-authorized_code")
            .filter(|code| !code.is_empty())
            .ok_or_else(|| {
                Oid4vciError::bad("invalid_request", "pre-authorized_code is required")
            })?;
        if field("tx_code").is_some() || field("user_pin").is_some() {
            return Err(Oid4vciError::bad(
                "invalid_request",
                "this offer has no transaction code: leave tx_code out",
            ));
        }
        let org = self.oid4vci_org(slug).await?;
        let issuer = self.credential_issuer_id(&org.slug);
        if let Some(resource) = field("resource")
            && resource != issuer
        {
            return Err(Oid4vciError::bad(
                "invalid_target",
                format!("the resource must be the credential issuer {issuer}"),
            ));
        }
        let asked_details = field("authorization_details")
            .map(|text| check_authorization_details(text, &issuer))
            .transpose()?;

        let now = self.now_unix();
        let token = ids::new_secret("brv_at");
        let code_hash = ids::sha256_hex(code);
        let mut tx = self.store().begin().await?;
        let redeemed = oid4vci::redeem_offer(
            &mut tx,
            &org.id,
            &code_hash,
            now,
            &ids::sha256_hex(&token),
            now + TOKEN_SECONDS,
        )
        .await?;
        if !redeemed {
            // A used code presented again: the token it gave is revoked too (unless spent), as
            // for an authorization code used twice (RFC 6749 §4.1.2).
            if oid4vci::revoke_token_of_code(&mut tx, &org.id, &code_hash).await? {
                self.audit(
                    &mut tx,
                    Some(&org.id),
                    "oid4vci:wallet",
                    "credential.offer_replayed",
                    None,
                    None,
                )
                .await?;
                tx.commit().await.map_err(StoreError::from)?;
            }
            return Err(Oid4vciError::bad(
                "invalid_grant",
                "the pre-authorized code is unknown, used or expired",
            ));
        }
        let offer = oid4vci::offer_by_code(&mut tx, &org.id, &code_hash)
            .await?
            .ok_or(Oid4vciError::NotFound)?;
        self.audit(
            &mut tx,
            Some(&org.id),
            "oid4vci:wallet",
            "credential.offer_redeemed",
            Some(&offer.award_id),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(TokenResponse {
            access_token: token,
            token_type: "Bearer",
            expires_in: TOKEN_SECONDS,
            authorization_details: asked_details.map(|mut detail| {
                detail["credential_identifiers"] =
                    json!([credential_identifier_of(&offer.award_id)]);
                json!([detail])
            }),
        })
    }
}

/// Checks RFC 9396 `authorization_details` in a token request: exactly one `openid_credential`
/// entry for [`CONFIGURATION_ID`] (with this issuer in `locations`, if given). Returns it.
fn check_authorization_details(text: &str, issuer: &str) -> Result<Value, Oid4vciError> {
    let invalid = |why: &str| Oid4vciError::bad("invalid_authorization_details", why.to_owned());
    let details = brevet_core::json::parse_strict(text)
        .map_err(|_| invalid("authorization_details is not a JSON array"))?;
    let [detail] = details.as_array().map(Vec::as_slice).unwrap_or_default() else {
        return Err(invalid("authorization_details must hold exactly one entry"));
    };
    if detail["type"] != "openid_credential"
        || detail["credential_configuration_id"] != CONFIGURATION_ID
    {
        return Err(invalid(
            "the only authorization detail is type openid_credential for OpenBadgeCredential",
        ));
    }
    if let Some(locations) = detail.get("locations")
        && !locations
            .as_array()
            .is_some_and(|list| list.iter().any(|location| location == issuer))
    {
        return Err(invalid("locations must name this credential issuer"));
    }
    Ok(detail.clone())
}
