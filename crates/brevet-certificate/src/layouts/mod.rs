//! The three layouts and what they share: the texts made printable, the pictures decoded (or
//! marked for a placeholder), vertical stacks of fitted blocks that shed criteria lines when
//! the page is short, and the verification footer (QR code, address, attachment note).

mod classic;
mod minimal;
mod modern;

use crate::Certificate;
use crate::canvas::{Align, Canvas, MUTED, Rgb};
use crate::design::{Design, Layout};
use crate::fonts::Style;
use crate::images::Raster;
use crate::text::printable;
use crate::typeset::{Block, Frame};

/// The certificate's texts, printable.
pub(crate) struct Texts {
    pub recipient: String,
    pub achievement: String,
    pub issuer: String,
    pub awarded: String,
    pub valid_until: Option<String>,
    pub criteria: Option<String>,
    pub url: String,
}

impl Texts {
    pub(crate) fn from_certificate(certificate: &Certificate<'_>) -> Texts {
        let optional = |text: Option<&str>| text.map(printable).filter(|text| !text.is_empty());
        Texts {
            recipient: printable(certificate.recipient_name),
            achievement: printable(certificate.achievement_name),
            issuer: printable(certificate.issuer_name),
            awarded: printable(certificate.awarded_on),
            valid_until: optional(certificate.valid_until),
            criteria: optional(certificate.criteria),
            url: printable(certificate.verification_url),
        }
    }
}

/// An image slot: nothing, a decoded image, or a placeholder for one that cannot be drawn.
pub(crate) enum Picture {
    None,
    Raster(Raster),
    Placeholder,
}

impl Picture {
    fn from_bytes(bytes: Option<&[u8]>) -> Picture {
        match bytes {
            None => Picture::None,
            Some(bytes) => Raster::from_bytes(bytes).map_or(Picture::Placeholder, Picture::Raster),
        }
    }

    fn is_some(&self) -> bool {
        !matches!(self, Picture::None)
    }
}

pub(crate) struct Pictures {
    pub logo: Picture,
    pub achievement: Picture,
}

impl Pictures {
    pub(crate) fn from_certificate(certificate: &Certificate<'_>) -> Pictures {
        Pictures {
            logo: Picture::from_bytes(certificate.logo),
            achievement: Picture::from_bytes(certificate.achievement_image),
        }
    }
}

/// Draws the page.
pub(crate) fn draw(canvas: &mut Canvas<'_>, texts: &Texts, pictures: Pictures, design: Design) {
    match design.layout {
        Layout::Classic => classic::draw(canvas, texts, pictures, design.accent),
        Layout::Modern => modern::draw(canvas, texts, pictures, design.accent),
        Layout::Minimal => minimal::draw(canvas, texts, pictures, design.accent),
    }
}

/// A frame of `width` for `style` from `max` down to `min` points in at most `lines` lines.
pub(crate) fn frame(style: Style, max: f32, min: f32, width: f32, lines: usize) -> Frame {
    Frame {
        style,
        max_size: max,
        min_size: min,
        width,
        max_lines: lines,
        leading: 1.22,
        single_line_min: max,
    }
}

/// Like [`frame`], but keeps the text on one line down to `single` points before wrapping
/// (names and titles).
pub(crate) fn headline(
    style: Style,
    max: f32,
    single: f32,
    min: f32,
    width: f32,
    lines: usize,
) -> Frame {
    Frame {
        single_line_min: single,
        ..frame(style, max, min, width, lines)
    }
}

/// One entry of a vertical stack.
pub(crate) enum Item {
    Text(Block, Rgb),
    Gap(f32),
    /// A horizontal rule: length, thickness, colour.
    Rule(f32, f32, Rgb),
}

/// The space a block takes in a stack: its capitals to its last baseline, and room for
/// descenders.
fn extent(canvas: &Canvas<'_>, block: &Block) -> f32 {
    if block.lines.is_empty() {
        0.0
    } else {
        block.height(canvas.fonts) + 0.24 * block.size
    }
}

pub(crate) fn stack_height(canvas: &Canvas<'_>, items: &[Item]) -> f32 {
    items
        .iter()
        .map(|item| match item {
            Item::Text(block, _) => extent(canvas, block),
            Item::Gap(gap) => *gap,
            Item::Rule(_, thickness, _) => *thickness,
        })
        .sum()
}

/// Draws `items` top-down from `top` in the column `[x, x + width]`.
pub(crate) fn draw_stack(
    canvas: &mut Canvas<'_>,
    items: &[Item],
    x: f32,
    top: f32,
    width: f32,
    align: Align,
) {
    let mut y = top;
    for item in items {
        match item {
            Item::Text(block, color) => {
                canvas.text(block, x, y, width, align, *color);
                y -= extent(canvas, block);
            }
            Item::Gap(gap) => y -= gap,
            Item::Rule(length, thickness, color) => {
                let start = match align {
                    Align::Left => x,
                    Align::Center => x + (width - length) / 2.0,
                    Align::Right => x + width - length,
                };
                canvas.hline(start, y - thickness / 2.0, *length, *thickness, *color);
                y -= thickness;
            }
        }
    }
}

/// The criteria summary fitted into at most `lines` lines of `width`, the fewest lines (down
/// to none) that keep `build(criteria)`'s stack within `room`.
pub(crate) fn stack_within(
    canvas: &Canvas<'_>,
    texts: &Texts,
    width: f32,
    lines: usize,
    room: f32,
    build: impl Fn(Option<Block>) -> Vec<Item>,
) -> Vec<Item> {
    let Some(criteria) = &texts.criteria else {
        return build(None);
    };
    for allowed in (1..=lines).rev() {
        let block = canvas.fit(criteria, frame(Style::Body, 10.0, 8.0, width, allowed));
        let items = build(Some(block));
        if stack_height(canvas, &items) <= room {
            return items;
        }
    }
    build(None)
}

/// The verification footer's texts, right- or left-aligned in `[x, x + width]` from `top`
/// downwards: the address (on one line as long as it fits at 5 points) and the attachment
/// note. Returns the lowest baseline.
pub(crate) fn verification_text(
    canvas: &mut Canvas<'_>,
    texts: &Texts,
    x: f32,
    top: f32,
    width: f32,
    align: Align,
    color: Rgb,
) -> f32 {
    let label = canvas.fit(
        "Verify this certificate at",
        frame(Style::Body, 7.5, 6.0, width, 1),
    );
    let url = canvas.fit(&texts.url, headline(Style::Strong, 8.0, 5.0, 5.0, width, 3));
    let note = canvas.fit(
        "The signed credential is attached to this PDF (credential.json).",
        frame(Style::Body, 6.5, 5.0, width, 1),
    );
    let items = [
        Item::Text(label, MUTED),
        Item::Gap(2.0),
        Item::Text(url, color),
        Item::Gap(3.0),
        Item::Text(note, MUTED),
    ];
    let height = stack_height(canvas, &items);
    draw_stack(canvas, &items, x, top, width, align);
    top - height
}

/// The longest side of the QR code, in points: modules of at least 2 pt print and scan well.
pub(crate) const QR_SIZE: f32 = 92.0;
