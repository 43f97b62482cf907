//! Everything an earner needs to share a credential, computed from what the credential says
//! and the issuing organisation's settings: LinkedIn's "Add to Profile" link for
//! certifications, share links for LinkedIn posts, X and Facebook, an HTML snippet to embed in
//! a personal site or résumé, an email-signature snippet, and the plain link. Pure: the caller
//! supplies the facts ([`ShareFacts`]); [`share_targets`] returns the links and snippets.
//!
//! Every query value is percent-encoded (RFC 3986: everything but the unreserved characters),
//! so names with `&`, `#`, `+`, `=` or any Unicode survive a URL parser unchanged. Every text
//! put in a snippet is made [`inert`](crate::text::inert) and HTML-escaped; snippets hold no
//! script and style only through the fixed `style` values in [`SNIPPET_STYLES`] (a page that
//! previews them can allow exactly those by hash in its Content Security Policy).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::text::{escape_html, inert_line};

/// LinkedIn's "Add to Profile" link for certifications. The parameters (`startTask`, `name`,
/// `organizationId` or `organizationName`, `issueYear`, `issueMonth`, `expirationYear`,
/// `expirationMonth`, `certUrl`, `certId`) are those of LinkedIn's Add to Profile generator
/// (addtoprofile.linkedin.com, "Certification") and of LinkedIn's "Add To Profile for
/// Certifications" developer documentation; months are 1 to 12. An empty parameter is left out
/// rather than sent empty (LinkedIn would fill the form field with nothing).
pub const LINKEDIN_ADD_TO_PROFILE: &str = "https://www.linkedin.com/profile/add";
/// LinkedIn's share dialog for a post linking the page (only `url` is read; the title, text and
/// image come from the page's Open Graph tags).
pub const LINKEDIN_SHARE: &str = "https://www.linkedin.com/sharing/share-offsite/";
/// X's post web intent (`text`, `url`), as documented for the X post button.
pub const X_INTENT: &str = "https://x.com/intent/tweet";
/// Facebook's share dialog (`u`).
pub const FACEBOOK_SHARE: &str = "https://www.facebook.com/sharer/sharer.php";

/// The most characters of the text suggested for a post on X (the link counts 23 more).
const MAX_POST_TEXT: usize = 200;
/// The most digits of a LinkedIn organisation id (the same cap as the organisation settings).
const MAX_LINKEDIN_ID_DIGITS: usize = 20;

/// Characters left as they are in a query value: RFC 3986's unreserved characters.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A month of a year, as LinkedIn takes dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearMonth {
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
}

impl YearMonth {
    /// The month (UTC) of a unix time.
    pub fn from_unix(seconds: i64) -> Option<YearMonth> {
        let instant = time::OffsetDateTime::from_unix_timestamp(seconds).ok()?;
        Some(YearMonth {
            year: instant.year(),
            month: u8::from(instant.month()),
        })
    }
}

/// What the share targets are made from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShareFacts {
    /// The achievement's name (LinkedIn's certification name).
    pub achievement_name: String,
    /// The issuer's name, as the credential says it.
    pub issuer_name: String,
    /// The issuing organisation's LinkedIn organisation id, when it has set one (digits only;
    /// anything else is ignored and the issuer's name is sent instead).
    pub linkedin_org_id: Option<String>,
    /// When the credential was issued.
    pub issued: Option<YearMonth>,
    /// When it expires, if it does.
    pub expires: Option<YearMonth>,
    /// The credential's permanent public page.
    pub page_url: String,
    /// The credential's public id (LinkedIn's credential ID).
    pub public_id: String,
    /// The badge image (an absolute `https:` URL, or one of the platform's own images).
    pub image_url: Option<String>,
}

/// The ways to share one credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShareTargets {
    /// The permanent public page.
    pub link: String,
    /// LinkedIn "Add to Profile" (Licenses & Certifications), filled in.
    pub linkedin_add_to_profile: String,
    /// A LinkedIn post linking the page.
    pub linkedin_post: String,
    /// A post on X with a short text and the link.
    pub x_post: String,
    /// A Facebook post linking the page.
    pub facebook: String,
    /// HTML for a personal site or résumé: badge image, name, issuer, link to the page.
    pub embed_html: String,
    /// HTML for an email signature: a small table with the image and a link.
    pub email_signature_html: String,
}

/// The share targets of the credential described by `facts`.
pub fn share_targets(facts: &ShareFacts) -> ShareTargets {
    let name = shown_or(&facts.achievement_name, "Credential");
    let issuer = shown_or(&facts.issuer_name, "its issuer");
    let page_url = facts.page_url.trim();
    let image_url = facts.image_url.as_deref().filter(|url| linkable(url));
    ShareTargets {
        link: page_url.to_owned(),
        linkedin_add_to_profile: linkedin_add_to_profile(facts, &name, &issuer, page_url),
        linkedin_post: with_query(LINKEDIN_SHARE, &[("url", page_url)]),
        x_post: with_query(
            X_INTENT,
            &[("text", &post_text(&name, &issuer)), ("url", page_url)],
        ),
        facebook: with_query(FACEBOOK_SHARE, &[("u", page_url)]),
        embed_html: embed_html(&name, &issuer, page_url, image_url),
        email_signature_html: email_signature_html(&name, &issuer, page_url, image_url),
    }
}

fn linkedin_add_to_profile(facts: &ShareFacts, name: &str, issuer: &str, page_url: &str) -> String {
    let mut params: Vec<(&str, String)> = vec![
        ("startTask", "CERTIFICATION_NAME".to_owned()),
        ("name", name.to_owned()),
    ];
    match facts
        .linkedin_org_id
        .as_deref()
        .map(str::trim)
        .filter(|id| valid_linkedin_org_id(id))
    {
        Some(id) => params.push(("organizationId", id.to_owned())),
        None => params.push(("organizationName", issuer.to_owned())),
    }
    if let Some(issued) = facts.issued {
        params.push(("issueYear", issued.year.to_string()));
        params.push(("issueMonth", issued.month.to_string()));
    }
    if let Some(expires) = facts.expires {
        params.push(("expirationYear", expires.year.to_string()));
        params.push(("expirationMonth", expires.month.to_string()));
    }
    if !page_url.is_empty() {
        params.push(("certUrl", page_url.to_owned()));
    }
    let public_id = inert_line(&facts.public_id);
    if !public_id.is_empty() {
        params.push(("certId", public_id));
    }
    let borrowed: Vec<(&str, &str)> = params
        .iter()
        .map(|(key, value)| (*key, value.as_str()))
        .collect();
    with_query(LINKEDIN_ADD_TO_PROFILE, &borrowed)
}

/// Whether `id` is a LinkedIn organisation id: 1 to 20 ASCII digits.
pub fn valid_linkedin_org_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_LINKEDIN_ID_DIGITS && id.bytes().all(|b| b.is_ascii_digit())
}

/// `base` with the query `params`, each value percent-encoded.
fn with_query(base: &str, params: &[(&str, &str)]) -> String {
    let mut url = base.to_owned();
    for (index, (key, value)) in params.iter().enumerate() {
        url.push(if index == 0 { '?' } else { '&' });
        url.push_str(key);
        url.push('=');
        url.extend(utf8_percent_encode(value, QUERY_VALUE));
    }
    url
}

/// The text suggested for a post, cut to [`MAX_POST_TEXT`] characters.
fn post_text(name: &str, issuer: &str) -> String {
    let text = format!("{name}, a verifiable credential issued by {issuer}");
    match text.char_indices().nth(MAX_POST_TEXT) {
        None => text,
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
    }
}

/// `text` on one inert line, or `fallback` when that is empty.
fn shown_or(text: &str, fallback: &str) -> String {
    let line = inert_line(text);
    if line.is_empty() {
        fallback.to_owned()
    } else {
        line
    }
}

/// Whether `url` may be put in a snippet: absolute http(s), no whitespace or markup characters.
fn linkable(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`')
        })
}

/// The `style` attribute values the snippets use, in the order they appear.
pub const SNIPPET_STYLES: &[&str] = &[
    EMBED_BOX,
    EMBED_LINK,
    EMBED_IMAGE,
    EMBED_NAME,
    EMBED_ISSUER,
    EMBED_VERIFY,
    SIGNATURE_TABLE,
    SIGNATURE_IMAGE_CELL,
    SIGNATURE_IMAGE,
    SIGNATURE_TEXT_CELL,
    SIGNATURE_LINK,
];

const EMBED_BOX: &str = "display:inline-block;max-width:320px;padding:16px;border:1px solid #d0d7de;\
border-radius:8px;background:#ffffff;font-family:Helvetica,Arial,sans-serif;text-align:center";
const EMBED_LINK: &str = "color:#1f2328;text-decoration:none";
const EMBED_IMAGE: &str =
    "display:block;margin:0 auto 8px;width:120px;height:120px;object-fit:contain";
const EMBED_NAME: &str = "display:block;font-size:16px;font-weight:bold;line-height:1.3";
const EMBED_ISSUER: &str = "display:block;margin-top:4px;font-size:13px;color:#57606a";
const EMBED_VERIFY: &str = "display:block;margin-top:8px;font-size:12px;color:#0a58ca";
const SIGNATURE_TABLE: &str = "border-collapse:collapse;font-family:Helvetica,Arial,sans-serif";
const SIGNATURE_IMAGE_CELL: &str = "padding:0 8px 0 0;vertical-align:middle";
const SIGNATURE_IMAGE: &str = "display:block;border:0;width:48px;height:48px";
const SIGNATURE_TEXT_CELL: &str =
    "vertical-align:middle;font-size:12px;line-height:16px;color:#333333";
const SIGNATURE_LINK: &str = "color:#0a58ca;text-decoration:none;font-weight:bold";

/// The embed snippet: one link box, no script.
fn embed_html(name: &str, issuer: &str, page_url: &str, image_url: Option<&str>) -> String {
    let name = escape_html(name);
    let issuer = escape_html(issuer);
    let page_url = escape_html(page_url);
    let image = image_url
        .map(|url| {
            format!(
                "<img src=\"{}\" alt=\"\" width=\"120\" height=\"120\" style=\"{EMBED_IMAGE}\">",
                escape_html(url)
            )
        })
        .unwrap_or_default();
    format!(
        "<div class=\"brevet-credential\" style=\"{EMBED_BOX}\">\
<a href=\"{page_url}\" style=\"{EMBED_LINK}\">{image}\
<span style=\"{EMBED_NAME}\">{name}</span>\
<span style=\"{EMBED_ISSUER}\">Issued by {issuer}</span>\
<span style=\"{EMBED_VERIFY}\">Verify this credential</span></a></div>"
    )
}

/// The email-signature snippet: a one-row table, inline styles only (mail clients drop style
/// sheets), no script.
fn email_signature_html(
    name: &str,
    issuer: &str,
    page_url: &str,
    image_url: Option<&str>,
) -> String {
    let name = escape_html(name);
    let issuer = escape_html(issuer);
    let page_url = escape_html(page_url);
    let image = image_url
        .map(|url| {
            format!(
                "<td style=\"{SIGNATURE_IMAGE_CELL}\"><a href=\"{page_url}\"><img src=\"{}\" alt=\"\" \
width=\"48\" height=\"48\" style=\"{SIGNATURE_IMAGE}\"></a></td>",
                escape_html(url)
            )
        })
        .unwrap_or_default();
    format!(
        "<table cellpadding=\"0\" cellspacing=\"0\" border=\"0\" role=\"presentation\" \
style=\"{SIGNATURE_TABLE}\"><tr>{image}<td style=\"{SIGNATURE_TEXT_CELL}\">\
<a href=\"{page_url}\" style=\"{SIGNATURE_LINK}\">{name}</a><br>Issued by {issuer} · verifiable credential\
</td></tr></table>"
    )
}

#[cfg(test)]
mod tests;
