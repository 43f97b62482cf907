//! Shared test fixtures: the pinned contexts of brevet-core and a small OB 3.0 credential.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use brevet_jsonld::{DocumentLoader, LoadError, RemoteDocument};
use serde_json::{Value, json};

/// Serves the contexts vendored in brevet-core, by the URLs its manifest lists.
pub(crate) struct PinnedFiles {
    documents: HashMap<String, Arc<Value>>,
}

impl PinnedFiles {
    pub(crate) fn new() -> Self {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../brevet-core/contexts");
        let manifest: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("manifest.json")).expect("manifest"),
        )
        .expect("json");
        let mut documents = HashMap::new();
        for entry in manifest.as_array().expect("array") {
            let file = dir.join(entry["file"].as_str().expect("file"));
            let document: Value =
                serde_json::from_str(&std::fs::read_to_string(&file).expect("context"))
                    .expect("json");
            documents.insert(
                entry["url"].as_str().expect("url").to_owned(),
                Arc::new(document),
            );
        }
        PinnedFiles { documents }
    }
}

impl DocumentLoader for PinnedFiles {
    fn load(&self, url: &str) -> Result<RemoteDocument, LoadError> {
        let document = self.documents.get(url).ok_or_else(|| LoadError {
            url: url.to_owned(),
            reason: "not pinned".to_owned(),
        })?;
        Ok(RemoteDocument {
            document_url: url.to_owned(),
            document: Arc::clone(document),
            context_url: None,
        })
    }
}

pub(crate) fn small_credential() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:0f1b1a4c-7d7e-4b4c-9c55-3f6b0d2e8a11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Teamwork Badge",
        "description": "Awarded for outstanding collaboration on the capstone project.",
        "issuer": {
            "id": "https://example.edu/issuers/565049",
            "type": ["Profile"],
            "name": "Example University",
            "url": "https://example.edu",
            "email": "badges@example.edu",
            "image": {"id": "https://example.edu/logo.png", "type": "Image", "caption": "Logo"}
        },
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": "2034-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "activityEndDate": "2023-12-15T00:00:00Z",
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": "student@example.edu",
                "identityType": "emailAddress",
                "hashed": false
            }],
            "achievement": {
                "id": "https://example.edu/achievements/teamwork",
                "type": ["Achievement"],
                "achievementType": "Badge",
                "name": "Teamwork",
                "description": "Demonstrates teamwork in a multi-disciplinary project.",
                "criteria": {"narrative": "Team members are nominated by their peers and complete a reflection."},
                "image": {"id": "https://example.edu/achievements/teamwork.png", "type": "Image"},
                "creator": {"id": "https://example.edu/issuers/565049", "type": ["Profile"], "name": "Example University"},
                "tag": ["teamwork", "collaboration", "capstone"],
                "alignment": [{
                    "type": ["Alignment"],
                    "targetName": "Collaboration",
                    "targetUrl": "https://example.org/frameworks/collab",
                    "targetType": "CFItem"
                }],
                "resultDescription": [{
                    "id": "urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c",
                    "type": ["ResultDescription"],
                    "name": "Peer rating",
                    "resultType": "RubricCriterionLevel"
                }]
            },
            "result": [{
                "type": ["Result"],
                "resultDescription": "urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c",
                "value": "Excellent",
                "status": "Completed"
            }]
        },
        "credentialSchema": [{
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
            "type": "JsonSchema"
        }]
    })
}
