//! "Cek tindakan": match a described action against the violation catalogue. Pure logic; the
//! rules are data (`when` tables in `content/pelanggaran.toml`), not code.

use super::catalog::LegalBasis;
use super::violations::{Election, ViolationView};
use serde::{Deserialize, Serialize};

/// Whether the candidate involved was already officially determined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateStage {
    /// Not yet officially determined (bakal calon).
    BakalCalon,
    /// Officially determined by the election body.
    Calon,
}

/// The conditions under which a catalogue entry applies. Absent fields do not constrain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// Action codes (from the `[[act]]` list) this entry covers.
    pub acts: Vec<String>,
    pub candidate: Option<CandidateStage>,
    pub active_support: Option<bool>,
    pub state_facilities: Option<bool>,
    pub mobilises: Option<bool>,
    pub official: Option<bool>,
    pub cltn: Option<bool>,
}

/// An action a learner can pick in the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Act {
    pub id: String,
    pub label: String,
}

/// An action that the catalogue records as not a violation under stated conditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotViolation {
    pub name: String,
    pub explanation: String,
    pub legal_basis: Vec<LegalBasis>,
    pub caveat: Option<String>,
    pub when: When,
}

/// What the learner answered. `None` means "tidak tahu" / not answered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckAnswers {
    pub act: String,
    pub candidate: Option<CandidateStage>,
    pub active_support: Option<bool>,
    pub state_facilities: Option<bool>,
    pub mobilises: Option<bool>,
    pub official: Option<bool>,
    pub cltn: Option<bool>,
    pub election: Option<Election>,
}

/// The `/cek` page: the actions to choose from and, once one is chosen, the verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckPage {
    pub acts: Vec<Act>,
    pub outcome: Option<CheckOutcome>,
}

/// Reads a yes/no/unknown form value: `ya`, `tidak`, anything else is unknown.
pub fn yes_no(value: &str) -> Option<bool> {
    match value {
        "ya" => Some(true),
        "tidak" => Some(false),
        _ => None,
    }
}

/// The verdict shown to the learner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckOutcome {
    /// One or more catalogue entries apply.
    Violation(Vec<ViolationView>),
    /// The catalogue records this as not a violation.
    NotViolation(NotViolation),
    /// Nothing in the catalogue matches: ask BKPSDM.
    Unknown,
}

/// A condition is met when the answer equals it; an unknown answer ("tidak tahu") keeps every
/// possibility open, so the learner sees what would apply.
fn fits<T: PartialEq + Copy>(condition: Option<T>, answer: Option<T>) -> bool {
    match (condition, answer) {
        (Some(c), Some(a)) => c == a,
        _ => true,
    }
}

impl When {
    pub fn matches(&self, a: &CheckAnswers) -> bool {
        self.acts.contains(&a.act)
            && fits(self.candidate, a.candidate)
            && fits(self.active_support, a.active_support)
            && fits(self.state_facilities, a.state_facilities)
            && fits(self.mobilises, a.mobilises)
            && fits(self.official, a.official)
            && fits(self.cltn, a.cltn)
    }

    /// Answers that satisfy exactly this rule (used by tests and the coverage check).
    pub fn example_answers(&self, election: Election) -> Option<CheckAnswers> {
        Some(CheckAnswers {
            act: self.acts.first()?.clone(),
            candidate: self.candidate,
            active_support: self.active_support,
            state_facilities: self.state_facilities,
            mobilises: self.mobilises,
            official: self.official,
            cltn: self.cltn,
            election: match election {
                Election::Keduanya => None,
                other => Some(other),
            },
        })
    }
}

fn election_fits(rule: Election, answer: Option<Election>) -> bool {
    match (rule, answer) {
        (Election::Keduanya, _) | (_, None) => true,
        (rule, Some(answer)) => rule == answer,
    }
}

/// Every catalogue entry whose rule matches; else a recorded non-violation; else unknown.
pub fn evaluate(
    rules: &[(ViolationView, When)],
    not_violations: &[NotViolation],
    answers: &CheckAnswers,
) -> CheckOutcome {
    let hits: Vec<ViolationView> = rules
        .iter()
        .filter(|(v, when)| when.matches(answers) && election_fits(v.election, answers.election))
        .map(|(v, _)| v.clone())
        .collect();
    if !hits.is_empty() {
        return CheckOutcome::Violation(hits);
    }
    match not_violations.iter().find(|n| n.when.matches(answers)) {
        Some(n) => CheckOutcome::NotViolation(n.clone()),
        None => CheckOutcome::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::violations::{Category, Sanction};

    fn view(id: &str, election: Election) -> ViolationView {
        ViolationView {
            id: id.into(),
            name: id.into(),
            description: String::new(),
            category: Category::Disiplin,
            sanction: Sanction::Berat,
            election,
            legal_basis: vec![],
            examples: vec![],
            caveat: None,
            lessons: vec![],
            quizzes: vec![],
        }
    }

    fn when(act: &str) -> When {
        When {
            acts: vec![act.into()],
            ..Default::default()
        }
    }

    #[test]
    fn conditions_must_hold_but_unknown_answers_keep_options_open() {
        let rule = When {
            state_facilities: Some(true),
            ..when("kampanye")
        };
        let mut a = CheckAnswers {
            act: "kampanye".into(),
            state_facilities: Some(true),
            ..Default::default()
        };
        assert!(rule.matches(&a));
        a.state_facilities = Some(false);
        assert!(!rule.matches(&a));
        a.state_facilities = None;
        assert!(rule.matches(&a));
        a.act = "lain".into();
        assert!(!rule.matches(&a));
    }

    #[test]
    fn the_election_type_restricts_criminal_rules() {
        let rules = vec![(view("pilkada-only", Election::Pilkada), when("keputusan"))];
        let pemilu = CheckAnswers {
            act: "keputusan".into(),
            election: Some(Election::Pemilu),
            ..Default::default()
        };
        assert_eq!(evaluate(&rules, &[], &pemilu), CheckOutcome::Unknown);
        let pilkada = CheckAnswers {
            election: Some(Election::Pilkada),
            ..pemilu
        };
        assert!(
            matches!(evaluate(&rules, &[], &pilkada), CheckOutcome::Violation(v) if v[0].id == "pilkada-only")
        );
    }

    #[test]
    fn violations_take_precedence_over_recorded_non_violations() {
        let rules = vec![(
            view("aktif", Election::Keduanya),
            When {
                active_support: Some(true),
                ..when("hadir")
            },
        )];
        let nots = vec![NotViolation {
            name: "Hadir tanpa dukungan".into(),
            explanation: String::new(),
            legal_basis: vec![],
            caveat: None,
            when: When {
                active_support: Some(false),
                ..when("hadir")
            },
        }];
        let quiet = CheckAnswers {
            act: "hadir".into(),
            active_support: Some(false),
            ..Default::default()
        };
        assert!(matches!(
            evaluate(&rules, &nots, &quiet),
            CheckOutcome::NotViolation(_)
        ));
        let loud = CheckAnswers {
            active_support: Some(true),
            ..quiet
        };
        assert!(matches!(
            evaluate(&rules, &nots, &loud),
            CheckOutcome::Violation(_)
        ));
    }
}
