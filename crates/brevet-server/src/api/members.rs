//! `/api/v1/members`: list the organisation's members (any role); change a member's role or
//! remove a member (owner only; the last owner stays). Inviting is not done here.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use brevet_app::members::{MemberPatch, MemberView};
use serde_json::{Value, json};

use crate::api::achievements::parse_object;
use crate::auth::ApiPrincipal;
use crate::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/members", get(list))
        .route("/api/v1/members/{user_id}", patch(update).delete(remove))
}

/// `GET /api/v1/members`.
pub async fn list(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<Value>, ApiError> {
    let items = state.app.list_members(&principal).await?;
    Ok(Json(json!({ "items": items })))
}

/// `PATCH /api/v1/members/{user_id}` `{"role"}`.
pub async fn update(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(user_id): Path<String>,
    body: Bytes,
) -> Result<Json<MemberView>, ApiError> {
    let patch: MemberPatch = parse_object(&body)?;
    Ok(Json(
        state
            .app
            .set_member_role(&principal, &user_id, &patch)
            .await?,
    ))
}

/// `DELETE /api/v1/members/{user_id}`: answers 204.
pub async fn remove(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(user_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.remove_member(&principal, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
