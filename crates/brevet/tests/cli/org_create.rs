//! `brevet org create --did-method`: a did:key organisation prints its did:key as `did`, with
//! the same fields as a did:web one; `web` is the default; another method is a usage error.

use brevet_core::did::parse_did_key;
use serde_json::Value;

use crate::helpers::{assert_exit, brevet, path, scratch, stderr, stdout};

fn org_create(dir: &std::path::Path, slug: &str, extra: &[&str]) -> std::process::Output {
    let email = format!("admin@{slug}.example");
    let mut args = vec![
        "org",
        "create",
        "--name",
        "Acme",
        "--slug",
        slug,
        "--admin-email",
        &email,
        "--data-dir",
        path(dir),
        "--base-url",
        "https://badges.example.org",
    ];
    args.extend_from_slice(extra);
    brevet(&args)
}

#[test]
fn org_create_with_did_method_key_prints_its_did_key() {
    let dir = scratch("org-did-key");
    let output = org_create(&dir, "keyed", &["--did-method", "key"]);
    assert_exit(&output, 0);
    let created: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let fields: Vec<&String> = created.as_object().unwrap().keys().collect();
    assert_eq!(fields, ["org_id", "did", "api_key", "admin_password"]);
    let did = created["did"].as_str().unwrap();
    assert!(did.starts_with("did:key:z6Mk"), "{did}");
    parse_did_key(did).unwrap();
    assert!(created["api_key"].as_str().unwrap().starts_with("brv_"));
    assert!(created["admin_password"].as_str().unwrap().len() >= 16);

    // Explicitly web, and the default: did:web.
    let output = org_create(&dir, "webbed", &["--did-method", "web"]);
    assert_exit(&output, 0);
    let created: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(created["did"], "did:web:badges.example.org:webbed");
    let output = org_create(&dir, "plain", &[]);
    assert_exit(&output, 0);
    let created: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(created["did"], "did:web:badges.example.org:plain");

    // Another method is refused before anything is created.
    let output = org_create(&dir, "peered", &["--did-method", "peer"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("did-method"),
        "{}",
        stderr(&output)
    );
    let output = org_create(&dir, "peered", &[]);
    assert_exit(&output, 0);
}
