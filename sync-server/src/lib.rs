//! Palier's sync server: it merges what the phones bring, keeps each
//! municipality's documents apart, and serves the office.
//!
//! [`serve`] takes its listener and a shutdown signal, so tests bind port 0
//! and drive real clients against it without sleeping.

pub mod api;
pub mod campaigns;
pub mod clock;
pub mod config;
pub mod consolidate;
pub mod demo;
pub mod erasure;
pub mod follow_ups;
pub mod http;
pub mod ideas;
pub mod journal;
pub mod notices;
pub mod office;
pub mod readmodel;
pub mod records;
pub mod requests;
pub mod residents;
pub mod retention;
pub mod storage;
pub mod volunteers;

use anyhow::Context;
use axum::Router;
use config::ServeConfig;
use http::{error, headers, throttle};
use std::future::Future;
use std::sync::Arc;
use storage::control::Control;
use storage::tenants::Tenants;
use storage::{pg, tenants};
use tokio::net::TcpListener;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// Accounts, devices, codes.
    pub control: Arc<Control>,
    /// Each municipality's documents.
    pub tenants: Arc<Tenants>,
    /// The settings it was started with.
    pub config: Arc<ServeConfig>,
    /// Login and enrolment attempt counters.
    pub throttle: Arc<throttle::Throttle>,
    /// Sync exchanges worked on at once (see [`api::sync`]).
    pub sync_slots: Arc<tokio::sync::Semaphore>,
    /// The time, as deadlines read it (tests move it).
    pub clock: clock::Clock,
}

impl AppState {
    /// Opens (creating if needed) the databases under `config.data`.
    pub fn open(config: ServeConfig) -> anyhow::Result<Self> {
        let (control, tenants) = open_storage(&config.data, config.database_url.as_deref())?;
        let control =
            Arc::new(control.with_session_idle(config.session_idle_secs.saturating_mul(1000)));
        Ok(Self {
            tenants: Arc::new(tenants),
            throttle: Arc::new(throttle::Throttle::new(
                std::time::Duration::from_secs(config.throttle_window_secs),
                control.clone(),
            )),
            control,
            config: Arc::new(config),
            sync_slots: Arc::new(tokio::sync::Semaphore::new(api::sync::slots())),
            clock: clock::Clock::default(),
        })
    }
}

/// Opens the control data and the municipalities' stores: SQLite files
/// under `data` (the default), or the PostgreSQL database at
/// `database_url`. The one place the backend is chosen.
pub fn open_storage(
    data: &std::path::Path,
    database_url: Option<&str>,
) -> anyhow::Result<(Control, Tenants)> {
    let municipalities = data.join("municipalities");
    std::fs::create_dir_all(&municipalities)
        .with_context(|| format!("cannot create {}", municipalities.display()))?;
    match database_url {
        None => {
            let control = Control::open(&data.join("control.sqlite"))
                .context("cannot open the control database")?;
            Ok((control, Tenants::new(municipalities)))
        }
        Some(url) => {
            // The URL may hold a password: never in an error message.
            let backend = pg::PgBackend::connect(url)
                .map_err(|_| anyhow::anyhow!("cannot connect to the PostgreSQL database"))?;
            let control = Control::on_postgres(backend.pool())
                .context("cannot open the control schema in PostgreSQL")?;
            let tenants = Tenants::with_backend(
                tenants::Backend::Postgres(Arc::new(backend)),
                municipalities,
            );
            Ok((control, tenants))
        }
    }
}

/// Every route of the server: the API, and the field app's files at `/`.
pub fn router(state: AppState) -> Router {
    // The build's files are compressed once, at build time
    // (`scripts/build-web.sh`): the browser gets the `.br` or `.gz`
    // beside a file when it accepts it.
    let web = tower_http::services::ServeDir::new(&state.config.web)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true);
    Router::new()
        .merge(api::health::router())
        .merge(api::openapi::router())
        .merge(api::office::router())
        .merge(api::devices::router())
        .merge(api::sync::router())
        .merge(api::notices::router())
        .merge(api::persons::router())
        .merge(office::router())
        .route("/api/{*rest}", axum::routing::any(error::not_found))
        .fallback_service(web)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            headers::panicked,
        ))
        .layer(axum::middleware::from_fn(headers::secure))
        // Paths only, ids masked: a query may carry a form token, a body
        // personal data, a path a person's id.
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |request: &axum::http::Request<_>| {
                    tracing::info_span!("request", method = %request.method(), path = %loggable_path(request.uri().path()))
                },
            ),
        )
        .with_state(state)
}

/// A request's path as the logs keep it: every segment that reads as an
/// id (a UUID, or 16 hex digits or more: a person, a visit, a draw) is
/// `{id}`, so no log line names whom a request was about; at most 200
/// characters.
pub fn loggable_path(path: &str) -> String {
    let masked: Vec<&str> = path
        .split('/')
        .map(|segment| {
            let hex = segment.chars().filter(char::is_ascii_hexdigit).count();
            let id_like = segment.parse::<uuid::Uuid>().is_ok()
                || (hex >= 16 && segment.chars().all(|c| c.is_ascii_hexdigit() || c == '-'));
            if id_like { "{id}" } else { segment }
        })
        .collect();
    masked.join("/").chars().take(200).collect()
}

/// Purges what has passed its retention period, every `every`, on a
/// blocking thread; a failure is logged and tried again next time.
async fn purge_every(state: AppState, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.tick().await; // the first tick is now: wait one period first
    loop {
        ticks.tick().await;
        let inside = state.clone();
        match tokio::task::spawn_blocking(move || retention::run_all(&inside)).await {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::error!(kind = error.kind(), "retention purge failed"),
            Err(error) => tracing::error!(%error, "retention purge panicked"),
        }
    }
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    config: ServeConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let demo = config.demo;
    // Blocking work (and, on PostgreSQL, a synchronous client that must
    // not run on an async thread).
    let state = tokio::task::spawn_blocking(move || {
        let state = AppState::open(config)?;
        if demo {
            let demo = demo::ensure(&state).context("cannot set up the demo municipality")?;
            println!("{demo}");
        }
        anyhow::Ok(state)
    })
    .await??;
    serve_with(state, listener, shutdown).await
}

/// Serves an already opened state until `shutdown` resolves; tests use it
/// to prepare accounts before the first request.
pub async fn serve_with(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let address = listener.local_addr()?;
    if state.config.retention_every_secs > 0 {
        tokio::spawn(purge_every(
            state.clone(),
            std::time::Duration::from_secs(state.config.retention_every_secs),
        ));
    }
    tracing::info!(%address, "Palier is listening");
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("server failed")
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn a_logged_path_names_no_one() {
        let person = "0b6f7c1e-2a4d-4c9e-9f1a-3d2b5e6f7a8b";
        assert_eq!(
            loggable_path(&format!("/office/volunteers/{person}/withdraw")),
            "/office/volunteers/{id}/withdraw"
        );
        assert_eq!(
            loggable_path("/office/sortition/draws/9f1a3d2b5e6f7a8b0b6f7c1e2a4d4c9e"),
            "/office/sortition/draws/{id}"
        );
        assert_eq!(
            loggable_path("/office/exports/visits.csv"),
            "/office/exports/visits.csv"
        );
        assert_eq!(loggable_path(&"/a".repeat(500)).chars().count(), 200);
    }
}
