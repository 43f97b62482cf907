//! RDFC-1.0 canonicalization (https://www.w3.org/TR/rdf-canon/) with a work limit.
//!
//! The common case (every blank node has a unique first-degree hash) costs one template
//! serialization per quad, one short hash per blank node, and one sort of the output lines.

mod dataset;
mod digest;
mod ndegree;

use std::collections::{BTreeMap, HashSet};

use crate::{AsQuadRef, QuadRef};
use dataset::Dataset;
use digest::{Digest, Hasher};
use ndegree::{Issuer, push_identifier};

/// The hash function RDFC-1.0 uses internally.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum HashAlgorithm {
    #[default]
    Sha256,
    Sha384,
}

/// Limits and parameters of one canonicalization run.
#[derive(Clone, Debug)]
pub struct CanonOptions {
    pub hash: HashAlgorithm,
    /// Upper bound on the work of the N-degree hash algorithm: each call of Hash N-Degree Quads
    /// and each permutation it examines costs 1. Exceeding it is `CanonError::WorkLimit`, so a
    /// poisoned dataset fails fast. Datasets whose blank nodes all have distinct first-degree
    /// hashes cost 0.
    pub max_work: u64,
}

impl Default for CanonOptions {
    fn default() -> Self {
        CanonOptions {
            hash: HashAlgorithm::Sha256,
            max_work: 10_000,
        }
    }
}

/// The canonical form: N-Quads text (sorted lines, each ending in `\n`) and the issued
/// identifier map from input blank node labels to canonical labels (`c14n0`, ...), no `_:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Canonical {
    pub nquads: String,
    pub issued: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CanonError {
    #[error(
        "RDFC-1.0 work limit exceeded ({0}): the dataset is too complex to canonicalize (possible dataset poisoning)"
    )]
    WorkLimit(u64),
    #[error(
        "RDFC-1.0 recursion deeper than {0} levels: the dataset is too complex to canonicalize (possible dataset poisoning)"
    )]
    RecursionLimit(usize),
    #[error("cannot canonicalize an invalid quad: {0}")]
    InvalidQuad(&'static str),
    #[error("dataset too large to canonicalize: {0}")]
    TooLarge(&'static str),
}

/// Canonicalizes a dataset (of [`Quad`]s or [`QuadRef`]s) with RDFC-1.0. Duplicate quads are
/// removed.
pub fn canonicalize<Q: AsQuadRef>(
    quads: &[Q],
    options: &CanonOptions,
) -> Result<Canonical, CanonError> {
    let mut nquads = String::new();
    let mut issued = BTreeMap::new();
    canonicalize_with(quads, options, &mut nquads, Some(&mut issued), true)?;
    Ok(Canonical { nquads, issued })
}

/// Canonicalizes a dataset with RDFC-1.0 and appends the canonical N-Quads to `out`, without
/// building the issued identifier map (the fast path for signing and verifying). On error,
/// `out` is left as it was.
pub fn canonicalize_into<Q: AsQuadRef>(
    quads: &[Q],
    options: &CanonOptions,
    out: &mut String,
) -> Result<(), CanonError> {
    canonicalize_with(quads, options, out, None, true)
}

/// Runs the algorithm, appends the output and fills `issued` if asked. If the output reveals
/// duplicate quads, reruns on the distinct quads (in first-occurrence order): the input is a
/// set, and duplicates would change the hashes.
fn canonicalize_with<Q: AsQuadRef>(
    quads: &[Q],
    options: &CanonOptions,
    out: &mut String,
    issued: Option<&mut BTreeMap<String, String>>,
    may_rerun: bool,
) -> Result<(), CanonError> {
    let dataset = Dataset::new(quads)?;
    let canonical = match issue_canonical_identifiers(&dataset, options) {
        Ok(canonical) => canonical,
        // Duplicates may have made the dataset look harder than it is: retry without them.
        Err(error) => match distinct_if_duplicated(quads) {
            Some(distinct) if may_rerun => {
                return canonicalize_with(&distinct, options, out, issued, false);
            }
            _ => return Err(error),
        },
    };
    let start = out.len();
    let had_duplicates = write_sorted_lines(&dataset, &canonical, out);
    if had_duplicates && may_rerun {
        out.truncate(start);
        let distinct = distinct_if_duplicated(quads).unwrap_or_default();
        return canonicalize_with(&distinct, options, out, issued, false);
    }
    if let Some(issued) = issued {
        let mut name = String::new();
        for (number, &bnode) in canonical.issued_order().iter().enumerate() {
            name.clear();
            push_identifier(&mut name, "c14n", number as u32);
            issued.insert(dataset.label(bnode).to_owned(), name.clone());
        }
    }
    Ok(())
}

/// The distinct quads in first-occurrence order, or `None` if there are no duplicates.
fn distinct_if_duplicated<Q: AsQuadRef>(quads: &[Q]) -> Option<Vec<QuadRef<'_>>> {
    let mut seen = HashSet::with_capacity(quads.len());
    let distinct: Vec<QuadRef<'_>> = quads
        .iter()
        .map(AsQuadRef::as_quad_ref)
        .filter(|quad| seen.insert(*quad))
        .collect();
    (distinct.len() < quads.len()).then_some(distinct)
}

/// The state of one run of the labeling steps (RDFC-1.0 §4.4.3 steps 1-5).
struct Labeler<'d, 'q> {
    dataset: &'d Dataset<'q>,
    hash: HashAlgorithm,
    first_degree: Vec<Digest>,
    canonical: Issuer,
    work: u64,
    max_work: u64,
}

impl Labeler<'_, '_> {
    fn spend_work(&mut self) -> Result<(), CanonError> {
        self.work += 1;
        if self.work > self.max_work {
            return Err(CanonError::WorkLimit(self.max_work));
        }
        Ok(())
    }
}

/// Steps 1-5: first-degree hashes, canonical identifiers for unique hashes in hash order, then
/// Hash N-Degree Quads for each group of blank nodes sharing a hash.
fn issue_canonical_identifiers(
    dataset: &Dataset<'_>,
    options: &CanonOptions,
) -> Result<Issuer, CanonError> {
    let count = dataset.bnode_count();
    let mut first_degree = Vec::with_capacity(count);
    let mut lines = String::with_capacity(2048);
    let mut ranges = Vec::with_capacity(16);
    for bnode in 0..count as u32 {
        first_degree.push(hash_first_degree(
            dataset,
            bnode,
            options.hash,
            &mut lines,
            &mut ranges,
        ));
    }
    let mut by_hash: Vec<u32> = (0..count as u32).collect();
    by_hash.sort_unstable_by(|&a, &b| {
        first_degree[a as usize]
            .cmp(&first_degree[b as usize])
            .then(a.cmp(&b))
    });

    let mut labeler = Labeler {
        dataset,
        hash: options.hash,
        first_degree,
        canonical: Issuer::dense(count),
        work: 0,
        max_work: options.max_work,
    };
    let same_hash =
        |a: &u32, b: &u32| labeler.first_degree[*a as usize] == labeler.first_degree[*b as usize];
    let mut shared: Vec<&[u32]> = Vec::new();
    for group in by_hash.chunk_by(same_hash) {
        match group {
            [single] => {
                labeler.canonical.issue(*single);
            }
            _ => shared.push(group),
        }
    }
    for group in shared {
        let mut hash_paths: Vec<(Digest, Issuer)> = Vec::new();
        for &bnode in group {
            if labeler.canonical.get(bnode).is_some() {
                continue;
            }
            let mut temporary = Issuer::sparse();
            temporary.issue(bnode);
            let hash = labeler.hash_n_degree(bnode, &mut temporary, 0)?;
            hash_paths.push((hash, temporary));
        }
        hash_paths.sort_by_key(|entry| entry.0);
        for (_, issuer) in &hash_paths {
            for &bnode in issuer.issued_order() {
                labeler.canonical.issue(bnode);
            }
        }
    }
    debug_assert_eq!(labeler.canonical.issued_count(), count);
    Ok(labeler.canonical)
}

/// Hash First Degree Quads: the sorted lines of the node's quads with itself as `_:a` and every
/// other blank node as `_:z`, hashed.
fn hash_first_degree(
    dataset: &Dataset<'_>,
    bnode: u32,
    algorithm: HashAlgorithm,
    lines: &mut String,
    ranges: &mut Vec<(usize, usize)>,
) -> Digest {
    lines.clear();
    ranges.clear();
    for &quad in dataset.quads_of(bnode) {
        let start = lines.len();
        dataset.write_line(quad, lines, |other, out| {
            out.push(if other == bnode { 'a' } else { 'z' })
        });
        ranges.push((start, lines.len()));
    }
    ranges.sort_unstable_by(|a, b| lines[a.0..a.1].cmp(&lines[b.0..b.1]));
    let mut hasher = Hasher::new(algorithm);
    for &(start, end) in ranges.iter() {
        hasher.update(&lines.as_bytes()[start..end]);
    }
    hasher.finish()
}

/// Step 6-7: writes every quad with canonical labels, sorted, without duplicate lines. Returns
/// whether duplicates were dropped.
fn write_sorted_lines(dataset: &Dataset<'_>, canonical: &Issuer, out: &mut String) -> bool {
    let quad_count = dataset.quad_count();
    // Lines of quads with blank nodes are written here; ground lines are used in place.
    let mut lines = String::with_capacity(dataset.text_len());
    let mut ranges: Vec<(usize, usize)> = Vec::with_capacity(quad_count);
    for quad in 0..quad_count as u32 {
        let start = lines.len();
        if dataset.ground_line(quad).is_none() {
            dataset.write_line(quad, &mut lines, |bnode, line| {
                push_identifier(line, "c14n", canonical.get(bnode).unwrap_or(u32::MAX));
            });
        }
        ranges.push((start, lines.len()));
    }
    let mut total_len = 0;
    let mut sorted: Vec<&str> = Vec::with_capacity(quad_count);
    for (quad, &(start, end)) in ranges.iter().enumerate() {
        let line = dataset
            .ground_line(quad as u32)
            .unwrap_or(&lines[start..end]);
        total_len += line.len();
        sorted.push(line);
    }
    // A stable (run-adaptive) sort: JSON-LD toRdf emits quads ordered by subject and predicate,
    // which is often close to the canonical order.
    sorted.sort();
    out.reserve(total_len);
    let mut previous: Option<&str> = None;
    let mut had_duplicates = false;
    for line in sorted {
        if previous == Some(line) {
            had_duplicates = true;
            continue;
        }
        out.push_str(line);
        previous = Some(line);
    }
    had_duplicates
}

#[cfg(test)]
mod tests;
