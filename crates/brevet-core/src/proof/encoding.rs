//! Strict encodings inside proofs: `proofValue` (`z` + base58btc of exactly 64 bytes) and XSD
//! `dateTimeStamp` values (`created`, `expires`).

use time::OffsetDateTime;

use super::ProofError;
use crate::datetime::DateTimeStamp;

/// Encodes a signature as `proofValue`: `z` + base58btc.
pub fn encode_proof_value(signature: &[u8; 64]) -> String {
    let mut out = String::with_capacity(90);
    out.push('z');
    push_base58_of_64_bytes(signature, &mut out);
    out
}

const BASE58_ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/// 58^5, the largest power of 58 below 2^32: five digits come out of each long division.
const BASE58_CHUNK: u64 = 58 * 58 * 58 * 58 * 58;

/// Bitcoin-alphabet base58 of 64 bytes (the same text as `bs58::encode`): the number is divided
/// by 58^5 over 32-bit limbs instead of by 58 over bytes, a tenth of the divisions.
fn push_base58_of_64_bytes(bytes: &[u8; 64], out: &mut String) {
    let mut limbs = [0u32; 16];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(4)) {
        *limb = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    // Least significant digit first; 64 bytes take at most 88 digits.
    let mut digits = [0u8; 90];
    let mut count = 0;
    let mut start = limbs
        .iter()
        .position(|limb| *limb != 0)
        .unwrap_or(limbs.len());
    while start < limbs.len() {
        let mut remainder: u64 = 0;
        for limb in &mut limbs[start..] {
            let current = (remainder << 32) | u64::from(*limb);
            // current < BASE58_CHUNK * 2^32, so the quotient fits in 32 bits.
            *limb = (current / BASE58_CHUNK) as u32;
            remainder = current % BASE58_CHUNK;
        }
        for _ in 0..5 {
            digits[count] = (remainder % 58) as u8;
            remainder /= 58;
            count += 1;
        }
        while start < limbs.len() && limbs[start] == 0 {
            start += 1;
        }
    }
    // Drop the leading zero digits of the last chunk; each leading zero byte is a '1'.
    while count > 0 && digits[count - 1] == 0 {
        count -= 1;
    }
    let leading_zero_bytes = bytes.iter().take_while(|byte| **byte == 0).count();
    out.extend(std::iter::repeat_n('1', leading_zero_bytes));
    out.extend(
        digits[..count]
            .iter()
            .rev()
            .map(|digit| char::from(BASE58_ALPHABET[usize::from(*digit)])),
    );
}

/// Decodes a `proofValue`: only the `z` (base58btc) prefix, exactly 64 bytes.
pub fn decode_proof_value(proof_value: &str) -> Result<[u8; 64], ProofError> {
    let malformed = |reason: String| ProofError::MalformedProofValue(reason);
    let encoded = match proof_value.strip_prefix('z') {
        Some(encoded) => encoded,
        None => {
            let prefix = proof_value
                .chars()
                .next()
                .map_or_else(|| "nothing".to_owned(), |c| format!("'{c}'"));
            return Err(malformed(format!(
                "must be multibase base58btc (prefix 'z'), found {prefix}"
            )));
        }
    };
    // 64 bytes take at most 88 base58 characters; refuse longer input before decoding it.
    if encoded.len() > 90 {
        return Err(malformed(format!(
            "is {} characters long, too long for a 64-byte signature",
            encoded.len()
        )));
    }
    let bytes = bs58::decode(encoded)
        .into_vec()
        .map_err(|_| malformed("is not valid base58btc".to_owned()))?;
    bytes.as_slice().try_into().map_err(|_| {
        malformed(format!(
            "decodes to {} bytes, expected exactly 64",
            bytes.len()
        ))
    })
}

/// Parses an XSD `dateTimeStamp` as used in proofs (`created`, `expires`) with the crate's strict
/// rules ([`crate::datetime`]): a mandatory timezone, upper-case `T` and `Z`, a real date.
pub fn parse_date_time_stamp(text: &str) -> Option<OffsetDateTime> {
    DateTimeStamp::parse(text).ok().map(|stamp| stamp.instant())
}

/// Checks that `value` of proof field `field` is a `dateTimeStamp`.
pub(crate) fn check_date_time(
    field: &'static str,
    value: &str,
) -> Result<OffsetDateTime, ProofError> {
    parse_date_time_stamp(value).ok_or_else(|| ProofError::InvalidDateTime {
        field,
        value: value.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_stamps_need_a_timezone_and_the_strict_shape() {
        for good in [
            "2023-02-24T23:36:38Z",
            "2023-02-24T23:36:38.123Z",
            "2023-02-24T23:36:38+01:00",
            "2023-02-24T23:36:38-05:30",
        ] {
            assert!(parse_date_time_stamp(good).is_some(), "{good}");
        }
        for bad in [
            "2023-02-24T23:36:38",
            "2023-02-24 23:36:38Z",
            "2023-02-24t23:36:38Z",
            "2023-02-24T23:36:38z",
            "2023-02-30T23:36:38Z",
            "2023-02-24T25:36:38Z",
            "2023-02-24T23:36:38.Z",
            "2023-02-24T23:36:38+0100",
            "23-02-24T23:36:38Z",
            "",
            "2023-02-24T23:36:38Zjunk",
        ] {
            assert!(parse_date_time_stamp(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn proof_values_match_the_base58_crate() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut samples = vec![[0u8; 64], [255u8; 64], [1u8; 64]];
        let mut one = [0u8; 64];
        one[63] = 1;
        samples.push(one);
        for _ in 0..3000 {
            let mut bytes = [0u8; 64];
            for byte in &mut bytes {
                *byte = next() as u8;
            }
            // Leading zero bytes and zero limbs in varied places.
            let zeros = (next() % 70) as usize;
            for byte in bytes.iter_mut().take(zeros.min(64)) {
                *byte = 0;
            }
            if next() % 4 == 0 {
                let at = (next() % 16) as usize * 4;
                bytes[at..at + 4].fill(0);
            }
            samples.push(bytes);
        }
        for bytes in samples {
            let expected = format!("z{}", bs58::encode(bytes).into_string());
            assert_eq!(encode_proof_value(&bytes), expected, "{bytes:?}");
            assert_eq!(decode_proof_value(&expected).unwrap(), bytes);
        }
    }

    #[test]
    fn proof_values_are_strict() {
        let signature = [7u8; 64];
        let encoded = encode_proof_value(&signature);
        assert_eq!(decode_proof_value(&encoded).unwrap(), signature);
        assert!(decode_proof_value(&encoded[1..]).is_err());
        assert!(decode_proof_value(&format!("u{}", &encoded[1..])).is_err());
        assert!(decode_proof_value("z0OIl").is_err());
        for length in [63usize, 65, 96] {
            let encoded = format!("z{}", bs58::encode(vec![9u8; length]).into_string());
            let error = decode_proof_value(&encoded).unwrap_err();
            assert_eq!(error.code(), "MALFORMED_PROOF_ERROR");
        }
        assert!(decode_proof_value("").is_err());
    }
}
