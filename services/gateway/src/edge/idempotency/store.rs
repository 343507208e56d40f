//! The idempotency record: one row per (caller, route, key), claimed before
//! a request runs and completed with its answer, in the gateway's database.

use chrono::{DateTime, Utc};
use fazhi_platform::Code;
use fazhi_platform::{
    Error, ErrorKind,
    db::{self, Database},
    time,
};
use sqlx::Row;

/// What an idempotency key's record says about a new request with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// First use (or the earlier attempt was abandoned): go ahead.
    Proceed,
    /// The same key came with a different request.
    Mismatch,
    /// The first request with this key is still being processed.
    InProgress,
    /// Done before: replay this answer.
    Completed {
        status: u16,
        body: String,
        location: Option<String>,
    },
}

/// The idempotency keys of the gateway's database.
#[derive(Clone)]
pub struct IdempotencyStore {
    db: Database,
}

impl IdempotencyStore {
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// Claims `scope_key` for a request whose body hashes to `hash`.
    ///
    /// A record older than `expired_before` is forgotten; an unfinished one
    /// not touched since `stale_before` (its process died) is taken over.
    pub async fn begin(
        &self,
        scope_key: &str,
        hash: &str,
        now: DateTime<Utc>,
        expired_before: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> Result<Begin, Error> {
        for _ in 0..3 {
            let inserted = sqlx::query(
                "INSERT INTO idempotency_keys (scope_key, request_hash, status, body, location, created_at, updated_at) \
                 VALUES ($1, $2, 0, '', NULL, $3, $3)",
            )
            .bind(scope_key.to_owned())
            .bind(hash.to_owned())
            .bind(time::to_micros(now))
            .execute(self.db.pool())
            .await;
            match inserted {
                Ok(_) => return Ok(Begin::Proceed),
                Err(err) if db::is_unique_violation(&err) => {}
                Err(err) => return Err(err.into()),
            }
            let Some(row) = sqlx::query(
                "SELECT request_hash, status, body, location, created_at, updated_at FROM idempotency_keys WHERE scope_key = $1",
            )
            .bind(scope_key.to_owned())
            .fetch_optional(self.db.pool())
            .await?
            else {
                continue; // deleted meanwhile: try to claim it again
            };
            let created_at: i64 = row.try_get("created_at")?;
            let updated_at: i64 = row.try_get("updated_at")?;
            if created_at < time::to_micros(expired_before) {
                sqlx::query(
                    "DELETE FROM idempotency_keys WHERE scope_key = $1 AND created_at = $2",
                )
                .bind(scope_key.to_owned())
                .bind(created_at)
                .execute(self.db.pool())
                .await?;
                continue;
            }
            let stored_hash: String = row.try_get("request_hash")?;
            if stored_hash != hash {
                return Ok(Begin::Mismatch);
            }
            let status: i64 = row.try_get("status")?;
            if status != 0 {
                return Ok(Begin::Completed {
                    status: u16::try_from(status).unwrap_or(500),
                    body: row.try_get("body")?,
                    location: row.try_get("location")?,
                });
            }
            if updated_at >= time::to_micros(stale_before) {
                return Ok(Begin::InProgress);
            }
            // Take over an attempt whose process is gone; only one taker wins.
            let taken = sqlx::query(
                "UPDATE idempotency_keys SET updated_at = $1 WHERE scope_key = $2 AND status = 0 AND updated_at = $3",
            )
            .bind(time::to_micros(now))
            .bind(scope_key.to_owned())
            .bind(updated_at)
            .execute(self.db.pool())
            .await?;
            return Ok(if taken.rows_affected() == 1 {
                Begin::Proceed
            } else {
                Begin::InProgress
            });
        }
        Err(Error::new(
            ErrorKind::Conflict,
            Code::IdempotencyKeyInUse,
            "a request with this Idempotency-Key is being processed; retry shortly",
        ))
    }

    /// Records the answer to replay for `scope_key`.
    pub async fn complete(
        &self,
        scope_key: &str,
        status: u16,
        body: &str,
        location: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        sqlx::query(
            "UPDATE idempotency_keys SET status = $1, body = $2, location = $3, updated_at = $4 WHERE scope_key = $5",
        )
        .bind(i64::from(status))
        .bind(body.to_owned())
        .bind(location.map(str::to_owned))
        .bind(time::to_micros(now))
        .bind(scope_key.to_owned())
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    /// Forgets an attempt that failed in a way worth retrying.
    pub async fn abandon(&self, scope_key: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM idempotency_keys WHERE scope_key = $1 AND status = 0")
            .bind(scope_key.to_owned())
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// Deletes idempotency records created before `before`; how many.
    pub async fn purge(&self, before: DateTime<Utc>) -> Result<u64, Error> {
        let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(time::to_micros(before))
            .execute(self.db.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
