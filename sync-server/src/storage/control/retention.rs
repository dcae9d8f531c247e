//! The retention settings a municipality changed from their defaults.

use super::{Control, ControlError};
use shared::domain::MunicipalityId;
use std::collections::BTreeMap;

impl Control {
    /// The settings stored for the municipality, by name.
    pub fn retention_settings(
        &self,
        municipality: MunicipalityId,
    ) -> Result<BTreeMap<String, String>, ControlError> {
        self.db.run(|sql| {
            sql.query(
                "SELECT setting, value FROM retention WHERE municipality_id = ?1",
                &[municipality.to_string().into()],
            )?
            .iter()
            .map(|row| Ok((row.text(0)?, row.text(1)?)))
            .collect()
        })
    }

    /// Stores every setting of `values`, in one transaction.
    pub fn set_retention(
        &self,
        municipality: MunicipalityId,
        values: &BTreeMap<String, String>,
    ) -> Result<(), ControlError> {
        self.db.run(|sql| {
            for (setting, value) in values {
                sql.execute(
                    "INSERT INTO retention (municipality_id, setting, value) VALUES (?1, ?2, ?3)
                     ON CONFLICT (municipality_id, setting) DO UPDATE SET value = excluded.value",
                    &[
                        municipality.to_string().into(),
                        setting.as_str().into(),
                        value.as_str().into(),
                    ],
                )?;
            }
            Ok(())
        })
    }
}
