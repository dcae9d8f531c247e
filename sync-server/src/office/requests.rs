//! The register of residents' requests: what is due, what is overdue,
//! recording a new one, extending it with a reason, closing it. The DPO
//! reads it; coordinators write it. A thin shell over `crate::requests`.

use super::form::Fields;
use super::layout::{PageError, notice};
use super::privacy::{Tab, privacy_page};
use super::session::{Office, PrivacyReader};
use crate::journal::Event;
use crate::requests::{self, Change, Refusal, Standing};
use crate::storage::control::RequestRow;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use maud::{Markup, html};
use shared::api::Role;

/// Today, in Paris, by the server's clock.
fn today(office: &Office) -> Date {
    crate::readmodel::rules::date(office.state().clock.now()).unwrap_or_default()
}

/// What the page's address may say.
#[derive(serde::Deserialize)]
pub struct PageQuery {
    recorded: Option<String>,
}

async fn rows(office: &Office) -> Result<Vec<RequestRow>, PageError> {
    office
        .with_control(move |control, municipality| control.requests(municipality))
        .await
}

/// `GET /office/privacy/requests`.
pub async fn show(
    PrivacyReader(office): PrivacyReader,
    Query(query): Query<PageQuery>,
) -> Result<Markup, PageError> {
    let rows = rows(&office).await?;
    Ok(render(&office, &rows, query.recorded.is_some(), None))
}

fn render(
    office: &Office,
    rows: &[RequestRow],
    recorded: bool,
    refused: Option<&Refusal>,
) -> Markup {
    let t = office.lang.privacy();
    let today = today(office);
    let standings: Vec<Standing> = rows.iter().map(|r| requests::standing(r, today)).collect();
    let overdue = standings
        .iter()
        .filter(|s| matches!(s, Standing::Overdue(_)))
        .count();
    let soon = standings
        .iter()
        .filter(|s| matches!(s, Standing::Due(d) if *d <= 7))
        .count();
    let open = standings
        .iter()
        .filter(|s| !matches!(s, Standing::Closed))
        .count();
    let writes = office.account.role == Role::Coordinator;
    let body = html! {
        p.hint { (t.req_hint) }
        @if recorded { (notice("ok", t.req_recorded)) }
        @if let Some(refusal) = refused { (notice("error", refusal_words(office, refusal))) }
        p.summary role="status" {
            (t.req_summary.replace("{overdue}", &overdue.to_string()).replace("{soon}", &soon.to_string()).replace("{open}", &open.to_string()))
        }
        @if writes {
            p.hint { (t.req_tools) " " a href="/office/residents" { (office.lang.volunteers().find_menu) } }
            form.card.filters method="post" action=(office.action("/office/privacy/requests")) {
                h2 { (t.req_new) }
                label for="r-kind" { (t.req_kind) }
                select id="r-kind" name="kind" required {
                    option value="" { "—" }
                    @for kind in requests::Kind::ALL { option value=(kind.as_str()) { (t.request_kind(kind.as_str())) } }
                }
                label for="r-received" { (t.req_received) }
                input id="r-received" type="date" name="received_on" value=(today.to_string()) max=(today.to_string());
                label for="r-reference" { (t.req_reference) }
                input id="r-reference" name="reference" maxlength=(requests::MAX_TEXT_CHARS) aria-describedby="r-reference-hint";
                p.hint id="r-reference-hint" { (t.req_reference_hint) }
                button.primary type="submit" { (t.req_record) }
            }
        }
        @if rows.is_empty() { p { (t.req_none) } }
        @else {
            table.requests {
                thead { tr {
                    th scope="col" { (t.req_received) } th scope="col" { (t.req_kind) }
                    th scope="col" { (t.req_reference) } th scope="col" { (t.req_due) }
                    th scope="col" { (t.req_standing) } th scope="col" { (t.req_state) }
                    th scope="col" { (t.req_who) }
                } }
                tbody {
                    @for (row, standing) in rows.iter().zip(&standings) {
                        tr id=(format!("r-{}", row.id)) class=[matches!(standing, Standing::Overdue(_)).then_some("overdue")] {
                            td { (row.received_on) }
                            th scope="row" { (t.request_kind(&row.kind)) }
                            td { (row.reference) }
                            td {
                                (row.due_on)
                                @if !row.extension_reason.is_empty() {
                                    br; small { (t.req_extended.replace("{reason}", &row.extension_reason)) }
                                }
                            }
                            td {
                                @match standing {
                                    Standing::Overdue(days) => strong.late { (t.req_overdue.replace("{days}", &days.to_string())) },
                                    Standing::Due(0) => strong { (t.req_due_today) },
                                    Standing::Due(days) => (t.req_due_in.replace("{days}", &days.to_string())),
                                    Standing::Closed => (t.req_closed),
                                }
                            }
                            td { (t.request_state(&row.state)) }
                            td {
                                (row.recorded_by)
                                @if !row.closed_by.is_empty() { br; (row.closed_by) }
                                @if writes && !matches!(standing, Standing::Closed) {
                                    @let action = office.action(&format!("/office/privacy/requests/{}", row.id));
                                    form.inline method="post" action=(action) {
                                        input type="hidden" name="action" value="close";
                                        button type="submit" name="state" value="done" { (t.req_close_done) }
                                        " "
                                        button type="submit" name="state" value="refused" { (t.req_close_refused) }
                                    }
                                    @if row.extension_reason.is_empty() {
                                        form.inline method="post" action=(action) {
                                            input type="hidden" name="action" value="extend";
                                            label.visually-hidden for=(format!("x-{}", row.id)) { (t.req_extend_reason) }
                                            input id=(format!("x-{}", row.id)) name="reason" placeholder=(t.req_extend_reason) maxlength=(requests::MAX_TEXT_CHARS);
                                            button type="submit" { (t.req_extend) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    privacy_page(office, Tab::Requests, t.req_title, body)
}

fn refusal_words(office: &Office, refusal: &Refusal) -> &'static str {
    let t = office.lang.privacy();
    match refusal {
        Refusal::Kind | Refusal::State => t.req_refused_kind,
        Refusal::Day => t.req_refused_day,
        Refusal::TooLong => t.req_refused_long,
        Refusal::ReasonMissing => t.req_refused_reason,
        Refusal::AlreadyExtended => t.req_refused_again,
        Refusal::TooLate => t.req_refused_late,
        Refusal::Closed => t.req_refused_closed,
    }
}

async fn refused(office: &Office, refusal: &Refusal) -> Result<Response, PageError> {
    let rows = rows(office).await?;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        render(office, &rows, false, Some(refusal)),
    )
        .into_response())
}

/// `POST /office/privacy/requests`: records a new request.
pub async fn record(office: Office, body: Bytes) -> Result<Response, PageError> {
    let fields = Fields::parse(&body);
    let row = match requests::plan_new(
        &fields.get("kind"),
        &fields.get("received_on"),
        &fields.get("reference"),
        today(&office),
    ) {
        Ok(row) => row,
        Err(refusal) => return refused(&office, &refusal).await,
    };
    let (by, now) = (office.account.id.clone(), office.state().clock.now());
    let event = Event::Request {
        kind: row.kind.clone(),
        state: row.state.clone(),
    };
    office
        .with_control(move |control, municipality| {
            control.add_request(municipality, &row, &by, now)
        })
        .await?;
    office.journal(event).await?;
    Ok(Redirect::to("/office/privacy/requests?recorded=1").into_response())
}

/// `POST /office/privacy/requests/{id}`: extends or closes a request.
pub async fn change(
    office: Office,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let lang = office.lang;
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(PageError::NotFound(lang));
    }
    let fields = Fields::parse(&body);
    let change = match fields.get("action").as_str() {
        "extend" => Change::Extend(fields.get("reason")),
        "close" => Change::Close(fields.get("state")),
        _ => return Err(PageError::NotFound(lang)),
    };
    let stored = {
        let id = id.clone();
        office
            .with_control(move |control, municipality| control.request(municipality, &id))
            .await?
            .ok_or(PageError::NotFound(lang))?
    };
    let row = match requests::plan_change(&stored, &change, today(&office)) {
        Ok(row) => row,
        Err(refusal) => return refused(&office, &refusal).await,
    };
    let (by, now) = (office.account.id.clone(), office.state().clock.now());
    let event = Event::Request {
        kind: row.kind.clone(),
        state: if matches!(change, Change::Extend(_)) {
            "extended".into()
        } else {
            row.state.clone()
        },
    };
    office
        .with_control(move |control, municipality| {
            control.update_request(municipality, &row, &by, now)
        })
        .await?;
    office.journal(event).await?;
    Ok(Redirect::to(&format!("/office/privacy/requests#r-{id}")).into_response())
}
