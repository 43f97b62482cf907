//! Checks on an SVG document's text before it is parsed, for what the XML parser does not bound
//! itself: an internal DTD subset (where entities are declared) is refused outright, and the
//! markup whose parsing cost grows faster than its size is capped. `roxmltree` compares each
//! attribute with the element's others (quadratic in attributes per element) and copies every
//! namespace in scope into each element that declares one (cubic in nested declarations: 5,000
//! nested `xmlns:pN` take minutes).
//!
//! The scan only has to be exact for documents the parser accepts: on anything malformed the
//! parser stops with an error at the first fault.

use super::svg::SvgError;

/// Attributes one element may have (namespace declarations included).
pub(super) const MAX_ATTRIBUTES_PER_ELEMENT: usize = 256;
/// Attributes in the whole document.
pub(super) const MAX_ATTRIBUTES: usize = 200_000;
/// Namespace declarations (`xmlns`, `xmlns:prefix`) in the whole document.
pub(super) const MAX_NAMESPACE_DECLARATIONS: usize = 256;

/// Whether the prolog's DOCTYPE has an internal subset (`<!DOCTYPE svg [ … ]>`): the only place
/// a document can declare entities. Scans the prolog only (XML declaration, comments, processing
/// instructions, DOCTYPE); anything malformed there is left for the parser to report.
pub(super) fn has_internal_subset(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    loop {
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let rest = bytes.get(at..).unwrap_or_default();
        if rest.starts_with(b"<?") {
            match find(rest, b"?>") {
                Some(end) => at += end + 2,
                None => return false,
            }
        } else if rest.starts_with(b"<!--") {
            match find(rest, b"-->") {
                Some(end) => at += end + 3,
                None => return false,
            }
        } else if rest.starts_with(b"<!DOCTYPE") {
            // Before an internal subset there are only a name and quoted identifiers.
            let mut quote = None;
            for &byte in rest {
                match quote {
                    Some(open) if byte == open => quote = None,
                    Some(_) => {}
                    None => match byte {
                        b'"' | b'\'' => quote = Some(byte),
                        b'[' => return true,
                        b'>' => return false,
                        _ => {}
                    },
                }
            }
            return false;
        } else {
            return false;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Counts attributes (as `=` signs outside quoted values in tags) and namespace declarations,
/// and refuses a document over [`MAX_ATTRIBUTES_PER_ELEMENT`], [`MAX_ATTRIBUTES`] or
/// [`MAX_NAMESPACE_DECLARATIONS`]. Comments, CDATA sections, processing instructions and the
/// DOCTYPE are skipped; text holds no `<`.
pub(super) fn check_markup_limits(text: &str) -> Result<(), SvgError> {
    let bytes = text.as_bytes();
    let mut attributes = 0usize;
    let mut declarations = 0usize;
    let mut at = 0;
    while let Some(offset) = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        at += offset;
        let rest = bytes.get(at..).unwrap_or_default();
        let skip_past =
            |terminator: &[u8]| find(rest, terminator).map(|end| end + terminator.len());
        let skipped = if rest.starts_with(b"<!--") {
            Some(skip_past(b"-->"))
        } else if rest.starts_with(b"<![CDATA[") {
            Some(skip_past(b"]]>"))
        } else if rest.starts_with(b"<?") {
            Some(skip_past(b"?>"))
        } else {
            None
        };
        if let Some(length) = skipped {
            match length {
                Some(length) => {
                    at += length;
                    continue;
                }
                None => return Ok(()),
            }
        }
        // A tag (or the DOCTYPE): count up to its `>`, skipping quoted values.
        let mut in_element = 0usize;
        let mut quote = None;
        at += 1;
        while let Some(&byte) = bytes.get(at) {
            match quote {
                Some(open) if byte == open => quote = None,
                Some(_) => {}
                None => match byte {
                    b'"' | b'\'' => quote = Some(byte),
                    b'>' => break,
                    b'=' => {
                        in_element += 1;
                        attributes += 1;
                        if in_element > MAX_ATTRIBUTES_PER_ELEMENT {
                            return Err(too_complex(
                                "attributes on one element",
                                MAX_ATTRIBUTES_PER_ELEMENT,
                            ));
                        }
                        if attributes > MAX_ATTRIBUTES {
                            return Err(too_complex("attributes", MAX_ATTRIBUTES));
                        }
                    }
                    b'x' if bytes
                        .get(at..)
                        .is_some_and(|tail| tail.starts_with(b"xmlns"))
                        && bytes.get(at - 1).is_some_and(u8::is_ascii_whitespace) =>
                    {
                        declarations += 1;
                        if declarations > MAX_NAMESPACE_DECLARATIONS {
                            return Err(too_complex(
                                "namespace declarations",
                                MAX_NAMESPACE_DECLARATIONS,
                            ));
                        }
                    }
                    _ => {}
                },
            }
            at += 1;
        }
    }
    Ok(())
}

fn too_complex(what: &'static str, limit: usize) -> SvgError {
    SvgError::TooComplex { what, limit }
}
