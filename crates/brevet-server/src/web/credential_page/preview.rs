//! `GET /c/{id}/preview.png`: the credential's link-preview image (`og:image`,
//! `twitter:image`), 1200×630, drawn by `App::credential_preview` and found through the same
//! lookup as the page ([`find_public`]: a hidden credential's preview is not found either). A
//! credential's preview never changes, so it carries a strong `ETag` and a matching
//! `If-None-Match` gets `304`; like the JSON download it is revalidated on every use
//! (`no-cache`), so a credential its earner hides stops being shown at once, and a hidden one's
//! own views are `private, no-store`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{find_public, unavailable_page};
use crate::state::AppState;

/// The `Cache-Control` of a public preview: kept, but revalidated (cheaply, by `ETag`).
pub const CACHE_CONTROL: &str = "no-cache";

pub(super) async fn preview_png(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request_headers: HeaderMap,
) -> Response {
    let (record, access) = match find_public(&state, &request_headers, &id).await {
        Ok((stored, access)) => (stored.record, access),
        Err(page) => return page,
    };
    let image = match state.app.credential_preview(&record).await {
        Ok(image) => image,
        Err(error) => return unavailable_page(&state.web, &error),
    };
    let fresh = request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == image.etag
        });
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (StatusCode::OK, image.png.as_ref().clone()).into_response()
    };
    let headers = response.headers_mut();
    if !fresh {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    }
    if let Ok(etag) = HeaderValue::from_str(&image.etag) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(header::CACHE_CONTROL, access.cache_control(CACHE_CONTROL));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    response
}
