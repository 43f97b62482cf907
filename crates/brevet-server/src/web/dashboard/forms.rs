//! Reading the dashboard's `multipart/form-data` forms (the ones with an image upload): every
//! text field, and at most one file, with caps on sizes; nothing is acted on until the whole
//! form is read and its CSRF token checked.

use std::collections::HashMap;

use axum::extract::Multipart;
use brevet_app::AppError;

/// The largest text field accepted.
const MAX_TEXT_BYTES: usize = 64 * 1024;
/// The largest file read (the image rules then cap it at 1 MiB with a clear message).
const MAX_FILE_BYTES: usize = 1024 * 1024 + 1;
/// The most fields a form may have.
const MAX_FIELDS: usize = 64;

/// An uploaded file.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The `Content-Type` the browser declared for the part, if any.
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// A form read from a multipart body.
#[derive(Debug, Default)]
pub struct MultipartForm {
    fields: HashMap<String, String>,
    /// The file of the field named `file_field` when one was chosen (an empty file part, which
    /// browsers send when no file is chosen, is no upload).
    pub upload: Option<Upload>,
}

impl MultipartForm {
    /// A text field, or the empty string.
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

fn unreadable(detail: impl std::fmt::Display) -> AppError {
    AppError::bad_request(
        "INVALID_FORM",
        format!("the form could not be read: {detail}"),
    )
}

/// Reads every part of `multipart`; the part named `file_field` is the upload.
pub async fn read_multipart(
    mut multipart: Multipart,
    file_field: &str,
) -> Result<MultipartForm, AppError> {
    let mut form = MultipartForm::default();
    let mut count = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        count += 1;
        if count > MAX_FIELDS {
            return Err(unreadable("too many fields"));
        }
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = name == file_field;
        let limit = if is_file {
            MAX_FILE_BYTES
        } else {
            MAX_TEXT_BYTES
        };
        let content_type = field.content_type().map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            if bytes.len() + chunk.len() > limit {
                return Err(if is_file {
                    AppError::TooLarge("image: more than the 1 MiB accepted".to_owned())
                } else {
                    AppError::TooLarge(format!("the field {name:?} is too long"))
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file {
            if !bytes.is_empty() {
                form.upload = Some(Upload {
                    content_type,
                    bytes,
                });
            }
        } else {
            let text = String::from_utf8(bytes)
                .map_err(|_| unreadable(format!("the field {name:?} is not UTF-8")))?;
            form.fields.insert(name, text);
        }
    }
    Ok(form)
}
