//! The transactional outbox: a message is written in the transaction of the
//! step that sends it, so a committed step always has its message and a
//! rolled-back one never does. A relay claims due messages for a lease
//! (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so relays in several replicas
//! never take the same one), delivers them and records the outcome.

use std::time::Duration;

use chrono::{DateTime, Utc};
use fazhi_platform::{Error, db::Backend, time};
use sqlx::{AnyConnection, Row};

use super::Store;

/// Topic of an escalation to the cases service.
pub const ESCALATION: &str = "cases.create_lead";

/// A message to send, with the complaint it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: String,
    pub topic: &'static str,
    pub complaint_id: String,
    /// JSON.
    pub payload: String,
    /// The writer's W3C `traceparent`, or "" when it was not traced.
    pub trace_context: String,
}

/// A message a relay holds for its lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub id: String,
    pub topic: String,
    pub complaint_id: String,
    pub payload: String,
    /// Deliveries tried before this one.
    pub attempts: i64,
    /// The writer's W3C `traceparent`, or "".
    pub trace_context: String,
}

/// A message delivered before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub id: String,
    pub complaint_id: String,
    pub payload: String,
}

/// Why a delivered message is sent again.
const RESENT: &str = "sent again: the cases service lacked its lead";

/// Writes `message` on `conn`, inside the caller's transaction.
pub(super) async fn insert(
    conn: &mut AnyConnection,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO complaint_outbox \
         (id, topic, complaint_id, payload, created_at, next_attempt_at, trace_context) \
         VALUES ($1, $2, $3, $4, $5, $5, $6)",
    )
    .bind(message.id.clone())
    .bind(message.topic)
    .bind(message.complaint_id.clone())
    .bind(message.payload.clone())
    .bind(time::to_micros(now))
    .bind(message.trace_context.clone())
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// Claims up to `limit` undelivered messages that are due and not held
    /// by another relay, for `lease`; the oldest first.
    pub async fn claim(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<Claimed>, Error> {
        let now_us = time::to_micros(now);
        let until = now_us + i64::try_from(lease.as_micros()).unwrap_or(i64::MAX / 2);
        let lock = match self.db.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            // One writer at a time: the UPDATE itself is the lock.
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE complaint_outbox SET claimed_until = $1 WHERE id IN (\
               SELECT id FROM complaint_outbox \
               WHERE delivered_at IS NULL AND next_attempt_at <= $2 AND claimed_until <= $2 \
               ORDER BY created_at LIMIT $3{lock}) \
             RETURNING id, topic, complaint_id, payload, attempts, trace_context"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(until)
            .bind(now_us)
            .bind(limit)
            .fetch_all(self.db.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Claimed {
                    id: r.try_get("id")?,
                    topic: r.try_get("topic")?,
                    complaint_id: r.try_get("complaint_id")?,
                    payload: r.try_get("payload")?,
                    attempts: r.try_get("attempts")?,
                    trace_context: r.try_get("trace_context")?,
                })
            })
            .collect()
    }

    /// Records a delivered escalation: the message is done and the complaint
    /// names its lead, together.
    pub async fn delivered(&self, message: &Claimed, lead_id: &str) -> Result<(), Error> {
        let now = time::to_micros(self.clock.now());
        let mut tx = self.db.pool().begin().await?;
        sqlx::query(
            "UPDATE complaint_outbox SET delivered_at = $1, attempts = attempts + 1, last_error = '' \
             WHERE id = $2",
        )
        .bind(now)
        .bind(message.id.clone())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE complaints SET lead_id = $1 WHERE id = $2")
            .bind(lead_id.to_owned())
            .bind(message.complaint_id.clone())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a failed delivery, to be tried again at `retry_at`.
    pub async fn failed(
        &self,
        message: &Claimed,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> Result<(), Error> {
        sqlx::query(
            "UPDATE complaint_outbox SET attempts = attempts + 1, last_error = $1, \
             next_attempt_at = $2, claimed_until = 0 WHERE id = $3",
        )
        .bind(error.chars().take(500).collect::<String>())
        .bind(time::to_micros(retry_at))
        .bind(message.id.clone())
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    /// Escalations delivered, by message id after `after`, `limit` at most.
    pub async fn delivered_escalations(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Delivered>, Error> {
        let rows = sqlx::query(
            "SELECT id, complaint_id, payload FROM complaint_outbox \
             WHERE topic = $1 AND delivered_at IS NOT NULL AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(ESCALATION)
        .bind(after.to_owned())
        .bind(limit)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Delivered {
                    id: r.try_get("id")?,
                    complaint_id: r.try_get("complaint_id")?,
                    payload: r.try_get("payload")?,
                })
            })
            .collect()
    }

    /// Makes delivered messages due again at once — their receiver lacks
    /// what they made — each complaint naming no lead until its message is
    /// delivered again; how many were still delivered to make due.
    pub async fn resend(&self, messages: &[Delivered]) -> Result<u64, Error> {
        let now = time::to_micros(self.clock.now());
        let mut tx = self.db.pool().begin().await?;
        let mut resent = 0;
        for message in messages {
            let made_due = sqlx::query(
                "UPDATE complaint_outbox SET delivered_at = NULL, next_attempt_at = $1, \
                 claimed_until = 0, last_error = $2 WHERE id = $3 AND delivered_at IS NOT NULL",
            )
            .bind(now)
            .bind(RESENT)
            .bind(message.id.clone())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if made_due > 0 {
                sqlx::query("UPDATE complaints SET lead_id = NULL WHERE id = $1")
                    .bind(message.complaint_id.clone())
                    .execute(&mut *tx)
                    .await?;
                resent += made_due;
            }
        }
        tx.commit().await?;
        Ok(resent)
    }

    /// Messages not yet delivered, and when the oldest was written.
    pub async fn backlog(&self) -> Result<(i64, Option<DateTime<Utc>>), Error> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM complaint_outbox WHERE delivered_at IS NULL",
        )
        .fetch_one(self.db.pool())
        .await?;
        Ok((
            row.try_get("n")?,
            row.try_get::<Option<i64>, _>("oldest")?
                .map(time::from_micros),
        ))
    }
}
