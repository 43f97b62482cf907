//! Unit tests of RDF conversion on hand-written expanded documents.

use brevet_rdf::{Quad, Term};
use serde_json::json;

use super::expanded_to_rdf;
use crate::{Options, RdfDirection};

/// A local N-Quads-like rendering, so expectations read like the spec's examples.
fn term(term: &Term) -> String {
    match term {
        Term::Iri(iri) => format!("<{iri}>"),
        Term::Blank(label) => format!("_:{label}"),
        Term::Literal(literal) => {
            let value = literal
                .value
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            match &literal.language {
                Some(language) => format!("\"{value}\"@{language}"),
                None if literal.datatype == brevet_rdf::XSD_STRING => format!("\"{value}\""),
                None => format!("\"{value}\"^^<{}>", literal.datatype),
            }
        }
    }
}

fn render(quads: &[Quad]) -> Vec<String> {
    quads
        .iter()
        .map(|quad| {
            let graph = quad
                .graph
                .as_ref()
                .map(|graph| format!(" {}", term(graph)))
                .unwrap_or_default();
            format!(
                "{} {} {}{graph} .",
                term(&quad.subject),
                term(&quad.predicate),
                term(&quad.object)
            )
        })
        .collect()
}

fn convert(expanded: serde_json::Value) -> Vec<String> {
    render(&expanded_to_rdf(&expanded, &Options::default()).unwrap())
}

fn convert_with(expanded: serde_json::Value, options: &Options) -> Vec<String> {
    render(&expanded_to_rdf(&expanded, options).unwrap())
}

fn safe() -> Options {
    Options {
        safe_mode: true,
        ..Options::default()
    }
}

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

#[test]
fn types_strings_and_nested_nodes() {
    let quads = convert(json!([{
        "@id": "http://ex/s",
        "@type": ["http://ex/T", "_:t"],
        "http://ex/name": [{"@value": "Alice"}],
        "http://ex/knows": [{
            "http://ex/name": [{"@value": "Bob", "@language": "en"}]
        }]
    }]));
    assert_eq!(
        quads,
        [
            format!("<http://ex/s> <{RDF}type> <http://ex/T> ."),
            format!("<http://ex/s> <{RDF}type> _:b0 ."),
            "<http://ex/s> <http://ex/name> \"Alice\" .".to_owned(),
            "<http://ex/s> <http://ex/knows> _:b1 .".to_owned(),
            "_:b1 <http://ex/name> \"Bob\"@en .".to_owned(),
        ]
    );
}

#[test]
fn blank_node_labels_are_relabelled_consistently() {
    let quads = convert(json!([
        {"@id": "_:x", "http://ex/p": [{"@id": "_:y"}, {"@id": "_:x"}]},
        {"@id": "_:y", "http://ex/p": [{"@id": "_:x"}]}
    ]));
    assert_eq!(
        quads,
        [
            "_:b0 <http://ex/p> _:b1 .",
            "_:b0 <http://ex/p> _:b0 .",
            "_:b1 <http://ex/p> _:b0 ."
        ]
    );
}

#[test]
fn same_node_twice_merges_and_duplicates_vanish() {
    let quads = convert(json!([
        {"@id": "http://ex/s", "http://ex/p": [{"@value": "v"}, {"@value": "v"}], "http://ex/q": [{"@id": "http://ex/o"}]},
        {"@id": "http://ex/s", "@type": ["http://ex/T"], "http://ex/q": [{"@id": "http://ex/o"}]}
    ]));
    assert_eq!(
        quads,
        [
            "<http://ex/s> <http://ex/p> \"v\" .".to_owned(),
            "<http://ex/s> <http://ex/q> <http://ex/o> .".to_owned(),
            format!("<http://ex/s> <{RDF}type> <http://ex/T> ."),
        ]
    );
}

#[test]
fn numbers_and_booleans_take_canonical_forms() {
    let xsd = "http://www.w3.org/2001/XMLSchema#";
    let quads = convert(json!([{
        "@id": "http://ex/s",
        "http://ex/p": [
            {"@value": 5}, {"@value": 5.0}, {"@value": 5.3}, {"@value": -0.000001}, {"@value": 1e21},
            {"@value": 7, "@type": format!("{xsd}double")},
            {"@value": 2.5, "@type": "http://ex/dt"},
            {"@value": 3, "@type": format!("{xsd}float")},
            {"@value": true}, {"@value": false, "@type": "http://ex/bool"},
            {"@value": "01", "@type": format!("{xsd}integer")}
        ]
    }]));
    let objects: Vec<&str> = quads
        .iter()
        .map(|q| q.split_once("<http://ex/p> ").unwrap().1)
        .collect();
    assert_eq!(
        objects,
        [
            format!("\"5\"^^<{xsd}integer> ."),
            format!("\"5.3E0\"^^<{xsd}double> ."),
            format!("\"-1.0E-6\"^^<{xsd}double> ."),
            format!("\"1.0E21\"^^<{xsd}double> ."),
            format!("\"7.0E0\"^^<{xsd}double> ."),
            "\"2.5E0\"^^<http://ex/dt> .".to_owned(),
            format!("\"3\"^^<{xsd}float> ."),
            format!("\"true\"^^<{xsd}boolean> ."),
            "\"false\"^^<http://ex/bool> .".to_owned(),
            format!("\"01\"^^<{xsd}integer> ."),
        ]
    );
}

#[test]
fn json_literals_are_jcs_canonical() {
    let quads = convert(json!([{
        "@id": "http://ex/s",
        "http://ex/p": [
            {"@value": {"b": [1.0, 2e-3, "x"], "a": null}, "@type": "@json"},
            {"@value": null, "@type": "@json"},
            {"@value": true, "@type": "@json"}
        ]
    }]));
    let json = format!("^^<{RDF}JSON> .");
    assert_eq!(
        quads,
        [
            format!(
                "<http://ex/s> <http://ex/p> \"{{\\\"a\\\":null,\\\"b\\\":[1,0.002,\\\"x\\\"]}}\"{json}"
            ),
            format!("<http://ex/s> <http://ex/p> \"null\"{json}"),
            format!("<http://ex/s> <http://ex/p> \"true\"{json}"),
        ]
    );
}

#[test]
fn lists_become_collections() {
    let quads = convert(json!([{
        "@id": "http://ex/s",
        "http://ex/list": [{"@list": [{"@value": "a"}, {"@id": "http://ex/o"}, {"@list": []}, {"@list": [{"@value": 1}]}]}],
        "http://ex/empty": [{"@list": []}]
    }]));
    let int = "^^<http://www.w3.org/2001/XMLSchema#integer>";
    assert_eq!(
        quads,
        [
            "<http://ex/s> <http://ex/list> _:b0 .".to_owned(),
            format!("_:b0 <{RDF}first> \"a\" ."),
            format!("_:b0 <{RDF}rest> _:b1 ."),
            format!("_:b1 <{RDF}first> <http://ex/o> ."),
            format!("_:b1 <{RDF}rest> _:b2 ."),
            format!("_:b2 <{RDF}first> <{RDF}nil> ."),
            format!("_:b2 <{RDF}rest> _:b3 ."),
            format!("_:b4 <{RDF}first> \"1\"{int} ."),
            format!("_:b4 <{RDF}rest> <{RDF}nil> ."),
            format!("_:b3 <{RDF}first> _:b4 ."),
            format!("_:b3 <{RDF}rest> <{RDF}nil> ."),
            format!("<http://ex/s> <http://ex/empty> <{RDF}nil> ."),
        ]
    );
}

#[test]
fn lists_are_never_merged_and_keep_duplicates() {
    let quads = convert(json!([{
        "@id": "http://ex/s",
        "http://ex/l": [{"@list": [{"@value": "a"}, {"@value": "a"}]}, {"@list": [{"@value": "a"}, {"@value": "a"}]}]
    }]));
    assert_eq!(quads.len(), 2 + 4 + 4);
}

#[test]
fn named_graphs_and_included() {
    let quads = convert(json!([{
        "@id": "http://ex/g",
        "http://ex/p": [{"@value": "outside"}],
        "@graph": [
            {"@id": "http://ex/s", "http://ex/p": [{"@value": "inside"}]},
            {"@graph": [{"@id": "http://ex/t", "http://ex/p": [{"@id": "_:n"}]}]}
        ],
        "@included": [{"@id": "http://ex/i", "http://ex/p": [{"@value": "included"}]}]
    }]));
    assert_eq!(
        quads,
        [
            "<http://ex/g> <http://ex/p> \"outside\" .",
            "<http://ex/i> <http://ex/p> \"included\" .",
            "<http://ex/s> <http://ex/p> \"inside\" <http://ex/g> .",
            "<http://ex/t> <http://ex/p> _:b1 _:b0 .",
        ]
    );
}

#[test]
fn reverse_properties_point_back_at_the_subject() {
    let quads = convert(json!([{
        "@id": "http://ex/alice",
        "@reverse": {
            "http://ex/parent": [{"@id": "http://ex/bob"}, {"http://ex/name": [{"@value": "Carol"}]}]
        }
    }]));
    assert_eq!(
        quads,
        [
            "<http://ex/bob> <http://ex/parent> <http://ex/alice> .",
            "_:b0 <http://ex/parent> <http://ex/alice> .",
            "_:b0 <http://ex/name> \"Carol\" .",
        ]
    );
}

#[test]
fn invalid_iris_are_dropped_in_normal_mode() {
    let quads = convert(json!([
        {"@id": "relative", "http://ex/p": [{"@value": "x"}]},
        {"@id": "http://ex/s", "@type": ["http://ex/T", "http://in valid"],
         "http://ex/a b": [{"@value": "bad predicate"}],
         "_:p": [{"@value": "blank predicate"}],
         "http://ex/o": [{"@id": "rel/obj"}, {"@id": "http://ex/<o>"}],
         "http://ex/v": [{"@value": "x", "@type": "reldt"}, {"@value": "y", "@language": "en_US"}],
         "http://ex/l": [{"@list": [{"@id": "http://invalid/<>/test"}]}]},
        {"@id": "rel-graph", "@graph": [{"@id": "http://ex/s", "http://ex/p": [{"@value": "lost"}]}]}
    ]));
    assert_eq!(
        quads,
        [
            format!("<http://ex/s> <{RDF}type> <http://ex/T> ."),
            "<http://ex/s> <http://ex/l> _:b1 .".to_owned(),
            format!("_:b1 <{RDF}rest> <{RDF}nil> ."),
        ]
    );
}

#[test]
fn safe_mode_refuses_every_drop() {
    let cases = [
        (
            json!([{"@id": "relative", "http://ex/p": [{"@value": "x"}]}]),
            "relative subject reference",
        ),
        (
            json!([{"@id": "http://ex/s", "@type": ["T"]}]),
            "relative type reference",
        ),
        (
            json!([{"@id": "http://ex/s", "p": [{"@value": "x"}]}]),
            "relative property reference",
        ),
        (
            json!([{"@id": "http://ex/s", "_:p": [{"@value": "x"}]}]),
            "blank node predicate",
        ),
        (
            json!([{"@id": "http://ex/s", "http://ex/p": [{"@id": "o"}]}]),
            "relative object reference",
        ),
        (
            json!([{"@id": "http://ex/s", "http://ex/p": [{"@value": "x", "@type": "dt"}]}]),
            "invalid datatype",
        ),
        (
            json!([{"@id": "http://ex/s", "http://ex/p": [{"@value": "x", "@language": "e n"}]}]),
            "invalid @language value",
        ),
        (
            json!([{"@id": "g", "@graph": [{"@id": "http://ex/s", "http://ex/p": [{"@value": "x"}]}]}]),
            "relative graph reference",
        ),
        (
            json!([{"@id": "http://ex/s", "http://ex/p": [{"@list": [{"@id": "rel"}]}]}]),
            "relative object reference",
        ),
    ];
    for (input, expected) in cases {
        let error = expanded_to_rdf(&input, &safe()).unwrap_err();
        assert_eq!(error.code.0, format!("safe mode: {expected}"), "{input}");
    }
}

#[test]
fn safe_mode_accepts_what_it_does_not_drop() {
    // Nodes with a relative @id but no statements lose nothing.
    let quads = convert_with(
        json!([{"@id": "http://ex/s", "http://ex/p": [{"@value": "x", "@language": "en-US"}]}, {"@id": "relative"}]),
        &safe(),
    );
    assert_eq!(quads, ["<http://ex/s> <http://ex/p> \"x\"@en-US ."]);
}

#[test]
fn generalized_rdf_keeps_blank_predicates() {
    let options = Options {
        produce_generalized_rdf: true,
        ..Options::default()
    };
    let quads = convert_with(json!([{"@id": "_:s", "_:p": [{"@id": "_:s"}]}]), &options);
    assert_eq!(quads, ["_:b0 _:b1 _:b0 ."]);
}

#[test]
fn direction_without_rdf_direction_is_a_plain_literal() {
    let value = json!([{"@id": "http://ex/s", "http://ex/p": [{"@value": "x", "@language": "en-US", "@direction": "rtl"}, {"@value": "y", "@direction": "ltr"}]}]);
    assert_eq!(
        convert(value),
        [
            "<http://ex/s> <http://ex/p> \"x\"@en-US .",
            "<http://ex/s> <http://ex/p> \"y\" ."
        ]
    );
}

#[test]
fn direction_as_i18n_datatype() {
    let options = Options {
        rdf_direction: Some(RdfDirection::I18nDatatype),
        ..Options::default()
    };
    let value = json!([{"@id": "http://ex/s", "http://ex/p": [{"@value": "x", "@language": "en-US", "@direction": "rtl"}, {"@value": "y", "@direction": "ltr"}]}]);
    assert_eq!(
        convert_with(value, &options),
        [
            "<http://ex/s> <http://ex/p> \"x\"^^<https://www.w3.org/ns/i18n#en-us_rtl> .",
            "<http://ex/s> <http://ex/p> \"y\"^^<https://www.w3.org/ns/i18n#_ltr> .",
        ]
    );
}

#[test]
fn direction_as_compound_literal() {
    let options = Options {
        rdf_direction: Some(RdfDirection::CompoundLiteral),
        ..Options::default()
    };
    let value = json!([{"@id": "http://ex/s", "http://ex/p": [{"@value": "x", "@language": "en-US", "@direction": "rtl"}]}]);
    assert_eq!(
        convert_with(value, &options),
        [
            "<http://ex/s> <http://ex/p> _:b0 .".to_owned(),
            format!("_:b0 <{RDF}value> \"x\" ."),
            format!("_:b0 <{RDF}language> \"en-us\" ."),
            format!("_:b0 <{RDF}direction> \"rtl\" ."),
        ]
    );
}

#[test]
fn conflicting_indexes_are_an_error() {
    let input =
        json!([{"@id": "http://ex/s", "@index": "a"}, {"@id": "http://ex/s", "@index": "b"}]);
    let error = expanded_to_rdf(&input, &Options::default()).unwrap_err();
    assert_eq!(error.code.0, "conflicting indexes");
    let same =
        json!([{"@id": "http://ex/s", "@index": "a"}, {"@id": "http://ex/s", "@index": "a"}]);
    assert!(
        expanded_to_rdf(&same, &Options::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn malformed_expanded_input_is_an_error_not_a_panic() {
    for input in [
        json!([{"@id": 5}]),
        json!([{"@id": "http://ex/s", "@type": [1]}]),
        json!([{"@id": "http://ex/s", "@reverse": []}]),
        json!([{"@id": "http://ex/s", "@reverse": {"http://ex/p": [{"@value": "x"}]}}]),
        json!([{"@id": "http://ex/s", "http://ex/p": [{"@value": [1]}]}]),
        json!([{"@id": "http://ex/s", "http://ex/p": [{"@value": "x", "@type": 3}]}]),
    ] {
        let error = expanded_to_rdf(&input, &Options::default()).unwrap_err();
        assert_eq!(error.code.0, "invalid expanded document", "{input}");
    }
    let mut deep = json!([]);
    for _ in 0..2000 {
        deep = serde_json::Value::Array(vec![deep]);
    }
    assert!(expanded_to_rdf(&deep, &Options::default()).is_err());
    // Dropping a deep value recurses too; unwind it by hand.
    while let serde_json::Value::Array(mut items) = deep {
        deep = items.pop().unwrap_or_default();
    }
    assert!(
        expanded_to_rdf(&json!("scalar"), &Options::default())
            .unwrap()
            .is_empty()
    );
    assert!(
        expanded_to_rdf(&json!([]), &Options::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn null_ids_left_by_expansion_never_become_rdf() {
    // Expansion keeps `"@id": null` for an @id shaped like a keyword (expand test 0122).
    let input = json!([{
        "@id": "http://ex/s",
        "http://ex/p": [{"@id": null}, {"@id": "http://ex/o"}],
        "http://ex/q": [{"@id": null, "http://ex/r": [{"@value": "lost"}]}]
    }]);
    assert_eq!(
        convert(input.clone()),
        ["<http://ex/s> <http://ex/p> <http://ex/o> ."]
    );
    let error = expanded_to_rdf(&input, &safe()).unwrap_err();
    assert_eq!(error.code.0, "safe mode: relative object reference");
    assert!(error.message.contains("null"), "{}", error.message);
}
