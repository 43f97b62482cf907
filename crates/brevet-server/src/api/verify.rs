//! `POST /api/v1/verify`: verify any credential (JSON body); answers the report
//! `{verified, checks: [{check, outcome, detail}]}` with 200 (the report is the result, valid or
//! not); unreadable input is a 400 problem.

use axum::Json;
use axum::extract::State;
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

pub async fn verify(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError(brevet_app::AppError::bad_request(
            "MALFORMED_JSON",
            "the body is not UTF-8",
        ))
    })?;
    let value = brevet_core::json::parse_strict(text).map_err(|error| {
        ApiError(brevet_app::AppError::bad_request(
            "MALFORMED_JSON",
            format!("the body is not acceptable JSON: {error}"),
        ))
    })?;
    // Accept either the credential itself or {"verifiableCredential": …}.
    let credential = match value.get("verifiableCredential") {
        Some(inner) if value.get("@context").is_none() => inner.clone(),
        _ => value,
    };
    let report = state.app.verify(&credential).await;
    Ok(Json(serde_json::to_value(report).map_err(|e| {
        ApiError(brevet_app::AppError::Internal(e.to_string()))
    })?))
}
