//! What the public sees of wallets: a collection's page at `/collections/{id}` (its name and
//! the credentials in it that are not hidden, each linking to its own page), and the rule for
//! a hidden credential's pages: the same 404 as for an id that does not exist, for everyone
//! but its earner (signed in to the wallet) and the members of its issuing organisation
//! (signed in to the dashboard). [`page_access`] decides; the credential page and its JSON
//! download ask it first.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use brevet_app::AppError;
use serde_json::json;

use super::{entry_view, wallet_session_of};
use crate::state::AppState;
use crate::web::session::{SESSION_COOKIE, cookie, no_store};

pub fn routes() -> Router<AppState> {
    Router::new().route("/collections/{id}", get(collection_page))
}

/// Who may see a credential's public pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageAccess {
    /// Not hidden (or no such credential): the public page as usual.
    Public,
    /// Hidden, and this visitor is its earner or a member of its issuing organisation: shown,
    /// never stored by a cache.
    Private,
    /// Hidden from this visitor: answer exactly as for an id that does not exist.
    Denied,
}

impl PageAccess {
    /// The `Cache-Control` of a page or file that is `public_policy` when public.
    pub fn cache_control(self, public_policy: &'static str) -> HeaderValue {
        match self {
            PageAccess::Public => HeaderValue::from_static(public_policy),
            PageAccess::Private | PageAccess::Denied => {
                HeaderValue::from_static("private, no-store")
            }
        }
    }
}

/// Who may see the credential with public id `id`. A failure to decide denies (fails closed).
pub async fn page_access(state: &AppState, headers: &HeaderMap, id: &str) -> PageAccess {
    let hidden = match state.app.credential_hidden(id).await {
        Ok(None) | Err(AppError::NotFound) => return PageAccess::Public,
        Ok(Some(hidden)) => hidden,
        Err(error) => {
            tracing::error!(%error, "visibility of a credential unknown; treated as hidden");
            return PageAccess::Denied;
        }
    };
    let earner = wallet_session_of(state, headers).await;
    let org_ids: Vec<String> = match cookie(headers, SESSION_COOKIE) {
        Some(token) => match state.app.session(&token).await {
            Ok(session) => session
                .memberships
                .into_iter()
                .map(|membership| membership.org_id)
                .collect(),
            Err(_) => Vec::new(),
        },
        None => Vec::new(),
    };
    if hidden.visible_to(
        earner.as_ref().map(|session| session.earner_id.as_str()),
        &org_ids,
    ) {
        PageAccess::Private
    } else {
        PageAccess::Denied
    }
}

/// Collection ids are 32 hex characters; anything else is not looked up.
fn plausible_collection_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn collection_not_found(state: &AppState) -> Response {
    state.web.render_status(
        StatusCode::NOT_FOUND,
        "not_found.html",
        json!({
            "title": "Not found · Brevet",
            "heading": "Not found",
            "message": "There is no collection at this address. Check the link you were given.",
        }),
    )
}

async fn collection_page(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    if !plausible_collection_id(&id) {
        return collection_not_found(&state);
    }
    let collection = match state.app.public_collection(&id).await {
        Ok(collection) => collection,
        Err(AppError::NotFound) => return collection_not_found(&state),
        Err(error) => {
            tracing::error!(%error, "collection page unavailable");
            let mut response = state.web.render_status(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_found.html",
                json!({
                    "title": "Unavailable · Brevet",
                    "heading": "Temporarily unavailable",
                    "message": "This collection cannot be shown right now. Please try again in a moment.",
                }),
            );
            no_store(&mut response);
            return response;
        }
    };
    let entries: Vec<_> = collection
        .entries
        .iter()
        .filter(|entry| entry.issued.is_some())
        .map(|entry| entry_view(&state, entry))
        .collect();
    let mut response = state.web.render(
        "wallet/collection.html",
        json!({
            "title": format!("{} · Brevet", crate::web::inert(&collection.name)),
            "name": crate::web::inert(&collection.name),
            "page_url": state.app.collection_url(&collection.id),
            "entries": entries,
        }),
    );
    // Hiding a credential or changing the collection shows at once.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_collection_ids_are_looked_up() {
        assert!(plausible_collection_id("0123456789abcdef0123456789abcdef"));
        assert!(!plausible_collection_id("0123"));
        assert!(!plausible_collection_id("0123456789abcdef0123456789abcdeg"));
    }
}
