//! The canonical form of a Data Integrity proof configuration without running JSON-LD and RDFC
//! every time: only `created` changes from one proof to the next, so the canonical N-Quads of a
//! configuration are computed once by the general path and reused with the new `created`.
//!
//! Why the result is byte-identical to the general path (every condition is checked, else the
//! general path runs):
//! - the document's first `@context` is the VC 2.0 context and the configuration's `type` is
//!   `DataIntegrityProof`, so `created` is the protected type-scoped term `dc:created` with type
//!   `xsd:dateTime`: its string becomes one literal quad whose lexical form is the string itself,
//!   and nothing else in the dataset depends on it;
//! - `created` is a strict XSD `dateTimeStamp` (digits, `-`, `:`, `T`, `Z`, `.`, `+`), so N-Quads
//!   writes it without escapes; it occurs nowhere else in the configuration or the context, and
//!   its literal occurs exactly once in the template;
//! - the template has a single blank node, whose RDFC label is `_:c14n0` whatever the hashes;
//! - the lines are sorted again after the substitution, and a duplicate line sends the work back
//!   to the general path.
//!
//! Templates are keyed on the exact context and the exact configuration without `created`.

use serde_json::{Map, Value};

use crate::contexts::CREDENTIALS_V2;
use crate::datetime::DateTimeStamp;

/// How many templates are kept (one per issuing key and suite in practice).
pub(super) const CAPACITY: usize = 32;

const DATE_TIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";

/// The canonical N-Quads of one configuration shape, with the place of `created`.
pub(super) struct ConfigTemplate {
    context: Value,
    /// The configuration without `created`.
    rest: Map<String, Value>,
    /// The lines other than the one with `created`.
    other_lines: Vec<String>,
    /// The `created` line around its value.
    created_prefix: String,
    created_suffix: String,
}

/// The `created` value of a configuration the shortcut applies to.
pub(super) fn shortcut_created<'a>(
    config: &'a Map<String, Value>,
    context: Option<&Value>,
) -> Option<&'a str> {
    let context = context?;
    let first = match context {
        Value::Array(entries) => entries.first()?,
        single => single,
    };
    if first.as_str() != Some(CREDENTIALS_V2)
        || config.get("type").and_then(Value::as_str) != Some(crate::proof::DATA_INTEGRITY_PROOF)
    {
        return None;
    }
    let created = config.get("created")?.as_str()?;
    DateTimeStamp::parse(created).ok()?;
    let elsewhere = config
        .iter()
        .filter(|(key, _)| key.as_str() != "created")
        .any(|(key, value)| key.contains(created) || mentions(value, created))
        || mentions(context, created);
    (!elsewhere).then_some(created)
}

/// Whether `text` occurs in any key or string of `value`.
fn mentions(value: &Value, text: &str) -> bool {
    match value {
        Value::String(string) => string.contains(text),
        Value::Array(items) => items.iter().any(|item| mentions(item, text)),
        Value::Object(map) => map
            .iter()
            .any(|(key, item)| key.contains(text) || mentions(item, text)),
        _ => false,
    }
}

fn literal(created: &str) -> String {
    format!("\"{created}\"^^<{DATE_TIME}>")
}

impl ConfigTemplate {
    /// A template from the general path's output for `config` (whose `created` is `created`).
    pub(super) fn new(
        config: &Map<String, Value>,
        context: &Value,
        created: &str,
        nquads: &str,
    ) -> Option<Self> {
        let token = literal(created);
        if nquads.matches(&token).count() != 1
            || nquads.contains("_:c14n1")
            || !nquads.ends_with('\n')
        {
            return None;
        }
        let mut other_lines = Vec::new();
        let mut created_line = None;
        for line in nquads.split_terminator('\n') {
            match line.find(&token) {
                Some(start) => {
                    created_line = Some((
                        line[..start].to_owned(),
                        line[start + token.len()..].to_owned(),
                    ))
                }
                None => other_lines.push(line.to_owned()),
            }
        }
        let (created_prefix, created_suffix) = created_line?;
        let mut rest = config.clone();
        rest.shift_remove("created");
        Some(ConfigTemplate {
            context: context.clone(),
            rest,
            other_lines,
            created_prefix,
            created_suffix,
        })
    }

    /// Whether this template is for `config` (any `created`) under `context`.
    pub(super) fn matches(&self, config: &Map<String, Value>, context: &Value) -> bool {
        config.len() == self.rest.len() + 1
            && config.iter().all(|(key, value)| {
                key == "created" || self.rest.get(key).is_some_and(|known| known == value)
            })
            && self.context == *context
    }

    /// The canonical N-Quads with `created` (checked by [`shortcut_created`]), or `None` when
    /// two lines would coincide.
    pub(super) fn fill(&self, created: &str) -> Option<String> {
        let created_line = format!(
            "{}{}{}",
            self.created_prefix,
            literal(created),
            self.created_suffix
        );
        let mut lines: Vec<&str> = self.other_lines.iter().map(String::as_str).collect();
        lines.push(&created_line);
        lines.sort_unstable();
        if lines.windows(2).any(|pair| pair[0] == pair[1]) {
            return None;
        }
        let mut out = String::with_capacity(lines.iter().map(|line| line.len() + 1).sum());
        for line in lines {
            out.push_str(line);
            out.push('\n');
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::contexts::PinnedLoader;
    use crate::linked_data::LinkedData;

    fn general(ld: &LinkedData, config: &Value, context: &Value) -> Option<String> {
        let mut with_context = config.as_object()?.clone();
        with_context.insert("@context".to_owned(), context.clone());
        ld.canonicalize(&Value::Object(with_context))
            .ok()
            .map(|canonical| canonical.nquads)
    }

    #[test]
    fn the_shortcut_gives_the_general_paths_bytes() {
        let ld = LinkedData::new(PinnedLoader::new());
        let contexts = [
            json!([CREDENTIALS_V2]),
            json!([
                CREDENTIALS_V2,
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ]),
            json!(CREDENTIALS_V2),
        ];
        let method = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
        let shapes = [
            json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "verificationMethod": method, "proofPurpose": "assertionMethod"}),
            json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "verificationMethod": method, "proofPurpose": "authentication", "challenge": "2024-01-01T00:00:00Z", "domain": "example.org"}),
            json!({"id": "urn:uuid:1", "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "verificationMethod": method, "proofPurpose": "assertionMethod", "expires": "2030-01-01T00:00:00Z", "previousProof": "urn:uuid:0"}),
            json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "verificationMethod": method, "proofPurpose": "assertionMethod", "expires": "2025-06-01T10:00:00Z"}),
        ];
        let createds = [
            "2024-01-01T00:00:00Z",
            "2025-06-01T10:00:00Z",
            "2030-01-01T00:00:00Z",
            "2023-02-24T23:36:38.123456Z",
            "2023-02-24T23:36:38+01:00",
            "2023-02-24T23:36:38-05:30",
            "9999-12-31T23:59:59Z",
        ];
        let mut shortcuts = 0;
        for context in &contexts {
            for shape in &shapes {
                for created in createds {
                    let mut config = shape.as_object().unwrap().clone();
                    config.insert("created".to_owned(), Value::from(created));
                    let expected = general(&ld, &Value::Object(config.clone()), context);
                    let reused = ld
                        .config_templates
                        .read()
                        .unwrap()
                        .iter()
                        .any(|template| template.matches(&config, context));
                    if reused && shortcut_created(&config, Some(context)).is_some() {
                        shortcuts += 1;
                    }
                    let found = ld.canonicalize_proof_config(&config, Some(context)).ok();
                    assert_eq!(found, expected, "{context} {created} {shape}");
                    assert!(found.is_some());
                }
            }
        }
        assert!(shortcuts >= 40, "the shortcut ran {shortcuts} times");
    }

    #[test]
    fn the_shortcut_stays_away_from_what_it_cannot_prove() {
        let context = json!([CREDENTIALS_V2]);
        let config = |created: &str, extra: Value| {
            let mut config = json!({"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "verificationMethod": "did:key:z6Mk#z6Mk", "proofPurpose": "assertionMethod", "created": created});
            if let (Some(map), Value::Object(extra)) = (config.as_object_mut(), extra) {
                map.extend(extra);
            }
            config.as_object().unwrap().clone()
        };
        let ok = config("2024-01-01T00:00:00Z", json!({}));
        assert!(shortcut_created(&ok, Some(&context)).is_some());
        assert!(shortcut_created(&ok, None).is_none());
        assert!(
            shortcut_created(
                &ok,
                Some(&json!(["https://www.w3.org/2018/credentials/v1"]))
            )
            .is_none()
        );
        for created in [
            "2024-01-01T00:00:00",
            "2024-01-01 00:00:00Z",
            "2024-01-01T00:00:00Z\"",
            "x",
        ] {
            assert!(
                shortcut_created(&config(created, json!({})), Some(&context)).is_none(),
                "{created}"
            );
        }
        let repeated = config(
            "2024-01-01T00:00:00Z",
            json!({"expires": "2024-01-01T00:00:00Z"}),
        );
        assert!(shortcut_created(&repeated, Some(&context)).is_none());
        let mut other_type = ok.clone();
        other_type.insert("type".to_owned(), Value::from("Ed25519Signature2020"));
        assert!(shortcut_created(&other_type, Some(&context)).is_none());
    }
}
