//! Command-line interface: every flag has an environment-variable fallback.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "netra", version, about = "Pelatihan dan kuis netralitas ASN")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Flags for `serve`, also accepted without the subcommand (it is the default).
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve(ServeArgs),
    /// Apply or inspect database migrations.
    Migrate {
        /// What to do.
        #[arg(value_enum, default_value_t = MigrateAction::Up)]
        action: MigrateAction,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Validate the content directory and print a summary.
    CheckContent {
        /// Content directory (defaults to NETRA_CONTENT_DIR or `content`).
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MigrateAction {
    /// Apply all pending migrations (the default).
    Up,
    /// Revert the last applied migration.
    Down,
    /// List migrations and whether each is applied.
    Status,
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `sqlite://path?mode=rwc` or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/netra.db?mode=rwc")]
    pub database_url: String,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "NETRA_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Folder with the training modules.
    #[arg(long, env = "NETRA_CONTENT_DIR", default_value = "content")]
    pub content_dir: PathBuf,
    /// Folder with the built site (`pkg/` with wasm, JS and CSS; favicon).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Public URL, e.g. https://netra.example.go.id: `https://` turns on Secure cookies.
    #[arg(long, env = "NETRA_PUBLIC_URL")]
    pub public_url: Option<String>,
}
