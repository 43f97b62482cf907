//! Importing credentials into the wallet: `POST /wallet/import` (multipart/form-data or
//! url-encoded: the session's `csrf`, and pasted `credential` text, an uploaded `file` — JSON,
//! a JWT, a baked PNG or SVG badge — or the `url` of a hosted Open Badges 2.0 assertion) calls
//! `App::import_into_wallet` and shows what became of it with every check; `GET
//! /wallet/items/{id}/download` gives back an imported credential's kept bytes and `POST
//! /wallet/items/{id}/delete` deletes it. What the wallet page shows of imported credentials
//! ([`imported_views`]) is the verifier's verdict of the moment, with their text made inert.

use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use brevet_app::AppError;
use brevet_app::earners::EarnerSession;
use brevet_app::import::{
    Carrier, CredentialFormat, CredentialSummary, ImportInput, RecognisedCredential,
};
use brevet_app::wallet::WalletEntry;
use brevet_app::wallet_import::ImportOutcome;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{WalletSession, check_wallet_csrf, render, see_other, shown_error};
use crate::state::AppState;
use crate::web::credential_page::display::DateDisplay;
use crate::web::credential_page::verdict::{check_rows, verdict_of};
use crate::web::inert;
use crate::web::session::{Halt, halt, no_store};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/wallet/import", post(import))
        .route("/wallet/items/{id}/download", get(download))
        .route("/wallet/items/{id}/delete", post(delete))
}

/// The form fields.
const CSRF_FIELD: &str = "csrf";
const TEXT_FIELD: &str = "credential";
const FILE_FIELD: &str = "file";
const URL_FIELD: &str = "url";

/// An imported credential, as the wallet page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedView {
    pub item_id: String,
    pub title: String,
    pub issuer: String,
    /// The format's name ("Open Badges 2.0 (hosted)", "VC 2.0 (Data Integrity)", ...).
    pub format: String,
    /// Open Badges 2.0 (verified by the 2.0 rules).
    pub ob2: bool,
    pub issued: Option<DateDisplay>,
    pub valid_until: Option<DateDisplay>,
    /// `Verified`, `Expired`, `Revoked`, ... as the verifier found it just now.
    pub status: &'static str,
    /// `ok`, `bad` or `unknown`.
    pub status_class: &'static str,
    pub explanation: &'static str,
}

fn is_ob2(format: Option<CredentialFormat>) -> bool {
    matches!(
        format,
        Some(CredentialFormat::OpenBadges2Hosted | CredentialFormat::OpenBadges2Signed)
    )
}

fn title_of(display: &CredentialSummary) -> String {
    display
        .achievement_name
        .as_deref()
        .map_or_else(|| "Imported credential".to_owned(), inert)
}

fn issuer_of(display: &CredentialSummary) -> String {
    display
        .issuer_name
        .as_deref()
        .map_or_else(|| "an unnamed issuer".to_owned(), inert)
}

/// The imported entries of a wallet, in its order.
pub fn imported_views(entries: &[WalletEntry]) -> Vec<ImportedView> {
    entries
        .iter()
        .filter_map(|entry| {
            let imported = entry.imported.as_ref()?;
            let verdict = verdict_of(&imported.report, None);
            Some(ImportedView {
                item_id: entry.item_id.clone(),
                title: title_of(&imported.display),
                issuer: issuer_of(&imported.display),
                format: imported
                    .format
                    .map_or_else(|| inert(&entry.format), |format| format.label().to_owned()),
                ob2: is_ob2(imported.format),
                issued: imported
                    .display
                    .issued
                    .as_deref()
                    .map(DateDisplay::as_written),
                valid_until: imported
                    .display
                    .expires
                    .as_deref()
                    .map(DateDisplay::as_written),
                status: verdict.label,
                status_class: verdict.class,
                explanation: verdict.explanation,
            })
        })
        .collect()
}

/// What the earner sent.
#[derive(Debug, Default)]
struct ImportForm {
    csrf: String,
    text: Vec<u8>,
    file: Vec<u8>,
    url: String,
}

impl ImportForm {
    /// The file if one was chosen, else the pasted text, else the URL.
    fn input(self) -> Option<ImportInput> {
        let blank = |bytes: &[u8]| bytes.iter().all(u8::is_ascii_whitespace);
        if !blank(&self.file) {
            Some(ImportInput::Bytes(self.file))
        } else if !blank(&self.text) {
            Some(ImportInput::Bytes(self.text))
        } else if !self.url.trim().is_empty() {
            Some(ImportInput::Url(self.url.trim().to_owned()))
        } else {
            None
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PastedForm {
    csrf: String,
    credential: String,
    url: String,
}

/// Reads the form (multipart or url-encoded); on failure the status and words to show.
async fn read_form(request: Request, state: &AppState) -> Result<ImportForm, (StatusCode, String)> {
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));
    if !is_multipart {
        let Form(form) = Form::<PastedForm>::from_request(request, state)
            .await
            .map_err(|rejection| (rejection.status(), rejection.body_text()))?;
        return Ok(ImportForm {
            csrf: form.csrf,
            text: form.credential.into_bytes(),
            file: Vec::new(),
            url: form.url,
        });
    }
    let mut fields = crate::web::multipart::named_fields(
        request,
        state,
        &[CSRF_FIELD, TEXT_FIELD, FILE_FIELD, URL_FIELD],
    )
    .await?;
    let mut take = |name: &str| fields.remove(name).unwrap_or_default();
    let form = ImportForm {
        csrf: String::from_utf8_lossy(&take(CSRF_FIELD)).into_owned(),
        text: take(TEXT_FIELD),
        file: take(FILE_FIELD),
        url: String::from_utf8_lossy(&take(URL_FIELD)).into_owned(),
    };
    Ok(form)
}

/// A page that says the import was not done, with `status`.
fn not_done(state: &AppState, session: &EarnerSession, status: StatusCode, text: &str) -> Response {
    render(
        state,
        session,
        status,
        "wallet/import_result.html",
        json!({
            "title": "Not imported",
            "outcome": "error",
            "heading": "Not imported",
            "message": text,
            "checks": [],
        }),
    )
}

/// The format, and the image it came in if any.
fn describe_format(recognised: &RecognisedCredential) -> String {
    let label = recognised.format.label();
    match recognised.carrier {
        Carrier::Png(version) => format!("{label}, baked in a PNG image ({version} carrier)"),
        Carrier::Svg(version) => format!("{label}, baked in an SVG image ({version} carrier)"),
        Carrier::Url => format!("{label}, fetched from its URL"),
        Carrier::Text => label.to_owned(),
    }
}

/// `POST /wallet/import`.
async fn import(
    State(state): State<AppState>,
    WalletSession(session): WalletSession,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, Halt> {
    let form = match read_form(request, &state).await {
        Ok(form) => form,
        Err((status, reason)) => {
            let (status, text) = if status == StatusCode::PAYLOAD_TOO_LARGE {
                (
                    status,
                    "That file is too large to be a credential.".to_owned(),
                )
            } else {
                (
                    StatusCode::BAD_REQUEST,
                    format!("The form could not be read: {reason}"),
                )
            };
            return halt(not_done(&state, &session, status, &text));
        }
    };
    check_wallet_csrf(&state, &headers, &session, &form.csrf)?;
    let Some(input) = form.input() else {
        return halt(not_done(
            &state,
            &session,
            StatusCode::BAD_REQUEST,
            "Paste the credential, choose its file or badge image, or give its URL.",
        ));
    };
    let outcome = match state.app.import_into_wallet(&session, input).await {
        Ok(outcome) => outcome,
        Err(AppError::TooLarge(_)) => {
            return halt(not_done(
                &state,
                &session,
                StatusCode::PAYLOAD_TOO_LARGE,
                "That file is too large to be a credential.",
            ));
        }
        Err(error) => {
            return halt(not_done(
                &state,
                &session,
                crate::error::status_of(&error),
                &shown_error(&error),
            ));
        }
    };
    let (status, kind, heading, message, recognised) = match outcome {
        ImportOutcome::Kept { recognised, .. } => (
            StatusCode::OK,
            "kept",
            "Imported",
            "The credential verified and is now in your wallet.".to_owned(),
            recognised,
        ),
        ImportOutcome::AlreadyInWallet {
            issued_here,
            recognised,
            ..
        } => (
            StatusCode::OK,
            "duplicate",
            "Already in your wallet",
            if issued_here {
                "This credential is already in your wallet: it was issued here to one of your addresses. Nothing was added.".to_owned()
            } else {
                "This credential is already in your wallet: you imported it before. Nothing was added.".to_owned()
            },
            recognised,
        ),
        ImportOutcome::Refused { reason, recognised } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "refused",
            "Not imported",
            format!("The credential was not kept: {}.", inert(&reason)),
            recognised,
        ),
    };
    Ok(render(
        &state,
        &session,
        status,
        "wallet/import_result.html",
        json!({
            "title": heading,
            "outcome": kind,
            "heading": heading,
            "message": message,
            "format": describe_format(&recognised),
            "ob2": is_ob2(Some(recognised.format)),
            "achievement": title_of(&recognised.display),
            "issuer_name": issuer_of(&recognised.display),
            "verdict": verdict_of(&recognised.report, None),
            "checks": check_rows(&recognised.report),
        }),
    ))
}

/// Ids in paths are opaque hex; anything else is not looked up.
fn plausible_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn not_found(state: &AppState, session: &EarnerSession) -> Halt {
    Halt::from(render(
        state,
        session,
        StatusCode::NOT_FOUND,
        "wallet/message.html",
        json!({"title": "Not done", "message": shown_error(&AppError::NotFound)}),
    ))
}

/// `GET /wallet/items/{id}/download`: an imported credential's kept bytes, as a file.
async fn download(
    State(state): State<AppState>,
    WalletSession(session): WalletSession,
    Path(id): Path<String>,
) -> Result<Response, Halt> {
    if !plausible_id(&id) {
        return Err(not_found(&state, &session));
    }
    let kept = match state.app.imported_payload(&session, &id).await {
        Ok(kept) => kept,
        Err(AppError::NotFound) => return Err(not_found(&state, &session)),
        Err(error) => {
            return halt(not_done(
                &state,
                &session,
                crate::error::status_of(&error),
                &shown_error(&error),
            ));
        }
    };
    let (media_type, extension) = match kept.format {
        Some(format) => (
            format.media_type(),
            match format {
                CredentialFormat::VcJwt | CredentialFormat::VcJose => "jwt",
                CredentialFormat::OpenBadges2Signed => "jws",
                _ => "json",
            },
        ),
        None => ("application/octet-stream", "bin"),
    };
    let mut response = (StatusCode::OK, kept.payload).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    if let Ok(value) = HeaderValue::from_str(&format!(
        "attachment; filename=\"credential-{}.{extension}\"",
        kept.item_id
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    no_store(&mut response);
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CsrfForm {
    csrf: String,
}

/// `POST /wallet/items/{id}/delete`: deletes an imported credential.
async fn delete(
    State(state): State<AppState>,
    WalletSession(session): WalletSession,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Result<Response, Halt> {
    let Ok(Form(form)) = form else {
        return halt(not_done(
            &state,
            &session,
            StatusCode::BAD_REQUEST,
            "The form could not be read.",
        ));
    };
    check_wallet_csrf(&state, &headers, &session, &form.csrf)?;
    if !plausible_id(&id) {
        return Err(not_found(&state, &session));
    }
    match state.app.delete_imported_item(&session, &id).await {
        Ok(()) => Ok(see_other("/wallet?done=imported-deleted")),
        Err(AppError::NotFound) => Err(not_found(&state, &session)),
        Err(error) => halt(not_done(
            &state,
            &session,
            crate::error::status_of(&error),
            &shown_error(&error),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_wins_then_the_text_then_the_url() {
        let form = |text: &str, file: &str, url: &str| ImportForm {
            csrf: String::new(),
            text: text.as_bytes().to_vec(),
            file: file.as_bytes().to_vec(),
            url: url.to_owned(),
        };
        assert_eq!(
            form("{}", "[1]", "https://a.example").input(),
            Some(ImportInput::Bytes(b"[1]".to_vec()))
        );
        assert_eq!(
            form("{}", " \n", "https://a.example").input(),
            Some(ImportInput::Bytes(b"{}".to_vec()))
        );
        assert_eq!(
            form("", "", " https://a.example ").input(),
            Some(ImportInput::Url("https://a.example".to_owned()))
        );
        assert_eq!(form(" ", "", "").input(), None);
    }
}
