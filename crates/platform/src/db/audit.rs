//! A service's own audit log: unmasked reads, and the acts an administrator
//! must hear of. The gateway audits what it reveals; a service that returns
//! personal data unmasked writes its own entry too, so a direct gRPC call
//! leaves the same trace as one through the gateway. The table refuses
//! UPDATE and DELETE on both engines.

use crate::{
    auth::{Caller, roles_to_codes},
    db::{Database, EmbeddedMigration},
    time,
};

/// The migration creating the table, at `version` of a service's list.
pub const fn migration(version: i64) -> EmbeddedMigration {
    // One table; only the triggers that make it append-only differ.
    EmbeddedMigration::new(
        version,
        "audit log",
        concat!(
            include_str!("audit_table.sql"),
            include_str!("audit_triggers.sqlite.sql")
        ),
    )
    .with_postgres(concat!(
        include_str!("audit_table.sql"),
        include_str!("audit_triggers.postgres.sql")
    ))
}

/// Records that `caller` read `resource` `id` (of `division`) unmasked,
/// committed before the data leaves.
pub async fn read_personal(
    db: &Database,
    caller: &Caller,
    resource: &str,
    id: &str,
    division: &str,
) -> Result<(), crate::Error> {
    let action = format!("{resource}.read_personal");
    record(db.pool(), caller, &action, resource, id, division).await
}

/// Records that `caller` did `action` to `resource` `id` (of `division`),
/// on `db` — a pool, or the transaction that does the act.
pub async fn record<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    caller: &Caller,
    action: &str,
    resource: &str,
    id: &str,
    division: &str,
) -> Result<(), crate::Error> {
    sqlx::query(
        "INSERT INTO audit_events (id, at, actor, actor_roles, action, resource, resource_id, division_code) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(time::to_micros(time::now()))
    .bind(caller.subject.clone())
    .bind(roles_to_codes(&caller.roles))
    .bind(action.to_owned())
    .bind(resource.to_owned())
    .bind(id.to_owned())
    .bind(division.to_owned())
    .execute(db)
    .await?;
    Ok(())
}

/// How many entries the log holds for `action` (for checks and tests).
pub async fn count(db: &Database, action: &str) -> Result<i64, crate::Error> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = $1")
            .bind(action.to_owned())
            .fetch_one(db.pool())
            .await?,
    )
}
