//! The information notice a resident is given at the door (GDPR Art. 13):
//! written and published by the office, one version at a time, in several
//! languages. A visit names the version given; a consent names it and the
//! hash of the exact text shown, so what a resident was told can be proven
//! years later even after the office has published another version.
//!
//! Versions are never edited: publishing makes the next one. The hash is
//! computed the same way on the phone and the server ([`NoticeText::hash`]),
//! so the server refuses a consent whose text it never published.

use super::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A notice's text in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeText {
    /// Its language (BCP 47: `fr`, `en`, `ar`…).
    pub language: String,
    /// What the agent shows at the door before anything is noted: who
    /// keeps what, why, and where the full text is.
    pub short: String,
    /// The full notice: controller, DPO, purposes and legal bases,
    /// recipients, retention, rights and how to use them, the CNIL.
    pub full: String,
    /// The sentence a volunteer agrees to before the purposes' boxes.
    pub consent: String,
}

impl NoticeText {
    /// The hash of this text as published under `version`: hex SHA-256
    /// over the version, the language and the three texts, each
    /// length-prefixed so no two texts hash alike.
    pub fn hash(&self, version: u32) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"palier-notice\0");
        hasher.update(version.to_be_bytes());
        for part in [&self.language, &self.short, &self.full, &self.consent] {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        hex::encode(hasher.finalize())
    }
}

/// One published version of the notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    /// 1, 2, … in the order published.
    pub version: u32,
    /// When the office published it.
    pub published_at: Timestamp,
    /// One text per language, French first.
    pub texts: Vec<NoticeText>,
}

impl Notice {
    /// The text in `language`, else French, else the first.
    pub fn text(&self, language: &str) -> Option<&NoticeText> {
        self.texts
            .iter()
            .find(|t| t.language == language)
            .or_else(|| self.texts.iter().find(|t| t.language == "fr"))
            .or_else(|| self.texts.first())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(short: &str) -> NoticeText {
        NoticeText {
            language: "fr".into(),
            short: short.into(),
            full: "texte complet".into(),
            consent: "J'accepte".into(),
        }
    }

    #[test]
    fn a_hash_names_one_text_of_one_version() {
        let a = text("court");
        assert_eq!(a.hash(1), a.hash(1));
        assert_ne!(a.hash(1), a.hash(2), "another version");
        assert_ne!(a.hash(1), text("court.").hash(1), "another text");
        // Moving a character from one part to the next changes it too.
        let mut shifted = text("cour");
        shifted.full = "ttexte complet".into();
        assert_ne!(a.hash(1), shifted.hash(1));
        assert_eq!(a.hash(1).len(), 64);
    }

    #[test]
    fn a_language_missing_falls_back_to_french() {
        let notice = Notice {
            version: 1,
            published_at: 0,
            texts: vec![
                NoticeText {
                    language: "en".into(),
                    ..text("short")
                },
                text("court"),
            ],
        };
        assert_eq!(notice.text("ar").map(|t| t.short.as_str()), Some("court"));
        assert_eq!(notice.text("en").map(|t| t.short.as_str()), Some("short"));
    }
}
