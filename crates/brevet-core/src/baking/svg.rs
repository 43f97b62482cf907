//! SVG baking: an `<openbadges:credential>` element (namespace
//! `https://purl.imsglobal.org/ob/v3p0`) as the first child of the root `<svg>`, holding the
//! credential JSON as character data, or a JWT in its `verify` attribute. The document is edited
//! as text at positions `roxmltree` reports, so everything else stays byte for byte.
//!
//! Parsing is safe by construction (IMG-02): `roxmltree` never loads anything (no external
//! entity, no external DTD), and a document whose DOCTYPE has an internal subset (where entities
//! would be declared) is refused before parsing, so no entity is ever expanded. A plain DOCTYPE
//! such as SVG 1.1's public identifier is tolerated and never followed. Only text is extracted;
//! scripts and links in the image are irrelevant here.

use std::ops::Range;

use roxmltree::{Document, Node, ParsingOptions};

use super::markup::{check_markup_limits, has_internal_subset};
use super::payload::classify_embedded;
use super::{BadgeVersion, Baked, Embedded};

/// The UTF-8 byte-order mark.
pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// The namespace of the Open Badges 3.0 `credential` element.
pub const OB3_NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";
/// The namespace of the Open Badges 2.0 `assertion` element.
pub const OB2_NAMESPACE: &str = "http://openbadges.org";
const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";
/// The prefix Brevet declares for [`OB3_NAMESPACE`].
const PREFIX: &str = "openbadges";
/// Caps the number of XML nodes parsed: a badge has far fewer, and the parsed tree of a 10 MiB
/// document of empty elements would take about twelve times its size.
const MAX_NODES: u32 = 200_000;

/// Why an SVG was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SvgError {
    #[error("refused SVG: it is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { offset: usize },
    #[error(
        "refused SVG: its DOCTYPE has an internal subset (entity or attribute declarations); \
         Brevet never expands entities"
    )]
    InternalSubset,
    #[error("malformed SVG: {0}")]
    Xml(String),
    #[error("refused SVG: it has over {limit} {what}; a badge image is far simpler")]
    TooComplex { what: &'static str, limit: usize },
    #[error("not an SVG image: the root element is <{0}>, not <svg>")]
    NotSvg(String),
    #[error(
        "refused SVG: it carries {count} baked credential elements (first at line {first_line}, \
         another at line {second_line}); Brevet does not guess which one counts"
    )]
    Duplicate {
        count: usize,
        first_line: u32,
        second_line: u32,
    },
    #[error(
        "refused SVG: the <openbadges:credential> element at line {line} has both a verify \
         attribute and text content; Brevet does not guess which one counts"
    )]
    VerifyAndContent { line: u32 },
    #[error(
        "refused SVG: the baked credential element at line {line} contains an element; it must \
         hold only text"
    )]
    ChildElement { line: u32 },
    #[error(
        "refused SVG: the baked credential element at line {line} is empty (no verify attribute, \
         no text)"
    )]
    Empty { line: u32 },
    #[error("refused SVG: the {version} payload at line {line} is not acceptable: {problem}")]
    Payload {
        version: BadgeVersion,
        line: u32,
        problem: super::PayloadError,
    },
    #[error(
        "cannot bake into SVG: the credential contains U+{0:04X}, a character XML cannot carry"
    )]
    UnrepresentableChar(u32),
}

/// Splits off a UTF-8 byte-order mark and checks the rest is UTF-8.
fn decode(bytes: &[u8]) -> Result<(&[u8], &str), SvgError> {
    let (bom, body) = match bytes.strip_prefix(UTF8_BOM) {
        Some(body) => (UTF8_BOM, body),
        None => (&[][..], bytes),
    };
    let text = std::str::from_utf8(body).map_err(|error| SvgError::NotUtf8 {
        offset: bom.len() + error.valid_up_to(),
    })?;
    Ok((bom, text))
}

/// Parses an SVG document: no internal DTD subset, markup within the limits the parser needs
/// (see [`check_markup_limits`]), a well-formed XML document whose root is `<svg>` (in the SVG
/// namespace, or in none).
fn parse(text: &str) -> Result<Document<'_>, SvgError> {
    if has_internal_subset(text) {
        return Err(SvgError::InternalSubset);
    }
    check_markup_limits(text)?;
    let options = ParsingOptions {
        // A DOCTYPE without an internal subset (checked above) is tolerated, never followed.
        allow_dtd: true,
        nodes_limit: MAX_NODES,
        // No resolver: an external entity is never loaded (referencing one is an error).
        entity_resolver: None,
    };
    let document = Document::parse_with_options(text, options).map_err(|error| match error {
        roxmltree::Error::NodesLimitReached => SvgError::TooComplex {
            what: "XML nodes",
            limit: MAX_NODES as usize,
        },
        other => SvgError::Xml(other.to_string()),
    })?;
    let root = document.root_element();
    let name = root.tag_name();
    if name.name() != "svg" || !matches!(name.namespace(), None | Some(SVG_NAMESPACE)) {
        let shown = match name.namespace() {
            Some(namespace) => format!("{} xmlns=\"{namespace}\"", name.name()),
            None => name.name().to_owned(),
        };
        return Err(SvgError::NotSvg(shown));
    }
    Ok(document)
}

/// The version whose carrier `node` is, if it is one.
fn carrier_version(node: &Node<'_, '_>) -> Option<BadgeVersion> {
    if !node.is_element() {
        return None;
    }
    let name = node.tag_name();
    match (name.namespace(), name.name()) {
        (Some(OB3_NAMESPACE), "credential") => Some(BadgeVersion::OpenBadges3),
        (Some(OB2_NAMESPACE), "assertion") => Some(BadgeVersion::OpenBadges2),
        _ => None,
    }
}

fn line_of(document: &Document<'_>, node: &Node<'_, '_>) -> u32 {
    document.text_pos_at(node.range().start).row
}

/// Reads the credential an SVG carries; `Ok(None)` when it carries none.
pub(crate) fn unbake(bytes: &[u8]) -> Result<Option<Embedded>, SvgError> {
    let (_, text) = decode(bytes)?;
    let document = parse(text)?;
    let mut carriers = document
        .descendants()
        .filter_map(|node| carrier_version(&node).map(|version| (node, version)));
    let Some((node, version)) = carriers.next() else {
        return Ok(None);
    };
    if let Some((second, _)) = carriers.next() {
        return Err(SvgError::Duplicate {
            count: 2 + carriers.count(),
            first_line: line_of(&document, &node),
            second_line: line_of(&document, &second),
        });
    }
    let line = line_of(&document, &node);
    if node.children().any(|child| child.is_element()) {
        return Err(SvgError::ChildElement { line });
    }
    let content: String = node
        .children()
        .filter(Node::is_text)
        .filter_map(|child| child.text())
        .collect();
    let has_content = !content.trim_matches([' ', '\t', '\r', '\n']).is_empty();
    // `verify` without a namespace (`Node::attribute` would match any namespace).
    let verify = node
        .attributes()
        .find(|attribute| attribute.namespace().is_none() && attribute.name() == "verify")
        .map(|attribute| attribute.value());
    let raw = match (version, verify, has_content) {
        (BadgeVersion::OpenBadges3, Some(_), true) => {
            return Err(SvgError::VerifyAndContent { line });
        }
        // Open Badges 2.0 puts the hosted assertion's URL in `verify` and may also embed the
        // assertion itself: the embedded document is what is read.
        (_, _, true) => content.as_str(),
        (_, Some(verify), false) => verify,
        (_, None, false) => return Err(SvgError::Empty { line }),
    };
    let payload = classify_embedded(raw, version).map_err(|problem| SvgError::Payload {
        version,
        line,
        problem,
    })?;
    Ok(Some(Embedded { version, payload }))
}

/// Bakes the payload into an SVG: removes every Open Badges element (3.0 `credential`, 2.0
/// `assertion`), declares `xmlns:openbadges` on the root when it is not declared there, and
/// inserts `<openbadges:credential>` as the root's first child.
pub(crate) fn bake(bytes: &[u8], payload: &Baked) -> Result<Vec<u8>, SvgError> {
    let (bom, text) = decode(bytes)?;
    let document = parse(text)?;
    let root = document.root_element();
    let start_tag = scan_start_tag(text, root.range().start)?;

    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let local_declaration = match root.lookup_namespace_uri(Some(PREFIX)) {
        Some(OB3_NAMESPACE) => "",
        Some(_) => {
            // The prefix means something else here: declare it on the element itself.
            " xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\""
        }
        None => {
            edits.push((
                start_tag.name_end..start_tag.name_end,
                format!(" xmlns:{PREFIX}=\"{OB3_NAMESPACE}\""),
            ));
            ""
        }
    };
    let element = credential_element(payload, local_declaration)?;
    if start_tag.self_closing {
        let qname = text
            .get(root.range().start + 1..start_tag.name_end)
            .unwrap_or("svg");
        edits.push((
            start_tag.end - 2..start_tag.end,
            format!(">{element}</{qname}>"),
        ));
    } else {
        edits.push((start_tag.end..start_tag.end, element));
    }
    let mut removed_up_to = 0;
    for node in document.descendants() {
        let range = node.range();
        if carrier_version(&node).is_some() && range.start >= removed_up_to {
            removed_up_to = range.end;
            edits.push((range, String::new()));
        }
    }
    edits.sort_by_key(|(range, _)| (range.start, range.end));

    // The edits are in order and do not overlap (removed elements never nest, and none is in the
    // root's start tag); `get` keeps a broken assumption an error rather than a panic.
    let source = text.as_bytes();
    let overlap = || SvgError::Xml("overlapping edits (internal error)".to_owned());
    let mut out = Vec::with_capacity(bytes.len() + payload.as_str().len() + 128);
    out.extend_from_slice(bom);
    let mut copied_up_to = 0;
    for (range, replacement) in edits {
        out.extend_from_slice(source.get(copied_up_to..range.start).ok_or_else(overlap)?);
        out.extend_from_slice(replacement.as_bytes());
        copied_up_to = range.end;
    }
    out.extend_from_slice(source.get(copied_up_to..).ok_or_else(overlap)?);
    Ok(out)
}

/// The element that carries the payload: a JWT in `verify`, JSON as character data (a CDATA
/// section when that represents it exactly, escaped text otherwise).
fn credential_element(payload: &Baked, declaration: &str) -> Result<String, SvgError> {
    let tag = format!("{PREFIX}:credential");
    match payload {
        // A JWT is base64url and dots: nothing to escape in an attribute.
        Baked::Jwt(token) | Baked::Url(token) => {
            Ok(format!("<{tag}{declaration} verify=\"{token}\"/>"))
        }
        Baked::Json(json) => {
            if let Some(bad) = json.chars().find(|&c| !is_xml_char(c)) {
                return Err(SvgError::UnrepresentableChar(u32::from(bad)));
            }
            // XML parsers turn CR and CRLF into LF, even in CDATA: a payload with CR (or with
            // the CDATA terminator) is written as escaped text so it reads back unchanged.
            let content = if json.contains('\r') || json.contains("]]>") {
                escape_text(json)
            } else {
                format!("<![CDATA[{json}]]>")
            };
            Ok(format!("<{tag}{declaration}>{content}</{tag}>"))
        }
    }
}

/// Characters XML 1.0 allows in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(c),
        }
    }
    out
}

/// Where the root's start tag ends: after its name (where an attribute can be added), and after
/// its closing `>` or `/>`.
struct StartTag {
    name_end: usize,
    end: usize,
    self_closing: bool,
}

/// Scans the start tag beginning at `start` in a document the parser has already accepted
/// (attribute values are quoted and contain no `<`; a `>` inside quotes is skipped).
fn scan_start_tag(text: &str, start: usize) -> Result<StartTag, SvgError> {
    let bytes = text.as_bytes();
    let unexpected = || SvgError::Xml("unexpected end of the root element's start tag".to_owned());
    if bytes.get(start) != Some(&b'<') {
        return Err(unexpected());
    }
    let mut at = start + 1;
    while bytes
        .get(at)
        .is_some_and(|&byte| !byte.is_ascii_whitespace() && byte != b'>' && byte != b'/')
    {
        at += 1;
    }
    let name_end = at;
    loop {
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        match bytes.get(at) {
            Some(b'>') => {
                return Ok(StartTag {
                    name_end,
                    end: at + 1,
                    self_closing: false,
                });
            }
            Some(b'/') if bytes.get(at + 1) == Some(&b'>') => {
                return Ok(StartTag {
                    name_end,
                    end: at + 2,
                    self_closing: true,
                });
            }
            Some(_) => {
                // An attribute: name, `=`, a quoted value.
                while bytes.get(at).is_some_and(|&byte| byte != b'=') {
                    at += 1;
                }
                at += 1;
                while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
                    at += 1;
                }
                let quote = *bytes.get(at).ok_or_else(unexpected)?;
                if quote != b'"' && quote != b'\'' {
                    return Err(unexpected());
                }
                at += 1;
                while bytes.get(at).is_some_and(|&byte| byte != quote) {
                    at += 1;
                }
                if bytes.get(at).is_none() {
                    return Err(unexpected());
                }
                at += 1;
            }
            None => return Err(unexpected()),
        }
    }
}
