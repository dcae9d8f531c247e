//! The frame every office page shares, its stylesheet and script, and the
//! error pages.

use super::i18n::Lang;
use super::session::Office;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

const CSS: &str = include_str!("assets/office.css");
const JS: &str = include_str!("assets/office.js");

/// `GET /office/assets/office.css`.
pub async fn css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS)
}

/// `GET /office/assets/office.js`.
pub async fn js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        JS,
    )
}

/// Which section of the office a page belongs to, for the menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Campaigns, their questionnaires and sectors.
    Campaigns,
    /// The consolidated results: dashboard, map, comparison, exports.
    Results,
    /// Follow-ups.
    FollowUps,
    /// Ideas.
    Ideas,
    /// Volunteers.
    Volunteers,
    /// The citizens' assembly draw.
    Sortition,
    /// The reports for elected officials.
    Reports,
    /// The territory.
    Territory,
    /// Devices.
    Devices,
    /// Privacy: the notice, requests, journal, records of processing.
    Privacy,
}

/// A whole page for a logged-in coordinator.
pub fn page(office: &Office, section: Section, title: &str, body: Markup) -> Markup {
    let t = office.t;
    let item = |s: Section, href: &str, label: &str| {
        html! {
            a href=(href) aria-current=[(s == section).then_some("page")] { (label) }
        }
    };
    shell(
        office.lang,
        title,
        html! {
            header.top {
                span.brand { "Palier" }
                nav aria-label=(t.menu) {
                    @for s in super::access::sections(office.account.role) {
                        @let (href, label) = menu_item(office, *s);
                        (item(*s, href, label))
                    }
                }
                span.spacer {}
                a.lang href=(format!("/office/lang/{}", office.lang.other().tag())) lang=(office.lang.other().tag()) {
                    (office.lang.other().name())
                }
                form method="post" action=(office.action("/office/logout")) {
                    button.link type="submit" { (t.log_out) }
                }
            }
            main { h1 { (title) } (body) }
        },
    )
}

/// Where a section's menu item leads, and what it says.
fn menu_item(office: &Office, section: Section) -> (&'static str, &'static str) {
    let (t, r) = (office.t, office.lang.results());
    match section {
        Section::Campaigns => ("/office", t.campaigns),
        Section::Results => ("/office/dashboard", r.results),
        Section::FollowUps => ("/office/follow-ups", r.follow_ups),
        Section::Ideas => ("/office/ideas", office.lang.ideas().menu),
        Section::Volunteers => ("/office/volunteers", office.lang.volunteers().menu),
        Section::Sortition => ("/office/sortition", office.lang.sortition().menu),
        Section::Reports => ("/office/reports", r.reports),
        Section::Territory => ("/office/territory", t.territory),
        Section::Devices => ("/office/devices", t.devices),
        Section::Privacy => ("/office/privacy/notice", office.lang.privacy().menu),
    }
}

/// The document around a page's content.
pub fn shell(lang: Lang, title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Palier" }
                link rel="stylesheet" href="/office/assets/office.css";
                script src="/office/assets/office.js" defer {}
            }
            body { (content) }
        }
    }
}

/// A message above a form: what went wrong, or what was done.
pub fn notice(kind: &str, text: &str) -> Markup {
    html! { p class=(format!("notice {kind}")) role=(if kind == "error" { "alert" } else { "status" }) { (text) } }
}

/// A date and time as the office reads it: Paris time, day first.
pub fn date(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned_datetime(crate::readmodel::rules::paris().clone())
                .strftime("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// The Paris day of a time, for `<input type="date">`.
pub fn iso_day(ms: i64) -> String {
    crate::readmodel::rules::date(ms)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// Midnight in Paris of a `YYYY-MM-DD` day.
pub fn parse_iso_day(text: &str) -> Option<i64> {
    crate::readmodel::rules::midnight(text.trim().parse().ok()?)
}

/// Midnight in Paris after a `YYYY-MM-DD` day: where a period that
/// includes that day stops (23 or 25 hours after its start when the clocks
/// change).
pub fn parse_iso_day_end(text: &str) -> Option<i64> {
    let day: jiff::civil::Date = text.trim().parse().ok()?;
    crate::readmodel::rules::midnight(day.tomorrow().ok()?)
}

/// An office page that could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// A fault of ours, logged, never explained.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
    /// No such campaign, sector or question in this municipality.
    #[error("not found")]
    NotFound(Lang),
    /// Not a coordinator.
    #[error("forbidden")]
    Forbidden(Lang),
}

/// Parses an id from a path segment, as a 404 when it is not one.
pub fn parse_id<T: std::str::FromStr>(office: &Office, text: &str) -> Result<T, PageError> {
    text.parse().map_err(|_| PageError::NotFound(office.lang))
}

/// A record that could not be read or written, as the office answers it:
/// a missing one is a 404.
pub fn page_error(error: crate::campaigns::RecordError, lang: super::Lang) -> PageError {
    match error {
        crate::campaigns::RecordError::NotFound => PageError::NotFound(lang),
        other => PageError::Internal(other.into()),
    }
}

impl From<shared::store::StoreError> for PageError {
    fn from(error: shared::store::StoreError) -> Self {
        PageError::Internal(error.into())
    }
}

impl From<shared::schema::SchemaError> for PageError {
    fn from(error: shared::schema::SchemaError) -> Self {
        PageError::Internal(error.into())
    }
}

impl From<crate::readmodel::ReadModelError> for PageError {
    fn from(error: crate::readmodel::ReadModelError) -> Self {
        PageError::Internal(error.into())
    }
}

impl From<rusqlite::Error> for PageError {
    fn from(error: rusqlite::Error) -> Self {
        PageError::Internal(error.into())
    }
}

impl From<crate::storage::control::ControlError> for PageError {
    fn from(error: crate::storage::control::ControlError) -> Self {
        PageError::Internal(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, lang, text) = match &self {
            PageError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "office page failed");
                let lang = Lang::default();
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    lang,
                    lang.texts().internal_error,
                )
            }
            PageError::NotFound(lang) => (StatusCode::NOT_FOUND, *lang, lang.texts().not_found),
            PageError::Forbidden(lang) => {
                (StatusCode::FORBIDDEN, *lang, lang.texts().coordinators_only)
            }
        };
        let body = shell(
            lang,
            text,
            html! { main { h1 { (text) } p { a href="/office" { (lang.texts().back_to_office) } } } },
        );
        (status, body).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_paris_days_and_round_trip_through_the_calendar() {
        let ms = parse_iso_day("2026-11-23").expect("day");
        assert_eq!(iso_day(ms), "2026-11-23");
        assert_eq!(date(ms + 3_600_000 * 9 + 60_000 * 5), "23/11/2026 09:05");
        // Paris midnight: 23:00 UTC the day before in winter.
        assert_eq!(parse_iso_day("1970-01-01"), Some(-3_600_000));
        // A period "until 26 October" stops at the next Paris midnight,
        // 25 hours after that day's start (the clocks go back).
        let start = parse_iso_day("2025-10-26").expect("day");
        let end = parse_iso_day_end("2025-10-26").expect("day");
        assert_eq!(end - start, 25 * 3_600_000);
        assert_eq!(iso_day(end - 1), "2025-10-26");
        assert_eq!(parse_iso_day("2026-13-01"), None);
        assert_eq!(parse_iso_day("demain"), None);
    }
}
