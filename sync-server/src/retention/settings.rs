//! The retention periods, read → plan → apply: their defaults, what the
//! office may set them to, and how they are stored (as text, by name, in
//! the control data; a setting never changed is its default).

use crate::storage::control::{Control, ControlError};
use jiff::civil::Date;
use std::collections::BTreeMap;

/// A volunteer's record: three years after the last contact (the CNIL's
/// guidance for contact files).
pub const DEFAULT_CONTACT_DAYS: i64 = 3 * 365;
/// Residents' own words: a year after their campaign ended, time to write
/// the report and answer the follow-ups.
pub const DEFAULT_WORDS_DAYS: i64 = 365;
/// The longest a record may be kept after the last contact.
pub const MAX_CONTACT_DAYS: i64 = 3 * 365;
/// The longest words may be kept after their campaign ended.
pub const MAX_WORDS_DAYS: i64 = 5 * 365;

/// The periods in force for one municipality.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Days a volunteer's record is kept after the last contact.
    pub contact_days: i64,
    /// Days residents' words are kept after their campaign ended.
    pub words_days: i64,
    /// The day the citizens' assembly process ends, if set: records that
    /// agreed to nothing else go then.
    pub assembly_ends_on: Option<Date>,
    /// Whether a record with no consent left is erased at once (else it
    /// is listed as due for erasure, and goes at its period's end).
    pub erase_without_consent: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            contact_days: DEFAULT_CONTACT_DAYS,
            words_days: DEFAULT_WORDS_DAYS,
            assembly_ends_on: None,
            erase_without_consent: false,
        }
    }
}

impl Settings {
    /// The end of the assembly's last day, in Paris.
    pub fn assembly_ended_at(&self) -> Option<i64> {
        crate::readmodel::rules::midnight(self.assembly_ends_on?.tomorrow().ok()?)
    }

    fn to_stored(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("contact_days".into(), self.contact_days.to_string()),
            ("words_days".into(), self.words_days.to_string()),
            (
                "assembly_ends_on".into(),
                self.assembly_ends_on
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
            (
                "erase_without_consent".into(),
                if self.erase_without_consent { "1" } else { "0" }.into(),
            ),
        ])
    }

    fn from_stored(stored: &BTreeMap<String, String>) -> Self {
        let default = Self::default();
        let days = |name: &str, fallback: i64| {
            stored
                .get(name)
                .and_then(|v| v.parse().ok())
                .unwrap_or(fallback)
        };
        Self {
            contact_days: days("contact_days", default.contact_days),
            words_days: days("words_days", default.words_days),
            assembly_ends_on: stored.get("assembly_ends_on").and_then(|v| v.parse().ok()),
            erase_without_consent: stored
                .get("erase_without_consent")
                .is_some_and(|v| v == "1"),
        }
    }
}

/// The municipality's settings (defaults for what was never set).
pub fn read(
    control: &Control,
    municipality: shared::domain::MunicipalityId,
) -> Result<Settings, ControlError> {
    Ok(Settings::from_stored(
        &control.retention_settings(municipality)?,
    ))
}

/// Why settings were not saved; nothing was.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A period that is not a whole number of days within its bounds.
    #[error("a period is out of its bounds")]
    Period,
    /// Not a day.
    #[error("not a day")]
    Day,
}

/// The settings from the form's fields, and the periods that changed
/// from `current` (name, days) for the journal.
pub fn plan(
    current: &Settings,
    contact_days: &str,
    words_days: &str,
    assembly_ends_on: &str,
    erase_without_consent: bool,
) -> Result<(Settings, Vec<(String, i64)>), Refusal> {
    let days = |text: &str, max: i64| -> Result<i64, Refusal> {
        text.trim()
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=max).contains(d))
            .ok_or(Refusal::Period)
    };
    let assembly = match assembly_ends_on.trim() {
        "" => None,
        day => Some(day.parse::<Date>().map_err(|_| Refusal::Day)?),
    };
    let settings = Settings {
        contact_days: days(contact_days, MAX_CONTACT_DAYS)?,
        words_days: days(words_days, MAX_WORDS_DAYS)?,
        assembly_ends_on: assembly,
        erase_without_consent,
    };
    let mut changed = Vec::new();
    if settings.contact_days != current.contact_days {
        changed.push(("contact".to_string(), settings.contact_days));
    }
    if settings.words_days != current.words_days {
        changed.push(("words".to_string(), settings.words_days));
    }
    if settings.assembly_ends_on != current.assembly_ends_on {
        let days = settings
            .assembly_ends_on
            .and_then(|d| jiff::civil::date(1970, 1, 1).until(d).ok())
            .map_or(0, |span| i64::from(span.get_days()));
        changed.push(("assembly".to_string(), days));
    }
    if settings.erase_without_consent != current.erase_without_consent {
        changed.push((
            "without_consent".to_string(),
            i64::from(!settings.erase_without_consent) * settings.contact_days,
        ));
    }
    Ok((settings, changed))
}

/// Saves `settings`.
pub fn apply(
    control: &Control,
    municipality: shared::domain::MunicipalityId,
    settings: &Settings,
) -> Result<(), ControlError> {
    control.set_retention(municipality, &settings.to_stored())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_bounded_and_read_back_as_saved() {
        let current = Settings::default();
        assert_eq!(plan(&current, "0", "365", "", false), Err(Refusal::Period));
        assert_eq!(
            plan(&current, "2000", "365", "", false),
            Err(Refusal::Period)
        );
        assert_eq!(plan(&current, "x", "365", "", false), Err(Refusal::Period));
        assert_eq!(
            plan(&current, "365", "365", "juin", false),
            Err(Refusal::Day)
        );
        let (settings, changed) = plan(&current, "730", "180", "2027-06-30", true).expect("plan");
        assert_eq!(changed.len(), 4);
        assert_eq!(changed[0], ("contact".to_string(), 730));
        let back = Settings::from_stored(&settings.to_stored());
        assert_eq!(back, settings);
        let (_, unchanged) = plan(&settings, "730", "180", "2027-06-30", true).expect("plan");
        assert!(unchanged.is_empty());
    }
}
