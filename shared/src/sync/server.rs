//! The server's half of a sync: one request in, one response out.

use super::{decode_message, guarded};
use crate::protocol::{
    DocMessage, Erased, PROTOCOL_VERSION, Refusal, RefusalReason, SyncRequest, SyncResponse,
};
use crate::schema::{DocId, DocKind};
use crate::store::{Origin, Store, StoreError};
use automerge::{Automerge, sync, sync::SyncDoc};
use std::collections::BTreeSet;

/// Documents sent for one response at most, beyond the replies.
const PAGE_DOCUMENTS: usize = 400;
/// Bytes of messages sent in one response at most, beyond the replies.
const PAGE_BYTES: usize = 4 * 1024 * 1024;
/// Changed documents examined per store query while filling a page.
const SCAN_CHUNK: usize = 1000;

/// What the device on the other end may do, from its role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    /// May hold person documents (never a youth ambassador's device).
    pub personal_data: bool,
    /// May only read (an elected official's device).
    pub read_only: bool,
}

impl Access {
    fn may_hold(self, kind: DocKind) -> bool {
        self.personal_data || !kind.is_personal()
    }
}

/// The server could not answer; nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Answers one sync request from device `peer`, storing what it brings.
///
/// Everything the request brings is on disk before this returns, so a
/// response the device receives never acknowledges something the server
/// could lose.
pub fn respond(
    store: &mut Store,
    peer: &str,
    access: Access,
    request: &SyncRequest,
) -> Result<SyncResponse, ServerError> {
    let mut response = SyncResponse {
        version: PROTOCOL_VERSION,
        messages: Vec::new(),
        erased: Vec::new(),
        refused: Vec::new(),
        cursor: request.cursor,
        more: false,
    };
    let mut talked_about = BTreeSet::new();
    let mut updated: Vec<(DocId, Automerge)> = Vec::new();
    let mut states: Vec<(DocId, sync::State)> = Vec::new();

    for DocMessage { doc_id, message } in &request.messages {
        talked_about.insert(doc_id.clone());
        let refuse = |reason| Refusal {
            doc_id: doc_id.clone(),
            reason,
        };
        if !access.may_hold(doc_id.kind()) {
            response.refused.push(refuse(RefusalReason::NotPermitted));
            continue;
        }
        if store.is_erased(doc_id)? {
            talked_about.insert(doc_id.clone());
            continue;
        }
        let Some(message) = decode_message(message) else {
            response.refused.push(refuse(RefusalReason::Malformed));
            continue;
        };
        if access.read_only && !message.changes.is_empty() {
            response.refused.push(refuse(RefusalReason::ReadOnly));
            continue;
        }
        // A document sent twice in one request is worked on in order.
        let (mut doc, mut state) = match updated.iter().position(|(id, _)| id == doc_id) {
            Some(i) => {
                let (_, doc) = updated.swap_remove(i);
                let state = states
                    .iter()
                    .position(|(id, _)| id == doc_id)
                    .map(|j| states.swap_remove(j).1)
                    .unwrap_or_default();
                (doc, state)
            }
            None => (
                store.load(doc_id)?.unwrap_or_default(),
                store.sync_state(peer, doc_id)?.unwrap_or_default(),
            ),
        };
        let received = guarded(|| doc.receive_sync_message(&mut state, message));
        if received.is_none() {
            response.refused.push(refuse(RefusalReason::Malformed));
            continue;
        }
        if let Some(reply) = guarded(|| Ok(doc.generate_sync_message(&mut state))).flatten() {
            response.messages.push(DocMessage {
                doc_id: doc_id.clone(),
                message: reply.encode(),
            });
        }
        states.push((doc_id.clone(), state));
        updated.push((doc_id.clone(), doc));
    }

    store.save_all(updated.iter().map(|(id, doc)| (id, doc)), Origin::Remote)?;
    store.put_sync_states(peer, states.iter().map(|(id, state)| (id, state)))?;

    fill_page(
        store,
        peer,
        access,
        request.cursor,
        &talked_about,
        &mut response,
    )?;
    for doc_id in &talked_about {
        if let Some(tombstone) = store.tombstone(doc_id)? {
            response.erased.push(Erased {
                doc_id: tombstone.doc_id,
                erased_at: tombstone.erased_at,
            });
        }
    }
    for tombstone in store.tombstones_since(request.cursor)? {
        if access.may_hold(tombstone.doc_id.kind()) && !talked_about.contains(&tombstone.doc_id) {
            response.erased.push(Erased {
                doc_id: tombstone.doc_id,
                erased_at: tombstone.erased_at,
            });
        }
    }
    Ok(response)
}

/// Adds messages for documents written after `cursor` that this device does
/// not hold yet, and sets the response's cursor to the last revision the
/// page covers.
fn fill_page(
    store: &mut Store,
    peer: &str,
    access: Access,
    cursor: i64,
    talked_about: &BTreeSet<DocId>,
    response: &mut SyncResponse,
) -> Result<(), ServerError> {
    let current = store.current_rev()?;
    let mut scanned_to = cursor;
    let mut sent = 0;
    let mut bytes = 0;
    'scan: loop {
        let chunk = store.changed_since(scanned_to, SCAN_CHUNK)?;
        if chunk.is_empty() {
            break;
        }
        for changed in chunk {
            if sent >= PAGE_DOCUMENTS || bytes >= PAGE_BYTES {
                response.more = true;
                break 'scan;
            }
            scanned_to = changed.rev;
            if !access.may_hold(changed.doc_id.kind()) || talked_about.contains(&changed.doc_id) {
                continue;
            }
            let mut state = store.sync_state(peer, &changed.doc_id)?.unwrap_or_default();
            let mut shared = state.shared_heads.clone();
            shared.sort();
            if shared == changed.heads {
                continue; // the device already has exactly this
            }
            let Some(doc) = store.load(&changed.doc_id)? else {
                continue;
            };
            if let Some(message) = guarded(|| Ok(doc.generate_sync_message(&mut state))).flatten() {
                let message = message.encode();
                bytes += message.len();
                sent += 1;
                response.messages.push(DocMessage {
                    doc_id: changed.doc_id,
                    message,
                });
            }
        }
    }
    response.cursor = if response.more { scanned_to } else { current };
    Ok(())
}
