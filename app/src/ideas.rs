//! What a youth ambassador does, as operations on the local store: list the
//! idea collections, list a collection's ideas (today's first), and save an
//! idea, new or edited.
//!
//! Like [`crate::field`], each save is one durable store transaction and
//! nothing here touches the network or the UI. An edit writes only the
//! fields a phone may write, over the stored document, so a colleague's
//! edit of another field and the office's status survive the merge.

use serde::{Deserialize, Serialize};
use shared::domain::{
    AgentId, Campaign, CampaignId, CampaignKind, CostBand, Idea, IdeaId, IdeaStatus, Neighbourhood,
    NeighbourhoodId, Point, ProposerProfile, Timestamp,
};
use shared::schema::{self, DocId, DocKind};
use shared::store::{Origin, Store};
use shared::sync::Records;

use crate::field::FieldError;

/// The longest title kept (the server refuses longer).
pub const MAX_TITLE_CHARS: usize = shared::domain::MAX_IDEA_TITLE_CHARS;
/// The longest description kept (the server refuses longer).
pub const MAX_DESCRIPTION_CHARS: usize = shared::domain::MAX_IDEA_DESCRIPTION_CHARS;
/// The longest school or class name kept (the server refuses longer).
pub const MAX_SHORT_CHARS: usize = shared::domain::MAX_IDEA_SHORT_CHARS;

/// An idea collection, as the ambassador's first screen lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CollectionSummary {
    /// The campaign.
    pub id: CampaignId,
    /// Its name.
    pub name: String,
    /// Ideas this phone holds for it.
    pub ideas: usize,
}

/// An idea in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdeaSummary {
    /// Its id.
    pub id: IdeaId,
    /// Its title.
    pub title: String,
    /// Its category.
    pub category: String,
    /// The named place, if picked from the list.
    pub place_name: Option<String>,
    /// Where the office stands.
    pub status: IdeaStatus,
    /// The office's reason, if any.
    pub status_reason: String,
    /// Whether the office merged it into another idea, as a duplicate.
    pub merged: bool,
    /// When it was collected.
    pub collected_at: Timestamp,
    /// Whether it was collected today.
    pub today: bool,
}

/// What the idea form offers to pick from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormChoices {
    /// The collection's name.
    pub name: String,
    /// Its categories.
    pub categories: Vec<String>,
    /// Its named places.
    pub places: Vec<String>,
    /// The municipality's neighbourhoods, by name.
    pub neighbourhoods: Vec<(NeighbourhoodId, String)>,
    /// The outlines to pick a point on: the collection's neighbourhoods
    /// (all of them when it names none), each ring as lon/lat pairs.
    pub outlines: Vec<Vec<(f64, f64)>>,
    /// The named places, to show on that map.
    pub place_points: Vec<(String, Point)>,
}

/// What the idea form sends: the fields a phone writes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IdeaDraft {
    /// The idea being edited, `None` for a new one.
    pub id: Option<IdeaId>,
    /// The collection.
    pub campaign: CampaignId,
    /// Short title.
    pub title: String,
    /// What it is.
    pub description: String,
    /// A category from the campaign's list.
    pub category: String,
    /// A named place from the campaign's list.
    pub place_name: Option<String>,
    /// Or a point picked on the map.
    pub place: Option<Point>,
    /// Cost band.
    pub cost_band: Option<CostBand>,
    /// Who proposed it, pseudonymously.
    pub proposer: ProposerProfile,
}

/// Why the form cannot be saved: each has a text in the UI's catalogues.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum IdeaProblem {
    /// No title.
    #[error("an idea needs a title")]
    NoTitle,
    /// No category, or one the campaign does not list.
    #[error("an idea needs one of the campaign's categories")]
    NoCategory,
    /// A named place the campaign does not list.
    #[error("not one of the campaign's places")]
    UnknownPlace,
    /// The campaign is not an idea collection on this phone.
    #[error("not an idea collection on this phone")]
    NotACollection,
    /// A point that is not on Earth.
    #[error("not a place on Earth")]
    BadPoint,
}

/// Saving failed.
#[derive(Debug, thiserror::Error)]
pub enum IdeaError {
    /// The form is not complete; nothing was saved.
    #[error(transparent)]
    Problem(#[from] IdeaProblem),
    /// The store failed; nothing was saved.
    #[error(transparent)]
    Field(#[from] FieldError),
}

impl From<shared::store::StoreError> for IdeaError {
    fn from(e: shared::store::StoreError) -> Self {
        Self::Field(e.into())
    }
}

impl From<shared::schema::SchemaError> for IdeaError {
    fn from(e: shared::schema::SchemaError) -> Self {
        Self::Field(e.into())
    }
}

fn collections_on(store: &Store) -> Result<Vec<Campaign>, FieldError> {
    let mut campaigns: Vec<Campaign> = store.readable_records(DocKind::Campaign)?;
    campaigns.retain(|c| c.kind == CampaignKind::IdeaCollection && !c.archived);
    campaigns.sort_by(|a, b| b.starts_at.cmp(&a.starts_at).then(a.name.cmp(&b.name)));
    Ok(campaigns)
}

fn ideas_on(store: &Store) -> Result<Vec<Idea>, FieldError> {
    Ok(store.readable_records(DocKind::Idea)?)
}

/// The idea collections on this phone, newest first.
pub fn collections(store: &Store) -> Result<Vec<CollectionSummary>, FieldError> {
    let ideas = ideas_on(store)?;
    Ok(collections_on(store)?
        .into_iter()
        .map(|c| CollectionSummary {
            ideas: ideas.iter().filter(|i| i.campaign == c.id).count(),
            id: c.id,
            name: c.name,
        })
        .collect())
}

/// A collection's ideas, newest first; `today_from` is the start of the
/// phone's day.
pub fn list(
    store: &Store,
    campaign: CampaignId,
    today_from: Timestamp,
) -> Result<Vec<IdeaSummary>, FieldError> {
    let mut ideas: Vec<Idea> = ideas_on(store)?
        .into_iter()
        .filter(|i| i.campaign == campaign)
        .collect();
    ideas.sort_by_key(|i| std::cmp::Reverse(i.collected_at));
    Ok(ideas
        .into_iter()
        .map(|i| IdeaSummary {
            id: i.id,
            today: i.collected_at >= today_from,
            title: i.title,
            category: i.category,
            place_name: i.place_name,
            status: i.status,
            status_reason: i.status_reason,
            merged: i.duplicate_of.is_some(),
            collected_at: i.collected_at,
        })
        .collect())
}

/// What the form of `campaign` offers.
pub fn choices(store: &Store, campaign: CampaignId) -> Result<FormChoices, FieldError> {
    let campaign = collections_on(store)?
        .into_iter()
        .find(|c| c.id == campaign)
        .ok_or_else(|| FieldError::Missing(DocId::campaign(campaign).to_string()))?;
    let all: Vec<Neighbourhood> = store.readable_records(DocKind::Neighbourhood)?;
    let outlines = all
        .iter()
        .filter(|n| campaign.neighbourhoods.is_empty() || campaign.neighbourhoods.contains(&n.id))
        .flat_map(|n| n.polygons.iter().filter_map(|rings| rings.first()))
        .map(|ring| ring.iter().map(|p| (p.lon, p.lat)).collect())
        .collect();
    let mut neighbourhoods: Vec<(NeighbourhoodId, String)> =
        all.into_iter().map(|n| (n.id, n.name)).collect();
    neighbourhoods.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(FormChoices {
        name: campaign.name,
        categories: campaign.categories,
        place_points: campaign
            .places
            .iter()
            .map(|p| (p.name.clone(), p.point))
            .collect(),
        places: campaign.places.into_iter().map(|p| p.name).collect(),
        neighbourhoods,
        outlines,
    })
}

/// One idea, for the form.
pub fn get(store: &Store, id: IdeaId) -> Result<Idea, FieldError> {
    let doc = store
        .load(&DocId::idea(id))?
        .ok_or_else(|| FieldError::Missing(DocId::idea(id).to_string()))?;
    Ok(schema::read(&doc)?)
}

fn clip(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

fn clip_opt(text: Option<String>) -> Option<String> {
    text.map(|t| clip(&t, MAX_SHORT_CHARS))
        .filter(|t| !t.is_empty())
}

/// Saves the form, durably: a new idea collected by `agent` at `now`, or
/// the phone's fields written over the stored idea. Returns its id.
pub fn save(
    store: &mut Store,
    draft: IdeaDraft,
    agent: AgentId,
    now: Timestamp,
) -> Result<IdeaId, IdeaError> {
    let campaign = collections_on(store)?
        .into_iter()
        .find(|c| c.id == draft.campaign)
        .ok_or(IdeaProblem::NotACollection)?;
    let title = clip(&draft.title, MAX_TITLE_CHARS);
    if title.is_empty() {
        return Err(IdeaProblem::NoTitle.into());
    }
    let category = draft.category.trim().to_string();
    if category.is_empty()
        || (!campaign.categories.is_empty() && !campaign.categories.contains(&category))
    {
        return Err(IdeaProblem::NoCategory.into());
    }
    let (place_name, place) = match draft.place_name.filter(|n| !n.trim().is_empty()) {
        Some(name) => {
            let named = campaign
                .places
                .iter()
                .find(|p| p.name == name)
                .ok_or(IdeaProblem::UnknownPlace)?;
            (Some(named.name.clone()), Some(named.point))
        }
        None => match draft.place {
            Some(p) if !(p.lon.abs() <= 180.0 && p.lat.abs() <= 90.0) => {
                return Err(IdeaProblem::BadPoint.into());
            }
            p => (None, p),
        },
    };
    let (doc_id, mut doc, mut idea) = match draft.id {
        Some(id) => {
            let doc_id = DocId::idea(id);
            let doc = store
                .load(&doc_id)?
                .ok_or_else(|| FieldError::Missing(doc_id.to_string()))?;
            let idea: Idea = schema::read(&doc)?;
            (doc_id, doc, idea)
        }
        None => {
            let idea = Idea::new(campaign.id, agent, now);
            (DocId::idea(idea.id), automerge::Automerge::new(), idea)
        }
    };
    idea.title = title;
    idea.description = clip(&draft.description, MAX_DESCRIPTION_CHARS);
    idea.category = category;
    idea.place_name = place_name;
    idea.place = place;
    idea.cost_band = draft.cost_band;
    idea.proposer = ProposerProfile {
        age_band: draft.proposer.age_band,
        school: clip_opt(draft.proposer.school),
        class: clip_opt(draft.proposer.class),
        neighbourhood: draft.proposer.neighbourhood,
    };
    schema::write(&mut doc, &idea)?;
    store.save(&doc_id, &doc, Origin::Local)?;
    Ok(idea.id)
}

/// The width of the place map, in CSS pixels and in its own units: one
/// scale, so a tap's offset is a map coordinate.
pub const MAP_WIDTH: f64 = 320.0;

/// Lon/lat → map units: equirectangular, scaled by the cosine of the
/// latitude (true enough over a town).
#[derive(Clone, Copy, PartialEq)]
pub struct MapFit {
    west: f64,
    north: f64,
    scale: f64,
    x_factor: f64,
    /// The map's height, in its units.
    pub height: f64,
}

impl MapFit {
    /// The fit of `points` (lon, lat) in the map; `None` without any.
    pub fn new(points: impl Iterator<Item = (f64, f64)>) -> Option<Self> {
        let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for (lon, lat) in points {
            w = w.min(lon);
            e = e.max(lon);
            s = s.min(lat);
            n = n.max(lat);
        }
        if w > e {
            return None;
        }
        let x_factor = ((s + n) / 2.0).to_radians().cos().max(0.1);
        let margin = 0.05;
        let span_x = ((e - w) * x_factor).max(1e-4);
        let span_y = (n - s).max(1e-4);
        let scale = MAP_WIDTH * (1.0 - 2.0 * margin) / span_x;
        let height = (span_y * scale / (1.0 - 2.0 * margin)).clamp(160.0, 420.0);
        let scale = scale.min(height * (1.0 - 2.0 * margin) / span_y);
        Some(MapFit {
            west: w - (MAP_WIDTH / scale / x_factor - (e - w)) / 2.0,
            north: n + (height / scale - (n - s)) / 2.0,
            scale,
            x_factor,
            height,
        })
    }

    /// A point's map coordinates.
    pub fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.west) * self.x_factor * self.scale,
            (self.north - lat) * self.scale,
        )
    }

    /// The point at map coordinates (a tap).
    pub fn point(&self, x: f64, y: f64) -> Point {
        Point {
            lon: self.west + x / self.scale / self.x_factor,
            lat: self.north - y / self.scale,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::{NamedPlace, Timestamp};

    const NOON: Timestamp = 1_780_000_000_000;

    fn collection(store: &mut Store) -> Campaign {
        let mut c = Campaign::new(
            "Budget participatif 2027".into(),
            CampaignKind::IdeaCollection,
            0,
            NOON * 2,
        );
        c.categories = vec!["Sport".into(), "Nature en ville".into()];
        c.places = vec![NamedPlace {
            name: "Parc de la Fosse-Maussoin".into(),
            point: Point {
                lon: 2.52,
                lat: 48.90,
            },
        }];
        let mut doc = automerge::Automerge::new();
        schema::write(&mut doc, &c).expect("write");
        store
            .save(&DocId::campaign(c.id), &doc, Origin::Remote)
            .expect("save");
        c
    }

    fn draft(campaign: &Campaign, title: &str) -> IdeaDraft {
        IdeaDraft {
            campaign: campaign.id,
            title: title.into(),
            category: "Sport".into(),
            ..IdeaDraft::default()
        }
    }

    #[test]
    fn an_idea_is_saved_listed_and_edited() {
        let mut store = Store::open_in_memory().expect("store");
        let c = collection(&mut store);
        let me = AgentId::new();
        let mut d = draft(&c, "  Un city-stade  ");
        d.place_name = Some("Parc de la Fosse-Maussoin".into());
        d.proposer.class = Some("4e B".into());
        let id = save(&mut store, d, me, NOON).expect("save");
        let old = save(&mut store, draft(&c, "Des bancs"), me, NOON - 86_400_000).expect("save");

        let listed = list(&store, c.id, NOON - 3_600_000).expect("list");
        assert_eq!(
            listed.iter().map(|i| (i.id, i.today)).collect::<Vec<_>>(),
            vec![(id, true), (old, false)]
        );
        assert_eq!(listed[0].title, "Un city-stade");
        let saved = get(&store, id).expect("get");
        assert_eq!(saved.place.map(|p| p.lat), Some(48.90));
        assert_eq!(saved.collected_by, me);
        assert_eq!(collections(&store).expect("collections")[0].ideas, 2);

        // Edited by another ambassador on the same phone: the title
        // changes, the collector stays.
        let mut edit = draft(&c, "Un city-stade couvert");
        edit.id = Some(id);
        save(&mut store, edit, AgentId::new(), NOON + 5).expect("edit");
        let edited = get(&store, id).expect("get");
        assert_eq!(edited.title, "Un city-stade couvert");
        assert_eq!((edited.collected_by, edited.collected_at), (me, NOON));
        assert_eq!(edited.place, None, "the place was taken off in the form");
    }

    #[test]
    fn the_same_idea_edited_on_two_phones_keeps_both_edits() {
        let mut a = Store::open_in_memory().expect("store");
        let c = collection(&mut a);
        let id = save(&mut a, draft(&c, "Des bancs"), AgentId::new(), NOON).expect("save");
        let mut b = Store::open_in_memory().expect("store");
        for doc_id in [DocId::campaign(c.id), DocId::idea(id)] {
            let doc = a.load(&doc_id).expect("load").expect("held");
            b.save(&doc_id, &doc, Origin::Remote).expect("copy");
        }
        // Offline, each phone edits its own field from the idea it holds.
        let form = |store: &Store| {
            let idea = get(store, id).expect("get");
            IdeaDraft {
                id: Some(id),
                campaign: idea.campaign,
                title: idea.title,
                description: idea.description,
                category: idea.category,
                place_name: idea.place_name,
                place: idea.place,
                cost_band: idea.cost_band,
                proposer: idea.proposer,
            }
        };
        let mut on_a = form(&a);
        on_a.title = "Des bancs à l'ombre".into();
        save(&mut a, on_a, AgentId::new(), NOON + 1).expect("edit a");
        let mut on_b = form(&b);
        on_b.cost_band = Some(CostBand::Under10k);
        save(&mut b, on_b, AgentId::new(), NOON + 2).expect("edit b");
        // They meet.
        let from_a = a.load(&DocId::idea(id)).expect("load").expect("held");
        let from_b = b.load(&DocId::idea(id)).expect("load").expect("held");
        a.save(&DocId::idea(id), &from_b, Origin::Remote)
            .expect("a gets b");
        b.save(&DocId::idea(id), &from_a, Origin::Remote)
            .expect("b gets a");
        for store in [&a, &b] {
            let idea = get(store, id).expect("get");
            assert_eq!(idea.title, "Des bancs à l'ombre");
            assert_eq!(idea.cost_band, Some(CostBand::Under10k));
        }
    }

    #[test]
    fn an_incomplete_form_is_refused_and_nothing_is_saved() {
        let mut store = Store::open_in_memory().expect("store");
        let c = collection(&mut store);
        let me = AgentId::new();
        let cases = [
            (draft(&c, "   "), IdeaProblem::NoTitle),
            (
                IdeaDraft {
                    category: "Parking".into(),
                    ..draft(&c, "x")
                },
                IdeaProblem::NoCategory,
            ),
            (
                IdeaDraft {
                    place_name: Some("Tour Eiffel".into()),
                    ..draft(&c, "x")
                },
                IdeaProblem::UnknownPlace,
            ),
            (
                IdeaDraft {
                    place: Some(Point {
                        lon: f64::NAN,
                        lat: 0.0,
                    }),
                    ..draft(&c, "x")
                },
                IdeaProblem::BadPoint,
            ),
            (
                IdeaDraft {
                    campaign: CampaignId::new(),
                    ..draft(&c, "x")
                },
                IdeaProblem::NotACollection,
            ),
        ];
        for (d, problem) in cases {
            match save(&mut store, d, me, NOON) {
                Err(IdeaError::Problem(p)) => assert_eq!(p, problem),
                other => panic!("expected {problem:?}, got {other:?}"),
            }
        }
        assert!(list(&store, c.id, 0).expect("list").is_empty());
    }

    #[test]
    fn long_texts_are_cut_to_their_limits() {
        let mut store = Store::open_in_memory().expect("store");
        let c = collection(&mut store);
        let mut d = draft(&c, &"é".repeat(500));
        d.description = "x".repeat(10_000);
        let id = save(&mut store, d, AgentId::new(), NOON).expect("save");
        let idea = get(&store, id).expect("get");
        assert_eq!(idea.title.chars().count(), MAX_TITLE_CHARS);
        assert_eq!(idea.description.len(), MAX_DESCRIPTION_CHARS);
    }

    #[test]
    fn a_tap_on_the_map_is_the_point_drawn_there() {
        let fit = MapFit::new([(2.35, 48.79), (2.37, 48.80)].into_iter()).expect("fit");
        let (x, y) = fit.xy(2.361, 48.795);
        let back = fit.point(x, y);
        assert!((back.lon - 2.361).abs() < 1e-9 && (back.lat - 48.795).abs() < 1e-9);
        assert!(x > 0.0 && x < MAP_WIDTH && y > 0.0 && y < fit.height);
        assert!(MapFit::new(std::iter::empty()).is_none());
    }
}
