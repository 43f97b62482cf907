//! Interop of the `brevet` binary with the JavaScript reference stack.
//!
//! Credentials signed by `brevet sign` must verify with `interop/verify.mjs`
//! (`@digitalbazaar/vc` + data-integrity + the eddsa cryptosuites, offline
//! loader); credentials signed by `interop/sign.mjs` must verify with
//! `brevet verify --offline`; a one-byte change in a claim must make both
//! verifiers reject. The JS-signed credentials keep their
//! `BitstringStatusListEntry`: a status list credential, built by
//! `interop/statuslist.mjs` and signed by the same JS stack, is supplied to
//! `brevet verify` with `--status-list URL=FILE` (so the status check runs
//! offline, a revoked list is rejected, and so is a list changed after
//! signing).
//!
//! Needs `interop/node_modules` (`npm ci` in `interop/`). Without it the tests
//! print `SKIPPED: interop (run npm ci in interop/)` and pass, unless
//! `BREVET_REQUIRE_INTEROP=1`, when they fail.

#[path = "common/scratch.rs"]
mod scratch;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const SUITES: [&str; 2] = ["eddsa-rdfc-2022", "eddsa-jcs-2022"];
/// The status list named by the fixture's `credentialStatus`.
const STATUS_LIST_URL: &str = "https://northbridge.example.edu/status/1";
/// The fixture's `statusListIndex`.
const STATUS_INDEX: &str = "94567";
/// A claim of the fixture (`credentialSubject.result[0].value`) and the same
/// claim with one byte changed.
const CLAIM: &str = "\"86\"";
const CLAIM_CHANGED: &str = "\"96\"";

/// The `interop/` folder of the repository.
fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../interop")
}

/// Whether the interop tests can run; panics when they must but cannot.
fn interop_ready() -> bool {
    let required = std::env::var("BREVET_REQUIRE_INTEROP").is_ok_and(|v| v == "1");
    let installed = interop_dir().join("node_modules").is_dir();
    let node_found = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if installed && node_found {
        return true;
    }
    let why = if node_found {
        "interop/node_modules is missing"
    } else {
        "node is not on PATH"
    };
    assert!(
        !required,
        "BREVET_REQUIRE_INTEROP=1 but {why}: run `npm ci` in interop/"
    );
    println!("SKIPPED: interop (run npm ci in interop/)");
    false
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    scratch::scratch_dir("brevet-interop", name)
}

fn run(mut command: Command, stdin: Option<&str>) -> Output {
    let description = format!("{command:?}");
    command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {description}: {e}"));
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("{description} did not finish: {e}"))
}

fn brevet(args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_brevet"));
    command.args(args);
    run(command, stdin)
}

fn node(script: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new("node");
    command.arg(interop_dir().join(script)).args(args);
    run(command, stdin)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn describe(what: &str, out: &Output) -> String {
    format!(
        "{what}: exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// Runs and requires exit 0; returns stdout.
fn success(what: &str, out: Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", describe(what, &out));
    text(&out.stdout)
}

fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, contents).expect("write scratch file");
    path
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// The unsigned OB 3.0 fixture with its issuer set to `issuer_did`.
fn fixture_for(issuer_did: &str) -> String {
    let raw = fs::read_to_string(interop_dir().join("fixtures/ob3-credential.json"))
        .expect("read interop/fixtures/ob3-credential.json");
    let mut credential: Value = serde_json::from_str(&raw).expect("fixture is JSON");
    credential["issuer"]["id"] = Value::String(issuer_did.to_owned());
    serde_json::to_string_pretty(&credential).expect("serialize fixture")
}

fn controller_of(key_file: &str) -> String {
    let key: Value = serde_json::from_str(key_file).expect("key file is JSON");
    key["controller"]
        .as_str()
        .expect("key file has a controller")
        .to_owned()
}

/// The signed credential with the claim changed by one byte.
fn change_one_claim_byte(signed: &str) -> String {
    assert_eq!(
        signed.matches(CLAIM).count(),
        1,
        "the claim {CLAIM} must occur exactly once in:\n{signed}"
    );
    signed.replacen(CLAIM, CLAIM_CHANGED, 1)
}

/// A status list credential for the fixture's status URL, signed by the JS
/// stack with `key_path`; `revoked` sets the fixture's index.
fn js_status_list(dir: &Path, key_path: &Path, issuer: &str, revoked: bool) -> PathBuf {
    let mut args = vec!["--url", STATUS_LIST_URL, "--issuer", issuer];
    if revoked {
        args.extend(["--set", STATUS_INDEX]);
    }
    let unsigned = success("statuslist.mjs", node("statuslist.mjs", &args, None));
    let signed = success(
        "sign.mjs (status list)",
        node("sign.mjs", &["--key", path_str(key_path)], Some(&unsigned)),
    );
    let name = if revoked {
        "status-revoked.json"
    } else {
        "status.json"
    };
    write(dir, name, &signed)
}

/// `brevet verify --offline --json` with the status list; returns the exit
/// code and the parsed report.
fn brevet_verify(credential: &str, status_list: &Path) -> (Option<i32>, Value, Output) {
    let status_arg = format!("{STATUS_LIST_URL}={}", path_str(status_list));
    let out = brevet(
        &[
            "verify",
            "-",
            "--json",
            "--offline",
            "--status-list",
            &status_arg,
        ],
        Some(credential),
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "brevet verify --json printed no JSON report ({e})\n{}",
            describe("brevet verify", &out)
        )
    });
    (out.status.code(), report, out)
}

fn outcome<'a>(report: &'a Value, check: &str) -> &'a str {
    report["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["check"] == check))
        .and_then(|c| c["outcome"].as_str())
        .unwrap_or_else(|| panic!("report has no `{check}` check: {report}"))
}

/// A Brevet key, the matching unsigned fixture, and a credential signed by
/// `brevet sign` with `suite`.
struct BrevetSigned {
    dir: PathBuf,
    key_path: PathBuf,
    issuer: String,
    signed: String,
}

fn brevet_signed(suite: &str) -> BrevetSigned {
    let dir = scratch(&format!("brevet-{suite}"));
    let key = success("brevet keys generate", brevet(&["keys", "generate"], None));
    let key_path = write(&dir, "key.json", &key);
    let issuer = controller_of(&key);
    let unsigned = write(&dir, "unsigned.json", &fixture_for(&issuer));
    let signed = success(
        "brevet sign",
        brevet(
            &[
                "sign",
                "--key",
                path_str(&key_path),
                "--suite",
                suite,
                path_str(&unsigned),
            ],
            None,
        ),
    );
    let proof: Value =
        serde_json::from_str::<Value>(&signed).expect("signed JSON")["proof"].clone();
    assert_eq!(proof["cryptosuite"], suite, "brevet sign proof: {proof}");
    BrevetSigned {
        dir,
        key_path,
        issuer,
        signed,
    }
}

/// A JS key, and a credential signed by `sign.mjs` with `suite`.
struct JsSigned {
    dir: PathBuf,
    key_path: PathBuf,
    issuer: String,
    signed: String,
}

fn js_signed(suite: &str) -> JsSigned {
    let dir = scratch(&format!("js-{suite}"));
    let key = success("keys.mjs", node("keys.mjs", &[], None));
    let key_path = write(&dir, "key.json", &key);
    let issuer = controller_of(&key);
    let fixture = interop_dir().join("fixtures/ob3-credential.json");
    let signed = success(
        "sign.mjs",
        node(
            "sign.mjs",
            &[
                "--key",
                path_str(&key_path),
                "--suite",
                suite,
                "--fill-issuer",
                path_str(&fixture),
            ],
            None,
        ),
    );
    JsSigned {
        dir,
        key_path,
        issuer,
        signed,
    }
}

fn brevet_signed_verifies_with_js(suite: &str) {
    if !interop_ready() {
        return;
    }
    let signed = brevet_signed(suite);
    let out = node("verify.mjs", &["-"], Some(&signed.signed));
    success(&format!("verify.mjs of brevet-signed {suite}"), out);

    // The status entry too, against a status list that the JS stack signed
    // with the same issuer key (Brevet's key file read by the JS stack).
    let list = js_status_list(&signed.dir, &signed.key_path, &signed.issuer, false);
    let status_arg = format!("{STATUS_LIST_URL}={}", path_str(&list));
    let out = node(
        "verify.mjs",
        &["-", "--status-list", &status_arg],
        Some(&signed.signed),
    );
    let stdout = success(
        &format!("verify.mjs --status-list of brevet-signed {suite}"),
        out,
    );
    assert!(stdout.contains("status: checked"), "{stdout}");
}

#[test]
fn brevet_signed_rdfc_verifies_with_js() {
    brevet_signed_verifies_with_js(SUITES[0]);
}

#[test]
fn brevet_signed_jcs_verifies_with_js() {
    brevet_signed_verifies_with_js(SUITES[1]);
}

fn js_signed_verifies_with_brevet(suite: &str) {
    if !interop_ready() {
        return;
    }
    let signed = js_signed(suite);
    let list = js_status_list(&signed.dir, &signed.key_path, &signed.issuer, false);
    let (code, report, out) = brevet_verify(&signed.signed, &list);
    let context = describe(&format!("brevet verify of JS-signed {suite}"), &out);
    assert_eq!(code, Some(0), "{context}");
    assert_eq!(report["verified"], true, "{context}");
    assert_eq!(outcome(&report, "proof"), "passed", "{context}");
    assert_eq!(outcome(&report, "status"), "passed", "{context}");

    let revoked = js_status_list(&signed.dir, &signed.key_path, &signed.issuer, true);
    let (code, report, out) = brevet_verify(&signed.signed, &revoked);
    let context = describe(&format!("brevet verify of revoked JS-signed {suite}"), &out);
    assert_eq!(code, Some(1), "{context}");
    assert_eq!(report["verified"], false, "{context}");
    assert_eq!(outcome(&report, "proof"), "passed", "{context}");
    assert_eq!(outcome(&report, "status"), "failed", "{context}");
}

/// A status list credential signed by the JS stack whose list was then
/// swapped for a clear one (a revocation undone after signing): both
/// verifiers must reject the credential's status.
#[test]
fn status_list_changed_after_signing_rejected_by_both() {
    if !interop_ready() {
        return;
    }
    let signed = js_signed(SUITES[0]);
    let revoked = js_status_list(&signed.dir, &signed.key_path, &signed.issuer, true);
    let clear = js_status_list(&signed.dir, &signed.key_path, &signed.issuer, false);
    let read = |path: &Path| -> Value {
        serde_json::from_str(&fs::read_to_string(path).expect("read status list"))
            .expect("status list JSON")
    };
    let mut forged = read(&revoked);
    forged["credentialSubject"]["encodedList"] =
        read(&clear)["credentialSubject"]["encodedList"].clone();
    let forged_path = write(
        &signed.dir,
        "status-forged.json",
        &serde_json::to_string_pretty(&forged).expect("serialize"),
    );

    let status_arg = format!("{STATUS_LIST_URL}={}", path_str(&forged_path));
    let js = node(
        "verify.mjs",
        &["-", "--status-list", &status_arg],
        Some(&signed.signed),
    );
    assert_eq!(
        js.status.code(),
        Some(1),
        "{}",
        describe("verify.mjs with a forged status list", &js)
    );
    let (code, report, out) = brevet_verify(&signed.signed, &forged_path);
    let context = describe("brevet verify with a forged status list", &out);
    assert_eq!(code, Some(1), "{context}");
    assert_eq!(outcome(&report, "proof"), "passed", "{context}");
    assert_eq!(outcome(&report, "status"), "failed", "{context}");
}

/// `brevet demo` signs the sample badge and its revocation list (both with
/// Brevet): the JS stack verifies the badge and, offline, the list and the
/// badge's entry in it.
#[test]
fn brevet_demo_badge_and_status_list_verify_with_js() {
    if !interop_ready() {
        return;
    }
    let dir = scratch("demo");
    let demo_dir = dir.join("demo");
    success(
        "brevet demo",
        brevet(&["demo", "--dir", path_str(&demo_dir)], None),
    );
    let signed = fs::read_to_string(demo_dir.join("badge.signed.json"))
        .expect("demo wrote the signed badge");
    let badge: Value = serde_json::from_str(&signed).expect("signed badge JSON");
    let list_url = badge["credentialStatus"]["statusListCredential"]
        .as_str()
        .expect("the demo badge has a status list entry");
    let status_arg = format!(
        "{list_url}={}",
        path_str(&demo_dir.join("revocation-list.json"))
    );
    let stdout = success(
        "verify.mjs of the brevet demo badge",
        node(
            "verify.mjs",
            &["-", "--status-list", &status_arg],
            Some(&signed),
        ),
    );
    assert!(stdout.contains("status: checked, not set"), "{stdout}");
}

#[test]
fn js_signed_rdfc_verifies_with_brevet() {
    js_signed_verifies_with_brevet(SUITES[0]);
}

#[test]
fn js_signed_jcs_verifies_with_brevet() {
    js_signed_verifies_with_brevet(SUITES[1]);
}

/// Both verifiers reject `tampered`: JS exit 1, Brevet exit 1 with a failed
/// proof check.
fn both_reject(tampered: &str, status_list: &Path, what: &str) {
    let js = node("verify.mjs", &["-"], Some(tampered));
    assert_eq!(
        js.status.code(),
        Some(1),
        "{}",
        describe(&format!("verify.mjs of {what}"), &js)
    );
    let (code, report, out) = brevet_verify(tampered, status_list);
    let context = describe(&format!("brevet verify of {what}"), &out);
    assert_eq!(code, Some(1), "{context}");
    assert_eq!(report["verified"], false, "{context}");
    assert_eq!(outcome(&report, "proof"), "failed", "{context}");
}

fn one_changed_byte_rejected_by_both(suite: &str) {
    if !interop_ready() {
        return;
    }
    let from_brevet = brevet_signed(suite);
    let list = js_status_list(
        &from_brevet.dir,
        &from_brevet.key_path,
        &from_brevet.issuer,
        false,
    );
    both_reject(
        &change_one_claim_byte(&from_brevet.signed),
        &list,
        &format!("brevet-signed {suite} with one claim byte changed"),
    );

    let from_js = js_signed(suite);
    let list = js_status_list(&from_js.dir, &from_js.key_path, &from_js.issuer, false);
    both_reject(
        &change_one_claim_byte(&from_js.signed),
        &list,
        &format!("JS-signed {suite} with one claim byte changed"),
    );
}

#[test]
fn one_changed_byte_rdfc_rejected_by_both() {
    one_changed_byte_rejected_by_both(SUITES[0]);
}

#[test]
fn one_changed_byte_jcs_rejected_by_both() {
    one_changed_byte_rejected_by_both(SUITES[1]);
}
