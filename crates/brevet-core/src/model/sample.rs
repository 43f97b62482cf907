//! A realistic sample Open Badge, for the demo, the benchmark and tests: an issuer profile with
//! an image, an achievement with criteria, an alignment and two result descriptions, two
//! results, a hashed-email recipient and a Bitstring status entry: about 2.7 KB of JSON, 66 quads
//! (the shape issue #2 asks the benchmark to use).

use super::{
    Achievement, AchievementCredential, AchievementResult, AchievementSubject, AchievementType,
    Alignment, CredentialStatus, Criteria, IdentityObject, Image, Profile, ResultDescription,
};
use crate::datetime::DateTimeStamp;

/// The sample badge issued by `issuer_id` (a DID or URL) from `valid_from`, to
/// `student@example.edu` hashed with `salt`, with status bit `status_index` of the revocation
/// list at `status_list_url`. Deterministic: the same arguments give the same document.
pub fn sample_badge(
    issuer_id: &str,
    valid_from: DateTimeStamp,
    salt: &str,
    status_list_url: &str,
    status_index: u64,
) -> AchievementCredential {
    let mut issuer = Profile::new(issuer_id, "Northbridge Technical College");
    issuer.url = Some("https://northbridge.example.edu".into());
    issuer.email = Some("badges@northbridge.example.edu".into());
    issuer.image = Some(Image::new("https://northbridge.example.edu/brand/logo.png"));

    let mut achievement = Achievement::new(
        "https://northbridge.example.edu/achievements/rust-systems-programming",
        "Rust Systems Programming",
        "Designs, builds and tests safe, concurrent systems software in Rust.",
        Criteria {
            id: Some(
                "https://northbridge.example.edu/achievements/rust-systems-programming/criteria"
                    .into(),
            ),
            narrative: Some(
                "Complete the 12-week course, pass the final assessment with 70% or more, and \
                 deliver a reviewed capstone project."
                    .into(),
            ),
        },
    );
    achievement.achievement_type = Some(AchievementType::Certificate);
    achievement.image = Some(Image::new(
        "https://northbridge.example.edu/achievements/rust-systems-programming/image.png",
    ));
    let mut alignment = Alignment::new(
        "Systems programming",
        "https://skills.example.org/frameworks/software/systems-programming",
    );
    alignment.target_code = Some("SWE-SP-3".into());
    alignment.target_framework = Some("Example Software Skills Framework".into());
    alignment.target_type = Some("ceasn:Competency".into());
    achievement.alignment.push(alignment);
    let grade_id =
        "https://northbridge.example.edu/achievements/rust-systems-programming/results/grade";
    let score_id =
        "https://northbridge.example.edu/achievements/rust-systems-programming/results/score";
    let mut grade = ResultDescription::new(grade_id, "Final grade", "LetterGrade");
    grade.allowed_value = vec!["A".into(), "B".into(), "C".into(), "D".into()];
    grade.required_value = Some("C".into());
    let score = ResultDescription::new(score_id, "Assessment score", "Percent");
    achievement.result_description = vec![grade, score];

    let mut subject = AchievementSubject::with_identifiers(
        vec![IdentityObject::hashed_email("student@example.edu", salt)],
        achievement,
    );
    subject.result = vec![
        AchievementResult::value(grade_id, "A"),
        AchievementResult::value(score_id, "91"),
    ];

    let mut credential = AchievementCredential::new(
        "urn:uuid:8f7c7a0e-4e0b-4f5e-9d55-3b1c2f6a9e21",
        issuer,
        subject,
        valid_from,
    );
    credential.credential_status = Some(CredentialStatus::bitstring(
        status_list_url,
        "revocation",
        status_index,
    ));
    credential
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::check_unsigned_for_issuance;

    #[test]
    fn the_sample_is_valid_and_about_3_kb() {
        let valid_from = DateTimeStamp::parse("2026-01-01T00:00:00Z").unwrap();
        let badge = sample_badge(
            "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            valid_from,
            "0123456789abcdef0123456789abcdef",
            "https://northbridge.example.edu/status/1",
            94567,
        );
        let doc = badge.to_value();
        let info = check_unsigned_for_issuance(&doc).unwrap_or_else(|e| panic!("{e}"));
        assert!(info.is_open_badge);
        let size = doc.to_string().len();
        assert!((2_500..=3_500).contains(&size), "{size} bytes");
        let quads = crate::linked_data::LinkedData::shared()
            .to_rdf(&doc)
            .unwrap();
        println!("sample badge: {size} bytes, {} quads", quads.len());
        assert_eq!(
            quads.len(),
            66,
            "the issue's benchmark credential has 66 quads"
        );
    }
}
