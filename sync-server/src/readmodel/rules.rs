//! The rules behind the figures that classify a single visit: which
//! residents count as the publics the teams are judged on, and when a
//! visit came "seconds" after the previous. The projector applies them
//! once per visit (`rm_visits` columns, `rm_agg_*` sums), so every figure
//! reads the same classification.

/// A visit recorded less than this after the same agent's previous visit
/// in the same building is "seconds apart": knocking and waiting alone
/// takes longer.
pub const RAPID_GAP_MS: i64 = 10_000;

/// Milliseconds in a day (days are UTC).
pub const DAY_MS: i64 = 86_400_000;

use shared::domain::RESIDENT_AGE_BANDS;

/// Under 25: the first two of the resident age bands ("<15", "15-24").
pub fn under_25(age_band: Option<&str>) -> bool {
    age_band.is_some_and(|band| RESIDENT_AGE_BANDS[..2].contains(&band))
}

/// 65 and over: the last resident age band ("65+").
pub fn over_65(age_band: Option<&str>) -> bool {
    age_band == Some(RESIDENT_AGE_BANDS[3])
}

/// A conversation held in a language other than French: a language was
/// noted and it is not French (`fr`, `fr-FR`, …).
pub fn not_french(language: Option<&str>) -> bool {
    language.is_some_and(|l| {
        let l = l.trim().to_ascii_lowercase();
        !l.is_empty() && l != "fr" && !l.starts_with("fr-")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publics_are_classified_as_their_definitions_say() {
        assert!(under_25(Some("15-24")) && under_25(Some("<15")));
        assert!(!under_25(Some("25-64")) && !under_25(None));
        assert!(over_65(Some("65+")) && !over_65(Some("25-64")));
        assert!(not_french(Some("ar")) && not_french(Some("pt-BR")));
        assert!(!not_french(Some("fr")) && !not_french(Some("FR-fr")));
        assert!(!not_french(Some("")) && !not_french(None));
    }
}
