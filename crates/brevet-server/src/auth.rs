//! API authentication: `Authorization: Bearer <API key or OAuth access token>`. Keys are
//! accepted only in that header, never in a query string (TEN-03).

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use brevet_app::{AppError, Principal};

use crate::error::ApiError;
use crate::state::AppState;

/// The authenticated caller of an API request.
pub struct ApiPrincipal(pub Principal);

impl FromRequestParts<AppState> for ApiPrincipal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if parts
            .uri
            .query()
            .is_some_and(|query| query.contains("api_key=") || query.contains("access_token="))
        {
            return Err(AppError::bad_request(
                "CREDENTIALS_IN_QUERY",
                "send the API key in the Authorization header, never in the URL",
            )
            .into());
        }
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .ok_or_else(|| {
                AppError::Unauthorized("an Authorization: Bearer header is required".to_owned())
            })?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| AppError::Unauthorized("use Authorization: Bearer <key>".to_owned()))?;
        Ok(ApiPrincipal(state.app.principal_for_bearer(token).await?))
    }
}
