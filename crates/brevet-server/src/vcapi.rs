//! The W3C CCG VC-API: `POST /credentials/issue` (API key or OAuth bearer), `POST
//! /credentials/verify`, `POST /presentations/verify` (public), `POST /credentials/status` and
//! `POST /status/{list_id}/publish` (bearer). Verification answers 200 only when verified; a
//! failed check is a 400 and a check that could not be made a 422, both problem+json bodies that
//! still carry the VC-API result (`verified: false`, `errors` naming W3C codes).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use brevet_app::AppError;
use brevet_app::vc_api::verify::VcApiVerification;
use brevet_core::verify::Verdict;
use serde_json::Value;

use brevet_app::issuance::{Idempotency, IssueResponse};
use sha2::{Digest, Sha256};

use crate::auth::ApiPrincipal;
use crate::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/credentials/issue", post(issue))
        .route("/credentials/verify", post(verify_credential))
        .route("/presentations/verify", post(verify_presentation))
        .route("/credentials/status", post(set_status))
        .route("/status/{list_id}/publish", post(publish))
}

/// Parses a JSON body strictly (duplicate keys refused).
fn json_body(body: &[u8]) -> Result<Value, ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| AppError::bad_request("MALFORMED_JSON", "the body is not UTF-8"))?;
    brevet_core::json::parse_strict(text).map_err(|error| {
        AppError::bad_request(
            "MALFORMED_JSON",
            format!("the body is not acceptable JSON: {error}"),
        )
        .into()
    })
}

/// The `Idempotency-Key` of an issue, fingerprinted with the route and body.
fn idempotency(headers: &HeaderMap, body: &[u8]) -> Option<Idempotency> {
    let key = headers.get("idempotency-key")?.to_str().ok()?.to_owned();
    let mut hasher = Sha256::new();
    hasher.update(b"POST /credentials/issue");
    hasher.update([0]);
    hasher.update(body);
    let request_hash = brevet_app::ids::hex(&hasher.finalize());
    Some(Idempotency { key, request_hash })
}

/// The issue's answer, as the use case gave it (replayed byte for byte on a retry).
fn issue_response(response: IssueResponse) -> Response {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK);
    let mut http = (status, response.body).into_response();
    http.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    http
}

/// `POST /credentials/issue` `{credential, options}` → 201 `{verifiableCredential}`.
async fn issue(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let request = json_body(&body)?;
    let idempotency = idempotency(&headers, &body);
    let response = state
        .app
        .vc_api_issue(&principal, &request, idempotency.as_ref())
        .await?;
    Ok(issue_response(response))
}

/// `POST /credentials/verify` `{verifiableCredential, options}`.
async fn verify_credential(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let request = json_body(&body)?;
    let verification = state.app.vc_api_verify_credential(&request).await?;
    Ok(verification_response(verification))
}

/// `POST /presentations/verify` `{verifiablePresentation, options: {challenge, domain}}`.
async fn verify_presentation(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let request = json_body(&body)?;
    let verification = state.app.vc_api_verify_presentation(&request).await?;
    Ok(verification_response(verification))
}

/// 200 with the result when verified; otherwise problem+json (400 failed, 422 could not
/// check) with the result's fields alongside.
fn verification_response(verification: VcApiVerification) -> Response {
    let VcApiVerification {
        verdict,
        code,
        summary,
        mut body,
    } = verification;
    let (status, content_type) = match verdict {
        Verdict::Verified => (StatusCode::OK, "application/json"),
        Verdict::Invalid => (StatusCode::BAD_REQUEST, "application/problem+json"),
        Verdict::Indeterminate => (StatusCode::UNPROCESSABLE_ENTITY, "application/problem+json"),
    };
    if verdict != Verdict::Verified {
        body.insert(
            "type".into(),
            Value::from(format!(
                "https://brevet.dev/problems/{}",
                code.to_lowercase().replace('_', "-")
            )),
        );
        body.insert(
            "title".into(),
            Value::from(status.canonical_reason().unwrap_or("Error")),
        );
        body.insert("status".into(), Value::from(status.as_u16()));
        body.insert("detail".into(), Value::from(summary));
        body.insert("code".into(), Value::from(code));
    }
    let mut response = (status, Value::Object(body).to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// `POST /credentials/status` `{credentialId, credentialStatus, status?, reason?}` → 200.
async fn set_status(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let request = json_body(&body)?;
    let answer = state.app.vc_api_set_status(&principal, &request).await?;
    Ok(axum::Json(answer).into_response())
}

/// `POST /status/{list_id}/publish` → 204 (the body, if any, is ignored).
async fn publish(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(list_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.republish_list(&principal, &list_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
