//! JSON-LD 1.1 processing: context processing, expansion and deserialization to RDF.
//!
//! Documents are loaded only through a [`DocumentLoader`] supplied by the caller; this crate never
//! touches the network or the file system. Processed contexts are cached inside a [`Processor`],
//! so the pinned credential contexts are processed once and reused for every document.

mod active_context;
mod cache;
mod container_mapping;
mod context;
mod error;
mod expand;
mod expand_keywords;
mod expand_maps;
mod fast_hash;
mod iri;
mod iri_expansion;
mod loader;
mod lossless;
mod node_contexts;
mod node_map;
mod processor;
mod rdf_literal;
mod shapes;
mod term_definition;
mod to_rdf;
mod value_identity;

pub use error::{ErrorCode, JsonLdError};
pub use loader::{DocumentLoader, LoadError, RemoteDocument};
pub use processor::{Options, ProcessingMode, Processor, RdfDirection};
