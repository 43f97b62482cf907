//! The definitions of the OB 3.0 schema (`$defs`), one method each: the credential, its
//! subject, achievement, profiles, endorsements and the smaller classes.

use serde_json::{Map, Value};

use super::patterns::{
    ALIGNMENT_TARGET_TYPES, IDENTIFIER_TYPES, RESULT_STATUSES, RESULT_TYPES, is_language_tag,
    is_ob3_context_url,
};
use super::{CredentialKind, Rules};
use crate::model::errors::JsonPath;
use crate::model::lookup::Fields;
use crate::model::{CREDENTIALS_V1_CONTEXT, CREDENTIALS_V2_CONTEXT, VcVersion};

impl Rules<'_> {
    // ----- the schema's definitions ------------------------------------------------------

    /// The AchievementCredential itself, or an EndorsementCredential.
    pub(super) fn credential_like(
        &mut self,
        credential: &Map<String, Value>,
        path: &JsonPath<'_>,
        version: VcVersion,
        kind: CredentialKind,
    ) {
        let class = match kind {
            CredentialKind::Achievement => "AchievementCredential",
            CredentialKind::Endorsement => "EndorsementCredential",
        };
        self.context(credential, path, version);
        match kind {
            CredentialKind::Achievement => {
                self.required(credential, path, class, &["id"]);
                if version == VcVersion::V2 {
                    self.required(credential, path, class, &["validFrom"]);
                }
                self.credential_types(
                    credential,
                    path,
                    &["AchievementCredential", "OpenBadgeCredential"],
                    false,
                );
                self.nested(
                    credential,
                    path,
                    "credentialSubject",
                    Self::achievement_subject,
                );
                self.nested(credential, path, "image", Self::image);
                self.array_of(credential, path, "evidence", Self::evidence);
            }
            CredentialKind::Endorsement => {
                self.required(
                    credential,
                    path,
                    class,
                    &[
                        "@context",
                        "type",
                        "id",
                        "name",
                        "credentialSubject",
                        "issuer",
                        "validFrom",
                    ],
                );
                self.credential_types(credential, path, &["EndorsementCredential"], true);
                self.nested(
                    credential,
                    path,
                    "credentialSubject",
                    Self::endorsement_subject,
                );
                self.date_time(credential, path, "validFrom");
                self.date_time(credential, path, "validUntil");
            }
        }
        self.strings(
            credential,
            path,
            &["id", "name", "description", "validFrom", "validUntil"],
        );
        self.date_time(credential, path, "awardedDate");
        self.array_of(
            credential,
            path,
            "endorsement",
            Self::endorsement_credential,
        );
        self.array_of(credential, path, "endorsementJwt", Self::jwt_item);
        self.nested(credential, path, "issuer", Self::profile_ref);
        self.proofs(credential, path, kind);
        self.array_of(
            credential,
            path,
            "credentialSchema",
            Self::credential_schema,
        );
        self.nested(
            credential,
            path,
            "credentialStatus",
            Self::credential_status,
        );
        self.nested(credential, path, "refreshService", Self::refresh_service);
        self.array_of(credential, path, "termsOfUse", Self::terms_of_use);
    }

    /// `@context`: a list of at least two, the credentials context then an OB 3.0 context,
    /// then strings or objects.
    fn context(
        &mut self,
        credential: &Map<String, Value>,
        path: &JsonPath<'_>,
        version: VcVersion,
    ) {
        let Some(value) = credential.field("@context") else {
            return;
        };
        let path = path.key("@context");
        let Some(entries) = value.as_array() else {
            self.findings.malformed_at(
                &path,
                "@context must be a list (the credentials context, then the OB 3.0 context)",
            );
            return;
        };
        if entries.len() < 2 {
            self.findings.malformed_at(
                &path,
                "@context needs at least the credentials context and the OB 3.0 context",
            );
        }
        let first = match version {
            VcVersion::V2 => CREDENTIALS_V2_CONTEXT,
            VcVersion::V1_1 => CREDENTIALS_V1_CONTEXT,
        };
        if let Some(entry) = entries.first()
            && entry.as_str() != Some(first)
        {
            self.findings.malformed_at(
                &path.index(0),
                format!("the first @context entry must be {first}"),
            );
        }
        if let Some(entry) = entries.get(1)
            && !entry.as_str().is_some_and(is_ob3_context_url)
        {
            self.findings.malformed_at(
                &path.index(1),
                "the second @context entry must be the OB 3.0 context (https://purl.imsglobal.org/spec/ob/v3p0/context[-3.x.y].json)",
            );
        }
        for (index, entry) in entries.iter().enumerate().skip(2) {
            if !entry.is_string() && !entry.is_object() {
                self.findings.malformed_at(
                    &path.index(index),
                    "a context entry must be a string or an object",
                );
            }
        }
    }

    /// The credential `type`: a list of strings containing one of `classes` (and, for
    /// endorsements, `VerifiableCredential`; the VC rules check that for the credential).
    fn credential_types(
        &mut self,
        credential: &Map<String, Value>,
        path: &JsonPath<'_>,
        classes: &[&str],
        needs_vc: bool,
    ) {
        let Some(value) = credential.field("type") else {
            return;
        };
        let path = path.key("type");
        let Some(kinds) = value.as_array() else {
            self.findings.malformed_at(
                &path,
                format!(
                    "type must be a list of strings containing {}",
                    classes.join(" or ")
                ),
            );
            return;
        };
        if kinds.iter().any(|kind| !kind.is_string()) {
            self.findings
                .malformed_at(&path, "every type must be a string");
        }
        if !kinds
            .iter()
            .any(|kind| kind.as_str().is_some_and(|kind| classes.contains(&kind)))
        {
            self.findings
                .malformed_at(&path, format!("type must contain {}", classes.join(" or ")));
        }
        if needs_vc
            && !kinds
                .iter()
                .any(|kind| kind.as_str() == Some("VerifiableCredential"))
        {
            self.findings
                .malformed_at(&path, "type must contain VerifiableCredential");
        }
    }

    /// `proof`: a list of Proof objects (a single object is accepted too; see module docs).
    /// (The VC rules already check the credential's own proofs for a type and dates; an
    /// endorsement's proofs get those checks here.)
    fn proofs(
        &mut self,
        credential: &Map<String, Value>,
        path: &JsonPath<'_>,
        kind: CredentialKind,
    ) {
        match credential.field("proof") {
            None => {}
            Some(Value::Array(proofs)) => {
                let path = path.key("proof");
                for (index, proof) in proofs.iter().enumerate() {
                    self.proof(proof, &path.index(index), kind);
                }
            }
            Some(single) => self.proof(single, &path.key("proof"), kind),
        }
    }

    fn proof(&mut self, value: &Value, path: &JsonPath<'_>, kind: CredentialKind) {
        let Some(proof) = self.object(value, path, "a Proof") else {
            return;
        };
        if kind == CredentialKind::Endorsement {
            self.required(proof, path, "Proof", &["type"]);
            self.date_time(proof, path, "created");
        }
        self.strings(
            proof,
            path,
            &[
                "type",
                "created",
                "cryptosuite",
                "challenge",
                "domain",
                "nonce",
                "proofPurpose",
                "proofValue",
                "verificationMethod",
            ],
        );
    }

    fn achievement_subject(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(subject) = self.object(value, path, "credentialSubject (an AchievementSubject)")
        else {
            return;
        };
        self.required(
            subject,
            path,
            "AchievementSubject",
            &["type", "achievement"],
        );
        self.strings(
            subject,
            path,
            &["id", "licenseNumber", "narrative", "role", "term"],
        );
        self.type_contains(subject, path, "AchievementSubject");
        self.date_time(subject, path, "activityEndDate");
        self.date_time(subject, path, "activityStartDate");
        self.number(subject, path, "creditsEarned");
        self.nested(subject, path, "achievement", Self::achievement);
        self.array_of(subject, path, "identifier", Self::identity_object);
        self.nested(subject, path, "image", Self::image);
        self.array_of(subject, path, "result", Self::result);
        self.nested(subject, path, "source", Self::profile);
    }

    fn identity_object(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(identity) = self.object(value, path, "an IdentityObject") else {
            return;
        };
        self.required(
            identity,
            path,
            "IdentityObject",
            &["type", "hashed", "identityHash", "identityType"],
        );
        self.closed(
            identity,
            path,
            "IdentityObject",
            &["type", "hashed", "identityHash", "identityType", "salt"],
        );
        self.type_is(identity, path, "IdentityObject");
        self.boolean(identity, path, "hashed");
        self.strings(identity, path, &["identityHash", "salt"]);
        self.vocabulary(identity, path, "identityType", IDENTIFIER_TYPES);
    }

    fn evidence(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(evidence) = self.object(value, path, "Evidence") else {
            return;
        };
        self.required(evidence, path, "Evidence", &["type"]);
        self.type_contains(evidence, path, "Evidence");
        self.strings(
            evidence,
            path,
            &[
                "id",
                "narrative",
                "name",
                "description",
                "genre",
                "audience",
            ],
        );
    }

    pub(super) fn endorsement_credential(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(endorsement) = self.object(value, path, "an EndorsementCredential") else {
            return;
        };
        self.credential_like(
            endorsement,
            path,
            VcVersion::V2,
            CredentialKind::Endorsement,
        );
    }

    fn endorsement_subject(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(subject) = self.object(value, path, "an EndorsementSubject") else {
            return;
        };
        self.required(subject, path, "EndorsementSubject", &["id", "type"]);
        self.type_contains(subject, path, "EndorsementSubject");
        self.strings(subject, path, &["id", "endorsementComment"]);
    }

    fn achievement(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(achievement) = self.object(value, path, "achievement (an Achievement)") else {
            return;
        };
        self.required(
            achievement,
            path,
            "Achievement",
            &["id", "type", "criteria", "description", "name"],
        );
        self.type_contains(achievement, path, "Achievement");
        self.strings(
            achievement,
            path,
            &[
                "id",
                "fieldOfStudy",
                "description",
                "humanCode",
                "name",
                "specialization",
                "version",
            ],
        );
        self.array_of(achievement, path, "alignment", Self::alignment);
        self.vocabulary(
            achievement,
            path,
            "achievementType",
            crate::model::ACHIEVEMENT_TYPE_NAMES,
        );
        self.nested(achievement, path, "creator", Self::profile);
        self.number(achievement, path, "creditsAvailable");
        self.nested(achievement, path, "criteria", Self::criteria);
        self.array_of(
            achievement,
            path,
            "endorsement",
            Self::endorsement_credential,
        );
        self.array_of(achievement, path, "endorsementJwt", Self::jwt_item);
        self.nested(achievement, path, "image", Self::image);
        self.pattern(
            achievement,
            path,
            "inLanguage",
            is_language_tag,
            "a language code such as en or en-US",
        );
        self.array_of(achievement, path, "otherIdentifier", Self::identifier_entry);
        self.array_of(achievement, path, "related", Self::related);
        self.array_of(
            achievement,
            path,
            "resultDescription",
            Self::result_description,
        );
        self.array_of(achievement, path, "tag", Self::string_item);
    }

    fn alignment(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(alignment) = self.object(value, path, "an Alignment") else {
            return;
        };
        self.required(
            alignment,
            path,
            "Alignment",
            &["type", "targetName", "targetUrl"],
        );
        self.type_contains(alignment, path, "Alignment");
        self.strings(
            alignment,
            path,
            &[
                "targetCode",
                "targetDescription",
                "targetName",
                "targetFramework",
                "targetUrl",
            ],
        );
        self.vocabulary(alignment, path, "targetType", ALIGNMENT_TARGET_TYPES);
    }

    fn criteria(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(criteria) = self.object(value, path, "criteria (a Criteria)") else {
            return;
        };
        self.strings(criteria, path, &["id", "narrative"]);
    }

    pub(super) fn identifier_entry(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(entry) = self.object(value, path, "an IdentifierEntry") else {
            return;
        };
        self.required(
            entry,
            path,
            "IdentifierEntry",
            &["type", "identifier", "identifierType"],
        );
        self.closed(
            entry,
            path,
            "IdentifierEntry",
            &["type", "identifier", "identifierType"],
        );
        self.type_is(entry, path, "IdentifierEntry");
        self.strings(entry, path, &["identifier"]);
        self.vocabulary(entry, path, "identifierType", IDENTIFIER_TYPES);
    }

    fn refresh_service(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(service) = self.object(value, path, "refreshService") else {
            return;
        };
        self.required(service, path, "RefreshService", &["id", "type"]);
        self.strings(service, path, &["id", "type"]);
    }

    /// `credentialStatus`: a CredentialStatus object, or (see module docs) a list of them.
    fn credential_status(&mut self, value: &Value, path: &JsonPath<'_>) {
        if let Value::Array(entries) = value {
            for (index, entry) in entries.iter().enumerate() {
                self.credential_status_entry(entry, &path.index(index));
            }
        } else {
            self.credential_status_entry(value, path);
        }
    }

    fn credential_status_entry(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(status) = self.object(value, path, "a CredentialStatus") else {
            return;
        };
        self.required(status, path, "CredentialStatus", &["id", "type"]);
        self.strings(status, path, &["id", "type"]);
    }

    fn credential_schema(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(schema) = self.object(value, path, "a CredentialSchema") else {
            return;
        };
        self.required(schema, path, "CredentialSchema", &["id", "type"]);
        self.strings(schema, path, &["id", "type"]);
    }

    fn terms_of_use(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(terms) = self.object(value, path, "a TermsOfUse") else {
            return;
        };
        self.required(terms, path, "TermsOfUse", &["type"]);
        self.strings(terms, path, &["id", "type"]);
    }

    pub(super) fn image(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(image) = self.object(value, path, "image (an Image)") else {
            return;
        };
        self.required(image, path, "Image", &["id", "type"]);
        self.closed(image, path, "Image", &["id", "type", "caption"]);
        self.strings(image, path, &["id", "caption"]);
        self.type_is(image, path, "Image");
    }

    fn result(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(result) = self.object(value, path, "a Result") else {
            return;
        };
        self.required(result, path, "Result", &["type"]);
        self.type_contains(result, path, "Result");
        self.strings(
            result,
            path,
            &["achievedLevel", "resultDescription", "value"],
        );
        self.array_of(result, path, "alignment", Self::alignment);
        self.one_of(result, path, "status", RESULT_STATUSES);
    }

    /// `ProfileRef`: a string, or a Profile object.
    fn profile_ref(&mut self, value: &Value, path: &JsonPath<'_>) {
        if !value.is_string() {
            self.profile(value, path);
        }
    }

    fn result_description(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(description) = self.object(value, path, "a ResultDescription") else {
            return;
        };
        self.required(
            description,
            path,
            "ResultDescription",
            &["id", "type", "name", "resultType"],
        );
        self.type_contains(description, path, "ResultDescription");
        self.strings(
            description,
            path,
            &[
                "id",
                "name",
                "requiredLevel",
                "requiredValue",
                "valueMax",
                "valueMin",
            ],
        );
        self.array_of(description, path, "alignment", Self::alignment);
        self.array_of(description, path, "allowedValue", Self::string_item);
        self.vocabulary(description, path, "resultType", RESULT_TYPES);
        self.array_of(
            description,
            path,
            "rubricCriterionLevel",
            Self::rubric_criterion_level,
        );
    }

    fn rubric_criterion_level(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(level) = self.object(value, path, "a RubricCriterionLevel") else {
            return;
        };
        self.required(level, path, "RubricCriterionLevel", &["id", "type", "name"]);
        self.type_contains(level, path, "RubricCriterionLevel");
        self.strings(
            level,
            path,
            &["id", "level", "name", "description", "points"],
        );
        self.array_of(level, path, "alignment", Self::alignment);
    }

    fn related(&mut self, value: &Value, path: &JsonPath<'_>) {
        let Some(related) = self.object(value, path, "a Related") else {
            return;
        };
        self.required(related, path, "Related", &["id", "type"]);
        self.type_contains(related, path, "Related");
        self.strings(related, path, &["id", "version"]);
        self.pattern(
            related,
            path,
            "inLanguage",
            is_language_tag,
            "a language code such as en or en-US",
        );
    }
}
