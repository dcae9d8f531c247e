//! Erasure of a resident's personal data, on request.
//!
//! The person's document is deleted from the municipality's store (and its
//! bytes overwritten); the tombstone left behind holds only the random id,
//! and every device deletes its copy at its next sync.

use crate::AppState;
use crate::http::auth::Coordinator;
use crate::http::error::ApiError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Router, routing::post};
use shared::domain::PersonId;

/// Erases a person's data everywhere (coordinator only).
#[utoipa::path(post, path = "/api/persons/{person_id}/erase",
    params(("person_id" = String, Path, description = "the person")),
    responses((status = 204), (status = 404, body = shared::protocol::ErrorBody)))]
pub async fn erase(
    State(state): State<AppState>,
    Coordinator(account): Coordinator,
    Path(person_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let person: PersonId = person_id
        .parse()
        .map_err(|_| ApiError::NotFound("no such person"))?;
    let store = state.tenants.store(account.municipality)?;
    let control = state.control.clone();
    let municipality = account.municipality;
    let account_id = account.id.clone();
    let clock = state.clock.clone();
    let erased = tokio::task::spawn_blocking(move || {
        let mut store = store.get()?;
        let now = clock.now();
        // Journaled first: a restore replays it (`erasure::replay`).
        if store
            .heads(&shared::schema::DocId::person(person))?
            .is_some()
        {
            control.journal_erasures(
                municipality,
                &[crate::storage::control::JournalEntry {
                    target: shared::schema::DocId::person(person).to_string(),
                    visits: Vec::new(),
                    erased_at: now,
                }],
            )?;
        }
        // Only a person of the caller's municipality: another's id is
        // unknown here (404); erasing one again finishes a first try.
        let erased = crate::volunteers::erase(&mut *store, person, now)?;
        if erased != crate::volunteers::Erasure::Unknown {
            crate::journal::record(
                &control,
                municipality,
                &account_id,
                now,
                &crate::journal::Event::Erased {
                    persons: 1,
                    visits: 0,
                    follow_ups: 0,
                },
            )?;
        }
        anyhow::Ok(erased)
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))??;
    if erased == crate::volunteers::Erasure::Unknown {
        return Err(ApiError::NotFound("no such person"));
    }
    tracing::info!("person document erased");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/persons/{id}/erase`.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/persons/{person_id}/erase", post(erase))
}
