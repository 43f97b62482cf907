//! QR codes for credential pages: an inline SVG (no script, no external reference) that
//! encodes the platform's own page URL. A credential page's code is built from the page's
//! public id by [`credential_page_qr`], never from a URL the credential supplies (WEB-02).

use brevet_app::App;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The QR code of `text` as an inline SVG element: one unit per module, a four-module quiet
/// zone, black on white, labelled for assistive technology. `None` if `text` is too long to
/// encode (more than a QR code holds).
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let rendered = code
        .render::<svg::Color>()
        .module_dimensions(1, 1)
        .quiet_zone(true)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build();
    // Inline in HTML: no XML declaration; an image role and a name for screen readers.
    let element = rendered
        .find("<svg")
        .map_or(rendered.as_str(), |start| &rendered[start..]);
    Some(element.replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"QR code that opens this page\" focusable=\"false\" ",
        1,
    ))
}

/// The QR code of a stored credential's public page, `{base_url}/c/{public_id}`.
pub fn credential_page_qr(app: &App, public_id: &str) -> Option<String> {
    qr_svg(&app.credential_page_url(public_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_is_inline_and_labelled() {
        let svg = qr_svg("https://badges.example.org/c/0123456789abcdef").unwrap_or_default();
        assert!(svg.starts_with("<svg role=\"img\""), "{svg}");
        assert!(!svg.contains("<?xml"));
        assert!(svg.contains("<path"));
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn different_urls_give_different_codes() {
        assert_ne!(
            qr_svg("https://badges.example.org/c/a"),
            qr_svg("https://badges.example.org/c/b")
        );
    }

    #[test]
    fn text_too_long_for_a_qr_code_is_refused() {
        assert!(qr_svg(&"x".repeat(5000)).is_none());
    }
}
