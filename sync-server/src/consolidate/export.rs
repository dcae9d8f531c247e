//! The exports, as rows: per building, per neighbourhood, every visit.
//! CSV (UTF-8 with a byte-order mark so spreadsheet software reads the
//! accents; comma or semicolon) and GeoJSON. Visits are written row by row
//! into a sink, so a million of them never sit in memory at once.
//!
//! What leaves here: counts, places, dates, outcomes, topics, the agent's
//! phone name; never a resident's name or contact (the read model has
//! none), never a verbatim (free text may name someone). The visits file is
//! door-level (address, door, time, age band, language): the coordinator's
//! working file, personal data to handle as such, never for publication
//! (that is `open_data`). Cells that look like formulas are neutralised.

use super::figures::{self, Coverage, percent};
use super::filter::Filter;
use super::places::Places;
use crate::consolidate::Snapshot;
use rusqlite::params_from_iter;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The byte-order mark that tells spreadsheet software the file is UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// CSV's field separator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Separator {
    /// `,`
    Comma,
    /// `;` (French spreadsheet software, where `,` is the decimal mark).
    Semicolon,
}

impl Separator {
    fn byte(self) -> u8 {
        match self {
            Separator::Comma => b',',
            Separator::Semicolon => b';',
        }
    }
}

/// A number as the separator's spreadsheets read it.
fn decimal(value: Option<f64>, sep: Separator) -> String {
    match value {
        None => String::new(),
        Some(v) => {
            let text = format!("{v:.1}");
            if sep == Separator::Semicolon {
                text.replace('.', ",")
            } else {
                text
            }
        }
    }
}

/// A cell as spreadsheet software may open it safely: text that starts
/// like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return) is
/// prefixed with `'`, so a device named `=HYPERLINK(…)` stays text.
/// Numbers are left as they are.
pub fn safe_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && cell.replace(',', ".").parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Encodes rows as CSV, with the BOM and a header.
pub fn csv<I>(header: &[&str], rows: I, sep: Separator) -> Result<Vec<u8>, csv::Error>
where
    I: IntoIterator<Item = Vec<String>>,
{
    let mut out = BOM.to_vec();
    let header: Vec<String> = header.iter().map(|h| (*h).to_string()).collect();
    out.extend(csv_line(&header, sep)?);
    for row in rows {
        out.extend(csv_line(&row, sep)?);
    }
    Ok(out)
}

/// A time (Unix ms) as RFC 3339, UTC; empty if out of range.
pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// One CSV line (no BOM, no header), its cells made safe.
pub fn csv_line(row: &[String], sep: Separator) -> Result<Vec<u8>, csv::Error> {
    let mut out = Vec::with_capacity(128);
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(sep.byte())
            .has_headers(false)
            .from_writer(&mut out);
        w.write_record(row.iter().map(|c| safe_cell(c).into_owned()))?;
        w.flush()?;
    }
    Ok(out)
}

/// A building and its figures.
pub struct BuildingRow {
    /// Its key in the municipality's files.
    pub key: String,
    /// Its address.
    pub address: String,
    /// Its neighbourhood's name.
    pub neighbourhood: String,
    /// Where it is.
    pub lon: f64,
    /// Where it is.
    pub lat: f64,
    /// Its figures.
    pub coverage: Coverage,
}

/// Every building in scope, with its figures.
pub fn buildings(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<Vec<BuildingRow>> {
    let conn = &rm.conn;
    let names = figures::neighbourhood_names(rm)?;
    let figures: HashMap<String, Coverage> = figures::by_building(rm, filter)?
        .into_iter()
        .map(|(id, _, _, c)| (id, c))
        .collect();
    let scope = filter.buildings();
    let mut stmt = conn.prepare(&format!(
        "SELECT b.building_id, b.key, b.address, coalesce(b.neighbourhood_id, ''), b.lon, b.lat
         FROM rm_buildings b WHERE b.building_id IN (SELECT building_id FROM ({}) s)
         ORDER BY b.key, b.building_id",
        scope.text
    ))?;
    let rows = stmt.query_map(params_from_iter(scope.params.iter()), |r| {
        let id: String = r.get(0)?;
        let n: String = r.get(3)?;
        Ok(BuildingRow {
            key: r.get(1)?,
            address: r.get(2)?,
            neighbourhood: names.get(&n).cloned().unwrap_or_default(),
            lon: r.get(4)?,
            lat: r.get(5)?,
            coverage: figures.get(&id).cloned().unwrap_or_default(),
        })
    })?;
    rows.collect()
}

/// The columns of the per-building file.
pub const BUILDING_HEADER: [&str; 10] = [
    "key",
    "address",
    "neighbourhood",
    "longitude",
    "latitude",
    "doors",
    "doors_reached",
    "coverage_percent",
    "doors_talked",
    "contact_rate_percent",
];

/// A building as a CSV row.
pub fn building_record(b: &BuildingRow, sep: Separator) -> Vec<String> {
    vec![
        b.key.clone(),
        b.address.clone(),
        b.neighbourhood.clone(),
        format!("{:.6}", b.lon),
        format!("{:.6}", b.lat),
        b.coverage.doors.to_string(),
        b.coverage.reached.to_string(),
        decimal(b.coverage.coverage(), sep),
        b.coverage.talked.to_string(),
        decimal(b.coverage.contact_rate(), sep),
    ]
}

/// The columns of the per-neighbourhood file.
pub const NEIGHBOURHOOD_HEADER: [&str; 11] = [
    "neighbourhood",
    "doors",
    "doors_reached",
    "coverage_percent",
    "doors_talked",
    "contact_rate_percent",
    "conversations",
    "conversations_under_25",
    "conversations_65_plus",
    "conversations_not_french",
    "follow_ups",
];

/// Every neighbourhood with its figures, as CSV rows (and ids).
pub fn neighbourhoods(
    rm: &Snapshot,
    filter: &Filter,
    sep: Separator,
) -> rusqlite::Result<Vec<(String, Vec<String>)>> {
    let extra = figures::per_neighbourhood(rm, filter)?;
    Ok(figures::by_neighbourhood(rm, filter)?
        .into_iter()
        .map(|g| {
            let (p, f) = extra.get(&g.id).cloned().unwrap_or_default();
            let c = &g.coverage;
            (
                g.id.clone(),
                vec![
                    g.name.clone(),
                    c.doors.to_string(),
                    c.reached.to_string(),
                    decimal(c.coverage(), sep),
                    c.talked.to_string(),
                    decimal(c.contact_rate(), sep),
                    p.conversations.to_string(),
                    p.under_25.to_string(),
                    p.over_65.to_string(),
                    p.not_french.to_string(),
                    f.to_string(),
                ],
            )
        })
        .collect())
}

/// The columns of the visits file.
pub const VISIT_HEADER: [&str; 12] = [
    "date",
    "neighbourhood",
    "building_key",
    "address",
    "door",
    "pass",
    "outcome",
    "agent",
    "age_band",
    "language",
    "topics",
    "follow_up",
];

/// How many visits the visits file will hold (for progress).
pub fn visit_count(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<i64> {
    figures::visits(rm, filter)
}

/// Calls `sink` with every visit in scope as a CSV row, oldest first;
/// stops early when `sink` returns `false` (the download was abandoned).
pub fn each_visit(
    rm: &Snapshot,
    filter: &Filter,
    agents: &HashMap<String, String>,
    mut sink: impl FnMut(Vec<String>) -> bool,
) -> rusqlite::Result<()> {
    let conn = &rm.conn;
    let names = figures::neighbourhood_names(rm)?;
    let visits = filter.visits();
    // Topics come as one row each (portable SQL: no string aggregation),
    // gathered back into their visit as the rows stream by.
    let mut stmt = conn.prepare(&format!(
        "SELECT v.at, coalesce(v.neighbourhood_id, ''), b.key, b.address, v.door_label, v.pass,
                v.outcome, v.agent_id, coalesce(v.age_band, ''), coalesce(v.language, ''),
                t.topic, CASE WHEN v.follow_up_id IS NULL THEN 0 ELSE 1 END, v.doc_id, v.visit_id
         FROM ({}) v JOIN rm_buildings b ON b.building_id = v.building_id
         LEFT JOIN rm_visit_topics t ON t.doc_id = v.doc_id AND t.visit_id = v.visit_id
         ORDER BY v.at, v.doc_id, v.visit_id, t.topic",
        visits.text
    ))?;
    let mut rows = stmt.query(params_from_iter(visits.params.iter()))?;
    let mut current: Option<((String, String), Vec<String>)> = None;
    while let Some(r) = rows.next()? {
        let key: (String, String) = (r.get(12)?, r.get(13)?);
        let topic: Option<String> = r.get(10)?;
        if let Some((k, row)) = current.as_mut()
            && *k == key
        {
            if let Some(t) = topic {
                let topics = &mut row[10];
                topics.push('|');
                topics.push_str(&t);
            }
            continue;
        }
        if let Some((_, row)) = current.take()
            && !sink(row)
        {
            return Ok(());
        }
        let at: i64 = r.get(0)?;
        let n: String = r.get(1)?;
        let agent: String = r.get(7)?;
        let row = vec![
            rfc3339(at),
            names.get(&n).cloned().unwrap_or_default(),
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get::<_, i64>(5)?.to_string(),
            r.get(6)?,
            agents.get(&agent).cloned().unwrap_or(agent),
            r.get(8)?,
            r.get(9)?,
            topic.unwrap_or_default(),
            if r.get::<_, i64>(11)? == 1 {
                "yes"
            } else {
                "no"
            }
            .to_string(),
        ];
        current = Some((key, row));
    }
    if let Some((_, row)) = current {
        sink(row);
    }
    Ok(())
}

fn coverage_properties(c: &Coverage) -> Value {
    json!({
        "doors": c.doors,
        "doors_reached": c.reached,
        "coverage_percent": c.coverage(),
        "doors_talked": c.talked,
        "contact_rate_percent": percent(c.talked, c.reached),
    })
}

/// Buildings as GeoJSON points with their figures.
pub fn buildings_geojson(rows: &[BuildingRow]) -> Value {
    json!({
        "type": "FeatureCollection",
        "features": rows.iter().map(|b| {
            let mut props = coverage_properties(&b.coverage);
            if let Some(p) = props.as_object_mut() {
                p.insert("key".into(), json!(b.key));
                p.insert("address".into(), json!(b.address));
                p.insert("neighbourhood".into(), json!(b.neighbourhood));
            }
            json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [b.lon, b.lat] },
                "properties": props,
            })
        }).collect::<Vec<_>>(),
    })
}

/// A neighbourhood's outline as a GeoJSON multipolygon.
pub fn neighbourhood_geometry(n: &shared::domain::Neighbourhood) -> Value {
    json!({
        "type": "MultiPolygon",
        "coordinates": n.polygons.iter().map(|p| p.iter().map(|ring| ring.iter().map(|pt| [pt.lon, pt.lat]).collect::<Vec<_>>()).collect::<Vec<_>>()).collect::<Vec<_>>(),
    })
}

/// Neighbourhoods as GeoJSON multipolygons with their figures.
pub fn neighbourhoods_geojson(places: &Places, rows: &[(String, Vec<String>)]) -> Value {
    let by_id: HashMap<&str, &Vec<String>> = rows.iter().map(|(id, r)| (id.as_str(), r)).collect();
    json!({
        "type": "FeatureCollection",
        "features": places.neighbourhoods.iter().map(|n| {
            let id = n.id.to_string();
            let mut props = serde_json::Map::new();
            if let Some(row) = by_id.get(id.as_str()) {
                for (k, v) in NEIGHBOURHOOD_HEADER.iter().zip(row.iter()) {
                    let value = v.parse::<f64>().map(|f| json!(f)).unwrap_or_else(|_| json!(v));
                    props.insert((*k).to_string(), if *k == "neighbourhood" { json!(v) } else { value });
                }
            } else {
                props.insert("neighbourhood".into(), json!(n.name));
            }
            json!({
                "type": "Feature",
                "geometry": neighbourhood_geometry(n),
                "properties": props,
            })
        }).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_looks_like_a_formula_stays_text_and_numbers_stay_numbers() {
        let row: Vec<String> = [
            "=HYPERLINK(\"http://x\")",
            "@SUM(A1)",
            "-2",
            "-1,5",
            "+33 6",
            "Tour A",
        ]
        .map(String::from)
        .to_vec();
        let line =
            String::from_utf8(csv_line(&row, Separator::Semicolon).expect("csv")).expect("utf8");
        assert_eq!(
            line,
            "\"'=HYPERLINK(\"\"http://x\"\")\";'@SUM(A1);-2;-1,5;'+33 6;Tour A\n"
        );
    }
}
