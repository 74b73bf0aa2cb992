//! Load benchmark: a webinar's worth of learners hitting one module at once.
//!
//! `cargo run --release -p bench --bin bench -- [sqlite|postgres] [learners] [concurrency]`
//!
//! Phase 1 measures page throughput (catalogue and a lesson, anonymous). Phase 2 runs every learner
//! through identify -> start -> submit (plain form posts, as phones without JS would) and then checks
//! that every acknowledged submission is in the database exactly once with all its answers.

use anyhow::{ensure, Context, Result};
use app::ssr::db::entities::{answer, attempt};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tests::{attempt_id, drawn_questions, location, percentile, Backend, TestApp, MODULE};
use tokio::sync::Semaphore;

fn report(label: &str, mut latencies: Vec<Duration>, wall: Duration) {
    latencies.sort();
    println!(
        "{label:<34} {:>6} req  {:>8.0} req/s  p50 {:>7.1} ms  p99 {:>7.1} ms",
        latencies.len(),
        latencies.len() as f64 / wall.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
    );
}

/// A valid, distinct NIP for learner `i` (birth date and TMT stay valid).
fn nip_for(i: usize) -> String {
    format!("19850101201001{}{:03}", 1 + (i / 999) % 2, 1 + i % 999)
}

async fn pages(app: &TestApp, path: &str, total: usize, concurrency: usize) -> Result<()> {
    let client = reqwest::Client::new();
    let sem = Arc::new(Semaphore::new(concurrency));
    let url = format!("{}{}", app.base, path);
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for _ in 0..total {
        let (client, url, sem) = (client.clone(), url.clone(), sem.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire().await?;
            let t = Instant::now();
            let res = client.get(&url).send().await?;
            ensure!(res.status() == 200, "GET {url}: {}", res.status());
            res.bytes().await?;
            Ok::<_, anyhow::Error>(t.elapsed())
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    for t in tasks {
        latencies.push(t.await??);
    }
    report(&format!("GET {path}"), latencies, started.elapsed());
    Ok(())
}

struct Timings {
    identify: Duration,
    start: Duration,
    submit: Duration,
}

async fn learner(app: Arc<TestApp>, i: usize) -> Result<Timings> {
    let browser = app.browser()?;
    let module = app.state.catalog.module(MODULE).context("module")?.clone();
    let quiz = format!("/modul/{MODULE}/kuis");
    let t = Instant::now();
    let nip = nip_for(i);
    let name = format!("Peserta {i}");
    let res = browser
        .submit_form(
            &quiz,
            "/api/identify",
            &[
                ("nip", &nip),
                ("name", &name),
                ("instansi", "Pemkab Uji"),
                ("unit_kerja", "Dinas Uji"),
                ("next", &quiz),
            ],
        )
        .await?;
    ensure!(
        !location(&res)?.contains("__err"),
        "identify refused for {nip}"
    );
    let identify = t.elapsed();
    let t = Instant::now();
    let html = browser.start_quiz().await?;
    let start = t.elapsed();
    let id = attempt_id(&html).context("attempt id")?;
    let mut form: Vec<(String, String)> = vec![("attempt_id".into(), id)];
    for (qid, _) in drawn_questions(&html) {
        let q = module.question(&qid).context("question")?;
        for k in q.correct_keys() {
            form.push((format!("answers[{qid}][]"), k));
        }
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let t = Instant::now();
    let res = browser
        .submit_form(&quiz, "/api/submit_attempt", &pairs)
        .await?;
    ensure!(
        location(&res)?.contains("/hasil/"),
        "submit not acknowledged"
    );
    Ok(Timings {
        identify,
        start,
        submit: t.elapsed(),
    })
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let backend = match args.get(1).map(String::as_str) {
        Some("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    let learners: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(500);
    let concurrency: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(64);
    println!("Netra benchmark: {backend:?}, {learners} learners, {concurrency} concurrent clients, {} cores", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let app = Arc::new(TestApp::spawn(backend).await?);

    pages(&app, "/", 4000, concurrency).await?;
    pages(
        &app,
        &format!("/modul/{MODULE}/arti-netral"),
        4000,
        concurrency,
    )
    .await?;

    let sem = Arc::new(Semaphore::new(concurrency));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(learners);
    for i in 0..learners {
        let (app, sem) = (app.clone(), sem.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire().await?;
            learner(app, i).await
        }));
    }
    let (mut ids, mut starts, mut submits) = (Vec::new(), Vec::new(), Vec::new());
    for t in tasks {
        let timing = t.await??;
        ids.push(timing.identify);
        starts.push(timing.start);
        submits.push(timing.submit);
    }
    let wall = started.elapsed();
    report("POST identify", ids, wall);
    report("POST start + GET quiz page", starts, wall);
    report("POST submit (10 answers)", submits, wall);
    println!(
        "{:<34} {learners:>6} learners in {:.2} s = {:.0} complete quiz flows/s",
        "whole flow",
        wall.as_secs_f64(),
        learners as f64 / wall.as_secs_f64()
    );

    let submitted = attempt::Entity::find()
        .filter(attempt::Column::SubmittedAt.is_not_null())
        .count(&app.db)
        .await?;
    let answers = answer::Entity::find().count(&app.db).await?;
    ensure!(
        submitted == learners as u64,
        "{submitted} submitted attempts for {learners} acknowledged submissions"
    );
    ensure!(
        answers == learners as u64 * 10,
        "{answers} answer rows, expected {}",
        learners * 10
    );
    println!("check: {submitted} acknowledged submissions stored once each, {answers} answer rows");
    Ok(())
}
