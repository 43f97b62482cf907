//! The RDF terms and quads that flow from JSON-LD into canonicalization: owned ([`Quad`]) and
//! borrowed ([`QuadRef`], which JSON-LD conversion produces without allocating a string per term).

/// `http://www.w3.org/2001/XMLSchema#string`, the datatype of plain literals.
pub const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
/// `http://www.w3.org/1999/02/22-rdf-syntax-ns#langString`, the datatype of language-tagged literals.
pub const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";

/// An RDF term. Blank node labels are stored without the `_:` prefix.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    Iri(String),
    Blank(String),
    Literal(Literal),
}

/// An RDF literal; `language` is set only when `datatype` is `rdf:langString`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Literal {
    pub value: String,
    pub datatype: String,
    pub language: Option<String>,
}

/// A quad; `graph` is `None` for the default graph.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quad {
    pub subject: Term,
    pub predicate: Term,
    pub object: Term,
    pub graph: Option<Term>,
}

/// A borrowed [`Term`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TermRef<'a> {
    Iri(&'a str),
    Blank(&'a str),
    Literal(LiteralRef<'a>),
}

/// A borrowed [`Literal`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LiteralRef<'a> {
    pub value: &'a str,
    pub datatype: &'a str,
    pub language: Option<&'a str>,
}

/// A borrowed [`Quad`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QuadRef<'a> {
    pub subject: TermRef<'a>,
    pub predicate: TermRef<'a>,
    pub object: TermRef<'a>,
    pub graph: Option<TermRef<'a>>,
}

impl Term {
    pub fn as_ref(&self) -> TermRef<'_> {
        match self {
            Term::Iri(iri) => TermRef::Iri(iri),
            Term::Blank(label) => TermRef::Blank(label),
            Term::Literal(literal) => TermRef::Literal(literal.as_ref()),
        }
    }
}

impl Literal {
    pub fn as_ref(&self) -> LiteralRef<'_> {
        LiteralRef {
            value: &self.value,
            datatype: &self.datatype,
            language: self.language.as_deref(),
        }
    }
}

impl Quad {
    pub fn as_ref(&self) -> QuadRef<'_> {
        QuadRef {
            subject: self.subject.as_ref(),
            predicate: self.predicate.as_ref(),
            object: self.object.as_ref(),
            graph: self.graph.as_ref().map(Term::as_ref),
        }
    }
}

impl TermRef<'_> {
    pub fn to_owned_term(&self) -> Term {
        match *self {
            TermRef::Iri(iri) => Term::Iri(iri.to_owned()),
            TermRef::Blank(label) => Term::Blank(label.to_owned()),
            TermRef::Literal(literal) => Term::Literal(literal.to_owned_literal()),
        }
    }
}

impl LiteralRef<'_> {
    pub fn to_owned_literal(&self) -> Literal {
        Literal {
            value: self.value.to_owned(),
            datatype: self.datatype.to_owned(),
            language: self.language.map(str::to_owned),
        }
    }
}

impl QuadRef<'_> {
    pub fn to_owned_quad(&self) -> Quad {
        Quad {
            subject: self.subject.to_owned_term(),
            predicate: self.predicate.to_owned_term(),
            object: self.object.to_owned_term(),
            graph: self.graph.as_ref().map(TermRef::to_owned_term),
        }
    }
}

/// Anything canonicalization can read as a borrowed quad: [`Quad`], [`QuadRef`] and references
/// to them.
pub trait AsQuadRef {
    fn as_quad_ref(&self) -> QuadRef<'_>;
}

impl AsQuadRef for Quad {
    fn as_quad_ref(&self) -> QuadRef<'_> {
        self.as_ref()
    }
}

impl AsQuadRef for QuadRef<'_> {
    fn as_quad_ref(&self) -> QuadRef<'_> {
        *self
    }
}

impl<T: AsQuadRef + ?Sized> AsQuadRef for &T {
    fn as_quad_ref(&self) -> QuadRef<'_> {
        (**self).as_quad_ref()
    }
}
