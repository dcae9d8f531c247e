//! The preview's column step: each table's headers as the file writes
//! them, an example value, and the meaning Palier gave each column (guessed,
//! remembered or chosen), every one a choice the coordinator can change
//! before reading the files again.

use super::session::Office;
use maud::{Markup, html};
use territory::{Column, Import, RowProblem, Shape, Source};

/// A column's meaning in the office's language.
pub fn meaning(office: &Office, column: Column) -> &'static str {
    let i = office.lang.import();
    match column {
        Column::Key => i.meaning_key,
        Column::Address => i.meaning_address,
        Column::Estate => i.meaning_estate,
        Column::Landlord => i.meaning_landlord,
        Column::Entrance => i.meaning_entrance,
        Column::EntranceCount => i.meaning_entrance_count,
        Column::Floors => i.meaning_floors,
        Column::Dwellings => i.meaning_dwellings,
        Column::Level => i.meaning_level,
        Column::Door => i.meaning_door,
        Column::DoorCode => i.meaning_door_code,
        Column::X => i.meaning_x,
        Column::Y => i.meaning_y,
        Column::Longitude => i.meaning_longitude,
        Column::Latitude => i.meaning_latitude,
        Column::CrsName => i.meaning_crs,
        Column::Neighbourhood => i.meaning_neighbourhood,
        Column::Name => i.meaning_name,
        Column::Code => i.meaning_code,
        Column::BuildingCode => i.meaning_building_code,
        Column::Commune => i.meaning_commune,
    }
}

/// Longest header shown (its meaning is chosen all the same).
const HEADER_CHARS: usize = 120;

/// The meanings offered for a column.
fn offered() -> impl Iterator<Item = Column> {
    Column::TABLE.into_iter().chain([Column::Neighbourhood])
}

/// One form for every table of the import: the files stay with the
/// preview's token, so choosing columns uploads nothing again.
pub fn form(office: &Office, import: &Import, token: &str) -> Markup {
    let i = office.lang.import();
    html! {
        form.columns method="post" action=(office.action("/office/territory/remap")) {
            input type="hidden" name="token" value=(token);
            @for (file, report) in import.files.iter().enumerate() {
                @if let Some(table) = &report.table {
                    section.card.table-columns data-file=(file) {
                        h2 { (i.columns_of.replace("{file}", &report.name)) }
                        p.hint {
                            (match table.shape {
                                Shape::PerEntrance => i.shape_per_entrance,
                                Shape::PerBuilding => i.shape_per_building,
                                Shape::PerDwelling => i.shape_per_dwelling,
                            })
                            " "
                            (match table.source {
                                Source::Guessed => i.source_guessed,
                                Source::Remembered => i.source_remembered,
                                Source::Chosen => i.source_chosen,
                            })
                        }
                        @if !table.missing.is_empty() {
                            p.notice.error role="alert" {
                                (i.missing_meanings.replace("{columns}", &table.missing.iter().map(|c| meaning(office, *c)).collect::<Vec<_>>().join(", ")))
                            }
                        }
                        @if table.sheets.len() > 1 {
                            label for=(format!("sheet-{file}")) { (i.sheet) }
                            select id=(format!("sheet-{file}")) name=(format!("sheet.{file}")) {
                                @for sheet in &table.sheets {
                                    option value=(sheet) selected[table.sheet.as_ref() == Some(sheet)] { (sheet) }
                                }
                            }
                        }
                        @if table.header_candidates.len() > 1 {
                            label for=(format!("header-{file}")) { (i.header_row) }
                            select id=(format!("header-{file}")) name=(format!("header.{file}")) {
                                @for c in &table.header_candidates {
                                    option value=(c.line) selected[c.line == table.header_line] {
                                        (i.line_n.replace("{n}", &c.line.to_string())) " : " (c.preview)
                                    }
                                }
                            }
                            p.hint { (i.header_row_hint) }
                        }
                        input type="hidden" name=(format!("sig.{file}")) value=(table.signature);
                        input type="hidden" name=(format!("columns.{file}")) value=(table.headers.len());
                        table {
                            thead { tr { th { (i.header) } th { (i.example) } th { (i.meaning) } } }
                            tbody {
                                @for (n, header) in table.headers.iter().enumerate() {
                                    @let chosen = table.mapping.get(n).copied().flatten();
                                    @let id = format!("map-{file}-{n}");
                                    tr {
                                        td {
                                            label for=(id) {
                                                @if header.trim().is_empty() {
                                                    em { (i.unnamed_column.replace("{n}", &(n + 1).to_string())) }
                                                } @else {
                                                    (header.chars().take(HEADER_CHARS).collect::<String>())
                                                }
                                            }
                                        }
                                        td.example { (table.sample.get(n).map_or("", String::as_str)) }
                                        td {
                                            select id=(id) name=(format!("map.{file}.{n}")) {
                                                option value="" selected[chosen.is_none()] { (i.meaning_ignored) }
                                                @for column in offered() {
                                                    option value=(column.slug()) selected[chosen == Some(column)] { (meaning(office, column)) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (blank_entrances(office, import))
            button type="submit" { (i.reread) }
        }
    }
}

/// Buildings whose rows with no staircase cannot be placed: the
/// coordinator puts them in one of the building's staircases, or leaves
/// the building held back.
fn blank_entrances(office: &Office, import: &Import) -> Markup {
    let i = office.lang.import();
    let mut seen = std::collections::BTreeMap::new();
    for r in &import.rejections {
        if let RowProblem::MissingEntrance { key, entrances } = &r.problem {
            seen.entry(key.clone()).or_insert_with(|| entrances.clone());
        }
    }
    if seen.is_empty() {
        return html! {};
    }
    html! {
        section.card.blank-entrances {
            h2 { (i.blank_entrances) }
            @for (n, (key, entrances)) in seen.iter().take(MAX_BLANK_CHOICES).enumerate() {
                input type="hidden" name=(format!("blank_key.{n}")) value=(key);
                label for=(format!("blank-{n}")) { (i.blank_entrance_for.replace("{key}", key)) }
                select id=(format!("blank-{n}")) name=(format!("blank_label.{n}")) {
                    option value="" selected { (i.blank_entrance_hold) }
                    @for e in entrances { option value=(e) { (e) } }
                }
            }
        }
    }
}

/// Buildings offered a staircase for their rows with none, at most.
pub const MAX_BLANK_CHOICES: usize = 200;
