//! The sync protocol's wire types: what a device and the server exchange,
//! versioned, and the JSON error body every HTTP error carries.
//!
//! A sync is a short series of HTTP round trips. Each request carries the
//! device's cursor (the server revision it has fully caught up to) and one
//! Automerge sync message per document it is talking about; each response
//! carries the server's replies plus messages for documents changed since
//! the cursor that this device does not hold yet. Bodies are postcard, a
//! compact binary serde format: sync messages are bytes and JSON would
//! inflate them by a third.
//!
//! Every type here is a compatibility promise: change them only with a new
//! [`PROTOCOL_VERSION`].

use crate::schema::DocId;
use serde::{Deserialize, Serialize};

/// The version of the types below. A peer speaking another version gets a
/// clear error instead of misread bytes.
///
/// - 2: the first release in the field.
/// - 3: a visit log's id may carry a generation (`schema`, "Generations"),
///   which version 2 cannot read. A version-2 phone is answered
///   [`UPDATE_REQUIRED`] (426) and keeps everything it holds; the release
///   it loads next reads its store as it is and carries its unsynced
///   visits over (ARCHITECTURE.md, "A phone on the previous release").
///   Tombstones of redacted visit logs name the device's visits the next
///   generation holds; responses carry the server's epoch (restores).
/// - 4: conversations and consents name the information notice given
///   (`crate::domain::Notice`), and the server tells why it refused one
///   that does not ([`RefusalReason::NoNotice`]) or a value outside its
///   set ([`RefusalReason::OutOfSet`]), which version 3 cannot decode. A
///   version-3 phone is answered [`UPDATE_REQUIRED`] and keeps everything;
///   what it recorded before it was first handed a notice is taken
///   without one (`crate::policy::NoticeRule`).
pub const PROTOCOL_VERSION: u16 = 4;

/// The error code (426) a device speaking an older protocol gets: it
/// keeps what it holds, and syncs once the app is updated.
pub const UPDATE_REQUIRED: &str = "update_required";

/// Content type of sync request and response bodies.
pub const SYNC_CONTENT_TYPE: &str = "application/vnd.palier.sync";

/// The error code (410) a device the office withdrew gets on its next
/// contact: it then wipes what it holds.
pub const DEVICE_REVOKED: &str = "device_revoked";

/// Largest sync request body the server accepts.
pub const MAX_SYNC_REQUEST_BYTES: usize = 8 * 1024 * 1024;

/// The most document messages one request may carry; a device sends the
/// rest in the next round trip.
pub const MAX_MESSAGES_PER_REQUEST: usize = 1000;

/// One Automerge sync message about one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMessage {
    /// The document.
    pub doc_id: DocId,
    /// An encoded `automerge::sync::Message`.
    pub message: Vec<u8>,
}

/// A device's turn in a sync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    /// Always [`PROTOCOL_VERSION`].
    pub version: u16,
    /// The server revision this device has fully caught up to; 0 at first.
    pub cursor: i64,
    /// Messages for the documents this device is talking about.
    pub messages: Vec<DocMessage>,
    /// How many documents hold edits not yet confirmed, for the office.
    pub unsynced: u32,
    /// When this device first held an information notice, by its own
    /// clock (the clock its records carry): what it records from then on
    /// must name one (`crate::policy::NoticeRule`). `None`: it holds none.
    pub notice_since: Option<i64>,
}

/// Why the server would not take a document's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefusalReason {
    /// This device's role may not hold this kind of document.
    NotPermitted,
    /// This device is read-only and the message carried changes.
    ReadOnly,
    /// The message was not a valid Automerge sync message for the document.
    Malformed,
    /// The document is outside the sectors this device is assigned to.
    OutOfScope,
    /// After the merge the document no longer read as its kind's record.
    Unreadable,
    /// The message named another device as author, or changed what someone
    /// else recorded or what only the office sets.
    Attribution,
    /// The message, or the document it would make, is larger than a device
    /// may send.
    OverLimit,
    /// A value outside its closed set or bounds (an age band, a service,
    /// an option of the questionnaire…), or a record of a campaign the
    /// server does not hold.
    OutOfSet,
    /// A conversation or a consent recorded without naming a published
    /// information notice (or naming a text never published).
    NoNotice,
}

/// A document message the server did not take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// The document.
    pub doc_id: DocId,
    /// Why.
    pub reason: RefusalReason,
}

/// A document erased for privacy: its id and when, nothing else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erased {
    /// The document.
    pub doc_id: DocId,
    /// When it was erased at the server, in Unix milliseconds.
    pub erased_at: i64,
    /// For a redacted visit log: the visits recorded by this device that
    /// the log's current generation already holds (their ids). A phone
    /// that will never receive that generation (the building is outside
    /// its scope) carries over only its other visits: these would meet
    /// the server's copy as a conflict. Empty for every other document.
    pub yours_kept: Vec<String>,
}

/// The server's turn in a sync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResponse {
    /// Always [`PROTOCOL_VERSION`].
    pub version: u16,
    /// Replies, and messages for documents this device lacks.
    pub messages: Vec<DocMessage>,
    /// Documents erased for privacy: delete them, never send them again.
    pub erased: Vec<Erased>,
    /// Messages the server did not take.
    pub refused: Vec<Refusal>,
    /// The cursor to keep once every document in play is settled.
    pub cursor: i64,
    /// Whether more changed documents wait beyond this response.
    pub more: bool,
    /// The server's epoch: it changes when the server is restored from a
    /// backup, which moves its revisions backwards. A device that held
    /// another epoch sends again everything it holds (the server may lack
    /// what was synced after the backup) and reads again from the start.
    pub epoch: String,
}

/// The body of every HTTP error: a stable code for programs, a sentence for
/// people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `invalid_body`.
    pub error: String,
    /// What went wrong, in plain words.
    pub message: String,
}

/// Bytes that are not a sync message of this protocol version.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// Not decodable.
    #[error("malformed sync body: {0}")]
    Malformed(#[from] postcard::Error),
    /// Another protocol version (the peer, or this side, must update).
    #[error("protocol version {found} is not supported (this side speaks {PROTOCOL_VERSION})")]
    Version {
        /// The version the peer sent.
        found: u16,
    },
}

fn check_version(found: u16) -> Result<(), WireError> {
    if found == PROTOCOL_VERSION {
        Ok(())
    } else {
        Err(WireError::Version { found })
    }
}

impl SyncRequest {
    /// Encodes for the wire.
    pub fn encode(&self) -> Result<Vec<u8>, WireError> {
        Ok(postcard::to_stdvec(self)?)
    }

    /// Decodes bytes from the wire, checking the version and every id.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        let request: Self = postcard::from_bytes(bytes)?;
        check_version(request.version)?;
        Ok(request)
    }
}

impl SyncResponse {
    /// Encodes for the wire.
    pub fn encode(&self) -> Result<Vec<u8>, WireError> {
        Ok(postcard::to_stdvec(self)?)
    }

    /// Decodes bytes from the wire, checking the version and every id.
    pub fn decode(bytes: &[u8]) -> Result<Self, WireError> {
        let response: Self = postcard::from_bytes(bytes)?;
        check_version(response.version)?;
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::IdeaId;
    use proptest::prelude::*;

    #[test]
    fn requests_round_trip_and_other_versions_are_refused() {
        let request = SyncRequest {
            version: PROTOCOL_VERSION,
            cursor: 42,
            messages: vec![DocMessage {
                doc_id: DocId::idea(IdeaId::new()),
                message: vec![1, 2, 3],
            }],
            unsynced: 1,
            notice_since: None,
        };
        let bytes = request.encode().expect("encode");
        assert_eq!(SyncRequest::decode(&bytes).expect("decode"), request);
        let other = SyncRequest {
            version: 99,
            ..request
        };
        let bytes = other.encode().expect("encode");
        assert!(matches!(
            SyncRequest::decode(&bytes),
            Err(WireError::Version { found: 99 })
        ));
    }

    #[test]
    fn a_bad_document_id_on_the_wire_is_refused() {
        #[derive(Serialize)]
        struct Raw {
            version: u16,
            cursor: i64,
            messages: Vec<(String, Vec<u8>)>,
            unsynced: u32,
        }
        let raw = Raw {
            version: PROTOCOL_VERSION,
            cursor: 0,
            messages: vec![("../etc".into(), vec![])],
            unsynced: 0,
        };
        let bytes = postcard::to_stdvec(&raw).expect("encode");
        assert!(SyncRequest::decode(&bytes).is_err());
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic_the_decoders(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = SyncRequest::decode(&bytes);
            let _ = SyncResponse::decode(&bytes);
        }
    }
}
