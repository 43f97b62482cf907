//! Dashboard sessions over HTTP: the `brevet_session` cookie (HttpOnly, SameSite=Lax, Path=/,
//! Secure under an https base URL), the [`Session`] extractor that sends a signed-out visitor
//! to the sign-in page, and CSRF checks: the session's synchronizer token in a hidden field
//! (compared in constant time) plus the `Origin` / `Referer` when the browser sends them. Forms
//! shown before sign-in (sign in, password reset, invitation) use a double-submit token: a
//! random cookie that the hidden field must repeat.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use brevet_app::ids;
use brevet_app::sessions::SessionContext;

use crate::state::AppState;

/// The session cookie.
pub const SESSION_COOKIE: &str = "brevet_session";
/// The double-submit cookie of forms shown before sign-in.
pub const FORM_COOKIE: &str = "brevet_form";
/// The hidden field that carries the CSRF token in every form.
pub const CSRF_FIELD: &str = "csrf";

/// The value of cookie `name` in the request, if any.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

fn cookie_header(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` for a new session.
pub fn session_cookie(state: &AppState, token: &str, max_age: i64) -> HeaderValue {
    cookie_header(SESSION_COOKIE, token, max_age, state.secure_cookies())
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie(state: &AppState) -> HeaderValue {
    cookie_header(SESSION_COOKIE, "", 0, state.secure_cookies())
}

/// The double-submit token of the anonymous forms: the request's cookie when it looks like one
/// of ours (so a page renders the same way twice), else a new one. The second value is the
/// `Set-Cookie` to send when it is new.
pub fn form_token(state: &AppState, headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match cookie(headers, FORM_COOKIE).filter(|token| well_formed_token(token)) {
        Some(token) => (token, None),
        None => {
            let token = ids::new_secret("form");
            let set = cookie_header(FORM_COOKIE, &token, 3600, state.secure_cookies());
            (token, Some(set))
        }
    }
}

fn well_formed_token(token: &str) -> bool {
    token.len() <= 100
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A response that ends a handler early (an error page, a refusal, a redirect); boxed, so that
/// the `Result`s that carry it stay small.
pub struct Halt(Box<Response>);

impl From<Response> for Halt {
    fn from(response: Response) -> Self {
        Halt(Box::new(response))
    }
}

impl IntoResponse for Halt {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// Ends a handler with `response`.
pub fn halt<T>(response: Response) -> Result<T, Halt> {
    Err(Halt::from(response))
}

/// A 403 page for a failed CSRF check (the request changed nothing).
pub fn csrf_refused() -> Response {
    crate::web::html_response(
        StatusCode::FORBIDDEN,
        "<!doctype html><html lang=\"en\"><title>Refused</title><link rel=\"stylesheet\" href=\"/static/brevet.css\">\
         <main id=\"main\"><h1>Refused</h1><p>This form has expired or did not come from this site. \
         Go back, reload the page and try again.</p></main></html>"
            .to_owned(),
    )
}

/// Whether the request's `Origin` (or, without one, its `Referer`) is this site. A request
/// that sends neither passes: the token decides.
pub fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    let base = state.app.config().base_url.as_str();
    // `Origin: null` carries no information (browsers send it under `Referrer-Policy:
    // no-referrer`, which the sign-in and reset pages use): the token decides then.
    if let Some(origin) = headers
        .get(header::ORIGIN)
        .filter(|origin| origin.as_bytes() != b"null")
    {
        return origin
            .to_str()
            .is_ok_and(|origin| origin.trim_end_matches('/') == origin_of(base));
    }
    if let Some(referer) = headers.get(header::REFERER) {
        return referer.to_str().is_ok_and(|referer| {
            referer == base || referer.starts_with(&format!("{}/", origin_of(base)))
        });
    }
    true
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> &str {
    match url.find("://") {
        Some(scheme_end) => {
            let rest = &url[scheme_end + 3..];
            let end = rest.find('/').map_or(url.len(), |i| scheme_end + 3 + i);
            &url[..end]
        }
        None => url,
    }
}

/// Checks a signed-in form's CSRF token and origin; the 403 to answer otherwise.
pub fn check_csrf(
    state: &AppState,
    headers: &HeaderMap,
    session: &SessionContext,
    presented: &str,
) -> Result<(), Halt> {
    if same_origin(state, headers) && session.csrf_matches(presented) {
        Ok(())
    } else {
        halt(csrf_refused())
    }
}

/// Checks an anonymous form's double-submit token and origin; the 403 to answer otherwise.
pub fn check_form_token(
    state: &AppState,
    headers: &HeaderMap,
    presented: &str,
) -> Result<(), Halt> {
    let matches = cookie(headers, FORM_COOKIE).is_some_and(|expected| {
        !presented.is_empty() && ids::constant_time_eq(&expected, presented)
    });
    if same_origin(state, headers) && matches {
        Ok(())
    } else {
        halt(csrf_refused())
    }
}

/// The caller's address for the sign-in limiter, when the server knows it.
pub fn client_address(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())
        .filter(|ip| !ip.is_loopback())
        .map(|ip| ip.to_string())
}

/// The caller's address for the sign-in limiter (none behind a local proxy or when the server
/// does not record peers).
pub struct ClientAddress(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(parts)))
    }
}

/// A signed-in user (the dashboard's pages take this); a visitor without a valid session is
/// sent to the sign-in page.
pub struct Session(pub SessionContext);

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_login = || {
            let mut response = Redirect::to("/auth/login").into_response();
            if cookie(&parts.headers, SESSION_COOKIE).is_some() {
                response
                    .headers_mut()
                    .append(header::SET_COOKIE, clear_session_cookie(state));
            }
            no_store(&mut response);
            response
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        match state.app.session(&token).await {
            Ok(session) => Ok(Session(session)),
            Err(brevet_app::AppError::Unauthorized(_)) => Err(to_login()),
            Err(error) => Err(crate::web::dashboard::error_page(state, None, &error)),
        }
    }
}

/// Marks a response as never to be stored by caches (authenticated and PII pages).
pub fn no_store(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; brevet_session=brs_abc; b=2"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("brs_abc"));
        assert_eq!(cookie(&headers, "c"), None);
    }

    #[test]
    fn origins_are_compared_without_paths() {
        assert_eq!(origin_of("https://a.example/x/y"), "https://a.example");
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }
}
