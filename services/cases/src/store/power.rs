//! The power list: items and the divisions that hold them.

use chrono::NaiveDate;
use fazhi_platform::category::EnforcementCategory;
use fazhi_platform::{Code, DivisionCode, Error, ErrorKind, db};
use sqlx::{Row, any::AnyRow};

use super::{Store, corrupt, date};
use crate::domain::{PowerItem, PowerKind, PowerSource};

const COLUMNS: &str =
    "id, code, name, legal_basis, kind, source, category, effective_from, effective_to, version";

impl Store {
    /// Records an item; ALREADY_EXISTS when its code is taken.
    pub async fn insert_power_item(&self, item: &PowerItem) -> Result<(), Error> {
        self.insert_power_items(std::slice::from_ref(item)).await
    }

    /// Records items all together or none (an imported list); ALREADY_EXISTS
    /// naming the first code taken.
    pub async fn insert_power_items(&self, items: &[PowerItem]) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        for item in items {
            insert(&mut tx, item).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Which of `codes` are taken already.
    pub async fn taken_power_codes(&self, codes: &[String]) -> Result<Vec<String>, Error> {
        let mut taken = Vec::new();
        // Bounded batches keep each statement's parameters well under the limits.
        for batch in codes.chunks(500) {
            let sql = format!(
                "SELECT code FROM power_items WHERE code IN ({})",
                fazhi_platform::db::placeholders(1, batch.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for code in batch {
                query = query.bind(code.clone());
            }
            for row in query.fetch_all(self.db.pool()).await? {
                taken.push(row.try_get("code")?);
            }
        }
        Ok(taken)
    }

    /// The item with this id.
    pub async fn power_item(&self, id: &str) -> Result<Option<PowerItem>, Error> {
        self.power_item_where("id", id).await
    }

    /// The item with this code.
    pub async fn power_item_by_code(&self, code: &str) -> Result<Option<PowerItem>, Error> {
        self.power_item_where("code", code).await
    }

    async fn power_item_where(
        &self,
        column: &str,
        value: &str,
    ) -> Result<Option<PowerItem>, Error> {
        let key = if column == "code" { "code" } else { "id" };
        let sql = format!("SELECT {COLUMNS} FROM power_items WHERE {key} = $1");
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(value.to_owned())
            .fetch_optional(self.db.pool())
            .await?
        else {
            return Ok(None);
        };
        let mut item = decode(&row)?;
        item.holders = self.holders(&item.id).await?;
        Ok(Some(item))
    }

    async fn holders(&self, item_id: &str) -> Result<Vec<DivisionCode>, Error> {
        let codes: Vec<String> = sqlx::query_scalar(
            "SELECT division_code FROM power_item_holders WHERE item_id = $1 ORDER BY division_code",
        )
        .bind(item_id.to_owned())
        .fetch_all(self.db.pool())
        .await?;
        codes
            .iter()
            .map(|c| DivisionCode::parse(c).map_err(|_| corrupt("holder", c)))
            .collect()
    }

    /// Items that concern `scope`: held by a division in it, or by one it
    /// lies under (a county's item reaches its townships); by code, `limit`
    /// at most after the code `after`.
    pub async fn list_power_items(
        &self,
        scope: &DivisionCode,
        after: &str,
        limit: i64,
    ) -> Result<Vec<PowerItem>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let sql = format!(
            "SELECT {COLUMNS} FROM power_items i WHERE i.code > $4 AND EXISTS (\
               SELECT 1 FROM power_item_holders h WHERE h.item_id = i.id \
               AND ((h.division_code >= $1 AND h.division_code < $2) OR $3 LIKE h.division_code || '%')) \
             ORDER BY i.code LIMIT $5"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(low)
            .bind(high)
            .bind(scope.to_string())
            .bind(after.to_owned())
            .bind(limit)
            .fetch_all(self.db.pool())
            .await?;
        let mut items = rows.iter().map(decode).collect::<Result<Vec<_>, _>>()?;
        for item in &mut items {
            item.holders = self.holders(&item.id).await?;
        }
        Ok(items)
    }
}

fn decode(r: &AnyRow) -> Result<PowerItem, Error> {
    let text = |column: &str| r.try_get::<String, _>(column);
    let kind = text("kind")?;
    let source = text("source")?;
    let category = text("category")?;
    let effective_to = text("effective_to")?;
    Ok(PowerItem {
        id: text("id")?,
        code: text("code")?,
        name: text("name")?,
        legal_basis: text("legal_basis")?,
        kind: PowerKind::from_code(&kind).ok_or_else(|| corrupt("kind", &kind))?,
        source: PowerSource::from_code(&source).ok_or_else(|| corrupt("source", &source))?,
        category: EnforcementCategory::from_code(&category)
            .ok_or_else(|| corrupt("category", &category))?,
        effective_from: date(&text("effective_from")?)?,
        effective_to: match effective_to.as_str() {
            "" => None,
            day => Some(date(day)?),
        },
        holders: Vec::new(),
        version: r.try_get("version")?,
    })
}

/// A day as stored, for the callers that bind one.
pub(super) fn day_text(day: Option<NaiveDate>) -> String {
    day.map(|d| d.to_string()).unwrap_or_default()
}

async fn insert(tx: &mut sqlx::Transaction<'_, sqlx::Any>, item: &PowerItem) -> Result<(), Error> {
    let done = sqlx::query(
        "INSERT INTO power_items (id, code, name, legal_basis, kind, source, category, effective_from, effective_to, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(item.id.clone())
    .bind(item.code.clone())
    .bind(item.name.clone())
    .bind(item.legal_basis.clone())
    .bind(item.kind.code())
    .bind(item.source.code())
    .bind(item.category.code())
    .bind(item.effective_from.to_string())
    .bind(item.effective_to.map(|d| d.to_string()).unwrap_or_default())
    .bind(item.version)
    .execute(&mut **tx)
    .await;
    match done {
        Ok(_) => {}
        Err(err) if db::is_unique_violation(&err) => {
            return Err(Error::new(
                ErrorKind::AlreadyExists,
                Code::PowerItemCodeExists,
                format!("power item code {} is taken", item.code),
            )
            .with_field("code"));
        }
        Err(err) => return Err(err.into()),
    }
    for holder in &item.holders {
        sqlx::query("INSERT INTO power_item_holders (item_id, division_code) VALUES ($1, $2)")
            .bind(item.id.clone())
            .bind(holder.to_string())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
