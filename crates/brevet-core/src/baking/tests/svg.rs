//! SVG: round trips, replacement, namespaces, and the IMG-02 cases.

use super::super::svg::SvgError;
use super::super::{BadgeVersion, BakeError, Baked, Embedded, ImageKind, bake, unbake};
use super::*;

fn svg_error(result: Result<Option<Embedded>, BakeError>) -> SvgError {
    match result {
        Err(BakeError::Svg(error)) => error,
        other => panic!("expected an SVG error, got {other:?}"),
    }
}

fn payload_of(image: &[u8]) -> Baked {
    unbake(image).unwrap().unwrap().payload
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn json_round_trip_is_byte_for_byte_even_with_cdata_terminators_and_cr() {
    // CREDENTIAL contains "]]>" and "<&>": written as escaped text.
    let baked = bake(PLAIN_SVG.as_bytes(), CREDENTIAL).unwrap();
    assert_eq!(payload_of(&baked), Baked::Json(CREDENTIAL.to_owned()));
    // A plain one goes into a CDATA section.
    let baked = bake(PLAIN_SVG.as_bytes(), OTHER_CREDENTIAL).unwrap();
    assert!(text(&baked).contains(&format!("<![CDATA[{OTHER_CREDENTIAL}]]>")));
    assert_eq!(payload_of(&baked), Baked::Json(OTHER_CREDENTIAL.to_owned()));
    // CR and CRLF survive (XML parsers normalise them to LF unless escaped).
    let crlf = CREDENTIAL.replace('\n', "\r\n");
    let baked = bake(PLAIN_SVG.as_bytes(), &crlf).unwrap();
    assert_eq!(payload_of(&baked), Baked::Json(crlf));
}

#[test]
fn the_element_is_the_first_child_and_the_namespace_is_on_the_root() {
    let baked = bake(PLAIN_SVG.as_bytes(), OTHER_CREDENTIAL).unwrap();
    let expected = PLAIN_SVG.replace(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">"#,
        &format!(
            "<svg xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\" \
             xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"100\" \
             viewBox=\"0 0 100 100\"><openbadges:credential><![CDATA[{OTHER_CREDENTIAL}]]>\
             </openbadges:credential>"
        ),
    );
    assert_eq!(text(&baked), expected);
    let document = roxmltree::Document::parse(text(&baked)).unwrap();
    let first = document.root_element().first_element_child().unwrap();
    assert!(first.has_tag_name(("https://purl.imsglobal.org/ob/v3p0", "credential")));
}

#[test]
fn jwt_goes_into_the_verify_attribute() {
    let token = jwt();
    let baked = bake(PLAIN_SVG.as_bytes(), &format!("{token}\n")).unwrap();
    assert!(text(&baked).contains(&format!("<openbadges:credential verify=\"{token}\"/>")));
    assert_eq!(payload_of(&baked), Baked::Jwt(token));
}

#[test]
fn rebaking_replaces_the_credential_and_keeps_one_declaration() {
    let once = bake(PLAIN_SVG.as_bytes(), CREDENTIAL).unwrap();
    let twice = bake(&once, OTHER_CREDENTIAL).unwrap();
    assert_eq!(payload_of(&twice), Baked::Json(OTHER_CREDENTIAL.to_owned()));
    assert_eq!(text(&twice).matches("<openbadges:credential").count(), 1);
    assert_eq!(text(&twice).matches("xmlns:openbadges").count(), 1);
    // Same credential again: the same image.
    assert_eq!(bake(&once, CREDENTIAL).unwrap(), once);
    // Removing the element and the declaration gives the original back.
    let restored = text(&twice)
        .replace(
            &format!(
                "<openbadges:credential><![CDATA[{OTHER_CREDENTIAL}]]></openbadges:credential>"
            ),
            "",
        )
        .replace(
            " xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\"",
            "",
        );
    assert_eq!(restored, PLAIN_SVG);
}

#[test]
fn rebaking_replaces_an_open_badges_2_assertion() {
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/a/1"><![CDATA[{"type":"Assertion"}]]></openbadges:assertion><rect/></svg>"#;
    let found = unbake(svg.as_bytes()).unwrap().unwrap();
    assert_eq!(found.version, BadgeVersion::OpenBadges2);
    assert_eq!(
        found.payload,
        Baked::Json("{\"type\":\"Assertion\"}".to_owned())
    );
    let baked = bake(svg.as_bytes(), OTHER_CREDENTIAL).unwrap();
    let found = unbake(&baked).unwrap().unwrap();
    assert_eq!(found.version, BadgeVersion::OpenBadges3);
    assert!(!text(&baked).contains("assertion"));
    // `openbadges` means the 2.0 namespace on the root: the new element declares its own.
    assert!(text(&baked).contains(
        "<openbadges:credential xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\">"
    ));
}

#[test]
fn open_badges_2_verify_attribute_url_or_jws() {
    let url = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/a/1"/></svg>"#;
    assert_eq!(
        payload_of(url.as_bytes()),
        Baked::Url("https://example.org/a/1".to_owned())
    );
    let jws = url.replace("https://example.org/a/1", &jwt());
    assert_eq!(payload_of(jws.as_bytes()), Baked::Jwt(jwt()));
}

#[test]
fn roots_of_every_shape_can_be_baked() {
    for svg in [
        "<svg/>",
        "<svg xmlns='http://www.w3.org/2000/svg' a='x>y' />",
        "\u{feff}<?xml version='1.0'?><!-- c --><svg xmlns=\"http://www.w3.org/2000/svg\"\n\tviewBox=\"0 0 1 1\"><g/></svg>",
        "<svg:svg xmlns:svg='http://www.w3.org/2000/svg'><svg:g/></svg:svg>",
        "<svg xmlns:openbadges='https://purl.imsglobal.org/ob/v3p0'><openbadges:credential>{}</openbadges:credential></svg>",
    ] {
        let baked =
            bake(svg.as_bytes(), OTHER_CREDENTIAL).unwrap_or_else(|error| panic!("{svg}: {error}"));
        assert_eq!(
            payload_of(&baked),
            Baked::Json(OTHER_CREDENTIAL.to_owned()),
            "{svg}"
        );
        assert_eq!(text(&baked).matches("xmlns:openbadges").count(), 1, "{svg}");
    }
}

#[test]
fn an_element_baked_elsewhere_is_found() {
    // As openbadgeslib bakes: last child, namespace declared on the element itself.
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><g/><openbadges:credential \
         xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\">{}</openbadges:credential></svg>",
        "{&quot;a&quot;: 1}"
    );
    assert_eq!(
        payload_of(svg.as_bytes()),
        Baked::Json("{\"a\": 1}".to_owned())
    );
}

#[test]
fn an_svg_without_credential_unbakes_to_none() {
    assert_eq!(unbake(PLAIN_SVG.as_bytes()).unwrap(), None);
    // The right local name in another namespace is not a credential.
    let other = r#"<svg xmlns:x="https://example.org/"><x:credential>{}</x:credential></svg>"#;
    assert_eq!(unbake(other.as_bytes()).unwrap(), None);
}

#[test]
fn img_02_external_entities_are_never_resolved() {
    let svg = r#"<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">
<openbadges:credential>&x;</openbadges:credential></svg>"#;
    assert_eq!(svg_error(unbake(svg.as_bytes())), SvgError::InternalSubset);
    assert!(matches!(
        bake(svg.as_bytes(), CREDENTIAL),
        Err(BakeError::Svg(SvgError::InternalSubset))
    ));
    // And the parser, on its own, does not load the entity either: referencing it is an error.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let parsed = roxmltree::Document::parse_with_options(svg, options);
    assert!(parsed.is_err(), "{parsed:?}");
}

#[test]
fn img_02_billion_laughs_is_refused() {
    let svg = r#"<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>&lol4;</openbadges:credential></svg>"#;
    let error = svg_error(unbake(svg.as_bytes()));
    assert_eq!(error, SvgError::InternalSubset);
    assert!(error.to_string().contains("never expands entities"));
    // Even a harmless-looking internal entity is refused: nothing declared is ever expanded.
    let one = "<!DOCTYPE svg [<!ENTITY a '{}'>]><svg xmlns:openbadges='https://purl.imsglobal.org/ob/v3p0'><openbadges:credential>&a;</openbadges:credential></svg>";
    assert_eq!(svg_error(unbake(one.as_bytes())), SvgError::InternalSubset);
}

#[test]
fn img_02_a_plain_doctype_is_tolerated_and_never_followed() {
    let svg = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN [x]\" \
         \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n{}",
        PLAIN_SVG.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
    );
    assert_eq!(unbake(svg.as_bytes()).unwrap(), None);
    let baked = bake(svg.as_bytes(), OTHER_CREDENTIAL).unwrap();
    assert_eq!(payload_of(&baked), Baked::Json(OTHER_CREDENTIAL.to_owned()));
    // A DOCTYPE with entities after the root is not well-formed.
    let late = "<svg/><!DOCTYPE svg [<!ENTITY a 'b'>]>";
    assert!(matches!(
        svg_error(unbake(late.as_bytes())),
        SvgError::Xml(_)
    ));
}

#[test]
fn img_02_active_content_is_irrelevant_only_text_is_extracted() {
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
         xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\" onload=\"alert(1)\">\
         <script>alert(document.domain)</script><foreignObject><div>x</div></foreignObject>\
         <a xlink:href=\"javascript:alert(1)\"><image href=\"http://169.254.169.254/\"/></a>\
         <openbadges:credential><![CDATA[{OTHER_CREDENTIAL}]]></openbadges:credential></svg>"
    );
    assert_eq!(
        payload_of(svg.as_bytes()),
        Baked::Json(OTHER_CREDENTIAL.to_owned())
    );
}

#[test]
fn img_02_polyglots_are_judged_by_their_bytes() {
    // HTML named badge.png: markup, but not an SVG document.
    let html = b"<html><body><script>alert(1)</script></body></html>";
    assert_eq!(ImageKind::sniff(html), Some(ImageKind::Svg));
    assert_eq!(svg_error(unbake(html)), SvgError::NotSvg("html".to_owned()));
    let sloppy_html = b"<!doctype html><p>hi";
    assert!(matches!(svg_error(unbake(sloppy_html)), SvgError::Xml(_)));
    let wrong_namespace = b"<svg xmlns='http://www.w3.org/1999/xhtml'/>";
    assert!(matches!(
        svg_error(unbake(wrong_namespace)),
        SvgError::NotSvg(_)
    ));
    // Neither PNG nor markup.
    for bytes in [&b"GIF89a..."[..], b"\xff\xd8\xff\xe0JFIF", b"", b"%PDF-1.7"] {
        assert!(matches!(
            unbake(bytes),
            Err(BakeError::UnrecognisedImage { .. })
        ));
    }
}

#[test]
fn ambiguous_or_malformed_carriers_are_refused() {
    let ns =
        "xmlns:openbadges='https://purl.imsglobal.org/ob/v3p0' xmlns:ob2='http://openbadges.org'";
    let two = format!(
        "<svg {ns}>\n<openbadges:credential>{{}}</openbadges:credential>\n<g><openbadges:credential>{{\"a\":1}}</openbadges:credential></g></svg>"
    );
    assert_eq!(
        svg_error(unbake(two.as_bytes())),
        SvgError::Duplicate {
            count: 2,
            first_line: 2,
            second_line: 3
        }
    );
    let both = format!(
        "<svg {ns}><openbadges:credential>{{}}</openbadges:credential><ob2:assertion verify='https://a.example/1'/></svg>"
    );
    assert!(matches!(
        svg_error(unbake(both.as_bytes())),
        SvgError::Duplicate { .. }
    ));
    let verify_and_text = format!(
        "<svg {ns}><openbadges:credential verify='{}'>{{}}</openbadges:credential></svg>",
        jwt()
    );
    assert!(matches!(
        svg_error(unbake(verify_and_text.as_bytes())),
        SvgError::VerifyAndContent { .. }
    ));
    let child = format!("<svg {ns}><openbadges:credential><b/>{{}}</openbadges:credential></svg>");
    assert!(matches!(
        svg_error(unbake(child.as_bytes())),
        SvgError::ChildElement { .. }
    ));
    let empty = format!("<svg {ns}><openbadges:credential>  </openbadges:credential></svg>");
    assert!(matches!(
        svg_error(unbake(empty.as_bytes())),
        SvgError::Empty { .. }
    ));
    let not_json = format!("<svg {ns}><openbadges:credential>{{nope</openbadges:credential></svg>");
    assert!(matches!(
        svg_error(unbake(not_json.as_bytes())),
        SvgError::Payload { .. }
    ));
    // A namespaced `verify` is not the verify attribute.
    let foreign_verify = format!(
        "<svg {ns} xmlns:x='https://x.example/'><openbadges:credential x:verify='{}'/></svg>",
        jwt()
    );
    assert!(matches!(
        svg_error(unbake(foreign_verify.as_bytes())),
        SvgError::Empty { .. }
    ));
}

#[test]
fn documents_that_are_not_utf8_are_refused() {
    let latin1 = b"<svg><title>caf\xe9</title></svg>";
    assert_eq!(svg_error(unbake(latin1)), SvgError::NotUtf8 { offset: 15 });
}

#[test]
fn a_credential_xml_cannot_carry_is_refused_at_baking() {
    let credential = "{\"name\":\"\u{FFFF}\"}";
    assert!(matches!(
        bake(PLAIN_SVG.as_bytes(), credential),
        Err(BakeError::Svg(SvgError::UnrepresentableChar(0xFFFF)))
    ));
}

#[test]
fn documents_too_complex_for_a_badge_are_refused_before_or_while_parsing() {
    let many_nodes = format!("<svg>{}</svg>", "<g/>".repeat(200_001));
    assert!(matches!(
        svg_error(unbake(many_nodes.as_bytes())),
        SvgError::TooComplex {
            what: "XML nodes",
            ..
        }
    ));
    let one_element = format!(
        "<svg {}/>",
        (0..257)
            .map(|i| format!("a{i}=''"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let error = svg_error(unbake(one_element.as_bytes()));
    assert!(
        error
            .to_string()
            .contains("over 256 attributes on one element"),
        "{error}"
    );
    let attributes: String = (0..250).map(|i| format!(" a{i}=\"=>\"")).collect();
    let many_elements = format!("<svg>{}</svg>", format!("<g{attributes}/>").repeat(801));
    let error = svg_error(unbake(many_elements.as_bytes()));
    assert!(
        error.to_string().contains("over 200000 attributes"),
        "{error}"
    );
    // Nested namespace declarations cost the parser cubic time: refused before parsing.
    let nested: String = (0..257)
        .map(|i| format!("<g xmlns:p{i}='urn:x'>"))
        .collect();
    let nested = format!("<svg>{nested}{}</svg>", "</g>".repeat(257));
    let error = svg_error(unbake(nested.as_bytes()));
    assert!(
        error
            .to_string()
            .contains("over 256 namespace declarations"),
        "{error}"
    );
    // '=' and "xmlns" in text, comments and CDATA are not markup.
    let text = format!(
        "<svg><!-- {} --><title>{}</title><desc><![CDATA[{}]]></desc></svg>",
        "a=b xmlns ".repeat(1000),
        " xmlns=".repeat(1000),
        "<g a='1'/>".repeat(1000)
    );
    assert_eq!(unbake(text.as_bytes()).unwrap(), None);
    // Well below the limits: fine.
    let busy = format!("<svg>{}</svg>", "<g a='1' b='2'/>".repeat(50_000));
    assert_eq!(unbake(busy.as_bytes()).unwrap(), None);
}
