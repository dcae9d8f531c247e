//! Liveness and readiness, for load balancers, the README's first check
//! and monitoring: `/health` says the process answers; `/ready` says it
//! can serve, its control data and every municipality's store reachable
//! (their schemas are brought up to date when they open, so an open store
//! is a migrated one).

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router, routing::get};
use serde::Serialize;

/// The health answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// "ok" for `/health`; "ready" or "not_ready" for `/ready`.
    pub status: &'static str,
}

/// Is the server up?
#[utoipa::path(get, path = "/health", responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Can the server serve: control data and every municipality's store
/// reachable? 503 when one is not (which one is logged, not told).
#[utoipa::path(get, path = "/ready", responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let reachable = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        for municipality in state.control.municipalities()? {
            let store = state.tenants.store(municipality)?;
            let store = store.get()?;
            store.current_rev()?;
        }
        Ok(())
    })
    .await;
    match reachable {
        Ok(Ok(())) => (StatusCode::OK, Json(Health { status: "ready" })),
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "not_ready",
                }),
            )
        }
        Err(error) => {
            tracing::warn!(%error, "readiness check panicked");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "not_ready",
                }),
            )
        }
    }
}

/// `GET /health`, `GET /ready`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
}
