//! The home page: what Brevet is and where to go next.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use serde_json::json;

use crate::state::AppState;

pub const TEMPLATES: &[(&str, &str)] = &[("home.html", include_str!("../../templates/home.html"))];

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

async fn home(State(state): State<AppState>) -> Response {
    state.web.render(
        "home.html",
        json!({ "title": "Brevet", "base_url": state.app.config().base_url }),
    )
}
