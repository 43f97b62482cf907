//! The Open Badges 3.0 material from 1EdTech: the public validator's fixtures
//! (`ob30/1edtech-fixtures/`) and the canonical N-Quads (`ob30/canonical-test-vectors/*/`).
//!
//! **Fixtures.** Every file in the folder runs. By the validator's naming, a fixture whose name
//! contains `-err-` or `noproof` is invalid and must not verify; the others are valid. Baked
//! images (`.png`, `.svg`) are unbaked with `brevet_core::baking` and their credential runs like
//! a JSON fixture; a `.jwt` runs through the VC-JWT verifier. The fixtures are verified offline
//! at a fixed time. Brevet is stricter
//! than 1EdTech's validator in ways the security catalogue requires, so a valid fixture may
//! not come out verified; each such difference is a stated rule, applied only when the checks
//! that did not pass are exactly the ones the rule is about, and printed:
//! - **key from a URL fragment** (KEY-01): the fixtures' issuers are HTTPS profile URLs and
//!   their verification methods are `<profile URL>#z6Mk…`. 1EdTech's validator reads the public
//!   key out of the fragment; Brevet will not trust a key that anyone can write into a URL, and
//!   resolves keys of DID issuers only, so `proof` and `issuer-key` are could-not-check. The
//!   runner then checks the signature itself with the key the fragment names: it must hold for
//!   valid fixtures (and must not for `simple-err-proof-value.json`-style fixtures).
//! - **issuer binding** (KEY-01): an issuer (`urn:uuid:…`) that is not the verification
//!   method's DID fails `issuer-key`; the proof itself must verify.
//! - **no cryptosuite aliases** (DI-09): the pre-standard name `eddsa-2022` is refused.
//! - **status types** (fail closed): a `credentialStatus` other than BitstringStatusListEntry
//!   (`1EdTechRevocationList`) is could-not-check.
//! - **draft JWT** (pinned contexts, KEY-01): `simple.jwt` names a pre-release Open Badges
//!   context (`imsglobal.github.io/...`), which is not pinned (syntax and context fail), and an
//!   https issuer, whose keys Brevet does not resolve (issuer-key and proof could-not-check).
//!
//! **Canonical vectors.** Each folder holds the canonical N-Quads of a document and of its proof
//! configuration, but not the input documents. The Open Badges one is the spec's "Teamwork Badge"
//! example, which `simple.json` reproduces except for the issuer: the runner finds the fixture
//! with the same credential id and types, sets the issuer's `id` (and `url`, when present) to what the
//! canonical form states, removes the proof, and compares Brevet's canonical document
//! byte for byte; the proof configuration is rebuilt from the proof N-Quads and compared too.
//! Where no fixture matches (CLR 2.0: no input, and the CLR context is not pinned), only the
//! proof configuration is compared, over the credentials v2 context.

use std::path::Path;

use brevet_conformance::{Tally, vectors_dir};
use brevet_core::linked_data::LinkedData;
use brevet_core::multikey::decode_public_key;
use brevet_core::proof;
use brevet_core::verify::{CheckName, NoSources, Outcome, VerificationReport, VerifyEnv, verify};
use serde_json::{Value, json};

const DRAFT_JWT_RULE: &str = "draft VC-JWT: a pre-release OB context is not pinned, and the keys of an https issuer are not resolved (KEY-01)";
const FRAGMENT_RULE: &str = "key from a URL fragment is not trusted (KEY-01): proof and issuer-key could-not-check; the signature holds with the fragment's key";
const BINDING_RULE: &str = "issuer binding (KEY-01): the issuer does not control the verification method; the signature holds";
const ALIAS_RULE: &str = "no cryptosuite aliases (DI-09): eddsa-2022 is refused";
const STATUS_RULE: &str =
    "status types other than BitstringStatusListEntry are could-not-check (fail closed)";

fn read_json(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    brevet_core::json::parse_strict(&text)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn sorted_files(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

/// Whether every proof's signature holds with the key its verification method's fragment names
/// (`None` when some proof has no such fragment).
fn fragment_signatures_hold(document: &Value) -> Option<bool> {
    let proofs = proof::list_proofs(document);
    if proofs.is_empty() {
        return None;
    }
    let mut all_hold = true;
    for proof in proofs {
        let method = proof.get("verificationMethod")?.as_str()?;
        let (_, fragment) = method.split_once('#')?;
        let key = decode_public_key(fragment).ok()?;
        all_hold &= proof::verify_proof(document, proof, &key, LinkedData::shared()).is_ok();
    }
    Some(all_hold)
}

fn not_passed(report: &VerificationReport) -> Vec<CheckName> {
    report
        .checks
        .iter()
        .filter(|check| !matches!(check.outcome, Outcome::Passed | Outcome::NotApplicable))
        .map(|check| check.check)
        .collect()
}

fn detail(report: &VerificationReport, name: CheckName) -> (Outcome, &str) {
    let check = report.check(name).expect("every check is reported");
    (check.outcome, check.detail.as_str())
}

/// The rules explaining why a valid fixture is not verified, or `None` when some check that did
/// not pass is explained by no rule.
fn rules_for_valid(document: &Value, report: &VerificationReport) -> Option<Vec<&'static str>> {
    let mut rules = Vec::new();
    let mut explained = Vec::new();
    let (proof_outcome, proof_detail) = detail(report, CheckName::Proof);
    let (key_outcome, key_detail) = detail(report, CheckName::IssuerKey);
    let (status_outcome, status_detail) = detail(report, CheckName::Status);
    if key_outcome == Outcome::CouldNotCheck
        && key_detail.contains("is not a DID")
        && proof_outcome == Outcome::CouldNotCheck
    {
        if fragment_signatures_hold(document) != Some(true) {
            return None;
        }
        rules.push(FRAGMENT_RULE);
        explained.extend([CheckName::Proof, CheckName::IssuerKey]);
    }
    if key_outcome == Outcome::Failed
        && key_detail.contains("does not control verification method")
        && proof_outcome == Outcome::Passed
    {
        rules.push(BINDING_RULE);
        explained.push(CheckName::IssuerKey);
        // With a failed binding, no status list is fetched.
        if status_outcome == Outcome::CouldNotCheck
            && status_detail.contains("issuer-key check failed")
        {
            explained.push(CheckName::Status);
        }
    }
    if proof_outcome == Outcome::Failed
        && proof_detail.contains("unsupported cryptosuite \"eddsa-2022\"")
    {
        rules.push(ALIAS_RULE);
        explained.push(CheckName::Proof);
        if key_outcome == Outcome::CouldNotCheck {
            explained.push(CheckName::IssuerKey);
        }
        if status_outcome == Outcome::CouldNotCheck && status_detail.contains("proof check failed")
        {
            explained.push(CheckName::Status);
        }
    }
    if status_outcome == Outcome::CouldNotCheck
        && status_detail.contains("is not supported (only BitstringStatusListEntry)")
    {
        rules.push(STATUS_RULE);
        explained.push(CheckName::Status);
    }
    let all_explained = not_passed(report)
        .iter()
        .all(|name| explained.contains(name));
    (all_explained && !rules.is_empty()).then_some(rules)
}

/// An invalid fixture must not verify; when its proof could not be checked for want of a DID
/// key, the signature must not hold with the fragment's key either, unless another check failed.
fn invalid_is_rejected(document: &Value, report: &VerificationReport) -> Result<String, String> {
    if report.verified {
        return Err("verified".to_owned());
    }
    let failed: Vec<String> = report
        .checks
        .iter()
        .filter(|check| check.outcome == Outcome::Failed)
        .map(|check| format!("{} failed: {}", check.check, check.detail))
        .collect();
    if !failed.is_empty() {
        return Ok(failed.join("; "));
    }
    match fragment_signatures_hold(document) {
        Some(false) => Ok("no check failed offline (the issuer is not a DID), but the signature does not hold with the key its verification method names".to_owned()),
        other => Err(format!("nothing failed and the fragment-key signature check gave {other:?}")),
    }
}

fn run_fixtures(vectors: &Path, tally: &mut Tally) {
    let folder = vectors.join("ob30/1edtech-fixtures");
    let now = brevet_core::datetime::DateTimeStamp::parse("2026-01-01T00:00:00Z")
        .expect("a valid time")
        .instant();
    let env = VerifyEnv {
        now,
        ld: LinkedData::shared(),
        dids: &NoSources,
        status_lists: &NoSources,
    };
    for name in sorted_files(&folder) {
        if name.ends_with(".jwt") {
            run_jwt(&folder, &name, &env, tally);
            continue;
        }
        let document = if name.ends_with(".png") || name.ends_with(".svg") {
            match unbaked(&folder.join(&name)) {
                Ok(document) => document,
                Err(reason) => {
                    tally.fail(format!("{name}: {reason}"));
                    continue;
                }
            }
        } else if name.ends_with(".json") {
            read_json(&folder.join(&name))
        } else {
            tally.exclude(&name, "not a credential (licence or notes)");
            continue;
        };
        let report = verify(&document, &env);
        let invalid = name.contains("-err-") || name.contains("noproof");
        if invalid {
            match invalid_is_rejected(&document, &report) {
                Ok(reason) => {
                    tally.pass();
                    println!("[ob30] ok {name} (invalid): not verified: {reason}");
                }
                Err(reason) => tally.fail(format!("{name}: documented invalid, but {reason}")),
            }
        } else if report.verified {
            tally.pass();
            println!("[ob30] ok {name} (valid): verified");
        } else {
            match rules_for_valid(&document, &report) {
                Some(rules) => tally.exclude(
                    &name,
                    &format!(
                        "valid per 1EdTech; Brevet differs by stated rule: {}",
                        rules.join(" + ")
                    ),
                ),
                None => tally.fail(format!(
                    "{name}: documented valid, not verified: {report:?}"
                )),
            }
        }
    }
}

/// The credential baked into an image, as JSON.
fn unbaked(path: &Path) -> Result<Value, String> {
    let image = std::fs::read(path).map_err(|error| error.to_string())?;
    match brevet_core::baking::unbake(&image) {
        Ok(Some(embedded)) => match embedded.payload {
            brevet_core::baking::Baked::Json(text) => {
                brevet_core::json::parse_strict(&text).map_err(|error| error.to_string())
            }
            other => Err(format!("carries a {}, not JSON", other.kind())),
        },
        Ok(None) => Err("carries no credential".to_owned()),
        Err(error) => Err(error.to_string()),
    }
}

/// A VC-JWT fixture: verified, or not verified for exactly the draft-JWT rule's reasons.
fn run_jwt(folder: &Path, name: &str, env: &VerifyEnv<'_>, tally: &mut Tally) {
    let token = match std::fs::read_to_string(folder.join(name)) {
        Ok(text) => text.trim().to_owned(),
        Err(error) => {
            tally.fail(format!("{name}: {error}"));
            return;
        }
    };
    let report = verify(&Value::String(token), env);
    if report.verified {
        tally.pass();
        println!("[ob30] ok {name} (valid): verified");
        return;
    }
    let (context, context_detail) = detail(&report, CheckName::Context);
    let (key, key_detail) = detail(&report, CheckName::IssuerKey);
    let explained = context == Outcome::Failed
        && context_detail.contains("unknown context")
        && key == Outcome::CouldNotCheck
        && key_detail.contains("is not a DID")
        && not_passed(&report).iter().all(|check| {
            matches!(
                check,
                CheckName::Syntax
                    | CheckName::Context
                    | CheckName::Proof
                    | CheckName::IssuerKey
                    | CheckName::Status
            )
        })
        && report.outcome(CheckName::Proof) == Some(Outcome::CouldNotCheck);
    if explained {
        tally.exclude(
            name,
            &format!("valid per 1EdTech; Brevet differs by stated rule: {DRAFT_JWT_RULE}"),
        );
    } else {
        tally.fail(format!(
            "{name}: documented valid, not verified: {report:?}"
        ));
    }
}

/// Parses the subject, predicate and object of the N-Quads line with `predicate`.
fn object_of(nquads: &str, subject_prefix: &str, predicate: &str) -> Option<String> {
    nquads.lines().find_map(|line| {
        let rest = line.strip_prefix(subject_prefix)?;
        let rest = rest.trim_start().strip_prefix(&format!("<{predicate}>"))?;
        let object = rest.trim().strip_suffix('.')?.trim();
        Some(object.to_owned())
    })
}

fn iri(term: &str) -> Option<String> {
    Some(term.strip_prefix('<')?.strip_suffix('>')?.to_owned())
}

fn literal(term: &str) -> Option<String> {
    let rest = term.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

const CREDENTIALS: &str = "https://www.w3.org/2018/credentials#";
const SECURITY: &str = "https://w3id.org/security#";

/// The proof configuration the proof N-Quads describe.
fn proof_config(proof_canon: &str) -> Option<Value> {
    let subject = "_:c14n0 ";
    Some(json!({
        "type": iri(&object_of(proof_canon, subject, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")?)?.strip_prefix(SECURITY)?,
        "cryptosuite": literal(&object_of(proof_canon, subject, &format!("{SECURITY}cryptosuite"))?)?,
        "created": literal(&object_of(proof_canon, subject, "http://purl.org/dc/terms/created")?)?,
        "verificationMethod": iri(&object_of(proof_canon, subject, &format!("{SECURITY}verificationMethod"))?)?,
        "proofPurpose": iri(&object_of(proof_canon, subject, &format!("{SECURITY}proofPurpose"))?)?.strip_prefix(SECURITY)?,
    }))
}

/// The fixture the canonical document describes (same credential id), aligned with it.
fn matching_input(vectors: &Path, document_canon: &str) -> Option<Value> {
    let type_line = document_canon
        .lines()
        .find(|line| line.contains("<https://www.w3.org/2018/credentials#VerifiableCredential>"))?;
    let credential_id = iri(type_line.split(' ').next()?)?;
    let subject = format!("<{credential_id}> ");
    // The credential's types, by local name (`OpenBadgeCredential`, `ClrCredential`, ...).
    let types: Vec<String> = document_canon
        .lines()
        .filter_map(|line| {
            let object = line
                .strip_prefix(&subject)?
                .strip_prefix("<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ")?;
            let iri = iri(object.trim().strip_suffix('.')?.trim())?;
            Some(iri.rsplit(['#', '/']).next()?.to_owned())
        })
        .collect();
    let folder = vectors.join("ob30/1edtech-fixtures");
    let mut input = sorted_files(&folder)
        .into_iter()
        .filter(|name| name.ends_with(".json"))
        .map(|name| read_json(&folder.join(name)))
        .find(|document| {
            let listed = |wanted: &String| match document.get("type") {
                Some(Value::Array(names)) => names.iter().any(|name| name.as_str() == Some(wanted)),
                Some(Value::String(name)) => name == wanted,
                _ => false,
            };
            document.get("id").and_then(Value::as_str) == Some(credential_id.as_str())
                && types.iter().all(listed)
        })?;
    let issuer = iri(&object_of(
        document_canon,
        &subject,
        &format!("{CREDENTIALS}issuer"),
    )?)?;
    let object = input.as_object_mut()?;
    object.remove("proof");
    let profile = object.get_mut("issuer")?.as_object_mut()?;
    profile.insert("id".to_owned(), Value::from(issuer.as_str()));
    if let Some(url) = object_of(
        document_canon,
        &format!("<{issuer}> "),
        "https://schema.org/url",
    )
    .and_then(|term| literal(&term))
    {
        profile.insert("url".to_owned(), Value::from(url));
    }
    Some(input)
}

fn run_canonical_vectors(vectors: &Path, tally: &mut Tally) {
    let folder = vectors.join("ob30/canonical-test-vectors");
    for suite in sorted_files(&folder) {
        let read = |file: &str| std::fs::read_to_string(folder.join(&suite).join(file));
        let (Ok(document_canon), Ok(proof_canon)) =
            (read("document-canon.txt"), read("proof-canon.txt"))
        else {
            tally.fail(format!(
                "canonical/{suite}: document-canon.txt or proof-canon.txt missing"
            ));
            continue;
        };
        let Some(config) = proof_config(&proof_canon) else {
            tally.fail(format!(
                "canonical/{suite}: proof-canon.txt does not describe a proof configuration"
            ));
            continue;
        };
        match matching_input(vectors, &document_canon) {
            Some(input) => match proof::checkpoints(&input, &config, LinkedData::shared()) {
                Ok(steps) if steps.canonical_document == document_canon && steps.canonical_proof_config == proof_canon => {
                    tally.pass();
                    println!("[ob30] ok canonical/{suite}: document and proof configuration match byte for byte");
                }
                Ok(steps) => tally.fail(format!(
                    "canonical/{suite}: differs\n--- expected document\n{document_canon}--- Brevet\n{}--- expected proof\n{proof_canon}--- Brevet\n{}",
                    steps.canonical_document, steps.canonical_proof_config
                )),
                Err(error) => tally.fail(format!("canonical/{suite}: {error}")),
            },
            None => {
                // The proof configuration is canonicalized with the document's @context; without
                // the document, with the credentials v2 context (which defines DataIntegrityProof).
                let mut with_context = config.clone();
                with_context["@context"] = json!(["https://www.w3.org/ns/credentials/v2"]);
                match LinkedData::shared().canonicalize(&with_context) {
                    Ok(canonical) if canonical.nquads == proof_canon => {
                        tally.pass();
                        println!("[ob30] ok canonical/{suite}: proof configuration matches byte for byte (no input document in the vectors: document not compared)");
                    }
                    Ok(canonical) => tally.fail(format!("canonical/{suite}: proof configuration differs:\n{}", canonical.nquads)),
                    Err(error) => tally.fail(format!("canonical/{suite}: {error}")),
                }
            }
        }
    }
}

#[test]
fn ob30_fixtures_and_canonical_vectors() {
    let Some(vectors) = vectors_dir() else { return };
    let mut tally = Tally::new("ob30");
    run_fixtures(&vectors, &mut tally);
    run_canonical_vectors(&vectors, &mut tally);
    tally.finish();
}
