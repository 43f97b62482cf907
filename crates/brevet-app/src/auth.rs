//! Who is calling: a [`Principal`] (organisation, role, actor) from an API key, an OAuth token
//! or a session, and what each [`Role`] may do.

use brevet_store::api_keys;

use crate::{App, AppError, ids};

/// A member's or key's role in an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything, including members, keys and settings.
    Owner,
    /// Award, revoke, manage achievements.
    Issuer,
    /// Read only.
    Viewer,
}

impl Role {
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "owner" => Some(Role::Owner),
            "issuer" => Some(Role::Issuer),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Issuer => "issuer",
            Role::Viewer => "viewer",
        }
    }

    /// Whether this role may award, revoke and manage achievements.
    pub fn can_issue(self) -> bool {
        matches!(self, Role::Owner | Role::Issuer)
    }

    /// Whether this role may manage members, keys and settings.
    pub fn can_administer(self) -> bool {
        self == Role::Owner
    }

    /// Whether this role includes everything `other` may do.
    pub fn includes(self, other: Role) -> bool {
        self.rank() >= other.rank()
    }

    fn rank(self) -> u8 {
        match self {
            Role::Owner => 2,
            Role::Issuer => 1,
            Role::Viewer => 0,
        }
    }
}

/// An authenticated caller acting for one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub org_id: String,
    pub role: Role,
    /// For the audit log: `api-key:{id}`, `oauth:{client}`, `user:{id}` or `cli`.
    pub actor: String,
}

impl Principal {
    /// Fails with 403 unless the role may issue.
    pub fn require_issuer(&self) -> Result<(), AppError> {
        if self.role.can_issue() {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "the {} role may not do this",
                self.role.as_str()
            )))
        }
    }

    /// Fails with 403 unless the role is owner.
    pub fn require_owner(&self) -> Result<(), AppError> {
        if self.role.can_administer() {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "the {} role may not do this",
                self.role.as_str()
            )))
        }
    }
}

/// An API key as lists show it: the first characters only.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub role: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// The prefix of every API key.
pub const API_KEY_PREFIX: &str = "brv";

impl App {
    /// The principal of an API key (`brv_…`); a revoked or unknown key is unauthorised.
    pub async fn principal_for_api_key(&self, secret: &str) -> Result<Principal, AppError> {
        let mut conn = self.store().read().await?;
        let key = api_keys::find_active(&mut conn, &ids::sha256_hex(secret))
            .await
            .map_err(|_| AppError::Unauthorized("unknown or revoked API key".to_owned()))?;
        // The lookup is by hash; compare again in constant time for good measure.
        if !ids::constant_time_eq(&key.secret_hash, &ids::sha256_hex(secret)) {
            return Err(AppError::Unauthorized(
                "unknown or revoked API key".to_owned(),
            ));
        }
        let role = Role::parse(&key.role)
            .ok_or_else(|| AppError::Internal(format!("bad role on key {}", key.id)))?;
        Ok(Principal {
            org_id: key.org_id,
            role,
            actor: format!("api-key:{}", key.id),
        })
    }

    /// Creates an API key for the organisation; returns (id, secret). The secret is shown once
    /// and stored only as a hash.
    pub async fn create_api_key(
        &self,
        principal: &Principal,
        name: &str,
        role: Role,
    ) -> Result<(String, String), AppError> {
        principal.require_owner()?;
        if !principal.role.includes(role) {
            return Err(AppError::Forbidden(
                "an API key cannot have more rights than its creator".to_owned(),
            ));
        }
        let mut tx = self.store().begin().await?;
        let (id, secret) = self
            .insert_api_key(&mut tx, &principal.org_id, name, role)
            .await?;
        self.audit(
            &mut tx,
            Some(&principal.org_id),
            &principal.actor,
            "api-key.create",
            Some(&id),
            None,
        )
        .await?;
        tx.commit().await.map_err(brevet_store::StoreError::from)?;
        Ok((id, secret))
    }

    pub(crate) async fn insert_api_key(
        &self,
        conn: &mut brevet_store::AnyConnection,
        org_id: &str,
        name: &str,
        role: Role,
    ) -> Result<(String, String), AppError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid(
                "INVALID_NAME",
                "an API key needs a name of 1 to 100 characters",
            ));
        }
        let secret = ids::new_secret(API_KEY_PREFIX);
        let id = ids::new_id();
        let record = api_keys::ApiKeyRecord {
            id: id.clone(),
            org_id: org_id.to_owned(),
            name: name.to_owned(),
            prefix: secret.chars().take(12).collect(),
            secret_hash: ids::sha256_hex(&secret),
            role: role.as_str().to_owned(),
            created_at: self.now_unix(),
            revoked_at: None,
        };
        api_keys::insert(conn, &record).await?;
        Ok((id, secret))
    }

    /// The organisation's API keys, revoked ones included, newest first (never the secrets).
    pub async fn list_api_keys(&self, principal: &Principal) -> Result<Vec<ApiKeyView>, AppError> {
        let mut conn = self.store().read().await?;
        Ok(api_keys::list_for_org(&mut conn, &principal.org_id)
            .await?
            .into_iter()
            .map(|key| ApiKeyView {
                id: key.id,
                name: key.name,
                prefix: key.prefix,
                role: key.role,
                created_at: key.created_at,
                revoked_at: key.revoked_at,
            })
            .collect())
    }

    /// Revokes an API key of the principal's organisation (effective on the next request).
    pub async fn revoke_api_key(&self, principal: &Principal, id: &str) -> Result<(), AppError> {
        principal.require_owner()?;
        let mut tx = self.store().begin().await?;
        api_keys::revoke(&mut tx, &principal.org_id, id, self.now_unix()).await?;
        self.audit(
            &mut tx,
            Some(&principal.org_id),
            &principal.actor,
            "api-key.revoke",
            Some(id),
            None,
        )
        .await?;
        tx.commit().await.map_err(brevet_store::StoreError::from)?;
        Ok(())
    }
}

impl App {
    /// The principal of a bearer token: an API key (`brv_…`) or an OAuth access token.
    pub async fn principal_for_bearer(&self, token: &str) -> Result<Principal, AppError> {
        if token.starts_with(&format!("{API_KEY_PREFIX}_")) {
            self.principal_for_api_key(token).await
        } else {
            self.principal_for_oauth_token(token).await
        }
    }
}
