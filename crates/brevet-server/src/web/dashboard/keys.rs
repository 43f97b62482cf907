//! API keys and OAuth clients of the organisation: lists for every member; creating (the
//! secret is shown once, on the answer to the form, never again) and revoking for owners.

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Form, Router};
use brevet_app::{AppError, Role};
use serde::Deserialize;
use serde_json::{Value, json};

use super::credentials::url_segment;
use super::signin::DoneQuery;
use super::{OrPage, PageResult, bad_form, guard, notice, principal, render, see_other, when};
use crate::state::AppState;
use crate::web::session::Session;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/api-keys", get(api_keys).post(create_api_key))
        .route("/dashboard/api-keys/{id}/revoke", post(revoke_api_key))
        .route(
            "/dashboard/oauth-clients",
            get(oauth_clients).post(create_oauth_client),
        )
        .route(
            "/dashboard/oauth-clients/{id}/revoke",
            post(revoke_oauth_client),
        )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreateForm {
    pub csrf: String,
    pub name: String,
    pub role: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    pub csrf: String,
}

fn parse_role(role: &str) -> Result<Role, AppError> {
    Role::parse(role).ok_or_else(|| {
        AppError::invalid("INVALID_ROLE", "the role must be owner, issuer or viewer")
    })
}

async fn api_keys(
    State(state): State<AppState>,
    Session(session): Session,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let principal = principal(&state, &session)?;
    let keys: Vec<Value> = state
        .app
        .list_api_keys(&principal)
        .await
        .or_page(&state, &session)?
        .into_iter()
        .map(|key| {
            json!({
                "id": key.id,
                "name": key.name,
                "prefix": key.prefix,
                "role": key.role,
                "created": when(key.created_at),
                "revoked": key.revoked_at.map(when),
            })
        })
        .collect();
    Ok(render(
        &state,
        &session,
        StatusCode::OK,
        "dashboard/api_keys.html",
        "api-keys",
        json!({"title": "API keys", "keys": keys, "notice": notice(query.done.as_deref())}),
    ))
}

async fn create_api_key(
    State(state): State<AppState>,
    Session(session): Session,
    headers: HeaderMap,
    form: Result<Form<CreateForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    let principal = guard(&state, &headers, &session, &form.csrf)?;
    let role = parse_role(&form.role).or_page(&state, &session)?;
    let (id, secret) = state
        .app
        .create_api_key(&principal, &form.name, role)
        .await
        .or_page(&state, &session)?;
    Ok(render(
        &state,
        &session,
        StatusCode::CREATED,
        "dashboard/secret.html",
        "api-keys",
        json!({
            "title": "Your new API key",
            "kind": "api-key",
            "id": id,
            "secret": secret,
            "back": "/dashboard/api-keys",
        }),
    ))
}

async fn revoke_api_key(
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
        .revoke_api_key(&principal, &id)
        .await
        .or_page(&state, &session)?;
    Ok(see_other("/dashboard/api-keys?done=key-revoked"))
}

async fn oauth_clients(
    State(state): State<AppState>,
    Session(session): Session,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let principal = principal(&state, &session)?;
    let clients: Vec<Value> = state
        .app
        .list_oauth_clients(&principal)
        .await
        .or_page(&state, &session)?
        .into_iter()
        .map(|client| {
            json!({
                "id": client.client_id,
                "path_id": url_segment(&client.client_id),
                "name": client.name,
                "role": client.role,
                "created": when(client.created_at),
                "revoked": client.revoked_at.map(when),
            })
        })
        .collect();
    Ok(render(
        &state,
        &session,
        StatusCode::OK,
        "dashboard/oauth_clients.html",
        "oauth-clients",
        json!({
            "title": "OAuth clients",
            "clients": clients,
            "token_url": format!("{}/oauth/token", state.app.config().base_url),
            "notice": notice(query.done.as_deref()),
        }),
    ))
}

async fn create_oauth_client(
    State(state): State<AppState>,
    Session(session): Session,
    headers: HeaderMap,
    form: Result<Form<CreateForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    let principal = guard(&state, &headers, &session, &form.csrf)?;
    let role = parse_role(&form.role).or_page(&state, &session)?;
    let client = state
        .app
        .create_oauth_client(&principal, &form.name, role)
        .await
        .or_page(&state, &session)?;
    Ok(render(
        &state,
        &session,
        StatusCode::CREATED,
        "dashboard/secret.html",
        "oauth-clients",
        json!({
            "title": "Your new OAuth client",
            "kind": "oauth-client",
            "id": client.client_id,
            "secret": client.client_secret,
            "token_url": format!("{}/oauth/token", state.app.config().base_url),
            "back": "/dashboard/oauth-clients",
        }),
    ))
}

async fn revoke_oauth_client(
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
        .revoke_oauth_client(&principal, &id)
        .await
        .or_page(&state, &session)?;
    Ok(see_other("/dashboard/oauth-clients?done=client-revoked"))
}
