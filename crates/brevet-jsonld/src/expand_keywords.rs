//! Expansion of keyword entries of a node or value object (Expansion algorithm step 13.4).

use serde_json::{Map, Value};

use crate::error::fail;
use crate::expand::{EntryState, Expander, KeywordValue};
use crate::iri::{is_absolute_iri, is_blank_node, is_keyword, is_well_formed_language};
use crate::iri_expansion::expand_iri;
use crate::shapes::{into_vec, is_node_object};
use crate::{ErrorCode, JsonLdError, ProcessingMode};

impl Expander<'_, '_> {
    pub(crate) fn expand_keyword(
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
}
