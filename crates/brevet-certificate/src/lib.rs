//! Printable PDF certificates for Brevet credentials: one landscape page (A4 or US Letter) with
//! the organisation's logo, the recipient's name, the achievement and its image, the award
//! date, a criteria summary, a QR code and the address of the public verification page, and
//! the signed credential attached (`credential.json`, in the `EmbeddedFiles` name tree and as
//! the document's associated file, `/AF`), byte for byte.
//!
//! Pure: bytes in, bytes out; no IO, no clock. The caller supplies every text (already chosen
//! from the credential), the image bytes and the credential's exact bytes.
//!
//! Text is set in DejaVu (embedded, subset to the glyphs used, with a `ToUnicode` map so it
//! can be searched and copied). Untrusted text is made printable first ([`text::printable`]:
//! no control or bidirectional-override characters) and always fitted into its box: it
//! shrinks, wraps, and is finally cut with an ellipsis, so no input moves anything else on
//! the page. Limits: no shaping (no ligatures, no Arabic joining), right-to-left runs are
//! reversed in place rather than ordered by the full bidirectional algorithm, and characters
//! the fonts lack (CJK, for one) print as a visible replacement mark.

mod canvas;
mod design;
mod document;
mod fonts;
mod images;
mod layouts;
pub mod text;
mod typeset;

pub use design::{Accent, Design, Layout, MIN_CONTRAST, PALETTE, Paper};
pub use fonts::{dejavu_sans, dejavu_sans_bold};

/// The file name of the attached credential.
pub const ATTACHMENT_NAME: &str = "credential.json";
/// The media type the attachment is declared with.
pub const ATTACHMENT_MEDIA_TYPE: &str = "application/ld+json";
/// The largest credential attached, in bytes (credentials are a few kilobytes).
pub const MAX_ATTACHMENT_BYTES: usize = 4 * 1024 * 1024;

/// Why no certificate could be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CertificateError {
    /// A design choice or paper name that is not one of the accepted ones.
    #[error("{0}")]
    Design(String),
    /// The credential is too large to attach.
    #[error("the credential is {0} bytes, more than the {MAX_ATTACHMENT_BYTES} bytes attached")]
    TooLarge(usize),
    /// An embedded font could not be read or subset (a build defect).
    #[error("font: {0}")]
    Font(String),
}

/// What a certificate says. Every text is untrusted: it is made printable and fitted.
#[derive(Debug, Clone, Copy)]
pub struct Certificate<'a> {
    /// The recipient's name as the credential gives it.
    pub recipient_name: &'a str,
    pub achievement_name: &'a str,
    /// The issuing organisation's name.
    pub issuer_name: &'a str,
    /// The award date in words ("27 November 2026").
    pub awarded_on: &'a str,
    /// The end of validity in words, if the credential expires.
    pub valid_until: Option<&'a str>,
    /// The achievement's criteria (a narrative); summarised to a few lines.
    pub criteria: Option<&'a str>,
    /// The public verification page; the QR code encodes exactly this.
    pub verification_url: &'a str,
    /// The organisation's logo (PNG or JPEG; another format shows a placeholder).
    pub logo: Option<&'a [u8]>,
    /// The achievement's image (same rules).
    pub achievement_image: Option<&'a [u8]>,
    /// The signed credential, attached exactly as given.
    pub credential: &'a [u8],
}

/// Renders `certificate` with `design` on `paper`: a complete PDF file.
pub fn render(
    certificate: &Certificate<'_>,
    design: Design,
    paper: Paper,
) -> Result<Vec<u8>, CertificateError> {
    if certificate.credential.len() > MAX_ATTACHMENT_BYTES {
        return Err(CertificateError::TooLarge(certificate.credential.len()));
    }
    let fonts = fonts::Fonts::load()?;
    let texts = layouts::Texts::from_certificate(certificate);
    let (width, height) = paper.size();
    let mut canvas = canvas::Canvas::new(&fonts, width, height);
    let pictures = layouts::Pictures::from_certificate(certificate);
    layouts::draw(&mut canvas, &texts, pictures, design);
    document::assemble(canvas, &texts, certificate.credential)
}

/// Deflates `data` (zlib, as PDF's `FlateDecode` expects).
pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 2),
        flate2::Compression::default(),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests;
