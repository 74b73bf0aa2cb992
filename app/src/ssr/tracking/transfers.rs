//! Cross-agency claims: an operator who adds (or imports) an employee another agency lists gets a
//! pending transfer, not the employee. Nothing of the employee's history is shown to the new
//! agency until the employee, signed in, accepts (or an admin approves); then the roster row is
//! applied and their record follows them.

use super::roster;
use crate::error::AppError;
use crate::model::auth::{mask_nip, Role};
use crate::model::roster::RosterRow;
use crate::model::tracking::TransferView;
use crate::ssr::accounts::learner::Me;
use crate::ssr::accounts::{session, sign_in::audit};
use crate::ssr::db::{
    self,
    entities::{account, agency, agency_transfer, employee},
};
use crate::ssr::respond::{db_error, fail, OrFail};
use crate::ssr::time::format_wib;
use crate::ssr::AppState;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

const PENDING: &str = "pending";

/// Records (once) that agency `to` asks for `employee`, with the roster row to apply.
pub(crate) async fn request(
    db: &impl ConnectionTrait,
    employee: &employee::Model,
    to: i64,
    row: &RosterRow,
    requested_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(from) = employee.agency_id.filter(|a| *a != to) else {
        return Ok(());
    };
    let pending = agency_transfer::Entity::find()
        .filter(agency_transfer::Column::EmployeeId.eq(employee.id))
        .filter(agency_transfer::Column::ToAgencyId.eq(to))
        .filter(agency_transfer::Column::Status.eq(PENDING))
        .one(db)
        .await?;
    let row_json = serde_json::to_string(row).map_err(|e| DbErr::Custom(e.to_string()))?;
    match pending {
        // The newest roster row wins.
        Some(p) => {
            let mut active: agency_transfer::ActiveModel = p.into();
            active.roster_row = Set(row_json);
            active.update(db).await?;
        }
        None => {
            agency_transfer::ActiveModel {
                employee_id: Set(employee.id),
                from_agency_id: Set(from),
                to_agency_id: Set(to),
                roster_row: Set(row_json),
                requested_by: Set(requested_by),
                requested_at: Set(now),
                status: Set(PENDING.into()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

async fn views(
    state: &AppState,
    transfers: Vec<agency_transfer::Model>,
) -> Result<Vec<TransferView>, AppError> {
    let mut out = Vec::with_capacity(transfers.len());
    for t in transfers {
        let row: RosterRow = serde_json::from_str(&t.roster_row)
            .map_err(|e| fail(AppError::internal("a stored roster row", e)))?;
        let name_of = |a: Option<agency::Model>| a.map(|a| a.name).unwrap_or_default();
        out.push(TransferView {
            id: t.id,
            name: row.name.clone(),
            nip_masked: mask_nip(&row.nip),
            from_agency: name_of(
                db::accounts::agency(&state.db, t.from_agency_id)
                    .await
                    .or_fail()?,
            ),
            to_agency: name_of(
                db::accounts::agency(&state.db, t.to_agency_id)
                    .await
                    .or_fail()?,
            ),
            unit: row.unit_label(),
            requested_at: format_wib(t.requested_at),
        });
    }
    Ok(out)
}

fn pending() -> sea_orm::Select<agency_transfer::Entity> {
    agency_transfer::Entity::find()
        .filter(agency_transfer::Column::Status.eq(PENDING))
        .order_by_asc(agency_transfer::Column::Id)
}

/// What an agency asked for and waits on (its roster page).
pub async fn waiting_for_agency(
    state: &AppState,
    agency_id: i64,
) -> Result<Vec<TransferView>, AppError> {
    let rows = pending()
        .filter(agency_transfer::Column::ToAgencyId.eq(agency_id))
        .all(&state.db)
        .await
        .or_fail()?;
    views(state, rows).await
}

/// Requests waiting for a signed-in employee's answer.
pub async fn waiting_for_employee(
    state: &AppState,
    me: &Me,
) -> Result<Vec<TransferView>, AppError> {
    if !me.is_signed_in() {
        return Ok(Vec::new());
    }
    let rows = pending()
        .filter(agency_transfer::Column::EmployeeId.eq(me.employee.id))
        .all(&state.db)
        .await
        .or_fail()?;
    views(state, rows).await
}

/// Every pending request (the admin's page).
pub async fn waiting(state: &AppState) -> Result<Vec<TransferView>, AppError> {
    let rows = pending().all(&state.db).await.or_fail()?;
    views(state, rows).await
}

/// The signed-in employee accepts (the new agency gets them, with their record) or declines.
pub async fn decide_by_employee(
    state: &AppState,
    me: &Me,
    transfer_id: i64,
    accept: bool,
) -> Result<(), AppError> {
    if !me.is_signed_in() {
        return Err(fail(AppError::Unauthorized));
    }
    let t = find_pending(state, transfer_id)
        .await?
        .filter(|t| t.employee_id == me.employee.id)
        .ok_or(AppError::NotFound)
        .map_err(fail)?;
    let actor = session::current(state).await?;
    settle(state, &t, accept, actor.as_ref()).await?;
    let action = if accept {
        "transfer_accepted_by_employee"
    } else {
        "transfer_declined_by_employee"
    };
    audit(state, actor.as_ref(), action, &me.employee.nip, "").await
}

/// An admin approves a request (for an employee who cannot sign in, say).
pub async fn approve_by_admin(
    state: &AppState,
    admin: &account::Model,
    transfer_id: i64,
) -> Result<(), AppError> {
    if Role::from_code(&admin.role) != Some(Role::Admin) {
        return Err(fail(AppError::Forbidden));
    }
    let t = find_pending(state, transfer_id)
        .await?
        .ok_or(AppError::NotFound)
        .map_err(fail)?;
    settle(state, &t, true, Some(admin)).await?;
    let employee = db::employees::find(&state.db, t.employee_id)
        .await
        .or_fail()?;
    let target = employee.map(|e| e.nip).unwrap_or_default();
    audit(
        state,
        Some(admin),
        "transfer_approved_by_admin",
        &target,
        "",
    )
    .await
}

async fn find_pending(
    state: &AppState,
    id: i64,
) -> Result<Option<agency_transfer::Model>, AppError> {
    Ok(agency_transfer::Entity::find_by_id(id)
        .one(&state.db)
        .await
        .or_fail()?
        .filter(|t| t.status == PENDING))
}

/// Accepting applies the roster row in the new agency (units, unit history, results and the
/// employee's account follow); declining only closes the request. One transaction.
async fn settle(
    state: &AppState,
    t: &agency_transfer::Model,
    accept: bool,
    by: Option<&account::Model>,
) -> Result<(), AppError> {
    let now = Utc::now();
    let status = match (accept, by.map(|a| a.role.as_str())) {
        (false, _) => "rejected",
        (true, Some("admin")) => "approved",
        (true, _) => "accepted",
    };
    let (t, by) = (t.clone(), by.map(|a| a.id));
    state
        .writer
        .run(move |txn| async move {
            let done = agency_transfer::Entity::update_many()
                .col_expr(agency_transfer::Column::Status, Expr::value(status))
                .col_expr(agency_transfer::Column::DecidedAt, Expr::value(now))
                .col_expr(agency_transfer::Column::DecidedBy, Expr::value(by))
                .filter(agency_transfer::Column::Id.eq(t.id))
                .filter(agency_transfer::Column::Status.eq(PENDING))
                .exec(&txn)
                .await
                .map_err(db_error)?;
            if done.rows_affected != 1 {
                txn.rollback().await.map_err(db_error)?;
                return Err(AppError::Conflict(
                    "Permintaan ini sudah diputuskan sebelumnya.".into(),
                ));
            }
            if accept {
                let to = db::accounts::agency(&txn, t.to_agency_id)
                    .await
                    .map_err(db_error)?
                    .ok_or(AppError::NotFound)?;
                let row: RosterRow = serde_json::from_str(&t.roster_row)
                    .map_err(|e| AppError::internal("a stored roster row", e))?;
                let current = db::employees::find(&txn, t.employee_id)
                    .await
                    .map_err(db_error)?;
                let mut units = roster::units_by_key(&txn, to.id).await.map_err(db_error)?;
                roster::apply_row(
                    &txn,
                    to.id,
                    &to.name,
                    &row,
                    current.as_ref(),
                    &mut units,
                    now,
                )
                .await
                .map_err(db_error)?;
                // The employee's account moves with them; other agencies' requests lapse.
                account::Entity::update_many()
                    .col_expr(account::Column::AgencyId, Expr::value(Some(to.id)))
                    .filter(account::Column::EmployeeId.eq(t.employee_id))
                    .exec(&txn)
                    .await
                    .map_err(db_error)?;
                agency_transfer::Entity::update_many()
                    .col_expr(agency_transfer::Column::Status, Expr::value("rejected"))
                    .col_expr(agency_transfer::Column::DecidedAt, Expr::value(now))
                    .filter(agency_transfer::Column::EmployeeId.eq(t.employee_id))
                    .filter(agency_transfer::Column::Status.eq(PENDING))
                    .exec(&txn)
                    .await
                    .map_err(db_error)?;
            }
            txn.commit().await.map_err(db_error)
        })
        .await
        .or_fail()
}
