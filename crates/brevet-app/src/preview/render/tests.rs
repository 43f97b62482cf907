//! The preview is a 1200×630 PNG, draws the badge when it may, and keeps hostile text inert.

use super::*;

fn text() -> PreviewText {
    PreviewText {
        achievement: "Rust Programming".to_owned(),
        recipient: Some("Ada Lovelace".to_owned()),
        issuer: "Acme University".to_owned(),
        site: "badges.example".to_owned(),
    }
}

fn decode(png: &[u8]) -> tiny_skia::Pixmap {
    tiny_skia::Pixmap::decode_png(png).expect("a PNG")
}

fn pixel(pixmap: &tiny_skia::Pixmap, x: u32, y: u32) -> (u8, u8, u8) {
    let color = pixmap.pixel(x, y).expect("inside").demultiply();
    (color.red(), color.green(), color.blue())
}

fn red_png() -> Vec<u8> {
    let mut pixmap = tiny_skia::Pixmap::new(64, 64).unwrap();
    pixmap.fill(tiny_skia::Color::from_rgba8(220, 0, 0, 255));
    pixmap.encode_png().unwrap()
}

const BADGE_CENTRE: (u32, u32) = (BADGE_X + BADGE_SIDE / 2, BADGE_Y + BADGE_SIDE / 2);

#[test]
fn the_preview_is_a_1200_by_630_png_with_text() {
    let png = render_preview(&text(), None).unwrap();
    let pixmap = decode(&png);
    assert_eq!((pixmap.width(), pixmap.height()), (1200, 630));
    // Some dark ink where the title is.
    let inked = (480..1100)
        .flat_map(|x| (60..300).map(move |y| (x, y)))
        .filter(|&(x, y)| pixel(&pixmap, x, y).0 < 100)
        .count();
    assert!(inked > 1_000, "{inked} dark pixels");
}

#[test]
fn a_png_badge_is_drawn() {
    let badge = red_png();
    let png = render_preview(&text(), Some((ImageKind::Png, &badge))).unwrap();
    let (x, y) = BADGE_CENTRE;
    assert_eq!(pixel(&decode(&png), x, y), (220, 0, 0));
}

#[test]
fn an_svg_badge_is_drawn_within_budget_and_left_out_beyond() {
    let badge = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#00c800"/></svg>"##;
    let png = render_preview(&text(), Some((ImageKind::Svg, badge))).unwrap();
    let (x, y) = BADGE_CENTRE;
    assert_eq!(pixel(&decode(&png), x, y), (0, 200, 0));

    let costly = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><marker id="m"><rect width="1" height="1"/></marker></defs><rect width="10" height="10" fill="#00c800"/></svg>"##;
    let without = render_preview(&text(), Some((ImageKind::Svg, costly))).unwrap();
    assert_eq!(without, render_preview(&text(), None).unwrap());
}

#[test]
fn an_svg_badge_cannot_load_files() {
    // An SVG that links a file on the server draws nothing from it (and the upload check
    // would have refused it anyway).
    let badge = br##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"><image width="10" height="10" xlink:href="/etc/passwd"/></svg>"##;
    assert!(render_preview(&text(), Some((ImageKind::Svg, badge))).is_ok());
}

#[test]
fn hostile_text_stays_text() {
    let hostile = PreviewText {
        achievement: "</text><image xlink:href=\"file:///etc/passwd\"/><text>".to_owned(),
        recipient: Some("Mallory\u{202E}gnp.exe \u{FFFF}\u{0000}".to_owned()),
        issuer: "&amp; <![CDATA[ x ]]> ".repeat(40),
        site: "evil\"><x".to_owned(),
    };
    let svg = template(&hostile, None);
    assert!(!svg.contains("<image"), "{svg}");
    assert!(!svg.contains('\u{202E}') && !svg.contains('\u{FFFF}') && !svg.contains('\u{0}'));
    assert!(svg.contains("&lt;/text&gt;&lt;image"));
    let png = render_preview(&hostile, None).unwrap();
    assert_eq!(decode(&png).width(), 1200);
}

#[test]
fn a_long_title_shrinks_and_stays_in_its_column() {
    let long = PreviewText {
        achievement: "Advanced Interdisciplinary Certificate in ".repeat(10),
        ..text()
    };
    let blocks = text_blocks(&long);
    assert_eq!(blocks[0].lines.len(), 3);
    assert_eq!(blocks[0].size, 36.0);
    assert!(blocks[0].lines[2].ends_with('…'));
    let total: f32 = blocks.iter().map(Block::height).sum();
    assert!(total <= TEXT_BOTTOM - TEXT_TOP, "{total}");
}
