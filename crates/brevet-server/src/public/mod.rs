//! Unauthenticated, spec-mandated endpoints: health, DID documents, status lists, images.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/{slug}/did.json", get(did_document))
        .route("/status/{list_id}", get(status_list))
        .route("/images/{image_id}", get(image))
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.app.store().read().await {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response(),
    }
}

fn json_response(body: String, content_type: &'static str, max_age: u64) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("public, max-age={max_age}")) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    response
}

/// `GET /{slug}/did.json`: the organisation's DID document (all keys, retired ones included).
async fn did_document(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let document = state.app.did_document(&slug).await?;
    Ok(json_response(
        document.to_string(),
        "application/did+json",
        300,
    ))
}

/// `GET /status/{list_id}`: the signed status list credential, with `Cache-Control` matching
/// its `ttl`.
async fn status_list(
    State(state): State<AppState>,
    Path(list_id): Path<String>,
) -> Result<Response, ApiError> {
    let json = state.app.status_list_json(&list_id).await?;
    let max_age = state.app.config().status_list_ttl_ms / 1000;
    Ok(json_response(json, "application/vc+ld+json", max_age))
}

/// `GET /images/{id}`: an uploaded image (sanitised at upload; served with a strict CSP).
async fn image(
    State(state): State<AppState>,
    Path(image_id): Path<String>,
) -> Result<Response, ApiError> {
    let image = state.app.image(&image_id).await?;
    let mut response = (StatusCode::OK, image.bytes).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&image.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400, immutable"),
    );
    Ok(response)
}
