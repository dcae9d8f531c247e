//! The records of processing, as a page to print and a text file: a thin
//! shell over `crate::records`, which reads the policy table and the
//! retention settings, so what is written here stays true.

use super::devices::role_name;
use super::layout::PageError;
use super::privacy::{Tab, privacy_page};
use super::session::{Office, PrivacyReader};
use crate::records::{self, Basis, Keep, Processing};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use shared::policy::Reach;
use shared::schema::DocKind;

/// One processing in words.
struct Row {
    purpose: &'static str,
    basis: &'static str,
    persons: &'static str,
    data: &'static str,
    phones: String,
    keep: String,
}

/// The record in words: the controller, one row per processing, each
/// phone role's documents, the security measures.
struct Written {
    controller: String,
    rows: Vec<Row>,
    phones: Vec<(String, String)>,
}

fn kind_name(office: &Office, kind: DocKind) -> &'static str {
    let t = office.lang.privacy();
    match kind {
        DocKind::Campaign => t.rec_kind_campaign,
        DocKind::Neighbourhood => t.rec_kind_neighbourhood,
        DocKind::Building => t.rec_kind_building,
        DocKind::Sector => t.rec_kind_sector,
        DocKind::Visits => t.rec_kind_visits,
        DocKind::Idea => t.rec_kind_idea,
        DocKind::FollowUp => t.rec_kind_follow_up,
        DocKind::Person => t.rec_kind_person,
    }
}

fn row(office: &Office, p: &Processing) -> Row {
    let t = office.lang.privacy();
    let (purpose, persons, data) = match p.name {
        "conversations" => (
            t.rec_p_conversations,
            t.rec_who_conversations,
            t.rec_what_conversations,
        ),
        "volunteers" => (
            t.rec_p_volunteers,
            t.rec_who_volunteers,
            t.rec_what_volunteers,
        ),
        "assembly" => (t.rec_p_assembly, t.rec_who_assembly, t.rec_what_assembly),
        _ => (t.rec_p_ideas, t.rec_who_ideas, t.rec_what_ideas),
    };
    let keep = match p.keep {
        Keep::AfterCampaign(days) => t.rec_keep_campaign.replace("{days}", &days.to_string()),
        Keep::AfterContact(days) => t.rec_keep_contact.replace("{days}", &days.to_string()),
        Keep::UntilAssemblyEnds(Some(day), _) => {
            t.rec_keep_assembly.replace("{day}", &day.to_string())
        }
        Keep::UntilAssemblyEnds(None, days) => t
            .rec_keep_assembly_unset
            .replace("{days}", &days.to_string()),
        Keep::WithTheRecord => t.rec_keep_record.to_string(),
    };
    let phones = if p.phones.is_empty() {
        t.rec_no_phone.to_string()
    } else {
        p.phones
            .iter()
            .map(|r| role_name(office, *r))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Row {
        purpose,
        basis: match p.basis {
            Basis::PublicInterest => t.rec_basis_public,
            Basis::Consent => t.rec_basis_consent,
        },
        persons,
        data,
        phones,
        keep,
    }
}

async fn written(office: &Office) -> Result<Written, PageError> {
    let (settings, controller) = office
        .with_control(move |control, municipality| {
            Ok((
                crate::retention::settings::read(control, municipality)?,
                control.municipality_name(municipality)?,
            ))
        })
        .await?;
    let t = office.lang.privacy();
    let reach = |r: Reach| match r {
        Reach::All => t.rec_reach_all,
        Reach::InScope => t.rec_reach_scope,
        Reach::Own | Reach::None => t.rec_reach_own,
    };
    Ok(Written {
        controller,
        rows: records::processings(&settings)
            .iter()
            .map(|p| row(office, p))
            .collect(),
        phones: records::phone_table()
            .into_iter()
            .map(|(role, kinds)| {
                let held = kinds
                    .iter()
                    .map(|(k, r)| format!("{} ({})", kind_name(office, *k), reach(*r)))
                    .collect::<Vec<_>>()
                    .join(", ");
                (role_name(office, role).to_string(), held)
            })
            .collect(),
    })
}

/// `GET /office/privacy/records`.
pub async fn show(PrivacyReader(office): PrivacyReader) -> Result<Markup, PageError> {
    let w = written(&office).await?;
    let t = office.lang.privacy();
    let body = html! {
        p.hint.no-print { (t.rec_hint) }
        p.actions.no-print {
            a.button href="/office/privacy/records.txt" download { (t.rec_download) }
            " "
            button type="button" data-print { (office.lang.privacy().access_print) }
        }
        p { strong { (t.rec_controller) " : " } (w.controller) ". " (t.rec_dpo) }
        @for r in &w.rows {
            section.card.processing {
                h2 { (r.purpose) }
                dl {
                    dt { (t.rec_basis) } dd { (r.basis) }
                    dt { (t.rec_persons) } dd { (r.persons) }
                    dt { (t.rec_data) } dd { (r.data) }
                    dt { (t.rec_recipients) } dd { (t.rec_office) " " (t.rec_phones_lead) " " (r.phones) }
                    dt { (t.rec_retention) } dd.retention { (r.keep) }
                }
            }
        }
        section.card {
            h2 { (t.rec_phones_title) }
            table { tbody { @for (role, held) in &w.phones { tr { th scope="row" { (role) } td { (held) } } } } }
        }
        section.card {
            h2 { (t.rec_security_title) }
            ul { @for line in t.rec_security.lines() { li { (line) } } }
        }
    };
    Ok(privacy_page(&office, Tab::Records, t.rec_title, body))
}

/// `GET /office/privacy/records.txt`: the same, as plain text.
pub async fn text(PrivacyReader(office): PrivacyReader) -> Result<Response, PageError> {
    let w = written(&office).await?;
    let t = office.lang.privacy();
    let mut out = format!(
        "{}\n\n{} : {}. {}\n",
        t.rec_title, t.rec_controller, w.controller, t.rec_dpo
    );
    for r in &w.rows {
        out.push_str(&format!(
            "\n## {}\n- {} : {}\n- {} : {}\n- {} : {}\n- {} : {} {} {}\n- {} : {}\n",
            r.purpose,
            t.rec_basis,
            r.basis,
            t.rec_persons,
            r.persons,
            t.rec_data,
            r.data,
            t.rec_recipients,
            t.rec_office,
            t.rec_phones_lead,
            r.phones,
            t.rec_retention,
            r.keep
        ));
    }
    out.push_str(&format!("\n## {}\n", t.rec_phones_title));
    for (role, held) in &w.phones {
        out.push_str(&format!("- {role} : {held}\n"));
    }
    out.push_str(&format!("\n## {}\n", t.rec_security_title));
    for line in t.rec_security.lines() {
        out.push_str(&format!("- {line}\n"));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"registre-des-traitements.txt\"",
            ),
        ],
        out,
    )
        .into_response())
}
