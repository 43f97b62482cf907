//! W3C JSON-LD 1.1 expand test suite runner (reads every entry of expand-manifest.jsonld).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use brevet_jsonld::{
    DocumentLoader, LoadError, Options, ProcessingMode, Processor, RemoteDocument,
};
use serde_json::Value;

const TEST_BASE: &str = "https://w3c.github.io/json-ld-api/tests/";

fn vectors_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("BREVET_VECTORS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors"),
    };
    dir.join("json-ld/expand-manifest.jsonld")
        .is_file()
        .then_some(dir)
}

/// Serves `https://w3c.github.io/json-ld-api/tests/…` from the vectors' json-ld folder.
struct FolderLoader {
    root: PathBuf,
}

impl DocumentLoader for FolderLoader {
    fn load(&self, url: &str) -> Result<RemoteDocument, LoadError> {
        let fail = |reason: String| LoadError {
            url: url.to_owned(),
            reason,
        };
        let relative = url
            .strip_prefix(TEST_BASE)
            .ok_or_else(|| fail("outside the test suite".to_owned()))?;
        let relative = relative.split(['#', '?']).next().unwrap_or(relative);
        let text = std::fs::read_to_string(self.root.join(relative))
            .map_err(|error| fail(error.to_string()))?;
        let document: Value =
            serde_json::from_str(&text).map_err(|error| fail(error.to_string()))?;
        Ok(RemoteDocument {
            document_url: url.to_owned(),
            document: Arc::new(document),
            context_url: None,
        })
    }
}

fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    a == b || a.as_f64() == b.as_f64()
}

/// JSON-LD aware equality: arrays compare as multisets except `@list` values.
fn jsonld_equal(a: &Value, b: &Value, ordered: bool) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => numbers_equal(a, b),
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return false;
            }
            if ordered {
                return a.iter().zip(b).all(|(x, y)| jsonld_equal(x, y, false));
            }
            let mut used = vec![false; b.len()];
            a.iter().all(|x| {
                let found = b.iter().enumerate().find(|(i, y)| !used[*i] && jsonld_equal(x, y, false));
                match found {
                    Some((i, _)) => {
                        used[i] = true;
                        true
                    }
                    None => false,
                }
            })
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter().all(|(key, x)| {
                    b.get(key).is_some_and(|y| {
                        if key == "@value" && !x.is_array() && !x.is_object() {
                            x == y || matches!((x, y), (Value::Number(m), Value::Number(n)) if numbers_equal(m, n))
                        } else if key == "@value" {
                            x == y
                        } else {
                            jsonld_equal(x, y, key == "@list")
                        }
                    })
                })
        }
        _ => a == b,
    }
}

fn read_json(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The feature rule excluding a test, if any.
fn exclusion(test: &Value) -> Option<&'static str> {
    let option = test.get("option");
    let get = |key: &str| {
        option
            .and_then(|option| option.get(key))
            .and_then(Value::as_str)
    };
    if get("specVersion") == Some("json-ld-1.0") {
        return Some("specVersion json-ld-1.0 (JSON-LD 1.0-only behaviour)");
    }
    None
}

#[test]
fn w3c_expand_suite() {
    let Some(vectors) = vectors_dir() else {
        println!("expand: SKIPPED, vectors not found (set BREVET_VECTORS)");
        return;
    };
    let root = vectors.join("json-ld");
    let manifest = read_json(&root.join("expand-manifest.jsonld"));
    let processor = Processor::new(Arc::new(FolderLoader { root: root.clone() }));
    let filter = std::env::var("EXPAND_TEST").ok();
    let (mut passed, mut failed, mut excluded) = (0, 0, 0);
    let entries = manifest["sequence"].as_array().expect("sequence");
    for test in entries {
        let id = test["@id"].as_str().unwrap_or("?");
        if filter
            .as_deref()
            .is_some_and(|filter| !id.ends_with(filter))
        {
            continue;
        }
        if let Some(rule) = exclusion(test) {
            println!("excluded {id}: {rule}");
            excluded += 1;
            continue;
        }
        let input_path = test["input"].as_str().expect("input");
        let input = read_json(&root.join(input_path));
        let option = test.get("option");
        let mut options = Options {
            base: Some(format!("{TEST_BASE}{input_path}")),
            ..Options::default()
        };
        if let Some(base) = option
            .and_then(|option| option.get("base"))
            .and_then(Value::as_str)
        {
            options.base = Some(base.to_owned());
        }
        if option
            .and_then(|option| option.get("processingMode"))
            .and_then(Value::as_str)
            == Some("json-ld-1.0")
        {
            options.processing_mode = ProcessingMode::JsonLd10;
        }
        if let Some(context) = option
            .and_then(|option| option.get("expandContext"))
            .and_then(Value::as_str)
        {
            options.expand_context = Some(read_json(&root.join(context)));
        }
        let outcome = processor.expand(&input, &options);
        let negative = test["@type"]
            .as_array()
            .is_some_and(|types| types.iter().any(|t| t == "jld:NegativeEvaluationTest"));
        let ok = if negative {
            let expected = test["expectErrorCode"].as_str().unwrap_or("?");
            match &outcome {
                Err(error) if error.code.0 == expected => true,
                Err(error) => {
                    println!(
                        "FAIL {id} ({}): expected error {expected}, got {error}",
                        test["name"]
                    );
                    false
                }
                Ok(value) => {
                    println!(
                        "FAIL {id} ({}): expected error {expected}, got {value}",
                        test["name"]
                    );
                    false
                }
            }
        } else {
            let expected = read_json(&root.join(test["expect"].as_str().expect("expect")));
            match &outcome {
                Ok(value) if jsonld_equal(value, &expected, false) => true,
                Ok(value) => {
                    println!(
                        "FAIL {id} ({}):\n  expected {expected}\n  got      {value}",
                        test["name"]
                    );
                    false
                }
                Err(error) => {
                    println!("FAIL {id} ({}): error {error}", test["name"]);
                    false
                }
            }
        };
        if ok {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    println!("expand: {passed} passed, {failed} failed ({excluded} excluded by feature rules)");
    assert_eq!(failed, 0, "expand suite failures (see FAIL lines above)");
    assert!(filter.is_some() || passed > 0, "no expand test ran");
}
