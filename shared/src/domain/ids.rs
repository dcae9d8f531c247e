//! Typed identifiers, so a building id can never be passed where a person id
//! is expected. All are random UUIDs made on the device that creates the
//! record: devices create records offline, so ids cannot come from a server.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh random id.
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.as_simple().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: autosurgeon::Reconciler>(&self, reconciler: R) -> Result<(), R::Error> {
                self.to_string().reconcile(reconciler)
            }
        }

        impl Hydrate for $name {
            fn hydrate_string(s: &'_ str) -> Result<Self, autosurgeon::HydrateError> {
                s.parse().map_err(|_| {
                    autosurgeon::HydrateError::unexpected("a simple-format UUID", s.to_string())
                })
            }
        }
    )*};
}

id_type! {
    /// A municipality: the tenant. Nothing crosses from one to another.
    MunicipalityId,
    /// A participation exercise (démarche).
    CampaignId,
    /// A neighbourhood polygon (quartier).
    NeighbourhoodId,
    /// A building (bâtiment) with its entrances and dwellings.
    BuildingId,
    /// The buildings one team covers (secteur).
    SectorId,
    /// One knock at one door (passage).
    VisitId,
    /// A participatory-budget idea.
    IdeaId,
    /// A problem handed to a city service (signalement).
    FollowUpId,
    /// A volunteer who left personal data, with consent.
    PersonId,
    /// A field agent, coordinator or ambassador account.
    AgentId,
    /// An enrolled phone or tablet.
    DeviceId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_text_form() {
        let id = VisitId::new();
        assert_eq!(id.to_string().parse::<VisitId>().ok(), Some(id));
        assert!("not-a-uuid".parse::<VisitId>().is_err());
    }
}
