//! Accounts, roles and protections: who may reach which route and server function, sign-in
//! with rotation, sign-out, lock-out, rate limits, activation codes, personal data.

use anyhow::{ensure, Context, Result};
use app::model::auth::Role;
use app::ssr::db::{self, accounts::NewAccount};
use reqwest::StatusCode;
use std::collections::BTreeSet;
use tests::{form_error, location, Backend, Browser, TestApp, NIP, NIP_OTHER};

crate::on_both_backends!(
    every_route_and_server_function_answers_each_role_as_its_rule_says,
    signing_in_rotates_the_session_and_signing_out_ends_it_on_the_server,
    failed_sign_ins_delay_the_login_and_floods_get_429,
    activation_codes_work_once_and_expire,
    a_verified_learner_sees_only_their_own_results_and_records_verified_attempts,
    operators_export_and_delete_personal_data_of_their_own_agency_only,
    behind_https_cookies_are_secure_and_hsts_is_sent,
);

async fn behind_https_cookies_are_secure_and_hsts_is_sent(backend: Backend) -> Result<()> {
    let app = TestApp::spawn_https(backend, "https://netra.example.go.id").await?;
    world(&app).await?;
    let browser = app.browser()?;
    let res = browser
        .call(
            "/api/sign_in",
            &[("login", "admin@netra.test"), ("password", PASSWORD)],
        )
        .await?;
    ensure!(res.status().is_success(), "sign in: {}", res.status());
    // Over HTTPS the cookie carries the `__Host-` prefix: a sibling subdomain cannot plant it.
    ensure!(cookie(&res, "netra_akun").is_none(), "no unprefixed cookie");
    let set = cookie(&res, "__Host-netra_akun").context("cookie")?;
    ensure!(
        set.contains("Secure")
            && set.contains("HttpOnly")
            && set.contains("SameSite=Lax")
            && set.contains("Path=/")
            && !set.contains("Domain"),
        "cookie flags over HTTPS: {set}"
    );
    let token = set.split(';').next().unwrap_or_default().to_string();
    for (sent, works) in [
        (token.clone(), true),
        (token.replacen("__Host-", "", 1), false),
    ] {
        let res = app
            .browser()?
            .client
            .post(browser.url("/api/admin_overview"))
            .header("accept", "application/json")
            .header("origin", "https://netra.example.go.id")
            .header("cookie", &sent)
            .send()
            .await?;
        ensure!(
            (res.status() == StatusCode::OK) == works,
            "{sent}: {}",
            res.status()
        );
    }
    let res = browser.get("/").await?;
    ensure!(
        res.headers()
            .get("strict-transport-security")
            .is_some_and(|v| v.to_str().is_ok_and(|v| v.contains("max-age="))),
        "HSTS"
    );
    // Without Origin and Referer a state change needs the header the app's client sends.
    for (with_header, expected) in [(false, StatusCode::FORBIDDEN), (true, StatusCode::OK)] {
        let mut req = reqwest::Client::new()
            .post(browser.url("/api/sign_out"))
            .header("accept", "application/json");
        if with_header {
            req = req.header(app::api::client::REQUEST_HEADER, "1");
        }
        let res = req.send().await?;
        ensure!(
            res.status() == expected,
            "header {with_header}: {}",
            res.status()
        );
    }
    // State changes must come from the public site: another origin is refused, it is accepted.
    let refused = browser
        .client
        .post(browser.url("/api/sign_out"))
        .header("origin", &browser.base)
        .send()
        .await?;
    ensure!(
        refused.status() == StatusCode::FORBIDDEN,
        "origin other than the public URL: {}",
        refused.status()
    );
    let accepted = browser
        .client
        .post(browser.url("/api/sign_out"))
        .header("origin", "https://netra.example.go.id")
        .header("accept", "application/json")
        .send()
        .await?;
    ensure!(
        accepted.status().is_success(),
        "same-origin post: {}",
        accepted.status()
    );
    Ok(())
}

pub const PASSWORD: &str = "kuda-laut-berenang-7";

/// Two agencies, an admin, a host, an operator of each agency, and a verified learner of A.
pub struct World {
    pub employee_a: i64,
    pub employee_b: i64,
}

pub async fn world(app: &TestApp) -> Result<World> {
    let a = db::accounts::create_agency(&app.db, "pemkab-a", "Pemerintah Kabupaten A").await?;
    let b = db::accounts::create_agency(&app.db, "pemkab-b", "Pemerintah Kabupaten B").await?;
    let staff = [
        (Role::Admin, "admin@netra.test", None),
        (Role::Host, "host@netra.test", None),
        (Role::Operator, "op-a@netra.test", Some(a.id)),
        (Role::Operator, "op-b@netra.test", Some(b.id)),
    ];
    for (role, login, agency) in staff {
        app::ssr::accounts::admin::create_with_password(
            &app.db, role, login, login, PASSWORD, agency,
        )
        .await
        .map_err(|e| anyhow::anyhow!("creating {login}: {e:?}"))?;
    }
    let mut ids = Vec::new();
    for (nip, name, agency) in [
        (NIP, "Budi Santoso", a.id),
        (NIP_OTHER, "Siti Aminah", b.id),
    ] {
        let e = app::ssr::db::entities::employee::ActiveModel {
            nip: sea_orm::Set(nip.into()),
            name: sea_orm::Set(name.into()),
            instansi: sea_orm::Set("Pemerintah Kabupaten".into()),
            unit_kerja: sea_orm::Set("Dinas Pendidikan".into()),
            agency_id: sea_orm::Set(Some(agency)),
            ..Default::default()
        };
        ids.push(sea_orm::ActiveModelTrait::insert(e, &app.db).await?.id);
    }
    let hash = app::ssr::accounts::sign_in::hash_password(PASSWORD)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    db::accounts::create(
        &app.db,
        NewAccount {
            role: "learner",
            login: NIP,
            display_name: "Budi Santoso",
            password_hash: Some(hash),
            agency_id: Some(a.id),
            employee_id: Some(ids[0]),
        },
    )
    .await?;
    Ok(World {
        employee_a: ids[0],
        employee_b: ids[1],
    })
}

/// A webinar session of the host, for the access rules.
async fn host_session(app: &TestApp) -> Result<app::ssr::db::entities::webinar_session::Model> {
    let host = db::accounts::by_login(&app.db, "host@netra.test")
        .await?
        .context("host account")?;
    let row = app::ssr::db::entities::webinar_session::ActiveModel {
        code: sea_orm::Set("ABCDEF".into()),
        title: sea_orm::Set("Sesi uji".into()),
        organiser: sea_orm::Set("BKPSDM".into()),
        host_account_id: sea_orm::Set(host.id),
        starts_at: sea_orm::Set(chrono::Utc::now()),
        time_zone: sea_orm::Set("WIB".into()),
        pre_module: sea_orm::Set(Some("pretest-netralitas".into())),
        post_module: sea_orm::Set("posttest-netralitas".into()),
        materials: sea_orm::Set("[]".into()),
        jp: sea_orm::Set(2),
        min_post_score: sea_orm::Set(70),
        requires_pre: sea_orm::Set(true),
        issues_certificates: sea_orm::Set(true),
        signer_name: sea_orm::Set(String::new()),
        signer_nip: sea_orm::Set(String::new()),
        signer_position: sea_orm::Set(String::new()),
        ..Default::default()
    };
    Ok(db::webinars::insert(&app.db, row).await?)
}

/// A unit of agency A and an assignment of a module to it: (assignment id, unit id).
async fn assignment_of_a(app: &TestApp) -> Result<(i64, i64)> {
    use app::ssr::db::entities::{assignment, assignment_target, unit};
    use sea_orm::{ActiveModelTrait, Set};
    let agency = db::accounts::agency_by_code(&app.db, "pemkab-a")
        .await?
        .context("agency A")?;
    let u = unit::ActiveModel {
        agency_id: Set(agency.id),
        parent_id: Set(None),
        name: Set("Dinas Kesehatan".into()),
        code: Set(None),
        path: Set(String::new()),
        depth: Set(1),
        name_key: Set("dinas kesehatan".into()),
        ..Default::default()
    }
    .insert(&app.db)
    .await?;
    let mut placed: unit::ActiveModel = u.clone().into();
    placed.path = Set(format!("/{}/", u.id));
    placed.update(&app.db).await?;
    let a = assignment::ActiveModel {
        agency_id: Set(agency.id),
        module_slug: Set(tests::MODULE.into()),
        opens_at: Set(chrono::Utc::now() - chrono::Duration::days(1)),
        deadline_at: Set(chrono::Utc::now() + chrono::Duration::days(30)),
        time_zone: Set("WIB".into()),
        whole_agency: Set(false),
        previous_id: Set(None),
        new_cycle: Set(false),
        superseded_at: Set(None),
        created_by: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await?;
    assignment_target::ActiveModel {
        assignment_id: Set(a.id),
        unit_id: Set(Some(u.id)),
        employee_id: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await?;
    Ok((a.id, u.id))
}

/// A checked, empty roster file of operator A waiting for confirmation.
async fn staged_import_of_a(app: &TestApp) -> Result<i64> {
    use app::ssr::db::entities::roster_import;
    use sea_orm::{ActiveModelTrait, Set};
    let op = db::accounts::by_login(&app.db, "op-a@netra.test")
        .await?
        .context("operator A")?;
    let staged = roster_import::ActiveModel {
        agency_id: Set(op.agency_id.context("operator A's agency")?),
        account_id: Set(op.id),
        file_name: Set("kosong.csv".into()),
        rows: Set("[]".into()),
        expires_at: Set(chrono::Utc::now() + chrono::Duration::hours(1)),
        committed_at: Set(None),
        ..Default::default()
    }
    .insert(&app.db)
    .await?;
    Ok(staged.id)
}

/// Signs in as the hydrated app does; fails unless the server accepted.
pub async fn sign_in(browser: &Browser, login: &str) -> Result<()> {
    let res = browser
        .call("/api/sign_in", &[("login", login), ("password", PASSWORD)])
        .await?;
    ensure!(
        res.status().is_success(),
        "sign in as {login}: {} {}",
        res.status(),
        res.text().await?
    );
    Ok(())
}

/// An operator issues a one-time code for an employee: the answer (`login`, `code`, ...).
pub async fn issue_code(operator: &Browser, employee_id: i64) -> Result<serde_json::Value> {
    let res = operator
        .call(
            "/api/issue_learner_code",
            &[("employee_id", &employee_id.to_string())],
        )
        .await?;
    ensure!(res.status().is_success(), "issue a code: {}", res.status());
    Ok(res.json().await?)
}

/// A browser signed in to a (new) account of the rostered employee with this NIP: what an
/// employee has after activating the code their operator gave them.
pub async fn signed_in_employee(app: &TestApp, nip: &str) -> Result<Browser> {
    static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    let hash = HASH
        .get_or_try_init(|| async {
            app::ssr::accounts::sign_in::hash_password(PASSWORD)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))
        })
        .await?;
    let employee = db::employees::find_by_nip(&app.db, nip)
        .await?
        .context("a rostered employee")?;
    if db::accounts::by_employee(&app.db, employee.id)
        .await?
        .is_none()
    {
        db::accounts::create(
            &app.db,
            NewAccount {
                role: "learner",
                login: nip,
                display_name: &employee.name,
                password_hash: Some(hash.clone()),
                agency_id: employee.agency_id,
                employee_id: Some(employee.id),
            },
        )
        .await?;
    }
    let browser = app.browser()?;
    sign_in(&browser, nip).await?;
    Ok(browser)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Learner,
    Host,
    OperatorA,
    OperatorB,
    Admin,
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::Learner,
    Who::Host,
    Who::OperatorA,
    Who::OperatorB,
    Who::Admin,
];

/// Who may do what. Every page route and every server function must appear here.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Needs an identified learner (self-declared or verified): others get 401.
    Learner,
    /// Admins only.
    Admin,
    /// Any operator, on their own agency's data.
    Operator,
    /// Operators only; the data is the operator's agency's (the other agency gets 404).
    OperatorOfA,
    /// Staff who may run webinars (host, operator, admin).
    Hosts,
    /// The host's own session (admins too); other staff get 404.
    SessionOfHost,
    /// Operators (their own agency) and admins (any agency they name).
    OperatorsAndAdmins,
    /// Admins only, acting on a record by id (an unknown id is 404 for them).
    AdminById,
}

fn expected(rule: Rule, who: Who) -> &'static [u16] {
    match (rule, who) {
        (Rule::Public, _) => &[200, 302, 404, 422],
        (Rule::Learner, Who::Learner) => &[200, 302, 404, 422],
        (Rule::Learner, _) => &[401],
        (Rule::Admin, Who::Admin) => &[200, 302],
        (Rule::Admin, Who::Anonymous)
        | (Rule::OperatorOfA, Who::Anonymous)
        | (Rule::Operator, Who::Anonymous) => &[401],
        (Rule::Operator, Who::OperatorA | Who::OperatorB) => &[200, 302, 422],
        (Rule::Operator, _) => &[403],
        (Rule::Admin, _) => &[403],
        (Rule::OperatorOfA, Who::OperatorA) => &[200, 302],
        (Rule::OperatorOfA, Who::OperatorB) => &[404],
        (Rule::OperatorOfA, _) => &[403],
        (Rule::Hosts | Rule::SessionOfHost, Who::Anonymous) => &[401],
        (Rule::Hosts | Rule::SessionOfHost, Who::Learner) => &[403],
        (Rule::Hosts, _) => &[200, 302, 404, 422],
        (Rule::SessionOfHost, Who::Host | Who::Admin) => &[200, 302],
        (Rule::SessionOfHost, Who::OperatorA | Who::OperatorB) => &[404],
        (Rule::OperatorsAndAdmins, Who::Anonymous) => &[401],
        (Rule::OperatorsAndAdmins, Who::OperatorA | Who::OperatorB | Who::Admin) => {
            &[200, 302, 422]
        }
        (Rule::OperatorsAndAdmins, _) => &[403],
        (Rule::AdminById, Who::Admin) => &[200, 302, 404],
        (Rule::AdminById, Who::Anonymous) => &[401],
        (Rule::AdminById, _) => &[403],
    }
}

async fn every_route_and_server_function_answers_each_role_as_its_rule_says(
    backend: Backend,
) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let w = world(&app).await?;
    let a = w.employee_a.to_string();
    let session = host_session(&app).await?;
    let sid = session.id.to_string();
    let (assignment, unit) = assignment_of_a(&app).await?;
    let (asg, unit) = (assignment.to_string(), unit.to_string());
    let staged = staged_import_of_a(&app).await?.to_string();
    // Page routes (path with parameters filled in) and server functions with valid arguments.
    let pages: Vec<(&str, String, Rule)> = vec![
        ("/", "/".into(), Rule::Public),
        ("/identitas", "/identitas".into(), Rule::Public),
        ("/saya", "/saya".into(), Rule::Public),
        ("/pelanggaran", "/pelanggaran".into(), Rule::Public),
        ("/cek", "/cek".into(), Rule::Public),
        (
            "/pelanggaran/{id}",
            "/pelanggaran/status-anggota-partai".into(),
            Rule::Public,
        ),
        (
            "/modul/{slug}",
            "/modul/dasar-netralitas-asn".into(),
            Rule::Public,
        ),
        (
            "/modul/{slug}/kuis",
            "/modul/dasar-netralitas-asn/kuis".into(),
            Rule::Public,
        ),
        (
            "/modul/{slug}/hasil/{attempt}",
            "/modul/dasar-netralitas-asn/hasil/999999".into(),
            Rule::Learner,
        ),
        (
            "/modul/{slug}/{lesson}",
            "/modul/dasar-netralitas-asn/arti-netral".into(),
            Rule::Public,
        ),
        ("/masuk", "/masuk".into(), Rule::Public),
        ("/aktivasi", "/aktivasi".into(), Rule::Public),
        ("/masuk/sso", "/masuk/sso".into(), Rule::Public),
        (
            "/masuk/sso/kembali",
            "/masuk/sso/kembali?code=x&state=y".into(),
            Rule::Public,
        ),
        ("/keluar", "/keluar".into(), Rule::Public),
        ("/admin", "/admin".into(), Rule::Admin),
        ("/admin/audit", "/admin/audit".into(), Rule::Admin),
        ("/operator", "/operator".into(), Rule::Operator),
        (
            "/operator/pegawai/{id}",
            format!("/operator/pegawai/{a}"),
            Rule::OperatorOfA,
        ),
        ("/operator/impor", "/operator/impor".into(), Rule::Operator),
        (
            "/operator/penugasan",
            "/operator/penugasan".into(),
            Rule::Operator,
        ),
        (
            "/operator/dasbor",
            "/operator/dasbor".into(),
            Rule::Operator,
        ),
        ("/operator/jp", "/operator/jp".into(), Rule::Operator),
        (
            "/operator/dasbor/{assignment}/soal",
            format!("/operator/dasbor/{asg}/soal"),
            Rule::OperatorOfA,
        ),
        (
            "/operator/dasbor/{assignment}/unit/{unit}",
            format!("/operator/dasbor/{asg}/unit/{unit}"),
            Rule::OperatorOfA,
        ),
        ("/w", "/w".into(), Rule::Public),
        ("/w/{code}", format!("/w/{}", session.code), Rule::Public),
        (
            "/w/{code}/{stage}",
            "/w/ZZZZZZ/pre-test".into(),
            Rule::Public,
        ),
        (
            "/verifikasi/{code}",
            "/verifikasi/AAAAAAAAAAAAAAAA".into(),
            Rule::Public,
        ),
        ("/host", "/host".into(), Rule::Hosts),
        ("/host/impor-soal", "/host/impor-soal".into(), Rule::Hosts),
        (
            "/host/sesi/{id}",
            format!("/host/sesi/{sid}"),
            Rule::SessionOfHost,
        ),
        (
            "/host/sesi/{id}/live",
            format!("/host/sesi/{sid}/live"),
            Rule::SessionOfHost,
        ),
    ];
    // Plain HTTP endpoints next to the pages (exports, QR, certificates, event stream).
    let endpoints: Vec<(&str, String, Rule)> = vec![
        (
            "/host/sesi/{id}/events",
            format!("/host/sesi/{sid}/events"),
            Rule::SessionOfHost,
        ),
        (
            "/host/sesi/{id}/qr.svg",
            format!("/host/sesi/{sid}/qr.svg"),
            Rule::SessionOfHost,
        ),
        (
            "/host/sesi/{id}/qr.png",
            format!("/host/sesi/{sid}/qr.png"),
            Rule::SessionOfHost,
        ),
        (
            "/host/sesi/{id}/hasil.csv",
            format!("/host/sesi/{sid}/hasil.csv"),
            Rule::SessionOfHost,
        ),
        (
            "/host/sesi/{id}/hasil.xlsx",
            format!("/host/sesi/{sid}/hasil.xlsx"),
            Rule::SessionOfHost,
        ),
        (
            "/host/sesi/{id}/sertifikat.zip",
            format!("/host/sesi/{sid}/sertifikat.zip"),
            Rule::SessionOfHost,
        ),
        (
            "/host/sesi/{id}/soal.xlsx",
            format!("/host/sesi/{sid}/soal.xlsx?tahap=post-test"),
            Rule::SessionOfHost,
        ),
    ];
    let endpoints: Vec<(&str, String, Rule)> = endpoints
        .into_iter()
        .chain([
            (
                "/operator/templat-roster.xlsx",
                "/operator/templat-roster.xlsx".to_string(),
                Rule::Operator,
            ),
            (
                "/operator/templat-roster.csv",
                "/operator/templat-roster.csv".to_string(),
                Rule::Operator,
            ),
            (
                "/operator/penugasan/{id}/status.xlsx",
                format!("/operator/penugasan/{asg}/status.xlsx"),
                Rule::OperatorOfA,
            ),
            (
                "/operator/jp.xlsx",
                "/operator/jp.xlsx?tahun=2026".to_string(),
                Rule::Operator,
            ),
            (
                "/operator/jp.csv",
                "/operator/jp.csv?bawah=1".to_string(),
                Rule::Operator,
            ),
            (
                "/operator/penugasan/{id}/status.csv",
                format!("/operator/penugasan/{asg}/status.csv?status=terlambat"),
                Rule::OperatorOfA,
            ),
            (
                "/operator/penugasan/{id}/soal.xlsx",
                format!("/operator/penugasan/{asg}/soal.xlsx"),
                Rule::OperatorOfA,
            ),
            (
                "/operator/penugasan/{id}/unit/{unit}/sertifikat.zip",
                format!("/operator/penugasan/{asg}/unit/{unit}/sertifikat.zip"),
                Rule::OperatorOfA,
            ),
        ])
        .collect();
    let ruled_endpoints: BTreeSet<&str> = endpoints.iter().map(|(p, _, _)| *p).collect();
    let mut listed: BTreeSet<&str> = app::ssr::webinar::downloads::PATHS
        .iter()
        .chain(app::ssr::tracking::downloads::PATHS)
        .copied()
        .collect();
    // A certificate's PDF has its own holder/host/operator rules, tested with the webinar.
    listed.remove("/sertifikat/{id}/unduh");
    ensure!(
        ruled_endpoints == listed,
        "endpoints without a rule: {listed:?} vs {ruled_endpoints:?}"
    );
    let slug = ("slug", "dasar-netralitas-asn");
    type Call<'a> = (&'a str, Vec<(&'a str, &'a str)>, Rule);
    let fns: Vec<Call> = vec![
        ("/api/modules", vec![], Rule::Public),
        ("/api/module", vec![slug], Rule::Public),
        (
            "/api/lesson",
            vec![
                ("module", "dasar-netralitas-asn"),
                ("lesson", "arti-netral"),
            ],
            Rule::Public,
        ),
        ("/api/me", vec![], Rule::Public),
        ("/api/account", vec![], Rule::Public),
        ("/api/whoami", vec![], Rule::Public),
        ("/api/identify", vec![("nip", "x")], Rule::Public),
        ("/api/sign_out", vec![], Rule::Public),
        ("/api/sso_info", vec![], Rule::Public),
        ("/api/sso_begin", vec![], Rule::Public),
        (
            "/api/sso_finish",
            vec![("code", "x"), ("state", "y")],
            Rule::Public,
        ),
        ("/api/sso_end_session", vec![], Rule::Public),
        (
            "/api/sign_in",
            vec![("login", "tidak-ada"), ("password", "salah-salah-salah")],
            Rule::Public,
        ),
        (
            "/api/activate",
            vec![
                ("login", "tidak-ada"),
                ("code", "X"),
                ("password", "p"),
                ("confirm", "p"),
            ],
            Rule::Public,
        ),
        ("/api/quiz_state", vec![slug], Rule::Public),
        (
            "/api/start_attempt",
            vec![("slug", "tidak-ada")],
            Rule::Learner,
        ),
        (
            "/api/save_answer",
            vec![("attempt_id", "999999"), ("question_id", "q")],
            Rule::Learner,
        ),
        (
            "/api/submit_attempt",
            vec![("attempt_id", "999999")],
            Rule::Learner,
        ),
        (
            "/api/attempt_result",
            vec![("attempt_id", "999999")],
            Rule::Learner,
        ),
        ("/api/my_results", vec![], Rule::Public),
        ("/api/violations", vec![], Rule::Public),
        (
            "/api/violation",
            vec![("id", "status-anggota-partai")],
            Rule::Public,
        ),
        ("/api/self_check", vec![], Rule::Public),
        ("/api/admin_overview", vec![], Rule::Admin),
        (
            "/api/create_agency",
            vec![("code", "pemkot-c"), ("name", "Pemerintah Kota C")],
            Rule::Admin,
        ),
        (
            "/api/create_staff",
            vec![
                ("role", "host"),
                ("login", "host2@netra.test"),
                ("display_name", "Host"),
            ],
            Rule::Admin,
        ),
        ("/api/reset_staff", vec![("account_id", "2")], Rule::Admin),
        ("/api/audit_log", vec![], Rule::Admin),
        ("/api/roster", vec![], Rule::Operator),
        (
            "/api/add_employee",
            vec![
                ("nip", "199203142019031004"),
                ("name", "Andi Wijaya"),
                ("unit_kerja", "Dinas Kesehatan"),
            ],
            Rule::Operator,
        ),
        (
            "/api/employee_detail",
            vec![("employee_id", &a)],
            Rule::OperatorOfA,
        ),
        (
            "/api/issue_learner_code",
            vec![("employee_id", &a)],
            Rule::OperatorOfA,
        ),
        (
            "/api/issue_unit_codes",
            vec![("unit_kerja", "Dinas Pendidikan")],
            Rule::Operator,
        ),
        (
            "/api/export_employee",
            vec![("employee_id", &a)],
            Rule::OperatorOfA,
        ),
        ("/api/webinar", vec![("code", "ZZZZZZ")], Rule::Public),
        (
            "/api/find_webinar",
            vec![("kode", session.code.as_str())],
            Rule::Public,
        ),
        (
            "/api/webinar_start",
            vec![("code", "ZZZZZZ"), ("stage", "pre-test")],
            Rule::Learner,
        ),
        (
            "/api/webinar_quiz",
            vec![("code", "ZZZZZZ"), ("stage", "pre-test")],
            Rule::Public,
        ),
        ("/api/preview_roster", vec![], Rule::Operator),
        (
            "/api/confirm_roster",
            vec![("import_id", &staged)],
            Rule::OperatorOfA,
        ),
        ("/api/assignments", vec![], Rule::Operator),
        (
            "/api/create_assignment",
            vec![
                ("module_slug", ""),
                ("scope", "all"),
                ("opens_on", ""),
                ("deadline", ""),
                ("time_zone", "WIB"),
            ],
            Rule::Operator,
        ),
        (
            "/api/certificate_signer",
            vec![("signer_nip", "12")],
            Rule::Operator,
        ),
        (
            "/api/set_assurance_policy",
            vec![("required_assurance", "account")],
            Rule::OperatorsAndAdmins,
        ),
        (
            "/api/confirm_claim",
            vec![("employee_id", &a), ("claim_id", "1"), ("reason", "x")],
            Rule::Operator,
        ),
        (
            "/api/grant_attempt",
            vec![
                ("employee_id", &a),
                ("module_slug", tests::MODULE),
                ("reason", "Sakit saat ujian pertama"),
            ],
            Rule::OperatorOfA,
        ),
        (
            "/api/decide_transfer",
            vec![("transfer_id", "999"), ("answer", "ya")],
            Rule::Learner,
        ),
        (
            "/api/approve_transfer",
            vec![("transfer_id", "999")],
            Rule::AdminById,
        ),
        (
            "/api/decide_claim",
            vec![("claim_id", "999"), ("answer", "ya")],
            Rule::Learner,
        ),
        (
            "/api/new_assignment_cycle",
            vec![
                ("assignment_id", &asg),
                ("opens_on", "2099-01-01"),
                ("deadline", "2099-02-01T10:00"),
            ],
            Rule::OperatorOfA,
        ),
        (
            "/api/dashboard",
            vec![("assignment_id", &asg)],
            Rule::OperatorOfA,
        ),
        ("/api/jp_ledger", vec![("year", "2026")], Rule::Operator),
        (
            "/api/question_difficulty",
            vec![("assignment_id", &asg)],
            Rule::OperatorOfA,
        ),
        (
            "/api/unit_status",
            vec![("assignment_id", &asg), ("unit_id", &unit)],
            Rule::OperatorOfA,
        ),
        ("/api/host_home", vec![], Rule::Hosts),
        ("/api/convert_bank", vec![], Rule::Hosts),
        (
            "/api/create_webinar",
            vec![
                ("title", ""),
                ("organiser", ""),
                ("starts_at", ""),
                ("time_zone", ""),
                ("post_module", ""),
                ("jp", ""),
            ],
            Rule::Hosts,
        ),
        ("/api/host_session", vec![("id", &sid)], Rule::SessionOfHost),
        (
            "/api/webinar_window",
            vec![("id", &sid), ("stage", "post-test"), ("open", "0")],
            Rule::SessionOfHost,
        ),
        (
            "/api/revoke_certificate",
            vec![("certificate_id", "999999"), ("reason", "Tidak hadir")],
            Rule::Hosts,
        ),
        ("/api/live_stats", vec![("id", &sid)], Rule::SessionOfHost),
        (
            "/api/verify_certificate",
            vec![("code", "AAAAAAAAAAAAAAAA")],
            Rule::Public,
        ),
    ];

    // The enumeration: every route of the router and every registered server function has a rule.
    let routes: BTreeSet<String> = leptos_axum::generate_route_list(app::app::App)
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    let ruled: BTreeSet<String> = pages.iter().map(|(p, _, _)| p.to_string()).collect();
    ensure!(
        routes == ruled,
        "page routes without a rule: {:?}; rules without a route: {:?}",
        routes.difference(&ruled).collect::<Vec<_>>(),
        ruled.difference(&routes).collect::<Vec<_>>()
    );
    let server_fns: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_string())
        .collect();
    let mut ruled_fns: BTreeSet<String> = fns.iter().map(|(p, _, _)| p.to_string()).collect();
    // Deletion is checked separately (it destroys the data the other checks read).
    ruled_fns.insert("/api/delete_employee".into());
    ensure!(
        server_fns == ruled_fns,
        "server functions without a rule: {:?}; rules without a function: {:?}",
        server_fns.difference(&ruled_fns).collect::<Vec<_>>(),
        ruled_fns.difference(&server_fns).collect::<Vec<_>>()
    );

    for who in EVERYONE {
        let browser = app.browser()?;
        match who {
            Who::Anonymous => {}
            Who::Learner => sign_in(&browser, NIP).await?,
            Who::Host => sign_in(&browser, "host@netra.test").await?,
            Who::OperatorA => sign_in(&browser, "op-a@netra.test").await?,
            Who::OperatorB => sign_in(&browser, "op-b@netra.test").await?,
            Who::Admin => sign_in(&browser, "admin@netra.test").await?,
        }
        for (_, path, rule) in pages.iter().chain(&endpoints) {
            let status = browser.get(path).await?.status().as_u16();
            ensure!(
                expected(*rule, who).contains(&status),
                "{who:?} GET {path}: {status}, expected {:?}",
                expected(*rule, who)
            );
        }
        for (path, args, rule) in &fns {
            if *path == "/api/sign_out" || *path == "/api/sign_in" || *path == "/api/activate" {
                continue; // these change who is signed in; covered below and by their own tests
            }
            let res = if *path == "/api/convert_bank" {
                browser
                    .upload(path, ("bank.gift", b"::q1:: Langit biru? {T}"), &[])
                    .await?
            } else if *path == "/api/preview_roster" {
                let roster = b"NIP;Nama;OPD\n198703152010012001;Ani;Dinas Kesehatan\n";
                browser.upload(path, ("roster.csv", roster), &[]).await?
            } else if *path == "/api/export_employee" {
                browser
                    .client
                    .get(browser.url(path))
                    .query(args)
                    .send()
                    .await?
            } else {
                browser.call(path, args).await?
            };
            let status = res.status().as_u16();
            ensure!(
                expected(*rule, who).contains(&status),
                "{who:?} {path}: {status}, expected {:?}: {}",
                expected(*rule, who),
                res.text().await?
            );
        }
        // Operator B asking for A's employee: 404 for every action that takes an id.
        if who == Who::OperatorB {
            let res = browser
                .call(
                    "/api/delete_employee",
                    &[("employee_id", &a), ("confirm", "hapus")],
                )
                .await?;
            ensure!(
                res.status() == StatusCode::NOT_FOUND,
                "B deleting A's employee: {}",
                res.status()
            );
        }
    }
    // Sign-in and activation are open to everyone (and answer 422 for bad credentials).
    let anon = app.browser()?;
    for path in ["/api/sign_in", "/api/activate"] {
        let res = anon
            .call(
                path,
                &[
                    ("login", "x"),
                    ("password", "y"),
                    ("code", "z"),
                    ("confirm", "y"),
                ],
            )
            .await?;
        ensure!(
            res.status() == StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            res.status()
        );
    }
    // A malformed call is the caller's fault: 422, never a 5xx.
    let res = anon.call("/api/lesson", &[("modul", "x")]).await?;
    ensure!(
        res.status() == StatusCode::UNPROCESSABLE_ENTITY,
        "missing arguments: {}",
        res.status()
    );
    let _ = w.employee_b;
    Ok(())
}

fn cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

async fn signing_in_rotates_the_session_and_signing_out_ends_it_on_the_server(
    backend: Backend,
) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    world(&app).await?;
    let browser = app.browser()?;
    let first = browser
        .call(
            "/api/sign_in",
            &[("login", "ADMIN@netra.test "), ("password", PASSWORD)],
        )
        .await?;
    ensure!(
        first.status().is_success(),
        "case and spaces in the login do not matter"
    );
    let set = cookie(&first, "netra_akun").context("session cookie")?;
    ensure!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && !set.contains("Secure"),
        "cookie flags over HTTP: {set}"
    );
    let body = first.text().await?;
    ensure!(
        !body.contains("argon2") && !body.contains("password"),
        "the account DTO carries no hash: {body}"
    );
    let token1 = set.split(';').next().unwrap_or_default().to_string();
    // Signing in again (or as someone else) gives a new token: no session fixation.
    let sign_in_again = || {
        let browser = &browser;
        async move {
            let res = browser
                .call(
                    "/api/sign_in",
                    &[("login", "admin@netra.test"), ("password", PASSWORD)],
                )
                .await?;
            let set = cookie(&res, "netra_akun").context("new cookie")?;
            anyhow::Ok(set.split(';').next().unwrap_or_default().to_string())
        }
    };
    let token2 = sign_in_again().await?;
    ensure!(token1 != token2, "the session id must change at sign-in");
    // A browser that sends only the given cookie to a page for signed-in admins.
    let stale = app.browser()?;
    let overview_with = |cookie: &str| {
        let req = stale
            .client
            .post(stale.url("/api/admin_overview"))
            .header("accept", "application/json")
            .header("cookie", cookie)
            .send();
        async move { anyhow::Ok(req.await?.status()) }
    };
    // The old token no longer works.
    let status = overview_with(&token1).await?;
    ensure!(
        status == StatusCode::UNAUTHORIZED,
        "old session after rotation: {status}"
    );
    // However much a session is used, it ends at its absolute end.
    let status = overview_with(&token2).await?;
    ensure!(status == StatusCode::OK, "a fresh session works: {status}");
    let hash = app::ssr::tokens::hash_token(token2.trim_start_matches("netra_akun="));
    let moved = {
        use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
        use sea_orm::ConnectionTrait;
        let update = Query::update()
            .table(Alias::new("account_sessions"))
            .value(
                Alias::new("ends_at"),
                chrono::Utc::now() - chrono::Duration::seconds(1),
            )
            .and_where(Expr::col(Alias::new("token_hash")).eq(hash))
            .to_owned();
        app.db.execute(&update).await?
    };
    ensure!(moved.rows_affected() == 1, "one session");
    let status = overview_with(&token2).await?;
    ensure!(
        status == StatusCode::UNAUTHORIZED,
        "a session past its absolute end: {status}"
    );
    // Sign-out invalidates the session on the server, not just in the browser.
    let token3 = sign_in_again().await?;
    let res = browser.call("/api/sign_out", &[]).await?;
    ensure!(res.status().is_success(), "sign out");
    let status = overview_with(&token3).await?;
    ensure!(
        status == StatusCode::UNAUTHORIZED,
        "replayed cookie after sign-out: {status}"
    );
    let overview = app.browser()?;
    sign_in(&overview, "admin@netra.test").await?;
    let json = overview
        .call("/api/admin_overview", &[])
        .await?
        .text()
        .await?;
    ensure!(
        json.contains("op-a@netra.test") && !json.contains("$argon2"),
        "admin overview lists staff without hashes"
    );
    let log = overview.call("/api/audit_log", &[]).await?.text().await?;
    ensure!(
        log.contains("sign_in") && log.contains("sign_out") && log.contains("127.0.0.1"),
        "audit log: {log}"
    );
    Ok(())
}

/// Failed sign-ins on one login make the next attempt wait (429 with `Retry-After`), the same
/// for a login that does not exist, and never lock the owner out; one address is limited over
/// all the logins it tries.
async fn failed_sign_ins_delay_the_login_and_floods_get_429(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    world(&app).await?;
    let browser = app.browser()?;
    let attempt = |login: &'static str, password: &'static str| {
        let browser = &browser;
        async move {
            browser
                .call("/api/sign_in", &[("login", login), ("password", password)])
                .await
        }
    };
    let retry_after = |res: &reqwest::Response| -> Result<u64> {
        res.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .context("Retry-After")
    };
    let mut answers = Vec::new();
    for login in ["op-a@netra.test", "tidak-ada@netra.test"] {
        let mut statuses = Vec::new();
        for _ in 0..5 {
            let res = attempt(login, "salah-salah-salah").await?;
            statuses.push(res.status().as_u16());
            if res.status() == StatusCode::TOO_MANY_REQUESTS {
                ensure!(retry_after(&res)? == 1, "the first delay is one second");
                let text = res.text().await?;
                ensure!(text == r#"{"TooManyRequests":1}"#, "{text}");
            }
        }
        answers.push(statuses);
    }
    ensure!(
        answers[0] == [422, 422, 422, 422, 429],
        "three free failures, then a delay: {answers:?}"
    );
    ensure!(
        answers[0] == answers[1],
        "an unknown login is answered the same: {answers:?}"
    );
    // Even the right password waits out the delay; then it works: no lock-out.
    let res = attempt("op-a@netra.test", PASSWORD).await?;
    ensure!(
        res.status() == StatusCode::TOO_MANY_REQUESTS,
        "{}",
        res.status()
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let res = attempt("op-a@netra.test", PASSWORD).await?;
    ensure!(
        res.status().is_success(),
        "after the delay: {}",
        res.status()
    );
    // One address trying many logins runs out of its window.
    let mut refused = None;
    for i in 0..40 {
        let login = format!("orang-{i}@netra.test");
        let res = browser
            .call(
                "/api/sign_in",
                &[("login", &login), ("password", "salah-salah-salah")],
            )
            .await?;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some((i, retry_after(&res)?));
            break;
        }
    }
    let (at, wait) = refused.context("no 429 after 40 attempts from one address")?;
    ensure!((1..=300).contains(&wait), "retry after {wait}");
    ensure!(
        at >= 15,
        "the address window is not the per-login one: refused at {at}"
    );
    Ok(())
}

async fn activation_codes_work_once_and_expire(backend: Backend) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let w = world(&app).await?;
    let operator = app.browser()?;
    sign_in(&operator, "op-b@netra.test").await?;
    let issued = issue_code(&operator, w.employee_b).await?;
    let code = issued["code"].as_str().context("code")?.to_string();
    ensure!(
        issued["login"] == NIP_OTHER,
        "the learner's login is the NIP"
    );
    // Someone types her NIP while the code waits: a new code (a reset) ends that session.
    let typed_early = app.browser()?;
    typed_early.identify(NIP_OTHER, "Siti Aminah").await?;
    // Codes for a whole unit retire the one above: only the newest works.
    let unit: serde_json::Value = operator
        .call(
            "/api/issue_unit_codes",
            &[("unit_kerja", "Dinas  Pendidikan")],
        )
        .await?
        .json()
        .await?;
    let codes = unit.as_array().context("list of codes")?;
    ensure!(
        codes.len() == 1 && codes[0]["login"] == NIP_OTHER,
        "unit codes: {unit}"
    );
    let stale = app
        .browser()?
        .call(
            "/api/activate",
            &[
                ("login", NIP_OTHER),
                ("code", &code),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await?;
    ensure!(
        stale.status() == StatusCode::UNPROCESSABLE_ENTITY,
        "a retired code: {}",
        stale.status()
    );
    let code = codes[0]["code"].as_str().context("unit code")?.to_string();
    let ended: serde_json::Value = typed_early.call("/api/me", &[]).await?.json().await?;
    ensure!(
        ended.is_null(),
        "a new code ends the self-declared sessions on the NIP: {ended}"
    );

    // Before activating, someone (perhaps the employee, perhaps not) identified with the NIP on
    // the self-declared form; activation ends that session.
    let typed = app.browser()?;
    typed.identify(NIP_OTHER, "Siti Aminah").await?;
    let before: serde_json::Value = typed.call("/api/me", &[]).await?.json().await?;
    ensure!(
        before["assurance"] == "SelfDeclared",
        "typed identity: {before}"
    );
    let learner = app.browser()?;
    let weak = learner
        .call(
            "/api/activate",
            &[
                ("login", NIP_OTHER),
                ("code", &code),
                ("password", "password1234"),
                ("confirm", "password1234"),
            ],
        )
        .await?;
    ensure!(
        weak.status() == StatusCode::UNPROCESSABLE_ENTITY
            && weak.text().await?.contains("terlalu umum"),
        "common password refused"
    );
    // A refused password does not use up the code; the right one does, and signs in.
    let ok = learner
        .call(
            "/api/activate",
            &[
                ("login", NIP_OTHER),
                ("code", &code.to_lowercase()),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await?;
    ensure!(ok.status().is_success(), "activation: {}", ok.status());
    let me: serde_json::Value = learner.call("/api/me", &[]).await?.json().await?;
    ensure!(
        me["assurance"] == "Account" && me["nip"] == NIP_OTHER,
        "signed in as a verified learner: {me}"
    );
    let after: serde_json::Value = typed.call("/api/me", &[]).await?.json().await?;
    ensure!(
        after.is_null(),
        "activation ends every self-declared session on the NIP: {after}"
    );
    let again = app
        .browser()?
        .call(
            "/api/activate",
            &[
                ("login", NIP_OTHER),
                ("code", &code),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await?;
    ensure!(
        again.status() == StatusCode::UNPROCESSABLE_ENTITY,
        "second use of a code: {}",
        again.status()
    );

    // An expired code is refused.
    let issued: serde_json::Value = operator
        .call(
            "/api/issue_learner_code",
            &[("employee_id", &w.employee_b.to_string())],
        )
        .await?
        .json()
        .await?;
    let code = issued["code"].as_str().context("code")?.to_string();
    use app::ssr::db::entities::one_time_code;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    one_time_code::Entity::update_many()
        .col_expr(
            one_time_code::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .filter(one_time_code::Column::UsedAt.is_null())
        .exec(&app.db)
        .await?;
    let expired = app
        .browser()?
        .call(
            "/api/activate",
            &[
                ("login", NIP_OTHER),
                ("code", &code),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await?;
    ensure!(
        expired.status() == StatusCode::UNPROCESSABLE_ENTITY,
        "expired code: {}",
        expired.status()
    );
    // The reset signed the learner out everywhere.
    let me: serde_json::Value = learner.call("/api/me", &[]).await?.json().await?;
    ensure!(me.is_null(), "a reset ends the learner's sessions: {me}");
    Ok(())
}

async fn a_verified_learner_sees_only_their_own_results_and_records_verified_attempts(
    backend: Backend,
) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    world(&app).await?;
    let learner = app.browser()?;
    sign_in(&learner, NIP).await?;
    learner.start_quiz().await?;
    let attempt =
        app::ssr::db::attempts::list_for(&app.db, app::ssr::db::claims::Holder::record(1)).await?;
    use app::ssr::db::entities::attempt;
    use sea_orm::EntityTrait;
    let all = attempt::Entity::find().all(&app.db).await?;
    ensure!(
        all.len() == 1 && all[0].identity == "account" && all[0].claim_id == 0,
        "attempt identity: {all:?} {attempt:?}"
    );
    let (_, mine) = learner.page("/saya").await?;
    ensure!(
        mine.contains("identitas: akun terverifikasi"),
        "/saya shows the verified identity"
    );
    // Someone else cannot use the NIP of an activated account on the identification form.
    let other = app.browser()?;
    let res = other
        .submit_form(
            "/identitas",
            "/api/identify",
            &[
                ("nip", NIP),
                ("name", "Budi Santoso"),
                ("instansi", "Pemerintah Kabupaten X"),
                ("unit_kerja", "Dinas Y"),
                ("next", "/saya"),
            ],
        )
        .await?;
    let loc = location(&res)?;
    let err = form_error(&loc).context("identification must be refused")?;
    ensure!(err.contains("sudah memiliki akun"), "{err}");
    // Nor see the attempt.
    let res = other
        .call(
            "/api/attempt_result",
            &[("attempt_id", &all[0].id.to_string())],
        )
        .await?;
    ensure!(
        res.status() == StatusCode::UNAUTHORIZED,
        "anonymous result: {}",
        res.status()
    );
    Ok(())
}

async fn operators_export_and_delete_personal_data_of_their_own_agency_only(
    backend: Backend,
) -> Result<()> {
    let app = TestApp::spawn(backend).await?;
    let w = world(&app).await?;
    // The learner of A takes a quiz, so there is something to export and keep.
    let learner = app.browser()?;
    sign_in(&learner, NIP).await?;
    learner.start_quiz().await?;
    let operator = app.browser()?;
    sign_in(&operator, "op-a@netra.test").await?;
    let a = w.employee_a.to_string();
    let export = operator
        .client
        .get(operator.url("/api/export_employee"))
        .query(&[("employee_id", &a)])
        .send()
        .await?;
    ensure!(export.status().is_success(), "export: {}", export.status());
    let text = export.text().await?;
    ensure!(
        text.contains(NIP)
            && text.contains("Budi Santoso")
            && text.contains("dasar-netralitas-asn"),
        "export content: {text}"
    );
    // Someone once typed his NIP with a name of their own: that too is personal data.
    db::claims::create(
        &app.db,
        w.employee_a,
        db::claims::Typed {
            name: "Nama Yang Diketik",
            instansi: "Pemkab",
            unit_kerja: "Dinas",
        },
        chrono::Utc::now(),
    )
    .await?;
    let res = operator
        .call("/api/delete_employee", &[("employee_id", &a)])
        .await?;
    ensure!(
        res.status() == StatusCode::UNPROCESSABLE_ENTITY,
        "deletion needs the confirmation box"
    );
    let res = operator
        .call(
            "/api/delete_employee",
            &[("employee_id", &a), ("confirm", "hapus")],
        )
        .await?;
    ensure!(res.status().is_success(), "delete: {}", res.status());
    let gone = db::employees::find(&app.db, w.employee_a)
        .await?
        .context("row kept for aggregates")?;
    ensure!(
        gone.nip != NIP && gone.name.contains("dihapus"),
        "personal data removed: {gone:?}"
    );
    use app::ssr::db::entities::attempt;
    use sea_orm::EntityTrait;
    ensure!(
        attempt::Entity::find().all(&app.db).await?.len() == 1,
        "the attempt stays for aggregates"
    );
    ensure!(
        db::accounts::by_login(&app.db, NIP).await?.is_none(),
        "the account is gone"
    );
    let me: serde_json::Value = learner.call("/api/me", &[]).await?.json().await?;
    ensure!(me.is_null(), "the deleted learner is signed out");
    ensure!(
        db::claims::open_of(&app.db, w.employee_a).await?.is_empty(),
        "typed claims on the NIP are deleted too"
    );
    let log = {
        let admin = app.browser()?;
        sign_in(&admin, "admin@netra.test").await?;
        admin.call("/api/audit_log", &[]).await?.text().await?
    };
    ensure!(
        log.contains("delete_employee")
            && log.contains("export_employee")
            && log.contains("198609********1003"),
        "audit with masked NIP: {log}"
    );
    ensure!(!log.contains(NIP), "the audit log never holds a full NIP");
    Ok(())
}
