//! The ideas of a campaign as the office lists, maps and exports them:
//! from the read model, each placed in its neighbourhood, with the ideas
//! merged into it as duplicates under it.

use crate::consolidate::Snapshot;
use crate::consolidate::places::Places;
use rusqlite::params;
use std::collections::BTreeMap;

/// One idea.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IdeaRow {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// Its category.
    pub category: String,
    /// Where it would be.
    pub point: Option<(f64, f64)>,
    /// The named place it was picked from.
    pub place_name: Option<String>,
    /// The neighbourhood its point falls in (id, name).
    pub neighbourhood: Option<(String, String)>,
    /// Cost band (`CostBand::as_str`).
    pub cost_band: Option<String>,
    /// Proposer's age band (`AgeBand::as_str`).
    pub age_band: Option<String>,
    /// Proposer's school.
    pub school: Option<String>,
    /// Proposer's class.
    pub class: Option<String>,
    /// Status (`IdeaStatus::as_str`).
    pub status: String,
    /// The office's reason.
    pub status_reason: String,
    /// When it was collected.
    pub collected_at: i64,
    /// The ideas merged into this one, each with its own text.
    pub duplicates: Vec<IdeaRow>,
}

/// What to list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    /// Only this category.
    pub category: Option<String>,
    /// Only this status.
    pub status: Option<String>,
    /// Only ideas placed in this neighbourhood (id).
    pub neighbourhood: Option<String>,
}

impl Selection {
    /// Whether `row` (a kept idea, judged on its own fields) is selected.
    pub fn keeps(&self, row: &IdeaRow) -> bool {
        self.category.as_ref().is_none_or(|c| *c == row.category)
            && self.status.as_ref().is_none_or(|s| *s == row.status)
            && self
                .neighbourhood
                .as_ref()
                .is_none_or(|n| row.neighbourhood.as_ref().is_some_and(|(id, _)| id == n))
    }
}

/// A campaign's ideas, newest first, duplicates under the idea they were
/// merged into, each placed among `places`.
pub fn ideas(rm: &Snapshot, campaign: &str, places: &Places) -> rusqlite::Result<Vec<IdeaRow>> {
    let conn = &rm.conn;
    let names: BTreeMap<String, String> = places
        .neighbourhoods
        .iter()
        .map(|n| (n.id.to_string(), n.name.clone()))
        .collect();
    let mut stmt = conn.prepare(
        "SELECT idea_id, title, description, category, lon, lat, place_name, cost_band,
                age_band, school, class, status, status_reason, collected_at, duplicate_of
         FROM rm_ideas WHERE campaign_id = ?1 ORDER BY collected_at DESC, idea_id",
    )?;
    let rows = stmt.query_map(params![campaign], |r| {
        let lon: Option<f64> = r.get(4)?;
        let lat: Option<f64> = r.get(5)?;
        let point = lon.zip(lat);
        Ok((
            IdeaRow {
                id: r.get(0)?,
                title: r.get(1)?,
                description: r.get(2)?,
                category: r.get(3)?,
                point,
                place_name: r.get(6)?,
                neighbourhood: point
                    .and_then(|(lon, lat)| places.locate(lon, lat))
                    .map(|id| {
                        let name = names.get(&id).cloned().unwrap_or_default();
                        (id, name)
                    }),
                cost_band: r.get(7)?,
                age_band: r.get(8)?,
                school: r.get(9)?,
                class: r.get(10)?,
                status: r.get(11)?,
                status_reason: r.get(12)?,
                collected_at: r.get(13)?,
                duplicates: Vec::new(),
            },
            r.get::<_, Option<String>>(14)?,
        ))
    })?;
    let mut kept = Vec::new();
    let mut merged: BTreeMap<String, Vec<IdeaRow>> = BTreeMap::new();
    for row in rows {
        let (row, duplicate_of) = row?;
        match duplicate_of {
            Some(of) => merged.entry(of).or_default().push(row),
            None => kept.push(row),
        }
    }
    for row in &mut kept {
        row.duplicates = merged.remove(&row.id).unwrap_or_default();
    }
    // A duplicate of an idea that is gone (or itself merged) still shows.
    kept.extend(merged.into_values().flatten());
    Ok(kept)
}

/// How many ideas (duplicates counted with the idea they were merged into)
/// per value of `key`, most first.
pub fn counts(rows: &[IdeaRow], key: impl Fn(&IdeaRow) -> String) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for row in rows {
        *counts.entry(key(row)).or_default() += 1 + row.duplicates.len();
    }
    let mut out: Vec<_> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}
