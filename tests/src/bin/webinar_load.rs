//! Load benchmark of a national webinar: N attendees arrive at one join link within a time window
//! (default 50,000 within 60 s), identify, open the post-test and submit it.
//!
//! `cargo build --release -p server && cargo run --release -p tests --bin webinar_load -- \
//!     [sqlite|postgres] [attendees] [arrival seconds] [max in flight]`
//!
//! The server runs as its own process (`target/release/netra`, or `NETRA_BIN`), so its peak
//! memory is its own. The load generator sends, per attendee and over loopback:
//! `GET /w/{code}` -> `POST /api/identify` -> `POST /api/webinar_start` ->
//! `GET /w/{code}/post-test` -> `POST /api/submit_attempt`, then checks the database: one
//! participant and exactly one submitted post-test per attendee, nothing lost or doubled.
//! Figures are printed; nothing fails on timing.

use anyhow::{ensure, Context, Result};
use reqwest::header::{ACCEPT, COOKIE, SET_COOKIE};
use sea_orm::{ConnectionTrait, Database, Statement};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tests::bench::{run_cli, start_server};
use tests::{drawn_questions, percentile};
use tokio::sync::Semaphore;

const STEPS: [&str; 5] = [
    "join page",
    "identify",
    "start post-test",
    "post-test page",
    "submit",
];

fn nip_for(i: usize) -> String {
    tests::nth_nip("198501", "201001", i)
}

fn cookie_of(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

/// Signs in the host, creates a session whose post-test is open, returns its join code.
async fn prepare_session(base: &str) -> Result<String> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let call = |path: &str, form: Vec<(&str, &str)>| {
        client
            .post(format!("{base}{path}"))
            .header(ACCEPT, "application/json")
            .form(&form)
            .send()
    };
    let res = call(
        "/api/sign_in",
        vec![
            ("login", "host@bench.test"),
            ("password", "kuda-laut-berenang-7"),
        ],
    )
    .await?;
    ensure!(res.status().is_success(), "host sign-in: {}", res.status());
    let res = call(
        "/api/create_webinar",
        vec![
            ("title", "Webinar nasional netralitas ASN"),
            ("organiser", "BKN"),
            ("starts_at", "2026-11-25T09:00"),
            ("time_zone", "WIB"),
            ("post_module", "posttest-netralitas"),
            ("jp", "2"),
            ("min_post_score", "0"),
            ("issues_certificates", "1"),
        ],
    )
    .await?;
    ensure!(
        res.status().is_success() || res.status().is_redirection(),
        "create session: {}",
        res.status()
    );
    let home: serde_json::Value = call("/api/host_home", vec![]).await?.json().await?;
    let session = &home["sessions"][0];
    let id = session["id"].as_i64().context("session id")?.to_string();
    let code = session["code"].as_str().context("join code")?.to_string();
    let res = call(
        "/api/webinar_window",
        vec![("id", id.as_str()), ("stage", "post-test"), ("open", "1")],
    )
    .await?;
    ensure!(
        res.status().is_success() || res.status().is_redirection(),
        "open post-test: {}",
        res.status()
    );
    Ok(code)
}

/// One attendee's five steps; returns the latency of each.
async fn attendee(
    client: reqwest::Client,
    base: Arc<str>,
    code: Arc<str>,
    i: usize,
) -> Result<[Duration; 5]> {
    let mut times = [Duration::ZERO; 5];
    let t = Instant::now();
    let res = client.get(format!("{base}/w/{code}")).send().await?;
    ensure!(res.status() == 200, "join page: {}", res.status());
    res.bytes().await?;
    times[0] = t.elapsed();

    let t = Instant::now();
    let nip = nip_for(i);
    let name = format!("Peserta {i}");
    let next = format!("/w/{code}");
    let res = client
        .post(format!("{base}/api/identify"))
        .header(ACCEPT, "application/json")
        .form(&[
            ("nip", nip.as_str()),
            ("name", name.as_str()),
            (
                "instansi",
                ["Pemkab Sleman", "Pemkot Makassar", "Pemprov Papua"][i % 3],
            ),
            ("unit_kerja", "Sekretariat Daerah"),
            ("next", next.as_str()),
        ])
        .send()
        .await?;
    ensure!(res.status().is_success(), "identify: {}", res.status());
    let cookie = cookie_of(&res, "netra_sesi").context("session cookie")?;
    res.bytes().await?;
    times[1] = t.elapsed();

    let t = Instant::now();
    let res = client
        .post(format!("{base}/api/webinar_start"))
        .header(ACCEPT, "application/json")
        .header(COOKIE, &cookie)
        .form(&[("code", &*code), ("stage", "post-test")])
        .send()
        .await?;
    ensure!(res.status().is_success(), "start: {}", res.status());
    let attempt = res.text().await?;
    times[2] = t.elapsed();

    let t = Instant::now();
    let res = client
        .get(format!("{base}/w/{code}/post-test"))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    ensure!(res.status() == 200, "post-test page: {}", res.status());
    let html = res.text().await?;
    times[3] = t.elapsed();

    let t = Instant::now();
    let mut form: Vec<(String, String)> = vec![("attempt_id".into(), attempt.trim().to_string())];
    for (qid, offered) in drawn_questions(&html) {
        if let Some(first) = offered.into_iter().next() {
            form.push((format!("answers[{qid}][]"), first));
        }
    }
    ensure!(form.len() > 1, "no questions on the post-test page");
    let res = client
        .post(format!("{base}/api/submit_attempt"))
        .header(ACCEPT, "application/json")
        .header(COOKIE, &cookie)
        .form(&form)
        .send()
        .await?;
    ensure!(res.status().is_success(), "submit: {}", res.status());
    res.bytes().await?;
    times[4] = t.elapsed();
    Ok(times)
}

async fn count(url: &str, sql: &str) -> Result<i64> {
    let db = Database::connect(url).await?;
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(backend, sql.to_string()))
        .await?
        .context("a row")?;
    let n: i64 = row.try_get_by_index(0)?;
    db.close().await?;
    Ok(n)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let backend = args.get(1).map(String::as_str).unwrap_or("sqlite");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(50_000);
    let window: f64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(60.0);
    let in_flight: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(1_000);
    ensure!(n <= 55_944, "at most 55,944 distinct attendees");

    let bench_db = tests::bench::BenchDatabase::create(backend, "netra_bench").await?;
    let url = bench_db.url.clone();
    run_cli(&["migrate"], &url, "")?;
    run_cli(
        &[
            "user",
            "add",
            "--role",
            "host",
            "--email",
            "host@bench.test",
        ],
        &url,
        "kuda-laut-berenang-7\n",
    )?;
    let server = start_server(&url).await?;
    let code: Arc<str> = prepare_session(&server.base).await?.into();
    let base: Arc<str> = server.base.clone().into();
    println!(
        "webinar load: {backend}, {n} attendees arriving over {window:.0} s (at most {in_flight} in flight), join code {code}"
    );

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(in_flight)
        .timeout(Duration::from_secs(120))
        .build()?;
    let gate = Arc::new(Semaphore::new(in_flight));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        // Open-loop arrivals, evenly spread over the window.
        let due = started + Duration::from_secs_f64(window * i as f64 / n as f64);
        tokio::time::sleep_until(due.into()).await;
        let permit = gate.clone().acquire_owned().await?;
        let (client, base, code) = (client.clone(), base.clone(), code.clone());
        tasks.push(tokio::spawn(async move {
            let result = attendee(client, base, code, i).await;
            drop(permit);
            (result, Instant::now())
        }));
    }
    let arrivals = started.elapsed();
    let mut per_step: Vec<Vec<Duration>> = (0..5).map(|_| Vec::with_capacity(n)).collect();
    let mut errors = Vec::new();
    let mut last_done = started;
    for t in tasks {
        let (result, done) = t.await?;
        last_done = last_done.max(done);
        match result {
            Ok(times) => {
                for (step, d) in times.into_iter().enumerate() {
                    per_step[step].push(d);
                }
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    let total = last_done - started;
    let peak = server.peak_mb();
    drop(server);

    println!(
        "all arrivals sent in {:.1} s; last submission done at {:.1} s; {:.0} attendees/s",
        arrivals.as_secs_f64(),
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64()
    );
    for (step, mut lat) in per_step.into_iter().enumerate() {
        lat.sort();
        println!(
            "  {:<16} n={:>6}  p50 {:>7.1} ms  p95 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
            STEPS[step],
            lat.len(),
            percentile(&lat, 0.50).as_secs_f64() * 1e3,
            percentile(&lat, 0.95).as_secs_f64() * 1e3,
            percentile(&lat, 0.99).as_secs_f64() * 1e3,
            lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        );
    }
    println!("errors: {}", errors.len());
    for e in errors.iter().take(5) {
        println!("  e.g. {e}");
    }
    let submitted = count(
        &url,
        "SELECT COUNT(*) FROM attempts WHERE context = 'webinar_post' AND submitted_at IS NOT NULL",
    )
    .await?;
    let distinct = count(
        &url,
        "SELECT COUNT(DISTINCT employee_id) FROM attempts WHERE context = 'webinar_post' AND submitted_at IS NOT NULL",
    )
    .await?;
    let participants = count(&url, "SELECT COUNT(*) FROM webinar_participants").await?;
    let certificates = count(&url, "SELECT COUNT(*) FROM certificates").await?;
    let ok = n - errors.len();
    println!(
        "database: {participants} participants, {submitted} submitted post-tests ({distinct} distinct attendees), {certificates} certificates; {ok} acknowledged"
    );
    println!(
        "lost: {}, duplicated: {}",
        (ok as i64 - submitted).max(0),
        submitted - distinct
    );
    match peak {
        Some(mb) => println!("server peak memory (VmHWM): {mb:.0} MB"),
        None => println!("server peak memory: unavailable"),
    }
    bench_db.drop().await
}
