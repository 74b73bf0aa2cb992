//! Identification: every kind of bad NIP gets its own Indonesian message, with and without JS.

use anyhow::{ensure, Context, Result};
use tests::{attempt_id, form_error, location, Backend, TestApp, MODULE, NIP};

/// A valid NIP nobody used.
const NIP_UNKNOWN: &str = "199203152018012004";

crate::on_both_backends!(
    each_bad_nip_gets_its_message,
    identification_is_remembered_and_reused,
    a_second_claim_on_a_nip_opens_nothing_of_its_history,
    identification_is_throttled_per_nip_and_per_address
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

/// Typing a colleague's NIP and name opens nothing of theirs: every use of the form is a claim
/// of its own, with its own history and attempts, and the answer is the same whether the NIP is
/// known or not.
async fn a_second_claim_on_a_nip_opens_nothing_of_its_history(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let budi = app.browser()?;
    budi.identify(NIP, "Budi Santoso").await?;
    let html = budi.start_quiz().await?;
    budi.submit_quiz(&app, &html, usize::MAX).await?;
    let budi_attempt = attempt_id(&html).context("Budi's attempt")?;
    let (_, mine) = budi.page("/saya").await?;
    ensure!(mine.contains("nilai 100"), "Budi sees his own result");

    // Same NIP, same name, another browser: a new claim that sees none of Budi's history.
    let proxy = app.browser()?;
    proxy.identify(NIP, "Budi Santoso").await?;
    let (_, theirs) = proxy.page("/saya").await?;
    ensure!(
        !theirs.contains("nilai 100") && theirs.contains("belum mengerjakan"),
        "the second claim sees no attempt of the first"
    );
    let (status, _) = proxy
        .page(&format!("/modul/{MODULE}/hasil/{budi_attempt}"))
        .await?;
    ensure!(
        status == 404,
        "Budi's result is not found for the proxy: {status}"
    );
    // It has attempts of its own, whatever the first claim used.
    let html = proxy.start_quiz().await?;
    ensure!(
        attempt_id(&html).is_some_and(|id| id != budi_attempt),
        "a fresh attempt of its own"
    );
    // Another name on the same NIP gets the same answer as an unknown NIP: no "other name".
    let other = app.browser()?;
    other.identify(NIP, "Orang Lain").await?;
    app.browser()?.identify(NIP_UNKNOWN, "Orang Lain").await?;

    // The employee's record (claim 0) holds nothing: no claim joined it.
    use app::ssr::db::entities::{attempt, module_result};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let on_record = attempt::Entity::find()
        .filter(attempt::Column::ClaimId.eq(0))
        .count(&app.db)
        .await?;
    let summaries = module_result::Entity::find().count(&app.db).await?;
    ensure!(
        (on_record, summaries) == (0, 0),
        "claims stay off the record: {on_record} attempts, {summaries} summaries"
    );
    Ok(())
}

/// Identification is throttled per NIP (and per address): 429, `Retry-After`, and a sentence in
/// Bahasa Indonesia, the same for a known and an unknown NIP.
async fn identification_is_throttled_per_nip_and_per_address(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let post = |nip: &'static str, name: &'static str| {
        let browser = app.browser();
        async move {
            let res = browser?
                .call(
                    "/api/identify",
                    &[
                        ("nip", nip),
                        ("name", name),
                        ("instansi", "Pemkab Sleman"),
                        ("unit_kerja", "BKPSDM"),
                    ],
                )
                .await?;
            anyhow::Ok(res)
        }
    };
    for nip in [NIP, NIP_UNKNOWN] {
        for i in 0..5 {
            let res = post(nip, "Budi Santoso").await?;
            ensure!(
                res.status().is_success(),
                "claim {i} on {nip}: {}",
                res.status()
            );
        }
        let res = post(nip, "Budi Santoso").await?;
        ensure!(
            res.status() == 429,
            "the sixth claim in a quarter hour: {}",
            res.status()
        );
        let wait: u64 = res
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .context("Retry-After")?;
        ensure!(wait > 0 && wait <= 15 * 60, "wait {wait}");
        // Without JavaScript the form comes back with the reason in Bahasa Indonesia.
        let res = app
            .browser()?
            .submit_form(
                "/identitas",
                "/api/identify",
                &[
                    ("nip", nip),
                    ("name", "Budi Santoso"),
                    ("instansi", "Pemkab Sleman"),
                    ("unit_kerja", "BKPSDM"),
                ],
            )
            .await?;
        let back = location(&res)?;
        let page = app
            .browser()?
            .client
            .get(&back)
            .header("accept", "text/html")
            .send()
            .await?
            .text()
            .await?;
        ensure!(
            page.contains("Terlalu banyak percobaan. Tunggu"),
            "the form page names the wait: {back}"
        );
    }
    // Per address: the default allows 1,200 a minute; a flood of forms (even invalid ones) from
    // one address is cut off after that, before any database work.
    let flood = app.browser()?;
    let mut refused = None;
    for i in 0..1_300 {
        let res = flood
            .call(
                "/api/identify",
                &[
                    ("nip", "1"),
                    ("name", "x"),
                    ("instansi", ""),
                    ("unit_kerja", ""),
                ],
            )
            .await?;
        if res.status() == 429 {
            refused = Some(i);
            break;
        }
    }
    // 14 identifications above came from the same address.
    ensure!(
        refused == Some(1_200 - 14),
        "the address limit: refused at {refused:?}"
    );
    Ok(())
}
