//! Tests of RDFC-1.0 canonicalization: labeling, ordering, duplicates, invalid quads and the
//! work and recursion limits on poisoned (highly symmetric) datasets.

use std::time::{Duration, Instant};

use super::*;
use crate::{Quad, Term, parse_nquads};

fn quads(text: &str) -> Vec<Quad> {
    parse_nquads(text).expect("test N-Quads are valid")
}

fn canon(text: &str) -> Canonical {
    canonicalize(&quads(text), &CanonOptions::default()).expect("canonicalizes")
}

/// `count` blank nodes, each linked to every node (itself included): every node looks the same.
fn clique(count: usize) -> Vec<Quad> {
    let mut text = String::new();
    for from in 0..count {
        for to in 0..count {
            text.push_str(&format!("_:n{from} <http://example.com/p> _:n{to} .\n"));
        }
    }
    quads(&text)
}

/// A directed cycle of `count` blank nodes: every node looks the same at first degree.
fn cycle(count: usize) -> Vec<Quad> {
    let mut text = String::new();
    for from in 0..count {
        text.push_str(&format!(
            "_:n{from} <http://example.com/next> _:n{} .\n",
            (from + 1) % count
        ));
    }
    quads(&text)
}

#[test]
fn ground_dataset_is_sorted_and_deduplicated() {
    let result = canon(
        "<urn:b> <urn:p> \"2\" .\n<urn:a> <urn:p> \"1\" <urn:g> .\n<urn:b> <urn:p> \"2\" .\n",
    );
    assert_eq!(
        result.nquads,
        "<urn:a> <urn:p> \"1\" <urn:g> .\n<urn:b> <urn:p> \"2\" .\n"
    );
    assert!(result.issued.is_empty());
}

#[test]
fn empty_dataset() {
    let result = canonicalize::<Quad>(&[], &CanonOptions::default()).expect("empty dataset");
    assert_eq!(
        result,
        Canonical {
            nquads: String::new(),
            issued: BTreeMap::new()
        }
    );
}

#[test]
fn single_blank_node_gets_c14n0() {
    let result = canon("_:anything <urn:p> \"v\" .\n_:anything <urn:q> <urn:o> .\n");
    assert_eq!(
        result.nquads,
        "_:c14n0 <urn:p> \"v\" .\n_:c14n0 <urn:q> <urn:o> .\n"
    );
    assert_eq!(
        result.issued,
        BTreeMap::from([("anything".to_owned(), "c14n0".to_owned())])
    );
}

#[test]
fn output_does_not_depend_on_labels_or_quad_order() {
    let first = canon(
        "<urn:doc> <urn:subject> _:s .\n_:s <urn:name> \"Alice\" .\n_:s <urn:result> _:r1 .\n\
         _:s <urn:result> _:r2 .\n_:r1 <urn:value> \"A\" .\n_:r2 <urn:value> \"B\" .\n_:g1 <urn:in> _:s _:g1 .\n",
    );
    let second = canon(
        "_:zz <urn:in> _:q _:zz .\n_:b <urn:value> \"B\" .\n_:q <urn:result> _:b .\n<urn:doc> <urn:subject> _:q .\n\
         _:a <urn:value> \"A\" .\n_:q <urn:name> \"Alice\" .\n_:q <urn:result> _:a .\n",
    );
    assert_eq!(first.nquads, second.nquads);
    assert_eq!(first.issued.len(), 4);
    assert_eq!(first.issued["s"], second.issued["q"]);
    assert_eq!(first.issued["r1"], second.issued["a"]);
    assert_eq!(first.issued["g1"], second.issued["zz"]);
}

#[test]
fn symmetric_nodes_are_told_apart_by_n_degree_hashing() {
    let first =
        canon("_:a <urn:p> _:b .\n_:b <urn:p> _:a .\n_:b <urn:q> \"x\" .\n_:c <urn:p> _:a .\n");
    let second =
        canon("_:y <urn:p> _:x .\n_:x <urn:p> _:y .\n_:x <urn:q> \"x\" .\n_:w <urn:p> _:y .\n");
    assert_eq!(first.nquads, second.nquads);
    let cycle_of_four = canonicalize(&cycle(4), &CanonOptions::default()).expect("small cycle");
    assert_eq!(cycle_of_four.issued.len(), 4);
    assert_eq!(cycle_of_four.nquads.lines().count(), 4);
}

#[test]
fn duplicate_quads_do_not_change_the_result() {
    let text = "_:a <urn:p> _:b .\n_:b <urn:p> _:a .\n_:a <urn:q> \"1\" .\n";
    let doubled = format!("{text}_:a <urn:p> _:b .\n_:a <urn:q> \"1\" .\n");
    assert_eq!(canon(&doubled), canon(text));
}

#[test]
fn canonicalize_into_appends_the_same_text() {
    let dataset = quads("_:x <urn:p> \"v\" .\n<urn:s> <urn:p> _:x .\n");
    let mut out = String::from("prefix\n");
    canonicalize_into(&dataset, &CanonOptions::default(), &mut out).expect("canonicalizes");
    let expected = canonicalize(&dataset, &CanonOptions::default())
        .expect("canonicalizes")
        .nquads;
    assert_eq!(out, format!("prefix\n{expected}"));
}

#[test]
fn sha384_is_used_when_asked() {
    // Two look-alike nodes: the order of their N-degree hashes decides the labels, and the two
    // algorithms may order them differently, but both must give a complete, valid labeling.
    let dataset = quads("_:a <urn:p> _:b .\n_:b <urn:p> _:a .\n_:a <urn:q> _:c .\n");
    let options = CanonOptions {
        hash: HashAlgorithm::Sha384,
        ..CanonOptions::default()
    };
    let result = canonicalize(&dataset, &options).expect("canonicalizes");
    assert_eq!(result.issued.len(), 3);
}

#[test]
fn datasets_with_unique_first_degree_hashes_cost_no_work() {
    let options = CanonOptions {
        max_work: 0,
        ..CanonOptions::default()
    };
    let dataset = quads("_:a <urn:p> _:b .\n_:b <urn:q> \"x\" .\n<urn:s> <urn:p> _:a .\n");
    assert!(canonicalize(&dataset, &options).is_ok());
    assert_eq!(
        canonicalize(&cycle(3), &options),
        Err(CanonError::WorkLimit(0))
    );
}

#[test]
fn clique_of_ten_hits_the_default_work_limit_quickly() {
    let started = Instant::now();
    let result = canonicalize(&clique(10), &CanonOptions::default());
    assert_eq!(result, Err(CanonError::WorkLimit(10_000)));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn large_clique_fails_fast_with_a_small_limit() {
    let dataset = clique(40);
    let started = Instant::now();
    let options = CanonOptions {
        max_work: 100,
        ..CanonOptions::default()
    };
    assert_eq!(
        canonicalize(&dataset, &options),
        Err(CanonError::WorkLimit(100))
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn the_limit_is_a_budget_not_a_guess() {
    // A cycle of 6 needs a known, modest amount of work: it passes with the default limit and
    // fails once the budget is smaller than that amount.
    let dataset = cycle(6);
    assert!(canonicalize(&dataset, &CanonOptions::default()).is_ok());
    let options = CanonOptions {
        max_work: 5,
        ..CanonOptions::default()
    };
    assert_eq!(
        canonicalize(&dataset, &options),
        Err(CanonError::WorkLimit(5))
    );
}

#[test]
fn long_look_alike_chain_stops_at_the_recursion_limit() {
    let dataset = cycle(ndegree::MAX_RECURSION_DEPTH + 50);
    let options = CanonOptions {
        max_work: u64::MAX,
        ..CanonOptions::default()
    };
    let outcome = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || canonicalize(&dataset, &options))
        .expect("spawn")
        .join()
        .expect("no stack overflow");
    assert_eq!(
        outcome,
        Err(CanonError::RecursionLimit(ndegree::MAX_RECURSION_DEPTH))
    );
}

#[test]
fn invalid_quads_are_rejected() {
    let literal = Term::Literal(crate::Literal {
        value: "x".to_owned(),
        datatype: crate::XSD_STRING.to_owned(),
        language: None,
    });
    let iri = Term::Iri("urn:x".to_owned());
    let blank = Term::Blank("b".to_owned());
    let cases = [
        (
            literal.clone(),
            iri.clone(),
            iri.clone(),
            None,
            "a literal cannot be a subject",
        ),
        (
            iri.clone(),
            blank.clone(),
            iri.clone(),
            None,
            "a blank node cannot be a predicate",
        ),
        (
            iri.clone(),
            literal.clone(),
            iri.clone(),
            None,
            "a literal cannot be a predicate",
        ),
        (
            iri.clone(),
            iri.clone(),
            iri.clone(),
            Some(literal.clone()),
            "a literal cannot be a graph name",
        ),
    ];
    for (subject, predicate, object, graph, message) in cases {
        let quad = Quad {
            subject,
            predicate,
            object,
            graph,
        };
        assert_eq!(
            canonicalize(&[quad], &CanonOptions::default()),
            Err(CanonError::InvalidQuad(message))
        );
    }
}

#[test]
fn many_blank_nodes_use_the_hash_map_lookup() {
    let mut text = String::new();
    for index in 0..200 {
        text.push_str(&format!(
            "_:n{index} <urn:value> \"{index}\" .\n<urn:s> <urn:p> _:n{index} .\n"
        ));
    }
    let result = canon(&text);
    assert_eq!(result.issued.len(), 200);
    assert_eq!(result.nquads.lines().count(), 400);
}

#[test]
fn empty_language_tag_is_rejected() {
    let quad = Quad {
        subject: Term::Iri("urn:s".to_owned()),
        predicate: Term::Iri("urn:p".to_owned()),
        object: Term::Literal(crate::Literal {
            value: "x".to_owned(),
            datatype: crate::RDF_LANG_STRING.to_owned(),
            language: Some(String::new()),
        }),
        graph: None,
    };
    assert_eq!(
        canonicalize(&[quad], &CanonOptions::default()),
        Err(CanonError::InvalidQuad("a language tag cannot be empty"))
    );
}

#[test]
fn duplicates_are_dropped_before_giving_up_on_the_work_limit() {
    // Two look-alike stars: each centre links three look-alike leaves (84 units of work).
    // Repeating those links multiplies the permutations of the centre's related nodes (442 units
    // with three copies), but the dataset (a set) is unchanged, so the outcome must be too.
    let text = "_:a1 <urn:p> _:b1 .\n_:a1 <urn:p> _:c1 .\n_:a1 <urn:p> _:d1 .\n\
                _:a2 <urn:p> _:b2 .\n_:a2 <urn:p> _:c2 .\n_:a2 <urn:p> _:d2 .\n";
    let repeated = text.repeat(3);
    let options = CanonOptions {
        max_work: 100,
        ..CanonOptions::default()
    };
    let expected = canonicalize(&quads(text), &options).expect("the set fits the limit");
    let dataset = quads(&repeated);
    let kept =
        Dataset::new(&dataset).and_then(|indexed| issue_canonical_identifiers(&indexed, &options));
    assert!(
        matches!(kept, Err(CanonError::WorkLimit(100))),
        "with duplicates kept: {kept:?}"
    );
    assert_eq!(canonicalize(&dataset, &options), Ok(expected));
}

#[test]
fn poison_hidden_among_many_blank_nodes_still_fails_fast() {
    // Copying temporary issuers must not cost in proportion to the whole dataset.
    let mut dataset = clique(10);
    for index in 0..20_000 {
        dataset.extend(quads(&format!("_:u{index} <urn:value> \"{index}\" .\n")));
    }
    let started = Instant::now();
    assert_eq!(
        canonicalize(&dataset, &CanonOptions::default()),
        Err(CanonError::WorkLimit(10_000))
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}
