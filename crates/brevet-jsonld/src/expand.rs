//! The Expansion algorithm (JSON-LD 1.1 API 5.1), IRI Expansion (5.2) and Value Expansion (5.3).

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::context::{ActiveContext, Env, ProcessFlags, TermDefinition, container};
use crate::error::fail;
use crate::iri::{
    has_keyword_form, is_absolute_iri, is_blank_node, is_keyword, is_well_formed_language, resolve,
};
use crate::{ErrorCode, JsonLdError, ProcessingMode};

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

fn as_slice(value: &Value) -> &[Value] {
    match value {
        Value::Array(items) => items,
        other => std::slice::from_ref(other),
    }
}

fn into_vec(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

fn is_list_object(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|map| map.contains_key("@list"))
}

fn is_value_object(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|map| map.contains_key("@value"))
}

fn is_graph_object(value: &Value) -> bool {
    value.as_object().is_some_and(|map| {
        map.contains_key("@graph")
            && map
                .keys()
                .all(|key| matches!(key.as_str(), "@graph" | "@id" | "@index"))
    })
}

fn is_node_object(value: &Value) -> bool {
    value.as_object().is_some_and(|map| {
        !map.contains_key("@value") && !map.contains_key("@list") && !map.contains_key("@set")
    })
}

/// Appends `value` (flattening one array level) to the array at `key` in `map`.
fn add_value(map: &mut Map<String, Value>, key: &str, value: Value) {
    let entry = match map.get_mut(key) {
        Some(existing) => existing,
        None => map
            .entry(key.to_owned())
            .or_insert_with(|| Value::Array(Vec::new())),
    };
    if !entry.is_array() {
        let single = entry.take();
        *entry = Value::Array(vec![single]);
    }
    if let Value::Array(items) = entry {
        match value {
            Value::Array(values) => items.extend(values),
            other => items.push(other),
        }
    }
}

fn single(key: &str, value: Value) -> Value {
    let mut map = Map::with_capacity(1);
    map.insert(key.to_owned(), value);
    Value::Object(map)
}

/// The expansion algorithm, bound to an environment.
pub(crate) struct Expander<'a, 'e> {
    pub(crate) env: &'a Env<'e>,
}

impl Expander<'_, '_> {
    fn safe_fail<T>(
        &self,
        code: ErrorCode,
        message: impl FnOnce() -> String,
    ) -> Result<Option<T>, JsonLdError> {
        if self.env.safe {
            fail(code, message())
        } else {
            Ok(None)
        }
    }

    fn check_id(&self, iri: &str, original: &str) -> Result<(), JsonLdError> {
        if self.env.safe && !is_absolute_iri(iri) && !is_blank_node(iri) {
            return fail(
                ErrorCode::SAFE_RELATIVE_ID,
                format!("@id {original} is not an absolute IRI"),
            );
        }
        Ok(())
    }

    /// Value Expansion.
    pub(crate) fn expand_value(
        &self,
        context: &ActiveContext,
        active_property: Option<&str>,
        value: &Value,
    ) -> Result<Value, JsonLdError> {
        let definition = active_property.and_then(|property| context.term(property));
        let type_mapping = definition.and_then(|definition| definition.type_mapping.as_deref());
        if let Value::String(string) = value
            && let Some(mapping @ ("@id" | "@vocab")) = type_mapping
        {
            let Some(iri) = expand_iri(context, string, true, mapping == "@vocab") else {
                self.safe_fail::<()>(ErrorCode::SAFE_RESERVED_ID, || {
                    format!("reserved @id value {string}")
                })?;
                return Ok(Value::Null);
            };
            self.check_id(&iri, string)?;
            return Ok(single("@id", Value::String(iri.into_owned())));
        }
        let mut result = Map::with_capacity(3);
        result.insert("@value".to_owned(), value.clone());
        match type_mapping {
            Some(mapping) if !matches!(mapping, "@id" | "@vocab" | "@none") => {
                result.insert("@type".to_owned(), Value::String(mapping.to_owned()));
            }
            _ if value.is_string() => {
                let language = match definition.and_then(|definition| definition.language.as_ref())
                {
                    Some(language) => language.as_deref(),
                    None => context.default_language.as_deref(),
                };
                let direction = match definition.and_then(|definition| definition.direction) {
                    Some(direction) => direction,
                    None => context.default_direction,
                };
                if let Some(language) = language {
                    result.insert("@language".to_owned(), Value::String(language.to_owned()));
                }
                if let Some(direction) = direction {
                    result.insert(
                        "@direction".to_owned(),
                        Value::String(direction.as_str().to_owned()),
                    );
                }
            }
            _ => {}
        }
        Ok(Value::Object(result))
    }

    /// The Expansion algorithm; `Value::Null` stands for a null result.
    pub(crate) fn expand(
        &self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        element: &Value,
        base_url: Option<&str>,
        from_map: bool,
    ) -> Result<Value, JsonLdError> {
        let property_definition = active_property.and_then(|property| active.term(property));
        let property_scoped =
            property_definition.and_then(|definition| definition.context.as_ref());
        match element {
            Value::Null => Ok(Value::Null),
            Value::Array(items) => {
                let as_list = property_definition
                    .is_some_and(|definition| definition.has_container(container::LIST));
                let mut result = Vec::with_capacity(items.len());
                for item in items {
                    let expanded =
                        self.expand(active, active_property, item, base_url, from_map)?;
                    match expanded {
                        Value::Array(values) if as_list => {
                            result.push(single("@list", Value::Array(values)))
                        }
                        Value::Array(values) => result.extend(values),
                        Value::Null => {}
                        other => result.push(other),
                    }
                }
                Ok(Value::Array(result))
            }
            Value::Object(map) => {
                let scoped = property_scoped.cloned();
                self.expand_object(active, active_property, map, base_url, from_map, scoped)
            }
            scalar => {
                if matches!(active_property, None | Some("@graph")) {
                    self.safe_fail::<()>(ErrorCode::SAFE_DROPPED_OBJECT, || {
                        format!("free-floating scalar {scalar} would be dropped")
                    })?;
                    return Ok(Value::Null);
                }
                match property_scoped {
                    Some(scoped) => {
                        let flags = ProcessFlags {
                            override_protected: true,
                            ..ProcessFlags::DEFAULT
                        };
                        let context = self.env.process_scoped(active, scoped, flags)?;
                        self.expand_value(&context, active_property, scalar)
                    }
                    None => self.expand_value(active, active_property, scalar),
                }
            }
        }
    }

    fn expand_object(
        &self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        element: &Map<String, Value>,
        base_url: Option<&str>,
        from_map: bool,
        property_scoped: Option<Arc<crate::context::ScopedContext>>,
    ) -> Result<Value, JsonLdError> {
        let mut context = Arc::clone(active);
        if let Some(previous) = &active.previous
            && !from_map
        {
            let mut keeps = false;
            let mut only_id = element.len() == 1;
            for key in element.keys() {
                match expand_iri(active, key, false, true).as_deref() {
                    Some("@value") => {
                        keeps = true;
                        break;
                    }
                    Some("@id") => {}
                    _ => only_id = false,
                }
            }
            if !keeps && !only_id {
                context = Arc::clone(previous);
            }
        }
        if let Some(scoped) = property_scoped {
            let flags = ProcessFlags {
                override_protected: true,
                ..ProcessFlags::DEFAULT
            };
            context = self.env.process_scoped(&context, &scoped, flags)?;
        }
        if let Some(local) = element.get("@context") {
            context = self.env.process_embedded(&context, local, base_url)?;
        }
        let type_scoped = Arc::clone(&context);
        let mut type_keys: Vec<&String> = element
            .keys()
            .filter(|key| expand_iri(&context, key, false, true).as_deref() == Some("@type"))
            .collect();
        type_keys.sort();
        let mut input_type: Option<Cow<'_, str>> = None;
        for key in &type_keys {
            let mut terms: Vec<&str> = as_slice(&element[key.as_str()])
                .iter()
                .filter_map(Value::as_str)
                .collect();
            terms.sort_unstable();
            for term in terms {
                if let Some(definition) = type_scoped.term(term)
                    && let Some(scoped) = &definition.context
                {
                    let flags = ProcessFlags {
                        propagate: false,
                        ..ProcessFlags::DEFAULT
                    };
                    context = self.env.process_scoped(&context, scoped, flags)?;
                }
            }
        }
        if let Some(first) = type_keys.first()
            && let Some(last) = as_slice(&element[first.as_str()])
                .last()
                .and_then(Value::as_str)
        {
            input_type = expand_iri(&context, last, true, true);
        }
        let mut result = Map::new();
        let state = EntryState {
            context: &context,
            type_scoped: &type_scoped,
            active_property,
            base_url,
            input_type: input_type.as_deref(),
        };
        self.expand_entries(&state, element, &mut result)?;
        finish_object(self, result, active_property)
    }

    /// Steps 13 and 14 of the Expansion algorithm (entries, then nested entries).
    fn expand_entries(
        &self,
        state: &EntryState<'_>,
        element: &Map<String, Value>,
        result: &mut Map<String, Value>,
    ) -> Result<(), JsonLdError> {
        let context = state.context;
        let json_ld_10 = self.env.mode == ProcessingMode::JsonLd10;
        let mut nests: Vec<&str> = Vec::new();
        for (key, value) in element {
            if key == "@context" {
                continue;
            }
            let expanded_property = match expand_iri(context, key, false, true) {
                Some(property) if property.contains(':') || is_keyword(&property) => property,
                _ => {
                    self.safe_fail::<()>(ErrorCode::SAFE_INVALID_PROPERTY, || {
                        format!("property {key} does not expand to an absolute IRI")
                    })?;
                    continue;
                }
            };
            if is_keyword(&expanded_property) {
                if state.active_property == Some("@reverse") {
                    return fail(
                        ErrorCode::INVALID_REVERSE_PROPERTY_MAP,
                        format!("keyword {expanded_property} inside @reverse"),
                    );
                }
                let keyword = expanded_property.as_ref();
                if result.contains_key(keyword)
                    && (json_ld_10 || !matches!(keyword, "@included" | "@type"))
                {
                    return fail(
                        ErrorCode::COLLIDING_KEYWORDS,
                        format!("{keyword} given more than once"),
                    );
                }
                if keyword == "@nest" {
                    nests.push(key);
                    continue;
                }
                if keyword == "@reverse" {
                    self.expand_reverse_keyword(state, value, result)?;
                    continue;
                }
                let expanded = self.expand_keyword(state, keyword, value, result)?;
                match expanded {
                    KeywordValue::Skip => {}
                    KeywordValue::Set(value) => {
                        result.insert(keyword.to_owned(), value);
                    }
                }
                continue;
            }

            let definition = context.term(key.as_str());
            let containers = definition.map_or(0, |definition| definition.container);
            let expanded_value =
                if definition.is_some_and(|d| d.type_mapping.as_deref() == Some("@json")) {
                    let mut map = Map::with_capacity(2);
                    map.insert("@value".to_owned(), value.clone());
                    map.insert("@type".to_owned(), Value::String("@json".to_owned()));
                    Value::Object(map)
                } else if containers & container::LANGUAGE != 0
                    && let Value::Object(language_map) = value
                {
                    self.expand_language_map(context, definition, language_map)?
                } else if containers & (container::INDEX | container::TYPE | container::ID) != 0
                    && let Value::Object(index_map) = value
                {
                    self.expand_index_map(state, key, containers, definition, index_map)?
                } else {
                    self.expand(context, Some(key), value, state.base_url, false)?
                };
            if expanded_value.is_null() {
                continue;
            }
            let expanded_value =
                if containers & container::LIST != 0 && !is_list_object(&expanded_value) {
                    single("@list", Value::Array(into_vec(expanded_value)))
                } else if containers & container::GRAPH != 0
                    && containers & (container::ID | container::INDEX) == 0
                {
                    Value::Array(
                        into_vec(expanded_value)
                            .into_iter()
                            .map(|value| single("@graph", Value::Array(into_vec(value))))
                            .collect(),
                    )
                } else {
                    expanded_value
                };
            if definition.is_some_and(|definition| definition.reverse) {
                let reverse = result
                    .entry("@reverse")
                    .or_insert_with(|| Value::Object(Map::new()));
                let Value::Object(reverse) = reverse else {
                    return fail(
                        ErrorCode::INVALID_REVERSE_VALUE,
                        "@reverse is not an object",
                    );
                };
                for item in into_vec(expanded_value) {
                    if is_value_object(&item) || is_list_object(&item) {
                        return fail(
                            ErrorCode::INVALID_REVERSE_PROPERTY_VALUE,
                            format!("reverse property {key} has a value or list object"),
                        );
                    }
                    add_value(reverse, &expanded_property, item);
                }
            } else {
                add_value(result, &expanded_property, expanded_value);
            }
        }
        for nest_key in nests {
            for nested in as_slice(&element[nest_key]) {
                let Value::Object(nested) = nested else {
                    return fail(
                        ErrorCode::INVALID_NEST_VALUE,
                        format!("{nest_key} value must be an object"),
                    );
                };
                if nested
                    .keys()
                    .any(|key| expand_iri(context, key, false, true).as_deref() == Some("@value"))
                {
                    return fail(
                        ErrorCode::INVALID_NEST_VALUE,
                        format!("{nest_key} value cannot have @value"),
                    );
                }
                match context
                    .term(nest_key)
                    .and_then(|definition| definition.context.as_ref())
                {
                    Some(scoped) => {
                        let flags = ProcessFlags {
                            override_protected: true,
                            ..ProcessFlags::DEFAULT
                        };
                        let nest_context = self.env.process_scoped(context, scoped, flags)?;
                        let nested_state = EntryState {
                            context: &nest_context,
                            ..*state
                        };
                        self.expand_entries(&nested_state, nested, result)?;
                    }
                    None => self.expand_entries(state, nested, result)?,
                }
            }
        }
        Ok(())
    }

    fn expand_reverse_keyword(
        &self,
        state: &EntryState<'_>,
        value: &Value,
        result: &mut Map<String, Value>,
    ) -> Result<(), JsonLdError> {
        if !value.is_object() {
            return fail(
                ErrorCode::INVALID_REVERSE_VALUE,
                "@reverse value must be an object",
            );
        }
        let expanded = self.expand(
            state.context,
            Some("@reverse"),
            value,
            state.base_url,
            false,
        )?;
        let Value::Object(mut expanded) = expanded else {
            return Ok(());
        };
        if let Some(Value::Object(double_reversed)) = expanded.remove("@reverse") {
            for (property, items) in double_reversed {
                add_value(result, &property, items);
            }
        }
        if !expanded.is_empty() {
            let reverse = result
                .entry("@reverse")
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(reverse) = reverse else {
                return fail(
                    ErrorCode::INVALID_REVERSE_VALUE,
                    "@reverse is not an object",
                );
            };
            for (property, items) in expanded {
                for item in into_vec(items) {
                    if is_value_object(&item) || is_list_object(&item) {
                        return fail(
                            ErrorCode::INVALID_REVERSE_PROPERTY_VALUE,
                            format!("reverse property {property} has a value or list object"),
                        );
                    }
                    add_value(reverse, &property, item);
                }
            }
        }
        Ok(())
    }
}

/// The active context, type-scoped context and fixed inputs of one node object's entries.
struct EntryState<'a> {
    context: &'a Arc<ActiveContext>,
    type_scoped: &'a Arc<ActiveContext>,
    active_property: Option<&'a str>,
    base_url: Option<&'a str>,
    input_type: Option<&'a str>,
}

enum KeywordValue {
    Skip,
    Set(Value),
}

impl Expander<'_, '_> {
    fn expand_keyword(
        &self,
        state: &EntryState<'_>,
        keyword: &str,
        value: &Value,
        result: &mut Map<String, Value>,
    ) -> Result<KeywordValue, JsonLdError> {
        let context = state.context;
        let json_ld_10 = self.env.mode == ProcessingMode::JsonLd10;
        let expanded = match keyword {
            "@id" => {
                let Value::String(id) = value else {
                    return fail(
                        ErrorCode::INVALID_ID_VALUE,
                        format!("@id must be a string, got {value}"),
                    );
                };
                match expand_iri(context, id, true, false) {
                    Some(iri) => {
                        self.check_id(&iri, id)?;
                        Value::String(iri.into_owned())
                    }
                    None => {
                        self.safe_fail::<()>(ErrorCode::SAFE_RESERVED_ID, || {
                            format!("reserved @id value {id}")
                        })?;
                        return Ok(KeywordValue::Set(Value::Null));
                    }
                }
            }
            "@type" => {
                let expand_type = |type_value: &str| -> Result<Option<Value>, JsonLdError> {
                    match expand_iri(state.type_scoped, type_value, true, true) {
                        Some(iri) => {
                            if self.env.safe
                                && !is_absolute_iri(&iri)
                                && !is_blank_node(&iri)
                                && !is_keyword(&iri)
                            {
                                return fail(
                                    ErrorCode::SAFE_RELATIVE_TYPE,
                                    format!("@type {type_value} is not an absolute IRI"),
                                );
                            }
                            Ok(Some(Value::String(iri.into_owned())))
                        }
                        None => Ok(None),
                    }
                };
                let expanded = match value {
                    Value::String(type_value) => match expand_type(type_value)? {
                        Some(iri) => iri,
                        None => return Ok(KeywordValue::Skip),
                    },
                    Value::Array(items) => {
                        let mut types = Vec::with_capacity(items.len());
                        for item in items {
                            let Value::String(type_value) = item else {
                                return fail(
                                    ErrorCode::INVALID_TYPE_VALUE,
                                    format!("@type must be strings, got {item}"),
                                );
                            };
                            types.extend(expand_type(type_value)?);
                        }
                        Value::Array(types)
                    }
                    other => {
                        return fail(
                            ErrorCode::INVALID_TYPE_VALUE,
                            format!("@type must be strings, got {other}"),
                        );
                    }
                };
                match result.remove("@type") {
                    Some(existing) => {
                        let mut types = into_vec(existing);
                        types.extend(into_vec(expanded));
                        Value::Array(types)
                    }
                    None => expanded,
                }
            }
            "@graph" => Value::Array(into_vec(self.expand(
                context,
                Some("@graph"),
                value,
                state.base_url,
                false,
            )?)),
            "@included" => {
                if json_ld_10 {
                    return Ok(KeywordValue::Skip);
                }
                let included = into_vec(self.expand(
                    context,
                    Some("@included"),
                    value,
                    state.base_url,
                    false,
                )?);
                if let Some(bad) = included.iter().find(|item| !is_node_object(item)) {
                    return fail(
                        ErrorCode::INVALID_INCLUDED_VALUE,
                        format!("@included must hold node objects, got {bad}"),
                    );
                }
                match result.remove("@included") {
                    Some(existing) => {
                        let mut all = into_vec(existing);
                        all.extend(included);
                        Value::Array(all)
                    }
                    None => Value::Array(included),
                }
            }
            "@value" => {
                if state.input_type == Some("@json") {
                    if json_ld_10 {
                        return fail(
                            ErrorCode::INVALID_VALUE_OBJECT_VALUE,
                            "@json in json-ld-1.0 mode",
                        );
                    }
                    return Ok(KeywordValue::Set(value.clone()));
                } else if value.is_object() || value.is_array() {
                    return fail(
                        ErrorCode::INVALID_VALUE_OBJECT_VALUE,
                        format!("@value must be a scalar, got {value}"),
                    );
                } else if value.is_null() {
                    result.insert("@value".to_owned(), Value::Null);
                    return Ok(KeywordValue::Skip);
                } else {
                    value.clone()
                }
            }
            "@language" => {
                let Value::String(language) = value else {
                    return fail(
                        ErrorCode::INVALID_LANGUAGE_TAGGED_STRING,
                        format!("@language must be a string, got {value}"),
                    );
                };
                if self.env.safe && !is_well_formed_language(language) {
                    return fail(
                        ErrorCode::SAFE_INVALID_LANGUAGE,
                        format!("invalid @language {language}"),
                    );
                }
                value.clone()
            }
            "@direction" => {
                if json_ld_10 {
                    return Ok(KeywordValue::Skip);
                }
                if !matches!(value.as_str(), Some("ltr" | "rtl")) {
                    return fail(
                        ErrorCode::INVALID_BASE_DIRECTION,
                        format!("@direction must be ltr or rtl, got {value}"),
                    );
                }
                value.clone()
            }
            "@index" => {
                if !value.is_string() {
                    return fail(
                        ErrorCode::INVALID_INDEX_VALUE,
                        format!("@index must be a string, got {value}"),
                    );
                }
                value.clone()
            }
            "@list" => {
                if matches!(state.active_property, None | Some("@graph")) {
                    self.safe_fail::<()>(ErrorCode::SAFE_DROPPED_OBJECT, || {
                        "free-floating @list would be dropped".to_owned()
                    })?;
                    return Ok(KeywordValue::Skip);
                }
                Value::Array(into_vec(self.expand(
                    context,
                    state.active_property,
                    value,
                    state.base_url,
                    false,
                )?))
            }
            "@set" => self.expand(context, state.active_property, value, state.base_url, false)?,
            _ => return Ok(KeywordValue::Skip),
        };
        Ok(if expanded.is_null() {
            KeywordValue::Skip
        } else {
            KeywordValue::Set(expanded)
        })
    }

    fn expand_language_map(
        &self,
        context: &ActiveContext,
        definition: Option<&Arc<TermDefinition>>,
        language_map: &Map<String, Value>,
    ) -> Result<Value, JsonLdError> {
        let direction = match definition.and_then(|definition| definition.direction) {
            Some(direction) => direction,
            None => context.default_direction,
        };
        let mut expanded = Vec::new();
        for (language, values) in language_map {
            let is_none = language == "@none"
                || expand_iri(context, language, false, true).as_deref() == Some("@none");
            for item in as_slice(values) {
                match item {
                    Value::Null => continue,
                    Value::String(_) => {}
                    other => {
                        return fail(
                            ErrorCode::INVALID_LANGUAGE_MAP_VALUE,
                            format!("language map values must be strings, got {other}"),
                        );
                    }
                }
                let mut value = Map::with_capacity(3);
                value.insert("@value".to_owned(), item.clone());
                if !is_none {
                    if self.env.safe && !is_well_formed_language(language) {
                        return fail(
                            ErrorCode::SAFE_INVALID_LANGUAGE,
                            format!("invalid language map key {language}"),
                        );
                    }
                    value.insert("@language".to_owned(), Value::String(language.clone()));
                }
                if let Some(direction) = direction {
                    value.insert(
                        "@direction".to_owned(),
                        Value::String(direction.as_str().to_owned()),
                    );
                }
                expanded.push(Value::Object(value));
            }
        }
        Ok(Value::Array(expanded))
    }

    fn expand_index_map(
        &self,
        state: &EntryState<'_>,
        key: &str,
        containers: u8,
        definition: Option<&Arc<TermDefinition>>,
        index_map: &Map<String, Value>,
    ) -> Result<Value, JsonLdError> {
        let context = state.context;
        let index_key = definition
            .and_then(|definition| definition.index.as_deref())
            .unwrap_or("@index");
        let mut expanded = Vec::new();
        for (index, index_value) in index_map {
            let mut map_context = if containers & (container::ID | container::TYPE) != 0 {
                context
                    .previous
                    .as_ref()
                    .map_or_else(|| Arc::clone(context), Arc::clone)
            } else {
                Arc::clone(context)
            };
            if containers & container::TYPE != 0
                && let Some(scoped) = map_context
                    .term(index)
                    .and_then(|definition| definition.context.clone())
            {
                let flags = ProcessFlags {
                    propagate: false,
                    ..ProcessFlags::DEFAULT
                };
                map_context = self.env.process_scoped(&map_context, &scoped, flags)?;
            }
            let expanded_index = expand_iri(context, index, false, true);
            let index_is_none = expanded_index.as_deref() == Some("@none");
            let items = self.expand(&map_context, Some(key), index_value, state.base_url, true)?;
            for mut item in into_vec(items) {
                if containers & container::GRAPH != 0 && !is_graph_object(&item) {
                    item = single("@graph", Value::Array(into_vec(item)));
                }
                let Value::Object(item_map) = &mut item else {
                    expanded.push(item);
                    continue;
                };
                if containers & container::INDEX != 0 && index_key != "@index" && !index_is_none {
                    let re_expanded =
                        self.expand_value(context, Some(index_key), &Value::String(index.clone()))?;
                    let expanded_index_key = expand_iri(context, index_key, false, true)
                        .map(Cow::into_owned)
                        .unwrap_or_else(|| index_key.to_owned());
                    let mut values = vec![re_expanded];
                    if let Some(existing) = item_map.remove(&expanded_index_key) {
                        values.extend(into_vec(existing));
                    }
                    item_map.insert(expanded_index_key, Value::Array(values));
                    if item_map.contains_key("@value") {
                        return fail(
                            ErrorCode::INVALID_VALUE_OBJECT,
                            format!("value object indexed by {index_key}"),
                        );
                    }
                } else if containers & container::INDEX != 0
                    && !item_map.contains_key("@index")
                    && !index_is_none
                {
                    item_map.insert("@index".to_owned(), Value::String(index.clone()));
                } else if containers & container::ID != 0
                    && !item_map.contains_key("@id")
                    && !index_is_none
                {
                    let id = expand_iri(context, index, true, false).map(Cow::into_owned);
                    if let Some(id) = &id {
                        self.check_id(id, index)?;
                    }
                    item_map.insert("@id".to_owned(), id.map_or(Value::Null, Value::String));
                } else if containers & container::TYPE != 0 && !index_is_none {
                    let mut types = vec![
                        expanded_index
                            .as_deref()
                            .map_or(Value::Null, |t| Value::String(t.to_owned())),
                    ];
                    if let Some(existing) = item_map.remove("@type") {
                        types.extend(into_vec(existing));
                    }
                    item_map.insert("@type".to_owned(), Value::Array(types));
                }
                expanded.push(item);
            }
        }
        Ok(Value::Array(expanded))
    }
}

/// Steps 15-19 of the Expansion algorithm: validate and simplify the expanded map.
fn finish_object(
    expander: &Expander<'_, '_>,
    mut result: Map<String, Value>,
    active_property: Option<&str>,
) -> Result<Value, JsonLdError> {
    if let Some(value) = result.get("@value") {
        if let Some(key) = result.keys().find(|key| {
            !matches!(
                key.as_str(),
                "@direction" | "@index" | "@language" | "@type" | "@value"
            )
        }) {
            return fail(
                ErrorCode::INVALID_VALUE_OBJECT,
                format!("value object cannot have {key}"),
            );
        }
        if result.contains_key("@type")
            && (result.contains_key("@language") || result.contains_key("@direction"))
        {
            return fail(
                ErrorCode::INVALID_VALUE_OBJECT,
                "value object with both @type and @language/@direction",
            );
        }
        let type_value = result.get("@type");
        if type_value.and_then(Value::as_str) == Some("@json") {
            // A JSON literal: any @value.
        } else if value.is_null() {
            expander.safe_fail::<()>(ErrorCode::SAFE_NULL_VALUE, || {
                "value object with a null @value".to_owned()
            })?;
            return Ok(Value::Null);
        } else if !value.is_string() && result.contains_key("@language") {
            return fail(
                ErrorCode::INVALID_LANGUAGE_TAGGED_VALUE,
                format!("language-tagged value {value} is not a string"),
            );
        } else if let Some(type_value) = type_value
            && !type_value.as_str().is_some_and(is_absolute_iri)
        {
            return fail(
                ErrorCode::INVALID_TYPED_VALUE,
                format!("value type {type_value} is not an IRI"),
            );
        }
    } else if let Some(type_value) = result.get_mut("@type") {
        if !type_value.is_array() {
            let single_type = type_value.take();
            *type_value = Value::Array(vec![single_type]);
        }
    } else if result.contains_key("@set") || result.contains_key("@list") {
        if result.len() > 2 || (result.len() == 2 && !result.contains_key("@index")) {
            return fail(
                ErrorCode::INVALID_SET_OR_LIST_OBJECT,
                "@set / @list objects may only add @index",
            );
        }
        if let Some(set) = result.remove("@set") {
            return Ok(set);
        }
    }
    if result.len() == 1 && result.contains_key("@language") {
        expander.safe_fail::<()>(ErrorCode::SAFE_DROPPED_OBJECT, || {
            "object with only @language would be dropped".to_owned()
        })?;
        return Ok(Value::Null);
    }
    if matches!(active_property, None | Some("@graph")) {
        let dropped = result.is_empty()
            || result.contains_key("@value")
            || result.contains_key("@list")
            || (result.len() == 1 && result.contains_key("@id"));
        if dropped {
            expander.safe_fail::<()>(ErrorCode::SAFE_DROPPED_OBJECT, || {
                format!(
                    "free-floating object {} would be dropped",
                    Value::Object(result.clone())
                )
            })?;
            return Ok(Value::Null);
        }
    }
    Ok(Value::Object(result))
}
