//! `POST /api/sync`: one round trip of the sync protocol, for an enrolled
//! device. The body is a postcard `SyncRequest` (see `shared::protocol`);
//! the work is `shared::sync::respond` on the device's municipality's store.
//!
//! A few exchanges are worked on at once ([`slots`]: twice the cores);
//! the others wait their turn without a thread, and one that waits longer
//! than [`WAIT_FOR_SLOT`] is told to come back (503, Retry-After). When a
//! thousand phones reconnect together, the server's memory is that of a
//! few exchanges, not a thousand (BENCHMARKS.md, "Reconnect storm").

use crate::AppState;
use crate::http::error::ApiError;
use crate::storage::control::Device;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Router, routing::post};
use shared::domain::AgentId;
use shared::policy::{Caller, NoticeRule, Scope};
use shared::protocol::{MAX_SYNC_REQUEST_BYTES, SYNC_CONTENT_TYPE, SyncRequest, WireError};
use shared::store::StoreError;
use shared::sync::{DocumentStore, ServerError, respond};

/// How long a request waits for a slot before it is told to come back.
const WAIT_FOR_SLOT: std::time::Duration = std::time::Duration::from_secs(20);

/// Sync exchanges worked on at once: twice the cores (a commit waits on
/// the disk while another exchange computes), at least two.
pub fn slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get() * 2)
}

/// The device as the policy sees it: its role, the agent id its records
/// carry, and its scope (a field phone's sectors; everything otherwise).
fn caller(
    state: &AppState,
    store: &(impl DocumentStore + ?Sized),
    device: &Device,
    notices: NoticeRule,
) -> Result<Caller, StoreError> {
    let agent = AgentId(device.id.0);
    let scope = if shared::policy::has_sector_scope(device.role) {
        let inputs = state.tenants.scopes().inputs(device.municipality, store)?;
        match inputs.scope_of(agent, device.whole_town) {
            // Just given the whole town: the town as an explicit scope, so
            // every building, visit log and sector it lacks is offered
            // whatever its cursor (`WHOLE_TOWN` in `control`).
            Scope::Everything if device.rescan => {
                let buildings = store
                    .doc_ids_of(shared::schema::DocKind::Building)?
                    .iter()
                    .filter_map(shared::schema::DocId::building_id)
                    .collect();
                inputs.whole_town(buildings)
            }
            scope => scope,
        }
    } else {
        Scope::Everything
    };
    Ok(Caller {
        role: device.role,
        agent,
        scope,
        notices,
    })
}

/// One sync round trip.
#[utoipa::path(post, path = "/api/sync",
    request_body(content = Vec<u8>, content_type = "application/vnd.palier.sync",
        description = "a postcard-encoded SyncRequest"),
    responses(
        (status = 200, content_type = "application/vnd.palier.sync", description = "a postcard-encoded SyncResponse"),
        (status = 400, body = shared::protocol::ErrorBody),
        (status = 401, body = shared::protocol::ErrorBody),
        (status = 413, body = shared::protocol::ErrorBody),
        (status = 415, body = shared::protocol::ErrorBody),
        (status = 426, body = shared::protocol::ErrorBody, description = "the device speaks an older protocol: update the app, it keeps what it holds")),
    security(("device_token" = [])))]
pub async fn sync(
    State(state): State<AppState>,
    device: Device,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type != SYNC_CONTENT_TYPE {
        return Err(ApiError::UnsupportedMediaType(SYNC_CONTENT_TYPE));
    }
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(MAX_SYNC_REQUEST_BYTES)
        } else {
            ApiError::InvalidBody("the body could not be read".into())
        }
    })?;
    let request = SyncRequest::decode(&body).map_err(|e| match e {
        WireError::Version { found } if found < shared::protocol::PROTOCOL_VERSION => {
            ApiError::UpdateRequired(found)
        }
        e => ApiError::InvalidBody(e.to_string()),
    })?;
    let rescan = device.rescan;
    let store = state.tenants.store(device.municipality)?;
    let peer = device.id.to_string();
    let unsynced = request.unsynced;
    let municipality = device.municipality;
    let state_inside = state.clone();
    // The notices this device's conversations and consents must name,
    // from when it reports it first held one (`api::notices`); what it
    // recorded before is taken without one.
    let notices = {
        let (control, now) = (state.control.clone(), state.clock.now());
        let (device_id, reported) = (device.id, request.notice_since);
        crate::http::auth::run_blocking(move || {
            control.notice_rule(municipality, device_id, reported, now)
        })
        .await?
    };
    let slot = tokio::time::timeout(WAIT_FOR_SLOT, state.sync_slots.clone().acquire_owned())
        .await
        .map_err(|_| ApiError::Busy)?
        .map_err(|_| ApiError::Busy)?;
    let mut response = tokio::task::spawn_blocking(move || {
        // Held by the work, not the request: a phone that hangs up does
        // not free the slot while its exchange still runs.
        let _slot = slot;
        let mut store = store.get()?;
        let caller = caller(&state_inside, &*store, &device, notices)?;
        Ok(respond(&mut *store, &peer, &caller, &request))
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?
    .map_err(|e: StoreError| ApiError::from(e))?
    .map_err(|e| match e {
        ServerError::TooManyMessages => ApiError::InvalidBody(e.to_string()),
        ServerError::Busy => ApiError::Busy,
        ServerError::Store(e) => e.into(),
    })?;
    if state.config.read_model == crate::config::Projection::Eager {
        match state.tenants.read_model(municipality) {
            Ok(model) => model.nudge(),
            Err(error) => tracing::error!(%error, "cannot open the read model"),
        }
    }
    let control = state.control.clone();
    let device_id = device.id;
    // The whole town offered and nothing left to send: the phone holds it.
    let rescanned = rescan && response.messages.is_empty() && !response.more;
    response.epoch = crate::http::auth::run_blocking(move || {
        if rescanned {
            control.rescan_over(device_id)?;
        }
        control.record_sync(device_id, unsynced)?;
        // A restored server has a new epoch: phones then resend what it
        // may lack and read again from the start.
        control.epoch(municipality)
    })
    .await?;
    let bytes = response
        .encode()
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(([(header::CONTENT_TYPE, SYNC_CONTENT_TYPE)], bytes).into_response())
}

/// `POST /api/sync`, with its body limit.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/sync", post(sync))
        .layer(DefaultBodyLimit::max(MAX_SYNC_REQUEST_BYTES))
}
