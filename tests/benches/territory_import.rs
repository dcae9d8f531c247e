//! Benchmark of the territory import (figures in BENCHMARKS.md): 150,000
//! dwellings in 8,000 buildings and 30 neighbourhoods (a Lambert-93
//! GeoJSON), read, placed by point in polygon, and written to an on-disk
//! store in one transaction; then the same files again (nothing changes).
//! The buildings come in three files holding the same territory:
//!
//! - `entrance`: a CSV with one row per entrance (Windows-1252, `;`,
//!   Lambert-93 x/y with decimal commas), the shape measured since issue 5;
//! - `dwelling`: a CSV with one row per dwelling, floor and door label, as
//!   a landlord's RPLS inventory;
//! - `xlsx`: the same rows per dwelling in an Excel workbook.
//!
//! Each shape runs in a process of its own (this program started again
//! with `--shape`), so each peak memory (VmHWM) is its own; the three run
//! one after the other in one sitting, so their ratios compare.
//!
//! Run with `cargo bench -p tests --bench territory_import`.

use shared::store::Store;
use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{Duration, Instant};
use territory::{self, Upload};

const BUILDINGS: usize = 8_000;
const DWELLINGS: usize = 150_000;
const GRID: (usize, usize) = (6, 5);
const CELL_M: f64 = 1_500.0;
const ORIGIN: (f64, f64) = (645_000.0, 6_845_000.0);

fn l93(x: f64) -> String {
    format!("{x:.2}").replace('.', ",")
}

/// 30 square neighbourhoods in a 6 × 5 grid, Lambert-93; every fifth one a
/// MultiPolygon with a second, detached part.
fn neighbourhoods() -> String {
    let mut features = Vec::new();
    for i in 0..GRID.0 {
        for j in 0..GRID.1 {
            let (x, y) = (ORIGIN.0 + i as f64 * CELL_M, ORIGIN.1 + j as f64 * CELL_M);
            let square = |x: f64, y: f64, s: f64| {
                format!(
                    "[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]",
                    x + s,
                    x + s,
                    y + s,
                    y + s
                )
            };
            let n = i * GRID.1 + j;
            let geometry = if n.is_multiple_of(5) {
                format!(
                    r#"{{"type":"MultiPolygon","coordinates":[[{}],[{}]]}}"#,
                    square(x, y, CELL_M),
                    square(x + 20_000.0, y, 200.0)
                )
            } else {
                format!(
                    r#"{{"type":"Polygon","coordinates":[{}]}}"#,
                    square(x, y, CELL_M)
                )
            };
            features.push(format!(
                r#"{{"type":"Feature","properties":{{"code":"Q{n:02}","nom":"Quartier {n}"}},"geometry":{geometry}}}"#
            ));
        }
    }
    format!(
        r#"{{"type":"FeatureCollection","crs":{{"type":"name","properties":{{"name":"urn:ogc:def:crs:EPSG::2154"}}}},"features":[{}]}}"#,
        features.join(",")
    )
}

/// 8,000 buildings of 1 to 3 entrances, 150,000 dwellings in all.
fn buildings() -> Vec<u8> {
    let mut csv = String::from("Clé;Adresse;Résidence;Entrée;Étages;Logements;Digicode;X;Y\r\n");
    let mut left = DWELLINGS;
    for b in 0..BUILDINGS {
        let entrances = 1 + b % 3;
        let share = left / (BUILDINGS - b);
        left -= share;
        let (x, y) = (
            ORIGIN.0 + 10.0 + (b % 89) as f64 * (GRID.0 as f64 * CELL_M - 20.0) / 89.0,
            ORIGIN.1 + 10.0 + (b / 89) as f64 * (GRID.1 as f64 * CELL_M - 20.0) / 90.0,
        );
        for e in 0..entrances {
            let dwellings = share / entrances + usize::from(e < share % entrances);
            let _ = write!(
                csv,
                "B{b:05};{} rue de l'Église;Résidence n°{};{};{};{dwellings};oui;{};{}\r\n",
                b % 150 + 1,
                b / 40,
                char::from(b'A' + e as u8),
                4 + b % 9,
                l93(x),
                l93(y)
            );
        }
    }
    encoding_rs::WINDOWS_1252.encode(&csv).0.into_owned()
}

/// The same territory, one row per dwelling: key, address, estate,
/// entrance, floor, door, x, y.
fn dwelling_rows() -> Vec<[String; 8]> {
    let mut rows = Vec::with_capacity(DWELLINGS);
    let mut left = DWELLINGS;
    for b in 0..BUILDINGS {
        let entrances = 1 + b % 3;
        let share = left / (BUILDINGS - b);
        left -= share;
        let floors = 4 + b % 9;
        let (x, y) = (
            ORIGIN.0 + 10.0 + (b % 89) as f64 * (GRID.0 as f64 * CELL_M - 20.0) / 89.0,
            ORIGIN.1 + 10.0 + (b / 89) as f64 * (GRID.1 as f64 * CELL_M - 20.0) / 90.0,
        );
        for e in 0..entrances {
            let dwellings = share / entrances + usize::from(e < share % entrances);
            let label = char::from(b'A' + e as u8);
            for d in 0..dwellings {
                let level = d * (floors + 1) / dwellings.max(1);
                rows.push([
                    format!("B{b:05}"),
                    format!("{} rue de l'Église", b % 150 + 1),
                    format!("Résidence n°{}", b / 40),
                    label.to_string(),
                    if level == 0 {
                        "RDC".into()
                    } else {
                        level.to_string()
                    },
                    format!("{label}{level}{d:03}"),
                    format!("{x:.2}"),
                    format!("{y:.2}"),
                ]);
            }
        }
    }
    rows
}

const DWELLING_HEADERS: [&str; 8] = [
    "Clé",
    "Adresse",
    "Résidence",
    "Entrée",
    "Étage",
    "N° de porte",
    "X",
    "Y",
];

fn dwellings_csv() -> Vec<u8> {
    let mut csv = DWELLING_HEADERS.join(";") + "\r\n";
    for row in dwelling_rows() {
        csv += &row.join(";");
        csv += "\r\n";
    }
    csv.into_bytes()
}

/// The rows per dwelling as an Excel workbook: strings shared, numbers as
/// numbers, as Excel writes them.
fn dwellings_xlsx() -> Vec<u8> {
    let rows = dwelling_rows();
    let mut strings: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut shared = |s: &str| -> usize {
        *index.entry(s.to_string()).or_insert_with(|| {
            strings.push(s.to_string());
            strings.len() - 1
        })
    };
    let column = |c: usize| char::from(b'A' + c as u8);
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    let mut row_xml = |r: usize, cells: &[&str], sheet: &mut String| {
        let _ = write!(sheet, r#"<row r="{r}">"#);
        for (c, value) in cells.iter().enumerate() {
            if c >= 6 {
                let _ = write!(sheet, r#"<c r="{}{r}"><v>{value}</v></c>"#, column(c));
            } else {
                let _ = write!(
                    sheet,
                    r#"<c r="{}{r}" t="s"><v>{}</v></c>"#,
                    column(c),
                    shared(value)
                );
            }
        }
        sheet.push_str("</row>");
    };
    row_xml(1, &DWELLING_HEADERS, &mut sheet);
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        row_xml(i + 2, &cells, &mut sheet);
    }
    sheet.push_str("</sheetData></worksheet>");
    let escape = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
    let mut sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{0}" uniqueCount="{0}">"#,
        strings.len()
    );
    for s in &strings {
        let _ = write!(sst, "<si><t>{}</t></si>", escape(s));
    }
    sst.push_str("</sst>");
    let entries: [(&str, String); 6] = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.into()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Logements" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.into()),
        ("xl/sharedStrings.xml", sst),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in entries {
        zip.start_file(name, options).expect("start");
        zip.write_all(text.as_bytes()).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn import(
    store: &mut Store,
    uploads: &[Upload],
) -> (Duration, Duration, Duration, usize, territory::Counts) {
    let start = Instant::now();
    let parsed = territory::read(uploads).expect("read");
    let read = start.elapsed();
    let stored = territory::load(store).expect("load");
    let plan = territory::plan(&parsed, &stored.neighbourhoods, &stored.buildings);
    assert!(
        plan.is_clean(),
        "{:?}",
        &plan.rejections[..plan.rejections.len().min(5)]
    );
    let planned = start.elapsed();
    let written = territory::apply(store, &plan).expect("apply");
    (
        read,
        planned - read,
        start.elapsed() - planned,
        written,
        plan.counts,
    )
}

/// The three files of the same buildings, by shape: its name, and how to
/// make it.
fn buildings_file(shape: &str) -> (&'static str, fn() -> Vec<u8>) {
    match shape {
        "entrance" => ("batiments.csv", buildings),
        "dwelling" => ("logements.csv", dwellings_csv),
        "xlsx" => ("logements.xlsx", dwellings_xlsx),
        other => panic!("unknown shape {other}"),
    }
}

const SHAPES: [&str; 3] = ["entrance", "dwelling", "xlsx"];

/// One shape, in this process, from the files the parent wrote (so making
/// them does not count in this peak): prints one line of figures.
fn measure(shape: &str, dir: &std::path::Path) {
    let read_file = |name: &str| Upload {
        name: name.into(),
        bytes: std::fs::read(dir.join(name)).expect("file"),
    };
    let uploads = vec![
        read_file("quartiers.geojson"),
        read_file(buildings_file(shape).0),
    ];
    let size = uploads[1].bytes.len();
    let before = vm_hwm_kib();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("municipality.sqlite")).expect("store");
    let total = Instant::now();
    let (read, plan, write, written, counts) = import(&mut store, &uploads);
    let first = total.elapsed();
    assert_eq!(counts.dwellings, DWELLINGS);
    assert_eq!(counts.buildings_new, BUILDINGS);
    assert_eq!(counts.neighbourhoods_new, 30);
    assert_eq!(counts.without_neighbourhood, 0);
    assert_eq!(written, BUILDINGS + 30);
    let peak_first = vm_hwm_kib();
    let again = Instant::now();
    let (_, _, _, rewritten, counts) = import(&mut store, &uploads);
    let again = again.elapsed();
    assert_eq!((rewritten, counts.unchanged), (0, BUILDINGS + 30));
    println!(
        "| {shape} | {:.1} MiB | {:.2} s | {:.2} s | {:.2} s | {:.2} s | {:.2} s | {:.0} MiB | {:.0} MiB |",
        size as f64 / 1_048_576.0,
        first.as_secs_f64(),
        read.as_secs_f64(),
        plan.as_secs_f64(),
        write.as_secs_f64(),
        again.as_secs_f64(),
        peak_first as f64 / 1024.0,
        before as f64 / 1024.0,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    if let [_, flag, shape, dir, ..] = args.as_slice()
        && flag == "--shape"
    {
        measure(shape, std::path::Path::new(dir));
        return;
    }
    let files = tempfile::tempdir().expect("tempdir");
    std::fs::write(files.path().join("quartiers.geojson"), neighbourhoods()).expect("write");
    for shape in SHAPES {
        let (name, make) = buildings_file(shape);
        std::fs::write(files.path().join(name), make()).expect("write");
    }
    println!(
        "150,000 dwellings in 8,000 buildings and 30 neighbourhoods, first import then the same files again\n\n\
         | buildings file | size | first import | read | plan | write | same files again | peak (VmHWM) after the first import | before (files read) |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    let me = std::env::current_exe().expect("this program");
    for shape in SHAPES {
        let status = std::process::Command::new(&me)
            .arg("--shape")
            .arg(shape)
            .arg(files.path())
            .status()
            .expect("run a shape");
        assert!(status.success(), "{shape} failed");
    }
}
