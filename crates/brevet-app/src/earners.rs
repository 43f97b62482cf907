//! Earner accounts without passwords. An earner signs in with a single-use link mailed to an
//! address: the claim link sent with an award (7 days), or a sign-in link asked for on the
//! wallet's sign-in page (1 hour). Using one proves the address: it signs in to the wallet that
//! holds the address, or opens a new wallet for it. A signed-in earner adds another address by
//! a verification link (24 hours) that works only in a browser signed in to the same wallet.
//!
//! Links are 256-bit secrets stored as SHA-256 in `wallet_tokens`, consumed atomically.
//! Wallet sessions work like dashboard sessions (SHA-256 of a 256-bit cookie, idle and absolute
//! expiry, a CSRF synchronizer token) in their own table and cookie. Asking for a sign-in link
//! gets the same answer whether or not the address has a wallet or credentials (PRIV-01): the
//! lookup and the mail happen after the answer. Logs and audit entries name earners by their
//! random id, never by address.

use brevet_store::earners::{
    self, EarnerEmailRecord, EarnerRecord, EarnerSessionRecord, WalletTokenRecord,
};
use brevet_store::{AnyConnection, StoreError};

use crate::mail::OutgoingMail;
use crate::orgs::check_email;
use crate::sessions::{NewSession, SESSION_IDLE_SECS, SESSION_MAX_SECS};
use crate::{App, AppError, ids};

/// How long the claim link of an award works.
pub const CLAIM_TTL_SECS: i64 = 7 * 24 * 3600;
/// How long a sign-in link works.
pub const SIGNIN_TTL_SECS: i64 = 3600;
/// How long a link that adds an address to a wallet works.
pub const ADD_EMAIL_TTL_SECS: i64 = 24 * 3600;

/// `purpose` of the link mailed with an award.
pub const PURPOSE_CLAIM: &str = "claim";
/// `purpose` of a link asked for on the sign-in page.
pub const PURPOSE_SIGNIN: &str = "signin";
/// `purpose` of a link that adds an address to the wallet that asked.
pub const PURPOSE_ADD_EMAIL: &str = "add-email";

/// Sign-in mails per address, and sign-in requests per client address, per hour; addresses a
/// wallet may ask to add per hour.
const SIGNIN_MAILS_PER_EMAIL: u32 = 3;
const SIGNIN_REQUESTS_PER_CLIENT: u32 = 30;
const ADDITIONS_PER_EARNER: u32 = 10;
const LIMIT_WINDOW_SECS: i64 = 3600;
/// The idle expiry is written again only when it moved by more than this.
const TOUCH_AFTER_SECS: i64 = 300;

/// A signed-in earner, as a request sees them.
#[derive(Debug, Clone)]
pub struct EarnerSession {
    token_hash: String,
    pub earner_id: String,
    pub csrf_token: String,
    /// The proven addresses of the wallet, in the order they were proven.
    pub emails: Vec<String>,
}

impl EarnerSession {
    /// Whether `candidate` is this session's CSRF token (constant time).
    pub fn csrf_matches(&self, candidate: &str) -> bool {
        !candidate.is_empty() && ids::constant_time_eq(&self.csrf_token, candidate)
    }

    /// The actor named in the audit log.
    pub fn actor(&self) -> String {
        format!("earner:{}", self.earner_id)
    }
}

/// What a wallet link is for, before it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// A claim link or a sign-in link: using it signs in.
    SignIn,
    /// A link that adds an address to a wallet.
    AddEmail,
}

/// What asking to add an address did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddEmailOutcome {
    /// A verification link is on its way (or the request was quietly dropped: the answer is
    /// the same).
    LinkSent,
    /// The address is already one of this wallet's.
    AlreadyYours,
}

fn invalid_link() -> AppError {
    AppError::invalid(
        "INVALID_LINK",
        "this link is invalid, was already used or has expired; ask for a new sign-in link",
    )
}

impl App {
    /// The page a wallet link opens.
    pub fn wallet_link_url(&self, token: &str) -> String {
        format!("{}/wallet/link/{token}", self.config().base_url)
    }

    /// Creates a single-use link for `email` (inside the caller's transaction); returns the
    /// secret to mail.
    pub(crate) async fn insert_wallet_token(
        &self,
        conn: &mut AnyConnection,
        purpose: &str,
        email: &str,
        earner_id: Option<&str>,
        credential_id: Option<&str>,
        ttl_secs: i64,
    ) -> Result<String, AppError> {
        self.forget_expired_tokens(conn).await?;
        let (token, record) =
            self.new_wallet_token(purpose, email, earner_id, credential_id, ttl_secs);
        earners::insert_token(conn, &record).await?;
        Ok(token)
    }

    /// A new single-use link: the secret to mail, and the record (its SHA-256) to store.
    pub(crate) fn new_wallet_token(
        &self,
        purpose: &str,
        email: &str,
        earner_id: Option<&str>,
        credential_id: Option<&str>,
        ttl_secs: i64,
    ) -> (String, WalletTokenRecord) {
        let now = self.now_unix();
        let token = ids::new_secret("brw");
        let record = WalletTokenRecord {
            token_hash: ids::sha256_hex(&token),
            purpose: purpose.to_owned(),
            email: email.to_owned(),
            earner_id: earner_id.map(str::to_owned),
            credential_id: credential_id.map(str::to_owned),
            created_at: now,
            expires_at: now + ttl_secs,
            used_at: None,
        };
        (token, record)
    }

    /// Housekeeping: links that expired a week ago are forgotten, at most once an hour per
    /// process (the delete scans the table, so it is not run for every link).
    async fn forget_expired_tokens(&self, conn: &mut AnyConnection) -> Result<(), AppError> {
        use std::sync::atomic::Ordering;
        let now = self.now_unix();
        let last = self.inner.tokens_forgotten_at.load(Ordering::Relaxed);
        if now - last < 3600
            || self
                .inner
                .tokens_forgotten_at
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return Ok(());
        }
        earners::delete_expired_tokens(conn, now - 7 * 24 * 3600).await?;
        Ok(())
    }

    /// What a wallet link is for, without using it; an unknown, used or expired link is
    /// `INVALID_LINK`.
    pub async fn wallet_link_kind(&self, token: &str) -> Result<LinkKind, AppError> {
        let mut conn = self.store().read().await?;
        let record = earners::get_usable_token(&mut conn, &ids::sha256_hex(token), self.now_unix())
            .await
            .map_err(|_| invalid_link())?;
        match record.purpose.as_str() {
            PURPOSE_CLAIM | PURPOSE_SIGNIN => Ok(LinkKind::SignIn),
            PURPOSE_ADD_EMAIL => Ok(LinkKind::AddEmail),
            _ => Err(invalid_link()),
        }
    }

    /// Uses a claim or sign-in link: signs in to the wallet that holds its address, or opens
    /// a new wallet for it. The link works once.
    pub async fn sign_in_with_link(&self, token: &str) -> Result<NewSession, AppError> {
        let now = self.now_unix();
        let mut tx = self.store().begin().await?;
        let record = earners::consume_token(&mut tx, &ids::sha256_hex(token), now)
            .await
            .map_err(|_| invalid_link())?;
        if record.purpose != PURPOSE_CLAIM && record.purpose != PURPOSE_SIGNIN {
            return Err(invalid_link());
        }
        let (earner_id, created) = match earners::email_owner(&mut tx, &record.email).await {
            Ok(owner) => (owner.earner_id, false),
            Err(StoreError::NotFound) => {
                let earner = EarnerRecord {
                    id: ids::new_id(),
                    created_at: now,
                };
                earners::insert_earner(&mut tx, &earner).await?;
                earners::insert_email(
                    &mut tx,
                    &EarnerEmailRecord {
                        email: record.email.clone(),
                        earner_id: earner.id.clone(),
                        verified_at: now,
                    },
                )
                .await?;
                (earner.id, true)
            }
            Err(other) => return Err(other.into()),
        };
        self.sync_wallet(&mut tx, &earner_id).await?;
        let session = self.insert_earner_session(&mut tx, &earner_id).await?;
        self.audit(
            &mut tx,
            None,
            &format!("earner:{earner_id}"),
            if created {
                "earner.create"
            } else {
                "earner.signin"
            },
            record.credential_id.as_deref(),
            Some(&record.purpose),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(session)
    }

    async fn insert_earner_session(
        &self,
        conn: &mut AnyConnection,
        earner_id: &str,
    ) -> Result<NewSession, AppError> {
        let now = self.now_unix();
        earners::delete_expired_sessions(conn, now).await?;
        let token = ids::new_secret("brws");
        let csrf_token = ids::new_secret("csrf");
        earners::insert_session(
            conn,
            &EarnerSessionRecord {
                token_hash: ids::sha256_hex(&token),
                earner_id: earner_id.to_owned(),
                csrf_token: csrf_token.clone(),
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

    /// The wallet session of a cookie value; an unknown, idle or too old one is unauthorised.
    pub async fn earner_session(&self, token: &str) -> Result<EarnerSession, AppError> {
        let ended = || AppError::Unauthorized("the wallet session has ended".to_owned());
        let now = self.now_unix();
        let token_hash = ids::sha256_hex(token);
        let mut conn = self.store().read().await?;
        let record = match earners::get_session(&mut conn, &token_hash).await {
            Ok(record) => record,
            Err(StoreError::NotFound) => return Err(ended()),
            Err(other) => return Err(other.into()),
        };
        if record.expires_at <= now || now - record.created_at >= SESSION_MAX_SECS {
            return Err(ended());
        }
        let emails = earners::emails_of_earner(&mut conn, &record.earner_id)
            .await?
            .into_iter()
            .map(|email| email.email)
            .collect();
        drop(conn);
        let idle_expiry = (now + SESSION_IDLE_SECS).min(record.created_at + SESSION_MAX_SECS);
        if idle_expiry - record.expires_at > TOUCH_AFTER_SECS {
            let mut tx = self.store().begin().await?;
            earners::touch_session(&mut tx, &token_hash, idle_expiry).await?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        Ok(EarnerSession {
            token_hash,
            earner_id: record.earner_id,
            csrf_token: record.csrf_token,
            emails,
        })
    }

    /// Signs out of the wallet.
    pub async fn wallet_sign_out(&self, session: &EarnerSession) -> Result<(), AppError> {
        let mut tx = self.store().begin().await?;
        earners::delete_session(&mut tx, &session.token_hash).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Asks for a sign-in link. Answers the same whether or not `email` has a wallet or
    /// credentials: the lookup and the mail happen in the background, and a link is mailed
    /// only to an address that has a wallet or was sent a credential. `Err` only for a
    /// malformed address or too many requests from one client.
    pub async fn request_wallet_link(
        &self,
        email: &str,
        client: Option<&str>,
    ) -> Result<(), AppError> {
        let email = check_email(email)?;
        let now = self.now_unix();
        if let Some(client) = client
            && self.limiter().record(
                &format!("wallet-link-client:{client}"),
                LIMIT_WINDOW_SECS,
                now,
            ) > SIGNIN_REQUESTS_PER_CLIENT
        {
            return Err(AppError::Unavailable(
                "too many requests; try again later".to_owned(),
            ));
        }
        let app = self.clone();
        tokio::spawn(async move {
            if let Err(error) = app.send_wallet_link(&email).await {
                tracing::error!(%error, "a wallet sign-in link could not be sent");
            }
        });
        Ok(())
    }

    async fn send_wallet_link(&self, email: &str) -> Result<(), AppError> {
        let now = self.now_unix();
        if self.limiter().record(
            &format!("wallet-link-email:{email}"),
            LIMIT_WINDOW_SECS,
            now,
        ) > SIGNIN_MAILS_PER_EMAIL
        {
            tracing::warn!("wallet sign-in mails to one address are being rate limited");
            return Ok(());
        }
        let known = {
            let mut conn = self.store().read().await?;
            match earners::email_owner(&mut conn, email).await {
                Ok(_) => true,
                Err(StoreError::NotFound) => {
                    earners::has_credentials_for_email(&mut conn, email).await?
                }
                Err(other) => return Err(other.into()),
            }
        };
        if !known {
            return Ok(());
        }
        let Some(mailer) = self.mailer() else {
            tracing::warn!("a wallet sign-in link was asked for, but mail is not configured");
            return Ok(());
        };
        let mut tx = self.store().begin().await?;
        let token = self
            .insert_wallet_token(&mut tx, PURPOSE_SIGNIN, email, None, None, SIGNIN_TTL_SECS)
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        let link = self.wallet_link_url(&token);
        mailer
            .send(&OutgoingMail::text(
                email,
                "Your Brevet wallet sign-in link",
                format!(
                    "Open your Brevet wallet with this link (it works once, for one hour):\n{link}\n\n\
                     If you did not ask for it, ignore this message.\n"
                ),
            ))
            .await
            .map_err(|error| AppError::Unavailable(error.to_string()))
    }

    /// Asks to add `email` to the signed-in wallet: a verification link is mailed to it in the
    /// background. The answer does not say whether the address belongs to another wallet.
    pub async fn request_email_addition(
        &self,
        session: &EarnerSession,
        email: &str,
    ) -> Result<AddEmailOutcome, AppError> {
        let email = check_email(email)?;
        if session.emails.contains(&email) {
            return Ok(AddEmailOutcome::AlreadyYours);
        }
        let now = self.now_unix();
        if self.limiter().record(
            &format!("wallet-add-email:{}", session.earner_id),
            LIMIT_WINDOW_SECS,
            now,
        ) > ADDITIONS_PER_EARNER
        {
            return Err(AppError::Unavailable(
                "too many addresses asked for; try again later".to_owned(),
            ));
        }
        let app = self.clone();
        let earner_id = session.earner_id.clone();
        tokio::spawn(async move {
            if let Err(error) = app.send_email_verification(&earner_id, &email).await {
                tracing::error!(%error, "an address verification link could not be sent");
            }
        });
        Ok(AddEmailOutcome::LinkSent)
    }

    async fn send_email_verification(&self, earner_id: &str, email: &str) -> Result<(), AppError> {
        let Some(mailer) = self.mailer() else {
            tracing::warn!("an address verification was asked for, but mail is not configured");
            return Ok(());
        };
        let mut tx = self.store().begin().await?;
        let token = self
            .insert_wallet_token(
                &mut tx,
                PURPOSE_ADD_EMAIL,
                email,
                Some(earner_id),
                None,
                ADD_EMAIL_TTL_SECS,
            )
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        let link = self.wallet_link_url(&token);
        mailer
            .send(&OutgoingMail::text(
                email,
                "Confirm your address for your Brevet wallet",
                format!(
                    "Someone asked to add this address to a Brevet wallet, so that credentials \
                     sent to it are kept there.\n\n\
                     To confirm, open this link in the browser where you are signed in to that \
                     wallet (it works once, for 24 hours):\n{link}\n\n\
                     If it was not you, ignore this message: nothing changes.\n"
                ),
            ))
            .await
            .map_err(|error| AppError::Unavailable(error.to_string()))
    }

    /// Uses an address verification link: the address joins the signed-in wallet, which must
    /// be the wallet that asked. Refused (and the link stays usable) when another wallet
    /// already holds the address. Returns the address.
    pub async fn confirm_email_addition(
        &self,
        session: &EarnerSession,
        token: &str,
    ) -> Result<String, AppError> {
        let now = self.now_unix();
        let token_hash = ids::sha256_hex(token);
        let mut tx = self.store().begin().await?;
        let record = earners::get_usable_token(&mut tx, &token_hash, now)
            .await
            .map_err(|_| invalid_link())?;
        if record.purpose != PURPOSE_ADD_EMAIL
            || record.earner_id.as_deref() != Some(session.earner_id.as_str())
        {
            return Err(invalid_link());
        }
        match earners::email_owner(&mut tx, &record.email).await {
            Ok(owner) if owner.earner_id == session.earner_id => {}
            Ok(_) => {
                return Err(AppError::Conflict(
                    "this address already belongs to another Brevet wallet: sign in with it \
                     to use that wallet"
                        .to_owned(),
                ));
            }
            Err(StoreError::NotFound) => {
                earners::insert_email(
                    &mut tx,
                    &EarnerEmailRecord {
                        email: record.email.clone(),
                        earner_id: session.earner_id.clone(),
                        verified_at: now,
                    },
                )
                .await?;
            }
            Err(other) => return Err(other.into()),
        }
        earners::consume_token(&mut tx, &token_hash, now)
            .await
            .map_err(|_| invalid_link())?;
        self.sync_wallet(&mut tx, &session.earner_id).await?;
        self.audit(
            &mut tx,
            None,
            &session.actor(),
            "earner.email-add",
            None,
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(record.email)
    }

    /// Deletes the signed-in earner's account and data: addresses, sessions, links, wallet
    /// items, visibility choices and collections. The issuers' credentials stay issued and
    /// verifiable.
    pub async fn delete_earner(&self, session: &EarnerSession) -> Result<(), AppError> {
        let mut tx = self.store().begin().await?;
        if !earners::delete_earner(&mut tx, &session.earner_id).await? {
            return Err(AppError::NotFound);
        }
        self.audit(&mut tx, None, &session.actor(), "earner.delete", None, None)
            .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
