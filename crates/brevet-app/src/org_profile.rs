//! The organisation's own profile through the API: read it (any role) with its DID, the
//! public half of its keys and its certificate design, edit the profile fields (owner only:
//! name, https URL, email, description, LinkedIn organisation id, certificate design), and set
//! or remove its logo. The profile feeds the issuer `Profile` of credentials awarded from then
//! on; issued ones keep what they say.

use std::sync::atomic::Ordering;

use brevet_certificate::Design;
use brevet_store::orgs::{self, OrgRecord};
use brevet_store::{StoreError, keys};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::achievements::fields::{self, Lines, Problems};
use crate::achievements::present;
use crate::certificates::{
    CertificateDesignPatch, CertificateDesignView, design_of, patched_design, store_design,
};
use crate::images::{ImageRef, check_image};
use crate::orgs::{DidMethod, check_email};
use crate::{App, AppError, Principal};

/// Changes to the profile: an absent field is unchanged, `null` clears an optional one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgPatch {
    #[serde(default, deserialize_with = "present")]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub url: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub linkedin_org_id: Option<Option<String>>,
    /// The design of the organisation's PDF certificates.
    #[serde(default)]
    pub certificate: Option<CertificateDesignPatch>,
}

/// The public half of a signing key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicKeyView {
    /// The verification method (`{did}#{fragment}`).
    pub id: String,
    pub fragment: String,
    #[serde(rename = "type")]
    pub key_type: &'static str,
    pub public_key_multibase: String,
    /// `active` (signs new credentials) or `retired` (kept so old credentials verify).
    pub state: String,
    pub created_at: i64,
    pub retired_at: Option<i64>,
}

/// The organisation as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgView {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub url: Option<String>,
    pub email: Option<String>,
    pub description: Option<String>,
    pub linkedin_org_id: Option<String>,
    pub logo: Option<ImageRef>,
    pub did: String,
    /// The DID method it signs as (`web` or `key`).
    pub did_method: &'static str,
    /// Where its did:web document is served; none for a did:key organisation (its document
    /// is derived from the DID).
    pub did_document_url: Option<String>,
    /// The issuer `Profile` put in credentials awarded now.
    pub issuer_profile: Value,
    pub keys: Vec<PublicKeyView>,
    /// The design of the organisation's PDF certificates.
    pub certificate: CertificateDesignView,
    pub created_at: i64,
}

/// Checks a LinkedIn organisation id: 1 to 20 digits.
fn linkedin_org_id(problems: &mut Problems, value: &str) -> String {
    let value = value.trim();
    if value.is_empty() || value.len() > 20 || !value.bytes().all(|b| b.is_ascii_digit()) {
        problems.push(
            "linkedin_org_id",
            "must be the numeric id of a LinkedIn organisation page (1 to 20 digits)",
        );
    }
    value.to_owned()
}

impl App {
    /// Changes whenever this process edits an organisation's profile or logo, so that what is
    /// derived from profiles (the share actions of a cached credential page) can be cached
    /// under it.
    pub fn org_profile_generation(&self) -> u64 {
        self.inner.org_profile_generation.load(Ordering::Acquire)
    }

    fn profile_edited(&self) {
        self.inner
            .org_profile_generation
            .fetch_add(1, Ordering::AcqRel);
    }

    /// The principal's organisation with its DID and public keys (any role).
    pub async fn org_view(&self, principal: &Principal) -> Result<OrgView, AppError> {
        let mut conn = self.store().read().await?;
        let org = orgs::get(&mut conn, &principal.org_id).await?;
        let did = self.org_did(&org)?;
        let mut keys = Vec::new();
        for key in keys::list_for_org(&mut conn, &org.id).await? {
            keys.push(PublicKeyView {
                id: self.verification_method(&org, &key)?,
                fragment: key.fragment,
                key_type: "Multikey",
                public_key_multibase: key.public_key_multibase,
                state: key.state,
                created_at: key.created_at,
                retired_at: key.retired_at,
            });
        }
        let certificate = design_of(&mut conn, &org.id).await?.into();
        Ok(OrgView {
            certificate,
            issuer_profile: self.issuer_profile(&org)?,
            did_method: DidMethod::of(&org).as_str(),
            did_document_url: (DidMethod::of(&org) == DidMethod::Web)
                .then(|| format!("{}/{}/did.json", self.config().base_url, org.slug)),
            logo: org.logo_image_id.as_deref().map(|id| self.image_ref(id)),
            did,
            keys,
            id: org.id,
            slug: org.slug,
            name: org.name,
            url: org.url,
            email: org.email,
            description: org.description,
            linkedin_org_id: org.linkedin_org_id,
            created_at: org.created_at,
        })
    }

    /// Edits the profile (owner only). The slug, and so the DID, never changes.
    pub async fn update_org_profile(
        &self,
        principal: &Principal,
        patch: &OrgPatch,
    ) -> Result<OrgView, AppError> {
        principal.require_owner()?;
        let mut tx = self.store().begin().await?;
        let mut org = orgs::get(&mut tx, &principal.org_id).await?;
        let design = match &patch.certificate {
            Some(changes) => Some((design_of(&mut tx, &org.id).await?, changes)),
            None => None,
        };
        let design = apply_patch(&mut org, patch, design)?;
        let sample = json!({
            "id": self.achievement_url("profile-check"),
            "type": ["Achievement"],
            "name": "Profile check",
            "description": "Checks that the issuer profile can be put in a credential.",
            "criteria": {"narrative": "None."},
        });
        self.check_award_probe(&org, sample).map_err(|detail| {
            AppError::invalid(
                "INVALID_ORG",
                format!(
                    "the issuer profile could not be put in an Open Badges 3.0 credential: {detail}"
                ),
            )
        })?;
        orgs::update_profile(&mut tx, &org).await?;
        if let Some(design) = design {
            store_design(&mut tx, &org.id, design, self.now_unix()).await?;
        }
        self.audit(
            &mut tx,
            Some(&org.id),
            &principal.actor,
            "org.update",
            Some(&org.id),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.profile_edited();
        self.org_view(principal).await
    }

    /// Sets the organisation's logo from an upload (owner only; PNG, JPEG or inert SVG).
    pub async fn set_org_logo(
        &self,
        principal: &Principal,
        declared: Option<&str>,
        bytes: &[u8],
    ) -> Result<OrgView, AppError> {
        principal.require_owner()?;
        let kind = check_image(declared, bytes)?;
        let mut tx = self.store().begin().await?;
        let image_id = self
            .insert_image(&mut tx, &principal.org_id, kind, bytes)
            .await?;
        orgs::set_logo(&mut tx, &principal.org_id, Some(&image_id)).await?;
        self.audit(
            &mut tx,
            Some(&principal.org_id),
            &principal.actor,
            "org.logo",
            Some(&image_id),
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.profile_edited();
        self.org_view(principal).await
    }

    /// Removes the organisation's logo (owner only; the stored image stays).
    pub async fn remove_org_logo(&self, principal: &Principal) -> Result<OrgView, AppError> {
        principal.require_owner()?;
        let mut tx = self.store().begin().await?;
        orgs::set_logo(&mut tx, &principal.org_id, None).await?;
        self.audit(
            &mut tx,
            Some(&principal.org_id),
            &principal.actor,
            "org.logo-remove",
            None,
            None,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.profile_edited();
        self.org_view(principal).await
    }
}

/// Applies a checked patch to `org`; refuses every bad field at once and changes nothing then.
/// Returns the certificate design to store when the patch changes it (`design` is the current
/// one with the requested changes).
fn apply_patch(
    org: &mut OrgRecord,
    patch: &OrgPatch,
    design: Option<(Design, &CertificateDesignPatch)>,
) -> Result<Option<Design>, AppError> {
    let mut problems = Problems::default();
    let optional_text = |value: &Option<Option<String>>| {
        value
            .clone()
            .map(|inner| inner.filter(|text| !text.trim().is_empty()))
    };
    let name = match &patch.name {
        Some(Some(name)) => Some(fields::text(
            &mut problems,
            "name",
            name,
            1,
            200,
            Lines::One,
        )),
        Some(None) => {
            problems.push("name", "must not be null");
            None
        }
        None => None,
    };
    let url = optional_text(&patch.url)
        .map(|url| url.map(|url| fields::https_url(&mut problems, "url", &url)));
    let email = optional_text(&patch.email).map(|email| match email {
        Some(email) => match check_email(&email) {
            Ok(email) => Some(email),
            Err(_) => {
                problems.push("email", "must be an email address");
                None
            }
        },
        None => None,
    });
    let description = optional_text(&patch.description).map(|description| {
        description
            .map(|text| fields::text(&mut problems, "description", &text, 1, 2000, Lines::Many))
    });
    let linkedin = optional_text(&patch.linkedin_org_id)
        .map(|id| id.map(|id| linkedin_org_id(&mut problems, &id)));
    let design = design.map(|(current, changes)| patched_design(&mut problems, current, changes));
    problems.into_result("INVALID_ORG")?;
    if let Some(name) = name {
        org.name = name;
    }
    if let Some(url) = url {
        org.url = url;
    }
    if let Some(email) = email {
        org.email = email;
    }
    if let Some(description) = description {
        org.description = description;
    }
    if let Some(linkedin) = linkedin {
        org.linkedin_org_id = linkedin;
    }
    Ok(design)
}
