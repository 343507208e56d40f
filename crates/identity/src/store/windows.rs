//! Fixed-window counters kept in the database, so that every gateway
//! sharing it counts against one limit: a client refused by one gateway is
//! refused by the next.

use std::time::Duration;

use chrono::{DateTime, Utc};
use fazhi_platform::{Error, time};
use sqlx::Row;

use super::Store;

/// Keys longer than this are cut (an address or `account\naddress` is far shorter).
const MAX_KEY_LEN: usize = 300;

fn window_us(window: Duration) -> i64 {
    i64::try_from(window.as_micros()).unwrap_or(i64::MAX / 4)
}

/// `key` as stored: at most [`MAX_KEY_LEN`] characters, a NUL (which
/// PostgreSQL text cannot hold) as U+FFFD.
fn bounded(key: &str) -> String {
    key.chars()
        .take(MAX_KEY_LEN)
        .map(|c| if c == '\0' { '\u{fffd}' } else { c })
        .collect()
}

impl Store {
    /// Counts one event for `key` under `bucket` at `now`, in a window of
    /// `window` (a new window when the last one has passed). The count in
    /// the window, this event included, and when the window started.
    pub async fn count_event(
        &self,
        bucket: &str,
        key: &str,
        now: DateTime<Utc>,
        window: Duration,
    ) -> Result<(u32, DateTime<Utc>), Error> {
        let now_us = time::to_micros(now);
        let expired = now_us - window_us(window);
        let row = sqlx::query(
            "INSERT INTO rate_windows (bucket, key, window_start, count) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (bucket, key) DO UPDATE SET \
               count = CASE WHEN rate_windows.window_start <= $4 THEN 1 ELSE rate_windows.count + 1 END, \
               window_start = CASE WHEN rate_windows.window_start <= $4 THEN $3 ELSE rate_windows.window_start END \
             RETURNING count, window_start",
        )
        .bind(bucket.to_owned())
        .bind(bounded(key))
        .bind(now_us)
        .bind(expired)
        .fetch_one(self.db.pool())
        .await?;
        let count: i64 = row.try_get("count")?;
        let start: i64 = row.try_get("window_start")?;
        Ok((
            u32::try_from(count).unwrap_or(u32::MAX),
            time::from_micros(start),
        ))
    }

    /// Events counted for `key` under `bucket` in the window still open at
    /// `now`, and when it started.
    pub async fn events(
        &self,
        bucket: &str,
        key: &str,
        now: DateTime<Utc>,
        window: Duration,
    ) -> Result<Option<(u32, DateTime<Utc>)>, Error> {
        let expired = time::to_micros(now) - window_us(window);
        let row = sqlx::query(
            "SELECT count, window_start FROM rate_windows \
             WHERE bucket = $1 AND key = $2 AND window_start > $3",
        )
        .bind(bucket.to_owned())
        .bind(bounded(key))
        .bind(expired)
        .fetch_optional(self.db.pool())
        .await?;
        row.map(|row| {
            let count: i64 = row.try_get("count")?;
            let start: i64 = row.try_get("window_start")?;
            Ok((
                u32::try_from(count).unwrap_or(u32::MAX),
                time::from_micros(start),
            ))
        })
        .transpose()
    }

    /// Forgets `key` under `bucket` (a successful login clears its failures).
    pub async fn clear_events(&self, bucket: &str, key: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM rate_windows WHERE bucket = $1 AND key = $2")
            .bind(bucket.to_owned())
            .bind(bounded(key))
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// Deletes windows that started before `before`; how many.
    pub async fn purge_events(&self, before: DateTime<Utc>) -> Result<u64, Error> {
        let done = sqlx::query("DELETE FROM rate_windows WHERE window_start < $1")
            .bind(time::to_micros(before))
            .execute(self.db.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
