//! The Expansion algorithm (JSON-LD 1.1 API 5.1) and Value Expansion (5.3).

use std::cell::Cell;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::context::{ActiveContext, Env, ProcessFlags, ScopedContext, TermDefinition, container};
use crate::error::fail;
use crate::expand_maps::finish_object;
use crate::iri::{is_absolute_iri, is_blank_node, is_keyword};
use crate::iri_expansion::{expand_iri, expand_property, expands_to};
use crate::shapes::{
    add_value, as_slice, into_vec, is_list_object, is_value_object, single, small_get,
};
use crate::{ErrorCode, JsonLdError, ProcessingMode};

/// The expansion algorithm, bound to an environment.
pub(crate) struct Expander<'a, 'e> {
    pub(crate) env: &'a Env<'e>,
    /// Current nesting depth of arrays and objects (bounded by [`MAX_DEPTH`]).
    pub(crate) depth: Cell<usize>,
}

/// Deepest nesting of arrays and objects expansion accepts (the stack must not overflow).
pub(crate) const MAX_DEPTH: usize = 128;

impl Expander<'_, '_> {
    pub(crate) fn safe_fail<T>(
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

    pub(crate) fn check_id(&self, iri: &str, original: &str) -> Result<(), JsonLdError> {
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
        self.expand_value_with(context, definition, value)
    }

    /// Value Expansion with the active property's definition already looked up.
    pub(crate) fn expand_value_with(
        &self,
        context: &ActiveContext,
        definition: Option<&Arc<TermDefinition>>,
        value: &Value,
    ) -> Result<Value, JsonLdError> {
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
        self.expand_with(
            active,
            active_property,
            property_definition,
            element,
            base_url,
            from_map,
        )
    }

    /// The Expansion algorithm with the active property's definition already looked up.
    pub(crate) fn expand_with(
        &self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        property_definition: Option<&Arc<TermDefinition>>,
        element: &Value,
        base_url: Option<&str>,
        from_map: bool,
    ) -> Result<Value, JsonLdError> {
        if !matches!(element, Value::Array(_) | Value::Object(_)) {
            return self.expand_nested(
                active,
                active_property,
                property_definition,
                element,
                base_url,
                from_map,
            );
        }
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return fail(
                ErrorCode::NESTING_TOO_DEEP,
                format!("document nests deeper than {MAX_DEPTH} levels"),
            );
        }
        self.depth.set(depth + 1);
        let result = self.expand_nested(
            active,
            active_property,
            property_definition,
            element,
            base_url,
            from_map,
        );
        self.depth.set(depth);
        result
    }

    fn expand_nested(
        &self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        property_definition: Option<&Arc<TermDefinition>>,
        element: &Value,
        base_url: Option<&str>,
        from_map: bool,
    ) -> Result<Value, JsonLdError> {
        let property_scoped =
            property_definition.and_then(|definition| definition.context.as_ref());
        match element {
            Value::Null => Ok(Value::Null),
            Value::Array(items) => {
                let as_list = property_definition
                    .is_some_and(|definition| definition.has_container(container::LIST));
                let mut result = Vec::with_capacity(items.len());
                for item in items {
                    let expanded = self.expand_with(
                        active,
                        active_property,
                        property_definition,
                        item,
                        base_url,
                        from_map,
                    )?;
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
            Value::Object(map) => self.expand_object(
                active,
                active_property,
                map,
                base_url,
                from_map,
                property_scoped.map(Arc::as_ref),
            ),
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
                    None => self.expand_value_with(active, property_definition, scalar),
                }
            }
        }
    }

    pub(crate) fn expand_object(
        &self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        element: &Map<String, Value>,
        base_url: Option<&str>,
        from_map: bool,
        property_scoped: Option<&ScopedContext>,
    ) -> Result<Value, JsonLdError> {
        let contexts = self.node_contexts(active, element, base_url, from_map, property_scoped)?;
        let context = contexts.context;
        let input_type = contexts
            .first_type
            .and_then(|first| as_slice(first).last())
            .and_then(Value::as_str)
            .and_then(|last| expand_iri(&context, last, true, true));
        let mut result = Map::with_capacity(element.len());
        let state = EntryState {
            context: &context,
            type_scoped: &contexts.type_scoped,
            active_property,
            base_url,
            input_type: input_type.as_deref(),
        };
        self.expand_entries(&state, element, &mut result)?;
        finish_object(self, result, active_property)
    }

    /// Steps 13 and 14 of the Expansion algorithm (entries, then nested entries).
    pub(crate) fn expand_entries(
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
            let (expanded_property, definition) = expand_property(context, key);
            let expanded_property = match expanded_property {
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
                if small_get(result, keyword).is_some()
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
                    self.expand_with(context, Some(key), definition, value, state.base_url, false)?
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
                if nested.keys().any(|key| expands_to(context, key, "@value")) {
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

    pub(crate) fn expand_reverse_keyword(
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
pub(crate) struct EntryState<'a> {
    pub(crate) context: &'a Arc<ActiveContext>,
    pub(crate) type_scoped: &'a Arc<ActiveContext>,
    pub(crate) active_property: Option<&'a str>,
    pub(crate) base_url: Option<&'a str>,
    pub(crate) input_type: Option<&'a str>,
}

pub(crate) enum KeywordValue {
    Skip,
    Set(Value),
}
