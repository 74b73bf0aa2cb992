//! Province-size benchmark of the BKPSDM dashboards: seeds one agency with (by default)
//! 100,000 employees in 40 OPDs and 600 units, 10 modules and about 1,000,000 attempts, then
//! times the pages an operator opens and the full XLSX export, against the running release
//! server (its own process, so its peak memory is its own).
//!
//! `cargo build --release -p server && cargo run --release -p bench --bin tracking_bench -- \
//!     [sqlite|postgres] [employees] [runs]`
//!
//! Targets (issue 5): overview < 150 ms, unit drill-down < 100 ms, 100,000-row XLSX export
//! < 5 s with server peak memory < 200 MB. Figures are printed; nothing fails on timing.

use anyhow::{ensure, Context, Result};
use rand::{rngs::StdRng, Rng, SeedableRng};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement, Value};
use std::time::{Duration, Instant};
use tests::bench::{run_cli, signed_in, start_server, BenchDatabase};
use tests::percentile;

const PASSWORD: &str = "kuda-laut-berenang-7";
const OPDS: usize = 40;
const UNITS_PER_OPD: usize = 14;
const MODULES: usize = 10;
const ASSIGNED: &str = "dasar-netralitas-asn";

/// A valid, distinct NIP for employee `i` (up to about 1.3 million).
fn nip_for(i: usize) -> String {
    format!(
        "{:04}01{:02}201001{}{:03}",
        1975 + i / 55_944,
        1 + (i / 1998) % 28,
        1 + (i / 999) % 2,
        1 + i % 999
    )
}

/// Inserts `rows` (each `width` values) into `table (columns)` in multi-row statements.
async fn insert_rows(
    db: &DatabaseConnection,
    table: &str,
    columns: &str,
    width: usize,
    rows: Vec<Vec<Value>>,
) -> Result<()> {
    let backend = db.get_database_backend();
    let per_statement = 20_000 / width;
    for chunk in rows.chunks(per_statement) {
        let mut sql = format!("INSERT INTO {table} ({columns}) VALUES ");
        let mut values = Vec::with_capacity(chunk.len() * width);
        for (r, row) in chunk.iter().enumerate() {
            if r > 0 {
                sql.push(',');
            }
            sql.push('(');
            for (c, v) in row.iter().enumerate() {
                if c > 0 {
                    sql.push(',');
                }
                values.push(v.clone());
                match backend {
                    sea_orm::DbBackend::Postgres => sql.push_str(&format!("${}", values.len())),
                    _ => sql.push('?'),
                }
            }
            sql.push(')');
        }
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .context("a row")?;
    Ok(row.try_get_by_index(0)?)
}

struct Seeded {
    assignment: i64,
    opd: i64,
    unit: i64,
    attempts: i64,
}

async fn seed(db: &DatabaseConnection, employees: usize) -> Result<Seeded> {
    let mut rng = StdRng::seed_from_u64(2026);
    let agency = scalar(db, "SELECT id FROM agencies WHERE code = 'pemprov-uji'").await?;
    // Three more modules than the curriculum has, so attempts spread over ten.
    for i in 1..=MODULES.saturating_sub(7) {
        db.execute_unprepared(&format!(
            "INSERT INTO content_modules (slug, version, content_hash, title) \
             VALUES ('modul-tambahan-{i}', '1', 'x', 'Modul tambahan {i}')"
        ))
        .await?;
    }
    let modules: Vec<(i64, String)> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id, slug FROM content_modules ORDER BY id",
        ))
        .await?
        .into_iter()
        .map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?)))
        .collect::<Result<_>>()?;
    ensure!(modules.len() >= MODULES, "{} modules", modules.len());

    // 40 OPDs with 14 units each: 600 units.
    let mut units: Vec<(i64, String)> = Vec::new();
    let mut opd_ids = Vec::new();
    for o in 0..OPDS {
        let name = format!("Dinas Uji {:02}", o + 1);
        let key = name.to_lowercase();
        db.execute_unprepared(&format!(
            "INSERT INTO units (agency_id, name, path, depth, name_key) VALUES ({agency}, '{name}', '', 1, '{key}')"
        ))
        .await?;
        let opd = scalar(
            db,
            &format!("SELECT id FROM units WHERE name_key = '{key}'"),
        )
        .await?;
        db.execute_unprepared(&format!(
            "UPDATE units SET path = '/{opd}/' WHERE id = {opd}"
        ))
        .await?;
        opd_ids.push(opd);
        for u in 0..UNITS_PER_OPD {
            let child = format!("Bidang {:02}", u + 1);
            let child_key = format!("{key}/{}", child.to_lowercase());
            db.execute_unprepared(&format!(
                "INSERT INTO units (agency_id, parent_id, name, path, depth, name_key) VALUES ({agency}, {opd}, '{child}', '', 2, '{child_key}')"
            ))
            .await?;
            let id = scalar(
                db,
                &format!("SELECT id FROM units WHERE name_key = '{child_key}'"),
            )
            .await?;
            db.execute_unprepared(&format!(
                "UPDATE units SET path = '/{opd}/{id}/' WHERE id = {id}"
            ))
            .await?;
            units.push((id, format!("{name} / {child}")));
        }
    }

    let rows: Vec<Vec<Value>> = (0..employees)
        .map(|i| {
            let (unit, label) = &units[i % units.len()];
            vec![
                nip_for(i).into(),
                format!("Pegawai Uji {i}").into(),
                "Pemerintah Provinsi Uji".into(),
                label.clone().into(),
                agency.into(),
                (*unit).into(),
                "Analis".into(),
                "III/A".into(),
                "PNS".into(),
            ]
        })
        .collect();
    insert_rows(
        db,
        "employees",
        "nip, name, instansi, unit_kerja, agency_id, unit_id, jabatan, golongan, jenis",
        9,
        rows,
    )
    .await?;
    let first_employee = scalar(db, "SELECT MIN(id) FROM employees").await?;

    // About ten attempts per employee: 0, 1 or 2 per module; some left open.
    let now = chrono::Utc::now();
    let mut attempts = Vec::new();
    for e in 0..employees as i64 {
        for (module_id, slug) in modules.iter().take(MODULES) {
            let n = rng.random_range(0..=2);
            for _ in 0..n {
                let started = now - chrono::Duration::minutes(rng.random_range(60..500_000));
                let open = n == 1 && rng.random_ratio(1, 50);
                let score: i32 = rng.random_range(30..=100);
                attempts.push(vec![
                    (first_employee + e).into(),
                    (*module_id).into(),
                    slug.clone().into(),
                    "self".into(),
                    "verified".into(),
                    "Pemerintah Provinsi Uji".into(),
                    "-".into(),
                    "[]".into(),
                    started.into(),
                    Value::from(if open {
                        None
                    } else {
                        Some(started + chrono::Duration::minutes(15))
                    }),
                    Value::from((!open).then_some(score)),
                    Value::from((!open).then_some(score / 10)),
                    10i32.into(),
                    Value::from((!open).then_some(score >= 70)),
                    false.into(),
                ]);
            }
        }
        if attempts.len() >= 100_000 {
            insert_rows(
                db,
                "attempts",
                ATTEMPT_COLUMNS,
                15,
                std::mem::take(&mut attempts),
            )
            .await?;
        }
    }
    insert_rows(db, "attempts", ATTEMPT_COLUMNS, 15, attempts).await?;
    // The summary the dashboards read, built as the migration builds it for existing data.
    db.execute_unprepared(migrations::BACKFILL_RESULTS).await?;
    insert_rows(
        db,
        "assignments",
        "agency_id, module_slug, opens_at, deadline_at, time_zone, whole_agency, new_cycle",
        7,
        vec![vec![
            agency.into(),
            ASSIGNED.into(),
            (now - chrono::Duration::days(60)).into(),
            (now + chrono::Duration::days(30)).into(),
            "WIB".into(),
            true.into(),
            false.into(),
        ]],
    )
    .await?;
    // Fresh statistics, as a long-running database would have.
    db.execute_unprepared("ANALYZE").await?;
    Ok(Seeded {
        assignment: scalar(db, "SELECT MAX(id) FROM assignments").await?,
        opd: opd_ids[0],
        unit: units[0].0,
        attempts: scalar(db, "SELECT COUNT(*) FROM attempts").await?,
    })
}

const ATTEMPT_COLUMNS: &str = "employee_id, content_module_id, module_slug, context, identity, \
    instansi_at_time, unit_kerja_at_time, draw, started_at, submitted_at, score, correct_count, \
    question_count, passed, late";

/// Times `runs` GETs of `path` after one warm-up; returns sorted latencies and the body size.
async fn time_page(
    client: &reqwest::Client,
    url: &str,
    runs: usize,
) -> Result<(Vec<Duration>, usize)> {
    let warm = client.get(url).send().await?;
    ensure!(warm.status().is_success(), "GET {url}: {}", warm.status());
    let size = warm.bytes().await?.len();
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let res = client.get(url).send().await?;
        ensure!(res.status().is_success(), "GET {url}: {}", res.status());
        res.bytes().await?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok((times, size))
}

fn report(name: &str, times: &[Duration], target_ms: f64, size: usize) {
    let p50 = percentile(times, 0.5).as_secs_f64() * 1000.0;
    let worst = times.last().copied().unwrap_or_default().as_secs_f64() * 1000.0;
    println!(
        "{name:<34} p50 {p50:>8.1} ms  max {worst:>8.1} ms  target {target_ms:>6.0} ms  p50/target {:.2}  ({} KB)",
        p50 / target_ms,
        size / 1024
    );
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let backend = args.get(1).map(String::as_str).unwrap_or("sqlite");
    let employees: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let runs: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(20);

    let bench_db = BenchDatabase::create(backend, "netra_tracking").await?;
    let url = bench_db.url.clone();
    run_cli(&["migrate"], &url, "")?;
    let db = Database::connect(&url).await?;
    db.execute_unprepared(
        "INSERT INTO agencies (code, name, time_zone) VALUES ('pemprov-uji', 'Pemerintah Provinsi Uji', 'WIB')",
    )
    .await?;
    run_cli(
        &[
            "user",
            "add",
            "--role",
            "operator",
            "--email",
            "op@bench.test",
            "--agency",
            "pemprov-uji",
        ],
        &url,
        &format!("{PASSWORD}\n"),
    )?;
    let server = start_server(&url).await?;
    let started = Instant::now();
    let seeded = seed(&db, employees).await?;
    println!(
        "tracking bench: {backend}, {employees} employees in {OPDS} OPDs and {} units, {MODULES} modules, {} attempts (seeded in {:.0} s)",
        OPDS * (UNITS_PER_OPD + 1),
        seeded.attempts,
        started.elapsed().as_secs_f64()
    );

    let client = signed_in(&server.base, "op@bench.test", PASSWORD).await?;
    let base = &server.base;
    let a = seeded.assignment;
    let (times, size) = time_page(
        &client,
        &format!("{base}/operator/dasbor?penugasan={a}"),
        runs,
    )
    .await?;
    report("overview page (40 OPDs)", &times, 150.0, size);
    let (times, size) = time_page(
        &client,
        &format!("{base}/operator/dasbor/{a}/unit/{}", seeded.unit),
        runs,
    )
    .await?;
    report("unit drill-down page (~170 ASN)", &times, 100.0, size);
    let (times, size) = time_page(
        &client,
        &format!("{base}/operator/dasbor/{a}/unit/{}", seeded.opd),
        runs,
    )
    .await?;
    report("OPD drill-down page (~2,500 ASN)", &times, 100.0, size);
    let (times, size) = time_page(
        &client,
        &format!(
            "{base}/operator/dasbor/{a}/unit/{}?status=terlambat&urut=nilai",
            seeded.opd
        ),
        runs,
    )
    .await?;
    report("OPD drill-down, filtered+sorted", &times, 100.0, size);

    let started = Instant::now();
    let res = client
        .get(format!("{base}/operator/penugasan/{a}/status.xlsx"))
        .send()
        .await?;
    ensure!(res.status().is_success(), "export: {}", res.status());
    let bytes = res.bytes().await?;
    let export = started.elapsed();
    let rows = {
        use calamine::{Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec()))?;
        book.worksheet_range_at(0).context("sheet")??.height() - 1
    };
    println!(
        "XLSX export: {rows} rows, {:.1} MB in {:.2} s (target 5 s, ratio {:.2})",
        bytes.len() as f64 / 1e6,
        export.as_secs_f64(),
        export.as_secs_f64() / 5.0
    );
    match server.peak_mb() {
        Some(mb) => println!(
            "server peak memory (VmHWM): {mb:.0} MB (target 200 MB, ratio {:.2})",
            mb / 200.0
        ),
        None => println!("server peak memory: unavailable"),
    }
    drop(server);
    db.close().await?;
    if std::env::var_os("NETRA_BENCH_KEEP").is_some() {
        println!("kept: {url}");
        return Ok(());
    }
    bench_db.drop().await
}
