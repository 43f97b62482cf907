//! The wallet's pages and forms: the list of credentials with their live status and share
//! actions (`partials/share.html`, one disclosure per credential), hiding and showing each one,
//! collections (create, edit, delete), adding an address, the download of everything (one zip
//! archive) and deleting the account. Every form carries the session's CSRF token; every
//! handler calls one use case and redirects (303) to a page that shows the result.

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use brevet_app::AppError;
use brevet_app::earners::{AddEmailOutcome, EarnerSession};
use brevet_app::wallet::{CollectionView, WalletEntry};
use brevet_core::share::ShareTargets;
use serde::Deserialize;
use serde_json::json;

use super::{
    WalletSession, check_wallet_csrf, clear_wallet_cookie, entry_view, notice_text, render,
    see_other, shown_error,
};
use crate::state::AppState;
use crate::web::session::{Halt, halt, no_store};
use crate::web::share::with_page_csp;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/wallet", get(wallet_page))
        .route("/wallet/items/{id}/visibility", post(set_visibility))
        .route("/wallet/items/{id}/wallet-app", get(wallet_app_offer))
        .route("/wallet/collections", post(create_collection))
        .route(
            "/wallet/collections/{id}",
            get(collection_edit_page).post(update_collection),
        )
        .route("/wallet/collections/{id}/delete", post(delete_collection))
        .route("/wallet/emails", post(add_email))
        .route("/wallet/export", get(export))
        .route("/wallet/delete", post(delete_account))
}

type PageResult = Result<Response, Halt>;

/// Ids in paths are opaque hex; anything else is not looked up.
fn plausible_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn error_page(state: &AppState, session: &EarnerSession, error: &AppError) -> Response {
    render(
        state,
        session,
        crate::error::status_of(error),
        "wallet/message.html",
        json!({"title": "Not done", "message": shown_error(error)}),
    )
}

fn bad_form(state: &AppState, session: &EarnerSession) -> Response {
    error_page(
        state,
        session,
        &AppError::bad_request("INVALID_FORM", "the form could not be read"),
    )
}

trait OrPage<T> {
    fn or_page(self, state: &AppState, session: &EarnerSession) -> Result<T, Halt>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn or_page(self, state: &AppState, session: &EarnerSession) -> Result<T, Halt> {
        self.map_err(|error| Halt::from(error_page(state, session, &error)))
    }
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

/// Renders the wallet page (status 200, or the status of a form that failed with `error`).
async fn wallet_response(
    state: &AppState,
    session: &EarnerSession,
    status: StatusCode,
    notice: Option<&str>,
    error: Option<String>,
) -> PageResult {
    let wallet = state.app.wallet(session).await.or_page(state, session)?;
    let shares = share_actions(state, &wallet.entries).await;
    let entries: Vec<_> = wallet
        .entries
        .iter()
        .zip(shares)
        .filter(|(entry, _)| entry.issued.is_some())
        .map(|(entry, share)| {
            let mut view = json!(entry_view(state, entry));
            view["share"] = json!(share);
            view
        })
        .collect();
    let imported = super::import::imported_views(&wallet.entries);
    let collections: Vec<_> = wallet.collections.iter().map(collection_json).collect();
    // The share actions' snippet previews keep their styles only under the share policy.
    Ok(with_page_csp(render(
        state,
        session,
        status,
        "wallet/wallet.html",
        json!({
            "title": "Your wallet",
            "entries": entries,
            "imported": imported,
            "collections": collections,
            "emails": wallet.emails,
            "notice": notice,
            "error": error,
        }),
    )))
}

/// The share actions of each entry, in order. Only a credential of this server that its earner
/// has not hidden has them: a hidden credential's page answers 404 to everyone else, so a link
/// to it would lead nowhere (the page asks the earner to show it publicly first). Without the
/// organisations' settings the wallet still shows, without share actions.
async fn share_actions(state: &AppState, entries: &[WalletEntry]) -> Vec<Option<ShareTargets>> {
    let shareable = |entry: &WalletEntry| !entry.hidden && entry.issued.is_some();
    let records: Vec<_> = entries
        .iter()
        .filter(|entry| shareable(entry))
        .filter_map(|entry| entry.issued.as_ref().map(|issued| &issued.record))
        .collect();
    let mut targets = match state.app.share_targets_of_many(&records).await {
        Ok(targets) => targets.into_iter(),
        Err(error) => {
            tracing::warn!(%error, "wallet share actions unavailable");
            return entries.iter().map(|_| None).collect();
        }
    };
    entries
        .iter()
        .map(|entry| shareable(entry).then(|| targets.next()).flatten())
        .collect()
}

fn collection_json(collection: &CollectionView) -> serde_json::Value {
    json!({
        "id": collection.id,
        "name": collection.name,
        "url": collection.url,
        "count": collection.item_ids.len(),
        "item_ids": collection.item_ids,
    })
}

async fn wallet_page(
    State(state): State<AppState>,
    WalletSession(session): WalletSession,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let notice = query.done.as_deref().and_then(notice_text);
    wallet_response(&state, &session, StatusCode::OK, notice, None).await
}

/// `GET /wallet/items/{id}/wallet-app`: a fresh OpenID4VCI credential offer (QR code and deep
/// link) for one of the earner's own credentials of this server, so that a wallet app receives a
/// copy bound to its key. Another earner's item, an imported one or an unknown id is not found.
async fn wallet_app_offer(
    State(state): State<AppState>,
    WalletSession(session): WalletSession,
    Path(id): Path<String>,
) -> PageResult {
    let not_found =
        |state: &AppState| -> PageResult { Ok(error_page(state, &session, &AppError::NotFound)) };
    if !plausible_id(&id) {
        return not_found(&state);
    }
    let wallet = state.app.wallet(&session).await.or_page(&state, &session)?;
    let Some(entry) = wallet.entries.iter().find(|entry| entry.item_id == id) else {
        return not_found(&state);
    };
    let Some(issued) = &entry.issued else {
        return not_found(&state);
    };
    let offer = state
        .app
        .offer_for_credential(&issued.record.org_id, &issued.record.id, &session.actor())
        .await
        .or_page(&state, &session)?;
    let title = entry_view(&state, entry).title;
    Ok(render(
        &state,
        &session,
        StatusCode::OK,
        "wallet/offer.html",
        json!({
            "title": "Add to a wallet app",
            "credential_title": title,
            "wallet_offer": crate::web::wallet_offer::context(&offer),
        }),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VisibilityForm {
    pub csrf: String,
    /// `1` to hide, `0` to show.
    pub hidden: String,
}

async fn set_visibility(
    State(state): State<AppState>,
    WalletSession(session): WalletSession,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<VisibilityForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, &session))?;
    check_wallet_csrf(&state, &headers, &session, &form.csrf)?;
    let hidden = match form.hidden.as_str() {
        "1" => true,
        "0" => false,
        _ => return halt(bad_form(&state, &session)),
    };
    if !plausible_id(&id) {
        return halt(error_page(&state, &session, &AppError::NotFound));
    }
    state
        .app
        .set_wallet_item_hidden(&session, &id, hidden)
        .await
        .or_page(&state, &session)?;
    Ok(see_other(if hidden {
        "/wallet?done=hidden"
    } else {
        "/wallet?done=shown"
    }))
}

/// A collection form: `csrf`, `name` and any number of `item` fields (checkboxes). Read as
/// pairs, since a form repeats `item`.
struct CollectionForm {
    csrf: String,
    name: String,
    items: Vec<String>,
}

impl CollectionForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> CollectionForm {
        let mut form = CollectionForm {
            csrf: String::new(),
            name: String::new(),
            items: Vec::new(),
        };
        for (key, value) in pairs {
            match key.as_str() {
                "csrf" => form.csrf = value,
                "name" => form.name = value,
                "item" => form.items.push(value),
                _ => {}
            }
        }
        form
    }
}

async fn create_collection(
    State(state): State<AppState>,
    WalletSession(session): WalletSession,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> PageResult {
    let Form(pairs) = form.map_err(|_| bad_form(&state, &session))?;
    let form = CollectionForm::from_pairs(pairs);
    check_wallet_csrf(&state, &headers, &session, &form.csrf)?;
    if form.items.iter().any(|id| !plausible_id(id)) {
        return halt(error_page(&state, &session, &AppError::NotFound));
    }
    match state
        .app
        .create_collection(&session, &form.name, &form.items)
        .await
    {
        Ok(_) => Ok(see_other("/wallet?done=collection-created#collections")),
        Err(error @ AppError::Invalid { .. }) => halt(
            wallet_response(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(error.to_string()),
            )
            .await?,
        ),
        Err(error) => halt(error_page(&state, &session, &error)),
    }
}

async fn collection_edit_page(
    State(state): State<AppState>,
    WalletSession(session): WalletSession,
    Path(id): Path<String>,
) -> PageResult {
    edit_page(&state, &session, &id, StatusCode::OK, None).await
}

async fn edit_page(
    state: &AppState,
    session: &EarnerSession,
    id: &str,
    status: StatusCode,
    error: Option<String>,
) -> PageResult {
    let wallet = state.app.wallet(session).await.or_page(state, session)?;
    let Some(collection) = wallet.collections.iter().find(|c| c.id == id) else {
        return halt(error_page(state, session, &AppError::NotFound));
    };
    // Collections hold credentials issued here only.
    let entries: Vec<_> = wallet
        .entries
        .iter()
        .filter(|entry| entry.issued.is_some())
        .map(|entry| entry_view(state, entry))
        .collect();
    Ok(render(
        state,
        session,
        status,
        "wallet/collection_edit.html",
        json!({
            "title": format!("Edit {}", collection.name),
            "collection": collection_json(collection),
            "entries": entries,
            "error": error,
        }),
    ))
}

async fn update_collection(
    State(state): State<AppState>,
    WalletSession(session): WalletSession,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> PageResult {
    let Form(pairs) = form.map_err(|_| bad_form(&state, &session))?;
    let form = CollectionForm::from_pairs(pairs);
    check_wallet_csrf(&state, &headers, &session, &form.csrf)?;
    if !plausible_id(&id) || form.items.iter().any(|item| !plausible_id(item)) {
        return halt(error_page(&state, &session, &AppError::NotFound));
    }
    match state
        .app
        .update_collection(&session, &id, &form.name, &form.items)
        .await
    {
        Ok(()) => Ok(see_other("/wallet?done=collection-saved#collections")),
        Err(error @ AppError::Invalid { .. }) => halt(
            edit_page(
                &state,
                &session,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(error.to_string()),
            )
            .await?,
        ),
        Err(error) => halt(error_page(&state, &session, &error)),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    pub csrf: String,
}

async fn delete_collection(
    State(state): State<AppState>,
    WalletSession(session): WalletSession,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, &session))?;
    check_wallet_csrf(&state, &headers, &session, &form.csrf)?;
    if !plausible_id(&id) {
        return halt(error_page(&state, &session, &AppError::NotFound));
    }
    state
        .app
        .delete_collection(&session, &id)
        .await
        .or_page(&state, &session)?;
    Ok(see_other("/wallet?done=collection-deleted#collections"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    pub csrf: String,
    pub email: String,
}

async fn add_email(
    State(state): State<AppState>,
    WalletSession(session): WalletSession,
    headers: HeaderMap,
    form: Result<Form<EmailForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, &session))?;
    check_wallet_csrf(&state, &headers, &session, &form.csrf)?;
    match state
        .app
        .request_email_addition(&session, &form.email)
        .await
    {
        Ok(AddEmailOutcome::LinkSent) => Ok(see_other("/wallet?done=email-sent#addresses")),
        Ok(AddEmailOutcome::AlreadyYours) => Ok(see_other("/wallet?done=email-yours#addresses")),
        Err(error @ (AppError::Invalid { .. } | AppError::Unavailable(_))) => {
            let status = if matches!(error, AppError::Unavailable(_)) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            halt(wallet_response(&state, &session, status, None, Some(error.to_string())).await?)
        }
        Err(error) => halt(error_page(&state, &session, &error)),
    }
}

/// `GET /wallet/export`: everything in one zip archive.
async fn export(
    State(state): State<AppState>,
    WalletSession(session): WalletSession,
) -> PageResult {
    let bytes = state
        .app
        .wallet_export(&session)
        .await
        .or_page(&state, &session)?;
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"brevet-wallet.zip\""),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    no_store(&mut response);
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    pub csrf: String,
    /// The checkbox that says the earner understands (`yes`).
    pub confirm: String,
}

async fn delete_account(
    State(state): State<AppState>,
    WalletSession(session): WalletSession,
    headers: HeaderMap,
    form: Result<Form<DeleteForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, &session))?;
    check_wallet_csrf(&state, &headers, &session, &form.csrf)?;
    if form.confirm != "yes" {
        return halt(
            wallet_response(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some("Tick the box to confirm that you want to delete your wallet.".to_owned()),
            )
            .await?,
        );
    }
    state
        .app
        .delete_earner(&session)
        .await
        .or_page(&state, &session)?;
    let mut response = see_other("/wallet/signin?done=deleted");
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_wallet_cookie(&state));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_forms_keep_every_item() {
        let form = CollectionForm::from_pairs(vec![
            ("csrf".into(), "t".into()),
            ("name".into(), "Rust".into()),
            ("item".into(), "a".into()),
            ("item".into(), "b".into()),
            ("other".into(), "x".into()),
        ]);
        assert_eq!(form.csrf, "t");
        assert_eq!(form.name, "Rust");
        assert_eq!(form.items, ["a", "b"]);
    }

    #[test]
    fn only_plausible_ids_are_looked_up() {
        assert!(plausible_id("0123456789abcdef0123456789abcdef"));
        assert!(!plausible_id("../x"));
        assert!(!plausible_id(""));
    }
}
