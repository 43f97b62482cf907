//! `/api/v1/org`: the caller's organisation (profile, DID, public keys); edit the profile and
//! set or remove the logo (owner only).

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::routing::{get, post};
use brevet_app::org_profile::{OrgPatch, OrgView};

use crate::api::achievements::{parse_object, read_upload};
use crate::auth::ApiPrincipal;
use crate::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/org", get(get_org).patch(update))
        .route("/api/v1/org/logo", post(upload_logo).delete(remove_logo))
}

/// `GET /api/v1/org`.
pub async fn get_org(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<OrgView>, ApiError> {
    Ok(Json(state.app.org_view(&principal).await?))
}

/// `PATCH /api/v1/org`: absent fields are unchanged, `null` clears an optional one.
pub async fn update(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    body: Bytes,
) -> Result<Json<OrgView>, ApiError> {
    let patch: OrgPatch = parse_object(&body)?;
    Ok(Json(
        state.app.update_org_profile(&principal, &patch).await?,
    ))
}

/// `POST /api/v1/org/logo`: raw body with its `Content-Type`, or a multipart file part.
pub async fn upload_logo(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    request: Request,
) -> Result<Json<OrgView>, ApiError> {
    let (declared, bytes) = read_upload(&state, request).await?;
    Ok(Json(
        state
            .app
            .set_org_logo(&principal, declared.as_deref(), &bytes)
            .await?,
    ))
}

/// `DELETE /api/v1/org/logo`.
pub async fn remove_logo(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<OrgView>, ApiError> {
    Ok(Json(state.app.remove_org_logo(&principal).await?))
}
