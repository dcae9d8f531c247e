//! The report for elected officials: one A4 page per neighbourhood (and one
//! for the whole territory), then its questionnaire's closed questions on a
//! page of their own, print-ready, charts as SVG. Printing to PDF is
//! the browser's "Save as PDF". A thin shell over `consolidate::report`.

use super::charts::{Bar, bars};
use super::layout::{PageError, Section, date, page};
use super::results::{self, Query, campaign_select, neighbourhood_select, pct, provenance};
use super::session::Reader;
use crate::consolidate::Filter;
use crate::consolidate::figures::Figure;
use crate::consolidate::report::{self, Report};
use axum::extract::RawQuery;
use maud::{Markup, html};

/// `GET /office/reports`.
pub async fn show(Reader(office): Reader, RawQuery(raw): RawQuery) -> Result<Markup, PageError> {
    let found = results::read(
        &office,
        Query::parse(raw.as_deref()),
        |rm, _, filter, choices| {
            // An idea collection's report is its own figures, one page.
            if choices.is_collection(filter) {
                return Ok(Err(super::collection::load(rm, filter.campaign)?));
            }
            let mut pages = Vec::new();
            // The report covers the whole campaign: its form offers no
            // dates, and a period per neighbourhood would cost a scan each.
            let whole = Filter {
                neighbourhood: None,
                sector: None,
                from: None,
                until: None,
                ..filter.clone()
            };
            if filter.neighbourhood.is_none() {
                pages.push((None, report::build(rm, &whole)?));
            }
            for (id, name) in &choices.neighbourhoods {
                if filter.neighbourhood.is_some_and(|n| n.to_string() != *id) {
                    continue;
                }
                let Ok(n) = id.parse() else { continue };
                let f = Filter {
                    neighbourhood: Some(n),
                    ..whole.clone()
                };
                let page = report::build(rm, &f)?;
                // A neighbourhood the campaign does not cover would be a
                // page of zeros.
                if page.totals.doors > 0 || page.visits > 0 {
                    pages.push((Some(name.clone()), page));
                }
            }
            Ok(Ok(pages))
        },
    )
    .await?;
    let r = office.lang.results();
    let Some((filter, choices, pages)) = found else {
        return Ok(results::no_campaign(&office, Section::Reports, r.reports));
    };
    let campaign = choices
        .campaigns
        .iter()
        .find(|c| c.id == filter.campaign)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let body = html! {
        div.no-print {
            form.card.filters method="get" action="/office/reports" {
                div.row {
                    (campaign_select(r, &filter, &choices))
                    @if !choices.is_collection(&filter) {
                        (neighbourhood_select(r, &filter, &choices))
                    }
                }
                button type="submit" { (r.apply) }
            }
            @if !choices.is_collection(&filter) { p.hint { (r.report_hint) } }
            (provenance(r, &choices))
        }
        @match &pages {
            Ok(pages) => {
                @for (name, report) in pages {
                    (report_page(&office, &campaign, name.as_deref(), report))
                }
            }
            Err(collection) => {
                article.report-page.collection {
                    header {
                        h2 { (campaign) }
                        p.hint { (office.lang.ideas().collection_report_hint) " · " (date(crate::storage::control::now_ms())) }
                    }
                    (super::collection::section(&office, filter.campaign, collection))
                }
            }
        }
    };
    Ok(page(&office, Section::Reports, r.reports, body))
}

fn report_page(office: &super::Office, campaign: &str, name: Option<&str>, p: &Report) -> Markup {
    let r = office.lang.results();
    let lang = office.lang;
    let fig = |f: Figure| r.figure(f).0;
    let title = r
        .report_for
        .replace("{neighbourhood}", name.unwrap_or(r.whole_territory));
    let max_outcome = p.outcomes.iter().map(|o| o.1).max().unwrap_or(0) as f64;
    let max_topic = p.topics.iter().map(|t| t.1).max().unwrap_or(0) as f64;
    html! {
        article.report-page {
            header {
                h2 { (title) }
                p.hint { (campaign) " · " (date(crate::storage::control::now_ms())) }
            }
            dl.kpis {
                div { dt { (fig(Figure::Doors)) } dd { (p.totals.doors) } }
                div { dt { (fig(Figure::Coverage)) } dd { (pct(lang, p.totals.coverage())) } }
                div { dt { (fig(Figure::DoorsTalked)) } dd { (p.totals.talked) } }
                div { dt { (fig(Figure::ContactRate)) } dd { (pct(lang, p.totals.contact_rate())) } }
            }
            dl.kpis.small {
                div { dt { (fig(Figure::Under25)) } dd { (p.publics.under_25) } }
                div { dt { (fig(Figure::Over65)) } dd { (p.publics.over_65) } }
                div { dt { (fig(Figure::NotFrench)) } dd { (p.publics.not_french) } }
                div { dt { (fig(Figure::Visits)) } dd { (p.visits) } }
            }
            div.two {
                section {
                    h3 { (r.outcome) }
                    (bars(r.outcome, &p.outcomes.iter().map(|(o, n)| Bar { label: r.outcome(o).to_string(), value: *n as f64, text: n.to_string() }).collect::<Vec<_>>(), max_outcome))
                }
                section {
                    h3 { (r.topics_by_neighbourhood) }
                    @if p.topics.is_empty() { p.hint { (r.none) } }
                    @else {
                        (bars(r.topic, &p.topics.iter().map(|(t, n)| Bar { label: t.clone(), value: *n as f64, text: n.to_string() }).collect::<Vec<_>>(), max_topic))
                    }
                }
            }
            @if !p.verbatims.is_empty() {
                section {
                    h3 { (r.verbatims) }
                    @for v in &p.verbatims { blockquote { "« " (v) " »" } }
                }
            }
            section {
                h3 { (r.follow_ups) }
                @if p.follow_ups.is_empty() { p.hint { (r.none) } }
                @else {
                    table {
                        tbody {
                            @for (status, n) in &p.follow_ups {
                                tr { th scope="row" { (r.status(status)) } td { (n) } }
                            }
                        }
                    }
                }
            }
        }
        @if !p.answers.is_empty() {
            // The answers on a page of their own: a questionnaire's charts
            // do not fit beside the figures on one A4 page.
            article.report-page.answers {
                header {
                    h2 { (title) " · " (r.answers_title) }
                    p.hint { (campaign) }
                }
                div.answers-grid {
                    @for (i, q) in p.answers.iter().enumerate() {
                        @let heading = format!("{}. {}", i + 1, super::answers::label(lang, &q.label));
                        section.question {
                            h3 { (heading) }
                            p.hint { (super::answers::asked_line(office, q)) }
                            (super::answers::chart(office, &heading, q))
                        }
                    }
                }
                @if p.answers.iter().any(|q| super::answers::any_hidden(office, q)) {
                    p.hint { (r.answers_masked) }
                }
            }
        }
    }
}
