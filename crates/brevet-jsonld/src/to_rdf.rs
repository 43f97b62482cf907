//! Deserialize JSON-LD to RDF (JSON-LD 1.1 API §8): node map generation over the expanded
//! document, then Object to RDF and List to RDF conversion into quads.
//!
//! Statements that are not valid RDF (relative or malformed IRIs, blank node predicates without
//! `produceGeneralizedRdf`, malformed language tags or datatypes) are dropped as the algorithm
//! says, or refused with a `safe mode: ...` error when [`Options::safe_mode`] is set: what is
//! not in the RDF is not signed.

use std::borrow::Cow;

use brevet_rdf::{Literal, LiteralRef, Quad, QuadRef, RDF_LANG_STRING, TermRef, XSD_STRING};
use serde_json::Value;

use crate::node_map::{
    Graph, Id, Node, NodeMap, Object, RDF_TYPE, ValueObject, describe, invalid_expanded,
};
use crate::rdf_literal::{
    double_lexical, integer_lexical, is_double, is_well_formed_iri, is_well_formed_language,
};
use crate::{ErrorCode, JsonLdError, Options, Processor, RdfDirection};

// Safe mode error codes, named after the jsonld.js events (`safe: true`) where one exists.
const SAFE_RELATIVE_GRAPH: ErrorCode = ErrorCode("safe mode: relative graph reference");
const SAFE_RELATIVE_SUBJECT: ErrorCode = ErrorCode("safe mode: relative subject reference");
const SAFE_RELATIVE_PROPERTY: ErrorCode = ErrorCode("safe mode: relative property reference");
const SAFE_BLANK_PREDICATE: ErrorCode = ErrorCode("safe mode: blank node predicate");
const SAFE_RELATIVE_TYPE: ErrorCode = ErrorCode("safe mode: relative type reference");
const SAFE_RELATIVE_OBJECT: ErrorCode = ErrorCode("safe mode: relative object reference");
const SAFE_INVALID_DATATYPE: ErrorCode = ErrorCode("safe mode: invalid datatype");
const SAFE_INVALID_LANGUAGE: ErrorCode = ErrorCode::SAFE_INVALID_LANGUAGE;
const SAFE_INVALID_DIRECTION: ErrorCode = ErrorCode("safe mode: invalid direction");
const SAFE_INVALID_LITERAL: ErrorCode = ErrorCode("safe mode: invalid literal");

const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
const RDF_VALUE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value";
const RDF_LANGUAGE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#language";
const RDF_DIRECTION: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#direction";
const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";
const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";
const I18N_BASE: &str = "https://www.w3.org/ns/i18n#";

/// Converts an expanded JSON-LD document to quads (JSON-LD 1.1 API, section 8.1 and 8.2).
///
/// Quads come out graph by graph (default graph first), node by node in the order the document
/// first mentions them; input blank node labels are replaced by `b0`, `b1`, ...
pub(crate) fn expanded_to_rdf(
    expanded: &Value,
    options: &Options,
) -> Result<Vec<Quad>, JsonLdError> {
    expanded_to_rdf_with(expanded, options, |quads| {
        quads.iter().map(QuadRef::to_owned_quad).collect()
    })
}

/// Like [`expanded_to_rdf`], but lends the quads to `visit` as [`QuadRef`]s borrowing from the
/// expanded document, which saves allocating and freeing a string per term.
pub(crate) fn expanded_to_rdf_with<R>(
    expanded: &Value,
    options: &Options,
    visit: impl FnOnce(&[QuadRef<'_>]) -> R,
) -> Result<R, JsonLdError> {
    let node_map = NodeMap::generate(expanded)?;
    let mut writer = RdfWriter {
        options,
        blank_count: node_map.blank_count,
        quads: Vec::with_capacity(node_map.statement_count + node_map.statement_count / 4),
        pending: Vec::new(),
        generated: Vec::new(),
    };
    for graph in &node_map.graphs {
        writer.write_graph(graph)?;
    }
    Ok(writer.with_quad_refs(visit))
}

impl Processor {
    /// Expansion followed by Deserialize JSON-LD to RDF, lending the quads (in document order,
    /// as [`Processor::to_rdf`] returns them) to `visit` instead of returning owned ones: the
    /// fast path to canonicalization.
    pub fn to_rdf_with<R>(
        &self,
        document: &Value,
        options: &Options,
        visit: impl FnOnce(&[QuadRef<'_>]) -> R,
    ) -> Result<R, JsonLdError> {
        let expanded = self.expand(document, options)?;
        expanded_to_rdf_with(&expanded, options, visit)
    }
}

/// A subject, predicate or graph name during conversion: an IRI borrowed from the expanded
/// document (or a constant), or a blank node by number.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum NodeTerm<'a> {
    Iri(&'a str),
    Blank(u32),
}

/// An object during conversion.
#[derive(Clone, Copy, Debug)]
enum ObjectTerm<'a> {
    Node(NodeTerm<'a>),
    Literal(LiteralRef<'a>),
    /// A literal whose lexical form or datatype was made during conversion: its index in
    /// [`RdfWriter::generated`].
    Generated(usize),
}

#[derive(Clone, Copy, Debug)]
struct RawQuad<'a> {
    subject: NodeTerm<'a>,
    predicate: NodeTerm<'a>,
    object: ObjectTerm<'a>,
    graph: Option<NodeTerm<'a>>,
}

struct RdfWriter<'o, 'a> {
    options: &'o Options,
    /// Continues the node map's blank node numbering for list and compound-literal nodes.
    blank_count: u32,
    quads: Vec<RawQuad<'a>>,
    /// Statements an object conversion creates (list cells, compound literals), written after
    /// the statement that refers to them.
    pending: Vec<RawQuad<'a>>,
    /// Literals made during conversion (numbers, JSON literals, directional datatypes).
    generated: Vec<Literal>,
}

/// The labels `b0`, `b1`, ... of the blank nodes, in one string.
struct BlankLabels {
    text: String,
    ends: Vec<usize>,
}

impl BlankLabels {
    fn new(count: u32) -> Self {
        let mut labels = BlankLabels {
            text: String::with_capacity(count as usize * 4),
            ends: Vec::with_capacity(count as usize),
        };
        let mut buffer = [0; 10];
        for number in 0..count {
            labels.text.push('b');
            labels.text.push_str(itoa_u32(number, &mut buffer));
            labels.ends.push(labels.text.len());
        }
        labels
    }

    fn label(&self, number: u32) -> &str {
        let number = number as usize;
        let start = match number {
            0 => 0,
            _ => self.ends.get(number - 1).copied().unwrap_or(0),
        };
        let end = self.ends.get(number).copied().unwrap_or(start);
        &self.text[start..end]
    }
}

/// Formats a number into `buffer` without going through `fmt`.
fn itoa_u32(mut number: u32, buffer: &mut [u8; 10]) -> &str {
    let mut start = buffer.len();
    loop {
        start -= 1;
        buffer[start] = b'0' + (number % 10) as u8;
        number /= 10;
        if number == 0 {
            break;
        }
    }
    std::str::from_utf8(&buffer[start..]).unwrap_or("0")
}

/// The term of a node or graph identifier; `None` when it is neither an absolute IRI nor a
/// blank node.
fn id_term(id: Id<'_>) -> Option<NodeTerm<'_>> {
    match id {
        Id::Blank(number) => Some(NodeTerm::Blank(number)),
        Id::Iri(text) if is_well_formed_iri(text) => Some(NodeTerm::Iri(text)),
        Id::Iri(_) | Id::Null => None,
    }
}

fn has_statements(node: &Node<'_>) -> bool {
    !node.statements.is_empty()
}

impl<'a> RdfWriter<'_, 'a> {
    /// In safe mode, the error for a statement the algorithm would drop; otherwise nothing.
    fn dropped(
        &self,
        code: ErrorCode,
        message: impl FnOnce() -> String,
    ) -> Result<(), JsonLdError> {
        if self.options.safe_mode {
            return Err(JsonLdError {
                code,
                message: message(),
            });
        }
        Ok(())
    }

    fn fresh_blank(&mut self) -> NodeTerm<'a> {
        let term = NodeTerm::Blank(self.blank_count);
        self.blank_count += 1;
        term
    }

    /// Resolves blank node numbers and generated literals, and lends the quads to `visit`.
    fn with_quad_refs<R>(&self, visit: impl FnOnce(&[QuadRef<'_>]) -> R) -> R {
        let labels = BlankLabels::new(self.blank_count);
        let node = |term: NodeTerm<'a>| match term {
            NodeTerm::Iri(iri) => TermRef::Iri(iri),
            NodeTerm::Blank(number) => TermRef::Blank(labels.label(number)),
        };
        let refs: Vec<QuadRef<'_>> = self
            .quads
            .iter()
            .map(|quad| QuadRef {
                subject: node(quad.subject),
                predicate: node(quad.predicate),
                object: match quad.object {
                    ObjectTerm::Node(term) => node(term),
                    ObjectTerm::Literal(literal) => TermRef::Literal(literal),
                    ObjectTerm::Generated(index) => {
                        TermRef::Literal(self.generated[index].as_ref())
                    }
                },
                graph: quad.graph.map(node),
            })
            .collect();
        visit(&refs)
    }

    fn write_graph(&mut self, graph: &Graph<'a>) -> Result<(), JsonLdError> {
        let graph_term = match graph.name {
            None => None,
            Some(name) => match id_term(name) {
                Some(term) => Some(term),
                None => {
                    if graph.nodes.iter().any(has_statements) {
                        self.dropped(SAFE_RELATIVE_GRAPH, || {
                            format!(
                                "graph name {} is not an absolute IRI, so its statements would \
                                 be dropped",
                                describe(name)
                            )
                        })?;
                    }
                    return Ok(());
                }
            },
        };
        for node in &graph.nodes {
            self.write_node(node, graph_term)?;
        }
        Ok(())
    }

    fn write_node(
        &mut self,
        node: &Node<'a>,
        graph: Option<NodeTerm<'a>>,
    ) -> Result<(), JsonLdError> {
        if !has_statements(node) {
            return Ok(());
        }
        let Some(subject) = id_term(node.id) else {
            return self.dropped(SAFE_RELATIVE_SUBJECT, || {
                format!(
                    "@id {} is not an absolute IRI, so the statements about it would be dropped",
                    describe(node.id)
                )
            });
        };
        // Statements of one property usually follow each other: check each predicate once.
        let mut previous: Option<(Id<'a>, NodeTerm<'a>)> = None;
        for (property, object) in &node.statements {
            let predicate = match previous {
                Some((last, predicate)) if last == *property => predicate,
                _ => match self.predicate(*property, node)? {
                    Some(predicate) => predicate,
                    None => continue,
                },
            };
            previous = Some((*property, predicate));
            let is_type = *property == Id::Iri(RDF_TYPE);
            if let Some(object) = self.object_to_rdf(object, is_type, graph)? {
                self.quads.push(RawQuad {
                    subject,
                    predicate,
                    object,
                    graph,
                });
            }
            self.quads.append(&mut self.pending);
        }
        Ok(())
    }

    /// The predicate term of a property; `None` when it is not valid RDF.
    fn predicate(
        &self,
        property: Id<'a>,
        node: &Node<'a>,
    ) -> Result<Option<NodeTerm<'a>>, JsonLdError> {
        Ok(match property {
            Id::Blank(number) if self.options.produce_generalized_rdf => {
                Some(NodeTerm::Blank(number))
            }
            Id::Blank(_) => {
                self.dropped(SAFE_BLANK_PREDICATE, || {
                    format!(
                        "property {} of {} is a blank node, which RDF does not allow as a \
                         predicate",
                        describe(property),
                        describe(node.id)
                    )
                })?;
                None
            }
            Id::Iri(property_iri) if is_well_formed_iri(property_iri) => {
                Some(NodeTerm::Iri(property_iri))
            }
            Id::Iri(_) | Id::Null => {
                self.dropped(SAFE_RELATIVE_PROPERTY, || {
                    format!(
                        "property {} of {} is not an absolute IRI",
                        describe(property),
                        describe(node.id)
                    )
                })?;
                None
            }
        })
    }

    /// Object to RDF Conversion (§8.3); `None` when the object is not valid RDF. `is_type` says
    /// the object is a `@type` value (for error messages).
    fn object_to_rdf(
        &mut self,
        object: &Object<'a>,
        is_type: bool,
        graph: Option<NodeTerm<'a>>,
    ) -> Result<Option<ObjectTerm<'a>>, JsonLdError> {
        match object {
            Object::Node(id) => match id_term(*id) {
                Some(term) => Ok(Some(ObjectTerm::Node(term))),
                None if is_type => {
                    self.dropped(SAFE_RELATIVE_TYPE, || {
                        format!("@type {} is not an absolute IRI", describe(*id))
                    })?;
                    Ok(None)
                }
                None => {
                    self.dropped(SAFE_RELATIVE_OBJECT, || {
                        format!("@id {} is not an absolute IRI", describe(*id))
                    })?;
                    Ok(None)
                }
            },
            Object::List(items) => self
                .list_to_rdf(items, graph)
                .map(|head| Some(ObjectTerm::Node(head))),
            Object::Value(value) => self.value_to_rdf(value, graph),
        }
    }

    /// List to RDF Conversion (§8.4): an RDF collection of fresh blank nodes, or `rdf:nil`.
    fn list_to_rdf(
        &mut self,
        items: &[Object<'a>],
        graph: Option<NodeTerm<'a>>,
    ) -> Result<NodeTerm<'a>, JsonLdError> {
        if items.is_empty() {
            return Ok(NodeTerm::Iri(RDF_NIL));
        }
        let head = self.fresh_blank();
        let mut cell = head;
        for (position, item) in items.iter().enumerate() {
            if let Some(first) = self.object_to_rdf(item, false, graph)? {
                self.pending.push(RawQuad {
                    subject: cell,
                    predicate: NodeTerm::Iri(RDF_FIRST),
                    object: first,
                    graph,
                });
            }
            let rest = if position + 1 == items.len() {
                NodeTerm::Iri(RDF_NIL)
            } else {
                self.fresh_blank()
            };
            self.pending.push(RawQuad {
                subject: cell,
                predicate: NodeTerm::Iri(RDF_REST),
                object: ObjectTerm::Node(rest),
                graph,
            });
            cell = rest;
        }
        Ok(head)
    }

    /// A literal object: borrowed when both its lexical form and datatype are, else generated.
    fn literal(
        &mut self,
        value: Cow<'a, str>,
        datatype: Cow<'a, str>,
        language: Option<&'a str>,
    ) -> ObjectTerm<'a> {
        match (value, datatype) {
            (Cow::Borrowed(value), Cow::Borrowed(datatype)) => ObjectTerm::Literal(LiteralRef {
                value,
                datatype,
                language,
            }),
            (value, datatype) => {
                self.generated.push(Literal {
                    value: value.into_owned(),
                    datatype: datatype.into_owned(),
                    language: language.map(str::to_owned),
                });
                ObjectTerm::Generated(self.generated.len() - 1)
            }
        }
    }

    /// Object to RDF Conversion of a value object: a literal, or with `rdfDirection`
    /// `compound-literal` and a direction, a blank node described by pending statements.
    fn value_to_rdf(
        &mut self,
        value_object: &ValueObject<'a>,
        graph: Option<NodeTerm<'a>>,
    ) -> Result<Option<ObjectTerm<'a>>, JsonLdError> {
        let value = value_object.value;
        let datatype = value_object.datatype;
        let is_json = datatype == Some("@json");
        if let Some(datatype) = datatype
            && !is_json
            && !is_well_formed_iri(datatype)
        {
            self.dropped(SAFE_INVALID_DATATYPE, || {
                format!("{datatype:?}, the datatype of the value {value}, is not an absolute IRI")
            })?;
            return Ok(None);
        }
        let language = value_object.language;
        if let Some(tag) = language
            && !is_well_formed_language(tag)
        {
            self.dropped(SAFE_INVALID_LANGUAGE, || {
                format!(
                    "{tag:?}, the language of the value {value}, is not a well-formed BCP 47 tag"
                )
            })?;
            return Ok(None);
        }

        let (lexical, datatype): (Cow<'a, str>, &'a str) = if is_json {
            let canonical =
                serde_json_canonicalizer::to_string(value).map_err(|error| JsonLdError {
                    code: ErrorCode("invalid JSON literal"),
                    message: format!("cannot canonicalize the JSON literal {value}: {error}"),
                })?;
            (Cow::Owned(canonical), RDF_JSON)
        } else {
            match value {
                Value::Bool(flag) => (
                    Cow::Borrowed(if *flag { "true" } else { "false" }),
                    datatype.unwrap_or(XSD_BOOLEAN),
                ),
                Value::Number(number) if is_double(number) || datatype == Some(XSD_DOUBLE) => (
                    Cow::Owned(double_lexical(number)),
                    datatype.unwrap_or(XSD_DOUBLE),
                ),
                Value::Number(number) => (
                    Cow::Owned(integer_lexical(number)),
                    datatype.unwrap_or(XSD_INTEGER),
                ),
                Value::String(text) => {
                    let default = if language.is_some() {
                        RDF_LANG_STRING
                    } else {
                        XSD_STRING
                    };
                    (Cow::Borrowed(text.as_str()), datatype.unwrap_or(default))
                }
                other => {
                    return Err(invalid_expanded(format!(
                        "@value must be a string, number or boolean unless typed @json, not {other}"
                    )));
                }
            }
        };

        if let (Some(direction), Some(mode)) = (value_object.direction, self.options.rdf_direction)
        {
            let language = language.map(str::to_ascii_lowercase);
            return match mode {
                RdfDirection::I18nDatatype => {
                    let datatype = format!(
                        "{I18N_BASE}{}_{direction}",
                        language.as_deref().unwrap_or("")
                    );
                    if !is_well_formed_iri(&datatype) {
                        self.dropped(SAFE_INVALID_DIRECTION, || {
                            format!(
                                "{direction:?} makes the datatype {datatype:?}, which is not an IRI"
                            )
                        })?;
                        return Ok(None);
                    }
                    Ok(Some(self.literal(lexical, Cow::Owned(datatype), None)))
                }
                RdfDirection::CompoundLiteral => {
                    let node = self.fresh_blank();
                    let mut describe = |predicate: &'a str, object: Cow<'a, str>| {
                        let object = self.literal(object, Cow::Borrowed(XSD_STRING), None);
                        self.pending.push(RawQuad {
                            subject: node,
                            predicate: NodeTerm::Iri(predicate),
                            object,
                            graph,
                        });
                    };
                    describe(RDF_VALUE, lexical);
                    if let Some(language) = language {
                        describe(RDF_LANGUAGE, Cow::Owned(language));
                    }
                    describe(RDF_DIRECTION, Cow::Borrowed(direction));
                    Ok(Some(ObjectTerm::Node(node)))
                }
            };
        }

        if datatype == RDF_LANG_STRING && language.is_none() {
            self.dropped(SAFE_INVALID_LITERAL, || {
                format!("the value {value} is typed rdf:langString but has no language")
            })?;
            return Ok(None);
        }
        let language = if datatype == RDF_LANG_STRING {
            language
        } else {
            None
        };
        Ok(Some(self.literal(
            lexical,
            Cow::Borrowed(datatype),
            language,
        )))
    }
}

#[cfg(test)]
#[path = "to_rdf_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "to_rdf_bench.rs"]
mod bench;
