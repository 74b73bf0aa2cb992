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

/// Inserts an employee first known through a self-declared claim (no agency yet). The typed
/// details of later claims never change the row: each claim keeps its own.
pub async fn insert(
    db: &impl ConnectionTrait,
    nip: &str,
    name: &str,
    instansi: &str,
    unit_kerja: &str,
) -> Result<employee::Model, DbErr> {
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

/// The employee with this NIP, inserted if new (fixtures, benchmarks).
pub async fn find_or_insert(
    db: &impl ConnectionTrait,
    nip: &str,
    name: &str,
    instansi: &str,
    unit_kerja: &str,
) -> Result<employee::Model, DbErr> {
    match find_by_nip(db, nip).await? {
        Some(existing) => Ok(existing),
        None => insert(db, nip, name, instansi, unit_kerja).await,
    }
}
