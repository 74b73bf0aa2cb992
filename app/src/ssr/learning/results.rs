//! A learner's results: one attempt reviewed with its key, the list of their attempts with the
//! best score per module, and their certificates.

use crate::error::AppError;
use crate::model::assurance::Assurance;
use crate::model::catalog::{Learner, ModuleStatus};
use crate::model::quiz::{
    AttemptResult, AttemptSummary, ModuleBest, MyCertificate, MyResults, PendingClaim,
    ReviewedOption, ReviewedQuestion,
};
use crate::ssr::accounts::learner::Me;
use crate::ssr::db::{self, entities::attempt};
use crate::ssr::learning::quiz::{module, parse_chosen, parse_draw, OnPass};
use crate::ssr::respond::{fail, OrFail};
use crate::ssr::time::format_wib;
use crate::ssr::AppState;
use std::collections::{BTreeMap, HashMap};

/// How much of a submitted attempt its learner may see, as decided by the feature it was taken
/// in (a webinar may withhold the key until its post-test closes) and where to go back to.
#[derive(Debug, Clone, Default)]
pub struct Review {
    /// The join code of the webinar the attempt belongs to, for the way back.
    pub webinar_code: Option<String>,
    /// Show the score only, not the questions and their key.
    pub withheld: bool,
}

/// A submitted attempt (loaded with [`owned_attempt`](crate::ssr::learning::quiz::owned_attempt)) with the answer key revealed, unless
/// `review` withholds it.
pub async fn result(
    state: &AppState,
    attempt: &attempt::Model,
    review: Review,
) -> Result<AttemptResult, AppError> {
    let (Some(submitted_at), Some(score)) = (attempt.submitted_at, attempt.score) else {
        return Err(fail(AppError::Conflict(
            "Percobaan ini belum dikumpulkan.".into(),
        )));
    };
    let module = module(state, &attempt.module_slug)?;
    let version = db::modules::version_of(&state.db, attempt.content_module_id)
        .await
        .or_fail()?
        .unwrap_or_else(|| module.version.clone());
    let answers: HashMap<String, (Vec<String>, bool)> =
        db::attempts::answers_of(&state.db, attempt.id)
            .await
            .or_fail()?
            .into_iter()
            .map(|a| {
                (
                    a.question_id,
                    (parse_chosen(&a.chosen), a.correct.unwrap_or(false)),
                )
            })
            .collect();
    let Review {
        webinar_code,
        withheld: review_withheld,
    } = review;
    let mut questions = Vec::new();
    for d in parse_draw(&attempt.draw)? {
        if review_withheld {
            break;
        }
        let Some(q) = module.question(&d.q) else {
            continue;
        };
        let key = d.key(module);
        let (chosen, is_correct) = answers.get(&q.id).cloned().unwrap_or_default();
        questions.push(ReviewedQuestion {
            id: q.id.clone(),
            kind: q.kind,
            stem: q.stem.clone(),
            options: d
                .o
                .iter()
                .filter_map(|k| q.option(k))
                .map(|o| ReviewedOption {
                    key: o.key.clone(),
                    text: o.text.clone(),
                    correct: key.contains(&o.key),
                    chosen: chosen.contains(&o.key),
                })
                .collect(),
            is_correct,
            explanation: q.explanation.clone(),
            legal_basis: q.legal_basis.clone(),
        });
    }
    Ok(AttemptResult {
        attempt_id: attempt.id,
        module_slug: module.slug.clone(),
        module_title: module.title.clone(),
        module_version: version,
        score: score.max(0) as u32,
        correct_count: attempt.correct_count.unwrap_or(0).max(0) as u32,
        question_count: attempt.question_count.max(0) as u32,
        passing_score: module.passing_score,
        passed: attempt.passed.unwrap_or(false),
        late: attempt.late,
        submitted_at: format_wib(submitted_at),
        questions,
        webinar_code,
        review_withheld,
    })
}

/// A learner's standing in a module from their attempts (any order) and lessons read.
pub fn module_status(attempts: &[attempt::Model], slug: &str, lessons_read: usize) -> ModuleStatus {
    let scored: Vec<&attempt::Model> = attempts
        .iter()
        .filter(|a| a.module_slug == slug && a.score.is_some())
        .collect();
    let best = scored
        .iter()
        .filter_map(|a| a.score)
        .max()
        .unwrap_or(0)
        .max(0) as u32;
    if scored.iter().any(|a| a.passed == Some(true)) {
        ModuleStatus::Passed { best_score: best }
    } else if !scored.is_empty() {
        ModuleStatus::NotPassed { best_score: best }
    } else if lessons_read > 0 {
        ModuleStatus::InProgress { lessons_read }
    } else {
        ModuleStatus::NotStarted
    }
}

pub fn learner_dto(me: &Me) -> Learner {
    Learner {
        nip: me.nip.clone(),
        name: me.name.clone(),
        instansi: me.instansi.clone(),
        unit_kerja: me.unit_kerja.clone(),
        assurance: me.assurance,
    }
}

/// The learner's attempts and best score per module.
/// Modules passed before they were assigned earn their certificate on this visit: every passed
/// module is reported to `on_pass` before the certificates are listed.
pub async fn my_results(
    state: &AppState,
    learner: &Me,
    on_pass: &impl OnPass,
) -> Result<MyResults, AppError> {
    let attempts = db::attempts::list_for(&state.db, learner.holder)
        .await
        .or_fail()?;
    let title = |slug: &str| state.catalog.title_of(slug);
    let mut best: BTreeMap<String, ModuleBest> = BTreeMap::new();
    for a in &attempts {
        let entry = best
            .entry(a.module_slug.clone())
            .or_insert_with(|| ModuleBest {
                module_slug: a.module_slug.clone(),
                module_title: title(&a.module_slug),
                best_score: 0,
                passed: false,
                attempts: 0,
            });
        entry.attempts += 1;
        if let Some(score) = a.score {
            entry.best_score = entry.best_score.max(score.max(0) as u32);
        }
        entry.passed |= a.passed.unwrap_or(false);
    }
    // Certificates due for passes made before the module was assigned are issued on this visit.
    for b in best.values().filter(|b| b.passed) {
        on_pass.passed(state, learner, &b.module_slug).await;
    }
    let certificates = db::certificates::of_holder(&state.db, learner.holder)
        .await
        .or_fail()?
        .into_iter()
        .map(|c| MyCertificate {
            id: c.id,
            number: c.number,
            title: c.title,
            organiser: c.organiser,
            date: crate::ssr::learning::certificates::format_date(c.event_date),
            jp: c.jp.max(0) as u32,
            verify_code: c.verify_code,
            revoked: c.revoked_at.is_some(),
            assurance: Assurance::from_code(&c.assurance),
        })
        .collect();
    // Signed in, the employee is shown what others typed with their NIP, to confirm or reject.
    let claims = if learner.is_signed_in() {
        pending_claims(state, learner.employee.id).await?
    } else {
        Vec::new()
    };
    Ok(MyResults {
        learner: learner_dto(learner),
        claims,
        transfers: Vec::new(),
        certificates,
        best: best.into_values().collect(),
        attempts: attempts.iter().map(|a| attempt_summary(state, a)).collect(),
    })
}

/// One attempt as a line of a results list.
pub fn attempt_summary(state: &AppState, a: &attempt::Model) -> AttemptSummary {
    AttemptSummary {
        attempt_id: a.id,
        module_slug: a.module_slug.clone(),
        module_title: state.catalog.title_of(&a.module_slug),
        score: a.score.map(|s| s.max(0) as u32),
        passed: a.passed,
        late: a.late,
        started_at: format_wib(a.started_at),
        submitted_at: a.submitted_at.map(format_wib),
        assurance: Assurance::from_code(&a.identity),
    }
}

/// The open self-declared claims on an employee's NIP, with how much each did.
pub async fn pending_claims(
    state: &AppState,
    employee_id: i64,
) -> Result<Vec<PendingClaim>, AppError> {
    let claims = db::claims::open_of(&state.db, employee_id)
        .await
        .or_fail()?;
    if claims.is_empty() {
        return Ok(Vec::new());
    }
    let counts: HashMap<i64, (i64, i64)> = db::claims::history_counts(&state.db, employee_id)
        .await
        .or_fail()?
        .into_iter()
        .map(|(claim, submitted, passes)| (claim, (submitted, passes)))
        .collect();
    Ok(claims
        .into_iter()
        .map(|c| {
            let (submitted, passes) = counts.get(&c.id).copied().unwrap_or_default();
            PendingClaim {
                id: c.id,
                name: c.name,
                instansi: c.instansi,
                unit_kerja: c.unit_kerja,
                claimed_at: format_wib(c.claimed_at),
                submitted: submitted.max(0) as u32,
                passes: passes.max(0) as u32,
            }
        })
        .collect())
}
