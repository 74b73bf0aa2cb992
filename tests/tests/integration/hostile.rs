//! Hostile files (issue 17): every file of `tests::hostile::corpus` is uploaded through the web
//! forms of a real `netra` process. Each must be refused with a message, the process must stay
//! under 300 MB of resident memory and keep serving, and `netra roster import` must refuse the
//! far-cell workbook instead of aborting.

use crate::accounts::{sign_in, world};
use anyhow::{ensure, Context, Result};
use std::time::{Duration, Instant};
use tests::{hostile, Backend, Browser, Netra, TestApp};

const SERVER: &str = env!("CARGO_BIN_EXE_netra-test-server");
/// Peak resident memory the server may reach while refusing the whole corpus.
const MAX_PEAK_MB: f64 = 300.0;
/// CPU time one refusal may cost the server (wall time also counts the other tests running
/// beside this one on the same two cores, so it is printed, not asserted).
const MAX_CPU_SECONDS: f64 = 5.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_files_are_refused_through_the_web_forms_within_bounds() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    world(&app).await?;
    let corpus = hostile::corpus()?;
    let mut netra = Netra::start(SERVER, &app.database_url).await?;
    let client = tests::app_client()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()?;
    let operator = Browser {
        client,
        base: netra.base.clone(),
    };
    sign_in(&operator, "op-a@netra.test").await?;
    let idle_mb = netra.peak_mb().context("peak memory")?;
    for file in &corpus {
        let cpu_before = netra.cpu_seconds().context("cpu time")?;
        let started = Instant::now();
        let res = operator
            .upload(file.endpoint, (file.file_name, &file.bytes), &[])
            .await
            .with_context(|| format!("{}: no answer", file.name))?;
        let status = res.status();
        let body = res.text().await?;
        let (wall, cpu) = (
            started.elapsed().as_secs_f64(),
            netra.cpu_seconds().context("cpu time")? - cpu_before,
        );
        println!(
            "hostile {:<20} {:>9} bytes: {status} in {wall:.2} s wall, {cpu:.2} s server CPU",
            file.name,
            file.bytes.len()
        );
        ensure!(status == 422, "{}: {status} {body}", file.name);
        ensure!(
            body.to_lowercase().contains(&file.message.to_lowercase()),
            "{}: the message should say `{}`: {body}",
            file.name,
            file.message
        );
        ensure!(
            cpu < MAX_CPU_SECONDS,
            "{}: {cpu:.2} s of server CPU",
            file.name
        );
        ensure!(netra.exited()?.is_none(), "{}: the server died", file.name);
    }
    let peak = netra.peak_mb().context("peak memory")?;
    println!("hostile corpus: server peak RSS {peak:.0} MB (idle {idle_mb:.0} MB)");
    ensure!(peak < MAX_PEAK_MB, "peak RSS {peak:.0} MB");
    // Still serving, pages and sign-in included.
    let (status, _) = operator.page("/operator/impor").await?;
    ensure!(status == 200, "import page after the corpus: {status}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_roster_command_refuses_the_far_cell_workbook_instead_of_aborting() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    world(&app).await?;
    let file = std::env::temp_dir().join(format!("netra-far-cell-{}.xlsx", rand::random::<u64>()));
    std::fs::write(&file, hostile::far_cell_xlsx()?)?;
    let output = tokio::process::Command::new(SERVER)
        .args(["roster", "import"])
        .arg(&file)
        .args([
            "--instansi",
            "pemkab-a",
            "--database-url",
            &app.database_url,
        ])
        .output()
        .await?;
    let _ = std::fs::remove_file(&file);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // Exit code 134 would be the abort of an allocation of hundreds of gigabytes.
    ensure!(
        output.status.code() == Some(1),
        "exit {:?}: {said}",
        output.status
    );
    ensure!(said.contains("baris 1048576"), "{said}");
    Ok(())
}
