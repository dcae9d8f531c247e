//! Benchmark of the territory import (figures in BENCHMARKS.md): 150,000
//! dwellings in 8,000 buildings (one CSV row per entrance, Windows-1252,
//! `;`, Lambert-93 x/y with decimal commas) and 30 neighbourhoods (a
//! Lambert-93 GeoJSON), read, placed by point in polygon, and written to an
//! on-disk store in one transaction; then the same files again (nothing
//! changes). Peak memory is this process's high-water mark (VmHWM).
//!
//! Run with `cargo bench -p tests --bench territory_import`.

use shared::store::Store;
use std::fmt::Write as _;
use std::time::{Duration, Instant};
use sync_server::territory::{self, Upload};

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

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let uploads = vec![
        Upload {
            name: "quartiers.geojson".into(),
            bytes: neighbourhoods().into_bytes(),
        },
        Upload {
            name: "batiments.csv".into(),
            bytes: buildings(),
        },
    ];
    let size: usize = uploads.iter().map(|u| u.bytes.len()).sum();
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
    println!(
        "first import: {:.2} s (read + reproject {:.2} s, plan {:.2} s, write {:.2} s), \
         {written} documents, {} dwellings, {:.1} MiB of files",
        first.as_secs_f64(),
        read.as_secs_f64(),
        plan.as_secs_f64(),
        write.as_secs_f64(),
        counts.dwellings,
        size as f64 / 1_048_576.0
    );

    let again = Instant::now();
    let (_, _, _, written, counts) = import(&mut store, &uploads);
    println!(
        "same files again: {:.2} s, {written} documents written, {} unchanged",
        again.elapsed().as_secs_f64(),
        counts.unchanged
    );
    println!(
        "peak memory (VmHWM): {:.0} MiB (before the import: {:.0} MiB)",
        vm_hwm_kib() as f64 / 1024.0,
        before as f64 / 1024.0
    );
}
