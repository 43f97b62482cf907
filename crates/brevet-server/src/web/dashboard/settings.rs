//! Organisation settings: every member sees the public identity (name, DID, keys); owners edit
//! the profile put in new credentials (name, https URL, email, description, LinkedIn
//! organisation id), upload or remove the logo, and rotate the signing key (the retired key
//! stays in the DID document, so credentials it signed keep verifying).

use axum::extract::rejection::FormRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use brevet_app::AppError;
use brevet_app::org_profile::OrgPatch;
use brevet_app::sessions::SessionContext;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::forms::read_multipart;
use super::keys::CsrfForm;
use super::signin::DoneQuery;
use super::{
    Halt, OrPage, PageResult, bad_form, guard, notice, principal, render, see_other, when,
};
use crate::state::AppState;
use crate::web::inert;
use crate::web::session::{Session, halt};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/settings", get(settings).post(save_profile))
        .route("/dashboard/settings/logo", post(upload_logo))
        .route("/dashboard/settings/logo/remove", post(remove_logo))
        .route("/dashboard/settings/rotate-key", post(rotate_key))
}

/// The profile form's fields.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ProfileForm {
    #[serde(skip_serializing)]
    pub csrf: String,
    pub name: String,
    pub url: String,
    pub email: String,
    pub description: String,
    pub linkedin_org_id: String,
}

pub(super) async fn settings_page(
    state: &AppState,
    session: &SessionContext,
    status: StatusCode,
    form: Option<ProfileForm>,
    error: Option<String>,
    done: Option<&str>,
) -> Result<Response, Halt> {
    let principal = principal(state, session)?;
    let org = state
        .app
        .org_view(&principal)
        .await
        .or_page(state, session)?;
    let form = form.unwrap_or_else(|| ProfileForm {
        csrf: String::new(),
        name: inert(&org.name),
        url: org.url.as_deref().map(inert).unwrap_or_default(),
        email: org.email.as_deref().map(inert).unwrap_or_default(),
        description: org.description.as_deref().map(inert).unwrap_or_default(),
        linkedin_org_id: org.linkedin_org_id.clone().unwrap_or_default(),
    });
    let keys: Vec<Value> = org
        .keys
        .iter()
        .map(|key| {
            json!({
                "id": key.id,
                "state": key.state,
                "created": when(key.created_at),
                "retired": key.retired_at.map(when),
            })
        })
        .collect();
    Ok(render(
        state,
        session,
        status,
        "dashboard/settings.html",
        "settings",
        json!({
            "title": "Organisation settings",
            "notice": notice(done),
            "error": error,
            "form": form,
            "settings": {
                "name": inert(&org.name),
                "slug": org.slug,
                "did": org.did,
                "did_document": org.did_document_url.as_ref().map(|_| format!("/{}/did.json", org.slug)),
                "did_key": org.did_method == "key",
                "logo": org.logo.as_ref().map(|logo| format!("/images/{}", super::credentials::url_segment(&logo.id))),
                "keys": keys,
            },
            "certificate": super::certificate::design_context(&org.certificate),
        }),
    ))
}

async fn settings(
    State(state): State<AppState>,
    Session(session): Session,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    settings_page(
        &state,
        &session,
        StatusCode::OK,
        None,
        None,
        query.done.as_deref(),
    )
    .await
}

/// An optional field: empty clears it.
fn optional(text: &str) -> Option<Option<String>> {
    Some(Some(text.trim().to_owned()).filter(|text| !text.is_empty()))
}

async fn save_profile(
    State(state): State<AppState>,
    Session(session): Session,
    headers: HeaderMap,
    form: Result<Form<ProfileForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    let principal = guard(&state, &headers, &session, &form.csrf)?;
    let patch = OrgPatch {
        name: Some(Some(form.name.clone())),
        url: optional(&form.url),
        email: optional(&form.email),
        description: optional(&form.description),
        linkedin_org_id: optional(&form.linkedin_org_id),
        certificate: None,
    };
    match state.app.update_org_profile(&principal, &patch).await {
        Ok(_) => Ok(see_other("/dashboard/settings?done=saved")),
        Err(error @ AppError::Invalid { .. }) => {
            let status = crate::error::status_of(&error);
            halt(
                settings_page(
                    &state,
                    &session,
                    status,
                    Some(form),
                    Some(error.to_string()),
                    None,
                )
                .await?,
            )
        }
        Err(error) => halt(super::error_page(&state, Some(&session), &error)),
    }
}

async fn upload_logo(
    State(state): State<AppState>,
    Session(session): Session,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let multipart = multipart.map_err(|_| bad_form(&state, Some(&session)))?;
    let form = read_multipart(multipart, "logo")
        .await
        .or_page(&state, &session)?;
    let principal = guard(&state, &headers, &session, form.text("csrf"))?;
    let Some(upload) = &form.upload else {
        return halt(
            settings_page(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some("Choose an image file to upload.".to_owned()),
                None,
            )
            .await?,
        );
    };
    match state
        .app
        .set_org_logo(&principal, upload.content_type.as_deref(), &upload.bytes)
        .await
    {
        Ok(_) => Ok(see_other("/dashboard/settings?done=saved")),
        Err(error @ (AppError::Invalid { .. } | AppError::TooLarge(_))) => {
            let status = crate::error::status_of(&error);
            halt(
                settings_page(
                    &state,
                    &session,
                    status,
                    None,
                    Some(error.to_string()),
                    None,
                )
                .await?,
            )
        }
        Err(error) => halt(super::error_page(&state, Some(&session), &error)),
    }
}

async fn remove_logo(
    State(state): State<AppState>,
    Session(session): Session,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    let principal = guard(&state, &headers, &session, &form.csrf)?;
    state
        .app
        .remove_org_logo(&principal)
        .await
        .or_page(&state, &session)?;
    Ok(see_other("/dashboard/settings?done=saved"))
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
