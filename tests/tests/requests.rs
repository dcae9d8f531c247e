//! The register of residents' requests, with the server's clock moved: a
//! request received on day D is due on D + one calendar month, shows as
//! overdue the day after, and an extension (with its reason) moves it to
//! D + three months. The DPO reads the register and changes nothing.

use shared::api::Role;
use tests::{OfficePages, TestServer};

const DAY: i64 = 86_400_000;

fn paris_day(ms: i64) -> jiff::civil::Date {
    sync_server::readmodel::rules::date(ms).expect("a day")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_is_due_a_month_later_and_overdue_after() {
    let server = TestServer::start().await;
    let office = server.municipality("Saint-Denis").await;
    let pages = OfficePages::new(&server, &office);
    let clock = server.state.clock.clone();
    let received = paris_day(clock.now());
    let due = sync_server::requests::due_on(received, false).expect("due");

    let recorded = pages
        .post(
            "/office/privacy/requests",
            &[
                ("kind", "access"),
                ("received_on", &received.to_string()),
                ("reference", "Courrier 2026-031"),
            ],
        )
        .await;
    assert_eq!(recorded.status, 303);
    let page = pages.get("/office/privacy/requests").await;
    assert!(page.body.contains(&due.to_string()), "due a month later");
    assert!(page.body.contains("0 en retard"), "{}", page.body);

    // Out of its sets: refused, nothing recorded.
    let tomorrow = received.tomorrow().expect("tomorrow").to_string();
    for fields in [
        vec![("kind", "deletion"), ("received_on", "")],
        vec![("kind", "access"), ("received_on", tomorrow.as_str())],
    ] {
        assert_eq!(
            pages.post("/office/privacy/requests", &fields).await.status,
            422
        );
    }

    // On its day (at noon, whatever the hour the test runs) it is due
    // today; the next day, overdue.
    let noon = sync_server::readmodel::rules::midnight(due).expect("midnight") + 12 * 3_600_000;
    clock.advance(noon - clock.now());
    let on_the_day = pages.get("/office/privacy/requests").await;
    assert!(on_the_day.body.contains("aujourd&#39;hui") || on_the_day.body.contains("aujourd'hui"));
    clock.advance(DAY);
    let late = pages.get("/office/privacy/requests").await;
    assert!(late.body.contains("en retard de 1 j"), "{}", late.body);
    assert!(late.body.contains("1 en retard"));

    // Overdue, it can no longer be extended: the resident had to be told
    // within the month.
    let control = server.state.control.clone();
    let id = tests::blocking(|| control.requests(office.id).expect("requests"))[0]
        .id
        .clone();
    let path = format!("/office/privacy/requests/{id}");
    let late_extension = pages
        .post(
            &path,
            &[
                ("action", "extend"),
                ("reason", "Archives papier à consulter"),
            ],
        )
        .await;
    assert_eq!(late_extension.status, 422);
    assert!(late_extension.body.contains("Trop tard"));

    // A request received today, extended with a reason: due three months
    // after it was received.
    let today = paris_day(clock.now());
    let recorded = pages
        .post(
            "/office/privacy/requests",
            &[("kind", "erasure"), ("received_on", &today.to_string())],
        )
        .await;
    assert_eq!(recorded.status, 303);
    let erasure = || {
        let control = server.state.control.clone();
        tests::blocking(move || control.requests(office.id).expect("requests"))
            .into_iter()
            .find(|r| r.kind == "erasure")
            .expect("recorded")
    };
    let second_path = format!("/office/privacy/requests/{}", erasure().id);
    let no_reason = pages
        .post(&second_path, &[("action", "extend"), ("reason", " ")])
        .await;
    assert_eq!(no_reason.status, 422);
    let extended = pages
        .post(
            &second_path,
            &[
                ("action", "extend"),
                ("reason", "Archives papier à consulter"),
            ],
        )
        .await;
    assert_eq!(extended.status, 303);
    assert_eq!(
        erasure().due_on,
        sync_server::requests::due_on(today, true)
            .expect("due")
            .to_string()
    );

    // The DPO reads it, and changes nothing.
    let dpo = server
        .account(&office, "dpo@saint-denis.test", Role::DataProtectionOfficer)
        .await;
    let dpo_pages = OfficePages::new(&server, &dpo);
    let read = dpo_pages.get("/office/privacy/requests").await;
    assert_eq!(read.status, 200);
    assert!(read.body.contains("Courrier 2026-031"));
    assert!(
        !read.body.contains("Noter la demande"),
        "no form for the DPO"
    );
    assert_eq!(
        dpo_pages
            .post(&path, &[("action", "close"), ("state", "done")])
            .await
            .status,
        403
    );
    // Closed by the coordinator: who and when are kept; the journal says it.
    assert_eq!(
        pages
            .post(&path, &[("action", "close"), ("state", "done")])
            .await
            .status,
        303
    );
    let control = server.state.control.clone();
    let row = tests::blocking(|| control.requests(office.id).expect("requests"))
        .into_iter()
        .find(|r| r.id == id)
        .expect("recorded");
    assert_eq!(row.state, "done");
    assert_eq!(row.closed_by, "coordination@saint-denis.test");
    let journal = dpo_pages.get("/office/privacy/journal").await;
    assert!(
        journal
            .body
            .contains("Demande d'habitant (Accès) : Répondue"),
        "{}",
        journal.body
    );
    server.stop().await;
}
