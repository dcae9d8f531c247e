//! The volunteers page: who signed up at their door, what they agreed to,
//! a one-step withdrawal per agreement, and erasure. Coordinators only
//! (the `Office` extractor); a thin shell over `crate::volunteers`.

use super::form::Fields;
use super::layout::{PageError, Section, date, notice, page};
use super::results::Query;
use super::session::Office;
use crate::volunteers::{self, WithdrawError};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shared::domain::{AgentId, ConsentPurpose, PersonId};

/// `GET /office/volunteers`.
pub async fn list(office: Office, RawQuery(raw): RawQuery) -> Result<Markup, PageError> {
    let query = Query::parse(raw.as_deref());
    let purpose = query.get("purpose").and_then(ConsentPurpose::parse);
    let rows = office
        .with_store(move |store| Ok(volunteers::read(store, purpose)?))
        .await?;
    office
        .journal(crate::journal::Event::OpenedVolunteers { listed: rows.len() })
        .await?;
    // Each record's deadline, as the purge computes it (`retention`).
    let met = office
        .with_read_model(|rm| Ok(crate::consolidate::retention::last_met(rm)?))
        .await?;
    let settings = office
        .with_control(move |control, municipality| {
            crate::retention::settings::read(control, municipality)
        })
        .await?;
    let now = office.state().clock.now();
    let deadline = |v: &volunteers::Volunteer| {
        let last = v
            .ledger
            .iter()
            .map(|l| l.at)
            .chain(met.get(&v.id.to_string()).copied())
            .max();
        let assembly = v
            .ledger
            .iter()
            .filter(|l| !l.withdrawal && l.purpose == ConsentPurpose::CitizensAssembly)
            .map(|l| l.at)
            .max();
        crate::retention::deadline(&v.purposes, last, assembly, &settings, now)
            .unwrap_or(v.retain_until)
    };
    let t = office.lang.volunteers();
    let due: Vec<_> = rows.iter().filter(|v| v.due_for_erasure()).collect();
    let body = html! {
        p.hint { (t.hint) " " a href="/office/residents" { (t.find_menu) } }
        @if query.get("withdrawn").is_some() { (notice("ok", t.withdrawn_done)) }
        @if query.get("due").is_some() { (notice("error", t.due_after_withdrawal)) }
        @if !due.is_empty() {
            // No consent left for any purpose: no ground to keep their
            // name and contacts. Listed first, each a step from erasure.
            section.card.due aria-labelledby="due-title" {
                h2 id="due-title" { (t.due_title) " (" (due.len()) ")" }
                p.hint { (t.due_hint) }
                ul {
                    @for v in &due {
                        li {
                            a href=(format!("#v-{}", v.id.0)) { (v.name) } " "
                            form.inline method="post" action=(office.action("/office/residents/erase")) {
                                input type="hidden" name="person" value=(v.id.0);
                                button.danger type="submit" { (t.erase) }
                            }
                        }
                    }
                }
            }
        }
        @if query.get("error").is_some() { (notice("error", t.not_consenting)) }
        form.card.filters method="get" action="/office/volunteers" {
            label for="v-purpose" { (t.purpose) }
            select id="v-purpose" name="purpose" {
                option value="" { (t.all) }
                @for p in ConsentPurpose::ALL {
                    option value=(p.as_str()) selected[purpose == Some(p)] { (t.purpose(p)) }
                }
            }
            button type="submit" { (t.apply) }
        }
        @if rows.is_empty() { p { (t.none) } }
        @else {
            table.volunteers {
                thead { tr {
                    th scope="col" { (t.name) } th scope="col" { (t.contact) }
                    th scope="col" { (t.consents) } th scope="col" { (t.signed_up) }
                    th scope="col" { (t.kept_until) } th scope="col" { span.visually-hidden { (t.erase) } }
                } }
                tbody {
                    @for v in &rows {
                        tr id=(format!("v-{}", v.id.0)) {
                            th scope="row" { (v.name) }
                            td { (v.phone.as_deref().unwrap_or("")) @if let Some(e) = &v.email { br; (e) } }
                            td {
                                ul.consents {
                                    @for p in &v.purposes {
                                        li {
                                            (t.purpose(*p)) " "
                                            form.inline method="post" action=(office.action(&format!("/office/volunteers/{}/withdraw", v.id.0))) {
                                                input type="hidden" name="purpose" value=(p.as_str());
                                                button.link type="submit" aria-label=(format!("{} : {}", t.withdraw, t.purpose(*p))) { (t.withdraw) }
                                            }
                                        }
                                    }
                                    @for p in &v.withdrawn {
                                        li.withdrawn { s { (t.purpose(*p)) } " — " (t.withdrawn) }
                                    }
                                }
                                details.ledger {
                                    summary { (t.ledger) }
                                    ol {
                                        @for line in &v.ledger {
                                            li {
                                                (date(line.at)) " · "
                                                (if line.withdrawal { t.ledger_withdrawal } else { t.ledger_consent }) " : "
                                                (t.purpose(line.purpose)) " · " (line.language) " · "
                                                @match (line.notice_version, &line.text_hash) {
                                                    (Some(version), hash) => (t.ledger_notice.replace("{version}", &version.to_string()).replace("{hash}", hash.as_deref().unwrap_or("—"))),
                                                    (None, _) => (t.ledger_no_notice),
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            td { (date(v.signed_up)) }
                            td { (date(deadline(v))) }
                            td {
                                a href=(format!("/office/residents/{}/access", v.id.0)) { (office.lang.privacy().access_link) }
                                // The erasure's plan: what goes with them
                                // (their visits' words, follow-ups, draw
                                // links), confirmed there.
                                form method="post" action=(office.action("/office/residents/erase")) {
                                    input type="hidden" name="person" value=(v.id.0);
                                    button.danger type="submit" { (t.erase) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&office, Section::Volunteers, t.title, body))
}

fn person_id(office: &Office, id: &str) -> Result<PersonId, PageError> {
    id.parse()
        .map(PersonId)
        .map_err(|_| PageError::NotFound(office.lang))
}

/// `POST /office/volunteers/{id}/withdraw`: one agreement withdrawn.
pub async fn withdraw(
    office: Office,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = person_id(&office, &id)?;
    let lang = office.lang;
    let purpose = ConsentPurpose::parse(&Fields::parse(&body).get("purpose"))
        .ok_or(PageError::NotFound(lang))?;
    let by = office.account.id.parse().map(AgentId).unwrap_or_default();
    let language = lang.tag();
    // Recorded under the notice in force, in the office's language.
    let notice = office
        .with_control(move |control, municipality| {
            let notices = control.notices(municipality)?;
            Ok(crate::notices::in_force(&notices).and_then(|n| {
                n.text(language)
                    .map(|text| (n.version, text.hash(n.version)))
            }))
        })
        .await?;
    let now = office.state().clock.now();
    let done = office
        .with_store(move |store| {
            match volunteers::withdraw(store, id, purpose, by, now, language, notice) {
                Ok(()) => Ok(Some(
                    volunteers::read(store, None)?
                        .iter()
                        .any(|v| v.id == id && v.due_for_erasure()),
                )),
                Err(WithdrawError::NotConsenting) => Ok(None),
                Err(WithdrawError::NotFound) => Err(PageError::NotFound(lang)),
                Err(WithdrawError::Store(e)) => Err(e.into()),
                Err(WithdrawError::Schema(e)) => Err(e.into()),
            }
        })
        .await?;
    if done.is_some() {
        office
            .journal(crate::journal::Event::withdrew(purpose))
            .await?;
    }
    let flag = match done {
        Some(false) => "withdrawn=1",
        Some(true) => "withdrawn=1&due=1",
        None => "error=1",
    };
    Ok(Redirect::to(&format!("/office/volunteers?{flag}#v-{}", id.0)).into_response())
}
