//! The SQL behind the BKPSDM dashboards: an assignment's scope (who it covers, from when), status per
//! employee computed from `module_results`, grouped tallies rolled up the unit tree, and the
//! drill-down's filters. Built with placeholders in the backend's style.

use crate::model::assurance::Assurance;
use crate::model::tracking::{Status, Tally, UnitRow};
use crate::ssr::db::entities::{agency, assignment, assignment_target, unit};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, Statement, Value,
};
use std::collections::HashMap;

/// SQL with placeholders in the backend's style (`?` or `$n`).
pub(crate) struct Sql {
    backend: DbBackend,
    pub(crate) text: String,
    values: Vec<Value>,
}

impl Sql {
    pub(crate) fn new(backend: DbBackend) -> Self {
        Sql {
            backend,
            text: String::new(),
            values: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    pub(crate) fn bind(&mut self, v: impl Into<Value>) -> &mut Self {
        self.values.push(v.into());
        match self.backend {
            DbBackend::Postgres => self.text.push_str(&format!("${}", self.values.len())),
            _ => self.text.push('?'),
        }
        self
    }

    pub(crate) fn statement(&self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text.clone(), self.values.clone())
    }
}

/// What decides each employee's status on one assignment.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub agency_id: i64,
    pub assignment_id: i64,
    pub module_slug: String,
    pub whole_agency: bool,
    /// Paths of the targeted units ("/3/17/"): each includes its sub-units.
    pub unit_paths: Vec<String>,
    /// Passes, submissions and activity before this instant belong to an earlier cycle.
    pub counts_from: Option<DateTime<Utc>>,
    pub deadline: DateTime<Utc>,
    pub past_deadline: bool,
    /// The weakest level whose pass counts; weaker passes are shown as `BelowLevel`.
    pub required: Assurance,
}

/// The `module_results` column holding the last pass at (or above) a level.
pub(crate) fn passed_column(level: Assurance) -> &'static str {
    match level {
        Assurance::SelfDeclared => "mr.last_passed_at",
        Assurance::Account => "mr.account_passed_at",
        Assurance::Sso => "mr.sso_passed_at",
    }
}

/// Which columns hold the employee, their agency and their unit in a query's main table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Columns {
    employee: &'static str,
    agency: &'static str,
    unit: &'static str,
}

pub(crate) const EMPLOYEES: Columns = Columns {
    employee: "e.id",
    agency: "e.agency_id",
    unit: "e.unit_id",
};
pub(crate) const RESULTS: Columns = Columns {
    employee: "mr.employee_id",
    agency: "mr.agency_id",
    unit: "mr.unit_id",
};

impl Scope {
    /// `agency = ? AND (targets) [AND within a unit's sub-tree]` on the given columns.
    fn filter(&self, sql: &mut Sql, cols: Columns, within: Option<&str>) {
        sql.push(&format!(" {} = ", cols.agency))
            .bind(self.agency_id);
        if !self.whole_agency {
            sql.push(&format!(
                " AND ({} IN (SELECT employee_id FROM assignment_targets WHERE assignment_id = ",
                cols.employee
            ))
            .bind(self.assignment_id)
            .push(" AND employee_id IS NOT NULL)");
            for path in &self.unit_paths {
                sql.push(&format!(
                    " OR {} IN (SELECT id FROM units WHERE path LIKE ",
                    cols.unit
                ))
                .bind(format!("{path}%"))
                .push(")");
            }
            sql.push(")");
        }
        if let Some(path) = within {
            sql.push(&format!(
                " AND {} IN (SELECT id FROM units WHERE path LIKE ",
                cols.unit
            ))
            .bind(format!("{path}%"))
            .push(")");
        }
    }

    /// The filter on employees `e` (for queries that join attempts to employees).
    pub(crate) fn employee_filter(&self, sql: &mut Sql) {
        self.filter(sql, EMPLOYEES, None);
    }

    /// `FROM ... WHERE ...` for the employees the assignment covers, optionally within a unit's
    /// sub-tree, with their results joined as `mr`.
    fn source(&self, sql: &mut Sql, within: Option<&str>) {
        sql.push(
            " FROM employees e LEFT JOIN module_results mr ON mr.employee_id = e.id AND mr.module_slug = ",
        )
        .bind(self.module_slug.clone())
        .push(" WHERE");
        self.filter(sql, EMPLOYEES, within);
    }

    fn since(&self, sql: &mut Sql, col: &str) {
        if let Some(from) = self.counts_from {
            sql.push(&format!(" AND {col} >= ")).bind(from);
        }
    }

    /// The status as an integer (the index in [`Status::ALL`]): a pass at the required level
    /// first, then a pass below it, then what happened without a pass.
    fn status_expr(&self, sql: &mut Sql) {
        let code = |s: Status| status_code(s).to_string();
        let counted = passed_column(self.required);
        sql.push(&format!("CASE WHEN {counted} IS NOT NULL"));
        self.since(sql, counted);
        sql.push(&format!(" THEN {}", code(Status::Passed)));
        if self.required > Assurance::SelfDeclared {
            sql.push(" WHEN mr.last_passed_at IS NOT NULL");
            self.since(sql, "mr.last_passed_at");
            sql.push(&format!(" THEN {}", code(Status::BelowLevel)));
        }
        if self.past_deadline {
            sql.push(&format!(" ELSE {} END", code(Status::Overdue)));
            return;
        }
        sql.push(" WHEN mr.last_submitted_at IS NOT NULL");
        self.since(sql, "mr.last_submitted_at");
        sql.push(&format!(
            " THEN {} WHEN mr.last_activity_at IS NOT NULL",
            code(Status::Failed)
        ));
        self.since(sql, "mr.last_activity_at");
        sql.push(&format!(
            " THEN {} ELSE {} END",
            code(Status::InProgress),
            code(Status::NotStarted)
        ));
    }

    /// When a line of [`employees_sql`] passed in this cycle at the required level: the first
    /// pass of the cycle for self-declared assignments (the first ever, unless it belongs to an
    /// earlier cycle), the last pass at the level otherwise.
    pub(crate) fn cycle_pass(
        &self,
        row: &sea_orm::QueryResult,
    ) -> Result<Option<DateTime<Utc>>, DbErr> {
        if self.required > Assurance::SelfDeclared {
            return row.try_get("", "level_passed_at");
        }
        let first: Option<DateTime<Utc>> = row.try_get("", "first_passed_at")?;
        let last: Option<DateTime<Utc>> = row.try_get("", "last_passed_at")?;
        Ok(match (self.counts_from, first) {
            (Some(from), Some(f)) if f < from => last,
            _ => first,
        })
    }

    /// The strongest level of a pass in this cycle, as its code (NULL without a pass).
    fn level_expr(&self, sql: &mut Sql) {
        sql.push("CASE");
        for level in Assurance::ALL.into_iter().rev() {
            let col = passed_column(level);
            sql.push(&format!(" WHEN {col} IS NOT NULL"));
            self.since(sql, col);
            sql.push(&format!(" THEN '{}'", level.code()));
        }
        sql.push(" END");
    }
}

/// A status as the SQL writes it: its index in [`Status::ALL`].
pub(crate) fn status_code(status: Status) -> i32 {
    Status::ALL
        .iter()
        .position(|s| *s == status)
        .map_or(0, |i| i as i32)
}

pub(crate) fn status_of(code: i32) -> Status {
    usize::try_from(code)
        .ok()
        .and_then(|i| Status::ALL.get(i))
        .copied()
        .unwrap_or(Status::NotStarted)
}

pub(crate) async fn scope_of(
    db: &impl ConnectionTrait,
    a: &assignment::Model,
    now: DateTime<Utc>,
) -> Result<Scope, DbErr> {
    let targets = assignment_target::Entity::find()
        .filter(assignment_target::Column::AssignmentId.eq(a.id))
        .all(db)
        .await?;
    let unit_ids: Vec<i64> = targets.iter().filter_map(|t| t.unit_id).collect();
    let unit_paths = if unit_ids.is_empty() {
        Vec::new()
    } else {
        unit::Entity::find()
            .filter(unit::Column::Id.is_in(unit_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| u.path)
            .collect()
    };
    Ok(Scope {
        agency_id: a.agency_id,
        assignment_id: a.id,
        module_slug: a.module_slug.clone(),
        whole_agency: a.whole_agency,
        unit_paths,
        counts_from: a.new_cycle.then_some(a.opens_at),
        deadline: a.deadline_at,
        past_deadline: now > a.deadline_at,
        required: policy_of(db, a.agency_id).await?,
    })
}

/// The agency's policy: the weakest level whose pass counts (read when shown, so a change
/// applies to every view and export at once and rewrites nothing).
pub(crate) async fn policy_of(
    db: &impl ConnectionTrait,
    agency_id: i64,
) -> Result<Assurance, DbErr> {
    Ok(agency::Entity::find_by_id(agency_id)
        .one(db)
        .await?
        .map_or(Assurance::Account, |a| {
            Assurance::from_code(&a.required_assurance)
        }))
}

/// `'account', 'sso'`: the level codes that meet `required`, for an `IN (...)` list.
pub(crate) fn levels_meeting(required: Assurance) -> String {
    Assurance::ALL
        .into_iter()
        .filter(|l| l.meets(required))
        .map(|l| format!("'{}'", l.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Per-unit tallies (and the attempts distribution of passing employees) for a scope.
///
/// Two grouped scans, neither joining employees to results: the covered employees per unit,
/// and the results of those who started (from `module_results`, which carries the unit).
/// Everyone without a result has not started (or is overdue).
pub(crate) async fn tallies(
    db: &impl ConnectionTrait,
    scope: &Scope,
    within: Option<&str>,
) -> Result<(Vec<(Option<i64>, Tally)>, [u64; 4]), DbErr> {
    let backend = db.get_database_backend();
    let mut people = Sql::new(backend);
    people.push("SELECT e.unit_id AS unit_id, COUNT(*) AS n FROM employees e WHERE");
    scope.filter(&mut people, EMPLOYEES, within);
    people.push(" GROUP BY e.unit_id");
    let mut results = Sql::new(backend);
    results.push("SELECT mr.unit_id AS unit_id, ");
    scope.status_expr(&mut results);
    results.push(
        " AS status, CASE WHEN mr.submitted >= 4 THEN 4 ELSE mr.submitted END AS tries, \
         COUNT(*) AS n, COALESCE(SUM(mr.best_score), 0) AS score_sum, COUNT(mr.best_score) AS scored \
         FROM module_results mr WHERE mr.module_slug = ",
    )
    .bind(scope.module_slug.clone())
    .push(" AND");
    scope.filter(&mut results, RESULTS, within);
    results.push(" GROUP BY mr.unit_id, 2, 3");

    let mut per_unit: HashMap<Option<i64>, Tally> = HashMap::new();
    let mut started: HashMap<Option<i64>, u64> = HashMap::new();
    let mut tries = [0u64; 4];
    for row in db.query_all_raw(results.statement()).await? {
        let unit: Option<i64> = row.try_get("", "unit_id")?;
        let status = status_of(row.try_get::<i32>("", "status")?);
        let attempts: i32 = row.try_get("", "tries")?;
        let n = row.try_get::<i64>("", "n")?.max(0) as u64;
        let tally = per_unit.entry(unit).or_default();
        tally.add(status, n);
        tally.score_sum += row.try_get::<i64>("", "score_sum")?;
        tally.scored += row.try_get::<i64>("", "scored")?.max(0) as u64;
        *started.entry(unit).or_default() += n;
        if status == Status::Passed && attempts >= 1 {
            tries[(attempts.min(4) - 1) as usize] += n;
        }
    }
    let untouched = if scope.past_deadline {
        Status::Overdue
    } else {
        Status::NotStarted
    };
    for row in db.query_all_raw(people.statement()).await? {
        let unit: Option<i64> = row.try_get("", "unit_id")?;
        let n = row.try_get::<i64>("", "n")?.max(0) as u64;
        let with_results = started.get(&unit).copied().unwrap_or(0);
        per_unit
            .entry(unit)
            .or_default()
            .add(untouched, n.saturating_sub(with_results));
    }
    Ok((per_unit.into_iter().collect(), tries))
}

/// The agency's tree by id.
pub(crate) async fn units(
    db: &impl ConnectionTrait,
    agency_id: i64,
) -> Result<HashMap<i64, unit::Model>, DbErr> {
    Ok(unit::Entity::find()
        .filter(unit::Column::AgencyId.eq(agency_id))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

pub(crate) fn path_ids(path: &str) -> Vec<i64> {
    path.trim_matches('/')
        .split('/')
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// Rolls per-unit tallies up to the children of `parent` (the OPDs when `parent` is `None`).
/// Employees placed directly in `parent`, or in no unit, get a row of their own.
pub(crate) fn roll_up(
    rows: &[(Option<i64>, Tally)],
    tree: &HashMap<i64, unit::Model>,
    parent: Option<&unit::Model>,
) -> Vec<UnitRow> {
    let depth = parent.map(|p| p.depth as usize).unwrap_or(0);
    let mut groups: HashMap<Option<i64>, Tally> = HashMap::new();
    for (unit_id, tally) in rows {
        let group = unit_id
            .and_then(|id| tree.get(&id))
            .and_then(|u| path_ids(&u.path).get(depth).copied());
        groups.entry(group).or_default().merge(tally);
    }
    let mut out: Vec<UnitRow> = groups
        .into_iter()
        .map(|(id, tally)| UnitRow {
            unit_id: id,
            name: match (id.and_then(|id| tree.get(&id)), parent) {
                (Some(u), _) => u.name.clone(),
                (None, Some(p)) => format!("{} (langsung)", p.name),
                (None, None) => "Belum ditempatkan di unit".into(),
            },
            tally,
        })
        .collect();
    out.sort_by(|a, b| {
        (a.unit_id.is_none(), a.name.to_lowercase())
            .cmp(&(b.unit_id.is_none(), b.name.to_lowercase()))
    });
    out
}

/// Sort orders of a drill-down.
pub(crate) fn order_by(sort: &str) -> &'static str {
    match sort {
        "nip" => "nip, id",
        "status" => "status DESC, name, id",
        "nilai" => "best_score DESC NULLS LAST, name, id",
        "aktivitas" => "last_activity_at DESC NULLS LAST, name, id",
        _ => "name, id",
    }
}

/// A status filter: one status, or everyone who has not passed ("belum selesai").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Only(Status),
    Unfinished,
}

impl StatusFilter {
    /// Reads a `status=` code: a status code, or `belum-selesai`.
    pub fn from_code(code: &str) -> Option<StatusFilter> {
        match code {
            UNFINISHED => Some(StatusFilter::Unfinished),
            code => Status::from_code(code).map(StatusFilter::Only),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            StatusFilter::Only(s) => s.code(),
            StatusFilter::Unfinished => UNFINISHED,
        }
    }
}

/// The `status=` code of everyone who has not passed.
pub const UNFINISHED: &str = "belum-selesai";

/// What a drill-down page asks for.
#[derive(Debug, Clone, Default)]
pub struct DrillQuery {
    pub status: Option<StatusFilter>,
    pub q: String,
    pub sort: String,
    pub page: u32,
}

/// The employees of a scope (optionally within a unit) with their status, as a subquery `t`.
pub(crate) fn employees_sql(sql: &mut Sql, scope: &Scope, within: Option<&str>) {
    sql.push(
        "SELECT e.id AS id, e.nip AS nip, e.name AS name, e.unit_kerja AS unit_kerja, \
         mr.best_score AS best_score, mr.last_activity_at AS last_activity_at, \
         mr.first_passed_at AS first_passed_at, mr.last_passed_at AS last_passed_at, \
         CASE WHEN EXISTS (SELECT 1 FROM accounts acc WHERE acc.employee_id = e.id \
         AND (acc.password_hash IS NOT NULL OR acc.sso_subject IS NOT NULL)) \
         THEN 1 ELSE 0 END AS signs_in, ",
    );
    sql.push(&format!(
        "{} AS level_passed_at, ",
        passed_column(scope.required)
    ));
    scope.level_expr(sql);
    sql.push(" AS pass_level, ");
    scope.status_expr(sql);
    sql.push(" AS status");
    scope.source(sql, within);
}

pub(crate) fn filters(sql: &mut Sql, query: &DrillQuery) {
    sql.push(" WHERE 1 = 1");
    match query.status {
        Some(StatusFilter::Only(status)) => {
            sql.push(" AND t.status = ").bind(status_code(status));
        }
        Some(StatusFilter::Unfinished) => {
            sql.push(" AND t.status <> ")
                .bind(status_code(Status::Passed));
        }
        None => {}
    }
    let q = query.q.trim();
    if !q.is_empty() {
        let escaped: String = q
            .to_lowercase()
            .chars()
            .flat_map(|c| match c {
                '%' | '_' | '\\' => vec!['\\', c],
                c => vec![c],
            })
            .collect();
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        sql.push(" AND (LOWER(t.name) LIKE ")
            .bind(format!("%{escaped}%"))
            .push(" ESCAPE '\\'");
        if !digits.is_empty() {
            sql.push(" OR t.nip LIKE ").bind(format!("{digits}%"));
        }
        sql.push(")");
    }
}
