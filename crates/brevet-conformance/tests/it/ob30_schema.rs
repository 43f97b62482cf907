//! Agreement between Brevet's OB 3.0 rules (`brevet_core::model::check_credential`) and the
//! official OB 3.0 AchievementCredential JSON Schema, run with the `jsonschema` crate (a
//! dev-dependency only).
//!
//! Cases: every JSON document in `ob30/` and `ob30/1edtech-fixtures/` (the schema file itself
//! aside), then mutations of each document both sides accept, derived from the schema: drop
//! each `required` property present, give each typed property a value of the wrong type and
//! each date a malformed value, break each `type` list, enum and pattern, add a property to each
//! closed object, put an unknown term in each vocabulary, and make each Profile reference a bare
//! string. Each case passes when Brevet accepts exactly when the
//! schema does. Also the documented fixture outcomes: `simple-err-type.json` and
//! `simple-err-issuer.json` are refused with a message naming the field.
//!
//! Brevet differs from the schema on purpose (see `model::ob3_rules`), so the schema is given
//! the document as Brevet reads it: a VC 1.1 credential has its v1 context, `issuanceDate` and
//! `expirationDate` mapped to the VC 2.0 ones, and a single `proof` object is wrapped in a
//! list. (Brevet also accepts a list of `credentialStatus` entries; no case here has one.)

use std::path::{Path, PathBuf};

use brevet_conformance::{Tally, vectors_dir};
use brevet_core::json::parse_strict;
use brevet_core::model::{CREDENTIALS_V1_CONTEXT, CREDENTIALS_V2_CONTEXT, check_credential};
use serde_json::{Map, Value, json};

const SUITE: &str = "ob30-schema";

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| {
            entry
                .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
                .path()
        })
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    parse_strict(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The document as Brevet reads it, in the shape the (VC 2.0 only) schema expects.
fn schema_view(doc: &Value) -> Value {
    let mut view = doc.clone();
    if let Some(object) = view.as_object_mut() {
        let is_v1 = object
            .get("@context")
            .and_then(|context| context.get(0))
            .is_some_and(|first| first == CREDENTIALS_V1_CONTEXT);
        if is_v1 {
            if let Some(Value::Array(context)) = object.get_mut("@context") {
                context[0] = json!(CREDENTIALS_V2_CONTEXT);
            }
            for (old, new) in [
                ("issuanceDate", "validFrom"),
                ("expirationDate", "validUntil"),
            ] {
                if let Some(value) = object.remove(old) {
                    object.insert(new.to_owned(), value);
                }
            }
        }
    }
    wrap_single_proofs(&mut view);
    view
}

fn wrap_single_proofs(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if let Some(proof) = object.get_mut("proof")
                && proof.is_object()
            {
                *proof = Value::Array(vec![proof.take()]);
            }
            object.values_mut().for_each(wrap_single_proofs);
        }
        Value::Array(items) => items.iter_mut().for_each(wrap_single_proofs),
        _ => {}
    }
}

struct Judge {
    schema: jsonschema::Validator,
}

impl Judge {
    fn schema_errors(&self, doc: &Value) -> Vec<String> {
        let view = schema_view(doc);
        self.schema
            .iter_errors(&view)
            .map(|error| format!("{}: {error}", error.instance_path()))
            .collect()
    }

    /// `Ok(())` when both accept or both refuse; otherwise both messages.
    fn agree(&self, doc: &Value) -> Result<bool, String> {
        let schema_errors = self.schema_errors(doc);
        let brevet = check_credential(doc);
        match (schema_errors.is_empty(), &brevet) {
            (true, Ok(_)) => Ok(true),
            (false, Err(_)) => Ok(false),
            (true, Err(errors)) => Err(format!("schema accepts, Brevet refuses: {errors}")),
            (false, Ok(_)) => Err(format!(
                "Brevet accepts, schema refuses: {}",
                schema_errors.join("; ")
            )),
        }
    }
}

/// One step of a path into a document.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn show(path: &[Step]) -> String {
    let mut text = String::from("$");
    for step in path {
        match step {
            Step::Key(key) => text.push_str(&format!(".{key}")),
            Step::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

fn get_mut<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |node, step| match step {
        Step::Key(key) => node.get_mut(key.as_str()),
        Step::Index(index) => node.get_mut(*index),
    })
}

/// A change to make to a document at `path`.
#[derive(Clone, Debug)]
enum Change {
    Remove(String),
    Replace(Value),
    Insert(String, Value),
}

struct Mutation {
    kind: &'static str,
    name: String,
    path: Vec<Step>,
    change: Change,
}

impl Mutation {
    fn apply(&self, doc: &Value) -> Option<Value> {
        let mut mutated = doc.clone();
        let target = get_mut(&mut mutated, &self.path)?;
        match &self.change {
            Change::Remove(key) => {
                target.as_object_mut()?.shift_remove(key)?;
            }
            Change::Replace(value) => *target = value.clone(),
            Change::Insert(key, value) => {
                target.as_object_mut()?.insert(key.clone(), value.clone());
            }
        }
        Some(mutated)
    }
}

/// Walks the schema beside the document and lists the mutations the schema's keywords suggest.
struct Mutator<'s> {
    root: &'s Value,
    mutations: Vec<Mutation>,
}

impl<'s> Mutator<'s> {
    fn resolve(&self, mut schema: &'s Value) -> &'s Value {
        while let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let Some(name) = reference.strip_prefix("#/$defs/") else {
                break;
            };
            match self.root.get("$defs").and_then(|defs| defs.get(name)) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    fn walk(&mut self, schema: &'s Value, value: &Value, path: &mut Vec<Step>) {
        let schema = self.resolve(schema);
        self.wrong_value(schema, value, path);
        for branch in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.wrong_value(self.resolve(branch), value, path);
        }
        // `oneOf` string-or-object (ProfileRef): follow the object branch for objects.
        if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
            if value.is_object() {
                let object_branch = branches
                    .iter()
                    .map(|branch| self.resolve(branch))
                    .find(|branch| branch.get("properties").is_some());
                if let Some(branch) = object_branch {
                    self.mutations.push(Mutation {
                        kind: "Profile reference as a bare string",
                        name: format!("{} as a bare string", show(path)),
                        path: path.clone(),
                        change: Change::Replace(
                            value
                                .get("id")
                                .cloned()
                                .unwrap_or(json!("https://example.org/x")),
                        ),
                    });
                    self.walk(branch, value, path);
                }
            } else if value.is_string()
                && branches.iter().any(|branch| branch.get("enum").is_some())
            {
                self.mutations.push(Mutation {
                    kind: "term outside a vocabulary",
                    name: format!("{} not in the vocabulary", show(path)),
                    path: path.clone(),
                    change: Change::Replace(json!("NotATermOfTheVocabulary")),
                });
            }
            return;
        }
        match value {
            Value::Object(object) => self.walk_object(schema, object, path),
            Value::Array(items) => {
                let item_schemas = schema.get("items");
                for (index, entry) in items.iter().enumerate() {
                    let entry_schema = match item_schemas {
                        Some(Value::Array(tuple)) => {
                            tuple.get(index).or_else(|| schema.get("additionalItems"))
                        }
                        Some(single) => Some(single),
                        None => None,
                    };
                    if let Some(entry_schema) = entry_schema {
                        path.push(Step::Index(index));
                        self.wrong_type(entry_schema, entry, path);
                        self.walk(entry_schema, entry, path);
                        path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn walk_object(
        &mut self,
        schema: &'s Value,
        object: &Map<String, Value>,
        path: &mut Vec<Step>,
    ) {
        for key in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(key) = key.as_str()
                && object.contains_key(key)
            {
                self.mutations.push(Mutation {
                    kind: "required property dropped",
                    name: format!("{} without required {key}", show(path)),
                    path: path.clone(),
                    change: Change::Remove(key.to_owned()),
                });
            }
        }
        if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
            self.mutations.push(Mutation {
                kind: "extra property in a closed object",
                name: format!("{} with an extra property", show(path)),
                path: path.clone(),
                change: Change::Insert("unexpectedProperty".into(), json!("x")),
            });
        }
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return;
        };
        for (key, property_schema) in properties {
            let Some(value) = object.get(key) else {
                continue;
            };
            path.push(Step::Key(key.clone()));
            self.wrong_type(property_schema, value, path);
            self.wrong_format(property_schema, path);
            self.walk(property_schema, value, path);
            path.pop();
        }
    }

    /// Values of the right JSON type the schema still refuses: a `type` list without its
    /// class or written as a bare string, a string outside an `enum`, a string not matching a
    /// `pattern`.
    fn wrong_value(&mut self, schema: &'s Value, value: &Value, path: &[Step]) {
        let mut replace = |kind: &'static str, name: String, replacement: Value| {
            if value != &replacement {
                self.mutations.push(Mutation {
                    kind,
                    name: format!("{} {name}", show(path)),
                    path: path.to_vec(),
                    change: Change::Replace(replacement),
                });
            }
        };
        let contained = schema
            .get("contains")
            .and_then(|contains| contains.get("enum"));
        if let Some(Value::Array(classes)) = contained
            && let Some(first) = classes.first()
        {
            replace(
                "type list as a bare string",
                format!("as the bare string {first}"),
                first.clone(),
            );
            replace(
                "type list without its class",
                format!("without {first}"),
                json!(["SomeOtherType"]),
            );
        }
        if schema.get("enum").is_some() && value.is_string() {
            replace(
                "string outside an enum",
                "outside its enum".into(),
                json!("NotInTheEnumeration"),
            );
        }
        if schema.get("pattern").is_some() && value.is_string() {
            replace(
                "string not matching a pattern",
                "not matching its pattern".into(),
                json!("does not match"),
            );
        }
    }

    /// A string the schema's `format` refuses: a date-time without a timezone, an impossible
    /// date.
    fn wrong_format(&mut self, schema: &'s Value, path: &[Step]) {
        let schema = self.resolve(schema);
        let replacement = match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2026-01-01T00:00:00"),
            Some("date") => json!("2026-02-30"),
            _ => return,
        };
        self.mutations.push(Mutation {
            kind: "date in a wrong format",
            name: format!("{} in a wrong format", show(path)),
            path: path.to_vec(),
            change: Change::Replace(replacement),
        });
    }

    /// A value of another JSON type than the schema's `type` asks for.
    fn wrong_type(&mut self, schema: &'s Value, value: &Value, path: &[Step]) {
        let schema = self.resolve(schema);
        let replacement = match schema.get("type").and_then(Value::as_str) {
            Some("string") => json!(42),
            Some("number") => json!("forty-two"),
            Some("boolean") => json!("true"),
            Some("array") => json!({"type": "NotAList"}),
            Some("object") => json!("not an object"),
            _ => return,
        };
        if value == &replacement {
            return;
        }
        self.mutations.push(Mutation {
            kind: "value of the wrong JSON type",
            name: format!("{} of the wrong type", show(path)),
            path: path.to_vec(),
            change: Change::Replace(replacement),
        });
    }
}

/// An OpenBadgeCredential built with `brevet_core::model`'s types, with every optional part.
fn built_credential() -> Value {
    use brevet_core::datetime::DateTimeStamp;
    use brevet_core::model::{
        Achievement, AchievementCredential, AchievementResult, AchievementSubject, AchievementType,
        Alignment, CredentialSchema, CredentialStatus, Criteria, Evidence, IdentityObject, Image,
        Profile, ResultDescription, random_salt,
    };
    let stamp =
        |text: &str| DateTimeStamp::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"));
    let mut issuer = Profile::new("https://example.edu/issuers/1", "Example University");
    issuer.url = Some("https://example.edu".into());
    issuer.email = Some("badges@example.edu".into());
    issuer.description = Some("A university.".into());
    issuer.image = Some(Image::new("https://example.edu/logo.png"));
    let mut achievement = Achievement::new(
        "https://example.edu/achievements/teamwork",
        "Teamwork",
        "Collaborates within a group.",
        Criteria::narrative("Nominated by peers."),
    );
    achievement.achievement_type = Some(AchievementType::MicroCredential);
    achievement.image = Some(Image::new("https://example.edu/teamwork.png"));
    achievement.in_language = Some("en-US".into());
    achievement.tag = vec!["collaboration".into()];
    achievement.credits_available = Some(1.5);
    let mut alignment = Alignment::new("Teamwork", "https://example.org/frameworks/teamwork");
    alignment.target_type = Some("ceasn:Competency".into());
    achievement.alignment.push(alignment);
    achievement.result_description.push(ResultDescription::new(
        "urn:uuid:rd-1",
        "Grade",
        "LetterGrade",
    ));
    let mut subject = AchievementSubject::with_identifiers(
        vec![IdentityObject::hashed_email(
            "student@example.edu",
            &random_salt(),
        )],
        achievement,
    );
    subject
        .result
        .push(AchievementResult::value("urn:uuid:rd-1", "A"));
    subject.activity_start_date = Some(stamp("2025-09-01T00:00:00Z"));
    let mut credential = AchievementCredential::new(
        "urn:uuid:2f0b4f2c-9a8a-4d36-9f54-0d6d1c0f3a11",
        issuer,
        subject,
        stamp("2026-01-01T00:00:00Z"),
    );
    credential.description = Some("Awarded for teamwork.".into());
    credential.valid_until = Some(stamp("2030-01-01T00:00:00+01:00"));
    credential.awarded_date = Some(stamp("2026-01-01T00:00:00Z"));
    credential.credential_status = Some(CredentialStatus::bitstring(
        "https://example.edu/status/1",
        "revocation",
        94567,
    ));
    let mut evidence = Evidence::new();
    evidence.narrative = Some("Project report".into());
    credential.evidence.push(evidence);
    credential
        .credential_schema
        .push(CredentialSchema::ob3_achievement_credential());
    credential.to_value()
}

#[test]
fn ob30_schema_agreement() {
    let Some(dir) = vectors_dir() else { return };
    let dir = dir.join("ob30");
    let schema = read(&dir.join("ob_v3p0_achievementcredential_schema.json"));
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft201909)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the official schema compiles");
    let judge = Judge { schema: validator };
    let mut tally = Tally::new(SUITE);

    let mut documents: Vec<(String, Value)> = Vec::new();
    for path in json_files(&dir)
        .into_iter()
        .chain(json_files(&dir.join("1edtech-fixtures")))
    {
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        let doc = read(&path);
        if doc.get("$schema").is_some() {
            tally.exclude(&name, "a JSON Schema, not a credential");
            continue;
        }
        documents.push((name, doc));
    }
    assert!(
        documents.len() >= 10,
        "expected the OB 3.0 examples and fixtures, found {}",
        documents.len()
    );

    let mut valid = Vec::new();
    for (name, doc) in &documents {
        match judge.agree(doc) {
            Ok(accepted) => {
                println!(
                    "[{SUITE}] {name}: both {}",
                    if accepted { "accept" } else { "refuse" }
                );
                tally.pass();
                if accepted {
                    valid.push((name.clone(), doc.clone()));
                }
            }
            Err(message) => tally.fail(format!("{name}: {message}")),
        }
    }

    // The documented outcomes of the schema-level fixtures, with the field named.
    for (file, field, needle) in [
        ("1edtech-fixtures/simple-err-type.json", "$.type", "type"),
        ("1edtech-fixtures/simple-err-issuer.json", "$", "issuer"),
    ] {
        let Some((_, doc)) = documents.iter().find(|(name, _)| name == file) else {
            tally.fail(format!("{file}: fixture missing"));
            continue;
        };
        match check_credential(doc) {
            Err(errors)
                if errors
                    .iter()
                    .any(|e| e.path == field && e.message.contains(needle)) =>
            {
                tally.pass();
            }
            Err(errors) => tally.fail(format!(
                "{file}: refused, but no error names {needle} at {field}: {errors}"
            )),
            Ok(_) => tally.fail(format!("{file}: accepted, documented as invalid")),
        }
    }

    // A credential built with Brevet's typed model (every optional part used) is valid for both.
    let built = built_credential();
    match judge.agree(&built) {
        Ok(true) => tally.pass(),
        Ok(false) => tally.fail(format!(
            "the typed model builds a credential both refuse: {}",
            judge.schema_errors(&built).join("; ")
        )),
        Err(message) => tally.fail(format!("typed model output: {message}")),
    }

    // Mutations of the documents both sides accept.
    let mut mutation_count = 0;
    let mut kinds: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (name, doc) in &valid {
        let is_v1 = doc.get("@context").and_then(|context| context.get(0))
            == Some(&json!(CREDENTIALS_V1_CONTEXT));
        if is_v1 {
            tally.exclude(
                name,
                "mutations are derived for VC 2.0 documents only (the schema's shape)",
            );
            continue;
        }
        let mut mutator = Mutator {
            root: &schema,
            mutations: Vec::new(),
        };
        mutator.walk(&schema, doc, &mut Vec::new());
        for mutation in &mutator.mutations {
            let Some(mutated) = mutation.apply(doc) else {
                tally.fail(format!(
                    "{name}: mutation {} could not be applied",
                    mutation.name
                ));
                continue;
            };
            mutation_count += 1;
            *kinds.entry(mutation.kind).or_default() += 1;
            match judge.agree(&mutated) {
                Ok(_) => tally.pass(),
                Err(message) => tally.fail(format!("{name}, {}: {message}", mutation.name)),
            }
        }
    }
    println!(
        "[{SUITE}] {} documents, {mutation_count} mutations",
        documents.len()
    );
    for (kind, count) in &kinds {
        println!("[{SUITE}]   {count} × {kind}");
    }
    assert!(
        mutation_count > 100,
        "too few mutations derived: {mutation_count}"
    );
    tally.finish();
}
