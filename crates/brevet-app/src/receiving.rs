//! Receiving: when a credential is awarded to an email address, the earner gets a mail (plain
//! text and HTML) with the organisation's name and logo, the achievement and a claim link that
//! signs them in to their wallet (see [`crate::earners`]).
//!
//! The mail goes out after the award's transaction has committed, from a background task: an
//! SMTP exchange can take seconds (or time out), and the award must neither wait for it nor fail
//! because of it. A failure is logged (without the address or the link) and the award stands;
//! the earner can still ask for a sign-in link on the wallet's sign-in page. The claim link itself
//! is stored with the award, in its transaction (grouped with other awards by the award writer),
//! so a mail costs no database write of its own.

use brevet_store::{StoreError, achievements, credentials, orgs};

use crate::mail::OutgoingMail;
use crate::{App, AppError};

/// What an award mail says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardNotice {
    pub to: String,
    pub recipient_name: Option<String>,
    pub org_name: String,
    /// An absolute URL of the organisation's logo, served by Brevet.
    pub org_logo_url: Option<String>,
    pub achievement_name: String,
    /// An absolute URL of the achievement's image, served by Brevet.
    pub achievement_image_url: Option<String>,
    pub claim_url: String,
    pub page_url: String,
}

impl App {
    /// Mails the recipient of a newly awarded credential, in the background. Call after the
    /// award's transaction committed. Does nothing for a credential without an email recipient
    /// or when mail is not configured.
    /// `claim_token` is the secret of the claim link stored with the award.
    pub(crate) fn announce_award(&self, credential_id: &str, claim_token: String) {
        if self.mailer().is_none() {
            tracing::debug!("no award mail: mail is not configured");
            return;
        }
        let app = self.clone();
        let credential_id = credential_id.to_owned();
        tokio::spawn(async move {
            if let Err(error) = app.send_award_mail(&credential_id, &claim_token).await {
                tracing::error!(
                    %error,
                    credential = %credential_id,
                    "the award mail could not be sent; the award stands"
                );
            }
        });
    }

    async fn send_award_mail(&self, credential_id: &str, token: &str) -> Result<(), AppError> {
        let Some(mailer) = self.mailer() else {
            return Ok(());
        };
        let (record, org, image_id) = {
            let mut conn = self.store().read().await?;
            let record = credentials::get(&mut conn, credential_id).await?;
            let org = orgs::get(&mut conn, &record.org_id).await?;
            let image_id = match &record.achievement_id {
                Some(id) => match achievements::get_in_org(&mut conn, &org.id, id).await {
                    Ok(achievement) => achievement.image_id,
                    Err(StoreError::NotFound) => None,
                    Err(other) => return Err(other.into()),
                },
                None => None,
            };
            (record, org, image_id)
        };
        let Some(email) = record.recipient_email.clone() else {
            return Ok(());
        };
        let notice = AwardNotice {
            to: email,
            recipient_name: record.recipient_name.clone(),
            org_name: org.name.clone(),
            org_logo_url: org.logo_image_id.as_deref().map(|id| self.image_url(id)),
            achievement_name: record.achievement_name.clone(),
            achievement_image_url: image_id.as_deref().map(|id| self.image_url(id)),
            claim_url: self.wallet_link_url(token),
            page_url: self.credential_page_url(&record.id),
        };
        mailer
            .send(&award_mail(&notice))
            .await
            .map_err(|error| AppError::Unavailable(error.to_string()))?;
        tracing::info!(credential = %record.id, "award mail sent");
        Ok(())
    }
}

/// The award mail: plain text and the same as HTML.
pub fn award_mail(notice: &AwardNotice) -> OutgoingMail {
    let org = plain(&notice.org_name);
    let achievement = plain(&notice.achievement_name);
    let greeting = match notice.recipient_name.as_deref().map(plain) {
        Some(name) if !name.is_empty() => format!("Hello {name},"),
        _ => "Hello,".to_owned(),
    };
    let subject = format!("{org} awarded you \u{201c}{achievement}\u{201d}");
    let body = format!(
        "{greeting}\n\n\
         {org} has awarded you \u{201c}{achievement}\u{201d}, a verifiable digital credential.\n\n\
         Claim it in your Brevet wallet (no password needed; the link works once, for 7 days):\n\
         {claim}\n\n\
         In your wallet you can keep it with your other credentials, choose who sees it, and \
         download it. Its public page, where anyone can check it:\n{page}\n\n\
         If you did not expect this message, you can ignore it.\n",
        claim = notice.claim_url,
        page = notice.page_url,
    );
    let html = award_html(notice, &greeting, &org, &achievement);
    OutgoingMail {
        to: notice.to.clone(),
        subject,
        body,
        html: Some(html),
    }
}

fn award_html(notice: &AwardNotice, greeting: &str, org: &str, achievement: &str) -> String {
    let logo = notice
        .org_logo_url
        .as_deref()
        .map(|url| {
            format!(
                "<p><img src=\"{}\" alt=\"{} logo\" width=\"64\" height=\"64\" \
                 style=\"border-radius:8px\"></p>\n",
                escape(url),
                escape(org)
            )
        })
        .unwrap_or_default();
    let badge = notice
        .achievement_image_url
        .as_deref()
        .map(|url| {
            format!(
                "<p><img src=\"{}\" alt=\"\" width=\"120\" height=\"120\"></p>\n",
                escape(url)
            )
        })
        .unwrap_or_default();
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head>\n\
         <body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1b1f24;max-width:36rem;margin:0 auto;padding:1rem\">\n\
         {logo}<p>{greeting}</p>\n\
         <p><strong>{org}</strong> has awarded you <strong>\u{201c}{achievement}\u{201d}</strong>, \
         a verifiable digital credential.</p>\n\
         {badge}<p><a href=\"{claim}\" style=\"display:inline-block;background:#1f5fbf;color:#fff;\
         padding:.6rem 1.1rem;border-radius:6px;text-decoration:none\">Claim your credential</a></p>\n\
         <p>No password needed: the link works once, for 7 days. In your wallet you can keep it \
         with your other credentials, choose who sees it, and download it.</p>\n\
         <p>Its public page, where anyone can check it: <a href=\"{page}\">{page}</a></p>\n\
         <p style=\"color:#57606a;font-size:.9rem\">If you did not expect this message, you can \
         ignore it.</p>\n</body></html>\n",
        title = escape(&format!("{org} awarded you {achievement}")),
        greeting = escape(greeting),
        org = escape(org),
        achievement = escape(achievement),
        claim = escape(&notice.claim_url),
        page = escape(&notice.page_url),
    )
}

/// Text from an issuer, made inert for a mail: controls and bidirectional overrides replaced.
fn plain(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}' => '\u{FFFD}',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// HTML-escapes text and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> AwardNotice {
        AwardNotice {
            to: "ada@example.org".into(),
            recipient_name: Some("Ada <b>Lovelace</b>".into()),
            org_name: "Acme & Co \u{202E}gnp".into(),
            org_logo_url: Some("https://badges.example/images/logo1".into()),
            achievement_name: "<script>alert(1)</script>".into(),
            achievement_image_url: None,
            claim_url: "https://badges.example/wallet/link/brw_abc".into(),
            page_url: "https://badges.example/c/123".into(),
        }
    }

    #[test]
    fn the_mail_has_text_and_html_with_the_org_the_achievement_and_the_claim_link() {
        let mail = award_mail(&notice());
        assert_eq!(mail.to, "ada@example.org");
        assert!(mail.subject.starts_with("Acme & Co"), "{}", mail.subject);
        assert!(
            mail.body
                .contains("https://badges.example/wallet/link/brw_abc")
        );
        assert!(
            mail.body.contains("<script>alert(1)</script>"),
            "text is text"
        );
        assert!(!mail.body.contains('\u{202E}'), "no bidi override");
        let html = mail.html.expect("an HTML part");
        assert!(html.contains("href=\"https://badges.example/wallet/link/brw_abc\""));
        assert!(html.contains("src=\"https://badges.example/images/logo1\""));
        assert!(
            html.contains("alt=\"Acme &amp; Co \u{FFFD}gnp logo\""),
            "{html}"
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<script>"), "escaped: {html}");
        assert!(!html.contains("<b>"), "escaped: {html}");
    }

    #[test]
    fn a_mail_without_logo_or_name_still_reads_well() {
        let mut bare = notice();
        bare.org_logo_url = None;
        bare.recipient_name = None;
        let mail = award_mail(&bare);
        assert!(mail.body.starts_with("Hello,\n"));
        assert!(!mail.html.unwrap().contains("<img"));
    }
}
