//! The processor: options, the context cache, and the expand / to_rdf entry points.

use std::cell::Cell;
use std::sync::Arc;

use brevet_rdf::Quad;
use serde_json::Value;

use crate::cache::ContextCache;
use crate::context::{ActiveContext, Env};
use crate::expand::Expander;
use crate::{DocumentLoader, JsonLdError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ProcessingMode {
    JsonLd10,
    #[default]
    JsonLd11,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RdfDirection {
    I18nDatatype,
    CompoundLiteral,
}

/// Options of one expansion / RDF conversion.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Base IRI of the document; `None` means no base (Data Integrity requires none).
    pub base: Option<String>,
    pub processing_mode: ProcessingMode,
    /// A context applied before the document's own (`expandContext`).
    pub expand_context: Option<Value>,
    pub rdf_direction: Option<RdfDirection>,
    pub produce_generalized_rdf: bool,
    /// Safe mode: any data that expansion or RDF conversion would silently drop (undefined
    /// terms, relative IRIs, invalid values) is an error instead.
    pub safe_mode: bool,
    /// Read a local context object `{"@context": {…}}` as the object it wraps, as jsonld.js does,
    /// instead of failing with `keyword redefinition` as JSON-LD 1.1 says (test er56). Credentials
    /// signed by the JavaScript reference stack use this form (the W3C Data Integrity test
    /// suites' fixtures do), so their RDF must come out the same. Off by default.
    pub unwrap_wrapped_contexts: bool,
}

/// A JSON-LD processor bound to one document loader, caching processed contexts.
///
/// The cache keeps every remote context the loader returned (by URL) and every processed
/// active context (by the active context it started from and the local context applied), so a
/// stream of documents using the same contexts only pays for context processing once.
/// `Processor` is `Send + Sync`: share one across threads.
pub struct Processor {
    loader: Arc<dyn DocumentLoader>,
    cache: ContextCache,
}

impl Processor {
    pub fn new(loader: Arc<dyn DocumentLoader>) -> Self {
        Processor {
            loader,
            cache: ContextCache::default(),
        }
    }

    fn env<'a>(&'a self, options: &Options) -> Env<'a> {
        Env {
            loader: self.loader.as_ref(),
            cache: &self.cache,
            mode: options.processing_mode,
            safe: options.safe_mode,
            unwrap_wrapped: options.unwrap_wrapped_contexts,
        }
    }

    /// The active context a document starts from: the initial context for the base IRI, with
    /// `expandContext` applied.
    fn initial_context(
        &self,
        env: &Env<'_>,
        options: &Options,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let base = options.base.as_deref();
        let active = self.cache.initial(base);
        match &options.expand_context {
            Some(expand_context) => {
                let local = match expand_context {
                    Value::Object(map) if map.contains_key("@context") => &map["@context"],
                    other => other,
                };
                env.process_embedded(&active, local, base)
            }
            None => Ok(active),
        }
    }

    /// JSON-LD 1.1 Expansion algorithm. The result is always an array (expanded form).
    pub fn expand(&self, document: &Value, options: &Options) -> Result<Value, JsonLdError> {
        let env = self.env(options);
        let active = self.initial_context(&env, options)?;
        let expanded = Expander {
            env: &env,
            depth: Cell::new(0),
        }
        .expand(&active, None, document, options.base.as_deref(), false)?;
        Ok(match expanded {
            Value::Object(mut map) if map.len() == 1 && map.contains_key("@graph") => {
                map.remove("@graph").unwrap_or(Value::Array(Vec::new()))
            }
            Value::Null => Value::Array(Vec::new()),
            Value::Array(items) => Value::Array(items),
            other => Value::Array(vec![other]),
        })
    }

    /// Whether [`Processor::expand`] succeeds, without building the expanded document: the
    /// same result as `expand(document, options).map(drop)`, error for error. With
    /// `safe_mode` this is the data-loss check (a term no context defines, a relative IRI, a
    /// value expansion would drop), for documents that are signed without JSON-LD.
    ///
    /// In safe mode with JSON-LD 1.1 processing, a walk over the cached active contexts vouches
    /// for the document when it can; whenever it cannot (a construct it does not cover, or
    /// anything safe mode may refuse) the full expansion runs and decides.
    pub fn check_lossless(&self, document: &Value, options: &Options) -> Result<(), JsonLdError> {
        if self.vouch_lossless(document, options) {
            return Ok(());
        }
        self.expand(document, options).map(drop)
    }

    /// True when the validation walk alone shows that safe-mode expansion succeeds.
    pub(crate) fn vouch_lossless(&self, document: &Value, options: &Options) -> bool {
        if !options.safe_mode || options.processing_mode != ProcessingMode::JsonLd11 {
            return false;
        }
        let env = self.env(options);
        let Ok(active) = self.initial_context(&env, options) else {
            return false;
        };
        Expander {
            env: &env,
            depth: Cell::new(0),
        }
        .walk_document(&active, document, options.base.as_deref())
        .is_ok()
    }

    /// Expansion followed by Deserialize JSON-LD to RDF; the quads come out in document order.
    pub fn to_rdf(&self, document: &Value, options: &Options) -> Result<Vec<Quad>, JsonLdError> {
        let expanded = self.expand(document, options)?;
        crate::to_rdf::expanded_to_rdf(&expanded, options)
    }
}
