//! Which meaning each column of a table has: guessed from its header,
//! remembered from the municipality's last import of a file with the same
//! headers, or chosen by the coordinator in the preview. A table is
//! identified by its headers alone (their [`signature`]), so next month's
//! export from the same GIS service or landlord needs no choice again.

use super::rows::Column;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// One meaning (or none: the column is ignored) per header, in order.
pub type Mapping = Vec<Option<Column>>;

/// Where a table's mapping came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Read from the headers.
    Guessed,
    /// The municipality's last import of a file with the same headers.
    Remembered,
    /// Chosen in this preview.
    Chosen,
}

/// What the coordinator chose (or the municipality remembers) for the
/// files of one import.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Choices {
    /// Mappings chosen in this preview, by header signature.
    #[serde(default)]
    pub chosen: BTreeMap<String, Mapping>,
    /// Mappings remembered from earlier imports, by header signature.
    #[serde(default)]
    pub remembered: BTreeMap<String, Mapping>,
    /// The sheet chosen in a workbook, by file position.
    #[serde(default)]
    pub sheets: BTreeMap<usize, String>,
    /// The header row chosen for a table, by file position: its line as
    /// the spreadsheet shows it.
    #[serde(default)]
    pub header_lines: BTreeMap<usize, usize>,
    /// The staircase the coordinator puts a building's dwellings without
    /// one in, by building key.
    #[serde(default)]
    pub blank_entrances: BTreeMap<String, String>,
}

impl Choices {
    /// The mapping for a table with `headers`, and where it came from. A
    /// stored mapping of another length (it cannot be, with the same
    /// signature, unless forged) is ignored.
    pub fn mapping(&self, signature: &str, headers: &[String]) -> (Mapping, Source) {
        let fits = |m: &&Mapping| m.len() == headers.len();
        if let Some(m) = self.chosen.get(signature).filter(fits) {
            // Posted again unchanged, a remembered or guessed mapping is
            // still that: only a change is the coordinator's choice.
            let remembered = self.remembered.get(signature);
            let source = if remembered == Some(m) {
                Source::Remembered
            } else if remembered.is_none() && guess(headers) == *m {
                Source::Guessed
            } else {
                // Back to the guess from a remembered mapping is a choice
                // too: it is what is remembered next.
                Source::Chosen
            };
            return (m.clone(), source);
        }
        if let Some(m) = self.remembered.get(signature).filter(fits) {
            return (m.clone(), Source::Remembered);
        }
        (guess(headers), Source::Guessed)
    }
}

/// A table's identity: its headers as written, trimmed, in order.
pub fn signature(headers: &[String]) -> String {
    let mut hasher = Sha256::new();
    for header in headers {
        hasher.update(header.trim().as_bytes());
        hasher.update([0x1f]);
    }
    hex::encode(&hasher.finalize()[..16])
}

/// Meanings read from the headers: the names Palier has always read
/// first, then headers read as a person would; a meaning goes to the first
/// header that reads as it, except the address, which may be spread over
/// several columns (number, street type, street name).
pub fn guess(headers: &[String]) -> Mapping {
    let mut mapping: Mapping = vec![None; headers.len()];
    let mut taken = std::collections::HashSet::new();
    for pass in [true, false] {
        for (i, header) in headers.iter().enumerate() {
            let column = if pass {
                Column::exact(header)
            } else if Column::exact(header).is_none() {
                super::headers::guess(header)
            } else {
                None
            };
            if let Some(column) = column
                && (column == Column::Address || taken.insert(column))
            {
                mapping[i] = Some(column);
            }
        }
    }
    mapping
}

/// How the rows of a table describe buildings, read from its mapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One row per entrance (or per building with one entrance).
    PerEntrance,
    /// One row per building, with its number of entrances.
    PerBuilding,
    /// One row per dwelling, with its floor (and door label).
    PerDwelling,
}

impl Shape {
    /// The shape a mapping describes.
    pub fn of(mapping: &[Option<Column>]) -> Self {
        let has = |c| mapping.contains(&Some(c));
        if has(Column::Level) || has(Column::Door) {
            Shape::PerDwelling
        } else if has(Column::EntranceCount) && !has(Column::Entrance) {
            Shape::PerBuilding
        } else {
            Shape::PerEntrance
        }
    }

    /// The meanings a table of this shape cannot do without.
    pub fn missing(self, mapping: &[Option<Column>]) -> Vec<Column> {
        let has = |c| mapping.contains(&Some(c));
        let mut missing = vec![];
        if !has(Column::Address) {
            missing.push(Column::Address);
        }
        match self {
            Shape::PerDwelling if !has(Column::Level) => missing.push(Column::Level),
            Shape::PerDwelling => {}
            Shape::PerEntrance | Shape::PerBuilding => {
                for c in [Column::Floors, Column::Dwellings] {
                    if !has(c) {
                        missing.push(c);
                    }
                }
            }
        }
        let xy = has(Column::X) && has(Column::Y);
        let lonlat = has(Column::Longitude) && has(Column::Latitude);
        if !xy && !lonlat {
            missing.extend([Column::X, Column::Y]);
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(headers: &[&str]) -> Vec<String> {
        headers.iter().map(|h| h.to_string()).collect()
    }

    #[test]
    fn a_signature_names_the_headers_not_the_rows() {
        let a = strings(&["Réf.", "Adresse", "Nb logements"]);
        let b = strings(&[" Réf. ", "Adresse", "Nb logements"]);
        let c = strings(&["Adresse", "Réf.", "Nb logements"]);
        assert_eq!(signature(&a), signature(&b));
        assert_ne!(signature(&a), signature(&c));
        // Headers cannot be run together to forge another table's identity.
        assert_ne!(
            signature(&strings(&["ab", "c"])),
            signature(&strings(&["a", "bc"]))
        );
    }

    #[test]
    fn chosen_beats_remembered_beats_guessed() {
        let headers = strings(&["cle", "truc"]);
        let sig = signature(&headers);
        let mut choices = Choices::default();
        assert_eq!(
            choices.mapping(&sig, &headers),
            (vec![Some(Column::Key), None], Source::Guessed)
        );
        choices
            .remembered
            .insert(sig.clone(), vec![Some(Column::Key), Some(Column::Address)]);
        assert_eq!(choices.mapping(&sig, &headers).1, Source::Remembered);
        choices
            .chosen
            .insert(sig.clone(), vec![None, Some(Column::Address)]);
        assert_eq!(
            choices.mapping(&sig, &headers),
            (vec![None, Some(Column::Address)], Source::Chosen)
        );
        // Posted back unchanged, a remembered or guessed mapping is still
        // that, not a choice (only choices are remembered).
        choices
            .chosen
            .insert(sig.clone(), vec![Some(Column::Key), Some(Column::Address)]);
        assert_eq!(choices.mapping(&sig, &headers).1, Source::Remembered);
        // Back to the guess from a remembered mapping is a choice; with
        // nothing remembered, the guess posted back is still a guess.
        choices
            .chosen
            .insert(sig.clone(), vec![Some(Column::Key), None]);
        assert_eq!(choices.mapping(&sig, &headers).1, Source::Chosen);
        let remembered = std::mem::take(&mut choices.remembered);
        assert_eq!(choices.mapping(&sig, &headers).1, Source::Guessed);
        choices.remembered = remembered;
        // A forged mapping of the wrong length is not used.
        choices.chosen.insert(sig.clone(), vec![None]);
        assert_eq!(choices.mapping(&sig, &headers).1, Source::Remembered);
    }

    #[test]
    fn the_address_may_span_columns_other_meanings_may_not() {
        let headers = strings(&[
            "NUMVOIE", "TYPVOIE", "NOMVOIE", "ESC", "ETAGE", "NUMAPPT", "X", "Y",
        ]);
        let mapping = guess(&headers);
        assert_eq!(
            mapping,
            [
                Some(Column::Address),
                Some(Column::Address),
                Some(Column::Address),
                Some(Column::Entrance),
                Some(Column::Level),
                Some(Column::Door),
                Some(Column::X),
                Some(Column::Y)
            ]
        );
        assert_eq!(Shape::of(&mapping), Shape::PerDwelling);
        assert!(Shape::of(&mapping).missing(&mapping).is_empty());
        let twice = guess(&strings(&["logements", "Nb de logements"]));
        assert_eq!(twice, [Some(Column::Dwellings), None]);
    }

    #[test]
    fn what_each_shape_needs() {
        let per_building = [
            Some(Column::Address),
            Some(Column::EntranceCount),
            Some(Column::Floors),
        ];
        assert_eq!(Shape::of(&per_building), Shape::PerBuilding);
        assert_eq!(
            Shape::PerBuilding.missing(&per_building),
            [Column::Dwellings, Column::X, Column::Y]
        );
        assert_eq!(Shape::of(&[Some(Column::Entrance)]), Shape::PerEntrance);
    }
}
