//! The municipality's information notices: every version published, with
//! its hash, and when each phone was first handed one.

use super::{Control, ControlError};
use shared::domain::{DeviceId, MunicipalityId, Notice, NoticeText, Timestamp};
use shared::policy::NoticeRule;

impl Control {
    /// Publishes `texts` as the municipality's next notice version, by the
    /// account `by`; returns the version. Earlier versions stay as they
    /// were: consents and visits name them.
    pub fn publish_notice(
        &self,
        municipality: MunicipalityId,
        texts: &[NoticeText],
        by: &str,
        at: Timestamp,
    ) -> Result<u32, ControlError> {
        self.db.run(|sql| {
            let last = sql
                .query_opt(
                    "SELECT MAX(version) FROM notices WHERE municipality_id = ?1",
                    &[municipality.to_string().into()],
                )?
                .map(|row| row.opt_int(0))
                .transpose()?
                .flatten()
                .unwrap_or(0);
            let version =
                u32::try_from(last + 1).map_err(|_| ControlError::Malformed("notice version"))?;
            for text in texts {
                sql.execute(
                    "INSERT INTO notices (municipality_id, version, language, short_text,
                         full_text, consent_text, hash, published_at, published_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    &[
                        municipality.to_string().into(),
                        i64::from(version).into(),
                        text.language.as_str().into(),
                        text.short.as_str().into(),
                        text.full.as_str().into(),
                        text.consent.as_str().into(),
                        text.hash(version).as_str().into(),
                        at.into(),
                        by.into(),
                    ],
                )?;
            }
            Ok(version)
        })
    }

    /// Every version the municipality published, oldest first.
    pub fn notices(&self, municipality: MunicipalityId) -> Result<Vec<Notice>, ControlError> {
        let rows = self.db.run(|sql| {
            sql.query(
                "SELECT version, published_at, language, short_text, full_text, consent_text
                 FROM notices WHERE municipality_id = ?1
                 ORDER BY version, CASE language WHEN 'fr' THEN 0 ELSE 1 END, language",
                &[municipality.to_string().into()],
            )
        })?;
        let mut notices: Vec<Notice> = Vec::new();
        for row in rows {
            let version = u32::try_from(row.int(0)?)
                .map_err(|_| ControlError::Malformed("notice version"))?;
            let text = NoticeText {
                language: row.text(2)?,
                short: row.text(3)?,
                full: row.text(4)?,
                consent: row.text(5)?,
            };
            match notices.last_mut() {
                Some(notice) if notice.version == version => notice.texts.push(text),
                _ => notices.push(Notice {
                    version,
                    published_at: row.int(1)?,
                    texts: vec![text],
                }),
            }
        }
        Ok(notices)
    }

    /// What the policy checks this device's writes against. `reported`
    /// is when the device says it first held a notice, by its clock; the
    /// first report is kept (a later one, after the phone was emptied, does
    /// not move it), bounded by the server's `now` plus a day. A device
    /// that reports none is held to what it reported before, if anything.
    pub fn notice_rule(
        &self,
        municipality: MunicipalityId,
        device: DeviceId,
        reported: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<NoticeRule, ControlError> {
        self.db.run(|sql| {
            let mut rule = NoticeRule::default();
            for row in sql.query(
                "SELECT version, language, hash FROM notices WHERE municipality_id = ?1",
                &[municipality.to_string().into()],
            )? {
                let version = u32::try_from(row.int(0)?)
                    .map_err(|_| ControlError::Malformed("notice version"))?;
                rule.known
                    .entry(version)
                    .or_default()
                    .insert(row.text(1)?, row.text(2)?);
            }
            if let Some(since) = reported {
                sql.execute(
                    "UPDATE devices SET notice_since = ?1
                     WHERE id = ?2 AND municipality_id = ?3 AND notice_since IS NULL",
                    &[
                        since.min(now.saturating_add(DAY_MS)).into(),
                        device.to_string().into(),
                        municipality.to_string().into(),
                    ],
                )?;
            }
            if let Some(row) = sql.query_opt(
                "SELECT notice_since, enrolled_at FROM devices
                 WHERE id = ?1 AND municipality_id = ?2",
                &[device.to_string().into(), municipality.to_string().into()],
            )? {
                rule.required_from = row.opt_int(0)?;
                rule.not_before = Some(row.int(1)?.saturating_sub(DAY_MS));
            }
            Ok(rule)
        })
    }
}

/// A day, in milliseconds: the slack given to a phone's clock.
const DAY_MS: i64 = 86_400_000;

#[cfg(test)]
mod tests {
    use super::*;

    fn text(language: &str, short: &str) -> NoticeText {
        NoticeText {
            language: language.into(),
            short: short.into(),
            full: "full".into(),
            consent: "consent".into(),
        }
    }

    #[test]
    fn every_version_is_kept_and_a_phone_is_held_to_it_from_its_first() {
        let dir = tempfile::tempdir().expect("dir");
        let control = Control::open(&dir.path().join("control.sqlite")).expect("open");
        let m = control.ensure_municipality("Ville").expect("municipality");
        let (code, _) = control
            .new_enrolment_code(m, shared::api::Role::Agent, false, 60_000)
            .expect("code");
        let device = control.redeem(&code, "phone").expect("redeem").device.id;
        // Nothing held: nothing required.
        let rule = control.notice_rule(m, device, None, 10).expect("rule");
        assert_eq!(rule.required_from, None);
        let v1 = control
            .publish_notice(m, &[text("fr", "un"), text("ar", "واحد")], "acc", 20)
            .expect("publish");
        let v2 = control
            .publish_notice(m, &[text("fr", "deux")], "acc", 30)
            .expect("publish");
        assert_eq!((v1, v2), (1, 2));
        let notices = control.notices(m).expect("notices");
        assert_eq!(notices.len(), 2);
        assert_eq!(notices[0].texts.len(), 2);
        assert_eq!(notices[0].texts[0].language, "fr", "French first");
        assert_eq!(notices[1].published_at, 30);
        // The phone reports when it first held one, by its clock.
        let rule = control.notice_rule(m, device, Some(35), 40).expect("rule");
        assert_eq!(rule.required_from, Some(35));
        assert_eq!(rule.known[&1]["ar"], text("ar", "واحد").hash(1));
        // The first report stays; a phone reporting none is held to it.
        let later = control.notice_rule(m, device, Some(90), 95).expect("rule");
        assert_eq!(later.required_from, Some(35));
        let silent = control.notice_rule(m, device, None, 95).expect("rule");
        assert_eq!(silent.required_from, Some(35));
        assert!(silent.not_before.is_some(), "bounded by the enrolment");
    }
}
