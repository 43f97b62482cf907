//! Expansion of language, index, id and type maps, and the final checks on an expanded object
//! (Expansion algorithm steps 13.7, 13.8 and 15-19).

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::context::{ActiveContext, ProcessFlags, TermDefinition, container};
use crate::error::fail;
use crate::expand::{EntryState, Expander};
use crate::iri::{is_absolute_iri, is_well_formed_language};
use crate::iri_expansion::expand_iri;
use crate::shapes::{as_slice, into_vec, is_graph_object, single, small_get, small_get_mut};
use crate::{ErrorCode, JsonLdError};

impl Expander<'_, '_> {
    pub(crate) fn expand_language_map(
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

    pub(crate) fn expand_index_map(
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
pub(crate) fn finish_object(
    expander: &Expander<'_, '_>,
    mut result: Map<String, Value>,
    active_property: Option<&str>,
) -> Result<Value, JsonLdError> {
    // One pass over the keys instead of a hash lookup per keyword.
    let (mut has_value, mut has_type, mut has_language, mut has_direction) =
        (false, false, false, false);
    let (mut has_set, mut has_list, mut has_index, mut has_id) = (false, false, false, false);
    for key in result.keys() {
        match key.as_str() {
            "@value" => has_value = true,
            "@type" => has_type = true,
            "@language" => has_language = true,
            "@direction" => has_direction = true,
            "@set" => has_set = true,
            "@list" => has_list = true,
            "@index" => has_index = true,
            "@id" => has_id = true,
            _ => {}
        }
    }
    if has_value {
        let allowed = usize::from(has_value)
            + usize::from(has_type)
            + usize::from(has_language)
            + usize::from(has_direction)
            + usize::from(has_index);
        if allowed != result.len() {
            let key = result
                .keys()
                .find(|key| {
                    !matches!(
                        key.as_str(),
                        "@direction" | "@index" | "@language" | "@type" | "@value"
                    )
                })
                .map_or_else(String::new, Clone::clone);
            return fail(
                ErrorCode::INVALID_VALUE_OBJECT,
                format!("value object cannot have {key}"),
            );
        }
        if has_type && (has_language || has_direction) {
            return fail(
                ErrorCode::INVALID_VALUE_OBJECT,
                "value object with both @type and @language/@direction",
            );
        }
        let type_value = if has_type {
            small_get(&result, "@type")
        } else {
            None
        };
        let value = small_get(&result, "@value").unwrap_or(&Value::Null);
        if type_value.and_then(Value::as_str) == Some("@json") {
            // A JSON literal: any @value.
        } else if value.is_null() {
            expander.safe_fail::<()>(ErrorCode::SAFE_NULL_VALUE, || {
                "value object with a null @value".to_owned()
            })?;
            return Ok(Value::Null);
        } else if !value.is_string() && has_language {
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
    } else if has_type {
        if let Some(type_value) = small_get_mut(&mut result, "@type")
            && !type_value.is_array()
        {
            let single_type = type_value.take();
            *type_value = Value::Array(vec![single_type]);
        }
    } else if has_set || has_list {
        if result.len() > 2 || (result.len() == 2 && !has_index) {
            return fail(
                ErrorCode::INVALID_SET_OR_LIST_OBJECT,
                "@set / @list objects may only add @index",
            );
        }
        if has_set && let Some(set) = result.remove("@set") {
            return Ok(set);
        }
    }
    if result.len() == 1 && has_language {
        expander.safe_fail::<()>(ErrorCode::SAFE_DROPPED_OBJECT, || {
            "object with only @language would be dropped".to_owned()
        })?;
        return Ok(Value::Null);
    }
    if matches!(active_property, None | Some("@graph")) {
        let dropped = result.is_empty() || has_value || has_list || (result.len() == 1 && has_id);
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
