//! The register of residents' requests, as stored.

use super::{Control, ControlError};
use shared::domain::{MunicipalityId, Timestamp};

/// One request as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRow {
    /// Its id.
    pub id: String,
    /// Its kind's stable name.
    pub kind: String,
    /// The Paris day received, `YYYY-MM-DD`.
    pub received_on: String,
    /// The Paris day it is due, `YYYY-MM-DD`.
    pub due_on: String,
    /// Why it was extended (empty: it was not).
    pub extension_reason: String,
    /// Where the request itself is filed.
    pub reference: String,
    /// Its state's stable name.
    pub state: String,
    /// Who recorded it (an account's e-mail).
    pub recorded_by: String,
    /// Who closed it (an account's e-mail, empty while open).
    pub closed_by: String,
    /// When it was closed.
    pub closed_at: Option<Timestamp>,
}

impl Control {
    /// Records a new request; returns its id.
    pub fn add_request(
        &self,
        municipality: MunicipalityId,
        row: &RequestRow,
        by: &str,
        at: Timestamp,
    ) -> Result<String, ControlError> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        self.db.run(|sql| {
            sql.execute(
                "INSERT INTO requests (id, municipality_id, kind, received_on, due_on,
                     reference, state, recorded_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                &[
                    id.as_str().into(),
                    municipality.to_string().into(),
                    row.kind.as_str().into(),
                    row.received_on.as_str().into(),
                    row.due_on.as_str().into(),
                    row.reference.as_str().into(),
                    row.state.as_str().into(),
                    by.into(),
                    at.into(),
                ],
            )?;
            Ok::<_, ControlError>(())
        })?;
        Ok(id)
    }

    /// One request of the municipality.
    pub fn request(
        &self,
        municipality: MunicipalityId,
        id: &str,
    ) -> Result<Option<RequestRow>, ControlError> {
        Ok(self
            .requests_where(municipality, Some(id))?
            .into_iter()
            .next())
    }

    /// Every request of the municipality, the soonest due first.
    pub fn requests(&self, municipality: MunicipalityId) -> Result<Vec<RequestRow>, ControlError> {
        self.requests_where(municipality, None)
    }

    fn requests_where(
        &self,
        municipality: MunicipalityId,
        id: Option<&str>,
    ) -> Result<Vec<RequestRow>, ControlError> {
        self.db.run(|sql| {
            sql.query(
                "SELECT r.id, r.kind, r.received_on, r.due_on, r.extension_reason, r.reference,
                        r.state, COALESCE(a.email, ''), COALESCE(c.email, ''), r.closed_at
                 FROM requests r
                 LEFT JOIN accounts a ON a.id = r.recorded_by
                 LEFT JOIN accounts c ON c.id = r.closed_by
                 WHERE r.municipality_id = ?1 AND (?2 = '' OR r.id = ?2)
                 ORDER BY r.due_on, r.received_on, r.id",
                &[municipality.to_string().into(), id.unwrap_or("").into()],
            )?
            .iter()
            .map(|row| {
                Ok(RequestRow {
                    id: row.text(0)?,
                    kind: row.text(1)?,
                    received_on: row.text(2)?,
                    due_on: row.text(3)?,
                    extension_reason: row.text(4)?,
                    reference: row.text(5)?,
                    state: row.text(6)?,
                    recorded_by: row.text(7)?,
                    closed_by: row.text(8)?,
                    closed_at: row.opt_int(9)?,
                })
            })
            .collect()
        })
    }

    /// Writes a request's due day, extension reason and state, and who
    /// closed it when the state is no longer open.
    pub fn update_request(
        &self,
        municipality: MunicipalityId,
        row: &RequestRow,
        by: &str,
        at: Timestamp,
    ) -> Result<(), ControlError> {
        let open = row.state == "open";
        self.db.run(|sql| {
            sql.execute(
                "UPDATE requests SET due_on = ?1, extension_reason = ?2, state = ?3,
                     closed_by = ?4, closed_at = ?5
                 WHERE municipality_id = ?6 AND id = ?7",
                &[
                    row.due_on.as_str().into(),
                    row.extension_reason.as_str().into(),
                    row.state.as_str().into(),
                    (if open { "" } else { by }).into(),
                    if open {
                        super::db::Value::Null
                    } else {
                        at.into()
                    },
                    municipality.to_string().into(),
                    row.id.as_str().into(),
                ],
            )?;
            Ok(())
        })
    }
}
