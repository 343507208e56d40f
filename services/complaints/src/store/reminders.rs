//! Reminders of overdue complaints (督办: overdue items get reminders): at
//! most one a day each, recorded in the timeline, never bumping the version
//! a handler works against.

use chrono::{DateTime, Utc};
use fazhi_platform::{Error, time};

use super::{Store, decode, workflow};
use crate::domain::Complaint;

impl Store {
    /// Up to `limit` complaints whose reply is overdue at `now` and that
    /// were not reminded of since `since`, the longest overdue first.
    pub async fn overdue_unreminded(
        &self,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Complaint>, Error> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM complaints WHERE status IN ('received', 'dispatched', 'accepted', 'returned') \
             AND reply_due < $1 AND (reminded_at IS NULL OR reminded_at < $2) \
             ORDER BY reply_due LIMIT $3"
        ))
        .bind(time::to_micros(now))
        .bind(time::to_micros(since))
        .bind(limit)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(decode).collect()
    }

    /// Records a reminder of `c` at `at`, unless another sweep reminded of
    /// it since `since`; true when this one did.
    pub async fn remind(
        &self,
        c: &Complaint,
        at: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Result<bool, Error> {
        let mut tx = self.db.pool().begin().await?;
        let marked = sqlx::query(
            "UPDATE complaints SET reminded_at = $1 WHERE id = $2 \
             AND (reminded_at IS NULL OR reminded_at < $3)",
        )
        .bind(time::to_micros(at))
        .bind(c.id.clone())
        .bind(time::to_micros(since))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if marked == 0 {
            return Ok(false);
        }
        let detail = serde_json::json!({ "reply_due": time::to_rfc3339(c.reply_due) });
        workflow::append_event(
            &mut tx,
            c,
            c,
            workflow::Step {
                actor: "system:reminders",
                kind: "reminded",
                note: "答复已逾期",
                detail: detail.to_string(),
                at,
                entered: None,
                by_platform: false,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
