//! The gateway's audit log: appended in the transaction of the change it
//! records, read newest first within the caller's divisions. The table
//! refuses UPDATE and DELETE (migration 2).

use fazhi_platform::{DivisionCode, Error, db, time};
use sqlx::Row;

use super::{AuditEvent, Store};

impl Store {
    /// Appends events to the audit log, all or none.
    pub async fn append_audit(&self, events: &[AuditEvent]) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        for event in events {
            insert_audit(&mut tx, event).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Events about records of `scope` and below, newest first, `limit` at
    /// most, after the (at, id) cursor.
    pub async fn list_audit(
        &self,
        scope: &DivisionCode,
        after: Option<(i64, String)>,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, Error> {
        let (at, id) = after.unwrap_or((i64::MAX, String::new()));
        let (low, high) = db::division_range(Some(scope));
        let rows = sqlx::query(
            "SELECT id, at, actor, actor_roles, action, resource, resource_id, division_code FROM audit_events \
             WHERE division_code >= $1 AND division_code < $2 AND (at < $3 OR (at = $3 AND id < $4)) \
             ORDER BY at DESC, id DESC LIMIT $5",
        )
        .bind(low)
        .bind(high)
        .bind(at)
        .bind(id)
        .bind(limit)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEvent {
                    id: r.try_get("id")?,
                    at: time::from_micros(r.try_get("at")?),
                    actor: r.try_get("actor")?,
                    actor_roles: r.try_get("actor_roles")?,
                    action: r.try_get("action")?,
                    resource: r.try_get("resource")?,
                    resource_id: r.try_get("resource_id")?,
                    division: r.try_get("division_code")?,
                })
            })
            .collect()
    }
}

pub(super) async fn insert_audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    e: &AuditEvent,
) -> Result<(), Error> {
    db::audit::append(&mut **tx, e).await
}
