//! Trustworthy completion: whose history a self-declared claim is, who may make it the
//! employee's, and attempts counted per assignment cycle with extra attempts an operator grants.

use crate::accounts::{issue_code, sign_in, world, PASSWORD};
use anyhow::{ensure, Context, Result};
use app::ssr::db::entities::{assignment, audit_entry};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tests::{Backend, Browser, TestApp, MODULE, NIP, NIP_OTHER};

crate::on_both_backends!(
    the_employee_confirms_or_rejects_what_was_typed_with_their_nip,
    attempts_count_per_cycle_and_operators_grant_extra_ones,
    another_agencys_employee_is_requested_not_taken,
);

async fn me(browser: &Browser) -> Result<serde_json::Value> {
    Ok(browser.call("/api/me", &[]).await?.json().await?)
}

async fn results(browser: &Browser) -> Result<serde_json::Value> {
    Ok(browser.call("/api/my_results", &[]).await?.json().await?)
}

async fn the_employee_confirms_or_rejects_what_was_typed_with_their_nip(
    backend: Backend,
) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let w = world(&app).await?;
    // Two people type Siti's NIP (she has no account yet): one passes, one fails.
    let passer = app.browser()?;
    passer.identify(NIP_OTHER, "Siti Aminah").await?;
    let html = passer.start_quiz().await?;
    passer.submit_quiz(&app, &html, usize::MAX).await?;
    let failer = app.browser()?;
    failer.identify(NIP_OTHER, "Siti").await?;
    let html = failer.start_quiz().await?;
    failer.submit_quiz(&app, &html, 0).await?;

    // Siti activates the code her operator gave her: both typed sessions end.
    let op = app.browser()?;
    sign_in(&op, "op-b@netra.test").await?;
    let issued = issue_code(&op, w.employee_b).await?;
    let code = issued["code"].as_str().context("code")?;
    let siti = app.browser()?;
    let res = siti
        .call(
            "/api/activate",
            &[
                ("login", NIP_OTHER),
                ("code", code),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await?;
    ensure!(res.status().is_success(), "activation: {}", res.status());
    for typed in [&passer, &failer] {
        ensure!(me(typed).await?.is_null(), "typed sessions ended");
    }
    // Nor can the form be used for her NIP any more.
    ensure!(
        passer.identify(NIP_OTHER, "Siti Aminah").await.is_err(),
        "a NIP with an account asks to sign in"
    );

    // Signed in, her record is empty and the two claims wait for her answer.
    let mine = results(&siti).await?;
    let claims = mine["claims"].as_array().context("claims")?;
    ensure!(
        mine["attempts"].as_array().is_some_and(Vec::is_empty) && claims.len() == 2,
        "claims are not her record: {mine}"
    );
    let id_of = |passes: u64| {
        claims
            .iter()
            .find(|c| c["passes"] == passes)
            .map(|c| c["id"].to_string())
            .context("a claim")
    };
    let (passed, failed) = (id_of(1)?, id_of(0)?);
    // Someone identified only by typing cannot settle claims, even on another NIP.
    let stranger = app.browser()?;
    stranger
        .identify("199203152018012004", "Orang Lain")
        .await?;
    let res = stranger
        .call(
            "/api/decide_claim",
            &[("claim_id", &passed), ("answer", "ya")],
        )
        .await?;
    ensure!(
        res.status() == StatusCode::UNAUTHORIZED,
        "a typed identity decides nothing: {}",
        res.status()
    );
    // "Ini saya": the pass joins her record, still marked as typed; "Bukan saya": closed.
    let res = siti
        .call(
            "/api/decide_claim",
            &[("claim_id", &passed), ("answer", "ya")],
        )
        .await?;
    ensure!(res.status().is_success(), "confirm: {}", res.status());
    let res = siti
        .call(
            "/api/decide_claim",
            &[("claim_id", &failed), ("answer", "bukan")],
        )
        .await?;
    ensure!(res.status().is_success(), "reject: {}", res.status());
    let res = siti
        .call(
            "/api/decide_claim",
            &[("claim_id", &failed), ("answer", "ya")],
        )
        .await?;
    ensure!(
        res.status() == StatusCode::CONFLICT,
        "a decided claim stays decided: {}",
        res.status()
    );
    let mine = results(&siti).await?;
    let attempts = mine["attempts"].as_array().context("attempts")?;
    ensure!(
        attempts.len() == 1
            && attempts[0]["passed"] == true
            && attempts[0]["assurance"] == "SelfDeclared"
            && mine["claims"].as_array().is_some_and(Vec::is_empty),
        "only the confirmed claim's attempt, at its own level: {mine}"
    );
    let logged: Vec<String> = audit_entry::Entity::find()
        .all(&app.db)
        .await?
        .into_iter()
        .map(|e| e.action)
        .collect();
    ensure!(
        logged.iter().any(|a| a == "claim_confirmed_by_employee")
            && logged.iter().any(|a| a == "claim_rejected_by_employee"),
        "{logged:?}"
    );
    Ok(())
}

async fn attempts_count_per_cycle_and_operators_grant_extra_ones(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let w = world(&app).await?;
    let op = app.browser()?;
    sign_in(&op, "op-a@netra.test").await?;
    let res = op
        .call(
            "/api/create_assignment",
            &[
                ("module_slug", MODULE),
                ("scope", "all"),
                ("opens_on", "2026-01-01"),
                ("deadline", "2099-12-31T16:00"),
                ("time_zone", "WIB"),
            ],
        )
        .await?;
    ensure!(res.status().is_success(), "assign: {}", res.status());
    let assignment_id = assignment::Entity::find()
        .one(&app.db)
        .await?
        .context("assignment")?
        .id
        .to_string();
    // Budi (signed in) uses the module's three attempts.
    let budi = app.browser()?;
    sign_in(&budi, NIP).await?;
    for _ in 0..3 {
        let html = budi.start_quiz().await?;
        budi.submit_quiz(&app, &html, 0).await?;
    }
    let start = || budi.call("/api/start_attempt", &[("slug", MODULE)]);
    ensure!(
        start().await?.status() == StatusCode::CONFLICT,
        "the limit is reached"
    );
    // His operator grants one more, with a reason; B's operator cannot.
    let employee = w.employee_a.to_string();
    let grant = |browser: &Browser, reason: &'static str| {
        let (browser, employee) = (browser.clone(), employee.clone());
        async move {
            let args = [
                ("employee_id", employee.as_str()),
                ("module_slug", MODULE),
                ("reason", reason),
            ];
            browser.call("/api/grant_attempt", &args).await
        }
    };
    ensure!(
        grant(&op, "?").await?.status() == StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    let other = app.browser()?;
    sign_in(&other, "op-b@netra.test").await?;
    ensure!(
        grant(&other, "Sakit pada ujian pertama").await?.status() == StatusCode::NOT_FOUND,
        "another agency's employee"
    );
    ensure!(
        grant(&op, "Listrik padam saat ujian")
            .await?
            .status()
            .is_success(),
        "grant"
    );
    let html = budi.start_quiz().await?;
    budi.submit_quiz(&app, &html, 0).await?;
    ensure!(
        start().await?.status() == StatusCode::CONFLICT,
        "one extra attempt, used"
    );
    let reason = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("grant_attempt"))
        .one(&app.db)
        .await?
        .context("audit entry")?
        .detail;
    ensure!(reason.contains("Listrik padam"), "{reason}");

    // A new cycle gives new attempts: the old cycle's (and its grant) no longer count.
    let res = op
        .call(
            "/api/new_assignment_cycle",
            &[
                ("assignment_id", &assignment_id),
                ("opens_on", "2099-01-01"),
                ("deadline", "2099-06-30T23:59"),
            ],
        )
        .await?;
    ensure!(res.status().is_success(), "new cycle: {}", res.status());
    // It opens now (the clock moved on).
    assignment::Entity::update_many()
        .col_expr(
            assignment::Column::OpensAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now()),
        )
        .filter(assignment::Column::SupersededAt.is_null())
        .exec(&app.db)
        .await?;
    for _ in 0..3 {
        let html = budi.start_quiz().await?;
        budi.submit_quiz(&app, &html, 0).await?;
    }
    ensure!(
        start().await?.status() == StatusCode::CONFLICT,
        "three attempts in the new cycle, then the limit"
    );
    Ok(())
}

/// An operator adding an employee another agency lists gets a request, not the employee: nothing
/// of theirs shows until the employee (signed in) accepts or an admin approves.
async fn another_agencys_employee_is_requested_not_taken(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let w = world(&app).await?;
    // Siti (agency B) has a pass on her record.
    let siti = crate::accounts::signed_in_employee(&app, NIP_OTHER).await?;
    let html = siti.start_quiz().await?;
    siti.submit_quiz(&app, &html, usize::MAX).await?;
    let op_a = app.browser()?;
    sign_in(&op_a, "op-a@netra.test").await?;
    let add = || {
        op_a.call(
            "/api/add_employee",
            &[
                ("nip", NIP_OTHER),
                ("name", "Siti Aminah"),
                ("unit_kerja", "Dinas Kesehatan"),
            ],
        )
    };
    ensure!(
        add().await?.status().is_success(),
        "the request is accepted"
    );
    let agency_of_siti = || async {
        let e = app::ssr::db::employees::find(&app.db, w.employee_b)
            .await?
            .context("Siti")?;
        anyhow::Ok(e.agency_id)
    };
    let b = agency_of_siti().await?;
    let roster: serde_json::Value = op_a.call("/api/roster", &[]).await?.json().await?;
    ensure!(
        roster["transfers"][0]["name"] == "Siti Aminah"
            && roster["transfers"][0]["nip_masked"] != NIP_OTHER
            && !roster["employees"].to_string().contains(NIP_OTHER),
        "A sees a waiting request, not the employee: {roster}"
    );
    let detail = op_a
        .call(
            "/api/employee_detail",
            &[("employee_id", &w.employee_b.to_string())],
        )
        .await?;
    ensure!(
        detail.status() == StatusCode::NOT_FOUND,
        "her history stays hidden: {}",
        detail.status()
    );
    // She declines: nothing moves.
    let mine = results(&siti).await?;
    let id = mine["transfers"][0]["id"].to_string();
    let res = siti
        .call(
            "/api/decide_transfer",
            &[("transfer_id", &id), ("answer", "bukan")],
        )
        .await?;
    ensure!(res.status().is_success(), "decline: {}", res.status());
    ensure!(agency_of_siti().await? == b, "still B's");
    // A asks again; an admin approves: she is on A's roster with her record.
    ensure!(add().await?.status().is_success(), "asked again");
    let admin = app.browser()?;
    sign_in(&admin, "admin@netra.test").await?;
    let overview: serde_json::Value = admin.call("/api/admin_overview", &[]).await?.json().await?;
    let id = overview["transfers"][0]["id"].to_string();
    let res = op_a
        .call("/api/approve_transfer", &[("transfer_id", &id)])
        .await?;
    ensure!(
        res.status() == StatusCode::FORBIDDEN,
        "an operator cannot approve: {}",
        res.status()
    );
    let res = admin
        .call("/api/approve_transfer", &[("transfer_id", &id)])
        .await?;
    ensure!(res.status().is_success(), "approve: {}", res.status());
    ensure!(agency_of_siti().await? != b, "moved to A");
    let detail: serde_json::Value = op_a
        .call(
            "/api/employee_detail",
            &[("employee_id", &w.employee_b.to_string())],
        )
        .await?
        .json()
        .await?;
    ensure!(
        detail["attempts"][0]["passed"] == true,
        "A now sees her record: {detail}"
    );
    let res = admin
        .call("/api/approve_transfer", &[("transfer_id", &id)])
        .await?;
    ensure!(
        res.status() == StatusCode::NOT_FOUND,
        "a decided request is gone: {}",
        res.status()
    );
    Ok(())
}
