//! Devices: a one-time enrolment code (as text to type and as a QR code to
//! scan), the list of enrolled devices with what they last reported, the
//! buildings a field phone receives while no sector names it (none, or
//! the whole town), and revocation.

use super::form::Fields;
use super::layout::parse_id;
use super::layout::{PageError, Section, date, page};
use super::session::Office;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, PreEscaped, html};
use qrcode::QrCode;
use qrcode::render::svg;
use shared::api::{DeviceInfo, Role};
use shared::domain::DeviceId;

const ROLES: [Role; 3] = [Role::Agent, Role::YouthAmbassador, Role::Coordinator];

/// The roles whose phones are scoped by sectors.
const FIELD_ROLES: [Role; 2] = [Role::Agent, Role::YouthAmbassador];

pub(super) fn role_name(office: &Office, role: Role) -> &'static str {
    let t = office.t;
    match role {
        Role::Agent => t.role_agent,
        Role::YouthAmbassador => t.role_ambassador,
        Role::Coordinator => t.role_coordinator,
        Role::ElectedOfficial => t.role_elected,
        Role::DataProtectionOfficer => t.role_dpo,
    }
}

/// Where phones reach this server, as the browser that asked sees it.
fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|s| *s == "https" || *s == "http")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

/// A QR code as inline SVG; `None` if the text is too long for one.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .build(),
    )
}

async fn devices(office: &Office) -> Result<Vec<DeviceInfo>, PageError> {
    let control = office.state().control.clone();
    let municipality = office.account.municipality;
    tokio::task::spawn_blocking(move || control.devices(municipality))
        .await
        .map_err(|e| PageError::Internal(e.into()))?
        .map_err(Into::into)
}

/// What a phone of each role receives and may send, read from the policy
/// the server enforces (`shared::policy`): what a data protection officer
/// asks about a stolen phone.
fn policy_table(office: &Office) -> Markup {
    use shared::policy::{KINDS, ROLES as ALL_ROLES, Reach, rights};
    use shared::schema::DocKind;
    let t = office.t;
    let kind_name = |kind: DocKind| match kind {
        DocKind::Campaign => t.kind_campaign_doc,
        DocKind::Neighbourhood => t.kind_neighbourhood_doc,
        DocKind::Building => t.kind_building_doc,
        DocKind::Sector => t.kind_sector_doc,
        DocKind::Visits => t.kind_visits_doc,
        DocKind::Idea => t.kind_idea_doc,
        DocKind::FollowUp => t.kind_followup_doc,
        DocKind::Person => t.kind_person_doc,
    };
    let cell = |role: Role, kind: DocKind| -> String {
        let r = rights(role, kind);
        let words: Vec<String> = [
            (r.receive, t.right_receive),
            (r.create, t.right_create),
            (r.modify, t.right_modify),
        ]
        .into_iter()
        .filter_map(|(reach, word)| match reach {
            Reach::None => None,
            Reach::All => Some(word.to_string()),
            Reach::InScope => Some(format!("{word} {}", t.reach_in_scope)),
            Reach::Own => Some(format!("{word} {}", t.reach_own)),
        })
        .collect();
        if words.is_empty() {
            "—".to_string()
        } else {
            words.join(", ")
        }
    };
    html! {
        section.card.policy {
            h2 { (t.policy_title) }
            p.hint { (t.policy_hint) }
            table {
                thead { tr { th {} @for role in ALL_ROLES { th { (role_name(office, role)) } } } }
                tbody {
                    @for kind in KINDS {
                        tr { th { (kind_name(kind)) } @for role in ALL_ROLES { td { (cell(role, kind)) } } }
                    }
                }
            }
        }
    }
}

fn render(
    office: &Office,
    list: &[DeviceInfo],
    code: Option<(String, i64, Role, String)>,
) -> Markup {
    let t = office.t;
    page(
        office,
        Section::Devices,
        t.devices,
        html! {
            @if let Some((code, expires_at, role, link)) = &code {
                section.card.enrolment {
                    h2 { (t.enrolment_code) " · " (role_name(office, *role)) }
                    p.code #enrolment-code { (code) }
                    @if let Some(svg) = qr_svg(link) {
                        figure.qr { (PreEscaped(svg)) figcaption { (t.qr_caption) } }
                    }
                    p.hint { (t.code_single_use) " " (date(*expires_at)) " (UTC)." }
                }
            }
            section.card {
                h2 { (t.enrol_device) }
                form method="post" action=(office.action("/office/devices/codes")) {
                    label for="role" { (t.role) }
                    select #role name="role" {
                        @for r in ROLES { option value=(r.as_str()) { (role_name(office, r)) } }
                    }
                    label.check { input type="checkbox" name="whole_town" value="1"; " " (t.zone_code_town) }
                    button type="submit" { (t.new_code) }
                }
            }
            (policy_table(office))
            @if list.is_empty() {
                p { (t.no_device_yet) }
            } @else {
                p.hint { (t.zone_hint) }
                table {
                    thead { tr { th { (t.name) } th { (t.role) } th { (t.zone) } th { (t.enrolled) } th { (t.last_sync) } th { (t.unsynced) } th {} } }
                    tbody {
                        @for d in list {
                            tr.revoked[d.revoked] {
                                td { (d.name) }
                                td { (role_name(office, d.role)) }
                                td.zone {
                                    @if FIELD_ROLES.contains(&d.role) {
                                        @if d.whole_town { (t.zone_town) } @else { (t.zone_sectors) }
                                        @if !d.revoked {
                                            form method="post" action=(office.action(&format!("/office/devices/{}/zone", d.device_id))) {
                                                input type="hidden" name="whole_town" value=(if d.whole_town { "0" } else { "1" });
                                                button.secondary type="submit" aria-label=(format!("{} : {}", d.name, if d.whole_town { t.zone_take_town } else { t.zone_give_town })) {
                                                    @if d.whole_town { (t.zone_take_town) } @else { (t.zone_give_town) }
                                                }
                                            }
                                        }
                                    } @else {
                                        "—"
                                    }
                                }
                                td { (date(d.enrolled_at)) }
                                td { (d.last_sync_at.map(date).unwrap_or_else(|| t.never.to_string())) }
                                td { (d.unsynced.map(|n| n.to_string()).unwrap_or_else(|| "—".into())) }
                                td {
                                    @if d.revoked {
                                        (t.revoked)
                                    } @else {
                                        // What the phone still holds unsent is lost when it wipes:
                                        // said before, with the count it last reported.
                                        @let confirm = match d.unsynced {
                                            Some(n) if n > 0 => t.revoke_confirm_unsynced.replace("{n}", &n.to_string()),
                                            _ => t.revoke_confirm.to_string(),
                                        }.replace("{name}", &d.name);
                                        form method="post" action=(office.action(&format!("/office/devices/{}/revoke", d.device_id))) data-confirm=(confirm) {
                                            button.danger type="submit" aria-label=(format!("{} {}", t.revoke, d.name)) { (t.revoke) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// `GET /office/devices`.
pub async fn show(office: Office) -> Result<Markup, PageError> {
    let list = devices(&office).await?;
    Ok(render(&office, &list, None))
}

/// `POST /office/devices/codes`: a new one-time code, shown once.
pub async fn new_code(
    office: Office,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Markup, PageError> {
    let fields = Fields::parse(&body);
    let role = Role::parse(&fields.get("role"))
        .filter(|r| ROLES.contains(r))
        .unwrap_or(Role::Agent);
    let whole_town = FIELD_ROLES.contains(&role) && fields.get("whole_town") == "1";
    let control = office.state().control.clone();
    let municipality = office.account.municipality;
    let valid_ms = office
        .state()
        .config
        .enrolment_minutes
        .saturating_mul(60_000);
    let (code, expires_at) = tokio::task::spawn_blocking(move || {
        control.new_enrolment_code(municipality, role, whole_town, valid_ms)
    })
    .await
    .map_err(|e| PageError::Internal(e.into()))??;
    // The field app's enrolment route (app/src/ui/routes.rs).
    let link = format!("{}/#/enrol/{code}", origin(&headers));
    let list = devices(&office).await?;
    Ok(render(&office, &list, Some((code, expires_at, role, link))))
}

/// `POST /office/devices/{id}/revoke`.
pub async fn revoke(office: Office, Path(id): Path<String>) -> Result<Response, PageError> {
    let device: DeviceId = parse_id(&office, &id)?;
    let control = office.state().control.clone();
    let municipality = office.account.municipality;
    let revoked = tokio::task::spawn_blocking(move || control.revoke(municipality, device))
        .await
        .map_err(|e| PageError::Internal(e.into()))??;
    if !revoked {
        return Err(PageError::NotFound(office.lang));
    }
    Ok(Redirect::to("/office/devices").into_response())
}

/// `POST /office/devices/{id}/zone`: the whole town while no sector names
/// the phone (`whole_town=1`), or nothing but its sectors.
pub async fn zone(
    office: Office,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let device: DeviceId = parse_id(&office, &id)?;
    let whole_town = Fields::parse(&body).get("whole_town") == "1";
    let control = office.state().control.clone();
    let municipality = office.account.municipality;
    let changed = tokio::task::spawn_blocking(move || {
        control.set_whole_town(municipality, device, whole_town)
    })
    .await
    .map_err(|e| PageError::Internal(e.into()))??;
    if !changed {
        return Err(PageError::NotFound(office.lang));
    }
    Ok(Redirect::to("/office/devices").into_response())
}
