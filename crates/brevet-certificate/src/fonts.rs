//! The embedded fonts (DejaVu, see `fonts/README.md`): characters to glyphs with a fallback
//! chain per style and a visible replacement mark for characters no font has, advance widths
//! for measuring, and the PDF side: each face used is subset to the glyphs the page shows and
//! written as a CID-keyed TrueType font (`Identity-H`) with a `ToUnicode` map, so text can be
//! searched and copied.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use crate::CertificateError;
use crate::deflate;

/// One of the embedded faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum FaceId {
    Sans,
    SansBold,
    SerifBold,
}

impl FaceId {
    const ALL: [FaceId; 3] = [FaceId::Sans, FaceId::SansBold, FaceId::SerifBold];

    fn index(self) -> usize {
        match self {
            FaceId::Sans => 0,
            FaceId::SansBold => 1,
            FaceId::SerifBold => 2,
        }
    }

    /// The font resource name in page content.
    pub(crate) fn resource_name(self) -> Name<'static> {
        match self {
            FaceId::Sans => Name(b"F0"),
            FaceId::SansBold => Name(b"F1"),
            FaceId::SerifBold => Name(b"F2"),
        }
    }
}

struct FontFile {
    postscript_name: &'static str,
    serif: bool,
    bold: bool,
    data: &'static [u8],
}

/// A `static` (not a `const`), so each file is in the binary once, whoever reads it.
static FILES: [FontFile; 3] = [
    FontFile {
        postscript_name: "DejaVuSans",
        serif: false,
        bold: false,
        data: include_bytes!("../fonts/DejaVuSans.ttf"),
    },
    FontFile {
        postscript_name: "DejaVuSans-Bold",
        serif: false,
        bold: true,
        data: include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
    },
    FontFile {
        postscript_name: "DejaVuSerif-Bold",
        serif: true,
        bold: true,
        data: include_bytes!("../fonts/DejaVuSerif-Bold.ttf"),
    },
];

/// The unmodified DejaVu Sans file, for Brevet's other renderers (the link-preview image of a
/// credential page draws its text with it).
pub fn dejavu_sans() -> &'static [u8] {
    FILES[0].data
}

/// The unmodified DejaVu Sans Bold file (see [`dejavu_sans`]).
pub fn dejavu_sans_bold() -> &'static [u8] {
    FILES[1].data
}

/// How a piece of text is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// Running text.
    Body,
    /// Bold sans-serif.
    Strong,
    /// Bold serif (the classic layout's headings).
    Heading,
}

impl Style {
    /// The faces tried in order for each character.
    fn chain(self) -> &'static [FaceId] {
        match self {
            Style::Body => &[FaceId::Sans],
            Style::Strong => &[FaceId::SansBold, FaceId::Sans],
            Style::Heading => &[FaceId::SerifBold, FaceId::SansBold, FaceId::Sans],
        }
    }
}

/// The character printed in place of one that no embedded font has.
pub(crate) const REPLACEMENT: char = '\u{FFFD}';

/// One positioned-to-be glyph: its face, its id in the full font, the character it shows
/// (for `ToUnicode`) and its advance at a font size of 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Glyph {
    pub face: FaceId,
    pub id: u16,
    pub character: char,
    pub advance: f32,
}

/// The parsed faces.
pub(crate) struct Fonts {
    faces: Vec<Face<'static>>,
}

impl Fonts {
    pub(crate) fn load() -> Result<Fonts, CertificateError> {
        let faces = FILES
            .iter()
            .map(|file| {
                Face::parse(file.data, 0).map_err(|error| {
                    CertificateError::Font(format!("{}: {error}", file.postscript_name))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Fonts { faces })
    }

    fn face(&self, id: FaceId) -> Option<&Face<'static>> {
        self.faces.get(id.index())
    }

    /// The glyph of `character` in `face`, if the face has one.
    fn glyph_in(&self, face_id: FaceId, character: char) -> Option<Glyph> {
        let face = self.face(face_id)?;
        let glyph = face.glyph_index(character).filter(|glyph| glyph.0 != 0)?;
        let advance = face.glyph_hor_advance(glyph).unwrap_or(0);
        Some(Glyph {
            face: face_id,
            id: glyph.0,
            character,
            advance: f32::from(advance) / f32::from(face.units_per_em().max(1)),
        })
    }

    /// The glyph for `character` in `style`: the first face of the chain that has it, else
    /// the replacement mark (or `.notdef` of the first face, if even that is missing).
    pub(crate) fn glyph(&self, character: char, style: Style) -> Glyph {
        let chain = style.chain();
        chain
            .iter()
            .find_map(|face| self.glyph_in(*face, character))
            .or_else(|| {
                chain
                    .iter()
                    .find_map(|face| self.glyph_in(*face, REPLACEMENT))
            })
            .unwrap_or(Glyph {
                face: chain.first().copied().unwrap_or(FaceId::Sans),
                id: 0,
                character: REPLACEMENT,
                advance: 0.5,
            })
    }

    /// The glyphs of `text` in logical order.
    pub(crate) fn glyphs(&self, text: &str, style: Style) -> Vec<Glyph> {
        text.chars()
            .map(|character| self.glyph(character, style))
            .collect()
    }

    /// Whether `character` prints as itself (some face of `style` has it).
    #[cfg(test)]
    pub(crate) fn covers(&self, character: char, style: Style) -> bool {
        style
            .chain()
            .iter()
            .any(|face| self.glyph_in(*face, character).is_some())
    }

    /// The cap height of `style`'s first face at size 1.
    pub(crate) fn cap_height(&self, style: Style) -> f32 {
        self.metric(style, |face| {
            face.capital_height().unwrap_or(face.ascender())
        })
    }

    fn metric(&self, style: Style, read: impl Fn(&Face<'static>) -> i16) -> f32 {
        let face = style.chain().first().and_then(|id| self.face(*id));
        face.map_or(0.75, |face| {
            f32::from(read(face)) / f32::from(face.units_per_em().max(1))
        })
    }
}

/// The glyphs a document uses, per face, renumbered for the subsets.
pub(crate) struct UsedGlyphs {
    faces: Vec<UsedFace>,
}

#[derive(Default)]
struct UsedFace {
    remapper: GlyphRemapper,
    /// New glyph id → the character it shows.
    characters: BTreeMap<u16, char>,
    used: bool,
}

impl UsedGlyphs {
    pub(crate) fn new() -> UsedGlyphs {
        UsedGlyphs {
            faces: FaceId::ALL.iter().map(|_| UsedFace::default()).collect(),
        }
    }

    /// Records `glyph` and returns the two bytes that show it in content (its id in the
    /// subset, big-endian, under `Identity-H`).
    pub(crate) fn encode(&mut self, glyph: &Glyph) -> [u8; 2] {
        let Some(used) = self.faces.get_mut(glyph.face.index()) else {
            return [0, 0];
        };
        used.used = true;
        let new_id = used.remapper.remap(glyph.id);
        used.characters.entry(new_id).or_insert(glyph.character);
        new_id.to_be_bytes()
    }

    /// The faces used, with the references their `Type0` fonts get; `next` hands out fresh
    /// object references.
    pub(crate) fn plan(&self, next: &mut impl FnMut() -> Ref) -> Vec<(FaceId, Ref)> {
        FaceId::ALL
            .iter()
            .filter(|face| self.faces.get(face.index()).is_some_and(|used| used.used))
            .map(|face| (*face, next()))
            .collect()
    }

    /// Writes the subset fonts of `plan` (see [`UsedGlyphs::plan`]).
    pub(crate) fn write(
        &self,
        fonts: &Fonts,
        pdf: &mut Pdf,
        plan: &[(FaceId, Ref)],
        next: &mut impl FnMut() -> Ref,
    ) -> Result<(), CertificateError> {
        for (face_id, type0_ref) in plan {
            let (Some(used), Some(face), Some(file)) = (
                self.faces.get(face_id.index()),
                fonts.face(*face_id),
                FILES.get(face_id.index()),
            ) else {
                continue;
            };
            write_font(pdf, face, file, used, *type0_ref, next)?;
        }
        Ok(())
    }
}

fn write_font(
    pdf: &mut Pdf,
    face: &Face<'static>,
    file: &FontFile,
    used: &UsedFace,
    type0_ref: Ref,
    next: &mut impl FnMut() -> Ref,
) -> Result<(), CertificateError> {
    let cid_ref = next();
    let descriptor_ref = next();
    let cmap_ref = next();
    let data_ref = next();

    let subset = subsetter::subset(file.data, 0, &used.remapper).map_err(|error| {
        CertificateError::Font(format!("{}: subsetting: {error}", file.postscript_name))
    })?;
    let base_font = format!(
        "{}+{}",
        subset_tag(used.remapper.remapped_gids()),
        file.postscript_name
    );
    let base_font = Name(base_font.as_bytes());
    let per_em = f32::from(face.units_per_em().max(1));
    let to_pdf = |value: f32| value * 1000.0 / per_em;

    pdf.type0_font(type0_ref)
        .base_font(base_font)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_ref)
        .to_unicode(cmap_ref);

    let widths: Vec<f32> = used
        .remapper
        .remapped_gids()
        .map(|old| to_pdf(f32::from(face.glyph_hor_advance(GlyphId(old)).unwrap_or(0))))
        .collect();
    let mut cid = pdf.cid_font(cid_ref);
    cid.subtype(CidFontType::Type2)
        .base_font(base_font)
        .system_info(system_info())
        .font_descriptor(descriptor_ref)
        .default_width(0.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid.widths().consecutive(0, widths);
    cid.finish();

    let bbox = face.global_bounding_box();
    let mut flags = FontFlags::NON_SYMBOLIC;
    if file.serif {
        flags |= FontFlags::SERIF;
    }
    pdf.font_descriptor(descriptor_ref)
        .name(base_font)
        .flags(flags)
        .bbox(Rect::new(
            to_pdf(f32::from(bbox.x_min)),
            to_pdf(f32::from(bbox.y_min)),
            to_pdf(f32::from(bbox.x_max)),
            to_pdf(f32::from(bbox.y_max)),
        ))
        .italic_angle(face.italic_angle())
        .ascent(to_pdf(f32::from(face.ascender())))
        .descent(to_pdf(f32::from(face.descender())))
        .cap_height(to_pdf(f32::from(
            face.capital_height().unwrap_or(face.ascender()),
        )))
        .stem_v(if file.bold { 140.0 } else { 80.0 })
        .font_file2(data_ref);

    let mut cmap = UnicodeCmap::new(Name(b"Brevet-UTF16"), system_info());
    for (new_id, character) in &used.characters {
        cmap.pair(*new_id, *character);
    }
    let cmap = deflate(&cmap.finish());
    pdf.cmap(cmap_ref, &cmap).filter(Filter::FlateDecode);

    let length = i32::try_from(subset.len())
        .map_err(|_| CertificateError::Font("the font subset is too large".into()))?;
    let compressed = deflate(&subset);
    pdf.stream(data_ref, &compressed)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), length);
    Ok(())
}

fn system_info() -> SystemInfo<'static> {
    SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    }
}

/// The six capital letters that prefix a subset font's name, derived from the glyphs kept
/// (FNV-1a), so different subsets get different names and the same subset the same name.
fn subset_tag(glyphs: impl Iterator<Item = u16>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for glyph in glyphs {
        for byte in glyph.to_be_bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|_| {
            let letter = b'A' + u8::try_from(hash % 26).unwrap_or(0);
            hash /= 26;
            char::from(letter)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn every_embedded_face_parses() {
        let fonts = Fonts::load().unwrap();
        for face in FaceId::ALL {
            assert!(fonts.face(face).is_some());
            assert!(fonts.glyph_in(face, 'A').is_some(), "{face:?}");
            assert!(fonts.glyph_in(face, REPLACEMENT).is_some(), "{face:?}");
        }
    }

    #[test]
    fn accents_and_other_scripts_have_glyphs() {
        let fonts = Fonts::load().unwrap();
        for character in "éèñøßŁőĞşțăđÆœ ΔήμητραЮлияשרהمريم".chars()
        {
            assert!(fonts.covers(character, Style::Body), "{character}");
            assert!(fonts.covers(character, Style::Heading), "{character}");
        }
    }

    #[test]
    fn missing_characters_print_a_replacement_mark() {
        let fonts = Fonts::load().unwrap();
        let glyph = fonts.glyph('李', Style::Strong);
        assert_eq!(glyph.character, REPLACEMENT);
        assert!(glyph.id != 0 && glyph.advance > 0.0);
    }

    #[test]
    fn the_heading_style_falls_back_to_sans_for_scripts_serif_lacks() {
        let fonts = Fonts::load().unwrap();
        assert_eq!(fonts.glyph('A', Style::Heading).face, FaceId::SerifBold);
        let hebrew = fonts.glyph('ש', Style::Heading);
        assert_ne!(hebrew.character, REPLACEMENT);
    }

    #[test]
    fn subset_tags_are_six_capitals_and_depend_on_the_glyphs() {
        let tag = subset_tag([0, 3, 39].into_iter());
        assert_eq!(tag.len(), 6);
        assert!(tag.bytes().all(|byte| byte.is_ascii_uppercase()));
        assert_ne!(tag, subset_tag([0, 3, 40].into_iter()));
    }
}
