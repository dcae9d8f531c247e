//! Campaigns: the list, a new one, and its settings (kind, dates,
//! neighbourhoods, team, topics, services for follow-ups).

use super::access::Part;
use super::form::Fields;
use super::layout::{
    PageError, Section, iso_day, notice, page, page_error, parse_id, parse_iso_day,
};
use super::session::{Office, Reader};
use crate::campaigns::settings::{self, Settings};
use crate::campaigns::{load, store_record};
use axum::body::Bytes;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shared::api::DeviceInfo;
use shared::domain::{AgentId, Campaign, CampaignId, CampaignKind, Neighbourhood, Sector};
use shared::schema::{self, DocKind};
use shared::sync::Records;

/// Every kind, in the order the form lists them.
pub const KINDS: [CampaignKind; 4] = [
    CampaignKind::DoorToDoor,
    CampaignKind::IdeaCollection,
    CampaignKind::StreetStand,
    CampaignKind::ExploratoryWalk,
];

fn kind_tag(kind: CampaignKind) -> &'static str {
    match kind {
        CampaignKind::DoorToDoor => "door-to-door",
        CampaignKind::IdeaCollection => "idea-collection",
        CampaignKind::StreetStand => "street-stand",
        CampaignKind::ExploratoryWalk => "exploratory-walk",
    }
}

fn kind_from_tag(tag: &str) -> Option<CampaignKind> {
    KINDS.into_iter().find(|k| kind_tag(*k) == tag)
}

/// The devices that can be put in a team or a sector.
pub async fn active_devices(office: &Office) -> Result<Vec<DeviceInfo>, PageError> {
    let control = office.state().control.clone();
    let municipality = office.account.municipality;
    let devices = tokio::task::spawn_blocking(move || control.devices(municipality))
        .await
        .map_err(|e| PageError::Internal(e.into()))??;
    Ok(devices.into_iter().filter(|d| !d.revoked).collect())
}

/// `GET /office`: campaigns and a form for a new one.
pub async fn list(Reader(office): Reader) -> Result<Response, PageError> {
    if !office.sees(Part::Preparation) {
        return Ok(Redirect::to("/office/dashboard").into_response());
    }
    Ok(list_campaigns(office, None).await?.into_response())
}

async fn list_campaigns(office: Office, error: Option<&str>) -> Result<Markup, PageError> {
    let (campaigns, sectors, buildings) = office
        .with_store(|store| {
            let mut campaigns: Vec<Campaign> = store.readable_records(DocKind::Campaign)?;
            campaigns.sort_by_key(|c| std::cmp::Reverse(c.starts_at));
            let sectors: Vec<Sector> = store.readable_records(DocKind::Sector)?;
            Ok((
                campaigns,
                sectors,
                store.doc_ids_of(DocKind::Building)?.len(),
            ))
        })
        .await?;
    let t = office.t;
    let (archived, current): (Vec<&Campaign>, Vec<&Campaign>) =
        campaigns.iter().partition(|c| c.archived);
    Ok(page(
        &office,
        Section::Campaigns,
        t.campaigns,
        html! {
            @if let Some(error) = error {
                (notice("error", error))
            }
            @if buildings == 0 {
                (notice("info", t.no_territory_yet))
            }
            @if campaigns.is_empty() {
                p { (t.no_campaign_yet) }
            } @else if !current.is_empty() {
                table {
                    thead { tr { th { (t.name) } th { (t.kind) } th { (t.dates) } th { (t.questionnaire) } th { (t.sectors) } } }
                    tbody {
                        @for c in &current {
                            tr {
                                td { a href=(format!("/office/campaigns/{}", c.id)) { (c.name) } }
                                td { (t.kind_name(c.kind)) }
                                td { (iso_day(c.starts_at)) " → " (iso_day(c.ends_at)) }
                                td { a href=(format!("/office/campaigns/{}/questionnaire", c.id)) {
                                    (t.version) " " (c.questionnaire.version) " · " (c.questionnaire.questions.len()) " " (if c.questionnaire.questions.len() == 1 { t.question_one } else { t.questions_count })
                                } }
                                td { a href=(format!("/office/campaigns/{}/sectors", c.id)) {
                                    (sectors.iter().filter(|s| s.campaign == c.id).count())
                                } }
                            }
                        }
                    }
                }
            }
            @if !archived.is_empty() {
                details.card.archived {
                    summary { (t.archived_campaigns) " (" (archived.len()) ")" }
                    ul {
                        @for c in &archived {
                            li { a href=(format!("/office/campaigns/{}", c.id)) { (c.name) } " · " (iso_day(c.starts_at)) " → " (iso_day(c.ends_at)) }
                        }
                    }
                }
            }
            section.card {
                h2 { (t.new_campaign) }
                form method="post" action=(office.action("/office/campaigns")) {
                    label for="name" { (t.name) }
                    input #name name="name" required placeholder=(t.campaign_name_hint);
                    (kind_select(&office, CampaignKind::DoorToDoor))
                    div.row {
                        div { label for="starts" { (t.starts) } input #starts type="date" name="starts" required; }
                        div { label for="ends" { (t.ends) } input #ends type="date" name="ends" required; }
                    }
                    button type="submit" { (t.create) }
                }
            }
        },
    ))
}

fn kind_select(office: &Office, current: CampaignKind) -> Markup {
    let t = office.t;
    html! {
        label for="kind" { (t.kind) }
        select #kind name="kind" {
            @for k in KINDS {
                option value=(kind_tag(k)) selected[k == current] { (t.kind_name(k)) }
            }
        }
    }
}

/// `POST /office/campaigns`: creates a campaign and opens its settings.
pub async fn create(office: Office, body: Bytes) -> Result<Response, PageError> {
    let fields = Fields::parse(&body);
    let name = fields.get("name");
    let kind = kind_from_tag(&fields.get("kind"));
    let starts = parse_iso_day(&fields.get("starts"));
    let ends = parse_iso_day(&fields.get("ends"));
    let (Some(kind), Some(starts_at), Some(ends_at), false) = (kind, starts, ends, name.is_empty())
    else {
        return Ok(Redirect::to("/office").into_response());
    };
    let Ok(campaign) = settings::new_campaign(name, kind, starts_at, ends_at) else {
        let error = office.t.dates_reversed;
        return Ok(list_campaigns(office, Some(error)).await?.into_response());
    };
    let id = campaign.id;
    let lang = office.lang;
    office
        .with_store(move |store| store_record(store, &campaign).map_err(|e| page_error(e, lang)))
        .await?;
    Ok(Redirect::to(&format!("/office/campaigns/{id}")).into_response())
}

/// `GET /office/campaigns/{id}`: the campaign's settings.
pub async fn edit(office: Office, Path(id): Path<String>) -> Result<Markup, PageError> {
    let id: CampaignId = parse_id(&office, &id)?;
    settings(&office, id, None, None).await
}

/// Loads the campaign (after `change`, if any, which is then saved) and
/// shows its settings.
async fn settings(
    office: &Office,
    id: CampaignId,
    change: Option<Fields>,
    message: Option<&str>,
) -> Result<Markup, PageError> {
    let lang = office.lang;
    let (campaign, mut neighbourhoods, refused) = office
        .with_store(move |store| {
            let mut campaign: Campaign =
                load(store, &schema::DocId::campaign(id)).map_err(|e| page_error(e, lang))?;
            let mut refused = false;
            if let Some(fields) = change {
                match settings::plan(&campaign, settings_from(&fields)) {
                    Ok(changed) => {
                        store_record(store, &changed).map_err(|e| page_error(e, lang))?;
                        campaign = changed;
                    }
                    // Nothing is saved: the form shows what is stored.
                    Err(settings::DatesReversed) => refused = true,
                }
            }
            let neighbourhoods: Vec<Neighbourhood> =
                store.readable_records(DocKind::Neighbourhood)?;
            Ok((campaign, neighbourhoods, refused))
        })
        .await?;
    neighbourhoods.sort_by(|a, b| a.name.cmp(&b.name));
    let devices = active_devices(office).await?;
    let message = if refused {
        Some(("error", office.t.dates_reversed))
    } else {
        message.map(|m| ("ok", m))
    };
    Ok(settings_page(
        office,
        &campaign,
        &neighbourhoods,
        &devices,
        message,
    ))
}

fn settings_page(
    office: &Office,
    c: &Campaign,
    neighbourhoods: &[Neighbourhood],
    devices: &[DeviceInfo],
    message: Option<(&str, &str)>,
) -> Markup {
    let t = office.t;
    page(
        office,
        Section::Campaigns,
        &c.name,
        html! {
            nav.sub {
                a href=(format!("/office/campaigns/{}/questionnaire", c.id)) { (t.questionnaire) }
                a href=(format!("/office/campaigns/{}/sectors", c.id)) { (t.sectors) }
            }
            @if let Some((kind, text)) = message { (notice(kind, text)) }
            form method="post" action=(office.action(&format!("/office/campaigns/{}", c.id))) {
                label for="name" { (t.name) }
                input #name name="name" required value=(c.name);
                (kind_select(office, c.kind))
                div.row {
                    div { label for="starts" { (t.starts) } input #starts type="date" name="starts" required value=(iso_day(c.starts_at)); }
                    div { label for="ends" { (t.ends) } input #ends type="date" name="ends" required value=(iso_day(c.ends_at)); }
                }
                fieldset {
                    legend { (t.neighbourhoods) }
                    @if neighbourhoods.is_empty() { p.hint { (t.no_territory_yet) } }
                    @for n in neighbourhoods {
                        label.check { input type="checkbox" name="neighbourhood" value=(n.id) checked[c.neighbourhoods.contains(&n.id)]; (n.name) }
                    }
                }
                fieldset {
                    legend { (t.team) }
                    @if devices.is_empty() { p.hint { (t.no_device_yet) } }
                    @for d in devices {
                        label.check { input type="checkbox" name="team" value=(d.device_id) checked[c.team.contains(&AgentId(d.device_id.0))]; (d.name) }
                    }
                }
                label for="topics" { (t.topics) }
                p.hint { (t.one_per_line) }
                textarea #topics name="topics" rows="6" { (c.topics.join("\n")) }
                label for="services" { (t.services) }
                p.hint { (t.one_per_line) }
                textarea #services name="services" rows="6" { (c.services.join("\n")) }
                @if c.kind == CampaignKind::IdeaCollection { (super::ideas::collection_settings(office, c)) }
                button type="submit" { (t.save) }
            }
            section.card.archive {
                @if c.archived {
                    p { (t.archived_hint) }
                } @else {
                    p.hint { (t.archive_hint) }
                }
                form method="post" action=(office.action(&format!("/office/campaigns/{}/archive", c.id))) {
                    input type="hidden" name="archived" value=(if c.archived { "0" } else { "1" });
                    button.secondary type="submit" { @if c.archived { (t.unarchive) } @else { (t.archive) } }
                }
            }
        },
    )
}

/// `POST /office/campaigns/{id}/archive`: archives the campaign
/// (`archived=1`) or brings it back.
pub async fn archive(
    office: Office,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id: CampaignId = parse_id(&office, &id)?;
    let archived = Fields::parse(&body).get("archived") == "1";
    let lang = office.lang;
    office
        .with_store(move |store| {
            let campaign: Campaign =
                load(store, &schema::DocId::campaign(id)).map_err(|e| page_error(e, lang))?;
            if let Some(changed) = settings::archive(&campaign, archived) {
                store_record(store, &changed).map_err(|e| page_error(e, lang))?;
            }
            Ok(())
        })
        .await?;
    let to = if archived {
        "/office".to_string()
    } else {
        format!("/office/campaigns/{id}")
    };
    Ok(Redirect::to(&to).into_response())
}

/// `POST /office/campaigns/{id}`: saves the settings.
pub async fn save(
    office: Office,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Markup, PageError> {
    let id: CampaignId = parse_id(&office, &id)?;
    let saved = office.t.saved;
    settings(&office, id, Some(Fields::parse(&body)), Some(saved)).await
}

/// What the settings form states.
fn settings_from(fields: &Fields) -> Settings {
    Settings {
        name: fields.get("name"),
        kind: kind_from_tag(&fields.get("kind")),
        starts_at: parse_iso_day(&fields.get("starts")),
        ends_at: parse_iso_day(&fields.get("ends")),
        neighbourhoods: fields.parsed("neighbourhood"),
        team: fields.parsed("team"),
        topics: fields.lines("topics"),
        services: fields.lines("services"),
        categories: fields.lines("categories"),
        places: fields.lines("places"),
    }
}
