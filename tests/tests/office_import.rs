//! The territory import as a coordinator does it at the office, over HTTP:
//! the realistic fixtures (a Windows-1252 French CSV and a Lambert-93
//! GeoJSON) import; bad files are refused with a reason naming the problem
//! and leave the municipality's store byte for byte as it was.

use shared::domain::Building;
use shared::store::Store;
use tests::{OfficePages, TestServer, database_bytes, fixture, hidden_field};

fn fixtures() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    tests::territory_fixtures()
}

#[tokio::test]
async fn the_fixtures_import_after_a_preview_and_again_change_nothing() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let pages = OfficePages::new(&server, &office);

    let preview = pages.upload("/office/territory/preview", fixtures()).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    for expected in [
        "Windows-1252",
        "Lambert-93 (EPSG:2154)",
        "Aucune ligne rejetée",
    ] {
        assert!(preview.body.contains(expected), "{expected} missing");
    }
    // Nothing is stored before the coordinator confirms.
    assert_eq!(server.territory(&office).1.len(), 0);

    let token = hidden_field(&preview.body, "token").expect("confirm token");
    let done = pages
        .post("/office/territory/confirm", &[("token", &token)])
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(
        done.location.as_deref(),
        Some("/office/territory?imported=34&unchanged=0")
    );
    let (neighbourhoods, buildings) = server.territory(&office);
    assert_eq!(neighbourhoods.len(), 3);
    assert_eq!(buildings.len(), 31);
    let by_key = |k: &str| buildings.iter().find(|b| b.key == k).expect(k);
    let quartier = |b: &Building| {
        b.neighbourhood
            .and_then(|id| neighbourhoods.iter().find(|n| n.id == id))
            .map(|n| n.key.as_str())
    };
    // Accents survive Windows-1252; entrances of one key are one building.
    assert_eq!(
        by_key("VJ-B003").estate.as_deref(),
        Some("Résidence des Lozaits")
    );
    assert!(buildings.iter().any(|b| b.address.contains("Émile-Zola")));
    assert_eq!(quartier(by_key("VJ-B001")), Some("VJ-01"));
    assert_eq!(quartier(by_key("VJ-B015")), Some("VJ-02"));
    // The second polygon of a MultiPolygon, and the park that is a hole.
    assert_eq!(quartier(by_key("VJ-B030")), Some("VJ-03"));
    assert_eq!(quartier(by_key("VJ-B031")), None);
    let dwellings: usize = buildings.iter().map(Building::dwelling_count).sum();
    let page = pages.get("/office/territory?imported=34").await;
    assert!(
        page.body
            .contains(&format!("<strong>{dwellings}</strong> logements"))
    );

    // The same files again: a preview of nothing new, and the confirmed
    // import writes nothing.
    let again = pages.upload("/office/territory/preview", fixtures()).await;
    assert!(
        again.body.contains("<dt>Inchangés</dt><dd>34</dd>"),
        "{}",
        again.body
    );
    let before = database_bytes(&server.store_path(office.id));
    let token = hidden_field(&again.body, "token").expect("token");
    let confirmed = pages
        .post("/office/territory/confirm", &[("token", &token)])
        .await;
    assert_eq!(
        confirmed.location.as_deref(),
        Some("/office/territory?imported=0&unchanged=34"),
        "nothing written, and said so"
    );
    let said = pages
        .get(confirmed.location.as_deref().expect("location"))
        .await;
    assert!(
        said.body
            .contains("0 éléments nouveaux ou mis à jour, 34 déjà à jour")
    );
    assert_eq!(server.territory(&office).1.len(), 31);
    assert_eq!(database_bytes(&server.store_path(office.id)), before);

    // The export, uploaded as it is, is the same territory.
    let export = pages.get("/office/territory/export.geojson").await;
    assert_eq!(export.status, 200);
    let back = pages
        .upload(
            "/office/territory/preview",
            vec![("buildings", "territoire.geojson", export.body.into_bytes())],
        )
        .await;
    assert!(
        back.body.contains("<dt>Inchangés</dt><dd>34</dd>"),
        "{}",
        back.body
    );
    assert!(back.body.contains("Aucune ligne rejetée"));

    // A used preview cannot be confirmed twice.
    let twice = pages
        .post("/office/territory/confirm", &[("token", &token)])
        .await;
    assert_eq!(twice.status, 409);
    server.stop().await;
}

#[tokio::test]
async fn bad_files_are_refused_with_the_problem_named_and_nothing_stored() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let pages = OfficePages::new(&server, &office);
    // A territory is there already: it must come out untouched.
    let preview = pages.upload("/office/territory/preview", fixtures()).await;
    let token = hidden_field(&preview.body, "token").expect("token");
    pages
        .post("/office/territory/confirm", &[("token", &token)])
        .await;
    // Make sure the store is flushed into its file before reading bytes.
    drop(Store::open(&server.store_path(office.id)).expect("reopen"));
    let before = database_bytes(&server.store_path(office.id));

    let good_csv = String::from_utf8_lossy(&fixture("batiments-villejuif.csv")).to_string();
    let utf16: Vec<u8> =
        "cle;adresse;etages;logements;longitude;latitude\nB1;1 rue A;2;6;2,35;48,79\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
    let geojson = fixture("quartiers-lambert93.geojson");
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "neighbourhoods",
            "quartiers.geojson",
            geojson[..geojson.len() / 2].to_vec(),
            422,
            "quartiers.geojson : GeoJSON invalide",
        ),
        (
            "buildings",
            "batiments.csv",
            utf16,
            422,
            "batiments.csv : encodage non reconnu",
        ),
        (
            "buildings",
            "batiments.csv",
            b"cle;adresse;etages\nB1;1 rue A;2\n".to_vec(),
            422,
            "À choisir avant de lire ce fichier : nombre de logements, X (Lambert-93), Y (Lambert-93)",
        ),
        (
            "buildings",
            "londres.csv",
            "cle;adresse;etages;logements;longitude;latitude\nL1;10 Downing Street;3;1;-0,1276;51,5034\n"
                .as_bytes()
                .to_vec(),
            422,
            "coordonnées hors de France",
        ),
        (
            "buildings",
            "batiments.xlsx",
            b"PK\x03\x04 a zipped workbook".to_vec(),
            422,
            "batiments.xlsx : zip illisible",
        ),
        (
            "buildings",
            "enorme.csv",
            good_csv.repeat(16 * 1024).into_bytes(),
            413,
            "dépasse la limite de 32 Mio",
        ),
    ];
    for (field, name, bytes, status, message) in cases {
        let size = bytes.len();
        let page = pages
            .upload("/office/territory/preview", vec![(field, name, bytes)])
            .await;
        assert_eq!(page.status, status, "{name} ({size} bytes): {}", page.body);
        assert!(
            page.body.contains(message),
            "{name}: expected «{message}» in {}",
            page.body
        );
        assert!(
            !page.body.contains("/office/territory/confirm"),
            "{name} offered a confirmation"
        );
    }
    // The line of the rejected row is named.
    let page = pages
        .upload(
            "/office/territory/preview",
            vec![(
                "buildings",
                "b.csv",
                b"cle;adresse;etages;logements;longitude;latitude\nB1;1 rue A;2;6;2,35;48,79\nB2;2 rue A;deux;6;2,35;48,79\n"
                    .to_vec(),
            )],
        )
        .await;
    assert!(
        page.body.contains(
            "<td>3</td><td>nombre d'étages (R+N) : « deux » n'est pas un nombre entier</td>"
        ),
        "{}",
        page.body
    );

    drop(Store::open(&server.store_path(office.id)).expect("reopen"));
    assert_eq!(database_bytes(&server.store_path(office.id)), before);
    server.stop().await;
}
