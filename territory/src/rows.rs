//! One building entrance per row, whichever file it came from: the columns
//! municipalities' spreadsheets and GIS layers use, under their French (and
//! a few English) names, accents and case ignored.

use super::crs::{Crs, Reprojector, in_france, looks_like_degrees};
use super::decode::{parse_count, parse_decimal};
use super::{ParsedBuilding, RowProblem};
use shared::domain::{Entrance, Floor, Point};

/// Upper bounds beyond which a value is a typo, not a building.
const MAX_FLOORS: u32 = 60;
/// Dwellings one entrance may have.
pub const MAX_DWELLINGS_PER_ENTRANCE: u32 = 1_000;
/// Entrances one building may have.
pub const MAX_ENTRANCES: u32 = 40;

/// What a column means.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// The municipality's stable key for the building.
    Key,
    /// Postal address.
    Address,
    /// Estate (résidence).
    Estate,
    /// The social landlord (bailleur).
    Landlord,
    /// Entrance label (cage).
    Entrance,
    /// Floors above the ground floor (R+N gives N).
    Floors,
    /// Dwellings of the entrance, or of the building when the row gives
    /// its entrances' count.
    Dwellings,
    /// How many entrances the building has (one row per building).
    EntranceCount,
    /// Whether a door code keeps canvassers out.
    DoorCode,
    /// Neighbourhood named in the file, instead of found by position.
    Neighbourhood,
    /// WGS84 longitude.
    Longitude,
    /// WGS84 latitude.
    Latitude,
    /// Lambert-93 easting.
    X,
    /// Lambert-93 northing.
    Y,
    /// The coordinate system of the row's coordinates ("Lambert 93",
    /// "2154", "WGS84"…), when a file mixes them.
    CrsName,
    /// The floor a dwelling is on (one row per dwelling; "RDC" is 0).
    Level,
    /// A dwelling's door label (one row per dwelling).
    Door,
    /// A neighbourhood's name.
    Name,
    /// A neighbourhood's code.
    Code,
    /// A building's code in the landlord's files (BAT, IMMEU, "Bâtiment"):
    /// it tells apart buildings at one address.
    BuildingCode,
    /// The commune (LIBCOM): part of the address where a file spans
    /// communes with one street address in two of them.
    Commune,
}

/// Upper bound of a dwelling's floor, and its lowest basement.
const LEVELS: std::ops::RangeInclusive<i32> = -5..=60;

/// Which column each header is: the names Palier has always read first,
/// then headers read as a person would (`headers::guess`); when two headers
/// read as one column, the first keeps it. `headers` gives each header
/// with its key (a position, a property name).
pub fn map_headers<'a, K: Copy>(
    headers: impl Iterator<Item = (K, &'a str)> + Clone,
) -> std::collections::HashMap<Column, K> {
    let mut columns = std::collections::HashMap::new();
    for (key, header) in headers.clone() {
        if let Some(column) = Column::exact(header) {
            columns.entry(column).or_insert(key);
        }
    }
    for (key, header) in headers {
        if Column::exact(header).is_none()
            && let Some(column) = super::headers::guess(header)
        {
            columns.entry(column).or_insert(key);
        }
    }
    columns
}

impl Column {
    /// The meanings a coordinator may give a table's column, in the order
    /// the preview offers them.
    pub const TABLE: [Column; 18] = [
        Column::Key,
        Column::Address,
        Column::Commune,
        Column::BuildingCode,
        Column::Estate,
        Column::Landlord,
        Column::Entrance,
        Column::EntranceCount,
        Column::Floors,
        Column::Dwellings,
        Column::Level,
        Column::Door,
        Column::DoorCode,
        Column::X,
        Column::Y,
        Column::Longitude,
        Column::Latitude,
        Column::CrsName,
    ];

    /// Its name in forms and stored mappings.
    pub fn slug(self) -> &'static str {
        match self {
            Column::Key => "key",
            Column::Address => "address",
            Column::Estate => "estate",
            Column::Landlord => "landlord",
            Column::Entrance => "entrance",
            Column::Floors => "floors",
            Column::Dwellings => "dwellings",
            Column::EntranceCount => "entrance_count",
            Column::DoorCode => "door_code",
            Column::Neighbourhood => "neighbourhood",
            Column::Longitude => "longitude",
            Column::Latitude => "latitude",
            Column::X => "x",
            Column::Y => "y",
            Column::CrsName => "crs_name",
            Column::Level => "level",
            Column::Door => "door",
            Column::Name => "name",
            Column::Code => "code",
            Column::BuildingCode => "building_code",
            Column::Commune => "commune",
        }
    }

    /// The meaning a form names, among those a table may have.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::TABLE
            .into_iter()
            .chain([Column::Neighbourhood])
            .find(|c| c.slug() == slug)
    }

    /// The column a header names exactly (accents and case aside).
    pub(super) fn exact(header: &str) -> Option<Self> {
        let normalised: String = header
            .trim()
            .trim_matches('"')
            .chars()
            .map(|c| match c {
                'à' | 'â' | 'ä' | 'À' | 'Â' => 'a',
                'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => 'e',
                'î' | 'ï' | 'Î' => 'i',
                'ô' | 'ö' | 'Ô' => 'o',
                'ù' | 'û' | 'ü' | 'Û' => 'u',
                'ç' | 'Ç' => 'c',
                ' ' | '-' | '.' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        Some(match normalised.as_str() {
            "cle" | "identifiant" | "id" | "id_batiment" | "key" => Column::Key,
            "adresse" | "address" => Column::Address,
            "residence" | "estate" => Column::Estate,
            "bailleur" | "landlord" | "proprietaire" | "gestionnaire" => Column::Landlord,
            "entree" | "cage" | "cage_d_escalier" | "entrance" => Column::Entrance,
            "etages" | "nb_etages" | "nombre_etages" | "floors" => Column::Floors,
            "logements" | "nb_logements" | "nombre_logements" | "dwellings" => Column::Dwellings,
            "digicode" | "door_code" => Column::DoorCode,
            "quartier" | "neighbourhood" => Column::Neighbourhood,
            "longitude" | "lon" | "lng" => Column::Longitude,
            "latitude" | "lat" => Column::Latitude,
            "x" | "x_l93" | "coord_x" => Column::X,
            "y" | "y_l93" | "coord_y" => Column::Y,
            "nom" | "name" | "libelle" | "nom_quartier" | "nom_iris" | "lib_iris" | "nom_qp"
            | "lib_qp" => Column::Name,
            "code" | "code_quartier" | "code_iris" | "iris" | "code_qp" => Column::Code,
            // The columns of landlords' RPLS inventories, one per dwelling.
            "numvoie" | "indrep" | "typvoie" | "nomvoie" => Column::Address,
            "esc" => Column::Entrance,
            "etage" => Column::Level,
            "numappt" | "porte" | "num_porte" => Column::Door,
            "libcom" | "commune" | "nom_commune" | "ville" => Column::Commune,
            "bat" | "immeu" | "batiment" | "code_batiment" | "n_batiment" | "no_batiment"
            | "num_batiment" | "immeuble" | "code_immeuble" | "building_code" => {
                Column::BuildingCode
            }
            "crs" | "epsg" | "srid" | "systeme" | "projection" => Column::CrsName,
            "entrees" | "nb_entrees" | "nombre_entrees" | "cages" | "nb_cages" => {
                Column::EntranceCount
            }
            _ => return None,
        })
    }
}

/// Where a building row says it stands.
pub enum Position {
    /// Read from coordinate columns, in the file's system.
    Columns,
    /// Already a WGS84 point (a GeoJSON geometry, reprojected).
    Point(Point),
}

/// What every building row says, whatever the file's shape.
#[derive(Clone)]
pub struct Head {
    /// The municipality's key (the address when the file has none).
    pub key: String,
    /// Postal address.
    pub address: String,
    /// Estate.
    pub estate: Option<String>,
    /// Landlord.
    pub landlord: Option<String>,
    /// Where it stands, WGS84.
    pub location: Point,
    /// The neighbourhood the row names.
    pub neighbourhood: Option<String>,
    /// Whether a door code keeps canvassers out.
    pub door_code: bool,
    /// The landlord's building code, when the file has one.
    pub code: Option<String>,
    /// The commune, when the file has one.
    pub commune: Option<String>,
}

/// Longest address, key, estate, landlord or neighbourhood name: what
/// phones show and store for every building.
const MAX_TEXT: usize = 512;
/// Longest entrance or door label: it names a button on the door grid.
pub const MAX_LABEL: usize = 64;

/// A trimmed value, `None` when empty.
fn value(get: &dyn Fn(Column) -> Option<String>, column: Column) -> Option<String> {
    get(column)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A trimmed value of at most `max` bytes, `None` when empty.
pub fn bounded(
    get: &dyn Fn(Column) -> Option<String>,
    column: Column,
    max: usize,
) -> Result<Option<String>, RowProblem> {
    match value(get, column) {
        Some(v) if v.len() > max => Err(RowProblem::TooLong(column)),
        v => Ok(v),
    }
}

/// Reads what a row says of its building.
pub fn head(
    get: &dyn Fn(Column) -> Option<String>,
    position: Position,
    reprojector: &Reprojector,
) -> Result<Head, RowProblem> {
    let required = |column: Column| value(get, column).ok_or(RowProblem::Missing(column));
    let text = |column| bounded(get, column, MAX_TEXT);
    let address = text(Column::Address)?.ok_or(RowProblem::Missing(Column::Address))?;
    let key = text(Column::Key)?.unwrap_or_else(|| address.clone());
    let estate = text(Column::Estate)?;
    let landlord = text(Column::Landlord)?;
    let neighbourhood = text(Column::Neighbourhood)?;
    let location = match position {
        Position::Point(point) => point,
        Position::Columns => {
            let (cx, cy) = if get(Column::X).is_some() {
                (Column::X, Column::Y)
            } else {
                (Column::Longitude, Column::Latitude)
            };
            let coordinate = |column| {
                let text = required(column)?;
                parse_decimal(&text).ok_or(RowProblem::NotANumber {
                    column,
                    value: text,
                })
            };
            let (x, y) = (coordinate(cx)?, coordinate(cy)?);
            // The row's own system, else the file's, else degrees when the
            // numbers can only be degrees ("X;Y" columns holding GPS).
            let crs = match value(get, Column::CrsName) {
                Some(label) => Crs::from_label(&label).ok_or(RowProblem::UnknownCrs(label))?,
                None if looks_like_degrees(x, y) => Crs::Wgs84,
                None => reprojector.crs(),
            };
            reprojector
                .to_wgs84_from(crs, x, y)
                .ok_or(RowProblem::OutsideFrance { x, y })?
        }
    };
    if !in_france(location) {
        return Err(RowProblem::OutsideFrance {
            x: location.lon,
            y: location.lat,
        });
    }
    let door_code = get(Column::DoorCode).is_some_and(|v| {
        matches!(
            v.trim().to_lowercase().as_str(),
            "oui" | "o" | "x" | "1" | "true" | "vrai" | "yes"
        )
    });
    let code = bounded(get, Column::BuildingCode, MAX_LABEL)?;
    let commune = text(Column::Commune)?;
    Ok(Head {
        key,
        address,
        estate,
        landlord,
        location,
        neighbourhood,
        door_code,
        code,
        commune,
    })
}

/// A count read from a column.
fn count(get: &dyn Fn(Column) -> Option<String>, column: Column) -> Result<u32, RowProblem> {
    let text = value(get, column).ok_or(RowProblem::Missing(column))?;
    parse_count(&text).ok_or(RowProblem::NotACount {
        column,
        value: text,
    })
}

/// The floor a dwelling is on, as landlords write it: "RDC", "RC", "0",
/// "1", "1er", "2e", "3ème", "-1", "SS1" (first basement).
pub fn parse_level(text: &str) -> Option<i32> {
    let lower = text.trim().to_lowercase();
    let squeezed: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if matches!(
        squeezed.as_str(),
        "rdc" | "rc" | "r" | "rez-de-chaussée" | "rez-de-chaussee" | "0" | "00"
    ) {
        return Some(0);
    }
    let (sign, digits) = if let Some(rest) = squeezed.strip_prefix("ss") {
        (-1, rest)
    } else if let Some(rest) = squeezed.strip_prefix('-') {
        (-1, rest)
    } else {
        (1, squeezed.as_str())
    };
    let number = digits.trim_end_matches(|c: char| c.is_alphabetic());
    let level = number.parse::<i32>().ok()?.checked_mul(sign)?;
    LEVELS.contains(&level).then_some(level)
}

/// Reads one entrance row (or a building's row with its entrances'
/// count). `get` returns a column's raw text.
pub fn building_row(
    line: usize,
    get: &dyn Fn(Column) -> Option<String>,
    position: Position,
    reprojector: &Reprojector,
) -> Result<ParsedBuilding, RowProblem> {
    let head = head(get, position, reprojector)?;
    let floors = count(get, Column::Floors)?;
    let dwellings = count(get, Column::Dwellings)?;
    let label = bounded(get, Column::Entrance, MAX_LABEL)?;
    // One row per building: its entrances' count, when no entrance is named.
    let entrance_count = match value(get, Column::EntranceCount).filter(|_| label.is_none()) {
        None => 1,
        Some(text) => parse_count(&text)
            .filter(|n| *n >= 1)
            .ok_or(RowProblem::NotACount {
                column: Column::EntranceCount,
                value: text,
            })?,
    };
    if entrance_count > MAX_ENTRANCES {
        return Err(RowProblem::Implausible {
            column: Column::EntranceCount,
            value: entrance_count,
        });
    }
    if floors > MAX_FLOORS {
        return Err(RowProblem::Implausible {
            column: Column::Floors,
            value: floors,
        });
    }
    if dwellings > MAX_DWELLINGS_PER_ENTRANCE.saturating_mul(entrance_count) {
        return Err(RowProblem::Implausible {
            column: Column::Dwellings,
            value: dwellings,
        });
    }
    let entrances = match label {
        Some(label) => vec![entrance(label, floors, dwellings, head.door_code)],
        // The building's dwellings spread over its entrances, the first
        // ones taking the remainder (the office can adjust them later).
        None => (0..entrance_count)
            .map(|i| {
                let share = dwellings / entrance_count + u32::from(i < dwellings % entrance_count);
                entrance(entrance_label(i), floors, share, head.door_code)
            })
            .collect(),
    };
    Ok(ParsedBuilding::new(line, head, entrances, false))
}

impl ParsedBuilding {
    /// The building a row (its first, for several) describes.
    pub fn new(line: usize, head: Head, entrances: Vec<Entrance>, exact_doors: bool) -> Self {
        ParsedBuilding {
            file: 0,
            line,
            key: head.key,
            address: head.address,
            estate: head.estate,
            landlord: head.landlord,
            location: head.location,
            neighbourhood: head.neighbourhood,
            entrances,
            exact_doors,
            code: head.code,
            commune: head.commune,
        }
    }
}

/// The label of a building's `i`-th entrance when the file names none:
/// A, B, … Z, then AA, AB, …
fn entrance_label(i: u32) -> String {
    let letter = |n: u32| char::from(b'A' + (n % 26) as u8);
    if i < 26 {
        letter(i).to_string()
    } else {
        format!("{}{}", letter(i / 26 - 1), letter(i))
    }
}

/// An entrance with `floors` floors above the ground floor and `dwellings`
/// doors numbered 1, 2, … from the ground floor up, as evenly as they go
/// (files give counts, rarely door lists; agents rename doors in the field).
pub fn entrance(label: String, floors: u32, dwellings: u32, has_door_code: bool) -> Entrance {
    let levels = floors + 1;
    let per_level = dwellings.div_ceil(levels);
    let mut next = 1;
    let floors = (0..levels)
        .map(|level| {
            let last = (next + per_level).min(dwellings + 1);
            let doors = (next..last).map(|n| n.to_string()).collect();
            next = last;
            Floor {
                level: i32::try_from(level).unwrap_or(i32::MAX),
                doors,
            }
        })
        .collect();
    Entrance {
        label,
        has_door_code,
        floors,
    }
}

/// A stored entrance brought to new counts without moving its doors:
/// visits name doors by entrance, floor and label, so a door that exists
/// before and after must stay where it is. Floors above the new top are
/// dropped; missing floors are added empty; surplus doors go from the top
/// down; new doors (numbered after the highest number) go to the floor with
/// the fewest doors, the highest first. Equal counts keep the stored layout
/// as it is (hand-edited or not).
pub fn adjust(stored: &Entrance, floors: u32, dwellings: u32, has_door_code: bool) -> Entrance {
    let mut entrance = Entrance {
        has_door_code,
        ..stored.clone()
    };
    if entrance_counts(stored) == (floors, dwellings) {
        return entrance;
    }
    let top = i32::try_from(floors).unwrap_or(i32::MAX);
    entrance.floors.retain(|f| f.level <= top);
    for level in 0..=top {
        if !entrance.floors.iter().any(|f| f.level == level) {
            entrance.floors.push(Floor {
                level,
                doors: Vec::new(),
            });
        }
    }
    entrance.floors.sort_by_key(|f| f.level);
    let target = usize::try_from(dwellings).unwrap_or(usize::MAX);
    let mut count: usize = entrance.floors.iter().map(|f| f.doors.len()).sum();
    while count > target {
        let Some(floor) = entrance
            .floors
            .iter_mut()
            .rev()
            .find(|f| !f.doors.is_empty())
        else {
            break;
        };
        floor.doors.pop();
        count -= 1;
    }
    let mut next = entrance
        .floors
        .iter()
        .flat_map(|f| &f.doors)
        .filter_map(|d| d.parse::<u64>().ok())
        // A label too large to count on (a landlord's own numbering) is
        // not one new doors follow.
        .filter(|n| *n < 1_000_000_000)
        .max()
        .unwrap_or(0);
    while count < target {
        let Some(floor) = entrance
            .floors
            .iter_mut()
            .rev()
            .min_by_key(|f| f.doors.len())
        else {
            break;
        };
        next += 1;
        floor.doors.push(next.to_string());
        count += 1;
    }
    entrance
}

/// The counts an entrance was made from: floors above ground, dwellings.
pub fn entrance_counts(entrance: &Entrance) -> (u32, u32) {
    let floors = entrance
        .floors
        .iter()
        .map(|f| f.level)
        .max()
        .map(|l| u32::try_from(l).unwrap_or(0))
        .unwrap_or(0);
    let dwellings = entrance.floors.iter().map(|f| f.doors.len()).sum::<usize>();
    (floors, u32::try_from(dwellings).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dwellings_fill_floors_from_the_ground_up() {
        let e = entrance("B".into(), 4, 18, true);
        let per_floor: Vec<usize> = e.floors.iter().map(|f| f.doors.len()).collect();
        assert_eq!(per_floor, [4, 4, 4, 4, 2]);
        assert_eq!(e.floors[4].doors, ["17", "18"]);
        assert_eq!(entrance_counts(&e), (4, 18));
        let sparse = entrance("A".into(), 3, 2, false);
        assert_eq!(entrance_counts(&sparse), (3, 2));
    }

    #[test]
    fn new_counts_keep_existing_doors_where_they_are() {
        let before = entrance("A".into(), 4, 18, false);
        let place = |e: &Entrance, door: &str| {
            e.floors
                .iter()
                .find(|f| f.doors.iter().any(|d| d == door))
                .map(|f| f.level)
        };
        let more = adjust(&before, 4, 21, true);
        assert_eq!(entrance_counts(&more), (4, 21));
        assert!(more.has_door_code);
        for door in 1..=18 {
            let door = door.to_string();
            assert_eq!(place(&more, &door), place(&before, &door), "door {door}");
        }
        let fewer = adjust(&before, 2, 10, false);
        assert_eq!(entrance_counts(&fewer), (2, 10));
        assert_eq!(place(&fewer, "5"), place(&before, "5"));
        assert_eq!(adjust(&before, 4, 18, false), before);
        // A landlord's own door numbers, as large as a u64 holds: new doors
        // do not count on from them.
        let mut own = entrance("A".into(), 0, 1, false);
        own.floors[0].doors = vec![u64::MAX.to_string()];
        let more = adjust(&own, 0, 3, false);
        assert_eq!(
            more.floors[0].doors,
            [u64::MAX.to_string(), "1".into(), "2".into()]
        );
    }

    #[test]
    fn headers_are_matched_whatever_their_accents_and_case() {
        let headers: Vec<String> = [
            "Entrée",
            " NB_LOGEMENTS ",
            "Étages",
            "Résidence",
            "commentaire",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            super::super::mapping::guess(&headers),
            [
                Some(Column::Entrance),
                Some(Column::Dwellings),
                Some(Column::Floors),
                Some(Column::Estate),
                None
            ]
        );
    }
}
