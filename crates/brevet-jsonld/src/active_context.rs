//! Active contexts and term definitions: the state the Context Processing algorithm builds and
//! expansion reads. Contexts are immutable once built and shared through `Arc`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

use crate::fast_hash::FastMap;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A fresh identifier for an active context or a scoped context value (cache keys).
pub(crate) fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// Base direction of a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    pub(crate) fn parse(value: &str) -> Option<Direction> {
        match value {
            "ltr" => Some(Direction::Ltr),
            "rtl" => Some(Direction::Rtl),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// Container mapping flags.
pub(crate) mod container {
    pub(crate) const LIST: u8 = 1;
    pub(crate) const SET: u8 = 2;
    pub(crate) const INDEX: u8 = 4;
    pub(crate) const LANGUAGE: u8 = 8;
    pub(crate) const GRAPH: u8 = 16;
    pub(crate) const ID: u8 = 32;
    pub(crate) const TYPE: u8 = 64;

    pub(crate) fn flag(keyword: &str) -> Option<u8> {
        Some(match keyword {
            "@list" => LIST,
            "@set" => SET,
            "@index" => INDEX,
            "@language" => LANGUAGE,
            "@graph" => GRAPH,
            "@id" => ID,
            "@type" => TYPE,
            _ => return None,
        })
    }
}

/// A scoped (type- or property-scoped) context kept by a term definition, with a unique id
/// used as a cache key.
#[derive(Debug)]
pub(crate) struct ScopedContext {
    pub(crate) id: u64,
    pub(crate) value: Value,
    pub(crate) base_url: Option<String>,
}

/// A term definition (JSON-LD 1.1 API 4.2).
#[derive(Clone, Debug, Default)]
pub(crate) struct TermDefinition {
    /// `None` for a term explicitly mapped to null.
    pub(crate) iri: Option<String>,
    pub(crate) prefix: bool,
    pub(crate) protected: bool,
    pub(crate) reverse: bool,
    pub(crate) type_mapping: Option<String>,
    /// `Some(None)`: explicitly no language.
    pub(crate) language: Option<Option<String>>,
    pub(crate) direction: Option<Option<Direction>>,
    pub(crate) container: u8,
    pub(crate) index: Option<String>,
    pub(crate) nest: Option<String>,
    pub(crate) context: Option<Arc<ScopedContext>>,
}

impl TermDefinition {
    /// Equality ignoring the protected flag (protected term redefinition check).
    pub(crate) fn same_as(&self, other: &TermDefinition) -> bool {
        self.iri == other.iri
            && self.prefix == other.prefix
            && self.reverse == other.reverse
            && self.type_mapping == other.type_mapping
            && self.language == other.language
            && self.direction == other.direction
            && self.container == other.container
            && self.index == other.index
            && self.nest == other.nest
            && match (&self.context, &other.context) {
                (None, None) => true,
                (Some(a), Some(b)) => a.value == b.value,
                _ => false,
            }
    }

    pub(crate) fn has_container(&self, flag: u8) -> bool {
        self.container & flag != 0
    }
}

/// An active context. Term definitions are shared through `Arc`, so cloning is cheap.
#[derive(Clone, Debug, Default)]
pub(crate) struct ActiveContext {
    pub(crate) id: u64,
    pub(crate) terms: FastMap<Arc<str>, Arc<TermDefinition>>,
    pub(crate) base: Option<String>,
    pub(crate) original_base: Option<String>,
    pub(crate) vocab: Option<String>,
    pub(crate) default_language: Option<String>,
    pub(crate) default_direction: Option<Direction>,
    pub(crate) previous: Option<Arc<ActiveContext>>,
    /// Terms that were defined as aliases of `@type` (checked again on use).
    pub(crate) type_aliases: Vec<Arc<str>>,
    /// Whether any term was defined as an alias of `@value`.
    pub(crate) value_aliased: bool,
}

impl ActiveContext {
    pub(crate) fn new(base: Option<String>) -> Self {
        ActiveContext {
            id: next_id(),
            original_base: base.clone(),
            base,
            ..Default::default()
        }
    }

    /// A copy with a new identity (for modification).
    pub(crate) fn derive(&self) -> Self {
        ActiveContext {
            id: next_id(),
            ..self.clone()
        }
    }

    pub(crate) fn term(&self, term: &str) -> Option<&Arc<TermDefinition>> {
        self.terms.get(term)
    }

    pub(crate) fn has_protected_terms(&self) -> bool {
        self.terms.values().any(|definition| definition.protected)
    }
}
