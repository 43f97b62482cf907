//! The server commands as a black box: `org create` (its JSON, reserved slugs), the settings
//! layers (flags > environment > `--config` file > defaults, unknown keys refused), `serve`
//! (prints where it listens, logs one JSON line per request without secrets, serves
//! `/metrics`, stops on SIGTERM), `backup`/`restore` and `master-key rotate`.

#![allow(clippy::unwrap_used)]

#[path = "common/scratch.rs"]
mod scratch;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use brevet_app::MasterKey;
use serde_json::{Value, json};

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    scratch::scratch_dir("brevet-server-cli", name)
}

/// The binary with none of Brevet's environment variables inherited.
fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_brevet"));
    for (name, _) in std::env::vars() {
        if name.starts_with("BREVET_") || name == "RUST_LOG" {
            command.env_remove(name);
        }
    }
    command.stdin(Stdio::null());
    command
}

fn run(args: &[&str]) -> Output {
    command().args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[track_caller]
fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(output),
        stderr(output)
    );
}

fn org_create(data_dir: &Path, slug: &str, extra: &[&str]) -> Output {
    let dir = data_dir.to_str().unwrap();
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
        dir,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn org_create_prints_the_ids_and_one_time_secrets_as_json() {
    let dir = scratch("org");
    let output = org_create(&dir, "acme", &["--base-url", "https://badges.example.org/"]);
    assert_exit(&output, 0);
    let created: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let keys: Vec<&String> = created.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["org_id", "did", "api_key", "admin_password"]);
    assert_eq!(created["did"], "did:web:badges.example.org:acme");
    assert!(created["api_key"].as_str().unwrap().starts_with("brv_"));
    assert!(created["admin_password"].as_str().unwrap().len() >= 16);
    assert_eq!(created["org_id"].as_str().unwrap().len(), 32);

    // A second organisation of the same admin: no new password.
    let output = run(&[
        "org",
        "create",
        "--name",
        "Other",
        "--slug",
        "other",
        "--admin-email",
        "admin@acme.example",
        "--data-dir",
        dir.to_str().unwrap(),
    ]);
    assert_exit(&output, 0);
    let created: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(created["admin_password"], Value::Null);

    // The same slug again is refused.
    assert_exit(&org_create(&dir, "acme", &[]), 1);
}

#[test]
fn reserved_and_malformed_slugs_are_refused_with_exit_1() {
    let dir = scratch("reserved");
    for slug in [
        "api", "status", "metrics", "healthz", "c", "Acme", "a", "acme/x",
    ] {
        let output = org_create(&dir, slug, &[]);
        assert_exit(&output, 1);
        assert!(
            stderr(&output).contains("slug"),
            "{slug}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn flags_win_over_the_environment_which_wins_over_the_config_file() {
    let dir = scratch("layers");
    let config = dir.join("brevet.toml");
    std::fs::write(&config, "bind = \"127.0.0.1:1111\"\ndata_dir = \"data\"\n").unwrap();
    let config = config.to_str().unwrap();
    let did_of = |output: &Output| -> String {
        assert_exit(output, 0);
        let created: Value = serde_json::from_str(&stdout(output)).unwrap();
        created["did"].as_str().unwrap().to_owned()
    };
    let create = |slug: &str, env_bind: Option<&str>, flag_bind: Option<&str>| {
        let mut command = command();
        command.args([
            "org",
            "create",
            "--name",
            "Acme",
            "--slug",
            slug,
            "--admin-email",
            "admin@acme.example",
            "--config",
            config,
        ]);
        if let Some(bind) = flag_bind {
            command.args(["--bind", bind]);
        }
        if let Some(bind) = env_bind {
            command.env("BREVET_BIND", bind);
        }
        command.output().unwrap()
    };
    assert_eq!(
        did_of(&create("one", None, None)),
        "did:web:127.0.0.1%3A1111:one"
    );
    assert_eq!(
        did_of(&create("two", Some("127.0.0.1:2222"), None)),
        "did:web:127.0.0.1%3A2222:two"
    );
    assert_eq!(
        did_of(&create(
            "three",
            Some("127.0.0.1:2222"),
            Some("127.0.0.1:3333")
        )),
        "did:web:127.0.0.1%3A3333:three"
    );
    // data_dir in the file is relative to the file: the database went there.
    assert!(dir.join("data").join("brevet.sqlite3").exists());

    // An unknown key is an error naming it.
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "bind = \"127.0.0.1:1\"\nlisten_port = 80\n").unwrap();
    let output = run(&[
        "org",
        "create",
        "--name",
        "A",
        "--slug",
        "four",
        "--admin-email",
        "a@b.example",
        "--config",
        bad.to_str().unwrap(),
    ]);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("listen_port"),
        "{}",
        stderr(&output)
    );
}

/// A running `brevet serve`, stopped with SIGTERM.
struct Served {
    child: Child,
    base_url: String,
}

fn serve(data_dir: &Path) -> Served {
    serve_with(data_dir, &[])
}

/// [`serve`] with more arguments.
fn serve_with(data_dir: &Path, extra: &[&str]) -> Served {
    let mut child = command()
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--data-dir",
            data_dir.to_str().unwrap(),
        ])
        .args(extra)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base_url = line
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("serve did not print its address: {line:?}"))
        .to_owned();
    assert!(
        line.starts_with("Brevet is listening on http://127.0.0.1:"),
        "{line}"
    );
    assert!(!base_url.ends_with(":0"), "{line}");
    Served { child, base_url }
}

impl Served {
    /// Sends SIGTERM and returns (exit code, standard error).
    fn stop(mut self) -> (Option<i32>, String) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
        let status = self.child.wait().unwrap();
        let mut errors = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut errors)
            .unwrap();
        (status.code(), errors)
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    )
}

#[test]
fn serve_prints_its_address_logs_requests_without_secrets_and_stops_on_sigterm() {
    let dir = scratch("serve");
    let created = org_create(&dir, "acme", &[]);
    assert_exit(&created, 0);
    let api_key = serde_json::from_str::<Value>(&stdout(&created)).unwrap()["api_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let served = serve(&dir);
    let agent = agent();

    let health = agent
        .get(&format!("{}/healthz", served.base_url))
        .call()
        .unwrap();
    assert_eq!(health.status(), 200);
    let secret_email = "secret.recipient@example.org";
    let award = agent
        .post(&format!("{}/api/v1/credentials", served.base_url))
        .header("authorization", &format!("Bearer {api_key}"))
        .header("content-type", "application/json")
        .send(
            json!({"achievement_id": "0123456789abcdef0123456789abcdef",
                   "recipient": {"email": secret_email}})
            .to_string(),
        )
        .unwrap();
    assert_eq!(award.status(), 404);
    let mut metrics = agent
        .get(&format!("{}/metrics", served.base_url))
        .call()
        .unwrap();
    assert_eq!(metrics.status(), 200);
    let metrics = metrics.body_mut().read_to_string().unwrap();
    assert!(
        metrics.contains(
            "brevet_http_requests_total{method=\"POST\",route=\"/api/v1/credentials\",status=\"404\"} 1"
        ),
        "{metrics}"
    );

    let (code, errors) = served.stop();
    assert_eq!(code, Some(0), "{errors}");
    let lines: Vec<Value> = errors
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    assert!(
        lines
            .iter()
            .any(|line| line["route"] == "/api/v1/credentials"
                && line["method"] == "POST"
                && line["status"] == 404
                && line["latency_ms"].is_number()),
        "no request line in {errors}"
    );
    assert!(
        lines.iter().any(|line| line["route"] == "/healthz"),
        "{errors}"
    );
    assert!(
        !errors.contains(&api_key),
        "the API key was logged: {errors}"
    );
    assert!(
        !errors.contains(secret_email),
        "an email was logged: {errors}"
    );
    assert!(errors.contains("stopped"), "{errors}");
}

fn header_of(backup: &Path) -> Value {
    let text = std::fs::read_to_string(backup).unwrap();
    serde_json::from_str(text.lines().next().unwrap()).unwrap()
}

#[test]
fn backup_and_restore_round_trip_and_restore_needs_an_empty_database() {
    let source = scratch("backup-source");
    assert_exit(&org_create(&source, "acme", &[]), 0);
    let file = scratch("backup-file").join("brevet.backup");
    let output = run(&[
        "backup",
        "--out",
        file.to_str().unwrap(),
        "--data-dir",
        source.to_str().unwrap(),
    ]);
    assert_exit(&output, 0);
    let master = MasterKey::read_file(&source.join("master.key")).unwrap();
    let printed = stdout(&output);
    assert!(printed.contains("master key"), "{printed}");
    assert!(printed.contains(master.id()), "{printed}");
    assert_eq!(header_of(&file)["master_key_ids"], json!([master.id()]));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains(&master.to_text()),
        "the master key is not in the backup"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the backup is private: {mode:o}");
    }

    let target = scratch("backup-target");
    let restore = |dir: &Path| {
        run(&[
            "restore",
            "--from",
            file.to_str().unwrap(),
            "--data-dir",
            dir.to_str().unwrap(),
        ])
    };
    let output = restore(&target);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("No master key is configured here"),
        "{}",
        stdout(&output)
    );
    // A second restore into the same (now full) database is refused.
    let output = restore(&target);
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("empty database"),
        "{}",
        stderr(&output)
    );

    // With the master key beside it, the restored installation works: the organisation is
    // there (its slug is taken) and new issuer keys can be sealed.
    std::fs::copy(source.join("master.key"), target.join("master.key")).unwrap();
    assert_exit(&org_create(&target, "acme", &[]), 1);
    assert_exit(&org_create(&target, "second", &[]), 0);

    // A file that is not a backup.
    let junk = scratch("junk").join("junk");
    std::fs::write(&junk, "hello\n").unwrap();
    let output = run(&[
        "restore",
        "--from",
        junk.to_str().unwrap(),
        "--data-dir",
        scratch("junk-target").to_str().unwrap(),
    ]);
    assert_exit(&output, 2);
}

#[test]
fn master_key_rotation_reseals_and_replaces_the_generated_key() {
    let dir = scratch("rotate");
    assert_exit(&org_create(&dir, "acme", &[]), 0);
    let old = MasterKey::read_file(&dir.join("master.key")).unwrap();
    let new_file = scratch("rotate-key").join("new.key");
    let output = run(&[
        "master-key",
        "rotate",
        "--new-key-file",
        new_file.to_str().unwrap(),
        "--data-dir",
        dir.to_str().unwrap(),
    ]);
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("Re-sealed 1 issuer keys"),
        "{}",
        stdout(&output)
    );
    let new = MasterKey::read_file(&new_file).unwrap();
    assert_ne!(new.id(), old.id());
    assert_eq!(
        MasterKey::read_file(&dir.join("master.key")).unwrap().id(),
        new.id(),
        "the generated key file now holds the new key"
    );

    // Everything is sealed with the new key, and the installation still works.
    let file = dir.join("after.backup");
    assert_exit(
        &run(&[
            "backup",
            "--out",
            file.to_str().unwrap(),
            "--data-dir",
            dir.to_str().unwrap(),
        ]),
        0,
    );
    assert_eq!(header_of(&file)["master_key_ids"], json!([new.id()]));
    assert_exit(&org_create(&dir, "second", &[]), 0);
}

/// `serve --context URL=FILE`: credentials using the operator's vocabulary are issued and
/// verified through the VC-API; an unknown context is still refused; the log names the context
/// and its SHA-256; a context that would replace a pinned one stops the server at start-up.
#[test]
fn serve_takes_the_operators_contexts() {
    let dir = scratch("serve-context");
    let created = org_create(&dir, "vocab", &[]);
    assert_exit(&created, 0);
    let org: Value = serde_json::from_str(&stdout(&created)).unwrap();
    let api_key = org["api_key"].as_str().unwrap();
    let url = "https://vocab.example.org/skills/v1";
    let file = dir.join("skills.jsonld");
    let context = r#"{"@context": {"SkillCredential": "https://vocab.example.org/skills#SkillCredential", "level": "https://vocab.example.org/skills#level"}}"#;
    std::fs::write(&file, context).unwrap();
    let pair = format!("{url}={}", file.display());

    let pinned = format!("https://www.w3.org/ns/credentials/v2={}", file.display());
    let refused = run(&[
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--data-dir",
        dir.to_str().unwrap(),
        "--context",
        &pinned,
    ]);
    assert_exit(&refused, 2);
    assert!(
        stderr(&refused).contains("cannot be replaced"),
        "{}",
        stderr(&refused)
    );

    let served = serve_with(&dir, &["--context", &pair]);
    let agent = agent();
    let issue = |context: &str| {
        let body = json!({"credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2", context],
            "type": ["VerifiableCredential", "SkillCredential"],
            "credentialSubject": {"id": "did:example:learner", "level": "expert"}
        }});
        agent
            .post(&format!("{}/credentials/issue", served.base_url))
            .header("authorization", &format!("Bearer {api_key}"))
            .header("content-type", "application/json")
            .send(body.to_string())
            .unwrap()
    };
    let mut issued = issue(url);
    let status = issued.status();
    let body = issued.body_mut().read_to_string().unwrap();
    assert_eq!(status, 201, "{body}");
    let issued: Value = serde_json::from_str(&body).unwrap();
    let mut unknown = issue("https://unknown.example.org/v1");
    assert_eq!(unknown.status(), 422);
    let unknown = unknown.body_mut().read_to_string().unwrap();
    assert!(unknown.contains("unknown.example.org"), "{unknown}");

    let mut verified = agent
        .post(&format!("{}/credentials/verify", served.base_url))
        .header("content-type", "application/json")
        .send(json!({"verifiableCredential": issued["verifiableCredential"]}).to_string())
        .unwrap();
    let status = verified.status();
    let body = verified.body_mut().read_to_string().unwrap();
    assert_eq!(status, 200, "{body}");

    let (code, errors) = served.stop();
    assert_eq!(code, Some(0), "{errors}");
    let digest = sha256_hex(context.as_bytes());
    assert!(
        errors.lines().any(|line| line.contains("operator context")
            && line.contains(url)
            && line.contains(&digest)),
        "{errors}"
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
