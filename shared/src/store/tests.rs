//! The local store: durability, recovery and erasure, on real files.

use super::*;
use crate::domain::{AgentId, CampaignId, CostBand, Idea};
use crate::schema::{self, DocId};

fn idea(title: &str) -> Idea {
    Idea {
        title: title.into(),
        description: String::new(),
        category: "sport".into(),
        ..Idea::new(CampaignId::new(), AgentId::new(), 0)
    }
}

fn doc_of(record: &Idea) -> Automerge {
    let mut doc = Automerge::new();
    schema::write(&mut doc, record).expect("write");
    doc
}

#[test]
fn a_saved_document_loads_back_after_reopening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("store.sqlite");
    let record = idea("Des bancs");
    let id = DocId::idea(record.id);
    {
        let mut store = Store::open(&path).expect("open");
        let saved = store
            .save(&id, &doc_of(&record), Origin::Local)
            .expect("save");
        assert!(saved.changed);
    }
    let store = Store::open(&path).expect("reopen");
    let doc = store.load(&id).expect("load").expect("present");
    assert_eq!(schema::read::<Idea>(&doc).expect("read"), record);
    assert_eq!(store.unsynced().expect("unsynced"), vec![id]);
}

#[test]
fn many_small_saves_compact_and_still_load_whole() {
    let mut store = Store::open_in_memory().expect("open");
    let mut record = idea("v0");
    let id = DocId::idea(record.id);
    let mut doc = doc_of(&record);
    store.save(&id, &doc, Origin::Local).expect("first");
    for i in 1..=(COMPACT_AFTER * 2 + 3) {
        record.title = format!("v{i}");
        schema::write(&mut doc, &record).expect("edit");
        store.save(&id, &doc, Origin::Local).expect("save");
    }
    let chunks: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM changes", [], |r| r.get(0))
        .expect("count");
    assert!(chunks < COMPACT_AFTER, "{chunks} chunks left uncompacted");
    let loaded = store.load(&id).expect("load").expect("present");
    assert_eq!(schema::read::<Idea>(&loaded).expect("read"), record);
    assert_eq!(loaded.get_heads(), doc.get_heads());
}

#[test]
fn saving_a_stale_copy_merges_instead_of_losing_edits() {
    let mut store = Store::open_in_memory().expect("open");
    let record = idea("Un jardin");
    let id = DocId::idea(record.id);
    store
        .save(&id, &doc_of(&record), Origin::Local)
        .expect("save");

    let mut first = store.load(&id).expect("load").expect("present");
    let mut second = store.load(&id).expect("load").expect("present");
    let mut with_title = record.clone();
    with_title.title = "Un jardin partagé".into();
    schema::write(&mut first, &with_title).expect("edit title");
    store.save(&id, &first, Origin::Local).expect("save first");
    let mut with_cost = record.clone();
    with_cost.cost_band = Some(CostBand::From10kTo50k);
    schema::write(&mut second, &with_cost).expect("edit cost");
    store
        .save(&id, &second, Origin::Local)
        .expect("save stale second");

    let merged: Idea =
        schema::read(&store.load(&id).expect("load").expect("present")).expect("read");
    assert_eq!(merged.title, "Un jardin partagé");
    assert_eq!(merged.cost_band, Some(CostBand::From10kTo50k));
}

#[test]
fn revisions_order_writes_one_per_document() {
    let mut store = Store::open_in_memory().expect("open");
    let docs: Vec<_> = (0..5).map(|i| idea(&format!("idée {i}"))).collect();
    let automerge_docs: Vec<_> = docs.iter().map(doc_of).collect();
    let ids: Vec<_> = docs.iter().map(|d| DocId::idea(d.id)).collect();
    store
        .save_all(ids.iter().zip(automerge_docs.iter()), Origin::Remote)
        .expect("save all");
    assert_eq!(store.current_rev().expect("rev"), 5);
    let page = store.changed_since(0, 2).expect("page");
    assert_eq!(page.len(), 2);
    let rest = store.changed_since(page[1].rev, 10).expect("rest");
    assert_eq!(rest.len(), 3);
    assert!(
        store.unsynced().expect("unsynced").is_empty(),
        "remote saves are not unsynced"
    );
}

#[test]
fn mark_synced_keeps_documents_edited_since() {
    let mut store = Store::open_in_memory().expect("open");
    let mut record = idea("Une fresque");
    let id = DocId::idea(record.id);
    let mut doc = doc_of(&record);
    let first = store.save(&id, &doc, Origin::Local).expect("save");
    record.title = "Une fresque murale".into();
    schema::write(&mut doc, &record).expect("edit");
    store.save(&id, &doc, Origin::Local).expect("save again");
    assert!(!store.mark_synced(&id, &first.heads).expect("mark"));
    assert_eq!(store.unsynced_count().expect("count"), 1);
    assert!(store.mark_synced(&id, &doc.get_heads()).expect("mark"));
    assert_eq!(store.unsynced_count().expect("count"), 0);
}

#[test]
fn an_erased_document_cannot_come_back() {
    let mut store = Store::open_in_memory().expect("open");
    let record = idea("x");
    let id = DocId::idea(record.id);
    let doc = doc_of(&record);
    store.save(&id, &doc, Origin::Local).expect("save");
    store.erase(&id, 5).expect("erase");
    assert!(store.load(&id).expect("load").is_none());
    assert!(store.is_erased(&id).expect("erased"));
    assert!(matches!(
        store.save(&id, &doc, Origin::Remote),
        Err(StoreError::Erased(_))
    ));
    assert_eq!(
        store
            .tombstones_between(0, i64::MAX)
            .expect("tombstones")
            .len(),
        1
    );
    assert!(store.unsynced().expect("unsynced").is_empty());
}

#[test]
fn an_erasure_waits_for_a_reader_to_let_go_of_the_log_then_empties_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("store.sqlite");
    let mut store = Store::open(&path).expect("open");
    let id = DocId::idea(crate::domain::IdeaId::new());
    let mut doc = Automerge::new();
    doc.transact(|tx| {
        automerge::transaction::Transactable::put(tx, automerge::ROOT, "secret", "Awa Diallo")
    })
    .expect("put");
    store.save(&id, &doc, Origin::Remote).expect("save");
    // Another connection holds a read snapshot for a moment.
    let reader = rusqlite::Connection::open(&path).expect("reader");
    reader.execute_batch("BEGIN").expect("begin");
    let _: i64 = reader
        .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
        .expect("read");
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        reader.execute_batch("COMMIT").expect("commit");
    });
    store.erase(&id, 1).expect("erase, once the reader let go");
    release.join().expect("join");
    let wal = std::fs::metadata(dir.path().join("store.sqlite-wal")).map_or(0, |m| m.len());
    assert_eq!(wal, 0, "the log still holds pages");
}
