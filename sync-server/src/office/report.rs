//! The report for elected officials: one A4 page per neighbourhood (and one
//! for the whole territory), then its questionnaire's closed questions on a
//! page of their own, print-ready, charts as SVG. Printing to PDF is
//! the browser's "Save as PDF". A thin shell over `consolidate::report`.

use super::access::Part;
use super::charts::{Bar, bars};
use super::form::Fields;
use super::layout::{PageError, Section, date, page, page_error, parse_id};
use super::results::{self, Query, campaign_select, neighbourhood_select, pct, provenance};
use super::session::{Office, Reader};
use crate::campaigns::quotes::{self, MAX_REPORT_QUOTES};
use crate::campaigns::{load, store_record};
use crate::consolidate::Filter;
use crate::consolidate::figures::Figure;
use crate::consolidate::report::{self, Quote, Quoted, Report};
use axum::body::Bytes;
use axum::extract::RawQuery;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shared::domain::{Campaign, CampaignId, NeighbourhoodId, VisitId};
use shared::schema::DocId;

/// `GET /office/reports`.
pub async fn show(Reader(office): Reader, RawQuery(raw): RawQuery) -> Result<Markup, PageError> {
    // Only a coordinator is offered residents' words to choose from.
    let choosing = office.sees(Part::ResidentsWords);
    let full = raw
        .as_deref()
        .is_some_and(|q| q.split('&').any(|p| p == "quotes=full"));
    let found = results::read(
        &office,
        Query::parse(raw.as_deref()),
        move |rm, _, filter, choices| {
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
            let build = |f: &Filter| -> rusqlite::Result<Report> {
                let mut page = report::build(rm, f)?;
                if choosing {
                    page.candidates = report::quotes(rm, f, Quoted::Candidates)?;
                }
                Ok(page)
            };
            if filter.neighbourhood.is_none() {
                pages.push((None, build(&whole)?));
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
                let page = build(&f)?;
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
                @if full { p.error.no-print role="alert" { (r.quotes_full.replace("{max}", &MAX_REPORT_QUOTES.to_string())) } }
                @for (name, report) in pages {
                    (report_page(&office, &campaign, name.as_deref(), report, &filter))
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

fn report_page(
    office: &Office,
    campaign: &str,
    name: Option<&str>,
    p: &Report,
    filter: &Filter,
) -> Markup {
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
                    @for q in &p.verbatims {
                        blockquote { "« " (q.text) " »" }
                        @if office.sees(Part::ResidentsWords) { (quote_form(office, filter, q, false)) }
                    }
                }
            }
            @if !p.candidates.is_empty() {
                section.no-print.quote-candidates id="quotes" {
                    h3 { (r.quote_candidates) }
                    p.hint { (r.quotes_hint) }
                    @for q in &p.candidates {
                        blockquote { "« " (q.text) " »" }
                        (quote_form(office, filter, q, true))
                    }
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

/// The button that chooses a resident's words for the report, or takes
/// them back; it comes back to the same report.
fn quote_form(office: &Office, filter: &Filter, q: &Quote, choose: bool) -> Markup {
    let r = office.lang.results();
    html! {
        form.no-print.quote method="post" action=(office.action("/office/reports/quotes")) {
            input type="hidden" name="campaign" value=(filter.campaign);
            @if let Some(n) = filter.neighbourhood { input type="hidden" name="neighbourhood" value=(n); }
            input type="hidden" name="visit" value=(q.visit_id);
            input type="hidden" name="chosen" value=(if choose { "1" } else { "0" });
            button.secondary type="submit" { @if choose { (r.quote_choose) } @else { (r.quote_remove) } }
        }
    }
}

/// `POST /office/reports/quotes`: a coordinator chooses a resident's words
/// for the report (`chosen=1`) or takes them back, then sees the same
/// report again. Where it goes back to is built from ids, never taken
/// from the form.
pub async fn quote(office: Office, body: Bytes) -> Result<Response, PageError> {
    let fields = Fields::parse(&body);
    let campaign: CampaignId = parse_id(&office, &fields.get("campaign"))?;
    let visit: VisitId = parse_id(&office, &fields.get("visit"))?;
    let neighbourhood: Option<NeighbourhoodId> = fields.get("neighbourhood").parse().ok();
    let chosen = fields.get("chosen") == "1";
    let lang = office.lang;
    let refused = office
        .with_store(move |store| {
            let c: Campaign =
                load(store, &DocId::campaign(campaign)).map_err(|e| page_error(e, lang))?;
            match quotes::choose(&c, visit, chosen) {
                Ok(Some(changed)) => {
                    store_record(store, &changed).map_err(|e| page_error(e, lang))?;
                    Ok(false)
                }
                Ok(None) => Ok(false),
                Err(quotes::QuoteRefused::TooMany) => Ok(true),
            }
        })
        .await?;
    let mut to = format!("/office/reports?campaign={campaign}");
    if let Some(n) = neighbourhood {
        to.push_str(&format!("&neighbourhood={n}"));
    }
    if refused {
        to.push_str("&quotes=full");
    }
    to.push_str("#quotes");
    Ok(Redirect::to(&to).into_response())
}
