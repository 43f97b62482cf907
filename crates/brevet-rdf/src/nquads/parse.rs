//! A strict N-Quads parser (RDF 1.1 grammar): UCHAR/ECHAR escapes, comments, blank lines,
//! absolute IRIs only; errors carry the line number and column.

use super::NQuadsError;
use crate::{Literal, Quad, RDF_LANG_STRING, Term, XSD_STRING};

/// Parses an N-Quads document into quads, in document order. Duplicates are kept
/// (canonicalization removes them).
pub fn parse_nquads(text: &str) -> Result<Vec<Quad>, NQuadsError> {
    let mut quads = Vec::new();
    let mut line_number = 0;
    let mut rest = text;
    while !rest.is_empty() || line_number == 0 {
        line_number += 1;
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let line = &rest[..end];
        let mut after = &rest[end..];
        if let Some(stripped) = after.strip_prefix("\r\n") {
            after = stripped;
        } else if !after.is_empty() {
            after = &after[1..];
        }
        rest = after;
        let mut cursor = Cursor {
            line,
            pos: 0,
            line_number,
        };
        if let Some(quad) = cursor.statement()? {
            quads.push(quad);
        }
    }
    Ok(quads)
}

struct Cursor<'a> {
    line: &'a str,
    pos: usize,
    line_number: usize,
}

impl<'a> Cursor<'a> {
    fn error(&self, message: impl Into<String>) -> NQuadsError {
        let column = self.line[..self.pos].chars().count() + 1;
        NQuadsError {
            line: self.line_number,
            message: format!("{} (column {column})", message.into()),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.line.as_bytes().get(self.pos).copied()
    }

    fn rest(&self) -> &'a str {
        &self.line[self.pos..]
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn at_line_end(&self) -> bool {
        matches!(self.peek(), None | Some(b'#'))
    }

    /// Parses one line: nothing (blank or comment line) or one statement.
    fn statement(&mut self) -> Result<Option<Quad>, NQuadsError> {
        self.skip_whitespace();
        if self.at_line_end() {
            return Ok(None);
        }
        let subject = match self.peek() {
            Some(b'<') => Term::Iri(self.iri()?),
            Some(b'_') => Term::Blank(self.blank_node()?),
            _ => return Err(self.error("expected a subject (IRI or blank node)")),
        };
        self.skip_whitespace();
        let predicate = match self.peek() {
            Some(b'<') => Term::Iri(self.iri()?),
            _ => return Err(self.error("expected a predicate (IRI)")),
        };
        self.skip_whitespace();
        let object = match self.peek() {
            Some(b'<') => Term::Iri(self.iri()?),
            Some(b'_') => Term::Blank(self.blank_node()?),
            Some(b'"') => Term::Literal(self.literal()?),
            _ => return Err(self.error("expected an object (IRI, blank node or literal)")),
        };
        self.skip_whitespace();
        let graph = match self.peek() {
            Some(b'<') => Some(Term::Iri(self.iri()?)),
            Some(b'_') => Some(Term::Blank(self.blank_node()?)),
            _ => None,
        };
        self.skip_whitespace();
        if self.peek() != Some(b'.') {
            return Err(self.error("expected '.' at the end of the statement"));
        }
        self.pos += 1;
        self.skip_whitespace();
        if !self.at_line_end() {
            return Err(self.error("unexpected content after '.'"));
        }
        Ok(Some(Quad {
            subject,
            predicate,
            object,
            graph,
        }))
    }

    /// `<...>` with UCHAR escapes; the IRI must be absolute.
    fn iri(&mut self) -> Result<String, NQuadsError> {
        let start = self.pos;
        self.pos += 1;
        let mut value = String::new();
        loop {
            let Some(ch) = self.rest().chars().next() else {
                self.pos = start;
                return Err(self.error("unterminated IRI (missing '>')"));
            };
            match ch {
                '>' => {
                    self.pos += 1;
                    break;
                }
                '\\' => {
                    let escaped = self.uchar()?;
                    if is_forbidden_in_iri(escaped) {
                        return Err(self.error(format!(
                            "escaped character U+{:04X} is not allowed in an IRI",
                            u32::from(escaped)
                        )));
                    }
                    value.push(escaped);
                }
                ch if is_forbidden_in_iri(ch) => {
                    return Err(self.error(format!(
                        "character U+{:04X} is not allowed in an IRI",
                        u32::from(ch)
                    )));
                }
                ch => {
                    value.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
        if !has_scheme(&value) {
            self.pos = start;
            return Err(self.error(format!("IRI <{value}> is not absolute (no scheme)")));
        }
        Ok(value)
    }

    /// `\uXXXX` or `\UXXXXXXXX` at the cursor (which is on the backslash).
    fn uchar(&mut self) -> Result<char, NQuadsError> {
        let digits = match self.line.as_bytes().get(self.pos + 1) {
            Some(b'u') => 4,
            Some(b'U') => 8,
            _ => return Err(self.error("invalid escape (expected \\u or \\U)")),
        };
        let hex = self
            .line
            .get(self.pos + 2..self.pos + 2 + digits)
            .unwrap_or("");
        if hex.len() != digits || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error(format!("\\u/\\U escape needs {digits} hexadecimal digits")));
        }
        let code =
            u32::from_str_radix(hex, 16).map_err(|_| self.error("invalid hexadecimal escape"))?;
        let ch = char::from_u32(code).ok_or_else(|| {
            self.error(format!("escape U+{code:04X} is not a Unicode scalar value"))
        })?;
        self.pos += 2 + digits;
        Ok(ch)
    }

    /// `_:label` (the label is returned without `_:`).
    fn blank_node(&mut self) -> Result<String, NQuadsError> {
        if !self.rest().starts_with("_:") {
            return Err(self.error("expected a blank node ('_:')"));
        }
        self.pos += 2;
        let start = self.pos;
        let mut chars = self.rest().char_indices();
        match chars.next() {
            Some((_, ch)) if is_pn_chars_u(ch) || ch.is_ascii_digit() => {}
            _ => return Err(self.error("invalid blank node label")),
        }
        let mut end = self.rest().len();
        for (offset, ch) in chars {
            if !(is_pn_chars(ch) || ch == '.') {
                end = offset;
                break;
            }
        }
        let mut label = &self.line[start..start + end];
        while let Some(stripped) = label.strip_suffix('.') {
            label = stripped;
        }
        self.pos = start + label.len();
        Ok(label.to_owned())
    }

    /// `"..."` with ECHAR/UCHAR escapes, then `^^<datatype>` or `@language`.
    fn literal(&mut self) -> Result<Literal, NQuadsError> {
        let start = self.pos;
        self.pos += 1;
        let mut value = String::new();
        loop {
            let Some(ch) = self.rest().chars().next() else {
                self.pos = start;
                return Err(self.error("unterminated string literal (missing '\"')"));
            };
            match ch {
                '"' => {
                    self.pos += 1;
                    break;
                }
                '\\' => {
                    let echar = match self.line.as_bytes().get(self.pos + 1) {
                        Some(b't') => Some('\t'),
                        Some(b'b') => Some('\u{8}'),
                        Some(b'n') => Some('\n'),
                        Some(b'r') => Some('\r'),
                        Some(b'f') => Some('\u{C}'),
                        Some(b'"') => Some('"'),
                        Some(b'\'') => Some('\''),
                        Some(b'\\') => Some('\\'),
                        _ => None,
                    };
                    match echar {
                        Some(ch) => {
                            value.push(ch);
                            self.pos += 2;
                        }
                        None => value.push(self.uchar()?),
                    }
                }
                ch => {
                    value.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
        match self.peek() {
            Some(b'^') => {
                if !self.rest().starts_with("^^<") {
                    return Err(self.error("expected '^^<' before a datatype IRI"));
                }
                self.pos += 2;
                let datatype = self.iri()?;
                Ok(Literal {
                    value,
                    datatype,
                    language: None,
                })
            }
            Some(b'@') => {
                self.pos += 1;
                let language = self.language_tag()?;
                Ok(Literal {
                    value,
                    datatype: RDF_LANG_STRING.to_owned(),
                    language: Some(language),
                })
            }
            _ => Ok(Literal {
                value,
                datatype: XSD_STRING.to_owned(),
                language: None,
            }),
        }
    }

    /// `[a-zA-Z]+ ('-' [a-zA-Z0-9]+)*` after the `@`.
    fn language_tag(&mut self) -> Result<String, NQuadsError> {
        let bytes = self.rest().as_bytes();
        let primary = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        if primary == 0 {
            return Err(self.error("invalid language tag (expected letters after '@')"));
        }
        let mut end = primary;
        while bytes.get(end) == Some(&b'-') {
            let part = bytes[end + 1..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if part == 0 {
                self.pos += end;
                return Err(self.error("invalid language tag (empty subtag after '-')"));
            }
            end += 1 + part;
        }
        let tag = self.rest()[..end].to_owned();
        self.pos += end;
        Ok(tag)
    }
}

fn is_forbidden_in_iri(ch: char) -> bool {
    ch <= ' ' || matches!(ch, '<' | '>' | '"' | '{' | '}' | '|' | '^' | '`' | '\\')
}

/// `scheme ":"` with `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (RFC 3986).
fn has_scheme(iri: &str) -> bool {
    let Some((scheme, _)) = iri.split_once(':') else {
        return false;
    };
    let mut bytes = scheme.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

fn is_pn_chars_base(ch: char) -> bool {
    matches!(ch,
        'A'..='Z' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_pn_chars_u(ch: char) -> bool {
    is_pn_chars_base(ch) || ch == '_' || ch == ':'
}

fn is_pn_chars(ch: char) -> bool {
    is_pn_chars_u(ch)
        || ch == '-'
        || ch.is_ascii_digit()
        || ch == '\u{B7}'
        || ('\u{300}'..='\u{36F}').contains(&ch)
        || ('\u{203F}'..='\u{2040}').contains(&ch)
}
