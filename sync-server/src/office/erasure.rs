//! Erasing what was found about one resident: the coordinator ticks, on
//! «Trouver un habitant», the volunteers' records and the visits that are
//! theirs; this page lists exactly what will be removed and what stays,
//! and removes it once confirmed. Coordinators only (the `Office`
//! extractor). A thin shell over `crate::erasure`; ids only leave in
//! forms, never in an address or a log.

use super::form::Fields;
use super::layout::{PageError, Section, date, notice, page};
use super::session::Office;
use crate::consolidate::linked;
use crate::erasure::{self, Plan, PlannedPerson, Request};
use axum::body::Bytes;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shared::domain::{FollowUp, FollowUpId, PersonId, VisitId};

/// The ticked ids, as the search's form and the confirmation post them.
fn request(body: &Bytes) -> Request {
    let fields = Fields::parse(body);
    let ids = |name: &str| -> Vec<uuid::Uuid> {
        let mut ids: Vec<uuid::Uuid> = fields
            .all(name)
            .iter()
            .filter_map(|id| uuid::Uuid::try_parse(id).ok())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    Request {
        persons: ids("person").into_iter().map(PersonId).collect(),
        visits: ids("visit").into_iter().map(VisitId).collect(),
        follow_ups: ids("follow_up").into_iter().map(FollowUpId).collect(),
    }
}

/// Reads what the request reaches now: persons this municipality holds,
/// visits linked or ticked, draw links.
async fn read_plan(office: &Office, request: &Request) -> Result<Plan, PageError> {
    let wanted = request.persons.clone();
    let persons = office
        .with_store(move |store| {
            let mut found: Vec<PlannedPerson> = crate::volunteers::read(store, None)?
                .into_iter()
                .filter(|v| wanted.contains(&v.id))
                .map(|v| PlannedPerson {
                    id: v.id,
                    name: v.name,
                })
                .collect();
            // Erased already, by a first try a reader held up: erasing
            // again finishes overwriting its bytes.
            for id in &wanted {
                if !found.iter().any(|p| p.id == *id)
                    && store.is_erased(&shared::schema::DocId::person(*id))?
                {
                    found.push(PlannedPerson {
                        id: *id,
                        name: String::new(),
                    });
                }
            }
            Ok(found)
        })
        .await?;
    let person_ids: Vec<String> = persons.iter().map(|p| p.id.to_string()).collect();
    let visit_ids: Vec<String> = request.visits.iter().map(ToString::to_string).collect();
    let asked = person_ids.clone();
    let visits = office
        .with_read_model(move |rm| Ok(linked::linked(rm, &asked, &visit_ids)?))
        .await?;
    let control = office.state().control.clone();
    let municipality = office.account.municipality;
    let ids: Vec<PersonId> = persons.iter().map(|p| p.id).collect();
    let draws = tokio::task::spawn_blocking(move || {
        let mut all = Vec::new();
        if !ids.is_empty() {
            for (id, drawn_at) in control.draws(municipality)? {
                if let Some((_, members)) = control.draw(municipality, &id)? {
                    all.push((id, drawn_at, members));
                }
            }
        }
        anyhow::Ok(crate::residents::draws_of(&ids, &all).len())
    })
    .await
    .map_err(|e| PageError::Internal(e.into()))??;
    Ok(erasure::plan(persons, visits, draws, &request.follow_ups))
}

/// `POST /office/residents/erase`: what ticking these would erase, and
/// what stays, before anything is done.
pub async fn prepare(office: Office, body: Bytes) -> Result<Markup, PageError> {
    let request = request(&body);
    let t = office.lang.volunteers();
    if request.is_empty() {
        let body = html! {
            (notice("error", t.erase_nothing_ticked))
            p { a href="/office/residents" { (t.find_title) } }
        };
        return Ok(page(&office, Section::Volunteers, t.erase_plan_title, body));
    }
    let plan = read_plan(&office, &request).await?;
    let asked = plan.clone();
    let follow_ups = office
        .with_store(move |store| {
            erasure::follow_ups_of(store, &asked).map_err(|e| PageError::Internal(e.into()))
        })
        .await?;
    Ok(confirmation(&office, &plan, &follow_ups))
}

/// `POST /office/residents/erase/confirm`: the erasure, read again from
/// what was ticked (the confirmation's list, as it stands now).
pub async fn confirm(office: Office, body: Bytes) -> Result<Response, PageError> {
    let request = request(&body);
    let plan = read_plan(&office, &request).await?;
    let now = office.state().clock.now();
    // Journaled before it is carried out: a restore replays the journal
    // (ids and times only), so a backup taken before forgets again.
    let entries = erasure::journal(&plan, now);
    let control = office.state().control.clone();
    let municipality = office.account.municipality;
    tokio::task::spawn_blocking(move || control.journal_erasures(municipality, &entries))
        .await
        .map_err(|e| PageError::Internal(e.into()))?
        .map_err(|e| PageError::Internal(e.into()))?;
    let to_apply = plan.clone();
    let applied = office
        .with_store(move |store| {
            erasure::apply(store, &to_apply, now).map_err(|e| PageError::Internal(e.into()))
        })
        .await?;
    let control = office.state().control.clone();
    let municipality = office.account.municipality;
    let persons: Vec<String> = plan.persons.iter().map(|p| p.id.0.to_string()).collect();
    let draws =
        tokio::task::spawn_blocking(move || control.unlink_from_draws(municipality, &persons))
            .await
            .map_err(|e| PageError::Internal(e.into()))?
            .map_err(|e| PageError::Internal(e.into()))?;
    office
        .journal(crate::journal::Event::Erased {
            persons: applied.persons,
            visits: applied.visits,
            follow_ups: applied.follow_ups,
        })
        .await?;
    // Counts only: who was erased is never written to a log.
    tracing::info!(
        persons = applied.persons,
        visits = applied.visits,
        logs = applied.logs,
        follow_ups = applied.follow_ups,
        draws,
        "erasure carried out from the office"
    );
    Ok(Redirect::to(&format!(
        "/office/residents?erased={}.{}.{}.{}",
        applied.persons, applied.visits, applied.follow_ups, draws
    ))
    .into_response())
}

fn confirmation(office: &Office, plan: &Plan, follow_ups: &[FollowUp]) -> Markup {
    let t = office.lang.volunteers();
    let r = office.lang.results();
    let nothing = plan.persons.is_empty() && plan.visits.is_empty() && plan.follow_ups.is_empty();
    let body = html! {
        @if nothing {
            (notice("error", t.erase_nothing_found))
        }
        @if plan.truncated { (notice("error", t.erase_plan_truncated)) }
        @if !plan.persons.is_empty() {
            section.card {
                h2 { (t.erase_plan_persons) " (" (plan.persons.len()) ")" }
                ul {
                    @for p in &plan.persons {
                        li {
                            @if p.name.is_empty() { (t.erase_plan_unfinished) } @else { strong { (p.name) } }
                        }
                    }
                }
            }
        }
        @if !plan.visits.is_empty() {
            section.card {
                h2 { (t.erase_plan_visits) " (" (plan.visits.len()) ")" }
                p.hint { (t.erase_plan_what) }
                table {
                    thead { tr {
                        th scope="col" { (r.building) } th scope="col" { (t.erase_door) }
                        th scope="col" { (t.visited_on) } th scope="col" { (r.outcome) }
                    } }
                    tbody {
                        @for v in &plan.visits {
                            tr {
                                td { (v.address) } td { (v.door) }
                                td { (date(v.at)) } td { (r.outcome(&v.outcome)) }
                            }
                        }
                    }
                }
            }
        }
        @if !nothing {
            section.card {
                @if plan.draws > 0 {
                    p { (t.erase_plan_draws) " : " (plan.draws) }
                }
                p { (t.erase_plan_kept) }
                @if !follow_ups.is_empty() {
                    h2 { (t.erase_plan_follow_ups) " (" (follow_ups.len()) ")" }
                    ul {
                        @for f in follow_ups {
                            li { strong { (f.service) } " · " (f.description) }
                        }
                    }
                }
                p { (t.erase_plan_phones) }
                p.hint { (t.erase_plan_backups) }
                form method="post" action=(office.action("/office/residents/erase/confirm"))
                    data-confirm=(t.erase_confirm_question) {
                    @for p in &plan.persons { input type="hidden" name="person" value=(p.id.0); }
                    @for v in &plan.visits { input type="hidden" name="visit" value=(v.visit_id); }
                    @for f in &plan.follow_ups { input type="hidden" name="follow_up" value=(f.0); }
                    button.danger type="submit" { (t.erase_confirm_button) }
                }
            }
        }
        p { a href="/office/residents" { (t.erase_cancel) } }
    };
    page(office, Section::Volunteers, t.erase_plan_title, body)
}
