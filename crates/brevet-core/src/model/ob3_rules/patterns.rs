//! The vocabularies and patterns of the OB 3.0 schema, as plain Rust (no regex engine).

/// The identifier types shared by `IdentityObject.identityType` and
/// `IdentifierEntry.identifierType`.
pub(super) const IDENTIFIER_TYPES: &[&str] = &[
    "name",
    "sourcedId",
    "systemId",
    "productId",
    "userName",
    "accountId",
    "emailAddress",
    "nationalIdentityNumber",
    "isbn",
    "issn",
    "lisSourcedId",
    "oneRosterSourcedId",
    "sisSourcedId",
    "ltiContextId",
    "ltiDeploymentId",
    "ltiToolId",
    "ltiPlatformId",
    "ltiUserId",
    "identifier",
];

pub(super) const ALIGNMENT_TARGET_TYPES: &[&str] = &[
    "ceasn:Competency",
    "ceterms:Credential",
    "CFItem",
    "CFRubric",
    "CFRubricCriterion",
    "CFRubricCriterionLevel",
    "CTDL",
];

pub(super) const RESULT_TYPES: &[&str] = &[
    "GradePointAverage",
    "LetterGrade",
    "Percent",
    "PerformanceLevel",
    "PredictedScore",
    "RawScore",
    "Result",
    "RubricCriterion",
    "RubricCriterionLevel",
    "RubricScore",
    "ScaledScore",
    "Status",
];

pub(super) const RESULT_STATUSES: &[&str] = &[
    "Completed",
    "Enrolled",
    "Failed",
    "InProgress",
    "OnHold",
    "Provisional",
    "Withdrew",
];

/// `^https://purl.imsglobal.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$`.
pub(super) fn is_ob3_context_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://purl.imsglobal.org/spec/ob/v3p0/context") else {
        return false;
    };
    let Some(mut versions) = rest.strip_suffix(".json") else {
        return false;
    };
    while !versions.is_empty() {
        let bytes = versions.as_bytes();
        let ok = bytes.len() >= 6
            && bytes[0] == b'-'
            && bytes[1] == b'3'
            && bytes[2] == b'.'
            && bytes[3].is_ascii_digit()
            && bytes[4] == b'.'
            && bytes[5].is_ascii_digit();
        if !ok {
            return false;
        }
        versions = &versions[6..];
    }
    true
}

/// The schema's extension pattern `(ext:)[a-z|A-Z|0-9|.|-|_]+`, unanchored as written: the text
/// contains `ext:` followed by a letter, digit, `.`, `_` or `|` (in that character class `|-|`
/// is the one-character range `|`, so `-` is not in it).
pub(super) fn is_extension_term(text: &str) -> bool {
    text.match_indices("ext:").any(|(at, _)| {
        text[at + 4..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '|'))
    })
}

/// `^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$`.
pub(super) fn is_language_tag(text: &str) -> bool {
    let mut parts = text.split('-');
    let Some(language) = parts.next() else {
        return false;
    };
    if !(2..=4).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    let is_script = |part: &str| {
        part.len() == 4
            && part.as_bytes()[0].is_ascii_uppercase()
            && part.bytes().skip(1).all(|b| b.is_ascii_lowercase())
    };
    let is_region = |part: &str| {
        (part.len() == 2 && part.bytes().all(|b| b.is_ascii_uppercase()))
            || (part.len() == 3 && part.bytes().all(|b| b.is_ascii_digit()))
    };
    match rest.as_slice() {
        [] => true,
        [one] => is_script(one) || is_region(one),
        [script, region] => is_script(script) && is_region(region),
        _ => false,
    }
}

/// `^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$`.
pub(super) fn is_compact_jws(text: &str) -> bool {
    let base64url = |part: &str| {
        part.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    let parts: Vec<&str> = text.split('.').collect();
    matches!(parts.as_slice(), [header, payload, signature]
        if !header.is_empty() && !signature.is_empty()
            && base64url(header) && base64url(payload) && base64url(signature))
}

/// A real calendar date written `YYYY-MM-DD`.
pub(super) fn is_full_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let Ok(month) = time::Month::try_from(month as u8) else {
        return false;
    };
    time::Date::from_calendar_date(year as i32, month, day as u8).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ob3_context_pattern() {
        for url in [
            "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3-3.1.0.json",
        ] {
            assert!(is_ob3_context_url(url), "{url}");
        }
        for url in [
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.json",
            "http://purl.imsglobal.org/spec/ob/v3p0/context.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-4.0.0.json",
        ] {
            assert!(!is_ob3_context_url(url), "{url}");
        }
    }

    #[test]
    fn extension_terms_follow_the_schema_pattern() {
        assert!(is_extension_term("ext:MyType"));
        assert!(is_extension_term("x-ext:a"));
        assert!(!is_extension_term("ext:"));
        assert!(!is_extension_term("ext:-a"));
        assert!(!is_extension_term("MyType"));
    }

    #[test]
    fn language_tags_dates_and_jws() {
        for tag in ["en", "en-US", "zh-Hant", "zh-Hant-TW", "es-419", "haw"] {
            assert!(is_language_tag(tag), "{tag}");
        }
        for tag in ["", "e", "EN", "en-us", "en-US-x", "english"] {
            assert!(!is_language_tag(tag), "{tag}");
        }
        assert!(is_full_date("2000-02-29"));
        assert!(!is_full_date("2001-02-29"));
        assert!(!is_full_date("2001-2-01"));
        assert!(is_compact_jws("aGVhZA.cGF5bG9hZA.c2ln"));
        assert!(is_compact_jws("aGVhZA..c2ln"));
        assert!(!is_compact_jws("aGVhZA.cGF5bG9hZA"));
        assert!(!is_compact_jws("a.b.c.d"));
    }
}
