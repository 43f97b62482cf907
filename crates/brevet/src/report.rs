//! Printing a verification report for a person: one line per check with a mark (✓ passed,
//! ✗ failed, ? could not check, - not applicable). Text that comes from the credential is
//! stripped of terminal control characters first, so a credential cannot drive the terminal.

use std::fmt::Write as _;

use brevet_core::verify::{Outcome, Verdict, VerificationReport};

/// The human-readable report.
pub(crate) fn render(report: &VerificationReport) -> String {
    let mut text = String::new();
    let headline = match report.verdict() {
        Verdict::Verified => "VERIFIED",
        Verdict::Invalid => "NOT VERIFIED: the credential is invalid",
        Verdict::Indeterminate => "NOT VERIFIED: some checks could not be made",
    };
    let _ = writeln!(text, "{headline}");
    for check in &report.checks {
        let mark = match check.outcome {
            Outcome::Passed => "✓",
            Outcome::Failed => "✗",
            Outcome::CouldNotCheck => "?",
            Outcome::NotApplicable => "-",
        };
        let _ = writeln!(
            text,
            "{mark} {:<10} {:<15} {}",
            check.check.as_str(),
            check.outcome.as_str(),
            sanitize(&check.detail)
        );
    }
    text
}

/// Removes characters that could drive a terminal: C0 and C1 controls (newlines become spaces),
/// DEL, and the bidirectional overrides and isolates.
pub(crate) fn sanitize(text: &str) -> String {
    text.chars()
        .filter_map(|character| match character {
            '\n' | '\r' | '\t' => Some(' '),
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => None,
            '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{61c}' => None,
            other => Some(other),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_terminal_controls() {
        assert_eq!(
            sanitize("ok\u{1b}[31mred\u{7}\u{9b}2J\nnext\u{202e}txt"),
            "ok[31mred2J nexttxt"
        );
    }
}
