//! Who is at the office: the session cookie, the account behind it and the
//! language the pages speak. Handlers take an [`Office`], so a page cannot
//! forget to check that a coordinator is logged in.

use super::i18n::{Lang, Texts};
use super::layout::PageError;
use crate::AppState;
use crate::control::Account;
use crate::tenants::TenantStore;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use shared::api::Role;
use shared::store::Store;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "palier_session";
/// The language cookie's name.
pub const LANG_COOKIE: &str = "palier_lang";

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
    state: AppState,
}

impl FromRequestParts<AppState> for Office {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(lang) = Lang::from_request_parts(parts, state).await;
        let to_login = || Redirect::to("/office/login").into_response();
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        let control = state.control.clone();
        let account = tokio::task::spawn_blocking(move || control.session(&token))
            .await
            .map_err(|e| PageError::Internal(e.into()).into_response())?
            .map_err(|e| PageError::Internal(e.into()).into_response())?
            .ok_or_else(to_login)?;
        if account.role != Role::Coordinator {
            return Err(PageError::Forbidden(lang).into_response());
        }
        Ok(Office {
            account,
            lang,
            t: lang.texts(),
            state: state.clone(),
        })
    }
}

impl Office {
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
        f: impl FnOnce(&mut Store) -> Result<T, PageError> + Send + 'static,
    ) -> Result<T, PageError> {
        let store = self.store()?;
        tokio::task::spawn_blocking(move || {
            let mut store = store.lock().map_err(|e| PageError::Internal(e.into()))?;
            f(&mut store)
        })
        .await
        .map_err(|e| PageError::Internal(e.into()))?
    }
}
