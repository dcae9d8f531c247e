//! One conformance suite for every backend of the server's documents: the
//! embedded SQLite store and PostgreSQL. The same cases run on both: save
//! and load, a stale copy merged not lost, revisions in order (also under
//! concurrent writers: a reader following the revisions never skips a
//! document committed late), erasure with the bytes gone from the files,
//! sync states written with an exchange or not at all, and municipalities
//! kept apart.
//!
//! PostgreSQL is the one `scripts/with-postgres.sh` starts (the README's
//! test command runs the whole suite through it); without
//! `PALIER_TEST_DATABASE_URL` the PostgreSQL cases fail, they do not skip.

use automerge::transaction::Transactable;
use automerge::{Automerge, ROOT, ReadDoc, sync};
use shared::domain::{IdeaId, MunicipalityId};
use shared::schema::DocId;
use shared::store::{Committed, ExchangeWrite, Store, StoreError};
use shared::sync::{DocumentStore, SyncStore};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use sync_server::storage::pg::PgBackend;

/// A backend under test: opens a municipality's documents, and says what
/// its files hold (for erasure).
trait Backend: Send + Sync {
    fn open(&self, municipality: MunicipalityId) -> Box<dyn DocumentStore>;
    /// Every byte the backend keeps on disk for `municipality`, after
    /// whatever it needs to do to write its buffers out.
    fn disk_bytes(&self, municipality: MunicipalityId) -> Vec<u8>;
}

struct Sqlite {
    dir: tempfile::TempDir,
}

impl Sqlite {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn path(&self, municipality: MunicipalityId) -> PathBuf {
        self.dir.path().join(format!("{municipality}.sqlite"))
    }
}

impl Backend for Sqlite {
    fn open(&self, municipality: MunicipalityId) -> Box<dyn DocumentStore> {
        Box::new(Store::open(&self.path(municipality)).expect("open"))
    }

    fn disk_bytes(&self, municipality: MunicipalityId) -> Vec<u8> {
        tests::database_bytes(&self.path(municipality))
    }
}

struct Postgres {
    backend: PgBackend,
    url: String,
}

impl Postgres {
    fn new() -> Self {
        let url = std::env::var("PALIER_TEST_DATABASE_URL").expect(
            "PALIER_TEST_DATABASE_URL is not set: run the tests through \
             ./scripts/with-postgres.sh (./scripts/test.sh does)",
        );
        Self {
            backend: PgBackend::connect(&url).expect("connect"),
            url,
        }
    }
}

impl Backend for Postgres {
    fn open(&self, municipality: MunicipalityId) -> Box<dyn DocumentStore> {
        Box::new(self.backend.documents(municipality).expect("open"))
    }

    fn disk_bytes(&self, _: MunicipalityId) -> Vec<u8> {
        // The data files of the whole cluster (not its write-ahead log,
        // which PostgreSQL recycles; see ARCHITECTURE.md), once the
        // checkpoint has written every buffer out.
        let mut client = postgres::Client::connect(&self.url, postgres::NoTls).expect("connect");
        client.batch_execute("CHECKPOINT").expect("checkpoint");
        let dir: String = client
            .query_one("SHOW data_directory", &[])
            .expect("data directory")
            .get(0);
        let mut bytes = Vec::new();
        read_all(&Path::new(&dir).join("base"), &mut bytes);
        bytes
    }
}

fn read_all(dir: &Path, into: &mut Vec<u8>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_all(&path, into);
        } else if let Ok(bytes) = std::fs::read(&path) {
            into.extend(bytes);
        }
    }
}

fn doc_with(key: &str, value: &str) -> Automerge {
    let mut doc = Automerge::new();
    doc.transact::<_, _, automerge::AutomergeError>(|tx| {
        tx.put(ROOT, key, value)?;
        Ok(())
    })
    .expect("edit");
    doc
}

fn edit(doc: &mut Automerge, key: &str, value: &str) {
    doc.transact::<_, _, automerge::AutomergeError>(|tx| {
        tx.put(ROOT, key, value)?;
        Ok(())
    })
    .expect("edit");
}

fn text(doc: &Automerge, key: &str) -> Option<String> {
    match doc.get(ROOT, key).expect("get") {
        Some((automerge::Value::Scalar(s), _)) => match s.as_ref() {
            automerge::ScalarValue::Str(t) => Some(t.to_string()),
            _ => None,
        },
        _ => None,
    }
}

fn idea_id() -> DocId {
    DocId::idea(IdeaId::new())
}

fn save_load(backend: &dyn Backend) {
    let mut store = backend.open(MunicipalityId::new());
    let id = idea_id();
    assert!(store.load(&id).expect("load").is_none());
    let doc = doc_with("title", "Un banc sous le préau");
    let saved = store.save_all(&[(&id, &doc)]).expect("save");
    assert!(saved[0].changed);
    let loaded = store.load(&id).expect("load").expect("held");
    assert_eq!(loaded.get_heads(), doc.get_heads());
    assert_eq!(
        text(&loaded, "title").as_deref(),
        Some("Un banc sous le préau")
    );
    assert_eq!(store.heads(&id).expect("heads"), Some(doc.get_heads()));
    // Saving the same again writes nothing.
    let rev = store.current_rev().expect("rev");
    assert!(!store.save_all(&[(&id, &doc)]).expect("again")[0].changed);
    assert_eq!(store.current_rev().expect("rev"), rev);
    // Many saves: chunks, then a compacted snapshot, load the same.
    let mut doc = loaded;
    for n in 0..40 {
        edit(&mut doc, "title", &format!("version {n}"));
        store.save_all(&[(&id, &doc)]).expect("save");
    }
    let loaded = store.load(&id).expect("load").expect("held");
    assert_eq!(text(&loaded, "title").as_deref(), Some("version 39"));
    assert_eq!(loaded.get_heads(), doc.get_heads());
    assert!(store.stored_size(&id).expect("size").expect("held") > 0);
    assert_eq!(
        store.fingerprint().expect("fingerprint"),
        vec![(id, doc.get_heads())]
    );
}

fn stale_copies_merge(backend: &dyn Backend) {
    let mut store = backend.open(MunicipalityId::new());
    let id = idea_id();
    let base = doc_with("title", "Un terrain de basket");
    store.save_all(&[(&id, &base)]).expect("save");
    let mut ahead = base.fork();
    edit(&mut ahead, "cost", "5 000 €");
    store.save_all(&[(&id, &ahead)]).expect("save ahead");
    // A copy forked before `ahead`, edited elsewhere: saving it must not
    // lose the cost.
    let mut stale = base.fork();
    edit(&mut stale, "place", "Parc de la Mairie");
    store.save_all(&[(&id, &stale)]).expect("save stale");
    let stored = store.load(&id).expect("load").expect("held");
    assert_eq!(text(&stored, "cost").as_deref(), Some("5 000 €"));
    assert_eq!(text(&stored, "place").as_deref(), Some("Parc de la Mairie"));
    assert_eq!(stored.get_heads().len(), 2);
}

fn revisions_in_order(backend: &dyn Backend) {
    let mut store = backend.open(MunicipalityId::new());
    let ids: Vec<DocId> = (0..5).map(|_| idea_id()).collect();
    let docs: Vec<Automerge> = ids.iter().map(|_| doc_with("title", "x")).collect();
    let pairs: Vec<(&DocId, &Automerge)> = ids.iter().zip(&docs).collect();
    store.save_all(&pairs[..3]).expect("first three");
    store.save_all(&pairs[3..]).expect("last two");
    let changed = store.changed_since(0, 100).expect("changed");
    let revs: Vec<i64> = changed.iter().map(|c| c.rev).collect();
    assert!(
        revs.windows(2).all(|w| w[0] < w[1]),
        "one revision each, in order: {revs:?}"
    );
    assert_eq!(
        changed.iter().map(|c| &c.doc_id).collect::<Vec<_>>(),
        ids.iter().collect::<Vec<_>>()
    );
    assert_eq!(
        store.current_rev().expect("rev"),
        *revs.last().expect("some")
    );
    // Pages: two at a time, from the last revision seen.
    let first = store.changed_since(0, 2).expect("page");
    let rest = store.changed_since(first[1].rev, 100).expect("rest");
    assert_eq!(first.len() + rest.len(), 5);
}

/// Writers on their own connections, a reader following the revisions as
/// a phone's cursor does: every document written must be seen.
fn concurrent_writers_never_skipped(backend: Arc<dyn Backend>) {
    const WRITERS: usize = 4;
    const EACH: usize = 40;
    let municipality = MunicipalityId::new();
    drop(backend.open(municipality)); // schema made before the race
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            let backend = backend.clone();
            let done = done.clone();
            std::thread::spawn(move || {
                let mut store = backend.open(municipality);
                let mut written = BTreeSet::new();
                for n in 0..EACH {
                    let id = idea_id();
                    let doc = doc_with("n", &n.to_string());
                    store.save_all(&[(&id, &doc)]).expect("save");
                    written.insert(id);
                }
                done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                written
            })
        })
        .collect();
    let reader = backend.open(municipality);
    let mut cursor = 0;
    let mut seen = BTreeSet::new();
    loop {
        let finished = done.load(std::sync::atomic::Ordering::SeqCst) == WRITERS;
        for changed in reader.changed_since(cursor, 7).expect("changed") {
            cursor = changed.rev;
            seen.insert(changed.doc_id);
        }
        if finished && reader.changed_since(cursor, 1).expect("changed").is_empty() {
            break;
        }
    }
    let mut written = BTreeSet::new();
    for writer in writers {
        written.extend(writer.join().expect("writer"));
    }
    assert_eq!(written.len(), WRITERS * EACH);
    let missed: Vec<_> = written.difference(&seen).collect();
    assert!(
        missed.is_empty(),
        "a cursor skipped {} documents",
        missed.len()
    );
}

fn erasure_leaves_no_bytes(backend: &dyn Backend) {
    let municipality = MunicipalityId::new();
    let mut store = backend.open(municipality);
    let id = DocId::person(shared::domain::PersonId::new());
    let needle = format!("ERASE-{}", uuid::Uuid::new_v4().simple());
    let doc = doc_with("name", &needle);
    store.save_all(&[(&id, &doc)]).expect("save");
    let state = sync::State::new();
    assert_eq!(
        store
            .commit_exchange(&[], "phone", &[(&id, &state)])
            .expect("state"),
        Committed::Written
    );
    assert!(
        tests::contains(&backend.disk_bytes(municipality), needle.as_bytes()),
        "the needle must be on disk before the erasure, or this test proves nothing"
    );
    let before = store.current_rev().expect("rev");
    let tombstone = store.erase(&id, 1_700_000_000_000).expect("erase");
    assert_eq!(tombstone.doc_id, id);
    assert!(store.load(&id).expect("load").is_none());
    assert!(store.is_erased(&id).expect("erased"));
    assert!(store.sync_state("phone", &id).expect("state").is_none());
    assert_eq!(
        store.tombstone(&id).expect("tombstone"),
        Some(tombstone.clone())
    );
    assert_eq!(
        store.tombstones_between(before, i64::MAX).expect("since"),
        vec![tombstone]
    );
    assert!(store.current_rev().expect("rev") > before);
    assert!(matches!(
        store.save_all(&[(&id, &doc)]),
        Err(StoreError::Erased(_))
    ));
    assert!(
        !tests::contains(&backend.disk_bytes(municipality), needle.as_bytes()),
        "erased bytes are still on disk"
    );
}

/// A redaction replaces a visit log by its next generation in one step:
/// only from the heads it was built from, the old one erased with its
/// bytes, the new one written under the next revisions.
fn replacement_is_one_step(backend: &dyn Backend) {
    let municipality = MunicipalityId::new();
    let mut store = backend.open(municipality);
    let old = DocId::visits(
        shared::domain::CampaignId::new(),
        shared::domain::BuildingId::new(),
    );
    let new = old.next_generation().expect("next");
    // Short, so neither Automerge nor PostgreSQL compresses it and its
    // bytes show on disk.
    let needle = format!("REDACT-{}", uuid::Uuid::new_v4().simple());
    let mut doc = doc_with("said", &needle);
    store.save_all(&[(&old, &doc)]).expect("save");
    assert!(
        tests::contains(&backend.disk_bytes(municipality), needle.as_bytes()),
        "the needle must be on disk first, or this test proves nothing"
    );
    let built_from = doc.get_heads();
    edit(&mut doc, "said", "a phone wrote meanwhile");
    store.save_all(&[(&old, &doc)]).expect("write");
    let rebuilt = doc_with("said", "");
    assert!(matches!(
        store.replace((&old, &built_from), &new, &rebuilt, 1_700_000_000_000),
        Err(StoreError::Moved(_))
    ));
    assert!(store.load(&new).expect("load").is_none(), "nothing done");
    assert!(!store.is_erased(&old).expect("erased"));
    let before = store.current_rev().expect("rev");
    let heads = store.heads(&old).expect("heads").expect("held");
    store
        .replace((&old, &heads), &new, &rebuilt, 1_700_000_000_000)
        .expect("replace");
    // Its bytes go at the scrub that follows (one for a whole erasure).
    store.scrub().expect("scrub");
    assert!(store.is_erased(&old).expect("erased"));
    assert!(store.load(&old).expect("load").is_none());
    assert_eq!(
        text(&store.load(&new).expect("load").expect("new"), "said").as_deref(),
        Some("")
    );
    let changed = store.changed_since(before, 10).expect("changed");
    assert_eq!(
        changed.iter().map(|c| &c.doc_id).collect::<Vec<_>>(),
        vec![&new]
    );
    assert_eq!(
        store
            .erased_between(before, store.current_rev().expect("rev"))
            .expect("erased"),
        vec![old.clone()]
    );
    assert!(
        !tests::contains(&backend.disk_bytes(municipality), needle.as_bytes()),
        "the old generation's bytes are still on disk"
    );
}

fn exchange_commits_all_or_nothing(backend: &dyn Backend) {
    let mut store = backend.open(MunicipalityId::new());
    let id = idea_id();
    let unknown = idea_id();
    let doc = doc_with("title", "Des bancs");
    let mut state = sync::State::new();
    state.shared_heads = doc.get_heads();
    let written = store
        .commit_exchange(
            &[ExchangeWrite {
                doc_id: &id,
                doc: &doc,
                base: None,
            }],
            "phone-a",
            &[(&id, &state), (&unknown, &state)],
        )
        .expect("commit");
    assert_eq!(written, Committed::Written);
    assert_eq!(
        store
            .sync_state("phone-a", &id)
            .expect("state")
            .map(|s| s.shared_heads),
        Some(doc.get_heads())
    );
    // The state of a document the store does not hold is not kept.
    assert!(
        store
            .sync_state("phone-a", &unknown)
            .expect("state")
            .is_none()
    );
    assert!(store.sync_state("phone-b", &id).expect("state").is_none());

    // Another writer moved the document since this exchange loaded it:
    // nothing of the exchange is written, its states neither.
    let mut other = doc.fork();
    edit(&mut other, "title", "Des bancs et une table");
    store.save_all(&[(&id, &other)]).expect("other writer");
    let rev = store.current_rev().expect("rev");
    let mut mine = doc.fork();
    edit(&mut mine, "cost", "800 €");
    let base = doc.get_heads();
    let moved = store
        .commit_exchange(
            &[ExchangeWrite {
                doc_id: &id,
                doc: &mine,
                base: Some(&base),
            }],
            "phone-b",
            &[(&id, &state)],
        )
        .expect("commit");
    assert_eq!(moved, Committed::Moved(id.clone()));
    assert_eq!(store.current_rev().expect("rev"), rev);
    assert!(store.sync_state("phone-b", &id).expect("state").is_none());
    let stored = store.load(&id).expect("load").expect("held");
    assert_eq!(text(&stored, "cost"), None);
    // A document created by someone else meanwhile has moved too.
    let fresh = idea_id();
    store
        .save_all(&[(&fresh, &doc_with("title", "a"))])
        .expect("save");
    let late = doc_with("title", "b");
    assert_eq!(
        store
            .commit_exchange(
                &[ExchangeWrite {
                    doc_id: &fresh,
                    doc: &late,
                    base: None,
                }],
                "phone-b",
                &[],
            )
            .expect("commit"),
        Committed::Moved(fresh)
    );
}

/// What a batch read (`prefetch`) gives back is what each read would
/// have, and a write forgets it.
fn prefetched_reads_answer_as_plain_reads(backend: &dyn Backend) {
    let mut store = backend.open(MunicipalityId::new());
    let (held, erased, absent) = (idea_id(), idea_id(), idea_id());
    let doc = doc_with("title", "Un jardin");
    store
        .save_all(&[(&held, &doc), (&erased, &doc_with("title", "Un banc"))])
        .expect("save");
    let mut state = sync::State::new();
    state.shared_heads = doc.get_heads();
    store
        .commit_exchange(&[], "phone-a", &[(&held, &state)])
        .expect("state");
    store.erase(&erased, 42).expect("erase");
    let ids = [&held, &erased, &absent];
    let read = |store: &dyn DocumentStore| {
        ids.iter()
            .map(|id| {
                (
                    store.heads(id).expect("heads"),
                    store
                        .sync_state("phone-a", id)
                        .expect("state")
                        .map(|s| s.shared_heads),
                    store.is_erased(id).expect("erased"),
                    store.tombstone(id).expect("tombstone").map(|t| t.erased_at),
                )
            })
            .collect::<Vec<_>>()
    };
    let plain = read(&*store);
    assert_eq!(plain[0].1, Some(doc.get_heads()));
    assert_eq!(plain[1].3, Some(42));
    store.prefetch("phone-a", &ids).expect("prefetch");
    assert_eq!(read(&*store), plain);
    // Another device's states are not taken from this one's.
    assert!(store.sync_state("phone-b", &held).expect("state").is_none());
    // A write forgets what was read before it.
    let mut newer = doc.fork();
    edit(&mut newer, "title", "Un jardin partagé");
    store.save_all(&[(&held, &newer)]).expect("save");
    assert_eq!(store.heads(&held).expect("heads"), Some(newer.get_heads()));
}

fn municipalities_kept_apart(backend: &dyn Backend) {
    let (a, b) = (MunicipalityId::new(), MunicipalityId::new());
    let mut store_a = backend.open(a);
    let store_b = backend.open(b);
    let id = idea_id();
    store_a
        .save_all(&[(&id, &doc_with("title", "à A"))])
        .expect("save");
    assert!(store_b.load(&id).expect("load").is_none());
    assert!(store_b.heads(&id).expect("heads").is_none());
    assert!(store_b.changed_since(0, 100).expect("changed").is_empty());
    assert!(store_b.fingerprint().expect("fingerprint").is_empty());
    assert_eq!(store_b.current_rev().expect("rev"), 0);
    drop((store_a, store_b));
    // Connections go back to the pool with their prepared statements and
    // serve the other municipality next: still apart.
    for _ in 0..4 {
        let store_a = backend.open(a);
        assert!(store_a.heads(&id).expect("heads").is_some());
        drop(store_a);
        let store_b = backend.open(b);
        assert!(store_b.heads(&id).expect("heads").is_none());
        assert!(store_b.load(&id).expect("load").is_none());
        store_b.prefetch("phone", &[&id]).expect("prefetch");
        assert!(store_b.heads(&id).expect("heads").is_none());
    }
}

fn all_cases(backend: Arc<dyn Backend>) {
    save_load(&*backend);
    stale_copies_merge(&*backend);
    revisions_in_order(&*backend);
    erasure_leaves_no_bytes(&*backend);
    replacement_is_one_step(&*backend);
    exchange_commits_all_or_nothing(&*backend);
    prefetched_reads_answer_as_plain_reads(&*backend);
    municipalities_kept_apart(&*backend);
    concurrent_writers_never_skipped(backend);
}

#[test]
fn the_sqlite_store_conforms() {
    all_cases(Arc::new(Sqlite::new()));
}

/// The PostgreSQL cases share one cluster: its checkpoints and WAL
/// segment switches are the cluster's, so the case that reads `pg_wal`
/// runs alone (a switch and two checkpoints from a case beside it would
/// remove the segment it looks in).
static CLUSTER: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn cluster() -> std::sync::MutexGuard<'static, ()> {
    CLUSTER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[test]
fn the_postgresql_store_conforms() {
    let _alone = cluster();
    all_cases(Arc::new(Postgres::new()));
}

/// PostgreSQL keeps municipalities apart by schema: a connection handed
/// out for one cannot read another's tables without naming them.
#[test]
fn a_postgresql_query_without_its_municipality_finds_nothing() {
    let _alone = cluster();
    let pg = Postgres::new();
    let (a, b) = (MunicipalityId::new(), MunicipalityId::new());
    let id = idea_id();
    pg.backend
        .documents(a)
        .expect("open")
        .save_all(&[(&id, &doc_with("title", "à A"))])
        .expect("save");
    let store_b = pg.backend.documents(b).expect("open");
    assert_eq!(store_b.schema(), PgBackend::schema(b));
    // On a connection with no municipality, the tables do not exist.
    let mut bare = postgres::Client::connect(&pg.url, postgres::NoTls).expect("connect");
    assert!(bare.query("SELECT doc_id FROM documents", &[]).is_err());
    assert!(store_b.load(&id).expect("load").is_none());
}

/// «Privacy I» on PostgreSQL: a document over 2 kB (kept out of line, in
/// TOAST) erased, then what the README says PostgreSQL does by itself
/// within two checkpoint intervals (`wal_recycle = off`; the erasure ends
/// the current write-ahead log segment): its stored bytes are in none of
/// the data files, the write-ahead log, or a `pg_dump` taken after. The
/// stored bytes are what is looked for (Automerge compresses, so the
/// document's text would prove nothing), and each place is shown to hold
/// them first.
#[test]
fn on_postgresql_an_erased_document_leaves_the_data_files_the_wal_and_a_dump() {
    let _alone = cluster();
    let pg = Postgres::new();
    let municipality = MunicipalityId::new();
    let mut store = pg.backend.documents(municipality).expect("open");
    let id = DocId::person(shared::domain::PersonId::new());
    let random: String = (0..200)
        .map(|_| uuid::Uuid::new_v4().simple().to_string())
        .collect();
    store
        .save_all(&[(&id, &doc_with("name", &random))])
        .expect("save");
    let parts = store.stored_bytes(&id).expect("read").expect("held");
    assert!(parts[0].len() > 2048, "large enough for TOAST");
    let middle = parts[0].len() / 2;
    let needle = parts[0][middle..middle + 48].to_vec();
    let mut client = postgres::Client::connect(&pg.url, postgres::NoTls).expect("connect");
    client.batch_execute("CHECKPOINT").expect("checkpoint");
    let dir: String = client
        .query_one("SHOW data_directory", &[])
        .expect("data directory")
        .get(0);
    let files = |sub: &str| {
        let mut bytes = Vec::new();
        read_all(&Path::new(&dir).join(sub), &mut bytes);
        bytes
    };
    assert!(
        tests::contains(&files("base"), &needle),
        "in the data files first"
    );
    assert!(
        tests::contains(&files("pg_wal"), &needle),
        "in the WAL first"
    );
    let bin = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL installed")
        .flatten()
        .map(|e| e.path().join("bin").join("pg_dump"))
        .find(|p| p.exists())
        .expect("pg_dump");
    let dump = || {
        let out = std::process::Command::new(&bin)
            .arg(&pg.url)
            .output()
            .expect("pg_dump");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    // A dump writes a bytea in hexadecimal.
    let hex: String = needle.iter().map(|b| format!("{b:02x}")).collect();
    assert!(tests::contains(&dump(), hex.as_bytes()), "in a dump first");

    store.erase(&id, 1_700_000_000_000).expect("erase");
    // Two checkpoint intervals: what `checkpoint_timeout` brings anyway.
    client.batch_execute("CHECKPOINT").expect("checkpoint");
    client.batch_execute("CHECKPOINT").expect("checkpoint");
    assert!(
        !tests::contains(&files("base"), &needle),
        "left in the data files"
    );
    assert!(
        !tests::contains(&files("pg_wal"), &needle),
        "left in the WAL"
    );
    assert!(!tests::contains(&dump(), hex.as_bytes()), "in a dump");
}
