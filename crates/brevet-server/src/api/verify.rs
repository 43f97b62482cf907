//! `POST /api/v1/verify`: verify any credential, in any form it arrives in. Answers the report
//! `{verified, checks: [{check, outcome, detail}], format}` with 200 (the report is the result,
//! valid or not); unreadable input is a 400 problem, input that is no credential a 422.
//!
//! The body is, by its `Content-Type`:
//! - JSON (as before): a credential, `{"verifiableCredential": …}`, an Open Badges 2.0
//!   assertion, a JWT as a JSON string, or `{"url": "https://…"}` (a hosted Open Badges 2.0
//!   assertion, fetched through the guarded client);
//! - `image/png` or `image/svg+xml`: a baked badge (Open Badges 3.0 or 2.0);
//! - `application/jwt`, `application/vc+jwt` or `application/jws`: a compact JWS.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use brevet_app::AppError;
use brevet_app::import::{ImportInput, RecognisedCredential};
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;

pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let input = match media_type.as_str() {
        "image/png" | "image/svg+xml" | "application/jwt" | "application/vc+jwt"
        | "application/jws" => ImportInput::Bytes(body.to_vec()),
        _ => match json_input(&body)? {
            JsonBody::Input(input) => input,
            JsonBody::NotACredential(value) => {
                // As before: any other JSON gets the verifier's report (syntax failed).
                let report = state.app.verify(&value).await;
                return to_json(&report).map(Json);
            }
        },
    };
    let recognised = state
        .app
        .recognise_and_verify(input)
        .await
        .map_err(ApiError)?;
    Ok(Json(answer(&recognised)?))
}

enum JsonBody {
    Input(ImportInput),
    NotACredential(Value),
}

/// A JSON body: `{"url": …}`, a credential object or a JWT string; anything else is verified as
/// before (and fails `syntax`).
fn json_input(body: &[u8]) -> Result<JsonBody, ApiError> {
    let malformed = |message: String| ApiError(AppError::bad_request("MALFORMED_JSON", message));
    let text = std::str::from_utf8(body).map_err(|_| malformed("the body is not UTF-8".into()))?;
    let value = brevet_core::json::parse_strict(text)
        .map_err(|error| malformed(format!("the body is not acceptable JSON: {error}")))?;
    match &value {
        Value::Object(object) if object.contains_key("url") => {
            match (object.len(), object.get("url")) {
                (1, Some(Value::String(url))) => Ok(JsonBody::Input(ImportInput::Url(url.clone()))),
                _ => Err(ApiError(AppError::bad_request(
                    "BAD_REQUEST",
                    "a URL to verify is sent as {\"url\": \"https://…\"} and nothing else",
                ))),
            }
        }
        Value::Object(_) => Ok(JsonBody::Input(ImportInput::Bytes(body.to_vec()))),
        Value::String(token) if brevet_core::jose::looks_like_compact_jws(token) => {
            Ok(JsonBody::Input(ImportInput::Bytes(body.to_vec())))
        }
        _ => Ok(JsonBody::NotACredential(value)),
    }
}

fn to_json(report: &brevet_core::verify::VerificationReport) -> Result<Value, ApiError> {
    serde_json::to_value(report).map_err(|error| ApiError(AppError::Internal(error.to_string())))
}

/// The report with the format named.
fn answer(recognised: &RecognisedCredential) -> Result<Value, ApiError> {
    let mut answer = to_json(&recognised.report)?;
    if let Value::Object(object) = &mut answer {
        object.insert("format".to_owned(), Value::from(recognised.format.label()));
    }
    Ok(answer)
}
