//! The server's half of a sync: one request in, one response out.

use super::{decode_message, guarded};
use crate::domain::{BuildingId, CampaignId};
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

/// Which buildings a device receives: a field agent's phone holds its
/// sectors' buildings and their visit logs, not the whole town (less to
/// download, less on a lost phone); every other kind of document, and
/// everything for a device with no sector, is in scope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// The whole municipality.
    #[default]
    Everything,
    /// These buildings, in the campaigns given (to find their visit logs).
    Buildings {
        /// The buildings.
        buildings: BTreeSet<BuildingId>,
        /// The municipality's campaigns.
        campaigns: Vec<CampaignId>,
    },
}

impl Scope {
    /// Whether the device receives this document.
    pub fn includes(&self, doc_id: &DocId) -> bool {
        match (self, doc_id.building_id()) {
            (Scope::Buildings { buildings, .. }, Some(building)) => buildings.contains(&building),
            _ => true,
        }
    }

    /// The in-scope building documents and visit logs, whether or not they
    /// changed since the device's cursor: a building enters the scope when
    /// the office assigns a sector, long after it was last written.
    fn documents(&self) -> Vec<DocId> {
        match self {
            Scope::Everything => Vec::new(),
            Scope::Buildings {
                buildings,
                campaigns,
            } => buildings
                .iter()
                .flat_map(|b| {
                    std::iter::once(DocId::building(*b))
                        .chain(campaigns.iter().map(|c| DocId::visits(*c, *b)))
                })
                .collect(),
        }
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
    scope: &Scope,
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
        scope,
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

/// A page being filled: what it holds so far and its limits.
struct Page<'a> {
    peer: &'a str,
    talked_about: &'a BTreeSet<DocId>,
    included: BTreeSet<DocId>,
    sent: usize,
    bytes: usize,
}

impl Page<'_> {
    fn full(&self) -> bool {
        self.sent >= PAGE_DOCUMENTS || self.bytes >= PAGE_BYTES
    }

    /// Adds a message for `doc_id` unless the device already holds exactly
    /// `heads` of it (or it was handled above, or is already in the page).
    fn offer(
        &mut self,
        store: &Store,
        doc_id: &DocId,
        heads: &[automerge::ChangeHash],
        response: &mut SyncResponse,
    ) -> Result<(), ServerError> {
        if self.talked_about.contains(doc_id) || self.included.contains(doc_id) {
            return Ok(());
        }
        let mut state = store.sync_state(self.peer, doc_id)?.unwrap_or_default();
        let mut shared = state.shared_heads.clone();
        shared.sort();
        if shared == heads {
            return Ok(()); // the device already has exactly this
        }
        let Some(doc) = store.load(doc_id)? else {
            return Ok(());
        };
        if let Some(message) = guarded(|| Ok(doc.generate_sync_message(&mut state))).flatten() {
            let message = message.encode();
            self.bytes += message.len();
            self.sent += 1;
            self.included.insert(doc_id.clone());
            response.messages.push(DocMessage {
                doc_id: doc_id.clone(),
                message,
            });
        }
        Ok(())
    }
}

/// Adds messages for documents written after `cursor` that this device does
/// not hold yet, and sets the response's cursor to the last revision the
/// page covers; then, for a device with a scope, the in-scope documents it
/// does not hold yet whenever they were written.
fn fill_page(
    store: &mut Store,
    peer: &str,
    access: Access,
    scope: &Scope,
    cursor: i64,
    talked_about: &BTreeSet<DocId>,
    response: &mut SyncResponse,
) -> Result<(), ServerError> {
    let current = store.current_rev()?;
    let mut scanned_to = cursor;
    let mut page = Page {
        peer,
        talked_about,
        included: BTreeSet::new(),
        sent: 0,
        bytes: 0,
    };
    'scan: loop {
        let chunk = store.changed_since(scanned_to, SCAN_CHUNK)?;
        if chunk.is_empty() {
            break;
        }
        for changed in chunk {
            if page.full() {
                response.more = true;
                break 'scan;
            }
            scanned_to = changed.rev;
            if !access.may_hold(changed.doc_id.kind()) || !scope.includes(&changed.doc_id) {
                continue;
            }
            page.offer(store, &changed.doc_id, &changed.heads, response)?;
        }
    }
    response.cursor = if response.more { scanned_to } else { current };
    for doc_id in scope.documents() {
        let Some(mut heads) = store.heads(&doc_id)? else {
            continue;
        };
        if page.full() {
            response.more = true;
            break;
        }
        heads.sort();
        page.offer(store, &doc_id, &heads, response)?;
    }
    Ok(())
}
