//! Test support: a fresh database per test on every configured backend.
//!
//! SQLite always runs, in a temporary directory. PostgreSQL runs too when
//! `FAZHI_TEST_POSTGRES_URL` names a server (an admin URL such as
//! `postgres://postgres@127.0.0.1:5432/postgres`): each test gets its own new
//! database, dropped when the test ends.

#[cfg(feature = "browser")]
pub mod browser;

use std::{io::Write, path::Path, sync::Once};

use sqlx::{Connection, Executor, SqlSafeStr};

pub const POSTGRES_URL_VAR: &str = "FAZHI_TEST_POSTGRES_URL";

/// An optional service a test needs (PostgreSQL, an S3-compatible store,
/// Chromium, promtool): `found` when there is one; otherwise the test is
/// skipped here, with a note past the harness's capture, and fails under
/// `CI`, whose `.ci/run` provides every one of them.
pub fn optional<T>(what: &str, found: Option<T>) -> Option<T> {
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have {what}: .ci/run provides it"
        );
        let _ = writeln!(
            std::io::stderr(),
            "note: no {what} here; the tests that need it are skipped"
        );
    }
    found
}

/// One fresh, empty database: a SQLite data directory or a PostgreSQL database.
pub struct TestDatabase {
    backend: &'static str,
    dir: tempfile::TempDir,
    postgres: Option<PostgresDatabase>,
}

struct PostgresDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl TestDatabase {
    /// `"sqlite"` or `"postgres"`, for assertion messages.
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// The URL to give a service, `None` meaning its default SQLite file.
    pub fn url(&self) -> Option<&str> {
        self.postgres.as_ref().map(|pg| pg.url.as_str())
    }

    /// A data directory private to this test.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(pg) = self.postgres.take() {
            // Drop runs outside async context: use a short-lived runtime on its own thread.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(async {
                        if let Ok(mut admin) = sqlx::AnyConnection::connect(&pg.admin_url).await {
                            let sql =
                                format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", pg.name);
                            let _ = admin.execute(sqlx::AssertSqlSafe(sql).into_sql_str()).await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// The databases a store test should run against: SQLite, and PostgreSQL when configured.
pub async fn databases() -> Vec<TestDatabase> {
    let mut all = vec![sqlite()];
    if let Some(pg) = postgres().await {
        all.push(pg);
    }
    all
}

/// A fresh SQLite data directory.
pub fn sqlite() -> TestDatabase {
    TestDatabase {
        backend: "sqlite",
        dir: tempdir(),
        postgres: None,
    }
}

/// A fresh PostgreSQL database, or `None` (said once on stderr) when
/// `FAZHI_TEST_POSTGRES_URL` is unset.
pub async fn postgres() -> Option<TestDatabase> {
    sqlx::any::install_default_drivers();
    let Ok(admin_url) = std::env::var(POSTGRES_URL_VAR) else {
        static NOTICE: Once = Once::new();
        NOTICE.call_once(|| {
            optional::<()>(&format!("PostgreSQL ({POSTGRES_URL_VAR})"), None);
        });
        return None;
    };
    Some(postgres_at(&admin_url).await)
}

/// A fresh PostgreSQL database on the server `admin_url` names (an admin
/// URL such as `postgres://postgres@127.0.0.1:5432/postgres`), dropped when
/// it goes out of scope.
pub async fn postgres_at(admin_url: &str) -> TestDatabase {
    sqlx::any::install_default_drivers();
    let name = format!("fazhi_test_{}", uuid::Uuid::now_v7().simple());
    let mut admin = sqlx::AnyConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("the PostgreSQL server at {admin_url} cannot be reached: {e}"));
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")).into_sql_str())
        .await
        .expect("creating a test database");
    let url = with_database(admin_url, &name);
    TestDatabase {
        backend: "postgres",
        dir: tempdir(),
        postgres: Some(PostgresDatabase {
            admin_url: admin_url.to_owned(),
            name,
            url,
        }),
    }
}

fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("fazhi-test-")
        .tempdir()
        .expect("creating a temporary directory")
}

/// `postgres://u@h:5432/admin?x=y` with the database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_swapped_in_the_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://h:5432", "t1"),
            "postgres://h:5432/t1"
        );
        assert_eq!(
            with_database("postgres://h/db?sslmode=disable", "t1"),
            "postgres://h/t1?sslmode=disable"
        );
    }
}
