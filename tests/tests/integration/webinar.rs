//! Webinar sessions end to end: a host creates a session, attendees join by code, take the
//! pre-test and post-test inside the windows, earn a certificate that the public page verifies
//! and the host can revoke; exports parse; numbering stays unique under concurrency; the live
//! board's stream follows submissions made on another replica.

use crate::accounts::{sign_in, world};
use anyhow::{bail, ensure, Context, Result};
use app::ssr::db::{self, entities::webinar_session};
use chrono::{Duration, Utc};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, QueryFilter};
use std::collections::BTreeSet;
use tests::{attempt_id, location, Backend, Browser, TestApp, NIP_OTHER};

crate::on_both_backends!(
    a_webinar_runs_from_join_to_a_verified_certificate,
    certificate_numbers_stay_unique_under_concurrent_issuance,
    the_live_board_stream_follows_another_replica,
);

const PRE: &str = "pretest-netralitas";
const POST: &str = "posttest-netralitas";
/// A third attendee, not on any roster.
const NIP_GUEST: &str = "199203142019031004";

/// Creates a session as the signed-in host and returns it.
async fn create_session(
    app: &TestApp,
    host: &Browser,
    title: &str,
) -> Result<webinar_session::Model> {
    let res = host
        .call(
            "/api/create_webinar",
            &[
                ("title", title),
                ("organiser", "BKPSDM Kab. Contoh"),
                ("starts_at", "2026-11-25T09:00"),
                ("time_zone", "WITA"),
                ("pre_module", PRE),
                ("post_module", POST),
                ("materials[]", "dasar-netralitas-asn"),
                ("jp", "2"),
                ("min_post_score", "70"),
                ("requires_pre", "1"),
                ("issues_certificates", "1"),
                ("signer_name", "Dra. Contoh Pejabat, M.Si."),
                ("signer_nip", "197001011995031001"),
                ("signer_position", "Kepala BKPSDM"),
            ],
        )
        .await?;
    ensure!(
        res.status().is_success() || res.status() == StatusCode::FOUND,
        "create session: {} {}",
        res.status(),
        res.text().await?
    );
    let sessions = db::webinars::list(&app.db, None).await?;
    sessions
        .into_iter()
        .find(|s| s.title == title)
        .context("the new session")
}

/// A SQLite app with the accounts' world and one session created by its host; the session's
/// page path.
async fn hosted_session() -> Result<(TestApp, webinar_session::Model, String)> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    world(&app).await?;
    let host = app.browser()?;
    sign_in(&host, "host@netra.test").await?;
    let session = create_session(&app, &host, "Sosialisasi netralitas").await?;
    let path = format!("/w/{}", session.code);
    Ok((app, session, path))
}

/// Windows set by schedule open and close by themselves; a bad schedule is refused field by field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_windows_open_and_close_by_themselves() -> Result<()> {
    let app = TestApp::spawn(Backend::Sqlite).await?;
    world(&app).await?;
    let host = app.browser()?;
    sign_in(&host, "host@netra.test").await?;
    // Times are entered in WIT (UTC+9).
    let wit = |t: chrono::DateTime<Utc>| {
        (t + Duration::hours(9))
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let now = Utc::now();
    let (past, soon, later) = (
        wit(now - Duration::hours(2)),
        wit(now - Duration::hours(1)),
        wit(now + Duration::hours(3)),
    );
    let base = |title: &'static str| {
        vec![
            ("title", title.to_string()),
            ("organiser", "BKN Kantor Regional".to_string()),
            ("starts_at", past.clone()),
            ("time_zone", "WIT".to_string()),
            ("pre_module", PRE.to_string()),
            ("post_module", POST.to_string()),
            ("jp", "2".to_string()),
        ]
    };
    // Closing before opening, and a time that is not one, are refused and nothing is created.
    let mut bad = base("Jadwal keliru");
    bad.extend([
        ("pre_opens_at", later.clone()),
        ("pre_closes_at", past.clone()),
        ("post_opens_at", "besok pagi".to_string()),
    ]);
    let form: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = host.call("/api/create_webinar", &form).await?;
    ensure!(
        res.status() == StatusCode::BAD_REQUEST || res.status() == StatusCode::UNPROCESSABLE_ENTITY,
        "bad schedule: {}",
        res.status()
    );
    let body = res.text().await?;
    ensure!(
        body.contains("Pre-test harus ditutup setelah waktu dibuka"),
        "order: {body}"
    );
    ensure!(
        body.contains("Post-test dibuka: isi tanggal dan jam dengan benar"),
        "format: {body}"
    );
    ensure!(
        !db::webinars::list(&app.db, None)
            .await?
            .iter()
            .any(|s| s.title == "Jadwal keliru"),
        "nothing created"
    );

    // Pre-test: opened two hours ago, closed an hour ago. Post-test: open now until later.
    let mut good = base("Sesi terjadwal");
    good.extend([
        ("pre_opens_at", past.clone()),
        ("pre_closes_at", soon.clone()),
        ("post_opens_at", past.clone()),
        ("post_closes_at", later.clone()),
    ]);
    let form: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = host.call("/api/create_webinar", &form).await?;
    ensure!(
        res.status().is_success() || res.status() == StatusCode::FOUND,
        "create: {}",
        res.status()
    );
    let session = db::webinars::list(&app.db, None)
        .await?
        .into_iter()
        .find(|s| s.title == "Sesi terjadwal")
        .context("the scheduled session")?;
    ensure!(
        session
            .pre_closes_at
            .is_some_and(|t| (t - (now - Duration::hours(1))).num_minutes().abs() <= 1),
        "pre-test closing time stored in UTC: {:?}",
        session.pre_closes_at
    );
    let code = session.code.clone();
    let attendee = app.browser()?;
    attendee.identify(NIP_GUEST, "Yusuf Maulana").await?;
    let message = refused_start(&attendee, &code, "pre-test").await?;
    ensure!(
        message.contains("ditutup"),
        "the pre-test closed by schedule: {message}"
    );
    // No click needed: the post-test is open by schedule.
    let post = start(&attendee, &code, "post-test").await?;
    ensure!(
        attempt_id(&post).is_some(),
        "post-test started inside its scheduled window"
    );
    Ok(())
}

/// Attendees who type the code a host shows on a slide have a field for it: on `/w` and the home
/// page; case and spaces do not matter; an unknown, malformed or closed code shows the field
/// again with the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_join_code_leads_to_its_session_or_back_to_the_field_with_the_reason() -> Result<()>
{
    let app = TestApp::spawn(Backend::Sqlite).await?;
    world(&app).await?;
    let host = app.browser()?;
    sign_in(&host, "host@netra.test").await?;
    let session = create_session(&app, &host, "Sosialisasi netralitas").await?;
    let attendee = app.browser()?;
    let field = r#"name="kode""#;
    for path in ["/", "/w"] {
        let (status, html) = attendee.page(path).await?;
        ensure!(
            status == StatusCode::OK && html.contains(field),
            "{path}: {status}"
        );
    }
    // Typed in lower case with a space, as people do.
    let code = &session.code;
    let typed = format!("{} {}", code[..3].to_lowercase(), code[3..].to_lowercase());
    let res = attendee
        .client
        .get(attendee.url("/w"))
        .query(&[("kode", typed.as_str())])
        .send()
        .await?;
    ensure!(
        res.status().is_redirection(),
        "a known code: {} {:?}",
        res.status(),
        res.headers()
    );
    ensure!(location(&res)? == format!("/w/{code}"), "to the session");
    let refusal = |kode: &'static str| {
        let attendee = &attendee;
        async move {
            let res = attendee
                .client
                .get(attendee.url("/w"))
                .query(&[("kode", kode)])
                .send()
                .await?;
            ensure!(
                res.status() == StatusCode::UNPROCESSABLE_ENTITY,
                "{kode}: {}",
                res.status()
            );
            let html = res.text().await?;
            ensure!(html.contains(field), "{kode}: the field again");
            Ok::<_, anyhow::Error>(html)
        }
    };
    ensure!(refusal("ZZZZZZ")
        .await?
        .contains("Tidak ada sesi dengan kode ZZZZZZ"));
    ensure!(refusal("12").await?.contains("bukan kode sesi"));
    // A session page whose code is unknown offers the field too, answered 404.
    let res = attendee.get("/w/ZZZZZZ").await?;
    ensure!(res.status() == StatusCode::NOT_FOUND, "{}", res.status());
    let html = res.text().await?;
    ensure!(
        html.contains(field) && html.contains("Tidak ada sesi"),
        "{html}"
    );
    // Once the host has closed the post-test window for good, nobody new joins.
    webinar_session::Entity::update_many()
        .col_expr(
            webinar_session::Column::PostClosesAt,
            sea_orm::sea_query::Expr::value(Some(Utc::now() - Duration::minutes(1))),
        )
        .filter(sea_orm::ColumnTrait::eq(
            &webinar_session::Column::Id,
            session.id,
        ))
        .exec(&app.db)
        .await?;
    let res = attendee
        .client
        .get(attendee.url("/w"))
        .query(&[("kode", code.as_str())])
        .send()
        .await?;
    let html = res.text().await?;
    ensure!(
        html.contains("sudah ditutup") && html.contains(field),
        "{html}"
    );
    Ok(())
}

/// During a rush of arrivals the anonymous join page is rendered once a second and served from
/// memory in between; identifying there joins the session; an identified attendee always gets
/// their own page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_join_page_is_shared_for_a_second_and_identifying_there_joins() -> Result<()> {
    let (app, session, path) = hosted_session().await?;
    let anonymous = app.browser()?;
    let get = |path: String| {
        let res = anonymous.client.get(anonymous.url(&path)).send();
        async move {
            let res = res.await?;
            let status = res.status();
            let hit = res.headers().contains_key("x-netra-cache");
            Ok::<_, anyhow::Error>((status, hit, res.text().await?))
        }
    };
    let (status, hit, first) = get(path.clone()).await?;
    ensure!(status == StatusCode::OK && !hit, "first arrival renders");
    ensure!(
        first.contains("Sosialisasi netralitas"),
        "the session's page"
    );
    let (_, hit, second) = get(path.clone()).await?;
    ensure!(
        hit && second == first,
        "the next arrival gets the same bytes from memory"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let (status, hit, _) = get(path.clone()).await?;
    ensure!(
        status == StatusCode::OK && !hit,
        "rendered again after a second"
    );
    // Unknown codes are not kept.
    for _ in 0..2 {
        let (status, hit, _) = get("/w/ZZZZZZ".to_string()).await?;
        ensure!(
            status == StatusCode::NOT_FOUND && !hit,
            "unknown code: {status}"
        );
    }
    // Identifying on the join page joins the session in the same step; elsewhere it does not.
    let elsewhere = app.browser()?;
    elsewhere
        .identify(&tests::nth_nip("198501", "201001", 7), "Rudi Hartono")
        .await?;
    ensure!(
        db::webinars::participant_count(&app.db, session.id).await? == 0,
        "identified elsewhere, not joined"
    );
    let attendee = app.browser()?;
    let res = attendee
        .submit_form(
            &path,
            "/api/identify",
            &[
                ("nip", NIP_GUEST),
                ("name", "Yusuf Maulana"),
                ("instansi", "Pemerintah Kota Makassar"),
                ("unit_kerja", "Dinas Kominfo"),
                ("next", path.as_str()),
            ],
        )
        .await?;
    ensure!(
        location(&res)? == path,
        "back to the session page: {:?}",
        location(&res)
    );
    ensure!(
        db::webinars::participant_count(&app.db, session.id).await? == 1,
        "joined by identifying on the join page"
    );
    for _ in 0..2 {
        let res = attendee.get(&path).await?;
        ensure!(
            !res.headers().contains_key("x-netra-cache"),
            "personal page rendered"
        );
        ensure!(
            res.text().await?.contains("Yusuf Maulana"),
            "the attendee's own page"
        );
    }
    Ok(())
}

/// The session page's identification form posts to the page itself, which answers with the
/// attendee's page in the same response (one request, no redirect); a refusal answers with the
/// form and its errors under the refusal's status, and nothing is recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identifying_on_the_session_page_answers_with_the_attendees_page() -> Result<()> {
    let (app, session, path) = hosted_session().await?;
    let attendee = app.browser()?;
    let (_, page) = attendee.page(&path).await?;
    ensure!(
        page.contains(&format!("action=\"{path}\"")),
        "the form posts to the session page"
    );
    let fields = |nip: &'static str| {
        [
            ("nip", nip),
            ("name", "Yusuf Maulana"),
            ("instansi", "Pemerintah Kota Makassar"),
            ("unit_kerja", "Dinas Kominfo"),
            ("next", "/elsewhere"),
        ]
    };

    // A mistake: the form again, with the field's message, 422, no session, nobody joined.
    let res = attendee
        .submit_form(&path, &path, &fields("1.98609E+17"))
        .await?;
    ensure!(
        res.status() == StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        res.status()
    );
    ensure!(
        !res.headers().contains_key(reqwest::header::SET_COOKIE),
        "no session for a refusal"
    );
    let body = res.text().await?;
    ensure!(
        body.contains("format ilmiah") && body.contains("Isi identitas Anda"),
        "the form with the NIP's message"
    );
    for typed in [
        "1.98609E+17",
        "Yusuf Maulana",
        "Pemerintah Kota Makassar",
        "Dinas Kominfo",
    ] {
        ensure!(
            body.contains(&format!("value=\"{typed}\"")),
            "what was typed comes back in the form: {typed}"
        );
    }
    ensure!(
        db::webinars::participant_count(&app.db, session.id).await? == 0,
        "nobody joined"
    );

    // Right: the attendee's own page in the same response, joined, the session cookie set.
    let res = attendee
        .submit_form(&path, &path, &fields(NIP_GUEST))
        .await?;
    ensure!(res.status() == StatusCode::OK, "{}", res.status());
    ensure!(
        res.headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .any(|c| c.to_str().is_ok_and(|c| c.starts_with("netra_sesi="))),
        "the learner session cookie comes with the page"
    );
    let body = res.text().await?;
    ensure!(
        body.contains("Yusuf Maulana") && !body.contains("Isi identitas Anda"),
        "the attendee's page, not the form"
    );
    ensure!(
        db::webinars::participant_count(&app.db, session.id).await? == 1,
        "joined in the same request"
    );
    // The cookie works on its own afterwards.
    let (_, again) = attendee.page(&path).await?;
    ensure!(again.contains("Yusuf Maulana"), "still identified");

    // Another site cannot post it; a made-up code is no session.
    let res = attendee
        .client
        .post(attendee.url(&path))
        .header(reqwest::header::ORIGIN, "https://evil.example")
        .form(&fields(NIP_OTHER))
        .send()
        .await?;
    ensure!(
        res.status() == StatusCode::FORBIDDEN,
        "cross-site post: {}",
        res.status()
    );
    let res = attendee
        .submit_form(&path, "/w/ZZ%26next=x", &fields(NIP_OTHER))
        .await?;
    ensure!(
        res.status() == StatusCode::NOT_FOUND,
        "odd code: {}",
        res.status()
    );
    Ok(())
}

/// Form fields answering every drawn question right (or every one wrong).
fn answers(app: &TestApp, module: &str, html: &str, right: bool) -> Result<Vec<(String, String)>> {
    tests::answers_for(app, module, html, if right { usize::MAX } else { 0 })
}

/// Asks to start a test that must be refused (409); returns the message.
async fn refused_start(browser: &Browser, code: &str, stage: &str) -> Result<String> {
    let res = browser
        .call("/api/webinar_start", &[("code", code), ("stage", stage)])
        .await?;
    ensure!(
        res.status() == StatusCode::CONFLICT,
        "start {stage}: {} instead of 409",
        res.status()
    );
    Ok(res.text().await?)
}

/// Starts a test from the session page and returns its page.
async fn start(browser: &Browser, code: &str, stage: &str) -> Result<String> {
    let (loc, html) = browser
        .submit_and_follow(
            &format!("/w/{code}"),
            "/api/webinar_start",
            &[("code", code), ("stage", stage)],
        )
        .await?;
    ensure!(loc == format!("/w/{code}/{stage}"), "after start: {loc}");
    Ok(html)
}

async fn submit(
    browser: &Browser,
    code: &str,
    stage: &str,
    html: &str,
    answers: &[(String, String)],
) -> Result<reqwest::Response> {
    let id = attempt_id(html).context("attempt id")?;
    let mut form: Vec<(&str, &str)> = vec![("attempt_id", id.as_str())];
    form.extend(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    browser
        .submit_form(&format!("/w/{code}/{stage}"), "/api/submit_attempt", &form)
        .await
}

async fn set_window(host: &Browser, id: i64, stage: &str, open: bool) -> Result<()> {
    let id = id.to_string();
    let res = host
        .call(
            "/api/webinar_window",
            &[
                ("id", &id),
                ("stage", stage),
                ("open", if open { "1" } else { "0" }),
            ],
        )
        .await?;
    ensure!(
        res.status().is_success(),
        "window {stage}: {}",
        res.status()
    );
    Ok(())
}

async fn a_webinar_runs_from_join_to_a_verified_certificate(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let w = world(&app).await?;
    let host = app.browser()?;
    sign_in(&host, "host@netra.test").await?;
    let session = create_session(&app, &host, "Netralitas ASN menjelang Pilkada").await?;
    let code = session.code.clone();
    ensure!(
        app::ssr::webinar::sessions::normalize_code(&code).as_deref() == Some(code.as_str()),
        "join code {code}"
    );

    // Siti is on agency B's roster; she joins a session hosted outside her agency.
    let siti = app.browser()?;
    let (status, page) = siti.page(&format!("/w/{code}")).await?;
    ensure!(
        status == StatusCode::OK && page.contains("Isi identitas"),
        "join page: {status}"
    );
    siti.identify(NIP_OTHER, "Siti Aminah").await?;
    for _ in 0..3 {
        let (_, page) = siti.page(&format!("/w/{code}")).await?;
        ensure!(page.contains("Belum dibuka"), "windows start closed");
    }
    ensure!(
        db::webinars::participant_count(&app.db, session.id).await? == 1,
        "reloading joins once"
    );
    // Not open yet: refused with a clear message.
    let message = refused_start(&siti, &code, "pre-test").await?;
    ensure!(
        message.contains("belum dibuka"),
        "message says not open: {message}"
    );

    set_window(&host, session.id, "pre-test", true).await?;
    let pre = start(&siti, &code, "pre-test").await?;
    // Starting again resumes the same attempt.
    let again = start(&siti, &code, "pre-test").await?;
    ensure!(
        attempt_id(&pre) == attempt_id(&again),
        "resume, not a second attempt"
    );
    let res = submit(
        &siti,
        &code,
        "pre-test",
        &pre,
        &answers(&app, PRE, &pre, false)?,
    )
    .await?;
    ensure!(
        location(&res)? == format!("/w/{code}"),
        "back to the session page"
    );
    let message = refused_start(&siti, &code, "pre-test").await?;
    ensure!(
        message.contains("sudah mengerjakan"),
        "a second pre-test: {message}"
    );

    // The key of a test stays hidden while its window is open.
    let pre_id = attempt_id(&pre).context("id")?;
    let (_, result) = siti.page(&format!("/modul/{PRE}/hasil/{pre_id}")).await?;
    ensure!(
        !result.contains("Dasar hukum"),
        "pre-test review withheld while open"
    );

    set_window(&host, session.id, "pre-test", false).await?;
    set_window(&host, session.id, "post-test", true).await?;
    // Closing the pre-test does not reveal its key: nothing is shown until the post-test closes.
    let (_, result) = siti.page(&format!("/modul/{PRE}/hasil/{pre_id}")).await?;
    ensure!(
        !result.contains("Dasar hukum"),
        "pre-test review withheld while the post-test is open"
    );
    let post = start(&siti, &code, "post-test").await?;
    submit(
        &siti,
        &code,
        "post-test",
        &post,
        &answers(&app, POST, &post, true)?,
    )
    .await?;
    let (_, page) = siti.page(&format!("/w/{code}")).await?;
    ensure!(page.contains("Unduh sertifikat"), "certificate offered");
    let cert = db::certificates::of_session(&app.db, session.id)
        .await?
        .into_iter()
        .find(|c| c.employee_id == w.employee_b)
        .context("certificate issued")?;
    let year = Utc::now().format("%Y").to_string();
    ensure!(
        cert.number == format!("00001/BKPSDM-KAB-CONTOH/NETRA/{year}"),
        "number {}",
        cert.number
    );
    ensure!(cert.verify_code.len() == 16 && cert.jp == 2, "code and JP");

    // The PDF, for the holder.
    let res = siti.get(&format!("/sertifikat/{}/unduh", cert.id)).await?;
    ensure!(res.status() == StatusCode::OK, "pdf: {}", res.status());
    let pdf = res.bytes().await?;
    ensure!(pdf.starts_with(b"%PDF"), "a PDF");
    // Not for another learner, nor for the operator of another agency.
    let guest = app.browser()?;
    guest.identify(NIP_GUEST, "Andi Wijaya").await?;
    let res = guest.get(&format!("/sertifikat/{}/unduh", cert.id)).await?;
    ensure!(
        res.status() == StatusCode::NOT_FOUND,
        "someone else's pdf: {}",
        res.status()
    );
    let op_a = app.browser()?;
    sign_in(&op_a, "op-a@netra.test").await?;
    let res = op_a.get(&format!("/sertifikat/{}/unduh", cert.id)).await?;
    ensure!(
        res.status() == StatusCode::NOT_FOUND,
        "operator A: {}",
        res.status()
    );

    // Public verification shows the masked NIP only.
    let (status, verify) = app
        .browser()?
        .page(&format!("/verifikasi/{}", cert.verify_code))
        .await?;
    ensure!(status == StatusCode::OK, "verify: {status}");
    ensure!(
        verify.contains("Siti Aminah") && verify.contains("SAH"),
        "verified"
    );
    // Only the birth year of the NIP is shown, and how sure the record is of the holder.
    ensure!(
        verify.contains(&format!("{}**************", &NIP_OTHER[..4]))
            && !verify.contains(&NIP_OTHER[..6]),
        "the NIP masked beyond completion by trying"
    );
    ensure!(verify.contains("Diisi sendiri"), "the holder's level");
    let (status, _) = app.browser()?.page("/verifikasi/AAAAAAAAAAAAAAAA").await?;
    ensure!(status == StatusCode::NOT_FOUND, "unknown code: {status}");

    // She identified herself by typing: her home agency's operator sees her claim, not a credit,
    // until they confirm it with a reason; then the credit joins her record.
    let op_b = app.browser()?;
    sign_in(&op_b, "op-b@netra.test").await?;
    let detail_of = || async {
        let res = op_b
            .call(
                "/api/employee_detail",
                &[("employee_id", &w.employee_b.to_string())],
            )
            .await?;
        anyhow::Ok(res.json::<serde_json::Value>().await?)
    };
    let detail = detail_of().await?;
    ensure!(
        detail["credits"].as_array().is_some_and(Vec::is_empty)
            && detail["claims"][0]["passes"] == 1,
        "a pending claim, no credit yet: {detail}"
    );
    let claim_id = detail["claims"][0]["id"].to_string();
    let employee_id = w.employee_b.to_string();
    let short = op_b
        .call(
            "/api/confirm_claim",
            &[
                ("employee_id", &employee_id),
                ("claim_id", &claim_id),
                ("reason", "ya"),
            ],
        )
        .await?;
    ensure!(
        short.status() == 422,
        "a reason is required: {}",
        short.status()
    );
    let res = op_b
        .call(
            "/api/confirm_claim",
            &[
                ("employee_id", &employee_id),
                ("claim_id", &claim_id),
                ("reason", "Hadir di ruang rapat BKPSDM, KTP diperiksa"),
            ],
        )
        .await?;
    ensure!(res.status().is_success(), "confirm: {}", res.status());
    let detail = detail_of().await?;
    let credit = &detail["credits"][0];
    ensure!(
        credit["organiser"] == "BKPSDM Kab. Contoh" && credit["jp"] == 2,
        "credit on the home dashboard: {detail}"
    );

    // The guest takes the post-test late: submitting after the window closed is refused.
    let guest_post = start(&guest, &code, "post-test").await?;
    let past = Utc::now() - Duration::minutes(5);
    db::webinars::set_windows(
        &app.db,
        session.id,
        (session.pre_opens_at, Some(past)),
        (Some(past - Duration::minutes(30)), Some(past)),
    )
    .await?;
    let res = guest
        .call(
            "/api/submit_attempt",
            &[("attempt_id", &attempt_id(&guest_post).context("id")?)],
        )
        .await?;
    ensure!(
        res.status() == StatusCode::CONFLICT,
        "closed post-test: {}",
        res.status()
    );
    ensure!(res.text().await?.contains("sudah ditutup"), "says closed");
    let (_, result) = siti.page(&format!("/modul/{PRE}/hasil/{pre_id}")).await?;
    ensure!(
        result.contains("Dasar hukum"),
        "the review is shown once the post-test has closed"
    );

    // Figures and exports: Siti 0 -> 100, the guest joined without scores.
    let stats: serde_json::Value = host
        .call("/api/live_stats", &[("id", &session.id.to_string())])
        .await?
        .json()
        .await?;
    ensure!(
        stats["joined"] == 2 && stats["paired"] == 1 && stats["gain_average"] == 100.0,
        "stats: {stats}"
    );
    ensure!(
        stats["pre_submitted"] == 1
            && stats["post_submitted"] == 1
            && stats["pre_average"] == 0.0
            && stats["post_average"] == 100.0
            && stats["completed"] == 1,
        "counts and averages: {stats}"
    );
    ensure!(
        stats["pre_distribution"][0]["count"] == 1
            && stats["post_distribution"][9]["count"] == 1
            && stats["post_distribution"][9]["to"] == 100,
        "distributions: {stats}"
    );
    let teams = stats["teams"].as_array().context("teams")?;
    ensure!(
        teams
            .iter()
            .map(|t| t["participants"].as_u64().unwrap_or(0))
            .sum::<u64>()
            == 2
            && teams.iter().any(|t| t["post_average"] == 100.0),
        "teams: {stats}"
    );
    let res = host
        .get(&format!("/host/sesi/{}/hasil.xlsx", session.id))
        .await?;
    ensure!(res.status() == StatusCode::OK, "xlsx: {}", res.status());
    let bytes = res.bytes().await?.to_vec();
    let rows = xlsx_rows(bytes)?;
    ensure!(rows[0][0] == "NIP" && rows.len() == 3, "rows: {rows:?}");
    let siti_row = rows
        .iter()
        .find(|r| r[0] == NIP_OTHER)
        .context("Siti's row, NIP as text")?;
    ensure!(
        siti_row[6] == "0"
            && siti_row[7] == "100"
            && siti_row[8] == "100"
            && siti_row[9] == cert.number,
        "Siti's row: {siti_row:?}"
    );
    // Item statistics per test: Siti answered every pre-test question wrong and every
    // post-test question right (the guest submitted nothing).
    for (stage, right) in [("pre-test", false), ("post-test", true)] {
        let res = host
            .get(&format!(
                "/host/sesi/{}/soal.xlsx?tahap={stage}",
                session.id
            ))
            .await?;
        ensure!(
            res.status() == StatusCode::OK,
            "{stage} statistics: {}",
            res.status()
        );
        let rows = xlsx_rows(res.bytes().await?.to_vec())?;
        ensure!(rows[0][0] == "Kode soal", "{stage} header: {:?}", rows[0]);
        let column = |i: usize| -> u64 {
            rows[1..]
                .iter()
                .filter_map(|r| r.get(i).and_then(|v| v.parse::<u64>().ok()))
                .sum()
        };
        let (answered, correct) = (column(2), column(3));
        ensure!(
            answered > 0 && correct == if right { answered } else { 0 },
            "{stage}: {answered} answered, {correct} right"
        );
    }
    let res = host
        .get(&format!("/host/sesi/{}/soal.xlsx?tahap=ujian", session.id))
        .await?;
    ensure!(
        res.status() == StatusCode::UNPROCESSABLE_ENTITY,
        "unknown stage: {}",
        res.status()
    );
    let csv = host
        .get(&format!("/host/sesi/{}/hasil.csv", session.id))
        .await?
        .text()
        .await?;
    ensure!(
        csv.contains(NIP_OTHER) && csv.contains(&cert.number),
        "csv: {csv}"
    );
    let zip = host
        .get(&format!("/host/sesi/{}/sertifikat.zip", session.id))
        .await?
        .bytes()
        .await?;
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip.to_vec()))?;
    ensure!(archive.len() == 1, "one certificate in the zip");
    // Another host's session is not the host's business: operator A gets 404 on exports.
    let res = op_a
        .get(&format!("/host/sesi/{}/hasil.csv", session.id))
        .await?;
    ensure!(
        res.status() == StatusCode::NOT_FOUND,
        "other host's export: {}",
        res.status()
    );

    // Revocation: the public page says so, the PDF is no longer served.
    let res = host
        .call(
            "/api/revoke_certificate",
            &[
                ("certificate_id", &cert.id.to_string()),
                ("reason", "Peserta tidak hadir"),
            ],
        )
        .await?;
    ensure!(res.status().is_success(), "revoke: {}", res.status());
    let (_, verify) = app
        .browser()?
        .page(&format!("/verifikasi/{}", cert.verify_code))
        .await?;
    ensure!(
        verify.contains("DICABUT") && verify.contains("Peserta tidak hadir"),
        "revoked"
    );
    let res = siti.get(&format!("/sertifikat/{}/unduh", cert.id)).await?;
    ensure!(
        res.status() == StatusCode::CONFLICT,
        "revoked pdf: {}",
        res.status()
    );
    running_tallies_match_the_answers(&app, session.id).await
}

/// The live board's running per-question tallies equal a count over every submitted answer.
async fn running_tallies_match_the_answers(app: &TestApp, session_id: i64) -> Result<()> {
    use sea_orm::{ConnectionTrait, Statement};
    let counted = app
        .db
        .query_all_raw(Statement::from_sql_and_values(
            app.db.get_database_backend(),
            "SELECT a.context, s.question_id, COUNT(*) AS answered, \
             SUM(CASE WHEN s.correct THEN 1 ELSE 0 END) AS correct \
             FROM answers s JOIN attempts a ON a.id = s.attempt_id \
             WHERE a.webinar_session_id = $1 AND a.submitted_at IS NOT NULL \
             GROUP BY a.context, s.question_id ORDER BY a.context, s.question_id",
            [session_id.into()],
        ))
        .await?
        .into_iter()
        .map(|row| {
            Ok(db::tallies::QuestionTally {
                context: row.try_get("", "context")?,
                question_id: row.try_get("", "question_id")?,
                answered: row.try_get("", "answered")?,
                correct: row.try_get("", "correct")?,
            })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
    let running = db::tallies::of_session(&app.db, session_id).await?;
    ensure!(!running.is_empty(), "tallies were kept");
    ensure!(
        running == counted,
        "running {running:?}\ncounted {counted:?}"
    );
    Ok(())
}

/// Every cell of the first sheet as text.
fn xlsx_rows(bytes: Vec<u8>) -> Result<Vec<Vec<String>>> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))?;
    let range = book.worksheet_range_at(0).context("a sheet")??;
    Ok(range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect())
}

async fn certificate_numbers_stay_unique_under_concurrent_issuance(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let state = app.state.clone();
        let nip = format!("1990011520150320{i:02}");
        tasks.push(tokio::spawn(async move {
            let holder =
                db::employees::find_or_insert(&state.db, &nip, "Peserta", "Instansi", "Unit")
                    .await
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let cert = app::ssr::learning::certificates::issue(
                &state,
                app::ssr::learning::certificates::Award {
                    holder: &holder,
                    title: "Webinar",
                    organiser: "BKN",
                    event_date: Utc::now().date_naive(),
                    jp: 2,
                    session_id: None,
                    module_slug: None,
                    assignment_id: None,
                    claim_id: 0,
                    assurance: app::model::assurance::Assurance::SelfDeclared,
                },
                Utc::now(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            anyhow::Ok(cert)
        }));
    }
    let mut seqs = BTreeSet::new();
    let mut codes = BTreeSet::new();
    for t in tasks {
        let cert = t.await??;
        seqs.insert(cert.seq);
        codes.insert(cert.verify_code);
    }
    ensure!(
        seqs == (1..=24).collect(),
        "numbers 1..24 without gaps or repeats: {seqs:?}"
    );
    ensure!(codes.len() == 24, "verification codes unique");
    Ok(())
}

/// Reads the event stream until a `stats` event satisfies `done`, or fails after 20 s.
async fn wait_for_stats(
    res: &mut reqwest::Response,
    done: impl Fn(&serde_json::Value) -> bool,
) -> Result<serde_json::Value> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut buffer = String::new();
    loop {
        let chunk = tokio::time::timeout_at(deadline, res.chunk())
            .await
            .context("no matching live update within 20 s")??
            .context("stream ended")?;
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            if !event.contains("event: stats") {
                continue;
            }
            let data: String = event
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(str::trim_start)
                .collect();
            let stats: serde_json::Value = serde_json::from_str(&data)?;
            if done(&stats) {
                return Ok(stats);
            }
        }
    }
}

async fn the_live_board_stream_follows_another_replica(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    world(&app).await?;
    // With PostgreSQL the attendee talks to a second server process; SQLite runs one process.
    let replica = match backend {
        Backend::Postgres => Some(app.replica().await?),
        Backend::Sqlite => None,
    };
    let attendee_side = replica.as_ref().unwrap_or(&app);
    let host = app.browser()?;
    sign_in(&host, "host@netra.test").await?;
    let session = create_session(&app, &host, "Sosialisasi netralitas").await?;
    let mut stream = host
        .client
        .get(host.url(&format!("/host/sesi/{}/events", session.id)))
        .send()
        .await?;
    ensure!(
        stream.status() == StatusCode::OK,
        "events: {}",
        stream.status()
    );
    ensure!(
        stream
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().is_ok_and(|v| v.starts_with("text/event-stream"))),
        "an event stream"
    );
    wait_for_stats(&mut stream, |s| s["joined"] == 0).await?;
    let attendee = attendee_side.browser()?;
    attendee.identify(NIP_GUEST, "Andi Wijaya").await?;
    let (status, _) = attendee.page(&format!("/w/{}", session.code)).await?;
    ensure!(status == StatusCode::OK, "join on the replica: {status}");
    wait_for_stats(&mut stream, |s| s["joined"] == 1).await?;
    set_window(&host, session.id, "pre-test", true).await?;
    let pre = start(&attendee, &session.code, "pre-test").await?;
    submit(
        &attendee,
        &session.code,
        "pre-test",
        &pre,
        &answers(&app, PRE, &pre, true)?,
    )
    .await?;
    let stats = wait_for_stats(&mut stream, |s| s["pre_submitted"] == 1).await?;
    ensure!(stats["pre_average"] == 100.0, "average: {stats}");
    if stats["questions"].as_array().is_none_or(|q| q.is_empty()) {
        bail!("per-question shares missing: {stats}");
    }
    Ok(())
}
