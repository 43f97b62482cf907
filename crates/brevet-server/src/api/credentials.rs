//! `/api/v1/credentials`: award, get, list, revoke, suspend, reinstate.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use brevet_app::issuance::{AwardRequest, Idempotency, IssueResponse};
use brevet_app::status::StatusChange;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::auth::ApiPrincipal;
use crate::error::{ApiError, bad_json};
use crate::state::AppState;

/// The `Idempotency-Key` of a request, fingerprinted with its route and body.
pub fn idempotency(headers: &HeaderMap, route: &str, body: &[u8]) -> Option<Idempotency> {
    let key = headers.get("idempotency-key")?.to_str().ok()?.to_owned();
    let mut hasher = Sha256::new();
    hasher.update(route.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    let request_hash = brevet_app::ids::hex(&hasher.finalize());
    Some(Idempotency { key, request_hash })
}

/// A JSON response from an issue (status and body as the use case gave them).
pub fn issue_response(response: IssueResponse) -> Response {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK);
    let mut http = (status, response.body).into_response();
    http.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    http
}

/// `POST /api/v1/credentials`: award an achievement.
pub async fn award(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let request: AwardRequest = parse_json(&body)?;
    let idempotency = idempotency(&headers, "POST /api/v1/credentials", &body);
    let response = state
        .app
        .award(&principal, &request, idempotency.as_ref())
        .await?;
    Ok(issue_response(response))
}

/// Parses a JSON body strictly (duplicate keys refused) into `T`.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| {
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
    serde_json::from_value(value).map_err(|error| {
        ApiError(brevet_app::AppError::bad_request(
            "INVALID_REQUEST",
            format!("the request does not have the expected shape: {error}"),
        ))
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub q: Option<String>,
    pub achievement_id: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// `GET /api/v1/credentials?q=&achievement_id=&limit=&cursor=`.
pub async fn list(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let page = state
        .app
        .list_credentials(
            &principal,
            query.q.as_deref(),
            query.achievement_id.as_deref(),
            query.limit.unwrap_or(50),
            query.cursor.as_deref(),
        )
        .await?;
    Ok(Json(serde_json::to_value(page).map_err(|e| {
        ApiError(brevet_app::AppError::Internal(e.to_string()))
    })?))
}

/// `GET /api/v1/credentials/{id}`.
pub async fn get_one(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let view = state.app.credential_view(&principal, &id).await?;
    Ok(Json(serde_json::to_value(view).map_err(|e| {
        ApiError(brevet_app::AppError::Internal(e.to_string()))
    })?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: Option<String>,
}

async fn change(
    state: AppState,
    principal: brevet_app::Principal,
    id: String,
    purpose: &str,
    set: bool,
    body: Result<Json<ReasonBody>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let reason = match body {
        Ok(Json(body)) => body.reason,
        Err(JsonRejection::MissingJsonContentType(_)) => None,
        Err(rejection) => return Err(bad_json(rejection)),
    };
    let status = state
        .app
        .set_status(
            &principal,
            &StatusChange {
                credential: id,
                purpose: purpose.to_owned(),
                set,
                reason,
            },
        )
        .await?;
    Ok(Json(json!({ "status": status })))
}

/// `POST /api/v1/credentials/{id}/revoke` `{"reason"}`.
pub async fn revoke(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(id): Path<String>,
    body: Result<Json<ReasonBody>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    change(state, principal, id, "revocation", true, body).await
}

/// `POST /api/v1/credentials/{id}/suspend` `{"reason"}`.
pub async fn suspend(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(id): Path<String>,
    body: Result<Json<ReasonBody>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    change(state, principal, id, "suspension", true, body).await
}

/// `POST /api/v1/credentials/{id}/reinstate`: lifts a suspension.
pub async fn reinstate(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(id): Path<String>,
    body: Result<Json<ReasonBody>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    change(state, principal, id, "suspension", false, body).await
}
