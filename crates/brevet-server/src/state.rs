//! The state every handler gets: the application and the server-only pieces.

use std::sync::Arc;

use brevet_app::App;

/// Shared, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub web: Arc<crate::web::Web>,
}

impl AppState {
    pub fn new(app: App) -> AppState {
        AppState {
            app,
            web: Arc::new(crate::web::Web::new()),
        }
    }

    /// Whether cookies must be `Secure` (the base URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.app.config().base_url.starts_with("https://")
    }
}
