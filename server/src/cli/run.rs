//! What the `netra` binary does, as a library function so the test suite can run the very
//! same command line as a child process it may kill (`tests/src/bin/netra-test-server.rs`).

use crate::cli::{Cli, Command, ContentCommand, MigrateAction};
use crate::startup::{self, ServerConfig};
use anyhow::Context;
use app::ssr::content::lint::Limits;
use clap::Parser;
use migrations::{Migrator, MigratorTrait};
use std::path::PathBuf;
use std::process::ExitCode;

/// Parses the command line, runs the command on a multi-threaded runtime and gives the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::cli::telemetry::init(cli.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: starting the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => serve(ServerConfig::from_args(cli.serve)?).await,
        Some(Command::Serve(args)) => serve(ServerConfig::from_args(*args)?).await,
        Some(Command::Migrate { db, action }) => migrate(&db.database_url, action).await,
        Some(Command::CheckContent { dir }) => Ok(check_content(dir)),
        Some(Command::Coverage { dir }) => Ok(coverage(dir)),
        Some(Command::Content(ContentCommand::Lint { dir, limits })) => {
            Ok(lint(&dir, &limits.into()))
        }
        Some(Command::Questions(cmd)) => crate::cli::questions::run(cmd),
        Some(Command::User(cmd)) => crate::cli::users::run(cmd).await,
        Some(Command::Roster(cmd)) => crate::cli::roster::run(cmd).await,
        Some(Command::Backup { file, db }) => crate::cli::backup::run(&file, &db).await,
    }
}

async fn serve(config: ServerConfig) -> anyhow::Result<ExitCode> {
    let state = startup::prepare(&config).await?;
    startup::spawn_housekeeping(state.db.clone());
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("binding {}", config.addr))?;
    tracing::info!("Netra siap di http://{}", listener.local_addr()?);
    crate::http::serve(
        listener,
        crate::http::router(state),
        crate::http::shutdown_signal(),
    )
    .await?;
    Ok(ExitCode::SUCCESS)
}

async fn migrate(url: &str, action: MigrateAction) -> anyhow::Result<ExitCode> {
    startup::ensure_sqlite_dir(url)?;
    let db = app::ssr::db::connect(url)
        .await
        .with_context(|| format!("connecting to {}", startup::redact(url)))?;
    match action {
        MigrateAction::Up => Migrator::up(&db, None).await?,
        MigrateAction::Down => Migrator::down(&db, Some(1)).await?,
        MigrateAction::Status => {}
    }
    for m in Migrator::get_migration_with_status(&db).await? {
        println!("{:?}\t{}", m.status(), m.name());
    }
    Ok(ExitCode::SUCCESS)
}

/// Loads the catalogue, or prints every content error and gives the exit code to return.
fn load_or_report(dir: &std::path::Path) -> Result<app::ssr::content::Catalog, ExitCode> {
    app::ssr::content::load_catalog(dir).map_err(|errors| {
        for e in &errors.0 {
            eprintln!("{e}");
        }
        eprintln!("{} error(s) in {}", errors.0.len(), dir.display());
        ExitCode::FAILURE
    })
}

fn check_content(dir: PathBuf) -> ExitCode {
    match load_or_report(&dir) {
        Ok(catalog) => {
            for m in catalog.modules() {
                println!(
                    "{}\tv{}\t{} lessons\t{} questions ({} scenarios, draws {})",
                    m.slug,
                    m.version,
                    m.lessons.len(),
                    m.questions.len(),
                    m.questions.iter().filter(|q| q.scenario).count(),
                    m.questions_per_attempt
                );
            }
            println!(
                "OK: {} modules, {} lessons, {} questions, {} catalogued violations",
                catalog.modules().len(),
                catalog.lesson_count(),
                catalog.question_count(),
                catalog.violations().len()
            );
            print_lint(&catalog, &Limits::default())
        }
        Err(code) => code,
    }
}

/// `netra content lint`.
fn lint(dir: &std::path::Path, limits: &Limits) -> ExitCode {
    match load_or_report(dir) {
        Ok(catalog) => print_lint(&catalog, limits),
        Err(code) => code,
    }
}

/// Prints every bank's form figures and every finding; failure when there is a finding.
fn print_lint(catalog: &app::ssr::content::Catalog, limits: &Limits) -> ExitCode {
    let report = app::ssr::content::lint::lint(catalog, limits);
    for bank in &report.banks {
        println!(
            "{}	key longest in {}/{} single-choice ({:.0}%)	true/false {}/{} \"Benar\" ({:.0}%)",
            bank.module,
            bank.longest_key,
            bank.single,
            100.0 * bank.longest_key_share(),
            bank.true_keys,
            bank.true_false,
            100.0 * bank.true_share()
        );
    }
    for finding in &report.findings {
        eprintln!("{finding}");
    }
    if report.findings.is_empty() {
        println!("lint OK");
        ExitCode::SUCCESS
    } else {
        eprintln!("{} lint finding(s)", report.findings.len());
        ExitCode::FAILURE
    }
}

fn coverage(dir: PathBuf) -> ExitCode {
    let catalog = match load_or_report(&dir) {
        Ok(catalog) => catalog,
        Err(code) => return code,
    };
    let rows = app::ssr::content::coverage::coverage(&catalog);
    for row in &rows {
        println!("{}  ({})", row.violation_id, row.name);
        println!(
            "  lessons   ({}): {}",
            row.lessons.len(),
            row.lessons.join(", ")
        );
        println!(
            "  questions ({}): {}",
            row.questions.len(),
            row.questions.join(", ")
        );
    }
    let uncovered: Vec<&str> = rows
        .iter()
        .filter(|r| r.questions.is_empty())
        .map(|r| r.violation_id.as_str())
        .collect();
    if uncovered.is_empty() {
        println!(
            "OK: all {} catalogue entries are practised by at least one question",
            rows.len()
        );
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{} catalogue entr(ies) practised by no question: {}",
            uncovered.len(),
            uncovered.join(", ")
        );
        ExitCode::FAILURE
    }
}
