//! A service's own audit log: unmasked reads, and the acts an administrator
//! must hear of. The gateway audits what it reveals; a service that returns
//! personal data unmasked writes its own entry too, so a direct gRPC call
//! leaves the same trace as one through the gateway. The table refuses
//! UPDATE and DELETE on both engines.

use chrono::{DateTime, Utc};

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

/// Records that `caller` read `resource` `id` (of `division`) unmasked at
/// `at`, committed before the data leaves.
pub async fn read_personal(
    db: &Database,
    at: DateTime<Utc>,
    caller: &Caller,
    resource: &str,
    id: &str,
    division: &str,
) -> Result<(), crate::Error> {
    let action = format!("{resource}.read_personal");
    record(db.pool(), at, caller, &action, resource, id, division).await
}

/// One entry of an audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub at: DateTime<Utc>,
    /// `account:<username>`, `api_key:<id>`, `oidc:<sub>`.
    pub actor: String,
    pub actor_roles: String,
    /// What was done: `complaint.read_personal`, `account.create`, …
    pub action: String,
    pub resource: String,
    pub resource_id: String,
    /// Division of the record read or changed.
    pub division: String,
}

impl Entry {
    /// `caller` did `action` to `resource` `id` (of `division`) at `at`.
    pub fn new(
        at: DateTime<Utc>,
        caller: &Caller,
        action: &str,
        resource: &str,
        id: &str,
        division: &str,
    ) -> Self {
        Self {
            id: uuid::Uuid::now_v7().to_string(),
            at,
            actor: caller.subject.clone(),
            actor_roles: roles_to_codes(&caller.roles),
            action: action.to_owned(),
            resource: resource.to_owned(),
            resource_id: id.to_owned(),
            division: division.to_owned(),
        }
    }
}

/// Records that `caller` did `action` to `resource` `id` (of `division`) at
/// `at`, on `db` — a pool, or the transaction that does the act.
pub async fn record<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    at: DateTime<Utc>,
    caller: &Caller,
    action: &str,
    resource: &str,
    id: &str,
    division: &str,
) -> Result<(), crate::Error> {
    append(db, &Entry::new(at, caller, action, resource, id, division)).await
}

/// Appends `entry` on `db` — a pool, or the transaction that does the act:
/// the one writer of every audit log (the services' and the gateway's).
pub async fn append<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    entry: &Entry,
) -> Result<(), crate::Error> {
    sqlx::query(
        "INSERT INTO audit_events (id, at, actor, actor_roles, action, resource, resource_id, division_code) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(entry.id.clone())
    .bind(time::to_micros(entry.at))
    .bind(entry.actor.clone())
    .bind(entry.actor_roles.clone())
    .bind(entry.action.clone())
    .bind(entry.resource.clone())
    .bind(entry.resource_id.clone())
    .bind(entry.division.clone())
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
