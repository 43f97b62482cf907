//! Organisation settings: its public identity (name, DID, DID document) for every member, and
//! for owners the signing key rotation (the retired key stays in the DID document, so credentials
//! it signed keep verifying).

use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde_json::json;

use super::keys::CsrfForm;
use super::signin::DoneQuery;
use super::{OrPage, PageResult, bad_form, guard, notice, principal, render, see_other};
use crate::state::AppState;
use crate::web::session::Session;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/settings", get(settings))
        .route("/dashboard/settings/rotate-key", post(rotate_key))
}

async fn settings(
    State(state): State<AppState>,
    Session(session): Session,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let principal = principal(&state, &session)?;
    let org = state
        .app
        .org(&principal.org_id)
        .await
        .or_page(&state, &session)?;
    Ok(render(
        &state,
        &session,
        StatusCode::OK,
        "dashboard/settings.html",
        "settings",
        json!({
            "title": "Organisation settings",
            "notice": notice(query.done.as_deref()),
            "settings": {
                "name": org.name,
                "slug": org.slug,
                "did": state.app.did_for_slug(&org.slug),
                "did_document": format!("/{}/did.json", org.slug),
            },
        }),
    ))
}

async fn rotate_key(
    State(state): State<AppState>,
    Session(session): Session,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    let principal = guard(&state, &headers, &session, &form.csrf)?;
    state
        .app
        .rotate_signing_key(&principal)
        .await
        .or_page(&state, &session)?;
    Ok(see_other("/dashboard/settings?done=rotated"))
}
