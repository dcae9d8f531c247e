//! Office login.

use crate::AppState;
use crate::http::error::ApiError;
use crate::http::throttle::{ClientAddress, LoginError, log_in};
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::{Json, Router, routing::post};
use shared::api::{LoginRequest, LoginResponse};

/// Opens an office session.
#[utoipa::path(post, path = "/api/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = shared::protocol::ErrorBody),
        (status = 429, description = "too many attempts; see Retry-After", body = shared::protocol::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    from: ClientAddress,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Json<LoginResponse>, ApiError> {
    let Json(request) = body?;
    let session = log_in(&state, from, &request.email, request.password)
        .await
        .map_err(|e| match e {
            LoginError::Throttled(wait) => ApiError::TooManyAttempts(wait),
            other => ApiError::Internal(other.into()),
        })?;
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
