//! A campaign (démarche) and the questionnaire its agents ask.

use super::{AgentId, Answer, CampaignId, NeighbourhoodId, Point, Timestamp};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Text in several languages, keyed by BCP 47 tag ("fr", "en", "ar").
pub type Translations = BTreeMap<String, String>;

/// What kind of participation exercise a campaign is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum CampaignKind {
    /// Porte-à-porte in housing estates.
    DoorToDoor,
    /// Participatory-budget ideas, often in schools.
    IdeaCollection,
    /// A stand in the street or at a market.
    StreetStand,
    /// A walk through a neighbourhood with residents.
    ExploratoryWalk,
}

/// How a question is answered.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub enum QuestionKind {
    /// One option among several.
    SingleChoice {
        /// Option ids, in display order.
        options: Vec<String>,
    },
    /// Any number of options.
    MultipleChoice {
        /// Option ids, in display order.
        options: Vec<String>,
    },
    /// A number between two bounds.
    Scale {
        /// Lowest value.
        min: i64,
        /// Highest value.
        max: i64,
    },
    /// Words, as said.
    FreeText,
}

/// One question of a questionnaire.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Question {
    /// Stable id, used by answers.
    pub id: String,
    /// How it is answered.
    pub kind: QuestionKind,
    /// The question's wording per language.
    pub label: Translations,
    /// Option labels per option id, per language.
    pub option_labels: BTreeMap<String, Translations>,
    /// Whether the agent must answer it (when it is shown).
    pub required: bool,
    /// Shown only when an earlier answer has a given value.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub show_if: Option<Condition>,
}

/// "Ask this only if question `question` was answered `equals`": for a
/// choice, `equals` is an option id (for multiple choice, one of those
/// ticked); for a scale, the number; for free text, the exact words.
#[derive(Clone, Debug, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Condition {
    /// The earlier question's id.
    pub question: String,
    /// The value it must have.
    pub equals: String,
}

impl Condition {
    /// Whether `answer` satisfies the condition.
    pub fn holds(&self, answer: &Answer) -> bool {
        match answer {
            Answer::Choice(option) => *option == self.equals,
            Answer::Choices(options) => options.contains(&self.equals),
            Answer::Scale(value) => value.to_string() == self.equals,
            Answer::Text(text) => text.trim() == self.equals.trim(),
        }
    }
}

/// The questions of a campaign, versioned so each visit keeps the version it
/// answered.
#[derive(Clone, Debug, Default, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Questionnaire {
    /// Bumped each time the office publishes a change to the questions.
    pub version: u32,
    /// Questions in order.
    pub questions: Vec<Question>,
}

impl Questionnaire {
    /// Whether `question` is asked, given the answers so far: it is when it
    /// has no condition, or when the question its condition names is itself
    /// asked and was answered with the expected value. Conditions may only
    /// point backwards, so a loop in a malformed document cannot hang this.
    pub fn is_asked(&self, question: &Question, answers: &BTreeMap<String, Answer>) -> bool {
        let mut current = question;
        for _ in 0..=self.questions.len() {
            let Some(condition) = &current.show_if else {
                return true;
            };
            let Some(answer) = answers.get(&condition.question) else {
                return false;
            };
            if !condition.holds(answer) {
                return false;
            }
            let Some(earlier) = self.questions.iter().find(|q| q.id == condition.question) else {
                return false;
            };
            current = earlier;
        }
        false
    }

    /// The questions asked, given the answers so far.
    pub fn asked<'a>(
        &'a self,
        answers: &'a BTreeMap<String, Answer>,
    ) -> impl Iterator<Item = &'a Question> + 'a {
        self.questions
            .iter()
            .filter(move |q| self.is_asked(q, answers))
    }

    /// The required questions that are asked but not answered.
    pub fn missing<'a>(
        &'a self,
        answers: &'a BTreeMap<String, Answer>,
    ) -> impl Iterator<Item = &'a Question> + 'a {
        self.asked(answers)
            .filter(move |q| q.required && !answers.contains_key(&q.id))
    }

    /// The answers without those to questions that are no longer asked
    /// (the agent answered, then changed the earlier answer).
    pub fn keep_asked(&self, answers: &BTreeMap<String, Answer>) -> BTreeMap<String, Answer> {
        answers
            .iter()
            .filter(|(id, _)| {
                self.questions
                    .iter()
                    .find(|q| &q.id == *id)
                    .is_some_and(|q| self.is_asked(q, answers))
            })
            .map(|(id, a)| (id.clone(), a.clone()))
            .collect()
    }
}

/// A participation exercise.
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Campaign {
    /// Its id.
    pub id: CampaignId,
    /// Its name, e.g. "Porte-à-porte Lebon-Lamartine, automne".
    pub name: String,
    /// What kind of exercise it is.
    pub kind: CampaignKind,
    /// First day.
    pub starts_at: Timestamp,
    /// Last day.
    pub ends_at: Timestamp,
    /// The neighbourhoods it covers.
    pub neighbourhoods: Vec<NeighbourhoodId>,
    /// The team.
    pub team: Vec<AgentId>,
    /// Topics agents can tick (free topics are added in the field).
    pub topics: Vec<String>,
    /// City services follow-ups can be sent to.
    pub services: Vec<String>,
    /// The questionnaire agents ask now.
    pub questionnaire: Questionnaire,
    /// The office's unpublished changes, if any: devices keep asking
    /// `questionnaire` until the draft is published.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub questionnaire_draft: Option<Questionnaire>,
    /// Every version published before `questionnaire`, oldest first, so the
    /// answers of a visit read with the wording it was asked in.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub past_questionnaires: Vec<Questionnaire>,
    /// The categories an idea is filed under (idea collections).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub categories: Vec<String>,
    /// Places an ambassador can pick an idea's location from, by name,
    /// without a map (idea collections).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub places: Vec<NamedPlace>,
    /// Archived by the office: gone from the phones' lists and from the
    /// office's current campaigns; its results stay. A phone of an earlier
    /// release ignores it (the campaign stays on its list); records made
    /// in it still sync.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub archived: bool,
    /// The visits whose verbatim a coordinator chose to quote in the report
    /// to elected officials, by visit id. No resident's words reach a
    /// report otherwise, and only the id is kept here: a quote whose
    /// verbatim is erased disappears with it. A phone of an earlier
    /// release ignores it.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub report_quotes: Vec<String>,
}

/// A place everybody knows by its name: "Parc de la Fosse-Maussoin".
#[derive(Clone, Debug, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct NamedPlace {
    /// Its name.
    pub name: String,
    /// Where it is.
    pub point: Point,
}

impl Campaign {
    /// A new campaign: no neighbourhoods, team, topics, services or
    /// questions yet (the office fills them in).
    pub fn new(name: String, kind: CampaignKind, starts_at: Timestamp, ends_at: Timestamp) -> Self {
        Self {
            id: CampaignId::new(),
            name,
            kind,
            starts_at,
            ends_at: ends_at.max(starts_at),
            neighbourhoods: Vec::new(),
            team: Vec::new(),
            topics: Vec::new(),
            services: Vec::new(),
            questionnaire: Questionnaire::default(),
            questionnaire_draft: None,
            past_questionnaires: Vec::new(),
            categories: Vec::new(),
            places: Vec::new(),
            archived: false,
            report_quotes: Vec::new(),
        }
    }

    /// The questionnaire with that version, current or past.
    pub fn questionnaire_version(&self, version: u32) -> Option<&Questionnaire> {
        std::iter::once(&self.questionnaire)
            .chain(self.past_questionnaires.iter())
            .find(|q| q.version == version)
    }

    /// Publishes the draft: it becomes the questionnaire devices ask at
    /// their next sync, one version above the last, and the previous one is
    /// kept. Returns the new version, or `None` when there is no draft.
    pub fn publish_draft(&mut self) -> Option<u32> {
        let mut draft = self.questionnaire_draft.take()?;
        let latest = self
            .past_questionnaires
            .iter()
            .map(|q| q.version)
            .chain([self.questionnaire.version])
            .max()
            .unwrap_or(0);
        draft.version = latest + 1;
        let previous = std::mem::replace(&mut self.questionnaire, draft);
        if !previous.questions.is_empty() || previous.version > 0 {
            self.past_questionnaires.push(previous);
        }
        Some(self.questionnaire.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(id: &str, show_if: Option<(&str, &str)>) -> Question {
        Question {
            id: id.into(),
            kind: QuestionKind::SingleChoice {
                options: vec!["yes".into(), "no".into()],
            },
            label: Translations::from([("fr".into(), id.into())]),
            option_labels: BTreeMap::new(),
            required: true,
            show_if: show_if.map(|(question, equals)| Condition {
                question: question.into(),
                equals: equals.into(),
            }),
        }
    }

    fn questionnaire() -> Questionnaire {
        Questionnaire {
            version: 1,
            questions: vec![
                question("q1", None),
                question("q2", Some(("q1", "yes"))),
                question("q3", Some(("q2", "yes"))),
            ],
        }
    }

    #[test]
    fn a_conditional_question_is_asked_only_after_the_expected_answer() {
        let q = questionnaire();
        let mut answers = BTreeMap::new();
        let ids =
            |a: &BTreeMap<String, Answer>| q.asked(a).map(|x| x.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&answers), ["q1"]);
        answers.insert("q1".into(), Answer::Choice("yes".into()));
        assert_eq!(ids(&answers), ["q1", "q2"]);
        answers.insert("q2".into(), Answer::Choice("yes".into()));
        assert_eq!(ids(&answers), ["q1", "q2", "q3"]);
        // Changing the first answer hides the whole chain, and its answers
        // are not kept.
        answers.insert("q1".into(), Answer::Choice("no".into()));
        assert_eq!(ids(&answers), ["q1"]);
        assert_eq!(q.keep_asked(&answers).len(), 1);
        assert_eq!(q.missing(&answers).count(), 0);
    }

    #[test]
    fn a_condition_loop_in_a_malformed_document_is_not_asked() {
        let q = Questionnaire {
            version: 1,
            questions: vec![
                question("a", Some(("b", "yes"))),
                question("b", Some(("a", "yes"))),
            ],
        };
        let answers = BTreeMap::from([
            ("a".to_string(), Answer::Choice("yes".into())),
            ("b".to_string(), Answer::Choice("yes".into())),
        ]);
        assert_eq!(q.asked(&answers).count(), 0);
    }

    #[test]
    fn publishing_keeps_the_previous_version() {
        let mut campaign = Campaign::new("c".into(), CampaignKind::DoorToDoor, 0, 0);
        campaign.questionnaire = questionnaire();
        assert_eq!(campaign.publish_draft(), None);
        let mut draft = campaign.questionnaire.clone();
        draft.questions.pop();
        campaign.questionnaire_draft = Some(draft);
        assert_eq!(campaign.publish_draft(), Some(2));
        assert_eq!(campaign.questionnaire.questions.len(), 2);
        assert_eq!(
            campaign.questionnaire_version(1).map(|q| q.questions.len()),
            Some(3)
        );
        assert!(campaign.questionnaire_draft.is_none());
    }

    /// A phone of the release before `archived` reads an archived
    /// campaign (the key it does not know is left aside), and this release
    /// reads that release's campaigns (no key: not archived).
    #[test]
    fn archived_is_read_by_the_previous_release_and_missing_means_no() {
        #[derive(autosurgeon::Hydrate, autosurgeon::Reconcile, Debug, PartialEq)]
        struct Before {
            name: String,
            starts_at: Timestamp,
            ends_at: Timestamp,
        }
        let mut campaign = Campaign::new("Été".into(), CampaignKind::DoorToDoor, 1, 2);
        campaign.archived = true;
        let mut doc = automerge::AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &campaign).expect("write");
        let before: Before = autosurgeon::hydrate(&doc).expect("the previous release reads it");
        assert_eq!(before.name, "Été");

        let mut old = automerge::AutoCommit::new();
        autosurgeon::reconcile(
            &mut old,
            Campaign::new("Hiver".into(), CampaignKind::DoorToDoor, 1, 2),
        )
        .expect("write");
        automerge::transaction::Transactable::delete(&mut old, automerge::ROOT, "archived")
            .expect("as the previous release wrote it");
        let read: Campaign = autosurgeon::hydrate(&old).expect("read");
        assert!(!read.archived);
    }
}
