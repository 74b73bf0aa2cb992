//! Operations: `netra backup` copies a live SQLite database consistently.

use anyhow::{ensure, Context, Result};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use tests::{Backend, TestApp};

/// A learner identifies, starts the quiz and submits it.
async fn one_learner(app: &TestApp, n: u32) -> Result<()> {
    let browser = app.browser()?;
    browser
        .identify(
            &format!("198703152010012{:03}", 500 + n),
            &format!("Peserta {n}"),
        )
        .await?;
    let html = browser.start_quiz().await?;
    browser.submit_quiz(app, &html, (n % 11) as usize).await
}

/// Every row of the tables that hold learners' records, as text, in a stable order (SQLite's
/// `quote()` of every column, so types and NULLs are compared exactly).
async fn dump(db: &DatabaseConnection) -> Result<Vec<String>> {
    let backend = db.get_database_backend();
    let mut out = Vec::new();
    for table in [
        "employees",
        "attempts",
        "answers",
        "module_results",
        "unit_history",
    ] {
        let columns: Vec<String> = db
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
            ))
            .await?
            .into_iter()
            .map(|r| r.try_get_by_index::<String>(0))
            .collect::<Result<_, _>>()?;
        let select = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        for row in db
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT {select} FROM {table} ORDER BY id"),
            ))
            .await?
        {
            out.push(format!("{table}: {}", row.try_get_by_index::<String>(0)?));
        }
    }
    Ok(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_online_backup_is_a_consistent_copy() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let dir = std::env::temp_dir().join(format!("netra-backup-{}", rand::random::<u32>()));
    let args = server::cli::DatabaseArgs {
        database_url: app.database_url.clone(),
        sqlite_synchronous: app::ssr::db::SqliteSynchronous::Full,
    };

    // Taken while learners are submitting: the copy is a state at one instant, so every
    // submitted attempt in it has all its answers.
    let busy = dir.join("during.db");
    let (done, backup) = tokio::join!(
        async {
            for n in 0..12 {
                one_learner(&app, n).await?;
            }
            anyhow::Ok(())
        },
        server::cli::backup::run(&busy, &args)
    );
    done?;
    ensure!(
        backup? == std::process::ExitCode::SUCCESS,
        "backup during writes"
    );
    let copy = Database::connect(format!("sqlite://{}?mode=ro", busy.display())).await?;
    let half_written = copy
        .query_one_raw(Statement::from_string(
            copy.get_database_backend(),
            "SELECT COUNT(*) FROM attempts a WHERE a.submitted_at IS NOT NULL AND \
             (SELECT COUNT(*) FROM answers an WHERE an.attempt_id = a.id) <> a.question_count",
        ))
        .await?
        .context("count")?
        .try_get_by_index::<i64>(0)?;
    ensure!(
        half_written == 0,
        "{half_written} submitted attempts without all their answers"
    );
    copy.close().await?;

    // Taken at rest: restoring it gives back exactly the live data.
    let quiet = dir.join("after.db");
    ensure!(
        server::cli::backup::run(&quiet, &args).await? == std::process::ExitCode::SUCCESS,
        "backup at rest"
    );
    let restored = Database::connect(format!("sqlite://{}?mode=ro", quiet.display())).await?;
    let (live, copied) = (dump(&app.db).await?, dump(&restored).await?);
    ensure!(
        live.len() > 12 * 10,
        "the fixture wrote rows: {}",
        live.len()
    );
    ensure!(
        live == copied,
        "the restored copy differs from the live database"
    );
    restored.close().await?;

    // It never overwrites, and it points PostgreSQL users to pg_dump.
    ensure!(
        server::cli::backup::run(&quiet, &args).await.is_err(),
        "refuses to overwrite"
    );
    let pg = server::cli::DatabaseArgs {
        database_url: "postgres://postgres@127.0.0.1:5432/postgres".into(),
        sqlite_synchronous: app::ssr::db::SqliteSynchronous::Full,
    };
    ensure!(
        server::cli::backup::run(&dir.join("pg.db"), &pg).await? == std::process::ExitCode::FAILURE,
        "PostgreSQL is backed up with pg_dump"
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_has_an_id_and_an_incident_names_it() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let browser = app.browser()?;
    let id_of = |res: &reqwest::Response| {
        res.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let res = browser.get("/").await?;
    let first = id_of(&res).context("an id on every response")?;
    let res = browser.get("/").await?;
    ensure!(id_of(&res).as_ref() != Some(&first), "a new id per request");
    // A proxy's id is kept when it is a plain token, replaced when it is not.
    let res = browser
        .client
        .get(browser.url("/healthz"))
        .header("x-request-id", "lb-7f3a9c21-0001")
        .send()
        .await?;
    ensure!(
        id_of(&res).as_deref() == Some("lb-7f3a9c21-0001"),
        "kept the proxy's id"
    );
    let res = browser
        .client
        .get(browser.url("/healthz"))
        .header("x-request-id", "<script>")
        .send()
        .await?;
    ensure!(
        id_of(&res).is_some_and(|id| id.len() == 16),
        "replaced an unsafe id"
    );

    // A failure the user cannot fix names the request, so a report leads to the log line.
    browser.identify(tests::NIP, "Budi Santoso").await?;
    app.db
        .execute_unprepared("ALTER TABLE attempts RENAME TO attempts_gone")
        .await?;
    let res = browser
        .call("/api/start_attempt", &[("slug", tests::MODULE)])
        .await?;
    ensure!(res.status() == 500, "broken database: {}", res.status());
    let id = id_of(&res).context("id")?;
    let body = res.text().await?;
    ensure!(
        body.contains("Incident") && body.contains(&id),
        "the message carries the request id {id}: {body}"
    );
    Ok(())
}

/// The value of one sample line of a Prometheus exposition.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_under_a_public_url_metrics_need_the_token() -> Result<()> {
    // Behind a proxy every visitor may look local: without a token nobody reads the metrics.
    let app = TestApp::spawn_https(Backend::Sqlite, "https://netra.example.go.id").await?;
    let res = app.browser()?.get("/metrics").await?;
    ensure!(
        res.status() == 403,
        "public metrics without a token: {}",
        res.status()
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn made_up_http_methods_do_not_grow_the_metrics() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let browser = app.browser()?;
    let before = browser.get("/metrics").await?.text().await?.len();
    for i in 0..300 {
        let method = reqwest::Method::from_bytes(format!("X{i}FOO").as_bytes())?;
        let res = browser
            .client
            .request(method, browser.url(&format!("/tidak-ada-{i}")))
            .send()
            .await?;
        ensure!(
            res.status().is_client_error(),
            "made-up method: {}",
            res.status()
        );
    }
    let text = browser.get("/metrics").await?.text().await?;
    ensure!(
        text.contains(r#"method="OTHER""#) && !text.contains("X1FOO"),
        "made-up methods share one label:\n{text}"
    );
    // 300 requests under new methods and paths add at most a few series (one per status).
    ensure!(
        text.len() < before + 8 * 1024,
        "metrics grew from {before} to {} bytes",
        text.len()
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_by_route_and_read_attempts_from_the_database() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let browser = app.browser()?;
    for _ in 0..3 {
        ensure!(
            browser.get("/modul/dasar-netralitas-asn").await?.status() == 200,
            "module page"
        );
    }
    ensure!(browser.get("/tidak-ada").await?.status() == 404, "a 404");
    one_learner(&app, 1).await?;
    let started = app.browser()?;
    started.identify(tests::NIP, "Budi Santoso").await?;
    started.start_quiz().await?;

    let res = browser.get("/metrics").await?;
    ensure!(
        res.status() == 200,
        "metrics from loopback: {}",
        res.status()
    );
    ensure!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/openmetrics-text; version=1.0.0")),
        "OpenMetrics text format"
    );
    let text = res.text().await?;
    ensure!(text.ends_with("# EOF\n"), "a complete exposition:\n{text}");
    let route = r#"route="/modul/{slug}",method="GET",status="200""#;
    ensure!(
        sample(&text, &format!("netra_http_requests_total{{{route}}}")) == Some(3.0),
        "three module pages under one route label:\n{text}"
    );
    ensure!(
        sample(
            &text,
            r#"netra_http_requests_total{route="other",method="GET",status="404"}"#
        )
        .is_some_and(|n| n >= 1.0),
        "unmatched paths share one label"
    );
    ensure!(
        !text.contains("dasar-netralitas-asn"),
        "no raw URLs in labels (bounded cardinality)"
    );
    // Histogram buckets are cumulative and end at the count.
    let buckets: Vec<f64> = text
        .lines()
        .filter(|l| {
            l.starts_with("netra_http_request_duration_seconds_bucket{")
                && l.contains(r#"route="/modul/{slug}",method="GET""#)
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
        .collect();
    ensure!(
        buckets.len() == 11 && buckets.windows(2).all(|w| w[0] <= w[1]),
        "{buckets:?}"
    );
    ensure!(buckets.last() == Some(&3.0), "+Inf equals the count");
    ensure!(
        sample(&text, "netra_attempts_open") == Some(1.0),
        "one attempt open:\n{text}"
    );
    ensure!(
        sample(&text, "netra_attempts_submitted_total") == Some(1.0),
        "one submitted"
    );
    ensure!(
        sample(&text, r#"netra_db_pool_connections{state="idle"}"#).is_some(),
        "pool gauge"
    );
    Ok(())
}

crate::on_both_backends!(housekeeping_purges_what_has_expired_and_keeps_the_rest);

async fn housekeeping_purges_what_has_expired_and_keeps_the_rest(backend: Backend) -> Result<()> {
    use app::ssr::db::{self, sessions::Kind};
    use chrono::{Duration, Utc};
    let app = TestApp::spawn(backend).await?;
    // A learner who identified has a live session; give them an expired one too.
    let browser = app.browser()?;
    browser.identify(tests::NIP, "Budi Santoso").await?;
    let employee = db::employees::find_by_nip(&app.db, tests::NIP)
        .await?
        .context("the employee")?;
    let claim = db::claims::open_of(&app.db, employee.id)
        .await?
        .pop()
        .context("the claim")?;
    let now = Utc::now();
    db::sessions::create(
        &app.db,
        db::sessions::Owner::Claim {
            id: claim.id,
            employee_id: employee.id,
        },
        "expired-session-hash",
        now - Duration::days(40),
        now - Duration::days(10),
        now + Duration::days(50),
    )
    .await?;
    let purged = db::maintenance::purge(&app.db, now).await?;
    ensure!(
        purged.sessions == 1,
        "one expired session purged: {purged:?}"
    );
    ensure!(
        db::sessions::find_live(
            &app.db,
            Kind::Learner,
            "expired-session-hash",
            now - Duration::days(20)
        )
        .await?
        .is_none(),
        "the expired row is gone"
    );
    // The live session still identifies the learner.
    let (status, page) = browser.page("/saya").await?;
    ensure!(
        status == 200 && page.contains("Budi Santoso"),
        "still identified"
    );
    // A second purge finds nothing.
    ensure!(
        db::maintenance::purge(&app.db, now).await? == db::maintenance::Purged::default(),
        "idempotent"
    );
    Ok(())
}
