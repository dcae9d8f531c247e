//! Logging in and out, and choosing the pages' language.

use super::form::Fields;
use super::i18n::Lang;
use super::layout::{PageError, notice, shell};
use super::session::{LANG_COOKIE, SESSION_COOKIE, cookie};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

fn login_page(lang: Lang, error: Option<&str>) -> Markup {
    let t = lang.texts();
    shell(
        lang,
        t.log_in,
        html! {
            main.narrow {
                h1 { "Palier" }
                p { (t.office_tagline) }
                @if let Some(error) = error { (notice("error", error)) }
                form method="post" action="/office/login" {
                    label for="email" { (t.email) }
                    input #email type="email" name="email" autocomplete="username" required;
                    label for="password" { (t.password) }
                    input #password type="password" name="password" autocomplete="current-password" required;
                    button type="submit" { (t.log_in) }
                }
                p { a href=(format!("/office/lang/{}", lang.other().tag())) lang=(lang.other().tag()) { (lang.other().name()) } }
            }
        },
    )
}

/// `GET /office/login`.
pub async fn form(lang: Lang) -> Markup {
    login_page(lang, None)
}

/// `POST /office/login`: opens a session and sets its cookie.
pub async fn submit(State(state): State<AppState>, lang: Lang, body: Bytes) -> Response {
    let fields = Fields::parse(&body);
    let (email, password) = (fields.get("email"), fields.raw("password"));
    let control = state.control.clone();
    let outcome = tokio::task::spawn_blocking(move || control.login(&email, &password)).await;
    match outcome {
        Ok(Ok(Some((token, _)))) => (
            [(
                header::SET_COOKIE,
                format!("{SESSION_COOKIE}={token}; Path=/office; HttpOnly; SameSite=Strict"),
            )],
            Redirect::to("/office"),
        )
            .into_response(),
        Ok(Ok(None)) => (
            StatusCode::UNAUTHORIZED,
            login_page(lang, Some(lang.texts().wrong_login)),
        )
            .into_response(),
        Ok(Err(e)) => PageError::Internal(e.into()).into_response(),
        Err(e) => PageError::Internal(e.into()).into_response(),
    }
}

/// `POST /office/logout`: ends the session.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let control = state.control.clone();
        if let Ok(Err(e)) = tokio::task::spawn_blocking(move || control.logout(&token)).await {
            return PageError::Internal(e.into()).into_response();
        }
    }
    (
        [(
            header::SET_COOKIE,
            format!("{SESSION_COOKIE}=; Path=/office; HttpOnly; SameSite=Strict; Max-Age=0"),
        )],
        Redirect::to("/office/login"),
    )
        .into_response()
}

/// `GET /office/lang/{lang}`: remembers the language and goes back.
pub async fn choose_language(Path(tag): Path<String>, headers: HeaderMap) -> Response {
    let lang = Lang::parse(&tag).unwrap_or_default();
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("/office").map(|i| r[i..].to_string()))
        .filter(|p| !p.starts_with("/office/lang"))
        .unwrap_or_else(|| "/office".to_string());
    (
        [(
            header::SET_COOKIE,
            format!(
                "{LANG_COOKIE}={}; Path=/office; SameSite=Strict; Max-Age=31536000",
                lang.tag()
            ),
        )],
        Redirect::to(&back),
    )
        .into_response()
}
