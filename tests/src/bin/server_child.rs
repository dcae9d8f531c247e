//! The real server in a process of its own, for tests that measure what an
//! attack costs it (peak memory is per process) or that must see it
//! survive one: `server-child DATA_DIR` (`PALIER_READ_MODEL=lazy` to
//! keep the read model lazily; `PALIER_DATABASE_URL` to serve from
//! PostgreSQL). It binds a free loopback port,
//! prints the address on the first line of stdout, and serves until its
//! stdin closes.

use anyhow::Context;
use sync_server::AppState;
use tokio::io::AsyncReadExt;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let data = std::env::args()
        .nth(1)
        .context("usage: server-child DATA_DIR")?;
    let mut config = tests::test_config(std::path::Path::new(&data));
    // Benchmarks compare the two ways of keeping the read model.
    if std::env::var("PALIER_READ_MODEL").as_deref() == Ok("lazy") {
        config.read_model = sync_server::config::Projection::Lazy;
    }
    config.database_url = std::env::var("PALIER_DATABASE_URL").ok();
    let state = tokio::task::spawn_blocking(move || AppState::open(config)).await??;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("{}", listener.local_addr()?);
    let shutdown = async {
        let mut sink = Vec::new();
        let _ = tokio::io::stdin().read_to_end(&mut sink).await;
    };
    sync_server::serve_with(state, listener, shutdown).await
}
