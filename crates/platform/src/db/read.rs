//! The two reads every store makes of its tables: one row by a key, and a
//! division's rows a page at a time in key order (keyset paging).

use sqlx::any::AnyRow;

use super::{Database, division_range};
use crate::{DivisionCode, Error};

/// Where a read looks: a table, the columns its decoder reads, and the
/// unique key column it finds and orders rows by. All three are the
/// store's own constants, never caller input.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static str,
    pub key: &'static str,
}

impl Table {
    /// The row whose key is `key`, decoded.
    pub async fn one<T>(
        &self,
        db: &Database,
        key: &str,
        decode: impl Fn(&AnyRow) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        let sql = format!(
            "SELECT {} FROM {} WHERE {} = $1",
            self.columns, self.name, self.key
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(key.to_owned())
            .fetch_optional(db.pool())
            .await?;
        row.as_ref().map(decode).transpose()
    }

    /// Rows of `scope` and the divisions under it, in key order, `limit` at
    /// most after the key `after` (empty: from the start).
    pub async fn page<T>(
        &self,
        db: &Database,
        scope: &DivisionCode,
        after: &str,
        limit: i64,
        decode: impl Fn(&AnyRow) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        let (low, high) = division_range(Some(scope));
        let sql = format!(
            "SELECT {columns} FROM {name} WHERE division_code >= $1 AND division_code < $2 \
             AND {key} > $3 ORDER BY {key} LIMIT $4",
            columns = self.columns,
            name = self.name,
            key = self.key,
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(low)
            .bind(high)
            .bind(after.to_owned())
            .bind(limit)
            .fetch_all(db.pool())
            .await?;
        rows.iter().map(decode).collect()
    }
}
