//! Quiz attempts: state, start, autosave, submit, result and the learner's history.

use crate::error::AppError;
use crate::model::quiz::{AttemptResult, MyResults, QuizState};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// What the quiz page should show: identify first, a start button, or the attempt in progress.
#[server(client = crate::api::client::Netra, endpoint = "quiz_state")]
pub async fn load_quiz(slug: String) -> Result<QuizState, AppError> {
    use crate::ssr::{accounts::learner, learning::quiz, tracking::attempts, AppState};
    let state = AppState::current()?;
    let me = learner::current(&state).await?;
    let allowance = match &me {
        Some(me) => attempts::allowance(&state, me, &slug).await?,
        None => quiz::Allowance::default(),
    };
    quiz::state_for(&state, me.as_ref(), &slug, allowance).await
}

/// Starts (or resumes) an attempt and goes to the quiz page.
#[server(client = crate::api::client::Netra, endpoint = "start_attempt")]
pub async fn start_attempt(slug: String) -> Result<i64, AppError> {
    use crate::ssr::{accounts::learner, learning::quiz, tracking::attempts, AppState};
    let state = AppState::current()?;
    let me = learner::require(&state).await?;
    // The engine counts attempts; the assignments around it say from when, and how many extra.
    let allowance = attempts::allowance(&state, &me, &slug).await?;
    let id = quiz::start(&state, &me, &slug, quiz::Place::Own, allowance).await?;
    leptos_axum::redirect(&format!("/modul/{slug}/kuis"));
    Ok(id)
}

/// Autosaves the options chosen for one question (sent by the hydrated page on every change).
#[server(client = crate::api::client::Netra, endpoint = "save_answer")]
pub async fn save_answer(
    attempt_id: i64,
    question_id: String,
    #[server(default)] chosen: Vec<String>,
) -> Result<(), AppError> {
    use crate::ssr::{accounts::learner, learning::quiz, AppState};
    let state = AppState::current()?;
    let me = learner::require(&state).await?;
    quiz::save_answer(&state, me.holder, attempt_id, &question_id, chosen).await
}

/// Submits an attempt. The quiz form posts `answers[<question id>][]=<option key>` for every
/// checked radio button or checkbox. Submitting twice records one attempt. A webinar test goes
/// back to the session's page.
#[server(client = crate::api::client::Netra, endpoint = "submit_attempt")]
pub async fn submit_attempt(
    attempt_id: i64,
    #[server(default)] answers: BTreeMap<String, Vec<String>>,
) -> Result<i64, AppError> {
    use crate::ssr::tracking::certify::CertifyOnPass;
    use crate::ssr::{accounts::learner, learning::quiz, webinar::attendee, AppState};
    use chrono::Utc;
    let state = AppState::current()?;
    let me = learner::require(&state).await?;
    let attempt = quiz::owned_attempt(&state, me.holder, attempt_id).await?;
    // The engine scores; the feature the attempt belongs to decides its rules and what follows.
    let next = match attendee::session_of(&state, &attempt).await? {
        Some(session) => attendee::submit_test(&state, &session, &me, &attempt, answers).await?,
        None => {
            quiz::submit(&state, &me, &attempt, answers, Utc::now(), &CertifyOnPass).await?;
            quiz::result_path(&attempt)
        }
    };
    leptos_axum::redirect(&next);
    Ok(attempt_id)
}

/// A submitted attempt with score, key, explanations and legal basis.
#[server(client = crate::api::client::Netra, endpoint = "attempt_result")]
pub async fn get_attempt_result(attempt_id: i64) -> Result<AttemptResult, AppError> {
    use crate::ssr::AppState;
    use crate::ssr::{accounts::learner, learning::quiz, learning::results, webinar::attendee};
    let state = AppState::current()?;
    let me = learner::require(&state).await?;
    let attempt = quiz::owned_attempt(&state, me.holder, attempt_id).await?;
    let review = attendee::review_policy(&state, &attempt).await?;
    results::result(&state, &attempt, review).await
}

/// The learner's attempts and best scores; `None` when nobody is identified.
#[server(client = crate::api::client::Netra, endpoint = "my_results")]
pub async fn get_my_results() -> Result<Option<MyResults>, AppError> {
    use crate::ssr::tracking::certify::CertifyOnPass;
    use crate::ssr::{accounts::learner, learning::results, AppState};
    let state = AppState::current()?;
    match learner::current(&state).await? {
        Some(me) => {
            let mut mine = results::my_results(&state, &me, &CertifyOnPass).await?;
            // Requests to join another agency's roster wait for the employee's answer here.
            mine.transfers =
                crate::ssr::tracking::transfers::waiting_for_employee(&state, &me).await?;
            Ok(Some(mine))
        }
        None => Ok(None),
    }
}
