//! The processor: options, the context cache, and the expand / to_rdf entry points.

use std::sync::Arc;

use brevet_rdf::Quad;
use serde_json::Value;

use crate::cache::ContextCache;
use crate::context::Env;
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

    /// JSON-LD 1.1 Expansion algorithm. The result is always an array (expanded form).
    pub fn expand(&self, document: &Value, options: &Options) -> Result<Value, JsonLdError> {
        let env = Env {
            loader: self.loader.as_ref(),
            cache: &self.cache,
            mode: options.processing_mode,
            safe: options.safe_mode,
        };
        let base = options.base.as_deref();
        let mut active = self.cache.initial(base);
        if let Some(expand_context) = &options.expand_context {
            let local = match expand_context {
                Value::Object(map) if map.contains_key("@context") => &map["@context"],
                other => other,
            };
            active = env.process_embedded(&active, local, base)?;
        }
        let expanded = Expander {
            env: &env,
            depth: std::cell::Cell::new(0),
        }
        .expand(&active, None, document, base, false)?;
        Ok(match expanded {
            Value::Object(mut map) if map.len() == 1 && map.contains_key("@graph") => {
                map.remove("@graph").unwrap_or(Value::Array(Vec::new()))
            }
            Value::Null => Value::Array(Vec::new()),
            Value::Array(items) => Value::Array(items),
            other => Value::Array(vec![other]),
        })
    }

    /// Expansion followed by Deserialize JSON-LD to RDF; the quads come out in document order.
    pub fn to_rdf(&self, document: &Value, options: &Options) -> Result<Vec<Quad>, JsonLdError> {
        let expanded = self.expand(document, options)?;
        crate::to_rdf::expanded_to_rdf(&expanded, options)
    }
}
