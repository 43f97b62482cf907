//! Field rules for what organisations type in (achievements, the organisation profile): text
//! without control or bidi-override characters and within a length, https URLs, OB 3.0
//! vocabulary terms, alignments in the OB 3.0 `Alignment` shape. Each rule returns a message
//! that names the field; callers collect them into one 422.

use brevet_core::model::{AchievementType, is_absolute_url};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The most alignments one achievement may have.
pub const MAX_ALIGNMENTS: usize = 50;
/// The longest default validity period accepted, in days (100 years).
pub const MAX_VALIDITY_DAYS: i64 = 36_500;

/// The OB 3.0 AlignmentTargetType vocabulary (an `ext:` term is also accepted).
const ALIGNMENT_TARGET_TYPES: &[&str] = &[
    "ceasn:Competency",
    "ceterms:Credential",
    "CFItem",
    "CFRubric",
    "CFRubricCriterion",
    "CFRubricCriterionLevel",
    "CTDL",
];

/// Problems found so far, each naming its field.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<String>);

impl Problems {
    pub(crate) fn push(&mut self, field: &str, problem: impl std::fmt::Display) {
        self.0.push(format!("{field}: {problem}"));
    }

    /// `Ok` when nothing was found, else a 422 with `code` listing every problem.
    pub(crate) fn into_result(self, code: &'static str) -> Result<(), crate::AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(crate::AppError::invalid(code, self.0.join("; ")))
        }
    }
}

/// Whether text may span lines (descriptions, criteria) or not (names, codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lines {
    One,
    Many,
}

/// Bidi embedding, override and isolate controls: they can make text read differently from
/// what it is (a name that displays reversed).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Trims `value` and checks it: `min..=max` characters, no control characters (line breaks and
/// tabs allowed for [`Lines::Many`]), no bidi controls. Returns the trimmed text.
pub(crate) fn text(
    problems: &mut Problems,
    field: &str,
    value: &str,
    min: usize,
    max: usize,
    lines: Lines,
) -> String {
    let trimmed = value.trim();
    let count = trimmed.chars().count();
    if count < min {
        if min == 1 {
            problems.push(field, "must not be empty");
        } else {
            problems.push(field, format!("must have at least {min} characters"));
        }
    } else if count > max {
        problems.push(
            field,
            format!("must have at most {max} characters (it has {count})"),
        );
    }
    let control = trimmed.chars().find(|c| {
        (c.is_control() && !(lines == Lines::Many && matches!(c, '\n' | '\r' | '\t')))
            || is_bidi_control(*c)
    });
    if let Some(c) = control {
        problems.push(
            field,
            format!(
                "must not contain the control character U+{:04X}",
                u32::from(c)
            ),
        );
    }
    trimmed.to_owned()
}

/// An `https://` URL with a host, at most 2,000 characters, that is an absolute URL in the
/// data model's sense (no spaces or characters a URL cannot hold).
pub(crate) fn https_url(problems: &mut Problems, field: &str, value: &str) -> String {
    let value = value.trim();
    let host = value
        .strip_prefix("https://")
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    if value.len() > 2000 {
        problems.push(field, "must be at most 2000 characters");
    } else if host.is_none_or(str::is_empty) || !is_absolute_url(value) {
        problems.push(field, "must be an https:// URL");
    }
    value.to_owned()
}

/// An OB 3.0 `achievementType`: a vocabulary term (`Badge`, `Certificate`, ...) or `ext:Name`
/// as the OB 3.0 schema's extension pattern accepts it.
pub(crate) fn achievement_type(problems: &mut Problems, value: &str) -> String {
    let value = value.trim();
    let schema_extension = value.strip_prefix("ext:").is_none_or(|name| {
        name.starts_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_'))
    });
    match AchievementType::parse(value) {
        Ok(_) if schema_extension && value.len() <= 100 => {}
        _ => problems.push(
            "achievement_type",
            format!(
                "{value:?} is not an OB 3.0 achievementType: use one of {} or an extension ext:Name",
                brevet_core::model::ACHIEVEMENT_TYPE_NAMES.join(", ")
            ),
        ),
    }
    value.to_owned()
}

/// A default validity period: 1 to 36,500 days.
pub(crate) fn validity_days(problems: &mut Problems, days: Option<i64>) -> Option<i64> {
    if let Some(days) = days
        && !(1..=MAX_VALIDITY_DAYS).contains(&days)
    {
        problems.push(
            "validity_days",
            format!("must be between 1 and {MAX_VALIDITY_DAYS} days (or null for no expiry)"),
        );
    }
    days
}

/// One alignment as sent: the OB 3.0 `Alignment` properties (camelCase, or snake_case).
/// `type` may be sent back as read (`"Alignment"` or `["Alignment"]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AlignmentInput {
    #[serde(rename = "type")]
    pub types: Option<Value>,
    #[serde(alias = "target_name")]
    pub target_name: Option<String>,
    #[serde(alias = "target_url")]
    pub target_url: Option<String>,
    #[serde(alias = "target_code")]
    pub target_code: Option<String>,
    #[serde(alias = "target_framework")]
    pub target_framework: Option<String>,
    #[serde(alias = "target_description")]
    pub target_description: Option<String>,
    #[serde(alias = "target_type")]
    pub target_type: Option<String>,
}

/// Checks alignments and returns them in the OB 3.0 shape
/// `{"type": ["Alignment"], "targetName", "targetUrl", ...}`.
pub(crate) fn alignments(problems: &mut Problems, inputs: &[AlignmentInput]) -> Vec<Value> {
    if inputs.len() > MAX_ALIGNMENTS {
        problems.push(
            "alignments",
            format!(
                "at most {MAX_ALIGNMENTS} alignments (there are {})",
                inputs.len()
            ),
        );
        return Vec::new();
    }
    inputs
        .iter()
        .enumerate()
        .map(|(index, input)| alignment(problems, index, input))
        .collect()
}

fn alignment(problems: &mut Problems, index: usize, input: &AlignmentInput) -> Value {
    let field = |name: &str| format!("alignments[{index}].{name}");
    let mut object = Map::new();
    object.insert("type".into(), json!(["Alignment"]));
    match &input.types {
        None => {}
        Some(Value::String(kind)) if kind == "Alignment" => {}
        Some(Value::Array(kinds)) if kinds.len() == 1 && kinds[0] == "Alignment" => {}
        Some(_) => problems.push(&field("type"), "must be \"Alignment\" (or leave it out)"),
    }
    match &input.target_name {
        Some(name) => {
            let name = text(problems, &field("targetName"), name, 1, 200, Lines::One);
            object.insert("targetName".into(), json!(name));
        }
        None => problems.push(&field("targetName"), "is required"),
    }
    match &input.target_url {
        Some(url) => {
            let url = https_url(problems, &field("targetUrl"), url);
            object.insert("targetUrl".into(), json!(url));
        }
        None => problems.push(&field("targetUrl"), "is required (an https:// URL)"),
    }
    for (name, value, max, lines) in [
        ("targetCode", &input.target_code, 200, Lines::One),
        ("targetFramework", &input.target_framework, 200, Lines::One),
        (
            "targetDescription",
            &input.target_description,
            2000,
            Lines::Many,
        ),
    ] {
        if let Some(value) = value {
            let value = text(problems, &field(name), value, 0, max, lines);
            if !value.is_empty() {
                object.insert(name.into(), json!(value));
            }
        }
    }
    if let Some(kind) = &input.target_type {
        let kind = kind.trim();
        let extension = kind.strip_prefix("ext:").is_some_and(|name| {
            !name.is_empty()
                && name.len() <= 100
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                && !name.starts_with('-')
        });
        if ALIGNMENT_TARGET_TYPES.contains(&kind) || extension {
            object.insert("targetType".into(), json!(kind));
        } else {
            problems.push(
                &field("targetType"),
                format!(
                    "{kind:?} is not an OB 3.0 alignment target type: use one of {} or ext:Name",
                    ALIGNMENT_TARGET_TYPES.join(", ")
                ),
            );
        }
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn problems_of(run: impl FnOnce(&mut Problems)) -> String {
        let mut problems = Problems::default();
        run(&mut problems);
        problems.0.join("; ")
    }

    #[test]
    fn text_is_trimmed_bounded_and_free_of_controls() {
        let mut problems = Problems::default();
        assert_eq!(
            text(&mut problems, "name", "  Rust  ", 1, 10, Lines::One),
            "Rust"
        );
        assert!(problems.0.is_empty());
        assert!(
            problems_of(|p| {
                text(p, "name", "   ", 1, 10, Lines::One);
            })
            .contains("name: must not be empty")
        );
        assert!(
            problems_of(|p| {
                text(p, "name", "abcdefghijk", 1, 10, Lines::One);
            })
            .contains("at most 10 characters (it has 11)")
        );
        assert!(
            problems_of(|p| {
                text(p, "name", "a\nb", 1, 10, Lines::One);
            })
            .contains("U+000A")
        );
        assert!(
            problems_of(|p| {
                text(p, "description", "a\nb\tc", 1, 10, Lines::Many);
            })
            .is_empty()
        );
        assert!(
            problems_of(|p| {
                text(p, "description", "a\0b", 1, 10, Lines::Many);
            })
            .contains("U+0000")
        );
        assert!(
            problems_of(|p| {
                text(p, "name", "abc\u{202E}def", 1, 10, Lines::One);
            })
            .contains("U+202E")
        );
        // Length counts characters, not bytes.
        assert!(
            problems_of(|p| {
                text(p, "name", "ééééé", 1, 5, Lines::One);
            })
            .is_empty()
        );
    }

    #[test]
    fn urls_must_be_https_with_a_host() {
        for good in [
            "https://example.org",
            "https://example.org/a?b=c#d",
            "https://ex.org/é",
        ] {
            assert!(
                problems_of(|p| {
                    https_url(p, "url", good);
                })
                .is_empty(),
                "{good}"
            );
        }
        for bad in [
            "http://example.org",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https://exa mple.org",
            "https://example.org/<x>",
            "example.org",
            "",
        ] {
            assert!(
                problems_of(|p| {
                    https_url(p, "url", bad);
                })
                .contains("url: must be an https:// URL"),
                "{bad}"
            );
        }
        assert!(
            problems_of(|p| {
                https_url(p, "url", &format!("https://e.org/{}", "a".repeat(2000)));
            })
            .contains("at most 2000")
        );
    }

    #[test]
    fn achievement_types_follow_the_vocabulary_and_extension_pattern() {
        for good in [
            "Badge",
            "Certificate",
            "MicroCredential",
            "License",
            "Course",
            "ext:Stamp",
            "ext:a.b_c-d",
        ] {
            assert!(
                problems_of(|p| {
                    achievement_type(p, good);
                })
                .is_empty(),
                "{good}"
            );
        }
        for bad in [
            "badge",
            "Trophy",
            "ext:",
            "ext:-a",
            "ext:a b",
            "",
            "ext:Ünïcode",
        ] {
            assert!(
                problems_of(|p| {
                    achievement_type(p, bad);
                })
                .contains("achievement_type:"),
                "{bad}"
            );
        }
    }

    #[test]
    fn validity_days_are_bounded() {
        assert!(
            problems_of(|p| {
                validity_days(p, Some(365));
            })
            .is_empty()
        );
        assert!(
            problems_of(|p| {
                validity_days(p, None);
            })
            .is_empty()
        );
        for bad in [0, -1, MAX_VALIDITY_DAYS + 1, i64::MAX] {
            assert!(
                problems_of(|p| {
                    validity_days(p, Some(bad));
                })
                .contains("validity_days")
            );
        }
    }

    #[test]
    fn alignments_take_the_ob3_shape() {
        let input: Vec<AlignmentInput> = serde_json::from_value(json!([
            {"targetName": " Teamwork ", "targetUrl": "https://skills.example/teamwork",
             "targetCode": "T1", "targetFramework": "Skills", "targetDescription": "Works well",
             "targetType": "CFItem"},
            {"type": ["Alignment"], "target_name": "Rust", "target_url": "https://skills.example/rust",
             "targetType": "ext:Language"}
        ]))
        .unwrap();
        let mut problems = Problems::default();
        let out = alignments(&mut problems, &input);
        assert!(problems.0.is_empty(), "{:?}", problems.0);
        assert_eq!(
            serde_json::to_string(&out[0]).unwrap(),
            r#"{"type":["Alignment"],"targetName":"Teamwork","targetUrl":"https://skills.example/teamwork","targetCode":"T1","targetFramework":"Skills","targetDescription":"Works well","targetType":"CFItem"}"#
        );
        assert_eq!(
            out[1],
            json!({"type": ["Alignment"], "targetName": "Rust", "targetUrl": "https://skills.example/rust", "targetType": "ext:Language"})
        );
    }

    #[test]
    fn alignment_problems_name_the_item_and_field() {
        let input: Vec<AlignmentInput> = serde_json::from_value(json!([
            {"targetName": "ok", "targetUrl": "https://ok.example"},
            {"targetUrl": "http://insecure.example", "type": "Other", "targetType": "Skill"}
        ]))
        .unwrap();
        let text = problems_of(|p| {
            alignments(p, &input);
        });
        assert!(
            text.contains("alignments[1].targetName: is required"),
            "{text}"
        );
        assert!(
            text.contains("alignments[1].targetUrl: must be an https:// URL"),
            "{text}"
        );
        assert!(text.contains("alignments[1].type"), "{text}");
        assert!(text.contains("alignments[1].targetType"), "{text}");
        assert!(!text.contains("alignments[0]"), "{text}");
        let unknown =
            serde_json::from_value::<AlignmentInput>(json!({"targetName": "x", "org_id": "y"}));
        assert!(unknown.is_err());
        let many = vec![AlignmentInput::default(); MAX_ALIGNMENTS + 1];
        assert!(
            problems_of(|p| {
                alignments(p, &many);
            })
            .contains("at most 50 alignments")
        );
    }
}
