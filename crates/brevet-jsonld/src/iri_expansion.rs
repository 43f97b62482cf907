//! IRI Expansion (JSON-LD 1.1 API 5.2) against an active context.

use std::borrow::Cow;
use std::sync::Arc;

use crate::context::{ActiveContext, TermDefinition};
use crate::iri::{has_keyword_form, is_absolute_iri, is_keyword, resolve};

/// IRI Expansion against an active context (no local context being defined).
/// `None` means the value expands to null (a keyword-like string or a term mapped to null).
pub(crate) fn expand_iri<'a>(
    context: &'a ActiveContext,
    value: &'a str,
    document_relative: bool,
    vocab: bool,
) -> Option<Cow<'a, str>> {
    if is_keyword(value) {
        return Some(Cow::Borrowed(value));
    }
    if has_keyword_form(value) {
        return None;
    }
    if let Some(definition) = context.term(value) {
        if let Some(iri) = definition.iri.as_deref()
            && is_keyword(iri)
        {
            return Some(Cow::Borrowed(iri));
        }
        if vocab {
            return definition.iri.as_deref().map(Cow::Borrowed);
        }
    }
    expand_iri_without_term(context, value, document_relative, vocab)
}

/// A property key's expanded IRI together with its term definition (one map lookup).
pub(crate) fn expand_property<'a>(
    context: &'a ActiveContext,
    key: &'a str,
) -> (Option<Cow<'a, str>>, Option<&'a Arc<TermDefinition>>) {
    if is_keyword(key) {
        return (Some(Cow::Borrowed(key)), None);
    }
    match context.term(key) {
        Some(definition) => (
            definition.iri.as_deref().map(Cow::Borrowed),
            Some(definition),
        ),
        None if has_keyword_form(key) => (None, None),
        None => (expand_iri_without_term(context, key, false, true), None),
    }
}

/// IRI Expansion steps 6-9, for a value known not to be a keyword or a defined term.
pub(crate) fn expand_iri_without_term<'a>(
    context: &'a ActiveContext,
    value: &'a str,
    document_relative: bool,
    vocab: bool,
) -> Option<Cow<'a, str>> {
    if let Some(at) = value
        .get(1..)
        .and_then(|rest| rest.find(':'))
        .map(|at| at + 1)
    {
        let (prefix, suffix) = (&value[..at], &value[at + 1..]);
        if prefix == "_" || suffix.starts_with("//") {
            return Some(Cow::Borrowed(value));
        }
        if let Some(definition) = context.term(prefix)
            && definition.prefix
            && let Some(iri) = definition.iri.as_deref()
        {
            return Some(Cow::Owned(format!("{iri}{suffix}")));
        }
        if is_absolute_iri(value) {
            return Some(Cow::Borrowed(value));
        }
    }
    if vocab && let Some(vocabulary) = context.vocab.as_deref() {
        return Some(Cow::Owned(format!("{vocabulary}{value}")));
    }
    if document_relative && let Some(base) = context.base.as_deref() {
        return Some(Cow::Owned(resolve(base, value)));
    }
    Some(Cow::Borrowed(value))
}

/// True when `key` IRI-expands (vocab-relative) to `keyword`; cheaper than `expand_iri`.
pub(crate) fn expands_to(context: &ActiveContext, key: &str, keyword: &str) -> bool {
    key == keyword
        || context
            .term(key)
            .is_some_and(|definition| definition.iri.as_deref() == Some(keyword))
}
