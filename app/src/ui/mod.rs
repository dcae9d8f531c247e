//! The field app's screens, in Dioxus 0.7. Phone-first: one column, large
//! touch targets, readable in a dark stairwell. Every text comes from
//! `crate::i18n`; every piece of data from the local store through
//! [`crate::platform::Backend`], never from the server. Screens are routes
//! ([`routes::Route`]); the language chosen is kept on the device.

pub mod routes;
mod views;

pub use routes::Route;

use crate::backend::{Request, Response, Status};
use crate::i18n::{Lang, Text, t};
use crate::platform::Backend;
use dioxus::prelude::*;
use shared::domain::{BuildingId, CampaignId, DwellingRef, Outcome, VisitId};

const STYLE: &str = include_str!("../../web/style.css");

/// The last saved outcome: confirmed on its building's grid only, naming
/// the door and the outcome, and offered for undo while it cannot have
/// reached the server (`field::undo`).
#[derive(Clone, Debug, PartialEq)]
pub struct LastSaved {
    /// Where.
    pub campaign: CampaignId,
    /// Which building.
    pub building: BuildingId,
    /// The door.
    pub door: DwellingRef,
    /// What was recorded.
    pub outcome: Outcome,
    /// The visit.
    pub visit: VisitId,
    /// Whether "Undo" is offered: a two-tap outcome is; a conversation,
    /// with its follow-up and volunteer, is corrected instead.
    pub undoable: bool,
    /// Whether it was taken back.
    pub undone: bool,
}

/// A door in words, as on the grid: "Entrée A · RDC · 12".
pub fn door_words(ui: &Ui, door: &DwellingRef) -> String {
    let floor = if door.floor == 0 {
        ui.t(Text::GroundFloor).to_string()
    } else {
        format!("{} {}", ui.t(Text::Floor), door.floor)
    };
    format!(
        "{} {} · {floor} · {}",
        ui.t(Text::Entrance),
        door.entrance,
        door.door
    )
}

/// What every screen shares.
#[derive(Clone, Copy)]
pub struct Ui {
    /// The UI language.
    pub lang: Signal<Lang>,
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
    pub fn go(self, route: Route) {
        navigator().push(route);
    }

    /// Opens a screen in place of this one (back skips it).
    pub fn replace(self, route: Route) {
        navigator().replace(route);
    }

    /// Goes back one screen; home when the app was opened on this one.
    pub fn back(self) {
        let navigator = navigator();
        if navigator.can_go_back() {
            navigator.go_back();
        } else {
            navigator.replace(Route::Home {});
        }
    }

    /// Switches the UI language and keeps the choice on the device.
    pub fn set_lang(mut self, lang: Lang) {
        self.lang.set(lang);
        save_lang(lang);
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

/// The key the language choice is kept under.
#[cfg(target_arch = "wasm32")]
const LANG_KEY: &str = "palier.lang";

#[cfg(target_arch = "wasm32")]
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The language chosen on this device before, or French.
fn saved_lang() -> Lang {
    #[cfg(target_arch = "wasm32")]
    {
        let saved = local_storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten());
        if saved.as_deref() == Some(Lang::En.tag()) {
            return Lang::En;
        }
    }
    Lang::default()
}

/// Keeps the language chosen (on the web; the desktop build starts in
/// French).
fn save_lang(lang: Lang) {
    #[cfg(target_arch = "wasm32")]
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(LANG_KEY, lang.tag());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = lang;
}

/// The app.
#[component]
pub fn App() -> Element {
    let backend = use_context_provider(Backend::new);
    let ui = use_context_provider(|| Ui {
        lang: Signal::new(saved_lang()),
        status: Signal::new(Status::default()),
        revision: Signal::new(0),
        last_saved: Signal::new(None),
        idea_saved: Signal::new(None),
    });
    use_hook(move || ui.refresh(backend.clone()));
    rsx! {
        document::Title { "Palier" }
        document::Style { {STYLE} }
        Router::<Route> {}
    }
}

/// What every screen is drawn in: the header, then the screen.
#[component]
fn Frame() -> Element {
    let ui = use_context::<Ui>();
    let lang = (ui.lang)();
    rsx! {
        div { class: "app", lang: lang.tag(),
            Header {}
            main { class: "screen", Outlet::<Route> {} }
        }
    }
}

#[component]
fn Header() -> Element {
    let ui = use_context::<Ui>();
    let status = (ui.status)();
    let at_home = matches!(use_route::<Route>(), Route::Home {} | Route::Enrol { .. });
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
                onclick: move |_| ui.set_lang(if lang == Lang::Fr { Lang::En } else { Lang::Fr }),
                {ui.t(Text::LanguageSwitch)}
            }
            if status.municipality.is_some() {
                button {
                    class: if status.unsynced > 0 { "sync pending" } else { "sync" },
                    onclick: move |_| ui.go(Route::Sync {}),
                    "⇅ {ui.t(Text::Sync)}"
                    if status.unsynced > 0 {
                        span { class: "badge", "{status.unsynced}" }
                    }
                }
            }
        }
    }
}
