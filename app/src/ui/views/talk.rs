//! The conversation form: first the municipality's information notice
//! (short text, the full one and a QR code to its public page), then the
//! questionnaire in the resident's language (right to left where it is
//! written so), topics, verbatim, a profile without a name, a follow-up
//! for a city service, and a volunteer sign-up: the consent sentence and
//! its boxes, then the contact fields. The visit records the notice's
//! version, each consent the version and the hash of the text shown. What is typed is kept on the phone
//! as a draft (`crate::drafts`) until saved or discarded; a missing
//! required answer is scrolled to, marked and counted by the save button.

use crate::backend::{Request, Response};
use crate::drafts::TalkDraft;
use crate::field::{Correction, Talk, Volunteer};
use crate::i18n::{CONSENT_VERSION, Text, consent_wording, is_rtl};
use crate::notices::{Held, Shown, qr_svg, shown};
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

/// A wording in `lang`, else French (a questionnaire's first language),
/// else any.
pub(super) fn label<'a>(translations: &'a Translations, lang: &str) -> &'a str {
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
            rsx! { TalkForm { campaign: (**c).clone(), building, door, correcting: None } }
        }
        Some(Response::Error(problem)) => {
            rsx! { p { class: "error", role: "alert", {ui.t(Text::Problem(*problem))} } }
        }
        _ => rsx! { p { {ui.t(Text::Loading)} } },
    }
}

/// Correcting a conversation this phone's agent recorded: the same form,
/// filled with what the visit holds, without the follow-up and the
/// volunteer (documents of their own).
#[component]
pub fn CorrectView(campaign: CampaignId, building: BuildingId, visit: VisitId) -> Element {
    let ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let loaded = use_resource({
        let backend = backend.clone();
        move || {
            let backend = backend.clone();
            async move {
                let c = backend.call(Request::Campaign(campaign)).await;
                let v = backend
                    .call(Request::Visit(campaign, building, visit))
                    .await;
                (c, v)
            }
        }
    });
    let read = loaded.read();
    match &*read {
        Some((Response::Campaign(c), Response::Visit(v))) => rsx! {
            TalkForm { campaign: (**c).clone(), building, door: v.door.clone(), correcting: Some((**v).clone()) }
        },
        Some((Response::Error(problem), _) | (_, Response::Error(problem))) => {
            rsx! { p { class: "error", role: "alert", {ui.t(Text::Problem(*problem))} } }
        }
        _ => rsx! { p { {ui.t(Text::Loading)} } },
    }
}

#[component]
fn TalkForm(
    campaign: Campaign,
    building: BuildingId,
    door: DwellingRef,
    correcting: Option<Visit>,
) -> Element {
    let mut ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let correction = correcting.as_ref().map(|v| v.id);
    // Everything typed but the answers, which `QuestionInput` writes: what
    // the visit holds when it is corrected.
    let mut form = use_signal(|| match &correcting {
        Some(v) => TalkDraft {
            q_lang: "fr".to_string(),
            topics: v
                .topics
                .iter()
                .filter(|t| campaign.topics.contains(t))
                .cloned()
                .collect(),
            extra_topics: v
                .topics
                .iter()
                .filter(|t| !campaign.topics.contains(t))
                .cloned()
                .collect(),
            verbatim: v.verbatim.clone(),
            age_band: v.profile.age_band.clone().unwrap_or_default(),
            spoken: v.profile.language.clone().unwrap_or_default(),
            ..TalkDraft::default()
        },
        None => TalkDraft {
            q_lang: "fr".to_string(),
            ..TalkDraft::default()
        },
    });
    let mut answers = use_signal(|| {
        correcting
            .as_ref()
            .map(|v| v.answers.clone())
            .unwrap_or_default()
    });
    let mut free_topic = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    // Whether saving was tried with required answers missing: from then on
    // the missing ones are marked and counted as the agent fills them.
    let mut tried = use_signal(|| false);
    let mut consent_missing = use_signal(|| false);
    let mut confirm_discard = use_signal(|| false);
    // The draft is read before anything is written back, so that the empty
    // form of the first render never replaces it.
    let mut restored = use_signal(|| None::<bool>);
    let campaign_id = campaign.id;
    // The notices this phone holds (received before each sync).
    let held = use_resource({
        let backend = backend.clone();
        move || {
            let backend = backend.clone();
            async move {
                match backend.call(Request::Notices).await {
                    Response::Notices(held) => *held,
                    _ => Held::default(),
                }
            }
        }
    });

    use_hook({
        let backend = backend.clone();
        let door = door.clone();
        move || {
            // A correction is no draft: nothing is read or kept as one.
            if correction.is_some() {
                return;
            }
            spawn(async move {
                let found = match backend
                    .call(Request::TalkDraft(campaign_id, building, door))
                    .await
                {
                    Response::TalkDraft(Some(draft)) => {
                        answers.set(draft.answers.clone());
                        form.set(*draft);
                        true
                    }
                    _ => false,
                };
                restored.set(Some(found));
            });
        }
    });
    // Every change is kept on the phone as it is typed (`crate::drafts`).
    use_effect({
        let backend = backend.clone();
        let door = door.clone();
        move || {
            let draft = TalkDraft {
                answers: answers(),
                ..form()
            };
            if restored().is_none() {
                return;
            }
            let backend = backend.clone();
            let door = door.clone();
            spawn(async move {
                let request = Request::SaveTalkDraft(campaign_id, building, door, Box::new(draft));
                if let Response::Error(problem) = backend.call(request).await {
                    error.set(Some(ui.t(Text::Problem(problem)).to_string()));
                }
            });
        }
    });

    let languages: BTreeSet<String> = campaign
        .questionnaire
        .questions
        .iter()
        .flat_map(|q| q.label.keys().cloned())
        .collect();
    let lang = form.read().q_lang.clone();
    let dir = if is_rtl(&lang) { "rtl" } else { "ltr" };
    let wording = consent_wording(&lang);
    let held_now = held.read().clone().unwrap_or_default();
    // The notice in the questionnaire's language, and the one whose
    // consent sentence a volunteer reads (the consent boxes' language).
    let notice: Option<Shown> = shown(&held_now, &lang);
    let consent_notice: Option<Shown> = shown(&held_now, wording.language);
    let consent_lang: String = consent_notice
        .as_ref()
        .map_or(wording.language.to_string(), |n| n.text.language.clone());
    let consent_dir = if is_rtl(&consent_lang) { "rtl" } else { "ltr" };
    let questionnaire = campaign.questionnaire.clone();
    let missing: BTreeSet<String> = if tried() {
        questionnaire
            .missing(&answers.read())
            .map(|q| q.id.clone())
            .collect()
    } else {
        BTreeSet::new()
    };
    let missing_words = match missing.len() {
        0 => None,
        1 => Some(ui.t(Text::MissingOne).to_string()),
        n => Some(ui.t(Text::MissingMany).replace("{}", &n.to_string())),
    };

    let save = {
        let questionnaire = questionnaire.clone();
        let door = door.clone();
        let backend = backend.clone();
        let notice_version = notice.as_ref().map(|n| n.version);
        let consent_notice = consent_notice.clone();
        let consent_lang = consent_lang.clone();
        move |_| {
            let given = answers();
            let f = form();
            if let Some(first) = questionnaire.missing(&given).next() {
                tried.set(true);
                // To the first missing answer, whatever the scroll.
                document::eval(&format!(
                    "document.getElementById({:?})?.scrollIntoView({{block: 'center'}})",
                    format!("q-{}", first.id)
                ));
                return;
            }
            let under_15 = f.age_band == crate::field::UNDER_15;
            let consent_needed = f.volunteer
                && (f.purposes.is_empty() || f.name.trim().is_empty() || (under_15 && !f.parental));
            consent_missing.set(consent_needed);
            if f.volunteer && under_15 && !f.parental {
                error.set(Some(
                    ui.t(Text::Problem(crate::backend::Problem::ParentNeeded))
                        .to_string(),
                ));
            }
            if consent_needed {
                document::eval(
                    "document.querySelector('fieldset.consent')?.scrollIntoView({block: 'center'})",
                );
                return;
            }
            let mut all_topics: Vec<String> = f.topics.iter().cloned().collect();
            all_topics.extend(f.extra_topics.iter().cloned());
            let profile = ResidentProfile {
                age_band: Some(f.age_band.clone()).filter(|s| !s.is_empty()),
                language: Some(f.spoken.clone()).filter(|s| !s.is_empty()),
            };
            if let Some(visit) = correction {
                let request = Request::CorrectTalk(
                    campaign_id,
                    building,
                    visit,
                    Box::new(Correction {
                        answers: questionnaire.keep_asked(&given),
                        topics: all_topics,
                        verbatim: f.verbatim.clone(),
                        profile,
                    }),
                );
                let backend = backend.clone();
                spawn(async move {
                    match backend.call(request).await {
                        Response::Recorded(_) => {
                            ui.back();
                            ui.refresh(backend.clone());
                        }
                        Response::Error(problem) => {
                            error.set(Some(ui.t(Text::Problem(problem)).to_string()))
                        }
                        _ => {}
                    }
                });
                return;
            }
            let talk = Talk {
                campaign: campaign_id,
                building,
                door: door.clone(),
                questionnaire_version: Some(questionnaire.version),
                answers: questionnaire.keep_asked(&given),
                topics: all_topics,
                verbatim: f.verbatim.clone(),
                profile,
                follow_up: (!f.service.is_empty())
                    .then(|| (f.service.clone(), f.service_text.clone())),
                volunteer: f.volunteer.then(|| Volunteer {
                    display_name: f.name.clone(),
                    phone: Some(f.phone.clone()),
                    email: Some(f.email.clone()),
                    wording_version: consent_notice
                        .as_ref()
                        .map_or(CONSENT_VERSION.to_string(), |n| {
                            format!("notice-{}", n.version)
                        }),
                    language: consent_lang.clone(),
                    purposes: f.purposes.iter().copied().collect(),
                    notice_version: consent_notice.as_ref().map(|n| n.version),
                    text_hash: consent_notice.as_ref().map(|n| n.hash.clone()),
                    parental: f.parental,
                }),
                notice_version,
            };
            let backend = backend.clone();
            let door = door.clone();
            spawn(async move {
                match backend.call(Request::Talk(Box::new(talk))).await {
                    Response::Recorded(visit) => {
                        // Nothing more is kept as a draft: it is a record.
                        restored.set(None);
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
    let discard = {
        let backend = backend.clone();
        let door = door.clone();
        move |_| {
            let backend = backend.clone();
            let door = door.clone();
            restored.set(None);
            spawn(async move {
                match backend
                    .call(Request::DiscardTalkDraft(campaign_id, building, door))
                    .await
                {
                    Response::Done => {
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

    let f = form();
    rsx! {
        h1 { {crate::ui::door_words(&ui, &door)} }
        if correction.is_some() {
            p { class: "notice", {ui.t(Text::Correcting)} }
        }
        if restored() == Some(true) {
            p { class: "notice", role: "status", {ui.t(Text::DraftRestored)} }
        }
        if correction.is_none() {
            NoticeCard { notice: notice.clone() }
        }
        section { class: "card",
            h2 { {ui.t(Text::Questionnaire)} }
            label { r#for: "qlang", {ui.t(Text::QuestionnaireLanguage)} }
            select { id: "qlang", value: "{lang}", onchange: move |e| form.write().q_lang = e.value(),
                for l in languages.iter() {
                    option { key: "{l}", value: "{l}", selected: *l == lang,
                        {LANGUAGES.iter().find(|(tag, _)| tag == l).map(|(_, name)| *name).unwrap_or(l.as_str())}
                    }
                }
            }
            div { class: "questions", dir: dir, lang: "{lang}",
                for q in questionnaire.asked(&answers.read()).cloned().collect::<Vec<_>>() {
                    fieldset {
                        key: "{q.id}",
                        id: "q-{q.id}",
                        class: if missing.contains(&q.id) { "question missing" } else { "question" },
                        "aria-invalid": if missing.contains(&q.id) { "true" } else { "false" },
                        legend { "{label(&q.label, &lang)}" if q.required { " *" } }
                        if missing.contains(&q.id) {
                            p { class: "field-error", {ui.t(Text::Required)} }
                        }
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
                            checked: f.topics.contains(topic),
                            onchange: {
                                let topic = topic.clone();
                                move |e: FormEvent| {
                                    if e.checked() { form.write().topics.insert(topic.clone()); } else { form.write().topics.remove(&topic); }
                                }
                            },
                        }
                        "{topic}"
                    }
                }
                for topic in f.extra_topics.iter() {
                    span { key: "{topic}", class: "chip on", "{topic}" }
                }
            }
            div { class: "inline",
                input { "aria-label": "{ui.t(Text::FreeTopic)}", placeholder: "{ui.t(Text::FreeTopic)}", value: "{free_topic}",
                    oninput: move |e| free_topic.set(e.value()) }
                button { onclick: move |_| {
                        let topic = free_topic().trim().to_string();
                        if !topic.is_empty() { form.write().extra_topics.push(topic); free_topic.set(String::new()); }
                    }, {ui.t(Text::Add)} }
            }
            label { r#for: "verbatim", {ui.t(Text::Verbatim)} }
            textarea { id: "verbatim", placeholder: "{ui.t(Text::VerbatimHint)}", value: "{f.verbatim}",
                oninput: move |e| form.write().verbatim = e.value() }
        }
        section { class: "card",
            h2 { {ui.t(Text::ResidentProfile)} }
            label { r#for: "age", {ui.t(Text::AgeBand)} }
            select { id: "age", onchange: move |e| form.write().age_band = e.value(),
                option { value: "", {ui.t(Text::NotSaid)} }
                for band in AGE_BANDS { option { key: "{band}", value: "{band}", selected: f.age_band == band, "{band}" } }
            }
            label { r#for: "spoken", {ui.t(Text::LanguageSpoken)} }
            select { id: "spoken", onchange: move |e| form.write().spoken = e.value(),
                option { value: "", {ui.t(Text::NotSaid)} }
                for (tag, name) in LANGUAGES { option { key: "{tag}", value: "{tag}", selected: f.spoken == tag, "{name}" } }
            }
        }
        if correction.is_none() {
        section { class: "card",
            h2 { {ui.t(Text::FollowUp)} }
            label { r#for: "service", {ui.t(Text::Service)} }
            select { id: "service", onchange: move |e| form.write().service = e.value(),
                option { value: "", "—" }
                for s in campaign.services.iter() { option { key: "{s}", value: "{s}", selected: f.service == *s, "{s}" } }
            }
            if !f.service.is_empty() {
                label { r#for: "futext", {ui.t(Text::Description)} }
                textarea { id: "futext", value: "{f.service_text}", oninput: move |e| form.write().service_text = e.value() }
            }
        }
        section { class: "card",
            label { class: "check",
                input { r#type: "checkbox", checked: f.volunteer, onchange: move |e: FormEvent| form.write().volunteer = e.checked() }
                {ui.t(Text::Volunteer)}
            }
            if f.volunteer {
                // The consent sentence of the notice in the resident's
                // language, one box per purpose (each ticked box is a
                // consent of its own); the contact fields come after.
                fieldset {
                    class: if consent_missing() { "consent missing" } else { "consent" },
                    dir: consent_dir, lang: "{consent_lang}",
                    legend {
                        {consent_notice.as_ref().map_or(wording.intro.to_string(), |n| n.text.consent.clone())}
                    }
                    for (purpose, text) in wording.purposes {
                        label { class: "check", key: "{purpose:?}",
                            input {
                                r#type: "checkbox",
                                checked: f.purposes.contains(&purpose),
                                onchange: move |e: FormEvent| {
                                    if e.checked() {
                                        form.write().purposes.insert(purpose);
                                    } else {
                                        form.write().purposes.remove(&purpose);
                                    }
                                },
                            }
                            "{text}"
                        }
                    }
                    // Under 15: only with a parent's or guardian's agreement.
                    if f.age_band == crate::field::UNDER_15 {
                        label { class: "check parental",
                            input {
                                r#type: "checkbox",
                                checked: f.parental,
                                onchange: move |e: FormEvent| form.write().parental = e.checked(),
                            }
                            {ui.t(Text::ParentalConsent)}
                        }
                    }
                    match consent_notice.as_ref() {
                        Some(n) => rsx! { p { class: "hint", small { {ui.t(Text::NoticeVersion).replace("{}", &n.version.to_string())} } } },
                        None => rsx! { p { class: "hint", "{wording.outro}" small { " ({CONSENT_VERSION})" } } },
                    }
                }
                label { r#for: "vname", {ui.t(Text::VolunteerName)} }
                input { id: "vname", value: "{f.name}", oninput: move |e| form.write().name = e.value() }
                label { r#for: "vphone", {ui.t(Text::Phone)} }
                input { id: "vphone", r#type: "tel", value: "{f.phone}", oninput: move |e| form.write().phone = e.value() }
                label { r#for: "vemail", {ui.t(Text::Email)} }
                input { id: "vemail", r#type: "email", value: "{f.email}", oninput: move |e| form.write().email = e.value() }
            }
        }
        }
        if correction.is_none() {
        section { class: "card discard",
            if confirm_discard() {
                p { {ui.t(Text::DiscardConfirm)} }
                div { class: "inline",
                    button { class: "danger", onclick: discard, {ui.t(Text::DiscardTalk)} }
                    button { onclick: move |_| confirm_discard.set(false), {ui.t(Text::KeepTalk)} }
                }
            } else {
                button { class: "link", onclick: move |_| confirm_discard.set(true), {ui.t(Text::DiscardTalk)} }
            }
        }
        }
        div { class: "sticky save-bar",
            if let Some(words) = missing_words {
                p { class: "error", role: "alert", "{words}" }
            } else if consent_missing() {
                p { class: "error", role: "alert", {ui.t(Text::ConsentMissing)} }
            }
            if let Some(message) = error() {
                p { class: "error", role: "alert", "{message}" }
            }
            button { class: "primary", onclick: save,
                {ui.t(if correction.is_some() { Text::SaveCorrection } else { Text::SaveTalk })}
            }
        }
    }
}

/// The notice to give before anything is noted: its short text in the
/// resident's language, the full text and a QR code to its public page
/// on request; or, when the phone holds none, what to do.
#[component]
fn NoticeCard(notice: Option<Shown>) -> Element {
    let ui = use_context::<Ui>();
    let Some(notice) = notice else {
        return rsx! {
            section { class: "card notice-card",
                h2 { {ui.t(Text::NoticeTitle)} }
                p { class: "hint", {ui.t(Text::NoticeNone)} }
            }
        };
    };
    let lang = notice.text.language.clone();
    let dir = if is_rtl(&lang) { "rtl" } else { "ltr" };
    let qr = qr_svg(&notice.url).unwrap_or_default();
    rsx! {
        section { class: "card notice-card", "aria-labelledby": "notice-title",
            h2 { id: "notice-title", {ui.t(Text::NoticeTitle)} }
            p { class: "notice-short", lang: "{lang}", dir, "{notice.text.short}" }
            details {
                summary { {ui.t(Text::NoticeFull)} }
                div { lang: "{lang}", dir,
                    for (i, paragraph) in notice.text.full.split("\n\n").enumerate() {
                        p { key: "{i}", class: "notice-text", "{paragraph}" }
                    }
                }
                p { class: "hint", {ui.t(Text::NoticeScan)} }
                div { class: "notice-qr", dangerous_inner_html: "{qr}" }
                p { class: "hint", small { "{notice.url}" } }
            }
            p { class: "hint", small { {ui.t(Text::NoticeVersion).replace("{}", &notice.version.to_string())} } }
        }
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
