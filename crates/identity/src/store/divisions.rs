//! The division register: codes and names the county keeps, so the
//! oversight summary lists every township, also those with no records yet.

use fazhi_platform::{DivisionCode, Error, db, time};
use sqlx::Row;

use super::Store;

/// A division by code and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedDivision {
    pub code: DivisionCode,
    pub name: String,
}

impl Store {
    /// Records or renames `divisions`, all in one transaction.
    pub async fn put_divisions(&self, divisions: &[NamedDivision]) -> Result<(), Error> {
        let now = time::to_micros(self.now());
        let mut tx = self.db.pool().begin().await?;
        for d in divisions {
            sqlx::query(
                "INSERT INTO divisions (code, name, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at",
            )
            .bind(d.code.as_str().to_owned())
            .bind(d.name.clone())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The registered divisions within `scope` (itself included), by code;
    /// 5,000 at most.
    pub async fn divisions_under(&self, scope: &DivisionCode) -> Result<Vec<NamedDivision>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let rows = sqlx::query(
            "SELECT code, name FROM divisions WHERE code >= $1 AND code < $2 ORDER BY code LIMIT 5000",
        )
        .bind(low)
        .bind(high)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let code: String = r.try_get("code")?;
                Ok(NamedDivision {
                    code: DivisionCode::parse(&code)
                        .map_err(|_| Error::internal(format!("stored division {code:?}")))?,
                    name: r.try_get("name")?,
                })
            })
            .collect()
    }
}
