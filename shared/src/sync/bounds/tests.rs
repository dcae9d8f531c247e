//! The bounds checked before Automerge sees a message or a document.

use super::*;
use automerge::sync::{Message, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, Automerge, ROOT};
use proptest::prelude::*;

/// The message a phone sends once the server has told it its heads: a
/// version 1 message carrying `n` changes.
fn phone_message_with_changes(n: usize) -> Vec<u8> {
    let mut phone = AutoCommit::new();
    for i in 0..n {
        phone.put(ROOT, format!("k{i}"), i as i64).expect("put");
        phone.commit();
    }
    let phone = phone.document().clone();
    let server = Automerge::new();
    let (mut ps, mut ss) = (automerge::sync::State::new(), automerge::sync::State::new());
    let first = phone.generate_sync_message(&mut ps).expect("first");
    let mut server = server;
    server
        .receive_sync_message(&mut ss, first)
        .expect("receive");
    let mut reply = server.generate_sync_message(&mut ss).expect("reply");
    reply.flags = None; // as the server sends them
    let mut phone = phone;
    phone
        .receive_sync_message(&mut ps, reply)
        .expect("receive reply");
    phone
        .generate_sync_message(&mut ps)
        .expect("changes")
        .encode()
}

fn uleb(out: &mut Vec<u8>, v: u64) {
    leb128::write::unsigned(out, v).expect("write");
}

fn sleb(out: &mut Vec<u8>, v: i64) {
    leb128::write::signed(out, v).expect("write");
}

/// A change chunk (checksum not computed: the validator leaves it to
/// Automerge) starting at operation `start_op`, with one column.
fn chunk_with(start_op: u64, spec: u64, column: &[u8]) -> Vec<u8> {
    let mut body = vec![0, 1, 0xaa, 1]; // no deps, a one-byte actor, seq 1
    uleb(&mut body, start_op);
    body.extend([0, 0, 0]); // time, message, other actors
    uleb(&mut body, 1);
    uleb(&mut body, spec);
    uleb(&mut body, column.len() as u64);
    body.extend(column);
    let mut chunk = MAGIC.to_vec();
    chunk.extend([0; 4]);
    chunk.push(CHUNK_CHANGE);
    uleb(&mut chunk, body.len() as u64);
    chunk.extend(body);
    chunk
}

/// A change chunk whose one column claims `rows` operations in a few bytes.
fn amplified_chunk(rows: i64) -> Vec<u8> {
    let mut column = Vec::new();
    sleb(&mut column, rows);
    uleb(&mut column, 1);
    chunk_with(1, (1 << 4) | 2, &column)
}

fn message_with_chunks(chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut m = vec![MESSAGE_V1, 0, 0, 0];
    uleb(&mut m, chunks.len() as u64);
    for c in chunks {
        uleb(&mut m, c.len() as u64);
        m.extend(c);
    }
    m
}

#[test]
fn what_a_phone_sends_passes_and_is_counted() {
    let bytes = phone_message_with_changes(5);
    let checked = check(&bytes).expect("within bounds");
    assert_eq!(checked.changes, 5);
    assert!(checked.ops >= 1);
    assert!(checked.change_bytes > 0);
    assert!(Message::decode(&bytes).is_ok());
}

#[test]
fn a_bloom_filter_with_billions_of_probes_is_refused() {
    let mut bloom = Vec::new();
    uleb(&mut bloom, 1);
    uleb(&mut bloom, 8);
    uleb(&mut bloom, u64::from(u32::MAX));
    bloom.push(0xff);
    let mut m = vec![MESSAGE_V1, 0, 0, 1, 0];
    uleb(&mut m, bloom.len() as u64);
    m.extend(bloom);
    m.push(0);
    assert_eq!(check(&m), Err(OutOfBounds::Summary));
    // Automerge itself would take it: that is why we look first.
    assert!(Message::decode(&m).is_ok());
}

#[test]
fn compressed_chunks_and_whole_documents_are_refused() {
    let mut compressed = amplified_chunk(1);
    compressed[8] = 2;
    assert_eq!(
        check(&message_with_chunks(&[compressed])),
        Err(OutOfBounds::ChunkKind)
    );
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "a", 1).expect("put");
    let document = doc.save();
    assert_eq!(
        check(&message_with_chunks(&[document])),
        Err(OutOfBounds::ChunkKind)
    );
}

#[test]
fn a_run_standing_for_billions_of_operations_is_refused() {
    assert!(check(&message_with_chunks(&[amplified_chunk(10)])).is_ok());
    assert_eq!(
        check(&message_with_chunks(&[amplified_chunk(1 << 40)])),
        Err(OutOfBounds::TooMuch)
    );
}

#[test]
fn many_small_changes_add_up_to_the_bound() {
    let chunk = amplified_chunk(1000);
    let chunks = vec![chunk; (MAX_OPS_PER_MESSAGE / 1000 + 1) as usize];
    assert_eq!(
        check(&message_with_chunks(&chunks)),
        Err(OutOfBounds::TooMuch)
    );
}

#[test]
fn version_2_and_truncated_messages_are_refused() {
    let mut bytes = phone_message_with_changes(2);
    let whole = bytes.clone();
    bytes[0] = 0x43;
    assert_eq!(check(&bytes), Err(OutOfBounds::Version));
    for cut in 1..whole.len() - 1 {
        // Whatever the cut, no panic; most cuts are refused.
        let _ = check(&whole[..cut]);
    }
    assert_eq!(check(&whole[..10]), Err(OutOfBounds::Malformed));
}

#[test]
fn too_many_heads_are_refused() {
    let mut m = vec![MESSAGE_V1];
    uleb(&mut m, MAX_HEADS + 1);
    m.extend(vec![0; (MAX_HEADS as usize + 1) * HASH]);
    m.extend([0, 0, 0]);
    assert_eq!(check(&m), Err(OutOfBounds::Summary));
}

proptest! {
    #[test]
    fn random_bytes_never_panic_and_stay_linear(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = check(&bytes);
        let mut prefixed = vec![MESSAGE_V1];
        prefixed.extend(&bytes);
        let _ = check(&prefixed);
    }

    #[test]
    fn mutated_phone_messages_never_panic(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let mut bytes = phone_message_with_changes(3);
        for (at, value) in flips {
            let len = bytes.len();
            bytes[at % len] = value;
        }
        let _ = check(&bytes);
    }
}

#[test]
fn values_automerge_would_panic_on_are_refused() {
    // A Bloom filter with entries but no bits: a division by zero.
    let mut bloom = Vec::new();
    for v in [3, 0, 7] {
        uleb(&mut bloom, v);
    }
    let mut m = vec![MESSAGE_V1, 0, 0, 1, 0];
    uleb(&mut m, bloom.len() as u64);
    m.extend(bloom);
    m.push(0);
    assert_eq!(check(&m), Err(OutOfBounds::Malformed));

    // A delta column whose running value passes 2^32, an actor index past
    // the change's actors, a start op at the end of the counter space.
    let message = |start_op: u64, spec: u64, column: &[u8]| {
        message_with_chunks(&[chunk_with(start_op, spec, column)])
    };
    let mut far = Vec::new();
    sleb(&mut far, 3);
    sleb(&mut far, 1 << 31);
    assert_eq!(check(&message(1, 0x13, &far)), Err(OutOfBounds::Malformed));
    let mut near = Vec::new();
    sleb(&mut near, 3);
    sleb(&mut near, 5);
    assert!(check(&message(1, 0x13, &near)).is_ok());
    let mut actor = Vec::new();
    sleb(&mut actor, 1);
    uleb(&mut actor, 4);
    assert_eq!(
        check(&message(1, 0x01, &actor)),
        Err(OutOfBounds::Malformed)
    );
    let last = u64::from(u32::MAX);
    assert!(
        check(&message(last, 0x42, &[])).is_ok(),
        "no op, no overflow"
    );
    let mut two_ops = Vec::new();
    sleb(&mut two_ops, 2);
    uleb(&mut two_ops, 1);
    assert_eq!(
        check(&message(last, 0x42, &two_ops)),
        Err(OutOfBounds::Malformed)
    );
}
