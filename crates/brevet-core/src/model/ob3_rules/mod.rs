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
//! - `credentialStatus` may be a list of CredentialStatus objects as well as one: VC 2.0 allows
//!   several status entries, and a revocation entry beside a suspension entry is the usual
//!   Bitstring Status List pattern (security catalogue STS-03);
//! - `format: date-time` is checked as a strict XSD `dateTimeStamp` ([`crate::datetime`]),
//!   which refuses a few RFC 3339 forms (leap seconds, lower-case `t`/`z`);
//! - rules the VC Data Model checks already (`VerifiableCredential` in `type`, `issuer` and
//!   `credentialSubject` required, the `validFrom`/`validUntil` format) are reported once, by
//!   the VC rules.

mod classes;
mod patterns;
mod profiles;

use serde_json::{Map, Value};

use super::VcVersion;
use super::errors::{Findings, JsonPath};
use super::lookup::Fields;
use crate::datetime::DateTimeStamp;
use patterns::{is_compact_jws, is_extension_term, is_full_date};

/// Applies the OB 3.0 schema rules to a credential whose type names it an Open Badge.
pub(crate) fn check(doc: &Value, version: VcVersion, findings: &mut Findings) {
    let Some(credential) = doc.as_object() else {
        return;
    };
    let mut rules = Rules { findings };
    rules.credential_like(
        credential,
        &JsonPath::Root,
        version,
        CredentialKind::Achievement,
    );
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
        path: &JsonPath<'_>,
        class: &str,
    ) -> Option<&'v Map<String, Value>> {
        let object = value.as_object();
        if object.is_none() {
            self.findings
                .malformed_at(path, format!("{class} must be an object"));
        }
        object
    }

    /// `required`.
    fn required(
        &mut self,
        object: &Map<String, Value>,
        path: &JsonPath<'_>,
        class: &str,
        keys: &[&str],
    ) {
        for key in keys {
            if !object.has_field(key) {
                self.findings
                    .malformed_at(path, format!("{class} requires {key} (OB 3.0 schema)"));
            }
        }
    }

    /// `additionalProperties: false`.
    fn closed(
        &mut self,
        object: &Map<String, Value>,
        path: &JsonPath<'_>,
        class: &str,
        allowed: &[&str],
    ) {
        for key in object.keys() {
            if !allowed.contains(&key.as_str()) {
                self.findings.malformed_at(
                    &path.key(key),
                    format!(
                        "{class} allows only {}; {key} is not allowed",
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    /// Optional string properties.
    fn strings(&mut self, object: &Map<String, Value>, path: &JsonPath<'_>, keys: &[&str]) {
        for key in keys {
            if let Some(value) = object.field(key)
                && !value.is_string()
            {
                self.findings
                    .malformed_at(&path.key(key), format!("{key} must be a string"));
            }
        }
    }

    fn number(&mut self, object: &Map<String, Value>, path: &JsonPath<'_>, key: &str) {
        if let Some(value) = object.field(key)
            && !value.is_number()
        {
            self.findings
                .malformed_at(&path.key(key), format!("{key} must be a number"));
        }
    }

    fn boolean(&mut self, object: &Map<String, Value>, path: &JsonPath<'_>, key: &str) {
        if let Some(value) = object.field(key)
            && !value.is_boolean()
        {
            self.findings
                .malformed_at(&path.key(key), format!("{key} must be true or false"));
        }
    }

    /// `format: date-time`, as a strict dateTimeStamp.
    fn date_time(&mut self, object: &Map<String, Value>, path: &JsonPath<'_>, key: &str) {
        let Some(value) = object.field(key) else {
            return;
        };
        let path = path.key(key);
        match value.as_str() {
            None => self
                .findings
                .malformed_at(&path, format!("{key} must be a date-time string")),
            Some(text) => {
                if let Err(error) = DateTimeStamp::parse(text) {
                    self.findings.malformed_at(&path, error.to_string());
                }
            }
        }
    }

    /// `format: date` (`YYYY-MM-DD`, a real date).
    fn date(&mut self, object: &Map<String, Value>, path: &JsonPath<'_>, key: &str) {
        let Some(value) = object.field(key) else {
            return;
        };
        let ok = value.as_str().is_some_and(is_full_date);
        if !ok {
            self.findings
                .malformed_at(&path.key(key), format!("{key} must be a date (YYYY-MM-DD)"));
        }
    }

    /// A string that must match `pattern_ok`.
    fn pattern(
        &mut self,
        object: &Map<String, Value>,
        path: &JsonPath<'_>,
        key: &str,
        ok: fn(&str) -> bool,
        what: &str,
    ) {
        let Some(value) = object.field(key) else {
            return;
        };
        if !value.as_str().is_some_and(ok) {
            self.findings
                .malformed_at(&path.key(key), format!("{key} must be {what}"));
        }
    }

    /// The schema's `type` arrays: a non-empty list of strings that contains `class`.
    fn type_contains(&mut self, object: &Map<String, Value>, path: &JsonPath<'_>, class: &str) {
        let Some(value) = object.field("type") else {
            return;
        };
        let path = path.key("type");
        let Some(kinds) = value.as_array() else {
            self.findings.malformed_at(
                &path,
                format!("type must be a list of strings containing \"{class}\""),
            );
            return;
        };
        for (index, kind) in kinds.iter().enumerate() {
            if !kind.is_string() {
                self.findings
                    .malformed_at(&path.index(index), "a type must be a string");
            }
        }
        if !kinds.iter().any(|kind| kind.as_str() == Some(class)) {
            self.findings
                .malformed_at(&path, format!("type must contain \"{class}\""));
        }
    }

    /// A `type` that must be exactly the string `class`.
    fn type_is(&mut self, object: &Map<String, Value>, path: &JsonPath<'_>, class: &str) {
        if let Some(value) = object.field("type")
            && value.as_str() != Some(class)
        {
            self.findings.malformed_at(
                &path.key("type"),
                format!("type must be the string \"{class}\""),
            );
        }
    }

    /// A vocabulary term: one of `terms`, or an extension (`ext:` and a name).
    fn vocabulary(
        &mut self,
        object: &Map<String, Value>,
        path: &JsonPath<'_>,
        key: &str,
        terms: &[&str],
    ) {
        let Some(value) = object.field(key) else {
            return;
        };
        let ok = value
            .as_str()
            .is_some_and(|text| terms.contains(&text) || is_extension_term(text));
        if !ok {
            self.findings.malformed_at(
                &path.key(key),
                format!(
                    "{key} must be one of {} or an extension ext:Name",
                    terms.join(", ")
                ),
            );
        }
    }

    fn one_of(
        &mut self,
        object: &Map<String, Value>,
        path: &JsonPath<'_>,
        key: &str,
        values: &[&str],
    ) {
        let Some(value) = object.field(key) else {
            return;
        };
        if !value.as_str().is_some_and(|text| values.contains(&text)) {
            self.findings.malformed_at(
                &path.key(key),
                format!("{key} must be one of {}", values.join(", ")),
            );
        }
    }

    /// `type: array` whose items follow `each`.
    fn array_of(
        &mut self,
        object: &Map<String, Value>,
        path: &JsonPath<'_>,
        key: &str,
        each: fn(&mut Self, &Value, &JsonPath<'_>),
    ) {
        let Some(value) = object.field(key) else {
            return;
        };
        let path = path.key(key);
        let Some(items) = value.as_array() else {
            self.findings
                .malformed_at(&path, format!("{key} must be a list"));
            return;
        };
        for (index, entry) in items.iter().enumerate() {
            each(self, entry, &path.index(index));
        }
    }

    /// A single nested object following `rule`.
    fn nested(
        &mut self,
        object: &Map<String, Value>,
        path: &JsonPath<'_>,
        key: &str,
        rule: fn(&mut Self, &Value, &JsonPath<'_>),
    ) {
        if let Some(value) = object.field(key) {
            rule(self, value, &path.key(key));
        }
    }

    fn string_item(&mut self, value: &Value, path: &JsonPath<'_>) {
        if !value.is_string() {
            self.findings.malformed_at(path, "must be a string");
        }
    }

    fn jwt_item(&mut self, value: &Value, path: &JsonPath<'_>) {
        if !value.as_str().is_some_and(is_compact_jws) {
            self.findings
                .malformed_at(path, "must be a compact JWS (header.payload.signature)");
        }
    }
}
