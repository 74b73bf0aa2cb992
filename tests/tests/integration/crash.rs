//! Crash test: the real `netra` command line runs as a child process while learners submit
//! quizzes from many concurrent clients; it is killed with SIGKILL at a random moment, started
//! again on the same database, and the database must hold every submission that was answered
//! with success exactly once, with all of its answers as posted, and nothing half-written.

use anyhow::{bail, ensure, Context, Result};
use rand::Rng;
use reqwest::header::{ACCEPT, LOCATION, REFERER};
use reqwest::{redirect::Policy, Client};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tests::bench::BenchDatabase;
use tests::{attempt_id, drawn_questions, Backend, Netra, MODULE};

/// Concurrent learners per round.
const CLIENTS: usize = 12;
/// Kill-and-restart rounds per backend.
const ROUNDS: usize = 4;

/// One submission: the attempt and the answers posted for it (question id -> option keys).
#[derive(Clone, Debug)]
struct Posted {
    attempt_id: i64,
    answers: BTreeMap<String, Vec<String>>,
}

/// What the clients saw: submissions answered with success, and those whose answer was lost
/// (connection reset by the kill) and so may or may not have been stored.
#[derive(Default)]
struct Ledger {
    acknowledged: Vec<Posted>,
    uncertain: Vec<(Arc<Client>, Posted)>,
}

fn nip_for(i: usize) -> String {
    tests::nth_nip("198702", "201101", i)
}

fn learner() -> Result<Client> {
    Ok(tests::app_client()
        .cookie_store(true)
        .redirect(Policy::none())
        .timeout(Duration::from_secs(20))
        .build()?)
}

async fn post_form(
    client: &Client,
    base: &str,
    action: &str,
    form: &[(String, String)],
) -> Result<reqwest::Response> {
    Ok(client
        .post(format!("{base}{action}"))
        .header(ACCEPT, "text/html")
        .header(REFERER, format!("{base}/modul/{MODULE}/kuis"))
        .form(form)
        .send()
        .await?)
}

fn redirect_target(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get(LOCATION)?
        .to_str()
        .ok()
        .map(str::to_string)
}

/// Identify as a new learner, start the quiz and read the drawn questions; answers each with the
/// first option offered (right or wrong does not matter here).
async fn prepare(client: &Client, base: &str, nip: &str) -> Result<Posted> {
    let identify = [
        ("nip", nip),
        ("name", "Peserta Uji Crash"),
        ("instansi", "Pemerintah Kabupaten Sleman"),
        ("unit_kerja", "BKPSDM"),
        ("next", "/"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()));
    let res = post_form(client, base, "/api/identify", &identify).await?;
    let to = redirect_target(&res).context("identify: no redirect")?;
    ensure!(!to.contains("__err"), "identify refused: {to}");
    let start = [("slug".to_string(), MODULE.to_string())];
    let res = post_form(client, base, "/api/start_attempt", &start).await?;
    let to = redirect_target(&res).context("start: no redirect")?;
    ensure!(!to.contains("__err"), "start refused: {to}");
    let url = if to.starts_with("http") {
        to
    } else {
        format!("{base}{to}")
    };
    let html = client.get(url).send().await?.text().await?;
    let attempt_id: i64 = attempt_id(&html).context("attempt id")?.parse()?;
    let answers = drawn_questions(&html)
        .into_iter()
        .map(|(q, offered)| (q, offered.into_iter().take(1).collect()))
        .collect::<BTreeMap<_, Vec<_>>>();
    ensure!(!answers.is_empty(), "no questions drawn");
    Ok(Posted {
        attempt_id,
        answers,
    })
}

/// Posts a submission. `Ok(true)`: acknowledged (redirected to a result, no error);
/// `Ok(false)`: refused with an error message; `Err`: no answer (connection lost) or a 5xx.
async fn submit(client: &Client, base: &str, posted: &Posted) -> Result<bool> {
    let mut form = vec![("attempt_id".to_string(), posted.attempt_id.to_string())];
    for (q, keys) in &posted.answers {
        for k in keys {
            form.push((format!("answers[{q}][]"), k.clone()));
        }
    }
    let res = post_form(client, base, "/api/submit_attempt", &form).await?;
    if res.status().is_server_error() {
        bail!("submit answered {}", res.status());
    }
    let acknowledged = res.status().is_redirection()
        && redirect_target(&res).is_some_and(|to| !to.contains("__err"));
    if !acknowledged {
        eprintln!(
            "attempt {}: submission refused: {} {:?}",
            posted.attempt_id,
            res.status(),
            redirect_target(&res).as_deref().and_then(tests::form_error)
        );
    }
    Ok(acknowledged)
}

/// One learner after another on one client task, until the server dies under it.
async fn drive(
    base: String,
    next_nip: Arc<AtomicUsize>,
    killed: Arc<AtomicBool>,
    ledger: Arc<Mutex<Ledger>>,
) {
    while !killed.load(Ordering::SeqCst) {
        let Ok(client) = learner() else { return };
        let client = Arc::new(client);
        let nip = nip_for(next_nip.fetch_add(1, Ordering::SeqCst));
        let Ok(posted) = prepare(&client, &base, &nip).await else {
            // Before the submission: nothing was acknowledged, nothing to check.
            if killed.load(Ordering::SeqCst) {
                return;
            }
            continue;
        };
        let outcome = submit(&client, &base, &posted).await;
        let Ok(mut ledger) = ledger.lock() else {
            return;
        };
        match outcome {
            Ok(true) => ledger.acknowledged.push(posted),
            Ok(false) => {}
            Err(_) => ledger.uncertain.push((client, posted)),
        }
    }
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .context("no row")?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// Every acknowledged submission is stored once, as posted; no attempt is half-written.
async fn verify(db: &DatabaseConnection, acknowledged: &[Posted]) -> Result<()> {
    let backend = db.get_database_backend();
    for posted in acknowledged {
        let sql = match backend {
            DbBackend::Postgres => "SELECT question_id, chosen FROM answers WHERE attempt_id = $1 AND correct IS NOT NULL",
            _ => "SELECT question_id, chosen FROM answers WHERE attempt_id = ? AND correct IS NOT NULL",
        };
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [posted.attempt_id.into()],
            ))
            .await?;
        let stored: BTreeMap<String, Vec<String>> = rows
            .iter()
            .map(|r| -> Result<_> {
                let chosen: String = r.try_get_by_index(1)?;
                Ok((r.try_get_by_index(0)?, serde_json::from_str(&chosen)?))
            })
            .collect::<Result<_>>()?;
        ensure!(
            rows.len() == posted.answers.len() && stored == posted.answers,
            "attempt {}: acknowledged answers {:?}, stored {:?}",
            posted.attempt_id,
            posted.answers,
            stored
        );
        let submitted = scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM attempts WHERE id = {} AND submitted_at IS NOT NULL AND score IS NOT NULL",
                posted.attempt_id
            ),
        )
        .await?;
        ensure!(
            submitted == 1,
            "attempt {} acknowledged but not submitted",
            posted.attempt_id
        );
    }
    let half_written = scalar(
        db,
        "SELECT COUNT(*) FROM attempts a WHERE a.submitted_at IS NOT NULL AND a.question_count <> \
         (SELECT COUNT(*) FROM answers x WHERE x.attempt_id = a.id AND x.correct IS NOT NULL)",
    )
    .await?;
    ensure!(
        half_written == 0,
        "{half_written} submitted attempt(s) without all their answers"
    );
    let graded_but_open = scalar(
        db,
        "SELECT COUNT(*) FROM answers x JOIN attempts a ON a.id = x.attempt_id \
         WHERE a.submitted_at IS NULL AND x.correct IS NOT NULL",
    )
    .await?;
    ensure!(
        graded_but_open == 0,
        "{graded_but_open} graded answer(s) of unsubmitted attempts"
    );
    let duplicated = scalar(
        db,
        "SELECT COUNT(*) FROM (SELECT attempt_id, question_id FROM answers \
         GROUP BY attempt_id, question_id HAVING COUNT(*) > 1) d",
    )
    .await?;
    ensure!(duplicated == 0, "{duplicated} answer(s) stored twice");
    // The dashboards' per-employee result row agrees with the attempts it summarises.
    let results_off = scalar(
        db,
        "SELECT COUNT(*) FROM module_results r WHERE r.submitted <> \
         (SELECT COUNT(*) FROM attempts a WHERE a.employee_id = r.employee_id \
          AND a.module_slug = r.module_slug AND a.submitted_at IS NOT NULL)",
    )
    .await?;
    ensure!(
        results_off == 0,
        "{results_off} result row(s) disagree with the attempts"
    );
    Ok(())
}

async fn crash_and_restart(backend: Backend) -> Result<()> {
    let name = match backend {
        Backend::Postgres => "postgres",
        Backend::Sqlite => "sqlite",
    };
    let database = BenchDatabase::create(name, "netra_crash").await?;
    let outcome = rounds(name, &database.url).await;
    database.drop().await?;
    outcome
}

async fn rounds(backend: &str, database_url: &str) -> Result<()> {
    let next_nip = Arc::new(AtomicUsize::new(0));
    let mut acknowledged: Vec<Posted> = Vec::new();
    let (mut in_doubt, mut in_doubt_stored) = (0, 0);
    let mut netra = Netra::start(env!("CARGO_BIN_EXE_netra-test-server"), database_url).await?;
    for round in 0..ROUNDS {
        let killed = Arc::new(AtomicBool::new(false));
        let ledger = Arc::new(Mutex::new(Ledger::default()));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                tokio::spawn(drive(
                    netra.base.clone(),
                    next_nip.clone(),
                    killed.clone(),
                    ledger.clone(),
                ))
            })
            .collect();
        let wait = rand::rng().random_range(300..2500);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        killed.store(true, Ordering::SeqCst);
        netra.kill()?;
        for client in clients {
            client.await?;
        }
        netra = Netra::start(env!("CARGO_BIN_EXE_netra-test-server"), database_url).await?;
        let ledger = std::mem::take(&mut *ledger.lock().map_err(|_| anyhow::anyhow!("poisoned"))?);
        let db = Database::connect(database_url).await?;
        // A submission cut off by the kill may or may not have been stored; the learner sends it
        // again (same session, same attempt) and must get one result, not an error or a second one.
        for (client, posted) in &ledger.uncertain {
            let was_stored = scalar(
                &db,
                &format!(
                    "SELECT COUNT(*) FROM attempts WHERE id = {} AND submitted_at IS NOT NULL",
                    posted.attempt_id
                ),
            )
            .await?;
            in_doubt += 1;
            in_doubt_stored += was_stored;
            ensure!(
                submit(client, &netra.base, posted).await?,
                "attempt {}: resubmitting after the restart was refused",
                posted.attempt_id
            );
            acknowledged.push(posted.clone());
        }
        acknowledged.extend(ledger.acknowledged);
        verify(&db, &acknowledged).await?;
        db.close().await?;
        println!(
            "{backend} round {round}: killed after {wait} ms; {} acknowledged so far, {in_doubt} cut off by a kill ({in_doubt_stored} of them had been stored)",
            acknowledged.len()
        );
    }
    ensure!(
        acknowledged.len() >= ROUNDS,
        "too few submissions to prove anything ({})",
        acknowledged.len()
    );
    netra.kill()
}

crate::on_both_backends!(crash_and_restart);
