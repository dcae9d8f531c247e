//! The English catalogue.

use super::Text;
use crate::backend::Problem;
use crate::ideas::IdeaProblem;
use shared::domain::{AgeBand, CostBand, IdeaStatus, Outcome};
use shared::protocol::RefusalReason;

/// The text in English.
pub fn text(text: Text) -> &'static str {
    match text {
        Text::FollowUpNews => "What became of the follow-ups",
        Text::AppName => "Palier",
        Text::LanguageSwitch => "Français",
        Text::ReloadApp => "Reload the app",
        Text::EnrolTitle => "Enrol this phone",
        Text::EnrolHelp => "Type the one-time code the coordination team gave you.",
        Text::EnrolCode => "Enrolment code",
        Text::DeviceName => "Name of this phone",
        Text::DeviceNameHint => {
            "E.g. “Samia – phone 3”: the office sees it when assigning sectors."
        }
        Text::MySector => "My sector",
        Text::EnrolButton => "Enrol",
        Text::Enrolling => "Enrolling…",
        Text::Sectors => "Sectors",
        Text::NoSectors => {
            "No sector for this phone yet: the office gives it one (or the whole town), then sync."
        }
        Text::WalkList => "List",
        Text::Map => "Map",
        Text::ToKnock => "to knock",
        Text::ForNextPass => "for the next pass",
        Text::Unanswered => "unanswered",
        Text::Dwellings => "dwellings",
        Text::Back => "Back",
        Text::Pass => "Pass",
        Text::Landlord => "Landlord: ",
        Text::Entrance => "Entrance",
        Text::Floor => "Floor",
        Text::GroundFloor => "Ground",
        Text::OutcomeQuestion => "What happened?",
        Text::Saved => "Saved",
        Text::Undo => "Undo",
        Text::Undone => "Undone",
        Text::Questionnaire => "Questionnaire",
        Text::QuestionnaireLanguage => "Questionnaire language",
        Text::Topics => "Topics raised",
        Text::FreeTopic => "Other topic",
        Text::Add => "Add",
        Text::Verbatim => "Verbatim",
        Text::VerbatimHint => "The resident's own words",
        Text::ResidentProfile => "Profile (no name)",
        Text::AgeBand => "Age band",
        Text::LanguageSpoken => "Language spoken",
        Text::NotSaid => "Not said",
        Text::FollowUp => "Follow-up for a city service",
        Text::Service => "Service",
        Text::Description => "Description",
        Text::Volunteer => "Volunteers to be contacted",
        Text::VolunteerName => "Name",
        Text::Phone => "Phone",
        Text::Email => "E-mail",
        Text::ConsentGiven => "at least one agreement ticked by the resident",
        Text::SaveTalk => "Save the conversation",
        Text::Required => "required",
        Text::MissingOne => "1 required answer is missing",
        Text::MissingMany => "{} required answers are missing",
        Text::ConsentMissing => "To sign the person up: their name and at least one box ticked",
        Text::NoticeTitle => "Say this first",
        Text::NoticeFull => "Full text and code to scan",
        Text::NoticeScan => "The resident may scan this code to read the notice at home:",
        Text::NoticeNone => "No information notice received: sync before noting a conversation.",
        Text::NoticeVersion => "Notice no. {}",
        Text::ParentalConsent => "Under 15: a parent or guardian present agrees for the child",
        Text::DraftRestored => "Conversation resumed where you left it.",
        Text::DraftWaiting => "A conversation begun here waits on this phone.",
        Text::ResumeTalk => "Resume the conversation",
        Text::DraftMark => "in progress",
        Text::Correct => "Correct",
        Text::WordsErased => "Words erased by the office, at the resident's request.",
        Text::Correcting => "Correcting the conversation",
        Text::SaveCorrection => "Save the correction",
        Text::Corrected => "Corrected",
        Text::DoorHistory => "Already at this door",
        Text::ByMe => "you",
        Text::ByColleague => "a colleague",
        Text::DiscardTalk => "Discard this conversation",
        Text::DiscardConfirm => "Erase what was typed?",
        Text::KeepTalk => "No, keep it",
        Text::Sync => "Sync",
        Text::SyncNow => "Sync now",
        Text::Syncing => "Syncing…",
        Text::SyncDone => "Sync complete",
        Text::RefusedRecords => "records refused by the server, kept on this phone:",
        Text::SyncFailed => "Sync interrupted; nothing is lost, try again later.",
        Text::LastSync => "Last sync",
        Text::Never => "never",
        Text::Unsynced => "records not yet on the server",
        Text::UnsyncedOne => "record not yet on the server",
        Text::AllOnServer => "Everything is on the server",
        Text::Offline => "Offline",
        Text::RoundTrips => "round trips",
        Text::Received => "records received",
        Text::Cancel => "Cancel",
        Text::JustNow => "just now",
        Text::MinutesAgo => "{} min ago",
        Text::HoursAgo => "{} h ago",
        Text::DaysAgo => "{} d ago",
        Text::Loading => "Loading…",
        Text::Progress => "Progress",
        Text::ScanQr => "Scan the QR code",
        Text::DoorCode => "door code",
        Text::IdeaCollections => "Idea collections",
        Text::NoCollections => "No idea collection yet: sync to receive the office's.",
        Text::MergedDuplicate => "Duplicate, merged with another idea",
        Text::Problem(p) => match p {
            Problem::Unreachable => {
                "No network, or the server is out of reach: your records stay on the phone; try again later."
            }
            Problem::CodeUnknown => {
                "This code does not exist: check it or ask the office for another."
            }
            Problem::CodeUsed => "This code was used already: ask the office for a new one.",
            Problem::CodeExpired => "This code expired: ask the office for a new one.",
            Problem::DeviceRefused => "The server no longer knows this phone: see the office.",
            Problem::Wiped => {
                "The office withdrew this phone: everything it held was wiped. To start again, ask it for a new code."
            }
            Problem::Busy => "The server is busy: try again in a moment.",
            Problem::UpdateRequired => {
                "This version of the app is out of date: reload it to update. Nothing this phone holds is lost."
            }
            Problem::ServerRefused => "The server refused: try again, then tell the office.",
            Problem::BadAnswer => {
                "The server's answer was unreadable: try again, then tell the office."
            }
            Problem::NotEnrolled => "This phone is not enrolled yet.",
            Problem::NoLongerUndoable => {
                "This visit may already be on the server: it can no longer be undone. Record the right outcome at the door."
            }
            Problem::Missing => "This record is not on the phone: sync.",
            Problem::Storage => "Saving on the phone failed; nothing was lost, try again.",
            Problem::NoStorage => {
                "This browser gives the app no lasting storage (private browsing?)."
            }
            Problem::WordsErased => {
                "The office erased what this conversation said, at the resident's request: it cannot be written again."
            }
            Problem::ParentNeeded => {
                "Under 15: signing up needs a parent's or guardian's agreement."
            }
            Problem::NotYours => "Only the agent who recorded this conversation can correct it.",
        },
        Text::PointOnMap => "Point picked on the map",
        Text::TapTheMap => "Or tap the map where the idea would be.",
        Text::IdeasCount => "ideas",
        Text::IdeaSaved => "Idea saved",
        Text::NewIdea => "New idea",
        Text::EditIdea => "Edit the idea",
        Text::Today => "Today",
        Text::Earlier => "Earlier",
        Text::NoIdeasToday => "No ideas today yet.",
        Text::IdeaStatus(s) => match s {
            IdeaStatus::Received => "Received",
            IdeaStatus::Eligible => "Eligible",
            IdeaStatus::NotEligible => "Not eligible",
            IdeaStatus::PutToVote => "Put to the vote",
            IdeaStatus::Funded => "Funded",
        },
        Text::IdeaProblem(p) => match p {
            IdeaProblem::NoTitle => "Give the idea a title.",
            IdeaProblem::NoCategory => "Choose a category.",
            IdeaProblem::UnknownPlace => "This place is not in the campaign's list.",
            IdeaProblem::NotACollection => "This collection is no longer on the phone: sync.",
            IdeaProblem::BadPoint => "This point is not on the map.",
        },
        Text::IdeaTitle => "Title",
        Text::IdeaDescription => "The idea in a few words",
        Text::IdeaCategory => "Category",
        Text::Choose => "Choose…",
        Text::IdeaPlace => "Where?",
        Text::NoPlace => "No particular place",
        Text::IdeaCost => "Estimated cost",
        Text::DontKnow => "Don't know",
        Text::CostBand(b) => match b {
            CostBand::Under10k => "Under €10,000",
            CostBand::From10kTo50k => "€10,000 to €50,000",
            CostBand::From50kTo150k => "€50,000 to €150,000",
            CostBand::Over150k => "Over €150,000",
        },
        Text::Proposer => "Who proposes it",
        Text::ProposerHint => "Never a name: age band, school, class, neighbourhood.",
        Text::Age(b) => match b {
            AgeBand::Under15 => "Under 15",
            AgeBand::From15To24 => "15 to 24",
            AgeBand::From25To64 => "25 to 64",
            AgeBand::Over65 => "65 and over",
        },
        Text::School => "School",
        Text::Class => "Class",
        Text::ProposerNeighbourhood => "Neighbourhood they live in",
        Text::SaveIdea => "Save the idea",
    }
}

/// An outcome's button label.
pub fn outcome(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::NotHome => "Not home",
        Outcome::Talked => "Talked",
        Outcome::Refused => "Refused",
        Outcome::NoAccess => "No access",
        Outcome::ComeBack => "Come back",
        Outcome::Vacant => "Vacant",
    }
}

/// A follow-up's status.
pub fn follow_up_status(status: shared::domain::FollowUpStatus) -> &'static str {
    use shared::domain::FollowUpStatus as S;
    match status {
        S::Open => "Open",
        S::Forwarded => "Forwarded to the service",
        S::InProgress => "In progress",
        S::Resolved => "Resolved",
        S::Declined => "Declined",
    }
}

/// Why the server refused a record.
pub fn refusal(reason: RefusalReason) -> &'static str {
    match reason {
        RefusalReason::NotPermitted => "this phone may not send this record",
        RefusalReason::ReadOnly => "this phone is read-only",
        RefusalReason::Malformed => "unreadable record; tell the office",
        RefusalReason::OutOfScope => "building outside your sectors; ask the office to assign it",
        RefusalReason::Unreadable => "incomplete or damaged record; tell the office",
        RefusalReason::Attribution => {
            "record in another device's name, or changing what only the office decides"
        }
        RefusalReason::OverLimit => "record too large to send",
        RefusalReason::OutOfSet => {
            "a value the office no longer offers (service, option, age band)"
        }
        RefusalReason::NoNotice => {
            "conversation noted without the published information notice; sync, then take the record again"
        }
    }
}
