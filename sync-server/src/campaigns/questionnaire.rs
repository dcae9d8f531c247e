//! The questionnaire editor's rules. Coordinators edit a draft;
//! publishing makes it the next version, which devices ask from their next
//! sync, while visits already made keep the version they answered
//! (`Visit::questionnaire_version`, past versions kept in
//! `Campaign::past_questionnaires`).
//!
//! An edit is planned on the stored campaign ([`plan`]): a refused edit
//! changes nothing and nothing is written; an accepted one may clear the
//! conditions that can no longer hold, and says which.

use shared::domain::{Campaign, Condition, Question, QuestionKind, Questionnaire, Translations};
use std::collections::BTreeMap;

/// The languages a questionnaire is written in: French first (it is
/// required), then the translations agents most often need.
pub const LANGUAGES: [(&str, &str); 3] = [("fr", "Français"), ("en", "English"), ("ar", "العربية")];

/// A question as the editor's form states it, by field name:
/// `label_<lang>`, `options_<lang>` (one option per line), `kind`
/// (`single`, `multiple`, `scale`, `text`), `scale_min`, `scale_max`,
/// `required` (ticked or not), `show_if` (`question=value`).
pub trait QuestionForm {
    /// A field's value, trimmed ("" when absent).
    fn get(&self, name: &str) -> String;
    /// A field's non-empty, trimmed lines.
    fn lines(&self, name: &str) -> Vec<String>;
    /// Whether a checkbox was ticked.
    fn checked(&self, name: &str) -> bool;
}

/// Why a question cannot be saved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    /// The French wording is empty.
    #[error("no French wording")]
    NoFrenchLabel,
    /// A choice with fewer than two options.
    #[error("a choice needs two options")]
    TooFewOptions,
    /// A translation of the options has another number of lines.
    #[error("{lang} options: {got} lines for {expected}")]
    TranslationLines {
        /// The language.
        lang: &'static str,
        /// Lines given.
        got: usize,
        /// Lines in French.
        expected: usize,
    },
    /// Scale bounds that are not two numbers, low then high.
    #[error("scale bounds")]
    ScaleBounds,
    /// A move would put a question before the one its condition reads.
    #[error("{question} would come before {depends_on}")]
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

/// The draft being edited: the draft if there is one, else a copy of
/// the published questionnaire.
pub fn draft(campaign: &Campaign) -> Questionnaire {
    campaign
        .questionnaire_draft
        .clone()
        .unwrap_or_else(|| campaign.questionnaire.clone())
}

/// A wording in `lang`, falling back to French.
pub fn label(translations: &Translations, lang: &str) -> String {
    translations
        .get(lang)
        .or_else(|| translations.get("fr"))
        .cloned()
        .unwrap_or_default()
}

/// The option ids of a choice question (none for the others).
pub fn options(q: &Question) -> &[String] {
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
pub fn condition_values(q: &Question, lang: &str) -> Vec<(String, String)> {
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
    fields: &impl QuestionForm,
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

/// What a coordinator does to the draft.
pub enum Edit<'a, F: QuestionForm> {
    /// Adds a question at the end.
    Add(&'a F),
    /// Saves a question.
    Update(&'a str, &'a F),
    /// Moves a question one place up.
    Up(&'a str),
    /// Moves a question one place down.
    Down(&'a str),
    /// Deletes a question.
    Delete(&'a str),
    /// The draft becomes the next version.
    Publish,
}

/// Why an edit is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The question is not in the draft.
    #[error("no such question")]
    NoSuchQuestion,
    /// The question as stated cannot be saved, or the move breaks a
    /// condition.
    #[error(transparent)]
    Question(#[from] QuestionError),
}

/// An accepted edit.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The campaign as it will be stored.
    pub campaign: Campaign,
    /// Whether anything changed (nothing to write otherwise).
    pub changed: bool,
    /// The wording of the questions whose condition was cleared.
    pub cleared: Vec<String>,
    /// The version published, for [`Edit::Publish`].
    pub published: Option<u32>,
}

/// Plans `edit` on `campaign` as stored.
pub fn plan<F: QuestionForm>(campaign: &Campaign, edit: Edit<'_, F>) -> Result<Planned, EditError> {
    let mut c = campaign.clone();
    let mut d = draft(&c);
    let position = |d: &Questionnaire, id: &str| {
        d.questions
            .iter()
            .position(|q| q.id == id)
            .ok_or(EditError::NoSuchQuestion)
    };
    // Only a move or a deletion is refused for a condition it would break;
    // a saved question's impossible condition is cleared instead.
    let reorders = matches!(edit, Edit::Up(_) | Edit::Down(_) | Edit::Delete(_));
    match edit {
        Edit::Publish => {
            let published = c.publish_draft();
            return Ok(Planned {
                changed: published.is_some(),
                campaign: c,
                cleared: Vec::new(),
                published,
            });
        }
        Edit::Add(form) => {
            let question = question_from(form, next_id(&c, &d), None)?;
            d.questions.push(question);
        }
        Edit::Update(id, form) => {
            let index = position(&d, id)?;
            let updated = question_from(form, id.to_string(), d.questions.get(index))?;
            if d.questions[index] == updated {
                return Ok(unchanged(c));
            }
            d.questions[index] = updated;
        }
        Edit::Up(id) => match position(&d, id)? {
            0 => return Ok(unchanged(c)),
            i => d.questions.swap(i, i - 1),
        },
        Edit::Down(id) => match position(&d, id)? {
            i if i + 1 >= d.questions.len() => return Ok(unchanged(c)),
            i => d.questions.swap(i, i + 1),
        },
        Edit::Delete(id) => {
            let i = position(&d, id)?;
            d.questions.remove(i);
        }
    }
    if let Some((question, depends_on)) = broken_by_order(&d).filter(|_| reorders) {
        return Err(QuestionError::MoveBreaksCondition {
            question,
            depends_on,
        }
        .into());
    }
    let cleared = prune_conditions(&mut d);
    c.questionnaire_draft = Some(d);
    Ok(Planned {
        campaign: c,
        changed: true,
        cleared,
        published: None,
    })
}

fn unchanged(campaign: Campaign) -> Planned {
    Planned {
        campaign,
        changed: false,
        cleared: Vec::new(),
        published: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::CampaignKind;

    /// A form as the editor's page sends it: fields in order.
    struct Fields(Vec<(String, String)>);

    impl QuestionForm for Fields {
        fn get(&self, name: &str) -> String {
            self.0
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        }
        fn lines(&self, name: &str) -> Vec<String> {
            self.get(name)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        }
        fn checked(&self, name: &str) -> bool {
            self.0.iter().any(|(k, _)| k == name)
        }
    }

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
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

    #[test]
    fn a_refused_edit_changes_nothing_and_an_accepted_one_says_what_it_cleared() {
        let mut campaign = Campaign::new("Automne".into(), CampaignKind::DoorToDoor, 0, 1);
        let add = |c: &Campaign, pairs: &[(&str, &str)]| plan(c, Edit::Add(&fields(pairs)));
        assert_eq!(
            add(&campaign, &[("kind", "text")]),
            Err(EditError::Question(QuestionError::NoFrenchLabel))
        );
        campaign = add(
            &campaign,
            &[
                ("kind", "single"),
                ("label_fr", "Bus ?"),
                ("options_fr", "Oui\nNon"),
            ],
        )
        .expect("first")
        .campaign;
        let second = add(
            &campaign,
            &[
                ("kind", "text"),
                ("label_fr", "Pourquoi ?"),
                ("show_if", "q1=non"),
            ],
        )
        .expect("second");
        assert!(second.changed && second.cleared.is_empty());
        campaign = second.campaign;
        let d = draft(&campaign);
        assert_eq!(
            d.questions
                .iter()
                .map(|q| q.id.as_str())
                .collect::<Vec<_>>(),
            ["q1", "q2"]
        );
        // Up at the top changes nothing; moving the follow-up first is refused.
        assert!(
            !plan(&campaign, Edit::<Fields>::Up("q1"))
                .expect("up")
                .changed
        );
        assert!(matches!(
            plan(&campaign, Edit::<Fields>::Up("q2")),
            Err(EditError::Question(
                QuestionError::MoveBreaksCondition { .. }
            ))
        ));
        assert_eq!(
            plan(&campaign, Edit::<Fields>::Delete("q9")),
            Err(EditError::NoSuchQuestion)
        );
        // Deleting the question a condition reads clears that condition.
        let deleted = plan(&campaign, Edit::<Fields>::Delete("q1")).expect("delete");
        assert_eq!(deleted.cleared, ["Pourquoi ?"]);
        // Publishing makes the draft version 1; publishing again, nothing.
        let published = plan(&deleted.campaign, Edit::<Fields>::Publish).expect("publish");
        assert_eq!(published.published, Some(1));
        assert!(
            !plan(&published.campaign, Edit::<Fields>::Publish)
                .expect("again")
                .changed
        );
        // A new question never takes an id a published one had.
        let next = add(
            &published.campaign,
            &[("kind", "text"), ("label_fr", "Autre")],
        )
        .expect("next");
        assert_eq!(
            draft(&next.campaign)
                .questions
                .last()
                .map(|q| q.id.as_str()),
            Some("q3")
        );
    }
}
