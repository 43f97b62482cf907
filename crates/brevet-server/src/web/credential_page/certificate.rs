//! `GET /c/{id}/certificate.pdf?paper=a4|letter` (A4 when absent): the printable certificate
//! of a stored credential, found by the same lookup as its page: a credential its earner hid
//! is not found, as on the page, for everyone but its earner and its issuer
//! ([`page_access`]). A credential that does not verify now gets a 409 page instead of a
//! certificate; an unknown paper a 400 page.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use brevet_app::AppError;
use brevet_app::certificates::Paper;
use serde::Deserialize;
use serde_json::json;

use super::{not_found_page, plausible_id, unavailable_page};
use crate::state::AppState;
use crate::web::Web;
use crate::web::wallet::public::{PageAccess, page_access};

/// The media type of the certificate.
pub const PDF_MEDIA_TYPE: &str = "application/pdf";

#[derive(Debug, Default, Deserialize)]
pub struct PaperQuery {
    paper: Option<String>,
}

/// The certificate links a credential page offers: `(label, href)` per paper.
pub fn certificate_links(public_id: &str) -> serde_json::Value {
    json!({
        "a4": format!("/c/{public_id}/certificate.pdf?paper=a4"),
        "letter": format!("/c/{public_id}/certificate.pdf?paper=letter"),
    })
}

pub async fn certificate_pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    query: Result<Query<PaperQuery>, QueryRejection>,
) -> Response {
    if !plausible_id(&id) {
        return not_found_page(&state.web);
    }
    // A credential its earner hid answers as if it did not exist (PRIV-04).
    let access = page_access(&state, &headers, &id).await;
    if access == PageAccess::Denied {
        return not_found_page(&state.web);
    }
    let paper = match query {
        Ok(Query(PaperQuery { paper: None })) => Paper::A4,
        Ok(Query(PaperQuery { paper: Some(name) })) => match Paper::parse(&name) {
            Ok(paper) => paper,
            Err(_) => return bad_paper(&state.web),
        },
        Err(_) => return bad_paper(&state.web),
    };
    let pdf = match state.app.credential_certificate(&id, paper).await {
        Ok(pdf) => pdf,
        Err(AppError::NotFound) => return not_found_page(&state.web),
        Err(AppError::Conflict(message)) => {
            return message_page(&state.web, StatusCode::CONFLICT, &message);
        }
        Err(error) => return unavailable_page(&state.web, &error),
    };
    let mut response = (StatusCode::OK, pdf.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(PDF_MEDIA_TYPE),
    );
    // The file name is made of the checked id ([A-Za-z0-9_-]) and the paper's name.
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{}\"", pdf.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The certificate is only made while the credential verifies: never serve a stale one; a
    // hidden credential's (for its earner or issuer) is never stored.
    headers.insert(header::CACHE_CONTROL, access.cache_control("no-cache"));
    response
}

/// The 400 page for a paper that is not `a4` or `letter` (what was asked is not echoed).
fn bad_paper(web: &Web) -> Response {
    message_page(
        web,
        StatusCode::BAD_REQUEST,
        "The paper must be a4 or letter, for example ?paper=a4.",
    )
}

/// An HTML page with a status and a fixed or use-case message.
fn message_page(web: &Web, status: StatusCode, message: &str) -> Response {
    let heading = match status {
        StatusCode::CONFLICT => "No certificate for this credential",
        _ => "This request cannot be answered",
    };
    web.render_status(
        status,
        "not_found.html",
        json!({
            "title": format!("{heading} · Brevet"),
            "heading": heading,
            "message": message,
        }),
    )
}
