//! What a column's header means, guessed the way a person reads it: the
//! headers municipalities' GIS services, landlords and INSEE really write
//! ("Nb de logements", "NBRE_LOGTS", "N° d'entrée", "Nombre d'étages (R+)",
//! "Coordonnée X (Lambert 93)", "Number of floors"…). Accents and case do
//! not count (Unicode decomposition, `unicode-normalization`), nor units
//! or notes in brackets, nor the little words and abbreviations of counts
//! (nb, nbre, n°, nombre, number, de, d'…); singular or plural alike.
//!
//! A header that reads as none of them is left alone: the import names the
//! columns it needs, it never guesses wildly.

use super::rows::Column;
use unicode_normalization::UnicodeNormalization;

/// Words that say "how many" or join words: they carry no meaning here.
const FILLER: &[&str] = &[
    "nb", "nbr", "nbre", "n", "no", "num", "nombre", "number", "count", "total", "de", "d", "du",
    "des", "la", "le", "les", "l", "of", "the", "par", "per", "en", "a",
];

/// The header's words: accents, case, bracketed notes and filler removed,
/// plurals made singular.
pub fn words(header: &str) -> Vec<String> {
    tokens(header)
        .into_iter()
        .filter(|w| !FILLER.contains(&w.as_str()))
        .map(|w| {
            // Plural to singular: "logements", "niveaux", "floors".
            if w.len() > 3 && (w.ends_with('s') || w.ends_with('x')) {
                w[..w.len() - 1].to_string()
            } else {
                w
            }
        })
        .collect()
}

/// The header's words as written: accents, case and bracketed notes
/// removed, nothing else.
fn tokens(header: &str) -> Vec<String> {
    let mut text = String::with_capacity(header.len());
    let mut depth = 0usize;
    for c in header.nfd() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if unicode_normalization::char::is_combining_mark(c) => {}
            c if c.is_alphanumeric() => text.extend(c.to_lowercase()),
            // "R+N": the floors' notation.
            '+' => text.push('+'),
            _ => text.push(' '),
        }
    }
    text.split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Words that say "how many": with an entrance word, the column counts
/// entrances rather than naming one ("N°", a number as a name, is not one).
const COUNTING: &[&str] = &["nb", "nbr", "nbre", "nombre", "number", "count", "total"];

/// Words for a dwelling. Not "lot" nor "log" alone: in landlords' files
/// they name one dwelling ("N° de lot"), never a count.
const DWELLING: &[&str] = &[
    "logement",
    "logt",
    "lgt",
    "dwelling",
    "appartement",
    "appart",
];

/// What `header` means, if it reads as a column Palier knows.
pub fn guess(header: &str) -> Option<Column> {
    let counted = header
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| COUNTING.contains(&w));
    let raw = tokens(header);
    let raw_has = |options: &[&str]| raw.iter().any(|w| options.contains(&w.as_str()));
    // "N° de porte", "Numéro d'appartement": a label, not a count.
    let numbered = !counted && raw_has(&["n", "no", "num", "numero", "ref"]);
    // "Étages", "Niveaux": a count; "Étage" alone: the floor a dwelling is on.
    let plural = raw_has(&["etages", "niveaux", "floors", "levels", "storeys"]);
    let words = words(header);
    let has = |options: &[&str]| words.iter().any(|w| options.contains(&w.as_str()));
    let only =
        |options: &[&str]| !words.is_empty() && words.iter().all(|w| options.contains(&w.as_str()));
    // The most specific meanings first: "code digicode" is a door code,
    // "nom de la résidence" an estate, "x lambert" an easting.
    Some(
        if has(&["digicode", "interphone"]) || (has(&["code"]) && has(&["porte", "door"])) {
            Column::DoorCode
        } else if has(&["porte", "door"]) || (numbered && (has(DWELLING) || has(&["appt", "lot"])))
        {
            Column::Door
        } else if !counted
            && !plural
            && has(&["etage", "niveau", "floor", "level", "storey"])
            && !has(&["hauteur", "r+"])
        {
            Column::Level
        } else if has(&["systeme", "crs", "epsg", "srid", "projection"]) {
            Column::CrsName
        } else if has(DWELLING) {
            Column::Dwellings
        } else if has(&["etage", "niveau", "floor", "storey", "r+", "hauteur"]) {
            Column::Floors
        } else if has(&[
            "entree",
            "cage",
            "escalier",
            "entrance",
            "staircase",
            "hall",
        ]) {
            if counted {
                Column::EntranceCount
            } else {
                Column::Entrance
            }
        } else if has(&[
            "bailleur",
            "landlord",
            "proprietaire",
            "gestionnaire",
            "organisme",
        ]) {
            Column::Landlord
        } else if has(&[
            "residence",
            "resid",
            "estate",
            "ensemble",
            "groupe",
            "programme",
        ]) {
            Column::Estate
        } else if has(&["longitude", "lon", "lng", "long"]) {
            Column::Longitude
        } else if has(&["latitude", "lat"]) {
            Column::Latitude
        } else if only(&[
            "x",
            "coord",
            "coordonnee",
            "lambert",
            "l93",
            "93",
            "easting",
            "est",
            "m",
        ]) && has(&["x", "easting"])
        {
            Column::X
        } else if only(&[
            "y",
            "coord",
            "coordonnee",
            "lambert",
            "l93",
            "93",
            "northing",
            "nord",
            "m",
        ]) && has(&["y", "northing"])
        {
            Column::Y
        } else if has(&["quartier", "qpv", "neighbourhood", "neighborhood", "iris"])
            && !has(&["code", "nom", "name", "libelle"])
        {
            Column::Neighbourhood
        } else if has(&["adresse", "adr", "address"]) {
            Column::Address
        } else if only(&[
            "code", "n", "no", "num", "numero", "de", "du", "batiment", "bat", "immeuble",
            "building",
        ]) && has(&["batiment", "bat", "immeuble", "building"])
        {
            Column::BuildingCode
        } else if only(&[
            "cle",
            "id",
            "identifiant",
            "key",
            "ref",
            "reference",
            "batiment",
            "bat",
            "building",
            "uid",
            "immeuble",
        ]) && has(&["cle", "id", "identifiant", "key", "ref", "reference", "uid"])
        {
            Column::Key
        } else {
            return None;
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_as_municipalities_write_them() {
        let cases = [
            ("Nb de logements", Column::Dwellings),
            ("NBRE_LOGTS", Column::Dwellings),
            ("Nombre d'appartements", Column::Dwellings),
            ("Number of dwellings", Column::Dwellings),
            ("N° d'entrée", Column::Entrance),
            ("Cage d'escalier", Column::Entrance),
            ("Nb d'entrées", Column::EntranceCount),
            ("NOMBRE_CAGES", Column::EntranceCount),
            ("Number of entrances", Column::EntranceCount),
            ("Nombre d'étages (R+)", Column::Floors),
            ("Hauteur (niveaux)", Column::Floors),
            ("Étages", Column::Floors),
            ("Étage", Column::Level),
            ("Floor", Column::Level),
            ("N° de porte", Column::Door),
            ("Numéro d'appartement", Column::Door),
            ("N° logement", Column::Door),
            ("N° de lot", Column::Door),
            ("Système de coordonnées", Column::CrsName),
            ("NB_NIVEAUX", Column::Floors),
            ("Number of floors", Column::Floors),
            ("Nom de la résidence", Column::Estate),
            ("Groupe", Column::Estate),
            ("Bailleur social", Column::Landlord),
            ("Nom du propriétaire", Column::Landlord),
            ("Adresse postale", Column::Address),
            ("ADR_VOIE", Column::Address),
            ("Coordonnée X (Lambert 93)", Column::X),
            ("X_L93 [m]", Column::X),
            ("Coord Y", Column::Y),
            ("Longitude (WGS84)", Column::Longitude),
            ("LAT", Column::Latitude),
            ("Code porte", Column::DoorCode),
            ("Digicode ?", Column::DoorCode),
            ("Quartier prioritaire", Column::Neighbourhood),
            ("Identifiant bâtiment", Column::Key),
            ("Code bâtiment", Column::BuildingCode),
            ("N° de bâtiment", Column::BuildingCode),
            ("Bâtiment", Column::BuildingCode),
            ("Réf.", Column::Key),
            ("building_id", Column::Key),
        ];
        for (header, column) in cases {
            assert_eq!(
                guess(header),
                Some(column),
                "{header:?} → {:?}",
                words(header)
            );
        }
    }

    #[test]
    fn what_reads_as_nothing_stays_unknown() {
        for header in [
            "Commentaire",
            "Observations (bailleur)",
            "",
            "   ",
            "Date de construction",
            "Nom",
            "Code",
        ] {
            assert_eq!(guess(header), None, "{header:?}");
        }
    }

    #[test]
    fn any_text_is_read_without_panicking() {
        for header in [
            "(((",
            ")))",
            "é́́́",
            "🏢 logements",
            "x".repeat(10_000).as_str(),
            "R+4",
            "\u{0}",
        ] {
            let _ = guess(header);
        }
        assert_eq!(guess("🏢 logements"), Some(Column::Dwellings));
    }
}
