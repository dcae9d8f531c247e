//! Logging in and out, and choosing the pages' language.
//!
//! The login form is protected from login CSRF (another site logging the
//! browser into an account of its choosing) by a double-submit token: a
//! random value in an `HttpOnly` cookie scoped to the login path and in a
//! hidden field; a post whose two values differ, or that comes from another
//! origin, is refused. Attempts are throttled (`throttle`).

use super::form::Fields;
use super::i18n::Lang;
use super::layout::{PageError, notice, shell};
use super::session::{
    CSRF_PARAM, LANG_COOKIE, SESSION_COOKIE, cookie, csrf_token, query_param, same_origin,
    tokens_match,
};
use crate::AppState;
use crate::http::throttle::{ClientAddress, LoginError, log_in};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

/// The login form's double-submit cookie.
const LOGIN_COOKIE: &str = "palier_login";
/// Its hidden field.
const LOGIN_FIELD: &str = "login_csrf";

fn login_page(lang: Lang, form_token: &str, error: Option<&str>) -> Markup {
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
                    input type="hidden" name=(LOGIN_FIELD) value=(form_token);
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

/// The login page with a fresh form token in its cookie and field.
fn fresh_login(lang: Lang, status: StatusCode, error: Option<&str>) -> Response {
    let Ok(token) = crate::storage::secrets::new_token("lf") else {
        return PageError::Internal(anyhow::anyhow!("no randomness")).into_response();
    };
    (
        status,
        [(
            header::SET_COOKIE,
            format!("{LOGIN_COOKIE}={token}; Path=/office/login; HttpOnly; SameSite=Strict; Max-Age=3600"),
        )],
        login_page(lang, &token, error),
    )
        .into_response()
}

/// `GET /office/login`.
pub async fn form(lang: Lang) -> Response {
    fresh_login(lang, StatusCode::OK, None)
}

/// `POST /office/login`: opens a session and sets its cookie.
pub async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    from: ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let t = lang.texts();
    let fields = Fields::parse(&body);
    let form_token = fields.get(LOGIN_FIELD);
    let from_our_form = same_origin(&headers)
        && cookie(&headers, LOGIN_COOKIE)
            .is_some_and(|c| !c.is_empty() && tokens_match(&form_token, &c));
    if !from_our_form {
        return fresh_login(lang, StatusCode::FORBIDDEN, Some(t.login_form_expired));
    }
    let (email, password) = (fields.get("email"), fields.raw("password"));
    match log_in(&state, from, &email, password).await {
        Ok(Some((token, account))) => (
            [(
                header::SET_COOKIE,
                format!("{SESSION_COOKIE}={token}; Path=/office; HttpOnly; SameSite=Strict"),
            )],
            Redirect::to(super::access::home(account.role)),
        )
            .into_response(),
        Ok(None) => (
            StatusCode::UNAUTHORIZED,
            login_page(lang, &form_token, Some(t.wrong_login)),
        )
            .into_response(),
        Err(LoginError::Throttled(wait)) => {
            let text = t
                .too_many_attempts
                .replace("{minutes}", &wait.seconds().div_ceil(60).to_string());
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, wait.seconds().to_string())],
                login_page(lang, &form_token, Some(&text)),
            )
                .into_response()
        }
        Err(e) => PageError::Internal(e.into()).into_response(),
    }
}

/// `POST /office/logout`: ends the session (from our own page only, so
/// another site cannot log a coordinator out).
pub async fn logout(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let ours = same_origin(&headers)
            && query_param(&uri, CSRF_PARAM).is_some_and(|g| tokens_match(&g, &csrf_token(&token)));
        if !ours {
            return PageError::Forbidden(lang).into_response();
        }
        let control = state.control.clone();
        if let Ok(Err(e)) = tokio::task::spawn_blocking(move || control.logout(&token)).await {
            return PageError::Internal(e.into()).into_response();
        }
    }
    // The session goes, and with it what this browser remembered of it
    // (the campaigns last chosen, `remember.rs`).
    let mut response = Redirect::to("/office/login").into_response();
    for name in std::iter::once(SESSION_COOKIE).chain(super::remember::COOKIES) {
        let samesite = if name == SESSION_COOKIE {
            "Strict"
        } else {
            "Lax"
        };
        if let Ok(value) = header::HeaderValue::from_str(&format!(
            "{name}=; Path=/office; HttpOnly; SameSite={samesite}; Max-Age=0"
        )) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
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
