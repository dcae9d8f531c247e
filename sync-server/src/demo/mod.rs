//! `--demo`: a municipality a newcomer can try at once — a small synthetic
//! estate, a door-to-door campaign with its questionnaire, a sector, an
//! office account and a fresh enrolment code, printed at start.

pub mod seed;

use crate::AppState;
use crate::storage::control::now_ms;
use automerge::Automerge;
use shared::api::Role;
use shared::domain::*;
use shared::schema::{self, SingleRecord};
use shared::sync::{DocumentStore, Records};

use std::collections::BTreeMap;
use std::fmt;

/// A day in milliseconds.
const DAY: i64 = 24 * 3600 * 1000;

/// The demo municipality's name.
pub const NAME: &str = "Démo – Villejuif";
/// The demo coordinator's e-mail.
pub const EMAIL: &str = "coordination@demo.palier.invalid";
/// The demo elected official's e-mail (read-only office, same password).
pub const ELECTED_EMAIL: &str = "elus@demo.palier.invalid";
/// The demo's data protection officer (the register, the journal and the
/// records of processing, read only).
pub const DPO_EMAIL: &str = "dpo@demo.palier.invalid";

/// What a newcomer needs to try the demo.
#[derive(Debug, Clone)]
pub struct Demo {
    /// The coordinator's password, new at each start.
    pub password: String,
    /// A one-time code to enrol a field device as an agent.
    pub code: String,
    /// A one-time code to enrol a youth ambassador's phone.
    pub ambassador_code: String,
    /// Buildings in the territory.
    pub buildings: usize,
}

impl fmt::Display for Demo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Demo municipality: {NAME} ({} buildings)",
            self.buildings
        )?;
        writeln!(f, "  office login:    {EMAIL}")?;
        writeln!(f, "  password:        {}", self.password)?;
        writeln!(
            f,
            "  elected login:   {ELECTED_EMAIL} (same password; reports and figures only)"
        )?;
        writeln!(
            f,
            "  dpo login:       {DPO_EMAIL} (same password; privacy pages, read only)"
        )?;
        writeln!(
            f,
            "  enrolment code:  {} (agent, whole town until a sector names it, single use)",
            self.code
        )?;
        write!(
            f,
            "  ambassador code: {} (youth ambassador: idea collection, single use)",
            self.ambassador_code
        )
    }
}

/// The demo's notice: the template with its gaps filled with the demo's
/// (fictitious) contacts, published once; its version and French hash.
fn demo_notice(
    state: &AppState,
    municipality: shared::domain::MunicipalityId,
) -> anyhow::Result<(u32, String)> {
    let notices = state.control.notices(municipality)?;
    let notice = match crate::notices::in_force(&notices) {
        Some(notice) => notice.clone(),
        None => {
            let texts: Vec<_> = crate::notices::template::LANGUAGES
                .iter()
                .map(|language| {
                    let mut text = crate::notices::template::default_text(language, NAME);
                    text.full = fill_gaps(&text.full);
                    text
                })
                .collect();
            let texts = crate::notices::plan(None, &texts)
                .map_err(|refusal| anyhow::anyhow!("demo notice: {refusal}"))?;
            let now = state.clock.now();
            let version = crate::notices::apply(&state.control, municipality, &texts, "demo", now)?;
            shared::domain::Notice {
                version,
                published_at: now,
                texts,
            }
        }
    };
    let french = notice
        .text("fr")
        .map(|t| t.hash(notice.version))
        .unwrap_or_default();
    Ok((notice.version, french))
}

/// The template's gaps, filled with the demo's fictitious contacts.
fn fill_gaps(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = crate::notices::template::GAP_MARKERS
        .iter()
        .filter_map(|m| rest.find(m))
        .min()
    {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find(']')
            .map_or(rest.len(), |e| start + e + 1);
        out.push_str("dpo@demo.palier.invalid, Hôtel de ville (démo)");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Creates the demo municipality on first start; later starts reuse its
/// territory and issue a new password and code.
pub fn ensure(state: &AppState) -> anyhow::Result<Demo> {
    let municipality = state.control.ensure_municipality(NAME)?;
    let password = crate::storage::secrets::new_token("demo")?
        .chars()
        .take(17)
        .collect::<String>();
    state
        .control
        .upsert_account(municipality, EMAIL, &password, Role::Coordinator)?;
    state.control.upsert_account(
        municipality,
        ELECTED_EMAIL,
        &password,
        Role::ElectedOfficial,
    )?;
    state.control.upsert_account(
        municipality,
        DPO_EMAIL,
        &password,
        Role::DataProtectionOfficer,
    )?;
    let (code, _) =
        state
            .control
            .new_enrolment_code(municipality, Role::Agent, true, 24 * 3600 * 1000)?;
    let (ambassador_code, _) = state.control.new_enrolment_code(
        municipality,
        Role::YouthAmbassador,
        true,
        24 * 3600 * 1000,
    )?;
    let notice = demo_notice(state, municipality)?;
    let store = state.tenants.store(municipality)?;
    let mut store = store.get()?;
    if store.document_count()? == 0 {
        seed(&mut *store, Some(notice))?;
    }
    let buildings = store.doc_ids_of(shared::schema::DocKind::Building)?.len();
    Ok(Demo {
        password,
        code,
        ambassador_code,
        buildings,
    })
}

fn save<T: SingleRecord>(store: &mut dyn DocumentStore, record: &T) -> anyhow::Result<()> {
    let mut doc = Automerge::new();
    schema::write(&mut doc, record)?;
    store.save_one(&record.doc_id(), &doc)?;
    Ok(())
}

fn square(lon: f64, lat: f64, half: f64) -> Vec<Ring> {
    vec![vec![
        Point {
            lon: lon - half,
            lat: lat - half,
        },
        Point {
            lon: lon + half,
            lat: lat - half,
        },
        Point {
            lon: lon + half,
            lat: lat + half,
        },
        Point {
            lon: lon - half,
            lat: lat + half,
        },
        Point {
            lon: lon - half,
            lat: lat - half,
        },
    ]]
}

fn tr(fr: &str, en: &str, ar: &str) -> Translations {
    BTreeMap::from([
        ("fr".to_string(), fr.to_string()),
        ("en".to_string(), en.to_string()),
        ("ar".to_string(), ar.to_string()),
    ])
}

/// Writes the synthetic territory: two neighbourhoods, twelve buildings of
/// two to three entrances and a 200-dwelling tower, a campaign and a
/// sector.
pub fn seed(store: &mut dyn DocumentStore, notice: Option<(u32, String)>) -> anyhow::Result<()> {
    let neighbourhoods = [
        ("Lebon-Lamartine", 2.3580, 48.7905),
        ("Pasteur-Barbusse", 2.3660, 48.7905),
    ]
    .map(|(name, lon, lat)| Neighbourhood {
        id: NeighbourhoodId::new(),
        key: name.into(),
        name: name.into(),
        polygons: vec![square(lon, lat, 0.004)],
    });
    for n in &neighbourhoods {
        save(store, n)?;
    }
    let mut buildings = Vec::new();
    for i in 0..12u8 {
        let neighbourhood = &neighbourhoods[usize::from(i / 6)];
        let lon = 2.3560 + f64::from(i % 6) * 0.0008 + f64::from(i / 6) * 0.008;
        let entrances = (0..(2 + i % 2))
            .map(|e| Entrance {
                label: char::from(b'A' + e).to_string(),
                has_door_code: e == 0,
                floors: (0..(4 + i32::from(i % 3)))
                    .map(|level| Floor {
                        level,
                        doors: (1..=4).map(|d| format!("{}{:02}", level, d)).collect(),
                    })
                    .collect(),
            })
            .collect();
        let building = Building {
            id: BuildingId::new(),
            key: format!("DEMO-{i:02}"),
            address: format!(
                "{} rue Jean-Baptiste Clément, Villejuif",
                2 + 2 * u32::from(i)
            ),
            estate: Some("Résidence des Lozaits".into()),
            landlord: Some("OPH de Villejuif (démo)".into()),
            location: Point {
                lon,
                lat: 48.7905 + f64::from(i % 3) * 0.0004,
            },
            neighbourhood: Some(neighbourhood.id),
            entrances,
        };
        save(store, &building)?;
        buildings.push(building.id);
    }
    // A tower of 200 dwellings, as in many estates: the largest grid a
    // canvasser opens.
    let tower = Building {
        id: BuildingId::new(),
        key: "DEMO-TOUR".into(),
        address: "Tour Lozaits, 1 allée Youri Gagarine, Villejuif".into(),
        estate: Some("Résidence des Lozaits".into()),
        landlord: Some("OPH de Villejuif (démo)".into()),
        location: Point {
            lon: 2.3590,
            lat: 48.7918,
        },
        neighbourhood: Some(neighbourhoods[0].id),
        entrances: vec![Entrance {
            label: "A".into(),
            has_door_code: true,
            floors: (0..20)
                .map(|level| Floor {
                    level,
                    doors: (1..=10).map(|d| format!("{level}{d:02}")).collect(),
                })
                .collect(),
        }],
    };
    save(store, &tower)?;
    buildings.insert(6, tower.id);
    let mut territory: Vec<Building> = store.readable_records(shared::schema::DocKind::Building)?;
    territory.sort_by(|a, b| a.key.cmp(&b.key));
    let now = now_ms();
    let campaign = Campaign {
        id: CampaignId::new(),
        name: "Porte-à-porte Lozaits, automne".into(),
        kind: CampaignKind::DoorToDoor,
        starts_at: now - 14 * DAY,
        ends_at: now + 46 * DAY,
        neighbourhoods: neighbourhoods.iter().map(|n| n.id).collect(),
        team: vec![],
        topics: [
            "propreté",
            "ascenseurs",
            "éclairage",
            "sécurité",
            "jeunesse",
            "stationnement",
        ]
        .map(String::from)
        .to_vec(),
        services: [
            "Propreté urbaine",
            "Bailleur",
            "Voirie et éclairage",
            "Jeunesse",
        ]
        .map(String::from)
        .to_vec(),
        questionnaire: Questionnaire {
            version: 1,
            questions: vec![
                Question {
                    id: "satisfaction".into(),
                    kind: QuestionKind::Scale { min: 1, max: 5 },
                    label: tr(
                        "Êtes-vous satisfait de la vie dans le quartier ?",
                        "Are you satisfied with life in the neighbourhood?",
                        "هل أنت راضٍ عن الحياة في الحي؟",
                    ),
                    option_labels: BTreeMap::new(),
                    required: true,
                    show_if: None,
                },
                Question {
                    id: "priorite".into(),
                    kind: QuestionKind::SingleChoice {
                        options: vec!["proprete".into(), "securite".into(), "jeunesse".into()],
                    },
                    label: tr(
                        "Quelle est votre priorité pour le quartier ?",
                        "What is your priority for the neighbourhood?",
                        "ما هي أولويتك بالنسبة للحي؟",
                    ),
                    option_labels: BTreeMap::from([
                        (
                            "proprete".into(),
                            tr("La propreté", "Cleanliness", "النظافة"),
                        ),
                        ("securite".into(), tr("La sécurité", "Safety", "الأمن")),
                        (
                            "jeunesse".into(),
                            tr("La jeunesse", "Young people", "الشباب"),
                        ),
                    ]),
                    required: false,
                    show_if: None,
                },
                Question {
                    id: "insecurite".into(),
                    kind: QuestionKind::MultipleChoice {
                        options: vec!["hall".into(), "parking".into(), "arret".into()],
                    },
                    label: tr(
                        "Où ne vous sentez-vous pas en sécurité ?",
                        "Where do you not feel safe?",
                        "أين لا تشعر بالأمان؟",
                    ),
                    option_labels: BTreeMap::from([
                        ("hall".into(), tr("Le hall", "The hall", "المدخل")),
                        (
                            "parking".into(),
                            tr("Le parking", "The car park", "موقف السيارات"),
                        ),
                        (
                            "arret".into(),
                            tr("L'arrêt de bus", "The bus stop", "موقف الحافلات"),
                        ),
                    ]),
                    required: false,
                    // Asked only to whoever chose safety first.
                    show_if: Some(Condition {
                        question: "priorite".into(),
                        equals: "securite".into(),
                    }),
                },
                Question {
                    id: "idee".into(),
                    kind: QuestionKind::FreeText,
                    label: tr(
                        "Une idée pour améliorer la résidence ?",
                        "An idea to improve the estate?",
                        "هل لديك فكرة لتحسين الإقامة؟",
                    ),
                    option_labels: BTreeMap::new(),
                    required: false,
                    show_if: None,
                },
            ],
        },
        questionnaire_draft: None,
        past_questionnaires: Vec::new(),
        categories: Vec::new(),
        places: Vec::new(),
        archived: false,
        report_quotes: Vec::new(),
    };
    save(store, &campaign)?;
    save(
        store,
        &Sector {
            id: SectorId::new(),
            campaign: campaign.id,
            name: "Lozaits nord".into(),
            buildings: buildings[..7].to_vec(),
            agents: vec![],
        },
    )?;
    // Field results, so the dashboard, the map, the comparison and the
    // report have something to show: the first two weeks of this campaign
    // in the south of the estate (another team's sector; the north one is
    // left blank for the newcomer's phone), and the whole estate canvassed
    // last spring.
    let south = Sector {
        id: SectorId::new(),
        campaign: campaign.id,
        name: "Lozaits sud".into(),
        buildings: buildings[7..].to_vec(),
        agents: vec![],
    };
    save(store, &south)?;
    let spec = |seed: u64, visits: usize, from: i64, days: i64| crate::demo::seed::Spec {
        seed,
        visits,
        agents: 4,
        topics: campaign.topics.clone(),
        services: campaign.services.clone(),
        from,
        days,
        volunteers_every: 4,
        questionnaire: Some(campaign.questionnaire.clone()),
        notice: notice.clone(),
    };
    let south_buildings: Vec<Building> = territory
        .iter()
        .filter(|b| south.buildings.contains(&b.id))
        .cloned()
        .collect();
    crate::demo::seed::visits(
        store,
        campaign.id,
        &south_buildings,
        &spec(1, 160, now - 14 * DAY, 14),
    )?;
    let spring = Campaign {
        id: CampaignId::new(),
        name: "Porte-à-porte Lozaits, printemps".into(),
        starts_at: now - 200 * DAY,
        ends_at: now - 150 * DAY,
        questionnaire_draft: None,
        ..campaign.clone()
    };
    save(store, &spring)?;
    crate::demo::seed::visits(
        store,
        spring.id,
        &territory,
        &spec(2, 700, spring.starts_at, 40),
    )?;
    ideas(store, &neighbourhoods, now)
}

/// A participatory budget collected in a school: categories, named places,
/// and a few ideas at each stage.
fn ideas(
    store: &mut dyn DocumentStore,
    neighbourhoods: &[Neighbourhood],
    now: Timestamp,
) -> anyhow::Result<()> {
    let mut budget = Campaign::new(
        "Budget participatif 2027 – collège Jean-Lurçat".into(),
        CampaignKind::IdeaCollection,
        now - 10 * DAY,
        now + 30 * DAY,
    );
    budget.neighbourhoods = neighbourhoods.iter().map(|n| n.id).collect();
    budget.categories = [
        "Sport",
        "Nature en ville",
        "Culture",
        "Mobilité",
        "Solidarité",
    ]
    .map(String::from)
    .to_vec();
    let place = |name: &str, lon: f64, lat: f64| NamedPlace {
        name: name.into(),
        point: Point { lon, lat },
    };
    budget.places = vec![
        place("Square des Lozaits", 2.3572, 48.7912),
        place("Parvis du collège", 2.3645, 48.7898),
        place("Parc Pasteur", 2.3681, 48.7921),
    ];
    save(store, &budget)?;
    let ambassador = AgentId::new();
    let ideas = [
        (
            "Un city-stade éclairé",
            "Pour jouer le soir après les cours.",
            "Sport",
            0,
            CostBand::From50kTo150k,
            IdeaStatus::Eligible,
            "",
        ),
        (
            "Des arbres fruitiers",
            "Un verger partagé que les classes entretiennent.",
            "Nature en ville",
            0,
            CostBand::Under10k,
            IdeaStatus::PutToVote,
            "",
        ),
        (
            "Une boîte à livres",
            "",
            "Culture",
            1,
            CostBand::Under10k,
            IdeaStatus::Received,
            "",
        ),
        (
            "Un parking pour les profs",
            "",
            "Mobilité",
            1,
            CostBand::Over150k,
            IdeaStatus::NotEligible,
            "Le stationnement ne relève pas du budget participatif.",
        ),
        (
            "Des abris à vélos",
            "Couverts, devant le collège.",
            "Mobilité",
            1,
            CostBand::From10kTo50k,
            IdeaStatus::Received,
            "",
        ),
        (
            "Un frigo solidaire",
            "",
            "Solidarité",
            2,
            CostBand::Under10k,
            IdeaStatus::Received,
            "",
        ),
    ];
    for (i, (title, description, category, at, cost, status, reason)) in
        ideas.into_iter().enumerate()
    {
        let named = &budget.places[at];
        save(
            store,
            &Idea {
                title: title.into(),
                description: description.into(),
                category: category.into(),
                place: Some(named.point),
                place_name: Some(named.name.clone()),
                cost_band: Some(cost),
                proposer: ProposerProfile {
                    age_band: Some(AgeBand::Under15),
                    school: Some("Collège Jean-Lurçat".into()),
                    class: Some(format!("{}e", 3 + i % 4)),
                    neighbourhood: None,
                },
                status,
                status_reason: reason.into(),
                ..Idea::new(budget.id, ambassador, now - (6 - i as i64) * DAY)
            },
        )?;
    }
    Ok(())
}
