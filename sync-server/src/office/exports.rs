//! The exports page and its files: per building and per neighbourhood
//! (CSV with `,` or `;`, GeoJSON), every visit and every answer (CSV,
//! streamed with a row count for the page's progress bar), the answers'
//! counts per neighbourhood (CSV, GeoJSON), and the open-data table (CSV
//! and JSON, its disclosure rule in a metadata file beside the CSV). A thin
//! shell over `consolidate::{export, answer_export, open_data}`.

use super::dashboard::phones;
use super::layout::{PageError, Section, page};
use super::results::{self, Query, View, filter_form, provenance, query_string, sub_menu};
use super::session::Office;
use crate::consolidate::answer_export;
use crate::consolidate::export::{self, Separator};
use crate::consolidate::places::Places;
use crate::consolidate::{Filter, Snapshot};
use crate::consolidate::{open_data, open_data_answers};
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use std::collections::HashMap;

/// Bytes gathered before a chunk of a streamed file is sent.
const CHUNK: usize = 64 * 1024;

/// The response header giving the number of rows a streamed file holds.
pub const ROWS_HEADER: &str = "x-palier-rows";

fn separator(query: &Query) -> Separator {
    match query.get("sep") {
        Some("semicolon") => Separator::Semicolon,
        _ => Separator::Comma,
    }
}

pub(super) fn file(name: &str, content_type: &'static str, body: impl Into<Body>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body.into(),
    )
        .into_response()
}

pub(super) const CSV: &str = "text/csv; charset=utf-8";
pub(super) const GEOJSON: &str = "application/geo+json";
const JSON: &str = "application/json";

/// `GET /office/exports`.
pub async fn show(office: Office, RawQuery(raw): RawQuery) -> Result<Markup, PageError> {
    let query = Query::parse(raw.as_deref());
    let found = office
        .with_read_model(move |rm| {
            let Some((filter, choices)) = results::resolve(rm, &query)? else {
                return Ok(None);
            };
            let visits = export::visit_count(rm, &filter)?;
            let answers = answer_export::answer_count(rm, &filter)?;
            let open = open_data::build(rm, &filter)?;
            Ok(Some((filter, choices, visits, answers, open)))
        })
        .await?;
    let r = office.lang.results();
    let Some((filter, choices, visits, answers, open)) = found else {
        return Ok(page(
            &office,
            Section::Results,
            r.exports,
            html! { p.notice { (r.no_campaign) } },
        ));
    };
    if choices.is_collection(&filter) {
        let body = super::collection::elsewhere(
            &office,
            View::Exports,
            "/office/exports",
            &filter,
            &choices,
        );
        return Ok(page(&office, Section::Results, r.exports, body));
    }
    let q = query_string(&filter);
    let link = |path: &str, extra: &str, label: &str| {
        html! { a.button href=(format!("{path}?{q}{extra}")) download { (label) } }
    };
    let body = html! {
        (sub_menu(&office, View::Exports, &filter))
        (filter_form(r, "/office/exports", &filter, &choices))
        (provenance(r, &choices))
        p.hint { (r.exports_hint) }
        section.card {
            h2 { (r.export_buildings) }
            p.actions {
                (link("/office/exports/buildings.csv", "", r.export_csv))
                (link("/office/exports/buildings.csv", "&sep=semicolon", r.export_csv_fr))
                (link("/office/exports/buildings.geojson", "", r.export_geojson))
            }
        }
        section.card {
            h2 { (r.export_neighbourhoods) }
            p.actions {
                (link("/office/exports/neighbourhoods.csv", "", r.export_csv))
                (link("/office/exports/neighbourhoods.csv", "&sep=semicolon", r.export_csv_fr))
                (link("/office/exports/neighbourhoods.geojson", "", r.export_geojson))
            }
        }
        section.card {
            h2 { (r.export_visits) " (" (visits) ")" }
            (door_level_form(&office, "/office/exports/visits.csv", &q, visits, r))
        }
        section.card #answers {
            h2 { (r.export_answers) " (" (answers) ")" }
            p.hint { (r.export_answers_hint) }
            (door_level_form(&office, "/office/exports/answers.csv", &q, answers, r))
            h3 { (r.export_answer_counts) }
            p.actions {
                (link("/office/exports/answer-counts.csv", "", r.export_csv))
                (link("/office/exports/answer-counts.csv", "&sep=semicolon", r.export_csv_fr))
                (link("/office/exports/answer-counts.geojson", "", r.export_geojson))
            }
        }
        section.card #open-data {
            h2 { (r.open_data_title) }
            p { (r.open_data_rule) }
            p.actions {
                (link("/office/exports/open-data.csv", "&sep=semicolon", r.export_csv_fr))
                (link("/office/exports/open-data.csv", "", r.export_csv))
                (link("/office/exports/open-data.json", "", "JSON"))
                (link("/office/exports/open-data-metadata.json", "", r.open_data_metadata))
            }
            h3 { (r.open_data_answers) }
            p.actions {
                (link("/office/exports/open-data-answers.csv", "&sep=semicolon", r.export_csv_fr))
                (link("/office/exports/open-data-answers.csv", "", r.export_csv))
                (link("/office/exports/open-data-answers.json", "", "JSON"))
            }
            (open_table(r, &open))
        }
    };
    Ok(page(&office, Section::Results, r.exports, body))
}

fn open_table(r: &super::i18n::ResultsTexts, t: &open_data::Table) -> Markup {
    let cell = |c: &open_data::Cell| match c {
        Some(v) => html! { td { (v) } },
        None => html! { td.masked { (r.masked) } },
    };
    html! {
        div.table-scroll tabindex="0" role="region" aria-label=(r.open_data_title) { table {
            thead { tr { th scope="col" { (r.neighbourhood) } @for f in &t.fields { th scope="col" { (f) } } } }
            tbody {
                @for (name, cells) in &t.rows {
                    tr { th scope="row" { @if name.is_empty() { (r.no_neighbourhood) } @else { (name) } } @for c in cells { (cell(c)) } }
                }
                tr.total { th scope="row" { (r.total) } @for c in &t.total { (cell(c)) } }
            }
        } }
    }
}

/// The filter of an export request and its campaign's name, or a 404 when
/// there is no campaign.
async fn filter_of<T: Send + 'static>(
    office: &Office,
    raw: Option<String>,
    f: impl FnOnce(&Snapshot, &Filter, &Query) -> Result<T, PageError> + Send + 'static,
) -> Result<(T, String), PageError> {
    let lang = office.lang;
    office
        .with_read_model(move |rm| {
            let query = Query::parse(raw.as_deref());
            let (filter, choices) =
                results::resolve(rm, &query)?.ok_or(PageError::NotFound(lang))?;
            let name = campaign_name(&choices, &filter);
            Ok((f(rm, &filter, &query)?, name))
        })
        .await
}

fn campaign_name(choices: &results::Choices, filter: &Filter) -> String {
    choices
        .campaigns
        .iter()
        .find(|c| c.id == filter.campaign)
        .map(|c| c.name.clone())
        .unwrap_or_default()
}

/// An export's file name: what it holds, for which campaign, as of which
/// day ("palier-porte-a-porte-lozaits-2026-12-07-passages.csv"), in
/// letters every system keeps.
fn file_name(lang: super::Lang, campaign: &str, stem: &'static str, ext: &str) -> String {
    let mut slug = String::new();
    for c in campaign.to_lowercase().chars() {
        let folded = match c {
            'à' | 'â' | 'ä' | 'á' => "a",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' => "i",
            'ô' | 'ö' | 'ó' => "o",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'ç' => "c",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_ascii_alphanumeric() => {
                slug.push(c);
                continue;
            }
            _ => "-",
        };
        if folded == "-" && (slug.is_empty() || slug.ends_with('-')) {
            continue;
        }
        slug.push_str(folded);
    }
    let slug: String = slug.trim_end_matches('-').chars().take(60).collect();
    let day = super::layout::iso_day(crate::storage::control::now_ms());
    let word = lang.file_word(stem);
    if slug.is_empty() {
        format!("palier-{day}-{word}.{ext}")
    } else {
        format!("palier-{slug}-{day}-{word}.{ext}")
    }
}

/// Headers in the office's language.
fn headers(lang: super::Lang, codes: &[&'static str]) -> Vec<&'static str> {
    codes.iter().map(|c| lang.column(c)).collect()
}

/// `GET /office/exports/{file}`: every file but the visits.
pub async fn download(
    office: Office,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    if matches!(name.as_str(), "visits.csv" | "answers.csv") {
        // Door-level: only with a stated reason, written to the journal.
        let Some(reason) = stated_reason(raw.as_deref()) else {
            let t = office.lang.privacy();
            let body = html! { (super::layout::notice("error", t.export_reason_missing)) p { a href="/office/exports" { (office.lang.results().exports) } } };
            return Ok((
                axum::http::StatusCode::BAD_REQUEST,
                page(
                    &office,
                    Section::Results,
                    office.lang.results().exports,
                    body,
                ),
            )
                .into_response());
        };
        office
            .journal(crate::journal::Event::exported(&name, &reason))
            .await?;
        return if name == "visits.csv" {
            visits(office, raw).await
        } else {
            answers(office, raw).await
        };
    }
    let lang = office.lang;
    let name_in = name.clone();
    let ((bytes, content_type), campaign) = filter_of(&office, raw, move |rm, filter, query| {
        let sep = separator(query);
        let csv_error = |e: csv::Error| PageError::Internal(e.into());
        let json_error = |e: serde_json::Error| PageError::Internal(e.into());
        Ok(match name_in.as_str() {
            "buildings.csv" => {
                let rows = export::buildings(rm, filter)?;
                let bytes = export::csv(
                    &headers(lang, &export::BUILDING_HEADER),
                    rows.iter().map(|b| export::building_record(b, sep)),
                    sep,
                )
                .map_err(csv_error)?;
                (bytes, CSV)
            }
            "buildings.geojson" => {
                let rows = export::buildings(rm, filter)?;
                let v = export::buildings_geojson(&rows);
                (serde_json::to_vec(&v).map_err(json_error)?, GEOJSON)
            }
            "neighbourhoods.csv" => {
                let rows = export::neighbourhoods(rm, filter, sep)?;
                let bytes = export::csv(
                    &headers(lang, &export::NEIGHBOURHOOD_HEADER),
                    rows.into_iter().map(|(_, r)| r),
                    sep,
                )
                .map_err(csv_error)?;
                (bytes, CSV)
            }
            "neighbourhoods.geojson" => {
                let rows = export::neighbourhoods(rm, filter, Separator::Comma)?;
                let places = Places::load(rm)?;
                let v = export::neighbourhoods_geojson(&places, &rows);
                (serde_json::to_vec(&v).map_err(json_error)?, GEOJSON)
            }
            "answer-counts.csv" => {
                let counts = answer_export::counts(rm, filter, lang.tag())?;
                let bytes = export::csv(
                    &headers(lang, &answer_export::COUNT_HEADER),
                    counts.into_iter().flat_map(|(_, rows)| rows),
                    sep,
                )
                .map_err(csv_error)?;
                (bytes, CSV)
            }
            "answer-counts.geojson" => {
                let counts = answer_export::counts(rm, filter, lang.tag())?;
                let places = Places::load(rm)?;
                let v = answer_export::counts_geojson(&places, &counts);
                (serde_json::to_vec(&v).map_err(json_error)?, GEOJSON)
            }
            "open-data.json" => {
                let t = open_data::build(rm, filter)?;
                (serde_json::to_vec_pretty(&t).map_err(json_error)?, JSON)
            }
            "open-data.csv" => {
                let t = open_data::build(rm, filter)?;
                let mut header = vec!["neighbourhood"];
                header.extend(t.fields.iter().copied());
                let header = headers(lang, &header);
                let cells = |c: &[open_data::Cell]| -> Vec<String> {
                    c.iter()
                        .map(|v| v.map(|v| v.to_string()).unwrap_or_default())
                        .collect()
                };
                let mut rows: Vec<Vec<String>> = t
                    .rows
                    .iter()
                    .map(|(n, c)| {
                        let mut row = vec![n.clone()];
                        row.extend(cells(c));
                        row
                    })
                    .collect();
                let mut total = vec!["TOTAL".to_string()];
                total.extend(cells(&t.total));
                rows.push(total);
                // Data only: the rule and the campaign are in the
                // metadata file beside it, where no spreadsheet takes them
                // for rows.
                (export::csv(&header, rows, sep).map_err(csv_error)?, CSV)
            }
            "open-data-answers.csv" => {
                let t = open_data_answers::build(rm, filter)?;
                let bytes = export::csv(
                    &headers(lang, &open_data_answers::CSV_HEADER),
                    t.csv_rows(),
                    sep,
                )
                .map_err(csv_error)?;
                (bytes, CSV)
            }
            "open-data-answers.json" => {
                let t = open_data_answers::build(rm, filter)?;
                (serde_json::to_vec_pretty(&t).map_err(json_error)?, JSON)
            }
            "open-data-metadata.json" => {
                let t = open_data::build(rm, filter)?;
                (
                    serde_json::to_vec_pretty(&t.metadata(|f| lang.column(f)))
                        .map_err(json_error)?,
                    JSON,
                )
            }
            _ => return Err(PageError::NotFound(lang)),
        })
    })
    .await?;
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name.as_str(), ""));
    let stem = match stem {
        "buildings" => "buildings",
        "neighbourhoods" => "neighbourhoods",
        "open-data" => "open-data",
        "answer-counts" => "answer-counts",
        "open-data-answers" => "open-data-answers",
        _ => "open-data-metadata",
    };
    Ok(file(
        &file_name(lang, &campaign, stem, ext),
        content_type,
        bytes,
    ))
}

/// The rows of a streamed file: given the snapshot, the filter and the
/// office's language, calls the sink with each row until it says stop.
type EachRow = Box<
    dyn FnOnce(
            &Snapshot,
            &Filter,
            super::Lang,
            &mut dyn FnMut(Vec<String>) -> bool,
        ) -> rusqlite::Result<()>
        + Send,
>;

/// A door-level file, streamed a chunk at a time so the server's memory
/// does not grow with the number of rows; the row count goes in a header
/// for the page's progress bar.
async fn stream_csv(
    office: &Office,
    raw: Option<String>,
    stem: &'static str,
    header: &'static [&'static str],
    count: fn(&Snapshot, &Filter) -> rusqlite::Result<i64>,
    each: EachRow,
) -> Result<Response, PageError> {
    let lang = office.lang;
    let model = office.read_model()?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let (count_tx, count_rx) = tokio::sync::oneshot::channel::<Result<(i64, String), PageError>>();
    tokio::task::spawn_blocking(move || {
        let run = || -> Result<(), PageError> {
            // One snapshot for the count and the rows.
            let rm = Snapshot::take(&model)?;
            let query = Query::parse(raw.as_deref());
            let Some((filter, choices)) = results::resolve(&rm, &query)? else {
                let _ = count_tx.send(Err(PageError::NotFound(lang)));
                return Ok(());
            };
            let sep = separator(&query);
            let name = campaign_name(&choices, &filter);
            let _ = count_tx.send(Ok((count(&rm, &filter)?, name)));
            let mut buf = export::BOM.to_vec();
            let header: Vec<String> = headers(lang, header)
                .iter()
                .map(|h| h.to_string())
                .collect();
            buf.extend(export::csv_line(&header, sep).map_err(|e| PageError::Internal(e.into()))?);
            let mut open = true;
            each(&rm, &filter, lang, &mut |row| {
                match export::csv_line(&row, sep) {
                    Ok(line) => buf.extend(line),
                    Err(_) => return false,
                }
                if buf.len() >= CHUNK {
                    open = tx
                        .blocking_send(Ok(Bytes::from(std::mem::take(&mut buf))))
                        .is_ok();
                }
                open
            })?;
            if open && !buf.is_empty() {
                let _ = tx.blocking_send(Ok(Bytes::from(buf)));
            }
            Ok(())
        };
        if let Err(error) = run() {
            tracing::error!(error = ?error, file = stem, "export failed");
            // The body ends in an error, so the download is seen to fail
            // instead of looking complete.
            let _ = tx.blocking_send(Err(std::io::Error::other("the export failed")));
        }
    });
    let (rows, campaign) = count_rx
        .await
        .map_err(|e| PageError::Internal(e.into()))??;
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let mut response = file(
        &file_name(lang, &campaign, stem, "csv"),
        CSV,
        Body::from_stream(stream),
    );
    if let Ok(value) = rows.to_string().parse() {
        response.headers_mut().insert(ROWS_HEADER, value);
    }
    Ok(response)
}

/// A door-level file's form: the filter as hidden fields, the reason the
/// coordinator states (required; written to the journal), the separator.
fn door_level_form(
    office: &Office,
    path: &str,
    filter: &str,
    rows: i64,
    r: &super::i18n::ResultsTexts,
) -> Markup {
    let t = office.lang.privacy();
    let id = path.rsplit('/').next().unwrap_or("file").replace('.', "-");
    html! {
        form.card.door-level method="get" action=(path) data-progress=(rows) {
            @for (name, value) in form_urlencoded::parse(filter.as_bytes()) {
                input type="hidden" name=(name) value=(value);
            }
            label for=(format!("reason-{id}")) { (t.export_reason) }
            input id=(format!("reason-{id}")) name="reason" required minlength=(MIN_REASON_CHARS) maxlength=(crate::journal::MAX_REASON_CHARS);
            label for=(format!("sep-{id}")) { (t.export_separator) }
            select id=(format!("sep-{id}")) name="sep" {
                option value="" { (r.export_csv) }
                option value="semicolon" { (r.export_csv_fr) }
            }
            button type="submit" { (t.export_download) }
            progress hidden max=(rows.max(1)) value="0" {}
        }
    }
}

/// The fewest characters a stated reason has.
const MIN_REASON_CHARS: usize = 5;

/// The reason stated for a door-level file, if it is one.
fn stated_reason(raw: Option<&str>) -> Option<String> {
    let reason = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .find(|(name, _)| name == "reason")
        .map(|(_, value)| value.trim().to_string())?;
    (reason.chars().count() >= MIN_REASON_CHARS).then_some(reason)
}

/// `GET /office/exports/visits.csv`: every visit, outcomes in the office's
/// language, agents by their phone's name.
async fn visits(office: Office, raw: Option<String>) -> Result<Response, PageError> {
    let agents: HashMap<String, String> = phones(&office)
        .await?
        .into_iter()
        .map(|p| (p.device_id.to_string(), p.name))
        .collect();
    let outcome_at = export::VISIT_HEADER.iter().position(|h| *h == "outcome");
    let each: EachRow = Box::new(move |rm, filter, lang, sink| {
        let words = lang.results();
        export::each_visit(rm, filter, &agents, |mut row| {
            if let Some(cell) = outcome_at.and_then(|i| row.get_mut(i)) {
                *cell = words.outcome(cell).to_string();
            }
            sink(row)
        })
    });
    stream_csv(
        &office,
        raw,
        "visits",
        &export::VISIT_HEADER,
        export::visit_count,
        each,
    )
    .await
}

/// `GET /office/exports/answers.csv`: every answer of every conversation,
/// one row per question asked.
async fn answers(office: Office, raw: Option<String>) -> Result<Response, PageError> {
    let each: EachRow =
        Box::new(|rm, filter, lang, sink| answer_export::each_answer(rm, filter, lang.tag(), sink));
    stream_csv(
        &office,
        raw,
        "answers",
        &answer_export::ANSWER_HEADER,
        answer_export::answer_count,
        each,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_says_what_which_campaign_and_which_day_in_plain_letters() {
        let name = file_name(
            super::super::Lang::Fr,
            "Porte-à-porte : Lozaits été",
            "visits",
            "csv",
        );
        let day = super::super::layout::iso_day(crate::storage::control::now_ms());
        assert_eq!(
            name,
            format!("palier-porte-a-porte-lozaits-ete-{day}-passages.csv")
        );
        assert!(name.is_ascii());
        let english = file_name(super::super::Lang::En, "\"; rm -rf /", "open-data", "json");
        assert_eq!(english, format!("palier-rm-rf-{day}-open-data.json"));
        assert_eq!(
            file_name(super::super::Lang::En, "", "buildings", "csv"),
            format!("palier-{day}-buildings.csv")
        );
    }
}
