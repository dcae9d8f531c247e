//! `GET /api/notices`: the information notice a phone shows at the door,
//! the version in force, in every language (earlier versions stay valid in
//! what phones record, and the answer stays small however many were
//! published). The phone asks before each sync; from the moment it holds
//! one (it reports when, `SyncRequest::notice_since`), what it records must
//! name a notice (`shared::policy::NoticeRule`).

use crate::AppState;
use crate::http::auth::run_blocking;
use crate::http::error::ApiError;
use crate::storage::control::Device;
use axum::extract::State;
use axum::{Json, Router, routing::get};
use shared::domain::Notice;

/// The version in force (an empty list: none yet).
#[utoipa::path(get, path = "/api/notices",
    responses((status = 200, body = Vec<Notice>), (status = 401, body = shared::protocol::ErrorBody)),
    security(("device_token" = [])))]
pub async fn notices(
    State(state): State<AppState>,
    device: Device,
) -> Result<Json<Vec<Notice>>, ApiError> {
    let control = state.control.clone();
    let notices = run_blocking(move || control.notices(device.municipality)).await?;
    Ok(Json(
        crate::notices::in_force(&notices)
            .cloned()
            .into_iter()
            .collect(),
    ))
}

/// `GET /api/notices`.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/notices", get(notices))
}
