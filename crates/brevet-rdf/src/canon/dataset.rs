//! The input dataset indexed for canonicalization: blank nodes numbered in order of first
//! appearance, each quad pre-serialized once as a template with holes for blank node labels, and
//! for each blank node the quads that mention it.

use std::collections::HashMap;

use super::CanonError;
use crate::nquads::{push_iri, push_literal};
use crate::{AsQuadRef, QuadRef, TermRef};

/// Where a blank node sits in a quad, as the Hash Related Blank Node algorithm names it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Position {
    Subject,
    Object,
    Graph,
}

impl Position {
    pub(super) fn as_byte(self) -> u8 {
        match self {
            Position::Subject => b's',
            Position::Object => b'o',
            Position::Graph => b'g',
        }
    }
}

/// A hole in a template: the label of `bnode` goes at byte offset `at` (after its `_:`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Slot {
    pub(super) at: u32,
    pub(super) bnode: u32,
    pub(super) position: Position,
}

/// One quad's canonical N-Quads line (with its `\n`) minus the blank node labels.
#[derive(Clone, Copy, Debug)]
struct Template {
    start: u32,
    end: u32,
    slots: [Slot; 3],
    slot_count: u8,
}

const EMPTY_SLOT: Slot = Slot {
    at: 0,
    bnode: 0,
    position: Position::Subject,
};

/// Above this many blank nodes, labels are looked up in a hash map instead of a linear scan.
const LINEAR_LOOKUP_MAX: usize = 24;

pub(super) struct Dataset<'q> {
    /// Input label of each blank node, in order of first appearance (subject, object, graph).
    labels: Vec<&'q str>,
    lookup: HashMap<&'q str, u32>,
    /// Predicate IRI of each quad.
    predicates: Vec<&'q str>,
    text: String,
    templates: Vec<Template>,
    /// Quads of blank node `b`: `bnode_quads[bnode_offsets[b]..bnode_offsets[b + 1]]`, in input order,
    /// each quad once even if the blank node appears twice in it.
    bnode_offsets: Vec<u32>,
    bnode_quads: Vec<u32>,
}

impl<'q> Dataset<'q> {
    pub(super) fn new<Q: AsQuadRef>(quads: &'q [Q]) -> Result<Self, CanonError> {
        if quads.len() >= u32::MAX as usize {
            return Err(CanonError::TooLarge("too many quads"));
        }
        let mut dataset = Dataset {
            labels: Vec::with_capacity(16),
            lookup: HashMap::new(),
            predicates: Vec::with_capacity(quads.len()),
            text: String::with_capacity(quads.len() * 112),
            templates: Vec::with_capacity(quads.len()),
            bnode_offsets: Vec::new(),
            bnode_quads: Vec::new(),
        };
        for quad in quads {
            dataset.add_quad(quad.as_quad_ref())?;
        }
        if dataset.text.len() >= u32::MAX as usize {
            return Err(CanonError::TooLarge("serialized dataset exceeds 4 GiB"));
        }
        dataset.index_quads_by_bnode();
        Ok(dataset)
    }

    pub(super) fn bnode_count(&self) -> usize {
        self.labels.len()
    }

    /// Length of all templates together (about the output's length).
    pub(super) fn text_len(&self) -> usize {
        self.text.len()
    }

    pub(super) fn quad_count(&self) -> usize {
        self.templates.len()
    }

    pub(super) fn label(&self, bnode: u32) -> &'q str {
        self.labels[bnode as usize]
    }

    pub(super) fn predicate(&self, quad: u32) -> &'q str {
        self.predicates[quad as usize]
    }

    pub(super) fn quads_of(&self, bnode: u32) -> &[u32] {
        let bnode = bnode as usize;
        &self.bnode_quads
            [self.bnode_offsets[bnode] as usize..self.bnode_offsets[bnode + 1] as usize]
    }

    pub(super) fn slots(&self, quad: u32) -> &[Slot] {
        let template = &self.templates[quad as usize];
        &template.slots[..usize::from(template.slot_count)]
    }

    /// The finished line of a quad without blank nodes.
    pub(super) fn ground_line(&self, quad: u32) -> Option<&str> {
        let template = &self.templates[quad as usize];
        (template.slot_count == 0)
            .then(|| &self.text[template.start as usize..template.end as usize])
    }

    /// Appends the line of `quad`, asking `label` to write each blank node's label after its `_:`.
    pub(super) fn write_line(
        &self,
        quad: u32,
        out: &mut String,
        mut label: impl FnMut(u32, &mut String),
    ) {
        let template = &self.templates[quad as usize];
        let text = &self.text[template.start as usize..template.end as usize];
        let mut from = 0;
        for slot in &template.slots[..usize::from(template.slot_count)] {
            let at = slot.at as usize;
            out.push_str(&text[from..at]);
            label(slot.bnode, out);
            from = at;
        }
        out.push_str(&text[from..]);
    }

    fn add_quad(&mut self, quad: QuadRef<'q>) -> Result<(), CanonError> {
        let start = self.text.len();
        let mut template = Template {
            start: start as u32,
            end: 0,
            slots: [EMPTY_SLOT; 3],
            slot_count: 0,
        };
        match quad.subject {
            TermRef::Literal(_) => {
                return Err(CanonError::InvalidQuad("a literal cannot be a subject"));
            }
            term => self.add_term(term, Position::Subject, start, &mut template)?,
        }
        self.text.push(' ');
        match quad.predicate {
            TermRef::Iri(iri) => {
                push_iri(&mut self.text, iri);
                self.predicates.push(iri);
            }
            TermRef::Blank(_) => {
                return Err(CanonError::InvalidQuad(
                    "a blank node cannot be a predicate",
                ));
            }
            TermRef::Literal(_) => {
                return Err(CanonError::InvalidQuad("a literal cannot be a predicate"));
            }
        }
        self.text.push(' ');
        self.add_term(quad.object, Position::Object, start, &mut template)?;
        match quad.graph {
            None => {}
            Some(TermRef::Literal(_)) => {
                return Err(CanonError::InvalidQuad("a literal cannot be a graph name"));
            }
            Some(graph) => {
                self.text.push(' ');
                self.add_term(graph, Position::Graph, start, &mut template)?;
            }
        }
        self.text.push_str(" .\n");
        template.end = self.text.len() as u32;
        self.templates.push(template);
        Ok(())
    }

    fn add_term(
        &mut self,
        term: TermRef<'q>,
        position: Position,
        start: usize,
        template: &mut Template,
    ) -> Result<(), CanonError> {
        match term {
            TermRef::Iri(iri) => push_iri(&mut self.text, iri),
            TermRef::Literal(literal) => {
                if literal.language == Some("") {
                    return Err(CanonError::InvalidQuad("a language tag cannot be empty"));
                }
                push_literal(&mut self.text, literal);
            }
            TermRef::Blank(label) => {
                self.text.push_str("_:");
                let bnode = self.intern(label);
                template.slots[usize::from(template.slot_count)] = Slot {
                    at: (self.text.len() - start) as u32,
                    bnode,
                    position,
                };
                template.slot_count += 1;
            }
        }
        Ok(())
    }

    fn intern(&mut self, label: &'q str) -> u32 {
        if self.labels.len() <= LINEAR_LOOKUP_MAX {
            if let Some(index) = self.labels.iter().position(|known| *known == label) {
                return index as u32;
            }
        } else if let Some(&index) = self.lookup.get(label) {
            return index;
        }
        let index = self.labels.len() as u32;
        self.labels.push(label);
        if self.labels.len() > LINEAR_LOOKUP_MAX {
            if self.lookup.is_empty() {
                self.lookup
                    .extend(self.labels.iter().enumerate().map(|(i, l)| (*l, i as u32)));
            } else {
                self.lookup.insert(label, index);
            }
        }
        index
    }

    /// Builds the per-blank-node quad lists (compressed rows).
    fn index_quads_by_bnode(&mut self) {
        let count = self.labels.len();
        let mut offsets = vec![0u32; count + 1];
        self.for_each_bnode_quad(|bnode, _| offsets[bnode as usize + 1] += 1);
        for index in 0..count {
            offsets[index + 1] += offsets[index];
        }
        let mut fill = offsets.clone();
        let mut quads = vec![0u32; offsets[count] as usize];
        self.for_each_bnode_quad(|bnode, quad| {
            let at = &mut fill[bnode as usize];
            quads[*at as usize] = quad;
            *at += 1;
        });
        self.bnode_offsets = offsets;
        self.bnode_quads = quads;
    }

    /// Calls `visit(bnode, quad)` once per distinct blank node of each quad, in quad order.
    fn for_each_bnode_quad(&self, mut visit: impl FnMut(u32, u32)) {
        for (quad, template) in self.templates.iter().enumerate() {
            let slots = &template.slots[..usize::from(template.slot_count)];
            for (index, slot) in slots.iter().enumerate() {
                if slots[..index]
                    .iter()
                    .all(|earlier| earlier.bnode != slot.bnode)
                {
                    visit(slot.bnode, quad as u32);
                }
            }
        }
    }
}
