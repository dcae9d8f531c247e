//! Seeded synthetic field data: visits, conversations and follow-ups over
//! a territory, the same for the same seed. The demo uses a small run of
//! it so a newcomer sees figures at once; the consolidation benchmark a
//! large one (150,000 dwellings, 1,000,000 visits).
//!
//! The records are written straight into the store, as the sync route
//! would after merging them: the point is the office's side, not the sync.

use automerge::Automerge;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shared::domain::*;
use shared::schema::{self, DocId, SingleRecord};
use shared::store::StoreError;
use shared::sync::DocumentStore;

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A record could not be written.
    #[error(transparent)]
    Schema(#[from] schema::SchemaError),
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct Spec {
    /// The randomness's seed.
    pub seed: u64,
    /// Visits per campaign, spread over the buildings.
    pub visits: usize,
    /// Agents in the team.
    pub agents: usize,
    /// Topics residents raise.
    pub topics: Vec<String>,
    /// Services follow-ups go to.
    pub services: Vec<String>,
    /// When the first visit happens.
    pub from: Timestamp,
    /// How long the campaign's visits last.
    pub days: i64,
    /// One conversation in this many ends with a volunteer signing up
    /// (0: none), with synthetic names and contacts.
    pub volunteers_every: u32,
    /// The questionnaire conversations answer (its published version),
    /// if any: nine in ten questions asked are answered.
    pub questionnaire: Option<Questionnaire>,
    /// The notice given before each conversation, and its French text's
    /// hash for the volunteers' consents (`None`: none was published).
    pub notice: Option<(u32, String)>,
}

/// What was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seeded {
    /// Visits written.
    pub visits: usize,
    /// Follow-ups written.
    pub follow_ups: usize,
    /// Volunteers written.
    pub volunteers: usize,
}

use shared::domain::RESIDENT_AGE_BANDS as AGE_BANDS;
const LANGUAGES: [&str; 5] = ["fr", "fr", "fr", "ar", "pt"];
const PROBLEMS: [&str; 4] = [
    "Ascenseur en panne",
    "Lampadaire éteint devant l'entrée",
    "Encombrants au pied de l'immeuble",
    "Porte du hall qui ne ferme plus",
];
const SAYINGS: [&str; 4] = [
    "L'ascenseur est souvent en panne.",
    "Il faudrait plus d'éclairage le soir près du parking.",
    "Les jeunes n'ont pas d'endroit où se retrouver.",
    "Les encombrants restent des semaines au pied de l'immeuble.",
];

fn outcome(rng: &mut StdRng) -> Outcome {
    match rng.random_range(0..100) {
        0..45 => Outcome::NotHome,
        45..75 => Outcome::Talked,
        75..83 => Outcome::Refused,
        83..90 => Outcome::NoAccess,
        90..96 => Outcome::ComeBack,
        _ => Outcome::Vacant,
    }
}

/// A synthetic volunteer: every one consents to the neighbourhood council,
/// two in three to the citizens' assembly, one in three to workshops.
fn volunteer(
    rng: &mut StdRng,
    n: usize,
    at: Timestamp,
    agent: AgentId,
    notice: Option<&(u32, String)>,
    parental: bool,
) -> Person {
    let consent = |purpose| ConsentRecord {
        purpose,
        wording_version: notice
            .map_or_else(|| "2026-11".to_string(), |(v, _)| format!("notice-{v}")),
        language: "fr".into(),
        at,
        agent,
        notice_version: notice.map(|(v, _)| *v),
        text_hash: notice.map(|(_, hash)| hash.clone()),
        parental,
    };
    let mut consents = vec![consent(ConsentPurpose::NeighbourhoodCouncil)];
    if rng.random_range(0..3) > 0 {
        consents.push(consent(ConsentPurpose::CitizensAssembly));
    }
    if rng.random_range(0..3) == 0 {
        consents.push(consent(ConsentPurpose::Workshop));
    }
    Person {
        id: PersonId(uuid::Builder::from_random_bytes(rng.random()).into_uuid()),
        display_name: format!("Volontaire {:03} (démo)", n + 1),
        phone: Some(format!("01 00 00 {:02} {:02}", n / 100 % 100, n % 100)),
        email: None,
        consents,
        withdrawals: Vec::new(),
        retain_until: at + 3 * 365 * 86_400_000,
    }
}

/// What a conversation answered: each question in order, asked when its
/// condition holds on the answers so far, answered nine times in ten.
fn answers(rng: &mut StdRng, q: &Questionnaire) -> std::collections::BTreeMap<String, Answer> {
    let mut out = std::collections::BTreeMap::new();
    for question in &q.questions {
        if !q.is_asked(question, &out) || rng.random_range(0..10) == 0 {
            continue;
        }
        let answer = match &question.kind {
            QuestionKind::SingleChoice { options } if !options.is_empty() => {
                Answer::Choice(options[rng.random_range(0..options.len())].clone())
            }
            QuestionKind::MultipleChoice { options } if !options.is_empty() => {
                let mut chosen: Vec<String> = options
                    .iter()
                    .filter(|_| rng.random_range(0..3) == 0)
                    .cloned()
                    .collect();
                if chosen.is_empty() {
                    chosen.push(options[rng.random_range(0..options.len())].clone());
                }
                Answer::Choices(chosen)
            }
            QuestionKind::Scale { min, max } if min <= max => {
                Answer::Scale(rng.random_range(*min..=*max))
            }
            QuestionKind::FreeText => {
                Answer::Text(IDEAS_SAID[rng.random_range(0..IDEAS_SAID.len())].into())
            }
            _ => continue,
        };
        out.insert(question.id.clone(), answer);
    }
    out
}

/// Free-text answers, invented.
const IDEAS_SAID: [&str; 5] = [
    "Des bancs près de l'aire de jeux",
    "Un local pour les jeunes le soir",
    "Plus de poubelles au pied des tours",
    "Un éclairage dans le passage vers le parking",
    "Une fête des voisins en juin",
];

/// Writes `spec.visits` visits of `campaign` over `buildings`, in batches
/// of one transaction per building.
pub fn visits(
    store: &mut dyn DocumentStore,
    campaign: CampaignId,
    buildings: &[Building],
    spec: &Spec,
) -> Result<Seeded, SeedError> {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    // Answers draw from their own sequence, so the rest of a seed's data
    // is the same with or without a questionnaire.
    let mut answering = StdRng::seed_from_u64(spec.seed ^ 0x5eed_a115);
    let agents: Vec<AgentId> = (0..spec.agents.max(1))
        .map(|_| AgentId(uuid::Builder::from_random_bytes(rng.random()).into_uuid()))
        .collect();
    let doors: usize = buildings.iter().map(Building::dwelling_count).sum();
    let mut seeded = Seeded::default();
    if doors == 0 {
        return Ok(seeded);
    }
    let span = spec.days.max(1) * 86_400_000;
    for building in buildings {
        let dwellings: Vec<DwellingRef> = building.dwellings().collect();
        if dwellings.is_empty() {
            continue;
        }
        // Each building gets its share of the visits.
        let share = (spec.visits * dwellings.len()).div_ceil(doors);
        let share = share.min(spec.visits - seeded.visits);
        let mut doc = Automerge::new();
        let mut extra: Vec<(DocId, Automerge)> = Vec::new();
        for _ in 0..share {
            let door = dwellings[rng.random_range(0..dwellings.len())].clone();
            let agent = agents[rng.random_range(0..agents.len())];
            let at = spec.from + rng.random_range(0..span);
            let outcome = outcome(&mut rng);
            let mut visit = Visit::outcome_only(
                campaign,
                building.id,
                door,
                Pass(rng.random_range(1..=3)),
                at,
                agent,
                outcome,
            );
            visit.id = VisitId(uuid::Builder::from_random_bytes(rng.random()).into_uuid());
            if outcome == Outcome::Talked {
                visit.profile.age_band =
                    Some(AGE_BANDS[rng.random_range(0..AGE_BANDS.len())].into());
                visit.profile.language =
                    Some(LANGUAGES[rng.random_range(0..LANGUAGES.len())].into());
                let topics = rng.random_range(0..3usize).min(spec.topics.len());
                for _ in 0..topics {
                    let t = spec.topics[rng.random_range(0..spec.topics.len())].clone();
                    if !visit.topics.contains(&t) {
                        visit.topics.push(t);
                    }
                }
                if rng.random_range(0..4) == 0 {
                    visit.verbatim = SAYINGS[rng.random_range(0..SAYINGS.len())].into();
                }
                if let Some(q) = &spec.questionnaire {
                    visit.questionnaire_version = Some(q.version);
                    visit.answers = answers(&mut answering, q);
                }
                if !spec.services.is_empty() && rng.random_range(0..10) == 0 {
                    let status =
                        FollowUpStatus::ALL[rng.random_range(0..FollowUpStatus::ALL.len())];
                    let follow_up = FollowUp {
                        id: FollowUpId(uuid::Builder::from_random_bytes(rng.random()).into_uuid()),
                        campaign,
                        service: spec.services[rng.random_range(0..spec.services.len())].clone(),
                        description: PROBLEMS[rng.random_range(0..PROBLEMS.len())].into(),
                        building: Some(building.id),
                        place: None,
                        status,
                        history: vec![StatusChange {
                            status,
                            at,
                            by: agent,
                            note: String::new(),
                        }],
                    };
                    let mut fdoc = Automerge::new();
                    schema::write(&mut fdoc, &follow_up)?;
                    visit.follow_up = Some(follow_up.id);
                    extra.push((follow_up.doc_id(), fdoc));
                    seeded.follow_ups += 1;
                }
            }
            if outcome == Outcome::Talked
                && spec.volunteers_every > 0
                && rng.random_range(0..spec.volunteers_every) == 0
            {
                // A child under 15 signs up with a parent, as the phone asks.
                let parental = visit.profile.age_band.as_deref() == Some("<15");
                let person = volunteer(
                    &mut rng,
                    seeded.volunteers,
                    at,
                    agent,
                    spec.notice.as_ref(),
                    parental,
                );
                let mut pdoc = Automerge::new();
                schema::write(&mut pdoc, &person)?;
                visit.person = Some(person.id);
                extra.push((person.doc_id(), pdoc));
                seeded.volunteers += 1;
            }
            if visit.about_resident() {
                visit.notice_version = spec.notice.as_ref().map(|(v, _)| *v);
            }
            schema::record_visit(&mut doc, &visit)?;
            seeded.visits += 1;
        }
        if share > 0 {
            let log = DocId::visits(campaign, building.id);
            let mut all = vec![(&log, &doc)];
            all.extend(extra.iter().map(|(id, d)| (id, d)));
            store.save_all(&all)?;
        }
        if seeded.visits >= spec.visits {
            break;
        }
    }
    Ok(seeded)
}
