//! Who is at the office: the session cookie, the account behind it and the
//! language the pages speak. Handlers take an [`Office`], so a page cannot
//! forget to check that a coordinator is logged in, nor that a form was
//! posted from our own pages.
//!
//! Cross-site request forgery is stopped twice over, not by `SameSite`
//! alone: every state-changing request must come from our origin
//! (`Sec-Fetch-Site`, `Origin`) and carry the session's form token in its
//! URL (`?csrf=`, put there by [`Office::action`]). The token is derived
//! from the session token, which another site cannot read, so nothing more
//! is stored; it travels in the URL rather than the body so that uploads
//! (multipart) are checked before they are read, and request logs record
//! paths only.

use super::i18n::{Lang, Texts};
use super::layout::PageError;
use crate::AppState;
use crate::consolidate::Snapshot;
use crate::readmodel::ReadModel;
use crate::storage::control::Account;
use crate::storage::tenants::TenantStore;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use shared::api::Role;
use shared::sync::DocumentStore;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "palier_session";
/// The language cookie's name.
pub const LANG_COOKIE: &str = "palier_lang";

/// The query parameter carrying the form token.
pub const CSRF_PARAM: &str = "csrf";

/// The form token of a session.
pub fn csrf_token(session: &str) -> String {
    let digest = Sha256::digest(format!("palier office form:{session}").as_bytes());
    hex::encode(&digest[..16])
}

/// Whether a request says it comes from one of our own pages: a browser
/// sends `Sec-Fetch-Site` and, on a POST, `Origin`; either naming another
/// site is refused.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let site_ok = headers
        .get("sec-fetch-site")
        .is_none_or(|v| matches!(v.as_bytes(), b"same-origin" | b"none"));
    let origin_ok = headers.get(header::ORIGIN).is_none_or(|origin| {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .is_some_and(|(_, rest)| Some(rest) == host)
    });
    site_ok && origin_ok
}

/// A query parameter of a request.
pub fn query_param(uri: &axum::http::Uri, name: &str) -> Option<String> {
    form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Constant-time comparison of two tokens.
pub fn tokens_match(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Whether a state-changing request carries the session's form token and
/// comes from our origin.
pub fn form_allowed(parts: &Parts, session: &str) -> bool {
    same_origin(&parts.headers)
        && query_param(&parts.uri, CSRF_PARAM)
            .is_some_and(|given| tokens_match(&given, &csrf_token(session)))
}

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(cookie(&parts.headers, LANG_COOKIE)
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default())
    }
}

/// A coordinator logged in at the office.
pub struct Office {
    /// Their account.
    pub account: Account,
    /// The language of the pages.
    pub lang: Lang,
    /// The texts in that language.
    pub t: &'static Texts,
    csrf: String,
    state: AppState,
}

impl Office {
    async fn extract(
        parts: &mut Parts,
        state: &AppState,
        audience: super::access::Audience,
    ) -> Result<Self, Response> {
        let Ok(lang) = Lang::from_request_parts(parts, state).await;
        let to_login = || Redirect::to("/office/login").into_response();
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        let csrf = csrf_token(&token);
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD);
        let form_ok = !unsafe_method || form_allowed(parts, &token);
        let control = state.control.clone();
        let account = tokio::task::spawn_blocking(move || control.session(&token))
            .await
            .map_err(|e| PageError::Internal(e.into()).into_response())?
            .map_err(|e| PageError::Internal(e.into()).into_response())?
            .ok_or_else(to_login)?;
        let role_ok = super::access::may_request(account.role, audience, unsafe_method);
        if !role_ok || !form_ok {
            return Err(PageError::Forbidden(lang).into_response());
        }
        Ok(Office {
            account,
            lang,
            t: lang.texts(),
            csrf,
            state: state.clone(),
        })
    }

    /// Whether this office is shown `part` of a page.
    pub fn sees(&self, part: super::access::Part) -> bool {
        super::access::sees(self.account.role, part)
    }
}

impl FromRequestParts<AppState> for Office {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        Office::extract(parts, state, super::access::Audience::Coordinators).await
    }
}

/// Someone at the office who may read the consolidated figures: a
/// coordinator, or an elected official (who may only read, and only these
/// pages: the dashboard, the map, the comparison and the reports).
pub struct Reader(pub Office);

impl FromRequestParts<AppState> for Reader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        Office::extract(parts, state, super::access::Audience::Readers)
            .await
            .map(Reader)
    }
}

/// Someone at the office who may read the privacy pages (the requests
/// register, the journal, the records of processing, the notice): a
/// coordinator, or the data protection officer (who may only read).
pub struct PrivacyReader(pub Office);

impl FromRequestParts<AppState> for PrivacyReader {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        Office::extract(parts, state, super::access::Audience::PrivacyReaders)
            .await
            .map(PrivacyReader)
    }
}

impl Office {
    /// Where a form posts to: `path` with the session's form token.
    pub fn action(&self, path: &str) -> String {
        format!("{path}?{CSRF_PARAM}={}", self.csrf)
    }

    /// Runs `f` on the control data for this account's municipality, on a
    /// blocking thread.
    pub async fn with_control<T: Send + 'static>(
        &self,
        f: impl FnOnce(
            &crate::storage::control::Control,
            shared::domain::MunicipalityId,
        ) -> Result<T, crate::storage::control::ControlError>
        + Send
        + 'static,
    ) -> Result<T, PageError> {
        let (control, municipality) = (self.state.control.clone(), self.account.municipality);
        tokio::task::spawn_blocking(move || f(&control, municipality))
            .await
            .map_err(|e| PageError::Internal(e.into()))?
            .map_err(|e| PageError::Internal(e.into()))
    }

    /// Records in the journal what this account did with personal data.
    pub async fn journal(&self, event: crate::journal::Event) -> Result<(), PageError> {
        let control = self.state.control.clone();
        let (municipality, account) = (self.account.municipality, self.account.id.clone());
        let at = self.state.clock.now();
        crate::http::auth::run_blocking(move || {
            crate::journal::record(&control, municipality, &account, at, &event)
        })
        .await
        .map_err(|e| PageError::Internal(anyhow::anyhow!("journal: {e:?}")))
    }

    /// The server's state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The municipality's store.
    pub fn store(&self) -> Result<TenantStore, PageError> {
        Ok(self.state.tenants.store(self.account.municipality)?)
    }

    /// Runs `f` on the municipality's store, on a blocking thread.
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn DocumentStore) -> Result<T, PageError> + Send + 'static,
    ) -> Result<T, PageError> {
        let store = self.store()?;
        let result = tokio::task::spawn_blocking(move || {
            let mut store = store.get().map_err(|e| PageError::Internal(e.into()))?;
            f(&mut *store)
        })
        .await
        .map_err(|e| PageError::Internal(e.into()))?;
        // What the office wrote reaches its figures without waiting for a
        // page to ask. A read model that cannot open must not turn a write
        // already committed into an error.
        if result.is_ok()
            && self.account.role == Role::Coordinator
            && self.state.config.read_model == crate::config::Projection::Eager
        {
            match self.read_model() {
                Ok(model) => model.nudge(),
                Err(error) => tracing::error!(error = ?error, "cannot open the read model"),
            }
        }
        result
    }

    /// The municipality's read model.
    pub fn read_model(&self) -> Result<ReadModel, PageError> {
        Ok(self.state.tenants.read_model(self.account.municipality)?)
    }

    /// Runs `f` on one snapshot of the municipality's read model, brought
    /// up to date first, on a blocking thread. Never takes the store's
    /// lock: a phone's sync does not wait for an office read.
    pub async fn with_read_model<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Snapshot) -> Result<T, PageError> + Send + 'static,
    ) -> Result<T, PageError> {
        let model = self.read_model()?;
        tokio::task::spawn_blocking(move || f(&Snapshot::take(&model)?))
            .await
            .map_err(|e| PageError::Internal(e.into()))?
    }
}
