//! Signing in to the wallet without a password: the form that mails a sign-in link (it answers
//! the same whether or not the address has a wallet or credentials), and the page a mailed link
//! opens. Opening a link changes nothing: the page asks for one click (a POST), so that mail
//! scanners that fetch links do not use them up. A claim or sign-in link then signs in; an
//! address verification link adds the address to the wallet signed in in this browser.

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use brevet_app::AppError;
use brevet_app::earners::LinkKind;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    WalletSession, check_wallet_csrf, clear_wallet_cookie, message, private_page, see_other,
    wallet_cookie, wallet_session_of,
};
use crate::state::AppState;
use crate::web::session::{ClientAddress, Halt, check_form_token, form_token, halt};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/wallet/signin", get(signin_page).post(signin))
        .route("/wallet/link/{token}", get(link_page).post(use_link))
        .route("/wallet/signout", post(signout))
}

/// The one answer to every well-formed sign-in link request (PRIV-01).
pub const LINK_SENT: &str = "If this address has a Brevet wallet or was sent a credential, we \
     have sent it a sign-in link. The link works once, for one hour. Check your mail.";

type PageResult = Result<Response, Halt>;

/// Renders a page shown before sign-in, with its double-submit form token.
fn anonymous_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    template: &str,
    mut context: Value,
) -> Response {
    let (token, set_cookie) = form_token(state, headers);
    if let Value::Object(map) = &mut context {
        map.insert("csrf".into(), json!(token));
        map.entry("error").or_insert(Value::Null);
        map.entry("notice").or_insert(Value::Null);
    }
    let mut response = state.web.render_status(status, template, context);
    if let Some(set_cookie) = set_cookie {
        response
            .headers_mut()
            .append(header::SET_COOKIE, set_cookie);
    }
    private_page(&mut response);
    response
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

async fn signin_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<DoneQuery>,
) -> Response {
    if wallet_session_of(&state, &headers).await.is_some() {
        return see_other("/wallet");
    }
    let notice = match query.done.as_deref() {
        Some("signed-out") => Some("You are signed out of your wallet."),
        Some("deleted") => Some(
            "Your wallet and everything in it were deleted. The credentials stay valid: their \
             issuers keep their records.",
        ),
        _ => None,
    };
    anonymous_page(
        &state,
        &headers,
        StatusCode::OK,
        "wallet/signin.html",
        json!({"title": "Your wallet", "email": "", "notice": notice}),
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SigninForm {
    pub csrf: String,
    pub email: String,
}

async fn signin(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    form: Result<Form<SigninForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state))?;
    check_form_token(&state, &headers, &form.csrf)?;
    match state
        .app
        .request_wallet_link(&form.email, client.as_deref())
        .await
    {
        Ok(()) => Ok(anonymous_page(
            &state,
            &headers,
            StatusCode::OK,
            "wallet/signin.html",
            json!({"title": "Check your mail", "email": "", "sent": LINK_SENT}),
        )),
        Err(AppError::Unavailable(text)) => halt(anonymous_page(
            &state,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            "wallet/signin.html",
            json!({"title": "Your wallet", "email": form.email.trim(), "error": text}),
        )),
        Err(error) => halt(anonymous_page(
            &state,
            &headers,
            crate::error::status_of(&error),
            "wallet/signin.html",
            json!({"title": "Your wallet", "email": form.email.trim(), "error": error.to_string()}),
        )),
    }
}

fn bad_form(state: &AppState) -> Response {
    message(
        state,
        StatusCode::BAD_REQUEST,
        "Form not readable",
        "The form could not be read. Go back, reload the page and try again.",
    )
}

fn link_not_valid(state: &AppState, error: &AppError) -> Response {
    message(
        state,
        crate::error::status_of(error),
        "Link not valid",
        &error.to_string(),
    )
}

/// Links are 256-bit secrets with a short prefix; anything else is not looked up.
fn plausible_token(token: &str) -> bool {
    (10..=100).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn not_valid() -> AppError {
    AppError::invalid(
        "INVALID_LINK",
        "this link is invalid, was already used or has expired; ask for a new sign-in link",
    )
}

async fn link_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !plausible_token(&token) {
        return link_not_valid(&state, &not_valid());
    }
    match state.app.wallet_link_kind(&token).await {
        Ok(LinkKind::SignIn) => anonymous_page(
            &state,
            &headers,
            StatusCode::OK,
            "wallet/link.html",
            json!({"title": "Open your wallet", "kind": "signin", "token": token}),
        ),
        Ok(LinkKind::AddEmail) => match wallet_session_of(&state, &headers).await {
            Some(session) => super::render(
                &state,
                &session,
                StatusCode::OK,
                "wallet/link.html",
                json!({"title": "Add an address", "kind": "add-email", "token": token}),
            ),
            None => message(
                &state,
                StatusCode::UNAUTHORIZED,
                "Sign in first",
                "This link adds an address to a wallet. Open it in the browser where you are \
                 signed in to that wallet (sign in there first, then open the link again).",
            ),
        },
        Err(error) => link_not_valid(&state, &error),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub csrf: String,
}

async fn use_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    form: Result<Form<LinkForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state))?;
    if !plausible_token(&token) {
        return halt(link_not_valid(&state, &not_valid()));
    }
    let kind = state
        .app
        .wallet_link_kind(&token)
        .await
        .map_err(|error| link_not_valid(&state, &error))?;
    match kind {
        LinkKind::SignIn => {
            check_form_token(&state, &headers, &form.csrf)?;
            let previous = wallet_session_of(&state, &headers).await;
            let session = state
                .app
                .sign_in_with_link(&token)
                .await
                .map_err(|error| link_not_valid(&state, &error))?;
            // Signing in as the link's owner ends another wallet session of this browser.
            if let Some(previous) = previous
                && let Err(error) = state.app.wallet_sign_out(&previous).await
            {
                tracing::warn!(%error, "the previous wallet session could not be ended");
            }
            let mut response = see_other("/wallet");
            response.headers_mut().append(
                header::SET_COOKIE,
                wallet_cookie(&state, &session.token, session.max_age),
            );
            Ok(response)
        }
        LinkKind::AddEmail => {
            let Some(session) = wallet_session_of(&state, &headers).await else {
                return halt(message(
                    &state,
                    StatusCode::UNAUTHORIZED,
                    "Sign in first",
                    "Sign in to your wallet in this browser, then open the link again.",
                ));
            };
            check_wallet_csrf(&state, &headers, &session, &form.csrf)?;
            match state.app.confirm_email_addition(&session, &token).await {
                Ok(_) => Ok(see_other("/wallet?done=email-added")),
                Err(error @ AppError::Conflict(_)) => halt(message(
                    &state,
                    StatusCode::CONFLICT,
                    "Address not added",
                    &error.to_string(),
                )),
                Err(error) => halt(link_not_valid(&state, &error)),
            }
        }
    }
}

async fn signout(
    State(state): State<AppState>,
    WalletSession(session): WalletSession,
    headers: HeaderMap,
    form: Result<Form<LinkForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state))?;
    check_wallet_csrf(&state, &headers, &session, &form.csrf)?;
    state.app.wallet_sign_out(&session).await.map_err(|error| {
        message(
            &state,
            crate::error::status_of(&error),
            "Not signed out",
            &super::shown_error(&error),
        )
    })?;
    let mut response = see_other("/wallet/signin?done=signed-out");
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_wallet_cookie(&state));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plausible_tokens_are_looked_up() {
        assert!(plausible_token(&format!("brw_{}", "a".repeat(64))));
        assert!(!plausible_token("short"));
        assert!(!plausible_token("brw_../../etc"));
        assert!(!plausible_token(&"a".repeat(101)));
    }
}
