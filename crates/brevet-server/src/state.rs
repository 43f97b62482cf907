//! The state every handler gets: the application and the server-only pieces.

use std::sync::{Arc, Mutex};

use brevet_app::App;

/// Shared, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub web: Arc<crate::web::Web>,
    /// Rendered public credential pages, by public id.
    pub pages: Arc<crate::web::page_cache::PageCache>,
    /// The one-time first-run setup token (`/setup?token=…`), while no organisation exists.
    pub setup_token: Arc<Mutex<Option<String>>>,
}

impl AppState {
    pub fn new(app: App) -> AppState {
        AppState {
            app,
            web: Arc::new(crate::web::Web::new()),
            pages: Arc::default(),
            setup_token: Arc::new(Mutex::new(None)),
        }
    }

    /// Whether cookies must be `Secure` (the base URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.app.config().base_url.starts_with("https://")
    }

    /// Arms first-run setup: returns the `/setup?token=…` URL to print, or `None` when an
    /// organisation already exists.
    pub async fn arm_setup(&self) -> Result<Option<String>, brevet_app::AppError> {
        if self.app.has_orgs().await? {
            return Ok(None);
        }
        let token = brevet_app::ids::new_secret("setup");
        let url = format!("{}/setup?token={token}", self.app.config().base_url);
        if let Ok(mut slot) = self.setup_token.lock() {
            *slot = Some(token);
        }
        Ok(Some(url))
    }
}
