//! PostgreSQL for tests: the server `scripts/with-postgres.sh` started (its
//! URL in `PALIER_TEST_DATABASE_URL`), and a database of its own per test,
//! so tests running side by side never see each other's accounts.
//!
//! Without the variable the PostgreSQL cases fail, they do not skip: a
//! suite that passes without running them would say nothing.

/// The URL of the test server's maintenance database.
pub fn server_url() -> String {
    std::env::var("PALIER_TEST_DATABASE_URL").expect(
        "PALIER_TEST_DATABASE_URL is not set: run the tests through \
         ./scripts/with-postgres.sh (./scripts/test.sh does)",
    )
}

/// Creates an empty database and returns its URL. Blocking: call it off
/// the async threads (the synchronous client must not run on them).
pub fn fresh_database() -> String {
    create_database(&server_url(), "t")
}

/// Creates an empty database named `<prefix>_<random>` on the server at
/// `server` (a URL ending in a database) and returns its URL. Blocking.
pub fn create_database(server: &str, prefix: &str) -> String {
    let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
    let mut client = postgres::Client::connect(server, postgres::NoTls).expect("connect");
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create database");
    let (head, _) = server.rsplit_once('/').expect("a URL ending in a database");
    format!("{head}/{name}")
}

/// [`fresh_database`], from async code.
pub async fn fresh_database_async() -> String {
    tokio::task::spawn_blocking(fresh_database)
        .await
        .expect("join")
}
