//! `palier-server`: the command line around [`sync_server::serve`].

use anyhow::Context;
use clap::Parser;
use sync_server::config::{Cli, Command};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=info".into()),
        )
        .init();
    match cli.command {
        Command::Serve(config) => {
            let listener = tokio::net::TcpListener::bind(&config.listen)
                .await
                .with_context(|| format!("cannot listen on {}", config.listen))?;
            let shutdown = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            sync_server::serve(config, listener, shutdown).await
        }
        Command::RebuildReadModel(config) => {
            // Off the async threads: PostgreSQL's synchronous client must
            // not run on them.
            let rebuilt = tokio::task::spawn_blocking(move || {
                let (control, tenants) =
                    sync_server::open_storage(&config.data, config.database_url.as_deref())?;
                let municipalities = control.municipalities()?;
                anyhow::Ok(tenants.rebuild_read_models(&municipalities)?)
            })
            .await??;
            for (municipality, rev, took) in rebuilt {
                println!(
                    "{municipality}: rebuilt up to revision {rev} in {:.1} s",
                    took.as_secs_f64()
                );
            }
            Ok(())
        }
        Command::Restore(config) => {
            let max_age = std::time::Duration::from_secs(config.max_age_days * 86_400);
            let restored = match (&config.from, &config.database_url) {
                (Some(from), _) => sync_server::storage::restore::restore(
                    from,
                    &config.data,
                    &config.journal,
                    max_age,
                    sync_server::storage::control::now_ms(),
                )?,
                (None, Some(url)) => {
                    let (data, url, journals) =
                        (config.data.clone(), url.clone(), config.journal.clone());
                    tokio::task::spawn_blocking(move || {
                        let (control, tenants) = sync_server::open_storage(&data, Some(&url))?;
                        anyhow::Ok(sync_server::storage::restore::forget_again(
                            &control, &tenants, &journals,
                        )?)
                    })
                    .await??
                }
                (None, None) => anyhow::bail!("restore needs --from or --database-url"),
            };
            for r in restored {
                println!(
                    "{}: {} erasures carried out again; new epoch {}",
                    r.municipality, r.replayed, r.epoch
                );
            }
            if config.from.is_some() {
                println!(
                    "restored into {}: serve it with --data",
                    config.data.display()
                );
            }
            Ok(())
        }
        Command::Backup(config) => {
            for copied in sync_server::storage::backup::backup_all(&config.data, &config.to)? {
                println!("{} ({} bytes)", copied.path.display(), copied.bytes);
            }
            Ok(())
        }
    }
}
