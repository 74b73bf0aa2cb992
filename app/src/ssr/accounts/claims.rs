//! Settling self-declared claims: the employee, signed in, says "this was me" (the claim's
//! history joins their record) or "this was not me" (the claim is closed and its sessions end);
//! an operator of the employee's agency may confirm a claim with a reason kept in the audit log.
//! A confirmed claim's passes keep their level (self-declared): confirming says whose they
//! are, not that they were made signed in.

use super::learner::Me;
use super::session;
use super::sign_in::audit;
use crate::error::AppError;
use crate::ssr::db::{
    self,
    claims::ClaimStatus,
    entities::{account, learner_claim},
};
use crate::ssr::respond::{fail, OrFail};
use crate::ssr::AppState;
use chrono::Utc;

/// The employee's answer to a claim on their NIP. Only a signed-in employee decides (a claim
/// cannot vouch for another).
pub async fn decide_own(
    state: &AppState,
    me: &Me,
    claim_id: i64,
    accept: bool,
) -> Result<(), AppError> {
    if !me.is_signed_in() {
        return Err(fail(AppError::Unauthorized));
    }
    let claim = open_claim(state, claim_id, me.employee.id).await?;
    let account = session::current(state).await?;
    let reason = if accept {
        "Dikonfirmasi oleh pegawai setelah masuk"
    } else {
        "Ditolak oleh pegawai setelah masuk"
    };
    settle(state, &claim, accept, account.as_ref(), reason).await?;
    let action = if accept {
        "claim_confirmed_by_employee"
    } else {
        "claim_rejected_by_employee"
    };
    audit(
        state,
        account.as_ref(),
        action,
        &me.employee.nip,
        &claim.name,
    )
    .await
}

/// An operator confirms a claim on the NIP of an employee of their agency, with a reason.
pub async fn confirm_by_operator(
    state: &AppState,
    actor: &account::Model,
    claim_id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let agency_id = session::agency_of(actor)?;
    let reason = super::sign_in::audit_reason(
        reason,
        10,
        "Tulis alasan konfirmasi (10 sampai 300 karakter), misalnya bagaimana identitas pegawai dipastikan.",
    )?;
    let claim = db::claims::find(&state.db, claim_id)
        .await
        .or_fail()?
        .ok_or(AppError::NotFound)
        .map_err(fail)?;
    // Another agency's employee is not found, whatever the id.
    let employee = db::accounts::employee_in(&state.db, agency_id, claim.employee_id)
        .await
        .or_fail()?
        .ok_or(AppError::NotFound)
        .map_err(fail)?;
    let claim = open_claim(state, claim.id, employee.id).await?;
    settle(state, &claim, true, Some(actor), &reason).await?;
    audit(
        state,
        Some(actor),
        "claim_confirmed_by_operator",
        &employee.nip,
        &format!("{}: {reason}", claim.name),
    )
    .await
}

async fn open_claim(
    state: &AppState,
    claim_id: i64,
    employee_id: i64,
) -> Result<learner_claim::Model, AppError> {
    match db::claims::find(&state.db, claim_id).await.or_fail()? {
        Some(c) if c.employee_id == employee_id => match ClaimStatus::of(&c) {
            ClaimStatus::Open => Ok(c),
            _ => Err(fail(AppError::Conflict(
                "Klaim ini sudah diputuskan sebelumnya.".into(),
            ))),
        },
        _ => Err(fail(AppError::NotFound)),
    }
}

/// Confirms (merging the claim's history into the record and recomputing the dashboards'
/// summary) or rejects (ending the claim's sessions), in one transaction.
async fn settle(
    state: &AppState,
    claim: &learner_claim::Model,
    accept: bool,
    by: Option<&account::Model>,
    reason: &str,
) -> Result<(), AppError> {
    let status = if accept {
        ClaimStatus::Confirmed
    } else {
        ClaimStatus::Rejected
    };
    let (claim, by, reason) = (claim.clone(), by.map(|a| a.id), reason.to_string());
    let decided = state
        .writer
        .run(move |txn| async move {
            db::employees::lock(&txn, claim.employee_id).await?;
            if !db::claims::decide(&txn, claim.id, status, by, &reason, Utc::now()).await? {
                txn.rollback().await?;
                return Ok(false);
            }
            if accept {
                db::claims::merge(&txn, &claim).await?;
                db::results::recompute(&txn, claim.employee_id).await?;
            } else {
                db::sessions::delete_all_of(&txn, db::sessions::Kind::Learner, claim.id).await?;
            }
            txn.commit().await.map(|_| true)
        })
        .await
        .or_fail()?;
    if !decided {
        return Err(fail(AppError::Conflict(
            "Klaim ini sudah diputuskan sebelumnya.".into(),
        )));
    }
    Ok(())
}
