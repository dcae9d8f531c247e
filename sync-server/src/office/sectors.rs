//! Sectors: the buildings one team covers, chosen on the map (click or
//! lasso), by neighbourhood or from the list; the agents assigned; each
//! sector's progress from the visits devices have synced.

use super::campaigns::active_devices;
use super::form::Fields;
use super::layout::{PageError, Section, notice, page};
use super::layout::{page_error, parse_id};
use super::map::{Mark, map};
use super::session::Office;
use crate::campaigns::sectors::{self, Progress, SectorError, SectorInput};
use crate::campaigns::{load, store_record};
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shared::api::DeviceInfo;
use shared::domain::{
    AgentId, Building, BuildingId, Campaign, CampaignId, Neighbourhood, Sector, SectorId,
};
use shared::schema::{DocId, DocKind};
use shared::sync::Records;
use std::collections::{HashMap, HashSet};

struct Data {
    campaign: Campaign,
    sectors: Vec<(Sector, Progress)>,
    neighbourhoods: Vec<Neighbourhood>,
    buildings: Vec<Building>,
}

async fn data(office: &Office, id: CampaignId) -> Result<Data, PageError> {
    let lang = office.lang;
    office
        .with_store(move |store| {
            let campaign: Campaign =
                load(store, &DocId::campaign(id)).map_err(|e| page_error(e, lang))?;
            let mut neighbourhoods: Vec<Neighbourhood> =
                store.readable_records(DocKind::Neighbourhood)?;
            neighbourhoods.sort_by(|a, b| a.name.cmp(&b.name));
            let all: Vec<Building> = store.readable_records(DocKind::Building)?;
            let by_id: HashMap<BuildingId, Building> =
                all.iter().map(|b| (b.id, b.clone())).collect();
            let mut sectors = Vec::new();
            for s in store.readable_records::<Sector>(DocKind::Sector)? {
                if s.campaign == id {
                    let p = sectors::progress(store, id, &s, &by_id)?;
                    sectors.push((s, p));
                }
            }
            sectors.sort_by(|a, b| a.0.name.cmp(&b.0.name));
            // The campaign's neighbourhoods, when it names some: a town's
            // 8,000 buildings are not all one campaign's.
            let mut buildings: Vec<Building> = all
                .into_iter()
                .filter(|b| {
                    campaign.neighbourhoods.is_empty()
                        || b.neighbourhood
                            .is_some_and(|n| campaign.neighbourhoods.contains(&n))
                })
                .collect();
            buildings.sort_by(|a, b| a.address.cmp(&b.address));
            Ok(Data {
                campaign,
                sectors,
                neighbourhoods,
                buildings,
            })
        })
        .await
}

fn sector_form(
    office: &Office,
    data: &Data,
    sector: Option<&Sector>,
    devices: &[DeviceInfo],
    action: &str,
) -> Markup {
    let t = office.t;
    let selected: HashSet<BuildingId> = sector
        .map(|s| s.buildings.iter().copied().collect())
        .unwrap_or_default();
    let taken: HashSet<BuildingId> = data
        .sectors
        .iter()
        .filter(|(s, _)| Some(s.id) != sector.map(|x| x.id))
        .flat_map(|(s, _)| s.buildings.iter().copied())
        .collect();
    let mark = |b: &Building| {
        if selected.contains(&b.id) {
            Mark::Selected
        } else if taken.contains(&b.id) {
            Mark::Taken
        } else {
            Mark::Free
        }
    };
    let shown: Vec<(&Building, Mark)> = data.buildings.iter().map(|b| (b, mark(b))).collect();
    let wanted: HashSet<_> = data
        .buildings
        .iter()
        .filter_map(|b| b.neighbourhood)
        .collect();
    let neighbourhoods: Vec<&Neighbourhood> = data
        .neighbourhoods
        .iter()
        .filter(|n| wanted.contains(&n.id))
        .collect();
    let mut groups: Vec<(Option<&Neighbourhood>, Vec<&Building>)> = neighbourhoods
        .iter()
        .map(|n| {
            (
                Some(*n),
                data.buildings
                    .iter()
                    .filter(|b| b.neighbourhood == Some(n.id))
                    .collect(),
            )
        })
        .collect();
    let orphans: Vec<&Building> = data
        .buildings
        .iter()
        .filter(|b| b.neighbourhood.is_none_or(|n| !wanted.contains(&n)))
        .collect();
    if !orphans.is_empty() {
        groups.push((None, orphans));
    }
    html! {
        form.sector method="post" action=(office.action(action)) {
            label for="sector-name" { (t.sector_name) }
            input #sector-name name="name" required value=(sector.map(|s| s.name.as_str()).unwrap_or(""));
            p.hint { (t.map_hint) }
            div.map-tools {
                button.secondary type="button" data-tool="lasso" aria-pressed="false" { (t.lasso) }
                button.secondary type="button" data-tool="clear" { (t.clear_selection) }
                span.legend {
                    span.dot.selected {} (t.in_this_sector)
                    span.dot.taken {} (t.in_another_sector)
                    span.dot {} (t.free)
                }
                output #selected-count { (selected.len()) } " " (t.buildings_selected)
            }
            (map(&neighbourhoods, &shown, t.map_label))
            details.building-list open[data.buildings.len() <= 60] {
                summary { (t.building_list) " (" (data.buildings.len()) ")" }
                @for (n, buildings) in &groups {
                    fieldset.group {
                        legend {
                            (n.map_or(t.no_neighbourhood, |n| n.name.as_str()))
                            " "
                            button.secondary.small type="button" data-select-group { (t.whole_neighbourhood) }
                        }
                        @for b in buildings {
                            label.check {
                                input type="checkbox" name="building" value=(b.id) checked[selected.contains(&b.id)];
                                (b.address) " · " (b.dwelling_count()) " " (t.dwellings)
                                @if taken.contains(&b.id) { " · " em { (t.in_another_sector) } }
                            }
                        }
                    }
                }
            }
            fieldset {
                legend { (t.assigned_agents) }
                @if devices.is_empty() { p.hint { (t.no_device_yet) } }
                @for d in devices {
                    label.check {
                        input type="checkbox" name="agent" value=(d.device_id)
                            checked[sector.is_some_and(|s| s.agents.contains(&AgentId(d.device_id.0)))];
                        (d.name)
                    }
                }
            }
            button type="submit" { (t.save_sector) }
        }
    }
}

fn render(
    office: &Office,
    data: &Data,
    devices: &[DeviceInfo],
    editing: Option<&Sector>,
    message: Option<(&str, &str)>,
) -> Markup {
    let t = office.t;
    let c = &data.campaign;
    let base = format!("/office/campaigns/{}/sectors", c.id);
    let names: HashMap<_, _> = devices
        .iter()
        .map(|d| (AgentId(d.device_id.0), d.name.as_str()))
        .collect();
    page(
        office,
        Section::Campaigns,
        &format!("{} · {}", t.sectors, c.name),
        html! {
            nav.sub {
                a href=(format!("/office/campaigns/{}", c.id)) { (t.settings) }
                a href=(format!("/office/campaigns/{}/questionnaire", c.id)) { (t.questionnaire) }
            }
            @if let Some((kind, text)) = message { (notice(kind, text)) }
            @if data.sectors.is_empty() {
                p { (t.no_sector_yet) }
            } @else {
                table {
                    thead { tr { th { (t.sector_name) } th { (t.buildings) } th { (t.assigned_agents) } th { (t.progress) } } }
                    tbody {
                        @for (s, p) in &data.sectors {
                            tr {
                                td { a href=(format!("{base}/{}", s.id)) { (s.name) } }
                                td { (s.buildings.len()) }
                                td { (s.agents.iter().map(|a| names.get(a).copied().unwrap_or("?")).collect::<Vec<_>>().join(", ")) }
                                td {
                                    @let percent = (p.knocked * 100).checked_div(p.doors).unwrap_or(0);
                                    meter min="0" max=(p.doors.max(1)) value=(p.knocked) {}
                                    " " (p.knocked) " / " (p.doors) " " (t.doors_knocked) " (" (percent) " %)"
                                }
                            }
                        }
                    }
                }
            }
            section.card {
                @match editing {
                    Some(s) => {
                        h2 { (t.edit_sector) " · " (s.name) }
                        (sector_form(office, data, Some(s), devices, &format!("{base}/{}", s.id)))
                    }
                    None => {
                        h2 { (t.new_sector) }
                        @if data.buildings.is_empty() { (notice("info", t.no_territory_yet)) }
                        (sector_form(office, data, None, devices, &base))
                    }
                }
            }
        },
    )
}

/// `GET …/sectors`.
pub async fn show(office: Office, Path(id): Path<String>) -> Result<Markup, PageError> {
    let data = data(&office, parse_id(&office, &id)?).await?;
    let devices = active_devices(&office).await?;
    Ok(render(&office, &data, &devices, None, None))
}

/// `GET …/sectors/{sector}`.
pub async fn edit(
    office: Office,
    Path((id, sector)): Path<(String, String)>,
) -> Result<Markup, PageError> {
    let data = data(&office, parse_id(&office, &id)?).await?;
    let sector_id: SectorId = parse_id(&office, &sector)?;
    let sector = data
        .sectors
        .iter()
        .find(|(s, _)| s.id == sector_id)
        .map(|(s, _)| s.clone())
        .ok_or(PageError::NotFound(office.lang))?;
    let devices = active_devices(&office).await?;
    Ok(render(&office, &data, &devices, Some(&sector), None))
}

async fn write(
    office: Office,
    id: String,
    sector: Option<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let campaign: CampaignId = parse_id(&office, &id)?;
    let sector_id: Option<SectorId> = sector.map(|s| parse_id(&office, &s)).transpose()?;
    let fields = Fields::parse(&body);
    let input = SectorInput {
        name: fields.get("name"),
        buildings: fields.parsed("building"),
        agents: fields.parsed("agent"),
    };
    let before = data(&office, campaign).await?;
    let known: HashSet<BuildingId> = before.buildings.iter().map(|b| b.id).collect();
    let devices = active_devices(&office).await?;
    let checked = match sectors::check(input, &known) {
        Ok(checked) => checked,
        Err(error) => {
            let text = match error {
                SectorError::NoName => office.t.error_sector_name,
                _ => office.t.error_no_building,
            };
            let editing = sector_id.and_then(|s| {
                before
                    .sectors
                    .iter()
                    .find(|(x, _)| x.id == s)
                    .map(|(x, _)| x.clone())
            });
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(
                    &office,
                    &before,
                    &devices,
                    editing.as_ref(),
                    Some(("error", text)),
                ),
            )
                .into_response());
        }
    };
    let lang = office.lang;
    let removed = office
        .with_store(move |store| {
            let existing = match sector_id {
                Some(sid) => Some(
                    load::<Sector>(store, &DocId::sector(sid)).map_err(|e| page_error(e, lang))?,
                ),
                None => None,
            };
            let planned = sectors::plan(campaign, existing, checked)
                .map_err(|_| PageError::NotFound(lang))?;
            store_record(store, &planned.sector).map_err(|e| page_error(e, lang))?;
            Ok(planned.removed)
        })
        .await?;
    // A phone taken off its last sector may have the whole town again: it
    // is offered the town, as when it was given it (`control`).
    if !removed.is_empty() {
        let control = office.state().control.clone();
        let municipality = office.account.municipality;
        tokio::task::spawn_blocking(move || {
            control.offer_whole_town_again(
                municipality,
                &removed
                    .iter()
                    .map(|a| shared::domain::DeviceId(a.0))
                    .collect::<Vec<_>>(),
            )
        })
        .await
        .map_err(|e| PageError::Internal(e.into()))??;
    }
    Ok(Redirect::to(&format!("/office/campaigns/{campaign}/sectors")).into_response())
}

/// `POST …/sectors`: a new sector.
pub async fn create(
    office: Office,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    write(office, id, None, body).await
}

/// `POST …/sectors/{sector}`: saves a sector.
pub async fn save(
    office: Office,
    Path((id, sector)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    write(office, id, Some(sector), body).await
}
