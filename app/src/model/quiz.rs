//! Quiz DTOs (what the browser may see before and after submitting) and pure scoring rules.

use super::catalog::LegalBasis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuestionKind {
    /// Exactly one option is correct; rendered as radio buttons.
    Single,
    /// One or more options are correct; all of them and only them must be chosen.
    Multiple,
    /// "Benar" or "Salah".
    TrueFalse,
}

impl QuestionKind {
    pub fn allows_many(self) -> bool {
        matches!(self, QuestionKind::Multiple)
    }
}

/// An option as shown during the quiz: no hint of whether it is correct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionView {
    pub key: String,
    pub text: String,
}

/// A drawn question as shown during the quiz. Deliberately has no answer key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionView {
    pub id: String,
    pub kind: QuestionKind,
    pub stem: String,
    pub options: Vec<OptionView>,
    /// What the learner already chose (autosaved), so a reload loses nothing.
    pub chosen: Vec<String>,
}

/// An attempt in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptView {
    pub attempt_id: i64,
    pub module_slug: String,
    pub module_title: String,
    pub questions: Vec<QuestionView>,
    /// Seconds left until the time limit, when the module has one.
    pub seconds_left: Option<i64>,
}

/// The rules of a module's quiz, shown before starting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizRules {
    pub module_slug: String,
    pub module_title: String,
    pub question_count: u32,
    pub passing_score: u32,
    pub time_limit_minutes: Option<u32>,
    pub attempt_limit: Option<u32>,
    pub attempts_used: u32,
    pub best_score: Option<u32>,
    pub last_attempt_id: Option<i64>,
}

impl QuizRules {
    pub fn attempts_left(&self) -> Option<u32> {
        self.attempt_limit
            .map(|limit| limit.saturating_sub(self.attempts_used))
    }
}

/// What `/modul/{slug}/kuis` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum QuizState {
    /// The learner must identify first.
    NeedsIdentity { module_title: String },
    /// A start button (or a notice that no attempts are left).
    Ready(QuizRules),
    /// An unfinished attempt, resumed.
    InProgress(AttemptView),
}

/// One question on the result page, with the key revealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewedQuestion {
    pub id: String,
    pub kind: QuestionKind,
    pub stem: String,
    pub options: Vec<ReviewedOption>,
    pub is_correct: bool,
    pub explanation: String,
    pub legal_basis: Vec<LegalBasis>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewedOption {
    pub key: String,
    pub text: String,
    pub correct: bool,
    pub chosen: bool,
}

/// The result page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptResult {
    pub attempt_id: i64,
    pub module_slug: String,
    pub module_title: String,
    pub module_version: String,
    pub score: u32,
    pub correct_count: u32,
    pub question_count: u32,
    pub passing_score: u32,
    pub passed: bool,
    pub late: bool,
    pub submitted_at: String,
    pub questions: Vec<ReviewedQuestion>,
    /// The join code when the attempt was a webinar test.
    pub webinar_code: Option<String>,
    /// A webinar test's key stays hidden while its window is open, so it cannot be passed
    /// on to attendees who are still answering.
    pub review_withheld: bool,
}

/// One line of `/saya`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptSummary {
    pub attempt_id: i64,
    pub module_slug: String,
    pub module_title: String,
    pub score: Option<u32>,
    pub passed: Option<bool>,
    pub late: bool,
    pub started_at: String,
    pub submitted_at: Option<String>,
    /// How sure the record is of who took it.
    pub assurance: super::assurance::Assurance,
}

/// Best score per module on `/saya`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleBest {
    pub module_slug: String,
    pub module_title: String,
    pub best_score: u32,
    pub passed: bool,
    pub attempts: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyResults {
    pub learner: super::catalog::Learner,
    pub best: Vec<ModuleBest>,
    pub attempts: Vec<AttemptSummary>,
    /// E-certificates earned in webinars and for mandatory modules, newest first.
    pub certificates: Vec<MyCertificate>,
    /// Signed in: what others typed on the self-declared form with this NIP, not part of the
    /// record until the employee confirms it.
    pub claims: Vec<PendingClaim>,
    /// Signed in: agencies asking to put the employee on their roster.
    pub transfers: Vec<super::tracking::TransferView>,
}

/// A self-declared claim on an employee's NIP, waiting for the employee (or an operator) to
/// confirm or reject it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingClaim {
    pub id: i64,
    pub name: String,
    pub instansi: String,
    pub unit_kerja: String,
    pub claimed_at: String,
    pub submitted: u32,
    pub passes: u32,
}

/// An e-certificate as its holder sees it in their results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyCertificate {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub organiser: String,
    pub date: String,
    pub jp: u32,
    pub verify_code: String,
    pub revoked: bool,
    pub assurance: super::assurance::Assurance,
}

/// A question is right when the chosen set equals the correct set (no partial credit).
pub fn is_answer_correct(correct: &[String], chosen: &[String]) -> bool {
    let correct: BTreeSet<&str> = correct.iter().map(String::as_str).collect();
    let chosen: BTreeSet<&str> = chosen.iter().map(String::as_str).collect();
    !chosen.is_empty() && correct == chosen
}

/// Score in whole percent, rounded down so "passing score 70" always means at least 70%.
pub fn score_percent(correct: u32, total: u32) -> u32 {
    (correct * 100).checked_div(total).unwrap_or(0)
}

/// `/verifikasi/{code}`: what anyone may see about a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateCheck {
    pub number: String,
    pub holder_name: String,
    pub holder_nip_masked: String,
    pub instansi: String,
    pub title: String,
    pub organiser: String,
    pub date: String,
    pub jp: u32,
    pub revoked_reason: Option<String>,
    /// How sure the record is of who earned it.
    pub assurance: super::assurance::Assurance,
}

/// Item statistics of one question over a group of submitted attempts (an assignment's cycle,
/// a webinar's pre- or post-test), as Moodle's quiz statistics report shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionStat {
    pub id: String,
    pub stem: String,
    pub answered: u64,
    pub correct: u64,
    /// Discrimination index: the share answering right among the attempts with the highest
    /// scores (top 27%) minus that share among the lowest (bottom 27%), from -1 to 1. `None`
    /// until both groups have answered the question.
    pub discrimination: Option<f64>,
    /// How often each option was chosen, in the question's order.
    pub options: Vec<OptionShare>,
    /// "UU 20/2023 Pasal 24" and so on.
    pub basis: String,
}

/// One option of a question and how many answers chose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionShare {
    pub key: String,
    pub text: String,
    pub correct: bool,
    pub chosen: u64,
}

/// Below this discrimination index a question is flagged for review (it hardly separates those
/// who know from those who do not, or separates them the wrong way).
pub const REVIEW_DISCRIMINATION: f64 = 0.1;
/// A question is flagged only once this many answers are in (fewer say little).
pub const REVIEW_MIN_ANSWERS: u64 = 10;

impl QuestionStat {
    /// The facility index in percent: the share of answers that were right.
    pub fn share_correct(&self) -> f64 {
        match self.answered {
            0 => 0.0,
            n => self.correct as f64 * 100.0 / n as f64,
        }
    }

    /// Whether the question should be reviewed: enough answers and a discrimination index
    /// that is negative or near zero.
    pub fn needs_review(&self) -> bool {
        self.answered >= REVIEW_MIN_ANSWERS
            && self
                .discrimination
                .is_some_and(|d| d < REVIEW_DISCRIMINATION)
    }

    /// The share of answers that chose an option, in percent.
    pub fn option_share(&self, option: &OptionShare) -> f64 {
        match self.answered {
            0 => 0.0,
            n => option.chosen as f64 * 100.0 / n as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_single_answer_is_right_only_when_it_matches() {
        assert!(is_answer_correct(&v(&["b"]), &v(&["b"])));
        assert!(!is_answer_correct(&v(&["b"]), &v(&["a"])));
    }

    #[test]
    fn a_multiple_answer_needs_exactly_the_correct_set() {
        let key = v(&["a", "c"]);
        assert!(is_answer_correct(&key, &v(&["c", "a"])));
        assert!(!is_answer_correct(&key, &v(&["a"])));
        assert!(!is_answer_correct(&key, &v(&["a", "b", "c"])));
    }

    #[test]
    fn no_answer_is_never_right() {
        assert!(!is_answer_correct(&v(&["a"]), &[]));
    }

    #[test]
    fn score_is_rounded_down() {
        assert_eq!(score_percent(7, 10), 70);
        assert_eq!(score_percent(2, 3), 66);
        assert_eq!(score_percent(0, 0), 0);
        assert_eq!(score_percent(10, 10), 100);
    }
}
