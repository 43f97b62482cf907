//! Issued credentials: the list (search by recipient or achievement, newest first, paged by
//! cursor), one credential with its status and its JSON, and the revoke / suspend / reinstate
//! form. Credential text is shown inert.

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Form, Router};
use brevet_app::AppError;
use brevet_app::credentials::CredentialView;
use brevet_app::status::StatusChange;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{OrPage, PageResult, bad_form, guard, notice, principal, render, see_other, when};
use crate::state::AppState;
use crate::web::inert;
use crate::web::session::{Session, halt};

/// Credentials per page of the list.
const PAGE_SIZE: i64 = 25;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/credentials", get(list))
        .route("/dashboard/credentials/{id}", get(detail))
        .route("/dashboard/credentials/{id}/status", post(change_status))
}

fn optional_inert(text: Option<&str>) -> Value {
    text.map_or(Value::Null, |text| json!(inert(text)))
}

/// A short status word: revoked, suspended, expired or active.
fn status_word(view: &CredentialView, now: i64) -> &'static str {
    let set = |purpose: &str| {
        view.status
            .iter()
            .any(|status| status.purpose == purpose && status.set)
    };
    if set("revocation") {
        "revoked"
    } else if set("suspension") {
        "suspended"
    } else if view.valid_until.is_some_and(|until| until < now) {
        "expired"
    } else {
        "active"
    }
}

/// The list rows of credentials (shared with the overview).
pub fn credential_rows(items: &[CredentialView]) -> Vec<Value> {
    items
        .iter()
        .map(|view| {
            json!({
                "id": view.id,
                "achievement": inert(&view.achievement_name),
                "recipient_name": optional_inert(view.recipient.name.as_deref()),
                "recipient_email": optional_inert(view.recipient.email.as_deref()),
                "recipient_did": optional_inert(view.recipient.did.as_deref()),
                "issued": when(view.issued_at),
                "status": status_word(view, i64::MAX),
            })
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: Option<String>,
    pub cursor: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    Session(session): Session,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let principal = principal(&state, &session)?;
    let search = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let page = state
        .app
        .list_credentials(
            &principal,
            search,
            None,
            PAGE_SIZE,
            query.cursor.as_deref().filter(|cursor| !cursor.is_empty()),
        )
        .await
        .or_page(&state, &session)?;
    let now = state.app.now_unix();
    let mut rows = credential_rows(&page.items);
    for (row, view) in rows.iter_mut().zip(&page.items) {
        row["status"] = json!(status_word(view, now));
    }
    Ok(render(
        &state,
        &session,
        StatusCode::OK,
        "dashboard/credentials.html",
        "credentials",
        json!({
            "title": "Credentials",
            "q": search.unwrap_or_default(),
            "rows": rows,
            "next_href": page.next_cursor.as_deref().map(|cursor| format!(
                "/dashboard/credentials?q={}&cursor={}",
                query_value(search.unwrap_or_default()),
                query_value(cursor)
            )),
            "first_href": query.cursor.is_some().then(|| format!(
                "/dashboard/credentials?q={}",
                query_value(search.unwrap_or_default())
            )),
        }),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DetailQuery {
    pub done: Option<String>,
}

async fn detail(
    State(state): State<AppState>,
    Session(session): Session,
    Path(id): Path<String>,
    Query(query): Query<DetailQuery>,
) -> PageResult {
    let principal = principal(&state, &session)?;
    let view = state
        .app
        .credential_view(&principal, &id)
        .await
        .or_page(&state, &session)?;
    let status: Vec<Value> = view
        .status
        .iter()
        .map(|status| {
            json!({
                "purpose": status.purpose,
                "set": status.set,
                "reason": optional_inert(status.reason.as_deref()),
                "changed": status.changed_at.map(when),
            })
        })
        .collect();
    let json_text = serde_json::to_string_pretty(&view.credential).unwrap_or_default();
    let suspended = view
        .status
        .iter()
        .any(|status| status.purpose == "suspension" && status.set);
    let revoked = view
        .status
        .iter()
        .any(|status| status.purpose == "revocation" && status.set);
    Ok(render(
        &state,
        &session,
        StatusCode::OK,
        "dashboard/credential.html",
        "credentials",
        json!({
            "title": format!("Credential: {}", inert(&view.achievement_name)),
            "notice": notice(query.done.as_deref()),
            "credential": {
                "id": view.id,
                "page": format!("/c/{}", view.id),
                "achievement": inert(&view.achievement_name),
                "recipient_name": optional_inert(view.recipient.name.as_deref()),
                "recipient_email": optional_inert(view.recipient.email.as_deref()),
                "recipient_did": optional_inert(view.recipient.did.as_deref()),
                "issued": when(view.issued_at),
                "valid_from": view.valid_from.map(when),
                "valid_until": view.valid_until.map(when),
                "supersedes": view.supersedes,
                "superseded_by": view.superseded_by,
                "state": status_word(&view, state.app.now_unix()),
                "revoked": revoked,
                "suspended": suspended,
                "status": status,
                "json": inert(&json_text),
            },
        }),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    pub csrf: String,
    /// `revoke`, `suspend` or `reinstate`.
    pub action: String,
    pub reason: String,
}

async fn change_status(
    State(state): State<AppState>,
    Session(session): Session,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<StatusForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    let principal = guard(&state, &headers, &session, &form.csrf)?;
    let (purpose, set, done) = match form.action.as_str() {
        "revoke" => ("revocation", true, "revoked"),
        "suspend" => ("suspension", true, "suspended"),
        "reinstate" => ("suspension", false, "reinstated"),
        _ => {
            return halt(super::error_page(
                &state,
                Some(&session),
                &AppError::bad_request(
                    "INVALID_ACTION",
                    "the action must be revoke, suspend or reinstate",
                ),
            ));
        }
    };
    let reason = Some(form.reason.trim().to_owned()).filter(|reason| !reason.is_empty());
    state
        .app
        .set_status(
            &principal,
            &StatusChange {
                credential: id.clone(),
                purpose: purpose.to_owned(),
                set,
                reason,
            },
        )
        .await
        .or_page(&state, &session)?;
    Ok(see_other(&format!(
        "/dashboard/credentials/{}?done={done}",
        url_segment(&id)
    )))
}

/// `text` percent-encoded for a query string value.
fn query_value(text: &str) -> String {
    url_segment(text)
}

/// `text` safe to put in a URL path segment (ids are hex; anything else is percent-encoded).
pub fn url_segment(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
