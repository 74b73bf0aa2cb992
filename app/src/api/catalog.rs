//! Catalogue and lesson pages.

use crate::error::AppError;
use crate::model::catalog::{LessonPage, ModuleCard, ModuleDetail};
use leptos::prelude::*;

/// Every module with the learner's status when known.
#[server(client = crate::api::client::Netra, endpoint = "modules")]
pub async fn list_modules() -> Result<Vec<ModuleCard>, AppError> {
    use crate::ssr::{accounts::learner, db, learning::results, respond::OrFail, AppState};

    let state = AppState::current()?;
    let me = learner::current(&state).await?;
    let (read, attempts) = match &me {
        Some(me) => (
            db::progress::read_by_module(&state.db, me.holder)
                .await
                .or_fail()?,
            db::attempts::list_for(&state.db, me.holder)
                .await
                .or_fail()?,
        ),
        None => Default::default(),
    };
    Ok(state
        .catalog
        .modules()
        .iter()
        .filter(|m| !m.is_test_only())
        .map(|m| {
            let lessons_read = read.get(&m.slug).map(|s| s.len()).unwrap_or(0);
            let status = results::module_status(&attempts, &m.slug, lessons_read);
            ModuleCard {
                slug: m.slug.clone(),
                title: m.title.clone(),
                summary: m.summary.clone(),
                estimated_minutes: m.estimated_minutes,
                jp: m.jp,
                lesson_count: m.lessons.len(),
                status,
            }
        })
        .collect())
}

/// The module overview: lessons in order, with which ones the learner has read.
#[server(client = crate::api::client::Netra, endpoint = "module")]
pub async fn get_module(slug: String) -> Result<ModuleDetail, AppError> {
    use crate::model::catalog::{LessonLink, ModuleStatus};
    use crate::ssr::{accounts::learner, db, learning::results, respond::OrFail, AppState};

    let state = AppState::current()?;
    let module = state
        .catalog
        .module(&slug)
        .filter(|m| !m.is_test_only())
        .cloned()
        .ok_or(AppError::NotFound)
        .or_fail()?;
    let me = learner::current(&state).await?;
    let (read, status) = match &me {
        Some(me) => {
            let read = db::progress::read_in_module(&state.db, me.holder, &slug)
                .await
                .or_fail()?;
            let attempts = db::attempts::list_for(&state.db, me.holder)
                .await
                .or_fail()?;
            let status = results::module_status(&attempts, &slug, read.len());
            (read, status)
        }
        None => (Default::default(), ModuleStatus::NotStarted),
    };
    Ok(ModuleDetail {
        slug: module.slug.clone(),
        title: module.title.clone(),
        summary: module.summary.clone(),
        version: module.version.clone(),
        estimated_minutes: module.estimated_minutes,
        jp: module.jp,
        passing_score: module.passing_score,
        attempt_limit: module.attempt_limit,
        time_limit_minutes: module.time_limit_minutes,
        question_count: module.questions_per_attempt,
        legal_basis: module.legal_basis.clone(),
        lessons: module
            .lessons
            .iter()
            .map(|l| LessonLink {
                slug: l.slug.clone(),
                title: l.title.clone(),
                read: read.contains(&l.slug),
            })
            .collect(),
        status,
    })
}

/// One lesson. Opening it marks it read for an identified learner.
#[server(client = crate::api::client::Netra, endpoint = "lesson")]
pub async fn get_lesson(module: String, lesson: String) -> Result<LessonPage, AppError> {
    use crate::model::catalog::LessonLink;
    use crate::ssr::{accounts::learner, db, respond::OrFail, AppState};

    let state = AppState::current()?;
    let m = state
        .catalog
        .module(&module)
        .cloned()
        .ok_or(AppError::NotFound)
        .or_fail()?;
    let (position, current) = m.lesson(&lesson).ok_or(AppError::NotFound).or_fail()?;
    let mut read = Default::default();
    if let Some(me) = learner::current(&state).await? {
        db::progress::mark_read(&state.db, me.holder, &m.slug, &current.slug)
            .await
            .or_fail()?;
        read = db::progress::read_in_module(&state.db, me.holder, &m.slug)
            .await
            .or_fail()?;
    }
    let link = |i: usize| {
        m.lessons.get(i).map(|l| LessonLink {
            slug: l.slug.clone(),
            title: l.title.clone(),
            read: read.contains(&l.slug),
        })
    };
    Ok(LessonPage {
        module_slug: m.slug.clone(),
        module_title: m.title.clone(),
        slug: current.slug.clone(),
        title: current.title.clone(),
        html: current.html.clone(),
        position: position + 1,
        total: m.lessons.len(),
        previous: position.checked_sub(1).and_then(link),
        next: link(position + 1),
        lessons_read: read.len(),
    })
}
