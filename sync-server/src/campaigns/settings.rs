//! A campaign's settings: a new campaign, a change of its settings, its
//! archiving. Dates are never silently moved: an end before the start is
//! refused and nothing is saved.

use shared::domain::{
    AgentId, Campaign, CampaignKind, NamedPlace, NeighbourhoodId, Point, Timestamp,
};

/// Named places an idea collection offers at most.
pub const MAX_PLACES: usize = 500;
/// The longest place name kept.
pub const MAX_PLACE_NAME: usize = 120;

/// An end date before the start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the campaign would end before it starts")]
pub struct DatesReversed;

/// What the settings form states. A field left empty (no name, no kind,
/// no date) keeps what is stored; lists replace what is stored.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The name.
    pub name: String,
    /// The kind.
    pub kind: Option<CampaignKind>,
    /// First day (Unix ms, midnight UTC).
    pub starts_at: Option<Timestamp>,
    /// Last day.
    pub ends_at: Option<Timestamp>,
    /// Neighbourhoods it works in.
    pub neighbourhoods: Vec<NeighbourhoodId>,
    /// Devices of its team.
    pub team: Vec<AgentId>,
    /// Topics agents note, one per line.
    pub topics: Vec<String>,
    /// City services follow-ups go to, one per line.
    pub services: Vec<String>,
    /// An idea collection's categories, one per line.
    pub categories: Vec<String>,
    /// An idea collection's named places, one per line: "name ; lat ; lon".
    pub places: Vec<String>,
}

/// A new campaign, or why not.
pub fn new_campaign(
    name: String,
    kind: CampaignKind,
    starts_at: Timestamp,
    ends_at: Timestamp,
) -> Result<Campaign, DatesReversed> {
    if ends_at < starts_at {
        return Err(DatesReversed);
    }
    Ok(Campaign::new(name, kind, starts_at, ends_at))
}

/// The campaign with `settings` applied, or why not.
pub fn plan(campaign: &Campaign, settings: Settings) -> Result<Campaign, DatesReversed> {
    let mut c = campaign.clone();
    if !settings.name.is_empty() {
        c.name = settings.name;
    }
    if let Some(kind) = settings.kind {
        c.kind = kind;
    }
    if let Some(starts) = settings.starts_at {
        c.starts_at = starts;
    }
    if let Some(ends) = settings.ends_at {
        c.ends_at = ends;
    }
    if c.ends_at < c.starts_at {
        return Err(DatesReversed);
    }
    c.neighbourhoods = settings.neighbourhoods;
    c.team = settings.team;
    c.topics = settings.topics;
    c.services = settings.services;
    if c.kind == CampaignKind::IdeaCollection {
        c.categories = settings.categories;
        c.places = places(&settings.places);
    }
    Ok(c)
}

/// The campaign archived (or brought back), `None` when it already is.
pub fn archive(campaign: &Campaign, archived: bool) -> Option<Campaign> {
    (campaign.archived != archived).then(|| Campaign {
        archived,
        ..campaign.clone()
    })
}

/// Named places from lines "name ; lat ; lon" (a comma for the decimal
/// point is read too); lines that do not read as one are left out.
pub fn places(lines: &[String]) -> Vec<NamedPlace> {
    lines
        .iter()
        .filter_map(|line| {
            let parts: Vec<&str> = line.split(';').map(str::trim).collect();
            let [name, lat, lon] = parts[..] else {
                return None;
            };
            let lat: f64 = lat.replace(',', ".").parse().ok()?;
            let lon: f64 = lon.replace(',', ".").parse().ok()?;
            (!name.is_empty() && lat.abs() <= 90.0 && lon.abs() <= 180.0).then(|| NamedPlace {
                name: name.chars().take(MAX_PLACE_NAME).collect(),
                point: Point { lon, lat },
            })
        })
        .take(MAX_PLACES)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn campaign() -> Campaign {
        Campaign::new(
            "Automne".into(),
            CampaignKind::DoorToDoor,
            10 * DAY,
            20 * DAY,
        )
    }

    #[test]
    fn an_end_before_the_start_is_refused_and_nothing_changes() {
        assert_eq!(
            new_campaign("x".into(), CampaignKind::DoorToDoor, 2 * DAY, DAY),
            Err(DatesReversed)
        );
        let stored = campaign();
        let moved = Settings {
            ends_at: Some(5 * DAY),
            ..Settings::default()
        };
        assert_eq!(plan(&stored, moved), Err(DatesReversed));
        let fine = Settings {
            name: "Hiver".into(),
            ends_at: Some(30 * DAY),
            topics: vec!["Propreté".into()],
            ..Settings::default()
        };
        let planned = plan(&stored, fine).expect("plan");
        assert_eq!(
            (planned.name.as_str(), planned.starts_at, planned.ends_at),
            ("Hiver", 10 * DAY, 30 * DAY)
        );
        assert_eq!(planned.topics, ["Propreté"]);
    }

    #[test]
    fn an_empty_name_keeps_the_stored_one_and_places_only_count_for_idea_collections() {
        let places = vec!["Parc ; 48,79 ; 2,36".to_string(), "sans coordonnées".into()];
        let door = plan(
            &campaign(),
            Settings {
                places: places.clone(),
                ..Settings::default()
            },
        )
        .expect("plan");
        assert_eq!(door.name, "Automne");
        assert!(door.places.is_empty());
        let ideas = plan(
            &campaign(),
            Settings {
                kind: Some(CampaignKind::IdeaCollection),
                places,
                ..Settings::default()
            },
        )
        .expect("plan");
        assert_eq!(ideas.places.len(), 1);
        assert_eq!(
            ideas.places[0].point,
            Point {
                lon: 2.36,
                lat: 48.79
            }
        );
    }

    #[test]
    fn places_out_of_range_or_too_many_are_left_out() {
        assert!(places(&["Pôle ; 91 ; 0".into(), " ; 1 ; 1".into()]).is_empty());
        let many: Vec<String> = (0..MAX_PLACES + 10)
            .map(|i| format!("P{i} ; 1 ; 1"))
            .collect();
        assert_eq!(places(&many).len(), MAX_PLACES);
        let long = format!("{} ; 1 ; 1", "x".repeat(500));
        assert_eq!(places(&[long])[0].name.chars().count(), MAX_PLACE_NAME);
    }

    #[test]
    fn archiving_twice_writes_nothing_the_second_time() {
        let archived = archive(&campaign(), true).expect("archived");
        assert!(archived.archived);
        assert!(archive(&archived, true).is_none());
        assert!(!archive(&archived, false).expect("back").archived);
    }
}
