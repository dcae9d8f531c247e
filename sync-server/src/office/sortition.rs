//! The sortition pages: choose the criteria, set the quotas (entered, or
//! from population figures), seats, reserves and the published seed; draw;
//! read the result with every volunteer's chance and the greedy method's
//! beside it; download the publishable record. A thin shell over
//! `sortition` (pool → setup → publish); records are kept in the
//! control database, so every server process sees them.

use super::form::Fields;
use super::layout::{PageError, Section, date, notice, page};
use super::results::Query;
use super::session::Office;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shared::domain::{Campaign, Person, PersonId, QuestionKind};
use shared::schema::{self, DocId, DocKind};
use shared::sync::Records;
use sortition::pool::{self, AGE, NEIGHBOURHOOD};
use sortition::publish::{self, Record};
use sortition::setup::{self, CategoryInput, SetupError, ValueInput};
use sortition::{SortitionError, Volunteer};
use std::collections::BTreeMap;

/// Seed length kept.
const MAX_SEED_CHARS: usize = 200;

/// A criterion the coordinator can choose: its trait name and its label.
struct Criterion {
    key: String,
    label: String,
}

/// The criteria: neighbourhood, age band, and every choice question.
fn criteria(lang: super::Lang, campaigns: &[Campaign]) -> Vec<Criterion> {
    let t = lang.sortition();
    let mut out = vec![
        Criterion {
            key: NEIGHBOURHOOD.into(),
            label: t.neighbourhood.into(),
        },
        Criterion {
            key: AGE.into(),
            label: t.age.into(),
        },
    ];
    for c in campaigns {
        for q in &c.questionnaire.questions {
            let choice = matches!(
                q.kind,
                QuestionKind::SingleChoice { .. } | QuestionKind::MultipleChoice { .. }
            );
            if choice && !out.iter().any(|o| o.key == q.id) {
                let label = q
                    .label
                    .get(lang.tag())
                    .or_else(|| q.label.get("fr"))
                    .cloned()
                    .unwrap_or_else(|| q.id.clone());
                out.push(Criterion {
                    key: q.id.clone(),
                    label: format!("{} : {label}", t.question),
                });
            }
        }
    }
    out
}

/// What the setup page shows.
struct Setup {
    criteria: Vec<Criterion>,
    chosen: Vec<String>,
    pool: pool::Pool,
    draws: Vec<(String, i64)>,
    /// Whether the process is for young people (children under 15 with
    /// a parent's agreement join the pool).
    young: bool,
}

async fn setup_data(office: &Office, asked: Vec<String>, young: bool) -> Result<Setup, PageError> {
    let lang = office.lang;
    let now = office.state().clock.now();
    let (criteria_list, pool) = {
        office
            .with_store(move |store| {
                let campaigns: Vec<Campaign> = store.readable_records(DocKind::Campaign)?;
                let criteria = criteria(lang, &campaigns);
                let chosen: Vec<String> = criteria
                    .iter()
                    .filter(|c| asked.contains(&c.key))
                    .map(|c| c.key.clone())
                    .collect();
                let questions: Vec<String> = chosen
                    .iter()
                    .filter(|k| *k != NEIGHBOURHOOD && *k != AGE)
                    .cloned()
                    .collect();
                let pool = pool::read(store, now, &questions, young)?;
                Ok(((criteria, chosen), pool))
            })
            .await?
    };
    let (criteria, chosen) = criteria_list;
    let municipality = office.account.municipality;
    let control = office.state().control.clone();
    let draws = tokio::task::spawn_blocking(move || control.draws(municipality))
        .await
        .map_err(|e| PageError::Internal(e.into()))?
        .map_err(|e| PageError::Internal(e.into()))?;
    Ok(Setup {
        criteria,
        chosen,
        pool,
        draws,
        young,
    })
}

/// Each chosen category's values in the pool, with their counts.
fn values(pool: &[Volunteer], chosen: &[String]) -> Vec<(String, Vec<(String, usize)>)> {
    chosen
        .iter()
        .map(|c| {
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for v in pool {
                if let Some(value) = v.traits.get(c) {
                    *counts.entry(value.clone()).or_default() += 1;
                }
            }
            (c.clone(), counts.into_iter().collect())
        })
        .collect()
}

fn chosen_of(query: &Query) -> Vec<String> {
    let mut chosen: Vec<String> = query.all("use").into_iter().map(str::to_string).collect();
    if chosen.is_empty() {
        chosen = vec![NEIGHBOURHOOD.into(), AGE.into()];
    }
    chosen
}

/// `GET /office/sortition`.
pub async fn show(office: Office, RawQuery(raw): RawQuery) -> Result<Markup, PageError> {
    let query = Query::parse(raw.as_deref());
    let young = query.get("young").is_some();
    let setup = setup_data(&office, chosen_of(&query), young).await?;
    Ok(setup_page(&office, &setup, None, None))
}

fn setup_page(
    office: &Office,
    s: &Setup,
    fields: Option<&Fields>,
    error: Option<Markup>,
) -> Markup {
    let t = office.lang.sortition();
    let field = |name: &str, default: &str| -> String {
        fields
            .map(|f| f.get(name))
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| default.to_string())
    };
    let label_of = |key: &str| {
        s.criteria
            .iter()
            .find(|c| c.key == key)
            .map_or(key.to_string(), |c| c.label.clone())
    };
    let seats_default = (s.pool.volunteers.len() / 2).clamp(1, 30).to_string();
    let lists = values(&s.pool.volunteers, &s.chosen);
    let body = html! {
        p.hint { (t.hint) }
        @if let Some(e) = error { (e) }
        section.card {
            h2 { (t.pool) }
            p { strong { (s.pool.volunteers.len()) } " " (t.pool_counts) }
            @if s.pool.without_visit > 0 { p.hint { (s.pool.without_visit) " " (t.without_visit) } }
            @if s.pool.expired > 0 { p.hint { (s.pool.expired) " " (t.expired) } }
            @if s.pool.minors_left_out > 0 { p.hint { (s.pool.minors_left_out) " " (t.minors_left_out) } }
        }
        form.card method="get" action="/office/sortition" {
            fieldset {
                legend { (t.categories) }
                p.hint { (t.categories_hint) }
                @for c in &s.criteria {
                    label.check { input type="checkbox" name="use" value=(c.key) checked[s.chosen.contains(&c.key)]; (c.label) }
                }
            }
            label.check { input type="checkbox" name="young" value="1" checked[s.young]; (t.young) }
            button type="submit" { (t.choose_categories) }
        }
        form.card.draw method="post" action=(office.action("/office/sortition/draw")) {
            @for c in &s.chosen { input type="hidden" name="use" value=(c); }
            @if s.young { input type="hidden" name="young" value="1"; }
            input type="hidden" name="digest" value=(digest(&lists));
            div.row {
                div { label for="seats" { (t.panel_size) } input #seats name="seats" type="number" min="1" max=(setup::MAX_SEATS) required value=(field("seats", &seats_default)); }
                div { label for="reserves" { (t.reserves) } input #reserves name="reserves" type="number" min="0" max="100" value=(field("reserves", "5")); }
                div { label for="slack" { (t.slack) } input #slack name="slack" type="number" min="0" max="50" value=(field("slack", "0")); p.hint { (t.slack_hint) } }
            }
            label for="seed" { (t.seed) }
            p.hint { (t.seed_hint) }
            input #seed name="seed" required maxlength=(MAX_SEED_CHARS) value=(field("seed", ""));
            h2 { (t.quotas) }
            p.hint { (t.quotas_hint) }
            @for (i, (category, vals)) in lists.iter().enumerate() {
                fieldset.quotas {
                    legend { (label_of(category)) }
                    table {
                        thead { tr { th scope="col" { (t.value) } th scope="col" { (t.in_pool) } th scope="col" { (t.min) } th scope="col" { (t.max) } th scope="col" { (t.population) } } }
                        tbody {
                            @for (j, (value, count)) in vals.iter().enumerate() {
                                @let name = format!("c{i}v{j}");
                                tr {
                                    th scope="row" { (value) }
                                    td { (count) }
                                    td { input type="number" min="0" name=(format!("{name}min")) aria-label=(format!("{} {value}", t.min)) value=(field(&format!("{name}min"), "")); }
                                    td { input type="number" min="0" name=(format!("{name}max")) aria-label=(format!("{} {value}", t.max)) value=(field(&format!("{name}max"), "")); }
                                    td { input type="number" min="0" step="any" name=(format!("{name}pop")) aria-label=(format!("{} {value}", t.population)) value=(field(&format!("{name}pop"), "")); }
                                }
                            }
                        }
                    }
                }
            }
            button type="submit" data-busy=(t.drawing) { (t.draw) }
        }
        section.card {
            h2 { (t.past_draws) }
            @if s.draws.is_empty() { p { (t.none_yet) } }
            ul { @for (id, at) in &s.draws { li { a href=(format!("/office/sortition/draws/{id}")) { (t.published) " " (date(*at)) } } } }
        }
    };
    page(office, Section::Sortition, t.title, body)
}

/// A digest of the criteria and their values as the form showed them: a
/// draw posted against another pool (new volunteers since) is refused
/// rather than given quotas meant for other values.
fn digest(lists: &[(String, Vec<(String, usize)>)]) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    for (category, values) in lists {
        hash.update((category.len() as u64).to_be_bytes());
        hash.update(category.as_bytes());
        for (value, _) in values {
            hash.update((value.len() as u64).to_be_bytes());
            hash.update(value.as_bytes());
        }
    }
    hex::encode(&hash.finalize()[..12])
}

/// The quotas as entered, for the server's own list of each criterion's
/// values (the form posts numbers by position, never the values, whose
/// spaces a form would trim).
fn inputs(fields: &Fields, lists: &[(String, Vec<(String, usize)>)]) -> Vec<CategoryInput> {
    let number = |name: &str| fields.get(name).trim().parse::<u32>().ok();
    lists
        .iter()
        .enumerate()
        .map(|(i, (category, values))| CategoryInput {
            category: category.clone(),
            values: values
                .iter()
                .enumerate()
                .map(|(j, (value, _))| {
                    let name = format!("c{i}v{j}");
                    ValueInput {
                        value: value.clone(),
                        min: number(&format!("{name}min")),
                        max: number(&format!("{name}max")),
                        population: fields
                            .get(&format!("{name}pop"))
                            .replace(',', ".")
                            .parse::<f64>()
                            .ok(),
                    }
                })
                .collect(),
        })
        .collect()
}

fn refusal(office: &Office, error: &SortitionError) -> Markup {
    let t = office.lang.sortition();
    match error {
        SortitionError::Infeasible(relaxations) => html! {
            div.notice.error role="alert" {
                p { (t.infeasible) }
                ul {
                    @for r in relaxations {
                        li { (r.category) " = " strong { (r.value) } " : " (t.asked) " " (r.asked.min) "–" (r.asked.max)
                             ", " (t.possible) " " (r.suggested.min) "–" (r.suggested.max) }
                    }
                }
            }
        },
        SortitionError::TooFewHouseholds { .. } => notice("error", t.too_few_households),
        SortitionError::Empty => notice("error", t.empty),
        SortitionError::Inverted { .. } => notice("error", t.bad_quota),
        SortitionError::NoQuota { .. } | SortitionError::MissingTrait { .. } => {
            notice("error", t.no_quota)
        }
        SortitionError::TooLarge(_) | SortitionError::Duplicate(_) => notice("error", t.too_large),
        SortitionError::Solver(_) => notice("error", t.solver),
    }
}

/// `POST /office/sortition/draw`.
pub async fn draw(office: Office, body: Bytes) -> Result<Response, PageError> {
    let fields = Fields::parse(&body);
    let t = office.lang.sortition();
    let chosen: Vec<String> = fields.all("use");
    let young = fields.get("young") == "1";
    let setup_state = setup_data(&office, chosen, young).await?;
    let seed: String = fields
        .get("seed")
        .trim()
        .chars()
        .take(MAX_SEED_CHARS)
        .collect();
    let number = |name: &str| fields.get(name).trim().parse::<u32>().unwrap_or(0);
    let again = |error: Markup| -> Result<Response, PageError> {
        Ok(setup_page(&office, &setup_state, Some(&fields), Some(error)).into_response())
    };
    if seed.is_empty() {
        return again(notice("error", t.seed_needed));
    }
    let lists = values(&setup_state.pool.volunteers, &setup_state.chosen);
    if fields.get("digest") != digest(&lists) {
        return again(notice("error", t.no_quota));
    }
    let request = match setup::request(number("seats"), number("slack"), &inputs(&fields, &lists)) {
        Ok(r) => r,
        Err(SetupError::Seats | SetupError::TooMany) => return again(notice("error", t.too_large)),
        Err(SetupError::Population(category)) => {
            return again(notice("error", &format!("{category} : {}", t.bad_quota)));
        }
    };
    let reserves = number("reserves").min(100);
    let pool = setup_state.pool.volunteers.clone();
    let now = crate::storage::control::now_ms();
    let run_seed = seed.clone();
    // Pseudonyms under a key of this draw alone, never kept.
    let key =
        crate::storage::secrets::random_bytes::<32>().map_err(|e| PageError::Internal(e.into()))?;
    let outcome = tokio::task::spawn_blocking(move || {
        publish::run(&pool, &request, &run_seed, reserves, now, &key)
    })
    .await
    .map_err(|e| PageError::Internal(e.into()))?;
    let drawn = match outcome {
        Ok(drawn) => drawn,
        Err(error) => return again(refusal(&office, &error)),
    };
    let internal = |e: serde_json::Error| PageError::Internal(e.into());
    let json = serde_json::to_string(&drawn.record).map_err(internal)?;
    let members = serde_json::to_string(&drawn.members).map_err(internal)?;
    let municipality = office.account.municipality;
    let control = office.state().control.clone();
    let id =
        tokio::task::spawn_blocking(move || control.put_draw(municipality, now, &json, &members))
            .await
            .map_err(|e| PageError::Internal(e.into()))?
            .map_err(|e| PageError::Internal(e.into()))?;
    office
        .journal(crate::journal::Event::Drew {
            pool: setup_state.pool.volunteers.len(),
            panel: drawn.record.panel.len(),
        })
        .await?;
    Ok(Redirect::to(&format!("/office/sortition/draws/{id}")).into_response())
}

async fn record_of(
    office: &Office,
    id: String,
) -> Result<(Record, BTreeMap<String, String>), PageError> {
    let lang = office.lang;
    if id.len() > 64 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(PageError::NotFound(lang));
    }
    let municipality = office.account.municipality;
    let control = office.state().control.clone();
    let (record, members) = tokio::task::spawn_blocking(move || control.draw(municipality, &id))
        .await
        .map_err(|e| PageError::Internal(e.into()))?
        .map_err(|e| PageError::Internal(e.into()))?
        .ok_or(PageError::NotFound(lang))?;
    let internal = |e: serde_json::Error| PageError::Internal(e.into());
    Ok((
        serde_json::from_str(&record).map_err(internal)?,
        serde_json::from_str(&members).map_err(internal)?,
    ))
}

/// A chance as the office's language writes it: "12,5 %" in French,
/// "12.5%" in English (one decimal: a finer one is noise to a reader).
fn percent(lang: super::Lang, p: f64) -> String {
    let text = format!("{:.1}", p * 100.0);
    match lang {
        super::Lang::Fr => format!("{}\u{202f}%", text.replace('.', ",")),
        super::Lang::En => format!("{text}%"),
    }
}

/// `GET /office/sortition/draws/{id}`.
pub async fn result(office: Office, Path(id): Path<String>) -> Result<Markup, PageError> {
    let (record, members) = record_of(&office, id.clone()).await?;
    let t = office.lang.sortition();
    // The coordinator calls the panel and the reserves: their names, read
    // from their own documents (an erased person shows as erased).
    let wanted: Vec<(String, String)> = record
        .panel
        .iter()
        .chain(&record.reserves)
        .filter_map(|p| members.get(p).map(|m| (p.clone(), m.clone())))
        .collect();
    let names: BTreeMap<String, (String, String)> = office
        .with_store(move |store| {
            let mut names = BTreeMap::new();
            for (pseudonym, id) in wanted {
                let Ok(person) = id.parse().map(PersonId) else {
                    continue;
                };
                if let Some(doc) = store.load(&DocId::person(person))?
                    && let Ok(p) = schema::read::<Person>(&doc)
                {
                    let contact = [p.phone.clone(), p.email.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" · ");
                    names.insert(pseudonym, (p.display_name, contact));
                }
            }
            Ok(names)
        })
        .await?;
    let traits = |id: &str| -> String {
        record
            .pool
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.traits.values().cloned().collect::<Vec<_>>().join(" · "))
            .unwrap_or_default()
    };
    let mut by_chance: Vec<&publish::Entry> = record.pool.iter().collect();
    by_chance.sort_by(|a, b| {
        a.probability
            .total_cmp(&b.probability)
            .then(a.id.cmp(&b.id))
    });
    let member = |id: &str| {
        let (name, contact) = names.get(id).cloned().unwrap_or_default();
        html! { td { (name) } td { (contact) } td { (traits(id)) } }
    };
    let body = html! {
        section.card {
            dl.published {
                dt { (t.published) } dd { (date(record.drawn_at)) }
                dt { (t.seed) } dd { code { (record.seed) } }
                dt { (t.fingerprint) } dd { code { (record.fingerprint) } }
                dt { (t.algorithm) } dd { (t.algorithm_words) " — " (record.panels_in_distribution) " " (t.distribution_panels) br; small { code { (record.algorithm) } } }
                dt { (t.lowest) } dd data-figure="lowest" { (percent(office.lang, record.lowest)) }
                dt { (t.best_possible) } dd { (percent(office.lang, record.best_possible)) }
                dt { (t.greedy_lowest) } dd data-figure="greedy-lowest" { (percent(office.lang, record.greedy_lowest)) }
            }
            p.hint { (t.greedy_hint.replace("{runs}", &record.greedy_runs.to_string())) }
            p.hint { (t.rerun_hint) }
            p {
                a href=(format!("/office/sortition/draws/{id}/published.json")) download { (t.download_published) }
                br;
                a href=(format!("/office/sortition/draws/{id}/record.json")) download { (t.download_record) }
            }
        }
        section.card {
            h2 { (t.quotas) " — " (t.panel_size) " : " (record.panel_size) }
            table { tbody {
                @for (category, values) in &record.quotas {
                    @for (value, quota) in values {
                        tr { th scope="row" { (category) " = " (value) } td { (quota.min) "–" (quota.max) } }
                    }
                }
            } }
        }
        section.card {
            h2 { (t.panel) " (" (record.panel.len()) ")" }
            table.panel {
                thead { tr { th scope="col" { (t.member) } th scope="col" { (t.contact) } th scope="col" { (t.traits) } } }
                tbody { @for id in &record.panel { tr { (member(id)) } } }
            }
            h2 { (t.reserve_list) }
            ol.reserves { @for id in &record.reserves { li { @let (n, c) = names.get(id).cloned().unwrap_or_default(); (n) " — " (c) " — " (traits(id)) } } }
        }
        section.card {
            h2 { (t.probabilities) }
            p.hint { (t.probabilities_hint) }
            table.chances {
                thead { tr { th scope="col" { "id" } th scope="col" { (t.traits) } th scope="col" { (t.probability) } th scope="col" { (t.greedy) } } }
                tbody {
                    @for e in &by_chance {
                        tr { td { code { (e.id) } } td { (e.traits.values().cloned().collect::<Vec<_>>().join(" · ")) }
                             td { (percent(office.lang, e.probability)) } td { (percent(office.lang, e.greedy)) } }
                    }
                }
            }
        }
    };
    Ok(page(&office, Section::Sortition, t.result, body))
}

/// `GET /office/sortition/draws/{id}/published.json`: what is published
/// of the draw: counts per stratum, no line per person.
pub async fn published_file(office: Office, Path(id): Path<String>) -> Result<Response, PageError> {
    let (record, _) = record_of(&office, id.clone()).await?;
    let json = serde_json::to_vec_pretty(&publish::published(&record))
        .map_err(|e| PageError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"palier-tirage-{id}-public.json\""),
            ),
        ],
        json,
    )
        .into_response())
}

/// `GET /office/sortition/draws/{id}/record.json`: the full record, kept
/// at the office (no name, no door; each pseudonym's traits, enough to
/// draw again).
pub async fn record_file(office: Office, Path(id): Path<String>) -> Result<Response, PageError> {
    let (record, _) = record_of(&office, id.clone()).await?;
    let json = serde_json::to_vec_pretty(&record).map_err(|e| PageError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"palier-tirage-{id}.json\""),
            ),
        ],
        json,
    )
        .into_response())
}
