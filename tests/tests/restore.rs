//! A backup taken before an erasure, brought back with `palier-server
//! restore`, forgets again before it serves; a phone that synced after the
//! backup gives the restored server back what it lacked, and brings
//! nothing erased back.

use shared::api::Role;
use shared::domain::*;
use shared::schema::DocId;
use std::time::Duration;
use sync_server::storage::restore::{RestoreError, restore};
use tests::samples;
use tests::{Device, OfficePages, TestServer, contains, held_bytes, person};

const MONTH: Duration = Duration::from_secs(30 * 86_400);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_backup_forgets_before_it_serves_and_phones_fill_it_again() {
    let server = TestServer::start().await;
    let office = server.municipality("Saint-Ouen").await;
    let place = samples::building(4);
    server.put(office.id, &place);
    let campaign = Campaign::new("Écoute".into(), CampaignKind::DoorToDoor, 0, 1);
    server.put(office.id, &campaign);
    let code = office.code_for(Role::Agent, true).await;
    let mut phone = Device::enrol_with_code(&server, &code).await;
    let marker = "CANARI-Moussa-Traore";
    let volunteer = person(&format!("{marker} nom"), phone.agent);
    phone.put(&volunteer);
    let mut said = samples::visit(campaign.id, place.id, phone.agent, "8");
    said.verbatim = format!("{marker} au 8");
    said.person = Some(volunteer.id);
    phone.record(&said);
    phone.sync().await;

    let backups = tempfile::tempdir().expect("backups");
    let backup = backups.path().join("before");
    let data = server.data_path().to_path_buf();
    tests::blocking(|| sync_server::storage::backup::backup_all(&data, &backup)).expect("backup");
    assert!(contains(
        &held_bytes(
            &backup
                .join("municipalities")
                .join(format!("{}.sqlite", office.id))
        ),
        marker.as_bytes()
    ));

    // After the backup: a visit synced, then the erasure.
    let mut after = samples::visit(campaign.id, place.id, phone.agent, "10");
    after.verbatim = "Synchronisé après la sauvegarde".into();
    phone.record(&after);
    phone.sync().await;
    let pages = OfficePages::new(&server, &office);
    let id = volunteer.id.0.to_string();
    let done = pages
        .post("/office/residents/erase/confirm", &[("person", &id)])
        .await;
    assert_eq!(done.status, 303);
    let lost = server.stop_keeping_data().await;

    // An expired backup, or a folder that is not one, is refused.
    let nowhere = tempfile::tempdir().expect("nowhere");
    let late = sync_server::storage::control::now_ms() + 31 * 86_400_000;
    assert!(matches!(
        restore(&backup, &nowhere.path().join("data"), &[], MONTH, late),
        Err(RestoreError::TooOld { .. })
    ));
    assert!(matches!(
        restore(
            nowhere.path(),
            &nowhere.path().join("data"),
            &[],
            MONTH,
            late
        ),
        Err(RestoreError::NotABackup(_))
    ));

    // Restored with the lost server's journal: forgotten before serving.
    let restored = tempfile::tempdir().expect("restored");
    let journal = lost.path().join("control.sqlite");
    let report = restore(
        &backup,
        restored.path(),
        &[journal],
        MONTH,
        sync_server::storage::control::now_ms(),
    )
    .expect("restore");
    let ours = report
        .iter()
        .find(|r| r.municipality == office.id)
        .expect("restored");
    assert_eq!(ours.replayed, 2, "the person and the words of their visit");
    let store = restored
        .path()
        .join("municipalities")
        .join(format!("{}.sqlite", office.id));
    assert!(
        !contains(&held_bytes(&store), marker.as_bytes()),
        "before the first request"
    );

    // Served again: the phone sees a new epoch, sends what the server
    // lost, and brings nothing erased back.
    let server = TestServer::start_on(restored, |_| {}).await;
    phone.server = server.client();
    phone.sync().await;
    phone.sync().await;
    let first = DocId::visits(campaign.id, place.id);
    let log = server.load(office.id, &first.next_generation().expect("next"));
    let visits = shared::schema::visits(&log.expect("the redacted log")).expect("visits");
    assert_eq!(
        visits[&after.id.to_string()].verbatim,
        after.verbatim,
        "given back"
    );
    assert!(visits[&said.id.to_string()].words_erased);
    assert!(
        server
            .load(office.id, &DocId::person(volunteer.id))
            .is_none()
    );
    assert!(!contains(
        &held_bytes(&server.store_path(office.id)),
        marker.as_bytes()
    ));
    assert!(!contains(&held_bytes(&phone.path), marker.as_bytes()));
    server.stop().await;
}

/// On PostgreSQL the operator brings the database back with `pg_restore`;
/// `palier-server restore --database-url` then replays the journal there
/// (its own, and another control database's) and gives a new epoch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_brought_back_with_pg_restore_forgets_again_before_it_serves() {
    let url = tests::blocking(tests::pg::fresh_database);
    let for_server = url.clone();
    let server = TestServer::start_with(move |c| c.database_url = Some(for_server)).await;
    let office = server.municipality("Aubervilliers").await;
    let agent = AgentId::new();
    let marker = "CANARI-pg-restore";
    // As the restored dump holds it: a volunteer erased after the dump.
    let volunteer = person(marker, agent);
    server.put(office.id, &volunteer);
    let before = tests::blocking(|| server.state.control.epoch(office.id)).expect("epoch");
    let journal_dir = tempfile::tempdir().expect("journal");
    let journal = journal_dir.path().join("control.sqlite");
    {
        // The lost server's control data, where the erasure was journaled
        // (its own municipality row first, as it would hold it).
        let other = sync_server::storage::control::Control::open(&journal).expect("control");
        let conn = rusqlite::Connection::open(&journal).expect("open");
        conn.execute(
            "INSERT INTO municipalities (id, name, created_at) VALUES (?1, 'Aubervilliers', 0)",
            [office.id.to_string()],
        )
        .expect("municipality");
        other
            .journal_erasures(
                office.id,
                &[sync_server::storage::control::JournalEntry {
                    target: DocId::person(volunteer.id).to_string(),
                    visits: Vec::new(),
                    erased_at: 1,
                }],
            )
            .expect("journal");
    }
    let restored = tests::blocking(|| {
        sync_server::storage::restore::forget_again(
            &server.state.control,
            &server.state.tenants,
            std::slice::from_ref(&journal),
        )
    })
    .expect("replayed");
    let ours = restored
        .iter()
        .find(|r| r.municipality == office.id)
        .expect("ours");
    assert_eq!(ours.replayed, 1);
    assert_ne!(ours.epoch, before);
    assert!(
        server
            .load(office.id, &DocId::person(volunteer.id))
            .is_none()
    );
    // The journal entry is now the restored database's own.
    let kept =
        tests::blocking(|| server.state.control.erasure_journal(office.id)).expect("journal");
    assert_eq!(kept.len(), 1);
    server.stop().await;
}
