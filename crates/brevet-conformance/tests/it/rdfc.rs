//! RDFC-1.0 suite: every entry of `<vectors>/rdf-canon/manifest.jsonld` (eval tests compare the
//! canonical N-Quads byte for byte, map tests the issued identifier map, the negative test must
//! hit the work limit with the default options).

use std::collections::BTreeMap;
use std::path::Path;

use brevet_conformance::{Tally, vectors_dir};
use brevet_rdf::{CanonError, CanonOptions, HashAlgorithm, canonicalize, parse_nquads};
use serde_json::Value;

#[test]
fn rdf_canon_manifest() {
    let Some(vectors) = vectors_dir() else {
        println!("rdfc: skipped (no vectors)");
        return;
    };
    let suite = vectors.join("rdf-canon");
    let manifest_text = std::fs::read_to_string(suite.join("manifest.jsonld"))
        .unwrap_or_else(|error| panic!("reading the RDFC-1.0 manifest: {error}"));
    let manifest: Value = serde_json::from_str(&manifest_text).expect("manifest is JSON");
    let entries = manifest["entries"]
        .as_array()
        .expect("manifest has entries[]");
    let mut tally = Tally::new("rdfc");
    for entry in entries {
        let id = entry["id"].as_str().unwrap_or("?").to_owned();
        match run_entry(&suite, entry) {
            Ok(()) => tally.pass(),
            Err(reason) => tally.fail(format!("{id}: {reason}")),
        }
    }
    tally.finish();
}

fn run_entry(suite: &Path, entry: &Value) -> Result<(), String> {
    let kind = entry["type"].as_str().ok_or("entry without type")?;
    let kind = kind.rsplit(':').next().unwrap_or(kind);
    let action = entry["action"].as_str().ok_or("entry without action")?;
    let input = read(suite, action)?;
    let quads = parse_nquads(&input).map_err(|error| format!("parsing {action}: {error}"))?;
    let mut options = CanonOptions::default();
    match entry.get("hashAlgorithm").and_then(Value::as_str) {
        None | Some("SHA256") => {}
        Some("SHA384") => options.hash = HashAlgorithm::Sha384,
        Some(other) => return Err(format!("unknown hashAlgorithm {other}")),
    }
    let outcome = canonicalize(&quads, &options);
    match kind {
        "RDFC10EvalTest" => {
            let expected = read(
                suite,
                entry["result"].as_str().ok_or("eval test without result")?,
            )?;
            let actual = outcome.map_err(|error| format!("unexpected error: {error}"))?;
            if actual.nquads != expected {
                return Err(format!(
                    "N-Quads differ\n--- expected\n{expected}--- actual\n{}",
                    actual.nquads
                ));
            }
            Ok(())
        }
        "RDFC10MapTest" => {
            let result = entry["result"].as_str().ok_or("map test without result")?;
            let expected: BTreeMap<String, String> = serde_json::from_str(&read(suite, result)?)
                .map_err(|error| format!("{result} is not a JSON object of strings: {error}"))?;
            let actual = outcome.map_err(|error| format!("unexpected error: {error}"))?;
            if actual.issued != expected {
                return Err(format!(
                    "issued map differs: expected {expected:?}, got {:?}",
                    actual.issued
                ));
            }
            Ok(())
        }
        "RDFC10NegativeEvalTest" => match outcome {
            Err(CanonError::WorkLimit(_)) => Ok(()),
            Err(other) => Err(format!("expected the work-limit error, got: {other}")),
            Ok(_) => Err("expected the work-limit error, canonicalization succeeded".to_owned()),
        },
        other => Err(format!("unknown test type {other}")),
    }
}

fn read(suite: &Path, relative: &str) -> Result<String, String> {
    std::fs::read_to_string(suite.join(relative))
        .map_err(|error| format!("reading {relative}: {error}"))
}
