//! `/api/v1/org/keys`: the organisation's signing keys. `POST /api/v1/org/keys/rotate` (owner)
//! retires the active key (it stays in the DID document, so credentials it signed keep
//! verifying, but it never signs again) and makes a new one active.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::auth::ApiPrincipal;
use crate::error::ApiError;
use crate::state::AppState;

/// `POST /api/v1/org/keys/rotate`: answers `{"verification_method"}` of the new active key.
pub async fn rotate(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
) -> Result<Json<Value>, ApiError> {
    let method = state.app.rotate_signing_key(&principal).await?;
    Ok(Json(json!({ "verification_method": method })))
}
