//! N-Quads serialization (canonical form, as RDFC-1.0 requires) and a strict parser.
//!
//! The canonical form is the one of RDF 1.2 N-Quads (section "Canonical N-Quads"), which RDFC-1.0
//! references: one space between terms, ` .\n` after each statement, IRIs written as is (only the
//! characters IRIs may not contain are `\u00XX`-escaped), literals with `\"`, `\\`, `\n`, `\r`,
//! `\t`, `\b`, `\f` as ECHAR, the other controls (U+0000..U+001F, U+007F) as upper-case `\u00XX`,
//! every other character as is; `^^<xsd:string>` is omitted and language-tagged strings use `@tag`.

mod parse;

pub use parse::parse_nquads;

use crate::{LiteralRef, Quad, TermRef, XSD_STRING};

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
    let quad = quad.as_ref();
    push_term(out, quad.subject);
    out.push(' ');
    push_term(out, quad.predicate);
    out.push(' ');
    push_term(out, quad.object);
    if let Some(graph) = quad.graph {
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
pub(crate) fn push_term(out: &mut String, term: TermRef<'_>) {
    match term {
        TermRef::Iri(iri) => push_iri(out, iri),
        TermRef::Blank(label) => {
            out.push_str("_:");
            out.push_str(label);
        }
        TermRef::Literal(literal) => push_literal(out, literal),
    }
}

/// Appends `<iri>`, escaping as `\u00XX` the characters an IRIREF may not contain.
pub(crate) fn push_iri(out: &mut String, iri: &str) {
    out.push('<');
    if none_escaped(iri.as_bytes(), iri_byte_escaped) {
        out.push_str(iri);
    } else {
        push_escaped(out, iri, &IRI_ESCAPED, push_uchar);
    }
    out.push('>');
}

/// Appends a literal: `"value"`, then `@language`, or `^^<datatype>` unless it is xsd:string.
pub(crate) fn push_literal(out: &mut String, literal: LiteralRef<'_>) {
    out.push('"');
    if literal_none_escaped(literal.value.as_bytes()) {
        out.push_str(literal.value);
    } else {
        push_escaped(out, literal.value, &LITERAL_ESCAPED, push_literal_escape);
    }
    out.push('"');
    match literal.language {
        Some(language) => {
            out.push('@');
            out.push_str(language);
        }
        None if literal.datatype == XSD_STRING => {}
        None => {
            out.push_str("^^");
            push_iri(out, literal.datatype);
        }
    }
}

/// Whether no byte of `bytes` needs escaping; branch-free over 16-byte chunks with one
/// accumulator per lane, so that the compiler vectorizes the common case of long IRIs and texts
/// without special characters.
#[inline]
fn none_escaped(bytes: &[u8], escaped: impl Fn(u8) -> bool) -> bool {
    let mut found = [false; 16];
    let mut chunks = bytes.chunks_exact(16);
    for chunk in &mut chunks {
        for (lane, &byte) in chunk.iter().enumerate() {
            found[lane] |= escaped(byte);
        }
    }
    if !chunks.remainder().is_empty() {
        // Re-check the last 16 bytes (overlapping).
        let Some(start) = bytes.len().checked_sub(16) else {
            // Short texts: a plain loop costs less than padding them.
            return !bytes.iter().any(|&byte| escaped(byte));
        };
        let last: [u8; 16] = bytes[start..].try_into().unwrap_or([0; 16]);
        for (lane, &byte) in last.iter().enumerate() {
            found[lane] |= escaped(byte);
        }
    }
    !found.contains(&true)
}

/// Same set as `IRI_ESCAPED`, as arithmetic: `..=0x20`, `"`, `<`/`>`, `\`/`^`, `` ` ``, `{|}`.
#[inline]
fn iri_byte_escaped(byte: u8) -> bool {
    (byte <= 0x20)
        | (byte == b'"')
        | (byte & 0xFD == b'<')
        | (byte & 0xFD == b'\\')
        | (byte == b'`')
        | (byte.wrapping_sub(b'{') < 3)
}

/// Whether no byte of a literal's value needs escaping (the `LITERAL_ESCAPED` set), eight bytes
/// at a time with SWAR bit tricks: a byte-wise vector loop over so small a set tempts the
/// compiler into a poor transposed vectorization.
#[inline]
fn literal_none_escaped(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    let mut found = 0;
    for word in &mut words {
        found |= literal_word_escapes(u64::from_le_bytes(word.try_into().unwrap_or([0; 8])));
    }
    if !words.remainder().is_empty() {
        let Some(start) = bytes.len().checked_sub(8) else {
            return !bytes.iter().any(|&byte| LITERAL_ESCAPED[usize::from(byte)]);
        };
        // The last eight bytes again (overlapping).
        found |= literal_word_escapes(u64::from_le_bytes(
            bytes[start..].try_into().unwrap_or([0; 8]),
        ));
    }
    found == 0
}

/// Non-zero when one of the eight bytes of `word` is below 0x20, `"`, `\` or DEL (the classic
/// "has zero byte" / "has byte less than" tricks, exact as predicates).
#[inline]
fn literal_word_escapes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |value: u64| value.wrapping_sub(ONES) & !value & HIGHS;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    control
        | has_zero(word ^ (ONES * u64::from(b'"')))
        | has_zero(word ^ (ONES * u64::from(b'\\')))
        | has_zero(word ^ (ONES * 0x7F))
}

/// Copies `text` into `out`, replacing every byte marked in `escaped` by what `escape` writes.
/// Only ASCII bytes are ever escaped, so the copied runs stay valid UTF-8.
#[inline]
fn push_escaped(
    out: &mut String,
    text: &str,
    escaped: &[bool; 256],
    escape: impl Fn(&mut String, u8),
) {
    let bytes = text.as_bytes();
    let mut run_start = 0;
    while let Some(offset) = bytes[run_start..]
        .iter()
        .position(|&byte| escaped[usize::from(byte)])
    {
        let index = run_start + offset;
        out.push_str(&text[run_start..index]);
        escape(out, bytes[index]);
        run_start = index + 1;
    }
    out.push_str(&text[run_start..]);
}

/// Bytes an IRIREF may not contain: controls, space, `<>"{}|^`` ` and backslash.
static IRI_ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte <= 0x20 {
        table[byte] = true;
        byte += 1;
    }
    let specials = b"<>\"{}|^`\\";
    let mut index = 0;
    while index < specials.len() {
        table[specials[index] as usize] = true;
        index += 1;
    }
    table
};

/// Bytes a canonical literal escapes: controls, DEL, `"` and backslash.
static LITERAL_ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    table[0x7F] = true;
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

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
