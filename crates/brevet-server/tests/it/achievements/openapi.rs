//! The OpenAPI document at `/api/openapi.json` and the router describe the same `/api/v1`
//! routes: every documented operation is routed, every undocumented method on a documented
//! path is answered 405, and every `/api/v1` path written in the server's source is documented.

use std::collections::BTreeSet;
use std::path::Path;

use brevet_test_support::{Db, Request, TestServer};
use serde_json::Value;

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Every path registered with `.route("/api/v1…"` in the Rust files under `dir`.
fn api_paths_in_source(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            api_paths_in_source(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let source = std::fs::read_to_string(&path).unwrap();
            for (at, _) in source.match_indices("\"/api/v1") {
                if !source[..at].trim_end().ends_with(".route(") {
                    continue;
                }
                let rest = &source[at + 1..];
                let end = rest.find('"').unwrap();
                out.insert(rest[..end].to_owned());
            }
        }
    }
}

/// A documented path with its parameters filled in.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').unwrap() + open;
        out.push_str("0123456789abcdef0123456789abcdef");
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_and_the_router_list_the_same_routes() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let response = server.request(Request::get("/api/openapi.json")).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let document: Value = response.json();
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    let documented: BTreeSet<String> = paths.keys().cloned().collect();

    let mut in_source = BTreeSet::new();
    api_paths_in_source(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut in_source,
    );
    assert!(in_source.len() >= 10, "{in_source:?}");
    let undocumented: Vec<_> = in_source.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from openapi.json: {undocumented:?}"
    );

    let before = server.snapshot().await;
    for (path, item) in paths {
        let url = concrete(path);
        for method in METHODS {
            let response = server.request(Request::method(method, &url)).await;
            let routed = !(response.status == 404
                && response.header("content-type") != Some("application/problem+json"))
                && response.status != 405;
            if item.get(method.to_lowercase()).is_some() {
                assert!(
                    routed,
                    "documented {method} {path} is not routed ({})",
                    response.status
                );
            } else {
                assert_eq!(
                    response.status, 405,
                    "{method} {path} is routed but not documented"
                );
            }
        }
    }
    assert_eq!(before, server.snapshot().await);
}
