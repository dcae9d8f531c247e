//! A building as a grid: entrances, floors from the top down, doors. Each
//! door shows its last outcome and pass; from the second pass on, doors
//! still unanswered stand out.

use crate::backend::{Request, Response};
use crate::field::DoorState;
use crate::i18n::{Text, follow_up_status, outcome};
use crate::platform::Backend;
use crate::ui::{Route, Ui};
use dioxus::prelude::*;
use shared::domain::{BuildingId, CampaignId, Outcome};

fn door_class(door: &DoorState, pass: u8) -> &'static str {
    match door.last {
        _ if door.settled => "door settled",
        Some((_, Outcome::NotHome | Outcome::ComeBack | Outcome::NoAccess, _)) if pass >= 2 => {
            "door again"
        }
        Some(_) => "door visited",
        None if pass >= 2 => "door again",
        None => "door",
    }
}

/// The grid screen.
#[component]
pub fn BuildingView(campaign: CampaignId, building: BuildingId) -> Element {
    let ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let grid = use_resource({
        let backend = backend.clone();
        move || {
            let backend = backend.clone();
            let _ = (ui.revision)();
            async move { backend.call(Request::Grid(campaign, building)).await }
        }
    });
    let read = grid.read();
    let grid = match &*read {
        Some(Response::Grid(grid)) => grid.clone(),
        Some(Response::Error(problem)) => {
            return rsx! { p { class: "error", role: "alert", {ui.t(Text::Problem(*problem))} } };
        }
        _ => return rsx! { p { {ui.t(Text::Loading)} } },
    };
    let lang = (ui.lang)();
    let pass = grid.pass.0;
    let (to_knock, next_pass) = grid.counts();
    rsx! {
        h1 { "{grid.address}" }
        p { class: "pass", "{super::sector::pass_line(&ui, grid.pass, to_knock, next_pass)}" }
        if let Some(landlord) = grid.landlord.as_ref() {
            p { class: "sub landlord", "{ui.t(Text::Landlord)}{landlord}" }
        }
        Undo { campaign, building }
        for entrance in grid.entrances.iter() {
            section { class: "entrance", key: "{entrance.label}",
                h2 { "{ui.t(Text::Entrance)} {entrance.label}"
                    if entrance.has_door_code { span { class: "sub inline-note", " · {ui.t(Text::DoorCode)}" } }
                }
                div { class: "grid-wrap", table { class: "grid",
                    tbody {
                        // A floor with no door (a top floor the file
                        // counted, none listed) is no row to knock on.
                        for floor in entrance.floors.iter().filter(|f| !f.doors.is_empty()) {
                            tr { key: "{floor.level}",
                                th { scope: "row",
                                    if floor.level == 0 { {ui.t(Text::GroundFloor)} } else { "{floor.level}" }
                                }
                                for door in floor.doors.iter() {
                                    td { key: "{door.door.door}",
                                        button {
                                            class: door_class(door, pass),
                                            onclick: {
                                                let d = door.door.clone();
                                                move |_| ui.go(Route::door(campaign, building, &d))
                                            },
                                            span { class: "label", "{door.door.door}" }
                                            if let Some((_, o, _)) = door.last {
                                                span { class: "state", "{outcome(lang, o)}" }
                                            }
                                            if door.draft {
                                                span { class: "draft", "✎ {ui.t(Text::DraftMark)}" }
                                            }
                                            for f in door.follow_ups.iter() {
                                                span { class: "follow-up-badge", "⚑ {follow_up_status(lang, f.status)}" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                } }
                FollowUpNewsList { lang, doors: entrance.floors.iter().flat_map(|f| f.doors.iter()).filter(|d| !d.follow_ups.is_empty()).cloned().collect::<Vec<_>>() }
            }
        }
    }
}

/// What became of the problems raised at this entrance's doors: the
/// office's status and note, for the agent to tell the resident.
#[component]
fn FollowUpNewsList(lang: crate::i18n::Lang, doors: Vec<DoorState>) -> Element {
    let ui = use_context::<Ui>();
    if doors.is_empty() {
        return rsx! {};
    }
    rsx! {
        div { class: "follow-up-news",
            h3 { {ui.t(Text::FollowUpNews)} }
            ul {
                for d in doors.iter() {
                    for (i, f) in d.follow_ups.iter().enumerate() {
                        li { key: "{d.door.floor}-{d.door.door}-{i}",
                            strong { "{ui.t(Text::Floor)} {d.door.floor} · {d.door.door}" }
                            " — {f.service} : "
                            span { class: "status", "{follow_up_status(lang, f.status)}" }
                            if !f.note.is_empty() { p { class: "note", "{f.note}" } }
                        }
                    }
                }
            }
        }
    }
}

/// "Saved: Not home · Entrance A · 3 · 12 — Undo" on the grid of the
/// building where that visit was recorded, and nowhere else, until the
/// next outcome or the next sync.
#[component]
fn Undo(campaign: CampaignId, building: BuildingId) -> Element {
    let mut ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let mut problem = use_signal(|| None::<crate::backend::Problem>);
    let Some(last) = (ui.last_saved)() else {
        return rsx! {};
    };
    if last.campaign != campaign || last.building != building {
        return rsx! {};
    }
    let lang = (ui.lang)();
    let what = format!(
        "{} · {}",
        outcome(lang, last.outcome),
        crate::ui::door_words(&ui, &last.door)
    );
    if last.undone {
        return rsx! { p { class: "toast", role: "status", "{ui.t(Text::Undone)} : {what}" } };
    }
    rsx! {
        div { class: "toast", role: "status",
            p { "✓ {ui.t(Text::Saved)} : {what}" }
            if last.undoable {
                button {
                    class: "undo",
                    onclick: move |_| {
                        let backend = backend.clone();
                        let last = last.clone();
                        spawn(async move {
                            match backend.call(Request::Undo(last.campaign, last.building, last.visit)).await {
                                Response::Done => {
                                    ui.last_saved.set(Some(crate::ui::LastSaved { undone: true, ..last }));
                                    ui.refresh(backend.clone());
                                }
                                Response::Error(p) => problem.set(Some(p)),
                                _ => {}
                            }
                        });
                    },
                    "{ui.t(Text::Undo)}"
                }
            }
            if let Some(p) = problem() {
                p { class: "error", role: "alert", {ui.t(Text::Problem(p))} }
            }
        }
    }
}
