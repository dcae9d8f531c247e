//! The desktop build: the store is a file next to the user's data and the
//! backend runs in-process on Dioxus's tokio runtime.

use crate::backend::{self, Problem, Request, Response};
use crate::platform::http::Server;
use shared::store::Store;
use shared::sync::Progress;
use std::sync::Arc;
use tokio::sync::Mutex;

/// How the UI reaches the store.
#[derive(Clone)]
pub struct Backend {
    store: Option<Arc<Mutex<Store>>>,
    server: Server,
    open_error: Option<String>,
}

impl Backend {
    /// Opens the store named by `PALIER_STORE` (default
    /// `palier-field.sqlite`) for the server at `PALIER_SERVER` (default
    /// `http://127.0.0.1:8080`).
    pub fn new() -> Self {
        let path = std::env::var("PALIER_STORE").unwrap_or_else(|_| "palier-field.sqlite".into());
        let server =
            std::env::var("PALIER_SERVER").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
        let (store, open_error) = match Store::open(std::path::Path::new(&path)) {
            Ok(store) => (Some(Arc::new(Mutex::new(store))), None),
            Err(e) => (None, Some(format!("cannot open {path}: {e}"))),
        };
        Self {
            store,
            server: Server::new(&server),
            open_error,
        }
    }

    /// Sends a request; `progress` hears from a sync as it goes.
    pub async fn call_with_progress(
        &self,
        request: Request,
        mut progress: impl FnMut(Progress),
    ) -> Response {
        let Some(store) = &self.store else {
            let detail = self.open_error.clone().unwrap_or_default();
            return Response::Error(Problem::NoStorage.noted(&detail));
        };
        let mut store = store.lock().await;
        backend::handle(&mut store, &self.server, request, &mut |p| {
            progress(p.clone())
        })
        .await
    }

    /// Sends a request.
    pub async fn call(&self, request: Request) -> Response {
        self.call_with_progress(request, |_| {}).await
    }
}

impl Default for Backend {
    fn default() -> Self {
        Self::new()
    }
}

/// Starts the desktop app.
pub fn start() {
    dioxus::launch(crate::ui::App);
}
