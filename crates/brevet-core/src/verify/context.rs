//! The `context` check: every `@context` entry must be the URL of a context Brevet serves (the
//! pinned ones, plus any document the caller's loader adds). Unknown URLs fail before any JSON-LD
//! processing: nothing is ever fetched, so a context swap (DI-05) or an SSRF attempt through
//! `@context` (DI-07) fails here. A nested `@context` (an embedded endorsement credential, a JCS
//! proof) may only name pinned contexts.
//!
//! Top-level inline context objects (after the base context) depend on the proof, see
//! [`ContextPolicy`]:
//! - `eddsa-jcs-2022` signs the JSON text, contexts included, so an inline context cannot be
//!   rewritten after signing: any is accepted ([`ContextPolicy::AllowInline`]).
//! - `eddsa-rdfc-2022` signs only the RDF, so an inline context could be rewritten to make the same
//!   RDF read differently in JSON (DI-05: swap the IRIs of `name` and `description`). Only
//!   *self-describing* inline contexts are accepted ([`ContextPolicy::SelfDescribingInline`]):
//!   plain `term: IRI` pairs whose IRI is absolute and ends in the term itself
//!   (`"AlumniCredential": "https://example.org/#AlumniCredential"`). The JSON key is then fixed
//!   by the signed IRI, so what a JSON reader sees is what was signed (catalogue G2).

use serde_json::Value;

use crate::contexts::{CREDENTIALS_V1, CREDENTIALS_V2};
use crate::linked_data::LinkedData;

/// Why a document's contexts are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContextRuleError {
    #[error("the credential has no @context")]
    Missing,
    #[error(
        "@context entry {index} is an inline context object; only pinned context URLs are accepted"
    )]
    Inline { index: usize },
    #[error(
        "@context entry {index} defines {term}: {reason}; under eddsa-rdfc-2022 an inline context may only define terms as absolute IRIs that end in the term itself, so that the JSON reads as what was signed"
    )]
    NotSelfDescribing {
        index: usize,
        term: String,
        reason: &'static str,
    },
    #[error("@context entry {index} is not a URL string")]
    NotAString { index: usize },
    #[error("@context is empty")]
    Empty,
    #[error(
        "the first @context must be {CREDENTIALS_V2} (or {CREDENTIALS_V1} for VC 1.1), found {found}"
    )]
    WrongBase { found: String },
    #[error("unknown context {url}: only pinned contexts are accepted and none is ever fetched")]
    Unknown { url: String },
    #[error(
        "a nested @context at {path} is not a pinned context URL (nested contexts may only name pinned contexts, as embedded credentials do)"
    )]
    Nested { path: String },
}

/// Whether inline context objects are acceptable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContextPolicy {
    /// Only pinned context URLs.
    PinnedOnly,
    /// Pinned context URLs and top-level inline context objects that are self-describing (see the
    /// module documentation): documents secured with eddsa-rdfc-2022.
    SelfDescribingInline,
    /// Pinned context URLs and top-level inline context objects (documents whose every proof is
    /// eddsa-jcs-2022, which signs the contexts themselves).
    AllowInline,
}

/// The context URLs of a document, checked: present, all strings, the VC base context first,
/// every one known to `ld`, and no `@context` anywhere else except inside proofs.
pub fn check_contexts(document: &Value, ld: &LinkedData) -> Result<Vec<String>, ContextRuleError> {
    check_contexts_with(document, ld, ContextPolicy::PinnedOnly)
}

/// [`check_contexts`] under a policy; the URLs returned leave out inline objects.
pub fn check_contexts_with(
    document: &Value,
    ld: &LinkedData,
    policy: ContextPolicy,
) -> Result<Vec<String>, ContextRuleError> {
    let context = document.get("@context").ok_or(ContextRuleError::Missing)?;
    let urls = context_urls(context, policy)?;
    let first = urls.first().ok_or(ContextRuleError::Empty)?;
    if first != CREDENTIALS_V2 && first != CREDENTIALS_V1 {
        return Err(ContextRuleError::WrongBase {
            found: first.clone(),
        });
    }
    for url in &urls {
        ensure_known(url, ld)?;
    }
    if let Some(object) = document.as_object() {
        for (key, value) in object {
            match key.as_str() {
                "@context" => {}
                "proof" => check_proofs(value, ld, policy)?,
                _ => check_nested(value, &|| key.clone(), ld)?,
            }
        }
    }
    Ok(urls)
}

fn context_urls(context: &Value, policy: ContextPolicy) -> Result<Vec<String>, ContextRuleError> {
    let entries: Vec<&Value> = match context {
        Value::Array(entries) => entries.iter().collect(),
        single => vec![single],
    };
    let mut urls = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        match entry {
            Value::String(url) => urls.push(url.clone()),
            Value::Object(_) if index > 0 && policy == ContextPolicy::AllowInline => {}
            Value::Object(definitions)
                if index > 0 && policy == ContextPolicy::SelfDescribingInline =>
            {
                check_self_describing(definitions, index)?;
            }
            Value::Object(_) => return Err(ContextRuleError::Inline { index }),
            _ => return Err(ContextRuleError::NotAString { index }),
        }
    }
    Ok(urls)
}

/// An inline context under RDFC: `term: IRI` pairs only (a wrapping `{"@context": {…}}` is read
/// through, as JSON-LD processors do), each IRI absolute and ending in `#term` or `/term`.
fn check_self_describing(
    definitions: &serde_json::Map<String, Value>,
    index: usize,
) -> Result<(), ContextRuleError> {
    let definitions = match definitions.get("@context") {
        Some(Value::Object(inner)) if definitions.len() == 1 => inner,
        _ => definitions,
    };
    let refuse = |term: &str, reason: &'static str| ContextRuleError::NotSelfDescribing {
        index,
        term: term.to_owned(),
        reason,
    };
    if definitions.is_empty() {
        return Err(refuse("nothing", "the inline context is empty"));
    }
    for (term, definition) in definitions {
        if term.starts_with('@') {
            return Err(refuse(
                term,
                "keywords (@vocab, @base, @protected, …) are not accepted",
            ));
        }
        if term.is_empty() || term.contains(':') {
            return Err(refuse(
                term,
                "a term must be a plain name, not an IRI or compact IRI",
            ));
        }
        let Value::String(iri) = definition else {
            return Err(refuse(term, "only plain term-to-IRI strings are accepted"));
        };
        if !crate::model::is_absolute_url(iri) {
            return Err(refuse(term, "the IRI is not absolute"));
        }
        let local_name = match iri.rsplit_once('#') {
            Some((_, fragment)) => fragment,
            None => iri.rsplit_once('/').map_or("", |(_, last)| last),
        };
        if local_name != term {
            return Err(refuse(term, "the IRI does not end in the term"));
        }
    }
    Ok(())
}

fn ensure_known(url: &str, ld: &LinkedData) -> Result<(), ContextRuleError> {
    if ld.serves_context(url) {
        Ok(())
    } else {
        Err(ContextRuleError::Unknown {
            url: url.to_owned(),
        })
    }
}

fn check_proofs(
    proofs: &Value,
    ld: &LinkedData,
    policy: ContextPolicy,
) -> Result<(), ContextRuleError> {
    let list: Vec<&Value> = match proofs {
        Value::Array(list) => list.iter().collect(),
        single => vec![single],
    };
    for (position, proof) in list.into_iter().enumerate() {
        let Some(object) = proof.as_object() else {
            continue;
        };
        for (key, value) in object {
            if key == "@context" {
                for url in context_urls(value, policy)? {
                    ensure_known(&url, ld)?;
                }
            } else {
                check_nested(value, &|| format!("proof[{position}].{key}"), ld)?;
            }
        }
    }
    Ok(())
}

/// One step of the path to a nested value, written out only when a check fails.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn path_text(prefix: &dyn Fn() -> String, steps: &[Step<'_>]) -> String {
    let mut path = prefix();
    for step in steps {
        match step {
            Step::Key(key) => {
                path.push('.');
                path.push_str(key);
            }
            Step::Index(index) => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    path
}

/// Nested `@context` values (an embedded credential, such as an Open Badges endorsement, carries
/// its own) must name pinned contexts only: no inline objects, so nothing can change meaning
/// below the top level. `path` names `value` in errors (made only when one is reported).
fn check_nested(
    value: &Value,
    path: &dyn Fn() -> String,
    ld: &LinkedData,
) -> Result<(), ContextRuleError> {
    let mut steps = Vec::new();
    check_nested_steps(value, path, &mut steps, ld)
}

fn check_nested_steps<'a>(
    value: &'a Value,
    prefix: &dyn Fn() -> String,
    steps: &mut Vec<Step<'a>>,
    ld: &LinkedData,
) -> Result<(), ContextRuleError> {
    match value {
        Value::Object(object) => {
            for (key, inner) in object {
                steps.push(Step::Key(key));
                if key == "@context" {
                    let urls = context_urls(inner, ContextPolicy::PinnedOnly).map_err(|_| {
                        ContextRuleError::Nested {
                            path: path_text(prefix, steps),
                        }
                    })?;
                    for url in &urls {
                        ensure_known(url, ld)?;
                    }
                } else {
                    check_nested_steps(inner, prefix, steps, ld)?;
                }
                steps.pop();
            }
            Ok(())
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                steps.push(Step::Index(index));
                check_nested_steps(item, prefix, steps, ld)?;
                steps.pop();
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_nested_inline_context_is_named_by_its_path() {
        let document = json!({
            "@context": [CREDENTIALS_V2],
            "credentialSubject": {"list": [{"a": 1}, {"@context": {"@vocab": "https://evil.example/"}}]},
            "proof": [{"type": "DataIntegrityProof"}, {"x": {"@context": [{"b": "urn:b"}]}}]
        });
        let error = check_contexts(&document, LinkedData::shared()).unwrap_err();
        assert_eq!(
            error,
            ContextRuleError::Nested {
                path: "credentialSubject.list[1].@context".to_owned()
            }
        );
        let mut in_proof = document.clone();
        in_proof["credentialSubject"] = json!({});
        let error = check_contexts(&in_proof, LinkedData::shared()).unwrap_err();
        assert_eq!(
            error,
            ContextRuleError::Nested {
                path: "proof[1].x.@context".to_owned()
            }
        );
    }
}
