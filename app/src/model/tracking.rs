//! Assignments and completion dashboards, as the operator's pages show them.

use super::assurance::Assurance;
use serde::{Deserialize, Serialize};

/// Where one employee stands on one assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    /// Passed in this cycle at the assignment's required level (a pass after the deadline still
    /// counts, and is shown as late).
    Passed,
    /// Passed in this cycle, but only below the required level (typically self-declared where
    /// the assignment requires an account): shown, never counted as completion.
    BelowLevel,
    /// Submitted in this cycle without passing; deadline not yet reached.
    Failed,
    /// Started in this cycle, nothing submitted; deadline not yet reached.
    InProgress,
    /// Nothing in this cycle yet; deadline not yet reached.
    NotStarted,
    /// Deadline passed without a pass.
    Overdue,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Passed,
        Status::BelowLevel,
        Status::Failed,
        Status::InProgress,
        Status::NotStarted,
        Status::Overdue,
    ];

    /// The word used in the UI, in exports and in URLs' `status=` filter.
    pub fn code(self) -> &'static str {
        match self {
            Status::Passed => "lulus",
            Status::BelowLevel => "diisi-sendiri",
            Status::Failed => "tidak-lulus",
            Status::InProgress => "sedang",
            Status::NotStarted => "belum-mulai",
            Status::Overdue => "terlambat",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Passed => "Lulus",
            Status::BelowLevel => "Diisi sendiri",
            Status::Failed => "Tidak lulus",
            Status::InProgress => "Sedang mengerjakan",
            Status::NotStarted => "Belum mulai",
            Status::Overdue => "Terlambat",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// Counts per status for a group of employees (an agency, an OPD, a unit).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub passed: u64,
    /// Passed below the required level: not completion.
    #[serde(default)]
    pub below_level: u64,
    pub failed: u64,
    pub in_progress: u64,
    pub not_started: u64,
    pub overdue: u64,
    /// Sum and count of best scores, for the average.
    pub score_sum: i64,
    pub scored: u64,
}

impl Tally {
    pub fn assigned(&self) -> u64 {
        self.passed
            + self.below_level
            + self.failed
            + self.in_progress
            + self.not_started
            + self.overdue
    }

    pub fn add(&mut self, status: Status, n: u64) {
        match status {
            Status::Passed => self.passed += n,
            Status::BelowLevel => self.below_level += n,
            Status::Failed => self.failed += n,
            Status::InProgress => self.in_progress += n,
            Status::NotStarted => self.not_started += n,
            Status::Overdue => self.overdue += n,
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.passed += other.passed;
        self.below_level += other.below_level;
        self.failed += other.failed;
        self.in_progress += other.in_progress;
        self.not_started += other.not_started;
        self.overdue += other.overdue;
        self.score_sum += other.score_sum;
        self.scored += other.scored;
    }

    /// Share passed, 0..=100 (0 when nobody is assigned).
    pub fn completion_percent(&self) -> f64 {
        match self.assigned() {
            0 => 0.0,
            n => self.passed as f64 * 100.0 / n as f64,
        }
    }

    pub fn average_best(&self) -> Option<f64> {
        (self.scored > 0).then(|| self.score_sum as f64 / self.scored as f64)
    }
}

/// "73,5%": Indonesian decimal comma, one decimal.
pub fn percent(value: f64) -> String {
    format!("{value:.1}%").replace('.', ",")
}

/// One assignment, summarised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignmentView {
    pub id: i64,
    pub module_slug: String,
    pub module_title: String,
    pub opens: String,
    pub deadline: String,
    /// "Seluruh instansi" or the unit names (each with its sub-units).
    pub scope: String,
    /// 1 for the first cycle, 2 after one re-opening, ...
    pub cycle: u32,
    pub past_deadline: bool,
    pub tally: Tally,
    /// The level a pass needs to count (the agency's policy when shown).
    pub required: Assurance,
}

/// A unit of the agency's tree, for pickers and breadcrumbs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitOption {
    pub id: i64,
    pub name: String,
    pub depth: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleOption {
    pub slug: String,
    pub title: String,
}

/// `/operator/penugasan`: the agency's current assignments and what a new one can use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignmentsPage {
    pub agency: String,
    pub time_zone: String,
    /// Who signs the certificates of mandatory modules: name, NIP, position (may be empty).
    pub signer: (String, String, String),
    pub modules: Vec<ModuleOption>,
    pub units: Vec<UnitOption>,
    pub assignments: Vec<AssignmentView>,
    /// The agency's policy: the weakest level whose pass counts.
    pub required: Assurance,
}

/// One row of a dashboard table: a unit with its sub-units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRow {
    pub unit_id: Option<i64>,
    pub name: String,
    pub tally: Tally,
}

/// How many submissions passing employees needed: "1", "2", "3", "4+".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptsBucket {
    pub label: String,
    pub count: u64,
}

/// `/operator/dasbor`: one assignment across the agency, per OPD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub agency: String,
    pub assignment: AssignmentView,
    pub others: Vec<AssignmentView>,
    pub rows: Vec<UnitRow>,
    pub attempts: Vec<AttemptsBucket>,
}

/// One employee's line in a drill-down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmployeeStatus {
    pub id: i64,
    pub nip: String,
    pub name: String,
    pub unit: String,
    pub status: Status,
    pub best_score: Option<i32>,
    pub last_activity: Option<String>,
    /// A pass after the deadline.
    pub late: bool,
    /// The strongest level of a pass in this cycle (`None` without a pass).
    pub pass_level: Option<Assurance>,
    /// The employee signs in (an activated account or SSO): a person's fact, not a pass's.
    pub signs_in: bool,
}

/// `/operator/dasbor/{assignment}/unit/{unit}`: a unit's sub-units and its employees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitDrillDown {
    pub assignment: AssignmentView,
    /// From the OPD down to this unit.
    pub trail: Vec<UnitOption>,
    pub sub_units: Vec<UnitRow>,
    pub total: u64,
    pub page: u32,
    pub pages: u32,
    pub employees: Vec<EmployeeStatus>,
    /// The not-yet-finished list as text to paste into a message to the head of the unit.
    pub reminder: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_add_up_and_average() {
        let mut t = Tally::default();
        t.add(Status::Passed, 3);
        t.add(Status::Overdue, 1);
        t.score_sum = 240;
        t.scored = 3;
        assert_eq!(t.assigned(), 4);
        assert_eq!(percent(t.completion_percent()), "75,0%");
        assert_eq!(t.average_best(), Some(80.0));
        assert_eq!(Tally::default().completion_percent(), 0.0);
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
    }
}

/// A request to move an employee another agency lists onto a new agency's roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferView {
    pub id: i64,
    pub name: String,
    pub nip_masked: String,
    pub from_agency: String,
    pub to_agency: String,
    /// The unit the new agency's roster places them in.
    pub unit: String,
    pub requested_at: String,
}

/// Development target in JP per year for every ASN.
pub const JP_TARGET: u32 = 20;

/// One employee in the JP ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JpRow {
    pub id: i64,
    pub nip: String,
    pub name: String,
    pub unit: String,
    pub jp: u32,
    /// Titles of the modules completed in the year.
    pub modules: Vec<String>,
}

/// `/operator/jp`: JP credited by Netra's modules in a calendar year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JpLedger {
    pub year: i32,
    pub target: u32,
    pub unit: Option<UnitOption>,
    /// OPDs to choose from.
    pub opds: Vec<UnitOption>,
    pub only_below: bool,
    pub employees: u64,
    pub below: u64,
    pub page: u32,
    pub pages: u32,
    pub rows: Vec<JpRow>,
    /// The level a pass needs to credit JP (the agency's policy).
    pub required: Assurance,
}

pub use super::quiz::{OptionShare, QuestionStat};

/// `/operator/dasbor/{assignment}/soal`: the assignment's questions, hardest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difficulty {
    pub assignment: AssignmentView,
    pub questions: Vec<QuestionStat>,
}
