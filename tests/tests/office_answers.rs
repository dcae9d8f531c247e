//! What residents answered reaches the office: three phones answer a
//! conditional questionnaire through the real sync endpoint, and the
//! «Réponses» page counts exactly those answers, with their denominators.
//!
//! Attacks tried: an elected official asking for the residents' own words
//! (the free-text list answers 403, and the page they may read holds no
//! free text); an answer to a question the resident was not asked (its
//! condition did not hold) counted anyway.

use shared::api::Role;
use shared::domain::*;
use std::collections::BTreeMap;
use tests::{Device, OfficePages, TestServer, samples};

const T0: i64 = 1_790_000_000_000;

fn question(id: &str, kind: QuestionKind, fr: &str, show_if: Option<(&str, &str)>) -> Question {
    Question {
        id: id.into(),
        kind,
        label: Translations::from([("fr".to_string(), fr.to_string())]),
        option_labels: BTreeMap::new(),
        required: false,
        show_if: show_if.map(|(question, equals)| Condition {
            question: question.into(),
            equals: equals.into(),
        }),
    }
}

fn labelled(options: &[(&str, &str)]) -> (Vec<String>, BTreeMap<String, Translations>) {
    (
        options.iter().map(|(id, _)| id.to_string()).collect(),
        options
            .iter()
            .map(|(id, fr)| {
                (
                    id.to_string(),
                    Translations::from([("fr".to_string(), fr.to_string())]),
                )
            })
            .collect(),
    )
}

/// "Bus ?" (oui/non), "Pourquoi ?" only after "non", a scale of upkeep.
fn questionnaire() -> Questionnaire {
    let (options, option_labels) = labelled(&[("oui", "Oui"), ("non", "Non")]);
    let mut bus = question(
        "q1",
        QuestionKind::SingleChoice { options },
        "Prendrez-vous la nouvelle ligne de bus ?",
        None,
    );
    bus.option_labels = option_labels;
    Questionnaire {
        version: 1,
        questions: vec![
            bus,
            question(
                "q2",
                QuestionKind::FreeText,
                "Pourquoi pas ?",
                Some(("q1", "non")),
            ),
            question(
                "q3",
                QuestionKind::Scale { min: 1, max: 5 },
                "Entretien de l'immeuble",
                None,
            ),
        ],
    }
}

/// A section of the page: from its question's anchor to the next card.
fn section<'a>(body: &'a str, question: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"q-{question}\""))
        .unwrap_or_else(|| panic!("no question {question}"));
    let rest = &body[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn answers_given_at_doors_reach_the_office_counted_once_with_their_denominator() {
    let server = TestServer::start().await;
    let office = server.municipality("Réponses").await;
    let building = samples::building(1);
    let mut building = building;
    building.entrances[0].floors[0].doors = (1..=9).map(|d| d.to_string()).collect();
    server.put(office.id, &building);
    let mut campaign = Campaign::new("Bus".into(), CampaignKind::DoorToDoor, T0, T0 + 86_400_000);
    campaign.questionnaire = questionnaire();
    server.put(office.id, &campaign);
    /// (phone, outcome, q1, q2, q3)
    type Door<'a> = (
        usize,
        Outcome,
        Option<&'a str>,
        Option<&'a str>,
        Option<i64>,
    );
    let mut phones = Vec::new();
    for _ in 0..3 {
        phones.push(Device::enrol(&server, &office, Role::Agent).await);
    }
    let mut sector = samples::sector(campaign.id, "Tour", vec![building.id], phones[0].agent);
    sector.agents = phones.iter().map(|p| p.agent).collect();
    server.put(office.id, &sector);
    // (phone, outcome, q1, q2, q3): a "Non" with its reason, a "Oui"
    // whose phone also sent a reason it was never asked for, a "Non"
    // without a reason, a scale skipped, a door not home.
    let doors: [Door; 6] = [
        (
            0,
            Outcome::Talked,
            Some("non"),
            Some("Trop loin de l'arrêt, rappelez-moi au 06 12 34 56 78"),
            Some(2),
        ),
        (
            1,
            Outcome::Talked,
            Some("oui"),
            Some("jamais demandé"),
            Some(4),
        ),
        (2, Outcome::Talked, Some("non"), None, None),
        (0, Outcome::Talked, Some("oui"), None, Some(4)),
        (1, Outcome::Talked, None, None, Some(5)),
        (2, Outcome::NotHome, None, None, None),
    ];
    for phone in &mut phones {
        phone.sync().await;
    }
    for (i, (p, outcome, q1, q2, q3)) in doors.iter().enumerate() {
        let mut v = Visit::outcome_only(
            campaign.id,
            building.id,
            DwellingRef {
                entrance: "A".into(),
                floor: 0,
                door: (i + 1).to_string(),
            },
            Pass(1),
            T0 + i as i64 * 60_000,
            phones[*p].agent,
            *outcome,
        );
        if *outcome == Outcome::Talked {
            v.questionnaire_version = Some(1);
            if let Some(a) = q1 {
                v.answers.insert("q1".into(), Answer::Choice(a.to_string()));
            }
            if let Some(a) = q2 {
                v.answers.insert("q2".into(), Answer::Text(a.to_string()));
            }
            if let Some(a) = q3 {
                v.answers.insert("q3".into(), Answer::Scale(*a));
            }
            v.profile.language = Some(if i == 1 { "ar" } else { "fr" }.into());
        }
        phones[*p].record(&v);
    }
    for phone in &mut phones {
        let report = phone.sync().await;
        assert!(report.refused.is_empty(), "{:?}", report.refused);
    }

    let coordinator = OfficePages::new(&server, &office);
    let answers = format!("/office/dashboard/answers?campaign={}", campaign.id);
    let page = coordinator.get(&answers).await;
    assert_eq!(page.status, 200);
    // Five conversations; each asked q1 and q3; q1 answered by four.
    let q1 = section(&page.body, "q1");
    assert!(
        q1.contains("Posée à 5 · répondue par 4 · sans réponse : 1"),
        "{q1}"
    );
    assert!(q1.contains("Prendrez-vous la nouvelle ligne de bus ?"));
    assert!(
        q1.contains(">2 · 50\u{202f}%<"),
        "two of four said oui: {q1}"
    );
    // q2 is asked only after "non": twice; answered once. The reason sent
    // after a "oui" was never asked and is not counted.
    let q2 = section(&page.body, "q2");
    assert!(
        q2.contains("Posée à 2 · répondue par 1 · sans réponse : 1"),
        "{q2}"
    );
    assert!(q2.contains("Réponses libres : 1"));
    assert!(
        q2.contains("Posée seulement après la réponse « Non » à « Prendrez-vous la nouvelle ligne de bus ? »."),
        "{q2}"
    );
    let q3 = section(&page.body, "q3");
    assert!(
        q3.contains("Posée à 5 · répondue par 4 · sans réponse : 1"),
        "{q3}"
    );
    assert!(q3.contains("Moyenne 3,8 · médiane 4,0"), "{q3}");
    // Broken down by language: three in French, one in Arabic answered q1.
    let by_language = coordinator.get(&format!("{answers}&by=language")).await;
    let q1 = section(&by_language.body, "q1");
    assert!(q1.contains("<table class=\"cross\">"), "{q1}");
    assert!(
        q1.contains("<th scope=\"row\">ar</th><td>1</td><td>1</td><td>0</td>"),
        "ar: answered 1, oui 1, non 0: {q1}"
    );
    assert!(
        q1.contains("<th scope=\"row\">fr</th><td>3</td><td>1</td><td>2</td>"),
        "{q1}"
    );

    // The coordinator reads the words, as said, less the phone number
    // typed into them.
    let texts = format!(
        "/office/dashboard/answers/text?campaign={}&question=q2",
        campaign.id
    );
    let words = coordinator.get(&texts).await;
    assert_eq!(words.status, 200);
    assert!(
        words.body.contains("Trop loin de l&#39;arrêt")
            || words.body.contains("Trop loin de l'arrêt")
    );
    assert!(!words.body.contains("jamais demandé"));
    assert!(!words.body.contains("06 12 34"), "a contact left in");

    // The coordinator's door-level file: one row per question asked, the
    // words with the phone number masked, options in their wording.
    let q = format!("campaign={}", campaign.id);
    let file = coordinator
        .get(&format!(
            "/office/exports/answers.csv?{q}&reason=Bilan%20du%20questionnaire"
        ))
        .await;
    assert_eq!(file.status, 200);
    let rows: Vec<&str> = file.body.lines().skip(1).collect();
    assert_eq!(rows.len(), 5 + 2 + 5, "q1 and q3 to five, q2 to two");
    assert!(
        rows.iter()
            .any(|r| r.contains(",q1,Prendrez-vous la nouvelle ligne de bus ?,non,Non"))
    );
    assert!(rows.iter().any(|r| r.contains("Trop loin de l'arrêt")));
    assert!(!file.body.contains("06 12 34"), "a contact left in");
    assert!(
        !file.body.contains("jamais demandé"),
        "an answer to a question not asked"
    );
    let asked_not_answered = rows
        .iter()
        .filter(|r| r.contains(",q1,") && r.ends_with(",,"))
        .count();
    assert_eq!(asked_not_answered, 1);
    // The counts per neighbourhood and for the territory: no words.
    let counts = coordinator
        .get(&format!("/office/exports/answer-counts.csv?{q}"))
        .await;
    assert_eq!(counts.status, 200);
    assert!(
        counts
            .body
            .lines()
            .any(|l| l == "TOTAL,q1,Prendrez-vous la nouvelle ligne de bus ?,oui,Oui,5,4,2"),
        "{}",
        counts.body
    );
    assert!(!counts.body.contains("q2") && !counts.body.contains("Trop loin"));
    let geo = coordinator
        .get(&format!("/office/exports/answer-counts.geojson?{q}"))
        .await;
    assert_eq!(geo.status, 200);
    assert!(geo.body.contains("FeatureCollection"));

    // The open data: five conversations, so every count from 1 to 10 is
    // masked; zeros may show; no free-text question, no word.
    let open = coordinator
        .get(&format!("/office/exports/open-data-answers.csv?{q}"))
        .await;
    assert_eq!(open.status, 200);
    let mut lines = open.body.lines().skip(1).peekable();
    assert!(lines.peek().is_some());
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let n = cells[4];
        assert!(n.is_empty() || n == "0", "{n} published in {line}");
        assert!(!line.contains(",q2,"));
    }
    let json = coordinator
        .get(&format!("/office/exports/open-data-answers.json?{q}"))
        .await;
    assert!(json.body.contains("palier-open-data-answers-1"));
    assert!(
        !json.body.contains("\"asked\""),
        "asked and answered are not published"
    );
    assert!(!json.body.contains("Trop loin") && !json.body.contains("Pourquoi pas"));

    // The comparison: another campaign asks the bus question again under
    // another id, its options in another order; the coordinator pairs them.
    let mut again = Campaign::new(
        "Bus, printemps".into(),
        CampaignKind::DoorToDoor,
        T0 - 90 * 86_400_000,
        T0 - 60 * 86_400_000,
    );
    let (options, option_labels) = labelled(&[("b", "Non"), ("a", "Oui"), ("c", "Sans avis")]);
    let mut bus = question(
        "x7",
        QuestionKind::SingleChoice { options },
        "La nouvelle ligne de bus ?",
        None,
    );
    bus.option_labels = option_labels;
    again.questionnaire = Questionnaire {
        version: 1,
        questions: vec![bus],
    };
    server.put(office.id, &again);
    let compare = format!(
        "/office/dashboard/compare?campaign={}&campaign={}",
        campaign.id, again.id
    );
    let unpaired = coordinator.get(&compare).await;
    assert_eq!(unpaired.status, 200);
    assert!(
        unpaired
            .body
            .contains("<option value=\"q1~x7\">La nouvelle ligne de bus ?</option>"),
        "{}",
        unpaired.body
    );
    assert!(
        !unpaired.body.contains("table class=\"paired\""),
        "nothing paired for her"
    );
    let paired = coordinator.get(&format!("{compare}&pair=q1~x7")).await;
    let table = &paired.body[paired.body.find("table class=\"paired\"").expect("paired")..];
    assert!(
        table.contains("<th scope=\"row\">Oui</th><td>2 · 50\u{202f}%</td><td>0 · —</td>"),
        "{table}"
    );
    assert!(
        table.contains("<th scope=\"row\">Sans avis</th><td>—</td><td>0 · —</td>"),
        "{table}"
    );
    // A pair that does not exist, or of two kinds, is ignored.
    let hostile = coordinator
        .get(&format!("{compare}&pair=q3~x7&pair=zz~x7"))
        .await;
    assert_eq!(hostile.status, 200);
    assert!(!hostile.body.contains("table class=\"paired\""));

    // An elected official reads the counts, never the words, and no
    // count from 1 to 10: here, five conversations, so none shows.
    let elected = server
        .account(&office, "elue@reponses.test", Role::ElectedOfficial)
        .await;
    let elected = OfficePages::new(&server, &elected);
    let page = elected.get(&answers).await;
    assert_eq!(page.status, 200);
    let q1 = section(&page.body, "q1");
    assert!(
        q1.contains("Posée à · · répondue par · · sans réponse : ·"),
        "{q1}"
    );
    assert!(q1.contains("Prendrez-vous la nouvelle ligne de bus ?"));
    assert!(!q1.contains("2 · 50"), "{q1}");
    assert!(q1.contains("effectif masqué"));
    assert!(!page.body.contains("Trop loin"));
    assert!(!page.body.contains("/office/dashboard/answers/text"));
    assert_eq!(elected.get(&texts).await.status, 403);
    // The report: the closed questions charted, no free text.
    let report = elected
        .get(&format!("/office/reports?campaign={}", campaign.id))
        .await;
    assert_eq!(report.status, 200);
    let answers_page = &report.body[report
        .body
        .find("report-page answers")
        .expect("a page of answers")..];
    assert!(answers_page.contains("Prendrez-vous la nouvelle ligne de bus ?"));
    assert!(answers_page.contains("Posée à · · répondue par ·"));
    assert!(!answers_page.contains("2 · 50"));
    assert!(
        !report.body.contains("Pourquoi pas ?"),
        "a free-text question in the report"
    );
    assert!(!report.body.contains("Trop loin"));
    for file in ["answers.csv", "answer-counts.csv"] {
        let response = elected.get(&format!("/office/exports/{file}?{q}")).await;
        assert_eq!(response.status, 403, "{file}");
    }
    // The comparison, the same way.
    let compared = elected.get(&format!("{compare}&pair=q1~x7")).await;
    let table = &compared.body[compared
        .body
        .find("table class=\"paired\"")
        .expect("paired")..];
    assert!(
        table.contains("<th scope=\"row\">Oui</th><td>·</td>"),
        "{table}"
    );
    // The same breakdown, under the small-count rule: every count here
    // is below 11, so none of the publics' shows.
    let by_language = elected.get(&format!("{answers}&by=language")).await;
    let q1 = section(&by_language.body, "q1");
    assert!(
        q1.contains("<th scope=\"row\">ar</th><td>·</td><td>·</td>"),
        "{q1}"
    );
    let table = &q1[q1.find("<table").expect("table")..q1.find("</table>").expect("table")];
    for small in 1..=10 {
        assert!(
            !table.contains(&format!("<td>{small}</td>")),
            "{small} shown: {q1}"
        );
    }
}
