//! Dashboard sessions: password login (argon2; an unknown email costs the same as a wrong
//! password and gets the same answer), 256-bit session tokens stored as SHA-256, idle and
//! absolute expiry, a synchronizer CSRF token per session, the organisation switcher, logout,
//! password change, and an in-memory limiter of failed attempts per email and per client address.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use brevet_store::users::{self, SessionRecord, UserRecord};
use brevet_store::{AnyConnection, StoreError, orgs};

use crate::orgs::{check_email, hash_password, verify_password};
use crate::{App, AppError, Principal, Role, ids};

/// A session ends after this long without a request.
pub const SESSION_IDLE_SECS: i64 = 12 * 3600;
/// A session ends this long after sign-in, however busy.
pub const SESSION_MAX_SECS: i64 = 7 * 24 * 3600;
/// The idle expiry is written again only when it moved by more than this (fewer writes).
const TOUCH_AFTER_SECS: i64 = 300;
/// Passwords: at least this many characters...
pub const PASSWORD_MIN_CHARS: usize = 10;
/// ...and at most this many bytes (argon2 cost stays bounded).
pub const PASSWORD_MAX_BYTES: usize = 1024;

/// Failed sign-ins allowed per email, and per client address, in [`LIMIT_WINDOW_SECS`].
const FAILURES_PER_EMAIL: u32 = 10;
const FAILURES_PER_ADDRESS: u32 = 50;
/// The window of the limiter.
pub const LIMIT_WINDOW_SECS: i64 = 15 * 60;
/// The limiter forgets everything when it tracks more keys than this (bounded memory).
const LIMITER_MAX_KEYS: usize = 100_000;

/// A new session: the cookie value (shown to the browser only) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    /// Seconds until the absolute expiry (the cookie's `Max-Age`).
    pub max_age: i64,
}

/// Why a sign-in failed. Unknown email and wrong password are the same variant.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("wrong email or password")]
    WrongCredentials,
    #[error("too many attempts; try again in a few minutes")]
    Throttled,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<StoreError> for LoginError {
    fn from(error: StoreError) -> Self {
        LoginError::App(error.into())
    }
}

/// An organisation the signed-in user belongs to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrgMembership {
    pub org_id: String,
    pub slug: String,
    pub name: String,
    #[serde(serialize_with = "serialize_role")]
    pub role: Role,
}

fn serialize_role<S: serde::Serializer>(role: &Role, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(role.as_str())
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SessionUser {
    pub id: String,
    pub email: String,
    pub name: Option<String>,
}

/// A valid session, as a request sees it.
#[derive(Debug, Clone)]
pub struct SessionContext {
    token_hash: String,
    pub user: SessionUser,
    pub csrf_token: String,
    /// Every organisation of the user (the switcher).
    pub memberships: Vec<OrgMembership>,
    /// The organisation the user works in (none when they belong to none).
    pub current: Option<OrgMembership>,
}

impl SessionContext {
    /// The principal acting for the current organisation; 403 when the user belongs to none.
    pub fn principal(&self) -> Result<Principal, AppError> {
        let current = self.current.as_ref().ok_or_else(|| {
            AppError::Forbidden("you are not a member of any organisation".to_owned())
        })?;
        Ok(Principal {
            org_id: current.org_id.clone(),
            role: current.role,
            actor: format!("user:{}", self.user.id),
        })
    }

    /// Whether `candidate` is this session's CSRF token (constant time).
    pub fn csrf_matches(&self, candidate: &str) -> bool {
        !candidate.is_empty() && ids::constant_time_eq(&self.csrf_token, candidate)
    }
}

/// Counts events per key in fixed windows (failed sign-ins, reset requests), in memory.
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimiter {
    fn with_windows<T>(&self, run: impl FnOnce(&mut HashMap<String, (i64, u32)>) -> T) -> T {
        match self.windows.lock() {
            Ok(mut windows) => run(&mut windows),
            Err(poisoned) => run(&mut poisoned.into_inner()),
        }
    }

    /// The count for `key` in the window that contains `now`.
    pub fn count(&self, key: &str, window_secs: i64, now: i64) -> u32 {
        self.with_windows(|windows| match windows.get(key) {
            Some((start, count)) if now - start < window_secs => *count,
            _ => 0,
        })
    }

    /// Adds one event for `key`; returns the new count in the current window.
    pub fn record(&self, key: &str, window_secs: i64, now: i64) -> u32 {
        self.with_windows(|windows| {
            if windows.len() >= LIMITER_MAX_KEYS {
                windows.retain(|_, (start, _)| now - *start < window_secs);
                if windows.len() >= LIMITER_MAX_KEYS {
                    windows.clear();
                }
            }
            let entry = windows.entry(key.to_owned()).or_insert((now, 0));
            if now - entry.0 >= window_secs {
                *entry = (now, 0);
            }
            entry.1 = entry.1.saturating_add(1);
            entry.1
        })
    }

    pub fn clear(&self, key: &str) {
        self.with_windows(|windows| windows.remove(key));
    }
}

/// An argon2 hash of a random password: unknown emails are checked against it, so they cost
/// the same time as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password(&ids::new_secret("decoy")).unwrap_or_default())
}

/// Verifies a password off the async runtime (argon2 takes tens of milliseconds).
async fn verify_password_blocking(password: String, phc: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .map_err(|error| AppError::Internal(format!("password check: {error}")))
}

/// Hashes a password off the async runtime.
pub(crate) async fn hash_password_blocking(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|error| AppError::Internal(format!("password hashing: {error}")))?
}

/// Checks a new password: 10 characters or more, at most 1024 bytes, not the email.
pub fn check_new_password(password: &str, email: &str) -> Result<(), AppError> {
    if password.chars().count() < PASSWORD_MIN_CHARS {
        return Err(AppError::invalid(
            "WEAK_PASSWORD",
            format!("the password needs at least {PASSWORD_MIN_CHARS} characters"),
        ));
    }
    if password.len() > PASSWORD_MAX_BYTES {
        return Err(AppError::invalid(
            "INVALID_PASSWORD",
            format!("the password is longer than {PASSWORD_MAX_BYTES} bytes"),
        ));
    }
    if password.trim().eq_ignore_ascii_case(email.trim()) {
        return Err(AppError::invalid(
            "WEAK_PASSWORD",
            "the password must not be the email address",
        ));
    }
    Ok(())
}

impl App {
    /// Signs in with email and password; `client` is the caller's address for the limiter.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client: Option<&str>,
    ) -> Result<NewSession, LoginError> {
        let now = self.now_unix();
        let email = email.trim().to_lowercase();
        let email_key = format!("login-email:{email}");
        let client_key = client.map(|client| format!("login-client:{client}"));
        let limiter = self.limiter();
        if limiter.count(&email_key, LIMIT_WINDOW_SECS, now) >= FAILURES_PER_EMAIL
            || client_key.as_ref().is_some_and(|key| {
                limiter.count(key, LIMIT_WINDOW_SECS, now) >= FAILURES_PER_ADDRESS
            })
        {
            return Err(LoginError::Throttled);
        }
        let user = if check_email(&email).is_ok() && password.len() <= PASSWORD_MAX_BYTES {
            let mut conn = self.store().read().await?;
            match users::get_user_by_email(&mut conn, &email).await {
                Ok(user) => Some(user),
                Err(StoreError::NotFound) => None,
                Err(other) => return Err(other.into()),
            }
        } else {
            None
        };
        let phc = user
            .as_ref()
            .and_then(|user| user.password_hash.clone())
            .unwrap_or_else(|| decoy_hash().to_owned());
        let password_ok = verify_password_blocking(password.to_owned(), phc).await?;
        let user = match user {
            Some(user) if password_ok && user.password_hash.is_some() => user,
            _ => {
                limiter.record(&email_key, LIMIT_WINDOW_SECS, now);
                if let Some(key) = &client_key {
                    limiter.record(key, LIMIT_WINDOW_SECS, now);
                }
                return Err(LoginError::WrongCredentials);
            }
        };
        limiter.clear(&email_key);
        let mut tx = self.store().begin().await?;
        let session = self.insert_session(&mut tx, &user).await?;
        self.audit(
            &mut tx,
            None,
            &format!("user:{}", user.id),
            "session.login",
            None,
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(session)
    }

    /// Starts a session for `user` (inside the caller's transaction).
    pub(crate) async fn insert_session(
        &self,
        conn: &mut AnyConnection,
        user: &UserRecord,
    ) -> Result<NewSession, AppError> {
        let now = self.now_unix();
        // Housekeeping: sessions idle past their expiry are deleted as new ones start.
        users::delete_expired_sessions(conn, now).await?;
        let first_org = users::memberships_of_user(conn, &user.id)
            .await?
            .into_iter()
            .next()
            .map(|membership| membership.org_id);
        let token = ids::new_secret("brs");
        let csrf_token = ids::new_secret("csrf");
        users::insert_session(
            conn,
            &SessionRecord {
                token_hash: ids::sha256_hex(&token),
                user_id: user.id.clone(),
                csrf_token: csrf_token.clone(),
                org_id: first_org,
                created_at: now,
                expires_at: now + SESSION_IDLE_SECS,
            },
        )
        .await?;
        Ok(NewSession {
            token,
            csrf_token,
            max_age: SESSION_MAX_SECS,
        })
    }

    /// The session of a cookie value; an unknown, idle or too old session is unauthorised.
    pub async fn session(&self, token: &str) -> Result<SessionContext, AppError> {
        let expired = || AppError::Unauthorized("the session has ended; sign in again".to_owned());
        let now = self.now_unix();
        let token_hash = ids::sha256_hex(token);
        let mut conn = self.store().read().await?;
        let record = match users::get_session(&mut conn, &token_hash).await {
            Ok(record) => record,
            Err(StoreError::NotFound) => return Err(expired()),
            Err(other) => return Err(other.into()),
        };
        if record.expires_at <= now || now - record.created_at >= SESSION_MAX_SECS {
            return Err(expired());
        }
        let user = users::get_user(&mut conn, &record.user_id).await?;
        let mut memberships = Vec::new();
        for membership in users::memberships_of_user(&mut conn, &user.id).await? {
            let org = orgs::get(&mut conn, &membership.org_id).await?;
            let role = Role::parse(&membership.role).ok_or_else(|| {
                AppError::Internal(format!("bad role on a membership of {}", org.id))
            })?;
            memberships.push(OrgMembership {
                org_id: org.id,
                slug: org.slug,
                name: org.name,
                role,
            });
        }
        drop(conn);
        let current = record
            .org_id
            .as_ref()
            .and_then(|org_id| memberships.iter().find(|m| &m.org_id == org_id))
            .or_else(|| memberships.first())
            .cloned();
        let idle_expiry = (now + SESSION_IDLE_SECS).min(record.created_at + SESSION_MAX_SECS);
        if idle_expiry - record.expires_at > TOUCH_AFTER_SECS {
            let mut tx = self.store().begin().await?;
            users::touch_session(&mut tx, &token_hash, idle_expiry).await?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        Ok(SessionContext {
            token_hash,
            user: SessionUser {
                id: user.id,
                email: user.email,
                name: user.name,
            },
            csrf_token: record.csrf_token,
            memberships,
            current,
        })
    }

    /// Ends a session (logout). Ending an unknown session is not an error.
    pub async fn logout(&self, session: &SessionContext) -> Result<(), AppError> {
        let mut tx = self.store().begin().await?;
        users::delete_session(&mut tx, &session.token_hash).await?;
        self.audit(
            &mut tx,
            None,
            &format!("user:{}", session.user.id),
            "session.logout",
            None,
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Makes `org_id` the session's current organisation; not found unless the user is a member.
    pub async fn switch_org(&self, session: &SessionContext, org_id: &str) -> Result<(), AppError> {
        if !session.memberships.iter().any(|m| m.org_id == org_id) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.store().begin().await?;
        users::set_session_org(&mut tx, &session.token_hash, org_id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Changes the signed-in user's password after checking the current one; every other
    /// session of the user ends.
    pub async fn change_password(
        &self,
        session: &SessionContext,
        current_password: &str,
        new_password: &str,
    ) -> Result<(), AppError> {
        let user = {
            let mut conn = self.store().read().await?;
            users::get_user(&mut conn, &session.user.id).await?
        };
        let phc = user
            .password_hash
            .clone()
            .unwrap_or_else(|| decoy_hash().to_owned());
        if current_password.len() > PASSWORD_MAX_BYTES
            || !verify_password_blocking(current_password.to_owned(), phc).await?
        {
            return Err(AppError::invalid(
                "WRONG_PASSWORD",
                "the current password is not right",
            ));
        }
        check_new_password(new_password, &user.email)?;
        let hash = hash_password_blocking(new_password.to_owned()).await?;
        let mut tx = self.store().begin().await?;
        users::set_password_hash(&mut tx, &user.id, &hash).await?;
        users::delete_sessions_of_user(&mut tx, &user.id, Some(&session.token_hash)).await?;
        self.audit(
            &mut tx,
            None,
            &format!("user:{}", user.id),
            "user.password-change",
            Some(&user.id),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiter_counts_per_window() {
        let limiter = RateLimiter::default();
        assert_eq!(limiter.record("a", 60, 1000), 1);
        assert_eq!(limiter.record("a", 60, 1010), 2);
        assert_eq!(limiter.count("a", 60, 1059), 2);
        assert_eq!(limiter.count("a", 60, 1060), 0);
        assert_eq!(limiter.record("a", 60, 1060), 1);
        limiter.clear("a");
        assert_eq!(limiter.count("a", 60, 1061), 0);
        assert_eq!(limiter.count("b", 60, 1061), 0);
    }

    #[test]
    fn new_passwords_are_checked() {
        assert!(check_new_password("short", "a@b.org").is_err());
        assert!(check_new_password("a@b.org.xyz", "a@b.org.xyz").is_err());
        assert!(check_new_password(&"x".repeat(2000), "a@b.org").is_err());
        assert!(check_new_password("long enough pass", "a@b.org").is_ok());
    }
}
