//! Outgoing mail (invitations, password resets, award notices): SMTP through `lettre` when an
//! SMTP URL is configured, else `.eml` files written to an outbox folder (`{data_dir}/outbox`).
//! A message is plain text, or plain text and HTML together (`multipart/alternative`, the text
//! first, so a reader without HTML sees the same content). Logs name the outbox file or the
//! SMTP server, never the recipient's address or the message's links.
//! [`Mailer::memory`] keeps the last messages in memory (tests, and a server where mail is not
//! configured yet).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How many messages the in-memory mailer keeps.
const MEMORY_CAPACITY: usize = 100;

/// A message to send: plain text, with an HTML alternative when `html` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    /// The plain-text body (always sent).
    pub body: String,
    /// The same content as an HTML document (sent beside the text as `multipart/alternative`).
    pub html: Option<String>,
}

impl OutgoingMail {
    /// A plain-text message.
    pub fn text(to: &str, subject: &str, body: String) -> OutgoingMail {
        OutgoingMail {
            to: to.to_owned(),
            subject: subject.to_owned(),
            body,
            html: None,
        }
    }
}

/// Why a message could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail configuration: {0}")]
    Config(String),
    #[error("the message could not be built: {0}")]
    Build(String),
    #[error("SMTP delivery failed: {0}")]
    Smtp(String),
    #[error("the outbox file could not be written: {0}")]
    Outbox(String),
}

enum Transport {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// The server's host, for logs (never the credentials).
        host: String,
    },
    Outbox(PathBuf),
    Memory(Mutex<VecDeque<OutgoingMail>>),
}

/// Sends mail; cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Arc<Transport>,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("transport", &self.describe())
            .finish()
    }
}

/// The default sender for a base URL: `Brevet <no-reply@{host}>` (`localhost` when the host is
/// an address).
pub fn default_from(base_url: &str) -> String {
    let host = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    let usable = !host.is_empty()
        && host.contains(|c: char| c.is_ascii_alphabetic())
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    format!(
        "Brevet <no-reply@{}>",
        if usable { host } else { "localhost" }
    )
}

fn parse_from(from: &str) -> Result<Mailbox, MailError> {
    from.parse::<Mailbox>()
        .map_err(|error| MailError::Config(format!("sender address {from:?}: {error}")))
}

impl Mailer {
    /// Delivers through the SMTP server of `url` (`smtps://user:pass@host:465`,
    /// `smtp://host:587?tls=required`, ...).
    pub fn smtp(url: &str, from: &str) -> Result<Mailer, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|error| MailError::Config(format!("SMTP URL: {error}")))?
            .build();
        let host = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest)
            .rsplit('@')
            .next()
            .unwrap_or_default()
            .split(['/', '?'])
            .next()
            .unwrap_or_default()
            .to_owned();
        Ok(Mailer {
            from: parse_from(from)?,
            transport: Arc::new(Transport::Smtp { transport, host }),
        })
    }

    /// Writes each message as an `.eml` file into `dir` (created when missing).
    pub fn outbox(dir: &Path, from: &str) -> Result<Mailer, MailError> {
        std::fs::create_dir_all(dir)
            .map_err(|error| MailError::Config(format!("outbox {}: {error}", dir.display())))?;
        Ok(Mailer {
            from: parse_from(from)?,
            transport: Arc::new(Transport::Outbox(dir.to_owned())),
        })
    }

    /// Keeps the last messages in memory ([`Mailer::sent`]).
    pub fn memory(from: &str) -> Result<Mailer, MailError> {
        Ok(Mailer {
            from: parse_from(from)?,
            transport: Arc::new(Transport::Memory(Mutex::new(VecDeque::new()))),
        })
    }

    /// SMTP when `smtp_url` is given, else the outbox `{data_dir}/outbox`.
    pub fn from_settings(
        smtp_url: Option<&str>,
        data_dir: &Path,
        from: &str,
    ) -> Result<Mailer, MailError> {
        match smtp_url.map(str::trim).filter(|url| !url.is_empty()) {
            Some(url) => Mailer::smtp(url, from),
            None => Mailer::outbox(&data_dir.join("outbox"), from),
        }
    }

    /// Where mail goes, for logs and startup messages (no credentials, no addresses).
    pub fn describe(&self) -> String {
        match self.transport.as_ref() {
            Transport::Smtp { host, .. } => format!("SMTP via {host}"),
            Transport::Outbox(dir) => format!("outbox folder {}", dir.display()),
            Transport::Memory(_) => "kept in memory (mail is not configured)".to_owned(),
        }
    }

    /// The messages kept by an in-memory mailer, oldest first (empty for other transports).
    pub fn sent(&self) -> Vec<OutgoingMail> {
        match self.transport.as_ref() {
            Transport::Memory(messages) => match messages.lock() {
                Ok(messages) => messages.iter().cloned().collect(),
                Err(poisoned) => poisoned.into_inner().iter().cloned().collect(),
            },
            _ => Vec::new(),
        }
    }

    fn build(&self, mail: &OutgoingMail) -> Result<Message, MailError> {
        let to = mail
            .to
            .parse::<Mailbox>()
            .map_err(|error| MailError::Build(format!("recipient address: {error}")))?;
        // No line breaks or other controls in a header (the subject may quote names).
        let subject: String = mail
            .subject
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject);
        match &mail.html {
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(mail.body.clone()),
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(
                mail.body.clone(),
                html.clone(),
            )),
        }
        .map_err(|error| MailError::Build(error.to_string()))
    }

    /// Sends one message.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let message = self.build(mail)?;
        match self.transport.as_ref() {
            Transport::Smtp { transport, host } => {
                transport
                    .send(message)
                    .await
                    .map_err(|error| MailError::Smtp(without_addresses(&error.to_string())))?;
                tracing::info!(smtp = %host, "mail sent");
            }
            Transport::Outbox(dir) => {
                let name = format!("{}.eml", crate::ids::new_id());
                let path = dir.join(&name);
                let bytes = message.formatted();
                tokio::task::spawn_blocking(move || write_private_file(&path, &bytes))
                    .await
                    .map_err(|error| MailError::Outbox(error.to_string()))?
                    .map_err(|error| MailError::Outbox(error.to_string()))?;
                tracing::info!(file = %name, "mail written to the outbox");
            }
            Transport::Memory(messages) => {
                let mut messages = match messages.lock() {
                    Ok(messages) => messages,
                    Err(poisoned) => poisoned.into_inner(),
                };
                if messages.len() == MEMORY_CAPACITY {
                    messages.pop_front();
                }
                messages.push_back(mail.clone());
                tracing::info!("mail kept in memory (mail is not configured)");
            }
        }
        Ok(())
    }
}

/// `text` with every word that holds an `@` replaced: an SMTP server's answer may quote the
/// recipient's address, and errors end up in logs.
fn without_addresses(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains('@') {
                "<address>"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes a file readable by its owner only (the messages carry single-use links).
fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn mail() -> OutgoingMail {
        OutgoingMail::text(
            "ada@example.org",
            "Hello",
            "Open https://badges.example.org/x\n".into(),
        )
    }

    #[test]
    fn the_default_sender_uses_the_host_name() {
        assert_eq!(
            default_from("https://badges.example.org"),
            "Brevet <no-reply@badges.example.org>"
        );
        assert_eq!(
            default_from("http://127.0.0.1:8080"),
            "Brevet <no-reply@localhost>"
        );
        assert!(parse_from(&default_from("http://127.0.0.1:8080")).is_ok());
    }

    #[tokio::test]
    async fn the_memory_mailer_keeps_messages() {
        let mailer = Mailer::memory("Brevet <no-reply@example.org>").unwrap();
        mailer.send(&mail()).await.unwrap();
        assert_eq!(mailer.sent(), vec![mail()]);
    }

    #[tokio::test]
    async fn the_outbox_gets_one_eml_file_per_message() {
        let dir = std::env::temp_dir().join(format!("brevet-outbox-{}", crate::ids::new_id()));
        let mailer = Mailer::from_settings(None, &dir, "Brevet <no-reply@example.org>").unwrap();
        mailer.send(&mail()).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.join("outbox"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1);
        assert!(files[0].extension().is_some_and(|ext| ext == "eml"));
        let text = std::fs::read_to_string(&files[0]).unwrap();
        assert!(text.contains("To: ada@example.org"), "{text}");
        assert!(text.contains("Subject: Hello"), "{text}");
        assert!(text.contains("https://badges.example.org/x"), "{text}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_message_with_html_is_multipart_alternative_text_first() {
        let mailer = Mailer::memory("Brevet <no-reply@example.org>").unwrap();
        let mut rich = mail();
        rich.subject = "Line\r\nBcc: evil@example.org".into();
        rich.html = Some("<p>Open <a href=\"https://badges.example.org/x\">it</a></p>".into());
        let text = String::from_utf8(mailer.build(&rich).unwrap().formatted()).unwrap();
        assert!(
            text.contains("Content-Type: multipart/alternative"),
            "{text}"
        );
        let plain = text.find("Content-Type: text/plain").expect("a text part");
        let html = text.find("Content-Type: text/html").expect("an HTML part");
        assert!(plain < html, "the text part comes first: {text}");
        assert!(!text.contains("\r\nBcc:"), "no header injection: {text}");
        let plain_only = String::from_utf8(mailer.build(&mail()).unwrap().formatted()).unwrap();
        assert!(
            plain_only.contains("Content-Type: text/plain"),
            "{plain_only}"
        );
        assert!(!plain_only.contains("multipart"), "{plain_only}");
    }

    #[test]
    fn smtp_errors_lose_their_addresses() {
        assert_eq!(
            without_addresses("permanent error (550): <ada@example.org> unknown"),
            "permanent error (550): <address> unknown"
        );
    }

    #[test]
    fn bad_settings_are_refused() {
        assert!(Mailer::smtp("ftp://nope", "Brevet <no-reply@example.org>").is_err());
        assert!(Mailer::memory("not an address").is_err());
        let mailer = Mailer::memory("Brevet <no-reply@example.org>").unwrap();
        let mut bad = mail();
        bad.to = "nobody".into();
        assert!(mailer.build(&bad).is_err());
    }
}
