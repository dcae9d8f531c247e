//! The journal's rows: who did what with personal data, when.

use super::{Control, ControlError};
use shared::domain::{MunicipalityId, Timestamp};

/// One row as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalRow {
    /// When.
    pub at: Timestamp,
    /// The account's e-mail, or empty for the server itself.
    pub who: String,
    /// The act's stable name.
    pub action: String,
    /// Its details, as JSON.
    pub detail: String,
}

impl Control {
    /// Adds a line to the municipality's journal; `account` is empty for
    /// what the server does by itself (retention).
    pub fn journal(
        &self,
        municipality: MunicipalityId,
        account: &str,
        at: Timestamp,
        action: &str,
        detail: &str,
    ) -> Result<(), ControlError> {
        self.db.run(|sql| {
            sql.execute(
                "INSERT INTO journal (municipality_id, at, account_id, action, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                &[
                    municipality.to_string().into(),
                    at.into(),
                    account.into(),
                    action.into(),
                    detail.into(),
                ],
            )?;
            Ok(())
        })
    }

    /// The municipality's journal between `from` and `to` (milliseconds,
    /// `to` excluded), newest first, at most `limit` lines.
    pub fn journal_lines(
        &self,
        municipality: MunicipalityId,
        from: Timestamp,
        to: Timestamp,
        limit: i64,
    ) -> Result<Vec<JournalRow>, ControlError> {
        self.db.run(|sql| {
            sql.query(
                "SELECT j.at, COALESCE(a.email, ''), j.action, j.detail
                 FROM journal j LEFT JOIN accounts a ON a.id = j.account_id
                 WHERE j.municipality_id = ?1 AND j.at >= ?2 AND j.at < ?3
                 ORDER BY j.at DESC LIMIT ?4",
                &[
                    municipality.to_string().into(),
                    from.into(),
                    to.into(),
                    limit.into(),
                ],
            )?
            .iter()
            .map(|row| {
                Ok(JournalRow {
                    at: row.int(0)?,
                    who: row.text(1)?,
                    action: row.text(2)?,
                    detail: row.text(3)?,
                })
            })
            .collect()
        })
    }
}
