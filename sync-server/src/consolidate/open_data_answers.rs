//! The questionnaire's answers in the open data: per closed question, how
//! many chose each option (or scale value) per neighbourhood, under the
//! same disclosure control as the other counts ([`super::open_data`]):
//! primary and secondary suppression column by column, then the joint
//! audit by linear programming.
//!
//! Only the options' counts: a question's "asked" and "answered" would be
//! the same column in many questions' tables (every question asked to
//! everyone), masked differently in each, so one table would give away
//! what another hides. Without them no relation ties a row's cells.
//!
//! Whole campaigns only, like the other table; never a free-text
//! question, never a word.

use super::Snapshot;
use super::answers::{self, Kind};
use super::cross_table::{self, Public};
use super::open_data::{Cell, Column, Rule, THRESHOLD, protect_related, publish_table};
use super::open_data_audit::Relations;
use serde::Serialize;
use std::collections::BTreeMap;

/// The version of the rule, carried in the file.
pub const RULE_VERSION: &str = "palier-open-data-answers-1";

/// What the rule says, in the file (English, as data files' metadata).
pub const RULE_TEXT: &str = "Counts only: per neighbourhood and closed question, how many \
conversations chose each option or scale value, for the whole campaign; free-text questions and the \
numbers asked and answering are not published. Primary suppression: every count of people from 1 to \
10 is masked. Secondary suppression: within each column, further cells (smallest first) or the total \
are masked until every column with a masked cell has at least two masked cells together holding at \
least 11. Joint audit: each masked cell is minimised and maximised by linear programming subject to \
everything published; further cells are masked until every masked cell can be both 10 or less and 11 \
or more. Masked cells are empty (CSV) or null (JSON).";

/// One closed question's published table.
#[derive(Clone, Debug, Serialize)]
pub struct QuestionTable {
    /// The question's id in the campaign.
    pub question: String,
    /// Its wording (the questionnaire's first language).
    pub label: String,
    /// `single`, `multiple` or `scale`.
    pub kind: &'static str,
    /// The columns: each option's id or scale value.
    pub fields: Vec<String>,
    /// One row per neighbourhood: its name and its cells.
    pub rows: Vec<(String, Vec<Cell>)>,
    /// The totals.
    pub total: Vec<Cell>,
    /// How many cells were masked, by primary then secondary suppression.
    pub masked: (usize, usize),
}

/// Every closed question's table, with the rule.
#[derive(Clone, Debug, Serialize)]
pub struct AnswersTable {
    /// The rule applied (the same as the other table's).
    pub rule: Rule,
    /// The campaign.
    pub campaign: String,
    /// One table per closed question asked.
    pub questions: Vec<QuestionTable>,
}

/// Builds the answers' open data of a whole campaign, every neighbourhood.
pub fn build(rm: &Snapshot, filter: &super::Filter) -> rusqlite::Result<AnswersTable> {
    let filter = filter.whole();
    let groups = super::figures::by_neighbourhood(rm, &filter)?;
    let results = answers::results(rm, &filter)?;
    let wording = answers::wordings(rm, &filter, "fr")?;
    let tables = cross_table::build(rm, &filter, &results, Public::Neighbourhood)?;
    let mut questions = Vec::new();
    for q in &results {
        let kind = match q.kind {
            Kind::Single => "single",
            Kind::Multiple => "multiple",
            Kind::Scale { .. } => "scale",
            Kind::Text => continue,
        };
        let Some(t) = tables.iter().find(|t| t.question == q.id) else {
            continue;
        };
        // Every neighbourhood of the other table, in its order, then any
        // other place answers came from.
        let mut ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
        for place in &t.rows {
            let id = place.clone().unwrap_or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let at: BTreeMap<String, usize> = t
            .rows
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone().unwrap_or_default(), i))
            .collect();
        let value = |id: &str, column: usize| -> i64 {
            at.get(id).map_or(0, |&r| t.table.cells[r][column])
        };
        let width = t.columns.len();
        let columns: Vec<Column> = (0..width)
            .map(|c| Column {
                cells: ids.iter().map(|id| value(id, c)).collect(),
                total: ids.iter().map(|id| value(id, c)).sum(),
            })
            .collect();
        let masks = protect_related(&columns, &Relations::default());
        let names: BTreeMap<&str, &str> = groups
            .iter()
            .map(|g| (g.id.as_str(), g.name.as_str()))
            .collect();
        let mut rows: Vec<(String, Vec<Cell>)> = ids
            .iter()
            .map(|id| {
                (
                    names.get(id.as_str()).copied().unwrap_or("").to_string(),
                    Vec::new(),
                )
            })
            .collect();
        let (total, masked) = publish_table(&columns, &masks, &mut rows);
        let fields = t.columns.clone();
        questions.push(QuestionTable {
            question: q.id.clone(),
            label: wording
                .get(&q.id)
                .map(|w| w.label.clone())
                .unwrap_or_default(),
            kind,
            fields,
            rows,
            total,
            masked,
        });
    }
    Ok(AnswersTable {
        rule: Rule {
            version: RULE_VERSION,
            threshold: THRESHOLD,
            text: RULE_TEXT,
        },
        campaign: filter.campaign.to_string(),
        questions,
    })
}

/// The columns of the answers' open-data CSV: one row per neighbourhood,
/// question and option, then the territory's (`TOTAL`). A masked cell is
/// empty.
pub const CSV_HEADER: [&str; 5] = [
    "neighbourhood",
    "question",
    "question_label",
    "answer_code",
    "count",
];

impl AnswersTable {
    /// Its rows as [`CSV_HEADER`] says.
    pub fn csv_rows(&self) -> Vec<Vec<String>> {
        let cell = |c: Option<&Cell>| {
            c.copied()
                .flatten()
                .map(|v| v.to_string())
                .unwrap_or_default()
        };
        let mut out = Vec::new();
        for q in &self.questions {
            let lines = q
                .rows
                .iter()
                .map(|(name, cells)| (name.as_str(), cells))
                .chain([("TOTAL", &q.total)]);
            for (name, cells) in lines {
                for (i, code) in q.fields.iter().enumerate() {
                    out.push(vec![
                        name.to_string(),
                        q.question.clone(),
                        q.label.clone(),
                        code.clone(),
                        cell(cells.get(i)),
                    ]);
                }
            }
        }
        out
    }
}
