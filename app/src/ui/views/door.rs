//! The outcome choice for one door. Every outcome but "talked" is saved at
//! once and the agent is back on the grid: "not home" is the door, then
//! this button — two taps.

use crate::backend::{Request, Response};
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

/// The outcome screen.
#[component]
pub fn DoorView(campaign: CampaignId, building: BuildingId, door: DwellingRef) -> Element {
    let mut ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let mut error = use_signal(|| None::<String>);
    let lang = (ui.lang)();
    rsx! {
        h1 { {crate::ui::door_words(&ui, &door)} }
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
    }
}
