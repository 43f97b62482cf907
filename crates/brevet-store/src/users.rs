//! People: user accounts (argon2 password hashes), their memberships and roles in organisations,
//! login sessions, and single-use tokens (invitations, password resets).

use sqlx::AnyConnection;

use crate::StoreError;

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct UserRecord {
        pub id: String,
        pub email: String,
        pub name: Option<String>,
        pub password_hash: Option<String>,
        pub created_at: i64,
    }
}

row! {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct MembershipRecord {
        pub org_id: String,
        pub user_id: String,
        /// `owner`, `issuer` or `viewer`.
        pub role: String,
        pub created_at: i64,
    }
}

pub async fn insert_user(conn: &mut AnyConnection, user: &UserRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&user.id)
    .bind(&user.email)
    .bind(&user.name)
    .bind(&user.password_hash)
    .bind(user.created_at)
    .execute(conn)
    .await
    .map_err(|error| StoreError::conflict_on(error, "a user with this email exists"))?;
    Ok(())
}

pub async fn get_user_by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<UserRecord, StoreError> {
    sqlx::query_as::<_, UserRecord>(
        "SELECT id, email, name, password_hash, created_at FROM users WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn get_user(conn: &mut AnyConnection, id: &str) -> Result<UserRecord, StoreError> {
    sqlx::query_as::<_, UserRecord>(
        "SELECT id, email, name, password_hash, created_at FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn set_password_hash(
    conn: &mut AnyConnection,
    user_id: &str,
    password_hash: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(user_id)
        .bind(password_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert_membership(
    conn: &mut AnyConnection,
    membership: &MembershipRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&membership.org_id)
    .bind(&membership.user_id)
    .bind(&membership.role)
    .bind(membership.created_at)
    .execute(conn)
    .await
    .map_err(|error| StoreError::conflict_on(error, "already a member"))?;
    Ok(())
}

/// The organisations a user belongs to.
pub async fn memberships_of_user(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<Vec<MembershipRecord>, StoreError> {
    Ok(sqlx::query_as::<_, MembershipRecord>(
        "SELECT org_id, user_id, role, created_at FROM memberships WHERE user_id = $1 ORDER BY created_at",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

/// A user's membership of one organisation.
pub async fn membership(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
) -> Result<MembershipRecord, StoreError> {
    sqlx::query_as::<_, MembershipRecord>(
        "SELECT org_id, user_id, role, created_at FROM memberships WHERE org_id = $1 AND user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn set_user_name(
    conn: &mut AnyConnection,
    user_id: &str,
    name: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET name = $2 WHERE id = $1")
        .bind(user_id)
        .bind(name)
        .execute(conn)
        .await?;
    Ok(())
}

row! {
    /// A login session: the cookie's token is stored only as its SHA-256.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct SessionRecord {
        pub token_hash: String,
        pub user_id: String,
        /// The synchronizer token every state-changing form must carry.
        pub csrf_token: String,
        /// The organisation the user is working in (the dashboard's switcher).
        pub org_id: Option<String>,
        pub created_at: i64,
        /// The idle expiry, moved forward while the session is used.
        pub expires_at: i64,
    }
}

pub async fn insert_session(
    conn: &mut AnyConnection,
    session: &SessionRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, org_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&session.token_hash)
    .bind(&session.user_id)
    .bind(&session.csrf_token)
    .bind(&session.org_id)
    .bind(session.created_at)
    .bind(session.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get_session(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<SessionRecord, StoreError> {
    sqlx::query_as::<_, SessionRecord>(
        "SELECT token_hash, user_id, csrf_token, org_id, created_at, expires_at FROM sessions \
         WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// Moves a session's idle expiry.
pub async fn touch_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    expires_at: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET expires_at = $2 WHERE token_hash = $1")
        .bind(token_hash)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets the organisation a session works in.
pub async fn set_session_org(
    conn: &mut AnyConnection,
    token_hash: &str,
    org_id: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET org_id = $2 WHERE token_hash = $1")
        .bind(token_hash)
        .bind(org_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_session(conn: &mut AnyConnection, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of a user except `keep` (a password change or reset).
pub async fn delete_sessions_of_user(
    conn: &mut AnyConnection,
    user_id: &str,
    keep: Option<&str>,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Deletes sessions whose idle expiry has passed.
pub async fn delete_expired_sessions(
    conn: &mut AnyConnection,
    now: i64,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

row! {
    /// A single-use secret sent by email: an invitation (`kind` = `invite`, with organisation and
    /// role) or a password reset (`kind` = `reset`). Stored only as the SHA-256 of the token.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct OneTimeTokenRecord {
        pub token_hash: String,
        pub kind: String,
        pub email: String,
        pub org_id: Option<String>,
        pub role: Option<String>,
        pub created_at: i64,
        pub expires_at: i64,
        pub used_at: Option<i64>,
    }
}

const TOKEN_COLUMNS: &str =
    "token_hash, kind, email, org_id, role, created_at, expires_at, used_at";

pub async fn insert_one_time_token(
    conn: &mut AnyConnection,
    token: &OneTimeTokenRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO one_time_tokens (token_hash, kind, email, org_id, role, created_at, expires_at, used_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&token.token_hash)
    .bind(&token.kind)
    .bind(&token.email)
    .bind(&token.org_id)
    .bind(&token.role)
    .bind(token.created_at)
    .bind(token.expires_at)
    .bind(token.used_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A token of `kind` that is unused and not expired at `now`.
pub async fn get_usable_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    kind: &str,
    now: i64,
) -> Result<OneTimeTokenRecord, StoreError> {
    sqlx::query_as::<_, OneTimeTokenRecord>(sqlx::AssertSqlSafe(format!(
        "SELECT {TOKEN_COLUMNS} FROM one_time_tokens WHERE token_hash = $1 AND kind = $2 \
         AND used_at IS NULL AND expires_at > $3"
    )))
    .bind(token_hash)
    .bind(kind)
    .bind(now)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// Marks a token used, atomically: only one caller ever succeeds; a used, expired or unknown
/// token is not found.
pub async fn consume_token(
    conn: &mut AnyConnection,
    token_hash: &str,
    kind: &str,
    now: i64,
) -> Result<OneTimeTokenRecord, StoreError> {
    let token = get_usable_token(conn, token_hash, kind, now).await?;
    let done = sqlx::query(
        "UPDATE one_time_tokens SET used_at = $3 WHERE token_hash = $1 AND kind = $2 \
         AND used_at IS NULL AND expires_at > $3",
    )
    .bind(token_hash)
    .bind(kind)
    .bind(now)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(token)
}

/// An organisation's pending (unused, unexpired) invitations, newest first.
pub async fn pending_invitations(
    conn: &mut AnyConnection,
    org_id: &str,
    now: i64,
) -> Result<Vec<OneTimeTokenRecord>, StoreError> {
    Ok(
        sqlx::query_as::<_, OneTimeTokenRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM one_time_tokens WHERE org_id = $1 AND kind = 'invite' \
         AND used_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, token_hash"
        )))
        .bind(org_id)
        .bind(now)
        .fetch_all(conn)
        .await?,
    )
}

/// Withdraws a pending invitation of `org_id` (it can no longer be accepted).
pub async fn withdraw_invitation(
    conn: &mut AnyConnection,
    org_id: &str,
    token_hash: &str,
    now: i64,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE one_time_tokens SET used_at = $3, expires_at = $3 WHERE token_hash = $1 \
         AND org_id = $2 AND kind = 'invite' AND used_at IS NULL",
    )
    .bind(token_hash)
    .bind(org_id)
    .bind(now)
    .execute(conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Invalidates every unused token of `kind` for `email` (an older reset link after a new one
/// was used).
pub async fn expire_tokens_for_email(
    conn: &mut AnyConnection,
    email: &str,
    kind: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE one_time_tokens SET expires_at = $3 WHERE email = $1 AND kind = $2 \
         AND used_at IS NULL AND expires_at > $3",
    )
    .bind(email)
    .bind(kind)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

row! {
    /// A member of an organisation: the membership and the user's email and name.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct MemberRecord {
        pub user_id: String,
        pub email: String,
        pub name: Option<String>,
        pub role: String,
        /// When the user joined the organisation.
        pub created_at: i64,
    }
}

const MEMBER_SELECT: &str = "SELECT m.user_id, u.email, u.name, m.role, m.created_at \
     FROM memberships m JOIN users u ON u.id = m.user_id";

/// The members of an organisation, earliest first.
pub async fn members_of_org(
    conn: &mut AnyConnection,
    org_id: &str,
) -> Result<Vec<MemberRecord>, StoreError> {
    Ok(
        sqlx::query_as::<_, MemberRecord>(sqlx::AssertSqlSafe(format!(
            "{MEMBER_SELECT} WHERE m.org_id = $1 ORDER BY m.created_at, m.user_id"
        )))
        .bind(org_id)
        .fetch_all(conn)
        .await?,
    )
}

/// One member of an organisation (a user who is not a member is not found).
pub async fn member(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
) -> Result<MemberRecord, StoreError> {
    sqlx::query_as::<_, MemberRecord>(sqlx::AssertSqlSafe(format!(
        "{MEMBER_SELECT} WHERE m.org_id = $1 AND m.user_id = $2"
    )))
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// How many members of the organisation have `role`.
pub async fn count_with_role(
    conn: &mut AnyConnection,
    org_id: &str,
    role: &str,
) -> Result<i64, StoreError> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = $2")
            .bind(org_id)
            .bind(role)
            .fetch_one(conn)
            .await?;
    Ok(count)
}

/// Changes a member's role.
pub async fn set_role(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
    role: &str,
) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE memberships SET role = $3 WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .bind(role)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Removes a member from an organisation (the user account stays).
pub async fn delete_membership(
    conn: &mut AnyConnection,
    org_id: &str,
    user_id: &str,
) -> Result<(), StoreError> {
    let done = sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
