//! `GET /api/openapi.json`: the OpenAPI 3.1 description of every `/api/v1` endpoint, a
//! hand-maintained document (`openapi.json`) compiled into the binary. The integration tests
//! check that it and the router list the same routes and methods.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

/// The document, as served.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(document))
}

async fn document() -> Response {
    let mut response = OPENAPI_JSON.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use serde_json::Value;

    use super::OPENAPI_JSON;

    fn document() -> Value {
        serde_json::from_str(OPENAPI_JSON).expect("openapi.json is JSON")
    }

    /// Every `$ref` in `value`, with where it was found.
    fn refs<'a>(value: &'a Value, at: &str, out: &mut Vec<(String, &'a str)>) {
        match value {
            Value::Object(object) => {
                for (key, child) in object {
                    if key == "$ref"
                        && let Some(target) = child.as_str()
                    {
                        out.push((at.to_owned(), target));
                    }
                    refs(child, &format!("{at}/{key}"), out);
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    refs(child, &format!("{at}/{index}"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn is_openapi_3_1_and_every_reference_resolves() {
        let doc = document();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1."));
        let mut found = Vec::new();
        refs(&doc, "", &mut found);
        assert!(found.len() > 50, "{} references", found.len());
        for (at, target) in found {
            let pointer = target
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("{at}: external reference {target}"));
            assert!(
                doc.pointer(pointer).is_some(),
                "{at}: {target} does not resolve"
            );
        }
    }

    #[test]
    fn every_operation_is_described_with_problem_errors() {
        let doc = document();
        let mut ids = std::collections::HashSet::new();
        let paths = doc["paths"].as_object().unwrap();
        for (path, item) in paths {
            assert!(path.starts_with("/api/v1/"), "{path}");
            for (method, operation) in item.as_object().unwrap() {
                let id = operation["operationId"].as_str().unwrap();
                assert!(ids.insert(id.to_owned()), "duplicate operationId {id}");
                assert!(operation["summary"].is_string(), "{method} {path}");
                let responses = operation["responses"].as_object().unwrap();
                assert!(
                    responses.keys().any(|code| code.starts_with('2')),
                    "{method} {path} has no success response"
                );
                for (code, response) in responses {
                    if code.starts_with('4') {
                        let target = response["$ref"].as_str().unwrap_or_default();
                        let resolved = doc
                            .pointer(target.trim_start_matches('#'))
                            .unwrap_or(response);
                        assert_eq!(
                            resolved["content"]["application/problem+json"]["schema"]["$ref"],
                            "#/components/schemas/Problem",
                            "{method} {path} {code}"
                        );
                    }
                }
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    if parameter["in"] == "path" {
                        let name = parameter["name"].as_str().unwrap();
                        assert!(path.contains(&format!("{{{name}}}")), "{path} {name}");
                    }
                }
                let templated = path.matches('{').count();
                let declared = operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|parameter| parameter["in"] == "path")
                    .count();
                assert_eq!(templated, declared, "{method} {path}: path parameters");
            }
        }
    }
}
