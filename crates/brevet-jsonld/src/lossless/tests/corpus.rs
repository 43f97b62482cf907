//! The documents the walk is compared with expansion on: credentials with the pinned contexts,
//! one-object mutations of a document, and crafted data-loss cases.

use serde_json::{Map, Value, json};

/// An Open Badges 3.0 credential touching the constructs credentials use: type-scoped
/// contexts, `@id`-typed values, arrays, nested objects, a status entry.
pub(super) fn badge() -> Value {
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
pub(super) fn v1_credential() -> Value {
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
pub(super) fn mutations(document: &Value) -> Vec<Value> {
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
pub(super) fn crafted() -> Vec<(Value, bool)> {
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
