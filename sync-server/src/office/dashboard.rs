//! The dashboard: every figure of `consolidate::figures` for one filter,
//! with its definition. A thin shell: the figures come from the read model.

use super::access::Part;
use super::charts::{Bar, bars};
use super::layout::{PageError, Section, date, page};
use super::results::{self, Choices, Query, View, filter_form, pct, provenance, sub_menu};
use super::session::{Office, Reader};
use crate::consolidate::Filter;
use crate::consolidate::figures::{self, Dashboard, Figure, RAPID_GAP_MS};
use axum::extract::RawQuery;
use maud::{Markup, html};
use shared::api::DeviceInfo;
use std::collections::HashMap;

/// The phones of the municipality (names of agents, last syncs).
pub async fn phones(office: &Office) -> Result<Vec<DeviceInfo>, PageError> {
    let control = office.state().control.clone();
    let municipality = office.account.municipality;
    Ok(
        tokio::task::spawn_blocking(move || control.devices(municipality))
            .await
            .map_err(|e| PageError::Internal(e.into()))??,
    )
}

/// An agent's name: their phone's, or a short id.
pub fn agent_name(
    r: &super::i18n::ResultsTexts,
    names: &HashMap<String, String>,
    id: &str,
) -> String {
    names
        .get(id)
        .cloned()
        .unwrap_or_else(|| r.unknown_agent.replace("{id}", id.get(..8).unwrap_or(id)))
}

/// `GET /office/dashboard`.
pub async fn show(Reader(office): Reader, RawQuery(raw): RawQuery) -> Result<Markup, PageError> {
    let found = results::read(
        &office,
        Query::parse(raw.as_deref()),
        |rm, _, filter, choices| {
            // An idea collection has its own figures.
            Ok(if choices.is_collection(filter) {
                Err(super::collection::load(rm, filter.campaign)?)
            } else {
                Ok(figures::dashboard(rm, filter)?)
            })
        },
    )
    .await?;
    let phones = phones(&office).await?;
    let r = office.lang.results();
    let Some((filter, choices, dashboard)) = found else {
        return Ok(results::no_campaign(&office, Section::Results, r.dashboard));
    };
    let body = match dashboard {
        Ok(dashboard) => render(&office, &filter, &choices, &dashboard, &phones),
        Err(collection) => html! {
            (sub_menu(&office, View::Dashboard, &filter))
            (filter_form(r, "/office/dashboard", &filter, &choices))
            (provenance(r, &choices))
            section.card.collection {
                (super::collection::section(&office, filter.campaign, &collection))
            }
        },
    };
    Ok(page(&office, Section::Results, r.dashboard, body))
}

fn render(
    office: &Office,
    filter: &Filter,
    choices: &Choices,
    d: &Dashboard,
    phones: &[DeviceInfo],
) -> Markup {
    let r = office.lang.results();
    let lang = office.lang;
    let names: HashMap<String, String> = phones
        .iter()
        .map(|p| (p.device_id.to_string(), p.name.clone()))
        .collect();
    let fig = |f: Figure| r.figure(f).0;
    let coverage_table = |title: &str, groups: &[figures::Group]| {
        html! {
            section.card {
                h2 { (title) }
                (bars(title, &groups.iter().map(|g| Bar {
                    label: if g.id.is_empty() { r.no_neighbourhood.to_string() } else { g.name.clone() },
                    value: g.coverage.coverage().unwrap_or(0.0),
                    text: pct(lang, g.coverage.coverage()),
                }).collect::<Vec<_>>(), 100.0))
                table {
                    thead { tr {
                        th scope="col" { (title) }
                        th scope="col" { (fig(Figure::Doors)) }
                        th scope="col" { (fig(Figure::DoorsReached)) }
                        th scope="col" { (fig(Figure::Coverage)) }
                        th scope="col" { (fig(Figure::DoorsTalked)) }
                        th scope="col" { (fig(Figure::ContactRate)) }
                    } }
                    tbody {
                        @for g in groups {
                            tr {
                                th scope="row" { @if g.id.is_empty() { (r.no_neighbourhood) } @else { (g.name) } }
                                td { (g.coverage.doors) }
                                td { (g.coverage.reached) }
                                td { (pct(lang, g.coverage.coverage())) }
                                td { (g.coverage.talked) }
                                td { (pct(lang, g.coverage.contact_rate())) }
                            }
                        }
                    }
                }
            }
        }
    };
    let flags: Vec<String> = d
        .agents
        .iter()
        .flat_map(|a| {
            let name = agent_name(r, &names, &a.agent_id);
            let mut out = Vec::new();
            if a.rapid_flag {
                out.push(
                    r.rapid_flag
                        .replace("{agent}", &name)
                        .replace("{n}", &a.rapid.to_string())
                        .replace("{total}", &a.visits.to_string())
                        .replace("{seconds}", &(RAPID_GAP_MS / 1000).to_string()),
                );
            }
            if a.outlier_flag {
                out.push(
                    r.outlier_flag
                        .replace("{agent}", &name)
                        .replace("{own}", &pct(lang, a.contact_rate()))
                        .replace("{team}", &pct(lang, d.totals.contact_rate())),
                );
            }
            out
        })
        .collect();
    let passes: Vec<i64> = {
        let mut p: Vec<i64> = d.outcomes_by_pass.iter().map(|(p, _, _)| *p).collect();
        p.dedup();
        p
    };
    let outcomes: Vec<&str> = shared::domain::Outcome::ALL
        .iter()
        .map(|o| o.as_str())
        .collect();
    html! {
        (sub_menu(office, View::Dashboard, filter))
        (filter_form(r, "/office/dashboard", filter, choices))
        (provenance(r, choices))
        section.card {
            h2 { (r.key_figures) }
            dl.kpis {
                div { dt { (fig(Figure::Doors)) } dd data-figure="doors" { (d.totals.doors) } }
                div { dt { (fig(Figure::DoorsReached)) } dd data-figure="doors_reached" { (d.totals.reached) } }
                div { dt { (fig(Figure::Coverage)) } dd data-figure="coverage" { (pct(lang, d.totals.coverage())) } }
                div { dt { (fig(Figure::DoorsTalked)) } dd data-figure="doors_talked" { (d.totals.talked) } }
                div { dt { (fig(Figure::ContactRate)) } dd data-figure="contact_rate" { (pct(lang, d.totals.contact_rate())) } }
                div { dt { (fig(Figure::Visits)) } dd data-figure="visits" { (d.visits) } }
            }
        }
        (coverage_table(r.by_neighbourhood, &d.by_neighbourhood))
        @if !d.by_sector.is_empty() {
            (coverage_table(r.by_sector, &d.by_sector))
        }
        section.card {
            h2 { (r.outcomes_by_pass) }
            table #outcomes {
                thead { tr {
                    th scope="col" { (r.pass) }
                    @for o in &outcomes { th scope="col" { (r.outcome(o)) } }
                } }
                tbody {
                    @for p in &passes {
                        tr {
                            th scope="row" { (p) }
                            @for o in &outcomes {
                                td data-pass=(p) data-outcome=(o) {
                                    (d.outcomes_by_pass.iter().find(|(pp, oo, _)| pp == p && oo == o).map_or(0, |x| x.2))
                                }
                            }
                        }
                    }
                }
            }
        }
        section.card {
            h2 { (r.publics) }
            dl.kpis {
                div { dt { (fig(Figure::Under25)) } dd data-figure="under_25" { (d.publics.under_25) } }
                div { dt { (fig(Figure::Over65)) } dd data-figure="over_65" { (d.publics.over_65) } }
                div { dt { (fig(Figure::NotFrench)) } dd data-figure="not_french" { (d.publics.not_french) } }
            }
        }
        section.card {
            h2 { (r.topics_by_neighbourhood) }
            @if d.topics.is_empty() { p.hint { (r.none) } }
            @else {
                table #topics {
                    thead { tr { th scope="col" { (r.neighbourhood) } th scope="col" { (r.topic) } th scope="col" { (r.count) } } }
                    tbody {
                        @for (n, t, c) in &d.topics {
                            tr { td { @if n.is_empty() { (r.no_neighbourhood) } @else { (n) } } td { (t) } td { (c) } }
                        }
                    }
                }
            }
        }
        section.card {
            h2 { (r.follow_ups_by_service) }
            @if d.follow_ups.is_empty() { p.hint { (r.none) } }
            @else {
                table #follow-ups {
                    thead { tr { th scope="col" { (r.service) } th scope="col" { (r.status) } th scope="col" { (r.count) } } }
                    tbody {
                        @for (s, st, c) in &d.follow_ups {
                            tr { td { (s) } td { (r.status(st)) } td { (c) } }
                        }
                    }
                }
            }
        }
        section.card {
            h2 { (r.ideas_by_category) }
            @if d.ideas.is_empty() { p.hint { (r.none) } }
            @else {
                table #ideas {
                    thead { tr { th scope="col" { (r.category) } th scope="col" { (r.place) } th scope="col" { (r.count) } } }
                    tbody {
                        @for (c, p, n) in &d.ideas {
                            tr { td { (c) } td { @if p.is_empty() { (r.no_place) } @else { (p) } } td { (n) } }
                        }
                    }
                }
            }
        }
        // Per agent and points to check are the team's management, not
        // an elected official's reading.
        @if office.sees(Part::Team) {
            section.card {
                h2 { (r.per_agent) }
                table #agents {
                    thead { tr {
                        th scope="col" { (r.agent) }
                        th scope="col" { (fig(Figure::Visits)) }
                        th scope="col" { (r.fig_doors_reached) }
                        th scope="col" { (r.outcome_talked) }
                        th scope="col" { (fig(Figure::ContactRate)) }
                    } }
                    tbody {
                        @for a in &d.agents {
                            tr data-agent=(a.agent_id) {
                                th scope="row" { (agent_name(r, &names, &a.agent_id)) }
                                td { (a.visits) }
                                td { (a.doors) }
                                td { (a.conversations) }
                                td { (pct(lang, a.contact_rate())) }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { (r.quality) }
                @if flags.is_empty() { p { (r.quality_none) } }
                @else { ul #flags { @for f in &flags { li { (f) } } } }
            }
        }
        @if office.sees(Part::Team) {
            section.card {
                h2 { (r.phones) }
                table #phones {
                    thead { tr { th scope="col" { (r.phone) } th scope="col" { (r.last_sync) } th scope="col" { (r.unsynced_reported) } } }
                    tbody {
                        @for p in phones.iter().filter(|p| !p.revoked) {
                            tr {
                                th scope="row" { (p.name) }
                                td { @match p.last_sync_at { Some(at) => (date(at)), None => (r.never) } }
                                td { @match p.unsynced { Some(n) => (n), None => (r.none) } }
                            }
                        }
                    }
                }
            }
        }
        (definitions(r))
    }
}

/// Every figure's definition, as the page and the report show them.
pub fn definitions(r: &super::i18n::ResultsTexts) -> Markup {
    html! {
        section.card #definitions {
            h2 { (r.definitions) }
            dl.definitions {
                @for f in Figure::ALL {
                    @let (name, definition) = r.figure(f);
                    dt { (name) }
                    dd { (definition) }
                }
            }
        }
    }
}
