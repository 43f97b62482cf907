//! Running the `brevet` binary in scratch folders, and the credentials and key files the
//! command-line tests sign and verify.

#[path = "../common/scratch.rs"]
mod scratch;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

pub(crate) const LIST_URL: &str = "https://status.example/lists/7";

/// A fresh, empty folder for one test.
pub(crate) fn scratch(name: &str) -> PathBuf {
    scratch::scratch_dir("brevet-cli", name)
}

pub(crate) fn brevet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_brevet"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

pub(crate) fn brevet_with_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_brevet"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[track_caller]
pub(crate) fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

pub(crate) fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Generates a key file in `dir` and returns its path and controller DID.
pub(crate) fn generate_key(dir: &Path) -> (PathBuf, String) {
    let key = dir.join("key.json");
    let output = brevet(&["keys", "generate", "--out", path(&key)]);
    assert_exit(&output, 0);
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&key).unwrap()).unwrap();
    assert_eq!(file["type"], "Multikey");
    let controller = file["controller"].as_str().unwrap().to_owned();
    assert!(controller.starts_with("did:key:z6Mk"));
    assert_eq!(
        file["id"],
        format!(
            "{controller}#{}",
            file["publicKeyMultibase"].as_str().unwrap()
        )
    );
    assert!(
        file["secretKeyMultibase"]
            .as_str()
            .unwrap()
            .starts_with("z3u2")
    );
    (key, controller)
}

pub(crate) fn badge(issuer: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:4f7a1c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example College"},
        "validFrom": "2025-01-01T00:00:00Z",
        "validUntil": "2035-01-01T00:00:00Z",
        "name": "Data Literacy",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.edu/achievements/data-literacy",
                "type": ["Achievement"],
                "name": "Data Literacy",
                "description": "Reads, questions and communicates data.",
                "criteria": {"narrative": "Passed the assessment."}
            }
        }
    })
}

pub(crate) fn write(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, serde_json::to_string_pretty(value).unwrap()).unwrap();
    file
}

pub(crate) fn sign_file(key: &Path, input: &Path, suite: &str) -> Output {
    brevet(&["sign", "--key", path(key), "--suite", suite, path(input)])
}
