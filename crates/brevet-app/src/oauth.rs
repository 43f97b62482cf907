//! The OAuth 2.0 client credentials grant (RFC 6749 §4.4): owners create clients for their
//! organisation (the secret is shown once and stored as SHA-256), clients trade their id and
//! secret for short-lived bearer tokens (stored as SHA-256), and revoking a client ends its
//! tokens at once.

use brevet_store::StoreError;
use brevet_store::api_keys::{self, OAuthClientRecord, OAuthTokenRecord};
use serde::Serialize;

use crate::{App, AppError, Principal, Role, ids};

/// How long an access token works.
pub const ACCESS_TOKEN_TTL_SECS: i64 = 3600;
/// The prefix of client ids, client secrets and access tokens.
pub const CLIENT_ID_PREFIX: &str = "brc";
pub const CLIENT_SECRET_PREFIX: &str = "brcs";
pub const ACCESS_TOKEN_PREFIX: &str = "brat";

/// A client as the dashboard lists it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OAuthClientView {
    pub client_id: String,
    pub name: String,
    pub role: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A new client: the secret is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewOAuthClient {
    pub client_id: String,
    pub client_secret: String,
}

/// The token response of RFC 6749 §5.1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessTokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
}

/// Why a token request failed, as RFC 6749 §5.2 names it.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Unknown client, wrong secret, or a revoked client (401).
    #[error("client authentication failed")]
    InvalidClient,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for TokenError {
    fn from(error: StoreError) -> Self {
        TokenError::App(error.into())
    }
}

fn view(record: OAuthClientRecord) -> OAuthClientView {
    OAuthClientView {
        client_id: record.client_id,
        name: record.name,
        role: record.role,
        created_at: record.created_at,
        revoked_at: record.revoked_at,
    }
}

impl App {
    /// Creates an OAuth client of the principal's organisation (owners only); its role cannot
    /// exceed the creator's.
    pub async fn create_oauth_client(
        &self,
        principal: &Principal,
        name: &str,
        role: Role,
    ) -> Result<NewOAuthClient, AppError> {
        principal.require_owner()?;
        if !principal.role.includes(role) {
            return Err(AppError::Forbidden(
                "a client cannot have more rights than its creator".to_owned(),
            ));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid(
                "INVALID_NAME",
                "an OAuth client needs a name of 1 to 100 characters",
            ));
        }
        let client_id = format!("{CLIENT_ID_PREFIX}_{}", ids::new_id());
        let client_secret = ids::new_secret(CLIENT_SECRET_PREFIX);
        let mut tx = self.store().begin().await?;
        api_keys::insert_oauth_client(
            &mut tx,
            &OAuthClientRecord {
                client_id: client_id.clone(),
                org_id: principal.org_id.clone(),
                name: name.to_owned(),
                secret_hash: ids::sha256_hex(&client_secret),
                role: role.as_str().to_owned(),
                created_at: self.now_unix(),
                revoked_at: None,
            },
        )
        .await?;
        self.audit(
            &mut tx,
            Some(&principal.org_id),
            &principal.actor,
            "oauth-client.create",
            Some(&client_id),
            Some(role.as_str()),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(NewOAuthClient {
            client_id,
            client_secret,
        })
    }

    /// The organisation's OAuth clients, revoked ones included, newest first.
    pub async fn list_oauth_clients(
        &self,
        principal: &Principal,
    ) -> Result<Vec<OAuthClientView>, AppError> {
        let mut conn = self.store().read().await?;
        Ok(api_keys::list_oauth_clients(&mut conn, &principal.org_id)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    /// Revokes a client (owners only): its tokens stop working on the next request.
    pub async fn revoke_oauth_client(
        &self,
        principal: &Principal,
        client_id: &str,
    ) -> Result<(), AppError> {
        principal.require_owner()?;
        let mut tx = self.store().begin().await?;
        api_keys::revoke_oauth_client(&mut tx, &principal.org_id, client_id, self.now_unix())
            .await?;
        self.audit(
            &mut tx,
            Some(&principal.org_id),
            &principal.actor,
            "oauth-client.revoke",
            Some(client_id),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The client credentials grant: a new access token for a client that authenticated with
    /// its id and secret.
    pub async fn client_credentials_token(
        &self,
        client_id: &str,
        client_secret: &str,
    ) -> Result<AccessTokenResponse, TokenError> {
        let now = self.now_unix();
        let client = {
            let mut conn = self.store().read().await?;
            match api_keys::get_oauth_client(&mut conn, client_id).await {
                Ok(client) => Some(client),
                Err(StoreError::NotFound) => None,
                Err(other) => return Err(other.into()),
            }
        };
        // Hash and compare even for an unknown client, so both take the same time.
        let presented = ids::sha256_hex(client_secret);
        let stored = client
            .as_ref()
            .map_or_else(|| ids::sha256_hex(""), |client| client.secret_hash.clone());
        let secret_ok = ids::constant_time_eq(&presented, &stored);
        let client = match client {
            Some(client) if secret_ok && client.revoked_at.is_none() => client,
            _ => return Err(TokenError::InvalidClient),
        };
        let access_token = ids::new_secret(ACCESS_TOKEN_PREFIX);
        let mut tx = self.store().begin().await?;
        api_keys::delete_expired_oauth_tokens(&mut tx, &client.client_id, now).await?;
        api_keys::insert_oauth_token(
            &mut tx,
            &OAuthTokenRecord {
                token_hash: ids::sha256_hex(&access_token),
                client_id: client.client_id.clone(),
                org_id: client.org_id.clone(),
                role: client.role.clone(),
                created_at: now,
                expires_at: now + ACCESS_TOKEN_TTL_SECS,
            },
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(AccessTokenResponse {
            access_token,
            token_type: "Bearer",
            expires_in: ACCESS_TOKEN_TTL_SECS,
        })
    }

    /// The principal of an OAuth access token; an unknown or expired token, or one whose client
    /// was revoked, is unauthorised.
    pub async fn principal_for_oauth_token(&self, token: &str) -> Result<Principal, AppError> {
        let unauthorised = || AppError::Unauthorized("unknown or expired access token".to_owned());
        let token_hash = ids::sha256_hex(token);
        let mut conn = self.store().read().await?;
        let record = match api_keys::find_active_oauth_token(
            &mut conn,
            &token_hash,
            self.now_unix(),
        )
        .await
        {
            Ok(record) => record,
            Err(StoreError::NotFound) => return Err(unauthorised()),
            Err(other) => return Err(other.into()),
        };
        if !ids::constant_time_eq(&record.token_hash, &token_hash) {
            return Err(unauthorised());
        }
        let role = Role::parse(&record.role).ok_or_else(|| {
            AppError::Internal(format!("bad role on OAuth client {}", record.client_id))
        })?;
        Ok(Principal {
            org_id: record.org_id,
            role,
            actor: format!("oauth:{}", record.client_id),
        })
    }
}
