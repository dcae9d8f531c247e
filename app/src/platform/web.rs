//! The web build. One wasm module, two roles: in the page it runs the UI;
//! started again by `worker.js` as a dedicated worker it owns the SQLite
//! store on OPFS (persistent browser storage whose synchronous access
//! handles exist only in workers) and answers the UI's requests in order.
//! Requests and responses cross as JSON strings with an id.

use crate::backend::{self, Problem, Request, Response};
use crate::platform::http::Server;
use futures_channel::{mpsc, oneshot};
use serde::{Deserialize, Serialize};
use shared::store::Store;
use shared::sync::Progress;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The store's file name inside the OPFS pool.
const STORE_FILE: &str = "palier.sqlite";

#[derive(Serialize, Deserialize)]
struct Call {
    id: u64,
    request: Request,
}

#[derive(Serialize, Deserialize)]
struct Reply {
    id: u64,
    response: Response,
    last: bool,
}

/// Starts whichever role this instance has.
pub fn start() {
    if js_sys::global()
        .dyn_into::<web_sys::DedicatedWorkerGlobalScope>()
        .is_ok()
    {
        wasm_bindgen_futures::spawn_local(run_worker());
    } else {
        old_enrolment_link();
        // Routes live in the URL's fragment: the server serves one page, the
        // service worker caches one page, and the back button and a reload
        // keep the agent where they were.
        let history = Rc::new(dioxus::web::HashHistory::new(false));
        dioxus::LaunchBuilder::new()
            .with_cfg(dioxus::web::Config::new().history(history))
            .launch(crate::ui::App);
    }
}

/// QR codes printed before the routes link to `#enrol=<code>`, which no
/// route parses: rewritten in place to the enrolment route before the
/// router reads the address.
fn old_enrolment_link() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(hash) = window.location().hash() else {
        return;
    };
    if !hash.starts_with("#enrol=") {
        return;
    }
    let code = crate::sync::code_from_qr(&hash);
    if let Ok(history) = window.history() {
        let _ =
            history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#/enrol/{code}")));
    }
}

async fn open_store() -> Result<Store, String> {
    let config = sqlite_wasm_vfs::sahpool::OpfsSAHPoolCfgBuilder::new()
        .directory("palier")
        .build();
    sqlite_wasm_vfs::sahpool::install::<sqlite_wasm_rs::WasmOsCallback>(&config, true)
        .await
        .map_err(|e| format!("persistent storage unavailable: {e:?}"))?;
    Store::open_exclusive(std::path::Path::new(STORE_FILE)).map_err(|e| e.to_string())
}

fn post(scope: &web_sys::DedicatedWorkerGlobalScope, reply: &Reply) {
    if let Ok(json) = serde_json::to_string(reply) {
        let _ = scope.post_message(&JsValue::from_str(&json));
    }
}

async fn run_worker() {
    use futures_util::StreamExt;
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let (tx, mut rx) = mpsc::unbounded::<Call>();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(text) = event.data().as_string()
                && let Ok(call) = serde_json::from_str::<Call>(&text)
            {
                let _ = tx.unbounded_send(call);
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let origin = scope.location().origin();
    let server = Server::new(&origin);
    let mut store = match open_store().await {
        Ok(store) => store,
        Err(message) => {
            let _ = scope.post_message(&JsValue::from_str(&format!("error:{message}")));
            return;
        }
    };
    let _ = scope.post_message(&JsValue::from_str("ready"));
    // One request at a time, in order: the store is one connection.
    while let Some(Call { id, request }) = rx.next().await {
        let progress_scope = scope.clone();
        let mut progress = |p: &Progress| {
            post(
                &progress_scope,
                &Reply {
                    id,
                    response: Response::Progress(p.clone()),
                    last: false,
                },
            );
        };
        let response = backend::handle(&mut store, &server, request, &mut progress).await;
        post(
            &scope,
            &Reply {
                id,
                response,
                last: true,
            },
        );
    }
}

struct Pending {
    progress: Box<dyn FnMut(Progress)>,
    done: oneshot::Sender<Response>,
}

struct Shared {
    worker: Option<web_sys::Worker>,
    ready: bool,
    failed: Option<Problem>,
    queue: Vec<String>,
    pending: HashMap<u64, Pending>,
    next_id: u64,
}

/// How the UI reaches the storage worker.
#[derive(Clone)]
pub struct Backend {
    shared: Rc<RefCell<Shared>>,
}

impl Backend {
    /// Starts the storage worker.
    pub fn new() -> Self {
        let shared = Rc::new(RefCell::new(Shared {
            worker: None,
            ready: false,
            failed: None,
            queue: Vec::new(),
            pending: HashMap::new(),
            next_id: 1,
        }));
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        match web_sys::Worker::new_with_options("./worker.js", &options) {
            Ok(worker) => {
                let for_messages = shared.clone();
                let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                    move |event: web_sys::MessageEvent| {
                        receive(&for_messages, event.data().as_string().unwrap_or_default());
                    },
                );
                worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                on_message.forget();
                shared.borrow_mut().worker = Some(worker);
            }
            Err(e) => {
                shared.borrow_mut().failed = Some(
                    Problem::NoStorage.noted(&format!("cannot start the storage worker: {e:?}")),
                )
            }
        }
        Self { shared }
    }

    /// Sends a request; `progress` hears from a sync as it goes.
    pub async fn call_with_progress(
        &self,
        request: Request,
        progress: impl FnMut(Progress) + 'static,
    ) -> Response {
        let (done, wait) = oneshot::channel();
        {
            let mut shared = self.shared.borrow_mut();
            if let Some(problem) = shared.failed {
                return Response::Error(problem);
            }
            let id = shared.next_id;
            shared.next_id += 1;
            let Ok(json) = serde_json::to_string(&Call { id, request }) else {
                return Response::Error(Problem::Storage.noted(&"request could not be encoded"));
            };
            shared.pending.insert(
                id,
                Pending {
                    progress: Box::new(progress),
                    done,
                },
            );
            if shared.ready {
                if let Some(worker) = &shared.worker {
                    let _ = worker.post_message(&JsValue::from_str(&json));
                }
            } else {
                shared.queue.push(json);
            }
        }
        wait.await.unwrap_or_else(|_| {
            Response::Error(Problem::Storage.noted(&"the storage worker stopped"))
        })
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

fn receive(shared: &Rc<RefCell<Shared>>, text: String) {
    let mut shared = shared.borrow_mut();
    if text == "ready" {
        shared.ready = true;
        let queue = std::mem::take(&mut shared.queue);
        if let Some(worker) = &shared.worker {
            for json in queue {
                let _ = worker.post_message(&JsValue::from_str(&json));
            }
        }
        return;
    }
    if let Some(message) = text.strip_prefix("error:") {
        let problem = Problem::NoStorage.noted(&message);
        shared.failed = Some(problem);
        for (_, pending) in shared.pending.drain() {
            let _ = pending.done.send(Response::Error(problem));
        }
        return;
    }
    let Ok(reply) = serde_json::from_str::<Reply>(&text) else {
        return;
    };
    if reply.last {
        if let Some(pending) = shared.pending.remove(&reply.id) {
            let _ = pending.done.send(reply.response);
        }
    } else if let (Some(pending), Response::Progress(progress)) =
        (shared.pending.get_mut(&reply.id), reply.response)
    {
        (pending.progress)(progress);
    }
}
