//! Follow-ups at the office: the list (`consolidate::follow_ups`),
//! filtered by campaign, service and status, and a status change with a
//! note for the agent (`follow_ups`). A thin shell.

use super::form::Fields;
use super::layout::page_error;
use super::layout::{PageError, Section, date, notice, page};
use super::results::{self, Query, campaign_select};
use super::session::Office;
use crate::consolidate::follow_ups as listed;
use crate::follow_ups::{self, Change, MAX_NOTE_CHARS};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shared::domain::{AgentId, FollowUpId, FollowUpStatus};

/// `GET /office/follow-ups`.
pub async fn list(office: Office, RawQuery(raw): RawQuery) -> Result<Markup, PageError> {
    let query = Query::parse(raw.as_deref());
    let service = query.get("service").map(str::to_string);
    let status = query
        .get("status")
        .and_then(FollowUpStatus::parse)
        .map(|s| s.as_str());
    let changed = query.get("changed").is_some();
    let (service_chosen, status_chosen) = (service.clone(), status);
    let found = results::read(&office, query, move |rm, _, filter, _| {
        let campaign = filter.campaign.to_string();
        let services = listed::services(rm, &campaign)?;
        let rows = listed::list(rm, &campaign, service, status)?;
        Ok((services, rows))
    })
    .await?;
    let r = office.lang.results();
    let Some((filter, choices, (services, rows))) = found else {
        return Ok(results::no_campaign(
            &office,
            Section::FollowUps,
            r.follow_ups_title,
        ));
    };
    office
        .journal(crate::journal::Event::OpenedFollowUps { listed: rows.len() })
        .await?;
    let body = html! {
        @if changed { (notice("ok", r.status_changed)) }
        form.card.filters method="get" action="/office/follow-ups" {
            div.row {
                (campaign_select(r, &filter, &choices))
                div {
                    label for="f-service" { (r.service) }
                    select id="f-service" name="service" {
                        option value="" { (r.all) }
                        @for s in &services { option value=(s) selected[service_chosen.as_deref() == Some(s.as_str())] { (s) } }
                    }
                }
                div {
                    label for="f-status" { (r.status) }
                    select id="f-status" name="status" {
                        option value="" { (r.all) }
                        @for s in FollowUpStatus::ALL { option value=(s.as_str()) selected[status_chosen == Some(s.as_str())] { (r.status(s.as_str())) } }
                    }
                }
            }
            button type="submit" { (r.apply) }
        }
        @if rows.is_empty() { p { (r.no_follow_ups) } }
        @for row in &rows {
            section.card.follow-up id=(format!("fu-{}", row.id)) {
                h2 { (row.service) " · " span.status data-status=(row.status) { (r.status(&row.status)) } }
                p { (row.description) }
                p.hint {
                    @if let Some(a) = &row.address { (r.building) " : " (a) " · " }
                    @if let Some(at) = row.raised_at { (r.raised) " " (date(at)) }
                    @if let Some(at) = row.updated_at { " · " (r.updated) " " (date(at)) }
                }
                @if !row.last_note.is_empty() { p { em { (row.last_note) } } }
                form method="post" action=(office.action(&format!("/office/follow-ups/{}", row.id))) {
                    input type="hidden" name="campaign" value=(filter.campaign.to_string());
                    div.row {
                        div {
                            label for=(format!("s-{}", row.id)) { (r.status) }
                            select id=(format!("s-{}", row.id)) name="status" {
                                @for s in FollowUpStatus::ALL {
                                    option value=(s.as_str()) selected[s.as_str() == row.status] { (r.status(s.as_str())) }
                                }
                            }
                        }
                        div {
                            label for=(format!("n-{}", row.id)) { (r.note) }
                            input id=(format!("n-{}", row.id)) name="note" maxlength=(MAX_NOTE_CHARS);
                            p.hint { (r.note_hint) }
                        }
                    }
                    button type="submit" { (r.change_status) }
                }
            }
        }
    };
    Ok(page(&office, Section::FollowUps, r.follow_ups_title, body))
}

/// `POST /office/follow-ups/{id}`: a new status and a note, appended to the
/// follow-up's history.
pub async fn change(
    office: Office,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id: FollowUpId = id
        .parse()
        .map(FollowUpId)
        .map_err(|_| PageError::NotFound(office.lang))?;
    let fields = Fields::parse(&body);
    let lang = office.lang;
    let Some(status) = FollowUpStatus::parse(&fields.get("status")) else {
        return Err(PageError::NotFound(lang));
    };
    let change = Change {
        status,
        note: fields.get("note"),
        by: office.account.id.parse().map(AgentId).unwrap_or_default(),
        at: crate::storage::control::now_ms(),
    };
    let campaign = office
        .with_store(move |store| {
            follow_ups::change_status(store, id, change).map_err(|e| page_error(e, lang))
        })
        .await?;
    Ok(Redirect::to(&format!(
        "/office/follow-ups?campaign={campaign}&changed=1#fu-{id}"
    ))
    .into_response())
}
