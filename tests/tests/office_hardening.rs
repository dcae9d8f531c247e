//! The office and the login endpoints against a hostile browser or
//! script: cross-site forms, login CSRF, guessing, stale sessions, and the
//! headers every page carries.

use shared::api::{EnrolRequest, LoginRequest, Role};
use tests::{OfficePages, PASSWORD, TestServer};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Enrolment codes ever made, read from the control database's file.
fn codes_made(server: &TestServer) -> i64 {
    rusqlite::Connection::open(server.data.path().join("control.sqlite"))
        .expect("open")
        .query_row("SELECT count(*) FROM enrolment_codes", [], |r| r.get(0))
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_posted_from_another_site_or_without_the_token_are_refused() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let cookie = format!("palier_session={}", office.token);
    let token = sync_server::office::csrf_token(&office.token);
    let url = |path: &str| format!("{}{path}", server.url);
    let ask_code = |target: String, origin: &'static str, site: &'static str| {
        client()
            .post(target)
            .header("cookie", &cookie)
            .header("origin", origin)
            .header("sec-fetch-site", site)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("role=coordinator")
    };
    let good = url(&format!("/office/devices/codes?csrf={token}"));
    // The attack of the issue: the session cookie rides along, but the
    // request comes from evil.example.
    let response = ask_code(good.clone(), "https://evil.example", "cross-site")
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(codes_made(&server), 0, "a code was made for evil.example");
    // Same origin, no token; a wrong token; another site's Origin alone.
    let same_origin = server.url.clone().leak() as &'static str;
    for (target, origin, site) in [
        (url("/office/devices/codes"), same_origin, "same-origin"),
        (
            url("/office/devices/codes?csrf=0000"),
            same_origin,
            "same-origin",
        ),
        (good.clone(), "https://evil.example", "same-origin"),
        (good.clone(), same_origin, "same-site"),
    ] {
        let response = ask_code(target.clone(), origin, site)
            .send()
            .await
            .expect("post");
        assert_eq!(
            response.status().as_u16(),
            403,
            "{target} from {origin} ({site})"
        );
    }
    // Every state-changing office route checks, uploads included.
    for path in [
        "/office/campaigns",
        "/office/territory/preview",
        "/office/territory/confirm",
        "/office/territory/unreadable",
        "/office/logout",
    ] {
        let response = client()
            .post(url(path))
            .header("cookie", &cookie)
            .header("origin", "https://evil.example")
            .header("sec-fetch-site", "cross-site")
            .body("")
            .send()
            .await
            .expect("post");
        assert_eq!(response.status().as_u16(), 403, "{path}");
    }
    assert_eq!(codes_made(&server), 0);
    // The session is still alive (logout was refused too), and the office's
    // own form works.
    let pages = OfficePages::new(&server, &office);
    assert_eq!(pages.get("/office").await.status, 200);
    let page = pages
        .post("/office/devices/codes", &[("role", "agent")])
        .await;
    assert!(page.status == 200 || page.status == 303, "{}", page.status);
    // A form on a page carries the token in its action.
    let html = pages.get("/office/devices").await.body;
    assert!(html.contains(&format!("/office/devices/codes?csrf={token}")));
    assert_eq!(codes_made(&server), 1);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_in_needs_the_login_forms_own_token() {
    let server = TestServer::start().await;
    server.municipality("Villejuif").await;
    let email = "coordination@villejuif.test";
    let form = format!("email={}&password={}", email, PASSWORD.replace(' ', "+"));
    // Login CSRF: another site posts our login form with its own account.
    let forged = client()
        .post(format!("{}/office/login", server.url))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.clone())
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status().as_u16(), 403);
    let sets_session = |r: &reqwest::Response| {
        r.headers().get_all("set-cookie").iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.starts_with("palier_session=ps_"))
        })
    };
    assert!(!sets_session(&forged));

    // The browser's way: the form, its cookie and hidden field.
    let page = client()
        .get(format!("{}/office/login", server.url))
        .send()
        .await
        .expect("get");
    let cookie = page
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("login cookie")
        .to_string();
    let html = page.text().await.expect("html");
    let field = tests::hidden_field(&html, "login_csrf").expect("hidden field");
    // The field without the cookie is refused; with it, a session opens.
    let without_cookie = client()
        .post(format!("{}/office/login", server.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("{form}&login_csrf={field}"))
        .send()
        .await
        .expect("post");
    assert_eq!(without_cookie.status().as_u16(), 403);
    let ok = client()
        .post(format!("{}/office/login", server.url))
        .header("cookie", &cookie)
        .header("origin", &server.url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("{form}&login_csrf={field}"))
        .send()
        .await
        .expect("post");
    assert_eq!(ok.status().as_u16(), 303);
    assert!(sets_session(&ok));
    server.stop().await;
}

async fn api_login(server: &TestServer, email: &str, password: &str) -> reqwest::Response {
    client()
        .post(format!("{}/api/login", server.url))
        .json(&LoginRequest {
            email: email.into(),
            password: password.into(),
        })
        .send()
        .await
        .expect("login")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_is_throttled_and_the_right_password_works_after_the_window() {
    let server = TestServer::start_with(|c| c.throttle_window_secs = 2).await;
    server.municipality("Villejuif").await;
    let email = "coordination@villejuif.test";
    for attempt in 0..sync_server::http::throttle::LOGINS_PER_ACCOUNT {
        let response = api_login(&server, email, "devinette").await;
        assert_eq!(response.status().as_u16(), 401, "attempt {attempt}");
    }
    let limited = api_login(&server, email, "devinette").await;
    assert_eq!(limited.status().as_u16(), 429);
    let retry: u64 = limited.headers()["retry-after"]
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=2).contains(&retry), "{retry}");
    // Within the window even the right password waits (the guesser must
    // not learn it was right).
    assert_eq!(
        api_login(&server, email, PASSWORD).await.status().as_u16(),
        429
    );
    // The same address trying other accounts is counted too.
    let mut last = 0;
    for n in 0..sync_server::http::throttle::LOGINS_PER_ADDRESS {
        last = api_login(&server, &format!("{n}@villejuif.test"), "x")
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(
        api_login(&server, email, PASSWORD).await.status().as_u16(),
        200
    );

    // Enrolment codes cannot be guessed at will either.
    let mut statuses = Vec::new();
    for _ in 0..=sync_server::http::throttle::ENROLMENTS_PER_ADDRESS {
        let response = client()
            .post(format!("{}/api/enrol", server.url))
            .json(&EnrolRequest {
                code: "ABCDEFGHJK".into(),
                device_name: "devin".into(),
            })
            .send()
            .await
            .expect("enrol");
        statuses.push(response.status().as_u16());
    }
    assert!(statuses[..statuses.len() - 1].iter().all(|s| *s == 401));
    assert_eq!(statuses.last(), Some(&429));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_end_when_idle_and_when_the_password_changes() {
    let server = TestServer::start_with(|c| c.session_idle_secs = 1).await;
    let office = server.municipality("Villejuif").await;
    let pages = OfficePages::new(&server, &office);
    assert_eq!(pages.get("/office").await.status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    let page = pages.get("/office").await;
    assert_eq!(page.status, 303, "an idle session still works");

    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let pages = OfficePages::new(&server, &office);
    assert_eq!(pages.get("/office").await.status, 200);
    server
        .state
        .control
        .upsert_account(
            office.id,
            "coordination@villejuif.test",
            "un nouveau mot de passe",
            Role::Coordinator,
        )
        .expect("reset");
    assert_eq!(
        pages.get("/office").await.status,
        303,
        "the old session survived"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_carries_security_headers_and_private_ones_are_not_stored() {
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    let pages = OfficePages::new(&server, &office);
    let cookie = format!("palier_session={}", office.token);
    for (path, private) in [
        ("/office/login", true),
        ("/office", true),
        ("/office/territory/export.geojson", true),
        ("/api/openapi.json", true),
        ("/health", false),
        ("/", false),
    ] {
        let response = client()
            .get(format!("{}{path}", server.url))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("get");
        let h = response.headers();
        let csp = h["content-security-policy"].to_str().expect("csp");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        let scripts = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .expect("a script-src directive");
        assert!(!scripts.contains("unsafe-inline"), "{path}: {scripts}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        if private {
            assert_eq!(h["cache-control"], "no-store", "{path}");
        }
    }
    // The office's own pages need no inline script or style.
    let html = pages.get("/office/devices").await.body;
    // The devices page shows what a phone of each role may do, from the
    // policy the server enforces.
    assert!(html.contains("Ce que chaque téléphone reçoit et peut envoyer"));
    assert!(
        html.contains("reçoit (ceux qu&#39;il a recueillis)")
            || html.contains("reçoit (ceux qu'il a recueillis)")
    );
    assert!(!html.contains("<script>") && !html.contains(" style=\""));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_territory_document_is_reported_and_can_be_removed() {
    use shared::schema::DocId;
    let server = TestServer::start().await;
    let office = server.municipality("Villejuif").await;
    server.put(office.id, &tests::samples::building(1));
    // Junk under a building's id, as a buggy or hostile device could write
    // before devices were refused territory writes.
    let junk_id = DocId::building(shared::domain::BuildingId::new());
    {
        let store = server.state.tenants.store(office.id).expect("store");
        let mut store = store.get().expect("connection");
        let mut junk = automerge::Automerge::new();
        junk.transact(|tx| {
            automerge::transaction::Transactable::put(tx, automerge::ROOT, "address", 42)
        })
        .expect("junk");
        store.save_one(&junk_id, &junk).expect("save");
    }
    let pages = OfficePages::new(&server, &office);
    let page = pages.get("/office/territory").await;
    assert_eq!(page.status, 200, "the page fails on one bad document");
    assert!(
        page.body.contains(junk_id.as_str()),
        "the document is not named"
    );
    assert!(
        page.body
            .contains("1 document(s) enregistré(s) ne se lisent pas")
    );
    // The import preview works too, and says the same.
    let preview = pages
        .upload(
            "/office/territory/preview",
            vec![(
                "buildings",
                "b.csv",
                tests::fixture("batiments-villejuif.csv"),
            )],
        )
        .await;
    assert!(
        preview.status == 200 || preview.status == 422,
        "{}",
        preview.status
    );
    assert!(preview.body.contains(junk_id.as_str()));
    // A readable building cannot be removed this way.
    let readable = server
        .state
        .tenants
        .store(office.id)
        .expect("store")
        .get()
        .expect("connection")
        .doc_ids_of(shared::schema::DocKind::Building)
        .expect("ids")
        .into_iter()
        .find(|id| *id != junk_id)
        .expect("the readable one");
    let refused = pages
        .post(
            "/office/territory/unreadable",
            &[("doc_id", readable.as_str())],
        )
        .await;
    assert_eq!(refused.status, 409);
    let removed = pages
        .post(
            "/office/territory/unreadable",
            &[("doc_id", junk_id.as_str())],
        )
        .await;
    assert_eq!(removed.status, 303);
    let page = pages.get("/office/territory?removed=1").await;
    assert!(!page.body.contains(junk_id.as_str()));
    {
        let store = server.state.tenants.store(office.id).expect("store");
        let store = store.get().expect("connection");
        assert!(store.load(&junk_id).expect("load").is_none());
        assert!(
            store.is_erased(&junk_id).expect("erased"),
            "phones would keep it"
        );
        assert!(store.load(&readable).expect("load").is_some());
    }
    server.stop().await;
}

/// Ten wrong passwords from one address must not keep the coordinator out
/// at her desk: the refusal is per account and address; from elsewhere the
/// right password still opens a session (slowed down, not refused).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guesser_elsewhere_cannot_lock_the_coordinator_out() {
    let server = TestServer::start().await;
    server.municipality("Villejuif").await;
    let email = "coordination@villejuif.test";
    let attacker = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .expect("client");
    let guess = || async {
        attacker
            .post(format!("{}/api/login", server.url))
            .json(&LoginRequest {
                email: email.into(),
                password: "devinette".into(),
            })
            .send()
            .await
            .expect("login")
            .status()
            .as_u16()
    };
    for _ in 0..sync_server::http::throttle::LOGINS_PER_ACCOUNT {
        assert_eq!(guess().await, 401);
    }
    assert_eq!(guess().await, 429, "the guesser's address is stopped");
    let at_her_desk = api_login(&server, email, PASSWORD).await;
    assert_eq!(
        at_her_desk.status().as_u16(),
        200,
        "the coordinator is let in"
    );
    server.stop().await;
}
