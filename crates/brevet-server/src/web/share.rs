//! The share actions as a reusable piece: the `partials/share.html` template (LinkedIn "Add to
//! profile", post links, the plain link, the embed and email-signature snippets with previews),
//! the copy-button script `/static/share.js` (same origin, so the pages' `script-src 'self'`
//! allows it; no inline script), and [`page_csp`], the page policy that also lets the snippet
//! previews keep their inline styles: exactly the fixed `style` values of
//! [`brevet_core::share::SNIPPET_STYLES`], allowed by hash (`'unsafe-hashes'` with hashes
//! admits those values and nothing else; no `'unsafe-inline'`). A page that includes the
//! partial loads the script once and sends its response through [`with_page_csp`].

use std::sync::OnceLock;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::state::AppState;

pub const TEMPLATES: &[(&str, &str)] = &[(
    "partials/share.html",
    include_str!("../../templates/partials/share.html"),
)];

/// The copy-button script.
pub const SCRIPT: &str = include_str!("../../static/share.js");

pub fn routes() -> Router<AppState> {
    Router::new().route("/static/share.js", get(script))
}

async fn script() -> Response {
    let mut response = (StatusCode::OK, SCRIPT).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The Content Security Policy of a page that shows the share actions: the policy of every
/// page, with the snippets' style values allowed by their SHA-256.
pub fn page_csp() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        let hashes: Vec<String> = brevet_core::share::SNIPPET_STYLES
            .iter()
            .map(|style| {
                let digest = Sha256::digest(style.as_bytes());
                format!(
                    "'sha256-{}'",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                )
            })
            .collect();
        format!(
            "default-src 'none'; img-src 'self' https: data:; style-src 'self' 'unsafe-hashes' {}; \
             script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            hashes.join(" ")
        )
    })
}

/// `response` with the share page policy ([`page_csp`]) in place of the default one.
pub fn with_page_csp(mut response: Response) -> Response {
    if let Ok(value) = HeaderValue::from_str(page_csp()) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_each_snippet_style_by_hash_and_nothing_inline() {
        let csp = page_csp();
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
        assert_eq!(
            csp.matches("'sha256-").count(),
            brevet_core::share::SNIPPET_STYLES.len()
        );
        // The hash of a known value, computed independently of the code above.
        let digest = Sha256::digest(b"color:#1f2328;text-decoration:none");
        let expected = base64::engine::general_purpose::STANDARD.encode(digest);
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        assert!(csp.contains("script-src 'self';"));
    }
}
