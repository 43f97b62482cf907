//! PNG: round trips, replacement, pixels untouched, and the IMG-01 cases.

use super::super::png::PngError;
use super::super::{
    BadgeVersion, BakeError, Baked, Embedded, MAX_IMAGE_BYTES, MAX_PIXELS, PayloadError, bake,
    unbake,
};
use super::*;

fn png_error(result: Result<Option<Embedded>, BakeError>) -> PngError {
    match result {
        Err(BakeError::Png(error)) => error,
        other => panic!("expected a PNG error, got {other:?}"),
    }
}

fn ob3(payload: Baked) -> Option<Embedded> {
    Some(Embedded {
        version: BadgeVersion::OpenBadges3,
        payload,
    })
}

#[test]
fn json_round_trip_is_byte_for_byte() {
    let baked = bake(&plain_png(), CREDENTIAL).unwrap();
    let found = unbake(&baked).unwrap();
    assert_eq!(found, ob3(Baked::Json(CREDENTIAL.to_owned())));
    assert_eq!(
        found.unwrap().payload.as_str().as_bytes(),
        CREDENTIAL.as_bytes()
    );
}

#[test]
fn the_chunk_is_an_uncompressed_itxt_before_iend_and_nothing_else_changes() {
    let original = plain_png();
    let baked = bake(&original, CREDENTIAL).unwrap();
    let before = chunks(&original);
    let after = chunks(&baked);
    assert_eq!(after.len(), before.len() + 1);
    // Every original chunk, IDAT included, is there unchanged and in order.
    assert_eq!(after[..before.len() - 1], before[..before.len() - 1]);
    let (kind, data) = &after[after.len() - 2];
    assert_eq!(kind, b"iTXt");
    assert_eq!(data, &itxt("openbadgecredential", 0, CREDENTIAL.as_bytes()));
    assert_eq!(&after[after.len() - 1].0, b"IEND");
}

#[test]
fn jwt_round_trip_drops_only_surrounding_white_space() {
    let token = jwt();
    let baked = bake(&plain_png(), &format!("{token}\n")).unwrap();
    assert_eq!(unbake(&baked).unwrap(), ob3(Baked::Jwt(token)));
}

#[test]
fn rebaking_replaces_the_credential() {
    let once = bake(&plain_png(), CREDENTIAL).unwrap();
    let twice = bake(&once, OTHER_CREDENTIAL).unwrap();
    assert_eq!(
        unbake(&twice).unwrap(),
        ob3(Baked::Json(OTHER_CREDENTIAL.to_owned()))
    );
    let credential_chunks = chunks(&twice)
        .into_iter()
        .filter(|(kind, _)| kind == b"iTXt")
        .count();
    assert_eq!(credential_chunks, 1);
    // Baking the same credential again gives the same image.
    assert_eq!(bake(&once, CREDENTIAL).unwrap(), once);
}

#[test]
fn rebaking_replaces_open_badges_2_chunks_and_compressed_ones() {
    for extra in [
        (
            b"tEXt",
            text_chunk("openbadges", b"https://example.org/assertion/1"),
        ),
        (b"iTXt", itxt("openbadges", 0, b"{\"type\":\"Assertion\"}")),
        (b"zTXt", text_chunk("openbadges", b"\0x\x9c")),
        (b"iTXt", itxt("openbadgecredential", 1, b"x\x9c")),
    ] {
        let image = png_with(&[(extra.0, extra.1.clone())]);
        let baked = bake(&image, CREDENTIAL).unwrap();
        assert_eq!(
            unbake(&baked).unwrap(),
            ob3(Baked::Json(CREDENTIAL.to_owned()))
        );
        assert!(!chunks(&baked).contains(&(*extra.0, extra.1)));
    }
}

#[test]
fn an_image_without_credential_unbakes_to_none() {
    assert_eq!(unbake(&plain_png()).unwrap(), None);
    // Other text chunks, even with similar keywords, are not credentials.
    let image = png_with(&[
        (b"iTXt", itxt("openbadgecredentials", 0, b"{}")),
        (b"tEXt", text_chunk("openbadge", b"https://example.org/")),
    ]);
    assert_eq!(unbake(&image).unwrap(), None);
}

#[test]
fn open_badges_2_payloads_are_read() {
    let url = png_with(&[(
        b"tEXt",
        text_chunk("openbadges", b"https://example.org/assertions/1"),
    )]);
    let found = unbake(&url).unwrap().unwrap();
    assert_eq!(found.version, BadgeVersion::OpenBadges2);
    assert_eq!(
        found.payload,
        Baked::Url("https://example.org/assertions/1".to_owned())
    );
    let json = png_with(&[(b"iTXt", itxt("openbadges", 0, b"{\"type\":\"Assertion\"}"))]);
    assert_eq!(
        unbake(&json).unwrap().unwrap().payload,
        Baked::Json("{\"type\":\"Assertion\"}".to_owned())
    );
    let jws = png_with(&[(b"tEXt", text_chunk("openbadges", jwt().as_bytes()))]);
    assert_eq!(unbake(&jws).unwrap().unwrap().payload, Baked::Jwt(jwt()));
}

#[test]
fn img_01_a_two_credential_chunks_are_refused() {
    let image = png_with(&[
        (
            b"iTXt",
            itxt("openbadgecredential", 0, CREDENTIAL.as_bytes()),
        ),
        (
            b"iTXt",
            itxt("openbadgecredential", 0, OTHER_CREDENTIAL.as_bytes()),
        ),
    ]);
    let error = png_error(unbake(&image));
    assert!(matches!(error, PngError::Duplicate { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("two \"openbadgecredential\" chunks")
    );
    let image = png_with(&[
        (b"tEXt", text_chunk("openbadges", b"https://a.example/1")),
        (b"iTXt", itxt("openbadges", 0, b"https://b.example/2")),
    ]);
    assert!(matches!(
        png_error(unbake(&image)),
        PngError::Duplicate { .. }
    ));
    let image = png_with(&[
        (
            b"iTXt",
            itxt("openbadgecredential", 0, CREDENTIAL.as_bytes()),
        ),
        (b"tEXt", text_chunk("openbadges", b"https://a.example/1")),
    ]);
    assert!(matches!(
        png_error(unbake(&image)),
        PngError::BothVersions { .. }
    ));
}

#[test]
fn img_01_b_a_compressed_credential_is_refused() {
    let image = png_with(&[(b"iTXt", itxt("openbadgecredential", 1, b"x\x9c\x03\0"))]);
    let error = png_error(unbake(&image));
    assert!(matches!(error, PngError::Compressed { .. }), "{error}");
    assert!(error.to_string().contains("compressed"));
    let image = png_with(&[(b"zTXt", text_chunk("openbadges", b"\0x\x9c\x03\0"))]);
    assert!(matches!(
        png_error(unbake(&image)),
        PngError::Compressed { .. }
    ));
    // Open Badges 3.0 only uses iTXt.
    let image = png_with(&[(b"tEXt", text_chunk("openbadgecredential", b"{}"))]);
    assert!(matches!(
        png_error(unbake(&image)),
        PngError::WrongChunkType { .. }
    ));
}

#[test]
fn img_01_c_a_huge_chunk_length_is_an_error_not_an_allocation() {
    let mut image = bake(&plain_png(), CREDENTIAL).unwrap();
    // The third chunk (IDAT) claims 0x7FFFFFFF bytes.
    let idat = 8 + 25 + 12 + "Comment\0made by the tests".len();
    image[idat..idat + 4].copy_from_slice(&0x7FFF_FFFFu32.to_be_bytes());
    let error = png_error(unbake(&image));
    assert!(
        matches!(
            error,
            PngError::LengthBeyondInput {
                length: 0x7FFF_FFFF,
                ..
            }
        ),
        "{error}"
    );
    image[idat..idat + 4].copy_from_slice(&0xFFFF_FFF0u32.to_be_bytes());
    assert!(matches!(
        png_error(unbake(&image)),
        PngError::LengthOverMaximum { .. }
    ));
}

#[test]
fn img_01_c_a_crc_mismatch_is_an_error() {
    let mut image = bake(&plain_png(), CREDENTIAL).unwrap();
    // Change one byte of the credential text, not its CRC.
    let at = image.len() - 12 - 4 - 10;
    image[at] ^= 0x01;
    let error = png_error(unbake(&image));
    assert!(matches!(error, PngError::Crc { .. }), "{error}");
    assert!(error.to_string().contains("CRC mismatch in the iTXt chunk"));
    assert!(matches!(
        bake(&image, CREDENTIAL),
        Err(BakeError::Png(PngError::Crc { .. }))
    ));
}

#[test]
fn img_01_c_a_missing_iend_is_an_error() {
    let image = plain_png();
    let without_iend = &image[..image.len() - 12];
    assert_eq!(png_error(unbake(without_iend)), PngError::MissingIend);
    let cut = &image[..image.len() - 5];
    assert!(matches!(
        png_error(unbake(cut)),
        PngError::TruncatedChunk { .. }
    ));
    let mut trailing = image.clone();
    trailing.extend_from_slice(b"<html>");
    assert_eq!(
        png_error(unbake(&trailing)),
        PngError::TrailingData { count: 6 }
    );
}

#[test]
fn img_01_d_an_open_badges_2_url_is_returned_never_fetched() {
    // The core does no IO: the URL comes back to the caller, who applies the outbound policy.
    let image = png_with(&[(
        b"tEXt",
        text_chunk("openbadges", b"http://169.254.169.254/latest/meta-data/"),
    )]);
    assert_eq!(
        unbake(&image).unwrap().unwrap().payload,
        Baked::Url("http://169.254.169.254/latest/meta-data/".to_owned())
    );
    // A URL is not an Open Badges 3.0 payload.
    let image = png_with(&[(
        b"iTXt",
        itxt("openbadgecredential", 0, b"https://example.org/c/1"),
    )]);
    assert!(matches!(
        png_error(unbake(&image)),
        PngError::Payload {
            problem: PayloadError::UrlNotAllowed,
            ..
        }
    ));
}

#[test]
fn img_01_e_a_decompression_bomb_is_refused_before_decoding() {
    let mut image = super::super::png::SIGNATURE.to_vec();
    push_chunk(&mut image, b"IHDR", &ihdr(20_000, 20_000));
    push_chunk(&mut image, b"IEND", &[]);
    let error = png_error(unbake(&image));
    assert_eq!(
        error,
        PngError::TooManyPixels {
            width: 20_000,
            height: 20_000,
            limit: MAX_PIXELS
        }
    );
    assert!(bake(&image, CREDENTIAL).is_err());
}

#[test]
fn structure_errors_are_specific() {
    let image = plain_png();
    // No IHDR first.
    let mut no_ihdr = super::super::png::SIGNATURE.to_vec();
    push_chunk(&mut no_ihdr, b"tEXt", b"a\0b");
    push_chunk(&mut no_ihdr, b"IEND", &[]);
    assert_eq!(
        png_error(unbake(&no_ihdr)),
        PngError::FirstChunkNotIhdr {
            found: "tEXt".to_owned()
        }
    );
    // A chunk type that is not letters.
    let mut bad_type = image.clone();
    bad_type[8 + 25 + 4] = b'1';
    assert!(matches!(
        png_error(unbake(&bad_type)),
        PngError::ChunkType { .. }
    ));
    // Zero width.
    let mut zero = super::super::png::SIGNATURE.to_vec();
    push_chunk(&mut zero, b"IHDR", &ihdr(0, 5));
    push_chunk(&mut zero, b"IEND", &[]);
    assert!(matches!(
        png_error(unbake(&zero)),
        PngError::InvalidDimensions { .. }
    ));
    // A credential chunk whose language tag is not terminated.
    let mut data = b"openbadgecredential\0\0\0en".to_vec();
    data.extend_from_slice(b"-GB");
    let unterminated = png_with(&[(b"iTXt", data)]);
    assert!(matches!(
        png_error(unbake(&unterminated)),
        PngError::TextChunk { .. }
    ));
    // Text that is not UTF-8.
    let latin1 = png_with(&[(b"iTXt", itxt("openbadgecredential", 0, b"{\"a\":\"\xe9\"}"))]);
    assert!(png_error(unbake(&latin1)).to_string().contains("not UTF-8"));
}

#[test]
fn payloads_that_are_not_credentials_are_refused() {
    for text in [
        &b"hello"[..],
        b"",
        b"   ",
        b"{\"a\":1,\"a\":2}",
        b"[1,2]",
        b"a.b",
    ] {
        let image = png_with(&[(b"iTXt", itxt("openbadgecredential", 0, text))]);
        assert!(
            matches!(png_error(unbake(&image)), PngError::Payload { .. }),
            "{}",
            String::from_utf8_lossy(text)
        );
    }
    assert!(matches!(
        bake(&plain_png(), "not a credential"),
        Err(BakeError::Credential(PayloadError::Unrecognised { .. }))
    ));
    assert!(matches!(
        bake(&plain_png(), "eyJhbGciOiJub25lIn0.e30."),
        Err(BakeError::Credential(PayloadError::Jwt(_)))
    ));
    assert!(matches!(
        bake(&plain_png(), "https://example.org/assertion"),
        Err(BakeError::Credential(PayloadError::UrlNotAllowed))
    ));
}

#[test]
fn size_caps_apply_to_the_image_and_the_result() {
    let mut huge = plain_png();
    huge.resize(MAX_IMAGE_BYTES + 1, 0);
    assert!(matches!(
        unbake(&huge),
        Err(BakeError::ImageTooLarge { .. })
    ));
    assert!(matches!(
        bake(&huge, CREDENTIAL),
        Err(BakeError::ImageTooLarge { .. })
    ));
    // A big (valid) image plus a big credential would exceed the cap.
    let filler = vec![0u8; MAX_IMAGE_BYTES - 1024 * 1024];
    let big = png_with(&[(b"tEXt", text_chunk("Filler", &filler))]);
    let credential = format!("{{\"pad\":\"{}\"}}", "x".repeat(1024 * 1024 + 10));
    assert!(matches!(
        bake(&big, &credential),
        Err(BakeError::BakedTooLarge { .. })
    ));
}
