//! eddsa suite: the W3C vc-di-eddsa `TestVectors`. Every folder holding a `proofConfig*.json` is
//! a case; each checkpoint file present in it (canonical document, canonical proof
//! configuration, hashes, signature in hex and base58, signed document) is compared with what
//! Brevet computes with `keyPair.json`, and the signed document is verified. The
//! `proof-set-chain` folder: every `<kind>Config<N>.json` is signed (over `<kind>TempDoc<N>.json`
//! when present, else `unsigned.json`) and compared with `<kind>ConfigSigned<N>.json`, and every
//! `signed*.json` is verified proof by proof with the did:key of each proof.
//!
//! Exclusion rule (printed): checkpoints that need JSON-LD processing are skipped for a document
//! whose `@context` names a context that is neither pinned nor in the vectors' `contexts/` folder
//! (no context is ever fetched); that case's hash and signature checkpoints still run on the
//! vector's own canonical forms.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use brevet_conformance::{Tally, vectors_dir};
use brevet_core::contexts::{PINNED_CONTEXTS, PinnedLoader};
use brevet_core::did::{did_of_url, parse_did_key};
use brevet_core::linked_data::LinkedData;
use brevet_core::multikey::{Ed25519KeyPair, Signature, VerifyingKey};
use brevet_core::proof::{self, Checkpoints, ProofOptions, ProofSuite, sha256};
use serde_json::Value;

const EXAMPLES_V2: &str = "https://www.w3.org/ns/credentials/examples/v2";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
    serde_json::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))
}

fn read_text(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))
}

/// The contexts the test serves beyond the pinned ones: the examples v2 context, from the
/// vectors' `contexts/index.json`.
fn test_contexts(vectors: &Path) -> BTreeMap<String, Value> {
    let mut served = BTreeMap::new();
    let index_path = vectors.join("contexts/index.json");
    let index = read_json(&index_path).expect("contexts/index.json");
    let entry = index
        .get(EXAMPLES_V2)
        .expect("examples v2 context listed in contexts/index.json");
    let file = entry["file"]
        .as_str()
        .expect("file name of the examples v2 context");
    served.insert(
        EXAMPLES_V2.to_owned(),
        read_json(&vectors.join("contexts").join(file)).expect("examples v2 context"),
    );
    served
}

fn context_urls(document: &Value) -> Vec<String> {
    match document.get("@context") {
        Some(Value::String(url)) => vec![url.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| item.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn unavailable_context(document: &Value, served: &BTreeMap<String, Value>) -> Option<String> {
    context_urls(document).into_iter().find(|url| {
        !served.contains_key(url) && !PINNED_CONTEXTS.iter().any(|pinned| pinned.url == url)
    })
}

fn without_proof(document: &Value) -> Value {
    let mut copy = document.clone();
    if let Some(map) = copy.as_object_mut() {
        map.remove("proof");
    }
    copy
}

fn key_pair_from(value: &Value) -> Ed25519KeyPair {
    let secret = value["privateKeyMultibase"]
        .as_str()
        .or_else(|| value["secretKeyMultibase"].as_str())
        .expect("secret key");
    let pair = Ed25519KeyPair::from_secret_multibase(secret).expect("valid secret key");
    assert_eq!(
        Some(pair.public_multibase().as_str()),
        value["publicKeyMultibase"].as_str(),
        "key pair mismatch"
    );
    pair
}

/// The key of a proof: the did:key of its verification method.
fn did_key_of_proof(proof: &Value) -> Result<VerifyingKey, String> {
    let method = proof["verificationMethod"]
        .as_str()
        .ok_or("proof has no verificationMethod")?;
    parse_did_key(did_of_url(method)).map_err(|error| error.to_string())
}

/// Files of a folder, by name.
fn files_of(dir: &Path) -> BTreeMap<String, PathBuf> {
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(dir).expect("readable folder").flatten() {
        let path = entry.path();
        if path.is_file()
            && let Some(name) = path.file_name().and_then(|name| name.to_str())
        {
            files.insert(name.to_owned(), path.clone());
        }
    }
    files
}

fn subfolders(dir: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = fs::read_dir(dir)
        .expect("readable folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    folders
}

/// The one file of a folder whose name starts with `prefix` (e.g. `canonDoc`).
fn find<'a>(files: &'a BTreeMap<String, PathBuf>, prefix: &str) -> Option<&'a PathBuf> {
    files
        .iter()
        .find(|(name, _)| name.starts_with(prefix))
        .map(|(_, path)| path)
}

struct Case<'a> {
    name: String,
    tally: &'a mut Tally,
}

impl Case<'_> {
    fn check(&mut self, checkpoint: &str, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => self.tally.pass(),
            Err(reason) => self
                .tally
                .fail(format!("{} {checkpoint}: {reason}", self.name)),
        }
    }
}

fn expect_eq(found: &str, expected: &str) -> Result<(), String> {
    if found.trim_end() == expected.trim_end() {
        Ok(())
    } else {
        Err(format!(
            "expected\n{}\nfound\n{}",
            expected.trim_end(),
            found.trim_end()
        ))
    }
}

/// Checkpoints that need no JSON-LD: the vector's canonical forms hash to its hashes, their
/// concatenation is the combined hash, our signature over it is the vector's, and it verifies.
fn check_hash_chain(case: &mut Case<'_>, files: &BTreeMap<String, PathBuf>, key: &Ed25519KeyPair) {
    let (Some(canon_doc), Some(proof_canon)) = (find(files, "canonDoc"), find(files, "proofCanon"))
    else {
        return;
    };
    let (Ok(canon_doc), Ok(proof_canon)) = (read_text(canon_doc), read_text(proof_canon)) else {
        case.check("read canonical forms", Err("unreadable".into()));
        return;
    };
    let doc_hash = hex(&sha256(canon_doc.as_bytes()));
    let proof_hash = hex(&sha256(proof_canon.as_bytes()));
    for (prefix, found) in [
        ("docHash", doc_hash.clone()),
        ("proofHash", proof_hash.clone()),
        ("combinedHash", format!("{proof_hash}{doc_hash}")),
    ] {
        if let Some(path) = find(files, prefix) {
            case.check(
                &format!("{prefix} of the vector's canonical form"),
                read_text(path).and_then(|expected| expect_eq(&found, &expected)),
            );
        }
    }
    let mut data = sha256(proof_canon.as_bytes()).to_vec();
    data.extend_from_slice(&sha256(canon_doc.as_bytes()));
    let signature = key.sign(&data);
    if let Some(path) = find(files, "sigHex") {
        case.check(
            "sigHex over the vector's hashes",
            read_text(path).and_then(|expected| expect_eq(&hex(&signature), &expected)),
        );
    }
    if let Some(path) = find(files, "sigBTC58") {
        case.check(
            "sigBTC58 over the vector's hashes",
            read_text(path)
                .and_then(|expected| expect_eq(&proof::encode_proof_value(&signature), &expected)),
        );
    }
    case.check(
        "signature verifies (strict)",
        key.verifying_key()
            .verify_strict(&data, &Signature::from_bytes(&signature))
            .map_err(|error| error.to_string()),
    );
}

fn compare_checkpoints(
    case: &mut Case<'_>,
    files: &BTreeMap<String, PathBuf>,
    steps: &Checkpoints,
    key: &Ed25519KeyPair,
) {
    let signature = key.sign(&steps.hash_data());
    let computed = [
        ("canonDoc", steps.canonical_document.clone()),
        ("proofCanon", steps.canonical_proof_config.clone()),
        ("docHash", hex(&steps.document_hash)),
        ("proofHash", hex(&steps.proof_config_hash)),
        ("combinedHash", hex(&steps.hash_data())),
        ("sigHex", hex(&signature)),
        ("sigBTC58", proof::encode_proof_value(&signature)),
    ];
    for (prefix, found) in computed {
        if let Some(path) = find(files, prefix) {
            case.check(
                prefix,
                read_text(path).and_then(|expected| expect_eq(&found, &expected)),
            );
        }
    }
}

/// One suite folder (a folder with a `proofConfig*.json`).
fn run_suite_case(
    dir: &Path,
    key: &Ed25519KeyPair,
    ld: &LinkedData,
    served: &BTreeMap<String, Value>,
    tally: &mut Tally,
) {
    let files = files_of(dir);
    let Some(config_path) = find(&files, "proofConfig") else {
        return;
    };
    let Some(signed_path) = find(&files, "signed") else {
        return;
    };
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("?")
        .to_owned();
    let mut case = Case {
        name: format!("{name}/"),
        tally,
    };
    let (config, signed) = match (read_json(config_path), read_json(signed_path)) {
        (Ok(config), Ok(signed)) => (config, signed),
        (Err(error), _) | (_, Err(error)) => {
            case.check("read", Err(error));
            return;
        }
    };
    let unsigned = without_proof(&signed);
    check_hash_chain(&mut case, &files, key);
    if let Some(url) =
        unavailable_context(&signed, served).or_else(|| unavailable_context(&config, served))
    {
        case.tally.exclude(
            &format!("{name} JSON-LD checkpoints"),
            &format!("context {url} is not available offline"),
        );
        return;
    }
    match proof::checkpoints(&unsigned, &config, ld) {
        Ok(steps) => compare_checkpoints(&mut case, &files, &steps, key),
        Err(error) => case.check("checkpoints", Err(format!("{} {error}", error.code()))),
    }
    let the_proof = &signed["proof"];
    case.check(
        "verify signed document",
        proof::verify_proof(&signed, the_proof, &key.verifying_key(), ld)
            .map_err(|e| format!("{} {e}", e.code())),
    );
    case.check(
        "tampered claim rejected",
        tampered_rejected(&signed, &key.verifying_key(), ld),
    );
    if ProofSuite::of_config(config.as_object().expect("config object")).ok()
        == Some(ProofSuite::Ed25519Signature2020)
    {
        case.tally.exclude(
            &format!("{name} signing"),
            "Ed25519Signature2020 is a legacy suite Brevet verifies but never signs with",
        );
    } else {
        let outcome = ProofOptions::from_config(&config)
            .and_then(|options| proof::sign(&unsigned, key, &options, ld))
            .map_err(|error| format!("{} {error}", error.code()))
            .and_then(|produced| {
                if produced == signed {
                    Ok(())
                } else {
                    Err(format!("signed document differs: {produced}"))
                }
            });
        case.check("sign reproduces the signed document", outcome);
    }
}

/// Changing one claim (the `name`, else the issuer) must make the proof fail.
fn tampered_rejected(signed: &Value, key: &VerifyingKey, ld: &LinkedData) -> Result<(), String> {
    let mut tampered = signed.clone();
    let map = tampered.as_object_mut().ok_or("not an object")?;
    let field = if map.contains_key("name") {
        "name"
    } else {
        "issuer"
    };
    map.insert(field.to_owned(), Value::from("Tampered"));
    let result = proof::list_proofs(&tampered)
        .iter()
        .try_for_each(|p| proof::verify_proof(&tampered, p, key, ld));
    match result {
        Err(error) if error.code() == "PROOF_VERIFICATION_ERROR" => Ok(()),
        Err(error) => Err(format!(
            "rejected with {} instead of PROOF_VERIFICATION_ERROR: {error}",
            error.code()
        )),
        Ok(()) => Err("tampered document verified".to_owned()),
    }
}

/// `proof-set-chain`: sign each `<kind>Config<N>.json` and verify each `signed*.json`.
fn run_proof_set_chain(dir: &Path, ld: &LinkedData, tally: &mut Tally) {
    let files = files_of(dir);
    let key_pairs: Vec<Ed25519KeyPair> = match files.get("multiKeyPairs.json").map(|p| read_json(p))
    {
        Some(Ok(Value::Object(pairs))) => pairs.values().map(key_pair_from).collect(),
        _ => {
            tally.fail("proof-set-chain: multiKeyPairs.json missing or unreadable");
            return;
        }
    };
    let unsigned = files.get("unsigned.json").map(|p| read_json(p));
    let mut case = Case {
        name: "proof-set-chain/".to_owned(),
        tally,
    };
    for (name, path) in &files {
        let Some((kind, number)) = name
            .strip_suffix(".json")
            .and_then(|stem| stem.split_once("Config"))
        else {
            continue;
        };
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let label = format!("{kind}Config{number}");
        let outcome = (|| -> Result<(), String> {
            let config = read_json(path)?;
            let expected = read_json(&dir.join(format!("{kind}ConfigSigned{number}.json")))?;
            let input = match files.get(&format!("{kind}TempDoc{number}.json")) {
                Some(temp) => read_json(temp)?,
                None => unsigned.clone().ok_or("no unsigned.json")??,
            };
            let public = did_key_of_proof(&config)?;
            let key = key_pairs
                .iter()
                .find(|pair| pair.verifying_key() == public)
                .ok_or("no key pair for the proof's did:key")?;
            let options = ProofOptions::from_config(&config).map_err(|e| e.to_string())?;
            let produced = proof::create_proof(&input, key, &options, ld)
                .map_err(|e| format!("{} {e}", e.code()))?;
            if produced == expected {
                Ok(())
            } else {
                Err(format!("proof differs: {produced}"))
            }
        })();
        case.check(&label, outcome);
    }
    for (name, path) in files.iter().filter(|(name, _)| name.starts_with("signed")) {
        let outcome = read_json(path).and_then(|signed| {
            let proofs = proof::list_proofs(&signed);
            if proofs.is_empty() {
                return Err("no proof".to_owned());
            }
            for (index, one) in proofs.iter().enumerate() {
                let key = did_key_of_proof(one)?;
                proof::verify_proof(&signed, one, &key, ld)
                    .map_err(|e| format!("proof {index}: {} {e}", e.code()))?;
            }
            tampered_rejected(&signed, &did_key_of_proof(proofs[0])?, ld)
        });
        case.check(&format!("verify {name}"), outcome);
    }
    // A chain whose previousProof names a missing proof is rejected (DI-11 b).
    if let Some(path) = files
        .keys()
        .find(|name| name.starts_with("signedProofChain"))
        .map(|name| &files[name])
    {
        let outcome = read_json(path).and_then(|mut signed| {
            let proofs = signed["proof"].as_array_mut().ok_or("proof is not a set")?;
            let chained = proofs
                .iter()
                .position(|p| p.get("previousProof").is_some())
                .ok_or("no chained proof")?;
            let target = proofs[chained]["previousProof"].clone();
            let target_ids: Vec<Value> = match target {
                Value::Array(ids) => ids,
                other => vec![other],
            };
            proofs.retain(|p| !target_ids.contains(&p["id"]));
            let chained_proof = signed["proof"]
                .as_array()
                .and_then(|p| p.iter().find(|p| p.get("previousProof").is_some()))
                .cloned()
                .ok_or("lost chain")?;
            match proof::verify_proof(
                &signed,
                &chained_proof,
                &did_key_of_proof(&chained_proof)?,
                ld,
            ) {
                Err(error) if error.code() == "PROOF_VERIFICATION_ERROR" => Ok(()),
                Err(error) => Err(format!("wrong error {}: {error}", error.code())),
                Ok(()) => Err("a chain with a missing previous proof verified".to_owned()),
            }
        });
        case.check("missing previousProof rejected", outcome);
    }
}

#[test]
fn eddsa_vectors() {
    let Some(vectors) = vectors_dir() else { return };
    let root = vectors.join("vc-di-eddsa/TestVectors");
    let served = test_contexts(&vectors);
    let mut loader = PinnedLoader::new();
    for (url, document) in &served {
        loader = loader.with_document(url.clone(), document.clone());
    }
    let ld = LinkedData::new(loader);
    let key = key_pair_from(&read_json(&root.join("keyPair.json")).expect("keyPair.json"));
    let mut tally = Tally::new("eddsa");
    let mut pending = subfolders(&root);
    while let Some(dir) = pending.pop() {
        pending.extend(subfolders(&dir));
        let files = files_of(&dir);
        if files.contains_key("multiKeyPairs.json") {
            run_proof_set_chain(&dir, &ld, &mut tally);
        } else if find(&files, "proofConfig").is_some() {
            run_suite_case(&dir, &key, &ld, &served, &mut tally);
        }
    }
    tally.finish();
}
