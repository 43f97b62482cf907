//! `relatedResource` (VC 2.0 §Integrity of Related Resources): the shape of each entry, the form
//! of its digests, and, for a resource Brevet holds (the base context), whether they match it
//! ([`super::resource_digests`]). Brevet fetches nothing.

use serde_json::{Map, Value};

use super::errors::Findings;
use super::iri::is_absolute_url;
use super::resource_digests::{
    DigestMatch, ResourceDigest, match_digest, parse_multibase, parse_sri,
};

/// `relatedResource` (VC 2.0 §Integrity of Related Resources): one or more objects, each with a
/// URL `id` unique among them and at least a `digestSRI` or a `digestMultibase` string, each
/// well formed; a digest of a resource Brevet holds must match it (VC 2.0: a verifier that has
/// the resource MUST produce an error when the digest does not match).
pub(super) fn check_related_resources(credential: &Map<String, Value>, findings: &mut Findings) {
    let path = "$.relatedResource".to_owned();
    let entries: Vec<(String, &Value)> = match credential.get("relatedResource") {
        None => return,
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(index, entry)| (format!("{path}[{index}]"), entry))
            .collect(),
        Some(Value::Array(_)) => {
            findings.malformed(&path, "relatedResource must list at least one resource");
            return;
        }
        Some(single) => vec![(path.clone(), single)],
    };
    let mut seen: Vec<&str> = Vec::new();
    for (entry_path, entry) in entries {
        let Some(object) = entry.as_object() else {
            findings.malformed(
                &entry_path,
                "each relatedResource must be an object with an id and a digest",
            );
            continue;
        };
        match object.get("id") {
            Some(Value::String(id)) if is_absolute_url(id) => {
                if seen.contains(&id.as_str()) {
                    findings.malformed(
                        &format!("{entry_path}.id"),
                        format!("relatedResource id {id} appears twice"),
                    );
                }
                seen.push(id);
            }
            _ => findings.malformed(&entry_path, "relatedResource needs an id (a URL)"),
        }
        let digests: Vec<&Value> = ["digestSRI", "digestMultibase"]
            .iter()
            .filter_map(|field| object.get(*field))
            .collect();
        if digests.is_empty() {
            findings.malformed(
                &entry_path,
                "relatedResource needs a digestSRI or a digestMultibase",
            );
        }
        if digests
            .iter()
            .any(|digest| digest.as_str().is_none_or(str::is_empty))
        {
            findings.malformed(&entry_path, "a relatedResource digest must be a string");
            continue;
        }
        let id = object.get("id").and_then(Value::as_str).unwrap_or_default();
        check_digests(object, id, &entry_path, findings);
    }
}

/// Each digest of one entry: well formed, and matching the resource when Brevet holds it.
fn check_digests(object: &Map<String, Value>, id: &str, entry_path: &str, findings: &mut Findings) {
    let mut parsed: Vec<(&str, ResourceDigest)> = Vec::new();
    if let Some(sri) = object.get("digestSRI").and_then(Value::as_str) {
        match parse_sri(sri) {
            Ok(digests) => parsed.extend(digests.into_iter().map(|digest| ("digestSRI", digest))),
            Err(reason) => findings.malformed(&format!("{entry_path}.digestSRI"), reason),
        }
    }
    if let Some(multibase) = object.get("digestMultibase").and_then(Value::as_str) {
        match parse_multibase(multibase) {
            Ok(digest) => parsed.push(("digestMultibase", digest)),
            Err(reason) => findings.malformed(&format!("{entry_path}.digestMultibase"), reason),
        }
    }
    for (field, digest) in parsed {
        if match_digest(id, &digest) == DigestMatch::Mismatch {
            findings.malformed(
                &format!("{entry_path}.{field}"),
                format!("the {field} of {id} matches no known revision of that resource"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::super::vc_rules::{Purpose, check};

    fn with_related(related: Value) -> Value {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": {"id": "did:example:subject"},
            "relatedResource": related
        })
    }

    #[test]
    fn related_resources_need_a_unique_url_id_and_a_digest() {
        let id = "https://example.org/resource";
        let sri = "sha256-JKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k=";
        let multibase = "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k";
        for ok in [
            json!({"id": id, "digestSRI": sri}),
            json!([{"id": id, "digestMultibase": multibase, "mediaType": "application/ld+json"}]),
        ] {
            assert!(
                check(&with_related(ok.clone()), Purpose::Verify).is_ok(),
                "{ok}"
            );
        }
        for bad in [
            json!([id]),
            json!([]),
            json!([{"digestSRI": sri}]),
            json!([{"id": "not a url", "digestSRI": sri}]),
            json!([{"id": id, "digestSRI": sri}, {"id": id, "digestMultibase": multibase}]),
            json!([{"id": id}]),
            json!([{"id": id, "digestSRI": 42}]),
            json!([{"id": id, "digestSRI": "sha384-abc"}]),
            json!([{"id": id, "digestMultibase": "uabc"}]),
        ] {
            let errors = check(&with_related(bad.clone()), Purpose::Issue).unwrap_err();
            assert!(errors.mentions("$.relatedResource"), "{bad}: {errors}");
        }
    }

    /// The W3C VC 2.0 test suite's case: the base context with its published digests is
    /// accepted; a wrong digest of it is refused, by issuer and verifier alike.
    #[test]
    fn a_wrong_digest_of_the_base_context_is_refused() {
        let id = "https://www.w3.org/ns/credentials/v2";
        let right = [
            json!({"id": id, "digestSRI": "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"}),
            json!({"id": id, "digestMultibase": "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k"}),
        ];
        for ok in right {
            assert!(
                check(&with_related(ok.clone()), Purpose::Issue).is_ok(),
                "{ok}"
            );
        }
        let wrong = [
            json!({"id": id, "digestMultibase": "uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0"}),
            json!({"id": id, "digestSRI": "sha384-_rCVIV7fSXXTNIvpiq26jRDyj8JG8TDjij-tD0ewLk4JpnXEz6a5AeeY_1qQ0d0P"}),
        ];
        for bad in wrong {
            for purpose in [Purpose::Issue, Purpose::Verify] {
                let errors = check(&with_related(bad.clone()), purpose).unwrap_err();
                assert!(
                    errors.to_string().contains("matches no known revision"),
                    "{bad}: {errors}"
                );
            }
        }
    }
}
