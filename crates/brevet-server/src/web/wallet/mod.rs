//! The earner's wallet under `/wallet` and the public collection pages under `/collections`:
//! server-rendered, no JavaScript needed, every wallet page `no-store`.
//!
//! Earners have their own session cookie, `brevet_wallet` (HttpOnly, SameSite=Lax, Path=/,
//! Secure under an https base URL), apart from the dashboard's; every wallet form carries the
//! session's CSRF token and is checked like the dashboard's (token in constant time, plus the
//! `Origin` / `Referer` when sent). The sign-in forms, shown before there is a session, use the
//! dashboard's double-submit form token.
//!
//! Files: [`signin`] (the sign-in link form and the page a mailed link opens), [`pages`] (the
//! wallet, visibility, collections, addresses, download, deletion), [`import`] (importing a
//! credential from elsewhere, its download and deletion), [`public`] (collection pages, and who
//! may see a hidden credential's page).

pub mod import;
pub mod pages;
pub mod public;
pub mod signin;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use brevet_app::AppError;
use brevet_app::earners::EarnerSession;
use brevet_app::wallet::WalletEntry;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::state::AppState;
use crate::web::credential_page::display::{CredentialDisplay, DateDisplay};
use crate::web::credential_page::verdict::verdict_of;
use crate::web::session::{Halt, cookie, csrf_refused, halt, no_store, same_origin};

/// The wallet's session cookie.
pub const WALLET_COOKIE: &str = "brevet_wallet";

pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "wallet/wallet.html",
        include_str!("../../../templates/wallet/wallet.html"),
    ),
    (
        "wallet/signin.html",
        include_str!("../../../templates/wallet/signin.html"),
    ),
    (
        "wallet/link.html",
        include_str!("../../../templates/wallet/link.html"),
    ),
    (
        "wallet/message.html",
        include_str!("../../../templates/wallet/message.html"),
    ),
    (
        "wallet/offer.html",
        include_str!("../../../templates/wallet/offer.html"),
    ),
    (
        "wallet/collection_edit.html",
        include_str!("../../../templates/wallet/collection_edit.html"),
    ),
    (
        "wallet/collection.html",
        include_str!("../../../templates/wallet/collection.html"),
    ),
    (
        "wallet/import_form.html",
        include_str!("../../../templates/wallet/import_form.html"),
    ),
    (
        "wallet/imported_items.html",
        include_str!("../../../templates/wallet/imported_items.html"),
    ),
    (
        "wallet/import_result.html",
        include_str!("../../../templates/wallet/import_result.html"),
    ),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(signin::routes())
        .merge(pages::routes())
        .merge(import::routes())
        .merge(public::routes())
}

fn cookie_value(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{WALLET_COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` for a new wallet session.
pub fn wallet_cookie(state: &AppState, token: &str, max_age: i64) -> HeaderValue {
    cookie_value(state, token, max_age)
}

/// `Set-Cookie` that removes the wallet session cookie.
pub fn clear_wallet_cookie(state: &AppState) -> HeaderValue {
    cookie_value(state, "", 0)
}

/// The wallet session of a request, if it has a valid one.
pub async fn wallet_session_of(state: &AppState, headers: &HeaderMap) -> Option<EarnerSession> {
    let token = cookie(headers, WALLET_COOKIE)?;
    state.app.earner_session(&token).await.ok()
}

/// A signed-in earner (the wallet's pages take this); a visitor without a valid wallet session
/// is sent to the wallet's sign-in page.
pub struct WalletSession(pub EarnerSession);

impl FromRequestParts<AppState> for WalletSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_signin = || {
            let mut response = Redirect::to("/wallet/signin").into_response();
            if cookie(&parts.headers, WALLET_COOKIE).is_some() {
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, clear_wallet_cookie(state));
            }
            no_store(&mut response);
            response
        };
        let Some(token) = cookie(&parts.headers, WALLET_COOKIE) else {
            return Err(to_signin());
        };
        match state.app.earner_session(&token).await {
            Ok(session) => Ok(WalletSession(session)),
            Err(AppError::Unauthorized(_)) => Err(to_signin()),
            Err(error) => Err(message(
                state,
                crate::error::status_of(&error),
                "Something went wrong",
                &shown_error(&error),
            )),
        }
    }
}

/// Checks a wallet form's CSRF token and origin; the 403 to answer otherwise (the request
/// changed nothing).
pub fn check_wallet_csrf(
    state: &AppState,
    headers: &HeaderMap,
    session: &EarnerSession,
    presented: &str,
) -> Result<(), Halt> {
    if same_origin(state, headers) && session.csrf_matches(presented) {
        Ok(())
    } else {
        halt(csrf_refused())
    }
}

/// The words shown for a failed use case (internal details are logged, not shown).
pub fn shown_error(error: &AppError) -> String {
    match error {
        AppError::Internal(detail) => {
            tracing::error!(error = %detail, "internal error");
            "Something went wrong on our side.".to_owned()
        }
        AppError::NotFound => "This does not exist in your wallet.".to_owned(),
        other => other.to_string(),
    }
}

/// A wallet message page (`no-store`, no referrer: the URL may hold a single-use link).
pub fn message(state: &AppState, status: StatusCode, title: &str, text: &str) -> Response {
    let mut response = state.web.render_status(
        status,
        "wallet/message.html",
        json!({"title": title, "message": text}),
    );
    private_page(&mut response);
    response
}

/// Marks a page as private: never stored, never sending its URL on.
pub fn private_page(response: &mut Response) {
    no_store(response);
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// The fixed notices a redirect may ask the wallet page to show (`?done=...`).
fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "hidden" => "The credential is hidden: its public page now answers “not found” to others.",
        "shown" => "The credential is public again.",
        "collection-created" => "The collection was created.",
        "collection-saved" => "The collection was saved.",
        "collection-deleted" => "The collection was deleted; its credentials stay in your wallet.",
        "email-sent" => {
            "We sent a confirmation link to that address. Open it in this browser to add it."
        }
        "email-yours" => "That address is already in your wallet.",
        "email-added" => "The address was added: credentials sent to it are now in your wallet.",
        "imported-deleted" => "The imported credential was deleted from your wallet.",
        _ => return None,
    })
}

/// A credential of the wallet, as the pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    pub item_id: String,
    pub hidden: bool,
    pub source: String,
    /// The public page (issued credentials).
    pub page: Option<String>,
    pub public_id: Option<String>,
    pub title: String,
    pub issuer: String,
    pub image: Option<String>,
    pub issued: Option<DateDisplay>,
    pub valid_until: Option<DateDisplay>,
    /// `Verified`, `Expired`, `Revoked`, `Suspended`, ... from the verifier.
    pub status: &'static str,
    /// `ok`, `bad` or `unknown`.
    pub status_class: &'static str,
}

/// What the pages show of a wallet entry: the verifier's verdict, never our own reading.
pub fn entry_view(state: &AppState, entry: &WalletEntry) -> EntryView {
    let own_images = format!("{}/images/", state.app.config().base_url);
    match &entry.issued {
        Some(issued) => {
            let credential: Value = serde_json::from_str(&issued.record.json).unwrap_or_default();
            let display = CredentialDisplay::from_credential(&credential, &own_images);
            let verdict = verdict_of(&issued.report, Some(&issued.status));
            EntryView {
                item_id: entry.item_id.clone(),
                hidden: entry.hidden,
                source: entry.source.clone(),
                page: Some(format!("/c/{}", issued.record.id)),
                public_id: Some(issued.record.id.clone()),
                title: display.title(),
                issuer: display
                    .issuer
                    .name
                    .clone()
                    .or_else(|| display.issuer.id.clone())
                    .unwrap_or_else(|| "an unnamed issuer".to_owned()),
                image: display.preview_image(),
                issued: DateDisplay::from_unix(issued.record.issued_at),
                valid_until: display.valid_until.clone(),
                status: verdict.label,
                status_class: verdict.class,
            }
        }
        None => EntryView {
            item_id: entry.item_id.clone(),
            hidden: entry.hidden,
            source: entry.source.clone(),
            page: None,
            public_id: None,
            title: format!("Imported credential ({})", entry.format),
            issuer: "another issuer".to_owned(),
            image: None,
            issued: DateDisplay::from_unix(entry.added_at),
            valid_until: None,
            status: "Not checked",
            status_class: "unknown",
        },
    }
}

/// Renders a wallet page: `context` plus the session's CSRF token and addresses; `notice` and
/// `error` are always defined.
pub fn render(
    state: &AppState,
    session: &EarnerSession,
    status: StatusCode,
    template: &str,
    context: Value,
) -> Response {
    let mut full = Map::new();
    full.insert("csrf".into(), json!(session.csrf_token));
    full.insert("emails".into(), json!(session.emails));
    full.insert("notice".into(), Value::Null);
    full.insert("error".into(), Value::Null);
    if let Value::Object(extra) = context {
        full.extend(extra);
    }
    let mut response = state
        .web
        .render_status(status, template, Value::Object(full));
    private_page(&mut response);
    response
}

/// A 303 to `to`, not stored.
pub fn see_other(to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    no_store(&mut response);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_are_fixed_texts() {
        assert!(notice_text("hidden").is_some());
        assert!(notice_text("<script>").is_none());
    }
}
