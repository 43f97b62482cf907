//! A test browser for a [`TestServer`]: keeps the cookies it is sent, posts forms with this
//! site's `Origin` (unless told otherwise), and reads HTML as a browser shows it (the templates
//! escape `/` as `&#x2f;`). Also the form encoding and the CSRF field of Brevet's pages.

use crate::{Request, Response, TestServer};

/// A browser on one test server.
pub struct Browser<'a> {
    server: &'a TestServer,
    pub cookies: Vec<(String, String)>,
}

impl<'a> Browser<'a> {
    pub fn new(server: &'a TestServer) -> Self {
        Browser {
            server,
            cookies: Vec::new(),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub async fn get(&mut self, path: &str) -> Response {
        self.send(Request::get(path)).await
    }

    /// Posts a url-encoded form with `origin` as its `Origin` header (none when `None`).
    pub async fn post_form_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Response {
        let mut request = Request::method("POST", path)
            .body("application/x-www-form-urlencoded", form_body(fields));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        self.send(request).await
    }

    /// Posts a url-encoded form with this site's `Origin`.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let origin = self.server.base_url.clone();
        self.post_form_with(path, fields, Some(&origin)).await
    }

    /// Posts `body` as `content_type` with this site's `Origin`.
    pub async fn post_body(&mut self, path: &str, content_type: &str, body: Vec<u8>) -> Response {
        let request = Request::method("POST", path)
            .body(content_type, body)
            .header("origin", &self.server.base_url);
        self.send(request).await
    }

    /// Posts a multipart form (text fields, then a file part when given) with this site's
    /// `Origin`.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> Response {
        let (content_type, body) = multipart_body(fields, file);
        self.post_body(path, &content_type, body).await
    }

    /// The CSRF token of the signed-in user's dashboard forms.
    pub async fn csrf(&mut self) -> String {
        self.csrf_of("/dashboard").await
    }

    /// The CSRF token of the wallet's forms.
    pub async fn wallet_csrf(&mut self) -> String {
        self.csrf_of("/wallet").await
    }

    /// Opens a mailed wallet link and confirms it (the page's form); the response of the POST.
    pub async fn use_link(&mut self, link_path: &str) -> Response {
        let page = self.get(link_path).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let token = hidden_csrf(&page.text());
        self.post_form(link_path, &[("csrf", &token)]).await
    }

    async fn csrf_of(&mut self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{}", page.text());
        hidden_csrf(&page.text())
    }

    async fn send(&mut self, request: Request) -> Response {
        let response = self.server.request(self.with_cookies(request)).await;
        self.absorb(&response);
        as_read(response)
    }

    fn with_cookies(&self, mut request: Request) -> Request {
        if !self.cookies.is_empty() {
            let header = self
                .cookies
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect::<Vec<_>>()
                .join("; ");
            request = request.header("cookie", &header);
        }
        request
    }

    fn absorb(&mut self, response: &Response) {
        for (name, value) in &response.headers {
            if !name.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            let pair = value.split(';').next().unwrap_or_default();
            let Some((key, val)) = pair.split_once('=') else {
                continue;
            };
            self.cookies.retain(|(existing, _)| existing != key);
            if !value.contains("Max-Age=0") {
                self.cookies.push((key.to_owned(), val.to_owned()));
            }
        }
    }
}

/// An HTML page with `/` as a browser reads it (the templates escape it as `&#x2f;`).
pub fn as_read(mut response: Response) -> Response {
    if response
        .header("content-type")
        .is_some_and(|value| value.starts_with("text/html"))
    {
        response.body = response.text().replace("&#x2f;", "/").into_bytes();
    }
    response
}

/// Percent-encodes `text` for a url-encoded form.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A url-encoded form body.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of the first `csrf` hidden field of a page (panics without one).
pub fn hidden_csrf(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a csrf field") + marker.len();
    let end = html[start..].find('"').expect("a closing quote");
    html[start..start + end].to_owned()
}

/// The `Set-Cookie` header that sets `name`, if any.
pub fn set_cookie<'r>(response: &'r Response, name: &str) -> Option<&'r str> {
    response
        .headers
        .iter()
        .filter(|(key, _)| key.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, value)| value.as_str())
        .find(|value| value.starts_with(&format!("{name}=")))
}

/// A `multipart/form-data` body: text fields, then a file part (when `file` is given).
pub fn multipart_body(
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> (String, Vec<u8>) {
    let boundary = "brevet-dashboard-test-5c2e";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, content_type, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"upload\"\r\n\
                 Content-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
