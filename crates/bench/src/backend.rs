//! The backend a run measures: SQLite by default, or PostgreSQL (`--postgres
//! URL`, an admin URL such as `postgres://postgres@127.0.0.1:5432/postgres`),
//! where each system the benchmark starts gets fresh databases of its own on
//! that server, one per service, dropped afterwards. Each backend's per-row
//! ceiling: a bare SQLite file committing one row per transaction, or
//! pgbench's one-row insert at the same concurrency, timed transaction by
//! transaction from its log.

use std::{path::Path, time::Duration};

use anyhow::Context;
use fazhi_testkit::{TestDatabase, postgres_at};
use tokio::process::Command;

use fazhi_complaints::store::Store;

use crate::{Args, Run, System, drive};

/// A system for the county 12345 platform's way in (an API key with the
/// staff role), on PostgreSQL when asked, with its databases.
pub async fn start(
    binary: &Path,
    data: &Path,
    clients: usize,
    args: &Args,
) -> anyhow::Result<(System, Option<Fleet>)> {
    let fleet = match &args.postgres {
        Some(admin) => Some(Fleet::create(admin).await),
        None => None,
    };
    let env = fleet.as_ref().map(Fleet::env).unwrap_or_default();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let system = System::start_with(binary, data, "staff", clients, &env).await?;
    Ok((system, fleet))
}

/// The store alone, on a fresh database of the run's backend.
pub async fn fresh_store(args: &Args) -> anyhow::Result<(Store, fazhi_testkit::TestDatabase)> {
    let db = match &args.postgres {
        Some(admin) => fazhi_testkit::postgres_at(admin).await,
        None => fazhi_testkit::sqlite(),
    };
    Ok((Store::open(db.url(), db.data_dir()).await?, db))
}

/// The backend's own ceiling: one row per transaction, `clients` at once —
/// a bare SQLite file, or pgbench on PostgreSQL.
pub async fn per_row(args: &Args, row: String) -> anyhow::Result<(Run, &'static str)> {
    if let Some(admin) = &args.postgres {
        let run = one_row_insert(admin, args.concurrency, args.seconds, row.len()).await?;
        return Ok((run, "ceiling: pgbench, a one-row INSERT per transaction"));
    }
    let bare_dir = tempfile::tempdir()?;
    let bare = fazhi_platform::db::Database::open(None, bare_dir.path(), "bare", &[]).await?;
    sqlx::query("CREATE TABLE rows (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        .execute(bare.pool())
        .await?;
    let pool = bare.pool().clone();
    let run = drive(args.concurrency, args.seconds, move || {
        let (pool, row) = (pool.clone(), row.clone());
        async move {
            sqlx::query("INSERT INTO rows (id, body) VALUES ($1, $2)")
                .bind(uuid::Uuid::now_v7().to_string())
                .bind(row)
                .execute(&pool)
                .await
                .map(|_| ())
                .map_err(|_| ())
        }
    })
    .await;
    Ok((run, "ceiling: a bare SQLite file, one row per transaction"))
}

/// The databases of one system, dropped with it.
pub struct Fleet {
    databases: Vec<(&'static str, TestDatabase)>,
}

impl Fleet {
    pub async fn create(admin: &str) -> Self {
        let mut databases = Vec::new();
        for service in ["gateway", "complaints", "cases", "training"] {
            databases.push((service, postgres_at(admin).await));
        }
        Self { databases }
    }

    /// The settings that point each service at its database.
    pub fn env(&self) -> Vec<(String, String)> {
        self.databases
            .iter()
            .filter_map(|(service, db)| {
                let url = db.url()?.to_owned();
                Some((
                    format!("FAZHI_{}__DATABASE_URL", service.to_uppercase()),
                    url,
                ))
            })
            .collect()
    }
}

/// pgbench inserting one row of `row_bytes` per transaction, `clients` at
/// once for `seconds` (after one of warm-up), into a fresh database.
pub async fn one_row_insert(
    admin: &str,
    clients: usize,
    seconds: u64,
    row_bytes: usize,
) -> anyhow::Result<Run> {
    let db = postgres_at(admin).await;
    let url = db.url().context("a PostgreSQL URL")?.to_owned();
    let pool = sqlx::AnyPool::connect(&url).await?;
    sqlx::query("CREATE TABLE rows (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
        .execute(&pool)
        .await?;
    pool.close().await;
    let dir = tempfile::tempdir()?;
    let script = dir.path().join("insert.sql");
    std::fs::write(
        &script,
        format!(
            "INSERT INTO rows (id, body) VALUES (gen_random_uuid()::text, repeat('x', {row_bytes}));\n"
        ),
    )?;
    let prefix = dir.path().join("tx");
    let ran = Command::new("pgbench")
        .args(["--no-vacuum", "--protocol=prepared", "--jobs=2", "--log"])
        .arg(format!("--client={clients}"))
        .arg(format!("--time={}", seconds + 1))
        .arg(format!("--file={}", script.display()))
        .arg(format!("--log-prefix={}", prefix.display()))
        .arg(&url)
        .output()
        .await
        .context("running pgbench (PostgreSQL's own client tools)")?;
    anyhow::ensure!(
        ran.status.success(),
        "pgbench failed: {}",
        String::from_utf8_lossy(&ran.stderr)
    );
    // Each line: client, transaction, latency µs, script, end (s), end (µs).
    let mut done: Vec<(u64, Duration)> = Vec::new();
    for entry in std::fs::read_dir(dir.path())? {
        let path = entry?.path();
        let named_tx = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("tx."));
        if !named_tx {
            continue;
        }
        for line in std::fs::read_to_string(&path)?.lines() {
            let fields: Vec<u64> = line
                .split_whitespace()
                .filter_map(|f| f.parse().ok())
                .collect();
            if let [_, _, latency, _, end_s, end_us, ..] = fields[..] {
                done.push((end_s * 1_000_000 + end_us, Duration::from_micros(latency)));
            }
        }
    }
    let first = done.iter().map(|(end, _)| *end).min().unwrap_or(0);
    let warm_until = first + 1_000_000;
    let mut latencies: Vec<Duration> = done
        .into_iter()
        .filter(|(end, _)| *end >= warm_until)
        .map(|(_, latency)| latency)
        .collect();
    latencies.sort();
    Ok(Run {
        completed: latencies.len(),
        errors: 0,
        elapsed: Duration::from_secs(seconds),
        latencies,
    })
}
