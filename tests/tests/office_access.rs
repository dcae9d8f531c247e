//! Who may use the office pages: a coordinator of the municipality, no one
//! else; and a coordinator sees only their municipality's campaigns.

use shared::api::{LoginRequest, LoginResponse, Role};
use tests::{OfficePages, PASSWORD, TestServer};

#[tokio::test]
async fn only_a_logged_in_coordinator_gets_in_and_only_to_their_municipality() {
    let server = TestServer::start().await;
    let villejuif = server.municipality("Villejuif").await;
    let ivry = server.municipality("Ivry").await;

    // No session: to the login page, for every page and every form.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    for path in ["/office", "/office/territory", "/office/devices"] {
        let response = client
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status().as_u16(), 303, "{path}");
        assert_eq!(response.headers()["location"], "/office/login");
    }
    let forged = client
        .post(format!("{}/office/campaigns", server.url))
        .header("cookie", "palier_session=ps_forged")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=x&kind=door-to-door&starts=2026-11-23&ends=2026-11-30")
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status().as_u16(), 303);

    // An elected official has an account but not the office.
    server
        .state
        .control
        .upsert_account(
            villejuif.id,
            "elu@villejuif.test",
            PASSWORD,
            Role::ElectedOfficial,
        )
        .expect("account");
    let login: LoginResponse = server
        .client()
        .post_json(
            "/api/login",
            None,
            &LoginRequest {
                email: "elu@villejuif.test".into(),
                password: PASSWORD.into(),
            },
        )
        .await
        .expect("login");
    let elected = tests::Office {
        id: villejuif.id,
        token: login.token,
        server: server.client(),
    };
    // An elected official's office is the figures and the reports; the
    // coordinators' pages stay closed.
    let elected_pages = OfficePages::new(&server, &elected);
    let home = elected_pages.get("/office").await;
    assert_eq!(home.status, 303);
    assert_eq!(home.location.as_deref(), Some("/office/dashboard"));
    let page = elected_pages.get("/office/territory").await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("Page réservée aux coordinateurs"));

    // A campaign of Villejuif is not found from Ivry.
    let pages = OfficePages::new(&server, &villejuif);
    let created = pages
        .post(
            "/office/campaigns",
            &[
                ("name", "Démarche de Villejuif"),
                ("kind", "door-to-door"),
                ("starts", "2026-11-23"),
                ("ends", "2026-12-23"),
            ],
        )
        .await;
    let location = created.location.expect("location");
    assert_eq!(pages.get(&location).await.status, 200);
    let other = OfficePages::new(&server, &ivry);
    assert_eq!(other.get(&location).await.status, 404);
    assert_eq!(
        other.get(&format!("{location}/questionnaire")).await.status,
        404
    );
    assert_eq!(other.get(&format!("{location}/sectors")).await.status, 404);
    assert!(
        !other
            .get("/office")
            .await
            .body
            .contains("Démarche de Villejuif")
    );
    assert!(
        pages
            .get("/office")
            .await
            .body
            .contains("Démarche de Villejuif")
    );

    // Logging out ends the session.
    let out = pages.post("/office/logout", &[]).await;
    assert_eq!(out.status, 303);
    assert_eq!(pages.get("/office").await.status, 303);
    server.stop().await;
}
