//! Sharing a stored credential: what it says that sharing needs ([`CredentialFacts`], read from
//! the signed JSON, every text inert), and [`App::share_targets`], which adds the issuing
//! organisation's LinkedIn organisation id and the public page URL and hands them to the pure
//! [`brevet_core::share::share_targets`]. The public page and the earner's wallet both call it
//! with the record they looked up (so the same visibility rules apply to both).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use brevet_core::share::{self, ShareFacts, ShareTargets, YearMonth};
use brevet_core::text::inert_line;
use brevet_store::credentials::CredentialRecord;
use brevet_store::orgs::{self, OrgRecord};
use serde_json::Value;

use crate::{App, AppError};

/// The most characters of one text taken from a credential for sharing or the preview image.
const MAX_FACT_CHARS: usize = 300;

/// What a credential says that sharing and the preview image use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialFacts {
    /// The achievement's name, else the credential's.
    pub achievement_name: Option<String>,
    /// The issuer's name.
    pub issuer_name: Option<String>,
    /// The recipient's name (an unhashed `identifier` of type "name", else the subject's
    /// `name`); never an email address.
    pub recipient_name: Option<String>,
    /// The achievement's image, else the issuer's logo: an `https:` URL or one of this
    /// server's own images.
    pub image_url: Option<String>,
}

impl CredentialFacts {
    /// Reads the facts from a credential. `own_images` is the prefix of this server's image
    /// URLs (`{base_url}/images/`), accepted even when the base URL is not https.
    pub fn from_credential(credential: &Value, own_images: &str) -> CredentialFacts {
        let subject = first(credential.get("credentialSubject"));
        let achievement = subject.and_then(|subject| subject.get("achievement"));
        let issuer = credential.get("issuer").filter(|issuer| issuer.is_object());
        CredentialFacts {
            achievement_name: achievement
                .and_then(|achievement| text_field(achievement, "name"))
                .or_else(|| text_field(credential, "name")),
            issuer_name: issuer.and_then(|issuer| text_field(issuer, "name")),
            recipient_name: subject.and_then(recipient_name),
            image_url: achievement
                .and_then(|achievement| image_link(achievement.get("image"), own_images))
                .or_else(|| issuer.and_then(|issuer| image_link(issuer.get("image"), own_images))),
        }
    }

    /// The id of the image when it is one this server stores.
    pub fn own_image_id<'a>(&'a self, own_images: &str) -> Option<&'a str> {
        self.image_url
            .as_deref()?
            .strip_prefix(own_images)
            .filter(|id| own_image_id(id))
    }
}

impl App {
    /// The facts of a stored credential (an unreadable one has none).
    pub fn credential_facts(&self, record: &CredentialRecord) -> CredentialFacts {
        match serde_json::from_str::<Value>(&record.json) {
            Ok(credential) => {
                CredentialFacts::from_credential(&credential, &self.own_images_prefix())
            }
            Err(_) => CredentialFacts::default(),
        }
    }

    /// Every way to share `record` (looked up by the caller under its visibility rules): the
    /// LinkedIn "Add to Profile" link (with the organisation's LinkedIn id when it has set
    /// one), post links, the embed and email-signature snippets and the plain link.
    pub async fn share_targets(&self, record: &CredentialRecord) -> Result<ShareTargets, AppError> {
        let mut conn = self.store().read().await?;
        let org = orgs::get(&mut conn, &record.org_id).await?;
        drop(conn);
        Ok(self.share_targets_with(record, &org))
    }

    /// [`App::share_targets`] of several records (a wallet page), in their order, reading each
    /// issuing organisation once over one connection.
    pub async fn share_targets_of_many(
        &self,
        records: &[&CredentialRecord],
    ) -> Result<Vec<ShareTargets>, AppError> {
        let mut conn = self.store().read().await?;
        let mut orgs_read: HashMap<&str, OrgRecord> = HashMap::new();
        let mut targets = Vec::with_capacity(records.len());
        for record in records {
            let org = match orgs_read.entry(record.org_id.as_str()) {
                Entry::Occupied(read) => read.into_mut(),
                Entry::Vacant(unread) => unread.insert(orgs::get(&mut conn, &record.org_id).await?),
            };
            targets.push(self.share_targets_with(record, org));
        }
        Ok(targets)
    }

    fn share_targets_with(&self, record: &CredentialRecord, org: &OrgRecord) -> ShareTargets {
        let facts = self.credential_facts(record);
        share::share_targets(&ShareFacts {
            achievement_name: facts
                .achievement_name
                .unwrap_or_else(|| inert_line(&record.achievement_name)),
            issuer_name: facts.issuer_name.unwrap_or_else(|| inert_line(&org.name)),
            linkedin_org_id: org.linkedin_org_id.clone(),
            // The issue date is the start of validity the credential states (an award may be
            // dated back), else when it was signed.
            issued: YearMonth::from_unix(record.valid_from.unwrap_or(record.issued_at)),
            expires: record.valid_until.and_then(YearMonth::from_unix),
            page_url: self.credential_page_url(&record.id),
            public_id: record.id.clone(),
            image_url: facts.image_url,
        })
    }
}

/// The recipient's name: an unhashed `identifier` of `identityType` "name", else `name`.
fn recipient_name(subject: &Value) -> Option<String> {
    many(subject.get("identifier"))
        .into_iter()
        .filter(|identifier| {
            identifier.get("identityType").and_then(Value::as_str) == Some("name")
                && identifier.get("hashed").and_then(Value::as_bool) != Some(true)
        })
        .find_map(|identifier| text_field(identifier, "identityHash"))
        .or_else(|| text_field(subject, "name"))
}

/// An `image` (a URL string or an `Image` object with `id`) that may be shown: `https:` with no
/// markup characters, or one of this server's images.
fn image_link(image: Option<&Value>, own_images: &str) -> Option<String> {
    let url = match image? {
        Value::String(url) => url.as_str(),
        object => object.get("id").and_then(Value::as_str)?,
    };
    let own = !own_images.is_empty() && url.strip_prefix(own_images).is_some_and(own_image_id);
    let https = url.starts_with("https://")
        && url.len() > "https://".len()
        && !url.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`')
        });
    (own || https).then(|| url.to_owned())
}

fn own_image_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A text field on one inert line, cut to [`MAX_FACT_CHARS`]: a string, a `{"@value"}` object,
/// or the first such entry of a list.
fn text_field(object: &Value, field: &str) -> Option<String> {
    let text = inert_line(text_of(object.get(field)?)?);
    if text.is_empty() {
        return None;
    }
    Some(match text.char_indices().nth(MAX_FACT_CHARS) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text,
    })
}

fn text_of(value: &Value) -> Option<&str> {
    match value {
        Value::String(text) => Some(text),
        Value::Object(object) => object.get("@value").and_then(Value::as_str),
        Value::Array(items) => items.iter().find_map(text_of),
        _ => None,
    }
}

fn first(value: Option<&Value>) -> Option<&Value> {
    match value? {
        Value::Array(items) => items.first(),
        other => Some(other),
    }
}

fn many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const OWN: &str = "http://127.0.0.1:8080/images/";

    #[test]
    fn facts_come_from_the_credential_and_are_inert() {
        let credential = json!({
            "name": "Fallback",
            "issuer": {"id": "did:web:x", "name": "Acme\u{202E} Uni\n", "image": {"id": "https://cdn.example/logo.png"}},
            "credentialSubject": {
                "identifier": [
                    {"identityType": "emailAddress", "identityHash": "sha256$abc", "hashed": true},
                    {"identityType": "name", "identityHash": "Ada  Lovelace", "hashed": false}
                ],
                "achievement": {"name": {"@value": "Rust <1>"}, "image": {"id": format!("{OWN}abc123"), "type": "Image"}}
            }
        });
        let facts = CredentialFacts::from_credential(&credential, OWN);
        assert_eq!(facts.achievement_name.as_deref(), Some("Rust <1>"));
        assert_eq!(facts.issuer_name.as_deref(), Some("Acme\u{FFFD} Uni"));
        assert_eq!(facts.recipient_name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(
            facts.image_url.as_deref(),
            Some("http://127.0.0.1:8080/images/abc123")
        );
        assert_eq!(facts.own_image_id(OWN), Some("abc123"));
    }

    #[test]
    fn unsafe_images_are_dropped_and_the_logo_is_the_fallback() {
        let credential = json!({
            "issuer": {"image": "https://cdn.example/logo.png"},
            "credentialSubject": {"achievement": {"image": "javascript:alert(1)"}}
        });
        let facts = CredentialFacts::from_credential(&credential, OWN);
        assert_eq!(
            facts.image_url.as_deref(),
            Some("https://cdn.example/logo.png")
        );
        assert_eq!(facts.own_image_id(OWN), None);
        let credential = json!({"credentialSubject": {"achievement": {
            "image": "http://elsewhere.example/x.png"}}});
        assert_eq!(
            CredentialFacts::from_credential(&credential, OWN).image_url,
            None
        );
        let credential = json!({"credentialSubject": {"achievement": {
            "image": format!("{OWN}../secret")}}});
        assert_eq!(
            CredentialFacts::from_credential(&credential, OWN).image_url,
            None
        );
    }

    #[test]
    fn a_hashed_or_missing_name_is_not_shown() {
        let credential = json!({"credentialSubject": {"identifier": [
            {"identityType": "name", "identityHash": "sha256$x", "hashed": true}]}});
        assert_eq!(
            CredentialFacts::from_credential(&credential, OWN),
            CredentialFacts::default()
        );
    }
}
