//! Identifier issuers, Hash Related Blank Node (RDFC-1.0 §4.7) and Hash N-Degree Quads (§4.8),
//! with every call and permutation charged against the work limit.

use std::collections::HashMap;
use std::mem;

use super::dataset::Position;
use super::digest::{Digest, Hasher};
use super::{CanonError, Labeler};

/// Deepest Hash N-Degree Quads recursion allowed, so a long chain of look-alike blank nodes
/// cannot overflow the stack even under a generous work limit.
pub(super) const MAX_RECURSION_DEPTH: usize = 512;

const NOT_ISSUED: u32 = u32::MAX;

/// Up to this many identifiers, a temporary issuer finds them by a linear scan.
const SPARSE_LINEAR_MAX: usize = 32;

/// An identifier issuer: issues `prefix0`, `prefix1`, ... to blank nodes in order.
///
/// The canonical issuer looks identifiers up in a dense table. Temporary issuers are copied for
/// every permutation, so their size follows what they issued, not the size of the dataset.
#[derive(Clone, Debug)]
pub(super) struct Issuer {
    /// Dense issuers: issued number of each blank node, or `NOT_ISSUED`.
    dense: Option<Vec<u32>>,
    /// Sparse issuers beyond `SPARSE_LINEAR_MAX` identifiers: blank node to issued number.
    index: HashMap<u32, u32>,
    /// Blank nodes in order of issue.
    order: Vec<u32>,
}

impl Issuer {
    /// An issuer with a dense lookup table for `bnode_count` blank nodes.
    pub(super) fn dense(bnode_count: usize) -> Self {
        Issuer {
            dense: Some(vec![NOT_ISSUED; bnode_count]),
            index: HashMap::new(),
            order: Vec::new(),
        }
    }

    /// An issuer whose size follows the number of identifiers it issued.
    pub(super) fn sparse() -> Self {
        Issuer {
            dense: None,
            index: HashMap::new(),
            order: Vec::new(),
        }
    }

    pub(super) fn get(&self, bnode: u32) -> Option<u32> {
        match &self.dense {
            Some(ids) => {
                let id = ids[bnode as usize];
                (id != NOT_ISSUED).then_some(id)
            }
            None if self.order.len() <= SPARSE_LINEAR_MAX => self
                .order
                .iter()
                .position(|&issued| issued == bnode)
                .map(|position| position as u32),
            None => self.index.get(&bnode).copied(),
        }
    }

    /// Returns the identifier number of `bnode`, issuing the next one if it has none.
    pub(super) fn issue(&mut self, bnode: u32) -> u32 {
        if let Some(id) = self.get(bnode) {
            return id;
        }
        let id = self.order.len() as u32;
        self.order.push(bnode);
        match &mut self.dense {
            Some(ids) => ids[bnode as usize] = id,
            None if self.order.len() <= SPARSE_LINEAR_MAX => {}
            None if self.index.is_empty() => {
                let entries = self
                    .order
                    .iter()
                    .enumerate()
                    .map(|(position, &issued)| (issued, position as u32));
                self.index.extend(entries);
            }
            None => {
                self.index.insert(bnode, id);
            }
        }
        id
    }

    /// Blank nodes in the order their identifiers were issued.
    pub(super) fn issued_order(&self) -> &[u32] {
        &self.order
    }

    pub(super) fn issued_count(&self) -> usize {
        self.order.len()
    }
}

/// Writes `value` in decimal into `buffer`, returning the digits.
pub(super) fn decimal(value: u32, buffer: &mut [u8; 10]) -> &[u8] {
    let mut start = buffer.len();
    let mut rest = value;
    loop {
        start -= 1;
        buffer[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    &buffer[start..]
}

pub(super) fn push_identifier(path: &mut String, prefix: &str, number: u32) {
    let mut buffer = [0u8; 10];
    path.push_str(prefix);
    for &digit in decimal(number, &mut buffer) {
        path.push(char::from(digit));
    }
}

impl Labeler<'_, '_> {
    /// Hash Related Blank Node: position, predicate (unless in the graph position), then the
    /// related node's canonical or temporary identifier, or else its first-degree hash.
    fn hash_related(&self, related: u32, quad: u32, issuer: &Issuer, position: Position) -> Digest {
        let mut hasher = Hasher::new(self.hash);
        hasher.update(&[position.as_byte()]);
        if position != Position::Graph {
            hasher.update(b"<");
            hasher.update(self.dataset.predicate(quad).as_bytes());
            hasher.update(b">");
        }
        let mut buffer = [0u8; 10];
        if let Some(number) = self.canonical.get(related) {
            hasher.update(b"_:c14n");
            hasher.update(decimal(number, &mut buffer));
        } else if let Some(number) = issuer.get(related) {
            hasher.update(b"_:b");
            hasher.update(decimal(number, &mut buffer));
        } else {
            hasher.update_hex(&self.first_degree[related as usize]);
        }
        hasher.finish()
    }

    /// Hash N-Degree Quads for `bnode`; on return `issuer` is the chosen issuer (the input issuer
    /// extended with the identifiers the chosen paths issued).
    pub(super) fn hash_n_degree(
        &mut self,
        bnode: u32,
        issuer: &mut Issuer,
        depth: usize,
    ) -> Result<Digest, CanonError> {
        self.spend_work()?;
        if depth >= MAX_RECURSION_DEPTH {
            return Err(CanonError::RecursionLimit(MAX_RECURSION_DEPTH));
        }
        let mut related: Vec<(Digest, u32)> = Vec::new();
        for &quad in self.dataset.quads_of(bnode) {
            for slot in self.dataset.slots(quad) {
                if slot.bnode != bnode {
                    related.push((
                        self.hash_related(slot.bnode, quad, issuer, slot.position),
                        slot.bnode,
                    ));
                }
            }
        }
        related.sort_by_key(|entry| entry.0);

        let mut data_to_hash = Hasher::new(self.hash);
        let mut chosen_path = String::new();
        let mut path = String::new();
        let mut chosen_issuer = Issuer::sparse();
        let mut issuer_copy = Issuer::sparse();
        let mut recursion_list: Vec<u32> = Vec::new();
        let mut group_nodes: Vec<u32> = Vec::new();
        for group in related.chunk_by(|a, b| a.0 == b.0) {
            data_to_hash.update_hex(&group[0].0);
            group_nodes.clear();
            group_nodes.extend(group.iter().map(|entry| entry.1));
            let mut permuter = Permuter::new(&group_nodes, |bnode| self.dataset.label(bnode));
            chosen_path.clear();
            let mut chosen = false;
            loop {
                self.spend_work()?;
                issuer_copy.clone_from(issuer);
                path.clear();
                recursion_list.clear();
                let mut skip = false;
                for &rank in permuter.current() {
                    let related = permuter.node(rank);
                    if let Some(number) = self.canonical.get(related) {
                        push_identifier(&mut path, "_:c14n", number);
                    } else {
                        if issuer_copy.get(related).is_none() {
                            recursion_list.push(related);
                        }
                        push_identifier(&mut path, "_:b", issuer_copy.issue(related));
                    }
                    if chosen && path > chosen_path {
                        skip = true;
                        break;
                    }
                }
                if !skip {
                    for &related in &recursion_list {
                        let result = self.hash_n_degree(related, &mut issuer_copy, depth + 1)?;
                        push_identifier(&mut path, "_:b", issuer_copy.issue(related));
                        path.push('<');
                        result.push_hex(&mut path);
                        path.push('>');
                        if chosen && path > chosen_path {
                            skip = true;
                            break;
                        }
                    }
                }
                if !skip && (!chosen || path < chosen_path) {
                    mem::swap(&mut path, &mut chosen_path);
                    mem::swap(&mut issuer_copy, &mut chosen_issuer);
                    chosen = true;
                }
                if !permuter.advance() {
                    break;
                }
            }
            data_to_hash.update(chosen_path.as_bytes());
            mem::swap(issuer, &mut chosen_issuer);
        }
        Ok(data_to_hash.finish())
    }
}

/// Steinhaus–Johnson–Trotter permutations of a blank node list, starting from the list sorted
/// by input label, in the order the reference implementation (rdf-canonize) visits them; the
/// order only matters when two permutations tie, where it decides which issuer is chosen.
struct Permuter {
    /// Distinct blank nodes sorted by label; a permutation holds indices (ranks) into it.
    nodes: Vec<u32>,
    current: Vec<u32>,
    /// Direction of each rank: `true` looks left.
    left: Vec<bool>,
}

impl Permuter {
    fn new<'l>(list: &[u32], label: impl Fn(u32) -> &'l str) -> Self {
        let mut sorted = list.to_vec();
        sorted.sort_by(|a, b| label(*a).cmp(label(*b)).then(a.cmp(b)));
        let mut nodes: Vec<u32> = Vec::with_capacity(sorted.len());
        let mut current = Vec::with_capacity(sorted.len());
        for &bnode in &sorted {
            if nodes.last() != Some(&bnode) {
                nodes.push(bnode);
            }
            current.push((nodes.len() - 1) as u32);
        }
        let left = vec![true; nodes.len()];
        Permuter {
            nodes,
            current,
            left,
        }
    }

    fn current(&self) -> &[u32] {
        &self.current
    }

    fn node(&self, rank: u32) -> u32 {
        self.nodes[rank as usize]
    }

    /// Moves to the next permutation; `false` when all have been visited.
    fn advance(&mut self) -> bool {
        let length = self.current.len();
        let mut mobile: Option<(u32, usize)> = None;
        for (index, &element) in self.current.iter().enumerate() {
            let looks_left = self.left[element as usize];
            let is_mobile = if looks_left {
                index > 0 && element > self.current[index - 1]
            } else {
                index + 1 < length && element > self.current[index + 1]
            };
            if is_mobile && mobile.is_none_or(|(largest, _)| element > largest) {
                mobile = Some((element, index));
            }
        }
        let Some((largest, index)) = mobile else {
            return false;
        };
        let target = if self.left[largest as usize] {
            index - 1
        } else {
            index + 1
        };
        self.current.swap(index, target);
        for &element in &self.current {
            if element > largest {
                let direction = &mut self.left[element as usize];
                *direction = !*direction;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_permutations(list: &[u32]) -> Vec<Vec<u32>> {
        let labels = ["a", "b", "c", "d"];
        let mut permuter = Permuter::new(list, |bnode| labels[bnode as usize]);
        let mut seen = Vec::new();
        loop {
            seen.push(
                permuter
                    .current()
                    .iter()
                    .map(|&rank| permuter.node(rank))
                    .collect(),
            );
            if !permuter.advance() {
                break;
            }
        }
        seen
    }

    #[test]
    fn permuter_visits_every_permutation_once() {
        let mut seen = all_permutations(&[2, 0, 3, 1]);
        assert_eq!(seen.len(), 24);
        assert_eq!(seen[0], vec![0, 1, 2, 3]);
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 24);
    }

    #[test]
    fn permuter_of_one_or_none() {
        assert_eq!(all_permutations(&[1]), vec![vec![1]]);
        assert_eq!(all_permutations(&[]), vec![Vec::<u32>::new()]);
    }

    #[test]
    fn sparse_and_dense_issuers_agree() {
        let mut dense = Issuer::dense(200);
        let mut sparse = Issuer::sparse();
        for bnode in (0..200).rev().step_by(3).chain(0..200) {
            assert_eq!(dense.issue(bnode), sparse.issue(bnode));
        }
        for bnode in 0..200 {
            assert_eq!(dense.get(bnode), sparse.get(bnode));
        }
        assert_eq!(dense.issued_order(), sparse.issued_order());
        let copy = sparse.clone();
        assert_eq!(copy.get(7), sparse.get(7));
    }

    #[test]
    fn decimal_digits() {
        let mut buffer = [0u8; 10];
        assert_eq!(decimal(0, &mut buffer), b"0");
        assert_eq!(decimal(407, &mut buffer), b"407");
        assert_eq!(decimal(u32::MAX, &mut buffer), b"4294967295");
    }
}
