//! IRI helpers: keyword tests, absolute-IRI detection and RFC 3986 reference resolution.

/// True for every JSON-LD 1.1 keyword.
pub(crate) fn is_keyword(value: &str) -> bool {
    value.starts_with('@')
        && matches!(
            value,
            "@base"
                | "@container"
                | "@context"
                | "@direction"
                | "@graph"
                | "@id"
                | "@import"
                | "@included"
                | "@index"
                | "@json"
                | "@language"
                | "@list"
                | "@nest"
                | "@none"
                | "@prefix"
                | "@propagate"
                | "@protected"
                | "@reverse"
                | "@set"
                | "@type"
                | "@value"
                | "@version"
                | "@vocab"
        )
}

/// True when `value` has the form of a keyword: `@` followed by one or more ALPHA characters.
pub(crate) fn has_keyword_form(value: &str) -> bool {
    let mut chars = value.chars();
    chars.next() == Some('@') && {
        let rest = chars.as_str();
        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphabetic())
    }
}

/// Length of the scheme (without its colon) when `value` starts with a valid URI scheme and colon.
fn scheme_len(value: &str) -> Option<usize> {
    let bytes = value.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    for (index, byte) in bytes.iter().enumerate().skip(1) {
        match byte {
            b':' => return Some(index),
            b if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.') => {}
            _ => return None,
        }
    }
    None
}

/// True when `value` is an absolute IRI (has a scheme) with no whitespace.
pub(crate) fn is_absolute_iri(value: &str) -> bool {
    let Some(scheme) = scheme_len(value) else {
        return false;
    };
    // Printable ASCII (the common case) is accepted by a scan eight bytes at a time; ASCII
    // control or space bytes and non-ASCII characters get the exact whitespace test.
    let rest = &value.as_bytes()[scheme..];
    if all_printable_ascii(rest) {
        return true;
    }
    if value.is_ascii() {
        !rest.iter().any(u8::is_ascii_whitespace)
    } else {
        !value.contains(char::is_whitespace)
    }
}

/// Whether every byte is printable ASCII other than space (0x21..=0x7e). Exact: a word is
/// flagged when one of its bytes is below 0x21, is 0x7f or has the high bit set.
fn all_printable_ascii(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let has_less = |word: u64, limit: u64| word.wrapping_sub(ONES * limit) & !word & HIGH_BITS != 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let Ok(array) = <[u8; 8]>::try_from(chunk) else {
            return false;
        };
        let word = u64::from_le_bytes(array);
        if word & HIGH_BITS != 0 || has_less(word, 0x21) || has_less(word ^ (ONES * 0x7f), 1) {
            return false;
        }
    }
    chunks
        .remainder()
        .iter()
        .all(|byte| (0x21..0x7f).contains(byte))
}

/// True for blank node identifiers (`_:` prefix).
pub(crate) fn is_blank_node(value: &str) -> bool {
    value.starts_with("_:")
}

/// True when the last character of `iri` is an RFC 3986 gen-delim.
pub(crate) fn ends_with_gen_delim(iri: &str) -> bool {
    iri.ends_with([':', '/', '?', '#', '[', ']', '@'])
}

struct Parts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

fn parse(value: &str) -> Parts<'_> {
    let (scheme, rest) = match scheme_len(value) {
        Some(len) => (Some(&value[..len]), &value[len + 1..]),
        None => (None, value),
    };
    let (rest, fragment) = match rest.find('#') {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let (rest, query) = match rest.find('?') {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => match after.find('/') {
            Some(at) => (Some(&after[..at]), &after[at..]),
            None => (Some(after), ""),
        },
        None => (None, rest),
    };
    Parts {
        scheme,
        authority,
        path,
        query,
        fragment,
    }
}

fn remove_dot_segments(path: &str) -> String {
    let mut input = path.to_owned();
    let mut output = String::with_capacity(path.len());
    while !input.is_empty() {
        if let Some(rest) = input.strip_prefix("../") {
            input = rest.to_owned();
        } else if let Some(rest) = input.strip_prefix("./") {
            input = rest.to_owned();
        } else if input.starts_with("/./") {
            input.replace_range(..3, "/");
        } else if input == "/." {
            input = "/".to_owned();
        } else if input.starts_with("/../") || input == "/.." {
            let cut = if input == "/.." { 3 } else { 4 };
            input.replace_range(..cut, "/");
            let keep = output.rfind('/').unwrap_or(0);
            output.truncate(keep);
        } else if input == "." || input == ".." {
            input.clear();
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..]
                .find('/')
                .map_or(input.len(), |at| at + start);
            output.push_str(&input[..end]);
            input.replace_range(..end, "");
        }
    }
    output
}

/// Resolves `reference` against `base` (RFC 3986 section 5.2, basic algorithm).
pub(crate) fn resolve(base: &str, reference: &str) -> String {
    let r = parse(reference);
    if r.scheme.is_some() {
        return recompose(
            r.scheme,
            r.authority,
            &remove_dot_segments(r.path),
            r.query,
            r.fragment,
        );
    }
    let b = parse(base);
    if r.authority.is_some() {
        return recompose(
            b.scheme,
            r.authority,
            &remove_dot_segments(r.path),
            r.query,
            r.fragment,
        );
    }
    if r.path.is_empty() {
        let query = r.query.or(b.query);
        return recompose(b.scheme, b.authority, b.path, query, r.fragment);
    }
    let path = if r.path.starts_with('/') {
        remove_dot_segments(r.path)
    } else if b.authority.is_some() && b.path.is_empty() {
        remove_dot_segments(&format!("/{}", r.path))
    } else {
        let directory = match b.path.rfind('/') {
            Some(at) => &b.path[..=at],
            None => "",
        };
        remove_dot_segments(&format!("{directory}{}", r.path))
    };
    recompose(b.scheme, b.authority, &path, r.query, r.fragment)
}

fn recompose(
    scheme: Option<&str>,
    authority: Option<&str>,
    path: &str,
    query: Option<&str>,
    fragment: Option<&str>,
) -> String {
    let mut out = String::with_capacity(path.len() + 32);
    if let Some(scheme) = scheme {
        out.push_str(scheme);
        out.push(':');
    }
    if let Some(authority) = authority {
        out.push_str("//");
        out.push_str(authority);
    }
    out.push_str(path);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// True for a well-formed BCP 47 language tag (syntax check only).
pub(crate) fn is_well_formed_language(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn printable_scan_matches_a_byte_by_byte_test() {
        for length in 0..20 {
            for position in 0..length {
                for byte in 0u8..=255 {
                    let mut bytes = vec![b'a'; length];
                    bytes[position] = byte;
                    assert_eq!(
                        super::all_printable_ascii(&bytes),
                        bytes.iter().all(|b| (0x21..0x7f).contains(b)),
                        "{bytes:?}"
                    );
                }
            }
        }
    }

    use super::*;

    #[test]
    fn resolves_rfc3986_examples() {
        let base = "http://a/b/c/d;p?q";
        let cases = [
            ("g:h", "g:h"),
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("g#s", "http://a/b/c/g#s"),
            (";x", "http://a/b/c/;x"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
        ];
        for (reference, expected) in cases {
            assert_eq!(resolve(base, reference), expected, "{reference}");
        }
    }
}
