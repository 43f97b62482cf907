//! The permanent public page of a stored credential, `GET /c/{id}`: issuer, recipient name,
//! achievement, skills, dates, evidence and the live verification result check by check, with
//! a QR code of this page, the JSON download (`GET /c/{id}/credential.json`, byte for byte as
//! issued), links to the printable certificate while it verifies (`GET
//! /c/{id}/certificate.pdf`, see [`certificate`]), the share actions (`partials/share.html`:
//! LinkedIn "Add to profile", post links, embed and email-signature snippets), and Open Graph
//! and Twitter card tags whose image is the rendered preview `GET /c/{id}/preview.png` (see
//! [`preview`]). The report comes from `App::verify_stored_with_status` (cached while nothing it
//! depends on changes), and the page is sent with `Cache-Control: no-cache`, so a status change
//! or the end of the validity period shows at once. A credential its earner hid in the wallet
//! answers 404, as an unknown id does, to everyone but the earner and its issuer: the page, the
//! JSON download and the preview decide through [`public_access`] and look the credential up
//! with [`find_public`] (the certificate asks the same `page_access` rule itself).

pub mod certificate;
pub mod display;
pub mod preview;
pub mod verdict;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use brevet_app::AppError;
use brevet_app::verification::{StoredVerification, unreadable_report};
use brevet_core::share::ShareTargets;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::state::AppState;
use crate::web::Web;
use crate::web::page_cache::PageKey;
use crate::web::wallet::public::{PageAccess, page_access};
use display::{CredentialDisplay, DateDisplay};
use verdict::{check_rows, verdict_of};

pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "credential.html",
        include_str!("../../templates/credential.html"),
    ),
    (
        "verification_report.html",
        include_str!("../../templates/verification_report.html"),
    ),
    (
        "not_found.html",
        include_str!("../../templates/not_found.html"),
    ),
];

/// The media type of the JSON download.
pub const CREDENTIAL_MEDIA_TYPE: &str = "application/vc+ld+json";

/// The most characters of a link preview's description.
const PREVIEW_DESCRIPTION_CHARS: usize = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/c/{id}", get(credential_page))
        .route("/c/{id}/credential.json", get(credential_json))
        .route("/c/{id}/certificate.pdf", get(certificate::certificate_pdf))
        .route("/c/{id}/preview.png", get(preview::preview_png))
}

/// Public ids are opaque random hex; anything else is not looked up.
fn plausible_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

/// Who may see the credential at `/c/{id}`, or the 404 page: for an implausible id, and for a
/// credential its earner hid from this visitor, exactly as for an id that does not exist
/// (PRIV-04).
pub(crate) async fn public_access(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
) -> Result<PageAccess, Response> {
    if !plausible_id(id) {
        return Err(not_found_page(&state.web));
    }
    match page_access(state, headers, id).await {
        PageAccess::Denied => Err(not_found_page(&state.web)),
        access => Ok(access),
    }
}

/// The credential at `/c/{id}` that this visitor may see, with its verification report and
/// recorded status, or the page to answer instead (404 as [`public_access`] decides or for an
/// unknown id, 503 when the store is unavailable). The page, the JSON download and the preview
/// image look it up here.
pub(crate) async fn find_public(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
) -> Result<(StoredVerification, PageAccess), Response> {
    let access = public_access(state, headers, id).await?;
    match state.app.verify_stored_with_status(id).await {
        Ok(stored) => Ok((stored, access)),
        Err(AppError::NotFound) => Err(not_found_page(&state.web)),
        Err(error) => Err(unavailable_page(&state.web, &error)),
    }
}

async fn credential_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (stored, access) = match find_public(&state, &headers, &id).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let now = state.app.clock().now();
    let key = PageKey {
        generation: stored.generation,
        minute: now.unix_timestamp().div_euclid(60),
        // The share actions name the organisation by its LinkedIn id, which its owner may change.
        org_profiles: state.app.org_profile_generation(),
    };
    let body = match state.pages.get(&stored.record.id, key) {
        Some(body) => body,
        None => {
            // The share actions need the organisation's settings; without them the page still
            // shows.
            let share = match state.app.share_targets(&stored.record).await {
                Ok(share) => Some(share),
                Err(error) => {
                    tracing::warn!(%error, credential = %stored.record.id, "share actions unavailable");
                    None
                }
            };
            let Some(html) = state.web.render_html(
                "credential.html",
                page_context(&state, &stored, now, share.as_ref()),
            ) else {
                return unavailable_page(&state.web, &AppError::Internal("page rendering".into()));
            };
            let body = Bytes::from(html);
            state.pages.put(&stored.record.id, key, body.clone());
            body
        }
    };
    let mut response =
        crate::web::share::with_page_csp(crate::web::html_response(StatusCode::OK, body));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, access.cache_control("no-cache"));
    response
}

/// What the credential page template is rendered with.
fn page_context(
    state: &AppState,
    stored: &StoredVerification,
    now: OffsetDateTime,
    share: Option<&ShareTargets>,
) -> Value {
    let record = &stored.record;
    // The reason of a revocation or suspension is what the issuer recorded; without it the
    // verdict still stands.
    let recorded = (!stored.statuses.is_empty()).then_some(stored.statuses.as_slice());
    let (credential, report) = match serde_json::from_str::<Value>(&record.json) {
        Ok(credential) => (credential, stored.report.clone()),
        Err(error) => (
            Value::Null,
            unreadable_report(&format!("the stored credential is unreadable: {error}")),
        ),
    };
    let config = state.app.config();
    let display =
        CredentialDisplay::from_credential(&credential, &format!("{}/images/", config.base_url));
    let page_url = state.app.credential_page_url(&record.id);
    let issuer_name = display
        .issuer
        .name
        .clone()
        .or_else(|| display.issuer.id.clone())
        .unwrap_or_else(|| "an unnamed issuer".to_owned());
    let title = display.title();
    let preview_title = match &display.recipient_name {
        Some(name) => format!("{name}: {title}"),
        None => title.clone(),
    };
    let preview_description = preview_text(
        display
            .achievement
            .description
            .clone()
            .unwrap_or_else(|| format!("A verifiable credential issued by {issuer_name}.")),
    );
    let preview_image_alt = format!("{preview_title}, issued by {issuer_name}");
    json!({
        "title": format!("{title} · Brevet"),
        "page_url": page_url,
        "json_url": format!("/c/{}/credential.json", record.id),
        "public_id": record.id,
        "preview": {
            "title": preview_title,
            "description": preview_description,
            "image": format!("{page_url}/preview.png"),
            "image_alt": preview_image_alt,
            "width": brevet_app::preview::WIDTH,
            "height": brevet_app::preview::HEIGHT,
        },
        "share": share,
        "issuer_name": issuer_name,
        "credential": display,
        "issued": DateDisplay::from_unix(record.issued_at),
        "checked": DateDisplay::from_instant(now),
        "verdict": verdict_of(&report, recorded),
        "checks": check_rows(&report),
        "superseded_by": record.superseded_by.as_deref().map(|new| state.app.credential_page_url(new)),
        "supersedes": record.supersedes.as_deref().map(|old| state.app.credential_page_url(old)),
        "qr_svg": crate::web::qr::credential_page_qr(&state.app, &record.id),
        "certificate": report.verified.then(|| certificate::certificate_links(&record.id)),
    })
}

/// `GET /c/{id}/credential.json`: the signed credential exactly as stored, as a download.
async fn credential_json(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (record, access) = match find_public(&state, &headers, &id).await {
        Ok((stored, access)) => (stored.record, access),
        Err(page) => return page,
    };
    let mut response = (StatusCode::OK, record.json).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(CREDENTIAL_MEDIA_TYPE),
    );
    // The id is checked to be [A-Za-z0-9_-]: safe inside the quoted filename.
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"credential-{id}.json\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    // Revalidated on every use: a credential its earner hides stops being served at once.
    headers.insert(header::CACHE_CONTROL, access.cache_control("no-cache"));
    response
}

/// The HTML 404 page.
pub fn not_found_page(web: &Web) -> Response {
    web.render_status(
        StatusCode::NOT_FOUND,
        "not_found.html",
        json!({
            "title": "Not found · Brevet",
            "heading": "Not found",
            "message": "There is no credential at this address. Check the link you were given, \
                        or ask its issuer for a new one.",
        }),
    )
}

fn unavailable_page(web: &Web, error: &AppError) -> Response {
    tracing::error!(%error, "credential page unavailable");
    web.render_status(
        StatusCode::SERVICE_UNAVAILABLE,
        "not_found.html",
        json!({
            "title": "Unavailable · Brevet",
            "heading": "Temporarily unavailable",
            "message": "This credential cannot be shown right now. Please try again in a moment.",
        }),
    )
}

/// `text` cut to a preview's length, at a word boundary, with an ellipsis.
fn preview_text(text: String) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(PREVIEW_DESCRIPTION_CHARS) {
        None => text,
        Some((cut, _)) => {
            let head = &text[..cut];
            let head = head.rsplit_once(' ').map_or(head, |(words, _)| words);
            format!("{head}…")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plausible_ids_are_looked_up() {
        assert!(plausible_id("0123456789abcdef0123456789abcdef"));
        assert!(!plausible_id(""));
        assert!(!plausible_id("../etc/passwd"));
        assert!(!plausible_id("a\"b"));
        assert!(!plausible_id(&"a".repeat(65)));
    }

    #[test]
    fn previews_are_cut_at_a_word() {
        assert_eq!(preview_text("short  text\n".into()), "short text");
        let long = "word ".repeat(100);
        let cut = preview_text(long);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= PREVIEW_DESCRIPTION_CHARS + 1);
    }
}
