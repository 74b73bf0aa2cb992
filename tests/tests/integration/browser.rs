//! The learner's journey in headless Chromium with JavaScript on (hydrated), driven by
//! playwright-core (installed by `make test`, never downloading a browser of its own).

use anyhow::{ensure, Context, Result};
use tests::{repo_root, Backend, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_learner_path_works_hydrated_in_chromium() -> Result<()> {
    let site = repo_root().join("target/site-debug/pkg/netra.wasm");
    ensure!(site.exists(), "{} is missing: run `make test` (it builds the debug site first)", site.display());
    let tools = std::env::var("NETRA_TOOLS").unwrap_or_else(|_| {
        format!("{}/.cache/netra/tools", std::env::var("HOME").unwrap_or_default())
    });
    ensure!(
        std::path::Path::new(&tools).join("node_modules/playwright-core").exists(),
        "playwright-core is missing in {tools}: run `make test` (or .ci/tools.sh --test)"
    );
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let script = repo_root().join("tests/browser/learner_journey.mjs");
    let output = tokio::process::Command::new("node")
        .arg(&script)
        .arg(&app.base)
        .arg(std::env::temp_dir())
        .env("NETRA_TOOLS", &tools)
        .output()
        .await
        .context("running node (installed with the system packages)")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(output.status.success(), "browser journey failed:\n{stdout}\n{stderr}");
    ensure!(stdout.contains("browser journey passed"), "unexpected output: {stdout}");
    Ok(())
}
