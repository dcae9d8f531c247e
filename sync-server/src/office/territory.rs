//! The territory page: what is stored, the import (upload, preview,
//! confirm) and the export.
//!
//! The preview keeps the uploaded files in the control database under a
//! random token until the coordinator confirms (on whichever server process
//! the confirmation lands); confirming reads them again and plans against
//! the store as it is then (another import may have landed), and writes in
//! one transaction.

use super::layout::{PageError, Section, notice, page};
use super::session::Office;
use super::territory_columns as columns;
use crate::readmodel::{door_key, door_label};
use axum::body::Bytes;
use axum::extract::{Multipart, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shared::domain::{Building, Neighbourhood};
use shared::schema::{DocId, DocKind};
use std::collections::{HashMap, HashSet};
use territory::{
    self as import, Choices, Column, Crs, FileError, FileReport, Import, LostDoors, Plan,
    RowProblem, TextEncoding, Upload,
};

/// How long a preview waits for confirmation, in milliseconds.
const PREVIEW_LIFETIME_MS: i64 = 3600 * 1000;
/// Previews kept at once per municipality.
const MAX_PREVIEWS: usize = 8;
use territory::MAX_FILES;

fn upload_form(office: &Office) -> Markup {
    let t = office.t;
    html! {
        section.card {
            h2 { (t.import_territory) }
            form method="post" action=(office.action("/office/territory/preview")) enctype="multipart/form-data" {
                label for="neighbourhoods-file" { (t.neighbourhoods_file) }
                p.hint { (t.neighbourhoods_file_hint) }
                input #neighbourhoods-file type="file" name="neighbourhoods" accept=".geojson,.json,.gpkg,.zip";
                label for="buildings-file" { (t.buildings_file) }
                p.hint { (t.buildings_file_hint) }
                input #buildings-file type="file" name="buildings" accept=".csv,.txt,.xlsx,.ods,.geojson,.json";
                button type="submit" { (t.preview_import) }
            }
        }
    }
}

/// The stored territory: a document that does not read is left out and
/// named, rather than taking the page down.
async fn stored(office: &Office) -> Result<import::Stored, PageError> {
    office.with_store(|store| Ok(import::load(store)?)).await
}

/// Query of the territory page.
#[derive(serde::Deserialize)]
pub struct Done {
    imported: Option<usize>,
    unchanged: Option<usize>,
    removed: Option<usize>,
}

/// `GET /office/territory`.
pub async fn show(office: Office, Query(done): Query<Done>) -> Result<Markup, PageError> {
    let stored = stored(&office).await?;
    let message = match (done.imported, done.removed) {
        (Some(n), _) => Some((
            "ok",
            office
                .t
                .imported
                .replace("{n}", &n.to_string())
                .replace("{unchanged}", &done.unchanged.unwrap_or(0).to_string()),
        )),
        (None, Some(_)) => Some(("ok", office.t.removed_unreadable.to_string())),
        (None, None) => None,
    };
    Ok(render(&office, &stored, message))
}

fn render(office: &Office, stored: &import::Stored, message: Option<(&str, String)>) -> Markup {
    let t = office.t;
    let (neighbourhoods, buildings) = (&stored.neighbourhoods, &stored.buildings);
    let mut per: HashMap<_, (usize, usize)> = HashMap::new();
    for b in buildings {
        let e = per.entry(b.neighbourhood).or_default();
        e.0 += 1;
        e.1 += b.dwelling_count();
    }
    let mut sorted: Vec<&Neighbourhood> = neighbourhoods.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let dwellings: usize = buildings.iter().map(Building::dwelling_count).sum();
    page(
        office,
        Section::Territory,
        t.territory,
        html! {
            @if let Some((kind, text)) = &message { (notice(kind, text)) }
            p.status {
                strong { (neighbourhoods.len()) } " " (t.neighbourhoods_count) " · "
                strong { (buildings.len()) } " " (t.buildings_count) " · "
                strong { (dwellings) } " " (t.dwellings)
            }
            @if !neighbourhoods.is_empty() || !buildings.is_empty() {
                table {
                    thead { tr { th { (t.neighbourhood) } th { (t.code) } th { (t.buildings) } th { (t.dwellings_label) } } }
                    tbody {
                        @for n in &sorted {
                            @let (b, d) = per.get(&Some(n.id)).copied().unwrap_or_default();
                            tr { td { (n.name) } td { (n.key) } td { (b) } td { (d) } }
                        }
                        @if let Some((b, d)) = per.get(&None) {
                            tr { td { em { (t.no_neighbourhood) } } td {} td { (b) } td { (d) } }
                        }
                    }
                }
                p { a href="/office/territory/export.geojson" download="territoire.geojson" { (t.export_geojson) } }
            }
            (unreadable_list(office, &stored.unreadable))
            (upload_form(office))
        },
    )
}

fn crs_name(crs: Option<Crs>) -> &'static str {
    match crs {
        Some(Crs::Lambert93) => "Lambert-93 (EPSG:2154)",
        Some(Crs::Wgs84) => "WGS84",
        None => "—",
    }
}

fn encoding_name(encoding: TextEncoding) -> &'static str {
    match encoding {
        TextEncoding::Utf8 => "UTF-8",
        TextEncoding::Windows1252 => "Windows-1252",
        TextEncoding::Utf16 => "UTF-16",
    }
}

/// A row problem in the office's language.
pub fn describe_problem(office: &Office, files: &[FileReport], problem: &RowProblem) -> String {
    let t = office.t;
    let column_name = |c: Column| columns::meaning(office, c);
    // "12", or "12 (batiments-2.csv)" when the earlier line is in another file.
    let at = |line: usize, file: Option<usize>| match file.and_then(|f| files.get(f)) {
        Some(other) => format!("{line} ({})", other.name),
        None => line.to_string(),
    };
    match problem {
        RowProblem::Missing(c) => t.problem_missing.replace("{column}", column_name(*c)),
        RowProblem::NotACount { column, value } => t
            .problem_not_a_count
            .replace("{column}", column_name(*column))
            .replace("{value}", value),
        RowProblem::NotANumber { column, value } => t
            .problem_not_a_number
            .replace("{column}", column_name(*column))
            .replace("{value}", value),
        RowProblem::Implausible { column, value } => t
            .problem_implausible
            .replace("{column}", column_name(*column))
            .replace("{value}", &value.to_string()),
        RowProblem::OutsideFrance { x, y } => t
            .problem_outside_france
            .replace("{x}", &x.to_string())
            .replace("{y}", &y.to_string()),
        RowProblem::Geometry(kind) => t.problem_geometry.replace("{kind}", kind),
        RowProblem::Unreadable(detail) => t.problem_unreadable.replace("{detail}", detail),
        RowProblem::KeyConflict { line, other_file } => t
            .problem_key_conflict
            .replace("{line}", &at(*line, *other_file)),
        RowProblem::DuplicateEntrance {
            label,
            line,
            other_file,
        } => t
            .problem_duplicate_entrance
            .replace("{label}", label)
            .replace("{line}", &at(*line, *other_file)),
        RowProblem::DuplicateNeighbourhood { line, other_file } => t
            .problem_duplicate_neighbourhood
            .replace("{line}", &at(*line, *other_file)),
        RowProblem::UnknownNeighbourhood(name) => {
            t.problem_unknown_neighbourhood.replace("{name}", name)
        }
        RowProblem::Elsewhere { line, metres } => office
            .lang
            .import()
            .problem_elsewhere
            .replace("{metres}", &metres.to_string())
            .replace("{line}", &line.to_string()),
        RowProblem::TooLong(column) => office
            .lang
            .import()
            .problem_too_long
            .replace("{column}", column_name(*column)),
        RowProblem::NotALevel(value) => office
            .lang
            .import()
            .problem_not_a_level
            .replace("{value}", value),
        RowProblem::UnknownCrs(value) => office
            .lang
            .import()
            .problem_unknown_crs
            .replace("{value}", value),
        RowProblem::ShapeConflict { line, other_file } => office
            .lang
            .import()
            .problem_shape_conflict
            .replace("{line}", &at(*line, *other_file)),
        RowProblem::DuplicateDoor { door, line } => office
            .lang
            .import()
            .problem_duplicate_door
            .replace("{door}", door)
            .replace("{line}", &line.to_string()),
        RowProblem::MissingEntrance { key, entrances } => office
            .lang
            .import()
            .problem_missing_entrance
            .replace("{key}", key)
            .replace("{entrances}", &entrances.join(", ")),
    }
}

/// A file problem in the office's language.
pub fn describe_file_error(office: &Office, file: &str, error: &FileError) -> String {
    let t = office.t;
    let i = office.lang.import();
    let text = match error {
        FileError::Empty => t.file_empty.to_string(),
        FileError::Spreadsheet => t.file_spreadsheet.to_string(),
        FileError::Encoding { byte } => t.file_encoding.replace("{byte}", &byte.to_string()),
        FileError::Csv(detail) => t.file_csv.replace("{detail}", detail),
        FileError::GeoJson(detail) => t.file_geojson.replace("{detail}", detail),
        FileError::UnsupportedCrs(name) => t.file_crs.replace("{crs}", name),
        FileError::TooLarge { limit_mib } => {
            t.file_too_large.replace("{limit}", &limit_mib.to_string())
        }
        FileError::NoFile => t.file_none.to_string(),
        FileError::Archive(detail) => i.file_archive.replace("{detail}", detail),
        FileError::Inflated { limit_mib } => {
            i.file_inflated.replace("{limit}", &limit_mib.to_string())
        }
        FileError::UnknownZip => i.file_unknown_zip.to_string(),
        FileError::NotWhatItsNameSays { extension } => {
            i.file_not_what_it_says.replace("{ext}", extension)
        }
        FileError::Workbook(detail) => i.file_workbook.replace("{detail}", detail),
        FileError::TooManyColumns { limit } => i
            .file_too_many_columns
            .replace("{limit}", &limit.to_string()),
        FileError::TooManySheets { limit } => i
            .file_too_many_sheets
            .replace("{limit}", &limit.to_string()),
        FileError::TooManyDwellings {
            dwellings,
            buildings,
        } => i
            .file_too_many_dwellings
            .replace("{dwellings}", &dwellings.to_string())
            .replace("{buildings}", &buildings.to_string()),
        FileError::TooManyCells { limit } => {
            i.file_too_many_cells.replace("{limit}", &limit.to_string())
        }
        FileError::GeoPackage(detail) => i.file_geopackage.replace("{detail}", detail),
        FileError::Shapefile(detail) => i.file_shapefile.replace("{detail}", detail),
    };
    if file.is_empty() {
        text
    } else {
        format!("{file} : {text}")
    }
}

async fn refuse(office: &Office, status: StatusCode, text: String) -> Result<Response, PageError> {
    let stored = stored(office).await?;
    Ok((status, render(office, &stored, Some(("error", text)))).into_response())
}

/// What a preview keeps beside its files, so the confirmation (on any
/// process) reads them exactly as previewed: the columns chosen, the
/// mappings remembered at the time, the sheets.
fn choices_json(choices: &Choices) -> Result<String, PageError> {
    serde_json::to_string(choices).map_err(|e| PageError::Internal(e.into()))
}

/// `POST /office/territory/preview`: reads the files and shows what an
/// import would do; stores nothing but the files, for the confirmation.
pub async fn preview(office: Office, mut multipart: Multipart) -> Result<Response, PageError> {
    let mut uploads = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return too_large_or_bad(&office, e.status(), e.body_text()).await,
        };
        let name = field.file_name().unwrap_or_default().to_string();
        if !name.is_empty() && uploads.len() == MAX_FILES {
            let text = office
                .lang
                .import()
                .too_many_files
                .replace("{n}", &MAX_FILES.to_string());
            return refuse(&office, StatusCode::UNPROCESSABLE_ENTITY, text).await;
        }
        match field.bytes().await {
            Ok(bytes) if !name.is_empty() => uploads.push(Upload {
                name,
                bytes: bytes.to_vec(),
            }),
            Ok(_) => {}
            Err(e) => return too_large_or_bad(&office, e.status(), e.body_text()).await,
        }
    }
    let control = office.state().control.clone();
    let municipality = office.account.municipality;
    let remembered = tokio::task::spawn_blocking(move || control.mappings(municipality))
        .await
        .map_err(|e| PageError::Internal(e.into()))?
        .map_err(|e| PageError::Internal(e.into()))?;
    let choices = Choices {
        remembered: remembered
            .into_iter()
            .filter_map(|(signature, json)| Some((signature, serde_json::from_str(&json).ok()?)))
            .collect(),
        ..Choices::default()
    };
    show_preview(&office, uploads, choices).await
}

/// `POST /office/territory/remap`: the same files read again with the
/// columns (and sheets) the coordinator chose in the preview.
pub async fn remap(office: Office, body: Bytes) -> Result<Response, PageError> {
    let fields = super::form::Fields::parse(&body);
    let token = fields.get("token");
    let control = office.state().control.clone();
    let municipality = office.account.municipality;
    let taken = tokio::task::spawn_blocking(move || {
        control.take_preview(municipality, &token, PREVIEW_LIFETIME_MS)
    })
    .await
    .map_err(|e| PageError::Internal(e.into()))?
    .map_err(|e| PageError::Internal(e.into()))?;
    let Some((uploads, kept)) = taken else {
        return refuse(
            &office,
            StatusCode::CONFLICT,
            office.t.preview_expired.to_string(),
        )
        .await;
    };
    let mut choices: Choices = serde_json::from_str(&kept).unwrap_or_default();
    for file in 0..uploads.len() {
        let signature = fields.get(&format!("sig.{file}"));
        let count = fields
            .get(&format!("columns.{file}"))
            .parse::<usize>()
            .unwrap_or(0);
        if !signature.is_empty() && count > 0 && count <= MAX_FORM_COLUMNS {
            let mapping = (0..count)
                .map(|i| Column::from_slug(&fields.get(&format!("map.{file}.{i}"))))
                .collect();
            choices.chosen.insert(signature, mapping);
        }
        let sheet = fields.get(&format!("sheet.{file}"));
        if !sheet.is_empty() {
            choices.sheets.insert(file, sheet);
        }
        // The staircase for a building's rows with none: kept only if the
        // building has it (`territory::table`).
        for n in 0..super::territory_columns::MAX_BLANK_CHOICES {
            let key = fields.get(&format!("blank_key.{n}"));
            if key.is_empty() {
                break;
            }
            let label = fields.get(&format!("blank_label.{n}"));
            if !label.is_empty() && key.len() <= 600 && label.len() <= 64 {
                choices.blank_entrances.insert(key, label);
            }
        }
        // The header row: its line; a line the table does not have is
        // ignored by the reader (it keeps the row it finds).
        if let Ok(line) = fields.get(&format!("header.{file}")).parse::<usize>() {
            choices.header_lines.insert(file, line);
        }
    }
    show_preview(&office, uploads, choices).await
}

/// Columns a table may have for the mapping form to be taken: as many as
/// any table read.
const MAX_FORM_COLUMNS: usize = import::MAX_COLUMNS as usize;

/// Reads `uploads` through `choices`, plans the import, keeps the files
/// under a new token, and shows the preview.
async fn show_preview(
    office: &Office,
    uploads: Vec<Upload>,
    choices: Choices,
) -> Result<Response, PageError> {
    let for_read = choices.clone();
    let (read, uploads) = tokio::task::spawn_blocking(move || {
        let read = import::read_with(&uploads, &for_read);
        (read, uploads)
    })
    .await
    .map_err(|e| PageError::Internal(e.into()))?;
    let parsed = match read {
        Ok(parsed) => parsed,
        Err((file, error)) => {
            let text = describe_file_error(office, &file, &error);
            return refuse(office, StatusCode::UNPROCESSABLE_ENTITY, text).await;
        }
    };
    let for_plan = parsed.clone();
    let (plan, unreadable, removed) = office
        .with_store(move |store| {
            let stored = import::load(store)?;
            let plan = import::plan(&for_plan, &stored.neighbourhoods, &stored.buildings);
            // Every door the import removes; which were visited is asked
            // of the read model for those buildings only.
            let removed = import::doors_removed(&plan, &stored.buildings);
            Ok((plan, stored.unreadable, removed))
        })
        .await?;
    let lost = office
        .with_read_model(move |rm| {
            let mut lost = Vec::new();
            for mut building in removed {
                let id = building.id.to_string();
                let visited = crate::consolidate::choices::visited_doors(rm, &id)?;
                building
                    .doors
                    .retain(|d| visited.contains(&door_key(&id, &d.entrance, d.floor, &d.door)));
                if !building.doors.is_empty() {
                    lost.push(building);
                }
            }
            Ok(lost)
        })
        .await?;
    // Only what these files' tables use is kept with the preview.
    let signatures: HashSet<&str> = parsed
        .files
        .iter()
        .filter_map(|f| f.table.as_ref().map(|t| t.signature.as_str()))
        .collect();
    let mut kept = choices;
    kept.chosen.retain(|s, _| signatures.contains(s.as_str()));
    kept.remembered
        .retain(|s, _| signatures.contains(s.as_str()));
    let kept = choices_json(&kept)?;
    let control = office.state().control.clone();
    let municipality = office.account.municipality;
    let token = tokio::task::spawn_blocking(move || {
        control.put_preview(
            municipality,
            &uploads,
            &kept,
            PREVIEW_LIFETIME_MS,
            MAX_PREVIEWS,
        )
    })
    .await
    .map_err(|e| PageError::Internal(e.into()))?
    .map_err(|e| PageError::Internal(e.into()))?;
    let status = if plan.is_clean() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        preview_page(office, &parsed, &plan, &unreadable, &lost, &token),
    )
        .into_response())
}

async fn too_large_or_bad(
    office: &Office,
    status: StatusCode,
    detail: String,
) -> Result<Response, PageError> {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        let text = describe_file_error(
            office,
            "",
            &FileError::TooLarge {
                limit_mib: super::MAX_UPLOAD_BYTES / (1024 * 1024),
            },
        );
        return refuse(office, StatusCode::PAYLOAD_TOO_LARGE, text).await;
    }
    refuse(
        office,
        StatusCode::BAD_REQUEST,
        office.t.file_csv.replace("{detail}", &detail),
    )
    .await
}

fn preview_page(
    office: &Office,
    parsed: &Import,
    plan: &Plan,
    unreadable: &[DocId],
    lost: &[LostDoors],
    token: &str,
) -> Markup {
    let t = office.t;
    let i = office.lang.import();
    let c = &plan.counts;
    let lost_doors: usize = lost.iter().map(|l| l.doors.len()).sum();
    page(
        office,
        Section::Territory,
        t.import_preview,
        html! {
            table {
                thead { tr { th { (t.file) } th { (t.encoding) } th { (t.coordinates) } th { (t.neighbourhoods) } th { (t.rows) } } }
                tbody {
                    @for f in &parsed.files {
                        tr { td { (f.name) } td { (encoding_name(f.encoding)) } td { (crs_name(f.crs)) } td { (f.neighbourhoods) } td { (f.rows) } }
                    }
                }
            }
            @if parsed.files.iter().any(|f| f.table.is_some()) {
                (columns::form(office, parsed, token))
            }
            dl.counts {
                dt { (t.neighbourhoods_new) } dd { (c.neighbourhoods_new) }
                dt { (t.neighbourhoods_updated) } dd { (c.neighbourhoods_updated) }
                dt { (t.buildings_new) } dd { (c.buildings_new) }
                dt { (t.buildings_updated) } dd { (c.buildings_updated) }
                dt { (t.unchanged) } dd { (c.unchanged) }
                dt { (t.entrances) } dd { (c.entrances) }
                dt { (t.dwellings_label) } dd { (c.dwellings) }
                dt { (t.without_neighbourhood) } dd { (c.without_neighbourhood) }
                dt { (t.not_in_file) } dd { (c.buildings_not_in_file) }
            }
            @if !lost.is_empty() {
                div.notice.error.lost-doors role="alert" {
                    p { (i.visited_lost.replace("{doors}", &lost_doors.to_string()).replace("{buildings}", &lost.len().to_string())) }
                    ul {
                        @for l in lost {
                            li { (i.visited_lost_item
                                .replace("{address}", &l.address)
                                .replace("{key}", &l.key)
                                .replace("{doors}", &l.doors.iter().map(|d| door_label(&d.entrance, d.floor, &d.door)).collect::<Vec<_>>().join(", "))) }
                        }
                    }
                }
            }
            @if plan.rejections.is_empty() {
                @if !plan.blocked { (notice("ok", t.no_rejected_row)) }
            } @else {
                (notice("error", &t.rejected_rows.replace("{n}", &(plan.rejections.len() + plan.more_rejections).to_string())))
                table.rejections {
                    thead { tr { th { (t.file) } th { (t.line) } th { (t.reason) } } }
                    tbody {
                        @for r in &plan.rejections {
                            tr {
                                td { (parsed.files.get(r.file).map_or("", |f| f.name.as_str())) }
                                td { (r.line) }
                                td { (describe_problem(office, &parsed.files, &r.problem)) }
                            }
                        }
                    }
                }
            }
            @if plan.more_rejections > 0 {
                p.hint { (i.more_rejected.replace("{n}", &plan.more_rejections.to_string())) }
            }
            @for file in parsed.files.iter().filter(|f| f.table.as_ref().is_some_and(|t| !t.repeated.is_empty())) {
                @if let Some(table) = &file.table {
                    section.card.repeated {
                        h2 { (i.repeated_rows.replace("{file}", &file.name).replace("{n}", &(table.repeated.len() + table.more_repeated).to_string())) }
                        ul {
                            @for (line, earlier) in &table.repeated {
                                li { (i.repeated_row.replace("{line}", &line.to_string()).replace("{earlier}", &earlier.to_string())) }
                            }
                        }
                        @if table.more_repeated > 0 {
                            p.hint { (i.more_rejected.replace("{n}", &table.more_repeated.to_string())) }
                        }
                    }
                }
            }
            (unreadable_list(office, unreadable))
            @if plan.is_clean() {
                form method="post" action=(office.action("/office/territory/confirm")) {
                    input type="hidden" name="token" value=(token);
                    button type="submit" { (t.confirm_import) }
                }
            } @else if plan.may_leave_out() {
                form.leave-out method="post" action=(office.action("/office/territory/confirm")) {
                    input type="hidden" name="token" value=(token);
                    input type="hidden" name="leave_out" value=(plan.rejections_digest());
                    p.hint { (i.leave_out_hint) }
                    @if !plan.held_back.is_empty() {
                        p.hint.held-back { (i.held_back.replace("{n}", &plan.held_back.len().to_string()).replace("{keys}", &plan.held_back.iter().take(20).cloned().collect::<Vec<_>>().join(", "))) }
                    }
                    button type="submit" { (i.leave_out.replace("{n}", &plan.rejections.len().to_string())) }
                }
            }
            p { a href="/office/territory" { (t.cancel) } }
            (upload_form(office))
        },
    )
}

/// `POST /office/territory/confirm`: writes a previewed import: all of
/// it, or its valid rows when the coordinator chose to leave out exactly
/// the rejected rows the preview showed.
pub async fn confirm(office: Office, body: Bytes) -> Result<Response, PageError> {
    let fields = super::form::Fields::parse(&body);
    let token = fields.get("token");
    let left_out = Some(fields.get("leave_out")).filter(|d| !d.is_empty());
    let control = office.state().control.clone();
    let municipality = office.account.municipality;
    // The files as previewed, read again with the same choices: parsing is
    // deterministic, and what a preview keeps is the coordinator's upload,
    // not this process's memory.
    let parsed = tokio::task::spawn_blocking(move || {
        let taken = control.take_preview(municipality, &token, PREVIEW_LIFETIME_MS)?;
        Ok::<_, crate::storage::control::ControlError>(taken.map(|(files, kept)| {
            let choices: Choices = serde_json::from_str(&kept).unwrap_or_default();
            import::read_with(&files, &choices)
        }))
    })
    .await
    .map_err(|e| PageError::Internal(e.into()))?
    .map_err(|e| PageError::Internal(e.into()))?;
    let Some(Ok(parsed)) = parsed else {
        return refuse(
            &office,
            StatusCode::CONFLICT,
            office.t.preview_expired.to_string(),
        )
        .await;
    };
    // The columns the coordinator chose (or kept) are remembered for the
    // next file with the same headers; guesses are guessed again.
    let remember: Vec<(String, String)> = parsed
        .files
        .iter()
        .filter_map(|f| f.table.as_ref())
        // Chosen columns, or a header row chosen by hand (found by its
        // remembered headers next time).
        .filter(|t| t.source != import::Source::Guessed || t.header_chosen)
        .filter_map(|t| Some((t.signature.clone(), serde_json::to_string(&t.mapping).ok()?)))
        .collect();
    let outcome = office
        .with_store(move |store| {
            let stored = import::load(store)?;
            let plan = import::plan(&parsed, &stored.neighbourhoods, &stored.buildings);
            match import::apply_leaving_out(store, &plan, left_out.as_deref()) {
                // What was written, and what was already as the file has it.
                Ok(_) => Ok(Ok((
                    plan.neighbourhoods.len() + plan.buildings.len() - plan.counts.unchanged,
                    plan.counts.unchanged,
                ))),
                Err(import::ApplyError::NotClean) => Ok(Err(())),
                Err(e) => Err(PageError::Internal(e.into())),
            }
        })
        .await?;
    match outcome {
        Ok((n, unchanged)) => {
            // The import is written: a mapping not remembered only means a
            // choice to make again next time.
            let control = office.state().control.clone();
            match tokio::task::spawn_blocking(move || {
                control.remember_mappings(municipality, &remember)
            })
            .await
            {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "import mappings not remembered"),
                Err(e) => tracing::warn!(error = %e, "import mappings not remembered"),
            }
            Ok(Redirect::to(&format!(
                "/office/territory?imported={n}&unchanged={unchanged}"
            ))
            .into_response())
        }
        Err(()) => {
            refuse(
                &office,
                StatusCode::CONFLICT,
                office.t.preview_expired.to_string(),
            )
            .await
        }
    }
}

/// The stored documents that do not read as a building or neighbourhood,
/// each with a button to remove it.
fn unreadable_list(office: &Office, unreadable: &[DocId]) -> Markup {
    let t = office.t;
    html! {
        @if !unreadable.is_empty() {
            (notice("error", &t.unreadable_documents.replace("{n}", &unreadable.len().to_string())))
            ul.unreadable {
                @for id in unreadable {
                    li {
                        code { (id) }
                        form method="post" action=(office.action("/office/territory/unreadable")) {
                            input type="hidden" name="doc_id" value=(id);
                            button type="submit" { (t.remove_unreadable) }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /office/territory/unreadable`: removes a building or neighbourhood
/// document that does not read (a device with a bug, or an attack before
/// devices were refused territory writes). It is erased like personal data:
/// a tombstone makes every phone delete its copy at its next sync. A
/// document that reads is left alone.
pub async fn remove_unreadable(office: Office, body: Bytes) -> Result<Response, PageError> {
    let field = super::form::Fields::parse(&body).get("doc_id");
    let Ok(doc_id) = DocId::parse(&field) else {
        return refuse(
            &office,
            StatusCode::BAD_REQUEST,
            office.t.preview_expired.to_string(),
        )
        .await;
    };
    let removed = office
        .with_store(move |store| {
            let readable = match doc_id.kind() {
                DocKind::Building => store
                    .load(&doc_id)?
                    .map(|doc| shared::schema::read::<Building>(&doc).is_ok()),
                DocKind::Neighbourhood => store
                    .load(&doc_id)?
                    .map(|doc| shared::schema::read::<Neighbourhood>(&doc).is_ok()),
                _ => None,
            };
            if readable == Some(false) {
                store.erase(&doc_id, crate::storage::control::now_ms())?;
                tracing::info!(doc = %doc_id, "unreadable territory document removed");
                Ok(true)
            } else {
                Ok(false)
            }
        })
        .await?;
    if removed {
        Ok(Redirect::to("/office/territory?removed=1").into_response())
    } else {
        refuse(
            &office,
            StatusCode::CONFLICT,
            office.t.preview_expired.to_string(),
        )
        .await
    }
}

/// `GET /office/territory/export.geojson`.
pub async fn export(office: Office) -> Result<Response, PageError> {
    let stored = stored(&office).await?;
    let text = import::export_geojson(&stored.neighbourhoods, &stored.buildings);
    Ok((
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"territoire.geojson\"",
            ),
        ],
        text,
    )
        .into_response())
}
