//! The field app's screens, in Dioxus 0.7. Phone-first: one column, large
//! touch targets, readable in a dark stairwell. Every text comes from
//! `crate::i18n`; every piece of data from the local store through
//! [`crate::platform::Backend`], never from the server.

mod views;

use crate::backend::{Request, Response, Status};
use crate::i18n::{Lang, Text, t};
use crate::platform::Backend;
use dioxus::prelude::*;
use shared::domain::{BuildingId, CampaignId, DwellingRef, IdeaId, SectorId, VisitId};

const STYLE: &str = include_str!("../../web/style.css");

/// Where the agent is.
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    /// Enrolment, or the list of sectors.
    Home,
    /// A sector's walk list or map.
    Sector(SectorId, bool),
    /// A building's grid of doors.
    Building(CampaignId, BuildingId),
    /// The outcome choice for a door.
    Door(CampaignId, BuildingId, DwellingRef),
    /// The conversation form.
    Talk(CampaignId, BuildingId, DwellingRef),
    /// The sync screen.
    Sync,
    /// An idea collection's ideas.
    Ideas(CampaignId),
    /// The idea form: a new idea, or one to edit.
    IdeaForm(CampaignId, Option<IdeaId>),
}

/// The last saved outcome, offered for undo.
#[derive(Clone, Debug, PartialEq)]
pub struct LastSaved {
    /// Where.
    pub campaign: CampaignId,
    /// Which building.
    pub building: BuildingId,
    /// The visit.
    pub visit: VisitId,
    /// Whether it was taken back.
    pub undone: bool,
}

/// What every screen shares.
#[derive(Clone, Copy)]
pub struct Ui {
    /// The UI language.
    pub lang: Signal<Lang>,
    /// The screen stack; the last is shown.
    pub nav: Signal<Vec<Screen>>,
    /// The device's status.
    pub status: Signal<Status>,
    /// Bumped after each write, so lists reload.
    pub revision: Signal<u64>,
    /// The last saved outcome.
    pub last_saved: Signal<Option<LastSaved>>,
    /// The title of the last idea saved, for its confirmation.
    pub idea_saved: Signal<Option<String>>,
}

impl Ui {
    /// A text in the UI language.
    pub fn t(&self, text: Text) -> &'static str {
        t((self.lang)(), text)
    }

    /// Opens a screen.
    pub fn go(mut self, screen: Screen) {
        self.nav.write().push(screen);
    }

    /// Goes back one screen.
    pub fn back(mut self) {
        let mut nav = self.nav.write();
        if nav.len() > 1 {
            nav.pop();
        }
    }

    /// Reloads the status and whatever lists are shown. The status is read
    /// by a task of the app's own, not of the screen that saved: that
    /// screen is often closed at once, and its tasks with it (the header's
    /// unsynced count then never moved after a save).
    pub fn refresh(mut self, backend: Backend) {
        *self.revision.write() += 1;
        dioxus::core::spawn_forever(async move {
            if let Response::Status(status) = backend.call(Request::Status).await {
                self.status.set(status);
            }
        });
    }
}

/// The app.
#[component]
pub fn App() -> Element {
    let backend = use_context_provider(Backend::new);
    let ui = use_context_provider(|| Ui {
        lang: Signal::new(Lang::default()),
        nav: Signal::new(vec![Screen::Home]),
        status: Signal::new(Status::default()),
        revision: Signal::new(0),
        last_saved: Signal::new(None),
        idea_saved: Signal::new(None),
    });
    use_hook(move || ui.refresh(backend.clone()));
    let screen = ui.nav.read().last().cloned().unwrap_or(Screen::Home);
    let lang = (ui.lang)();
    rsx! {
        document::Title { "Palier" }
        document::Style { {STYLE} }
        div { class: "app", lang: lang.tag(),
            Header {}
            main { class: "screen",
                match screen {
                    Screen::Home => rsx! { views::home::Home {} },
                    Screen::Sector(id, map) => rsx! { views::sector::SectorView { id, map } },
                    Screen::Building(campaign, building) => rsx! { views::building::BuildingView { campaign, building } },
                    Screen::Door(campaign, building, door) => rsx! { views::door::DoorView { campaign, building, door } },
                    Screen::Talk(campaign, building, door) => rsx! { views::talk::TalkView { campaign, building, door } },
                    Screen::Sync => rsx! { views::sync::SyncView {} },
                    Screen::Ideas(campaign) => rsx! { views::ideas::IdeasView { campaign } },
                    Screen::IdeaForm(campaign, idea) => rsx! { views::ideas::IdeaFormView { campaign, idea } },
                }
            }
        }
    }
}

#[component]
fn Header() -> Element {
    let mut ui = use_context::<Ui>();
    let status = (ui.status)();
    let at_home = ui.nav.read().len() <= 1;
    let lang = (ui.lang)();
    rsx! {
        header { class: "bar",
            if at_home {
                span { class: "brand", "Palier" }
            } else {
                button { class: "back", onclick: move |_| ui.back(), "‹ {ui.t(Text::Back)}" }
            }
            span { class: "spacer" }
            button {
                class: "lang",
                onclick: move |_| ui.lang.set(if lang == Lang::Fr { Lang::En } else { Lang::Fr }),
                {ui.t(Text::LanguageSwitch)}
            }
            if status.municipality.is_some() {
                button {
                    class: if status.unsynced > 0 { "sync pending" } else { "sync" },
                    onclick: move |_| ui.go(Screen::Sync),
                    "⇅ {ui.t(Text::Sync)}"
                    if status.unsynced > 0 {
                        span { class: "badge", "{status.unsynced}" }
                    }
                }
            }
        }
    }
}
