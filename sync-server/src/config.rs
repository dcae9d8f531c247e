//! The server's settings, from flags or environment variables.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Palier's sync server.
#[derive(Debug, Parser)]
#[command(name = "palier-server", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The server's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the sync API, the office pages and the field app.
    Serve(ServeConfig),
    /// Rebuild every municipality's office read model from its documents
    /// (after restoring a backup, or to check the figures). Safe while a
    /// server runs on the same data.
    RebuildReadModel(DataConfig),
    /// Copy every database (accounts, devices, each municipality's
    /// documents) into an empty folder, consistently, while a server runs
    /// on the same data. Read models are not copied: they are rebuilt.
    Backup(BackupConfig),
    /// Bring a backup back into a new, empty data folder, and make it
    /// forget again every erasure journaled (its own journal and those of
    /// the control databases named with --journal) before it is served;
    /// phones then resend what it lacks. Refuses a backup older than
    /// --max-age-days. With --database-url, after `pg_restore`: the same
    /// on that database.
    Restore(RestoreConfig),
}

/// What to restore, where, and which journals of erasures to replay.
#[derive(Debug, Clone, Args)]
pub struct RestoreConfig {
    /// The backup folder (made by `palier-server backup`).
    #[arg(
        long,
        required_unless_present = "database_url",
        conflicts_with = "database_url"
    )]
    pub from: Option<PathBuf>,
    /// The new data folder (created; must be empty). With --database-url,
    /// the folder of the read models.
    #[arg(long, env = "PALIER_DATA", default_value = "data")]
    pub data: PathBuf,
    /// A PostgreSQL database already brought back with `pg_restore`: its
    /// journal is replayed there and each municipality given a new epoch,
    /// before it is served again.
    #[arg(long, env = "PALIER_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Another control database whose journal of erasures to replay too:
    /// the failed server's `control.sqlite` if it still reads, and any
    /// newer backup's. Repeat for several.
    #[arg(long)]
    pub journal: Vec<PathBuf>,
    /// Backups older than this many days are refused: they may hold what
    /// residents asked to erase longer than the municipality keeps it.
    #[arg(long, default_value_t = 30)]
    pub max_age_days: u64,
}

/// Where to back up from and to.
#[derive(Debug, Clone, Args)]
pub struct BackupConfig {
    /// The data folder.
    #[arg(long, env = "PALIER_DATA", default_value = "data")]
    pub data: PathBuf,
    /// The folder to copy into (created if needed; must not hold a copy).
    #[arg(long)]
    pub to: PathBuf,
}

/// Where the data is.
#[derive(Debug, Clone, Args)]
pub struct DataConfig {
    /// The data folder.
    #[arg(long, env = "PALIER_DATA", default_value = "data")]
    pub data: PathBuf,
    /// The PostgreSQL database, if the data is there (see `serve`).
    #[arg(long, env = "PALIER_DATABASE_URL")]
    pub database_url: Option<String>,
}

/// How to serve.
#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// Folder holding the databases: `control.sqlite` (accounts, devices)
    /// and one file per municipality under `municipalities/`; on
    /// PostgreSQL, only the office's read models (rebuilt from the
    /// documents when missing).
    #[arg(long, env = "PALIER_DATA", default_value = "data")]
    pub data: PathBuf,
    /// Keep the documents and the control data in this PostgreSQL database
    /// (`postgres://user:password@host:port/database`) instead of SQLite
    /// files, so that several server processes can share them.
    #[arg(long, env = "PALIER_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Address to listen on.
    #[arg(long, env = "PALIER_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Create (or reuse) a demo municipality with a small synthetic
    /// territory, an office account and an enrolment code, printed at start.
    #[arg(long, env = "PALIER_DEMO")]
    pub demo: bool,
    /// Folder of the built field app (`scripts/build-web.sh` writes it),
    /// served at `/`.
    #[arg(long, env = "PALIER_WEB", default_value = "web-dist")]
    pub web: PathBuf,
    /// How long a one-time enrolment code stays valid, in minutes.
    #[arg(long, env = "PALIER_ENROLMENT_MINUTES", default_value_t = 24 * 60)]
    pub enrolment_minutes: i64,
    /// The window over which login and enrolment attempts are counted, in
    /// seconds (see `throttle`).
    #[arg(long, env = "PALIER_THROTTLE_WINDOW_SECS", default_value_t = 15 * 60)]
    pub throttle_window_secs: u64,
    /// How long an office session survives without use, in seconds.
    #[arg(long, env = "PALIER_SESSION_IDLE_SECS", default_value_t = 30 * 60)]
    pub session_idle_secs: i64,
    /// When the office's read model follows the documents: `eager`, in the
    /// background after every write (figures are current when a page
    /// opens); `lazy`, only when an office page reads (nothing runs beside
    /// the phones' syncs; the first page after a busy evening waits for
    /// the backlog).
    #[arg(long, env = "PALIER_READ_MODEL", value_enum, default_value = "eager")]
    pub read_model: Projection,
    /// How often what has passed its retention period is purged, in
    /// seconds (`retention`); 0: never by itself.
    #[arg(long, env = "PALIER_RETENTION_EVERY_SECS", default_value_t = 600)]
    pub retention_every_secs: u64,
}

/// When the read model is brought up to date (see `readmodel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Projection {
    /// In the background, after every write.
    Eager,
    /// When an office page reads.
    Lazy,
}
