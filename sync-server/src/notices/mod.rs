//! The information notice, as the office writes it: read what was
//! published, plan a new version from the form (or refuse it), apply it.
//!
//! A version is never edited: consents name the version and the hash of
//! the text a resident saw, so publishing makes the next version and the
//! earlier ones stay readable, by the office and on the public page
//! (`office::notice`). Phones receive every version at their next sync
//! (`api::notices`).

pub mod template;

use crate::storage::control::{Control, ControlError};
use shared::domain::{MunicipalityId, Notice, NoticeText, Timestamp};

/// The most a short notice may hold: what is read at a door.
pub const MAX_SHORT_CHARS: usize = 1_200;
/// The most a full notice may hold.
pub const MAX_FULL_CHARS: usize = 20_000;
/// The most the consent sentence may hold.
pub const MAX_CONSENT_CHARS: usize = 600;

/// Why a notice cannot be published as written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The French text is required: the one every agent can read.
    #[error("the French text is missing")]
    FrenchMissing,
    /// A language has one of its three texts and not the others.
    #[error("a language is incomplete: {0}")]
    Incomplete(String),
    /// A gap of the template is still to be filled.
    #[error("a gap is left to fill: {0}")]
    GapLeft(String),
    /// A text is longer than its bound.
    #[error("a text is too long: {0}")]
    TooLong(String),
    /// A language the office does not offer.
    #[error("a language not offered: {0}")]
    Language(String),
    /// The same texts as the version in force: nothing to publish.
    #[error("nothing changed since the version in force")]
    Unchanged,
}

/// The texts as a browser sent them: line ends made one, ends trimmed,
/// so the hash a phone computes is the one the server kept.
fn normalised(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_string()
}

/// The texts the form starts from: the version in force, else the
/// template, in each offered language.
pub fn starting_texts(latest: Option<&Notice>, municipality: &str) -> Vec<NoticeText> {
    template::LANGUAGES
        .iter()
        .map(|language| {
            latest
                .and_then(|n| n.texts.iter().find(|t| t.language == *language))
                .cloned()
                .unwrap_or_else(|| template::default_text(language, municipality))
        })
        .collect()
}

/// The version in force: the last published.
pub fn in_force(notices: &[Notice]) -> Option<&Notice> {
    notices.iter().max_by_key(|n| n.version)
}

/// What would be published from `form`: French required, a language
/// either whole or left out, no template gap left, every text in bounds,
/// something changed since `latest`.
pub fn plan(latest: Option<&Notice>, form: &[NoticeText]) -> Result<Vec<NoticeText>, Refusal> {
    let mut texts = Vec::new();
    for text in form {
        if !template::LANGUAGES.contains(&text.language.as_str()) {
            return Err(Refusal::Language(text.language.clone()));
        }
        let text = NoticeText {
            language: text.language.clone(),
            short: normalised(&text.short),
            full: normalised(&text.full),
            consent: normalised(&text.consent),
        };
        let parts = [&text.short, &text.full, &text.consent];
        let filled = parts.iter().filter(|p| !p.is_empty()).count();
        if filled == 0 && text.language != "fr" {
            continue;
        }
        if filled < parts.len() {
            return Err(if text.language == "fr" {
                Refusal::FrenchMissing
            } else {
                Refusal::Incomplete(text.language.clone())
            });
        }
        if parts
            .iter()
            .any(|p| template::GAP_MARKERS.iter().any(|m| p.contains(m)))
        {
            return Err(Refusal::GapLeft(text.language.clone()));
        }
        if text.short.chars().count() > MAX_SHORT_CHARS
            || text.full.chars().count() > MAX_FULL_CHARS
            || text.consent.chars().count() > MAX_CONSENT_CHARS
        {
            return Err(Refusal::TooLong(text.language.clone()));
        }
        texts.push(text);
    }
    if !texts.iter().any(|t| t.language == "fr") {
        return Err(Refusal::FrenchMissing);
    }
    if latest
        .is_some_and(|l| l.texts.len() == texts.len() && texts.iter().all(|t| l.texts.contains(t)))
    {
        return Err(Refusal::Unchanged);
    }
    Ok(texts)
}

/// Publishes a planned notice; returns its version.
pub fn apply(
    control: &Control,
    municipality: MunicipalityId,
    texts: &[NoticeText],
    by: &str,
    at: Timestamp,
) -> Result<u32, ControlError> {
    control.publish_notice(municipality, texts, by, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(language: &str) -> NoticeText {
        let mut text = template::default_text(language, "Bobigny");
        for marker in template::GAP_MARKERS {
            text.full = text.full.replace(marker, "[rempli");
        }
        text
    }

    #[test]
    fn the_template_is_refused_until_its_gaps_are_filled() {
        let form = starting_texts(None, "Bobigny");
        assert_eq!(plan(None, &form), Err(Refusal::GapLeft("fr".into())));
        let form: Vec<_> = template::LANGUAGES.iter().map(|l| filled(l)).collect();
        let texts = plan(None, &form).expect("publishable");
        assert_eq!(texts.len(), 3);
    }

    #[test]
    fn french_is_required_and_a_language_is_whole_or_left_out() {
        let mut en = filled("en");
        assert_eq!(plan(None, &[en.clone()]), Err(Refusal::FrenchMissing));
        let empty = NoticeText {
            language: "ar".into(),
            short: " ".into(),
            full: String::new(),
            consent: String::new(),
        };
        let texts = plan(None, &[filled("fr"), empty]).expect("Arabic left out");
        assert_eq!(texts.len(), 1);
        en.consent.clear();
        assert_eq!(
            plan(None, &[filled("fr"), en]),
            Err(Refusal::Incomplete("en".into()))
        );
        let mut klingon = filled("fr");
        klingon.language = "tlh".into();
        assert_eq!(
            plan(None, &[filled("fr"), klingon]),
            Err(Refusal::Language("tlh".into()))
        );
    }

    #[test]
    fn line_ends_are_made_one_so_the_hash_is_the_phones() {
        let mut fr = filled("fr");
        fr.full = "Ligne un\r\nLigne deux\r\n".into();
        let texts = plan(None, &[fr]).expect("plan");
        assert_eq!(texts[0].full, "Ligne un\nLigne deux");
    }

    #[test]
    fn the_same_texts_again_are_nothing_to_publish_and_bounds_hold() {
        let texts = plan(None, &[filled("fr")]).expect("plan");
        let latest = Notice {
            version: 1,
            published_at: 0,
            texts: texts.clone(),
        };
        assert_eq!(plan(Some(&latest), &texts), Err(Refusal::Unchanged));
        let mut long = filled("fr");
        long.short = "x".repeat(MAX_SHORT_CHARS + 1);
        assert_eq!(plan(None, &[long]), Err(Refusal::TooLong("fr".into())));
    }
}
