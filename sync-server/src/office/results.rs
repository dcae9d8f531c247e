//! What the results pages share: the filters read from the query string,
//! the choices offered (from the read model), the filter form, the
//! sub-menu, and formatting of figures.

use super::access::Part;
use super::i18n::ResultsTexts;
use super::layout::{PageError, Section, iso_day, page, parse_iso_day, parse_iso_day_end};
use super::session::Office;
use crate::consolidate::choices::{self, Freshness};
use crate::consolidate::{Filter, Snapshot};

pub use crate::consolidate::choices::CampaignChoice;
use maud::{Markup, html};
use shared::domain::CampaignId;

/// The raw filter values, as the query string carried them.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Reads a query string; anything over 4 KiB is ignored.
    pub fn parse(raw: Option<&str>) -> Self {
        let raw = raw.filter(|q| q.len() <= 4096).unwrap_or("");
        Self {
            pairs: form_urlencoded::parse(raw.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.chars().take(200).collect()))
                .collect(),
        }
    }

    /// The first value of a key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Every value of a key.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// What the filter form offers.
#[derive(Clone, Debug, Default)]
pub struct Choices {
    /// Campaigns, newest first.
    pub campaigns: Vec<CampaignChoice>,
    /// The chosen campaign's sectors: (id, name).
    pub sectors: Vec<(String, String)>,
    /// Neighbourhoods: (id, name).
    pub neighbourhoods: Vec<(String, String)>,
    /// The revision the read model matches.
    pub rev: i64,
    /// Documents the read model could not read.
    pub unreadable: i64,
}

/// The filter a query asks for, and the choices around it; `None` when
/// the municipality has no campaign yet.
pub fn resolve(rm: &Snapshot, query: &Query) -> rusqlite::Result<Option<(Filter, Choices)>> {
    let campaigns = choices::campaigns(rm)?;
    let asked: Option<CampaignId> = query.get("campaign").and_then(|c| c.parse().ok());
    let Some(campaign) = asked
        .filter(|c| campaigns.iter().any(|k| k.id == *c))
        // The default: the first with doors, the figures most pages show.
        .or_else(|| campaigns.iter().find(|c| !c.ideas).map(|c| c.id))
        .or_else(|| campaigns.first().map(|c| c.id))
    else {
        return Ok(None);
    };
    let sectors = choices::sectors(rm, campaign)?;
    let neighbourhoods = choices::neighbourhoods(rm)?;
    let sector = query
        .get("sector")
        .filter(|s| sectors.iter().any(|(id, _)| id == s))
        .and_then(|s| s.parse().ok());
    let neighbourhood = query
        .get("neighbourhood")
        .filter(|n| neighbourhoods.iter().any(|(id, _)| id == n))
        .and_then(|n| n.parse().ok());
    let from = query.get("from").and_then(parse_iso_day);
    // "Until" names a day included: the filter stops at the next midnight.
    let until = query.get("until").and_then(parse_iso_day_end);
    let Freshness { rev, unreadable } = choices::freshness(rm)?;
    Ok(Some((
        Filter {
            campaign,
            from,
            until,
            sector,
            neighbourhood,
        },
        Choices {
            campaigns,
            sectors,
            neighbourhoods,
            rev,
            unreadable,
        },
    )))
}

/// What a results page reads in one snapshot of the read model: the
/// filter `query` asks for, the choices around it, and what `read` makes
/// of them; `None` when the municipality has no campaign yet (then show
/// [`no_campaign`]).
pub async fn read<T: Send + 'static>(
    office: &Office,
    query: Query,
    read: impl FnOnce(&Snapshot, &Query, &Filter, &Choices) -> Result<T, PageError> + Send + 'static,
) -> Result<Option<(Filter, Choices, T)>, PageError> {
    office
        .with_read_model(move |rm| {
            let Some((filter, choices)) = resolve(rm, &query)? else {
                return Ok(None);
            };
            let found = read(rm, &query, &filter, &choices)?;
            Ok(Some((filter, choices, found)))
        })
        .await
}

/// A results page of a municipality with no campaign yet.
pub fn no_campaign(office: &Office, section: Section, title: &str) -> Markup {
    let r = office.lang.results();
    page(
        office,
        section,
        title,
        html! { p.notice { (r.no_campaign) } },
    )
}

/// The query string of a filter, to carry it from page to page.
pub fn query_string(filter: &Filter) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("campaign", &filter.campaign.to_string());
    if let Some(from) = filter.from {
        q.append_pair("from", &iso_day(from));
    }
    if let Some(until) = filter.until {
        q.append_pair("until", &iso_day(until - 1));
    }
    if let Some(s) = filter.sector {
        q.append_pair("sector", &s.to_string());
    }
    if let Some(n) = filter.neighbourhood {
        q.append_pair("neighbourhood", &n.to_string());
    }
    q.finish()
}

/// Which results page is shown, for the sub-menu.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The dashboard.
    Dashboard,
    /// The map.
    Map,
    /// The comparison.
    Compare,
    /// What residents answered.
    Answers,
    /// The exports.
    Exports,
}

/// The sub-menu of the results pages, carrying the filter.
pub fn sub_menu(office: &Office, view: View, filter: &Filter) -> Markup {
    let r = office.lang.results();
    let q = query_string(filter);
    let item = |v: View, path: &str, label: &str| {
        html! { a href=(format!("{path}?{q}")) aria-current=[(v == view).then_some("page")] { (label) } }
    };
    html! {
        nav.sub aria-label=(r.results) {
            (item(View::Dashboard, "/office/dashboard", r.dashboard))
            (item(View::Map, "/office/dashboard/map", r.map))
            (item(View::Answers, "/office/dashboard/answers", r.answers))
            (item(View::Compare, "/office/dashboard/compare", r.compare))
            @if office.sees(Part::Exports) {
                (item(View::Exports, "/office/exports", r.exports))
            }
        }
    }
}

/// A choice among (id, name) pairs, with "all" first.
fn select_all(
    r: &ResultsTexts,
    field: &str,
    label: &str,
    options: &[(String, String)],
    chosen: &str,
) -> Markup {
    let id = format!("f-{field}");
    html! {
        div {
            label for=(id) { (label) }
            select id=(id) name=(field) {
                option value="" { (r.all) }
                @for (value, name) in options {
                    option value=(value) selected[*value == chosen] { (name) }
                }
            }
        }
    }
}

/// The campaign choice of a filter form.
pub fn campaign_select(r: &ResultsTexts, filter: &Filter, choices: &Choices) -> Markup {
    html! {
        div {
            label for="f-campaign" { (r.campaign) }
            select id="f-campaign" name="campaign" {
                @for c in &choices.campaigns {
                    option value=(c.id.to_string()) selected[c.id == filter.campaign] {
                        (c.name) @if c.ideas { " (" (r.ideas_kind_suffix) ")" }
                    }
                }
            }
        }
    }
}

/// The neighbourhood choice of a filter form.
pub fn neighbourhood_select(r: &ResultsTexts, filter: &Filter, choices: &Choices) -> Markup {
    let chosen = filter
        .neighbourhood
        .map(|n| n.to_string())
        .unwrap_or_default();
    select_all(
        r,
        "neighbourhood",
        r.neighbourhood,
        &choices.neighbourhoods,
        &chosen,
    )
}

/// The filter form (GET, so a filtered view is a link to share).
pub fn filter_form(r: &ResultsTexts, action: &str, filter: &Filter, choices: &Choices) -> Markup {
    let sector = filter.sector.map(|s| s.to_string()).unwrap_or_default();
    // An idea collection's figures are the whole collection's: no filter
    // but the campaign, rather than filters that would change nothing.
    if choices.is_collection(filter) {
        return html! {
            form.card.filters method="get" action=(action) {
                div.row { (campaign_select(r, filter, choices)) }
                button type="submit" { (r.apply) }
            }
        };
    }
    html! {
        form.card.filters method="get" action=(action) {
            div.row {
                (campaign_select(r, filter, choices))
                (select_all(r, "sector", r.sector, &choices.sectors, &sector))
                (neighbourhood_select(r, filter, choices))
                div {
                    label for="f-from" { (r.period_from) }
                    input id="f-from" type="date" name="from" value=(filter.from.map(iso_day).unwrap_or_default());
                }
                div {
                    label for="f-until" { (r.period_until) }
                    input id="f-until" type="date" name="until" value=(filter.until.map(|u| iso_day(u - 1)).unwrap_or_default());
                }
            }
            button type="submit" { (r.apply) }
        }
    }
}

/// A percentage, French or English style, or a dash.
pub fn pct(lang: super::Lang, value: Option<f64>) -> String {
    match value {
        None => "—".into(),
        Some(v) => {
            let text = format!("{v:.0} %");
            match lang {
                super::Lang::Fr => text.replace(' ', "\u{202f}"),
                super::Lang::En => text.replace(' ', ""),
            }
        }
    }
}

/// What the page says about the freshness and completeness of its figures.
pub fn provenance(r: &ResultsTexts, choices: &Choices) -> Markup {
    html! {
        p.hint {
            (r.as_of.replace("{rev}", &choices.rev.to_string()))
            @if choices.unreadable > 0 {
                " " (r.unreadable.replace("{n}", &choices.unreadable.to_string()))
            }
        }
    }
}

impl Choices {
    /// Whether the chosen campaign is an idea collection.
    pub fn is_collection(&self, filter: &Filter) -> bool {
        self.campaigns
            .iter()
            .any(|c| c.id == filter.campaign && c.ideas)
    }
}
