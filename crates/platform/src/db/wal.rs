//! A bounded write-ahead log for SQLite. Left to itself the log grows while
//! readers keep it from being reset (a busy county's pushes and summaries
//! took it to 4 GB beside a 1 GB database) and never shrinks. Here each
//! connection sets `journal_size_limit`, and a watcher checkpoints whenever
//! the log passes a quarter of its bound under load, or holds anything once
//! writes stop: every frame no reader still needs is copied without waiting
//! on anyone, and once none is left the file is emptied; past half the bound
//! it is emptied anyway, writers and readers waiting at most 100 ms.

use std::{
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use sqlx::{AnyPool, Row};

/// The default bound: 64 MiB.
pub const DEFAULT_WAL_LIMIT_BYTES: u64 = 64 << 20;

/// The bound every SQLite database of this process keeps its log under.
static WAL_LIMIT: AtomicU64 = AtomicU64::new(DEFAULT_WAL_LIMIT_BYTES);

/// Sets the bound for databases opened from now on (the setting
/// `database.wal_limit_mib`).
pub fn set_wal_limit(bytes: u64) {
    WAL_LIMIT.store(bytes.max(1 << 20), Ordering::Relaxed);
}

pub(super) fn wal_limit() -> u64 {
    WAL_LIMIT.load(Ordering::Relaxed)
}

/// The database file a `sqlite://` URL names, if it names one.
pub(super) fn file_of(url: &str) -> Option<PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// The log beside `file`.
pub(super) fn log_of(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

pub(super) fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// How long the emptying checkpoint waits for readers to move to the latest
/// snapshot: writers wait behind it meanwhile, so never long; a reader that
/// holds on longer leaves it to the next look.
const CHECKPOINT_WAIT_MS: u32 = 100;

/// Copies every frame it can into the database without waiting on anyone
/// (PASSIVE); when that was all of them, or `press` (the log is past half its
/// bound and readers keep overlapping), empties the log (TRUNCATE, waiting at
/// most [`CHECKPOINT_WAIT_MS`] for readers). Whether the log was emptied.
pub(super) async fn truncate(pool: &AnyPool, press: bool) -> Result<bool, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let row = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(&mut *conn)
        .await?;
    let (log, copied): (i64, i64) = (row.try_get(1)?, row.try_get(2)?);
    if log != copied && !press {
        // A reader still needs frames the database cannot take yet.
        return Ok(false);
    }
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}"
    )))
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(&mut *conn)
        .await
        .and_then(|row| row.try_get::<i64, _>(0));
    // The connection goes back to the pool with the others' patience.
    sqlx::raw_sql("PRAGMA busy_timeout = 5000")
        .execute(&mut *conn)
        .await?;
    Ok(done? == 0)
}

/// Watches `log` every `every`: past a quarter of `limit`, or left over once
/// writes stopped (unchanged since the last look), it is checkpointed.
pub(super) fn watch(
    name: String,
    pool: AnyPool,
    log: PathBuf,
    limit: u64,
    every: Duration,
    checkpointing: std::sync::Arc<tokio::sync::Mutex<()>>,
    stop: tokio_util::sync::CancellationToken,
) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        let mut ticks = tokio::time::interval(every);
        let mut last = 0;
        // Pressing holds writers back up to 100 ms: after one a long reader
        // defeated, the next waits longer (up to a minute), so writers are
        // never starved.
        let (mut pause, mut press_after) = (Duration::from_secs(1), tokio::time::Instant::now());
        while !pool.is_closed() {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = ticks.tick() => {}
            }
            let now = size(&log);
            metrics::gauge!("fazhi_db_wal_bytes", "database" => name.clone()).set(now as f64);
            let idle = now > 0 && now == last;
            let press = now > limit / 2 && tokio::time::Instant::now() >= press_after;
            if now > limit / 4 || idle {
                let one_at_a_time = checkpointing.lock().await;
                let done = truncate(&pool, press).await;
                drop(one_at_a_time);
                let emptied = match done {
                    Ok(emptied) => emptied,
                    Err(e) => {
                        tracing::warn!(database = %name, error = %e, "checkpoint failed");
                        false
                    }
                };
                if emptied {
                    pause = Duration::from_secs(1);
                } else if press {
                    tracing::debug!(database = %name, bytes = now, "checkpoint held back by a reader");
                    press_after = tokio::time::Instant::now() + pause;
                    pause = (pause * 2).min(Duration::from_secs(60));
                }
            }
            last = size(&log);
        }
    });
}
