//! OpenID4VCI 1.0 endpoints of every organisation (issuer identifier `{base_url}/{slug}`):
//! Credential Issuer Metadata at `/.well-known/openid-credential-issuer/{slug}` and
//! Authorization Server Metadata at `/.well-known/oauth-authorization-server/{slug}` (the
//! well-known insertion rule; also at `/{slug}/.well-known/…`, where older wallets look), and
//! under `/oid4vci/{slug}/`: `offers/{code}` (the offer by reference), `token`, `nonce` and
//! `credential`. Errors are JSON `{error, error_description}` as OAuth and OpenID4VCI define them;
//! every answer that carries a secret or a nonce is `Cache-Control: no-store`.

use axum::Form;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use brevet_app::oid4vci::Oid4vciError;
use serde_json::{Value, json};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/.well-known/openid-credential-issuer/{*path}",
            get(issuer_metadata),
        )
        .route(
            "/{slug}/.well-known/openid-credential-issuer",
            get(issuer_metadata_appended),
        )
        .route(
            "/.well-known/oauth-authorization-server/{*path}",
            get(authorization_server_metadata),
        )
        .route(
            "/{slug}/.well-known/oauth-authorization-server",
            get(authorization_server_metadata_appended),
        )
        .route("/oid4vci/{slug}/offers/{code}", get(offer))
        .route("/oid4vci/{slug}/token", post(token))
        .route("/oid4vci/{slug}/nonce", post(nonce))
        .route("/oid4vci/{slug}/credential", post(credential))
}

fn json_answer(status: StatusCode, body: &Value, no_store: bool) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if no_store {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    } else {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        );
    }
    response
}

/// The HTTP answer of an OpenID4VCI refusal.
fn refusal(error: Oid4vciError) -> Response {
    match error {
        Oid4vciError::Request {
            status,
            error,
            description,
        } => json_answer(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            &json!({"error": error, "error_description": description}),
            true,
        ),
        Oid4vciError::InvalidToken(description) => {
            let mut response = json_answer(
                StatusCode::UNAUTHORIZED,
                &json!({"error": "invalid_token", "error_description": description}),
                true,
            );
            let challenge = format!(
                "Bearer error=\"invalid_token\", error_description=\"{}\"",
                description.replace(['"', '\\'], "'")
            );
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
            response
        }
        Oid4vciError::NotFound => json_answer(
            StatusCode::NOT_FOUND,
            &json!({"error": "not_found", "error_description": "no such issuer or offer"}),
            true,
        ),
        Oid4vciError::App(error) => {
            let status = crate::error::status_of(&error);
            if status.is_server_error() {
                tracing::error!(%error, "oid4vci");
            }
            json_answer(
                status,
                &json!({"error": "server_error", "error_description": "the request could not be completed"}),
                true,
            )
        }
    }
}

fn metadata_answer(result: Result<Value, Oid4vciError>) -> Response {
    match result {
        Ok(metadata) => json_answer(StatusCode::OK, &metadata, false),
        Err(error) => refusal(error),
    }
}

/// `GET /.well-known/openid-credential-issuer/{base path}/{slug}`.
async fn issuer_metadata(State(state): State<AppState>, Path(path): Path<String>) -> Response {
    let Some(slug) = state.app.slug_of_well_known_path(&path) else {
        return refusal(Oid4vciError::NotFound);
    };
    metadata_answer(state.app.credential_issuer_metadata(slug).await)
}

/// `GET /{slug}/.well-known/openid-credential-issuer`.
async fn issuer_metadata_appended(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Response {
    metadata_answer(state.app.credential_issuer_metadata(&slug).await)
}

/// `GET /.well-known/oauth-authorization-server/{base path}/{slug}`.
async fn authorization_server_metadata(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> Response {
    let Some(slug) = state.app.slug_of_well_known_path(&path) else {
        return refusal(Oid4vciError::NotFound);
    };
    metadata_answer(state.app.authorization_server_metadata(slug).await)
}

/// `GET /{slug}/.well-known/oauth-authorization-server`.
async fn authorization_server_metadata_appended(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Response {
    metadata_answer(state.app.authorization_server_metadata(&slug).await)
}

/// `GET /oid4vci/{slug}/offers/{code}`: the offer object, while its code is unused.
async fn offer(
    State(state): State<AppState>,
    Path((slug, code)): Path<(String, String)>,
) -> Response {
    match state.app.credential_offer_by_code(&slug, &code).await {
        Ok(offer) => json_answer(StatusCode::OK, &offer, true),
        Err(error) => refusal(error),
    }
}

/// `POST /oid4vci/{slug}/token` (form): the pre-authorized code grant.
async fn token(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let Ok(Form(pairs)) = form else {
        return refusal(Oid4vciError::bad(
            "invalid_request",
            "send the token request as application/x-www-form-urlencoded",
        ));
    };
    match state.app.oid4vci_token(&slug, &pairs).await {
        Ok(answer) => match serde_json::to_value(answer) {
            Ok(body) => json_answer(StatusCode::OK, &body, true),
            Err(error) => refusal(Oid4vciError::App(brevet_app::AppError::Internal(
                error.to_string(),
            ))),
        },
        Err(error) => refusal(error),
    }
}

/// `POST /oid4vci/{slug}/nonce`: a fresh `c_nonce`.
async fn nonce(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    match state.app.new_c_nonce(&slug).await {
        Ok(c_nonce) => json_answer(StatusCode::OK, &json!({"c_nonce": c_nonce}), true),
        Err(error) => refusal(error),
    }
}

/// `POST /oid4vci/{slug}/credential` (JSON, Bearer token): the wallet copy.
async fn credential(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    match state
        .app
        .oid4vci_credential(&slug, authorization, &body)
        .await
    {
        Ok(answer) => json_answer(StatusCode::OK, &answer, true),
        Err(error) => refusal(error),
    }
}
