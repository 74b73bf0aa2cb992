//! Probes, database outage, start-up refusal on bad content, migrations, HTTP protections.

use anyhow::{ensure, Result};
use migrations::{Migrator, MigratorTrait};
use tests::{repo_root, Backend, TestApp, MODULE, NIP};

crate::on_both_backends!(
    probes_report_the_database_and_pages_answer_503_when_it_is_gone,
    invalid_content_refuses_to_start_naming_file_and_line,
    migrations_go_down_and_up_again,
    cross_site_posts_are_refused_and_headers_are_set,
);

async fn probes_report_the_database_and_pages_answer_503_when_it_is_gone(
    backend: Backend,
) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let browser = app.browser()?;
    browser.identify(NIP, "Budi Santoso").await?;
    ensure!(browser.get("/healthz").await?.status() == 200, "healthz");
    ensure!(
        browser.get("/readyz").await?.status() == 200,
        "readyz while up"
    );

    // The database goes away (the pool is closed under the running app).
    app.db.clone().close().await?;
    let res = browser.get("/readyz").await?;
    ensure!(
        res.status() == 503,
        "readyz without database: {}",
        res.status()
    );
    ensure!(
        browser.get("/healthz").await?.status() == 200,
        "healthz only reports the process"
    );
    let (status, page) = browser.page("/saya").await?;
    ensure!(status == 503, "page needing the database: {status}");
    ensure!(
        page.contains("tidak dapat menjangkau basis data"),
        "Indonesian outage message missing"
    );
    ensure!(
        !page.contains("PoolClosed") && !page.contains("sqlx"),
        "internal details leaked"
    );
    let res = browser.call("/api/quiz_state", &[("slug", MODULE)]).await?;
    ensure!(
        res.status() == 503,
        "server function without database: {}",
        res.status()
    );
    Ok(())
}

async fn invalid_content_refuses_to_start_naming_file_and_line(backend: Backend) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("netra-bad-content-{}", rand::random::<u64>()));
    let module = dir.join(MODULE);
    std::fs::create_dir_all(module.join("lessons"))?;
    let src = repo_root().join("content").join(MODULE);
    std::fs::copy(src.join("module.toml"), module.join("module.toml"))?;
    for entry in std::fs::read_dir(src.join("lessons"))? {
        let entry = entry?;
        std::fs::copy(entry.path(), module.join("lessons").join(entry.file_name()))?;
    }
    let bank = std::fs::read_to_string(src.join("questions.toml"))?;
    // Give the second question the first one's id.
    let bank = bank.replacen("id = \"bebas-intervensi\"", "id = \"asas-netralitas\"", 1);
    std::fs::write(module.join("questions.toml"), &bank)?;
    let line = bank
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "id = \"asas-netralitas\"")
        .nth(1)
        .map(|(i, _)| i + 1);
    let result = TestApp::spawn_with_content(backend, dir.clone()).await;
    let _ = std::fs::remove_dir_all(&dir);
    let Err(err) = result else {
        anyhow::bail!("the server started on invalid content")
    };
    let msg = format!("{err:#}");
    let expected = format!(
        "questions.toml:{}: duplicate question id `asas-netralitas`",
        line.unwrap_or(0)
    );
    ensure!(
        msg.contains(&expected),
        "error {msg:?} should contain {expected:?}"
    );
    Ok(())
}

async fn migrations_go_down_and_up_again(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    Migrator::down(&app.db, None).await?;
    ensure!(
        Migrator::get_pending_migrations(&app.db).await?.len() == Migrator::migrations().len(),
        "all reverted"
    );
    Migrator::up(&app.db, None).await?;
    ensure!(
        Migrator::get_pending_migrations(&app.db).await?.is_empty(),
        "all applied"
    );
    Ok(())
}

async fn cross_site_posts_are_refused_and_headers_are_set(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let browser = app.browser()?;
    // Another site, an opaque origin (sandboxed frame, no-referrer page) and a sibling
    // subdomain are all refused.
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "same-site"),
    ] {
        let res = browser
            .client
            .post(browser.url("/api/identify"))
            .header(name, value)
            .form(&[
                ("nip", NIP),
                ("name", "Budi Santoso"),
                ("instansi", "X"),
                ("unit_kerja", "Y"),
            ])
            .send()
            .await?;
        ensure!(
            res.status() == 403,
            "cross-site post, {name}: {value}: {}",
            res.status()
        );
    }
    let res = browser.get("/").await?;
    let h = res.headers();
    ensure!(
        h.get("x-content-type-options")
            .is_some_and(|v| v == "nosniff"),
        "nosniff"
    );
    ensure!(
        h.get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("frame-ancestors 'none'")),
        "CSP"
    );
    ensure!(h.get("referrer-policy").is_some(), "referrer policy");
    // Oversized bodies are rejected before they reach a handler.
    let big = "x".repeat(300 * 1024);
    let res = browser
        .call("/api/identify", &[("nip", big.as_str())])
        .await?;
    ensure!(res.status() == 413, "oversized body: {}", res.status());
    Ok(())
}

/// PostgreSQL stops mid-run and comes back: pages answer 503 with the Indonesian message (not a
/// hang, not a 500), `/readyz` says so, and service resumes by itself, without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_recovers_by_itself_when_postgresql_returns() -> Result<()> {
    let proxy = tests::TcpProxy::start(5432).await?;
    let app = TestApp::spawn_postgres_via(proxy.port).await?;
    let browser = app.browser()?;
    browser.identify(NIP, "Budi Santoso").await?;
    ensure!(browser.get("/readyz").await?.status() == 200, "ready");

    proxy.cut();
    // The client's own timeout (30 s) would turn a hang into an error: these must answer.
    let res = browser.get("/readyz").await?;
    ensure!(
        res.status() == 503,
        "readyz during the outage: {}",
        res.status()
    );
    let (status, page) = browser.page("/saya").await?;
    ensure!(status == 503, "a page needing the database: {status}");
    ensure!(
        page.contains("tidak dapat menjangkau basis data"),
        "Indonesian outage message"
    );
    let res = browser
        .call("/api/start_attempt", &[("slug", MODULE)])
        .await?;
    ensure!(
        res.status() == 503,
        "a write during the outage: {}",
        res.status()
    );

    proxy.restore().await?;
    let mut ready = false;
    for _ in 0..40 {
        if browser.get("/readyz").await?.status() == 200 {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    ensure!(ready, "ready again within 10 s of the database returning");
    let (status, _) = browser.page("/saya").await?;
    ensure!(status == 200, "pages work again: {status}");
    let html = browser.start_quiz().await?;
    ensure!(
        tests::attempt_id(&html).is_some(),
        "writes work again, same process"
    );
    Ok(())
}
