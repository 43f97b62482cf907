//! The Context Processing algorithm (JSON-LD 1.1 API 4.1); the types it builds are in
//! `active_context`.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

pub(crate) use crate::active_context::{
    ActiveContext, Direction, ScopedContext, TermDefinition, container, next_id,
};
use crate::cache::{ContextCache, LocalKey, ProcessKey};
use crate::error::fail;
use crate::iri::{is_absolute_iri, is_blank_node, is_well_formed_language, resolve};
use crate::term_definition::{DefineState, create_term_definition};
use crate::{DocumentLoader, ErrorCode, JsonLdError, ProcessingMode};

/// Maximum depth of nested remote contexts before `context overflow`.
const MAX_REMOTE_CONTEXTS: usize = 32;

/// Everything the algorithms need besides the active context.
pub(crate) struct Env<'a> {
    pub(crate) loader: &'a dyn DocumentLoader,
    pub(crate) cache: &'a ContextCache,
    pub(crate) mode: ProcessingMode,
    pub(crate) safe: bool,
    /// Read a local context `{"@context": {…}}` as the object it wraps (see
    /// [`crate::Options::unwrap_wrapped_contexts`]).
    pub(crate) unwrap_wrapped: bool,
}

/// Flags of one Context Processing invocation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ProcessFlags {
    pub(crate) override_protected: bool,
    pub(crate) propagate: bool,
    pub(crate) validate_scoped: bool,
}

impl ProcessFlags {
    pub(crate) const DEFAULT: ProcessFlags = ProcessFlags {
        override_protected: false,
        propagate: true,
        validate_scoped: true,
    };

    fn bits(self, env: &Env<'_>, remote_empty: bool) -> u8 {
        u8::from(self.override_protected)
            | u8::from(self.propagate) << 1
            | u8::from(self.validate_scoped) << 2
            | u8::from(remote_empty) << 3
            | u8::from(env.safe) << 4
            | u8::from(env.mode == ProcessingMode::JsonLd10) << 5
            | u8::from(env.unwrap_wrapped) << 6
    }
}

impl Env<'_> {
    /// Processes a term's scoped context against `active`, cached by (context id, scoped id).
    pub(crate) fn process_scoped(
        &self,
        active: &Arc<ActiveContext>,
        scoped: &ScopedContext,
        flags: ProcessFlags,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let key = ProcessKey {
            active: active.id,
            local: LocalKey::Id(scoped.id),
            flags: flags.bits(self, true),
        };
        if let Some(hit) = self.cache.processed(&key) {
            return Ok(hit);
        }
        let result = self.process(
            active,
            &scoped.value,
            scoped.base_url.as_deref(),
            &[],
            flags,
        )?;
        self.cache.store_processed(key, &result);
        Ok(result)
    }

    /// Processes a document's own `@context` against `active`, cached by value (the last few)
    /// and by its serialization.
    pub(crate) fn process_embedded(
        &self,
        active: &Arc<ActiveContext>,
        local: &Value,
        base_url: Option<&str>,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let flags = ProcessFlags::DEFAULT;
        let bits = flags.bits(self, true);
        if let Some(hit) = self.cache.embedded(active.id, bits, local, base_url) {
            return Ok(hit);
        }
        let key = ProcessKey {
            active: active.id,
            local: LocalKey::Inline(inline_key(local), base_url.map(str::to_owned)),
            flags: bits,
        };
        let result = match self.cache.processed(&key) {
            Some(hit) => hit,
            None => {
                let result = self.process(active, local, base_url, &[], flags)?;
                self.cache.store_processed(key, &result);
                result
            }
        };
        self.cache
            .store_embedded(active.id, bits, local, base_url, &result);
        Ok(result)
    }

    /// The Context Processing algorithm.
    pub(crate) fn process(
        &self,
        active: &Arc<ActiveContext>,
        local: &Value,
        base_url: Option<&str>,
        remote_contexts: &[String],
        flags: ProcessFlags,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let mut flags = flags;
        if let Value::Object(map) = local
            && let Some(propagate) = map.get("@propagate")
        {
            match propagate {
                Value::Bool(value) => flags.propagate = *value,
                _ => {
                    return fail(
                        ErrorCode::INVALID_PROPAGATE_VALUE,
                        "@propagate must be true or false",
                    );
                }
            }
        }
        let mut result = Arc::clone(active);
        if !flags.propagate && result.previous.is_none() {
            let mut derived = result.derive();
            derived.previous = Some(Arc::clone(active));
            result = Arc::new(derived);
        }
        let mut remote = remote_contexts.to_vec();
        let items = match local {
            Value::Array(items) => items.as_slice(),
            other => std::slice::from_ref(other),
        };
        for item in items {
            match item {
                Value::Null => {
                    if !flags.override_protected && result.has_protected_terms() {
                        return fail(
                            ErrorCode::INVALID_CONTEXT_NULLIFICATION,
                            "cannot nullify a context with protected terms",
                        );
                    }
                    let mut fresh = ActiveContext::new(active.original_base.clone());
                    if !flags.propagate {
                        fresh.previous = Some(Arc::clone(&result));
                    }
                    result = Arc::new(fresh);
                }
                Value::String(reference) => {
                    result =
                        self.process_remote(&result, reference, base_url, &mut remote, flags)?;
                }
                Value::Object(definition) => {
                    let definition = if self.unwrap_wrapped {
                        unwrap_context_entry(definition)?
                    } else {
                        definition
                    };
                    let mut next = result.derive();
                    self.apply_definition(&mut next, definition, base_url, &remote, flags)?;
                    result = Arc::new(next);
                }
                _ => {
                    return fail(
                        ErrorCode::INVALID_LOCAL_CONTEXT,
                        format!("context must be null, a string or an object, got {item}"),
                    );
                }
            }
        }
        Ok(result)
    }

    fn process_remote(
        &self,
        result: &Arc<ActiveContext>,
        reference: &str,
        base_url: Option<&str>,
        remote: &mut Vec<String>,
        flags: ProcessFlags,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let url = match base_url {
            Some(base) => resolve(base, reference),
            None if is_absolute_iri(reference) => reference.to_owned(),
            None => {
                return fail(
                    ErrorCode::LOADING_REMOTE_CONTEXT_FAILED,
                    format!("relative context reference {reference} without a base IRI"),
                );
            }
        };
        if !flags.validate_scoped && remote.contains(&url) {
            return Ok(Arc::clone(result));
        }
        if remote.len() >= MAX_REMOTE_CONTEXTS {
            return fail(
                ErrorCode::CONTEXT_OVERFLOW,
                format!("too many nested remote contexts at {url}"),
            );
        }
        remote.push(url.clone());
        let loaded = self.cache.load_context(self.loader, &url)?;
        let inner = ProcessFlags {
            propagate: true,
            ..flags
        };
        if !flags.validate_scoped {
            return self.process(
                result,
                &loaded.context,
                Some(&loaded.document_url),
                remote,
                inner,
            );
        }
        let key = ProcessKey {
            active: result.id,
            local: LocalKey::Id(loaded.id),
            flags: inner.bits(self, false),
        };
        if let Some(hit) = self.cache.processed(&key) {
            return Ok(hit);
        }
        let processed = self.process(
            result,
            &loaded.context,
            Some(&loaded.document_url),
            remote,
            inner,
        )?;
        self.cache.store_processed(key, &processed);
        Ok(processed)
    }

    /// Steps 5.5-5.13 of Context Processing for one context definition (a map).
    fn apply_definition(
        &self,
        result: &mut ActiveContext,
        definition: &Map<String, Value>,
        base_url: Option<&str>,
        remote: &[String],
        flags: ProcessFlags,
    ) -> Result<(), JsonLdError> {
        let json_ld_10 = self.mode == ProcessingMode::JsonLd10;
        if let Some(version) = definition.get("@version") {
            if version.as_f64() != Some(1.1) || !version.is_number() {
                return fail(
                    ErrorCode::INVALID_VERSION_VALUE,
                    format!("@version must be 1.1, got {version}"),
                );
            }
            if json_ld_10 {
                return fail(
                    ErrorCode::PROCESSING_MODE_CONFLICT,
                    "@version 1.1 in json-ld-1.0 mode",
                );
            }
        }
        let merged;
        let definition = match definition.get("@import") {
            None => definition,
            Some(import) => {
                if json_ld_10 {
                    return fail(
                        ErrorCode::INVALID_CONTEXT_ENTRY,
                        "@import in json-ld-1.0 mode",
                    );
                }
                let Value::String(import) = import else {
                    return fail(
                        ErrorCode::INVALID_IMPORT_VALUE,
                        format!("@import must be a string, got {import}"),
                    );
                };
                let url = match base_url {
                    Some(base) => resolve(base, import),
                    None => import.clone(),
                };
                let loaded = self.cache.load_context(self.loader, &url)?;
                let Value::Object(imported) = loaded.context.as_ref() else {
                    return fail(
                        ErrorCode::INVALID_REMOTE_CONTEXT,
                        format!("imported context {url} is not an object"),
                    );
                };
                if imported.contains_key("@import") {
                    return fail(
                        ErrorCode::INVALID_CONTEXT_ENTRY,
                        format!("imported context {url} has @import"),
                    );
                }
                let mut combined = imported.clone();
                for (key, value) in definition {
                    combined.insert(key.clone(), value.clone());
                }
                merged = combined;
                &merged
            }
        };
        if let Some(base) = definition.get("@base")
            && remote.is_empty()
        {
            match base {
                Value::Null => result.base = None,
                Value::String(value) if is_absolute_iri(value) => result.base = Some(value.clone()),
                Value::String(value) => match &result.base {
                    Some(current) => result.base = Some(resolve(current, value)),
                    None => {
                        return fail(
                            ErrorCode::INVALID_BASE_IRI,
                            format!("relative @base {value} without a base"),
                        );
                    }
                },
                other => {
                    return fail(
                        ErrorCode::INVALID_BASE_IRI,
                        format!("@base must be a string, got {other}"),
                    );
                }
            }
        }
        if let Some(vocab) = definition.get("@vocab") {
            match vocab {
                Value::Null => result.vocab = None,
                Value::String(value) => {
                    if json_ld_10 && !is_absolute_iri(value) && !is_blank_node(value) {
                        return fail(
                            ErrorCode::INVALID_VOCAB_MAPPING,
                            format!("@vocab {value} is not absolute"),
                        );
                    }
                    let expanded = crate::iri_expansion::expand_iri(result, value, true, true)
                        .map(|iri| iri.into_owned())
                        .ok_or_else(|| {
                            JsonLdError::new(
                                ErrorCode::INVALID_VOCAB_MAPPING,
                                format!("invalid @vocab {value}"),
                            )
                        })?;
                    if self.safe && !is_absolute_iri(&expanded) && !is_blank_node(&expanded) {
                        return fail(
                            ErrorCode::SAFE_RELATIVE_VOCAB,
                            format!("@vocab {value} is not absolute"),
                        );
                    }
                    result.vocab = Some(expanded);
                }
                other => {
                    return fail(
                        ErrorCode::INVALID_VOCAB_MAPPING,
                        format!("@vocab must be a string, got {other}"),
                    );
                }
            }
        }
        if let Some(language) = definition.get("@language") {
            match language {
                Value::Null => result.default_language = None,
                Value::String(value) => {
                    if self.safe && !is_well_formed_language(value) {
                        return fail(
                            ErrorCode::SAFE_INVALID_LANGUAGE,
                            format!("invalid @language {value}"),
                        );
                    }
                    result.default_language = Some(value.clone());
                }
                other => {
                    return fail(
                        ErrorCode::INVALID_DEFAULT_LANGUAGE,
                        format!("@language must be a string, got {other}"),
                    );
                }
            }
        }
        if let Some(direction) = definition.get("@direction") {
            if json_ld_10 {
                return fail(
                    ErrorCode::INVALID_CONTEXT_ENTRY,
                    "@direction in json-ld-1.0 mode",
                );
            }
            match direction {
                Value::Null => result.default_direction = None,
                Value::String(value) if Direction::parse(value).is_some() => {
                    result.default_direction = Direction::parse(value);
                }
                other => {
                    return fail(
                        ErrorCode::INVALID_BASE_DIRECTION,
                        format!("@direction must be ltr or rtl, got {other}"),
                    );
                }
            }
        }
        if definition.contains_key("@propagate") {
            if json_ld_10 {
                return fail(
                    ErrorCode::INVALID_CONTEXT_ENTRY,
                    "@propagate in json-ld-1.0 mode",
                );
            }
            if !definition.get("@propagate").is_some_and(Value::is_boolean) {
                return fail(
                    ErrorCode::INVALID_PROPAGATE_VALUE,
                    "@propagate must be true or false",
                );
            }
        }
        let protected = match definition.get("@protected") {
            None => false,
            Some(Value::Bool(value)) => *value,
            Some(other) => {
                return fail(
                    ErrorCode::INVALID_PROTECTED_VALUE,
                    format!("@protected must be a boolean, got {other}"),
                );
            }
        };
        let mut state = DefineState {
            env: self,
            active: result,
            local: definition,
            defined: HashMap::new(),
            base_url,
            protected,
            override_protected: flags.override_protected,
            remote,
        };
        for key in definition.keys() {
            if matches!(
                key.as_str(),
                "@base"
                    | "@direction"
                    | "@import"
                    | "@language"
                    | "@propagate"
                    | "@protected"
                    | "@version"
                    | "@vocab"
            ) {
                continue;
            }
            create_term_definition(&mut state, key)?;
        }
        Ok(())
    }
}

/// The cache key of an embedded context: its JSON serialization, or for the usual case of a
/// context URL or a list of context URLs, a cheaper length-prefixed encoding. The encodings
/// cannot collide: a serialization starts with a JSON token, the URL encoding with `#`.
/// A local context object written as `{"@context": {…}}` (a context document pasted inline), read
/// as the object it wraps, as jsonld.js does (when the option asks for it).
fn unwrap_context_entry(
    definition: &Map<String, Value>,
) -> Result<&Map<String, Value>, JsonLdError> {
    match definition.get("@context") {
        None => Ok(definition),
        Some(Value::Object(inner)) => Ok(inner),
        Some(other) => fail(
            ErrorCode::INVALID_LOCAL_CONTEXT,
            format!("a wrapped @context entry must hold a context object, got {other}"),
        ),
    }
}

fn inline_key(local: &Value) -> String {
    let urls: Option<Vec<&str>> = match local {
        Value::String(url) => Some(vec![url.as_str()]),
        Value::Array(items) => items.iter().map(Value::as_str).collect(),
        _ => None,
    };
    let Some(urls) = urls else {
        return local.to_string();
    };
    let mut key = String::with_capacity(urls.iter().map(|url| url.len() + 8).sum::<usize>() + 2);
    key.push('#');
    key.push(if local.is_array() { '[' } else { '"' });
    for url in urls {
        key.push_str(&url.len().to_string());
        key.push(':');
        key.push_str(url);
    }
    key
}
