//! The records of processing are generated from the policy table and the
//! retention settings: a period changed at the office changes the record
//! (page and text file), and the change is journaled.

use shared::api::Role;
use tests::{OfficePages, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_records_change_when_a_retention_period_changes() {
    let server = TestServer::start().await;
    let office = server.municipality("Pierrefitte").await;
    let pages = OfficePages::new(&server, &office);
    let dpo = server
        .account(&office, "dpo@pierrefitte.test", Role::DataProtectionOfficer)
        .await;
    let dpo_pages = OfficePages::new(&server, &dpo);
    let before = dpo_pages.get("/office/privacy/records").await;
    assert_eq!(before.status, 200);
    assert!(before.body.contains("1095 jours après le dernier contact"));
    assert!(before.body.contains("Pierrefitte"));
    // Who receives visits comes from the policy table.
    let visits = &before.body[before
        .body
        .find("Visites et consultations")
        .expect("the conversations")..];
    let visits = &visits[..visits.find("</section>").expect("end")];
    assert!(visits.contains("Agent"), "{visits}");
    assert!(!visits.contains("Élu"), "{visits}");

    let saved = pages
        .post(
            "/office/privacy/retention",
            &[
                ("contact_days", "730"),
                ("words_days", "365"),
                ("assembly_ends_on", "2027-06-30"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    let after = dpo_pages.get("/office/privacy/records").await;
    assert!(after.body.contains("730 jours après le dernier contact"));
    assert!(!after.body.contains("1095 jours"));
    assert!(after.body.contains("le 2027-06-30"), "the assembly's end");
    let text = dpo_pages.get("/office/privacy/records.txt").await;
    assert_eq!(text.status, 200);
    assert!(text.body.contains("730 jours après le dernier contact"));
    // The DPO may not change a period.
    assert_eq!(
        dpo_pages
            .post("/office/privacy/retention", &[("contact_days", "1")])
            .await
            .status,
        403
    );
    let journal = dpo_pages.get("/office/privacy/journal").await;
    assert!(
        journal.body.contains("« contact » : 730 jours"),
        "{}",
        journal.body
    );
    server.stop().await;
}
