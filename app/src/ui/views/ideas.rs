//! Idea collection, for youth ambassadors: the collections on the phone,
//! a collection's ideas (today's first, with the office's status), and the
//! fast form. Everything works offline; the phone may be shared, so the
//! form asks for no name, ever.

use crate::backend::{Request, Response};
use crate::i18n::Text;
use crate::ideas::{FormChoices, IdeaDraft, IdeaSummary, MAP_WIDTH, MapFit};
use crate::platform::Backend;
use crate::ui::{Route, Ui};
use dioxus::prelude::*;
use shared::domain::{AgeBand, CampaignId, CostBand, Idea, IdeaId, NeighbourhoodId, Point};

/// The idea collections on the phone, on the home screen; `alone` when
/// they are all the phone shows (it then says when there are none).
#[component]
pub fn Collections(alone: bool) -> Element {
    let ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let collections = use_resource(move || {
        let backend = backend.clone();
        let _ = (ui.revision)();
        async move { backend.call(Request::Collections).await }
    });
    let read = collections.read();
    let Some(Response::Collections(list)) = &*read else {
        return rsx! {};
    };
    if list.is_empty() {
        return if alone {
            rsx! { p { class: "empty", {ui.t(Text::NoCollections)} } }
        } else {
            rsx! {}
        };
    }
    rsx! {
        h2 { {ui.t(Text::IdeaCollections)} }
        ul { class: "list collections",
            for c in list.iter() {
                li { key: "{c.id}",
                    button {
                        class: "row",
                        onclick: {
                            let id = c.id;
                            move |_| ui.go(Route::Ideas { campaign: id })
                        },
                        span { class: "title", "{c.name}" }
                        span { class: "sub", "{c.ideas} {ui.t(Text::IdeasCount)}" }
                    }
                }
            }
        }
    }
}

/// A collection's ideas: today's, then earlier ones.
#[component]
pub fn IdeasView(campaign: CampaignId) -> Element {
    let ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let loaded = use_resource(move || {
        let backend = backend.clone();
        let _ = (ui.revision)();
        async move {
            (
                backend.call(Request::IdeaChoices(campaign)).await,
                backend.call(Request::Ideas(campaign)).await,
            )
        }
    });
    // The last save's confirmation is for this visit of the list only.
    let mut saved = ui.idea_saved;
    use_drop(move || saved.set(None));
    let read = loaded.read();
    let (choices, ideas) = match &*read {
        Some((Response::IdeaChoices(c), Response::Ideas(i))) => (c.clone(), i.clone()),
        Some((Response::Error(p), _) | (_, Response::Error(p))) => {
            return rsx! { p { class: "error", role: "alert", {ui.t(Text::Problem(*p))} } };
        }
        _ => return rsx! { p { {ui.t(Text::Loading)} } },
    };
    let (today, earlier): (Vec<IdeaSummary>, Vec<IdeaSummary>) =
        ideas.into_iter().partition(|i| i.today);
    // An elected official's phone reads ideas; the server would refuse its
    // own.
    let writes = ui.status.read().role != Some(shared::api::Role::ElectedOfficial);
    rsx! {
        h1 { "{choices.name}" }
        if let Some(saved) = (ui.idea_saved)() {
            p { class: "toast", role: "status", "✓ {ui.t(Text::IdeaSaved)} : {saved}" }
        }
        if writes {
            button {
                class: "primary new-idea",
                onclick: move |_| ui.go(Route::NewIdea { campaign }),
                "+ {ui.t(Text::NewIdea)}"
            }
        }
        h2 { "{ui.t(Text::Today)} ({today.len()})" }
        if today.is_empty() {
            p { class: "empty", {ui.t(Text::NoIdeasToday)} }
        }
        IdeaList { campaign, ideas: today, writes }
        if !earlier.is_empty() {
            h2 { "{ui.t(Text::Earlier)} ({earlier.len()})" }
            IdeaList { campaign, ideas: earlier, writes }
        }
    }
}

#[component]
fn IdeaList(campaign: CampaignId, ideas: Vec<IdeaSummary>, writes: bool) -> Element {
    let ui = use_context::<Ui>();
    rsx! {
        ul { class: "list ideas",
            for i in ideas.iter() {
                li { key: "{i.id}",
                    button {
                        class: "row idea",
                        disabled: !writes,
                        onclick: {
                            let id = i.id;
                            move |_| ui.go(Route::EditIdea { campaign, idea: id })
                        },
                        span { class: "title", "{i.title}" }
                        span { class: "sub",
                            "{i.category}"
                            if let Some(place) = &i.place_name { " · {place}" }
                        }
                        span { class: "istatus s-{i.status.as_str()}", {ui.t(Text::IdeaStatus(i.status))} }
                        if i.merged {
                            span { class: "istatus merged", {ui.t(Text::MergedDuplicate)} }
                        }
                        if !i.status_reason.is_empty() {
                            span { class: "sub reason", "{i.status_reason}" }
                        }
                    }
                }
            }
        }
    }
}

/// The idea form, new (`idea` is `None`) or editing.
#[component]
pub fn IdeaFormView(campaign: CampaignId, idea: Option<IdeaId>) -> Element {
    let ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let loaded = use_resource(move || {
        let backend = backend.clone();
        async move {
            let choices = backend.call(Request::IdeaChoices(campaign)).await;
            let existing = match idea {
                Some(id) => Some(backend.call(Request::Idea(id)).await),
                None => None,
            };
            (choices, existing)
        }
    });
    let read = loaded.read();
    match &*read {
        Some((Response::IdeaChoices(choices), None)) => rsx! {
            IdeaForm { campaign, choices: choices.clone(), existing: None }
        },
        Some((Response::IdeaChoices(choices), Some(Response::Idea(existing)))) => rsx! {
            IdeaForm { campaign, choices: choices.clone(), existing: Some((**existing).clone()) }
        },
        Some((Response::Error(p), _) | (_, Some(Response::Error(p)))) => {
            rsx! { p { class: "error", role: "alert", {ui.t(Text::Problem(*p))} } }
        }
        _ => rsx! { p { {ui.t(Text::Loading)} } },
    }
}

/// The place list's entry for a point picked on the map.
const MAP_CHOICE: &str = "\u{1}map";

fn draft_of(campaign: CampaignId, existing: Option<&Idea>) -> IdeaDraft {
    match existing {
        Some(i) => IdeaDraft {
            id: Some(i.id),
            // The idea's own, whatever the address said.
            campaign: i.campaign,
            title: i.title.clone(),
            description: i.description.clone(),
            category: i.category.clone(),
            place_name: i.place_name.clone(),
            place: i.place,
            cost_band: i.cost_band,
            proposer: i.proposer.clone(),
        },
        None => IdeaDraft {
            campaign,
            ..IdeaDraft::default()
        },
    }
}

#[component]
fn IdeaForm(campaign: CampaignId, choices: FormChoices, existing: Option<Idea>) -> Element {
    let mut ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let status = existing
        .as_ref()
        .map(|i| (i.status, i.status_reason.clone()));
    let mut draft = use_signal(|| draft_of(campaign, existing.as_ref()));
    // The last save's confirmation belongs to the list it was shown on.
    use_hook(move || ui.idea_saved.set(None));
    let mut problem = use_signal(|| None::<Text>);
    let mut busy = use_signal(|| false);
    let save = move |_| {
        let backend = backend.clone();
        spawn(async move {
            busy.set(true);
            let sent = draft();
            let title = sent.title.trim().to_string();
            match backend.call(Request::SaveIdea(Box::new(sent))).await {
                Response::IdeaSaved(_) => {
                    ui.idea_saved.set(Some(title));
                    ui.back();
                    ui.refresh(backend.clone());
                }
                Response::IdeaRefused(p) => problem.set(Some(Text::IdeaProblem(p))),
                Response::Error(p) => problem.set(Some(Text::Problem(p))),
                _ => {}
            }
            busy.set(false);
        });
    };
    let d = draft();
    let age = d.proposer.age_band.map(AgeBand::as_str).unwrap_or("");
    let cost = d.cost_band.map(CostBand::as_str).unwrap_or("");
    let hood = d
        .proposer
        .neighbourhood
        .map(|n| n.to_string())
        .unwrap_or_default();
    rsx! {
        h1 { if existing.is_some() { {ui.t(Text::EditIdea)} } else { {ui.t(Text::NewIdea)} } }
        p { class: "where", "{choices.name}" }
        if let Some((s, reason)) = status {
            p { class: "istatus s-{s.as_str()}", {ui.t(Text::IdeaStatus(s))}
                if !reason.is_empty() { " — {reason}" }
            }
        }
        section { class: "card idea-form",
            label { r#for: "idea-title", "{ui.t(Text::IdeaTitle)} *" }
            input {
                id: "idea-title",
                maxlength: "{crate::ideas::MAX_TITLE_CHARS}",
                value: "{d.title}",
                oninput: move |e| draft.write().title = e.value(),
            }
            label { r#for: "idea-description", {ui.t(Text::IdeaDescription)} }
            textarea {
                id: "idea-description",
                rows: "4",
                maxlength: "{crate::ideas::MAX_DESCRIPTION_CHARS}",
                value: "{d.description}",
                oninput: move |e| draft.write().description = e.value(),
            }
            label { r#for: "idea-category", "{ui.t(Text::IdeaCategory)} *" }
            select {
                id: "idea-category",
                value: "{d.category}",
                onchange: move |e| draft.write().category = e.value(),
                option { value: "", {ui.t(Text::Choose)} }
                for c in choices.categories.iter() {
                    option { value: "{c}", selected: *c == d.category, "{c}" }
                }
            }
            label { r#for: "idea-place", {ui.t(Text::IdeaPlace)} }
            select {
                id: "idea-place",
                onchange: move |e| {
                    let v = e.value();
                    if v == MAP_CHOICE {
                        return;
                    }
                    let mut d = draft.write();
                    d.place = None;
                    d.place_name = (!v.is_empty()).then_some(v);
                },
                option { value: "", selected: d.place_name.is_none() && d.place.is_none(), {ui.t(Text::NoPlace)} }
                if d.place_name.is_none() && d.place.is_some() {
                    option { value: MAP_CHOICE, selected: true, {ui.t(Text::PointOnMap)} }
                }
                for p in choices.places.iter() {
                    option { value: "{p}", selected: d.place_name.as_deref() == Some(p.as_str()), "{p}" }
                }
            }
            PlaceMap {
                outlines: choices.outlines.clone(),
                places: choices.place_points.clone(),
                chosen: d.place,
                on_pick: move |point| {
                    let mut d = draft.write();
                    d.place_name = None;
                    d.place = Some(point);
                },
            }
            label { r#for: "idea-cost", {ui.t(Text::IdeaCost)} }
            select {
                id: "idea-cost",
                onchange: move |e| draft.write().cost_band = CostBand::parse(&e.value()),
                option { value: "", selected: cost.is_empty(), {ui.t(Text::DontKnow)} }
                for b in CostBand::ALL {
                    option { value: "{b.as_str()}", selected: cost == b.as_str(), {ui.t(Text::CostBand(b))} }
                }
            }
            fieldset { class: "proposer",
                legend { {ui.t(Text::Proposer)} }
                p { class: "hint", {ui.t(Text::ProposerHint)} }
                label { r#for: "idea-age", {ui.t(Text::AgeBand)} }
                select {
                    id: "idea-age",
                    onchange: move |e| draft.write().proposer.age_band = AgeBand::parse(&e.value()),
                    option { value: "", selected: age.is_empty(), {ui.t(Text::DontKnow)} }
                    for b in AgeBand::ALL {
                        option { value: "{b.as_str()}", selected: age == b.as_str(), {ui.t(Text::Age(b))} }
                    }
                }
                label { r#for: "idea-school", {ui.t(Text::School)} }
                input {
                    id: "idea-school",
                    maxlength: "{crate::ideas::MAX_SHORT_CHARS}",
                    value: "{d.proposer.school.clone().unwrap_or_default()}",
                    oninput: move |e| draft.write().proposer.school = Some(e.value()),
                }
                label { r#for: "idea-class", {ui.t(Text::Class)} }
                input {
                    id: "idea-class",
                    maxlength: "{crate::ideas::MAX_SHORT_CHARS}",
                    value: "{d.proposer.class.clone().unwrap_or_default()}",
                    oninput: move |e| draft.write().proposer.class = Some(e.value()),
                }
                label { r#for: "idea-hood", {ui.t(Text::ProposerNeighbourhood)} }
                select {
                    id: "idea-hood",
                    onchange: move |e| {
                        draft.write().proposer.neighbourhood =
                            e.value().parse().ok().map(NeighbourhoodId);
                    },
                    option { value: "", selected: hood.is_empty(), {ui.t(Text::DontKnow)} }
                    for (id, name) in choices.neighbourhoods.iter() {
                        option { value: "{id}", selected: hood == id.to_string(), "{name}" }
                    }
                }
            }
            if let Some(p) = problem() {
                p { class: "error", role: "alert", {ui.t(p)} }
            }
        }
        button {
            class: "primary sticky save-idea",
            disabled: busy(),
            onclick: save,
            {ui.t(Text::SaveIdea)}
        }
    }
}

/// The collection's neighbourhoods and named places; a tap picks a point.
/// Drawn from the documents on the phone: no tile server, works offline.
#[component]
fn PlaceMap(
    outlines: Vec<Vec<(f64, f64)>>,
    places: Vec<(String, Point)>,
    chosen: Option<Point>,
    on_pick: EventHandler<Point>,
) -> Element {
    let ui = use_context::<Ui>();
    let Some(fit) = MapFit::new(
        outlines
            .iter()
            .flatten()
            .copied()
            .chain(places.iter().map(|(_, p)| (p.lon, p.lat))),
    ) else {
        return rsx! {};
    };
    let paths: Vec<String> = outlines
        .iter()
        .map(|ring| {
            let mut d = String::new();
            for (i, (lon, lat)) in ring.iter().enumerate() {
                let (x, y) = fit.xy(*lon, *lat);
                d.push_str(&format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }));
            }
            d.push('Z');
            d
        })
        .collect();
    let height = fit.height;
    rsx! {
        p { class: "hint", {ui.t(Text::TapTheMap)} }
        svg {
            class: "place-map",
            width: "{MAP_WIDTH}",
            height: "{height:.0}",
            view_box: "0 0 {MAP_WIDTH} {height:.0}",
            role: "img",
            "aria-label": ui.t(Text::PointOnMap),
            onclick: move |e: MouseEvent| {
                let at = e.element_coordinates();
                on_pick.call(fit.point(at.x, at.y));
            },
            for d in paths.iter() {
                path { d: "{d}", class: "area" }
            }
            for (name, p) in places.iter() {
                {
                    let (x, y) = fit.xy(p.lon, p.lat);
                    rsx! {
                        circle { cx: "{x:.1}", cy: "{y:.1}", r: "4", class: "named" }
                        // Names on the right half read leftwards, so none is cut.
                        if x > MAP_WIDTH / 2.0 {
                            text { x: "{x - 6.0:.1}", y: "{y + 4.0:.1}", class: "named", text_anchor: "end", "{name}" }
                        } else {
                            text { x: "{x + 6.0:.1}", y: "{y + 4.0:.1}", class: "named", "{name}" }
                        }
                    }
                }
            }
            if let Some(p) = chosen {
                {
                    let (x, y) = fit.xy(p.lon, p.lat);
                    rsx! { circle { cx: "{x:.1}", cy: "{y:.1}", r: "9", class: "chosen" } }
                }
            }
        }
    }
}
