//! Assembling the PDF file: catalog, one page with its resources and link annotations, the
//! subset fonts, the images, the document information, and the credential attached as
//! `credential.json` (an embedded file stream under a file specification that is both in the
//! `EmbeddedFiles` name tree, where every viewer lists attachments, and the catalog's `/AF`
//! array with `AFRelationship /Data`, as PDF 2.0 and PDF/A-3 associate source data).

use pdf_writer::types::{ActionType, AnnotationFlags, AnnotationType, AssociationKind};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::canvas::Canvas;
use crate::layouts::Texts;
use crate::{ATTACHMENT_MEDIA_TYPE, ATTACHMENT_NAME, CertificateError, deflate, images};

/// Hands out consecutive object references.
struct Refs(i32);

impl Refs {
    fn bump(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

pub(crate) fn assemble(
    canvas: Canvas<'_>,
    texts: &Texts,
    credential: &[u8],
) -> Result<Vec<u8>, CertificateError> {
    let mut refs = Refs(0);
    let catalog_ref = refs.bump();
    let pages_ref = refs.bump();
    let page_ref = refs.bump();
    let content_ref = refs.bump();
    let info_ref = refs.bump();
    let file_spec_ref = refs.bump();
    let embedded_ref = refs.bump();
    let font_plan = canvas.glyphs.plan(&mut || refs.bump());
    let image_refs: Vec<Ref> = canvas.images.iter().map(|_| refs.bump()).collect();
    let link_refs: Vec<Ref> = canvas.links.iter().map(|_| refs.bump()).collect();

    let mut pdf = Pdf::new();
    let mut catalog = pdf.catalog(catalog_ref);
    catalog.pages(pages_ref);
    catalog.lang(TextStr("en"));
    catalog.viewer_preferences().display_doc_title(true);
    catalog
        .names()
        .embedded_files()
        .names()
        .insert(Str(ATTACHMENT_NAME.as_bytes()), file_spec_ref);
    catalog.insert(Name(b"AF")).array().item(file_spec_ref);
    catalog.finish();

    pdf.pages(pages_ref).kids([page_ref]).count(1);
    let mut page = pdf.page(page_ref);
    page.media_box(Rect::new(0.0, 0.0, canvas.width, canvas.height));
    page.parent(pages_ref);
    page.contents(content_ref);
    if !link_refs.is_empty() {
        page.annotations(link_refs.iter().copied());
    }
    let mut resources = page.resources();
    let mut fonts = resources.fonts();
    for (face, font_ref) in &font_plan {
        fonts.pair(face.resource_name(), *font_ref);
    }
    fonts.finish();
    let names: Vec<Vec<u8>> = (0..image_refs.len()).map(images::resource_name).collect();
    let mut x_objects = resources.x_objects();
    for (name, image_ref) in names.iter().zip(&image_refs) {
        x_objects.pair(images::name(name), *image_ref);
    }
    x_objects.finish();
    resources.finish();
    page.finish();

    for ((area, url), link_ref) in canvas.links.iter().zip(&link_refs) {
        let mut annotation = pdf.annotation(*link_ref);
        annotation.subtype(AnnotationType::Link);
        annotation.rect(*area);
        annotation.border(0.0, 0.0, 0.0, None);
        annotation.flags(AnnotationFlags::PRINT);
        annotation.contents(TextStr("Open the verification page"));
        annotation
            .action()
            .action_type(ActionType::Uri)
            .uri(Str(url.as_bytes()));
        annotation.finish();
    }

    let content = deflate(&canvas.content.finish());
    pdf.stream(content_ref, &content)
        .filter(Filter::FlateDecode);

    canvas
        .glyphs
        .write(canvas.fonts, &mut pdf, &font_plan, &mut || refs.bump())?;
    for (raster, image_ref) in canvas.images.iter().zip(&image_refs) {
        raster.write(&mut pdf, *image_ref, &mut || refs.bump());
    }

    let title = format!("{}: {}", texts.achievement, texts.recipient);
    let mut info = pdf.document_info(info_ref);
    info.title(TextStr(&title));
    info.author(TextStr(&texts.issuer));
    info.subject(TextStr(
        "Certificate of a verifiable credential (Open Badges 3.0)",
    ));
    info.creator(TextStr("Brevet"));
    info.producer(TextStr("Brevet (pdf-writer)"));
    info.finish();

    let mut file_spec = pdf.file_spec(file_spec_ref);
    file_spec.path(Str(ATTACHMENT_NAME.as_bytes()));
    file_spec.unic_file(TextStr(ATTACHMENT_NAME));
    file_spec.description(TextStr(
        "The signed credential, exactly as issued: verify it with any Open Badges 3.0 verifier",
    ));
    file_spec.embedded_file_with_unicode(embedded_ref);
    file_spec.association_kind(AssociationKind::Data);
    file_spec.finish();

    let size = i32::try_from(credential.len())
        .map_err(|_| CertificateError::TooLarge(credential.len()))?;
    let compressed = deflate(credential);
    let mut embedded = pdf.embedded_file(embedded_ref, &compressed);
    embedded.filter(Filter::FlateDecode);
    embedded.subtype(Name(ATTACHMENT_MEDIA_TYPE.as_bytes()));
    embedded.params().size(size);
    embedded.finish();

    Ok(pdf.finish())
}
