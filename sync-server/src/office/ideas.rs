//! The ideas page: a collection's ideas by category and neighbourhood, on
//! a map, each with its status form and duplicate merge; and their files
//! (CSV, GeoJSON, Decidim). A thin shell over `crate::ideas`.

use super::exports::{CSV, GEOJSON, file};
use super::form::Fields;
use super::layout::{PageError, Section, date, notice, page};
use super::map::{Pin, pins_map};
use super::results::Query;
use super::session::Office;
use crate::consolidate::Snapshot;
use crate::consolidate::export::Separator;
use crate::consolidate::ideas::{self as read, IdeaRow, Selection};
use crate::consolidate::places::Places;
use crate::ideas::decide::{self, DecideError, Decision, MAX_REASON_CHARS};
use crate::ideas::export::{self, DecidimColumn, DecidimMapping};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shared::domain::{Campaign, CampaignId, IdeaId, IdeaStatus, Neighbourhood, Point};

/// A collection as the page's choice lists it.
struct Collection {
    id: String,
    name: String,
}

fn collections(rm: &Snapshot) -> rusqlite::Result<Vec<Collection>> {
    Ok(crate::consolidate::choices::campaigns(rm)?
        .into_iter()
        .filter(|c| c.ideas)
        .map(|c| Collection {
            id: c.id.to_string(),
            name: c.name,
        })
        .collect())
}

/// The collection asked for, or the newest.
fn chosen(collections: &[Collection], query: &Query) -> Option<String> {
    let asked = query.get("campaign");
    collections
        .iter()
        .find(|c| Some(c.id.as_str()) == asked)
        .or(collections.first())
        .map(|c| c.id.clone())
}

struct Found {
    collections: Vec<Collection>,
    campaign: String,
    rows: Vec<IdeaRow>,
    all: Vec<IdeaRow>,
    neighbourhoods: Vec<Neighbourhood>,
}

async fn find(office: &Office, query: Query) -> Result<Option<(Found, Query)>, PageError> {
    office
        .with_read_model(move |rm| {
            let collections = collections(rm)?;
            let Some(campaign) = chosen(&collections, &query) else {
                return Ok(None);
            };
            let selection = Selection {
                category: query.get("category").map(str::to_string),
                status: query.get("status").map(str::to_string),
                neighbourhood: query.get("neighbourhood").map(str::to_string),
            };
            // One read: the page lists the selection and offers every idea
            // to merge into.
            let places = Places::load(rm)?;
            let all = read::ideas(rm, &campaign, &places)?;
            let rows = all.iter().filter(|r| selection.keeps(r)).cloned().collect();
            let neighbourhoods = places.neighbourhoods;
            Ok(Some((
                Found {
                    collections,
                    campaign,
                    rows,
                    all,
                    neighbourhoods,
                },
                query,
            )))
        })
        .await
}

fn status_class(status: &str) -> String {
    format!("idea s-{status}")
}

/// `GET /office/ideas`.
pub async fn list(office: Office, RawQuery(raw): RawQuery) -> Result<Markup, PageError> {
    let t = office.lang.ideas();
    let Some((found, query)) = find(&office, Query::parse(raw.as_deref())).await? else {
        return Ok(page(
            &office,
            Section::Ideas,
            t.title,
            html! { p.notice { (t.no_campaign) } },
        ));
    };
    let Found {
        collections,
        campaign,
        rows,
        all,
        neighbourhoods,
    } = found;
    let by_category = read::counts(&rows, |r| r.category.clone());
    let by_neighbourhood = read::counts(&rows, |r| {
        r.neighbourhood
            .as_ref()
            .map(|n| n.1.clone())
            .unwrap_or_else(|| t.not_placed.to_string())
    });
    let categories = read::counts(&all, |r| r.category.clone());
    // Ideas at one place (a named place is one point) share one pin,
    // which says how many and lists them.
    let mut at_place: Vec<((f64, f64), Vec<&IdeaRow>)> = Vec::new();
    for r in &rows {
        let Some(point) = r.point else { continue };
        match at_place.iter_mut().find(|(p, _)| *p == point) {
            Some((_, list)) => list.push(r),
            None => at_place.push((point, vec![r])),
        }
    }
    let pins: Vec<Pin> = at_place
        .iter()
        .map(|((lon, lat), list)| Pin {
            at: Point {
                lon: *lon,
                lat: *lat,
            },
            class: if list.len() == 1 {
                status_class(&list[0].status)
            } else {
                "idea many".to_string()
            },
            count: list.len(),
            info: list
                .iter()
                .map(|r| format!("{} — {} · {}", r.title, r.category, t.status(&r.status)))
                .collect::<Vec<_>>()
                .join(" ; "),
        })
        .collect();
    let selected = |key: &str, value: &str| query.get(key) == Some(value);
    let error = query.get("error").map(|e| match e {
        "reason" => t.err_reason_needed,
        "itself" => t.err_itself,
        "campaign" => t.err_other_campaign,
        "chain" => t.err_kept_is_duplicate,
        "unknown" => t.err_unknown_idea,
        "ambiguous" => t.err_ambiguous_idea,
        _ => t.err_itself,
    });
    // A refusal is said on the card it is about, where the page scrolls
    // to, not at the top of a long page.
    let error_at = query.get("at").map(str::to_string);
    let base = format!("campaign={campaign}");
    let body = html! {
        @if query.get("changed").is_some() { (notice("ok", t.changed)) }
        @if query.get("merged").is_some() { (notice("ok", t.merged)) }
        @if let (Some(e), None) = (error, &error_at) { (notice("error", e)) }
        form.card.filters method="get" action="/office/ideas" {
            div.row {
                div {
                    label for="i-campaign" { (office.lang.results().campaign) }
                    select id="i-campaign" name="campaign" {
                        @for c in &collections { option value=(c.id) selected[c.id == campaign] { (c.name) } }
                    }
                }
                div {
                    label for="i-category" { (t.category) }
                    select id="i-category" name="category" {
                        option value="" { (t.all) }
                        @for (c, _) in &categories { option value=(c) selected[selected("category", c)] { (c) } }
                    }
                }
                div {
                    label for="i-status" { (t.status) }
                    select id="i-status" name="status" {
                        option value="" { (t.all) }
                        @for s in IdeaStatus::ALL { option value=(s.as_str()) selected[selected("status", s.as_str())] { (t.status(s.as_str())) } }
                    }
                }
                div {
                    label for="i-neighbourhood" { (t.neighbourhood) }
                    select id="i-neighbourhood" name="neighbourhood" {
                        option value="" { (t.all) }
                        @for n in &neighbourhoods { option value=(n.id.to_string()) selected[selected("neighbourhood", &n.id.to_string())] { (n.name) } }
                    }
                }
            }
            button type="submit" { (t.apply) }
        }
        div.row.ideas-summary {
            section.card {
                h2 { (t.by_category) }
                table { tbody { @for (c, n) in &by_category { tr { th scope="row" { (c) } td { (n) } } } } }
            }
            section.card {
                h2 { (t.by_neighbourhood) }
                table { tbody { @for (c, n) in &by_neighbourhood { tr { th scope="row" { (c) } td { (n) } } } } }
            }
        }
        section.card {
            h2 { (t.map) }
            p.hint { (t.map_hint) }
            (pins_map(&neighbourhoods, &pins, t.map))
            p #map-info aria-live="polite" {}
            ul.legend {
                @for s in IdeaStatus::ALL { li { span class=(format!("swatch {}", status_class(s.as_str()))) {} (t.status(s.as_str())) } }
            }
        }
        p.downloads {
            a href=(format!("/office/ideas/export.csv?{base}")) download { (t.export_csv) } " · "
            a href=(format!("/office/ideas/export.csv?{base}&sep=semicolon")) download { (t.export_csv_fr) } " · "
            a href=(format!("/office/ideas/export.csv?{base}&sep=semicolon&school=1")) download { (office.lang.privacy().ideas_with_school) } " · "
            a href=(format!("/office/ideas/export.geojson?{base}")) download { (t.export_geojson) }
        }
        @if rows.is_empty() { p { (t.none) } }
        datalist #idea-choices {
            @for other in all.iter() { option value=(choice_label(other)) { (other.category) } }
        }
        @for row in &rows {
            (idea_card(&office, row, &campaign, error.filter(|_| error_at.as_deref() == Some(row.id.as_str()))))
        }
        (decidim_form(&office, &campaign, &categories))
    };
    Ok(page(&office, Section::Ideas, t.title, body))
}

/// An idea as the merge field offers it: its title and the start of its
/// id, which tells apart two ideas of the same title.
fn choice_label(row: &IdeaRow) -> String {
    let short: String = row.id.chars().take(SHORT_ID).collect();
    format!("{} · n° {short}", row.title)
}

/// The characters of an id the merge field shows.
const SHORT_ID: usize = 8;

/// The longest text the merge field takes (the field says 300 too).
const MAX_TYPED_TITLE: usize = 300;

/// Which idea of the collection the merge field names: an id, an offered
/// label ("title · n° 1a2b3c4d"), or a title that only one idea has
/// (letter case and spaces aside).
fn named_idea(all: &[IdeaRow], typed: &str) -> Result<IdeaId, &'static str> {
    let typed = typed.trim();
    if let Ok(id) = typed.parse() {
        return Ok(IdeaId(id));
    }
    let normal = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let matches: Vec<&IdeaRow> = match typed.rsplit_once("· n° ") {
        Some((_, short)) if short.len() == SHORT_ID => {
            all.iter().filter(|r| r.id.starts_with(short)).collect()
        }
        _ => all
            .iter()
            .filter(|r| normal(&r.title) == normal(typed))
            .collect(),
    };
    match matches.as_slice() {
        [one] => one.id.parse().map(IdeaId).map_err(|_| "unknown"),
        [] => Err("unknown"),
        _ => Err("ambiguous"),
    }
}

fn idea_card(office: &Office, row: &IdeaRow, campaign: &str, error: Option<&str>) -> Markup {
    let t = office.lang.ideas();
    html! {
        section.card.idea id=(format!("idea-{}", row.id)) {
            h2 { (row.title) " · " span.status data-status=(row.status) { (t.status(&row.status)) } }
            @if let Some(e) = error { (notice("error", e)) }
            p.hint {
                (row.category)
                @if let Some(p) = &row.place_name { " · " (t.place) " : " (p) }
                @else if let Some(n) = &row.neighbourhood { " · " (n.1) }
                @if let Some(c) = &row.cost_band { " · " (t.cost) " : " (t.cost(c)) }
                " · " (t.collected) " " (date(row.collected_at))
            }
            @if !row.description.is_empty() { p { (row.description) } }
            @if !row.status_reason.is_empty() { p { em { (row.status_reason) } } }
            @if !row.duplicates.is_empty() {
                details open {
                    summary { (t.merged_ideas) " (" (row.duplicates.len()) ")" }
                    @for d in &row.duplicates {
                        div.merged {
                            p { strong { (d.title) } @if !d.description.is_empty() { " — " (d.description) } }
                            form method="post" action=(office.action(&format!("/office/ideas/{}/separate", d.id))) {
                                input type="hidden" name="campaign" value=(campaign);
                                button.link type="submit" { (t.separate) }
                            }
                        }
                    }
                }
            }
            details.decide open[error.is_some()] {
            summary { (t.change_status) " · " (t.merge_into) }
            form method="post" action=(office.action(&format!("/office/ideas/{}/status", row.id))) {
                input type="hidden" name="campaign" value=(campaign);
                div.row {
                    div {
                        label for=(format!("s-{}", row.id)) { (t.status) }
                        select id=(format!("s-{}", row.id)) name="status" {
                            @for s in IdeaStatus::ALL { option value=(s.as_str()) selected[s.as_str() == row.status] { (t.status(s.as_str())) } }
                        }
                    }
                    div {
                        label for=(format!("r-{}", row.id)) { (t.reason) }
                        input id=(format!("r-{}", row.id)) name="reason" maxlength=(MAX_REASON_CHARS) value=(row.status_reason);
                        p.hint { (t.reason_hint) }
                    }
                }
                button type="submit" { (t.change_status) }
            }
            form.merge method="post" action=(office.action(&format!("/office/ideas/{}/merge", row.id))) {
                input type="hidden" name="campaign" value=(campaign);
                label for=(format!("m-{}", row.id)) { (t.merge_into) }
                // One list of the collection's ideas for every card (a
                // select per card would grow with the square of the ideas).
                input id=(format!("m-{}", row.id)) name="into" list="idea-choices" required
                    autocomplete="off" maxlength="300" placeholder=(t.merge_hint);
                button type="submit" { (t.merge) }
            }
            }
        }
    }
}

fn decidim_form(office: &Office, campaign: &str, categories: &[(String, usize)]) -> Markup {
    let t = office.lang.ideas();
    html! {
        form.card.decidim method="get" action="/office/ideas/decidim.csv" {
            h2 { (t.decidim_title) }
            p.hint { (t.decidim_hint) }
            input type="hidden" name="campaign" value=(campaign);
            fieldset {
                legend { (t.decidim_column) }
                label.check { input type="radio" name="column" value="" checked; (t.decidim_in_body) }
                label.check { input type="radio" name="column" value="category" ; (t.decidim_category_id) }
                label.check { input type="radio" name="column" value="taxonomies"; (t.decidim_taxonomies) }
            }
            @for (i, (c, _)) in categories.iter().enumerate() {
                input type="hidden" name=(format!("cat{i}")) value=(c);
                label for=(format!("d-{i}")) { (t.decidim_id_for) " « " (c) " »" }
                input id=(format!("d-{i}")) name=(format!("id{i}")) inputmode="numeric" pattern="[0-9]*" maxlength="12";
            }
            button type="submit" { (t.download_decidim) }
        }
    }
}

fn idea_id(office: &Office, id: &str) -> Result<IdeaId, PageError> {
    id.parse()
        .map(IdeaId)
        .map_err(|_| PageError::NotFound(office.lang))
}

async fn decide(
    office: Office,
    id: IdeaId,
    decision: Decision,
    fields: &Fields,
    done: &'static str,
) -> Result<Response, PageError> {
    let lang = office.lang;
    // Where to come back to if it is refused: the page it was posted from.
    let back: Option<CampaignId> = fields.get("campaign").parse().ok().map(CampaignId);
    let outcome = office
        .with_store(move |store| match decide::apply(store, id, &decision) {
            Ok(campaign) => Ok(Ok(campaign)),
            Err(DecideError::NotFound) => Err(PageError::NotFound(lang)),
            Err(DecideError::Store(e)) => Err(e.into()),
            Err(DecideError::Schema(e)) => Err(e.into()),
            Err(refused) => Ok(Err(refused)),
        })
        .await?;
    let to = match outcome {
        Ok(campaign) => format!("/office/ideas?campaign={campaign}&{done}=1#idea-{id}"),
        Err(refused) => {
            let code = match refused {
                DecideError::ReasonNeeded => "reason",
                DecideError::OtherCampaign => "campaign",
                DecideError::KeptIsDuplicate => "chain",
                _ => "itself",
            };
            let campaign = back.map(|c| c.to_string()).unwrap_or_default();
            format!("/office/ideas?campaign={campaign}&error={code}&at={id}#idea-{id}")
        }
    };
    Ok(Redirect::to(&to).into_response())
}

/// `POST /office/ideas/{id}/status`.
pub async fn status(
    office: Office,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = idea_id(&office, &id)?;
    let fields = Fields::parse(&body);
    let status =
        IdeaStatus::parse(&fields.get("status")).ok_or(PageError::NotFound(office.lang))?;
    let decision = Decision::Status(status, fields.get("reason"));
    decide(office, id, decision, &fields, "changed").await
}

/// `POST /office/ideas/{id}/merge`: the idea duplicates `into`.
pub async fn merge(
    office: Office,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = idea_id(&office, &id)?;
    let fields = Fields::parse(&body);
    // Only an id goes back into the redirect; a title is bounded before
    // it is compared with every idea's.
    let campaign = fields
        .get("campaign")
        .parse::<CampaignId>()
        .map(|c| c.to_string())
        .unwrap_or_default();
    let typed = fields.get("into");
    let named = if typed.chars().count() > MAX_TYPED_TITLE {
        Err("unknown")
    } else {
        let query = Query::parse(Some(&format!("campaign={campaign}")));
        match find(&office, query).await? {
            Some((found, _)) if found.campaign == campaign => named_idea(&found.all, &typed),
            _ => Err("unknown"),
        }
    };
    match named {
        Ok(into) => decide(office, id, Decision::DuplicateOf(into), &fields, "merged").await,
        Err(code) => Ok(Redirect::to(&format!(
            "/office/ideas?campaign={campaign}&error={code}&at={id}#idea-{id}"
        ))
        .into_response()),
    }
}

/// `POST /office/ideas/{id}/separate`: it was not a duplicate.
pub async fn separate(
    office: Office,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = idea_id(&office, &id)?;
    let fields = Fields::parse(&body);
    decide(office, id, Decision::Separate, &fields, "changed").await
}

/// `GET /office/ideas/{file}`: `export.csv`, `export.geojson`,
/// `decidim.csv`.
pub async fn download(
    office: Office,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let lang = office.lang;
    let query = Query::parse(raw.as_deref());
    let query_school = query.get("school") == Some("1");
    let mapping = decidim_mapping(&query);
    let sep = if query.get("sep") == Some("semicolon") {
        Separator::Semicolon
    } else {
        Separator::Comma
    };
    // A file is of the collection it names, never the newest by default: a
    // query cut off (over 4 KiB) must not export another collection.
    let asked = query.get("campaign").map(str::to_string);
    let Some((found, _)) = find(&office, query).await? else {
        return Err(PageError::NotFound(lang));
    };
    if asked.as_deref() != Some(found.campaign.as_str()) {
        return Err(PageError::NotFound(lang));
    }
    let internal = |e: csv::Error| PageError::Internal(e.into());
    let (bytes, content_type) = match name.as_str() {
        "export.csv" => {
            let school = query_school;
            if school {
                office
                    .journal(crate::journal::Event::exported("ideas-with-school.csv", ""))
                    .await?;
            }
            (
                export::office_csv(&found.all, sep, school).map_err(internal)?,
                CSV,
            )
        }
        "export.geojson" => (
            serde_json::to_vec(&export::geojson(&found.all))
                .map_err(|e| PageError::Internal(e.into()))?,
            GEOJSON,
        ),
        "decidim.csv" => (
            export::decidim_csv(&found.all, &mapping).map_err(internal)?,
            CSV,
        ),
        _ => return Err(PageError::NotFound(lang)),
    };
    Ok(file(&format!("palier-ideas-{name}"), content_type, bytes))
}

/// The Decidim form's choices: `column`, and `cat<i>` / `id<i>` pairs.
fn decidim_mapping(query: &Query) -> DecidimMapping {
    let column = match query.get("column") {
        Some("category") => Some(DecidimColumn::CategoryId),
        Some("taxonomies") => Some(DecidimColumn::TaxonomyIds),
        _ => None,
    };
    let ids = (0..200)
        .filter_map(|i| {
            let category = query.get(&format!("cat{i}"))?;
            let id = query.get(&format!("id{i}"))?.trim().parse::<u64>().ok()?;
            Some((category.to_string(), id))
        })
        .collect();
    DecidimMapping { column, ids }
}

/// The campaign form's fields for an idea collection.
pub fn collection_settings(office: &Office, c: &Campaign) -> Markup {
    let t = office.lang.ideas();
    let places: Vec<String> = c
        .places
        .iter()
        .map(|p| format!("{} ; {} ; {}", p.name, p.point.lat, p.point.lon))
        .collect();
    html! {
        label for="categories" { (t.categories) }
        p.hint { (t.categories_hint) }
        textarea #categories name="categories" rows="6" { (c.categories.join("\n")) }
        label for="places" { (t.places) }
        p.hint { (t.places_hint) }
        textarea #places name="places" rows="6" { (places.join("\n")) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, title: &str) -> IdeaRow {
        IdeaRow {
            id: id.into(),
            title: title.into(),
            ..IdeaRow::default()
        }
    }

    #[test]
    fn the_duplicate_is_named_by_its_title_its_label_or_its_id() {
        let a = "0f8e3c2a9b6d4e1f8a7b6c5d4e3f2a1b";
        let b = "1a2b3c4d9b6d4e1f8a7b6c5d4e3f2a1b";
        let c = "2b3c4d5e9b6d4e1f8a7b6c5d4e3f2a1b";
        let all = [
            row(a, "Un terrain de basket"),
            row(b, "Des bancs"),
            row(c, "Des bancs"),
        ];
        let id = |s: &str| s.parse().map(IdeaId).expect("id");
        assert_eq!(named_idea(&all, "  un terrain  de BASKET "), Ok(id(a)));
        assert_eq!(named_idea(&all, &choice_label(&all[2])), Ok(id(c)));
        assert_eq!(named_idea(&all, a), Ok(id(a)));
        assert_eq!(named_idea(&all, "Des bancs"), Err("ambiguous"));
        assert_eq!(named_idea(&all, "Une piscine"), Err("unknown"));
        assert_eq!(named_idea(&all, "x · n° zzzzzzzz"), Err("unknown"));
    }
}
