//! Certificates for mandatory modules: issued to everyone an assignment covers who passed in
//! its cycle, on the pass itself ([`CertifyOnPass`]), on the learner's next visit, or on an
//! operator's bulk download.

use super::import::{agency_of, unit_of_agency};
use crate::error::AppError;
use crate::model::assurance::Assurance;
use crate::ssr::accounts::learner::Me;
use crate::ssr::db::dashboards::*;
use crate::ssr::db::{
    self,
    entities::{account, agency, assignment, certificate, employee},
};
use crate::ssr::respond::OrFail;
use crate::ssr::time::zone_offset;
use crate::ssr::tracking::assignments::*;
use crate::ssr::AppState;
use chrono::{DateTime, Offset, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::HashMap;

/// Issues the missing certificates of everyone the assignment covers who passed in its cycle
/// (optionally only within a unit's sub-tree, or only one employee), and returns the
/// certificates of all of them in number order. A certificate is dated on the first pass of the
/// cycle, in the assignment's time zone.
pub(crate) async fn certify(
    state: &AppState,
    agency: &agency::Model,
    a: &assignment::Model,
    within: Option<&str>,
    only: Option<i64>,
) -> Result<Vec<certificate::Model>, AppError> {
    let Some(module) = state.catalog.module(&a.module_slug) else {
        return Ok(Vec::new());
    };
    let now = Utc::now();
    let scope = scope_of(&state.db, a, now).await.or_fail()?;
    let mut sql = Sql::new(state.db.get_database_backend());
    sql.push(
        "SELECT t.id AS id, t.first_passed_at AS first_passed_at, \
         t.last_passed_at AS last_passed_at, t.level_passed_at AS level_passed_at, \
         t.pass_level AS pass_level FROM (",
    );
    employees_sql(&mut sql, &scope, within);
    sql.push(") t WHERE t.status = 0");
    if let Some(id) = only {
        sql.push(" AND t.id = ").bind(id);
    }
    let passed: Vec<(i64, DateTime<Utc>, Assurance)> = state
        .db
        .query_all_raw(sql.statement())
        .await
        .or_fail()?
        .iter()
        .map(
            |row| -> Result<Option<(i64, DateTime<Utc>, Assurance)>, DbErr> {
                let id: i64 = row.try_get("", "id")?;
                let level = row
                    .try_get::<Option<String>>("", "pass_level")?
                    .map_or(Assurance::SelfDeclared, |c| Assurance::from_code(&c));
                Ok(scope.cycle_pass(row)?.map(|at| (id, at, level)))
            },
        )
        .collect::<Result<Vec<_>, _>>()
        .or_fail()?
        .into_iter()
        .flatten()
        .collect();
    // One learner's pass looks up that learner's certificate only: a province-wide cycle may
    // hold 100,000 of them.
    let held = match only {
        Some(id) => db::certificates::for_assignment_holder(&state.db, a.id, id)
            .await
            .or_fail()?
            .into_iter()
            .collect::<Vec<_>>(),
        None => db::certificates::of_assignment(&state.db, a.id)
            .await
            .or_fail()?,
    };
    let mut held: HashMap<i64, certificate::Model> =
        held.into_iter().map(|c| (c.employee_id, c)).collect();
    let offset = zone_offset(&a.time_zone).unwrap_or_else(|| Utc.fix());
    for (employee_id, passed_at, level) in &passed {
        if held.contains_key(employee_id) {
            continue;
        }
        let Some(holder) = db::employees::find(&state.db, *employee_id)
            .await
            .or_fail()?
        else {
            continue;
        };
        let cert = crate::ssr::learning::certificates::issue(
            state,
            crate::ssr::learning::certificates::Award {
                holder: &holder,
                title: &module.title,
                organiser: &agency.name,
                event_date: passed_at.with_timezone(&offset).date_naive(),
                jp: i32::try_from(module.jp).unwrap_or(i32::MAX),
                session_id: None,
                module_slug: Some(&a.module_slug),
                assignment_id: Some(a.id),
                claim_id: 0,
                assurance: *level,
            },
            now,
        )
        .await?;
        held.insert(*employee_id, cert);
    }
    let mut certs: Vec<certificate::Model> = passed
        .iter()
        .filter_map(|(id, _, _)| held.remove(id))
        .collect();
    certs.sort_by_key(|c| (c.year, c.seq));
    Ok(certs)
}

/// After a learner passes a module: their certificate for every current assignment of it that
/// covers them. Failures are logged, never returned: the submission is stored already, and the
/// certificate is issued again on the next pass, page view or bulk download.
pub async fn certify_learner(state: &AppState, learner: &employee::Model, slug: &str) {
    let Some(agency_id) = learner.agency_id else {
        return;
    };
    let outcome = async {
        let Some(agency) = db::accounts::agency(&state.db, agency_id).await.or_fail()? else {
            return Ok(());
        };
        let assignments = current(&state.db, agency_id).await.or_fail()?;
        for a in assignments.iter().filter(|a| a.module_slug == slug) {
            certify(state, &agency, a, None, Some(learner.id)).await?;
        }
        Ok::<_, AppError>(())
    }
    .await;
    if let Err(e) = outcome {
        tracing::warn!(error = ?e, employee = learner.id, module = slug, "module certificate not issued");
    }
}

/// The certificates of one unit's sub-tree for an assignment (issuing any that are due), for the
/// operator's ZIP download.
pub async fn unit_certificates(
    state: &AppState,
    actor: &account::Model,
    assignment_id: i64,
    unit_id: i64,
) -> Result<(String, Vec<certificate::Model>), AppError> {
    let agency = agency_of(state, actor).await?;
    let a = find(state, &agency, assignment_id).await?;
    let unit = unit_of_agency(state, &agency, unit_id).await?;
    let certs = certify(state, &agency, &a, Some(&unit.path), None).await?;
    let label = format!("{}-{}", a.module_slug, unit.name);
    Ok((label, certs))
}

/// Reacts to the quiz engine's passes: a pass of an assigned module earns its certificate.
pub struct CertifyOnPass;

impl crate::ssr::learning::quiz::OnPass for CertifyOnPass {
    async fn passed(&self, state: &AppState, learner: &Me, slug: &str) {
        // A claim's pass is not the employee's until the claim is confirmed.
        if learner.holder.is_record() {
            certify_learner(state, &learner.employee, slug).await;
        }
    }
}
