//! Digests of `relatedResource` entries (VC 2.0 §Integrity of Related Resources): the
//! `digestSRI` and `digestMultibase` forms are parsed, and, for the resources Brevet holds
//! without fetching anything, compared with the digests of every known revision.
//!
//! The one such resource is the base context, `https://www.w3.org/ns/credentials/v2`: VC 2.0
//! publishes its SHA-256 and says implementations treat it as already retrieved. Its known
//! revisions are the one whose digest the specification publishes (w3c/vc-data-model commit
//! 8d0ee107, 2024-07-20), the two later ones of w3c/vc-data-model `contexts/credentials/v2`
//! (b4d990ee and 08b83e46, 2025-02-24), and the copy Brevet embeds. Other resources would have
//! to be fetched to be checked, and Brevet fetches nothing here: their digests are only checked
//! for form.

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};
use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::contexts::{CREDENTIALS_V2, PINNED_CONTEXTS};

/// A hash algorithm a related-resource digest may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestAlgorithm {
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlgorithm {
    fn from_length(length: usize) -> Option<DigestAlgorithm> {
        match length {
            32 => Some(DigestAlgorithm::Sha256),
            48 => Some(DigestAlgorithm::Sha384),
            64 => Some(DigestAlgorithm::Sha512),
            _ => None,
        }
    }
}

/// One digest, decoded from either form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceDigest {
    pub algorithm: DigestAlgorithm,
    pub bytes: Vec<u8>,
}

/// Base64 (standard or URL-safe alphabet), padding optional: SRI values are standard base64,
/// but URL-safe ones are common in the wild.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let lenient =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let standard = GeneralPurpose::new(&base64::alphabet::STANDARD, lenient);
    let url_safe = GeneralPurpose::new(&base64::alphabet::URL_SAFE, lenient);
    standard
        .decode(text)
        .ok()
        .or_else(|| url_safe.decode(text).ok())
}

/// The digests of a `digestSRI` value: one or more `sha256|sha384|sha512-<base64>` expressions
/// (options after `?` ignored), separated by whitespace.
pub fn parse_sri(value: &str) -> Result<Vec<ResourceDigest>, String> {
    let mut digests = Vec::new();
    for expression in value.split_ascii_whitespace() {
        let (algorithm, rest) = expression.split_once('-').ok_or_else(|| {
            format!("{expression:?} is not an SRI hash expression (algorithm-base64)")
        })?;
        let algorithm = match algorithm {
            "sha256" => DigestAlgorithm::Sha256,
            "sha384" => DigestAlgorithm::Sha384,
            "sha512" => DigestAlgorithm::Sha512,
            other => {
                return Err(format!(
                    "SRI algorithm {other:?} is not sha256, sha384 or sha512"
                ));
            }
        };
        let encoded = rest.split_once('?').map_or(rest, |(value, _)| value);
        let bytes = decode_base64(encoded)
            .filter(|bytes| DigestAlgorithm::from_length(bytes.len()) == Some(algorithm))
            .ok_or_else(|| format!("{expression:?} is not a base64 {algorithm:?} digest"))?;
        digests.push(ResourceDigest { algorithm, bytes });
    }
    if digests.is_empty() {
        return Err("digestSRI is empty".to_owned());
    }
    Ok(digests)
}

/// The digest of a `digestMultibase` value: multibase (`u` base64url, `m`/`M` base64, `z`
/// base58btc) of a SHA-2 digest, bare or as a multihash (`0x12` SHA-256, `0x20` SHA-384, `0x13`
/// SHA-512, then the length).
pub fn parse_multibase(value: &str) -> Result<ResourceDigest, String> {
    let mut chars = value.chars();
    let prefix = chars.next().ok_or("digestMultibase is empty")?;
    let encoded = chars.as_str();
    let decoded = match prefix {
        'u' => general_purpose::URL_SAFE_NO_PAD.decode(encoded).ok(),
        'm' => general_purpose::STANDARD_NO_PAD.decode(encoded).ok(),
        'M' => general_purpose::STANDARD.decode(encoded).ok(),
        'z' => bs58::decode(encoded).into_vec().ok(),
        other => return Err(format!("multibase prefix {other:?} is not u, m, M or z")),
    }
    .ok_or("digestMultibase does not decode")?;
    let bytes = match decoded.as_slice() {
        [0x12, 32, rest @ ..] | [0x20, 48, rest @ ..] | [0x13, 64, rest @ ..]
            if rest.len() == usize::from(decoded[1]) =>
        {
            rest.to_vec()
        }
        _ => decoded,
    };
    let algorithm = DigestAlgorithm::from_length(bytes.len())
        .ok_or("digestMultibase is not a SHA-256, SHA-384 or SHA-512 digest")?;
    Ok(ResourceDigest { algorithm, bytes })
}

/// What Brevet can say about a digest of the resource `id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DigestMatch {
    /// The digest is that of a known revision of the resource.
    Matches,
    /// Brevet holds the resource, and the digest is that of none of its known revisions.
    Mismatch,
    /// Brevet does not hold the resource (it would have to be fetched).
    NotHeld,
}

/// Compares `digest` with the known revisions of the resource `id`.
pub fn match_digest(id: &str, digest: &ResourceDigest) -> DigestMatch {
    if id != CREDENTIALS_V2 {
        return DigestMatch::NotHeld;
    }
    let known = base_context_digests().iter().any(|revision| {
        let expected: &[u8] = match digest.algorithm {
            DigestAlgorithm::Sha256 => &revision.sha256,
            DigestAlgorithm::Sha384 => &revision.sha384,
            DigestAlgorithm::Sha512 => &revision.sha512,
        };
        expected == digest.bytes.as_slice()
    });
    if known {
        DigestMatch::Matches
    } else {
        DigestMatch::Mismatch
    }
}

/// The three digests of one revision of a resource.
struct Revision {
    sha256: Vec<u8>,
    sha384: Vec<u8>,
    sha512: Vec<u8>,
}

/// Digests (hex) of the published revisions of the base context (see the module documentation).
const PUBLISHED_BASE_CONTEXT_REVISIONS: [[&str; 3]; 3] = [
    [
        "24a18c90e9856d526111f29376e302d970b2bd10182e33959995b0207d7043b9",
        "35239c36999d2155312091af194a1edb61634d6ad789a5e5b19f2aebdd762dd9d1dcaada40eda7ef921c6b8c0ae107a0",
        "cb1336dfa8670d80d03344b3b0cc25faf4d45201823c35f39bb1afe5a9f911f615ff4ec80ec5f2f89e33d14e96bec8be78e38df35b918c9cd5f3b3449bd6c88f",
    ],
    [
        "38a45430b8127b45a5eff5c0045fa01b8a743e982f82a382a57e50a474e50156",
        "067581be60d63234a3f2e56750f9c0125285b81ed04483169e5e6329a279abb0fd29b81c230fe7f60de20d0c3b9e9512",
        "04d39f14e912042b143f1063932ebd3d3399e2828b2265cfb60797a2379212336ca1ce8947e342cebbb729cfce01d1e870dbd81f1d9ffec4ca18270d8424c8c8",
    ],
    [
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
        "97f1eb8e5042356c805fdd61afa2c557663785e0794dcafa21e138fd38def18cb360133c221aa31d6896a6bf3e65b614",
        "5d55452bd2dcf8a29f5a290473eb242b1c5fb77d4e68f1a0aa87baa4dba2694852d65ec63d48ac04a99d956f9f7153b9406f84d2d04c74869b02c239a1d81305",
    ],
];

fn base_context_digests() -> &'static [Revision] {
    static REVISIONS: OnceLock<Vec<Revision>> = OnceLock::new();
    REVISIONS.get_or_init(|| {
        let mut revisions: Vec<Revision> = PUBLISHED_BASE_CONTEXT_REVISIONS
            .iter()
            .map(|[sha256, sha384, sha512]| Revision {
                sha256: from_hex(sha256),
                sha384: from_hex(sha384),
                sha512: from_hex(sha512),
            })
            .collect();
        if let Some(embedded) = PINNED_CONTEXTS
            .iter()
            .find(|context| context.url == CREDENTIALS_V2)
        {
            let bytes = embedded.text.as_bytes();
            revisions.push(Revision {
                sha256: Sha256::digest(bytes).to_vec(),
                sha384: Sha384::digest(bytes).to_vec(),
                sha512: Sha512::digest(bytes).to_vec(),
            });
        }
        revisions
    })
}

/// Hex to bytes, for the constants above (all valid hex; a bad pair would decode to nothing
/// and so match nothing).
fn from_hex(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .filter_map(|index| u8::from_str_radix(hex.get(index * 2..index * 2 + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digests the W3C VC 2.0 test suite gives for the base context.
    const SUITE_SRI: &str =
        "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg";
    const SUITE_MULTIBASE: &str = "uJKGMkOmFbVJhEfKTduMC2XCyvRAYLjOVmZWwIH1wQ7k";

    #[test]
    fn the_published_base_context_digests_match_and_others_do_not() {
        for digest in [
            parse_sri(SUITE_SRI).unwrap().remove(0),
            parse_multibase(SUITE_MULTIBASE).unwrap(),
        ] {
            assert_eq!(match_digest(CREDENTIALS_V2, &digest), DigestMatch::Matches);
            assert_eq!(
                match_digest("https://example.org/resource", &digest),
                DigestMatch::NotHeld
            );
        }
        for wrong in [
            parse_multibase("uM4RgWQc3RUDtjJCSgTJtTfvpZ7SPEg_LNO0ESlovQC0").unwrap(),
            parse_sri("sha384-_rCVIV7fSXXTNIvpiq26jRDyj8JG8TDjij-tD0ewLk4JpnXEz6a5AeeY_1qQ0d0P")
                .unwrap()
                .remove(0),
        ] {
            assert_eq!(match_digest(CREDENTIALS_V2, &wrong), DigestMatch::Mismatch);
        }
    }

    #[test]
    fn the_embedded_copy_and_multihash_forms_match() {
        let embedded = PINNED_CONTEXTS
            .iter()
            .find(|context| context.url == CREDENTIALS_V2)
            .unwrap();
        let sha256 = Sha256::digest(embedded.text.as_bytes()).to_vec();
        let mut multihash = vec![0x12, 32];
        multihash.extend_from_slice(&sha256);
        let forms = [
            format!("z{}", bs58::encode(&multihash).into_string()),
            format!("u{}", general_purpose::URL_SAFE_NO_PAD.encode(&sha256)),
        ];
        for form in forms {
            let digest = parse_multibase(&form).unwrap();
            assert_eq!(
                match_digest(CREDENTIALS_V2, &digest),
                DigestMatch::Matches,
                "{form}"
            );
        }
        let sri = format!(
            "sha512-{}",
            general_purpose::STANDARD.encode(Sha512::digest(embedded.text.as_bytes()))
        );
        let digest = parse_sri(&sri).unwrap().remove(0);
        assert_eq!(match_digest(CREDENTIALS_V2, &digest), DigestMatch::Matches);
    }

    #[test]
    fn malformed_digests_are_refused() {
        for bad in ["", "sha1-abc", "sha384-abc", "md5-xyz", "sha256"] {
            assert!(parse_sri(bad).is_err(), "{bad}");
        }
        for bad in ["", "xabc", "uabc", "z0OIl", "u!!!!"] {
            assert!(parse_multibase(bad).is_err(), "{bad}");
        }
    }
}
