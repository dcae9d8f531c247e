//! Liveness, for load balancers and the README's first check.

use crate::AppState;
use axum::{Json, Router, routing::get};
use serde::Serialize;

/// The health answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always "ok" when the server answers at all.
    pub status: &'static str,
}

/// Is the server up?
#[utoipa::path(get, path = "/health", responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// `GET /health`.
pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}
