//! The JSON API under `/api/v1` (API key or OAuth bearer), errors as problem+json.

pub mod achievements;
pub mod credentials;
pub mod keys;
pub mod members;
pub mod offers;
pub mod openapi;
pub mod org;
pub mod verify;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/credentials",
            post(credentials::award).get(credentials::list),
        )
        .route("/api/v1/credentials/{id}", get(credentials::get_one))
        .route("/api/v1/credentials/{id}/revoke", post(credentials::revoke))
        .route(
            "/api/v1/credentials/{id}/suspend",
            post(credentials::suspend),
        )
        .route(
            "/api/v1/credentials/{id}/reinstate",
            post(credentials::reinstate),
        )
        .route("/api/v1/credentials/{id}/offer", post(offers::create))
        .route("/api/v1/verify", post(verify::verify))
        .merge(achievements::routes())
        .merge(members::routes())
        .merge(org::routes())
        .merge(openapi::routes())
        .route("/api/v1/org/keys/rotate", post(keys::rotate))
}
