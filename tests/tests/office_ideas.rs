//! Workflow 3 and the assembly against the real server: ideas collected on
//! an ambassador's phone reach the office, which rules on them and merges
//! duplicates, and the phone learns it; volunteers' agreements are
//! withdrawn in one step; draws are kept per municipality. And the attacks:
//! a phone that promotes its own idea, another municipality's coordinator,
//! an elected official, bounds on every form.

use shared::api::Role;
use shared::domain::*;
use shared::schema::DocId;
use tests::{Device, OfficePages, TestServer};

/// Creates an idea collection with categories and one named place;
/// returns its id.
async fn collection(pages: &OfficePages) -> CampaignId {
    let created = pages
        .post(
            "/office/campaigns",
            &[
                ("name", "Budget participatif 2027"),
                ("kind", "idea-collection"),
                ("starts", "2026-11-23"),
                ("ends", "2027-01-31"),
            ],
        )
        .await;
    let location = created.location.expect("created");
    let saved = pages
        .post(
            &location,
            &[
                ("name", "Budget participatif 2027"),
                ("kind", "idea-collection"),
                ("starts", "2026-11-23"),
                ("ends", "2027-01-31"),
                ("categories", "Sport\nNature en ville"),
                (
                    "places",
                    "Parc de la Fosse-Maussoin ; 48.9021 ; 2.5312\nnot a place\nTrop loin ; 123 ; 2",
                ),
            ],
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    location
        .trim_start_matches("/office/campaigns/")
        .parse()
        .map(CampaignId)
        .expect("campaign id")
}

#[tokio::test]
async fn ideas_go_to_the_office_and_its_decisions_come_back_to_the_phone() {
    let server = TestServer::start().await;
    let villejuif = server.municipality("Villejuif").await;
    let pages = OfficePages::new(&server, &villejuif);
    let campaign = collection(&pages).await;

    // The ambassador's phone receives the collection with its lists.
    let mut phone = Device::enrol(&server, &villejuif, Role::YouthAmbassador).await;
    phone.sync().await;
    let held: Campaign = phone.get(&DocId::campaign(campaign)).expect("campaign");
    assert_eq!(held.categories, vec!["Sport", "Nature en ville"]);
    assert_eq!(
        held.places
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Parc de la Fosse-Maussoin"],
        "lines that do not read as a place on Earth are left out"
    );
    let draft = |title: &str| app::ideas::IdeaDraft {
        campaign,
        title: title.into(),
        description: "Près du parc".into(),
        category: "Sport".into(),
        place_name: Some("Parc de la Fosse-Maussoin".into()),
        proposer: ProposerProfile {
            school: Some("Collège Lurçat".into()),
            class: Some("5e C".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let kept =
        app::ideas::save(&mut phone.store, draft("Un city-stade"), phone.agent, 1).expect("save");
    let dup = app::ideas::save(
        &mut phone.store,
        draft("Un terrain de foot"),
        phone.agent,
        2,
    )
    .expect("save");
    let report = phone.sync().await;
    assert!(report.refused.is_empty(), "{:?}", report.refused);

    // The office lists them, by category and on the map.
    let list = pages
        .get(&format!("/office/ideas?campaign={campaign}"))
        .await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Un city-stade") && list.body.contains("Un terrain de foot"));
    assert!(list.body.contains("svg"));

    // "Not eligible" needs a reason; nothing is written without one.
    let refused = pages
        .post(
            &format!("/office/ideas/{kept}/status"),
            &[
                ("campaign", &campaign.to_string()),
                ("status", "not_eligible"),
                ("reason", " "),
            ],
        )
        .await;
    assert!(
        refused
            .location
            .as_deref()
            .is_some_and(|l| l.contains("error=reason"))
    );
    let ruled = pages
        .post(
            &format!("/office/ideas/{kept}/status"),
            &[
                ("campaign", &campaign.to_string()),
                ("status", "put_to_vote"),
                ("reason", "Au vote en mars"),
            ],
        )
        .await;
    assert!(
        ruled
            .location
            .as_deref()
            .is_some_and(|l| l.contains("changed=1"))
    );
    // A title no idea has: said on the idea's card, nothing merged.
    let unknown = pages
        .post(
            &format!("/office/ideas/{dup}/merge"),
            &[
                ("campaign", &campaign.to_string()),
                ("into", "Une piscine olympique"),
            ],
        )
        .await;
    assert!(
        unknown
            .location
            .as_deref()
            .is_some_and(|l| l.contains("error=unknown") && l.contains(&format!("at={dup}"))),
        "{:?}",
        unknown.location
    );
    let shown = pages
        .get(unknown.location.as_deref().expect("location"))
        .await;
    let card_at = shown
        .body
        .find(&format!("id=\"idea-{dup}\""))
        .expect("card");
    let error_at = shown
        .body
        .find("Aucune idée de cette collecte")
        .expect("said");
    assert!(error_at > card_at, "on the card, not at the top");
    // Named by its title, as a coordinator types it.
    let merged = pages
        .post(
            &format!("/office/ideas/{dup}/merge"),
            &[
                ("campaign", &campaign.to_string()),
                ("into", " un CITY-STADE "),
            ],
        )
        .await;
    assert!(
        merged
            .location
            .as_deref()
            .is_some_and(|l| l.contains("merged=1"))
    );
    // Into itself, or into a duplicate: refused.
    let chain = pages
        .post(
            &format!("/office/ideas/{kept}/merge"),
            &[
                ("campaign", &campaign.to_string()),
                ("into", &dup.to_string()),
            ],
        )
        .await;
    assert!(
        chain
            .location
            .as_deref()
            .is_some_and(|l| l.contains("error=chain"))
    );

    // Résultats and Rapports: the collection can be chosen, and shows its
    // own figures (two ideas collected, one once merged), not doors.
    let figure = |body: &str, name: &str| -> Option<String> {
        let marker = format!("data-figure=\"{name}\">");
        let start = body.find(&marker)? + marker.len();
        Some(body[start..].split('<').next()?.trim().to_string())
    };
    let elected = server
        .account(&villejuif, "elu@villejuif.test", Role::ElectedOfficial)
        .await;
    for reader in [&pages, &OfficePages::new(&server, &elected)] {
        for path in ["/office/dashboard", "/office/reports"] {
            let shown = reader.get(&format!("{path}?campaign={campaign}")).await;
            assert_eq!(shown.status, 200, "{path}");
            assert!(
                shown
                    .body
                    .contains(&format!("<option value=\"{campaign}\" selected>")),
                "{path}: the collection is chosen, not another campaign"
            );
            assert_eq!(
                figure(&shown.body, "ideas-collected").as_deref(),
                Some("2"),
                "{path}"
            );
            assert_eq!(
                figure(&shown.body, "ideas-distinct").as_deref(),
                Some("1"),
                "{path}"
            );
            assert!(
                shown.body.contains("Un city-stade"),
                "{path}: an idea put to vote"
            );
            assert!(
                !shown.body.contains("data-figure=\"doors"),
                "{path}: door figures for an idea collection"
            );
        }
    }

    // The pages of door figures send it to its own.
    for path in ["/office/dashboard/map", "/office/exports"] {
        let shown = pages.get(&format!("{path}?campaign={campaign}")).await;
        assert_eq!(shown.status, 200, "{path}");
        assert!(
            shown
                .body
                .contains("Une collecte d'idées a ses propres chiffres"),
            "{path}"
        );
    }

    // The phone learns both at its next sync.
    phone.sync().await;
    let on_phone: Idea = phone.get(&DocId::idea(kept)).expect("idea");
    assert_eq!(on_phone.status, IdeaStatus::PutToVote);
    assert_eq!(on_phone.status_reason, "Au vote en mars");
    let dup_on_phone: Idea = phone.get(&DocId::idea(dup)).expect("idea");
    assert_eq!(dup_on_phone.duplicate_of, Some(kept));

    // A phone that rules on its own idea is refused, and the server's
    // copy stays as the office left it.
    let mut promoted = on_phone.clone();
    promoted.status = IdeaStatus::Funded;
    phone.put(&promoted);
    let report = phone.sync().await;
    assert_eq!(report.refused.len(), 1, "the promotion was taken");
    let stored: Idea = server
        .read(villejuif.id, &DocId::idea(kept))
        .expect("stored");
    assert_eq!(stored.status, IdeaStatus::PutToVote);

    // The files: Decidim's has the kept idea with the duplicate's text.
    let decidim = pages
        .get(&format!(
            "/office/ideas/decidim.csv?campaign={campaign}&column=taxonomies&cat0=Sport&id0=12"
        ))
        .await;
    assert_eq!(decidim.status, 200);
    let first_line = decidim.body.lines().next().expect("header");
    assert_eq!(
        first_line.trim_start_matches('\u{feff}'),
        "title/fr;body/fr;address;latitude;longitude;taxonomies/ids"
    );
    assert!(decidim.body.contains("Un terrain de foot"));
    assert!(decidim.body.contains(";12"));
    assert!(
        !decidim.body.contains("5e C") && !decidim.body.contains("Lurçat"),
        "no proposer profile is published"
    );
    let geojson = pages
        .get(&format!("/office/ideas/export.geojson?campaign={campaign}"))
        .await;
    let parsed: serde_json::Value = serde_json::from_str(&geojson.body).expect("geojson");
    assert_eq!(parsed["features"].as_array().map(Vec::len), Some(1));

    // Another municipality's coordinator finds nothing to read or change.
    let ivry = server.municipality("Ivry").await;
    let other = OfficePages::new(&server, &ivry);
    let list = other
        .get(&format!("/office/ideas?campaign={campaign}"))
        .await;
    assert!(!list.body.contains("Un city-stade"));
    assert_eq!(
        other
            .get(&format!("/office/ideas/decidim.csv?campaign={campaign}"))
            .await
            .status,
        404
    );
    let attempt = other
        .post(
            &format!("/office/ideas/{kept}/status"),
            &[("status", "funded"), ("reason", "")],
        )
        .await;
    assert_eq!(attempt.status, 404);
    let stored: Idea = server
        .read(villejuif.id, &DocId::idea(kept))
        .expect("stored");
    assert_eq!(stored.status, IdeaStatus::PutToVote);
}

#[tokio::test]
async fn volunteers_and_draws_stay_with_their_coordinators() {
    let server = TestServer::start().await;
    let villejuif = server.municipality("Villejuif").await;
    let pages = OfficePages::new(&server, &villejuif);
    let mut agent = Device::enrol(&server, &villejuif, Role::Agent).await;
    let mut person = tests::person("Mme Haddad", agent.agent);
    person.consents.push(ConsentRecord {
        purpose: ConsentPurpose::CitizensAssembly,
        ..person.consents[0].clone()
    });
    agent.put(&person);
    agent.sync().await;

    let listed = pages.get("/office/volunteers").await;
    assert!(listed.body.contains("Mme Haddad"));
    // Ivry's coordinator sees nobody, and cannot withdraw or erase.
    let ivry = server.municipality("Ivry").await;
    let other = OfficePages::new(&server, &ivry);
    assert!(
        !other
            .get("/office/volunteers")
            .await
            .body
            .contains("Mme Haddad")
    );
    let id = person.id.0.to_string();
    assert_eq!(
        other
            .post(
                &format!("/office/volunteers/{id}/withdraw"),
                &[("purpose", "citizens_assembly")]
            )
            .await
            .status,
        404
    );
    // Another municipality's erasure reaches none of Villejuif's people.
    let erased = other
        .post("/office/residents/erase/confirm", &[("person", &id)])
        .await;
    assert_eq!(
        erased.location.as_deref(),
        Some("/office/residents?erased=0.0.0.0")
    );
    assert!(
        server
            .load(villejuif.id, &DocId::person(person.id))
            .is_some(),
        "still held"
    );
    // An elected official does not see volunteers or the draw.
    let elected = server
        .account(&villejuif, "elu@villejuif.test", Role::ElectedOfficial)
        .await;
    let elected_pages = OfficePages::new(&server, &elected);
    for path in ["/office/volunteers", "/office/sortition", "/office/ideas"] {
        let page = elected_pages.get(path).await;
        assert_eq!(page.status, 403, "{path}");
        assert!(!page.body.contains("Mme Haddad"));
    }

    // One step withdraws; the phone that signed her up learns it, and
    // cannot undo it.
    let withdrawn = pages
        .post(
            &format!("/office/volunteers/{id}/withdraw"),
            &[("purpose", "citizens_assembly")],
        )
        .await;
    assert!(
        withdrawn
            .location
            .as_deref()
            .is_some_and(|l| l.contains("withdrawn=1"))
    );
    let again = pages
        .post(
            &format!("/office/volunteers/{id}/withdraw"),
            &[("purpose", "citizens_assembly")],
        )
        .await;
    assert!(
        again
            .location
            .as_deref()
            .is_some_and(|l| l.contains("error=1"))
    );
    agent.sync().await;
    let on_phone: Person = agent.get(&DocId::person(person.id)).expect("person");
    assert!(!on_phone.consents_to(ConsentPurpose::CitizensAssembly));
    assert!(on_phone.consents_to(ConsentPurpose::NeighbourhoodCouncil));
    let mut undone = on_phone.clone();
    undone.withdrawals.clear();
    agent.put(&undone);
    assert_eq!(agent.sync().await.refused.len(), 1);

    // The sortition page: the pool no longer holds her; silly sizes are
    // refused before any solver runs.
    let setup = pages.get("/office/sortition").await;
    assert_eq!(setup.status, 200);
    assert!(setup.body.contains("<strong>0</strong>"));
    let digest = tests::hidden_field(&setup.body, "digest").expect("digest");
    let huge = pages
        .post(
            "/office/sortition/draw",
            &[
                ("use", "quartier"),
                ("use", "âge"),
                ("digest", &digest),
                ("seats", "100000"),
                ("seed", "x"),
            ],
        )
        .await;
    assert_eq!(huge.status, 200);
    assert!(huge.body.contains("Vivier trop grand"), "{}", huge.body);
    // Quotas posted against other values than the form showed: refused.
    let stale = pages
        .post(
            "/office/sortition/draw",
            &[
                ("use", "quartier"),
                ("digest", "0000"),
                ("seats", "3"),
                ("seed", "x"),
            ],
        )
        .await;
    assert!(stale.body.contains("rechargez la page"));
    // A draw id of another municipality, or not an id at all: not found.
    let municipality = villejuif.id;
    let draw = server
        .state
        .control
        .put_draw(municipality, 1, "{}", "{}")
        .expect("draw");
    assert_eq!(
        other
            .get(&format!("/office/sortition/draws/{draw}"))
            .await
            .status,
        404
    );
    assert_eq!(
        pages
            .get("/office/sortition/draws/..%2F..%2Fetc")
            .await
            .status,
        404
    );
}
