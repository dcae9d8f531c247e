//! What the cross-crate tests share: a real server on port 0 with its own
//! data folder, and field devices made of a real store and the real sync
//! client.

pub mod pg;
pub mod samples;

use app::platform::http::Server;
use shared::api::{EnrolmentCode, LoginRequest, LoginResponse, NewEnrolmentCode, Role};
use shared::domain::*;
use shared::schema::{self, DocId, DocKind};
use shared::store::{Origin, Store};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use sync_server::AppState;
use sync_server::config::ServeConfig;

/// A running server.
pub struct TestServer {
    /// Its base URL.
    pub url: String,
    /// Its state, to prepare accounts and look inside stores.
    pub state: AppState,
    /// Its data folder.
    pub data: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

/// The settings a test server runs with, on `data`, on a free loopback
/// port.
pub fn test_config(data: &Path) -> ServeConfig {
    ServeConfig {
        data: data.to_path_buf(),
        database_url: None,
        listen: "127.0.0.1:0".into(),
        demo: false,
        web: "web-dist".into(),
        enrolment_minutes: 60,
        throttle_window_secs: 900,
        session_idle_secs: 1800,
        // Tests run the purge themselves, with the clock they moved.
        retention_every_secs: 0,
        read_model: sync_server::config::Projection::Eager,
    }
}

/// Runs blocking work (the store, the control database) from wherever a
/// test or benchmark is: on a multi-threaded runtime's thread it steps out
/// of the runtime first, since PostgreSQL's synchronous client must not
/// block an async thread.
pub fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        // A single-threaded runtime cannot step aside: a thread of its own.
        Ok(_) => std::thread::scope(|scope| scope.spawn(f).join().expect("blocking work")),
        Err(_) => f(),
    }
}

/// The database benchmarks run on: `PALIER_BENCH_DATABASE_URL` names a
/// PostgreSQL server, and each call makes a fresh database there; unset,
/// the embedded SQLite files (`None`).
pub fn bench_database() -> Option<String> {
    let server = std::env::var("PALIER_BENCH_DATABASE_URL").ok()?;
    Some(blocking(|| pg::create_database(&server, "bench")))
}

/// After a benchmark's bulk setup on PostgreSQL: statistics gathered and
/// dirty pages written, as on a database that has been running, so the
/// measure neither plans blind nor competes with the autovacuum and the
/// checkpointer catching up with the setup.
pub fn settle_database(url: &str) {
    blocking(|| {
        let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
        // Apart: VACUUM cannot run in the implicit transaction of a
        // multi-statement query.
        client
            .batch_execute("VACUUM ANALYZE")
            .expect("vacuum and analyse");
        client.batch_execute("CHECKPOINT").expect("checkpoint");
    });
}

/// The territory fixtures as a coordinator uploads them: field name, file
/// name, bytes (a Lambert-93 GeoJSON of neighbourhoods and a
/// Windows-1252 CSV of buildings).
pub fn territory_fixtures() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    vec![
        (
            "neighbourhoods",
            "quartiers-lambert93.geojson",
            fixture("quartiers-lambert93.geojson"),
        ),
        (
            "buildings",
            "batiments-villejuif.csv",
            fixture("batiments-villejuif.csv"),
        ),
    ]
}

/// The password every test account gets.
pub const PASSWORD: &str = "mot de passe de test";

impl TestServer {
    /// Starts a server on a free loopback port.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts a server with some settings changed (short windows, say).
    pub async fn start_with(change: impl FnOnce(&mut ServeConfig)) -> Self {
        Self::start_on(tempfile::tempdir().expect("tempdir"), change).await
    }

    /// Starts a server on a data folder that already holds data (a
    /// restored backup, say).
    pub async fn start_on(data: tempfile::TempDir, change: impl FnOnce(&mut ServeConfig)) -> Self {
        let mut config = test_config(data.path());
        change(&mut config);
        // Off the async threads: PostgreSQL's synchronous client must not
        // run on them.
        let state = tokio::task::spawn_blocking(move || AppState::open(config))
            .await
            .expect("join")
            .expect("open state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(sync_server::serve_with(state.clone(), listener, async {
            let _ = rx.await;
        }));
        Self {
            url,
            state,
            data,
            shutdown: Some(tx),
            task: Some(task),
        }
    }

    /// The client-side view of this server.
    pub fn client(&self) -> Server {
        Server::new(&self.url)
    }

    /// Creates a municipality with a coordinator account and logs in.
    pub async fn municipality(&self, name: &str) -> Office {
        let email = format!(
            "coordination@{}.test",
            name.to_lowercase().replace(' ', "-")
        );
        let control = self.state.control.clone();
        let (name, address) = (name.to_string(), email.clone());
        let id = tokio::task::spawn_blocking(move || {
            let id = control.ensure_municipality(&name).expect("municipality");
            control
                .upsert_account(id, &address, PASSWORD, Role::Coordinator)
                .expect("account");
            id
        })
        .await
        .expect("join");
        let login: LoginResponse = self
            .client()
            .post_json(
                "/api/login",
                None,
                &LoginRequest {
                    email,
                    password: PASSWORD.into(),
                },
            )
            .await
            .expect("login");
        Office {
            id,
            token: login.token,
            server: self.client(),
        }
    }

    /// Another account of a municipality (an elected official, say),
    /// logged in.
    pub async fn account(&self, office: &Office, email: &str, role: Role) -> Office {
        let control = self.state.control.clone();
        let (id, address) = (office.id, email.to_string());
        tokio::task::spawn_blocking(move || {
            control
                .upsert_account(id, &address, PASSWORD, role)
                .expect("account")
        })
        .await
        .expect("join");
        let login: LoginResponse = self
            .client()
            .post_json(
                "/api/login",
                None,
                &LoginRequest {
                    email: email.into(),
                    password: PASSWORD.into(),
                },
            )
            .await
            .expect("login");
        Office {
            id: office.id,
            token: login.token,
            server: self.client(),
        }
    }

    /// The territory a municipality's store holds: its neighbourhoods and
    /// buildings.
    pub fn territory(&self, office: &Office) -> (Vec<Neighbourhood>, Vec<Building>) {
        use shared::sync::Records;
        let store = self.state.tenants.store(office.id).expect("store");
        let store = store.get().expect("connection");
        (
            store
                .records(DocKind::Neighbourhood)
                .expect("neighbourhoods"),
            store.records(DocKind::Building).expect("buildings"),
        )
    }

    /// The data folder.
    pub fn data_path(&self) -> &Path {
        self.data.path()
    }

    /// The store of a municipality, as the server keeps it.
    pub fn store_path(&self, municipality: MunicipalityId) -> PathBuf {
        self.state.tenants.path(municipality)
    }

    /// Stops the server and hands over its data folder, for a
    /// [`ChildServer`] to serve the same data.
    pub async fn stop_keeping_data(mut self) -> tempfile::TempDir {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("join").expect("server ran");
        }
        self.data
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("join").expect("server ran");
        }
    }
}

/// The real server in a child process (`server-child`), serving a data
/// folder prepared beforehand: what an attack costs is measured on its own
/// process, and an attack that kills it kills only it.
pub struct ChildServer {
    /// Its base URL.
    pub url: String,
    child: std::process::Child,
}

impl ChildServer {
    /// Starts `exe` (the `server-child` binary) on `data`.
    pub fn start(exe: &str, data: &Path) -> Self {
        Self::start_with_env(exe, data, &[])
    }

    /// Starts `exe` on `data` with environment variables set.
    pub fn start_with_env(exe: &str, data: &Path, env: &[(&str, &str)]) -> Self {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        // `PALIER_PROFILE_CHILD=FILE` runs the server under `perf record`
        // (its memory figures are then perf's).
        let mut command = match std::env::var("PALIER_PROFILE_CHILD") {
            Ok(out) if !out.is_empty() => {
                let mut perf = Command::new("perf");
                perf.args(["record", "-F", "499", "--call-graph", "dwarf,65528", "-o"])
                    .arg(out)
                    .arg("--")
                    .arg(exe);
                perf
            }
            _ => Command::new(exe),
        };
        let mut child = command
            .arg(data)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server child");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("address");
        Self {
            url: format!("http://{}", line.trim()),
            child,
        }
    }

    /// Resets the process's peak resident memory to what it uses now
    /// (Linux: `clear_refs` 5), so the next [`ChildServer::peak_kib`]
    /// measures from here.
    pub fn reset_peak(&self) {
        std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5")
            .expect("reset the peak");
    }

    /// The process's peak and current resident memory, in KiB.
    pub fn peak_and_current_kib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server process is gone");
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .expect("field")
        };
        (field("VmHWM:"), field("VmRSS:"))
    }

    /// The processor time the process has used so far (user + system),
    /// in seconds.
    pub fn cpu_seconds(&self) -> f64 {
        cpu_seconds(&self.child.id().to_string())
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        // Closing stdin asks for a graceful stop; kill if it lingers.
        drop(self.child.stdin.take());
        for _ in 0..50 {
            if !self.alive() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The processor time a process (`self` for this one) has used so far,
/// user + system, in seconds (Linux).
pub fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime and
    // stime are the 12th and 13th, in clock ticks of 1/100 s on Linux.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// A coordinator's session at the office.
pub struct Office {
    /// The municipality.
    pub id: MunicipalityId,
    /// The session token.
    pub token: String,
    /// The server, as its clients see it.
    pub server: Server,
}

impl Office {
    /// Revokes one of the municipality's devices through the API of the
    /// server at `url`; the response's status.
    pub async fn revoke(&self, url: &str, device: DeviceId) -> u16 {
        reqwest::Client::new()
            .post(format!("{url}/api/devices/{device}/revoke"))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("revoke")
            .status()
            .as_u16()
    }

    /// A fresh one-time enrolment code whose phone receives the whole town
    /// while no sector names it (what most tests need; `code_for` tests
    /// the default).
    pub async fn code(&self, role: Role) -> String {
        self.code_for(role, true).await
    }

    /// A fresh one-time enrolment code, the whole town or not.
    pub async fn code_for(&self, role: Role, whole_town: bool) -> String {
        let code: EnrolmentCode = self
            .server
            .post_json(
                "/api/enrolment-codes",
                Some(&self.token),
                &NewEnrolmentCode { role, whole_town },
            )
            .await
            .expect("code");
        code.code
    }
}

/// A coordinator's browser at the office pages: the session cookie and a
/// client that does not follow redirects, so tests see them.
pub struct OfficePages {
    url: String,
    cookie: String,
    csrf: String,
    client: reqwest::Client,
}

/// What an office page answered.
pub struct Page {
    /// Its status.
    pub status: u16,
    /// Where it redirects, if it does.
    pub location: Option<String>,
    /// Its HTML.
    pub body: String,
}

impl Page {
    async fn from(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response.text().await.expect("body");
        Page {
            status,
            location,
            body,
        }
    }
}

impl OfficePages {
    /// The office pages as `office`'s coordinator sees them.
    pub fn new(server: &TestServer, office: &Office) -> Self {
        Self {
            url: server.url.clone(),
            cookie: format!("palier_session={}", office.token),
            // What the pages put in every form's action.
            csrf: sync_server::office::csrf_token(&office.token),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
        }
    }

    /// `GET`s a page.
    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.url))
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("get");
        Page::from(response).await
    }

    /// Where a page's form posts to: `path` with the session's form token.
    fn action(&self, path: &str) -> String {
        let separator = if path.contains('?') { '&' } else { '?' };
        format!(
            "{}{path}{separator}{}={}",
            self.url,
            sync_server::office::CSRF_PARAM,
            self.csrf
        )
    }

    /// Posts a form, as the browser does from one of the office's pages.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let response = self
            .client
            .post(self.action(path))
            .header("origin", &self.url)
            .header("sec-fetch-site", "same-origin")
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("post");
        Page::from(response).await
    }

    /// Uploads files as a browser's file inputs would: (field, file name,
    /// bytes).
    pub async fn upload(&self, path: &str, files: Vec<(&str, &str, Vec<u8>)>) -> Page {
        let mut form = reqwest::multipart::Form::new();
        for (field, name, bytes) in files {
            form = form.part(
                field.to_string(),
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        }
        let response = self
            .client
            .post(self.action(path))
            .header("origin", &self.url)
            .header("cookie", &self.cookie)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        Page::from(response).await
    }
}

/// A file of `tests/fixtures/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The value of a hidden form field named `name` in a page.
pub fn hidden_field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}

/// A field device: a real store file and the real sync client.
pub struct Device {
    /// Its store.
    pub store: Store,
    /// Where the store file is.
    pub path: PathBuf,
    /// The server it talks to.
    pub server: Server,
    /// The agent using it.
    pub agent: AgentId,
    _dir: tempfile::TempDir,
}

impl Device {
    /// Enrols a new device with a code from `office` (the whole town while
    /// no sector names it).
    pub async fn enrol(server: &TestServer, office: &Office, role: Role) -> Self {
        let code = office.code(role).await;
        Self::enrol_with_code(server, &code).await
    }

    /// Enrols a new device with `code`.
    pub async fn enrol_with_code(server: &TestServer, code: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("device.sqlite");
        let mut store = Store::open(&path).expect("store");
        let enrolled = app::sync::enrol(&mut store, &server.client(), code, "téléphone de test")
            .await
            .expect("enrol");
        Self {
            store,
            path,
            server: server.client(),
            // As the field app does: the agent is the enrolled device.
            agent: AgentId(enrolled.device_id.0),
            _dir: dir,
        }
    }

    /// The kinds of the documents it holds.
    pub fn kinds(&self) -> Vec<DocKind> {
        self.store
            .doc_ids()
            .expect("ids")
            .iter()
            .map(DocId::kind)
            .collect()
    }

    /// Its bearer token.
    pub fn token(&self) -> String {
        app::sync::enrolment(&self.store)
            .expect("read")
            .expect("enrolled")
            .token
    }

    /// Syncs until settled.
    pub async fn sync(&mut self) -> shared::sync::SyncReport {
        app::sync::sync(&mut self.store, &self.server, &mut |_| {})
            .await
            .expect("sync")
            .0
    }

    /// Records a visit, durably, as the field app does.
    pub fn visit(
        &mut self,
        campaign: CampaignId,
        building: BuildingId,
        door: &str,
        outcome: Outcome,
    ) -> Visit {
        let door = DwellingRef {
            entrance: "A".into(),
            floor: 3,
            door: door.into(),
        };
        self.visit_door(campaign, building, door, outcome)
    }

    /// Records a visit to a given door, as the field app does.
    pub fn visit_door(
        &mut self,
        campaign: CampaignId,
        building: BuildingId,
        door: DwellingRef,
        outcome: Outcome,
    ) -> Visit {
        let at = 1_700_000_000_000;
        let visit = Visit::outcome_only(campaign, building, door, Pass(1), at, self.agent, outcome);
        let doc_id = self.store.current_visits(campaign, building).expect("log");
        let mut doc = self.store.load(&doc_id).expect("load").unwrap_or_default();
        schema::record_visit(&mut doc, &visit).expect("record");
        self.store.save(&doc_id, &doc, Origin::Local).expect("save");
        visit
    }

    /// Records a visit made elsewhere (with its own time, profile, topics),
    /// durably, as the field app does.
    pub fn record(&mut self, visit: &Visit) {
        let doc_id = self
            .store
            .current_visits(visit.campaign, visit.building)
            .expect("log");
        let mut doc = self.store.load(&doc_id).expect("load").unwrap_or_default();
        schema::record_visit(&mut doc, visit).expect("record");
        self.store.save(&doc_id, &doc, Origin::Local).expect("save");
    }

    /// Writes a single-record document, durably.
    pub fn put<T: schema::SingleRecord>(&mut self, record: &T) {
        let doc_id = record.doc_id();
        let mut doc = self.store.load(&doc_id).expect("load").unwrap_or_default();
        schema::write(&mut doc, record).expect("write");
        self.store.save(&doc_id, &doc, Origin::Local).expect("save");
    }

    /// Reads a single-record document.
    pub fn get<T: schema::SingleRecord>(&self, doc_id: &DocId) -> Option<T> {
        self.store
            .load(doc_id)
            .expect("load")
            .map(|doc| schema::read(&doc).expect("read"))
    }

    /// The visits of a building held here (its log's current generation).
    pub fn visits(&self, campaign: CampaignId, building: BuildingId) -> BTreeMap<String, Visit> {
        self.store
            .load(&self.store.current_visits(campaign, building).expect("log"))
            .expect("load")
            .map(|doc| schema::visits(&doc).expect("visits"))
            .unwrap_or_default()
    }

    /// Asserts this phone holds exactly `recorded` in those buildings, each
    /// once, and has nothing left to send.
    pub fn assert_holds_once(
        &self,
        campaign: CampaignId,
        buildings: &[BuildingId],
        recorded: &std::collections::BTreeSet<VisitId>,
    ) {
        let mut held = Vec::new();
        for building in buildings {
            held.extend(self.visits(campaign, *building).values().map(|v| v.id));
        }
        let distinct: std::collections::BTreeSet<_> = held.iter().copied().collect();
        assert_eq!(held.len(), distinct.len(), "a visit counted twice");
        assert_eq!(&distinct, recorded, "a visit lost or invented");
        assert_eq!(self.store.unsynced_count().expect("count"), 0);
    }
}

/// An idea, as an ambassador would type it on the phone of `collected_by`.
pub fn idea(campaign: CampaignId, title: &str, collected_by: AgentId) -> Idea {
    Idea {
        title: title.into(),
        description: "Proposée en classe de 4e B".into(),
        category: samples::IDEA_CATEGORY.into(),
        proposer: ProposerProfile {
            age_band: Some(AgeBand::From15To24),
            school: Some("Collège Guy Môquet".into()),
            class: Some("4e B".into()),
            neighbourhood: None,
        },
        ..Idea::new(campaign, collected_by, 1_700_000_000_000)
    }
}

/// A volunteer with one recorded consent.
pub fn person(display_name: &str, agent: AgentId) -> Person {
    Person {
        id: PersonId::new(),
        display_name: display_name.into(),
        phone: Some("06 12 34 56 78".into()),
        email: None,
        consents: vec![ConsentRecord {
            purpose: ConsentPurpose::NeighbourhoodCouncil,
            wording_version: "2026-09".into(),
            language: "fr".into(),
            at: 1_700_000_000_000,
            agent,
            notice_version: None,
            text_hash: None,
            parental: false,
        }],
        withdrawals: Vec::new(),
        retain_until: 1_800_000_000_000,
    }
}

/// The bytes of a SQLite database and its WAL and shared-memory files.
pub fn database_bytes(path: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        if let Ok(content) = std::fs::read(PathBuf::from(file)) {
            bytes.extend(content);
        }
    }
    bytes
}

/// The bytes of a SQLite database's files (see [`database_bytes`]) and of
/// every document it holds, decoded and saved again uncompressed, history
/// included: Automerge compresses large columns, so a string may be held
/// without its bytes showing in the file.
pub fn held_bytes(path: &Path) -> Vec<u8> {
    let mut bytes = database_bytes(path);
    if let Ok(store) = shared::store::Store::open(path) {
        for id in store.doc_ids().expect("ids") {
            if let Some(doc) = store.load(&id).expect("load") {
                bytes.extend(doc.save_nocompress());
            }
        }
    }
    bytes
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
