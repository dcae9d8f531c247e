//! The sync engine: both halves of a sync, with no network in them.
//!
//! A device runs a [`ClientSession`]: it asks for the next request, a
//! transport of the caller's choosing carries it, and the response is handed
//! back; the session says when it is done. The server answers each request
//! with [`respond`]. Neither half opens a socket or sleeps, so the whole
//! protocol — drops, duplicates, replays, crashes between rounds — is tested
//! in-process (`tests/tests/sync_convergence.rs`), and the HTTP layer is a thin
//! shell around it.
//!
//! # How differences are found without a round trip per document
//!
//! Every write to a store takes the next value of one counter, the store's
//! revision. A device keeps the server revision it has fully caught up to,
//! its cursor. In each request the server lists documents written after that
//! cursor and skips any whose heads equal the heads it last shared with this
//! device (kept per device and document). The device sends messages only for
//! documents it edited since they were last confirmed (the store's
//! `unsynced` set). A sync where nothing changed is one request carrying a
//! cursor and one empty response, whatever the number of documents held.
//!
//! Documents that do differ then follow Automerge's own sync protocol, all
//! of them in the same round trips: a push or a pull settles in three.
//! Replaying a message is harmless (Automerge ignores changes it has), and an
//! interrupted sync resumes from the sync states and cursor saved after each
//! round, re-sending only what the other side still lacks.

pub mod bounds;
mod carry;
mod client;
mod server;
mod storage;

pub use client::{ClientError, ClientSession, NOTICE_SINCE_KEY, Progress, SyncReport};
pub use server::{MAX_DOCUMENT_BYTES, MAX_OPS_PER_REQUEST, ServerError, respond};
pub use storage::{DocumentStore, Records, SyncStore};

use automerge::sync;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Peer name under which a device keeps its sync states with the server.
pub const SERVER_PEER: &str = "server";

/// Runs one Automerge sync step, turning a panic inside Automerge (it has
/// `expect`s on paths a hostile peer might reach) into an error, so bad
/// bytes from the network never bring a process down.
fn guarded<T>(step: impl FnOnce() -> Result<T, automerge::AutomergeError>) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(step)) {
        Ok(Ok(value)) => Some(value),
        Ok(Err(_)) | Err(_) => None,
    }
}

/// The sync state to start from with a peer that has never been sent a
/// document (no state kept for it): as if the peer had said it holds
/// nothing, so the first message carries every change instead of only
/// heads, and a new document crosses in one round trip instead of three.
/// If the peer did hold some of it, it ignores the changes it has.
///
/// `compact`: the peer reads Automerge's version-2 messages (changes
/// compressed together, 6× smaller for a visit log). Phones do; the server
/// reads only version 1 from devices (see `bounds`), so a phone's first
/// push stays plain.
fn first_contact(compact: bool) -> sync::State {
    let mut state = sync::State::new();
    state.their_heads = Some(Vec::new());
    state.their_need = Some(Vec::new());
    state.their_have = Some(vec![sync::Have {
        last_sync: Vec::new(),
        bloom: sync::BloomFilter::default(),
    }]);
    if compact {
        state.their_capabilities = Some(vec![
            sync::Capability::MessageV1,
            sync::Capability::MessageV2,
        ]);
    }
    state
}

/// Decodes a sync message from the wire.
fn decode_message(bytes: &[u8]) -> Option<sync::Message> {
    catch_unwind(|| sync::Message::decode(bytes).ok())
        .ok()
        .flatten()
}
