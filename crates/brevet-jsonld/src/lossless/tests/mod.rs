//! The validation walk against full expansion: on the W3C expand and toRdf manifest inputs,
//! on credentials with the pinned contexts, on mutations of them, and on crafted data-loss
//! cases. Wherever the walk vouches for a document, expansion must succeed, and
//! `check_lossless` must give exactly what expansion gives.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};

use corpus::{badge, crafted, mutations, v1_credential};

use crate::{
    DocumentLoader, JsonLdError, LoadError, Options, ProcessingMode, Processor, RemoteDocument,
};

mod corpus;

const TEST_BASE: &str = "https://w3c.github.io/json-ld-api/tests/";

/// Serves documents by URL from a map.
struct MapLoader {
    documents: HashMap<String, Arc<Value>>,
}

impl DocumentLoader for MapLoader {
    fn load(&self, url: &str) -> Result<RemoteDocument, LoadError> {
        let document = self.documents.get(url).ok_or_else(|| LoadError {
            url: url.to_owned(),
            reason: "not served".to_owned(),
        })?;
        Ok(RemoteDocument {
            document_url: url.to_owned(),
            document: Arc::clone(document),
            context_url: None,
        })
    }
}

/// Serves `TEST_BASE` + path from the vectors' `json-ld/` folder.
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
        if relative.split('/').any(|part| part == "..") {
            return Err(fail("not below the test folder".to_owned()));
        }
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

/// The pinned contexts of brevet-core, by the URLs its manifest lists.
fn pinned_processor() -> Processor {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../brevet-core/contexts");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let mut documents = HashMap::new();
    for entry in manifest.as_array().unwrap() {
        let file = dir.join(entry["file"].as_str().unwrap());
        let document: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        documents.insert(
            entry["url"].as_str().unwrap().to_owned(),
            Arc::new(document),
        );
    }
    Processor::new(Arc::new(MapLoader { documents }))
}

fn vectors_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("BREVET_VECTORS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors"),
    };
    if dir.join("json-ld").is_dir() {
        return Some(dir);
    }
    assert_ne!(
        std::env::var("BREVET_REQUIRE_VECTORS").as_deref(),
        Ok("1"),
        "BREVET_REQUIRE_VECTORS=1 but {} has no json-ld folder",
        dir.display()
    );
    println!("SKIPPED: vectors not found at {}", dir.display());
    None
}

fn safe(base: Option<&str>) -> Options {
    Options {
        safe_mode: true,
        base: base.map(str::to_owned),
        ..Options::default()
    }
}

/// What one comparison found.
#[derive(Debug, Default)]
struct Tally {
    documents: usize,
    vouched: usize,
    expanded: usize,
}

impl Tally {
    /// Compares the walk and `check_lossless` with expansion on one document.
    fn compare(&mut self, processor: &Processor, document: &Value, options: &Options) {
        let expanded: Result<(), JsonLdError> = processor.expand(document, options).map(drop);
        let vouched = processor.vouch_lossless(document, options);
        assert!(
            !vouched || expanded.is_ok(),
            "the walk vouched for a document expansion refuses ({expanded:?}): {document}"
        );
        assert_eq!(
            processor.check_lossless(document, options),
            expanded,
            "check_lossless differs from expansion on {document}"
        );
        self.documents += 1;
        self.vouched += usize::from(vouched);
        self.expanded += usize::from(expanded.is_ok());
    }
}

/// Runs every JSON input of a manifest through [`Tally::compare`], in safe mode, with the
/// manifest's base IRI and with none (as Data Integrity uses).
fn compare_manifest(root: &Path, manifest: &str) -> Tally {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(manifest)).unwrap()).unwrap();
    let mut tally = Tally::default();
    for test in manifest["sequence"].as_array().unwrap() {
        let input_path = test["input"].as_str().unwrap_or_default();
        if !(input_path.ends_with(".jsonld") || input_path.ends_with(".json")) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(root.join(input_path)) else {
            continue;
        };
        let Ok(input) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let option = |key: &str| test["option"].get(key).and_then(Value::as_str);
        let manifest_base = option("base")
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{TEST_BASE}{input_path}"));
        for base in [Some(manifest_base.as_str()), None] {
            let mut options = safe(base);
            if option("processingMode") == Some("json-ld-1.0") {
                options.processing_mode = ProcessingMode::JsonLd10;
            }
            if let Some(context) = option("expandContext") {
                options.expand_context = Some(Value::String(format!("{TEST_BASE}{context}")));
            }
            let processor = Processor::new(Arc::new(FolderLoader {
                root: root.to_owned(),
            }));
            tally.compare(&processor, &input, &options);
        }
    }
    tally
}

#[test]
fn walk_agrees_with_expansion_on_the_w3c_manifest_inputs() {
    let Some(vectors) = vectors_dir() else { return };
    let root = vectors.join("json-ld");
    for manifest in ["expand-manifest.jsonld", "toRdf-manifest.jsonld"] {
        let tally = compare_manifest(&root, manifest);
        println!("{manifest}: {tally:?}");
        // Safe mode without a base refuses much of the suite; the walk must still decide a
        // good share of what expansion accepts on its own.
        assert!(tally.documents > 400, "{manifest}: {tally:?}");
        assert!(tally.vouched > 100, "{manifest}: {tally:?}");
    }
}

#[test]
fn walk_vouches_for_credentials_without_expanding() {
    let processor = pinned_processor();
    for document in [badge(), v1_credential()] {
        assert!(
            processor.vouch_lossless(&document, &safe(None)),
            "{document}"
        );
        assert_eq!(processor.check_lossless(&document, &safe(None)), Ok(()));
    }
}

#[test]
fn walk_agrees_with_expansion_on_mutated_credentials() {
    let processor = pinned_processor();
    let mut tally = Tally::default();
    for document in [badge(), v1_credential()] {
        for variant in mutations(&document) {
            tally.compare(&processor, &variant, &safe(None));
        }
    }
    println!("{tally:?}");
    // Both outcomes occur, and the walk decides most accepted variants itself.
    assert!(tally.documents > 800, "{tally:?}");
    assert!(tally.expanded < tally.documents, "{tally:?}");
    assert!(tally.vouched * 10 > tally.expanded * 6, "{tally:?}");
}

#[test]
fn walk_agrees_with_expansion_on_mutated_ob30_fixtures() {
    let Some(vectors) = vectors_dir() else { return };
    let processor = pinned_processor();
    let mut tally = Tally::default();
    for name in ["full_ex.json", "minimal_valid_obv3.json"] {
        let path = vectors.join("ob30").join(name);
        let document: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        tally.compare(&processor, &document, &safe(None));
        for variant in mutations(&document) {
            tally.compare(&processor, &variant, &safe(None));
        }
    }
    println!("{tally:?}");
    assert!(tally.vouched > 100, "{tally:?}");
}

#[test]
fn walk_agrees_with_expansion_on_crafted_cases() {
    let processor = pinned_processor();
    let mut tally = Tally::default();
    for (document, accepted) in crafted() {
        let checked = processor.check_lossless(&document, &safe(None));
        assert_eq!(checked.is_ok(), accepted, "{document}: {checked:?}");
        tally.compare(&processor, &document, &safe(None));
    }
    assert!(tally.vouched > 5, "{tally:?}");
}

#[test]
fn deep_nesting_is_decided_by_expansion() {
    let processor = pinned_processor();
    let mut deep = json!("leaf");
    for _ in 0..200 {
        deep = json!({"nested": deep});
    }
    let mut document = deep.as_object().cloned().unwrap();
    document.insert(
        "@context".to_owned(),
        json!({"@vocab": "https://example.org/vocab#"}),
    );
    let document = Value::Object(document);
    assert!(!processor.vouch_lossless(&document, &safe(None)));
    let error = processor
        .check_lossless(&document, &safe(None))
        .unwrap_err();
    assert_eq!(error.code, crate::ErrorCode::NESTING_TOO_DEEP);
}

#[test]
fn without_safe_mode_the_check_is_plain_expansion() {
    let processor = pinned_processor();
    let mut document = badge();
    document["credentialSubject"]["colour"] = json!("green");
    assert!(!processor.vouch_lossless(&document, &Options::default()));
    assert_eq!(
        processor.check_lossless(&document, &Options::default()),
        Ok(())
    );
    assert!(processor.check_lossless(&document, &safe(None)).is_err());
}
