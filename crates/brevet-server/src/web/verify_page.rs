//! The public verify page: `GET /verify` shows a form (paste the JSON or a JWT, upload the file
//! or a baked PNG/SVG badge, or give the URL of a hosted Open Badges 2.0 assertion), `POST
//! /verify` (multipart/form-data, or url-encoded `credential` / `url` fields) recognises the
//! format (`App::recognise_and_verify`) and shows it with the report check by check. Nothing is
//! ever fetched because of the page's address: `?url=` and `?next=` are ignored (no remote fetch,
//! no redirect; WEB-02); only a URL the visitor submits in the form is fetched, through the
//! guarded client. Brevet's own issuers and status lists are read from the store.

use axum::Router;
use axum::extract::{FromRequest, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use brevet_app::AppError;
use brevet_app::import::{Carrier, CredentialFormat, ImportInput, RecognisedCredential};
use brevet_app::verification::unreadable_report;
use serde::Deserialize;
use serde_json::json;

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
/// The form field of a hosted assertion's URL.
const URL_FIELD: &str = "url";

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
    #[serde(default)]
    url: String,
}

/// What the visitor sent: the file if one was chosen, else the pasted text, else the URL.
enum Submitted {
    Input(Vec<u8>),
    Url(String),
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
            Ok(axum::Form(form)) => Ok(match non_empty(form.credential.into_bytes()) {
                Submitted::Nothing => url_or_nothing(&form.url),
                chosen => chosen,
            }),
            Err(rejection) => Err((rejection.status(), rejection.body_text())),
        }
    };
    let input = match submitted {
        Ok(Submitted::Input(input)) => ImportInput::Bytes(input),
        Ok(Submitted::Url(url)) => ImportInput::Url(url),
        Ok(Submitted::Nothing) => {
            return render_form(
                &state,
                StatusCode::BAD_REQUEST,
                Some(
                    "Paste the credential, choose its file or badge image, or give its URL, then press Verify.",
                ),
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
    let own_images = format!("{}/images/", state.app.config().base_url);
    let (display, report, format) = match state.app.recognise_and_verify(input).await {
        Ok(recognised) => {
            let display = display_of(&recognised, &own_images);
            let format = describe_format(&recognised);
            (display, recognised.report, Some(format))
        }
        Err(AppError::TooLarge(_)) => {
            return render_form(
                &state,
                StatusCode::PAYLOAD_TOO_LARGE,
                Some("That file is too large to be a credential."),
            );
        }
        Err(AppError::Internal(reason)) => {
            tracing::error!(%reason, "verify page");
            (
                CredentialDisplay::default(),
                unreadable_report("the credential could not be verified (internal error)"),
                None,
            )
        }
        Err(error) => (
            CredentialDisplay::default(),
            unreadable_report(&error.to_string()),
            None,
        ),
    };
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
            "format": format,
            "verdict": verdict_of(&report, None),
            "checks": check_rows(&report),
        }),
    )
}

/// What the page shows of the credential: read from the VC itself, or, for an Open Badges 2.0
/// assertion, from the display fields of its assertion, BadgeClass and issuer.
fn display_of(recognised: &RecognisedCredential, own_images: &str) -> CredentialDisplay {
    match recognised.format {
        CredentialFormat::OpenBadges2Hosted | CredentialFormat::OpenBadges2Signed => {
            let summary = &recognised.display;
            let shim = json!({
                "issuer": {"name": summary.issuer_name},
                "credentialSubject": {
                    "name": summary.recipient,
                    "achievement": {"name": summary.achievement_name},
                },
            });
            let mut display = CredentialDisplay::from_credential(&shim, own_images);
            display.valid_from = summary.issued.as_deref().map(date_as_written);
            display.valid_until = summary.expires.as_deref().map(date_as_written);
            display
        }
        _ => CredentialDisplay::from_credential(&recognised.credential, own_images),
    }
}

fn date_as_written(text: &str) -> crate::web::credential_page::display::DateDisplay {
    crate::web::credential_page::display::DateDisplay::as_written(text)
}

/// The format, and the image it came in if any ("Open Badges 2.0 (signed), baked in a PNG").
fn describe_format(recognised: &RecognisedCredential) -> String {
    let label = recognised.format.label();
    match recognised.carrier {
        Carrier::Png(version) => format!("{label}, baked in a PNG image ({version} carrier)"),
        Carrier::Svg(version) => format!("{label}, baked in an SVG image ({version} carrier)"),
        Carrier::Url => format!("{label}, fetched from its URL"),
        Carrier::Text => label.to_owned(),
    }
}

/// Reads the form's file (preferred when one was chosen) and text fields.
async fn read_multipart(
    request: Request,
    state: &AppState,
) -> Result<Submitted, (StatusCode, String)> {
    let mut fields =
        crate::web::multipart::named_fields(request, state, &[TEXT_FIELD, FILE_FIELD, URL_FIELD])
            .await?;
    let mut take = |name: &str| fields.remove(name).unwrap_or_default();
    let (text, file, url) = (take(TEXT_FIELD), take(FILE_FIELD), take(URL_FIELD));
    Ok(match non_empty(file) {
        Submitted::Nothing => match non_empty(text) {
            Submitted::Nothing => url_or_nothing(&String::from_utf8_lossy(&url)),
            chosen => chosen,
        },
        chosen => chosen,
    })
}

fn url_or_nothing(url: &str) -> Submitted {
    let url = url.trim();
    if url.is_empty() {
        Submitted::Nothing
    } else {
        Submitted::Url(url.to_owned())
    }
}

fn non_empty(input: Vec<u8>) -> Submitted {
    if input.iter().all(u8::is_ascii_whitespace) {
        Submitted::Nothing
    } else {
        Submitted::Input(input)
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
}
