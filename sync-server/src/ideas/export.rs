//! The ideas as files: CSV and GeoJSON for the office's own work, and the
//! CSV that Decidim's admin "import proposals" takes.
//!
//! Decidim's importer (decidim-admin `import/readers/csv.rb`,
//! decidim-proposals `import/proposals_verifier.rb` and
//! `proposal_creator.rb`) reads UTF-8 with an optional BOM, cells split on
//! `Decidim.default_csv_col_sep` (`;` unless the instance changed it), the
//! first row as headers matched exactly; it requires `title/<default
//! locale>` and `body/<default locale>`, refuses duplicate headers, and
//! reads `address`, `latitude`, `longitude` and a category: `category/id`
//! up to 0.27, `taxonomies/ids` since. Those ids belong to the Decidim
//! instance, so the coordinator maps our categories to them, or leaves the
//! category in the body. A proposal is public as soon as it is imported:
//! the file holds no proposer profile, and its texts go through the same
//! redaction as the report's quotes (e-mail addresses, phone numbers).

use crate::consolidate::export::{Separator, csv, rfc3339};
use crate::consolidate::ideas::IdeaRow;
use crate::consolidate::redact;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Where Decidim reads a proposal's category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecidimColumn {
    /// `category/id`, Decidim up to 0.27.
    CategoryId,
    /// `taxonomies/ids`, Decidim 0.28 and later.
    TaxonomyIds,
}

impl DecidimColumn {
    /// The header.
    pub fn header(self) -> &'static str {
        match self {
            DecidimColumn::CategoryId => "category/id",
            DecidimColumn::TaxonomyIds => "taxonomies/ids",
        }
    }
}

/// How our categories become Decidim's: an id per category, or none, in
/// which case the category opens the body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DecidimMapping {
    /// The column the ids go in.
    pub column: Option<DecidimColumn>,
    /// Our category → the Decidim instance's id (digits only).
    pub ids: BTreeMap<String, u64>,
}

fn text(row: &IdeaRow) -> String {
    let mut body = row.description.clone();
    for d in &row.duplicates {
        body.push_str(&format!("\n\n— {} : {}", d.title, d.description));
    }
    body
}

/// The office's CSV: one row per idea, merged duplicates as rows naming the
/// idea they were merged into. The proposer's school and class (pupils,
/// often minors) only when `school` is asked for.
pub fn office_csv(rows: &[IdeaRow], sep: Separator, school: bool) -> Result<Vec<u8>, csv::Error> {
    let all = [
        "id",
        "title",
        "description",
        "category",
        "status",
        "status_reason",
        "merged_into",
        "place",
        "neighbourhood",
        "longitude",
        "latitude",
        "cost_band",
        "proposer_age_band",
        "proposer_school",
        "proposer_class",
        "collected_at",
    ];
    let line = |r: &IdeaRow, merged_into: &str| {
        vec![
            r.id.clone(),
            r.title.clone(),
            r.description.clone(),
            r.category.clone(),
            r.status.clone(),
            r.status_reason.clone(),
            merged_into.to_string(),
            r.place_name.clone().unwrap_or_default(),
            r.neighbourhood
                .as_ref()
                .map(|n| n.1.clone())
                .unwrap_or_default(),
            r.point.map(|p| p.0.to_string()).unwrap_or_default(),
            r.point.map(|p| p.1.to_string()).unwrap_or_default(),
            r.cost_band.clone().unwrap_or_default(),
            r.age_band.clone().unwrap_or_default(),
            r.school.clone().unwrap_or_default(),
            r.class.clone().unwrap_or_default(),
            rfc3339(r.collected_at),
        ]
    };
    let kept = |i: usize| school || !matches!(all[i], "proposer_school" | "proposer_class");
    let header: Vec<&str> = (0..all.len())
        .filter(|i| kept(*i))
        .map(|i| all[i])
        .collect();
    let lines = rows.iter().flat_map(|r| {
        std::iter::once(line(r, ""))
            .chain(r.duplicates.iter().map(|d| line(d, &r.id)))
            .map(|cells| {
                cells
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| kept(*i))
                    .map(|(_, c)| c)
                    .collect::<Vec<_>>()
            })
    });
    csv(&header, lines, sep)
}

/// GeoJSON: one point per placed idea (text merged), no proposer profile.
pub fn geojson(rows: &[IdeaRow]) -> Value {
    let features: Vec<Value> = rows
        .iter()
        .filter_map(|r| {
            let (lon, lat) = r.point?;
            Some(json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [lon, lat] },
                "properties": {
                    "id": r.id,
                    "title": r.title,
                    "description": text(r),
                    "category": r.category,
                    "status": r.status,
                    "place": r.place_name,
                    "neighbourhood": r.neighbourhood.as_ref().map(|n| &n.1),
                    "cost_band": r.cost_band,
                    "merged": r.duplicates.len(),
                },
            }))
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}

/// Statuses of the ideas that go to Decidim: those the office reviewed and
/// kept. Decidim publishes a proposal as soon as it is imported, so an
/// idea nobody at the office has read never goes.
pub const TO_DECIDIM: [&str; 3] = ["eligible", "put_to_vote", "funded"];

/// The Decidim file: the ideas the office reviewed and kept
/// ([`TO_DECIDIM`]), merged duplicates' texts in their kept idea's body.
pub fn decidim_csv(rows: &[IdeaRow], mapping: &DecidimMapping) -> Result<Vec<u8>, csv::Error> {
    let mut header = vec!["title/fr", "body/fr", "address", "latitude", "longitude"];
    if let Some(column) = mapping.column {
        header.push(column.header());
    }
    let reviewed = rows
        .iter()
        .filter(|r| TO_DECIDIM.contains(&r.status.as_str()));
    let lines = reviewed.map(|r| {
        let id = mapping.ids.get(&r.category);
        let mut body = redact::lines(&text(r));
        if mapping.column.is_none() || id.is_none() {
            body = format!(
                "{} : {}\n\n{body}",
                "Catégorie",
                redact::contacts(&r.category)
            );
        }
        let title = redact::contacts(&r.title);
        let mut line = vec![
            title.clone(),
            // Decidim refuses an empty body.
            if body.trim().is_empty() { title } else { body },
            redact::contacts(r.place_name.as_deref().unwrap_or_default()),
            r.point.map(|p| p.1.to_string()).unwrap_or_default(),
            r.point.map(|p| p.0.to_string()).unwrap_or_default(),
        ];
        if mapping.column.is_some() {
            line.push(id.map(u64::to_string).unwrap_or_default());
        }
        line
    });
    csv(&header, lines, Separator::Semicolon)
}
