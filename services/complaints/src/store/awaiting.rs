//! Complaints waiting on someone, the earliest due first: what the warnings
//! (预警) read. One query per status, each walking an index in due order,
//! so a county of a million complaints answers in milliseconds however few
//! or many are waiting.

use chrono::{DateTime, Utc};
use fazhi_platform::{Error, db, time};

use super::{Filter, Store, decode};
use crate::domain::Complaint;

/// What a complaint waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Awaiting {
    /// A reply, while it is open (received, dispatched, accepted, returned).
    Reply,
    /// Signing for (签收), once dispatched.
    SignFor,
    /// A first answer owed before dispatch (`feedback_due`): an urgent
    /// request's feedback, a petition's acceptance decision.
    FirstAnswer,
}

impl Awaiting {
    /// The statuses to walk and the due column they are walked by.
    fn walk(self) -> (&'static [&'static str], &'static str) {
        match self {
            Self::Reply => (
                &["received", "dispatched", "accepted", "returned"],
                "reply_due",
            ),
            // Signing is due before the reply; the reply's order is theirs.
            Self::SignFor => (&["dispatched"], "reply_due"),
            Self::FirstAnswer => (&["received"], "feedback_due"),
        }
    }
}

impl Store {
    /// Up to `limit` complaints of the filter's division (or dispatched to
    /// a unit in it) and viewer waiting on `awaiting`, due by `due_by`, the
    /// earliest due first. The filter's period and ticket are not read.
    pub async fn list_awaiting(
        &self,
        filter: &Filter,
        awaiting: Awaiting,
        due_by: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(i64, Complaint)>, Error> {
        let (low, high) = db::division_range(filter.division.as_ref());
        let (statuses, due) = awaiting.walk();
        let viewer = filter.viewer.as_ref();
        let sql = format!(
            "SELECT {due} AS due, {columns} FROM complaints \
             WHERE status = $1 AND {due} IS NOT NULL AND {due} <= $2 \
             AND ((division_code >= $3 AND division_code < $4) OR (handling_unit >= $3 AND handling_unit < $4)) \
             AND (concerns_unit IS NULL OR $7 = 1 OR substr($5, 1, length(concerns_unit)) <> concerns_unit) \
             AND (concerns_officer IS NULL OR concerns_officer <> $6) \
             AND $8 = 0 AND ($9 = '' OR source = $9) \
             ORDER BY {due} LIMIT $10",
            columns = columns!(),
        );
        let mut found = Vec::new();
        for status in statuses {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(*status)
                .bind(time::to_micros(due_by))
                .bind(low.clone())
                .bind(high.clone())
                .bind(viewer.map(|v| v.scope.clone()).unwrap_or_default())
                .bind(viewer.map(|v| v.officer_key.clone()).unwrap_or_default())
                .bind(i64::from(viewer.is_none_or(|v| v.above_every_unit)))
                .bind(i64::from(viewer.is_some_and(|v| v.sees_none)))
                .bind(viewer.map(|v| v.source.clone()).unwrap_or_default())
                .bind(limit)
                .fetch_all(self.db.pool())
                .await?;
            for row in &rows {
                found.push((sqlx::Row::try_get::<i64, _>(row, "due")?, decode(row)?));
            }
        }
        // The earliest due of every status walked.
        found.sort_by_key(|(due, c)| (*due, c.id.clone()));
        found.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(found)
    }
}
