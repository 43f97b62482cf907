//! Uploaded images (achievement images, organisation logos): PNG, JPEG or SVG of at most 1 MiB.
//! The type is decided by the bytes (magic bytes and structure), never by the name or the
//! declared `Content-Type` alone: a declared type that the bytes contradict is refused (IMG-02
//! polyglots). PNG and JPEG dimensions are capped before anything decodes them (IMG-01), and an
//! SVG is refused unless it is inert (see [`svg`]). Stored images are never deleted: issued
//! credentials point at them.

mod svg;

use brevet_store::AnyConnection;
use brevet_store::images::{self, ImageRecord};

use crate::{App, AppError, ids};

/// The largest image accepted, in bytes.
pub const MAX_IMAGE_BYTES: usize = 1024 * 1024;
/// The largest width or height accepted for a PNG or JPEG, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 4096;

/// The image formats Brevet accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Svg,
}

impl ImageKind {
    /// The media type the image is stored and served with.
    pub fn content_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Svg => "image/svg+xml",
        }
    }

    fn name(self) -> &'static str {
        match self {
            ImageKind::Png => "PNG",
            ImageKind::Jpeg => "JPEG",
            ImageKind::Svg => "SVG",
        }
    }

    /// The format a declared media type names (parameters and case ignored); `None` for one
    /// that names no format (absent or `application/octet-stream`), an error for any other.
    fn from_declared(declared: Option<&str>) -> Result<Option<ImageKind>, AppError> {
        let Some(declared) = declared else {
            return Ok(None);
        };
        let essence = declared
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "" | "application/octet-stream" => Ok(None),
            "image/png" => Ok(Some(ImageKind::Png)),
            "image/jpeg" | "image/jpg" => Ok(Some(ImageKind::Jpeg)),
            "image/svg+xml" => Ok(Some(ImageKind::Svg)),
            _ => Err(invalid_image(format!(
                "image: the type {essence:?} is not accepted; upload image/png, image/jpeg or image/svg+xml"
            ))),
        }
    }
}

fn invalid_image(message: impl Into<String>) -> AppError {
    AppError::invalid("INVALID_IMAGE", message)
}

/// Checks an upload: its size, that its bytes are a well-formed PNG, JPEG or SVG, that they
/// agree with `declared` (the `Content-Type` sent, if any), the pixel caps, and that an SVG is
/// inert. Returns the format the bytes are.
pub fn check_image(declared: Option<&str>, bytes: &[u8]) -> Result<ImageKind, AppError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(AppError::TooLarge(format!(
            "image: {} bytes is more than the {MAX_IMAGE_BYTES} bytes (1 MiB) accepted",
            bytes.len()
        )));
    }
    if bytes.is_empty() {
        return Err(invalid_image("image: the upload is empty"));
    }
    let declared = ImageKind::from_declared(declared)?;
    let kind = sniff(bytes).ok_or_else(|| {
        invalid_image(
            "image: the bytes are not a PNG, JPEG or SVG image (checked by their content)",
        )
    })?;
    if let Some(declared) = declared
        && declared != kind
    {
        return Err(invalid_image(format!(
            "image: the upload says it is {} but its bytes are {}",
            declared.name(),
            kind.name()
        )));
    }
    match kind {
        ImageKind::Png => check_png(bytes)?,
        ImageKind::Jpeg => check_jpeg(bytes)?,
        ImageKind::Svg => svg::check_svg(bytes)?,
    }
    Ok(kind)
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The format the first bytes announce.
fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(PNG_SIGNATURE) {
        return Some(ImageKind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(ImageKind::Jpeg);
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = text.iter().find(|b| !b.is_ascii_whitespace())?;
    (*first == b'<').then_some(ImageKind::Svg)
}

fn check_side(format: &str, width: u32, height: u32) -> Result<(), AppError> {
    if width == 0 || height == 0 {
        return Err(invalid_image(format!("image: the {format} has no pixels")));
    }
    if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        return Err(invalid_image(format!(
            "image: the {format} is {width}×{height} pixels; at most {MAX_IMAGE_SIDE}×{MAX_IMAGE_SIDE} is accepted"
        )));
    }
    Ok(())
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let slice = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([slice[0], slice[1], slice[2], slice[3]]))
}

fn be_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let slice = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([slice[0], slice[1]]))
}

/// A PNG: the signature, `IHDR` first (dimensions capped), chunks that fit the file, at least
/// one `IDAT`, and nothing after `IEND`.
fn check_png(bytes: &[u8]) -> Result<(), AppError> {
    let malformed = |what: &str| invalid_image(format!("image: not a well-formed PNG ({what})"));
    if be_u32(bytes, 8) != Some(13) || bytes.get(12..16) != Some(b"IHDR") {
        return Err(malformed("IHDR is not the first chunk"));
    }
    let width = be_u32(bytes, 16).ok_or_else(|| malformed("truncated IHDR"))?;
    let height = be_u32(bytes, 20).ok_or_else(|| malformed("truncated IHDR"))?;
    check_side("PNG", width, height)?;
    let mut at = PNG_SIGNATURE.len();
    let mut saw_data = false;
    loop {
        let length = be_u32(bytes, at).ok_or_else(|| malformed("missing IEND"))?;
        let kind = bytes
            .get(at + 4..at + 8)
            .ok_or_else(|| malformed("truncated chunk"))?;
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(malformed("a chunk type is not four letters"));
        }
        let end = usize::try_from(length)
            .ok()
            .and_then(|length| (at + 12).checked_add(length))
            .filter(|end| *end <= bytes.len())
            .ok_or_else(|| malformed("a chunk runs past the end of the file"))?;
        saw_data |= kind == b"IDAT";
        if kind == b"IEND" {
            if end != bytes.len() {
                return Err(malformed("data after IEND"));
            }
            if !saw_data {
                return Err(malformed("no IDAT chunk"));
            }
            return Ok(());
        }
        at = end;
    }
}

/// A JPEG: the SOI marker, then segments that fit the file up to a start-of-frame (whose
/// dimensions are capped) before the first scan.
fn check_jpeg(bytes: &[u8]) -> Result<(), AppError> {
    let malformed = |what: &str| invalid_image(format!("image: not a well-formed JPEG ({what})"));
    let mut at = 2;
    loop {
        if bytes.get(at) != Some(&0xFF) {
            return Err(malformed("expected a marker"));
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let marker = *bytes
            .get(at)
            .ok_or_else(|| malformed("truncated before a frame header"))?;
        at += 1;
        match marker {
            0x01 | 0xD0..=0xD7 => continue,
            0xD8..=0xDA => return Err(malformed("no frame header before the image data")),
            _ => {}
        }
        let length = usize::from(be_u16(bytes, at).ok_or_else(|| malformed("truncated segment"))?);
        if length < 2 || at + length > bytes.len() {
            return Err(malformed("a segment runs past the end of the file"));
        }
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let height =
                be_u16(bytes, at + 3).ok_or_else(|| malformed("truncated frame header"))?;
            let width = be_u16(bytes, at + 5).ok_or_else(|| malformed("truncated frame header"))?;
            return check_side("JPEG", u32::from(width), u32::from(height));
        }
        at += length;
    }
}

/// A stored image's id and public URL, as responses show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImageRef {
    pub id: String,
    pub url: String,
}

impl App {
    /// Stores an image already checked by [`check_image`] for `org_id` (inside the caller's
    /// transaction); returns its id.
    pub(crate) async fn insert_image(
        &self,
        conn: &mut AnyConnection,
        org_id: &str,
        kind: ImageKind,
        bytes: &[u8],
    ) -> Result<String, AppError> {
        let record = ImageRecord {
            id: ids::new_id(),
            org_id: org_id.to_owned(),
            content_type: kind.content_type().to_owned(),
            bytes: bytes.to_vec(),
            created_at: self.now_unix(),
        };
        images::insert(conn, &record).await?;
        Ok(record.id)
    }

    /// The reference to an image id, as responses show it.
    pub fn image_ref(&self, image_id: &str) -> ImageRef {
        ImageRef {
            id: image_id.to_owned(),
            url: self.image_url(image_id),
        }
    }
}

#[cfg(test)]
mod tests;
