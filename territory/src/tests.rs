//! The import as a coordinator meets it: real files read, planned
//! against what is stored, applied.

use super::*;
use proptest::prelude::*;
use shared::domain::{Building, Neighbourhood};

fn upload(name: &str, bytes: impl Into<Vec<u8>>) -> Upload {
    Upload {
        name: name.into(),
        bytes: bytes.into(),
    }
}

const CSV: &str = "cle;adresse;résidence;entrée;étages;logements;digicode;longitude;latitude\n\
    B1;3 rue Lebon;Les Lozaits;A;4;18;oui;2,3581;48,7903\n\
    B1;3 rue Lebon;Les Lozaits;B;4;20;non;2,3581;48,7903\n\
    B2;5 rue Lebon;;A;R+2;6;;2,3590;48,7905\n\
    B3;7 rue Lebon;;A;2;6;;48,79;2,35\n\
    B1;9 rue Lebon;;C;1;2;;2,3581;48,7903\n";

fn square_geojson(crs: Option<&str>, rings: &str) -> String {
    let crs = crs.map_or(String::new(), |c| {
        format!(r#""crs":{{"type":"name","properties":{{"name":"{c}"}}}},"#)
    });
    format!(
        r#"{{"type":"FeatureCollection",{crs}"features":[{{"type":"Feature","properties":{{"nom":"Lebon","code":"Q1"}},"geometry":{{"type":"Polygon","coordinates":{rings}}}}}]}}"#
    )
}

#[test]
fn a_french_csv_merges_entrances_and_names_each_bad_line() {
    let import = read(&[upload("batiments.csv", CSV)]).expect("read");
    assert_eq!(import.buildings.len(), 1, "{:?}", import.rejections);
    let b1 = &import.buildings[0];
    assert_eq!(b1.entrances.len(), 2);
    assert_eq!(b1.estate.as_deref(), Some("Les Lozaits"));
    assert!((b1.location.lon - 2.3581).abs() < 1e-9);
    let lines: Vec<(usize, &RowProblem)> = import
        .rejections
        .iter()
        .map(|r| (r.line, &r.problem))
        .collect();
    assert!(matches!(lines[0], (4, RowProblem::NotACount { .. })));
    assert!(matches!(lines[1], (5, RowProblem::OutsideFrance { .. })));
    assert!(matches!(
        lines[2],
        (
            6,
            RowProblem::KeyConflict {
                line: 2,
                other_file: None
            }
        )
    ));
    assert_eq!(lines.len(), 3);
}

#[test]
fn a_key_seen_in_another_file_names_that_file() {
    let header = "cle;adresse;entree;etages;logements;longitude;latitude\n";
    let a = format!("{header}B1;1 rue A;A;2;6;2,35;48,79\n");
    let b = format!("{header}B1;1 rue A;A;2;6;2,35;48,79\nB1;9 rue Z;B;2;6;2,35;48,79\n");
    let import = read(&[upload("a.csv", a), upload("b.csv", b)]).expect("read");
    let problems: Vec<_> = import
        .rejections
        .iter()
        .map(|r| (r.file, r.line, r.problem.clone()))
        .collect();
    assert_eq!(
        problems,
        [
            (
                1,
                2,
                RowProblem::DuplicateEntrance {
                    label: "A".into(),
                    line: 2,
                    other_file: Some(0)
                }
            ),
            (
                1,
                3,
                RowProblem::KeyConflict {
                    line: 2,
                    other_file: Some(0)
                }
            ),
        ]
    );
}

#[test]
fn windows_1252_and_comma_separated_files_read_the_same() {
    let utf8 =
        "cle,adresse,entree,etages,logements,lon,lat\nB1,3 allée Émile,A,1,4,\"2,3581\",48.79\n";
    let cp1252: Vec<u8> = encoding_rs::WINDOWS_1252.encode(utf8).0.into_owned();
    let a = read(&[upload("a.csv", utf8)]).expect("utf8");
    let b = read(&[upload("b.csv", cp1252)]).expect("1252");
    assert_eq!(a.buildings, b.buildings);
    assert_eq!(a.buildings[0].address, "3 allée Émile");
    assert_eq!(b.files[0].encoding, TextEncoding::Windows1252);
}

#[test]
fn headers_in_a_municipalitys_own_words_are_read() {
    // A GIS service's export: its own wording, units in brackets, counts
    // abbreviated; before, the whole file was refused for missing columns.
    let csv = "Identifiant bâtiment;Adresse postale;Nom de la résidence;N° d'entrée;\
        Nombre d'étages (R+);NBRE_LOGTS;Code porte;Coordonnée X (Lambert 93);Coord Y (m)\n\
        B1;3 rue Lebon;Les Lozaits;A;4;18;oui;652500;6857500\n";
    let import = read(&[upload("export-sig.csv", csv)]).expect("read");
    assert!(import.rejections.is_empty(), "{:?}", import.rejections);
    let b1 = &import.buildings[0];
    assert_eq!(b1.estate.as_deref(), Some("Les Lozaits"));
    assert_eq!(b1.entrances.len(), 1);
    assert!(b1.entrances[0].has_door_code);
    assert!(crs::in_france(b1.location));
}

#[test]
fn one_row_per_building_gives_its_entrances_and_spreads_its_dwellings() {
    // The bug the issue reported: a building list with its count of
    // entrances imported every building with a single entrance.
    let csv = "Identifiant;Adresse;Nb d'entrées;Nb étages;Nb logements;Longitude;Latitude\n\
        B1;3 rue Lebon;3;4;50;2,3581;48,7903\n\
        B2;5 rue Lebon;1;2;6;2,3590;48,7905\n\
        B3;7 rue Lebon;0;2;6;2,3590;48,7905\n\
        B4;9 rue Lebon;41;2;6;2,3590;48,7905\n";
    let import = read(&[upload("batiments.csv", csv)]).expect("read");
    let b1 = import.buildings.iter().find(|b| b.key == "B1").expect("B1");
    let labels: Vec<&str> = b1.entrances.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, ["A", "B", "C"]);
    let per_entrance: Vec<u32> = b1
        .entrances
        .iter()
        .map(|e| rows::entrance_counts(e).1)
        .collect();
    assert_eq!(
        per_entrance,
        [17, 17, 16],
        "50 dwellings over three entrances"
    );
    assert!(b1.entrances.iter().all(|e| rows::entrance_counts(e).0 == 4));
    let b2 = import.buildings.iter().find(|b| b.key == "B2").expect("B2");
    assert_eq!(b2.entrances.len(), 1);
    // No entrance, or more than any building has: the line is named.
    let lines: Vec<usize> = import.rejections.iter().map(|r| r.line).collect();
    assert_eq!(lines, [4, 5]);
}

#[test]
fn missing_columns_are_named_and_nothing_of_the_file_is_read() {
    let import = read(&[upload("b.csv", "cle;adresse;etages\nB1;x;2\n")]).expect("read");
    assert_eq!(
        import.files[0].missing(),
        [Column::Dwellings, Column::X, Column::Y]
    );
    assert!(import.needs_mapping());
    assert!(import.buildings.is_empty());
    let plan = plan(&import, &[], &[]);
    assert!(!plan.is_clean() && !plan.may_leave_out());
}

#[test]
fn lambert_93_polygons_with_holes_place_buildings() {
    let rings = "[[[651000,6853000],[654000,6853000],[654000,6856000],[651000,6856000],[651000,6853000]],\
                 [[652400,6854400],[652600,6854400],[652600,6854600],[652400,6854600],[652400,6854400]]]";
    let quartiers = square_geojson(Some("urn:ogc:def:crs:EPSG::2154"), rings);
    let csv = "cle;adresse;etages;logements;x;y\nIN;1 rue A;3;8;651500;6853500\nHOLE;2 rue B;3;8;652500;6854500\n";
    let import =
        read(&[upload("quartiers.geojson", quartiers), upload("b.csv", csv)]).expect("read");
    assert_eq!(import.files[0].crs, Some(Crs::Lambert93));
    let plan = plan(&import, &[], &[]);
    assert!(plan.is_clean(), "{:?}", plan.rejections);
    let quartier = plan.neighbourhoods[0].0.id;
    assert_eq!(plan.buildings[0].0.neighbourhood, Some(quartier));
    assert_eq!(plan.buildings[1].0.neighbourhood, None);
    assert_eq!(plan.counts.without_neighbourhood, 1);
    assert_eq!(plan.counts.dwellings, 16);
}

#[test]
fn bad_geojson_is_refused_with_a_reason() {
    type Check = fn(&FileError) -> bool;
    let cases: [(&str, Check); 3] = [
        (
            r#"{"type":"FeatureCollection","features":[{"type":"Feat"#,
            |e| matches!(e, FileError::GeoJson(_)),
        ),
        (
            r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}"#,
            |e| matches!(e, FileError::UnsupportedCrs(_)),
        ),
        (r#"{"type":"Point","coordinates":[2.3,48.8]}"#, |e| {
            matches!(e, FileError::GeoJson(_))
        }),
    ];
    for (text, expected) in cases {
        let (_, error) = read(&[upload("q.geojson", text)]).expect_err(text);
        assert!(expected(&error), "{text}: {error:?}");
    }
    // Lambert-93 numbers without a crs member read as degrees: outside France.
    let unlabelled = square_geojson(
        None,
        "[[[651000,6853000],[654000,6853000],[654000,6856000],[651000,6853000]]]",
    );
    let import = read(&[upload("q.geojson", unlabelled)]).expect("read");
    assert!(matches!(
        import.rejections[0].problem,
        RowProblem::OutsideFrance { .. }
    ));
}

#[test]
fn where_neighbourhoods_overlap_the_imported_one_wins() {
    let rings = "[[[2.30,48.75],[2.40,48.75],[2.40,48.85],[2.30,48.85],[2.30,48.75]]]";
    let old = plan(
        &read(&[upload(
            "old.geojson",
            square_geojson(None, rings).replace("Q1", "OLD"),
        )])
        .expect("old"),
        &[],
        &[],
    );
    let stored: Vec<Neighbourhood> = old.neighbourhoods.iter().map(|(n, _)| n.clone()).collect();
    let csv = "cle;adresse;etages;logements;longitude;latitude\nB1;1 rue A;3;8;2,35;48,80\n";
    let new = plan(
        &read(&[
            upload("q.geojson", square_geojson(None, rings)),
            upload("b.csv", csv),
        ])
        .expect("new"),
        &stored,
        &[],
    );
    let q1 = new.neighbourhoods[0].0.id;
    assert_eq!(new.buildings[0].0.neighbourhood, Some(q1));
}

#[test]
fn importing_again_changes_nothing_and_a_correction_keeps_ids() {
    let csv =
        "cle;adresse;etages;logements;longitude;latitude\nB1;3 rue Lebon;4;18;2,3581;48,7903\n";
    let first = plan(&read(&[upload("b.csv", csv)]).expect("read"), &[], &[]);
    let stored: Vec<Building> = first.buildings.iter().map(|(b, _)| b.clone()).collect();
    let again = plan(&read(&[upload("b.csv", csv)]).expect("read"), &[], &stored);
    assert_eq!(again.buildings[0].1, Change::Unchanged);
    assert_eq!(again.counts.unchanged, 1);
    let corrected = csv.replace(";18;", ";20;");
    let third = plan(
        &read(&[upload("b.csv", corrected)]).expect("read"),
        &[],
        &stored,
    );
    assert_eq!(third.buildings[0].1, Change::Updated);
    assert_eq!(third.buildings[0].0.id, stored[0].id);
    // Visits name doors by floor: the 18 doors stay where they were.
    let floor_of =
        |b: &Building, door: &str| b.dwellings().find(|d| d.door == door).map(|d| d.floor);
    for door in ["1", "5", "18"] {
        assert_eq!(
            floor_of(&third.buildings[0].0, door),
            floor_of(&stored[0], door)
        );
    }
    assert_eq!(third.buildings[0].0.dwelling_count(), 20);
}

#[test]
fn apply_writes_all_or_nothing_and_only_clean_plans() {
    let mut store = shared::store::Store::open_in_memory().expect("store");
    let import = read(&[upload("b.csv", CSV)]).expect("read");
    let dirty = plan(&import, &[], &[]);
    assert!(matches!(
        apply(&mut store, &dirty),
        Err(plan::ApplyError::NotClean)
    ));
    assert_eq!(store.document_count().expect("count"), 0);
    let clean_csv: String = CSV.lines().take(3).map(|l| format!("{l}\n")).collect();
    let clean = plan(
        &read(&[upload("b.csv", clean_csv)]).expect("read"),
        &[],
        &[],
    );
    assert_eq!(apply(&mut store, &clean).expect("apply"), 1);
    let buildings = load(&store).expect("load").buildings;
    assert_eq!(buildings[0].dwelling_count(), 38);
}

/// Neighbourhood centres; buildings as (position seed, entrances as
/// (floors, dwellings), door code).
type Territory = (Vec<(f64, f64)>, Vec<(u8, Vec<(u8, u16)>, bool)>);

fn territory() -> impl Strategy<Value = Territory> {
    (
        prop::collection::vec((2.0f64..2.8, 48.5f64..49.0), 0..4),
        prop::collection::vec(
            (
                any::<u8>(),
                prop::collection::vec((0u8..30, 0u16..400), 1..4),
                any::<bool>(),
            ),
            0..25,
        ),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Import → export → import gives the same territory, ids and all,
    /// and the second import changes nothing.
    #[test]
    fn import_export_import_gives_the_same_territory((squares, buildings) in territory()) {
        let mut geojson = String::from(r#"{"type":"FeatureCollection","features":["#);
        for (i, (x, y)) in squares.iter().enumerate() {
            if i > 0 { geojson.push(','); }
            let h = 0.05;
            geojson.push_str(&format!(
                r#"{{"type":"Feature","properties":{{"nom":"Quartier {i}","code":"Q{i}"}},"geometry":{{"type":"Polygon","coordinates":[[[{a},{b}],[{c},{b}],[{c},{d}],[{a},{d}],[{a},{b}]]]}}}}"#,
                a = x - h, b = y - h, c = x + h, d = y + h
            ));
        }
        geojson.push_str("]}");
        let mut csv = String::from("cle;adresse;residence;entree;etages;logements;digicode;longitude;latitude\n");
        for (i, (seed, entrances, code)) in buildings.iter().enumerate() {
            let lon = 2.0 + f64::from(*seed) / 300.0;
            let lat = 48.5 + f64::from(*seed) / 500.0 + i as f64 / 1000.0;
            for (e, (floors, dwellings)) in entrances.iter().enumerate() {
                let estate = if seed % 2 == 0 { "Les Lozaits" } else { "" };
                csv.push_str(&format!(
                    "K{i};{i} rue de l'Essai;{estate};{};{floors};{dwellings};{};{};{}\n",
                    char::from(b'A' + e as u8),
                    if *code { "oui" } else { "non" },
                    lon.to_string().replace('.', ","),
                    lat.to_string().replace('.', ","),
                ));
            }
        }
        let first = plan(
            &read(&[upload("q.geojson", geojson), upload("b.csv", csv)]).expect("read"),
            &[],
            &[],
        );
        prop_assert!(first.is_clean(), "{:?}", first.rejections);
        let neighbourhoods: Vec<Neighbourhood> = first.neighbourhoods.iter().map(|(n, _)| n.clone()).collect();
        let stored: Vec<Building> = first.buildings.iter().map(|(b, _)| b.clone()).collect();
        let exported = export_geojson(&neighbourhoods, &stored);
        let second = plan(
            &read(&[upload("export.geojson", exported)]).expect("read export"),
            &neighbourhoods,
            &stored,
        );
        prop_assert!(second.is_clean(), "{:?}", second.rejections);
        let again_n: Vec<Neighbourhood> = second.neighbourhoods.iter().map(|(n, _)| n.clone()).collect();
        let again_b: Vec<Building> = second.buildings.iter().map(|(b, _)| b.clone()).collect();
        prop_assert_eq!(again_n, neighbourhoods);
        prop_assert_eq!(again_b, stored);
        prop_assert_eq!(second.counts.unchanged, second.neighbourhoods.len() + second.buildings.len());
    }
}

/// The fixtures of every binary format, as a hostile user would alter them.
const BINARY_FIXTURES: [(&str, &[u8]); 4] = [
    (
        "quartiers.gpkg",
        include_bytes!("../../tests/fixtures/quartiers-bagneux.gpkg"),
    ),
    (
        "quartiers.zip",
        include_bytes!("../../tests/fixtures/quartiers-bagneux-shp.zip"),
    ),
    (
        "batiments.xlsx",
        include_bytes!("../../tests/fixtures/batiments-bagneux.xlsx"),
    ),
    (
        "batiments.ods",
        include_bytes!("../../tests/fixtures/batiments-bagneux.ods"),
    ),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Flipped bytes and truncations of a GeoPackage, a zipped Shapefile
    /// or a workbook: a refusal or rejected rows, never a panic.
    #[test]
    fn altered_binary_files_are_refused_not_crashed_on(
        which in 0..BINARY_FIXTURES.len(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let (name, bytes) = BINARY_FIXTURES[which];
        let mut bytes = bytes.to_vec();
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        let _ = read(&[upload(name, bytes)]);
    }
}

#[test]
fn a_landlord_column_is_kept_exported_and_not_erased_by_a_file_without_one() {
    let csv = "cle;adresse;Bailleur social;etages;logements;longitude;latitude\n\
        B1;3 rue Lebon;Valophis;4;18;2,3581;48,7903\n";
    let import = read(&[upload("b.csv", csv)]).expect("read");
    assert_eq!(import.buildings[0].landlord.as_deref(), Some("Valophis"));
    let first = plan(&import, &[], &[]);
    let stored: Vec<Building> = first.buildings.iter().map(|(b, _)| b.clone()).collect();
    let export = export_geojson(&[], &stored);
    let back = read(&[upload("territoire.geojson", export)]).expect("export");
    assert_eq!(back.buildings[0].landlord.as_deref(), Some("Valophis"));
    let without = "cle;adresse;etages;logements;longitude;latitude\n\
        B1;3 rue Lebon;4;18;2,3581;48,7903\n";
    let again = plan(
        &read(&[upload("b.csv", without)]).expect("read"),
        &[],
        &stored,
    );
    assert_eq!(again.buildings[0].0.landlord.as_deref(), Some("Valophis"));
    assert_eq!(again.buildings[0].1, Change::Unchanged);
}

#[test]
fn an_import_past_what_one_may_hold_is_refused_before_its_doors_are_made() {
    // Forty entrances of a thousand dwellings a row: eleven rows are past
    // 400,000 dwellings.
    let mut csv = String::from("cle;adresse;nb entrees;etages;logements;x;y\n");
    for i in 0..11 {
        csv += &format!("B{i};{i} rue A;40;50;40000;652553;6853940\n");
    }
    let error = read(&[upload("b.csv", csv)]).expect_err("too many");
    assert!(
        matches!(error.1, FileError::TooManyDwellings { .. }),
        "{error:?}"
    );
    // A value longer than any building's is a rejected row, not stored.
    let long = format!(
        "cle;adresse;etages;logements;x;y\nB1;{};2;6;652553;6853940\n",
        "rue ".repeat(200)
    );
    let import = read(&[upload("b.csv", long)]).expect("read");
    assert_eq!(
        import.rejections[0].problem,
        RowProblem::TooLong(Column::Address)
    );
}

#[test]
fn a_rejected_row_holds_its_building_or_neighbourhood_back_or_blocks_leaving_out() {
    let store_csv = "cle;adresse;entree;etages;logements;x;y\n\
        B1;1 rue A;A;2;6;652553;6853940\n\
        B1;1 rue A;B;2;6;652553;6853940\n";
    let stored: Vec<Building> = plan(
        &read(&[upload("b.csv", store_csv)]).expect("read"),
        &[],
        &[],
    )
    .buildings
    .into_iter()
    .map(|(b, _)| b)
    .collect();
    // B1's entrance B row is rejected: B1 is held back whole, B2 goes in.
    let csv = "cle;adresse;entree;etages;logements;x;y\n\
        B1;1 rue A;A;3;9;652553;6853940\n\
        B1;1 rue A;B;deux;6;652553;6853940\n\
        B2;2 rue A;A;2;6;652553;6853940\n";
    let partial = plan(&read(&[upload("b.csv", csv)]).expect("read"), &[], &stored);
    assert!(partial.may_leave_out());
    assert_eq!(partial.held_back, ["B1"]);
    let keys: Vec<&str> = partial
        .buildings
        .iter()
        .map(|(b, _)| b.key.as_str())
        .collect();
    assert_eq!(keys, ["B2"]);
    // A row whose building cannot be told (no key, no address) could be
    // any building's: the valid rows cannot go in without it.
    let blank = "cle;adresse;entree;etages;logements;x;y\n\
        B1;1 rue A;A;3;9;652553;6853940\n\
        ;;B;2;6;652553;6853940\n";
    let blocked = plan(
        &read(&[upload("b.csv", blank)]).expect("read"),
        &[],
        &stored,
    );
    assert!(!blocked.may_leave_out());
    // The second part of a neighbourhood given twice is rejected: the
    // first part is held back too, not stored alone over the old outline.
    let square = |x: f64| {
        format!(
            r#"{{"type":"Feature","properties":{{"nom":"Lebon","code":"Q1"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},48.79],[{},48.79],[{},48.80],[{x},48.80],[{x},48.79]]]}}}}"#,
            x + 0.01,
            x + 0.01
        )
    };
    let twice = format!(
        r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
        square(2.35),
        square(2.40)
    );
    let parts = plan(
        &read(&[upload("q.geojson", twice)]).expect("read"),
        &[],
        &[],
    );
    assert!(parts.neighbourhoods.is_empty());
    assert_eq!(parts.held_back, ["Q1"]);
}

#[test]
fn a_text_file_named_like_a_workbook_is_refused_not_read_as_csv() {
    let csv = "cle;adresse;lon;lat;cage;etage;porte\nB1;1 rue A;2.36;48.79;A;0;1\n";
    for name in ["batiments.xlsx", "BATIMENTS.ODS", "export.gpkg", "lot.zip"] {
        let error = read(&[upload(name, csv)]).expect_err("refused");
        assert!(
            matches!(error.1, FileError::NotWhatItsNameSays { .. }),
            "{name}: {:?}",
            error.1
        );
    }
    // The same bytes under their own name are read.
    assert!(read(&[upload("batiments.csv", csv)]).is_ok());
}

#[test]
fn the_same_files_imported_again_change_nothing() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let file = |name: &str| upload(name, std::fs::read(dir.join(name)).expect("fixture"));
    let imports: [Vec<&str>; 6] = [
        vec!["batiments-villejuif.csv"],
        vec!["quartiers-lambert93.geojson", "batiments-villejuif.csv"],
        vec!["batiments-par-immeuble-bagneux.csv"],
        vec!["quartiers-bagneux.gpkg", "logements-rpls-bagneux.csv"],
        vec!["quartiers-bagneux-shp.zip", "batiments-bagneux.xlsx"],
        vec!["batiments-bagneux.ods"],
    ];
    for names in imports {
        let uploads: Vec<Upload> = names.iter().map(|n| file(n)).collect();
        let mut store = shared::store::Store::open_in_memory().expect("store");
        let first = plan(&read(&uploads).expect("read"), &[], &[]);
        assert!(first.is_clean(), "{names:?}: {:?}", first.rejections);
        apply(&mut store, &first).expect("apply");
        let stored = load(&store).expect("load");
        let again = plan(
            &read(&uploads).expect("read"),
            &stored.neighbourhoods,
            &stored.buildings,
        );
        let changed: Vec<&str> = again
            .buildings
            .iter()
            .filter(|(_, c)| *c != plan::Change::Unchanged)
            .map(|(b, _)| b.key.as_str())
            .chain(
                again
                    .neighbourhoods
                    .iter()
                    .filter(|(_, c)| *c != plan::Change::Unchanged)
                    .map(|(n, _)| n.key.as_str()),
            )
            .collect();
        assert!(changed.is_empty(), "{names:?}: {changed:?} changed");
        assert_eq!(
            again.counts.unchanged,
            stored.buildings.len() + stored.neighbourhoods.len()
        );
    }
}

/// Two neighbourhoods side by side, split at longitude 2.3506.
const TWO_QUARTERS: &str = r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{"nom":"Ouest","code":"Q1"},"geometry":{"type":"Polygon","coordinates":[[[2.34,48.79],[2.3506,48.79],[2.3506,48.81],[2.34,48.81],[2.34,48.79]]]}},
  {"type":"Feature","properties":{"nom":"Est","code":"Q2"},"geometry":{"type":"Polygon","coordinates":[[[2.3506,48.79],[2.36,48.79],[2.36,48.81],[2.3506,48.81],[2.3506,48.79]]]}}]}"#;

#[test]
fn two_buildings_at_one_number_told_apart_by_their_code_stay_two() {
    // Building A at 2.3500, building B 91 m east (2.35124), one address.
    let rows: Vec<(&str, &str, i32, &str, &str)> = vec![
        ("A", "1", 0, "001", "2.35000"),
        ("A", "1", 0, "002", "2.35000"),
        ("A", "1", 1, "101", "2.35000"),
        ("A", "2", 0, "001", "2.35000"),
        ("B", "1", 0, "001", "2.35124"),
        ("B", "1", 1, "101", "2.35124"),
        ("B", "1", 1, "102", "2.35124"),
        ("B", "1", 2, "201", "2.35124"),
    ];
    let mut csv =
        String::from("NUMVOIE;TYPVOIE;NOMVOIE;BAT;ESC;ETAGE;NUMAPPT;longitude;latitude\n");
    for (bat, esc, level, door, lon) in &rows {
        csv.push_str(&format!(
            "12;rue;Lebon;{bat};{esc};{level};{door};{lon};48.8000\n"
        ));
    }
    let import = read(&[
        upload("q.geojson", TWO_QUARTERS),
        upload("patrimoine.csv", csv),
    ])
    .expect("read");
    let p = plan(&import, &[], &[]);
    assert!(p.is_clean(), "{:?}", p.rejections);
    let quarter = |b: &Building| {
        p.neighbourhoods
            .iter()
            .find(|(n, _)| Some(n.id) == b.neighbourhood)
            .map(|(n, _)| n.key.clone())
    };
    let mut built: Vec<(String, usize, usize, Option<String>)> = p
        .buildings
        .iter()
        .map(|(b, _)| {
            (
                b.key.clone(),
                b.entrances.len(),
                b.dwelling_count(),
                quarter(b),
            )
        })
        .collect();
    built.sort();
    // Counted here from the rows themselves.
    let of = |bat: &str| {
        let mine: Vec<_> = rows.iter().filter(|r| r.0 == bat).collect();
        let entrances: std::collections::BTreeSet<_> = mine.iter().map(|r| r.1).collect();
        (entrances.len(), mine.len())
    };
    assert_eq!(
        built,
        vec![
            (
                "12 rue Lebon · bât A".to_string(),
                of("A").0,
                of("A").1,
                Some("Q1".to_string())
            ),
            (
                "12 rue Lebon · bât B".to_string(),
                of("B").0,
                of("B").1,
                Some("Q2".to_string())
            ),
        ]
    );

    // A file without the code keeps today's key: one address, one building
    // (as imported before codes were read).
    let plain = "NUMVOIE;TYPVOIE;NOMVOIE;ESC;ETAGE;NUMAPPT;longitude;latitude\n\
        12;rue;Lebon;1;0;001;2.35000;48.8000\n12;rue;Lebon;1;0;002;2.35000;48.8000\n";
    let before = plan(
        &read(&[upload("ancien.csv", plain)]).expect("read"),
        &[],
        &[],
    );
    assert_eq!(before.buildings[0].0.key, "12 rue Lebon");
    // That building, stored with its visits, then the file with codes:
    // the building at its place keeps its id (no visit orphaned), the
    // other is new.
    let stored: Vec<Building> = before.buildings.iter().map(|(b, _)| b.clone()).collect();
    let mut with_codes =
        String::from("NUMVOIE;TYPVOIE;NOMVOIE;BAT;ESC;ETAGE;NUMAPPT;longitude;latitude\n");
    for (bat, esc, level, door, lon) in &rows {
        with_codes.push_str(&format!(
            "12;rue;Lebon;{bat};{esc};{level};{door};{lon};48.8000\n"
        ));
    }
    let later = plan(
        &read(&[upload("patrimoine.csv", with_codes)]).expect("read"),
        &[],
        &stored,
    );
    let id_of = |key: &str| {
        later
            .buildings
            .iter()
            .find(|(b, _)| b.key == key)
            .map(|(b, _)| b.id)
            .expect(key)
    };
    assert_eq!(id_of("12 rue Lebon · bât A"), stored[0].id);
    assert_ne!(id_of("12 rue Lebon · bât B"), stored[0].id);
    // Another landlord's building at that address, under a key of its
    // own, is a new building: it takes nobody's visits.
    let theirs = "cle;adresse;entree;etages;logements;longitude;latitude\n\
        B-7;12 rue Lebon;A;2;6;2.35000;48.8000\n";
    let other = plan(
        &read(&[upload("autre.csv", theirs)]).expect("read"),
        &[],
        &stored,
    );
    assert_ne!(other.buildings[0].0.id, stored[0].id);
    // A code that tells nothing apart (one building, one code) changes no key.
    let one = "NUMVOIE;TYPVOIE;NOMVOIE;BAT;ESC;ETAGE;NUMAPPT;longitude;latitude\n\
        12;rue;Lebon;A;1;0;001;2.35000;48.8000\n12;rue;Lebon;A;1;0;002;2.35000;48.8000\n";
    let again = plan(
        &read(&[upload("nouveau.csv", one)]).expect("read"),
        &[],
        &[],
    );
    assert_eq!(again.buildings[0].0.key, "12 rue Lebon");
}

#[test]
fn a_row_repeated_word_for_word_is_counted_once_and_holds_nothing_back() {
    let header = "NUMVOIE;TYPVOIE;NOMVOIE;ESC;ETAGE;NUMAPPT;longitude;latitude\n";
    let row = |door: &str| format!("12;rue;Lebon;1;0;{door};2.35000;48.8000\n");
    // Lines: 1 header, 2 "001", 3 "002", 4 "002" again, 5 "003".
    let csv = format!(
        "{header}{}{}{}{}",
        row("001"),
        row("002"),
        row("002"),
        row("003")
    );
    let import = read(&[upload("patrimoine.csv", csv)]).expect("read");
    let p = plan(&import, &[], &[]);
    assert!(p.is_clean(), "{:?}", p.rejections);
    assert_eq!(
        p.buildings[0].0.dwelling_count(),
        3,
        "the repeated row counted once"
    );
    let table = import.files[0].table.as_ref().expect("table");
    assert_eq!(
        table.repeated,
        vec![(4, 3)],
        "named: line 4 is line 3 again"
    );

    // The same door with something else said: two dwellings cannot share
    // a door, the building is held back and the reason says so.
    let other = format!(
        "{header}{}12;rue;Lebon;1;1;001;2.35000;48.8000\n",
        row("001")
    );
    let p = plan(
        &read(&[upload("patrimoine.csv", other)]).expect("read"),
        &[],
        &[],
    );
    assert!(matches!(
        p.rejections[0].problem,
        RowProblem::DuplicateDoor { line: 2, .. }
    ));

    // Without a dwelling identifier, identical rows stay distinct dwellings.
    let unnamed = "NUMVOIE;TYPVOIE;NOMVOIE;ESC;ETAGE;longitude;latitude\n\
        12;rue;Lebon;1;0;2.35000;48.8000\n12;rue;Lebon;1;0;2.35000;48.8000\n";
    let p = plan(
        &read(&[upload("patrimoine.csv", unnamed)]).expect("read"),
        &[],
        &[],
    );
    assert!(p.is_clean());
    assert_eq!(p.buildings[0].0.dwelling_count(), 2);
}

#[test]
fn a_blank_staircase_is_named_and_placed_only_where_it_can_be() {
    let header = "NUMVOIE;TYPVOIE;NOMVOIE;ESC;ETAGE;NUMAPPT;longitude;latitude\n";
    let row =
        |n: &str, esc: &str, door: &str| format!("{n};rue;Lebon;{esc};0;{door};2.35000;48.8000\n");
    let csv = [
        header.to_string(),
        row("12", "A", "A01"),
        row("12", "B", "B01"),
        row("12", "C", "C01"),
        row("12", "", "X01"),
        row("14", "1", "101"),
        row("14", "", "102"),
        row("14", "", "102"),
    ]
    .concat();
    let uploads = [upload("patrimoine.csv", csv)];
    let import = read(&uploads).expect("read");
    let p = plan(&import, &[], &[]);
    // 12 has three staircases: the row without one is named as such, and
    // holds its building back; 14 has one: the row goes there.
    assert_eq!(p.rejections.len(), 1, "{:?}", p.rejections);
    assert_eq!(p.rejections[0].line, 5);
    assert_eq!(
        p.rejections[0].problem,
        RowProblem::MissingEntrance {
            key: "12 rue Lebon".into(),
            entrances: vec!["A".into(), "B".into(), "C".into()]
        }
    );
    let fourteen = &import
        .buildings
        .iter()
        .find(|b| b.key == "14 rue Lebon")
        .expect("14");
    assert_eq!(fourteen.entrances.len(), 1);
    assert_eq!(fourteen.entrances[0].floors[0].doors, ["101", "102"]);
    let table = import.files[0].table.as_ref().expect("table");
    assert_eq!(
        table.repeated,
        [(8, 7)],
        "a blank-staircase row said twice is named too"
    );

    // The coordinator puts it in B: every row is read, X01 in B.
    let mut choices = mapping::Choices::default();
    choices
        .blank_entrances
        .insert("12 rue Lebon".into(), "B".into());
    let import = read_with(&uploads, &choices).expect("read");
    let p = plan(&import, &[], &[]);
    assert!(p.is_clean(), "{:?}", p.rejections);
    let twelve = p
        .buildings
        .iter()
        .find(|(b, _)| b.key == "12 rue Lebon")
        .map(|(b, _)| b)
        .expect("12");
    assert_eq!(
        twelve.dwelling_count(),
        4,
        "counted from the four rows of 12"
    );
    let b = twelve.entrances.iter().find(|e| e.label == "B").expect("B");
    assert_eq!(b.floors[0].doors, ["B01", "X01"]);
    // A staircase the building has not is no choice: held back again.
    choices
        .blank_entrances
        .insert("12 rue Lebon".into(), "Z".into());
    let p = plan(&read_with(&uploads, &choices).expect("read"), &[], &[]);
    assert_eq!(p.rejections.len(), 1);
}

#[test]
fn one_street_address_in_two_communes_is_two_buildings() {
    let csv = "NUMVOIE;TYPVOIE;NOMVOIE;CODEPOSTAL;LIBCOM;ESC;ETAGE;NUMAPPT;longitude;latitude\n\
        12;rue;Lebon;92220;BAGNEUX;1;0;001;2.3000;48.8000\n\
        12;rue;Lebon;94800;VILLEJUIF;1;0;001;2.3600;48.7900\n\
        14;rue;Lebon;92220;BAGNEUX;1;0;001;2.3001;48.8001\n";
    let p = plan(
        &read(&[upload("patrimoine.csv", csv)]).expect("read"),
        &[],
        &[],
    );
    assert!(p.is_clean(), "{:?}", p.rejections);
    let mut seen: Vec<(String, String)> = p
        .buildings
        .iter()
        .map(|(b, _)| (b.key.clone(), b.address.clone()))
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            (
                "12 rue Lebon, BAGNEUX".into(),
                "12 rue Lebon, BAGNEUX".into()
            ),
            (
                "12 rue Lebon, VILLEJUIF".into(),
                "12 rue Lebon, VILLEJUIF".into()
            ),
            // An address in one commune only keeps today's key.
            ("14 rue Lebon".into(), "14 rue Lebon".into()),
        ]
    );
}

#[test]
fn a_refused_row_holds_back_the_building_its_code_names_not_its_neighbour() {
    let csv = "NUMVOIE;TYPVOIE;NOMVOIE;BAT;ESC;ETAGE;NUMAPPT;longitude;latitude\n\
        12;rue;Lebon;A;1;0;001;2.35000;48.8000\n\
        12;rue;Lebon;A;1;1;001;2.35000;48.8000\n\
        12;rue;Lebon;B;1;0;001;2.35124;48.8000\n\
        12;rue;Lebon;B;2;0;001;2.35124;48.8000\n\
        12;rue;Lebon;B;;0;X01;2.35124;48.8000\n";
    let p = plan(
        &read(&[upload("patrimoine.csv", csv)]).expect("read"),
        &[],
        &[],
    );
    // Line 3 (door 001 again on another floor) holds back bât A only;
    // line 6 (no staircase in a building with two) holds back bât B, under
    // its own key.
    assert_eq!(p.rejections.len(), 2, "{:?}", p.rejections);
    assert_eq!(
        p.rejections[0].held,
        Held::Building("12 rue Lebon · bât A".into())
    );
    assert_eq!(
        p.rejections[1].problem,
        RowProblem::MissingEntrance {
            key: "12 rue Lebon · bât B".into(),
            entrances: vec!["1".into(), "2".into()]
        }
    );
    let mut held = p.held_back.clone();
    held.sort();
    assert_eq!(held, ["12 rue Lebon · bât A", "12 rue Lebon · bât B"]);
}
