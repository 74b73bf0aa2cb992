//! The live board: the figures a host watches while attendees submit.

use crate::error::AppError;
use crate::model::quiz::QuestionStat;
use crate::model::webinar::{Bucket, LiveStats, QuestionShare, Stage, TeamRow};
use crate::ssr::db::item_stats::Population;
use crate::ssr::db::{self, entities::webinar_session};
use crate::ssr::learning;
use crate::ssr::respond::{fail, OrFail};
use crate::ssr::AppState;
use std::collections::{BTreeMap, HashMap};

/// Scores with how many attendees have each.
#[derive(Default)]
pub(crate) struct Tally(BTreeMap<i32, u64>);

impl Tally {
    pub(crate) fn add(&mut self, score: Option<i32>, attendees: u64) {
        if let Some(score) = score {
            *self.0.entry(score).or_default() += attendees;
        }
    }

    pub(crate) fn count(&self) -> u64 {
        self.0.values().sum()
    }

    pub(crate) fn average(&self) -> Option<f64> {
        let n = self.count();
        (n > 0).then(|| {
            self.0
                .iter()
                .map(|(&score, &k)| f64::from(score) * k as f64)
                .sum::<f64>()
                / n as f64
        })
    }

    /// In ten buckets: 0-9, 10-19, ..., 90-100.
    pub(crate) fn distribution(&self) -> Vec<Bucket> {
        let mut counts = [0u64; 10];
        for (&score, &k) in &self.0 {
            counts[(score.clamp(0, 100) / 10).min(9) as usize] += k;
        }
        counts
            .iter()
            .enumerate()
            .map(|(i, &count)| Bucket {
                from: i as u32 * 10,
                to: if i == 9 { 100 } else { i as u32 * 10 + 9 },
                count,
            })
            .collect()
    }
}

/// Every figure of the live board, computed from the database (so every replica agrees).
pub async fn live_stats(
    state: &AppState,
    session: &webinar_session::Model,
) -> Result<LiveStats, AppError> {
    let groups = db::webinars::score_groups(&state.db, session.id)
        .await
        .or_fail()?;
    let (mut pre, mut post, mut gains) = (Tally::default(), Tally::default(), Tally::default());
    let (mut joined, mut completed) = (0, 0);
    let mut teams: BTreeMap<&str, (u64, Tally, Tally)> = BTreeMap::new();
    for g in &groups {
        let k = g.attendees.max(0) as u64;
        joined += k;
        pre.add(g.pre_score, k);
        post.add(g.post_score, k);
        gains.add(g.post_score.zip(g.pre_score).map(|(b, a)| b - a), k);
        let pre_ok = !session.requires_pre || g.pre_score.is_some();
        if pre_ok && g.post_score.is_some_and(|s| s >= session.min_post_score) {
            completed += k;
        }
        let team = teams.entry(g.instansi.as_str()).or_default();
        team.0 += k;
        team.1.add(g.pre_score, k);
        team.2.add(g.post_score, k);
    }
    let stems: HashMap<&str, &str> = [session.pre_module.as_deref(), Some(&session.post_module)]
        .into_iter()
        .flatten()
        .filter_map(|slug| state.catalog.module(slug))
        .flat_map(|m| m.questions.iter().map(|q| (q.id.as_str(), q.stem.as_str())))
        .collect();
    let mut questions: Vec<QuestionShare> = db::tallies::of_session(&state.db, session.id)
        .await
        .or_fail()?
        .into_iter()
        .filter_map(|t| {
            let stage = [Stage::Pre, Stage::Post]
                .into_iter()
                .find(|s| s.context() == t.context)?;
            Some(QuestionShare {
                stage,
                stem: stems
                    .get(t.question_id.as_str())
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                question_id: t.question_id,
                answered: t.answered.max(0) as u64,
                correct: t.correct.max(0) as u64,
            })
        })
        .collect();
    // The least understood rules first.
    questions.sort_by_key(|q| (q.stage == Stage::Pre, q.percent(), q.question_id.clone()));
    Ok(LiveStats {
        joined,
        pre_submitted: pre.count(),
        post_submitted: post.count(),
        pre_average: pre.average(),
        post_average: post.average(),
        paired: gains.count(),
        gain_average: gains.average(),
        pre_distribution: pre.distribution(),
        post_distribution: post.distribution(),
        questions,
        teams: teams
            .into_iter()
            .map(|(instansi, (participants, pre, post))| TeamRow {
                instansi: instansi.to_string(),
                participants,
                pre_average: pre.average(),
                post_average: post.average(),
            })
            .collect(),
        completed,
    })
}

/// Item statistics of a session's pre-test or post-test (facility, discrimination, option
/// spread), hardest first.
pub async fn item_stats(
    state: &AppState,
    session: &webinar_session::Model,
    stage: Stage,
) -> Result<Vec<QuestionStat>, AppError> {
    let module = super::sessions::stage_module(session, stage)
        .and_then(|slug| state.catalog.module(slug))
        .ok_or(AppError::NotFound)
        .map_err(fail)?;
    let population = Population::Session {
        session_id: session.id,
        context: stage.context(),
    };
    learning::item_stats::hardest_first_over(&state.db, module, &population)
        .await
        .or_fail()
}
