//! The information notice: the coordinator's page to read the version in
//! force and publish the next (`/office/privacy/notice`), and the public
//! page residents reach from the phones' QR code, without logging in
//! (`/avis/{municipality}`). Thin shells over `crate::notices`.

use super::form::Fields;
use super::layout::{PageError, date, notice};
use super::privacy::{Tab, privacy_page};
use super::session::{Office, PrivacyReader};
use crate::AppState;
use crate::notices::{self, Refusal, template};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use shared::domain::{MunicipalityId, Notice, NoticeText};

/// `GET /office/privacy/notice`.
pub async fn show(
    PrivacyReader(office): PrivacyReader,
    Query(query): Query<PageQuery>,
) -> Result<Markup, PageError> {
    let (notices, name) = office
        .with_control(move |control, municipality| {
            Ok((
                control.notices(municipality)?,
                control.municipality_name(municipality)?,
            ))
        })
        .await?;
    let form = notices::starting_texts(notices::in_force(&notices), &name);
    Ok(render(
        &office,
        &notices,
        &form,
        query.published.is_some(),
        None,
    ))
}

/// What the page's address may say.
#[derive(serde::Deserialize)]
pub struct PageQuery {
    /// Set after a publication.
    published: Option<String>,
}

fn render(
    office: &Office,
    notices: &[Notice],
    form: &[NoticeText],
    published: bool,
    refused: Option<&Refusal>,
) -> Markup {
    let t = office.lang.privacy();
    let in_force = notices::in_force(notices);
    let public = format!("/avis/{}", office.account.municipality.0);
    let body = html! {
        p.hint { (t.notice_hint) }
        @if published { (notice("ok", t.notice_published)) }
        @if let Some(refusal) = refused { (notice("error", refusal_words(office, refusal))) }
        @match in_force {
            Some(n) => p {
                (t.notice_in_force.replace("{version}", &n.version.to_string()).replace("{date}", &date(n.published_at)))
                " " (t.notice_public_link) " " a href=(public) { (public) }
            },
            None => (notice("error", t.notice_none)),
        }
        // The DPO reads the versions; coordinators publish.
        @if office.account.role == shared::api::Role::Coordinator {
        form.card method="post" action=(office.action("/office/privacy/notice")) {
            @for text in form {
                @let lang = text.language.as_str();
                @let dir = if template::is_rtl(lang) { "rtl" } else { "ltr" };
                fieldset.notice-language {
                    legend { (t.language(lang)) }
                    @if lang != "fr" { p.hint { (t.notice_language_optional) } }
                    label for=(format!("short-{lang}")) { (t.notice_short) }
                    textarea id=(format!("short-{lang}")) name=(format!("short_{lang}")) lang=(lang) dir=(dir) rows="4" maxlength=(notices::MAX_SHORT_CHARS) { (text.short) }
                    label for=(format!("full-{lang}")) { (t.notice_full) }
                    textarea id=(format!("full-{lang}")) name=(format!("full_{lang}")) lang=(lang) dir=(dir) rows="16" maxlength=(notices::MAX_FULL_CHARS) { (text.full) }
                    label for=(format!("consent-{lang}")) { (t.notice_consent) }
                    textarea id=(format!("consent-{lang}")) name=(format!("consent_{lang}")) lang=(lang) dir=(dir) rows="2" maxlength=(notices::MAX_CONSENT_CHARS) { (text.consent) }
                }
            }
            button.primary type="submit" { (t.notice_publish) }
        }
        }
        @if !notices.is_empty() {
            h2 { (t.notice_versions) }
            table {
                thead { tr {
                    th scope="col" { (t.notice_version) } th scope="col" { (t.notice_published_at) }
                    th scope="col" { (t.notice_languages) } th scope="col" { (t.notice_hash) }
                } }
                tbody {
                    @for n in notices.iter().rev() {
                        tr {
                            th scope="row" { a href=(format!("{public}?version={}", n.version)) { (n.version) } }
                            td { (date(n.published_at)) }
                            td { @for (i, text) in n.texts.iter().enumerate() { @if i > 0 { ", " } (t.language(&text.language)) } }
                            td { code { @for (i, text) in n.texts.iter().enumerate() { @if i > 0 { " · " } (text.hash(n.version).get(..12).unwrap_or("")) } } }
                        }
                    }
                }
            }
        }
    };
    privacy_page(office, Tab::Notice, t.notice_title, body)
}

fn refusal_words(office: &Office, refusal: &Refusal) -> &'static str {
    let t = office.lang.privacy();
    match refusal {
        Refusal::FrenchMissing => t.notice_french_missing,
        Refusal::Incomplete(_) => t.notice_incomplete,
        Refusal::GapLeft(_) => t.notice_gap_left,
        Refusal::TooLong(_) => t.notice_too_long,
        Refusal::Unchanged => t.notice_unchanged,
        Refusal::Language(_) => t.notice_bad_language,
    }
}

/// `POST /office/privacy/notice`: publishes the form as the next version,
/// or shows it again with what is wrong.
pub async fn publish(office: Office, body: Bytes) -> Result<Response, PageError> {
    let fields = Fields::parse(&body);
    let form: Vec<NoticeText> = template::LANGUAGES
        .iter()
        .map(|lang| NoticeText {
            language: lang.to_string(),
            short: fields.get(&format!("short_{lang}")),
            full: fields.get(&format!("full_{lang}")),
            consent: fields.get(&format!("consent_{lang}")),
        })
        .collect();
    let (by, now) = (office.account.id.clone(), office.state().clock.now());
    let outcome = office
        .with_control(move |control, municipality| {
            let notices = control.notices(municipality)?;
            match notices::plan(notices::in_force(&notices), &form) {
                Ok(texts) => {
                    let version = notices::apply(control, municipality, &texts, &by, now)?;
                    crate::journal::record(
                        control,
                        municipality,
                        &by,
                        now,
                        &crate::journal::Event::PublishedNotice { version },
                    )?;
                    Ok(Ok(()))
                }
                Err(refusal) => Ok(Err((refusal, notices, form))),
            }
        })
        .await?;
    match outcome {
        Ok(()) => Ok(Redirect::to("/office/privacy/notice?published=1").into_response()),
        Err((refusal, notices, form)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&office, &notices, &form, false, Some(&refusal)),
        )
            .into_response()),
    }
}

/// What the public page's address may say.
#[derive(serde::Deserialize)]
pub struct PublicQuery {
    /// The language (the notice's French if it has none in this one).
    lang: Option<String>,
    /// A version other than the one in force.
    version: Option<u32>,
}

/// `GET /avis/{municipality}`: the notice in force (or `?version=`), in
/// `?lang=`, for anyone: no session, no cookie set.
pub async fn public(
    State(state): State<AppState>,
    Path(municipality): Path<String>,
    Query(query): Query<PublicQuery>,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "no such notice").into_response();
    let Ok(municipality) = municipality.parse().map(MunicipalityId) else {
        return not_found();
    };
    let control = state.control.clone();
    let found = crate::http::auth::run_blocking(move || {
        if !control.municipalities()?.contains(&municipality) {
            return Ok(None);
        }
        Ok(Some((
            control.notices(municipality)?,
            control.municipality_name(municipality)?,
        )))
    })
    .await;
    let Ok(Some((notices, name))) = found else {
        return not_found();
    };
    let chosen = match query.version {
        Some(v) => notices.iter().find(|n| n.version == v),
        None => notices::in_force(&notices),
    };
    let Some(notice) = chosen else {
        return not_found();
    };
    let asked = query.lang.as_deref().unwrap_or("fr");
    let Some(text) = notice.text(asked) else {
        return not_found();
    };
    public_page(&name, notice, text).into_response()
}

fn public_page(municipality: &str, notice: &Notice, text: &NoticeText) -> Markup {
    let lang = text.language.as_str();
    let words = template::public_words(lang);
    let dir = if template::is_rtl(lang) { "rtl" } else { "ltr" };
    let title = words.title.replace("{ville}", municipality);
    let content = html! {
        main.public-notice lang=(lang) dir=(dir) {
            h1 { (title) }
            p.hint { (words.version_line.replace("{version}", &notice.version.to_string()).replace("{date}", &date(notice.published_at))) }
            @if notice.texts.len() > 1 {
                nav aria-label=(words.other_languages) {
                    @for other in &notice.texts {
                        @if other.language != lang {
                            a href=(format!("?lang={}&version={}", other.language, notice.version)) lang=(other.language) hreflang=(other.language) {
                                (template::public_words(&other.language).name)
                            }
                            " "
                        }
                    }
                }
            }
            p.lead { strong { (text.short) } }
            @for paragraph in text.full.split("\n\n") {
                p.notice-text { (paragraph) }
            }
            p.notice-text { (text.consent) }
        }
    };
    shell_in(lang, dir, &title, content)
}

/// The document around the public page, in the notice's own language
/// and direction (the office's shell speaks only French and English).
fn shell_in(lang: &str, dir: &str, title: &str, content: Markup) -> Markup {
    html! {
        (maud::DOCTYPE)
        html lang=(lang) dir=(dir) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/office/assets/office.css";
            }
            body { (content) }
        }
    }
}
