//! The read model's tables, one numbered step at a time (never edit a step
//! that has shipped: add the next one).
//!
//! Plain SQL that PostgreSQL runs as written: `TEXT`, `BIGINT`,
//! `DOUBLE PRECISION`, `ON CONFLICT … DO UPDATE`, no rowid tricks. Every
//! row carries the `doc_id` of the document it was projected from, so
//! re-projecting or erasing a document deletes exactly its rows.
//!
//! Beside the visits, `rm_agg_*` hold each visit log's figures summed per
//! building (doors reached, outcomes, agents, topics, first visits per
//! day): a door belongs to one building, so distinct doors add up across
//! buildings, and a view over the whole campaign reads a few thousand
//! building rows instead of every visit.
//!
//! Their indexes cover the columns the figures sum, so a view reads the
//! index alone.
//!
//! What each door answered: `rm_asked` has a row per question a talked
//! visit was asked (its condition held, in the questionnaire version the
//! visit answered) saying whether it was answered; `rm_answer_values` a
//! row per option chosen, scale value or free-text answer (both carry the
//! conversation's building, time, age band and language, so a period's
//! counts never go through `rm_visits`); `rm_questions`
//! every published version's questions, for their wording; `rm_agg_asked`
//! and `rm_agg_answer_values` the same counted per visit log (building and
//! campaign), read when a view covers the whole campaign: once in all
//! (`by_public` ''), and again per age band and per language (`by_public`
//! `age_band` or `language`, `public` the value, '' when not noted).
//!
//! No identity lives here: visits keep the resident's age band and
//! language (never a name or a person link), and the only free text kept is
//! what a view shows: a conversation's verbatim and free-text answers (the
//! report quotes only those a coordinator chose, `rm_report_quotes`,
//! redacted) and a follow-up's description and status note (the follow-up
//! list) and an idea's title, description, named place and the office's
//! reason (the ideas page and its exports). An idea's proposer is an age
//! band, a school, a class and a neighbourhood, never a name. The rows are still about households'
//! doors: the file is the municipality's, like its store, and
//! `secure_delete` is on.

use shared::store::Migration;

/// Every step, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "read model: territory, campaigns, visits, follow-ups, ideas",
        sql: "
CREATE TABLE rm_meta (
    key TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
CREATE TABLE rm_campaigns (
    doc_id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL
);
CREATE TABLE rm_neighbourhoods (
    doc_id TEXT PRIMARY KEY,
    neighbourhood_id TEXT NOT NULL,
    name TEXT NOT NULL,
    polygons TEXT NOT NULL
);
CREATE TABLE rm_buildings (
    doc_id TEXT PRIMARY KEY,
    building_id TEXT NOT NULL,
    key TEXT NOT NULL,
    address TEXT NOT NULL,
    neighbourhood_id TEXT,
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    doors BIGINT NOT NULL
);
CREATE INDEX rm_buildings_by_id ON rm_buildings (building_id);
CREATE TABLE rm_sector_buildings (
    doc_id TEXT NOT NULL,
    sector_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    sector_name TEXT NOT NULL,
    building_id TEXT NOT NULL,
    PRIMARY KEY (doc_id, building_id)
);
CREATE INDEX rm_sector_buildings_by_campaign ON rm_sector_buildings (campaign_id, building_id);
CREATE TABLE rm_sectors (
    doc_id TEXT PRIMARY KEY,
    sector_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE TABLE rm_visits (
    doc_id TEXT NOT NULL,
    visit_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    building_id TEXT NOT NULL,
    door_key TEXT NOT NULL,
    door_label TEXT NOT NULL,
    pass BIGINT NOT NULL,
    at BIGINT NOT NULL,
    agent_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    age_band TEXT,
    language TEXT,
    under_25 BIGINT NOT NULL,
    over_65 BIGINT NOT NULL,
    not_french BIGINT NOT NULL,
    follow_up_id TEXT,
    verbatim TEXT NOT NULL,
    PRIMARY KEY (doc_id, visit_id)
);
CREATE INDEX rm_visits_by_campaign ON rm_visits
    (campaign_id, at, building_id, door_key, agent_id, pass, outcome, under_25, over_65,
     not_french);
CREATE INDEX rm_visits_by_building ON rm_visits (building_id);
CREATE TABLE rm_agg_buildings (
    doc_id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL,
    building_id TEXT NOT NULL,
    visits BIGINT NOT NULL,
    doors_reached BIGINT NOT NULL,
    doors_talked BIGINT NOT NULL,
    conversations BIGINT NOT NULL,
    under_25 BIGINT NOT NULL,
    over_65 BIGINT NOT NULL,
    not_french BIGINT NOT NULL
);
CREATE INDEX rm_agg_buildings_by_campaign ON rm_agg_buildings
    (campaign_id, building_id, visits, doors_reached, doors_talked, conversations, under_25,
     over_65, not_french);
CREATE TABLE rm_agg_outcomes (
    doc_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    building_id TEXT NOT NULL,
    pass BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    visits BIGINT NOT NULL,
    PRIMARY KEY (doc_id, pass, outcome)
);
CREATE INDEX rm_agg_outcomes_by_campaign ON rm_agg_outcomes
    (campaign_id, building_id, pass, outcome, visits);
CREATE TABLE rm_agg_agents (
    doc_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    building_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    visits BIGINT NOT NULL,
    doors BIGINT NOT NULL,
    doors_talked BIGINT NOT NULL,
    conversations BIGINT NOT NULL,
    rapid BIGINT NOT NULL,
    PRIMARY KEY (doc_id, agent_id)
);
CREATE INDEX rm_agg_agents_by_campaign ON rm_agg_agents
    (campaign_id, building_id, agent_id, visits, doors, doors_talked, conversations, rapid);
CREATE TABLE rm_agg_topics (
    doc_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    building_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    conversations BIGINT NOT NULL,
    PRIMARY KEY (doc_id, topic)
);
CREATE INDEX rm_agg_topics_by_campaign ON rm_agg_topics
    (campaign_id, building_id, topic, conversations);
CREATE TABLE rm_agg_first_days (
    doc_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    building_id TEXT NOT NULL,
    day BIGINT NOT NULL,
    doors BIGINT NOT NULL,
    PRIMARY KEY (doc_id, day)
);
CREATE INDEX rm_agg_first_days_by_campaign ON rm_agg_first_days
    (campaign_id, building_id, day, doors);
CREATE TABLE rm_visit_topics (
    doc_id TEXT NOT NULL,
    visit_id TEXT NOT NULL,
    topic TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    building_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    talked BIGINT NOT NULL,
    PRIMARY KEY (doc_id, visit_id, topic)
);
CREATE INDEX rm_visit_topics_by_campaign ON rm_visit_topics
    (campaign_id, at, talked, building_id, topic);
CREATE TABLE rm_follow_ups (
    doc_id TEXT PRIMARY KEY,
    follow_up_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    service TEXT NOT NULL,
    description TEXT NOT NULL,
    building_id TEXT,
    status TEXT NOT NULL,
    raised_at BIGINT,
    updated_at BIGINT,
    last_note TEXT NOT NULL
);
CREATE INDEX rm_follow_ups_by_campaign ON rm_follow_ups (campaign_id);
CREATE TABLE rm_ideas (
    doc_id TEXT PRIMARY KEY,
    idea_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    category TEXT NOT NULL,
    lon DOUBLE PRECISION,
    lat DOUBLE PRECISION,
    collected_at BIGINT NOT NULL
);
CREATE TABLE rm_unreadable (
    doc_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL
);
",
    },
    Migration {
        version: 2,
        name: "read model: an idea's text, place, cost, proposer profile and status",
        sql: "
ALTER TABLE rm_ideas ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE rm_ideas ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE rm_ideas ADD COLUMN place_name TEXT;
ALTER TABLE rm_ideas ADD COLUMN cost_band TEXT;
ALTER TABLE rm_ideas ADD COLUMN age_band TEXT;
ALTER TABLE rm_ideas ADD COLUMN school TEXT;
ALTER TABLE rm_ideas ADD COLUMN class TEXT;
ALTER TABLE rm_ideas ADD COLUMN home_neighbourhood TEXT;
ALTER TABLE rm_ideas ADD COLUMN status TEXT NOT NULL DEFAULT 'received';
ALTER TABLE rm_ideas ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE rm_ideas ADD COLUMN duplicate_of TEXT;
CREATE INDEX rm_ideas_by_campaign ON rm_ideas (campaign_id, category);
",
    },
    Migration {
        version: 3,
        name: "read model: questions of every published version, and what each door answered",
        sql: "
CREATE TABLE rm_questions (
    doc_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    question_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    scale_min BIGINT,
    scale_max BIGINT,
    label TEXT NOT NULL,
    options TEXT NOT NULL,
    option_labels TEXT NOT NULL,
    show_if TEXT,
    PRIMARY KEY (doc_id, version, question_id)
);
CREATE INDEX rm_questions_by_campaign ON rm_questions (campaign_id, question_id, version);
CREATE TABLE rm_asked (
    doc_id TEXT NOT NULL,
    visit_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    building_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    age_band TEXT,
    language TEXT,
    version BIGINT NOT NULL,
    answered BIGINT NOT NULL,
    PRIMARY KEY (doc_id, visit_id, question_id)
);
CREATE INDEX rm_asked_by_campaign ON rm_asked
    (campaign_id, at, building_id, question_id, answered, age_band, language);
CREATE TABLE rm_answer_values (
    doc_id TEXT NOT NULL,
    visit_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    value TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    building_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    age_band TEXT,
    language TEXT,
    text TEXT,
    PRIMARY KEY (doc_id, visit_id, question_id, value)
);
CREATE INDEX rm_answer_values_by_campaign ON rm_answer_values
    (campaign_id, at, building_id, question_id, value, age_band, language, text);
CREATE TABLE rm_agg_asked (
    doc_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    building_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    by_public TEXT NOT NULL,
    public TEXT NOT NULL,
    asked BIGINT NOT NULL,
    answered BIGINT NOT NULL,
    PRIMARY KEY (doc_id, question_id, by_public, public)
);
CREATE INDEX rm_agg_asked_by_campaign ON rm_agg_asked
    (campaign_id, by_public, building_id, question_id, public, asked, answered);
CREATE TABLE rm_agg_answer_values (
    doc_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    building_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    value TEXT NOT NULL,
    by_public TEXT NOT NULL,
    public TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (doc_id, question_id, value, by_public, public)
);
CREATE INDEX rm_agg_answer_values_by_campaign ON rm_agg_answer_values
    (campaign_id, by_public, building_id, question_id, value, public, n);
",
    },
    Migration {
        version: 4,
        name: "read model: the residents' words a coordinator chose for the report",
        sql: "
CREATE TABLE rm_report_quotes (
    doc_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    visit_id TEXT NOT NULL,
    PRIMARY KEY (doc_id, visit_id)
);
CREATE INDEX rm_report_quotes_by_campaign ON rm_report_quotes (campaign_id, visit_id);
",
    },
    Migration {
        version: 5,
        name: "read model: the conversations' words, newest first, and visits by id",
        // The report reads the newest words of a page's scope until it has
        // enough, and the chosen ones by their visit's id: through the
        // campaign's visits each was a scan of all of them (300 ms at a
        // million visits).
        sql: "
CREATE INDEX rm_visits_said ON rm_visits (campaign_id, at, building_id, visit_id)
    WHERE outcome = 'talked' AND verbatim <> '';
CREATE INDEX rm_visits_by_visit ON rm_visits (visit_id);
",
    },
    Migration {
        version: 6,
        name: "read model: which visits a volunteer's person document came from",
        // An erasure request removes the words of the volunteer's visits
        // too (Privacy I); the id links them, and only for the few visits
        // that signed someone up. The person's document is what holds
        // their personal data; this holds ids.
        sql: "
CREATE TABLE rm_visit_persons (
    doc_id TEXT NOT NULL,
    visit_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    PRIMARY KEY (doc_id, visit_id)
) WITHOUT ROWID;
CREATE INDEX rm_visit_persons_by_person ON rm_visit_persons (person_id);
",
    },
];

/// The tables a document's rows live in, emptied before it is projected
/// again and when it is erased.
pub const TABLES: &[&str] = &[
    "rm_campaigns",
    "rm_neighbourhoods",
    "rm_buildings",
    "rm_sectors",
    "rm_sector_buildings",
    "rm_visits",
    "rm_visit_persons",
    "rm_visit_topics",
    "rm_agg_buildings",
    "rm_agg_outcomes",
    "rm_agg_agents",
    "rm_agg_topics",
    "rm_agg_first_days",
    "rm_follow_ups",
    "rm_ideas",
    "rm_questions",
    "rm_asked",
    "rm_answer_values",
    "rm_agg_asked",
    "rm_agg_answer_values",
    "rm_report_quotes",
    "rm_unreadable",
];
