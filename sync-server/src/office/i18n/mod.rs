//! The office's words, one catalogue per language (`fr.rs`, `en.rs`): a
//! page never holds text of its own, so a translation is one file to
//! write and a missing text is a compile error, not a blank.

mod en;
mod fr;

use shared::domain::CampaignKind;

/// The languages the office speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// French, the default.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// From a BCP 47 tag.
    pub fn parse(tag: &str) -> Option<Self> {
        match tag.trim() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Its BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Its name, in itself.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }

    /// The language the switch offers.
    pub fn other(self) -> Self {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }

    /// Its catalogue.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Fr => &fr::TEXTS,
            Lang::En => &en::TEXTS,
        }
    }
}

macro_rules! texts {
    ($($name:ident),* $(,)?) => {
        /// Every text of the office pages. Texts with `{name}` holes are
        /// filled with `str::replace`.
        pub struct Texts {
            $(
                #[doc = stringify!($name)]
                pub $name: &'static str,
            )*
        }
    };
}

texts! {
    add,
    add_question,
    always,
    answer_kind,
    assigned_agents,
    back_to_office,
    building_list,
    buildings,
    buildings_count,
    buildings_file,
    buildings_file_hint,
    buildings_new,
    buildings_selected,
    buildings_updated,
    campaign_name_hint,
    campaigns,
    cancel,
    choice_options,
    clear_selection,
    code,
    code_single_use,
    conditions_cleared,
    confirm_import,
    coordinates,
    coordinators_only,
    create,
    dates,
    delete,
    devices,
    devices_ask_version,
    doors_knocked,
    dwellings,
    dwellings_label,
    edit_sector,
    email,
    encoding,
    ends,
    enrol_device,
    enrolled,
    enrolment_code,
    entrances,
    error_no_building,
    error_move_breaks_condition,
    error_no_french_label,
    error_scale_bounds,
    error_sector_name,
    error_too_few_options,
    error_translation_lines,
    export_geojson,
    file,
    file_crs,
    file_csv,
    file_empty,
    file_encoding,
    file_geojson,
    file_missing_columns,
    file_none,
    file_spreadsheet,
    file_too_large,
    free,
    free_text,
    highest,
    import_preview,
    import_territory,
    imported,
    in_another_sector,
    in_this_sector,
    internal_error,
    kind,
    kind_door_to_door,
    kind_exploratory_walk,
    kind_idea_collection,
    kind_street_stand,
    lasso,
    last_sync,
    line,
    log_in,
    log_out,
    lowest,
    map_hint,
    map_label,
    menu,
    move_down,
    move_up,
    multiple_choice,
    name,
    neighbourhood,
    neighbourhoods,
    neighbourhoods_count,
    neighbourhoods_file,
    neighbourhoods_file_hint,
    neighbourhoods_new,
    neighbourhoods_updated,
    never,
    new_campaign,
    new_code,
    new_sector,
    no_campaign_yet,
    no_device_yet,
    no_neighbourhood,
    no_rejected_row,
    no_sector_yet,
    no_territory_yet,
    not_found,
    not_in_file,
    nothing_published,
    office_tagline,
    one_per_line,
    options_hint,
    password,
    preview_expired,
    preview_import,
    problem_duplicate_entrance,
    problem_duplicate_neighbourhood,
    problem_geometry,
    problem_implausible,
    problem_key_conflict,
    problem_missing,
    problem_not_a_count,
    problem_not_a_number,
    problem_outside_france,
    problem_unknown_neighbourhood,
    problem_unreadable,
    progress,
    publish,
    published,
    qr_caption,
    questionnaire,
    questions_count,
    reason,
    rejected_rows,
    required,
    revoke,
    revoked,
    role,
    role_agent,
    role_ambassador,
    role_coordinator,
    role_elected,
    rows,
    save,
    save_sector,
    saved,
    scale,
    scale_bounds,
    sector_name,
    sectors,
    services,
    settings,
    show_if,
    shown_only_if,
    single_choice,
    starts,
    team,
    territory,
    topics,
    unchanged,
    unpublished_changes,
    unsynced,
    version,
    whole_neighbourhood,
    without_neighbourhood,
    wording,
    wrong_login,
    login_form_expired,
    too_many_attempts,
    unreadable_documents,
    remove_unreadable,
    removed_unreadable,
    policy_title,
    policy_hint,
    kind_campaign_doc,
    kind_neighbourhood_doc,
    kind_building_doc,
    kind_sector_doc,
    kind_visits_doc,
    kind_idea_doc,
    kind_followup_doc,
    kind_person_doc,
    right_receive,
    right_create,
    right_modify,
    reach_in_scope,
    reach_own,
}

impl Texts {
    /// A campaign kind's name.
    pub fn kind_name(&self, kind: CampaignKind) -> &'static str {
        match kind {
            CampaignKind::DoorToDoor => self.kind_door_to_door,
            CampaignKind::IdeaCollection => self.kind_idea_collection,
            CampaignKind::StreetStand => self.kind_street_stand,
            CampaignKind::ExploratoryWalk => self.kind_exploratory_walk,
        }
    }
}
