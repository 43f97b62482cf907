//! Structural tests of whole certificates without external tools: the cross-reference table
//! points at every object, the page has the paper's MediaBox, the attachment inflates to the
//! exact credential bytes, fonts are subset and hostile text neither panics nor escapes its
//! box. (Rendering, text extraction and QR decoding with poppler and zbar are tested in
//! `tests/tools.rs`.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;

use super::*;
use crate::images::tests::rgba_png;

const CREDENTIAL: &[u8] =
    r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"name":"Zoë \u0000 (x) \\ <b>"}"#
        .as_bytes();

pub(crate) fn sample<'a>(name: &'a str, logo: Option<&'a [u8]>) -> Certificate<'a> {
    Certificate {
        recipient_name: name,
        achievement_name: "Advanced Rust Programming",
        issuer_name: "Université de Genève",
        awarded_on: "27 November 2026",
        valid_until: Some("27 November 2028"),
        criteria: Some("Completed twelve exercises and a final project reviewed by two mentors."),
        verification_url: "https://badges.example.org/c/0123456789abcdef0123456789abcdef",
        logo,
        achievement_image: logo,
        credential: CREDENTIAL,
    }
}

/// The objects of a PDF written without object streams, by their cross-reference table.
struct Parsed<'a> {
    bytes: &'a [u8],
    offsets: Vec<usize>,
}

impl<'a> Parsed<'a> {
    fn new(bytes: &'a [u8]) -> Parsed<'a> {
        assert!(bytes.starts_with(b"%PDF-1."), "header");
        let text = String::from_utf8_lossy(bytes);
        assert!(text.trim_end().ends_with("%%EOF"), "trailer");
        let start: usize = text
            .rsplit_once("startxref")
            .unwrap()
            .1
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            bytes[start..].starts_with(b"xref"),
            "startxref points at the table"
        );
        let table = String::from_utf8_lossy(&bytes[start..]);
        let mut lines = table.lines().skip(1);
        let header: Vec<usize> = lines
            .next()
            .unwrap()
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        let mut offsets = Vec::new();
        for _ in 0..header[1] {
            let entry = lines.next().unwrap();
            offsets.push(entry[..10].parse().unwrap());
        }
        for (number, offset) in offsets.iter().enumerate().skip(1) {
            let expected = format!("{number} 0 obj");
            assert!(
                bytes[*offset..].starts_with(expected.as_bytes()),
                "object {number} is where the table says"
            );
        }
        Parsed { bytes, offsets }
    }

    fn object(&self, number: usize) -> &'a [u8] {
        let start = self.offsets[number];
        let end = find(&self.bytes[start..], b"endobj").unwrap() + start;
        &self.bytes[start..end]
    }

    /// Every object whose dictionary contains `needle`.
    fn objects_with(&self, needle: &[u8]) -> Vec<&'a [u8]> {
        (1..self.offsets.len())
            .map(|number| self.object(number))
            .filter(|object| {
                let dictionary_end = find(object, b"stream").unwrap_or(object.len());
                find(&object[..dictionary_end], needle).is_some()
            })
            .collect()
    }

    /// The decoded data of a stream object.
    fn stream(object: &[u8]) -> Vec<u8> {
        let start = find(object, b"stream\n").unwrap() + 7;
        let end = rfind(object, b"\nendstream").unwrap();
        let raw = &object[start..end];
        if find(object, b"/FlateDecode").is_some() {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(raw)
                .read_to_end(&mut out)
                .unwrap();
            out
        } else {
            raw.to_vec()
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window == needle)
}

fn every_design() -> Vec<Design> {
    Layout::ALL
        .into_iter()
        .map(|layout| Design {
            layout,
            accent: Accent::parse("#0f766e").unwrap(),
        })
        .collect()
}

#[test]
fn every_layout_on_both_papers_is_a_well_formed_pdf_with_the_right_media_box() {
    let logo = rgba_png(64, 32);
    for design in every_design() {
        for (paper, media_box) in [
            (Paper::A4, "/MediaBox [0 0 842 595]"),
            (Paper::Letter, "/MediaBox [0 0 792 612]"),
        ] {
            let pdf = render(&sample("Zoë Ñúñez", Some(&logo)), design, paper).unwrap();
            let parsed = Parsed::new(&pdf);
            let pages = parsed.objects_with(b"/Type /Page\n");
            let page = pages
                .iter()
                .find(|object| find(object, b"/MediaBox").is_some())
                .unwrap();
            assert!(
                find(page, media_box.as_bytes()).is_some(),
                "{design:?} {paper:?}: {}",
                String::from_utf8_lossy(page)
            );
            assert!(pdf.len() < 400_000, "{design:?}: {} bytes", pdf.len());
        }
    }
}

#[test]
fn the_credential_is_attached_byte_for_byte_and_listed_twice() {
    let pdf = render(&sample("Ada", None), Design::default(), Paper::A4).unwrap();
    let parsed = Parsed::new(&pdf);
    let embedded = parsed.objects_with(b"/Type /EmbeddedFile");
    assert_eq!(embedded.len(), 1);
    assert_eq!(Parsed::stream(embedded[0]), CREDENTIAL);
    assert!(find(embedded[0], b"/Subtype /application#2Fld+json").is_some());
    let spec = parsed.objects_with(b"/Type /Filespec");
    assert_eq!(spec.len(), 1);
    let spec_text = String::from_utf8_lossy(spec[0]);
    assert!(spec_text.contains("/F (credential.json)"), "{spec_text}");
    assert!(spec_text.contains("/AFRelationship /Data"), "{spec_text}");
    let catalog = parsed.objects_with(b"/Type /Catalog");
    let catalog_text = String::from_utf8_lossy(catalog[0]);
    let spec_number = spec_text.split_whitespace().next().unwrap();
    assert!(
        catalog_text.contains(&format!(
            "/EmbeddedFiles <<\n      /Names [(credential.json) {spec_number} 0 R]"
        )) || catalog_text.contains(&format!("(credential.json) {spec_number} 0 R")),
        "{catalog_text}"
    );
    assert!(
        catalog_text.contains(&format!("/AF [{spec_number} 0 R]")),
        "{catalog_text}"
    );
}

#[test]
fn fonts_are_embedded_as_subsets_with_a_unicode_map() {
    let pdf = render(&sample("Δήμητρα Юлия", None), Design::default(), Paper::A4).unwrap();
    let parsed = Parsed::new(&pdf);
    let fonts = parsed.objects_with(b"/Subtype /Type0");
    assert!(!fonts.is_empty());
    for font in &fonts {
        let text = String::from_utf8_lossy(font);
        assert!(text.contains("/Encoding /Identity-H"), "{text}");
        assert!(text.contains("/ToUnicode"), "{text}");
        let tag = text.split("/BaseFont /").nth(1).unwrap();
        assert_eq!(tag.as_bytes()[6], b'+', "{text}");
    }
    for program in parsed.objects_with(b"/Length1") {
        let length = Parsed::stream(program).len();
        assert!(length < 120_000, "subset of {length} bytes");
    }
    let cmaps: Vec<String> = parsed
        .objects_with(b"/Length")
        .into_iter()
        .map(|object| String::from_utf8_lossy(&Parsed::stream(object)).into_owned())
        .filter(|stream| stream.contains("begincmap"))
        .collect();
    assert_eq!(cmaps.len(), fonts.len());
    // Δ is U+0394, Ю is U+042E.
    assert!(
        cmaps.iter().any(|cmap| cmap.contains("<0394>")),
        "{cmaps:?}"
    );
    assert!(
        cmaps.iter().any(|cmap| cmap.contains("<042E>")),
        "{cmaps:?}"
    );
}

#[test]
fn a_png_logo_with_alpha_is_an_image_with_a_soft_mask() {
    let logo = rgba_png(40, 20);
    let pdf = render(&sample("Ada", Some(&logo)), Design::default(), Paper::A4).unwrap();
    let parsed = Parsed::new(&pdf);
    let images = parsed.objects_with(b"/Subtype /Image");
    // Logo and achievement image, each with its mask.
    assert_eq!(images.len(), 4);
    assert_eq!(parsed.objects_with(b"/SMask").len(), 2);
}

#[test]
fn an_svg_image_is_replaced_by_a_placeholder() {
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>";
    for design in every_design() {
        let pdf = render(&sample("Ada", Some(svg)), design, Paper::Letter).unwrap();
        let parsed = Parsed::new(&pdf);
        assert!(parsed.objects_with(b"/Subtype /Image").is_empty());
    }
}

#[test]
fn hostile_text_does_not_break_the_document() {
    let hostile = [
        "A".repeat(5000),
        "Ann\u{202E}eb\u{202C} Lee <script>&amp;</script> (x) \\) ]>> endobj".to_owned(),
        "\u{0}\u{7}\u{1b}[2J\u{feff}".to_owned(),
        "مريم الأحمد 李小龙 👩🏽‍🚀 ".repeat(200),
        "endstream endobj %%EOF trailer".to_owned(),
        String::new(),
        " ".repeat(100),
    ];
    for name in &hostile {
        for design in every_design() {
            for paper in [Paper::A4, Paper::Letter] {
                let mut certificate = sample(name, None);
                certificate.achievement_name = name;
                certificate.issuer_name = name;
                certificate.criteria = Some(name);
                certificate.awarded_on = name;
                certificate.valid_until = Some(name);
                let pdf = render(&certificate, design, paper).unwrap();
                let parsed = Parsed::new(&pdf);
                assert_eq!(parsed.objects_with(b"/Type /EmbeddedFile").len(), 1);
            }
        }
    }
}

#[test]
fn page_content_stays_on_the_page_for_long_text() {
    let long = "Wolfeschlegelsteinhausenbergerdorff ".repeat(100);
    for design in every_design() {
        for paper in [Paper::A4, Paper::Letter] {
            let (width, height) = paper.size();
            let mut certificate = sample(&long, None);
            certificate.achievement_name = &long;
            certificate.criteria = Some(&long);
            let pdf = render(&certificate, design, paper).unwrap();
            let parsed = Parsed::new(&pdf);
            let content = parsed
                .objects_with(b"/Length")
                .into_iter()
                .map(Parsed::stream)
                .find(|stream| find(stream, b"BT").is_some())
                .unwrap();
            let content = String::from_utf8_lossy(&content);
            // Every text position (the Tm operands) is on the page.
            for line in content.lines().filter(|line| line.ends_with(" Tm")) {
                let numbers: Vec<f32> = line
                    .split_whitespace()
                    .take(6)
                    .map(|n| n.parse().unwrap())
                    .collect();
                let (x, y) = (numbers[4], numbers[5]);
                assert!(
                    x >= 20.0 && x <= width - 20.0,
                    "{design:?} {paper:?}: x {x}"
                );
                assert!(
                    y >= 20.0 && y <= height - 20.0,
                    "{design:?} {paper:?}: y {y}"
                );
            }
        }
    }
}

#[test]
fn an_oversized_credential_is_refused() {
    let big = vec![b' '; MAX_ATTACHMENT_BYTES + 1];
    let mut certificate = sample("Ada", None);
    certificate.credential = &big;
    assert_eq!(
        render(&certificate, Design::default(), Paper::A4),
        Err(CertificateError::TooLarge(MAX_ATTACHMENT_BYTES + 1))
    );
}
