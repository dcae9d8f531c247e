//! Campaigns side by side on the same territory: the key figures, coverage
//! per neighbourhood, and coverage week by week since each one started.

use super::layout::{PageError, Section, page};
use super::results::{self, Query, View, neighbourhood_select, pct, provenance, sub_menu};
use super::session::Reader;
use crate::consolidate::figures::{self, Coverage, Group, Publics};
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
            Ok((chosen, columns))
        },
    )
    .await?;
    let r = office.lang.results();
    let lang = office.lang;
    let Some((filter, choices, (chosen, columns))) = found else {
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
