//! The device's half of a sync, as a state machine the caller drives:
//! [`ClientSession::next_request`] gives the request to send (or `None`
//! when the sync is complete), [`ClientSession::handle_response`] takes what
//! came back. The caller owns the transport; the session never waits.
//!
//! Everything received is saved before the next request is built, and the
//! cursor is saved only once every document in play is settled, so a sync
//! cut at any point resumes where it stopped.

use super::carry::Into;
use super::{SERVER_PEER, decode_message, guarded};
use crate::protocol::{
    DocMessage, MAX_MESSAGES_PER_REQUEST, PROTOCOL_VERSION, Refusal, SyncRequest, SyncResponse,
};
use crate::schema::{DocId, DocKind};
use crate::store::{Origin, Store, StoreError};
use automerge::{Automerge, sync, sync::SyncDoc};
use std::collections::{BTreeMap, BTreeSet};

/// Meta key of the cursor kept between syncs.
const CURSOR_KEY: &str = "sync.cursor";

/// Meta key of when this device first held an information notice (its
/// clock, little-endian milliseconds): the app writes it when it keeps
/// its first notice; every request reports it.
pub const NOTICE_SINCE_KEY: &str = "notices.since";
/// Meta key of the server's epoch last heard (`SyncResponse::epoch`).
const EPOCH_KEY: &str = "sync.epoch";
/// Bytes of messages one request carries at most; documents beyond wait
/// for the next round trip, well under the server's body limit.
const REQUEST_BYTES: usize = 4 * 1024 * 1024;
/// A sync that has not settled after this many round trips is abandoned;
/// the next one resumes it. Guards against a peer that never stops talking.
const MAX_ROUNDS: u32 = 200;

/// Why a sync stopped before completing. What it had saved stays saved.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The local store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The server kept sending after [`MAX_ROUNDS`] round trips.
    #[error("the sync did not settle after {MAX_ROUNDS} round trips")]
    NoProgress,
}

/// Where a sync stands, for a progress bar.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Progress {
    /// Round trips so far.
    pub rounds: u32,
    /// Documents still being exchanged.
    pub in_play: usize,
    /// Documents received or updated from the server so far.
    pub received: usize,
    /// Whether the server said more documents wait.
    pub more: bool,
}

/// What a completed sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Round trips.
    pub rounds: u32,
    /// Documents whose local edits the server now holds.
    pub confirmed: usize,
    /// Documents that changed here because of the server.
    pub received: usize,
    /// Documents erased at the server's request.
    pub erased: usize,
    /// Redacted visit logs whose unsynced edits were carried into their
    /// next generation.
    pub carried: usize,
    /// Messages the server refused; their documents stay unsynced.
    pub refused: Vec<Refusal>,
}

/// The largest stored document (snapshot and chunks, compressed) a phone
/// sends whole in its first message; larger ones go by Automerge's three
/// round trips, which never send what the server already has.
const FIRST_CONTACT_MAX_BYTES: u64 = 128 * 1024;

/// One sync of a device with the server.
#[derive(Debug)]
pub struct ClientSession {
    cursor: i64,
    states: BTreeMap<DocId, sync::State>,
    /// States changed since they were last saved.
    touched: BTreeSet<DocId>,
    in_play: BTreeSet<DocId>,
    refused: BTreeSet<DocId>,
    next_cursor: Option<i64>,
    awaiting: bool,
    /// The unsynced count the server last heard from this session.
    reported_unsynced: Option<u32>,
    more: bool,
    changed_here: BTreeSet<DocId>,
    report: SyncReport,
    done: bool,
    /// Redacted visit logs holding unsynced edits, waiting for their next
    /// generation to arrive before they are carried over and erased (with
    /// when the server erased them, and which of this phone's visits the
    /// server said it holds).
    waiting: BTreeMap<DocId, (i64, BTreeSet<String>)>,
    /// The server was restored since this phone last synced: every
    /// document is talked about again, from plain heads (what the server
    /// has is unknown), so nothing the server lost is left behind.
    restarted: bool,
    /// The documents the last response updated, as saved: the next
    /// request replies about them without loading them again (one page,
    /// already in memory while the response was taken).
    fresh: BTreeMap<DocId, Automerge>,
}

impl ClientSession {
    /// Starts a sync: documents with unconfirmed edits go first.
    pub fn start(store: &Store) -> Result<Self, ClientError> {
        let cursor = store
            .meta(CURSOR_KEY)?
            .and_then(|bytes| bytes.try_into().ok())
            .map(i64::from_le_bytes)
            .unwrap_or(0);
        Ok(Self {
            cursor,
            states: BTreeMap::new(),
            touched: BTreeSet::new(),
            in_play: store.unsynced()?.into_iter().collect(),
            refused: BTreeSet::new(),
            next_cursor: None,
            awaiting: false,
            reported_unsynced: None,
            more: true,
            changed_here: BTreeSet::new(),
            report: SyncReport::default(),
            done: false,
            waiting: BTreeMap::new(),
            restarted: false,
            fresh: BTreeMap::new(),
        })
    }

    /// Where the sync stands.
    pub fn progress(&self) -> Progress {
        Progress {
            rounds: self.report.rounds,
            in_play: self.in_play.len(),
            received: self.changed_here.len(),
            more: self.more,
        }
    }

    /// The report, once [`ClientSession::next_request`] returned `None`.
    pub fn report(&self) -> Option<&SyncReport> {
        self.done.then_some(&self.report)
    }

    fn state(&mut self, store: &Store, doc_id: &DocId) -> Result<&mut sync::State, ClientError> {
        if !self.states.contains_key(doc_id) {
            let state = match store.sync_state(SERVER_PEER, doc_id)? {
                Some(state) => state,
                // Sent whole at once only while small: if the server
                // already holds it (a lost response), the changes it has
                // count again against what one message and one document
                // may bring, and must stay well within.
                None if !self.restarted
                    && store
                        .stored_size(doc_id)?
                        .is_some_and(|bytes| bytes <= FIRST_CONTACT_MAX_BYTES) =>
                {
                    super::first_contact(false)
                }
                None => sync::State::new(),
            };
            self.states.insert(doc_id.clone(), state);
        }
        Ok(self.states.entry(doc_id.clone()).or_default())
    }

    /// The next request to send, or `None` when the sync is complete (the
    /// cursor and confirmations are then saved).
    pub fn next_request(&mut self, store: &mut Store) -> Result<Option<SyncRequest>, ClientError> {
        if self.done {
            return Ok(None);
        }
        if self.awaiting {
            // The previous request got no answer (dropped connection): the
            // in-memory states may think a message is in flight, so start
            // the exchange again from what is saved.
            self.states.clear();
            self.touched.clear();
            self.fresh.clear();
        }
        if self.report.rounds >= MAX_ROUNDS {
            return Err(ClientError::NoProgress);
        }
        let mut messages = self.messages(store)?;
        if messages.is_empty() && !self.more && !self.waiting.is_empty() {
            // Settled, but a redacted log's next generation never came.
            self.carry_unreachable(store)?;
            messages = self.messages(store)?;
        }
        if self.in_play.is_empty() {
            // Everything the last response covered is settled.
            self.advance_cursor(store)?;
        }
        let unsynced = u32::try_from(store.unsynced_count()?).unwrap_or(u32::MAX);
        // Settled. The office shows what each phone still holds unsent
        // after its last exchange: when the server last heard another
        // count, one more small request (no message) tells it.
        if messages.is_empty()
            && !self.more
            && self.report.rounds > 0
            && self.reported_unsynced == Some(unsynced)
        {
            self.finish(store)?;
            return Ok(None);
        }
        self.awaiting = true;
        self.reported_unsynced = Some(unsynced);
        let notice_since = store
            .meta(NOTICE_SINCE_KEY)?
            .and_then(|bytes| bytes.try_into().ok())
            .map(i64::from_le_bytes);
        Ok(Some(SyncRequest {
            version: PROTOCOL_VERSION,
            cursor: self.cursor,
            messages,
            unsynced,
            notice_since,
        }))
    }

    /// The messages for the documents in play, up to one request's
    /// bounds; those with nothing to say are confirmed and leave play.
    fn messages(&mut self, store: &mut Store) -> Result<Vec<DocMessage>, ClientError> {
        let mut messages = Vec::new();
        let mut bytes = 0;
        let in_play: Vec<DocId> = self.in_play.iter().cloned().collect();
        for doc_id in in_play {
            if bytes >= REQUEST_BYTES || messages.len() >= MAX_MESSAGES_PER_REQUEST {
                break; // the rest go in the next round trip
            }
            let doc = match self.fresh.remove(&doc_id) {
                // Still what the store holds (the app may have written
                // since): use it, else read the store.
                Some(doc) if store.heads(&doc_id)?.as_deref() == Some(&doc.get_heads()[..]) => doc,
                _ => store.load(&doc_id)?.unwrap_or_default(),
            };
            let mut message = self.generate(store, &doc_id, &doc)?;
            if message.is_none() && !self.server_holds(&doc_id, &doc) {
                // Silent but not settled: a reply went missing. Start this
                // document's exchange again from what is saved.
                self.states.remove(&doc_id);
                message = self.generate(store, &doc_id, &doc)?;
            }
            match message {
                Some(message) => {
                    let message = message.encode();
                    bytes += message.len();
                    // Kept for the answer, which is about this document:
                    // loading it again from the store was a third of a
                    // first sync's work on the phone (BENCHMARKS.md).
                    self.fresh.insert(doc_id.clone(), doc);
                    messages.push(DocMessage { doc_id, message });
                }
                None => {
                    self.in_play.remove(&doc_id);
                    if store.mark_synced(&doc_id, &doc.get_heads())? {
                        self.report.confirmed += 1;
                    }
                }
            }
        }
        Ok(messages)
    }

    /// Takes the server's response: saves what it brings, erases what it
    /// says was erased.
    pub fn handle_response(
        &mut self,
        store: &mut Store,
        response: SyncResponse,
    ) -> Result<Progress, ClientError> {
        self.awaiting = false;
        self.report.rounds += 1;
        if self.another_epoch(store, &response.epoch)? {
            return Ok(self.progress());
        }
        for erased in &response.erased {
            self.in_play.remove(&erased.doc_id);
            self.states.remove(&erased.doc_id);
            self.touched.remove(&erased.doc_id);
            self.fresh.remove(&erased.doc_id);
            // A redacted visit log with edits the server lacks: they are
            // carried into its next generation once that is here.
            if erased.doc_id.kind() == DocKind::Visits && store.is_unsynced(&erased.doc_id)? {
                let kept = erased.yours_kept.iter().cloned().collect();
                self.waiting
                    .insert(erased.doc_id.clone(), (erased.erased_at, kept));
            } else {
                store.erase(&erased.doc_id, erased.erased_at)?;
                self.report.erased += 1;
            }
        }
        for refusal in response.refused {
            self.in_play.remove(&refusal.doc_id);
            self.refused.insert(refusal.doc_id.clone());
            self.report.refused.push(refusal);
        }
        let mut updated: Vec<(DocId, Automerge)> = Vec::new();
        // Documents new to this phone that arrived whole: kept as the bytes
        // they came in, not encoded again.
        let mut arrived: BTreeMap<DocId, (Vec<automerge::ChangeHash>, Vec<Vec<u8>>)> =
            BTreeMap::new();
        for DocMessage { doc_id, message } in response.messages {
            if response.erased.iter().any(|e| e.doc_id == doc_id) || self.refused.contains(&doc_id)
            {
                continue;
            }
            let Some(message) = decode_message(&message) else {
                continue; // a garbled message: the next round asks again
            };
            let mut doc = match updated.iter().position(|(id, _)| *id == doc_id) {
                Some(i) => updated.swap_remove(i).1,
                None => match self.fresh.remove(&doc_id) {
                    // What the request was made from, if the store still
                    // holds exactly that (the app may have written since).
                    Some(doc) if store.heads(&doc_id)?.as_deref() == Some(&doc.get_heads()[..]) => {
                        doc
                    }
                    _ => store.load(&doc_id)?.unwrap_or_default(),
                },
            };
            let before = doc.get_heads();
            if before.is_empty() && !message.changes.is_empty() {
                let mut heads = message.heads.clone();
                heads.sort();
                let bytes = message.changes.iter().map(<[u8]>::to_vec).collect();
                arrived.insert(doc_id.clone(), (heads, bytes));
            }
            self.touched.insert(doc_id.clone());
            let state = self.state(store, &doc_id)?;
            if guarded(|| doc.receive_sync_message(state, message)).is_none() {
                continue;
            }
            if doc.get_heads() != before {
                self.changed_here.insert(doc_id.clone());
            }
            self.in_play.insert(doc_id.clone());
            updated.push((doc_id, doc));
        }
        store.save_received(
            updated.iter().map(|(id, doc)| {
                let whole = arrived
                    .get(id)
                    .filter(|(heads, _)| *heads == doc.get_heads())
                    .map(|(_, bytes)| bytes.as_slice());
                (id, doc, whole)
            }),
            Origin::Remote,
        )?;
        self.save_states(store)?;
        self.fresh = updated.into_iter().collect();
        self.carry_waiting(store)?;
        self.next_cursor = Some(response.cursor);
        self.more = response.more;
        Ok(self.progress())
    }

    /// Whether the server speaks from another epoch than it last did: it
    /// was restored from a backup, its revisions went back, and it may
    /// lack what this phone synced after the backup. Then every document
    /// is talked about again from the start, the cursor too, and the
    /// response (worked out on the server's stale view of this phone) is
    /// set aside. The first epoch a phone hears is only kept.
    fn another_epoch(&mut self, store: &mut Store, epoch: &str) -> Result<bool, ClientError> {
        let known = store.meta(EPOCH_KEY)?;
        if known.as_deref() == Some(epoch.as_bytes()) {
            return Ok(false);
        }
        store.set_meta(EPOCH_KEY, epoch.as_bytes())?;
        if known.is_none() {
            return Ok(false);
        }
        store.forget_peer(SERVER_PEER)?;
        store.set_meta(CURSOR_KEY, &0i64.to_le_bytes())?;
        self.cursor = 0;
        self.next_cursor = None;
        self.states.clear();
        self.touched.clear();
        self.fresh.clear();
        self.refused.clear();
        self.waiting.clear();
        self.in_play = store.unsynced()?.into_iter().collect();
        self.more = true;
        self.restarted = true;
        Ok(true)
    }

    /// Carries each waiting redacted log's unsynced edits into the first
    /// generation after it that is not erased, once this phone holds it,
    /// and erases the old one in the same transaction. One whose next
    /// generation has not arrived waits (for the next response, or the
    /// next sync: it stays unsynced, so it is named again and the server
    /// answers with its tombstone again).
    fn carry_waiting(&mut self, store: &mut Store) -> Result<(), ClientError> {
        let waiting: Vec<(DocId, i64)> = self
            .waiting
            .iter()
            .map(|(id, (at, _))| (id.clone(), *at))
            .collect();
        for (old, erased_at) in waiting {
            let mut target = old.next_generation();
            while let Some(id) = target
                .as_ref()
                .filter(|id| self.waiting.contains_key(id) || store.is_erased(id).unwrap_or(false))
            {
                target = id.next_generation();
            }
            let Some(target) = target else {
                continue;
            };
            let Some(mut into) = store.load(&target)? else {
                continue; // not here yet
            };
            let Some(from) = store.load(&old)? else {
                self.waiting.remove(&old);
                continue;
            };
            let confirmed = store
                .sync_state(SERVER_PEER, &old)?
                .map(|state| state.shared_heads)
                .unwrap_or_default();
            let carried = super::carry::carry(&from, &confirmed, &mut into, Into::Received)
                .map_err(|e| StoreError::Malformed(e.to_string()))?;
            store.replace((&old, None), &target, &into, erased_at, Origin::Local)?;
            self.waiting.remove(&old);
            self.fresh.remove(&target);
            self.report.erased += 1;
            if carried > 0 {
                self.report.carried += 1;
                self.in_play.insert(target);
            }
        }
        Ok(())
    }

    /// After a complete sync (the server said nothing more waits), a
    /// waiting log whose next generation did not come is outside this
    /// phone's scope: the server never sends it. Its visits the server
    /// never confirmed are carried into a new document under that id (the
    /// server merges them into its own), the rest left behind
    /// ([`Into::Unseen`]).
    fn carry_unreachable(&mut self, store: &mut Store) -> Result<(), ClientError> {
        let waiting = std::mem::take(&mut self.waiting);
        for (old, (erased_at, kept)) in waiting {
            let mut target = old.next_generation();
            while let Some(id) = target
                .as_ref()
                .filter(|id| store.is_erased(id).unwrap_or(false))
            {
                target = id.next_generation();
            }
            let (Some(target), Some(from)) = (target, store.load(&old)?) else {
                store.erase(&old, erased_at)?;
                continue;
            };
            if store.load(&target)?.is_some() {
                self.waiting.insert(old, (erased_at, kept)); // it came after all
                continue;
            }
            let confirmed = store
                .sync_state(SERVER_PEER, &old)?
                .map(|state| state.shared_heads)
                .unwrap_or_default();
            let mut fresh = Automerge::new();
            let carried =
                super::carry::carry(&from, &confirmed, &mut fresh, Into::Unseen { kept: &kept })
                    .map_err(|e| StoreError::Malformed(e.to_string()))?;
            self.report.erased += 1;
            if carried == 0 {
                store.erase(&old, erased_at)?;
                continue;
            }
            store.replace((&old, None), &target, &fresh, erased_at, Origin::Local)?;
            self.report.carried += 1;
            self.in_play.insert(target);
        }
        self.carry_waiting(store)
    }

    fn generate(
        &mut self,
        store: &Store,
        doc_id: &DocId,
        doc: &Automerge,
    ) -> Result<Option<sync::Message>, ClientError> {
        self.touched.insert(doc_id.clone());
        let state = self.state(store, doc_id)?;
        // Automerge assumes a reliable stream and never resends a change it
        // once sent. Over HTTP each request is answered before the next is
        // built, so the server's latest heads already account for all we
        // sent: anything it still lacks was lost (a dropped request, a
        // stale or replayed response) and must go again.
        state.sent_hashes.clear();
        state.in_flight = false;
        Ok(guarded(|| Ok(doc.generate_sync_message(state))).flatten())
    }

    /// Whether the server's last word was that it holds exactly `doc`.
    fn server_holds(&self, doc_id: &DocId, doc: &Automerge) -> bool {
        self.states
            .get(doc_id)
            .and_then(|s| s.their_heads.as_ref())
            .is_some_and(|theirs| {
                let mut theirs = theirs.clone();
                theirs.sort();
                theirs == doc.get_heads()
            })
    }

    fn advance_cursor(&mut self, store: &mut Store) -> Result<(), ClientError> {
        if let Some(cursor) = self.next_cursor.take()
            && cursor > self.cursor
        {
            store.set_meta(CURSOR_KEY, &cursor.to_le_bytes())?;
            self.cursor = cursor;
        }
        Ok(())
    }

    /// Saves the sync states touched since the last save.
    fn save_states(&mut self, store: &mut Store) -> Result<(), ClientError> {
        let touched = std::mem::take(&mut self.touched);
        store.put_sync_states(
            SERVER_PEER,
            touched
                .iter()
                .filter_map(|id| self.states.get(id).map(|state| (id, state))),
        )?;
        Ok(())
    }

    fn finish(&mut self, store: &mut Store) -> Result<(), ClientError> {
        self.save_states(store)?;
        self.advance_cursor(store)?;
        self.report.received = self.changed_here.len();
        self.done = true;
        Ok(())
    }
}
