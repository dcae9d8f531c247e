//! `GET /api/openapi.json`: the API as OpenAPI 3, generated from the
//! handlers' annotations so it cannot drift from the code.

use crate::AppState;
use axum::{Json, Router, routing::get};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Palier", description = "Sync and office API of Palier"),
    paths(
        super::health::health,
        super::health::ready,
        super::office::login,
        super::devices::new_code,
        super::devices::enrol,
        super::devices::list,
        super::devices::revoke,
        super::sync::sync,
        super::notices::notices,
        super::persons::erase,
    ),
    modifiers(&BearerTokens)
)]
pub struct ApiDoc;

struct BearerTokens;

impl utoipa::Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for name in ["device_token", "session_token"] {
            components.add_security_scheme(
                name,
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// `GET /api/openapi.json`.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(openapi))
}
