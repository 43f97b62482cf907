//! The Create Term Definition algorithm (JSON-LD 1.1 API 4.2) and IRI expansion while a local
//! context is being defined.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::container_mapping::parse_container;
use crate::context::{
    ActiveContext, Direction, Env, ProcessFlags, ScopedContext, TermDefinition, container, next_id,
};
use crate::error::fail;
use crate::iri::{
    ends_with_gen_delim, has_keyword_form, is_absolute_iri, is_blank_node, is_keyword,
    is_well_formed_language,
};
use crate::iri_expansion::expand_iri;
use crate::{ErrorCode, JsonLdError, ProcessingMode};

/// State shared by the term definitions of one local context.
pub(crate) struct DefineState<'a, 'e> {
    pub(crate) env: &'a Env<'e>,
    pub(crate) active: &'a mut ActiveContext,
    pub(crate) local: &'a Map<String, Value>,
    pub(crate) defined: HashMap<String, bool>,
    pub(crate) base_url: Option<&'a str>,
    pub(crate) protected: bool,
    pub(crate) override_protected: bool,
    pub(crate) remote: &'a [String],
}

/// IRI Expansion with a local context: defines dependencies first.
pub(crate) fn expand_iri_defining(
    state: &mut DefineState<'_, '_>,
    value: &str,
    document_relative: bool,
    vocab: bool,
) -> Result<Option<String>, JsonLdError> {
    if is_keyword(value) {
        return Ok(Some(value.to_owned()));
    }
    if has_keyword_form(value) {
        return Ok(None);
    }
    if state.local.contains_key(value) && state.defined.get(value) != Some(&true) {
        create_term_definition(state, value)?;
    }
    if let Some(at) = value
        .get(1..)
        .and_then(|rest| rest.find(':'))
        .map(|at| at + 1)
    {
        let (prefix, suffix) = (&value[..at], &value[at + 1..]);
        if prefix == "_" || suffix.starts_with("//") {
            return Ok(Some(value.to_owned()));
        }
        if state.local.contains_key(prefix) && state.defined.get(prefix) != Some(&true) {
            create_term_definition(state, prefix)?;
        }
    }
    Ok(expand_iri(state.active, value, document_relative, vocab).map(|iri| iri.into_owned()))
}

pub(crate) fn invalid(code: ErrorCode, term: &str, why: &str) -> JsonLdError {
    JsonLdError::new(code, format!("term {term}: {why}"))
}

const ALLOWED_ENTRIES: [&str; 11] = [
    "@id",
    "@reverse",
    "@container",
    "@context",
    "@direction",
    "@index",
    "@language",
    "@nest",
    "@prefix",
    "@protected",
    "@type",
];

/// Create Term Definition for `term` of the local context in `state`.
pub(crate) fn create_term_definition(
    state: &mut DefineState<'_, '_>,
    term: &str,
) -> Result<(), JsonLdError> {
    match state.defined.get(term) {
        Some(true) => return Ok(()),
        Some(false) => {
            return Err(invalid(
                ErrorCode::CYCLIC_IRI_MAPPING,
                term,
                "cyclic IRI mapping",
            ));
        }
        None => {}
    }
    if term.is_empty() {
        return fail(
            ErrorCode::INVALID_TERM_DEFINITION,
            "the empty string cannot be a term",
        );
    }
    state.defined.insert(term.to_owned(), false);
    let json_ld_10 = state.env.mode == ProcessingMode::JsonLd10;
    let raw = state.local.get(term).unwrap_or(&Value::Null);

    if term == "@type" {
        let allowed = !json_ld_10
            && matches!(raw, Value::Object(map) if !map.is_empty() && map.iter().all(|(key, value)| match key.as_str() {
                "@container" => value == "@set",
                "@protected" => true,
                _ => false,
            }));
        if !allowed {
            return Err(invalid(
                ErrorCode::KEYWORD_REDEFINITION,
                term,
                "@type may only be given @container @set",
            ));
        }
    } else if is_keyword(term) {
        return Err(invalid(
            ErrorCode::KEYWORD_REDEFINITION,
            term,
            "keywords cannot be redefined",
        ));
    } else if has_keyword_form(term) {
        if state.env.safe {
            return fail(
                ErrorCode::SAFE_RESERVED_TERM,
                format!("term {term} has the form of a keyword"),
            );
        }
        state.defined.insert(term.to_owned(), true);
        return Ok(());
    }

    let previous = state.active.terms.remove(term);
    let (value, simple_term) = match raw {
        Value::Null => (None, false),
        Value::String(_) => (None, true),
        Value::Object(map) => (Some(map), false),
        _ => {
            return Err(invalid(
                ErrorCode::INVALID_TERM_DEFINITION,
                term,
                "must be null, a string or an object",
            ));
        }
    };
    let id_entry: Option<&Value> = match raw {
        Value::Null => Some(&Value::Null),
        Value::String(_) => Some(raw),
        _ => value.and_then(|map| map.get("@id")),
    };
    let entry = |key: &str| value.and_then(|map| map.get(key));

    let mut definition = TermDefinition {
        protected: state.protected,
        ..Default::default()
    };
    if let Some(protected) = entry("@protected") {
        if json_ld_10 {
            return Err(invalid(
                ErrorCode::INVALID_TERM_DEFINITION,
                term,
                "@protected in json-ld-1.0 mode",
            ));
        }
        let Value::Bool(protected) = protected else {
            return Err(invalid(
                ErrorCode::INVALID_PROTECTED_VALUE,
                term,
                "@protected must be a boolean",
            ));
        };
        definition.protected = *protected;
    }

    if let Some(type_value) = entry("@type") {
        let Value::String(type_value) = type_value else {
            return Err(invalid(
                ErrorCode::INVALID_TYPE_MAPPING,
                term,
                "@type must be a string",
            ));
        };
        let expanded = expand_iri_defining(state, type_value, false, true)?;
        let Some(expanded) = expanded else {
            return Err(invalid(
                ErrorCode::INVALID_TYPE_MAPPING,
                term,
                "@type does not expand to an IRI",
            ));
        };
        if json_ld_10 && (expanded == "@json" || expanded == "@none") {
            return Err(invalid(
                ErrorCode::INVALID_TYPE_MAPPING,
                term,
                "@json / @none in json-ld-1.0 mode",
            ));
        }
        if !matches!(expanded.as_str(), "@id" | "@json" | "@none" | "@vocab")
            && !is_absolute_iri(&expanded)
        {
            return Err(invalid(
                ErrorCode::INVALID_TYPE_MAPPING,
                term,
                "@type is not an IRI or keyword",
            ));
        }
        definition.type_mapping = Some(expanded);
    }

    if let Some(reverse) = entry("@reverse") {
        if entry("@id").is_some() || entry("@nest").is_some() {
            return Err(invalid(
                ErrorCode::INVALID_REVERSE_PROPERTY,
                term,
                "@reverse with @id or @nest",
            ));
        }
        let Value::String(reverse) = reverse else {
            return Err(invalid(
                ErrorCode::INVALID_IRI_MAPPING,
                term,
                "@reverse must be a string",
            ));
        };
        if has_keyword_form(reverse) {
            if state.env.safe {
                return fail(
                    ErrorCode::SAFE_RESERVED_TERM,
                    format!("term {term}: reserved @reverse value {reverse}"),
                );
            }
            state.defined.insert(term.to_owned(), true);
            return Ok(());
        }
        let iri = expand_iri_defining(state, reverse, false, true)?;
        match iri {
            Some(iri) if is_absolute_iri(&iri) || is_blank_node(&iri) => definition.iri = Some(iri),
            _ => {
                return Err(invalid(
                    ErrorCode::INVALID_IRI_MAPPING,
                    term,
                    "@reverse is not an IRI",
                ));
            }
        }
        if let Some(container_value) = entry("@container") {
            definition.container = match container_value {
                Value::Null => 0,
                Value::String(c) if c == "@set" => container::SET,
                Value::String(c) if c == "@index" => container::INDEX,
                _ => {
                    return Err(invalid(
                        ErrorCode::INVALID_REVERSE_PROPERTY,
                        term,
                        "reverse container must be @set or @index",
                    ));
                }
            };
        }
        definition.reverse = true;
        if let Some(Value::String(index)) = entry("@index")
            && definition.has_container(container::INDEX)
        {
            definition.index = Some(index.clone());
        }
        return finish(state, term, definition, previous);
    }

    match id_entry {
        Some(id) if id.as_str() != Some(term) => match id {
            Value::Null => {}
            Value::String(id) => {
                if !is_keyword(id) && has_keyword_form(id) {
                    if state.env.safe {
                        return fail(
                            ErrorCode::SAFE_RESERVED_TERM,
                            format!("term {term}: reserved @id value {id}"),
                        );
                    }
                    state.defined.insert(term.to_owned(), true);
                    return Ok(());
                }
                let iri = expand_iri_defining(state, id, false, true)?;
                let Some(iri) =
                    iri.filter(|iri| is_keyword(iri) || is_absolute_iri(iri) || is_blank_node(iri))
                else {
                    return Err(invalid(
                        ErrorCode::INVALID_IRI_MAPPING,
                        term,
                        "@id does not expand to an IRI",
                    ));
                };
                if iri == "@context" {
                    return Err(invalid(
                        ErrorCode::INVALID_KEYWORD_ALIAS,
                        term,
                        "cannot alias @context",
                    ));
                }
                let inner_colon = term
                    .get(1..term.len().saturating_sub(1))
                    .is_some_and(|inner| inner.contains(':'));
                if inner_colon || term.contains('/') {
                    state.defined.insert(term.to_owned(), true);
                    let own = expand_iri_defining(state, term, false, true)?;
                    if own.as_deref() != Some(iri.as_str()) {
                        return Err(invalid(
                            ErrorCode::INVALID_IRI_MAPPING,
                            term,
                            "a term that looks like an IRI must expand to its @id",
                        ));
                    }
                }
                if !term.contains(':') && !term.contains('/') && simple_term {
                    definition.prefix = ends_with_gen_delim(&iri) || is_blank_node(&iri);
                }
                definition.iri = Some(iri);
            }
            _ => {
                return Err(invalid(
                    ErrorCode::INVALID_IRI_MAPPING,
                    term,
                    "@id must be a string",
                ));
            }
        },
        _ => {
            if let Some(at) = term
                .get(1..)
                .and_then(|rest| rest.find(':'))
                .map(|at| at + 1)
            {
                let (prefix, suffix) = (&term[..at], &term[at + 1..]);
                if state.local.contains_key(prefix) {
                    create_term_definition(state, prefix)?;
                }
                match state.active.term(prefix).and_then(|def| def.iri.clone()) {
                    Some(prefix_iri) => definition.iri = Some(format!("{prefix_iri}{suffix}")),
                    None => definition.iri = Some(term.to_owned()),
                }
            } else if term.contains('/') {
                match expand_iri(state.active, term, false, true) {
                    Some(iri) if is_absolute_iri(&iri) => definition.iri = Some(iri.into_owned()),
                    _ => {
                        return Err(invalid(
                            ErrorCode::INVALID_IRI_MAPPING,
                            term,
                            "relative IRI term without @vocab",
                        ));
                    }
                }
            } else if term == "@type" {
                definition.iri = Some("@type".to_owned());
            } else if let Some(vocab) = &state.active.vocab {
                definition.iri = Some(format!("{vocab}{term}"));
            } else {
                return Err(invalid(
                    ErrorCode::INVALID_IRI_MAPPING,
                    term,
                    "no @id and no @vocab to derive an IRI",
                ));
            }
        }
    }

    if let Some(container_value) = entry("@container") {
        definition.container = parse_container(term, container_value, json_ld_10)?;
        if definition.has_container(container::TYPE) {
            match definition.type_mapping.as_deref() {
                None => definition.type_mapping = Some("@id".to_owned()),
                Some("@id" | "@vocab") => {}
                Some(_) => {
                    return Err(invalid(
                        ErrorCode::INVALID_TYPE_MAPPING,
                        term,
                        "@type container needs @id or @vocab type",
                    ));
                }
            }
        }
    }

    if let Some(index) = entry("@index") {
        if json_ld_10 || !definition.has_container(container::INDEX) {
            return Err(invalid(
                ErrorCode::INVALID_TERM_DEFINITION,
                term,
                "@index needs an @index container",
            ));
        }
        let Value::String(index) = index else {
            return Err(invalid(
                ErrorCode::INVALID_TERM_DEFINITION,
                term,
                "@index must be a string",
            ));
        };
        let expanded = expand_iri_defining(state, index, false, true)?;
        if index.starts_with('@') || !expanded.is_some_and(|iri| is_absolute_iri(&iri)) {
            return Err(invalid(
                ErrorCode::INVALID_TERM_DEFINITION,
                term,
                "@index must expand to an IRI",
            ));
        }
        definition.index = Some(index.clone());
    }

    if let Some(context) = entry("@context") {
        if json_ld_10 {
            return Err(invalid(
                ErrorCode::INVALID_TERM_DEFINITION,
                term,
                "@context in json-ld-1.0 mode",
            ));
        }
        let snapshot = Arc::new(state.active.derive());
        let flags = ProcessFlags {
            override_protected: true,
            propagate: true,
            validate_scoped: false,
        };
        state
            .env
            .process(&snapshot, context, state.base_url, state.remote, flags)
            .map_err(|error| {
                JsonLdError::new(
                    ErrorCode::INVALID_SCOPED_CONTEXT,
                    format!("term {term}: {error}"),
                )
            })?;
        definition.context = Some(Arc::new(ScopedContext {
            id: next_id(),
            value: context.clone(),
            base_url: state.base_url.map(str::to_owned),
        }));
    }

    if entry("@type").is_none() {
        if let Some(language) = entry("@language") {
            definition.language = Some(match language {
                Value::Null => None,
                Value::String(language) => {
                    if state.env.safe && !is_well_formed_language(language) {
                        return fail(
                            ErrorCode::SAFE_INVALID_LANGUAGE,
                            format!("term {term}: invalid @language {language}"),
                        );
                    }
                    Some(language.clone())
                }
                _ => {
                    return Err(invalid(
                        ErrorCode::INVALID_LANGUAGE_MAPPING,
                        term,
                        "@language must be a string or null",
                    ));
                }
            });
        }
        if let Some(direction) = entry("@direction") {
            definition.direction = Some(match direction {
                Value::Null => None,
                Value::String(direction) if Direction::parse(direction).is_some() => {
                    Direction::parse(direction)
                }
                _ => {
                    return Err(invalid(
                        ErrorCode::INVALID_BASE_DIRECTION,
                        term,
                        "@direction must be ltr, rtl or null",
                    ));
                }
            });
        }
    }

    if let Some(nest) = entry("@nest") {
        if json_ld_10 {
            return Err(invalid(
                ErrorCode::INVALID_TERM_DEFINITION,
                term,
                "@nest in json-ld-1.0 mode",
            ));
        }
        match nest {
            Value::String(nest) if !is_keyword(nest) || nest == "@nest" => {
                definition.nest = Some(nest.clone())
            }
            _ => {
                return Err(invalid(
                    ErrorCode::INVALID_NEST_VALUE,
                    term,
                    "@nest must be a term or @nest",
                ));
            }
        }
    }

    if let Some(prefix) = entry("@prefix") {
        if json_ld_10 || term.contains(':') || term.contains('/') {
            return Err(invalid(
                ErrorCode::INVALID_TERM_DEFINITION,
                term,
                "@prefix not allowed here",
            ));
        }
        let Value::Bool(prefix) = prefix else {
            return Err(invalid(
                ErrorCode::INVALID_PREFIX_VALUE,
                term,
                "@prefix must be a boolean",
            ));
        };
        definition.prefix = *prefix;
        if *prefix && definition.iri.as_deref().is_some_and(is_keyword) {
            return Err(invalid(
                ErrorCode::INVALID_TERM_DEFINITION,
                term,
                "a keyword alias cannot be a prefix",
            ));
        }
    }

    if let Some(map) = value
        && let Some(key) = map
            .keys()
            .find(|key| !ALLOWED_ENTRIES.contains(&key.as_str()))
    {
        return Err(invalid(
            ErrorCode::INVALID_TERM_DEFINITION,
            term,
            &format!("unexpected entry {key}"),
        ));
    }
    finish(state, term, definition, previous)
}

fn finish(
    state: &mut DefineState<'_, '_>,
    term: &str,
    definition: TermDefinition,
    previous: Option<Arc<TermDefinition>>,
) -> Result<(), JsonLdError> {
    let definition = match previous {
        Some(previous) if !state.override_protected && previous.protected => {
            if !definition.same_as(&previous) {
                return Err(invalid(
                    ErrorCode::PROTECTED_TERM_REDEFINITION,
                    term,
                    "protected term redefined",
                ));
            }
            previous
        }
        _ => Arc::new(definition),
    };
    let term: Arc<str> = Arc::from(term);
    match definition.iri.as_deref() {
        Some("@type") if !state.active.type_aliases.contains(&term) => {
            state.active.type_aliases.push(Arc::clone(&term));
        }
        Some("@value") => state.active.value_aliased = true,
        _ => {}
    }
    state.active.terms.insert(Arc::clone(&term), definition);
    state.defined.insert(term.to_string(), true);
    Ok(())
}
