//! The minimal layout: a thin accent bar along the top, the logo small at the top left, the
//! achievement's image at the top right, text left-aligned with a short accent rule, and a
//! quiet footer with the facts, the address and the QR code at the bottom right.

use super::{
    Item, Picture, Pictures, QR_SIZE, Texts, draw_stack, frame, headline, stack_height,
    stack_within, verification_text,
};
use crate::canvas::{Align, Canvas, INK, MUTED};
use crate::design::Accent;
use crate::fonts::Style;

const MARGIN: f32 = 64.0;

pub(super) fn draw(canvas: &mut Canvas<'_>, texts: &Texts, pictures: Pictures, accent: Accent) {
    let (width, height) = (canvas.width, canvas.height);
    let color = accent.components();
    canvas.fill_rect(0.0, height - 8.0, width, 8.0, color);

    let top = height - 48.0;
    let logo_height = 44.0;
    let mut text_top = top;
    match pictures.logo {
        Picture::Raster(raster) => {
            canvas.image(
                raster,
                MARGIN,
                top - logo_height,
                180.0,
                logo_height,
                Align::Left,
            );
            text_top -= logo_height + 36.0;
        }
        Picture::Placeholder => {
            canvas.monogram(
                &texts.issuer,
                MARGIN + logo_height / 2.0,
                top - logo_height / 2.0,
                logo_height / 2.0,
                color,
            );
            text_top -= logo_height + 36.0;
        }
        Picture::None => {}
    }
    let image_size = 120.0;
    let has_image = pictures.achievement.is_some();
    match pictures.achievement {
        Picture::Raster(raster) => {
            canvas.image(
                raster,
                width - MARGIN - image_size,
                top - image_size,
                image_size,
                image_size,
                Align::Right,
            );
        }
        Picture::Placeholder => {
            let radius = image_size / 2.0;
            canvas.monogram(
                &texts.achievement,
                width - MARGIN - radius,
                top - radius,
                radius,
                color,
            );
        }
        Picture::None => {}
    }

    let column = width - 2.0 * MARGIN - if has_image { image_size + 32.0 } else { 0.0 };
    let footer_top = 64.0 + QR_SIZE + 12.0;
    let build = |criteria| {
        let mut items = vec![
            Item::Text(
                canvas.fit(
                    "CERTIFICATE OF ACHIEVEMENT",
                    frame(Style::Strong, 10.0, 8.0, column, 1),
                ),
                color,
            ),
            Item::Gap(16.0),
            Item::Text(
                canvas.fit(
                    &texts.recipient,
                    headline(Style::Strong, 38.0, 22.0, 14.0, column, 2),
                ),
                INK,
            ),
            Item::Gap(12.0),
            Item::Rule(48.0, 2.0, color),
            Item::Gap(16.0),
            Item::Text(
                canvas.fit("has earned", frame(Style::Body, 11.0, 9.0, column, 1)),
                MUTED,
            ),
            Item::Gap(6.0),
            Item::Text(
                canvas.fit(
                    &texts.achievement,
                    headline(Style::Strong, 20.0, 13.0, 10.0, column, 2),
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
    let room = text_top - footer_top;
    let items = stack_within(canvas, texts, column, 4, room, build);
    // A third of the slack above the text: the optical centre.
    let start = text_top - ((room - stack_height(canvas, &items)) / 3.0).max(0.0);
    draw_stack(canvas, &items, MARGIN, start, column, Align::Left);

    // Footer: the facts and the address on the left, the QR code on the right.
    let qr_x = width - MARGIN - QR_SIZE;
    canvas.qr(&texts.url, qr_x, 64.0, QR_SIZE);
    let footer_width = qr_x - MARGIN - 32.0;
    let awarded = match &texts.valid_until {
        Some(until) => format!("Awarded {} · valid until {until}", texts.awarded),
        None => format!("Awarded {}", texts.awarded),
    };
    let awarded = canvas.fit(
        &awarded,
        headline(Style::Strong, 10.0, 7.0, 7.0, footer_width, 1),
    );
    let issued = canvas.fit(
        &format!("Issued by {}", texts.issuer),
        headline(Style::Body, 10.0, 7.0, 7.0, footer_width, 2),
    );
    let facts = [
        Item::Text(awarded, INK),
        Item::Gap(5.0),
        Item::Text(issued, INK),
    ];
    draw_stack(canvas, &facts, MARGIN, 148.0, footer_width, Align::Left);
    verification_text(
        canvas,
        texts,
        MARGIN,
        96.0,
        footer_width,
        Align::Left,
        color,
    );
}
