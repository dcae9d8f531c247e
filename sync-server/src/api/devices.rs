//! Devices: enrolment codes made at the office, redeemed in the field;
//! the list of devices and revocation.

use crate::AppState;
use crate::http::auth::{Coordinator, run_blocking};
use crate::http::error::ApiError;
use crate::http::throttle::{ClientAddress, Key};
use crate::storage::control::RedeemError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Json, Router, routing::get, routing::post};
use shared::api::{DeviceInfo, EnrolRequest, EnrolResponse, EnrolmentCode, NewEnrolmentCode};
use shared::domain::DeviceId;

/// Makes a one-time enrolment code (coordinator only).
#[utoipa::path(post, path = "/api/enrolment-codes", request_body = NewEnrolmentCode,
    responses((status = 200, body = EnrolmentCode), (status = 403, body = shared::protocol::ErrorBody)))]
pub async fn new_code(
    State(state): State<AppState>,
    Coordinator(account): Coordinator,
    body: Result<Json<NewEnrolmentCode>, JsonRejection>,
) -> Result<Json<EnrolmentCode>, ApiError> {
    let Json(request) = body?;
    if request.role == shared::api::Role::DataProtectionOfficer {
        return Err(ApiError::InvalidBody(
            "no phone is enrolled for the data protection officer".into(),
        ));
    }
    let control = state.control.clone();
    let valid_ms = state.config.enrolment_minutes.saturating_mul(60_000);
    let (code, expires_at) = run_blocking(move || {
        control.new_enrolment_code(
            account.municipality,
            request.role,
            request.whole_town,
            valid_ms,
        )
    })
    .await?;
    Ok(Json(EnrolmentCode {
        code,
        expires_at,
        role: request.role,
    }))
}

/// Redeems a one-time code for a device token.
#[utoipa::path(post, path = "/api/enrol", request_body = EnrolRequest,
    responses((status = 200, body = EnrolResponse),
        (status = 401, description = "unknown code", body = shared::protocol::ErrorBody),
        (status = 409, description = "code already used", body = shared::protocol::ErrorBody),
        (status = 410, description = "code expired", body = shared::protocol::ErrorBody),
        (status = 429, description = "too many attempts; see Retry-After", body = shared::protocol::ErrorBody)))]
pub async fn enrol(
    State(state): State<AppState>,
    from: ClientAddress,
    body: Result<Json<EnrolRequest>, JsonRejection>,
) -> Result<Json<EnrolResponse>, ApiError> {
    let throttle = state.throttle.clone();
    run_blocking(move || throttle.attempt(&[Key::EnrolAddress(from.0)]))
        .await?
        .map_err(ApiError::TooManyAttempts)?;
    let Json(request) = body?;
    let control = state.control.clone();
    let outcome =
        tokio::task::spawn_blocking(move || control.redeem(&request.code, &request.device_name))
            .await
            .map_err(|e| ApiError::Internal(e.into()))?;
    let enrolled = match outcome {
        Ok(enrolled) => enrolled,
        Err(RedeemError::Unknown) => return Err(ApiError::Unauthorized("unknown enrolment code")),
        Err(RedeemError::Used) => return Err(ApiError::CodeUsed),
        Err(RedeemError::Expired) => return Err(ApiError::CodeExpired),
        Err(RedeemError::Control(e)) => return Err(ApiError::Internal(e.into())),
    };
    tracing::info!(device = %enrolled.device.id, role = enrolled.device.role.as_str(), "device enrolled");
    Ok(Json(EnrolResponse {
        device_id: enrolled.device.id,
        token: enrolled.token,
        municipality_id: enrolled.device.municipality,
        municipality_name: enrolled.municipality_name,
        role: enrolled.device.role,
    }))
}

/// The municipality's devices (coordinator only).
#[utoipa::path(get, path = "/api/devices", responses((status = 200, body = Vec<DeviceInfo>)))]
pub async fn list(
    State(state): State<AppState>,
    Coordinator(account): Coordinator,
) -> Result<Json<Vec<DeviceInfo>>, ApiError> {
    let control = state.control.clone();
    Ok(Json(
        run_blocking(move || control.devices(account.municipality)).await?,
    ))
}

/// Revokes a device's token (coordinator only).
#[utoipa::path(post, path = "/api/devices/{device_id}/revoke",
    params(("device_id" = String, Path, description = "the device")),
    responses((status = 204), (status = 404, body = shared::protocol::ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    Coordinator(account): Coordinator,
    Path(device_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let device: DeviceId = device_id
        .parse()
        .map_err(|_| ApiError::NotFound("no such device"))?;
    let control = state.control.clone();
    if run_blocking(move || control.revoke(account.municipality, device)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("no such device"))
    }
}

/// The device routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/enrolment-codes", post(new_code))
        .route("/api/enrol", post(enrol))
        .route("/api/devices", get(list))
        .route("/api/devices/{device_id}/revoke", post(revoke))
}
