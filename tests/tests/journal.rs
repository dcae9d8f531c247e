//! The journal of who did what with personal data, and the data
//! protection officer who reads it: each act of a coordinator on
//! residents' data is a line (who, when, what), with no resident's name,
//! contact or id; the DPO reads the privacy pages and nothing else, and
//! changes nothing; no phone is enrolled for the DPO.

use shared::api::Role;
use shared::domain::*;
use tests::{OfficePages, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_act_on_personal_data_is_journaled_without_naming_anyone() {
    let server = TestServer::start().await;
    let office = server.municipality("Aubervilliers").await;
    let pages = OfficePages::new(&server, &office);
    let marker = "MARQUEUR-Fatou-Diarra";
    let volunteer = tests::person(marker, AgentId::new());
    server.put(office.id, &volunteer);

    // A coordinator opens the volunteers, withdraws an agreement, searches
    // for a resident.
    assert_eq!(pages.get("/office/volunteers").await.status, 200);
    let withdrawn = pages
        .post(
            &format!("/office/volunteers/{}/withdraw", volunteer.id.0),
            &[("purpose", "neighbourhood_council")],
        )
        .await;
    assert_eq!(withdrawn.status, 303);
    assert!(
        withdrawn
            .location
            .as_deref()
            .is_some_and(|l| l.contains("due=1")),
        "her last agreement: she is due for erasure"
    );
    let found = pages.post("/office/residents", &[("words", marker)]).await;
    assert_eq!(found.status, 200);

    // The DPO reads the journal: three lines, the coordinator named, the
    // resident not.
    let dpo = server
        .account(
            &office,
            "dpo@aubervilliers.test",
            Role::DataProtectionOfficer,
        )
        .await;
    let dpo_pages = OfficePages::new(&server, &dpo);
    let journal = dpo_pages.get("/office/privacy/journal").await;
    assert_eq!(journal.status, 200);
    for act in [
        "A ouvert la liste des volontaires (1 personnes)",
        "A enregistré le retrait d'un accord (Conseil de quartier)",
        "A cherché ce qui est détenu sur un habitant (1 fiches",
    ] {
        assert!(journal.body.replace("&#39;", "'").contains(act), "{act}");
    }
    assert!(journal.body.contains("coordination@aubervilliers.test"));
    assert!(!journal.body.contains(marker), "a resident's name");
    assert!(
        !journal.body.contains(&volunteer.id.0.to_string()),
        "a resident's id"
    );
    let control = server.state.control.clone();
    let rows = tests::blocking(|| {
        control
            .journal_lines(office.id, 0, i64::MAX, 100)
            .expect("journal")
    });
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert!(!row.detail.contains(marker) && !row.detail.contains(&volunteer.id.0.to_string()));
    }

    // The DPO reads the notice, changes nothing, and sees no resident.
    assert_eq!(dpo_pages.get("/office/privacy/notice").await.status, 200);
    assert!(
        !dpo_pages
            .get("/office/privacy/notice")
            .await
            .body
            .contains("<form class=\"card\" method=\"post\""),
        "no publishing form"
    );
    for path in [
        "/office/volunteers",
        "/office/residents",
        "/office/exports",
        "/office",
    ] {
        assert_eq!(dpo_pages.get(path).await.status, 403, "{path}");
    }
    assert_eq!(
        dpo_pages
            .post("/office/privacy/notice", &[("short_fr", "x")])
            .await
            .status,
        403
    );

    // No phone is enrolled for the DPO.
    let response = reqwest::Client::new()
        .post(format!("{}/api/enrolment-codes", server.url))
        .bearer_auth(&office.token)
        .json(&serde_json::json!({"role": "data_protection_officer", "whole_town": false}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 400);
    server.stop().await;
}
