//! Baked badges: a credential carried inside its badge image, as Open Badges 3.0 specifies (and
//! Open Badges 2.0 before it), for PNG and SVG. Pure: bytes in, bytes out.
//!
//! - PNG ([`png`]): an uncompressed `iTXt` chunk with the keyword `openbadgecredential` holding
//!   the credential (JSON or a compact JWT) verbatim, spliced in before `IEND`; the pixels are
//!   never decoded or re-encoded. Open Badges 2.0 images use the keyword `openbadges` (`iTXt` or
//!   `tEXt`) for a JSON assertion, a JWS or the URL of a hosted assertion.
//! - SVG ([`svg`]): an `<openbadges:credential>` element (namespace
//!   `https://purl.imsglobal.org/ob/v3p0`), first child of the root `<svg>`, holding the JSON as
//!   text or a JWT in its `verify` attribute. Open Badges 2.0 images use `<openbadges:assertion>`
//!   (namespace `http://openbadges.org`).
//!
//! Unbaking is strict and bounded (security catalogue IMG-01, IMG-02): a size cap, every PNG
//! chunk length checked against the input and every CRC checked, `IEND` required, two credentials
//! in one image refused (never "take the last"), compressed credentials refused; SVG documents
//! whose DOCTYPE declares anything (entities included) are refused, nothing is ever loaded, and
//! the markup an XML parser handles in worse than linear time is capped (`markup.rs`). Baking
//! replaces whatever credential the image carried before, and checks its own output by unbaking
//! it.

mod markup;
pub mod payload;
pub mod png;
pub mod svg;

#[cfg(test)]
mod tests;

pub use payload::{Baked, PayloadError};
pub use png::PngError;
pub use svg::SvgError;

/// The largest image Brevet bakes into or unbakes (10 MiB), checked before anything is parsed;
/// a baked image must fit under it too.
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;

/// The most pixels a PNG may declare in its `IHDR` (16 Mpx, 4096 × 4096): a badge is far
/// smaller, and a larger declaration is a decompression bomb for whoever renders it (IMG-01 e).
pub const MAX_PIXELS: u64 = 4096 * 4096;

/// The largest payload (credential JSON, JWT or URL) baked or unbaked: 2 MiB.
pub const MAX_PAYLOAD_BYTES: usize = 2 * 1024 * 1024;

/// Which Open Badges version's carrier held the payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadgeVersion {
    /// `openbadgecredential` (PNG) / `openbadges:credential` (SVG).
    OpenBadges3,
    /// `openbadges` (PNG) / `openbadges:assertion` (SVG).
    OpenBadges2,
}

impl std::fmt::Display for BadgeVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BadgeVersion::OpenBadges3 => "Open Badges 3.0",
            BadgeVersion::OpenBadges2 => "Open Badges 2.0",
        })
    }
}

/// What an image carries: the payload, and which version's carrier held it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Embedded {
    pub version: BadgeVersion,
    pub payload: Baked,
}

/// The image formats that can be baked, told apart by their first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Svg,
}

impl ImageKind {
    /// Recognises an image by its magic bytes, never by a file name: the PNG signature, or XML
    /// markup (`<` after an optional UTF-8 byte-order mark and white space) for SVG. Whether the
    /// markup really is an SVG document is decided when it is parsed.
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(&png::SIGNATURE) {
            return Some(ImageKind::Png);
        }
        let text = bytes.strip_prefix(svg::UTF8_BOM).unwrap_or(bytes);
        let first = text
            .iter()
            .find(|byte| !matches!(byte, b' ' | b'\t' | b'\r' | b'\n'));
        (first == Some(&b'<')).then_some(ImageKind::Svg)
    }

    /// The media type of the format.
    pub fn media_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Svg => "image/svg+xml",
        }
    }
}

/// Why an image could not be baked or unbaked.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BakeError {
    #[error(
        "not a PNG or SVG image (it starts with {start}); only PNG and SVG badges can be baked"
    )]
    UnrecognisedImage { start: String },
    #[error("the image is {size} bytes, over the limit of {limit} bytes")]
    ImageTooLarge { size: usize, limit: usize },
    #[error("the baked image would be {size} bytes, over the limit of {limit} bytes")]
    BakedTooLarge { size: usize, limit: usize },
    #[error("the credential cannot be baked: {0}")]
    Credential(PayloadError),
    #[error(transparent)]
    Png(#[from] PngError),
    #[error(transparent)]
    Svg(#[from] SvgError),
    /// Baking checks its output by unbaking it; this is that check failing (a bug, never
    /// expected).
    #[error("internal error: the baked image does not unbake to the credential ({0})")]
    SelfCheck(String),
}

/// Bakes a credential (its JSON text, kept byte for byte, or a compact JWT) into a PNG or SVG
/// image, replacing any credential (Open Badges 3.0 or 2.0) the image carried. Returns the baked
/// image.
pub fn bake(image: &[u8], credential: &str) -> Result<Vec<u8>, BakeError> {
    let payload = payload::classify_credential(credential).map_err(BakeError::Credential)?;
    check_image_size(image)?;
    let kind = ImageKind::sniff(image).ok_or_else(|| unrecognised(image))?;
    let baked = match kind {
        ImageKind::Png => png::bake(image, &payload)?,
        ImageKind::Svg => svg::bake(image, &payload)?,
    };
    if baked.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::BakedTooLarge {
            size: baked.len(),
            limit: MAX_IMAGE_BYTES,
        });
    }
    match unbake(&baked) {
        Ok(Some(Embedded {
            version: BadgeVersion::OpenBadges3,
            payload: found,
        })) if found == payload => Ok(baked),
        Ok(other) => Err(BakeError::SelfCheck(format!("found {other:?}"))),
        Err(error) => Err(BakeError::SelfCheck(error.to_string())),
    }
}

/// Reads the credential a PNG or SVG image carries: `Ok(None)` when it carries none, an error
/// when the image is unreadable, malformed, oversized or ambiguous (two credentials).
pub fn unbake(image: &[u8]) -> Result<Option<Embedded>, BakeError> {
    check_image_size(image)?;
    match ImageKind::sniff(image) {
        Some(ImageKind::Png) => Ok(png::unbake(image)?),
        Some(ImageKind::Svg) => Ok(svg::unbake(image)?),
        None => Err(unrecognised(image)),
    }
}

fn check_image_size(image: &[u8]) -> Result<(), BakeError> {
    if image.len() > MAX_IMAGE_BYTES {
        return Err(BakeError::ImageTooLarge {
            size: image.len(),
            limit: MAX_IMAGE_BYTES,
        });
    }
    Ok(())
}

fn unrecognised(image: &[u8]) -> BakeError {
    let start = if image.is_empty() {
        "nothing: the file is empty".to_owned()
    } else {
        let shown: Vec<String> = image
            .iter()
            .take(8)
            .map(|byte| format!("{byte:02x}"))
            .collect();
        format!("the bytes {}", shown.join(" "))
    };
    BakeError::UnrecognisedImage { start }
}
