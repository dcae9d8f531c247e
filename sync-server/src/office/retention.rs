//! The retention periods: what each is, its default and why, set by a
//! coordinator (the DPO reads), with what the next purge would erase. A
//! thin shell over `crate::retention`.

use super::form::Fields;
use super::layout::{PageError, notice};
use super::privacy::{Tab, privacy_page};
use super::session::{Office, PrivacyReader};
use crate::journal::Event;
use crate::retention::{self, Settings, settings};
use axum::body::Bytes;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shared::api::Role;

/// What the page's address may say.
#[derive(serde::Deserialize)]
pub struct PageQuery {
    saved: Option<String>,
}

async fn current(office: &Office) -> Result<Settings, PageError> {
    office.with_control(settings::read).await
}

/// `GET /office/privacy/retention`.
pub async fn show(
    PrivacyReader(office): PrivacyReader,
    Query(query): Query<PageQuery>,
) -> Result<Markup, PageError> {
    let settings = current(&office).await?;
    let due = due(&office, settings.clone()).await?;
    Ok(render(
        &office,
        &settings,
        Some(due),
        query.saved.is_some(),
        None,
    ))
}

/// What the next purge would erase now, counted.
async fn due(office: &Office, settings: Settings) -> Result<retention::Due, PageError> {
    let now = office.state().clock.now();
    let store = office.store()?;
    let model = office.read_model()?;
    tokio::task::spawn_blocking(move || {
        let store = store.get().map_err(|e| PageError::Internal(e.into()))?;
        let rm = crate::consolidate::Snapshot::take(&model)?;
        retention::due(&*store, &rm, &settings, now).map_err(|e| PageError::Internal(e.into()))
    })
    .await
    .map_err(|e| PageError::Internal(e.into()))?
}

fn render(
    office: &Office,
    s: &Settings,
    due: Option<retention::Due>,
    saved: bool,
    refused: Option<&settings::Refusal>,
) -> Markup {
    let t = office.lang.privacy();
    let writes = office.account.role == Role::Coordinator;
    let every = office.state().config.retention_every_secs;
    let body = html! {
        p.hint { (t.ret_hint) @if every > 0 { " " (t.ret_runs.replace("{minutes}", &(every / 60).max(1).to_string())) } }
        @if saved { (notice("ok", t.ret_saved)) }
        @if let Some(refusal) = refused {
            (notice("error", match refusal {
                settings::Refusal::Period => t.ret_refused_period,
                settings::Refusal::Day => t.ret_refused_day,
            }))
        }
        @if let Some(due) = &due {
            p.summary role="status" {
                (t.ret_due
                    .replace("{persons}", &due.persons.len().to_string())
                    .replace("{visits}", &due.logs.iter().map(|l| l.visits.len()).sum::<usize>().to_string())
                    .replace("{follow_ups}", &due.follow_ups.len().to_string()))
            }
        }
        form.card method="post" action=(office.action("/office/privacy/retention")) {
            fieldset disabled[!writes] {
                label for="ret-contact" { (t.ret_contact) }
                p.hint id="ret-contact-hint" { (t.ret_contact_hint) }
                input id="ret-contact" type="number" name="contact_days" min="1" max=(settings::MAX_CONTACT_DAYS) value=(s.contact_days) aria-describedby="ret-contact-hint";
                " " (t.ret_days)
                label for="ret-words" { (t.ret_words) }
                p.hint id="ret-words-hint" { (t.ret_words_hint) }
                input id="ret-words" type="number" name="words_days" min="1" max=(settings::MAX_WORDS_DAYS) value=(s.words_days) aria-describedby="ret-words-hint";
                " " (t.ret_days)
                label for="ret-assembly" { (t.ret_assembly) }
                p.hint id="ret-assembly-hint" { (t.ret_assembly_hint) }
                input id="ret-assembly" type="date" name="assembly_ends_on" value=(s.assembly_ends_on.map(|d| d.to_string()).unwrap_or_default()) aria-describedby="ret-assembly-hint";
                label.check {
                    input type="checkbox" name="erase_without_consent" value="1" checked[s.erase_without_consent] aria-describedby="ret-consent-hint";
                    " " (t.ret_without_consent)
                }
                p.hint id="ret-consent-hint" { (t.ret_without_consent_hint) }
                @if writes { button.primary type="submit" { (t.ret_save) } }
            }
        }
    };
    privacy_page(office, Tab::Retention, t.ret_title, body)
}

/// `POST /office/privacy/retention`.
pub async fn save(office: Office, body: Bytes) -> Result<Response, PageError> {
    let fields = Fields::parse(&body);
    let before = current(&office).await?;
    let planned = settings::plan(
        &before,
        &fields.get("contact_days"),
        &fields.get("words_days"),
        &fields.get("assembly_ends_on"),
        fields.get("erase_without_consent") == "1",
    );
    let (settings, changed) = match planned {
        Ok(planned) => planned,
        Err(refusal) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&office, &before, None, false, Some(&refusal)),
            )
                .into_response());
        }
    };
    office
        .with_control(move |control, municipality| {
            settings::apply(control, municipality, &settings)
        })
        .await?;
    for (period, days) in changed {
        office
            .journal(Event::ChangedRetention { period, days })
            .await?;
    }
    Ok(Redirect::to("/office/privacy/retention?saved=1").into_response())
}
