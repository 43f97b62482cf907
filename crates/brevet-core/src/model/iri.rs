//! The URL test the VC data model applies to identifiers (`id`, `issuer`, status and schema
//! ids, context URLs): an absolute URL with a scheme and no whitespace, control or forbidden
//! characters. `did:example:123`, `urn:uuid:…` and `https://…` pass; `https ://x`, relative
//! references and the empty string do not.

/// Whether `value` is an absolute URL (RFC 3986 scheme, then a non-empty rest made of
/// characters a URL may contain; non-ASCII is allowed as in IRIs).
pub fn is_absolute_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    let scheme_ok = scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || rest.is_empty() {
        return false;
    }
    if rest.is_ascii() {
        return ascii_rest_is_valid(rest.as_bytes());
    }
    rest.chars().all(|c| {
        !c.is_whitespace()
            && !c.is_control()
            && !matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
    }) && percent_escapes_are_complete(rest)
}

/// The ASCII bytes a URL may contain: printable, not space, not `<>"{}|\^` or backquote (the
/// ASCII whitespace and control characters are all outside 0x21..=0x7e).
const URL_BYTES: [bool; 128] = {
    let mut table = [false; 128];
    let mut byte = 0x21;
    while byte < 0x7f {
        table[byte] = !matches!(
            byte as u8,
            b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'\\' | b'^' | b'`'
        );
        byte += 1;
    }
    table
};

/// The rest of an all-ASCII URL, in one pass: allowed bytes, complete percent escapes.
fn ascii_rest_is_valid(bytes: &[u8]) -> bool {
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if !URL_BYTES[usize::from(byte & 0x7f)] {
            return false;
        }
        if byte == b'%' {
            let hex = bytes.get(at + 1..at + 3);
            if !hex.is_some_and(|pair| pair.iter().all(u8::is_ascii_hexdigit)) {
                return false;
            }
            at += 3;
        } else {
            at += 1;
        }
    }
    true
}

fn percent_escapes_are_complete(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = bytes.get(at + 1..at + 3);
            if !hex.is_some_and(|pair| pair.iter().all(u8::is_ascii_hexdigit)) {
                return false;
            }
            at += 3;
        } else {
            at += 1;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_urls_dids_and_urns() {
        for value in [
            "https://example.org/credentials/1",
            "did:example:subject",
            "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6Mk",
            "urn:uuid:5b6d2c1e-0c1a-4a52-9a53-0c0f7a1c9e11",
            "http://example.com/a%20b?x=1#f",
            "https://例え.jp/証明",
        ] {
            assert!(is_absolute_url(value), "{value}");
        }
    }

    /// The ASCII fast path agrees with the character-by-character rule on every byte.
    #[test]
    fn ascii_path_matches_the_general_rule() {
        for byte in 0u8..0x80 {
            for text in [
                format!("https://x/{}", byte as char),
                format!("https://x/a{}b", byte as char),
                format!("https://x/%4{}", byte as char),
                format!("https://x/%{}1", byte as char),
            ] {
                let general = {
                    let rest = &text[text.find(':').unwrap() + 1..];
                    rest.chars().all(|c| {
                        !c.is_whitespace()
                            && !c.is_control()
                            && !matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
                    }) && percent_escapes_are_complete(rest)
                };
                assert_eq!(is_absolute_url(&text), general, "{text:?}");
            }
        }
    }

    #[test]
    fn refuses_non_urls() {
        for value in [
            "",
            "https ://not-a-url/statusList/4",
            "credentials/1",
            "1http://x",
            "did:",
            "https://exa mple.org",
            "https://example.org/<x>",
            "https://example.org/%zz",
            "https://example.org/\n",
            ":no-scheme",
        ] {
            assert!(!is_absolute_url(value), "{value:?}");
        }
    }
}
