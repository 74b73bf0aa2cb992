//! Content versions: each loaded module (slug + content hash) gets a row that attempts point to,
//! so editing a module never rewrites history.

use super::entities::content_module;
use crate::ssr::content::Catalog;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use std::collections::HashMap;

/// Records every module version in the catalogue and returns slug -> row id.
/// Safe to run from several processes at once: a lost insert race re-reads the winner's row.
pub async fn sync(
    db: &impl ConnectionTrait,
    catalog: &Catalog,
) -> Result<HashMap<String, i64>, DbErr> {
    let mut ids = HashMap::new();
    for module in catalog.modules() {
        let id = match find(db, &module.slug, &module.content_hash).await? {
            Some(row) => row.id,
            None => {
                let inserted = content_module::ActiveModel {
                    slug: Set(module.slug.clone()),
                    version: Set(module.version.clone()),
                    content_hash: Set(module.content_hash.clone()),
                    title: Set(module.title.clone()),
                    ..Default::default()
                }
                .insert(db)
                .await;
                match inserted {
                    Ok(row) => row.id,
                    Err(e) => match find(db, &module.slug, &module.content_hash).await? {
                        Some(row) => row.id,
                        None => return Err(e),
                    },
                }
            }
        };
        ids.insert(module.slug.clone(), id);
    }
    Ok(ids)
}

async fn find(
    db: &impl ConnectionTrait,
    slug: &str,
    hash: &str,
) -> Result<Option<content_module::Model>, DbErr> {
    content_module::Entity::find()
        .filter(content_module::Column::Slug.eq(slug))
        .filter(content_module::Column::ContentHash.eq(hash))
        .one(db)
        .await
}

pub async fn version_of(db: &impl ConnectionTrait, id: i64) -> Result<Option<String>, DbErr> {
    Ok(content_module::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|m| m.version))
}
