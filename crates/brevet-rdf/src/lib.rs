//! RDF data model, N-Quads reading and writing, and RDFC-1.0 canonicalization.
//!
//! This crate knows nothing about JSON-LD, credentials or proofs: it turns a set of quads into
//! the canonical N-Quads document that Data Integrity proofs hash. It does no IO.

mod canon;
mod model;
mod nquads;

pub use canon::{
    CanonError, CanonOptions, Canonical, HashAlgorithm, canonicalize, canonicalize_into,
};
pub use model::{
    AsQuadRef, Literal, LiteralRef, Quad, QuadRef, RDF_LANG_STRING, Term, TermRef, XSD_STRING,
};
pub use nquads::{NQuadsError, parse_nquads, serialize_nquads, serialize_quad};
