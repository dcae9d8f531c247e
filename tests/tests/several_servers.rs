//! Two `palier-server` processes on one PostgreSQL database, as behind a
//! load balancer: a coordinator's session, a territory preview, attempt
//! counters and revocations hold on both; phones that reach a different
//! server on each sync converge, and each server's office figures (its
//! own read model, projected from the shared documents) count the same
//! visits.
//!
//! Attacks tried: guesses at a password spread over both servers (the
//! limit holds across them); a phone revoked on one server syncing on the
//! other (refused).

use shared::api::{LoginRequest, Role};
use shared::domain::*;
use std::collections::BTreeSet;
use tests::{Device, Office, OfficePages, TestServer, hidden_field};

async fn on(url: &str) -> TestServer {
    let url = url.to_string();
    TestServer::start_with(move |config| config.database_url = Some(url)).await
}

fn as_seen_by(office: &Office, server: &TestServer) -> Office {
    Office {
        id: office.id,
        token: office.token.clone(),
        server: server.client(),
    }
}

/// The visits a server's office figures count, once its read model has
/// caught up with the shared documents.
async fn visits_counted(server: &TestServer, municipality: MunicipalityId) -> i64 {
    let model = server
        .state
        .tenants
        .read_model(municipality)
        .expect("read model");
    tokio::task::spawn_blocking(move || {
        model.catch_up().expect("catch up");
        model
            .reader()
            .expect("reader")
            .query_row("SELECT count(*) FROM rm_visits", [], |r| r.get(0))
            .expect("count")
    })
    .await
    .expect("join")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phones_and_coordinators_may_reach_either_server() {
    let url = tests::pg::fresh_database_async().await;
    let a = on(&url).await;
    let b = on(&url).await;
    // Logged in on A; the same session works on B.
    let office_a = a.municipality("Pierrefitte").await;
    let office_b = as_seen_by(&office_a, &b);

    // The territory is previewed on A and confirmed on B.
    let preview = OfficePages::new(&a, &office_a)
        .upload("/office/territory/preview", tests::territory_fixtures())
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    let token = hidden_field(&preview.body, "token").expect("confirm token");
    let done = OfficePages::new(&b, &office_b)
        .post("/office/territory/confirm", &[("token", &token)])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        done.location.as_deref(),
        Some("/office/territory?imported=34&unchanged=0")
    );

    // Four phones, codes made on either server, redeemed on the other.
    let mut phones = Vec::new();
    for p in 0..4 {
        let (code_from, redeem_on) = if p % 2 == 0 {
            (&office_a, &b)
        } else {
            (&office_b, &a)
        };
        phones.push(Device::enrol(redeem_on, code_from, Role::Agent).await);
    }
    // Every phone received the territory, whichever server it asked.
    for phone in &mut phones {
        phone.sync().await;
        assert!(phone.kinds().contains(&shared::schema::DocKind::Building));
    }

    // Three days: each phone records visits in the same stairwells, then
    // syncs on the server the balancer picks (alternating).
    let campaign = CampaignId::new();
    let buildings: Vec<BuildingId> = (0..2).map(|_| BuildingId::new()).collect();
    let mut recorded = BTreeSet::new();
    for day in 0..3 {
        for (p, phone) in phones.iter_mut().enumerate() {
            for building in &buildings {
                let visit =
                    phone.visit(campaign, *building, &format!("{day}{p}"), Outcome::NotHome);
                recorded.insert(visit.id);
            }
            phone.server = if (day + p) % 2 == 0 {
                a.client()
            } else {
                b.client()
            };
            let report = phone.sync().await;
            assert!(report.refused.is_empty(), "{:?}", report.refused);
        }
    }
    // Once more each, on the other server: every phone holds every visit,
    // once.
    for (p, phone) in phones.iter_mut().enumerate() {
        phone.server = if p % 2 == 0 { b.client() } else { a.client() };
        phone.sync().await;
    }
    for phone in &phones {
        phone.assert_holds_once(campaign, &buildings, &recorded);
    }
    // Both servers' office figures count every visit.
    let expected = i64::try_from(recorded.len()).expect("count");
    assert_eq!(visits_counted(&a, office_a.id).await, expected);
    assert_eq!(visits_counted(&b, office_a.id).await, expected);

    // A phone revoked on A is refused on B.
    let revoked = app::sync::enrolment(&phones[0].store)
        .expect("read")
        .expect("enrolled");
    assert_eq!(office_a.revoke(&a.url, revoked.device_id).await, 204);
    let phone = &mut phones[0];
    phone.server = b.client();
    let refused = app::sync::sync(&mut phone.store, &phone.server, &mut |_| {}).await;
    assert!(
        refused.is_err(),
        "a revoked phone synced on the other server"
    );

    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_guesses_spread_over_two_servers_meet_one_limit() {
    let url = tests::pg::fresh_database_async().await;
    let a = on(&url).await;
    let b = on(&url).await;
    a.municipality("Villetaneuse").await;
    let guess = |server: &TestServer| {
        let url = format!("{}/api/login", server.url);
        async move {
            reqwest::Client::new()
                .post(url)
                .json(&LoginRequest {
                    email: "coordination@villetaneuse.test".into(),
                    password: "devinette".into(),
                })
                .send()
                .await
                .expect("login")
                .status()
                .as_u16()
        }
    };
    for i in 0..sync_server::http::throttle::LOGINS_PER_ACCOUNT {
        let server = if i % 2 == 0 { &a } else { &b };
        assert_eq!(guess(server).await, 401);
    }
    assert_eq!(guess(&a).await, 429);
    assert_eq!(guess(&b).await, 429);
    a.stop().await;
    b.stop().await;
}
