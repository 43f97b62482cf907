//! The members of an organisation: list them (any role), change a member's role or remove a
//! member (owner only). An organisation always keeps at least one owner: the last owner can be
//! neither demoted nor removed. The check and the change run under the organisation's row lock,
//! so two owners demoting each other at once cannot leave it without one. Inviting members is
//! another use case.

use brevet_store::users::{self, MemberRecord};
use brevet_store::{StoreError, orgs};
use serde::{Deserialize, Serialize};

use crate::{App, AppError, Principal, Role};

/// A member as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberView {
    pub user_id: String,
    pub email: String,
    pub name: Option<String>,
    pub role: String,
    /// When the user joined the organisation (unix seconds).
    pub joined_at: i64,
}

impl From<MemberRecord> for MemberView {
    fn from(record: MemberRecord) -> Self {
        MemberView {
            user_id: record.user_id,
            email: record.email,
            name: record.name,
            role: record.role,
            joined_at: record.created_at,
        }
    }
}

/// A role change: `{"role": "owner" | "issuer" | "viewer"}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberPatch {
    pub role: String,
}

const LAST_OWNER: &str =
    "an organisation needs at least one owner: make another member owner first";

impl App {
    /// The organisation's members, earliest first (any role).
    pub async fn list_members(&self, principal: &Principal) -> Result<Vec<MemberView>, AppError> {
        let mut conn = self.store().read().await?;
        Ok(users::members_of_org(&mut conn, &principal.org_id)
            .await?
            .into_iter()
            .map(MemberView::from)
            .collect())
    }

    /// Changes a member's role (owner only); refuses to demote the last owner.
    pub async fn set_member_role(
        &self,
        principal: &Principal,
        user_id: &str,
        patch: &MemberPatch,
    ) -> Result<MemberView, AppError> {
        principal.require_owner()?;
        let role = Role::parse(&patch.role).ok_or_else(|| {
            AppError::invalid(
                "INVALID_ROLE",
                format!(
                    "role: {:?} is not a role; use owner, issuer or viewer",
                    patch.role
                ),
            )
        })?;
        let mut tx = self.store().begin().await?;
        orgs::lock(&mut tx, &principal.org_id).await?;
        let mut member = users::member(&mut tx, &principal.org_id, user_id).await?;
        if member.role == role.as_str() {
            return Ok(member.into());
        }
        if member.role == Role::Owner.as_str()
            && users::count_with_role(&mut tx, &principal.org_id, Role::Owner.as_str()).await? <= 1
        {
            return Err(AppError::Conflict(LAST_OWNER.to_owned()));
        }
        users::set_role(&mut tx, &principal.org_id, user_id, role.as_str()).await?;
        let detail = format!("{} -> {}", member.role, role.as_str());
        self.audit(
            &mut tx,
            Some(&principal.org_id),
            &principal.actor,
            "member.role",
            Some(user_id),
            Some(&detail),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        member.role = role.as_str().to_owned();
        Ok(member.into())
    }

    /// Removes a member from the organisation (owner only); refuses to remove the last owner.
    /// The user's account stays.
    pub async fn remove_member(
        &self,
        principal: &Principal,
        user_id: &str,
    ) -> Result<(), AppError> {
        principal.require_owner()?;
        let mut tx = self.store().begin().await?;
        orgs::lock(&mut tx, &principal.org_id).await?;
        let member = users::member(&mut tx, &principal.org_id, user_id).await?;
        if member.role == Role::Owner.as_str()
            && users::count_with_role(&mut tx, &principal.org_id, Role::Owner.as_str()).await? <= 1
        {
            return Err(AppError::Conflict(LAST_OWNER.to_owned()));
        }
        users::delete_membership(&mut tx, &principal.org_id, user_id).await?;
        self.audit(
            &mut tx,
            Some(&principal.org_id),
            &principal.actor,
            "member.remove",
            Some(user_id),
            Some(&member.role),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
