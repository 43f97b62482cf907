//! Drawing on the page: filled and stroked shapes, fitted text blocks, images scaled into a
//! box, the QR code as vector squares, a monogram placeholder, and link areas. Collects what
//! the document then writes: the glyphs used, the images, the links.

use pdf_writer::{Content, Name, Rect, Str};
use qrcode::{Color, EcLevel, QrCode};

use crate::fonts::{Fonts, Style, UsedGlyphs};
use crate::images::{self, Raster};
use crate::typeset::{Block, Frame, fit};

/// An RGB colour, components 0 to 1.
pub(crate) type Rgb = [f32; 3];

pub(crate) const INK: Rgb = [0.10, 0.11, 0.13];
pub(crate) const MUTED: Rgb = [0.36, 0.38, 0.42];
pub(crate) const WHITE: Rgb = [1.0, 1.0, 1.0];

/// Horizontal alignment of text in its frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// The page being drawn.
pub(crate) struct Canvas<'f> {
    pub fonts: &'f Fonts,
    pub width: f32,
    pub height: f32,
    pub content: Content,
    pub glyphs: UsedGlyphs,
    pub images: Vec<Raster>,
    pub links: Vec<(Rect, String)>,
}

impl<'f> Canvas<'f> {
    pub(crate) fn new(fonts: &'f Fonts, width: f32, height: f32) -> Canvas<'f> {
        Canvas {
            fonts,
            width,
            height,
            content: Content::new(),
            glyphs: UsedGlyphs::new(),
            images: Vec::new(),
            links: Vec::new(),
        }
    }

    pub(crate) fn fill_rect(&mut self, x: f32, y: f32, width: f32, height: f32, color: Rgb) {
        self.content
            .set_fill_rgb(color[0], color[1], color[2])
            .rect(x, y, width, height)
            .fill_nonzero();
    }

    pub(crate) fn stroke_rect(
        &mut self,
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        line: f32,
        color: Rgb,
    ) {
        self.content
            .set_stroke_rgb(color[0], color[1], color[2])
            .set_line_width(line)
            .rect(x, y, width, height)
            .stroke();
    }

    pub(crate) fn hline(&mut self, x: f32, y: f32, length: f32, line: f32, color: Rgb) {
        self.content
            .set_stroke_rgb(color[0], color[1], color[2])
            .set_line_width(line)
            .move_to(x, y)
            .line_to(x + length, y)
            .stroke();
    }

    /// A filled circle (four Bézier arcs).
    pub(crate) fn fill_circle(&mut self, cx: f32, cy: f32, radius: f32, color: Rgb) {
        let k = 0.552_284_8 * radius;
        self.content
            .set_fill_rgb(color[0], color[1], color[2])
            .move_to(cx + radius, cy)
            .cubic_to(cx + radius, cy + k, cx + k, cy + radius, cx, cy + radius)
            .cubic_to(cx - k, cy + radius, cx - radius, cy + k, cx - radius, cy)
            .cubic_to(cx - radius, cy - k, cx - k, cy - radius, cx, cy - radius)
            .cubic_to(cx + k, cy - radius, cx + radius, cy - k, cx + radius, cy)
            .close_path()
            .fill_nonzero();
    }

    /// Fits `text` into `frame` (see [`fit`]).
    pub(crate) fn fit(&self, text: &str, frame: Frame) -> Block {
        fit(self.fonts, text, frame)
    }

    /// Draws `block` with the capitals of its first line at `top`, each line aligned in
    /// `[x, x + width]`; returns the last baseline.
    pub(crate) fn text(
        &mut self,
        block: &Block,
        x: f32,
        top: f32,
        width: f32,
        align: Align,
        color: Rgb,
    ) -> f32 {
        let mut baseline = top - self.fonts.cap_height(block.style) * block.size;
        if block.lines.is_empty() {
            return top;
        }
        self.content
            .set_fill_rgb(color[0], color[1], color[2])
            .begin_text();
        for (index, line) in block.lines.iter().enumerate() {
            if index > 0 {
                baseline -= block.size * block.leading;
            }
            let line_width = line.width * block.size;
            let mut pen = match align {
                Align::Left => x,
                Align::Center => x + (width - line_width) / 2.0,
                Align::Right => x + width - line_width,
            };
            // One text run per stretch of glyphs in the same face.
            let mut run_start = 0;
            while run_start < line.glyphs.len() {
                let Some(face) = line.glyphs.get(run_start).map(|glyph| glyph.face) else {
                    break;
                };
                let run_end = line.glyphs[run_start..]
                    .iter()
                    .position(|glyph| glyph.face != face)
                    .map_or(line.glyphs.len(), |offset| run_start + offset);
                let run = &line.glyphs[run_start..run_end];
                let mut bytes = Vec::with_capacity(run.len() * 2);
                for glyph in run {
                    bytes.extend_from_slice(&self.glyphs.encode(glyph));
                }
                self.content
                    .set_font(face.resource_name(), block.size)
                    .set_text_matrix([1.0, 0.0, 0.0, 1.0, pen, baseline])
                    .show(Str(&bytes));
                pen += run.iter().map(|glyph| glyph.advance).sum::<f32>() * block.size;
                run_start = run_end;
            }
        }
        self.content.end_text();
        baseline
    }

    /// Draws `raster` as large as fits in the box, centred in it; returns where it went.
    pub(crate) fn image(
        &mut self,
        raster: Raster,
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        align: Align,
    ) -> Rect {
        let aspect = raster.aspect();
        let (drawn_width, drawn_height) = if width / height.max(0.01) > aspect {
            (height * aspect, height)
        } else {
            (width, width / aspect.max(0.01))
        };
        let left = match align {
            Align::Left => x,
            Align::Center => x + (width - drawn_width) / 2.0,
            Align::Right => x + width - drawn_width,
        };
        let bottom = y + (height - drawn_height) / 2.0;
        let name = images::resource_name(self.images.len());
        self.images.push(raster);
        self.content
            .save_state()
            .transform([drawn_width, 0.0, 0.0, drawn_height, left, bottom])
            .x_object(Name(&name))
            .restore_state();
        Rect::new(left, bottom, left + drawn_width, bottom + drawn_height)
    }

    /// A coloured disc with up to two initials of `label`, in place of an image that cannot
    /// be drawn (an SVG).
    pub(crate) fn monogram(&mut self, label: &str, cx: f32, cy: f32, radius: f32, color: Rgb) {
        self.fill_circle(cx, cy, radius, color);
        let initials: String = label
            .split_whitespace()
            .filter_map(|word| word.chars().find(|character| character.is_alphanumeric()))
            .take(2)
            .flat_map(char::to_uppercase)
            .collect();
        let initials = if initials.is_empty() {
            "★".to_owned()
        } else {
            initials
        };
        let size = radius * 0.8;
        let block = self.fit(
            &initials,
            Frame {
                style: Style::Strong,
                max_size: size,
                min_size: size * 0.5,
                width: radius * 1.6,
                max_lines: 1,
                leading: 1.0,
                single_line_min: size,
            },
        );
        let top = cy + self.fonts.cap_height(Style::Strong) * block.size / 2.0;
        self.text(&block, cx - radius, top, radius * 2.0, Align::Center, WHITE);
    }

    /// The QR code of `text`, `size` points square including a quiet zone of four modules,
    /// with its lower left corner at (`x`, `y`) on a white square; dark modules are vector
    /// rectangles (each horizontal run one rectangle). Adds a link to `text`. Returns false
    /// when `text` is too long for a QR code.
    pub(crate) fn qr(&mut self, text: &str, x: f32, y: f32, size: f32) -> bool {
        let Ok(code) = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) else {
            return false;
        };
        let modules = code.width();
        let colors = code.to_colors();
        let module = size / (modules + 8) as f32;
        self.fill_rect(x, y, size, size, WHITE);
        self.content.set_fill_rgb(0.0, 0.0, 0.0);
        for row in 0..modules {
            let mut column = 0;
            while column < modules {
                if colors.get(row * modules + column) != Some(&Color::Dark) {
                    column += 1;
                    continue;
                }
                let start = column;
                while colors.get(row * modules + column) == Some(&Color::Dark) && column < modules {
                    column += 1;
                }
                let left = x + (start + 4) as f32 * module;
                // Rows count from the top; PDF y grows upwards. A hair of overlap between rows
                // keeps anti-aliased renderers from drawing seams.
                let bottom = y + size - (row + 5) as f32 * module;
                self.content.rect(
                    left,
                    bottom - 0.02,
                    (column - start) as f32 * module,
                    module + 0.04,
                );
            }
        }
        self.content.fill_nonzero();
        self.link(Rect::new(x, y, x + size, y + size), text);
        true
    }

    /// Makes the area a link to `url` (this platform's verification page).
    pub(crate) fn link(&mut self, area: Rect, url: &str) {
        self.links.push((area, url.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn text_too_long_for_a_qr_code_is_not_drawn() {
        let fonts = Fonts::load().unwrap();
        let mut canvas = Canvas::new(&fonts, 100.0, 100.0);
        assert!(!canvas.qr(&"x".repeat(5000), 0.0, 0.0, 50.0));
        assert!(canvas.qr("https://badges.example.org/c/abc", 0.0, 0.0, 50.0));
        assert_eq!(canvas.links.len(), 1);
    }
}
