//! Unit tests of the status list: bit order, encoding, decoding bounds (STS-06), entries and
//! the status check (STS-03).

use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

use super::*;

const LIST_URL: &str = "https://issuer.example/status/1";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn multibase(bytes: &[u8]) -> String {
    format!("u{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[test]
fn index_zero_is_the_most_significant_bit_of_byte_zero() {
    let mut list = Bitstring::default();
    assert_eq!(list.len(), MIN_ENTRIES);
    list.set(0, true).unwrap();
    list.set(9, true).unwrap();
    assert_eq!(list.as_bytes()[0], 0b1000_0000);
    assert_eq!(list.as_bytes()[1], 0b0100_0000);
    assert_eq!(list.get(0), Some(true));
    assert_eq!(list.get(1), Some(false));
    assert_eq!(list.get(MIN_ENTRIES), None);
    assert!(list.set(MIN_ENTRIES, true).is_err());
    list.set(0, false).unwrap();
    assert_eq!(list.as_bytes()[0], 0);
}

#[test]
fn encode_decode_round_trips() {
    let mut list = Bitstring::new(200_000);
    assert_eq!(list.len(), 200_000);
    for index in [0, 7, 8, 131_071, 199_999] {
        list.set(index, true).unwrap();
    }
    let encoded = list.encode();
    assert!(encoded.starts_with('u'));
    assert_eq!(Bitstring::decode(&encoded).unwrap(), list);
}

#[test]
fn known_encoding_of_an_empty_list_decodes() {
    // An all-zero 16 KiB list produced by another encoder (default compression level).
    let encoded = multibase(&gzip(&[0u8; 16 * 1024]));
    let list = Bitstring::decode(&encoded).unwrap();
    assert_eq!(list.len(), MIN_ENTRIES);
    assert!(list.as_bytes().iter().all(|byte| *byte == 0));
}

#[test]
fn gzip_bomb_stops_at_the_cap_sts_06_a() {
    // 64 MiB of zeros compress to about 64 KiB; the decoder must stop at the cap.
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    let chunk = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        encoder.write_all(&chunk).unwrap();
    }
    let bomb = multibase(&encoder.finish().unwrap());
    let error = Bitstring::decode(&bomb).unwrap_err();
    assert_eq!(
        error,
        StatusError::TooLarge {
            cap: DEFAULT_DECOMPRESSED_CAP
        }
    );
    assert_eq!(error.code(), "STATUS_VERIFICATION_ERROR");
}

#[test]
fn the_cap_itself_is_accepted_and_one_more_byte_refused() {
    let cap = 20_000;
    assert!(Bitstring::decode_with_cap(&multibase(&gzip(&vec![0u8; cap])), cap).is_ok());
    assert_eq!(
        Bitstring::decode_with_cap(&multibase(&gzip(&vec![0u8; cap + 1])), cap).unwrap_err(),
        StatusError::TooLarge { cap }
    );
}

#[test]
fn gzip_in_gzip_is_refused_sts_06_b() {
    let inner = gzip(&vec![0u8; 4 * 1024 * 1024]);
    let error = Bitstring::decode(&multibase(&gzip(&inner))).unwrap_err();
    assert!(matches!(error, StatusError::BadGzip(_)), "{error}");
    assert_eq!(error.code(), "STATUS_VERIFICATION_ERROR");
}

#[test]
fn truncated_or_corrupt_gzip_is_refused_sts_06_c() {
    let compressed = gzip(&[0u8; 16 * 1024]);
    let truncated = &compressed[..compressed.len() - 6];
    assert!(matches!(
        Bitstring::decode(&multibase(truncated)),
        Err(StatusError::BadGzip(_))
    ));
    let mut bad_crc = compressed.clone();
    let crc_at = bad_crc.len() - 8;
    bad_crc[crc_at] ^= 0xff;
    assert!(matches!(
        Bitstring::decode(&multibase(&bad_crc)),
        Err(StatusError::BadGzip(_))
    ));
    let mut trailing = compressed.clone();
    trailing.extend_from_slice(&compressed);
    assert!(matches!(
        Bitstring::decode(&multibase(&trailing)),
        Err(StatusError::BadGzip(_))
    ));
    assert!(matches!(
        Bitstring::decode(&multibase(b"not gzip at all")),
        Err(StatusError::BadGzip(_))
    ));
    assert_eq!(Bitstring::decode("u!!!"), Err(StatusError::BadBase64));
}

#[test]
fn short_lists_are_a_length_error_sts_06_d() {
    let error = Bitstring::decode(&multibase(&gzip(&[0u8]))).unwrap_err();
    assert_eq!(error, StatusError::ListTooShort { entries: 8 });
    assert_eq!(error.code(), "STATUS_LIST_LENGTH_ERROR");
    let almost = Bitstring::decode(&multibase(&gzip(&[0u8; 16 * 1024 - 1]))).unwrap_err();
    assert_eq!(almost.code(), "STATUS_LIST_LENGTH_ERROR");
}

#[test]
fn unknown_multibase_prefixes_are_refused_sts_06_e() {
    let encoded = Bitstring::default().encode();
    for prefix in ["z", "m", "U", "M"] {
        let other = format!("{prefix}{}", &encoded[1..]);
        assert!(
            matches!(
                Bitstring::decode(&other),
                Err(StatusError::BadMultibasePrefix(_))
            ),
            "{prefix}"
        );
    }
    assert!(matches!(
        Bitstring::decode(""),
        Err(StatusError::BadMultibasePrefix(_))
    ));
    // Base64 with padding is not base64url-no-pad.
    assert_eq!(
        Bitstring::decode(&format!("{encoded}==")),
        Err(StatusError::BadBase64)
    );
}

fn entry(index: &str, purpose: &str) -> Value {
    json!({
        "id": format!("{LIST_URL}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": index,
        "statusListCredential": LIST_URL,
    })
}

#[test]
fn status_entries_are_parsed_strictly() {
    let parsed = StatusEntry::parse(&entry("94567", "revocation")).unwrap();
    assert_eq!(parsed.status_list_index, 94_567);
    assert_eq!(parsed.status_size, 1);
    for bad in [
        "abc",
        "-1",
        "1e3",
        " 1",
        "1 ",
        "+1",
        "",
        "0x10",
        "1.0",
        "99999999999999999999999",
    ] {
        let error = StatusEntry::parse(&entry(bad, "revocation")).unwrap_err();
        assert_eq!(error.code(), "MALFORMED_VALUE_ERROR", "{bad}");
    }
    let mut numeric = entry("1", "revocation");
    numeric["statusListIndex"] = json!(1);
    assert!(StatusEntry::parse(&numeric).is_err());
    let mut wrong_type = entry("1", "revocation");
    wrong_type["type"] = json!("StatusList2021Entry");
    assert!(StatusEntry::parse(&wrong_type).is_err());
    let mut relative = entry("1", "revocation");
    relative["statusListCredential"] = json!("/status/1");
    assert!(StatusEntry::parse(&relative).is_err());
    let mut wide = entry("1", "message");
    wide["statusSize"] = json!(2);
    assert!(
        StatusEntry::parse(&wide).is_err(),
        "statusSize 2 needs statusMessage"
    );
    wide["statusMessage"] = json!([
        {"status": "0x0", "message": "valid"}, {"status": "0x1", "message": "pending"},
        {"status": "0x2", "message": "revoked"}, {"status": "0x3", "message": "unknown"}
    ]);
    assert_eq!(StatusEntry::parse(&wide).unwrap().status_messages.len(), 4);
    wide["statusSize"] = json!(0);
    assert!(StatusEntry::parse(&wide).is_err());
}

fn list_credential(purpose: &str, list: &Bitstring) -> Value {
    let validity = ListValidity {
        valid_from: Some("2024-01-01T00:00:00Z".into()),
        ttl_ms: Some(300_000),
        ..ListValidity::default()
    };
    build_status_list_credential(
        LIST_URL,
        &json!("did:web:issuer.example"),
        purpose,
        list,
        &validity,
    )
}

#[test]
fn built_list_credentials_have_the_expected_shape() {
    let credential = list_credential("revocation", &Bitstring::default());
    assert_eq!(
        credential["type"],
        json!(["VerifiableCredential", "BitstringStatusListCredential"])
    );
    assert_eq!(credential["id"], LIST_URL);
    assert_eq!(
        credential["credentialSubject"]["id"],
        format!("{LIST_URL}#list")
    );
    assert_eq!(
        credential["credentialSubject"]["type"],
        "BitstringStatusList"
    );
    assert_eq!(
        credential["credentialSubject"]["statusPurpose"],
        "revocation"
    );
    assert_eq!(credential["validFrom"], "2024-01-01T00:00:00Z");
    assert!(
        credential["credentialSubject"]["encodedList"]
            .as_str()
            .unwrap()
            .starts_with('u')
    );
}

#[test]
fn check_status_reads_set_and_unset_bits() {
    let mut list = Bitstring::default();
    list.set(42, true).unwrap();
    let credential = list_credential("revocation", &list);
    let revoked = check_status(
        &StatusEntry::parse(&entry("42", "revocation")).unwrap(),
        &credential,
    )
    .unwrap();
    assert!(revoked.set);
    assert_eq!(revoked.value, 1);
    let valid = check_status(
        &StatusEntry::parse(&entry("43", "revocation")).unwrap(),
        &credential,
    )
    .unwrap();
    assert!(!valid.set);
}

#[test]
fn check_status_refuses_mismatches() {
    let credential = list_credential("suspension", &Bitstring::default());
    // STS-03: purpose mismatch.
    let error = check_status(
        &StatusEntry::parse(&entry("1", "revocation")).unwrap(),
        &credential,
    )
    .unwrap_err();
    assert!(matches!(error, StatusError::PurposeMismatch { .. }));
    assert_eq!(error.code(), "STATUS_VERIFICATION_ERROR");
    // STS-01 (d): the list's id is not the URL.
    let mut moved = credential.clone();
    moved["id"] = json!("https://other.example/status/1");
    let error = check_status(
        &StatusEntry::parse(&entry("1", "suspension")).unwrap(),
        &moved,
    )
    .unwrap_err();
    assert!(matches!(error, StatusError::ListIdMismatch { .. }));
    // Range.
    let error = check_status(
        &StatusEntry::parse(&entry("131072", "suspension")).unwrap(),
        &credential,
    )
    .unwrap_err();
    assert_eq!(error.code(), "RANGE_ERROR");
    // Not a status list credential.
    let mut plain = credential.clone();
    plain["type"] = json!(["VerifiableCredential"]);
    assert_eq!(
        check_status(
            &StatusEntry::parse(&entry("1", "suspension")).unwrap(),
            &plain
        )
        .unwrap_err()
        .code(),
        "STATUS_VERIFICATION_ERROR"
    );
    let mut short = credential.clone();
    short["credentialSubject"]["encodedList"] = json!(multibase(&gzip(&[0u8; 8])));
    assert_eq!(
        check_status(
            &StatusEntry::parse(&entry("1", "suspension")).unwrap(),
            &short
        )
        .unwrap_err()
        .code(),
        "STATUS_LIST_LENGTH_ERROR"
    );
}

#[test]
fn multi_bit_entries_read_their_value_and_message() {
    let mut list = Bitstring::new(MIN_ENTRIES * 2);
    // Entry 3 with statusSize 2 spans bits 6 and 7: value 0b10 = 2.
    list.set(6, true).unwrap();
    let credential = list_credential("message", &list);
    let mut wide = entry("3", "message");
    wide["statusSize"] = json!(2);
    wide["statusMessage"] = json!([
        {"status": "0x0", "message": "valid"}, {"status": "0x1", "message": "pending"},
        {"status": "0x2", "message": "revoked"}, {"status": "0x3", "message": "unknown"}
    ]);
    let outcome = check_status(&StatusEntry::parse(&wide).unwrap(), &credential).unwrap();
    assert_eq!(outcome.value, 2);
    assert_eq!(outcome.message.as_deref(), Some("revoked"));
    // A list of 131,072 bits has only 65,536 two-bit entries: too short for statusSize 2.
    let short = list_credential("message", &Bitstring::default());
    assert_eq!(
        check_status(&StatusEntry::parse(&wide).unwrap(), &short)
            .unwrap_err()
            .code(),
        "STATUS_LIST_LENGTH_ERROR"
    );
}

#[test]
#[ignore = "benchmark"]
fn bench_decode_and_check() {
    let mut list = Bitstring::default();
    for index in (0..MIN_ENTRIES).step_by(97) {
        list.set(index, true).unwrap();
    }
    let credential = list_credential("revocation", &list);
    let parsed = StatusEntry::parse(&entry("94567", "revocation")).unwrap();
    let runs = 2_000;
    let start = std::time::Instant::now();
    for _ in 0..runs {
        std::hint::black_box(check_status(&parsed, &credential).unwrap());
    }
    println!(
        "statuslist decode+check: {:.0}/s",
        f64::from(runs) / start.elapsed().as_secs_f64()
    );
}
