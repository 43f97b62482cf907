//! The sample Open Badges 3.0 credential used by `brevet demo` and `brevet bench`, built with the
//! model's typed structures: an issuer profile with an image, an achievement with criteria, an
//! alignment and two result descriptions, a recipient by hashed email with two results, and a
//! Bitstring Status List entry (about 3 KB of JSON, about 66 quads).

use anyhow::Context;
use brevet_core::datetime::DateTimeStamp;
use brevet_core::model::{
    Achievement, AchievementCredential, AchievementResult, AchievementSubject, AchievementType,
    Alignment, CredentialStatus, Criteria, IdentityObject, Image, Profile, ResultDescription,
};
use brevet_core::statuslist::{Bitstring, ListValidity, build_status_list_credential};
use serde_json::Value;

/// Where the sample's revocation list is published.
pub(crate) const SAMPLE_LIST_URL: &str = "https://badges.example.edu/status/revocation/1";
/// The sample credential's index in that list.
pub(crate) const SAMPLE_LIST_INDEX: u64 = 94_567;

/// The unsigned sample badge, issued by `issuer_did`.
pub(crate) fn sample_badge(issuer_did: &str) -> anyhow::Result<Value> {
    let stamp =
        |text: &str| DateTimeStamp::parse(text).with_context(|| format!("the sample date {text}"));
    let mut issuer = Profile::new(issuer_did, "Example University, School of Computing");
    issuer.url = Some("https://www.example.edu/computing".to_owned());
    issuer.description =
        Some("Continuing education in software engineering since 1998.".to_owned());
    issuer.image = Some(Image {
        caption: Some("Example University seal".to_owned()),
        ..Image::new("https://www.example.edu/assets/seal.png")
    });

    let mut achievement = Achievement::new(
        "https://badges.example.edu/achievements/rust-systems-programming",
        "Rust Systems Programming",
        "Designs, builds and tests safe, concurrent systems software in Rust: ownership, traits, error handling, async IO and unsafe-free FFI boundaries.",
        Criteria {
            id: Some(
                "https://badges.example.edu/achievements/rust-systems-programming/criteria"
                    .to_owned(),
            ),
            ..Criteria::narrative(
                "Complete the 12-week course, pass the proctored final examination with at least 70%, and deliver a capstone project reviewed by two faculty members.",
            )
        },
    );
    achievement.achievement_type = Some(AchievementType::Certificate);
    achievement.image = Some(Image::new(
        "https://badges.example.edu/achievements/rust-systems-programming/image.png",
    ));
    achievement.alignment = vec![Alignment {
        target_description: Some("Develops software for systems with constrained resources and strict safety requirements.".to_owned()),
        target_framework: Some("European Skills, Competences, Qualifications and Occupations".to_owned()),
        target_code: Some("S1.2.3".to_owned()),
        ..Alignment::new("Develop systems software", "https://esco.example.org/skill/develop-systems-software")
    }];
    let grade = "https://badges.example.edu/achievements/rust-systems-programming/results/grade";
    let capstone =
        "https://badges.example.edu/achievements/rust-systems-programming/results/capstone";
    achievement.result_description = vec![
        ResultDescription {
            allowed_value: ["A", "B", "C", "D"].map(str::to_owned).to_vec(),
            ..ResultDescription::new(grade, "Final grade", "LetterGrade")
        },
        ResultDescription {
            value_min: Some("0".to_owned()),
            value_max: Some("100".to_owned()),
            ..ResultDescription::new(capstone, "Capstone project score", "Percent")
        },
    ];

    let salt = "7c1f0b2d9a4e4c6b";
    let mut subject = AchievementSubject::with_identifiers(
        vec![IdentityObject::hashed_email(
            "ada.lovelace@example.org",
            salt,
        )],
        achievement,
    );
    subject.result = vec![
        AchievementResult::value(grade, "A"),
        AchievementResult::value(capstone, "94"),
    ];

    let mut credential = AchievementCredential::new(
        "urn:uuid:2f4a9c1e-8b3d-4e5f-9a6b-7c8d9e0f1a2b",
        issuer,
        subject,
        stamp("2025-06-30T09:00:00Z")?,
    );
    credential.valid_until = Some(stamp("2035-06-30T09:00:00Z")?);
    credential.credential_status = Some(CredentialStatus::bitstring(
        SAMPLE_LIST_URL,
        "revocation",
        SAMPLE_LIST_INDEX,
    ));
    Ok(credential.to_value())
}

/// The unsigned revocation list of the sample, issued by `issuer_did`, with `revoked` set.
pub(crate) fn sample_status_list(issuer_did: &str, revoked: &[u64]) -> anyhow::Result<Value> {
    let mut bits = Bitstring::new(131_072);
    for index in revoked {
        let index =
            usize::try_from(*index).context("a status index beyond this platform's range")?;
        bits.set(index, true).context("setting a status bit")?;
    }
    let validity = ListValidity {
        valid_from: Some("2025-06-30T09:00:00Z".to_owned()),
        ..ListValidity::default()
    };
    Ok(build_status_list_credential(
        SAMPLE_LIST_URL,
        &Value::from(issuer_did),
        "revocation",
        &bits,
        &validity,
    ))
}
