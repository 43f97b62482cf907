//! First-run setup: while no organisation exists, `brevet serve` prints a one-time link to
//! `/setup?token=…` where the newcomer creates their organisation and owner account in the
//! browser. The token is random (256 bits), held in memory only, and dies with its first use.

use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use brevet_app::orgs::DidMethod;
use serde::Deserialize;
use serde_json::json;

use crate::state::AppState;

pub const TEMPLATES: &[(&str, &str)] = &[
    ("setup.html", include_str!("../../templates/setup.html")),
    (
        "setup_done.html",
        include_str!("../../templates/setup_done.html"),
    ),
];

pub fn routes() -> Router<AppState> {
    Router::new().route("/setup", get(form).post(submit))
}

#[derive(Debug, Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

fn token_matches(state: &AppState, given: Option<&str>) -> bool {
    let Some(given) = given else { return false };
    state
        .setup_token
        .lock()
        .ok()
        .and_then(|slot| slot.clone())
        .is_some_and(|token| brevet_app::ids::constant_time_eq(&token, given))
}

fn not_found(state: &AppState) -> Response {
    state.web.render_status(
        StatusCode::NOT_FOUND,
        "setup.html",
        json!({"title": "Not found", "closed": true, "token": "", "error": null, "form": {}}),
    )
}

async fn form(State(state): State<AppState>, Query(query): Query<TokenQuery>) -> Response {
    if !token_matches(&state, query.token.as_deref()) {
        return not_found(&state);
    }
    state.web.render(
        "setup.html",
        json!({"title": "Set up Brevet", "closed": false, "token": query.token, "error": null, "form": {}}),
    )
}

#[derive(Debug, Deserialize, serde::Serialize)]
struct SetupForm {
    token: String,
    name: String,
    slug: String,
    email: String,
    password: String,
    /// `web` (the default) or `key`.
    #[serde(default)]
    did_method: Option<String>,
}

async fn submit(State(state): State<AppState>, Form(form): Form<SetupForm>) -> Response {
    if !token_matches(&state, Some(&form.token)) {
        return not_found(&state);
    }
    let outcome = match DidMethod::parse(form.did_method.as_deref().unwrap_or("web")) {
        Ok(did_method) => {
            state
                .app
                .create_org_with_password(
                    &form.name,
                    &form.slug,
                    &form.email,
                    &form.password,
                    did_method,
                )
                .await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(created) => {
            if let Ok(mut slot) = state.setup_token.lock() {
                *slot = None;
            }
            state.web.render(
                "setup_done.html",
                json!({"title": "Your organisation is ready", "created": created}),
            )
        }
        Err(error) => state.web.render_status(
            crate::error::status_of(&error),
            "setup.html",
            json!({
                "title": "Set up Brevet",
                "closed": false,
                "token": form.token,
                "error": error.to_string(),
                "form": {"name": form.name, "slug": form.slug, "email": form.email, "did_method": form.did_method},
            }),
        ),
    }
}
