//! What residents answered, question by question, over the same filters as
//! the dashboard. Defined once here:
//!
//! - **Asked**: the conversations in scope (visits with the outcome
//!   "Échange") that were asked the question: it was in the questionnaire
//!   version the visit answered, and its condition, if any, held on that
//!   visit's answers.
//! - **Answered**: of those, the ones with an answer; **not answered** the
//!   rest (an optional question, skipped).
//! - **An option's count**: conversations that chose it; its share is of
//!   those that answered. For a multiple choice the answered are the
//!   respondents, and shares add up to more than 100 %.
//! - **A scale's** distribution, mean and median, of those that answered.
//! - **Free text**: how many answered; the words themselves only through
//!   [`texts`], for coordinators.
//!
//! A question is one across versions (its id within the campaign): a
//! question kept from version 1 to version 2 counts as one, labelled by the
//! latest version that has it; one whose kind or options changed between
//! versions says so ([`QuestionResult::options_changed`]).

use crate::consolidate::Snapshot;
use crate::consolidate::filter::Filter;
use rusqlite::params_from_iter;
use shared::domain::Translations;
use std::collections::BTreeMap;

/// How a question is answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One option among several.
    Single,
    /// Any number of options.
    Multiple,
    /// A number between two bounds.
    Scale {
        /// Lowest value.
        min: i64,
        /// Highest value.
        max: i64,
    },
    /// Words.
    Text,
}

/// One option and the conversations that chose it.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionCount {
    /// Its id.
    pub id: String,
    /// Its wording per language.
    pub label: Translations,
    /// Conversations that chose it.
    pub count: i64,
}

/// One question's results.
#[derive(Clone, Debug, PartialEq)]
pub struct QuestionResult {
    /// Its id in the campaign.
    pub id: String,
    /// Its wording per language (the latest version that has it).
    pub label: Translations,
    /// How it is answered (the latest version).
    pub kind: Kind,
    /// The published versions that have it.
    pub versions: Vec<u32>,
    /// Whether its kind or options differ between those versions.
    pub options_changed: bool,
    /// Asked only when another question had an answer (the latest
    /// version's condition): (that question's id, the option or value).
    pub condition: Option<(String, String)>,
    /// Conversations in scope asked it.
    pub asked: i64,
    /// Of those, the ones answered.
    pub answered: i64,
    /// A choice's options, the latest version's first, then any only an
    /// earlier version had.
    pub options: Vec<OptionCount>,
    /// A scale's answers: value → conversations, every value of the scale.
    pub scale: BTreeMap<i64, i64>,
}

impl QuestionResult {
    /// Asked but not answered.
    pub fn not_answered(&self) -> i64 {
        self.asked - self.answered
    }

    /// `count` as a share of those that answered, in percent.
    pub fn share(&self, count: i64) -> Option<f64> {
        (self.answered > 0).then(|| 100.0 * count as f64 / self.answered as f64)
    }

    /// A scale's mean.
    pub fn mean(&self) -> Option<f64> {
        let n: i64 = self.scale.values().sum();
        let sum: i64 = self.scale.iter().map(|(v, c)| v * c).sum();
        (n > 0).then(|| sum as f64 / n as f64)
    }

    /// A scale's median: the middle answer, or halfway between the two
    /// middle ones.
    pub fn median(&self) -> Option<f64> {
        let n: i64 = self.scale.values().sum();
        if n == 0 {
            return None;
        }
        let nth = |k: i64| {
            let mut seen = 0;
            self.scale
                .iter()
                .find(|(_, c)| {
                    seen += **c;
                    seen > k
                })
                .map(|(v, _)| *v as f64)
        };
        if n % 2 == 1 {
            nth(n / 2)
        } else {
            Some((nth(n / 2 - 1)? + nth(n / 2)?) / 2.0)
        }
    }
}

/// A question as one version states it.
struct Stated {
    version: u32,
    position: i64,
    kind: Kind,
    label: Translations,
    options: Vec<String>,
    option_labels: BTreeMap<String, Translations>,
    condition: Option<(String, String)>,
}

/// Every question the campaign's published versions had: id → each
/// version's statement, oldest first.
fn questions(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<BTreeMap<String, Vec<Stated>>> {
    let mut stmt = rm.conn.prepare_cached(
        "SELECT question_id, version, position, kind, scale_min, scale_max, label, options,
                option_labels, show_if
         FROM rm_questions WHERE campaign_id = ?1 ORDER BY version",
    )?;
    let rows = stmt.query_map([filter.campaign.to_string()], |r| {
        let kind = match r.get::<_, String>(3)?.as_str() {
            "single" => Kind::Single,
            "multiple" => Kind::Multiple,
            "scale" => Kind::Scale {
                min: r.get::<_, Option<i64>>(4)?.unwrap_or(0),
                max: r.get::<_, Option<i64>>(5)?.unwrap_or(0),
            },
            _ => Kind::Text,
        };
        let json = |i: usize| -> rusqlite::Result<String> { r.get(i) };
        Ok((
            r.get::<_, String>(0)?,
            Stated {
                version: u32::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                position: r.get(2)?,
                kind,
                label: serde_json::from_str(&json(6)?).unwrap_or_default(),
                options: serde_json::from_str(&json(7)?).unwrap_or_default(),
                option_labels: serde_json::from_str(&json(8)?).unwrap_or_default(),
                condition: r
                    .get::<_, Option<String>>(9)?
                    .and_then(|c| serde_json::from_str(&c).ok()),
            },
        ))
    })?;
    let mut all: BTreeMap<String, Vec<Stated>> = BTreeMap::new();
    for row in rows {
        let (id, stated) = row?;
        all.entry(id).or_default().push(stated);
    }
    Ok(all)
}

/// Per (question, group): conversations asked and those that answered.
pub(super) type Asked = BTreeMap<(String, Option<String>), (i64, i64)>;
/// Per (question, group, value): conversations that chose it.
pub(super) type Chosen = BTreeMap<(String, Option<String>, String), i64>;

/// The answers in scope counted, grouped by `by` (the rows' `age_band`,
/// `language` or `neighbourhood_id`, `''` read as not noted) or not at
/// all: from the per-building sums when the filter covers the whole
/// campaign, else from the conversations' rows one by one (only
/// conversations have rows: the projector writes none for another
/// outcome).
pub(super) fn counted(
    rm: &Snapshot,
    filter: &Filter,
    by: Option<&str>,
) -> rusqlite::Result<(Asked, Chosen)> {
    Ok((count_asked(rm, filter, by)?, count_chosen(rm, filter, by)?))
}

/// [`counted`]'s first half: asked and answered.
pub(super) fn count_asked(
    rm: &Snapshot,
    filter: &Filter,
    by: Option<&str>,
) -> rusqlite::Result<Asked> {
    let (sql, params) = count_sql(filter, by).0;
    let mut asked = Asked::new();
    let mut stmt = rm.conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(params.iter()), |r| {
        Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?)))
    })?;
    for row in rows {
        let (key, n) = row?;
        asked.insert(key, n);
    }
    Ok(asked)
}

/// [`counted`]'s second half: the options and values chosen.
fn count_chosen(rm: &Snapshot, filter: &Filter, by: Option<&str>) -> rusqlite::Result<Chosen> {
    let (sql, params) = count_sql(filter, by).1;
    let mut chosen = Chosen::new();
    let mut stmt = rm.conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(params.iter()), |r| {
        Ok(((r.get(0)?, r.get(1)?, r.get(2)?), r.get(3)?))
    })?;
    for row in rows {
        let (key, n) = row?;
        chosen.insert(key, n);
    }
    Ok(chosen)
}

/// One SQL query and its parameters.
type Query = (String, Vec<rusqlite::types::Value>);

/// The two queries [`counted`] runs.
fn count_sql(filter: &Filter, by: Option<&str>) -> (Query, Query) {
    let group = by.map_or("NULL".to_string(), |c| format!("NULLIF(r.{c}, '')"));
    let (asked_sql, chosen_sql) = if filter.whole_campaign() {
        // The sums in all, or by the public asked for; a neighbourhood is
        // the building's.
        let (by_public, group) = match by {
            Some(c @ ("age_band" | "language")) => (c, "NULLIF(r.public, '')".to_string()),
            _ => ("", group),
        };
        let (mut a, mut x) = (
            filter.sums("rm_agg_asked"),
            filter.sums("rm_agg_answer_values"),
        );
        a.params
            .push(rusqlite::types::Value::Text(by_public.into()));
        x.params
            .push(rusqlite::types::Value::Text(by_public.into()));
        (
            (
                format!(
                    "SELECT r.question_id, {group}, sum(r.asked), sum(r.answered)
                     FROM ({}) r WHERE r.by_public = ? GROUP BY 1, 2",
                    a.text
                ),
                a.params,
            ),
            (
                format!(
                    "SELECT r.question_id, {group}, r.value, sum(r.n)
                     FROM ({}) r WHERE r.by_public = ? GROUP BY 1, 2, 3",
                    x.text
                ),
                x.params,
            ),
        )
    } else {
        let (a, x) = (filter.dated("rm_asked"), filter.dated("rm_answer_values"));
        (
            (
                format!(
                    "SELECT r.question_id, {group}, count(*), sum(r.answered)
                     FROM ({}) r GROUP BY 1, 2",
                    a.text
                ),
                a.params,
            ),
            (
                format!(
                    "SELECT r.question_id, {group}, r.value, count(*)
                     FROM ({}) r WHERE r.text IS NULL GROUP BY 1, 2, 3",
                    x.text
                ),
                x.params,
            ),
        )
    };
    (asked_sql, chosen_sql)
}

/// Every question's results in scope, in the latest questionnaire's order
/// (questions only earlier versions had come after).
pub fn results(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<Vec<QuestionResult>> {
    let (asked, values) = counted(rm, filter, None)?;
    Ok(assemble(questions(rm, filter)?, asked, values))
}

/// The campaign's questions as [`results`] lists them, every count zero:
/// what a page offers to choose from without counting anything.
pub fn listed(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<Vec<QuestionResult>> {
    Ok(assemble(
        questions(rm, filter)?,
        Asked::new(),
        Chosen::new(),
    ))
}

/// Each question's results from its statements and the counts.
fn assemble(
    stated: BTreeMap<String, Vec<Stated>>,
    asked: Asked,
    values: Chosen,
) -> Vec<QuestionResult> {
    let asked: BTreeMap<String, (i64, i64)> = asked
        .into_iter()
        .map(|((question, _), n)| (question, n))
        .collect();
    let values: BTreeMap<(String, String), i64> = values
        .into_iter()
        .map(|((question, _, value), n)| ((question, value), n))
        .collect();
    let mut out: Vec<(bool, i64, QuestionResult)> = Vec::new();
    let latest_version = stated
        .values()
        .flat_map(|s| s.iter().map(|s| s.version))
        .max()
        .unwrap_or(0);
    for (id, versions) in &stated {
        let Some(latest) = versions.last() else {
            continue;
        };
        // Options only reordered are the same options.
        let sorted = |s: &Stated| {
            let mut o = s.options.clone();
            o.sort_unstable();
            o
        };
        let options_changed = versions
            .windows(2)
            .any(|w| w[0].kind != w[1].kind || sorted(&w[0]) != sorted(&w[1]));
        let (n, answered) = asked.get(id).copied().unwrap_or((0, 0));
        let count = |value: &str| {
            values
                .get(&(id.clone(), value.to_string()))
                .copied()
                .unwrap_or(0)
        };
        let mut options = Vec::new();
        if matches!(latest.kind, Kind::Single | Kind::Multiple) {
            // The latest version's options, then those only earlier ones had.
            for s in versions.iter().rev() {
                for o in &s.options {
                    if !options.iter().any(|x: &OptionCount| x.id == *o) {
                        options.push(OptionCount {
                            id: o.clone(),
                            label: s.option_labels.get(o).cloned().unwrap_or_default(),
                            count: count(o),
                        });
                    }
                }
            }
        }
        let mut scale = BTreeMap::new();
        if let Kind::Scale { min, max } = latest.kind {
            // Every value of the scale (at most 101, whatever a malformed
            // document says), and any an earlier scale allowed.
            for v in (min..=max).take(101) {
                scale.insert(v, count(&v.to_string()));
            }
            for ((q, value), n) in &values {
                if q == id
                    && let Ok(v) = value.parse::<i64>()
                {
                    scale.insert(v, *n);
                }
            }
        }
        out.push((
            latest.version != latest_version,
            latest.position,
            QuestionResult {
                id: id.clone(),
                label: latest.label.clone(),
                kind: latest.kind.clone(),
                versions: versions.iter().map(|s| s.version).collect(),
                options_changed,
                condition: latest.condition.clone(),
                asked: n,
                answered,
                options,
                scale,
            },
        ));
    }
    out.sort_by(|a, b| (a.0, a.1, &a.2.id).cmp(&(b.0, b.1, &b.2.id)));
    out.into_iter().map(|(_, _, r)| r).collect()
}

/// A wording in language `lang`, else French (a questionnaire's first
/// language, always there), else any.
pub fn in_language(t: &Translations, lang: &str) -> String {
    t.get(lang)
        .or_else(|| t.get("fr"))
        .or_else(|| t.values().next())
        .cloned()
        .unwrap_or_default()
}

/// A question's words in one language, as the latest version that has it
/// states them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Wording {
    /// The question.
    pub label: String,
    /// Each option's, by id (an option only an earlier version had
    /// included).
    pub options: BTreeMap<String, String>,
}

/// Every question's words in `lang` ([`in_language`]), by question id.
pub fn wordings(
    rm: &Snapshot,
    filter: &Filter,
    lang: &str,
) -> rusqlite::Result<BTreeMap<String, Wording>> {
    Ok(questions(rm, filter)?
        .into_iter()
        .map(|(id, versions)| {
            let mut w = Wording::default();
            // Oldest first, so the latest wording wins.
            for s in &versions {
                w.label = in_language(&s.label, lang);
                for (o, t) in &s.option_labels {
                    w.options.insert(o.clone(), in_language(t, lang));
                }
            }
            (id, w)
        })
        .collect())
}

/// Two campaigns' questions put side by side by the coordinator (question
/// ids are per campaign: only a pair she chose is compared).
#[derive(Clone, Debug, PartialEq)]
pub struct Paired {
    /// The first campaign's question.
    pub left: QuestionResult,
    /// The second's.
    pub right: QuestionResult,
    /// One row per option (matched by wording) or scale value: its wording
    /// and each side's count, `None` where that side had no such option.
    pub rows: Vec<(String, Option<i64>, Option<i64>)>,
}

/// Whether two questions can be compared: both closed, of the same kind
/// (two scales with the same bounds).
pub fn comparable(a: &QuestionResult, b: &QuestionResult) -> bool {
    a.kind == b.kind && a.kind != Kind::Text
}

/// A wording as two campaigns' options are matched: case, accents' case
/// and spaces aside.
fn key(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Puts two comparable questions side by side: options matched by their
/// wording in `lang` (an option only one side had shows on its own row);
/// a scale's values by value.
pub fn pair(a: &QuestionResult, b: &QuestionResult, lang: &str) -> Option<Paired> {
    if !comparable(a, b) {
        return None;
    }
    let mut rows: Vec<(String, Option<i64>, Option<i64>)> = Vec::new();
    if matches!(a.kind, Kind::Scale { .. }) {
        let values: std::collections::BTreeSet<i64> =
            a.scale.keys().chain(b.scale.keys()).copied().collect();
        for v in values {
            rows.push((
                v.to_string(),
                a.scale.get(&v).copied(),
                b.scale.get(&v).copied(),
            ));
        }
    } else {
        let wording = |o: &OptionCount| {
            Some(in_language(&o.label, lang))
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| o.id.clone())
        };
        for o in &a.options {
            rows.push((wording(o), Some(o.count), None));
        }
        for o in &b.options {
            let w = wording(o);
            match rows
                .iter_mut()
                .find(|r| r.2.is_none() && key(&r.0) == key(&w))
            {
                Some(row) => row.2 = Some(o.count),
                None => rows.push((w, None, Some(o.count))),
            }
        }
    }
    Some(Paired {
        left: a.clone(),
        right: b.clone(),
        rows,
    })
}

/// One free-text answer, as a coordinator reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct FreeText {
    /// The words, as given (in the conversation's language), redacted.
    pub text: String,
    /// The conversation's language, if noted.
    pub language: Option<String>,
    /// When.
    pub at: i64,
}

/// The most free-text answers one list shows.
pub const MAX_TEXTS: usize = 500;

/// A free-text question's answers in scope, newest first, at most
/// [`MAX_TEXTS`] and one more (which says the list was cut), redacted as
/// verbatims are (contacts become "…").
/// Coordinators only: the caller decides who reads them.
pub fn texts(rm: &Snapshot, filter: &Filter, question: &str) -> rusqlite::Result<Vec<FreeText>> {
    let scope = filter.visits();
    let sql = format!(
        "SELECT x.text, v.language, v.at
         FROM rm_answer_values x JOIN ({}) v ON v.doc_id = x.doc_id AND v.visit_id = x.visit_id
         WHERE v.outcome = 'talked' AND x.text IS NOT NULL AND x.question_id = ?
         ORDER BY v.at DESC, x.visit_id LIMIT {}",
        scope.text,
        MAX_TEXTS + 1
    );
    let mut params = scope.params;
    params.push(rusqlite::types::Value::Text(question.to_string()));
    let mut stmt = rm.conn.prepare(&sql)?;
    stmt.query_map(params_from_iter(params.iter()), |r| {
        Ok(FreeText {
            text: crate::consolidate::redact::contacts(&r.get::<_, String>(0)?),
            language: r.get(1)?,
            at: r.get(2)?,
        })
    })?
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale(answers: &[(i64, i64)]) -> QuestionResult {
        QuestionResult {
            id: "q".into(),
            label: Translations::new(),
            kind: Kind::Scale { min: 1, max: 5 },
            versions: vec![1],
            options_changed: false,
            condition: None,
            asked: answers.iter().map(|a| a.1).sum::<i64>() + 1,
            answered: answers.iter().map(|a| a.1).sum(),
            options: Vec::new(),
            scale: answers.iter().copied().collect(),
        }
    }

    fn single(options: &[(&str, &str, i64)]) -> QuestionResult {
        QuestionResult {
            kind: Kind::Single,
            scale: BTreeMap::new(),
            options: options
                .iter()
                .map(|(id, fr, count)| OptionCount {
                    id: id.to_string(),
                    label: Translations::from([("fr".to_string(), fr.to_string())]),
                    count: *count,
                })
                .collect(),
            ..scale(&[])
        }
    }

    #[test]
    fn two_campaigns_options_pair_by_their_wording_not_their_ids() {
        let spring = single(&[("oui", "Oui", 30), ("non", "Non", 10)]);
        let autumn = single(&[
            ("o1", " non", 12),
            ("o2", "Oui", 25),
            ("o3", "Sans avis", 4),
        ]);
        let p = pair(&spring, &autumn, "fr").expect("comparable");
        assert_eq!(
            p.rows,
            [
                ("Oui".to_string(), Some(30), Some(25)),
                ("Non".to_string(), Some(10), Some(12)),
                ("Sans avis".to_string(), None, Some(4)),
            ]
        );
        assert!(
            pair(&spring, &scale(&[(1, 1)]), "fr").is_none(),
            "a choice and a scale"
        );
    }

    #[test]
    fn a_scales_mean_and_median_are_those_of_its_answers() {
        let r = scale(&[(1, 1), (2, 2), (5, 1)]);
        assert_eq!(r.mean(), Some(2.5));
        assert_eq!(r.median(), Some(2.0));
        assert_eq!(r.not_answered(), 1);
        let odd = scale(&[(1, 1), (4, 1), (5, 1)]);
        assert_eq!(odd.median(), Some(4.0));
        assert_eq!(scale(&[]).median(), None);
        assert_eq!(odd.share(1).map(|s| s.round()), Some(33.0));
    }
}
