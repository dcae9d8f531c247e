//! «Réponses»: what residents answered, question by question, over the
//! dashboard's filters (`consolidate::answers` defines every figure). The
//! free-text answers themselves are a page of their own, for coordinators:
//! an elected official is refused it (403), and sees only their count.
//! A closed question can be broken down by public (`?by=age|language|
//! neighbourhood`, `consolidate::cross_table`); an elected official reads
//! that cross-table under the small-count rule.

use super::access::Part;
use super::charts::{Bar, bars};
use super::layout::{PageError, Section, date, page};
use super::results::{
    self, Choices, Query, View, filter_form, pct, provenance, query_string, sub_menu,
};
use super::session::{Office, Reader};
use crate::consolidate::answers::{self, FreeText, Kind, MAX_TEXTS, QuestionResult};
use crate::consolidate::cross_table::{self, CrossTable, Public};
use crate::consolidate::small_counts;
use axum::extract::RawQuery;
use maud::{Markup, html};
use shared::domain::Translations;

/// A wording in the office's language ([`answers::in_language`]).
pub(super) fn label(lang: super::Lang, t: &Translations) -> String {
    answers::in_language(t, lang.tag())
}

/// `GET /office/dashboard/answers`.
pub async fn show(Reader(office): Reader, RawQuery(raw): RawQuery) -> Result<Markup, PageError> {
    let query = Query::parse(raw.as_deref());
    let by = query.get("by").and_then(Public::parse);
    let found = results::read(&office, query, move |rm, _, filter, _| {
        let questions = answers::results(rm, filter)?;
        let crosses = match by {
            Some(by) => cross_table::build(rm, filter, &questions, by)?,
            None => Vec::new(),
        };
        Ok((questions, crosses))
    })
    .await?;
    let r = office.lang.results();
    let Some((filter, choices, (questions, crosses))) = found else {
        return Ok(results::no_campaign(
            &office,
            Section::Results,
            r.answers_title,
        ));
    };
    let path = "/office/dashboard/answers";
    let body = html! {
        (sub_menu(&office, View::Answers, &filter))
        (filter_form(r, path, &filter, &choices))
        (provenance(r, &choices))
        @if questions.iter().all(|q| q.asked == 0) {
            p.notice { (r.answers_none) }
        } @else {
            (breakdowns(&office, path, &query_string(&filter), by))
        }
        @for (i, q) in questions.iter().enumerate() {
            @let cross = by.zip(crosses.iter().find(|c| c.question == q.id));
            @let cross = cross
                .filter(|(_, c)| !c.rows.is_empty())
                .map(|(by, c)| cross_table(&office, q, c, by, &choices));
            (question(&office, i + 1, q, &questions, &query_string(&filter), cross))
        }
        section.card.definitions {
            h2 { (r.definitions) }
            dl {
                dt { (r.answers) } dd { (r.def_answers_asked) }
                dd { (r.def_answers_share) }
                dd { (r.def_answers_multiple) }
                dd { (r.def_answers_scale) }
                dd { (r.def_answers_free) }
                dd { (r.def_answers_cross) }
            }
        }
    };
    Ok(page(&office, Section::Results, r.answers_title, body))
}

/// One question's card: its figures, its chart, and its cross-table when
/// a breakdown is chosen.
fn question(
    office: &Office,
    n: usize,
    q: &QuestionResult,
    all: &[QuestionResult],
    query: &str,
    cross: Option<Markup>,
) -> Markup {
    let (lang, r) = (office.lang, office.lang.results());
    let title = format!("{n}. {}", label(lang, &q.label));
    html! {
        section.card.question id=(format!("q-{}", q.id)) {
            h2 { (title) }
            p.hint { (asked_line(office, q)) }
            @if let Some(condition) = condition_line(office, q, all) {
                p.hint { (condition) }
            }
            @if q.options_changed {
                @let versions = q.versions.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
                p.notice.info { (r.answers_changed.replace("{versions}", &versions)) }
            }
            @match q.kind {
                Kind::Single | Kind::Multiple | Kind::Scale { .. } => {
                    (chart(office, &title, q))
                }
                Kind::Text => {
                    p { (r.answers_free_count.replace("{n}", &q.answered.to_string())) }
                    @if office.sees(Part::ResidentsWords) && q.answered > 0 {
                        p { a href=(format!("/office/dashboard/answers/text?{query}&question={}", q.id)) { (r.answers_read) } }
                    }
                }
            }
            @let masked_table = cross.is_some() && !office.sees(Part::SmallCounts);
            @if let Some(cross) = cross { (cross) }
            // One note for the chart and the table.
            @if any_hidden(office, q) || masked_table {
                p.hint { (r.answers_masked) }
            }
        }
    }
}

/// What of a question's counts someone who may not read small counts is
/// not shown (`None`: everything is): each option's or value's, and the
/// answered, under the small-count rule for one line (no count from 1 to
/// 10, none found again by difference from the answered).
fn hidden(office: &Office, q: &QuestionResult) -> Option<(Vec<bool>, bool)> {
    if office.sees(Part::SmallCounts) {
        return None;
    }
    let counts: Vec<i64> = match q.kind {
        Kind::Scale { .. } => q.scale.values().copied().collect(),
        _ => q.options.iter().map(|o| o.count).collect(),
    };
    Some(small_counts::protect_line(&counts, q.answered))
}

/// A closed question's chart: each option's (or value's) count and share,
/// and a scale's mean and median; for elected officials under the
/// small-count rule. Also drawn in the report.
pub(super) fn chart(office: &Office, title: &str, q: &QuestionResult) -> Markup {
    let (lang, r) = (office.lang, office.lang.results());
    let masks = hidden(office, q);
    let masked = |i: usize| masks.as_ref().is_some_and(|(m, _)| m.get(i) == Some(&true));
    let bar = |i: usize, label: String, count: i64| {
        if masked(i) {
            Bar {
                label,
                value: 0.0,
                text: "·".into(),
            }
        } else {
            Bar {
                label,
                value: count as f64,
                text: format!("{count} · {}", pct(lang, q.share(count))),
            }
        }
    };
    let bars_of: Vec<Bar> = match q.kind {
        Kind::Scale { .. } => q
            .scale
            .iter()
            .enumerate()
            .map(|(i, (value, count))| bar(i, value.to_string(), *count))
            .collect(),
        _ => q
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let name = Some(label(lang, &o.label))
                    .filter(|l| !l.is_empty())
                    .unwrap_or_else(|| o.id.clone());
                bar(i, name, o.count)
            })
            .collect(),
    };
    // One decimal, with the decimal mark of the office's language; none
    // when the answered are too few to show.
    let total_hidden = masks.as_ref().is_some_and(|(_, t)| *t);
    let number = |v: Option<f64>| {
        v.filter(|_| !total_hidden)
            .map_or("—".to_string(), |v| match lang {
                super::Lang::Fr => format!("{v:.1}").replace('.', ","),
                super::Lang::En => format!("{v:.1}"),
            })
    };
    html! {
        @if q.kind != Kind::Text {
            (bars(title, &bars_of, q.answered as f64))
        }
        @if matches!(q.kind, Kind::Scale { .. }) {
            p {
                (r.answers_mean_median
                    .replace("{mean}", &number(q.mean()))
                    .replace("{median}", &number(q.median())))
            }
        }
    }
}

/// Whether a question's chart hides a count from whoever reads it.
pub(super) fn any_hidden(office: &Office, q: &QuestionResult) -> bool {
    hidden(office, q).is_some_and(|(m, t)| t || m.iter().any(|x| *x))
}

/// "Asked to … · answered by … · not answered: …"; for elected officials
/// a count from 1 to 10, or the answered the chart hides, is "·".
pub(super) fn asked_line(office: &Office, q: &QuestionResult) -> String {
    let masks = hidden(office, q);
    let total_hidden = masks.as_ref().is_some_and(|(_, t)| *t);
    let shown = |n: i64, hide: bool| {
        if masks.is_some() && (hide || small_counts::small(n)) {
            "·".to_string()
        } else {
            n.to_string()
        }
    };
    let asked = shown(q.asked, false);
    let answered = shown(q.answered, total_hidden);
    // The not answered follow from the two others: shown when both are
    // (hiding it then would hide nothing).
    let missing = if asked == "·" || answered == "·" {
        "·".to_string()
    } else {
        q.not_answered().to_string()
    };
    office
        .lang
        .results()
        .answers_asked
        .replace("{asked}", &asked)
        .replace("{answered}", &answered)
        .replace("{missing}", &missing)
}

/// "Asked only when … was answered …", for a conditional question.
fn condition_line(office: &Office, q: &QuestionResult, all: &[QuestionResult]) -> Option<String> {
    let lang = office.lang;
    let (on, equals) = q.condition.as_ref()?;
    let other = all.iter().find(|o| o.id == *on);
    let question = other.map_or_else(|| on.clone(), |o| label(lang, &o.label));
    let answer = other
        .and_then(|o| o.options.iter().find(|x| x.id == *equals))
        .map(|x| label(lang, &x.label))
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| equals.clone());
    Some(
        lang.results()
            .answers_condition
            .replace("{question}", &question)
            .replace("{answer}", &answer),
    )
}

/// The links that choose a breakdown by public, the chosen one marked.
fn breakdowns(office: &Office, path: &str, query: &str, by: Option<Public>) -> Markup {
    let r = office.lang.results();
    let name = |p: Option<Public>| match p {
        None => r.answers_by_none,
        Some(Public::AgeBand) => r.answers_by_age,
        Some(Public::Language) => r.answers_by_language,
        Some(Public::Neighbourhood) => r.answers_by_neighbourhood,
    };
    let choices = std::iter::once(None).chain(Public::ALL.into_iter().map(Some));
    html! {
        nav.breakdown aria-label=(r.answers_by) {
            (r.answers_by) " "
            @for p in choices {
                @let href = match p {
                    None => format!("{path}?{query}"),
                    Some(p) => format!("{path}?{query}&by={}", p.name()),
                };
                a href=(href) aria-current=[(p == by).then_some("true")] { (name(p)) }
                " "
            }
        }
    }
}

/// A closed question's cross-table by public; masked under the
/// small-count rule for whoever may not read small counts.
fn cross_table(
    office: &Office,
    q: &QuestionResult,
    cross: &CrossTable,
    by: Public,
    choices: &Choices,
) -> Markup {
    let (lang, r) = (office.lang, office.lang.results());
    let t = &cross.table;
    // Masked on its own: the chart above hides what it must of the totals.
    let masks = (!office.sees(Part::SmallCounts)).then(|| small_counts::protect(t));
    let shown = |v: i64, masked: bool| {
        if masked {
            "·".to_string()
        } else {
            v.to_string()
        }
    };
    let row_name = |public: &Option<String>| match (public, by) {
        (None, _) => r.answers_not_noted.to_string(),
        (Some(id), Public::Neighbourhood) => choices
            .neighbourhoods
            .iter()
            .find(|(n, _)| n == id)
            .map_or_else(|| id.clone(), |(_, name)| name.clone()),
        (Some(value), _) => value.clone(),
    };
    let column_name = |value: &str| {
        q.options
            .iter()
            .find(|o| o.id == value)
            .map(|o| label(lang, &o.label))
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| value.to_string())
    };
    let by_name = lang.column(match by {
        Public::AgeBand => "age_band",
        Public::Language => "language",
        Public::Neighbourhood => "neighbourhood",
    });
    html! {
        div.table-scroll {
            table.cross {
                thead {
                    tr {
                        th scope="col" { (by_name) }
                        th scope="col" { (r.answers_answered) }
                        @for c in &cross.columns { th scope="col" { (column_name(c)) } }
                    }
                }
                tbody {
                    @for (i, public) in cross.rows.iter().enumerate() {
                        tr {
                            th scope="row" { (row_name(public)) }
                            td { (shown(t.row_totals[i], masks.as_ref().is_some_and(|m| m.row_totals[i]))) }
                            @for (j, v) in t.cells[i].iter().enumerate() {
                                td { (shown(*v, masks.as_ref().is_some_and(|m| m.cells[i][j]))) }
                            }
                        }
                    }
                }
                tfoot {
                    tr {
                        th scope="row" { (r.answers_total) }
                        td { (shown(t.total, masks.as_ref().is_some_and(|m| m.total))) }
                        @for (j, v) in t.column_totals.iter().enumerate() {
                            td { (shown(*v, masks.as_ref().is_some_and(|m| m.column_totals[j]))) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /office/dashboard/answers/text?question=…`: a free-text question's
/// answers, for coordinators (the `Office` extractor refuses anyone else).
pub async fn texts(office: Office, RawQuery(raw): RawQuery) -> Result<Markup, PageError> {
    let query = Query::parse(raw.as_deref());
    let question = query.get("question").unwrap_or_default().to_string();
    let asked = question.clone();
    let found = results::read(&office, query, move |rm, _, filter, _| {
        // Its wording and kind only: nothing to count here.
        let all = answers::listed(rm, filter)?;
        let Some(q) = all
            .into_iter()
            .find(|q| q.id == asked && q.kind == Kind::Text)
        else {
            return Ok(None);
        };
        Ok(Some((q, answers::texts(rm, filter, &asked)?)))
    })
    .await?;
    let r = office.lang.results();
    let Some((filter, _, found)) = found else {
        return Ok(results::no_campaign(
            &office,
            Section::Results,
            r.answers_texts_title,
        ));
    };
    let Some((q, texts)) = found else {
        return Err(PageError::NotFound(office.lang));
    };
    office
        .journal(crate::journal::Event::OpenedFreeAnswers {
            listed: texts.len(),
        })
        .await?;
    let back = format!("/office/dashboard/answers?{}", query_string(&filter));
    let body = html! {
        p { a href=(back) { (r.answers_back) } }
        h2 { (label(office.lang, &q.label)) }
        @if texts.is_empty() { p { (r.answers_texts_none) } }
        @if texts.len() > MAX_TEXTS {
            p.hint { (r.answers_texts_cut.replace("{n}", &MAX_TEXTS.to_string())) }
        }
        ul.texts {
            @for t in texts.iter().take(MAX_TEXTS) { (text(t)) }
        }
    };
    Ok(page(&office, Section::Results, r.answers_texts_title, body))
}

/// One answer, in the language it was said in (an unknown one: the
/// browser finds the direction from the text itself).
fn text(t: &FreeText) -> Markup {
    html! {
        li lang=[t.language.as_deref()] dir="auto" {
            q { (t.text) } " " span.hint { (date(t.at)) }
        }
    }
}
