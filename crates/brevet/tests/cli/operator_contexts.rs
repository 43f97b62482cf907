//! `--context URL=FILE` on `sign` and `verify`: the operator's own JSON-LD contexts.

use serde_json::{Value, json};

use crate::helpers::{
    assert_exit, badge, brevet, generate_key, path, scratch, sign_file, stderr, write,
};

/// `--context URL=FILE` adds a vocabulary of one's own to `sign` and `verify`; without it the
/// same credential is refused, and a context that would replace a pinned one is refused.
#[test]
fn sign_and_verify_take_the_operators_contexts() {
    let dir = scratch("operator-context");
    let (key, issuer) = generate_key(&dir);
    let url = "https://vocab.example.org/skills/v1";
    let context = write(
        &dir,
        "skills.jsonld",
        &json!({"@context": {
            "SkillCredential": "https://vocab.example.org/skills#SkillCredential",
            "level": "https://vocab.example.org/skills#level"
        }}),
    );
    let pair = format!("{url}={}", path(&context));
    let mut credential = badge(&issuer);
    credential["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!(url));
    credential["type"]
        .as_array_mut()
        .unwrap()
        .push(json!("SkillCredential"));
    credential["credentialSubject"]["level"] = json!("expert");
    let unsigned = write(&dir, "skill.json", &credential);

    let refused = sign_file(&key, &unsigned, "eddsa-rdfc-2022");
    assert_exit(&refused, 1);
    assert!(stderr(&refused).contains(url), "{}", stderr(&refused));

    let signed = brevet(&[
        "sign",
        "--key",
        path(&key),
        "--context",
        &pair,
        path(&unsigned),
    ]);
    assert_exit(&signed, 0);
    let signed_file = write(
        &dir,
        "skill-signed.json",
        &serde_json::from_slice::<Value>(&signed.stdout).unwrap(),
    );
    assert_exit(
        &brevet(&["verify", "--context", &pair, path(&signed_file)]),
        0,
    );
    let without = brevet(&["verify", "--json", path(&signed_file)]);
    assert_exit(&without, 1);
    let report: Value = serde_json::from_slice(&without.stdout).unwrap();
    assert_eq!(report["checks"][1]["outcome"], "failed", "{report}");

    let pinned = format!("https://www.w3.org/ns/credentials/v2={}", path(&context));
    let replaced = brevet(&["verify", "--context", &pinned, path(&signed_file)]);
    assert_exit(&replaced, 2);
    assert!(
        stderr(&replaced).contains("cannot be replaced"),
        "{}",
        stderr(&replaced)
    );
    let missing = brevet(&[
        "verify",
        "--context",
        &format!("{url}=/nonexistent"),
        path(&signed_file),
    ]);
    assert_exit(&missing, 2);
}
