//! A validation-only walk of safe-mode expansion: it follows the Expansion algorithm over the
//! cached active contexts, step for step, without building the expanded document, and vouches
//! that expansion would succeed.
//!
//! The walk only ever answers "expansion succeeds" or "undecided". It covers the node objects
//! credentials are made of (`@id`, `@type`, terms, plain and `@set` / `@list` / `@graph`
//! containers, `@json` literals, property- and type-scoped and embedded contexts); at anything
//! else (`@value`, `@list`, `@graph`, `@nest`, `@reverse` entries, language / index / id / type
//! maps, reverse properties) and at every place where safe mode could refuse the document, it
//! stops undecided, and [`crate::Processor::check_lossless`] runs the full expansion, which
//! decides and produces the error. So the check refuses exactly what expansion refuses, with
//! the same error, and a document is only accepted without expansion when every step the walk
//! took is one that expansion takes without failing.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::context::{ActiveContext, ProcessFlags, ScopedContext, TermDefinition, container};
use crate::expand::{Expander, MAX_DEPTH};
use crate::iri::{is_absolute_iri, is_blank_node, is_keyword};
use crate::iri_expansion::{expand_iri, expand_property};

/// The walk cannot vouch for the document: the full expansion must decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Undecided;

/// `Ok(true)`: the element expands to something; `Ok(false)`: to null (an entry is dropped,
/// which is not data loss: a JSON `null` carries no data).
type Walk = Result<bool, Undecided>;

/// Containers whose map values expansion rewrites (language, index, id and type maps).
const MAP_CONTAINERS: u8 = container::LANGUAGE | container::INDEX | container::ID | container::TYPE;

impl Expander<'_, '_> {
    /// Walks a document from the top (Expansion with no active property); `Ok(())` means that
    /// safe-mode expansion of it succeeds. Only meaningful when the environment is in safe mode
    /// and JSON-LD 1.1 processing mode (the caller checks).
    pub(crate) fn walk_document(
        &self,
        active: &Arc<ActiveContext>,
        document: &Value,
        base_url: Option<&str>,
    ) -> Result<(), Undecided> {
        self.walk(active, None, None, document, base_url).map(drop)
    }

    /// Expansion steps 1-5 (`expand_with` / `expand_nested`) without output.
    fn walk(
        &self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        definition: Option<&Arc<TermDefinition>>,
        element: &Value,
        base_url: Option<&str>,
    ) -> Walk {
        match element {
            Value::Null => Ok(false),
            Value::Array(items) => {
                let depth = self.enter()?;
                for item in items {
                    self.walk(active, active_property, definition, item, base_url)?;
                }
                self.depth.set(depth);
                // An array expands to an array, never to null, even when empty.
                Ok(true)
            }
            Value::Object(map) => {
                let depth = self.enter()?;
                let scoped = definition.and_then(|definition| definition.context.as_deref());
                let walked = self.walk_object(active, active_property, map, base_url, scoped)?;
                self.depth.set(depth);
                Ok(walked)
            }
            scalar => self.walk_scalar(active, active_property, definition, scalar),
        }
    }

    /// The nesting check of `expand_with`: the depth before entering, or undecided where
    /// expansion fails with `nesting too deep`.
    fn enter(&self) -> Result<usize, Undecided> {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return Err(Undecided);
        }
        self.depth.set(depth + 1);
        Ok(depth)
    }

    /// A scalar under a property: Value Expansion, in the property-scoped context if any.
    fn walk_scalar(
        &self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        definition: Option<&Arc<TermDefinition>>,
        scalar: &Value,
    ) -> Walk {
        if matches!(active_property, None | Some("@graph")) {
            // A free-floating scalar: safe mode refuses it.
            return Err(Undecided);
        }
        match definition.and_then(|definition| definition.context.as_ref()) {
            Some(scoped) => {
                let flags = ProcessFlags {
                    override_protected: true,
                    ..ProcessFlags::DEFAULT
                };
                let context = self
                    .env
                    .process_scoped(active, scoped, flags)
                    .map_err(|_| Undecided)?;
                let definition = active_property.and_then(|property| context.term(property));
                walk_value(&context, definition, scalar)
            }
            None => walk_value(active, definition, scalar),
        }
    }

    /// A map: the contexts of `expand_object`, its entries (`expand_entries` step 13), and the
    /// safe-mode checks of steps 15-19 that apply to a result holding only `@id`, `@type` and
    /// properties.
    fn walk_object(
        &self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        element: &Map<String, Value>,
        base_url: Option<&str>,
        property_scoped: Option<&ScopedContext>,
    ) -> Walk {
        let contexts = self
            .node_contexts(active, element, base_url, false, property_scoped)
            .map_err(|_| Undecided)?;
        let context = &contexts.context;
        let (mut has_id, mut has_type, mut has_property) = (false, false, false);
        for (key, value) in element {
            if key == "@context" {
                continue;
            }
            let (expanded_property, definition) = expand_property(context, key);
            let Some(expanded_property) = expanded_property else {
                return Err(Undecided);
            };
            if is_keyword(&expanded_property) {
                if active_property == Some("@reverse") {
                    return Err(Undecided);
                }
                match expanded_property.as_ref() {
                    "@id" if !has_id => {
                        walk_id(context, value)?;
                        has_id = true;
                    }
                    "@type" => has_type |= walk_type(&contexts.type_scoped, value)?,
                    // Colliding `@id`s and every other keyword: expansion decides.
                    _ => return Err(Undecided),
                }
                continue;
            }
            if !expanded_property.contains(':') {
                // Not an absolute IRI: safe mode refuses the property.
                return Err(Undecided);
            }
            let containers = definition.map_or(0, |definition| definition.container);
            let present = if definition
                .is_some_and(|definition| definition.type_mapping.as_deref() == Some("@json"))
            {
                // A JSON literal: expansion takes the value as it is.
                true
            } else if containers & MAP_CONTAINERS != 0 && value.is_object() {
                return Err(Undecided);
            } else {
                self.walk(context, Some(key), definition, value, base_url)?
            };
            if !present {
                continue;
            }
            if definition.is_some_and(|definition| definition.reverse) {
                return Err(Undecided);
            }
            has_property = true;
        }
        // At the top (or in a graph) an object with nothing but an @id is dropped, which safe
        // mode refuses; elsewhere the object stays, even empty.
        if matches!(active_property, None | Some("@graph")) && !has_type && !has_property {
            return Err(Undecided);
        }
        Ok(true)
    }
}

/// Value Expansion of a scalar: only an `@id` / `@vocab`-typed string can fail (in safe mode,
/// when it expands to nothing or to a relative IRI).
fn walk_value(
    context: &ActiveContext,
    definition: Option<&Arc<TermDefinition>>,
    value: &Value,
) -> Walk {
    let type_mapping = definition.and_then(|definition| definition.type_mapping.as_deref());
    if let Value::String(string) = value
        && let Some(mapping @ ("@id" | "@vocab")) = type_mapping
    {
        let iri = expand_iri(context, string, true, mapping == "@vocab").ok_or(Undecided)?;
        if !is_absolute_iri(&iri) && !is_blank_node(&iri) {
            return Err(Undecided);
        }
    }
    Ok(true)
}

/// An `@id` entry: a string expanding (document-relative) to an absolute IRI or a blank node.
fn walk_id(context: &ActiveContext, value: &Value) -> Result<(), Undecided> {
    let Value::String(id) = value else {
        return Err(Undecided);
    };
    let iri = expand_iri(context, id, true, false).ok_or(Undecided)?;
    if !is_absolute_iri(&iri) && !is_blank_node(&iri) {
        return Err(Undecided);
    }
    Ok(())
}

/// A `@type` entry: a string or an array of strings, each expanding (vocabulary-relative, in the
/// type-scoped context) to an absolute IRI, a blank node or a keyword. `Ok(true)` when the
/// entry puts `@type` into the expanded object: an array always does (even empty), a string
/// when it does not expand to null.
fn walk_type(type_scoped: &ActiveContext, value: &Value) -> Walk {
    let expand_type = |type_value: &str| -> Walk {
        match expand_iri(type_scoped, type_value, true, true) {
            Some(iri) if is_absolute_iri(&iri) || is_blank_node(&iri) || is_keyword(&iri) => {
                Ok(true)
            }
            Some(_) => Err(Undecided),
            None => Ok(false),
        }
    };
    match value {
        Value::String(type_value) => expand_type(type_value),
        Value::Array(items) => {
            for item in items {
                let Value::String(type_value) = item else {
                    return Err(Undecided);
                };
                expand_type(type_value)?;
            }
            Ok(true)
        }
        _ => Err(Undecided),
    }
}

#[cfg(test)]
mod tests;
