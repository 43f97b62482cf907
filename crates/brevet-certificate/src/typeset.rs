//! Fitting text into a box: the largest size between a maximum and a minimum at which the text
//! wraps into the allowed lines, else the minimum size with the last line cut and marked with
//! an ellipsis. Words longer than a line are broken between characters. Lines are put in
//! visual order by reversing runs of right-to-left letters (a simplification of the Unicode
//! bidirectional algorithm, enough for a name or title written in one right-to-left script).

use crate::fonts::{Fonts, Glyph, Style};

/// A box to fit text in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub style: Style,
    /// The largest font size tried, in points.
    pub max_size: f32,
    /// The smallest; at this size the text is cut if it still does not fit.
    pub min_size: f32,
    /// The width of a line, in points.
    pub width: f32,
    pub max_lines: usize,
    /// Baseline-to-baseline distance as a multiple of the size.
    pub leading: f32,
    /// Down to this size the text is kept on one line before it may wrap (names and titles
    /// shrink before they break); `max_size` for running text.
    pub single_line_min: f32,
}

/// One line, its glyphs in visual order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Line {
    pub glyphs: Vec<Glyph>,
    /// The width at size 1.
    pub width: f32,
}

impl Line {
    fn from_glyphs(glyphs: Vec<Glyph>) -> Line {
        let width = glyphs.iter().map(|glyph| glyph.advance).sum();
        Line { glyphs, width }
    }
}

/// Text fitted into a [`Frame`].
#[derive(Debug, Clone)]
pub(crate) struct Block {
    pub style: Style,
    pub size: f32,
    pub lines: Vec<Line>,
    pub leading: f32,
}

impl Block {
    /// The height from the top of the first line's capitals to the last baseline.
    pub(crate) fn height(&self, fonts: &Fonts) -> f32 {
        if self.lines.is_empty() {
            return 0.0;
        }
        let extra_lines = self.lines.len().saturating_sub(1) as f32;
        fonts.cap_height(self.style) * self.size + extra_lines * self.size * self.leading
    }

    /// The widest line, in points.
    #[cfg(test)]
    pub(crate) fn width(&self) -> f32 {
        self.lines
            .iter()
            .map(|line| line.width * self.size)
            .fold(0.0, f32::max)
    }
}

/// Fits `text` (already [`crate::text::printable`]) into `frame`.
pub(crate) fn fit(fonts: &Fonts, text: &str, frame: Frame) -> Block {
    let glyphs = fonts.glyphs(text, frame.style);
    let max_lines = frame.max_lines.max(1);
    let single_line_min = frame.single_line_min.clamp(frame.min_size, frame.max_size);
    // First on one line, from the largest size down to `single_line_min`; then on up to
    // `max_lines` lines from there down to the smallest size.
    let passes = [
        (frame.max_size, single_line_min, 1),
        (single_line_min, frame.min_size, max_lines),
    ];
    for (largest, smallest, lines_allowed) in passes {
        let mut size = largest;
        loop {
            let lines = wrap(&glyphs, frame.width / size);
            if lines.len() <= lines_allowed {
                return block(frame, size, lines);
            }
            if size <= smallest {
                break;
            }
            size = (size - 0.5).max(smallest);
        }
    }
    let size = frame.min_size;
    let mut lines = wrap(&glyphs, frame.width / size);
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.pop() {
            lines.push(with_ellipsis(fonts, frame.style, last, frame.width / size));
        }
    }
    block(frame, size, lines)
}

fn block(frame: Frame, size: f32, lines: Vec<Line>) -> Block {
    Block {
        style: frame.style,
        size,
        lines: lines.into_iter().map(visual_order).collect(),
        leading: frame.leading,
    }
}

/// Greedy wrapping at spaces, breaking words wider than `max_width` (at size 1).
fn wrap(glyphs: &[Glyph], max_width: f32) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut current: Vec<Glyph> = Vec::new();
    let mut current_width = 0.0;
    for word in glyphs.split(|glyph| glyph.character == ' ') {
        if word.is_empty() {
            continue;
        }
        let word_width: f32 = word.iter().map(|glyph| glyph.advance).sum();
        let space = space_of(glyphs);
        let needed = if current.is_empty() {
            word_width
        } else {
            current_width + space.map_or(0.0, |space| space.advance) + word_width
        };
        if needed <= max_width {
            if !current.is_empty()
                && let Some(space) = space
            {
                current.push(space);
                current_width += space.advance;
            }
            current.extend_from_slice(word);
            current_width += word_width;
            continue;
        }
        if !current.is_empty() {
            lines.push(Line::from_glyphs(std::mem::take(&mut current)));
            current_width = 0.0;
        }
        if word_width <= max_width {
            current.extend_from_slice(word);
            current_width = word_width;
            continue;
        }
        // A word wider than a line: break it between characters.
        for glyph in word {
            if !current.is_empty() && current_width + glyph.advance > max_width {
                lines.push(Line::from_glyphs(std::mem::take(&mut current)));
                current_width = 0.0;
            }
            current.push(*glyph);
            current_width += glyph.advance;
        }
    }
    if !current.is_empty() {
        lines.push(Line::from_glyphs(current));
    }
    lines
}

fn space_of(glyphs: &[Glyph]) -> Option<Glyph> {
    glyphs.iter().find(|glyph| glyph.character == ' ').copied()
}

/// `line` shortened (at a space if one is near the end) so that it and an ellipsis fit in
/// `max_width` (at size 1).
fn with_ellipsis(fonts: &Fonts, style: Style, line: Line, max_width: f32) -> Line {
    let ellipsis = fonts.glyph('…', style);
    let mut glyphs = line.glyphs;
    let mut width = line.width;
    while !glyphs.is_empty() && width + ellipsis.advance > max_width {
        if let Some(glyph) = glyphs.pop() {
            width -= glyph.advance;
        }
    }
    while glyphs.last().is_some_and(|glyph| glyph.character == ' ') {
        glyphs.pop();
    }
    glyphs.push(ellipsis);
    Line::from_glyphs(glyphs)
}

/// Whether `character` is a letter of a right-to-left script.
fn is_rtl(character: char) -> bool {
    matches!(
        character,
        '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}'
    )
}

/// Whether `character` may sit inside a right-to-left run (spaces and punctuation between
/// right-to-left letters), as opposed to a letter or digit of a left-to-right context.
fn is_neutral(character: char) -> bool {
    !character.is_alphanumeric()
}

/// Reverses each maximal run that starts and ends with a right-to-left letter and holds only
/// right-to-left letters and neutral characters.
fn visual_order(line: Line) -> Line {
    let mut glyphs = line.glyphs;
    let mut at = 0;
    while at < glyphs.len() {
        if !glyphs.get(at).is_some_and(|glyph| is_rtl(glyph.character)) {
            at += 1;
            continue;
        }
        let start = at;
        let mut end = at + 1;
        let mut probe = at + 1;
        while let Some(glyph) = glyphs.get(probe) {
            if is_rtl(glyph.character) {
                end = probe + 1;
            } else if !is_neutral(glyph.character) {
                break;
            }
            probe += 1;
        }
        if let Some(run) = glyphs.get_mut(start..end) {
            run.reverse();
        }
        at = end;
    }
    Line {
        glyphs,
        width: line.width,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn text_of(line: &Line) -> String {
        line.glyphs.iter().map(|glyph| glyph.character).collect()
    }

    fn frame(width: f32, max_lines: usize) -> Frame {
        Frame {
            style: Style::Body,
            max_size: 20.0,
            min_size: 10.0,
            width,
            max_lines,
            leading: 1.2,
            single_line_min: 20.0,
        }
    }

    #[test]
    fn short_text_keeps_the_largest_size() {
        let fonts = Fonts::load().unwrap();
        let block = fit(&fonts, "Ada Lovelace", frame(500.0, 1));
        assert_eq!(block.size, 20.0);
        assert_eq!(block.lines.len(), 1);
        assert!(block.width() <= 500.0);
    }

    #[test]
    fn longer_text_shrinks_before_wrapping_is_cut() {
        let fonts = Fonts::load().unwrap();
        let block = fit(
            &fonts,
            "Ada Augusta King, Countess of Lovelace",
            frame(300.0, 1),
        );
        assert!(block.size < 20.0 && block.size >= 10.0, "{}", block.size);
        assert!(block.width() <= 300.0 + 0.01);
    }

    #[test]
    fn very_long_text_is_cut_with_an_ellipsis_within_the_frame() {
        let fonts = Fonts::load().unwrap();
        let name = "Wolfeschlegelsteinhausenbergerdorff ".repeat(60);
        let block = fit(&fonts, name.trim(), frame(300.0, 2));
        assert_eq!(block.size, 10.0);
        assert_eq!(block.lines.len(), 2);
        assert!(text_of(&block.lines[1]).ends_with('…'));
        for line in &block.lines {
            assert!(line.width * block.size <= 300.0 + 0.01);
        }
    }

    #[test]
    fn a_word_longer_than_a_line_is_broken() {
        let fonts = Fonts::load().unwrap();
        let block = fit(&fonts, &"W".repeat(400), frame(100.0, 3));
        assert_eq!(block.lines.len(), 3);
        for line in &block.lines {
            assert!(line.width * block.size <= 100.0 + 0.01);
        }
    }

    #[test]
    fn right_to_left_runs_are_reversed_in_place() {
        let fonts = Fonts::load().unwrap();
        let block = fit(&fonts, "Dr. שרה כהן, PhD", frame(800.0, 1));
        assert_eq!(text_of(&block.lines[0]), "Dr. ןהכ הרש, PhD");
    }

    #[test]
    fn empty_text_gives_no_lines() {
        let fonts = Fonts::load().unwrap();
        let block = fit(&fonts, "", frame(100.0, 2));
        assert!(block.lines.is_empty());
        assert_eq!(block.height(&fonts), 0.0);
    }
}
