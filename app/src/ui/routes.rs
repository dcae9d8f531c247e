//! The field app's screens as routes (Dioxus router, hash history on the
//! web): the phone's back button goes back one screen, a reload stays on
//! the screen it was on, and the enrolment link the office prints as a QR
//! code is a route (`#/enrol/<code>`). Each route is a thin component
//! handing its parameters to its view.

use super::views;
use dioxus::prelude::*;
use shared::domain::{BuildingId, CampaignId, DwellingRef, IdeaId, SectorId, VisitId};

/// Every screen.
#[derive(Routable, Clone, PartialEq, Debug)]
#[rustfmt::skip]
// The fields are the routes' parameters, named as in the paths above them.
#[allow(missing_docs)]
pub enum Route {
    #[layout(super::Frame)]
        /// Enrolment, or the sectors and idea collections.
        #[route("/")]
        Home {},
        /// Enrolment with the code from the office's link.
        #[route("/enrol/:code")]
        Enrol { code: String },
        /// A sector's walk list and map.
        #[route("/sector/:id")]
        Sector { id: SectorId },
        /// A building's grid of doors.
        #[route("/building/:campaign/:building")]
        Building { campaign: CampaignId, building: BuildingId },
        /// The outcome choice for a door.
        #[route("/door/:campaign/:building/:entrance/:floor/:door")]
        Door { campaign: CampaignId, building: BuildingId, entrance: String, floor: i32, door: String },
        /// The conversation form.
        #[route("/talk/:campaign/:building/:entrance/:floor/:door")]
        Talk { campaign: CampaignId, building: BuildingId, entrance: String, floor: i32, door: String },
        /// Correcting a conversation this phone's agent recorded.
        #[route("/correct/:campaign/:building/:visit")]
        Correct { campaign: CampaignId, building: BuildingId, visit: VisitId },
        /// The sync screen.
        #[route("/sync")]
        Sync {},
        /// An idea collection's ideas.
        #[route("/ideas/:campaign")]
        Ideas { campaign: CampaignId },
        /// A new idea.
        #[route("/ideas/:campaign/new")]
        NewIdea { campaign: CampaignId },
        /// An idea to edit.
        #[route("/ideas/:campaign/edit/:idea")]
        EditIdea { campaign: CampaignId, idea: IdeaId },
    #[end_layout]
    /// Anything else: home.
    #[route("/:..segments")]
    Elsewhere { segments: Vec<String> },
}

impl Route {
    /// The outcome choice for `door`.
    pub fn door(campaign: CampaignId, building: BuildingId, door: &DwellingRef) -> Self {
        Route::Door {
            campaign,
            building,
            entrance: crate::paths::route_label(&door.entrance),
            floor: door.floor,
            door: crate::paths::route_label(&door.door),
        }
    }

    /// The conversation form for `door`.
    pub fn talk(campaign: CampaignId, building: BuildingId, door: &DwellingRef) -> Self {
        Route::Talk {
            campaign,
            building,
            entrance: crate::paths::route_label(&door.entrance),
            floor: door.floor,
            door: crate::paths::route_label(&door.door),
        }
    }
}

/// The door a route names (the router decoded its labels).
fn dwelling(entrance: String, floor: i32, door: String) -> DwellingRef {
    DwellingRef {
        entrance,
        floor,
        door,
    }
}

#[component]
fn Home() -> Element {
    rsx! { views::home::Home { code: None } }
}

#[component]
fn Enrol(code: String) -> Element {
    rsx! { views::home::Home { code: Some(code) } }
}

#[component]
fn Sector(id: SectorId) -> Element {
    rsx! { views::sector::SectorView { id, map: false } }
}

#[component]
fn Building(campaign: CampaignId, building: BuildingId) -> Element {
    rsx! { views::building::BuildingView { campaign, building } }
}

#[component]
fn Door(
    campaign: CampaignId,
    building: BuildingId,
    entrance: String,
    floor: i32,
    door: String,
) -> Element {
    let door = dwelling(entrance, floor, door);
    rsx! { views::door::DoorView { campaign, building, door } }
}

#[component]
fn Talk(
    campaign: CampaignId,
    building: BuildingId,
    entrance: String,
    floor: i32,
    door: String,
) -> Element {
    let door = dwelling(entrance, floor, door);
    rsx! { views::talk::TalkView { campaign, building, door } }
}

#[component]
fn Correct(campaign: CampaignId, building: BuildingId, visit: VisitId) -> Element {
    rsx! { views::talk::CorrectView { campaign, building, visit } }
}

#[component]
fn Sync() -> Element {
    rsx! { views::sync::SyncView {} }
}

#[component]
fn Ideas(campaign: CampaignId) -> Element {
    rsx! { views::ideas::IdeasView { campaign } }
}

#[component]
fn NewIdea(campaign: CampaignId) -> Element {
    rsx! { views::ideas::IdeaFormView { campaign, idea: None } }
}

#[component]
fn EditIdea(campaign: CampaignId, idea: IdeaId) -> Element {
    rsx! { views::ideas::IdeaFormView { campaign, idea: Some(idea) } }
}

/// An unknown address: home. (Enrolment links printed before the routes,
/// `#enrol=<code>`, are rewritten before the router starts:
/// `platform::web`.)
#[component]
fn Elsewhere(segments: Vec<String>) -> Element {
    let _ = segments;
    use_effect(|| {
        navigator().replace(Route::Home {});
    });
    rsx! {}
}
