//! Lexical rules of RDF conversion: well-formed IRIs and language tags, and the canonical
//! lexical forms of `xsd:integer` and `xsd:double` that JSON-LD 1.1 gives JSON numbers.

use serde_json::Number;

/// Numbers at or above this magnitude are written as `xsd:double` even without a fraction.
const DOUBLE_THRESHOLD: f64 = 1e21;

/// True when `iri` is an absolute IRI that can be written in N-Quads: a scheme
/// (`ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")`), a colon, and no character that an `IRIREF`
/// forbids (controls, space, `<>"{}|^`\`), and at most one `#` (a fragment cannot hold another).
pub(crate) fn is_well_formed_iri(iri: &str) -> bool {
    let bytes = iri.as_bytes();
    let Some(colon) = bytes.iter().position(|&b| b == b':') else {
        return false;
    };
    let (scheme, rest) = bytes.split_at(colon);
    let scheme_ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return false;
    }
    rest_is_well_formed(rest)
}

/// The part after the scheme: no forbidden byte and at most one `#`. Branch-free over 16-byte
/// chunks with one accumulator per lane, so that the compiler vectorizes the scan of long IRIs.
fn rest_is_well_formed(rest: &[u8]) -> bool {
    let mut forbidden = [false; 16];
    let mut hashes = [0u8; 16];
    let mut chunks = rest.chunks_exact(16);
    for chunk in &mut chunks {
        for (lane, &byte) in chunk.iter().enumerate() {
            forbidden[lane] |= is_forbidden_in_iri(byte);
            hashes[lane] = hashes[lane].saturating_add(u8::from(byte == b'#'));
        }
    }
    let remainder = chunks.remainder().len();
    if remainder > 0 {
        // The last 16 bytes again, without counting the `#` of the lanes already seen.
        let Some(start) = rest.len().checked_sub(16) else {
            // Short: a plain loop costs less than padding.
            return !rest.iter().any(|&byte| is_forbidden_in_iri(byte))
                && rest.iter().filter(|&&byte| byte == b'#').count() <= 1;
        };
        let (last, seen): ([u8; 16], usize) =
            (rest[start..].try_into().unwrap_or([0; 16]), 16 - remainder);
        for (lane, &byte) in last.iter().enumerate() {
            forbidden[lane] |= is_forbidden_in_iri(byte);
            hashes[lane] = hashes[lane].saturating_add(u8::from(lane >= seen && byte == b'#'));
        }
    }
    // A saturated lane (255) still counts as more than one.
    !forbidden.contains(&true) && hashes.iter().map(|&count| u32::from(count)).sum::<u32>() <= 1
}

/// Whether an N-Quads `IRIREF` forbids this byte: controls and space, `"`, `<`/`>`, `\`/`^`,
/// `` ` `` and `{|}` (bit tricks pair `<>` and `\^`).
#[inline]
fn is_forbidden_in_iri(byte: u8) -> bool {
    (byte <= 0x20)
        | (byte == b'"')
        | (byte & 0xFD == b'<')
        | (byte & 0xFD == b'\\')
        | (byte == b'`')
        | (byte.wrapping_sub(b'{') < 3)
}

/// True when `tag` is a well-formed BCP 47 language tag in the lenient sense JSON-LD processors
/// use: `1*8ALPHA *("-" 1*8alphanum)`.
pub(crate) fn is_well_formed_language(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let primary_ok = subtags
        .next()
        .is_some_and(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic()));
    primary_ok
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// True when JSON-LD converts this number to an `xsd:double`: it has a non-zero fractional part
/// or its magnitude is at least 10^21.
pub(crate) fn is_double(number: &Number) -> bool {
    match number.as_f64() {
        Some(value) if number.is_f64() => value.fract() != 0.0 || value.abs() >= DOUBLE_THRESHOLD,
        _ => false,
    }
}

/// The canonical `xsd:integer` lexical form of a number without a fractional part.
pub(crate) fn integer_lexical(number: &Number) -> String {
    if let Some(value) = number.as_u64() {
        return value.to_string();
    }
    if let Some(value) = number.as_i64() {
        return value.to_string();
    }
    let value = number.as_f64().unwrap_or(0.0);
    if value == 0.0 {
        // `-0` has no integer form of its own.
        return "0".to_owned();
    }
    format!("{value:.0}")
}

/// The canonical `xsd:double` lexical form of a number, as JSON-LD processors write it
/// (ECMAScript `toExponential(15)` with the trailing zeros of the mantissa removed, keeping one
/// fractional digit): `1.1E0`, `5.3E0`, `1.0E21`, `-1.5E-7`.
pub(crate) fn double_lexical(number: &Number) -> String {
    let value = match (number.as_u64(), number.as_i64()) {
        (Some(value), _) => value as f64,
        (None, Some(value)) => value as f64,
        _ => number.as_f64().unwrap_or(0.0),
    };
    double_to_canonical(value)
}

/// See [`double_lexical`]; `value` must be finite (JSON numbers always are).
pub(crate) fn double_to_canonical(value: f64) -> String {
    if value == 0.0 {
        // ECMAScript prints both zeros without a sign.
        return "0.0E0".to_owned();
    }
    let (negative, mut digits, mut exponent) = sixteen_significant_digits(value);
    // `digits` holds 16 ASCII digits: the mantissa d.ddddddddddddddd. Drop trailing zeros but
    // keep one fractional digit.
    let keep = digits
        .iter()
        .rposition(|&d| d != b'0')
        .map_or(1, |last| last.max(1))
        + 1;
    digits.truncate(keep);
    let mut out = String::with_capacity(24);
    if negative {
        out.push('-');
    }
    out.push(char::from(digits[0]));
    out.push('.');
    for &digit in &digits[1..] {
        out.push(char::from(digit));
    }
    out.push('E');
    if exponent < 0 {
        out.push('-');
        exponent = -exponent;
    }
    out.push_str(&exponent.to_string());
    out
}

/// Splits `value` into sign, 16 significant decimal digits rounded to nearest with ties away
/// from zero (as ECMAScript's `toExponential` does), and the decimal exponent.
fn sixteen_significant_digits(value: f64) -> (bool, Vec<u8>, i32) {
    let negative = value.is_sign_negative();
    let magnitude = value.abs();
    // Rust rounds the exact binary value half to even; only an exact tie can differ from
    // ECMAScript. A tie needs the 17th significant digit to be 5 with nothing after it.
    let rounded = format!("{magnitude:.15e}");
    let seventeen = format!("{magnitude:.16e}");
    let (mut digits, mut exponent) = split_scientific(&rounded);
    if seventeen.as_bytes().get(17) == Some(&b'5') && is_exact_tie(magnitude) {
        let (exact_digits, exact_exponent) = split_scientific(&seventeen);
        digits = exact_digits;
        exponent = exact_exponent;
        digits.truncate(16);
        if round_up(&mut digits) {
            exponent += 1;
        }
    }
    (negative, digits, exponent)
}

/// True when the exact decimal expansion of `magnitude` has exactly 17 significant digits, the
/// last being 5 (so rounding to 16 digits is a tie). Doubles have at most 767 significant digits.
fn is_exact_tie(magnitude: f64) -> bool {
    let exact = format!("{magnitude:.767e}");
    let mantissa = exact.split('e').next().unwrap_or("");
    // "d." then 767 digits: the 17th significant digit is at byte 17.
    mantissa.as_bytes().get(17) == Some(&b'5') && mantissa.bytes().skip(18).all(|b| b == b'0')
}

/// Parses Rust's `d.ddde±x` output into its digits (without the point) and exponent.
fn split_scientific(text: &str) -> (Vec<u8>, i32) {
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    (digits, exponent.parse().unwrap_or(0))
}

/// Adds one unit in the last place of a digit string; true when it carried into a new digit
/// (the digits then read `1000…` with the same length, and the exponent must grow by one).
fn round_up(digits: &mut [u8]) -> bool {
    for digit in digits.iter_mut().rev() {
        if *digit == b'9' {
            *digit = b'0';
        } else {
            *digit += 1;
            return false;
        }
    }
    if let Some(first) = digits.first_mut() {
        *first = b'1';
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> Number {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn doubles_use_the_ecmascript_canonical_form() {
        let cases = [
            ("1.1", "1.1E0"),
            ("5.3", "5.3E0"),
            ("-1.5e-7", "-1.5E-7"),
            ("1e21", "1.0E21"),
            ("1.0e21", "1.0E21"),
            ("0.1", "1.0E-1"),
            ("123456.789", "1.23456789E5"),
            ("0.30000000000000004", "3.0E-1"),
            ("1.7976931348623157e308", "1.797693134862316E308"),
            ("5e-324", "4.940656458412465E-324"),
            ("9.9999999999999999e22", "9.999999999999999E22"),
            ("1e23", "9.999999999999999E22"),
        ];
        for (input, expected) in cases {
            assert_eq!(double_lexical(&number(input)), expected, "{input}");
        }
    }

    #[test]
    fn ties_round_away_from_zero_like_to_exponential() {
        // 1234567890123456.5 is exact in binary; ECMAScript picks the larger candidate.
        assert_eq!(
            double_to_canonical(1234567890123456.5),
            "1.234567890123457E15"
        );
        assert_eq!(
            double_to_canonical(1234567890123457.5),
            "1.234567890123458E15"
        );
        assert_eq!(
            double_to_canonical(-1234567890123456.5),
            "-1.234567890123457E15"
        );
        assert_eq!(double_to_canonical(0.5), "5.0E-1");
    }

    #[test]
    fn rounding_up_carries_into_the_exponent() {
        let mut digits = *b"9999";
        assert!(round_up(&mut digits));
        assert_eq!(&digits, b"1000");
        let mut digits = *b"1299";
        assert!(!round_up(&mut digits));
        assert_eq!(&digits, b"1300");
    }

    #[test]
    fn zero_and_integers_as_doubles() {
        assert_eq!(double_lexical(&number("0")), "0.0E0");
        assert_eq!(double_lexical(&number("-0.0")), "0.0E0");
        assert_eq!(double_lexical(&number("5")), "5.0E0");
        assert_eq!(double_lexical(&number("-12")), "-1.2E1");
    }

    #[test]
    fn integers_keep_every_digit() {
        assert_eq!(integer_lexical(&number("123")), "123");
        assert_eq!(
            integer_lexical(&number("-9223372036854775808")),
            "-9223372036854775808"
        );
        assert_eq!(
            integer_lexical(&number("18446744073709551615")),
            "18446744073709551615"
        );
        assert_eq!(integer_lexical(&number("5.0")), "5");
        assert_eq!(integer_lexical(&number("-0.0")), "0");
        assert_eq!(integer_lexical(&number("1e20")), "100000000000000000000");
    }

    #[test]
    fn double_detection() {
        assert!(is_double(&number("1.5")));
        assert!(is_double(&number("1e21")));
        assert!(is_double(&number("-1e300")));
        assert!(!is_double(&number("5.0")));
        assert!(!is_double(&number("1e20")));
        assert!(!is_double(&number("18446744073709551615")));
    }

    #[test]
    fn iri_well_formedness() {
        for good in [
            "http://example.com/a",
            "urn:x",
            "did:key:z6Mk#z6Mk",
            "a+b-c.d:",
            "http://ex/é",
        ] {
            assert!(is_well_formed_iri(good), "{good}");
        }
        for bad in [
            "",
            "rel",
            "/abs/path",
            ":x",
            "1a:b",
            "http://a b",
            "http://invalid/<>/x",
            "h t:x",
            "x:a\"b",
            "x:{}",
            "x:\\",
            "http://ex/a##b",
            "http://ex/#a#b",
        ] {
            assert!(!is_well_formed_iri(bad), "{bad}");
        }
    }

    /// The rule of [`is_well_formed_iri`] spelled out character by character.
    fn reference_is_well_formed_iri(iri: &str) -> bool {
        let Some((scheme, rest)) = iri.split_once(':') else {
            return false;
        };
        let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        scheme_ok
            && rest.chars().all(|c| c > ' ' && !"<>\"{}|^`\\".contains(c))
            && rest.matches('#').count() <= 1
    }

    #[test]
    fn iri_check_agrees_with_the_reference_at_every_position() {
        let specials = ['#', 'é', '\u{7f}', '~', '%', ':', '/'];
        let characters = (0u8..0x80).map(char::from).chain(specials);
        for character in characters {
            for length in 0usize..40 {
                for position in [0, length / 2, length.saturating_sub(1)] {
                    let mut rest: Vec<char> = vec!['x'; length];
                    if length > 0 {
                        rest[position] = character;
                    }
                    let iri = format!("https:{}", rest.iter().collect::<String>());
                    assert_eq!(
                        is_well_formed_iri(&iri),
                        reference_is_well_formed_iri(&iri),
                        "{iri:?}"
                    );
                    let twice = format!("{iri}{character}");
                    assert_eq!(
                        is_well_formed_iri(&twice),
                        reference_is_well_formed_iri(&twice),
                        "{twice:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn language_tags() {
        for good in ["en", "en-US", "zh-Hant-TW", "x-private1", "de-CH-1996"] {
            assert!(is_well_formed_language(good), "{good}");
        }
        for bad in [
            "",
            "en_US",
            "en-",
            "-en",
            "toolongtag",
            "en-toolongtag",
            "e1",
            "en US",
        ] {
            assert!(!is_well_formed_language(bad), "{bad}");
        }
    }
}
