//! Answering back (回传): each platform's endpoint, and the deliveries of
//! its tickets' steps, queued in the step's own transaction.

use chrono::{DateTime, Utc};
use fazhi_platform::{Code, Error, ErrorKind, time};
use sqlx::Row;

use super::Store;

/// A platform's registered endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryEndpoint {
    pub source: String,
    pub url: String,
    pub key_id: String,
    pub secret: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// One step to deliver (or dead-lettered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub position: i64,
    pub source: String,
    pub complaint_id: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub dead_at: Option<DateTime<Utc>>,
    pub last_error: String,
}

/// Queues the step at `position` for delivery to `source`'s endpoint, if
/// it registered one, inside the step's transaction.
pub(super) async fn enqueue(
    conn: &mut sqlx::AnyConnection,
    position: i64,
    source: &str,
    complaint_id: &str,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO complaint_deliveries (position, source, complaint_id, next_attempt_at) \
         SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM delivery_endpoints WHERE source = $2)",
    )
    .bind(position)
    .bind(source.to_owned())
    .bind(complaint_id.to_owned())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn delivery(r: &sqlx::any::AnyRow) -> Result<Delivery, Error> {
    Ok(Delivery {
        position: r.try_get("position")?,
        source: r.try_get("source")?,
        complaint_id: r.try_get("complaint_id")?,
        attempts: r.try_get("attempts")?,
        next_attempt_at: time::from_micros(r.try_get("next_attempt_at")?),
        dead_at: r
            .try_get::<Option<i64>, _>("dead_at")?
            .map(time::from_micros),
        last_error: r.try_get("last_error")?,
    })
}

const DELIVERY_COLUMNS: &str =
    "position, source, complaint_id, attempts, next_attempt_at, dead_at, last_error";

impl Store {
    /// Registers (or replaces) `source`'s endpoint.
    pub async fn put_endpoint(&self, e: &DeliveryEndpoint) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        sqlx::query("DELETE FROM delivery_endpoints WHERE source = $1")
            .bind(e.source.clone())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO delivery_endpoints (source, url, key_id, secret, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(e.source.clone())
        .bind(e.url.clone())
        .bind(e.key_id.clone())
        .bind(e.secret.clone())
        .bind(time::to_micros(e.created_at))
        .bind(e.created_by.clone())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every registered endpoint, by source.
    pub async fn endpoints(&self) -> Result<Vec<DeliveryEndpoint>, Error> {
        let rows = sqlx::query(
            "SELECT source, url, key_id, secret, created_at, created_by FROM delivery_endpoints ORDER BY source",
        )
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DeliveryEndpoint {
                    source: r.try_get("source")?,
                    url: r.try_get("url")?,
                    key_id: r.try_get("key_id")?,
                    secret: r.try_get("secret")?,
                    created_at: time::from_micros(r.try_get("created_at")?),
                    created_by: r.try_get("created_by")?,
                })
            })
            .collect()
    }

    /// Claims up to `limit` deliveries due at `now` for `lease`, oldest
    /// first: of each ticket, its undelivered steps from the earliest on, as
    /// many as are due in a row (a ticket's steps arrive in order, sent one
    /// after another by the claimer; a dead-lettered one no longer holds the
    /// rest).
    pub async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: i64,
    ) -> Result<Vec<Delivery>, Error> {
        let at = time::to_micros(now);
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM complaint_deliveries d \
             WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= $1 AND claimed_until <= $1 \
             AND NOT EXISTS (SELECT 1 FROM complaint_deliveries e WHERE e.complaint_id = d.complaint_id \
                 AND e.position < d.position AND e.delivered_at IS NULL AND e.dead_at IS NULL \
                 AND (e.next_attempt_at > $1 OR e.claimed_until > $1)) \
             ORDER BY position LIMIT $2"
        )))
        .bind(at)
        .bind(limit)
        .fetch_all(self.db.pool())
        .await?;
        let found = rows.iter().map(delivery).collect::<Result<Vec<_>, _>>()?;
        if found.is_empty() {
            return Ok(found);
        }
        // One statement claims them all; another deliverer may have taken some.
        let marks = fazhi_platform::db::placeholders(3, found.len());
        let mut claim = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!(
            "UPDATE complaint_deliveries SET claimed_until = $1 \
             WHERE claimed_until <= $2 AND delivered_at IS NULL AND dead_at IS NULL \
             AND position IN ({marks}) RETURNING position"
        )))
        .bind(time::to_micros(now + lease))
        .bind(at);
        for d in &found {
            claim = claim.bind(d.position);
        }
        let taken: std::collections::HashSet<i64> =
            claim.fetch_all(self.db.pool()).await?.into_iter().collect();
        // Of each ticket, only what was taken without a gap: a step another
        // deliverer took first holds the later ones, which are let go.
        let mut broken = std::collections::HashSet::new();
        let (mut claimed, mut released) = (Vec::new(), Vec::new());
        for d in found {
            if broken.contains(&d.complaint_id) || !taken.contains(&d.position) {
                if taken.contains(&d.position) {
                    released.push(d.position);
                }
                broken.insert(d.complaint_id.clone());
            } else {
                claimed.push(d);
            }
        }
        self.release_deliveries(&released).await?;
        Ok(claimed)
    }

    /// Lets claimed deliveries go untried, for any deliverer to claim again.
    pub async fn release_deliveries(&self, positions: &[i64]) -> Result<(), Error> {
        if positions.is_empty() {
            return Ok(());
        }
        let marks = fazhi_platform::db::placeholders(1, positions.len());
        let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE complaint_deliveries SET claimed_until = 0 WHERE position IN ({marks})"
        )));
        for position in positions {
            query = query.bind(*position);
        }
        query.execute(self.db.pool()).await?;
        Ok(())
    }

    /// The platform acknowledged the steps at `positions`, in one statement.
    pub async fn acknowledged_all(
        &self,
        positions: &[i64],
        at: DateTime<Utc>,
    ) -> Result<(), Error> {
        if positions.is_empty() {
            return Ok(());
        }
        let marks = fazhi_platform::db::placeholders(2, positions.len());
        let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE complaint_deliveries SET delivered_at = $1, claimed_until = 0, last_error = '' \
             WHERE position IN ({marks})"
        )))
        .bind(time::to_micros(at));
        for position in positions {
            query = query.bind(*position);
        }
        query.execute(self.db.pool()).await?;
        Ok(())
    }

    /// A try failed with `error`: tried again at `retry_at`, or
    /// dead-lettered at `now` when `retry_at` is none.
    pub async fn delivery_failed(
        &self,
        position: i64,
        now: DateTime<Utc>,
        retry_at: Option<DateTime<Utc>>,
        error: &str,
    ) -> Result<(), Error> {
        let error: String = error.chars().take(500).collect();
        sqlx::query(
            "UPDATE complaint_deliveries SET attempts = attempts + 1, claimed_until = 0, last_error = $1, \
             next_attempt_at = $2, dead_at = $3 WHERE position = $4",
        )
        .bind(error)
        .bind(time::to_micros(retry_at.unwrap_or(now)))
        .bind(retry_at.is_none().then(|| time::to_micros(now)))
        .bind(position)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    /// Dead-lettered deliveries of `source` (all sources when empty), oldest
    /// first after `after`, `limit` at most.
    pub async fn dead_deliveries(
        &self,
        source: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Delivery>, Error> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM complaint_deliveries \
             WHERE dead_at IS NOT NULL AND ($1 = '' OR source = $1) AND position > $2 ORDER BY position LIMIT $3"
        )))
        .bind(source.to_owned())
        .bind(after)
        .bind(limit)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(delivery).collect()
    }

    /// Puts a dead-lettered delivery back in the queue, due at `now`.
    pub async fn redeliver(&self, position: i64, now: DateTime<Utc>) -> Result<Delivery, Error> {
        let changed = sqlx::query(
            "UPDATE complaint_deliveries SET dead_at = NULL, attempts = 0, next_attempt_at = $1, claimed_until = 0 \
             WHERE position = $2 AND dead_at IS NOT NULL",
        )
        .bind(time::to_micros(now))
        .bind(position)
        .execute(self.db.pool())
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(Error::new(
                ErrorKind::NotFound,
                Code::NotFound,
                "no dead-lettered delivery at that position",
            ));
        }
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM complaint_deliveries WHERE position = $1"
        )))
        .bind(position)
        .fetch_one(self.db.pool())
        .await?;
        delivery(&row)
    }

    /// Deliveries waiting (not delivered, not dead) and dead-lettered.
    pub async fn delivery_backlog(&self) -> Result<(i64, i64), Error> {
        // Both counts within the undelivered part of the due index, never
        // the acknowledged rows the feed's retention keeps.
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM complaint_deliveries WHERE delivered_at IS NULL AND dead_at IS NULL) AS waiting, \
             (SELECT COUNT(*) FROM complaint_deliveries WHERE delivered_at IS NULL AND dead_at IS NOT NULL) AS dead",
        )
        .fetch_one(self.db.pool())
        .await?;
        Ok((row.try_get("waiting")?, row.try_get("dead")?))
    }
}
