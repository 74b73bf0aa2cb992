//! Identification: every kind of bad NIP gets its own Indonesian message, with and without JS.

use anyhow::{ensure, Result};
use tests::{form_error, location, Backend, TestApp, MODULE, NIP};

crate::on_both_backends!(
    each_bad_nip_gets_its_message,
    identification_is_remembered_and_reused,
    a_known_nip_with_another_name_is_refused
);

async fn each_bad_nip_gets_its_message(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let browser = app.browser()?;
    let quiz = format!("/modul/{MODULE}/kuis");
    let cases = [
        ("", "NIP wajib diisi"),
        ("1.98609E+17", "format ilmiah"),
        ("198609122010011000", "terpotong oleh spreadsheet"),
        ("19860912201001100", "baru 17 angka"),
        ("1986091220100110031", "19 angka"),
        ("19860912201001100A", "hanya boleh berisi angka"),
        ("198602302010011003", "tanggal lahir"),
        ("198609122010131003", "tahun dan bulan TMT"),
        ("198609122001081003", "usia 15 tahun"),
        ("198609122040011003", "masa depan"),
        ("198609122010013003", "1 (laki-laki) atau 2 (perempuan)"),
    ];
    for (nip, expected) in cases {
        let form = [
            ("nip", nip),
            ("name", "Budi Santoso"),
            ("instansi", "Pemkab Sleman"),
            ("unit_kerja", "BKPSDM"),
            ("next", quiz.as_str()),
        ];
        // Without JavaScript: redirected back to the form, which shows the message.
        let res = browser.submit_form(&quiz, "/api/identify", &form).await?;
        ensure!(res.status() == 302, "{nip:?}: status {}", res.status());
        let loc = location(&res)?;
        let err = form_error(&loc).unwrap_or_default();
        ensure!(
            err.contains(expected),
            "{nip:?}: error {err:?} lacks {expected:?}"
        );
        let (_, page) = browser.page(&loc).await?;
        ensure!(
            page.contains(expected),
            "{nip:?}: the page does not show {expected:?}"
        );
        ensure!(
            page.contains("aria-invalid=\"true\""),
            "{nip:?}: field not marked invalid"
        );
        // With JavaScript (server-function call): 422 and a typed error.
        let res = browser.call("/api/identify", &form).await?;
        ensure!(res.status() == 422, "{nip:?}: JSON status {}", res.status());
        let body: serde_json::Value = res.json().await?;
        ensure!(
            body["Invalid"][0]["field"] == "nip",
            "{nip:?}: JSON error {body}"
        );
    }
    // No session was created by any of these.
    let (_, page) = browser.page(&quiz).await?;
    ensure!(
        page.contains("Isi identitas Anda"),
        "identification form expected"
    );
    Ok(())
}

async fn identification_is_remembered_and_reused(backend: Backend) -> Result<()> {
    use app::ssr::db::entities::employee;
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = TestApp::spawn(backend).await?;
    let first = app.browser()?;
    let quiz = format!("/modul/{MODULE}/kuis");
    let res = first
        .submit_form(
            &quiz,
            "/api/identify",
            &[
                ("nip", "19860912 201001 1 003"),
                ("name", "Budi  Santoso"),
                ("instansi", "Pemkab Sleman"),
                ("unit_kerja", "BKPSDM"),
                ("next", quiz.as_str()),
            ],
        )
        .await?;
    ensure!(location(&res)? == quiz, "should continue to the quiz");
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    ensure!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "cookie flags: {cookie}"
    );
    let (_, page) = first.page(&quiz).await?;
    ensure!(
        page.contains("Mulai kuis") && page.contains("Budi Santoso"),
        "identified learner should see the start button"
    );
    // A second device with the same NIP reuses the record.
    let second = app.browser()?;
    second.identify(NIP, "budi santoso").await?;
    ensure!(
        employee::Entity::find().count(&app.db).await? == 1,
        "one employee per NIP"
    );
    // Signing out ends the session on the server.
    let res = first.submit_form("/", "/api/sign_out", &[]).await?;
    ensure!(res.status() == 302, "sign out status {}", res.status());
    let (_, page) = first.page(&quiz).await?;
    ensure!(
        page.contains("Isi identitas Anda"),
        "after sign-out the form is shown again"
    );
    Ok(())
}

async fn a_known_nip_with_another_name_is_refused(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    app.browser()?.identify(NIP, "Budi Santoso").await?;
    let intruder = app.browser()?;
    let res = intruder
        .submit_form(
            "/saya",
            "/api/identify",
            &[
                ("nip", NIP),
                ("name", "Orang Lain"),
                ("instansi", "Pemkab Bantul"),
                ("unit_kerja", "Dinas Sosial"),
                ("next", "/saya"),
            ],
        )
        .await?;
    let err = form_error(&location(&res)?).unwrap_or_default();
    ensure!(
        err.contains("sudah tercatat dengan nama lain"),
        "expected refusal, got {err:?}"
    );
    let (_, page) = intruder.page("/saya").await?;
    ensure!(
        !page.contains("Budi Santoso"),
        "someone else's results must not show"
    );
    Ok(())
}
