//! Employees (ASN) identified by NIP.

use super::entities::employee;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Set,
};

pub async fn find_by_nip(
    db: &impl ConnectionTrait,
    nip: &str,
) -> Result<Option<employee::Model>, DbErr> {
    employee::Entity::find()
        .filter(employee::Column::Nip.eq(nip))
        .one(db)
        .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<employee::Model>, DbErr> {
    employee::Entity::find_by_id(id).one(db).await
}

/// Serialises writers per employee inside a transaction: a row lock on PostgreSQL. SQLite
/// write transactions (`BEGIN IMMEDIATE`) are already serialised.
pub async fn lock(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        employee::Entity::find_by_id(id)
            .lock_exclusive()
            .one(db)
            .await?;
    }
    Ok(())
}

/// Inserts a new employee, or refreshes the self-declared agency and unit of an existing one.
/// A rostered employee's agency and unit come from the roster and are left alone.
pub async fn upsert(
    db: &impl ConnectionTrait,
    nip: &str,
    name: &str,
    instansi: &str,
    unit_kerja: &str,
) -> Result<employee::Model, DbErr> {
    match find_by_nip(db, nip).await? {
        Some(existing) => {
            let unchanged = existing.instansi == instansi
                && existing.unit_kerja == unit_kerja
                && existing.name == name;
            if unchanged || existing.agency_id.is_some() {
                return Ok(existing);
            }
            let mut active: employee::ActiveModel = existing.into();
            active.name = Set(name.to_string());
            active.instansi = Set(instansi.to_string());
            active.unit_kerja = Set(unit_kerja.to_string());
            active.update(db).await
        }
        None => {
            employee::ActiveModel {
                nip: Set(nip.to_string()),
                name: Set(name.to_string()),
                instansi: Set(instansi.to_string()),
                unit_kerja: Set(unit_kerja.to_string()),
                ..Default::default()
            }
            .insert(db)
            .await
        }
    }
}
