//! Image upload checks: formats by content, polyglots, pixel caps, and inert SVG (IMG-01, IMG-02).

#![allow(clippy::unwrap_used)]

use super::*;

/// A PNG's chunk: length, type, data, and a CRC (not checked by Brevet; zeros here).
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&[0, 0, 0, 0]);
    out
}

pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut out = PNG_SIGNATURE.to_vec();
    out.extend(chunk(b"IHDR", &ihdr));
    out.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    out.extend(chunk(b"IEND", &[]));
    out
}

pub(crate) fn jpeg(width: u16, height: u16) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    out.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
    out.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    out.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 0x08]);
    out.extend_from_slice(&height.to_be_bytes());
    out.extend_from_slice(&width.to_be_bytes());
    out.extend_from_slice(&[0x01, 0x01, 0x11, 0x00]);
    out.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
    out.extend_from_slice(&[0x00, 0xFF, 0xD9]);
    out
}

const SVG: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
  <style>.a { fill: url(#g); }</style>
  <title>Badge</title>
  <circle class="a" cx="50" cy="50" r="40" fill="url('#g')" style="stroke: #000"/>
  <use xlink:href="#g"/>
  <text x="10" y="20">javascript: is only text here</text>
</svg>"##;

fn message(result: Result<ImageKind, AppError>) -> String {
    match result {
        Err(AppError::Invalid { code, message }) => {
            assert_eq!(code, "INVALID_IMAGE");
            message
        }
        other => panic!("expected INVALID_IMAGE, got {other:?}"),
    }
}

#[test]
fn accepts_png_jpeg_and_plain_svg() {
    assert_eq!(
        check_image(Some("image/png"), &png(64, 64)).unwrap(),
        ImageKind::Png
    );
    assert_eq!(check_image(None, &png(4096, 1)).unwrap(), ImageKind::Png);
    assert_eq!(
        check_image(Some("image/jpeg"), &jpeg(300, 200)).unwrap(),
        ImageKind::Jpeg
    );
    assert_eq!(
        check_image(Some("application/octet-stream"), &jpeg(1, 1)).unwrap(),
        ImageKind::Jpeg
    );
    assert_eq!(
        check_image(Some("image/svg+xml; charset=utf-8"), SVG.as_bytes()).unwrap(),
        ImageKind::Svg
    );
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), SVG.as_bytes()].concat();
    assert_eq!(check_image(None, &with_bom).unwrap(), ImageKind::Svg);
}

#[test]
fn refuses_other_types_and_polyglots() {
    assert!(message(check_image(Some("image/gif"), b"GIF89a....")).contains("image/gif"));
    assert!(message(check_image(Some("text/html"), SVG.as_bytes())).contains("text/html"));
    assert!(message(check_image(None, b"GIF89a\x01\x00")).contains("not a PNG, JPEG or SVG"));
    // A file that says it is a PNG but whose bytes are SVG (or HTML).
    assert!(
        message(check_image(Some("image/png"), SVG.as_bytes()))
            .contains("says it is PNG but its bytes are SVG")
    );
    assert!(
        message(check_image(
            Some("image/png"),
            b"<html><script>alert(1)</script></html>"
        ))
        .contains("PNG")
    );
    assert!(message(check_image(Some("image/svg+xml"), &png(1, 1))).contains("bytes are PNG"));
    assert!(message(check_image(None, b"")).contains("empty"));
}

#[test]
fn refuses_more_than_one_mebibyte() {
    let mut big = png(10, 10);
    big.resize(MAX_IMAGE_BYTES + 1, 0);
    assert!(matches!(
        check_image(None, &big),
        Err(AppError::TooLarge(_))
    ));
}

#[test]
fn png_structure_and_pixel_cap() {
    assert!(message(check_image(None, &png(20_000, 20_000))).contains("20000×20000"));
    assert!(message(check_image(None, &png(0, 10))).contains("no pixels"));
    let mut trailing = png(1, 1);
    trailing.extend_from_slice(b"<html>");
    assert!(message(check_image(None, &trailing)).contains("data after IEND"));
    let good = png(1, 1);
    assert!(message(check_image(None, &good[..good.len() - 12])).contains("missing IEND"));
    let mut huge_chunk = good[..33].to_vec();
    huge_chunk.extend_from_slice(&[0x7F, 0xFF, 0xFF, 0xFF]);
    huge_chunk.extend_from_slice(b"IDAT");
    assert!(message(check_image(None, &huge_chunk)).contains("past the end"));
    assert!(message(check_image(None, PNG_SIGNATURE)).contains("IHDR"));
    let mut no_data = PNG_SIGNATURE.to_vec();
    no_data.extend_from_slice(&png(1, 1)[8..33]);
    no_data.extend(chunk(b"IEND", &[]));
    assert!(message(check_image(None, &no_data)).contains("no IDAT"));
}

#[test]
fn jpeg_structure_and_pixel_cap() {
    assert!(message(check_image(None, &jpeg(5000, 10))).contains("5000×10"));
    assert!(message(check_image(None, &[0xFF, 0xD8, 0xFF])).contains("JPEG"));
    assert!(
        message(check_image(None, &[0xFF, 0xD8, 0xFF, 0xDA, 0, 2])).contains("no frame header")
    );
    assert!(
        message(check_image(None, &[0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF, 0]))
            .contains("past the end")
    );
}

fn svg_refusal(svg: &str) -> String {
    message(check_image(Some("image/svg+xml"), svg.as_bytes()))
}

fn wrap(inner: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{inner}</svg>"#
    )
}

#[test]
fn refuses_active_svg() {
    let cases = [
        (wrap("<script>alert(1)</script>"), "<script>"),
        (wrap("<foreignObject><div/></foreignObject>"), "<foreignObject>"),
        (
            r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#.to_owned(),
            "onload",
        ),
        (wrap(r#"<rect ONCLICK="x()"/>"#), "ONCLICK"),
        (wrap(r#"<a xlink:href="javascript:alert(1)"><rect/></a>"#), "<a>"),
        (wrap(r#"<use xlink:href="javascript:alert(1)"/>"#), "javascript:alert(1)"),
        (wrap(r#"<image href="http://169.254.169.254/"/>"#), "169.254.169.254"),
        (wrap(r#"<use href="https://evil.example/s.svg#x"/>"#), "evil.example"),
        (wrap(r#"<image href="data:image/svg+xml;base64,PHN2Zz4="/>"#), "data:image/svg"),
        (wrap(r#"<set attributeName="href" to="javascript:alert(1)"/>"#), "<set>"),
        (wrap(r#"<animate attributeName="href"/>"#), "<animate>"),
        (wrap(r#"<rect fill="url(https://evil.example/p)"/>"#), "url(https://evil.example/p)"),
        (wrap(r#"<rect style="fill: url( 'http://x/' )"/>"#), "url("),
        (wrap("<style>@import 'https://evil.example/a.css';</style>"), "@import"),
        (wrap(r"<style>rect { fill: u\72l(http://x) }</style>"), r#""\\""#),
        (wrap("<style>rect { background: url(http://x) }</style>"), "url(http://x)"),
        (
            wrap(r#"<html:script xmlns:html="http://www.w3.org/1999/xhtml">alert(1)</html:script>"#),
            "http://www.w3.org/1999/xhtml",
        ),
        (
            r#"<?xml-stylesheet href="https://evil.example/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>"#
                .to_owned(),
            "processing instruction",
        ),
        (
            r#"<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#
                .to_owned(),
            "DOCTYPE",
        ),
        (
            r#"<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>"#
                .to_owned(),
            "DOCTYPE",
        ),
        ("<svg><rect/></svg>".to_owned(), "root element"),
        (
            r#"<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>"#.to_owned(),
            "root element",
        ),
        (wrap("<rect>"), "not well-formed"),
        (wrap("&unknown;"), "not well-formed"),
    ];
    for (svg, expected) in cases {
        let refusal = svg_refusal(&svg);
        assert!(
            refusal.contains("SVG refused") && refusal.contains(expected),
            "{svg}\n  → {refusal}\n  expected to mention {expected}"
        );
    }
}

#[test]
fn character_references_do_not_hide_links() {
    let refusal = svg_refusal(&wrap(r#"<use href="&#106;avascript:alert(1)"/>"#));
    assert!(refusal.contains("javascript:alert(1)"), "{refusal}");
}

#[test]
fn accepts_editor_metadata_and_embedded_rasters() {
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg"
        xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
        xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
        xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
        xmlns:dc="http://purl.org/dc/elements/1.1/"
        inkscape:version="1.3">
      <sodipodi:namedview id="n"/>
      <metadata><rdf:RDF><dc:title>Badge</dc:title></rdf:RDF></metadata>
      <image href="data:image/png;base64,iVBORw0KGgo=" width="10" height="10"/>
      <filter id="f"><feGaussianBlur stdDeviation="2"/></filter>
      <g filter="url(#f)"><path d="M0 0L10 10"/></g>
    </svg>"#;
    assert_eq!(check_image(None, svg.as_bytes()).unwrap(), ImageKind::Svg);
}

#[test]
fn never_panics_on_prefixes_of_valid_images() {
    for bytes in [png(3, 3), jpeg(3, 3), SVG.as_bytes().to_vec()] {
        for end in 0..bytes.len() {
            let _ = check_image(None, &bytes[..end]);
        }
    }
}
