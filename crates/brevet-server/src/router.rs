//! Every route, grouped by audience: public (pages, DID documents, status lists, health),
//! the JSON API, the VC-API, and the dashboard. Each area's module exposes `routes()`.

use axum::Router;
use axum::extract::DefaultBodyLimit;

use crate::state::AppState;

/// The largest request body accepted (DOS-01): credentials are small; images have their own cap.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(crate::public::routes())
        .merge(crate::api::routes())
        .merge(crate::web::routes())
        .merge(crate::vcapi::routes())
        .merge(crate::oauth::routes())
        .merge(crate::oid4vci::routes())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            crate::ops::Ops::new(&state),
            crate::ops::track,
        ))
        .with_state(state)
}
