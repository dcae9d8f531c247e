//! The privacy section's frame (its tabs: the notice, residents'
//! requests, the journal, the records of processing) and the journal's
//! page. Coordinators and the data protection officer read them
//! (`PrivacyReader`); only coordinators change anything.

use super::layout::{PageError, Section, date, page, parse_iso_day, parse_iso_day_end};
use super::session::{Office, PrivacyReader};
use crate::journal::{self, Event, Line};
use axum::extract::Query;
use maud::{Markup, html};

/// A tab of the privacy section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// The information notice.
    Notice,
    /// Residents' requests.
    Requests,
    /// Retention periods.
    Retention,
    /// The journal.
    Journal,
    /// The records of processing.
    Records,
}

/// A privacy page: the section's tabs above `body`.
pub fn privacy_page(office: &Office, tab: Tab, title: &str, body: Markup) -> Markup {
    let t = office.lang.privacy();
    let tabs = [
        (Tab::Notice, "/office/privacy/notice", t.nav_notice),
        (Tab::Requests, "/office/privacy/requests", t.nav_requests),
        (Tab::Retention, "/office/privacy/retention", t.nav_retention),
        (Tab::Journal, "/office/privacy/journal", t.nav_journal),
        (Tab::Records, "/office/privacy/records", t.nav_records),
    ];
    let framed = html! {
        nav.tabs aria-label=(t.menu) {
            @for (each, href, label) in tabs {
                a href=(href) aria-current=[(each == tab).then_some("page")] { (label) }
            }
        }
        (body)
    };
    page(office, Section::Privacy, title, framed)
}

/// What the journal's address may say: a period, as Paris days.
#[derive(serde::Deserialize)]
pub struct Period {
    from: Option<String>,
    to: Option<String>,
}

/// The most lines the page shows at once.
const MAX_LINES: i64 = 500;
const DAY_MS: i64 = 86_400_000;

/// `GET /office/privacy/journal`: the last 90 days by default.
pub async fn show_journal(
    PrivacyReader(office): PrivacyReader,
    Query(period): Query<Period>,
) -> Result<Markup, PageError> {
    let now = office.state().clock.now();
    let to = period
        .to
        .as_deref()
        .and_then(parse_iso_day_end)
        .unwrap_or(now + 1);
    let from = period
        .from
        .as_deref()
        .and_then(parse_iso_day)
        .unwrap_or(to - 90 * DAY_MS);
    let lines = office
        .with_control(move |control, municipality| {
            journal::read(control, municipality, from, to, MAX_LINES)
        })
        .await?;
    let t = office.lang.privacy();
    let body = html! {
        p.hint { (t.journal_hint) }
        form.card.filters method="get" action="/office/privacy/journal" {
            label for="j-from" { (t.journal_from) }
            input id="j-from" type="date" name="from" value=(super::layout::iso_day(from));
            label for="j-to" { (t.journal_to) }
            input id="j-to" type="date" name="to" value=(super::layout::iso_day(to - 1));
            button type="submit" { (t.journal_show) }
        }
        @if lines.is_empty() { p { (t.journal_empty) } }
        @else {
            table.journal {
                thead { tr {
                    th scope="col" { (t.journal_when) } th scope="col" { (t.journal_who) } th scope="col" { (t.journal_what) }
                } }
                tbody {
                    @for line in &lines {
                        tr {
                            td { (date(line.at)) }
                            td { @if line.who.is_empty() { (t.journal_server) } @else { (line.who) } }
                            td { (what(&office, line)) }
                        }
                    }
                }
            }
        }
    };
    Ok(privacy_page(&office, Tab::Journal, t.journal_title, body))
}

/// A line's act, in words.
fn what(office: &Office, line: &Line) -> String {
    let t = office.lang.privacy();
    let v = office.lang.volunteers();
    let Some(event) = &line.event else {
        return line.action.clone();
    };
    let n = |n: &usize| n.to_string();
    match event {
        Event::OpenedVolunteers { listed } => t.j_opened_volunteers.replace("{listed}", &n(listed)),
        Event::SearchedResident { persons, visits } => t
            .j_searched_resident
            .replace("{persons}", &n(persons))
            .replace("{visits}", &n(visits)),
        Event::OpenedSubjectAccess => t.j_opened_subject_access.to_string(),
        Event::OpenedFollowUps { listed } => t.j_opened_follow_ups.replace("{listed}", &n(listed)),
        Event::OpenedFreeAnswers { listed } => {
            t.j_opened_free_answers.replace("{listed}", &n(listed))
        }
        Event::Exported { file, reason } if reason.is_empty() => {
            t.j_exported_plain.replace("{file}", file)
        }
        Event::Exported { file, reason } => t
            .j_exported
            .replace("{file}", file)
            .replace("{reason}", reason),
        Event::Erased {
            persons,
            visits,
            follow_ups,
        } => t
            .j_erased
            .replace("{persons}", &n(persons))
            .replace("{visits}", &n(visits))
            .replace("{follow_ups}", &n(follow_ups)),
        Event::Withdrew { purpose } => t.j_withdrew.replace(
            "{purpose}",
            shared::domain::ConsentPurpose::parse(purpose)
                .map_or(purpose.as_str(), |p| v.purpose(p)),
        ),
        Event::Rectified => t.j_rectified.to_string(),
        Event::PublishedNotice { version } => t
            .j_published_notice
            .replace("{version}", &version.to_string()),
        Event::ChangedRetention { period, days } => t
            .j_changed_retention
            .replace("{period}", period)
            .replace("{days}", &days.to_string()),
        Event::Drew { pool, panel } => t
            .j_drew
            .replace("{pool}", &n(pool))
            .replace("{panel}", &n(panel)),
        Event::Request { kind, state } => {
            t.j_request.replace("{kind}", t.request_kind(kind)).replace(
                "{state}",
                if state == "extended" {
                    t.req_extend
                } else {
                    t.request_state(state)
                },
            )
        }
        Event::Purged {
            persons,
            visits,
            follow_ups,
        } => t
            .j_purged
            .replace("{persons}", &n(persons))
            .replace("{visits}", &n(visits))
            .replace("{follow_ups}", &n(follow_ups)),
    }
}
