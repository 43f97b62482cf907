//! Deserialize JSON-LD to RDF (JSON-LD 1.1 API §8): node map generation over the expanded
//! document, then Object to RDF and List to RDF conversion into quads.
//!
//! Statements that are not valid RDF (relative or malformed IRIs, blank node predicates without
//! `produceGeneralizedRdf`, malformed language tags or datatypes) are dropped as the algorithm
//! says, or refused with a `safe mode: ...` error when [`Options::safe_mode`] is set: what is
//! not in the RDF is not signed.

use brevet_rdf::{Literal, Quad, RDF_LANG_STRING, Term, XSD_STRING};
use serde_json::Value;

use crate::node_map::{
    Graph, Id, Node, NodeMap, Object, RDF_TYPE, ValueObject, describe, invalid_expanded,
};
use crate::rdf_literal::{
    double_lexical, integer_lexical, is_double, is_well_formed_iri, is_well_formed_language,
};
use crate::{ErrorCode, JsonLdError, Options, RdfDirection};

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
    let node_map = NodeMap::generate(expanded)?;
    let mut writer = RdfWriter {
        options,
        blank_count: node_map.blank_count,
        quads: Vec::with_capacity(node_map.statement_count + node_map.statement_count / 4),
        pending: Vec::new(),
    };
    for graph in &node_map.graphs {
        writer.write_graph(graph)?;
    }
    Ok(writer.quads)
}

struct RdfWriter<'o> {
    options: &'o Options,
    /// Continues the node map's blank node numbering for list and compound-literal nodes.
    blank_count: u32,
    quads: Vec<Quad>,
    /// Statements an object conversion creates (list cells, compound literals), written after
    /// the statement that refers to them.
    pending: Vec<Quad>,
}

fn iri(text: &str) -> Term {
    Term::Iri(text.to_owned())
}

fn blank(number: u32) -> Term {
    let mut label = String::with_capacity(6);
    label.push('b');
    label.push_str(itoa_u32(number, &mut [0; 10]));
    Term::Blank(label)
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
fn id_term(id: Id<'_>) -> Option<Term> {
    match id {
        Id::Blank(number) => Some(blank(number)),
        Id::Iri(text) if is_well_formed_iri(text) => Some(iri(text)),
        Id::Iri(_) | Id::Null => None,
    }
}

fn string_literal(value: String) -> Term {
    Term::Literal(Literal {
        value,
        datatype: XSD_STRING.to_owned(),
        language: None,
    })
}

fn has_statements(node: &Node<'_>) -> bool {
    !node.statements.is_empty()
}

impl RdfWriter<'_> {
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

    fn fresh_blank(&mut self) -> Term {
        let term = blank(self.blank_count);
        self.blank_count += 1;
        term
    }

    fn write_graph(&mut self, graph: &Graph<'_>) -> Result<(), JsonLdError> {
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
            self.write_node(node, &graph_term)?;
        }
        Ok(())
    }

    fn write_node(&mut self, node: &Node<'_>, graph: &Option<Term>) -> Result<(), JsonLdError> {
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
        // Terms are cloned from quads already written rather than kept aside, which saves an
        // allocation per node and per property: `subject_at` is the first quad of this node,
        // `previous` the last quad written for the current property (statements of one property
        // usually follow each other).
        let mut subject = Some(subject);
        let mut subject_at = 0;
        let mut previous: Option<(Id<'_>, usize)> = None;
        for (property, object) in &node.statements {
            let predicate = match previous {
                Some((last, at)) if last == *property => self.quads[at].predicate.clone(),
                _ => match self.predicate(*property, node)? {
                    Some(predicate) => predicate,
                    None => continue,
                },
            };
            let is_type = *property == Id::Iri(RDF_TYPE);
            if let Some(object) = self.object_to_rdf(object, is_type, graph)? {
                let at = self.quads.len();
                let subject = match subject.take() {
                    Some(subject) => {
                        subject_at = at;
                        subject
                    }
                    None => self.quads[subject_at].subject.clone(),
                };
                self.quads.push(Quad {
                    subject,
                    predicate,
                    object,
                    graph: graph.clone(),
                });
                previous = Some((*property, at));
            }
            self.quads.append(&mut self.pending);
        }
        Ok(())
    }

    /// The predicate term of a property; `None` when it is not valid RDF.
    fn predicate(&self, property: Id<'_>, node: &Node<'_>) -> Result<Option<Term>, JsonLdError> {
        Ok(match property {
            Id::Blank(number) if self.options.produce_generalized_rdf => Some(blank(number)),
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
            Id::Iri(property_iri) if is_well_formed_iri(property_iri) => Some(iri(property_iri)),
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
        object: &Object<'_>,
        is_type: bool,
        graph: &Option<Term>,
    ) -> Result<Option<Term>, JsonLdError> {
        match object {
            Object::Node(id) => match id_term(*id) {
                Some(term) => Ok(Some(term)),
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
            Object::List(items) => self.list_to_rdf(items, graph).map(Some),
            Object::Value(value) => self.value_to_rdf(value, graph),
        }
    }

    /// List to RDF Conversion (§8.4): an RDF collection of fresh blank nodes, or `rdf:nil`.
    fn list_to_rdf(
        &mut self,
        items: &[Object<'_>],
        graph: &Option<Term>,
    ) -> Result<Term, JsonLdError> {
        if items.is_empty() {
            return Ok(iri(RDF_NIL));
        }
        let head = self.fresh_blank();
        let mut cell = head.clone();
        for (position, item) in items.iter().enumerate() {
            if let Some(first) = self.object_to_rdf(item, false, graph)? {
                self.pending.push(Quad {
                    subject: cell.clone(),
                    predicate: iri(RDF_FIRST),
                    object: first,
                    graph: graph.clone(),
                });
            }
            let rest = if position + 1 == items.len() {
                iri(RDF_NIL)
            } else {
                self.fresh_blank()
            };
            self.pending.push(Quad {
                subject: cell,
                predicate: iri(RDF_REST),
                object: rest.clone(),
                graph: graph.clone(),
            });
            cell = rest;
        }
        Ok(head)
    }

    /// Object to RDF Conversion of a value object: a literal, or with `rdfDirection`
    /// `compound-literal` and a direction, a blank node described by pending statements.
    fn value_to_rdf(
        &mut self,
        value_object: &ValueObject<'_>,
        graph: &Option<Term>,
    ) -> Result<Option<Term>, JsonLdError> {
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

        let (lexical, datatype) = if is_json {
            let canonical =
                serde_json_canonicalizer::to_string(value).map_err(|error| JsonLdError {
                    code: ErrorCode("invalid JSON literal"),
                    message: format!("cannot canonicalize the JSON literal {value}: {error}"),
                })?;
            (canonical, RDF_JSON)
        } else {
            match value {
                Value::Bool(flag) => (flag.to_string(), datatype.unwrap_or(XSD_BOOLEAN)),
                Value::Number(number) if is_double(number) || datatype == Some(XSD_DOUBLE) => {
                    (double_lexical(number), datatype.unwrap_or(XSD_DOUBLE))
                }
                Value::Number(number) => (integer_lexical(number), datatype.unwrap_or(XSD_INTEGER)),
                Value::String(text) => {
                    let default = if language.is_some() {
                        RDF_LANG_STRING
                    } else {
                        XSD_STRING
                    };
                    (text.clone(), datatype.unwrap_or(default))
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
                    Ok(Some(Term::Literal(Literal {
                        value: lexical,
                        datatype,
                        language: None,
                    })))
                }
                RdfDirection::CompoundLiteral => {
                    let node = self.fresh_blank();
                    let mut describe = |predicate: &str, object: String| {
                        self.pending.push(Quad {
                            subject: node.clone(),
                            predicate: iri(predicate),
                            object: string_literal(object),
                            graph: graph.clone(),
                        });
                    };
                    describe(RDF_VALUE, lexical);
                    if let Some(language) = language {
                        describe(RDF_LANGUAGE, language);
                    }
                    describe(RDF_DIRECTION, direction.to_owned());
                    Ok(Some(node))
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
            language.map(str::to_owned)
        } else {
            None
        };
        Ok(Some(Term::Literal(Literal {
            value: lexical,
            datatype: datatype.to_owned(),
            language,
        })))
    }
}

#[cfg(test)]
#[path = "to_rdf_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "to_rdf_bench.rs"]
mod bench;
