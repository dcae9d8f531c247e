//! Campaigns side by side on the same territory: the key figures, coverage
//! per neighbourhood, coverage week by week since each one started, and the
//! answers to the questions the coordinator pairs between the first two
//! (`consolidate::answers::pair`; a question id means nothing in another
//! campaign, so nothing is paired for her).

use super::access::Part;
use super::layout::{PageError, Section, page};
use super::results::{self, Query, View, neighbourhood_select, pct, provenance, sub_menu};
use super::session::Reader;
use crate::consolidate::answers::{self, Kind, Paired, QuestionResult};
use crate::consolidate::figures::{self, Coverage, Group, Publics};
use crate::consolidate::small_counts;
use axum::extract::RawQuery;
use maud::{Markup, html};
use shared::domain::CampaignId;

/// At most this many campaigns side by side.
const MAX_COMPARED: usize = 4;

/// A row of the side-by-side table: its label and how a column shows it.
type Row<'a> = (&'a str, Box<dyn Fn(&Column) -> String>);

struct Column {
    name: String,
    totals: Coverage,
    visits: i64,
    publics: Publics,
    by_neighbourhood: Vec<Group>,
    weekly: Vec<(i64, i64)>,
}

/// `GET /office/dashboard/compare?campaign=…&campaign=…`.
pub async fn show(Reader(office): Reader, RawQuery(raw): RawQuery) -> Result<Markup, PageError> {
    let found = results::read(
        &office,
        Query::parse(raw.as_deref()),
        |rm, query, filter, choices| {
            let mut chosen: Vec<CampaignId> = Vec::new();
            for c in query.all("campaign") {
                if let Ok(c) = c.parse::<CampaignId>()
                    && choices.campaigns.iter().any(|k| k.id == c && !k.ideas)
                    && !chosen.contains(&c)
                {
                    chosen.push(c);
                }
            }
            if chosen.len() < 2 {
                // By default: the two most recent campaigns.
                chosen = choices
                    .campaigns
                    .iter()
                    .filter(|c| !c.ideas)
                    .take(2)
                    .map(|c| c.id)
                    .collect();
            }
            chosen.truncate(MAX_COMPARED);
            let mut columns = Vec::new();
            for id in &chosen {
                let f = filter.for_campaign(*id);
                let (starts_at, ends_at) =
                    crate::consolidate::choices::period(rm, *id)?.unwrap_or((0, 0));
                columns.push(Column {
                    name: choices
                        .campaigns
                        .iter()
                        .find(|c| c.id == *id)
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                    totals: figures::totals(rm, &f)?,
                    visits: figures::visits(rm, &f)?,
                    publics: figures::publics(rm, &f)?,
                    by_neighbourhood: figures::by_neighbourhood(rm, &f)?,
                    weekly: figures::weekly_new_doors(rm, &f, starts_at, ends_at)?,
                });
            }
            // The questionnaires of the first two, for pairing; counted
            // only when a pair is asked for (counting costs as much as the
            // Réponses view, twice).
            let pairs: Vec<String> = query.all("pair").iter().map(|p| p.to_string()).collect();
            let read = if pairs.iter().any(|p| !p.is_empty()) {
                answers::results
            } else {
                answers::listed
            };
            let questions = match chosen.as_slice() {
                [a, b, ..] => (
                    read(rm, &filter.for_campaign(*a))?,
                    read(rm, &filter.for_campaign(*b))?,
                ),
                _ => (Vec::new(), Vec::new()),
            };
            Ok((chosen, columns, questions, pairs))
        },
    )
    .await?;
    let r = office.lang.results();
    let lang = office.lang;
    let Some((filter, choices, (chosen, columns, (left, right), pairs))) = found else {
        return Ok(results::no_campaign(&office, Section::Results, r.compare));
    };
    let fig = |f| r.figure(f).0;
    use figures::Figure as F;
    let rows: Vec<Row<'_>> = vec![
        (
            fig(F::Doors),
            Box::new(|c: &Column| c.totals.doors.to_string()),
        ),
        (
            fig(F::DoorsReached),
            Box::new(|c: &Column| c.totals.reached.to_string()),
        ),
        (
            fig(F::Coverage),
            Box::new(move |c: &Column| pct(lang, c.totals.coverage())),
        ),
        (
            fig(F::DoorsTalked),
            Box::new(|c: &Column| c.totals.talked.to_string()),
        ),
        (
            fig(F::ContactRate),
            Box::new(move |c: &Column| pct(lang, c.totals.contact_rate())),
        ),
        (fig(F::Visits), Box::new(|c: &Column| c.visits.to_string())),
        (
            fig(F::Under25),
            Box::new(|c: &Column| c.publics.under_25.to_string()),
        ),
        (
            fig(F::Over65),
            Box::new(|c: &Column| c.publics.over_65.to_string()),
        ),
        (
            fig(F::NotFrench),
            Box::new(|c: &Column| c.publics.not_french.to_string()),
        ),
    ];
    let mut neighbourhoods: Vec<(String, String)> = columns
        .iter()
        .flat_map(|c| {
            c.by_neighbourhood
                .iter()
                .map(|g| (g.id.clone(), g.name.clone()))
        })
        .collect();
    neighbourhoods.sort_by(|a, b| (a.0.is_empty(), &a.1).cmp(&(b.0.is_empty(), &b.1)));
    neighbourhoods.dedup();
    let body = html! {
        (sub_menu(&office, View::Compare, &filter))
        form.card.filters method="get" action="/office/dashboard/compare" {
            p.hint { (r.compare_hint) }
            fieldset {
                legend { (r.compare_choose) }
                // Door figures: idea collections have their own.
                @for c in choices.campaigns.iter().filter(|c| !c.ideas) {
                    label.check { input type="checkbox" name="campaign" value=(c.id.to_string()) checked[chosen.contains(&c.id)]; (c.name) }
                }
            }
            div.row {
                (neighbourhood_select(r, &filter, &choices))
            }
            button type="submit" { (r.apply) }
        }
        (provenance(r, &choices))
        section.card {
            h2 { (r.key_figures) }
            table #compare {
                thead { tr { th scope="col" {} @for c in &columns { th scope="col" { (c.name) } } } }
                tbody {
                    @for (label, value) in &rows {
                        tr { th scope="row" { (label) } @for c in &columns { td { (value(c)) } } }
                    }
                }
            }
        }
        section.card {
            h2 { (r.by_neighbourhood) " — " (fig(F::Coverage)) }
            table {
                thead { tr { th scope="col" { (r.neighbourhood) } @for c in &columns { th scope="col" { (c.name) } } } }
                tbody {
                    @for (id, name) in &neighbourhoods {
                        tr {
                            th scope="row" { @if id.is_empty() { (r.no_neighbourhood) } @else { (name) } }
                            @for c in &columns {
                                td { (pct(lang, c.by_neighbourhood.iter().find(|g| g.id == *id).and_then(|g| g.coverage.coverage()))) }
                            }
                        }
                    }
                }
            }
        }
        section.card {
            h2 { (r.over_time) }
            (over_time(r, &columns))
        }
        @if columns.len() >= 2 {
            (paired_answers(&office, &filter, &chosen, &columns, &left, &right, &pairs))
        }
    };
    Ok(page(&office, Section::Results, r.compare, body))
}

/// Cumulative coverage week by week, one line per campaign.
fn over_time(r: &super::i18n::ResultsTexts, columns: &[Column]) -> Markup {
    let weeks = columns
        .iter()
        .filter_map(|c| c.weekly.last().map(|w| w.0))
        .max()
        .unwrap_or(1)
        .max(1);
    let (w, h, left, bottom) = (600.0, 240.0, 40.0, 40.0);
    let x = |week: i64| left + (week as f64) / (weeks as f64) * (w - left - 10.0);
    let y = |percent: f64| (h - bottom) - percent / 100.0 * (h - bottom - 10.0);
    let series: Vec<(String, String)> = columns
        .iter()
        .map(|c| {
            let mut reached = 0;
            let mut points = vec![format!("{:.1},{:.1}", x(0), y(0.0))];
            for (week, n) in &c.weekly {
                reached += n;
                let cov = figures::percent(reached, c.totals.doors).unwrap_or(0.0);
                points.push(format!("{:.1},{:.1}", x(*week), y(cov)));
            }
            (c.name.clone(), points.join(" "))
        })
        .collect();
    html! {
        svg.chart role="img" aria-label=(r.over_time) viewBox=(format!("0 0 {w} {h}")) width=(w) height=(h) {
            title { (r.over_time) }
            @for p in [0.0, 25.0, 50.0, 75.0, 100.0] {
                line.grid x1=(left) x2=(w - 10.0) y1=(y(p)) y2=(y(p)) {}
                text x=(left - 4.0) y=(y(p) + 4.0) text-anchor="end" { (p) }
            }
            @for week in 1..=weeks {
                text x=(x(week)) y=(h - 6.0) text-anchor="middle" { (week) }
            }
            text x=(w - 10.0) y=(h - bottom + 14.0) text-anchor="end" class="axis" { (r.week) }
            @for (i, (name, points)) in series.iter().enumerate() {
                polyline class=(format!("series s{i}")) points=(points) { title { (name) } }
            }
        }
        p.legend {
            @for (i, (name, _)) in series.iter().enumerate() {
                span { span class=(format!("swatch s{i}")) {} (name) }
            }
        }
    }
}

/// The answers of the questions paired between the first two campaigns,
/// and the form that pairs them.
fn paired_answers(
    office: &super::Office,
    filter: &crate::consolidate::Filter,
    chosen: &[CampaignId],
    columns: &[Column],
    left: &[QuestionResult],
    right: &[QuestionResult],
    pairs: &[String],
) -> Markup {
    let (lang, r) = (office.lang, office.lang.results());
    let closed = |q: &&QuestionResult| q.kind != Kind::Text;
    let label = |q: &QuestionResult| super::answers::label(lang, &q.label);
    // At most one pair per question of the first campaign.
    let mut seen = std::collections::BTreeSet::new();
    let paired: Vec<Paired> = pairs
        .iter()
        .filter_map(|p| p.split_once('~'))
        .filter(|(a, _)| seen.insert(*a))
        .filter_map(|(a, b)| {
            let a = left.iter().find(|q| q.id == a)?;
            let b = right.iter().find(|q| q.id == b)?;
            answers::pair(a, b, lang.tag())
        })
        .collect();
    let chosen_pair = |a: &str, b: &str| pairs.iter().any(|p| *p == format!("{a}~{b}"));
    let cell = |q: &QuestionResult, n: Option<i64>, hidden: bool| match n {
        _ if hidden => "·".to_string(),
        Some(n) => format!("{n} · {}", pct(lang, q.share(n))),
        None => "—".to_string(),
    };
    // For whoever may not read small counts, each side under the rule.
    let masks = |q: &QuestionResult, counts: Vec<i64>| {
        if office.sees(Part::SmallCounts) {
            (vec![false; counts.len()], false)
        } else {
            let (cells, total) = small_counts::protect_line(&counts, q.answered);
            (cells, total || small_counts::small(q.asked))
        }
    };
    let answered = |q: &QuestionResult, hidden: bool| {
        if hidden {
            "·".to_string()
        } else {
            format!("{} / {}", q.answered, q.asked)
        }
    };
    html! {
        section.card #compare-answers {
            h2 { (r.compare_answers) }
            @if !left.iter().any(|q| closed(&q)) || !right.iter().any(|q| closed(&q)) {
                p.hint { (r.compare_answers_none) }
            } @else {
                form method="get" action="/office/dashboard/compare" {
                    p.hint { (r.compare_answers_hint) }
                    @for c in chosen { input type="hidden" name="campaign" value=(c.to_string()); }
                    @if let Some(n) = filter.neighbourhood {
                        input type="hidden" name="neighbourhood" value=(n.to_string());
                    }
                    @for (i, a) in left.iter().filter(closed).enumerate() {
                        div {
                            label for=(format!("pair-{i}")) { (label(a)) }
                            select id=(format!("pair-{i}")) name="pair" {
                                option value="" { (r.compare_pair_none) }
                                @for b in right.iter().filter(|b| answers::comparable(a, b)) {
                                    option value=(format!("{}~{}", a.id, b.id)) selected[chosen_pair(&a.id, &b.id)] { (label(b)) }
                                }
                            }
                        }
                    }
                    button type="submit" { (r.compare_answers_apply) }
                }
                @for p in &paired {
                    @let (left_hidden, left_total) = masks(&p.left, p.rows.iter().map(|r| r.1.unwrap_or(0)).collect());
                    @let (right_hidden, right_total) = masks(&p.right, p.rows.iter().map(|r| r.2.unwrap_or(0)).collect());
                    table.paired {
                        caption { (label(&p.left)) }
                        thead {
                            tr {
                                th scope="col" {}
                                th scope="col" { (columns[0].name) }
                                th scope="col" { (columns[1].name) }
                            }
                        }
                        tbody {
                            tr {
                                th scope="row" { (r.answers_answered) }
                                td { (answered(&p.left, left_total)) }
                                td { (answered(&p.right, right_total)) }
                            }
                            @for (i, (wording, a, b)) in p.rows.iter().enumerate() {
                                tr {
                                    th scope="row" { (wording) }
                                    td { (cell(&p.left, *a, left_hidden[i])) }
                                    td { (cell(&p.right, *b, right_hidden[i])) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
