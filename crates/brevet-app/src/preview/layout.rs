//! Text layout for the preview image: widths measured from the embedded font's advances
//! (`skrifa`), greedy word wrapping, words longer than a line broken between characters, and
//! the last allowed line ended with an ellipsis when the text does not fit. Shaping and bidi
//! reordering are left to the renderer; widths are the sum of advances, close enough to keep
//! lines inside their box with the margin the template leaves.

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

const ELLIPSIS: char = '…';

/// One of the embedded faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

impl Face {
    pub(crate) fn data(self) -> &'static [u8] {
        match self {
            Face::Regular => brevet_certificate::dejavu_sans(),
            Face::Bold => brevet_certificate::dejavu_sans_bold(),
        }
    }
}

/// The width of `text` in `face` at `size` pixels.
pub(crate) fn text_width(face: Face, text: &str, size: f32) -> f32 {
    // A character the font lacks is drawn as a box about this wide.
    let fallback = size * 0.6;
    let Ok(font) = FontRef::new(face.data()) else {
        return text.chars().count() as f32 * fallback;
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|glyph| metrics.advance_width(glyph))
                .unwrap_or(fallback)
        })
        .sum()
}

/// `text` wrapped into at most `max_lines` lines of at most `width` pixels; `true` when it all
/// fit, `false` when the last line was cut and ends with an ellipsis.
pub(crate) fn wrap(
    face: Face,
    text: &str,
    size: f32,
    width: f32,
    max_lines: usize,
) -> (Vec<String>, bool) {
    let fits = |line: &str| text_width(face, line, size) <= width;
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if fits(&candidate) {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        // A word wider than a line is broken between characters.
        for c in word.chars() {
            current.push(c);
            if !fits(&current) && current.chars().count() > 1 {
                current.pop();
                lines.push(std::mem::take(&mut current));
                current.push(c);
            }
        }
        if lines.len() > max_lines {
            break;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() <= max_lines {
        return (lines, true);
    }
    lines.truncate(max_lines);
    if let Some(last) = lines.last_mut() {
        loop {
            let with_ellipsis = format!("{}{ELLIPSIS}", last.trim_end());
            if fits(&with_ellipsis) || last.is_empty() {
                *last = with_ellipsis;
                break;
            }
            last.pop();
        }
    }
    (lines, false)
}

/// The largest of `sizes` (largest first) at which `text` fits in `max_lines`, else the
/// smallest, cut with an ellipsis.
pub(crate) fn fit(
    face: Face,
    text: &str,
    sizes: &[f32],
    width: f32,
    max_lines: usize,
) -> (Vec<String>, f32) {
    let mut last = (Vec::new(), sizes.last().copied().unwrap_or(32.0));
    for &size in sizes {
        let (lines, complete) = wrap(face, text, size, width, max_lines);
        if complete {
            return (lines, size);
        }
        last = (lines, size);
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_and_size() {
        let short = text_width(Face::Regular, "Rust", 40.0);
        assert!(short > 40.0 && short < 160.0, "{short}");
        assert!(text_width(Face::Regular, "Rust", 80.0) > short * 1.9);
        assert!(text_width(Face::Bold, "Rust", 40.0) > short);
    }

    #[test]
    fn text_wraps_at_words_and_is_cut_with_an_ellipsis() {
        let (lines, complete) = wrap(Face::Regular, "one two three four", 40.0, 250.0, 3);
        assert!(complete);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.join(" "), "one two three four");
        for line in &lines {
            assert!(text_width(Face::Regular, line, 40.0) <= 250.0, "{line}");
        }
        let long = "word ".repeat(200);
        let (lines, complete) = wrap(Face::Regular, &long, 40.0, 600.0, 2);
        assert!(!complete);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with(ELLIPSIS), "{lines:?}");
        assert!(text_width(Face::Regular, &lines[1], 40.0) <= 600.0);
    }

    #[test]
    fn a_long_word_is_broken() {
        let word = "x".repeat(500);
        let (lines, _) = wrap(Face::Bold, &word, 50.0, 400.0, 3);
        assert_eq!(lines.len(), 3);
        for line in &lines {
            assert!(text_width(Face::Bold, line, 50.0) <= 400.0, "{line}");
        }
    }

    #[test]
    fn fitting_prefers_the_largest_size() {
        let (lines, size) = fit(Face::Bold, "Short", &[60.0, 40.0], 600.0, 3);
        assert_eq!((lines.len(), size), (1, 60.0));
        let (_, size) = fit(
            Face::Bold,
            &"long words ".repeat(8),
            &[60.0, 40.0],
            600.0,
            3,
        );
        assert_eq!(size, 40.0);
    }
}
