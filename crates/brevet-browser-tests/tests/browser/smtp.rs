//! A real SMTP server on loopback for the tests: `smtp_sink.py` (aiosmtpd) run by Debian's
//! `/usr/bin/python3` (or `BREVET_SMTP_PYTHON`), writing each message it receives into a
//! temporary directory as `N.eml` (raw), `N.txt` (decoded text part) and `N.html`. When Python
//! or aiosmtpd is missing (install with `.ci/install-smtp`) the tests print `SKIPPED` and pass,
//! unless `BREVET_REQUIRE_SMTP=1` (set by `.ci/run`), which makes them fail. Dropping the
//! server ends the process (by its id) and removes the directory.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a message may take to arrive.
const MAIL_WAIT: Duration = Duration::from_secs(30);

/// One received message.
pub(crate) struct ReceivedMail {
    /// The message as it came over SMTP.
    pub(crate) raw: String,
    /// The decoded text/plain part.
    pub(crate) text: String,
    /// The decoded text/html part.
    pub(crate) html: Option<String>,
}

pub(crate) struct SmtpServer {
    pub(crate) port: u16,
    child: Child,
    dir: PathBuf,
}

fn require_smtp() -> bool {
    std::env::var("BREVET_REQUIRE_SMTP").is_ok_and(|value| value == "1")
}

fn python() -> PathBuf {
    std::env::var_os("BREVET_SMTP_PYTHON")
        .map_or_else(|| PathBuf::from("/usr/bin/python3"), PathBuf::from)
}

impl SmtpServer {
    /// Starts the server, or returns `None` after printing `SKIPPED` when it cannot run here
    /// (and `BREVET_REQUIRE_SMTP` is not 1).
    pub(crate) fn start(test: &str) -> Option<SmtpServer> {
        let python = python();
        let usable = Command::new(&python)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if !usable {
            let reason = format!(
                "{} cannot import aiosmtpd (run .ci/install-smtp)",
                python.display()
            );
            assert!(!require_smtp(), "BREVET_REQUIRE_SMTP=1 but {reason}");
            eprintln!("SKIPPED browser test {test}: {reason}");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("brevet-smtp-{}", brevet_app::ids::new_id()));
        std::fs::create_dir_all(&dir).expect("create the mail directory");
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
            listener.local_addr().expect("its address").port()
        };
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser/smtp_sink.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .arg(port.to_string())
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", script.display()));
        let mut line = String::new();
        let stdout = child.stdout.take().expect("the server's output");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server's first line");
        assert_eq!(
            line.trim(),
            "READY",
            "the SMTP server did not start: {line:?}"
        );
        Some(SmtpServer { port, child, dir })
    }

    /// The SMTP URL for Brevet's mailer (plain SMTP on loopback).
    pub(crate) fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Waits for message number `number` (1 for the first).
    pub(crate) async fn message(&self, number: usize) -> ReceivedMail {
        let raw_path = self.dir.join(format!("{number}.eml"));
        let started = Instant::now();
        while !raw_path.exists() {
            assert!(
                started.elapsed() < MAIL_WAIT,
                "no message {number} within {MAIL_WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let read =
            |suffix: &str| std::fs::read_to_string(self.dir.join(format!("{number}.{suffix}")));
        ReceivedMail {
            raw: read("eml").expect("the raw message"),
            text: read("txt").expect("a text part"),
            html: read("html").ok(),
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        // Closing its input ends it; a kill by id if it lingers.
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
