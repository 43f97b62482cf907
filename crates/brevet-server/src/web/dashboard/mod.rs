//! The dashboard under `/dashboard` and the sign-in pages under `/auth`: server-rendered, no
//! JavaScript needed. Every page needs a session (see [`crate::web::session`]); every form
//! that changes something carries the session's CSRF token; every response is `no-store`.
//! Handlers parse the form, call one use case of `brevet-app` (which checks the role and writes
//! the audit log) and redirect (303) to a page that shows the result.
//!
//! One file per page group: [`signin`] (sign in and out, password reset, invitations),
//! [`overview`] (home, organisation switcher, password change), [`achievements`] (list, create,
//! edit, archive, image upload through [`forms`]), [`credentials`] (list, detail,
//! status changes, reissue), [`award`], [`keys`] (API keys and OAuth clients), [`members`],
//! [`settings`] (with [`certificate`], the certificate design).

pub mod achievements;
pub mod award;
pub mod certificate;
pub mod credentials;
pub mod forms;
pub mod keys;
pub mod members;
pub mod overview;
pub mod settings;
pub mod signin;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use brevet_app::sessions::SessionContext;
use brevet_app::{AppError, Principal};
use serde_json::{Map, Value, json};

use crate::error::status_of;
use crate::state::AppState;
use crate::web::session::{Halt, check_csrf, no_store};

pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "dashboard/base.html",
        include_str!("../../../templates/dashboard/base.html"),
    ),
    (
        "dashboard/error.html",
        include_str!("../../../templates/dashboard/error.html"),
    ),
    (
        "dashboard/overview.html",
        include_str!("../../../templates/dashboard/overview.html"),
    ),
    (
        "dashboard/password.html",
        include_str!("../../../templates/dashboard/password.html"),
    ),
    (
        "dashboard/credentials.html",
        include_str!("../../../templates/dashboard/credentials.html"),
    ),
    (
        "dashboard/credential.html",
        include_str!("../../../templates/dashboard/credential.html"),
    ),
    (
        "dashboard/achievements.html",
        include_str!("../../../templates/dashboard/achievements.html"),
    ),
    (
        "dashboard/achievement_form.html",
        include_str!("../../../templates/dashboard/achievement_form.html"),
    ),
    (
        "dashboard/award.html",
        include_str!("../../../templates/dashboard/award.html"),
    ),
    (
        "dashboard/api_keys.html",
        include_str!("../../../templates/dashboard/api_keys.html"),
    ),
    (
        "dashboard/oauth_clients.html",
        include_str!("../../../templates/dashboard/oauth_clients.html"),
    ),
    (
        "dashboard/secret.html",
        include_str!("../../../templates/dashboard/secret.html"),
    ),
    (
        "dashboard/members.html",
        include_str!("../../../templates/dashboard/members.html"),
    ),
    (
        "dashboard/settings.html",
        include_str!("../../../templates/dashboard/settings.html"),
    ),
    (
        "dashboard/certificate_settings.html",
        include_str!("../../../templates/dashboard/certificate_settings.html"),
    ),
    (
        "auth/login.html",
        include_str!("../../../templates/auth/login.html"),
    ),
    (
        "auth/reset_request.html",
        include_str!("../../../templates/auth/reset_request.html"),
    ),
    (
        "auth/reset.html",
        include_str!("../../../templates/auth/reset.html"),
    ),
    (
        "auth/invitation.html",
        include_str!("../../../templates/auth/invitation.html"),
    ),
    (
        "auth/message.html",
        include_str!("../../../templates/auth/message.html"),
    ),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(signin::routes())
        .merge(overview::routes())
        .merge(credentials::routes())
        .merge(award::routes())
        .merge(achievements::routes())
        .merge(keys::routes())
        .merge(members::routes())
        .merge(settings::routes())
        .merge(certificate::routes())
}

/// What a handler answers: the page, or an error page / refusal.
pub type PageResult = Result<Response, Halt>;

/// The fixed messages a redirect can ask the next page to show (`?done=...`); nothing the
/// request says is echoed.
fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "awarded" => "The credential was awarded.",
        "revoked" => "The credential was revoked.",
        "suspended" => "The credential was suspended.",
        "reinstated" => "The credential was reinstated.",
        "key-revoked" => "The API key was revoked.",
        "client-revoked" => "The OAuth client was revoked; its tokens no longer work.",
        "invited" => "The invitation was sent.",
        "withdrawn" => "The invitation was withdrawn.",
        "role-changed" => "The member's role was changed.",
        "removed" => "The member was removed.",
        "saved" => "The changes were saved.",
        "rotated" => {
            "A new signing key is active; the old one stays published for old credentials."
        }
        "password-changed" => "Your password was changed; your other sessions were signed out.",
        "switched" => "You are now working in this organisation.",
        "joined" => "Welcome: you joined the organisation.",
        "created" => "Created.",
        "archived" => "Archived.",
        "restored" => "Restored.",
        _ => return None,
    })
}

/// The notice named by a `done` query parameter.
pub fn notice(done: Option<&str>) -> Option<&'static str> {
    done.and_then(notice_text)
}

fn session_context(session: &SessionContext) -> Map<String, Value> {
    let role = session.current.as_ref().map(|current| current.role);
    let mut context = Map::new();
    context.insert("user".into(), json!(session.user));
    context.insert("csrf".into(), json!(session.csrf_token));
    context.insert("orgs".into(), json!(session.memberships));
    context.insert("org".into(), json!(session.current));
    context.insert(
        "can_issue".into(),
        json!(role.is_some_and(|role| role.can_issue())),
    );
    context.insert(
        "can_admin".into(),
        json!(role.is_some_and(|role| role.can_administer())),
    );
    context
}

/// Renders a dashboard page: `context` plus the session's user, organisations, role flags and
/// CSRF token; `notice` and `error` are always defined.
pub fn render(
    state: &AppState,
    session: &SessionContext,
    status: StatusCode,
    template: &str,
    nav: &str,
    context: Value,
) -> Response {
    let mut full = session_context(session);
    full.insert("nav".into(), json!(nav));
    full.insert("notice".into(), Value::Null);
    full.insert("error".into(), Value::Null);
    if let Value::Object(extra) = context {
        full.extend(extra);
    }
    let mut response = state
        .web
        .render_status(status, template, Value::Object(full));
    no_store(&mut response);
    response
}

/// The page for a failed use case: its status and message (internal details are logged, not
/// shown).
pub fn error_page(
    state: &AppState,
    session: Option<&SessionContext>,
    error: &AppError,
) -> Response {
    let status = status_of(error);
    let message = match error {
        AppError::Internal(detail) => {
            tracing::error!(error = %detail, "internal error");
            "Something went wrong on our side.".to_owned()
        }
        AppError::NotFound => {
            "This page does not exist, or it belongs to another organisation.".to_owned()
        }
        AppError::Forbidden(_) => "Your role in this organisation does not allow this.".to_owned(),
        other => other.to_string(),
    };
    let mut context = match session {
        Some(session) => session_context(session),
        None => Map::new(),
    };
    context.insert("signed_in".into(), json!(session.is_some()));
    context.insert(
        "title".into(),
        json!(status.canonical_reason().unwrap_or("Error")),
    );
    context.insert("status".into(), json!(status.as_u16()));
    context.insert("message".into(), json!(message));
    context.insert("nav".into(), json!(""));
    context.insert("notice".into(), Value::Null);
    context.insert("error".into(), Value::Null);
    let mut response =
        state
            .web
            .render_status(status, "dashboard/error.html", Value::Object(context));
    no_store(&mut response);
    response
}

/// A 303 to `to`, not stored.
pub fn see_other(to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    no_store(&mut response);
    response
}

/// A form that could not be read (400).
pub fn bad_form(state: &AppState, session: Option<&SessionContext>) -> Response {
    error_page(
        state,
        session,
        &AppError::bad_request("INVALID_FORM", "the form could not be read"),
    )
}

/// Turns a use case's error into the error page.
pub trait OrPage<T> {
    fn or_page(self, state: &AppState, session: &SessionContext) -> Result<T, Halt>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn or_page(self, state: &AppState, session: &SessionContext) -> Result<T, Halt> {
        self.map_err(|error| Halt::from(error_page(state, Some(session), &error)))
    }
}

/// The principal of the session's current organisation, or the error page.
pub fn principal(state: &AppState, session: &SessionContext) -> Result<Principal, Halt> {
    session.principal().or_page(state, session)
}

/// Checks the CSRF token of a state-changing form, then gives the principal.
pub fn guard(
    state: &AppState,
    headers: &HeaderMap,
    session: &SessionContext,
    csrf: &str,
) -> Result<Principal, Halt> {
    check_csrf(state, headers, session, csrf)?;
    principal(state, session)
}

/// Formats unix seconds as `YYYY-MM-DD HH:MM UTC` for pages.
pub fn when(unix: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(unix) {
        Ok(at) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute()
        ),
        Err(_) => unix.to_string(),
    }
}
