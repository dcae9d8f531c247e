//! First screen: enrolment until the device is enrolled, then its sectors
//! and idea collections (a youth ambassador's phone: collections only).

use crate::backend::{Request, Response};
use crate::i18n::Text;
use crate::platform::Backend;
use crate::ui::{Route, Ui};
use dioxus::prelude::*;

/// Enrolment (with the code of the office's link, if opened from one) or
/// sectors.
#[component]
pub fn Home(code: Option<String>) -> Element {
    let ui = use_context::<Ui>();
    let status = ui.status.read();
    if status.municipality.is_none() {
        rsx! { Enrol { link_code: code } }
    } else if status.role == Some(shared::api::Role::YouthAmbassador) {
        let municipality = status.municipality.clone().unwrap_or_default();
        rsx! {
            p { class: "where", "{municipality}" }
            super::ideas::Collections { alone: true }
        }
    } else {
        rsx! {
            Sectors {}
            super::ideas::Collections { alone: false }
        }
    }
}

/// Whether the browser can read a QR code from a camera.
const CAN_SCAN: &str = "return typeof BarcodeDetector !== 'undefined' \
    && !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);";

/// Reads one QR code from the back camera into the `#qr-video` element,
/// for at most a minute; returns its text, or "" if none was seen.
const SCAN: &str = r#"
const video = document.getElementById("qr-video");
const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
try {
  video.srcObject = stream;
  await video.play();
  const detector = new BarcodeDetector({ formats: ["qr_code"] });
  for (let i = 0; i < 600; i++) {
    const codes = await detector.detect(video);
    if (codes.length) return codes[0].rawValue;
    await new Promise((r) => setTimeout(r, 100));
  }
  return "";
} finally {
  stream.getTracks().forEach((t) => t.stop());
  video.srcObject = null;
}
"#;

#[component]
fn Enrol(link_code: Option<String>) -> Element {
    let ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    // Opened from the office's QR code with the phone's own camera: the
    // link's route carries the code.
    let mut code = use_signal(|| link_code.clone().unwrap_or_default());
    let mut device_name = use_signal(String::new);
    let mut busy = use_signal(|| false);
    let mut error = use_signal(|| None::<crate::backend::Problem>);
    let mut scanning = use_signal(|| false);
    let can_scan = use_resource(|| async {
        document::eval(CAN_SCAN)
            .join::<bool>()
            .await
            .unwrap_or(false)
    });
    let scan = move |_| {
        spawn(async move {
            scanning.set(true);
            if let Ok(text) = document::eval(SCAN).join::<String>().await {
                let scanned = crate::sync::code_from_qr(&text);
                if !scanned.is_empty() {
                    code.set(scanned);
                }
            }
            scanning.set(false);
        });
    };
    let enrol = move |_| {
        let backend = backend.clone();
        let mut status = ui.status;
        spawn(async move {
            busy.set(true);
            error.set(None);
            let request = Request::Enrol {
                code: code(),
                device_name: device_name().trim().to_string(),
            };
            match backend.call(request).await {
                // Enrolled, and synced once (`backend`).
                Response::Status(s) => {
                    status.set(s);
                    ui.refresh(backend.clone());
                    // Off the link's route: the code is spent.
                    ui.replace(Route::Home {});
                }
                Response::Error(problem) => error.set(Some(problem)),
                _ => {}
            }
            busy.set(false);
        });
    };
    rsx! {
        section { class: "card enrol",
            h1 { {ui.t(Text::EnrolTitle)} }
            p { {ui.t(Text::EnrolHelp)} }
            label { r#for: "code", {ui.t(Text::EnrolCode)} }
            input {
                id: "code",
                class: "code",
                autocomplete: "off",
                autocapitalize: "characters",
                value: "{code}",
                oninput: move |e| code.set(e.value()),
            }
            label { r#for: "device-name", {ui.t(Text::DeviceName)} }
            p { class: "hint", {ui.t(Text::DeviceNameHint)} }
            input {
                id: "device-name",
                autocomplete: "off",
                value: "{device_name}",
                oninput: move |e| device_name.set(e.value()),
            }
            if can_scan().unwrap_or(false) {
                button { class: "secondary", disabled: scanning(), onclick: scan, {ui.t(Text::ScanQr)} }
            }
            if scanning() {
                video { id: "qr-video", class: "qr", muted: true, playsinline: true }
            }
            if let Some(problem) = error() {
                p { class: "error", role: "alert", {ui.t(Text::Problem(problem))} }
            }
            button {
                class: "primary",
                disabled: busy() || code().trim().is_empty() || device_name().trim().is_empty(),
                onclick: enrol,
                if busy() { {ui.t(Text::Enrolling)} } else { {ui.t(Text::EnrolButton)} }
            }
        }
    }
}

#[component]
fn Sectors() -> Element {
    let ui = use_context::<Ui>();
    let backend = use_context::<Backend>();
    let sectors = use_resource(move || {
        let backend = backend.clone();
        let _ = (ui.revision)();
        async move { backend.call(Request::Sectors).await }
    });
    let body = match &*sectors.read() {
        Some(Response::Sectors(list)) if list.is_empty() => {
            rsx! { p { class: "empty", {ui.t(Text::NoSectors)} } }
        }
        Some(Response::Sectors(list)) => rsx! {
            ul { class: "list sectors",
                for sector in list.iter() {
                    li { key: "{sector.id}",
                        button {
                            class: "row",
                            onclick: {
                                let id = sector.id;
                                move |_| ui.go(Route::Sector { id })
                            },
                            span { class: "title", "{sector.name}"
                                if sector.mine { span { class: "badge", {ui.t(Text::MySector)} } }
                            }
                            span { class: "sub", "{sector.campaign_name}" }
                            span { class: "sub",
                                "{sector.buildings.iter().map(|b| b.to_knock).sum::<usize>()} {ui.t(Text::ToKnock)} · {sector.buildings.iter().map(|b| b.dwellings).sum::<usize>()} {ui.t(Text::Dwellings)}"
                            }
                        }
                    }
                }
            }
        },
        Some(Response::Error(problem)) => {
            rsx! { p { class: "error", role: "alert", {ui.t(Text::Problem(*problem))} } }
        }
        _ => rsx! { p { {ui.t(Text::Loading)} } },
    };
    let municipality = ui.status.read().municipality.clone().unwrap_or_default();
    rsx! {
        h1 { {ui.t(Text::Sectors)} }
        p { class: "where", "{municipality}" }
        {body}
    }
}
