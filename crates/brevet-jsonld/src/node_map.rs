//! Node Map Generation (JSON-LD 1.1 API §7.2) over an expanded document.
//!
//! The node map borrows every string and value object from the expanded document instead of
//! cloning it; blank node identifiers are relabelled to numbers (`_:b0`, `_:b1`, ... once written)
//! by one issuer shared with the RDF conversion. Graphs, nodes and properties keep the order in
//! which the document first mentions them, so the output is deterministic without sorting.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::{ErrorCode, JsonLdError};

/// Deeper nesting than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 512;

/// A node, property or graph identifier: an IRI (possibly relative, checked when written) borrowed
/// from the document, or a blank node issued by the node map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Id<'a> {
    Iri(&'a str),
    Blank(u32),
}

/// One value of a property in the node map.
#[derive(Debug)]
pub(crate) enum Object<'a> {
    /// A value object, borrowed as is.
    Value(&'a Map<String, Value>),
    /// A reference to a node.
    Node(Id<'a>),
    /// A list object with its items.
    List(Vec<Object<'a>>),
}

impl Object<'_> {
    /// The JSON-LD equality the node map uses to avoid duplicate values.
    fn same_as(&self, other: &Object<'_>) -> bool {
        match (self, other) {
            (Object::Value(a), Object::Value(b)) => std::ptr::eq(*a, *b) || same_maps(a, b),
            (Object::Node(a), Object::Node(b)) => a == b,
            _ => false,
        }
    }
}

/// JSON equality where numbers compare by value, as in JSON itself (`5` equals `5.0`).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            match (x.as_u64(), y.as_u64(), x.as_i64(), y.as_i64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => same_maps(x, y),
        _ => a == b,
    }
}

fn same_maps(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(key, x)| b.get(key).is_some_and(|y| same_json(x, y)))
}

#[derive(Debug)]
pub(crate) struct Node<'a> {
    pub(crate) id: Id<'a>,
    pub(crate) types: Vec<Id<'a>>,
    /// Properties in first-seen order; few per node, so a vector beats a map.
    pub(crate) properties: Vec<(Id<'a>, Vec<Object<'a>>)>,
    index: Option<&'a Value>,
}

impl<'a> Node<'a> {
    fn new(id: Id<'a>) -> Self {
        Node {
            id,
            types: Vec::new(),
            properties: Vec::new(),
            index: None,
        }
    }

    fn values_mut(&mut self, property: Id<'a>) -> &mut Vec<Object<'a>> {
        let position = match self.properties.iter().position(|(p, _)| *p == property) {
            Some(position) => position,
            None => {
                self.properties.push((property, Vec::new()));
                self.properties.len() - 1
            }
        };
        &mut self.properties[position].1
    }

    /// Adds `object` to `property` unless an equal value is already there; true when added.
    fn add_unique(&mut self, property: Id<'a>, object: Object<'a>) -> bool {
        let values = self.values_mut(property);
        if values.iter().any(|existing| existing.same_as(&object)) {
            return false;
        }
        values.push(object);
        true
    }
}

#[derive(Debug)]
pub(crate) struct Graph<'a> {
    /// `None` for the default graph.
    pub(crate) name: Option<Id<'a>>,
    pub(crate) nodes: Vec<Node<'a>>,
    lookup: HashMap<Id<'a>, usize>,
}

impl<'a> Graph<'a> {
    fn new(name: Option<Id<'a>>) -> Self {
        Graph {
            name,
            nodes: Vec::new(),
            lookup: HashMap::new(),
        }
    }

    fn node_index(&mut self, id: Id<'a>) -> usize {
        let nodes = &mut self.nodes;
        *self.lookup.entry(id).or_insert_with(|| {
            nodes.push(Node::new(id));
            nodes.len() - 1
        })
    }
}

/// The subject a value is attached to while walking the document.
#[derive(Clone, Copy)]
enum Subject<'a> {
    /// Top level, or inside `@graph` / `@included`: values here are free-floating.
    None,
    /// The node at this index of the active graph.
    Node(usize),
    /// A reverse property: the value (a node) gets this node as the property's value.
    Reverse(Id<'a>),
}

/// The node map of one expanded document (default graph first, then named graphs).
#[derive(Debug)]
pub(crate) struct NodeMap<'a> {
    pub(crate) graphs: Vec<Graph<'a>>,
    graph_lookup: HashMap<Id<'a>, usize>,
    blank_labels: HashMap<&'a str, u32>,
    /// Blank node identifiers issued so far; RDF conversion continues the count.
    pub(crate) blank_count: u32,
    /// Statements seen (types and property values), to size the quad vector.
    pub(crate) statement_count: usize,
}

pub(crate) fn invalid_expanded(message: String) -> JsonLdError {
    JsonLdError {
        code: ErrorCode("invalid expanded document"),
        message,
    }
}

impl<'a> NodeMap<'a> {
    /// Runs Node Map Generation over an expanded document.
    pub(crate) fn generate(expanded: &'a Value) -> Result<Self, JsonLdError> {
        let mut map = NodeMap {
            graphs: vec![Graph::new(None)],
            graph_lookup: HashMap::new(),
            blank_labels: HashMap::new(),
            blank_count: 0,
            statement_count: 0,
        };
        map.visit(expanded, 0, Subject::None, None, None, 0)?;
        Ok(map)
    }

    fn fresh_blank(&mut self) -> Id<'a> {
        let id = Id::Blank(self.blank_count);
        self.blank_count += 1;
        id
    }

    /// The identifier for an `@id`, `@type` entry or property: blank node labels of the input
    /// are replaced by issued ones, consistently.
    fn identify(&mut self, text: &'a str) -> Id<'a> {
        if !text.starts_with("_:") {
            return Id::Iri(text);
        }
        let next = self.blank_count;
        let number = *self.blank_labels.entry(text).or_insert(next);
        if number == next {
            self.blank_count += 1;
        }
        Id::Blank(number)
    }

    fn graph_index(&mut self, name: Id<'a>) -> usize {
        let graphs = &mut self.graphs;
        *self.graph_lookup.entry(name).or_insert_with(|| {
            graphs.push(Graph::new(Some(name)));
            graphs.len() - 1
        })
    }

    fn visit(
        &mut self,
        element: &'a Value,
        graph: usize,
        subject: Subject<'a>,
        property: Option<Id<'a>>,
        mut list: Option<&mut Vec<Object<'a>>>,
        depth: usize,
    ) -> Result<(), JsonLdError> {
        if depth > MAX_DEPTH {
            return Err(JsonLdError {
                code: ErrorCode("invalid expanded document"),
                message: format!("the document nests deeper than {MAX_DEPTH} levels"),
            });
        }
        let map = match element {
            Value::Array(items) => {
                for item in items {
                    self.visit(
                        item,
                        graph,
                        subject,
                        property,
                        list.as_deref_mut(),
                        depth + 1,
                    )?;
                }
                return Ok(());
            }
            Value::Object(map) => map,
            // Free-floating scalars are dropped by expansion; nothing to attach them to.
            _ => return Ok(()),
        };
        if map.contains_key("@value") {
            self.add_value(map, graph, subject, property, list)
        } else if let Some(items) = map.get("@list") {
            let mut result = Vec::new();
            self.visit(
                items,
                graph,
                subject,
                property,
                Some(&mut result),
                depth + 1,
            )?;
            self.attach(
                Object::List(result),
                graph,
                subject,
                property,
                list,
                "a list",
            )
        } else {
            self.add_node(map, graph, subject, property, list, depth)
        }
    }

    /// Step 4: a value object.
    fn add_value(
        &mut self,
        map: &'a Map<String, Value>,
        graph: usize,
        subject: Subject<'a>,
        property: Option<Id<'a>>,
        list: Option<&mut Vec<Object<'a>>>,
    ) -> Result<(), JsonLdError> {
        self.attach(
            Object::Value(map),
            graph,
            subject,
            property,
            list,
            "a value object",
        )
    }

    /// Appends a value or list object to the list being built, or to the subject's property.
    fn attach(
        &mut self,
        object: Object<'a>,
        graph: usize,
        subject: Subject<'a>,
        property: Option<Id<'a>>,
        list: Option<&mut Vec<Object<'a>>>,
        what: &str,
    ) -> Result<(), JsonLdError> {
        if let Some(list) = list {
            list.push(object);
            return Ok(());
        }
        match (subject, property) {
            (Subject::Node(node), Some(property)) => {
                let node = &mut self.graphs[graph].nodes[node];
                let added = match object {
                    // Lists are never merged: each is its own RDF collection.
                    Object::List(_) => {
                        node.values_mut(property).push(object);
                        true
                    }
                    _ => node.add_unique(property, object),
                };
                self.statement_count += usize::from(added);
                Ok(())
            }
            (Subject::Reverse(_), _) => Err(invalid_expanded(format!(
                "a reverse property has {what} as value; only node objects may be"
            ))),
            // Free-floating values (top level, directly in @graph) carry no statement.
            _ => Ok(()),
        }
    }

    /// Step 6: a node object.
    fn add_node(
        &mut self,
        map: &'a Map<String, Value>,
        graph: usize,
        subject: Subject<'a>,
        property: Option<Id<'a>>,
        list: Option<&mut Vec<Object<'a>>>,
        depth: usize,
    ) -> Result<(), JsonLdError> {
        let id = match map.get("@id") {
            Some(Value::String(id)) => self.identify(id),
            Some(other) => {
                return Err(invalid_expanded(format!(
                    "@id must be a string, not {other}"
                )));
            }
            None => self.fresh_blank(),
        };
        let node = self.graphs[graph].node_index(id);

        match (subject, property) {
            (Subject::Reverse(reverse_subject), Some(property)) => {
                let added = self.graphs[graph].nodes[node]
                    .add_unique(property, Object::Node(reverse_subject));
                self.statement_count += usize::from(added);
            }
            (_, Some(property)) => {
                if let Some(list) = list {
                    list.push(Object::Node(id));
                } else if let Subject::Node(subject_node) = subject {
                    let added = self.graphs[graph].nodes[subject_node]
                        .add_unique(property, Object::Node(id));
                    self.statement_count += usize::from(added);
                }
            }
            _ => {}
        }

        if let Some(types) = map.get("@type") {
            self.add_types(types, graph, node)?;
        }
        if let Some(index) = map.get("@index") {
            let slot = &mut self.graphs[graph].nodes[node].index;
            match slot {
                Some(existing) if *existing != index => {
                    return Err(JsonLdError {
                        code: ErrorCode("conflicting indexes"),
                        message: format!(
                            "node {} has two @index values, {existing} and {index}",
                            describe(id)
                        ),
                    });
                }
                _ => *slot = Some(index),
            }
        }
        if let Some(reverse) = map.get("@reverse") {
            let Value::Object(reverse) = reverse else {
                return Err(invalid_expanded(format!(
                    "@reverse must be a map, not {reverse}"
                )));
            };
            for (reverse_property, values) in reverse {
                let reverse_property = self.identify(reverse_property);
                self.visit(
                    values,
                    graph,
                    Subject::Reverse(id),
                    Some(reverse_property),
                    None,
                    depth + 1,
                )?;
            }
        }
        if let Some(contents) = map.get("@graph") {
            let named = self.graph_index(id);
            self.visit(contents, named, Subject::None, None, None, depth + 1)?;
        }
        if let Some(included) = map.get("@included") {
            self.visit(included, graph, Subject::None, None, None, depth + 1)?;
        }
        for (key, values) in map {
            if key.starts_with('@') {
                continue;
            }
            let property = self.identify(key);
            self.visit(
                values,
                graph,
                Subject::Node(node),
                Some(property),
                None,
                depth + 1,
            )?;
        }
        Ok(())
    }

    fn add_types(
        &mut self,
        types: &'a Value,
        graph: usize,
        node: usize,
    ) -> Result<(), JsonLdError> {
        match types {
            Value::Array(types) => types
                .iter()
                .try_for_each(|value| self.add_type(value, graph, node)),
            single => self.add_type(single, graph, node),
        }
    }

    fn add_type(&mut self, value: &'a Value, graph: usize, node: usize) -> Result<(), JsonLdError> {
        let Value::String(text) = value else {
            return Err(invalid_expanded(format!(
                "a node's @type must hold strings, not {value}"
            )));
        };
        let type_id = self.identify(text);
        let types = &mut self.graphs[graph].nodes[node].types;
        if !types.contains(&type_id) {
            types.push(type_id);
            self.statement_count += 1;
        }
        Ok(())
    }
}

/// A readable name for an identifier in messages.
pub(crate) fn describe(id: Id<'_>) -> String {
    match id {
        Id::Iri(iri) => format!("<{iri}>"),
        Id::Blank(number) => format!("_:b{number}"),
    }
}
