//! The sync screen: what has not reached the server yet, when the last
//! sync completed, and a button with progress. It says only what it knows:
//! a record counts as on the server once the server confirmed it.

use crate::backend::{Request, Response, now_ms};
use crate::i18n::Text;
use crate::platform::Backend;
use crate::ui::Ui;
use dioxus::prelude::*;
use shared::sync::Progress;

/// How long ago, in words.
pub fn ago(ui: &Ui, at: i64) -> String {
    let minutes = (now_ms() - at).max(0) / 60_000;
    let (text, n) = match minutes {
        0 => return ui.t(Text::JustNow).to_string(),
        1..=59 => (Text::MinutesAgo, minutes),
        60..=1439 => (Text::HoursAgo, minutes / 60),
        _ => (Text::DaysAgo, minutes / 1440),
    };
    ui.t(text).replace("{}", &n.to_string())
}

/// The refusals of the last sync, each reason once with its count.
fn refusals(
    refused: &[shared::protocol::RefusalReason],
) -> Vec<(shared::protocol::RefusalReason, usize)> {
    let mut counted: Vec<(shared::protocol::RefusalReason, usize)> = Vec::new();
    for reason in refused {
        match counted.iter_mut().find(|(r, _)| r == reason) {
            Some((_, n)) => *n += 1,
            None => counted.push((*reason, 1)),
        }
    }
    counted
}

/// The sync screen.
#[component]
pub fn SyncView() -> Element {
    let mut ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let mut running = use_signal(|| false);
    let mut progress = use_signal(Progress::default);
    let mut outcome = use_signal(|| None::<Result<(), crate::backend::Problem>>);
    let status = (ui.status)();
    let run = move |_| {
        let backend = backend.clone();
        spawn(async move {
            running.set(true);
            outcome.set(None);
            progress.set(Progress::default());
            let response = backend
                .call_with_progress(Request::Sync, move |p| progress.set(p))
                .await;
            match response {
                Response::Status(s) => {
                    ui.status.set(s);
                    // What went to the server is no longer undone.
                    ui.last_saved.set(None);
                    outcome.set(Some(Ok(())));
                }
                Response::Error(problem) => outcome.set(Some(Err(problem))),
                _ => {}
            }
            running.set(false);
            ui.refresh(backend.clone());
        });
    };
    // Withdrawn and wiped: the phone holds nothing, so what it held,
    // when it last synced and a sync button would all be false.
    if let Some(Err(crate::backend::Problem::Wiped)) = outcome() {
        return rsx! {
            h1 { {ui.t(Text::Sync)} }
            section { class: "card",
                p { class: "error", role: "alert", {ui.t(Text::Problem(crate::backend::Problem::Wiped))} }
                p { a { href: "#/", {ui.t(Text::EnrolTitle)} } }
            }
        };
    }
    rsx! {
        h1 { {ui.t(Text::Sync)} }
        section { class: "card",
            if status.unsynced > 0 {
                p { class: "big pending",
                    "{status.unsynced} "
                    {ui.t(if status.unsynced == 1 { Text::UnsyncedOne } else { Text::Unsynced })}
                }
            } else {
                p { class: "big ok", "✓ {ui.t(Text::AllOnServer)}" }
            }
            p {
                "{ui.t(Text::LastSync)} : "
                match &status.last_sync {
                    Some(last) => rsx! { "{ago(&ui, last.at)}" },
                    None => rsx! { {ui.t(Text::Never)} },
                }
            }
            button { class: "primary", disabled: running(), onclick: run,
                if running() { {ui.t(Text::Syncing)} } else { {ui.t(Text::SyncNow)} }
            }
            if running() {
                p { role: "status",
                    "{ui.t(Text::Progress)} : {progress().rounds} {ui.t(Text::RoundTrips)}, {progress().received} {ui.t(Text::Received)}"
                }
            }
            if let Some(last) = &status.last_sync {
                if !last.refused.is_empty() {
                    section { class: "refused", role: "alert",
                        p { class: "error", "{last.refused.len()} {ui.t(Text::RefusedRecords)}" }
                        ul {
                            for (reason, n) in refusals(&last.refused) {
                                li { "{n} × {crate::i18n::refusal((ui.lang)(), reason)}" }
                            }
                        }
                    }
                }
            }
            match outcome() {
                Some(Ok(())) => rsx! { p { class: "ok", role: "status", "✓ {ui.t(Text::SyncDone)}" } },
                Some(Err(problem)) => rsx! {
                    p { class: "error", role: "alert", {ui.t(Text::SyncFailed)} }
                    p { class: "sub", {ui.t(Text::Problem(problem))} }
                    // A full load of the page: the service worker fetches
                    // the new build first (network first), the store stays.
                    if problem == crate::backend::Problem::UpdateRequired {
                        p { a { class: "button primary", href: "./", {ui.t(Text::ReloadApp)} } }
                    }
                },
                None => rsx! {},
            }
        }
    }
}
