//! The township's small registers (规范性文件, 应急预案, 法律顾问, 民主法治示范村):
//! entries by register and division, each edit at the version read.

use fazhi_platform::{DivisionCode, Error, db, time};
use sqlx::{Row, any::AnyRow};

use super::Store;

/// One entry of a register. Days are `YYYY-MM-DD`; which optional fields
/// apply depends on the register (the gateway checks them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterEntry {
    pub id: String,
    pub register: String,
    pub division_code: DivisionCode,
    pub title: String,
    pub dated: String,
    pub number: Option<String>,
    pub filed_on: Option<String>,
    pub reviewed_on: Option<String>,
    pub corrected_on: Option<String>,
    pub kind: Option<String>,
    pub organisation: Option<String>,
    pub created_by: String,
    pub version: i64,
}

const COLUMNS: &str = "id, register, division_code, title, dated, number, filed_on, reviewed_on, \
                       corrected_on, kind, organisation, created_by, version";

/// Entries one read returns at most.
pub const MAX_ENTRIES: i64 = 5_000;

fn entry(row: &AnyRow) -> Result<RegisterEntry, Error> {
    let code: String = row.try_get("division_code")?;
    Ok(RegisterEntry {
        id: row.try_get("id")?,
        register: row.try_get("register")?,
        division_code: DivisionCode::parse(&code)
            .map_err(|_| Error::internal(format!("stored division {code:?}")))?,
        title: row.try_get("title")?,
        dated: row.try_get("dated")?,
        number: row.try_get("number")?,
        filed_on: row.try_get("filed_on")?,
        reviewed_on: row.try_get("reviewed_on")?,
        corrected_on: row.try_get("corrected_on")?,
        kind: row.try_get("kind")?,
        organisation: row.try_get("organisation")?,
        created_by: row.try_get("created_by")?,
        version: row.try_get("version")?,
    })
}

impl Store {
    /// Records `entries` (new ids), all in one transaction.
    pub async fn insert_register_entries(&self, entries: &[RegisterEntry]) -> Result<(), Error> {
        let now = time::to_micros(self.now());
        let mut tx = self.db.pool().begin().await?;
        for e in entries {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO register_entries ({COLUMNS}, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
            )))
            .bind(e.id.clone())
            .bind(e.register.clone())
            .bind(e.division_code.as_str().to_owned())
            .bind(e.title.clone())
            .bind(e.dated.clone())
            .bind(e.number.clone())
            .bind(e.filed_on.clone())
            .bind(e.reviewed_on.clone())
            .bind(e.corrected_on.clone())
            .bind(e.kind.clone())
            .bind(e.organisation.clone())
            .bind(e.created_by.clone())
            .bind(e.version)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// One entry of `register` by id, if any.
    pub async fn register_entry(
        &self,
        register: &str,
        id: &str,
    ) -> Result<Option<RegisterEntry>, Error> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM register_entries WHERE register = $1 AND id = $2"
        )))
        .bind(register.to_owned())
        .bind(id.to_owned())
        .fetch_optional(self.db.pool())
        .await?;
        row.as_ref().map(entry).transpose()
    }

    /// Replaces an entry's fields if it is still at `version`; the new
    /// version is `version + 1`. A stale version is a conflict.
    pub async fn update_register_entry(
        &self,
        e: &RegisterEntry,
        version: i64,
    ) -> Result<(), Error> {
        let done = sqlx::query(
            "UPDATE register_entries SET division_code = $1, title = $2, dated = $3, number = $4, \
             filed_on = $5, reviewed_on = $6, corrected_on = $7, kind = $8, organisation = $9, \
             updated_at = $10, version = version + 1 \
             WHERE register = $11 AND id = $12 AND version = $13",
        )
        .bind(e.division_code.as_str().to_owned())
        .bind(e.title.clone())
        .bind(e.dated.clone())
        .bind(e.number.clone())
        .bind(e.filed_on.clone())
        .bind(e.reviewed_on.clone())
        .bind(e.corrected_on.clone())
        .bind(e.kind.clone())
        .bind(e.organisation.clone())
        .bind(time::to_micros(self.now()))
        .bind(e.register.clone())
        .bind(e.id.clone())
        .bind(version)
        .execute(self.db.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(stale());
        }
        Ok(())
    }

    /// Removes an entry if it is still at `version`.
    pub async fn delete_register_entry(
        &self,
        register: &str,
        id: &str,
        version: i64,
    ) -> Result<(), Error> {
        let done = sqlx::query(
            "DELETE FROM register_entries WHERE register = $1 AND id = $2 AND version = $3",
        )
        .bind(register.to_owned())
        .bind(id.to_owned())
        .bind(version)
        .execute(self.db.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(stale());
        }
        Ok(())
    }

    /// Entries of `register` within `scope`, dated in `[from, to]` (days,
    /// both optional), by division, day and id, starting after `after`
    /// (`division|dated|id`, empty for the first), `limit` at most.
    pub async fn register_entries(
        &self,
        register: &str,
        scope: &DivisionCode,
        days: (Option<&str>, Option<&str>),
        after: Option<(&str, &str, &str)>,
        limit: i64,
    ) -> Result<Vec<RegisterEntry>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let (a_div, a_day, a_id) = after.unwrap_or(("", "", ""));
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM register_entries \
             WHERE register = $1 AND division_code >= $2 AND division_code < $3 \
             AND dated >= $4 AND dated <= $5 \
             AND (division_code > $6 OR (division_code = $6 AND (dated > $7 OR (dated = $7 AND id > $8)))) \
             ORDER BY division_code, dated, id LIMIT $9"
        )))
        .bind(register.to_owned())
        .bind(low)
        .bind(high)
        .bind(days.0.unwrap_or("0000-01-01").to_owned())
        .bind(days.1.unwrap_or("9999-12-31").to_owned())
        .bind(a_div.to_owned())
        .bind(a_day.to_owned())
        .bind(a_id.to_owned())
        .bind(limit.min(MAX_ENTRIES))
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(entry).collect()
    }
}

fn stale() -> Error {
    Error::changed_meanwhile("entry")
}
