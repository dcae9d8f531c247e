//! Headers every response carries: a content security policy, no framing,
//! no type sniffing, no referrer beyond our origin; `no-store` on the
//! office and the API, whose answers hold a municipality's data and must
//! not stay in a shared computer's cache or the field app's service worker;
//! and for the field app's files, a year for those under a build's hashed
//! folder (`/pkg-<hash>/`: a new build is a new name) and revalidation for
//! the few that keep their names (the page, its scripts, the service
//! worker).
//!
//! The office has no inline script or style, so its policy allows only its
//! own files. The field app has no inline script either (`main.js` starts
//! it) but needs more: `'wasm-unsafe-eval'` to compile its WebAssembly,
//! `'unsafe-eval'` because Dioxus's web renderer builds its DOM-patching
//! functions from strings at start (refused, the app stays blank — seen in
//! the end-to-end tests), and inline styles (the UI sets style attributes).
//! Everything it loads still comes from our origin only.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const OFFICE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'; object-src 'none'";
const FIELD_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
    worker-src 'self'; manifest-src 'self'; media-src 'self' blob:; form-action 'self'; \
    frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Whether a path is the office's.
fn office(path: &str) -> bool {
    path == "/office" || path.starts_with("/office/")
}

/// Whether responses to this path hold data that must never be cached.
fn private(path: &str) -> bool {
    office(path) || path.starts_with("/api/")
}

/// Whether the path is a built file under its build's hashed folder.
fn immutable(path: &str) -> bool {
    path.starts_with("/pkg-")
}

/// Adds the headers to every response.
pub async fn secure(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    let found = response.status().is_success();
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(
        header::CONTENT_SECURITY_POLICY,
        if office(&path) { OFFICE_CSP } else { FIELD_CSP },
    );
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    let cache = if private(&path) {
        "no-store"
    } else if immutable(&path) && found {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// The answer to a request whose handler panicked: a plain 500 (the
/// panic is logged by the panic hook, never shown), so one bad request
/// costs only itself.
pub fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        axum::Json(shared::protocol::ErrorBody {
            error: "internal".into(),
            message: "internal error".into(),
        }),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    fn app() -> Router {
        Router::new()
            .route("/office/x", get(|| async { "office" }))
            .route("/app.js", get(|| async { "js" }))
            .route(
                "/boom",
                get(|| async {
                    if std::hint::black_box(true) {
                        panic!("a bug");
                    }
                    "never"
                }),
            )
            .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
            .layer(axum::middleware::from_fn(secure))
    }

    async fn get_path(app: &Router, path: &str) -> Response {
        app.clone()
            .oneshot(Request::get(path).body(Body::empty()).expect("request"))
            .await
            .expect("response")
    }

    #[tokio::test]
    async fn office_pages_are_never_stored_and_carry_a_strict_policy() {
        let app = app();
        let office = get_path(&app, "/office/x").await;
        let h = office.headers();
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
        assert_eq!(h[header::CONTENT_SECURITY_POLICY], OFFICE_CSP);
        assert!(!OFFICE_CSP.contains("unsafe"));
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let shell = get_path(&app, "/app.js").await;
        assert_eq!(shell.headers()[header::CACHE_CONTROL], "no-cache");
        assert_eq!(shell.headers()[header::CONTENT_SECURITY_POLICY], FIELD_CSP);
    }

    #[tokio::test]
    async fn a_panicking_request_gets_a_500_and_the_next_one_works() {
        let app = app();
        let boom = get_path(&app, "/boom").await;
        assert_eq!(boom.status(), 500);
        assert_eq!(boom.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let next = get_path(&app, "/office/x").await;
        assert_eq!(next.status(), 200);
    }
}
