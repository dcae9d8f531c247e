//! The rules behind the figures that classify a single visit: which
//! residents count as the publics the teams are judged on, and when a
//! visit came "seconds" after the previous. The projector applies them
//! once per visit (`rm_visits` columns, `rm_agg_*` sums), so every figure
//! reads the same classification.

/// A visit recorded less than this after the same agent's previous visit
/// in the same building is "seconds apart": knocking and waiting alone
/// takes longer.
pub const RAPID_GAP_MS: i64 = 10_000;

/// Milliseconds in a day of 24 hours.
pub const DAY_MS: i64 = 86_400_000;

/// The time zone days and weeks are counted in: the municipalities Palier
/// serves keep French time, summer time included (the zone's rules come
/// bundled with `jiff`, not from the host).
pub fn paris() -> &'static jiff::tz::TimeZone {
    static PARIS: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();
    PARIS.get_or_init(|| jiff::tz::TimeZone::get("Europe/Paris").unwrap_or(jiff::tz::TimeZone::UTC))
}

/// The day a time falls on in Paris, counted from 1 January 1970: a visit
/// at 00:30 in summer belongs to that day, not to the day before as in UTC.
pub fn day(ms: i64) -> i64 {
    let offset = jiff::Timestamp::from_millisecond(ms)
        .map(|t| i64::from(paris().to_offset(t).seconds()) * 1000)
        .unwrap_or(0);
    (ms + offset).div_euclid(DAY_MS)
}

/// The date a time falls on in Paris.
pub fn date(ms: i64) -> Option<jiff::civil::Date> {
    let t = jiff::Timestamp::from_millisecond(ms).ok()?;
    Some(t.to_zoned_datetime(paris().clone()).date())
}

/// Midnight in Paris at the start of `date` (the first instant of that
/// day when midnight does not exist).
pub fn midnight(date: jiff::civil::Date) -> Option<i64> {
    let start = date.to_zoned_datetime(paris().clone()).ok()?;
    Some(start.start_of_day().ok()?.timestamp().as_millisecond())
}

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
    fn days_are_paris_days_summer_time_included() {
        // 2026-07-14 00:30 in Paris is 2026-07-13 22:30 UTC.
        let summer = 1_783_981_800_000;
        assert_eq!(
            date(summer).map(|d| d.to_string()),
            Some("2026-07-14".into())
        );
        assert_eq!(day(summer), day(summer + 3_600_000));
        let bastille = midnight("2026-07-14".parse().expect("date")).expect("midnight");
        assert_eq!(bastille, 1_783_980_000_000, "22:00 UTC the day before");
        // The day summer time starts lasts 23 hours.
        let spring = midnight("2026-03-29".parse().expect("date")).expect("midnight");
        let next = midnight("2026-03-30".parse().expect("date")).expect("midnight");
        assert_eq!(next - spring, 23 * 3_600_000);
        assert_eq!(day(next) - day(spring), 1);
    }

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
