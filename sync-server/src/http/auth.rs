//! Who is calling: a device (by its token) or an office account (by its
//! session), read from `Authorization: Bearer`. Handlers take one of these
//! as an argument, so an endpoint cannot forget to check.

use crate::AppState;
use crate::http::error::ApiError;
use crate::storage::control::{Account, Device};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use shared::api::Role;

fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthorized("missing bearer token"))
}

/// Runs a control database call on a blocking thread (argon2 and SQLite
/// must not stall the async workers).
pub async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::storage::control::ControlError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| {
            if e.is_contention() {
                // Too many at once: come back, as for a sync.
                ApiError::Busy
            } else {
                ApiError::Internal(e.into())
            }
        })
}

impl FromRequestParts<AppState> for Device {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)?.to_string();
        let control = state.control.clone();
        let (device, revoked) = run_blocking(move || {
            let device = control.device(&token)?;
            let revoked = device.is_none() && control.revoked(&token)?;
            Ok((device, revoked))
        })
        .await?;
        // A withdrawn phone is told so, and wipes what it holds; an
        // unknown token learns nothing.
        if revoked {
            return Err(ApiError::Revoked);
        }
        device.ok_or(ApiError::Unauthorized("unknown device token"))
    }
}

impl FromRequestParts<AppState> for Account {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)?.to_string();
        let control = state.control.clone();
        run_blocking(move || control.session(&token))
            .await?
            .ok_or(ApiError::Unauthorized("unknown or expired session"))
    }
}

/// An office account with the coordinator role.
pub struct Coordinator(pub Account);

impl FromRequestParts<AppState> for Coordinator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let account = Account::from_request_parts(parts, state).await?;
        if account.role == Role::Coordinator {
            Ok(Coordinator(account))
        } else {
            Err(ApiError::Forbidden("only a coordinator may do this"))
        }
    }
}
