//! Signing in and out, password reset by email, and accepting an invitation. These forms are
//! shown before there is a session, so they carry the double-submit form token. A wrong
//! password and an unknown email get the same page; a reset request gets the same page whether
//! or not the address has an account.

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use brevet_app::AppError;
use brevet_app::sessions::LoginError;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{PageResult, bad_form, error_page, see_other};
use crate::state::AppState;
use crate::web::session::{
    ClientAddress, SESSION_COOKIE, Session, check_csrf, check_form_token, clear_session_cookie,
    cookie, form_token, halt, no_store, session_cookie,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", get(login_page).post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/reset", get(reset_request_page).post(reset_request))
        .route("/auth/reset/{token}", get(reset_page).post(reset))
        .route(
            "/auth/invitation/{token}",
            get(invitation_page).post(accept_invitation),
        )
}

/// Renders an anonymous page with its form token (setting the cookie when it is new).
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
    no_store(&mut response);
    // These pages may carry a single-use token in their URL: never send it on.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn message_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    title: &str,
    message: &str,
) -> Response {
    anonymous_page(
        state,
        headers,
        status,
        "auth/message.html",
        json!({"title": title, "message": message}),
    )
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<DoneQuery>,
) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE)
        && state.app.session(&token).await.is_ok()
    {
        return see_other("/dashboard");
    }
    let notice = match query.done.as_deref() {
        Some("signed-out") => Some("You are signed out."),
        Some("reset") => Some("Your password was changed. Sign in with the new one."),
        _ => None,
    };
    anonymous_page(
        &state,
        &headers,
        StatusCode::OK,
        "auth/login.html",
        json!({"title": "Sign in", "email": "", "notice": notice}),
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    pub csrf: String,
    pub email: String,
    pub password: String,
}

async fn login(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, None))?;
    check_form_token(&state, &headers, &form.csrf)?;
    let failed = |status: StatusCode, message: &str| {
        anonymous_page(
            &state,
            &headers,
            status,
            "auth/login.html",
            json!({"title": "Sign in", "email": form.email.trim(), "error": message}),
        )
    };
    match state
        .app
        .login(&form.email, &form.password, client.as_deref())
        .await
    {
        Ok(session) => {
            let mut response = see_other("/dashboard");
            response.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(&state, &session.token, session.max_age),
            );
            Ok(response)
        }
        Err(LoginError::WrongCredentials) => {
            halt(failed(StatusCode::UNAUTHORIZED, "Wrong email or password."))
        }
        Err(LoginError::Throttled) => halt(failed(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed attempts. Wait a few minutes and try again.",
        )),
        Err(LoginError::App(error)) => halt(error_page(&state, None, &error)),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfOnly {
    pub csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    Session(session): Session,
    headers: HeaderMap,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    check_csrf(&state, &headers, &session, &form.csrf)?;
    state
        .app
        .logout(&session)
        .await
        .map_err(|error| error_page(&state, Some(&session), &error))?;
    let mut response = see_other("/auth/login?done=signed-out");
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_session_cookie(&state));
    Ok(response)
}

async fn reset_request_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    anonymous_page(
        &state,
        &headers,
        StatusCode::OK,
        "auth/reset_request.html",
        json!({"title": "Reset your password", "email": ""}),
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetRequestForm {
    pub csrf: String,
    pub email: String,
}

/// The one answer to every well-formed reset request.
pub const RESET_SENT: &str = "If an account exists for this address, we have sent it a link to \
     choose a new password. The link works once, for one hour.";

async fn reset_request(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    form: Result<Form<ResetRequestForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, None))?;
    check_form_token(&state, &headers, &form.csrf)?;
    match state
        .app
        .request_password_reset(&form.email, client.as_deref())
        .await
    {
        Ok(()) => Ok(message_page(
            &state,
            &headers,
            StatusCode::OK,
            "Check your mail",
            RESET_SENT,
        )),
        Err(AppError::Unavailable(message)) => halt(message_page(
            &state,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests",
            &message,
        )),
        Err(error) => halt(anonymous_page(
            &state,
            &headers,
            crate::error::status_of(&error),
            "auth/reset_request.html",
            json!({"title": "Reset your password", "email": form.email.trim(), "error": error.to_string()}),
        )),
    }
}

async fn reset_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    match state.app.password_reset_is_valid(&token).await {
        Ok(()) => anonymous_page(
            &state,
            &headers,
            StatusCode::OK,
            "auth/reset.html",
            json!({"title": "Choose a new password", "token": token}),
        ),
        Err(error) => message_page(
            &state,
            &headers,
            crate::error::status_of(&error),
            "Link not valid",
            &error.to_string(),
        ),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewPasswordForm {
    pub csrf: String,
    pub name: String,
    pub password: String,
    pub password_again: String,
}

async fn reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    form: Result<Form<NewPasswordForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, None))?;
    check_form_token(&state, &headers, &form.csrf)?;
    let again = |status: StatusCode, message: &str| {
        anonymous_page(
            &state,
            &headers,
            status,
            "auth/reset.html",
            json!({"title": "Choose a new password", "token": token, "error": message}),
        )
    };
    if form.password != form.password_again {
        return halt(again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The two passwords are not the same.",
        ));
    }
    match state.app.reset_password(&token, &form.password).await {
        Ok(()) => Ok(see_other("/auth/login?done=reset")),
        Err(
            error @ AppError::Invalid {
                code: "INVALID_LINK",
                ..
            },
        ) => halt(message_page(
            &state,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Link not valid",
            &error.to_string(),
        )),
        Err(error @ AppError::Invalid { .. }) => {
            halt(again(StatusCode::UNPROCESSABLE_ENTITY, &error.to_string()))
        }
        Err(error) => halt(error_page(&state, None, &error)),
    }
}

async fn invitation_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    match state.app.invitation_preview(&token).await {
        Ok(preview) => anonymous_page(
            &state,
            &headers,
            StatusCode::OK,
            "auth/invitation.html",
            json!({"title": "Join an organisation", "token": token, "invitation": preview, "name": ""}),
        ),
        Err(error) => message_page(
            &state,
            &headers,
            crate::error::status_of(&error),
            "Invitation not valid",
            &error.to_string(),
        ),
    }
}

async fn accept_invitation(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    form: Result<Form<NewPasswordForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, None))?;
    check_form_token(&state, &headers, &form.csrf)?;
    let preview = state
        .app
        .invitation_preview(&token)
        .await
        .map_err(|error| {
            message_page(
                &state,
                &headers,
                crate::error::status_of(&error),
                "Invitation not valid",
                &error.to_string(),
            )
        })?;
    let again = |message: &str| {
        anonymous_page(
            &state,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            "auth/invitation.html",
            json!({"title": "Join an organisation", "token": token, "invitation": preview,
                   "name": form.name.trim(), "error": message}),
        )
    };
    if !preview.has_account && form.password != form.password_again {
        return halt(again("The two passwords are not the same."));
    }
    let password = (!preview.has_account).then_some(form.password.as_str());
    match state
        .app
        .accept_invitation(&token, Some(&form.name), password)
        .await
    {
        Ok(accepted) => match accepted.session {
            Some(session) => {
                let mut response = see_other("/dashboard?done=joined");
                response.headers_mut().append(
                    header::SET_COOKIE,
                    session_cookie(&state, &session.token, session.max_age),
                );
                Ok(response)
            }
            None => Ok(message_page(
                &state,
                &headers,
                StatusCode::OK,
                "Invitation accepted",
                &format!(
                    "You joined {}. Sign in with your existing password to work in it.",
                    preview.org_name
                ),
            )),
        },
        Err(
            error @ AppError::Invalid {
                code: "INVALID_LINK",
                ..
            },
        ) => halt(message_page(
            &state,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invitation not valid",
            &error.to_string(),
        )),
        Err(error @ AppError::Invalid { .. }) => halt(again(&error.to_string())),
        Err(error) => halt(error_page(&state, None, &error)),
    }
}
