//! Office login.

use crate::AppState;
use crate::auth::run_blocking;
use crate::error::ApiError;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::{Json, Router, routing::post};
use shared::api::{LoginRequest, LoginResponse};

/// Opens an office session.
#[utoipa::path(post, path = "/api/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = shared::protocol::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Json<LoginResponse>, ApiError> {
    let Json(request) = body?;
    let control = state.control.clone();
    let session = run_blocking(move || control.login(&request.email, &request.password)).await?;
    let (token, account) = session.ok_or(ApiError::Unauthorized("wrong e-mail or password"))?;
    Ok(Json(LoginResponse {
        token,
        role: account.role,
        municipality_id: account.municipality,
    }))
}

/// `POST /api/login`.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/login", post(login))
}
