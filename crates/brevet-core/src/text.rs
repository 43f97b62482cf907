//! Untrusted text made safe to show: [`inert`] neutralises the Unicode controls that could
//! reorder or hide what a reader sees (WEB-01), and [`escape_html`] escapes text for HTML text
//! and quoted attribute values. Pure functions, shared by the pages, the share snippets and the
//! preview image.

/// Replaces Unicode bidi controls and other invisible format characters with U+FFFD, so
/// credential text cannot reorder what is shown (WEB-01). Newlines and tabs are kept.
pub fn inert(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}' => '\u{FFFD}',
            c if c.is_control() && c != '\n' && c != '\t' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// `text` on one line: [`inert`], with every run of whitespace (newlines included) turned into
/// one space and the ends trimmed.
pub fn inert_line(text: &str) -> String {
    inert(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes `&`, `<`, `>`, `"` and `'`, so `text` is inert in HTML text and in attribute values
/// quoted with either quote.
pub fn escape_html(text: &str) -> String {
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

    #[test]
    fn bidi_and_control_characters_are_neutralised() {
        assert_eq!(
            inert("a\u{202E}b\u{2066}c\u{0007}"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}"
        );
        assert_eq!(inert("plain text\n"), "plain text\n");
        assert_eq!(inert_line("  two\n lines\t"), "two lines");
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape_html("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }
}
