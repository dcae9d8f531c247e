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

    /// The results pages' catalogue.
    pub fn results(self) -> &'static ResultsTexts {
        match self {
            Lang::Fr => &fr::RESULTS,
            Lang::En => &en::RESULTS,
        }
    }

    /// The header of an export's column, from its stable name (the
    /// GeoJSON and open-data JSON keep stable names: they are read by
    /// programs); unknown ones as they are.
    pub fn column(self, code: &'static str) -> &'static str {
        match self {
            Lang::Fr => fr::column(code),
            Lang::En => en::column(code),
        }
        .unwrap_or(code)
    }

    /// A file name's word for an export, from its stable name.
    pub fn file_word(self, code: &'static str) -> &'static str {
        match self {
            Lang::Fr => fr::file_word(code),
            Lang::En => en::file_word(code),
        }
        .unwrap_or(code)
    }

    /// The ideas pages' catalogue.
    pub fn ideas(self) -> &'static IdeasTexts {
        match self {
            Lang::Fr => &fr::IDEAS,
            Lang::En => &en::IDEAS,
        }
    }

    /// The territory import's catalogue (columns, formats).
    pub fn import(self) -> &'static ImportTexts {
        match self {
            Lang::Fr => &fr::IMPORT,
            Lang::En => &en::IMPORT,
        }
    }

    /// The volunteers page's catalogue.
    pub fn volunteers(self) -> &'static VolunteersTexts {
        match self {
            Lang::Fr => &fr::VOLUNTEERS,
            Lang::En => &en::VOLUNTEERS,
        }
    }

    /// The privacy pages' catalogue (notice, register, journal, records).
    pub fn privacy(self) -> &'static PrivacyTexts {
        match self {
            Lang::Fr => &fr::PRIVACY,
            Lang::En => &en::PRIVACY,
        }
    }

    /// The sortition pages' catalogue.
    pub fn sortition(self) -> &'static SortitionTexts {
        match self {
            Lang::Fr => &fr::SORTITION,
            Lang::En => &en::SORTITION,
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
    zone,
    zone_sectors,
    zone_town,
    zone_give_town,
    zone_take_town,
    zone_code_town,
    zone_hint,
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
    archived_campaigns,
    archive,
    unarchive,
    archive_hint,
    archived_hint,
    question_one,
    dates_reversed,
    reason,
    rejected_rows,
    required,
    revoke,
    revoked,
    revoke_confirm,
    revoke_confirm_unsynced,
    role,
    role_agent,
    role_ambassador,
    role_coordinator,
    role_elected,
    role_dpo,
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

macro_rules! results_texts {
    ($($name:ident),* $(,)?) => {
        /// The texts of the results pages (dashboard, map, comparison,
        /// follow-ups, exports, open data, reports) and every figure's
        /// name and definition.
        pub struct ResultsTexts {
            $(
                #[doc = stringify!($name)]
                pub $name: &'static str,
            )*
        }
    };
}

results_texts! {
    no_doors,
    answers,
    answers_title,
    answers_none,
    answers_asked,
    answers_changed,
    answers_condition,
    answers_mean_median,
    answers_free_count,
    answers_read,
    answers_texts_title,
    answers_texts_none,
    answers_texts_cut,
    answers_back,
    def_answers_asked,
    def_answers_share,
    def_answers_multiple,
    def_answers_scale,
    def_answers_free,
    answers_by,
    answers_by_none,
    answers_by_age,
    answers_by_language,
    answers_by_neighbourhood,
    answers_not_noted,
    answers_answered,
    answers_total,
    answers_masked,
    def_answers_cross,
    export_answers,
    export_answers_hint,
    export_answer_counts,
    open_data_answers,
    results,
    dashboard,
    map,
    compare,
    follow_ups,
    reports,
    exports,
    campaign,
    period_from,
    period_until,
    sector,
    neighbourhood,
    all,
    apply,
    no_campaign,
    key_figures,
    by_neighbourhood,
    by_sector,
    by_building,
    outcomes_by_pass,
    pass,
    outcome,
    topics_by_neighbourhood,
    topic,
    count,
    follow_ups_by_service,
    service,
    status,
    ideas_by_category,
    category,
    place,
    no_place,
    no_neighbourhood,
    publics,
    per_agent,
    agent,
    quality,
    quality_none,
    rapid_flag,
    outlier_flag,
    phones,
    phone,
    last_sync,
    never,
    unsynced_reported,
    definitions,
    as_of,
    unreadable,
    none,
    unknown_agent,
    coverage_legend,
    map_hint,
    compare_hint,
    compare_answers,
    compare_answers_hint,
    compare_answers_none,
    compare_pair_none,
    compare_answers_apply,
    compare_choose,
    over_time,
    week,
    export_csv,
    export_csv_fr,
    export_geojson,
    export_buildings,
    export_neighbourhoods,
    export_visits,
    export_open_data,
    exports_hint,
    ideas_kind_suffix,
    open_data_title,
    open_data_metadata,
    open_data_rule,
    masked,
    total,
    download,
    follow_ups_title,
    follow_up,
    description,
    building,
    raised,
    updated,
    history,
    note,
    note_hint,
    change_status,
    status_changed,
    no_follow_ups,
    report_title,
    report_for,
    report_hint,
    report_print,
    verbatims,
    quote_candidates,
    quotes_hint,
    quote_choose,
    quote_remove,
    quotes_full,
    whole_territory,
    status_open,
    status_forwarded,
    status_in_progress,
    status_resolved,
    status_declined,
    outcome_not_home,
    outcome_talked,
    outcome_refused,
    outcome_no_access,
    outcome_come_back,
    outcome_vacant,
    fig_doors,
    def_doors,
    fig_doors_reached,
    def_doors_reached,
    fig_coverage,
    def_coverage,
    fig_doors_talked,
    def_doors_talked,
    fig_contact_rate,
    def_contact_rate,
    fig_visits,
    def_visits,
    fig_outcomes_by_pass,
    def_outcomes_by_pass,
    fig_topics,
    def_topics,
    fig_follow_ups,
    def_follow_ups,
    fig_ideas,
    def_ideas,
    fig_under_25,
    def_under_25,
    fig_over_65,
    def_over_65,
    fig_not_french,
    def_not_french,
    fig_per_agent,
    def_per_agent,
    fig_rapid,
    def_rapid,
    fig_outlier,
    def_outlier,
    fig_phones,
    def_phones,
}

macro_rules! ideas_texts {
    ($($name:ident),* $(,)?) => {
        /// The texts of the ideas pages.
        pub struct IdeasTexts {
            $(
                #[doc = stringify!($name)]
                pub $name: &'static str,
            )*
        }
    };
}

ideas_texts! {
    fig_collected,
    fig_collected_def,
    fig_distinct,
    fig_distinct_def,
    fig_by_category_def,
    fig_by_place_def,
    fig_by_status_def,
    fig_by_age_def,
    by_place,
    by_status,
    by_age_band,
    age_not_said,
    age_under_15,
    age_15_24,
    age_25_64,
    age_65_plus,
    see_ideas,
    reviewed_ideas,
    collection_report_hint,
    menu,
    title,
    no_campaign,
    filters,
    category,
    status,
    neighbourhood,
    all,
    apply,
    by_category,
    by_neighbourhood,
    map,
    map_hint,
    not_placed,
    none,
    collected,
    place,
    cost,
    proposer,
    merged_ideas,
    change_status,
    reason,
    reason_hint,
    merge_into,
    merge,
    separate,
    changed,
    merged,
    export_csv,
    export_csv_fr,
    export_geojson,
    decidim_title,
    decidim_hint,
    decidim_column,
    decidim_in_body,
    decidim_category_id,
    decidim_taxonomies,
    decidim_id_for,
    download_decidim,
    err_reason_needed,
    err_unknown_idea,
    err_ambiguous_idea,
    merge_hint,
    err_itself,
    err_other_campaign,
    err_kept_is_duplicate,
    status_received,
    status_eligible,
    status_not_eligible,
    status_put_to_vote,
    status_funded,
    categories,
    categories_hint,
    places,
    places_hint,
    cost_under_10k,
    cost_10k_50k,
    cost_50k_150k,
    cost_over_150k,
}

macro_rules! volunteers_texts {
    ($($name:ident),* $(,)?) => {
        /// The texts of the volunteers page.
        pub struct VolunteersTexts {
            $(
                #[doc = stringify!($name)]
                pub $name: &'static str,
            )*
        }
    };
}

volunteers_texts! {
    menu,
    title,
    hint,
    purpose,
    all,
    apply,
    none,
    name,
    contact,
    consents,
    signed_up,
    kept_until,
    withdraw,
    withdrawn,
    withdrawn_done,
    erase,
    purpose_neighbourhood_council,
    purpose_workshop,
    purpose_citizens_assembly,
    purpose_feedback,
    not_consenting,
    find_menu,
    find_title,
    find_hint,
    find_words,
    find_address,
    find_door,
    find_submit,
    find_too_short,
    found_persons,
    found_visits,
    found_follow_ups,
    found_draws,
    found_nothing,
    found_truncated,
    matched_door,
    matched_verbatim,
    matched_answer,
    see_volunteer,
    erase_pick_hint,
    erase_tick,
    erase_prepare,
    erase_nothing_ticked,
    erase_nothing_found,
    erase_plan_title,
    erase_plan_persons,
    erase_plan_visits,
    erase_plan_what,
    erase_plan_kept,
    erase_plan_draws,
    erase_plan_follow_ups,
    erase_plan_phones,
    erase_plan_backups,
    erase_plan_truncated,
    erase_confirm_question,
    erase_confirm_button,
    erase_cancel,
    erase_done,
    erase_plan_unfinished,
    erase_door,
    visited_on,
    due_title,
    due_hint,
    due_after_withdrawal,
    ledger,
    ledger_consent,
    ledger_withdrawal,
    ledger_notice,
    ledger_no_notice,
}

macro_rules! privacy_texts {
    ($($name:ident),* $(,)?) => {
        /// The texts of the privacy pages. Texts with `{name}` holes are
        /// filled with `str::replace`.
        pub struct PrivacyTexts {
            $(
                #[doc = stringify!($name)]
                pub $name: &'static str,
            )*
        }
    };
}

privacy_texts! {
    menu,
    notice_title,
    notice_hint,
    notice_in_force,
    notice_none,
    notice_public_link,
    notice_short,
    notice_full,
    notice_consent,
    notice_language_optional,
    notice_publish,
    notice_published,
    notice_versions,
    notice_version,
    notice_published_at,
    notice_languages,
    notice_hash,
    notice_french_missing,
    notice_incomplete,
    notice_gap_left,
    notice_too_long,
    notice_unchanged,
    notice_bad_language,
    language_fr,
    language_en,
    language_ar,
    nav_notice,
    nav_requests,
    nav_journal,
    nav_records,
    journal_title,
    journal_hint,
    journal_when,
    journal_who,
    journal_what,
    journal_server,
    journal_empty,
    journal_from,
    journal_to,
    journal_show,
    j_opened_volunteers,
    j_searched_resident,
    j_opened_subject_access,
    j_exported,
    j_erased,
    j_withdrew,
    j_rectified,
    j_published_notice,
    j_changed_retention,
    j_drew,
    j_request,
    j_purged,
    export_reason,
    export_reason_missing,
    export_download,
    export_separator,
    req_title,
    req_hint,
    req_summary,
    req_new,
    req_kind,
    req_received,
    req_reference,
    req_reference_hint,
    req_record,
    req_recorded,
    req_none,
    req_due,
    req_standing,
    req_state,
    req_who,
    req_extend,
    req_extend_reason,
    req_close_done,
    req_close_refused,
    req_due_in,
    req_due_today,
    req_overdue,
    req_closed,
    req_extended,
    req_refused_kind,
    req_refused_day,
    req_refused_long,
    req_refused_reason,
    req_refused_again,
    req_refused_closed,
    req_kind_access,
    req_kind_rectification,
    req_kind_erasure,
    req_kind_objection,
    req_kind_withdrawal,
    req_state_open,
    req_state_done,
    req_state_refused,
    req_tools,
    access_link,
    access_title,
    access_hint,
    access_person,
    access_contacts,
    access_consents,
    access_visits,
    access_follow_ups,
    access_draws,
    access_json,
    access_print,
    access_nothing,
    access_drawn,
    access_in_pool,
    access_kept_until,
    access_verbatim,
    access_answers,
    access_topics,
    access_profile,
    rectify_title,
    rectify_hint,
    rectify_save,
    rectified,
    rectify_refused,
    rectify_phone,
    nav_retention,
    ret_title,
    ret_hint,
    ret_contact,
    ret_contact_hint,
    ret_words,
    ret_words_hint,
    ret_assembly,
    ret_assembly_hint,
    ret_without_consent,
    ret_without_consent_hint,
    ret_save,
    ret_saved,
    ret_refused_period,
    ret_refused_day,
    ret_due,
    ret_days,
    ret_runs,
    rec_title,
    rec_hint,
    rec_controller,
    rec_dpo,
    rec_purpose,
    rec_basis,
    rec_persons,
    rec_data,
    rec_recipients,
    rec_retention,
    rec_p_conversations,
    rec_p_volunteers,
    rec_p_assembly,
    rec_p_ideas,
    rec_who_conversations,
    rec_who_volunteers,
    rec_who_assembly,
    rec_who_ideas,
    rec_what_conversations,
    rec_what_volunteers,
    rec_what_assembly,
    rec_what_ideas,
    rec_basis_public,
    rec_basis_consent,
    rec_keep_campaign,
    rec_keep_contact,
    rec_keep_assembly,
    rec_keep_assembly_unset,
    rec_keep_record,
    rec_office,
    rec_phones_title,
    rec_no_phone,
    rec_reach_all,
    rec_reach_scope,
    rec_reach_own,
    rec_kind_campaign,
    rec_kind_neighbourhood,
    rec_kind_building,
    rec_kind_sector,
    rec_kind_visits,
    rec_kind_idea,
    rec_kind_follow_up,
    rec_kind_person,
    rec_security_title,
    rec_security,
    rec_download,
    ideas_with_school,
    j_exported_plain,
    rec_phones_lead,
    req_refused_late,
    j_opened_follow_ups,
    j_opened_free_answers,
}

impl PrivacyTexts {
    /// A request's kind, from its stable name.
    pub fn request_kind(&self, name: &str) -> &'static str {
        match name {
            "access" => self.req_kind_access,
            "rectification" => self.req_kind_rectification,
            "erasure" => self.req_kind_erasure,
            "objection" => self.req_kind_objection,
            _ => self.req_kind_withdrawal,
        }
    }

    /// A request's state, from its stable name.
    pub fn request_state(&self, name: &str) -> &'static str {
        match name {
            "done" => self.req_state_done,
            "refused" => self.req_state_refused,
            _ => self.req_state_open,
        }
    }

    /// A notice language's name, in the office's language.
    pub fn language(&self, tag: &str) -> &'static str {
        match tag {
            "en" => self.language_en,
            "ar" => self.language_ar,
            _ => self.language_fr,
        }
    }
}

macro_rules! sortition_texts {
    ($($name:ident),* $(,)?) => {
        /// The texts of the sortition pages.
        pub struct SortitionTexts {
            $(
                #[doc = stringify!($name)]
                pub $name: &'static str,
            )*
        }
    };
}

sortition_texts! {
    menu,
    title,
    hint,
    pool,
    pool_counts,
    without_visit,
    expired,
    young,
    minors_left_out,
    categories,
    categories_hint,
    neighbourhood,
    age,
    question,
    choose_categories,
    panel_size,
    reserves,
    seed,
    seed_hint,
    quotas,
    quotas_hint,
    value,
    in_pool,
    min,
    max,
    population,
    slack,
    slack_hint,
    draw,
    drawing,
    past_draws,
    none_yet,
    result,
    published,
    algorithm,
    algorithm_words,
    fingerprint,
    lowest,
    best_possible,
    greedy_lowest,
    greedy_hint,
    panel,
    reserve_list,
    probabilities,
    probabilities_hint,
    member,
    contact,
    traits,
    probability,
    greedy,
    download_record,
    download_published,
    infeasible,
    suggest,
    asked,
    possible,
    too_few_households,
    empty,
    bad_quota,
    no_quota,
    too_large,
    solver,
    seed_needed,
    distribution_panels,
    rerun_hint,
}

impl VolunteersTexts {
    /// A consent purpose's name.
    pub fn purpose(&self, purpose: shared::domain::ConsentPurpose) -> &'static str {
        use shared::domain::ConsentPurpose as P;
        match purpose {
            P::NeighbourhoodCouncil => self.purpose_neighbourhood_council,
            P::Workshop => self.purpose_workshop,
            P::CitizensAssembly => self.purpose_citizens_assembly,
            P::Feedback => self.purpose_feedback,
        }
    }
}

impl IdeasTexts {
    /// An idea status's name, from its stable name (unknown ones as is).
    pub fn status<'a>(&self, status: &'a str) -> &'a str {
        use shared::domain::IdeaStatus as S;
        match S::parse(status) {
            Some(S::Received) => self.status_received,
            Some(S::Eligible) => self.status_eligible,
            Some(S::NotEligible) => self.status_not_eligible,
            Some(S::PutToVote) => self.status_put_to_vote,
            Some(S::Funded) => self.status_funded,
            None => status,
        }
    }

    /// A proposer's age band's name, from its stable name (`None`: not
    /// said; unknown ones as they are).
    pub fn age<'a>(&self, band: Option<&'a str>) -> &'a str {
        use shared::domain::AgeBand as A;
        let Some(band) = band else {
            return self.age_not_said;
        };
        match A::parse(band) {
            Some(A::Under15) => self.age_under_15,
            Some(A::From15To24) => self.age_15_24,
            Some(A::From25To64) => self.age_25_64,
            Some(A::Over65) => self.age_65_plus,
            None => band,
        }
    }

    /// A cost band's name, from its stable name (unknown ones as is).
    pub fn cost<'a>(&self, band: &'a str) -> &'a str {
        use shared::domain::CostBand as B;
        match B::parse(band) {
            Some(B::Under10k) => self.cost_under_10k,
            Some(B::From10kTo50k) => self.cost_10k_50k,
            Some(B::From50kTo150k) => self.cost_50k_150k,
            Some(B::Over150k) => self.cost_over_150k,
            None => band,
        }
    }
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

impl ResultsTexts {
    /// A figure's name and definition.
    pub fn figure(&self, figure: crate::consolidate::Figure) -> (&'static str, &'static str) {
        use crate::consolidate::Figure as F;
        match figure {
            F::Doors => (self.fig_doors, self.def_doors),
            F::DoorsReached => (self.fig_doors_reached, self.def_doors_reached),
            F::Coverage => (self.fig_coverage, self.def_coverage),
            F::DoorsTalked => (self.fig_doors_talked, self.def_doors_talked),
            F::ContactRate => (self.fig_contact_rate, self.def_contact_rate),
            F::Visits => (self.fig_visits, self.def_visits),
            F::OutcomesByPass => (self.fig_outcomes_by_pass, self.def_outcomes_by_pass),
            F::TopicsByNeighbourhood => (self.fig_topics, self.def_topics),
            F::FollowUps => (self.fig_follow_ups, self.def_follow_ups),
            F::Ideas => (self.fig_ideas, self.def_ideas),
            F::Under25 => (self.fig_under_25, self.def_under_25),
            F::Over65 => (self.fig_over_65, self.def_over_65),
            F::NotFrench => (self.fig_not_french, self.def_not_french),
            F::PerAgent => (self.fig_per_agent, self.def_per_agent),
            F::RapidVisits => (self.fig_rapid, self.def_rapid),
            F::ContactRateOutlier => (self.fig_outlier, self.def_outlier),
            F::Phones => (self.fig_phones, self.def_phones),
        }
    }

    /// A follow-up status's name, from its stable name (unknown ones as is).
    pub fn status<'a>(&self, status: &'a str) -> &'a str {
        use shared::domain::FollowUpStatus as S;
        match S::parse(status) {
            Some(S::Open) => self.status_open,
            Some(S::Forwarded) => self.status_forwarded,
            Some(S::InProgress) => self.status_in_progress,
            Some(S::Resolved) => self.status_resolved,
            Some(S::Declined) => self.status_declined,
            None => status,
        }
    }

    /// An outcome's name, from its stable name (unknown ones as is).
    pub fn outcome<'a>(&self, outcome: &'a str) -> &'a str {
        use shared::domain::Outcome as O;
        match O::parse(outcome) {
            Some(O::NotHome) => self.outcome_not_home,
            Some(O::Talked) => self.outcome_talked,
            Some(O::Refused) => self.outcome_refused,
            Some(O::NoAccess) => self.outcome_no_access,
            Some(O::ComeBack) => self.outcome_come_back,
            Some(O::Vacant) => self.outcome_vacant,
            None => outcome,
        }
    }
}

macro_rules! import_texts {
    ($($name:ident),* $(,)?) => {
        /// The texts of the territory import's columns and formats.
        pub struct ImportTexts {
            $(
                #[doc = stringify!($name)]
                pub $name: &'static str,
            )*
        }
    };
}

import_texts! {
    problem_missing_entrance,
    blank_entrances,
    blank_entrance_for,
    blank_entrance_hold,
    repeated_rows,
    repeated_row,
    header_row,
    line_n,
    header_row_hint,
    meaning_ignored,
    meaning_key,
    meaning_address,
    meaning_estate,
    meaning_landlord,
    meaning_commune,
    meaning_building_code,
    meaning_entrance,
    meaning_entrance_count,
    meaning_floors,
    meaning_dwellings,
    meaning_level,
    meaning_door,
    meaning_door_code,
    meaning_x,
    meaning_y,
    meaning_longitude,
    meaning_latitude,
    meaning_crs,
    meaning_neighbourhood,
    meaning_name,
    meaning_code,
    columns_of,
    header,
    example,
    meaning,
    shape_per_entrance,
    shape_per_building,
    shape_per_dwelling,
    source_guessed,
    source_remembered,
    source_chosen,
    missing_meanings,
    sheet,
    reread,
    leave_out,
    leave_out_hint,
    held_back,
    more_rejected,
    visited_lost,
    visited_lost_item,
    file_archive,
    file_inflated,
    file_not_what_it_says,
    file_unknown_zip,
    file_workbook,
    file_too_many_columns,
    too_many_files,
    unnamed_column,
    file_too_many_sheets,
    file_too_many_dwellings,
    file_too_many_cells,
    file_geopackage,
    file_shapefile,
    problem_not_a_level,
    problem_unknown_crs,
    problem_shape_conflict,
    problem_elsewhere,
    problem_too_long,
    problem_duplicate_door,
}
