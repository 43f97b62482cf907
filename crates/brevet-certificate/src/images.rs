//! Images for the certificate (the organisation's logo, the achievement's image), chosen by
//! their bytes: a PNG is decoded with the `png` crate (bounded allocation), scaled down by an
//! integer factor when it is far larger than print needs, and embedded as a deflated image
//! XObject with its alpha channel as a soft mask; a JPEG is embedded as it is (`DCTDecode`)
//! after its frame header is read; anything else (SVG) is not drawn, and the layout shows a
//! placeholder instead.

use std::io::Cursor;

use pdf_writer::{Filter, Finish, Name, Pdf, Ref};

use crate::deflate;

/// The most pixels kept along either side (a logo printed 5 cm wide at 600 dpi).
const MAX_SIDE: u32 = 1_200;
/// The most bytes the PNG decoder may allocate.
const DECODE_LIMIT: usize = 96 * 1024 * 1024;

/// The colour space of raster samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Space {
    Gray,
    Rgb,
    Cmyk,
}

impl Space {
    fn components(self) -> usize {
        match self {
            Space::Gray => 1,
            Space::Rgb => 3,
            Space::Cmyk => 4,
        }
    }
}

/// An image ready to be written into the PDF.
#[derive(Debug, Clone)]
pub(crate) struct Raster {
    pub width: u32,
    pub height: u32,
    space: Space,
    /// The encoded samples (deflated, or the JPEG file).
    data: Vec<u8>,
    filter: Filter,
    /// A JPEG written by Adobe software in CMYK stores inverted samples.
    inverted_cmyk: bool,
    /// The deflated alpha channel, if any pixel is not opaque.
    alpha: Option<Vec<u8>>,
}

impl Raster {
    /// Reads `bytes` as PNG or JPEG; `None` for any other format (an SVG) or a file that does
    /// not decode.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Raster> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            from_png(bytes)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            from_jpeg(bytes)
        } else {
            None
        }
    }

    /// Width over height.
    pub(crate) fn aspect(&self) -> f32 {
        self.width as f32 / self.height.max(1) as f32
    }

    /// Writes the image (and its soft mask) at `image_ref`.
    pub(crate) fn write(&self, pdf: &mut Pdf, image_ref: Ref, next: &mut impl FnMut() -> Ref) {
        let mask_ref = self.alpha.as_ref().map(|_| next());
        let width = i32::try_from(self.width).unwrap_or(1);
        let height = i32::try_from(self.height).unwrap_or(1);
        let mut image = pdf.image_xobject(image_ref, &self.data);
        image.filter(self.filter);
        image.width(width);
        image.height(height);
        match self.space {
            Space::Gray => image.color_space().device_gray(),
            Space::Rgb => image.color_space().device_rgb(),
            Space::Cmyk => image.color_space().device_cmyk(),
        };
        image.bits_per_component(8);
        if self.inverted_cmyk {
            image.decode([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
        }
        if let Some(mask_ref) = mask_ref {
            image.s_mask(mask_ref);
        }
        image.finish();
        if let (Some(mask_ref), Some(alpha)) = (mask_ref, &self.alpha) {
            let mut mask = pdf.image_xobject(mask_ref, alpha);
            mask.filter(Filter::FlateDecode);
            mask.width(width);
            mask.height(height);
            mask.color_space().device_gray();
            mask.bits_per_component(8);
            mask.finish();
        }
    }
}

/// The resource name of the `index`-th image.
pub(crate) fn resource_name(index: usize) -> Vec<u8> {
    format!("Im{index}").into_bytes()
}

/// Reference the name as a PDF name.
pub(crate) fn name(bytes: &[u8]) -> Name<'_> {
    Name(bytes)
}

fn from_png(bytes: &[u8]) -> Option<Raster> {
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: DECODE_LIMIT,
        },
    );
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    decoder.set_ignore_text_chunk(true);
    let mut reader = decoder.read_info().ok()?;
    let size = reader.output_buffer_size()?;
    if size > DECODE_LIMIT {
        return None;
    }
    let mut buffer = vec![0; size];
    let frame = reader.next_frame(&mut buffer).ok()?;
    let (width, height) = (frame.width, frame.height);
    let pixels = buffer.get(..frame.buffer_size())?;
    let (space, has_alpha) = match frame.color_type {
        png::ColorType::Grayscale => (Space::Gray, false),
        png::ColorType::GrayscaleAlpha => (Space::Gray, true),
        png::ColorType::Rgb => (Space::Rgb, false),
        png::ColorType::Rgba => (Space::Rgb, true),
        png::ColorType::Indexed => return None,
    };
    if frame.bit_depth != png::BitDepth::Eight {
        return None;
    }
    let channels = space.components() + usize::from(has_alpha);
    let (width, height, pixels) = shrink(width, height, channels, pixels)?;
    let pixel_count = usize::try_from(u64::from(width) * u64::from(height)).ok()?;
    let mut color = Vec::with_capacity(pixel_count * space.components());
    let mut alpha = Vec::with_capacity(if has_alpha { pixel_count } else { 0 });
    for pixel in pixels.chunks_exact(channels) {
        let (samples, rest) = pixel.split_at(space.components());
        color.extend_from_slice(samples);
        alpha.extend_from_slice(rest);
    }
    let alpha = (has_alpha && alpha.iter().any(|value| *value != 255)).then(|| deflate(&alpha));
    Some(Raster {
        width,
        height,
        space,
        data: deflate(&color),
        filter: Filter::FlateDecode,
        inverted_cmyk: false,
        alpha,
    })
}

/// Scales `pixels` down by the smallest integer factor that brings both sides within
/// [`MAX_SIDE`], averaging each block of pixels.
fn shrink(width: u32, height: u32, channels: usize, pixels: &[u8]) -> Option<(u32, u32, Vec<u8>)> {
    let expected = usize::try_from(u64::from(width) * u64::from(height)).ok()? * channels;
    if pixels.len() < expected || width == 0 || height == 0 {
        return None;
    }
    let factor = width.max(height).div_ceil(MAX_SIDE);
    if factor <= 1 {
        return Some((width, height, pixels.get(..expected)?.to_vec()));
    }
    let new_width = width.div_ceil(factor);
    let new_height = height.div_ceil(factor);
    let (width, factor_usize) = (width as usize, factor as usize);
    let mut out = Vec::with_capacity(new_width as usize * new_height as usize * channels);
    let mut sums = vec![0u32; channels];
    for block_y in 0..new_height as usize {
        for block_x in 0..new_width as usize {
            sums.iter_mut().for_each(|sum| *sum = 0);
            let mut count = 0u32;
            for y in block_y * factor_usize..((block_y + 1) * factor_usize).min(height as usize) {
                for x in block_x * factor_usize..((block_x + 1) * factor_usize).min(width) {
                    let at = (y * width + x) * channels;
                    for (sum, value) in sums.iter_mut().zip(pixels.get(at..at + channels)?) {
                        *sum += u32::from(*value);
                    }
                    count += 1;
                }
            }
            for sum in &sums {
                out.push(u8::try_from(sum / count.max(1)).unwrap_or(u8::MAX));
            }
        }
    }
    Some((new_width, new_height, out))
}

/// A JPEG's frame header: its size and colour components; Adobe's APP14 marker tells that
/// CMYK samples are inverted.
fn from_jpeg(bytes: &[u8]) -> Option<Raster> {
    let mut at = 2;
    let mut adobe = false;
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let marker = *bytes.get(at)?;
        at += 1;
        match marker {
            0x01 | 0xD0..=0xD7 => continue,
            0xD8..=0xDA => return None,
            _ => {}
        }
        let length = usize::from(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]));
        if length < 2 || at + length > bytes.len() {
            return None;
        }
        if marker == 0xEE && bytes.get(at + 2..at + 7) == Some(b"Adobe") {
            adobe = true;
        }
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let precision = *bytes.get(at + 2)?;
            let height = u16::from_be_bytes([*bytes.get(at + 3)?, *bytes.get(at + 4)?]);
            let width = u16::from_be_bytes([*bytes.get(at + 5)?, *bytes.get(at + 6)?]);
            let space = match *bytes.get(at + 7)? {
                1 => Space::Gray,
                3 => Space::Rgb,
                4 => Space::Cmyk,
                _ => return None,
            };
            if precision != 8 || width == 0 || height == 0 {
                return None;
            }
            return Some(Raster {
                width: u32::from(width),
                height: u32::from(height),
                space,
                data: bytes.to_vec(),
                filter: Filter::DctDecode,
                inverted_cmyk: adobe && space == Space::Cmyk,
                alpha: None,
            });
        }
        at += length;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A `width`×`height` RGBA PNG: a gradient, transparent in its left half.
    pub(crate) fn rgba_png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, width, height);
            encoder.set_color(png::ColorType::Rgba);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().unwrap();
            let mut data = Vec::new();
            for y in 0..height {
                for x in 0..width {
                    let alpha = if x < width / 2 { 0 } else { 255 };
                    data.extend_from_slice(&[(x % 256) as u8, (y % 256) as u8, 128, alpha]);
                }
            }
            writer.write_image_data(&data).unwrap();
        }
        out
    }

    #[test]
    fn a_png_with_alpha_gets_a_soft_mask() {
        let raster = Raster::from_bytes(&rgba_png(20, 10)).unwrap();
        assert_eq!((raster.width, raster.height), (20, 10));
        assert_eq!(raster.space, Space::Rgb);
        assert!(raster.alpha.is_some());
        assert_eq!(raster.aspect(), 2.0);
    }

    #[test]
    fn a_large_png_is_scaled_down() {
        let raster = Raster::from_bytes(&rgba_png(3000, 1000)).unwrap();
        assert_eq!((raster.width, raster.height), (1000, 334));
    }

    #[test]
    fn svg_and_garbage_are_not_drawn() {
        assert!(Raster::from_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>").is_none());
        assert!(Raster::from_bytes(b"\x89PNG\r\n\x1a\nnot really").is_none());
        assert!(Raster::from_bytes(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 1]).is_none());
        assert!(Raster::from_bytes(b"").is_none());
    }

    #[test]
    fn a_jpeg_frame_header_is_read() {
        // SOI, a DQT-less baseline SOF0 of 3 components 4×2, then SOS.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x02, 0x00, 0x04, 0x03, 1, 0x11, 0, 2,
            0x11, 0, 3, 0x11, 0, 0xFF, 0xDA,
        ];
        let raster = Raster::from_bytes(&jpeg).unwrap();
        assert_eq!((raster.width, raster.height), (4, 2));
        assert_eq!(raster.space, Space::Rgb);
        assert_eq!(raster.filter, Filter::DctDecode);
    }
}
