//! `POST /api/v1/credentials/{id}/offer`: an OpenID4VCI credential offer for an award, with
//! the deep link, the offer object and its QR code as SVG.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::Value;

use crate::auth::ApiPrincipal;
use crate::error::ApiError;
use crate::state::AppState;

/// Makes a credential offer (201): `{credential_id, offer_uri, offer_by_value_uri,
/// credential_offer_uri, credential_offer, expires_at, expires_in, qr_svg}`.
pub async fn create(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let offer = state.app.create_credential_offer(&principal, &id).await?;
    let qr_svg = crate::web::wallet_offer::offer_qr_svg(&offer);
    let mut body = serde_json::to_value(&offer)
        .map_err(|e| ApiError(brevet_app::AppError::Internal(e.to_string())))?;
    body["qr_svg"] = qr_svg.map_or(Value::Null, Value::String);
    Ok((StatusCode::CREATED, Json(body)))
}
