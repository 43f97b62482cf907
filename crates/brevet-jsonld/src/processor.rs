//! The processor: options, the context cache, and the expand / to_rdf entry points.

use std::sync::Arc;

use brevet_rdf::Quad;
use serde_json::Value;

use crate::{DocumentLoader, ErrorCode, JsonLdError};

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
pub struct Processor {
    loader: Arc<dyn DocumentLoader>,
}

impl Processor {
    pub fn new(loader: Arc<dyn DocumentLoader>) -> Self {
        Processor { loader }
    }

    /// JSON-LD 1.1 Expansion algorithm.
    pub fn expand(&self, document: &Value, options: &Options) -> Result<Value, JsonLdError> {
        let _ = (document, options, &self.loader);
        Err(JsonLdError { code: ErrorCode("not implemented"), message: String::new() })
    }

    /// Expansion followed by Deserialize JSON-LD to RDF; the quads come out in document order.
    pub fn to_rdf(&self, document: &Value, options: &Options) -> Result<Vec<Quad>, JsonLdError> {
        let expanded = self.expand(document, options)?;
        crate::to_rdf::expanded_to_rdf(&expanded, options)
    }
}
