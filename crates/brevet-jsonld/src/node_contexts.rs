//! Steps 7-11 of the Expansion algorithm for a map: the contexts its entries are expanded with.
//! Shared by expansion and by the validation walk (`lossless`).

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::JsonLdError;
use crate::context::{ActiveContext, ProcessFlags, ScopedContext};
use crate::expand::Expander;
use crate::iri_expansion::expands_to;
use crate::shapes::as_slice;

/// The contexts of one node object's entries (see [`Expander::node_contexts`]).
pub(crate) struct NodeContexts<'a, 'v> {
    pub(crate) context: Cow<'a, Arc<ActiveContext>>,
    pub(crate) type_scoped: Cow<'a, Arc<ActiveContext>>,
    /// The value of the first entry expanding to `@type` (in sorted key order).
    pub(crate) first_type: Option<&'v Value>,
}

impl Expander<'_, '_> {
    /// Steps 7-11 of the Expansion algorithm for a map: the context its entries are expanded
    /// with (the previous context restored, the property-scoped, embedded and type-scoped
    /// contexts applied) and the type-scoped context its `@type` values are expanded with.
    pub(crate) fn node_contexts<'a, 'v>(
        &self,
        active: &'a Arc<ActiveContext>,
        element: &'v Map<String, Value>,
        base_url: Option<&str>,
        from_map: bool,
        property_scoped: Option<&ScopedContext>,
    ) -> Result<NodeContexts<'a, 'v>, JsonLdError> {
        // Borrowed until a context is processed: no reference count traffic for the many
        // objects whose context does not change.
        let mut context: Cow<'a, Arc<ActiveContext>> = Cow::Borrowed(active);
        if let Some(previous) = &active.previous
            && !from_map
        {
            let keeps = if active.value_aliased {
                element.keys().any(|key| expands_to(active, key, "@value"))
            } else {
                element.keys().any(|key| key == "@value")
            };
            let only_id =
                element.len() == 1 && element.keys().all(|key| expands_to(active, key, "@id"));
            if !keeps && !only_id {
                context = Cow::Borrowed(previous);
            }
        }
        if let Some(scoped) = property_scoped {
            let flags = ProcessFlags {
                override_protected: true,
                ..ProcessFlags::DEFAULT
            };
            context = Cow::Owned(self.env.process_scoped(&context, scoped, flags)?);
        }
        let local_context = element
            .iter()
            .find_map(|(key, value)| (key == "@context").then_some(value));
        if let Some(local) = local_context {
            context = Cow::Owned(self.env.process_embedded(&context, local, base_url)?);
        }
        let type_scoped = context.clone();
        // Entries expanding to @type, in key order (usually just one: no allocation then).
        let mut first_type: Option<(&'v String, &'v Value)> = None;
        let mut more_types: Vec<(&'v String, &'v Value)> = Vec::new();
        for (key, value) in element {
            let is_type = key == "@type"
                || (context
                    .type_aliases
                    .iter()
                    .any(|alias| alias.as_ref() == key.as_str())
                    && expands_to(&context, key, "@type"));
            if is_type {
                if first_type.is_none() {
                    first_type = Some((key, value));
                } else {
                    more_types.push((key, value));
                }
            }
        }
        let type_keys: &[(&String, &Value)] = match first_type {
            Some(first) if !more_types.is_empty() => {
                more_types.push(first);
                more_types.sort_by_key(|entry| entry.0);
                &more_types
            }
            _ => first_type.as_slice(),
        };
        let flags = ProcessFlags {
            propagate: false,
            ..ProcessFlags::DEFAULT
        };
        for (_, value) in type_keys {
            // The type-scoped contexts apply in lexicographical order of the types; types
            // without one are skipped, so only those with one are sorted (usually none or one).
            let mut first_scoped: Option<(&str, &Arc<ScopedContext>)> = None;
            let mut more_scoped: Vec<(&str, &Arc<ScopedContext>)> = Vec::new();
            for term in as_slice(value).iter().filter_map(Value::as_str) {
                if let Some(definition) = type_scoped.term(term)
                    && let Some(scoped) = &definition.context
                {
                    match first_scoped {
                        None => first_scoped = Some((term, scoped)),
                        Some(_) => more_scoped.push((term, scoped)),
                    }
                }
            }
            let ordered: &[(&str, &Arc<ScopedContext>)] = match first_scoped {
                Some(first) if !more_scoped.is_empty() => {
                    more_scoped.push(first);
                    more_scoped.sort_by_key(|entry| entry.0);
                    &more_scoped
                }
                _ => first_scoped.as_slice(),
            };
            for (_, scoped) in ordered {
                context = Cow::Owned(self.env.process_scoped(&context, scoped, flags)?);
            }
        }
        Ok(NodeContexts {
            context,
            type_scoped,
            first_type: type_keys.first().map(|(_, value)| *value),
        })
    }
}
