//! The rules of the official Open Badges 3.0 AchievementCredential JSON Schema
//! (`ob_v3p0_achievementcredential_schema.json`, draft 2019-09), written in Rust: required
//! properties, value types, `type` arrays that must contain the class name, vocabularies with
//! `ext:` extensions, closed objects (`Image`, `IdentityObject`, `IdentifierEntry`) and
//! patterns. The schema file itself is not embedded.
//!
//! Deliberate differences from the schema, each for interoperability:
//! - a VC 1.1 credential (v1 context first) is accepted with `issuanceDate` in place of
//!   `validFrom` (the schema only knows VC 2.0; the VC 1.1 rules require `issuanceDate`);
//! - `proof` may be a single object as well as a list: Data Integrity signers (Brevet's and the
//!   JavaScript reference stack's) write one proof as an object, and JSON-LD reads both alike;
//! - `format: date-time` is checked as a strict XSD `dateTimeStamp` ([`crate::datetime`]),
//!   which refuses a few RFC 3339 forms (leap seconds, lower-case `t`/`z`);
//! - rules the VC Data Model checks already (`VerifiableCredential` in `type`, `issuer` and
//!   `credentialSubject` required, the `validFrom`/`validUntil` format) are reported once, by
//!   the VC rules.

use serde_json::{Map, Value};

use super::VcVersion;
use super::errors::{Findings, child, item};
use super::{CREDENTIALS_V1_CONTEXT, CREDENTIALS_V2_CONTEXT};
use crate::datetime::DateTimeStamp;

/// The identifier types shared by `IdentityObject.identityType` and
/// `IdentifierEntry.identifierType`.
const IDENTIFIER_TYPES: &[&str] = &[
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

const ALIGNMENT_TARGET_TYPES: &[&str] = &[
    "ceasn:Competency",
    "ceterms:Credential",
    "CFItem",
    "CFRubric",
    "CFRubricCriterion",
    "CFRubricCriterionLevel",
    "CTDL",
];

const RESULT_TYPES: &[&str] = &[
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

const RESULT_STATUSES: &[&str] = &[
    "Completed",
    "Enrolled",
    "Failed",
    "InProgress",
    "OnHold",
    "Provisional",
    "Withdrew",
];

/// Applies the OB 3.0 schema rules to a credential whose type names it an Open Badge.
pub(crate) fn check(doc: &Value, version: VcVersion, findings: &mut Findings) {
    let Some(credential) = doc.as_object() else {
        return;
    };
    let mut rules = Rules { findings };
    rules.credential_like(credential, "$", version, CredentialKind::Achievement);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CredentialKind {
    Achievement,
    Endorsement,
}

struct Rules<'f> {
    findings: &'f mut Findings,
}

impl Rules<'_> {
    // ----- generic schema keywords -------------------------------------------------------

    /// `type: object`; returns the map.
    fn object<'v>(
        &mut self,
        value: &'v Value,
        path: &str,
        class: &str,
    ) -> Option<&'v Map<String, Value>> {
        let object = value.as_object();
        if object.is_none() {
            self.findings
                .malformed(path, format!("{class} must be an object"));
        }
        object
    }

    /// `required`.
    fn required(&mut self, object: &Map<String, Value>, path: &str, class: &str, keys: &[&str]) {
        for key in keys {
            if !object.contains_key(*key) {
                self.findings
                    .malformed(path, format!("{class} requires {key} (OB 3.0 schema)"));
            }
        }
    }

    /// `additionalProperties: false`.
    fn closed(&mut self, object: &Map<String, Value>, path: &str, class: &str, allowed: &[&str]) {
        for key in object.keys() {
            if !allowed.contains(&key.as_str()) {
                self.findings.malformed(
                    &child(path, key),
                    format!(
                        "{class} allows only {}; {key} is not allowed",
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    /// Optional string properties.
    fn strings(&mut self, object: &Map<String, Value>, path: &str, keys: &[&str]) {
        for key in keys {
            if let Some(value) = object.get(*key)
                && !value.is_string()
            {
                self.findings
                    .malformed(&child(path, key), format!("{key} must be a string"));
            }
        }
    }

    fn number(&mut self, object: &Map<String, Value>, path: &str, key: &str) {
        if let Some(value) = object.get(key)
            && !value.is_number()
        {
            self.findings
                .malformed(&child(path, key), format!("{key} must be a number"));
        }
    }

    fn boolean(&mut self, object: &Map<String, Value>, path: &str, key: &str) {
        if let Some(value) = object.get(key)
            && !value.is_boolean()
        {
            self.findings
                .malformed(&child(path, key), format!("{key} must be true or false"));
        }
    }

    /// `format: date-time`, as a strict dateTimeStamp.
    fn date_time(&mut self, object: &Map<String, Value>, path: &str, key: &str) {
        let Some(value) = object.get(key) else { return };
        let path = child(path, key);
        match value.as_str() {
            None => self
                .findings
                .malformed(&path, format!("{key} must be a date-time string")),
            Some(text) => {
                if let Err(error) = DateTimeStamp::parse(text) {
                    self.findings.malformed(&path, error.to_string());
                }
            }
        }
    }

    /// `format: date` (`YYYY-MM-DD`, a real date).
    fn date(&mut self, object: &Map<String, Value>, path: &str, key: &str) {
        let Some(value) = object.get(key) else { return };
        let ok = value.as_str().is_some_and(is_full_date);
        if !ok {
            self.findings.malformed(
                &child(path, key),
                format!("{key} must be a date (YYYY-MM-DD)"),
            );
        }
    }

    /// A string that must match `pattern_ok`.
    fn pattern(
        &mut self,
        object: &Map<String, Value>,
        path: &str,
        key: &str,
        ok: fn(&str) -> bool,
        what: &str,
    ) {
        let Some(value) = object.get(key) else { return };
        if !value.as_str().is_some_and(ok) {
            self.findings
                .malformed(&child(path, key), format!("{key} must be {what}"));
        }
    }

    /// The schema's `type` arrays: a non-empty list of strings that contains `class`.
    fn type_contains(&mut self, object: &Map<String, Value>, path: &str, class: &str) {
        let Some(value) = object.get("type") else {
            return;
        };
        let path = child(path, "type");
        let Some(kinds) = value.as_array() else {
            self.findings.malformed(
                &path,
                format!("type must be a list of strings containing \"{class}\""),
            );
            return;
        };
        for (index, kind) in kinds.iter().enumerate() {
            if !kind.is_string() {
                self.findings
                    .malformed(&item(&path, index), "a type must be a string");
            }
        }
        if !kinds.iter().any(|kind| kind.as_str() == Some(class)) {
            self.findings
                .malformed(&path, format!("type must contain \"{class}\""));
        }
    }

    /// A `type` that must be exactly the string `class`.
    fn type_is(&mut self, object: &Map<String, Value>, path: &str, class: &str) {
        if let Some(value) = object.get("type")
            && value.as_str() != Some(class)
        {
            self.findings.malformed(
                &child(path, "type"),
                format!("type must be the string \"{class}\""),
            );
        }
    }

    /// A vocabulary term: one of `terms`, or an extension (`ext:` and a name).
    fn vocabulary(&mut self, object: &Map<String, Value>, path: &str, key: &str, terms: &[&str]) {
        let Some(value) = object.get(key) else { return };
        let ok = value
            .as_str()
            .is_some_and(|text| terms.contains(&text) || is_extension_term(text));
        if !ok {
            self.findings.malformed(
                &child(path, key),
                format!(
                    "{key} must be one of {} or an extension ext:Name",
                    terms.join(", ")
                ),
            );
        }
    }

    fn one_of(&mut self, object: &Map<String, Value>, path: &str, key: &str, values: &[&str]) {
        let Some(value) = object.get(key) else { return };
        if !value.as_str().is_some_and(|text| values.contains(&text)) {
            self.findings.malformed(
                &child(path, key),
                format!("{key} must be one of {}", values.join(", ")),
            );
        }
    }

    /// `type: array` whose items follow `each`.
    fn array_of(
        &mut self,
        object: &Map<String, Value>,
        path: &str,
        key: &str,
        each: fn(&mut Self, &Value, &str),
    ) {
        let Some(value) = object.get(key) else { return };
        let path = child(path, key);
        let Some(items) = value.as_array() else {
            self.findings
                .malformed(&path, format!("{key} must be a list"));
            return;
        };
        for (index, entry) in items.iter().enumerate() {
            each(self, entry, &item(&path, index));
        }
    }

    /// A single nested object following `rule`.
    fn nested(
        &mut self,
        object: &Map<String, Value>,
        path: &str,
        key: &str,
        rule: fn(&mut Self, &Value, &str),
    ) {
        if let Some(value) = object.get(key) {
            rule(self, value, &child(path, key));
        }
    }

    fn string_item(&mut self, value: &Value, path: &str) {
        if !value.is_string() {
            self.findings.malformed(path, "must be a string");
        }
    }

    fn jwt_item(&mut self, value: &Value, path: &str) {
        if !value.as_str().is_some_and(is_compact_jws) {
            self.findings
                .malformed(path, "must be a compact JWS (header.payload.signature)");
        }
    }

    // ----- the schema's definitions ------------------------------------------------------

    /// The AchievementCredential itself, or an EndorsementCredential.
    fn credential_like(
        &mut self,
        credential: &Map<String, Value>,
        path: &str,
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
        self.proofs(credential, path);
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
    fn context(&mut self, credential: &Map<String, Value>, path: &str, version: VcVersion) {
        let Some(value) = credential.get("@context") else {
            return;
        };
        let path = child(path, "@context");
        let Some(entries) = value.as_array() else {
            self.findings.malformed(
                &path,
                "@context must be a list (the credentials context, then the OB 3.0 context)",
            );
            return;
        };
        if entries.len() < 2 {
            self.findings.malformed(
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
            self.findings.malformed(
                &item(&path, 0),
                format!("the first @context entry must be {first}"),
            );
        }
        if let Some(entry) = entries.get(1)
            && !entry.as_str().is_some_and(is_ob3_context_url)
        {
            self.findings.malformed(
                &item(&path, 1),
                "the second @context entry must be the OB 3.0 context (https://purl.imsglobal.org/spec/ob/v3p0/context[-3.x.y].json)",
            );
        }
        for (index, entry) in entries.iter().enumerate().skip(2) {
            if !entry.is_string() && !entry.is_object() {
                self.findings.malformed(
                    &item(&path, index),
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
        path: &str,
        classes: &[&str],
        needs_vc: bool,
    ) {
        let Some(value) = credential.get("type") else {
            return;
        };
        let path = child(path, "type");
        let Some(kinds) = value.as_array() else {
            self.findings.malformed(
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
                .malformed(&path, "every type must be a string");
        }
        if !kinds
            .iter()
            .any(|kind| kind.as_str().is_some_and(|kind| classes.contains(&kind)))
        {
            self.findings
                .malformed(&path, format!("type must contain {}", classes.join(" or ")));
        }
        if needs_vc
            && !kinds
                .iter()
                .any(|kind| kind.as_str() == Some("VerifiableCredential"))
        {
            self.findings
                .malformed(&path, "type must contain VerifiableCredential");
        }
    }

    /// `proof`: a list of Proof objects (a single object is accepted too; see module docs).
    fn proofs(&mut self, credential: &Map<String, Value>, path: &str) {
        match credential.get("proof") {
            None => {}
            Some(Value::Array(proofs)) => {
                let path = child(path, "proof");
                for (index, proof) in proofs.iter().enumerate() {
                    self.proof(proof, &item(&path, index));
                }
            }
            Some(single) => self.proof(single, &child(path, "proof")),
        }
    }

    fn proof(&mut self, value: &Value, path: &str) {
        let Some(proof) = self.object(value, path, "a Proof") else {
            return;
        };
        self.required(proof, path, "Proof", &["type"]);
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

    fn achievement_subject(&mut self, value: &Value, path: &str) {
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

    fn identity_object(&mut self, value: &Value, path: &str) {
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

    fn evidence(&mut self, value: &Value, path: &str) {
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

    fn endorsement_credential(&mut self, value: &Value, path: &str) {
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

    fn endorsement_subject(&mut self, value: &Value, path: &str) {
        let Some(subject) = self.object(value, path, "an EndorsementSubject") else {
            return;
        };
        self.required(subject, path, "EndorsementSubject", &["id", "type"]);
        self.type_contains(subject, path, "EndorsementSubject");
        self.strings(subject, path, &["id", "endorsementComment"]);
    }

    fn achievement(&mut self, value: &Value, path: &str) {
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
            super::ob3::ACHIEVEMENT_TYPE_NAMES,
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

    fn alignment(&mut self, value: &Value, path: &str) {
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

    fn criteria(&mut self, value: &Value, path: &str) {
        let Some(criteria) = self.object(value, path, "criteria (a Criteria)") else {
            return;
        };
        self.strings(criteria, path, &["id", "narrative"]);
    }

    fn identifier_entry(&mut self, value: &Value, path: &str) {
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

    fn refresh_service(&mut self, value: &Value, path: &str) {
        let Some(service) = self.object(value, path, "refreshService") else {
            return;
        };
        self.required(service, path, "RefreshService", &["id", "type"]);
        self.strings(service, path, &["id", "type"]);
    }

    fn credential_status(&mut self, value: &Value, path: &str) {
        let Some(status) = self.object(value, path, "credentialStatus (one object)") else {
            return;
        };
        self.required(status, path, "CredentialStatus", &["id", "type"]);
        self.strings(status, path, &["id", "type"]);
    }

    fn credential_schema(&mut self, value: &Value, path: &str) {
        let Some(schema) = self.object(value, path, "a CredentialSchema") else {
            return;
        };
        self.required(schema, path, "CredentialSchema", &["id", "type"]);
        self.strings(schema, path, &["id", "type"]);
    }

    fn terms_of_use(&mut self, value: &Value, path: &str) {
        let Some(terms) = self.object(value, path, "a TermsOfUse") else {
            return;
        };
        self.required(terms, path, "TermsOfUse", &["type"]);
        self.strings(terms, path, &["id", "type"]);
    }

    fn image(&mut self, value: &Value, path: &str) {
        let Some(image) = self.object(value, path, "image (an Image)") else {
            return;
        };
        self.required(image, path, "Image", &["id", "type"]);
        self.closed(image, path, "Image", &["id", "type", "caption"]);
        self.strings(image, path, &["id", "caption"]);
        self.type_is(image, path, "Image");
    }

    fn result(&mut self, value: &Value, path: &str) {
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
    fn profile_ref(&mut self, value: &Value, path: &str) {
        if !value.is_string() {
            self.profile(value, path);
        }
    }

    fn result_description(&mut self, value: &Value, path: &str) {
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

    fn rubric_criterion_level(&mut self, value: &Value, path: &str) {
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

    fn related(&mut self, value: &Value, path: &str) {
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

    fn profile(&mut self, value: &Value, path: &str) {
        let Some(profile) = self.object(value, path, "a Profile") else {
            return;
        };
        self.required(profile, path, "Profile", &["id", "type"]);
        self.type_contains(profile, path, "Profile");
        self.strings(
            profile,
            path,
            &[
                "id",
                "name",
                "url",
                "phone",
                "description",
                "email",
                "official",
                "familyName",
                "givenName",
                "additionalName",
                "patronymicName",
                "honorificPrefix",
                "honorificSuffix",
                "familyNamePrefix",
            ],
        );
        self.array_of(profile, path, "endorsement", Self::endorsement_credential);
        self.array_of(profile, path, "endorsementJwt", Self::jwt_item);
        self.nested(profile, path, "image", Self::image);
        self.nested(profile, path, "address", Self::address);
        self.array_of(profile, path, "otherIdentifier", Self::identifier_entry);
        self.nested(profile, path, "parentOrg", Self::profile);
        self.date(profile, path, "dateOfBirth");
    }

    fn address(&mut self, value: &Value, path: &str) {
        let Some(address) = self.object(value, path, "an Address") else {
            return;
        };
        self.required(address, path, "Address", &["type"]);
        self.type_contains(address, path, "Address");
        self.strings(
            address,
            path,
            &[
                "addressCountry",
                "addressCountryCode",
                "addressRegion",
                "addressLocality",
                "streetAddress",
                "postOfficeBoxNumber",
                "postalCode",
            ],
        );
        self.nested(address, path, "geo", Self::geo_coordinates);
    }

    fn geo_coordinates(&mut self, value: &Value, path: &str) {
        let Some(geo) = self.object(value, path, "GeoCoordinates") else {
            return;
        };
        self.required(
            geo,
            path,
            "GeoCoordinates",
            &["type", "latitude", "longitude"],
        );
        self.type_is(geo, path, "GeoCoordinates");
        self.number(geo, path, "latitude");
        self.number(geo, path, "longitude");
    }
}

/// `^https://purl.imsglobal.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$`.
fn is_ob3_context_url(url: &str) -> bool {
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
fn is_extension_term(text: &str) -> bool {
    text.match_indices("ext:").any(|(at, _)| {
        text[at + 4..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '|'))
    })
}

/// `^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$`.
fn is_language_tag(text: &str) -> bool {
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
fn is_compact_jws(text: &str) -> bool {
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
fn is_full_date(text: &str) -> bool {
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
