//! Closed sets and bounds on what a device writes: the values a phone may
//! put in a record's fields, checked on every write.
//!
//! A tampered phone can write anything in a string: a name and a phone
//! number as an age band would travel into figures, exports and the
//! sortition's published record. So every field whose values form a
//! closed set is checked against that set here — the outcome, statuses,
//! cost band and consent purpose by their types, the pass, the resident's
//! age band, a campaign's topics, services and categories, the options of
//! the questionnaire the visit answered — and every open field is bounded
//! (a language is a BCP 47 tag, free texts have a length).

use crate::domain::{
    Answer, Campaign, FollowUp, Idea, Person, QuestionKind, RESIDENT_AGE_BANDS, Visit,
};

/// The longest verbatim a phone may write.
pub const MAX_VERBATIM_CHARS: usize = 4000;
/// The most topics one visit may carry.
pub const MAX_TOPICS: usize = 32;
/// The longest topic (a free topic typed in the field).
pub const MAX_TOPIC_CHARS: usize = 80;
/// The longest free-text answer.
pub const MAX_TEXT_ANSWER_CHARS: usize = 2000;
/// The longest follow-up description or status note.
pub const MAX_FOLLOW_UP_CHARS: usize = 2000;
/// The longest name, phone number, e-mail address or wording version.
pub const MAX_CONTACT_CHARS: usize = 200;
/// The longest BCP 47 tag taken (RFC 5646 advises supporting 35).
pub const MAX_LANGUAGE_CHARS: usize = 35;
/// The highest pass.
pub const LAST_PASS: u8 = 3;

fn chars_at_most(text: &str, max: usize) -> bool {
    text.chars().count() <= max
}

/// Whether `tag` reads as a BCP 47 language tag: a primary subtag of 2
/// to 8 letters, then subtags of 1 to 8 letters or digits, joined by
/// hyphens, 35 characters at most. Not a registry lookup: what matters
/// is that nothing but a tag fits.
pub fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let primary_ok = subtags
        .next()
        .is_some_and(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    tag.len() <= MAX_LANGUAGE_CHARS
        && primary_ok
        && subtags
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether a visit's values are in their sets and bounds, for the
/// campaign it belongs to. Answers are checked against the questionnaire
/// version the visit names (current or past): a question it has, an
/// option it offers, a value on its scale. A visit of a campaign the
/// server does not hold (`None`) may carry no answer at all.
pub fn visit_ok(visit: &Visit, campaign: Option<&Campaign>) -> bool {
    let profile_ok = visit
        .profile
        .age_band
        .as_deref()
        .is_none_or(|band| RESIDENT_AGE_BANDS.contains(&band))
        && visit
            .profile
            .language
            .as_deref()
            .is_none_or(is_language_tag);
    let topics_ok = visit.topics.len() <= MAX_TOPICS
        && visit
            .topics
            .iter()
            .all(|t| !t.trim().is_empty() && chars_at_most(t, MAX_TOPIC_CHARS));
    let answers_ok = match (visit.questionnaire_version, campaign) {
        (None, _) | (_, None) => visit.answers.is_empty(),
        (Some(version), Some(campaign)) => {
            campaign.questionnaire_version(version).is_some_and(|q| {
                visit.answers.iter().all(|(id, answer)| {
                    q.questions
                        .iter()
                        .find(|question| question.id == *id)
                        .is_some_and(|question| answer_ok(&question.kind, answer))
                })
            })
        }
    };
    (1..=LAST_PASS).contains(&visit.pass.0)
        && campaign.is_none_or(|c| visit.campaign == c.id)
        && chars_at_most(&visit.verbatim, MAX_VERBATIM_CHARS)
        && profile_ok
        && topics_ok
        && answers_ok
}

fn answer_ok(kind: &QuestionKind, answer: &Answer) -> bool {
    match (kind, answer) {
        (QuestionKind::SingleChoice { options }, Answer::Choice(choice)) => {
            options.contains(choice)
        }
        (QuestionKind::MultipleChoice { options }, Answer::Choices(choices)) => {
            choices.len() <= options.len() && choices.iter().all(|c| options.contains(c))
        }
        (QuestionKind::Scale { min, max }, Answer::Scale(value)) => (*min..=*max).contains(value),
        (QuestionKind::FreeText, Answer::Text(text)) => chars_at_most(text, MAX_TEXT_ANSWER_CHARS),
        _ => false,
    }
}

/// Whether a follow-up's texts stay within bounds (its service is checked
/// against its campaign's list by [`super::check_write`]).
pub fn follow_up_bounded(follow_up: &FollowUp) -> bool {
    chars_at_most(&follow_up.service, MAX_TOPIC_CHARS)
        && chars_at_most(&follow_up.description, MAX_FOLLOW_UP_CHARS)
        && follow_up
            .history
            .iter()
            .all(|h| chars_at_most(&h.note, MAX_FOLLOW_UP_CHARS))
}

/// Whether an idea's category is one of its campaign's, and its named
/// place one of the campaign's places (its lengths are
/// `Idea::within_bounds`, checked apart).
pub fn idea_ok(idea: &Idea, campaign: &Campaign) -> bool {
    idea.campaign == campaign.id
        && campaign.categories.contains(&idea.category)
        && idea
            .place_name
            .as_ref()
            .is_none_or(|name| campaign.places.iter().any(|p| p.name == *name))
}

/// Whether a person's contact fields and consent records are within
/// bounds (purposes are a closed type already).
pub fn person_ok(person: &Person) -> bool {
    let short = |t: &str| chars_at_most(t, MAX_CONTACT_CHARS);
    short(&person.display_name)
        && person.phone.as_deref().is_none_or(short)
        && person.email.as_deref().is_none_or(short)
        && person.consents.iter().chain(&person.withdrawals).all(|c| {
            short(&c.wording_version)
                && is_language_tag(&c.language)
                && c.text_hash.as_deref().is_none_or(|h| h.len() <= 64)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_are_tags_and_nothing_else() {
        for tag in ["fr", "en", "ar", "fr-FR", "zh-Hant-TW", "ber", "es-419"] {
            assert!(is_language_tag(tag), "{tag}");
        }
        for junk in [
            "",
            "f",
            "Jean Dupont",
            "06 12 34 56 78",
            "a@b.fr",
            "fr-",
            "fr--FR",
            "toolongprimary",
            &"fr-abc".repeat(10),
        ] {
            assert!(!is_language_tag(junk), "{junk}");
        }
    }
}
