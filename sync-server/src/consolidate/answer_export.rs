//! The questionnaire's answers as files, for coordinators: every answer of
//! every visit (door-level, the coordinator's working file, like the visits
//! file), and the counts per neighbourhood (CSV and GeoJSON).
//!
//! The door-level file is the only file that carries what a resident said
//! in their own words (free-text answers), redacted as verbatims are
//! ([`super::redact::contacts`]); the counts carry none. Labels are in the
//! office's language, falling back to the questionnaire's first.

use super::Snapshot;
use super::answers::{self, Kind, Wording};
use super::cross_table::{self, Public};
use super::export::rfc3339;
use super::figures;
use super::filter::Filter;
use super::places::Places;
use rusqlite::params_from_iter;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The columns of the answers file: one row per visit and question asked.
pub const ANSWER_HEADER: [&str; 12] = [
    "date",
    "neighbourhood",
    "building_key",
    "address",
    "door",
    "pass",
    "language",
    "questionnaire_version",
    "question",
    "question_label",
    "answer_code",
    "answer",
];

/// How many rows the answers file will hold (for progress).
pub fn answer_count(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<i64> {
    let asked = answers::count_asked(rm, filter, None)?;
    Ok(asked.values().map(|(n, _)| n).sum())
}

/// Calls `sink` with one row per conversation in scope and question it
/// was asked, oldest first (a question asked and not answered has empty
/// answer cells); stops early when `sink` returns `false`.
pub fn each_answer(
    rm: &Snapshot,
    filter: &Filter,
    lang: &str,
    mut sink: impl FnMut(Vec<String>) -> bool,
) -> rusqlite::Result<()> {
    let names = figures::neighbourhood_names(rm)?;
    let wording = answers::wordings(rm, filter, lang)?;
    let scope = filter.visits();
    // A multiple choice comes as one row per option ticked, gathered back
    // as the rows stream by.
    let mut stmt = rm.conn.prepare(&format!(
        "SELECT v.at, coalesce(v.neighbourhood_id, ''), b.key, b.address, v.door_label, v.pass,
                coalesce(v.language, ''), a.version, a.question_id, x.value, x.text,
                v.doc_id, v.visit_id
         FROM ({}) v JOIN rm_buildings b ON b.building_id = v.building_id
         JOIN rm_asked a ON a.doc_id = v.doc_id AND a.visit_id = v.visit_id
         LEFT JOIN rm_answer_values x ON x.doc_id = a.doc_id AND x.visit_id = a.visit_id
              AND x.question_id = a.question_id
         WHERE v.outcome = 'talked'
         ORDER BY v.at, v.doc_id, v.visit_id, a.question_id, x.value",
        scope.text
    ))?;
    let mut rows = stmt.query(params_from_iter(scope.params.iter()))?;
    let mut current: Option<((String, String, String), Vec<String>)> = None;
    let no_wording = Wording::default();
    while let Some(r) = rows.next()? {
        let question: String = r.get(8)?;
        let key = (r.get(11)?, r.get(12)?, question.clone());
        let words = wording.get(&question).unwrap_or(&no_wording);
        let value: Option<String> = r.get(9)?;
        let text: Option<String> = r.get(10)?;
        let (code, shown) = match (value, text) {
            (_, Some(text)) => (String::new(), super::redact::contacts(&text)),
            (Some(value), None) => {
                let shown = words.options.get(&value).cloned().unwrap_or(value.clone());
                (value, shown)
            }
            (None, None) => (String::new(), String::new()),
        };
        if let Some((k, row)) = current.as_mut()
            && *k == key
        {
            // Another option of the same multiple choice.
            for (cell, more) in [(10, code), (11, shown)] {
                row[cell].push('|');
                row[cell].push_str(&more);
            }
            continue;
        }
        if let Some((_, row)) = current.take()
            && !sink(row)
        {
            return Ok(());
        }
        let neighbourhood: String = r.get(1)?;
        let row = vec![
            rfc3339(r.get(0)?),
            names.get(&neighbourhood).cloned().unwrap_or_default(),
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get::<_, i64>(5)?.to_string(),
            r.get(6)?,
            r.get::<_, i64>(7)?.to_string(),
            question,
            words.label.clone(),
            code,
            shown,
        ];
        current = Some((key, row));
    }
    if let Some((_, row)) = current {
        sink(row);
    }
    Ok(())
}

/// The columns of the counts file: one row per neighbourhood, closed
/// question and option or value, then the territory's (`TOTAL`).
pub const COUNT_HEADER: [&str; 8] = [
    "neighbourhood",
    "question",
    "question_label",
    "answer_code",
    "answer",
    "asked",
    "answered",
    "count",
];

/// One neighbourhood's counts: its id (empty for the territory) and the
/// rows of [`COUNT_HEADER`].
pub type Counts = Vec<(String, Vec<Vec<String>>)>;

/// Every closed question's counts per neighbourhood, and the territory's
/// (as [`answers::results`] counts them): the "Réponses" view's figures,
/// neighbourhood by neighbourhood.
pub fn counts(rm: &Snapshot, filter: &Filter, lang: &str) -> rusqlite::Result<Counts> {
    let names = figures::neighbourhood_names(rm)?;
    let results = answers::results(rm, filter)?;
    let wording = answers::wordings(rm, filter, lang)?;
    let tables = cross_table::build(rm, filter, &results, Public::Neighbourhood)?;
    let mut by_place: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    let mut total = Vec::new();
    for q in results.iter().filter(|q| q.kind != Kind::Text) {
        let words = wording.get(&q.id).cloned().unwrap_or_default();
        let Some(t) = tables.iter().find(|t| t.question == q.id) else {
            continue;
        };
        let line = |place: String, code: &str, asked: i64, answered: i64, count: i64| {
            vec![
                place,
                q.id.clone(),
                words.label.clone(),
                code.to_string(),
                words.options.get(code).cloned().unwrap_or(code.to_string()),
                asked.to_string(),
                answered.to_string(),
                count.to_string(),
            ]
        };
        for (r, place) in t.rows.iter().enumerate() {
            let id = place.clone().unwrap_or_default();
            let name = names.get(&id).cloned().unwrap_or_default();
            for (c, code) in t.columns.iter().enumerate() {
                by_place.entry(id.clone()).or_default().push(line(
                    name.clone(),
                    code,
                    t.asked[r],
                    t.table.row_totals[r],
                    t.table.cells[r][c],
                ));
            }
        }
        for (c, code) in t.columns.iter().enumerate() {
            total.push(line(
                "TOTAL".into(),
                code,
                q.asked,
                q.answered,
                t.table.column_totals[c],
            ));
        }
    }
    let mut out: Counts = by_place.into_iter().collect();
    out.push((String::new(), total));
    Ok(out)
}

/// The neighbourhoods as GeoJSON, each with its counts as flat properties
/// (`q1_asked`, `q1_answered`, `q1_o_oui`…: an option's own id cannot
/// take another's place), which GIS software reads as columns.
pub fn counts_geojson(places: &Places, counts: &Counts) -> Value {
    let by_id: BTreeMap<&str, &Vec<Vec<String>>> = counts
        .iter()
        .map(|(id, rows)| (id.as_str(), rows))
        .collect();
    json!({
        "type": "FeatureCollection",
        "features": places.neighbourhoods.iter().map(|n| {
            let id = n.id.to_string();
            let mut props = serde_json::Map::new();
            props.insert("neighbourhood".into(), json!(n.name));
            for row in by_id.get(id.as_str()).into_iter().flat_map(|rows| rows.iter()) {
                let number = |i: usize| row[i].parse::<i64>().map_or(Value::Null, |v| json!(v));
                props.insert(format!("{}_asked", row[1]), number(5));
                props.insert(format!("{}_answered", row[1]), number(6));
                props.insert(format!("{}_o_{}", row[1], row[3]), number(7));
            }
            json!({
                "type": "Feature",
                "geometry": super::export::neighbourhood_geometry(n),
                "properties": props,
            })
        }).collect::<Vec<_>>(),
    })
}
