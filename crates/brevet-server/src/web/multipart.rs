//! Reading a `multipart/form-data` body into its fields by name (the verify page and the
//! wallet's import form both take pasted text, a file or a URL this way).

use std::collections::HashMap;

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;

use crate::state::AppState;

/// The bytes of each field of the form named in `wanted` (the last one wins when a name is
/// repeated); other fields are read and dropped. On failure, the status and words to show
/// (413 when the body passes the server's limit).
pub(crate) async fn named_fields(
    request: Request,
    state: &AppState,
    wanted: &[&str],
) -> Result<HashMap<String, Vec<u8>>, (StatusCode, String)> {
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|rejection| (rejection.status(), rejection.body_text()))?;
    let mut fields = HashMap::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|error| (error.status(), error.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|error| (error.status(), error.body_text()))?;
        if wanted.contains(&name.as_str()) {
            fields.insert(name, bytes.to_vec());
        }
    }
    Ok(fields)
}
