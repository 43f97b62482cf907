//! Whether an SVG badge (already accepted as inert at upload) is cheap enough to draw on the
//! server. Rendering cost in an SVG is not bounded by its size: `use` can copy a group that
//! copies a group (exponential fan-out), markers repeat their content at every vertex of a
//! path, a pattern tile's pixmap is as large as its rectangle times its transform, some filter
//! primitives cost a kernel, a radius or an octave count per pixel, and every filtered, masked or
//! clipped element gets its own layer. So the preview draws an SVG badge only when, counted with
//! every `use` expanded: at most [`MAX_ELEMENTS`] elements, `use` chains at most
//! [`MAX_DEPTH`] deep, at most [`MAX_LAYERS`] filtered, masked or clipped elements and
//! [`MAX_IMAGES`] embedded images; no `marker` or `pattern` element; only filter primitives that
//! cost a constant per pixel; and no style sheet that applies a filter, mask or clip path (it
//! could apply it to every element). Anything else is drawn without the badge.

use std::collections::HashMap;

use roxmltree::{Document, Node, NodeId, ParsingOptions};

/// The most elements, with every `use` expanded.
pub(crate) const MAX_ELEMENTS: u64 = 5_000;
/// The most nested levels of elements and `use` references.
pub(crate) const MAX_DEPTH: usize = 64;
/// The most elements that get their own layer (filter, mask, clip path).
pub(crate) const MAX_LAYERS: u64 = 64;
/// The most embedded raster images drawn.
pub(crate) const MAX_IMAGES: u64 = 4;
/// The most XML nodes parsed (the upload check allows this many).
const MAX_NODES: u32 = 200_000;

/// Filter primitives whose cost is a constant per pixel (blur is a three-pass box blur).
const CHEAP_FILTER_PRIMITIVES: &[&str] = &[
    "feGaussianBlur",
    "feOffset",
    "feFlood",
    "feMerge",
    "feMergeNode",
    "feComposite",
    "feBlend",
    "feColorMatrix",
    "feComponentTransfer",
    "feFuncR",
    "feFuncG",
    "feFuncB",
    "feFuncA",
    "feDropShadow",
];

/// Why an SVG is not drawn (for the log).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the SVG badge is not drawn in previews: {0}")]
pub(crate) struct OverBudget(pub(crate) String);

fn over(reason: impl Into<String>) -> OverBudget {
    OverBudget(reason.into())
}

/// What drawing one element costs, with its subtree and `use` references expanded.
#[derive(Debug, Clone, Copy, Default)]
struct Cost {
    elements: u64,
    layers: u64,
    images: u64,
}

impl Cost {
    fn add(&mut self, other: Cost) {
        self.elements = self.elements.saturating_add(other.elements);
        self.layers = self.layers.saturating_add(other.layers);
        self.images = self.images.saturating_add(other.images);
    }

    fn check(&self) -> Result<(), OverBudget> {
        if self.elements > MAX_ELEMENTS {
            return Err(over(format!(
                "more than {MAX_ELEMENTS} elements with `use` expanded"
            )));
        }
        if self.layers > MAX_LAYERS {
            return Err(over(format!(
                "more than {MAX_LAYERS} filtered, masked or clipped elements"
            )));
        }
        if self.images > MAX_IMAGES {
            return Err(over(format!("more than {MAX_IMAGES} embedded images")));
        }
        Ok(())
    }
}

/// Checks `svg` (UTF-8 text of an inert SVG) against the budget.
pub(crate) fn check(svg: &[u8]) -> Result<(), OverBudget> {
    let text = std::str::from_utf8(svg.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(svg))
        .map_err(|_| over("not UTF-8"))?;
    let document = Document::parse_with_options(
        text,
        ParsingOptions {
            allow_dtd: false,
            nodes_limit: MAX_NODES,
        },
    )
    .map_err(|error| over(format!("not well-formed: {error}")))?;
    let mut ids = HashMap::new();
    for node in document.descendants().filter(Node::is_element) {
        let name = node.tag_name().name();
        if name == "marker" || name == "pattern" {
            return Err(over(format!("it has a <{name}> element")));
        }
        if node
            .ancestors()
            .skip(1)
            .any(|ancestor| ancestor.tag_name().name() == "filter")
            && !CHEAP_FILTER_PRIMITIVES.contains(&name)
        {
            return Err(over(format!("the filter primitive <{name}> is not drawn")));
        }
        if name == "style" {
            let css = node.text().unwrap_or_default().to_ascii_lowercase();
            if ["filter", "mask", "clip-path"]
                .iter()
                .any(|property| css.contains(property))
            {
                return Err(over("a style sheet applies a filter, mask or clip path"));
            }
        }
        if let Some(id) = node.attribute("id") {
            ids.insert(id, node.id());
        }
    }
    let mut walker = Walker {
        document: &document,
        ids,
        memo: HashMap::new(),
        visiting: Vec::new(),
    };
    let total = walker.cost(document.root_element(), 0)?;
    total.check()
}

struct Walker<'a, 'input> {
    document: &'a Document<'input>,
    ids: HashMap<&'a str, NodeId>,
    memo: HashMap<NodeId, Cost>,
    visiting: Vec<NodeId>,
}

impl<'a, 'input> Walker<'a, 'input> {
    fn cost(&mut self, node: Node<'a, 'input>, depth: usize) -> Result<Cost, OverBudget> {
        if depth > MAX_DEPTH {
            return Err(over(format!("nested more than {MAX_DEPTH} levels deep")));
        }
        if let Some(cost) = self.memo.get(&node.id()) {
            return Ok(*cost);
        }
        if self.visiting.contains(&node.id()) {
            // A reference cycle: the renderer skips it.
            return Ok(Cost::default());
        }
        self.visiting.push(node.id());
        let mut cost = Cost {
            elements: 1,
            layers: u64::from(makes_layer(node)),
            images: u64::from(node.tag_name().name() == "image"),
        };
        for child in node.children().filter(Node::is_element) {
            cost.add(self.cost(child, depth + 1)?);
            cost.check()?;
        }
        if node.tag_name().name() == "use"
            && let Some(target) = reference(node).and_then(|id| self.ids.get(id).copied())
            && let Some(target) = self.document.get_node(target)
        {
            cost.add(self.cost(target, depth + 1)?);
            cost.check()?;
        }
        self.visiting.pop();
        self.memo.insert(node.id(), cost);
        Ok(cost)
    }
}

/// Whether drawing `node` needs a layer of its own.
fn makes_layer(node: Node) -> bool {
    let style = node
        .attribute("style")
        .unwrap_or_default()
        .to_ascii_lowercase();
    ["filter", "mask", "clip-path"]
        .iter()
        .any(|property| node.attribute(*property).is_some() || style.contains(property))
}

/// The id a `use` element refers to (`href` or `xlink:href`, `#id`).
fn reference<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    node.attributes()
        .find(|attribute| attribute.name() == "href")
        .and_then(|attribute| attribute.value().strip_prefix('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg(body: &str) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
             viewBox=\"0 0 100 100\">{body}</svg>"
        )
    }

    #[test]
    fn an_ordinary_badge_is_drawn() {
        let badge = svg(
            "<defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"#fc0\"/></linearGradient>\
             <filter id=\"s\"><feGaussianBlur stdDeviation=\"2\"/><feOffset dx=\"1\"/></filter></defs>\
             <circle cx=\"50\" cy=\"50\" r=\"40\" fill=\"url(#g)\" filter=\"url(#s)\"/>\
             <text x=\"50\" y=\"55\">A+</text><use href=\"#g\"/>",
        );
        assert_eq!(check(badge.as_bytes()), Ok(()));
    }

    #[test]
    fn use_fan_out_is_refused() {
        let mut body = String::from("<g id=\"l0\"><rect width=\"1\" height=\"1\"/></g>");
        for level in 1..12 {
            body.push_str(&format!("<g id=\"l{level}\">"));
            for _ in 0..4 {
                body.push_str(&format!("<use xlink:href=\"#l{}\"/>", level - 1));
            }
            body.push_str("</g>");
        }
        let error = check(svg(&body).as_bytes()).unwrap_err();
        assert!(error.0.contains("elements"), "{error}");
    }

    #[test]
    fn cycles_do_not_loop() {
        let body = "<g id=\"a\"><use href=\"#b\"/></g><g id=\"b\"><use href=\"#a\"/></g>";
        assert_eq!(check(svg(body).as_bytes()), Ok(()));
    }

    #[test]
    fn costly_features_are_refused() {
        for body in [
            "<defs><marker id=\"m\"><circle r=\"1\"/></marker></defs><path d=\"M0 0L1 1\" marker-mid=\"url(#m)\"/>",
            "<defs><pattern id=\"p\" width=\"100000\" height=\"100000\"><rect/></pattern></defs>",
            "<filter id=\"f\"><feTurbulence numOctaves=\"1000000\"/></filter>",
            "<filter id=\"f\"><feMorphology radius=\"100000\"/></filter>",
            "<filter id=\"f\"><feConvolveMatrix order=\"3\" kernelMatrix=\"1 1 1 1 1 1 1 1 1\"/></filter>",
            "<style>* { filter: url(#f) }</style>",
        ] {
            assert!(check(svg(body).as_bytes()).is_err(), "{body}");
        }
        let many_layers: String = (0..100)
            .map(|_| "<rect width=\"1\" height=\"1\" style=\"filter:url(#f)\"/>")
            .collect();
        assert!(check(svg(&many_layers).as_bytes()).is_err());
    }
}
