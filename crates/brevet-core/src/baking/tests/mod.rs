//! Tests of baking and unbaking: round trips, replacement, the IMG-01 / IMG-02 cases of the
//! security catalogue, the 1EdTech baked fixtures, and a mutation loop that must never panic.

mod fixtures;
mod png;
mod robustness;
mod svg;

use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A small credential document (not signed: baking does not care).
pub(super) const CREDENTIAL: &str = r#"{
  "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
  "id": "urn:uuid:6b1d7a5c-3f3e-4c56-9a57-1b2c3d4e5f60",
  "type": ["VerifiableCredential", "OpenBadgeCredential"],
  "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Example <&> \"Corp\""},
  "validFrom": "2024-01-01T00:00:00Z",
  "name": "Teamwork ]]> badge",
  "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"id": "https://example.org/a", "type": ["Achievement"], "name": "Teamwork", "criteria": {"narrative": "Works well with others."}}}
}
"#;

/// Another credential, to check that re-baking replaces the first.
pub(super) const OTHER_CREDENTIAL: &str =
    r#"{"type":["VerifiableCredential","OpenBadgeCredential"],"name":"Second"}"#;

/// A compact JWT (its signature is not checked by baking, only its shape).
pub(super) fn jwt() -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"EdDSA","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(br#"{"vc":{"type":["VerifiableCredential"]}}"#);
    format!("{header}.{payload}.c2lnbmF0dXJl")
}

/// Appends one PNG chunk with a correct CRC.
pub(super) fn push_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(kind);
    hasher.update(data);
    out.extend_from_slice(&hasher.finalize().to_be_bytes());
}

/// The data of an `IHDR` chunk: 8-bit RGBA.
pub(super) fn ihdr(width: u32, height: u32) -> Vec<u8> {
    let mut data = Vec::new();
    data.extend_from_slice(&width.to_be_bytes());
    data.extend_from_slice(&height.to_be_bytes());
    data.extend_from_slice(&[8, 6, 0, 0, 0]);
    data
}

/// A real 2×2 RGBA PNG (zlib-compressed scanlines), plus `extra` chunks before `IEND`.
pub(super) fn png_with(extra: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut out = super::png::SIGNATURE.to_vec();
    push_chunk(&mut out, b"IHDR", &ihdr(2, 2));
    push_chunk(&mut out, b"tEXt", b"Comment\0made by the tests");
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    for row in 0..2u8 {
        encoder.write_all(&[0]).unwrap();
        encoder
            .write_all(&[200, 10, row * 100, 255, 20, 200, 30, 128])
            .unwrap();
    }
    push_chunk(&mut out, b"IDAT", &encoder.finish().unwrap());
    for (kind, data) in extra {
        push_chunk(&mut out, kind, data);
    }
    push_chunk(&mut out, b"IEND", &[]);
    out
}

/// A plain PNG without any credential.
pub(super) fn plain_png() -> Vec<u8> {
    png_with(&[])
}

/// `iTXt` data: keyword, compression flag and method, empty language and translated keyword.
pub(super) fn itxt(keyword: &str, flag: u8, text: &[u8]) -> Vec<u8> {
    let mut data = keyword.as_bytes().to_vec();
    data.extend_from_slice(&[0, flag, 0, 0, 0]);
    data.extend_from_slice(text);
    data
}

/// `tEXt` data: keyword NUL text.
pub(super) fn text_chunk(keyword: &str, text: &[u8]) -> Vec<u8> {
    let mut data = keyword.as_bytes().to_vec();
    data.push(0);
    data.extend_from_slice(text);
    data
}

/// The chunks of a PNG the tests built or baked: (type, data).
pub(super) fn chunks(bytes: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut at = 8;
    let mut found = Vec::new();
    while at < bytes.len() {
        let length = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = bytes[at + 4..at + 8].try_into().unwrap();
        found.push((kind, bytes[at + 8..at + 8 + length].to_vec()));
        at += 12 + length;
    }
    found
}

/// A plain SVG badge.
pub(super) const PLAIN_SVG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">
  <title>Badge</title>
  <circle cx="50" cy="50" r="40" fill="gold"/>
</svg>
"#;
