//! Certificates checked with independent tools: qpdf (`--check`: structure and streams),
//! poppler's pdfinfo (page size), pdftotext (the name and address are text), pdftoppm with
//! zbarimg (the printed QR code decodes to exactly the address) and pdfdetach (the attachment
//! is the credential, byte for byte), over every layout, both papers, and hostile text.
//!
//! The tools come from `.ci/install-pdf-tools`. Without them the tests say that they skipped,
//! unless `BREVET_REQUIRE_PDF_TOOLS=1` (set in CI), where they fail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use brevet_certificate::{Accent, Certificate, Design, Layout, Paper, render};

const TOOLS: [&str; 6] = [
    "qpdf",
    "pdfinfo",
    "pdftotext",
    "pdftoppm",
    "pdfdetach",
    "zbarimg",
];
const URL: &str = "https://badges.example.org/c/0123456789abcdef0123456789abcdef";
const CREDENTIAL: &str =
    "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"name\":\"Zoë\"}\n";

/// Whether the tools are installed; panics when they are required and missing.
fn tools() -> bool {
    let missing: Vec<&str> = TOOLS
        .into_iter()
        .filter(|tool| {
            Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .map(|output| !output.status.success())
                .unwrap_or(true)
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("BREVET_REQUIRE_PDF_TOOLS").as_deref() == Ok("1") {
        panic!("BREVET_REQUIRE_PDF_TOOLS=1 but {missing:?} are missing: run .ci/install-pdf-tools");
    }
    eprintln!("skipped: PDF tools {missing:?} are not installed (run .ci/install-pdf-tools)");
    false
}

/// A fresh directory under the system's temporary directory.
fn scratch() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "brevet-certificate-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(program: &str, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(program).args(args).output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A small RGBA PNG logo with transparency.
fn logo() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, 120, 40);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        let mut data = Vec::new();
        for y in 0..40u32 {
            for x in 0..120u32 {
                let inside = (x / 20 + y / 20) % 2 == 0;
                data.extend_from_slice(&[20, 90, 160, if inside { 255 } else { 0 }]);
            }
        }
        writer.write_image_data(&data).unwrap();
    }
    out
}

fn certificate<'a>(name: &'a str, logo: Option<&'a [u8]>) -> Certificate<'a> {
    Certificate {
        recipient_name: name,
        achievement_name: "Advanced Rust Programming",
        issuer_name: "Université de Genève",
        awarded_on: "27 November 2026",
        valid_until: None,
        criteria: Some("Completed twelve exercises and a final project reviewed by two mentors."),
        verification_url: URL,
        logo,
        achievement_image: logo,
        credential: CREDENTIAL.as_bytes(),
    }
}

/// Writes `pdf`, checks it with every tool, and returns its text.
fn check(pdf: &[u8], paper: Paper, label: &str) -> String {
    let dir = scratch();
    let file = dir.join("certificate.pdf");
    std::fs::write(&file, pdf).unwrap();

    let (ok, out, err) = run("qpdf", &["--check", path(&file)]);
    assert!(ok, "{label}: qpdf --check failed:\n{out}\n{err}");
    assert!(
        out.contains("No syntax or stream encoding errors"),
        "{label}: {out}"
    );

    let (ok, info, err) = run("pdfinfo", &[path(&file)]);
    assert!(ok && !err.contains("Error"), "{label}: pdfinfo: {err}");
    assert!(info.contains("Pages:           1"), "{label}: {info}");
    let size = match paper {
        Paper::A4 => "Page size:       842 x 595 pts",
        Paper::Letter => "Page size:       792 x 612 pts (letter)",
    };
    assert!(info.contains(size), "{label}: {info}");

    let (ok, text, err) = run("pdftotext", &[path(&file), "-"]);
    assert!(ok && !err.contains("Error"), "{label}: pdftotext: {err}");
    assert!(
        text.contains(URL),
        "{label}: the address is not in the text:\n{text}"
    );

    let image = dir.join("page");
    let (ok, _, err) = run(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            path(&file),
            path(&image),
        ],
    );
    assert!(ok && !err.contains("Error"), "{label}: pdftoppm: {err}");
    let (ok, decoded, err) = run(
        "zbarimg",
        &["--quiet", "--raw", path(&dir.join("page.png"))],
    );
    assert!(ok, "{label}: zbarimg found no code: {err}");
    assert_eq!(decoded.trim_end_matches('\n'), URL, "{label}: the QR code");

    let attachments = dir.join("attachments");
    std::fs::create_dir_all(&attachments).unwrap();
    let (ok, list, _) = run("pdfdetach", &["-list", path(&file)]);
    assert!(
        ok && list.contains("1 embedded files") && list.contains("credential.json"),
        "{label}: {list}"
    );
    let (ok, _, err) = run(
        "pdfdetach",
        &["-saveall", "-o", path(&attachments), path(&file)],
    );
    assert!(ok, "{label}: pdfdetach: {err}");
    let attached = std::fs::read(attachments.join("credential.json")).unwrap();
    assert_eq!(attached, CREDENTIAL.as_bytes(), "{label}: the attachment");

    if std::env::var_os("BREVET_KEEP_CERTIFICATES").is_some() {
        eprintln!("{label}: kept in {}", dir.display());
    } else {
        std::fs::remove_dir_all(&dir).ok();
    }
    text
}

#[test]
fn every_layout_prints_names_decodes_and_carries_the_credential() {
    if !tools() {
        return;
    }
    let logo = logo();
    let name = "Zoë Ñúñez-Šťastný Δήμητρα Юлия";
    for layout in Layout::ALL {
        for paper in [Paper::A4, Paper::Letter] {
            let design = Design {
                layout,
                accent: Accent::parse("#7f1d1d").unwrap(),
            };
            let pdf = render(&certificate(name, Some(&logo)), design, paper).unwrap();
            let text = check(&pdf, paper, &format!("{layout} {}", paper.as_str()));
            assert!(
                text.contains(name),
                "{layout}: the name is not in the text:\n{text}"
            );
            assert!(
                text.contains("Advanced Rust Programming"),
                "{layout}:\n{text}"
            );
            assert!(text.contains("27 November 2026"), "{layout}:\n{text}");
            assert!(text.contains("Université de Genève"), "{layout}:\n{text}");
        }
    }
}

#[test]
fn hostile_text_stays_in_its_box_and_the_code_still_decodes() {
    if !tools() {
        return;
    }
    let long = "Wolfeschlegelsteinhausenbergerdorff ".repeat(80);
    let hostile = [
        long.as_str(),
        "Ann\u{202E}eb\u{202C} Lee <script>alert(1)</script> & (x) \\",
        "\u{2067}مريم\u{2069} \u{200F}שרה כהן 李小龙 👩🏽‍🚀",
    ];
    for name in hostile {
        for layout in Layout::ALL {
            let design = Design {
                layout,
                accent: Accent::default(),
            };
            let mut certificate = certificate(name, None);
            certificate.achievement_name = name;
            certificate.criteria = Some(name);
            let pdf = render(&certificate, design, Paper::Letter).unwrap();
            let text = check(&pdf, Paper::Letter, &format!("{layout} hostile"));
            for control in ['\u{202E}', '\u{2067}', '\u{2069}', '\u{200F}'] {
                assert!(!text.contains(control), "{layout}: {control:?} printed");
            }
        }
    }
}

#[test]
fn markup_prints_as_text_and_svg_images_get_a_placeholder() {
    if !tools() {
        return;
    }
    let name = "Ann <b>Lee</b> & Co (x) \\";
    let svg =
        br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>"#;
    for layout in Layout::ALL {
        let design = Design {
            layout,
            accent: Accent::parse("#166534").unwrap(),
        };
        let pdf = render(&certificate(name, Some(svg)), design, Paper::A4).unwrap();
        let text = check(&pdf, Paper::A4, &format!("{layout} markup and SVG"));
        assert!(text.contains(name), "{layout}: {text}");
        // The placeholders are monograms of the issuer's and the achievement's initials.
        assert!(
            text.contains("UD") && text.contains("AR"),
            "{layout}: {text}"
        );
    }
}
