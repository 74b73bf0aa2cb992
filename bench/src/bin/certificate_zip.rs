//! Peak memory of the release server while it streams a webinar's certificates as one ZIP:
//! seeds a session with (by default) 5,000 certificates, downloads the ZIP as the host without
//! keeping it, and prints the size, the time and the server's peak resident memory before and
//! after.
//!
//! `cargo build --release -p server && cargo run --release -p bench --bin certificate_zip -- \
//!     [sqlite|postgres] [certificates]`
//!
//! Target (issue 17): memory bounded whatever the number of certificates (the ZIP is rendered
//! and sent one PDF at a time). Figures are printed; nothing fails on timing.

use anyhow::{ensure, Context, Result};
use app::ssr::db::entities::certificate;
use chrono::Utc;
use futures::StreamExt;
use sea_orm::{Database, EntityTrait, Set};
use std::time::Instant;
use tests::bench::{host_session, start_server};

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let backend = args.get(1).map(String::as_str).unwrap_or("sqlite");
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5_000);
    let bench_db = tests::bench::BenchDatabase::create(backend, "netra_zip").await?;
    let url = bench_db.url.clone();
    tests::bench::prepare_with_host(&url)?;
    let server = start_server(&url).await?;
    let host = tests::app_client().cookie_store(true).build()?;
    let (session, code) = host_session(&host, &server.base).await?;

    let db = Database::connect(&url).await?;
    let today = Utc::now().date_naive();
    let mut holders = Vec::with_capacity(n);
    for i in 0..n {
        let nip = tests::nth_nip("198501", "201001", i);
        let holder = app::ssr::db::employees::find_or_insert(
            &db,
            &nip,
            &format!("Peserta Webinar Nomor {i}"),
            "Pemerintah Kabupaten Contoh",
            "Dinas Pendidikan",
        )
        .await?;
        holders.push(holder);
    }
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let rows = chunk.iter().map(|&i| certificate::ActiveModel {
            number: Set(format!("{:05}/BKN/NETRA/2026", i + 1)),
            organiser_key: Set("bkn".into()),
            year: Set(2026),
            seq: Set(i as i32 + 1),
            verify_code: Set(format!("{code}{i:010}")),
            employee_id: Set(holders[i].id),
            holder_name: Set(holders[i].name.clone()),
            holder_nip: Set(holders[i].nip.clone()),
            instansi: Set("Pemerintah Kabupaten Contoh".into()),
            title: Set("Webinar nasional netralitas ASN".into()),
            organiser: Set("BKN".into()),
            event_date: Set(today),
            jp: Set(2),
            source: Set("webinar".into()),
            webinar_session_id: Set(Some(session)),
            issued_at: Set(Utc::now()),
            ..Default::default()
        });
        certificate::Entity::insert_many(rows).exec(&db).await?;
    }
    db.close().await?;

    let before = server.peak_mb().context("peak memory")?;
    let started = Instant::now();
    let res = host
        .get(format!(
            "{}/host/sesi/{session}/sertifikat.zip",
            server.base
        ))
        .send()
        .await?;
    ensure!(res.status() == 200, "zip: {}", res.status());
    let mut body = res.bytes_stream();
    let (mut bytes, mut first) = (0usize, None);
    while let Some(chunk) = body.next().await {
        bytes += chunk?.len();
        first.get_or_insert_with(|| started.elapsed());
    }
    let elapsed = started.elapsed();
    let after = server.peak_mb().context("peak memory")?;
    println!(
        "certificate ZIP ({backend}): {n} certificates, {:.1} MB in {:.1} s (first bytes after {:.2} s); \
         server peak RSS {before:.0} MB before, {after:.0} MB after",
        bytes as f64 / 1e6,
        elapsed.as_secs_f64(),
        first.unwrap_or_default().as_secs_f64(),
    );
    Ok(())
}
