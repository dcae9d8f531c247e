//! The questionnaire editor's page: a thin shell over
//! `campaigns::questionnaire`, which holds the rules.

use super::form::Fields;
use super::layout::{PageError, Section, notice, page};
use super::layout::{page_error, parse_id};
use super::session::Office;
use crate::campaigns::questionnaire::{
    Edit, EditError, LANGUAGES, Planned, QuestionError, QuestionForm, condition_values, draft,
    label, options, plan,
};
use crate::campaigns::{load, store_record};
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shared::domain::{Campaign, CampaignId, Question, QuestionKind};
use shared::schema::DocId;

fn is_rtl(tag: &str) -> bool {
    matches!(tag, "ar" | "he" | "fa" | "ur")
}

fn error_text(office: &Office, error: &QuestionError) -> String {
    let t = office.t;
    match error {
        QuestionError::NoFrenchLabel => t.error_no_french_label.to_string(),
        QuestionError::TooFewOptions => t.error_too_few_options.to_string(),
        QuestionError::ScaleBounds => t.error_scale_bounds.to_string(),
        QuestionError::MoveBreaksCondition {
            question,
            depends_on,
        } => t
            .error_move_breaks_condition
            .replace("{question}", question)
            .replace("{depends_on}", depends_on),
        QuestionError::TranslationLines {
            lang,
            got,
            expected,
        } => t
            .error_translation_lines
            .replace("{lang}", lang)
            .replace("{got}", &got.to_string())
            .replace("{expected}", &expected.to_string()),
    }
}

fn question_fields(office: &Office, q: Option<&Question>, earlier: &[Question]) -> Markup {
    let t = office.t;
    let kind = match q.map(|q| &q.kind) {
        Some(QuestionKind::SingleChoice { .. }) | None => "single",
        Some(QuestionKind::MultipleChoice { .. }) => "multiple",
        Some(QuestionKind::Scale { .. }) => "scale",
        Some(QuestionKind::FreeText) => "text",
    };
    let (min, max) = match q.map(|q| &q.kind) {
        Some(QuestionKind::Scale { min, max }) => (*min, *max),
        _ => (1, 5),
    };
    let suffix = q.map_or("new".to_string(), |q| q.id.clone());
    let current_condition = q
        .and_then(|q| q.show_if.as_ref())
        .map(|c| format!("{}={}", c.question, c.equals))
        .unwrap_or_default();
    html! {
        div.row {
            div {
                label for=(format!("kind-{suffix}")) { (t.answer_kind) }
                select id=(format!("kind-{suffix}")) name="kind" {
                    option value="single" selected[kind == "single"] { (t.single_choice) }
                    option value="multiple" selected[kind == "multiple"] { (t.multiple_choice) }
                    option value="scale" selected[kind == "scale"] { (t.scale) }
                    option value="text" selected[kind == "text"] { (t.free_text) }
                }
            }
            div.check-cell {
                label.check { input type="checkbox" name="required" checked[q.is_none_or(|q| q.required)]; (t.required) }
            }
        }
        @for (tag, name) in LANGUAGES {
            @let id = format!("label-{tag}-{suffix}");
            label for=(id) { (t.wording) " · " span lang=(tag) { (name) } }
            input id=(id) name=(format!("label_{tag}")) lang=(tag) dir=(if is_rtl(tag) { "rtl" } else { "ltr" })
                required[tag == "fr"] value=(q.and_then(|q| q.label.get(tag)).cloned().unwrap_or_default());
        }
        details open[kind == "single" || kind == "multiple"] {
            summary { (t.choice_options) }
            p.hint { (t.options_hint) }
            div.row {
                @for (tag, name) in LANGUAGES {
                    @let id = format!("options-{tag}-{suffix}");
                    div {
                        label for=(id) { span lang=(tag) { (name) } }
                        textarea id=(id) name=(format!("options_{tag}")) rows="4" lang=(tag) dir=(if is_rtl(tag) { "rtl" } else { "ltr" }) {
                            @if let Some(q) = q {
                                @for o in options(q) {
                                    (q.option_labels.get(o).and_then(|l| l.get(tag)).cloned().unwrap_or_default()) "\n"
                                }
                            }
                        }
                    }
                }
            }
        }
        details open[kind == "scale"] {
            summary { (t.scale_bounds) }
            div.row {
                div { label for=(format!("min-{suffix}")) { (t.lowest) } input id=(format!("min-{suffix}")) type="number" name="scale_min" value=(min); }
                div { label for=(format!("max-{suffix}")) { (t.highest) } input id=(format!("max-{suffix}")) type="number" name="scale_max" value=(max); }
            }
        }
        label for=(format!("show-if-{suffix}")) { (t.show_if) }
        select id=(format!("show-if-{suffix}")) name="show_if" {
            option value="" { (t.always) }
            @for e in earlier {
                @for (value, shown) in condition_values(e, office.lang.tag()) {
                    @let value = format!("{}={}", e.id, value);
                    option value=(value) selected[value == current_condition] {
                        "« " (label(&e.label, office.lang.tag())) " » = « " (shown) " »"
                    }
                }
            }
        }
    }
}

fn render(office: &Office, campaign: &Campaign, error: Option<&str>, done: Option<&str>) -> Markup {
    let t = office.t;
    let draft = draft(campaign);
    let base = format!("/office/campaigns/{}/questionnaire", campaign.id);
    page(
        office,
        Section::Campaigns,
        &format!("{} · {}", t.questionnaire, campaign.name),
        html! {
            nav.sub {
                a href=(format!("/office/campaigns/{}", campaign.id)) { (t.settings) }
                a href=(format!("/office/campaigns/{}/sectors", campaign.id)) { (t.sectors) }
            }
            @if let Some(e) = error { (notice("error", e)) }
            @if let Some(d) = done { (notice("ok", d)) }
            p.status {
                @if campaign.questionnaire.version == 0 {
                    (t.nothing_published)
                } @else {
                    (t.devices_ask_version) " " strong { (campaign.questionnaire.version) }
                    " (" (campaign.questionnaire.questions.len()) " " (if campaign.questionnaire.questions.len() == 1 { t.question_one } else { t.questions_count }) ")"
                }
                @if campaign.questionnaire_draft.is_some() {
                    " · " strong { (t.unpublished_changes) }
                }
            }
            @if campaign.questionnaire_draft.is_some() {
                form method="post" action=(office.action(&format!("{base}/publish"))) {
                    button type="submit" { (t.publish) " " (t.version) " " (campaign.questionnaire.version.max(campaign.past_questionnaires.iter().map(|q| q.version).max().unwrap_or(0)) + 1) }
                }
            }
            @for (i, q) in draft.questions.iter().enumerate() {
                section.card.question id=(format!("question-{}", q.id)) {
                    h2 { (i + 1) ". " (label(&q.label, office.lang.tag())) @if q.required { " *" } }
                    @if let Some(c) = &q.show_if {
                        @let lang = office.lang.tag();
                        @let earlier = draft.questions[..i].iter().find(|e| e.id == c.question);
                        p.hint {
                            (t.shown_only_if) " « "
                            (earlier.map_or_else(|| c.question.clone(), |e| label(&e.label, lang)))
                            " » = « "
                            (earlier
                                .and_then(|e| condition_values(e, lang).into_iter().find(|(v, _)| *v == c.equals))
                                .map_or_else(|| c.equals.clone(), |(_, shown)| shown))
                            " »"
                        }
                    }
                    form method="post" action=(office.action(&format!("{base}/questions/{}", q.id))) {
                        (question_fields(office, Some(q), &draft.questions[..i]))
                        button type="submit" { (t.save) }
                    }
                    div.actions {
                        @for (action, text) in [("up", t.move_up), ("down", t.move_down), ("delete", t.delete)] {
                            form method="post" action=(office.action(&format!("{base}/questions/{}/{action}", q.id))) {
                                button.secondary type="submit" { (text) }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { (t.add_question) }
                form method="post" action=(office.action(&format!("{base}/questions"))) {
                    (question_fields(office, None, &draft.questions))
                    button type="submit" { (t.add) }
                }
            }
        },
    )
}

impl QuestionForm for Fields {
    fn get(&self, name: &str) -> String {
        Fields::get(self, name)
    }
    fn lines(&self, name: &str) -> Vec<String> {
        Fields::lines(self, name)
    }
    fn checked(&self, name: &str) -> bool {
        Fields::checked(self, name)
    }
}

/// Reads the campaign, plans `edit` on it and, when accepted and something
/// changed, writes it: the campaign as it now stands and the outcome.
async fn edit_campaign(
    office: &Office,
    id: &str,
    edit: impl FnOnce(&Campaign) -> Result<Planned, EditError> + Send + 'static,
) -> Result<(Campaign, Result<Planned, EditError>), PageError> {
    let id: CampaignId = parse_id(office, id)?;
    let lang = office.lang;
    office
        .with_store(move |store| {
            let campaign: Campaign =
                load(store, &DocId::campaign(id)).map_err(|e| page_error(e, lang))?;
            let outcome = edit(&campaign);
            match outcome {
                Ok(planned) if planned.changed => {
                    store_record(store, &planned.campaign).map_err(|e| page_error(e, lang))?;
                    Ok((planned.campaign.clone(), Ok(planned)))
                }
                Ok(planned) => Ok((campaign, Ok(planned))),
                Err(error) => Ok((campaign, Err(error))),
            }
        })
        .await
}

/// `GET …/questionnaire`.
pub async fn show(office: Office, Path(id): Path<String>) -> Result<Markup, PageError> {
    let id: CampaignId = parse_id(&office, &id)?;
    let lang = office.lang;
    let campaign = office
        .with_store(move |store| {
            load::<Campaign>(store, &DocId::campaign(id)).map_err(|e| page_error(e, lang))
        })
        .await?;
    Ok(render(&office, &campaign, None, None))
}

/// The page after an edit: back to the questionnaire, with the conditions
/// cleared if any, or the refusal (422); a question not in the draft is a
/// 404.
fn saved_or_error(
    office: &Office,
    campaign: &Campaign,
    outcome: Result<Planned, EditError>,
) -> Result<Response, PageError> {
    Ok(match outcome {
        Ok(planned) if planned.cleared.is_empty() => {
            Redirect::to(&format!("/office/campaigns/{}/questionnaire", campaign.id))
                .into_response()
        }
        Ok(planned) => {
            let text = office
                .t
                .conditions_cleared
                .replace("{questions}", &planned.cleared.join(" ; "));
            render(office, campaign, None, Some(&text)).into_response()
        }
        Err(EditError::NoSuchQuestion) => return Err(PageError::NotFound(office.lang)),
        Err(EditError::Question(e)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            render(office, campaign, Some(&error_text(office, &e)), None),
        )
            .into_response(),
    })
}

/// `POST …/questions`: adds a question to the draft.
pub async fn add(
    office: Office,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = Fields::parse(&body);
    let (campaign, outcome) =
        edit_campaign(&office, &id, move |c| plan(c, Edit::Add(&fields))).await?;
    saved_or_error(&office, &campaign, outcome)
}

/// `POST …/questions/{question}`: saves a question of the draft.
pub async fn update(
    office: Office,
    Path((id, question)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = Fields::parse(&body);
    let (campaign, outcome) = edit_campaign(&office, &id, move |c| {
        plan(c, Edit::Update(&question, &fields))
    })
    .await?;
    saved_or_error(&office, &campaign, outcome)
}

/// `POST …/questions/{question}/{up|down|delete}`.
pub async fn act(
    office: Office,
    Path((id, question, action)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    if !matches!(action.as_str(), "up" | "down" | "delete") {
        return Err(PageError::NotFound(office.lang));
    }
    let (campaign, outcome) = edit_campaign(&office, &id, move |c| {
        let edit = match action.as_str() {
            "up" => Edit::<Fields>::Up(&question),
            "down" => Edit::Down(&question),
            _ => Edit::Delete(&question),
        };
        plan(c, edit)
    })
    .await?;
    saved_or_error(&office, &campaign, outcome)
}

/// `POST …/questionnaire/publish`: the draft becomes the next version.
pub async fn publish(office: Office, Path(id): Path<String>) -> Result<Markup, PageError> {
    let (campaign, outcome) =
        edit_campaign(&office, &id, |c| plan(c, Edit::<Fields>::Publish)).await?;
    let version = outcome.ok().and_then(|p| p.published);
    let done = version.map(|v| format!("{} {} {v}", office.t.published, office.t.version));
    Ok(render(&office, &campaign, None, done.as_deref()))
}
