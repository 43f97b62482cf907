//! PNG baking by splicing chunks: the credential goes into an uncompressed `iTXt` chunk
//! (keyword `openbadgecredential`) inserted before `IEND`; every other chunk is copied byte for
//! byte, so the pixels are never decoded or re-encoded.
//!
//! The reader is strict (IMG-01): the signature, `IHDR` first (with a pixel cap), every chunk
//! length bounded by what is left of the input (a length of 0x7FFFFFFF is an error, never an
//! allocation), every CRC checked, `IEND` required and last. A credential chunk must be unique
//! (two are refused, never "take the last"), uncompressed, and in the carrier its version
//! specifies.

use super::payload::classify_embedded;
use super::{BadgeVersion, Baked, Embedded, MAX_PIXELS};

/// The eight bytes every PNG starts with.
pub const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
/// The `iTXt` keyword of an Open Badges 3.0 credential.
pub const OB3_KEYWORD: &[u8] = b"openbadgecredential";
/// The `iTXt` / `tEXt` keyword of an Open Badges 2.0 assertion.
pub const OB2_KEYWORD: &[u8] = b"openbadges";

/// PNG caps chunk lengths at 2^31 - 1.
const MAX_CHUNK_LENGTH: u32 = 0x7FFF_FFFF;

/// Why a PNG was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PngError {
    #[error("not a PNG image: the 8-byte PNG signature is missing")]
    Signature,
    #[error(
        "truncated PNG: chunk {index} at byte {offset} needs 12 bytes for its length, type and \
         CRC, but only {remaining} remain"
    )]
    TruncatedChunk {
        index: usize,
        offset: usize,
        remaining: usize,
    },
    #[error(
        "malformed PNG: chunk {index} at byte {offset} declares a length of {length} bytes, over \
         the PNG maximum of 2^31-1"
    )]
    LengthOverMaximum {
        index: usize,
        offset: usize,
        length: u32,
    },
    #[error(
        "malformed PNG: chunk {index} at byte {offset} declares {length} bytes of data, but only \
         {available} bytes are left before its CRC"
    )]
    LengthBeyondInput {
        index: usize,
        offset: usize,
        length: u32,
        available: usize,
    },
    #[error(
        "malformed PNG: chunk {index} at byte {offset} has the type {found:?}, not four ASCII \
         letters"
    )]
    ChunkType {
        index: usize,
        offset: usize,
        found: String,
    },
    #[error(
        "malformed PNG: CRC mismatch in the {chunk_type} chunk at byte {offset} (stored \
         {stored:08x}, computed {computed:08x})"
    )]
    Crc {
        chunk_type: String,
        offset: usize,
        stored: u32,
        computed: u32,
    },
    #[error("malformed PNG: the first chunk is {found}, not IHDR")]
    FirstChunkNotIhdr { found: String },
    #[error("malformed PNG: the IHDR chunk is {length} bytes long, not 13")]
    IhdrLength { length: usize },
    #[error("malformed PNG: the IHDR chunk gives a size of {width}×{height} pixels")]
    InvalidDimensions { width: u32, height: u32 },
    #[error(
        "refused PNG: {width}×{height} pixels is over the limit of {limit} pixels (a badge is far \
         smaller; this may be a decompression bomb)"
    )]
    TooManyPixels { width: u32, height: u32, limit: u64 },
    #[error("malformed PNG: the IEND chunk at byte {offset} is not empty")]
    IendNotEmpty { offset: usize },
    #[error("malformed PNG: there is no IEND chunk (the image is truncated)")]
    MissingIend,
    #[error("malformed PNG: {count} bytes follow the IEND chunk")]
    TrailingData { count: usize },
    #[error(
        "malformed PNG: the {chunk_type} chunk {keyword:?} at byte {offset} is malformed: {problem}"
    )]
    TextChunk {
        chunk_type: String,
        keyword: String,
        offset: usize,
        problem: &'static str,
    },
    #[error(
        "refused PNG: the {chunk_type} chunk {keyword:?} at byte {offset} is compressed; Open \
         Badges requires the credential uncompressed"
    )]
    Compressed {
        chunk_type: String,
        keyword: String,
        offset: usize,
    },
    #[error(
        "refused PNG: the Open Badges 3.0 credential at byte {offset} is in a {chunk_type} chunk; \
         it must be in an uncompressed iTXt chunk"
    )]
    WrongChunkType { chunk_type: String, offset: usize },
    #[error(
        "refused PNG: two {keyword:?} chunks (at bytes {first} and {second}); a baked image \
         carries one credential, and Brevet does not guess which one counts"
    )]
    Duplicate {
        keyword: String,
        first: usize,
        second: usize,
    },
    #[error(
        "refused PNG: it carries both an Open Badges 3.0 credential (\"openbadgecredential\", at \
         byte {ob3}) and an Open Badges 2.0 assertion (\"openbadges\", at byte {ob2}); Brevet does \
         not guess which one counts"
    )]
    BothVersions { ob3: usize, ob2: usize },
    #[error("refused PNG: the {version} payload at byte {offset} is not acceptable: {problem}")]
    Payload {
        version: BadgeVersion,
        offset: usize,
        problem: super::PayloadError,
    },
}

/// One chunk, borrowed from the input.
struct Chunk<'a> {
    /// Where the chunk (its length field) starts in the input.
    offset: usize,
    kind: [u8; 4],
    data: &'a [u8],
    /// The whole chunk: length, type, data and CRC.
    raw: &'a [u8],
}

impl Chunk<'_> {
    fn type_name(&self) -> String {
        String::from_utf8_lossy(&self.kind).into_owned()
    }
}

/// Walks a PNG strictly, handing every chunk (`IEND` included, last) to `visit`.
fn walk<'a>(
    bytes: &'a [u8],
    mut visit: impl FnMut(&Chunk<'a>) -> Result<(), PngError>,
) -> Result<(), PngError> {
    if !bytes.starts_with(&SIGNATURE) {
        return Err(PngError::Signature);
    }
    let mut offset = SIGNATURE.len();
    let mut index = 0;
    loop {
        if offset == bytes.len() {
            return Err(PngError::MissingIend);
        }
        let chunk = read_chunk(bytes, offset, index)?;
        if index == 0 {
            check_ihdr(&chunk)?;
        }
        visit(&chunk)?;
        offset += chunk.raw.len();
        index += 1;
        if &chunk.kind == b"IEND" {
            if !chunk.data.is_empty() {
                return Err(PngError::IendNotEmpty {
                    offset: chunk.offset,
                });
            }
            let count = bytes.len() - offset;
            return if count == 0 {
                Ok(())
            } else {
                Err(PngError::TrailingData { count })
            };
        }
    }
}

/// Reads the chunk at `offset`, checking its length against the input, its type and its CRC.
fn read_chunk(bytes: &[u8], offset: usize, index: usize) -> Result<Chunk<'_>, PngError> {
    let rest = bytes.get(offset..).unwrap_or_default();
    let truncated = || PngError::TruncatedChunk {
        index,
        offset,
        remaining: rest.len(),
    };
    let (Some(length), Some(kind)) = (rest.get(0..4), rest.get(4..8)) else {
        return Err(truncated());
    };
    let length = u32::from_be_bytes([length[0], length[1], length[2], length[3]]);
    let kind = [kind[0], kind[1], kind[2], kind[3]];
    if length > MAX_CHUNK_LENGTH {
        return Err(PngError::LengthOverMaximum {
            index,
            offset,
            length,
        });
    }
    // The data and the 4-byte CRC must both fit in what is left: compare before any use of the
    // length, so a huge declared length is an error, never an allocation or an overflow.
    let available = rest.len().saturating_sub(12);
    if rest.len() < 12 {
        return Err(truncated());
    }
    let data_length = length as usize;
    if data_length > available {
        return Err(PngError::LengthBeyondInput {
            index,
            offset,
            length,
            available,
        });
    }
    if !kind.iter().all(u8::is_ascii_alphabetic) {
        return Err(PngError::ChunkType {
            index,
            offset,
            found: kind.escape_ascii().to_string(),
        });
    }
    let data = &rest[8..8 + data_length];
    let crc_bytes = &rest[8 + data_length..12 + data_length];
    let stored = u32::from_be_bytes([crc_bytes[0], crc_bytes[1], crc_bytes[2], crc_bytes[3]]);
    let computed = chunk_crc(&kind, data);
    if stored != computed {
        return Err(PngError::Crc {
            chunk_type: String::from_utf8_lossy(&kind).into_owned(),
            offset,
            stored,
            computed,
        });
    }
    Ok(Chunk {
        offset,
        kind,
        data,
        raw: &rest[..12 + data_length],
    })
}

fn chunk_crc(kind: &[u8; 4], data: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(kind);
    hasher.update(data);
    hasher.finalize()
}

/// `IHDR` comes first, is 13 bytes, and declares a size within [`MAX_PIXELS`].
fn check_ihdr(chunk: &Chunk<'_>) -> Result<(), PngError> {
    if &chunk.kind != b"IHDR" {
        return Err(PngError::FirstChunkNotIhdr {
            found: chunk.type_name(),
        });
    }
    let [w0, w1, w2, w3, h0, h1, h2, h3, ..] = *chunk.data else {
        return Err(PngError::IhdrLength {
            length: chunk.data.len(),
        });
    };
    if chunk.data.len() != 13 {
        return Err(PngError::IhdrLength {
            length: chunk.data.len(),
        });
    }
    let width = u32::from_be_bytes([w0, w1, w2, w3]);
    let height = u32::from_be_bytes([h0, h1, h2, h3]);
    if width == 0 || height == 0 || width > MAX_CHUNK_LENGTH || height > MAX_CHUNK_LENGTH {
        return Err(PngError::InvalidDimensions { width, height });
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PngError::TooManyPixels {
            width,
            height,
            limit: MAX_PIXELS,
        });
    }
    Ok(())
}

/// A text chunk (`tEXt`, `zTXt`, `iTXt`) whose keyword is one of the Open Badges keywords.
fn badge_keyword(chunk: &Chunk<'_>) -> Option<BadgeVersion> {
    if !matches!(&chunk.kind, b"tEXt" | b"zTXt" | b"iTXt") {
        return None;
    }
    let keyword = chunk.data.split(|&byte| byte == 0).next()?;
    if keyword.len() == chunk.data.len() {
        // No NUL after the keyword: not a keyword at all.
        return None;
    }
    match keyword {
        OB3_KEYWORD => Some(BadgeVersion::OpenBadges3),
        OB2_KEYWORD => Some(BadgeVersion::OpenBadges2),
        _ => None,
    }
}

/// A credential chunk found while unbaking.
struct Found {
    offset: usize,
    text: String,
}

/// Reads the credential a PNG carries; `Ok(None)` when it carries none.
pub(crate) fn unbake(bytes: &[u8]) -> Result<Option<Embedded>, PngError> {
    let mut ob3: Option<Found> = None;
    let mut ob2: Option<Found> = None;
    walk(bytes, |chunk| {
        let Some(version) = badge_keyword(chunk) else {
            return Ok(());
        };
        let text = badge_text(chunk, version)?;
        let slot = match version {
            BadgeVersion::OpenBadges3 => &mut ob3,
            BadgeVersion::OpenBadges2 => &mut ob2,
        };
        if let Some(first) = slot {
            return Err(PngError::Duplicate {
                keyword: keyword_name(version).to_owned(),
                first: first.offset,
                second: chunk.offset,
            });
        }
        *slot = Some(Found {
            offset: chunk.offset,
            text,
        });
        Ok(())
    })?;
    let (version, found) = match (ob3, ob2) {
        (Some(ob3), Some(ob2)) => {
            return Err(PngError::BothVersions {
                ob3: ob3.offset,
                ob2: ob2.offset,
            });
        }
        (Some(found), None) => (BadgeVersion::OpenBadges3, found),
        (None, Some(found)) => (BadgeVersion::OpenBadges2, found),
        (None, None) => return Ok(None),
    };
    let payload = classify_embedded(&found.text, version).map_err(|problem| PngError::Payload {
        version,
        offset: found.offset,
        problem,
    })?;
    Ok(Some(Embedded { version, payload }))
}

fn keyword_name(version: BadgeVersion) -> &'static str {
    match version {
        BadgeVersion::OpenBadges3 => "openbadgecredential",
        BadgeVersion::OpenBadges2 => "openbadges",
    }
}

/// The text of an Open Badges chunk: uncompressed `iTXt` (both versions) or `tEXt` (2.0 only).
fn badge_text(chunk: &Chunk<'_>, version: BadgeVersion) -> Result<String, PngError> {
    let keyword = keyword_name(version);
    // The keyword and its NUL were matched by `badge_keyword`.
    let after_keyword = chunk.data.get(keyword.len() + 1..).unwrap_or_default();
    match (&chunk.kind, version) {
        (b"iTXt", _) => itxt_text(chunk, keyword, after_keyword),
        (b"tEXt", BadgeVersion::OpenBadges2) => {
            // tEXt is Latin-1: every byte is the code point of the same value.
            Ok(after_keyword.iter().map(|&byte| char::from(byte)).collect())
        }
        (b"zTXt", BadgeVersion::OpenBadges2) => Err(PngError::Compressed {
            chunk_type: chunk.type_name(),
            keyword: keyword.to_owned(),
            offset: chunk.offset,
        }),
        _ => Err(PngError::WrongChunkType {
            chunk_type: chunk.type_name(),
            offset: chunk.offset,
        }),
    }
}

/// `iTXt` after the keyword: compression flag, compression method, language tag NUL,
/// translated keyword NUL, UTF-8 text.
fn itxt_text(chunk: &Chunk<'_>, keyword: &str, rest: &[u8]) -> Result<String, PngError> {
    let malformed = |problem| PngError::TextChunk {
        chunk_type: "iTXt".to_owned(),
        keyword: keyword.to_owned(),
        offset: chunk.offset,
        problem,
    };
    let [flag, method, tail @ ..] = rest else {
        return Err(malformed("it ends before its compression flag and method"));
    };
    match (flag, method) {
        (0, 0) => {}
        (1, _) => {
            return Err(PngError::Compressed {
                chunk_type: "iTXt".to_owned(),
                keyword: keyword.to_owned(),
                offset: chunk.offset,
            });
        }
        (0, _) => return Err(malformed("its compression method is not 0")),
        _ => return Err(malformed("its compression flag is neither 0 nor 1")),
    }
    let mut parts = tail.splitn(3, |&byte| byte == 0);
    let (Some(_language), Some(_translated), Some(text)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed(
            "its language tag or translated keyword is not NUL-terminated",
        ));
    };
    String::from_utf8(text.to_vec()).map_err(|_| malformed("its text is not UTF-8"))
}

/// Bakes the payload into a PNG: every chunk is copied except Open Badges chunks (3.0 or 2.0,
/// whatever their form), and a new uncompressed `iTXt openbadgecredential` chunk goes right
/// before `IEND`.
pub(crate) fn bake(bytes: &[u8], payload: &Baked) -> Result<Vec<u8>, PngError> {
    let text = payload.as_str().as_bytes();
    let mut out = Vec::with_capacity(bytes.len() + text.len() + OB3_KEYWORD.len() + 17);
    out.extend_from_slice(&SIGNATURE);
    walk(bytes, |chunk| {
        if badge_keyword(chunk).is_some() {
            return Ok(());
        }
        if &chunk.kind == b"IEND" {
            let mut data = Vec::with_capacity(OB3_KEYWORD.len() + 5 + text.len());
            data.extend_from_slice(OB3_KEYWORD);
            // NUL after the keyword, compression flag 0, method 0, empty language tag and
            // translated keyword (each NUL-terminated).
            data.extend_from_slice(&[0, 0, 0, 0, 0]);
            data.extend_from_slice(text);
            write_chunk(&mut out, b"iTXt", &data);
        }
        out.extend_from_slice(chunk.raw);
        Ok(())
    })?;
    Ok(out)
}

fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    // The payload is capped far below 2^31 bytes, so the length always fits.
    let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&chunk_crc(kind, data).to_be_bytes());
}
