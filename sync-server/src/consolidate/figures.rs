//! Every figure of the dashboard, defined once: the SQL that counts it is
//! here, its name and definition (shown on the page) are in the office's
//! catalogues under the same [`Figure`]. The report, the map, the exports
//! and the comparison read these same functions.

use super::filter::{Filter, Sql};
use super::period::Period;
use super::places::Places;
use crate::consolidate::Snapshot;
use rusqlite::params_from_iter;
use std::collections::BTreeMap;

pub use crate::readmodel::rules::RAPID_GAP_MS;
/// An agent is flagged when at least this many of their visits…
pub const RAPID_MIN_VISITS: i64 = 5;
/// …and at least this share of them (percent) were seconds apart.
pub const RAPID_MIN_SHARE_PERCENT: i64 = 20;
/// An agent's contact rate is compared with the team's only past this many
/// doors knocked.
pub const OUTLIER_MIN_DOORS: i64 = 20;
/// Flagged when below the team's rate divided by this, or above it
/// multiplied by this.
pub const OUTLIER_FACTOR: f64 = 2.0;

/// The figures, each with its definition in the catalogues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    /// Dwellings in the buildings in scope.
    Doors,
    /// Distinct doors with at least one visit.
    DoorsReached,
    /// Doors reached / doors.
    Coverage,
    /// Distinct doors where a conversation took place.
    DoorsTalked,
    /// Doors talked / doors reached.
    ContactRate,
    /// Visits recorded.
    Visits,
    /// Visits by pass and outcome.
    OutcomesByPass,
    /// Conversations mentioning each topic, per neighbourhood.
    TopicsByNeighbourhood,
    /// Follow-ups by service and status.
    FollowUps,
    /// Ideas by category and neighbourhood.
    Ideas,
    /// Conversations with residents under 25.
    Under25,
    /// Conversations with residents of 65 and over.
    Over65,
    /// Conversations held in a language other than French.
    NotFrench,
    /// Per agent: doors knocked, conversations, contact rate.
    PerAgent,
    /// Agents whose visits were often recorded seconds apart.
    RapidVisits,
    /// Agents whose contact rate is far from the team's.
    ContactRateOutlier,
    /// Each phone's last sync and the records it had not sent.
    Phones,
}

impl Figure {
    /// Every figure, in the order the page explains them.
    pub const ALL: [Figure; 17] = [
        Figure::Doors,
        Figure::DoorsReached,
        Figure::Coverage,
        Figure::DoorsTalked,
        Figure::ContactRate,
        Figure::Visits,
        Figure::OutcomesByPass,
        Figure::TopicsByNeighbourhood,
        Figure::FollowUps,
        Figure::Ideas,
        Figure::Under25,
        Figure::Over65,
        Figure::NotFrench,
        Figure::PerAgent,
        Figure::RapidVisits,
        Figure::ContactRateOutlier,
        Figure::Phones,
    ];
}

/// A share as a percentage, `None` when there is nothing to divide by.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// Doors, doors reached, doors talked: for the whole scope or one group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// [`Figure::Doors`].
    pub doors: i64,
    /// [`Figure::DoorsReached`].
    pub reached: i64,
    /// [`Figure::DoorsTalked`].
    pub talked: i64,
}

impl Coverage {
    /// [`Figure::Coverage`], in percent.
    pub fn coverage(&self) -> Option<f64> {
        percent(self.reached, self.doors)
    }
    /// [`Figure::ContactRate`], in percent.
    pub fn contact_rate(&self) -> Option<f64> {
        percent(self.talked, self.reached)
    }
}

/// A group (neighbourhood, sector, building) and its coverage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Its id (empty for "no neighbourhood").
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its figures.
    pub coverage: Coverage,
}

/// The publics the teams are judged on reaching.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Publics {
    /// Conversations (visits with outcome "talked").
    pub conversations: i64,
    /// [`Figure::Under25`].
    pub under_25: i64,
    /// [`Figure::Over65`].
    pub over_65: i64,
    /// [`Figure::NotFrench`].
    pub not_french: i64,
}

/// One agent's activity, as MiniVAN's activity report shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Agent {
    /// Their agent id (the id of their phone).
    pub agent_id: String,
    /// Visits they recorded.
    pub visits: i64,
    /// Distinct doors they knocked.
    pub doors: i64,
    /// Distinct doors where they had a conversation.
    pub doors_talked: i64,
    /// Visits with outcome "talked".
    pub conversations: i64,
    /// Visits recorded less than [`RAPID_GAP_MS`] after their previous one.
    pub rapid: i64,
    /// [`Figure::RapidVisits`].
    pub rapid_flag: bool,
    /// [`Figure::ContactRateOutlier`].
    pub outlier_flag: bool,
}

impl Agent {
    /// Their contact rate, in percent.
    pub fn contact_rate(&self) -> Option<f64> {
        percent(self.doors_talked, self.doors)
    }
}

/// Everything the dashboard shows for one filter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dashboard {
    /// The whole scope.
    pub totals: Coverage,
    /// [`Figure::Visits`].
    pub visits: i64,
    /// Per neighbourhood, by name.
    pub by_neighbourhood: Vec<Group>,
    /// Per sector of the campaign, by name.
    pub by_sector: Vec<Group>,
    /// (pass, outcome, visits), by pass then outcome.
    pub outcomes_by_pass: Vec<(i64, String, i64)>,
    /// (neighbourhood name, topic, conversations), most mentioned first
    /// within each neighbourhood.
    pub topics: Vec<(String, String, i64)>,
    /// (service, status, follow-ups).
    pub follow_ups: Vec<(String, String, i64)>,
    /// (category, neighbourhood name, ideas).
    pub ideas: Vec<(String, String, i64)>,
    /// The publics reached.
    pub publics: Publics,
    /// Per agent.
    pub agents: Vec<Agent>,
}

/// Runs `f` on the period's visits: those given, or loaded now.
fn with_period<T>(
    rm: &Snapshot,
    filter: &Filter,
    period: Option<&Period>,
    f: impl FnOnce(&Period) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    match period {
        Some(p) => f(p),
        None => f(&Period::load(rm, filter)?),
    }
}

fn query<T>(
    rm: &Snapshot,
    sql: &Sql,
    text: &str,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let conn = &rm.conn;
    let text = text.replace("{scope}", &sql.text);
    let mut stmt = conn.prepare(&text)?;
    let rows = stmt.query_map(params_from_iter(sql.params.iter()), row)?;
    rows.collect()
}

fn one<T>(
    rm: &Snapshot,
    sql: &Sql,
    text: &str,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let conn = &rm.conn;
    let text = text.replace("{scope}", &sql.text);
    conn.query_row(&text, params_from_iter(sql.params.iter()), row)
}

/// [`Figure::Doors`], [`Figure::DoorsReached`], [`Figure::DoorsTalked`]
/// for the whole scope.
pub fn totals(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<Coverage> {
    totals_in(rm, filter, None)
}

fn totals_in(rm: &Snapshot, filter: &Filter, p: Option<&Period>) -> rusqlite::Result<Coverage> {
    if !filter.whole_campaign() {
        return with_period(rm, filter, p, |p| Ok(p.totals()));
    }
    let doors = one(
        rm,
        &filter.buildings(),
        "SELECT coalesce(sum(doors), 0) FROM ({scope}) s",
        |r| r.get(0),
    )?;
    let (reached, talked) = one(
        rm,
        &filter.sums("rm_agg_buildings"),
        "SELECT coalesce(sum(doors_reached), 0), coalesce(sum(doors_talked), 0)
         FROM ({scope}) a",
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(Coverage {
        doors,
        reached,
        talked,
    })
}

/// Coverage per neighbourhood (buildings with none grouped under an empty
/// id).
pub fn by_neighbourhood(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<Vec<Group>> {
    by_neighbourhood_in(rm, filter, None)
}

fn by_neighbourhood_in(
    rm: &Snapshot,
    filter: &Filter,
    p: Option<&Period>,
) -> rusqlite::Result<Vec<Group>> {
    let names = neighbourhood_names(rm)?;
    let name = |id: &str| names.get(id).cloned().unwrap_or_default();
    if !filter.whole_campaign() {
        return with_period(rm, filter, p, |p| {
            let per = p.by_neighbourhood();
            Ok(groups(
                per.iter().map(|(id, c)| (id.clone(), c.doors)).collect(),
                per.iter()
                    .map(|(id, c)| (id.clone(), c.reached, c.talked))
                    .collect(),
                name,
            ))
        });
    }
    let doors: Vec<(String, i64)> = query(
        rm,
        &filter.buildings(),
        "SELECT coalesce(neighbourhood_id, ''), sum(doors) FROM ({scope}) s
         GROUP BY coalesce(neighbourhood_id, '')",
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let visits: Vec<(String, i64, i64)> = query(
        rm,
        &filter.sums("rm_agg_buildings"),
        "SELECT coalesce(neighbourhood_id, ''), sum(doors_reached), sum(doors_talked)
         FROM ({scope}) a GROUP BY coalesce(neighbourhood_id, '')",
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(groups(doors, visits, name))
}

/// Coverage per sector of the campaign.
pub fn by_sector(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<Vec<Group>> {
    by_sector_in(rm, filter, None)
}

fn by_sector_in(
    rm: &Snapshot,
    filter: &Filter,
    p: Option<&Period>,
) -> rusqlite::Result<Vec<Group>> {
    let conn = &rm.conn;
    let scope = filter.buildings();
    let mut params = scope.params.clone();
    params.push(rusqlite::types::Value::Text(filter.campaign.to_string()));
    let sectors = Sql {
        text: format!(
            "SELECT sb.sector_id, sb.sector_name, s.doors FROM ({}) s \
             JOIN rm_sector_buildings sb ON sb.building_id = s.building_id \
             WHERE sb.campaign_id = ?",
            scope.text
        ),
        params,
    };
    let doors: Vec<(String, String, i64)> = query(
        rm,
        &sectors,
        "SELECT sector_id, max(sector_name), sum(doors) FROM ({scope}) x GROUP BY sector_id",
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let visits: Vec<(String, i64, i64)> = if filter.whole_campaign() {
        let rows = filter.sums("rm_agg_buildings");
        let mut params = rows.params.clone();
        params.push(rusqlite::types::Value::Text(filter.campaign.to_string()));
        let per_sector = Sql {
            text: format!(
                "SELECT sb.sector_id, v.* FROM ({}) v \
                 JOIN rm_sector_buildings sb ON sb.building_id = v.building_id \
                 WHERE sb.campaign_id = ?",
                rows.text
            ),
            params,
        };
        query(
            rm,
            &per_sector,
            "SELECT sector_id, sum(doors_reached), sum(doors_talked)
             FROM ({scope}) x GROUP BY sector_id",
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?
    } else {
        let mut members: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut stmt = conn.prepare(
            "SELECT sector_id, building_id FROM rm_sector_buildings WHERE campaign_id = ?1",
        )?;
        let mut rows = stmt.query([filter.campaign.to_string()])?;
        while let Some(r) = rows.next()? {
            members.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        with_period(rm, filter, p, |p| {
            Ok(members
                .iter()
                .filter(|(id, _)| doors.iter().any(|(d, _, _)| d == *id))
                .map(|(id, buildings)| {
                    let set = buildings.iter().map(String::as_str).collect();
                    let c = p.coverage_of(&set);
                    (id.clone(), c.reached, c.talked)
                })
                .collect())
        })?
    };
    let names: std::collections::HashMap<String, String> = doors
        .iter()
        .map(|(id, name, _)| (id.clone(), name.clone()))
        .collect();
    Ok(groups(
        doors.into_iter().map(|(id, _, n)| (id, n)).collect(),
        visits,
        |id| names.get(id).cloned().unwrap_or_default(),
    ))
}

/// Coverage per building in scope: (building id, key, address, coverage).
pub fn by_building(
    rm: &Snapshot,
    filter: &Filter,
) -> rusqlite::Result<Vec<(String, String, String, Coverage)>> {
    let visits: std::collections::HashMap<String, (i64, i64)> = if filter.whole_campaign() {
        query(
            rm,
            &filter.sums("rm_agg_buildings"),
            "SELECT building_id, doors_reached, doors_talked FROM ({scope}) a",
            |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))),
        )?
        .into_iter()
        .collect()
    } else {
        Period::load(rm, filter)?.by_building()
    };
    query(
        rm,
        &filter.buildings(),
        "SELECT s.building_id, b.key, b.address, s.doors FROM ({scope}) s
         JOIN rm_buildings b ON b.building_id = s.building_id ORDER BY b.key, b.building_id",
        |r| {
            let id: String = r.get(0)?;
            let (reached, talked) = visits.get(&id).copied().unwrap_or_default();
            Ok((
                id,
                r.get(1)?,
                r.get(2)?,
                Coverage {
                    doors: r.get(3)?,
                    reached,
                    talked,
                },
            ))
        },
    )
}

fn groups(
    doors: Vec<(String, i64)>,
    visits: Vec<(String, i64, i64)>,
    name: impl Fn(&str) -> String,
) -> Vec<Group> {
    let mut groups: std::collections::BTreeMap<String, Coverage> = doors
        .into_iter()
        .map(|(id, doors)| {
            (
                id,
                Coverage {
                    doors,
                    ..Coverage::default()
                },
            )
        })
        .collect();
    for (id, reached, talked) in visits {
        let g = groups.entry(id).or_default();
        g.reached = reached;
        g.talked = talked;
    }
    let mut out: Vec<Group> = groups
        .into_iter()
        .map(|(id, coverage)| Group {
            name: name(&id),
            id,
            coverage,
        })
        .collect();
    out.sort_by(|a, b| (a.id.is_empty(), &a.name).cmp(&(b.id.is_empty(), &b.name)));
    out
}

/// Neighbourhood names by id.
pub fn neighbourhood_names(
    rm: &Snapshot,
) -> rusqlite::Result<std::collections::HashMap<String, String>> {
    let conn = &rm.conn;
    let mut stmt = conn.prepare("SELECT neighbourhood_id, name FROM rm_neighbourhoods")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// [`Figure::Visits`].
pub fn visits(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<i64> {
    visits_in(rm, filter, None)
}

fn visits_in(rm: &Snapshot, filter: &Filter, p: Option<&Period>) -> rusqlite::Result<i64> {
    if !filter.whole_campaign() {
        return with_period(rm, filter, p, |p| Ok(p.visits()));
    }
    one(
        rm,
        &filter.sums("rm_agg_buildings"),
        "SELECT coalesce(sum(visits), 0) FROM ({scope}) a",
        |r| r.get(0),
    )
}

/// [`Figure::OutcomesByPass`].
pub fn outcomes_by_pass(
    rm: &Snapshot,
    filter: &Filter,
) -> rusqlite::Result<Vec<(i64, String, i64)>> {
    outcomes_by_pass_in(rm, filter, None)
}

fn outcomes_by_pass_in(
    rm: &Snapshot,
    filter: &Filter,
    p: Option<&Period>,
) -> rusqlite::Result<Vec<(i64, String, i64)>> {
    if !filter.whole_campaign() {
        return with_period(rm, filter, p, |p| Ok(p.outcomes_by_pass()));
    }
    query(
        rm,
        &filter.sums("rm_agg_outcomes"),
        "SELECT pass, outcome, sum(visits) FROM ({scope}) a GROUP BY pass, outcome
         ORDER BY pass, outcome",
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

/// [`Figure::TopicsByNeighbourhood`]: (neighbourhood id, topic, count),
/// most mentioned first within each neighbourhood.
pub fn topics(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<Vec<(String, String, i64)>> {
    topics_in(rm, filter, None)
}

fn topics_in(
    rm: &Snapshot,
    filter: &Filter,
    p: Option<&Period>,
) -> rusqlite::Result<Vec<(String, String, i64)>> {
    if filter.whole_campaign() {
        return query(
            rm,
            &filter.sums("rm_agg_topics"),
            "SELECT coalesce(neighbourhood_id, ''), topic, sum(conversations) FROM ({scope}) a
             GROUP BY coalesce(neighbourhood_id, ''), topic
             ORDER BY coalesce(neighbourhood_id, ''), sum(conversations) DESC, topic",
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        );
    }
    with_period(rm, filter, p, |p| p.topics(rm, filter))
}

/// [`Figure::FollowUps`].
pub fn follow_ups(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<Vec<(String, String, i64)>> {
    query(
        rm,
        &filter.follow_ups(),
        "SELECT service, status, count(*) FROM ({scope}) f GROUP BY service, status
         ORDER BY service, status",
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
}

/// [`Figure::Ideas`]: (category, neighbourhood id or "", count).
pub fn ideas(
    rm: &Snapshot,
    filter: &Filter,
    places: &Places,
) -> rusqlite::Result<Vec<(String, String, i64)>> {
    let rows: Vec<(String, Option<f64>, Option<f64>)> = query(
        rm,
        &filter.ideas(),
        "SELECT category, lon, lat FROM ({scope}) i",
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut counts: std::collections::BTreeMap<(String, String), i64> = Default::default();
    for (category, lon, lat) in rows {
        let place = match (lon, lat) {
            (Some(lon), Some(lat)) => places.locate(lon, lat).unwrap_or_default(),
            _ => String::new(),
        };
        if filter.neighbourhood.is_some_and(|n| n.to_string() != place) {
            continue;
        }
        *counts.entry((category, place)).or_default() += 1;
    }
    Ok(counts.into_iter().map(|((c, p), n)| (c, p, n)).collect())
}

/// [`Figure::Under25`], [`Figure::Over65`], [`Figure::NotFrench`]: the
/// projector classified each visit (`readmodel::rules`).
pub fn publics(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<Publics> {
    publics_in(rm, filter, None)
}

fn publics_in(rm: &Snapshot, filter: &Filter, p: Option<&Period>) -> rusqlite::Result<Publics> {
    if !filter.whole_campaign() {
        return with_period(rm, filter, p, |p| Ok(p.publics().0));
    }
    let row = |r: &rusqlite::Row<'_>| {
        Ok(Publics {
            conversations: r.get(0)?,
            under_25: r.get(1)?,
            over_65: r.get(2)?,
            not_french: r.get(3)?,
        })
    };
    one(
        rm,
        &filter.sums("rm_agg_buildings"),
        "SELECT coalesce(sum(conversations), 0), coalesce(sum(under_25), 0),
                coalesce(sum(over_65), 0), coalesce(sum(not_french), 0)
         FROM ({scope}) a",
        row,
    )
}

/// [`Figure::PerAgent`], with [`Figure::RapidVisits`] and
/// [`Figure::ContactRateOutlier`] flags, most doors first.
pub fn agents(rm: &Snapshot, filter: &Filter, team: &Coverage) -> rusqlite::Result<Vec<Agent>> {
    agents_in(rm, filter, team, None)
}

fn agents_in(
    rm: &Snapshot,
    filter: &Filter,
    team: &Coverage,
    p: Option<&Period>,
) -> rusqlite::Result<Vec<Agent>> {
    let row = |r: &rusqlite::Row<'_>| {
        Ok(Agent {
            agent_id: r.get(0)?,
            visits: r.get(1)?,
            doors: r.get(2)?,
            doors_talked: r.get(3)?,
            conversations: r.get(4)?,
            rapid: r.get(5)?,
            rapid_flag: false,
            outlier_flag: false,
        })
    };
    // Doors belong to one building: an agent's distinct doors add up
    // across buildings, and so do visits seconds apart within a building.
    let mut agents = if filter.whole_campaign() {
        query(
            rm,
            &filter.sums("rm_agg_agents"),
            "SELECT agent_id, sum(visits), sum(doors), sum(doors_talked), sum(conversations),
                    sum(rapid)
             FROM ({scope}) a GROUP BY agent_id",
            row,
        )?
    } else {
        with_period(rm, filter, p, |p| Ok(p.agents()))?
    };
    let team_rate = team.contact_rate();
    for a in &mut agents {
        a.rapid_flag =
            a.rapid >= RAPID_MIN_VISITS && a.rapid * 100 >= RAPID_MIN_SHARE_PERCENT * a.visits;
        a.outlier_flag = match (a.contact_rate(), team_rate) {
            (Some(own), Some(team)) if a.doors >= OUTLIER_MIN_DOORS => {
                own < team / OUTLIER_FACTOR || own > team * OUTLIER_FACTOR
            }
            _ => false,
        };
    }
    agents.sort_by(|a, b| b.doors.cmp(&a.doors).then(a.agent_id.cmp(&b.agent_id)));
    Ok(agents)
}

/// The whole dashboard for one filter.
pub fn dashboard(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<Dashboard> {
    // Over a period, the period's visits are read once for every figure.
    let period = if filter.whole_campaign() {
        None
    } else {
        Some(Period::load(rm, filter)?)
    };
    let p = period.as_ref();
    let totals = totals_in(rm, filter, p)?;
    let places = Places::load(rm)?;
    let names = neighbourhood_names(rm)?;
    let name = |id: String| names.get(&id).cloned().unwrap_or_default();
    Ok(Dashboard {
        visits: visits_in(rm, filter, p)?,
        by_neighbourhood: by_neighbourhood_in(rm, filter, p)?,
        by_sector: by_sector_in(rm, filter, p)?,
        outcomes_by_pass: outcomes_by_pass_in(rm, filter, p)?,
        topics: topics_in(rm, filter, p)?
            .into_iter()
            .map(|(n, t, c)| (name(n), t, c))
            .collect(),
        follow_ups: follow_ups(rm, filter)?,
        ideas: ideas(rm, filter, &places)?
            .into_iter()
            .map(|(c, n, k)| (c, name(n), k))
            .collect(),
        publics: publics_in(rm, filter, p)?,
        agents: agents_in(rm, filter, &totals, p)?,
        totals,
    })
}

/// The publics reached and the follow-ups raised, per neighbourhood id
/// ("" for buildings in none): (publics, follow-ups).
pub fn per_neighbourhood(
    rm: &Snapshot,
    filter: &Filter,
) -> rusqlite::Result<std::collections::HashMap<String, (Publics, i64)>> {
    let row = |r: &rusqlite::Row<'_>| {
        Ok((
            r.get::<_, String>(0)?,
            (
                Publics {
                    conversations: r.get(1)?,
                    under_25: r.get(2)?,
                    over_65: r.get(3)?,
                    not_french: r.get(4)?,
                },
                0,
            ),
        ))
    };
    let mut out: std::collections::HashMap<String, (Publics, i64)> = if filter.whole_campaign() {
        query(
            rm,
            &filter.sums("rm_agg_buildings"),
            "SELECT coalesce(neighbourhood_id, ''), sum(conversations), sum(under_25),
                    sum(over_65), sum(not_french)
             FROM ({scope}) a GROUP BY coalesce(neighbourhood_id, '')",
            row,
        )?
    } else {
        Period::load(rm, filter)?
            .publics()
            .1
            .into_iter()
            .map(|(n, p)| (n, (p, 0)))
            .collect()
    }
    .into_iter()
    .collect();
    let scope = filter.buildings();
    let follow_ups = filter.follow_ups();
    let mut params = follow_ups.params.clone();
    params.extend(scope.params.clone());
    let rows: Vec<(String, i64)> = query(
        rm,
        &Sql {
            text: format!(
                "SELECT coalesce(s.neighbourhood_id, '') AS n FROM ({}) f \
                 JOIN ({}) s ON s.building_id = f.building_id",
                follow_ups.text, scope.text
            ),
            params,
        },
        "SELECT n, count(*) FROM ({scope}) x GROUP BY n",
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    for (n, count) in rows {
        out.entry(n).or_default().1 = count;
    }
    Ok(out)
}

/// The most weeks a campaign is drawn over.
pub const MAX_WEEKS: i64 = 104;

/// Doors reached for the first time in each week of a whole campaign:
/// (week number from 1, doors newly reached that week). Visits dated
/// before the campaign count in its first week, after it in its last (a
/// phone's clock is not to be trusted), and no campaign is drawn over more
/// than [`MAX_WEEKS`].
pub fn weekly_new_doors(
    rm: &Snapshot,
    filter: &Filter,
    starts_at: i64,
    ends_at: i64,
) -> rusqlite::Result<Vec<(i64, i64)>> {
    const WEEK_DAYS: i64 = 7;
    let start_day = crate::readmodel::rules::day(starts_at);
    let end_day = crate::readmodel::rules::day(ends_at).max(start_day);
    let last_week = ((end_day - start_day) / WEEK_DAYS + 1).clamp(1, MAX_WEEKS);
    let whole = Filter {
        from: None,
        until: None,
        ..filter.clone()
    };
    // (day, doors first reached that day)
    let days: Vec<(i64, i64)> = query(
        rm,
        &whole.sums("rm_agg_first_days"),
        "SELECT day, sum(doors) FROM ({scope}) a GROUP BY day",
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut weeks: BTreeMap<i64, i64> = Default::default();
    for (day, doors) in days {
        let week = (day.saturating_sub(start_day).div_euclid(WEEK_DAYS) + 1).clamp(1, last_week);
        *weeks.entry(week).or_default() += doors;
    }
    Ok(weeks.into_iter().collect())
}
