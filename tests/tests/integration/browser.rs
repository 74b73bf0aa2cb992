//! The learner's journey in headless Chromium with JavaScript on (hydrated), driven by
//! playwright-core (installed by `make test`, never downloading a browser of its own).

use anyhow::{ensure, Context, Result};
use tests::{repo_root, Backend, TestApp};

/// Runs a journey script in headless Chromium against `app`; the script prints `passed` at the end.
async fn journey(app: &TestApp, script: &str, args: &[&str], passed: &str) -> Result<()> {
    journey_with_env(app, script, args, &[], passed).await
}

/// [`journey`] with extra environment variables for the script.
async fn journey_with_env(
    app: &TestApp,
    script: &str,
    args: &[&str],
    env: &[(&str, String)],
    passed: &str,
) -> Result<()> {
    let site = repo_root().join("target/site-debug/asset-name");
    ensure!(
        site.exists(),
        "{} is missing: run `make test` (it builds the debug site first)",
        site.display()
    );
    let tools = std::env::var("NETRA_TOOLS").unwrap_or_else(|_| {
        format!(
            "{}/.cache/netra/tools",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    ensure!(
        std::path::Path::new(&tools)
            .join("node_modules/playwright-core")
            .exists(),
        "playwright-core is missing in {tools}: run `make test` (or .ci/tools.sh --test)"
    );
    let output = tokio::process::Command::new("node")
        .arg(repo_root().join("tests/browser").join(script))
        .arg(&app.base)
        .args(args)
        .arg(std::env::temp_dir())
        .env("NETRA_TOOLS", &tools)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .await
        .context("running node (installed with the system packages)")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    ensure!(
        output.status.success(),
        "{script} failed:\n{stdout}\n{stderr}"
    );
    ensure!(stdout.contains(passed), "unexpected output: {stdout}");
    Ok(())
}

/// Every learner-facing page fits 360 px, sizes its images and loads nothing from elsewhere;
/// with JavaScript off a lesson reads and a quiz is taken to its result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_phone_friendly_and_work_without_javascript_in_chromium() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    journey(
        &app,
        "light_pages.mjs",
        &[tests::MODULE, "arti-netral", tests::NIP],
        "light pages passed",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_learner_path_works_hydrated_in_chromium() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    journey(&app, "learner_journey.mjs", &[], "browser journey passed").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_issues_a_code_and_the_learner_activates_in_chromium() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    super::accounts::world(&app).await?;
    // The learner starts without an account: the operator's code creates it.
    let learner = app::ssr::db::accounts::by_login(&app.db, tests::NIP)
        .await?
        .context("learner account")?;
    app::ssr::db::accounts::delete_account(&app.db, learner.id).await?;
    let password = super::accounts::PASSWORD;
    journey(
        &app,
        "account_journey.mjs",
        &[
            "op-a@netra.test",
            password,
            tests::NIP,
            "sepeda-biru-melaju-42",
        ],
        "account journey passed",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webinar_from_host_to_verified_certificate_in_chromium() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    super::accounts::world(&app).await?;
    journey(
        &app,
        "webinar_journey.mjs",
        &[
            "host@netra.test",
            super::accounts::PASSWORD,
            "199203142019031004",
        ],
        "webinar journey passed",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_imports_assigns_and_sees_the_pass_in_chromium() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    super::accounts::world(&app).await?;
    // Two valid rows (one in a sub-unit of Dinas Kesehatan) and one with a damaged NIP.
    let roster = std::env::temp_dir().join(format!("netra-roster-{}.csv", std::process::id()));
    std::fs::write(
        &roster,
        "NIP;Nama;Jabatan;Golongan;Jenis;OPD;Unit Kerja\n\
         198703152010012301;Rina Wati;Perawat;III/b;PNS;Dinas Kesehatan;Puskesmas Depok\n\
         198703152010011302;Budi Hartono;Analis;III/a;PNS;Dinas Kesehatan;\n\
         1,98703E+17;Rusak;;;;Dinas Kesehatan;\n",
    )?;
    // The learner answers from the key, as someone who studied the module would.
    let module = app.state.catalog.module(tests::MODULE).context("module")?;
    let key: serde_json::Map<String, serde_json::Value> = module
        .questions
        .iter()
        .map(|q| (q.id.clone(), serde_json::json!(q.correct_keys())))
        .collect();
    let result = journey_with_env(
        &app,
        "tracking_journey.mjs",
        &[
            "op-a@netra.test",
            super::accounts::PASSWORD,
            &roster.to_string_lossy(),
            "198703152010012301",
        ],
        &[(
            "NETRA_ANSWER_KEY",
            serde_json::Value::Object(key).to_string(),
        )],
        "tracking journey passed",
    )
    .await;
    let _ = std::fs::remove_file(&roster);
    result
}
