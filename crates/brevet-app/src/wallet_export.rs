//! The wallet's download: one zip archive with every credential exactly as it was issued (or
//! imported), and `wallet.json`, which lists the wallet's addresses, its items (with their
//! visibility and the file that holds each) and its collections.

use std::io::{Cursor, Write};

use brevet_store::wallet::{self, SOURCE_ISSUED};
use brevet_store::{credentials, earners};
use serde_json::{Value, json};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::earners::EarnerSession;
use crate::{App, AppError, clock};

/// The `format` named in `wallet.json`.
pub const EXPORT_FORMAT: &str = "brevet-wallet-export/1";

const README: &str = "This archive holds everything your Brevet wallet kept.\n\n\
wallet.json        your addresses, your credentials (with whether each was shown publicly and\n\
                   the file that holds it) and your collections.\n\
credentials/       each credential issued to you, exactly as its issuer signed it. Any Open\n\
                   Badges 3.0 / Verifiable Credentials verifier can check these files.\n\
imported/          credentials you imported from elsewhere, as you gave them.\n";

fn archive_error(error: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("the wallet archive could not be written: {error}"))
}

/// The file extension of an imported payload of `format`.
fn extension_of(format: &str) -> &'static str {
    if format.ends_with("json") {
        "json"
    } else if format.ends_with("jwt") {
        "jwt"
    } else if format.ends_with("jws") {
        "jws"
    } else {
        "bin"
    }
}

impl App {
    /// The signed-in earner's wallet as a zip archive.
    pub async fn wallet_export(&self, session: &EarnerSession) -> Result<Vec<u8>, AppError> {
        let mut conn = self.store().read().await?;
        let emails: Vec<String> = earners::emails_of_earner(&mut conn, &session.earner_id)
            .await?
            .into_iter()
            .map(|email| email.email)
            .collect();
        let items = wallet::items_of_earner(&mut conn, &session.earner_id).await?;
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .unix_permissions(0o644);
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("README.txt", options)
            .map_err(archive_error)?;
        zip.write_all(README.as_bytes()).map_err(archive_error)?;
        let mut listed = Vec::with_capacity(items.len());
        for item in &items {
            let (file, bytes, page) = match (&item.credential_id, item.source.as_str()) {
                (Some(credential_id), SOURCE_ISSUED) => {
                    let record = credentials::get(&mut conn, credential_id).await?;
                    (
                        format!("credentials/{credential_id}.json"),
                        record.json.into_bytes(),
                        Some(self.credential_page_url(credential_id)),
                    )
                }
                _ => (
                    format!("imported/{}.{}", item.id, extension_of(&item.format)),
                    item.payload.clone().unwrap_or_default(),
                    None,
                ),
            };
            zip.start_file(file.as_str(), options)
                .map_err(archive_error)?;
            zip.write_all(&bytes).map_err(archive_error)?;
            listed.push(json!({
                "id": item.id,
                "source": item.source,
                "format": item.format,
                "file": file,
                "public_page": page,
                "hidden": item.hidden != 0,
                "dedupe_key": item.dedupe_key,
                "added_at": unix_stamp(item.added_at),
            }));
        }
        let mut collections = Vec::new();
        for collection in wallet::collections_of_earner(&mut conn, &session.earner_id).await? {
            let item_ids: Vec<String> = wallet::collection_items(&mut conn, &collection.id)
                .await?
                .into_iter()
                .map(|item| item.id)
                .collect();
            collections.push(json!({
                "id": collection.id,
                "name": collection.name,
                "url": self.collection_url(&collection.id),
                "items": item_ids,
                "created_at": unix_stamp(collection.created_at),
            }));
        }
        drop(conn);
        let manifest = json!({
            "format": EXPORT_FORMAT,
            "exported_at": clock::stamp(self.clock().now()),
            "emails": emails,
            "items": listed,
            "collections": collections,
        });
        let manifest = serde_json::to_vec_pretty(&manifest).map_err(archive_error)?;
        zip.start_file("wallet.json", options)
            .map_err(archive_error)?;
        zip.write_all(&manifest).map_err(archive_error)?;
        let cursor = zip.finish().map_err(archive_error)?;
        Ok(cursor.into_inner())
    }
}

fn unix_stamp(unix: i64) -> Value {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|at| json!(clock::stamp(at)))
        .unwrap_or(Value::Null)
}
