//! Organisations: creation (with a signing key, an owner and an API key), their DIDs (did:web
//! by default, or did:key) and did:web DID documents, and the issuer `Profile` put in their
//! credentials.

use brevet_core::did::{DidWebKey, build_did_web_document};
use brevet_core::multikey::{VerifyingKey, decode_public_key, did_key_method_of, did_key_of};
use brevet_store::keys::SigningKeyRecord;
use brevet_store::orgs::{self, DID_METHOD_KEY, DID_METHOD_WEB, OrgRecord};
use brevet_store::users::{self, MembershipRecord, UserRecord};
use brevet_store::{AnyConnection, StoreError, keys};
use serde::Serialize;
use serde_json::{Value, json};

use crate::{App, AppError, Role, ids};

/// Slugs that would collide with Brevet's own routes (the DID document of an organisation is
/// served at `/{slug}/did.json`).
pub const RESERVED_SLUGS: &[&str] = &[
    ".well-known",
    "about",
    "account",
    "achievements",
    "admin",
    "api",
    "app",
    "assets",
    "auth",
    "c",
    "claim",
    "credentials",
    "dashboard",
    "did.json",
    "docs",
    "favicon.ico",
    "healthz",
    "help",
    "images",
    "login",
    "logout",
    "metrics",
    "o",
    "oauth",
    "org",
    "orgs",
    "password",
    "presentations",
    "public",
    "register",
    "reset",
    "robots.txt",
    "settings",
    "signup",
    "static",
    "status",
    "verify",
    "wallet",
    "www",
];

/// The DID method an organisation signs as, chosen when it is created and never changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DidMethod {
    /// `did:web:{host}:{slug}`, its document served at `/{slug}/did.json`; keys can rotate.
    #[default]
    Web,
    /// The `did:key` of its only signing key: verifiers resolve it without the network, but
    /// the key cannot rotate (the DID is the key).
    Key,
}

impl DidMethod {
    /// The name stored and accepted (`web`, `key`).
    pub fn as_str(self) -> &'static str {
        match self {
            DidMethod::Web => DID_METHOD_WEB,
            DidMethod::Key => DID_METHOD_KEY,
        }
    }

    /// Reads `web` or `key`.
    pub fn parse(name: &str) -> Result<DidMethod, AppError> {
        match name {
            DID_METHOD_WEB => Ok(DidMethod::Web),
            DID_METHOD_KEY => Ok(DidMethod::Key),
            other => Err(AppError::invalid(
                "INVALID_DID_METHOD",
                format!("DID method {other:?} is not supported: use \"web\" or \"key\""),
            )),
        }
    }

    /// The method of an organisation (a stored name other than `key` reads as did:web).
    pub fn of(org: &OrgRecord) -> DidMethod {
        if org.did_method == DID_METHOD_KEY {
            DidMethod::Key
        } else {
            DidMethod::Web
        }
    }
}

/// What `brevet org create` prints.
#[derive(Debug, Clone, Serialize)]
pub struct OrgCreated {
    pub org_id: String,
    pub did: String,
    pub api_key: String,
    /// One-time password of the admin account (none when the account already existed).
    pub admin_password: Option<String>,
}

/// Checks a slug: 2 to 63 characters of `a-z`, `0-9` and `-`, starting with a letter or digit,
/// and not one of Brevet's routes.
pub fn check_slug(slug: &str) -> Result<(), AppError> {
    let well_formed = (2..=63).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && slug
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !well_formed {
        return Err(AppError::invalid(
            "INVALID_SLUG",
            format!(
                "slug {slug:?} must be 2 to 63 characters of a-z, 0-9 and '-', starting with a letter or digit"
            ),
        ));
    }
    if RESERVED_SLUGS.contains(&slug) {
        return Err(AppError::invalid(
            "RESERVED_SLUG",
            format!("slug {slug:?} is reserved: it would collide with one of Brevet's routes"),
        ));
    }
    Ok(())
}

/// A loose email check: one `@`, something on both sides, a dot in the domain, no spaces.
pub fn check_email(email: &str) -> Result<String, AppError> {
    let email = email.trim().to_lowercase();
    let ok = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if ok {
        Ok(email)
    } else {
        Err(AppError::invalid(
            "INVALID_EMAIL",
            "not a valid email address",
        ))
    }
}

impl App {
    /// The DID of an organisation: its did:web, or for a did:key organisation the did:key of
    /// its only signing key. Everything that names the organisation as issuer uses this.
    pub fn org_did(&self, org: &OrgRecord) -> Result<String, AppError> {
        match DidMethod::of(org) {
            DidMethod::Web => Ok(self.did_web_of_slug(&org.slug)),
            DidMethod::Key => Ok(did_key_of(&did_key_of_org(org)?)),
        }
    }

    /// The verification method of one of the organisation's keys: `{did:web}#{fragment}`, or
    /// for a did:key organisation `did:key:z6Mk…#z6Mk…`.
    pub fn verification_method(
        &self,
        org: &OrgRecord,
        key: &SigningKeyRecord,
    ) -> Result<String, AppError> {
        match DidMethod::of(org) {
            DidMethod::Web => Ok(format!(
                "{}#{}",
                self.did_web_of_slug(&org.slug),
                key.fragment
            )),
            DidMethod::Key => {
                let public = decode_public_key(&key.public_key_multibase).map_err(|error| {
                    AppError::Internal(format!("stored key {}: {error}", key.id))
                })?;
                Ok(did_key_method_of(&public))
            }
        }
    }

    /// The did:web for `slug` (whatever the organisation's method): the base URL's host (port
    /// as `%3A`) and path, then the slug; its document is served at
    /// `{base_url}/{slug}/did.json`.
    fn did_web_of_slug(&self, slug: &str) -> String {
        let base = self.config().base_url.as_str();
        let without_scheme = base
            .split_once("://")
            .map_or(base, |(_, rest)| rest)
            .trim_end_matches('/');
        let mut parts = without_scheme.split('/');
        let authority = parts.next().unwrap_or_default().replace(':', "%3A");
        let mut did = format!("did:web:{authority}");
        for segment in parts.filter(|segment| !segment.is_empty()) {
            did.push(':');
            did.push_str(segment);
        }
        did.push(':');
        did.push_str(slug);
        did
    }

    /// The slug named by one of Brevet's own did:web identifiers, if `did` is one (the
    /// organisation may still be a did:key one, which has no did:web document).
    pub fn own_slug_of_did<'a>(&self, did: &'a str) -> Option<&'a str> {
        let (prefix, slug) = did.rsplit_once(':')?;
        (format!("{prefix}:{slug}") == self.did_web_of_slug(slug) && check_slug(slug).is_ok())
            .then_some(slug)
    }

    /// The URL of an uploaded image.
    pub fn image_url(&self, image_id: &str) -> String {
        format!("{}/images/{image_id}", self.config().base_url)
    }

    /// The issuer `Profile` of an organisation, as put in its credentials.
    pub fn issuer_profile(&self, org: &OrgRecord) -> Result<Value, AppError> {
        let mut profile = json!({
            "id": self.org_did(org)?,
            "type": ["Profile"],
            "name": org.name,
        });
        if let Some(object) = profile.as_object_mut() {
            if let Some(url) = org.url.as_ref().filter(|url| url.starts_with("https://")) {
                object.insert("url".into(), json!(url));
            }
            if let Some(email) = &org.email {
                object.insert("email".into(), json!(email));
            }
            if let Some(description) = &org.description {
                object.insert("description".into(), json!(description));
            }
            if let Some(logo) = &org.logo_image_id {
                object.insert(
                    "image".into(),
                    json!({"id": self.image_url(logo), "type": "Image"}),
                );
            }
        }
        Ok(profile)
    }

    /// The did:web DID document of the organisation with `slug`: every key, active and
    /// retired. A did:key organisation has none here (its document is derived from the DID
    /// itself): not found.
    pub async fn did_document(&self, slug: &str) -> Result<Value, AppError> {
        let mut conn = self.store().read().await?;
        let org = orgs::get_by_slug(&mut conn, slug).await?;
        self.did_document_of(&mut conn, &org).await
    }

    pub(crate) async fn did_document_of(
        &self,
        conn: &mut AnyConnection,
        org: &OrgRecord,
    ) -> Result<Value, AppError> {
        if DidMethod::of(org) == DidMethod::Key {
            return Err(AppError::NotFound);
        }
        let records = keys::list_for_org(conn, &org.id).await?;
        let mut keys = Vec::with_capacity(records.len());
        for record in records {
            let key = decode_public_key(&record.public_key_multibase).map_err(|error| {
                AppError::Internal(format!("stored key {}: {error}", record.id))
            })?;
            keys.push(DidWebKey {
                fragment: record.fragment,
                key,
            });
        }
        build_did_web_document(&self.did_web_of_slug(&org.slug), &keys)
            .map_err(|error| AppError::Internal(format!("DID document: {error}")))
    }

    /// Creates a did:web organisation: see [`App::create_org_with_method`].
    pub async fn create_org(
        &self,
        name: &str,
        slug: &str,
        admin_email: &str,
    ) -> Result<OrgCreated, AppError> {
        self.create_org_with_method(name, slug, admin_email, DidMethod::Web)
            .await
    }

    /// Creates an organisation signing as `did_method`, with its first signing key, an owner
    /// account for `admin_email` (a new one-time password when the account is new) and an
    /// owner API key.
    pub async fn create_org_with_method(
        &self,
        name: &str,
        slug: &str,
        admin_email: &str,
        did_method: DidMethod,
    ) -> Result<OrgCreated, AppError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(AppError::invalid(
                "INVALID_NAME",
                "an organisation needs a name of 1 to 200 characters",
            ));
        }
        check_slug(slug)?;
        let admin_email = check_email(admin_email)?;
        let now = self.now_unix();
        let mut org = OrgRecord {
            id: ids::new_id(),
            slug: slug.to_owned(),
            name: name.to_owned(),
            url: None,
            email: None,
            description: None,
            logo_image_id: None,
            linkedin_org_id: None,
            created_at: now,
            did_method: did_method.as_str().to_owned(),
            did_key_multibase: None,
        };
        let mut tx = self.store().begin().await?;
        orgs::insert(&mut tx, &org)
            .await
            .map_err(|error| match error {
                StoreError::Conflict(_) => {
                    AppError::Conflict(format!("an organisation with slug {slug:?} already exists"))
                }
                other => other.into(),
            })?;
        let key = self.insert_signing_key(&mut tx, &org, 1).await?;
        if did_method == DidMethod::Key {
            org.did_key_multibase = Some(key.public_key_multibase);
        }
        let did = self.org_did(&org)?;
        let (user_id, admin_password) = match users::get_user_by_email(&mut tx, &admin_email).await
        {
            Ok(user) => (user.id, None),
            Err(StoreError::NotFound) => {
                let password = ids::new_secret("pw")
                    .chars()
                    .skip(3)
                    .take(24)
                    .collect::<String>();
                let user = UserRecord {
                    id: ids::new_id(),
                    email: admin_email.clone(),
                    name: None,
                    password_hash: Some(hash_password(&password)?),
                    created_at: now,
                };
                users::insert_user(&mut tx, &user).await?;
                (user.id, Some(password))
            }
            Err(other) => return Err(other.into()),
        };
        users::insert_membership(
            &mut tx,
            &MembershipRecord {
                org_id: org.id.clone(),
                user_id,
                role: Role::Owner.as_str().to_owned(),
                created_at: now,
            },
        )
        .await?;
        let (_, api_key) = self
            .insert_api_key(
                &mut tx,
                &org.id,
                "created with the organisation",
                Role::Owner,
            )
            .await?;
        self.audit(
            &mut tx,
            Some(&org.id),
            "cli",
            "org.create",
            Some(&org.id),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(OrgCreated {
            org_id: org.id,
            did,
            api_key,
            admin_password,
        })
    }

    /// Whether any organisation exists (first-run setup is offered until one does).
    pub async fn has_orgs(&self) -> Result<bool, AppError> {
        let mut conn = self.store().read().await?;
        Ok(!orgs::list(&mut conn).await?.is_empty())
    }

    /// First-run setup: creates an organisation whose owner chose their password (at least 10
    /// characters). The owner account must not exist yet.
    pub async fn create_org_with_password(
        &self,
        name: &str,
        slug: &str,
        admin_email: &str,
        password: &str,
        did_method: DidMethod,
    ) -> Result<OrgCreated, AppError> {
        if password.chars().count() < 10 || password.len() > 1024 {
            return Err(AppError::invalid(
                "WEAK_PASSWORD",
                "the password must have at least 10 characters",
            ));
        }
        let created = self
            .create_org_with_method(name, slug, admin_email, did_method)
            .await?;
        if created.admin_password.is_none() {
            return Err(AppError::Conflict(
                "an account with this email exists: sign in and create the organisation from the dashboard".to_owned(),
            ));
        }
        let email = check_email(admin_email)?;
        let mut tx = self.store().begin().await?;
        let user = users::get_user_by_email(&mut tx, &email).await?;
        users::set_password_hash(&mut tx, &user.id, &hash_password(password)?).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(OrgCreated {
            admin_password: None,
            ..created
        })
    }

    /// An organisation by id.
    pub async fn org(&self, org_id: &str) -> Result<OrgRecord, AppError> {
        let mut conn = self.store().read().await?;
        Ok(orgs::get(&mut conn, org_id).await?)
    }
}

impl App {
    /// An uploaded image by id.
    pub async fn image(
        &self,
        image_id: &str,
    ) -> Result<brevet_store::images::ImageRecord, AppError> {
        let mut conn = self.store().read().await?;
        Ok(brevet_store::images::get(&mut conn, image_id).await?)
    }
}

/// The public key of a did:key organisation (its DID).
fn did_key_of_org(org: &OrgRecord) -> Result<VerifyingKey, AppError> {
    let multibase = org.did_key_multibase.as_deref().ok_or_else(|| {
        AppError::Internal(format!(
            "did:key organisation {} has no signing key",
            org.slug
        ))
    })?;
    decode_public_key(multibase).map_err(|error| {
        AppError::Internal(format!("the key of organisation {}: {error}", org.slug))
    })
}

/// Hashes a password with Argon2id (PHC string).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| AppError::Internal(format!("password hashing: {error}")))
}

/// Checks a password against an Argon2 PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(phc).is_ok_and(|hash| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_checked() {
        assert!(check_slug("acme-university").is_ok());
        assert!(check_slug("a").is_err());
        assert!(check_slug("Acme").is_err());
        assert!(check_slug("-acme").is_err());
        assert!(check_slug("acme/x").is_err());
        for reserved in ["api", "c", "verify", "status", "dashboard", "healthz"] {
            assert!(check_slug(reserved).is_err(), "{reserved}");
        }
    }

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("x", "not a hash"));
    }
}
