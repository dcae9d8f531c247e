//! A sector: the walk list (buildings in walking order, doors left) and a
//! map drawn from the buildings' coordinates, with no tile server, so it
//! works offline.

use crate::backend::{Request, Response};
use crate::field::{BuildingSummary, SectorSummary};
use crate::i18n::Text;
use crate::platform::Backend;
use crate::ui::{Route, Ui};
use dioxus::prelude::*;
use shared::domain::{Pass, SectorId};

/// The sector screen; `map` picks the map tab.
#[component]
pub fn SectorView(id: SectorId, map: bool) -> Element {
    let ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let mut show_map = use_signal(|| map);
    let sectors = use_resource(move || {
        let backend = backend.clone();
        let _ = (ui.revision)();
        async move { backend.call(Request::Sectors).await }
    });
    let read = sectors.read();
    let Some(Response::Sectors(list)) = &*read else {
        return rsx! { p { {ui.t(Text::Loading)} } };
    };
    let Some(sector) = list.iter().find(|s| s.id == id).cloned() else {
        return rsx! { p { class: "error", {ui.t(Text::NoSectors)} } };
    };
    rsx! {
        h1 { "{sector.name}" }
        div { class: "tabs", role: "tablist",
            button { role: "tab", "aria-selected": "{!show_map()}", class: if !show_map() { "tab on" } else { "tab" },
                onclick: move |_| show_map.set(false), {ui.t(Text::WalkList)} }
            button { role: "tab", "aria-selected": "{show_map()}", class: if show_map() { "tab on" } else { "tab" },
                onclick: move |_| show_map.set(true), {ui.t(Text::Map)} }
        }
        if show_map() {
            Map { sector: sector.clone() }
        } else {
            WalkList { sector: sector.clone() }
        }
    }
}

/// A building's progress in words an agent reads at a glance: the pass
/// it is on, the doors still to knock in it, and those knocked without an
/// answer that wait for the next pass (on the last pass: unanswered).
pub fn pass_line(ui: &Ui, pass: Pass, to_knock: usize, next_pass: usize) -> String {
    let waiting = if pass.0 >= crate::field::LAST_PASS {
        ui.t(Text::Unanswered)
    } else {
        ui.t(Text::ForNextPass)
    };
    let line = format!(
        "{} {} · {} {}",
        ui.t(Text::Pass),
        pass.0,
        to_knock,
        ui.t(Text::ToKnock)
    );
    // "0 for the next pass" says nothing an agent needs.
    if next_pass == 0 {
        line
    } else {
        format!("{line} · {next_pass} {waiting}")
    }
}

fn progress_class(b: &BuildingSummary) -> &'static str {
    if b.dwellings > 0 && b.doors_left() == 0 {
        "done"
    } else if b.visited > 0 {
        "started"
    } else {
        "todo"
    }
}

#[component]
fn WalkList(sector: SectorSummary) -> Element {
    let ui = use_context::<Ui>();
    let campaign = sector.campaign;
    rsx! {
        ol { class: "list walk",
            for b in sector.buildings.iter() {
                li { key: "{b.id}",
                    button {
                        class: "row {progress_class(b)}",
                        onclick: {
                            let building = b.id;
                            move |_| ui.go(Route::Building { campaign, building })
                        },
                        span { class: "title", "{b.address}" }
                        span { class: "sub", "{pass_line(&ui, b.pass, b.to_knock, b.next_pass)}" }
                        progress { max: "{b.dwellings.max(1)}", value: "{b.dwellings - b.to_knock}", "aria-label": "{b.address}" }
                    }
                }
            }
        }
    }
}

#[component]
fn Map(sector: SectorSummary) -> Element {
    let ui = use_context::<Ui>();
    let campaign = sector.campaign;
    let points: Vec<(f64, f64)> = sector
        .buildings
        .iter()
        .map(|b| (b.location.lon, b.location.lat))
        .collect();
    let (min_lon, max_lon) = bounds(points.iter().map(|p| p.0));
    let (min_lat, max_lat) = bounds(points.iter().map(|p| p.1));
    // Equirectangular: metres per degree of longitude shrink with latitude.
    let scale_x = ((min_lat + max_lat) / 2.0).to_radians().cos();
    let width = ((max_lon - min_lon) * scale_x).max(1e-4);
    let height = (max_lat - min_lat).max(1e-4);
    let size = 300.0;
    let ratio = size / width.max(height);
    let place = move |lon: f64, lat: f64| {
        (
            20.0 + (lon - min_lon) * scale_x * ratio,
            20.0 + (max_lat - lat) * ratio,
        )
    };
    rsx! {
        svg {
            class: "map",
            view_box: "0 0 {size + 40.0} {size + 40.0}",
            role: "img",
            "aria-label": "{ui.t(Text::Map)}",
            for (n, b) in sector.buildings.iter().enumerate() {
                g { key: "{b.id}",
                    class: "building {progress_class(b)}",
                    onclick: {
                        let building = b.id;
                        move |_| ui.go(Route::Building { campaign, building })
                    },
                    {
                        let (x, y) = place(b.location.lon, b.location.lat);
                        rsx! {
                            circle { cx: "{x}", cy: "{y}", r: "14" }
                            text { x: "{x}", y: "{y + 5.0}", text_anchor: "middle", "{n + 1}" }
                            title { "{b.address} — {b.to_knock} {ui.t(Text::ToKnock)}" }
                        }
                    }
                }
            }
        }
        ol { class: "legend",
            for (n, b) in sector.buildings.iter().enumerate() {
                li { key: "{b.id}", "{n + 1}. {b.address} — {b.to_knock} {ui.t(Text::ToKnock)}" }
            }
        }
    }
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}
