//! API errors as RFC 9457 problem+json: `{type, title, status, detail, code}`. Internal errors
//! are logged with their detail and answered without it.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use brevet_app::AppError;
use serde_json::json;

/// An error answered as `application/problem+json`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError(error)
    }
}

/// The HTTP status of an application error.
pub fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
        AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A problem+json response.
pub fn problem(status: StatusCode, code: &str, detail: &str) -> Response {
    let body = json!({
        "type": format!("https://brevet.dev/problems/{}", code.to_lowercase().replace('_', "-")),
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
        "code": code,
    });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        let detail = match &self.0 {
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                "an internal error occurred".to_owned()
            }
            AppError::NotFound => "not found".to_owned(),
            other => other.to_string(),
        };
        problem(status, self.0.code(), &detail)
    }
}

/// A JSON body that could not be read, as problem+json (400, or 413 when too large).
pub fn bad_json(rejection: axum::extract::rejection::JsonRejection) -> ApiError {
    use axum::extract::rejection::JsonRejection;
    match &rejection {
        JsonRejection::BytesRejection(_) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError(AppError::TooLarge(rejection.body_text()))
        }
        JsonRejection::JsonDataError(_) => ApiError(AppError::bad_request(
            "INVALID_REQUEST",
            rejection.body_text(),
        )),
        _ => ApiError(AppError::bad_request(
            "MALFORMED_JSON",
            rejection.body_text(),
        )),
    }
}
