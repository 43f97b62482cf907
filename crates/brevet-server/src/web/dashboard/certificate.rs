//! The certificate design on the settings page: every member sees the design and can open a
//! preview PDF in A4 or US Letter; owners choose the layout and the accent colour (a palette
//! colour, or a custom `#rrggbb` dark enough to read on white), saved through the profile use
//! case.

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Form, Router};
use brevet_app::AppError;
use brevet_app::certificates::{
    CertificateDesignPatch, CertificateDesignView, Layout, PALETTE, Paper,
};
use brevet_app::org_profile::OrgPatch;
use serde::Deserialize;
use serde_json::{Value, json};

use super::settings::settings_page;
use super::{OrPage, PageResult, bad_form, guard, principal, see_other};
use crate::state::AppState;
use crate::web::session::{Session, halt, no_store};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/settings/certificate", post(save_design))
        .route("/dashboard/settings/certificate/preview.pdf", get(preview))
}

/// What the settings page shows of the design.
pub fn design_context(design: &CertificateDesignView) -> Value {
    let palette_hit = PALETTE.iter().any(|(_, hex)| *hex == design.color);
    json!({
        "layout": design.layout,
        "color": design.color,
        "layouts": Layout::ALL.iter().map(|layout| json!({
            "value": layout.as_str(),
            "label": layout.describe(),
            "checked": layout.as_str() == design.layout,
        })).collect::<Vec<_>>(),
        "palette": PALETTE.iter().map(|(name, hex)| json!({
            "name": name,
            "hex": hex,
            "selected": *hex == design.color,
        })).collect::<Vec<_>>(),
        "custom": !palette_hit,
        "custom_value": if palette_hit { String::new() } else { design.color.clone() },
    })
}

/// The design form's fields: `color` is a palette colour or `custom`, in which case
/// `custom_color` is used.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DesignForm {
    pub csrf: String,
    pub layout: String,
    pub color: String,
    pub custom_color: String,
}

async fn save_design(
    State(state): State<AppState>,
    Session(session): Session,
    headers: HeaderMap,
    form: Result<Form<DesignForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    let principal = guard(&state, &headers, &session, &form.csrf)?;
    let color = if form.color == "custom" {
        form.custom_color.trim().to_owned()
    } else {
        form.color.trim().to_owned()
    };
    let patch = OrgPatch {
        certificate: Some(CertificateDesignPatch {
            layout: Some(form.layout.trim().to_owned()),
            color: Some(color),
        }),
        ..OrgPatch::default()
    };
    match state.app.update_org_profile(&principal, &patch).await {
        Ok(_) => Ok(see_other(
            "/dashboard/settings?done=saved#certificate-heading",
        )),
        Err(error @ AppError::Invalid { .. }) => {
            let status = crate::error::status_of(&error);
            halt(
                settings_page(
                    &state,
                    &session,
                    status,
                    None,
                    Some(error.to_string()),
                    None,
                )
                .await?,
            )
        }
        Err(error) => halt(super::error_page(&state, Some(&session), &error)),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PreviewQuery {
    paper: Option<String>,
}

/// `GET /dashboard/settings/certificate/preview.pdf?paper=a4|letter`: a sample certificate in
/// the organisation's current design.
async fn preview(
    State(state): State<AppState>,
    Session(session): Session,
    query: Result<Query<PreviewQuery>, QueryRejection>,
) -> PageResult {
    let principal = principal(&state, &session)?;
    let paper = match query {
        Ok(Query(PreviewQuery { paper: None })) => Ok(Paper::A4),
        Ok(Query(PreviewQuery { paper: Some(name) })) => Paper::parse(&name)
            .map_err(|_| AppError::bad_request("INVALID_PAPER", "paper must be a4 or letter")),
        Err(_) => Err(AppError::bad_request(
            "INVALID_PAPER",
            "paper must be a4 or letter",
        )),
    }
    .or_page(&state, &session)?;
    let pdf = state
        .app
        .certificate_preview(&principal, paper)
        .await
        .or_page(&state, &session)?;
    let mut response = (StatusCode::OK, pdf.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{}\"", pdf.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    no_store(&mut response);
    Ok(response)
}
