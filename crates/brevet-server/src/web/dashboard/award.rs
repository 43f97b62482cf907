//! The award form: an achievement, a recipient (email and name, or a DID), optional evidence
//! (an https URL and a narrative) and an expiry date. The same form reissues a credential (it
//! carries `supersedes`; the old one is then revoked as "superseded"). Each rendering carries a
//! one-time idempotency key, so a form sent twice awards once.

use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Form, Router};
use brevet_app::AppError;
use brevet_app::issuance::{AwardRequest, EvidenceInput, Idempotency, Recipient};
use brevet_app::sessions::SessionContext;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::credentials::url_segment;
use super::{OrPage, PageResult, bad_form, error_page, guard, principal, render, see_other};
use crate::state::AppState;
use crate::web::inert;
use crate::web::session::{Session, halt};

pub fn routes() -> Router<AppState> {
    Router::new().route("/dashboard/award", get(award_page).post(award))
}

/// The award form's fields (also what it is filled with when shown again).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct AwardForm {
    pub csrf: String,
    pub idempotency_key: String,
    pub achievement_id: String,
    pub recipient_email: String,
    pub recipient_name: String,
    pub recipient_did: String,
    pub evidence_url: String,
    pub evidence_narrative: String,
    /// `YYYY-MM-DD`: the credential is valid until the end of that day (UTC).
    pub valid_until: String,
    /// The credential this award replaces (reissue).
    pub supersedes: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AwardQuery {
    pub achievement: Option<String>,
    /// Reissue this credential: the form is filled from it.
    pub reissue: Option<String>,
}

async fn form_page(
    state: &AppState,
    session: &SessionContext,
    status: StatusCode,
    mut form: AwardForm,
    error: Option<String>,
) -> PageResult {
    let principal = principal(state, session)?;
    let choices: Vec<Value> = state
        .app
        .list_achievements(&principal, false)
        .await
        .or_page(state, session)?
        .into_iter()
        .map(|choice| {
            json!({
                "id": choice.id,
                "name": inert(&choice.name),
                "type": inert(&choice.achievement_type),
            })
        })
        .collect();
    form.csrf = String::new();
    form.idempotency_key = brevet_app::ids::new_id();
    let reissue = !form.supersedes.is_empty();
    Ok(render(
        state,
        session,
        status,
        "dashboard/award.html",
        "award",
        json!({
            "title": if reissue { "Reissue a credential" } else { "Award a credential" },
            "reissue": reissue,
            "choices": choices,
            "form": form,
            "error": error,
        }),
    ))
}

async fn award_page(
    State(state): State<AppState>,
    Session(session): Session,
    Query(query): Query<AwardQuery>,
) -> PageResult {
    let mut form = AwardForm {
        achievement_id: query.achievement.unwrap_or_default(),
        ..AwardForm::default()
    };
    if let Some(old) = query.reissue.filter(|old| !old.is_empty()) {
        let principal = principal(&state, &session)?;
        let view = state
            .app
            .credential_view(&principal, &old)
            .await
            .or_page(&state, &session)?;
        form.achievement_id = view.achievement_id.unwrap_or_default();
        form.recipient_email = view.recipient.email.unwrap_or_default();
        form.recipient_name = view.recipient.name.unwrap_or_default();
        form.recipient_did = view.recipient.did.unwrap_or_default();
        form.supersedes = view.id;
    }
    form_page(&state, &session, StatusCode::OK, form, None).await
}

fn non_empty(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|text| !text.is_empty())
}

/// The award request a form asks for.
fn award_request(form: &AwardForm) -> Result<AwardRequest, AppError> {
    let valid_until = match non_empty(&form.valid_until) {
        Some(date) => {
            let well_formed = date.len() == 10
                && date.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            if !well_formed {
                return Err(AppError::invalid(
                    "INVALID_DATE",
                    "the expiry date must be a date (YYYY-MM-DD)",
                ));
            }
            Some(format!("{date}T23:59:59Z"))
        }
        None => None,
    };
    let evidence = match (
        non_empty(&form.evidence_url),
        non_empty(&form.evidence_narrative),
    ) {
        (None, None) => Vec::new(),
        (url, narrative) => vec![EvidenceInput {
            url,
            narrative,
            ..EvidenceInput::default()
        }],
    };
    Ok(AwardRequest {
        achievement_id: form.achievement_id.trim().to_owned(),
        recipient: Recipient {
            email: non_empty(&form.recipient_email),
            name: non_empty(&form.recipient_name),
            did: non_empty(&form.recipient_did),
        },
        evidence,
        results: Vec::new(),
        valid_from: None,
        valid_until,
        supersedes: non_empty(&form.supersedes),
    })
}

/// The idempotency key of a form: its one-time key, fingerprinted with what it asks for.
fn idempotency(form: &AwardForm) -> Option<Idempotency> {
    let key = non_empty(&form.idempotency_key)?;
    let mut hasher = Sha256::new();
    for field in [
        &form.achievement_id,
        &form.recipient_email,
        &form.recipient_name,
        &form.recipient_did,
        &form.evidence_url,
        &form.evidence_narrative,
        &form.valid_until,
        &form.supersedes,
    ] {
        hasher.update(field.trim().as_bytes());
        hasher.update([0]);
    }
    Some(Idempotency {
        key: format!("dashboard-award:{key}"),
        request_hash: brevet_app::ids::hex(&hasher.finalize()),
    })
}

async fn award(
    State(state): State<AppState>,
    Session(session): Session,
    headers: HeaderMap,
    form: Result<Form<AwardForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    let principal = guard(&state, &headers, &session, &form.csrf)?;
    let outcome = match award_request(&form) {
        Ok(request) => {
            state
                .app
                .award(&principal, &request, idempotency(&form).as_ref())
                .await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(response) => {
            let id = response.credential_id.or_else(|| {
                serde_json::from_str::<Value>(&response.body)
                    .ok()
                    .and_then(|body| body.get("id").and_then(Value::as_str).map(str::to_owned))
            });
            match id {
                Some(id) => Ok(see_other(&format!(
                    "/dashboard/credentials/{}?done=awarded",
                    url_segment(&id)
                ))),
                None => Ok(see_other("/dashboard/credentials")),
            }
        }
        Err(error @ (AppError::Invalid { .. } | AppError::BadRequest { .. })) => {
            let status = crate::error::status_of(&error);
            halt(form_page(&state, &session, status, form, Some(error.to_string())).await?)
        }
        Err(error) => halt(error_page(&state, Some(&session), &error)),
    }
}
