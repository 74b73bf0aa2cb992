//! The quiz engine: drawing questions, autosaving, time limits, attempt limits and scoring.
//! Answer keys stay here; the browser receives them only in a submitted attempt's result.
//! What happens around an attempt (a webinar's windows, a mandatory module's certificate) is
//! decided by the caller: the engine records where an attempt was taken ([`Place`]) and reports
//! passes through [`OnPass`].

use crate::error::AppError;
use crate::model::assurance::Assurance;
use crate::model::quiz::{
    is_answer_correct, score_percent, AttemptView, OptionView, QuestionKind, QuestionView,
    QuizRules, QuizState,
};
use crate::ssr::accounts::learner::Me;
use crate::ssr::content::{Module, Question};
use crate::ssr::db::{self, claims::Holder, entities::attempt};
use crate::ssr::respond::{db_error, fail, OrFail};
use crate::ssr::AppState;
use chrono::{DateTime, Duration, Utc};
use rand::seq::{IndexedRandom, SliceRandom};
use sea_orm::SqlErr;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// One drawn question, the order its options were shown in, and its key at the time of the
/// draw, so editing the content later never changes how an open attempt is scored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Drawn {
    pub(super) q: String,
    pub(super) o: Vec<String>,
    #[serde(default)]
    pub(super) k: Vec<String>,
}

impl Drawn {
    /// The key stored with the draw (falls back to the current content for old draws).
    pub(super) fn key(&self, module: &Module) -> Vec<String> {
        if self.k.is_empty() {
            module
                .question(&self.q)
                .map(|q| q.correct_keys())
                .unwrap_or_default()
        } else {
            self.k.clone()
        }
    }
}

pub(super) fn parse_draw(json: &str) -> Result<Vec<Drawn>, AppError> {
    serde_json::from_str(json).map_err(|e| {
        tracing::error!(error = %e, "stored draw is not valid JSON");
        AppError::Internal
    })
}

pub(super) fn parse_chosen(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// Where an attempt is taken: on the learner's own (the module's attempt limit applies), or as
/// one test of an event the caller runs, such as a webinar's pre-test. The engine stores the
/// event's id and the label of the test; the caller enforces the event's own rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Own,
    Event {
        session_id: i64,
        context: &'static str,
    },
}

impl Place {
    fn context(self) -> &'static str {
        match self {
            Place::Own => "self",
            Place::Event { context, .. } => context,
        }
    }

    fn session_id(self) -> Option<i64> {
        match self {
            Place::Own => None,
            Place::Event { session_id, .. } => Some(session_id),
        }
    }
}

/// How many of a module's attempts a learner has, as decided around the engine (the engine
/// knows no assignments): attempts count from `counts_from` (the start of the current cycle),
/// and `extra` are added to the module's limit (granted by an operator).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allowance {
    pub counts_from: Option<DateTime<Utc>>,
    pub extra: u32,
}

async fn find_open(
    state: &AppState,
    holder: Holder,
    slug: &str,
    place: Place,
) -> Result<Option<attempt::Model>, AppError> {
    db::attempts::find_open(&state.db, holder, slug, place.context(), place.session_id())
        .await
        .or_fail()
}

pub(super) fn module<'a>(state: &'a AppState, slug: &str) -> Result<&'a Arc<Module>, AppError> {
    state
        .catalog
        .module(slug)
        .ok_or(AppError::NotFound)
        .or_fail()
}

fn is_expired(state: &AppState, attempt: &attempt::Model, now: DateTime<Utc>) -> bool {
    attempt
        .deadline_at
        .is_some_and(|d| now > d + Duration::seconds(state.settings.grace_seconds))
}

/// Loads an attempt that belongs to this holder. Anyone else's attempt (another employee's, or
/// another claim's on the same NIP) is "not found", so ids cannot be probed.
pub async fn owned_attempt(
    state: &AppState,
    holder: Holder,
    id: i64,
) -> Result<attempt::Model, AppError> {
    match db::attempts::find(&state.db, id).await.or_fail()? {
        Some(a) if a.employee_id == holder.employee_id && a.claim_id == holder.claim_id => Ok(a),
        _ => Err(fail(AppError::NotFound)),
    }
}

/// What `/modul/{slug}/kuis` shows for this learner.
pub async fn state_for(
    state: &AppState,
    learner: Option<&Me>,
    slug: &str,
    allowance: Allowance,
) -> Result<QuizState, AppError> {
    let module = module(state, slug)?;
    only_in_events(module, Place::Own)?;
    let Some(learner) = learner else {
        return Ok(QuizState::NeedsIdentity {
            module_title: module.title.clone(),
        });
    };
    let now = Utc::now();
    if let Some(open) = find_open(state, learner.holder, slug, Place::Own).await? {
        if is_expired(state, &open, now) {
            finalize(state, module, &open, None, now).await?;
        } else {
            return Ok(QuizState::InProgress(
                view(state, module, &open, now).await?,
            ));
        }
    }
    Ok(QuizState::Ready(
        rules(state, module, learner.holder, allowance).await?,
    ))
}

async fn rules(
    state: &AppState,
    module: &Module,
    holder: Holder,
    allowance: Allowance,
) -> Result<QuizRules, AppError> {
    let attempts: Vec<attempt::Model> = db::attempts::list_for(&state.db, holder)
        .await
        .or_fail()?
        .into_iter()
        .filter(|a| a.module_slug == module.slug)
        .collect();
    let used = attempts
        .iter()
        .filter(|a| a.context == Place::Own.context())
        .filter(|a| {
            allowance
                .counts_from
                .is_none_or(|from| a.started_at >= from)
        })
        .count();
    let best_score = attempts
        .iter()
        .filter_map(|a| a.score)
        .max()
        .map(|s| s.max(0) as u32);
    let last_attempt_id = attempts
        .iter()
        .find(|a| a.submitted_at.is_some())
        .map(|a| a.id);
    Ok(QuizRules {
        module_slug: module.slug.clone(),
        module_title: module.title.clone(),
        question_count: module.questions_per_attempt,
        passing_score: module.passing_score,
        time_limit_minutes: module.time_limit_minutes,
        attempt_limit: module
            .attempt_limit
            .map(|l| l.saturating_add(allowance.extra)),
        attempts_used: used as u32,
        best_score,
        last_attempt_id,
    })
}

async fn view(
    state: &AppState,
    module: &Module,
    attempt: &attempt::Model,
    now: DateTime<Utc>,
) -> Result<AttemptView, AppError> {
    let draw = parse_draw(&attempt.draw)?;
    let saved: HashMap<String, Vec<String>> = db::attempts::answers_of(&state.db, attempt.id)
        .await
        .or_fail()?
        .into_iter()
        .map(|a| (a.question_id, parse_chosen(&a.chosen)))
        .collect();
    let mut questions = Vec::with_capacity(draw.len());
    for d in &draw {
        let Some(q) = module.question(&d.q) else {
            // The content changed under an open attempt: leave the question out rather than fail
            // the whole page; it is scored from the key stored with the draw.
            tracing::warn!(question = %d.q, module = %module.slug, "drawn question missing from current content");
            continue;
        };
        questions.push(QuestionView {
            id: q.id.clone(),
            kind: q.kind,
            stem: q.stem.clone(),
            options: d
                .o
                .iter()
                .filter_map(|key| q.option(key))
                .map(|o| OptionView {
                    key: o.key.clone(),
                    text: o.text.clone(),
                })
                .collect(),
            chosen: saved.get(&q.id).cloned().unwrap_or_default(),
        });
    }
    Ok(AttemptView {
        attempt_id: attempt.id,
        module_slug: module.slug.clone(),
        module_title: module.title.clone(),
        questions,
        seconds_left: attempt.deadline_at.map(|d| (d - now).num_seconds().max(0)),
    })
}

/// The unfinished attempt at a place, as the quiz page shows it. An attempt whose time ran out
/// is scored from its autosaved answers first and reported as `Finalized`.
pub enum Resume {
    InProgress(AttemptView),
    Finalized(attempt::Model),
    Nothing,
}

pub async fn resume(
    state: &AppState,
    holder: Holder,
    slug: &str,
    place: Place,
) -> Result<Resume, AppError> {
    let module = module(state, slug)?;
    let now = Utc::now();
    match find_open(state, holder, slug, place).await? {
        Some(open) if is_expired(state, &open, now) => {
            finalize(state, module, &open, None, now).await?;
            Ok(Resume::Finalized(open))
        }
        Some(open) => Ok(Resume::InProgress(view(state, module, &open, now).await?)),
        None => Ok(Resume::Nothing),
    }
}

/// Opens a new attempt (or returns the unfinished one). Enforces the attempt limit of the
/// learner's own attempts with the caller's [`Allowance`]; a webinar's rules are checked by the
/// caller. The attempt belongs to the learner's holder (their record, or their claim) and
/// carries their assurance level.
pub async fn start(
    state: &AppState,
    learner: &Me,
    slug: &str,
    place: Place,
    allowance: Allowance,
) -> Result<i64, AppError> {
    let module = module(state, slug)?;
    only_in_events(module, place)?;
    let now = Utc::now();
    if let Some(open) = find_open(state, learner.holder, slug, place).await? {
        if !is_expired(state, &open, now) {
            return Ok(open.id);
        }
        finalize(state, module, &open, None, now).await?;
    }
    let module_id = *state
        .module_ids
        .get(slug)
        .ok_or(AppError::Internal)
        .or_fail()?;
    let draw = draw_questions(module);
    let draw_json = serde_json::to_string(&draw)
        .map_err(|e| AppError::internal("encoding a draw", e))
        .or_fail()?;
    let limit = module
        .attempt_limit
        .filter(|_| place == Place::Own)
        .map(|limit| limit.saturating_add(allowance.extra));
    let question_count = draw.len() as i32;
    let deadline_at = module
        .time_limit_minutes
        .map(|m| now + Duration::minutes(i64::from(m)));
    let (learner_id, holder) = (learner.id, learner.holder);
    let (slug_owned, instansi, unit_kerja, assurance) = (
        slug.to_string(),
        learner.instansi.clone(),
        learner.unit_kerja.clone(),
        learner.assurance,
    );
    let opened = state
        .writer
        .run(move |txn| async move {
            // Counting and inserting happen under one lock per learner, so concurrent starts
            // cannot both see "one attempt left".
            db::employees::lock(&txn, learner_id).await?;
            if let Some(limit) = limit {
                let used =
                    db::attempts::count_for(&txn, holder, &slug_owned, allowance.counts_from)
                        .await?;
                if used >= u64::from(limit) {
                    txn.rollback().await?;
                    return Ok(Opened::LimitReached(limit));
                }
            }
            let new = db::attempts::NewAttempt {
                holder,
                content_module_id: module_id,
                module_slug: &slug_owned,
                instansi: &instansi,
                unit_kerja: &unit_kerja,
                assurance,
                context: place.context(),
                webinar_session_id: place.session_id(),
                question_count,
                draw_json,
                started_at: now,
                deadline_at,
            };
            match db::attempts::insert(&txn, new).await {
                Ok(a) => txn.commit().await.map(|_| Opened::Attempt(a.id)),
                Err(e) => {
                    txn.rollback().await?;
                    Err(e)
                }
            }
        })
        .await;
    match opened {
        Ok(Opened::Attempt(id)) => Ok(id),
        Ok(Opened::LimitReached(limit)) => Err(fail(AppError::Conflict(format!(
            "Batas {limit} kali percobaan untuk modul ini sudah habis."
        )))),
        // A concurrent start (double click) won the race: resume its attempt.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            match find_open(state, learner.holder, slug, place).await? {
                Some(open) => Ok(open.id),
                None => Err(fail(db_error(e))),
            }
        }
        Err(e) => Err(fail(db_error(e))),
    }
}

/// What [`start`]'s write transaction did.
enum Opened {
    Attempt(i64),
    /// The learner's own attempts are used up: this many were allowed.
    LimitReached(u32),
}

fn draw_questions(module: &Module) -> Vec<Drawn> {
    let mut rng = rand::rng();
    pick_balanced(
        &module.questions,
        module.questions_per_attempt as usize,
        &mut rng,
    )
    .into_iter()
    .map(|q| {
        let mut order: Vec<String> = q.options.iter().map(|o| o.key.clone()).collect();
        // "Benar" before "Salah" reads naturally; other options are shuffled.
        if q.kind != QuestionKind::TrueFalse {
            order.shuffle(&mut rng);
        }
        Drawn {
            q: q.id.clone(),
            o: order,
            k: q.correct_keys(),
        }
    })
    .collect()
}

/// Draws `n` questions at random. When every question has a topic, the draw is spread over the
/// topics as evenly as possible (counts differ by at most one), so two learners, or a pre-test
/// and its parallel post-test, are tested on the same mix of rules.
fn pick_balanced<'a, R: rand::Rng + ?Sized>(
    questions: &'a [Question],
    n: usize,
    rng: &mut R,
) -> Vec<&'a Question> {
    if questions.iter().any(|q| q.topic.is_none()) {
        return questions.choose_multiple(rng, n).collect();
    }
    let mut by_topic: BTreeMap<&str, Vec<&Question>> = BTreeMap::new();
    for q in questions {
        by_topic
            .entry(q.topic.as_deref().unwrap_or_default())
            .or_default()
            .push(q);
    }
    let mut pools: Vec<Vec<&Question>> = by_topic.into_values().collect();
    for pool in &mut pools {
        pool.shuffle(rng);
    }
    // Which topics get the extra question when n does not divide evenly is random too.
    pools.shuffle(rng);
    let mut picked = Vec::with_capacity(n);
    while picked.len() < n && pools.iter().any(|p| !p.is_empty()) {
        for pool in &mut pools {
            if picked.len() == n {
                break;
            }
            if let Some(q) = pool.pop() {
                picked.push(q);
            }
        }
    }
    picked.shuffle(rng);
    picked
}

/// Autosaves one answer of an unfinished attempt.
pub async fn save_answer(
    state: &AppState,
    holder: Holder,
    attempt_id: i64,
    question_id: &str,
    chosen: Vec<String>,
) -> Result<(), AppError> {
    let attempt = owned_attempt(state, holder, attempt_id).await?;
    let now = Utc::now();
    if attempt.submitted_at.is_some() || is_expired(state, &attempt, now) {
        return Err(fail(AppError::Conflict(
            "Waktu kuis sudah habis atau jawaban sudah dikumpulkan.".into(),
        )));
    }
    let draw = parse_draw(&attempt.draw)?;
    let Some(drawn) = draw.iter().find(|d| d.q == question_id) else {
        return Err(fail(AppError::NotFound));
    };
    let chosen = keep_offered(drawn, chosen);
    let chosen_json = serde_json::to_string(&chosen)
        .map_err(|e| AppError::internal("encoding autosaved answers", e))
        .or_fail()?;
    let question_id = question_id.to_string();
    let saved = state
        .writer
        .run(move |txn| async move {
            if !db::attempts::lock_open(&txn, attempt_id).await? {
                return Ok(false);
            }
            db::attempts::save_answer(&txn, attempt_id, &question_id, chosen_json, None).await?;
            txn.commit().await.map(|_| true)
        })
        .await
        .or_fail()?;
    if !saved {
        return Err(fail(AppError::Conflict(
            "Jawaban sudah dikumpulkan.".into(),
        )));
    }
    Ok(())
}

/// Only options that were actually offered for the question count; duplicates are dropped.
fn keep_offered(drawn: &Drawn, chosen: Vec<String>) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for c in chosen {
        if drawn.o.contains(&c) && !kept.contains(&c) {
            kept.push(c);
        }
    }
    kept
}

/// Refuses a test-only form (a pre-test or post-test) anywhere but in an event.
fn only_in_events(module: &Module, place: Place) -> Result<(), AppError> {
    if module.is_test_only() && place == Place::Own {
        return Err(fail(AppError::Conflict(
            "Tes ini hanya dapat dikerjakan di dalam sesi webinar, melalui kode atau tautan dari \
             penyelenggara."
                .into(),
        )));
    }
    Ok(())
}

/// Features built on the quiz engine react to a pass through this (a mandatory module earns its
/// certificate, say). The engine calls it and never names them.
pub trait OnPass {
    /// `learner` has passed the module `slug`, now or earlier.
    fn passed(
        &self,
        state: &AppState,
        learner: &Me,
        slug: &str,
    ) -> impl std::future::Future<Output = ()> + Send;
}

/// Nothing reacts (a webinar's tests: their completion is judged by the webinar).
impl OnPass for () {
    async fn passed(&self, _: &AppState, _: &Me, _: &str) {}
}

/// Submits an attempt the caller has loaded with [`owned_attempt`] (and whose own rules, such as
/// a webinar's test window, it has checked). Idempotent: a second submit (double click, retry)
/// changes nothing. After the deadline (plus grace) the posted answers are ignored and the
/// attempt is scored on what was autosaved, marked late. A pass recorded by this call is
/// reported to `on_pass`.
pub async fn submit(
    state: &AppState,
    learner: &Me,
    attempt: &attempt::Model,
    answers: BTreeMap<String, Vec<String>>,
    now: DateTime<Utc>,
    on_pass: &impl OnPass,
) -> Result<(), AppError> {
    if attempt.submitted_at.is_some() {
        return Ok(());
    }
    let module = module(state, &attempt.module_slug)?;
    if finalize(state, module, attempt, Some(answers), now).await? {
        on_pass.passed(state, learner, &attempt.module_slug).await;
    }
    Ok(())
}

/// Where a learner reads the result of an attempt of their own.
pub fn result_path(attempt: &attempt::Model) -> String {
    format!("/modul/{}/hasil/{}", attempt.module_slug, attempt.id)
}

/// Scores and closes an attempt in one transaction: the attempt row and all its answers are
/// written together or not at all. True when this call recorded a pass.
async fn finalize(
    state: &AppState,
    module: &Module,
    attempt: &attempt::Model,
    posted: Option<BTreeMap<String, Vec<String>>>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let draw = parse_draw(&attempt.draw)?;
    let keys: Vec<Vec<String>> = draw.iter().map(|d| d.key(module)).collect();
    let late = is_expired(state, attempt, now);
    let passing_score = module.passing_score;
    let attempt = attempt.clone();
    state
        .writer
        .run(move |txn| async move {
            // Lock the attempt before reading its autosaved answers, so no autosave can commit
            // between the read and the final write (autosave takes the same lock).
            if !db::attempts::lock_open(&txn, attempt.id)
                .await
                .map_err(db_error)?
            {
                txn.rollback().await.map_err(db_error)?;
                return Ok(false);
            }
            let saved: HashMap<String, Vec<String>> = db::attempts::answers_of(&txn, attempt.id)
                .await
                .map_err(db_error)?
                .into_iter()
                .map(|a| (a.question_id, parse_chosen(&a.chosen)))
                .collect();
            let mut graded = Vec::with_capacity(draw.len());
            for (d, key) in draw.iter().zip(&keys) {
                let chosen = match (&posted, late) {
                    (Some(posted), false) => {
                        keep_offered(d, posted.get(&d.q).cloned().unwrap_or_default())
                    }
                    _ => saved.get(&d.q).cloned().unwrap_or_default(),
                };
                let correct = is_answer_correct(key, &chosen);
                graded.push((d.q.clone(), chosen, correct));
            }
            let correct_count = graded.iter().filter(|g| g.2).count() as u32;
            let score = score_percent(correct_count, draw.len() as u32);
            let outcome = db::attempts::Outcome {
                submitted_at: now,
                score: score as i32,
                correct_count: correct_count as i32,
                passed: score >= passing_score,
                late,
            };
            if !db::attempts::claim_submission(&txn, attempt.id, &outcome)
                .await
                .map_err(db_error)?
            {
                // Someone else submitted it a moment ago; their result stands.
                txn.rollback().await.map_err(db_error)?;
                return Ok(false);
            }
            // The dashboards' summary holds the employee's own record only.
            if attempt.claim_id == 0 {
                db::results::submitted(
                    &txn,
                    attempt.employee_id,
                    &attempt.module_slug,
                    now,
                    outcome.score,
                    outcome.passed,
                    Assurance::from_code(&attempt.identity),
                )
                .await
                .map_err(db_error)?;
            }
            // An attempt taken in an event adds to the event's running per-question tallies,
            // last before the commit so their rows stay locked for as short a time as possible.
            let tallies: Vec<(String, bool)> = graded.iter().map(|g| (g.0.clone(), g.2)).collect();
            let rows = graded
                .into_iter()
                .map(|(question_id, chosen, correct)| {
                    serde_json::to_string(&chosen).map(|json| (question_id, json, correct))
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| AppError::internal("encoding final answers", e))?;
            db::attempts::save_final_answers(&txn, attempt.id, rows)
                .await
                .map_err(db_error)?;
            if let Some(session_id) = attempt.webinar_session_id {
                db::tallies::add(&txn, session_id, &attempt.context, attempt.id, &tallies)
                    .await
                    .map_err(db_error)?;
            }
            txn.commit().await.map_err(db_error)?;
            Ok::<_, AppError>(outcome.passed)
        })
        .await
        .or_fail()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::content::AnswerOption;

    fn question(id: &str, topic: Option<&str>) -> Question {
        Question {
            id: id.into(),
            kind: QuestionKind::Single,
            stem: "Soal?".into(),
            options: vec![AnswerOption {
                key: "a".into(),
                text: "Ya".into(),
                correct: true,
            }],
            explanation: "Karena.".into(),
            legal_basis: vec![],
            topic: topic.map(str::to_string),
            scenario: false,
            violations: vec![],
            source: "questions.toml".into(),
            line: 1,
        }
    }

    #[test]
    fn a_draw_is_spread_evenly_over_topics() {
        // 12 questions on "a", 3 on "b", 3 on "c": a plain random draw of 6 would mostly pick "a".
        let bank: Vec<Question> = (0..18)
            .map(|i| {
                question(
                    &format!("q{i}"),
                    Some(["a", "b", "c"][if i < 12 { 0 } else { 1 + i % 2 }]),
                )
            })
            .collect();
        let mut rng = rand::rng();
        for _ in 0..200 {
            let picked = pick_balanced(&bank, 6, &mut rng);
            assert_eq!(picked.len(), 6);
            let mut ids: Vec<&str> = picked.iter().map(|q| q.id.as_str()).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), 6, "no question twice");
            for topic in ["a", "b", "c"] {
                assert_eq!(
                    picked
                        .iter()
                        .filter(|q| q.topic.as_deref() == Some(topic))
                        .count(),
                    2,
                    "topic {topic}"
                );
            }
        }
    }

    #[test]
    fn a_small_topic_gives_its_share_to_the_others() {
        let mut bank: Vec<Question> = (0..8)
            .map(|i| question(&format!("a{i}"), Some("a")))
            .collect();
        bank.push(question("b0", Some("b")));
        let picked = pick_balanced(&bank, 5, &mut rand::rng());
        assert_eq!(picked.len(), 5);
        assert_eq!(picked.iter().filter(|q| q.id == "b0").count(), 1);
    }

    #[test]
    fn without_topics_the_draw_is_plain_random_and_complete() {
        let bank: Vec<Question> = (0..5).map(|i| question(&format!("q{i}"), None)).collect();
        let picked = pick_balanced(&bank, 5, &mut rand::rng());
        assert_eq!(picked.len(), 5);
    }
}
