//! Members invited by email and password resets: single-use, expiring 256-bit tokens stored as
//! SHA-256 in `one_time_tokens` and mailed as links. Accepting an invitation creates the account
//! (with a password) or adds the membership to an existing one. A reset request gets the same
//! answer, in the same time, whether or not the address has an account (PRIV-01): the lookup and
//! the mail happen after the answer.

use brevet_store::users::{self, MembershipRecord, OneTimeTokenRecord, UserRecord};
use brevet_store::{StoreError, orgs};
use serde::Serialize;

use crate::mail::OutgoingMail;
use crate::orgs::check_email;
use crate::sessions::{NewSession, check_new_password, hash_password_blocking};
use crate::{App, AppError, Principal, Role, ids};

/// How long an invitation link works.
pub const INVITATION_TTL_SECS: i64 = 7 * 24 * 3600;
/// How long a password reset link works.
pub const RESET_TTL_SECS: i64 = 3600;
/// Reset mails per address per hour, and reset requests per client address per hour.
const RESETS_PER_EMAIL: u32 = 3;
const RESETS_PER_CLIENT: u32 = 30;
const RESET_WINDOW_SECS: i64 = 3600;

const KIND_INVITE: &str = "invite";
const KIND_RESET: &str = "reset";

/// A pending invitation, as the members page lists it. `id` is the SHA-256 of the token (the
/// token itself is only in the mail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    pub role: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// What the invitation page shows before it is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvitationPreview {
    pub org_name: String,
    pub email: String,
    pub role: String,
    /// Whether an account with this email exists (then no password is asked for).
    pub has_account: bool,
}

/// What accepting an invitation did.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub org_id: String,
    /// A session for a new account (an existing account signs in with its own password).
    pub session: Option<NewSession>,
}

fn invalid_link(what: &str) -> AppError {
    AppError::invalid(
        "INVALID_LINK",
        format!("this {what} link is invalid, was already used or has expired"),
    )
}

impl App {
    /// The link of an invitation token.
    pub fn invitation_url(&self, token: &str) -> String {
        format!("{}/auth/invitation/{token}", self.config().base_url)
    }

    /// The link of a password reset token.
    pub fn password_reset_url(&self, token: &str) -> String {
        format!("{}/auth/reset/{token}", self.config().base_url)
    }

    /// Invites `email` into the principal's organisation with `role` (owners only) and mails the
    /// link. Refused when mail is not configured (nobody would get the link).
    pub async fn invite_member(
        &self,
        principal: &Principal,
        email: &str,
        role: Role,
    ) -> Result<InvitationView, AppError> {
        principal.require_owner()?;
        let email = check_email(email)?;
        let mailer = self.mailer().ok_or_else(|| {
            AppError::Unavailable(
                "mail is not configured on this server, so nobody would receive the invitation"
                    .to_owned(),
            )
        })?;
        let now = self.now_unix();
        let token = ids::new_secret("bri");
        let record = OneTimeTokenRecord {
            token_hash: ids::sha256_hex(&token),
            kind: KIND_INVITE.to_owned(),
            email: email.clone(),
            org_id: Some(principal.org_id.clone()),
            role: Some(role.as_str().to_owned()),
            created_at: now,
            expires_at: now + INVITATION_TTL_SECS,
            used_at: None,
        };
        let mut tx = self.store().begin().await?;
        let org = orgs::get(&mut tx, &principal.org_id).await?;
        if let Ok(user) = users::get_user_by_email(&mut tx, &email).await
            && users::membership(&mut tx, &org.id, &user.id).await.is_ok()
        {
            return Err(AppError::Conflict(
                "this person is already a member of the organisation".to_owned(),
            ));
        }
        users::insert_one_time_token(&mut tx, &record).await?;
        self.audit(
            &mut tx,
            Some(&org.id),
            &principal.actor,
            "member.invite",
            Some(&record.token_hash),
            Some(role.as_str()),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        let mail = OutgoingMail {
            to: email.clone(),
            subject: format!("You are invited to {} on Brevet", org.name),
            body: format!(
                "You have been invited to join {} on Brevet as {} {}.\n\n\
                 Accept the invitation here (the link works once, for 7 days):\n{}\n\n\
                 If you did not expect this, ignore this message.\n",
                org.name,
                article(role),
                role.as_str(),
                self.invitation_url(&token)
            ),
            html: None,
        };
        mailer.send(&mail).await.map_err(|error| {
            tracing::error!(%error, "the invitation mail could not be sent");
            AppError::Unavailable(
                "the invitation was created but its mail could not be sent; withdraw it and try again"
                    .to_owned(),
            )
        })?;
        Ok(InvitationView {
            id: record.token_hash,
            email,
            role: role.as_str().to_owned(),
            created_at: now,
            expires_at: record.expires_at,
        })
    }

    /// The organisation's pending invitations (any member may see them).
    pub async fn list_invitations(
        &self,
        principal: &Principal,
    ) -> Result<Vec<InvitationView>, AppError> {
        let mut conn = self.store().read().await?;
        Ok(
            users::pending_invitations(&mut conn, &principal.org_id, self.now_unix())
                .await?
                .into_iter()
                .map(|token| InvitationView {
                    id: token.token_hash,
                    email: token.email,
                    role: token.role.unwrap_or_default(),
                    created_at: token.created_at,
                    expires_at: token.expires_at,
                })
                .collect(),
        )
    }

    /// Withdraws a pending invitation (owners only); its link stops working at once.
    pub async fn withdraw_invitation(
        &self,
        principal: &Principal,
        invitation_id: &str,
    ) -> Result<(), AppError> {
        principal.require_owner()?;
        let mut tx = self.store().begin().await?;
        users::withdraw_invitation(&mut tx, &principal.org_id, invitation_id, self.now_unix())
            .await?;
        self.audit(
            &mut tx,
            Some(&principal.org_id),
            &principal.actor,
            "member.invite-withdraw",
            Some(invitation_id),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// What an invitation link is for (without using it).
    pub async fn invitation_preview(&self, token: &str) -> Result<InvitationPreview, AppError> {
        let mut conn = self.store().read().await?;
        let record = users::get_usable_token(
            &mut conn,
            &ids::sha256_hex(token),
            KIND_INVITE,
            self.now_unix(),
        )
        .await
        .map_err(|_| invalid_link("invitation"))?;
        let org_id = record.org_id.clone().unwrap_or_default();
        let org = orgs::get(&mut conn, &org_id).await?;
        let has_account = users::get_user_by_email(&mut conn, &record.email)
            .await
            .is_ok();
        Ok(InvitationPreview {
            org_name: org.name,
            email: record.email,
            role: record.role.unwrap_or_default(),
            has_account,
        })
    }

    /// Accepts an invitation: the token is used up; a new account gets `name` and `password`
    /// (required) and a session; an existing account just gains the membership.
    pub async fn accept_invitation(
        &self,
        token: &str,
        name: Option<&str>,
        password: Option<&str>,
    ) -> Result<Accepted, AppError> {
        let now = self.now_unix();
        let token_hash = ids::sha256_hex(token);
        let preview = self.invitation_preview(token).await?;
        // Hash before the transaction (argon2 is slow; the SQLite writer must not wait on it).
        let password_hash = if preview.has_account {
            None
        } else {
            let password = password.unwrap_or_default();
            check_new_password(password, &preview.email)?;
            Some(hash_password_blocking(password.to_owned()).await?)
        };
        let name = name
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned);
        if name.as_ref().is_some_and(|name| name.chars().count() > 200) {
            return Err(AppError::invalid(
                "INVALID_NAME",
                "the name is longer than 200 characters",
            ));
        }
        let mut tx = self.store().begin().await?;
        let record = users::consume_token(&mut tx, &token_hash, KIND_INVITE, now)
            .await
            .map_err(|_| invalid_link("invitation"))?;
        let org_id = record
            .org_id
            .clone()
            .ok_or_else(|| AppError::Internal("an invitation without organisation".to_owned()))?;
        let role = record
            .role
            .as_deref()
            .and_then(Role::parse)
            .ok_or_else(|| AppError::Internal("an invitation without a valid role".to_owned()))?;
        let (user, created) = match users::get_user_by_email(&mut tx, &record.email).await {
            Ok(user) => (user, false),
            Err(StoreError::NotFound) => {
                let password_hash = password_hash.ok_or_else(|| {
                    AppError::Conflict("the account was deleted meanwhile; try again".to_owned())
                })?;
                let user = UserRecord {
                    id: ids::new_id(),
                    email: record.email.clone(),
                    name: name.clone(),
                    password_hash: Some(password_hash),
                    created_at: now,
                };
                users::insert_user(&mut tx, &user).await?;
                (user, true)
            }
            Err(other) => return Err(other.into()),
        };
        match users::insert_membership(
            &mut tx,
            &MembershipRecord {
                org_id: org_id.clone(),
                user_id: user.id.clone(),
                role: role.as_str().to_owned(),
                created_at: now,
            },
        )
        .await
        {
            Ok(()) | Err(StoreError::Conflict(_)) => {}
            Err(other) => return Err(other.into()),
        }
        self.audit(
            &mut tx,
            Some(&org_id),
            &format!("user:{}", user.id),
            "member.join",
            Some(&user.id),
            Some(role.as_str()),
        )
        .await?;
        let session = if created {
            Some(self.insert_session(&mut tx, &user).await?)
        } else {
            None
        };
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Accepted { org_id, session })
    }

    /// Asks for a password reset mail. Answers the same way whether or not `email` has an
    /// account: the lookup and the mail happen in the background. `client` is the caller's
    /// address for the limiter; `Err` only for a malformed address or too many requests from
    /// one client.
    pub async fn request_password_reset(
        &self,
        email: &str,
        client: Option<&str>,
    ) -> Result<(), AppError> {
        let email = check_email(email)?;
        let now = self.now_unix();
        if let Some(client) = client
            && self
                .limiter()
                .record(&format!("reset-client:{client}"), RESET_WINDOW_SECS, now)
                > RESETS_PER_CLIENT
        {
            return Err(AppError::Unavailable(
                "too many requests; try again later".to_owned(),
            ));
        }
        let app = self.clone();
        tokio::spawn(async move {
            if let Err(error) = app.send_password_reset(&email).await {
                tracing::error!(%error, "a password reset could not be sent");
            }
        });
        Ok(())
    }

    async fn send_password_reset(&self, email: &str) -> Result<(), AppError> {
        let now = self.now_unix();
        if self
            .limiter()
            .record(&format!("reset-email:{email}"), RESET_WINDOW_SECS, now)
            > RESETS_PER_EMAIL
        {
            tracing::warn!("password reset mails to one address are being rate limited");
            return Ok(());
        }
        let user = {
            let mut conn = self.store().read().await?;
            match users::get_user_by_email(&mut conn, email).await {
                Ok(user) => user,
                Err(StoreError::NotFound) => return Ok(()),
                Err(other) => return Err(other.into()),
            }
        };
        let Some(mailer) = self.mailer() else {
            tracing::warn!("a password reset was asked for, but mail is not configured");
            return Ok(());
        };
        let token = ids::new_secret("brp");
        let mut tx = self.store().begin().await?;
        users::insert_one_time_token(
            &mut tx,
            &OneTimeTokenRecord {
                token_hash: ids::sha256_hex(&token),
                kind: KIND_RESET.to_owned(),
                email: user.email.clone(),
                org_id: None,
                role: None,
                created_at: now,
                expires_at: now + RESET_TTL_SECS,
                used_at: None,
            },
        )
        .await?;
        self.audit(
            &mut tx,
            None,
            "anonymous",
            "user.password-reset-request",
            Some(&user.id),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        mailer
            .send(&OutgoingMail {
                to: user.email,
                subject: "Reset your Brevet password".to_owned(),
                body: format!(
                    "Someone asked to reset the password of your Brevet account.\n\n\
                     Choose a new password here (the link works once, for one hour):\n{}\n\n\
                     If it was not you, ignore this message: your password stays as it is.\n",
                    self.password_reset_url(&token)
                ),
                html: None,
            })
            .await
            .map_err(|error| AppError::Unavailable(error.to_string()))
    }

    /// Whether a reset link is usable (the reset page checks before showing the form).
    pub async fn password_reset_is_valid(&self, token: &str) -> Result<(), AppError> {
        let mut conn = self.store().read().await?;
        users::get_usable_token(
            &mut conn,
            &ids::sha256_hex(token),
            KIND_RESET,
            self.now_unix(),
        )
        .await
        .map(|_| ())
        .map_err(|_| invalid_link("password reset"))
    }

    /// Sets a new password with a reset link: the link is used up, every other reset link of
    /// the address stops working, and every session of the account ends.
    pub async fn reset_password(&self, token: &str, new_password: &str) -> Result<(), AppError> {
        let now = self.now_unix();
        let token_hash = ids::sha256_hex(token);
        let email = {
            let mut conn = self.store().read().await?;
            users::get_usable_token(&mut conn, &token_hash, KIND_RESET, now)
                .await
                .map_err(|_| invalid_link("password reset"))?
                .email
        };
        check_new_password(new_password, &email)?;
        let hash = hash_password_blocking(new_password.to_owned()).await?;
        let mut tx = self.store().begin().await?;
        let record = users::consume_token(&mut tx, &token_hash, KIND_RESET, now)
            .await
            .map_err(|_| invalid_link("password reset"))?;
        let user = users::get_user_by_email(&mut tx, &record.email).await?;
        users::set_password_hash(&mut tx, &user.id, &hash).await?;
        users::expire_tokens_for_email(&mut tx, &record.email, KIND_RESET, now).await?;
        users::delete_sessions_of_user(&mut tx, &user.id, None).await?;
        self.audit(
            &mut tx,
            None,
            &format!("user:{}", user.id),
            "user.password-reset",
            Some(&user.id),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

fn article(role: Role) -> &'static str {
    match role {
        Role::Owner => "an",
        Role::Issuer | Role::Viewer => "a",
    }
}
