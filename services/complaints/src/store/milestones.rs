//! The case an escalated complaint became, followed: each milestone it
//! passes (filed, decided, closed, not filed, terminated) is recorded as an
//! event of the complaint, without a new version, so the platform that
//! pushed the ticket hears how it ended.

use chrono::{DateTime, Utc};
use fazhi_platform::{Error, time};
use sqlx::Row;

use super::{Store, decode, workflow};
use crate::domain::Complaint;

impl Store {
    /// Up to `limit` complaints whose case has not ended, looked at longest
    /// ago first, with the last milestone each recorded.
    pub async fn cases_to_follow(&self, limit: i64) -> Result<Vec<(Complaint, String)>, Error> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            ", case_milestone FROM complaints WHERE lead_id IS NOT NULL \
             AND case_milestone NOT IN ('closed', 'not_filed', 'terminated') \
             ORDER BY case_checked_at LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((decode(r)?, r.try_get("case_milestone")?)))
            .collect()
    }

    /// Notes that `c`'s case was looked at `at`.
    pub async fn case_checked(&self, c: &Complaint, at: DateTime<Utc>) -> Result<(), Error> {
        sqlx::query("UPDATE complaints SET case_checked_at = $1 WHERE id = $2")
            .bind(time::to_micros(at))
            .bind(c.id.clone())
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// Records that `c`'s case passed `milestone` (after `last`), at `at`:
    /// false when another follower recorded it first.
    pub async fn record_case_milestone(
        &self,
        c: &Complaint,
        last: &str,
        milestone: &str,
        case_status: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, Error> {
        let mut tx = self.db.pool().begin().await?;
        let marked = sqlx::query(
            "UPDATE complaints SET case_milestone = $1, case_checked_at = $2 \
             WHERE id = $3 AND case_milestone = $4",
        )
        .bind(milestone.to_owned())
        .bind(time::to_micros(at))
        .bind(c.id.clone())
        .bind(last.to_owned())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if marked == 0 {
            return Ok(false);
        }
        let detail = serde_json::json!({
            "lead_id": c.handling.lead_id,
            "case_status": case_status,
        });
        workflow::append_event(
            &mut tx,
            c,
            c,
            workflow::Step {
                actor: "system:cases",
                kind: &format!("case_{milestone}"),
                note: "",
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
