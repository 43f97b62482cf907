//! Achievements: the list (archived ones on request), create and edit (name, type,
//! description, criteria, default validity, up to three skill alignments, an image upload), and
//! archive / restore. Every member sees them; issuers and owners change them.

use axum::extract::rejection::FormRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use brevet_app::AppError;
use brevet_app::achievements::{
    AchievementInput, AchievementPatch, AchievementView, AlignmentInput,
};
use brevet_app::sessions::SessionContext;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::credentials::url_segment;
use super::forms::{MultipartForm, read_multipart};
use super::{OrPage, PageResult, bad_form, guard, notice, principal, render, see_other, when};
use crate::state::AppState;
use crate::web::inert;
use crate::web::session::{Session, halt};

/// Alignment rows on the form.
const ALIGNMENT_ROWS: usize = 3;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/achievements", get(list))
        .route("/dashboard/achievements/new", get(new_page).post(create))
        .route(
            "/dashboard/achievements/{id}/edit",
            get(edit_page).post(update),
        )
        .route("/dashboard/achievements/{id}/archive", post(archive))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub archived: Option<String>,
    pub done: Option<String>,
}

fn row(view: &AchievementView) -> Value {
    json!({
        "id": view.id,
        "path_id": url_segment(&view.id),
        "name": inert(&view.name),
        "type": inert(&view.achievement_type),
        "description": inert(&view.description),
        "image": view.image.as_ref().map(|image| format!("/images/{}", url_segment(&image.id))),
        "archived": view.archived,
        "updated": when(view.updated_at),
    })
}

async fn list(
    State(state): State<AppState>,
    Session(session): Session,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let principal = principal(&state, &session)?;
    let include_archived = query.archived.as_deref() == Some("1");
    let rows: Vec<Value> = state
        .app
        .list_achievements(&principal, include_archived)
        .await
        .or_page(&state, &session)?
        .iter()
        .map(row)
        .collect();
    Ok(render(
        &state,
        &session,
        StatusCode::OK,
        "dashboard/achievements.html",
        "achievements",
        json!({
            "title": "Achievements",
            "rows": rows,
            "include_archived": include_archived,
            "notice": notice(query.done.as_deref()),
        }),
    ))
}

/// What the achievement form shows (the values as sent, on an error).
#[derive(Debug, Default, Serialize)]
struct FormValues {
    achievement_type: String,
    name: String,
    description: String,
    criteria: String,
    validity_days: String,
    alignments: Vec<AlignmentValues>,
    image: Option<String>,
}

#[derive(Debug, Default, Clone, Serialize)]
struct AlignmentValues {
    framework: String,
    code: String,
    name: String,
    url: String,
}

impl FormValues {
    fn with_rows(mut self) -> FormValues {
        self.alignments
            .resize(ALIGNMENT_ROWS, AlignmentValues::default());
        self
    }

    fn of_view(view: &AchievementView) -> FormValues {
        let text = |value: &Value, key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .map(inert)
                .unwrap_or_default()
        };
        FormValues {
            achievement_type: inert(&view.achievement_type),
            name: inert(&view.name),
            description: inert(&view.description),
            criteria: inert(&view.criteria),
            validity_days: view
                .validity_days
                .map(|days| days.to_string())
                .unwrap_or_default(),
            alignments: view
                .alignments
                .iter()
                .map(|alignment| AlignmentValues {
                    framework: text(alignment, "targetFramework"),
                    code: text(alignment, "targetCode"),
                    name: text(alignment, "targetName"),
                    url: text(alignment, "targetUrl"),
                })
                .collect(),
            image: view
                .image
                .as_ref()
                .map(|image| format!("/images/{}", url_segment(&image.id))),
        }
        .with_rows()
    }

    fn of_form(form: &MultipartForm) -> FormValues {
        FormValues {
            achievement_type: form.text("achievement_type").to_owned(),
            name: form.text("name").to_owned(),
            description: form.text("description").to_owned(),
            criteria: form.text("criteria").to_owned(),
            validity_days: form.text("validity_days").to_owned(),
            alignments: (0..ALIGNMENT_ROWS)
                .map(|i| AlignmentValues {
                    framework: form.text(&format!("alignment_{i}_framework")).to_owned(),
                    code: form.text(&format!("alignment_{i}_code")).to_owned(),
                    name: form.text(&format!("alignment_{i}_name")).to_owned(),
                    url: form.text(&format!("alignment_{i}_url")).to_owned(),
                })
                .collect(),
            image: None,
        }
    }
}

fn form_page(
    state: &AppState,
    session: &SessionContext,
    status: StatusCode,
    editing: Option<&str>,
    values: FormValues,
    error: Option<String>,
) -> Response {
    let types: Vec<&str> = brevet_core::model::ACHIEVEMENT_TYPE_NAMES.to_vec();
    render(
        state,
        session,
        status,
        "dashboard/achievement_form.html",
        "achievements",
        json!({
            "title": if editing.is_some() { "Edit the achievement" } else { "New achievement" },
            "action": match editing {
                Some(id) => format!("/dashboard/achievements/{}/edit", url_segment(id)),
                None => "/dashboard/achievements/new".to_owned(),
            },
            "editing": editing.is_some(),
            "types": types,
            "form": values,
            "error": error,
        }),
    )
}

async fn new_page(State(state): State<AppState>, Session(session): Session) -> Response {
    let values = FormValues {
        achievement_type: "Badge".to_owned(),
        ..FormValues::default()
    }
    .with_rows();
    form_page(&state, &session, StatusCode::OK, None, values, None)
}

fn trimmed(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|text| !text.is_empty())
}

fn validity_days(form: &MultipartForm) -> Result<Option<i64>, AppError> {
    match trimmed(form.text("validity_days")) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| {
            AppError::invalid(
                "INVALID_ACHIEVEMENT",
                "validity_days: must be a whole number of days",
            )
        }),
    }
}

fn alignments(form: &MultipartForm) -> Vec<AlignmentInput> {
    (0..ALIGNMENT_ROWS)
        .filter_map(|i| {
            let field = |part: &str| trimmed(form.text(&format!("alignment_{i}_{part}")));
            let alignment = AlignmentInput {
                target_framework: field("framework"),
                target_code: field("code"),
                target_name: field("name"),
                target_url: field("url"),
                ..AlignmentInput::default()
            };
            (alignment.target_framework.is_some()
                || alignment.target_code.is_some()
                || alignment.target_name.is_some()
                || alignment.target_url.is_some())
            .then_some(alignment)
        })
        .collect()
}

/// Checks an upload before anything is written (a bad image changes nothing).
fn check_upload(form: &MultipartForm) -> Result<(), AppError> {
    match &form.upload {
        Some(upload) => {
            brevet_app::images::check_image(upload.content_type.as_deref(), &upload.bytes)
                .map(|_| ())
        }
        None => Ok(()),
    }
}

/// Reads a multipart form and checks its CSRF token.
async fn read_checked(
    state: &AppState,
    headers: &HeaderMap,
    session: &SessionContext,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(brevet_app::Principal, MultipartForm), super::Halt> {
    let multipart = multipart.map_err(|_| bad_form(state, Some(session)))?;
    let form = read_multipart(multipart, "image")
        .await
        .or_page(state, session)?;
    let principal = guard(state, headers, session, form.text("csrf"))?;
    Ok((principal, form))
}

async fn create(
    State(state): State<AppState>,
    Session(session): Session,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let (principal, form) = read_checked(&state, &headers, &session, multipart).await?;
    principal.require_issuer().or_page(&state, &session)?;
    let outcome = async {
        check_upload(&form)?;
        let input = AchievementInput {
            achievement_type: trimmed(form.text("achievement_type")),
            name: Some(form.text("name").to_owned()),
            description: Some(form.text("description").to_owned()),
            criteria: Some(form.text("criteria").to_owned()),
            alignments: alignments(&form),
            validity_days: validity_days(&form)?,
        };
        let created = state.app.create_achievement(&principal, &input).await?;
        if let Some(upload) = &form.upload {
            state
                .app
                .set_achievement_image(
                    &principal,
                    &created.id,
                    upload.content_type.as_deref(),
                    &upload.bytes,
                )
                .await?;
        }
        Ok::<_, AppError>(created)
    }
    .await;
    match outcome {
        Ok(_) => Ok(see_other("/dashboard/achievements?done=created")),
        Err(error @ (AppError::Invalid { .. } | AppError::TooLarge(_))) => halt(form_page(
            &state,
            &session,
            crate::error::status_of(&error),
            None,
            FormValues::of_form(&form),
            Some(error.to_string()),
        )),
        Err(error) => halt(super::error_page(&state, Some(&session), &error)),
    }
}

async fn edit_page(
    State(state): State<AppState>,
    Session(session): Session,
    Path(id): Path<String>,
) -> PageResult {
    let principal = principal(&state, &session)?;
    let view = state
        .app
        .achievement(&principal, &id)
        .await
        .or_page(&state, &session)?;
    Ok(form_page(
        &state,
        &session,
        StatusCode::OK,
        Some(&view.id),
        FormValues::of_view(&view),
        None,
    ))
}

async fn update(
    State(state): State<AppState>,
    Session(session): Session,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let (principal, form) = read_checked(&state, &headers, &session, multipart).await?;
    principal.require_issuer().or_page(&state, &session)?;
    let outcome = async {
        check_upload(&form)?;
        let patch = AchievementPatch {
            achievement_type: Some(Some(form.text("achievement_type").to_owned())),
            name: Some(Some(form.text("name").to_owned())),
            description: Some(Some(form.text("description").to_owned())),
            criteria: Some(Some(form.text("criteria").to_owned())),
            alignments: Some(Some(alignments(&form))),
            validity_days: Some(validity_days(&form)?),
        };
        state
            .app
            .update_achievement(&principal, &id, &patch)
            .await?;
        if let Some(upload) = &form.upload {
            state
                .app
                .set_achievement_image(
                    &principal,
                    &id,
                    upload.content_type.as_deref(),
                    &upload.bytes,
                )
                .await?;
        } else if form.text("remove_image") == "1" {
            state.app.remove_achievement_image(&principal, &id).await?;
        }
        Ok::<_, AppError>(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(see_other("/dashboard/achievements?done=saved")),
        Err(error @ (AppError::Invalid { .. } | AppError::TooLarge(_))) => halt(form_page(
            &state,
            &session,
            crate::error::status_of(&error),
            Some(&id),
            FormValues::of_form(&form).with_rows(),
            Some(error.to_string()),
        )),
        Err(error) => halt(super::error_page(&state, Some(&session), &error)),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ArchiveForm {
    pub csrf: String,
    /// `1` archives, `0` restores.
    pub archived: String,
}

async fn archive(
    State(state): State<AppState>,
    Session(session): Session,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<ArchiveForm>, FormRejection>,
) -> PageResult {
    let Form(form) = form.map_err(|_| bad_form(&state, Some(&session)))?;
    let principal = guard(&state, &headers, &session, &form.csrf)?;
    let archived = form.archived != "0";
    state
        .app
        .set_achievement_archived(&principal, &id, archived)
        .await
        .or_page(&state, &session)?;
    Ok(see_other(if archived {
        "/dashboard/achievements?done=archived"
    } else {
        "/dashboard/achievements?archived=1&done=restored"
    }))
}
