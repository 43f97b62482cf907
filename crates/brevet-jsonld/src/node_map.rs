//! Node Map Generation (JSON-LD 1.1 API §7.2) over an expanded document.
//!
//! The node map borrows every string and value from the expanded document instead of cloning
//! it; blank node identifiers are relabelled to numbers (`_:b0`, `_:b1`, ... once written) by
//! one issuer shared with the RDF conversion. Graphs, nodes and statements keep the order in
//! which the document first mentions them, so the output is deterministic without sorting.
//!
//! Each node keeps its statements (`@type` values under `rdf:type`, then property values) in one
//! flat vector: credentials have few statements per node, so scanning beats hashing; nodes and
//! graphs that grow large switch to hashed lookups so that big inputs stay linear.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};

use serde_json::{Map, Value};

use crate::value_identity::{hash_json, same_json};
use crate::{ErrorCode, JsonLdError};

/// Deeper nesting than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 512;
/// Nodes with more statements than this detect duplicates with a hash index instead of a scan.
const STATEMENT_SCAN_LIMIT: usize = 24;
/// Graphs with more nodes than this find nodes with a hash map instead of a scan.
const NODE_SCAN_LIMIT: usize = 16;

/// `rdf:type`, the property under which a node's `@type` values are kept.
pub(crate) const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// A node, property or graph identifier: an IRI (possibly relative, checked when written)
/// borrowed from the document, or a blank node issued by the node map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Id<'a> {
    Iri(&'a str),
    Blank(u32),
    /// `"@id": null`, which expansion leaves for an `@id` that looked like a keyword; it never
    /// becomes RDF.
    Null,
}

/// The parts of a value object that matter for RDF (`@index` does not).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ValueObject<'a> {
    pub(crate) value: &'a Value,
    pub(crate) datatype: Option<&'a str>,
    pub(crate) language: Option<&'a str>,
    pub(crate) direction: Option<&'a str>,
}

impl<'a> ValueObject<'a> {
    fn parse(map: &'a Map<String, Value>) -> Result<Self, JsonLdError> {
        let mut parsed = ValueObject {
            value: &Value::Null,
            datatype: None,
            language: None,
            direction: None,
        };
        for (key, entry) in map {
            let slot = match key.as_str() {
                "@value" => {
                    parsed.value = entry;
                    continue;
                }
                "@type" => &mut parsed.datatype,
                "@language" => &mut parsed.language,
                "@direction" => &mut parsed.direction,
                _ => continue,
            };
            let Value::String(text) = entry else {
                return Err(invalid_expanded(format!(
                    "a value object's {key} must be a string, not {entry}"
                )));
            };
            *slot = Some(text);
        }
        Ok(parsed)
    }

    fn same_as(&self, other: &ValueObject<'_>) -> bool {
        self.datatype == other.datatype
            && self.language == other.language
            && self.direction == other.direction
            && same_json(self.value, other.value)
    }
}

/// One value of a property in the node map.
#[derive(Debug)]
pub(crate) enum Object<'a> {
    Value(ValueObject<'a>),
    /// A reference to a node (or, under `rdf:type`, a type).
    Node(Id<'a>),
    /// A list object with its items; lists are never merged.
    List(Vec<Object<'a>>),
}

impl Object<'_> {
    /// The JSON-LD equality the node map uses to avoid duplicate values.
    fn same_as(&self, other: &Object<'_>) -> bool {
        match (self, other) {
            (Object::Value(a), Object::Value(b)) => a.same_as(b),
            (Object::Node(a), Object::Node(b)) => a == b,
            _ => false,
        }
    }
}

fn statement_hash(property: Id<'_>, object: &Object<'_>, state: &RandomState) -> u64 {
    let mut hasher = state.build_hasher();
    property.hash(&mut hasher);
    match object {
        Object::Node(id) => {
            hasher.write_u8(0);
            id.hash(&mut hasher);
        }
        Object::Value(value) => {
            hasher.write_u8(1);
            value.datatype.hash(&mut hasher);
            value.language.hash(&mut hasher);
            value.direction.hash(&mut hasher);
            hash_json(value.value, state, &mut hasher);
        }
        // Lists are never looked up.
        Object::List(_) => hasher.write_u8(2),
    }
    hasher.finish()
}

#[derive(Debug)]
pub(crate) struct Node<'a> {
    pub(crate) id: Id<'a>,
    /// `(property, value)` in first-seen order; `@type` values are under [`RDF_TYPE`].
    pub(crate) statements: Vec<(Id<'a>, Object<'a>)>,
    index: Option<&'a Value>,
    /// For large nodes: statement hash to the positions holding statements with that hash.
    index_of_statements: Option<HashMap<u64, Vec<usize>>>,
}

impl<'a> Node<'a> {
    fn new(id: Id<'a>) -> Self {
        Node {
            id,
            statements: Vec::new(),
            index: None,
            index_of_statements: None,
        }
    }

    /// Adds a statement unless an equal one is there already; true when added.
    fn add_unique(&mut self, property: Id<'a>, object: Object<'a>, state: &RandomState) -> bool {
        let Node {
            statements,
            index_of_statements,
            ..
        } = self;
        if let Some(index) = index_of_statements {
            let hash = statement_hash(property, &object, state);
            let positions = index.entry(hash).or_default();
            let duplicate = positions.iter().any(|&position| {
                let (existing_property, existing) = &statements[position];
                *existing_property == property && existing.same_as(&object)
            });
            if duplicate {
                return false;
            }
            positions.push(statements.len());
            statements.push((property, object));
            return true;
        }
        let duplicate = statements.iter().any(|(existing_property, existing)| {
            *existing_property == property && existing.same_as(&object)
        });
        if duplicate {
            return false;
        }
        statements.push((property, object));
        if statements.len() > STATEMENT_SCAN_LIMIT {
            let mut index: HashMap<u64, Vec<usize>> = HashMap::new();
            for (position, (property, object)) in statements.iter().enumerate() {
                if !matches!(object, Object::List(_)) {
                    index
                        .entry(statement_hash(*property, object, state))
                        .or_default()
                        .push(position);
                }
            }
            *index_of_statements = Some(index);
        }
        true
    }
}

#[derive(Debug)]
pub(crate) struct Graph<'a> {
    /// `None` for the default graph.
    pub(crate) name: Option<Id<'a>>,
    pub(crate) nodes: Vec<Node<'a>>,
    lookup: Option<HashMap<Id<'a>, usize>>,
}

impl<'a> Graph<'a> {
    fn new(name: Option<Id<'a>>) -> Self {
        Graph {
            name,
            nodes: Vec::new(),
            lookup: None,
        }
    }

    /// The node with this identifier, created if new. `fresh` says the identifier was just
    /// issued, so no node can have it yet.
    fn node_index(&mut self, id: Id<'a>, fresh: bool) -> usize {
        let found = match &self.lookup {
            _ if fresh => None,
            Some(lookup) => lookup.get(&id).copied(),
            None => self.nodes.iter().position(|node| node.id == id),
        };
        if let Some(position) = found {
            return position;
        }
        let position = self.nodes.len();
        self.nodes.push(Node::new(id));
        match &mut self.lookup {
            Some(lookup) => {
                lookup.insert(id, position);
            }
            None if self.nodes.len() > NODE_SCAN_LIMIT => {
                let lookup = self
                    .nodes
                    .iter()
                    .enumerate()
                    .map(|(position, node)| (node.id, position));
                self.lookup = Some(lookup.collect());
            }
            None => {}
        }
        position
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

/// What kind of object an expanded map is.
enum Kind<'a> {
    Value,
    List(&'a Value),
    Node,
}

fn kind_of(map: &Map<String, Value>) -> Kind<'_> {
    for (key, value) in map {
        match key.as_str() {
            "@value" => return Kind::Value,
            "@list" => return Kind::List(value),
            _ => {}
        }
    }
    Kind::Node
}

/// The node map of one expanded document (default graph first, then named graphs).
#[derive(Debug)]
pub(crate) struct NodeMap<'a> {
    pub(crate) graphs: Vec<Graph<'a>>,
    graph_lookup: HashMap<Id<'a>, usize>,
    blank_labels: HashMap<&'a str, u32>,
    /// Blank node identifiers issued so far; RDF conversion continues the count.
    pub(crate) blank_count: u32,
    /// Statements kept (types and property values), to size the quad vector.
    pub(crate) statement_count: usize,
    hash_state: RandomState,
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
            hash_state: RandomState::new(),
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

    fn add_statement(&mut self, graph: usize, node: usize, property: Id<'a>, object: Object<'a>) {
        let added = self.graphs[graph].nodes[node].add_unique(property, object, &self.hash_state);
        self.statement_count += usize::from(added);
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
            return Err(invalid_expanded(format!(
                "the document nests deeper than {MAX_DEPTH} levels"
            )));
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
        match kind_of(map) {
            Kind::Value => {
                let value = Object::Value(ValueObject::parse(map)?);
                self.attach(value, graph, subject, property, list, "a value object")
            }
            Kind::List(items) => {
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
            }
            Kind::Node => self.add_node(map, graph, subject, property, list, depth),
        }
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
                if matches!(object, Object::List(_)) {
                    // Lists are never merged: each is its own RDF collection.
                    self.graphs[graph].nodes[node]
                        .statements
                        .push((property, object));
                    self.statement_count += 1;
                } else {
                    self.add_statement(graph, node, property, object);
                }
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
        let (mut id_value, mut types, mut index, mut reverse, mut contents, mut included) =
            (None, None, None, None, None, None);
        let mut expected_statements = 0;
        for (key, value) in map {
            match key.as_str() {
                "@id" => id_value = Some(value),
                "@type" => types = Some(value),
                "@index" => index = Some(value),
                "@reverse" => reverse = Some(value),
                "@graph" => contents = Some(value),
                "@included" => included = Some(value),
                key if !key.starts_with('@') => expected_statements += 1,
                _ => {}
            }
        }
        if let Some(Value::Array(types)) = types {
            expected_statements += types.len();
        }
        let (id, fresh) = match id_value {
            Some(Value::String(id)) => (self.identify(id), false),
            Some(Value::Null) => (Id::Null, false),
            Some(other) => {
                return Err(invalid_expanded(format!(
                    "@id must be a string, not {other}"
                )));
            }
            None => (self.fresh_blank(), true),
        };
        let node = self.graphs[graph].node_index(id, fresh);
        self.graphs[graph].nodes[node]
            .statements
            .reserve(expected_statements);

        match (subject, property) {
            (Subject::Reverse(reverse_subject), Some(property)) => {
                self.add_statement(graph, node, property, Object::Node(reverse_subject));
            }
            (_, Some(property)) => {
                if let Some(list) = list {
                    list.push(Object::Node(id));
                } else if let Subject::Node(subject_node) = subject {
                    self.add_statement(graph, subject_node, property, Object::Node(id));
                }
            }
            _ => {}
        }

        if let Some(types) = types {
            match types {
                Value::Array(types) => {
                    for value in types {
                        self.add_type(value, graph, node)?;
                    }
                }
                single => self.add_type(single, graph, node)?,
            }
        }
        if let Some(index) = index {
            let slot = &mut self.graphs[graph].nodes[node].index;
            match slot {
                Some(existing) if !same_json(existing, index) => {
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
        if let Some(reverse) = reverse {
            let Value::Object(reverse) = reverse else {
                return Err(invalid_expanded(format!(
                    "@reverse must be a map, not {reverse}"
                )));
            };
            for (reverse_property, values) in reverse {
                let reverse_property = self.identify(reverse_property);
                let subject = Subject::Reverse(id);
                self.visit(
                    values,
                    graph,
                    subject,
                    Some(reverse_property),
                    None,
                    depth + 1,
                )?;
            }
        }
        if let Some(contents) = contents {
            let named = self.graph_index(id);
            self.visit(contents, named, Subject::None, None, None, depth + 1)?;
        }
        if let Some(included) = included {
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

    fn add_type(&mut self, value: &'a Value, graph: usize, node: usize) -> Result<(), JsonLdError> {
        let Value::String(text) = value else {
            return Err(invalid_expanded(format!(
                "a node's @type must hold strings, not {value}"
            )));
        };
        let type_id = self.identify(text);
        self.add_statement(graph, node, Id::Iri(RDF_TYPE), Object::Node(type_id));
        Ok(())
    }
}

/// A readable name for an identifier in messages.
pub(crate) fn describe(id: Id<'_>) -> String {
    match id {
        Id::Iri(iri) => format!("<{iri}>"),
        Id::Blank(number) => format!("_:b{number}"),
        Id::Null => "null".to_owned(),
    }
}

#[cfg(test)]
mod tests;
