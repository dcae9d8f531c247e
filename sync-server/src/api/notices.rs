//! `GET /api/notices`: the information notices a phone shows at the door,
//! every version the municipality published, in every language. The phone
//! asks before each sync; from the first time it is handed one, what it
//! records must name a notice (`shared::policy::NoticeRule`).

use crate::AppState;
use crate::http::auth::run_blocking;
use crate::http::error::ApiError;
use crate::storage::control::Device;
use axum::extract::State;
use axum::{Json, Router, routing::get};
use shared::domain::Notice;

/// Every published version, oldest first (an empty list: none yet).
#[utoipa::path(get, path = "/api/notices",
    responses((status = 200, body = Vec<Notice>), (status = 401, body = shared::protocol::ErrorBody)),
    security(("device_token" = [])))]
pub async fn notices(
    State(state): State<AppState>,
    device: Device,
) -> Result<Json<Vec<Notice>>, ApiError> {
    let (control, now) = (state.control.clone(), state.clock.now());
    let notices = run_blocking(move || {
        let notices = control.notices(device.municipality)?;
        // Handed them now: held to them from now on.
        control.notice_rule(device.municipality, device.id, now)?;
        Ok(notices)
    })
    .await?;
    Ok(Json(notices))
}

/// `GET /api/notices`.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/notices", get(notices))
}
