//! The public verify page: `GET /verify` shows a form (paste the JSON or upload the file),
//! `POST /verify` (multipart/form-data, or a url-encoded `credential` field) runs the core
//! verifier and shows the report check by check. Nothing is ever fetched because of the page's
//! address: `?url=` and `?next=` are ignored (no remote fetch, no redirect; WEB-02). Brevet's own
//! issuers and status lists are read from the store; foreign ones go through the guarded client.

use axum::Router;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use brevet_app::verification::unreadable_report;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::state::AppState;
use crate::web::credential_page::display::CredentialDisplay;
use crate::web::credential_page::verdict::{check_rows, verdict_of};

pub const TEMPLATES: &[(&str, &str)] = &[
    ("verify.html", include_str!("../../templates/verify.html")),
    (
        "verify_result.html",
        include_str!("../../templates/verify_result.html"),
    ),
];

/// The form field of the pasted JSON.
const TEXT_FIELD: &str = "credential";
/// The form field of the uploaded file.
const FILE_FIELD: &str = "file";

pub fn routes() -> Router<AppState> {
    Router::new().route("/verify", get(form).post(submit))
}

/// `GET /verify`: the form. Query parameters (`url`, `next`, anything) are ignored.
async fn form(State(state): State<AppState>) -> Response {
    render_form(&state, StatusCode::OK, None)
}

fn render_form(state: &AppState, status: StatusCode, error: Option<&str>) -> Response {
    state.web.render_status(
        status,
        "verify.html",
        json!({ "title": "Verify a credential · Brevet", "error": error }),
    )
}

#[derive(Debug, Deserialize)]
struct PastedForm {
    #[serde(default)]
    credential: String,
}

/// What the visitor sent: the file if one was chosen, else the pasted text.
enum Submitted {
    Input(Vec<u8>),
    Nothing,
}

/// `POST /verify`: verifies the pasted or uploaded credential.
async fn submit(State(state): State<AppState>, request: Request) -> Response {
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));
    let submitted = if is_multipart {
        read_multipart(request, &state).await
    } else {
        match axum::Form::<PastedForm>::from_request(request, &state).await {
            Ok(axum::Form(form)) => Ok(non_empty(form.credential.into_bytes())),
            Err(rejection) => Err((rejection.status(), rejection.body_text())),
        }
    };
    let input = match submitted {
        Ok(Submitted::Input(input)) => input,
        Ok(Submitted::Nothing) => {
            return render_form(
                &state,
                StatusCode::BAD_REQUEST,
                Some("Paste the credential's JSON or choose its file, then press Verify."),
            );
        }
        Err((status, reason)) => {
            let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "That file is too large to be a credential.".to_owned()
            } else {
                format!("The form could not be read: {reason}")
            };
            let status = if status.is_client_error() {
                status
            } else {
                StatusCode::BAD_REQUEST
            };
            return render_form(&state, status, Some(&message));
        }
    };
    let (credential, report) = match std::str::from_utf8(&input)
        .map_err(|_| "the input is not UTF-8 text".to_owned())
        .and_then(|text| {
            brevet_core::json::parse_strict(text)
                .map_err(|error| format!("not acceptable JSON: {error}"))
        }) {
        Ok(value) => {
            let credential = unwrap_credential(value);
            let report = state.app.verify(&credential).await;
            (credential, report)
        }
        Err(reason) => (Value::Null, unreadable_report(&reason)),
    };
    let own_images = format!("{}/images/", state.app.config().base_url);
    let display = CredentialDisplay::from_credential(&credential, &own_images);
    let issuer_name = display
        .issuer
        .name
        .clone()
        .or_else(|| display.issuer.id.clone());
    state.web.render(
        "verify_result.html",
        json!({
            "title": "Verification result · Brevet",
            "credential": display,
            "issuer_name": issuer_name,
            "verdict": verdict_of(&report, None),
            "checks": check_rows(&report),
        }),
    )
}

/// Reads the form's file (preferred when one was chosen) and text fields.
async fn read_multipart(
    request: Request,
    state: &AppState,
) -> Result<Submitted, (StatusCode, String)> {
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|rejection| (rejection.status(), rejection.body_text()))?;
    let mut text = Vec::new();
    let mut file = Vec::new();
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
        match name.as_str() {
            TEXT_FIELD => text = bytes.to_vec(),
            FILE_FIELD => file = bytes.to_vec(),
            _ => {}
        }
    }
    Ok(match non_empty(file) {
        Submitted::Nothing => non_empty(text),
        chosen => chosen,
    })
}

fn non_empty(input: Vec<u8>) -> Submitted {
    if input.iter().all(u8::is_ascii_whitespace) {
        Submitted::Nothing
    } else {
        Submitted::Input(input)
    }
}

/// Accepts the credential itself or `{"verifiableCredential": …}` (as `POST /api/v1/verify`).
fn unwrap_credential(value: Value) -> Value {
    match value.get("verifiableCredential") {
        Some(inner) if value.get("@context").is_none() => inner.clone(),
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_input_is_nothing() {
        assert!(matches!(non_empty(b"  \n\t".to_vec()), Submitted::Nothing));
        assert!(matches!(non_empty(b"{}".to_vec()), Submitted::Input(_)));
    }

    #[test]
    fn a_wrapped_credential_is_unwrapped() {
        let inner = json!({"@context": ["x"], "id": "a"});
        assert_eq!(
            unwrap_credential(json!({"verifiableCredential": inner.clone()})),
            inner
        );
        let with_context = json!({"@context": ["x"], "verifiableCredential": 1});
        assert_eq!(unwrap_credential(with_context.clone()), with_context);
    }
}
