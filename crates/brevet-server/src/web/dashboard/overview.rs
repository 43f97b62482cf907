//! The dashboard's home (the current organisation and its latest credentials), the
//! organisation switcher, and the password change form.

use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use brevet_app::AppError;
use serde::Deserialize;
use serde_json::json;

use super::credentials::credential_rows;
use super::signin::DoneQuery;
use super::{OrPage, PageResult, bad_form, notice, render, see_other};
use crate::state::AppState;
use crate::web::session::{Session, check_csrf, halt};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(overview))
        .route("/dashboard/org", post(switch_org))
        .route(
            "/dashboard/account/password",
            get(password_page).post(change_password),
        )
}

async fn overview(
    State(state): State<AppState>,
    Session(session): Session,
    Query(query): Query<DoneQuery>,
) -> PageResult {
    let latest = match session.principal() {
        Ok(principal) => {
            let page = state
                .app
                .list_credentials(&principal, None, None, 5, None)
                .await
                .or_page(&state, &session)?;
            credential_rows(&page.items)
        }
        Err(_) => Vec::new(),
    };
    Ok(render(
        &state,
        &session,
        StatusCode::OK,
        "dashboard/overview.html",
        "overview",
        json!({
            "title": "Dashboard",
            "latest": latest,
            "notice": notice(query.done.as_deref()),
        }),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SwitchForm {
    pub csrf: String,
    pub org_id: String,
}

async fn switch_org(
    State(state): State<AppState>,
    Session(session): Session,
    headers: HeaderMap,
    form: Result<Form<SwitchForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    check_csrf(&state, &headers, &session, &form.csrf)?;
    state
        .app
        .switch_org(&session, &form.org_id)
        .await
        .or_page(&state, &session)?;
    Ok(see_other("/dashboard?done=switched"))
}

fn password_form(
    state: &AppState,
    session: &brevet_app::sessions::SessionContext,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    render(
        state,
        session,
        status,
        "dashboard/password.html",
        "password",
        json!({"title": "Change your password", "error": error}),
    )
}

async fn password_page(State(state): State<AppState>, Session(session): Session) -> Response {
    password_form(&state, &session, StatusCode::OK, None)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    pub csrf: String,
    pub current_password: String,
    pub new_password: String,
    pub new_password_again: String,
}

async fn change_password(
    State(state): State<AppState>,
    Session(session): Session,
    headers: HeaderMap,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    check_csrf(&state, &headers, &session, &form.csrf)?;
    if form.new_password != form.new_password_again {
        return halt(password_form(
            &state,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("The two new passwords are not the same."),
        ));
    }
    match state
        .app
        .change_password(&session, &form.current_password, &form.new_password)
        .await
    {
        Ok(()) => Ok(see_other("/dashboard?done=password-changed")),
        Err(error @ AppError::Invalid { .. }) => halt(password_form(
            &state,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(&error.to_string()),
        )),
        Err(error) => halt(super::error_page(&state, Some(&session), &error)),
    }
}
