//! Everything held about one volunteer, as a page to print and as a JSON
//! file (the right of access), and the correction of their record (the
//! right to rectification). Coordinators only; each opening is journaled.
//! A thin shell over `crate::residents::access`.

use super::form::Fields;
use super::layout::{PageError, Section, date, notice, page, parse_id};
use super::session::Office;
use crate::consolidate::linked;
use crate::journal::Event;
use crate::residents::access::{self, Access, Correction, RectifyError};
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shared::domain::{Answer, PersonId};

async fn gather(office: &Office, id: PersonId) -> Result<Access, PageError> {
    let lang = office.lang;
    let asked = vec![id.to_string()];
    let (visits, _) = office
        .with_read_model(move |rm| Ok(linked::linked(rm, &asked, &[])?))
        .await?;
    let draws = office
        .with_control(move |control, municipality| {
            let mut all = Vec::new();
            for (draw, drawn_at) in control.draws(municipality)? {
                if let Some((record, members)) = control.draw(municipality, &draw)? {
                    all.push((draw, drawn_at, members, record));
                }
            }
            Ok(all)
        })
        .await?;
    office
        .with_store(move |store| {
            access::gather(store, id, &visits, &draws).map_err(|e| PageError::Internal(e.into()))
        })
        .await?
        .ok_or(PageError::NotFound(lang))
}

/// What the page's address may say.
#[derive(serde::Deserialize)]
pub struct PageQuery {
    rectified: Option<String>,
}

/// `GET /office/residents/{id}/access`.
pub async fn show(
    office: Office,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Markup, PageError> {
    let id = PersonId(parse_id(&office, &id)?);
    let held = gather(&office, id).await?;
    office.journal(Event::OpenedSubjectAccess).await?;
    let until = deadline(&office, &held).await?;
    Ok(render(
        &office,
        id,
        &held,
        until,
        query.rectified.is_some(),
        false,
    ))
}

fn answer_text(answer: &Answer) -> String {
    match answer {
        Answer::Choice(c) => c.clone(),
        Answer::Choices(cs) => cs.join(", "),
        Answer::Scale(n) => n.to_string(),
        Answer::Text(t) => t.clone(),
    }
}

/// When the record goes, as the purge computes it (`retention`).
async fn deadline(office: &Office, held: &Access) -> Result<i64, PageError> {
    let settings = office
        .with_control(move |control, municipality| {
            crate::retention::settings::read(control, municipality)
        })
        .await?;
    let met = held.visits.iter().map(|h| h.visit.at).max();
    let now = office.state().clock.now();
    Ok(
        crate::retention::person_deadline(&held.person, met, &settings, now)
            .unwrap_or(held.person.retain_until),
    )
}

fn render(
    office: &Office,
    id: PersonId,
    held: &Access,
    until: i64,
    rectified: bool,
    refused: bool,
) -> Markup {
    let t = office.lang.privacy();
    let v = office.lang.volunteers();
    let r = office.lang.results();
    let p = &held.person;
    let mut ledger: Vec<(&shared::domain::ConsentRecord, bool)> = p
        .consents
        .iter()
        .map(|c| (c, false))
        .chain(p.withdrawals.iter().map(|c| (c, true)))
        .collect();
    ledger.sort_by_key(|(c, w)| (c.at, *w));
    let body = html! {
        p.hint.no-print { (t.access_hint) }
        @if rectified { (notice("ok", t.rectified)) }
        @if refused { (notice("error", t.rectify_refused)) }
        p.actions.no-print {
            a.button href=(format!("/office/residents/{}/access.json", id.0)) download { (t.access_json) }
            " "
            button type="button" data-print { (t.access_print) }
        }
        section.card {
            h2 { (t.access_person) }
            dl {
                dt { (v.name) } dd { (p.display_name) }
                dt { (t.access_contacts) } dd { (p.phone.as_deref().unwrap_or("—")) " · " (p.email.as_deref().unwrap_or("—")) }
                dt { (t.access_kept_until) } dd { (date(until)) }
            }
            h3 { (t.access_consents) }
            ol {
                @for (c, withdrawal) in &ledger {
                    li {
                        (date(c.at)) " · " (if *withdrawal { v.ledger_withdrawal } else { v.ledger_consent }) " : "
                        (v.purpose(c.purpose)) " · " (c.language) " · "
                        @match c.notice_version {
                            Some(version) => (v.ledger_notice.replace("{version}", &version.to_string()).replace("{hash}", c.text_hash.as_deref().map_or("—", |h| h.get(..12).unwrap_or(h)))),
                            None => (v.ledger_no_notice),
                        }
                    }
                }
            }
        }
        section.card {
            h2 { (t.access_visits) " (" (held.visits.len()) ")" }
            @if held.visits.is_empty() { p { (t.access_nothing) } }
            @for h in &held.visits {
                article.held-visit {
                    h3 { (h.address) " · " (h.door) " · " (date(h.visit.at)) " · " (r.outcome(h.visit.outcome.as_str())) }
                    dl {
                        @if !h.visit.verbatim.is_empty() { dt { (t.access_verbatim) } dd.verbatim { (h.visit.verbatim) } }
                        @if !h.visit.topics.is_empty() { dt { (t.access_topics) } dd { (h.visit.topics.join(", ")) } }
                        @if !h.visit.answers.is_empty() {
                            dt { (t.access_answers) }
                            dd { ul { @for (q, a) in &h.visit.answers { li { (q) " : " (answer_text(a)) } } } }
                        }
                        @if h.visit.profile.age_band.is_some() || h.visit.profile.language.is_some() {
                            dt { (t.access_profile) }
                            dd { (h.visit.profile.age_band.as_deref().unwrap_or("—")) " · " (h.visit.profile.language.as_deref().unwrap_or("—")) }
                        }
                    }
                }
            }
        }
        section.card {
            h2 { (t.access_follow_ups) " (" (held.follow_ups.len()) ")" }
            @if held.follow_ups.is_empty() { p { (t.access_nothing) } }
            ul { @for f in &held.follow_ups { li { (f.service) " : " (f.description) } } }
        }
        section.card {
            h2 { (t.access_draws) " (" (held.draws.len()) ")" }
            @if held.draws.is_empty() { p { (t.access_nothing) } }
            ul { @for d in &held.draws { li { (date(d.drawn_at)) " · " (if d.drawn { t.access_drawn } else { t.access_in_pool }) } } }
        }
        section.card.no-print {
            h2 { (t.rectify_title) }
            p.hint { (t.rectify_hint) }
            form method="post" action=(office.action(&format!("/office/residents/{}/rectify", id.0))) {
                label for="r-name" { (v.name) }
                input id="r-name" name="display_name" value=(p.display_name) required maxlength="200";
                label for="r-phone" { (t.rectify_phone) }
                input id="r-phone" name="phone" type="tel" value=(p.phone.as_deref().unwrap_or("")) maxlength="200";
                label for="r-email" { (office.t.email) }
                input id="r-email" name="email" type="email" value=(p.email.as_deref().unwrap_or("")) maxlength="200";
                button.primary type="submit" { (t.rectify_save) }
            }
        }
    };
    page(office, Section::Volunteers, t.access_title, body)
}

/// `GET /office/residents/{id}/access.json`.
pub async fn json(office: Office, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = PersonId(parse_id(&office, &id)?);
    let held = gather(&office, id).await?;
    office.journal(Event::OpenedSubjectAccess).await?;
    let until = deadline(&office, &held).await?;
    let body = serde_json::to_vec_pretty(&access::to_json(&held, until))
        .map_err(|e| PageError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"palier-acces.json\"".to_string(),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// `POST /office/residents/{id}/rectify`.
pub async fn rectify(
    office: Office,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = office.lang;
    let id = PersonId(parse_id(&office, &id)?);
    let fields = Fields::parse(&body);
    let correction = Correction {
        display_name: fields.get("display_name"),
        phone: fields.get("phone"),
        email: fields.get("email"),
    };
    let done = office
        .with_store(move |store| match access::rectify(store, id, &correction) {
            Ok(()) => Ok(true),
            Err(RectifyError::OutOfBounds) => Ok(false),
            Err(RectifyError::NotFound) => Err(PageError::NotFound(lang)),
            Err(e) => Err(PageError::Internal(e.into())),
        })
        .await?;
    if !done {
        let held = gather(&office, id).await?;
        let until = deadline(&office, &held).await?;
        return Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            render(&office, id, &held, until, false, true),
        )
            .into_response());
    }
    office.journal(Event::Rectified).await?;
    Ok(Redirect::to(&format!("/office/residents/{}/access?rectified=1", id.0)).into_response())
}
