//! Strict encodings inside proofs: `proofValue` (`z` + base58btc of exactly 64 bytes) and XSD
//! `dateTimeStamp` values (`created`, `expires`).

use time::OffsetDateTime;

use super::ProofError;
use crate::datetime::DateTimeStamp;

/// Encodes a signature as `proofValue`: `z` + base58btc.
pub fn encode_proof_value(signature: &[u8; 64]) -> String {
    format!("z{}", bs58::encode(signature).into_string())
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
