//! Drawing the preview image: an SVG template (the badge on the left; the achievement, the
//! recipient and the issuer on the right; the site along the bottom) rendered with `resvg` into
//! a 1200×630 PNG, the size link previews use. Text is drawn with the DejaVu Sans faces that
//! `brevet-certificate` embeds (licence in its `fonts/README.md`), made inert and XML-escaped
//! before it enters the template. The badge goes in as a `data:` image that only
//! [`resolve_data`] resolves: PNG and JPEG within the upload caps, and SVG within the drawing
//! budget of [`super::svg_budget`]; nothing outside the template is ever loaded (no files, no
//! network).

use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use base64::Engine;
use brevet_core::text::{escape_html, inert_line};
use resvg::tiny_skia;
use resvg::usvg::{self, fontdb};

use super::layout::{self, Face};
use super::svg_budget;
use crate::images::{ImageKind, check_image};

/// The width of the preview image, in pixels.
pub const WIDTH: u32 = 1200;
/// The height of the preview image, in pixels.
pub const HEIGHT: u32 = 630;

/// The family name of the embedded faces.
const FAMILY: &str = "DejaVu Sans";
const INK: &str = "#1f2328";
const MUTED: &str = "#57606a";
const ACCENT: &str = "#1f4e79";
/// Where the text column starts and how wide it is.
const TEXT_X: f32 = 480.0;
const TEXT_WIDTH: f32 = 640.0;
/// The band the text is centred in (between the top bar and the footer).
const TEXT_TOP: f32 = 40.0;
const TEXT_BOTTOM: f32 = 540.0;
/// The badge's box.
const BADGE_X: u32 = 72;
const BADGE_Y: u32 = 110;
const BADGE_SIDE: u32 = 360;

/// The text of a preview.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreviewText {
    pub achievement: String,
    pub recipient: Option<String>,
    pub issuer: String,
    /// The site the credential lives on, for the footer (`badges.example.org`).
    pub site: String,
}

/// Why a preview could not be drawn (a defect: the template is ours).
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the preview template does not parse: {0}")]
    Template(String),
    #[error("the preview canvas could not be made")]
    Canvas,
    #[error("the preview could not be encoded: {0}")]
    Encode(String),
}

/// The preview of `text` with `badge` (its format and bytes, as stored after the upload
/// checks), as PNG bytes. A badge that cannot be drawn within the budget is left out.
pub fn render_preview(
    text: &PreviewText,
    badge: Option<(ImageKind, &[u8])>,
) -> Result<Vec<u8>, RenderError> {
    let badge = badge.filter(|(kind, bytes)| match kind {
        ImageKind::Svg => match svg_budget::check(bytes) {
            Ok(()) => true,
            Err(reason) => {
                tracing::info!(%reason, "preview drawn without its badge");
                false
            }
        },
        ImageKind::Png | ImageKind::Jpeg => true,
    });
    let svg = template(text, badge);
    let options = usvg::Options {
        font_family: FAMILY.to_owned(),
        fontdb: fonts(),
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(resolve_data),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&svg, &options)
        .map_err(|error| RenderError::Template(error.to_string()))?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or(RenderError::Canvas)?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|error| RenderError::Encode(error.to_string()))
}

/// The embedded faces, loaded once; every generic family maps to them.
fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut database = fontdb::Database::new();
            for face in [Face::Regular, Face::Bold] {
                database.load_font_source(fontdb::Source::Binary(Arc::new(face.data())));
            }
            database.set_serif_family(FAMILY);
            database.set_sans_serif_family(FAMILY);
            database.set_cursive_family(FAMILY);
            database.set_fantasy_family(FAMILY);
            database.set_monospace_family(FAMILY);
            Arc::new(database)
        })
        .clone()
}

/// Resolves a `data:` image: PNG and JPEG within the upload caps, SVG that is inert and within
/// the drawing budget; anything else is not drawn.
fn resolve_data(
    _declared: &str,
    data: Arc<Vec<u8>>,
    options: &usvg::Options,
) -> Option<usvg::ImageKind> {
    match check_image(None, &data).ok()? {
        ImageKind::Png => Some(usvg::ImageKind::PNG(data)),
        ImageKind::Jpeg => Some(usvg::ImageKind::JPEG(data)),
        ImageKind::Svg => {
            svg_budget::check(&data).ok()?;
            usvg::Tree::from_data_nested(&data, options)
                .ok()
                .map(usvg::ImageKind::SVG)
        }
    }
}

/// Text made safe for the template: one inert line, only characters XML allows, escaped.
fn xml_text(text: &str) -> String {
    let allowed: String = inert_line(text)
        .chars()
        .map(|c| match c {
            '\u{FFFE}' | '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect();
    escape_html(&allowed)
}

/// A run of lines in one style.
struct Block {
    lines: Vec<String>,
    face: Face,
    size: f32,
    color: &'static str,
    /// Space above the block, in pixels.
    gap_above: f32,
}

impl Block {
    fn line_height(&self) -> f32 {
        self.size * 1.2
    }

    fn height(&self) -> f32 {
        self.gap_above + self.line_height() * self.lines.len() as f32
    }
}

fn text_blocks(text: &PreviewText) -> Vec<Block> {
    let mut blocks = Vec::new();
    let (lines, size) = layout::fit(
        Face::Bold,
        &text.achievement,
        &[64.0, 56.0, 48.0, 42.0, 36.0],
        TEXT_WIDTH,
        3,
    );
    blocks.push(Block {
        lines,
        face: Face::Bold,
        size,
        color: INK,
        gap_above: 0.0,
    });
    let mut labelled = |label: &str, value: &str, face: Face, sizes: &[f32]| {
        blocks.push(Block {
            lines: vec![label.to_owned()],
            face: Face::Regular,
            size: 26.0,
            color: MUTED,
            gap_above: 30.0,
        });
        let (lines, size) = layout::fit(face, value, sizes, TEXT_WIDTH, 2);
        blocks.push(Block {
            lines,
            face,
            size,
            color: INK,
            gap_above: 4.0,
        });
    };
    if let Some(recipient) = text
        .recipient
        .as_deref()
        .filter(|name| !name.trim().is_empty())
    {
        labelled("Awarded to", recipient, Face::Bold, &[40.0, 34.0]);
    }
    labelled("Issued by", &text.issuer, Face::Regular, &[36.0, 30.0]);
    blocks
}

/// The SVG of the preview.
fn template(text: &PreviewText, badge: Option<(ImageKind, &[u8])>) -> String {
    let text = PreviewText {
        achievement: inert_line(&text.achievement),
        recipient: text.recipient.as_deref().map(inert_line),
        issuer: inert_line(&text.issuer),
        site: inert_line(&text.site),
    };
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
         width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\
         <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#ffffff\"/>\
         <rect width=\"{WIDTH}\" height=\"14\" fill=\"{ACCENT}\"/>\
         <rect y=\"560\" width=\"{WIDTH}\" height=\"70\" fill=\"#f3f6f9\"/>"
    );
    match badge {
        Some((kind, bytes)) => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
            let _ = write!(
                svg,
                "<image x=\"{BADGE_X}\" y=\"{BADGE_Y}\" width=\"{BADGE_SIDE}\" height=\"{BADGE_SIDE}\" \
                 preserveAspectRatio=\"xMidYMid meet\" xlink:href=\"data:{};base64,{encoded}\"/>",
                kind.content_type()
            );
        }
        None => svg.push_str(&emblem()),
    }
    let blocks = text_blocks(&text);
    let total: f32 = blocks.iter().map(Block::height).sum();
    let mut top = TEXT_TOP + ((TEXT_BOTTOM - TEXT_TOP - total) / 2.0).max(0.0);
    for block in &blocks {
        top += block.gap_above;
        for line in &block.lines {
            // The baseline sits about one ascent below the top of the line box.
            let baseline = top + block.size * 0.95;
            let weight = match block.face {
                Face::Bold => "bold",
                Face::Regular => "normal",
            };
            let _ = write!(
                svg,
                "<text x=\"{TEXT_X}\" y=\"{baseline:.1}\" font-family=\"{FAMILY}\" font-size=\"{}\" \
                 font-weight=\"{weight}\" fill=\"{}\">{}</text>",
                block.size,
                block.color,
                xml_text(line)
            );
            top += block.line_height();
        }
    }
    let _ = write!(
        svg,
        "<text x=\"{BADGE_X}\" y=\"605\" font-family=\"{FAMILY}\" font-size=\"24\" fill=\"{MUTED}\">\
         Verifiable credential · {}</text>\
         <text x=\"1128\" y=\"605\" font-family=\"{FAMILY}\" font-size=\"24\" font-weight=\"bold\" \
         fill=\"{ACCENT}\" text-anchor=\"end\">Open Badges 3.0</text></svg>",
        xml_text(&text.site)
    );
    svg
}

/// The emblem drawn where a credential has no badge image: a seal with a check mark.
fn emblem() -> String {
    let cx = BADGE_X + BADGE_SIDE / 2;
    let cy = BADGE_Y + BADGE_SIDE / 2 - 20;
    format!(
        "<path d=\"M{l} {t} l-40 150 l55 -25 l25 50 l40 -140 Z M{r} {t} l40 150 l-55 -25 l-25 50 l-40 -140 Z\" \
         fill=\"{ACCENT}\" opacity=\"0.85\"/>\
         <circle cx=\"{cx}\" cy=\"{cy}\" r=\"140\" fill=\"#e8eff7\" stroke=\"{ACCENT}\" stroke-width=\"10\"/>\
         <path d=\"M{x0} {cy} l45 45 l90 -100\" fill=\"none\" stroke=\"{ACCENT}\" stroke-width=\"24\" \
         stroke-linecap=\"round\" stroke-linejoin=\"round\"/>",
        l = cx - 70,
        r = cx + 70,
        t = cy + 80,
        x0 = cx - 70,
    )
}

#[cfg(test)]
mod tests;
