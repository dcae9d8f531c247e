//! A resident's erasure request removes their data from the server and from
//! every device at its next sync: gone from the database files, not hidden.

use shared::api::Role;
use shared::domain::*;
use shared::schema::DocId;
use tests::{Device, OfficePages, TestServer, contains, database_bytes, person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_person_leaves_no_byte_on_the_server_or_the_devices() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let mut recorder = Device::enrol(&server, &office, Role::Agent).await;
    let mut colleague = Device::enrol(&server, &office, Role::Coordinator).await;
    // A coordinator's phone: it holds every person (an agent's holds only
    // those it recorded).
    let mut offline = Device::enrol(&server, &office, Role::Coordinator).await;
    let marker = "MARQUEUR-Zoe-Kowalczyk-0612345678";
    let mut volunteer = person(marker, recorder.agent);
    volunteer.email = Some("zoe@example.org".into());
    recorder.put(&volunteer);
    // A visit refers to the person by id only, and must survive the erasure.
    let campaign = CampaignId::new();
    let building = BuildingId::new();
    let mut visit = recorder.visit(campaign, building, "12", Outcome::Talked);
    visit.person = Some(volunteer.id);
    recorder.sync().await;
    colleague.sync().await;
    // Edit it again so the person's bytes sit in several rows and pages.
    volunteer.phone = Some(format!("{marker}-bis"));
    recorder.put(&volunteer);
    recorder.sync().await;
    colleague.sync().await;
    offline.sync().await;

    let server_store = server.store_path(office.id);
    let needle = marker.as_bytes();
    // The test means something only if the bytes were there to begin with.
    assert!(contains(&database_bytes(&server_store), needle));
    assert!(contains(&database_bytes(&recorder.path), needle));
    assert!(contains(&database_bytes(&colleague.path), needle));

    let response = reqwest::Client::new()
        .post(format!("{}/api/persons/{}/erase", server.url, volunteer.id))
        .bearer_auth(&office.token)
        .send()
        .await
        .expect("erase");
    assert_eq!(response.status().as_u16(), 204);
    assert!(
        !contains(&database_bytes(&server_store), needle),
        "still on the server"
    );

    let report = recorder.sync().await;
    assert_eq!(report.erased, 1);
    colleague.sync().await;
    for device in [&recorder, &colleague] {
        assert!(device.get::<Person>(&DocId::person(volunteer.id)).is_none());
        assert!(
            !contains(&database_bytes(&device.path), needle),
            "still on a device"
        );
        assert_eq!(
            device.visits(campaign, building).len(),
            1,
            "the visit itself stays"
        );
    }

    // A device that was offline during the erasure and edits the person
    // cannot bring the data back: its next sync erases its copy instead.
    let mut stale = offline
        .get::<Person>(&DocId::person(volunteer.id))
        .expect("held offline");
    stale.display_name = format!("{marker}-ter");
    offline.put(&stale);
    let report = offline.sync().await;
    assert_eq!(report.erased, 1);
    assert!(
        offline
            .get::<Person>(&DocId::person(volunteer.id))
            .is_none()
    );
    assert!(
        !contains(&database_bytes(&offline.path), needle),
        "still on the late device"
    );
    assert!(
        !contains(&database_bytes(&server_store), needle),
        "brought back to the server"
    );
    server.stop().await;
}

/// A reader holding the write-ahead log during an erasure keeps its old
/// pages from being overwritten: the deletion commits, the office is told
/// it failed, and asking again, once the reader is gone, finishes it (it
/// answered "not found" before, and the copy in the WAL stayed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_a_reader_held_up_is_finished_by_asking_again() {
    let server = TestServer::start().await;
    let office = server.municipality("Ivry").await;
    let mut recorder = Device::enrol(&server, &office, Role::Agent).await;
    let marker = "MARQUEUR-WAL-Ines-Benali-0698765432";
    let volunteer = person(marker, recorder.agent);
    recorder.put(&volunteer);
    recorder.sync().await;
    let server_store = server.store_path(office.id);
    let needle = marker.as_bytes();
    assert!(contains(&database_bytes(&server_store), needle));

    // A reader in the middle of a read transaction, as the projector is
    // while it reads a batch.
    let reader = rusqlite::Connection::open(&server_store).expect("reader");
    reader.execute_batch("BEGIN").expect("begin");
    let _: i64 = reader
        .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
        .expect("read");
    let pages = OfficePages::new(&server, &office);
    let path = format!("/office/volunteers/{}/erase", volunteer.id.0);
    let held_up = pages.post(&path, &[]).await;
    assert_eq!(held_up.status, 500, "the office is told it did not finish");
    reader.execute_batch("COMMIT").expect("end the read");
    drop(reader);

    let again = pages.post(&path, &[]).await;
    assert_eq!(again.status, 303, "asking again finishes it");
    assert!(
        !contains(&database_bytes(&server_store), needle),
        "still in the server's files"
    );
    // Once finished, asking again still says done; an unknown person is
    // unknown.
    assert_eq!(pages.post(&path, &[]).await.status, 303);
    let unknown = format!("/office/volunteers/{}/erase", PersonId::new().0);
    assert_eq!(pages.post(&unknown, &[]).await.status, 404);
    server.stop().await;
}
