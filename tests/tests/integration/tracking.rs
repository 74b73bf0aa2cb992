//! BKPSDM tracking over HTTP: roster import (preview, confirm, idempotence, unit history,
//! bad rows), assignments scoped to sub-units, deadlines in local time, cycles, dashboard
//! numbers against a hand-computed fixture, exports parsed, and agency isolation.

use crate::accounts::{sign_in, signed_in_employee, world};
use anyhow::{ensure, Context, Result};
use app::model::assurance::Assurance;
use app::model::roster::{RosterChanges, RosterPreview};
use app::model::tracking::{
    AssignmentsPage, Difficulty, JpLedger, Overview, Status, UnitDrillDown,
};
use app::ssr::db::entities::{assignment, employee, unit, unit_history};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tests::{Backend, Browser, TestApp};

crate::on_both_backends!(
    roster_import_previews_commits_once_and_keeps_unit_history,
    mandatory_module_certificates_are_issued_once_and_zipped_per_unit,
    assignments_dashboards_and_exports_follow_the_fixture,
    the_roster_command_reports_then_imports,
);

/// A valid NIP: born 15-03-1987, TMT 01-2010, woman, sequence `n`.
fn nip(n: u32) -> String {
    format!("198703152010012{n:03}")
}

fn csv(rows: &[[&str; 7]]) -> Vec<u8> {
    let mut out = String::from("NIP;Nama;Jabatan;Golongan;Jenis;OPD;Unit Kerja\n");
    for r in rows {
        out.push_str(&r.join(";"));
        out.push('\n');
    }
    out.into_bytes()
}

async fn preview(browser: &Browser, name: &str, file: &[u8]) -> Result<RosterPreview> {
    let res = browser
        .upload("/api/preview_roster", (name, file), &[])
        .await?;
    ensure!(
        res.status() == 200,
        "preview {name}: {} {}",
        res.status(),
        res.text().await?
    );
    Ok(res.json().await?)
}

async fn confirm(browser: &Browser, id: i64) -> Result<RosterChanges> {
    let res = browser
        .call("/api/confirm_roster", &[("import_id", &id.to_string())])
        .await?;
    ensure!(
        res.status() == 200,
        "confirm: {} {}",
        res.status(),
        res.text().await?
    );
    Ok(res.json().await?)
}

async fn employees_of(app: &TestApp, nip: &str) -> Result<employee::Model> {
    employee::Entity::find()
        .filter(employee::Column::Nip.eq(nip))
        .one(&app.db)
        .await?
        .with_context(|| format!("employee {nip}"))
}

async fn roster_import_previews_commits_once_and_keeps_unit_history(
    backend: Backend,
) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    world(&app).await?;
    let op = app.browser()?;
    sign_in(&op, "op-a@netra.test").await?;
    let (a1, a2, a3) = (nip(101), nip(102), nip(103));
    let good = [
        [
            a1.as_str(),
            "Rina Wati",
            "Perawat",
            "III/b",
            "PNS",
            "Dinas Kesehatan",
            "Puskesmas Depok",
        ],
        [
            a2.as_str(),
            "Agus Salim",
            "Guru",
            "IX",
            "PPPK",
            "Dinas Pendidikan",
            "SD Negeri 1 > Tata Usaha",
        ],
        [
            a3.as_str(),
            "Dewi Lestari",
            "Analis",
            "III/a",
            "pns",
            "Dinas Kesehatan",
            "",
        ],
    ];
    let (n4, n5, n6) = (nip(104), nip(105), nip(106));
    let mut rows = good.to_vec();
    rows.push(["1,98703E+17", "Rusak", "", "", "", "Dinas Kesehatan", ""]);
    rows.push([
        "198703152010012000",
        "Terpotong",
        "",
        "",
        "",
        "Dinas Kesehatan",
        "",
    ]);
    rows.push([a1.as_str(), "Ganda", "", "", "", "Dinas Kesehatan", ""]);
    rows.push([&n4, "", "", "", "", "Dinas Kesehatan", ""]);
    rows.push([&n5, "Tanpa OPD", "", "", "", "", ""]);
    rows.push([&n6, "Honorer", "", "", "honorer", "Dinas Kesehatan", ""]);
    // Agency B's employee is not taken by A's roster: a transfer request waits for her (see
    // `assurance::another_agencys_employee_is_requested_not_taken`).
    rows.push([
        tests::NIP_OTHER,
        "Siti Aminah",
        "",
        "",
        "",
        "Dinas Kesehatan",
        "",
    ]);
    let file = csv(&rows);

    let p = preview(&op, "roster.csv", &file).await?;
    ensure!((p.rows, p.valid) == (10, 3), "{p:#?}");
    let lines: Vec<usize> = p.problems.iter().map(|x| x.line).collect();
    ensure!(lines == vec![5, 6, 7, 8, 9, 10], "{:#?}", p.problems);
    ensure!(p.changes.transfers == 1, "{:?}", p.changes);
    for (i, needle) in [
        "format ilmiah",
        "terpotong",
        "baris 2",
        "Nama",
        "OPD",
        "honorer",
    ]
    .iter()
    .enumerate()
    {
        ensure!(
            p.problems[i].reason.contains(needle),
            "line {}: {}",
            p.problems[i].line,
            p.problems[i].reason
        );
    }
    ensure!(p.changes.added == 3, "{:?}", p.changes);
    ensure!(
        p.changes.new_units
            == vec![
                "Dinas Kesehatan",
                "Dinas Kesehatan / Puskesmas Depok",
                "Dinas Pendidikan",
                "Dinas Pendidikan / SD Negeri 1",
                "Dinas Pendidikan / SD Negeri 1 / Tata Usaha",
            ],
        "{:?}",
        p.changes.new_units
    );
    ensure!(
        employee::Entity::find()
            .filter(employee::Column::Nip.eq(a1.as_str()))
            .count(&app.db)
            .await?
            == 0,
        "a preview imports nothing"
    );

    // Another agency's operator cannot confirm it.
    let other = app.browser()?;
    sign_in(&other, "op-b@netra.test").await?;
    let res = other
        .call(
            "/api/confirm_roster",
            &[("import_id", &p.import_id.to_string())],
        )
        .await?;
    ensure!(
        res.status() == 404,
        "B confirming A's import: {}",
        res.status()
    );

    let done = confirm(&op, p.import_id).await?;
    ensure!(
        (done.added, done.updated, done.moved) == (3, 0, 0),
        "{done:?}"
    );
    let res = op
        .call(
            "/api/confirm_roster",
            &[("import_id", &p.import_id.to_string())],
        )
        .await?;
    ensure!(res.status() == 409, "confirming twice: {}", res.status());

    let rina = employees_of(&app, &a1).await?;
    ensure!(
        (
            rina.jabatan.as_str(),
            rina.golongan.as_str(),
            rina.jenis.as_str(),
            rina.unit_kerja.as_str()
        ) == (
            "Perawat",
            "III/B",
            "PNS",
            "Dinas Kesehatan / Puskesmas Depok"
        ),
        "{rina:?}"
    );
    let tu = unit::Entity::find()
        .filter(unit::Column::NameKey.eq("dinas pendidikan/sd negeri 1/tata usaha"))
        .one(&app.db)
        .await?
        .context("the third-level unit")?;
    ensure!(tu.depth == 3 && tu.path.matches('/').count() == 4, "{tu:?}");
    let agus = employees_of(&app, &a2).await?;
    ensure!(agus.unit_id == Some(tu.id), "placed in the deepest unit");
    let units_before = unit::Entity::find().count(&app.db).await?;
    let history_before = unit_history::Entity::find().count(&app.db).await?;
    ensure!(
        history_before == 3,
        "one history row per employee: {history_before}"
    );

    // The same file again changes nothing.
    let again = preview(&op, "roster.csv", &file).await?;
    ensure!(
        (
            again.changes.added,
            again.changes.updated,
            again.changes.moved,
            again.changes.unchanged
        ) == (0, 0, 0, 3)
            && again.changes.new_units.is_empty(),
        "{:?}",
        again.changes
    );
    confirm(&op, again.import_id).await?;
    ensure!(
        unit::Entity::find().count(&app.db).await? == units_before,
        "no new units"
    );
    ensure!(
        unit_history::Entity::find().count(&app.db).await? == history_before,
        "no new history"
    );

    // Rina takes a quiz (signed in) in her old unit, then moves; Dewi's job title changes.
    let learner = signed_in_employee(&app, &a1).await?;
    let html = learner.start_quiz().await?;
    learner.submit_quiz(&app, &html, usize::MAX).await?;
    let changed = csv(&[
        [
            a1.as_str(),
            "Rina Wati",
            "Perawat",
            "III/b",
            "PNS",
            "Dinas Kesehatan",
            "RSUD",
        ],
        good[1],
        [
            a3.as_str(),
            "Dewi Lestari",
            "Analis Kebijakan",
            "III/a",
            "PNS",
            "Dinas Kesehatan",
            "",
        ],
    ]);
    let moved = preview(&op, "roster-baru.csv", &changed).await?;
    ensure!(
        (
            moved.changes.moved,
            moved.changes.updated,
            moved.changes.unchanged
        ) == (1, 1, 1),
        "{:?}",
        moved.changes
    );
    confirm(&op, moved.import_id).await?;
    let history = unit_history::Entity::find()
        .filter(unit_history::Column::EmployeeId.eq(rina.id))
        .all(&app.db)
        .await?;
    ensure!(history.len() == 2, "{history:?}");
    ensure!(
        history.iter().filter(|h| h.to_at.is_none()).count() == 1
            && history
                .iter()
                .any(|h| h.unit_id == rina.unit_id.unwrap_or_default() && h.to_at.is_some()),
        "the old unit is closed, the new one open: {history:?}"
    );
    let moved_to = employees_of(&app, &a1).await?.unit_id;
    let result = app::ssr::db::entities::module_result::Entity::find()
        .filter(app::ssr::db::entities::module_result::Column::EmployeeId.eq(rina.id))
        .one(&app.db)
        .await?
        .context("Rina's result summary")?;
    ensure!(
        result.unit_id == moved_to && moved_to != rina.unit_id && result.submitted == 1,
        "the dashboards count her result in her new unit: {result:?}"
    );
    let attempt = app::ssr::db::entities::attempt::Entity::find()
        .filter(app::ssr::db::entities::attempt::Column::EmployeeId.eq(rina.id))
        .one(&app.db)
        .await?
        .context("Rina's attempt")?;
    ensure!(
        attempt.unit_kerja_at_time == "Dinas Kesehatan / Puskesmas Depok",
        "the attempt stays attributed to the unit at the time: {}",
        attempt.unit_kerja_at_time
    );

    // An XLSX file (NIP as text) is read like the CSV; the template parses and names the columns.
    let xlsx = {
        use app::ssr::files::{Column, Format, TableWriter};
        use app::ssr::time::wib;
        let cols = [
            Column::text("NIP", 20.0),
            Column::text("Nama Lengkap", 20.0),
            Column::text("Perangkat Daerah", 20.0),
        ];
        let mut t = TableWriter::new(Format::Xlsx, "Roster", &cols, wib())?;
        t.push_row(&[
            nip(107).into(),
            "Yusuf Maulana".into(),
            "Inspektorat".into(),
        ])?;
        t.finish()?
    };
    let px = preview(&op, "roster.xlsx", &xlsx).await?;
    ensure!(px.valid == 1 && px.problems.is_empty(), "{px:?}");
    let res = op.get("/operator/templat-roster.xlsx").await?;
    ensure!(res.status() == 200, "template: {}", res.status());
    let bytes = res.bytes().await?;
    let header: Vec<String> = {
        use calamine::{Reader, Xlsx};
        let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec()))?;
        let range = book.worksheet_range_at(0).context("sheet")??;
        range
            .rows()
            .next()
            .context("header row")?
            .iter()
            .map(|c| c.to_string())
            .collect()
    };
    ensure!(
        header == app::ssr::tracking::roster::TEMPLATE_HEADER,
        "{header:?}"
    );
    let res = op.get("/operator/templat-roster.csv").await?;
    ensure!(
        res.text().await?.contains("NIP,Nama,Jabatan"),
        "csv template"
    );

    // Files that cannot be read at all get one clear message.
    for (name, body, needle) in [
        ("roster.xls", b"\xD0\xCF\x11\xE0old".to_vec(), ".xls"),
        ("roster.csv", b"Nama;Jabatan\nA;B\n".to_vec(), "Kolom wajib"),
        ("roster.csv", b"NIP;Nama;OPD\n".to_vec(), "tanpa data"),
    ] {
        let res = op.upload("/api/preview_roster", (name, &body), &[]).await?;
        ensure!(res.status() == 422, "{name}: {}", res.status());
        let text = res.text().await?;
        ensure!(text.contains(needle), "{name}: {text}");
    }
    Ok(())
}

/// The employee signs in to their account and takes the quiz (`correct` right answers).
async fn take_quiz(app: &TestApp, nip: &str, correct: usize, submit: bool) -> Result<()> {
    let learner = signed_in_employee(app, nip).await?;
    take_quiz_as(app, &learner, correct, submit).await
}

/// Someone types the NIP and a name on the self-declared form and takes the quiz.
async fn take_quiz_self_declared(
    app: &TestApp,
    nip: &str,
    name: &str,
    correct: usize,
) -> Result<()> {
    let learner = app.browser()?;
    learner.identify(nip, name).await?;
    take_quiz_as(app, &learner, correct, true).await
}

async fn take_quiz_as(
    app: &TestApp,
    learner: &Browser,
    correct: usize,
    submit: bool,
) -> Result<()> {
    let html = learner.start_quiz().await?;
    if !submit {
        return Ok(());
    }
    learner.submit_quiz(app, &html, correct).await
}

/// The PDFs in a ZIP of certificates, by file name.
fn zipped_pdfs(bytes: &[u8]) -> Result<Vec<String>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec()))?;
    let mut names = Vec::new();
    for i in 0..zip.len() {
        use std::io::Read;
        let mut file = zip.by_index(i)?;
        let name = file.name()?.to_string();
        let mut head = [0u8; 4];
        file.read_exact(&mut head)?;
        ensure!(&head == b"%PDF", "{name} is not a PDF");
        names.push(name);
    }
    Ok(names)
}

async fn mandatory_module_certificates_are_issued_once_and_zipped_per_unit(
    backend: Backend,
) -> Result<()> {
    use app::ssr::db::certificates;
    let app = TestApp::spawn(backend).await?;
    world(&app).await?;
    let op = app.browser()?;
    sign_in(&op, "op-a@netra.test").await?;
    let people = [
        (nip(301), "Ani", "Dinas Kesehatan"),
        (nip(302), "Bayu", "Dinas Kesehatan"),
        (nip(303), "Fajar", "Dinas Pendidikan"),
        (nip(304), "Gita", "Dinas Kesehatan"),
    ];
    let rows: Vec<[&str; 7]> = people
        .iter()
        .map(|(n, name, opd)| [n.as_str(), *name, "", "", "PNS", *opd, ""])
        .collect();
    let p = preview(&op, "roster.csv", &csv(&rows)).await?;
    confirm(&op, p.import_id).await?;
    // Fajar passes before the module is assigned to anyone.
    take_quiz(&app, &people[2].0, usize::MAX, true).await?;

    // The signing official: a wrong NIP is refused with the field named, then a good one saved.
    let res = op
        .call(
            "/api/certificate_signer",
            &[("signer_name", "Dr. Rahmat"), ("signer_nip", "1970")],
        )
        .await?;
    ensure!(res.status() == 422, "bad signer NIP: {}", res.status());
    ensure!(
        res.text()
            .await?
            .contains("NIP penandatangan harus 18 angka"),
        "message"
    );
    let res = op
        .call(
            "/api/certificate_signer",
            &[
                ("signer_name", "Dr. Rahmat Hidayat, M.Si."),
                ("signer_nip", "197001011995031001"),
                ("signer_position", "Kepala BKPSDM"),
            ],
        )
        .await?;
    ensure!(res.status() == 200, "signer: {}", res.status());
    let page: AssignmentsPage = json(&op, "/api/assignments", &[]).await?;
    ensure!(
        page.signer.2 == "Kepala BKPSDM",
        "signer shown: {:?}",
        page.signer
    );

    let res = op
        .call(
            "/api/create_assignment",
            &[
                ("module_slug", tests::MODULE),
                ("scope", "all"),
                ("opens_on", "2026-01-01"),
                ("deadline", "2099-12-31T16:00"),
                ("time_zone", "WIB"),
            ],
        )
        .await?;
    ensure!(res.status() == 200, "assign: {}", res.status());
    let a = assignment::Entity::find()
        .one(&app.db)
        .await?
        .context("assignment")?;

    // Ani passes signed in: her certificate is issued with the submission. Bayu fails: none.
    // Someone who types Gita's NIP and name on the self-declared form (she has no account yet)
    // and passes earns Gita nothing: that pass is the claim's, not the employee's.
    let ani = signed_in_employee(&app, &people[0].0).await?;
    let html = ani.start_quiz().await?;
    ani.submit_quiz(&app, &html, usize::MAX).await?;
    take_quiz(&app, &people[1].0, 0, true).await?;
    take_quiz_self_declared(&app, &people[3].0, "Gita", usize::MAX).await?;
    let issued = certificates::of_assignment(&app.db, a.id).await?;
    let ani_id = employees_of(&app, &people[0].0).await?.id;
    ensure!(
        issued.len() == 1 && issued[0].employee_id == ani_id,
        "only Ani's certificate so far: {issued:?}"
    );
    let cert = issued[0].clone();
    ensure!(
        cert.number.starts_with("00001/"),
        "first number: {}",
        cert.number
    );
    ensure!(
        cert.module_slug.as_deref() == Some(tests::MODULE) && cert.jp > 0,
        "{cert:?}"
    );

    // She finds it in her results, downloads it, and anyone can verify it.
    let (_, mine) = ani.page("/saya").await?;
    ensure!(
        mine.contains(&cert.number) && mine.contains(&format!("/sertifikat/{}/unduh", cert.id)),
        "listed on /saya"
    );
    let res = ani.get(&format!("/sertifikat/{}/unduh", cert.id)).await?;
    ensure!(res.status() == 200, "download: {}", res.status());
    ensure!(res.bytes().await?.starts_with(b"%PDF"), "a PDF");
    let (status, verify) = app
        .browser()?
        .page(&format!("/verifikasi/{}", cert.verify_code))
        .await?;
    ensure!(
        status == 200
            && verify.contains("SAH")
            && verify.contains("Ani")
            && verify.contains("Akun terverifikasi"),
        "verification page with the holder's level"
    );

    // Passing again in the same cycle does not issue a second certificate.
    let html = ani.start_quiz().await?;
    ani.submit_quiz(&app, &html, usize::MAX).await?;
    ensure!(
        certificates::of_assignment(&app.db, a.id).await?.len() == 1,
        "one per cycle"
    );

    // The ZIP per OPD: Dinas Kesehatan holds Ani's; Dinas Pendidikan holds Fajar's, issued now
    // for the pass he made before the assignment.
    let unit_of = |name: &str| {
        page.units
            .iter()
            .find(|u| u.name == name)
            .map(|u| u.id)
            .with_context(|| format!("unit {name}"))
    };
    let zip_of = |unit: i64| format!("/operator/penugasan/{}/unit/{unit}/sertifikat.zip", a.id);
    let res = op.get(&zip_of(unit_of("Dinas Kesehatan")?)).await?;
    ensure!(res.status() == 200, "zip: {}", res.status());
    // Streamed one PDF at a time, so its length is not known in advance.
    ensure!(
        res.headers().get("content-length").is_none(),
        "a streamed ZIP, not one built in memory: {:?}",
        res.headers()
    );
    let names = zipped_pdfs(&res.bytes().await?)?;
    ensure!(
        names == vec![app::ssr::learning::certificates::file_name(&cert)],
        "Dinas Kesehatan: {names:?}"
    );
    let res = op.get(&zip_of(unit_of("Dinas Pendidikan")?)).await?;
    let names = zipped_pdfs(&res.bytes().await?)?;
    ensure!(
        names.len() == 1 && names[0].starts_with("sertifikat-00002-"),
        "Dinas Pendidikan: {names:?}"
    );
    let fajar_id = employees_of(&app, &people[2].0).await?.id;
    ensure!(
        certificates::for_assignment_holder(&app.db, a.id, fajar_id)
            .await?
            .is_some(),
        "Fajar's certificate issued for the earlier pass"
    );
    // Another agency's operator cannot reach them.
    let other = app.browser()?;
    sign_in(&other, "op-b@netra.test").await?;
    let res = other.get(&zip_of(unit_of("Dinas Kesehatan")?)).await?;
    ensure!(res.status() == 404, "operator B: {}", res.status());
    Ok(())
}

async fn json<T: serde::de::DeserializeOwned>(
    browser: &Browser,
    path: &str,
    args: &[(&str, &str)],
) -> Result<T> {
    let res = browser.call(path, args).await?;
    ensure!(
        res.status() == 200,
        "{path}: {} {}",
        res.status(),
        res.text().await?
    );
    Ok(res.json().await?)
}

fn xlsx_rows(bytes: &[u8]) -> Result<Vec<Vec<calamine::Data>>> {
    use calamine::{Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec()))?;
    let range = book.worksheet_range_at(0).context("sheet")??;
    Ok(range.rows().map(|r| r.to_vec()).collect())
}

async fn assignments_dashboards_and_exports_follow_the_fixture(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    world(&app).await?;
    let op = app.browser()?;
    sign_in(&op, "op-a@netra.test").await?;
    // Dinas Kesehatan (with Puskesmas Depok below it) and Dinas Pendidikan.
    let people = [
        (nip(201), "Ani", "Dinas Kesehatan", ""),
        (nip(202), "Bayu", "Dinas Kesehatan", "Puskesmas Depok"),
        (nip(203), "Citra", "Dinas Kesehatan", "Puskesmas Depok"),
        (nip(204), "Dodi", "Dinas Kesehatan", "Puskesmas Depok"),
        (nip(205), "Eka", "Dinas Pendidikan", ""),
    ];
    let rows: Vec<[&str; 7]> = people
        .iter()
        .map(|(n, name, opd, unit)| [n.as_str(), *name, "", "", "PNS", *opd, *unit])
        .collect();
    let p = preview(&op, "roster.csv", &csv(&rows)).await?;
    confirm(&op, p.import_id).await?;

    let page: AssignmentsPage = json(&op, "/api/assignments", &[]).await?;
    let dinkes = page
        .units
        .iter()
        .find(|u| u.name == "Dinas Kesehatan")
        .context("unit option")?
        .id;
    // Invalid forms are refused field by field.
    let res = op
        .call(
            "/api/create_assignment",
            &[
                ("module_slug", "tidak-ada"),
                ("scope", "units"),
                ("opens_on", "2026-12-10"),
                ("deadline", "2026-12-01T10:00"),
                ("time_zone", "WIB"),
            ],
        )
        .await?;
    ensure!(res.status() == 422, "invalid assignment: {}", res.status());
    let text = res.text().await?;
    ensure!(
        text.contains("module_slug") && text.contains("unit_ids") && text.contains("deadline"),
        "{text}"
    );

    // Dinas Kesehatan and its sub-units, deadline 31-12-2099 16:00 WITA (08:00 UTC).
    let dinkes_id = dinkes.to_string();
    let res = op
        .call(
            "/api/create_assignment",
            &[
                ("module_slug", tests::MODULE),
                ("scope", "units"),
                ("unit_ids[]", &dinkes_id),
                ("opens_on", "2026-01-01"),
                ("deadline", "2099-12-31T16:00"),
                ("time_zone", "WITA"),
            ],
        )
        .await?;
    ensure!(
        res.status() == 200,
        "create: {} {}",
        res.status(),
        res.text().await?
    );
    let stored = assignment::Entity::find()
        .one(&app.db)
        .await?
        .context("assignment")?;
    ensure!(
        stored.deadline_at.to_rfc3339() == "2099-12-31T08:00:00+00:00",
        "deadline in UTC: {}",
        stored.deadline_at
    );

    // Ani passes, Bayu fails, Citra starts only, Dodi does nothing; Eka (not assigned) passes.
    take_quiz(&app, &people[0].0, usize::MAX, true).await?;
    take_quiz(&app, &people[1].0, 0, true).await?;
    take_quiz(&app, &people[2].0, 0, false).await?;
    take_quiz(&app, &people[4].0, usize::MAX, true).await?;

    let overview: Option<Overview> = json(&op, "/api/dashboard", &[]).await?;
    let o = overview.context("an overview")?;
    let t = &o.assignment.tally;
    ensure!(
        (
            t.assigned(),
            t.passed,
            t.failed,
            t.in_progress,
            t.not_started,
            t.overdue
        ) == (4, 1, 1, 1, 1, 0),
        "{t:?}"
    );
    ensure!(
        o.assignment.deadline == "31-12-2099 16:00 WITA",
        "{}",
        o.assignment.deadline
    );
    ensure!(
        o.rows.len() == 1 && o.rows[0].name == "Dinas Kesehatan",
        "only the assigned OPD: {:?}",
        o.rows
    );
    // Average best score: Ani 100, Bayu 0.
    ensure!(t.average_best() == Some(50.0), "{t:?}");
    ensure!(
        o.attempts[0].count == 1,
        "Ani passed at the first submission: {:?}",
        o.attempts
    );

    let id = o.assignment.id.to_string();
    let drill: UnitDrillDown = json(
        &op,
        "/api/unit_status",
        &[("assignment_id", &id), ("unit_id", &dinkes_id)],
    )
    .await?;
    ensure!(drill.total == 4, "{}", drill.total);
    ensure!(
        drill
            .sub_units
            .iter()
            .any(|r| r.name == "Puskesmas Depok" && r.tally.assigned() == 3),
        "{:?}",
        drill.sub_units
    );
    ensure!(
        drill.reminder.contains("Bayu")
            && drill.reminder.contains("Dodi")
            && !drill.reminder.contains("Ani"),
        "{}",
        drill.reminder
    );
    let passed: UnitDrillDown = json(
        &op,
        "/api/unit_status",
        &[
            ("assignment_id", &id),
            ("unit_id", &dinkes_id),
            ("status", "lulus"),
        ],
    )
    .await?;
    ensure!(
        passed.total == 1 && passed.employees[0].name == "Ani",
        "{:?}",
        passed.employees
    );
    let found: UnitDrillDown = json(
        &op,
        "/api/unit_status",
        &[
            ("assignment_id", &id),
            ("unit_id", &dinkes_id),
            ("q", &people[3].0),
        ],
    )
    .await?;
    ensure!(
        found.total == 1 && found.employees[0].status == Status::NotStarted,
        "{:?}",
        found.employees
    );
    let by_score: UnitDrillDown = json(
        &op,
        "/api/unit_status",
        &[
            ("assignment_id", &id),
            ("unit_id", &dinkes_id),
            ("sort", "nilai"),
        ],
    )
    .await?;
    ensure!(
        by_score.employees[0].name == "Ani",
        "best score first: {:?}",
        by_score.employees
    );

    // Exports: the whole assignment, parsed.
    let res = op
        .get(&format!("/operator/penugasan/{id}/status.xlsx"))
        .await?;
    ensure!(res.status() == 200, "xlsx: {}", res.status());
    let sheet = xlsx_rows(&res.bytes().await?)?;
    ensure!(sheet.len() == 5, "header + 4 rows: {}", sheet.len());
    ensure!(
        sheet[0][0] == "NIP" && sheet[0][3] == "Status",
        "{:?}",
        sheet[0]
    );
    ensure!(
        sheet[1..]
            .iter()
            .all(|r| matches!(r[0], calamine::Data::String(_))),
        "NIP kept as text"
    );
    ensure!(
        sheet.iter().any(|r| r[1] == "Ani" && r[3] == "Lulus"),
        "Ani passed in the export"
    );

    // Question difficulty: Ani's ten right answers and Bayu's ten wrong ones (Eka is not
    // assigned, so her answers do not count).
    let d: Difficulty = json(&op, "/api/question_difficulty", &[("assignment_id", &id)]).await?;
    let answered: u64 = d.questions.iter().map(|q| q.answered).sum();
    let correct: u64 = d.questions.iter().map(|q| q.correct).sum();
    ensure!(
        (answered, correct) == (20, 10),
        "{answered} answered, {correct} right"
    );
    let shares: Vec<f64> = d
        .questions
        .iter()
        .filter(|q| q.answered > 0)
        .map(|q| q.share_correct())
        .collect();
    ensure!(
        shares.windows(2).all(|w| w[0] <= w[1]),
        "hardest first: {shares:?}"
    );
    ensure!(
        d.questions.iter().all(|q| !q.basis.is_empty()),
        "every question names its legal basis"
    );
    // Item statistics by hand: Ani (100) is the top 27% of the two attempts, Bayu (0) the
    // bottom. A question both drew discriminates perfectly (1 - 0); one only one of them drew has
    // no discrimination yet. Right answers chose every key; each wrong answer one wrong option.
    for q in &d.questions {
        let expected = match (q.answered, q.correct) {
            (2, 1) => Some(1.0),
            _ => None,
        };
        ensure!(
            q.discrimination == expected,
            "{}: {:?}",
            q.id,
            q.discrimination
        );
        let keys_chosen: Vec<u64> = q
            .options
            .iter()
            .filter(|o| o.correct)
            .map(|o| o.chosen)
            .collect();
        let wrong_chosen: u64 = q
            .options
            .iter()
            .filter(|o| !o.correct)
            .map(|o| o.chosen)
            .sum();
        ensure!(
            keys_chosen.iter().all(|&n| n == q.correct) && wrong_chosen == q.answered - q.correct,
            "{}: option spread {:?}",
            q.id,
            q.options
        );
        ensure!(
            !q.needs_review(),
            "two answers are too few to flag {}",
            q.id
        );
    }
    let res = op
        .get(&format!("/operator/penugasan/{id}/soal.xlsx"))
        .await?;
    ensure!(
        res.status() == 200,
        "item statistics export: {}",
        res.status()
    );
    let sheet = xlsx_rows(&res.bytes().await?)?;
    ensure!(
        sheet.len() == d.questions.len() + 1 && sheet[0][0] == "Kode soal",
        "a row per question: {} rows",
        sheet.len()
    );
    let answered_in_sheet: f64 = sheet[1..]
        .iter()
        .filter_map(|r| r.get(2).and_then(calamine::DataType::as_f64))
        .sum();
    ensure!(
        answered_in_sheet == 20.0,
        "answers in the sheet: {answered_in_sheet}"
    );

    // JP ledger: the module credits its JP (2) this year to Ani and Eka; everyone (the five,
    // and Budi from the shared fixture) is below 20.
    let jp = app
        .state
        .catalog
        .module(tests::MODULE)
        .context("module")?
        .jp;
    let ledger: JpLedger = json(&op, "/api/jp_ledger", &[]).await?;
    ensure!((ledger.employees, ledger.below) == (6, 6), "{ledger:?}");
    ensure!(
        ledger.rows.last().map(|r| r.jp) == Some(jp),
        "{:?}",
        ledger.rows
    );
    let credited: Vec<&str> = ledger
        .rows
        .iter()
        .filter(|r| r.jp == jp)
        .map(|r| r.name.as_str())
        .collect();
    ensure!(credited == vec!["Ani", "Eka"], "{credited:?}");
    let in_dinkes: JpLedger = json(&op, "/api/jp_ledger", &[("unit_id", &dinkes_id)]).await?;
    ensure!(in_dinkes.employees == 4, "{in_dinkes:?}");
    let last_year = (chrono::Utc::now().format("%Y").to_string().parse::<i32>()? - 1).to_string();
    let old: JpLedger = json(&op, "/api/jp_ledger", &[("year", &last_year)]).await?;
    ensure!(
        old.rows.iter().all(|r| r.jp == 0),
        "nothing credited last year"
    );
    let res = op
        .get(&format!("/operator/jp.xlsx?unit={dinkes_id}"))
        .await?;
    ensure!(res.status() == 200, "jp export: {}", res.status());
    let sheet = xlsx_rows(&res.bytes().await?)?;
    ensure!(
        sheet.len() == 5 && sheet[0][3] == "JP dari modul Netra",
        "{:?}",
        sheet.first()
    );

    // Levels. Dodi's NIP and name are typed on the self-declared form and the quiz passed: a
    // claim, off his record, so his line does not change.
    take_quiz_self_declared(&app, &people[3].0, "Dodi", usize::MAX).await?;
    let tally = |o: Overview| {
        let t = o.assignment.tally;
        (
            t.passed,
            t.below_level,
            t.failed,
            t.in_progress,
            t.not_started,
        )
    };
    let overview = || async {
        json::<Option<Overview>>(&op, "/api/dashboard", &[])
            .await?
            .context("overview")
    };
    ensure!(
        tally(overview().await?) == (1, 0, 1, 1, 1),
        "a claim changes nothing"
    );
    // His operator confirms it with a reason: the pass joins his record as self-declared, shown
    // as "diisi sendiri" and not counted under the agency's policy (account, the default).
    let dodi = employees_of(&app, &people[3].0).await?.id.to_string();
    let detail: serde_json::Value = op
        .call("/api/employee_detail", &[("employee_id", &dodi)])
        .await?
        .json()
        .await?;
    let claim = detail["claims"][0]["id"].to_string();
    let res = op
        .call(
            "/api/confirm_claim",
            &[
                ("employee_id", &dodi),
                ("claim_id", &claim),
                ("reason", "Dikerjakan di ruang BKPSDM, disaksikan operator"),
            ],
        )
        .await?;
    ensure!(res.status().is_success(), "confirm: {}", res.status());
    let o = overview().await?;
    ensure!(
        o.assignment.required == Assurance::Account,
        "the default policy"
    );
    ensure!(
        tally(o) == (1, 1, 1, 1, 0),
        "Dodi's pass is shown below the level"
    );
    let below: UnitDrillDown = json(
        &op,
        "/api/unit_status",
        &[
            ("assignment_id", &id),
            ("unit_id", &dinkes_id),
            ("status", "diisi-sendiri"),
        ],
    )
    .await?;
    ensure!(
        below.total == 1
            && below.employees[0].name == "Dodi"
            && below.employees[0].pass_level == Some(Assurance::SelfDeclared),
        "{:?}",
        below.employees
    );
    let all: UnitDrillDown = json(
        &op,
        "/api/unit_status",
        &[("assignment_id", &id), ("unit_id", &dinkes_id)],
    )
    .await?;
    ensure!(
        all.employees
            .iter()
            .any(|e| e.name == "Ani" && e.pass_level == Some(Assurance::Account) && e.signs_in),
        "Ani's pass is at account level: {:?}",
        all.employees
    );
    let sheet = xlsx_rows(
        &op.get(&format!("/operator/penugasan/{id}/status.xlsx"))
            .await?
            .bytes()
            .await?,
    )?;
    ensure!(
        sheet[0][7] == "Tingkat kepastian identitas lulus"
            && sheet
                .iter()
                .any(|r| r[1] == "Dodi" && r[3] == "Diisi sendiri" && r[7] == "Diisi sendiri")
            && sheet
                .iter()
                .any(|r| r[1] == "Ani" && r[3] == "Lulus" && r[7] == "Akun terverifikasi"),
        "the level per pass in the export: {sheet:?}"
    );
    // The agency accepts self-declared passes: Dodi counts, and is credited JP; back to account.
    let set_policy = |level: &'static str| {
        let op = &op;
        async move {
            let res = op
                .call(
                    "/api/set_assurance_policy",
                    &[("required_assurance", level)],
                )
                .await?;
            ensure!(
                res.status().is_success(),
                "policy {level}: {}",
                res.status()
            );
            anyhow::Ok(())
        }
    };
    set_policy("self_declared").await?;
    ensure!(
        tally(overview().await?) == (2, 0, 1, 1, 0),
        "self-declared passes count"
    );
    let ledger: JpLedger = json(&op, "/api/jp_ledger", &[]).await?;
    let credited: Vec<&str> = ledger
        .rows
        .iter()
        .filter(|r| r.jp == jp)
        .map(|r| r.name.as_str())
        .collect();
    ensure!(credited == vec!["Ani", "Dodi", "Eka"], "{credited:?}");
    set_policy("account").await?;
    let res = op
        .call(
            "/api/set_assurance_policy",
            &[("required_assurance", "verified")],
        )
        .await?;
    ensure!(res.status() == 422, "an unknown level: {}", res.status());

    let res = op
        .get(&format!(
            "/operator/penugasan/{id}/status.csv?status=belum-selesai"
        ))
        .await?;
    let text = res.text().await?;
    ensure!(
        text.lines().count() == 4 && text.contains("Bayu") && !text.contains("Ani"),
        "the not-finished list: {text}"
    );
    let res = op
        .get(&format!("/operator/penugasan/{id}/status.csv?status=apa"))
        .await?;
    ensure!(res.status() == 422, "unknown status: {}", res.status());

    // The deadline passes: everyone who has not passed is overdue.
    assignment::Entity::update_many()
        .col_expr(
            assignment::Column::DeadlineAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::hours(1)),
        )
        .exec(&app.db)
        .await?;
    let o: Overview = json::<Option<Overview>>(&op, "/api/dashboard", &[])
        .await?
        .context("overview")?;
    let t = &o.assignment.tally;
    ensure!((t.passed, t.below_level, t.overdue) == (1, 1, 2), "{t:?}");
    let res = op
        .get(&format!(
            "/operator/penugasan/{id}/status.csv?status=terlambat"
        ))
        .await?;
    let text = res.text().await?;
    ensure!(
        text.lines().count() == 3 && !text.contains("Ani") && !text.contains("Dodi"),
        "overdue list: {text}"
    );

    // A new cycle from tomorrow: Ani's pass belongs to the old cycle and no longer counts.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let res = op
        .call(
            "/api/new_assignment_cycle",
            &[
                ("assignment_id", &id),
                ("opens_on", &tomorrow),
                ("deadline", "2099-06-30T23:59"),
            ],
        )
        .await?;
    ensure!(
        res.status() == 200,
        "new cycle: {} {}",
        res.status(),
        res.text().await?
    );
    let res = op
        .call(
            "/api/new_assignment_cycle",
            &[
                ("assignment_id", &id),
                ("opens_on", &tomorrow),
                ("deadline", "2099-06-30T23:59"),
            ],
        )
        .await?;
    ensure!(
        res.status() == 409,
        "the old cycle cannot be re-opened twice: {}",
        res.status()
    );
    let o: Overview = json::<Option<Overview>>(&op, "/api/dashboard", &[])
        .await?
        .context("overview")?;
    ensure!(o.assignment.cycle == 2, "cycle {}", o.assignment.cycle);
    let t = &o.assignment.tally;
    ensure!(
        (
            t.passed,
            t.below_level,
            t.failed,
            t.in_progress,
            t.not_started,
            t.overdue
        ) == (0, 0, 0, 0, 4, 0),
        "nothing counts before the new cycle opens: {t:?}"
    );
    let page: AssignmentsPage = json(&op, "/api/assignments", &[]).await?;
    ensure!(page.assignments.len() == 1, "the old cycle is superseded");

    // An assignment for a pasted list of NIPs: exactly those employees, whatever their unit.
    let list = format!("{}\n{}", people[2].0, people[4].0);
    let bad = format!("{list}\n{}\n12345", tests::NIP_OTHER);
    let res = op
        .call(
            "/api/create_assignment",
            &[
                ("module_slug", tests::MODULE),
                ("scope", "list"),
                ("nips", &bad),
                ("opens_on", "2026-01-01"),
                ("deadline", "2099-12-31T16:00"),
                ("time_zone", "WIB"),
            ],
        )
        .await?;
    ensure!(
        res.status() == 422,
        "unknown NIPs refused: {}",
        res.status()
    );
    let text = res.text().await?;
    ensure!(
        text.contains(tests::NIP_OTHER) && text.contains("12345"),
        "names each bad NIP: {text}"
    );
    let res = op
        .call(
            "/api/create_assignment",
            &[
                ("module_slug", tests::MODULE),
                ("scope", "list"),
                ("nips", &list),
                ("opens_on", "2026-01-01"),
                ("deadline", "2099-12-31T16:00"),
                ("time_zone", "WIB"),
            ],
        )
        .await?;
    ensure!(res.status() == 200, "list assignment: {}", res.status());
    let list_id: i64 = res.json().await?;
    let o: Overview = json::<Option<Overview>>(
        &op,
        "/api/dashboard",
        &[("assignment_id", &list_id.to_string())],
    )
    .await?
    .context("overview")?;
    let t = &o.assignment.tally;
    ensure!(
        (t.assigned(), t.passed, t.in_progress) == (2, 1, 1),
        "Citra started, Eka passed: {t:?}"
    );

    // Agency B sees none of it.
    let b = app.browser()?;
    sign_in(&b, "op-b@netra.test").await?;
    let none: Option<Overview> = json(&b, "/api/dashboard", &[]).await?;
    ensure!(none.is_none(), "B has no assignment");
    for (path, args) in [
        ("/api/dashboard", vec![("assignment_id", id.as_str())]),
        (
            "/api/unit_status",
            vec![
                ("assignment_id", id.as_str()),
                ("unit_id", dinkes_id.as_str()),
            ],
        ),
    ] {
        let res = b.call(path, &args).await?;
        ensure!(res.status() == 404, "B {path}: {}", res.status());
    }
    let res = b
        .get(&format!("/operator/penugasan/{id}/status.xlsx"))
        .await?;
    ensure!(res.status() == 404, "B export: {}", res.status());
    Ok(())
}

async fn the_roster_command_reports_then_imports(backend: Backend) -> Result<()> {
    use clap::Parser;
    let app = TestApp::spawn(backend).await?;
    world(&app).await?;
    let file = std::env::temp_dir().join(format!(
        "netra-roster-cli-{}-{}.csv",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::write(
        &file,
        csv(&[
            [
                &nip(301),
                "Lina",
                "",
                "",
                "PNS",
                "Dinas Sosial",
                "Bidang Rehabilitasi",
            ],
            [&nip(302), "Maya", "", "", "PPPK", "Dinas Sosial", ""],
            ["123", "Salah", "", "", "", "Dinas Sosial", ""],
        ]),
    )?;
    let run = |dry: bool| {
        let mut args = vec![
            "netra".to_string(),
            "roster".into(),
            "import".into(),
            file.to_string_lossy().to_string(),
            "--instansi".into(),
            "pemkab-a".into(),
            "--database-url".into(),
            app.database_url.clone(),
        ];
        if dry {
            args.push("--dry-run".into());
        }
        server::cli::Cli::try_parse_from(args)
    };
    let Some(server::cli::Command::Roster(cmd)) = run(true)?.command else {
        anyhow::bail!("parsed as another command");
    };
    server::cli::roster::run(cmd).await?;
    let count = || async {
        employee::Entity::find()
            .filter(employee::Column::Instansi.eq("Pemerintah Kabupaten A"))
            .filter(employee::Column::UnitKerja.contains("Dinas Sosial"))
            .count(&app.db)
            .await
    };
    ensure!(count().await? == 0, "--dry-run changes nothing");
    let Some(server::cli::Command::Roster(cmd)) = run(false)?.command else {
        anyhow::bail!("parsed as another command");
    };
    server::cli::roster::run(cmd).await?;
    ensure!(count().await? == 2, "the two valid rows are imported");
    let lina = employees_of(&app, &nip(301)).await?;
    ensure!(
        lina.unit_kerja == "Dinas Sosial / Bidang Rehabilitasi",
        "{lina:?}"
    );
    let _ = std::fs::remove_file(&file);
    Ok(())
}
