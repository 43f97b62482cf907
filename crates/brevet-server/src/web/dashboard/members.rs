//! Members and invitations: every member sees who belongs to the organisation and who is
//! invited; owners invite by email (with a role), withdraw invitations, change roles and remove
//! members (the last owner stays: the use case refuses).

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Form, Router};
use brevet_app::members::MemberPatch;
use brevet_app::{AppError, Role};
use serde::Deserialize;
use serde_json::{Value, json};

use super::credentials::url_segment;
use super::keys::CsrfForm;
use super::signin::DoneQuery;
use super::{OrPage, PageResult, bad_form, guard, notice, principal, render, see_other, when};
use crate::state::AppState;
use crate::web::session::Session;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/members", get(members))
        .route("/dashboard/members/invite", post(invite))
        .route(
            "/dashboard/invitations/{id}/withdraw",
            post(withdraw_invitation),
        )
        .route("/dashboard/members/{user_id}/role", post(change_role))
        .route("/dashboard/members/{user_id}/remove", post(remove))
}

async fn members(
    State(state): State<AppState>,
    Session(session): Session,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let principal = principal(&state, &session)?;
    let members: Vec<Value> = state
        .app
        .list_members(&principal)
        .await
        .or_page(&state, &session)?
        .into_iter()
        .map(|member| {
            json!({
                "path_id": url_segment(&member.user_id),
                "is_me": member.user_id == session.user.id,
                "email": member.email,
                "name": member.name,
                "role": member.role,
                "joined": when(member.joined_at),
            })
        })
        .collect();
    let invitations: Vec<Value> = state
        .app
        .list_invitations(&principal)
        .await
        .or_page(&state, &session)?
        .into_iter()
        .map(|invitation| {
            json!({
                "id": invitation.id,
                "email": invitation.email,
                "role": invitation.role,
                "sent": when(invitation.created_at),
                "expires": when(invitation.expires_at),
            })
        })
        .collect();
    Ok(render(
        &state,
        &session,
        StatusCode::OK,
        "dashboard/members.html",
        "members",
        json!({
            "title": "Members",
            "members": members,
            "invitations": invitations,
            "notice": notice(query.done.as_deref()),
        }),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    pub csrf: String,
    pub email: String,
    pub role: String,
}

async fn invite(
    State(state): State<AppState>,
    Session(session): Session,
    headers: HeaderMap,
    form: Result<Form<InviteForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    let principal = guard(&state, &headers, &session, &form.csrf)?;
    let role = Role::parse(&form.role)
        .ok_or_else(|| {
            AppError::invalid("INVALID_ROLE", "the role must be owner, issuer or viewer")
        })
        .or_page(&state, &session)?;
    state
        .app
        .invite_member(&principal, &form.email, role)
        .await
        .or_page(&state, &session)?;
    Ok(see_other("/dashboard/members?done=invited"))
}

async fn withdraw_invitation(
    State(state): State<AppState>,
    Session(session): Session,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    let principal = guard(&state, &headers, &session, &form.csrf)?;
    state
        .app
        .withdraw_invitation(&principal, &id)
        .await
        .or_page(&state, &session)?;
    Ok(see_other("/dashboard/members?done=withdrawn"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    pub csrf: String,
    pub role: String,
}

async fn change_role(
    State(state): State<AppState>,
    Session(session): Session,
    Path(user_id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<RoleForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    let principal = guard(&state, &headers, &session, &form.csrf)?;
    state
        .app
        .set_member_role(&principal, &user_id, &MemberPatch { role: form.role })
        .await
        .or_page(&state, &session)?;
    Ok(see_other("/dashboard/members?done=role-changed"))
}

async fn remove(
    State(state): State<AppState>,
    Session(session): Session,
    Path(user_id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    let principal = guard(&state, &headers, &session, &form.csrf)?;
    state
        .app
        .remove_member(&principal, &user_id)
        .await
        .or_page(&state, &session)?;
    Ok(see_other("/dashboard/members?done=removed"))
}
