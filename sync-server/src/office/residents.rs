//! «Trouver un habitant»: what Palier holds about one resident, found by
//! door or by words, to answer their request. Coordinators only (the
//! `Office` extractor). The search is a posted form, so the words never sit
//! in a page's address, the browser's history or a request log. A thin
//! shell over `crate::residents`.

use super::form::Fields;
use super::layout::{PageError, Section, date, notice, page};
use super::results::Query;
use super::session::Office;
use crate::consolidate::held;
use crate::residents::{self, Findings, Matched, Search};
use axum::body::Bytes;
use maud::{Markup, html};

/// `GET /office/residents`: the search form (and, after an erasure,
/// what it removed: counts only).
pub async fn form(
    office: Office,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Markup, PageError> {
    let query = Query::parse(raw.as_deref());
    let erased: Option<Vec<u64>> = query
        .get("erased")
        .map(|counts| counts.split('.').filter_map(|n| n.parse().ok()).collect());
    let done = erased
        .filter(|c| c.len() == 4)
        .map(|c| (c[0], c[1], c[2], c[3]));
    Ok(shell(&office, &Search::default(), None, done))
}

/// `POST /office/residents`: the search, and what it found.
pub async fn search(office: Office, body: Bytes) -> Result<Markup, PageError> {
    let fields = Fields::parse(&body);
    let search = Search {
        words: fields.get("words"),
        address: fields.get("address"),
        door: fields.get("door"),
    };
    if !search.is_enough() {
        return Ok(shell(&office, &search, Some(Err(())), None));
    }
    let asked = search.clone();
    let persons = office
        .with_store(move |store| Ok(residents::persons(store, &asked)?))
        .await?;
    let asked = search.clone();
    let held = office
        .with_read_model(move |rm| Ok(held::held(rm, &asked)?))
        .await?;
    let control = office.state().control.clone();
    let municipality = office.account.municipality;
    let ids: Vec<_> = persons.iter().map(|p| p.id).collect();
    let draws = if ids.is_empty() {
        Vec::new()
    } else {
        tokio::task::spawn_blocking(move || {
            let mut all = Vec::new();
            for (id, drawn_at) in control.draws(municipality)? {
                if let Some((_, members)) = control.draw(municipality, &id)? {
                    all.push((id, drawn_at, members));
                }
            }
            anyhow::Ok(residents::draws_of(&ids, &all))
        })
        .await
        .map_err(|e| PageError::Internal(e.into()))??
    };
    office
        .journal(crate::journal::Event::SearchedResident {
            persons: persons.len(),
            visits: held.visits.len(),
        })
        .await?;
    let found = Findings {
        persons,
        held,
        draws,
    };
    Ok(shell(&office, &search, Some(Ok(found)), None))
}

fn shell(
    office: &Office,
    search: &Search,
    found: Option<Result<Findings, ()>>,
    erased: Option<(u64, u64, u64, u64)>,
) -> Markup {
    let t = office.lang.volunteers();
    let r = office.lang.results();
    let body = html! {
        @if let Some((persons, visits, follow_ups, draws)) = erased {
            section.card.notice.ok role="status" {
                h2 { (t.erase_done) }
                ul {
                    li { (t.erase_plan_persons) " : " (persons) }
                    li { (t.erase_plan_visits) " : " (visits) }
                    li { (t.erase_plan_follow_ups) " : " (follow_ups) }
                    li { (t.erase_plan_draws) " : " (draws) }
                }
                p { (t.erase_plan_phones) }
            }
        }
        p.hint { (t.find_hint) }
        form.card.filters method="post" action=(office.action("/office/residents")) autocomplete="off" {
            div.row {
                label { (t.find_words) input type="search" name="words" value=(search.words); }
            }
            div.row {
                label { (t.find_address) input type="search" name="address" value=(search.address); }
                label { (t.find_door) input type="text" name="door" size="6" value=(search.door); }
            }
            button type="submit" { (t.find_submit) }
        }
        @match found {
            None => {}
            Some(Err(())) => { (notice("error", t.find_too_short)) }
            Some(Ok(found)) => {
                @if found.persons.is_empty() && found.held.visits.is_empty() && found.held.follow_ups.is_empty() {
                    p { (t.found_nothing) }
                }
                @if found.held.truncated { (notice("error", t.found_truncated)) }
                @if !found.persons.is_empty() || !found.held.visits.is_empty() || !found.held.follow_ups.is_empty() {
                    p.hint { (t.erase_pick_hint) }
                }
                form #erase method="post" action=(office.action("/office/residents/erase")) {}
                @if !found.persons.is_empty() {
                    section.card {
                        h2 { (t.found_persons) " (" (found.persons.len()) ")" }
                        ul {
                            @for p in &found.persons {
                                li {
                                    label {
                                        input type="checkbox" name="person" value=(p.id.0) form="erase";
                                        " "
                                        strong { (p.name) }
                                    }
                                    @if let Some(phone) = &p.phone { " · " (phone) }
                                    @if let Some(email) = &p.email { " · " (email) }
                                    " · " a href=(format!("/office/volunteers#v-{}", p.id.0)) { (t.see_volunteer) }
                                    " · " a href=(format!("/office/residents/{}/access", p.id.0)) { (office.lang.privacy().access_link) }
                                }
                            }
                        }
                    }
                }
                @if !found.draws.is_empty() {
                    section.card {
                        h2 { (t.found_draws) " (" (found.draws.len()) ")" }
                        ul {
                            @for d in &found.draws {
                                li { a href=(format!("/office/sortition/draws/{}", d.id)) { (date(d.drawn_at)) } }
                            }
                        }
                    }
                }
                @if !found.held.visits.is_empty() {
                    section.card {
                        h2 { (t.found_visits) " (" (found.held.visits.len()) ")" }
                        table {
                            thead { tr {
                                th scope="col" { span.visually-hidden { (t.erase_tick) } }
                                th scope="col" { (r.campaign) } th scope="col" { (r.building) }
                                th scope="col" { (t.find_door) } th scope="col" { (t.visited_on) }
                                th scope="col" { (r.outcome) } th scope="col" { (r.verbatims) }
                            } }
                            tbody {
                                @for v in &found.held.visits {
                                    tr {
                                        td {
                                            input type="checkbox" name="visit" value=(v.visit_id) form="erase"
                                                aria-label=(format!("{} {} · {}", t.erase_tick, v.address, v.door));
                                        }
                                        td { (v.campaign) } td { (v.address) } td { (v.door) }
                                        td { (date(v.at)) } td { (r.outcome(&v.outcome)) }
                                        td {
                                            @if !v.said.is_empty() { "« " (v.said) " » " }
                                            small.hint { (match v.matched {
                                                Matched::Door => t.matched_door,
                                                Matched::Verbatim => t.matched_verbatim,
                                                Matched::Answer => t.matched_answer,
                                            }) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !found.held.follow_ups.is_empty() {
                    section.card {
                        h2 { (t.found_follow_ups) " (" (found.held.follow_ups.len()) ")" }
                        ul {
                            @for f in &found.held.follow_ups {
                                li {
                                    input type="checkbox" name="follow_up" value=(f.id) form="erase"
                                        aria-label=(format!("{} {}", t.erase_tick, f.service));
                                    " "
                                    a href=(format!("/office/follow-ups#fu-{}", f.id)) { (f.service) }
                                    @if let Some(address) = &f.address { " · " (address) }
                                    " · " (f.description)
                                }
                            }
                        }
                    }
                }
                @if !found.persons.is_empty() || !found.held.visits.is_empty() || !found.held.follow_ups.is_empty() {
                    p { button.danger type="submit" form="erase" { (t.erase_prepare) } }
                }
            }
        }
    };
    page(office, Section::Volunteers, t.find_title, body)
}
