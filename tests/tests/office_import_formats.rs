//! The territory files municipalities really have, imported over HTTP as a
//! coordinator does: a per-building CSV in a town's own words, a landlord's
//! per-dwelling RPLS inventory, an Excel workbook and the same rows as an
//! OpenDocument one (as LibreOffice pads it), neighbourhoods as a
//! GeoPackage and as a zipped Shapefile in Lambert-93 with a hole. Each
//! fixture has an expected-results file beside it, computed by the script
//! that wrote it (`make_territory_fixtures.py`: its own projection, its own
//! point-in-polygon), not by Palier.
//!
//! Then the column step: a mapping chosen by hand is remembered for the
//! next file with the same headers (and only by that municipality); the
//! valid rows are imported without the rejected ones only by an explicit
//! choice naming how many; a re-import that removes visited doors says so.

use serde_json::Value;
use shared::domain::*;
use shared::schema::{self, DocId};
use tests::{OfficePages, TestServer, database_bytes, fixture, hidden_field};

fn expected(name: &str) -> Value {
    serde_json::from_slice(&fixture(&format!("{name}.expected.json"))).expect("expected json")
}

/// Uploads, previews (which must need no choice) and confirms.
async fn import(pages: &OfficePages, files: Vec<(&str, &str, Vec<u8>)>) {
    let preview = pages.upload("/office/territory/preview", files).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview.body.contains("Aucune ligne rejetée"),
        "{}",
        preview.body
    );
    let token = hidden_field(&preview.body, "token").expect("token");
    let done = pages
        .post("/office/territory/confirm", &[("token", &token)])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
}

fn check_neighbourhoods(stored: &[Neighbourhood], expected: &Value) {
    let expected = expected["neighbourhoods"].as_array().expect("list");
    assert_eq!(stored.len(), expected.len());
    for e in expected {
        let code = e["code"].as_str().expect("code");
        let n = stored.iter().find(|n| n.key == code).expect(code);
        assert_eq!(n.name, e["name"].as_str().expect("name"));
        assert_eq!(
            n.polygons.len() as u64,
            e["polygons"].as_u64().expect("n"),
            "{code}"
        );
        let holes: usize = n.polygons.iter().map(|p| p.len() - 1).sum();
        assert_eq!(holes as u64, e["holes"].as_u64().expect("holes"), "{code}");
        let outline = &n.polygons[0][0];
        let open = &outline[..outline.len() - 1];
        let mean = |f: fn(&Point) -> f64| open.iter().map(f).sum::<f64>() / open.len() as f64;
        let (lon, lat) = (mean(|p| p.lon), mean(|p| p.lat));
        assert!(
            (lon - e["centroid_lon"].as_f64().expect("lon")).abs() < 2e-5,
            "{code} {lon}"
        );
        assert!(
            (lat - e["centroid_lat"].as_f64().expect("lat")).abs() < 2e-5,
            "{code} {lat}"
        );
    }
}

fn check_buildings(
    stored: &[Building],
    neighbourhoods: &[Neighbourhood],
    expected: &Value,
    with_doors: bool,
) {
    let expected = expected["buildings"].as_array().expect("list");
    assert_eq!(stored.len(), expected.len());
    for e in expected {
        let key = e["key"].as_str().expect("key");
        let b = stored.iter().find(|b| b.key == key).expect(key);
        assert_eq!(b.address, e["address"].as_str().expect("address"));
        assert!(
            (b.location.lon - e["lon"].as_f64().expect("lon")).abs() < 2e-6,
            "{key}"
        );
        assert!(
            (b.location.lat - e["lat"].as_f64().expect("lat")).abs() < 2e-6,
            "{key}"
        );
        let code = b
            .neighbourhood
            .and_then(|id| neighbourhoods.iter().find(|n| n.id == id))
            .map(|n| n.key.as_str());
        assert_eq!(code, e["neighbourhood"].as_str(), "{key}");
        let entrances = e["entrances"].as_array().expect("entrances");
        assert_eq!(b.entrances.len(), entrances.len(), "{key}");
        for (got, want) in b.entrances.iter().zip(entrances) {
            assert_eq!(got.label, want["label"].as_str().expect("label"), "{key}");
            let top = got.floors.iter().map(|f| f.level).max().unwrap_or(0);
            assert_eq!(
                top as u64,
                want["floors"].as_u64().expect("floors"),
                "{key}"
            );
            let dwellings: usize = got.floors.iter().map(|f| f.doors.len()).sum();
            assert_eq!(
                dwellings as u64,
                want["dwellings"].as_u64().expect("n"),
                "{key}"
            );
            if with_doors {
                for floor in &got.floors {
                    let want: Vec<&str> = want["doors"][floor.level.to_string()]
                        .as_array()
                        .map(|d| d.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    assert_eq!(
                        floor.doors, want,
                        "{key} {} floor {}",
                        got.label, floor.level
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn each_fixture_imports_as_its_expected_file_says() {
    let server = TestServer::start().await;
    let cases = [
        (
            "quartiers-bagneux.gpkg",
            "batiments-par-immeuble-bagneux.csv",
            false,
        ),
        (
            "quartiers-bagneux-shp.zip",
            "logements-rpls-bagneux.csv",
            true,
        ),
        ("quartiers-bagneux.gpkg", "batiments-bagneux.xlsx", false),
        ("quartiers-bagneux-shp.zip", "batiments-bagneux.ods", false),
    ];
    for (n, (neighbourhoods, buildings, with_doors)) in cases.into_iter().enumerate() {
        let office = server.municipality(&format!("Bagneux {n}")).await;
        let pages = OfficePages::new(&server, &office);
        import(
            &pages,
            vec![
                ("neighbourhoods", neighbourhoods, fixture(neighbourhoods)),
                ("buildings", buildings, fixture(buildings)),
            ],
        )
        .await;
        let (stored_n, stored_b) = server.territory(&office);
        check_neighbourhoods(&stored_n, &expected(neighbourhoods));
        check_buildings(&stored_b, &stored_n, &expected(buildings), with_doors);
    }
    server.stop().await;
}

#[tokio::test]
async fn a_title_and_a_blank_row_above_the_headers_are_passed_over() {
    let server = TestServer::start().await;
    let office = server.municipality("Bagneux").await;
    let pages = OfficePages::new(&server, &office);
    // As a landlord's spreadsheet exports it: a title merged across the
    // sheet, a blank row, then the headers (line 3).
    let mut titled = "Patrimoine au 1er janvier 2024 — OPH de Bagneux;;;;\n;;;;\n"
        .as_bytes()
        .to_vec();
    titled.extend(fixture("logements-rpls-bagneux.csv"));
    let preview = pages
        .upload(
            "/office/territory/preview",
            vec![
                (
                    "neighbourhoods",
                    "quartiers-bagneux-shp.zip",
                    fixture("quartiers-bagneux-shp.zip"),
                ),
                ("buildings", "patrimoine.csv", titled.clone()),
            ],
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview.body.contains("Aucune ligne rejetée"),
        "{}",
        preview.body
    );
    assert!(
        preview
            .body
            .contains("<option value=\"3\" selected>Ligne 3 : NUMVOIE"),
        "the header row is offered, found on line 3"
    );
    let token = hidden_field(&preview.body, "token").expect("token");
    let done = pages
        .post("/office/territory/confirm", &[("token", &token)])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let (stored_n, stored_b) = server.territory(&office);
    check_buildings(
        &stored_b,
        &stored_n,
        &expected("logements-rpls-bagneux.csv"),
        true,
    );
}

/// A town's own export whose headers Palier cannot read.
const OWN_WORDS: &str = "Bât;Voie;Haut;Logts;E;N\n\
    T1;2 rue des Blains;4;12;649500;6855300\n\
    T2;4 rue des Blains;2;6;649560;6855320\n";

#[tokio::test]
async fn a_mapping_chosen_by_hand_is_remembered_for_the_next_file_with_the_same_headers() {
    let server = TestServer::start().await;
    let office = server.municipality("Bagneux").await;
    let pages = OfficePages::new(&server, &office);
    let upload = |text: &str| vec![("buildings", "export.csv", text.as_bytes().to_vec())];
    let preview = pages
        .upload("/office/territory/preview", upload(OWN_WORDS))
        .await;
    assert_eq!(preview.status, 422);
    assert!(
        preview.body.contains("À choisir avant de lire ce fichier"),
        "{}",
        preview.body
    );
    assert!(!preview.body.contains("/office/territory/confirm"));
    assert_eq!(server.territory(&office).1.len(), 0);

    let token = hidden_field(&preview.body, "token").expect("token");
    let signature = hidden_field(&preview.body, "sig.0").expect("signature");
    let chosen = [
        ("token", token.as_str()),
        ("sig.0", signature.as_str()),
        ("columns.0", "6"),
        ("map.0.0", "key"),
        ("map.0.1", "address"),
        ("map.0.2", "floors"),
        ("map.0.3", "dwellings"),
        ("map.0.4", "x"),
        ("map.0.5", "y"),
    ];
    let remapped = pages.post("/office/territory/remap", &chosen).await;
    assert_eq!(remapped.status, 200, "{}", remapped.body);
    assert!(
        remapped
            .body
            .contains("Colonnes telles que vous les avez choisies")
    );
    // The first token was used up by the new reading.
    let replay = pages.post("/office/territory/remap", &chosen).await;
    assert_eq!(replay.status, 409);
    let token = hidden_field(&remapped.body, "token").expect("token");
    let done = pages
        .post("/office/territory/confirm", &[("token", &token)])
        .await;
    assert_eq!(done.status, 303);
    let (_, buildings) = server.territory(&office);
    assert_eq!(buildings.len(), 2);
    let t1 = buildings.iter().find(|b| b.key == "T1").expect("T1");
    assert_eq!(t1.entrances[0].floors.len(), 5);
    assert_eq!(t1.dwelling_count(), 12);

    // Next month's export, same headers: no choice to make.
    let next = format!("{OWN_WORDS}T3;6 rue des Blains;3;8;649600;6855340\n");
    let preview = pages
        .upload("/office/territory/preview", upload(&next))
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview
            .body
            .contains("Colonnes comme lors de votre dernier import")
    );
    let token = hidden_field(&preview.body, "token").expect("token");
    pages
        .post("/office/territory/confirm", &[("token", &token)])
        .await;
    assert_eq!(server.territory(&office).1.len(), 3);

    // Another municipality's coordinators chose nothing.
    let other = server.municipality("Villejuif").await;
    let theirs = OfficePages::new(&server, &other);
    let preview = theirs
        .upload("/office/territory/preview", upload(&next))
        .await;
    assert_eq!(preview.status, 422);
    assert!(preview.body.contains("À choisir avant de lire ce fichier"));
    server.stop().await;
}

#[tokio::test]
async fn a_forged_mapping_form_reads_nothing_it_should_not() {
    let server = TestServer::start().await;
    let office = server.municipality("Bagneux").await;
    let pages = OfficePages::new(&server, &office);
    let preview = pages
        .upload(
            "/office/territory/preview",
            vec![("buildings", "export.csv", OWN_WORDS.as_bytes().to_vec())],
        )
        .await;
    let token = hidden_field(&preview.body, "token").expect("token");
    let signature = hidden_field(&preview.body, "sig.0").expect("signature");
    // Unknown meanings, a count that is not the file's, a sheet a CSV
    // has not: the file stays unread, nothing is stored, nothing breaks.
    let forged = [
        ("token", token.as_str()),
        ("sig.0", signature.as_str()),
        ("columns.0", "3"),
        ("map.0.0", "password"),
        ("map.0.1", "address"),
        ("map.0.2", "../../etc"),
        ("sheet.0", "Feuil9"),
    ];
    let page = pages.post("/office/territory/remap", &forged).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("À choisir avant de lire ce fichier"));
    // Another municipality cannot read this preview again.
    let other = server.municipality("Villejuif").await;
    let theirs = OfficePages::new(&server, &other);
    let token = hidden_field(&page.body, "token").expect("token");
    let stolen = theirs
        .post("/office/territory/remap", &[("token", token.as_str())])
        .await;
    assert_eq!(stolen.status, 409);
    let mine = pages
        .post("/office/territory/remap", &[("token", token.as_str())])
        .await;
    assert_eq!(mine.status, 422, "the preview stayed with its owner");
    // Files beyond what a form sends are refused, not read.
    let many: Vec<(&str, &str, Vec<u8>)> = (0..5)
        .map(|_| ("buildings", "b.csv", OWN_WORDS.as_bytes().to_vec()))
        .collect();
    let page = pages.upload("/office/territory/preview", many).await;
    assert_eq!(page.status, 422);
    assert!(
        page.body
            .contains("Une importation prend au plus 4 fichiers")
    );
    assert_eq!(server.territory(&office).1.len(), 0);
    server.stop().await;
}

#[tokio::test]
async fn the_valid_rows_are_imported_without_the_rejected_ones_only_by_choice() {
    let server = TestServer::start().await;
    let office = server.municipality("Bagneux").await;
    let pages = OfficePages::new(&server, &office);
    // V0 is stored with two entrances; the new file's row for its second
    // entrance is rejected.
    import(
        &pages,
        vec![(
            "buildings",
            "b.csv",
            b"cle;adresse;entree;etages;logements;x;y\n\
              V0;0 rue A;A;2;6;649490;6855300\n\
              V0;0 rue A;B;2;6;649490;6855300\n"
                .to_vec(),
        )],
    )
    .await;
    let csv = "cle;adresse;entree;etages;logements;x;y\n\
        V0;0 rue A;A;3;9;649490;6855300\n\
        V0;0 rue A;B;trois;6;649490;6855300\n\
        V1;1 rue A;A;2;6;649500;6855300\n\
        V2;2 rue A;A;deux;6;649510;6855300\n\
        V3;3 rue A;A;2;6;649520;6855300\n\
        V4;4 rue A;A;2;6;0;0\n";
    let upload = || vec![("buildings", "b.csv", csv.as_bytes().to_vec())];
    let preview = pages.upload("/office/territory/preview", upload()).await;
    assert_eq!(preview.status, 422);
    assert!(
        preview
            .body
            .contains("Importer les lignes valides, sans les lignes refusées (3)"),
        "{}",
        preview.body
    );
    assert!(
        preview
            .body
            .contains("Bâtiments et quartiers laissés tels qu'ils sont (une de leurs lignes est refusée) : 1 — V0"),
        "{}",
        preview.body
    );
    let before = database_bytes(&server.store_path(office.id));
    // A plain confirmation, or one naming other rows, writes nothing.
    for leave_out in [None, Some("3"), Some("00000000000000000000000000000000")] {
        let preview = pages.upload("/office/territory/preview", upload()).await;
        let token = hidden_field(&preview.body, "token").expect("token");
        let mut fields = vec![("token", token.as_str())];
        if let Some(n) = leave_out {
            fields.push(("leave_out", n));
        }
        let refused = pages.post("/office/territory/confirm", &fields).await;
        assert_eq!(refused.status, 409, "{leave_out:?}");
        assert_eq!(database_bytes(&server.store_path(office.id)), before);
    }
    let preview = pages.upload("/office/territory/preview", upload()).await;
    let token = hidden_field(&preview.body, "token").expect("token");
    let digest = hidden_field(&preview.body, "leave_out").expect("leave out");
    let done = pages
        .post(
            "/office/territory/confirm",
            &[("token", token.as_str()), ("leave_out", digest.as_str())],
        )
        .await;
    assert_eq!(done.status, 303);
    let buildings = server.territory(&office).1;
    let mut keys: Vec<&str> = buildings.iter().map(|b| b.key.as_str()).collect();
    keys.sort();
    assert_eq!(keys, ["V0", "V1", "V3"]);
    // V0 kept both its entrances as stored: its left-out row cost nothing.
    let v0 = buildings.iter().find(|b| b.key == "V0").expect("V0");
    assert_eq!(v0.entrances.len(), 2);
    assert_eq!(v0.dwelling_count(), 12);
    server.stop().await;
}

#[tokio::test]
async fn a_reimport_that_removes_visited_doors_says_which() {
    let server = TestServer::start().await;
    let office = server.municipality("Bagneux").await;
    let pages = OfficePages::new(&server, &office);
    let csv = |dwellings: u32| {
        format!(
            "cle;adresse;entree;etages;logements;x;y\n\
             R1;1 rue A;A;2;{dwellings};649500;6855300\n\
             R2;2 rue A;A;2;6;649600;6855300\n"
        )
    };
    let upload = |text: String| vec![("buildings", "b.csv", text.into_bytes())];
    import(&pages, upload(csv(9))).await;
    let (_, buildings) = server.territory(&office);
    let r1 = buildings
        .iter()
        .find(|b| b.key == "R1")
        .expect("R1")
        .clone();
    // Door 9 (top floor) was visited; door 1 too.
    let visited: Vec<DwellingRef> = r1
        .dwellings()
        .filter(|d| d.door == "9" || d.door == "1")
        .collect();
    assert_eq!(visited.len(), 2);
    {
        let campaign = CampaignId::new();
        let store = server.state.tenants.store(office.id).expect("store");
        let mut store = store.get().expect("connection");
        let log = DocId::visits(campaign, r1.id);
        let mut doc = automerge::Automerge::new();
        for door in &visited {
            let visit = Visit::outcome_only(
                campaign,
                r1.id,
                door.clone(),
                Pass(1),
                1_790_000_000_000,
                AgentId::new(),
                Outcome::NotHome,
            );
            schema::record_visit(&mut doc, &visit).expect("record");
        }
        store.save_one(&log, &doc).expect("save");
    }
    // Six dwellings instead of nine: doors 7 to 9 go, door 9 was visited.
    let preview = pages
        .upload("/office/territory/preview", upload(csv(6)))
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview
            .body
            .contains("Cet import supprime des portes déjà visitées (1, dans 1 bâtiment(s))"),
        "{}",
        preview.body
    );
    assert!(
        preview.body.contains("1 rue A (R1) : A · 2 · 9"),
        "{}",
        preview.body
    );
    // More dwellings remove nothing, and say nothing.
    let preview = pages
        .upload("/office/territory/preview", upload(csv(12)))
        .await;
    assert!(!preview.body.contains("Cet import supprime"));
    server.stop().await;
}

#[tokio::test]
async fn a_workbooks_sheet_is_chosen_in_the_preview() {
    let server = TestServer::start().await;
    let office = server.municipality("Bagneux").await;
    let pages = OfficePages::new(&server, &office);
    let file = "batiments-bagneux.ods";
    let preview = pages
        .upload(
            "/office/territory/preview",
            vec![("buildings", file, fixture(file))],
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview
            .body
            .contains(r#"<option value="Notes">Notes</option>"#)
    );
    assert!(
        preview
            .body
            .contains("<dt>Bâtiments ajoutés</dt><dd>12</dd>")
    );
    // The notes sheet has no buildings: its columns are asked for.
    let token = hidden_field(&preview.body, "token").expect("token");
    let page = pages
        .post(
            "/office/territory/remap",
            &[("token", token.as_str()), ("sheet.0", "Notes")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("À choisir avant de lire ce fichier"));
    assert!(
        page.body
            .contains(r#"<option value="Notes" selected>Notes</option>"#)
    );
    // And back to the buildings.
    let token = hidden_field(&page.body, "token").expect("token");
    let page = pages
        .post(
            "/office/territory/remap",
            &[("token", token.as_str()), ("sheet.0", "Bâtiments")],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    server.stop().await;
}

#[tokio::test]
async fn a_blank_staircase_is_put_where_the_coordinator_says_and_only_there() {
    let server = TestServer::start().await;
    let office = server.municipality("Bagneux").await;
    let pages = OfficePages::new(&server, &office);
    let csv = "NUMVOIE;TYPVOIE;NOMVOIE;ESC;ETAGE;NUMAPPT;longitude;latitude\n\
        12;rue;Lebon;A;0;A01;2.3000;48.8000\n\
        12;rue;Lebon;B;0;B01;2.3000;48.8000\n\
        12;rue;Lebon;;0;X01;2.3000;48.8000\n";
    let preview = pages
        .upload(
            "/office/territory/preview",
            vec![("buildings", "patrimoine.csv", csv.as_bytes().to_vec())],
        )
        .await;
    assert_eq!(preview.status, 422, "a row is refused: {}", preview.body);
    // Named, with the building's staircases, and offered in the column step.
    assert!(
        preview
            .body
            .contains("cage vide, et le bâtiment 12 rue Lebon en a plusieurs (A, B)")
    );
    assert_eq!(
        hidden_field(&preview.body, "blank_key.0").as_deref(),
        Some("12 rue Lebon")
    );
    let token = hidden_field(&preview.body, "token").expect("token");
    let chosen = pages
        .post(
            "/office/territory/remap",
            &[
                ("token", token.as_str()),
                ("blank_key.0", "12 rue Lebon"),
                ("blank_label.0", "B"),
            ],
        )
        .await;
    assert_eq!(chosen.status, 200, "{}", chosen.body);
    assert!(
        chosen.body.contains("Aucune ligne rejetée"),
        "{}",
        chosen.body
    );
    let token = hidden_field(&chosen.body, "token").expect("token");
    let done = pages
        .post("/office/territory/confirm", &[("token", &token)])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let (_, stored) = server.territory(&office);
    let b = stored
        .iter()
        .find(|b| b.key == "12 rue Lebon")
        .expect("stored");
    let doors = |label: &str| -> Vec<String> {
        b.entrances
            .iter()
            .find(|e| e.label == label)
            .map(|e| e.floors.iter().flat_map(|f| f.doors.clone()).collect())
            .unwrap_or_default()
    };
    assert_eq!(doors("A"), ["A01"]);
    assert_eq!(doors("B"), ["B01", "X01"]);
}
