//! The validation walk against full expansion: on the W3C expand and toRdf manifest inputs,
//! on credentials with the pinned contexts, on mutations of them, and on crafted data-loss
//! cases. Wherever the walk vouches for a document, expansion must succeed, and
//! `check_lossless` must give exactly what expansion gives.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::{
    DocumentLoader, JsonLdError, LoadError, Options, ProcessingMode, Processor, RemoteDocument,
};

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

/// An Open Badges 3.0 credential touching the constructs credentials use: type-scoped
/// contexts, `@id`-typed values, arrays, nested objects, a status entry.
fn badge() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:2c7bd1b2-6d7e-4a43-9b3b-3d8f0d5c1a77",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Advanced Data Stewardship",
        "issuer": {
            "id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "type": ["Profile"],
            "name": "Example University",
            "url": "https://university.example/",
            "image": {"id": "https://university.example/logo.png", "type": "Image", "caption": "Logo"}
        },
        "validFrom": "2024-03-01T09:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner-4711",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://university.example/achievements/data-stewardship",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": "Advanced Data Stewardship",
                "criteria": {"narrative": "Complete the four modules."},
                "alignment": [{
                    "type": ["Alignment"],
                    "targetName": "Data management",
                    "targetUrl": "https://esco.ec.europa.eu/en/classification/skills",
                    "targetType": "ceasn:Competency"
                }],
                "resultDescription": [
                    {"id": "urn:uuid:f3a7c3c4-1d3b-4c1e-b0a1-7f6b8f0a1c01", "type": ["ResultDescription"], "name": "Score", "resultType": "Percent", "valueMin": "0", "valueMax": "100"}
                ]
            },
            "result": [
                {"type": ["Result"], "resultDescription": "urn:uuid:f3a7c3c4-1d3b-4c1e-b0a1-7f6b8f0a1c01", "value": "86"}
            ]
        },
        "credentialStatus": {
            "id": "https://university.example/status/3#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://university.example/status/3"
        }
    })
}

/// A VC Data Model 1.1 credential with a data integrity proof (a `@graph` container).
fn v1_credential() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/security/data-integrity/v2"
        ],
        "id": "http://example.edu/credentials/1872",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2010-01-01T19:23:24Z",
        "credentialSubject": {"id": "did:example:subject"},
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "created": "2024-01-01T00:00:00Z",
            "verificationMethod": "did:example:issuer#key-1",
            "proofPurpose": "assertionMethod",
            "proofValue": "z3abc"
        }
    })
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

/// Every object of a document, by JSON Pointer.
fn object_pointers(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            out.push(pointer.clone());
            for (key, item) in map {
                object_pointers(item, format!("{pointer}/{}", escape(key)), out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                object_pointers(item, format!("{pointer}/{index}"), out);
            }
        }
        _ => {}
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Variants of `document` that each change one object: undefined terms, relative and
/// reserved identifiers, undefined types, removed and replaced entries, embedded contexts.
fn mutations(document: &Value) -> Vec<Value> {
    let mut pointers = Vec::new();
    object_pointers(document, String::new(), &mut pointers);
    let replacements = [
        Value::Null,
        json!([]),
        json!({}),
        json!("relative/reference"),
        json!("@reserved"),
        json!(42),
        json!(true),
        json!({"id": "relative"}),
        json!({"madeUpTerm": 1}),
        json!([{"type": "MadeUpType"}]),
        json!(["https://example.org/a", null]),
    ];
    let mut variants = Vec::new();
    let mut change = |pointer: &str, edit: &dyn Fn(&mut Map<String, Value>)| {
        let mut variant = document.clone();
        if let Some(Value::Object(map)) = variant.pointer_mut(pointer) {
            edit(map);
            variants.push(variant);
        }
    };
    for pointer in &pointers {
        let keys: Vec<String> = match document.pointer(pointer) {
            Some(Value::Object(map)) => map.keys().cloned().collect(),
            _ => continue,
        };
        change(pointer, &|map| {
            map.insert("madeUpTerm".to_owned(), json!("x"));
        });
        change(pointer, &|map| {
            map.insert("madeUpTerm".to_owned(), Value::Null);
        });
        change(pointer, &|map| {
            map.insert("id".to_owned(), json!("relative"));
        });
        change(pointer, &|map| {
            map.insert("id".to_owned(), json!("_:b0"));
        });
        change(pointer, &|map| {
            map.insert("@id".to_owned(), json!("did:example:other"));
        });
        change(pointer, &|map| {
            map.insert("type".to_owned(), json!("MadeUpType"));
        });
        change(pointer, &|map| {
            map.insert("type".to_owned(), json!([]));
        });
        change(pointer, &|map| {
            map.insert("@type".to_owned(), json!(["https://example.org/T"]));
        });
        change(pointer, &|map| {
            map.insert(
                "@context".to_owned(),
                json!({"madeUpTerm": "https://example.org/m"}),
            );
            map.insert("madeUpTerm".to_owned(), json!("x"));
        });
        change(pointer, &|map| {
            map.insert("@context".to_owned(), json!([null]));
        });
        change(pointer, &|map| {
            map.insert(
                "@context".to_owned(),
                json!({"name": "https://example.org/n"}),
            );
        });
        change(pointer, &|map| {
            map.insert("@value".to_owned(), json!("v"));
        });
        change(pointer, &|map| {
            map.retain(|key, _| key == "id" || key == "@context");
        });
        for key in &keys {
            change(pointer, &|map| {
                map.remove(key);
            });
            change(pointer, &|map| {
                if let Some(value) = map.remove(key) {
                    map.insert(format!("{key}X"), value);
                }
            });
            for replacement in &replacements {
                change(pointer, &|map| {
                    map.insert(key.clone(), replacement.clone());
                });
            }
        }
    }
    variants
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

/// A VC 2.0 credential skeleton (the `VerifiableCredential` type brings its scoped context)
/// with `entries` added.
fn vc(entries: Value) -> Value {
    let mut document = json!({
        "@context": "https://www.w3.org/ns/credentials/v2",
        "type": "VerifiableCredential"
    });
    let (Value::Object(map), Value::Object(entries)) = (&mut document, entries) else {
        unreachable!("objects");
    };
    map.extend(entries);
    document
}

/// A crafted case: the document, and whether safe-mode expansion accepts it.
fn crafted() -> Vec<(Value, bool)> {
    let v2 = "https://www.w3.org/ns/credentials/v2";
    let ob = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
    let ex = json!({"@vocab": "https://example.org/vocab#"});
    vec![
        // Free-floating nodes at the top are dropped, so refused.
        (
            json!({"@context": v2, "id": "https://example.org/1"}),
            false,
        ),
        (json!({"@context": v2}), false),
        (json!({"@context": v2, "name": null}), false),
        (
            json!({"@context": v2, "id": "https://example.org/1", "type": []}),
            true,
        ),
        (
            json!({"@context": v2, "id": "https://example.org/1", "name": "n"}),
            true,
        ),
        (
            json!([{"@context": v2, "name": "n"}, {"@context": v2, "name": "m"}]),
            true,
        ),
        (json!([{"@context": v2, "name": "n"}, "free"]), false),
        (json!("free"), false),
        (Value::Null, true),
        (json!([]), true),
        // Undefined terms, at the top and nested; a term defined only by a type-scoped
        // context is undefined outside it.
        (vc(json!({"colour": "green"})), false),
        (vc(json!({"credentialSubject": {"colour": "green"}})), false),
        (
            vc(json!({"credentialSubject": {"id": "did:example:s"}})),
            true,
        ),
        (
            json!({"@context": v2, "credentialSubject": {"id": "did:example:s"}}),
            false,
        ),
        (json!({"@context": [v2, ex], "colour": "green"}), true),
        (
            json!({"@context": [v2, {"colour": "https://example.org/colour"}], "type": "VerifiableCredential", "credentialSubject": {"colour": "green"}}),
            true,
        ),
        (
            vc(
                json!({"credentialSubject": {"@context": {"colour": "https://example.org/c"}, "colour": "green"}}),
            ),
            true,
        ),
        (
            vc(
                json!({"credentialSubject": {"@context": {"colour": "relative"}, "colour": "green"}}),
            ),
            false,
        ),
        (
            json!({"@context": [v2, ob], "type": "Achievement", "achievementType": "Badge", "name": "n"}),
            true,
        ),
        (
            json!({"@context": [v2, ob], "name": "n", "achievementType": "Badge"}),
            false,
        ),
        // Identifiers and types.
        (vc(json!({"id": "relative"})), false),
        (vc(json!({"id": "_:b1"})), true),
        (vc(json!({"id": 5})), false),
        (
            vc(json!({"id": "https://example.org/a", "@id": "https://example.org/b"})),
            false,
        ),
        (vc(json!({"type": "MadeUp"})), false),
        (vc(json!({"type": ["VerifiableCredential", 7]})), false),
        (vc(json!({"type": ["VerifiableCredential", "@json"]})), true),
        (vc(json!({"issuer": "relative"})), false),
        (vc(json!({"issuer": "https://example.org/i"})), true),
        (vc(json!({"issuer": "@reserved"})), false),
        // Protected terms cannot be redefined or the context cleared.
        (
            json!({"@context": [v2, {"name": "https://example.org/name"}], "name": "n"}),
            false,
        ),
        (json!({"@context": [v2, null], "name": "n"}), false),
        // A JSON literal is taken as it is; value objects and lists go to expansion.
        (
            json!({"@context": [v2, {"data": {"@id": "https://example.org/d", "@type": "@json"}}], "data": {"anything": [1, {"x": null}]}}),
            true,
        ),
        (
            json!({"@context": v2, "name": {"@value": "n", "@language": "en"}}),
            true,
        ),
        (json!({"@context": v2, "name": {"@value": null}}), false),
        (
            json!({"@context": v2, "name": {"@value": "n", "@language": "not a tag!"}}),
            false,
        ),
        (
            json!({"@context": [v2, ex], "list": {"@list": ["a", "b"]}}),
            true,
        ),
        (
            json!({"@context": [v2, ex], "@graph": [{"name": "n"}]}),
            true,
        ),
        (
            json!({"@context": [v2, ex], "@graph": [{"id": "https://example.org/x"}]}),
            false,
        ),
    ]
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
