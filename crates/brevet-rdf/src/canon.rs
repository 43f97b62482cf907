//! RDFC-1.0 canonicalization (https://www.w3.org/TR/rdf-canon/) with a work limit.

use std::collections::BTreeMap;

use crate::Quad;

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
    /// Upper bound on the work of the N-degree hash algorithm (calls, permutations); exceeding it
    /// is `CanonError::WorkLimit`, so a poisoned dataset fails fast.
    pub max_work: u64,
}

impl Default for CanonOptions {
    fn default() -> Self {
        CanonOptions { hash: HashAlgorithm::Sha256, max_work: 10_000 }
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
    #[error("RDFC-1.0 work limit exceeded ({0}): the dataset is too complex to canonicalize (possible dataset poisoning)")]
    WorkLimit(u64),
}

/// Canonicalizes a dataset with RDFC-1.0. Duplicate quads are removed.
pub fn canonicalize(quads: &[Quad], options: &CanonOptions) -> Result<Canonical, CanonError> {
    let _ = (quads, options);
    Err(CanonError::WorkLimit(0))
}
