//! Members and invitations: every member sees who belongs to the organisation and who is
//! invited; owners invite by email (with a role) and withdraw invitations.

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Form, Router};
use brevet_app::{AppError, Role};
use serde::Deserialize;
use serde_json::{Value, json};

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
}

async fn members(
    State(state): State<AppState>,
    Session(session): Session,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let principal = principal(&state, &session)?;
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
