//! N-Quads serialization (canonical form, as RDFC-1.0 requires) and a strict parser.
//!
//! The canonical form is the one of RDF 1.2 N-Quads (section "Canonical N-Quads"), which RDFC-1.0
//! references: one space between terms, ` .\n` after each statement, IRIs written as is (only the
//! characters IRIs may not contain are `\u00XX`-escaped), literals with `\"`, `\\`, `\n`, `\r`,
//! `\t`, `\b`, `\f` as ECHAR, the other controls (U+0000..U+001F, U+007F) as upper-case `\u00XX`,
//! every other character as is; `^^<xsd:string>` is omitted and language-tagged strings use `@tag`.

mod parse;

pub use parse::parse_nquads;

use crate::{Literal, Quad, Term, XSD_STRING};

/// A syntax error in an N-Quads document, with its 1-based line number.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("N-Quads line {line}: {message}")]
pub struct NQuadsError {
    pub line: usize,
    pub message: String,
}

/// Serializes one quad as a canonical N-Quads line, with the trailing `\n`.
///
/// Blank nodes keep their labels (`_:label`); canonicalization relabels them first.
pub fn serialize_quad(quad: &Quad, out: &mut String) {
    push_term(out, &quad.subject);
    out.push(' ');
    push_term(out, &quad.predicate);
    out.push(' ');
    push_term(out, &quad.object);
    if let Some(graph) = &quad.graph {
        out.push(' ');
        push_term(out, graph);
    }
    out.push_str(" .\n");
}

/// Serializes quads in the given order (no sorting, no deduplication).
pub fn serialize_nquads(quads: &[Quad]) -> String {
    let mut out = String::with_capacity(quads.len() * 96);
    for quad in quads {
        serialize_quad(quad, &mut out);
    }
    out
}

/// Appends a term in canonical form; a blank node is written as `_:label`.
pub(crate) fn push_term(out: &mut String, term: &Term) {
    match term {
        Term::Iri(iri) => push_iri(out, iri),
        Term::Blank(label) => {
            out.push_str("_:");
            out.push_str(label);
        }
        Term::Literal(literal) => push_literal(out, literal),
    }
}

/// Appends `<iri>`, escaping as `\u00XX` the characters an IRIREF may not contain.
pub(crate) fn push_iri(out: &mut String, iri: &str) {
    out.push('<');
    push_escaped(out, iri, iri_needs_escape, |out, byte| {
        push_uchar(out, byte)
    });
    out.push('>');
}

/// Appends a literal: `"value"`, then `@language`, or `^^<datatype>` unless it is xsd:string.
pub(crate) fn push_literal(out: &mut String, literal: &Literal) {
    out.push('"');
    push_escaped(
        out,
        &literal.value,
        literal_needs_escape,
        push_literal_escape,
    );
    out.push('"');
    match &literal.language {
        Some(language) => {
            out.push('@');
            out.push_str(language);
        }
        None if literal.datatype == XSD_STRING => {}
        None => {
            out.push_str("^^");
            push_iri(out, &literal.datatype);
        }
    }
}

/// Copies `text` into `out`, replacing every byte for which `needs_escape` holds by what
/// `escape` writes. Only ASCII bytes are ever escaped, so the copied runs stay valid UTF-8.
fn push_escaped(
    out: &mut String,
    text: &str,
    needs_escape: fn(u8) -> bool,
    escape: fn(&mut String, u8),
) {
    let bytes = text.as_bytes();
    let mut run_start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        if needs_escape(byte) {
            out.push_str(&text[run_start..index]);
            escape(out, byte);
            run_start = index + 1;
        }
    }
    out.push_str(&text[run_start..]);
}

fn iri_needs_escape(byte: u8) -> bool {
    byte <= 0x20
        || matches!(
            byte,
            b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\'
        )
}

fn literal_needs_escape(byte: u8) -> bool {
    byte < 0x20 || matches!(byte, b'"' | b'\\' | 0x7F)
}

fn push_literal_escape(out: &mut String, byte: u8) {
    match byte {
        b'"' => out.push_str("\\\""),
        b'\\' => out.push_str("\\\\"),
        b'\n' => out.push_str("\\n"),
        b'\r' => out.push_str("\\r"),
        b'\t' => out.push_str("\\t"),
        0x08 => out.push_str("\\b"),
        0x0C => out.push_str("\\f"),
        other => push_uchar(out, other),
    }
}

/// Appends `\u00XX` with upper-case hexadecimal digits.
fn push_uchar(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push_str("\\u00");
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0x0F)]));
}

#[cfg(test)]
mod tests;
