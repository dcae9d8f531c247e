//! The office: where a coordinator prepares a campaign (territory,
//! questionnaire, sectors, devices).
//!
//! Server-rendered HTML (maud) rather than a section of the Dioxus field
//! app, because the office works on the server's data, always online, on
//! office desktops: plain pages and forms need no client-side replica, no
//! offline store and add nothing to the phones' download. The two
//! interactions that need script (clicking and lassoing buildings on the
//! sector map) are a small progressive enhancement in `assets/office.js`;
//! without it the same choices are made with checkboxes.
//!
//! Every page is French by default, English on request; texts live in
//! `i18n/fr.rs` and `i18n/en.rs`. Sessions are the control database's,
//! carried in an `HttpOnly`, `SameSite=Strict` cookie, so a form posted from
//! another site carries no session.

mod access;
mod answers;
mod campaigns;
mod charts;
mod collection;
mod compare;
mod dashboard;
mod devices;
mod erasure;
mod exports;
mod follow_ups;
mod form;
mod i18n;
mod ideas;
mod layout;
mod login;
mod map;
mod notice;
mod privacy;
mod questionnaire;
mod records;
mod remember;
mod report;
mod requests;
mod residents;
mod results;
mod results_map;
mod retention;
mod sectors;
mod session;
mod sortition;
mod subject_access;
mod territory;
mod territory_columns;
mod volunteers;

pub use i18n::{Lang, Texts};
pub use session::{CSRF_PARAM, Office, csrf_token};

use crate::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

/// The largest territory upload (every file of one import together).
pub const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;

/// Every office route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/office", get(campaigns::list))
        .route("/office/", get(campaigns::list))
        .route("/office/login", get(login::form).post(login::submit))
        .route("/office/logout", post(login::logout))
        .route("/office/lang/{lang}", get(login::choose_language))
        .route("/office/assets/office.css", get(layout::css))
        .route("/office/assets/office.js", get(layout::js))
        .route("/office/campaigns", post(campaigns::create))
        .route(
            "/office/campaigns/{id}",
            get(campaigns::edit).post(campaigns::save),
        )
        .route("/office/campaigns/{id}/archive", post(campaigns::archive))
        .route(
            "/office/campaigns/{id}/questionnaire",
            get(questionnaire::show),
        )
        .route(
            "/office/campaigns/{id}/questionnaire/questions",
            post(questionnaire::add),
        )
        .route(
            "/office/campaigns/{id}/questionnaire/questions/{question}",
            post(questionnaire::update),
        )
        .route(
            "/office/campaigns/{id}/questionnaire/questions/{question}/{action}",
            post(questionnaire::act),
        )
        .route(
            "/office/campaigns/{id}/questionnaire/publish",
            post(questionnaire::publish),
        )
        .route(
            "/office/campaigns/{id}/sectors",
            get(sectors::show).post(sectors::create),
        )
        .route(
            "/office/campaigns/{id}/sectors/{sector}",
            get(sectors::edit).post(sectors::save),
        )
        .route("/office/territory", get(territory::show))
        .route(
            "/office/territory/preview",
            post(territory::preview).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/office/territory/confirm", post(territory::confirm))
        .route("/office/territory/remap", post(territory::remap))
        .route(
            "/office/territory/unreadable",
            post(territory::remove_unreadable),
        )
        .route("/office/territory/export.geojson", get(territory::export))
        .route("/office/dashboard", get(dashboard::show))
        .route("/office/reports", get(report::show))
        .route("/office/reports/quotes", post(report::quote))
        .route("/office/dashboard/map", get(results_map::show))
        .route("/office/dashboard/answers", get(answers::show))
        .route("/office/dashboard/answers/text", get(answers::texts))
        .route("/office/dashboard/compare", get(compare::show))
        .route("/office/follow-ups", get(follow_ups::list))
        .route("/office/follow-ups/{id}", post(follow_ups::change))
        .route("/office/ideas", get(ideas::list))
        .route("/office/ideas/{id}/status", post(ideas::status))
        .route("/office/ideas/{id}/merge", post(ideas::merge))
        .route("/office/ideas/{id}/separate", post(ideas::separate))
        .route("/office/ideas/{file}", get(ideas::download))
        .route("/office/sortition", get(sortition::show))
        .route("/office/sortition/draw", post(sortition::draw))
        .route("/office/sortition/draws/{id}", get(sortition::result))
        .route(
            "/office/sortition/draws/{id}/record.json",
            get(sortition::record_file),
        )
        .route(
            "/office/sortition/draws/{id}/published.json",
            get(sortition::published_file),
        )
        .route("/office/volunteers", get(volunteers::list))
        .route(
            "/office/volunteers/{id}/withdraw",
            post(volunteers::withdraw),
        )
        .route(
            "/office/residents",
            get(residents::form).post(residents::search),
        )
        .route("/office/residents/erase", post(erasure::prepare))
        .route("/office/residents/{id}/access", get(subject_access::show))
        .route(
            "/office/residents/{id}/access.json",
            get(subject_access::json),
        )
        .route(
            "/office/residents/{id}/rectify",
            post(subject_access::rectify),
        )
        .route("/office/residents/erase/confirm", post(erasure::confirm))
        .route("/office/exports", get(exports::show))
        .route("/office/exports/{file}", get(exports::download))
        .route(
            "/office/privacy/notice",
            get(notice::show).post(notice::publish),
        )
        .route("/office/privacy/journal", get(privacy::show_journal))
        .route(
            "/office/privacy/requests",
            get(requests::show).post(requests::record),
        )
        .route("/office/privacy/requests/{id}", post(requests::change))
        .route("/office/privacy/records", get(records::show))
        .route("/office/privacy/records.txt", get(records::text))
        .route(
            "/office/privacy/retention",
            get(retention::show).post(retention::save),
        )
        .route("/avis/{municipality}", get(notice::public))
        .route("/office/devices", get(devices::show))
        .route("/office/devices/codes", post(devices::new_code))
        .route("/office/devices/{id}/revoke", post(devices::revoke))
        .route("/office/devices/{id}/zone", post(devices::zone))
        .layer(axum::middleware::from_fn(remember::campaign))
}
