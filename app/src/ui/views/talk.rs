//! The conversation form: questionnaire in the resident's language (right
//! to left where it is written so), topics, verbatim, a profile without a
//! name, a follow-up for a city service, and a volunteer sign-up with the
//! consent wording shown and recorded.

use crate::backend::{Request, Response};
use crate::field::{Talk, Volunteer};
use crate::i18n::{CONSENT_VERSION, Text, consent_wording, is_rtl};
use crate::platform::Backend;
use crate::ui::{LastSaved, Ui};
use dioxus::prelude::*;
use shared::domain::*;
use std::collections::{BTreeMap, BTreeSet};

use shared::domain::RESIDENT_AGE_BANDS as AGE_BANDS;
const LANGUAGES: [(&str, &str); 6] = [
    ("fr", "Français"),
    ("ar", "العربية"),
    ("en", "English"),
    ("pt", "Português"),
    ("tr", "Türkçe"),
    ("zh", "中文"),
];

fn label<'a>(translations: &'a Translations, lang: &str) -> &'a str {
    translations
        .get(lang)
        .or_else(|| translations.get("fr"))
        .or_else(|| translations.values().next())
        .map(String::as_str)
        .unwrap_or("")
}

/// The talk screen.
#[component]
pub fn TalkView(campaign: CampaignId, building: BuildingId, door: DwellingRef) -> Element {
    let ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let loaded = use_resource({
        let backend = backend.clone();
        move || {
            let backend = backend.clone();
            async move { backend.call(Request::Campaign(campaign)).await }
        }
    });
    let read = loaded.read();
    match &*read {
        Some(Response::Campaign(c)) => {
            rsx! { TalkForm { campaign: (**c).clone(), building, door } }
        }
        Some(Response::Error(problem)) => {
            rsx! { p { class: "error", role: "alert", {ui.t(Text::Problem(*problem))} } }
        }
        _ => rsx! { p { {ui.t(Text::Loading)} } },
    }
}

#[component]
fn TalkForm(campaign: Campaign, building: BuildingId, door: DwellingRef) -> Element {
    let mut ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let mut q_lang = use_signal(|| "fr".to_string());
    let answers = use_signal(BTreeMap::<String, Answer>::new);
    let mut topics = use_signal(BTreeSet::<String>::new);
    let mut extra_topics = use_signal(Vec::<String>::new);
    let mut free_topic = use_signal(String::new);
    let mut verbatim = use_signal(String::new);
    let mut age_band = use_signal(String::new);
    let mut spoken = use_signal(String::new);
    let mut fu_service = use_signal(String::new);
    let mut fu_text = use_signal(String::new);
    let mut volunteer = use_signal(|| false);
    let mut vol_name = use_signal(String::new);
    let mut vol_phone = use_signal(String::new);
    let mut vol_email = use_signal(String::new);
    let mut purposes = use_signal(BTreeSet::<ConsentPurpose>::new);
    let mut error = use_signal(|| None::<String>);

    let languages: BTreeSet<String> = campaign
        .questionnaire
        .questions
        .iter()
        .flat_map(|q| q.label.keys().cloned())
        .collect();
    let lang = q_lang();
    let dir = if is_rtl(&lang) { "rtl" } else { "ltr" };
    let wording = consent_wording(&lang);
    let consent_lang = wording.language;
    let questionnaire = campaign.questionnaire.clone();
    let campaign_id = campaign.id;

    let save = {
        let questionnaire = questionnaire.clone();
        let door = door.clone();
        move |_| {
            let given = answers();
            let missing: Vec<String> = questionnaire
                .missing(&given)
                .map(|q| label(&q.label, "fr").to_string())
                .collect();
            if !missing.is_empty() {
                error.set(Some(format!(
                    "{} : {}",
                    ui.t(Text::Required),
                    missing.join(", ")
                )));
                return;
            }
            if volunteer() && (purposes.read().is_empty() || vol_name().trim().is_empty()) {
                error.set(Some(format!(
                    "{} : {}",
                    ui.t(Text::Required),
                    ui.t(Text::ConsentGiven)
                )));
                return;
            }
            let mut all_topics: Vec<String> = topics.read().iter().cloned().collect();
            all_topics.extend(extra_topics.read().iter().cloned());
            let talk = Talk {
                campaign: campaign_id,
                building,
                door: door.clone(),
                questionnaire_version: Some(questionnaire.version),
                answers: questionnaire.keep_asked(&given),
                topics: all_topics,
                verbatim: verbatim(),
                profile: ResidentProfile {
                    age_band: Some(age_band()).filter(|s| !s.is_empty()),
                    language: Some(spoken()).filter(|s| !s.is_empty()),
                },
                follow_up: (!fu_service().is_empty()).then(|| (fu_service(), fu_text())),
                volunteer: volunteer().then(|| Volunteer {
                    display_name: vol_name(),
                    phone: Some(vol_phone()),
                    email: Some(vol_email()),
                    wording_version: CONSENT_VERSION.to_string(),
                    language: consent_lang.to_string(),
                    purposes: purposes.read().iter().copied().collect(),
                }),
            };
            let backend = backend.clone();
            let door = door.clone();
            spawn(async move {
                match backend.call(Request::Talk(Box::new(talk))).await {
                    Response::Recorded(visit) => {
                        ui.last_saved.set(Some(LastSaved {
                            campaign: campaign_id,
                            building,
                            door,
                            outcome: shared::domain::Outcome::Talked,
                            visit,
                            undoable: false,
                            undone: false,
                        }));
                        ui.back();
                        ui.refresh(backend.clone());
                    }
                    Response::Error(problem) => {
                        error.set(Some(ui.t(Text::Problem(problem)).to_string()))
                    }
                    _ => {}
                }
            });
        }
    };

    rsx! {
        h1 { "{door.entrance} · {door.floor} · {door.door}" }
        section { class: "card",
            h2 { {ui.t(Text::Questionnaire)} }
            label { r#for: "qlang", {ui.t(Text::QuestionnaireLanguage)} }
            select { id: "qlang", value: "{lang}", onchange: move |e| q_lang.set(e.value()),
                for l in languages.iter() {
                    option { key: "{l}", value: "{l}", selected: *l == lang,
                        {LANGUAGES.iter().find(|(tag, _)| tag == l).map(|(_, name)| *name).unwrap_or(l.as_str())}
                    }
                }
            }
            div { class: "questions", dir: dir, lang: "{lang}",
                for q in questionnaire.asked(&answers.read()).cloned().collect::<Vec<_>>() {
                    fieldset { key: "{q.id}", class: "question",
                        legend { "{label(&q.label, &lang)}" if q.required { " *" } }
                        QuestionInput { question: q.clone(), lang: lang.clone(), answers }
                    }
                }
            }
        }
        section { class: "card",
            h2 { {ui.t(Text::Topics)} }
            div { class: "chips",
                for topic in campaign.topics.iter() {
                    label { key: "{topic}", class: "chip",
                        input {
                            r#type: "checkbox",
                            checked: topics.read().contains(topic),
                            onchange: {
                                let topic = topic.clone();
                                move |e: FormEvent| {
                                    if e.checked() { topics.write().insert(topic.clone()); } else { topics.write().remove(&topic); }
                                }
                            },
                        }
                        "{topic}"
                    }
                }
                for topic in extra_topics.read().iter() {
                    span { key: "{topic}", class: "chip on", "{topic}" }
                }
            }
            div { class: "inline",
                input { "aria-label": "{ui.t(Text::FreeTopic)}", placeholder: "{ui.t(Text::FreeTopic)}", value: "{free_topic}",
                    oninput: move |e| free_topic.set(e.value()) }
                button { onclick: move |_| {
                        let topic = free_topic().trim().to_string();
                        if !topic.is_empty() { extra_topics.write().push(topic); free_topic.set(String::new()); }
                    }, {ui.t(Text::Add)} }
            }
            label { r#for: "verbatim", {ui.t(Text::Verbatim)} }
            textarea { id: "verbatim", placeholder: "{ui.t(Text::VerbatimHint)}", value: "{verbatim}",
                oninput: move |e| verbatim.set(e.value()) }
        }
        section { class: "card",
            h2 { {ui.t(Text::ResidentProfile)} }
            label { r#for: "age", {ui.t(Text::AgeBand)} }
            select { id: "age", onchange: move |e| age_band.set(e.value()),
                option { value: "", {ui.t(Text::NotSaid)} }
                for band in AGE_BANDS { option { key: "{band}", value: "{band}", "{band}" } }
            }
            label { r#for: "spoken", {ui.t(Text::LanguageSpoken)} }
            select { id: "spoken", onchange: move |e| spoken.set(e.value()),
                option { value: "", {ui.t(Text::NotSaid)} }
                for (tag, name) in LANGUAGES { option { key: "{tag}", value: "{tag}", "{name}" } }
            }
        }
        section { class: "card",
            h2 { {ui.t(Text::FollowUp)} }
            label { r#for: "service", {ui.t(Text::Service)} }
            select { id: "service", onchange: move |e| fu_service.set(e.value()),
                option { value: "", "—" }
                for s in campaign.services.iter() { option { key: "{s}", value: "{s}", "{s}" } }
            }
            if !fu_service().is_empty() {
                label { r#for: "futext", {ui.t(Text::Description)} }
                textarea { id: "futext", value: "{fu_text}", oninput: move |e| fu_text.set(e.value()) }
            }
        }
        section { class: "card",
            label { class: "check",
                input { r#type: "checkbox", checked: volunteer(), onchange: move |e: FormEvent| volunteer.set(e.checked()) }
                {ui.t(Text::Volunteer)}
            }
            if volunteer() {
                label { r#for: "vname", {ui.t(Text::VolunteerName)} }
                input { id: "vname", value: "{vol_name}", oninput: move |e| vol_name.set(e.value()) }
                label { r#for: "vphone", {ui.t(Text::Phone)} }
                input { id: "vphone", r#type: "tel", value: "{vol_phone}", oninput: move |e| vol_phone.set(e.value()) }
                label { r#for: "vemail", {ui.t(Text::Email)} }
                input { id: "vemail", r#type: "email", value: "{vol_email}", oninput: move |e| vol_email.set(e.value()) }
                // The wording in the resident's language, one box per
                // purpose: each ticked box is a consent of its own.
                fieldset { class: "consent", dir: if is_rtl(consent_lang) { "rtl" } else { "ltr" }, lang: consent_lang,
                    legend { "{wording.intro}" }
                    for (purpose, text) in wording.purposes {
                        label { class: "check", key: "{purpose:?}",
                            input {
                                r#type: "checkbox",
                                checked: purposes.read().contains(&purpose),
                                onchange: move |e: FormEvent| {
                                    if e.checked() {
                                        purposes.write().insert(purpose);
                                    } else {
                                        purposes.write().remove(&purpose);
                                    }
                                },
                            }
                            "{text}"
                        }
                    }
                    p { class: "hint", "{wording.outro}" small { " ({CONSENT_VERSION})" } }
                }
            }
        }
        if let Some(message) = error() {
            p { class: "error", role: "alert", "{message}" }
        }
        button { class: "primary sticky", onclick: save, {ui.t(Text::SaveTalk)} }
    }
}

#[component]
fn QuestionInput(
    question: Question,
    lang: String,
    answers: Signal<BTreeMap<String, Answer>>,
) -> Element {
    let id = question.id.clone();
    let current = answers.read().get(&id).cloned();
    match question.kind.clone() {
        QuestionKind::SingleChoice { options } => rsx! {
            for option in options {
                label { key: "{option}", class: "choice",
                    input {
                        r#type: "radio",
                        name: "{id}",
                        checked: current == Some(Answer::Choice(option.clone())),
                        onchange: {
                            let (id, option) = (id.clone(), option.clone());
                            move |_| { answers.write().insert(id.clone(), Answer::Choice(option.clone())); }
                        },
                    }
                    {question.option_labels.get(&option).map(|t| label(t, &lang).to_string()).unwrap_or(option.clone())}
                }
            }
        },
        QuestionKind::MultipleChoice { options } => rsx! {
            for option in options {
                label { key: "{option}", class: "choice",
                    input {
                        r#type: "checkbox",
                        checked: matches!(&current, Some(Answer::Choices(c)) if c.contains(&option)),
                        onchange: {
                            let (id, option) = (id.clone(), option.clone());
                            move |e: FormEvent| {
                                let mut all = answers.write();
                                let entry = all.entry(id.clone()).or_insert(Answer::Choices(vec![]));
                                if let Answer::Choices(chosen) = entry {
                                    chosen.retain(|c| *c != option);
                                    if e.checked() { chosen.push(option.clone()); }
                                }
                            }
                        },
                    }
                    {question.option_labels.get(&option).map(|t| label(t, &lang).to_string()).unwrap_or(option.clone())}
                }
            }
        },
        QuestionKind::Scale { min, max } => rsx! {
            div { class: "scale",
                // At most 101 steps, whatever a malformed document says.
                for value in (min..=max).take(101) {
                    button {
                        key: "{value}",
                        class: if current == Some(Answer::Scale(value)) { "on" } else { "" },
                        "aria-pressed": "{current == Some(Answer::Scale(value))}",
                        onclick: {
                            let id = id.clone();
                            move |_| { answers.write().insert(id.clone(), Answer::Scale(value)); }
                        },
                        "{value}"
                    }
                }
            }
        },
        QuestionKind::FreeText => rsx! {
            textarea {
                "aria-label": "{label(&question.label, &lang)}",
                oninput: move |e| { answers.write().insert(id.clone(), Answer::Text(e.value())); },
            }
        },
    }
}
