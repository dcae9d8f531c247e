//! The stored territory as GeoJSON (WGS84), in the shape the import reads:
//! neighbourhood polygons, then one point per building entrance with the
//! same columns a spreadsheet would have. Importing the export gives the
//! same territory back.

use super::rows::entrance_counts;
use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject, JsonValue};
use shared::domain::{Building, Neighbourhood, Ring};
use std::collections::HashMap;

fn ring(ring: &Ring) -> Vec<geojson::Position> {
    ring.iter()
        .map(|p| geojson::Position::from([p.lon, p.lat]))
        .collect()
}

fn feature(value: GeometryValue, properties: JsonObject) -> Feature {
    Feature {
        geometry: Some(Geometry::new(value)),
        properties: Some(properties),
        ..Feature::default()
    }
}

/// The territory as a GeoJSON text.
pub fn export_geojson(neighbourhoods: &[Neighbourhood], buildings: &[Building]) -> String {
    let keys: HashMap<_, _> = neighbourhoods
        .iter()
        .map(|n| (n.id, n.key.as_str()))
        .collect();
    let mut features = Vec::new();
    for n in neighbourhoods {
        let polygons: Vec<Vec<Vec<geojson::Position>>> = n
            .polygons
            .iter()
            .map(|rings| rings.iter().map(ring).collect())
            .collect();
        let mut properties = JsonObject::new();
        properties.insert("code".into(), JsonValue::from(n.key.clone()));
        properties.insert("nom".into(), JsonValue::from(n.name.clone()));
        features.push(feature(
            GeometryValue::MultiPolygon {
                coordinates: polygons,
            },
            properties,
        ));
    }
    for b in buildings {
        for entrance in &b.entrances {
            let (floors, dwellings) = entrance_counts(entrance);
            let mut p = JsonObject::new();
            p.insert("cle".into(), JsonValue::from(b.key.clone()));
            p.insert("adresse".into(), JsonValue::from(b.address.clone()));
            if let Some(estate) = &b.estate {
                p.insert("residence".into(), JsonValue::from(estate.clone()));
            }
            if let Some(landlord) = &b.landlord {
                p.insert("bailleur".into(), JsonValue::from(landlord.clone()));
            }
            p.insert("entree".into(), JsonValue::from(entrance.label.clone()));
            p.insert("etages".into(), JsonValue::from(floors));
            p.insert("logements".into(), JsonValue::from(dwellings));
            p.insert(
                "digicode".into(),
                JsonValue::from(if entrance.has_door_code { "oui" } else { "non" }),
            );
            if let Some(key) = b.neighbourhood.and_then(|id| keys.get(&id)) {
                p.insert("quartier".into(), JsonValue::from(*key));
            }
            features.push(feature(
                GeometryValue::new_point([b.location.lon, b.location.lat]),
                p,
            ));
        }
    }
    let collection = FeatureCollection {
        features,
        ..FeatureCollection::default()
    };
    collection.to_string()
}
