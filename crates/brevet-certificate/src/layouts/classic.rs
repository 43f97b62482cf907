//! The classic layout: a double frame in the accent colour, everything centred, serif
//! headings; the logo on top, the award date and issuer as signature-style columns at the
//! bottom left, the achievement's image as a seal and the QR code at the bottom right.

use super::{
    Item, Picture, Pictures, QR_SIZE, Texts, draw_stack, frame, headline, stack_height,
    stack_within, verification_text,
};
use crate::canvas::{Align, Canvas, INK, MUTED};
use crate::design::Accent;
use crate::fonts::Style;

const MARGIN: f32 = 64.0;
/// The bottom of the QR code and the seal; the address and note sit below.
const FOOTER_BASE: f32 = 76.0;

pub(super) fn draw(canvas: &mut Canvas<'_>, texts: &Texts, pictures: Pictures, accent: Accent) {
    let (width, height) = (canvas.width, canvas.height);
    let color = accent.components();
    canvas.fill_rect(0.0, 0.0, width, height, accent.tint(0.96));
    canvas.fill_rect(26.0, 26.0, width - 52.0, height - 52.0, [1.0, 1.0, 1.0]);
    canvas.stroke_rect(26.0, 26.0, width - 52.0, height - 52.0, 2.4, color);
    canvas.stroke_rect(33.0, 33.0, width - 66.0, height - 66.0, 0.7, color);

    let column = width - 2.0 * MARGIN;
    // Header: the logo, then the issuer's name.
    let mut top = height - 54.0;
    match pictures.logo {
        Picture::Raster(raster) => {
            canvas.image(raster, MARGIN, top - 54.0, column, 54.0, Align::Center);
            top -= 54.0 + 10.0;
        }
        Picture::Placeholder => {
            canvas.monogram(&texts.issuer, width / 2.0, top - 24.0, 24.0, color);
            top -= 48.0 + 10.0;
        }
        Picture::None => {}
    }
    let issuer = canvas.fit(
        &texts.issuer,
        headline(Style::Strong, 11.0, 8.0, 8.0, column, 1),
    );
    canvas.text(&issuer, MARGIN, top, column, Align::Center, MUTED);
    top -= 11.0 + 18.0;

    // Footer: date and issuer columns, the seal, the QR code and the address.
    let footer_top = FOOTER_BASE + QR_SIZE + 8.0;
    let qr_x = width - MARGIN - QR_SIZE;
    let qr_y = FOOTER_BASE;
    let qr_drawn = canvas.qr(&texts.url, qr_x, qr_y, QR_SIZE);
    let text_width = 300.0_f32.min(width / 2.0 - MARGIN);
    verification_text(
        canvas,
        texts,
        width - MARGIN - text_width,
        if qr_drawn { qr_y - 4.0 } else { qr_y + QR_SIZE },
        text_width,
        Align::Right,
        color,
    );
    let signature_width = 170.0;
    signature(
        canvas,
        "Awarded",
        &texts.awarded,
        texts.valid_until.as_deref(),
        MARGIN,
        signature_width,
    );
    signature(
        canvas,
        "Issued by",
        &texts.issuer,
        None,
        MARGIN + signature_width + 24.0,
        signature_width,
    );
    let seal_left = MARGIN + 2.0 * signature_width + 48.0;
    let seal_right = qr_x - 24.0;
    seal(
        canvas,
        pictures.achievement,
        texts,
        seal_left,
        seal_right,
        color,
    );

    // The middle: title, recipient, achievement, criteria, centred in the space left.
    let room = top - footer_top;
    let build = |criteria| {
        let mut items = vec![
            Item::Text(
                canvas.fit(
                    "Certificate of Achievement",
                    headline(Style::Heading, 26.0, 18.0, 18.0, column, 1),
                ),
                color,
            ),
            Item::Gap(16.0),
            Item::Text(
                canvas.fit(
                    "This certifies that",
                    frame(Style::Body, 11.0, 9.0, column, 1),
                ),
                MUTED,
            ),
            Item::Gap(12.0),
            Item::Text(
                canvas.fit(
                    &texts.recipient,
                    headline(Style::Heading, 34.0, 22.0, 14.0, column - 80.0, 2),
                ),
                INK,
            ),
            Item::Gap(9.0),
            Item::Rule(240.0_f32.min(column), 0.8, color),
            Item::Gap(13.0),
            Item::Text(
                canvas.fit("has been awarded", frame(Style::Body, 11.0, 9.0, column, 1)),
                MUTED,
            ),
            Item::Gap(9.0),
            Item::Text(
                canvas.fit(
                    &texts.achievement,
                    headline(Style::Strong, 19.0, 13.0, 10.0, column - 60.0, 2),
                ),
                color,
            ),
        ];
        if let Some(criteria) = criteria {
            items.push(Item::Gap(10.0));
            items.push(Item::Text(criteria, MUTED));
        }
        items
    };
    let items = stack_within(canvas, texts, column - 160.0, 3, room, build);
    let used = stack_height(canvas, &items);
    let start = top - ((room - used) / 2.0).max(0.0);
    draw_stack(canvas, &items, MARGIN, start, column, Align::Center);
}

/// A signature-style column: a rule, a small label, and the value under it.
fn signature(
    canvas: &mut Canvas<'_>,
    label: &str,
    value: &str,
    note: Option<&str>,
    x: f32,
    width: f32,
) {
    canvas.hline(x, FOOTER_BASE + 52.0, width, 0.6, MUTED);
    let label = canvas.fit(label, frame(Style::Body, 8.0, 7.0, width, 1));
    canvas.text(&label, x, FOOTER_BASE + 44.0, width, Align::Left, MUTED);
    let value_block = canvas.fit(value, headline(Style::Strong, 11.0, 8.0, 7.0, width, 2));
    let baseline = canvas.text(&value_block, x, FOOTER_BASE + 30.0, width, Align::Left, INK);
    if let Some(note) = note {
        let note = canvas.fit(
            &format!("Valid until {note}"),
            frame(Style::Body, 8.0, 6.5, width, 1),
        );
        canvas.text(&note, x, baseline - 7.0, width, Align::Left, MUTED);
    }
}

/// The achievement's image as a seal between the columns and the QR code.
fn seal(
    canvas: &mut Canvas<'_>,
    picture: Picture,
    texts: &Texts,
    left: f32,
    right: f32,
    color: [f32; 3],
) {
    let size = 84.0_f32.min(right - left);
    if size < 40.0 {
        return;
    }
    let x = left + (right - left - size) / 2.0;
    match picture {
        Picture::Raster(raster) => {
            canvas.image(raster, x, FOOTER_BASE, size, size, Align::Center);
        }
        Picture::Placeholder => {
            canvas.monogram(
                &texts.achievement,
                x + size / 2.0,
                FOOTER_BASE + size / 2.0,
                size / 2.0,
                color,
            );
        }
        Picture::None => {}
    }
}
