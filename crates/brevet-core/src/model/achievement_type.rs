//! The OB 3.0 AchievementType vocabulary (Badge, Certificate, MicroCredential, License, …)
//! with `ext:` extension terms.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The OB 3.0 AchievementType vocabulary, plus `ext:` extensions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AchievementType {
    Achievement,
    ApprenticeshipCertificate,
    Assessment,
    Assignment,
    AssociateDegree,
    Award,
    Badge,
    BachelorDegree,
    Certificate,
    CertificateOfCompletion,
    Certification,
    CommunityService,
    Competency,
    Course,
    CoCurricular,
    Degree,
    Diploma,
    DoctoralDegree,
    Fieldwork,
    GeneralEducationDevelopment,
    JourneymanCertificate,
    LearningProgram,
    License,
    Membership,
    ProfessionalDoctorate,
    QualityAssuranceCredential,
    MasterCertificate,
    MasterDegree,
    MicroCredential,
    ResearchDoctorate,
    SecondarySchoolDiploma,
    /// An extension term, written `ext:Name`; holds the whole string.
    Extension(String),
}

/// The named AchievementType values, in the spec's order.
pub const ACHIEVEMENT_TYPES: &[(&str, AchievementType)] = &[
    ("Achievement", AchievementType::Achievement),
    (
        "ApprenticeshipCertificate",
        AchievementType::ApprenticeshipCertificate,
    ),
    ("Assessment", AchievementType::Assessment),
    ("Assignment", AchievementType::Assignment),
    ("AssociateDegree", AchievementType::AssociateDegree),
    ("Award", AchievementType::Award),
    ("Badge", AchievementType::Badge),
    ("BachelorDegree", AchievementType::BachelorDegree),
    ("Certificate", AchievementType::Certificate),
    (
        "CertificateOfCompletion",
        AchievementType::CertificateOfCompletion,
    ),
    ("Certification", AchievementType::Certification),
    ("CommunityService", AchievementType::CommunityService),
    ("Competency", AchievementType::Competency),
    ("Course", AchievementType::Course),
    ("CoCurricular", AchievementType::CoCurricular),
    ("Degree", AchievementType::Degree),
    ("Diploma", AchievementType::Diploma),
    ("DoctoralDegree", AchievementType::DoctoralDegree),
    ("Fieldwork", AchievementType::Fieldwork),
    (
        "GeneralEducationDevelopment",
        AchievementType::GeneralEducationDevelopment,
    ),
    (
        "JourneymanCertificate",
        AchievementType::JourneymanCertificate,
    ),
    ("LearningProgram", AchievementType::LearningProgram),
    ("License", AchievementType::License),
    ("Membership", AchievementType::Membership),
    (
        "ProfessionalDoctorate",
        AchievementType::ProfessionalDoctorate,
    ),
    (
        "QualityAssuranceCredential",
        AchievementType::QualityAssuranceCredential,
    ),
    ("MasterCertificate", AchievementType::MasterCertificate),
    ("MasterDegree", AchievementType::MasterDegree),
    ("MicroCredential", AchievementType::MicroCredential),
    ("ResearchDoctorate", AchievementType::ResearchDoctorate),
    (
        "SecondarySchoolDiploma",
        AchievementType::SecondarySchoolDiploma,
    ),
];

/// The names of the AchievementType vocabulary, in the spec's order.
pub const ACHIEVEMENT_TYPE_NAMES: &[&str] = &[
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
];

/// Why a string is not an AchievementType.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an OB 3.0 achievementType (a vocabulary term such as Badge, or ext:Name)")]
pub struct UnknownAchievementType(pub String);

impl AchievementType {
    pub fn as_str(&self) -> &str {
        match self {
            AchievementType::Extension(text) => text,
            named => ACHIEVEMENT_TYPES
                .iter()
                .find(|(_, kind)| kind == named)
                .map_or("", |(name, _)| name),
        }
    }

    /// Reads a vocabulary term, or an extension `ext:Name` (letters, digits, `.`, `_`, `-`).
    pub fn parse(text: &str) -> Result<Self, UnknownAchievementType> {
        if let Some((_, kind)) = ACHIEVEMENT_TYPES.iter().find(|(name, _)| *name == text) {
            return Ok(kind.clone());
        }
        match text.strip_prefix("ext:") {
            Some(name)
                if !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) =>
            {
                Ok(AchievementType::Extension(text.to_owned()))
            }
            _ => Err(UnknownAchievementType(text.to_owned())),
        }
    }
}

impl fmt::Display for AchievementType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AchievementType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AchievementType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        AchievementType::parse(&text).map_err(serde::de::Error::custom)
    }
}
