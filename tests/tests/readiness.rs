//! `/ready` tells a load balancer or a monitor whether the server can
//! serve: 200 when the control data and every municipality's store open,
//! 503 (without saying which, in the answer) when one does not.

use tests::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_only_when_every_store_opens() {
    let server = TestServer::start().await;
    server.municipality("Bondy").await;
    let http = reqwest::Client::new();
    let ready = http
        .get(format!("{}/ready", server.url))
        .send()
        .await
        .expect("ready");
    assert_eq!(ready.status().as_u16(), 200);
    assert_eq!(
        ready.json::<serde_json::Value>().await.expect("json")["status"],
        "ready"
    );

    // A municipality whose store cannot open (a folder where its file
    // should be): not ready, and nothing in the answer names it.
    let control = server.state.control.clone();
    let broken = tests::blocking(|| control.ensure_municipality("Noisy").expect("municipality"));
    std::fs::create_dir_all(server.store_path(broken)).expect("a folder in the way");
    let not_ready = http
        .get(format!("{}/ready", server.url))
        .send()
        .await
        .expect("ready");
    assert_eq!(not_ready.status().as_u16(), 503);
    let body = not_ready.text().await.expect("body");
    assert!(body.contains("not_ready") && !body.contains(&broken.0.to_string()));
    // Alive all the same.
    let health = http
        .get(format!("{}/health", server.url))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status().as_u16(), 200);
    server.stop().await;
}
