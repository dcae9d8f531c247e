//! The office remembers the campaign a coordinator last chose, per area
//! (results pages, ideas), so that every page does not open on the
//! default campaign again: a cookie set when a page is asked for with a
//! `campaign`, put back into the query when a page is asked for without
//! one. Only an id's characters are kept; a page still checks that the
//! campaign exists and falls back to its default otherwise.

use super::session::cookie;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, Uri, header};
use axum::middleware::Next;
use axum::response::Response;

/// The cookie remembering the results pages' campaign.
const CAMPAIGN: &str = "palier_campaign";
/// The cookie remembering the ideas page's collection.
const COLLECTION: &str = "palier_collection";
/// Every cookie this module sets, which logging out clears.
pub const COOKIES: [&str; 2] = [CAMPAIGN, COLLECTION];

/// The pages that read a `campaign` from their query, and the cookie that
/// remembers it for them.
fn area(path: &str) -> Option<&'static str> {
    match path {
        "/office/dashboard"
        | "/office/dashboard/map"
        | "/office/dashboard/compare"
        | "/office/reports"
        | "/office/exports"
        | "/office/follow-ups" => Some(CAMPAIGN),
        "/office/ideas" => Some(COLLECTION),
        _ => None,
    }
}

/// A campaign id as the pages write it: 32 hex digits, dashes allowed.
fn plausible(id: &str) -> bool {
    !id.is_empty() && id.len() <= 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// The middleware.
pub async fn campaign(mut request: Request, next: Next) -> Response {
    let Some(name) = area(request.uri().path()).filter(|_| request.method() == Method::GET) else {
        return next.run(request).await;
    };
    let query = request.uri().query().unwrap_or("").to_string();
    let asked = form_urlencoded::parse(query.as_bytes())
        .find(|(k, v)| k == "campaign" && !v.is_empty())
        .map(|(_, v)| v.into_owned());
    match &asked {
        None => {
            if let Some(kept) = cookie(request.headers(), name).filter(|c| plausible(c)) {
                let path = request.uri().path();
                let query = if query.is_empty() {
                    format!("campaign={kept}")
                } else {
                    format!("{query}&campaign={kept}")
                };
                if let Ok(uri) = format!("{path}?{query}").parse::<Uri>() {
                    *request.uri_mut() = uri;
                }
            }
            next.run(request).await
        }
        Some(id) => {
            let mut response = next.run(request).await;
            if plausible(id)
                && response.status().is_success()
                && let Ok(value) = HeaderValue::from_str(&format!(
                    "{name}={id}; Path=/office; HttpOnly; SameSite=Lax; Max-Age=31536000"
                ))
            {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_ids_characters_are_remembered() {
        assert!(plausible("0f8e3c2a9b6d4e1f8a7b6c5d4e3f2a1b"));
        assert!(plausible("0f8e3c2a-9b6d-4e1f-8a7b-6c5d4e3f2a1b"));
        for hostile in [
            "",
            "x; Path=/",
            "abc\r\nSet-Cookie: a=b",
            "../../etc",
            &"a".repeat(37),
        ] {
            assert!(!plausible(hostile), "{hostile}");
        }
        assert_eq!(area("/office/reports"), Some("palier_campaign"));
        assert_eq!(area("/office/ideas"), Some("palier_collection"));
        assert_eq!(area("/office/devices"), None);
    }
}
