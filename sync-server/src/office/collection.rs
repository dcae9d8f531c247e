//! An idea collection on the results pages and in the report: its own
//! figures (`ideas::figures`), with their definitions, and a few ideas the
//! office took forward. A thin shell; the figures come from the read model.

use super::access::Part;
use super::charts::{Bar, bars};
use super::layout::PageError;
use super::session::Office;
use crate::consolidate::Snapshot;
use crate::consolidate::ideas::{self as read, IdeaRow};
use crate::consolidate::places::Places;
use crate::ideas::figures::{self, CollectionFigures};
use maud::{Markup, html};
use shared::domain::CampaignId;

/// Ideas quoted in a report.
const QUOTED: usize = 5;

/// What the pages show of a collection.
pub struct Collection {
    /// Its figures.
    pub figures: CollectionFigures,
    /// The titles of the newest ideas the office took forward (eligible,
    /// put to vote, funded), redacted.
    pub reviewed: Vec<String>,
}

/// Reads a collection's ideas and makes its figures.
pub fn load(rm: &Snapshot, campaign: CampaignId) -> Result<Collection, PageError> {
    let places = Places::load(rm)?;
    let rows: Vec<IdeaRow> = read::ideas(rm, &campaign.to_string(), &places)?;
    let forward = crate::ideas::export::TO_DECIDIM;
    Ok(Collection {
        figures: figures::of(&rows),
        reviewed: rows
            .iter()
            .filter(|r| forward.contains(&r.status.as_str()))
            .take(QUOTED)
            .map(|r| crate::consolidate::redact::quote(&r.title))
            .collect(),
    })
}

/// The figures, as charts with their definitions.
pub fn section(office: &Office, campaign: CampaignId, c: &Collection) -> Markup {
    let t = office.lang.ideas();
    let f = &c.figures;
    let chart = |title: &str, definition: &str, rows: Vec<(String, usize)>| {
        let max = rows.iter().map(|r| r.1).max().unwrap_or(0) as f64;
        let list: Vec<Bar> = rows
            .into_iter()
            .map(|(label, n)| Bar {
                label,
                value: n as f64,
                text: n.to_string(),
            })
            .collect();
        html! {
            section {
                h3 { (title) }
                p.hint { (definition) }
                @if list.is_empty() { p.hint { "—" } } @else { (bars(title, &list, max)) }
            }
        }
    };
    html! {
        dl.kpis {
            div { dt { (t.fig_collected) } dd data-figure="ideas-collected" { (f.collected) } }
            div { dt { (t.fig_distinct) } dd data-figure="ideas-distinct" { (f.distinct) } }
        }
        dl.definitions {
            dt { (t.fig_collected) } dd { (t.fig_collected_def) }
            dt { (t.fig_distinct) } dd { (t.fig_distinct_def) }
        }
        div.two {
            (chart(t.by_category, t.fig_by_category_def, f.by_category.clone()))
            (chart(t.by_place, t.fig_by_place_def, f.by_place.iter().map(|(p, n)| (p.clone().unwrap_or_else(|| t.not_placed.to_string()), *n)).collect()))
        }
        div.two {
            (chart(t.by_status, t.fig_by_status_def, f.by_status.iter().map(|(s, n)| (t.status(s).to_string(), *n)).collect()))
            (chart(t.by_age_band, t.fig_by_age_def, f.by_age_band.iter().map(|(a, n)| (t.age(a.as_deref()).to_string(), *n)).collect()))
        }
        @if !c.reviewed.is_empty() {
            section {
                h3 { (t.reviewed_ideas) }
                ul { @for title in &c.reviewed { li { (title) } } }
            }
        }
        @if office.sees(Part::Ideas) {
            p.no-print { a.button href=(format!("/office/ideas?campaign={campaign}")) { (t.see_ideas) } }
        }
    }
}

/// What a page of door figures (map, exports: `view` at `path`) shows
/// for an idea collection: its filters, and where its figures and files
/// are.
pub fn elsewhere(
    office: &Office,
    view: super::results::View,
    path: &str,
    filter: &crate::consolidate::Filter,
    choices: &super::results::Choices,
) -> Markup {
    let t = office.lang.ideas();
    let campaign = filter.campaign;
    html! {
        (super::results::sub_menu(office, view, filter))
        (super::results::filter_form(office.lang.results(), path, filter, choices))
        p.notice.info { (t.collection_report_hint) }
        p {
            a href=(format!("/office/dashboard?campaign={campaign}")) { (office.lang.results().dashboard) }
            @if office.sees(Part::Ideas) {
                " · " a href=(format!("/office/ideas?campaign={campaign}")) { (t.see_ideas) }
            }
        }
    }
}
