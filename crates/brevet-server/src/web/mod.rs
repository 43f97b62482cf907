//! Server-rendered pages (they work without JavaScript): the home page, and the areas in the
//! submodules. Templates are minijinja files under `templates/`, embedded at build time and
//! auto-escaped; every page gets a strict Content Security Policy (no inline script).

pub mod credential_page;
pub mod dashboard;
pub mod home;
mod multipart;
pub mod page_cache;
pub mod qr;
pub mod session;
pub mod setup;
pub mod share;
pub mod verify_page;
pub mod wallet;
pub mod wallet_offer;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use minijinja::Environment;
use serde::Serialize;

use crate::state::AppState;

/// The stylesheet every page links (`/static/brevet.css`).
pub const STYLESHEET: &str = include_str!("../../static/brevet.css");

/// Every template: `(name, source)`. Each area lists its own.
fn all_templates() -> Vec<(&'static str, &'static str)> {
    let mut templates = vec![("layout.html", include_str!("../../templates/layout.html"))];
    templates.extend_from_slice(home::TEMPLATES);
    templates.extend_from_slice(setup::TEMPLATES);
    templates.extend_from_slice(dashboard::TEMPLATES);
    templates.extend_from_slice(credential_page::TEMPLATES);
    templates.extend_from_slice(share::TEMPLATES);
    templates.extend_from_slice(verify_page::TEMPLATES);
    templates.extend_from_slice(wallet::TEMPLATES);
    templates.extend_from_slice(wallet_offer::TEMPLATES);
    templates
}

/// The template environment.
pub struct Web {
    env: Environment<'static>,
}

impl Default for Web {
    fn default() -> Self {
        Web::new()
    }
}

impl Web {
    pub fn new() -> Web {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in all_templates() {
            if let Err(error) = env.add_template(name, source) {
                // A template that does not parse is a build defect; tests render every page.
                tracing::error!(template = name, %error, "template does not parse");
            }
        }
        Web { env }
    }

    /// Renders `name` with `context` as an HTML page.
    pub fn render<S: Serialize>(&self, name: &str, context: S) -> Response {
        self.render_status(StatusCode::OK, name, context)
    }

    /// Renders `name` with `context` to HTML text (for a caller that keeps it).
    pub fn render_html<S: Serialize>(&self, name: &str, context: S) -> Option<String> {
        let rendered = self
            .env
            .get_template(name)
            .and_then(|template| template.render(context));
        match rendered {
            Ok(html) => Some(html),
            Err(error) => {
                tracing::error!(template = name, %error, "template rendering failed");
                None
            }
        }
    }

    /// Renders with a status code.
    pub fn render_status<S: Serialize>(
        &self,
        status: StatusCode,
        name: &str,
        context: S,
    ) -> Response {
        let rendered = self
            .env
            .get_template(name)
            .and_then(|template| template.render(context));
        match rendered {
            Ok(html) => html_response(status, html),
            Err(error) => {
                tracing::error!(template = name, %error, "template rendering failed");
                html_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "<!doctype html><title>Error</title><p>Something went wrong.</p>".to_owned(),
                )
            }
        }
    }
}

/// An HTML response with the security headers every page carries.
pub fn html_response(status: StatusCode, html: impl Into<axum::body::Body>) -> Response {
    let mut response = (status, html.into()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/brevet.css", get(stylesheet))
        .merge(home::routes())
        .merge(setup::routes())
        .merge(dashboard::routes())
        .merge(credential_page::routes())
        .merge(share::routes())
        .merge(verify_page::routes())
        .merge(wallet::routes())
}

async fn stylesheet() -> Response {
    let mut response = (StatusCode::OK, STYLESHEET).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

/// Replaces Unicode bidi controls and other invisible format characters with U+FFFD, so
/// credential text cannot reorder what the page shows (WEB-01). Use on every credential string.
pub use brevet_core::text::inert;

/// `url` if it is safe to link (https only), else none (WEB-01).
pub fn safe_link(url: &str) -> Option<String> {
    (url.starts_with("https://") && !url.contains(['"', '<', '>', ' '])).then(|| url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_are_neutralised() {
        assert_eq!(inert("a\u{202E}b\u{2066}c"), "a\u{FFFD}b\u{FFFD}c");
        assert_eq!(inert("plain text\n"), "plain text\n");
    }

    #[test]
    fn only_https_links_are_kept() {
        assert!(safe_link("https://example.org/x").is_some());
        assert!(safe_link("javascript:alert(1)").is_none());
        assert!(safe_link("http://example.org").is_none());
        assert!(safe_link("data:text/html;base64,xx").is_none());
    }

    #[test]
    fn every_template_parses() {
        let mut env = Environment::new();
        for (name, source) in all_templates() {
            env.add_template(name, source)
                .unwrap_or_else(|error| panic!("{name}: {error}"));
        }
    }
}
