//! `/api/v1/achievements`: list, create, get, edit, archive, unarchive, and the image (upload
//! as a raw body with its `Content-Type`, or as a multipart form part; remove). Bodies are read
//! strictly: unknown fields (`org_id`, ...) are a 400.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::routing::{get, post};
use brevet_app::AppError;
use brevet_app::achievements::{AchievementInput, AchievementPatch, AchievementView};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::credentials::parse_json;
use crate::auth::ApiPrincipal;
use crate::error::ApiError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/achievements", get(list).post(create))
        .route("/api/v1/achievements/{id}", get(get_one).patch(update))
        .route("/api/v1/achievements/{id}/archive", post(archive))
        .route("/api/v1/achievements/{id}/unarchive", post(unarchive))
        .route(
            "/api/v1/achievements/{id}/image",
            post(upload_image).delete(remove_image),
        )
}

/// Parses a JSON object body strictly into `T` (an array is refused even where every field of
/// `T` is optional).
pub fn parse_object<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.trim_ascii_start().first() != Some(&b'{') {
        return Err(ApiError(AppError::bad_request(
            "INVALID_REQUEST",
            "the body must be a JSON object",
        )));
    }
    parse_json(body)
}

/// A query string that could not be read, as a 400 problem.
pub fn bad_query(rejection: QueryRejection) -> ApiError {
    ApiError(AppError::bad_request(
        "INVALID_QUERY",
        rejection.body_text(),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Include archived achievements (default false).
    pub include_archived: Option<bool>,
}

/// `GET /api/v1/achievements?include_archived=`.
pub async fn list(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(query) = query.map_err(bad_query)?;
    let items = state
        .app
        .list_achievements(&principal, query.include_archived.unwrap_or(false))
        .await?;
    Ok(Json(json!({ "items": items })))
}

/// `POST /api/v1/achievements`: answers 201 with the achievement.
pub async fn create(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    body: Bytes,
) -> Result<(StatusCode, Json<AchievementView>), ApiError> {
    let input: AchievementInput = parse_object(&body)?;
    let view = state.app.create_achievement(&principal, &input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/v1/achievements/{id}`.
pub async fn get_one(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<AchievementView>, ApiError> {
    Ok(Json(state.app.achievement(&principal, &id).await?))
}

/// `PATCH /api/v1/achievements/{id}`: absent fields are unchanged.
pub async fn update(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<AchievementView>, ApiError> {
    let patch: AchievementPatch = parse_object(&body)?;
    Ok(Json(
        state
            .app
            .update_achievement(&principal, &id, &patch)
            .await?,
    ))
}

/// `POST /api/v1/achievements/{id}/archive`.
pub async fn archive(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<AchievementView>, ApiError> {
    Ok(Json(
        state
            .app
            .set_achievement_archived(&principal, &id, true)
            .await?,
    ))
}

/// `POST /api/v1/achievements/{id}/unarchive`.
pub async fn unarchive(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<AchievementView>, ApiError> {
    Ok(Json(
        state
            .app
            .set_achievement_archived(&principal, &id, false)
            .await?,
    ))
}

/// `POST /api/v1/achievements/{id}/image`: the image as the raw body (with its
/// `Content-Type`) or as a `multipart/form-data` file part.
pub async fn upload_image(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(id): Path<String>,
    request: Request,
) -> Result<Json<AchievementView>, ApiError> {
    let (declared, bytes) = read_upload(&state, request).await?;
    Ok(Json(
        state
            .app
            .set_achievement_image(&principal, &id, declared.as_deref(), &bytes)
            .await?,
    ))
}

/// `DELETE /api/v1/achievements/{id}/image`.
pub async fn remove_image(
    State(state): State<AppState>,
    ApiPrincipal(principal): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<AchievementView>, ApiError> {
    Ok(Json(
        state.app.remove_achievement_image(&principal, &id).await?,
    ))
}

/// The uploaded file of a request and the media type it was sent with: the raw body and its
/// `Content-Type`, or, for `multipart/form-data`, the first part that is a file (or is named
/// `image`, `logo` or `file`) and that part's `Content-Type`.
pub async fn read_upload(
    state: &AppState,
    request: Request,
) -> Result<(Option<String>, Bytes), ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let is_multipart = content_type.as_deref().is_some_and(|value| {
        value
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
    });
    if !is_multipart {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError(AppError::TooLarge(rejection.body_text()))
                } else {
                    ApiError(AppError::bad_request(
                        "UNREADABLE_BODY",
                        rejection.body_text(),
                    ))
                }
            })?;
        return Ok((content_type, bytes));
    }
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|rejection| {
            ApiError(AppError::bad_request(
                "INVALID_MULTIPART",
                rejection.body_text(),
            ))
        })?;
    let multipart_error = |error: axum::extract::multipart::MultipartError| {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError(AppError::TooLarge(error.body_text()))
        } else {
            ApiError(AppError::bad_request(
                "INVALID_MULTIPART",
                error.body_text(),
            ))
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let is_file =
            field.file_name().is_some() || matches!(field.name(), Some("image" | "logo" | "file"));
        if is_file {
            let declared = field.content_type().map(str::to_owned);
            let bytes = field.bytes().await.map_err(multipart_error)?;
            return Ok((declared, bytes));
        }
    }
    Err(ApiError(AppError::bad_request(
        "MISSING_IMAGE",
        "the multipart body has no file part (send the image as a part named \"image\")",
    )))
}
