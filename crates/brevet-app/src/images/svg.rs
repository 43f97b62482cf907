//! Uploaded SVG is refused, never rewritten, unless it is inert (IMG-02): UTF-8, no DOCTYPE (so
//! no entities, external or expanding), no processing instructions (no `xml-stylesheet`), an
//! `<svg>` root in the SVG namespace, only drawing elements from an allowlist (no `script`,
//! `foreignObject`, `iframe`, animation elements that could rewrite links, or XHTML), no event
//! handler attributes, links only to fragments of the same document (or embedded PNG/JPEG data
//! for `image`), and CSS that loads nothing.

use roxmltree::{Document, Node, ParsingOptions};

use crate::AppError;

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// Namespaces of editor metadata (Inkscape, Sodipodi, RDF, Dublin Core, Creative Commons):
/// elements in them are not rendered and are accepted.
const METADATA_NAMESPACES: &[&str] = &[
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://purl.org/dc/terms/",
    "http://creativecommons.org/ns#",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.inkscape.org/namespaces/inkscape",
];

/// The SVG elements accepted: shapes, text, paint servers, clipping, masking and filters.
const ALLOWED_ELEMENTS: &[&str] = &[
    "svg",
    "g",
    "defs",
    "desc",
    "title",
    "metadata",
    "symbol",
    "use",
    "switch",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "textPath",
    "linearGradient",
    "radialGradient",
    "stop",
    "pattern",
    "clipPath",
    "mask",
    "marker",
    "image",
    "style",
    "filter",
    "feBlend",
    "feColorMatrix",
    "feComponentTransfer",
    "feComposite",
    "feConvolveMatrix",
    "feDiffuseLighting",
    "feDisplacementMap",
    "feDistantLight",
    "feDropShadow",
    "feFlood",
    "feFuncA",
    "feFuncB",
    "feFuncG",
    "feFuncR",
    "feGaussianBlur",
    "feImage",
    "feMerge",
    "feMergeNode",
    "feMorphology",
    "feOffset",
    "fePointLight",
    "feSpecularLighting",
    "feSpotLight",
    "feTile",
    "feTurbulence",
];

/// Embedded raster data an `image` or `feImage` may carry instead of a fragment link.
const EMBEDDED_IMAGE_PREFIXES: &[&str] = &["data:image/png;base64,", "data:image/jpeg;base64,"];

/// CSS that could load something or hide what it does; refused in `style` attributes and
/// elements (with `url(` other than `url(#…)`, checked apart).
const CSS_REFUSED: &[&str] = &[
    "\\",
    "@import",
    "@font-face",
    "@namespace",
    "image-set(",
    "image(",
    "src(",
    "cross-fade(",
    "element(",
    "expression(",
    "behavior",
    "-moz-binding",
    "javascript:",
];

/// The most XML nodes an uploaded SVG may have.
const MAX_NODES: u32 = 200_000;

fn refused(reason: impl std::fmt::Display) -> AppError {
    AppError::invalid("INVALID_IMAGE", format!("image: SVG refused: {reason}"))
}

/// Checks that an SVG upload is inert (see the module documentation).
pub(super) fn check_svg(bytes: &[u8]) -> Result<(), AppError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| refused("it is not UTF-8 text"))?;
    let lowered = text.to_ascii_lowercase();
    if lowered.contains("<!doctype") || lowered.contains("<!entity") {
        return Err(refused("it has a DOCTYPE (entities are not accepted)"));
    }
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
    };
    let document = Document::parse_with_options(text, options)
        .map_err(|error| refused(format!("it is not well-formed XML: {error}")))?;
    let root = document.root_element();
    if root.tag_name().name() != "svg" || root.tag_name().namespace() != Some(SVG_NS) {
        return Err(refused(format!(
            "the root element must be <svg xmlns=\"{SVG_NS}\">"
        )));
    }
    for node in document.descendants() {
        if node.is_pi() {
            return Err(refused("it has a processing instruction"));
        }
        if node.is_element() {
            check_element(node)?;
        }
    }
    Ok(())
}

fn check_element(node: Node<'_, '_>) -> Result<(), AppError> {
    let name = node.tag_name().name();
    match node.tag_name().namespace() {
        Some(SVG_NS) if ALLOWED_ELEMENTS.contains(&name) => {}
        Some(namespace) if METADATA_NAMESPACES.contains(&namespace) => {}
        Some(SVG_NS) => return Err(refused(format!("the element <{name}> is not accepted"))),
        Some(namespace) => {
            return Err(refused(format!(
                "the element <{name}> in namespace {namespace} is not accepted"
            )));
        }
        None => {
            return Err(refused(format!(
                "the element <{name}> has no namespace (SVG elements need {SVG_NS})"
            )));
        }
    }
    for attribute in node.attributes() {
        let local = attribute.name();
        let value = attribute.value();
        let is_event_handler = local.len() > 2
            && local
                .get(..2)
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case("on"));
        if is_event_handler {
            return Err(refused(format!(
                "the event handler attribute {local} on <{name}> is not accepted"
            )));
        }
        if local.eq_ignore_ascii_case("href") {
            check_link(name, value)?;
        } else if local.eq_ignore_ascii_case("style") {
            check_css(value, &format!("the style attribute of <{name}>"))?;
        } else {
            check_attribute_value(name, local, value)?;
        }
    }
    if name == "style" {
        let css: String = node
            .children()
            .filter_map(|child| child.text())
            .collect::<Vec<_>>()
            .concat();
        check_css(&css, "a <style> element")?;
    }
    Ok(())
}

/// A link may only name a fragment of this document, or embed PNG/JPEG data in an image.
fn check_link(element: &str, value: &str) -> Result<(), AppError> {
    let value = value.trim();
    if value.starts_with('#') {
        return Ok(());
    }
    let lowered = value.to_ascii_lowercase();
    if matches!(element, "image" | "feImage")
        && EMBEDDED_IMAGE_PREFIXES
            .iter()
            .any(|prefix| lowered.starts_with(prefix))
    {
        return Ok(());
    }
    Err(refused(format!(
        "<{element}> links to {}; only links within the image (#id) are accepted",
        shorten(value)
    )))
}

/// Presentation attributes (`fill`, `filter`, `mask`, ...) may reference paint servers and
/// filters of the same document only.
fn check_attribute_value(element: &str, attribute: &str, value: &str) -> Result<(), AppError> {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if compact.contains("javascript:") {
        return Err(refused(format!(
            "the attribute {attribute} of <{element}> contains a javascript: URL"
        )));
    }
    check_css_urls(&compact).map_err(|reference| {
        refused(format!(
            "the attribute {attribute} of <{element}> references {reference}; only url(#id) is accepted"
        ))
    })
}

fn check_css(css: &str, place: &str) -> Result<(), AppError> {
    let compact: String = css
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if let Some(pattern) = CSS_REFUSED
        .iter()
        .find(|pattern| compact.contains(*pattern))
    {
        return Err(refused(format!("{place} contains {pattern:?}")));
    }
    check_css_urls(&compact).map_err(|reference| {
        refused(format!(
            "{place} references {reference}; only url(#id) is accepted"
        ))
    })
}

/// Every `url(` in lowercased, whitespace-free CSS must be `url(#…)` (optionally quoted);
/// returns the first other reference.
fn check_css_urls(compact: &str) -> Result<(), String> {
    for (at, _) in compact.match_indices("url(") {
        let rest = &compact[at + 4..];
        let target = rest.trim_start_matches(['"', '\'']);
        if !target.starts_with('#') {
            return Err(shorten(&format!("url({rest}")));
        }
    }
    Ok(())
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    format!("{short:?}")
}
