//! What an organisation chooses about its certificates, and the paper they print on: the
//! layout ([`Layout`]), the accent colour ([`Accent`], a palette colour or any hex colour dark
//! enough to read on white) and the paper size ([`Paper`], always landscape).

use std::fmt;

use crate::CertificateError;

/// The certificate layouts an organisation chooses from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Layout {
    /// Centred, a double frame in the accent colour, serif headings.
    #[default]
    Classic,
    /// A band of the accent colour on the left with the logo and image, text left-aligned.
    Modern,
    /// White space, a thin accent rule, small logo, text left-aligned.
    Minimal,
}

impl Layout {
    /// Every layout, in the order a settings page offers them.
    pub const ALL: [Layout; 3] = [Layout::Classic, Layout::Modern, Layout::Minimal];

    /// The stored and API name (`classic`, `modern`, `minimal`).
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Classic => "classic",
            Layout::Modern => "modern",
            Layout::Minimal => "minimal",
        }
    }

    /// A short description for a settings page.
    pub fn describe(self) -> &'static str {
        match self {
            Layout::Classic => "Classic: centred, double frame, serif headings",
            Layout::Modern => "Modern: coloured band on the left, text left-aligned",
            Layout::Minimal => "Minimal: white space and a thin coloured rule",
        }
    }

    /// The layout named `name` (exactly one of [`Layout::as_str`]).
    pub fn parse(name: &str) -> Result<Layout, CertificateError> {
        Layout::ALL
            .into_iter()
            .find(|layout| layout.as_str() == name)
            .ok_or_else(|| {
                CertificateError::Design(format!(
                    "layout must be one of classic, modern, minimal (got {:?})",
                    shorten(name)
                ))
            })
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The named accent colours a settings page offers; any other hex colour that passes
/// [`Accent::parse`] is accepted too.
pub const PALETTE: [(&str, &str); 6] = [
    ("Navy", "#1f3a5f"),
    ("Teal", "#0f766e"),
    ("Forest", "#166534"),
    ("Burgundy", "#7f1d1d"),
    ("Plum", "#6b21a8"),
    ("Graphite", "#334155"),
];

/// The smallest contrast ratio (WCAG 2) of an accent colour against white: headings and the
/// recipient's name are printed in it, and white text on it in the modern layout.
pub const MIN_CONTRAST: f32 = 4.5;

/// An accent colour: 8-bit sRGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Accent {
    pub red: u8,
    pub green: u8,
    pub blue: u8,
}

impl Default for Accent {
    fn default() -> Self {
        Accent {
            red: 0x1f,
            green: 0x3a,
            blue: 0x5f,
        }
    }
}

impl Accent {
    /// Parses `#rrggbb` (either case), refusing colours too light to read on white (contrast
    /// below [`MIN_CONTRAST`]).
    pub fn parse(text: &str) -> Result<Accent, CertificateError> {
        let invalid = || {
            CertificateError::Design(format!(
                "color must be a hex colour #rrggbb (got {:?})",
                shorten(text)
            ))
        };
        let hex = text.strip_prefix('#').ok_or_else(invalid)?;
        if hex.len() != 6 || !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Err(invalid());
        }
        let channel = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).map_err(|_| invalid());
        let accent = Accent {
            red: channel(0)?,
            green: channel(2)?,
            blue: channel(4)?,
        };
        let contrast = accent.contrast_with_white();
        if contrast < MIN_CONTRAST {
            return Err(CertificateError::Design(format!(
                "color {} is too light: its contrast with white is {contrast:.1}:1, at least {MIN_CONTRAST}:1 is needed for printed text",
                accent.to_hex()
            )));
        }
        Ok(accent)
    }

    /// `#rrggbb`, lower case.
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.red, self.green, self.blue)
    }

    /// The colour as PDF fill components (0 to 1).
    pub(crate) fn components(self) -> [f32; 3] {
        [self.red, self.green, self.blue].map(|channel| f32::from(channel) / 255.0)
    }

    /// A pale tint of the colour (mixed with `white_share` of white), for backgrounds.
    pub(crate) fn tint(self, white_share: f32) -> [f32; 3] {
        self.components()
            .map(|channel| channel * (1.0 - white_share) + white_share)
    }

    /// The WCAG 2 contrast ratio of this colour against white.
    pub fn contrast_with_white(self) -> f32 {
        let linear = |channel: u8| {
            let value = f32::from(channel) / 255.0;
            if value <= 0.039_28 {
                value / 12.92
            } else {
                ((value + 0.055) / 1.055).powf(2.4)
            }
        };
        let luminance =
            0.2126 * linear(self.red) + 0.7152 * linear(self.green) + 0.0722 * linear(self.blue);
        1.05 / (luminance + 0.05)
    }
}

impl fmt::Display for Accent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// An organisation's certificate design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Design {
    pub layout: Layout,
    pub accent: Accent,
}

/// The paper a certificate is printed on, landscape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Paper {
    /// ISO A4, 297 × 210 mm.
    #[default]
    A4,
    /// US Letter, 11 × 8.5 in.
    Letter,
}

impl Paper {
    /// The query-string name (`a4`, `letter`).
    pub fn as_str(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        }
    }

    /// The paper named `name` (`a4` or `letter`, either case).
    pub fn parse(name: &str) -> Result<Paper, CertificateError> {
        match name.to_ascii_lowercase().as_str() {
            "a4" => Ok(Paper::A4),
            "letter" => Ok(Paper::Letter),
            _ => Err(CertificateError::Design(format!(
                "paper must be a4 or letter (got {:?})",
                shorten(name)
            ))),
        }
    }

    /// Width and height in PDF points (1/72 in), landscape.
    pub fn size(self) -> (f32, f32) {
        match self {
            // 297 mm × 210 mm, rounded to the point as every PDF producer does.
            Paper::A4 => (842.0, 595.0),
            Paper::Letter => (792.0, 612.0),
        }
    }
}

/// At most 40 characters of user input for an error message.
fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn layouts_round_trip_by_name() {
        for layout in Layout::ALL {
            assert_eq!(Layout::parse(layout.as_str()).unwrap(), layout);
        }
        assert!(Layout::parse("Classic").is_err());
        assert!(Layout::parse("").is_err());
    }

    #[test]
    fn hex_colours_are_validated_and_normalised() {
        assert_eq!(Accent::parse("#1F3A5F").unwrap().to_hex(), "#1f3a5f");
        assert_eq!(Accent::parse("#000000").unwrap().to_hex(), "#000000");
        for bad in [
            "1f3a5f", "#1f3a5", "#1f3a5fa", "#gg0000", "", "#", "red", "#1f3a5f ",
        ] {
            assert!(Accent::parse(bad).is_err(), "{bad}");
        }
        let too_light = Accent::parse("#ffff00").unwrap_err().to_string();
        assert!(too_light.contains("too light"), "{too_light}");
        assert!(Accent::parse("#ffffff").is_err());
    }

    #[test]
    fn every_palette_colour_is_accepted() {
        for (name, hex) in PALETTE {
            assert_eq!(Accent::parse(hex).unwrap().to_hex(), hex, "{name}");
        }
        assert_eq!(Accent::default().to_hex(), PALETTE[0].1);
    }

    #[test]
    fn papers_are_landscape() {
        assert_eq!(Paper::parse("A4").unwrap().size(), (842.0, 595.0));
        assert_eq!(Paper::parse("letter").unwrap().size(), (792.0, 612.0));
        assert!(Paper::parse("legal").is_err());
        for paper in [Paper::A4, Paper::Letter] {
            let (width, height) = paper.size();
            assert!(width > height);
        }
    }
}
