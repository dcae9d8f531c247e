//! The outcome choice for one door. Every outcome but "talked" is saved at
//! once and the agent is back on the grid: "not home" is the door, then
//! this button — two taps. Below, the door's earlier visits; above, the
//! conversation begun here, if one waits. A visit's answers are listed
//! under it, so a second visit does not ask again what was answered.

use super::talk::label;
use crate::backend::{Request, Response};
use crate::field::Said;
use crate::i18n::{Text, outcome};
use crate::platform::Backend;
use crate::ui::{LastSaved, Route, Ui};
use dioxus::prelude::*;
use shared::domain::{BuildingId, CampaignId, DwellingRef, Outcome};

const OUTCOMES: [Outcome; 6] = [
    Outcome::NotHome,
    Outcome::Talked,
    Outcome::Refused,
    Outcome::NoAccess,
    Outcome::ComeBack,
    Outcome::Vacant,
];

/// What a door answered, in `lang`: the options' wordings, or the value.
fn said(said: &Said, lang: &str) -> String {
    match said {
        Said::Options(options) => options
            .iter()
            .map(|o| label(o, lang))
            .collect::<Vec<_>>()
            .join(", "),
        Said::Value(value) => value.clone(),
    }
}

/// The outcome screen.
#[component]
pub fn DoorView(campaign: CampaignId, building: BuildingId, door: DwellingRef) -> Element {
    let mut ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let mut error = use_signal(|| None::<String>);
    let lang = (ui.lang)();
    let about = use_resource({
        let backend = backend.clone();
        let door = door.clone();
        move || {
            let backend = backend.clone();
            let door = door.clone();
            async move { backend.call(Request::Door(campaign, building, door)).await }
        }
    });
    let (history, draft) = match &*about.read() {
        Some(Response::Door(history, draft)) => (history.clone(), *draft),
        _ => (Vec::new(), false),
    };
    rsx! {
        h1 { {crate::ui::door_words(&ui, &door)} }
        if draft {
            div { class: "notice", role: "status",
                p { {ui.t(Text::DraftWaiting)} }
                button {
                    class: "primary",
                    onclick: {
                        let door = door.clone();
                        move |_| ui.replace(Route::talk(campaign, building, &door))
                    },
                    {ui.t(Text::ResumeTalk)}
                }
            }
        }
        p { {ui.t(Text::OutcomeQuestion)} }
        div { class: "outcomes",
            for o in OUTCOMES {
                button {
                    key: "{o:?}",
                    class: "outcome o-{o:?}",
                    onclick: {
                        let backend = backend.clone();
                        let door = door.clone();
                        move |_| {
                            if o == Outcome::Talked {
                                ui.replace(Route::talk(campaign, building, &door));
                                return;
                            }
                            let backend = backend.clone();
                            let door = door.clone();
                            spawn(async move {
                                let door_saved = door.clone();
                                match backend.call(Request::Record(campaign, building, door, o)).await {
                                    Response::Recorded(visit) => {
                                        ui.last_saved.set(Some(LastSaved { campaign, building, door: door_saved, outcome: o, visit, undoable: true, undone: false }));
                                        ui.back();
                                        ui.refresh(backend.clone());
                                    }
                                    Response::Error(problem) => error.set(Some(ui.t(Text::Problem(problem)).to_string())),
                                    _ => {}
                                }
                            });
                        }
                    },
                    {outcome(lang, o)}
                }
            }
        }
        if let Some(message) = error() {
            p { class: "error", role: "alert", "{message}" }
        }
        if !history.is_empty() {
            h2 { {ui.t(Text::DoorHistory)} }
            ul { class: "history",
                for (i, v) in history.iter().enumerate() {
                    li { key: "{i}",
                        "{ui.t(Text::Pass)} {v.pass.0} · {outcome(lang, v.outcome)} · {super::sync::ago(&ui, v.at)} · "
                        {ui.t(if v.mine { Text::ByMe } else { Text::ByColleague })}
                        if v.words_erased {
                            p { class: "sub", {ui.t(Text::WordsErased)} }
                        }
                        if v.correctable {
                            " "
                            button {
                                class: "link correct",
                                onclick: {
                                    let id = v.id;
                                    move |_| ui.go(Route::Correct { campaign, building, visit: id })
                                },
                                {ui.t(Text::Correct)}
                            }
                        }
                        if !v.answers.is_empty() {
                            ul { class: "said",
                                for (j, a) in v.answers.iter().enumerate() {
                                    li { key: "{j}", dir: "auto",
                                        "{label(&a.question, lang.tag())} — {said(&a.said, lang.tag())}"
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
