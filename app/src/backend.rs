//! The one door between the UI and the data: requests in, responses out,
//! as serde values. On the web build they cross to a dedicated worker that
//! owns the SQLite store (OPFS needs a worker); on the desktop they are
//! handled in-process. Either way [`handle`] does the work.

use crate::drafts;
use crate::field::{self, BuildingGrid, SectorSummary, Talk};
use crate::ideas::{
    self, CollectionSummary, FormChoices, IdeaDraft, IdeaError, IdeaProblem, IdeaSummary,
};
use crate::platform::http::{HttpError, Server};
use crate::sync::SyncError;
use serde::{Deserialize, Serialize};
use shared::api::Role;
use shared::domain::*;
use shared::store::Store;
use shared::sync::Progress;

/// Meta key of the last completed sync's summary.
const LAST_SYNC_KEY: &str = "sync.last";

/// What the UI asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Enrolment, unsynced count, last sync.
    Status,
    /// Redeem a one-time code.
    Enrol {
        /// The code as typed.
        code: String,
        /// A name for the office's device list.
        device_name: String,
    },
    /// The sectors with their progress.
    Sectors,
    /// A campaign (questionnaire, topics, services).
    Campaign(CampaignId),
    /// The information notices this phone holds.
    Notices,
    /// A building as a grid of doors.
    Grid(CampaignId, BuildingId),
    /// Record an outcome at a door.
    Record(CampaignId, BuildingId, DwellingRef, Outcome),
    /// Take back a visit.
    Undo(CampaignId, BuildingId, VisitId),
    /// Record a conversation (its draft goes).
    Talk(Box<Talk>),
    /// The conversation begun at a door, if one waits.
    TalkDraft(CampaignId, BuildingId, DwellingRef),
    /// A door's visits in this campaign, and whether a conversation begun
    /// there waits.
    Door(CampaignId, BuildingId, DwellingRef),
    /// Keep the conversation form as typed at a door.
    SaveTalkDraft(
        CampaignId,
        BuildingId,
        DwellingRef,
        Box<crate::drafts::TalkDraft>,
    ),
    /// One of this phone's visits, to correct it.
    Visit(CampaignId, BuildingId, VisitId),
    /// Correct a conversation this phone's agent recorded.
    CorrectTalk(CampaignId, BuildingId, VisitId, Box<field::Correction>),
    /// Throw away the conversation begun at a door.
    DiscardTalkDraft(CampaignId, BuildingId, DwellingRef),
    /// Sync with the server.
    Sync,
    /// The idea collections on this phone.
    Collections,
    /// A collection's ideas, newest first.
    Ideas(CampaignId),
    /// What a collection's idea form offers.
    IdeaChoices(CampaignId),
    /// One idea, for the form.
    Idea(IdeaId),
    /// Save the idea form.
    SaveIdea(Box<IdeaDraft>),
}

/// What a completed sync did, kept for the sync screen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastSync {
    /// When it completed (Unix ms).
    pub at: Timestamp,
    /// Round trips.
    pub rounds: u32,
    /// Documents confirmed by the server.
    pub confirmed: usize,
    /// Documents received.
    pub received: usize,
    /// Bytes sent and received.
    pub bytes: usize,
    /// Records the server refused, and why: they stay on the phone, unsent.
    #[serde(default)]
    pub refused: Vec<shared::protocol::RefusalReason>,
}

/// The device's state, for the header and the sync screen.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// The municipality's name, once enrolled.
    pub municipality: Option<String>,
    /// The device's role, once enrolled.
    pub role: Option<Role>,
    /// The agent id records are made under (the device id).
    pub agent: Option<AgentId>,
    /// Records made here the server has not confirmed
    /// (`field::unsent_records`).
    pub unsynced: i64,
    /// The last completed sync.
    pub last_sync: Option<LastSync>,
}

/// What the UI gets back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Response {
    /// See [`Status`].
    Status(Status),
    /// Sectors.
    Sectors(Vec<SectorSummary>),
    /// A campaign.
    Campaign(Box<Campaign>),
    /// The information notices held.
    Notices(Box<crate::notices::Held>),
    /// A grid.
    Grid(BuildingGrid),
    /// A conversation begun at a door, if one waits.
    TalkDraft(Option<Box<crate::drafts::TalkDraft>>),
    /// A door's visits, newest first, and whether a draft waits there.
    Door(Vec<field::PastVisit>, bool),
    /// One visit.
    Visit(Box<Visit>),
    /// A visit was durably saved.
    Recorded(VisitId),
    /// Done.
    Done,
    /// Sync in progress (sent before the final response).
    Progress(Progress),
    /// Idea collections.
    Collections(Vec<CollectionSummary>),
    /// A collection's ideas.
    Ideas(Vec<IdeaSummary>),
    /// What an idea form offers.
    IdeaChoices(FormChoices),
    /// One idea.
    Idea(Box<Idea>),
    /// The idea was durably saved.
    IdeaSaved(IdeaId),
    /// The idea form is not complete; nothing was saved.
    IdeaRefused(IdeaProblem),
    /// Something failed; the agent reads it in their language
    /// (`Text::Problem`).
    Error(Problem),
}

/// What went wrong, as the agent is told it: each has a text in the UI's
/// catalogues, so no English string from deep in the code reaches the
/// screen. The detail goes to the developer console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    /// No network, or the server is down.
    Unreachable,
    /// No such enrolment code.
    CodeUnknown,
    /// The enrolment code was used already.
    CodeUsed,
    /// The enrolment code expired.
    CodeExpired,
    /// The server no longer knows this phone.
    DeviceRefused,
    /// The office withdrew this phone, which wiped what it held.
    Wiped,
    /// Too many attempts, or the server is busy: try again shortly.
    Busy,
    /// The server speaks a newer protocol: reload the app to update it;
    /// nothing on the phone is lost.
    UpdateRequired,
    /// The server refused for another reason.
    ServerRefused,
    /// The server's answer could not be read.
    BadAnswer,
    /// This phone is not enrolled yet.
    NotEnrolled,
    /// What was asked for is not on this phone.
    Missing,
    /// The phone's storage failed; nothing was half-saved.
    Storage,
    /// The visit may be on the server already: record the right outcome
    /// instead.
    NoLongerUndoable,
    /// The browser gives this app no persistent storage.
    NoStorage,
    /// Only the agent who recorded a conversation corrects it.
    NotYours,
    /// The office erased what the conversation said.
    WordsErased,
    /// A child under 15 signs up only with a parent's agreement.
    ParentNeeded,
}

impl Problem {
    /// The problem, and its detail in the developer console.
    pub fn noted(self, detail: &dyn std::fmt::Display) -> Self {
        #[cfg(target_arch = "wasm32")]
        web_sys::console::warn_1(&format!("{self:?}: {detail}").into());
        #[cfg(not(target_arch = "wasm32"))]
        let _ = detail;
        self
    }

    fn of_http(e: &HttpError) -> Self {
        match e {
            HttpError::Unreachable(_) => Problem::Unreachable,
            HttpError::Refused {
                status: 401 | 403, ..
            } => Problem::DeviceRefused,
            HttpError::Refused {
                status: 429 | 503, ..
            } => Problem::Busy,
            HttpError::Refused { status: 426, .. } => Problem::UpdateRequired,
            HttpError::Refused { .. } => Problem::ServerRefused,
            HttpError::Wire(_) | HttpError::Json(_) | HttpError::Unexpected => Problem::BadAnswer,
        }
    }

    fn of_sync(e: &SyncError) -> Self {
        let problem = match e {
            SyncError::Http(http) => Self::of_http(http),
            SyncError::Engine(_) => Problem::BadAnswer,
            SyncError::Store(_) | SyncError::Enrolment(_) => Problem::Storage,
            SyncError::NotEnrolled => Problem::NotEnrolled,
            SyncError::Revoked => Problem::Wiped,
        };
        problem.noted(e)
    }

    /// An enrolment's failure: the code's fate first.
    fn of_enrolment(e: &SyncError) -> Self {
        match e {
            SyncError::Http(HttpError::Refused { status: 401, .. }) => Problem::CodeUnknown,
            SyncError::Http(HttpError::Refused { status: 409, .. }) => Problem::CodeUsed,
            SyncError::Http(HttpError::Refused { status: 410, .. }) => Problem::CodeExpired,
            other => return Self::of_sync(other),
        }
        .noted(e)
    }

    fn of_field(e: &field::FieldError) -> Self {
        let problem = match e {
            field::FieldError::Missing(_) => Problem::Missing,
            field::FieldError::NoLongerUndoable => Problem::NoLongerUndoable,
            field::FieldError::NotYours => Problem::NotYours,
            field::FieldError::WordsErased => Problem::WordsErased,
            field::FieldError::ParentNeeded => Problem::ParentNeeded,
            field::FieldError::Store(_) | field::FieldError::Schema(_) => Problem::Storage,
        };
        problem.noted(e)
    }

    fn of_store(e: &dyn std::fmt::Display) -> Self {
        Problem::Storage.noted(e)
    }
}

/// The start of the phone's day (local midnight on the web, UTC midnight
/// elsewhere), for "today's ideas".
pub fn start_of_today() -> Timestamp {
    #[cfg(target_arch = "wasm32")]
    {
        let now = js_sys::Date::new_0();
        now.set_hours(0);
        now.set_minutes(0);
        now.set_seconds(0);
        now.set_milliseconds(0);
        now.get_time() as Timestamp
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let day = 24 * 3600 * 1000;
        now_ms() - now_ms().rem_euclid(day)
    }
}

/// Milliseconds since the Unix epoch, from whichever clock the platform has.
pub fn now_ms() -> Timestamp {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as Timestamp
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as Timestamp)
            .unwrap_or(0)
    }
}

fn status(store: &Store) -> Result<Status, Problem> {
    let enrolment = crate::sync::enrolment(store).map_err(|e| Problem::of_sync(&e))?;
    let last_sync = store
        .meta(LAST_SYNC_KEY)
        .map_err(|e| Problem::of_store(&e))?
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    let agent = enrolment.as_ref().map(|e| AgentId(e.device_id.0));
    let unsynced = match agent {
        Some(me) => field::unsent_records(store, me, last_sync.as_ref().map(|s: &LastSync| s.at))
            .map_err(|e| Problem::of_field(&e))?,
        None => 0,
    };
    Ok(Status {
        municipality: enrolment.as_ref().map(|e| e.municipality_name.clone()),
        role: enrolment.as_ref().map(|e| e.role),
        agent,
        unsynced: i64::try_from(unsynced).unwrap_or(i64::MAX),
        last_sync,
    })
}

fn agent(store: &Store) -> Result<AgentId, Problem> {
    status(store)?.agent.ok_or(Problem::NotEnrolled)
}

/// Handles one request against the store. `server` is where sync and
/// enrolment go; `progress` hears from a sync between round trips.
pub async fn handle(
    store: &mut Store,
    server: &Server,
    request: Request,
    progress: &mut dyn FnMut(&Progress),
) -> Response {
    match handle_inner(store, server, request, progress).await {
        Ok(response) => response,
        Err(problem) => Response::Error(problem),
    }
}

async fn handle_inner(
    store: &mut Store,
    server: &Server,
    request: Request,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Response, Problem> {
    let error = |e: field::FieldError| Problem::of_field(&e);
    Ok(match request {
        Request::Status => Response::Status(status(store)?),
        Request::Enrol { code, device_name } => {
            crate::sync::enrol(store, server, &code, &device_name)
                .await
                .map_err(|e| Problem::of_enrolment(&e))?;
            // The campaigns, sectors and buildings at once, in the same
            // request: the enrolment screen goes away as soon as the phone
            // is enrolled, and a sync started from it would be dropped with
            // it, never recorded as the last sync. A failed first sync is
            // not a failed enrolment: the sync screen offers it again.
            if let Err(problem) = sync_and_record(store, server, progress).await {
                let _ = problem.noted(&"the first sync after enrolment failed");
            }
            Response::Status(status(store)?)
        }
        Request::Sectors => {
            let me = status(store)?.agent;
            Response::Sectors(field::sectors(store, me).map_err(error)?)
        }
        Request::Notices => Response::Notices(Box::new(
            crate::notices::held(store).map_err(|e| error(field::FieldError::from(e)))?,
        )),
        Request::Campaign(id) => {
            Response::Campaign(Box::new(field::campaign(store, id).map_err(error)?))
        }
        Request::Grid(campaign, building) => {
            let mut grid = field::grid(store, campaign, building).map_err(error)?;
            let drafts = drafts::doors_with_drafts(store, campaign, building, now_ms())
                .map_err(|e| Problem::of_store(&e))?;
            for door in grid
                .entrances
                .iter_mut()
                .flat_map(|e| &mut e.floors)
                .flat_map(|f| &mut f.doors)
            {
                door.draft = drafts.contains(&door.door);
            }
            Response::Grid(grid)
        }
        Request::Record(campaign, building, door, outcome) => {
            let agent = agent(store)?;
            let visit =
                field::record_outcome(store, campaign, building, door, outcome, agent, now_ms())
                    .map_err(error)?;
            Response::Recorded(visit.id)
        }
        Request::Undo(campaign, building, visit) => {
            let status = status(store)?;
            let me = status.agent.ok_or(Problem::NotEnrolled)?;
            let synced_at = status.last_sync.map(|s| s.at);
            field::undo(store, campaign, building, visit, me, synced_at).map_err(error)?;
            Response::Done
        }
        Request::Talk(talk) => {
            let agent = agent(store)?;
            let (campaign, building, door) = (talk.campaign, talk.building, talk.door.clone());
            let visit = field::record_talk(store, *talk, agent, now_ms()).map_err(error)?;
            drafts::discard(store, campaign, building, &door).map_err(|e| Problem::of_store(&e))?;
            Response::Recorded(visit.id)
        }
        Request::TalkDraft(campaign, building, door) => Response::TalkDraft(
            drafts::load(store, campaign, building, &door, now_ms())
                .map_err(|e| Problem::of_store(&e))?
                .map(Box::new),
        ),
        Request::Door(campaign, building, door) => {
            let me = status(store)?.agent;
            let history =
                field::door_history(store, campaign, building, &door, me).map_err(error)?;
            let draft = drafts::doors_with_drafts(store, campaign, building, now_ms())
                .map_err(|e| Problem::of_store(&e))?
                .contains(&door);
            Response::Door(history, draft)
        }
        Request::Visit(campaign, building, visit) => Response::Visit(Box::new(
            field::visit(store, campaign, building, visit).map_err(error)?,
        )),
        Request::CorrectTalk(campaign, building, visit, correction) => {
            let me = agent(store)?;
            let visit = field::correct_talk(store, campaign, building, visit, *correction, me)
                .map_err(error)?;
            Response::Recorded(visit.id)
        }
        Request::SaveTalkDraft(campaign, building, door, draft) => {
            drafts::save(store, campaign, building, &door, *draft, now_ms())
                .map_err(|e| Problem::of_store(&e))?;
            Response::Done
        }
        Request::DiscardTalkDraft(campaign, building, door) => {
            drafts::discard(store, campaign, building, &door).map_err(|e| Problem::of_store(&e))?;
            Response::Done
        }
        Request::Collections => Response::Collections(ideas::collections(store).map_err(error)?),
        Request::Ideas(campaign) => {
            Response::Ideas(ideas::list(store, campaign, start_of_today()).map_err(error)?)
        }
        Request::IdeaChoices(campaign) => {
            Response::IdeaChoices(ideas::choices(store, campaign).map_err(error)?)
        }
        Request::Idea(id) => Response::Idea(Box::new(ideas::get(store, id).map_err(error)?)),
        Request::SaveIdea(draft) => {
            let agent = agent(store)?;
            match ideas::save(store, *draft, agent, now_ms()) {
                Ok(id) => Response::IdeaSaved(id),
                Err(IdeaError::Problem(problem)) => Response::IdeaRefused(problem),
                Err(IdeaError::Field(e)) => return Err(error(e)),
            }
        }
        Request::Sync => {
            let synced = sync_and_record(store, server, progress).await;
            // Whatever became of the sync, an erasure it brought wipes the
            // drafts (`drafts`).
            drafts::purge_after_erasures(store).map_err(|e| Problem::of_store(&e))?;
            synced?;
            Response::Status(status(store)?)
        }
    })
}

/// Syncs, then keeps what the sync did for the sync screen.
async fn sync_and_record(
    store: &mut Store,
    server: &Server,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(), Problem> {
    let (report, traffic) = crate::sync::sync(store, server, progress)
        .await
        .map_err(|e| Problem::of_sync(&e))?;
    let last = LastSync {
        at: now_ms(),
        rounds: report.rounds,
        confirmed: report.confirmed,
        received: report.received,
        bytes: traffic.sent + traffic.received,
        refused: report.refused.iter().map(|r| r.reason).collect(),
    };
    // Old drafts go (after an erasure, every draft: `Request::Sync`).
    drafts::purge(store, now_ms(), false).map_err(|e| Problem::of_store(&e))?;
    let bytes = serde_json::to_vec(&last).map_err(|e| Problem::of_store(&e))?;
    store
        .set_meta(LAST_SYNC_KEY, &bytes)
        .map_err(|e| Problem::of_store(&e))
}
