//! Making untrusted text printable: control, bidirectional-override and invisible formatting
//! characters are dropped (a name cannot reorder or hide the text around it), runs of white
//! space become one space, and the length is capped before any layout work.

/// The most characters of one text kept for layout (the layout then shortens it to fit).
pub const MAX_CHARS: usize = 2_000;

/// `text` made safe to print: see the module documentation. Never longer than [`MAX_CHARS`]
/// characters.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_CHARS * 4));
    let mut count = 0;
    let mut pending_space = false;
    for character in text.chars() {
        if character.is_whitespace() || is_line_break_like(character) {
            pending_space = !out.is_empty();
            continue;
        }
        if is_invisible(character) {
            continue;
        }
        if count >= MAX_CHARS {
            break;
        }
        if pending_space {
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        out.push(character);
        count += 1;
    }
    out
}

/// A plain-text summary of a narrative that may be written in Markdown (criteria usually are):
/// heading, quote and list markers at line starts, emphasis and code marks, and link targets are
/// removed (`[text](url)` keeps `text`), then the result is made [`printable`].
pub fn summary(narrative: &str) -> String {
    let mut plain = String::with_capacity(narrative.len().min(MAX_CHARS * 4));
    for line in narrative.lines().take(200) {
        let mut line = line.trim_start();
        loop {
            let trimmed = line.trim_start_matches(['#', '>']).trim_start();
            let trimmed = ["- ", "* ", "+ "]
                .iter()
                .find_map(|marker| trimmed.strip_prefix(marker))
                .unwrap_or(trimmed);
            let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
            let trimmed = if digits > 0 {
                trimmed[digits..]
                    .strip_prefix(". ")
                    .or_else(|| trimmed[digits..].strip_prefix(") "))
                    .unwrap_or(trimmed)
            } else {
                trimmed
            };
            if trimmed.len() == line.len() {
                break;
            }
            line = trimmed;
        }
        plain.push_str(&without_links(line));
        plain.push(' ');
        if plain.len() > MAX_CHARS * 4 {
            break;
        }
    }
    let plain: String = plain
        .chars()
        .filter(|character| !matches!(character, '*' | '_' | '`'))
        .collect();
    printable(&plain)
}

/// `[text](target)` becomes `text`; anything else is kept.
fn without_links(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|at| open + at) else {
            break;
        };
        let Some(end) = rest[close + 2..].find(')').map(|at| close + 2 + at) else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..close]);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Characters that separate lines or paragraphs without being `char::is_whitespace`.
fn is_line_break_like(character: char) -> bool {
    matches!(character, '\u{2028}' | '\u{2029}' | '\u{85}')
}

/// Control characters, bidirectional embeddings, overrides, isolates and marks, and other
/// invisible formatting characters (zero-width spaces and joiners, the BOM, soft hyphen,
/// interlinear annotations, tag characters, variation selectors).
fn is_invisible(character: char) -> bool {
    character.is_control()
        || matches!(
            character,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
                | '\u{E0100}'..='\u{E01EF}'
        )
        || is_private_or_unassigned_plane(character)
}

/// Private-use characters print as nothing meaningful and are dropped too.
fn is_private_or_unassigned_plane(character: char) -> bool {
    matches!(
        character,
        '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{FFFFD}' | '\u{100000}'..='\u{10FFFD}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_and_control_characters_are_dropped() {
        assert_eq!(printable("Ann\u{202E}eb\u{202C} Lee"), "Anneb Lee");
        assert_eq!(printable("a\u{2066}b\u{2069}c\u{200F}d\u{061C}"), "abcd");
        assert_eq!(printable("x\u{0}y\u{7}z\u{1b}[31m"), "xyz[31m");
        assert_eq!(printable("zero\u{200B}width\u{FEFF}"), "zerowidth");
    }

    #[test]
    fn white_space_is_collapsed_and_trimmed() {
        assert_eq!(printable("  Ada \n\t Lovelace \u{2028} "), "Ada Lovelace");
        assert_eq!(printable("\u{3000}Ｘ"), "Ｘ");
        assert_eq!(printable(""), "");
        assert_eq!(printable(" \n "), "");
    }

    #[test]
    fn markup_characters_are_kept_as_text() {
        assert_eq!(printable("<b>&amp;</b> (x) \\"), "<b>&amp;</b> (x) \\");
    }

    #[test]
    fn letters_of_every_script_are_kept() {
        let name = "Zoë Ñúñez-Šťastný Δήμητρα Юлия שרה مريم 李小龙";
        assert_eq!(printable(name), name);
    }

    #[test]
    fn markdown_criteria_are_summarised_as_plain_text() {
        let narrative = "# Criteria\n\n1. Complete **all** exercises\n- Pass the [final exam](https://example.org/exam)\n> `quoted`\n";
        assert_eq!(
            summary(narrative),
            "Criteria Complete all exercises Pass the final exam quoted"
        );
        assert_eq!(
            summary("Plain text, [not a link] (x)."),
            "Plain text, [not a link] (x)."
        );
        assert_eq!(summary(""), "");
    }

    #[test]
    fn long_text_is_capped() {
        assert_eq!(
            printable(&"é".repeat(10 * MAX_CHARS)).chars().count(),
            MAX_CHARS
        );
    }
}
