//! Load benchmark of a national webinar, as issue 6 describes it: N attendees arrive at one join
//! link within a minute (default 50,000 within 60 s), and submit the post-test within ten
//! minutes, while the host watches the live board.
//!
//! `cargo build --release -p server && cargo run --release -p bench --bin webinar_load -- \
//!     [sqlite|postgres] [attendees] [join seconds] [post-test by seconds] [max in flight]`
//!
//! The server runs as its own process (`target/release/netra`, or `NETRA_BIN`), so its peak
//! memory is its own. Per attendee, over loopback:
//! - at their arrival (evenly over the join window): `GET /w/{code}`, then the session page's
//!   form, `POST /w/{code}`, answered with the attendee's own page (it records them as joined).
//!   `NETRA_BENCH_FLOW=redirect` sends the form to `POST /api/identify` instead and then asks
//!   for `GET /w/{code}` with the cookie, as the form did before; `NETRA_BENCH_LANDING=0` leaves
//!   the page out (`POST /api/identify` only);
//! - at their post-test time (spread evenly between the end of the join window and the
//!   post-test deadline, in an order unrelated to arrival): `POST /api/webinar_start`,
//!   `GET /w/{code}/post-test`, `POST /api/submit_attempt`.
//!
//! With a deadline no later than the join window (e.g. `0`), each attendee goes straight on to
//! the post-test after identifying: the whole flow at the join rate, a stress test beyond the
//! issue's scenario. The host's live board (server-sent events) is open throughout.
//! Afterwards the database is checked: one participant and exactly one submitted post-test per
//! attendee, nothing lost or doubled. Figures are printed; nothing fails on timing.

use anyhow::{ensure, Context, Result};
use sea_orm::{ConnectionTrait, Database, Statement};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tests::bench::{host_session, start_server, Api, Identity};
use tests::percentile;
use tokio::sync::Semaphore;

const STEPS: [&str; 6] = [
    "join page",
    "identify",
    "session page",
    "start post-test",
    "post-test page",
    "submit",
];

fn nip_for(i: usize) -> String {
    tests::nth_nip("198501", "201001", i)
}

fn host_client() -> Result<reqwest::Client> {
    Ok(tests::app_client()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

/// Arrival: the join page, then identification. Returns the learner's session cookie.
async fn join(
    landing: bool,
    one_request: bool,
    client: &reqwest::Client,
    base: &str,
    code: &str,
    i: usize,
    times: &mut [Duration; 6],
) -> Result<String> {
    let api = Api { client, base };
    let t = Instant::now();
    api.page(&format!("/w/{code}"), None).await?;
    times[0] = t.elapsed();

    let t = Instant::now();
    let nip = nip_for(i);
    let name = format!("Peserta {i}");
    let who = Identity {
        nip: &nip,
        name: &name,
        instansi: ["Pemkab Sleman", "Pemkot Makassar", "Pemprov Papua"][i % 3],
        unit_kerja: "Sekretariat Daerah",
    };
    if landing && one_request {
        // The session page's form: identified and answered with the page in one response.
        let res = api.identify_on_page(&who, &format!("/w/{code}")).await?;
        times[1] = t.elapsed();
        return Ok(res);
    }
    let cookie = api.identify(&who, &format!("/w/{code}")).await?;
    times[1] = t.elapsed();

    // Where the identification form leads: the attendee's own session page, which records
    // them as joined (the live board counts them). Left out with `NETRA_BENCH_LANDING=0`, for
    // the four steps the issue names; the post-test start then records the joining.
    if !landing {
        return Ok(cookie);
    }
    let t = Instant::now();
    api.page(&format!("/w/{code}"), Some(&cookie)).await?;
    times[2] = t.elapsed();
    Ok(cookie)
}

/// The post-test: start it, open its page, submit the first option of every question.
async fn post_test(
    client: &reqwest::Client,
    base: &str,
    code: &str,
    cookie: &str,
    times: &mut [Duration; 6],
) -> Result<()> {
    let api = Api { client, base };
    let t = Instant::now();
    let attempt = api
        .call(
            "webinar_start",
            Some(cookie),
            &[("code", code), ("stage", "post-test")],
        )
        .await?
        .text()
        .await?;
    times[3] = t.elapsed();

    let t = Instant::now();
    let html = api
        .page(&format!("/w/{code}/post-test"), Some(cookie))
        .await?;
    times[4] = t.elapsed();

    let t = Instant::now();
    api.submit_first_options(attempt.trim(), &html, cookie)
        .await?;
    times[5] = t.elapsed();
    Ok(())
}

/// What one attendee went through.
struct Outcome {
    times: [Duration; 6],
    joined: Option<Instant>,
    done: Option<Instant>,
    error: Option<String>,
}

/// The host's live board: counts the `stats` events it receives until the stream ends (the
/// server stops at the end of the run).
async fn watch_board(
    open: bool,
    client: reqwest::Client,
    base: Arc<str>,
    session: i64,
    events: Arc<AtomicU64>,
) -> Result<()> {
    if !open {
        return Ok(());
    }
    let mut res = client
        .get(format!("{base}/host/sesi/{session}/events"))
        .send()
        .await?;
    ensure!(res.status() == 200, "live board: {}", res.status());
    while let Some(chunk) = res.chunk().await? {
        let n = chunk
            .windows(b"event: stats".len())
            .filter(|w| *w == b"event: stats")
            .count();
        events.fetch_add(n as u64, Ordering::Relaxed);
    }
    Ok(())
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
    let arg = |i: usize| args.get(i).and_then(|s| s.parse::<f64>().ok());
    let backend = args.get(1).map(String::as_str).unwrap_or("sqlite");
    let n = arg(2).unwrap_or(50_000.0) as usize;
    let join_window = arg(3).unwrap_or(60.0);
    let post_by = arg(4).unwrap_or(600.0);
    let in_flight = arg(5).unwrap_or(1_000.0) as usize;
    ensure!((1..=55_944).contains(&n), "1 to 55,944 distinct attendees");
    let straight_on = post_by <= join_window;

    let bench_db = tests::bench::BenchDatabase::create(backend, "netra_bench").await?;
    let url = bench_db.url.clone();
    tests::bench::prepare_with_host(&url)?;
    let server = start_server(&url).await?;
    let host = host_client()?;
    let (session, code) = host_session(&host, &server.base).await?;
    let code: Arc<str> = code.into();
    let base: Arc<str> = server.base.clone().into();
    if straight_on {
        println!(
            "webinar load: {backend}, {n} attendees arriving over {join_window:.0} s and going straight on to the post-test \
             (at most {in_flight} requests in flight), join code {code}"
        );
    } else {
        println!(
            "webinar load: {backend}, {n} attendees arriving over {join_window:.0} s, post-tests spread from then until \
             {post_by:.0} s (at most {in_flight} requests in flight), join code {code}"
        );
    }
    let landing = std::env::var("NETRA_BENCH_LANDING").map_or(true, |v| v != "0");
    let one_request = std::env::var("NETRA_BENCH_FLOW").map_or(true, |v| v != "redirect");
    let board_events = Arc::new(AtomicU64::new(0));
    // `NETRA_BENCH_BOARD=0` leaves the board closed, to see what it costs.
    let board_open = std::env::var("NETRA_BENCH_BOARD").map_or(true, |v| v != "0");
    let board = tokio::spawn(watch_board(
        board_open,
        host.clone(),
        base.clone(),
        session,
        board_events.clone(),
    ));

    let client = tests::app_client()
        .pool_max_idle_per_host(in_flight)
        .timeout(Duration::from_secs(120))
        .build()?;
    // Bounds the requests in flight, not the attendees: one waiting for the post-test holds none.
    let gate = Arc::new(Semaphore::new(in_flight));
    let started = Instant::now();
    // The CPU the arrivals cost, apart from the post-tests: read when the last identification
    // has been answered (post-tests start at the window's end, so some may overlap the tail).
    let arrived = Arc::new(AtomicUsize::new(0));
    let arrival_phase = tokio::spawn({
        let (arrived, pid) = (arrived.clone(), server.pid());
        async move {
            while arrived.load(Ordering::Relaxed) < n {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            (
                started.elapsed(),
                tests::bench::cpu_seconds(&pid),
                tests::bench::cpu_seconds("self"),
            )
        }
    });
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        // Open-loop arrivals, evenly spread over the window.
        let arrival = started + Duration::from_secs_f64(join_window * i as f64 / n as f64);
        // Post-test times evenly spread over the rest, in an order unrelated to arrival
        // (golden-ratio sequence).
        let spread = ((i as f64 + 0.5) * 0.618_033_988_749_895).fract();
        let post =
            started + Duration::from_secs_f64(join_window + (post_by - join_window) * spread);
        tokio::time::sleep_until(arrival.into()).await;
        let (client, base, code, gate, arrived) = (
            client.clone(),
            base.clone(),
            code.clone(),
            gate.clone(),
            arrived.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut out = Outcome {
                times: [Duration::ZERO; 6],
                joined: None,
                done: None,
                error: None,
            };
            let result = async {
                let permit = gate.clone().acquire_owned().await?;
                let joined = join(
                    landing,
                    one_request,
                    &client,
                    &base,
                    &code,
                    i,
                    &mut out.times,
                )
                .await;
                arrived.fetch_add(1, Ordering::Relaxed);
                let cookie = joined?;
                drop(permit);
                out.joined = Some(Instant::now());
                if !straight_on {
                    tokio::time::sleep_until(post.into()).await;
                }
                let _permit = gate.acquire_owned().await?;
                post_test(&client, &base, &code, &cookie, &mut out.times).await?;
                out.done = Some(Instant::now());
                anyhow::Ok(())
            }
            .await;
            out.error = result.err().map(|e| e.to_string());
            out
        }));
    }
    let arrivals = started.elapsed();
    let mut per_step: Vec<Vec<Duration>> = (0..6).map(|_| Vec::with_capacity(n)).collect();
    let mut errors = Vec::new();
    let (mut last_joined, mut last_done) = (started, started);
    let mut joined_in_window = 0;
    let window_end = started + Duration::from_secs_f64(join_window);
    for t in tasks {
        let out = t.await?;
        if let Some(joined) = out.joined {
            last_joined = last_joined.max(joined);
            joined_in_window += usize::from(joined <= window_end);
        }
        if let Some(done) = out.done {
            last_done = last_done.max(done);
        }
        match out.error {
            Some(e) => errors.push(e),
            None => {
                for (step, d) in out.times.into_iter().enumerate() {
                    per_step[step].push(d);
                }
            }
        }
    }
    let (arrivals_done, arrival_server_cpu, arrival_generator_cpu) = arrival_phase.await?;
    let peak = server.peak_mb();
    let cpu = server.cpu_seconds();
    let board_events = board_events.load(Ordering::Relaxed);
    if board.is_finished() {
        // The stream should last as long as the server.
        if let Err(e) = board.await? {
            println!("live board failed: {e}");
        }
    }
    drop(server);

    println!(
        "arrivals sent in {:.1} s; {joined_in_window} of {n} identified within the {join_window:.0} s window, the last at {:.1} s; \
         last submission done at {:.1} s",
        arrivals.as_secs_f64(),
        (last_joined - started).as_secs_f64(),
        (last_done - started).as_secs_f64(),
    );
    for (step, mut lat) in per_step.into_iter().enumerate() {
        // One request identifies and answers with the page: counted as "identify".
        if step == 2 && (!landing || one_request) {
            continue;
        }
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
    if let (Some(server_cpu), Some(generator_cpu)) = (arrival_server_cpu, arrival_generator_cpu) {
        println!(
            "arrival phase (every identification answered at {:.1} s): server CPU {server_cpu:.1} s, \
             {:.2} ms per attendee; load generator CPU {generator_cpu:.1} s",
            arrivals_done.as_secs_f64(),
            server_cpu * 1e3 / n as f64,
        );
    }
    println!("live board updates received by the host: {board_events}");
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
    let generator = tests::bench::cpu_seconds("self");
    if let Some(cpu) = generator {
        println!("load generator CPU time: {cpu:.1} s (it shares the two cores)");
    }
    if let Some(cpu) = cpu {
        println!(
            "server CPU time: {cpu:.1} s, {:.2} ms per attendee (database server not included)",
            cpu * 1e3 / n as f64
        );
    }
    bench_db.drop().await
}
