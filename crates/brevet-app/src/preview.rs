//! The link-preview image of a credential (`og:image`): a 1200×630 PNG with the badge, the
//! achievement, the recipient's and the issuer's names, drawn by [`render`] from what the
//! signed credential says and the badge image this server stores (a badge hosted elsewhere is
//! never fetched). A credential's preview never changes (its JSON and its stored images are
//! immutable), so each is drawn once and kept in memory (up to [`MAX_CACHED_BYTES`]); drawing
//! runs on a blocking thread, one at a time, within the budget of [`svg_budget`].

mod layout;
pub mod render;
mod svg_budget;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use brevet_core::text::inert_line;
use brevet_store::credentials::CredentialRecord;
use brevet_store::{StoreError, images};

pub use render::{HEIGHT, PreviewText, WIDTH, render_preview};

use crate::images::ImageKind;
use crate::{App, AppError};

/// Changes whenever the drawing changes, so caches (ours and the readers') start afresh.
pub const PREVIEW_VERSION: u32 = 1;
/// The most bytes of PNG kept in memory.
pub const MAX_CACHED_BYTES: usize = 32 * 1024 * 1024;
/// How long a request waits for another preview to be drawn before giving up.
const WAIT_FOR_DRAWING: Duration = Duration::from_secs(10);

/// A preview, ready to serve.
#[derive(Debug, Clone)]
pub struct PreviewImage {
    pub png: Arc<Vec<u8>>,
    /// A strong validator: the preview of a credential changes only with [`PREVIEW_VERSION`].
    pub etag: String,
}

/// Drawn previews by public id, and the one-at-a-time drawing permit.
pub(crate) struct Previews {
    cache: Mutex<Cache>,
    drawing: tokio::sync::Semaphore,
}

#[derive(Default)]
struct Cache {
    entries: HashMap<String, Arc<Vec<u8>>>,
    bytes: usize,
}

impl Default for Previews {
    fn default() -> Self {
        Previews {
            cache: Mutex::new(Cache::default()),
            drawing: tokio::sync::Semaphore::new(1),
        }
    }
}

impl Previews {
    fn get(&self, public_id: &str) -> Option<Arc<Vec<u8>>> {
        self.cache
            .lock()
            .ok()
            .and_then(|cache| cache.entries.get(public_id).cloned())
    }

    fn keep(&self, public_id: &str, png: Arc<Vec<u8>>) {
        if let Ok(mut cache) = self.cache.lock() {
            if cache.bytes + png.len() > MAX_CACHED_BYTES {
                cache.entries.clear();
                cache.bytes = 0;
            }
            cache.bytes += png.len();
            if let Some(old) = cache.entries.insert(public_id.to_owned(), png) {
                cache.bytes -= old.len();
            }
        }
    }
}

impl App {
    /// The preview image of `record`, which the caller looked up under the same visibility
    /// rules as the credential's page.
    pub async fn credential_preview(
        &self,
        record: &CredentialRecord,
    ) -> Result<PreviewImage, AppError> {
        let etag = format!("\"preview-{PREVIEW_VERSION}-{}\"", record.id);
        let previews = &self.inner.previews;
        if let Some(png) = previews.get(&record.id) {
            return Ok(PreviewImage { png, etag });
        }
        let _permit = tokio::time::timeout(WAIT_FOR_DRAWING, previews.drawing.acquire())
            .await
            .map_err(|_| AppError::Unavailable("previews are being drawn; try again".into()))?
            .map_err(|_| AppError::Internal("the preview permit is closed".into()))?;
        if let Some(png) = previews.get(&record.id) {
            return Ok(PreviewImage { png, etag });
        }
        let facts = self.credential_facts(record);
        let badge = match facts.own_image_id(&self.own_images_prefix()) {
            Some(image_id) => self.stored_image(image_id).await?,
            None => None,
        };
        let base_url = &self.config().base_url;
        let text = PreviewText {
            achievement: facts
                .achievement_name
                .unwrap_or_else(|| inert_line(&record.achievement_name)),
            recipient: facts.recipient_name,
            issuer: facts
                .issuer_name
                .unwrap_or_else(|| "an unnamed issuer".to_owned()),
            site: base_url
                .split_once("://")
                .map_or(base_url.as_str(), |(_, site)| site)
                .to_owned(),
        };
        let png = tokio::task::spawn_blocking(move || {
            render_preview(
                &text,
                badge
                    .as_ref()
                    .map(|(kind, bytes)| (*kind, bytes.as_slice())),
            )
        })
        .await
        .map_err(|error| AppError::Internal(format!("drawing a preview: {error}")))?
        .map_err(|error| AppError::Internal(error.to_string()))?;
        let png = Arc::new(png);
        previews.keep(&record.id, png.clone());
        Ok(PreviewImage { png, etag })
    }

    /// A stored image and its format; `None` when there is no such image.
    async fn stored_image(&self, image_id: &str) -> Result<Option<(ImageKind, Vec<u8>)>, AppError> {
        let mut conn = self.store().read().await?;
        let image = match images::get(&mut conn, image_id).await {
            Ok(image) => image,
            Err(StoreError::NotFound) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        let kind = match image.content_type.as_str() {
            "image/png" => ImageKind::Png,
            "image/jpeg" => ImageKind::Jpeg,
            "image/svg+xml" => ImageKind::Svg,
            _ => return Ok(None),
        };
        Ok(Some((kind, image.bytes)))
    }
}
