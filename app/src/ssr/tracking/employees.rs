//! Operator actions on their agency's roster. Callers have checked the operator role; every
//! lookup here includes the operator's agency, so ids of another agency are simply not found.

use crate::error::AppError;
use crate::model::auth::{mask_nip, IssuedCode, Role, RosterEmployee};
use crate::model::auth::{EmployeeDetail, RosterPage};
use crate::ssr::accounts::session::{self, ACCOUNTS};
use crate::ssr::accounts::{learner, sign_in};
use crate::ssr::db::{
    self,
    accounts::NewAccount,
    claims::Holder,
    entities::{account, employee},
};
use crate::ssr::learning::{certificates, results};
use crate::ssr::respond::{fail, OrFail};
use crate::ssr::time::format_wib;
use crate::ssr::AppState;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};

const PAGE: u64 = 200;

async fn find(
    state: &AppState,
    actor: &account::Model,
    employee_id: i64,
) -> Result<employee::Model, AppError> {
    let agency = session::agency_of(actor)?;
    db::accounts::employee_in(&state.db, agency, employee_id)
        .await
        .or_fail()?
        .ok_or(AppError::NotFound)
        .map_err(fail)
}

/// The roster lines of a page of employees: three queries however long the page is.
async fn rows(state: &AppState, page: &[employee::Model]) -> Result<Vec<RosterEmployee>, AppError> {
    use db::entities::attempt;
    use sea_orm::sea_query::{Expr, Func};
    use sea_orm::QuerySelect;
    let ids: Vec<i64> = page.iter().map(|e| e.id).collect();
    let accounts: std::collections::HashMap<i64, bool> = account::Entity::find()
        .filter(account::Column::EmployeeId.is_in(ids.clone()))
        .all(&state.db)
        .await
        .or_fail()?
        .into_iter()
        .filter_map(|a| a.employee_id.map(|id| (id, a.password_hash.is_some())))
        .collect();
    let stats: std::collections::HashMap<i64, (i64, Option<i32>)> = attempt::Entity::find()
        .select_only()
        .column(attempt::Column::EmployeeId)
        .column_as(Expr::from(Func::count(Expr::col(attempt::Column::Id))), "n")
        .column_as(
            Expr::from(Func::max(Expr::col(attempt::Column::Score))),
            "best",
        )
        .filter(attempt::Column::EmployeeId.is_in(ids))
        .group_by(attempt::Column::EmployeeId)
        .into_tuple::<(i64, i64, Option<i32>)>()
        .all(&state.db)
        .await
        .or_fail()?
        .into_iter()
        .map(|(id, n, best)| (id, (n, best)))
        .collect();
    Ok(page
        .iter()
        .map(|e| {
            let (attempts, best) = stats.get(&e.id).copied().unwrap_or((0, None));
            RosterEmployee {
                id: e.id,
                nip: e.nip.clone(),
                name: e.name.clone(),
                unit_kerja: e.unit_kerja.clone(),
                account_activated: accounts.get(&e.id).copied(),
                attempts: attempts.max(0) as u32,
                best_score: best.map(|s| s.max(0) as u32),
            }
        })
        .collect())
}

pub async fn roster(
    state: &AppState,
    actor: &account::Model,
    q: &str,
) -> Result<RosterPage, AppError> {
    let agency_id = session::agency_of(actor)?;
    if q.chars().count() > 100 {
        return Err(fail(AppError::invalid(
            "q",
            "Kata kunci terlalu panjang (maksimal 100 karakter).",
        )));
    }
    let agency = db::accounts::agency(&state.db, agency_id)
        .await
        .or_fail()?
        .ok_or(AppError::Forbidden)
        .map_err(fail)?;
    let total = db::accounts::roster_count(&state.db, agency_id)
        .await
        .or_fail()?;
    let listed = db::accounts::roster(&state.db, agency_id, q, PAGE)
        .await
        .or_fail()?;
    let employees = rows(state, &listed).await?;
    Ok(RosterPage {
        agency: agency.name,
        total,
        employees,
        transfers: super::transfers::waiting_for_agency(state, agency_id).await?,
    })
}

pub async fn add_employee(
    state: &AppState,
    actor: &account::Model,
    nip: &str,
    name: &str,
    unit_kerja: &str,
) -> Result<(), AppError> {
    let agency_id = session::agency_of(actor)?;
    let agency = db::accounts::agency(&state.db, agency_id)
        .await
        .or_fail()?
        .ok_or(AppError::Forbidden)
        .map_err(fail)?;
    // The same rules as the learner's form; the agency is the operator's own.
    let identity = learner::validate(nip, name, &agency.name, unit_kerja).map_err(fail)?;
    match db::employees::find_by_nip(&state.db, identity.nip.as_str())
        .await
        .or_fail()?
    {
        // Another agency lists them: a transfer request; nothing of theirs is shown here until
        // they (signed in) or an admin accept it.
        Some(existing) if existing.agency_id.is_some_and(|a| a != agency_id) => {
            let row = crate::model::roster::RosterRow {
                line: 0,
                nip: identity.nip.as_str().to_string(),
                name: identity.name.clone(),
                jabatan: String::new(),
                golongan: String::new(),
                jenis: String::new(),
                units: vec![identity.unit_kerja.clone()],
                unit_code: String::new(),
            };
            super::transfers::request(
                &state.db,
                &existing,
                agency_id,
                &row,
                Some(actor.id),
                chrono::Utc::now(),
            )
            .await
            .or_fail()?;
            return sign_in::audit(
                state,
                Some(actor),
                "transfer_requested",
                &mask_nip(identity.nip.as_str()),
                &identity.unit_kerja,
            )
            .await;
        }
        Some(existing) => {
            let (id, unit) = (existing.id, existing.unit_id);
            let mut active: employee::ActiveModel = existing.into();
            active.name = Set(identity.name.clone());
            active.instansi = Set(agency.name.clone());
            active.unit_kerja = Set(identity.unit_kerja.clone());
            active.agency_id = Set(Some(agency_id));
            active.update(&state.db).await.or_fail()?;
            // A self-declared learner joining the roster brings their results along.
            db::results::placed(&state.db, id, Some(agency_id), unit)
                .await
                .or_fail()?;
        }
        None => {
            employee::ActiveModel {
                nip: Set(identity.nip.as_str().to_string()),
                name: Set(identity.name.clone()),
                instansi: Set(agency.name.clone()),
                unit_kerja: Set(identity.unit_kerja.clone()),
                agency_id: Set(Some(agency_id)),
                ..Default::default()
            }
            .insert(&state.db)
            .await
            .or_fail()?;
        }
    }
    sign_in::audit(
        state,
        Some(actor),
        "roster_add",
        &mask_nip(identity.nip.as_str()),
        &identity.unit_kerja,
    )
    .await
}

pub async fn detail(
    state: &AppState,
    actor: &account::Model,
    employee_id: i64,
) -> Result<EmployeeDetail, AppError> {
    let e = find(state, actor, employee_id).await?;
    let record = Holder::record(e.id);
    let attempts = db::attempts::list_for(&state.db, record).await.or_fail()?;
    let credits = db::certificates::of_holder(&state.db, record)
        .await
        .or_fail()?
        .into_iter()
        .map(|c| crate::model::auth::Credit {
            title: c.title,
            organiser: c.organiser,
            date: certificates::format_date(c.event_date),
            jp: c.jp.max(0) as u32,
            number: c.number,
            revoked: c.revoked_at.is_some(),
        })
        .collect();
    Ok(EmployeeDetail {
        employee: rows(state, std::slice::from_ref(&e))
            .await?
            .pop()
            .ok_or(AppError::Internal)
            .map_err(fail)?,
        attempts: attempts
            .iter()
            .map(|a| results::attempt_summary(state, a))
            .collect(),
        credits,
        claims: results::pending_claims(state, e.id).await?,
        limited_modules: state
            .catalog
            .modules()
            .iter()
            .filter(|m| m.attempt_limit.is_some() && !m.is_test_only())
            .map(|m| (m.slug.clone(), m.title.clone()))
            .collect(),
    })
}

/// Creates the learner's account on first use (login = NIP) and issues a one-time code.
pub async fn issue_code(
    state: &AppState,
    actor: &account::Model,
    employee_id: i64,
) -> Result<IssuedCode, AppError> {
    let e = find(state, actor, employee_id).await?;
    let account = match db::accounts::by_employee(&state.db, e.id).await.or_fail()? {
        Some(a) => a,
        None => db::accounts::create(
            &state.db,
            NewAccount {
                role: Role::Learner.code(),
                login: &e.nip,
                display_name: &e.name,
                password_hash: None,
                agency_id: e.agency_id,
                employee_id: Some(e.id),
            },
        )
        .await
        .or_fail()?,
    };
    // A reset closes every open session of the account.
    ACCOUNTS.close_all_of(state, account.id).await?;
    let (code, expires) = sign_in::issue_code(state, actor, &account).await?;
    Ok(IssuedCode {
        login: e.nip,
        name: e.name,
        code,
        expires: format_wib(expires),
    })
}

pub async fn issue_unit_codes(
    state: &AppState,
    actor: &account::Model,
    unit_kerja: &str,
) -> Result<Vec<IssuedCode>, AppError> {
    let agency_id = session::agency_of(actor)?;
    let unit = unit_kerja.split_whitespace().collect::<Vec<_>>().join(" ");
    if unit.is_empty() {
        return Err(fail(AppError::invalid(
            "unit_kerja",
            "Tulis nama unit kerja persis seperti di roster.",
        )));
    }
    let members: Vec<employee::Model> = employee::Entity::find()
        .filter(employee::Column::AgencyId.eq(agency_id))
        .filter(employee::Column::UnitKerja.eq(unit.clone()))
        .all(&state.db)
        .await
        .or_fail()?;
    if members.is_empty() {
        return Err(fail(AppError::invalid(
            "unit_kerja",
            "Tidak ada pegawai dengan unit kerja ini di roster Anda.",
        )));
    }
    let mut codes = Vec::new();
    for e in members {
        let activated = db::accounts::by_employee(&state.db, e.id)
            .await
            .or_fail()?
            .is_some_and(|a| a.password_hash.is_some());
        if !activated {
            codes.push(issue_code(state, actor, e.id).await?);
        }
    }
    Ok(codes)
}

pub async fn export(
    state: &AppState,
    actor: &account::Model,
    employee_id: i64,
) -> Result<String, AppError> {
    let e = find(state, actor, employee_id).await?;
    let attempts = db::attempts::list_for(&state.db, Holder::record(e.id))
        .await
        .or_fail()?;
    let mut attempt_json = Vec::new();
    for a in &attempts {
        let answers = db::attempts::answers_of(&state.db, a.id).await.or_fail()?;
        attempt_json.push(serde_json::json!({
            "modul": a.module_slug,
            "identitas": a.identity,
            "instansi_saat_itu": a.instansi_at_time,
            "unit_kerja_saat_itu": a.unit_kerja_at_time,
            "mulai": a.started_at.to_rfc3339(),
            "selesai": a.submitted_at.map(|t| t.to_rfc3339()),
            "nilai": a.score,
            "lulus": a.passed,
            "terlambat": a.late,
            "jawaban": answers.iter().map(|x| serde_json::json!({ "soal": x.question_id, "pilihan": x.chosen, "benar": x.correct })).collect::<Vec<_>>(),
        }));
    }
    let read = db::progress::read_by_module(&state.db, Holder::record(e.id))
        .await
        .or_fail()?;
    let account = db::accounts::by_employee(&state.db, e.id).await.or_fail()?;
    let doc = serde_json::json!({
        "nip": e.nip,
        "nama": e.name,
        "instansi": e.instansi,
        "unit_kerja": e.unit_kerja,
        "akun": account.map(|a| serde_json::json!({ "login": a.login, "aktif": a.password_hash.is_some() })),
        "materi_dibaca": read,
        "percobaan": attempt_json,
    });
    sign_in::audit(state, Some(actor), "export_employee", &mask_nip(&e.nip), "").await?;
    serde_json::to_string_pretty(&doc)
        .map_err(|e| fail(AppError::internal("encoding an employee export", e)))
}

/// Removes the person and keeps the numbers: the account, sessions and reading progress go; the
/// employee row loses NIP and name; attempts and answers stay, attributed to agency and unit,
/// so completion rates and question statistics remain right.
pub async fn delete(
    state: &AppState,
    actor: &account::Model,
    employee_id: i64,
) -> Result<(), AppError> {
    use crate::ssr::db::entities::{agency_transfer, learner_claim, lesson_progress};
    let e = find(state, actor, employee_id).await?;
    let txn = state.db.begin().await.or_fail()?;
    if let Some(account) = db::accounts::by_employee(&txn, e.id).await.or_fail()? {
        db::accounts::delete_account(&txn, account.id)
            .await
            .or_fail()?;
    }
    db::sessions::delete_learner_sessions_of_employee(&txn, e.id)
        .await
        .or_fail()?;
    lesson_progress::Entity::delete_many()
        .filter(lesson_progress::Column::EmployeeId.eq(e.id))
        .exec(&txn)
        .await
        .or_fail()?;
    // What others typed with the NIP (names, units) and transfer requests (a roster row) go too.
    learner_claim::Entity::delete_many()
        .filter(learner_claim::Column::EmployeeId.eq(e.id))
        .exec(&txn)
        .await
        .or_fail()?;
    agency_transfer::Entity::delete_many()
        .filter(agency_transfer::Column::EmployeeId.eq(e.id))
        .exec(&txn)
        .await
        .or_fail()?;
    // Certificates keep their number (it was issued) but no longer name the person.
    db::certificates::anonymise_holder(&txn, e.id, chrono::Utc::now())
        .await
        .or_fail()?;
    let mut active: employee::ActiveModel = e.clone().into();
    // 18 characters like a NIP, but never a valid one (it starts with a letter).
    active.nip = Set(format!("X{:017}", e.id));
    active.name = Set("(data dihapus)".to_string());
    active.update(&txn).await.or_fail()?;
    txn.commit().await.or_fail()?;
    sign_in::audit(
        state,
        Some(actor),
        "delete_employee",
        &mask_nip(&e.nip),
        &e.unit_kerja,
    )
    .await
}
