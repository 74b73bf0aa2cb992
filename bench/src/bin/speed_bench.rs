//! Speed benchmarks of issue 8, each compared with a baseline measured in the same run:
//!
//! 1. Server-side rendering: requests/s for the catalogue and a lesson page, against a minimal
//!    axum handler that returns a static string of the same size (target: at least 30%).
//! 2. Quiz submissions/s over HTTP against SQLite, against the raw rate of the same database
//!    writes through sea-orm without HTTP (target: at least 50%).
//! 3. Submissions/s over HTTP at each SQLite `synchronous` level (`--sqlite-synchronous`).
//!
//! `cargo run --release -p bench --bin speed_bench -- [seconds per page test] [submissions]`
//!
//! The app runs in this process (as in the tests), the load generator too: both share the
//! machine's cores, as do the baselines. Figures are printed; nothing fails on timing.

use anyhow::{ensure, Context, Result};
use app::model::assurance::Assurance;
use app::ssr::db;
use axum::routing::get;
use chrono::Utc;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tests::{attempt_id, drawn_questions, Backend, TestApp, MODULE};
use tokio::sync::Semaphore;

/// Concurrent connections of the load generator.
const CONCURRENCY: usize = 32;

/// GETs `url` from [`CONCURRENCY`] tasks for `secs` seconds; requests per second.
async fn rate(url: &str, secs: u64) -> Result<f64> {
    let client = tests::app_client()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()?;
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (client, url, stop, done) =
                (client.clone(), url.to_string(), stop.clone(), done.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let res = client.get(&url).send().await?;
                    ensure!(res.status() == 200, "GET {url}: {}", res.status());
                    res.bytes().await?;
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Ok::<_, anyhow::Error>(())
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await??;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

/// A minimal axum server answering every GET with `body`, as text/html.
async fn static_server(body: String) -> Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let body: &'static str = Box::leak(body.into_boxed_str());
    let router =
        axum::Router::new().route("/", get(move || async move { axum::response::Html(body) }));
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(format!("http://{addr}/"))
}

async fn ssr_vs_static(secs: u64) -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    println!("== server-side rendering vs a static string of the same size ({CONCURRENCY} connections, {secs} s each)");
    for (label, path) in [
        ("catalogue /", "/".to_string()),
        ("lesson", format!("/modul/{MODULE}/arti-netral")),
    ] {
        let url = format!("{}{}", app.base, path);
        let body = reqwest::get(&url).await?.text().await?;
        // A query string keeps the request out of the shared-page cache: every request renders.
        let rendered = rate(&format!("{url}?bench=render"), secs).await?;
        let served = rate(&url, secs).await?;
        let baseline = static_server(body.clone()).await?;
        let fixed = rate(&baseline, secs).await?;
        println!(
            "{label:<12} {:>6} B  rendered {rendered:>7.0} req/s ({:.2})  served (shared-page cache) {served:>7.0} req/s ({:.2})  static string {fixed:>7.0} req/s (target >= 0.30)",
            body.len(),
            rendered / fixed,
            served / fixed
        );
    }
    Ok(())
}

/// A started attempt: the learner's client (holding its session) and the form to post.
struct Started {
    client: reqwest::Client,
    attempt_id: i64,
    form: Vec<(String, String)>,
}

fn nip_for(i: usize) -> String {
    tests::nth_nip("198803", "201201", i)
}

/// Identifies `n` learners and starts an attempt for each (not timed).
async fn start_attempts(app: &TestApp, offset: usize, n: usize) -> Result<Vec<Started>> {
    let sem = Arc::new(Semaphore::new(8));
    let mut tasks = Vec::with_capacity(n);
    for i in offset..offset + n {
        let browser = app.browser()?;
        let sem = sem.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire().await?;
            browser
                .identify(&nip_for(i), "Peserta Uji Kecepatan")
                .await?;
            let html = browser.start_quiz().await?;
            let attempt_id: i64 = attempt_id(&html).context("attempt id")?.parse()?;
            let mut form = vec![("attempt_id".to_string(), attempt_id.to_string())];
            for (q, offered) in drawn_questions(&html) {
                if let Some(k) = offered.first() {
                    form.push((format!("answers[{q}][]"), k.clone()));
                }
            }
            Ok::<_, anyhow::Error>(Started {
                client: browser.client,
                attempt_id,
                form,
            })
        }));
    }
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await??);
    }
    Ok(out)
}

/// Posts every submission, [`CONCURRENCY`] at a time, as a browser without JS; submissions/s.
async fn submit_over_http(app: &TestApp, started: Vec<Started>) -> Result<f64> {
    let sem = Arc::new(Semaphore::new(CONCURRENCY));
    let n = started.len();
    let clock = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for s in started {
        let (sem, url, referer) = (
            sem.clone(),
            format!("{}/api/submit_attempt", app.base),
            format!("{}/modul/{MODULE}/kuis", app.base),
        );
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire().await?;
            let res = s
                .client
                .post(&url)
                .header("accept", "text/html")
                .header("referer", referer)
                .form(&s.form)
                .send()
                .await?;
            ensure!(res.status().is_redirection(), "submit: {}", res.status());
            Ok::<_, anyhow::Error>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(n as f64 / clock.elapsed().as_secs_f64())
}

/// The same writes as a submission (claim the attempt, update the learner's result row, insert
/// the graded answers, in one write transaction) through sea-orm directly; submissions/s.
async fn submit_raw(app: &TestApp, started: Vec<Started>) -> Result<f64> {
    let sem = Arc::new(Semaphore::new(CONCURRENCY));
    let n = started.len();
    let employee_of: BTreeMap<i64, i64> = {
        use app::ssr::db::entities::attempt;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        attempt::Entity::find()
            .filter(attempt::Column::Id.is_in(started.iter().map(|s| s.attempt_id)))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|a| (a.id, a.employee_id))
            .collect()
    };
    let clock = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for s in started {
        let (sem, conn) = (sem.clone(), app.db.clone());
        let employee_id = *employee_of.get(&s.attempt_id).context("attempt")?;
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire().await?;
            let now = Utc::now();
            let rows: Vec<(String, String, bool)> = s
                .form
                .iter()
                .skip(1)
                .filter_map(|(name, key)| {
                    let question = name.strip_prefix("answers[")?.strip_suffix("][]")?;
                    Some((question.to_string(), format!("[\"{key}\"]"), false))
                })
                .collect();
            let outcome = db::attempts::Outcome {
                submitted_at: now,
                score: 0,
                correct_count: 0,
                passed: false,
                late: false,
            };
            let txn = db::begin_write(&conn).await?;
            ensure!(db::attempts::claim_submission(&txn, s.attempt_id, &outcome).await?);
            db::results::submitted(
                &txn,
                employee_id,
                MODULE,
                now,
                0,
                false,
                Assurance::SelfDeclared,
            )
            .await?;
            db::attempts::save_final_answers(&txn, s.attempt_id, rows).await?;
            txn.commit().await?;
            Ok::<_, anyhow::Error>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(n as f64 / clock.elapsed().as_secs_f64())
}

async fn submissions(n: usize) -> Result<()> {
    println!("== quiz submissions on SQLite ({n} per measurement, {CONCURRENCY} at a time)");
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let for_http = start_attempts(&app, 0, n).await?;
    let for_raw = start_attempts(&app, n, n).await?;
    let http = submit_over_http(&app, for_http).await?;
    let raw = submit_raw(&app, for_raw).await?;
    println!(
        "HTTP {http:>8.0} submissions/s  raw sea-orm {raw:>8.0} submissions/s  ratio {:.2} (target >= 0.50)",
        http / raw
    );
    drop(app);

    println!("== submissions/s over HTTP per SQLite synchronous level (WAL, one writer)");
    for level in ["off", "normal", "full", "extra"] {
        let synchronous = db::parse_synchronous(level).map_err(anyhow::Error::msg)?;
        let app = TestApp::spawn_sqlite_synchronous(synchronous).await?;
        let started = start_attempts(&app, 0, n).await?;
        let http = submit_over_http(&app, started).await?;
        println!("synchronous={level:<7} {http:>8.0} submissions/s");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let secs: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(10);
    let n: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(2000);
    ssr_vs_static(secs).await?;
    submissions(n).await?;
    Ok(())
}
