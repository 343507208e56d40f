//! Database access shared by every service: a SQLite file under the data
//! directory by default, PostgreSQL when a `postgres://` URL is configured.
//!
//! Both go through sqlx's `Any` driver with one SQL dialect: `$1` placeholders,
//! portable column types, application-generated ids and times stored as
//! integer microseconds. Migrations are embedded in each service's binary.

pub mod audit;
mod batch;
mod pool;
mod read;
mod wal;

use std::{borrow::Cow, path::Path, str::FromStr, time::Duration};

use sqlx::{
    AnyPool, ConnectOptions, Executor, SqlSafeStr,
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::{Migration, MigrationType, Migrator},
};

pub use batch::{BatchError, BatchWriter};
pub use pool::{COMMAND_POOL_SIZE, DEFAULT_POOL_SIZE, pool_size, set_pool_size};
pub use read::Table;
pub use wal::{DEFAULT_WAL_LIMIT_BYTES, set_wal_limit};

/// Which engine a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A migration compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedMigration {
    pub version: i64,
    pub description: &'static str,
    pub sql: &'static str,
    /// What PostgreSQL runs instead of `sql`, for the rare statement (a
    /// trigger) the two engines spell differently.
    pub postgres_sql: Option<&'static str>,
}

impl EmbeddedMigration {
    pub const fn new(version: i64, description: &'static str, sql: &'static str) -> Self {
        Self {
            version,
            description,
            sql,
            postgres_sql: None,
        }
    }

    pub const fn with_postgres(mut self, sql: &'static str) -> Self {
        self.postgres_sql = Some(sql);
        self
    }
}

/// A connection pool plus what it is connected to.
#[derive(Debug, Clone)]
pub struct Database {
    pool: AnyPool,
    backend: Backend,
    /// The SQLite file, when it is one.
    file: Option<std::path::PathBuf>,
    /// Held while this process checkpoints the SQLite log, so the watcher's
    /// checkpoint and one asked for never meet (SQLite would refuse the
    /// second at once).
    checkpointing: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Stops the pool's gauges when the last handle goes, so they never keep
    /// the pool open.
    _watch: std::sync::Arc<tokio_util::sync::DropGuard>,
}

/// Per-connection SQLite settings: durable commits (`synchronous=FULL` in WAL
/// mode fsyncs the log on every commit), enforced foreign keys, and a busy
/// timeout so a reader never fails while the writer holds the lock.
const SQLITE_CONNECTION_PRAGMAS: &str =
    "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";

impl Database {
    /// Opens the service's database and brings its schema up to date.
    ///
    /// `url` is a `postgres://` or `sqlite://` URL; `None` means the SQLite
    /// file `{data_dir}/{name}.db`, created if missing.
    pub async fn open(
        url: Option<&str>,
        data_dir: &Path,
        name: &str,
        migrations: &[EmbeddedMigration],
    ) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let url = match url {
            Some(url) => url.to_owned(),
            None => {
                crate::owner_only::create_dir(data_dir).map_err(|e| {
                    anyhow::anyhow!("cannot create data directory {}: {e}", data_dir.display())
                })?;
                let file = data_dir.join(format!("{name}.db"));
                crate::owner_only::create_file(&file)
                    .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", file.display()))?;
                format!("sqlite://{}?mode=rwc", file.display())
            }
        };
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            anyhow::bail!("database URL for {name} must start with postgres:// or sqlite://");
        };
        let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();

        let pool = match backend {
            Backend::Sqlite => {
                // WAL is a property of the file: set it once, before the pool
                // opens connections concurrently.
                let mut first = options.connect().await?;
                first.execute("PRAGMA journal_mode = WAL;").await?;
                drop(first);
                // After a checkpoint the log is cut back to the bound.
                let pragmas: std::sync::Arc<str> = format!(
                    "{SQLITE_CONNECTION_PRAGMAS} PRAGMA journal_size_limit = {};",
                    wal::wal_limit()
                )
                .into();
                AnyPoolOptions::new()
                    .max_connections(pool::pool_size(name))
                    .acquire_timeout(Duration::from_secs(10))
                    .after_connect(move |conn, _| {
                        let pragmas = sqlx::AssertSqlSafe(pragmas.to_string());
                        Box::pin(async move {
                            sqlx::raw_sql(pragmas).execute(&mut *conn).await.map(|_| ())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                // One connection first, so a refusal is told in the
                // server's words, not as the pool's timeout.
                let first = options
                    .connect()
                    .await
                    .map_err(|e| pool::refused(name, &url, &e))?;
                drop(first);
                AnyPoolOptions::new()
                    .max_connections(pool::pool_size(name))
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?
            }
        };

        let migrator = Migrator::with_migrations(
            migrations
                .iter()
                .map(|m| {
                    Migration::new(
                        m.version,
                        Cow::Borrowed(m.description),
                        MigrationType::Simple,
                        match (backend, m.postgres_sql) {
                            (Backend::Postgres, Some(sql)) => sql,
                            _ => m.sql,
                        }
                        .into_sql_str(),
                        false,
                    )
                })
                .collect(),
        );
        migrator
            .run(&pool)
            .await
            .map_err(|e| anyhow::anyhow!("migrating the {name} database: {e}"))?;
        tracing::info!(database = name, backend = ?backend, "database ready");
        let watch = tokio_util::sync::CancellationToken::new();
        watch_pool(name, pool.clone(), watch.clone());
        let file = match backend {
            Backend::Sqlite => wal::file_of(&url),
            Backend::Postgres => None,
        };
        let checkpointing = std::sync::Arc::new(tokio::sync::Mutex::new(()));
        if let Some(file) = &file {
            wal::watch(
                name.to_owned(),
                pool.clone(),
                wal::log_of(file),
                wal::wal_limit(),
                Duration::from_millis(100),
                checkpointing.clone(),
                watch.clone(),
            );
        }
        Ok(Self {
            pool,
            backend,
            file,
            checkpointing,
            _watch: std::sync::Arc::new(watch.drop_guard()),
        })
    }

    /// The SQLite file's size and its write-ahead log's, in bytes (none for
    /// PostgreSQL).
    pub fn file_sizes(&self) -> Option<(u64, u64)> {
        self.file.as_deref().map(sqlite_file_sizes)
    }

    /// Checkpoints a SQLite database's log now and empties it, as the
    /// watcher does when pressed (after the watcher's own checkpoint, when
    /// one is under way): waiting up to 100 ms for readers; whether it was
    /// emptied.
    /// PostgreSQL: nothing to do.
    pub async fn checkpoint(&self) -> Result<bool, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let _one_at_a_time = self.checkpointing.lock().await;
                wal::truncate(&self.pool, true).await
            }
            Backend::Postgres => Ok(true),
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A client span for one database operation (a statement or the
    /// transaction of a step), named and attributed as OpenTelemetry's
    /// database conventions ask: `{operation} {collection}`.
    pub fn span(&self, operation: &'static str, collection: &'static str) -> tracing::Span {
        let system = match self.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        };
        tracing::info_span!(
            "db",
            otel.name = %format!("{operation} {collection}"),
            otel.kind = "client",
            db.system.name = system,
            db.operation.name = operation,
            db.collection.name = collection,
        )
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Waits for every connection to close; call on shutdown.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A job done once per store (a rebuild under new rules): unless `basis` is
/// in `table` (one `basis` column) already, a transaction holding it newly
/// written there — the marker first, so a second process starting at once
/// waits on it and then finds it taken. `None`: done, or being done.
pub async fn claim_once(
    pool: &AnyPool,
    table: &'static str,
    basis: &str,
) -> Result<Option<sqlx::Transaction<'static, sqlx::Any>>, sqlx::Error> {
    let done: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT basis FROM {table} WHERE basis = $1"
    )))
    .bind(basis.to_owned())
    .fetch_optional(pool)
    .await?;
    if done.is_some() {
        return Ok(None);
    }
    let mut tx = pool.begin().await?;
    let marked = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO {table} (basis) VALUES ($1)"
    )))
    .bind(basis.to_owned())
    .execute(&mut *tx)
    .await;
    match marked {
        Err(err) if is_unique_violation(&err) => Ok(None),
        Err(err) => Err(err),
        Ok(_) => Ok(Some(tx)),
    }
}

/// A SQLite file's size and its write-ahead log's, in bytes (0 when absent).
pub fn sqlite_file_sizes(file: &Path) -> (u64, u64) {
    (wal::size(file), wal::size(&wal::log_of(file)))
}

/// Whether `err` is a unique-constraint violation.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}

/// `$first, $first+1, …`: the placeholders of `n` values bound in a row
/// (an `IN (…)` list), the first numbered `first`.
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `[low, high)` text range of division codes at or under `division`
/// (everything when `None`), for `division_code >= $low AND division_code < $high`.
pub fn division_range(division: Option<&crate::DivisionCode>) -> (String, String) {
    match division {
        Some(code) => (code.as_str().to_owned(), prefix_upper_bound(code.as_str())),
        // Division codes are digits: "" sorts before and "~" after all of them.
        None => (String::new(), "~".to_owned()),
    }
}

/// How a figures query groups the divisions it reads: all as one, or each
/// township (the nine-digit code a village's twelve digits start with) on
/// its own — so one query answers every township of a county at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grouping {
    Whole,
    Townships,
}

impl Grouping {
    /// The SQL of a row's group over the division code expression `column`,
    /// to select and `GROUP BY`: the empty string for [`Grouping::Whole`]
    /// (an expression, not a constant, which PostgreSQL's `GROUP BY` refuses).
    pub fn key(self, column: &str) -> String {
        let length = match self {
            Self::Whole => 0,
            Self::Townships => 9,
        };
        format!("substr({column}, 1, {length})")
    }
}

/// Upper bound (exclusive) of the text range holding `prefix` and every
/// string that starts with it, for index-friendly prefix queries over
/// digit strings such as division codes: `code >= prefix AND code < bound`.
pub fn prefix_upper_bound(prefix: &str) -> String {
    // ':' sorts right after '9'.
    format!("{prefix}:")
}

/// Reports the pool's connections (in use, idle, the most it opens) as
/// gauges every few seconds, until `stop` or the pool is closed. Outside a
/// Tokio runtime (never in a server) it reports nothing.
fn watch_pool(name: &str, pool: AnyPool, stop: tokio_util::sync::CancellationToken) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let database = name.to_owned();
    let most = f64::from(pool.options().get_max_connections());
    runtime.spawn(async move {
        let mut ticks = tokio::time::interval(Duration::from_secs(5));
        while !pool.is_closed() {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = ticks.tick() => {}
            }
            let (open, idle) = (f64::from(pool.size()), pool.num_idle() as f64);
            let gauge = |state: &'static str, value: f64| {
                metrics::gauge!("fazhi_db_pool_connections", "database" => database.clone(), "state" => state)
                    .set(value);
            };
            gauge("in_use", (open - idle).max(0.0));
            gauge("idle", idle);
            gauge("max", most);
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered_from_the_first() {
        assert_eq!(super::placeholders(1, 3), "$1, $2, $3");
        assert_eq!(super::placeholders(3, 2), "$3, $4");
        assert_eq!(super::placeholders(1, 0), "");
    }
}
