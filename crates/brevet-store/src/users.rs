//! People: user accounts (argon2 password hashes), their memberships and roles in organisations,
//! login sessions, and single-use tokens (invitations, password resets).

use sqlx::{AnyConnection, FromRow};

use crate::StoreError;

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    pub email: String,
    pub name: Option<String>,
    pub password_hash: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct MembershipRecord {
    pub org_id: String,
    pub user_id: String,
    /// `owner`, `issuer` or `viewer`.
    pub role: String,
    pub created_at: i64,
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

/// A member of an organisation: the membership and the user's email and name.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct MemberRecord {
    pub user_id: String,
    pub email: String,
    pub name: Option<String>,
    pub role: String,
    /// When the user joined the organisation.
    pub created_at: i64,
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
