//! The results map: neighbourhoods and buildings coloured by coverage, from
//! our own data (no tile server), with the dashboard's filters.

use super::layout::{PageError, Section, page};
use super::map::{COVERAGE_BINS, Shaded, coverage_class, coverage_map};
use super::results::{self, Query, View, filter_form, pct, provenance, sub_menu};
use super::session::Reader;
use crate::consolidate::figures::{self, Coverage};
use crate::consolidate::places::Places;
use axum::extract::RawQuery;
use maud::{Markup, html};
use shared::domain::Point;
use std::collections::HashMap;

fn info(lang: super::Lang, name: &str, c: &Coverage) -> String {
    let r = lang.results();
    format!(
        "{name} — {}: {} / {} ({}) · {}: {} ({})",
        r.fig_doors_reached,
        c.reached,
        c.doors,
        pct(lang, c.coverage()),
        r.fig_doors_talked,
        c.talked,
        pct(lang, c.contact_rate()),
    )
}

/// `GET /office/dashboard/map`.
pub async fn show(Reader(office): Reader, RawQuery(raw): RawQuery) -> Result<Markup, PageError> {
    let found = results::read(&office, Query::parse(raw.as_deref()), |rm, _, filter, _| {
        let places = Places::load(rm)?;
        let areas: HashMap<String, Coverage> = figures::by_neighbourhood(rm, filter)?
            .into_iter()
            .map(|g| (g.id, g.coverage))
            .collect();
        let buildings = crate::consolidate::export::buildings(rm, filter)?;
        Ok((places, areas, buildings))
    })
    .await?;
    let r = office.lang.results();
    let Some((filter, choices, (places, areas, buildings))) = found else {
        return Ok(results::no_campaign(&office, Section::Results, r.map));
    };
    if choices.is_collection(&filter) {
        let body = super::collection::elsewhere(
            &office,
            View::Map,
            "/office/dashboard/map",
            &filter,
            &choices,
        );
        return Ok(page(&office, Section::Results, r.map, body));
    }
    let lang = office.lang;
    let shown: Vec<_> = places
        .neighbourhoods
        .iter()
        .filter(|n| filter.neighbourhood.is_none_or(|f| f == n.id))
        .collect();
    let areas: Vec<Shaded<'_, _>> = shown
        .iter()
        .map(|n| {
            let c = areas.get(&n.id.to_string()).cloned().unwrap_or_default();
            Shaded {
                item: *n,
                coverage: c.coverage(),
                info: info(lang, &n.name, &c),
            }
        })
        .collect();
    let points: Vec<((Point, String), Option<f64>, String)> = buildings
        .iter()
        .map(|b| {
            let name = format!("{} {}", b.key, b.address);
            (
                (
                    Point {
                        lon: b.lon,
                        lat: b.lat,
                    },
                    b.key.clone(),
                ),
                b.coverage.coverage(),
                info(lang, &name, &b.coverage),
            )
        })
        .collect();
    let dots: Vec<Shaded<'_, (Point, String)>> = points
        .iter()
        .map(|(item, coverage, info)| Shaded {
            item,
            coverage: *coverage,
            info: info.clone(),
        })
        .collect();
    let legend = [
        (None, r.no_doors.to_string()),
        (Some(0.0), "0 %".to_string()),
        (
            Some(COVERAGE_BINS[0]),
            format!("{}–{} %", COVERAGE_BINS[0], COVERAGE_BINS[1]),
        ),
        (
            Some(COVERAGE_BINS[1]),
            format!("{}–{} %", COVERAGE_BINS[1], COVERAGE_BINS[2]),
        ),
        (
            Some(COVERAGE_BINS[2]),
            format!("{}–{} %", COVERAGE_BINS[2], COVERAGE_BINS[3]),
        ),
        (Some(COVERAGE_BINS[3]), format!("≥ {} %", COVERAGE_BINS[3])),
    ];
    let body = html! {
        (sub_menu(&office, View::Map, &filter))
        (filter_form(r, "/office/dashboard/map", &filter, &choices))
        (provenance(r, &choices))
        p.hint { (r.map_hint) }
        div.legend aria-label=(r.coverage_legend) {
            strong { (r.coverage_legend) " :" }
            @for (value, text) in &legend {
                span { span class=(format!("swatch {}", coverage_class(*value))) {} (text) }
            }
        }
        p #map-info aria-live="polite" {}
        (coverage_map(&areas, &dots, r.map))
    };
    Ok(page(&office, Section::Results, r.map, body))
}
