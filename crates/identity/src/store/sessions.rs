//! Changes that end an account's sessions: a new password, or "log out
//! everywhere". Each bumps the token version, so every access token issued
//! before stops working, and writes its audit entry in the same transaction.

use chrono::{DateTime, Utc};
use fazhi_platform::{Error, time};

use super::{AuditEvent, Store, insert_audit};
use crate::accounts::Account;

impl Store {
    /// Sets the password hash of account `id`; the account as it is now,
    /// or `None` if absent.
    pub async fn set_password(
        &self,
        id: &str,
        password_hash: &str,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> Result<Option<Account>, Error> {
        self.end_sessions_with(id, Some(password_hash), now, audit)
            .await
    }

    /// Ends every session of account `id`.
    pub async fn end_sessions(
        &self,
        id: &str,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> Result<Option<Account>, Error> {
        self.end_sessions_with(id, None, now, audit).await
    }

    async fn end_sessions_with(
        &self,
        id: &str,
        password_hash: Option<&str>,
        now: DateTime<Utc>,
        audit: &AuditEvent,
    ) -> Result<Option<Account>, Error> {
        let mut tx = self.db.pool().begin().await?;
        let changed = sqlx::query(
            "UPDATE accounts SET password_hash = COALESCE($1, password_hash), updated_at = $2, \
             version = version + 1, token_version = token_version + 1 WHERE id = $3",
        )
        .bind(password_hash.map(str::to_owned))
        .bind(time::to_micros(now))
        .bind(id.to_owned())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(None);
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        self.account_by_id(id).await
    }
}
