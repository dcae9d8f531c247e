//! Workflow 1 end to end below the browser: what a coordinator prepares at
//! the office (campaign, questionnaire with an Arabic translation and a
//! conditional question, a sector with its agent) reaches an enrolled
//! device at its next sync; visits keep the version they answered.

use shared::api::Role;
use shared::domain::{Campaign, Outcome, QuestionKind, Sector};
use shared::schema::{DocId, DocKind};
use shared::sync::Records;
use tests::{Device, OfficePages, TestServer, fixture, hidden_field};

fn campaign_id(location: Option<&str>) -> String {
    location
        .and_then(|l| l.strip_prefix("/office/campaigns/"))
        .expect("campaign location")
        .to_string()
}

#[tokio::test]
async fn what_the_office_prepares_reaches_the_device_at_its_next_sync() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let pages = OfficePages::new(&server, &office);
    let mut device = Device::enrol(&server, &office, Role::Agent).await;

    let preview = pages
        .upload(
            "/office/territory/preview",
            vec![(
                "buildings",
                "batiments.csv",
                fixture("batiments-villejuif.csv"),
            )],
        )
        .await;
    let token = hidden_field(&preview.body, "token").expect("token");
    pages
        .post("/office/territory/confirm", &[("token", &token)])
        .await;

    let created = pages
        .post(
            "/office/campaigns",
            &[
                ("name", "Porte-à-porte Lozaits"),
                ("kind", "door-to-door"),
                ("starts", "2026-11-23"),
                ("ends", "2027-01-31"),
            ],
        )
        .await;
    assert_eq!(created.status, 303);
    let id = campaign_id(created.location.as_deref());
    let settings = pages
        .post(
            &format!("/office/campaigns/{id}"),
            &[
                ("name", "Porte-à-porte Lozaits"),
                ("kind", "door-to-door"),
                ("starts", "2026-11-23"),
                ("ends", "2027-01-31"),
                ("topics", "Propreté\nSécurité\n\nJeunesse"),
                ("services", "Voirie\nBailleur social"),
            ],
        )
        .await;
    assert_eq!(settings.status, 200);

    let q = format!("/office/campaigns/{id}/questionnaire");
    let first = pages
        .post(
            &format!("{q}/questions"),
            &[
                ("kind", "single"),
                ("required", "on"),
                ("label_fr", "Connaissez-vous le conseil citoyen ?"),
                ("label_en", "Do you know the citizens' council?"),
                ("label_ar", "هل تعرف مجلس المواطنين؟"),
                ("options_fr", "Oui\nNon"),
                ("options_en", "Yes\nNo"),
                ("options_ar", "نعم\nلا"),
            ],
        )
        .await;
    assert_eq!(first.status, 303, "{}", first.body);
    // A translation with a missing line is refused, naming the language.
    let refused = pages
        .post(
            &format!("{q}/questions"),
            &[
                ("kind", "single"),
                ("label_fr", "Viendriez-vous à une réunion ?"),
                ("options_fr", "Oui\nNon\nPeut-être"),
                ("options_ar", "نعم\nلا"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("La traduction ar des choix a 2 ligne(s), le français en a 3.")
    );
    let second = pages
        .post(
            &format!("{q}/questions"),
            &[
                ("kind", "text"),
                ("label_fr", "Qu'en savez-vous ?"),
                ("label_ar", "ماذا تعرف عنه؟"),
                ("show_if", "q1=oui"),
            ],
        )
        .await;
    assert_eq!(second.status, 303, "{}", second.body);
    // Not published yet: the device would get no questionnaire.
    device.sync().await;
    let on_device: Campaign = device
        .get(&DocId::campaign(id.parse().expect("id")))
        .expect("campaign");
    assert_eq!(on_device.questionnaire.version, 0);
    assert_eq!(on_device.topics, ["Propreté", "Sécurité", "Jeunesse"]);

    let published = pages.post(&format!("{q}/publish"), &[]).await;
    assert!(
        published.body.contains("Publiée : version 1"),
        "{}",
        published.body
    );

    let buildings = {
        let store = server.state.tenants.store(office.id).expect("store");
        let store = store.get().expect("connection");
        store
            .records::<shared::domain::Building>(DocKind::Building)
            .expect("buildings")
    };
    let agent = device.agent.0.to_string();
    let chosen: Vec<String> = buildings.iter().take(3).map(|b| b.id.to_string()).collect();
    let sector = pages
        .post(
            &format!("/office/campaigns/{id}/sectors"),
            &[
                ("name", "Lozaits nord"),
                ("building", &chosen[0]),
                ("building", &chosen[1]),
                ("building", &chosen[2]),
                ("agent", &agent),
            ],
        )
        .await;
    assert_eq!(sector.status, 303, "{}", sector.body);
    // A sector without a building is refused.
    let empty = pages
        .post(
            &format!("/office/campaigns/{id}/sectors"),
            &[("name", "Vide")],
        )
        .await;
    assert_eq!(empty.status, 422);

    device.sync().await;
    let campaign: Campaign = device
        .get(&DocId::campaign(id.parse().expect("id")))
        .expect("campaign");
    assert_eq!(campaign.questionnaire.version, 1);
    let questions = &campaign.questionnaire.questions;
    assert_eq!(questions.len(), 2);
    assert_eq!(questions[0].label["ar"], "هل تعرف مجلس المواطنين؟");
    assert!(
        matches!(&questions[0].kind, QuestionKind::SingleChoice { options } if options == &["oui", "non"])
    );
    assert_eq!(questions[0].option_labels["non"]["ar"], "لا");
    assert_eq!(
        questions[1].show_if.as_ref().map(|c| c.equals.as_str()),
        Some("oui")
    );
    let sectors: Vec<Sector> = device.store.records(DocKind::Sector).expect("sectors");
    assert_eq!(sectors.len(), 1);
    assert_eq!(sectors[0].agents, [device.agent]);
    assert_eq!(sectors[0].buildings.len(), 3);

    // Changing the questionnaire makes version 2; version 1 is kept for
    // the visits that answered it.
    let moved = pages.post(&format!("{q}/questions/q2/up"), &[]).await;
    assert_eq!(moved.status, 422);
    assert!(
        moved.body.contains("doit rester après elle"),
        "{}",
        moved.body
    );
    pages.post(&format!("{q}/questions/q2/delete"), &[]).await;
    pages.post(&format!("{q}/publish"), &[]).await;
    device.sync().await;
    let campaign: Campaign = device
        .get(&DocId::campaign(id.parse().expect("id")))
        .expect("campaign");
    assert_eq!(campaign.questionnaire.version, 2);
    assert_eq!(
        campaign.questionnaire_version(1).map(|q| q.questions.len()),
        Some(2)
    );
    assert_eq!(campaign.questionnaire.questions.len(), 1);

    // The sector page shows progress from synced visits: two visits to
    // one door and one to another are two doors knocked.
    let doors: usize = buildings.iter().take(3).map(|b| b.dwelling_count()).sum();
    let page = pages.get(&format!("/office/campaigns/{id}/sectors")).await;
    assert!(
        page.body
            .contains(&format!("0 / {doors} portes frappées (0 %)")),
        "{}",
        page.body
    );
    let campaign_id = campaign.id;
    let door = |b: usize| buildings[b].dwellings().next().expect("a door");
    device.visit_door(campaign_id, buildings[0].id, door(0), Outcome::NotHome);
    device.visit_door(campaign_id, buildings[0].id, door(0), Outcome::Refused);
    device.visit_door(campaign_id, buildings[1].id, door(1), Outcome::NotHome);
    // A door the building does not have (renamed in the field) is not
    // counted against the imported ones.
    device.visit(campaign_id, buildings[1].id, "999", Outcome::NotHome);
    device.sync().await;
    let page = pages.get(&format!("/office/campaigns/{id}/sectors")).await;
    assert!(
        page.body.contains(&format!("2 / {doors} portes frappées")),
        "{}",
        page.body
    );
    server.stop().await;
}

#[tokio::test]
async fn an_end_date_before_the_start_date_is_refused_not_moved() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let pages = OfficePages::new(&server, &office);
    let campaign = |name: &'static str, starts: &'static str, ends: &'static str| {
        [
            ("name", name),
            ("kind", "door-to-door"),
            ("starts", starts),
            ("ends", ends),
        ]
    };
    let reversed = pages
        .post(
            "/office/campaigns",
            &campaign("À l'envers", "2027-01-31", "2026-11-23"),
        )
        .await;
    assert_eq!(reversed.status, 200);
    assert!(
        reversed
            .body
            .contains("La date de fin est avant la date de début")
    );
    let store = shared::store::Store::open(&server.store_path(office.id)).expect("store");
    let stored: Vec<Campaign> = store.records(DocKind::Campaign).expect("campaigns");
    assert!(stored.is_empty(), "nothing created");

    let created = pages
        .post(
            "/office/campaigns",
            &campaign("Lozaits", "2026-11-23", "2027-01-31"),
        )
        .await;
    let id = campaign_id(created.location.as_deref());
    let edited = pages
        .post(
            &format!("/office/campaigns/{id}"),
            &campaign("Lozaits", "2026-11-23", "2026-10-01"),
        )
        .await;
    assert_eq!(edited.status, 200);
    assert!(
        edited
            .body
            .contains("La date de fin est avant la date de début")
    );
    assert!(
        edited.body.contains("2027-01-31"),
        "the stored end date is shown"
    );
    let store = shared::store::Store::open(&server.store_path(office.id)).expect("store");
    let stored: Vec<Campaign> = store.records(DocKind::Campaign).expect("campaigns");
    assert_eq!(stored.len(), 1);
    assert!(stored[0].ends_at > stored[0].starts_at, "not moved");
}

#[tokio::test]
async fn an_archived_campaign_leaves_the_phones_and_the_current_list_and_comes_back() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let pages = OfficePages::new(&server, &office);
    let building = tests::samples::building(1);
    server.put(office.id, &building);
    let campaign = Campaign::new(
        "Porte-à-porte été".into(),
        shared::domain::CampaignKind::DoorToDoor,
        0,
        1,
    );
    server.put(office.id, &campaign);
    let mut phone = Device::enrol(&server, &office, Role::Agent).await;
    server.put(
        office.id,
        &tests::samples::sector(campaign.id, "Nord", vec![building.id], phone.agent),
    );
    let listed = |phone: &Device| {
        app::field::sectors(&phone.store, Some(phone.agent))
            .expect("sectors")
            .len()
    };
    phone.sync().await;
    assert_eq!(listed(&phone), 1);

    let archived = pages
        .post(
            &format!("/office/campaigns/{}/archive", campaign.id),
            &[("archived", "1")],
        )
        .await;
    assert_eq!(archived.status, 303);
    let list = pages.get("/office").await;
    assert!(list.body.contains("Démarches archivées (1)"));
    phone.sync().await;
    assert_eq!(listed(&phone), 0, "gone from the phone");

    let back = pages
        .post(
            &format!("/office/campaigns/{}/archive", campaign.id),
            &[("archived", "0")],
        )
        .await;
    assert_eq!(back.status, 303);
    phone.sync().await;
    assert_eq!(listed(&phone), 1, "back on the phone");
    // An elected official cannot archive.
    let elected = server
        .account(&office, "elu@villejuif.test", Role::ElectedOfficial)
        .await;
    let refused = OfficePages::new(&server, &elected)
        .post(
            &format!("/office/campaigns/{}/archive", campaign.id),
            &[("archived", "1")],
        )
        .await;
    assert_eq!(refused.status, 403);
}
