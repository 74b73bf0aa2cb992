//! Which lessons a learner has opened.

use super::claims::Holder;
use super::entities::lesson_progress;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set};
use std::collections::{HashMap, HashSet};

/// Marks a lesson read; reading it again changes nothing.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    holder: Holder,
    module: &str,
    lesson: &str,
) -> Result<(), DbErr> {
    lesson_progress::Entity::insert(lesson_progress::ActiveModel {
        employee_id: Set(holder.employee_id),
        claim_id: Set(holder.claim_id),
        module_slug: Set(module.to_string()),
        lesson_slug: Set(lesson.to_string()),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([
        lesson_progress::Column::EmployeeId,
        lesson_progress::Column::ClaimId,
        lesson_progress::Column::ModuleSlug,
        lesson_progress::Column::LessonSlug,
    ])
    .exec(db)
    .await
    .map(|_| ())
}

/// Lesson slugs read in one module.
pub async fn read_in_module(
    db: &impl ConnectionTrait,
    holder: Holder,
    module: &str,
) -> Result<HashSet<String>, DbErr> {
    let rows: Vec<String> = lesson_progress::Entity::find()
        .select_only()
        .column(lesson_progress::Column::LessonSlug)
        .filter(lesson_progress::Column::EmployeeId.eq(holder.employee_id))
        .filter(lesson_progress::Column::ClaimId.eq(holder.claim_id))
        .filter(lesson_progress::Column::ModuleSlug.eq(module))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Lesson slugs read, per module.
pub async fn read_by_module(
    db: &impl ConnectionTrait,
    holder: Holder,
) -> Result<HashMap<String, HashSet<String>>, DbErr> {
    let rows: Vec<(String, String)> = lesson_progress::Entity::find()
        .select_only()
        .column(lesson_progress::Column::ModuleSlug)
        .column(lesson_progress::Column::LessonSlug)
        .filter(lesson_progress::Column::EmployeeId.eq(holder.employee_id))
        .filter(lesson_progress::Column::ClaimId.eq(holder.claim_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut map: HashMap<String, HashSet<String>> = HashMap::new();
    for (module, lesson) in rows {
        map.entry(module).or_default().insert(lesson);
    }
    Ok(map)
}
