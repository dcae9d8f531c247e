//! Retention that runs itself, with the server's clock moved: one day
//! before a period ends everything is kept; one day after, the server
//! purges it from its store, its read model and, at their next sync, the
//! phones (bytes, history included); a new contact extends a volunteer's
//! deadline; the figures stay; the purge's journal line names no one.
//! And a volunteer with no consent left goes at once when the office says
//! so.

use shared::api::Role;
use shared::domain::*;
use shared::schema::DocId;
use sync_server::retention::{self, DAY_MS, Settings};
use tests::{Device, OfficePages, TestServer, contains, held_bytes, samples};

fn run(server: &TestServer) -> retention::Purged {
    let state = server.state.clone();
    tests::blocking(move || retention::run_all(&state).expect("purge"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_passed_its_period_is_purged_everywhere_and_nothing_before() {
    let server = TestServer::start().await;
    let office = server.municipality("Villetaneuse").await;
    let clock = server.state.clock.clone();
    let start = clock.now();
    let place = samples::building(4);
    server.put(office.id, &place);
    let mut campaign = Campaign::new("Cadre de vie".into(), CampaignKind::DoorToDoor, 0, start);
    campaign.topics = vec!["propreté".into()];
    campaign.services = vec![samples::SERVICE.into()];
    campaign.questionnaire = Questionnaire {
        version: 1,
        questions: vec![Question {
            id: "q9".into(),
            kind: QuestionKind::FreeText,
            label: Translations::from([("fr".to_string(), "Autre chose ?".to_string())]),
            option_labels: Default::default(),
            required: false,
            show_if: None,
        }],
    };
    server.put(office.id, &campaign);
    let mut phone = Device::enrol(&server, &office, Role::Agent).await;
    phone.sync().await;

    // At a door: her words, a free-text answer, a free topic, her age
    // band; she signs up; a problem goes to a service.
    let words = "MOTS-A-PERIMER";
    let name = "NOM-A-PERIMER";
    let mut volunteer = tests::person(name, phone.agent);
    volunteer.consents[0].at = start;
    phone.put(&volunteer);
    let mut problem = samples::follow_up(campaign.id, phone.agent);
    problem.building = Some(place.id);
    problem.description = format!("{words} signalement");
    phone.put(&problem);
    let mut talk = samples::visit(campaign.id, place.id, phone.agent, "3");
    talk.at = start;
    talk.verbatim = format!("{words} verbatim");
    talk.topics = vec!["propreté".into(), format!("{words} thème")];
    talk.answers
        .insert("q9".into(), Answer::Text(format!("{words} réponse")));
    talk.profile.age_band = Some("65+".into());
    talk.questionnaire_version = Some(1);
    talk.person = Some(volunteer.id);
    talk.follow_up = Some(problem.id);
    phone.record(&talk);
    let first = phone.sync().await;
    assert!(first.refused.is_empty(), "{:?}", first.refused);

    let store_path = server.store_path(office.id);
    let model_path = sync_server::readmodel::path_beside(&store_path);
    let held = |needle: &str| {
        contains(&held_bytes(&store_path), needle.as_bytes())
            || contains(&held_bytes(&model_path), needle.as_bytes())
    };
    assert!(held(words) && held(name), "held first");

    // A day before the words' period ends: nothing goes.
    let words_period = Settings::default().words_days * DAY_MS;
    clock.advance(words_period - DAY_MS);
    assert_eq!(run(&server), retention::Purged::default());
    assert!(held(words));

    // A day after: the words go, the figures and her record stay.
    clock.advance(2 * DAY_MS);
    let purged = run(&server);
    assert_eq!(
        (purged.visits, purged.follow_ups, purged.persons),
        (1, 1, 0)
    );
    assert!(
        !held(words),
        "words left on the server or in the read model"
    );
    assert!(held(name), "her record has its own period");
    let log = server
        .load(
            office.id,
            &DocId::visits(campaign.id, place.id)
                .next_generation()
                .expect("next"),
        )
        .expect("rebuilt log");
    let kept = &shared::schema::visits(&log).expect("visits")[&talk.id.to_string()];
    assert_eq!(kept.outcome, Outcome::Talked);
    assert_eq!(kept.profile.age_band.as_deref(), Some("65+"));
    assert_eq!(kept.topics, ["propreté"]);
    assert!(kept.words_expired && kept.verbatim.is_empty());
    // The phone, at its next sync.
    phone.sync().await;
    assert!(
        !contains(&held_bytes(&phone.path), words.as_bytes()),
        "on the phone"
    );
    assert!(contains(&held_bytes(&phone.path), name.as_bytes()));

    // Met again at her door on day 400: her deadline moves with it.
    clock.advance(400 * DAY_MS - words_period - DAY_MS);
    let mut again = samples::visit(campaign.id, place.id, phone.agent, "3");
    again.at = clock.now();
    again.verbatim.clear();
    again.outcome = Outcome::NotHome;
    again.person = Some(volunteer.id);
    phone.record(&again);
    let second = phone.sync().await;
    assert!(second.refused.is_empty(), "{:?}", second.refused);
    let contact = Settings::default().contact_days * DAY_MS;
    // Past three years after her consent, not after the new contact.
    clock.advance(contact - 400 * DAY_MS + DAY_MS);
    assert_eq!(run(&server).persons, 0, "the new contact extended it");
    assert!(held(name));
    clock.advance(400 * DAY_MS);
    assert_eq!(run(&server).persons, 1);
    assert!(!held(name), "her record left on the server");
    phone.sync().await;
    assert!(
        !contains(&held_bytes(&phone.path), name.as_bytes()),
        "on the phone"
    );

    // The journal: the server did it, with counts only.
    let pages = OfficePages::new(&server, &office);
    let journal = pages
        .get("/office/privacy/journal?from=2000-01-01&to=2100-01-01")
        .await;
    assert!(journal.body.contains("Palier (automatique)"));
    assert!(journal.body.contains("Durée de conservation dépassée"));
    assert!(!journal.body.contains(words) && !journal.body.contains(name));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_consent_left_goes_at_once_when_the_office_says_so() {
    let server = TestServer::start().await;
    let office = server.municipality("Épinay").await;
    let pages = OfficePages::new(&server, &office);
    let name = "NOM-SANS-ACCORD";
    let mut volunteer = tests::person(name, AgentId::new());
    volunteer.consents[0].at = server.state.clock.now();
    server.put(office.id, &volunteer);
    let withdrawn = pages
        .post(
            &format!("/office/volunteers/{}/withdraw", volunteer.id.0),
            &[("purpose", "neighbourhood_council")],
        )
        .await;
    assert_eq!(withdrawn.status, 303);
    // By default: kept, and shown as due for erasure.
    assert_eq!(run(&server).persons, 0);
    assert!(
        pages
            .get("/office/volunteers")
            .await
            .body
            .contains("Plus aucun accord")
    );
    // The office chooses erasure at once: the next purge takes her.
    let saved = pages
        .post(
            "/office/privacy/retention",
            &[
                ("contact_days", "1095"),
                ("words_days", "365"),
                ("assembly_ends_on", ""),
                ("erase_without_consent", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    assert_eq!(run(&server).persons, 1);
    assert!(
        server
            .load(office.id, &DocId::person(volunteer.id))
            .is_none()
    );
    server.stop().await;
}
