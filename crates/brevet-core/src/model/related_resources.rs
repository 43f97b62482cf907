//! `relatedResource` (VC 2.0 §Integrity of Related Resources): the shape of each entry. Whether a
//! digest matches its resource is for whoever retrieves the resource; Brevet fetches nothing.

use serde_json::{Map, Value};

use super::errors::Findings;
use super::iri::is_absolute_url;

/// `relatedResource` (VC 2.0 §Integrity of Related Resources): one or more objects, each with a
/// URL `id` unique among them and at least a `digestSRI` or a `digestMultibase` string. (Whether
/// a digest matches the resource is for whoever retrieves it; Brevet fetches nothing here.)
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
        let id = "https://www.w3.org/ns/credentials/v2";
        for ok in [
            json!({"id": id, "digestSRI": "sha384-abc"}),
            json!([{"id": id, "digestMultibase": "uabc", "mediaType": "application/ld+json"}]),
        ] {
            assert!(
                check(&with_related(ok.clone()), Purpose::Verify).is_ok(),
                "{ok}"
            );
        }
        for bad in [
            json!([id]),
            json!([]),
            json!([{"digestSRI": "sha384-abc"}]),
            json!([{"id": "not a url", "digestSRI": "sha384-abc"}]),
            json!([{"id": id, "digestSRI": "sha384-abc"}, {"id": id, "digestMultibase": "uabc"}]),
            json!([{"id": id}]),
            json!([{"id": id, "digestSRI": 42}]),
        ] {
            let errors = check(&with_related(bad.clone()), Purpose::Issue).unwrap_err();
            assert!(errors.mentions("$.relatedResource"), "{bad}: {errors}");
        }
    }
}
