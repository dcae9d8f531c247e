//! The server's half of a sync: one request in, one response out.

use super::SyncStore;
use super::bounds::{self, OutOfBounds};
use super::{decode_message, guarded};
use crate::domain::{Campaign, CampaignId};
use crate::policy::{Caller, Reach, Refused, rights};
use crate::protocol::{
    DocMessage, Erased, MAX_MESSAGES_PER_REQUEST, PROTOCOL_VERSION, Refusal, RefusalReason,
    SyncRequest, SyncResponse,
};
use crate::schema::DocId;
use crate::store::{Committed, ExchangeWrite, StoreError};
use automerge::{Automerge, ReadDoc, sync, sync::SyncDoc};
use std::collections::{BTreeMap, BTreeSet};

/// Documents sent for one response at most, beyond the replies.
const PAGE_DOCUMENTS: usize = 400;
/// Bytes of messages sent in one response at most, replies included.
const PAGE_BYTES: usize = 4 * 1024 * 1024;
/// Changed documents examined per store query while filling a page.
const SCAN_CHUNK: usize = 1000;
/// The most operations one request may bring, all documents together.
pub const MAX_OPS_PER_REQUEST: u64 = 100_000;
/// The largest a device may make a document: beyond it, every phone that
/// later holds the document would download it.
pub const MAX_DOCUMENT_BYTES: u64 = 2 * 1024 * 1024;
/// The most heads a device's write may leave a document with (one per
/// concurrent writer since the last merge). Past 256 every phone's next
/// message about it would be refused (`bounds::MAX_HEADS`).
pub const MAX_MERGED_HEADS: usize = 32;

/// The server could not answer; nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The request carried more messages than one request may.
    #[error("a request may carry at most {MAX_MESSAGES_PER_REQUEST} messages")]
    TooManyMessages,
    /// Other writers kept changing the documents this request writes, on
    /// every attempt: the device should try again a little later.
    #[error("the documents of this request kept changing; try again")]
    Busy,
}

/// Times a request is worked out again when another writer changed one of
/// its documents first (see [`SyncStore::commit_exchange`]).
const ATTEMPTS: u32 = 12;

impl From<OutOfBounds> for RefusalReason {
    fn from(error: OutOfBounds) -> Self {
        match error {
            OutOfBounds::Malformed | OutOfBounds::Version | OutOfBounds::ChunkKind => {
                RefusalReason::Malformed
            }
            OutOfBounds::Summary | OutOfBounds::TooMuch => RefusalReason::OverLimit,
        }
    }
}

impl From<Refused> for RefusalReason {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::NotPermitted => RefusalReason::NotPermitted,
            Refused::OutOfScope => RefusalReason::OutOfScope,
            Refused::Unreadable => RefusalReason::Unreadable,
            Refused::Attribution => RefusalReason::Attribution,
            Refused::OutOfSet => RefusalReason::OutOfSet,
            Refused::NoNotice => RefusalReason::NoNotice,
        }
    }
}

/// One document being worked on in this request.
struct Work {
    doc: Automerge,
    state: sync::State,
    /// Whether the store holds it (or will, once this request is saved).
    stored: bool,
    /// Its stored heads when loaded (`None`: not held then).
    base: Option<Vec<automerge::ChangeHash>>,
    /// Whether this request merged something into it.
    wrote: bool,
    /// Its stored size plus what this request added to it, read on the
    /// first write (most messages write nothing).
    size: Option<u64>,
    /// A document the device may add its own records to but not read
    /// (see [`Caller::may_deposit`]): its sync state is never kept.
    deposit: bool,
}

/// Why one message was not taken.
enum Taken {
    Refused(RefusalReason),
    Store(StoreError),
}

impl From<StoreError> for Taken {
    fn from(error: StoreError) -> Self {
        Taken::Store(error)
    }
}

impl<T: Into<RefusalReason>> From<T> for Taken {
    fn from(reason: T) -> Self {
        Taken::Refused(reason.into())
    }
}

/// The messages of one request, worked through in order.
struct Exchange<'a, S: ?Sized> {
    store: &'a S,
    peer: &'a str,
    caller: &'a Caller,
    work: BTreeMap<DocId, Work>,
    named: std::collections::BTreeSet<DocId>,
    ops_budget: u64,
    reply_bytes: usize,
    /// Campaigns read for the content checks, once per request.
    campaigns: std::cell::RefCell<BTreeMap<CampaignId, Option<Campaign>>>,
}

impl<S: SyncStore + ?Sized> Exchange<'_, S> {
    /// Takes one document's message: bounds, policy, merge, content checks,
    /// and the reply to send, if any.
    fn take(&mut self, doc_id: &DocId, bytes: &[u8]) -> Result<Option<Vec<u8>>, Taken> {
        let caller = self.caller;
        // A device names a document once per request; twice is only a way
        // to make the server work twice.
        if !self.named.insert(doc_id.clone()) {
            return Err(RefusalReason::Malformed.into());
        }
        let kind_rights = rights(caller.role, doc_id.kind());
        if kind_rights.receive == Reach::None && kind_rights.create == Reach::None {
            return Err(RefusalReason::NotPermitted.into());
        }
        // Out of scope, refused before anything is loaded.
        let deposit = caller.may_deposit(doc_id);
        let scoped = [kind_rights.receive, kind_rights.create, kind_rights.modify]
            .iter()
            .all(|r| matches!(r, Reach::InScope | Reach::None));
        if scoped && !deposit && !caller.scope.includes(doc_id) {
            return Err(RefusalReason::OutOfScope.into());
        }
        if self.store.is_erased(doc_id)? {
            return Ok(None); // the tombstone goes back with the response
        }
        // A visit log's generation exists only once the one before it was
        // erased (`schema`, "Generations"): no second live log per building.
        if let Some(previous) = doc_id.previous_generation()
            && !self.store.is_erased(&previous)?
        {
            return Err(RefusalReason::Malformed.into());
        }
        let checked = bounds::check(bytes)?;
        let message = decode_message(bytes).ok_or(RefusalReason::Malformed)?;
        let writes = !message.changes.is_empty();
        if writes && caller.role.is_read_only() {
            return Err(RefusalReason::ReadOnly.into());
        }
        if !writes
            && !deposit
            && message.need.is_empty()
            && !self.work.contains_key(doc_id)
            && match kind_rights.receive {
                Reach::All => true,
                Reach::InScope => {
                    caller.scope.includes(doc_id) && !caller.receive_needs_content(doc_id.kind())
                }
                Reach::Own | Reach::None => false,
            }
            && let Some(stored) = self.store.heads(doc_id)?
        {
            let mut theirs = message.heads.clone();
            theirs.sort();
            if theirs == stored {
                return Ok(Some(self.settled(doc_id, stored)));
            }
        }
        if !self.work.contains_key(doc_id) {
            let doc = self.store.load(doc_id)?;
            let state = if deposit {
                sync::State::new()
            } else {
                self.store
                    .sync_state(self.peer, doc_id)?
                    .unwrap_or_default()
            };
            let work = Work {
                stored: doc.is_some(),
                base: doc.as_ref().map(|d| d.get_heads()),
                wrote: false,
                size: None,
                doc: doc.unwrap_or_default(),
                state,
                deposit,
            };
            self.work.insert(doc_id.clone(), work);
        }
        let Some(current) = self.work.get_mut(doc_id) else {
            return Ok(None);
        };
        let before = current.stored.then_some(&current.doc);
        if writes {
            if !current.deposit {
                caller.may_write(doc_id, before)?;
            }
            let size = match current.size {
                Some(size) => size,
                None => *current
                    .size
                    .insert(self.store.stored_size(doc_id)?.unwrap_or(0)),
            };
            if checked.ops > self.ops_budget
                || size + checked.change_bytes as u64 > MAX_DOCUMENT_BYTES
            {
                return Err(RefusalReason::OverLimit.into());
            }
        } else if !current.deposit {
            // Talking about a document (heads, what it has) needs the right
            // to receive it, or to create it when the server holds none.
            let may_talk = caller.may_receive(doc_id, || before.cloned())
                || (before.is_none() && caller.may_write(doc_id, None).is_ok());
            if !may_talk {
                return Err(if caller.scope.includes(doc_id) {
                    Refused::NotPermitted
                } else {
                    Refused::OutOfScope
                }
                .into());
            }
        }
        let their_heads = message.heads.clone();
        let mut doc = current.doc.clone();
        let mut state = current.state.clone();
        let heads = doc.get_heads();
        // What the merge changes is logged as it is applied, so the content
        // checks read only that.
        let mut log = automerge::PatchLog::new(writes);
        guarded(|| doc.receive_sync_message_log_patches(&mut state, message, &mut log))
            .ok_or(RefusalReason::Malformed)?;
        let merged_heads = doc.get_heads();
        if merged_heads != heads {
            if merged_heads.len() > MAX_MERGED_HEADS && merged_heads.len() > heads.len() {
                return Err(RefusalReason::OverLimit.into());
            }
            let before = current.stored.then_some(&current.doc);
            // Reading a hostile merge must not take the request down.
            let store = self.store;
            let cache = &self.campaigns;
            let campaigns = |id: CampaignId| -> Option<Campaign> {
                cache
                    .borrow_mut()
                    .entry(id)
                    .or_insert_with(|| {
                        let doc = store.load(&DocId::campaign(id)).ok().flatten()?;
                        crate::schema::read::<Campaign>(&doc).ok()
                    })
                    .clone()
            };
            let checked_write = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let patches = doc.make_patches(&mut log);
                crate::policy::check_write(caller, doc_id, before, &doc, Some(&patches), &campaigns)
            }))
            .unwrap_or(Err(Refused::Unreadable));
            checked_write?;
            current.stored = true;
            current.wrote = true;
            current.size = current.size.map(|size| size + checked.change_bytes as u64);
            self.ops_budget -= checked.ops;
        }
        let reply = if current.deposit {
            Some(deposit_reply(&doc, their_heads))
        } else if !current.stored || caller.may_receive(doc_id, || Some(doc.clone())) {
            // What the device may not receive never leaves in a reply; a
            // document the server does not hold reveals nothing.
            if self.reply_bytes < PAGE_BYTES {
                guarded(|| Ok(doc.generate_sync_message(&mut state))).flatten()
            } else {
                None // the device asks again next round
            }
        } else {
            None
        };
        current.doc = doc;
        current.state = state;
        Ok(reply.map(|mut reply| {
            // A device is never told we read version 2 messages, so it keeps
            // sending plain changes (see `bounds`).
            reply.flags = None;
            let reply = reply.encode();
            self.reply_bytes += reply.len();
            reply
        }))
    }
}

impl<S: SyncStore + ?Sized> Exchange<'_, S> {
    /// The device holds exactly what is stored (its heads are the stored
    /// heads, it needs nothing): the exchange is settled without loading
    /// the document. The sync state records the shared heads, and the
    /// reply says so, so the device stops talking about it. This is most
    /// messages of a first sync (a phone acknowledging what it received)
    /// and of a phone's push once the server has merged it.
    fn settled(&mut self, doc_id: &DocId, heads: Vec<automerge::ChangeHash>) -> Vec<u8> {
        let mut state = sync::State::new();
        state.shared_heads = heads.clone();
        self.work.insert(
            doc_id.clone(),
            Work {
                doc: Automerge::new(),
                state,
                stored: true,
                base: Some(heads.clone()),
                wrote: false,
                size: None,
                deposit: false,
            },
        );
        let reply = holding(heads, sync::ChunkList::empty()).encode();
        self.reply_bytes += reply.len();
        reply
    }
}

/// A message saying "I hold exactly `heads`" (and nothing beyond them to
/// ask for), carrying `changes`: the settled reply, or a document sent
/// whole as its stored bytes.
fn holding(heads: Vec<automerge::ChangeHash>, changes: sync::ChunkList) -> sync::Message {
    sync::Message {
        heads: heads.clone(),
        need: Vec::new(),
        have: vec![sync::Have {
            last_sync: heads,
            bloom: sync::BloomFilter::default(),
        }],
        changes,
        flags: None,
        version: sync::MessageVersion::V1,
    }
}

/// The reply about a document a device may add to but not read: once the
/// server holds everything the device has, it says it has exactly that
/// (the device is settled); until then it says it has nothing (the device
/// sends all its changes). Nothing of anyone else's leaves.
fn deposit_reply(doc: &Automerge, their_heads: Vec<automerge::ChangeHash>) -> sync::Message {
    let holds_theirs = their_heads
        .iter()
        .all(|h| doc.get_change_by_hash(h).is_some());
    let (heads, have) = if holds_theirs {
        (their_heads, Vec::new())
    } else {
        (
            Vec::new(),
            vec![sync::Have {
                last_sync: Vec::new(),
                bloom: sync::BloomFilter::default(),
            }],
        )
    };
    sync::Message {
        heads,
        need: Vec::new(),
        have,
        changes: sync::ChunkList::empty(),
        flags: None,
        version: sync::MessageVersion::V1,
    }
}

/// Answers one sync request from device `peer`, storing what it brings.
///
/// Every message is checked before Automerge sees it ([`bounds::check`]),
/// every write against the policy and, after the merge, the content
/// checks ([`crate::policy::check_write`]); a refused message stores
/// nothing. The work is linear in the request's size. Everything the
/// request brings is on disk before this returns, so a response the device
/// receives never acknowledges something the server could lose.
///
/// No lock is held while the request is worked out: requests of one
/// municipality run side by side, and their writes are committed only if
/// the documents they read are still as they were; otherwise the request
/// is worked out again on what is stored now (at most [`ATTEMPTS`] times,
/// a random wait between tries),
/// so every check always judges the document that the write extends.
pub fn respond<S: SyncStore + ?Sized>(
    store: &mut S,
    peer: &str,
    caller: &Caller,
    request: &SyncRequest,
) -> Result<SyncResponse, ServerError> {
    if request.messages.len() > MAX_MESSAGES_PER_REQUEST {
        return Err(ServerError::TooManyMessages);
    }
    for tried in 0..ATTEMPTS {
        if let Some(response) = attempt(store, peer, caller, request)? {
            return Ok(response);
        }
        back_off(tried);
    }
    Err(ServerError::Busy)
}

/// Waits a random time that doubles with each try (up to 256 ms), so
/// requests that keep writing the same documents (a team that worked the
/// same stairwell, syncing together) stop colliding. Only the server
/// answers requests; a phone never gets here.
fn back_off(tried: u32) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let cap_ms = 1u64 << tried.min(8);
        let jitter = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::from(d.subsec_nanos()));
        std::thread::sleep(std::time::Duration::from_millis(1 + jitter % cap_ms));
    }
    #[cfg(target_arch = "wasm32")]
    let _ = tried;
}

/// One try at answering a request; `None` if a document it writes moved
/// under it (nothing was written).
fn attempt<S: SyncStore + ?Sized>(
    store: &mut S,
    peer: &str,
    caller: &Caller,
    request: &SyncRequest,
) -> Result<Option<SyncResponse>, ServerError> {
    // The revision this answer is as of. Every document this request
    // replies about is loaded after it, so holds at least what was
    // committed up to it; what other writers commit later (higher
    // revisions) is left for the device's next request, so its cursor
    // never passes a write it has not been offered.
    let horizon = store.current_rev()?;
    let mut response = SyncResponse {
        version: PROTOCOL_VERSION,
        messages: Vec::new(),
        erased: Vec::new(),
        refused: Vec::new(),
        cursor: request.cursor,
        more: false,
        // Set by the caller, which knows the municipality's epoch.
        epoch: String::new(),
    };
    let mut talked_about = BTreeSet::new();
    let mut exchange = Exchange {
        store,
        peer,
        caller,
        work: BTreeMap::new(),
        named: BTreeSet::new(),
        ops_budget: MAX_OPS_PER_REQUEST,
        reply_bytes: 0,
        campaigns: Default::default(),
    };
    let asked: Vec<&DocId> = request.messages.iter().map(|m| &m.doc_id).collect();
    store.prefetch(peer, &asked)?;
    for DocMessage { doc_id, message } in &request.messages {
        talked_about.insert(doc_id.clone());
        match exchange.take(doc_id, message) {
            Ok(Some(reply)) => response.messages.push(DocMessage {
                doc_id: doc_id.clone(),
                message: reply,
            }),
            Ok(None) => {}
            Err(Taken::Refused(reason)) => response.refused.push(Refusal {
                doc_id: doc_id.clone(),
                reason,
            }),
            Err(Taken::Store(error)) => return Err(error.into()),
        }
    }
    let Exchange {
        work, reply_bytes, ..
    } = exchange;

    let writes: Vec<ExchangeWrite<'_>> = work
        .iter()
        .filter(|(_, w)| w.wrote)
        .map(|(doc_id, w)| ExchangeWrite {
            doc_id,
            doc: &w.doc,
            base: w.base.as_deref(),
        })
        .collect();
    let states: Vec<(&DocId, &sync::State)> = work
        .iter()
        .filter(|(_, w)| !w.deposit)
        .map(|(id, w)| (id, &w.state))
        .collect();
    if let Committed::Moved(_) = store.commit_exchange(&writes, peer, &states)? {
        return Ok(None);
    }

    fill_page(
        &*store,
        peer,
        caller,
        (request.cursor, horizon),
        &talked_about,
        reply_bytes,
        &mut response,
    )?;
    store.prefetch(peer, &talked_about.iter().collect::<Vec<_>>())?;
    for doc_id in &talked_about {
        if let Some(tombstone) = store.tombstone(doc_id)? {
            response.erased.push(erased(&*store, caller, tombstone)?);
        }
    }
    // Up to the horizon, as the documents are: a redacted log's tombstone
    // and its next generation reach a device in the same window, so once
    // a complete sync has passed the tombstone, a next generation it did
    // not receive is out of its scope (`sync::client`, carrying over).
    for tombstone in store.tombstones_between(request.cursor, horizon)? {
        if caller.may_receive_kind(tombstone.doc_id.kind())
            && !talked_about.contains(&tombstone.doc_id)
        {
            response.erased.push(erased(&*store, caller, tombstone)?);
        }
    }
    Ok(Some(response))
}

/// A tombstone as a device is told of it: for a redacted visit log, with
/// the ids of this device's visits its current generation holds.
fn erased<S: SyncStore + ?Sized>(
    store: &S,
    caller: &Caller,
    tombstone: crate::store::Tombstone,
) -> Result<Erased, StoreError> {
    let mut yours_kept = Vec::new();
    let mut next = tombstone
        .doc_id
        .next_generation()
        .filter(|id| id.kind() == crate::schema::DocKind::Visits);
    while let Some(id) = next.take() {
        if store.is_erased(&id)? {
            next = id.next_generation();
            continue;
        }
        if let Some(doc) = store.load(&id)?
            && let Ok(visits) = crate::schema::visits(&doc)
        {
            yours_kept = visits
                .into_iter()
                .filter(|(_, v)| v.agent == caller.agent)
                .map(|(key, _)| key)
                .collect();
        }
    }
    Ok(Erased {
        doc_id: tombstone.doc_id,
        erased_at: tombstone.erased_at,
        yours_kept,
    })
}

/// A page being filled: what it holds so far and its limits.
struct Page<'a> {
    peer: &'a str,
    caller: &'a Caller,
    talked_about: &'a BTreeSet<DocId>,
    included: BTreeSet<DocId>,
    sent: usize,
    bytes: usize,
}

impl Page<'_> {
    fn full(&self) -> bool {
        self.sent >= PAGE_DOCUMENTS || self.bytes >= PAGE_BYTES
    }

    /// Adds a message for `doc_id` unless the device may not receive it,
    /// already holds exactly `heads` of it, or it was handled above or is
    /// already in the page.
    fn offer<S: SyncStore + ?Sized>(
        &mut self,
        store: &S,
        doc_id: &DocId,
        heads: &[automerge::ChangeHash],
        response: &mut SyncResponse,
    ) -> Result<(), ServerError> {
        if self.talked_about.contains(doc_id)
            || self.included.contains(doc_id)
            || !self.caller.may_receive_kind(doc_id.kind())
            || !self.caller.scope.includes(doc_id)
        {
            return Ok(());
        }
        let state = store.sync_state(self.peer, doc_id)?;
        let needs_content = self.caller.receive_needs_content(doc_id.kind());
        let Some(mut state) = state else {
            if !needs_content {
                // Never sent to this device: the stored bytes go as they
                // are, without loading the document (the policy decides on
                // kind and scope alone here, never on content).
                if !self.caller.may_receive(doc_id, || None) {
                    return Ok(());
                }
                return self.offer_stored(store, doc_id, heads, response);
            }
            return self.offer_loaded(store, doc_id, super::first_contact(true), response);
        };
        let mut shared = std::mem::take(&mut state.shared_heads);
        shared.sort();
        if shared == heads {
            return Ok(()); // the device already has exactly this
        }
        state.shared_heads = shared;
        self.offer_loaded(store, doc_id, state, response)
    }

    /// Offers a document never sent to this device: its stored snapshot
    /// and chunks as the message's changes (Automerge loads them as it
    /// would from its own storage), the stored heads, and a summary that
    /// asks the device for anything it holds beyond them.
    fn offer_stored<S: SyncStore + ?Sized>(
        &mut self,
        store: &S,
        doc_id: &DocId,
        heads: &[automerge::ChangeHash],
        response: &mut SyncResponse,
    ) -> Result<(), ServerError> {
        let Some(parts) = store.stored_bytes(doc_id)? else {
            return Ok(());
        };
        let message = holding(heads.to_vec(), sync::ChunkList::from(parts)).encode();
        self.include(doc_id, message, response);
        Ok(())
    }

    /// Offers a document by Automerge's own sync step, from `state`.
    fn offer_loaded<S: SyncStore + ?Sized>(
        &mut self,
        store: &S,
        doc_id: &DocId,
        mut state: sync::State,
        response: &mut SyncResponse,
    ) -> Result<(), ServerError> {
        let Some(doc) = store.load(doc_id)? else {
            return Ok(());
        };
        if !self.caller.may_receive(doc_id, || Some(doc.clone())) {
            return Ok(());
        }
        if let Some(mut message) = guarded(|| Ok(doc.generate_sync_message(&mut state))).flatten() {
            message.flags = None;
            self.include(doc_id, message.encode(), response);
        }
        Ok(())
    }

    fn include(&mut self, doc_id: &DocId, message: Vec<u8>, response: &mut SyncResponse) {
        self.bytes += message.len();
        self.sent += 1;
        self.included.insert(doc_id.clone());
        response.messages.push(DocMessage {
            doc_id: doc_id.clone(),
            message,
        });
    }
}

/// Adds messages for documents written after `cursor` (and up to
/// `horizon`) that this device may receive and does not hold yet, and sets
/// the response's cursor to the last revision the page covers; then, for a device with a scope, the
/// in-scope documents it does not hold yet whenever they were written.
fn fill_page<S: SyncStore + ?Sized>(
    store: &S,
    peer: &str,
    caller: &Caller,
    (cursor, horizon): (i64, i64),
    talked_about: &BTreeSet<DocId>,
    reply_bytes: usize,
    response: &mut SyncResponse,
) -> Result<(), ServerError> {
    let mut scanned_to = cursor;
    let mut page = Page {
        peer,
        caller,
        talked_about,
        included: BTreeSet::new(),
        sent: 0,
        bytes: reply_bytes,
    };
    'scan: loop {
        let chunk = store.changed_since(scanned_to, SCAN_CHUNK)?;
        if chunk.is_empty() {
            break;
        }
        store.prefetch(peer, &chunk.iter().map(|c| &c.doc_id).collect::<Vec<_>>())?;
        for changed in chunk {
            if changed.rev > horizon {
                break 'scan; // written after this answer began: next time
            }
            if page.full() {
                response.more = true;
                break 'scan;
            }
            scanned_to = changed.rev;
            page.offer(store, &changed.doc_id, &changed.heads, response)?;
        }
    }
    response.cursor = if response.more { scanned_to } else { horizon };
    let in_scope = caller.scope.documents();
    store.prefetch(peer, &in_scope.iter().collect::<Vec<_>>())?;
    for mut doc_id in in_scope {
        let mut heads = store.heads(&doc_id)?;
        // A redacted visit log lives on as a later generation.
        while heads.is_none() && store.is_erased(&doc_id)? {
            let Some(next) = doc_id.next_generation() else {
                break;
            };
            heads = store.heads(&next)?;
            doc_id = next;
        }
        let Some(mut heads) = heads else {
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
