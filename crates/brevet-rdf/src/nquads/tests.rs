//! Tests of canonical N-Quads escaping and of the strict parser's acceptance and errors.

use super::*;
use crate::{Literal, RDF_LANG_STRING, Term};

fn iri(value: &str) -> Term {
    Term::Iri(value.to_owned())
}

fn literal(value: &str, datatype: &str, language: Option<&str>) -> Term {
    Term::Literal(Literal {
        value: value.to_owned(),
        datatype: datatype.to_owned(),
        language: language.map(str::to_owned),
    })
}

fn line(object: Term) -> String {
    let quad = Quad {
        subject: iri("urn:s"),
        predicate: iri("urn:p"),
        object,
        graph: None,
    };
    let mut out = String::new();
    serialize_quad(&quad, &mut out);
    out
}

#[test]
fn literal_escapes_follow_the_canonical_form() {
    let value = "q\" b\\ n\n r\r t\t b\u{8} f\u{C} nul\u{0} us\u{1F} vt\u{B} del\u{7F} é ∞ 🌃 '";
    assert_eq!(
        line(literal(value, XSD_STRING, None)),
        "<urn:s> <urn:p> \"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f nul\\u0000 us\\u001F vt\\u000B del\\u007F é ∞ 🌃 '\" .\n"
    );
}

#[test]
fn long_literals_and_iris_take_the_fast_path_and_the_escape_path() {
    let plain = "a".repeat(40);
    assert_eq!(
        line(literal(&plain, XSD_STRING, None)),
        format!("<urn:s> <urn:p> \"{plain}\" .\n")
    );
    let tail_escape = format!("{plain}\"");
    assert_eq!(
        line(literal(&tail_escape, XSD_STRING, None)),
        format!("<urn:s> <urn:p> \"{plain}\\\"\" .\n")
    );
    let middle_escape = format!("{plain}\n{plain}");
    assert_eq!(
        line(literal(&middle_escape, XSD_STRING, None)),
        format!("<urn:s> <urn:p> \"{plain}\\n{plain}\" .\n")
    );
}

#[test]
fn datatypes_and_languages() {
    assert_eq!(
        line(literal("x", XSD_STRING, None)),
        "<urn:s> <urn:p> \"x\" .\n"
    );
    assert_eq!(
        line(literal(
            "1",
            "http://www.w3.org/2001/XMLSchema#integer",
            None
        )),
        "<urn:s> <urn:p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n"
    );
    assert_eq!(
        line(literal("chat", RDF_LANG_STRING, Some("fr-BE"))),
        "<urn:s> <urn:p> \"chat\"@fr-BE .\n"
    );
}

#[test]
fn iri_characters_that_cannot_appear_are_uchar_escaped() {
    let long = format!("urn:x:{}", "y".repeat(30));
    assert_eq!(line(iri(&format!("{long} <>\"{{}}|^`\\"))), {
        let escaped = "\\u0020\\u003C\\u003E\\u0022\\u007B\\u007D\\u007C\\u005E\\u0060\\u005C";
        format!("<urn:s> <urn:p> <{long}{escaped}> .\n")
    });
    assert_eq!(line(iri("urn:ex:∞")), "<urn:s> <urn:p> <urn:ex:∞> .\n");
}

#[test]
fn graphs_and_blank_nodes() {
    let quad = Quad {
        subject: Term::Blank("b0".to_owned()),
        predicate: iri("urn:p"),
        object: Term::Blank("b1".to_owned()),
        graph: Some(Term::Blank("g".to_owned())),
    };
    assert_eq!(
        serialize_nquads(&[quad.clone(), quad]),
        "_:b0 <urn:p> _:b1 _:g .\n_:b0 <urn:p> _:b1 _:g .\n"
    );
}

#[test]
fn parses_escapes_comments_and_blank_lines() {
    let text = "# a comment\n\n  \t\r\n<urn:s> <urn:p> \"a\\tb\\u00E9\\U0001F303\\\"\" . # trailing comment\r\n\
                _:b0 <urn:p> <urn:\\u0065x> <urn:g> .\n\
                _:b1<urn:p>\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>.\n\
                _:b.2.x <urn:p> \"hi\"@en-GB _:g.\n";
    let quads = parse_nquads(text).expect("valid N-Quads");
    assert_eq!(quads.len(), 4);
    assert_eq!(
        quads[0].object,
        literal("a\tb\u{E9}\u{1F303}\"", XSD_STRING, None)
    );
    assert_eq!(quads[1].object, iri("urn:ex"));
    assert_eq!(quads[1].graph, Some(iri("urn:g")));
    assert_eq!(quads[2].subject, Term::Blank("b1".to_owned()));
    assert_eq!(
        quads[2].object,
        literal("1", "http://www.w3.org/2001/XMLSchema#integer", None)
    );
    assert_eq!(quads[3].subject, Term::Blank("b.2.x".to_owned()));
    assert_eq!(
        quads[3].object,
        literal("hi", RDF_LANG_STRING, Some("en-GB"))
    );
    assert_eq!(quads[3].graph, Some(Term::Blank("g".to_owned())));
}

#[test]
fn serialization_round_trips_through_the_parser() {
    let text = "<urn:s> <urn:p> \"\\u0000\\b\\t\\n\\f\\r\\\"\\\\\\u007F ü\" <urn:g> .\n_:x <urn:p> \"v\"@de .\n";
    let quads = parse_nquads(text).expect("valid N-Quads");
    assert_eq!(serialize_nquads(&quads), text);
    assert_eq!(
        parse_nquads(&serialize_nquads(&quads)).expect("round trip"),
        quads
    );
}

#[test]
fn empty_document() {
    assert_eq!(parse_nquads("").expect("empty is valid"), Vec::new());
    assert_eq!(
        parse_nquads("\n\n# only comments\n").expect("comments are valid"),
        Vec::new()
    );
}

fn error_of(text: &str) -> NQuadsError {
    match parse_nquads(text) {
        Ok(quads) => panic!("expected an error for {text:?}, parsed {quads:?}"),
        Err(error) => error,
    }
}

#[test]
fn errors_name_the_line_and_the_problem() {
    let cases: &[(&str, usize, &str)] = &[
        ("<urn:s> <urn:p> <urn:o>\n", 1, "expected '.'"),
        (
            "\n\n<urn:s> <urn:p> <urn:o> . x\n",
            3,
            "unexpected content after '.'",
        ),
        ("<urn:s> <urn:p> <relative> .\n", 1, "not absolute"),
        ("<urn:s> <urn:p> <urn:a b> .\n", 1, "not allowed in an IRI"),
        (
            "<urn:s> <urn:p> <urn:\\u0020> .\n",
            1,
            "escaped character U+0020",
        ),
        ("<urn:s> <urn:p> <urn:o\n", 1, "unterminated IRI"),
        (
            "<urn:s> <urn:p> \"abc .\n",
            1,
            "unterminated string literal",
        ),
        ("<urn:s> <urn:p> \"a\\qb\" .\n", 1, "invalid escape"),
        ("<urn:s> <urn:p> \"\\u12\" .\n", 1, "4 hexadecimal digits"),
        (
            "<urn:s> <urn:p> \"\\uD800\" .\n",
            1,
            "not a Unicode scalar value",
        ),
        ("<urn:s> <urn:p> \"a\"@ .\n", 1, "invalid language tag"),
        ("<urn:s> <urn:p> \"a\"@en- .\n", 1, "empty subtag"),
        ("<urn:s> <urn:p> \"a\"^<urn:d> .\n", 1, "'^^<'"),
        ("\"s\" <urn:p> <urn:o> .\n", 1, "expected a subject"),
        ("<urn:s> _:p <urn:o> .\n", 1, "expected a predicate"),
        ("<urn:s> <urn:p> .\n", 1, "expected an object"),
        ("<urn:s> <urn:p> _:-x .\n", 1, "invalid blank node label"),
        ("<urn:s> <urn:p> <urn:o> \"g\" .\n", 1, "expected '.'"),
        (
            "<urn:s> <urn:p> <urn:o> .\r\n<urn:s> <urn:p> <urn:o>\r\n",
            2,
            "expected '.'",
        ),
    ];
    for (text, line, fragment) in cases {
        let error = error_of(text);
        assert_eq!(error.line, *line, "line of the error for {text:?}: {error}");
        assert!(
            error.message.contains(fragment),
            "error for {text:?} should mention {fragment:?}: {error}"
        );
    }
}

#[test]
fn error_display_has_line_and_column() {
    let error = error_of("<urn:s> <urn:p> <urn:o> <urn:g> <urn:h> .\n");
    assert_eq!(
        error.to_string(),
        "N-Quads line 1: expected '.' at the end of the statement (column 33)"
    );
}

#[test]
fn escape_checks_agree_with_the_tables_at_every_position() {
    for byte in 0u8..=255 {
        for length in 1usize..40 {
            for position in [0, length / 2, length - 1] {
                let mut bytes = vec![b'x'; length];
                bytes[position] = byte;
                assert_eq!(
                    none_escaped(&bytes, iri_byte_escaped),
                    !IRI_ESCAPED[usize::from(byte)],
                    "IRI byte {byte:#x} at {position} of {length}"
                );
                assert_eq!(
                    literal_none_escaped(&bytes),
                    !LITERAL_ESCAPED[usize::from(byte)],
                    "literal byte {byte:#x} at {position} of {length}"
                );
            }
        }
    }
    assert!(none_escaped(b"", iri_byte_escaped));
}
