//! What a coordinator narrows the figures to: a campaign (always), a period,
//! a sector, a neighbourhood. Turned here, once, into the SQL that every
//! figure shares, so no two figures can disagree on what "in scope" means.

use rusqlite::types::Value;
use shared::domain::{CampaignId, NeighbourhoodId, SectorId, Timestamp};

/// The filters of the dashboard, the map, the exports and the report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// The campaign.
    pub campaign: CampaignId,
    /// From this instant (included).
    pub from: Option<Timestamp>,
    /// Until this instant (excluded).
    pub until: Option<Timestamp>,
    /// Only the buildings of this sector.
    pub sector: Option<SectorId>,
    /// Only the buildings of this neighbourhood.
    pub neighbourhood: Option<NeighbourhoodId>,
}

/// A piece of SQL and the values of its `?` placeholders, in order.
#[derive(Clone, Debug, Default)]
pub struct Sql {
    /// The text, with `?` placeholders.
    pub text: String,
    /// Their values.
    pub params: Vec<Value>,
}

impl Filter {
    /// Another campaign over the same place, whole (comparisons: campaigns
    /// run at different times, and sectors belong to one campaign).
    pub fn for_campaign(&self, campaign: CampaignId) -> Self {
        Self {
            campaign,
            sector: None,
            from: None,
            until: None,
            neighbourhood: self.neighbourhood,
        }
    }

    /// The same campaign, whole and everywhere: what the open data covers
    /// (two tables of overlapping periods or places would give away small
    /// counts by difference).
    pub fn whole(&self) -> Self {
        Self {
            campaign: self.campaign,
            sector: None,
            neighbourhood: None,
            from: None,
            until: None,
        }
    }

    /// The buildings in scope, as a subquery yielding `building_id`,
    /// `neighbourhood_id`, `doors`: the buildings of the campaign's sectors
    /// (every building of the municipality when it has none), narrowed to
    /// the sector and the neighbourhood.
    pub fn buildings(&self) -> Sql {
        let campaign = Value::Text(self.campaign.to_string());
        let mut text = String::from(
            "SELECT b.building_id, b.neighbourhood_id, b.doors FROM rm_buildings b WHERE ",
        );
        let mut params = Vec::new();
        match self.sector {
            Some(sector) => {
                text.push_str(
                    "b.building_id IN (SELECT building_id FROM rm_sector_buildings \
                     WHERE campaign_id = ? AND sector_id = ?)",
                );
                params.push(campaign);
                params.push(Value::Text(sector.to_string()));
            }
            None => {
                text.push_str(
                    "(b.building_id IN (SELECT building_id FROM rm_sector_buildings \
                     WHERE campaign_id = ?) OR NOT EXISTS (SELECT 1 FROM rm_sector_buildings \
                     WHERE campaign_id = ?))",
                );
                params.push(campaign.clone());
                params.push(campaign);
            }
        }
        if let Some(n) = self.neighbourhood {
            text.push_str(" AND b.neighbourhood_id = ?");
            params.push(Value::Text(n.to_string()));
        }
        Sql { text, params }
    }

    /// The visits in scope, as a subquery yielding every column of
    /// `rm_visits` plus the building's `neighbourhood_id`: the campaign's
    /// visits in the period, to a building in scope.
    pub fn visits(&self) -> Sql {
        let scope = self.buildings();
        let mut text = format!(
            "SELECT v.*, s.neighbourhood_id FROM rm_visits v JOIN ({}) s \
             ON s.building_id = v.building_id WHERE v.campaign_id = ?",
            scope.text
        );
        let mut params = scope.params;
        params.push(Value::Text(self.campaign.to_string()));
        self.period("v.at", &mut text, &mut params);
        Sql { text, params }
    }

    /// Whether the filter covers the whole campaign in time, so the figures
    /// can be read from the per-building sums (`rm_agg_*`) instead of the
    /// visits.
    pub fn whole_campaign(&self) -> bool {
        self.from.is_none() && self.until.is_none()
    }

    /// The rows of a per-building sum table (`rm_agg_*`) in scope, as a
    /// subquery yielding its columns plus the building's
    /// `neighbourhood_id`. Only for a [`Filter::whole_campaign`].
    pub fn sums(&self, table: &str) -> Sql {
        let scope = self.buildings();
        let text = format!(
            "SELECT a.*, s.neighbourhood_id FROM {table} a JOIN ({}) s \
             ON s.building_id = a.building_id WHERE a.campaign_id = ?",
            scope.text
        );
        let mut params = scope.params;
        params.push(Value::Text(self.campaign.to_string()));
        Sql { text, params }
    }

    /// The rows of a per-conversation table (`campaign_id`, `building_id`,
    /// `at` columns) in scope, as a subquery yielding its columns plus the
    /// building's `neighbourhood_id`: the campaign's, in the period, at a
    /// building in scope. What [`Filter::visits`] covers, without going
    /// through the visits.
    pub fn dated(&self, table: &str) -> Sql {
        // A sum table's scoping, narrowed to the period.
        let mut sql = self.sums(table);
        self.period("a.at", &mut sql.text, &mut sql.params);
        sql
    }

    /// The follow-ups in scope: the campaign's, raised in the period; when
    /// a sector or a neighbourhood is chosen, only those about a building
    /// in scope.
    pub fn follow_ups(&self) -> Sql {
        let mut text = String::from("SELECT f.* FROM rm_follow_ups f WHERE f.campaign_id = ?");
        let mut params = vec![Value::Text(self.campaign.to_string())];
        if self.sector.is_some() || self.neighbourhood.is_some() {
            let scope = self.buildings();
            text.push_str(&format!(
                " AND f.building_id IN (SELECT building_id FROM ({}) s)",
                scope.text
            ));
            params.extend(scope.params);
        }
        self.period("f.raised_at", &mut text, &mut params);
        Sql { text, params }
    }

    /// The ideas in scope: the campaign's, collected in the period (ideas
    /// belong to no sector; their neighbourhood is found from their place).
    pub fn ideas(&self) -> Sql {
        let mut text = String::from("SELECT i.* FROM rm_ideas i WHERE i.campaign_id = ?");
        let mut params = vec![Value::Text(self.campaign.to_string())];
        self.period("i.collected_at", &mut text, &mut params);
        Sql { text, params }
    }

    /// Adds the period's conditions on `column` to a query.
    pub fn period(&self, column: &str, text: &mut String, params: &mut Vec<Value>) {
        if let Some(from) = self.from {
            text.push_str(&format!(" AND {column} >= ?"));
            params.push(Value::Integer(from));
        }
        if let Some(until) = self.until {
            text.push_str(&format!(" AND {column} < ?"));
            params.push(Value::Integer(until));
        }
    }
}
