//! The questionnaire editor. Coordinators edit a draft; publishing makes it
//! the next version, which devices ask from their next sync, while visits
//! already made keep the version they answered (`Visit::questionnaire_version`,
//! past versions kept in `Campaign::past_questionnaires`).

use super::campaigns::{load, parse_id, store_record};
use super::form::Fields;
use super::layout::{PageError, Section, notice, page};
use super::session::Office;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shared::domain::{
    Campaign, CampaignId, Condition, Question, QuestionKind, Questionnaire, Translations,
};
use shared::schema::DocId;
use std::collections::BTreeMap;

/// The languages a questionnaire is written in: French first (it is
/// required), then the translations agents most often need.
pub const LANGUAGES: [(&str, &str); 3] = [("fr", "Français"), ("en", "English"), ("ar", "العربية")];

fn is_rtl(tag: &str) -> bool {
    matches!(tag, "ar" | "he" | "fa" | "ur")
}

/// Why a question cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionError {
    /// The French wording is empty.
    NoFrenchLabel,
    /// A choice with fewer than two options.
    TooFewOptions,
    /// A translation of the options has another number of lines.
    TranslationLines {
        /// The language.
        lang: &'static str,
        /// Lines given.
        got: usize,
        /// Lines in French.
        expected: usize,
    },
    /// Scale bounds that are not two numbers, low then high.
    ScaleBounds,
    /// A move would put a question before the one its condition reads.
    MoveBreaksCondition {
        /// The conditional question's French wording.
        question: String,
        /// The wording of the question it depends on.
        depends_on: String,
    },
}

/// Clears the conditions that can no longer hold: on a question that is
/// not earlier in the list (deleted, or a forged form), or waiting for a
/// value the earlier question no longer offers (an option removed, the
/// kind changed). Returns the wording of the questions concerned.
fn prune_conditions(questionnaire: &mut Questionnaire) -> Vec<String> {
    let mut cleared = Vec::new();
    for i in 0..questionnaire.questions.len() {
        let (earlier, rest) = questionnaire.questions.split_at_mut(i);
        let Some(question) = rest.first_mut() else {
            break;
        };
        let Some(condition) = &question.show_if else {
            continue;
        };
        let holds = earlier.iter().any(|e| {
            e.id == condition.question
                && condition_values(e, "fr")
                    .iter()
                    .any(|(value, _)| *value == condition.equals)
        });
        if !holds {
            question.show_if = None;
            cleared.push(label(&question.label, "fr"));
        }
    }
    cleared
}

/// Whether moving makes a condition point forwards: the question that
/// would depend on a later one, as (dependent, dependency) wordings.
fn broken_by_order(questionnaire: &Questionnaire) -> Option<(String, String)> {
    questionnaire
        .questions
        .iter()
        .enumerate()
        .find_map(|(i, q)| {
            let condition = q.show_if.as_ref()?;
            let later = questionnaire.questions[i..]
                .iter()
                .find(|other| other.id == condition.question)?;
            Some((label(&q.label, "fr"), label(&later.label, "fr")))
        })
}

fn draft(campaign: &Campaign) -> Questionnaire {
    campaign
        .questionnaire_draft
        .clone()
        .unwrap_or_else(|| campaign.questionnaire.clone())
}

fn label(translations: &Translations, lang: &str) -> String {
    translations
        .get(lang)
        .or_else(|| translations.get("fr"))
        .cloned()
        .unwrap_or_default()
}

fn options(q: &Question) -> &[String] {
    match &q.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
            options
        }
        _ => &[],
    }
}

/// The answers of an earlier question a condition can wait for, with how
/// they read: each option of a choice, each value of a short scale. Free
/// text is not offered (an exact phrase is not a useful trigger).
fn condition_values(q: &Question, lang: &str) -> Vec<(String, String)> {
    match &q.kind {
        QuestionKind::SingleChoice { options } | QuestionKind::MultipleChoice { options } => {
            options
                .iter()
                .map(|o| {
                    let shown = q
                        .option_labels
                        .get(o)
                        .map(|l| label(l, lang))
                        .unwrap_or_else(|| o.clone());
                    (o.clone(), shown)
                })
                .collect()
        }
        QuestionKind::Scale { min, max } if max - min <= 10 => (*min..=*max)
            .map(|v| (v.to_string(), v.to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

/// The largest scale bound accepted (a scale is a few steps, not a number
/// field).
const MAX_SCALE: i64 = 1_000;

/// Ids for the options of a choice question. Answers and conditions point
/// at ids, so an option keeps its id when its French wording is unchanged,
/// wherever it moves; when the list only changed wording (same number of
/// lines), unmatched lines keep the unmatched ids in order; any other new
/// line gets a new id, never one a removed option had.
fn option_ids(french: &[String], previous: Option<&Question>) -> Vec<String> {
    let before: Vec<(String, String)> = previous
        .map(|q| {
            options(q)
                .iter()
                .map(|id| {
                    let fr = q
                        .option_labels
                        .get(id)
                        .and_then(|l| l.get("fr"))
                        .cloned()
                        .unwrap_or_default();
                    (id.clone(), fr)
                })
                .collect()
        })
        .unwrap_or_default();
    let mut ids: Vec<Option<String>> = vec![None; french.len()];
    let mut used = vec![false; before.len()];
    for (i, text) in french.iter().enumerate() {
        if let Some(j) = (0..before.len()).find(|&j| !used[j] && before[j].1 == *text) {
            used[j] = true;
            ids[i] = Some(before[j].0.clone());
        }
    }
    if french.len() == before.len() {
        let mut free = (0..before.len()).filter(|&j| !used[j]);
        for id in ids.iter_mut().filter(|id| id.is_none()) {
            if let Some(j) = free.next() {
                *id = Some(before[j].0.clone());
            }
        }
    }
    let mut taken: Vec<String> = before.iter().map(|(id, _)| id.clone()).collect();
    ids.into_iter()
        .zip(french)
        .enumerate()
        .map(|(i, (id, text))| {
            id.unwrap_or_else(|| {
                let base = Some(slug(text))
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| format!("o{}", i + 1));
                let mut candidate = base.clone();
                let mut n = 2;
                while taken.contains(&candidate) {
                    candidate = format!("{base}-{n}");
                    n += 1;
                }
                taken.push(candidate.clone());
                candidate
            })
        })
        .collect()
}

fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.to_lowercase().chars() {
        let c = match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if c != '-' || !slug.ends_with('-') {
            slug.push(c);
        }
    }
    slug.trim_matches('-').chars().take(24).collect()
}

/// The question a form describes, keeping the ids of options already there
/// (conditions and answers point at them).
pub fn question_from(
    fields: &Fields,
    id: String,
    previous: Option<&Question>,
) -> Result<Question, QuestionError> {
    let mut label = Translations::new();
    for (tag, _) in LANGUAGES {
        let text = fields.get(&format!("label_{tag}"));
        if !text.is_empty() {
            label.insert(tag.to_string(), text);
        }
    }
    if !label.contains_key("fr") {
        return Err(QuestionError::NoFrenchLabel);
    }
    let mut option_labels = BTreeMap::new();
    let kind = match fields.get("kind").as_str() {
        kind @ ("single" | "multiple") => {
            let french = fields.lines("options_fr");
            if french.len() < 2 {
                return Err(QuestionError::TooFewOptions);
            }
            let ids = option_ids(&french, previous);
            for (tag, _) in LANGUAGES {
                let lines = fields.lines(&format!("options_{tag}"));
                if lines.is_empty() {
                    continue;
                }
                if lines.len() != ids.len() {
                    return Err(QuestionError::TranslationLines {
                        lang: tag,
                        got: lines.len(),
                        expected: ids.len(),
                    });
                }
                for (id, text) in ids.iter().zip(lines) {
                    option_labels
                        .entry(id.clone())
                        .or_insert_with(Translations::new)
                        .insert(tag.to_string(), text);
                }
            }
            if kind == "single" {
                QuestionKind::SingleChoice { options: ids }
            } else {
                QuestionKind::MultipleChoice { options: ids }
            }
        }
        "scale" => {
            let min = fields.get("scale_min").parse::<i64>();
            let max = fields.get("scale_max").parse::<i64>();
            match (min, max) {
                (Ok(min), Ok(max))
                    if min < max
                        && (-MAX_SCALE..=MAX_SCALE).contains(&min)
                        && (-MAX_SCALE..=MAX_SCALE).contains(&max)
                        && max - min <= 100 =>
                {
                    QuestionKind::Scale { min, max }
                }
                _ => return Err(QuestionError::ScaleBounds),
            }
        }
        _ => QuestionKind::FreeText,
    };
    let show_if = fields
        .get("show_if")
        .split_once('=')
        .map(|(q, v)| Condition {
            question: q.to_string(),
            equals: v.to_string(),
        });
    Ok(Question {
        id,
        kind,
        label,
        option_labels,
        required: fields.checked("required"),
        show_if,
    })
}

fn next_id(campaign: &Campaign, draft: &Questionnaire) -> String {
    let highest = std::iter::once(draft)
        .chain(std::iter::once(&campaign.questionnaire))
        .chain(campaign.past_questionnaires.iter())
        .flat_map(|q| &q.questions)
        .filter_map(|q| q.id.strip_prefix('q').and_then(|n| n.parse::<u32>().ok()))
        .max()
        .unwrap_or(0);
    format!("q{}", highest + 1)
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

async fn with_campaign<T: Send + 'static>(
    office: &Office,
    id: &str,
    f: impl FnOnce(&mut Campaign) -> T + Send + 'static,
    write: bool,
) -> Result<(Campaign, T), PageError> {
    let id: CampaignId = parse_id(office, id)?;
    let lang = office.lang;
    office
        .with_store(move |store| {
            let mut campaign: Campaign = load(store, &DocId::campaign(id), lang)?;
            let out = f(&mut campaign);
            if write {
                store_record(store, &campaign)?;
            }
            Ok((campaign, out))
        })
        .await
}

/// `GET …/questionnaire`.
pub async fn show(office: Office, Path(id): Path<String>) -> Result<Markup, PageError> {
    let (campaign, ()) = with_campaign(&office, &id, |_| (), false).await?;
    Ok(render(&office, &campaign, None, None))
}

fn saved_or_error(
    office: &Office,
    campaign: &Campaign,
    outcome: Result<Vec<String>, QuestionError>,
) -> Response {
    match outcome {
        Ok(cleared) if cleared.is_empty() => {
            Redirect::to(&format!("/office/campaigns/{}/questionnaire", campaign.id))
                .into_response()
        }
        Ok(cleared) => {
            let text = office
                .t
                .conditions_cleared
                .replace("{questions}", &cleared.join(" ; "));
            render(office, campaign, None, Some(&text)).into_response()
        }
        Err(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            render(office, campaign, Some(&error_text(office, &e)), None),
        )
            .into_response(),
    }
}

/// `POST …/questions`: adds a question to the draft.
pub async fn add(
    office: Office,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = Fields::parse(&body);
    let (campaign, outcome) = with_campaign(
        &office,
        &id,
        move |c| {
            let mut d = draft(c);
            let question = question_from(&fields, next_id(c, &d), None)?;
            d.questions.push(question);
            let cleared = prune_conditions(&mut d);
            c.questionnaire_draft = Some(d);
            Ok(cleared)
        },
        true,
    )
    .await?;
    // A refused question changed nothing, but the write above was of an
    // unchanged record: reconcile writes no change then.
    Ok(saved_or_error(&office, &campaign, outcome))
}

/// `POST …/questions/{question}`: saves a question of the draft.
pub async fn update(
    office: Office,
    Path((id, question)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = Fields::parse(&body);
    let lang = office.lang;
    let (campaign, outcome) = with_campaign(
        &office,
        &id,
        move |c| {
            let mut d = draft(c);
            let Some(index) = d.questions.iter().position(|q| q.id == question) else {
                return Ok(Err(PageError::NotFound(lang)));
            };
            let updated = question_from(&fields, question, d.questions.get(index))?;
            if d.questions[index] == updated {
                return Ok(Ok(Vec::new()));
            }
            d.questions[index] = updated;
            let cleared = prune_conditions(&mut d);
            c.questionnaire_draft = Some(d);
            Ok(Ok(cleared))
        },
        true,
    )
    .await?;
    match outcome {
        Ok(Err(e)) => Err(e),
        Ok(Ok(cleared)) => Ok(saved_or_error(&office, &campaign, Ok(cleared))),
        Err(e) => Ok(saved_or_error(&office, &campaign, Err(e))),
    }
}

/// `POST …/questions/{question}/{up|down|delete}`.
pub async fn act(
    office: Office,
    Path((id, question, action)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let lang = office.lang;
    let (campaign, outcome) = with_campaign(
        &office,
        &id,
        move |c| {
            let mut d = draft(c);
            let i = d.questions.iter().position(|q| q.id == question)?;
            match action.as_str() {
                "up" if i > 0 => d.questions.swap(i, i - 1),
                "down" if i + 1 < d.questions.len() => d.questions.swap(i, i + 1),
                "delete" => {
                    d.questions.remove(i);
                }
                "up" | "down" => return Some(Ok(Vec::new())),
                _ => return None,
            }
            if let Some((question, depends_on)) = broken_by_order(&d) {
                return Some(Err(QuestionError::MoveBreaksCondition {
                    question,
                    depends_on,
                }));
            }
            let cleared = prune_conditions(&mut d);
            c.questionnaire_draft = Some(d);
            Some(Ok(cleared))
        },
        true,
    )
    .await?;
    let outcome = outcome.ok_or(PageError::NotFound(lang))?;
    Ok(saved_or_error(&office, &campaign, outcome))
}

/// `POST …/questionnaire/publish`: the draft becomes the next version.
pub async fn publish(office: Office, Path(id): Path<String>) -> Result<Markup, PageError> {
    let (campaign, version) = with_campaign(&office, &id, Campaign::publish_draft, true).await?;
    let done = version.map(|v| format!("{} {} {v}", office.t.published, office.t.version));
    Ok(render(&office, &campaign, None, done.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Bytes;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        Fields::parse(&Bytes::from(body))
    }

    #[test]
    fn editing_a_choice_keeps_its_option_ids() {
        let first = question_from(
            &fields(&[
                ("kind", "single"),
                ("label_fr", "Votre priorité ?"),
                ("options_fr", "La propreté\nLa sécurité"),
                ("options_ar", "النظافة\nالأمن"),
            ]),
            "q1".into(),
            None,
        )
        .expect("question");
        assert!(
            matches!(&first.kind, QuestionKind::SingleChoice { options } if options == &["la-proprete", "la-securite"])
        );
        assert_eq!(first.option_labels["la-securite"]["ar"], "الأمن");
        // Reworded in place: the ids conditions point at stay.
        let reworded = question_from(
            &fields(&[
                ("kind", "single"),
                ("label_fr", "Votre priorité ?"),
                ("options_fr", "Propreté\nSécurité"),
            ]),
            "q1".into(),
            Some(&first),
        )
        .expect("reworded");
        assert!(
            matches!(&reworded.kind, QuestionKind::SingleChoice { options } if options == &["la-proprete", "la-securite"])
        );
        // Moved options keep their ids; with as many lines as before, the
        // reworded one keeps the id left over; with one line fewer, nothing
        // takes the removed option's id.
        let three = question_from(
            &fields(&[
                ("kind", "single"),
                ("label_fr", "?"),
                ("options_fr", "Oui\nNon\nNe sait pas"),
            ]),
            "q2".into(),
            None,
        )
        .expect("three");
        let changed = question_from(
            &fields(&[
                ("kind", "single"),
                ("label_fr", "?"),
                ("options_fr", "Ne sait pas\nNon\nOui, tout à fait"),
            ]),
            "q2".into(),
            Some(&three),
        )
        .expect("changed");
        assert!(
            matches!(&changed.kind, QuestionKind::SingleChoice { options } if options == &["ne-sait-pas", "non", "oui"])
        );
        let removed = question_from(
            &fields(&[
                ("kind", "single"),
                ("label_fr", "?"),
                ("options_fr", "Non\nNe sait pas"),
            ]),
            "q2".into(),
            Some(&three),
        )
        .expect("removed");
        assert!(
            matches!(&removed.kind, QuestionKind::SingleChoice { options } if options == &["non", "ne-sait-pas"])
        );
    }

    #[test]
    fn incomplete_questions_are_refused_with_the_reason() {
        let refused =
            |pairs: &[(&str, &str)]| question_from(&fields(pairs), "q".into(), None).err();
        assert_eq!(
            refused(&[("kind", "text")]),
            Some(QuestionError::NoFrenchLabel)
        );
        assert_eq!(
            refused(&[
                ("kind", "multiple"),
                ("label_fr", "x"),
                ("options_fr", "seul")
            ]),
            Some(QuestionError::TooFewOptions)
        );
        assert_eq!(
            refused(&[
                ("kind", "single"),
                ("label_fr", "x"),
                ("options_fr", "a\nb"),
                ("options_en", "a")
            ]),
            Some(QuestionError::TranslationLines {
                lang: "en",
                got: 1,
                expected: 2
            })
        );
        for (min, max) in [
            ("5", "1"),
            ("1", "1000"),
            ("un", "5"),
            ("-9223372036854775808", "9223372036854775807"),
        ] {
            assert_eq!(
                refused(&[
                    ("kind", "scale"),
                    ("label_fr", "x"),
                    ("scale_min", min),
                    ("scale_max", max)
                ]),
                Some(QuestionError::ScaleBounds)
            );
        }
    }

    #[test]
    fn a_condition_can_wait_for_a_choice_or_a_short_scale_value() {
        let scale = question_from(
            &fields(&[
                ("kind", "scale"),
                ("label_fr", "Note"),
                ("scale_min", "1"),
                ("scale_max", "5"),
            ]),
            "q1".into(),
            None,
        )
        .expect("scale");
        let values: Vec<String> = condition_values(&scale, "fr")
            .into_iter()
            .map(|(v, _)| v)
            .collect();
        assert_eq!(values, ["1", "2", "3", "4", "5"]);
        let follow = question_from(
            &fields(&[
                ("kind", "text"),
                ("label_fr", "Pourquoi ?"),
                ("show_if", "q1=1"),
            ]),
            "q2".into(),
            None,
        )
        .expect("follow-up");
        let questionnaire = Questionnaire {
            version: 1,
            questions: vec![scale, follow],
        };
        let answers = BTreeMap::from([("q1".to_string(), shared::domain::Answer::Scale(1))]);
        assert_eq!(questionnaire.asked(&answers).count(), 2);
    }

    #[test]
    fn conditions_that_can_no_longer_hold_are_cleared_and_moves_that_break_one_refused() {
        let choice = |id: &str, options: &str| {
            question_from(
                &fields(&[
                    ("kind", "single"),
                    ("label_fr", id),
                    ("options_fr", options),
                ]),
                id.into(),
                None,
            )
            .expect("choice")
        };
        let follow = question_from(
            &fields(&[
                ("kind", "text"),
                ("label_fr", "Pourquoi ?"),
                ("show_if", "q1=non"),
            ]),
            "q2".into(),
            None,
        )
        .expect("follow");
        let mut questionnaire = Questionnaire {
            version: 0,
            questions: vec![choice("q1", "Oui\nNon"), follow],
        };
        assert!(prune_conditions(&mut questionnaire).is_empty());
        questionnaire.questions.swap(0, 1);
        assert_eq!(
            broken_by_order(&questionnaire),
            Some(("Pourquoi ?".to_string(), "q1".to_string()))
        );
        questionnaire.questions.swap(0, 1);
        // "Non" removed from q1: the follow-up waits for nothing.
        questionnaire.questions[0] = question_from(
            &fields(&[
                ("kind", "single"),
                ("label_fr", "q1"),
                ("options_fr", "Oui\nPeut-être\nJamais"),
            ]),
            "q1".into(),
            Some(&questionnaire.questions[0]),
        )
        .expect("edited");
        assert_eq!(prune_conditions(&mut questionnaire), ["Pourquoi ?"]);
        assert!(questionnaire.questions[1].show_if.is_none());
    }
}
