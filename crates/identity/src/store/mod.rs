//! The gateway's own database: accounts, API keys and the audit log (the
//! gateway's idempotency record lives in it too, kept by the gateway's edge).
//! A SQLite file (`gateway.db`) by default, PostgreSQL when
//! `gateway.database_url` is set.

use fazhi_platform::Code;
use std::path::Path;

use chrono::{DateTime, Utc};
use fazhi_platform::{
    DivisionCode, Error, ErrorKind,
    auth::{roles_from_codes, roles_to_codes},
    db::{self, Database, EmbeddedMigration},
    time,
};
use sqlx::{Row, any::AnyRow};

use crate::accounts::{Account, ApiKey};

mod audit;
mod divisions;
mod registers;
mod sessions;
mod windows;

pub use divisions::NamedDivision;
pub use registers::RegisterEntry;

use audit::insert_audit;

pub const MIGRATIONS: &[EmbeddedMigration] = &[
    EmbeddedMigration::new(
        1,
        "identity",
        include_str!("../../migrations/0001_identity.sql"),
    ),
    EmbeddedMigration::new(
        2,
        "audit log append-only",
        include_str!("../../migrations/0002_audit_append_only.sql"),
    )
    .with_postgres(include_str!(
        "../../migrations/0002_audit_append_only.postgres.sql"
    )),
    EmbeddedMigration::new(
        3,
        "token version",
        include_str!("../../migrations/0003_token_version.sql"),
    ),
    EmbeddedMigration::new(
        4,
        "divisions",
        include_str!("../../migrations/0004_divisions.sql"),
    ),
    EmbeddedMigration::new(
        5,
        "registers",
        include_str!("../../migrations/0005_registers.sql"),
    ),
    EmbeddedMigration::new(
        6,
        "rate windows",
        include_str!("../../migrations/0006_rate_windows.sql"),
    ),
    EmbeddedMigration::new(
        7,
        "API key source",
        include_str!("../../migrations/0007_api_key_source.sql"),
    ),
];

const ACCOUNT_COLUMNS: &str = "id, username, password_hash, roles, division_code, person_id, disabled, created_at, updated_at, version, token_version";
const ACCOUNTS_BY_USERNAME: db::Table = db::Table {
    name: "accounts",
    columns: ACCOUNT_COLUMNS,
    key: "username",
};
const API_KEYS: db::Table = db::Table {
    name: "api_keys",
    columns: API_KEY_COLUMNS,
    key: "id",
};
const API_KEY_COLUMNS: &str = "id, name, secret_hash, roles, division_code, created_by, created_at, expires_at, revoked_at, source";

/// One entry of the audit log.
pub use fazhi_platform::db::audit::Entry as AuditEvent;

#[derive(Clone)]
pub struct Store {
    db: Database,
    /// Stamps what the store records (accounts, keys, audit entries,
    /// register entries).
    clock: fazhi_platform::clock::SharedClock,
}

impl Store {
    pub async fn open(url: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        let db = Database::open(url, data_dir, "gateway", MIGRATIONS).await?;
        Ok(Self {
            db,
            clock: fazhi_platform::clock::system(),
        })
    }

    /// The store reading `clock` for what it stamps.
    pub fn with_clock(mut self, clock: fazhi_platform::clock::SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Now, as this store stamps it.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    pub async fn count_accounts(&self) -> Result<i64, Error> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
            .fetch_one(self.db.pool())
            .await?)
    }

    /// Adds an account (and its audit entry, in the same transaction);
    /// ALREADY_EXISTS when the username is taken.
    pub async fn insert_account(
        &self,
        a: &Account,
        audit: Option<&AuditEvent>,
    ) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        let result = sqlx::query(
            "INSERT INTO accounts (id, username, password_hash, roles, division_code, person_id, disabled, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.id.clone())
        .bind(a.username.clone())
        .bind(a.password_hash.clone())
        .bind(roles_to_codes(&a.roles))
        .bind(a.division.to_string())
        .bind(a.person_id.clone())
        .bind(i64::from(a.disabled))
        .bind(time::to_micros(a.created_at))
        .bind(time::to_micros(a.updated_at))
        .bind(a.version)
        .execute(&mut *tx)
        .await;
        match result {
            Ok(_) => {
                if let Some(event) = audit {
                    insert_audit(&mut tx, event).await?;
                }
                tx.commit().await?;
                Ok(())
            }
            Err(err) if db::is_unique_violation(&err) => Err(Error::new(
                ErrorKind::AlreadyExists,
                Code::UsernameTaken,
                format!("an account named {:?} exists", a.username),
            )
            .with_field("username")),
            Err(err) => Err(err.into()),
        }
    }

    pub async fn account_by_username(&self, username: &str) -> Result<Option<Account>, Error> {
        self.account_where("username", username).await
    }

    pub async fn account_by_id(&self, id: &str) -> Result<Option<Account>, Error> {
        self.account_where("id", id).await
    }

    async fn account_where(&self, column: &str, value: &str) -> Result<Option<Account>, Error> {
        // No username or id holds a NUL (PostgreSQL text cannot): none such.
        if value.contains('\0') {
            return Ok(None);
        }
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {column} = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(value.to_owned())
            .fetch_optional(self.db.pool())
            .await?;
        row.map(|r| decode_account(&r)).transpose()
    }

    /// Accounts of `scope` and below, by username, `limit` at most after `after`.
    pub async fn list_accounts(
        &self,
        scope: &DivisionCode,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Account>, Error> {
        ACCOUNTS_BY_USERNAME
            .page(&self.db, scope, after, limit, decode_account)
            .await
    }

    /// Disables or re-enables an account, with its audit entry; the new
    /// state, or `None` if absent.
    pub async fn set_disabled(
        &self,
        username: &str,
        disabled: bool,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> Result<Option<Account>, Error> {
        let mut tx = self.db.pool().begin().await?;
        sqlx::query(
            "UPDATE accounts SET disabled = $1, updated_at = $2, version = version + 1, \
             token_version = token_version + $1 WHERE username = $3",
        )
        .bind(i64::from(disabled))
        .bind(time::to_micros(now))
        .bind(username.to_owned())
        .execute(&mut *tx)
        .await?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        self.account_by_username(username).await
    }

    /// Adds a key with its audit entry; ALREADY_EXISTS when the id is taken.
    pub async fn insert_api_key(&self, k: &ApiKey, audit: &AuditEvent) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        let result = sqlx::query(
            "INSERT INTO api_keys (id, name, secret_hash, roles, division_code, created_by, created_at, expires_at, revoked_at, source) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(k.id.clone())
        .bind(k.name.clone())
        .bind(k.secret_hash.clone())
        .bind(roles_to_codes(&k.roles))
        .bind(k.division.to_string())
        .bind(k.created_by.clone())
        .bind(time::to_micros(k.created_at))
        .bind(k.expires_at.map(time::to_micros))
        .bind(k.revoked_at.map(time::to_micros))
        .bind(k.source.clone())
        .execute(&mut *tx)
        .await;
        match result {
            Ok(_) => {}
            Err(err) if db::is_unique_violation(&err) => {
                return Err(Error::new(
                    ErrorKind::AlreadyExists,
                    Code::ApiKeyExists,
                    "this request already created its API key",
                ));
            }
            Err(err) => return Err(err.into()),
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn api_key(&self, id: &str) -> Result<Option<ApiKey>, Error> {
        API_KEYS.one(&self.db, id, decode_api_key).await
    }

    /// Keys of `scope` and below, by id, `limit` at most after `after`.
    pub async fn list_api_keys(
        &self,
        scope: &DivisionCode,
        after: &str,
        limit: i64,
    ) -> Result<Vec<ApiKey>, Error> {
        API_KEYS
            .page(&self.db, scope, after, limit, decode_api_key)
            .await
    }

    /// Revokes a key with its audit entry (once; a second revocation keeps
    /// the first time and writes nothing).
    pub async fn revoke_api_key(
        &self,
        id: &str,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> Result<Option<ApiKey>, Error> {
        let mut tx = self.db.pool().begin().await?;
        let done =
            sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(time::to_micros(now))
                .bind(id.to_owned())
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 1 {
            insert_audit(&mut tx, audit).await?;
        }
        tx.commit().await?;
        self.api_key(id).await
    }
}

fn corrupt(what: &str) -> Error {
    Error::internal(format!("stored {what} is invalid"))
}

fn decode_account(r: &AnyRow) -> Result<Account, Error> {
    let division: String = r.try_get("division_code")?;
    Ok(Account {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        password_hash: r.try_get("password_hash")?,
        roles: roles_from_codes(&r.try_get::<String, _>("roles")?),
        division: DivisionCode::parse(&division).map_err(|_| corrupt("account division"))?,
        person_id: r.try_get("person_id")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        created_at: time::from_micros(r.try_get("created_at")?),
        updated_at: time::from_micros(r.try_get("updated_at")?),
        version: r.try_get("version")?,
        token_version: r.try_get("token_version")?,
    })
}

fn decode_api_key(r: &AnyRow) -> Result<ApiKey, Error> {
    let division: String = r.try_get("division_code")?;
    Ok(ApiKey {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        secret_hash: r.try_get("secret_hash")?,
        roles: roles_from_codes(&r.try_get::<String, _>("roles")?),
        division: DivisionCode::parse(&division).map_err(|_| corrupt("API key division"))?,
        created_by: r.try_get("created_by")?,
        created_at: time::from_micros(r.try_get("created_at")?),
        expires_at: r
            .try_get::<Option<i64>, _>("expires_at")?
            .map(time::from_micros),
        revoked_at: r
            .try_get::<Option<i64>, _>("revoked_at")?
            .map(time::from_micros),
        source: r.try_get("source")?,
    })
}
