//! The learner's journey in headless Chromium with JavaScript on (hydrated), driven by
//! playwright-core (installed by `make test`, never downloading a browser of its own).

use anyhow::{ensure, Context, Result};
use tests::{repo_root, Backend, TestApp};

/// Runs a journey script in headless Chromium against `app`; the script prints `passed` at the
/// end. Returns what it printed.
async fn journey(app: &TestApp, script: &str, args: &[&str], passed: &str) -> Result<String> {
    journey_with_env(app, script, args, &[], passed).await
}

/// [`journey`] with extra environment variables for the script.
async fn journey_with_env(
    app: &TestApp,
    script: &str,
    args: &[&str],
    env: &[(&str, String)],
    passed: &str,
) -> Result<String> {
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
    Ok(stdout.into_owned())
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
    .map(drop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_learner_path_works_hydrated_in_chromium() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    journey(&app, "learner_journey.mjs", &[], "browser journey passed").await?;
    Ok(())
}

/// A keyboard-only learner goes from the catalogue to the result with visible focus, errors tied
/// to their fields and a polite countdown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyboard_alone_takes_a_quiz_in_chromium() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    journey(
        &app,
        "keyboard_journey.mjs",
        &["199203142019031004"],
        "keyboard journey passed",
    )
    .await
    .map(drop)
}

/// The connection drops mid-quiz and during the submit: every answer chosen is stored, and the
/// attempt is submitted exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiz_survives_a_dropped_connection_in_chromium() -> Result<()> {
    use app::ssr::db::entities::{answer, attempt};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let out = journey(
        &app,
        "offline_quiz.mjs",
        &[tests::NIP_OTHER],
        "offline quiz passed",
    )
    .await?;
    let line = out
        .lines()
        .find(|l| l.starts_with('{'))
        .context("the chosen answers")?;
    let chosen: std::collections::BTreeMap<String, String> = serde_json::from_str(line)?;
    ensure!(chosen.len() == 10, "{chosen:?}");
    let employee = app::ssr::db::employees::find_by_nip(&app.db, tests::NIP_OTHER)
        .await?
        .context("the learner")?;
    let attempts = attempt::Entity::find()
        .filter(attempt::Column::EmployeeId.eq(employee.id))
        .all(&app.db)
        .await?;
    ensure!(attempts.len() == 1, "one attempt: {}", attempts.len());
    ensure!(attempts[0].submitted_at.is_some(), "submitted");
    let stored = answer::Entity::find()
        .filter(answer::Column::AttemptId.eq(attempts[0].id))
        .all(&app.db)
        .await?;
    let stored: std::collections::BTreeMap<String, String> = stored
        .into_iter()
        .map(|a| {
            let keys: Vec<String> = serde_json::from_str(&a.chosen).unwrap_or_default();
            (a.question_id, keys.join(","))
        })
        .collect();
    ensure!(stored == chosen, "stored {stored:?}, chosen {chosen:?}");
    Ok(())
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
    .map(drop)
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
    .map(drop)
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
    result.map(drop)
}

/// Single sign-on in Chromium: Netra's button, the provider's login form, back signed in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_sign_on_goes_through_the_providers_login_form_in_chromium() -> Result<()> {
    let mut provider = None;
    let app = TestApp::spawn_with_sso(Backend::Sqlite, |base| {
        let provider = &mut provider;
        async move {
            let users = serde_json::json!([{
                "login": "budi",
                "claims": { "name": "Budi Santoso", "nip": tests::NIP, "instansi": "pemkab-a" }
            }]);
            let started = tests::OidcProvider::start(&base, users).await?;
            let settings = started.settings(&base);
            *provider = Some(started);
            Ok(settings)
        }
    })
    .await?;
    crate::accounts::world(&app).await?;
    journey(&app, "sso_journey.mjs", &["budi"], "sso journey passed").await?;
    drop(provider);
    Ok(())
}

/// A first visit on a phone profile (1.6 Mbit/s, 150 ms, CPU 4x slower): the lesson reads and the
/// quiz page's countdown ticks. Prints the times; their targets are held on the release build by
/// `cargo run --release -p bench --bin phone_profile` (docs/performance.md).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_on_a_weak_connection_reads_a_lesson_and_starts_a_quiz_in_chromium() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let out = journey(
        &app,
        "phone_profile.mjs",
        &[tests::MODULE, "arti-netral", "199005172015042002"],
        "phone profile passed",
    )
    .await?;
    print!("{out}");
    Ok(())
}
