//! The figures over a period (a filter with dates): one pass over the
//! period's visits, read through `(campaign_id, at)`, instead of a query
//! per figure. Over a whole campaign the per-building sums answer instead
//! (see `figures.rs`); both are checked against the same independent
//! count by the property test.

use super::figures::{Agent, Coverage, Publics};
use super::filter::{Filter, Sql};
use crate::consolidate::Snapshot;
use crate::readmodel::rules::RAPID_GAP_MS;
use rusqlite::params_from_iter;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One visit, its ids interned.
struct Row {
    building: u32,
    door: u32,
    agent: u32,
    pass: i64,
    outcome: String,
    flags: (bool, bool, bool),
    at: i64,
}

impl Row {
    fn talked(&self) -> bool {
        self.outcome == "talked"
    }
}

/// The period's visits in scope, and the scope's buildings.
pub struct Period {
    building_ids: HashMap<String, u32>,
    buildings: Vec<String>,
    doors: Vec<i64>,
    neighbourhoods: Vec<String>,
    agents: Vec<String>,
    rows: Vec<Row>,
}

fn intern(ids: &mut HashMap<String, u32>, names: &mut Vec<String>, id: String) -> u32 {
    if let Some(i) = ids.get(&id) {
        return *i;
    }
    let i = u32::try_from(names.len()).unwrap_or(u32::MAX);
    names.push(id.clone());
    ids.insert(id, i);
    i
}

impl Period {
    /// Reads the scope's buildings and the period's visits to them.
    pub fn load(rm: &Snapshot, filter: &Filter) -> rusqlite::Result<Self> {
        let conn = &rm.conn;
        let scope = filter.buildings();
        let mut stmt = conn.prepare(&scope.text)?;
        let mut building_ids: HashMap<String, u32> = HashMap::new();
        let (mut buildings, mut doors, mut neighbourhoods) = (Vec::new(), Vec::new(), Vec::new());
        let mut rows = stmt.query(params_from_iter(scope.params.iter()))?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            if building_ids.contains_key(&id) {
                continue;
            }
            intern(&mut building_ids, &mut buildings, id);
            neighbourhoods.push(r.get::<_, Option<String>>(1)?.unwrap_or_default());
            doors.push(r.get(2)?);
        }
        let visits = period_visits(
            filter,
            "SELECT building_id, door_key, agent_id, pass, outcome, under_25, over_65,
                    not_french, at FROM rm_visits",
            "",
        );
        let mut stmt = conn.prepare(&visits.text)?;
        let mut rows = stmt.query(params_from_iter(visits.params.iter()))?;
        let (mut door_ids, mut agent_ids) = (HashMap::new(), HashMap::new());
        let (mut door_names, mut agents, mut out) = (Vec::new(), Vec::new(), Vec::new());
        while let Some(r) = rows.next()? {
            let building: String = r.get(0)?;
            let Some(&b) = building_ids.get(&building) else {
                continue;
            };
            out.push(Row {
                building: b,
                door: intern(&mut door_ids, &mut door_names, r.get(1)?),
                agent: intern(&mut agent_ids, &mut agents, r.get(2)?),
                pass: r.get(3)?,
                outcome: r.get(4)?,
                flags: (
                    r.get::<_, i64>(5)? != 0,
                    r.get::<_, i64>(6)? != 0,
                    r.get::<_, i64>(7)? != 0,
                ),
                at: r.get(8)?,
            });
        }
        Ok(Self {
            building_ids,
            buildings,
            doors,
            neighbourhoods,
            agents,
            rows: out,
        })
    }

    fn coverage_where(&self, keep: impl Fn(u32) -> bool) -> Coverage {
        let mut reached = HashSet::new();
        let mut talked = HashSet::new();
        for r in self.rows.iter().filter(|r| keep(r.building)) {
            reached.insert(r.door);
            if r.talked() {
                talked.insert(r.door);
            }
        }
        Coverage {
            doors: (0..self.buildings.len())
                .filter(|b| keep(*b as u32))
                .map(|b| self.doors[b])
                .sum(),
            reached: reached.len() as i64,
            talked: talked.len() as i64,
        }
    }

    /// Doors, doors reached, doors talked to.
    pub fn totals(&self) -> Coverage {
        self.coverage_where(|_| true)
    }

    /// Visits.
    pub fn visits(&self) -> i64 {
        self.rows.len() as i64
    }

    /// Coverage per neighbourhood id ("" for none).
    pub fn by_neighbourhood(&self) -> BTreeMap<String, Coverage> {
        let ids: std::collections::BTreeSet<&String> = self.neighbourhoods.iter().collect();
        ids.into_iter()
            .map(|n| {
                (
                    n.clone(),
                    self.coverage_where(|b| self.neighbourhoods[b as usize] == *n),
                )
            })
            .collect()
    }

    /// Coverage of a set of buildings (by id).
    pub fn coverage_of(&self, buildings: &HashSet<&str>) -> Coverage {
        self.coverage_where(|b| buildings.contains(self.buildings[b as usize].as_str()))
    }

    /// Coverage per building id.
    pub fn by_building(&self) -> HashMap<String, (i64, i64)> {
        let mut doors: HashMap<u32, (HashSet<u32>, HashSet<u32>)> = HashMap::new();
        for r in &self.rows {
            let e = doors.entry(r.building).or_default();
            e.0.insert(r.door);
            if r.talked() {
                e.1.insert(r.door);
            }
        }
        doors
            .into_iter()
            .map(|(b, (reached, talked))| {
                (
                    self.buildings[b as usize].clone(),
                    (reached.len() as i64, talked.len() as i64),
                )
            })
            .collect()
    }

    /// (pass, outcome, visits).
    pub fn outcomes_by_pass(&self) -> Vec<(i64, String, i64)> {
        let mut counts: BTreeMap<(i64, &str), i64> = BTreeMap::new();
        for r in &self.rows {
            *counts.entry((r.pass, r.outcome.as_str())).or_default() += 1;
        }
        counts
            .into_iter()
            .map(|((p, o), n)| (p, o.to_string(), n))
            .collect()
    }

    /// The publics reached, per neighbourhood id ("" for none) and in all.
    pub fn publics(&self) -> (Publics, HashMap<String, Publics>) {
        let mut all = Publics::default();
        let mut per: HashMap<String, Publics> = HashMap::new();
        for r in self.rows.iter().filter(|r| r.talked()) {
            let n = per
                .entry(self.neighbourhoods[r.building as usize].clone())
                .or_default();
            for p in [&mut all, n] {
                p.conversations += 1;
                p.under_25 += i64::from(r.flags.0);
                p.over_65 += i64::from(r.flags.1);
                p.not_french += i64::from(r.flags.2);
            }
        }
        (all, per)
    }

    /// Per agent, flags not yet set.
    pub fn agents(&self) -> Vec<Agent> {
        let mut per: HashMap<u32, Vec<&Row>> = HashMap::new();
        for r in &self.rows {
            per.entry(r.agent).or_default().push(r);
        }
        per.into_iter()
            .map(|(agent, rows)| {
                let doors: HashSet<u32> = rows.iter().map(|r| r.door).collect();
                let talked: HashSet<u32> =
                    rows.iter().filter(|r| r.talked()).map(|r| r.door).collect();
                // Seconds apart: within each building, in time order.
                let mut times: HashMap<u32, Vec<i64>> = HashMap::new();
                for r in &rows {
                    times.entry(r.building).or_default().push(r.at);
                }
                let rapid = times
                    .values_mut()
                    .map(|t| {
                        t.sort_unstable();
                        t.windows(2)
                            .filter(|w| w[1].saturating_sub(w[0]) < RAPID_GAP_MS)
                            .count() as i64
                    })
                    .sum();
                Agent {
                    agent_id: self.agents[agent as usize].clone(),
                    visits: rows.len() as i64,
                    doors: doors.len() as i64,
                    doors_talked: talked.len() as i64,
                    conversations: rows.iter().filter(|r| r.talked()).count() as i64,
                    rapid,
                    rapid_flag: false,
                    outlier_flag: false,
                }
            })
            .collect()
    }

    /// (neighbourhood id, topic, conversations), most raised first within
    /// each neighbourhood: the period's conversations' topics, read apart
    /// (only conversations have topics).
    pub fn topics(
        &self,
        rm: &Snapshot,
        filter: &Filter,
    ) -> rusqlite::Result<Vec<(String, String, i64)>> {
        let conn = &rm.conn;
        // The topics' own rows carry the campaign, time and outcome, so
        // this reads their index alone.
        let sql = period_visits(
            filter,
            "SELECT building_id, topic FROM rm_visit_topics",
            " AND talked = 1",
        );
        let mut stmt = conn.prepare(&sql.text)?;
        let mut rows = stmt.query(params_from_iter(sql.params.iter()))?;
        let mut counts: BTreeMap<(String, String), i64> = BTreeMap::new();
        while let Some(r) = rows.next()? {
            let building: String = r.get(0)?;
            let Some(&b) = self.building_ids.get(&building) else {
                continue;
            };
            let n = self.neighbourhoods[b as usize].clone();
            *counts.entry((n, r.get(1)?)).or_default() += 1;
        }
        let mut out: Vec<(String, String, i64)> =
            counts.into_iter().map(|((n, t), c)| (n, t, c)).collect();
        out.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
        Ok(out)
    }
}

/// A query over the period's visits of the campaign: `select` then the
/// campaign and period conditions, then `extra` conditions.
pub fn period_visits(filter: &Filter, select: &str, extra: &str) -> Sql {
    let mut text = format!("{select} WHERE campaign_id = ?");
    let mut params = vec![rusqlite::types::Value::Text(filter.campaign.to_string())];
    filter.period("at", &mut text, &mut params);
    text.push_str(extra);
    Sql { text, params }
}
