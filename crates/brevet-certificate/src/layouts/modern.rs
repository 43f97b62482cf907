//! The modern layout: a band of the accent colour down the left holding the logo (on a white
//! card), the achievement's image and the QR code (on a white card); the text left-aligned on
//! the right, with the date and issuer in two columns and the address at the bottom.

use super::{
    Item, Picture, Pictures, QR_SIZE, Texts, draw_stack, frame, headline, stack_within,
    verification_text,
};
use crate::canvas::{Align, Canvas, INK, MUTED, WHITE};
use crate::design::Accent;
use crate::fonts::Style;

const PADDING: f32 = 28.0;

pub(super) fn draw(canvas: &mut Canvas<'_>, texts: &Texts, pictures: Pictures, accent: Accent) {
    let (width, height) = (canvas.width, canvas.height);
    let color = accent.components();
    let band = (width * 0.30).round();
    canvas.fill_rect(0.0, 0.0, band, height, color);

    // The band: logo card on top, image in the middle, QR card at the bottom.
    let inner = band - 2.0 * PADDING;
    let card_height = 92.0;
    let card_top = height - PADDING;
    match pictures.logo {
        Picture::Raster(raster) => {
            canvas.fill_rect(PADDING, card_top - card_height, inner, card_height, WHITE);
            canvas.image(
                raster,
                PADDING + 12.0,
                card_top - card_height + 12.0,
                inner - 24.0,
                card_height - 24.0,
                Align::Center,
            );
        }
        Picture::Placeholder => {
            canvas.fill_circle(
                band / 2.0,
                card_top - card_height / 2.0,
                card_height / 2.0,
                WHITE,
            );
            canvas.monogram(
                &texts.issuer,
                band / 2.0,
                card_top - card_height / 2.0,
                card_height / 2.0 - 6.0,
                color,
            );
        }
        Picture::None => {}
    }
    let qr_card = QR_SIZE + 16.0;
    let qr_card_y = PADDING + 14.0;
    let qr_x = (band - qr_card) / 2.0;
    canvas.fill_rect(qr_x, qr_card_y, qr_card, qr_card, WHITE);
    canvas.qr(&texts.url, qr_x + 8.0, qr_card_y + 8.0, QR_SIZE);
    let scan = canvas.fit("Scan to verify", frame(Style::Strong, 9.0, 7.0, inner, 1));
    canvas.text(
        &scan,
        PADDING,
        qr_card_y + qr_card + 18.0,
        inner,
        Align::Center,
        WHITE,
    );
    let middle_top = card_top - card_height - 24.0;
    let middle_bottom = qr_card_y + qr_card + 40.0;
    let image_size = (middle_top - middle_bottom).min(inner).min(150.0);
    if image_size > 40.0 {
        let image_y = middle_bottom + (middle_top - middle_bottom - image_size) / 2.0;
        match pictures.achievement {
            Picture::Raster(raster) => {
                canvas.image(raster, PADDING, image_y, inner, image_size, Align::Center);
            }
            Picture::Placeholder => {
                canvas.fill_circle(
                    band / 2.0,
                    image_y + image_size / 2.0,
                    image_size / 2.0,
                    WHITE,
                );
                canvas.monogram(
                    &texts.achievement,
                    band / 2.0,
                    image_y + image_size / 2.0,
                    image_size / 2.0 - 6.0,
                    color,
                );
            }
            Picture::None => {}
        }
    }

    // The text column.
    let x = band + 48.0;
    let column = width - x - 48.0;
    let top = height - 56.0;
    let footer_top = 150.0;
    let build = |criteria| {
        let mut items = vec![
            Item::Text(
                canvas.fit(
                    &texts.issuer,
                    headline(Style::Strong, 12.0, 8.0, 8.0, column, 1),
                ),
                color,
            ),
            Item::Gap(20.0),
            Item::Text(
                canvas.fit(
                    "Certificate of Achievement",
                    headline(Style::Strong, 26.0, 18.0, 18.0, column, 1),
                ),
                INK,
            ),
            Item::Gap(28.0),
            Item::Text(
                canvas.fit("Awarded to", frame(Style::Body, 11.0, 9.0, column, 1)),
                MUTED,
            ),
            Item::Gap(8.0),
            Item::Text(
                canvas.fit(
                    &texts.recipient,
                    headline(Style::Strong, 34.0, 22.0, 14.0, column, 2),
                ),
                color,
            ),
            Item::Gap(18.0),
            Item::Text(
                canvas.fit(
                    "for the achievement",
                    frame(Style::Body, 11.0, 9.0, column, 1),
                ),
                MUTED,
            ),
            Item::Gap(8.0),
            Item::Text(
                canvas.fit(
                    &texts.achievement,
                    headline(Style::Strong, 19.0, 13.0, 10.0, column, 2),
                ),
                INK,
            ),
        ];
        if let Some(criteria) = criteria {
            items.push(Item::Gap(10.0));
            items.push(Item::Text(criteria, MUTED));
        }
        items
    };
    let items = stack_within(canvas, texts, column, 4, top - footer_top, build);
    draw_stack(canvas, &items, x, top, column, Align::Left);

    // Footer: date and issuer, then the address.
    let half = (column - 24.0) / 2.0;
    canvas.hline(x, 132.0, column, 0.6, accent.tint(0.6));
    fact(
        canvas,
        "Date awarded",
        &texts.awarded,
        texts.valid_until.as_deref(),
        x,
        half,
    );
    fact(
        canvas,
        "Issued by",
        &texts.issuer,
        None,
        x + half + 24.0,
        half,
    );
    verification_text(canvas, texts, x, 66.0, column, Align::Left, color);
}

/// A labelled fact of the footer.
fn fact(canvas: &mut Canvas<'_>, label: &str, value: &str, note: Option<&str>, x: f32, width: f32) {
    let label = canvas.fit(label, frame(Style::Body, 8.0, 7.0, width, 1));
    canvas.text(&label, x, 122.0, width, Align::Left, MUTED);
    let value = match note {
        Some(note) => format!("{value} (valid until {note})"),
        None => value.to_owned(),
    };
    let value = canvas.fit(&value, headline(Style::Strong, 11.0, 8.0, 7.0, width, 2));
    canvas.text(&value, x, 108.0, width, Align::Left, INK);
}
