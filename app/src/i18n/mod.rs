//! The UI's words, one catalogue per language (`fr.rs`, `en.rs`): French by
//! default, English on a switch. Every text is a [`Text`] variant and each
//! catalogue is one exhaustive `match`, so a text missing in one language
//! does not compile.
//!
//! Questionnaires carry their own translations (French, English, Arabic…)
//! in the campaign document; the consent wording shown to a volunteer is
//! kept here per language, versioned, because the version is recorded with
//! the consent.

mod en;
mod fr;

use crate::backend::Problem;
use crate::ideas::IdeaProblem;
use serde::{Deserialize, Serialize};
use shared::domain::{AgeBand, ConsentPurpose, CostBand, IdeaStatus, Outcome};

/// A language the UI speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    /// Français, the default.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

/// Every text of the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Text {
    AppName,
    FollowUpNews,
    LanguageSwitch,
    /// Reloads the app to update it.
    ReloadApp,
    EnrolTitle,
    EnrolHelp,
    EnrolCode,
    DeviceName,
    DeviceNameHint,
    MySector,
    EnrolButton,
    Enrolling,
    Sectors,
    NoSectors,
    WalkList,
    Map,
    ToKnock,
    ForNextPass,
    Unanswered,
    Dwellings,
    Back,
    Pass,
    /// Before the building's landlord, its separator included.
    Landlord,
    Entrance,
    Floor,
    GroundFloor,
    OutcomeQuestion,
    Saved,
    Undo,
    Undone,
    Questionnaire,
    QuestionnaireLanguage,
    Topics,
    FreeTopic,
    Add,
    Verbatim,
    VerbatimHint,
    ResidentProfile,
    AgeBand,
    LanguageSpoken,
    NotSaid,
    FollowUp,
    Service,
    Description,
    Volunteer,
    VolunteerName,
    Phone,
    Email,
    ConsentGiven,
    SaveTalk,
    Required,
    MissingOne,
    MissingMany,
    ConsentMissing,
    NoticeTitle,
    NoticeFull,
    NoticeScan,
    NoticeNone,
    NoticeVersion,
    ParentalConsent,
    DraftRestored,
    DraftWaiting,
    ResumeTalk,
    DraftMark,
    DiscardTalk,
    DoorHistory,
    Correct,
    /// A past visit whose words the office erased.
    WordsErased,
    Correcting,
    SaveCorrection,
    Corrected,
    ByMe,
    ByColleague,
    DiscardConfirm,
    KeepTalk,
    Sync,
    SyncNow,
    Syncing,
    SyncDone,
    SyncFailed,
    LastSync,
    Never,
    Unsynced,
    /// One record not yet on the server.
    UnsyncedOne,
    AllOnServer,
    Offline,
    RoundTrips,
    Received,
    Cancel,
    JustNow,
    MinutesAgo,
    HoursAgo,
    DaysAgo,
    Loading,
    Progress,
    DoorCode,
    ScanQr,
    RefusedRecords,
    IdeaCollections,
    PointOnMap,
    TapTheMap,
    MergedDuplicate,
    NoCollections,
    IdeasCount,
    IdeaSaved,
    NewIdea,
    EditIdea,
    Today,
    Earlier,
    NoIdeasToday,
    IdeaStatus(IdeaStatus),
    IdeaProblem(IdeaProblem),
    Problem(Problem),
    IdeaTitle,
    IdeaDescription,
    IdeaCategory,
    Choose,
    IdeaPlace,
    NoPlace,
    IdeaCost,
    DontKnow,
    CostBand(CostBand),
    Proposer,
    ProposerHint,
    Age(AgeBand),
    School,
    Class,
    ProposerNeighbourhood,
    SaveIdea,
}

/// The text in a language.
pub fn t(lang: Lang, text: Text) -> &'static str {
    match lang {
        Lang::Fr => fr::text(text),
        Lang::En => en::text(text),
    }
}

/// An outcome's button label.
pub fn outcome(lang: Lang, outcome: Outcome) -> &'static str {
    match lang {
        Lang::Fr => fr::outcome(outcome),
        Lang::En => en::outcome(outcome),
    }
}

/// A follow-up's status, as the agent tells the resident.
pub fn follow_up_status(lang: Lang, status: shared::domain::FollowUpStatus) -> &'static str {
    match lang {
        Lang::Fr => fr::follow_up_status(status),
        Lang::En => en::follow_up_status(status),
    }
}

/// Why the server refused a record, in words an agent can act on.
pub fn refusal(lang: Lang, reason: shared::protocol::RefusalReason) -> &'static str {
    match lang {
        Lang::Fr => fr::refusal(reason),
        Lang::En => en::refusal(reason),
    }
}

/// The consent wording's version; recorded with every consent. 2026-12:
/// one box per purpose (the council, workshops, the assembly's draw), each
/// recorded as a consent of its own.
pub const CONSENT_VERSION: &str = "2026-12";

/// The consent wording shown to a volunteer, in their language (French if
/// there is no translation).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConsentWording {
    /// The language actually shown.
    pub language: &'static str,
    /// What the city keeps, and what for (the boxes follow).
    pub intro: &'static str,
    /// One box per purpose the resident may tick.
    pub purposes: [(ConsentPurpose, &'static str); 3],
    /// Withdrawal and retention.
    pub outro: &'static str,
}

/// The consent wording in `language` (French if there is no translation).
pub fn consent_wording(language: &str) -> ConsentWording {
    use ConsentPurpose::{CitizensAssembly, NeighbourhoodCouncil, Workshop};
    match language {
        "en" => ConsentWording {
            language: "en",
            intro: "I agree that the city keeps my name and contact details to invite me to:",
            purposes: [
                (NeighbourhoodCouncil, "the neighbourhood council"),
                (Workshop, "workshops on the neighbourhood's projects"),
                (
                    CitizensAssembly,
                    "the draw by lot of a citizens' assembly (I may be drawn)",
                ),
            ],
            outro: "I can withdraw at any time; my data is erased after three years at the latest.",
        },
        "ar" => ConsentWording {
            language: "ar",
            intro: "أوافق على أن تحتفظ البلدية باسمي ووسائل الاتصال بي لدعوتي إلى:",
            purposes: [
                (NeighbourhoodCouncil, "مجلس الحي"),
                (Workshop, "ورشات حول مشاريع الحي"),
                (
                    CitizensAssembly,
                    "القرعة لاختيار جمعية المواطنين (قد يقع عليّ الاختيار)",
                ),
            ],
            outro: "يمكنني سحب موافقتي في أي وقت، وتُحذف بياناتي بعد ثلاث سنوات على الأكثر.",
        },
        _ => ConsentWording {
            language: "fr",
            intro: "J'accepte que la ville conserve mon nom et mes coordonnées pour m'inviter :",
            purposes: [
                (NeighbourhoodCouncil, "au conseil de quartier"),
                (Workshop, "aux ateliers sur les projets du quartier"),
                (
                    CitizensAssembly,
                    "au tirage au sort d'une assemblée citoyenne (je peux être tiré·e au sort)",
                ),
            ],
            outro: "Je peux retirer mon accord à tout moment ; mes données sont effacées au plus tard après trois ans.",
        },
    }
}

/// Whether a language is written right to left.
pub fn is_rtl(language: &str) -> bool {
    matches!(language, "ar" | "he" | "fa" | "ur")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_is_the_default_and_english_differs() {
        assert_eq!(Lang::default(), Lang::Fr);
        assert_eq!(t(Lang::Fr, Text::Sync), "Synchroniser");
        assert_ne!(t(Lang::Fr, Text::Saved), t(Lang::En, Text::Saved));
        assert_eq!(outcome(Lang::Fr, Outcome::NotHome), "Absent");
    }

    #[test]
    fn every_refusal_reads_in_both_languages() {
        use shared::protocol::RefusalReason as R;
        for reason in [
            R::NotPermitted,
            R::ReadOnly,
            R::Malformed,
            R::OutOfScope,
            R::Unreadable,
            R::Attribution,
            R::OverLimit,
        ] {
            let (fr, en) = (refusal(Lang::Fr, reason), refusal(Lang::En, reason));
            assert!(!fr.is_empty() && fr != en, "{reason:?}");
        }
    }

    #[test]
    fn every_idea_text_reads_in_both_languages() {
        let mut texts: Vec<Text> = IdeaStatus::ALL.map(Text::IdeaStatus).to_vec();
        texts.extend(CostBand::ALL.map(Text::CostBand));
        texts.extend(AgeBand::ALL.map(Text::Age));
        texts.extend(
            [
                IdeaProblem::NoTitle,
                IdeaProblem::NoCategory,
                IdeaProblem::UnknownPlace,
                IdeaProblem::NotACollection,
                IdeaProblem::BadPoint,
            ]
            .map(Text::IdeaProblem),
        );
        texts.extend(
            [
                Problem::Unreachable,
                Problem::CodeUnknown,
                Problem::CodeUsed,
                Problem::CodeExpired,
                Problem::DeviceRefused,
                Problem::Wiped,
                Problem::UpdateRequired,
                Problem::Busy,
                Problem::ServerRefused,
                Problem::BadAnswer,
                Problem::NotEnrolled,
                Problem::Missing,
                Problem::Storage,
                Problem::NoStorage,
            ]
            .map(Text::Problem),
        );
        for text in texts {
            let (fr, en) = (t(Lang::Fr, text), t(Lang::En, text));
            assert!(!fr.is_empty() && !en.is_empty(), "{text:?}");
        }
        assert_eq!(
            t(Lang::Fr, Text::IdeaStatus(IdeaStatus::NotEligible)),
            "Non recevable"
        );
    }

    #[test]
    fn arabic_consent_is_shown_right_to_left_with_every_purpose() {
        let wording = consent_wording("ar");
        assert_eq!(wording.language, "ar");
        assert!(is_rtl(wording.language));
        assert!(!wording.intro.is_empty() && !wording.outro.is_empty());
        assert_eq!(consent_wording("tr").language, "fr");
        for language in ["fr", "en", "ar"] {
            let purposes: Vec<_> = consent_wording(language)
                .purposes
                .iter()
                .map(|(p, _)| *p)
                .collect();
            assert!(
                purposes.contains(&ConsentPurpose::CitizensAssembly),
                "{language}"
            );
        }
    }
}
